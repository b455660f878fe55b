/* fl-loop-monitor.c: the jank meter's engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A high-priority source asks to run every @interval_us. When it runs, how much later
 * than asked is the lateness; a gap between two runs of 100 ms or more is a stall (the
 * loop was blocked for that long: a window would have been frozen). Samples older than
 * the window are dropped, so the percentiles describe the last few seconds.
 */
#include "config.h"

#include <stdlib.h>

#include "fl-loop-monitor.h"

struct _FlLoopMonitor
{
  GObject       parent_instance;

  GMainContext *context;
  GSource      *source;
  gint64        interval;
  gint64        window;
  gint64        expected;
  gint64        last_tick;

  GArray       *samples;       /* FlLoopSample, oldest first */
  guint         head;          /* first live sample */
  gint64        max;
  gint64        last_stall;
  guint         n_stalls;
  gboolean      stalled;
};

enum {
  PROP_0,
  PROP_STALLED,
  N_PROPS
};

enum {
  STALL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlLoopMonitor, fl_loop_monitor, G_TYPE_OBJECT)

static void
trim (FlLoopMonitor *self,
      gint64         now)
{
  while (self->head < self->samples->len
         && g_array_index (self->samples, FlLoopSample, self->head).time_us < now - self->window)
    self->head++;

  /* Compact once the dead prefix dominates, so memory stays bounded by the window. */
  if (self->head > 1024 && self->head * 2 > self->samples->len)
    {
      g_array_remove_range (self->samples, 0, self->head);
      self->head = 0;
    }
}

/**
 * fl_loop_monitor_add_sample:
 *
 * Adds an observation of lateness. The monitor's own timer calls it; the app adds
 * frame-clock gaps through it too, so both show on one meter.
 */
void
fl_loop_monitor_add_sample (FlLoopMonitor *self,
                            gint64         time_us,
                            gint64         lateness_us)
{
  FlLoopSample sample = { time_us, MAX (lateness_us, 0) };

  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  g_array_append_val (self->samples, sample);
  trim (self, time_us);
  self->max = 0;
  for (guint i = self->head; i < self->samples->len; i++)
    self->max = MAX (self->max, g_array_index (self->samples, FlLoopSample, i).lateness_us);
}

static gboolean
fl_loop_monitor_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  FlLoopMonitor *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 gap = self->last_tick > 0 ? now - self->last_tick : 0;
  gint64 lateness = now - self->expected;
  gboolean stalled;

  g_object_ref (self);

  fl_loop_monitor_add_sample (self, now, lateness);
  self->last_tick = now;
  self->expected = now + self->interval;
  g_source_set_ready_time (source, self->expected);

  /* A stall is measured by the gap between ticks: the loop could not run anything, this
   * timer included, for that long. */
  if (gap >= FL_LOOP_MONITOR_STALL_US)
    {
      self->last_stall = gap;
      self->n_stalls++;
      g_signal_emit (self, signals[STALL], 0, gap);
    }

  stalled = lateness >= FL_LOOP_MONITOR_STALL_US;
  if (stalled != self->stalled)
    {
      self->stalled = stalled;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALLED]);
    }

  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs monitor_source_funcs = {
  .dispatch = fl_loop_monitor_dispatch,
};

static void
fl_loop_monitor_finalize (GObject *object)
{
  FlLoopMonitor *self = FL_LOOP_MONITOR (object);

  fl_loop_monitor_stop (self);
  g_array_unref (self->samples);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (fl_loop_monitor_parent_class)->finalize (object);
}

static void
fl_loop_monitor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FlLoopMonitor *self = FL_LOOP_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STALLED:
      g_value_set_boolean (value, self->stalled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_loop_monitor_class_init (FlLoopMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_loop_monitor_finalize;
  object_class->get_property = fl_loop_monitor_get_property;

  properties[PROP_STALLED] =
    g_param_spec_boolean ("stalled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlLoopMonitor::stall:
   * @duration_us: how long the loop was blocked
   *
   * Emitted on the first tick after the loop was blocked for 100 ms or more.
   */
  signals[STALL] = g_signal_new ("stall", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
fl_loop_monitor_init (FlLoopMonitor *self)
{
  self->samples = g_array_new (FALSE, FALSE, sizeof (FlLoopSample));
  self->window = 10 * G_USEC_PER_SEC;
}

/**
 * fl_loop_monitor_new:
 * @context: (nullable): the context to watch, %NULL for the global default
 * @interval_us: how often to tick; 0 for 5 ms
 *
 * Returns: (transfer full): a stopped monitor
 */
FlLoopMonitor *
fl_loop_monitor_new (GMainContext *context,
                     guint         interval_us)
{
  FlLoopMonitor *self = g_object_new (FL_TYPE_LOOP_MONITOR, NULL);

  self->context = g_main_context_ref (context != NULL ? context : g_main_context_default ());
  self->interval = interval_us > 0 ? interval_us : 5000;
  return self;
}

void
fl_loop_monitor_start (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  if (self->source != NULL)
    return;

  self->source = g_source_new (&monitor_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->source, "[futures-lab] loop monitor");
  g_source_set_priority (self->source, G_PRIORITY_HIGH);
  g_source_set_callback (self->source, NULL, self, NULL);
  self->expected = g_get_monotonic_time () + self->interval;
  self->last_tick = 0;
  g_source_set_ready_time (self->source, self->expected);
  g_source_attach (self->source, self->context);
}

void
fl_loop_monitor_stop (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  if (self->source == NULL)
    return;
  g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
}

void
fl_loop_monitor_reset (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  g_array_set_size (self->samples, 0);
  self->head = 0;
  self->max = 0;
  self->last_stall = 0;
  self->n_stalls = 0;
  self->last_tick = 0;
}

gint64
fl_loop_monitor_get_current (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), 0);

  if (self->head >= self->samples->len)
    return 0;
  return g_array_index (self->samples, FlLoopSample, self->samples->len - 1).lateness_us;
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/**
 * fl_loop_monitor_get_percentile:
 * @percentile: 0..100
 *
 * Returns: the lateness at that percentile over the window (nearest rank), 0 if empty
 */
gint64
fl_loop_monitor_get_percentile (FlLoopMonitor *self,
                                double         percentile)
{
  g_autofree gint64 *values = NULL;
  guint n, rank;

  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), 0);

  n = self->samples->len - self->head;
  if (n == 0)
    return 0;
  values = g_new (gint64, n);
  for (guint i = 0; i < n; i++)
    values[i] = g_array_index (self->samples, FlLoopSample, self->head + i).lateness_us;
  qsort (values, n, sizeof (gint64), compare_gint64);

  percentile = CLAMP (percentile, 0.0, 100.0);
  rank = (guint) (percentile / 100.0 * n + 0.999999);
  rank = CLAMP (rank, 1, n);
  return values[rank - 1];
}

gint64
fl_loop_monitor_get_max (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), 0);
  return self->max;
}

/**
 * fl_loop_monitor_get_last_stall:
 *
 * Returns: how long the most recent stall lasted (µs), 0 if none since the last reset
 */
gint64
fl_loop_monitor_get_last_stall (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), 0);
  return self->last_stall;
}

guint
fl_loop_monitor_get_n_stalls (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), 0);
  return self->n_stalls;
}

gboolean
fl_loop_monitor_get_stalled (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), FALSE);
  return self->stalled;
}

gint64
fl_loop_monitor_get_window (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), 0);
  return self->window;
}

void
fl_loop_monitor_set_window (FlLoopMonitor *self,
                            gint64         window_us)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));
  g_return_if_fail (window_us > 0);

  self->window = window_us;
}

/**
 * fl_loop_monitor_get_samples:
 * @since_us: monotonic time; only samples after it
 *
 * Returns: (transfer full) (element-type FlLoopSample): the samples, oldest first
 */
GArray *
fl_loop_monitor_get_samples (FlLoopMonitor *self,
                             gint64         since_us)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (FlLoopSample));

  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), copy);

  for (guint i = self->head; i < self->samples->len; i++)
    {
      FlLoopSample *sample = &g_array_index (self->samples, FlLoopSample, i);
      if (sample->time_us > since_us)
        g_array_append_val (copy, *sample);
    }
  return copy;
}
