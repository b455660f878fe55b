/* fl-future.c: a small state machine, PENDING -> RUNNING -> FINISHED | FAILED | CANCELLED
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Locking: every field that changes after construction is guarded by @mutex, except
 * @state, which is also read without the lock (atomically) by the cheap getters. A
 * transition takes the lock, records the new state and what goes with it, takes the list
 * of waiters and notifies them, unlocks, and only then queues the future to its home
 * context's dispatcher. Done callbacks and notify::state run there, on the home context,
 * never with a lock held. Terminal transitions are guarded by the state check under the
 * lock, so a second completion is ignored.
 */
#include "config.h"

#include <string.h>

#include "fl-lock.h"

#include "fl-enums.h"
#include "fl-future-private.h"
#include "fl-types.h"

typedef struct
{
  FlFutureCallback callback;
  gpointer         user_data;
  GDestroyNotify   destroy;
} DoneCallback;

/* Most futures get exactly one done callback: keep it inline, spill the rest. */
typedef struct
{
  guint        n;
  DoneCallback first;
  GArray      *more;           /* DoneCallback */
} CallbackList;

struct _FlFuture
{
  GObject          parent_instance;

  FlMutex           mutex;
  FlCond           *cond;           /* made by the first blocking wait; broadcast at the end */

  /* Set at construction, read-only after */
  guint64          id;
  char            *label;
  const FlJobInfo *job;
  GVariant        *args;
  FlFunc           func;
  gpointer         func_data;
  GDestroyNotify   func_destroy;
  GMainContext    *context;
  FlDispatcher    *dispatcher;
  FlTrace         *trace;
  FlGate          *gate;
  FlLaneKind       executor_kind;
  FlJobProgress    progress_sink;

  /* Guarded by @mutex */
  int              state;          /* FlFutureState; also read atomically */
  FlLaneKind       lane_kind;
  int              lane;
  gint64           queued_time;
  gint64           started_time;
  gint64           finished_time;
  double           progress;
  guint64          bytes;
  GVariant        *result;
  GError          *error;
  GCancellable    *cancellable;
  CallbackList     callbacks;      /* in the order added */
  GList            queue_link;     /* for executors' queues; data is the future */
  GSList          *waiters;
  GString         *log;
  guint            callbacks_fired : 1;

  /* Home context only */
  int              dispatch_pending; /* atomic: queued on the dispatcher already */
  FlFutureState    notified_state;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_LABEL,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlFuture, fl_future, G_TYPE_OBJECT)

static GThread *fl_main_thread;

/* The thread that runs main() is the home of the global default context: remember it
 * before anyone can create a future. */
__attribute__((constructor)) static void
fl_future_remember_main_thread (void)
{
  fl_main_thread = g_thread_self ();
}

/* Whether the calling thread is the one that runs @context, so done callbacks may run
 * right here instead of being posted there. */
gboolean
_fl_context_is_home (GMainContext *context)
{
  GMainContext *thread_default;

  if (g_main_context_is_owner (context))
    return TRUE;

  thread_default = g_main_context_get_thread_default ();
  if (thread_default != NULL)
    return thread_default == context;

  return context == g_main_context_default () && g_thread_self () == fl_main_thread;
}

static void
done_callback_clear (gpointer data)
{
  DoneCallback *cb = data;

  if (cb->destroy != NULL)
    cb->destroy (cb->user_data);
}

static void
callback_list_append (CallbackList       *list,
                      const DoneCallback *cb)
{
  if (list->n == 0)
    list->first = *cb;
  else
    {
      if (list->more == NULL)
        list->more = g_array_new (FALSE, FALSE, sizeof (DoneCallback));
      g_array_append_vals (list->more, cb, 1);
    }
  list->n++;
}

static DoneCallback *
callback_list_get (CallbackList *list,
                   guint         i)
{
  return i == 0 ? &list->first : &g_array_index (list->more, DoneCallback, i - 1);
}

/* Runs the destroy notifies and empties the list. */
static void
callback_list_clear (CallbackList *list)
{
  for (guint i = 0; i < list->n; i++)
    done_callback_clear (callback_list_get (list, i));
  if (list->more != NULL)
    g_array_unref (list->more);
  memset (list, 0, sizeof *list);
}

/* A GCancellable is a GObject: allocating one per future costs as much as the future.
 * Each thread keeps one spare, recycled from a finished future when nobody else can
 * still see it (sole reference, never cancelled). */
static GPrivate spare_cancellable = G_PRIVATE_INIT (g_object_unref);

static GCancellable *
take_cancellable (void)
{
  GCancellable *cancellable = g_private_get (&spare_cancellable);

  if (cancellable == NULL)
    return g_cancellable_new ();
  g_private_set (&spare_cancellable, NULL);
  return cancellable;
}

static void
recycle_cancellable (GCancellable *cancellable)
{
  if (cancellable == NULL)
    return;
  if (!g_cancellable_is_cancelled (cancellable)
      && g_atomic_int_get ((int *) &G_OBJECT (cancellable)->ref_count) == 1
      && g_private_get (&spare_cancellable) == NULL)
    g_private_set (&spare_cancellable, cancellable);
  else
    g_object_unref (cancellable);
}

static void
progress_sink_report (FlJobProgress *sink,
                      double         fraction,
                      guint64        bytes)
{
  _fl_future_set_progress (sink->data, fraction, bytes);
}

static void
fl_future_finalize (GObject *object)
{
  FlFuture *self = FL_FUTURE (object);

  callback_list_clear (&self->callbacks);
  if (self->func_destroy != NULL)
    self->func_destroy (self->func_data);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->args, g_variant_unref);
  g_clear_pointer (&self->result, g_variant_unref);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->trace);
  g_clear_object (&self->gate);
  if (self->log != NULL)
    g_string_free (self->log, TRUE);
  g_clear_pointer (&self->dispatcher, _fl_dispatcher_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  fl_mutex_clear (&self->mutex);
  if (self->cond != NULL)
    {
      fl_cond_clear (self->cond);
      g_free (self->cond);
    }

  G_OBJECT_CLASS (fl_future_parent_class)->finalize (object);
}

static void
fl_future_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FlFuture *self = FL_FUTURE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint64 (value, self->id);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_STATE:
      /* What the home context has been told, so notify and get agree there. */
      g_value_set_enum (value, self->notified_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_future_class_init (FlFutureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_future_finalize;
  object_class->get_property = fl_future_get_property;

  properties[PROP_ID] =
    g_param_spec_uint64 ("id", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * FlFuture:state:
   *
   * The state as last delivered to the home context. Notifications are emitted only
   * there, batched by the dispatcher: a fast job may go from PENDING to FINISHED in one
   * notification. fl_future_get_state() reads the live state from any thread.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FL_TYPE_FUTURE_STATE, FL_FUTURE_PENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fl_future_init (FlFuture *self)
{
  fl_mutex_init (&self->mutex);
  self->lane = -1;
  self->progress = -1.0;
  self->progress_sink.report = progress_sink_report;
  self->progress_sink.data = self;
  self->queue_link.data = self;
}

FlFuture *
_fl_future_new (const FlFutureInit *init)
{
  FlFuture *self = g_object_new (FL_TYPE_FUTURE, NULL);

  self->id = init->id;
  self->label = g_strdup (init->label);
  self->job = init->job;
  self->args = init->args;
  self->func = init->func;
  self->func_data = init->func_data;
  self->func_destroy = init->func_destroy;
  self->executor_kind = init->executor_kind;
  self->trace = init->trace != NULL ? g_object_ref (init->trace) : NULL;
  self->gate = init->gate != NULL ? g_object_ref (init->gate) : NULL;
  self->context = g_main_context_ref_thread_default ();
  self->dispatcher = _fl_dispatcher_get (self->context);
  self->queued_time = g_get_monotonic_time ();

  if (self->trace != NULL)
    fl_trace_record (self->trace, FL_TRACE_SUBMIT, self->id, FL_LANE_NONE, -1,
                     FL_FUTURE_PENDING, self->queued_time, self->label, 0);

  return self;
}

/* Called with the lock held, right after a terminal state was stored. */
static GSList *
take_waiters_locked (FlFuture *self)
{
  GSList *waiters = self->waiters;

  self->waiters = NULL;
  if (self->cond != NULL)
    fl_cond_broadcast (self->cond);
  return waiters;
}

static void
notify_waiters_locked (FlFuture *self,
                       GSList   *waiters)
{
  for (GSList *l = waiters; l != NULL; l = l->next)
    {
      FlWaiter *waiter = l->data;
      waiter->notify (waiter, self);
    }
  g_slist_free (waiters);
}

static void deliver_now (FlFuture *self);

static void
queue_dispatch (FlFuture *self)
{
  /* At most one entry per future sits in the dispatcher's queue; the dispatcher clears
   * the flag before it reads the state, so no transition can be missed. */
  if (g_atomic_int_compare_and_exchange (&self->dispatch_pending, 0, 1))
    _fl_dispatcher_queue_future (self->dispatcher, self);
}

static void
record (FlFuture         *self,
        FlTraceEventKind  kind,
        FlFutureState     state,
        gint64            time,
        const char       *text)
{
  if (self->trace != NULL)
    fl_trace_record (self->trace, kind, self->id, self->lane_kind, self->lane, state, time,
                     text, self->bytes);
}

/**
 * _fl_future_set_running:
 *
 * The executor's compare-and-swap before it runs the job, like Python's
 * set_running_or_notify_cancel(): PENDING -> RUNNING returns %TRUE; a future that is no
 * longer pending (cancelled while queued) returns %FALSE and must be skipped.
 */
gboolean
_fl_future_set_running (FlFuture   *self,
                        FlLaneKind  lane_kind,
                        int         lane)
{
  gint64 now;

  fl_mutex_lock (&self->mutex);
  if (self->state != FL_FUTURE_PENDING)
    {
      fl_mutex_unlock (&self->mutex);
      return FALSE;
    }
  now = g_get_monotonic_time ();
  self->lane_kind = lane_kind;
  self->lane = lane;
  self->started_time = now;
  if (self->cancellable == NULL)
    self->cancellable = take_cancellable ();
  g_atomic_int_set (&self->state, FL_FUTURE_RUNNING);
  fl_mutex_unlock (&self->mutex);

  record (self, FL_TRACE_START, FL_FUTURE_RUNNING, now, NULL);
  queue_dispatch (self);
  return TRUE;
}

/**
 * _fl_future_complete:
 * @value: (transfer full) (nullable): the result: a full reference, or a floating one
 * @error: (transfer full) (nullable): the error
 *
 * Ends a running future. An error that says the job saw its cancellable fire ends it
 * CANCELLED. A second completion is ignored (and its value freed).
 *
 * The future takes over exactly one reference: a floating value (what g_variant_new()
 * returns) is sunk, a full one (from g_variant_ref(), g_variant_ref_sink() or a GTask) is
 * kept as it is. So callers pass what they own and never add a reference of their own.
 */
void
_fl_future_complete (FlFuture *self,
                     GVariant *value,
                     GError   *error)
{
  FlFutureState state;
  GSList *waiters;
  GCancellable *cancellable;
  gint64 now;

  /* Takes the caller's reference: g_variant_ref_sink() would add one to a value that is
   * already a full reference, and leak it. */
  if (value != NULL)
    value = g_variant_take_ref (value);

  fl_mutex_lock (&self->mutex);
  if (FL_FUTURE_STATE_IS_TERMINAL (self->state))
    {
      fl_mutex_unlock (&self->mutex);
      g_clear_pointer (&value, g_variant_unref);
      g_clear_error (&error);
      return;
    }

  now = g_get_monotonic_time ();
  if (error != NULL)
    {
      gboolean was_cancelled = self->cancellable != NULL
                               && g_cancellable_is_cancelled (self->cancellable)
                               && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      if (was_cancelled)
        {
          state = FL_FUTURE_CANCELLED;
          g_clear_error (&error);
          error = g_error_new_literal (FL_ERROR, FL_ERROR_CANCELLED,
                                       "The job stopped when asked to cancel");
        }
      else
        state = FL_FUTURE_FAILED;
      self->error = error;
      g_clear_pointer (&value, g_variant_unref);
    }
  else
    {
      state = FL_FUTURE_FINISHED;
      self->result = value != NULL ? value : g_variant_ref_sink (g_variant_new ("()"));
    }

  if (self->started_time == 0)
    self->started_time = now;
  self->finished_time = now;
  if (state == FL_FUTURE_FINISHED)
    self->progress = 1.0;
  g_atomic_int_set (&self->state, state);
  /* Nothing asks a done future to stop: the cancellable can serve another job. */
  cancellable = g_steal_pointer (&self->cancellable);
  waiters = take_waiters_locked (self);
  notify_waiters_locked (self, waiters);
  fl_mutex_unlock (&self->mutex);

  recycle_cancellable (cancellable);
  record (self, FL_TRACE_FINISH, state, now, self->error != NULL ? self->error->message : NULL);
  queue_dispatch (self);
}

/**
 * _fl_future_invoke:
 *
 * Runs the job's synchronous form (or the plain function) on this thread.
 */
GVariant *
_fl_future_invoke (FlFuture  *self,
                   GError   **error)
{
  GVariant *value;

  if (self->func != NULL)
    value = self->func (self->func_data, self->cancellable, error);
  else
    value = self->job->func (self->args, self->cancellable, &self->progress_sink, error);

  if (value == NULL && error != NULL && *error == NULL)
    g_set_error (error, FL_ERROR, FL_ERROR_FAILED, "The job failed without saying why");

  return value;
}

void
_fl_future_run_sync (FlFuture   *self,
                     FlLaneKind  lane_kind,
                     int         lane)
{
  GError *error = NULL;
  GVariant *value;

  if (!_fl_future_set_running (self, lane_kind, lane))
    return;

  value = _fl_future_invoke (self, &error);
  _fl_future_complete (self, value, error);
}

const FlJobInfo *
_fl_future_get_job (FlFuture *self)
{
  return self->job;
}

GCancellable *
_fl_future_get_cancellable (FlFuture *self)
{
  return self->cancellable;
}

/* Set at construction: lanes read it without a lock. */
FlGate *
_fl_future_get_gate (FlFuture *self)
{
  return self->gate;
}

GList *
_fl_future_get_queue_link (FlFuture *self)
{
  return &self->queue_link;
}

FlJobProgress *
_fl_future_get_progress_sink (FlFuture *self)
{
  return &self->progress_sink;
}

void
_fl_future_set_progress (FlFuture *self,
                         double    fraction,
                         guint64   bytes)
{
  fl_mutex_lock (&self->mutex);
  if (fraction >= 0)
    self->progress = CLAMP (fraction, 0.0, 1.0);
  if (bytes > 0)
    self->bytes = bytes;
  fl_mutex_unlock (&self->mutex);
}

gboolean
_fl_future_add_waiter (FlFuture *self,
                       FlWaiter *waiter)
{
  gboolean added = FALSE;

  fl_mutex_lock (&self->mutex);
  if (!FL_FUTURE_STATE_IS_TERMINAL (self->state))
    {
      self->waiters = g_slist_prepend (self->waiters, waiter);
      added = TRUE;
    }
  fl_mutex_unlock (&self->mutex);

  return added;
}

void
_fl_future_remove_waiter (FlFuture *self,
                          FlWaiter *waiter)
{
  fl_mutex_lock (&self->mutex);
  self->waiters = g_slist_remove (self->waiters, waiter);
  fl_mutex_unlock (&self->mutex);
}

static void
run_callbacks (FlFuture     *self,
               CallbackList *callbacks)
{
  /* The list was taken out of the future, so a callback that adds another callback,
   * cancels, or drops its own reference cannot disturb this loop. */
  for (guint i = 0; i < callbacks->n; i++)
    {
      DoneCallback *cb = callback_list_get (callbacks, i);
      cb->callback (self, cb->user_data);
    }
  callback_list_clear (callbacks);
}

/* Takes the callbacks once the future is terminal, marking them fired. Lock held. */
static CallbackList
take_callbacks_locked (FlFuture *self)
{
  CallbackList callbacks = { 0 };

  if (FL_FUTURE_STATE_IS_TERMINAL (self->state) && !self->callbacks_fired)
    {
      self->callbacks_fired = TRUE;
      callbacks = self->callbacks;
      memset (&self->callbacks, 0, sizeof self->callbacks);
    }
  return callbacks;
}

/**
 * _fl_future_deliver:
 *
 * Runs on the home context, from the dispatcher: tells the home context the current
 * state and, once terminal, runs the done callbacks (exactly once).
 */
void
_fl_future_deliver (FlFuture *self)
{
  g_atomic_int_set (&self->dispatch_pending, 0);
  deliver_now (self);
}

/* On the home context: tells it the current state, runs the callbacks once terminal. A
 * dispatcher entry still pending for this future then finds nothing new to say. */
static void
deliver_now (FlFuture *self)
{
  FlFutureState state;
  CallbackList callbacks;

  fl_mutex_lock (&self->mutex);
  state = self->state;
  callbacks = take_callbacks_locked (self);
  fl_mutex_unlock (&self->mutex);

  g_object_ref (self);
  if (state != self->notified_state)
    {
      self->notified_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  run_callbacks (self, &callbacks);
  g_object_unref (self);
}

guint64
fl_future_get_id (FlFuture *self)
{
  g_return_val_if_fail (FL_IS_FUTURE (self), 0);
  return self->id;
}

const char *
fl_future_get_label (FlFuture *self)
{
  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);
  return self->label;
}

const char *
fl_future_get_job_name (FlFuture *self)
{
  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);
  return self->job != NULL ? self->job->name : "function";
}

/**
 * fl_future_get_args:
 *
 * Returns: (transfer none) (nullable): the job's arguments
 */
GVariant *
fl_future_get_args (FlFuture *self)
{
  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);
  return self->args;
}

/**
 * fl_future_get_state:
 *
 * The live state, from any thread. On the home context, #FlFuture:state may lag it by
 * one dispatch.
 */
FlFutureState
fl_future_get_state (FlFuture *self)
{
  g_return_val_if_fail (FL_IS_FUTURE (self), FL_FUTURE_PENDING);
  return g_atomic_int_get (&self->state);
}

#define LOCKED_GETTER(type, name, field)          \
  type                                            \
  fl_future_get_##name (FlFuture *self)           \
  {                                               \
    type value;                                   \
    g_return_val_if_fail (FL_IS_FUTURE (self), 0); \
    fl_mutex_lock (&self->mutex);                  \
    value = self->field;                          \
    fl_mutex_unlock (&self->mutex);                \
    return value;                                 \
  }

LOCKED_GETTER (FlLaneKind, lane_kind, lane_kind)
LOCKED_GETTER (int, lane, lane)
LOCKED_GETTER (gint64, queued_time, queued_time)
LOCKED_GETTER (gint64, started_time, started_time)
LOCKED_GETTER (gint64, finished_time, finished_time)
LOCKED_GETTER (double, progress, progress)
LOCKED_GETTER (guint64, bytes, bytes)

#undef LOCKED_GETTER

GMainContext *
fl_future_get_context (FlFuture *self)
{
  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);
  return self->context;
}

/**
 * fl_future_dup_log:
 *
 * Returns: (transfer full) (nullable): what the job wrote to its log (a worker
 *   process's stderr), or %NULL
 */
char *
fl_future_dup_log (FlFuture *self)
{
  char *copy = NULL;

  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);

  fl_mutex_lock (&self->mutex);
  if (self->log != NULL)
    copy = g_strndup (self->log->str, self->log->len);
  fl_mutex_unlock (&self->mutex);

  return copy;
}

void
fl_future_append_log (FlFuture   *self,
                      const char *text)
{
  g_return_if_fail (FL_IS_FUTURE (self));
  g_return_if_fail (text != NULL);

  fl_mutex_lock (&self->mutex);
  if (self->log == NULL)
    self->log = g_string_new (NULL);
  /* Keep the log bounded: a runaway worker must not eat the parent's memory. */
  if (self->log->len < 64 * 1024)
    g_string_append (self->log, text);
  fl_mutex_unlock (&self->mutex);
}

gboolean
fl_future_is_done (FlFuture *self)
{
  return FL_FUTURE_STATE_IS_TERMINAL (fl_future_get_state (self));
}

gboolean
fl_future_is_running (FlFuture *self)
{
  return fl_future_get_state (self) == FL_FUTURE_RUNNING;
}

gboolean
fl_future_is_cancelled (FlFuture *self)
{
  return fl_future_get_state (self) == FL_FUTURE_CANCELLED;
}

/**
 * fl_future_cancel:
 *
 * Cancels a future that has not started, as `Future.cancel()` does.
 *
 * Returns: %TRUE if the future is now (or already was) cancelled; %FALSE if it is
 *   running or done, in which case nothing changes (see fl_future_request_cancel())
 */
gboolean
fl_future_cancel (FlFuture *self)
{
  GSList *waiters;
  gint64 now;

  g_return_val_if_fail (FL_IS_FUTURE (self), FALSE);

  fl_mutex_lock (&self->mutex);
  if (self->state == FL_FUTURE_CANCELLED)
    {
      fl_mutex_unlock (&self->mutex);
      return TRUE;
    }
  if (self->state != FL_FUTURE_PENDING)
    {
      fl_mutex_unlock (&self->mutex);
      return FALSE;
    }

  now = g_get_monotonic_time ();
  self->finished_time = now;
  self->error = g_error_new_literal (FL_ERROR, FL_ERROR_CANCELLED,
                                     "The future was cancelled before it started");
  g_atomic_int_set (&self->state, FL_FUTURE_CANCELLED);
  waiters = take_waiters_locked (self);
  notify_waiters_locked (self, waiters);
  fl_mutex_unlock (&self->mutex);

  record (self, FL_TRACE_FINISH, FL_FUTURE_CANCELLED, now, NULL);
  /* As Future.cancel(), which invokes the callbacks before it returns: on the home thread
   * deliver right here. Anywhere else they go through the dispatcher as usual. */
  if (_fl_context_is_home (self->context))
    deliver_now (self);
  else
    queue_dispatch (self);
  return TRUE;
}

/**
 * fl_future_request_cancel:
 *
 * Cancels a pending future, or asks a running job to stop by cancelling its
 * #GCancellable. A job that honours it ends CANCELLED; one that ignores it finishes as
 * usual. Does nothing to a done future.
 */
void
fl_future_request_cancel (FlFuture *self)
{
  g_autoptr(GCancellable) cancellable = NULL;

  g_return_if_fail (FL_IS_FUTURE (self));

  if (fl_future_cancel (self))
    return;

  fl_mutex_lock (&self->mutex);
  if (self->state == FL_FUTURE_RUNNING && self->cancellable != NULL)
    cancellable = g_object_ref (self->cancellable);
  fl_mutex_unlock (&self->mutex);

  /* Cancelling runs the job's handlers synchronously: never under our lock. */
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
}

/* A blocking wait on the home context for a job that needs that very context to run
 * could never end. */
static gboolean
would_deadlock (FlFuture *self)
{
  return self->executor_kind == FL_LANE_MAIN_LOOP && _fl_context_is_home (self->context);
}

/**
 * fl_future_wait:
 * @timeout_us: microseconds, or %FL_TIMEOUT_INFINITE
 *
 * Blocks until the future is done or the time is up.
 *
 * Returns: whether the future is done
 */
gboolean
fl_future_wait (FlFuture *self,
                gint64    timeout_us)
{
  gint64 deadline;
  gboolean done;

  g_return_val_if_fail (FL_IS_FUTURE (self), FALSE);

  deadline = timeout_us < 0 ? G_MAXINT64 : g_get_monotonic_time () + timeout_us;

  fl_mutex_lock (&self->mutex);
  if (!FL_FUTURE_STATE_IS_TERMINAL (self->state) && would_deadlock (self))
    {
      fl_mutex_unlock (&self->mutex);
      return FALSE;
    }
  /* Most futures are never waited on by a blocked thread: their condition variable is
   * made on first need, under the lock the completion broadcasts under. */
  if (self->cond == NULL && !FL_FUTURE_STATE_IS_TERMINAL (self->state))
    {
      self->cond = g_new (FlCond, 1);
      fl_cond_init (self->cond);
    }
  while (!FL_FUTURE_STATE_IS_TERMINAL (self->state))
    {
      if (deadline == G_MAXINT64)
        fl_cond_wait (self->cond, &self->mutex);
      else if (!fl_cond_wait_until (self->cond, &self->mutex, deadline))
        break;
    }
  done = FL_FUTURE_STATE_IS_TERMINAL (self->state);
  fl_mutex_unlock (&self->mutex);

  return done;
}

static gboolean
wait_or_set_error (FlFuture  *self,
                   gint64     timeout_us,
                   GError   **error)
{
  if (fl_future_wait (self, timeout_us))
    return TRUE;

  if (would_deadlock (self))
    g_set_error (error, FL_ERROR, FL_ERROR_WOULD_DEADLOCK,
                 "Future %" G_GUINT64_FORMAT " runs on this main loop: waiting for it here "
                 "would block forever; use fl_future_wait_async()", self->id);
  else
    g_set_error (error, FL_ERROR, FL_ERROR_TIMEOUT,
                 "Future %" G_GUINT64_FORMAT " was not done after %.3f s",
                 self->id, (double) timeout_us / G_USEC_PER_SEC);
  return FALSE;
}

/**
 * fl_future_result:
 * @timeout_us: how long to wait, or %FL_TIMEOUT_INFINITE
 *
 * Waits for the future, as `Future.result(timeout)`. The error is a copy of the job's
 * error, %FL_ERROR_CANCELLED for a cancelled future, or %FL_ERROR_TIMEOUT.
 *
 * Returns: (transfer full): the result
 */
GVariant *
fl_future_result (FlFuture  *self,
                  gint64     timeout_us,
                  GError   **error)
{
  GVariant *value = NULL;

  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);

  if (!wait_or_set_error (self, timeout_us, error))
    return NULL;

  fl_mutex_lock (&self->mutex);
  if (self->result != NULL)
    value = g_variant_ref (self->result);
  else if (self->error != NULL)
    g_propagate_error (error, g_error_copy (self->error));
  fl_mutex_unlock (&self->mutex);

  return value;
}

/**
 * fl_future_exception:
 *
 * Waits for the future, as `Future.exception(timeout)`.
 *
 * Returns: (transfer full) (nullable): a copy of the job's error, %NULL if it finished
 *   (or if the wait failed, with @error set to %FL_ERROR_TIMEOUT). A cancelled future sets
 *   @error to %FL_ERROR_CANCELLED, as Python raises CancelledError.
 */
GError *
fl_future_exception (FlFuture  *self,
                     gint64     timeout_us,
                     GError   **error)
{
  GError *copy = NULL;

  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);

  if (!wait_or_set_error (self, timeout_us, error))
    return NULL;

  fl_mutex_lock (&self->mutex);
  if (self->state == FL_FUTURE_CANCELLED)
    g_propagate_error (error, g_error_copy (self->error));
  else if (self->error != NULL)
    copy = g_error_copy (self->error);
  fl_mutex_unlock (&self->mutex);

  return copy;
}

/**
 * fl_future_peek_result:
 *
 * Returns: (transfer none) (nullable): the result of a finished future, or %NULL
 */
GVariant *
fl_future_peek_result (FlFuture *self)
{
  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);

  /* Terminal fields never change again: reading them after the state is safe. */
  if (fl_future_get_state (self) != FL_FUTURE_FINISHED)
    return NULL;
  return self->result;
}

/**
 * fl_future_peek_error:
 *
 * Returns: (transfer none) (nullable): the error of a failed or cancelled future
 */
const GError *
fl_future_peek_error (FlFuture *self)
{
  FlFutureState state;

  g_return_val_if_fail (FL_IS_FUTURE (self), NULL);

  state = fl_future_get_state (self);
  if (state != FL_FUTURE_FAILED && state != FL_FUTURE_CANCELLED)
    return NULL;
  return self->error;
}

/**
 * fl_future_add_done_callback:
 *
 * Adds a callback that runs on the home context once the future is done; callbacks run
 * in the order added, each exactly once. Added on the home thread to a future that is
 * already done, it runs at once (after any earlier callbacks not yet delivered). Added
 * from another thread to a done future, it is posted to the home context.
 */
void
fl_future_add_done_callback (FlFuture         *self,
                             FlFutureCallback  callback,
                             gpointer          user_data,
                             GDestroyNotify    destroy)
{
  DoneCallback cb = { callback, user_data, destroy };
  CallbackList run_now = { 0 };
  gboolean post = FALSE;

  g_return_if_fail (FL_IS_FUTURE (self));
  g_return_if_fail (callback != NULL);

  fl_mutex_lock (&self->mutex);
  if (!FL_FUTURE_STATE_IS_TERMINAL (self->state) || !self->callbacks_fired)
    {
      callback_list_append (&self->callbacks, &cb);
      if (FL_FUTURE_STATE_IS_TERMINAL (self->state) && _fl_context_is_home (self->context))
        run_now = take_callbacks_locked (self);
    }
  else if (_fl_context_is_home (self->context))
    callback_list_append (&run_now, &cb);
  else
    post = TRUE;
  fl_mutex_unlock (&self->mutex);

  if (run_now.n > 0)
    {
      g_object_ref (self);
      run_callbacks (self, &run_now);
      g_object_unref (self);
    }
  else if (post)
    {
      DoneCallback *copy = g_memdup2 (&cb, sizeof cb);
      _fl_dispatcher_post (self->dispatcher, NULL, g_object_ref (self), copy);
    }
}

/* Called by the dispatcher for a callback posted above (func == NULL). */
void _fl_future_run_posted_callback (gpointer future, gpointer data);

void
_fl_future_run_posted_callback (gpointer future,
                                gpointer data)
{
  DoneCallback *cb = data;

  cb->callback (future, cb->user_data);
  done_callback_clear (cb);
  g_free (cb);
  g_object_unref (future);
}

typedef struct
{
  FlWaiter  waiter;
  GTask    *task;
  FlFuture *future;
  FlDispatcher *dispatcher;
  GSource  *cancel_source;
  int       finished;
} WaitAsync;

static void
wait_async_return (gpointer data,
                   gpointer unused)
{
  WaitAsync *wait = data;

  if (wait->cancel_source != NULL)
    {
      g_source_destroy (wait->cancel_source);
      g_source_unref (wait->cancel_source);
    }

  _fl_future_remove_waiter (wait->future, &wait->waiter);
  if (!g_task_return_error_if_cancelled (wait->task))
    g_task_return_boolean (wait->task, TRUE);
  g_object_unref (wait->task);
  g_object_unref (wait->future);
  _fl_dispatcher_unref (wait->dispatcher);
  g_free (wait);
}

/* From the completing thread or the cancelling one: only the first of the two posts the
 * return to the caller's context. */
static void
wait_async_fire (WaitAsync *wait)
{
  if (g_atomic_int_compare_and_exchange (&wait->finished, 0, 1))
    _fl_dispatcher_post (wait->dispatcher, wait_async_return, wait, NULL);
}

static void
wait_async_notify (FlWaiter *waiter,
                   FlFuture *future)
{
  wait_async_fire ((WaitAsync *) waiter);
}

static gboolean
wait_async_cancelled (GCancellable *cancellable,
                      gpointer      data)
{
  wait_async_fire (data);
  return G_SOURCE_REMOVE;
}

/**
 * fl_future_wait_async:
 *
 * Waits on the caller's thread-default context without blocking it. Cancelling
 * @cancellable stops the wait, not the future.
 */
void
fl_future_wait_async (FlFuture            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  WaitAsync *wait;

  g_return_if_fail (FL_IS_FUTURE (self));

  wait = g_new0 (WaitAsync, 1);
  wait->waiter.notify = wait_async_notify;
  wait->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (wait->task, fl_future_wait_async);
  wait->future = g_object_ref (self);
  wait->dispatcher = _fl_dispatcher_get (context);

  /* The cancel source runs on the caller's context, as the return does, so the two never
   * race; only the completion comes from another thread, through the dispatcher. */
  if (cancellable != NULL)
    {
      wait->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (wait->cancel_source, G_SOURCE_FUNC (wait_async_cancelled),
                             wait, NULL);
      g_source_attach (wait->cancel_source, context);
    }

  if (!_fl_future_add_waiter (self, &wait->waiter))
    wait_async_fire (wait);
}

gboolean
fl_future_wait_finish (FlFuture      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
