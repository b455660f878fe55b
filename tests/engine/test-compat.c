/* test-compat.c: the engine against what CPython's concurrent.futures guarantees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test names one promise of concurrent.futures (iterators let go of what they
 * yielded, cancel() runs the callbacks, an idle thread is reused...). Races are made
 * deterministic with gates and the thread executor's test hooks, never with luck.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "futures-lab-engine.h"
#include "fl-thread-executor-private.h"
#include "fl-test-utils.h"

#define WAIT_MS 5000

static FlFuture *
submit_echo (FlExecutor *executor,
             int         value)
{
  g_autoptr(GError) error = NULL;
  FlFuture *future = fl_executor_submit (executor, "echo", g_variant_new ("(i)", value), NULL,
                                         &error);

  g_assert_no_error (error);
  g_assert_nonnull (future);
  return future;
}

static FlFuture *
submit_gate (FlExecutor *executor,
             FlTestGate *gate)
{
  g_autoptr(GError) error = NULL;
  FlFuture *future = fl_executor_submit_func (executor, fl_test_gate_func, gate, NULL, NULL,
                                              &error);

  g_assert_no_error (error);
  return future;
}

/* Whether the object behind @ref is gone (the caller does not keep what it got). */
static gboolean
weak_gone (GWeakRef *ref)
{
  GObject *object = g_weak_ref_get (ref);

  if (object == NULL)
    return TRUE;
  g_object_unref (object);
  return FALSE;
}

/* Drops the caller's reference to @future and waits (spinning the context, which lets
 * the dispatcher deliver and let go) until nobody holds it any more. */
static void
unref_and_wait_gone (FlFuture *future)
{
  GWeakRef ref;

  g_weak_ref_init (&ref, future);
  g_object_unref (future);
  fl_test_spin_until (weak_gone (&ref), WAIT_MS);
  g_weak_ref_clear (&ref);
}

/* A test hook: holds the lane in the gate until the test opens it. */
static void
hold_in_gate (gpointer data,
              gpointer unused)
{
  FlTestGate *gate = data;

  fl_mutex_lock (&gate->mutex);
  gate->entered++;
  fl_cond_broadcast (&gate->cond);
  while (!gate->open)
    fl_cond_wait (&gate->cond, &gate->mutex);
  fl_mutex_unlock (&gate->mutex);
}

/* A map job: (i) 0 answers at once, anything else waits for the shared gate. */
static FlTestGate *map_gate;

static GVariant *
gated_echo_job (GVariant       *args,
                GCancellable   *cancellable,
                FlJobProgress  *progress,
                GError        **error)
{
  int value;

  g_variant_get (args, "(i)", &value);
  if (value != 0)
    {
      GVariant *through = fl_test_gate_func (map_gate, cancellable, error);

      if (through == NULL)
        return NULL;
      g_variant_unref (g_variant_ref_sink (through));
    }
  return g_variant_new ("(i)", value);
}

static const FlJobInfo gated_echo_info = {
  "gated-echo", "(i)", gated_echo_job, NULL, NULL, "echo, (i) 0 at once, others at a gate"
};

/* as_completed ---------------------------------------------------------------------------- */

static void
test_as_completed_drops_yielded (void)
{
  g_autoptr(FlExecutor) inline_executor = fl_inline_executor_new ();
  g_autoptr(FlExecutor) threads = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlAsCompleted) done_first = NULL;
  g_autoptr(FlAsCompleted) pending_first = NULL;
  g_autoptr(GError) error = NULL;
  FlFuture *futures[3];
  FlFuture *gated;
  FlFuture *future;

  /* Done before the iterator exists... */
  for (guint i = 0; i < G_N_ELEMENTS (futures); i++)
    futures[i] = submit_echo (inline_executor, (int) i);
  done_first = fl_as_completed_new (futures, G_N_ELEMENTS (futures), FL_TIMEOUT_INFINITE);
  for (guint i = 0; i < G_N_ELEMENTS (futures); i++)
    g_object_unref (futures[i]);
  while ((future = fl_as_completed_next (done_first, &error)) != NULL)
    unref_and_wait_gone (future);
  g_assert_no_error (error);

  /* ...and done after: as CPython, the iterator keeps no future it has yielded. */
  gated = submit_gate (threads, gate);
  pending_first = fl_as_completed_new (&gated, 1, FL_TIMEOUT_INFINITE);
  g_object_unref (gated);
  fl_test_gate_open (gate);
  future = fl_as_completed_next (pending_first, &error);
  g_assert_no_error (error);
  g_assert_nonnull (future);
  fl_executor_shutdown (threads, TRUE, FALSE);
  unref_and_wait_gone (future);
  fl_test_gate_free (gate);
}

/* map -------------------------------------------------------------------------------------- */

static void
test_map_drops_yielded (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  GVariant *args[3] = { g_variant_new ("(i)", 0), g_variant_new ("(i)", 1),
                        g_variant_new ("(i)", 2) };
  g_autoptr(FlMapIter) iter = NULL;
  g_autoptr(GPtrArray) futures = NULL;
  g_autoptr(GError) error = NULL;
  GWeakRef refs[3];
  GVariant *value = NULL;

  iter = fl_executor_map (executor, "echo", args, 3, FL_TIMEOUT_INFINITE, &error);
  g_assert_no_error (error);
  futures = fl_map_iter_dup_futures (iter);
  g_assert_cmpuint (futures->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_weak_ref_init (&refs[i], futures->pdata[i]);
  g_clear_pointer (&futures, g_ptr_array_unref);
  fl_executor_shutdown (executor, TRUE, FALSE);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (fl_map_iter_next (iter, &value, &error));
      g_assert_no_error (error);
      g_clear_pointer (&value, g_variant_unref);
      /* The future and its result go with the yield, not with the iterator. */
      fl_test_spin_until (weak_gone (&refs[i]), WAIT_MS);
    }
  g_assert_false (fl_map_iter_next (iter, &value, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    g_weak_ref_clear (&refs[i]);
}

static void
test_map_unstarted_free_cancels_nothing (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) blocker = submit_gate (executor, gate);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GPtrArray) futures = NULL;
  g_autoptr(GError) error = NULL;
  FlMapIter *iter;

  for (int i = 0; i < 10; i++)
    g_ptr_array_add (args, g_variant_new ("(i)", i));
  iter = fl_executor_map (executor, "echo", (GVariant **) args->pdata, args->len,
                          FL_TIMEOUT_INFINITE, &error);
  g_assert_no_error (error);
  futures = fl_map_iter_dup_futures (iter);

  /* Never consumed: like a generator that never ran, freeing it cancels nothing. */
  fl_map_iter_free (iter);
  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  for (guint i = 0; i < futures->len; i++)
    g_assert_cmpint (fl_future_get_state (futures->pdata[i]), ==, FL_FUTURE_FINISHED);
  fl_test_gate_free (gate);
}

static void
test_map_closed_mid_way_cancels_the_rest (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  GVariant *args[3] = { g_variant_new ("(i)", 0), g_variant_new ("(i)", 1),
                        g_variant_new ("(i)", 2) };
  g_autoptr(GPtrArray) futures = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *value = NULL;
  FlMapIter *iter;

  map_gate = fl_test_gate_new ();
  iter = fl_executor_map (executor, "gated-echo", args, 3, FL_TIMEOUT_INFINITE, &error);
  g_assert_no_error (error);
  futures = fl_map_iter_dup_futures (iter);
  g_assert_true (fl_map_iter_next (iter, &value, &error));
  g_clear_pointer (&value, g_variant_unref);
  fl_test_gate_wait_entered (map_gate, 1);

  /* Closed while being consumed: what it has not yielded and has not started is
   * cancelled; the running one carries on. */
  fl_map_iter_free (iter);
  g_assert_true (fl_future_is_running (futures->pdata[1]));
  g_assert_true (fl_future_is_cancelled (futures->pdata[2]));
  fl_test_gate_open (map_gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_assert_cmpint (fl_future_get_state (futures->pdata[1]), ==, FL_FUTURE_FINISHED);
  g_clear_pointer (&map_gate, fl_test_gate_free);
}

/* Thread reuse and start-up ---------------------------------------------------------------- */

static void
test_idle_thread_reused (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (4);
  FlTestGate *after_job = fl_test_gate_new ();
  FlFuture *futures[3];

  /* The lane is held right after its job is done, before it goes back to the queue: the
   * window in which submit() used to see no idle lane and start a second one. */
  _fl_thread_executor_set_hook (FL_THREAD_EXECUTOR (executor), FL_THREAD_HOOK_AFTER_JOB,
                                hold_in_gate, after_job);
  for (guint i = 0; i < G_N_ELEMENTS (futures); i++)
    {
      g_autoptr(GVariant) value = NULL;
      g_autoptr(GError) error = NULL;

      futures[i] = submit_echo (executor, (int) i);
      if (i == 1)
        fl_test_gate_open (after_job);
      value = fl_future_result (futures[i], FL_TIMEOUT_INFINITE, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (futures); i++)
    {
      g_assert_cmpint (fl_future_get_lane (futures[i]), ==, 0);
      g_object_unref (futures[i]);
    }
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (after_job);
}

static void
test_shutdown_cancel_right_after_submits (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  FlTestGate *lane_start = fl_test_gate_new ();
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  guint finished = 0, cancelled = 0;

  /* Lanes that have not even looked at the queue yet (a loaded machine): the job a lane
   * was started for is its own, so shutdown(cancel_futures) cannot take it away. */
  _fl_thread_executor_set_hook (FL_THREAD_EXECUTOR (executor), FL_THREAD_HOOK_LANE_START,
                                hold_in_gate, lane_start);
  for (int i = 0; i < 50; i++)
    g_ptr_array_add (futures, submit_echo (executor, i));
  fl_executor_shutdown (executor, FALSE, TRUE);
  fl_test_gate_open (lane_start);
  fl_executor_shutdown (executor, TRUE, TRUE);

  for (guint i = 0; i < futures->len; i++)
    {
      FlFutureState state = fl_future_get_state (futures->pdata[i]);

      g_assert_true (state == FL_FUTURE_FINISHED || state == FL_FUTURE_CANCELLED);
      finished += state == FL_FUTURE_FINISHED;
      cancelled += state == FL_FUTURE_CANCELLED;
    }
  g_test_message ("%u finished, %u cancelled", finished, cancelled);
  g_assert_cmpuint (finished, >=, 1);
  g_assert_cmpuint (finished, <=, 2);
  g_assert_cmpuint (cancelled, >=, 48);
  fl_test_gate_free (lane_start);
}

/* cancel() --------------------------------------------------------------------------------- */

static void
count_callback (FlFuture *future,
                gpointer  data)
{
  (*(int *) data)++;
}

static void
test_cancel_runs_callbacks_at_once (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) blocker = submit_gate (executor, gate);
  g_autoptr(FlFuture) queued = submit_echo (executor, 1);
  FlFutureState notified = FL_FUTURE_PENDING;
  int calls = 0;

  fl_future_add_done_callback (queued, count_callback, &calls, NULL);
  g_assert_true (fl_future_cancel (queued));
  /* As Future.cancel(): the callbacks ran before it returned, and the state property
   * already says so. */
  g_assert_cmpint (calls, ==, 1);
  g_object_get (queued, "state", &notified, NULL);
  g_assert_cmpint (notified, ==, FL_FUTURE_CANCELLED);

  g_assert_true (fl_future_cancel (queued));
  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_spin_until (fl_future_is_done (blocker), WAIT_MS);
  for (int i = 0; i < 5; i++)
    fl_test_iterate (1);
  g_assert_cmpint (calls, ==, 1);
  fl_test_gate_free (gate);
}

/* max_workers ------------------------------------------------------------------------------ */

static void
test_negative_max_workers (void)
{
  g_autoptr(GError) error = NULL;

  /* A clear critical and no executor, not a property warning and a silent default. */
  if (g_test_subprocess ())
    {
      if (g_strcmp0 (g_getenv ("FL_TEST_POOL"), "process") == 0)
        g_assert_null (fl_process_executor_new (-3));
      else
        g_assert_null (fl_thread_executor_new (-1));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*max_workers must be 0 (the default) or more, not -1*");
  g_test_trap_assert_stderr_unmatched ("*GLib-GObject*");
  g_setenv ("FL_TEST_POOL", "process", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("FL_TEST_POOL");
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*max_workers must be 0 (the default) or more, not -3*");

  g_assert_false (fl_executor_check_max_workers (-1, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "-1"));
  g_clear_error (&error);
  g_assert_true (fl_executor_check_max_workers (0, &error));
  g_assert_true (fl_executor_check_max_workers (8, &error));
  g_assert_no_error (error);
}

/* Exit ------------------------------------------------------------------------------------- */

static FlTestGate *exit_gate;

static void
open_exit_gate (void)
{
  fl_test_gate_open (exit_gate);
}

static GVariant *
exit_job (gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  fl_mutex_lock (&exit_gate->mutex);
  while (!exit_gate->open)
    fl_cond_wait (&exit_gate->cond, &exit_gate->mutex);
  fl_mutex_unlock (&exit_gate->mutex);

  /* A little work after main() has returned: the process must wait for it. */
  g_usleep (50 * 1000);
  printf ("the job finished\n");
  fflush (stdout);
  return g_variant_new_boolean (TRUE);
}

static void
test_exit_finishes_work (void)
{
  if (g_test_subprocess ())
    {
      FlExecutor *executor = fl_thread_executor_new (1);
      FlFuture *future;

      exit_gate = fl_test_gate_new ();
      future = fl_executor_submit_func (executor, exit_job, NULL, NULL, NULL, NULL);
      /* Registered after the engine's own handler, so it runs first: the job is only
       * let go once main() has returned. */
      atexit (open_exit_gate);
      g_object_unref (future);
      g_object_unref (executor);     /* dropped without shutdown() */
      return;
    }

  g_test_trap_subprocess (NULL, (guint64) 20 * G_USEC_PER_SEC * FL_TEST_SLOWDOWN,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*the job finished*");
}

/* Results are owned once ------------------------------------------------------------------- */

static void
mark_freed (gpointer data)
{
  g_atomic_int_set ((int *) data, TRUE);
}

/* Returns a full (not floating) reference, as a job that built its value with
 * g_variant_ref_sink() or took it from a GTask does. */
static GVariant *
full_reference_func (gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_with_free_func ("hello", 6, mark_freed, data);

  return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_STRING, bytes, TRUE));
}

static void
test_full_reference_result_freed (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  FlFuture *future;
  int freed = FALSE;

  future = fl_executor_submit_func (executor, full_reference_func, &freed, NULL, NULL, &error);
  g_assert_no_error (error);
  value = fl_future_result (future, FL_TIMEOUT_INFINITE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "hello");
  g_clear_pointer (&value, g_variant_unref);
  fl_executor_shutdown (executor, TRUE, FALSE);
  unref_and_wait_gone (future);
  g_assert_true (g_atomic_int_get (&freed));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();
  fl_job_registry_register (&gated_echo_info);

  g_test_add_func ("/engine/compat/as-completed-drops-yielded", test_as_completed_drops_yielded);
  g_test_add_func ("/engine/compat/map-drops-yielded", test_map_drops_yielded);
  g_test_add_func ("/engine/compat/map-unstarted-free-cancels-nothing",
                   test_map_unstarted_free_cancels_nothing);
  g_test_add_func ("/engine/compat/map-closed-mid-way-cancels-the-rest",
                   test_map_closed_mid_way_cancels_the_rest);
  g_test_add_func ("/engine/compat/idle-thread-reused", test_idle_thread_reused);
  g_test_add_func ("/engine/compat/shutdown-cancel-right-after-submits",
                   test_shutdown_cancel_right_after_submits);
  g_test_add_func ("/engine/compat/cancel-runs-callbacks-at-once",
                   test_cancel_runs_callbacks_at_once);
  g_test_add_func ("/engine/compat/negative-max-workers", test_negative_max_workers);
  g_test_add_func ("/engine/compat/exit-finishes-work", test_exit_finishes_work);
  g_test_add_func ("/engine/compat/full-reference-result-freed",
                   test_full_reference_result_freed);

  return g_test_run ();
}
