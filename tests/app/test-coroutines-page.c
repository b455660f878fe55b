/* test-coroutines-page.c: the Coroutines page: all on the main loop, gather order,
 * FIRST_COMPLETED, wait_for cancels, the semaphore, and the blocking call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-coroutines-page.h"
#include "fl-jank-meter.h"

static FlWindow *window;
static FlCoroutinesPage *page;

/* The page's sleep durations: 250 ms × (1 + (5i + 3) mod 8), i.e. 1000, 250, 1500, 750,
 * 2000, 1250, 500, 1750 ms for the first eight. */
static guint
task_ms (guint i)
{
  return 250 * (1 + (i * 5 + 3) % 8);
}

static void
run (const char *mode)
{
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "coroutines", mode));
}

static FlRun *
current_run (void)
{
  return fl_page_get_run (FL_PAGE (page));
}

static void
wait_done (guint timeout_ms)
{
  fl_test_spin_until (fl_coroutines_page_is_done (page), timeout_ms);
}

/* Every task that ran did so on the main loop. */
static void
assert_all_on_main_loop (void)
{
  FlRun *r = current_run ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (r));

  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (fl_executor_get_lane_kind (fl_run_get_executor (r)), ==, FL_LANE_MAIN_LOOP);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlFuture) future = g_list_model_get_item (G_LIST_MODEL (r), i);

      if (fl_future_get_started_time (future) != 0)
        g_assert_cmpint (fl_future_get_lane_kind (future), ==, FL_LANE_MAIN_LOOP);
    }
}

static void
test_gather_keeps_submission_order (void)
{
  GtkWidget *button = fl_test_find_action_button (GTK_WIDGET (page), "page.run", "gather");
  GPtrArray *results;

  fl_coroutines_page_set_tasks (page, FL_COROUTINES_SLEEP, 6, 0, 1.5, 1.0);
  fl_test_spin_until (gtk_widget_get_mapped (button), 5000);
  gtk_widget_activate (button);
  fl_test_spin_until (current_run () != NULL
                      && g_str_equal (fl_run_get_mode (current_run ()), "gather"), 5000);
  wait_done (10000);
  results = fl_coroutines_page_get_results (page);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, 6);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpuint (g_variant_get_uint32 (g_ptr_array_index (results, i)), ==, task_ms (i));
  g_assert_nonnull (strstr (fl_coroutines_page_get_outcome (page), "gather() → [1000, 250, 1500"));
  assert_all_on_main_loop ();
  /* no limit: all six overlapped on one thread */
  g_assert_cmpuint (fl_coroutines_page_get_max_in_flight (page), ==, 6);
}

static void
test_semaphore_limits_concurrency (void)
{
  fl_coroutines_page_set_tasks (page, FL_COROUTINES_LOITER, 8, 3, 1.5, 1.0);
  run ("gather");
  wait_done (15000);
  g_assert_cmpuint (fl_run_get_n_finished (current_run ()), ==, 8);
  g_assert_cmpuint (fl_coroutines_page_get_max_in_flight (page), ==, 3);
  assert_all_on_main_loop ();
}

static void
test_first_completed (void)
{
  fl_coroutines_page_set_tasks (page, FL_COROUTINES_SLEEP, 6, 0, 1.5, 1.0);
  run ("first-completed");
  fl_test_spin_until (fl_coroutines_page_get_outcome (page) != NULL, 10000);
  /* the shortest task is #2 (250 ms); the others are still running then */
  g_assert_cmpuint (fl_coroutines_page_get_n_first_done (page), ==, 1);
  g_assert_nonnull (strstr (fl_coroutines_page_get_outcome (page), "done = {#2} and 5 pending"));
  g_assert_cmpuint (fl_run_get_n_done (current_run ()), <, 6);
  wait_done (10000);
  g_assert_cmpuint (fl_run_get_n_finished (current_run ()), ==, 6);
  assert_all_on_main_loop ();
}

static void
test_wait_for_cancels_on_timeout (void)
{
  FlRun *r;
  guint n;
  guint max_finished = 0, min_cancelled = G_MAXUINT;

  /* 8 tasks, 0.9 s: the 250, 500 and 750 ms ones make it, the five others are cancelled.
   * A loaded machine may delay a timer past the timeout, so check the split rather than
   * the exact count: every task that finished was shorter than every cancelled one, and
   * the long ones were certainly cancelled. */
  fl_coroutines_page_set_tasks (page, FL_COROUTINES_SLEEP, 8, 0, 0.9, 1.0);
  run ("wait-for");
  wait_done (10000);
  r = current_run ();
  n = g_list_model_get_n_items (G_LIST_MODEL (r));
  g_assert_cmpuint (n, ==, 8);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlFuture) future = g_list_model_get_item (G_LIST_MODEL (r), i);

      if (fl_future_get_state (future) == FL_FUTURE_FINISHED)
        max_finished = MAX (max_finished, task_ms (i));
      else
        {
          g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_CANCELLED);
          min_cancelled = MIN (min_cancelled, task_ms (i));
        }
    }
  g_assert_cmpuint (max_finished, <, min_cancelled);
  g_assert_cmpuint (fl_run_get_n_finished (r), >=, 1);
  g_assert_cmpuint (fl_run_get_n_cancelled (r), >=, 4);
  g_assert_cmpuint (fl_run_get_n_finished (r) + fl_run_get_n_cancelled (r), ==, 8);
  /* cancelled at the timeout, not left to run for 2 s */
  g_assert_cmpfloat (fl_run_get_elapsed (r), <, 1.9);
  g_assert_nonnull (strstr (fl_coroutines_page_get_outcome (page), "were cancelled"));
  assert_all_on_main_loop ();
}

static void
test_downloads_on_the_loop (void)
{
  GPtrArray *results;

  fl_coroutines_page_set_tasks (page, FL_COROUTINES_DOWNLOAD, 4, 2, 1.5, 1.0);
  run ("gather");
  wait_done (20000);
  results = fl_coroutines_page_get_results (page);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, 4);
  g_assert_cmpuint (fl_coroutines_page_get_max_in_flight (page), <=, 2);
  assert_all_on_main_loop ();
}

static void
test_blocking_call_stalls_everything (void)
{
  FlLoopMonitor *monitor = fl_jank_meter_get_monitor (fl_window_get_jank_meter (window));
  g_autoptr(FlFuture) spin = NULL;
  g_autoptr(GArray) samples = NULL;
  gint64 worst = 0;

  fl_coroutines_page_set_tasks (page, FL_COROUTINES_SLEEP, 3, 0, 1.5, 1.2);
  run ("blocking");
  wait_done (15000);
  spin = g_list_model_get_item (G_LIST_MODEL (current_run ()), 1);
  g_assert_cmpstr (fl_future_get_job_name (spin), ==, "spin");
  g_assert_cmpint (fl_future_get_lane_kind (spin), ==, FL_LANE_MAIN_LOOP);
  assert_all_on_main_loop ();
  g_assert_cmpint (fl_future_get_finished_time (spin) - fl_future_get_started_time (spin), >=,
                   G_USEC_PER_SEC);
  /* the loop monitor saw the loop stall for as long */
  samples = fl_loop_monitor_get_samples (monitor, fl_run_get_start_time (current_run ()));
  for (guint i = 0; i < samples->len; i++)
    worst = MAX (worst, g_array_index (samples, FlLoopSample, i).lateness_us);
  g_assert_cmpint (worst, >=, G_USEC_PER_SEC);
  g_assert_nonnull (strstr (fl_coroutines_page_get_outcome (page), "no timer fired"));
}

static void
test_cancel_and_restart_mid_await (void)
{
  GtkWidget *cancel = fl_test_find_action_button (GTK_WIDGET (page), "page.cancel", NULL);
  g_autoptr(FlRun) old = NULL;
  FlRun *first;

  /* Cancel while gather() awaits: every task ends cancelled, the page says so */
  fl_coroutines_page_set_tasks (page, FL_COROUTINES_SLEEP, 8, 2, 1.5, 1.0);
  run ("gather");
  first = current_run ();
  fl_test_spin_until (fl_run_get_n_done (first) >= 1, 5000);
  gtk_widget_activate (cancel);
  fl_test_spin_until (fl_run_is_complete (first), 5000);
  g_assert_cmpuint (fl_run_get_n_cancelled (first), >=, 1);
  g_assert_cmpuint (fl_run_get_n_finished (first) + fl_run_get_n_cancelled (first), ==, 8);
  g_assert_nonnull (strstr (fl_coroutines_page_get_outcome (page), "Cancelled"));

  /* A new run while the previous one still awaits: the old answer is ignored */
  run ("gather");
  old = g_object_ref (current_run ());
  run ("first-completed");
  g_assert_true (current_run () != old);
  wait_done (10000);
  g_assert_true (fl_run_was_cancelled (old));
  g_assert_nonnull (strstr (fl_coroutines_page_get_outcome (page), "wait(FIRST_COMPLETED)"));
  assert_all_on_main_loop ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_COROUTINES_PAGE (fl_window_get_page (window, "coroutines"));
  g_assert_nonnull (page);
  fl_window_show_demo (window, "coroutines");

  g_test_add_func ("/app/coroutines/gather-keeps-submission-order",
                   test_gather_keeps_submission_order);
  g_test_add_func ("/app/coroutines/semaphore-limits-concurrency",
                   test_semaphore_limits_concurrency);
  g_test_add_func ("/app/coroutines/wait-first-completed", test_first_completed);
  g_test_add_func ("/app/coroutines/wait-for-cancels-on-timeout",
                   test_wait_for_cancels_on_timeout);
  g_test_add_func ("/app/coroutines/downloads-on-the-loop", test_downloads_on_the_loop);
  g_test_add_func ("/app/coroutines/blocking-call-stalls-everything",
                   test_blocking_call_stalls_everything);
  g_test_add_func ("/app/coroutines/cancel-and-restart-mid-await",
                   test_cancel_and_restart_mid_await);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
