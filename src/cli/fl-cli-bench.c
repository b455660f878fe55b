/* fl-cli-bench.c: `futures-lab-cli bench`, the engine measured on this machine, and
 * `bench-slow-motion`, the time scale measured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is measured side by side in one run, so the ratio against Python means
 * something even on a noisy machine.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <malloc.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "futures-lab-engine.h"
#include "futures-lab-server.h"
#include "futures-lab-tasks.h"
#include "fl-cli.h"

static int      opt_jobs = 100000;
static int      opt_workers = 2;
static int      opt_rounds = 2000;
static gboolean opt_json;
static gboolean opt_no_python;
static gboolean interrupted;

static GOptionEntry entries[] = {
  { "jobs", 'n', 0, G_OPTION_ARG_INT, &opt_jobs,
    N_("Trivial jobs for the throughput run (default 100000)"), N_("N") },
  { "workers", 'w', 0, G_OPTION_ARG_INT, &opt_workers,
    N_("Worker threads (default 2)"), N_("N") },
  { "rounds", 'r', 0, G_OPTION_ARG_INT, &opt_rounds,
    N_("Round trips to time one by one (default 2000)"), N_("N") },
  { "no-python", 0, 0, G_OPTION_ARG_NONE, &opt_no_python,
    N_("Do not run the Python comparison"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("Print a JSON object as the last line"), NULL },
  { NULL }
};

typedef struct
{
  guint   done;
  guint   on_other_thread;
  GThread *main_thread;
} Counter;

static void
count_done (FlFuture *future,
            gpointer  user_data)
{
  Counter *counter = user_data;

  counter->done++;
  if (g_thread_self () != counter->main_thread)
    counter->on_other_thread++;
}

static GVariant *
trivial_job (gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  return g_variant_new_uint32 (GPOINTER_TO_UINT (user_data));
}

/* Jobs per second, submit to the last done callback on this main loop. */
/* Bytes of heap held per finished future (its object, private parts and a uint32 result)
 * while the futures are kept: mallinfo2() before the submits (the array that keeps them is
 * already allocated) and after the last callback. */
static double bytes_per_future = -1;

static double
measure_throughput (guint            n_jobs,
                    guint            workers,
                    FlDispatchStats *stats)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (workers);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_full (n_jobs, g_object_unref);
  Counter counter = { 0, 0, g_thread_self () };
  gint64 start, elapsed;

  size_t heap_before = mallinfo2 ().uordblks;

  fl_dispatcher_reset_stats (NULL);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_jobs; i++)
    {
      FlFuture *future = fl_executor_submit_func (executor, trivial_job, GUINT_TO_POINTER (i),
                                                  NULL, NULL, NULL);
      fl_future_add_done_callback (future, count_done, &counter, NULL);
      g_ptr_array_add (futures, future);
    }
  while (counter.done < n_jobs && !interrupted)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;
  /* The first run only: later ones reuse the slices GLib kept from the one before. */
  if (counter.done == n_jobs && bytes_per_future < 0)
    {
      double held = (double) mallinfo2 ().uordblks - (double) heap_before;

      bytes_per_future = MAX (held / n_jobs, 0);
    }

  fl_dispatcher_get_stats (NULL, stats);
  fl_executor_shutdown (executor, TRUE, FALSE);

  if (counter.on_other_thread > 0)
    g_printerr ("bench: %u done callbacks ran off the main thread\n", counter.on_other_thread);

  return (double) n_jobs * G_USEC_PER_SEC / (double) MAX (elapsed, 1);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
fl_bench_median (double *values,
                 guint   n)
{
  if (n == 0)
    return 0;
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* One job at a time: submit, then spin this loop until its done callback has run. */
static double
fl_bench_roundtrip (FlExecutor *executor,
                    const char *job_name,
                    guint       rounds)
{
  g_autofree double *samples = g_new (double, rounds);
  Counter counter = { 0, 0, g_thread_self () };

  /* Warm up: start the lanes, fault in the code. */
  for (guint i = 0; i < MIN (rounds, 50u) + rounds; i++)
    {
      g_autoptr(FlFuture) future = NULL;
      guint target = counter.done + 1;
      gint64 start = g_get_monotonic_time ();

      future = job_name != NULL
               ? fl_executor_submit (executor, job_name, NULL, NULL, NULL)
               : fl_executor_submit_func (executor, trivial_job, NULL, NULL, NULL, NULL);
      if (future == NULL)
        return -1;
      fl_future_add_done_callback (future, count_done, &counter, NULL);
      while (counter.done < target && !interrupted)
        g_main_context_iteration (NULL, TRUE);
      if (interrupted)
        return -1;
      if (i >= MIN (rounds, 50u))
        samples[i - MIN (rounds, 50u)] = (double) (g_get_monotonic_time () - start);
    }

  return fl_bench_median (samples, rounds);
}

/* The same workload in Python: best of three, as ours, after the same warm-up. */
static const char python_threads[] =
  "import sys, time\n"
  "from concurrent.futures import ThreadPoolExecutor\n"
  "n, w = int(sys.argv[1]), int(sys.argv[2])\n"
  "def job(i):\n"
  "    return i\n"
  "best = 0\n"
  "with ThreadPoolExecutor(max_workers=w) as ex:\n"
  "    ex.submit(job, 0).result()\n"
  "    for _ in range(3):\n"
  "        t = time.perf_counter()\n"
  "        fs = [ex.submit(job, i) for i in range(n)]\n"
  "        for f in fs:\n"
  "            f.result()\n"
  "        best = max(best, n / (time.perf_counter() - t))\n"
  "print(best)\n";

/**
 * fl_bench_run_python:
 *
 * Runs @script with python3 and reads one number from its output.
 *
 * Returns: the number, or a negative value when python3 is missing or failed (@why says)
 */
static double
fl_bench_run_python (const char  *script,
                     const char  *const *args,
                     char       **why)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  char *end = NULL;
  double value;

  if (python == NULL)
    {
      *why = g_strdup (_("python3 is not installed"));
      return -1;
    }

  g_ptr_array_add (argv, python);
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) script);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      *why = g_strdup_printf (_("python3 failed: %s %s"), error->message, err ? err : "");
      return -1;
    }

  value = g_ascii_strtod (out, &end);
  if (end == out)
    {
      *why = g_strdup_printf (_("python3 printed no number: %s"), out);
      return -1;
    }
  return value;
}

/* Appends ,"name":value with @decimals digits, or null for a negative value. */
static void
add_number_or_null (GString    *line,
                    const char *name,
                    double      value,
                    int         decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (line, ",\"%s\":", name);
  if (value < 0)
    g_string_append (line, "null");
  else
    g_string_append (line, g_ascii_formatd (buf, sizeof buf, decimals ? "%.1f" : "%.0f", value));
}

static gboolean
on_interrupt (gpointer data)
{
  interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

int
fl_cli_bench_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlExecutor) executor = NULL;
  g_autofree char *why = NULL;
  FlDispatchStats stats = { 0 };
  double jobs_per_s, python_jobs_per_s = -1, ratio = -1, roundtrip, dispatches_per_100k;
  double process_roundtrip = -1, python_process_roundtrip = -1;
  g_autofree char *process_why = NULL;

  g_option_context_set_summary (context,
                                _("Measures the engine on this machine: throughput of trivial "
                                  "jobs on worker threads with every result delivered on the "
                                  "main loop, one-job round trips, and dispatches per 100 000 "
                                  "completions, beside Python's ThreadPoolExecutor."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (argc > 1)
    return fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  if (opt_jobs < 1 || opt_workers < 1 || opt_workers > 1024 || opt_rounds < 1)
    return fl_cli_usage_error (context, _("--jobs, --workers and --rounds must be positive"));

  fl_cli_add_interrupt (on_interrupt, NULL);
  if (!opt_json)
    g_print (_("Measuring %d trivial jobs on %d worker threads…\n"), opt_jobs, opt_workers);

  /* Best of three: the first run also pays for thread start-up and page faults. */
  jobs_per_s = 0;
  for (int i = 0; i < 3; i++)
    {
      FlDispatchStats run_stats;
      double rate = measure_throughput (opt_jobs, opt_workers, &run_stats);

      if (interrupted)
        break;
      if (rate > jobs_per_s)
        {
          jobs_per_s = rate;
          stats = run_stats;
        }
    }
  dispatches_per_100k = (double) stats.dispatches * 100000.0 / opt_jobs;

  executor = fl_thread_executor_new (opt_workers);
  roundtrip = interrupted ? -1 : fl_bench_roundtrip (executor, NULL, opt_rounds);
  fl_executor_shutdown (executor, TRUE, FALSE);
  if (!interrupted)
    {
      g_autoptr(GError) process_error = NULL;

      /* The same round trip through the process pool: a frame each way over a socket. */
      process_roundtrip = fl_cli_process_roundtrip_us (opt_workers, opt_rounds, &process_error);
      if (process_roundtrip < 0)
        process_why = g_strdup (process_error->message);
    }
  if (interrupted)
    {
      g_printerr ("%s\n", _("Interrupted: no figures reported."));
      return fl_cli_interrupted_status ();
    }

  if (!opt_no_python)
    {
      g_autofree char *n = g_strdup_printf ("%d", opt_jobs);
      g_autofree char *w = g_strdup_printf ("%d", opt_workers);
      const char *args[] = { n, w, NULL };

      if (!opt_json)
        g_print ("%s\n", _("Running the same workload through Python’s ThreadPoolExecutor…"));
      python_jobs_per_s = fl_bench_run_python (python_threads, args, &why);
      if (python_jobs_per_s > 0)
        ratio = jobs_per_s / python_jobs_per_s;
      if (!opt_json)
        g_print ("%s\n", _("Timing round trips through Python’s ProcessPoolExecutor…"));
      g_clear_pointer (&why, g_free);
      python_process_roundtrip = fl_cli_python_process_roundtrip_us (opt_workers, opt_rounds,
                                                                      &why);
    }
  else
    why = g_strdup (_("skipped (--no-python)"));

  /* The human table always; with --json the object follows as the last line. */
    g_print ("\n%-44s %14.0f\n", _("Jobs per second (results on the main loop)"), jobs_per_s);
    if (python_jobs_per_s > 0)
      {
        g_print ("%-44s %14.0f\n", _("Python ThreadPoolExecutor, jobs per second"),
                 python_jobs_per_s);
        g_print ("%-44s %14.1f×\n", _("Ratio"), ratio);
      }
    else
      g_print ("%-44s %14s  (%s)\n", _("Python ThreadPoolExecutor, jobs per second"), "—", why);
    g_print ("%-44s %14.1f µs\n", _("Round trip, submit to done callback (median)"),
             roundtrip);
    g_print ("%-44s %14.1f\n", _("Main-loop dispatches per 100 000 completions"),
             dispatches_per_100k);
    g_print ("%-44s %14u\n", _("Largest batch delivered in one dispatch"), stats.max_batch);
    g_print ("%-44s %14.0f B\n", _("Heap held per finished future"), bytes_per_future);
    if (process_roundtrip >= 0)
      g_print ("%-44s %14.1f µs\n", _("Process-pool round trip (median)"), process_roundtrip);
    else
      g_print ("%-44s %14s  (%s)\n", _("Process-pool round trip (median)"), "—", process_why);
    if (python_process_roundtrip >= 0)
      g_print ("%-44s %14.1f µs\n", _("Python ProcessPoolExecutor round trip"),
               python_process_roundtrip);
    else
      g_print ("%-44s %14s  (%s)\n", _("Python ProcessPoolExecutor round trip"), "—", why);

  if (opt_json)
    {
      g_autoptr(GString) line = g_string_new ("{\"event\":\"bench\"");

      add_number_or_null (line, "jobs_per_s", jobs_per_s, 0);
      add_number_or_null (line, "python_jobs_per_s", python_jobs_per_s, 0);
      add_number_or_null (line, "ratio", ratio, 1);
      add_number_or_null (line, "roundtrip_us", roundtrip, 1);
      add_number_or_null (line, "dispatches_per_100k", dispatches_per_100k, 0);
      add_number_or_null (line, "bytes_per_future", bytes_per_future, 0);
      add_number_or_null (line, "process_roundtrip_us", process_roundtrip, 1);
      add_number_or_null (line, "python_process_roundtrip_us", python_process_roundtrip, 1);
      g_string_append_c (line, '}');
      fl_cli_print_json_object (line->str);
    }

  return FL_CLI_EXIT_OK;
}

/* bench-slow-motion --------------------------------------------------------------------
 *
 * The same small workloads (sleeps on a thread pool, downloads from the embedded server
 * with a fixed delay, a CPU-bound kernel on one thread) run at ×1 and at ×0.1 side by
 * side, through FlRun as the app runs them. Each row gives the wall time the run took and
 * what the run reports (its elapsed time and its jobs' mean run time, from the spans): at
 * ×0.1 the wall time is about ten times as long and the reported times about the same.
 */

#define WORKERS   4
#define N_JOBS    8
#define SLEEP_MS  50
#define DELAY_MS  100
#define PRIMES_N  G_GUINT64_CONSTANT (300000)

static double   opt_slow_scale = 0.1;
static char    *opt_slow_scale_text;

static const char *const slow_codes[N_JOBS] = { "cn", "in", "us", "id", "br", "pk", "ng", "bd" };

typedef struct
{
  const char *workload;
  double      scale;
  double      wall_s;
  double      reported_s;
  double      mean_run_ms;
  guint       ok;
} SlowRow;

static double
slow_mean_run_ms (FlSpans *spans)
{
  double sum = 0;
  guint n = 0;

  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);

      if (span->kind == FL_SPAN_FUTURE && span->started >= 0 && span->finished >= 0)
        {
          sum += (span->finished - span->started) / 1000.0;
          n++;
        }
    }
  return n > 0 ? sum / n : 0;
}

/* Submits the workload's jobs to @run; FALSE with @error if one could not be. */
static gboolean
slow_submit (FlRun       *run,
             const char  *workload,
             const char  *base,
             const char  *dir,
             GError     **error)
{
  for (guint i = 0; i < N_JOBS; i++)
    {
      GVariant *args;
      const char *job;

      if (g_str_equal (workload, "sleep"))
        job = "sleep", args = g_variant_new ("(u)", SLEEP_MS);
      else if (g_str_equal (workload, "flags"))
        job = FL_DOWNLOAD_JOB, args = fl_download_args_new (slow_codes[i], base, dir, 0, WORKERS);
      else
        job = FL_COMPUTE_PRIMES_JOB, args = fl_compute_primes_args (PRIMES_N);
      if (fl_run_submit (run, job, args, slow_codes[i], error) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
slow_measure (SlowRow     *row,
              const char  *base,
              const char  *dir,
              GError     **error)
{
  /* The kernel runs on one thread: at ×1 several would contend for the cores, and slowed
   * (mostly pausing) they would not, which is not what is measured here. */
  guint workers = g_str_equal (row->workload, "compute") ? 1 : WORKERS;
  g_autoptr(FlRun) run = fl_run_new ("threads", "threads", fl_thread_executor_new (workers));
  gint64 start = g_get_monotonic_time ();
  gboolean submitted;
  FlTally tally;

  fl_run_set_time_scale (run, row->scale);
  submitted = slow_submit (run, row->workload, base, dir, error);
  fl_run_commit (run);
  if (!submitted)
    fl_run_cancel (run);
  while (!fl_run_is_complete (run))
    g_main_context_iteration (NULL, TRUE);

  row->wall_s = (g_get_monotonic_time () - start) / 1e6;
  row->reported_s = fl_run_get_elapsed (run);
  row->mean_run_ms = slow_mean_run_ms (fl_run_get_spans (run));
  fl_run_get_tally (run, &tally);
  row->ok = tally.ok;
  return submitted;
}

static void
slow_remove_downloads (const char *dir)
{
  for (guint i = 0; i < N_JOBS; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.gif", slow_codes[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

int
fl_cli_bench_slow_main (int    argc,
                        char **argv)
{
  const GOptionEntry slow_entries[] = {
    { "time-scale", 0, 0, G_OPTION_ARG_STRING, &opt_slow_scale_text,
      N_("The slow scale to compare with ×1: 0.5, 0.2 or 0.1 (default)"), N_("SCALE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(FlFlagServer) server = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  static const char *const workloads[] = { "sleep", "flags", "compute" };
  SlowRow rows[G_N_ELEMENTS (workloads) * 2];
  guint n_rows = 0;
  int status = FL_CLI_EXIT_OK;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Run the same sleeps, downloads and CPU-bound jobs at ×1 and "
                                  "in slow motion, side by side: wall time and reported time."));
  g_option_context_add_main_entries (context, slow_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (argc > 1)
    return fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  if (opt_slow_scale_text != NULL && !fl_time_scale_parse (opt_slow_scale_text, &opt_slow_scale, &error))
    return fl_cli_usage_error (context, "--time-scale: %s", error->message);

  fl_compute_register_jobs ();
  config->delay_min_ms = config->delay_max_ms = DELAY_MS;
  server = fl_flag_server_new (config);
  if (!fl_flag_server_start (server, &error))
    {
      g_printerr (_("%s: cannot start the flag server: %s\n"), g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }
  base = fl_flag_server_dup_base_url (server);
  dir = g_dir_make_tmp ("futures-lab-bench-slow-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr (_("%s: cannot make a temporary folder: %s\n"), g_get_prgname (), error->message);
      fl_flag_server_stop (server);
      return FL_CLI_EXIT_FAILURE;
    }
  fl_download_session_prepare (WORKERS);

  /* TRANSLATORS: %u are counts and milliseconds of the workloads measured */
  g_print (_("%u jobs each: sleeps of %u ms and downloads with a %u ms server delay on %u "
             "threads, primes below %u on one thread\n"), N_JOBS, SLEEP_MS, DELAY_MS, WORKERS,
           (guint) PRIMES_N);
  /* TRANSLATORS: column heads; keep the widths (8, 7, 8, 10, 12, 3 characters) */
  g_print ("%-8s %7s %8s %10s %12s %3s\n", _("workload"), _("scale"), _("wall s"),
           _("reported s"), _("mean job ms"), _("ok"));
  for (guint w = 0; w < G_N_ELEMENTS (workloads) && status == FL_CLI_EXIT_OK; w++)
    for (guint s = 0; s < 2; s++)
      {
        SlowRow *row = &rows[n_rows++];

        *row = (SlowRow) { .workload = workloads[w], .scale = s == 0 ? 1.0 : opt_slow_scale };
        if (!slow_measure (row, base, dir, &error))
          {
            g_printerr (_("%s: cannot submit: %s\n"), g_get_prgname (), error->message);
            status = FL_CLI_EXIT_FAILURE;
            break;
          }
        g_print ("%-8s %6s%g %8.3f %10.3f %12.1f %3u\n", row->workload, "×", row->scale,
                 row->wall_s, row->reported_s, row->mean_run_ms, row->ok);
      }
  for (guint i = 0; i + 1 < n_rows; i += 2)
    /* TRANSLATORS: one line per workload: how much longer the slow run took, and how its
     * reported time compares with the real-time run's (1.00 = the same) */
    g_print (_("%s: wall ×%.2f, reported ×%.2f\n"), rows[i].workload,
             rows[i + 1].wall_s / rows[i].wall_s, rows[i + 1].reported_s / rows[i].reported_s);

  slow_remove_downloads (dir);
  fl_flag_server_stop (server);
  g_clear_pointer (&opt_slow_scale_text, g_free);
  return status;
}
