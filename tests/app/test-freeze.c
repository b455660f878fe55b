/* test-freeze.c: the Frozen-button page freezes the loop only on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-frozen-page.h"
#include "fl-jank-meter.h"

static FlWindow *window;
static FlFrozenPage *page;

static gboolean
run_done (void)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  return run != NULL && fl_run_is_complete (run);
}

static FlFuture *
only_future (void)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (run)), ==, 1);
  return g_list_model_get_item (G_LIST_MODEL (run), 0);
}

static void
test_main_loop_freezes_and_meter_reports_it (void)
{
  FlJankMeter *meter = fl_window_get_jank_meter (window);
  FlLoopMonitor *monitor = fl_jank_meter_get_monitor (meter);
  guint stalls = fl_loop_monitor_get_n_stalls (monitor);
  g_autoptr(FlFuture) future = NULL;

  fl_frozen_page_set_work (page, FALSE, 4.5);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "freeze", "main-loop"));
  fl_test_spin_until (run_done (), 20000);
  future = only_future ();
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_lane_kind (future), ==, FL_LANE_MAIN_LOOP);
  /* the loop monitor's next tick sees the gap */
  fl_test_spin_until (fl_loop_monitor_get_n_stalls (monitor) > stalls, 5000);
  g_assert_cmpint (fl_loop_monitor_get_last_stall (monitor), >=, 4 * G_USEC_PER_SEC);
  g_assert_cmpint (fl_jank_meter_get_last_freeze (meter), >=, 4 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (fl_jank_meter_get_text (meter), "frozen"));
}

static void
run_alive (const char *mode,
           gboolean    busy)
{
  FlJankMeter *meter = fl_window_get_jank_meter (window);
  FlLoopMonitor *monitor = fl_jank_meter_get_monitor (meter);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gint64 frame = gdk_frame_clock_get_frame_counter (clock);
  guint stalls;
  gint64 started;
  gint64 worst = 0;
  g_autoptr(FlFuture) future = NULL;

  /* Let a previous freeze's late frame be counted before this run is measured. */
  fl_test_spin_until (gdk_frame_clock_get_frame_counter (clock) >= frame + 2, 5000);
  stalls = fl_loop_monitor_get_n_stalls (monitor);
  started = g_get_monotonic_time ();

  fl_frozen_page_set_work (page, busy, 1.5);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "freeze", mode));
  /* the loop keeps turning while the handler runs elsewhere */
  while (!run_done ())
    {
      g_autoptr(GArray) samples = NULL;

      g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_USEC_PER_SEC);
      fl_test_iterate (50);
      samples = fl_loop_monitor_get_samples (monitor, started);
      for (guint i = 0; i < samples->len; i++)
        worst = MAX (worst, g_array_index (samples, FlLoopSample, i).lateness_us);
    }
  future = only_future ();
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_lane_kind (future), ==, FL_LANE_THREAD);
  g_assert_cmpint (fl_future_get_finished_time (future) - fl_future_get_started_time (future),
                   >=, 1400 * 1000);
  g_assert_cmpuint (fl_loop_monitor_get_n_stalls (monitor), ==, stalls);
  g_test_message ("%s: worst lateness %.1f ms", mode, worst / 1e3);
  g_assert_cmpint (worst, <, FL_LOOP_MONITOR_STALL_US);
}

static void
test_thread_stays_calm (void)
{
  run_alive ("thread", FALSE);
}

static void
test_thread_busy_cpu_stays_calm (void)
{
  run_alive ("thread", TRUE);
}

static void
test_subprocess_stays_calm (void)
{
  run_alive ("subprocess", FALSE);
}

static void
test_subprocess_busy_cpu_stays_calm (void)
{
  run_alive ("subprocess", TRUE);
}

static void
test_cancel_subprocess (void)
{
  g_autoptr(FlFuture) future = NULL;

  fl_frozen_page_set_work (page, TRUE, 20);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "freeze", "subprocess"));
  future = only_future ();
  fl_test_spin_until (fl_future_get_state (future) == FL_FUTURE_RUNNING, 5000);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "cancel-all", NULL);
  fl_test_spin_until (run_done (), 5000);
  g_assert_true (fl_future_get_state (future) == FL_FUTURE_CANCELLED
                 || fl_future_get_state (future) == FL_FUTURE_FAILED);
}

static void
test_clicks_are_counted (void)
{
  GtkWidget *button = fl_test_find_action_button (GTK_WIDGET (page), "page.run", "thread");

  fl_frozen_page_set_work (page, FALSE, 1.0);
  fl_window_show_demo (window, "freeze");
  fl_test_spin_until (gtk_widget_get_mapped (button), 5000);
  gtk_widget_activate (button);
  fl_test_spin_until (fl_page_get_run (FL_PAGE (page)) != NULL
                      && g_str_equal (fl_run_get_mode (fl_page_get_run (FL_PAGE (page))), "thread")
                      && !fl_run_is_complete (fl_page_get_run (FL_PAGE (page))), 5000);
  fl_test_spin_until (run_done (), 10000);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_FROZEN_PAGE (fl_window_get_page (window, "freeze"));
  fl_window_show_demo (window, "freeze");

  g_test_add_func ("/app/freeze/main-loop-freezes-meter-reports-it",
                   test_main_loop_freezes_and_meter_reports_it);
  g_test_add_func ("/app/freeze/thread-sleep-stays-calm", test_thread_stays_calm);
  g_test_add_func ("/app/freeze/thread-busy-cpu-stays-calm", test_thread_busy_cpu_stays_calm);
  /* (GTest reserves paths with a "/subprocess" component for g_test_trap_subprocess) */
  g_test_add_func ("/app/freeze/child-process-sleep-stays-calm", test_subprocess_stays_calm);
  g_test_add_func ("/app/freeze/child-process-busy-cpu-stays-calm",
                   test_subprocess_busy_cpu_stays_calm);
  g_test_add_func ("/app/freeze/cancel-stops-subprocess", test_cancel_subprocess);
  g_test_add_func ("/app/freeze/button-click-starts-thread-run", test_clicks_are_counted);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
