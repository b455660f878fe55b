/* fl-map.c: Executor.map(): results in submission order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-combinators.h"
#include "fl-executor.h"
#include "fl-future-private.h"

/* As CPython's map() generator: every job is submitted at once; the iterator lets go of
 * each future (and so of its result) as it yields it, and only an iterator that was being
 * consumed cancels, when it is closed, what it has not yielded. */
struct _FlMapIter
{
  GPtrArray *futures;     /* FlFuture*, in submission order; NULL once yielded */
  guint      next;
  gint64     deadline;    /* G_MAXINT64 for none; counts from the fl_executor_map() call */
  gboolean   started;     /* a next() was asked for: the iteration is under way */
  gboolean   failed;      /* an error surfaced: the rest were cancelled */
};

static void
unref_future (gpointer future)
{
  if (future != NULL)
    g_object_unref (future);
}

/* The future at @next was yielded: let go of it. */
static void
advance (FlMapIter *iter)
{
  g_clear_object ((FlFuture **) &g_ptr_array_index (iter->futures, iter->next));
  iter->next++;
}

/**
 * fl_executor_map:
 * @args: (array length=n_args): one argument tuple per job
 * @timeout_us: for the whole iteration, counted from this call, or %FL_TIMEOUT_INFINITE
 *
 * Submits every job at once, as `Executor.map()`. fl_map_iter_next() then hands back
 * the results in submission order; an error (the job's, or %FL_ERROR_TIMEOUT) surfaces
 * when its item is reached, and then the futures not yet reached are cancelled, as
 * Python does when the generator is closed. Each future is released as its result is
 * handed back; fl_map_iter_dup_futures() keeps them all, for callers that show them.
 *
 * Returns: (transfer full): the iterator, or %NULL with @error set if a submit failed
 *   (the jobs already submitted are cancelled)
 */
FlMapIter *
fl_executor_map (FlExecutor       *self,
                 const char       *job_name,
                 GVariant *const  *args,
                 guint             n_args,
                 gint64            timeout_us,
                 GError          **error)
{
  FlMapIter *iter;

  g_return_val_if_fail (FL_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (job_name != NULL, NULL);
  g_return_val_if_fail (args != NULL || n_args == 0, NULL);

  iter = g_new0 (FlMapIter, 1);
  iter->futures = g_ptr_array_new_full (n_args, unref_future);
  iter->deadline = timeout_us < 0 ? G_MAXINT64 : g_get_monotonic_time () + timeout_us;

  for (guint i = 0; i < n_args; i++)
    {
      FlFuture *future = fl_executor_submit (self, job_name, args[i], NULL, error);

      if (future == NULL)
        {
          fl_map_iter_free (iter);
          return NULL;
        }
      g_ptr_array_add (iter->futures, future);
    }

  return iter;
}

static void
cancel_rest (FlMapIter *iter)
{
  iter->failed = TRUE;
  for (guint i = iter->next; i < iter->futures->len; i++)
    fl_future_cancel (g_ptr_array_index (iter->futures, i));
  iter->next = iter->futures->len;
}

static gint64
remaining (FlMapIter *iter)
{
  if (iter->deadline == G_MAXINT64)
    return FL_TIMEOUT_INFINITE;
  return MAX (0, iter->deadline - g_get_monotonic_time ());
}

/**
 * fl_map_iter_next:
 * @result: (out) (optional) (transfer full): the next result
 *
 * Blocks for the next result in submission order.
 *
 * Returns: %TRUE with @result set; %FALSE at the end (no error) or with @error set
 */
gboolean
fl_map_iter_next (FlMapIter  *iter,
                  GVariant  **result,
                  GError    **error)
{
  FlFuture *future;
  GVariant *value;
  GError *local_error = NULL;

  g_return_val_if_fail (iter != NULL, FALSE);

  iter->started = TRUE;
  if (iter->next >= iter->futures->len)
    return FALSE;

  future = g_ptr_array_index (iter->futures, iter->next);
  value = fl_future_result (future, remaining (iter), &local_error);
  if (value == NULL)
    {
      cancel_rest (iter);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  advance (iter);
  if (result != NULL)
    *result = value;
  else
    g_variant_unref (value);
  return TRUE;
}

static void
map_next_waited (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlMapIter *iter = g_task_get_task_data (task);
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GError) error = NULL;
  FlFuture *future = g_ptr_array_index (iter->futures, iter->next);
  GVariant *value;

  if (!fl_wait_finish (result, &done, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (done->len == 0)
    {
      cancel_rest (iter);
      g_task_return_new_error (task, FL_ERROR, FL_ERROR_TIMEOUT,
                               "map() timed out before item %u was done", iter->next + 1);
      return;
    }

  value = fl_future_result (future, 0, &error);
  if (value == NULL)
    {
      cancel_rest (iter);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  advance (iter);
  g_task_return_pointer (task, value, (GDestroyNotify) g_variant_unref);
}

/**
 * fl_map_iter_next_async:
 *
 * The main-loop form of fl_map_iter_next(). Only one call may be pending at a time.
 */
void
fl_map_iter_next_async (FlMapIter           *iter,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  FlFuture *future;

  g_return_if_fail (iter != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_map_iter_next_async);
  g_task_set_task_data (task, iter, NULL);
  iter->started = TRUE;

  if (iter->next >= iter->futures->len)
    {
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }

  future = g_ptr_array_index (iter->futures, iter->next);
  fl_wait_async (&future, 1, FL_WAIT_ALL_COMPLETED, remaining (iter), cancellable,
                 map_next_waited, task);
}

/**
 * fl_map_iter_next_finish:
 * @value: (out) (optional) (transfer full): the result
 *
 * Returns: %TRUE with @value set, %FALSE at the end or with @error set
 */
gboolean
fl_map_iter_next_finish (FlMapIter     *iter,
                         GAsyncResult  *result,
                         GVariant     **value,
                         GError       **error)
{
  GVariant *v;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  v = g_task_propagate_pointer (G_TASK (result), error);
  if (v == NULL)
    return FALSE;
  if (value != NULL)
    *value = v;
  else
    g_variant_unref (v);
  return TRUE;
}

/**
 * fl_map_iter_dup_futures:
 *
 * The futures the iterator has not handed back yet, in submission order: all of them
 * right after fl_executor_map(). The iterator lets go of each future as it yields it, so
 * a caller that wants them all for longer (a list, a timeline) takes them here first.
 *
 * Returns: (transfer full) (element-type FlFuture): a new array holding references
 */
GPtrArray *
fl_map_iter_dup_futures (FlMapIter *iter)
{
  GPtrArray *copy;

  g_return_val_if_fail (iter != NULL, NULL);

  copy = g_ptr_array_new_full (iter->futures->len - iter->next, g_object_unref);
  for (guint i = iter->next; i < iter->futures->len; i++)
    g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (iter->futures, i)));
  return copy;
}

/**
 * fl_map_iter_free:
 *
 * Closes the iterator. One that was being consumed (a next call was made) cancels the
 * futures it has not yielded (those already running carry on), as closing CPython's map()
 * generator does; one never consumed cancels nothing: its jobs run on, as they do when a
 * map() generator is dropped before its first next().
 */
void
fl_map_iter_free (FlMapIter *iter)
{
  if (iter == NULL)
    return;

  if (iter->started)
    cancel_rest (iter);
  g_ptr_array_unref (iter->futures);
  g_free (iter);
}
