/* fl-cli.h: the subcommands of futures-lab-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "fl-fault-config.h"

G_BEGIN_DECLS

/* Exit codes, as the classic scripts and sysexits use them. */
#define FL_CLI_EXIT_OK          0
#define FL_CLI_EXIT_FAILURE     1
#define FL_CLI_EXIT_USAGE       2
#define FL_CLI_EXIT_INTERRUPTED 130   /* after SIGINT; fl_cli_interrupted_status() */

/* Each subcommand parses its own options (argv[0] is the subcommand name) and returns the
 * process exit status. */
typedef int (*FlCliCommandFunc) (int argc, char **argv);

typedef struct
{
  const char       *name;
  const char       *summary;    /* translatable, marked with N_() */
  FlCliCommandFunc  func;
} FlCliCommand;

int  fl_cli_bench_main (int argc, char **argv);
int  fl_cli_loiter_main (int argc, char **argv);
int  fl_cli_queue_main (int argc, char **argv);
int  fl_cli_flags_main (int argc, char **argv);
int  fl_cli_serve_main (int argc, char **argv);
int  fl_cli_bench_flags_main (int argc, char **argv);
int  fl_cli_compute_main (int argc, char **argv);
int  fl_cli_bench_compute_main (int argc, char **argv);
int  fl_cli_bench_slow_main (int argc, char **argv);
int  fl_cli_trace_main (int argc, char **argv);

/* Process-pool round trips (fl-cli-bench-compute.c), shared with `bench`: medians in µs,
 * negative on failure. */
double fl_cli_process_roundtrip_us        (guint    workers,
                                           guint    rounds,
                                           GError **error);
double fl_cli_python_process_roundtrip_us (guint    workers,
                                           guint    rounds,
                                           char   **why);

/* Shared helpers (fl-cli-common.c) */
int  fl_cli_usage_error       (GOptionContext *context,
                               const char     *format,
                               ...) G_GNUC_PRINTF (2, 3);
void fl_cli_print_json_object (const char     *json);
guint fl_cli_add_interrupt    (GSourceFunc     func,
                               gpointer        data);
int  fl_cli_interrupted_status (void);
gboolean fl_cli_check_writable (const char  *path,
                                GError     **error);

/* argparse's spellings: unique long prefixes, values attached to short options
 * (fl-cli-args.c) */
gboolean fl_cli_normalize_args (GStrv                     *argv,
                                const GOptionEntry *const *tables,
                                GError                   **error);

/* Fault injection options of the flag server (fl-cli-fault-options.c): `serve`, `flags`,
 * `bench-flags`. A seed of -1 means "none given": apply() then picks one. */
typedef struct
{
  char   *delay;
  char   *error_rate;
  int     error_status;
  char  **fail;
  char   *drop_rate;
  char   *truncate_rate;
  char   *bandwidth;
  gint64  seed;
} FlCliFaultOptions;

GOptionGroup *fl_cli_fault_option_group       (FlCliFaultOptions       *options);
GOptionEntry *fl_cli_fault_option_entries     (FlCliFaultOptions       *options);
gboolean      fl_cli_fault_options_were_given (const FlCliFaultOptions *options);
gboolean      fl_cli_fault_options_apply      (const FlCliFaultOptions *options,
                                               FlFaultConfig           *config,
                                               GError                 **error);
void          fl_cli_fault_options_clear      (FlCliFaultOptions       *options);

G_END_DECLS
