/* fl-job.h: jobs are data: a registered name plus GVariant arguments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FlJobProgress FlJobProgress;

/**
 * FlJobProgress:
 * @report: called by the job, from the thread that runs it, with the fraction done
 *   (0..1, or negative when unknown) and the bytes handled so far
 * @data: for the implementation
 *
 * Where a job reports progress. The engine points it at the future; a worker process
 * points it at its pipe. Jobs call fl_job_progress_report(), which accepts %NULL.
 */
struct _FlJobProgress
{
  void     (*report) (FlJobProgress *self,
                      double         fraction,
                      guint64        bytes);
  gpointer   data;
};

void fl_job_progress_report (FlJobProgress *progress,
                             double         fraction,
                             guint64        bytes);

/**
 * FlJobFunc:
 *
 * A synchronous job: runs on whatever thread the executor chooses, checks @cancellable
 * now and then, and returns a new (or floating) #GVariant or %NULL with @error set.
 */
typedef GVariant *(*FlJobFunc)       (GVariant             *args,
                                      GCancellable         *cancellable,
                                      FlJobProgress        *progress,
                                      GError              **error);
/**
 * FlJobAsyncFunc:
 *
 * The async form of a job, for the loop executor: starts the work on the thread-default
 * main context and calls @callback there when done.
 */
typedef void      (*FlJobAsyncFunc)  (GVariant             *args,
                                      GCancellable         *cancellable,
                                      FlJobProgress        *progress,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
typedef GVariant *(*FlJobFinishFunc) (GAsyncResult         *result,
                                      GError              **error);

/**
 * FlJobInfo:
 * @name: unique name, e.g. "sleep"
 * @args_type: GVariant type string the arguments must have, or %NULL for any
 * @func: synchronous form (required)
 * @async_func: async form, or %NULL
 * @finish_func: finishes @async_func
 * @summary: one line for help texts (untranslated; front ends translate their own)
 *
 * A registered job. The structure must stay alive for the life of the process.
 */
typedef struct
{
  const char      *name;
  const char      *args_type;
  FlJobFunc        func;
  FlJobAsyncFunc   async_func;
  FlJobFinishFunc  finish_func;
  const char      *summary;
} FlJobInfo;

void             fl_job_registry_register   (const FlJobInfo  *info);
const FlJobInfo *fl_job_registry_lookup     (const char       *name);
GStrv            fl_job_registry_list       (void);
gboolean         fl_job_info_check_args     (const FlJobInfo  *info,
                                             GVariant         *args,
                                             GError          **error);
GVariant        *fl_job_run                 (const char       *name,
                                             GVariant         *args,
                                             GCancellable     *cancellable,
                                             FlJobProgress    *progress,
                                             GError          **error);

/* Built-in jobs for tests and demos:
 *   sleep  (u)  milliseconds, cancellable; returns u (the milliseconds slept)
 *   echo   any  returns its arguments
 *   fail   (s)  fails with that message (FL_ERROR_FAILED)
 *   spin   (t)  busy CPU for that many microseconds; returns t (loop iterations) */
void             fl_jobs_register_builtins  (void);

G_END_DECLS
