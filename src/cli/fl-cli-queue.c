/* fl-cli-queue.c: `futures-lab-cli queue`, producers and consumers on a bounded queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <glib/gi18n.h>
#include <math.h>
#include <unistd.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"

static int      opt_producers = 2;
static int      opt_consumers = 2;
static gint64   opt_items = 10000;
static int      opt_capacity = 16;
static double   opt_produce_rate;
static double   opt_consume_rate;
static double   opt_jitter;
static gboolean opt_json;

static GOptionEntry entries[] = {
  { "producers", 'p', 0, G_OPTION_ARG_INT, &opt_producers, N_("Producer threads (default 2)"),
    N_("P") },
  { "consumers", 'c', 0, G_OPTION_ARG_INT, &opt_consumers, N_("Consumer threads (default 2)"),
    N_("C") },
  { "items", 'n', 0, G_OPTION_ARG_INT64, &opt_items, N_("Items to produce in all (default 10000)"),
    N_("N") },
  { "capacity", 'k', 0, G_OPTION_ARG_INT, &opt_capacity, N_("Queue capacity (default 16)"),
    N_("K") },
  { "produce-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt_produce_rate,
    N_("Items per second per producer (default: as fast as possible)"), N_("R") },
  { "consume-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt_consume_rate,
    N_("Items per second per consumer (default: as fast as possible)"), N_("R") },
  { "jitter", 0, 0, G_OPTION_ARG_DOUBLE, &opt_jitter,
    N_("Randomness of the intervals, 0 to 1 (default 0)"), N_("J") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print the summary as one JSON object"), NULL },
  { NULL }
};

typedef struct
{
  FlPipeline *pipeline;
  gboolean    finished;
  gboolean    interrupted;
  gboolean    progress;
} State;

static void
on_finished (FlPipeline *pipeline,
             State      *state)
{
  state->finished = TRUE;
}

static gboolean
on_interrupt (gpointer data)
{
  State *state = data;

  if (!state->interrupted)
    {
      state->interrupted = TRUE;
      g_printerr ("\n%s\n", _("Interrupted: producers stop, consumers drain the queue…"));
      fl_pipeline_stop (state->pipeline);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
show_progress (gpointer data)
{
  State *state = data;
  FlPipelineStats stats;

  fl_pipeline_get_stats (state->pipeline, &stats);
  g_printerr (_("\rproduced %" PRIu64 "  consumed %" PRIu64
                "  queue %u/%u   "),
              stats.produced, stats.consumed, stats.queue_length,
              fl_pipeline_get_capacity (state->pipeline));
  return G_SOURCE_CONTINUE;
}

int
fl_cli_queue_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPipeline) pipeline = NULL;
  FlPipelineStats stats;
  State state = { 0 };
  guint progress_id = 0;
  double elapsed;
  guint64 lost;

  g_option_context_set_summary (context,
                                _("P producer threads put numbered items on a bounded queue; C "
                                  "consumer threads take them. Reports how long each side was "
                                  "blocked (back-pressure and starvation) and checks that "
                                  "nothing was lost or consumed twice. Ctrl-C stops the "
                                  "producers; the consumers still drain the queue."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (argc > 1)
    return fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  if (opt_producers < 1 || opt_producers > 64 || opt_consumers < 1 || opt_consumers > 64)
    return fl_cli_usage_error (context, _("--producers and --consumers must be between 1 and 64"));
  if (opt_items < 0 || opt_items > G_GINT64_CONSTANT (1000000000))
    return fl_cli_usage_error (context, _("--items must be between 0 and 1000000000"));
  if (opt_capacity < 1 || opt_capacity > 1000000)
    return fl_cli_usage_error (context, _("--capacity must be between 1 and 1000000"));
  if (!isfinite (opt_produce_rate) || !isfinite (opt_consume_rate) || !isfinite (opt_jitter))
    return fl_cli_usage_error (context, _("rates and --jitter must be finite numbers"));
  if (opt_produce_rate < 0 || opt_consume_rate < 0)
    return fl_cli_usage_error (context, _("rates cannot be negative"));
  if (opt_jitter < 0 || opt_jitter > 1)
    return fl_cli_usage_error (context, _("--jitter must be between 0 and 1"));

  pipeline = fl_pipeline_new (opt_producers, opt_consumers, opt_capacity, (guint64) opt_items);
  fl_pipeline_set_produce_rate (pipeline, opt_produce_rate);
  fl_pipeline_set_consume_rate (pipeline, opt_consume_rate);
  fl_pipeline_set_jitter (pipeline, opt_jitter);
  state.pipeline = pipeline;
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &state);
  fl_cli_add_interrupt (on_interrupt, &state);

  if (!opt_json)
    g_print (_("%d producers → queue of %d → %d consumers, %" PRId64 " items\n"),
             opt_producers, opt_capacity, opt_consumers, opt_items);

  if (!fl_pipeline_start (pipeline, &error))
    {
      g_printerr ("%s\n", error->message);
      return FL_CLI_EXIT_FAILURE;
    }
  if (!opt_json && isatty (STDERR_FILENO))
    progress_id = g_timeout_add (200, show_progress, &state);

  while (!state.finished)
    g_main_context_iteration (NULL, TRUE);
  if (progress_id != 0)
    {
      g_source_remove (progress_id);
      show_progress (&state);
      g_printerr ("\n");
    }

  fl_pipeline_get_stats (pipeline, &stats);
  elapsed = (double) stats.elapsed_us / G_USEC_PER_SEC;
  lost = stats.produced - MIN (stats.produced, stats.consumed);

  if (opt_json)
    {
      FlJsonLine line;

      fl_json_line_init (&line);
      fl_json_line_add_string (&line, "event", "summary");
      fl_json_line_add_int (&line, "produced", (gint64) stats.produced);
      fl_json_line_add_int (&line, "consumed", (gint64) stats.consumed);
      fl_json_line_add_int (&line, "lost", (gint64) lost);
      fl_json_line_add_int (&line, "duplicates", (gint64) stats.duplicates);
      fl_json_line_add_int (&line, "producers", opt_producers);
      fl_json_line_add_int (&line, "consumers", opt_consumers);
      fl_json_line_add_int (&line, "capacity", opt_capacity);
      fl_json_line_add_int (&line, "max_length", stats.queue_max);
      fl_json_line_add_double (&line, "producers_blocked",
                               (double) stats.put_blocked_us / G_USEC_PER_SEC, 3);
      fl_json_line_add_double (&line, "consumers_blocked",
                               (double) stats.get_blocked_us / G_USEC_PER_SEC, 3);
      fl_json_line_add_double (&line, "elapsed", elapsed, 3);
      fl_json_line_add_bool (&line, "interrupted", state.interrupted);
      fl_json_line_print (&line);
    }
  else
    {
      g_print (_("produced %" PRIu64 ", consumed %" PRIu64
                 ", lost %" PRIu64 ", consumed twice %" PRIu64 "\n"),
               stats.produced, stats.consumed, lost, stats.duplicates);
      g_print (_("queue: capacity %d, at most %u waiting\n"), opt_capacity, stats.queue_max);
      g_print (_("producers blocked on a full queue: %.3f s in all\n"),
               (double) stats.put_blocked_us / G_USEC_PER_SEC);
      g_print (_("consumers blocked on an empty queue: %.3f s in all\n"),
               (double) stats.get_blocked_us / G_USEC_PER_SEC);
      g_print (_("%.3f s, %.0f items/s\n"), elapsed,
               elapsed > 0 ? (double) stats.consumed / elapsed : 0.0);
    }

  if (state.interrupted)
    return fl_cli_interrupted_status ();
  return lost == 0 && stats.duplicates == 0 ? FL_CLI_EXIT_OK : FL_CLI_EXIT_FAILURE;
}
