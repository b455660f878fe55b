/* fl-loop-monitor.c: the jank meter's engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long does the loop not answer? The monitor wraps the context's poll function: the
 * loop is idle inside poll() and busy from poll's return to the next poll. A busy stretch
 * (plus the time the thread waited for a CPU after being woken) of 100 ms or more is a
 * stall: a window would have been frozen that long. That costs no wake-up at all, so an
 * idle app stays asleep; it is exact to the microsecond, and it sees every stall, not only
 * those a timer happens to straddle.
 *
 * Each stall is attributed from the thread's scheduler statistics
 * (/proc/thread-self/schedstat: CPU time and time spent runnable but waiting for a CPU).
 * If, without the waiting, the loop would still have been busy for a stall's length, the
 * loop's own handler froze it; otherwise the machine was busy with other programs.
 *
 * While held (a run is going, a benchmark measures), a high-priority timer also asks to run
 * every @interval_us and records how late it runs, so percentiles describe the loop's
 * lateness at evenly spaced moments. Samples older than the window are dropped.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fl-loop-monitor.h"

/* Busy stretches shorter than this are not worth a sample: the sparkline's one-pixel floor. */
#define SAMPLE_MIN_US   (4 * 1000)
/* Announce new samples at most this often ("changed"); stalls are announced at once. */
#define REPORT_EVERY_US (100 * 1000)
#define MAX_STALLS      64

struct _FlLoopMonitor
{
  GObject       parent_instance;

  GMainContext *context;
  gboolean      started;
  GSource      *report;        /* announces stalls and samples, outside the poll hook */
  GSource      *timer;         /* only while held */
  guint         hold_count;
  gint64        interval;
  gint64        window;
  gint64        expected;
  gint64        last_report;

  /* poll hook state, touched only by the thread iterating the context, under hooks_lock */
  int           stat_fd;       /* its /proc/thread-self/schedstat, -1 if unavailable */
  GThread      *stat_thread;
  gboolean      have_return;
  gint64        t_return, cpu_return, wait_return;   /* at the last poll return, µs */
  gint64        t_enter, cpu_enter, wait_enter;      /* at the last poll entry, µs */
  gint64        wake_wait;     /* runnable-but-waiting time while woken from the last poll */
  guint64       n_wakeups;

  GArray       *samples;       /* FlLoopSample, oldest first */
  guint         head;          /* first live sample */
  gint64        max;
  GArray       *stalls;        /* FlLoopStall, oldest first, at most MAX_STALLS */
  guint         n_announced;   /* stalls already emitted */
  gint64        last_stall;
  guint         n_stalls;
  gboolean      stalled;
  gboolean      stalled_announced;
};

enum {
  PROP_0,
  PROP_STALLED,
  PROP_SAMPLING,
  N_PROPS
};

enum {
  STALL,
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlLoopMonitor, fl_loop_monitor, G_TYPE_OBJECT)

/* ------------------------------------------------------------------ samples */

static void
trim (FlLoopMonitor *self,
      gint64         now)
{
  gboolean lost_max = FALSE;

  while (self->head < self->samples->len
         && g_array_index (self->samples, FlLoopSample, self->head).time_us < now - self->window)
    {
      if (g_array_index (self->samples, FlLoopSample, self->head).lateness_us >= self->max)
        lost_max = TRUE;
      self->head++;
    }
  if (lost_max)
    {
      self->max = 0;
      for (guint i = self->head; i < self->samples->len; i++)
        self->max = MAX (self->max, g_array_index (self->samples, FlLoopSample, i).lateness_us);
    }

  /* Compact once the dead prefix dominates, so memory stays bounded by the window. */
  if (self->head > 1024 && self->head * 2 > self->samples->len)
    {
      g_array_remove_range (self->samples, 0, self->head);
      self->head = 0;
    }
}

static void
add_sample (FlLoopMonitor *self,
            gint64         time_us,
            gint64         lateness_us,
            gint64         waiting_us)
{
  FlLoopSample sample = { time_us, MAX (lateness_us, 0), 0 };

  sample.waiting_us = CLAMP (waiting_us, 0, sample.lateness_us);

  g_array_append_val (self->samples, sample);
  self->max = MAX (self->max, sample.lateness_us);
  trim (self, time_us);
}

/**
 * fl_loop_monitor_add_sample:
 *
 * Adds an observation of lateness from elsewhere (a frame clock, a test), shown on the same
 * meter as the monitor's own.
 */
void
fl_loop_monitor_add_sample (FlLoopMonitor *self,
                            gint64         time_us,
                            gint64         lateness_us)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  add_sample (self, time_us, lateness_us, 0);
}

/* ------------------------------------------------------------------ reports */

static void
schedule_report (FlLoopMonitor *self,
                 gboolean       now)
{
  gint64 when;

  if (self->report == NULL)
    return;
  when = now ? 0 : self->last_report + REPORT_EVERY_US;
  if (g_source_get_ready_time (self->report) == -1 || when < g_source_get_ready_time (self->report))
    g_source_set_ready_time (self->report, when);
}

static gboolean
report_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  FlLoopMonitor *self = user_data;
  guint first = self->n_announced;
  guint n = self->stalls->len;
  g_autofree gint64 *durations = NULL;

  g_source_set_ready_time (source, -1);
  self->last_report = g_get_monotonic_time ();
  self->n_announced = n;
  if (n > first)
    {
      durations = g_new (gint64, n - first);
      for (guint i = first; i < n; i++)
        durations[i - first] = g_array_index (self->stalls, FlLoopStall, i).duration_us;
    }

  g_object_ref (self);
  for (guint i = 0; durations != NULL && i < n - first; i++)
    g_signal_emit (self, signals[STALL], 0, durations[i]);
  if (self->stalled != self->stalled_announced)
    {
      self->stalled_announced = self->stalled;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALLED]);
    }
  g_signal_emit (self, signals[CHANGED], 0);
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs report_source_funcs = {
  .dispatch = report_dispatch,
};

/* --------------------------------------------------------------- the poll hook */

typedef struct
{
  GMainContext *context;
  GPollFunc     chained;
  GPtrArray    *monitors;   /* borrowed: each monitor removes itself when it stops */
} Hook;

static GMutex hooks_lock;
static GPtrArray *hooks;    /* Hook */

static void
read_thread_times (FlLoopMonitor *self,
                   gint64        *cpu_us,
                   gint64        *wait_us)
{
  char buf[128];
  ssize_t n;

  if (self->stat_thread != g_thread_self ())
    {
      /* Another thread iterates the context now: its statistics, not the old one's. */
      if (self->stat_fd >= 0)
        close (self->stat_fd);
      self->stat_fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
      self->stat_thread = g_thread_self ();
      self->have_return = FALSE;
    }
  if (self->stat_fd >= 0 && (n = pread (self->stat_fd, buf, sizeof buf - 1, 0)) > 0)
    {
      char *end = NULL;

      buf[n] = '\0';
      /* "<ns on a CPU> <ns runnable, waiting for a CPU> <time slices>" */
      *cpu_us = (gint64) (g_ascii_strtoull (buf, &end, 10) / 1000);
      *wait_us = (gint64) (g_ascii_strtoull (end, NULL, 10) / 1000);
      return;
    }
  else
    {
      struct timespec ts;

      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
      *cpu_us = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
      *wait_us = 0;
    }
}

static void
note_busy (FlLoopMonitor *self,
           gint64         end,
           gint64         late,
           gint64         cpu,
           gint64         waiting)
{
  waiting = CLAMP (waiting, 0, late);
  if (late >= FL_LOOP_MONITOR_STALL_US)
    {
      FlLoopStall stall = { end - late, late, MAX (cpu, 0), waiting, FL_STALL_HANDLER };

      /* Would it have been a stall had the thread had a CPU whenever it was ready? */
      if (late - waiting < FL_LOOP_MONITOR_STALL_US)
        stall.cause = FL_STALL_MACHINE_BUSY;
      g_array_append_val (self->stalls, stall);
      if (self->stalls->len > MAX_STALLS)
        {
          g_array_remove_index (self->stalls, 0);
          if (self->n_announced > 0)
            self->n_announced--;
        }
      self->n_stalls++;
      self->last_stall = late;
      self->stalled = TRUE;
      add_sample (self, end, late, waiting);
      schedule_report (self, TRUE);
      return;
    }
  if (self->stalled)
    {
      self->stalled = FALSE;
      schedule_report (self, FALSE);
    }
  if (late >= SAMPLE_MIN_US)
    {
      add_sample (self, end, late, waiting);
      /* Announce only what the loop itself spent: on a busy machine even the report's own
       * iteration waits for a CPU, and announcing that would keep the loop awake. */
      if (late - waiting >= SAMPLE_MIN_US)
        schedule_report (self, FALSE);
    }
}

/* Entering poll: the loop's busy stretch since the last poll returned is over. */
static void
poll_enter (FlLoopMonitor *self,
            gint64         now)
{
  gint64 cpu, wait;

  read_thread_times (self, &cpu, &wait);
  if (self->have_return)
    note_busy (self, now, self->wake_wait + (now - self->t_return), cpu - self->cpu_return,
               self->wake_wait + (wait - self->wait_return));
  self->t_enter = now;
  self->cpu_enter = cpu;
  self->wait_enter = wait;
}

static void
poll_return (FlLoopMonitor *self,
             gint64         now,
             gint           timeout)
{
  gint64 cpu = self->cpu_enter, wait = self->wait_enter;

  /* A poll that could not sleep could not be woken late either: skip the read. */
  if (timeout != 0)
    {
      read_thread_times (self, &cpu, &wait);
      self->n_wakeups++;
    }
  self->wake_wait = CLAMP (wait - self->wait_enter, 0, now - self->t_enter);
  self->t_return = now;
  self->cpu_return = cpu;
  self->wait_return = wait;
  self->have_return = TRUE;
}

/* The poll function has no user data: find the monitored context the calling thread is
 * iterating (the one it owns; with several owned at once, the first is taken). */
static Hook *
find_owned_hook (void)
{
  for (guint i = 0; hooks != NULL && i < hooks->len; i++)
    {
      Hook *hook = g_ptr_array_index (hooks, i);

      if (g_main_context_is_owner (hook->context))
        return hook;
    }
  return NULL;
}

static gint
monitored_poll (GPollFD *fds,
                guint    n_fds,
                gint     timeout)
{
  GPollFunc chained = g_poll;
  Hook *hook;
  gint64 now;
  gint ret;

  g_mutex_lock (&hooks_lock);
  now = g_get_monotonic_time ();
  if ((hook = find_owned_hook ()) != NULL)
    {
      chained = hook->chained;
      for (guint i = 0; i < hook->monitors->len; i++)
        {
          FlLoopMonitor *monitor = g_ptr_array_index (hook->monitors, i);

          poll_enter (monitor, now);
          /* a stall to announce: come straight back to dispatch the report */
          if (monitor->report != NULL && g_source_get_ready_time (monitor->report) == 0)
            timeout = 0;
        }
    }
  g_mutex_unlock (&hooks_lock);

  ret = chained (fds, n_fds, timeout);

  g_mutex_lock (&hooks_lock);
  now = g_get_monotonic_time ();
  if ((hook = find_owned_hook ()) != NULL)
    for (guint i = 0; i < hook->monitors->len; i++)
      poll_return (g_ptr_array_index (hook->monitors, i), now, timeout);
  g_mutex_unlock (&hooks_lock);
  return ret;
}

static void
hook_add (FlLoopMonitor *self)
{
  Hook *hook = NULL;

  g_mutex_lock (&hooks_lock);
  if (hooks == NULL)
    hooks = g_ptr_array_new ();
  for (guint i = 0; i < hooks->len && hook == NULL; i++)
    if (((Hook *) g_ptr_array_index (hooks, i))->context == self->context)
      hook = g_ptr_array_index (hooks, i);
  if (hook == NULL)
    {
      hook = g_new0 (Hook, 1);
      hook->context = self->context;
      hook->chained = g_main_context_get_poll_func (self->context);
      hook->monitors = g_ptr_array_new ();
      g_main_context_set_poll_func (self->context, monitored_poll);
      g_ptr_array_add (hooks, hook);
    }
  self->have_return = FALSE;
  g_ptr_array_add (hook->monitors, self);
  g_mutex_unlock (&hooks_lock);
}

static void
hook_remove (FlLoopMonitor *self)
{
  g_mutex_lock (&hooks_lock);
  for (guint i = 0; hooks != NULL && i < hooks->len; i++)
    {
      Hook *hook = g_ptr_array_index (hooks, i);

      if (hook->context != self->context || !g_ptr_array_remove (hook->monitors, self))
        continue;
      if (hook->monitors->len == 0)
        {
          if (g_main_context_get_poll_func (hook->context) == monitored_poll)
            g_main_context_set_poll_func (hook->context, hook->chained);
          g_ptr_array_unref (hook->monitors);
          g_ptr_array_remove_index_fast (hooks, i);
          g_free (hook);
        }
      break;
    }
  if (self->stat_fd >= 0)
    close (self->stat_fd);
  self->stat_fd = -1;
  self->stat_thread = NULL;
  g_mutex_unlock (&hooks_lock);
}

/* ------------------------------------------------------------------ the timer */

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  FlLoopMonitor *self = user_data;
  gint64 now = g_get_monotonic_time ();

  add_sample (self, now, now - self->expected, 0);
  self->expected = now + self->interval;
  g_source_set_ready_time (source, self->expected);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
  .dispatch = timer_dispatch,
};

static void
update_timer (FlLoopMonitor *self)
{
  gboolean want = self->started && self->hold_count > 0;

  if (want == (self->timer != NULL))
    return;
  if (want)
    {
      self->timer = g_source_new (&timer_source_funcs, sizeof (GSource));
      g_source_set_static_name (self->timer, "[futures-lab] loop monitor timer");
      g_source_set_priority (self->timer, G_PRIORITY_HIGH);
      g_source_set_callback (self->timer, NULL, self, NULL);
      self->expected = g_get_monotonic_time () + self->interval;
      g_source_set_ready_time (self->timer, self->expected);
      g_source_attach (self->timer, self->context);
    }
  else
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLING]);
}

/* ------------------------------------------------------------------ GObject */

static void
fl_loop_monitor_finalize (GObject *object)
{
  FlLoopMonitor *self = FL_LOOP_MONITOR (object);

  fl_loop_monitor_stop (self);
  g_array_unref (self->samples);
  g_array_unref (self->stalls);
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
      g_value_set_boolean (value, self->stalled_announced);
      break;
    case PROP_SAMPLING:
      g_value_set_boolean (value, self->timer != NULL);
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
  /**
   * FlLoopMonitor:sampling:
   *
   * Whether the evenly spaced timer runs (while the monitor is held).
   */
  properties[PROP_SAMPLING] =
    g_param_spec_boolean ("sampling", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlLoopMonitor::stall:
   * @duration_us: how long the loop did not answer
   *
   * Emitted soon after the loop was blocked for 100 ms or more (once it answers again).
   */
  signals[STALL] = g_signal_new ("stall", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * FlLoopMonitor::changed:
   *
   * New samples or stalls were recorded (at most every 100 ms, at once after a stall).
   * Nothing is emitted while the loop is idle.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fl_loop_monitor_init (FlLoopMonitor *self)
{
  self->samples = g_array_new (FALSE, FALSE, sizeof (FlLoopSample));
  self->stalls = g_array_new (FALSE, FALSE, sizeof (FlLoopStall));
  self->window = 10 * G_USEC_PER_SEC;
  self->stat_fd = -1;
}

/**
 * fl_loop_monitor_new:
 * @context: (nullable): the context to watch, %NULL for the global default
 * @interval_us: how often the timer ticks while the monitor is held; 0 for 5 ms
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

/**
 * fl_loop_monitor_start:
 *
 * Starts watching: from now on every stall of the context is recorded. Adds no wake-up of
 * its own; the timer runs only while the monitor is held.
 */
void
fl_loop_monitor_start (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->report = g_source_new (&report_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->report, "[futures-lab] loop monitor report");
  g_source_set_priority (self->report, G_PRIORITY_HIGH);
  g_source_set_callback (self->report, NULL, self, NULL);
  g_source_set_ready_time (self->report, -1);
  g_source_attach (self->report, self->context);
  hook_add (self);
  update_timer (self);
}

void
fl_loop_monitor_stop (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  if (!self->started)
    return;
  hook_remove (self);
  self->started = FALSE;
  g_source_destroy (self->report);
  g_clear_pointer (&self->report, g_source_unref);
  update_timer (self);
}

/**
 * fl_loop_monitor_hold:
 *
 * Asks for evenly spaced samples (the timer) until the matching fl_loop_monitor_release():
 * while a run is going, while a benchmark measures. Holds nest.
 */
void
fl_loop_monitor_hold (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  self->hold_count++;
  update_timer (self);
}

void
fl_loop_monitor_release (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));
  g_return_if_fail (self->hold_count > 0);

  self->hold_count--;
  update_timer (self);
}

gboolean
fl_loop_monitor_get_sampling (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), FALSE);

  return self->timer != NULL;
}

void
fl_loop_monitor_reset (FlLoopMonitor *self)
{
  g_return_if_fail (FL_IS_LOOP_MONITOR (self));

  g_array_set_size (self->samples, 0);
  g_array_set_size (self->stalls, 0);
  self->head = 0;
  self->max = 0;
  self->last_stall = 0;
  self->n_stalls = 0;
  self->n_announced = 0;
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

/**
 * fl_loop_monitor_get_worst_stall:
 * @since_us: monotonic time
 * @until_us: monotonic time, or G_MAXINT64
 * @stall: (out caller-allocates) (optional): the longest stall that overlaps the interval
 *
 * Every view of one interval (a run, the meter's span) asks this, so they all name the
 * same stall. The last 64 stalls are kept.
 *
 * Returns: whether a stall overlaps [@since_us, @until_us]
 */
gboolean
fl_loop_monitor_get_worst_stall (FlLoopMonitor *self,
                                 gint64         since_us,
                                 gint64         until_us,
                                 FlLoopStall   *stall)
{
  const FlLoopStall *worst = NULL;

  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), FALSE);

  for (guint i = 0; i < self->stalls->len; i++)
    {
      const FlLoopStall *s = &g_array_index (self->stalls, FlLoopStall, i);

      if (s->start_us < until_us && s->start_us + s->duration_us > since_us
          && (worst == NULL || s->duration_us > worst->duration_us))
        worst = s;
    }
  if (worst != NULL && stall != NULL)
    *stall = *worst;
  return worst != NULL;
}

/**
 * fl_loop_monitor_get_n_wakeups:
 *
 * Returns: how many times the loop went to sleep in poll() and came back (a poll that could
 *   block), since the monitor started; what an idle app should keep near zero
 */
guint64
fl_loop_monitor_get_n_wakeups (FlLoopMonitor *self)
{
  guint64 n;

  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), 0);

  g_mutex_lock (&hooks_lock);
  n = self->n_wakeups;
  g_mutex_unlock (&hooks_lock);
  return n;
}

gboolean
fl_loop_monitor_get_stalled (FlLoopMonitor *self)
{
  g_return_val_if_fail (FL_IS_LOOP_MONITOR (self), FALSE);
  return self->stalled_announced;
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
