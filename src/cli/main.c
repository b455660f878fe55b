/* main.c: futures-lab-cli, the terminal front end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"
#include "fl-cli.h"
#include "fl-i18n.h"

static const FlCliCommand commands[] = {
  { "bench", N_("Measure the engine: throughput, round trip, dispatches"), fl_cli_bench_main },
  { "flags", N_("Download flags sequentially, on threads or as async I/O (flags2)"),
    fl_cli_flags_main },
  { "serve", N_("Run the flag server with delays and failures, standalone"), fl_cli_serve_main },
  { "bench-flags", N_("Measure flag downloads: sequential, threads, async, Python"),
    fl_cli_bench_flags_main },
  { "compute", N_("Run CPU-bound jobs sequentially, on threads, under a GIL or in processes"),
    fl_cli_compute_main },
  { "bench-compute", N_("Measure CPU-bound speed-ups and the process pool, beside Python"),
    fl_cli_bench_compute_main },
  { "bench-slow-motion", N_("Measure slow motion: the same workloads at ×1 and ×0.1"),
    fl_cli_bench_slow_main },
  { "loiter", N_("map() vs as_completed(): the timestamped loiter transcript"),
    fl_cli_loiter_main },
  { "queue", N_("Producers and consumers on a bounded queue: back-pressure made visible"),
    fl_cli_queue_main },
  { "trace", N_("Run a Python program traced: its futures, tasks and threads, live"),
    fl_cli_trace_main },
};

static void
print_help (void)
{
  g_print (_("Usage:\n  %s COMMAND [OPTION…]\n\n"), g_get_prgname ());
  g_print ("%s\n", _("Futures Lab on the terminal: the same engine, jobs and server as the app."));
  g_print ("\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-14s %s\n", commands[i].name, _(commands[i].summary));
  g_print ("\n%s\n", _("Run “futures-lab-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  fl_i18n_init ();

  g_set_prgname ("futures-lab-cli");
  fl_jobs_register_builtins ();
  fl_download_register_job ();

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_help ();
      return argc < 2 ? FL_CLI_EXIT_USAGE : FL_CLI_EXIT_OK;
    }

  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("futures-lab-cli %s\n", PACKAGE_VERSION);
      return FL_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("futures-lab-cli %s", commands[i].name);
          g_set_prgname (prgname);
          return commands[i].func (argc - 1, argv + 1);
        }
    }

  g_printerr (_("%s: unknown command “%s”\n"), "futures-lab-cli", argv[1]);
  print_help ();
  return FL_CLI_EXIT_USAGE;
}
