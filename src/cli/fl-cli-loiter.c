/* fl-cli-loiter.c: `futures-lab-cli loiter`, map vs as_completed on the terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The transcript of the classic demo_executor_map.py, from a real run: jobs loiter(n)
 * sleep n units on a small pool. The "doing nothing" and "done" lines are printed when the
 * futures' transitions reach the main loop, stamped with the time the transition really
 * happened on the worker; the result lines are printed by the consumer as it gets them.
 * With map the consumer waits on the slow early jobs; with as_completed it never waits for
 * a result that is already there.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"

static int      opt_workers = 3;
static int      opt_count = 5;
static int      opt_unit_ms = 1000;
static char    *opt_mode;
static gboolean opt_json;
static gboolean opt_reverse;

static GOptionEntry entries[] = {
  { "workers", 'w', 0, G_OPTION_ARG_INT, &opt_workers, N_("Worker threads (default 3)"), N_("N") },
  { "count", 'n', 0, G_OPTION_ARG_INT, &opt_count, N_("Jobs loiter(0) … loiter(N-1) (default 5)"),
    N_("N") },
  { "unit-ms", 'u', 0, G_OPTION_ARG_INT, &opt_unit_ms,
    N_("Length of one loiter unit in milliseconds (default 1000)"), N_("MS") },
  { "mode", 'm', 0, G_OPTION_ARG_STRING, &opt_mode,
    N_("map, as-completed or both (default both)"), N_("MODE") },
  { "reverse", 'r', 0, G_OPTION_ARG_NONE, &opt_reverse,
    N_("Submit the longest job first, loiter(N-1) … loiter(0): map then waits on it"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON Lines instead of the transcript"),
    NULL },
  { NULL }
};

typedef struct
{
  const char   *mode;
  GPtrArray    *futures;
  FlMapIter    *map;
  FlAsCompleted *as_completed;
  guint         next_index;
  gint64        origin;
  GString      *order;
  gboolean      finished;
  gboolean      failed;
  FlLoiterTranscript *transcript;
} Run;

/* Prints "[time] text". */
static void
say (gint64      monotonic,
     const char *text)
{
  g_autofree char *when = fl_loiter_stamp (monotonic);

  g_print ("%s %s\n", when, text);
}

static void
event_line (Run        *run,
            const char *event,
            int         index,
            int         n,
            gint64      value,
            gint64      when)
{
  FlJsonLine line;

  fl_json_line_init (&line);
  fl_json_line_add_string (&line, "event", event);
  fl_json_line_add_string (&line, "mode", run->mode);
  if (index >= 0)
    fl_json_line_add_int (&line, "index", index);
  if (n >= 0)
    fl_json_line_add_int (&line, "n", n);
  if (value >= 0)
    fl_json_line_add_int (&line, "value", value);
  fl_json_line_add_double (&line, "t", (double) (when - run->origin) / G_USEC_PER_SEC, 3);
  fl_json_line_print (&line);
}

static void
say_transition (gint64         monotonic,
                FlLoiterEvent  event,
                guint          index,
                guint          n,
                const char    *text,
                gpointer       user_data)
{
  Run *run = user_data;

  if (opt_json)
    event_line (run, event == FL_LOITER_STARTED ? "start" : "done", (int) index, (int) n, -1,
                monotonic);
  else
    say (monotonic, text);
}

static void
catch_up (Run *run)
{
  fl_loiter_transcript_catch_up (run->transcript);
}

static void
on_state (FlFuture   *future,
          GParamSpec *pspec,
          Run        *run)
{
  catch_up (run);
}

static void
print_result (Run      *run,
              guint     index,
              guint     n,
              GVariant *value)
{
  guint v = g_variant_get_uint32 (value);

  catch_up (run);
  g_string_append_printf (run->order, run->order->len ? ",%u" : "%u", n);
  if (opt_json)
    event_line (run, "result", (int) index, (int) n, v, g_get_monotonic_time ());
  else
    {
      g_autofree char *text = fl_loiter_result_text (g_str_equal (run->mode, "map"), index, n, v);

      say (g_get_monotonic_time (), text);
    }
}

static void map_next (GObject *source, GAsyncResult *result, gpointer data);

static void
map_next (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;

  if (!fl_map_iter_next_finish (run->map, result, &value, &error))
    {
      if (error != NULL)
        {
          g_printerr ("%s\n", error->message);
          run->failed = TRUE;
        }
      run->finished = TRUE;
      return;
    }
  print_result (run, run->next_index,
                fl_loiter_n (g_ptr_array_index (run->futures, run->next_index)), value);
  run->next_index++;
  fl_map_iter_next_async (run->map, NULL, map_next, run);
}

static void
as_completed_next (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFuture) future = fl_as_completed_next_finish (run->as_completed, result, &error);
  g_autoptr(GVariant) value = NULL;
  guint index;

  if (future == NULL)
    {
      if (error != NULL)
        {
          g_printerr ("%s\n", error->message);
          run->failed = TRUE;
        }
      run->finished = TRUE;
      return;
    }

  value = fl_future_result (future, 0, &error);
  g_ptr_array_find (run->futures, future, &index);
  if (value == NULL)
    {
      g_printerr ("%s\n", error->message);
      run->failed = TRUE;
    }
  else
    print_result (run, index, fl_loiter_n (future), value);
  fl_as_completed_next_async (run->as_completed, NULL, as_completed_next, run);
}

static gboolean
run_mode (const char *mode,
          gboolean   *interrupted)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (opt_workers);
  g_autoptr(GPtrArray) args = fl_loiter_args ((guint) opt_count, (guint) opt_unit_ms,
                                               opt_reverse);
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  gboolean ok;

  run.mode = mode;
  run.origin = g_get_monotonic_time ();
  run.order = g_string_new (NULL);

  if (opt_json)
    event_line (&run, "begin", -1, -1, -1, run.origin);
  else
    {
      g_print ("\n== %s ==\n", g_str_equal (mode, "map") ? "executor.map()" : "as_completed()");
      say (run.origin, _("Script starting."));
    }

  if (g_str_equal (mode, "map"))
    {
      run.map = fl_executor_map (executor, "loiter", (GVariant **) args->pdata, args->len,
                                 FL_TIMEOUT_INFINITE, &error);
      if (run.map == NULL)
        {
          g_printerr ("%s\n", error->message);
          return FALSE;
        }
      run.futures = fl_map_iter_dup_futures (run.map);
    }
  else
    {
      run.futures = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < args->len; i++)
        {
          g_autofree char *label = g_strdup_printf ("loiter(%u)", fl_loiter_n_of (args->pdata[i]));
          FlFuture *future = fl_executor_submit (executor, "loiter", args->pdata[i], label, &error);

          if (future == NULL)
            {
              g_printerr ("%s\n", error->message);
              return FALSE;
            }
          g_ptr_array_add (run.futures, future);
        }
      run.as_completed = fl_as_completed_new ((FlFuture **) run.futures->pdata, run.futures->len,
                                              FL_TIMEOUT_INFINITE);
    }

  run.transcript = fl_loiter_transcript_new (run.futures, (guint) opt_unit_ms, say_transition,
                                             &run);
  for (guint i = 0; i < run.futures->len; i++)
    g_signal_connect (g_ptr_array_index (run.futures, i), "notify::state",
                      G_CALLBACK (on_state), &run);

  if (!opt_json)
    {
      if (run.map != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("results: <map iterator over %u futures>"),
                                                   run.futures->len);
          say (g_get_monotonic_time (), text);
        }
      say (g_get_monotonic_time (), _("Waiting for individual results:"));
    }

  if (run.map != NULL)
    fl_map_iter_next_async (run.map, NULL, map_next, &run);
  else
    fl_as_completed_next_async (run.as_completed, NULL, as_completed_next, &run);

  while (!run.finished && !*interrupted)
    g_main_context_iteration (NULL, TRUE);

  if (*interrupted)
    {
      /* Cancel what has not started, stop the sleepers, and wait for the async call in
       * flight to come back before the run's state goes away. */
      for (guint i = 0; i < run.futures->len; i++)
        fl_future_request_cancel (g_ptr_array_index (run.futures, i));
      while (!run.finished)
        g_main_context_iteration (NULL, TRUE);
    }

  fl_executor_shutdown (executor, TRUE, TRUE);
  for (guint i = 0; i < run.futures->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (run.futures, i), &run);

  if (opt_json)
    {
      FlJsonLine line;

      fl_json_line_init (&line);
      fl_json_line_add_string (&line, "event", "summary");
      fl_json_line_add_string (&line, "mode", mode);
      fl_json_line_add_string (&line, "order", run.order->str);
      fl_json_line_add_int (&line, "workers", opt_workers);
      fl_json_line_add_double (&line, "elapsed",
                               (double) (g_get_monotonic_time () - run.origin) / G_USEC_PER_SEC, 3);
      fl_json_line_print (&line);
    }

  ok = !run.failed && !*interrupted;
  g_clear_pointer (&run.map, fl_map_iter_free);
  g_clear_pointer (&run.as_completed, fl_as_completed_free);
  g_ptr_array_unref (run.futures);
  g_string_free (run.order, TRUE);
  fl_loiter_transcript_free (run.transcript);
  return ok;
}

static gboolean
on_interrupt (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_CONTINUE;
}

int
fl_cli_loiter_main (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean interrupted = FALSE;
  gboolean ok = TRUE;
  const char *mode;

  g_option_context_set_summary (context,
                                _("Runs loiter(0) … loiter(N-1) on a thread pool and prints the "
                                  "timestamped transcript, consuming the results with "
                                  "executor.map() (submission order) and with as_completed() "
                                  "(completion order)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (argc > 1)
    return fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  if (opt_workers < 1 || opt_workers > 256)
    return fl_cli_usage_error (context, _("--workers must be between 1 and 256"));
  if (opt_count < 1 || opt_count > 60)
    return fl_cli_usage_error (context, _("--count must be between 1 and 60"));
  if (opt_unit_ms < 0 || opt_unit_ms > 60000)
    return fl_cli_usage_error (context, _("--unit-ms must be between 0 and 60000"));
  mode = opt_mode != NULL ? opt_mode : "both";
  if (!g_str_equal (mode, "map") && !g_str_equal (mode, "as-completed")
      && !g_str_equal (mode, "both"))
    return fl_cli_usage_error (context, _("unknown mode “%s” (map, as-completed or both)"), mode);

  fl_lessons_register_jobs ();
  fl_cli_add_interrupt (on_interrupt, &interrupted);

  if (g_str_equal (mode, "map") || g_str_equal (mode, "both"))
    ok &= run_mode ("map", &interrupted);
  if (!interrupted && (g_str_equal (mode, "as-completed") || g_str_equal (mode, "both")))
    ok &= run_mode ("as-completed", &interrupted);

  if (interrupted)
    return FL_CLI_EXIT_INTERRUPTED;
  return ok ? FL_CLI_EXIT_OK : FL_CLI_EXIT_FAILURE;
}
