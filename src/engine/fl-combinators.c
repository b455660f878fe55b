/* fl-combinators.c: as_completed, wait and gather
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All three stand on one Collector: a waiter installed on every future that is not done
 * yet, which queues each future as it completes (on the completing thread) and either
 * signals a condition variable (blocking forms, for worker threads) or posts one wake-up
 * to the caller's context through the dispatcher (async forms, for the main loop). As
 * with concurrent.futures' _Waiter, the futures never know who waits on them.
 */
#include "config.h"

#include "fl-lock.h"

#include "fl-combinators.h"
#include "fl-future-private.h"

typedef void (*CollectorWake) (gpointer owner);

typedef struct
{
  FlWaiter        waiter;
  int             ref;        /* atomic; g_atomic_int so sanitizers see it */
  FlMutex          mutex;
  FlCond           cond;
  GQueue          completed;    /* FlFuture*, owned, in completion order */
  FlDispatcher   *dispatcher;   /* set for async use */
  gboolean        wake_posted;
  CollectorWake   wake;         /* runs on the dispatcher's context */
  gpointer        owner;
  GHashTable     *installed;    /* futures carrying this waiter (a set holding refs) */
} Collector;

static Collector *
collector_ref (Collector *c)
{
  g_atomic_int_inc (&c->ref);
  return c;
}

static void
collector_unref (Collector *c)
{
  if (!g_atomic_int_dec_and_test (&c->ref))
    return;

  g_queue_clear_full (&c->completed, g_object_unref);
  g_clear_pointer (&c->dispatcher, _fl_dispatcher_unref);
  g_hash_table_unref (c->installed);
  fl_mutex_clear (&c->mutex);
  fl_cond_clear (&c->cond);
  g_free (c);
}

static void
collector_wake_cb (gpointer data,
                   gpointer unused)
{
  Collector *c = data;
  CollectorWake wake;
  gpointer owner;

  fl_mutex_lock (&c->mutex);
  c->wake_posted = FALSE;
  wake = c->wake;
  owner = c->owner;
  fl_mutex_unlock (&c->mutex);

  if (wake != NULL)
    wake (owner);
  collector_unref (c);
}

static void
collector_post_wake_locked (Collector *c)
{
  if (c->dispatcher != NULL && c->wake != NULL && !c->wake_posted)
    {
      c->wake_posted = TRUE;
      _fl_dispatcher_post (c->dispatcher, collector_wake_cb, collector_ref (c), NULL);
    }
}

/* On the completing thread, under the future's lock: only our own lock here. */
static void
collector_notify (FlWaiter *waiter,
                  FlFuture *future)
{
  Collector *c = (Collector *) waiter;

  fl_mutex_lock (&c->mutex);
  g_queue_push_tail (&c->completed, g_object_ref (future));
  fl_cond_signal (&c->cond);
  collector_post_wake_locked (c);
  fl_mutex_unlock (&c->mutex);
}

static Collector *
collector_new (void)
{
  Collector *c = g_new0 (Collector, 1);

  c->waiter.notify = collector_notify;
  c->ref = 1;
  fl_mutex_init (&c->mutex);
  fl_cond_init (&c->cond);
  g_queue_init (&c->completed);
  c->installed = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  return c;
}

/* Installs on each future; one that is already done is queued at once instead. */
static void
collector_install (Collector       *c,
                   FlFuture *const *futures,
                   guint            n)
{
  for (guint i = 0; i < n; i++)
    {
      if (_fl_future_add_waiter (futures[i], &c->waiter))
        g_hash_table_add (c->installed, g_object_ref (futures[i]));
      else
        {
          fl_mutex_lock (&c->mutex);
          g_queue_push_tail (&c->completed, g_object_ref (futures[i]));
          fl_mutex_unlock (&c->mutex);
        }
    }
}

/* A future handed back to the caller is done, so its waiter list (taken when it
 * completed) no longer holds us: let go of it, as CPython's as_completed() does. */
static void
collector_forget (Collector *c,
                  FlFuture  *future)
{
  g_hash_table_remove (c->installed, future);
}

/* After this no notify runs or will run. */
static void
collector_uninstall (Collector *c)
{
  GHashTableIter iter;
  gpointer future;

  g_hash_table_iter_init (&iter, c->installed);
  while (g_hash_table_iter_next (&iter, &future, NULL))
    _fl_future_remove_waiter (future, &c->waiter);
  g_hash_table_remove_all (c->installed);

  fl_mutex_lock (&c->mutex);
  c->wake = NULL;
  c->owner = NULL;
  fl_mutex_unlock (&c->mutex);
}

static void
collector_set_async (Collector     *c,
                     CollectorWake  wake,
                     gpointer       owner)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  fl_mutex_lock (&c->mutex);
  if (c->dispatcher == NULL)
    c->dispatcher = _fl_dispatcher_get (context);
  c->wake = wake;
  c->owner = owner;
  if (c->completed.length > 0)
    collector_post_wake_locked (c);
  fl_mutex_unlock (&c->mutex);
}

/* Blocks until something completed or @deadline passes; returns the future or NULL. */
static FlFuture *
collector_pop_wait (Collector *c,
                    gint64     deadline)
{
  FlFuture *future;

  fl_mutex_lock (&c->mutex);
  while (c->completed.length == 0)
    {
      if (deadline == G_MAXINT64)
        fl_cond_wait (&c->cond, &c->mutex);
      else if (!fl_cond_wait_until (&c->cond, &c->mutex, deadline))
        break;
    }
  future = g_queue_pop_head (&c->completed);
  fl_mutex_unlock (&c->mutex);

  return future;
}

static FlFuture *
collector_pop (Collector *c)
{
  FlFuture *future;

  fl_mutex_lock (&c->mutex);
  future = g_queue_pop_head (&c->completed);
  fl_mutex_unlock (&c->mutex);
  return future;
}

static gint64
deadline_from_timeout (gint64 timeout_us)
{
  return timeout_us < 0 ? G_MAXINT64 : g_get_monotonic_time () + timeout_us;
}

/* The futures once each, in the order given (Python takes a set). */
static GPtrArray *
unique_futures (FlFuture *const *futures,
                guint            n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GPtrArray *unique = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_return_val_if_fail (FL_IS_FUTURE (futures[i]), unique);
      if (g_hash_table_add (seen, futures[i]))
        g_ptr_array_add (unique, g_object_ref (futures[i]));
    }
  return unique;
}

/* A timeout and a cancellable for the async forms, both on the caller's context. */
typedef struct
{
  GSource *timeout;
  GSource *cancel;
} AsyncGuards;

static void
async_guards_arm (AsyncGuards             *guards,
                  gint64                   deadline,
                  GCancellable            *cancellable,
                  GSourceFunc              on_timeout,
                  GCancellableSourceFunc   on_cancel,
                  gpointer                 data)
{
  GMainContext *context = g_main_context_get_thread_default ();

  if (deadline != G_MAXINT64)
    {
      gint64 now = g_get_monotonic_time ();

      guards->timeout = g_timeout_source_new ((guint) MIN ((MAX (deadline - now, 0) + 999) / 1000,
                                                           G_MAXUINT));
      g_source_set_callback (guards->timeout, on_timeout, data, NULL);
      g_source_attach (guards->timeout, context);
    }
  if (cancellable != NULL)
    {
      guards->cancel = g_cancellable_source_new (cancellable);
      /* A cancellable source calls back with (cancellable, data), not (data). */
      g_source_set_callback (guards->cancel, G_SOURCE_FUNC (on_cancel), data, NULL);
      g_source_attach (guards->cancel, context);
    }
}

static void
async_guards_disarm (AsyncGuards *guards)
{
  if (guards->timeout != NULL)
    {
      g_source_destroy (guards->timeout);
      g_clear_pointer (&guards->timeout, g_source_unref);
    }
  if (guards->cancel != NULL)
    {
      g_source_destroy (guards->cancel);
      g_clear_pointer (&guards->cancel, g_source_unref);
    }
}

/* ---------------------------------------------------------------- as_completed */

/* Holds only the futures it has not yielded yet: each one goes with its yield. */
struct _FlAsCompleted
{
  Collector  *collector;
  guint       total;
  guint       yielded;
  gint64      deadline;

  GTask      *task;            /* pending next_async */
  AsyncGuards guards;
};

/**
 * fl_as_completed_new:
 * @futures: (array length=n_futures): the futures (duplicates count once)
 * @timeout_us: for the whole iteration, from this call, or %FL_TIMEOUT_INFINITE
 *
 * As `concurrent.futures.as_completed()`: the futures already done come first, then
 * each one as it completes, each exactly once.
 */
FlAsCompleted *
fl_as_completed_new (FlFuture *const *futures,
                     guint            n_futures,
                     gint64           timeout_us)
{
  FlAsCompleted *self = g_new0 (FlAsCompleted, 1);
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  g_autoptr(GPtrArray) unique = unique_futures (futures, n_futures);

  self->deadline = deadline_from_timeout (timeout_us);
  self->total = unique->len;
  self->collector = collector_new ();

  /* Done ones first, in the order given; then install on the rest. */
  for (guint i = 0; i < unique->len; i++)
    {
      FlFuture *future = g_ptr_array_index (unique, i);

      if (fl_future_is_done (future))
        g_queue_push_tail (&self->collector->completed, g_object_ref (future));
      else
        g_ptr_array_add (pending, future);
    }
  collector_install (self->collector, (FlFuture **) pending->pdata, pending->len);

  return self;
}

guint
fl_as_completed_get_remaining (FlAsCompleted *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->total - self->yielded;
}

static void
set_timeout_error (GError **error,
                   guint    unfinished,
                   guint    total)
{
  g_set_error (error, FL_ERROR, FL_ERROR_TIMEOUT, "%u (of %u) futures unfinished",
               unfinished, total);
}

/**
 * fl_as_completed_next:
 *
 * Blocks for the next completed future.
 *
 * Returns: (transfer full) (nullable): the future; %NULL at the end, or with @error set
 *   to %FL_ERROR_TIMEOUT
 */
FlFuture *
fl_as_completed_next (FlAsCompleted  *self,
                      GError        **error)
{
  FlFuture *future;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->task == NULL, NULL);

  if (self->yielded == self->total)
    return NULL;

  future = collector_pop_wait (self->collector, self->deadline);
  if (future == NULL)
    {
      set_timeout_error (error, self->total - self->yielded, self->total);
      return NULL;
    }
  collector_forget (self->collector, future);
  self->yielded++;
  return future;
}

static void
as_completed_return (FlAsCompleted *self,
                     FlFuture      *future,
                     GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  async_guards_disarm (&self->guards);
  fl_mutex_lock (&self->collector->mutex);
  self->collector->wake = NULL;
  fl_mutex_unlock (&self->collector->mutex);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      if (future != NULL)
        {
          collector_forget (self->collector, future);
          self->yielded++;
        }
      g_task_return_pointer (task, future, g_object_unref);
    }
}

static void
as_completed_wake (gpointer data)
{
  FlAsCompleted *self = data;
  FlFuture *future;

  if (self->task == NULL)
    return;
  future = collector_pop (self->collector);
  if (future != NULL)
    as_completed_return (self, future, NULL);
}

static gboolean
as_completed_timeout (gpointer data)
{
  FlAsCompleted *self = data;
  GError *error = NULL;

  set_timeout_error (&error, self->total - self->yielded, self->total);
  as_completed_return (self, NULL, error);
  return G_SOURCE_REMOVE;
}

static gboolean
as_completed_cancelled (GCancellable *cancellable,
                        gpointer      data)
{
  FlAsCompleted *self = data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (g_task_get_cancellable (self->task), &error);
  as_completed_return (self, NULL, error);
  return G_SOURCE_REMOVE;
}

/**
 * fl_as_completed_next_async:
 *
 * The main-loop form of fl_as_completed_next(); one call at a time. The iterator must
 * outlive the call.
 */
void
fl_as_completed_next_async (FlAsCompleted       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FlFuture *future;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, fl_as_completed_next_async);

  if (self->yielded == self->total)
    {
      as_completed_return (self, NULL, NULL);
      return;
    }

  future = collector_pop (self->collector);
  if (future != NULL)
    {
      as_completed_return (self, future, NULL);
      return;
    }

  if (self->deadline != G_MAXINT64 && g_get_monotonic_time () >= self->deadline)
    {
      GError *error = NULL;

      set_timeout_error (&error, self->total - self->yielded, self->total);
      as_completed_return (self, NULL, error);
      return;
    }

  async_guards_arm (&self->guards, self->deadline, cancellable, as_completed_timeout,
                    as_completed_cancelled, self);
  collector_set_async (self->collector, as_completed_wake, self);
}

/**
 * fl_as_completed_next_finish:
 *
 * Returns: (transfer full) (nullable): the next future, %NULL at the end or with @error set
 */
FlFuture *
fl_as_completed_next_finish (FlAsCompleted  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fl_as_completed_free (FlAsCompleted *self)
{
  if (self == NULL)
    return;

  g_return_if_fail (self->task == NULL);

  async_guards_disarm (&self->guards);
  collector_uninstall (self->collector);
  collector_unref (self->collector);
  g_free (self);
}

/* ---------------------------------------------------------------- wait */

typedef struct
{
  GPtrArray  *futures;
  Collector  *collector;
  FlWaitMode  mode;
  guint       n_done;
  guint       n_failed;
  gint64      deadline;
  GTask      *task;
  AsyncGuards guards;
} WaitState;

static void
count_future (WaitState *state,
              FlFuture  *future)
{
  state->n_done++;
  if (fl_future_get_state (future) == FL_FUTURE_FAILED)
    state->n_failed++;
}

static gboolean
wait_condition_met (WaitState *state)
{
  switch (state->mode)
    {
    case FL_WAIT_FIRST_COMPLETED:
      return state->n_done > 0 || state->futures->len == 0;
    case FL_WAIT_FIRST_EXCEPTION:
      return state->n_failed > 0 || state->n_done == state->futures->len;
    case FL_WAIT_ALL_COMPLETED:
    default:
      return state->n_done == state->futures->len;
    }
}

static WaitState *
wait_state_new (FlFuture *const *futures,
                guint            n_futures,
                FlWaitMode       mode,
                gint64           timeout_us)
{
  WaitState *state = g_new0 (WaitState, 1);
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  state->futures = unique_futures (futures, n_futures);
  state->mode = mode;
  state->deadline = deadline_from_timeout (timeout_us);
  state->collector = collector_new ();

  for (guint i = 0; i < state->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (state->futures, i);

      if (fl_future_is_done (future))
        count_future (state, future);
      else
        g_ptr_array_add (pending, future);
    }

  /* Only the pending ones are installed; any that completed in between are queued by
   * collector_install() and counted when drained. */
  if (!wait_condition_met (state))
    collector_install (state->collector, (FlFuture **) pending->pdata, pending->len);

  return state;
}

static void
wait_state_drain (WaitState *state)
{
  FlFuture *future;

  while ((future = collector_pop (state->collector)) != NULL)
    {
      count_future (state, future);
      g_object_unref (future);
    }
}

static void
wait_state_split (WaitState  *state,
                  GPtrArray **done,
                  GPtrArray **not_done)
{
  if (done != NULL)
    *done = g_ptr_array_new_with_free_func (g_object_unref);
  if (not_done != NULL)
    *not_done = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < state->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (state->futures, i);
      GPtrArray *target = fl_future_is_done (future) ? (done ? *done : NULL)
                                                     : (not_done ? *not_done : NULL);
      if (target != NULL)
        g_ptr_array_add (target, g_object_ref (future));
    }
}

static void
wait_state_free (WaitState *state)
{
  async_guards_disarm (&state->guards);
  collector_uninstall (state->collector);
  collector_unref (state->collector);
  g_ptr_array_unref (state->futures);
  g_free (state);
}

/**
 * fl_wait:
 * @futures: (array length=n_futures): the futures (duplicates count once)
 * @done: (out) (optional) (transfer full) (element-type FlFuture): those done on return
 * @not_done: (out) (optional) (transfer full) (element-type FlFuture): the others
 *
 * Blocks as `concurrent.futures.wait()` does.
 *
 * Returns: %TRUE if @mode's condition was met, %FALSE if the time ran out
 */
gboolean
fl_wait (FlFuture *const  *futures,
         guint             n_futures,
         FlWaitMode        mode,
         gint64            timeout_us,
         GPtrArray       **done,
         GPtrArray       **not_done)
{
  WaitState *state = wait_state_new (futures, n_futures, mode, timeout_us);
  gboolean met;

  for (;;)
    {
      FlFuture *future;

      wait_state_drain (state);
      if (wait_condition_met (state))
        break;
      future = collector_pop_wait (state->collector, state->deadline);
      if (future == NULL)
        break;
      count_future (state, future);
      g_object_unref (future);
    }

  met = wait_condition_met (state);
  wait_state_split (state, done, not_done);
  wait_state_free (state);
  return met;
}

typedef struct
{
  GPtrArray *done;
  GPtrArray *not_done;
} WaitResult;

static void
wait_result_free (gpointer data)
{
  WaitResult *result = data;

  g_ptr_array_unref (result->done);
  g_ptr_array_unref (result->not_done);
  g_free (result);
}

static void
wait_async_finish_with (WaitState *state,
                        GError    *error)
{
  GTask *task = g_steal_pointer (&state->task);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      WaitResult *result = g_new0 (WaitResult, 1);

      wait_state_split (state, &result->done, &result->not_done);
      g_task_return_pointer (task, result, wait_result_free);
    }
  wait_state_free (state);
  g_object_unref (task);
}

static void
wait_async_wake (gpointer data)
{
  WaitState *state = data;

  wait_state_drain (state);
  if (wait_condition_met (state))
    wait_async_finish_with (state, NULL);
}

static gboolean
wait_async_timeout (gpointer data)
{
  WaitState *state = data;

  wait_state_drain (state);
  wait_async_finish_with (state, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_async_cancelled (GCancellable *cancellable,
                      gpointer      data)
{
  WaitState *state = data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (g_task_get_cancellable (state->task), &error);
  wait_async_finish_with (state, error);
  return G_SOURCE_REMOVE;
}

/**
 * fl_wait_async:
 *
 * The main-loop form of fl_wait(). Finishing with the time run out is not an error: the
 * sets say what was done.
 */
void
fl_wait_async (FlFuture *const     *futures,
               guint                n_futures,
               FlWaitMode           mode,
               gint64               timeout_us,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  WaitState *state = wait_state_new (futures, n_futures, mode, timeout_us);

  state->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (state->task, fl_wait_async);

  wait_state_drain (state);
  if (wait_condition_met (state) || timeout_us == 0)
    {
      wait_async_finish_with (state, NULL);
      return;
    }

  async_guards_arm (&state->guards, state->deadline, cancellable, wait_async_timeout,
                    wait_async_cancelled, state);
  collector_set_async (state->collector, wait_async_wake, state);
}

/**
 * fl_wait_finish:
 * @done: (out) (optional) (transfer full) (element-type FlFuture):
 * @not_done: (out) (optional) (transfer full) (element-type FlFuture):
 *
 * Returns: %FALSE only if the wait itself was cancelled
 */
gboolean
fl_wait_finish (GAsyncResult  *result,
                GPtrArray    **done,
                GPtrArray    **not_done,
                GError       **error)
{
  WaitResult *value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value == NULL)
    return FALSE;
  if (done != NULL)
    *done = g_ptr_array_ref (value->done);
  if (not_done != NULL)
    *not_done = g_ptr_array_ref (value->not_done);
  wait_result_free (value);
  return TRUE;
}

/* ---------------------------------------------------------------- gather */

/* Results in the order given, or the error of the first future (in that order) that
 * failed or was cancelled. */
static GPtrArray *
gather_collect (FlFuture *const  *futures,
                guint             n,
                GError          **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_full (n, (GDestroyNotify) g_variant_unref);

  /* Failing fast means the others may still be running: look for the failure first. */
  for (guint i = 0; i < n; i++)
    {
      const GError *job_error = fl_future_peek_error (futures[i]);

      if (job_error != NULL)
        {
          g_propagate_error (error, g_error_copy (job_error));
          return NULL;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      GVariant *value = fl_future_peek_result (futures[i]);

      if (value == NULL)
        {
          g_set_error (error, FL_ERROR, FL_ERROR_FAILED, "Future %u is not done", i + 1);
          return NULL;
        }
      g_ptr_array_add (results, g_variant_ref (value));
    }

  return g_steal_pointer (&results);
}

/**
 * fl_gather:
 * @futures: (array length=n_futures):
 *
 * Waits for all the futures, or for the first to fail, as `asyncio.gather()` does.
 *
 * Returns: (transfer full) (element-type GVariant): the results in the order given, or
 *   %NULL with the first failure's error or %FL_ERROR_TIMEOUT
 */
GPtrArray *
fl_gather (FlFuture *const  *futures,
           guint             n_futures,
           gint64            timeout_us,
           GError          **error)
{
  if (!fl_wait (futures, n_futures, FL_WAIT_FIRST_EXCEPTION, timeout_us, NULL, NULL))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_TIMEOUT, "gather() timed out");
      return NULL;
    }
  return gather_collect (futures, n_futures, error);
}

static void
gather_waited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GPtrArray *futures = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  if (!fl_wait_finish (result, NULL, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  results = gather_collect ((FlFuture **) futures->pdata, futures->len, &error);
  if (results == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

void
fl_gather_async (FlFuture *const     *futures,
                 guint                n_futures,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GPtrArray *copy = g_ptr_array_new_full (n_futures, g_object_unref);

  g_task_set_source_tag (task, fl_gather_async);
  for (guint i = 0; i < n_futures; i++)
    g_ptr_array_add (copy, g_object_ref (futures[i]));
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);

  fl_wait_async (futures, n_futures, FL_WAIT_FIRST_EXCEPTION, FL_TIMEOUT_INFINITE,
                 cancellable, gather_waited, task);
}

/**
 * fl_gather_finish:
 *
 * Returns: (transfer full) (element-type GVariant): the results, or %NULL with @error set
 */
GPtrArray *
fl_gather_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
