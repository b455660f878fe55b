/* fl-jank-meter.c: live main-loop lateness, always visible in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's loop monitor says how long each busy stretch of the main loop kept it from
 * answering (and, while a run holds it, how late an evenly spaced timer runs). The sparkline
 * shows the last ten seconds; the label names the longest stall of those ten seconds and who
 * caused it: "frozen" (red) when the loop's own handler held it, "machine busy" (blue) when
 * the main thread was ready but waited for a CPU held by other programs.
 *
 * Nothing here asks for frames at idle: the meter redraws when the monitor reports
 * something worth seeing, then once a second (four times while a run holds the monitor)
 * until that bar has left the sparkline. Lateness its own redraws cause (a busy machine
 * makes them late) does not keep it awake.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-jank-meter.h"

#define SPAN_US        (10 * G_USEC_PER_SEC)
#define SCALE_US       (50 * 1000)     /* the sparkline's top: 50 ms */
#define RED_FOR_US     (4 * G_USEC_PER_SEC)
#define VISIBLE_US     16700           /* a frame late: orange, blue or red on the sparkline */
#define OWN_US         (500 * 1000)    /* lateness this soon after a redraw of ours is ours */
#define REFRESH_MS     1000            /* the sparkline scrolls this often while not empty */
#define REFRESH_RUN_MS 250             /* ... and this often while a run holds the monitor */

static const char idle_tooltip[] =
  N_("Main-loop lateness over the last 10 s. Red: the window was frozen by a handler on the "
     "main loop. Blue: the machine is busy, the main thread waited for a CPU held by other "
     "programs.");

struct _FlJankMeter
{
  GtkWidget      parent_instance;

  GtkWidget     *spark;
  GtkWidget     *label;

  FlLoopMonitor *monitor;
  gulong         changed_handler;
  gulong         sampling_handler;
  guint          refresh_id;
  guint          refresh_ms;
  gint64         seen_until;     /* samples up to here were considered for a redraw */
  gint64         last_own;       /* when the meter last asked for a redraw of its own */
  gint64         awake_until;    /* it scrolls (1 Hz) until then: an event's bar leaves */
  gboolean       has_stall;
  FlLoopStall    stall;          /* the longest of the span, if has_stall */
  char          *text;
};

enum {
  PROP_0,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlJankMeter, fl_jank_meter, GTK_TYPE_WIDGET)

static void
draw_spark (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  FlJankMeter *self = user_data;
  g_autoptr(GArray) samples = NULL;
  gint64 now = g_get_monotonic_time ();
  double y16 = height - height * (16.7 * 1000 / SCALE_US);
  int last_col = -1;
  double col_max = 0;
  gboolean col_busy = FALSE;

  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.15);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  /* one frame's worth, for reference */
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, floor (y16) + 0.5);
  cairo_line_to (cr, width, floor (y16) + 0.5);
  cairo_stroke (cr);

  if (self->monitor == NULL)
    return;

  samples = fl_loop_monitor_get_samples (self->monitor, now - SPAN_US);
  /* One bar per pixel column: the worst sample that falls in it. */
  for (guint i = 0; i <= samples->len; i++)
    {
      int col = -1;
      double v = 0;
      gboolean busy = FALSE;

      if (i < samples->len)
        {
          FlLoopSample *s = &g_array_index (samples, FlLoopSample, i);

          col = (int) ((s->time_us - (now - SPAN_US)) * width / SPAN_US);
          v = (double) s->lateness_us;
          /* late mostly because the main thread waited for a CPU held by other programs */
          busy = s->waiting_us * 2 > s->lateness_us;
        }
      if (col != last_col && last_col >= 0)
        {
          double h = MIN (1.0, col_max / SCALE_US) * height;

          if (col_busy && col_max >= VISIBLE_US)
            cairo_set_source_rgb (cr, 0.337, 0.706, 0.914);      /* sky blue: machine busy */
          else if (col_max >= FL_LOOP_MONITOR_STALL_US)
            cairo_set_source_rgb (cr, 0.835, 0.369, 0.0);        /* vermillion */
          else if (col_max >= VISIBLE_US)
            cairo_set_source_rgb (cr, 0.902, 0.624, 0.0);        /* orange */
          else
            cairo_set_source_rgb (cr, 0.0, 0.620, 0.451);        /* bluish green */
          cairo_rectangle (cr, last_col, height - MAX (h, 1.0), 1, MAX (h, 1.0));
          cairo_fill (cr);
          col_max = 0;
          col_busy = FALSE;
        }
      last_col = col;
      if (v >= col_max)
        col_busy = busy;
      col_max = MAX (col_max, v);
    }
}

static char *
format_ms (gint64 us)
{
  if (us >= 10 * 1000 * 1000)
    return g_strdup_printf (_("%.0f s"), us / 1e6);
  if (us >= 1000 * 1000)
    return g_strdup_printf (_("%.1f s"), us / 1e6);
  if (us >= 10 * 1000)
    return g_strdup_printf (_("%.0f ms"), us / 1e3);
  return g_strdup_printf (_("%.1f ms"), us / 1e3);
}

static char *
describe_stall (const FlLoopStall *stall)
{
  g_autofree char *duration = format_ms (stall->duration_us);
  g_autofree char *cpu = format_ms (stall->cpu_us);
  g_autofree char *waiting = format_ms (stall->waiting_us);

  if (stall->cause == FL_STALL_MACHINE_BUSY)
    /* TRANSLATORS: the jank meter's tooltip after a stall caused by other programs */
    return g_strdup_printf (_("The main loop did not answer for %s: the machine is busy. The "
                              "main thread was ready but waited %s for a CPU held by other "
                              "programs (it ran %s itself)."), duration, waiting, cpu);
  /* TRANSLATORS: the jank meter's tooltip after a handler blocked the main loop */
  return g_strdup_printf (_("The window was frozen for %s by a handler on the main loop (the "
                            "main thread ran %s and waited %s for a CPU)."), duration, cpu,
                          waiting);
}

static void
update_label (FlJankMeter *self,
              gint64       now)
{
  g_autofree char *p99 = NULL;
  g_autofree char *max = NULL;
  gboolean recent;

  if (self->monitor == NULL)
    return;

  p99 = format_ms (fl_loop_monitor_get_percentile (self->monitor, 99));
  max = format_ms (fl_loop_monitor_get_max (self->monitor));
  /* the longest stall of the span the sparkline shows, not merely the last one */
  self->has_stall = fl_loop_monitor_get_worst_stall (self->monitor, now - SPAN_US, G_MAXINT64,
                                                     &self->stall);
  recent = self->has_stall
           && now - (self->stall.start_us + self->stall.duration_us) < RED_FOR_US;

  g_free (self->text);
  if (self->has_stall)
    {
      g_autofree char *frozen = format_ms (self->stall.duration_us);
      g_autofree char *tooltip = describe_stall (&self->stall);

      if (self->stall.cause == FL_STALL_MACHINE_BUSY)
        /* TRANSLATORS: the jank meter: 99th percentile and maximum of main-loop lateness,
         * then the longest stall of the last 10 s, caused by other programs */
        self->text = g_strdup_printf (_("p99 %s · max %s\nmachine busy %s"), p99, max, frozen);
      else
        /* TRANSLATORS: the jank meter: 99th percentile and maximum of main-loop lateness,
         * then how long the window was frozen (the longest stall of the last 10 s) */
        self->text = g_strdup_printf (_("p99 %s · max %s\nfrozen %s"), p99, max, frozen);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
    }
  else
    {
      self->text = g_strdup_printf (_("p99 %s · max %s\nloop alive"), p99, max);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), _(idle_tooltip));
    }
  gtk_label_set_text (GTK_LABEL (self->label), self->text);

  if (recent && self->stall.cause == FL_STALL_HANDLER)
    gtk_widget_add_css_class (GTK_WIDGET (self), "stalled");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "stalled");
  if (recent && self->stall.cause == FL_STALL_MACHINE_BUSY)
    gtk_widget_add_css_class (GTK_WIDGET (self), "machine-busy");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "machine-busy");
}

static void schedule_refresh (FlJankMeter *self);

static gboolean
refresh_cb (gpointer data)
{
  FlJankMeter *self = data;

  self->refresh_id = 0;
  self->last_own = g_get_monotonic_time ();
  gtk_widget_queue_draw (self->spark);
  update_label (self, self->last_own);
  schedule_refresh (self);
  return G_SOURCE_REMOVE;
}

static gboolean
span_has_visible (FlJankMeter *self,
                  gint64       since)
{
  g_autoptr(GArray) samples = fl_loop_monitor_get_samples (self->monitor, since);

  for (guint i = 0; i < samples->len; i++)
    if (g_array_index (samples, FlLoopSample, i).lateness_us >= VISIBLE_US)
      return TRUE;
  return FALSE;
}

/* Keeps the sparkline scrolling while it has something to show; at idle, nothing. */
static void
schedule_refresh (FlJankMeter *self)
{
  gint64 now = g_get_monotonic_time ();
  guint ms = 0;

  if (self->monitor != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      if (fl_loop_monitor_get_sampling (self->monitor))
        ms = REFRESH_RUN_MS;
      else if (now < self->awake_until
               && (self->has_stall || span_has_visible (self, now - SPAN_US)))
        ms = REFRESH_MS;
    }
  if (ms == self->refresh_ms && self->refresh_id != 0)
    return;
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_ms = ms;
  if (ms > 0)
    self->refresh_id = g_timeout_add_full (G_PRIORITY_LOW, ms, refresh_cb, self, NULL);
}

static void
changed_cb (FlJankMeter *self)
{
  gint64 now = g_get_monotonic_time ();
  FlLoopStall stall;
  gboolean new_stall;
  gboolean visible;

  if (self->monitor == NULL)
    return;
  /* The monitor reports at most every 100 ms, at once after a stall. Wake for a bar worth
   * seeing (a frame late or worse), but not for one that our own redraw just made: on a
   * busy machine each redraw can be late, and the meter would keep itself awake. A stall
   * (100 ms or more, whatever its cause) always counts. */
  new_stall = fl_loop_monitor_get_worst_stall (self->monitor, self->seen_until, G_MAXINT64,
                                                   &stall);
  visible = span_has_visible (self, self->seen_until);
  self->seen_until = now;
  if (new_stall || (visible && now - self->last_own >= OWN_US))
    {
      self->awake_until = now + SPAN_US;
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        {
          self->last_own = now;
          gtk_widget_queue_draw (self->spark);
          update_label (self, now);
        }
    }
  schedule_refresh (self);
}

static void
fl_jank_meter_map (GtkWidget *widget)
{
  FlJankMeter *self = FL_JANK_METER (widget);

  GTK_WIDGET_CLASS (fl_jank_meter_parent_class)->map (widget);
  self->last_own = self->awake_until = g_get_monotonic_time ();
  update_label (self, self->last_own);
  if (self->has_stall
      || (self->monitor != NULL && span_has_visible (self, self->last_own - SPAN_US)))
    self->awake_until += SPAN_US;
  schedule_refresh (self);
}

static void
fl_jank_meter_unmap (GtkWidget *widget)
{
  FlJankMeter *self = FL_JANK_METER (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (fl_jank_meter_parent_class)->unmap (widget);
}

static void
fl_jank_meter_dispose (GObject *object)
{
  FlJankMeter *self = FL_JANK_METER (object);

  fl_jank_meter_set_monitor (self, NULL);
  g_clear_pointer (&self->spark, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (fl_jank_meter_parent_class)->dispose (object);
}

static void
fl_jank_meter_finalize (GObject *object)
{
  g_free (FL_JANK_METER (object)->text);
  G_OBJECT_CLASS (fl_jank_meter_parent_class)->finalize (object);
}

static void
fl_jank_meter_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, FL_JANK_METER (object)->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_jank_meter_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_MONITOR:
      fl_jank_meter_set_monitor (FL_JANK_METER (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_jank_meter_class_init (FlJankMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_jank_meter_dispose;
  object_class->finalize = fl_jank_meter_finalize;
  object_class->get_property = fl_jank_meter_get_property;
  object_class->set_property = fl_jank_meter_set_property;
  widget_class->map = fl_jank_meter_map;
  widget_class->unmap = fl_jank_meter_unmap;

  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, FL_TYPE_LOOP_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jankmeter");
}

static void
fl_jank_meter_init (FlJankMeter *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 8);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _(idle_tooltip));
  self->spark = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->spark), 160);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->spark), 30);
  gtk_widget_set_valign (self->spark, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->spark), draw_spark, self, NULL);
  gtk_widget_set_parent (self->spark, GTK_WIDGET (self));

  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_width_chars (GTK_LABEL (self->label), 18);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  self->text = g_strdup ("");
}

GtkWidget *
fl_jank_meter_new (void)
{
  return g_object_new (FL_TYPE_JANK_METER, NULL);
}

FlLoopMonitor *
fl_jank_meter_get_monitor (FlJankMeter *self)
{
  g_return_val_if_fail (FL_IS_JANK_METER (self), NULL);

  return self->monitor;
}

void
fl_jank_meter_set_monitor (FlJankMeter   *self,
                           FlLoopMonitor *monitor)
{
  g_return_if_fail (FL_IS_JANK_METER (self));

  if (self->monitor == monitor)
    return;
  if (self->monitor != NULL)
    {
      g_clear_signal_handler (&self->changed_handler, self->monitor);
      g_clear_signal_handler (&self->sampling_handler, self->monitor);
    }
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    {
      self->changed_handler = g_signal_connect_swapped (monitor, "changed",
                                                        G_CALLBACK (changed_cb), self);
      self->sampling_handler = g_signal_connect_swapped (monitor, "notify::sampling",
                                                         G_CALLBACK (changed_cb), self);
      update_label (self, g_get_monotonic_time ());
    }
  schedule_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

/**
 * fl_jank_meter_get_last_freeze:
 *
 * Returns: how long the stall the meter shows lasted (µs: the longest of the last 10 s,
 *   whatever its cause), 0 if none
 */
gint64
fl_jank_meter_get_last_freeze (FlJankMeter *self)
{
  g_return_val_if_fail (FL_IS_JANK_METER (self), 0);

  return self->has_stall ? self->stall.duration_us : 0;
}

/**
 * fl_jank_meter_get_shown_stall:
 * @stall: (out caller-allocates) (optional): the stall the label names
 *
 * Returns: whether the label names a stall
 */
gboolean
fl_jank_meter_get_shown_stall (FlJankMeter *self,
                               FlLoopStall *stall)
{
  g_return_val_if_fail (FL_IS_JANK_METER (self), FALSE);

  if (self->has_stall && stall != NULL)
    *stall = self->stall;
  return self->has_stall;
}

/**
 * fl_jank_meter_get_refreshing:
 *
 * Returns: whether the meter will redraw without being told (FALSE at idle: the app then
 *   asks for no frames)
 */
gboolean
fl_jank_meter_get_refreshing (FlJankMeter *self)
{
  g_return_val_if_fail (FL_IS_JANK_METER (self), FALSE);

  return self->refresh_id != 0;
}

const char *
fl_jank_meter_get_text (FlJankMeter *self)
{
  g_return_val_if_fail (FL_IS_JANK_METER (self), NULL);

  return self->text;
}
