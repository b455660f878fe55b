/* test-loop-monitor.c: a blocked loop is seen and measured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

static guint
count_samples (FlLoopMonitor *monitor)
{
  g_autoptr(GArray) samples = fl_loop_monitor_get_samples (monitor, 0);

  return samples->len;
}

static void
on_stall (FlLoopMonitor *monitor,
          gint64         duration,
          gint64        *seen)
{
  *seen = duration;
}

static gboolean
block_loop (gpointer data)
{
  gint64 end = g_get_monotonic_time () + 300 * 1000;

  /* A deliberate freeze: the loop runs nothing else for 300 ms. */
  while (g_get_monotonic_time () < end)
    ;
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_block_is_reported_as_stall (void)
{
  g_autoptr(FlLoopMonitor) monitor = fl_loop_monitor_new (NULL, 5000);
  gint64 seen = 0;
  gboolean blocked = FALSE;

  g_signal_connect (monitor, "stall", G_CALLBACK (on_stall), &seen);
  fl_loop_monitor_start (monitor);
  fl_test_spin_until (count_samples (monitor) >= 5, 2000);
  g_assert_cmpuint (fl_loop_monitor_get_n_stalls (monitor), ==, 0);

  g_idle_add (block_loop, &blocked);
  fl_test_spin_until (seen > 0, 5000);
  g_assert_true (blocked);
  g_assert_cmpint (seen, >=, 300 * 1000);
  g_assert_cmpint (fl_loop_monitor_get_last_stall (monitor), >=, 300 * 1000);
  g_assert_cmpuint (fl_loop_monitor_get_n_stalls (monitor), ==, 1);
  g_assert_cmpint (fl_loop_monitor_get_max (monitor), >=, 290 * 1000);
  g_assert_cmpint (fl_loop_monitor_get_percentile (monitor, 100), ==,
                   fl_loop_monitor_get_max (monitor));
  fl_loop_monitor_stop (monitor);
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

  /* CPU work on worker threads does not stall the loop. */
  fl_loop_monitor_start (monitor);
  fl_test_spin_until (fl_future_is_done (future), 5000);
  g_assert_cmpuint (fl_loop_monitor_get_n_stalls (monitor), ==, 0);
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
  g_test_add_func ("/engine/loop-monitor/percentiles-and-window", test_percentiles_and_window);
  g_test_add_func ("/engine/loop-monitor/quiet-loop-is-calm", test_quiet_loop_is_calm);

  return g_test_run ();
}
