/* fl-cli-common.c: helpers shared by the subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

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

typedef struct
{
  GSourceFunc func;
  gpointer    data;
  int         signum;
} Interrupt;

static int last_signal;

static gboolean
on_signal (gpointer user_data)
{
  Interrupt *interrupt = user_data;

  last_signal = interrupt->signum;
  return interrupt->func (interrupt->data);
}

static guint
add_signal (int         signum,
            GSourceFunc func,
            gpointer    data)
{
  Interrupt *interrupt = g_new (Interrupt, 1);

  interrupt->func = func;
  interrupt->data = data;
  interrupt->signum = signum;
  return g_unix_signal_add_full (G_PRIORITY_DEFAULT, signum, on_signal, interrupt, g_free);
}

/* Ctrl-C and SIGTERM both run @func on the main context; returns the source id of SIGINT. */
guint
fl_cli_add_interrupt (GSourceFunc func,
                      gpointer    data)
{
  add_signal (SIGTERM, func, data);
  return add_signal (SIGINT, func, data);
}

/* The exit status after an interrupt, as a shell reports a death by that signal: 130 after
 * Ctrl-C (SIGINT), 143 after SIGTERM. */
int
fl_cli_interrupted_status (void)
{
  return last_signal > 0 ? 128 + last_signal : FL_CLI_EXIT_INTERRUPTED;
}

/* Whether @path can be written (it or its folder), so that an option such as --trace fails
 * before a run rather than after it. */
gboolean
fl_cli_check_writable (const char  *path,
                       GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);
  int saved_errno;

  if (exists && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _("“%s” is a folder"), path);
      return FALSE;
    }
  if (access (exists ? path : dir, W_OK) == 0)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               _("cannot write “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}
