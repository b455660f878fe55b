/* test-freeze.c: the Frozen-button page freezes the loop only on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include "config.h"

#include <sched.h>
#include <time.h>

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

static gint64 main_loop_stall;   /* the 4.5 s freeze as measured, the yardstick below */

static gboolean
summary_settled (const char *before)
{
  const char *now = fl_frozen_page_get_run_summary (page);

  return now != NULL && now != before;
}

/* Runs the page on the main loop; returns the stall every view names, checked to be one. */
static FlLoopStall
freeze_once (double   seconds,
             gboolean tight)
{
  FlJankMeter *meter = fl_window_get_jank_meter (window);
  FlLoopMonitor *monitor = fl_jank_meter_get_monitor (meter);
  const char *before = fl_frozen_page_get_run_summary (page);
  g_autoptr(FlFuture) future = NULL;
  g_autofree char *figure = NULL;
  FlLoopStall in_run, shown;
  FlRun *run;
  gint64 handler;

  fl_frozen_page_set_work (page, FALSE, seconds);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "freeze", "main-loop"));
  fl_test_spin_until (run_done (), 20000);
  future = only_future ();
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_lane_kind (future), ==, FL_LANE_MAIN_LOOP);
  /* the runs list gets its row once the loop has polled again: the stall is measured */
  fl_test_spin_until (summary_settled (before), 5000);
  run = fl_page_get_run (FL_PAGE (page));

  g_assert_true (fl_loop_monitor_get_worst_stall (monitor, fl_run_get_start_time (run),
                                                  G_MAXINT64, &in_run));
  g_assert_true (fl_jank_meter_get_shown_stall (meter, &shown));
  handler = fl_future_get_finished_time (future) - fl_future_get_started_time (future);
  g_test_message ("handler %.3f s, stall %.3f s (cpu %.3f s, waiting %.3f s); meter: %s; "
                  "card: %s", handler / 1e6, in_run.duration_us / 1e6, in_run.cpu_us / 1e6,
                  in_run.waiting_us / 1e6, fl_jank_meter_get_text (meter),
                  fl_frozen_page_get_run_summary (page));
  /* the freeze is the handler's own time plus the frame it ended (4 % of a long one) */
  g_assert_cmpint (in_run.duration_us, >=, handler);
  if (tight)
    g_assert_cmpint (in_run.duration_us - handler, <, handler / 25);
  g_assert_cmpint (in_run.cause, ==, FL_STALL_HANDLER);

  /* the status line and the runs list print that very stall */
  figure = g_strdup_printf ("%.2f", in_run.duration_us / 1e6);
  g_assert_nonnull (strstr (fl_frozen_page_get_run_summary (page), figure));
  g_assert_nonnull (strstr (fl_frozen_page_get_run_summary (page), "frozen"));
  g_assert_nonnull (strstr (fl_frozen_page_get_status (page), figure));
  return shown;
}

static void
meter_classes_cb (GtkWidget  *meter,
                  GParamSpec *pspec,
                  gboolean   *was_stalled)
{
  *was_stalled |= gtk_widget_has_css_class (meter, "stalled");
}

static void
test_main_loop_freezes_and_meter_reports_it (void)
{
  FlJankMeter *meter = fl_window_get_jank_meter (window);
  gboolean was_stalled = FALSE;
  gulong handler_id = g_signal_connect (meter, "notify::css-classes",
                                        G_CALLBACK (meter_classes_cb), &was_stalled);
  FlLoopStall shown = freeze_once (4.5, TRUE);
  FlLoopStall small;

  g_signal_handler_disconnect (meter, handler_id);
  main_loop_stall = shown.duration_us;
  g_assert_cmpint (fl_jank_meter_get_last_freeze (meter), ==, shown.duration_us);
  g_assert_nonnull (strstr (fl_jank_meter_get_text (meter), "frozen"));
  /* The meter turned red for the freeze. It stays red for 4 s after the stall: on a slow
   * run (a sanitizer, a loaded machine) the run's card can take longer than that to settle,
   * so "still red" is only asserted while those 4 s last. */
  g_assert_true (was_stalled || gtk_widget_has_css_class (GTK_WIDGET (meter), "stalled"));
  if (g_get_monotonic_time () - (shown.start_us + shown.duration_us) < 3 * G_USEC_PER_SEC)
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (meter), "stalled"));

  /* A short freeze right after: its own card says its own figure, the header keeps
   * naming the longest of the period it shows, not the last. */
  small = freeze_once (0.3, FALSE);
  g_assert_cmpint (small.start_us, ==, shown.start_us);
  g_assert_cmpint (fl_jank_meter_get_last_freeze (meter), ==, main_loop_stall);
}

static void
run_alive (const char *mode,
           gboolean    busy)
{
  FlJankMeter *meter = fl_window_get_jank_meter (window);
  FlLoopMonitor *monitor = fl_jank_meter_get_monitor (meter);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gint64 frame = gdk_frame_clock_get_frame_counter (clock);
  gint64 started;
  gint64 worst = 0;
  g_autoptr(FlFuture) future = NULL;
  FlLoopStall stall;

  if (main_loop_stall == 0)
    test_main_loop_freezes_and_meter_reports_it ();
  /* Let a previous freeze's late frame be counted before this run is measured. */
  fl_test_spin_until (gdk_frame_clock_get_frame_counter (clock) >= frame + 2, 5000);
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
  g_test_message ("%s: worst lateness %.1f ms; the main-loop run stalled %.1f ms", mode,
                  worst / 1e3, main_loop_stall / 1e3);
  /* The lesson as a ratio measured here: the loop stayed at least ten times livelier than
   * when the handler ran on it. A busy machine may make it late; never the handler. */
  g_assert_cmpint (worst, <, main_loop_stall / 10);
  if (fl_loop_monitor_get_worst_stall (monitor, started, G_MAXINT64, &stall))
    g_test_message ("%s: a stall of %.1f ms (cpu %.1f ms, waiting %.1f ms) %s", mode,
                    stall.duration_us / 1e3, stall.cpu_us / 1e3, stall.waiting_us / 1e3,
                    stall.cause == FL_STALL_HANDLER ? "handler" : "machine busy");
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

/* ------------------------------------------- a meter of its own, in a window of its own */

typedef struct
{
  GtkWindow     *window;
  FlJankMeter   *meter;
  FlLoopMonitor *monitor;
} Standalone;

static void
standalone_open (Standalone *st)
{
  st->monitor = fl_loop_monitor_new (NULL, 0);
  fl_loop_monitor_start (st->monitor);
  st->meter = FL_JANK_METER (fl_jank_meter_new ());
  fl_jank_meter_set_monitor (st->meter, st->monitor);
  st->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (st->window, GTK_WIDGET (st->meter));
  gtk_window_present (st->window);
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (st->meter)), 5000);
}

static void
standalone_close (Standalone *st)
{
  gtk_window_destroy (st->window);
  fl_loop_monitor_stop (st->monitor);
  g_clear_object (&st->monitor);
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Frames the meter's window draws while the loop turns for @ms. */
static gint64
frames_during (Standalone *st,
               guint       ms)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (st->window));
  gint64 before = gdk_frame_clock_get_frame_counter (clock);
  gboolean fired = FALSE;

  g_timeout_add (ms, flag_cb, &fired);
  while (!fired)
    g_main_context_iteration (NULL, TRUE);
  return gdk_frame_clock_get_frame_counter (clock) - before;
}

static void
test_idle_meter_asks_for_no_frames (void)
{
  Standalone st;
  gint64 idle, held;

  standalone_open (&st);
  /* the window's first frames are history: nothing late is left to show */
  frames_during (&st, 300);
  fl_loop_monitor_reset (st.monitor);
  fl_test_spin_until (!fl_jank_meter_get_refreshing (st.meter), 5000);
  frames_during (&st, 100);   /* the last refresh's frame */
  idle = frames_during (&st, 1500);

  /* while a run holds the monitor, the sparkline scrolls */
  fl_loop_monitor_hold (st.monitor);
  g_assert_true (fl_jank_meter_get_refreshing (st.meter));
  held = frames_during (&st, 1500);
  fl_loop_monitor_release (st.monitor);
  g_test_message ("meter window: %" G_GINT64_FORMAT " frames idle, %" G_GINT64_FORMAT
                  " while held", idle, held);
  /* (a late moment of the loop may ask for a frame at idle: a busy machine makes some) */
  g_assert_cmpint (held, >=, 3);
  g_assert_cmpint (idle * 3, <=, held);
  standalone_close (&st);
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
short_work_cb (gpointer data)
{
  gint64 until = thread_cpu_us () + 30 * 1000;

  /* 30 ms of CPU work: a hiccup on an idle machine, a stall behind five busy threads */
  while (thread_cpu_us () < until)
    ;
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

#define N_HOGS 5

static void
test_cpu_hog_shows_machine_busy (void)
{
  Standalone st;
  cpu_set_t saved, one;
  FlTestHogs hogs;
  int cpu = -1;
  gboolean done = FALSE;
  FlLoopStall stall;

  standalone_open (&st);
  g_assert_cmpint (sched_getaffinity (0, sizeof saved, &saved), ==, 0);
  for (int i = 0; i < CPU_SETSIZE && cpu < 0; i++)
    if (CPU_ISSET (i, &saved))
      cpu = i;

  /* The main thread and five busy threads share one CPU: a short handler takes long. */
  CPU_ZERO (&one);
  CPU_SET (cpu, &one);
  g_assert_cmpint (sched_setaffinity (0, sizeof one, &one), ==, 0);
  fl_test_hogs_start (&hogs, cpu, N_HOGS);
  g_idle_add (short_work_cb, &done);
  fl_test_spin_until (done, 10000);
  fl_test_hogs_stop (&hogs);
  g_assert_cmpint (sched_setaffinity (0, sizeof saved, &saved), ==, 0);

  fl_test_spin_until (fl_jank_meter_get_shown_stall (st.meter, &stall), 5000);
  g_test_message ("%s (stall %.0f ms, cpu %.0f ms, waiting %.0f ms)",
                  fl_jank_meter_get_text (st.meter), stall.duration_us / 1e3,
                  stall.cpu_us / 1e3, stall.waiting_us / 1e3);
  g_assert_cmpint (stall.cause, ==, FL_STALL_MACHINE_BUSY);
  g_assert_nonnull (strstr (fl_jank_meter_get_text (st.meter), "machine busy"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (st.meter), "machine-busy"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (st.meter), "stalled"));
  standalone_close (&st);
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
  g_test_add_func ("/app/freeze/idle-meter-asks-for-no-frames", test_idle_meter_asks_for_no_frames);
  g_test_add_func ("/app/freeze/cpu-hog-shows-machine-busy", test_cpu_hog_shows_machine_busy);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
