/* fl-cli-compute.c: `futures-lab-cli compute`, CPU-bound jobs in four modes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same kernel, N jobs, run sequentially, on threads, on threads under the simulated
 * GIL, or on the process pool. Prints each job as it completes, then a summary; with
 * --json, one JSON object per job on stdout and the summary object as the last line (the
 * human report then goes to stderr), as `flags` does.
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <glib/gi18n.h>
#include <stdio.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"

static char     *opt_kernel;
static char     *opt_mode;
static int       opt_jobs = 8;
static gint64    opt_size;
static int       opt_workers;
static int       opt_inject_crash;
static char     *opt_crash_kind;
static gboolean  opt_strict;
static gboolean  opt_json;
static char     *opt_trace;

/* What fl-compute.c's crash job knows. */
static const char *const crash_kinds[] = { "segv", "abort", "exit", "kill", "stuck", "noise",
                                           NULL };

static GOptionEntry entries[] = {
  { "kernel", 'k', 0, G_OPTION_ARG_STRING, &opt_kernel,
    N_("primes, sha256 or mandelbrot (default primes)"), N_("KERNEL") },
  { "jobs", 'n', 0, G_OPTION_ARG_INT, &opt_jobs, N_("How many jobs (default 8)"), N_("N") },
  { "size", 's', 0, G_OPTION_ARG_INT64, &opt_size,
    N_("Work per job: primes below N, SHA-256 rounds, or the Mandelbrot image side "
       "(default: about 0.2 s per job)"), N_("N") },
  { "mode", 'm', 0, G_OPTION_ARG_STRING, &opt_mode,
    N_("sequential, threads, gil (threads under a simulated GIL) or processes "
       "(default processes)"), N_("MODE") },
  { "workers", 'w', 0, G_OPTION_ARG_INT, &opt_workers,
    N_("Worker threads or processes (default: one per core)"), N_("N") },
  { "inject-crash", 0, 0, G_OPTION_ARG_INT, &opt_inject_crash,
    N_("Job K (from 1) runs the crash job instead: its worker process dies"), N_("K") },
  { "crash-kind", 0, 0, G_OPTION_ARG_STRING, &opt_crash_kind,
    N_("How the injected crash dies: segv, abort, exit or kill (default segv)"), N_("KIND") },
  { "strict", 0, 0, G_OPTION_ARG_NONE, &opt_strict,
    N_("Processes: a dead worker breaks the whole pool, as Python’s BrokenProcessPool"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("One JSON object per job on stdout, the summary object last"), NULL },
  { "trace", 0, 0, G_OPTION_ARG_FILENAME, &opt_trace,
    N_("Save the run as a Chrome trace (JSON) to FILE"), N_("FILE") },
  { NULL }
};

typedef struct
{
  FlComputeKernel  kernel;
  FlExecutor      *executor;
  GPtrArray       *futures;
  guint            done;
  guint            ok;
  guint            failed;
  guint            cancelled;
  gint64           busy_us;      /* sum of the jobs' run times */
  gint64           start;
  FILE            *text;
  gboolean         interrupted;
} Run;

static char *
describe_result (Run      *run,
                 FlFuture *future)
{
  GVariant *value = fl_future_peek_result (future);
  guint x, y, w, h;
  g_autoptr(GBytes) rgb = NULL;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return g_strdup_printf (_("%" PRIu64 " primes"), g_variant_get_uint64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_strdup (g_variant_get_string (value, NULL));
  if (fl_compute_mandelbrot_unpack (value, &x, &y, &w, &h, &rgb))
    return g_strdup_printf (_("tile %u×%u at %u,%u"), w, h, x, y);
  return g_variant_print (value, FALSE);
}

static void
on_job_done (FlFuture *future,
             gpointer  user_data)
{
  Run *run = user_data;
  FlFutureState state = fl_future_get_state (future);
  gint64 started = fl_future_get_started_time (future);
  double seconds = started > 0
                   ? (fl_future_get_finished_time (future) - started) / (double) G_USEC_PER_SEC
                   : 0;
  g_autofree char *what = NULL;
  g_autofree char *lane = NULL;
  guint index = 0;

  for (guint i = 0; i < run->futures->len; i++)
    if (run->futures->pdata[i] == future)
      index = i + 1;

  run->done++;
  if (state == FL_FUTURE_FINISHED)
    {
      run->ok++;
      what = describe_result (run, future);
    }
  else
    {
      if (state == FL_FUTURE_CANCELLED)
        run->cancelled++;
      else
        run->failed++;
      what = g_strdup (fl_future_peek_error (future)->message);
    }
  if (started > 0)
    run->busy_us += fl_future_get_finished_time (future) - started;

  if (fl_future_get_lane (future) >= 0 && fl_future_get_lane_kind (future) != FL_LANE_NONE)
    lane = g_strdup_printf ("%s %d", fl_lane_kind_to_string (fl_future_get_lane_kind (future)),
                            fl_future_get_lane (future) + 1);
  else
    lane = g_strdup ("—");

  fprintf (run->text, "%3u  %-9s  %-12s  %6.3f s  %s\n", index,
           fl_future_state_to_string (state), lane, seconds, what);
  fflush (run->text);

  if (opt_json)
    {
      FlJsonLine line;

      fl_json_line_init (&line);
      fl_json_line_add_string (&line, "event", "job");
      fl_json_line_add_int (&line, "index", index);
      fl_json_line_add_string (&line, "state", fl_future_state_to_string (state));
      fl_json_line_add_string (&line, "lane_kind",
                               fl_lane_kind_to_string (fl_future_get_lane_kind (future)));
      fl_json_line_add_int (&line, "lane", fl_future_get_lane (future));
      fl_json_line_add_double (&line, "seconds", seconds, 4);
      fl_json_line_add_string (&line, state == FL_FUTURE_FINISHED ? "result" : "error", what);
      fl_json_line_print (&line);
    }
}

static gboolean
on_interrupt (gpointer data)
{
  Run *run = data;

  if (!run->interrupted)
    {
      run->interrupted = TRUE;
      /* Queued jobs are dropped; running ones are asked to stop (a worker process is
       * killed). */
      fl_executor_shutdown (run->executor, FALSE, TRUE);
      for (guint i = 0; i < run->futures->len; i++)
        fl_future_request_cancel (run->futures->pdata[i]);
    }
  return G_SOURCE_CONTINUE;
}

static void
print_summary (Run           *run,
               FlComputeMode  mode,
               guint          workers,
               guint64        size,
               double         elapsed)
{
  double parallelism = elapsed > 0 ? run->busy_us / (double) G_USEC_PER_SEC / elapsed : 0;

  if (run->interrupted)
    fprintf (run->text, "%s\n", _("*** Interrupted: the summary below is partial."));
  fputs ("--------------------\n", run->text);
  fprintf (run->text, _("%u jobs of %s (size %" PRIu64 "), mode %s, %s\n"),
           run->futures->len, fl_compute_kernel_to_string (run->kernel), size,
           fl_compute_mode_to_string (mode), fl_executor_get_display_name (run->executor));
  fprintf (run->text, _("%u ok, %u errors, %u cancelled\n"), run->ok, run->failed,
           run->cancelled);
  fprintf (run->text, _("Elapsed time: %.3fs; busy %.3fs, so %.2f jobs at a time on average\n"),
           elapsed, run->busy_us / (double) G_USEC_PER_SEC, parallelism);
  fflush (run->text);

  if (opt_json)
    {
      FlJsonLine line;

      fl_json_line_init (&line);
      fl_json_line_add_string (&line, "event", "summary");
      fl_json_line_add_int (&line, "ok", run->ok);
      fl_json_line_add_int (&line, "error", run->failed);
      fl_json_line_add_int (&line, "cancelled", run->cancelled);
      fl_json_line_add_double (&line, "elapsed", elapsed, 3);
      fl_json_line_add_string (&line, "mode", fl_compute_mode_to_string (mode));
      fl_json_line_add_string (&line, "kernel", fl_compute_kernel_to_string (run->kernel));
      fl_json_line_add_int (&line, "jobs", run->futures->len);
      fl_json_line_add_int (&line, "workers", mode == FL_COMPUTE_SEQUENTIAL ? 1 : workers);
      fl_json_line_add_int (&line, "size", (gint64) size);
      fl_json_line_add_double (&line, "busy", run->busy_us / (double) G_USEC_PER_SEC, 3);
      fl_json_line_add_double (&line, "parallelism", parallelism, 2);
      fl_json_line_print (&line);
    }
}

static void
clear_options (void)
{
  g_clear_pointer (&opt_kernel, g_free);
  g_clear_pointer (&opt_mode, g_free);
  g_clear_pointer (&opt_crash_kind, g_free);
  g_clear_pointer (&opt_trace, g_free);
}

int
fl_cli_compute_main (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) workload = NULL;
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(FlExecutor) executor = NULL;
  g_autoptr(FlTrace) trace = NULL;
  FlComputeKernel kernel = FL_COMPUTE_PRIMES;
  FlComputeMode mode = FL_COMPUTE_PROCESSES;
  const char *crash_kind;
  Run run = { 0 };
  guint workers, sigint_id;
  guint64 size;
  double elapsed;
  int status = FL_CLI_EXIT_OK;

  g_option_context_set_summary (context,
                                _("Runs CPU-bound jobs sequentially, on threads, on threads "
                                  "under a simulated GIL, or in worker processes, and reports "
                                  "how long each took and where it ran."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (argc > 1)
    return fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  if (opt_kernel != NULL && !fl_compute_kernel_from_string (opt_kernel, &kernel))
    return fl_cli_usage_error (context, _("unknown kernel “%s”"), opt_kernel);
  if (opt_mode != NULL && !fl_compute_mode_from_string (opt_mode, &mode))
    return fl_cli_usage_error (context, _("unknown mode “%s”"), opt_mode);
  if (opt_jobs < 1 || opt_jobs > 100000)
    return fl_cli_usage_error (context, _("--jobs must be between 1 and 100000"));
  if (opt_workers < 0 || opt_workers > 1024)
    return fl_cli_usage_error (context, _("--workers must be between 1 and 1024 (0: one per "
                                          "core, the default)"));
  if (opt_size < 0)
    return fl_cli_usage_error (context, _("--size must be positive"));
  if (opt_inject_crash < 0 || opt_inject_crash > opt_jobs)
    return fl_cli_usage_error (context, _("--inject-crash must name a job from 1 to %d"),
                               opt_jobs);
  crash_kind = opt_crash_kind != NULL ? opt_crash_kind : "segv";
  if (!g_strv_contains (crash_kinds, crash_kind))
    return fl_cli_usage_error (context, _("unknown crash kind “%s” (segv, abort, exit, kill, "
                                          "stuck or noise)"), crash_kind);
  if (opt_trace != NULL && !fl_cli_check_writable (opt_trace, &error))
    return fl_cli_usage_error (context, "--trace: %s", error->message);

  fl_compute_register_jobs ();
  size = opt_size > 0 ? (guint64) opt_size : fl_compute_kernel_default_size (kernel);
  workload = fl_compute_workload (kernel, opt_jobs, size, &error);
  if (workload == NULL)
    {
      clear_options ();
      return fl_cli_usage_error (context, "%s", error->message);
    }

  workers = opt_workers > 0 ? (guint) opt_workers : g_get_num_processors ();
  /* Sequential: one job after another on one worker thread, rather than on this thread,
   * whose main loop must stay free for Ctrl-C and SIGTERM (a job honours its cancellable
   * inside the kernel), as `flags --mode sequential` does. */
  if (mode == FL_COMPUTE_SEQUENTIAL)
    executor = fl_thread_executor_new (1);
  else
    executor = fl_compute_executor_new (mode, workers, opt_strict);
  if (mode == FL_COMPUTE_PROCESSES
      && !fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor),
                                          10 * G_USEC_PER_SEC, &error))
    {
      g_printerr (_("%s: the process pool did not start: %s\n"), g_get_prgname (),
                  error->message);
      fl_executor_shutdown (executor, TRUE, TRUE);
      clear_options ();
      return FL_CLI_EXIT_FAILURE;
    }

  trace = fl_trace_new ("compute");
  fl_trace_set_metadata (trace, "kernel", fl_compute_kernel_to_string (kernel));
  fl_trace_set_metadata (trace, "mode", fl_compute_mode_to_string (mode));
  fl_trace_set_metadata (trace, "executor", fl_executor_get_display_name (executor));
  fl_executor_set_trace (executor, trace);

  run.kernel = kernel;
  run.executor = executor;
  run.futures = futures;
  run.text = opt_json ? stderr : stdout;
  sigint_id = fl_cli_add_interrupt (on_interrupt, &run);

  run.start = g_get_monotonic_time ();
  for (guint i = 0; i < workload->len && !run.interrupted; i++)
    {
      gboolean crash = opt_inject_crash == (int) i + 1;
      g_autofree char *label = g_strdup_printf ("%s %u", crash ? "crash"
                                                : fl_compute_kernel_to_string (kernel), i + 1);
      FlFuture *future;

      future = fl_executor_submit (executor,
                                   crash ? "crash" : fl_compute_kernel_job_name (kernel),
                                   crash ? fl_compute_crash_args (crash_kind)
                                         : workload->pdata[i],
                                   label, &error);
      if (future == NULL)
        {
          /* A strict pool that broke refuses the rest: that is the lesson, not a bug. */
          fprintf (run.text, _("%3u  not submitted: %s\n"), i + 1, error->message);
          g_clear_error (&error);
          run.failed++;
          continue;
        }
      g_ptr_array_add (futures, future);
      fl_future_add_done_callback (future, on_job_done, &run, NULL);
    }

  while (run.done < futures->len)
    g_main_context_iteration (NULL, TRUE);
  elapsed = (g_get_monotonic_time () - run.start) / (double) G_USEC_PER_SEC;
  g_source_remove (sigint_id);

  fl_executor_shutdown (executor, TRUE, FALSE);
  print_summary (&run, mode, workers, size, elapsed);

  if (opt_trace != NULL && !fl_trace_save (trace, opt_trace, &error))
    {
      g_printerr (_("%s: cannot save the trace: %s\n"), g_get_prgname (), error->message);
      status = FL_CLI_EXIT_FAILURE;
    }
  if (run.interrupted)
    status = fl_cli_interrupted_status ();
  else if (run.failed > 0 || run.cancelled > 0)
    status = FL_CLI_EXIT_FAILURE;

  clear_options ();
  return status;
}
