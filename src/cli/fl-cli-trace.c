/* fl-cli-trace.c: `futures-lab-cli trace`, a Python program run under futures_lab_trace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The script runs as `PYTHON -m futures_lab_trace --events-fd 3 SCRIPT ARGS…` with the
 * tracer's folder on PYTHONPATH; its stdin, stdout and stderr are ours, so what it prints
 * is unchanged. The live events (JSON Lines, docs/PYTHON.md) come back over a pipe on fd
 * 3; they are folded into an FlTrace exactly as the engine records its own runs, so -o
 * writes with fl_trace_save() and the file loads like any other run, even when the script
 * was killed half way. The summary lines go to stderr, once a second.
 *
 * `trace --load FILE` reads a saved run back (the engine's loader) and prints its tally.
 */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "futures-lab-engine.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"

#define EVENTS_FD 3
#define FL_PYTHON_DIR_ENV "FUTURES_LAB_PYTHON_DIR"

static char     *opt_output;
static char     *opt_load;
static gboolean  opt_json;
static gboolean  opt_quiet;

static GOptionEntry entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write the run to FILE (Chrome trace JSON; CSV if FILE ends in .csv)"), N_("FILE") },
  { "load", 0, 0, G_OPTION_ARG_FILENAME, &opt_load,
    N_("Run nothing: read a saved run and print its tally"), N_("FILE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print the tally as one JSON object"), NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("No summary line every second"), NULL },
  { NULL }
};

typedef struct
{
  guint  submitted;
  guint  started;
  guint  ok;
  guint  failed;
  guint  cancelled;
  guint  tasks;
  guint  threads;
  gint64 max_lateness_us;
} Tally;

typedef struct
{
  GMainLoop        *loop;
  GSubprocess      *process;
  GDataInputStream *events;
  GCancellable     *cancellable;
  FlTrace          *trace;
  GHashTable       *lanes;          /* future id -> lane kind << 24 | (lane + 1) */
  Tally             tally;
  gint64            began;
  char             *python_version;
  char             *last_exception;
  gboolean          tracer_started;
  gboolean          exited;
  gboolean          eof;
  guint             grace_id;
  int               status;         /* the exit status to pass on */
  int               signal;         /* the signal that killed the script, or 0 */
} Run;

static void
tally_print (const Tally *tally,
             FILE        *stream)
{
  if (opt_json)
    {
      FlJsonLine line;

      fl_json_line_init (&line);
      fl_json_line_add_int (&line, "submitted", tally->submitted);
      fl_json_line_add_int (&line, "ok", tally->ok);
      fl_json_line_add_int (&line, "failed", tally->failed);
      fl_json_line_add_int (&line, "cancelled", tally->cancelled);
      fl_json_line_add_int (&line, "unfinished",
                            tally->submitted - tally->ok - tally->failed - tally->cancelled);
      fl_json_line_add_int (&line, "tasks", tally->tasks);
      fl_json_line_add_int (&line, "threads", tally->threads);
      fl_json_line_add_double (&line, "max_loop_lateness_ms",
                               tally->max_lateness_us / 1000.0, 1);
      g_string_append_c (line.text, '}');
      fprintf (stream, "%s\n", line.text->str);
      g_string_free (line.text, TRUE);
      return;
    }

  fprintf (stream, g_dngettext (GETTEXT_PACKAGE, "%u future submitted: ",
                                "%u futures submitted: ", tally->submitted),
           tally->submitted);
  fprintf (stream, _("%u ok, %u failed, %u cancelled"), tally->ok, tally->failed,
           tally->cancelled);
  if (tally->submitted > tally->ok + tally->failed + tally->cancelled)
    fprintf (stream, _(", %u never ended"),
             tally->submitted - tally->ok - tally->failed - tally->cancelled);
  fputs ("\n", stream);
  fprintf (stream, g_dngettext (GETTEXT_PACKAGE, "%u asyncio task, ", "%u asyncio tasks, ",
                                tally->tasks), tally->tasks);
  fprintf (stream, g_dngettext (GETTEXT_PACKAGE, "%u thread", "%u threads", tally->threads),
           tally->threads);
  if (tally->max_lateness_us > 0)
    fprintf (stream, _("; event loop at most %.1f ms late"), tally->max_lateness_us / 1000.0);
  fputs ("\n", stream);
}

/* Loading a saved run ------------------------------------------------------------------ */

static int
load_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTrace) trace = fl_trace_load (path, &error);
  g_autoptr(GHashTable) states = NULL;
  GHashTableIter iter;
  gpointer state;
  Tally tally = { 0 };
  const char *value;
  guint n;

  if (trace == NULL)
    {
      g_printerr (_("%s: cannot load the run: %s\n"), g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }

  /* The last event of a future says how it stands. */
  states = g_hash_table_new (NULL, NULL);
  n = fl_trace_get_n_events (trace);
  for (guint i = 0; i < n; i++)
    {
      FlTraceEvent ev;

      if (!fl_trace_get_event (trace, i, &ev) || ev.kind > FL_TRACE_FINISH)
        continue;
      if (ev.kind == FL_TRACE_SUBMIT)
        tally.submitted++;
      g_hash_table_insert (states, GSIZE_TO_POINTER (ev.future_id),
                           GUINT_TO_POINTER (ev.state + 1));
    }
  g_hash_table_iter_init (&iter, states);
  while (g_hash_table_iter_next (&iter, NULL, &state))
    {
      switch (GPOINTER_TO_UINT (state) - 1)
        {
        case FL_FUTURE_FINISHED:  tally.ok++; break;
        case FL_FUTURE_FAILED:    tally.failed++; break;
        case FL_FUTURE_CANCELLED: tally.cancelled++; break;
        default: break;
        }
    }
  if ((value = fl_trace_get_metadata (trace, "tasks")) != NULL)
    tally.tasks = (guint) g_ascii_strtoull (value, NULL, 10);
  if ((value = fl_trace_get_metadata (trace, "threads")) != NULL)
    tally.threads = (guint) g_ascii_strtoull (value, NULL, 10);
  if ((value = fl_trace_get_metadata (trace, "max_loop_lateness_us")) != NULL)
    tally.max_lateness_us = g_ascii_strtoll (value, NULL, 10);

  if (!opt_json)
    g_print ("%s\n", fl_trace_get_title (trace));
  tally_print (&tally, stdout);
  return FL_CLI_EXIT_OK;
}

/* Folding live events into the trace --------------------------------------------------- */

static FlLaneKind
lane_kind_from_string (const char *text)
{
  if (g_strcmp0 (text, "thread") == 0)
    return FL_LANE_THREAD;
  if (g_strcmp0 (text, "process") == 0)
    return FL_LANE_PROCESS;
  if (g_strcmp0 (text, "main-loop") == 0)
    return FL_LANE_MAIN_LOOP;
  if (g_strcmp0 (text, "caller") == 0)
    return FL_LANE_CALLER;
  return FL_LANE_NONE;
}

static void
fold_event (Run        *run,
            JsonObject *event)
{
  const char *kind = json_object_get_string_member_with_default (event, "ev", "");
  gint64 time_us = json_object_get_int_member_with_default (event, "t", 0) / 1000;
  guint64 id = (guint64) json_object_get_int_member_with_default (event, "id", 0);

  if (strcmp (kind, "submit") == 0)
    {
      run->tally.submitted++;
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "kind", ""),
                     "task") == 0)
        run->tally.tasks++;
      fl_trace_record (run->trace, FL_TRACE_SUBMIT, id, FL_LANE_NONE, -1, FL_FUTURE_PENDING,
                       time_us, json_object_get_string_member_with_default (event, "label",
                                                                           NULL), 0);
    }
  else if (strcmp (kind, "start") == 0)
    {
      FlLaneKind lane_kind = lane_kind_from_string (
          json_object_get_string_member_with_default (event, "lane_kind", NULL));
      int lane = (int) json_object_get_int_member_with_default (event, "lane", -1);

      run->tally.started++;
      g_hash_table_insert (run->lanes, GSIZE_TO_POINTER (id),
                           GUINT_TO_POINTER ((guint) lane_kind << 24 | (guint) (lane + 1)));
      fl_trace_record (run->trace, FL_TRACE_START, id, lane_kind, lane, FL_FUTURE_RUNNING,
                       time_us, NULL, 0);
    }
  else if (strcmp (kind, "finish") == 0)
    {
      const char *state_name = json_object_get_string_member_with_default (event, "state", "");
      guint packed = GPOINTER_TO_UINT (g_hash_table_lookup (run->lanes, GSIZE_TO_POINTER (id)));
      FlFutureState state = FL_FUTURE_FAILED;

      if (strcmp (state_name, "finished") == 0)
        state = FL_FUTURE_FINISHED, run->tally.ok++;
      else if (strcmp (state_name, "cancelled") == 0)
        state = FL_FUTURE_CANCELLED, run->tally.cancelled++;
      else
        run->tally.failed++;
      fl_trace_record (run->trace, FL_TRACE_FINISH, id,
                       packed ? (FlLaneKind) (packed >> 24) : FL_LANE_NONE,
                       packed ? (int) (packed & 0xffffff) - 1 : -1, state, time_us,
                       json_object_get_string_member_with_default (event, "error", NULL), 0);
    }
  else if (strcmp (kind, "thread-begin") == 0)
    run->tally.threads++;
  else if (strcmp (kind, "loop") == 0)
    run->tally.max_lateness_us = MAX (run->tally.max_lateness_us,
                                      json_object_get_int_member_with_default (event, "late",
                                                                               0) / 1000);
  else if (strcmp (kind, "exception") == 0)
    {
      g_free (run->last_exception);
      run->last_exception = g_strdup (json_object_get_string_member_with_default (event,
                                                                                  "message",
                                                                                  ""));
    }
  else if (strcmp (kind, "run") == 0)
    {
      run->tracer_started = TRUE;
      g_free (run->python_version);
      run->python_version = g_strdup (json_object_get_string_member_with_default (event,
                                                                                  "python",
                                                                                  ""));
    }
}

static void
fold_line (Run        *run,
           const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (line[0] == '\0' || !json_parser_load_from_data (parser, line, -1, NULL))
    return;     /* not one of ours: skipped, the rest still counts */
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    fold_event (run, json_node_get_object (root));
}

static void
maybe_quit (Run *run)
{
  if (run->exited && run->eof)
    g_main_loop_quit (run->loop);
}

static void read_next (Run *run);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                    result, NULL, &error);

  if (line == NULL)
    {
      /* End of the stream (or the read was cancelled, or it broke): what came is kept. */
      run->eof = TRUE;
      maybe_quit (run);
      return;
    }
  fold_line (run, line);
  read_next (run);
}

static void
read_next (Run *run)
{
  g_data_input_stream_read_line_async (run->events, G_PRIORITY_DEFAULT, run->cancellable,
                                       on_line, run);
}

static gboolean
on_grace_over (gpointer data)
{
  Run *run = data;

  /* The script has exited but something it started still holds the pipe open. */
  run->grace_id = 0;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;
  GSubprocess *process = G_SUBPROCESS (source);

  g_subprocess_wait_finish (process, result, NULL);
  if (g_subprocess_get_if_signaled (process))
    {
      run->signal = g_subprocess_get_term_sig (process);
      run->status = 128 + run->signal;
    }
  else
    run->status = g_subprocess_get_exit_status (process);
  run->exited = TRUE;
  if (!run->eof)
    run->grace_id = g_timeout_add_seconds (2, on_grace_over, run);
  maybe_quit (run);
}

static gboolean
on_tick (gpointer data)
{
  Run *run = data;
  const Tally *t = &run->tally;
  guint ended = t->ok + t->failed + t->cancelled;

  g_printerr (_("%5.1f s  submitted %u  running %u  ok %u  failed %u  cancelled %u  "
                "tasks %u  threads %u  loop late %.1f ms\n"),
              (g_get_monotonic_time () - run->began) / 1e6, t->submitted,
              t->started > ended ? t->started - ended : 0, t->ok, t->failed, t->cancelled,
              t->tasks, t->threads, t->max_lateness_us / 1000.0);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer data)
{
  Run *run = data;

  /* Ctrl-C reaches the script from the terminal by itself; a SIGTERM sent to us is passed
   * on, and the tracer writes what it has before it dies of it. */
  if (!run->exited)
    g_subprocess_send_signal (run->process, SIGTERM);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Starting the script ------------------------------------------------------------------ */

/* Where futures_lab_trace/ is: $FUTURES_LAB_PYTHON_DIR, the source tree when this binary
 * runs from the build tree, else the installed data folder. */
static char *
find_tracer_dir (GError **error)
{
  const char *env = g_getenv (FL_PYTHON_DIR_ENV);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *candidates[3] = { NULL, NULL, PKGDATADIR "/python" };

  if (env != NULL && *env != '\0')
    candidates[0] = env;
  if (exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/"))
    candidates[1] = SOURCE_ROOT "/data/python";

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *main_py = NULL;

      if (candidates[i] == NULL)
        continue;
      main_py = g_build_filename (candidates[i], "futures_lab_trace", "__main__.py", NULL);
      if (g_file_test (main_py, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidates[i]);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("cannot find the Python tracer futures_lab_trace (looked in %s; set %s to "
                 "the folder that holds it)"),
               PKGDATADIR "/python", FL_PYTHON_DIR_ENV);
  return NULL;
}

static GSubprocess *
spawn_traced (char       **command,
              const char  *python,
              const char  *tracer_dir,
              int         *read_fd,
              GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *fd_arg = g_strdup_printf ("%d", EVENTS_FD);
  g_autofree char *pythonpath = NULL;
  const char *old_path = g_getenv ("PYTHONPATH");
  GSubprocess *process;
  int fds[2];
  guint i = 1;

  g_ptr_array_add (argv, (gpointer) python);
  /* Interpreter options (-u, -X dev, -W …) stay before -m. */
  for (; command[i] != NULL && command[i][0] == '-'; i++)
    {
      if (strcmp (command[i], "-c") == 0 || strcmp (command[i], "-m") == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("“%s” is not supported: trace runs a script file"), command[i]);
          return NULL;
        }
      g_ptr_array_add (argv, command[i]);
      if ((strcmp (command[i], "-X") == 0 || strcmp (command[i], "-W") == 0)
          && command[i + 1] != NULL)
        g_ptr_array_add (argv, command[++i]);
    }
  if (command[i] == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("no script given after “%s”"), command[0]);
      return NULL;
    }
  g_ptr_array_add (argv, "-m");
  g_ptr_array_add (argv, "futures_lab_trace");
  g_ptr_array_add (argv, "--events-fd");
  g_ptr_array_add (argv, fd_arg);
  for (; command[i] != NULL; i++)
    g_ptr_array_add (argv, command[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return NULL;

  pythonpath = old_path != NULL && *old_path != '\0'
               ? g_strconcat (tracer_dir, ":", old_path, NULL) : g_strdup (tracer_dir);
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", pythonpath, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "FUTURES_LAB_TRACE_FD");
  g_subprocess_launcher_take_fd (launcher, fds[1], EVENTS_FD);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  /* Freeing the launcher closes our copy of the write end: EOF comes when the script ends. */
  g_clear_object (&launcher);
  if (process == NULL)
    {
      close (fds[0]);
      return NULL;
    }
  *read_fd = fds[0];
  return process;
}

static void
run_clear (Run *run)
{
  g_clear_handle_id (&run->grace_id, g_source_remove);
  g_clear_object (&run->events);
  g_clear_object (&run->process);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->trace);
  g_clear_pointer (&run->lanes, g_hash_table_unref);
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->python_version, g_free);
  g_clear_pointer (&run->last_exception, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
save_run (Run        *run,
          char      **command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *argv_text = g_strjoinv (" ", command);
  g_autofree char *status = g_strdup_printf ("%d", run->status);
  g_autofree char *tasks = g_strdup_printf ("%u", run->tally.tasks);
  g_autofree char *threads = g_strdup_printf ("%u", run->tally.threads);
  g_autofree char *lateness = g_strdup_printf ("%" G_GINT64_FORMAT, run->tally.max_lateness_us);

  fl_trace_set_metadata (run->trace, "source", "python");
  fl_trace_set_metadata (run->trace, "argv", argv_text);
  fl_trace_set_metadata (run->trace, "python", run->python_version);
  fl_trace_set_metadata (run->trace, "exit", status);
  fl_trace_set_metadata (run->trace, "tasks", tasks);
  fl_trace_set_metadata (run->trace, "threads", threads);
  fl_trace_set_metadata (run->trace, "max_loop_lateness_us", lateness);
  if (!fl_trace_save (run->trace, opt_output, &error))
    g_printerr (_("%s: cannot write the run: %s\n"), g_get_prgname (), error->message);
  else
    g_printerr (_("Run written to %s\n"), opt_output);
}

static int
trace_main (char **command)
{
  g_auto(Run) run = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *python = g_find_program_in_path (command[0]);
  g_autofree char *tracer_dir = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint tick_id = 0, term_id, int_id;
  int read_fd = -1;

  if (python == NULL)
    {
      g_printerr (_("%s: cannot run “%s”: it is not installed or not in PATH (Python 3 is "
                    "needed to trace a Python program)\n"), g_get_prgname (), command[0]);
      return 127;
    }
  tracer_dir = find_tracer_dir (&error);
  if (tracer_dir == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }

  title = g_strjoinv (" ", command + 1);
  run.trace = fl_trace_new (title);
  run.lanes = g_hash_table_new (NULL, NULL);
  run.cancellable = g_cancellable_new ();
  run.loop = g_main_loop_new (NULL, FALSE);
  run.began = g_get_monotonic_time ();
  run.process = spawn_traced (command, python, tracer_dir, &read_fd, &error);
  if (run.process == NULL)
    {
      g_printerr (_("%s: cannot start %s: %s\n"), g_get_prgname (), command[0], error->message);
      return FL_CLI_EXIT_FAILURE;
    }

  stream = g_unix_input_stream_new (read_fd, TRUE);
  run.events = g_data_input_stream_new (stream);
  g_data_input_stream_set_newline_type (run.events, G_DATA_STREAM_NEWLINE_TYPE_LF);
  read_next (&run);
  g_subprocess_wait_async (run.process, NULL, on_exited, &run);
  if (!opt_quiet)
    tick_id = g_timeout_add_seconds (1, on_tick, &run);
  term_id = g_unix_signal_add (SIGTERM, on_sigterm, &run);
  int_id = g_unix_signal_add (SIGINT, on_sigint, &run);

  g_main_loop_run (run.loop);

  g_clear_handle_id (&tick_id, g_source_remove);
  g_source_remove (term_id);
  g_source_remove (int_id);

  if (!run.tracer_started)
    g_printerr (_("%s: %s did not start the tracer (exit status %d); is futures_lab_trace "
                  "in %s?\n"), g_get_prgname (), command[0], run.status, tracer_dir);

  tally_print (&run.tally, stderr);
  if (opt_output != NULL)
    save_run (&run, command);

  if (run.signal != 0)
    g_printerr (_("The script was killed by signal %d (%s).\n"), run.signal,
                g_strsignal (run.signal));
  else if (run.status != 0 && run.tracer_started)
    {
      if (run.last_exception != NULL)
        g_printerr (_("The script exited with status %d: %s\n"), run.status,
                    run.last_exception);
      else
        g_printerr (_("The script exited with status %d.\n"), run.status);
    }
  return run.status;
}

int
fl_cli_trace_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[--] PYTHON SCRIPT [ARG…]"));
  g_autoptr(GError) error = NULL;
  char **command;
  int status;

  g_option_context_set_summary (context,
                                _("Runs a Python program under the tracer futures_lab_trace: "
                                  "its futures, asyncio tasks, threads and queues, live.\n"
                                  "The program’s output is unchanged; the summary goes to "
                                  "stderr, and its exit status is passed on."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);

  command = argv + 1;
  if (command[0] != NULL && strcmp (command[0], "--") == 0)
    command++;

  if (opt_load != NULL)
    {
      if (command[0] != NULL)
        status = fl_cli_usage_error (context, _("--load runs nothing: unexpected “%s”"),
                                     command[0]);
      else
        status = load_main (opt_load);
    }
  else if (command[0] == NULL)
    status = fl_cli_usage_error (context, _("no program given: trace -- python3 SCRIPT [ARG…]"));
  else
    status = trace_main (command);

  g_clear_pointer (&opt_output, g_free);
  g_clear_pointer (&opt_load, g_free);
  return status;
}
