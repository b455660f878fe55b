/* fl-jank-meter.c: live main-loop lateness, always visible in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two sources of truth meet on one meter: the engine's loop monitor (a high-priority timer
 * and how late it runs) and the frame clock (how far apart frames are beyond one refresh
 * interval), fed into the same monitor. The sparkline shows the last ten seconds; the meter
 * turns red while the loop is stalled and afterwards says how long the window was dead.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-jank-meter.h"

#define SPAN_US        (10 * G_USEC_PER_SEC)
#define SCALE_US       (50 * 1000)     /* the sparkline's top: 50 ms */
#define RED_FOR_US     (4 * G_USEC_PER_SEC)
#define LABEL_EVERY_US (250 * 1000)

struct _FlJankMeter
{
  GtkWidget      parent_instance;

  GtkWidget     *spark;
  GtkWidget     *label;

  FlLoopMonitor *monitor;
  gulong         stall_handler;
  guint          tick_id;
  gint64         last_frame;
  gint64         last_label;
  gint64         last_freeze;
  gint64         last_freeze_at;
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

      if (i < samples->len)
        {
          FlLoopSample *s = &g_array_index (samples, FlLoopSample, i);

          col = (int) ((s->time_us - (now - SPAN_US)) * width / SPAN_US);
          v = (double) s->lateness_us;
        }
      if (col != last_col && last_col >= 0)
        {
          double h = MIN (1.0, col_max / SCALE_US) * height;

          if (col_max >= FL_LOOP_MONITOR_STALL_US)
            cairo_set_source_rgb (cr, 0.835, 0.369, 0.0);        /* vermillion */
          else if (col_max >= 16700)
            cairo_set_source_rgb (cr, 0.902, 0.624, 0.0);        /* orange */
          else
            cairo_set_source_rgb (cr, 0.0, 0.620, 0.451);        /* bluish green */
          cairo_rectangle (cr, last_col, height - MAX (h, 1.0), 1, MAX (h, 1.0));
          cairo_fill (cr);
          col_max = 0;
        }
      last_col = col;
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

static void
update_label (FlJankMeter *self,
              gint64       now)
{
  g_autofree char *p99 = NULL;
  g_autofree char *max = NULL;
  gboolean red;

  if (self->monitor == NULL)
    return;

  p99 = format_ms (fl_loop_monitor_get_percentile (self->monitor, 99));
  max = format_ms (fl_loop_monitor_get_max (self->monitor));
  red = fl_loop_monitor_get_stalled (self->monitor)
        || (self->last_freeze_at != 0 && now - self->last_freeze_at < RED_FOR_US);

  g_free (self->text);
  if (self->last_freeze > 0)
    {
      g_autofree char *frozen = format_ms (self->last_freeze);

      /* TRANSLATORS: the jank meter: 99th percentile and maximum of main-loop lateness,
       * then how long the window was frozen the last time */
      self->text = g_strdup_printf (_("p99 %s · max %s\nfrozen %s"), p99, max, frozen);
    }
  else
    self->text = g_strdup_printf (_("p99 %s · max %s\nloop alive"), p99, max);
  gtk_label_set_text (GTK_LABEL (self->label), self->text);

  if (red)
    gtk_widget_add_css_class (GTK_WIDGET (self), "stalled");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "stalled");
  self->last_label = now;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  FlJankMeter *self = FL_JANK_METER (widget);
  gint64 frame = gdk_frame_clock_get_frame_time (clock);
  gint64 refresh = 0;
  gint64 now = g_get_monotonic_time ();

  gdk_frame_clock_get_refresh_info (clock, frame, &refresh, NULL);
  if (refresh <= 0)
    refresh = G_USEC_PER_SEC / 60;
  if (self->monitor != NULL && self->last_frame != 0)
    {
      gint64 gap = frame - self->last_frame;

      /* A frame late by more than a refresh interval is jank the eye sees. */
      if (gap > refresh * 3 / 2)
        fl_loop_monitor_add_sample (self->monitor, now, gap - refresh);
    }
  self->last_frame = frame;

  gtk_widget_queue_draw (self->spark);
  if (now - self->last_label >= LABEL_EVERY_US)
    update_label (self, now);
  return G_SOURCE_CONTINUE;
}

static void
stall_cb (FlLoopMonitor *monitor,
          gint64         duration,
          FlJankMeter   *self)
{
  self->last_freeze = duration;
  self->last_freeze_at = g_get_monotonic_time ();
  update_label (self, self->last_freeze_at);
}

static void
fl_jank_meter_map (GtkWidget *widget)
{
  FlJankMeter *self = FL_JANK_METER (widget);

  GTK_WIDGET_CLASS (fl_jank_meter_parent_class)->map (widget);
  self->last_frame = 0;
  self->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, NULL, NULL);
}

static void
fl_jank_meter_unmap (GtkWidget *widget)
{
  FlJankMeter *self = FL_JANK_METER (widget);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  self->tick_id = 0;
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
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Main-loop lateness over the last 10 s (timer and frame "
                                 "clock). Red: the loop is or was just stalled."));

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
    g_clear_signal_handler (&self->stall_handler, self->monitor);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    {
      self->stall_handler = g_signal_connect (monitor, "stall", G_CALLBACK (stall_cb), self);
      update_label (self, g_get_monotonic_time ());
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

/**
 * fl_jank_meter_get_last_freeze:
 *
 * Returns: how long the window was frozen the last time (µs), 0 if never
 */
gint64
fl_jank_meter_get_last_freeze (FlJankMeter *self)
{
  g_return_val_if_fail (FL_IS_JANK_METER (self), 0);

  return self->last_freeze;
}

const char *
fl_jank_meter_get_text (FlJankMeter *self)
{
  g_return_val_if_fail (FL_IS_JANK_METER (self), NULL);

  return self->text;
}
