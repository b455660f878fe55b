/* test-compute-page.c: the Compute page runs every mode, paints every tile, and a killed
 * worker heals or, strict, breaks the pool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-compute-page.h"

static FlWindow *window;
static FlComputePage *page;

static gboolean
run_done (void)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  return run != NULL && fl_run_is_complete (run);
}

static gboolean
run_is (const char *mode)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  return run != NULL && g_str_equal (fl_run_get_mode (run), mode);
}

static void
start (const char *mode)
{
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "compute", mode));
  fl_test_spin_until (run_is (mode), 5000);
}

static void
check_all_tiles_painted (guint jobs)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  fl_test_spin_until (run_done (), 60000);
  g_assert_cmpuint (fl_run_get_n_total (run), ==, jobs);
  g_assert_cmpuint (fl_run_get_n_finished (run), ==, jobs);
  g_assert_cmpuint (fl_compute_page_get_n_tiles (page), ==, jobs);
  g_assert_cmpuint (fl_compute_page_get_n_painted (page), ==, jobs);
}

static void
test_every_mode_paints_every_tile (void)
{
  const char *modes[] = { "main-loop", "threads", "gil", "processes" };
  guint runs = fl_compute_page_get_n_chart_runs (page);

  fl_compute_page_set_workload (page, 12, 240, 2);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      FlRun *run;

      start (modes[i]);
      check_all_tiles_painted (12);
      run = fl_page_get_run (FL_PAGE (page));
      for (guint j = 0; j < 12; j++)
        {
          g_autoptr(FlFuture) f = g_list_model_get_item (G_LIST_MODEL (run), j);
          FlLaneKind expected = i == 0 ? FL_LANE_MAIN_LOOP
                                : i == 3 ? FL_LANE_PROCESS : FL_LANE_THREAD;

          g_assert_cmpint (fl_future_get_lane_kind (f), ==, expected);
        }
    }
  /* Four bars; the main-loop run is the baseline, so every later run has a speed-up. */
  g_assert_cmpuint (fl_compute_page_get_n_chart_runs (page), ==, runs + 4);
  g_assert_cmpfloat_with_epsilon (fl_compute_page_get_speedup (page, runs), 1.0, 1e-9);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpfloat (fl_compute_page_get_speedup (page, runs + i), >, 0);
}

static void
test_bad_input_is_refused (void)
{
  g_autoptr(GError) error = NULL;

  fl_compute_page_set_workload (page, 200, 100, 2);
  g_assert_false (fl_page_start_run (FL_PAGE (page), "threads", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "100 px"));
  g_clear_error (&error);

  /* nothing to kill outside a process run */
  g_assert_false (fl_compute_page_kill_worker (page, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A run long enough to kill a worker in: waits until a process lane is busy. */
static void
start_processes_and_wait_busy (void)
{
  FlRun *run;
  gboolean busy = FALSE;

  fl_compute_page_set_workload (page, 16, 1600, 2);
  start ("processes");
  run = fl_page_get_run (FL_PAGE (page));
  while (!busy)
    {
      fl_test_iterate (20);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)) && !busy; i++)
        {
          g_autoptr(FlFuture) f = g_list_model_get_item (G_LIST_MODEL (run), i);

          busy = fl_future_get_state (f) == FL_FUTURE_RUNNING
                 && fl_future_get_lane_kind (f) == FL_LANE_PROCESS;
        }
      g_assert_false (fl_run_is_complete (run));
    }
}

static void
test_kill_worker_heals (void)
{
  GtkWidget *button = fl_test_find_action_button (GTK_WIDGET (page), "compute.kill-worker", NULL);
  guint kills = fl_compute_page_get_n_kills (page);
  FlRun *run;

  g_assert_nonnull (button);
  fl_compute_page_set_strict (page, FALSE);
  start_processes_and_wait_busy ();
  run = fl_page_get_run (FL_PAGE (page));

  /* the button, as a person clicks it */
  fl_test_spin_until (gtk_widget_get_mapped (button) && gtk_widget_is_sensitive (button), 5000);
  gtk_widget_activate (button);
  fl_test_spin_until (fl_compute_page_get_n_kills (page) > kills, 5000);

  /* one tile fails, a new worker takes the lane, the others all finish */
  fl_test_spin_until (fl_compute_page_get_n_restarts (page) >= 1, 20000);
  fl_test_spin_until (run_done (), 60000);
  g_assert_false (fl_compute_page_get_pool_broken (page));
  g_assert_cmpuint (fl_run_get_n_failed (run), ==, 1);
  g_assert_cmpuint (fl_run_get_n_finished (run), ==, 15);
  g_assert_cmpuint (fl_compute_page_get_n_painted (page), ==, 15);
  g_assert_false (gtk_widget_is_sensitive (button));
}

static void
test_kill_worker_breaks_strict_pool (void)
{
  g_autoptr(GError) error = NULL;
  FlRun *run;

  fl_compute_page_set_strict (page, TRUE);
  start_processes_and_wait_busy ();
  run = fl_page_get_run (FL_PAGE (page));
  g_assert_true (fl_compute_page_kill_worker (page, &error));
  g_assert_no_error (error);

  fl_test_spin_until (run_done (), 30000);
  g_assert_true (fl_compute_page_get_pool_broken (page));
  g_assert_cmpuint (fl_compute_page_get_n_restarts (page), ==, 0);
  g_assert_cmpuint (fl_run_get_n_failed (run), >=, 2);
  for (guint i = 0; i < fl_run_get_n_total (run); i++)
    {
      g_autoptr(FlFuture) f = g_list_model_get_item (G_LIST_MODEL (run), i);

      if (fl_future_get_state (f) == FL_FUTURE_FAILED
          && !g_error_matches (fl_future_peek_error (f), FL_ERROR, FL_ERROR_WORKER_DIED))
        g_assert_error (fl_future_peek_error (f), FL_ERROR, FL_ERROR_BROKEN_POOL);
    }
  fl_compute_page_set_strict (page, FALSE);
}

static void
test_button_click_starts_threads (void)
{
  GtkWidget *button = fl_test_find_action_button (GTK_WIDGET (page), "page.run", "threads");

  fl_compute_page_set_workload (page, 8, 200, 2);
  fl_window_show_demo (window, "compute");
  fl_test_spin_until (gtk_widget_get_mapped (button), 5000);
  gtk_widget_activate (button);
  fl_test_spin_until (run_is ("threads"), 5000);
  check_all_tiles_painted (8);
}

static void
test_cancel_all_stops_processes (void)
{
  FlRun *run;

  fl_compute_page_set_strict (page, FALSE);
  start_processes_and_wait_busy ();
  run = fl_page_get_run (FL_PAGE (page));
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "cancel-all", NULL);
  fl_test_spin_until (run_done (), 20000);
  g_assert_cmpuint (fl_run_get_n_cancelled (run), >, 0);
  g_assert_cmpuint (fl_run_get_n_finished (run), <, fl_run_get_n_total (run));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_COMPUTE_PAGE (fl_window_get_page (window, "compute"));
  fl_window_show_demo (window, "compute");

  g_test_add_func ("/app/compute/every-mode-paints-every-tile", test_every_mode_paints_every_tile);
  g_test_add_func ("/app/compute/bad-input-is-refused", test_bad_input_is_refused);
  g_test_add_func ("/app/compute/kill-worker-heals", test_kill_worker_heals);
  g_test_add_func ("/app/compute/kill-worker-breaks-strict-pool",
                   test_kill_worker_breaks_strict_pool);
  g_test_add_func ("/app/compute/button-click-starts-threads", test_button_click_starts_threads);
  g_test_add_func ("/app/compute/cancel-all-stops-processes", test_cancel_all_stops_processes);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
