/* fl-cli-trace.c: `futures-lab-cli trace`, a Python program run under futures_lab_trace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlPythonRun (src/tasks, shared with the app's "Run the Python Version") runs the script
 * as `PYTHON -m futures_lab_trace --events-fd 3 SCRIPT ARGS…`; its stdin, stdout and
 * stderr are ours, so what it prints is unchanged. Its live events are folded into an
 * FlTrace exactly as the engine records its own runs, and counted by the same FlSpans
 * tally as every other run, so -o writes with fl_trace_save() and the file loads like any
 * other run, even when the script was killed half way. The summary lines go to stderr,
 * once a second.
 *
 * `trace --load FILE` reads a saved run back (the engine's loader) and prints its tally.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"


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
  FlTally tally;
  guint   tasks;
  guint   threads;
  gint64  max_lateness_us;
} Summary;

static void
tally_print (const Summary *summary,
             FILE          *stream)
{
  const FlTally *t = &summary->tally;

  if (opt_json)
    {
      FlJsonLine line;

      fl_json_line_init (&line);
      fl_json_line_add_int (&line, "submitted", t->total);
      fl_json_line_add_int (&line, "ok", t->ok);
      fl_json_line_add_int (&line, "failed", t->failed);
      fl_json_line_add_int (&line, "cancelled", t->cancelled);
      fl_json_line_add_int (&line, "unfinished", t->total - t->done);
      fl_json_line_add_int (&line, "tasks", summary->tasks);
      fl_json_line_add_int (&line, "threads", summary->threads);
      fl_json_line_add_double (&line, "max_loop_lateness_ms",
                               summary->max_lateness_us / 1000.0, 1);
      g_string_append_c (line.text, '}');
      fprintf (stream, "%s\n", line.text->str);
      g_string_free (line.text, TRUE);
      return;
    }

  {
    /* Built, then written once: GCC's sanitizer builds took a translated format after an
     * fputs() for a possibly null one (-Wformat-overflow). */
    g_autoptr(GString) text = g_string_new (NULL);

    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u future submitted: ",
                                               "%u futures submitted: ", t->total), t->total);
    g_string_append_printf (text, _("%u ok, %u failed, %u cancelled"), t->ok + t->not_found,
                            t->failed, t->cancelled);
    if (t->total > t->done)
      g_string_append_printf (text, _(", %u never ended"), t->total - t->done);
    g_string_append_c (text, '\n');
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u asyncio task, ",
                                               "%u asyncio tasks, ", summary->tasks),
                            summary->tasks);
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u thread", "%u threads",
                                               summary->threads), summary->threads);
    if (summary->max_lateness_us > 0)
      g_string_append_printf (text, _("; event loop at most %.1f ms late"),
                              summary->max_lateness_us / 1000.0);
    g_string_append_c (text, '\n');
    fputs (text->str, stream);
  }
}

static void
summarize (FlTrace *trace,
           Summary *summary)
{
  g_autoptr(FlSpans) spans = fl_spans_new (trace);

  fl_spans_update (spans);
  fl_spans_get_tally (spans, &summary->tally);
}

/* Loading a saved run ------------------------------------------------------------------ */

static int
load_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTrace) trace = fl_trace_load (path, &error);
  Summary summary = { 0 };
  const char *value;

  if (trace == NULL)
    {
      g_printerr (_("%s: cannot load the run: %s\n"), g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }

  summarize (trace, &summary);
  if ((value = fl_trace_get_metadata (trace, "tasks")) != NULL)
    summary.tasks = (guint) g_ascii_strtoull (value, NULL, 10);
  if ((value = fl_trace_get_metadata (trace, "threads")) != NULL)
    summary.threads = (guint) g_ascii_strtoull (value, NULL, 10);
  if ((value = fl_trace_get_metadata (trace, "max_loop_lateness_us")) != NULL)
    summary.max_lateness_us = g_ascii_strtoll (value, NULL, 10);

  if (!opt_json)
    g_print ("%s\n", fl_trace_get_title (trace));
  tally_print (&summary, stdout);
  return FL_CLI_EXIT_OK;
}

/* Running a script --------------------------------------------------------------------- */

typedef struct
{
  GMainLoop   *loop;
  FlPythonRun *python;
  FlSpans     *spans;
  gint64       began;
} Run;

static void
live_summary (Run     *run,
              Summary *summary)
{
  fl_spans_update (run->spans);
  fl_spans_get_tally (run->spans, &summary->tally);
  summary->tasks = fl_python_run_get_n_tasks (run->python);
  summary->threads = fl_python_run_get_n_threads (run->python);
  summary->max_lateness_us = fl_python_run_get_max_lateness (run->python);
}

static gboolean
on_tick (gpointer data)
{
  Run *run = data;
  Summary s = { 0 };

  live_summary (run, &s);
  g_printerr (_("%5.1f s  submitted %u  running %u  ok %u  failed %u  cancelled %u  "
                "tasks %u  threads %u  loop late %.1f ms\n"),
              (g_get_monotonic_time () - run->began) / 1e6, s.tally.total, s.tally.running,
              s.tally.ok + s.tally.not_found, s.tally.failed, s.tally.cancelled, s.tasks,
              s.threads, s.max_lateness_us / 1000.0);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer data)
{
  Run *run = data;

  /* Ctrl-C reaches the script from the terminal by itself; a SIGTERM sent to us is passed
   * on, and the tracer writes what it has before it dies of it. */
  fl_python_run_stop (run->python);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
on_finished (FlPythonRun *python,
             Run         *run)
{
  g_main_loop_quit (run->loop);
}

static void
save_run (FlTrace  *trace,
          char    **command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *argv_text = g_strjoinv (" ", command);

  fl_trace_set_metadata (trace, "argv", argv_text);
  if (!fl_trace_save (trace, opt_output, &error))
    g_printerr (_("%s: cannot write the run: %s\n"), g_get_prgname (), error->message);
  else
    g_printerr (_("Run written to %s\n"), opt_output);
}

static int
trace_main (char **command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPythonRun) python = fl_python_run_new ((const char * const *) command, NULL,
                                                     FL_PYTHON_RUN_NONE);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(FlSpans) spans = fl_spans_new (fl_python_run_get_trace (python));
  Run run = { loop, python, spans, g_get_monotonic_time () };
  Summary summary = { 0 };
  guint tick_id = 0, term_id, int_id;
  int status;

  {
    g_autofree char *interpreter = fl_python_find_interpreter (command[0], &error);

    /* as a shell says of a command it cannot find */
    if (interpreter == NULL)
      {
        g_printerr ("%s: %s\n", g_get_prgname (), error->message);
        return 127;
      }
  }
  if (!fl_python_run_start (python, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }
  g_signal_connect (python, "finished", G_CALLBACK (on_finished), &run);
  if (!opt_quiet)
    tick_id = g_timeout_add_seconds (1, on_tick, &run);
  term_id = g_unix_signal_add (SIGTERM, on_sigterm, &run);
  int_id = g_unix_signal_add (SIGINT, on_sigint, &run);

  g_main_loop_run (loop);

  g_clear_handle_id (&tick_id, g_source_remove);
  g_source_remove (term_id);
  g_source_remove (int_id);

  status = fl_python_run_get_status (python);
  if (!fl_python_run_tracer_started (python))
    g_printerr (_("%s: %s did not start the tracer (exit status %d); is futures_lab_trace "
                  "on its path?\n"), g_get_prgname (), command[0], status);

  live_summary (&run, &summary);
  tally_print (&summary, stderr);
  if (opt_output != NULL)
    save_run (fl_python_run_get_trace (python), command);

  if (fl_python_run_get_signal (python) != 0)
    g_printerr (_("The script was killed by signal %d (%s).\n"),
                fl_python_run_get_signal (python),
                g_strsignal (fl_python_run_get_signal (python)));
  else if (status != 0 && fl_python_run_tracer_started (python))
    {
      if (fl_python_run_get_exception (python) != NULL)
        g_printerr (_("The script exited with status %d: %s\n"), status,
                    fl_python_run_get_exception (python));
      else
        g_printerr (_("The script exited with status %d.\n"), status);
    }
  return status;
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
