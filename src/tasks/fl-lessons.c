/* fl-lessons.c: the loiter job
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "futures-lab-engine.h"
#include "fl-lessons.h"

static GVariant *
loiter_job (GVariant       *args,
            GCancellable   *cancellable,
            FlJobProgress  *progress,
            GError        **error)
{
  const FlJobInfo *sleep_job = fl_job_registry_lookup ("sleep");
  g_autoptr(GVariant) slept = NULL;
  g_autoptr(GVariant) sleep_args = NULL;
  guint n, unit_ms;

  g_variant_get (args, "(uu)", &n, &unit_ms);
  if (n > 3600 || unit_ms > 3600 * 1000 || (guint64) n * unit_ms > 3600 * 1000)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                   "loiter(%u) for %u ms units would take over an hour", n, unit_ms);
      return NULL;
    }

  /* The sleep job borrows its arguments and returns its own reference. */
  sleep_args = g_variant_ref_sink (g_variant_new ("(u)", n * unit_ms));
  slept = sleep_job->func (sleep_args, cancellable, progress, error);
  if (slept == NULL)
    return NULL;
  g_variant_take_ref (slept);
  return g_variant_new_uint32 (n * 10);
}

static void
loiter_slept (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const FlJobInfo *sleep_job = fl_job_registry_lookup ("sleep");
  GError *error = NULL;
  g_autoptr(GVariant) slept = sleep_job->finish_func (result, &error);

  if (slept == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task,
                           g_variant_ref_sink (g_variant_new_uint32 (GPOINTER_TO_UINT (g_task_get_task_data (task)) * 10)),
                           (GDestroyNotify) g_variant_unref);
}

static void
loiter_job_async (GVariant            *args,
                  GCancellable        *cancellable,
                  FlJobProgress       *progress,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  const FlJobInfo *sleep_job = fl_job_registry_lookup ("sleep");
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GVariant) sleep_args = NULL;
  guint n, unit_ms;

  g_variant_get (args, "(uu)", &n, &unit_ms);
  g_task_set_task_data (task, GUINT_TO_POINTER (n), NULL);
  if (n > 3600 || (guint64) n * unit_ms > 3600 * 1000)
    {
      g_task_return_new_error (task, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                               "loiter(%u) for %u ms units would take over an hour", n, unit_ms);
      g_object_unref (task);
      return;
    }
  sleep_args = g_variant_ref_sink (g_variant_new ("(u)", n * unit_ms));
  sleep_job->async_func (sleep_args, cancellable, progress, loiter_slept, task);
}

static GVariant *
loiter_finish (GAsyncResult  *result,
               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static const FlJobInfo lesson_jobs[] = {
  { "loiter", "(uu)", loiter_job, loiter_job_async, loiter_finish,
    "Do nothing for n units, return n * 10" },
};

void
fl_lessons_register_jobs (void)
{
  fl_jobs_register_builtins ();
  for (guint i = 0; i < G_N_ELEMENTS (lesson_jobs); i++)
    fl_job_registry_register (&lesson_jobs[i]);
}
