/* test-process-executor.c: the process pool, its worker protocol and its frame codec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real futures-lab-worker from the build tree. The malformed-frame tests use
 * this very binary as a fake worker (started with --fd, see fake_worker_main()), which
 * says hello properly and then misbehaves in the way its job's argument names.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "futures-lab-engine.h"
#include "fl-frame.h"
#include "fl-process-executor-private.h"
#include "fl-test-utils.h"

#define JOB_TIMEOUT_MS 10000

/* Helpers --------------------------------------------------------------------------------- */

static void
wait_done (FlFuture *future)
{
  fl_test_spin_until (fl_future_is_done (future), JOB_TIMEOUT_MS);
}

static void
wait_running (FlFuture *future)
{
  fl_test_spin_until (fl_future_get_state (future) != FL_FUTURE_PENDING, JOB_TIMEOUT_MS);
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_RUNNING);
}

static FlExecutor *
new_pool (guint       workers,
          gboolean    strict,
          const char *worker_path)
{
  FlExecutor *executor = fl_process_executor_new_full (workers, strict, worker_path);
  g_autoptr(GError) error = NULL;

  fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor),
                                  (gint64) JOB_TIMEOUT_MS * FL_TEST_SLOWDOWN * 1000, &error);
  g_assert_no_error (error);
  return executor;
}

static FlFuture *
submit (FlExecutor *executor,
        const char *job,
        GVariant   *args)
{
  g_autoptr(GError) error = NULL;
  FlFuture *future = fl_executor_submit (executor, job, args, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (future);
  return future;
}

/* Our children, from the process table: every process whose parent is us. Zombies count. */
static guint
count_children (guint *zombies)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  *zombies = 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *after;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      after = strrchr (stat, ')');        /* the command name may contain anything */
      if (after == NULL || sscanf (after, ") %c %d", &state, &ppid) != 2)
        continue;
      if (ppid == (int) getpid ())
        {
          g_test_message ("child %s: %s", name, stat);
          n++;
          if (state == 'Z')
            (*zombies)++;
        }
    }
  return n;
}

static void
assert_no_children (void)
{
  guint zombies = 0;

  g_assert_cmpuint (count_children (&zombies), ==, 0);
  g_assert_cmpuint (zombies, ==, 0);
}

static gboolean
process_exists (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *after;
  char state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  after = strrchr (stat, ')');
  /* A zombie is dead, even if it has not been reaped. */
  return after != NULL && sscanf (after, ") %c", &state) == 1 && state != 'Z';
}

typedef struct
{
  guint      exited;
  guint      started;
  GPtrArray *reasons;
} WorkerEvents;

static void
on_worker_exited (FlProcessExecutor *executor,
                  guint              lane,
                  int                pid,
                  const char        *reason,
                  WorkerEvents      *events)
{
  events->exited++;
  g_ptr_array_add (events->reasons, g_strdup (reason));
}

static void
on_worker_started (FlProcessExecutor *executor,
                   guint              lane,
                   int                pid,
                   WorkerEvents      *events)
{
  events->started++;
}

static void
watch_events (FlExecutor   *executor,
              WorkerEvents *events)
{
  events->reasons = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (executor, "worker-exited", G_CALLBACK (on_worker_exited), events);
  g_signal_connect (executor, "worker-started", G_CALLBACK (on_worker_started), events);
}

static void
shutdown_and_check (FlExecutor *executor)
{
  fl_executor_shutdown (executor, TRUE, TRUE);
  /* Let queued worker events reach this context before the executor goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  assert_no_children ();
}

/* Frame codec ----------------------------------------------------------------------------- */

static void
test_frame_roundtrip (void)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_parent, 0);
  g_autoptr(GBytes) a = fl_frame_encode (FL_FRAME_RESULT, 7, g_variant_new_string ("héllo"));
  g_autoptr(GBytes) b = fl_frame_encode (FL_FRAME_PROGRESS, 8, g_variant_new ("(dt)", 0.5, 9));
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize length;
  guchar kind;
  guint64 id;

  /* Byte by byte: a frame is only complete at its last byte. */
  data = g_bytes_get_data (a, &length);
  for (gsize i = 0; i < length; i++)
    {
      g_assert_false (fl_frame_reader_next (reader, &kind, &id, &body, &error));
      g_assert_no_error (error);
      fl_frame_reader_feed (reader, data + i, 1);
    }
  data = g_bytes_get_data (b, &length);
  fl_frame_reader_feed (reader, data, length);

  g_assert_true (fl_frame_reader_next (reader, &kind, &id, &body, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, FL_FRAME_RESULT);
  g_assert_cmpuint (id, ==, 7);
  g_assert_cmpstr (g_variant_get_string (body, NULL), ==, "héllo");
  g_clear_pointer (&body, g_variant_unref);

  g_assert_true (fl_frame_reader_next (reader, &kind, &id, &body, &error));
  g_assert_cmpint (kind, ==, FL_FRAME_PROGRESS);
  g_assert_cmpuint (id, ==, 8);
  g_assert_cmpuint (fl_frame_reader_get_buffered (reader), ==, 0);
}

static void
feed_header (FlFrameReader *reader,
             guint32        size)
{
  guint32 be = GUINT32_TO_BE (size);

  fl_frame_reader_feed (reader, (const guint8 *) &be, sizeof be);
}

static void
test_frame_rejects_oversize (void)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_parent, 1024);
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GError) error = NULL;
  guchar kind;
  guint64 id;

  /* Refused from the header alone: nothing is allocated for the announced size. */
  feed_header (reader, 0xffffffffu);
  g_assert_false (fl_frame_reader_next (reader, &kind, &id, &body, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "outside 1..1024"));
  g_clear_error (&error);

  /* And the stream stays refused: its frame boundaries are lost. */
  g_assert_false (fl_frame_reader_next (reader, &kind, &id, &body, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_PROTOCOL);
}

static void
test_frame_rejects_zero_length (void)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_parent, 0);
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GError) error = NULL;
  guchar kind;
  guint64 id;

  feed_header (reader, 0);
  g_assert_false (fl_frame_reader_next (reader, &kind, &id, &body, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_PROTOCOL);
}

static void
test_frame_rejects_wrong_types (void)
{
  struct {
    guchar      kind;
    GVariant   *body;
    const char *expect;
  } cases[] = {
    { FL_FRAME_PROGRESS, g_variant_new_string ("half"), "carries s, expected (dt)" },
    { FL_FRAME_ERROR, g_variant_new ("(si)", "x", 1), "carries (si), expected (sis)" },
    { FL_FRAME_JOB, g_variant_new ("(smv)", "echo", NULL), "unknown message kind" },
    { 'Z', g_variant_new_string ("?"), "unknown message kind 0x5a" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_parent, 0);
      g_autoptr(GBytes) frame = fl_frame_encode (cases[i].kind, 1, cases[i].body);
      g_autoptr(GVariant) body = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;
      const guint8 *data = g_bytes_get_data (frame, &length);
      guchar kind;
      guint64 id;

      fl_frame_reader_feed (reader, data, length);
      g_assert_false (fl_frame_reader_next (reader, &kind, &id, &body, &error));
      g_assert_error (error, FL_ERROR, FL_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, cases[i].expect));
      g_assert_null (body);
    }
}

/* Random payloads behind valid headers: each one is a message or an error, never a crash
 * (ASan/UBSan watch the decoder here). */
static void
test_frame_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);
  guint errors = 0, messages = 0;

  for (guint round = 0; round < 20000; round++)
    {
      g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_parent, 0);
      g_autoptr(GVariant) body = NULL;
      g_autoptr(GError) error = NULL;
      guint8 payload[64];
      guint32 size = g_rand_int_range (rand, 1, sizeof payload + 1);
      guchar kind;
      guint64 id;

      for (guint i = 0; i < size; i++)
        payload[i] = (guint8) g_rand_int (rand);
      /* Often start from a real envelope and damage a few bytes of it. */
      if (round % 2 == 0)
        {
          g_autoptr(GBytes) good = fl_frame_encode (FL_FRAME_ERROR, round,
                                                    g_variant_new ("(sis)", "d", 1, "m"));
          gsize good_size;
          const guint8 *good_data = g_bytes_get_data (good, &good_size);

          size = MIN (good_size - FL_FRAME_HEADER_SIZE, sizeof payload);
          memcpy (payload, good_data + FL_FRAME_HEADER_SIZE, size);
          payload[g_rand_int_range (rand, 0, size)] = (guint8) g_rand_int (rand);
        }
      feed_header (reader, size);
      fl_frame_reader_feed (reader, payload, size);
      if (fl_frame_reader_next (reader, &kind, &id, &body, &error))
        {
          messages++;
          g_assert_nonnull (body);
        }
      else
        {
          g_assert_error (error, FL_ERROR, FL_ERROR_PROTOCOL);
          errors++;
        }
    }
  g_assert_cmpuint (errors, >, 0);
  g_assert_cmpuint (errors + messages, ==, 20000);
}

/* The pool ------------------------------------------------------------------------------- */

static GVariant *
trivial_func (gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  return g_variant_new_boolean (TRUE);
}

static void
test_process_roundtrip (void)
{
  g_autoptr(FlExecutor) executor = new_pool (2, FALSE, NULL);
  g_autoptr(FlFuture) echo = submit (executor, "echo", g_variant_new ("(sx)", "ping", -5));
  g_autoptr(FlFuture) fail = submit (executor, "fail", g_variant_new ("(s)", "no luck"));
  g_autoptr(GError) error = NULL;
  FlFuture *refused;
  GVariant *value;
  const GError *failure;

  g_assert_cmpint (fl_executor_get_lane_kind (executor), ==, FL_LANE_PROCESS);
  wait_done (echo);
  wait_done (fail);

  g_assert_cmpint (fl_future_get_state (echo), ==, FL_FUTURE_FINISHED);
  value = fl_future_peek_result (echo);
  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE ("(sx)")));
  {
    g_autoptr(GVariant) first = g_variant_get_child_value (value, 0);

    g_assert_cmpstr (g_variant_get_string (first, NULL), ==, "ping");
  }
  g_assert_cmpint (fl_future_get_lane_kind (echo), ==, FL_LANE_PROCESS);
  g_assert_cmpint (fl_future_get_lane (echo), >=, 0);
  g_assert_cmpint (fl_future_get_lane (echo), <, 2);

  /* The error crosses the process boundary with its domain, code and message. */
  g_assert_cmpint (fl_future_get_state (fail), ==, FL_FUTURE_FAILED);
  failure = fl_future_peek_error (fail);
  g_assert_error ((GError *) failure, FL_ERROR, FL_ERROR_FAILED);
  g_assert_cmpstr (failure->message, ==, "no luck");

  /* A C function cannot be sent to another process. */
  refused = fl_executor_submit_func (executor, trivial_func, NULL, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, FL_ERROR, FL_ERROR_NOT_SUPPORTED);

  shutdown_and_check (executor);
}

typedef struct
{
  const char *kind;
  const char *message;
} CrashKind;

static void
test_process_crash_kinds (void)
{
  g_autoptr(FlExecutor) executor = new_pool (2, FALSE, NULL);
  FlProcessExecutor *pool = FL_PROCESS_EXECUTOR (executor);
  static const CrashKind kinds[] = {
    { "segv", "died: signal 11, Segmentation fault" },
    { "abort", "died: signal 6, Aborted" },
    { "exit", "died: exit status 3" },
    { "kill", "died: signal 9, Killed" },
  };
  WorkerEvents events = { 0 };

  watch_events (executor, &events);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      /* A long job on one worker, then a crash: it lands on the other worker. */
      g_autoptr(FlFuture) bystander = submit (executor, "sleep", g_variant_new ("(u)", 300));
      g_autoptr(FlFuture) crash = NULL;
      g_autoptr(FlFuture) after = NULL;
      g_autofree char *expected = NULL;
      int bystander_lane, crash_lane, old_pid;

      wait_running (bystander);
      bystander_lane = fl_future_get_lane (bystander);
      crash_lane = 1 - bystander_lane;
      old_pid = fl_process_executor_get_worker_pid (pool, crash_lane);
      g_assert_cmpint (old_pid, >, 0);

      crash = submit (executor, "crash", g_variant_new ("(s)", kinds[i].kind));
      wait_done (crash);
      g_assert_cmpint (fl_future_get_state (crash), ==, FL_FUTURE_FAILED);
      g_assert_cmpint (fl_future_get_lane (crash), ==, crash_lane);
      expected = g_strdup_printf ("worker process %d %s", crash_lane + 1, kinds[i].message);
      g_assert_error ((GError *) fl_future_peek_error (crash), FL_ERROR, FL_ERROR_WORKER_DIED);
      g_assert_cmpstr (fl_future_peek_error (crash)->message, ==, expected);

      /* The other future carries on, and the dead worker is replaced. */
      wait_done (bystander);
      g_assert_cmpint (fl_future_get_state (bystander), ==, FL_FUTURE_FINISHED);
      g_assert_false (process_exists (old_pid));
      fl_test_spin_until (fl_process_executor_get_worker_pid (pool, crash_lane) > 0,
                          JOB_TIMEOUT_MS);
      g_assert_cmpint (fl_process_executor_get_worker_pid (pool, crash_lane), !=, old_pid);

      after = submit (executor, "echo", g_variant_new_string (kinds[i].kind));
      wait_done (after);
      g_assert_cmpint (fl_future_get_state (after), ==, FL_FUTURE_FINISHED);
    }

  fl_test_spin_until (events.exited == G_N_ELEMENTS (kinds), JOB_TIMEOUT_MS);
  g_assert_cmpuint (events.started, >=, 2 + G_N_ELEMENTS (kinds));
  shutdown_and_check (executor);
  g_ptr_array_unref (events.reasons);
}

static void
test_process_cancel_running (void)
{
  g_autoptr(FlExecutor) executor = new_pool (1, FALSE, NULL);
  FlProcessExecutor *pool = FL_PROCESS_EXECUTOR (executor);
  g_autoptr(FlFuture) long_job = submit (executor, "sleep", g_variant_new ("(u)", 600000));
  g_autoptr(FlFuture) next = NULL;
  int old_pid;

  wait_running (long_job);
  old_pid = fl_process_executor_get_worker_pid (pool, 0);
  g_assert_false (fl_future_cancel (long_job));      /* running: cancel() refuses */
  fl_future_request_cancel (long_job);
  wait_done (long_job);
  g_assert_cmpint (fl_future_get_state (long_job), ==, FL_FUTURE_CANCELLED);
  g_assert_false (process_exists (old_pid));

  /* The lane has a new worker that runs the next job. */
  next = submit (executor, "echo", g_variant_new_string ("after"));
  wait_done (next);
  g_assert_cmpint (fl_future_get_state (next), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_process_executor_get_worker_pid (pool, 0), !=, old_pid);
  shutdown_and_check (executor);
}

static void
test_process_cancel_escalates (void)
{
  g_autoptr(FlExecutor) executor = new_pool (1, FALSE, NULL);
  g_autoptr(FlFuture) stuck = NULL;
  WorkerEvents events = { 0 };

  watch_events (executor, &events);
  fl_process_executor_set_kill_grace_ms (FL_PROCESS_EXECUTOR (executor), 100);
  /* "stuck" ignores SIGTERM: only the SIGKILL after the grace period ends it. */
  stuck = submit (executor, "crash", g_variant_new ("(s)", "stuck"));
  wait_running (stuck);
  /* It reports progress once SIGTERM is ignored: cancel after that, never by the clock. */
  fl_test_spin_until (fl_future_get_progress (stuck) > 0.0, JOB_TIMEOUT_MS);
  fl_future_request_cancel (stuck);
  wait_done (stuck);
  g_assert_cmpint (fl_future_get_state (stuck), ==, FL_FUTURE_CANCELLED);
  fl_test_spin_until (events.exited == 1, JOB_TIMEOUT_MS);
  g_assert_cmpstr (events.reasons->pdata[0], ==, "worker process 1 died: signal 9, Killed");
  shutdown_and_check (executor);
  g_ptr_array_unref (events.reasons);
}

static void
test_process_strict (void)
{
  g_autoptr(FlExecutor) executor = new_pool (2, TRUE, NULL);
  g_autoptr(FlFuture) running = submit (executor, "sleep", g_variant_new ("(u)", 600000));
  g_autoptr(FlFuture) crash = NULL;
  g_autoptr(FlFuture) queued = NULL;
  g_autoptr(GError) error = NULL;
  FlFuture *refused;

  g_assert_true (fl_process_executor_get_strict (FL_PROCESS_EXECUTOR (executor)));
  wait_running (running);
  crash = submit (executor, "crash", g_variant_new ("(s)", "segv"));
  queued = submit (executor, "echo", g_variant_new_string ("never"));
  wait_done (crash);
  wait_done (running);
  wait_done (queued);

  /* BrokenProcessPool: the crash breaks everything that was not done. */
  g_assert_error ((GError *) fl_future_peek_error (crash), FL_ERROR, FL_ERROR_BROKEN_POOL);
  g_assert_nonnull (strstr (fl_future_peek_error (crash)->message,
                            "died: signal 11, Segmentation fault"));
  g_assert_error ((GError *) fl_future_peek_error (running), FL_ERROR, FL_ERROR_BROKEN_POOL);
  /* The queued echo may have reached the other lane: either way it must not succeed. */
  g_assert_cmpint (fl_future_get_state (queued), ==, FL_FUTURE_FAILED);
  g_assert_error ((GError *) fl_future_peek_error (queued), FL_ERROR, FL_ERROR_BROKEN_POOL);
  g_assert_true (fl_process_executor_is_broken (FL_PROCESS_EXECUTOR (executor)));

  refused = fl_executor_submit (executor, "echo", NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, FL_ERROR, FL_ERROR_BROKEN_POOL);
  shutdown_and_check (executor);
}

/* The lost-worker hook: holds the lane until the test opens the gate. */
static void
hold_lane (gpointer data,
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

static void
test_process_strict_broken_before_failing (void)
{
  g_autoptr(FlExecutor) executor = new_pool (1, TRUE, NULL);
  FlTestGate *gate = fl_test_gate_new ();
  g_autoptr(FlFuture) crash = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;
  FlFuture *refused;

  /* The lane stops right after the dead worker's future was failed: whoever that future
   * woke must already find the pool broken, as CPython marks it "so that submits fail
   * right now". */
  _fl_process_executor_set_lost_worker_hook (FL_PROCESS_EXECUTOR (executor), hold_lane, gate);
  crash = submit (executor, "crash", g_variant_new ("(s)", "segv"));
  value = fl_future_result (crash, FL_TIMEOUT_INFINITE, &error);
  g_assert_null (value);
  g_assert_error (error, FL_ERROR, FL_ERROR_BROKEN_POOL);
  g_clear_error (&error);

  g_assert_true (fl_process_executor_is_broken (FL_PROCESS_EXECUTOR (executor)));
  refused = fl_executor_submit (executor, "echo", NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, FL_ERROR, FL_ERROR_BROKEN_POOL);

  fl_test_gate_open (gate);
  shutdown_and_check (executor);
  fl_test_gate_free (gate);
}

static void
test_process_no_zombies (void)
{
  g_autoptr(FlExecutor) executor = new_pool (2, FALSE, NULL);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  WorkerEvents events = { 0 };
  guint zombies = 0;

  watch_events (executor, &events);

  /* Workers die every way there is, some while a job runs and some idle. */
  g_ptr_array_add (futures, submit (executor, "crash", g_variant_new ("(s)", "kill")));
  g_ptr_array_add (futures, submit (executor, "crash", g_variant_new ("(s)", "exit")));
  g_ptr_array_add (futures, submit (executor, "sleep", g_variant_new ("(u)", 600000)));
  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (futures, submit (executor, "echo", g_variant_new_uint32 (i)));
  wait_running (futures->pdata[2]);
  fl_future_request_cancel (futures->pdata[2]);
  for (guint i = 0; i < futures->len; i++)
    wait_done (futures->pdata[i]);
  fl_test_spin_until (events.exited == 3, JOB_TIMEOUT_MS);
  /* The exit is announced before the replacement starts: wait for lane 1's new worker. */
  fl_test_spin_until (fl_process_executor_get_worker_pid (FL_PROCESS_EXECUTOR (executor), 0) > 0,
                      JOB_TIMEOUT_MS);
  g_assert_true (fl_process_executor_kill_worker (FL_PROCESS_EXECUTOR (executor), 0, SIGKILL));
  fl_test_spin_until (events.exited == 4, JOB_TIMEOUT_MS);

  /* Four workers died: each was reaped, and exactly the two live ones are our children. */
  fl_test_spin_until (count_children (&zombies) == 2 && zombies == 0
                      && fl_process_executor_get_worker_pid (FL_PROCESS_EXECUTOR (executor), 0)
                         > 0, JOB_TIMEOUT_MS);
  shutdown_and_check (executor);
  g_ptr_array_unref (events.reasons);
}

static void
test_process_shutdown_mid_run (void)
{
  g_autoptr(FlExecutor) executor = new_pool (2, FALSE, NULL);
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  FlFuture *late;

  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (running, submit (executor, "sleep", g_variant_new ("(u)", 200)));
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (queued, submit (executor, "sleep", g_variant_new ("(u)", 200)));
  for (guint i = 0; i < running->len; i++)
    wait_running (running->pdata[i]);

  /* Without waiting: returns at once; queued jobs are cancelled, running ones finish. */
  fl_executor_shutdown (executor, FALSE, TRUE);
  for (guint i = 0; i < queued->len; i++)
    g_assert_cmpint (fl_future_get_state (queued->pdata[i]), ==, FL_FUTURE_CANCELLED);
  late = fl_executor_submit (executor, "echo", NULL, NULL, &error);
  g_assert_null (late);
  g_assert_error (error, FL_ERROR, FL_ERROR_SHUTDOWN);

  for (guint i = 0; i < running->len; i++)
    {
      wait_done (running->pdata[i]);
      g_assert_cmpint (fl_future_get_state (running->pdata[i]), ==, FL_FUTURE_FINISHED);
    }
  /* Then the workers are closed and reaped on their own. */
  {
    guint zombies = 0;

    fl_test_spin_until (count_children (&zombies) == 0, JOB_TIMEOUT_MS);
  }
  shutdown_and_check (executor);
}

static void
test_process_terminate (void)
{
  g_autoptr(FlExecutor) executor = new_pool (2, FALSE, NULL);
  g_autoptr(FlFuture) a = submit (executor, "sleep", g_variant_new ("(u)", 600000));
  g_autoptr(FlFuture) b = submit (executor, "sleep", g_variant_new ("(u)", 600000));
  g_autoptr(FlFuture) c = submit (executor, "sleep", g_variant_new ("(u)", 600000));

  wait_running (a);
  wait_running (b);
  fl_process_executor_terminate (FL_PROCESS_EXECUTOR (executor));
  /* terminate() returns with every worker reaped and every future settled. */
  assert_no_children ();
  g_assert_cmpint (fl_future_get_state (a), ==, FL_FUTURE_CANCELLED);
  g_assert_cmpint (fl_future_get_state (b), ==, FL_FUTURE_CANCELLED);
  g_assert_cmpint (fl_future_get_state (c), ==, FL_FUTURE_CANCELLED);
  shutdown_and_check (executor);
}

static void
test_process_log_and_progress (void)
{
  g_autoptr(FlExecutor) executor = new_pool (1, FALSE, NULL);
  g_autoptr(FlFuture) noise = submit (executor, "crash", g_variant_new ("(s)", "noise"));
  g_autoptr(FlFuture) spin = NULL;
  g_autofree char *log = NULL;

  wait_done (noise);
  g_assert_cmpint (fl_future_get_state (noise), ==, FL_FUTURE_FINISHED);
  log = fl_future_dup_log (noise);
  g_assert_nonnull (log);
  /* Stray stdout goes to the log, not into the protocol. */
  g_assert_nonnull (strstr (log, "noise on stdout"));
  g_assert_nonnull (strstr (log, "noise on stderr"));

  spin = submit (executor, "spin", g_variant_new ("(t)", (guint64) 2 * G_USEC_PER_SEC));
  fl_test_spin_until (fl_future_get_progress (spin) > 0.0, JOB_TIMEOUT_MS);
  g_assert_false (fl_future_is_done (spin));
  fl_future_request_cancel (spin);
  wait_done (spin);
  g_assert_cmpint (fl_future_get_state (spin), ==, FL_FUTURE_CANCELLED);
  shutdown_and_check (executor);
}

static void
test_process_worker_missing (void)
{
  g_autoptr(FlExecutor) executor = fl_process_executor_new_full (1, FALSE, "/nonexistent/worker");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFuture) future = NULL;

  g_assert_false (fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor),
                                                  (gint64) JOB_TIMEOUT_MS * 1000, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Could not start worker process 1"));
  g_clear_error (&error);

  future = submit (executor, "echo", NULL);
  wait_done (future);
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FAILED);
  g_assert_nonnull (strstr (fl_future_peek_error (future)->message, "Could not start"));
  shutdown_and_check (executor);
}

static void
test_process_kill_worker_signals (void)
{
  g_autoptr(FlExecutor) executor = new_pool (1, FALSE, NULL);
  FlProcessExecutor *pool = FL_PROCESS_EXECUTOR (executor);
  WorkerEvents events = { 0 };
  int old_pid;

  watch_events (executor, &events);
  fl_test_spin_until (events.started == 1, JOB_TIMEOUT_MS);
  old_pid = fl_process_executor_get_worker_pid (pool, 0);
  g_assert_true (fl_process_executor_kill_worker (pool, 0, SIGKILL));
  fl_test_spin_until (events.exited == 1 && events.started == 2, JOB_TIMEOUT_MS);
  g_assert_cmpstr (events.reasons->pdata[0], ==, "worker process 1 died: signal 9, Killed");
  g_assert_cmpint (fl_process_executor_get_worker_pid (pool, 0), !=, old_pid);
  shutdown_and_check (executor);
  g_ptr_array_unref (events.reasons);
}

/* Malformed frames from a fake worker ----------------------------------------------------- */

static char *self_path;

/* The crash job lives in src/tasks and runs in the worker: the parent only needs its name
 * and argument type to submit it. */
static GVariant *
crash_stub_func (GVariant       *args,
                 GCancellable   *cancellable,
                 FlJobProgress  *progress,
                 GError        **error)
{
  g_set_error_literal (error, FL_ERROR, FL_ERROR_NOT_SUPPORTED, "only in the worker");
  return NULL;
}

static const FlJobInfo crash_stub = { "crash", "(s)", crash_stub_func, NULL, NULL, "" };

static void
write_raw (int           fd,
           const void   *data,
           gsize         length)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);

  fl_frame_write_all (fd, bytes, -1, NULL);
}

static void
write_frame (int       fd,
             guchar    kind,
             guint64   id,
             GVariant *body)
{
  g_autoptr(GBytes) frame = fl_frame_encode (kind, id, body);

  fl_frame_write_all (fd, frame, -1, NULL);
}

/* Before hello, does what $FL_FAKE_HELLO says; returns FALSE to exit instead of
 * serving jobs. */
static gboolean
fake_hello (int fd)
{
  const char *mode = g_getenv ("FL_FAKE_HELLO");

  if (mode == NULL || *mode == '\0')
    write_frame (fd, FL_FRAME_HELLO, 0,
                 g_variant_new ("(ux)", FL_FRAME_PROTOCOL_VERSION, (gint64) getpid ()));
  else if (g_str_equal (mode, "die"))
    _exit (3);
  else if (g_str_equal (mode, "wrong-version"))
    write_frame (fd, FL_FRAME_HELLO, 0, g_variant_new ("(ux)", 99, (gint64) getpid ()));
  else if (g_str_equal (mode, "wrong-pid"))
    write_frame (fd, FL_FRAME_HELLO, 0, g_variant_new ("(ux)", FL_FRAME_PROTOCOL_VERSION,
                                                      (gint64) 1));
  else if (g_str_equal (mode, "wrong-type"))
    write_frame (fd, FL_FRAME_HELLO, 0, g_variant_new_string ("hello"));
  else if (g_str_equal (mode, "result-first"))
    write_frame (fd, FL_FRAME_RESULT, 1, g_variant_new_string ("before hello"));
  else if (g_str_equal (mode, "garbage"))
    {
      static const guint8 junk[] = { 0, 0, 0, 6, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa };

      write_raw (fd, junk, sizeof junk);
    }
  else if (g_str_equal (mode, "huge"))
    {
      guint32 be = GUINT32_TO_BE (0x7fffffffu);

      write_raw (fd, &be, sizeof be);
    }
  else if (g_str_equal (mode, "truncated"))
    {
      g_autoptr(GBytes) frame = fl_frame_encode (FL_FRAME_HELLO, 0,
                                                 g_variant_new ("(ux)", FL_FRAME_PROTOCOL_VERSION,
                                                                (gint64) getpid ()));
      gsize length;
      const guint8 *data = g_bytes_get_data (frame, &length);

      write_raw (fd, data, length / 2);
      _exit (0);
    }
  return TRUE;
}

/* A reply bigger than the frame cap, really sent: the parent must refuse it from the
 * header, without buffering it. */
static void
write_huge_result (int     fd,
                   guint64 id)
{
  gsize size = FL_FRAME_DEFAULT_MAX_SIZE + 1024 * 1024;
  g_autofree char *text = g_malloc (size + 1);

  memset (text, 'x', size);
  text[size] = '\0';
  write_frame (fd, FL_FRAME_RESULT, id, g_variant_new_take_string (g_steal_pointer (&text)));
}

/* Says hello (or misbehaves first, see fake_hello()), then for each job does what its
 * argument (a string) says. */
static int
fake_worker_main (int fd)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_worker, 0);

  fake_hello (fd);
  for (;;)
    {
      g_autoptr(GVariant) body = NULL;
      g_autoptr(GVariant) args = NULL;
      const char *name, *mode = "";
      guchar kind;
      guint64 id;

      while (!fl_frame_reader_next (reader, &kind, &id, &body, NULL))
        if (fl_frame_reader_fill (reader, fd, NULL) <= 0)
          return 0;
      g_variant_get (body, "(&smv)", &name, &args);
      if (args != NULL && g_variant_is_of_type (args, G_VARIANT_TYPE_STRING))
        mode = g_variant_get_string (args, NULL);

      if (g_str_equal (mode, "oversize"))
        {
          guint32 be = GUINT32_TO_BE (0x7fffffffu);

          write_raw (fd, &be, sizeof be);
        }
      else if (g_str_equal (mode, "zero"))
        {
          guint32 be = 0;

          write_raw (fd, &be, sizeof be);
        }
      else if (g_str_equal (mode, "garbage"))
        {
          static const guint8 junk[] = { 0, 0, 0, 12, 'n', 'o', 't', ' ', 'a', ' ', 'v',
                                         'a', 'r', 'i', 'a', 'n' };

          write_raw (fd, junk, sizeof junk);
        }
      else if (g_str_equal (mode, "wrong-type"))
        write_frame (fd, FL_FRAME_PROGRESS, id, g_variant_new_string ("half done"));
      else if (g_str_equal (mode, "huge"))
        write_huge_result (fd, id);
      else if (g_str_equal (mode, "die"))
        _exit (4);
      else if (g_str_equal (mode, "wrong-id"))
        write_frame (fd, FL_FRAME_RESULT, id + 1000, g_variant_new_string ("not yours"));
      else if (g_str_equal (mode, "half-then-exit"))
        {
          g_autoptr(GBytes) frame = fl_frame_encode (FL_FRAME_RESULT, id,
                                                     g_variant_new_string ("cut short"));
          gsize length;
          const guint8 *data = g_bytes_get_data (frame, &length);

          write_raw (fd, data, length / 2);
          _exit (0);
        }
      else
        write_frame (fd, FL_FRAME_RESULT, id, g_variant_new_string ("fine"));
    }
}

static void
test_process_malformed_frames (void)
{
  g_autoptr(FlExecutor) executor = new_pool (1, FALSE, self_path);
  static const struct {
    const char *mode;
    int         code;
    const char *message;
  } cases[] = {
    { "oversize", FL_ERROR_PROTOCOL, "sent a malformed frame: Malformed frame: announced length" },
    { "zero", FL_ERROR_PROTOCOL, "sent a malformed frame" },
    { "garbage", FL_ERROR_PROTOCOL, "not a valid message" },
    { "wrong-type", FL_ERROR_PROTOCOL, "carries s, expected (dt)" },
    { "wrong-id", FL_ERROR_PROTOCOL, "broke the protocol" },
    { "half-then-exit", FL_ERROR_WORKER_DIED, "worker process 1 died: exit status 0" },
    { "huge", FL_ERROR_PROTOCOL, "sent a malformed frame: Malformed frame: announced length" },
    { "die", FL_ERROR_WORKER_DIED, "worker process 1 died: exit status 4" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlFuture) bad = submit (executor, "echo", g_variant_new_string (cases[i].mode));
      g_autoptr(FlFuture) good = NULL;
      const GError *error;

      wait_done (bad);
      g_assert_cmpint (fl_future_get_state (bad), ==, FL_FUTURE_FAILED);
      error = fl_future_peek_error (bad);
      g_test_message ("%s: %s", cases[i].mode, error->message);
      g_assert_error ((GError *) error, FL_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));

      /* The misbehaving worker was replaced: the next job is fine. */
      good = submit (executor, "echo", g_variant_new_string ("ok"));
      wait_done (good);
      g_assert_cmpint (fl_future_get_state (good), ==, FL_FUTURE_FINISHED);
      g_assert_cmpstr (g_variant_get_string (fl_future_peek_result (good), NULL), ==, "fine");
    }
  shutdown_and_check (executor);
}

/* Workers that never get going: each job ends with a clear error, the parent lives, and
 * the pool does not respawn in a tight loop. */
static void
check_start_failures (const char *worker_path,
                      guint       workers)
{
  g_autoptr(FlExecutor) executor = fl_process_executor_new_full ((int) workers, FALSE,
                                                                 worker_path);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  WorkerEvents events = { 0 };

  watch_events (executor, &events);
  g_assert_false (fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor),
                                                  (gint64) JOB_TIMEOUT_MS * FL_TEST_SLOWDOWN
                                                  * 1000, &error));
  g_assert_nonnull (error);
  g_test_message ("start: %s", error->message);
  g_assert_nonnull (strstr (error->message, "orker process"));

  for (guint i = 0; i < 6; i++)
    g_ptr_array_add (futures, submit (executor, "echo", g_variant_new_string ("ok")));
  for (guint i = 0; i < futures->len; i++)
    {
      const GError *job_error;

      wait_done (futures->pdata[i]);
      g_assert_cmpint (fl_future_get_state (futures->pdata[i]), ==, FL_FUTURE_FAILED);
      job_error = fl_future_peek_error (futures->pdata[i]);
      g_assert_true (job_error->domain == FL_ERROR);
      g_assert_true (job_error->code == FL_ERROR_WORKER_DIED
                     || job_error->code == FL_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (job_error->message, "orker process"));
    }
  g_test_message ("last job: %s", fl_future_peek_error (futures->pdata[5])->message);
  shutdown_and_check (executor);
  /* Backing off: a handful of tries per lane, not one per job or hundreds a second. */
  g_test_message ("%u workers started", events.started);
  g_assert_cmpuint (events.started, <=, 12 * workers);
  g_ptr_array_unref (events.reasons);
}

static void
test_process_worker_exits_at_once (void)
{
  check_start_failures ("/bin/false", 2);
}

static void
test_process_fake_worker_bad_hello (void)
{
  static const char *modes[] = { "die", "wrong-version", "wrong-pid", "wrong-type",
                                 "result-first", "garbage", "huge", "truncated" };

  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-fake-worker-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      /* A wrapper sets the mode: changing our own environment is not thread-safe. */
      g_autofree char *wrapper = g_build_filename (dir, modes[i], NULL);
      g_autofree char *script = g_strdup_printf ("#!/bin/sh\nFL_FAKE_HELLO=%s exec '%s' \"$@\"\n",
                                                 modes[i], self_path);

      g_test_message ("hello mode %s", modes[i]);
      g_file_set_contents (wrapper, script, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (wrapper, 0755), ==, 0);
      check_start_failures (wrapper, 1);
      g_unlink (wrapper);
    }
  g_rmdir (dir);
}

/* Exit: a pool never shut down finishes its work, as CPython joins its workers ---------- */

static FlFuture *exit_future;

static void
print_exit_state (void)
{
  printf ("state at exit: %s\n", fl_future_get_state (exit_future) == FL_FUTURE_FINISHED
                                   ? "finished" : "not finished");
  fflush (stdout);
}

static void
test_process_exit_finishes_work (void)
{
  if (g_test_subprocess ())
    {
      FlExecutor *executor;

      /* Registered before the engine's handler, so it runs after it. */
      atexit (print_exit_state);
      executor = new_pool (1, FALSE, NULL);
      exit_future = submit (executor, "sleep", g_variant_new ("(u)", 200));
      g_object_unref (executor);       /* dropped without shutdown() */
      return;
    }

  g_test_trap_subprocess (NULL, (guint64) 30 * G_USEC_PER_SEC * FL_TEST_SLOWDOWN,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*state at exit: finished*");
}

/* No orphans: the parent dies, its workers die with it ----------------------------------- */

/* In a child of the test: a pool busy with long jobs; prints the worker pids, then waits
 * to be killed. */
static G_GNUC_NORETURN void
doomed_parent_main (void)
{
  g_autoptr(FlExecutor) executor = new_pool (2, FALSE, NULL);
  FlProcessExecutor *pool = FL_PROCESS_EXECUTOR (executor);
  g_autoptr(FlFuture) a = submit (executor, "sleep", g_variant_new ("(u)", 600000));
  g_autoptr(FlFuture) b = submit (executor, "sleep", g_variant_new ("(u)", 600000));

  wait_running (a);
  wait_running (b);
  printf ("%d %d\n", fl_process_executor_get_worker_pid (pool, 0),
          fl_process_executor_get_worker_pid (pool, 1));
  fflush (stdout);
  for (;;)
    pause ();
}

static void
test_process_parent_death (void)
{
  const char *argv[] = { self_path, "--doomed-parent", NULL };
  g_autoptr(GSubprocess) parent = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  int pids[2];

  /* Orphans are re-parented to us, so we can see how they ended and reap them. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  parent = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (parent));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "%d %d", &pids[0], &pids[1]), ==, 2);

  g_subprocess_force_exit (parent);
  g_subprocess_wait (parent, NULL, &error);
  g_assert_no_error (error);

  /* Each worker must end by SIGKILL (PR_SET_PDEATHSIG), not run on as an orphan. */
  for (guint i = 0; i < 2; i++)
    {
      int status = 0;
      pid_t got = 0;

      /* Once the parent is reaped its workers are ours (we are their subreaper): wait
       * until waitpid() answers. "Not running" alone is not enough, since a worker that
       * dies between a WNOHANG waitpid() and a look at /proc would stay a zombie. */
      fl_test_spin_until ((got = waitpid (pids[i], &status, WNOHANG)) != 0, JOB_TIMEOUT_MS);
      if (got == pids[i])
        {
          g_assert_true (WIFSIGNALED (status));
          g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
        }
      else
        {
          /* Not ours after all (ECHILD): then it must be gone. */
          g_assert_cmpint (got, ==, -1);
          g_assert_false (process_exists (pids[i]));
        }
    }
  prctl (PR_SET_CHILD_SUBREAPER, 0);
  assert_no_children ();
}

/* Workers start a few at a time (one per core but one), so a pool's start never takes
 * every CPU from the app's main thread; all of them end up ready, and a job submitted
 * before they are runs as soon as the first one is. */
static void
test_process_staggered_start (void)
{
  g_autoptr(FlExecutor) executor = fl_process_executor_new_full (12, FALSE, NULL);
  FlProcessExecutor *pool = FL_PROCESS_EXECUTOR (executor);
  g_autoptr(FlFuture) future = submit (executor, "echo", g_variant_new ("(sx)", "early", 0));
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_process_executor_wait_ready (pool, (gint64) JOB_TIMEOUT_MS
                                                 * FL_TEST_SLOWDOWN * 1000, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    g_assert_cmpint (fl_process_executor_get_worker_pid (pool, i), >, 0);
  g_assert_cmpuint (_fl_process_executor_get_start_peak (pool), >=, 1);
  g_assert_cmpuint (_fl_process_executor_get_start_peak (pool), <=,
                    MAX (1, g_get_num_processors () - 1));

  wait_done (future);
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FINISHED);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

int
main (int    argc,
      char **argv)
{
  self_path = g_file_read_link ("/proc/self/exe", NULL);

  if (argc > 2 && strcmp (argv[1], "--fd") == 0)
    return fake_worker_main (atoi (argv[2]));

  fl_jobs_register_builtins ();
  fl_job_registry_register (&crash_stub);

  if (argc > 1 && strcmp (argv[1], "--doomed-parent") == 0)
    doomed_parent_main ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/frame/roundtrip-byte-by-byte", test_frame_roundtrip);
  g_test_add_func ("/engine/frame/rejects-oversize-from-header", test_frame_rejects_oversize);
  g_test_add_func ("/engine/frame/rejects-zero-length", test_frame_rejects_zero_length);
  g_test_add_func ("/engine/frame/rejects-wrong-types", test_frame_rejects_wrong_types);
  g_test_add_func ("/engine/frame/fuzz-never-crashes", test_frame_fuzz);
  g_test_add_func ("/engine/process/roundtrip-and-errors", test_process_roundtrip);
  g_test_add_func ("/engine/process/crash-fails-only-its-future", test_process_crash_kinds);
  g_test_add_func ("/engine/process/cancel-running-kills-and-replaces",
                   test_process_cancel_running);
  g_test_add_func ("/engine/process/cancel-escalates-to-sigkill",
                   test_process_cancel_escalates);
  g_test_add_func ("/engine/process/strict-breaks-pool", test_process_strict);
  g_test_add_func ("/engine/process/strict-broken-before-failing",
                   test_process_strict_broken_before_failing);
  g_test_add_func ("/engine/process/no-zombies", test_process_no_zombies);
  g_test_add_func ("/engine/process/workers-start-a-few-at-a-time",
                   test_process_staggered_start);
  g_test_add_func ("/engine/process/shutdown-mid-run", test_process_shutdown_mid_run);
  g_test_add_func ("/engine/process/terminate-mid-run", test_process_terminate);
  g_test_add_func ("/engine/process/log-and-progress", test_process_log_and_progress);
  g_test_add_func ("/engine/process/worker-missing", test_process_worker_missing);
  g_test_add_func ("/engine/process/kill-worker-replaces", test_process_kill_worker_signals);
  g_test_add_func ("/engine/process/malformed-frames-from-fake-worker",
                   test_process_malformed_frames);
  g_test_add_func ("/engine/process/parent-death-kills-workers", test_process_parent_death);
  g_test_add_func ("/engine/process/worker-exits-at-once", test_process_worker_exits_at_once);
  g_test_add_func ("/engine/process/exit-finishes-work", test_process_exit_finishes_work);
  g_test_add_func ("/engine/process/fake-worker-bad-hello", test_process_fake_worker_bad_hello);

  return g_test_run ();
}
