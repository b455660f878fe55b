/* fl-cli-flags-run.c: one run of flag downloads, shared by `flags` and `bench-flags`
 *
 * A run owns its executor and its futures; their done callbacks come home to the
 * thread-default main context of the thread that started the run, which counts them. The
 * run is over when every future is done, however it ended: the counts always add up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-cli-flags.h"

struct _FlFlagsRun
{
  FlFlagsMode     mode;
  guint           concurrency;
  FlExecutor     *executor;
  FlTrace        *trace;
  GPtrArray      *futures;
  GHashTable     *by_id;        /* future id -> FlFuture (borrowed from @futures) */
  FlFlagsCounts   counts;
  guint           n_done;
  gint64          start_us;
  gint64          end_us;
  double          time_scale;   /* 1.0, or slow motion: the server's delays stretch */
  FlFlagsDoneFunc done_func;
  gpointer        done_data;
};

static const char *mode_names[] = { "sequential", "threads", "async", "processes" };

gboolean
fl_flags_mode_from_string (const char  *text,
                           FlFlagsMode *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    {
      if (g_ascii_strcasecmp (text, mode_names[i]) == 0)
        {
          *mode = (FlFlagsMode) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
fl_flags_mode_to_string (FlFlagsMode mode)
{
  g_return_val_if_fail (mode < G_N_ELEMENTS (mode_names), NULL);
  return mode_names[mode];
}

/**
 * fl_flags_mode_prepare:
 *
 * Call before any thread starts (it sets the environment): worker processes of a
 * processes run then warm up their download machinery before they count as ready.
 */
void
fl_flags_mode_prepare (FlFlagsMode mode)
{
  if (mode == FL_FLAGS_MODE_PROCESSES)
    g_setenv (FL_DOWNLOAD_WORKER_PRELOAD_ENV, "download", TRUE);
}

/**
 * fl_flags_run_new:
 * @concurrency: worker threads (threads) or requests in flight (async); sequential uses 1
 * @trace: (nullable): where the executor records its events
 *
 * Sequential is one worker thread taking the downloads one after another, so that the main
 * loop stays free for the progress bar and Ctrl-C; threads is a pool of @concurrency
 * threads running the blocking job; async is the loop executor running the async job on
 * this thread's main context, @concurrency at a time.
 */
FlFlagsRun *
fl_flags_run_new (FlFlagsMode   mode,
                  guint         concurrency,
                  FlTrace      *trace,
                  GError      **error)
{
  FlFlagsRun *run;
  FlExecutor *executor;

  concurrency = CLAMP (concurrency, 1, FL_DOWNLOAD_MAX_CONCURRENCY);
  switch (mode)
    {
    case FL_FLAGS_MODE_SEQUENTIAL:
      concurrency = 1;
      executor = fl_thread_executor_new (1);
      break;
    case FL_FLAGS_MODE_THREADS:
      executor = fl_thread_executor_new (concurrency);
      break;
    case FL_FLAGS_MODE_ASYNC:
      executor = fl_loop_executor_new (NULL, concurrency);
      break;
    case FL_FLAGS_MODE_PROCESSES:
      /* Each worker process runs the same download-flag job with its own session, warmed
       * up before it says hello (fl_flags_mode_prepare() set the environment). */
      executor = fl_process_executor_new (concurrency);
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  run = g_new0 (FlFlagsRun, 1);
  run->mode = mode;
  run->concurrency = concurrency;
  run->executor = executor;
  run->trace = trace != NULL ? g_object_ref (trace) : NULL;
  run->futures = g_ptr_array_new_with_free_func (g_object_unref);
  run->time_scale = 1.0;
  run->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (trace != NULL)
    fl_executor_set_trace (executor, trace);
  /* Create and configure the shared libsoup session here, on this thread, before any
   * request (libsoup 3's rule for sessions used from several threads). */
  fl_download_session_prepare (concurrency);
  return run;
}

void
fl_flags_run_free (FlFlagsRun *run)
{
  if (run == NULL)
    return;
  /* Joins the worker threads; by now every future is done. */
  fl_executor_shutdown (run->executor, TRUE, TRUE);
  g_object_unref (run->executor);
  g_clear_object (&run->trace);
  g_hash_table_unref (run->by_id);
  g_ptr_array_unref (run->futures);
  g_free (run);
}

void
fl_flags_run_set_done_func (FlFlagsRun      *run,
                            FlFlagsDoneFunc  func,
                            gpointer         user_data)
{
  run->done_func = func;
  run->done_data = user_data;
}

static void
on_future_done (FlFuture *future,
                gpointer  user_data)
{
  FlFlagsRun *run = user_data;

  switch (fl_download_status_from_future (future))
    {
    case FL_DOWNLOAD_STATUS_OK:
      run->counts.ok++;
      break;
    case FL_DOWNLOAD_STATUS_NOT_FOUND:
      run->counts.not_found++;
      break;
    case FL_DOWNLOAD_STATUS_ERROR:
      run->counts.error++;
      break;
    case FL_DOWNLOAD_STATUS_CANCELLED:
    default:
      run->counts.cancelled++;
      break;
    }
  /* A worker process killed (after its grace) between creating its temporary file and
   * renaming it cannot remove it: its parent does. */
  if (run->mode == FL_FLAGS_MODE_PROCESSES
      && (fl_download_status_from_future (future) == FL_DOWNLOAD_STATUS_ERROR
          || fl_download_status_from_future (future) == FL_DOWNLOAD_STATUS_CANCELLED))
    fl_download_remove_temp_files (fl_future_get_args (future));
  run->n_done++;
  if (run->n_done == run->futures->len)
    run->end_us = g_get_monotonic_time ();
  if (run->done_func != NULL)
    run->done_func (run, future, run->done_data);
}

/**
 * fl_flags_run_start:
 * @codes: lower-case codes, in the order to submit them
 *
 * Submits one download per code. The elapsed time starts here, once the worker
 * processes (processes mode) are ready.
 */
gboolean
fl_flags_run_start (FlFlagsRun         *run,
                    const char *const  *codes,
                    const char         *base_url,
                    const char         *output_dir,
                    guint               timeout_ms,
                    gboolean            metadata,
                    GError            **error)
{
  guint n = g_strv_length ((char **) codes);

  g_return_val_if_fail (run->futures->len == 0, FALSE);

  /* A hundred workers starting on two cores take seconds: that is the pool's start-up, not
   * the downloads', and a job sent to a worker still starting would spend its deadline on
   * it. A worker that cannot start fails its jobs with its own error below. */
  if (FL_IS_PROCESS_EXECUTOR (run->executor))
    fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (run->executor),
                                    (gint64) 120 * G_USEC_PER_SEC, NULL);

  run->counts.total = n;
  run->start_us = g_get_monotonic_time ();
  if (n == 0)
    run->end_us = run->start_us;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GVariant) base_args = g_variant_ref_sink (fl_download_args_new (codes[i], base_url,
                                                                                output_dir,
                                                                                timeout_ms,
                                                                                run->concurrency));
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (base_args);
      g_autofree char *label = g_ascii_strup (codes[i], -1);
      FlFuture *future;

      g_variant_dict_insert (&dict, "metadata", "b", metadata);
      if (run->time_scale != 1.0)
        g_variant_dict_insert (&dict, "time-scale", "d", run->time_scale);
      future = fl_executor_submit (run->executor, FL_DOWNLOAD_JOB, g_variant_dict_end (&dict),
                                   label, error);
      if (future == NULL)
        {
          /* Nothing is lost: what was submitted is cancelled and still counted. */
          fl_flags_run_interrupt (run);
          run->counts.total = run->futures->len;
          return FALSE;
        }
      g_ptr_array_add (run->futures, future);
      g_hash_table_insert (run->by_id, g_memdup2 (&(guint64) { fl_future_get_id (future) },
                                                  sizeof (guint64)), future);
      fl_future_add_done_callback (future, on_future_done, run, NULL);
    }
  return TRUE;
}

/**
 * fl_flags_run_interrupt:
 *
 * Ctrl-C: cancels what has not started and asks running downloads to stop (they honour
 * their cancellable mid-transfer, and leave no file).
 */
void
fl_flags_run_interrupt (FlFlagsRun *run)
{
  fl_executor_shutdown (run->executor, FALSE, TRUE);
  for (guint i = 0; i < run->futures->len; i++)
    fl_future_request_cancel (g_ptr_array_index (run->futures, i));
}

gboolean
fl_flags_run_is_done (FlFlagsRun *run)
{
  return run->n_done == run->futures->len;
}

/**
 * fl_flags_run_wait:
 *
 * Runs the thread-default main context until every future is done.
 */
void
fl_flags_run_wait (FlFlagsRun *run)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (!fl_flags_run_is_done (run))
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
}

void
fl_flags_run_get_counts (FlFlagsRun    *run,
                         FlFlagsCounts *counts)
{
  gint64 end = run->end_us != 0 ? run->end_us : g_get_monotonic_time ();

  *counts = run->counts;
  counts->elapsed = run->start_us != 0 ? (end - run->start_us) * run->time_scale / 1e6 : 0.0;
}

/**
 * fl_flags_run_set_time_scale:
 * @scale: a valid time scale (fl_time_scale_is_valid()); set before the run starts
 *
 * Slow motion: each download asks the embedded server to stretch its delay by 1/@scale;
 * the trace records the scale, and the counts' elapsed time is scaled back to real units.
 */
void
fl_flags_run_set_time_scale (FlFlagsRun *run,
                             double      scale)
{
  g_return_if_fail (run->futures->len == 0);
  g_return_if_fail (fl_time_scale_is_valid (scale));

  run->time_scale = scale;
  if (run->trace != NULL)
    fl_trace_set_time_scale (run->trace, scale);
}

double
fl_flags_run_get_time_scale (FlFlagsRun *run)
{
  return run->time_scale;
}

FlFuture *
fl_flags_run_lookup (FlFlagsRun *run,
                     guint64     future_id)
{
  return g_hash_table_lookup (run->by_id, &future_id);
}

gint64
fl_flags_run_get_start_time (FlFlagsRun *run)
{
  return run->start_us;
}

FlTrace *
fl_flags_run_get_trace (FlFlagsRun *run)
{
  return run->trace;
}

FlFlagsMode
fl_flags_run_get_mode (FlFlagsRun *run)
{
  return run->mode;
}

guint
fl_flags_run_get_concurrency (FlFlagsRun *run)
{
  return run->concurrency;
}
