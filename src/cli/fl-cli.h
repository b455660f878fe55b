/* fl-cli.h: the subcommands of futures-lab-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes, as the classic scripts and sysexits use them. */
#define FL_CLI_EXIT_OK          0
#define FL_CLI_EXIT_FAILURE     1
#define FL_CLI_EXIT_USAGE       2
#define FL_CLI_EXIT_INTERRUPTED 130

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

/* Shared helpers (fl-cli-common.c) */
int  fl_cli_usage_error       (GOptionContext *context,
                               const char     *format,
                               ...) G_GNUC_PRINTF (2, 3);
void fl_cli_print_json_object (const char     *json);
guint fl_cli_add_interrupt    (GSourceFunc     func,
                               gpointer        data);

G_END_DECLS
