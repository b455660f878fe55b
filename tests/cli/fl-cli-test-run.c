/* fl-cli-test-run.c: running futures-lab-cli (FL_CLI) from a test, bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fl-cli-test-run.h"
#include "fl-test-utils.h"

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
} Communicated;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communicated *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

/* @env: (nullable): extra NAME=VALUE pairs */
GSubprocess *
fl_cli_test_spawn (const char *const *args,
                   const char        *cwd,
                   const char *const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("FL_CLI");
  GSubprocess *process;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = fl_test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

int
fl_cli_test_wait (GSubprocess *process,
                  guint        timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * FL_TEST_SLOWDOWN * 1000;

  while (g_subprocess_get_identifier (process) != NULL && g_get_monotonic_time () < end)
    fl_test_iterate (20);
  if (g_subprocess_get_identifier (process) != NULL)
    return -1;
  if (g_subprocess_get_if_signaled (process))
    return 128 + g_subprocess_get_term_sig (process);
  return g_subprocess_get_exit_status (process);
}

/* Runs the CLI to its end; returns its exit status (128 + N after signal N). */
int
fl_cli_test_run (const char *const  *args,
                 const char         *cwd,
                 char              **out,
                 char              **err)
{
  g_autoptr(GSubprocess) process = fl_cli_test_spawn (args, cwd, NULL);
  Communicated run = { 0 };
  int status;

  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &run);
  fl_test_spin_until (run.done, 60000);
  status = fl_cli_test_wait (process, 10000);
  /* A sanitizer's report in the child (its exit status is then 1) goes to the test's log
   * first, whatever the caller checks: a failing run's stderr is long and the report is at
   * its end. */
  if (status != 0 && run.err != NULL)
    {
      const char *report = strstr (run.err, "Sanitizer");

      if (report != NULL)
        g_test_message ("the CLI's sanitizer report: %s", report);
    }
  if (out != NULL)
    *out = g_steal_pointer (&run.out);
  if (err != NULL)
    *err = g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);
  return status;
}

typedef struct
{
  gboolean  done;
  char     *line;
} LineRead;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                          NULL, NULL);
  read->done = TRUE;
}

/* The next line, or NULL at the end; fails the test instead of waiting forever. */
char *
fl_cli_test_read_line (GDataInputStream *lines)
{
  LineRead read = { 0 };

  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line, &read);
  fl_test_spin_until (read.done, 30000);
  return read.line;
}

char *
fl_cli_test_make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-cli-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

