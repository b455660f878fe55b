/* fl-mandelbrot-view.h: an image that assembles tile by tile, tinted by lane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_MANDELBROT_VIEW (fl_mandelbrot_view_get_type ())
G_DECLARE_FINAL_TYPE (FlMandelbrotView, fl_mandelbrot_view, FL, MANDELBROT_VIEW, GtkWidget)

GtkWidget *fl_mandelbrot_view_new         (void);
void       fl_mandelbrot_view_reset       (FlMandelbrotView *self,
                                           guint             side);
guint      fl_mandelbrot_view_add_tile    (FlMandelbrotView *self,
                                           guint             x,
                                           guint             y,
                                           guint             w,
                                           guint             h);
void       fl_mandelbrot_view_update_tile (FlMandelbrotView *self,
                                           guint             index,
                                           FlFutureState     state,
                                           FlLaneKind        lane_kind,
                                           int               lane,
                                           GBytes           *rgb);
void       fl_mandelbrot_view_set_tint    (FlMandelbrotView *self,
                                           gboolean          tint);
gboolean   fl_mandelbrot_view_get_tint    (FlMandelbrotView *self);
guint      fl_mandelbrot_view_get_n_tiles (FlMandelbrotView *self);
guint      fl_mandelbrot_view_get_n_painted (FlMandelbrotView *self);

void       fl_lane_color                  (FlLaneKind        kind,
                                           int               lane,
                                           GdkRGBA          *rgba);

G_END_DECLS
