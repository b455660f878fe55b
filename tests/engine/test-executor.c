/* test-executor.c: submit, map, shutdown, lanes, inline and loop executors
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
  g_assert_nonnull (future);
  return future;
}

static void
test_default_max_workers (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (0);
  guint expected = MIN (32, g_get_num_processors () + 4);

  g_assert_cmpuint (fl_default_max_workers (), ==, expected);
  g_assert_cmpuint (fl_executor_get_max_workers (executor), ==, expected);
  g_assert_cmpint (fl_executor_get_lane_kind (executor), ==, FL_LANE_THREAD);
  g_assert_nonnull (strstr (fl_executor_get_display_name (executor), "thread pool"));
}

static void
test_submit_after_shutdown (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(FlFuture) future = NULL;
  g_autoptr(GError) error = NULL;

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_assert_true (fl_executor_is_shutdown (executor));
  future = fl_executor_submit (executor, "echo", NULL, NULL, &error);
  g_assert_null (future);
  g_assert_error (error, FL_ERROR, FL_ERROR_SHUTDOWN);
}

static void
test_unknown_job_and_bad_arguments (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  g_assert_null (fl_executor_submit (executor, "no-such-job", NULL, NULL, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_UNKNOWN_JOB);
  g_assert_null (fl_executor_submit (executor, "sleep", g_variant_new ("(s)", "soon"), NULL,
                                     &error2));
  g_assert_error (error2, FL_ERROR, FL_ERROR_INVALID_ARGUMENT);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
test_shutdown_waits_for_running (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(FlFuture) a = submit_job (executor, "sleep", g_variant_new ("(u)", 30));
  g_autoptr(FlFuture) b = submit_job (executor, "sleep", g_variant_new ("(u)", 30));
  g_autoptr(FlFuture) c = submit_job (executor, "sleep", g_variant_new ("(u)", 30));

  fl_executor_shutdown (executor, TRUE, FALSE);
  /* Without cancel_futures even the queued one ran. */
  g_assert_cmpint (fl_future_get_state (a), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_state (b), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_state (c), ==, FL_FUTURE_FINISHED);
}

static void
test_shutdown_cancel_futures (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) running = fl_executor_submit_func (executor, fl_test_gate_func, gate, NULL,
                                                         NULL, NULL);
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_object_unref);

  for (int i = 0; i < 10; i++)
    g_ptr_array_add (queued, submit_job (executor, "echo", NULL));
  fl_test_gate_wait_entered (gate, 1);

  fl_executor_shutdown (executor, FALSE, TRUE);
  /* Cancelled at once, before shutdown returned, even without waiting. */
  for (guint i = 0; i < queued->len; i++)
    g_assert_true (fl_future_is_cancelled (g_ptr_array_index (queued, i)));
  g_assert_true (fl_future_is_running (running));

  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, TRUE);   /* idempotent, and now waits */
  g_assert_cmpint (fl_future_get_state (running), ==, FL_FUTURE_FINISHED);
  fl_test_gate_free (gate);
}

static void
test_shutdown_idempotent_without_wait (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(FlFuture) future = submit_job (executor, "sleep", g_variant_new ("(u)", 20));

  fl_executor_shutdown (executor, FALSE, FALSE);
  fl_executor_shutdown (executor, FALSE, FALSE);
  g_assert_true (fl_future_wait (future, FL_TIMEOUT_INFINITE));
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);
}

static void
test_lanes_are_stable_and_bounded (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (3);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean seen[3] = { FALSE, FALSE, FALSE };

  for (int i = 0; i < 60; i++)
    g_ptr_array_add (futures, submit_job (executor, "sleep", g_variant_new ("(u)", 2)));
  fl_executor_shutdown (executor, TRUE, FALSE);

  for (guint i = 0; i < futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (futures, i);
      int lane = fl_future_get_lane (future);

      g_assert_cmpint (fl_future_get_lane_kind (future), ==, FL_LANE_THREAD);
      g_assert_cmpint (lane, >=, 0);
      g_assert_cmpint (lane, <, 3);
      seen[lane] = TRUE;
    }
  /* 60 sleeping jobs on 3 workers: every lane was needed. */
  g_assert_true (seen[0] && seen[1] && seen[2]);
}

typedef struct
{
  FlMutex  mutex;
  GThread *threads[8];
  int      n;
} ThreadSet;

static GVariant *
record_thread_func (gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  ThreadSet *set = data;
  GThread *self = g_thread_self ();
  gboolean known = FALSE;

  fl_mutex_lock (&set->mutex);
  for (int i = 0; i < set->n; i++)
    known |= set->threads[i] == self;
  if (!known && set->n < 8)
    set->threads[set->n++] = self;
  fl_mutex_unlock (&set->mutex);
  return g_variant_new_boolean (TRUE);
}

static void
test_submit_func_runs_on_worker_threads (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  ThreadSet set = { 0 };
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);

  fl_mutex_init (&set.mutex);
  for (int i = 0; i < 200; i++)
    g_ptr_array_add (futures, fl_executor_submit_func (executor, record_thread_func, &set, NULL,
                                                       NULL, NULL));
  fl_executor_shutdown (executor, TRUE, FALSE);

  g_assert_cmpint (set.n, >=, 1);
  g_assert_cmpint (set.n, <=, 2);
  for (int i = 0; i < set.n; i++)
    g_assert_true (set.threads[i] != g_thread_self ());
  for (guint i = 0; i < futures->len; i++)
    g_assert_cmpint (fl_future_get_state (g_ptr_array_index (futures, i)), ==, FL_FUTURE_FINISHED);
  fl_mutex_clear (&set.mutex);
}

static void
test_map_results_in_submission_order (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (3);
  GVariant *args[5];
  guint delays[5] = { 40, 0, 30, 10, 20 };   /* finish out of order on purpose */
  g_autoptr(FlMapIter) iter = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *value;
  guint i = 0;

  for (i = 0; i < 5; i++)
    args[i] = g_variant_new ("(u)", delays[i]);
  iter = fl_executor_map (executor, "sleep", args, 5, FL_TIMEOUT_INFINITE, &error);
  g_assert_no_error (error);

  i = 0;
  while (fl_map_iter_next (iter, &value, &error))
    {
      g_assert_cmpuint (g_variant_get_uint32 (value), ==, delays[i]);
      g_variant_unref (value);
      i++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (i, ==, 5);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

/* A job for map(): "boom" fails, "gate" waits on the shared gate, anything else echoes. */
static FlTestGate *map_gate;

static GVariant *
maybe_fail_job (GVariant       *args,
                GCancellable   *cancellable,
                FlJobProgress  *progress,
                GError        **error)
{
  const char *word;

  g_variant_get (args, "(&s)", &word);
  if (g_str_equal (word, "boom"))
    {
      g_set_error_literal (error, FL_ERROR, FL_ERROR_FAILED, "boom");
      return NULL;
    }
  if (g_str_equal (word, "gate"))
    return fl_test_gate_func (map_gate, cancellable, error);
  return g_variant_new ("(s)", word);
}

static const FlJobInfo maybe_fail_info = {
  "maybe-fail", "(s)", maybe_fail_job, NULL, NULL, "test job"
};

static void
test_map_error_surfaces_when_reached (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  GVariant *args[4] = { g_variant_new ("(s)", "ok"), g_variant_new ("(s)", "boom"),
                        g_variant_new ("(s)", "gate"), g_variant_new ("(s)", "never") };
  g_autoptr(FlMapIter) iter = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *value = NULL;
  g_autoptr(GPtrArray) futures = NULL;

  map_gate = fl_test_gate_new ();
  iter = fl_executor_map (executor, "maybe-fail", args, 4, FL_TIMEOUT_INFINITE, &error);
  g_assert_no_error (error);
  futures = fl_map_iter_dup_futures (iter);

  g_assert_true (fl_map_iter_next (iter, &value, &error));
  g_assert_cmpstr (g_variant_get_type_string (value), ==, "(s)");
  g_variant_unref (value);

  /* One worker: "gate" is running (held by the gate) while "never" is still queued. */
  fl_test_gate_wait_entered (map_gate, 1);
  g_assert_false (fl_map_iter_next (iter, &value, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "boom");
  g_clear_error (&error);

  /* The error closed the iteration: pending items were cancelled, running ones not. */
  g_assert_false (fl_map_iter_next (iter, &value, &error));
  g_assert_no_error (error);
  g_assert_true (fl_future_is_running (g_ptr_array_index (futures, 2)));
  g_assert_true (fl_future_is_cancelled (g_ptr_array_index (futures, 3)));

  fl_test_gate_open (map_gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_assert_cmpint (fl_future_get_state (g_ptr_array_index (futures, 2)), ==, FL_FUTURE_FINISHED);
  g_clear_pointer (&map_gate, fl_test_gate_free);
}

static void
test_map_timeout_counts_from_call (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) blocker = fl_executor_submit_func (executor, fl_test_gate_func, gate,
                                                         NULL, NULL, NULL);
  GVariant *args[2] = { g_variant_new ("(i)", 1), g_variant_new ("(i)", 2) };
  g_autoptr(FlMapIter) iter = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) futures = NULL;

  iter = fl_executor_map (executor, "echo", args, 2, 30 * 1000, &error);
  g_assert_no_error (error);
  futures = fl_map_iter_dup_futures (iter);

  g_assert_false (fl_map_iter_next (iter, NULL, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_TIMEOUT);
  /* The rest was cancelled, as Python's map does when its generator is closed. */
  g_assert_true (fl_future_is_cancelled (g_ptr_array_index (futures, 1)));

  fl_test_gate_open (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

static void
map_async_next (GObject      *source,
                GAsyncResult *result,
                gpointer      data);

typedef struct
{
  FlMapIter *iter;
  GString   *seen;
  gboolean   finished;
} MapAsync;

static void
map_async_next (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  MapAsync *state = data;
  g_autoptr(GError) error = NULL;
  GVariant *value = NULL;

  if (!fl_map_iter_next_finish (state->iter, result, &value, &error))
    {
      g_assert_no_error (error);
      state->finished = TRUE;
      return;
    }
  g_string_append_printf (state->seen, "%u,", g_variant_get_uint32 (value));
  g_variant_unref (value);
  fl_map_iter_next_async (state->iter, NULL, map_async_next, state);
}

static void
test_map_async_in_order (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (3);
  GVariant *args[3] = { g_variant_new ("(u)", 30), g_variant_new ("(u)", 0),
                        g_variant_new ("(u)", 10) };
  MapAsync state = { NULL, g_string_new (NULL), FALSE };

  state.iter = fl_executor_map (executor, "sleep", args, 3, FL_TIMEOUT_INFINITE, NULL);
  fl_map_iter_next_async (state.iter, NULL, map_async_next, &state);
  fl_test_spin_until (state.finished, 5000);
  g_assert_cmpstr (state.seen->str, ==, "30,0,10,");

  fl_map_iter_free (state.iter);
  g_string_free (state.seen, TRUE);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
test_inline_executor_runs_in_submit (void)
{
  g_autoptr(FlExecutor) executor = fl_inline_executor_new ();
  g_autoptr(FlFuture) ok = submit_job (executor, "echo", g_variant_new ("(i)", 5));
  g_autoptr(FlFuture) bad = submit_job (executor, "fail", g_variant_new ("(s)", "inline"));
  g_autoptr(FlFuture) func = NULL;
  ThreadSet set = { 0 };

  g_assert_cmpint (fl_future_get_state (ok), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_state (bad), ==, FL_FUTURE_FAILED);
  /* On the main thread the lane is the main loop: that is the freeze. */
  g_assert_cmpint (fl_future_get_lane_kind (ok), ==, FL_LANE_MAIN_LOOP);

  fl_mutex_init (&set.mutex);
  func = fl_executor_submit_func (executor, record_thread_func, &set, NULL, NULL, NULL);
  g_assert_true (fl_future_is_done (func));
  g_assert_true (set.threads[0] == g_thread_self ());
  fl_mutex_clear (&set.mutex);

  fl_executor_shutdown (executor, TRUE, TRUE);
}

static void
test_loop_executor_respects_limit (void)
{
  g_autoptr(FlExecutor) executor = fl_loop_executor_new (NULL, 3);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  guint max_running = 0;
  gboolean all_done = FALSE;

  for (int i = 0; i < 12; i++)
    g_ptr_array_add (futures, submit_job (executor, "sleep", g_variant_new ("(u)", 15)));

  /* Nothing starts inside submit(). */
  for (guint i = 0; i < futures->len; i++)
    g_assert_cmpint (fl_future_get_state (g_ptr_array_index (futures, i)), ==, FL_FUTURE_PENDING);

  while (!all_done)
    {
      guint running = 0;

      all_done = TRUE;
      for (guint i = 0; i < futures->len; i++)
        {
          FlFuture *f = g_ptr_array_index (futures, i);
          running += fl_future_is_running (f);
          all_done &= fl_future_is_done (f);
        }
      max_running = MAX (max_running, running);
      if (!all_done)
        fl_test_iterate (50);
    }

  g_assert_cmpuint (max_running, ==, 3);
  for (guint i = 0; i < futures->len; i++)
    {
      FlFuture *f = g_ptr_array_index (futures, i);
      g_assert_cmpint (fl_future_get_state (f), ==, FL_FUTURE_FINISHED);
      g_assert_cmpint (fl_future_get_lane_kind (f), ==, FL_LANE_MAIN_LOOP);
    }
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
test_loop_executor_cancel_and_shutdown (void)
{
  g_autoptr(FlExecutor) executor = fl_loop_executor_new (NULL, 1);
  g_autoptr(FlFuture) first = submit_job (executor, "sleep", g_variant_new ("(u)", 60000));
  g_autoptr(FlFuture) second = submit_job (executor, "sleep", g_variant_new ("(u)", 10));

  fl_test_spin_until (fl_future_is_running (first), 5000);
  g_assert_false (fl_future_cancel (first));
  fl_future_request_cancel (first);
  fl_test_spin_until (fl_future_is_done (first), 5000);
  g_assert_true (fl_future_is_cancelled (first));

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_assert_cmpint (fl_future_get_state (second), ==, FL_FUTURE_FINISHED);
}

static void
test_loop_executor_sync_job_blocks_the_loop (void)
{
  g_autoptr(FlExecutor) executor = fl_loop_executor_new (NULL, 4);
  g_autoptr(FlFuture) spin = submit_job (executor, "spin", g_variant_new ("(t)", (guint64) 2000));

  fl_test_spin_until (fl_future_is_done (spin), 5000);
  g_assert_cmpint (fl_future_get_state (spin), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_lane_kind (spin), ==, FL_LANE_MAIN_LOOP);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static gboolean
busy_redraw_cb (gpointer data)
{
  gint64 end = g_get_monotonic_time () + 500;

  /* a frame that takes longer than the frame interval: the next one is due at once */
  (*(guint *) data)++;
  while (g_get_monotonic_time () < end)
    ;
  return G_SOURCE_CONTINUE;
}

static void
set_flag_cb (FlFuture *future,
             gpointer  data)
{
  *(gboolean *) data = TRUE;
}

/* A window that redraws without pause keeps a source above the dispatcher's idle
 * priority ready at every iteration: results still arrive (they would never). */
static void
test_dispatcher_not_starved_by_redraws (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlFuture) future = NULL;
  g_autoptr(GSource) redraw = g_idle_source_new ();
  FlTestGate *gate = fl_test_gate_new ();
  FlDispatchStats stats;
  gboolean delivered = FALSE;
  guint frames = 0;

  g_source_set_priority (redraw, G_PRIORITY_HIGH_IDLE + 20); /* GDK_PRIORITY_REDRAW */
  g_source_set_callback (redraw, busy_redraw_cb, &frames, NULL);
  g_source_attach (redraw, NULL);
  fl_dispatcher_reset_stats (NULL);

  /* the job ends only once the loop redraws without pause */
  future = fl_executor_submit_func (executor, fl_test_gate_func, gate, NULL, NULL, NULL);
  fl_future_add_done_callback (future, set_flag_cb, &delivered, NULL);
  fl_test_gate_wait_entered (gate, 1);
  fl_test_gate_open (gate);
  fl_test_spin_until (delivered, 5000);
  g_source_destroy (redraw);

  fl_dispatcher_get_stats (NULL, &stats);
  g_test_message ("delivered after %u redraws, %" G_GUINT64_FORMAT " starved dispatches",
                  frames, stats.starved);
  g_assert_cmpuint (stats.starved, >=, 1);
  g_assert_cmpuint (frames, >, 0);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_test_gate_free (gate);
}

static void
test_dispatcher_batches_completions (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  const guint n = 20000 / FL_TEST_SLOWDOWN;
  g_autoptr(GPtrArray) futures = g_ptr_array_new_full (n, g_object_unref);
  FlDispatchStats stats;
  guint delivered = 0;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (futures, submit_job (executor, "echo", NULL));
  fl_executor_shutdown (executor, TRUE, FALSE);

  /* All done before the loop ran at all: one dispatch must deliver everything. */
  fl_dispatcher_reset_stats (NULL);
  fl_test_spin_until (({
    FlFutureState s;
    g_object_get (g_ptr_array_index (futures, n - 1), "state", &s, NULL);
    s == FL_FUTURE_FINISHED; }), 5000);
  fl_dispatcher_get_stats (NULL, &stats);
  delivered = (guint) stats.deliveries;
  g_assert_cmpuint (delivered, >=, n);
  g_assert_cmpuint (stats.dispatches, <=, 4);
}

static void
test_simulated_gil_serialises_cpu (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(FlFuture) a = NULL;
  g_autoptr(FlFuture) b = NULL;
  gint64 overlap_start, overlap_end;

  fl_thread_executor_set_gil (FL_THREAD_EXECUTOR (executor), TRUE);
  g_assert_true (fl_thread_executor_get_gil (FL_THREAD_EXECUTOR (executor)));
  a = submit_job (executor, "spin", g_variant_new ("(t)", (guint64) 60000));
  b = submit_job (executor, "spin", g_variant_new ("(t)", (guint64) 60000));
  fl_executor_shutdown (executor, TRUE, FALSE);

  /* Both ran on their own threads at the same time, yet took turns for the CPU: the
   * spans overlap (each was switched out while the other ran). */
  g_assert_cmpint (fl_future_get_lane (a), !=, fl_future_get_lane (b));
  overlap_start = MAX (fl_future_get_started_time (a), fl_future_get_started_time (b));
  overlap_end = MIN (fl_future_get_finished_time (a), fl_future_get_finished_time (b));
  g_assert_cmpint (overlap_end, >, overlap_start);
  g_assert_cmpint (fl_future_get_state (a), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_future_get_state (b), ==, FL_FUTURE_FINISHED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();
  fl_job_registry_register (&maybe_fail_info);

  g_test_add_func ("/engine/executor/default-max-workers", test_default_max_workers);
  g_test_add_func ("/engine/executor/submit-after-shutdown", test_submit_after_shutdown);
  g_test_add_func ("/engine/executor/unknown-job-and-bad-arguments",
                   test_unknown_job_and_bad_arguments);
  g_test_add_func ("/engine/executor/shutdown-waits-for-running", test_shutdown_waits_for_running);
  g_test_add_func ("/engine/executor/shutdown-cancel-futures", test_shutdown_cancel_futures);
  g_test_add_func ("/engine/executor/shutdown-idempotent-without-wait",
                   test_shutdown_idempotent_without_wait);
  g_test_add_func ("/engine/executor/lanes-are-stable-and-bounded",
                   test_lanes_are_stable_and_bounded);
  g_test_add_func ("/engine/executor/submit-func-runs-on-worker-threads",
                   test_submit_func_runs_on_worker_threads);
  g_test_add_func ("/engine/executor/map-results-in-submission-order",
                   test_map_results_in_submission_order);
  g_test_add_func ("/engine/executor/map-error-surfaces-when-reached",
                   test_map_error_surfaces_when_reached);
  g_test_add_func ("/engine/executor/map-timeout-counts-from-call",
                   test_map_timeout_counts_from_call);
  g_test_add_func ("/engine/executor/map-async-in-order", test_map_async_in_order);
  g_test_add_func ("/engine/executor/inline-runs-in-submit", test_inline_executor_runs_in_submit);
  g_test_add_func ("/engine/executor/loop-respects-limit", test_loop_executor_respects_limit);
  g_test_add_func ("/engine/executor/loop-cancel-and-shutdown",
                   test_loop_executor_cancel_and_shutdown);
  g_test_add_func ("/engine/executor/loop-sync-job-blocks-the-loop",
                   test_loop_executor_sync_job_blocks_the_loop);
  g_test_add_func ("/engine/dispatcher/batches-completions", test_dispatcher_batches_completions);
  g_test_add_func ("/engine/dispatcher/not-starved-by-redraws",
                   test_dispatcher_not_starved_by_redraws);
  g_test_add_func ("/engine/executor/simulated-gil-serialises-cpu",
                   test_simulated_gil_serialises_cpu);

  return g_test_run ();
}
