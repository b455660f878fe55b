/* fl-timeline.h: one lane per worker, a bar per future, drawn from a trace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_TIMELINE (fl_timeline_get_type ())
G_DECLARE_FINAL_TYPE (FlTimeline, fl_timeline, FL, TIMELINE, GtkWidget)

/**
 * FlTimelineStats:
 * @n_spans: futures known from the trace
 * @n_lanes: lanes shown
 * @n_visible: futures inside the visible time range in the last frame
 * @n_rects: rectangles drawn in the last frame (sub-pixel bars merged per column)
 * @n_frames: frames drawn
 * @n_lane_labels: lane names drawn in the last frame
 */
typedef struct
{
  guint   n_spans;
  guint   n_lanes;
  guint   n_visible;
  guint   n_rects;
  guint   n_frames;
  guint   n_lane_labels;
} FlTimelineStats;

GtkWidget *fl_timeline_new          (void);
void       fl_timeline_set_spans    (FlTimeline      *self,
                                     FlSpans         *spans);
FlSpans   *fl_timeline_get_spans    (FlTimeline      *self);
void       fl_timeline_set_trace    (FlTimeline      *self,
                                     FlTrace         *trace);
FlTrace   *fl_timeline_get_trace    (FlTimeline      *self);
void       fl_timeline_set_cursor   (FlTimeline      *self,
                                     gint64           t);
gint64     fl_timeline_get_cursor   (FlTimeline      *self);
void       fl_timeline_set_ghost    (FlTimeline      *self,
                                     FlSpans         *ghost);
FlSpans   *fl_timeline_get_ghost    (FlTimeline      *self);
void       fl_timeline_set_selected (FlTimeline      *self,
                                     guint64          future_id);
guint64    fl_timeline_get_selected (FlTimeline      *self);
void       fl_timeline_set_follow   (FlTimeline      *self,
                                     gboolean         follow);
gboolean   fl_timeline_get_follow   (FlTimeline      *self);
void       fl_timeline_set_view     (FlTimeline      *self,
                                     gint64           start_us,
                                     gint64           span_us);
void       fl_timeline_get_view     (FlTimeline      *self,
                                     gint64          *start_us,
                                     gint64          *span_us);
void       fl_timeline_get_stats    (FlTimeline      *self,
                                     FlTimelineStats *stats);
void       fl_timeline_set_max_lane_height (FlTimeline *self,
                                            double      height);
double     fl_timeline_get_max_lane_height (FlTimeline *self);

#include "fl-palette.h"

G_END_DECLS
