/* fl-palette.c: the one palette of states and outcomes, for every view and export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Okabe–Ito colours, distinguishable with every common colour-vision deficiency, and a
 * saturated set for a washed-out projector. Each kind also has a symbol and a legend word,
 * so nothing depends on colour alone: a 404 is an orange "?", never a green tick.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-palette.h"

static gboolean high_contrast_palette;

/**
 * fl_state_color_set_high_contrast:
 *
 * Switches every colour between Okabe–Ito and a saturated high-contrast set. Widgets
 * drawing with the palette need a redraw afterwards.
 */
void
fl_state_color_set_high_contrast (gboolean high_contrast)
{
  high_contrast_palette = !!high_contrast;
}

FlPaletteKind
fl_palette_kind (FlFutureState state,
                 FlOutcome     outcome)
{
  switch (outcome)
    {
    case FL_OUTCOME_OK:        return FL_PALETTE_OK;
    case FL_OUTCOME_NOT_FOUND: return FL_PALETTE_NOT_FOUND;
    case FL_OUTCOME_FAILED:    return FL_PALETTE_FAILED;
    case FL_OUTCOME_CANCELLED: return FL_PALETTE_CANCELLED;
    case FL_OUTCOME_NONE:
    default:
      break;
    }
  switch (state)
    {
    case FL_FUTURE_RUNNING:   return FL_PALETTE_RUNNING;
    case FL_FUTURE_FINISHED:  return FL_PALETTE_OK;
    case FL_FUTURE_FAILED:    return FL_PALETTE_FAILED;
    case FL_FUTURE_CANCELLED: return FL_PALETTE_CANCELLED;
    case FL_FUTURE_PENDING:
    default:                  return FL_PALETTE_QUEUED;
    }
}

/**
 * fl_palette_kind_of_span:
 * @t: the instant, in µs from the origin (G_MAXINT64 / 2 for "at the end")
 */
FlPaletteKind
fl_palette_kind_of_span (const FlSpan *span,
                         gint64        t)
{
  if (span->kind == FL_SPAN_MARK)
    return FL_PALETTE_MARK;
  return fl_palette_kind (fl_span_state_at (span, t), fl_span_outcome_at (span, t));
}

void
fl_palette_color (FlPaletteKind  kind,
                  GdkRGBA       *rgba)
{
  static const GdkRGBA colors[FL_PALETTE_N_KINDS] = {
    [FL_PALETTE_QUEUED]    = { 0.60, 0.60, 0.60, 1.0 },    /* grey */
    [FL_PALETTE_RUNNING]   = { 0.337, 0.706, 0.914, 1.0 }, /* sky blue */
    [FL_PALETTE_OK]        = { 0.0, 0.620, 0.451, 1.0 },   /* bluish green */
    [FL_PALETTE_NOT_FOUND] = { 0.902, 0.624, 0.0, 1.0 },   /* orange */
    [FL_PALETTE_FAILED]    = { 0.835, 0.369, 0.0, 1.0 },   /* vermillion */
    [FL_PALETTE_CANCELLED] = { 0.800, 0.475, 0.655, 1.0 }, /* reddish purple */
    [FL_PALETTE_MARK]      = { 0.941, 0.894, 0.259, 1.0 }, /* yellow */
  };
  static const GdkRGBA high_contrast[FL_PALETTE_N_KINDS] = {
    [FL_PALETTE_QUEUED]    = { 0.45, 0.45, 0.45, 1.0 },    /* mid grey */
    [FL_PALETTE_RUNNING]   = { 1.0, 0.70, 0.0, 1.0 },      /* amber */
    [FL_PALETTE_OK]        = { 0.0, 0.33, 0.85, 1.0 },     /* strong blue */
    [FL_PALETTE_NOT_FOUND] = { 0.55, 0.35, 0.0, 1.0 },     /* brown */
    [FL_PALETTE_FAILED]    = { 0.86, 0.0, 0.0, 1.0 },      /* red */
    [FL_PALETTE_CANCELLED] = { 0.62, 0.0, 0.75, 1.0 },     /* magenta */
    [FL_PALETTE_MARK]      = { 0.10, 0.10, 0.10, 1.0 },    /* near black */
  };
  const GdkRGBA *table = high_contrast_palette ? high_contrast : colors;

  *rgba = table[MIN ((guint) kind, FL_PALETTE_N_KINDS - 1)];
}

/* The same hues, dark enough to read as text on a light background. */
void
fl_palette_text_color (FlPaletteKind  kind,
                       GdkRGBA       *rgba)
{
  static const GdkRGBA text[FL_PALETTE_N_KINDS] = {
    [FL_PALETTE_QUEUED]    = { 0.42, 0.42, 0.42, 1.0 },
    [FL_PALETTE_RUNNING]   = { 0.0, 0.447, 0.698, 1.0 },
    [FL_PALETTE_OK]        = { 0.0, 0.478, 0.353, 1.0 },
    [FL_PALETTE_NOT_FOUND] = { 0.60, 0.40, 0.0, 1.0 },
    [FL_PALETTE_FAILED]    = { 0.75, 0.25, 0.0, 1.0 },
    [FL_PALETTE_CANCELLED] = { 0.631, 0.333, 0.498, 1.0 },
    [FL_PALETTE_MARK]      = { 0.45, 0.42, 0.0, 1.0 },
  };

  if (high_contrast_palette)
    fl_palette_color (kind, rgba);
  else
    *rgba = text[MIN ((guint) kind, FL_PALETTE_N_KINDS - 1)];
}

/**
 * fl_palette_legend:
 *
 * Returns: the legend word of @kind, translated
 */
const char *
fl_palette_legend (FlPaletteKind kind)
{
  switch (kind)
    {
    case FL_PALETTE_QUEUED:    return _("queued");
    case FL_PALETTE_RUNNING:   return _("running");
    case FL_PALETTE_OK:        return fl_outcome_name (FL_OUTCOME_OK);
    case FL_PALETTE_NOT_FOUND: return fl_outcome_name (FL_OUTCOME_NOT_FOUND);
    case FL_PALETTE_FAILED:    return fl_outcome_name (FL_OUTCOME_FAILED);
    case FL_PALETTE_CANCELLED: return fl_outcome_name (FL_OUTCOME_CANCELLED);
    case FL_PALETTE_MARK:      return _("waiting");
    case FL_PALETTE_N_KINDS:
    default:                   return "";
    }
}

const char *
fl_palette_symbol (FlPaletteKind kind)
{
  switch (kind)
    {
    case FL_PALETTE_QUEUED:    return "◌";
    case FL_PALETTE_RUNNING:   return "▶";
    case FL_PALETTE_OK:        return fl_outcome_symbol (FL_OUTCOME_OK);
    case FL_PALETTE_NOT_FOUND: return fl_outcome_symbol (FL_OUTCOME_NOT_FOUND);
    case FL_PALETTE_FAILED:    return fl_outcome_symbol (FL_OUTCOME_FAILED);
    case FL_PALETTE_CANCELLED: return fl_outcome_symbol (FL_OUTCOME_CANCELLED);
    case FL_PALETTE_MARK:      return "⏸";
    case FL_PALETTE_N_KINDS:
    default:                   return "";
    }
}

void
fl_state_color (FlFutureState  state,
                GdkRGBA       *rgba)
{
  fl_palette_color (fl_palette_kind (state, FL_OUTCOME_NONE), rgba);
}
