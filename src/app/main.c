/* main.c: futures-lab, the GTK app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-application.h"
#include "fl-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FlApplication) app = NULL;

  /* The build tree's catalogues when run uninstalled (tools/run-app), else the installed. */
  fl_i18n_init ();

  app = fl_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
