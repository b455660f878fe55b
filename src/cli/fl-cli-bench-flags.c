/* fl-cli-bench-flags.c: `futures-lab-cli bench-flags`, flag downloads measured side by side
 *
 * One run, one embedded server, the same codes for everyone:
 *   - 20 flags at a fixed delay (200 ms): sequential, threads(20), async(20);
 *   - every pair AA..ZZ (676 requests, 250 flags) at 100 ms with 100 at a time: threads and
 *     async;
 *   - Python's ThreadPoolExecutor + urllib against the same server and codes, for both.
 * With a fixed delay the ideal times are known: one delay for 20 at once, ceil(n/m) delays
 * for n requests m at a time. The table shows each run (the best of --repeat) against that
 * ideal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>

#include "futures-lab-server.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"
#include "fl-files.h"

static const char python_urllib[] =
  "import os, sys, time, urllib.error, urllib.request\n"
  "from concurrent.futures import ThreadPoolExecutor\n"
  "base, workers, out, codes = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split(',')\n"
  "def get(cc):\n"
  "    try:\n"
  "        with urllib.request.urlopen(f'{base}/{cc}/{cc}.gif', timeout=10) as resp:\n"
  "            data = resp.read()\n"
  "    except urllib.error.HTTPError as e:\n"
  "        return 'not_found' if e.code == 404 else 'error'\n"
  "    except OSError:\n"
  "        return 'error'\n"
  "    with open(os.path.join(out, cc + '.gif'), 'wb') as fp:\n"
  "        fp.write(data)\n"
  "    return 'ok'\n"
  "with ThreadPoolExecutor(max_workers=workers) as ex:\n"
  "    t = time.perf_counter()\n"
  "    res = list(ex.map(get, codes))\n"
  "    t = time.perf_counter() - t\n"
  "print(t, res.count('ok'), res.count('not_found'), res.count('error'))\n";

typedef struct
{
  const char *scenario;
  char       *who;
  guint       n;
  guint       concurrency;
  guint       delay_ms;
  double      elapsed;     /* negative: did not run */
  double      ideal;
  double      target;      /* allowed factor over the ideal, 0 for none */
  FlFlagsCounts counts;
  guint       max_in_flight;
} Row;

static void
row_clear (Row *row)
{
  g_free (row->who);
}

/* Every measurement starts on a fresh server (same port, @delay_ms): a server still holding
 * the idle keep-alive connections of earlier runs polls them all on every iteration, which
 * would slow whichever run comes later. */
static gboolean
restart_server (FlFlagServer  *server,
                guint          delay_ms,
                GError       **error)
{
  g_autoptr(FlFaultConfig) config = fl_flag_server_dup_fault_config (server);
  guint port = fl_flag_server_get_port (server);

  config->delay_min_ms = config->delay_max_ms = delay_ms;
  fl_flag_server_stop (server);
  fl_flag_server_set_port (server, port);
  fl_flag_server_set_fault_config (server, config);
  if (!fl_flag_server_start (server, error))
    return FALSE;
  fl_flag_server_reset_stats (server);
  return TRUE;
}

static char *
fresh_dir (const char *parent,
           const char *name)
{
  char *dir = g_build_filename (parent, name, NULL);

  g_mkdir_with_parents (dir, 0755);
  return dir;
}

/* Ctrl-C or SIGTERM: the run going on is cut short and left out; the rows measured so far
 * are reported. */
static gboolean    interrupted;
static FlFlagsRun *current_run;

static gboolean
on_interrupt (gpointer data)
{
  if (!interrupted)
    {
      interrupted = TRUE;
      if (current_run != NULL)
        fl_flags_run_interrupt (current_run);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
run_ours (FlFlagServer  *server,
          const char    *parent,
          char         **codes,
          FlFlagsMode    mode,
          guint          concurrency,
          Row           *row,
          GError       **error)
{
  g_autoptr(FlFlagsRun) run = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = g_strdup_printf ("%s-%s-%u", row->scenario,
                                           fl_flags_mode_to_string (mode), concurrency);
  g_autofree char *dir = fresh_dir (parent, name);

  if (!restart_server (server, row->delay_ms, error))
    return FALSE;
  base = fl_flag_server_dup_base_url (server);
  run = fl_flags_run_new (mode, concurrency, NULL, error);
  if (run == NULL)
    return FALSE;
  current_run = run;
  if (interrupted)
    fl_flags_run_interrupt (run);
  if (!fl_flags_run_start (run, (const char *const *) codes, base, dir,
                           FL_DOWNLOAD_DEFAULT_TIMEOUT_MS, FALSE, error))
    {
      current_run = NULL;
      return interrupted;
    }
  fl_flags_run_wait (run);
  current_run = NULL;
  fl_remove_tree (dir);
  if (interrupted)
    return TRUE;     /* row->elapsed stays -1: not measured */
  fl_flags_run_get_counts (run, &row->counts);
  row->elapsed = row->counts.elapsed;
  row->concurrency = fl_flags_run_get_concurrency (run);
  row->max_in_flight = fl_flag_server_get_max_in_flight (server);
  return TRUE;
}

/* Returns FALSE, with @why, when python3 is missing or failed. Each run writes into a
 * folder of its own, removed afterwards: replacing existing files costs more on some file
 * systems (ext4 flushes data on a rename over a file) and would blur the comparison. */
static gboolean
run_python (FlFlagServer  *server,
            const char    *parent,
            char         **codes,
            guint          workers,
            Row           *row,
            char         **why)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *base = NULL;
  g_autofree char *name = g_strdup_printf ("%s-python-%u", row->scenario, workers);
  g_autofree char *dir = fresh_dir (parent, name);
  g_autofree char *joined = g_strjoinv (",", codes);
  g_autofree char *workers_text = g_strdup_printf ("%u", workers);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status;
  const char *argv[] = { NULL, "-c", python_urllib, NULL, NULL, NULL, NULL, NULL };

  if (python == NULL)
    {
      *why = g_strdup (_("python3 is not installed: the Python comparison is skipped"));
      return FALSE;
    }
  argv[0] = python;
  argv[4] = workers_text;
  argv[5] = dir;
  argv[6] = joined;

  if (!restart_server (server, row->delay_ms, &error))
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  base = fl_flag_server_dup_base_url (server);
  argv[3] = base;
  /* Blocking here is fine: the server answers from its own thread. */
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &wait_status, &error)
      || !g_spawn_check_wait_status (wait_status, &error))
    {
      fl_remove_tree (dir);
      *why = g_strdup_printf (_("python3 failed: %s %s"), error->message, err != NULL ? err : "");
      return FALSE;
    }
  fl_remove_tree (dir);
  if (sscanf (out, "%lf %u %u %u", &row->elapsed, &row->counts.ok, &row->counts.not_found,
              &row->counts.error) != 4)
    {
      *why = g_strdup_printf (_("python3 printed something unexpected: %s"), out);
      return FALSE;
    }
  row->counts.total = g_strv_length (codes);
  row->concurrency = workers;
  row->max_in_flight = fl_flag_server_get_max_in_flight (server);
  return TRUE;
}

static gboolean
row_meets_target (const Row *row)
{
  return row->elapsed >= 0 && (row->target == 0 || row->elapsed <= row->ideal * row->target);
}

static void
print_table (GArray *rows)
{
  g_print ("%-10s %-12s %5s %5s %9s %8s %8s %7s %s\n", _("scenario"), _("who"), _("n"),
           _("conc."), _("ok/nf/err"), _("elapsed"), _("ideal"), _("x ideal"), _("in flight"));
  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);
      g_autofree char *counts = g_strdup_printf ("%u/%u/%u", row->counts.ok,
                                                 row->counts.not_found, row->counts.error);

      if (row->elapsed < 0)
        {
          g_print ("%-10s %-12s %5u %5u %9s %8s\n", row->scenario, row->who, row->n,
                   row->concurrency, "-", _("skipped"));
          continue;
        }
      g_print ("%-10s %-12s %5u %5u %9s %7.3fs %7.3fs %6.2fx %5u %s\n", row->scenario, row->who,
               row->n, row->concurrency, counts, row->elapsed, row->ideal,
               row->elapsed / row->ideal, row->max_in_flight,
               row->target == 0 ? "" : row_meets_target (row) ? _("(target met)")
                                                              : _("(target missed)"));
    }
}

static void
add_json_row (FlJsonLine *line,
              const Row  *row)
{
  g_autofree char *key = g_strdup_printf ("%s_%s", row->who, row->scenario);

  fl_json_line_add_double (line, key, row->elapsed, 3);
}

int
fl_cli_bench_flags_main (int    argc,
                         char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFlagServer) server = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_auto(GStrv) top20 = fl_countries_list_populous ();
  g_autofree char *tmp = NULL;
  g_autofree char *why = NULL;
  GStrvBuilder *every_builder = g_strv_builder_new ();
  g_auto(GStrv) every = NULL;
  gboolean json = FALSE, no_python = FALSE, all_met = TRUE;
  int small_delay = 200, big_delay = 100, big_conc = 100, repeat = 3;
  double python_20 = -1, python_676 = -1, slowest_20 = -1, slowest_676 = -1;
  const GOptionEntry entries[] = {
    { "delay-20", 0, 0, G_OPTION_ARG_INT, &small_delay,
      N_("Server delay for the 20-flag runs, ms (default 200)"), N_("MS") },
    { "delay-676", 0, 0, G_OPTION_ARG_INT, &big_delay,
      N_("Server delay for the AA..ZZ runs, ms (default 100)"), N_("MS") },
    { "max-req", 'm', 0, G_OPTION_ARG_INT, &big_conc,
      N_("Requests at once for the AA..ZZ runs (default 100)"), N_("N") },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat,
      N_("Runs of each measurement; the best counts (default 3)"), N_("N") },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &no_python,
      N_("Do not run the Python comparison"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print a JSON object as the last line"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Time flag downloads against the embedded server: "
                                           "sequential, threads, async and Python side by side."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (argc > 1)
    return fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  if (small_delay < 1 || big_delay < 1 || small_delay > 10000 || big_delay > 10000)
    return fl_cli_usage_error (context, _("delays must be between 1 and 10000 ms"));
  if (repeat < 1 || repeat > 100)
    return fl_cli_usage_error (context, _("--repeat must be between 1 and 100"));
  if (big_conc < 1 || big_conc > FL_DOWNLOAD_MAX_CONCURRENCY)
    return fl_cli_usage_error (context, _("-m must be between 1 and %d"),
                               FL_DOWNLOAD_MAX_CONCURRENCY);

  for (char a = 'a'; a <= 'z'; a++)
    for (char b = 'a'; b <= 'z'; b++)
      {
        char cc[3] = { a, b, '\0' };
        g_strv_builder_add (every_builder, cc);
      }
  every = g_strv_builder_end (every_builder);
  g_strv_builder_unref (every_builder);

  tmp = g_dir_make_tmp ("futures-lab-bench-flags-XXXXXX", &error);
  if (tmp == NULL)
    {
      g_printerr (_("%s: cannot make a temporary folder: %s\n"), g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }

  server = fl_flag_server_new (NULL);
  if (!fl_flag_server_start (server, &error))
    {
      g_printerr (_("%s: cannot start the flag server: %s\n"), g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }

  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  {
    const struct
    {
      const char *scenario;
      char      **codes;
      guint       delay_ms;
      FlFlagsMode mode;
      guint       concurrency;
      double      target;
      gboolean    python;
    } plan[] = {
      { "20", top20, small_delay, FL_FLAGS_MODE_SEQUENTIAL, 1, 0, FALSE },
      { "20", top20, small_delay, FL_FLAGS_MODE_THREADS, 20, 1.15, FALSE },
      { "20", top20, small_delay, FL_FLAGS_MODE_ASYNC, 20, 1.15, FALSE },
      { "20", top20, small_delay, FL_FLAGS_MODE_THREADS, 20, 0, TRUE },
      { "676", every, big_delay, FL_FLAGS_MODE_THREADS, big_conc, 1.25, FALSE },
      { "676", every, big_delay, FL_FLAGS_MODE_ASYNC, big_conc, 1.25, FALSE },
      { "676", every, big_delay, FL_FLAGS_MODE_THREADS, big_conc, 0, TRUE },
    };

    fl_cli_add_interrupt (on_interrupt, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (plan) && !interrupted; i++)
      {
        Row row = { 0 };
        guint n = g_strv_length (plan[i].codes);
        guint conc = MIN (plan[i].concurrency, n);

        row.scenario = plan[i].scenario;
        row.n = n;
        row.concurrency = conc;
        row.delay_ms = plan[i].delay_ms;
        row.ideal = ceil ((double) n / conc) * plan[i].delay_ms / 1000.0;
        row.target = plan[i].target;
        row.elapsed = -1;

        row.who = g_strdup (plan[i].python ? "python"
                                           : fl_flags_mode_to_string (plan[i].mode));
        if (!json)
          {
            /* TRANSLATORS: bench-flags progress: scenario (20 or 676 flags), who runs it */
            g_print (_("%s flags, %s…\n"), row.scenario, row.who);
            fflush (stdout);
          }
        /* The best of a few runs, for everyone alike: what is measured is what the design
         * allows, not what else the machine was doing at that moment. The sequential run
         * is long and has no target: once is enough. */
        for (int r = 0; r < (plan[i].mode == FL_FLAGS_MODE_SEQUENTIAL ? 1 : repeat)
                        && !interrupted; r++)
          {
            Row attempt = row;

            attempt.elapsed = -1;
            if (plan[i].python)
              {
                g_clear_pointer (&why, g_free);
                if (no_python)
                  why = g_strdup (_("skipped (--no-python)"));
                else
                  run_python (server, tmp, plan[i].codes, conc, &attempt, &why);
              }
            else if (!run_ours (server, tmp, plan[i].codes, plan[i].mode, conc, &attempt, &error))
              {
                g_printerr ("%s: %s\n", g_get_prgname (), error->message);
                return FL_CLI_EXIT_FAILURE;
              }
            if (attempt.elapsed >= 0 && (row.elapsed < 0 || attempt.elapsed < row.elapsed))
              row = attempt;
          }
        if (interrupted && row.elapsed < 0)
          {
            row_clear (&row);
            break;
          }
        g_array_append_val (rows, row);
      }
  }
  fl_flag_server_stop (server);
  fl_remove_tree (tmp);

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);
      gboolean is_python = g_str_equal (row->who, "python");
      gboolean is_20 = g_str_equal (row->scenario, "20");

      if (row->target > 0 && !row_meets_target (row))
        all_met = FALSE;
      if (is_python)
        *(is_20 ? &python_20 : &python_676) = row->elapsed;
      else if (row->target > 0)
        {
          double *slowest = is_20 ? &slowest_20 : &slowest_676;
          *slowest = MAX (*slowest, row->elapsed);
        }
    }
  /* "No slower than Python": the slower of our concurrent runs against Python's. */
  if (python_20 > 0 && slowest_20 > python_20)
    all_met = FALSE;
  if (python_676 > 0 && slowest_676 > python_676)
    all_met = FALSE;

  if (interrupted)
    g_print ("%s\n", _("*** Interrupted: the report below is partial."));
  g_print (_("Flag downloads against the embedded server (%d ms delay for 20 flags, %d ms for "
             "AA..ZZ with %d at a time)\n\n"), small_delay, big_delay, big_conc);
  print_table (rows);
  if (why != NULL)
    g_print ("\n%s\n", why);
  if (!interrupted)
    g_print ("\n%s\n", all_met ? _("All targets met.") : _("Some targets were missed."));

  if (json)
    {
      FlJsonLine line;

      fl_json_line_init (&line);
      fl_json_line_add_string (&line, "event", "bench-flags");
      for (guint i = 0; i < rows->len; i++)
        add_json_row (&line, &g_array_index (rows, Row, i));
      fl_json_line_add_int (&line, "delay_20_ms", small_delay);
      fl_json_line_add_int (&line, "delay_676_ms", big_delay);
      fl_json_line_add_int (&line, "max_req_676", big_conc);
      fl_json_line_add_bool (&line, "targets_met", all_met);
      fl_json_line_add_bool (&line, "interrupted", interrupted);
      fl_json_line_print (&line);
    }
  return interrupted ? fl_cli_interrupted_status () : FL_CLI_EXIT_OK;
}
