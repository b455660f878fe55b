/* test-combinators.c: as_completed, wait, gather
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

static FlFuture *
submit_job (FlExecutor *executor,
            const char *job,
            GVariant   *args)
{
  g_autoptr(GError) error = NULL;
  FlFuture *future = fl_executor_submit (executor, job, args, NULL, &error);

  g_assert_no_error (error);
  return future;
}

static FlFuture *
submit_gate (FlExecutor *executor,
             FlTestGate *gate)
{
  return fl_executor_submit_func (executor, fl_test_gate_func, gate, NULL, NULL, NULL);
}

static void
test_as_completed_done_first_each_once (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) done = submit_job (executor, "echo", NULL);
  g_autoptr(FlFuture) held = NULL;
  g_autoptr(FlAsCompleted) iter = NULL;
  FlFuture *list[3];
  FlFuture *next;
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_future_wait (done, FL_TIMEOUT_INFINITE));
  held = submit_gate (executor, gate);
  list[0] = held;
  list[1] = done;
  list[2] = done;           /* a duplicate counts once */
  iter = fl_as_completed_new (list, 3, FL_TIMEOUT_INFINITE);
  g_assert_cmpuint (fl_as_completed_get_remaining (iter), ==, 2);

  next = fl_as_completed_next (iter, &error);
  g_assert_true (next == done);
  g_object_unref (next);

  fl_test_gate_open (gate);
  next = fl_as_completed_next (iter, &error);
  g_assert_true (next == held);
  g_object_unref (next);

  g_assert_null (fl_as_completed_next (iter, &error));
  g_assert_no_error (error);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

static void
test_as_completed_completion_order (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (3);
  FlTestGate *gates[3];
  FlFuture *futures[3];
  g_autoptr(FlAsCompleted) iter = NULL;
  int release[3] = { 2, 0, 1 };    /* completion order, unlike submission order */

  for (int i = 0; i < 3; i++)
    {
      gates[i] = fl_test_gate_new ();
      futures[i] = submit_gate (executor, gates[i]);
    }
  iter = fl_as_completed_new (futures, 3, FL_TIMEOUT_INFINITE);

  /* Each future comes out when, and only when, it completes: the gates decide the order,
   * not the scheduler. */
  for (int k = 0; k < 3; k++)
    {
      FlFuture *next;

      fl_test_gate_open (gates[release[k]]);
      next = fl_as_completed_next (iter, NULL);
      g_assert_true (next == futures[release[k]]);
      g_assert_true (fl_future_is_done (next));
      g_object_unref (next);
    }
  g_assert_null (fl_as_completed_next (iter, NULL));

  fl_executor_shutdown (executor, TRUE, FALSE);
  for (int i = 0; i < 3; i++)
    {
      g_object_unref (futures[i]);
      fl_test_gate_free (gates[i]);
    }
}

static void
test_as_completed_timeout (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) held = submit_gate (executor, gate);
  g_autoptr(FlAsCompleted) iter = fl_as_completed_new (&held, 1, 20 * 1000);
  g_autoptr(GError) error = NULL;

  g_assert_null (fl_as_completed_next (iter, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "1 (of 1) futures unfinished");
  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

typedef struct
{
  FlAsCompleted *iter;
  guint          count;
  gboolean       ended;
  GThread       *thread;
} AsyncCount;

static void
as_completed_async_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data)
{
  AsyncCount *state = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFuture) future = fl_as_completed_next_finish (state->iter, result, &error);

  g_assert_no_error (error);
  state->thread = g_thread_self ();
  if (future == NULL)
    {
      state->ended = TRUE;
      return;
    }
  g_assert_true (fl_future_is_done (future));
  state->count++;
  fl_as_completed_next_async (state->iter, NULL, as_completed_async_cb, state);
}

static void
test_as_completed_async (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  FlFuture *futures[20];
  AsyncCount state = { 0 };

  for (int i = 0; i < 20; i++)
    futures[i] = submit_job (executor, "sleep", g_variant_new ("(u)", i % 4));
  state.iter = fl_as_completed_new (futures, 20, FL_TIMEOUT_INFINITE);
  fl_as_completed_next_async (state.iter, NULL, as_completed_async_cb, &state);
  fl_test_spin_until (state.ended, 5000);
  g_assert_cmpuint (state.count, ==, 20);
  g_assert_true (state.thread == g_thread_self ());

  fl_as_completed_free (state.iter);
  for (int i = 0; i < 20; i++)
    g_object_unref (futures[i]);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
test_wait_first_completed (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  FlTestGate *gate = fl_test_gate_new ();
  FlFuture *futures[2];
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) not_done = NULL;

  futures[0] = submit_gate (executor, gate);
  futures[1] = submit_job (executor, "sleep", g_variant_new ("(u)", 5));
  g_assert_true (fl_wait (futures, 2, FL_WAIT_FIRST_COMPLETED, FL_TIMEOUT_INFINITE, &done,
                          &not_done));
  g_assert_cmpuint (done->len, ==, 1);
  g_assert_true (g_ptr_array_index (done, 0) == futures[1]);
  g_assert_cmpuint (not_done->len, ==, 1);
  g_assert_true (g_ptr_array_index (not_done, 0) == futures[0]);

  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_object_unref (futures[0]);
  g_object_unref (futures[1]);
  fl_test_gate_free (gate);
}

static void
test_wait_first_exception (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (3);
  FlTestGate *gate = fl_test_gate_new ();
  FlFuture *futures[3];
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) not_done = NULL;

  futures[0] = submit_gate (executor, gate);
  futures[1] = submit_job (executor, "echo", NULL);
  g_assert_true (fl_future_wait (futures[1], FL_TIMEOUT_INFINITE));
  /* A finished future is no exception: with the gate shut the wait runs out of time. */
  g_assert_false (fl_wait (futures, 2, FL_WAIT_FIRST_EXCEPTION, 20 * 1000, NULL, NULL));

  /* The failure ends the wait, with the gate still shut. */
  futures[2] = submit_job (executor, "fail", g_variant_new ("(s)", "first exception"));
  g_assert_true (fl_wait (futures, 3, FL_WAIT_FIRST_EXCEPTION, FL_TIMEOUT_INFINITE, &done,
                          &not_done));
  g_assert_cmpuint (not_done->len, ==, 1);
  g_assert_true (g_ptr_array_index (not_done, 0) == futures[0]);
  g_assert_true (g_ptr_array_find (done, futures[2], NULL));
  g_assert_cmpint (fl_future_get_state (futures[2]), ==, FL_FUTURE_FAILED);

  fl_test_gate_open (gate);
  /* Without any failure FIRST_EXCEPTION waits for all. */
  {
    FlFuture *ok[2] = { futures[0], futures[1] };
    g_autoptr(GPtrArray) done2 = NULL;

    g_assert_true (fl_wait (ok, 2, FL_WAIT_FIRST_EXCEPTION, FL_TIMEOUT_INFINITE, &done2, NULL));
    g_assert_cmpuint (done2->len, ==, 2);
  }
  fl_executor_shutdown (executor, TRUE, FALSE);
  for (int i = 0; i < 3; i++)
    g_object_unref (futures[i]);
  fl_test_gate_free (gate);
}

static void
test_wait_all_completed_and_timeout (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  FlTestGate *gate = fl_test_gate_new ();
  FlFuture *futures[3];
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) not_done = NULL;
  g_autoptr(GPtrArray) done2 = NULL;
  g_autoptr(GPtrArray) not_done2 = NULL;

  futures[0] = submit_gate (executor, gate);
  futures[1] = submit_job (executor, "echo", NULL);
  futures[2] = submit_job (executor, "fail", g_variant_new ("(s)", "x"));
  g_assert_true (fl_future_wait (futures[1], FL_TIMEOUT_INFINITE));
  g_assert_true (fl_future_wait (futures[2], FL_TIMEOUT_INFINITE));

  /* Timed out: FALSE, and the sets say where things stand. */
  g_assert_false (fl_wait (futures, 3, FL_WAIT_ALL_COMPLETED, 30 * 1000, &done, &not_done));
  g_assert_cmpuint (done->len, ==, 2);
  g_assert_cmpuint (not_done->len, ==, 1);

  fl_test_gate_open (gate);
  g_assert_true (fl_wait (futures, 3, FL_WAIT_ALL_COMPLETED, FL_TIMEOUT_INFINITE, &done2,
                          &not_done2));
  g_assert_cmpuint (done2->len, ==, 3);
  g_assert_cmpuint (not_done2->len, ==, 0);

  fl_executor_shutdown (executor, TRUE, FALSE);
  for (int i = 0; i < 3; i++)
    g_object_unref (futures[i]);
  fl_test_gate_free (gate);
}

typedef struct
{
  GPtrArray *done;
  GPtrArray *not_done;
  gboolean   finished;
} WaitAsyncState;

static void
wait_async_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  WaitAsyncState *state = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_wait_finish (result, &state->done, &state->not_done, &error));
  g_assert_no_error (error);
  state->finished = TRUE;
}

static void
test_wait_async_modes (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  FlTestGate *gate = fl_test_gate_new ();
  FlFuture *futures[2];
  WaitAsyncState first = { 0 }, timed = { 0 }, all = { 0 };

  futures[0] = submit_gate (executor, gate);
  futures[1] = submit_job (executor, "sleep", g_variant_new ("(u)", 5));

  fl_wait_async (futures, 2, FL_WAIT_FIRST_COMPLETED, FL_TIMEOUT_INFINITE, NULL, wait_async_cb,
                 &first);
  fl_test_spin_until (first.finished, 5000);
  g_assert_cmpuint (first.done->len, ==, 1);

  fl_wait_async (futures, 2, FL_WAIT_ALL_COMPLETED, 20 * 1000, NULL, wait_async_cb, &timed);
  fl_test_spin_until (timed.finished, 5000);
  g_assert_cmpuint (timed.not_done->len, ==, 1);

  fl_wait_async (futures, 2, FL_WAIT_ALL_COMPLETED, FL_TIMEOUT_INFINITE, NULL, wait_async_cb,
                 &all);
  fl_test_gate_open (gate);
  fl_test_spin_until (all.finished, 5000);
  g_assert_cmpuint (all.done->len, ==, 2);

  g_ptr_array_unref (first.done); g_ptr_array_unref (first.not_done);
  g_ptr_array_unref (timed.done); g_ptr_array_unref (timed.not_done);
  g_ptr_array_unref (all.done); g_ptr_array_unref (all.not_done);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_object_unref (futures[0]);
  g_object_unref (futures[1]);
  fl_test_gate_free (gate);
}

static void
test_gather_in_order (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (3);
  FlFuture *futures[3];
  guint delays[3] = { 30, 0, 15 };
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 3; i++)
    futures[i] = submit_job (executor, "sleep", g_variant_new ("(u)", delays[i]));
  results = fl_gather (futures, 3, FL_TIMEOUT_INFINITE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpuint (g_variant_get_uint32 (g_ptr_array_index (results, i)), ==, delays[i]);

  fl_executor_shutdown (executor, TRUE, FALSE);
  for (int i = 0; i < 3; i++)
    g_object_unref (futures[i]);
}

static void
test_gather_first_error (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  FlTestGate *gate = fl_test_gate_new ();
  FlFuture *futures[2];
  g_autoptr(GError) error = NULL;

  futures[0] = submit_gate (executor, gate);
  futures[1] = submit_job (executor, "fail", g_variant_new ("(s)", "gathered failure"));
  /* Fails fast: does not wait for the gate. */
  g_assert_null (fl_gather (futures, 2, FL_TIMEOUT_INFINITE, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "gathered failure");
  g_assert_false (fl_future_is_done (futures[0]));

  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_object_unref (futures[0]);
  g_object_unref (futures[1]);
  fl_test_gate_free (gate);
}

typedef struct
{
  GPtrArray *results;
  GError    *error;
  gboolean   finished;
} GatherState;

static void
gather_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  GatherState *state = data;

  state->results = fl_gather_finish (result, &state->error);
  state->finished = TRUE;
}

static void
test_gather_async_on_loop_executor (void)
{
  g_autoptr(FlExecutor) executor = fl_loop_executor_new (NULL, 10);
  FlFuture *futures[5];
  GatherState state = { 0 };
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < 5; i++)
    futures[i] = submit_job (executor, "sleep", g_variant_new ("(u)", (guint) (50 - i * 10)));
  fl_gather_async (futures, 5, NULL, gather_cb, &state);
  fl_test_spin_until (state.finished, 5000);
  g_assert_no_error (state.error);
  g_assert_cmpuint (state.results->len, ==, 5);
  for (int i = 0; i < 5; i++)
    g_assert_cmpuint (g_variant_get_uint32 (g_ptr_array_index (state.results, i)), ==,
                      (guint) (50 - i * 10));
  /* All five slept at once on one thread: about 50 ms, not 150. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50 * 1000);

  g_ptr_array_unref (state.results);
  for (int i = 0; i < 5; i++)
    g_object_unref (futures[i]);
}

typedef struct
{
  FlAsCompleted *iter;
  GError        *error;
  gboolean       finished;
} CancelState;

static void
wait_cancelled_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  CancelState *state = data;

  g_assert_false (fl_wait_finish (result, NULL, NULL, &state->error));
  state->finished = TRUE;
}

static void
as_completed_cancelled_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      data)
{
  CancelState *state = data;

  g_assert_null (fl_as_completed_next_finish (state->iter, result, &state->error));
  state->finished = TRUE;
}

static void
gather_cancelled_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  CancelState *state = data;

  g_assert_null (fl_gather_finish (result, &state->error));
  state->finished = TRUE;
}

/* Cancelling the wait (not the futures) ends each async combinator with
 * G_IO_ERROR_CANCELLED, and the futures carry on. */
static void
test_async_forms_can_be_cancelled (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) held = submit_gate (executor, gate);
  g_autoptr(GCancellable) c1 = g_cancellable_new ();
  g_autoptr(GCancellable) c2 = g_cancellable_new ();
  g_autoptr(GCancellable) c3 = g_cancellable_new ();
  CancelState waited = { 0 }, completed = { 0 }, gathered = { 0 };

  fl_wait_async (&held, 1, FL_WAIT_ALL_COMPLETED, FL_TIMEOUT_INFINITE, c1, wait_cancelled_cb,
                 &waited);
  completed.iter = fl_as_completed_new (&held, 1, FL_TIMEOUT_INFINITE);
  fl_as_completed_next_async (completed.iter, c2, as_completed_cancelled_cb, &completed);
  fl_gather_async (&held, 1, c3, gather_cancelled_cb, &gathered);

  g_cancellable_cancel (c1);
  g_cancellable_cancel (c2);
  g_cancellable_cancel (c3);
  fl_test_spin_until (waited.finished && completed.finished && gathered.finished, 5000);
  g_assert_error (waited.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (completed.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (gathered.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (fl_future_is_done (held));

  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_assert_cmpint (fl_future_get_state (held), ==, FL_FUTURE_FINISHED);
  g_clear_error (&waited.error);
  g_clear_error (&completed.error);
  g_clear_error (&gathered.error);
  fl_as_completed_free (completed.iter);
  fl_test_gate_free (gate);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();

  g_test_add_func ("/engine/combinators/as-completed-done-first-each-once",
                   test_as_completed_done_first_each_once);
  g_test_add_func ("/engine/combinators/as-completed-completion-order",
                   test_as_completed_completion_order);
  g_test_add_func ("/engine/combinators/as-completed-timeout", test_as_completed_timeout);
  g_test_add_func ("/engine/combinators/as-completed-async", test_as_completed_async);
  g_test_add_func ("/engine/combinators/wait-first-completed", test_wait_first_completed);
  g_test_add_func ("/engine/combinators/wait-first-exception", test_wait_first_exception);
  g_test_add_func ("/engine/combinators/wait-all-completed-and-timeout",
                   test_wait_all_completed_and_timeout);
  g_test_add_func ("/engine/combinators/wait-async-modes", test_wait_async_modes);
  g_test_add_func ("/engine/combinators/gather-in-order", test_gather_in_order);
  g_test_add_func ("/engine/combinators/gather-first-error", test_gather_first_error);
  g_test_add_func ("/engine/combinators/gather-async-on-loop-executor",
                   test_gather_async_on_loop_executor);
  g_test_add_func ("/engine/combinators/async-forms-can-be-cancelled",
                   test_async_forms_can_be_cancelled);

  return g_test_run ();
}
