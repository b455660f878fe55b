/* fl-loop-executor.c: async jobs on one main context, at most N at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The asyncio analogue: every job runs on the context's thread as an async operation
 * (libsoup requests, timers), and a counter plays the part of asyncio.Semaphore. There
 * are no threads: the lane is the main loop. A job without an async form runs its
 * synchronous form right on the loop and blocks it, exactly like calling a blocking
 * function inside a coroutine.
 *
 * A gate (fl_executor_set_gate()) cannot block here: the lane is the loop. A held start
 * keeps its slot under the limit and comes back through the dispatcher when the gate lets
 * it go (still PENDING until then, so cancel() succeeds); a held end keeps the job's
 * result aside and completes the future when let through.
 */
#include "config.h"

#include "fl-lock.h"

#include "fl-future-private.h"
#include "fl-gate-private.h"
#include "fl-loop-executor.h"

struct _FlLoopExecutor
{
  FlExecutor    parent_instance;

  GMainContext *context;
  FlDispatcher *dispatcher;

  FlMutex        mutex;
  FlCond         idle_cond;
  GQueue        queue;          /* FlFuture*, owned */
  guint         limit;
  guint         running;
  gboolean      pump_posted;
  gboolean      shutdown;
};

G_DEFINE_FINAL_TYPE (FlLoopExecutor, fl_loop_executor, FL_TYPE_EXECUTOR)

static void pump (gpointer data, gpointer unused);

typedef struct
{
  FlLoopExecutor *executor;
  FlFuture       *future;
  GVariant       *value;        /* a held end's result */
  GError         *error;
  gboolean        start_next;
} Running;

static void start (FlLoopExecutor *self, FlFuture *future);

static void
post_pump_locked (FlLoopExecutor *self)
{
  if (!self->pump_posted)
    {
      self->pump_posted = TRUE;
      _fl_dispatcher_post (self->dispatcher, pump, g_object_ref (self), NULL);
    }
}

/* A job ended. With @start_next (an async job's completion, on the loop's thread, outside
 * any pump) the next queued job starts right here, as a released semaphore wakes its next
 * waiter: going through the dispatcher would add a loop iteration, and during a flood
 * its coalescing delay, to every refill. */
static void
job_finished (FlLoopExecutor *self,
              gboolean        start_next)
{
  gboolean more;

  fl_mutex_lock (&self->mutex);
  self->running--;
  more = self->queue.length > 0;
  if (more && !start_next)
    post_pump_locked (self);
  else if (!more && self->running == 0)
    fl_cond_broadcast (&self->idle_cond);
  fl_mutex_unlock (&self->mutex);

  if (more && start_next)
    pump (g_object_ref (self), NULL);
}

static Running *
running_new (FlLoopExecutor *self,
             FlFuture       *future)
{
  Running *run = g_new0 (Running, 1);

  run->executor = g_object_ref (self);
  run->future = g_object_ref (future);
  return run;
}

static void
running_free (Running *run)
{
  g_object_unref (run->future);
  g_object_unref (run->executor);
  g_free (run);
}

/* Completes the future with what the job returned, and frees @run. */
static void
complete_now (Running *run)
{
  _fl_future_complete (run->future, g_steal_pointer (&run->value),
                       g_steal_pointer (&run->error));
  job_finished (run->executor, run->start_next);
  running_free (run);
}

static void
held_end_released (gpointer data,
                   gpointer unused)
{
  Running *run = data;

  /* Back through the dispatcher, outside any pump: start the next job right here. */
  run->start_next = TRUE;
  complete_now (run);
}

/* A job returned: complete its future now, or once the gate lets its end through. */
static void
end_job (Running  *run,
         GVariant *value,
         GError   *error,
         gboolean  start_next)
{
  run->value = value;
  run->error = error;
  run->start_next = start_next;
  if (_fl_gate_pass_async (_fl_future_get_gate (run->future), FL_GATE_FINISH, run->future,
                           run->executor->dispatcher, held_end_released, run))
    complete_now (run);
}

static void
async_job_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Running *run = user_data;
  const FlJobInfo *job = _fl_future_get_job (run->future);
  GError *error = NULL;
  GVariant *value;

  value = job->finish_func (result, &error);
  if (value == NULL && error == NULL)
    error = g_error_new (FL_ERROR, FL_ERROR_FAILED, "Job “%s” failed without saying why",
                         job->name);
  end_job (run, value, error, TRUE);
}

/* A start the gate held comes back: the slot was kept for it. */
static void
held_start_released (gpointer data,
                     gpointer unused)
{
  Running *run = data;
  FlLoopExecutor *self = run->executor;

  if (_fl_future_set_running (run->future, FL_LANE_MAIN_LOOP, 0))
    start (self, run->future);
  else
    job_finished (self, TRUE);        /* cancelled while held: free the slot */
  running_free (run);
}

static void
start (FlLoopExecutor *self,
       FlFuture       *future)
{
  const FlJobInfo *job = _fl_future_get_job (future);

  if (job != NULL && job->async_func != NULL)
    {
      Running *run = running_new (self, future);

      job->async_func (fl_future_get_args (future), _fl_future_get_cancellable (future),
                       _fl_future_get_progress_sink (future), async_job_done, run);
    }
  else
    {
      /* No async form: the loop blocks for as long as the job runs. */
      GError *error = NULL;
      GVariant *value = _fl_future_invoke (future, &error);

      /* Unless held at the gate, the pump that started it goes on. */
      end_job (running_new (self, future), value, error, FALSE);
    }
}

static void
pump (gpointer data,
      gpointer unused)
{
  g_autoptr(FlLoopExecutor) self = data;

  fl_mutex_lock (&self->mutex);
  self->pump_posted = FALSE;
  while (self->running < self->limit && self->queue.length > 0)
    {
      g_autoptr(FlFuture) future = g_queue_pop_head (&self->queue);
      FlGate *gate = _fl_future_get_gate (future);

      if (gate != NULL && fl_gate_is_paused (gate))
        {
          Running *run;

          /* Held at the gate: the slot is the job's while it waits, still PENDING. */
          self->running++;
          fl_mutex_unlock (&self->mutex);
          run = running_new (self, future);
          if (_fl_gate_pass_async (gate, FL_GATE_START, future, self->dispatcher,
                                   held_start_released, run))
            {
              running_free (run);
              if (_fl_future_set_running (future, FL_LANE_MAIN_LOOP, 0))
                start (self, future);
              else
                {
                  fl_mutex_lock (&self->mutex);
                  self->running--;
                  continue;
                }
            }
          fl_mutex_lock (&self->mutex);
          continue;
        }

      if (!_fl_future_set_running (future, FL_LANE_MAIN_LOOP, 0))
        continue;                       /* cancelled while queued */

      self->running++;
      fl_mutex_unlock (&self->mutex);
      start (self, future);
      fl_mutex_lock (&self->mutex);
    }
  if (self->running == 0 && self->queue.length == 0)
    fl_cond_broadcast (&self->idle_cond);
  fl_mutex_unlock (&self->mutex);
}

static gboolean
fl_loop_executor_schedule (FlExecutor  *executor,
                           FlFuture    *future,
                           GError     **error)
{
  FlLoopExecutor *self = FL_LOOP_EXECUTOR (executor);

  fl_mutex_lock (&self->mutex);
  if (self->shutdown)
    {
      fl_mutex_unlock (&self->mutex);
      g_set_error (error, FL_ERROR, FL_ERROR_SHUTDOWN,
                   "Cannot submit to “%s”: it has been shut down",
                   fl_executor_get_display_name (executor));
      return FALSE;
    }
  g_queue_push_tail (&self->queue, g_object_ref (future));
  /* Like asyncio.create_task(): the job starts on a later iteration, never inside
   * submit(), so submitting many jobs is cheap and ordered. */
  post_pump_locked (self);
  fl_mutex_unlock (&self->mutex);

  return TRUE;
}

static gboolean
is_idle_locked (FlLoopExecutor *self)
{
  return self->running == 0 && self->queue.length == 0;
}

static void
fl_loop_executor_shutdown (FlExecutor *executor,
                           gboolean    wait,
                           gboolean    cancel_futures)
{
  FlLoopExecutor *self = FL_LOOP_EXECUTOR (executor);
  GQueue cancelled = G_QUEUE_INIT;

  fl_mutex_lock (&self->mutex);
  self->shutdown = TRUE;
  if (cancel_futures)
    {
      cancelled = self->queue;
      g_queue_init (&self->queue);
    }
  fl_mutex_unlock (&self->mutex);

  for (GList *l = cancelled.head; l != NULL; l = l->next)
    fl_future_cancel (l->data);
  g_queue_clear_full (&cancelled, g_object_unref);

  if (!wait)
    return;

  /* On the loop's own thread, waiting means running the loop until the jobs are done;
   * anywhere else it means blocking until that thread has run them. */
  if (_fl_context_is_home (self->context))
    {
      for (;;)
        {
          gboolean idle;

          fl_mutex_lock (&self->mutex);
          idle = is_idle_locked (self);
          fl_mutex_unlock (&self->mutex);
          if (idle)
            break;
          g_main_context_iteration (self->context, TRUE);
        }
    }
  else
    {
      fl_mutex_lock (&self->mutex);
      while (!is_idle_locked (self))
        fl_cond_wait (&self->idle_cond, &self->mutex);
      fl_mutex_unlock (&self->mutex);
    }
}

static FlLaneKind
fl_loop_executor_get_lane_kind (FlExecutor *executor)
{
  return FL_LANE_MAIN_LOOP;
}

static void
fl_loop_executor_finalize (GObject *object)
{
  FlLoopExecutor *self = FL_LOOP_EXECUTOR (object);

  /* Pending pumps and running jobs hold references, so the queue is empty unless the
   * executor was never pumped; those futures are cancelled rather than dropped. */
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    fl_future_cancel (l->data);
  g_queue_clear_full (&self->queue, g_object_unref);
  _fl_dispatcher_unref (self->dispatcher);
  g_main_context_unref (self->context);
  fl_mutex_clear (&self->mutex);
  fl_cond_clear (&self->idle_cond);

  G_OBJECT_CLASS (fl_loop_executor_parent_class)->finalize (object);
}

static void
fl_loop_executor_class_init (FlLoopExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FlExecutorClass *executor_class = FL_EXECUTOR_CLASS (klass);

  object_class->finalize = fl_loop_executor_finalize;

  executor_class->schedule = fl_loop_executor_schedule;
  executor_class->shutdown = fl_loop_executor_shutdown;
  executor_class->get_lane_kind = fl_loop_executor_get_lane_kind;
}

static void
fl_loop_executor_init (FlLoopExecutor *self)
{
  fl_mutex_init (&self->mutex);
  fl_cond_init (&self->idle_cond);
  g_queue_init (&self->queue);
}

/**
 * fl_loop_executor_new:
 * @context: (nullable): where jobs run; %NULL for the caller's thread-default context
 * @max_concurrency: how many jobs may be in flight (the semaphore); 0 means no limit
 *
 * Returns: (transfer full): an executor whose lane is the main loop
 */
FlExecutor *
fl_loop_executor_new (GMainContext *context,
                      guint         max_concurrency)
{
  FlLoopExecutor *self;
  g_autofree char *name = NULL;

  if (max_concurrency == 0)
    max_concurrency = G_MAXUINT;
  if (max_concurrency == G_MAXUINT)
    name = g_strdup ("async on the main loop");
  else
    name = g_strdup_printf ("async on the main loop × %u", max_concurrency);

  self = g_object_new (FL_TYPE_LOOP_EXECUTOR,
                       "max-workers", MIN (max_concurrency, 1024),
                       "display-name", name,
                       NULL);
  self->context = context != NULL ? g_main_context_ref (context)
                                  : g_main_context_ref_thread_default ();
  self->dispatcher = _fl_dispatcher_get (self->context);
  self->limit = max_concurrency;
  return FL_EXECUTOR (self);
}
