/* fl-i18n.c: gettext set-up shared by the front ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "fl-i18n.h"

/* Whether this program runs from the build tree (tools/run-app, the tests) rather than
 * from an installed prefix: then its catalogues are the ones just built in build/po. */
static gboolean
running_uninstalled (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/");
}

/**
 * fl_i18n_init:
 *
 * Sets the locale from the environment and binds the text domain, to the catalogues of
 * the build tree when running uninstalled and to the installed ones otherwise.
 *
 * Returns: the locale directory used
 */
const char *
fl_i18n_init (void)
{
  const char *localedir = running_uninstalled () ? BUILD_ROOT "/po" : LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  return localedir;
}
