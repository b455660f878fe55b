/* fl-palette.h: the one palette of states and outcomes, for every view and export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

/**
 * FlPaletteKind:
 *
 * What a bar, a row or a legend entry shows: a future's state until it ends, then its
 * outcome; marks have their own colour.
 */
typedef enum
{
  FL_PALETTE_QUEUED,
  FL_PALETTE_RUNNING,
  FL_PALETTE_OK,
  FL_PALETTE_NOT_FOUND,
  FL_PALETTE_FAILED,
  FL_PALETTE_CANCELLED,
  FL_PALETTE_MARK,
  FL_PALETTE_N_KINDS
} FlPaletteKind;

FlPaletteKind fl_palette_kind            (FlFutureState  state,
                                          FlOutcome      outcome);
FlPaletteKind fl_palette_kind_of_span    (const FlSpan  *span,
                                          gint64         t);
void          fl_palette_color           (FlPaletteKind  kind,
                                          GdkRGBA       *rgba);
void          fl_palette_text_color      (FlPaletteKind  kind,
                                          GdkRGBA       *rgba);
const char   *fl_palette_legend          (FlPaletteKind  kind);
const char   *fl_palette_symbol          (FlPaletteKind  kind);

/* The state colours, shared with the list, the state diagram and the legends. */
void          fl_state_color             (FlFutureState  state,
                                          GdkRGBA       *rgba);
void          fl_state_color_set_high_contrast (gboolean high_contrast);

G_END_DECLS
