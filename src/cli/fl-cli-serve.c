/* fl-cli-serve.c: `futures-lab-cli serve`, the flag server on its own
 *
 * The same server the app and `flags -s DELAY` start in-process, standalone, so that other
 * clients (the flags2 scripts of the book, curl, a browser) can be pointed at it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "futures-lab-server.h"
#include "fl-cli.h"

typedef struct
{
  GMainLoop *loop;
  gboolean   interrupted;
} ServeState;

static gboolean
on_interrupt (gpointer data)
{
  ServeState *state = data;

  state->interrupted = TRUE;
  g_main_loop_quit (state->loop);
  return G_SOURCE_CONTINUE;
}

/* Runs on the server thread; g_print() takes its own lock. */
static void
on_request_finished (FlFlagServer *server,
                     const char   *method,
                     const char   *path,
                     guint         status,
                     guint64       bytes,
                     gint64        duration_us,
                     gpointer      user_data)
{
  if (status == 0)
    g_print ("%s %s %s %.3f s\n", method, path, _("dropped"), duration_us / 1e6);
  else
    g_print ("%s %s %u %" G_GUINT64_FORMAT " B %.3f s\n", method, path, status, bytes,
             duration_us / 1e6);
}

int
fl_cli_serve_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFaultConfig) config = NULL;
  g_autoptr(FlFlagServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *address = NULL;
  g_autofree char *base = NULL;
  g_autofree char *description = NULL;
  FlCliFaultOptions fault_options = { 0 };
  FlServerPreset preset = FL_SERVER_PRESET_LOCAL;
  ServeState state = { 0 };
  int port = 0;
  gboolean quiet = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Port to listen on (default: a free one, printed at start)"), N_("N") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address,
      N_("Address to listen on (default 127.0.0.1; anything else exposes the server)"),
      N_("ADDRESS") },
    { "preset", 's', 0, G_OPTION_ARG_STRING, &preset_name,
      N_("Start from LOCAL (default), DELAY (0.5-5 s) or ERROR (DELAY and 25% errors)"),
      N_("PRESET") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      N_("Do not print a line per request"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Serve /flags/<cc>/<cc>.gif and /flags/<cc>/metadata.json over "
                                  "HTTP, with reproducible delays and failures."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, fl_cli_fault_option_group (&fault_options));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = fl_cli_usage_error (context, "%s", error->message);
  else if (argc > 1)
    status = fl_cli_usage_error (context, _("unexpected argument “%s”"), argv[1]);
  else if (port < 0 || port > 65535)
    status = fl_cli_usage_error (context, _("the port must be between 0 and 65535, not %d"),
                                 port);
  else if (address != NULL && !g_hostname_is_ip_address (address))
    status = fl_cli_usage_error (context, _("--address must be an IP address such as 127.0.0.1, "
                                            "not “%s”"), address);
  else if (preset_name != NULL && !fl_server_preset_from_string (preset_name, &preset))
    status = fl_cli_usage_error (context, _("unknown preset “%s” (LOCAL, DELAY or ERROR)"),
                                 preset_name);
  else
    {
      config = fl_fault_config_new (preset);
      if (!fl_cli_fault_options_apply (&fault_options, config, &error))
        status = fl_cli_usage_error (context, "%s", error->message);
      else
        status = FL_CLI_EXIT_OK;
    }
  fl_cli_fault_options_clear (&fault_options);
  if (status != FL_CLI_EXIT_OK)
    return status;

  server = fl_flag_server_new (config);
  if (address != NULL)
    fl_flag_server_set_address (server, address);
  fl_flag_server_set_port (server, port);
  if (!quiet)
    g_signal_connect (server, "request-finished", G_CALLBACK (on_request_finished), NULL);
  if (!fl_flag_server_start (server, &error))
    {
      g_printerr (_("%s: cannot listen: %s\n"), g_get_prgname (), error->message);
      return FL_CLI_EXIT_FAILURE;
    }

  /* The handlers first: whoever reads the banner may send a signal at once. */
  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  fl_cli_add_interrupt (on_interrupt, &state);

  base = fl_flag_server_dup_base_url (server);
  description = fl_fault_config_describe (config);
  g_print (_("Serving flags at %s (%s)\n"), base, description);
  g_print (_("Press Ctrl-C to stop.\n"));
  fflush (stdout);
  g_main_loop_run (loop);

  fl_flag_server_stop (server);
  g_print (_("Stopped.\n"));
  /* Stopped by Ctrl-C or SIGTERM, its only way to end: 130 or 143, as a shell expects. */
  return state.interrupted ? fl_cli_interrupted_status () : FL_CLI_EXIT_OK;
}
