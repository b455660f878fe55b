/* fl-executor.c: the part every executor shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-lock.h"

#include "fl-enums.h"
#include "fl-executor.h"
#include "fl-future-private.h"

typedef struct
{
  FlMutex    mutex;
  guint64   next_id;
  FlTrace  *trace;
  FlGate   *gate;
  char     *display_name;
  guint     max_workers;
  gboolean  shutdown;
} FlExecutorPrivate;

enum {
  PROP_0,
  PROP_MAX_WORKERS,
  PROP_DISPLAY_NAME,
  PROP_TRACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FlExecutor, fl_executor, G_TYPE_OBJECT)

/**
 * fl_default_max_workers:
 *
 * Python's default for ThreadPoolExecutor: min(32, cores + 4).
 */
guint
fl_default_max_workers (void)
{
  return MIN (32, g_get_num_processors () + 4);
}

/**
 * fl_executor_check_max_workers:
 * @max_workers: a worker count from a caller or a user
 *
 * 0 means "the default" (each executor's own, see its constructor); a positive number is
 * a count; a negative one is an error, as `ValueError` in Python. Constructors refuse a
 * negative count with a critical warning; front ends call this first to report it.
 *
 * Returns: %TRUE if @max_workers is valid, else %FALSE with %FL_ERROR_INVALID_ARGUMENT
 */
gboolean
fl_executor_check_max_workers (int      max_workers,
                               GError **error)
{
  if (max_workers >= 0)
    return TRUE;
  g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
               "max_workers must be 0 (the default) or more, not %d", max_workers);
  return FALSE;
}

static void
fl_executor_finalize (GObject *object)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (FL_EXECUTOR (object));

  g_clear_object (&priv->trace);
  g_clear_object (&priv->gate);
  g_free (priv->display_name);
  fl_mutex_clear (&priv->mutex);

  G_OBJECT_CLASS (fl_executor_parent_class)->finalize (object);
}

static void
fl_executor_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FlExecutor *self = FL_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      g_value_set_uint (value, fl_executor_get_max_workers (self));
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, fl_executor_get_display_name (self));
      break;
    case PROP_TRACE:
      g_value_take_object (value, fl_executor_get_trace (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_executor_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FlExecutor *self = FL_EXECUTOR (object);
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      priv->max_workers = g_value_get_uint (value);
      if (priv->max_workers == 0)
        priv->max_workers = fl_default_max_workers ();
      break;
    case PROP_DISPLAY_NAME:
      g_free (priv->display_name);
      priv->display_name = g_value_dup_string (value);
      break;
    case PROP_TRACE:
      fl_executor_set_trace (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_executor_class_init (FlExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_executor_finalize;
  object_class->get_property = fl_executor_get_property;
  object_class->set_property = fl_executor_set_property;

  properties[PROP_MAX_WORKERS] =
    g_param_spec_uint ("max-workers", NULL, NULL, 0, 1024, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRACE] =
    g_param_spec_object ("trace", NULL, NULL, FL_TYPE_TRACE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fl_executor_init (FlExecutor *self)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);

  fl_mutex_init (&priv->mutex);
}

static FlFuture *
submit_init (FlExecutor    *self,
             FlFutureInit  *init,
             GError       **error)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);
  FlExecutorClass *klass = FL_EXECUTOR_GET_CLASS (self);
  g_autoptr(FlFuture) future = NULL;

  fl_mutex_lock (&priv->mutex);
  if (priv->shutdown)
    {
      fl_mutex_unlock (&priv->mutex);
      g_set_error (error, FL_ERROR, FL_ERROR_SHUTDOWN,
                   "Cannot submit to “%s”: it has been shut down",
                   fl_executor_get_display_name (self));
      if (init->func_destroy != NULL)
        init->func_destroy (init->func_data);
      g_clear_pointer (&init->args, g_variant_unref);
      return NULL;
    }
  init->id = ++priv->next_id;
  init->trace = priv->trace;          /* the future takes its own reference */
  init->gate = priv->gate;            /* likewise */
  init->executor_kind = klass->get_lane_kind (self);
  future = _fl_future_new (init);
  fl_mutex_unlock (&priv->mutex);

  /* schedule() refuses only when the executor shut down in between: the future was
   * never queued, so it ends here, cancelled, and the caller gets the error. */
  if (!klass->schedule (self, future, error))
    {
      fl_future_cancel (future);
      return NULL;
    }

  return g_steal_pointer (&future);
}

/**
 * fl_executor_submit:
 * @job_name: a registered job
 * @args: (nullable): its arguments; a floating reference is sunk
 * @label: (nullable): what to call the future in lists and traces
 *
 * Schedules the job, as `Executor.submit()`.
 *
 * Returns: (transfer full): the future, or %NULL with @error set (unknown job, wrong
 *   arguments, executor shut down)
 */
FlFuture *
fl_executor_submit (FlExecutor  *self,
                    const char  *job_name,
                    GVariant    *args,
                    const char  *label,
                    GError     **error)
{
  FlFutureInit init = { 0 };

  g_return_val_if_fail (FL_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (job_name != NULL, NULL);

  if (args != NULL)
    g_variant_ref_sink (args);

  init.job = fl_job_registry_lookup (job_name);
  if (init.job == NULL)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_UNKNOWN_JOB, "No job named “%s”", job_name);
      g_clear_pointer (&args, g_variant_unref);
      return NULL;
    }
  if (!fl_job_info_check_args (init.job, args, error))
    {
      g_clear_pointer (&args, g_variant_unref);
      return NULL;
    }

  init.args = args;
  init.label = label;
  return submit_init (self, &init, error);
}

/**
 * fl_executor_submit_func:
 * @func: runs on the executor's lane
 * @destroy: (nullable): frees @user_data when the future is gone
 *
 * Schedules a plain C function. Executors that run jobs elsewhere (a worker process)
 * refuse it with %FL_ERROR_NOT_SUPPORTED.
 *
 * Returns: (transfer full): the future, or %NULL with @error set
 */
FlFuture *
fl_executor_submit_func (FlExecutor      *self,
                         FlFunc           func,
                         gpointer         user_data,
                         GDestroyNotify   destroy,
                         const char      *label,
                         GError         **error)
{
  FlFutureInit init = { 0 };

  g_return_val_if_fail (FL_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  init.func = func;
  init.func_data = user_data;
  init.func_destroy = destroy;
  init.label = label;
  return submit_init (self, &init, error);
}

/**
 * fl_executor_shutdown:
 * @wait: block until running jobs have finished
 * @cancel_futures: cancel the futures that have not started
 *
 * As `Executor.shutdown()`. Later submits fail with %FL_ERROR_SHUTDOWN. Calling it again
 * is harmless; a later call with @wait still waits.
 */
void
fl_executor_shutdown (FlExecutor *self,
                      gboolean    wait,
                      gboolean    cancel_futures)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);

  g_return_if_fail (FL_IS_EXECUTOR (self));

  fl_mutex_lock (&priv->mutex);
  priv->shutdown = TRUE;
  fl_mutex_unlock (&priv->mutex);

  FL_EXECUTOR_GET_CLASS (self)->shutdown (self, wait, cancel_futures);
}

gboolean
fl_executor_is_shutdown (FlExecutor *self)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);
  gboolean shutdown;

  g_return_val_if_fail (FL_IS_EXECUTOR (self), FALSE);

  fl_mutex_lock (&priv->mutex);
  shutdown = priv->shutdown;
  fl_mutex_unlock (&priv->mutex);
  return shutdown;
}

guint
fl_executor_get_max_workers (FlExecutor *self)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);

  g_return_val_if_fail (FL_IS_EXECUTOR (self), 0);
  return priv->max_workers;
}

const char *
fl_executor_get_display_name (FlExecutor *self)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);

  g_return_val_if_fail (FL_IS_EXECUTOR (self), NULL);
  return priv->display_name != NULL ? priv->display_name : G_OBJECT_TYPE_NAME (self);
}

FlLaneKind
fl_executor_get_lane_kind (FlExecutor *self)
{
  g_return_val_if_fail (FL_IS_EXECUTOR (self), FL_LANE_NONE);
  return FL_EXECUTOR_GET_CLASS (self)->get_lane_kind (self);
}

/**
 * fl_executor_get_trace:
 *
 * Returns: (transfer full) (nullable): the trace new futures record into
 */
FlTrace *
fl_executor_get_trace (FlExecutor *self)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);
  FlTrace *trace;

  g_return_val_if_fail (FL_IS_EXECUTOR (self), NULL);

  fl_mutex_lock (&priv->mutex);
  trace = priv->trace != NULL ? g_object_ref (priv->trace) : NULL;
  fl_mutex_unlock (&priv->mutex);
  return trace;
}

/**
 * fl_executor_set_trace:
 * @trace: (nullable): where futures submitted from now on record their events
 */
void
fl_executor_set_trace (FlExecutor *self,
                       FlTrace    *trace)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);
  gboolean changed;

  g_return_if_fail (FL_IS_EXECUTOR (self));

  fl_mutex_lock (&priv->mutex);
  changed = g_set_object (&priv->trace, trace);
  fl_mutex_unlock (&priv->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
}

/**
 * fl_executor_get_gate:
 *
 * Returns: (transfer full) (nullable): the gate new futures stop at while it is paused
 */
FlGate *
fl_executor_get_gate (FlExecutor *self)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);
  FlGate *gate;

  g_return_val_if_fail (FL_IS_EXECUTOR (self), NULL);

  fl_mutex_lock (&priv->mutex);
  gate = priv->gate != NULL ? g_object_ref (priv->gate) : NULL;
  fl_mutex_unlock (&priv->mutex);
  return gate;
}

/**
 * fl_executor_set_gate:
 * @gate: (nullable): the gate that futures submitted from now on stop at
 *
 * Each future keeps the gate it was submitted under. The thread pool, the process pool
 * and the loop executor honour it; the inline executor runs a job inside submit() on the
 * caller's thread (often the main loop), so it never waits at a gate.
 */
void
fl_executor_set_gate (FlExecutor *self,
                      FlGate     *gate)
{
  FlExecutorPrivate *priv = fl_executor_get_instance_private (self);

  g_return_if_fail (FL_IS_EXECUTOR (self));
  g_return_if_fail (gate == NULL || FL_IS_GATE (gate));

  fl_mutex_lock (&priv->mutex);
  g_set_object (&priv->gate, gate);
  fl_mutex_unlock (&priv->mutex);
}
