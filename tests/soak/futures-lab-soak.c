/* futures-lab-soak.c: many mixed runs in one process, and what the process holds after them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark-style program, not a test: it runs --runs runs (1000) one after the other,
 * each with its own executor as the app and the CLI make one per run, cycling through
 *   - flag downloads in every mode (sequential, threads, async, processes) against the
 *     embedded server with every kind of fault (none, errors and always-failing codes,
 *     dropped connections, truncated bodies, delays past the download's timeout);
 *   - process-pool compute with workers killed: a crash job, and SIGKILL from outside;
 *   - cancels: a thread pool's queued sleeps cancelled, then shut down with
 *     cancel_futures; a process pool's downloads shut down midway.
 * It prints the process's open fds, threads, child processes and resident memory before
 * the first run, after a warm-up (one round of every kind), every 100 runs and at the end.
 * A leak of anything per run shows as a column that grows; docs/SOAK.md has a recording.
 *
 *   build/tests/soak/futures-lab-soak [--runs N]
 */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "futures-lab-engine.h"
#include "futures-lab-server.h"
#include "futures-lab-tasks.h"

#define N_KINDS    6
#define RUN_BOUND_US (60 * G_USEC_PER_SEC)

static const char *const codes[] = { "cn", "in", "us", "id", "br", "pk", "ng", "bd" };

typedef struct
{
  const char   *name;
  FlFlagServer *server;
  char         *base_url;
  guint         timeout_ms;
} Site;

typedef struct
{
  guint runs;
  guint futures;
  guint ok;
  guint failed;
  guint cancelled;
  double seconds[N_KINDS];   /* time spent in each kind of run */
} Tally;

/* The process ------------------------------------------------------------------------- */

static guint
count_fds (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *entry;
  guint n = 0;

  if (dir == NULL)
    return 0;
  while ((entry = readdir (dir)) != NULL)
    if (entry->d_name[0] != '.')
      n++;
  closedir (dir);
  return n - 1;        /* the directory being read */
}

static guint64
status_field (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line != NULL ? g_ascii_strtoull (line + strlen (field), NULL, 10) : 0;
}

/* Children of this process, zombies included: a worker never reaped shows here. */
static guint
count_children (void)
{
  DIR *dir = opendir ("/proc");
  struct dirent *entry;
  pid_t self = getpid ();
  guint n = 0;

  if (dir == NULL)
    return 0;
  while ((entry = readdir (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *paren;
      long ppid;

      if (!g_ascii_isdigit (entry->d_name[0]))
        continue;
      path = g_strdup_printf ("/proc/%s/stat", entry->d_name);
      if (!g_file_get_contents (path, &stat, NULL, NULL) || (paren = strrchr (stat, ')')) == NULL)
        continue;
      /* ") S PPID ..." */
      if (sscanf (paren + 1, " %*c %ld", &ppid) == 1 && ppid == self)
        n++;
    }
  closedir (dir);
  return n;
}

static void
print_header (void)
{
  printf ("%-22s %6s %5s %8s %9s %8s %8s %8s %8s %8s\n", "when", "runs", "fds", "threads",
          "children", "RSS kB", "futures", "ok", "failed", "cancel");
}

static void
print_sample (const char  *when,
              const Tally *tally)
{
  printf ("%-22s %6u %5u %8" G_GUINT64_FORMAT " %9u %8" G_GUINT64_FORMAT " %8u %8u %8u %8u\n",
          when, tally->runs, count_fds (), status_field ("Threads:"), count_children (),
          status_field ("VmRSS:"), tally->futures, tally->ok, tally->failed, tally->cancelled);
  fflush (stdout);
}

/* Waiting -------------------------------------------------------------------------------- */

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Turns the main context until every future is done: done callbacks and async jobs run
 * there. A run that does not end within RUN_BOUND_US is a failure of the soak. */
static void
wait_all (GPtrArray *futures,
          Tally     *tally)
{
  gint64 deadline = g_get_monotonic_time () + RUN_BOUND_US;
  guint heartbeat = g_timeout_add (5, wake, NULL);

  for (guint i = 0; i < futures->len; i++)
    while (!fl_future_is_done (futures->pdata[i]))
      {
        if (g_get_monotonic_time () > deadline)
          {
            fprintf (stderr, "futures-lab-soak: run %u did not end within %d s\n",
                     tally->runs, (int) (RUN_BOUND_US / G_USEC_PER_SEC));
            exit (1);
          }
        g_main_context_iteration (NULL, TRUE);
      }
  g_source_remove (heartbeat);
  /* Done callbacks already queued for these futures. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  for (guint i = 0; i < futures->len; i++)
    {
      FlFuture *future = futures->pdata[i];

      tally->futures++;
      if (fl_future_is_cancelled (future))
        tally->cancelled++;
      else if (fl_future_peek_error (future) != NULL)
        tally->failed++;
      else
        tally->ok++;
    }
}

static void
submit_or_die (FlExecutor *executor,
               GPtrArray  *futures,
               const char *job,
               GVariant   *args,
               const char *label)
{
  g_autoptr(GError) error = NULL;
  FlFuture *future = fl_executor_submit (executor, job, args, label, &error);

  if (future == NULL)
    {
      fprintf (stderr, "futures-lab-soak: cannot submit %s: %s\n", job, error->message);
      exit (1);
    }
  g_ptr_array_add (futures, future);
}

static void
empty_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_unlink (file);
    }
}

/* The runs ----------------------------------------------------------------------------- */

static FlExecutor *
download_executor (guint kind)
{
  switch (kind)
    {
    case 0: return fl_inline_executor_new ();
    case 1: return fl_thread_executor_new (4);
    case 2: return fl_loop_executor_new (NULL, 4);
    default: return fl_process_executor_new (2);
    }
}

static void
run_downloads (guint        kind,
               const Site  *site,
               const char  *output,
               Tally       *tally)
{
  g_autoptr(FlExecutor) executor = download_executor (kind);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 4; i++)
    {
      const char *cc = codes[(tally->runs + i) % G_N_ELEMENTS (codes)];

      submit_or_die (executor, futures, FL_DOWNLOAD_JOB,
                     fl_download_args_new (cc, site->base_url, output, site->timeout_ms, 4),
                     cc);
    }
  wait_all (futures, tally);
  fl_executor_shutdown (executor, TRUE, FALSE);
  empty_dir (output);
}

static void
run_compute_with_kills (Tally *tally)
{
  g_autoptr(FlExecutor) executor = fl_process_executor_new (2);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);

  submit_or_die (executor, futures, FL_COMPUTE_CRASH_JOB, fl_compute_crash_args ("segv"),
                 "segv");
  for (guint i = 0; i < 4; i++)
    submit_or_die (executor, futures, FL_COMPUTE_PRIMES_JOB,
                   fl_compute_primes_args (20000 + i), "primes");
  submit_or_die (executor, futures, FL_COMPUTE_CRASH_JOB, fl_compute_crash_args ("exit"),
                 "exit");
  /* And one killed from outside while it may be busy. */
  fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor), 5 * G_USEC_PER_SEC, NULL);
  fl_process_executor_kill_worker (FL_PROCESS_EXECUTOR (executor), 0, SIGKILL);
  wait_all (futures, tally);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

static void
run_cancels (const Site *site,
             const char *output,
             Tally      *tally)
{
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);

  if (tally->runs % 2 == 0)
    {
      g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);

      for (guint i = 0; i < 8; i++)
        submit_or_die (executor, futures, "sleep", g_variant_new ("(u)", 20), "sleep");
      for (guint i = 1; i < futures->len; i += 2)
        fl_future_cancel (futures->pdata[i]);
      fl_executor_shutdown (executor, FALSE, TRUE);
      wait_all (futures, tally);
      fl_executor_shutdown (executor, TRUE, TRUE);
    }
  else
    {
      g_autoptr(FlExecutor) executor = fl_process_executor_new (2);

      for (guint i = 0; i < 6; i++)
        submit_or_die (executor, futures, FL_DOWNLOAD_JOB,
                       fl_download_args_new (codes[i], site->base_url, output,
                                             site->timeout_ms, 2), codes[i]);
      fl_future_request_cancel (futures->pdata[0]);
      fl_executor_shutdown (executor, FALSE, TRUE);
      wait_all (futures, tally);
      fl_executor_shutdown (executor, TRUE, TRUE);
      empty_dir (output);
    }
}

static void
run_one (guint       index,
         Site       *sites,
         guint       n_sites,
         const char *output,
         Tally      *tally)
{
  guint kind = index % N_KINDS;
  const Site *site = &sites[(index / N_KINDS) % n_sites];
  gint64 begin = g_get_monotonic_time ();

  if (kind < 4)
    run_downloads (kind, site, output, tally);
  else if (kind == 4)
    run_compute_with_kills (tally);
  else
    run_cancels (site, output, tally);
  tally->seconds[kind] += (g_get_monotonic_time () - begin) / 1e6;
  tally->runs++;
}

static void
site_start (Site           *site,
            const char     *name,
            FlFaultConfig  *config,
            guint           timeout_ms)
{
  g_autoptr(GError) error = NULL;

  config->seed = 42;
  site->name = name;
  site->server = fl_flag_server_new (config);
  site->timeout_ms = timeout_ms;
  if (!fl_flag_server_start (site->server, &error))
    {
      fprintf (stderr, "futures-lab-soak: cannot start the %s server: %s\n", name,
               error->message);
      exit (1);
    }
  site->base_url = fl_flag_server_dup_base_url (site->server);
  fl_fault_config_free (config);
}

int
main (int    argc,
      char **argv)
{
  int runs = 1000;
  GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Runs in all (default 1000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- many mixed runs in one process");
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  Site sites[5];
  FlFaultConfig *config;
  Tally tally = { 0 };
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      fprintf (stderr, "futures-lab-soak: %s\n", error != NULL ? error->message
                                                               : "--runs must be 1 or more");
      return 2;
    }

  fl_jobs_register_builtins ();
  fl_compute_register_jobs ();
  fl_download_register_job ();
  output = g_dir_make_tmp ("futures-lab-soak-XXXXXX", &error);
  g_assert_no_error (error);

  print_header ();
  print_sample ("start", &tally);

  site_start (&sites[0], "no faults", fl_fault_config_new (FL_SERVER_PRESET_LOCAL), 3000);
  config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  config->error_rate = 0.3;
  config->fail_codes = g_strsplit ("us br", " ", -1);
  site_start (&sites[1], "errors", config, 3000);
  config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  config->drop_rate = 0.4;
  site_start (&sites[2], "drops", config, 3000);
  config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  config->truncate_rate = 0.4;
  site_start (&sites[3], "truncations", config, 3000);
  /* Half the requests wait longer than the download's timeout. */
  config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  config->delay_min_ms = 20;
  config->delay_max_ms = 180;
  site_start (&sites[4], "delays past timeout", config, 100);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < (guint) runs; i++)
    {
      run_one (i, sites, G_N_ELEMENTS (sites), output, &tally);
      if (tally.runs == N_KINDS * G_N_ELEMENTS (sites))
        print_sample ("after warm-up", &tally);
      else if (tally.runs % 100 == 0)
        {
          g_autofree char *when = g_strdup_printf ("after %u runs", tally.runs);
          print_sample (when, &tally);
        }
    }
  if (tally.runs % 100 != 0)
    print_sample ("end", &tally);
  printf ("%u runs in %.1f s (%.1f runs/s); sites: ", tally.runs,
          (g_get_monotonic_time () - start) / 1e6,
          tally.runs / ((g_get_monotonic_time () - start) / 1e6));
  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    printf ("%s%s", i > 0 ? ", " : "", sites[i].name);
  printf ("\n");
  printf ("seconds per kind: sequential %.1f, threads %.1f, async %.1f, processes %.1f, "
          "compute with kills %.1f, cancels %.1f\n", tally.seconds[0], tally.seconds[1],
          tally.seconds[2], tally.seconds[3], tally.seconds[4], tally.seconds[5]);

  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    {
      fl_flag_server_stop (sites[i].server);
      g_object_unref (sites[i].server);
      g_free (sites[i].base_url);
    }
  g_rmdir (output);
  return 0;
}
