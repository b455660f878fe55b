/* fl-run.c: one run of a demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run owns the executor, the trace and every future it submitted; the futures list and
 * the timeline read it. Counters change in done callbacks, which the engine delivers in
 * batches on the main context; the run announces them with at most one idle per batch
 * ("progress"), so a page never does work per future.
 */
#include "config.h"

#include "fl-run.h"

struct _FlRun
{
  GObject     parent_instance;

  char       *mode;
  char       *mode_title;
  FlExecutor *executor;
  FlTrace    *trace;
  GPtrArray  *futures;
  guint       n_committed;

  guint       n_done;
  guint       n_finished;
  guint       n_failed;
  guint       n_cancelled;
  guint64     bytes;
  gint64      start_time;
  gint64      end_time;
  guint       progress_idle;
  guint       committed : 1;
  guint       complete : 1;
  guint       cancel_requested : 1;
};

enum {
  PROGRESS,
  COMPLETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
fl_run_get_item_type (GListModel *model)
{
  return FL_TYPE_FUTURE;
}

static guint
fl_run_get_n_items (GListModel *model)
{
  return FL_RUN (model)->n_committed;
}

static gpointer
fl_run_get_item (GListModel *model,
                 guint       position)
{
  FlRun *self = FL_RUN (model);

  if (position >= self->n_committed)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->futures, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fl_run_get_item_type;
  iface->get_n_items = fl_run_get_n_items;
  iface->get_item = fl_run_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FlRun, fl_run, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
check_complete (FlRun *self)
{
  if (self->complete || !self->committed || self->n_done < self->futures->len)
    return;

  self->complete = TRUE;
  self->end_time = g_get_monotonic_time ();
  fl_executor_shutdown (self->executor, FALSE, FALSE);
  g_signal_emit (self, signals[COMPLETED], 0);
}

static gboolean
progress_idle_cb (gpointer data)
{
  FlRun *self = data;

  self->progress_idle = 0;
  g_signal_emit (self, signals[PROGRESS], 0);
  check_complete (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_progress (FlRun *self)
{
  /* One idle for a whole batch of done callbacks: the dispatcher delivers them in one
   * dispatch, so the idle runs after all of them. */
  if (self->progress_idle == 0)
    self->progress_idle = g_idle_add_full (G_PRIORITY_DEFAULT, progress_idle_cb,
                                           g_object_ref (self), g_object_unref);
}

static void
future_done_cb (FlFuture *future,
                gpointer  user_data)
{
  FlRun *self = user_data;

  self->n_done++;
  switch (fl_future_get_state (future))
    {
    case FL_FUTURE_FINISHED:
      self->n_finished++;
      break;
    case FL_FUTURE_FAILED:
      self->n_failed++;
      break;
    case FL_FUTURE_CANCELLED:
      self->n_cancelled++;
      break;
    case FL_FUTURE_PENDING:
    case FL_FUTURE_RUNNING:
    default:
      g_assert_not_reached ();
    }
  self->bytes += fl_future_get_bytes (future);
  schedule_progress (self);
}

static FlFuture *
track (FlRun    *self,
       FlFuture *future)
{
  if (future == NULL)
    return NULL;

  g_ptr_array_add (self->futures, future);
  fl_future_add_done_callback (future, future_done_cb, g_object_ref (self), g_object_unref);
  return future;
}

static void
fl_run_dispose (GObject *object)
{
  FlRun *self = FL_RUN (object);

  g_clear_handle_id (&self->progress_idle, g_source_remove);
  if (self->executor != NULL)
    fl_executor_shutdown (self->executor, FALSE, TRUE);

  G_OBJECT_CLASS (fl_run_parent_class)->dispose (object);
}

static void
fl_run_finalize (GObject *object)
{
  FlRun *self = FL_RUN (object);

  g_clear_pointer (&self->futures, g_ptr_array_unref);
  g_clear_object (&self->executor);
  g_clear_object (&self->trace);
  g_free (self->mode);
  g_free (self->mode_title);

  G_OBJECT_CLASS (fl_run_parent_class)->finalize (object);
}

static void
fl_run_class_init (FlRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_run_dispose;
  object_class->finalize = fl_run_finalize;

  /**
   * FlRun::progress:
   *
   * Some futures finished since the last emission (at most once per dispatch batch).
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FlRun::completed:
   *
   * Every submitted future reached a terminal state.
   */
  signals[COMPLETED] = g_signal_new ("completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fl_run_init (FlRun *self)
{
  self->futures = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * fl_run_new:
 * @mode: the mode id ("threads", ...)
 * @mode_title: the mode as shown to people
 * @executor: (transfer full): runs the futures; the run shuts it down when complete
 *
 * Returns: (transfer full): a run with its own trace, started now
 */
FlRun *
fl_run_new (const char *mode,
            const char *mode_title,
            FlExecutor *executor)
{
  FlRun *self = g_object_new (FL_TYPE_RUN, NULL);

  self->mode = g_strdup (mode);
  self->mode_title = g_strdup (mode_title);
  self->executor = executor;
  self->trace = fl_trace_new (mode);
  fl_executor_set_trace (executor, self->trace);
  self->start_time = fl_trace_get_origin (self->trace);
  return self;
}

/**
 * fl_run_submit:
 *
 * Returns: (transfer none) (nullable): the future, owned by the run
 */
FlFuture *
fl_run_submit (FlRun       *self,
               const char  *job_name,
               GVariant    *args,
               const char  *label,
               GError     **error)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  g_return_val_if_fail (!self->committed, NULL);

  return track (self, fl_executor_submit (self->executor, job_name, args, label, error));
}

FlFuture *
fl_run_submit_func (FlRun          *self,
                    FlFunc          func,
                    gpointer        user_data,
                    GDestroyNotify  destroy,
                    const char     *label,
                    GError        **error)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  g_return_val_if_fail (!self->committed, NULL);

  return track (self, fl_executor_submit_func (self->executor, func, user_data, destroy,
                                               label, error));
}

/**
 * fl_run_commit:
 *
 * Ends submission: the futures appear in the model in one items-changed, and the run
 * completes once they are all done (at once if they already are).
 */
void
fl_run_commit (FlRun *self)
{
  guint added;

  g_return_if_fail (FL_IS_RUN (self));

  if (self->committed)
    return;
  self->committed = TRUE;
  added = self->futures->len;
  self->n_committed = added;
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
  schedule_progress (self);
}

/**
 * fl_run_cancel:
 *
 * Cancels what has not started and asks running jobs to stop.
 */
void
fl_run_cancel (FlRun *self)
{
  g_return_if_fail (FL_IS_RUN (self));

  if (self->complete)
    return;
  self->cancel_requested = TRUE;
  fl_executor_shutdown (self->executor, FALSE, TRUE);
  for (guint i = 0; i < self->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (self->futures, i);

      if (!fl_future_cancel (future))
        fl_future_request_cancel (future);
    }
}

const char *
fl_run_get_mode (FlRun *self)
{
  return self->mode;
}

const char *
fl_run_get_mode_title (FlRun *self)
{
  return self->mode_title;
}

FlExecutor *
fl_run_get_executor (FlRun *self)
{
  return self->executor;
}

FlTrace *
fl_run_get_trace (FlRun *self)
{
  return self->trace;
}

guint
fl_run_get_n_total (FlRun *self)
{
  return self->futures->len;
}

guint
fl_run_get_n_done (FlRun *self)
{
  return self->n_done;
}

guint
fl_run_get_n_finished (FlRun *self)
{
  return self->n_finished;
}

guint
fl_run_get_n_failed (FlRun *self)
{
  return self->n_failed;
}

guint
fl_run_get_n_cancelled (FlRun *self)
{
  return self->n_cancelled;
}

guint64
fl_run_get_bytes (FlRun *self)
{
  return self->bytes;
}

gboolean
fl_run_is_complete (FlRun *self)
{
  return self->complete;
}

gboolean
fl_run_was_cancelled (FlRun *self)
{
  return self->cancel_requested;
}

gint64
fl_run_get_start_time (FlRun *self)
{
  return self->start_time;
}

/**
 * fl_run_get_elapsed:
 *
 * Returns: seconds from the start to completion, or to now while running
 */
double
fl_run_get_elapsed (FlRun *self)
{
  gint64 end = self->complete ? self->end_time : g_get_monotonic_time ();

  return (end - self->start_time) / (double) G_USEC_PER_SEC;
}
