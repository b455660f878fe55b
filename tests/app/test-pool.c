/* test-pool.c: the Flags page's process pool stays warm and never freezes the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-flags-page.h"
#include "fl-jank-meter.h"
#include "futures-lab-tasks.h"

#define N_WORKERS 20

static FlWindow *window;
static FlFlagsPage *page;

static gboolean
run_done (void)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  return run != NULL && fl_run_is_complete (run);
}

/* Runs the page in @mode and returns the worst lateness of the main loop during the run
 * that its own handlers caused (a CPU held by other programs is not the app's doing). */
static gint64
run_and_measure (FlLoopMonitor *monitor,
                 const char    *mode,
                 double        *elapsed_s)
{
  gint64 start = g_get_monotonic_time (), worst = 0, worst_total = 0;
  g_autoptr(GArray) samples = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", mode));
  g_assert_cmpstr (fl_run_get_mode (fl_page_get_run (FL_PAGE (page))), ==, mode);
  fl_test_spin_until (run_done (), 30000);
  *elapsed_s = (g_get_monotonic_time () - start) / 1e6;
  samples = fl_loop_monitor_get_samples (monitor, start);
  for (guint i = 0; i < samples->len; i++)
    {
      const FlLoopSample *s = &g_array_index (samples, FlLoopSample, i);

      worst = MAX (worst, s->lateness_us - s->waiting_us);
      worst_total = MAX (worst_total, s->lateness_us);
    }
  g_test_message ("%s run: %.2f s, worst lateness %.1f ms, of the loop's own %.1f ms "
                  "(%u samples)", mode, *elapsed_s, worst_total / 1000.0, worst / 1000.0,
                  samples->len);
  return worst;
}

static void
get_pids (FlExecutor *pool,
          int        *pids)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (pool),
                                                 10 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_WORKERS; i++)
    {
      pids[i] = fl_process_executor_get_worker_pid (FL_PROCESS_EXECUTOR (pool), i);
      g_assert_cmpint (pids[i], >, 0);
    }
}

/* The second process run borrows the first one's workers (same pids: nothing respawned),
 * and while it runs the window's main loop is never held up long: its worst lateness is a
 * small fraction of the run's time. */
static void
test_warm_pool (void)
{
  FlLoopMonitor *monitor = fl_jank_meter_get_monitor (fl_window_get_jank_meter (window));
  FlExecutor *pool;
  int first[N_WORKERS], second[N_WORKERS];
  double elapsed = 0, threads_elapsed = 0;
  gint64 worst, threads_worst;

  fl_flags_page_set_codes (page, FL_FLAGS_CODES_PAIRS, "", 200);
  fl_flags_page_set_workers (page, N_WORKERS);
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "100ms", "0%", "");
  fl_loop_monitor_hold (monitor);

  /* the reference: the same downloads on threads, where nothing is spawned */
  run_and_measure (monitor, "threads", &threads_elapsed);
  threads_worst = run_and_measure (monitor, "threads", &threads_elapsed);

  run_and_measure (monitor, "processes", &elapsed);
  pool = fl_flags_page_get_process_pool (page);
  g_assert_nonnull (pool);
  get_pids (pool, first);

  worst = run_and_measure (monitor, "processes", &elapsed);
  g_assert_true (fl_flags_page_get_process_pool (page) == pool);
  g_assert_true (fl_run_get_executor (fl_page_get_run (FL_PAGE (page))) == pool);
  get_pids (pool, second);
  for (guint i = 0; i < N_WORKERS; i++)
    g_assert_cmpint (first[i], ==, second[i]);

  /* A warm pool holds the loop up no longer than the thread pool does for the same work
   * (with a margin of a twentieth of the run); a pool spawned per run froze the window for
   * most of a second. */
  g_assert_cmpfloat (worst / 1e6, <, 3 * threads_worst / 1e6 + elapsed / 20);

  /* Another size replaces the pool; the page never keeps two. */
  fl_flags_page_set_workers (page, 4);
  run_and_measure (monitor, "processes", &elapsed);
  g_assert_true (fl_flags_page_get_process_pool (page) != pool);
  g_assert_cmpint (fl_executor_get_max_workers (fl_flags_page_get_process_pool (page)), ==, 4);
  fl_loop_monitor_release (monitor);
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));
  g_assert_true (fl_window_show_demo (window, "flags"));
  g_test_add_func ("/app/pool/second-process-run-reuses-workers-loop-free", test_warm_pool);
  status = g_test_run ();
  fl_test_app_stop ();
  return status;
}
