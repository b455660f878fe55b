/* test-python.c: a page's lesson run in Python under the tracer, beside the C run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-export.h"
#include "fl-compute-page.h"
#include "fl-compute-python.h"
#include "fl-flags-page.h"
#include "fl-script-page.h"

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
/* The button labelled @label under @root. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

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

/* The Python version does the page's work: its codes, from its server with its delay, as
 * many at once as its workers; even when no C run came first to configure the server. */
static void
test_python_does_the_pages_work (void)
{
  g_autoptr(GError) error = NULL;
  FlSpans *spans;
  FlTally tally;
  double delay_min, delay_max;
  gint64 shortest = G_MAXINT64;

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  fl_window_show_demo (window, "flags");
  fl_flags_page_set_codes (FL_FLAGS_PAGE (page), FL_FLAGS_CODES_CUSTOM, "CN IN US BR", 0);
  fl_flags_page_set_workers (FL_FLAGS_PAGE (page), 2);
  fl_flags_page_set_server (FL_FLAGS_PAGE (page), FL_FLAGS_SERVER_CUSTOM, "300ms", "0%", NULL);
  g_assert_true (fl_flags_page_get_server_delay (FL_FLAGS_PAGE (page), &delay_min, &delay_max));
  g_assert_cmpfloat (delay_min, >, 0.2);
  g_assert_true (fl_page_run_python (page, &error));
  g_assert_no_error (error);
  fl_test_spin_until (python_done (), 60000);

  fl_run_get_tally (fl_page_get_python_run (page), &tally);
  g_test_message ("%s", fl_page_get_python_status (page));
  g_assert_cmpuint (tally.total, ==, 4);
  g_assert_cmpuint (tally.ok, ==, 4);
  spans = fl_run_get_spans (fl_page_get_python_run (page));
  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);

      if (span->kind == FL_SPAN_FUTURE)
        shortest = MIN (shortest, span->finished - span->started);
    }
  /* The server sleeps its delay before it answers: no download can be shorter. */
  g_assert_cmpint (shortest, >=, (gint64) (delay_min * G_USEC_PER_SEC));
  fl_flags_page_set_codes (FL_FLAGS_PAGE (page), FL_FLAGS_CODES_POPULOUS, NULL, 0);
  fl_flags_page_set_workers (FL_FLAGS_PAGE (page), 20);
}

/* A producer/consumer over queue.Queue has no futures: its threads' blocked put() and
 * get() calls are marks on their lanes (the short ones and the executors' own threads
 * are left out). */
static void
test_python_queue_waits_are_marks (void)
{
  const char *argv[] = { "python3", "producer_consumer.py", NULL };
  g_autoptr(FlPythonRun) python = fl_python_run_new (argv, NULL, 0);
  g_autoptr(FlSpans) spans = NULL;
  guint marks = 0;
  const char *lines[] = {
    "{\"ev\":\"thread-begin\",\"t\":1000000,\"name\":\"producer-0\",\"lane\":0,\"tid\":11}",
    "{\"ev\":\"thread-begin\",\"t\":1000000,\"name\":\"ThreadPoolExecutor-0_0\",\"lane\":1,\"tid\":12}",
    "{\"ev\":\"put\",\"t\":2000000,\"dur\":5000000,\"queue\":1,\"size\":4,\"ok\":true,\"tid\":11}",
    "{\"ev\":\"put\",\"t\":8000000,\"dur\":20000,\"queue\":1,\"size\":4,\"ok\":true,\"tid\":11}",
    "{\"ev\":\"get\",\"t\":2000000,\"dur\":5000000,\"queue\":1,\"size\":0,\"ok\":true,\"tid\":12}",
    "{\"ev\":\"thread-end\",\"t\":9000000,\"name\":\"producer-0\",\"lane\":0,\"tid\":11}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    fl_python_run_fold_line (python, lines[i]);
  spans = fl_spans_new (fl_python_run_get_trace (python));
  fl_spans_update (spans);
  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);

      g_assert_cmpint (span->kind, ==, FL_SPAN_MARK);
      g_assert_cmpint (span->lane_kind, ==, FL_LANE_THREAD);
      g_assert_cmpint (span->lane, ==, 0);
      g_assert_cmpint (span->finished - span->started, ==, 5000);
      marks++;
    }
  g_assert_cmpuint (marks, ==, 1);
  g_assert_cmpuint (fl_python_run_get_n_threads (python), ==, 2);
}

/* The Compute page's Python version puts CPython's own measured times on the speed-up
 * chart: sequential, threads (one GIL) and processes, each speed-up the program's
 * sequential time over its own. */
static void
test_python_compute_measures_the_gil (void)
{
  FlPage *compute = fl_window_get_page (window, "compute");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;
  double seq, threads, procs;
  guint before;

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  g_assert_true (fl_compute_python_parse_timings ("4 jobs\nsequential:   1.50 s   (x)\n"
                                                  "   threads:   1.60 s\n processes:   0.80 s\n",
                                                  &seq, &threads, &procs));
  g_assert_cmpfloat (seq, ==, 1.5);
  g_assert_cmpfloat (procs, ==, 0.8);
  g_assert_false (fl_compute_python_parse_timings ("sequential: 1.5 s\nTraceback", &seq,
                                                   &threads, &procs));

  fl_window_show_demo (window, "compute");
  before = fl_compute_page_get_n_chart_runs (FL_COMPUTE_PAGE (compute));
  g_assert_true (fl_page_run_python (compute, &error));
  g_assert_no_error (error);
  fl_test_spin_until (!fl_python_run_is_running (fl_page_get_python (compute))
                      && fl_run_is_complete (fl_page_get_python_run (compute)), 120000);
  g_test_message ("%s", fl_page_get_python_status (compute));
  gtk_text_buffer_get_bounds (fl_page_get_python_output (compute), &start, &end);
  text = gtk_text_buffer_get_text (fl_page_get_python_output (compute), &start, &end, FALSE);
  g_assert_true (fl_compute_python_parse_timings (text, &seq, &threads, &procs));
  g_assert_cmpuint (fl_compute_page_get_n_chart_runs (FL_COMPUTE_PAGE (compute)), ==, before + 3);
  g_assert_cmpfloat_with_epsilon (fl_compute_page_get_speedup (FL_COMPUTE_PAGE (compute),
                                                               before + 1),
                                  seq / threads, 1e-9);
  g_assert_cmpfloat_with_epsilon (fl_compute_page_get_speedup (FL_COMPUTE_PAGE (compute),
                                                               before + 2),
                                  seq / procs, 1e-9);
  g_test_message ("CPython: threads x%.2f, processes x%.2f", seq / threads, seq / procs);
  /* the page's status line tells the same figures, not the C runs' story */
  {
    g_autofree char *want = g_strdup_printf ("processes ×%.2f", seq / procs);

    g_assert_true (g_str_has_prefix (fl_compute_page_get_status (FL_COMPUTE_PAGE (compute)),
                                     "CPython: sequential"));
    g_assert_nonnull (strstr (fl_compute_page_get_status (FL_COMPUTE_PAGE (compute)), want));
  }
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

static char *
write_script (const char *name,
              const char *text)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-script-XXXXXX", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static FlScriptPage *
show_script (const char *path,
             const char *arguments)
{
  FlScriptPage *script;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  fl_window_show_demo (window, "script");
  script = FL_SCRIPT_PAGE (fl_window_get_visible_page (window));
  fl_script_page_set_script (script, file);
  fl_script_page_set_arguments (script, arguments);
  return script;
}

/* "Your script": a student's own thread pool, traced live in the page's list; its output
 * and its counts agree with what it printed. */
static void
test_script_page_runs_a_pool (void)
{
  g_autofree char *path = NULL;
  FlScriptPage *script;
  FlTally tally;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  GtkTextIter start, end;

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  path = write_script ("pool.py",
                       "import concurrent.futures as cf, time, sys\n"
                       "def work(n):\n"
                       "    time.sleep(0.01 * (n % 4))\n"
                       "    if n == 5:\n"
                       "        raise ValueError('five')\n"
                       "    return n * n\n"
                       "with cf.ThreadPoolExecutor(int(sys.argv[1])) as ex:\n"
                       "    futs = [ex.submit(work, i) for i in range(12)]\n"
                       "    print('ok', sum(1 for f in futs if f.exception() is None))\n");
  script = show_script (path, "4");
  g_assert_true (fl_page_start_run (FL_PAGE (script), "run", &error));
  g_assert_no_error (error);
  fl_test_spin_until (fl_run_is_complete (fl_script_page_get_run (script)), 60000);
  fl_run_get_tally (fl_script_page_get_run (script), &tally);
  g_assert_cmpuint (tally.total, ==, 12);
  g_assert_cmpuint (tally.ok, ==, 11);
  g_assert_cmpuint (tally.failed, ==, 1);
  gtk_text_buffer_get_bounds (fl_script_page_get_output (script), &start, &end);
  output = gtk_text_buffer_get_text (fl_script_page_get_output (script), &start, &end, FALSE);
  g_assert_nonnull (strstr (output, "ok 11"));
  g_assert_nonnull (strstr (fl_script_page_get_status (script), "exited normally"));
  /* the script has ended: Stop is not red (it was, idle, on every Your script page) */
  fl_test_spin_until (!fl_python_run_is_running (fl_script_page_get_python (script)), 30000);
  {
    GtkWidget *stop = find_button (GTK_WIDGET (script), "_Stop");

    g_assert_nonnull (stop);
    g_assert_false (gtk_widget_get_sensitive (stop));
    g_assert_false (gtk_widget_has_css_class (stop, "destructive-action"));
  }
  g_assert_cmpuint (g_list_model_get_n_items (fl_futures_list_get_model (
    FL_FUTURES_LIST (fl_test_find_type (GTK_WIDGET (script), FL_TYPE_FUTURES_LIST)))), ==, 12);
}

/* Bad input gets a clear message and the app lives: not Python, a traceback, no file. */
static void
test_script_page_bad_input (void)
{
  g_autofree char *not_python = NULL;
  g_autofree char *failing = NULL;
  g_autoptr(GError) error = NULL;
  FlScriptPage *script;
  g_autofree char *output = NULL;
  GtkTextIter start, end;

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  fl_window_show_demo (window, "script");
  script = FL_SCRIPT_PAGE (fl_window_get_visible_page (window));
  fl_script_page_set_script (script, NULL);
  g_assert_false (fl_page_start_run (FL_PAGE (script), "run", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  not_python = write_script ("notes.py", "this is not ( python\n");
  script = show_script (not_python, "");
  g_assert_true (fl_page_start_run (FL_PAGE (script), "run", &error));
  fl_test_spin_until (fl_run_is_complete (fl_script_page_get_run (script)), 30000);
  g_assert_cmpint (fl_python_run_get_status (fl_script_page_get_python (script)), !=, 0);
  gtk_text_buffer_get_bounds (fl_script_page_get_output (script), &start, &end);
  output = gtk_text_buffer_get_text (fl_script_page_get_output (script), &start, &end, FALSE);
  g_assert_nonnull (strstr (output, "SyntaxError"));

  failing = write_script ("fails.py", "raise RuntimeError('broken on purpose')\n");
  script = show_script (failing, "");
  g_assert_true (fl_page_start_run (FL_PAGE (script), "run", &error));
  fl_test_spin_until (fl_run_is_complete (fl_script_page_get_run (script)), 30000);
  g_assert_cmpint (fl_python_run_get_status (fl_script_page_get_python (script)), ==, 1);
  g_assert_nonnull (strstr (fl_script_page_get_status (script), "broken on purpose"));
}

/* A script that never ends: Stop ends it and every process it forked. */
static void
test_script_page_stop_ends_the_group (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  FlScriptPage *script;

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  path = write_script ("forever.py",
                       "import os, time\n"
                       "for _ in range(5):\n"
                       "    if os.fork() == 0:\n"
                       "        time.sleep(3600)\n"
                       "        os._exit(0)\n"
                       "print('forked', flush=True)\n"
                       "time.sleep(3600)\n");
  script = show_script (path, "");
  g_assert_true (fl_page_start_run (FL_PAGE (script), "run", &error));
  fl_test_spin_until (fl_python_run_tracer_started (fl_script_page_get_python (script)), 30000);
  fl_page_cancel_run (FL_PAGE (script));
  fl_test_spin_until (fl_run_is_complete (fl_script_page_get_run (script)), 30000);
  g_assert_cmpint (fl_python_run_get_signal (fl_script_page_get_python (script)), !=, 0);
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
  g_test_add_func ("/app/python/does-the-pages-work", test_python_does_the_pages_work);
  g_test_add_func ("/app/python/queue-waits-are-marks", test_python_queue_waits_are_marks);
  g_test_add_func ("/app/python/compute-measures-the-gil", test_python_compute_measures_the_gil);
  g_test_add_func ("/app/python/stop-ends-the-program", test_python_stop);
  g_test_add_func ("/app/script/runs-a-pool", test_script_page_runs_a_pool);
  g_test_add_func ("/app/script/bad-input-is-said", test_script_page_bad_input);
  g_test_add_func ("/app/script/stop-ends-the-group", test_script_page_stop_ends_the_group);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
