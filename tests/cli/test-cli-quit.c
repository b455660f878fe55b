/* test-cli-quit.c: every command ends on Ctrl-C and SIGTERM, reports what it did, and exits
 * as a shell expects (130 after SIGINT, 143 after SIGTERM)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>

#include "fl-cli-test-run.h"
#include "fl-test-utils.h"

typedef struct
{
  int   status;
  char *out;       /* everything after the line waited for */
} Stopped;

static void
stopped_clear (Stopped *stopped)
{
  g_clear_pointer (&stopped->out, g_free);
}

/* Starts @args, waits for a stdout line containing @ready, sends @signum, reads the rest. */
static void
run_and_signal (const char *const *args,
                const char        *ready,
                int                signum,
                Stopped           *stopped)
{
  g_autoptr(GSubprocess) process = fl_cli_test_spawn (args, NULL, NULL);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean seen = FALSE;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while (!seen)
    {
      g_autofree char *line = fl_cli_test_read_line (lines);

      if (line == NULL)
        g_error ("%s ended before printing “%s”", args[0], ready);
      seen = strstr (line, ready) != NULL;
    }
  g_subprocess_send_signal (process, signum);
  for (char *line; (line = fl_cli_test_read_line (lines)) != NULL; g_free (line))
    g_string_append_printf (out, "%s\n", line);
  stopped->status = fl_cli_test_wait (process, 30000);
  stopped->out = g_string_free (g_steal_pointer (&out), FALSE);
}

static guint
count (const char *text,
       const char *word)
{
  guint n = 0;

  for (const char *p = strstr (text, word); p != NULL; p = strstr (p + 1, word))
    n++;
  return n;
}

/* Sequential jobs used to run on the main thread, which could not see the signal until all
 * 40 (here 8 s, in the report 366 s) were done. */
static void
test_compute_sequential_stops (void)
{
  const int signals[] = { SIGTERM, SIGINT };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      const char *args[] = { "compute", "--mode", "sequential", "--jobs", "40", NULL };
      Stopped stopped = { 0 };

      run_and_signal (args, " finished ", signals[i], &stopped);
      g_test_message ("%s", stopped.out);
      g_assert_cmpint (stopped.status, ==, 128 + signals[i]);
      g_assert_nonnull (strstr (stopped.out, "*** Interrupted"));
      g_assert_nonnull (strstr (stopped.out, "cancelled"));
      g_assert_cmpuint (count (stopped.out, " finished "), <, 39);
      stopped_clear (&stopped);
    }
}

static void
test_serve_exit_status (void)
{
  const int signals[] = { SIGINT, SIGTERM };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      const char *args[] = { "serve", "-q", NULL };
      Stopped stopped = { 0 };

      run_and_signal (args, "Press Ctrl-C", signals[i], &stopped);
      g_test_message ("serve printed: %s", stopped.out);
      g_assert_cmpint (stopped.status, ==, 128 + signals[i]);
      g_assert_nonnull (strstr (stopped.out, "Stopped."));
      stopped_clear (&stopped);
    }
}

/* The benchmarks used to die of SIGTERM with no report. */
static void
test_bench_flags_reports_on_sigterm (void)
{
  const char *args[] = { "bench-flags", "--delay-20", "2000", "--no-python", NULL };
  Stopped stopped = { 0 };

  run_and_signal (args, "20 flags, sequential", SIGTERM, &stopped);
  g_assert_cmpint (stopped.status, ==, 143);
  g_assert_nonnull (strstr (stopped.out, "*** Interrupted"));
  g_assert_nonnull (strstr (stopped.out, "scenario"));
  stopped_clear (&stopped);
}

static void
test_bench_compute_reports_on_sigterm (void)
{
  const char *args[] = { "bench-compute", "--no-python", "--jobs", "40", NULL };
  Stopped stopped = { 0 };

  run_and_signal (args, "sequential…", SIGTERM, &stopped);
  g_assert_cmpint (stopped.status, ==, 143);
  g_assert_nonnull (strstr (stopped.out, "*** Interrupted"));
  g_assert_nonnull (strstr (stopped.out, "speed-up"));
  stopped_clear (&stopped);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/quit/compute-sequential-stops", test_compute_sequential_stops);
  g_test_add_func ("/cli/quit/serve-exit-status", test_serve_exit_status);
  g_test_add_func ("/cli/quit/bench-flags-reports-on-sigterm",
                   test_bench_flags_reports_on_sigterm);
  g_test_add_func ("/cli/quit/bench-compute-reports-on-sigterm",
                   test_bench_compute_reports_on_sigterm);

  return g_test_run ();
}
