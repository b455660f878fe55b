/* test-python.c: a page's lesson run in Python under the tracer, beside the C run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-export.h"
#include "fl-flags-page.h"

static FlWindow *window;
static FlPage *page;

static gboolean
c_run_done (void)
{
  FlRun *run = fl_page_get_run (page);

  return run != NULL && fl_run_is_complete (run);
}

static gboolean
python_done (void)
{
  FlRun *run = fl_page_get_python_run (page);

  return run != NULL && fl_run_is_complete (run);
}

static gboolean
have_python (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");

  return python != NULL;
}

/* The Flags page's C thread pool, then its Python version: one timeline shows the Python
 * run live with the C run as a ghost on the same axis, and the list shows the Python
 * futures, every one ended once. */
static void
test_python_beside_c (void)
{
  FlTimeline *timeline;
  FlSpans *python, *ghost;
  FlTally tally;
  g_autoptr(GError) error = NULL;
  guint threads = 0;

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  fl_window_show_demo (window, "flags");
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (c_run_done (), 30000);

  g_assert_true (fl_page_run_python (page, &error));
  g_assert_no_error (error);
  fl_test_spin_until (python_done (), 60000);

  fl_run_get_tally (fl_page_get_python_run (page), &tally);
  g_test_message ("%s", fl_page_get_python_status (page));
  g_assert_cmpuint (tally.total, ==, 20);
  g_assert_cmpuint (tally.done, ==, tally.total);
  g_assert_cmpuint (tally.ok + tally.not_found + tally.failed + tally.cancelled, ==, tally.done);
  g_assert_cmpint (fl_python_run_get_status (fl_page_get_python (page)), ==, 0);

  timeline = fl_export_find_timeline (GTK_WIDGET (page));
  python = fl_timeline_get_spans (timeline);
  ghost = fl_timeline_get_ghost (timeline);
  g_assert_true (python == fl_run_get_spans (fl_page_get_python_run (page)));
  g_assert_true (ghost == fl_run_get_spans (fl_page_get_run (page)));
  for (guint i = 0; i < fl_spans_get_n_spans (python); i++)
    {
      const FlSpan *span = fl_spans_get (python, i);

      if (span->kind == FL_SPAN_FUTURE && span->lane_kind == FL_LANE_THREAD)
        threads++;
      /* Python's clock is the app's: its futures start after the C run's origin */
      g_assert_cmpint (span->queued, >=, 0);
    }
  g_assert_cmpuint (threads, >=, 1);
  g_assert_nonnull (strstr (fl_page_get_python_status (page), "exited normally"));
}

/* Stop ends the program (its whole process group) and what it did so far stays shown. */
static void
test_python_stop (void)
{
  g_autoptr(GError) error = NULL;
  FlPage *anatomy;

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  fl_window_show_demo (window, "anatomy");
  anatomy = fl_window_get_visible_page (window);
  g_assert_true (fl_page_run_python (anatomy, &error));
  g_assert_no_error (error);
  fl_test_spin_until (fl_python_run_tracer_started (fl_page_get_python (anatomy)), 30000);
  fl_page_stop_python (anatomy);
  fl_test_spin_until (fl_run_is_complete (fl_page_get_python_run (anatomy)), 30000);
  g_assert_false (fl_python_run_is_running (fl_page_get_python (anatomy)));
  g_assert_cmpint (fl_python_run_get_signal (fl_page_get_python (anatomy)), !=, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = fl_window_get_page (window, "flags");
  fl_flags_page_set_server (FL_FLAGS_PAGE (page), FL_FLAGS_SERVER_CUSTOM, "0ms", "0%", NULL);

  g_test_add_func ("/app/python/flags-beside-c", test_python_beside_c);
  g_test_add_func ("/app/python/stop-ends-the-program", test_python_stop);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
