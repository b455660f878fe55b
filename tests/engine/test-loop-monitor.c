/* test-loop-monitor.c: a blocked loop is seen and measured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include "config.h"

#include <sched.h>

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

static void
on_stall (FlLoopMonitor *monitor,
          gint64         duration,
          gint64        *seen)
{
  *seen = duration;
}

typedef struct
{
  gboolean busy;      /* spin (CPU) rather than sleep */
  gint64   length;    /* µs of wall time */
  gint64   took;      /* measured by the handler itself */
  gboolean done;
  gint64   started;   /* monotonic time it began */
} Handler;

static gboolean
handler_cb (gpointer data)
{
  Handler *h = data;
  gint64 start = g_get_monotonic_time ();

  h->started = start;
  /* A deliberate freeze: the loop runs nothing else meanwhile. */
  if (h->busy)
    while (g_get_monotonic_time () < start + h->length)
      ;
  else
    g_usleep (h->length);
  h->took = g_get_monotonic_time () - start;
  h->done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_block_is_reported_as_stall (void)
{
  g_autoptr(FlLoopMonitor) monitor = fl_loop_monitor_new (NULL, 5000);
  Handler handler = { TRUE, 300 * 1000, 0, FALSE };
  FlLoopStall stall;
  gint64 seen = 0;

  g_signal_connect (monitor, "stall", G_CALLBACK (on_stall), &seen);
  fl_loop_monitor_start (monitor);
  fl_test_iterate (10);
  g_assert_cmpuint (fl_loop_monitor_get_n_stalls (monitor), ==, 0);

  g_idle_add (handler_cb, &handler);
  fl_test_spin_until (seen > 0, 5000);
  g_assert_true (handler.done);
  /* the stall is the handler's own time, give or take the rest of its iteration */
  g_assert_cmpint (seen, >=, handler.took);
  g_assert_cmpint (seen - handler.took, <, handler.took / 4);
  g_assert_cmpint (fl_loop_monitor_get_last_stall (monitor), ==, seen);
  g_assert_cmpuint (fl_loop_monitor_get_n_stalls (monitor), ==, 1);
  g_assert_true (fl_loop_monitor_get_worst_stall (monitor, 0, G_MAXINT64, &stall));
  g_assert_cmpint (stall.duration_us, ==, seen);
  g_assert_cmpint (fl_loop_monitor_get_max (monitor), ==, seen);
  g_assert_cmpint (fl_loop_monitor_get_percentile (monitor, 100), ==,
                   fl_loop_monitor_get_max (monitor));
  /* outside the interval it happened in, there is none */
  g_assert_false (fl_loop_monitor_get_worst_stall (monitor, stall.start_us + stall.duration_us,
                                                   G_MAXINT64, NULL));
  fl_loop_monitor_stop (monitor);
}

static gboolean
count_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Blocking iterations of the default context until a 200 ms timeout fires. */
static guint
iterations_for_200ms (void)
{
  gboolean fired = FALSE;
  guint n = 0;

  g_timeout_add (200, count_cb, &fired);
  while (!fired)
    {
      g_main_context_iteration (NULL, TRUE);
      n++;
    }
  return n;
}

static void
test_idle_loop_is_not_woken (void)
{
  g_autoptr(FlLoopMonitor) monitor = fl_loop_monitor_new (NULL, 5000);
  guint idle, held;
  guint64 wakeups;

  /* An idle app must be able to sleep: the monitor adds no timer of its own... */
  fl_loop_monitor_start (monitor);
  g_assert_false (fl_loop_monitor_get_sampling (monitor));
  wakeups = fl_loop_monitor_get_n_wakeups (monitor);
  idle = iterations_for_200ms ();
  g_test_message ("idle: %u iterations, %" G_GUINT64_FORMAT " wake-ups", idle,
                  fl_loop_monitor_get_n_wakeups (monitor) - wakeups);
  g_assert_cmpuint (idle, <=, 3);
  g_assert_cmpuint (fl_loop_monitor_get_n_wakeups (monitor) - wakeups, <=, 3);

  /* ...until held, while a run is going. */
  fl_loop_monitor_hold (monitor);
  g_assert_true (fl_loop_monitor_get_sampling (monitor));
  held = iterations_for_200ms ();
  g_test_message ("held: %u iterations", held);
  g_assert_cmpuint (held, >=, 5 * idle);
  fl_loop_monitor_release (monitor);
  g_assert_false (fl_loop_monitor_get_sampling (monitor));
  fl_loop_monitor_stop (monitor);
}

/* ------------------------------------------------ attribution: handler or busy machine */

typedef struct
{
  Handler     handler;
  int         cpu;
  guint       n_stalls;
  gboolean    found;
  FlLoopStall stall;
} LoopCase;

/* A loop of its own, on a thread pinned to @cpu, runs one handler; its monitor tells. */
static gpointer
loop_thread (gpointer data)
{
  LoopCase *c = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(FlLoopMonitor) monitor = NULL;
  g_autoptr(GSource) idle = g_idle_source_new ();
  cpu_set_t set;

  CPU_ZERO (&set);
  CPU_SET (c->cpu, &set);
  g_assert_cmpint (sched_setaffinity (0, sizeof set, &set), ==, 0);
  g_main_context_push_thread_default (context);
  monitor = fl_loop_monitor_new (context, 0);
  fl_loop_monitor_start (monitor);
  fl_test_iterate (5);

  g_source_set_callback (idle, handler_cb, &c->handler, NULL);
  g_source_attach (idle, context);
  while (!c->handler.done)
    g_main_context_iteration (context, TRUE);
  /* the stall is measured when the loop polls again */
  for (int i = 0; i < 3; i++)
    fl_test_iterate (5);

  /* The hogs may make the loop late before or after the handler too (another stall,
   * rightly called machine busy): the one asked about is the handler's. */
  c->n_stalls = fl_loop_monitor_get_n_stalls (monitor);
  c->found = fl_loop_monitor_get_worst_stall (monitor, c->handler.started,
                                              c->handler.started + c->handler.took, &c->stall);
  fl_loop_monitor_stop (monitor);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static int
first_allowed_cpu (void)
{
  cpu_set_t set;

  g_assert_cmpint (sched_getaffinity (0, sizeof set, &set), ==, 0);
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET (cpu, &set))
      return cpu;
  g_assert_not_reached ();
}

#define N_HOGS 5

static void
run_beside_hogs (LoopCase *c)
{
  FlTestHogs hogs;
  GThread *loop;

  /* Five busy threads share the loop's CPU: ready to run, the loop gets a sixth of it. */
  fl_test_hogs_start (&hogs, c->cpu, N_HOGS);
  loop = g_thread_new ("loop", loop_thread, c);
  g_thread_join (loop);
  fl_test_hogs_stop (&hogs);
  g_test_message ("%s handler of %.0f ms: stall %.0f ms, cpu %.0f ms, waiting %.0f ms, %s "
                  "(%u stalls in all)",
                  c->handler.busy ? "busy" : "sleeping", c->handler.took / 1e3,
                  c->stall.duration_us / 1e3, c->stall.cpu_us / 1e3, c->stall.waiting_us / 1e3,
                  c->stall.cause == FL_STALL_HANDLER ? "handler" : "machine busy", c->n_stalls);
}

static void
test_cpu_hog_is_machine_busy (void)
{
  LoopCase c = { { TRUE, 300 * 1000, 0, FALSE }, first_allowed_cpu (), 0, FALSE, { 0 } };

  /* The handler wants the CPU for 300 ms but gets a sixth of it: the rest of the time the
   * loop waited for a CPU held by others. Without them it would have been a 50 ms hiccup. */
  run_beside_hogs (&c);
  g_assert_true (c.found);
  g_assert_cmpint (c.stall.duration_us, >=, c.handler.took);
  g_assert_cmpint (c.stall.waiting_us, >, c.stall.duration_us / 2);
  g_assert_cmpint (c.stall.cpu_us, <, c.stall.duration_us / 2);
  g_assert_cmpint (c.stall.cause, ==, FL_STALL_MACHINE_BUSY);
}

static void
test_blocking_handler_is_the_handler (void)
{
  LoopCase c = { { FALSE, 300 * 1000, 0, FALSE }, first_allowed_cpu (), 0, FALSE, { 0 } };

  /* Same hogs, a handler that blocks: the loop was not waiting for a CPU, the handler held
   * it. */
  run_beside_hogs (&c);
  g_assert_true (c.found);
  g_assert_cmpint (c.stall.duration_us, >=, c.handler.took);
  g_assert_cmpint (c.stall.duration_us - c.handler.took, <, c.handler.took / 4);
  g_assert_cmpint (c.stall.waiting_us, <, c.stall.duration_us / 4);
  g_assert_cmpint (c.stall.cause, ==, FL_STALL_HANDLER);
}

static void
test_percentiles_and_window (void)
{
  g_autoptr(FlLoopMonitor) monitor = fl_loop_monitor_new (NULL, 5000);
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GArray) recent = NULL;

  fl_loop_monitor_set_window (monitor, G_USEC_PER_SEC);
  for (int i = 1; i <= 100; i++)
    fl_loop_monitor_add_sample (monitor, now + i, i * 10);
  g_assert_cmpint (fl_loop_monitor_get_percentile (monitor, 50), ==, 500);
  g_assert_cmpint (fl_loop_monitor_get_percentile (monitor, 99), ==, 990);
  g_assert_cmpint (fl_loop_monitor_get_max (monitor), ==, 1000);
  g_assert_cmpint (fl_loop_monitor_get_current (monitor), ==, 1000);

  /* Two seconds later everything above has left the one-second window. */
  fl_loop_monitor_add_sample (monitor, now + 2 * G_USEC_PER_SEC, 7);
  g_assert_cmpint (fl_loop_monitor_get_max (monitor), ==, 7);
  g_assert_cmpint (fl_loop_monitor_get_percentile (monitor, 99), ==, 7);
  recent = fl_loop_monitor_get_samples (monitor, now);
  g_assert_cmpuint (recent->len, ==, 1);

  fl_loop_monitor_reset (monitor);
  g_assert_cmpint (fl_loop_monitor_get_percentile (monitor, 99), ==, 0);
}

static void
test_quiet_loop_is_calm (void)
{
  g_autoptr(FlLoopMonitor) monitor = fl_loop_monitor_new (NULL, 5000);
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = fl_executor_submit (executor, "spin",
                                                   g_variant_new ("(t)", (guint64) 200000),
                                                   NULL, NULL);

  FlLoopStall stall;

  /* CPU work on worker threads does not stall the loop (a busy machine may, but that is
   * not this loop's doing). */
  fl_loop_monitor_start (monitor);
  fl_loop_monitor_hold (monitor);
  fl_test_spin_until (fl_future_is_done (future), 5000);
  if (fl_loop_monitor_get_worst_stall (monitor, 0, G_MAXINT64, &stall))
    g_assert_cmpint (stall.cause, ==, FL_STALL_MACHINE_BUSY);
  fl_loop_monitor_release (monitor);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();

  g_test_add_func ("/engine/loop-monitor/block-is-reported-as-stall",
                   test_block_is_reported_as_stall);
  g_test_add_func ("/engine/loop-monitor/idle-loop-is-not-woken", test_idle_loop_is_not_woken);
  g_test_add_func ("/engine/loop-monitor/cpu-hog-is-machine-busy", test_cpu_hog_is_machine_busy);
  g_test_add_func ("/engine/loop-monitor/blocking-handler-is-the-handler",
                   test_blocking_handler_is_the_handler);
  g_test_add_func ("/engine/loop-monitor/percentiles-and-window", test_percentiles_and_window);
  g_test_add_func ("/engine/loop-monitor/quiet-loop-is-calm", test_quiet_loop_is_calm);

  return g_test_run ();
}
