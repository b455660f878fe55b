/* fl-jobs-builtin.c: sleep, echo, fail and spin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-lock.h"

#include "fl-job.h"
#include "fl-thread-executor.h"
#include "fl-types.h"

typedef struct
{
  FlMutex   mutex;
  FlCond    cond;
  gboolean cancelled;
  int      ready;       /* atomic: set once the mutex exists (see sleep_cancelled_cb()) */
} SleepWait;

static void
sleep_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  SleepWait *wait = user_data;

  /* The handler list hands us @wait under GLib's own lock, which ThreadSanitizer cannot
   * see; this acquire pairs with the job's release after it made the mutex. */
  (void) g_atomic_int_get (&wait->ready);
  fl_mutex_lock (&wait->mutex);
  wait->cancelled = TRUE;
  fl_cond_signal (&wait->cond);
  fl_mutex_unlock (&wait->mutex);
}

static GVariant *
sleep_job (GVariant       *args,
           GCancellable   *cancellable,
           FlJobProgress  *progress,
           GError        **error)
{
  guint ms;
  gint64 start, end;
  gulong handler = 0;
  SleepWait wait = { 0 };

  g_variant_get (args, "(u)", &ms);
  start = g_get_monotonic_time ();
  end = start + (gint64) ms * G_TIME_SPAN_MILLISECOND;

  fl_mutex_init (&wait.mutex);
  fl_cond_init (&wait.cond);
  g_atomic_int_set (&wait.ready, TRUE);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (sleep_cancelled_cb), &wait, NULL);

  fl_gil_begin_blocking ();
  fl_mutex_lock (&wait.mutex);
  while (!wait.cancelled && fl_cond_wait_until (&wait.cond, &wait.mutex, end))
    ;
  fl_mutex_unlock (&wait.mutex);
  fl_gil_end_blocking ();

  /* Disconnecting waits for a handler running in another thread, so @wait stays valid.
   * The lock taken once more after it is where ThreadSanitizer sees that wait: a handler
   * that ran has unlocked it by then (its first touch of @wait came before). */
  if (cancellable != NULL)
    {
      g_cancellable_disconnect (cancellable, handler);
      fl_mutex_lock (&wait.mutex);
      fl_mutex_unlock (&wait.mutex);
    }
  fl_mutex_clear (&wait.mutex);
  fl_cond_clear (&wait.cond);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  fl_job_progress_report (progress, 1.0, 0);
  return g_variant_new_uint32 (ms);
}

typedef struct
{
  guint    ms;
  GSource *timeout;
  GSource *cancel;
} SleepAsync;

static void
sleep_async_free (gpointer data)
{
  SleepAsync *state = data;

  if (state->timeout != NULL)
    {
      g_source_destroy (state->timeout);
      g_source_unref (state->timeout);
    }
  if (state->cancel != NULL)
    {
      g_source_destroy (state->cancel);
      g_source_unref (state->cancel);
    }
  g_free (state);
}

/* Each source's callback data holds the task, and the task's data holds the sources: the
 * first callback to run breaks that cycle by destroying both sources. */
static void
sleep_async_disarm (SleepAsync *state)
{
  if (state->timeout != NULL)
    g_source_destroy (state->timeout);
  if (state->cancel != NULL)
    g_source_destroy (state->cancel);
}

static gboolean
sleep_async_timeout_cb (gpointer user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  SleepAsync *state = g_task_get_task_data (task);

  sleep_async_disarm (state);

  g_task_return_pointer (task, g_variant_ref_sink (g_variant_new_uint32 (state->ms)),
                         (GDestroyNotify) g_variant_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
sleep_async_cancelled_cb (GCancellable *cancellable,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);

  sleep_async_disarm (g_task_get_task_data (task));
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/* Both sources live on the same context, so exactly one of them fires: the first one to
 * run returns the task, and freeing the task data destroys the other. */
static void
sleep_job_async (GVariant            *args,
                 GCancellable        *cancellable,
                 FlJobProgress       *progress,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SleepAsync *state = g_new0 (SleepAsync, 1);
  GMainContext *context = g_main_context_get_thread_default ();

  g_task_set_source_tag (task, sleep_job_async);
  g_variant_get (args, "(u)", &state->ms);
  g_task_set_task_data (task, state, sleep_async_free);

  state->timeout = g_timeout_source_new (state->ms);
  g_source_set_callback (state->timeout, sleep_async_timeout_cb, g_object_ref (task),
                         g_object_unref);
  g_source_attach (state->timeout, context);

  if (cancellable != NULL)
    {
      state->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (state->cancel, G_SOURCE_FUNC (sleep_async_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (state->cancel, context);
    }

  g_object_unref (task);
}

static GVariant *
finish_pointer (GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GVariant *
echo_job (GVariant       *args,
          GCancellable   *cancellable,
          FlJobProgress  *progress,
          GError        **error)
{
  return args != NULL ? g_variant_ref (args) : g_variant_new ("()");
}

static void
echo_job_async (GVariant            *args,
                GCancellable        *cancellable,
                FlJobProgress       *progress,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GVariant *value = echo_job (args, cancellable, progress, NULL);

  /* echo_job() may return a full reference: take it, do not add one. */
  g_task_return_pointer (task, g_variant_take_ref (value), (GDestroyNotify) g_variant_unref);
}

static GVariant *
fail_job (GVariant       *args,
          GCancellable   *cancellable,
          FlJobProgress  *progress,
          GError        **error)
{
  const char *message;

  g_variant_get (args, "(&s)", &message);
  g_set_error_literal (error, FL_ERROR, FL_ERROR_FAILED, message);
  return NULL;
}

static void
fail_job_async (GVariant            *args,
                GCancellable        *cancellable,
                FlJobProgress       *progress,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;

  fail_job (args, cancellable, progress, &error);
  g_task_return_error (task, error);
}

/* Busy work that the compiler cannot remove; checks the cancellable and the simulated GIL
 * about every 50 µs. */
static GVariant *
spin_job (GVariant       *args,
          GCancellable   *cancellable,
          FlJobProgress  *progress,
          GError        **error)
{
  guint64 us, iterations = 0;
  volatile guint64 sink = 0;
  gint64 start, now, end;

  g_variant_get (args, "(t)", &us);
  start = g_get_monotonic_time ();
  end = start + (gint64) MIN (us, (guint64) G_MAXINT64 / 2);

  do
    {
      for (guint i = 0; i < 1000; i++)
        sink += i * iterations;
      iterations++;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      fl_gil_check ();
      now = g_get_monotonic_time ();
      if ((iterations & 255) == 0 && us > 0)
        fl_job_progress_report (progress, (double) (now - start) / (double) us, 0);
    }
  while (now < end);

  (void) sink;
  return g_variant_new_uint64 (iterations);
}

static const FlJobInfo builtin_jobs[] = {
  { "sleep", "(u)", sleep_job, sleep_job_async, finish_pointer,
    "Sleep for N milliseconds (cancellable)" },
  { "echo", NULL, echo_job, echo_job_async, finish_pointer,
    "Return the arguments unchanged" },
  { "fail", "(s)", fail_job, fail_job_async, finish_pointer,
    "Fail with the given message" },
  { "spin", "(t)", spin_job, NULL, NULL,
    "Keep a CPU busy for N microseconds" },
};

void
fl_jobs_register_builtins (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtin_jobs); i++)
    fl_job_registry_register (&builtin_jobs[i]);
}
