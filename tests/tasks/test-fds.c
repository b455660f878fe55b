/* test-fds.c: no file descriptor outlives a download run, on either side, in any mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <sys/resource.h>

#include "futures-lab-engine.h"
#include "futures-lab-server.h"
#include "futures-lab-tasks.h"
#include "fl-test-utils.h"
#include "fl-tasks-test.h"

#define FD_SLACK 5

/* Every pair AA..ZZ, as `flags --every-pair`: most are 404s. */
static GStrv
every_pair (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (char a = 'a'; a <= 'z'; a++)
    for (char b = 'a'; b <= 'z'; b++)
      {
        char cc[3] = { a, b, '\0' };
        g_strv_builder_add (builder, cc);
      }
  return g_strv_builder_end (builder);
}

typedef struct
{
  guint ok, not_found, errors, cancelled;
  char *first_error;
  guint limit_errors;        /* errors that say the fd limit was hit (or a 503 for it) */
} Tally;

static void
tally_clear (Tally *tally)
{
  g_clear_pointer (&tally->first_error, g_free);
}

/* Submits every code and waits for all of them: one `flags` run. */
static void
run_codes (FlExecutor  *executor,
           const char  *base,
           const char  *output,
           char       **codes,
           guint        max_conns,
           Tally       *tally)
{
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);

  memset (tally, 0, sizeof *tally);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new (codes[i], base, output,
                                                                           FL_DOWNLOAD_DEFAULT_TIMEOUT_MS,
                                                                           max_conns));
      g_ptr_array_add (futures, fl_executor_submit (executor, FL_DOWNLOAD_JOB, args, codes[i],
                                                    NULL));
    }
  for (guint i = 0; i < futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (futures, i);

      fl_test_spin_until (fl_future_is_done (future), 60000);
      switch (fl_download_status_from_future (future))
        {
        case FL_DOWNLOAD_STATUS_OK:
          tally->ok++;
          break;
        case FL_DOWNLOAD_STATUS_NOT_FOUND:
          tally->not_found++;
          break;
        case FL_DOWNLOAD_STATUS_CANCELLED:
          tally->cancelled++;
          break;
        case FL_DOWNLOAD_STATUS_ERROR:
        default:
          tally->errors++;
          if (tally->first_error == NULL && fl_future_peek_error (future) != NULL)
            tally->first_error = g_strdup (fl_future_peek_error (future)->message);
          if (fl_future_peek_error (future) != NULL
              && (strstr (fl_future_peek_error (future)->message, "Too many open files")
                  || strstr (fl_future_peek_error (future)->message, "503")))
            tally->limit_errors++;
          break;
        }
    }
}

/* Spins until the fd count is back to @start (+ slack), with a bound; returns the count. */
static guint
settle_fds (guint start)
{
  gint64 end = g_get_monotonic_time () + (gint64) 5000 * FL_TEST_SLOWDOWN * 1000;
  guint now;

  while ((now = fl_test_count_fds ()) > start + FD_SLACK && g_get_monotonic_time () < end)
    fl_test_iterate (20);
  return now;
}

static FlFlagServer *
faulty_server (void)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_ERROR);
  g_autoptr(GError) error = NULL;
  FlFlagServer *server;

  /* The ERROR preset's 25% errors, plus drops and truncations; its delay would only make the
   * test slow. */
  config->delay_min_ms = config->delay_max_ms = 0;
  config->drop_rate = 0.05;
  config->truncate_rate = 0.05;
  config->seed = 7;
  server = fl_flag_server_new (config);
  g_assert_true (fl_flag_server_start (server, &error));
  g_assert_no_error (error);
  return server;
}

static void
check_runs (guint kind,
            guint n_runs,
            guint max_conns)
{
  g_autoptr(FlFlagServer) server = faulty_server ();
  g_autofree char *base = fl_flag_server_dup_base_url (server);
  g_autofree char *output = g_dir_make_tmp ("test-fds-XXXXXX", NULL);
  g_autoptr(FlExecutor) executor = fl_test_download_executor_new (kind, max_conns);
  g_auto(GStrv) codes = every_pair ();
  guint start, after = 0, worst = 0;
  Tally tally;

  /* One run first: sessions, worker processes and threads are created once and kept. */
  run_codes (executor, base, output, codes, max_conns, &tally);
  tally_clear (&tally);
  start = settle_fds (0);

  for (guint run = 0; run < n_runs; run++)
    {
      FlFlagServerStats stats;

      run_codes (executor, base, output, codes, max_conns, &tally);
      g_assert_cmpuint (tally.ok + tally.not_found + tally.errors, ==, 676);
      g_assert_cmpuint (tally.errors, >, 0);
      tally_clear (&tally);
      after = settle_fds (start);
      worst = MAX (worst, after);
      fl_flag_server_get_stats (server, &stats);
      if (after > start + FD_SLACK)
        g_error ("%s, run %u: %u fds open, %u before the runs (%u connections open at the "
                 "server)", fl_test_mode_names[kind], run + 1, after, start, stats.connections);
    }
  g_test_message ("%s: %u fds before, %u after %u runs (at most %u)", fl_test_mode_names[kind], start,
                  after, n_runs, worst);
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_remove_tree (output);
}

static void
test_threads (void)
{
  check_runs (0, 20, 20);
}

static void
test_async (void)
{
  check_runs (1, 20, 20);
}

static void
test_processes (void)
{
  check_runs (2, 5, 4);
}

static void
set_fd_limit (rlim_t n)
{
  struct rlimit limit = { n, n };

  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
}

/* 30 runs under a limit of 256 fds: with one leaked socket per failed request the 2nd or 3rd
 * run would have hit the limit. */
static void
test_low_limit (void)
{
  if (g_test_subprocess ())
    {
      set_fd_limit (256);
      check_runs (0, 30, 20);
      return;
    }
  g_test_trap_subprocess (NULL, (guint64) 300 * FL_TEST_SLOWDOWN * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* More connections than the limit allows: the run fails, clearly, and the process lives on
 * with its fds back. */
static void
test_limit_hit (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(FlFlagServer) server = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *base = NULL;
      g_autofree char *output = g_dir_make_tmp ("test-fds-XXXXXX", NULL);
      g_autoptr(FlExecutor) executor = NULL;
      g_auto(GStrv) codes = every_pair ();
      g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
      guint start;
      Tally tally;

      set_fd_limit (128);
      /* Every request waits a little, so that they all hold their connections at once. */
      config->delay_min_ms = config->delay_max_ms = 300;
      server = fl_flag_server_new (config);
      g_assert_true (fl_flag_server_start (server, &error));
      base = fl_flag_server_dup_base_url (server);
      executor = fl_loop_executor_new (NULL, 200);
      start = fl_test_count_fds ();

      run_codes (executor, base, output, codes, 200, &tally);
      g_test_message ("%u ok, %u errors, %u of them the limit; first error: %s", tally.ok,
                      tally.errors, tally.limit_errors, tally.first_error);
      g_assert_cmpuint (tally.errors, >, 0);
      g_assert_nonnull (tally.first_error);
      /* On a loaded machine some requests time out before the limit is met: the limit
       * must still be what failed some of them, and say so. */
      g_assert_cmpuint (tally.limit_errors, >, 0);
      tally_clear (&tally);
      g_assert_cmpuint (settle_fds (start), <=, start + FD_SLACK);

      /* And the next, modest run works, once the server is done with the requests the
       * clients gave up on (a loaded machine leaves many still delayed). */
      fl_test_spin_until (({ FlFlagServerStats stats;
                             fl_flag_server_get_stats (server, &stats);
                             stats.in_flight == 0 && stats.connections == 0; }), 60000);
      fl_executor_shutdown (executor, TRUE, FALSE);
      g_clear_object (&executor);
      executor = fl_loop_executor_new (NULL, 10);
      {
        char *few[] = { "cn", "fr", "br", NULL };
        run_codes (executor, base, output, few, 10, &tally);
        if (tally.ok != 3)
          g_printerr ("the run after the limit: %u ok, %u errors; first error: %s\n",
                      tally.ok, tally.errors, tally.first_error);
        g_assert_cmpuint (tally.ok, ==, 3);
        tally_clear (&tally);
      }
      fl_executor_shutdown (executor, TRUE, FALSE);
      fl_remove_tree (output);
      return;
    }
  g_test_trap_subprocess (NULL, (guint64) 120 * FL_TEST_SLOWDOWN * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();
  fl_download_register_job ();

  g_test_add_func ("/tasks/fds/threads-runs-return-every-fd", test_threads);
  g_test_add_func ("/tasks/fds/async-runs-return-every-fd", test_async);
  g_test_add_func ("/tasks/fds/process-runs-return-every-fd", test_processes);
  g_test_add_func ("/tasks/fds/thirty-runs-under-a-low-limit", test_low_limit);
  g_test_add_func ("/tasks/fds/limit-hit-fails-the-run-not-the-process", test_limit_hit);

  return g_test_run ();
}
