/* test-anatomy-page.c: the Future anatomy page, driven through its actions and buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-anatomy-page.h"
#include "fl-app-test.h"

static FlWindow *window;
static FlAnatomyPage *page;

static void
run (const char *mode)
{
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "anatomy", mode));
}

/* Clicks the page's button for @mode, as a person would. */
static void
click (const char *mode)
{
  GtkWidget *button = fl_test_find_action_button (GTK_WIDGET (page), "page.run", mode);
  guint n_log = fl_anatomy_page_get_n_log (page);

  g_assert_nonnull (button);
  fl_test_spin_until (gtk_widget_get_mapped (button), 5000);
  gtk_widget_activate (button);
  fl_test_spin_until (fl_anatomy_page_get_n_log (page) > n_log, 5000);
}

/* result() and exception() log the call at once and the helper's answer when it comes
 * back; an answer that is ready at once may be logged within the call itself. */
static void
blocking_call (const char *mode,
               gboolean    by_click,
               guint       timeout_ms)
{
  guint n_log = fl_anatomy_page_get_n_log (page);

  if (by_click)
    click (mode);
  else
    run (mode);
  fl_test_spin_until (fl_anatomy_page_get_n_log (page) >= n_log + 2, timeout_ms);
}

static FlFutureState
current_state (void)
{
  return fl_future_get_state (fl_anatomy_page_get_current (page));
}

static gboolean
log_says (const char *text)
{
  const char *last = fl_anatomy_page_get_last_log (page);

  return last != NULL && strstr (last, text) != NULL;
}

static void
assert_path (const char *expected)
{
  g_autofree char *path = NULL;

  /* notify::state reaches the diagram through the dispatcher, on the main loop */
  fl_test_spin_until (fl_state_diagram_get_state (fl_anatomy_page_get_diagram (page))
                      == current_state (), 5000);
  path = fl_state_diagram_dup_path (fl_anatomy_page_get_diagram (page));
  g_assert_cmpstr (path, ==, expected);
}

static void
test_cancel_return_values (void)
{
  FlFuture *first;

  gtk_widget_activate_action (GTK_WIDGET (page), "anatomy.clear", NULL);
  fl_anatomy_page_set_job (page, 3.0, FALSE, 2.0);

  /* Running: cancel() says FALSE, request_cancel() stops the sleep job */
  click ("submit");
  first = fl_anatomy_page_get_current (page);
  fl_test_spin_until (current_state () == FL_FUTURE_RUNNING, 5000);
  click ("cancel");
  g_assert_cmpint (fl_anatomy_page_get_last_cancel (page), ==, 0);
  g_assert_true (log_says ("cancel() returned FALSE: the job is already running"));
  g_assert_cmpint (current_state (), ==, FL_FUTURE_RUNNING);
  run ("request-cancel");
  fl_test_spin_until (current_state () == FL_FUTURE_CANCELLED, 5000);
  assert_path ("pending → running → cancelled");

  /* Done: FALSE again */
  fl_anatomy_page_set_job (page, 0.2, FALSE, 2.0);
  run ("submit");
  g_assert_true (fl_anatomy_page_get_current (page) != first);
  fl_test_spin_until (current_state () == FL_FUTURE_FINISHED, 5000);
  assert_path ("pending → running → finished");
  run ("cancel");
  g_assert_cmpint (fl_anatomy_page_get_last_cancel (page), ==, 0);
  g_assert_true (log_says ("already done"));

  /* Pending behind the pool's only worker: TRUE, and it never runs */
  fl_anatomy_page_set_job (page, 3.0, FALSE, 2.0);
  run ("submit");
  run ("submit");
  g_assert_cmpint (current_state (), ==, FL_FUTURE_PENDING);
  click ("cancel");
  g_assert_cmpint (fl_anatomy_page_get_last_cancel (page), ==, 1);
  g_assert_true (log_says ("cancel() returned TRUE"));
  assert_path ("pending → cancelled");
  g_assert_cmpint (fl_future_get_started_time (fl_anatomy_page_get_current (page)), ==, 0);
  /* Cancelled already: still TRUE */
  run ("cancel");
  g_assert_cmpint (fl_anatomy_page_get_last_cancel (page), ==, 1);
  g_assert_true (log_says ("already cancelled"));
}

static void
test_result_and_exception_from_helper_thread (void)
{
  gtk_widget_activate_action (GTK_WIDGET (page), "anatomy.clear", NULL);

  /* result(0.2 s) on a 1 s job: the helper thread times out */
  fl_anatomy_page_set_job (page, 1.0, FALSE, 0.2);
  run ("submit");
  blocking_call ("result", TRUE, 5000);
  g_assert_true (log_says ("raised TimeoutError"));
  g_assert_cmpint (current_state (), !=, FL_FUTURE_FAILED);

  /* result(5 s): the value */
  fl_anatomy_page_set_job (page, 1.0, FALSE, 5.0);
  blocking_call ("result", FALSE, 8000);
  g_assert_true (log_says ("returned uint32 1000") || log_says ("returned 1000"));

  /* exception(5 s) of a job that fails: the job's error, returned, not raised */
  fl_anatomy_page_set_job (page, 0.2, TRUE, 5.0);
  run ("submit");
  blocking_call ("exception", TRUE, 8000);
  g_assert_true (log_says ("exception(timeout=5.0 s) returned ValueError"));
  g_assert_cmpint (current_state (), ==, FL_FUTURE_FAILED);
  assert_path ("pending → running → failed");

  /* result() of the same: raises the job's error */
  blocking_call ("result", FALSE, 8000);
  g_assert_true (log_says ("raised ValueError"));
}

static void
test_done_callback_runs_on_main_thread (void)
{
  gtk_widget_activate_action (GTK_WIDGET (page), "anatomy.clear", NULL);
  /* long enough to be still running when the callback is added, even under sanitizers */
  fl_anatomy_page_set_job (page, 2.5, FALSE, 2.0);
  run ("submit");
  click ("add-done-callback");
  g_assert_true (log_says ("added callback 1"));
  fl_test_spin_until (log_says ("Done callback 1 ran on the main thread"), 8000);

  /* added to a done future, it runs at once */
  run ("add-done-callback");
  g_assert_true (log_says ("Done callback 2 ran at once, on the main thread"));
}

static void
test_deadlock_ends_by_itself (void)
{
  FlFuture *outer;
  const GError *error;

  gtk_widget_activate_action (GTK_WIDGET (page), "anatomy.clear", NULL);
  fl_anatomy_page_set_job (page, 1.0, FALSE, 0.8);
  click ("deadlock");
  outer = fl_anatomy_page_get_current (page);
  fl_test_spin_until (fl_anatomy_page_get_deadlock_done (page), 10000);
  g_assert_cmpint (fl_future_get_state (outer), ==, FL_FUTURE_FAILED);
  error = fl_future_peek_error (outer);
  g_assert_error ((GError *) error, FL_ERROR, FL_ERROR_TIMEOUT);
  g_assert_true (log_says ("only started once the outer job had given up"));
  assert_path ("pending → running → failed");
}

static void
pause_or_resume (void)
{
  /* What Space does (the window's key controller activates page.pause) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.pause", NULL));
}

static void
step (void)
{
  /* What → does */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.step", NULL));
}

static gboolean
gate_status_says (const char *text)
{
  const char *status = fl_page_get_gate_status (FL_PAGE (page));

  return status != NULL && strstr (status, text) != NULL;
}

/* The lesson: Pause keeps new jobs from starting (the running one finishes; queued
 * ones stay PENDING, so cancel() still succeeds on them); Step lets exactly one
 * transition through; Resume runs the rest. */
static void
test_pause_keeps_new_jobs_pending (void)
{
  g_autoptr(FlFuture) first = NULL;
  g_autoptr(FlFuture) second = NULL;
  g_autoptr(FlFuture) third = NULL;

  gtk_widget_activate_action (GTK_WIDGET (page), "anatomy.clear", NULL);
  g_assert_false (fl_page_can_pause (FL_PAGE (page)));   /* nothing live yet */

  fl_anatomy_page_set_job (page, 1.5, FALSE, 2.0);
  click ("submit");
  first = g_object_ref (fl_anatomy_page_get_current (page));
  g_assert_true (fl_page_can_pause (FL_PAGE (page)));
  fl_test_spin_until (current_state () == FL_FUTURE_RUNNING, 5000);
  pause_or_resume ();
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));

  /* Paused: two more submits both stay PENDING, in the diagram too */
  fl_anatomy_page_set_job (page, 0.4, FALSE, 2.0);
  click ("submit");
  second = g_object_ref (fl_anatomy_page_get_current (page));
  g_assert_true (log_says ("paused"));
  fl_anatomy_page_set_job (page, 0.3, FALSE, 2.0);
  click ("submit");
  third = g_object_ref (fl_anatomy_page_get_current (page));
  g_assert_cmpint (fl_future_get_state (second), ==, FL_FUTURE_PENDING);
  g_assert_cmpint (fl_future_get_state (third), ==, FL_FUTURE_PENDING);
  assert_path ("pending");

  /* cancel() on the last one: TRUE, and it never runs */
  click ("cancel");
  g_assert_cmpint (fl_anatomy_page_get_last_cancel (page), ==, 1);
  g_assert_cmpint (fl_future_get_state (third), ==, FL_FUTURE_CANCELLED);
  assert_path ("pending → cancelled");
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));   /* two futures still live */

  /* One step: the first job's end goes through (held, or the next to arrive), and only
   * that: the second stays PENDING, its start held at the gate */
  step ();
  fl_test_spin_until (fl_future_get_state (first) == FL_FUTURE_FINISHED, 8000);
  fl_test_spin_until (gate_status_says ("finished sleep 1.5 s"), 5000);
  g_assert_cmpint (fl_future_get_state (second), ==, FL_FUTURE_PENDING);
  g_assert_cmpint (fl_future_get_started_time (second), ==, 0);
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));

  /* The next step: the second one starts, and its end is held in turn */
  step ();
  fl_test_spin_until (fl_future_get_state (second) == FL_FUTURE_RUNNING, 5000);
  fl_test_spin_until (gate_status_says ("started sleep 0.4 s"), 5000);
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));

  /* Resume: the rest runs; all done, the page lets go of its gate */
  pause_or_resume ();
  g_assert_false (fl_page_is_paused (FL_PAGE (page)));
  fl_test_spin_until (fl_future_get_state (second) == FL_FUTURE_FINISHED, 5000);
  fl_test_spin_until (!fl_page_can_pause (FL_PAGE (page)), 5000);
  g_assert_cmpint (fl_future_get_state (third), ==, FL_FUTURE_CANCELLED);
  g_assert_cmpint (fl_future_get_started_time (third), ==, 0);

  /* A new submit: live again, and it runs at once (the gate was opened) */
  fl_anatomy_page_set_job (page, 0.2, FALSE, 2.0);
  click ("submit");
  g_assert_true (fl_page_can_pause (FL_PAGE (page)));
  g_assert_false (fl_page_is_paused (FL_PAGE (page)));
  fl_test_spin_until (current_state () == FL_FUTURE_FINISHED, 5000);
  fl_test_spin_until (!fl_page_can_pause (FL_PAGE (page)), 5000);
}

/* A result() wait on a held future times out while paused: the helpers are not gated. */
static void
test_result_times_out_while_paused (void)
{
  gtk_widget_activate_action (GTK_WIDGET (page), "anatomy.clear", NULL);
  fl_anatomy_page_set_job (page, 1.0, FALSE, 0.2);
  run ("submit");
  fl_test_spin_until (current_state () == FL_FUTURE_RUNNING, 5000);
  pause_or_resume ();
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));
  run ("submit");
  g_assert_cmpint (current_state (), ==, FL_FUTURE_PENDING);
  blocking_call ("result", FALSE, 5000);
  g_assert_true (log_says ("raised TimeoutError"));
  g_assert_cmpint (current_state (), ==, FL_FUTURE_PENDING);
  pause_or_resume ();
  fl_test_spin_until (current_state () == FL_FUTURE_FINISHED, 8000);
  fl_test_spin_until (!fl_page_can_pause (FL_PAGE (page)), 5000);
}

static gboolean
have_python (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");

  return python != NULL;
}

static const char *
current_text (void)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (page), FL_TYPE_ANATOMY_PAGE,
                                                  "current_label");

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* After the page's Python run, the top shows the Python program's futures, not "No
 * future yet"; a submit of the page's own puts the page's future back. */
static void
test_python_run_fills_the_top (void)
{
  g_autoptr(GError) error = NULL;
  FlRun *python;
  FlSpans *spans;
  const FlSpan *first = NULL;
  FlStateDiagram *diagram = fl_anatomy_page_get_diagram (page);

  if (!have_python ())
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (page), "anatomy.clear", NULL);
  g_assert_nonnull (strstr (current_text (), "No future yet"));

  g_assert_true (fl_page_run_python (FL_PAGE (page), &error));
  g_assert_no_error (error);
  fl_test_spin_until ((python = fl_page_get_python_run (FL_PAGE (page))) != NULL
                      && fl_run_is_complete (python), 60000);
  g_test_message ("%s", fl_page_get_python_status (FL_PAGE (page)));
  g_assert_nonnull (strstr (fl_page_get_python_status (FL_PAGE (page)), "exited normally"));

  g_assert_null (strstr (current_text (), "No future yet"));
  g_assert_nonnull (strstr (current_text (), "Python program"));
  g_assert_true (fl_state_diagram_has_state (diagram));
  /* anatomy.py ends with its deadlock demo, whose inner future runs once the outer one
   * gave up: the last future it submitted finished */
  g_assert_true (FL_FUTURE_STATE_IS_TERMINAL (fl_state_diagram_get_state (diagram)));

  /* The time cursor at the first Python future's submit: that future, PENDING then */
  spans = fl_run_get_spans (python);
  for (guint i = 0; i < fl_spans_get_n_spans (spans) && first == NULL; i++)
    if (fl_spans_get (spans, i)->kind == FL_SPAN_FUTURE)
      first = fl_spans_get (spans, i);
  g_assert_nonnull (first);
  fl_page_set_cursor (FL_PAGE (page), first->queued);
  g_assert_nonnull (strstr (current_text (), "Python program"));
  g_assert_true (fl_state_diagram_has_state (diagram));
  g_assert_cmpint (fl_state_diagram_get_state (diagram), ==, FL_FUTURE_PENDING);
  fl_page_set_cursor (FL_PAGE (page), -1);
  g_assert_true (FL_FUTURE_STATE_IS_TERMINAL (fl_state_diagram_get_state (diagram)));

  /* A submit of the page's own: the page's future again */
  fl_anatomy_page_set_job (page, 0.2, FALSE, 2.0);
  click ("submit");
  g_assert_null (strstr (current_text (), "Python program"));
  fl_test_spin_until (current_state () == FL_FUTURE_FINISHED, 5000);
  assert_path ("pending → running → finished");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_ANATOMY_PAGE (fl_window_get_page (window, "anatomy"));
  g_assert_nonnull (page);
  fl_window_show_demo (window, "anatomy");

  g_test_add_func ("/app/anatomy/cancel-returns-per-state", test_cancel_return_values);
  g_test_add_func ("/app/anatomy/result-and-exception-from-helper-thread",
                   test_result_and_exception_from_helper_thread);
  g_test_add_func ("/app/anatomy/done-callback-runs-on-main-thread",
                   test_done_callback_runs_on_main_thread);
  g_test_add_func ("/app/anatomy/deadlock-ends-by-itself", test_deadlock_ends_by_itself);
  g_test_add_func ("/app/anatomy/pause-keeps-new-jobs-pending",
                   test_pause_keeps_new_jobs_pending);
  g_test_add_func ("/app/anatomy/result-times-out-while-paused",
                   test_result_times_out_while_paused);
  g_test_add_func ("/app/anatomy/python-run-fills-the-top", test_python_run_fills_the_top);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
