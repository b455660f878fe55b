/* fl-timeline.c: one lane per worker, a bar per future, drawn from a trace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The trace is an append-only event log written by any thread. A tick callback reads the
 * new events once per frame, folds them into spans (one per future) and queues at most one
 * redraw; nothing here runs per event on the main loop. Drawing is culled to the visible
 * time range with a binary search per lane, and bars narrower than a pixel are merged into
 * one rectangle per pixel column, so a frame costs about width x lanes however many futures
 * the run has. When nothing runs and nothing new came for half a second the timeline stops
 * asking for frames and looks for new events twice a second instead: an idle app sleeps.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "fl-format.h"
#include "fl-palette.h"
#include "fl-timeline.h"

#define GUTTER       120.0
#define AXIS_H       44.0
#define MAX_LANE_H   30.0
#define MIN_LANE_H   4.0
#define LANE_TEXT_H  12.0   /* a lane this high has room for its own name */
#define QUEUE_DETAIL 300    /* draw queued segments when a lane shows fewer bars */
#define IDLE_TICKS   30     /* frames with nothing running and nothing new before it rests */
#define IDLE_POLL_MS 500    /* while resting, how often it looks for new events */

typedef struct
{
  guint8  kind;
  gint32  lane;
  GArray *spans;        /* guint span indices, in start order */
  guint   first_open;   /* no span before this index is unfinished */
  gint64  max_duration;
} Lane;

struct _FlTimeline
{
  GtkWidget   parent_instance;

  FlSpans    *spans;
  gulong      changed_id;
  gint64      origin;
  GArray     *lanes;        /* Lane, sorted: main loop, threads, processes, caller */
  GArray     *loop_slots;   /* span index + 1 running in each main-loop row, or 0 */
  GArray     *placed;       /* guint8 per span: its row + 1 once it is in a lane */
  gint64      cursor;       /* µs from the origin, or -1 */
  FlSpans    *ghost;        /* a previous run drawn faintly on the same axis, or NULL */

  guint       tick_id;
  guint       idle_ticks;
  guint       poll_id;      /* resting: a slow timeout instead of the tick callback */
  gboolean    follow;
  gint64      view_start;
  gint64      view_span;
  guint64     selected;

  double      drag_start_x;
  gint64      drag_view_start;
  gboolean    drag_cursor;   /* the drag began on the axis: it moves the cursor */
  double      max_lane_h;

  FlTimelineStats stats;
};

enum {
  PROP_0,
  PROP_FOLLOW,
  PROP_SELECTED,
  PROP_MAX_LANE_HEIGHT,
  PROP_CURSOR,
  N_PROPS
};

enum {
  FUTURE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlTimeline, fl_timeline, GTK_TYPE_WIDGET)

static int
lane_order (guint8 kind)
{
  switch (kind)
    {
    case FL_LANE_MAIN_LOOP:
      return 0;
    case FL_LANE_THREAD:
      return 1;
    case FL_LANE_PROCESS:
      return 2;
    case FL_LANE_CALLER:
      return 3;
    case FL_LANE_NONE:
    default:
      return 4;
    }
}

static guint
find_lane (FlTimeline *self,
           guint8      kind,
           gint32      lane)
{
  Lane new_lane = { kind, lane, NULL, 0, 0 };
  guint i;

  for (i = 0; i < self->lanes->len; i++)
    {
      Lane *l = &g_array_index (self->lanes, Lane, i);

      if (l->kind == kind && l->lane == lane)
        return i;
      if (lane_order (l->kind) > lane_order (kind)
          || (l->kind == kind && l->lane > lane))
        break;
    }
  new_lane.spans = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_insert_val (self->lanes, i, new_lane);
  return i;
}

static void
clear_lanes (FlTimeline *self)
{
  for (guint i = 0; i < self->lanes->len; i++)
    g_array_unref (g_array_index (self->lanes, Lane, i).spans);
  g_array_set_size (self->lanes, 0);
  /* The main loop always has a lane: it is where the freeze shows. */
  find_lane (self, FL_LANE_MAIN_LOOP, 0);
}

static inline const FlSpan *
span_of (FlTimeline *self,
         guint       index)
{
  return fl_spans_get (self->spans, index);
}

static gint32
take_loop_slot (FlTimeline *self,
                guint       span_index)
{
  guint slot;

  for (slot = 0; slot < self->loop_slots->len; slot++)
    {
      guint occupant = g_array_index (self->loop_slots, guint, slot);

      if (occupant == 0 || span_of (self, occupant - 1)->finished >= 0)
        break;
    }
  if (slot == self->loop_slots->len)
    g_array_set_size (self->loop_slots, slot + 1);
  g_array_index (self->loop_slots, guint, slot) = span_index + 1;
  return (gint32) slot;
}

/* Puts a span that has started into its lane (lanes keep their spans in start order). */
static void
place (FlTimeline *self,
       guint       index)
{
  const FlSpan *s = span_of (self, index);
  gint32 row = s->lane;
  Lane *lane;
  guint li;

  if (index >= self->placed->len)
    g_array_set_size (self->placed, MAX (index + 1, self->placed->len * 2));
  if (!g_array_index (self->placed, guint8, index))
    {
      if (s->started < 0)
        return;
      /* Tasks on the loop share the one main-loop lane; overlapping ones get a row of
       * their own (the first free one) so they do not hide each other. */
      if (s->lane_kind == FL_LANE_MAIN_LOOP)
        row = take_loop_slot (self, index);
      li = find_lane (self, s->lane_kind, row);   /* may grow the array: index after */
      lane = &g_array_index (self->lanes, Lane, li);
      g_array_append_val (lane->spans, index);
      g_array_index (self->placed, guint8, index) = 1 + (guint8) MIN (row, 254);
      if (s->lane_kind == FL_LANE_MAIN_LOOP)
        g_array_index (self->loop_slots, guint, row) = index + 1;
    }
  if (s->finished >= 0 && s->started >= 0)
    {
      row = s->lane_kind == FL_LANE_MAIN_LOOP ? g_array_index (self->placed, guint8, index) - 1
                                              : s->lane;
      li = find_lane (self, s->lane_kind, row);
      lane = &g_array_index (self->lanes, Lane, li);
      lane->max_duration = MAX (lane->max_duration, s->finished - s->started);
    }
}

static void start_ticking (FlTimeline *self);

static void
spans_changed_cb (FlSpans     *spans,
                  guint        first_new,
                  const guint *touched,
                  guint        n_touched,
                  FlTimeline  *self)
{
  for (guint i = 0; i < n_touched; i++)
    place (self, touched[i]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  start_ticking (self);
}

static gboolean
is_live (FlTimeline *self)
{
  return self->spans != NULL && !fl_spans_is_idle (self->spans);
}

/* Now, in the spans' units: a slowed run's clock is scaled back like its bars. */
static gint64
timeline_now (FlTimeline *self)
{
  return self->spans != NULL ? fl_spans_get_now (self->spans)
                             : g_get_monotonic_time () - self->origin;
}

static gint64
run_end (FlTimeline *self)
{
  gint64 last = self->spans != NULL ? fl_spans_get_last_time (self->spans) : 0;

  if (self->ghost != NULL)
    last = MAX (last, fl_spans_get_last_time (self->ghost));

  /* While anything is unfinished the run is alive: its end is now. */
  if (is_live (self))
    return MAX (last, timeline_now (self));
  return last;
}

static void
update_follow_view (FlTimeline *self)
{
  gint64 end = run_end (self);

  self->view_start = 0;
  self->view_span = MAX ((gint64) (end * 1.02), 1000);
}

static gboolean tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data);

static void
start_ticking (FlTimeline *self)
{
  self->idle_ticks = 0;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static gboolean
idle_poll_cb (gpointer data)
{
  FlTimeline *self = data;

  if (self->spans != NULL && (fl_spans_update (self->spans) || is_live (self)))
    {
      self->poll_id = 0;
      start_ticking (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  FlTimeline *self = FL_TIMELINE (widget);
  /* The fold is shared: whichever view ticks first folds, every listener hears it. */
  gboolean changed = self->spans != NULL && fl_spans_update (self->spans);

  if (!changed && self->follow && is_live (self))
    gtk_widget_queue_draw (widget);
  if (changed || is_live (self))
    self->idle_ticks = 0;
  else if (++self->idle_ticks >= IDLE_TICKS)
    {
      /* Nothing runs, nothing came: stop the frame clock (an idle window draws nothing). */
      self->tick_id = 0;
      if (self->spans != NULL)
        self->poll_id = g_timeout_add (IDLE_POLL_MS, idle_poll_cb, self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static double
lane_height (FlTimeline *self,
             int         height)
{
  double h = (height - AXIS_H) / MAX (self->lanes->len, 1);

  return CLAMP (h, MIN_LANE_H, MAX (self->max_lane_h, MIN_LANE_H));
}

static void
draw_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y)
{
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_axis (FlTimeline  *self,
           cairo_t     *cr,
           PangoLayout *layout,
           const GdkRGBA *fg,
           int          width,
           int          height)
{
  double scale = (width - GUTTER) / (double) self->view_span;
  gint64 step = 1;
  gint64 first;

  while (step * scale < 90)
    {
      if (step * 2 * scale >= 90)
        step *= 2;
      else if (step * 5 * scale >= 90)
        step *= 5;
      else
        step *= 10;
    }

  /* Where the time cursor's readout goes (draw_cursor): no tick label under it, where
   * "234.8 ms" over "250 ms" read as neither. */
  double readout_x0 = -1, readout_x1 = -1;

  if (self->cursor >= 0)
    {
      g_autofree char *readout = fl_format_duration (self->cursor);
      double cx = GUTTER + (self->cursor - self->view_start) * scale;
      int text_w, text_h;

      pango_layout_set_text (layout, readout, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      readout_x0 = MIN (cx + 4, width - 70) - 4;
      readout_x1 = readout_x0 + text_w + 8;
    }

  first = (self->view_start / step) * step;
  for (gint64 t = first; t <= self->view_start + self->view_span; t += step)
    {
      double x = GUTTER + (t - self->view_start) * scale;
      g_autofree char *text = NULL;
      int text_w, text_h;

      if (x < GUTTER)
        continue;
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.15);
      cairo_rectangle (cr, floor (x), AXIS_H, 1, height - AXIS_H);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, fg);
      text = fl_format_axis (t, step);
      /* measured only when a readout is there to avoid: the axis is drawn every frame */
      if (readout_x1 > readout_x0 && x + 3 < readout_x1)
        {
          pango_layout_set_text (layout, text, -1);
          pango_layout_get_pixel_size (layout, &text_w, &text_h);
          if (x + 3 + text_w > readout_x0)
            continue;
        }
      draw_text (cr, layout, text, x + 3, 22);
    }
}

static void
flush_column (cairo_t *cr,
              int      col,
              int      state,
              double   y,
              double   h,
              guint   *n_rects)
{
  GdkRGBA c;

  if (col < 0)
    return;
  fl_palette_color (state, &c);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_rectangle (cr, col, y, 1, h);
  cairo_fill (cr);
  (*n_rects)++;
}

static int
kind_rank (int kind)
{
  /* What a merged column shows: the most telling kind among its bars. */
  switch (kind)
    {
    case FL_PALETTE_FAILED:    return 6;
    case FL_PALETTE_NOT_FOUND: return 5;
    case FL_PALETTE_CANCELLED: return 4;
    case FL_PALETTE_RUNNING:   return 3;
    case FL_PALETTE_MARK:      return 2;
    case FL_PALETTE_OK:        return 1;
    case FL_PALETTE_QUEUED:
    default:                   return 0;
    }
}

static guint
first_visible (FlTimeline *self,
               Lane       *lane)
{
  /* Spans are in start order; anything starting before view_start - longest duration
   * cannot reach into the view. Open spans are all at or after first_open. */
  gint64 bound = self->view_start - lane->max_duration;
  guint lo = 0, hi = lane->spans->len;

  while (lane->first_open < lane->spans->len
         && span_of (self, g_array_index (lane->spans, guint, lane->first_open))->finished >= 0)
    lane->first_open++;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      const FlSpan *s = span_of (self, g_array_index (lane->spans, guint, mid));

      if (s->started < bound)
        lo = mid + 1;
      else
        hi = mid;
    }
  return MIN (lo, lane->first_open);
}

static void
draw_lane (FlTimeline *self,
           cairo_t    *cr,
           Lane       *lane,
           double      y,
           double      h,
           int         width,
           gint64      now)
{
  double scale = (width - GUTTER) / (double) self->view_span;
  gint64 view_end = self->view_start + self->view_span;
  double bar_y = y + MAX (1, h * 0.12);
  double bar_h = MAX (1, h * 0.76);
  int col = -1, col_state = 0;
  guint n_lane_visible = 0;
  guint from = first_visible (self, lane);
  gboolean detail;
  const FlSpan *selected = NULL;
  gint64 at = self->cursor >= 0 ? self->cursor : G_MAXINT64 / 2;

  /* count first, to decide whether queued segments are worth drawing */
  for (guint i = from; i < lane->spans->len; i++)
    {
      const FlSpan *s = span_of (self, g_array_index (lane->spans, guint, i));

      if (s->started > view_end)
        break;
      /* the search bound is the lane's longest span: skip the ones that end before view */
      if (s->finished >= 0 && s->finished < self->view_start)
        continue;
      n_lane_visible++;
    }
  detail = n_lane_visible < QUEUE_DETAIL;
  self->stats.n_visible += n_lane_visible;

  for (guint i = from; i < lane->spans->len; i++)
    {
      const FlSpan *s = span_of (self, g_array_index (lane->spans, guint, i));
      gint64 end = s->finished >= 0 ? s->finished : now;
      FlPaletteKind kind = fl_palette_kind_of_span (s, at);
      double x0, x1;
      GdkRGBA c;

      if (s->started > view_end)
        break;
      if (end < self->view_start)
        continue;

      x0 = GUTTER + (s->started - self->view_start) * scale;
      x1 = GUTTER + (end - self->view_start) * scale;
      if (s->id == self->selected)
        selected = s;

      if (detail && s->queued < s->started)
        {
          double q0 = MAX (GUTTER, GUTTER + (s->queued - self->view_start) * scale);

          if (x0 - q0 >= 2)
            {
              fl_palette_color (FL_PALETTE_QUEUED, &c);
              gdk_cairo_set_source_rgba (cr, &c);
              cairo_rectangle (cr, q0, y + h * 0.42, x0 - q0, MAX (1, h * 0.16));
              cairo_fill (cr);
            }
        }

      x0 = MAX (x0, GUTTER);
      x1 = MIN (x1, width);
      if (x1 - x0 < 1.0)
        {
          int c0 = (int) floor (x0);

          if (c0 != col)
            {
              flush_column (cr, col, col_state, bar_y, bar_h, &self->stats.n_rects);
              col = c0;
              col_state = kind;
            }
          else if (kind_rank (kind) > kind_rank (col_state))
            col_state = kind;
          continue;
        }

      flush_column (cr, col, col_state, bar_y, bar_h, &self->stats.n_rects);
      col = -1;
      fl_palette_color (kind, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, x0, bar_y, x1 - x0 - (x1 - x0 > 3 ? 1 : 0), bar_h);
      cairo_fill (cr);
      self->stats.n_rects++;
    }
  flush_column (cr, col, col_state, bar_y, bar_h, &self->stats.n_rects);

  if (selected != NULL)
    {
      gint64 end = selected->finished >= 0 ? selected->finished : now;
      double x0 = MAX (GUTTER, GUTTER + (selected->started - self->view_start) * scale);
      double x1 = MIN (width, GUTTER + (end - self->view_start) * scale);

      cairo_set_line_width (cr, 2);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_rectangle (cr, x0 - 1, bar_y - 1, MAX (x1 - x0, 2) + 2, bar_h + 2);
      cairo_stroke (cr);
      cairo_set_line_width (cr, 1);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, x0 - 2.5, bar_y - 2.5, MAX (x1 - x0, 2) + 5, bar_h + 5);
      cairo_stroke (cr);
    }
}

#define GHOST_MAX_SPANS 20000

static int
lane_index (FlTimeline *self,
            guint8      kind,
            gint32      lane)
{
  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *l = &g_array_index (self->lanes, Lane, i);

      if (l->kind == kind && l->lane == lane)
        return (int) i;
    }
  return -1;
}

/* The previous run, faint and thin behind the current one: "sequential vs pool", or "C
 * vs Python", in one picture on one axis. */
static void
draw_ghost (FlTimeline    *self,
            cairo_t       *cr,
            PangoLayout   *layout,
            const GdkRGBA *fg,
            int            width,
            double         lane_h)
{
  double scale = (width - GUTTER) / (double) self->view_span;
  gint64 view_end = self->view_start + self->view_span;
  gint64 first = G_MAXINT64, last = G_MININT64;
  int top_lane = G_MAXINT;
  const char *title;
  guint n;

  if (self->ghost == NULL)
    return;
  n = fl_spans_get_n_spans (self->ghost);
  if (n > GHOST_MAX_SPANS)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, GUTTER, AXIS_H, width - GUTTER, lane_h * self->lanes->len);
  cairo_clip (cr);
  for (guint i = 0; i < n; i++)
    {
      const FlSpan *s = fl_spans_get (self->ghost, i);
      gint64 end = s->finished >= 0 ? s->finished : s->started;
      int li;
      double x0, x1, y;
      GdkRGBA c;

      if (s->started < 0)
        continue;
      li = lane_index (self, s->lane_kind, s->lane_kind == FL_LANE_MAIN_LOOP ? 0 : s->lane);
      if (li < 0)
        continue;
      first = MIN (first, s->queued >= 0 ? s->queued : s->started);
      last = MAX (last, end);
      top_lane = MIN (top_lane, li);
      if (s->started > view_end || end < self->view_start)
        continue;
      x0 = MAX (GUTTER, GUTTER + (s->started - self->view_start) * scale);
      x1 = MIN (width, GUTTER + (end - self->view_start) * scale);
      y = AXIS_H + li * lane_h;
      /* most of the lane's height, faint: behind the current run's bars, and readable
       * from the back of a room where a thin line was not */
      fl_palette_color (fl_palette_kind_of_span (s, G_MAXINT64 / 2), &c);
      cairo_set_source_rgba (cr, c.red, c.green, c.blue, 0.22);
      cairo_rectangle (cr, x0, y + lane_h * 0.15, MAX (x1 - x0, 1), MAX (1, lane_h * 0.7));
      cairo_fill (cr);
    }

  /* Which run the ghost is, at its end: "earlier run: Sequential, 3.41 s". */
  title = fl_trace_get_metadata (fl_spans_get_trace (self->ghost), "mode-title");
  if (title == NULL || *title == '\0')
    title = fl_trace_get_title (fl_spans_get_trace (self->ghost));
  if (title != NULL && last > first && last >= self->view_start && last <= view_end)
    {
      g_autofree char *duration = fl_format_duration (last - first);
      /* TRANSLATORS: the caption of a previous run drawn faintly behind the current one on
       * the timeline: its mode, then how long it took */
      g_autofree char *text = g_strdup_printf (_("earlier run: %s, %s"), title, duration);
      double x = GUTTER + (last - self->view_start) * scale + 6;
      int text_w, text_h;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      if (x + text_w > width)
        x = MAX (GUTTER, x - 12 - text_w);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
      draw_text (cr, layout, text, x, AXIS_H + top_lane * lane_h);
    }
  cairo_restore (cr);
}

/**
 * fl_timeline_set_ghost:
 * @ghost: (nullable): the spans of a previous run to draw faintly behind the current one
 *
 * Its lanes are shown too (a Python run's "thread 3" beside the C run's), on the same
 * time axis: each run's time counts from its own start.
 */
void
fl_timeline_set_ghost (FlTimeline *self,
                       FlSpans    *ghost)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  if (self->ghost == ghost)
    return;
  g_set_object (&self->ghost, ghost);
  if (ghost != NULL && fl_spans_get_n_spans (ghost) <= GHOST_MAX_SPANS)
    for (guint i = 0; i < fl_spans_get_n_spans (ghost); i++)
      {
        const FlSpan *s = fl_spans_get (ghost, i);

        if (s->started >= 0 && s->lane_kind != FL_LANE_NONE)
          find_lane (self, s->lane_kind, s->lane_kind == FL_LANE_MAIN_LOOP ? 0 : s->lane);
      }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FlSpans *
fl_timeline_get_ghost (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);
  return self->ghost;
}

static void
draw_cursor (FlTimeline    *self,
             cairo_t       *cr,
             PangoLayout   *layout,
             const GdkRGBA *fg,
             int            width,
             int            height)
{
  double scale = (width - GUTTER) / (double) self->view_span;
  double x;
  g_autofree char *text = NULL;

  if (self->cursor < 0)
    return;
  x = GUTTER + (self->cursor - self->view_start) * scale;
  if (x < GUTTER || x > width)
    return;
  cairo_set_source_rgb (cr, 0.85, 0.1, 0.1);
  cairo_rectangle (cr, floor (x) - 1, AXIS_H - 6, 2, height - AXIS_H + 6);
  cairo_fill (cr);
  text = fl_format_duration (self->cursor);
  cairo_move_to (cr, MIN (x + 4, width - 70), AXIS_H - 20);
  pango_layout_set_text (layout, text, -1);
  pango_cairo_show_layout (cr, layout);
}

static void
fl_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  FlTimeline *self = FL_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gint64 now = timeline_now (self);
  g_autoptr(PangoLayout) layout = NULL;
  GdkRGBA fg;
  double lane_h;
  guint label_every;
  cairo_t *cr;

  if (width <= GUTTER || height <= AXIS_H)
    return;
  if (self->spans == NULL)
    {
      g_autoptr(PangoLayout) hint =
        gtk_widget_create_pango_layout (widget, _("The timeline of the next run appears here: "
                                                  "one lane per worker, a bar per future."));
      int tw, th;
      GdkRGBA c;

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &c);
      G_GNUC_END_IGNORE_DEPRECATIONS
      c.alpha *= 0.55f;
      pango_layout_get_pixel_size (hint, &tw, &th);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - tw) / 2.f, (height - th) / 2.f));
      gtk_snapshot_append_layout (snapshot, hint, &c);
      gtk_snapshot_restore (snapshot);
      return;
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (self->follow)
    update_follow_view (self);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  layout = gtk_widget_create_pango_layout (widget, NULL);
  self->stats.n_visible = 0;
  self->stats.n_rects = 0;
  self->stats.n_lane_labels = 0;
  self->stats.n_frames++;
  self->stats.n_spans = fl_spans_get_n_spans (self->spans);
  self->stats.n_lanes = self->lanes->len;

  draw_axis (self, cr, layout, &fg, width, height);
  lane_h = lane_height (self, height);
  label_every = lane_h >= LANE_TEXT_H ? 1 : (guint) ceil (18 / MAX (lane_h, 1));

  cairo_save (cr);
  cairo_rectangle (cr, 0, AXIS_H, width, height - AXIS_H);
  cairo_clip (cr);
  draw_ghost (self, cr, layout, &fg, width, lane_h);
  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *lane = &g_array_index (self->lanes, Lane, i);
      double y = AXIS_H + i * lane_h;

      if (i % 2 == 1)
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.05);
          cairo_rectangle (cr, 0, y, width, lane_h);
          cairo_fill (cr);
        }
      /* One name per lane; the main loop's extra rows (overlapping tasks) belong to the
       * one "main loop" lane and are not named again. Lanes thinner than a line of text
       * (20 lanes in a small timeline) are named every few lanes, at full size, rather
       * than not at all. */
      if ((lane->kind != FL_LANE_MAIN_LOOP || lane->lane == 0)
          && (lane_h >= LANE_TEXT_H || i % label_every == 0))
        {
          g_autofree char *name = fl_lane_name (lane->kind, lane->lane);

          gdk_cairo_set_source_rgba (cr, &fg);
          draw_text (cr, layout, name, 6, y + MAX (0, (lane_h - 18) / 2));
          self->stats.n_lane_labels++;
        }
      cairo_save (cr);
      cairo_rectangle (cr, GUTTER, y, width - GUTTER, lane_h);
      cairo_clip (cr);
      draw_lane (self, cr, lane, y, lane_h, width, now);
      cairo_restore (cr);
    }
  cairo_restore (cr);

  draw_cursor (self, cr, layout, &fg, width, height);

  if (fl_spans_get_n_spans (self->spans) > 0)
    {
      FlTally tally;
      g_autofree char *summary = NULL;
      int tw, th;

      if (self->cursor >= 0)
        fl_spans_tally_at (self->spans, self->cursor, &tally);
      else
        fl_spans_get_tally (self->spans, &tally);
      summary = g_strdup_printf (_("%u queued · %u running · %u done"),
                                 tally.queued, tally.running, tally.done);

      pango_layout_set_text (layout, summary, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      cairo_move_to (cr, 6, 2);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_destroy (cr);
}

static void
fl_timeline_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 320;
  else
    {
      *minimum = 120;
      *natural = 240;
    }
}

static const FlSpan *
span_at (FlTimeline *self,
         double      x,
         double      y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double lane_h = lane_height (self, height);
  double scale = (width - GUTTER) / (double) self->view_span;
  gint64 t, slack, now = timeline_now (self);
  guint li;
  Lane *lane;
  const FlSpan *best = NULL;

  if (x < GUTTER || y < AXIS_H)
    return NULL;
  li = (guint) ((y - AXIS_H) / lane_h);
  if (li >= self->lanes->len)
    return NULL;
  lane = &g_array_index (self->lanes, Lane, li);
  t = self->view_start + (gint64) ((x - GUTTER) / scale);
  slack = (gint64) (2 / scale);

  for (guint i = first_visible (self, lane); i < lane->spans->len; i++)
    {
      const FlSpan *s = span_of (self, g_array_index (lane->spans, guint, i));
      gint64 end = s->finished >= 0 ? s->finished : now;

      if (s->started > t + slack)
        break;
      if (end + slack >= t)
        best = s;
    }
  return best;
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  FlTimeline *self = FL_TIMELINE (widget);
  const FlSpan *s = span_at (self, x, y);
  g_autoptr(GString) text = NULL;
  g_autofree char *state = NULL;
  g_autofree char *queued = NULL;
  g_autofree char *ran = NULL;
  g_autofree char *lane = NULL;
  gint64 now = timeline_now (self);

  if (s == NULL)
    return FALSE;

  text = g_string_new (NULL);
  g_string_append_printf (text, "<b>#%" G_GUINT64_FORMAT " %s</b>\n", s->id,
                          s->label ? s->label : "");
  state = fl_format_span_state (s, self->cursor >= 0 ? self->cursor : G_MAXINT64 / 2);
  lane = fl_lane_name (s->lane_kind, s->lane);
  queued = fl_format_duration (s->started - s->queued);
  ran = fl_format_duration ((s->finished >= 0 ? s->finished : now) - s->started);
  if (s->kind == FL_SPAN_FUTURE)
    {
      /* Translators: a future's tooltip: its state, then its lane */
      g_string_append_printf (text, _("%s on %s"), state, lane);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Queued %s, ran %s"), queued, ran);
    }
  else
    /* Translators: a mark's tooltip (a wait, a blocking call): its lane and length */
    g_string_append_printf (text, _("%s for %s"), lane, ran);
  if (s->bytes > 0)
    {
      g_autofree char *size = g_format_size (s->bytes);

      g_string_append_printf (text, "\n%s", size);
    }
  if (s->error != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (s->error, -1);

      g_string_append_printf (text, "\n%s", escaped);
    }
  gtk_tooltip_set_markup (tooltip, text->str);
  return TRUE;
}

static void
zoom_at (FlTimeline *self,
         double      x,
         double      factor)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double scale = (width - GUTTER) / (double) self->view_span;
  gint64 anchor = self->view_start + (gint64) (MAX (0, x - GUTTER) / scale);
  gint64 span = CLAMP ((gint64) (self->view_span * factor), 10, (gint64) 3600 * G_USEC_PER_SEC);

  fl_timeline_set_follow (self, FALSE);
  self->view_start = anchor - (gint64) ((anchor - self->view_start) * (span / (double) self->view_span));
  self->view_span = span;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           FlTimeline               *self)
{
  GdkModifierType mods =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double x = 0, y = 0;
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));

  if (event != NULL)
    {
      GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
      double nx, ny;
      graphene_point_t p;

      gdk_event_get_position (event, &nx, &ny);
      if (native != NULL
          && gtk_widget_compute_point (GTK_WIDGET (native), GTK_WIDGET (self),
                                       &GRAPHENE_POINT_INIT (nx, ny), &p))
        {
          x = p.x;
          y = p.y;
        }
    }
  (void) y;

  if ((mods & GDK_SHIFT_MASK) || dx != 0)
    {
      double delta = dx != 0 ? dx : dy;

      fl_timeline_set_follow (self, FALSE);
      self->view_start += (gint64) (delta * self->view_span * 0.1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    zoom_at (self, x, dy > 0 ? 1.25 : 0.8);
  return TRUE;
}

static gint64
time_at_x (FlTimeline *self,
           double      x)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double scale = (width - GUTTER) / (double) self->view_span;

  return MAX (0, self->view_start + (gint64) ((MAX (x, GUTTER) - GUTTER) / scale));
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               FlTimeline     *self)
{
  self->drag_start_x = x;
  self->drag_view_start = self->view_start;
  /* The strip of the axis is the cursor's handle: drag there to scrub through time. */
  self->drag_cursor = self->spans != NULL && y < AXIS_H && x >= GUTTER;
  if (self->drag_cursor)
    fl_timeline_set_cursor (self, time_at_x (self, x));
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                FlTimeline     *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double scale = (width - GUTTER) / (double) self->view_span;

  if (self->drag_cursor)
    {
      fl_timeline_set_cursor (self, time_at_x (self, self->drag_start_x + dx));
      return;
    }
  if (fabs (dx) < 3)
    return;
  fl_timeline_set_follow (self, FALSE);
  self->view_start = self->drag_view_start - (gint64) (dx / scale);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
click_cb (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          FlTimeline      *self)
{
  const FlSpan *s;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    {
      fl_timeline_set_follow (self, TRUE);
      return;
    }
  if (y < AXIS_H)
    return;     /* the axis strip is the cursor's (see drag_begin_cb) */
  s = span_at (self, x, y);
  if (s != NULL)
    {
      fl_timeline_set_selected (self, s->id);
      g_signal_emit (self, signals[FUTURE_ACTIVATED], 0, s->id);
    }
}

/* ←/→ move the cursor to the previous/next transition (a submit, start or end), Escape
 * hides it: the class can step through a run one event at a time. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FlTimeline            *self)
{
  gint64 from, next;
  int direction;

  if (self->spans == NULL)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      direction = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      direction = 1;
      break;
    case GDK_KEY_Escape:
      if (self->cursor < 0)
        return FALSE;
      fl_timeline_set_cursor (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
  from = self->cursor >= 0 ? self->cursor : (direction > 0 ? -1 : G_MAXINT64 / 4);
  next = fl_spans_next_transition (self->spans, from, direction);
  if (next >= 0)
    fl_timeline_set_cursor (self, next);
  return TRUE;
}

static void
fl_timeline_map (GtkWidget *widget)
{
  FlTimeline *self = FL_TIMELINE (widget);

  GTK_WIDGET_CLASS (fl_timeline_parent_class)->map (widget);
  start_ticking (self);
}

static void
fl_timeline_unmap (GtkWidget *widget)
{
  FlTimeline *self = FL_TIMELINE (widget);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  self->tick_id = 0;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  GTK_WIDGET_CLASS (fl_timeline_parent_class)->unmap (widget);
}

static void
fl_timeline_finalize (GObject *object)
{
  FlTimeline *self = FL_TIMELINE (object);

  for (guint i = 0; i < self->lanes->len; i++)
    g_array_unref (g_array_index (self->lanes, Lane, i).spans);
  g_array_unref (self->lanes);
  g_array_unref (self->loop_slots);
  g_array_unref (self->placed);
  g_clear_object (&self->ghost);
  if (self->spans != NULL)
    g_clear_signal_handler (&self->changed_id, self->spans);
  g_clear_object (&self->spans);

  G_OBJECT_CLASS (fl_timeline_parent_class)->finalize (object);
}

static void
fl_timeline_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FlTimeline *self = FL_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_SELECTED:
      g_value_set_uint64 (value, self->selected);
      break;
    case PROP_MAX_LANE_HEIGHT:
      g_value_set_double (value, self->max_lane_h);
      break;
    case PROP_CURSOR:
      g_value_set_int64 (value, self->cursor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_timeline_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FlTimeline *self = FL_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_FOLLOW:
      fl_timeline_set_follow (self, g_value_get_boolean (value));
      break;
    case PROP_SELECTED:
      fl_timeline_set_selected (self, g_value_get_uint64 (value));
      break;
    case PROP_MAX_LANE_HEIGHT:
      fl_timeline_set_max_lane_height (self, g_value_get_double (value));
      break;
    case PROP_CURSOR:
      fl_timeline_set_cursor (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_timeline_class_init (FlTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_timeline_finalize;
  object_class->get_property = fl_timeline_get_property;
  object_class->set_property = fl_timeline_set_property;
  widget_class->snapshot = fl_timeline_snapshot;
  widget_class->measure = fl_timeline_measure;
  widget_class->map = fl_timeline_map;
  widget_class->unmap = fl_timeline_unmap;

  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_uint64 ("selected", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The tallest a lane grows when there is room: projector mode asks for thick bars. */
  properties[PROP_MAX_LANE_HEIGHT] =
    g_param_spec_double ("max-lane-height", NULL, NULL, MIN_LANE_H, 400, MAX_LANE_H,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The time cursor, µs from the origin, or -1. */
  properties[PROP_CURSOR] =
    g_param_spec_int64 ("cursor", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlTimeline::future-activated:
   * @future_id: the future whose bar was clicked
   */
  signals[FUTURE_ACTIVATED] = g_signal_new ("future-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_UINT64);

  gtk_widget_class_set_css_name (widget_class, "timeline");
}

static void
fl_timeline_init (FlTimeline *self)
{
  GtkEventController *scroll, *key;
  GtkGesture *drag, *click;

  self->placed = g_array_new (FALSE, TRUE, sizeof (guint8));
  self->cursor = -1;
  self->lanes = g_array_new (FALSE, FALSE, sizeof (Lane));
  self->loop_slots = g_array_new (FALSE, TRUE, sizeof (guint));
  self->follow = TRUE;
  self->view_span = G_USEC_PER_SEC;
  self->max_lane_h = MAX_LANE_H;
  clear_lanes (self);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES
                                            | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
}

GtkWidget *
fl_timeline_new (void)
{
  return g_object_new (FL_TYPE_TIMELINE, NULL);
}

/**
 * fl_timeline_set_spans:
 * @spans: (nullable): the spans to draw
 *
 * Shows @spans (or nothing). They may still be growing: the timeline folds new events
 * once per frame, which every other view of the same spans then also sees.
 */
void
fl_timeline_set_spans (FlTimeline *self,
                       FlSpans    *spans)
{
  gboolean had_cursor;

  g_return_if_fail (FL_IS_TIMELINE (self));
  g_return_if_fail (spans == NULL || FL_IS_SPANS (spans));

  if (self->spans == spans)
    return;
  had_cursor = self->cursor >= 0;
  if (self->spans != NULL)
    g_clear_signal_handler (&self->changed_id, self->spans);
  g_set_object (&self->spans, spans);
  g_array_set_size (self->placed, 0);
  clear_lanes (self);
  g_array_set_size (self->loop_slots, 0);
  self->selected = 0;
  self->cursor = -1;
  self->origin = spans != NULL ? fl_trace_get_origin (fl_spans_get_trace (spans)) : 0;
  memset (&self->stats, 0, sizeof self->stats);
  if (self->ghost != NULL)
    {
      g_autoptr(FlSpans) ghost = g_steal_pointer (&self->ghost);

      fl_timeline_set_ghost (self, ghost);
    }
  if (spans != NULL)
    {
      self->changed_id = g_signal_connect (spans, "changed", G_CALLBACK (spans_changed_cb), self);
      fl_spans_update (spans);
      for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
        place (self, i);
    }
  fl_timeline_set_follow (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  start_ticking (self);
  /* An instant of the old spans means nothing in the new ones: whoever follows the
   * cursor (the page) hears that it is gone. */
  if (had_cursor)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
}

/**
 * fl_timeline_set_trace:
 * @trace: (nullable): a trace nobody else folds (a side-by-side comparison)
 *
 * Shows @trace through spans of its own. Views that show the same run share its spans
 * instead (fl_timeline_set_spans()).
 */
void
fl_timeline_set_trace (FlTimeline *self,
                       FlTrace    *trace)
{
  g_autoptr(FlSpans) spans = NULL;

  g_return_if_fail (FL_IS_TIMELINE (self));

  if (trace != NULL && self->spans != NULL && fl_spans_get_trace (self->spans) == trace)
    return;
  if (trace != NULL)
    spans = fl_spans_new (trace);
  fl_timeline_set_spans (self, spans);
}

FlSpans *
fl_timeline_get_spans (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);
  return self->spans;
}

FlTrace *
fl_timeline_get_trace (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), NULL);

  return self->spans != NULL ? fl_spans_get_trace (self->spans) : NULL;
}

/**
 * fl_timeline_set_cursor:
 * @t: the instant, µs from the run's origin, or -1 for none
 *
 * Draws the time cursor at @t and colours each bar by its state then.
 */
void
fl_timeline_set_cursor (FlTimeline *self,
                        gint64      t)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  t = MAX (t, -1);
  if (self->cursor == t)
    return;
  self->cursor = t;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
}

gint64
fl_timeline_get_cursor (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), -1);
  return self->cursor;
}

void
fl_timeline_set_selected (FlTimeline *self,
                          guint64     future_id)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  if (self->selected == future_id)
    return;
  self->selected = future_id;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

guint64
fl_timeline_get_selected (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), 0);

  return self->selected;
}

/**
 * fl_timeline_set_follow:
 *
 * With @follow, the view shows the whole run and grows with it while it runs; zooming or
 * panning turns it off, a double click turns it back on.
 */
void
fl_timeline_set_follow (FlTimeline *self,
                        gboolean    follow)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  follow = !!follow;
  if (self->follow == follow)
    return;
  self->follow = follow;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

gboolean
fl_timeline_get_follow (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), FALSE);

  return self->follow;
}

void
fl_timeline_set_view (FlTimeline *self,
                      gint64      start_us,
                      gint64      span_us)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  fl_timeline_set_follow (self, FALSE);
  self->view_start = start_us;
  self->view_span = MAX (span_us, 10);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_timeline_get_view (FlTimeline *self,
                      gint64     *start_us,
                      gint64     *span_us)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  if (self->follow)
    {
      if (self->spans != NULL)
        fl_spans_update (self->spans);
      update_follow_view (self);
    }
  if (start_us)
    *start_us = self->view_start;
  if (span_us)
    *span_us = self->view_span;
}

void
fl_timeline_get_stats (FlTimeline      *self,
                       FlTimelineStats *stats)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  *stats = self->stats;
  stats->n_spans = self->spans != NULL ? fl_spans_get_n_spans (self->spans) : 0;
  stats->n_lanes = self->lanes->len;
}

void
fl_timeline_set_max_lane_height (FlTimeline *self,
                                 double      height)
{
  g_return_if_fail (FL_IS_TIMELINE (self));

  height = CLAMP (height, MIN_LANE_H, 400);
  if (self->max_lane_h == height)
    return;
  self->max_lane_h = height;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_LANE_HEIGHT]);
}

double
fl_timeline_get_max_lane_height (FlTimeline *self)
{
  g_return_val_if_fail (FL_IS_TIMELINE (self), MAX_LANE_H);

  return self->max_lane_h;
}
