/* fl-cli-flags-report.c: what `futures-lab-cli flags` prints while and after it runs
 *
 * Text goes to stdout, or to stderr with --json, whose stdout is JSON Lines only: one object
 * per future transition (read from the run's trace, which every lane writes to with exact
 * timestamps, so no transition is lost however quickly a future goes through them), then
 * the summary object as the last line. The progress bar is drawn on stderr, only when it is
 * a terminal, at most ten times a second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "fl-cli.h"
#include "fl-cli-flags.h"

#define TICK_MS   100
#define BAR_WIDTH 30

struct _FlFlagsReport
{
  FlFlagsRun *run;
  FILE       *text;
  gboolean    json;
  gboolean    verbose;
  gboolean    progress;
  gboolean    bar_drawn;
  guint       next_event;
  guint       tick_id;
};

FILE *
fl_flags_report_get_text_stream (FlFlagsReport *report)
{
  return report->text;
}

static const char *
state_name (FlFutureState state)
{
  switch (state)
    {
    case FL_FUTURE_PENDING:
      return "PENDING";
    case FL_FUTURE_RUNNING:
      return "RUNNING";
    case FL_FUTURE_FINISHED:
      return "FINISHED";
    case FL_FUTURE_FAILED:
      return "FAILED";
    case FL_FUTURE_CANCELLED:
      return "CANCELLED";
    default:
      return "UNKNOWN";
    }
}

static const char *
lane_name (FlLaneKind kind)
{
  switch (kind)
    {
    case FL_LANE_THREAD:
      return "thread";
    case FL_LANE_PROCESS:
      return "process";
    case FL_LANE_MAIN_LOOP:
      return "main-loop";
    case FL_LANE_CALLER:
      return "caller";
    case FL_LANE_NONE:
    default:
      return NULL;
    }
}

static void
print_transition (FlFlagsReport      *report,
                  const FlTraceEvent *event)
{
  FlFuture *future = fl_flags_run_lookup (report->run, event->future_id);
  const char *lane = lane_name (event->lane_kind);
  FlJsonLine line;

  if (future == NULL)
    return;   /* not one of ours */

  fl_json_line_init (&line);
  fl_json_line_add_string (&line, "event", "transition");
  fl_json_line_add_int (&line, "id", event->future_id);
  fl_json_line_add_string (&line, "cc", fl_future_get_label (future));
  fl_json_line_add_string (&line, "state", state_name (event->state));
  fl_json_line_add_double (&line, "time",
                           MAX (0, event->time_us - fl_flags_run_get_start_time (report->run))
                           * fl_flags_run_get_time_scale (report->run) / 1e6,
                           6);
  if (lane != NULL && event->kind != FL_TRACE_SUBMIT)
    {
      fl_json_line_add_string (&line, "lane", lane);
      fl_json_line_add_int (&line, "lane_index", event->lane);
    }
  if (event->kind == FL_TRACE_FINISH && fl_future_is_done (future))
    {
      g_autoptr(GVariant) outcome = g_variant_ref_sink (fl_download_describe_future (future));
      const char *status, *error;
      guint http_status;
      guint64 bytes;

      g_variant_lookup (outcome, "status", "&s", &status);
      g_variant_lookup (outcome, "http-status", "u", &http_status);
      g_variant_lookup (outcome, "bytes", "t", &bytes);
      g_variant_lookup (outcome, "error", "&s", &error);
      fl_json_line_add_string (&line, "status", status);
      fl_json_line_add_int (&line, "http_status", http_status);
      fl_json_line_add_int (&line, "bytes", bytes);
      fl_json_line_add_string (&line, "error", error[0] != '\0' ? error : NULL);
    }
  fl_json_line_print (&line);
}

/* Prints the trace events recorded since the last call, stopping at one still being
 * written. */
static void
flush_transitions (FlFlagsReport *report)
{
  FlTrace *trace = fl_flags_run_get_trace (report->run);
  FlTraceEvent event;

  while (fl_trace_get_event (trace, report->next_event, &event))
    {
      print_transition (report, &event);
      report->next_event++;
    }
}

static void
clear_bar (FlFlagsReport *report)
{
  if (report->bar_drawn)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
      report->bar_drawn = FALSE;
    }
}

static void
draw_bar (FlFlagsReport *report)
{
  FlFlagsCounts counts;
  guint done, filled;
  double rate;
  g_autofree char *bar = NULL;
  g_autofree char *eta = NULL;

  fl_flags_run_get_counts (report->run, &counts);
  if (counts.total == 0)
    return;
  done = counts.ok + counts.not_found + counts.error + counts.cancelled;
  filled = done * BAR_WIDTH / counts.total;
  rate = counts.elapsed > 0 ? done / counts.elapsed : 0;
  bar = g_strnfill (BAR_WIDTH, ' ');
  memset (bar, '#', filled);
  if (done > 0 && rate > 0)
    eta = g_strdup_printf (_("ETA %.0fs"), (counts.total - done) / rate);
  else
    eta = g_strdup (_("ETA ?"));

  fprintf (stderr, "\r\033[K[%s] %u/%u  %.1f/s  %s", bar, done, counts.total, rate, eta);
  fflush (stderr);
  report->bar_drawn = TRUE;
}

static gboolean
on_tick (gpointer data)
{
  FlFlagsReport *report = data;

  if (report->json)
    flush_transitions (report);
  if (report->progress)
    draw_bar (report);
  return G_SOURCE_CONTINUE;
}

/* The flag's URL, as flags2's "not found: {res.url}" shows it. */
static char *
flag_url (FlFuture *future)
{
  GVariant *args = fl_future_get_args (future);
  g_autofree char *base = NULL;
  const char *cc = "";

  g_variant_lookup (args, "base", "s", &base);
  g_variant_lookup (args, "cc", "&s", &cc);
  if (base == NULL)
    return g_strdup ("");
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/%s/%s.gif", base, cc, cc);
}

/* The server's reason phrase, from the job's "HTTP 418 I'm a teapot" error (the same
 * format string, so in any language), else the standard one. */
static char *
reason_phrase (const char *error,
               guint       http_status)
{
  g_autofree char *prefix = g_strdup_printf (_("HTTP %u %s"), http_status, "");

  if (g_str_has_prefix (error, prefix) && error[strlen (prefix)] != '\0')
    return g_strdup (error + strlen (prefix));
  return g_strdup (soup_status_get_phrase (http_status));
}

/* -v: one line per flag in flags2's words: "CN OK", "ZZ not found: URL",
 * "CN error: HTTP error 418 - I'm a teapot", "CN error: what went wrong". */
static void
on_done (FlFlagsRun *run,
         FlFuture   *future,
         gpointer    user_data)
{
  FlFlagsReport *report = user_data;
  g_autoptr(GVariant) outcome = NULL;
  const char *cc, *error, *name = NULL;
  GVariant *result;
  guint http_status;

  if (!report->verbose)
    return;

  outcome = g_variant_ref_sink (fl_download_describe_future (future));
  g_variant_lookup (outcome, "http-status", "u", &http_status);
  g_variant_lookup (outcome, "error", "&s", &error);
  cc = fl_future_get_label (future);
  result = fl_future_peek_result (future);
  if (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE_VARDICT))
    g_variant_lookup (result, "name", "&s", &name);

  clear_bar (report);
  switch (fl_download_status_from_future (future))
    {
    case FL_DOWNLOAD_STATUS_OK:
      if (name != NULL && name[0] != '\0')
        /* TRANSLATORS: -v, a flag and its country's name (from --metadata) */
        fprintf (report->text, _("%s OK (%s)\n"), cc, name);
      else
        fprintf (report->text, _("%s OK\n"), cc);
      break;
    case FL_DOWNLOAD_STATUS_NOT_FOUND:
      {
        g_autofree char *url = flag_url (future);

        fprintf (report->text, _("%s not found: %s\n"), cc, url);
      }
      break;
    case FL_DOWNLOAD_STATUS_CANCELLED:
      fprintf (report->text, _("%s cancelled\n"), cc);
      break;
    case FL_DOWNLOAD_STATUS_ERROR:
    default:
      if (http_status != 0)
        {
          g_autofree char *reason = reason_phrase (error, http_status);

          fprintf (report->text, _("%s error: HTTP error %u - %s\n"), cc, http_status, reason);
        }
      else
        fprintf (report->text, _("%s error: %s\n"), cc, error);
      break;
    }
  fflush (report->text);
}

/**
 * fl_flags_report_new:
 *
 * Starts reporting on @run: verbose lines as futures finish, JSON lines and the progress bar
 * on a timer.
 */
FlFlagsReport *
fl_flags_report_new (FlFlagsRun *run,
                     gboolean    json,
                     gboolean    verbose)
{
  FlFlagsReport *report = g_new0 (FlFlagsReport, 1);

  report->run = run;
  report->json = json;
  report->verbose = verbose;
  report->text = json ? stderr : stdout;
  report->progress = !json && !verbose && isatty (STDERR_FILENO);
  fl_flags_run_set_done_func (run, on_done, report);
  if (json || report->progress)
    report->tick_id = g_timeout_add (TICK_MS, on_tick, report);
  return report;
}

static void
print_summary_json (FlFlagsReport       *report,
                    const FlFlagsCounts *counts)
{
  FlJsonLine line;

  fl_json_line_init (&line);
  fl_json_line_add_string (&line, "event", "summary");
  fl_json_line_add_int (&line, "ok", counts->ok);
  fl_json_line_add_int (&line, "not_found", counts->not_found);
  fl_json_line_add_int (&line, "error", counts->error);
  fl_json_line_add_int (&line, "cancelled", counts->cancelled);
  fl_json_line_add_double (&line, "elapsed", counts->elapsed, 3);
  fl_json_line_add_string (&line, "mode",
                           fl_flags_mode_to_string (fl_flags_run_get_mode (report->run)));
  fl_json_line_add_int (&line, "concurrency", fl_flags_run_get_concurrency (report->run));
  fl_json_line_print (&line);
}

/**
 * fl_flags_report_finish:
 * @interrupted: whether Ctrl-C cut the run short
 *
 * The final report, as the flags2 scripts print it, plus the JSON summary line.
 */
void
fl_flags_report_finish (FlFlagsReport *report,
                        gboolean       interrupted)
{
  FlFlagsCounts counts;
  FILE *out = report->text;

  g_clear_handle_id (&report->tick_id, g_source_remove);
  if (report->json)
    flush_transitions (report);
  clear_bar (report);

  fl_flags_run_get_counts (report->run, &counts);
  if (interrupted)
    fprintf (out, "%s\n", _("*** Interrupted: the report below is partial."));
  fputs ("--------------------\n", out);
  fprintf (out, ngettext ("%u flag downloaded.\n", "%u flags downloaded.\n", counts.ok), counts.ok);
  if (counts.not_found > 0)
    fprintf (out, ngettext ("%u not found.\n", "%u not found.\n", counts.not_found),
             counts.not_found);
  if (counts.error > 0)
    fprintf (out, ngettext ("%u error.\n", "%u errors.\n", counts.error), counts.error);
  if (counts.cancelled > 0)
    fprintf (out, ngettext ("%u cancelled.\n", "%u cancelled.\n", counts.cancelled),
             counts.cancelled);
  fprintf (out, _("Elapsed time: %.2fs\n"), counts.elapsed);
  if (fl_flags_run_get_time_scale (report->run) != 1.0)
    /* TRANSLATORS: after the elapsed time of a run slowed for a projector; %g is the scale,
     * e.g. 0.1: the run took ten times as long, the times shown are real */
    fprintf (out, _("Slow motion ×%g: wall time was %.2fs, times shown are real.\n"),
             fl_flags_run_get_time_scale (report->run),
             counts.elapsed / fl_flags_run_get_time_scale (report->run));
  fflush (out);

  if (report->json)
    print_summary_json (report, &counts);
}

void
fl_flags_report_free (FlFlagsReport *report)
{
  if (report == NULL)
    return;
  g_clear_handle_id (&report->tick_id, g_source_remove);
  fl_flags_run_set_done_func (report->run, NULL, NULL);
  g_free (report);
}
