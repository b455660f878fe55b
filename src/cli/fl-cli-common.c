/* fl-cli-common.c: helpers shared by the subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>

#include "fl-cli.h"

/* Prints "futures-lab-cli NAME: message" and a hint, returns the usage exit code. */
int
fl_cli_usage_error (GOptionContext *context,
                    const char     *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", g_get_prgname (), message);
  g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
  return FL_CLI_EXIT_USAGE;
}

void
fl_cli_print_json_object (const char *json)
{
  fputs (json, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

/* Ctrl-C and SIGTERM both run @func on the main context; returns the source id of SIGINT. */
guint
fl_cli_add_interrupt (GSourceFunc func,
                      gpointer    data)
{
  g_unix_signal_add (SIGTERM, func, data);
  return g_unix_signal_add (SIGINT, func, data);
}
