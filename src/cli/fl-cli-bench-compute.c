/* fl-cli-bench-compute.c: `futures-lab-cli bench-compute`, CPU-bound speed-ups side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In one run: the same primes jobs sequentially, on threads, on threads under the simulated
 * GIL and on the process pool; the process pool's start-up and round trip; and Python's
 * ThreadPoolExecutor and ProcessPoolExecutor on the same Python function, so the two
 * worlds are compared on the same machine at the same moment.
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"
#include "fl-cli.h"

static int      opt_jobs = 8;
static int      opt_workers = 2;
static gint64   opt_size;
static gint64   opt_python_size = 150000;
static int      opt_rounds = 2000;
static int      opt_repeat = 3;
static gboolean opt_no_python;
static gboolean opt_json;

/* Ctrl-C or SIGTERM: the measurement going on is cancelled and left out, what was measured
 * is reported. A sequential job runs on this thread, so the signal is seen after it. */
static gboolean    interrupted;
static FlExecutor *current_executor;
static GPtrArray  *current_futures;

static GOptionEntry entries[] = {
  { "jobs", 'n', 0, G_OPTION_ARG_INT, &opt_jobs, N_("Primes jobs per mode (default 8)"),
    N_("N") },
  { "workers", 'w', 0, G_OPTION_ARG_INT, &opt_workers,
    N_("Threads or processes (default 2)"), N_("N") },
  { "size", 's', 0, G_OPTION_ARG_INT64, &opt_size,
    N_("Count primes below N in each job (default: about 0.2 s per job)"), N_("N") },
  { "python-size", 0, 0, G_OPTION_ARG_INT64, &opt_python_size,
    N_("N for the Python jobs (default 150000: about 0.2 s per job in CPython)"), N_("N") },
  { "rounds", 'r', 0, G_OPTION_ARG_INT, &opt_rounds,
    N_("Process-pool round trips to time (default 2000)"), N_("N") },
  { "repeat", 0, 0, G_OPTION_ARG_INT, &opt_repeat,
    N_("Runs per mode; the fastest counts, as other programs on the machine only slow a run "
       "down (default 3)"), N_("N") },
  { "no-python", 0, 0, G_OPTION_ARG_NONE, &opt_no_python,
    N_("Do not run the Python comparison"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("Print a JSON object as the last line"), NULL },
  { NULL }
};

static const char python_script[] =
  "import json, statistics, sys, time\n"
  "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\n"
  "def is_prime(n):\n"
  "    if n < 2:\n"
  "        return False\n"
  "    if n % 2 == 0:\n"
  "        return n == 2\n"
  "    d = 3\n"
  "    while d * d <= n:\n"
  "        if n % d == 0:\n"
  "            return False\n"
  "        d += 2\n"
  "    return True\n"
  "def count_primes(n):\n"
  "    return sum(1 for i in range(n) if is_prime(i))\n"
  "def noop():\n"
  "    return None\n"
  "def main():\n"
  "    what, n, jobs, workers, rounds, repeat = sys.argv[1], *map(int, sys.argv[2:7])\n"
  "    out = {}\n"
  "    if what == 'all':\n"
  "        best = []\n"
  "        for _ in range(repeat):\n"
  "            t = time.perf_counter()\n"
  "            for _ in range(jobs):\n"
  "                count_primes(n)\n"
  "            best.append(time.perf_counter() - t)\n"
  "        out['sequential_s'] = min(best)\n"
  "        with ThreadPoolExecutor(workers) as ex:\n"
  "            best = []\n"
  "            for _ in range(repeat):\n"
  "                t = time.perf_counter()\n"
  "                list(ex.map(count_primes, [n] * jobs))\n"
  "                best.append(time.perf_counter() - t)\n"
  "            out['threads_s'] = min(best)\n"
  "    t = time.perf_counter()\n"
  "    with ProcessPoolExecutor(workers) as ex:\n"
  "        list(ex.map(noop_arg, range(workers)))\n"
  "        out['pool_startup_ms'] = (time.perf_counter() - t) * 1000\n"
  "        samples = []\n"
  "        for i in range(rounds + 50):\n"
  "            t = time.perf_counter()\n"
  "            ex.submit(noop).result()\n"
  "            if i >= 50:\n"
  "                samples.append(time.perf_counter() - t)\n"
  "        out['roundtrip_us'] = statistics.median(samples) * 1e6\n"
  "        if what == 'all':\n"
  "            best = []\n"
  "            for _ in range(repeat):\n"
  "                t = time.perf_counter()\n"
  "                list(ex.map(count_primes, [n] * jobs))\n"
  "                best.append(time.perf_counter() - t)\n"
  "            out['processes_s'] = min(best)\n"
  "    print(json.dumps(out))\n"
  "def noop_arg(i):\n"
  "    return i\n"
  "if __name__ == '__main__':\n"
  "    main()\n";

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  if (n == 0)
    return -1;
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
count_done (FlFuture *future,
            gpointer  user_data)
{
  (*(guint *) user_data)++;
}

/**
 * fl_cli_process_roundtrip_us:
 * @workers: pool size
 * @rounds: round trips to time, after 50 to warm up
 *
 * A trivial job ("echo") at a time through a process pool: submit, then spin this thread's
 * main context until its done callback has run there.
 *
 * Returns: the median in µs, or a negative value with @error set
 */
double
fl_cli_process_roundtrip_us (guint    workers,
                             guint    rounds,
                             GError **error)
{
  g_autoptr(FlExecutor) executor = fl_process_executor_new (workers);
  g_autofree double *samples = g_new (double, rounds);
  guint done = 0;

  if (!fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor), 10 * G_USEC_PER_SEC,
                                       error))
    {
      fl_executor_shutdown (executor, TRUE, TRUE);
      return -1;
    }

  for (guint i = 0; i < rounds + 50; i++)
    {
      g_autoptr(FlFuture) future = NULL;

      if (interrupted)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Interrupted"));
          fl_executor_shutdown (executor, TRUE, TRUE);
          return -1;
        }
      guint target = done + 1;
      gint64 start = g_get_monotonic_time ();

      future = fl_executor_submit (executor, "echo", NULL, NULL, error);
      if (future == NULL)
        return -1;
      fl_future_add_done_callback (future, count_done, &done, NULL);
      while (done < target)
        g_main_context_iteration (NULL, TRUE);
      if (!fl_future_is_done (future) || fl_future_get_state (future) != FL_FUTURE_FINISHED)
        {
          g_set_error (error, FL_ERROR, FL_ERROR_FAILED, "the trivial job failed: %s",
                       fl_future_peek_error (future)->message);
          return -1;
        }
      if (i >= 50)
        samples[i - 50] = (double) (g_get_monotonic_time () - start);
    }

  fl_executor_shutdown (executor, TRUE, FALSE);
  return median (samples, rounds);
}

/* Runs the Python side; returns its JSON object, or NULL with @why set. */
static JsonObject *
run_python (const char  *what,
            gint64       n,
            guint        jobs,
            guint        workers,
            guint        rounds,
            char       **why)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *n_arg = g_strdup_printf ("%" PRId64, n);
  g_autofree char *jobs_arg = g_strdup_printf ("%u", jobs);
  g_autofree char *workers_arg = g_strdup_printf ("%u", workers);
  g_autofree char *rounds_arg = g_strdup_printf ("%u", rounds);
  g_autofree char *repeat_arg = g_strdup_printf ("%d", opt_repeat);
  const char *argv[] = { python, "-c", python_script, what, n_arg, jobs_arg, workers_arg,
                         rounds_arg, repeat_arg, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  int status = 0;

  if (python == NULL)
    {
      *why = g_strdup (_("python3 is not installed"));
      return NULL;
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      *why = g_strdup_printf (_("python3 failed: %s %s"), error->message, err ? err : "");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, out, -1, &error)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *why = g_strdup_printf (_("python3 printed no JSON object: %s"), out);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/**
 * fl_cli_python_process_roundtrip_us:
 *
 * The same round trip through Python's ProcessPoolExecutor (submit(f).result()).
 *
 * Returns: the median in µs, or a negative value with @why set
 */
double
fl_cli_python_process_roundtrip_us (guint   workers,
                                    guint   rounds,
                                    char  **why)
{
  g_autoptr(JsonObject) result = run_python ("roundtrip", 0, 0, workers, rounds, why);

  if (result == NULL)
    return -1;
  return json_object_get_double_member_with_default (result, "roundtrip_us", -1);
}


static gboolean
on_interrupt (gpointer data)
{
  if (!interrupted)
    {
      interrupted = TRUE;
      if (current_executor != NULL)
        fl_executor_shutdown (current_executor, FALSE, TRUE);
      for (guint i = 0; current_futures != NULL && i < current_futures->len; i++)
        fl_future_request_cancel (current_futures->pdata[i]);
    }
  return G_SOURCE_CONTINUE;
}

/* Seconds for @jobs primes jobs in @mode; -1 when a job failed or the run was
 * interrupted. */
static double
time_mode (FlComputeMode  mode,
           guint          workers,
           guint64        size,
           guint          jobs,
           double        *startup_ms)
{
  g_autoptr(FlExecutor) executor = NULL;
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 start;
  guint done = 0;
  double elapsed;

  start = g_get_monotonic_time ();
  executor = fl_compute_executor_new (mode, workers, FALSE);
  if (mode == FL_COMPUTE_PROCESSES)
    {
      if (!fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor), 10 * G_USEC_PER_SEC,
                                           &error))
        {
          g_printerr ("bench-compute: %s\n", error->message);
          return -1;
        }
      if (startup_ms != NULL)
        *startup_ms = (g_get_monotonic_time () - start) / 1000.0;
    }

  /* The clock starts with a warm pool: start-up is reported on its own. */
  current_executor = executor;
  current_futures = futures;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < jobs && !interrupted; i++)
    {
      FlFuture *future = fl_executor_submit (executor, FL_COMPUTE_PRIMES_JOB,
                                             fl_compute_primes_args (size), NULL, &error);

      if (future == NULL)
        {
          g_printerr ("bench-compute: %s\n", error->message);
          return -1;
        }
      g_ptr_array_add (futures, future);
      fl_future_add_done_callback (future, count_done, &done, NULL);
      /* Sequential jobs ran inside submit(): let a signal in between them. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  while (done < futures->len)
    g_main_context_iteration (NULL, TRUE);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  current_executor = NULL;
  current_futures = NULL;
  fl_executor_shutdown (executor, TRUE, FALSE);
  if (interrupted)
    return -1;

  for (guint i = 0; i < futures->len; i++)
    if (fl_future_get_state (futures->pdata[i]) != FL_FUTURE_FINISHED)
      {
        g_printerr ("bench-compute: job %u: %s\n", i + 1,
                    fl_future_peek_error (futures->pdata[i])->message);
        return -1;
      }
  return elapsed;
}

/* "name":value with @decimals digits, or null for a negative (not measured) value. */
static void
add_number (GString    *line,
            const char *name,
            double      value,
            int         decimals)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *format = g_strdup_printf ("%%.%df", decimals);

  g_string_append_printf (line, ",\"%s\":", name);
  if (value < 0)
    g_string_append (line, "null");
  else
    g_string_append (line, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static double
ratio (double a,
       double b)
{
  return a > 0 && b > 0 ? a / b : -1;
}

static double
python_number (JsonObject *python,
               const char *name)
{
  return python != NULL ? json_object_get_double_member_with_default (python, name, -1) : -1;
}

int
fl_cli_bench_compute_main (int    argc,
                           char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) python = NULL;
  g_autofree char *why = NULL;
  static const FlComputeMode modes[] = {
    FL_COMPUTE_SEQUENTIAL, FL_COMPUTE_THREADS, FL_COMPUTE_GIL, FL_COMPUTE_PROCESSES,
  };
  double seconds[G_N_ELEMENTS (modes)];
  double startup_ms = -1, roundtrip_us;
  guint64 size;
  gboolean failed = FALSE;

  g_option_context_set_summary (context,
                                _("Measures CPU-bound speed-ups over sequential: threads, "
                                  "threads under the simulated GIL and the process pool, beside "
                                  "Python’s ThreadPoolExecutor and ProcessPoolExecutor on the "
                                  "same function; and the process pool’s start-up and round "
                                  "trip."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (argc > 1)
    return fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  if (opt_jobs < 1 || opt_workers < 1 || opt_workers > 256 || opt_rounds < 1 || opt_size < 0
      || opt_python_size < 1 || opt_repeat < 1)
    return fl_cli_usage_error (context, _("--jobs, --workers, --size and --rounds must be "
                                          "positive"));

  fl_compute_register_jobs ();
  size = opt_size > 0 ? (guint64) opt_size : FL_COMPUTE_PRIMES_DEFAULT_N;

  fl_cli_add_interrupt (on_interrupt, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    seconds[i] = -1;
  for (guint i = 0; i < G_N_ELEMENTS (modes) && !interrupted; i++)
    {
      if (!opt_json)
        g_print (_("%u primes jobs (N = %" PRIu64 "), %s…\n"), opt_jobs, size,
                 fl_compute_mode_to_string (modes[i]));
      seconds[i] = -1;
      for (int r = 0; r < opt_repeat && !interrupted; r++)
        {
          double run_startup = -1;
          double run = time_mode (modes[i], opt_workers, size, opt_jobs, &run_startup);

          if (run < 0)
            {
              failed = !interrupted;
              break;
            }
          if (seconds[i] < 0 || run < seconds[i])
            seconds[i] = run;
          if (run_startup >= 0 && (startup_ms < 0 || run_startup < startup_ms))
            startup_ms = run_startup;
        }
    }

  if (!opt_json && !interrupted)
    g_print ("%s\n", _("Process-pool round trips…"));
  roundtrip_us = interrupted ? -1 : fl_cli_process_roundtrip_us (opt_workers, opt_rounds,
                                                                  &error);
  if (roundtrip_us < 0 && !interrupted)
    {
      g_printerr ("bench-compute: %s\n", error->message);
      failed = TRUE;
    }

  if (interrupted)
    why = g_strdup (_("skipped (interrupted)"));
  else if (!opt_no_python)
    {
      if (!opt_json)
        g_print ("%s\n", _("The same in Python: sequential, ThreadPoolExecutor, "
                           "ProcessPoolExecutor…"));
      python = run_python ("all", opt_python_size, opt_jobs, opt_workers, opt_rounds, &why);
    }
  else
    why = g_strdup (_("skipped (--no-python)"));

  {
    double seq = seconds[0];
    double py_seq = python_number (python, "sequential_s");

    if (interrupted)
      g_print ("\n%s", _("*** Interrupted: the report below is partial (-1: not measured).\n"));
    g_print ("\n%-40s %10s %10s\n", "", _("seconds"), _("speed-up"));
    for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
      g_print ("%-40s %10.3f %9.2f×\n", fl_compute_mode_to_string (modes[i]), seconds[i],
               ratio (seq, seconds[i]));
    if (python != NULL)
      {
        g_print ("%-40s %10.3f %9.2f×\n", _("Python sequential"), py_seq, 1.0);
        g_print ("%-40s %10.3f %9.2f×\n", _("Python ThreadPoolExecutor"),
                 python_number (python, "threads_s"),
                 ratio (py_seq, python_number (python, "threads_s")));
        g_print ("%-40s %10.3f %9.2f×\n", _("Python ProcessPoolExecutor"),
                 python_number (python, "processes_s"),
                 ratio (py_seq, python_number (python, "processes_s")));
      }
    else
      g_print ("%-40s %s\n", _("Python"), why);
    g_print ("%-40s %10.1f µs\n", _("Process-pool round trip (median)"), roundtrip_us);
    if (python != NULL)
      g_print ("%-40s %10.1f µs\n", _("Python ProcessPoolExecutor round trip"),
               python_number (python, "roundtrip_us"));
    g_print ("%-40s %10.1f ms\n", _("Process-pool start-up"), startup_ms);
    if (python != NULL)
      g_print ("%-40s %10.1f ms\n", _("Python ProcessPoolExecutor start-up"),
               python_number (python, "pool_startup_ms"));

    if (opt_json)
      {
        g_autoptr(GString) line = g_string_new ("{\"event\":\"bench-compute\"");

        g_string_append_printf (line, ",\"jobs\":%d,\"workers\":%d,\"size\":%" PRIu64,
                                opt_jobs, opt_workers, size);
        add_number (line, "sequential_s", seconds[0], 3);
        add_number (line, "threads_s", seconds[1], 3);
        add_number (line, "gil_s", seconds[2], 3);
        add_number (line, "processes_s", seconds[3], 3);
        add_number (line, "threads_speedup", ratio (seq, seconds[1]), 2);
        add_number (line, "gil_speedup", ratio (seq, seconds[2]), 2);
        add_number (line, "processes_speedup", ratio (seq, seconds[3]), 2);
        add_number (line, "process_roundtrip_us", roundtrip_us, 1);
        add_number (line, "pool_startup_ms", startup_ms, 1);
        g_string_append_printf (line, ",\"python_size\":%" PRId64, opt_python_size);
        add_number (line, "python_sequential_s", py_seq, 3);
        add_number (line, "python_threads_speedup",
                    ratio (py_seq, python_number (python, "threads_s")), 2);
        add_number (line, "python_processes_speedup",
                    ratio (py_seq, python_number (python, "processes_s")), 2);
        add_number (line, "python_process_roundtrip_us",
                    python_number (python, "roundtrip_us"), 1);
        add_number (line, "python_pool_startup_ms", python_number (python, "pool_startup_ms"), 1);
        g_string_append_printf (line, ",\"interrupted\":%s", interrupted ? "true" : "false");
        g_string_append_c (line, '}');
        fl_cli_print_json_object (line->str);
      }
  }

  if (interrupted)
    return fl_cli_interrupted_status ();
  return failed ? FL_CLI_EXIT_FAILURE : FL_CLI_EXIT_OK;
}
