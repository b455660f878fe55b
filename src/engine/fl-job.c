/* fl-job.c: the registry of named jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <pthread.h>

#include "fl-job.h"
#include "fl-types.h"

/* Registration happens at start-up, lookups on every submit: a reader-writer lock keeps
 * lookups from different threads from serialising on each other. */
static pthread_rwlock_t registry_lock = PTHREAD_RWLOCK_INITIALIZER;
static GHashTable *registry;

void
fl_job_progress_report (FlJobProgress *progress,
                        double         fraction,
                        guint64        bytes)
{
  if (progress != NULL && progress->report != NULL)
    progress->report (progress, fraction, bytes);
}

/**
 * fl_job_registry_register:
 * @info: a job description that lives as long as the process
 *
 * Registers @info under its name. Registering the same structure twice is harmless;
 * another structure under a taken name replaces it (last one wins, with a warning).
 */
void
fl_job_registry_register (const FlJobInfo *info)
{
  const FlJobInfo *old;

  g_return_if_fail (info != NULL);
  g_return_if_fail (info->name != NULL);
  g_return_if_fail (info->func != NULL);
  g_return_if_fail ((info->async_func == NULL) == (info->finish_func == NULL));

  pthread_rwlock_wrlock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  old = g_hash_table_lookup (registry, info->name);
  if (old != NULL && old != info)
    g_warning ("Job “%s” registered twice; the newer one wins", info->name);
  g_hash_table_insert (registry, (gpointer) info->name, (gpointer) info);
  pthread_rwlock_unlock (&registry_lock);
}

const FlJobInfo *
fl_job_registry_lookup (const char *name)
{
  const FlJobInfo *info = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  pthread_rwlock_rdlock (&registry_lock);
  if (registry != NULL)
    info = g_hash_table_lookup (registry, name);
  pthread_rwlock_unlock (&registry_lock);

  return info;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

/**
 * fl_job_registry_list:
 *
 * Returns: (transfer full): the registered names, sorted
 */
GStrv
fl_job_registry_list (void)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  pthread_rwlock_rdlock (&registry_lock);
  if (registry != NULL)
    {
      g_hash_table_iter_init (&iter, registry);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (names, g_strdup (key));
    }
  pthread_rwlock_unlock (&registry_lock);

  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

gboolean
fl_job_info_check_args (const FlJobInfo  *info,
                        GVariant         *args,
                        GError          **error)
{
  if (info->args_type == NULL)
    return TRUE;

  if (args == NULL || !g_variant_is_of_type (args, G_VARIANT_TYPE (info->args_type)))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                   "Job “%s” takes arguments of type %s, not %s",
                   info->name, info->args_type,
                   args != NULL ? g_variant_get_type_string (args) : "nothing");
      return FALSE;
    }

  return TRUE;
}

/**
 * fl_job_run:
 *
 * Looks up @name, checks @args and runs the job's synchronous form on this thread.
 * This is what every lane does in the end, a worker process included.
 *
 * Returns: (transfer full): the result, never floating, or %NULL with @error set
 */
GVariant *
fl_job_run (const char     *name,
            GVariant       *args,
            GCancellable   *cancellable,
            FlJobProgress  *progress,
            GError        **error)
{
  const FlJobInfo *info = fl_job_registry_lookup (name);
  GVariant *result;

  if (info == NULL)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_UNKNOWN_JOB, "No job named “%s”", name);
      return NULL;
    }

  if (!fl_job_info_check_args (info, args, error))
    return NULL;

  result = info->func (args, cancellable, progress, error);
  /* A job may return a floating value (g_variant_new()) or a full reference (echo hands
   * back g_variant_ref (args)): g_variant_ref_sink() would add a second reference to the
   * latter, and it would leak. */
  if (result != NULL)
    g_variant_take_ref (result);
  else if (error != NULL && *error == NULL)
    g_set_error (error, FL_ERROR, FL_ERROR_FAILED, "Job “%s” failed without saying why", name);

  return result;
}
