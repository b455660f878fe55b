/* test-cli-processes.c: `futures-lab-cli flags --mode processes`, its start and its end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "fl-cli-test-run.h"
#include "fl-test-utils.h"

#define WORKER BUILD_ROOT "/src/worker/futures-lab-worker"

static double
summary_elapsed (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint n = g_strv_length (lines);
  JsonObject *object;

  g_assert_cmpuint (n, >=, 2);
  g_assert_true (json_parser_load_from_data (parser, lines[n - 2], -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "summary");
  g_assert_cmpint (json_object_get_int_member (object, "ok"), ==, 2);
  return json_object_get_double_member (object, "elapsed");
}

/* Workers that take a second to start: the downloads' clock (and so the report's elapsed
 * time) starts once they are ready, not while they start. */
static void
test_clock_starts_when_workers_are_ready (void)
{
  g_autofree char *dir = fl_cli_test_make_tmp ();
  g_autofree char *slow = g_build_filename (dir, "slow-worker", NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\nsleep 1\nexec %s \"$@\"\n", WORKER);
  g_autofree char *env_worker = g_strdup_printf ("FUTURES_LAB_WORKER=%s", slow);
  g_autofree char *out_dir = g_build_filename (dir, "out", NULL);
  const char *args[] = { "flags", "--mode", "processes", "-m", "2", "cn", "br", "--json", "-o",
                         out_dir, NULL };
  const char *env[] = { env_worker, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double wall, elapsed;

  g_assert_true (g_file_set_contents (slow, script, -1, NULL));
  g_assert_cmpint (g_chmod (slow, 0755), ==, 0);

  start = g_get_monotonic_time ();
  process = fl_cli_test_spawn (args, NULL, env);
  g_assert_true (g_subprocess_communicate (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  wall = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpint (fl_cli_test_wait (process, 10000), ==, 0);
  elapsed = summary_elapsed (g_bytes_get_data (out, NULL));
  g_test_message ("elapsed %.3f s of a %.3f s run with workers that start in 1 s", elapsed, wall);
  /* The run took the second of start-up and more; the downloads took a fraction of it. */
  g_assert_cmpfloat (wall, >=, 1.0);
  g_assert_cmpfloat (elapsed, <, wall / 2);
  fl_remove_tree (dir);
}

static guint
count_temp_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    n += name[0] == '.' && strstr (name, ".gif.") != NULL;
  return n;
}

/* An interrupted run leaves no temporary file behind, even those of a worker killed between
 * creating one and renaming it (planted here: .ad.gif.XXXXXX for the running AD, the others
 * for downloads that never started). */
static void
test_interrupt_leaves_no_temp_files (void)
{
  g_autofree char *dir = fl_cli_test_make_tmp ();
  const char *planted[] = { ".ad.gif.Q1w2E3", ".zw.gif.a1B2c3", ".zm.gif.XyZ123" };
  const char *args[] = { "flags", "--mode", "processes", "-m", "2", "--delay", "300",
                         "--bandwidth", "3000", "-a", "--json", "-o", dir, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  gboolean running = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (planted); i++)
    {
      g_autofree char *path = g_build_filename (dir, planted[i], NULL);
      g_assert_true (g_file_set_contents (path, "GIF8", -1, NULL));
    }
  g_assert_cmpuint (count_temp_files (dir), ==, 3);

  process = fl_cli_test_spawn (args, NULL, NULL);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while (!running)
    {
      g_autofree char *line = fl_cli_test_read_line (lines);

      g_assert_nonnull (line);
      running = strstr (line, "\"RUNNING\"") != NULL;
    }
  g_subprocess_send_signal (process, SIGINT);
  for (char *line; (line = fl_cli_test_read_line (lines)) != NULL; )
    g_free (line);
  g_assert_cmpint (fl_cli_test_wait (process, 30000), ==, 130);
  g_assert_cmpuint (count_temp_files (dir), ==, 0);
  fl_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/processes/clock-starts-when-workers-are-ready",
                   test_clock_starts_when_workers_are_ready);
  g_test_add_func ("/cli/processes/interrupt-leaves-no-temp-files",
                   test_interrupt_leaves_no_temp_files);

  return g_test_run ();
}
