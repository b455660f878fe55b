/* test-future.c: the life of one future, after CPython's test_concurrent_futures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

static FlFutureState
notified_state (FlFuture *future)
{
  FlFutureState state;

  g_object_get (future, "state", &state, NULL);
  return state;
}

static FlFuture *
submit_gate (FlExecutor *executor,
             FlTestGate *gate)
{
  g_autoptr(GError) error = NULL;
  FlFuture *future = fl_executor_submit_func (executor, fl_test_gate_func, gate, NULL,
                                              "gate", &error);
  g_assert_no_error (error);
  return future;
}

static FlFuture *
submit_job (FlExecutor *executor,
            const char *job,
            GVariant   *args)
{
  g_autoptr(GError) error = NULL;
  FlFuture *future = fl_executor_submit (executor, job, args, job, &error);

  g_assert_no_error (error);
  g_assert_nonnull (future);
  return future;
}

static void
test_cancel_pending_returns_true (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) blocker = submit_gate (executor, gate);
  g_autoptr(FlFuture) queued = submit_job (executor, "echo", g_variant_new ("(i)", 1));
  g_autoptr(GError) error = NULL;

  fl_test_gate_wait_entered (gate, 1);
  g_assert_cmpint (fl_future_get_state (queued), ==, FL_FUTURE_PENDING);
  g_assert_true (fl_future_cancel (queued));
  g_assert_true (fl_future_is_cancelled (queued));
  g_assert_true (fl_future_is_done (queued));
  /* Cancelling a cancelled future is still TRUE, as in Python. */
  g_assert_true (fl_future_cancel (queued));

  g_assert_null (fl_future_result (queued, 0, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_CANCELLED);

  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  /* The worker skipped it: still cancelled, never started. */
  g_assert_cmpint (fl_future_get_state (queued), ==, FL_FUTURE_CANCELLED);
  g_assert_cmpint (fl_future_get_started_time (queued), ==, 0);
  fl_test_gate_free (gate);
}

static void
test_cancel_running_returns_false (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) future = submit_gate (executor, gate);
  g_autoptr(GVariant) value = NULL;

  fl_test_gate_wait_entered (gate, 1);
  g_assert_true (fl_future_is_running (future));
  g_assert_false (fl_future_cancel (future));
  g_assert_true (fl_future_is_running (future));

  fl_test_gate_open (gate);
  value = fl_future_result (future, FL_TIMEOUT_INFINITE, NULL);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "through the gate");
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

static void
test_cancel_finished_returns_false (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(FlFuture) ok = submit_job (executor, "echo", g_variant_new ("(i)", 7));
  g_autoptr(FlFuture) bad = submit_job (executor, "fail", g_variant_new ("(s)", "boom"));

  g_assert_true (fl_future_wait (ok, FL_TIMEOUT_INFINITE));
  g_assert_true (fl_future_wait (bad, FL_TIMEOUT_INFINITE));
  g_assert_false (fl_future_cancel (ok));
  g_assert_false (fl_future_cancel (bad));
  g_assert_cmpint (fl_future_get_state (ok), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_state (bad), ==, FL_FUTURE_FAILED);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
test_request_cancel_running (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) future = submit_gate (executor, gate);
  g_autoptr(GError) error = NULL;

  fl_test_gate_wait_entered (gate, 1);
  fl_future_request_cancel (future);
  g_assert_null (fl_future_result (future, FL_TIMEOUT_INFINITE, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_CANCELLED);
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_CANCELLED);
  g_assert_cmpint (fl_future_get_started_time (future), >, 0);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

static void
test_request_cancel_sleep_job (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = submit_job (executor, "sleep", g_variant_new ("(u)", 60000));
  gint64 start;

  while (!fl_future_is_running (future))
    fl_future_wait (future, 1000);
  start = g_get_monotonic_time ();
  fl_future_request_cancel (future);
  g_assert_true (fl_future_wait (future, FL_TIMEOUT_INFINITE));
  g_assert_true (fl_future_is_cancelled (future));
  /* It honoured the cancellable rather than sleeping a minute. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
test_result_timeout (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) future = submit_gate (executor, gate);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  GError *exception;

  g_assert_null (fl_future_result (future, 20 * 1000, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_TIMEOUT);
  exception = fl_future_exception (future, 0, &error2);
  g_assert_null (exception);
  g_assert_error (error2, FL_ERROR, FL_ERROR_TIMEOUT);
  g_assert_false (fl_future_is_done (future));

  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

static void
test_error_propagates (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = submit_job (executor, "fail", g_variant_new ("(s)", "no flag"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) exception = NULL;

  g_assert_null (fl_future_result (future, FL_TIMEOUT_INFINITE, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "no flag");

  exception = fl_future_exception (future, FL_TIMEOUT_INFINITE, NULL);
  g_assert_error (exception, FL_ERROR, FL_ERROR_FAILED);
  g_assert_cmpstr (fl_future_peek_error (future)->message, ==, "no flag");
  g_assert_null (fl_future_peek_result (future));
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
test_exception_of_success_is_null (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = submit_job (executor, "echo", g_variant_new ("(s)", "hi"));
  g_autoptr(GError) error = NULL;

  g_assert_null (fl_future_exception (future, FL_TIMEOUT_INFINITE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (fl_future_peek_result (future)), ==, "(s)");
  fl_executor_shutdown (executor, TRUE, FALSE);
}

typedef struct
{
  GString *order;
  GThread *thread_seen;
  int      calls;
} CallbackLog;

static void
log_callback (FlFuture *future,
              gpointer  data)
{
  CallbackLog *log = g_object_get_data (G_OBJECT (future), "log");

  g_string_append (log->order, data);
  log->thread_seen = g_thread_self ();
  log->calls++;
}

static void
test_callbacks_in_order (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) future = submit_gate (executor, gate);
  CallbackLog log = { g_string_new (NULL), NULL, 0 };

  g_object_set_data (G_OBJECT (future), "log", &log);
  fl_future_add_done_callback (future, log_callback, (gpointer) "a", NULL);
  fl_future_add_done_callback (future, log_callback, (gpointer) "b", NULL);
  fl_future_add_done_callback (future, log_callback, (gpointer) "c", NULL);
  fl_test_gate_open (gate);

  fl_test_spin_until (log.calls == 3, 5000);
  g_assert_cmpstr (log.order->str, ==, "abc");
  /* Delivered on the home context: this (main) thread. */
  g_assert_true (log.thread_seen == g_thread_self ());

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_string_free (log.order, TRUE);
  fl_test_gate_free (gate);
}

static void
test_callback_already_done_runs_at_once (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = submit_job (executor, "echo", NULL);
  CallbackLog log = { g_string_new (NULL), NULL, 0 };

  g_object_set_data (G_OBJECT (future), "log", &log);
  fl_future_add_done_callback (future, log_callback, (gpointer) "1", NULL);
  fl_test_spin_until (log.calls == 1, 5000);

  /* Done, and its callbacks delivered: a new one runs inside the call. */
  fl_future_add_done_callback (future, log_callback, (gpointer) "2", NULL);
  g_assert_cmpint (log.calls, ==, 2);
  g_assert_cmpstr (log.order->str, ==, "12");

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_string_free (log.order, TRUE);
}

static void
test_callback_done_but_undelivered_keeps_order (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = submit_job (executor, "echo", NULL);
  CallbackLog log = { g_string_new (NULL), NULL, 0 };

  g_object_set_data (G_OBJECT (future), "log", &log);
  fl_future_add_done_callback (future, log_callback, (gpointer) "x", NULL);
  /* Done on the worker, not yet delivered here (we do not iterate the loop). */
  g_assert_true (fl_future_wait (future, FL_TIMEOUT_INFINITE));
  fl_future_add_done_callback (future, log_callback, (gpointer) "y", NULL);
  g_assert_cmpstr (log.order->str, ==, "xy");

  /* The dispatcher finds nothing left to run: each callback exactly once. */
  fl_test_spin_until (notified_state (future) == FL_FUTURE_FINISHED, 5000);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (log.calls, ==, 2);

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_string_free (log.order, TRUE);
}

static GThread *other_thread_callback_thread;

static void
record_thread (FlFuture *future,
               gpointer  data)
{
  g_atomic_pointer_set (&other_thread_callback_thread, g_thread_self ());
  (*(int *) data)++;
}

static gpointer
add_callback_from_thread (gpointer data)
{
  FlFuture *future = data;
  static int calls;

  fl_future_add_done_callback (future, record_thread, &calls, NULL);
  return &calls;
}

static void
test_callback_added_elsewhere_runs_on_home (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = submit_job (executor, "echo", NULL);
  GThread *thread;
  int *calls;

  g_assert_true (fl_future_wait (future, FL_TIMEOUT_INFINITE));
  /* Let the home context take delivery, so the other thread finds it done and
   * delivered: its callback must be posted here, not run over there. */
  fl_test_spin_until (notified_state (future) == FL_FUTURE_FINISHED, 5000);
  thread = g_thread_new ("adder", add_callback_from_thread, future);
  calls = g_thread_join (thread);
  fl_test_spin_until (g_atomic_int_get (calls) == 1, 5000);
  g_assert_true (g_atomic_pointer_get (&other_thread_callback_thread) == g_thread_self ());
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
misbehaving_callback (FlFuture *future,
                      gpointer  data)
{
  CallbackLog *log = g_object_get_data (G_OBJECT (future), "log");

  g_string_append (log->order, "M");
  log->calls++;
  /* Reentrancy: cancel, add more callbacks, query results; none of it may break the
   * callbacks still to run. */
  g_assert_false (fl_future_cancel (future));
  fl_future_add_done_callback (future, log_callback, (gpointer) "n", NULL);
  fl_future_request_cancel (future);
}

static void
test_callback_misbehaving_cannot_break_others (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) future = submit_gate (executor, gate);
  CallbackLog log = { g_string_new (NULL), NULL, 0 };

  g_object_set_data (G_OBJECT (future), "log", &log);
  fl_future_add_done_callback (future, log_callback, (gpointer) "a", NULL);
  fl_future_add_done_callback (future, misbehaving_callback, NULL, NULL);
  fl_future_add_done_callback (future, log_callback, (gpointer) "b", NULL);
  fl_test_gate_open (gate);

  fl_test_spin_until (log.calls == 4, 5000);
  /* "n" was added during delivery, after the future was done: it runs at once. */
  g_assert_cmpstr (log.order->str, ==, "aMnb");
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_string_free (log.order, TRUE);
  fl_test_gate_free (gate);
}

static void
count_destroy (gpointer data)
{
  (*(int *) data)++;
}

static void
noop_callback (FlFuture *future,
               gpointer  data)
{
}

static void
test_callback_destroy_notify (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlFuture *future = submit_job (executor, "echo", NULL);
  int destroyed = 0;

  fl_future_add_done_callback (future, noop_callback, &destroyed, count_destroy);
  fl_test_spin_until (destroyed == 1, 5000);
  g_object_unref (future);
  g_assert_cmpint (destroyed, ==, 1);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

typedef struct
{
  GArray  *states;
  GThread *thread;
} NotifyLog;

static void
on_notify_state (FlFuture   *future,
                 GParamSpec *pspec,
                 NotifyLog  *log)
{
  FlFutureState state;

  g_object_get (future, "state", &state, NULL);
  g_array_append_val (log->states, state);
  log->thread = g_thread_self ();
}

static void
test_notify_state_on_home_context (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) future = submit_gate (executor, gate);
  NotifyLog log = { g_array_new (FALSE, FALSE, sizeof (FlFutureState)), NULL };

  g_signal_connect (future, "notify::state", G_CALLBACK (on_notify_state), &log);
  fl_test_gate_wait_entered (gate, 1);
  /* The RUNNING transition happened on the worker; no notify until the loop runs. */
  g_assert_cmpuint (log.states->len, ==, 0);
  fl_test_spin_until (log.states->len == 1, 5000);
  g_assert_cmpint (g_array_index (log.states, FlFutureState, 0), ==, FL_FUTURE_RUNNING);

  fl_test_gate_open (gate);
  fl_test_spin_until (log.states->len == 2, 5000);
  g_assert_cmpint (g_array_index (log.states, FlFutureState, 1), ==, FL_FUTURE_FINISHED);
  g_assert_true (log.thread == g_thread_self ());

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_array_unref (log.states);
  fl_test_gate_free (gate);
}

static void
wait_async_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_future_wait_finish (FL_FUTURE (source), result, &error));
  g_assert_no_error (error);
  *(int *) data = 1;
}

static void
test_wait_async (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) future = submit_gate (executor, gate);
  int done = 0;

  fl_future_wait_async (future, NULL, wait_async_done, &done);
  fl_test_gate_wait_entered (gate, 1);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (done, ==, 0);
  fl_test_gate_open (gate);
  fl_test_spin_until (done == 1, 5000);
  g_assert_true (fl_future_is_done (future));
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

static void
test_blocking_wait_on_loop_future_would_deadlock (void)
{
  g_autoptr(FlExecutor) executor = fl_loop_executor_new (NULL, 1);
  g_autoptr(FlFuture) future = submit_job (executor, "sleep", g_variant_new ("(u)", 10));
  g_autoptr(GError) error = NULL;

  /* Its job needs this very loop to run: blocking here could never end. */
  g_assert_null (fl_future_result (future, FL_TIMEOUT_INFINITE, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_WOULD_DEADLOCK);

  fl_test_spin_until (fl_future_is_done (future), 5000);
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);
}

static void
test_times_and_lane (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = submit_job (executor, "sleep", g_variant_new ("(u)", 5));

  g_assert_true (fl_future_wait (future, FL_TIMEOUT_INFINITE));
  g_assert_cmpint (fl_future_get_queued_time (future), >, 0);
  g_assert_cmpint (fl_future_get_started_time (future), >=, fl_future_get_queued_time (future));
  g_assert_cmpint (fl_future_get_finished_time (future), >=,
                   fl_future_get_started_time (future) + 5000);
  g_assert_cmpint (fl_future_get_lane_kind (future), ==, FL_LANE_THREAD);
  g_assert_cmpint (fl_future_get_lane (future), ==, 0);
  g_assert_cmpstr (fl_future_get_label (future), ==, "sleep");
  g_assert_cmpstr (fl_future_get_job_name (future), ==, "sleep");
  g_assert_cmpfloat (fl_future_get_progress (future), ==, 1.0);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();

  g_test_add_func ("/engine/future/cancel-pending-returns-true", test_cancel_pending_returns_true);
  g_test_add_func ("/engine/future/cancel-running-returns-false", test_cancel_running_returns_false);
  g_test_add_func ("/engine/future/cancel-finished-returns-false", test_cancel_finished_returns_false);
  g_test_add_func ("/engine/future/request-cancel-running", test_request_cancel_running);
  g_test_add_func ("/engine/future/request-cancel-sleep-job", test_request_cancel_sleep_job);
  g_test_add_func ("/engine/future/result-timeout", test_result_timeout);
  g_test_add_func ("/engine/future/error-propagates", test_error_propagates);
  g_test_add_func ("/engine/future/exception-of-success-is-null", test_exception_of_success_is_null);
  g_test_add_func ("/engine/future/callbacks-in-order", test_callbacks_in_order);
  g_test_add_func ("/engine/future/callback-already-done-runs-at-once",
                   test_callback_already_done_runs_at_once);
  g_test_add_func ("/engine/future/callback-done-but-undelivered-keeps-order",
                   test_callback_done_but_undelivered_keeps_order);
  g_test_add_func ("/engine/future/callback-added-elsewhere-runs-on-home",
                   test_callback_added_elsewhere_runs_on_home);
  g_test_add_func ("/engine/future/callback-misbehaving-cannot-break-others",
                   test_callback_misbehaving_cannot_break_others);
  g_test_add_func ("/engine/future/callback-destroy-notify", test_callback_destroy_notify);
  g_test_add_func ("/engine/future/notify-state-on-home-context", test_notify_state_on_home_context);
  g_test_add_func ("/engine/future/wait-async", test_wait_async);
  g_test_add_func ("/engine/future/blocking-wait-on-loop-future-would-deadlock",
                   test_blocking_wait_on_loop_future_would_deadlock);
  g_test_add_func ("/engine/future/times-and-lane", test_times_and_lane);

  return g_test_run ();
}
