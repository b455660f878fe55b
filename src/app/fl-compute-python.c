/* fl-compute-python.c: the Compute page's Python version, measured: CPython's real GIL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data/python/compute.py runs the same jobs sequentially, on a ThreadPoolExecutor and on a
 * ProcessPoolExecutor, timing each with perf_counter() and printing one line per way:
 * "   threads:   2.79 s   (22044 primes below 250000)". Those times are what the program
 * measured of itself (its futures are on the timeline too); they go on the page's speed-up
 * chart as CPython's three runs, beside the C runs: threads at about ×1 (one interpreter
 * lock), processes at about ×cores.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-compute-python.h"

static gboolean
parse_line (const char *line,
            const char *mode,
            double     *seconds)
{
  const char *rest = line;
  char *end;
  double value;

  while (*rest == ' ')
    rest++;
  if (!g_str_has_prefix (rest, mode) || rest[strlen (mode)] != ':')
    return FALSE;
  rest += strlen (mode) + 1;
  value = g_ascii_strtod (rest, &end);
  if (end == rest || !g_str_has_prefix (g_strchug (end), "s") || !(value > 0) || value > 1e6)
    return FALSE;
  *seconds = value;
  return TRUE;
}

/**
 * fl_compute_python_parse_timings:
 * @output: what compute.py printed
 *
 * Returns: %TRUE when all three times were printed (each > 0)
 */
gboolean
fl_compute_python_parse_timings (const char *output,
                                 double     *sequential_s,
                                 double     *threads_s,
                                 double     *processes_s)
{
  g_auto(GStrv) lines = NULL;
  gboolean have_seq = FALSE, have_threads = FALSE, have_procs = FALSE;

  if (output == NULL)
    return FALSE;
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup (lines[i]);

      have_seq |= parse_line (line, "sequential", sequential_s);
      have_threads |= parse_line (line, "threads", threads_s);
      have_procs |= parse_line (line, "processes", processes_s);
    }
  return have_seq && have_threads && have_procs;
}

/**
 * fl_compute_python_add_runs:
 * @output: what compute.py printed
 * @workers: the workers it ran with
 *
 * Adds CPython's sequential, thread-pool and process-pool runs to @chart, their speed-ups
 * measured against CPython's own sequential time.
 *
 * Returns: %FALSE when the output has no complete set of times (a failed or stopped run)
 */
gboolean
fl_compute_python_add_runs (FlSpeedupChart *chart,
                            const char     *output,
                            guint           workers)
{
  double sequential, threads, processes;
  g_autofree char *threads_title = NULL;
  g_autofree char *processes_title = NULL;
  guint ideal = MIN (workers, g_get_num_processors ());

  if (!fl_compute_python_parse_timings (output, &sequential, &threads, &processes))
    return FALSE;
  /* Translators: bars of the speed-up chart for the Python version's runs */
  threads_title = g_strdup_printf (_("CPython threads ×%u"), workers);
  processes_title = g_strdup_printf (_("CPython processes ×%u"), workers);
  fl_speedup_chart_add (chart, "python-sequential", _("CPython sequential"), "compute.py", TRUE,
                        TRUE, sequential, ideal);
  fl_speedup_chart_add (chart, "python-threads", threads_title, "compute.py", FALSE, TRUE,
                        threads, ideal);
  fl_speedup_chart_add (chart, "python-processes", processes_title, "compute.py", FALSE, TRUE,
                        processes, ideal);
  return TRUE;
}
