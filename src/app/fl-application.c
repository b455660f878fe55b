/* fl-application.c: the Futures Lab application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owns what every page shares: the loop monitor behind the jank meter and the embedded flag
 * server, started with the app on a loopback port. Its actions are the D-Bus surface:
 * app.run('(ss)') starts a run exactly as the page's button does.
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "fl-application.h"
#include "fl-bench-ui.h"
#include "fl-download.h"
#include "fl-window.h"

#define MONITOR_INTERVAL_US 5000

struct _FlApplication
{
  AdwApplication  parent_instance;

  FlLoopMonitor  *monitor;
  FlFlagServer   *server;
  GError         *server_error;
  char           *initial_demo;
  gboolean        bench_ui;
  gint64          start_time;
};

G_DEFINE_FINAL_TYPE (FlApplication, fl_application, ADW_TYPE_APPLICATION)

static const char * const demos[] = { "freeze", "flags", "compute", "map", "anatomy", "queue", "coroutines", NULL };

const char * const *
fl_application_list_demos (void)
{
  return demos;
}

static FlWindow *
get_window (FlApplication *self,
            gboolean       create)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      window = windows != NULL ? windows->data : NULL;
    }
  if (window == NULL && create)
    window = GTK_WINDOW (fl_window_new (GTK_APPLICATION (self)));
  return window != NULL ? FL_WINDOW (window) : NULL;
}

static void
report (FlWindow   *window,
        const char *message)
{
  FlPage *page = fl_window_get_visible_page (window);
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                 message);

  fl_page_show_error (page, error);
}

static void
run_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  FlApplication *self = user_data;
  FlWindow *window = get_window (self, TRUE);
  const char *demo, *mode;
  g_autoptr(GError) error = NULL;
  FlPage *page;

  g_variant_get (parameter, "(&s&s)", &demo, &mode);
  gtk_window_present (GTK_WINDOW (window));
  page = fl_window_get_page (window, demo);
  if (page == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no demo called “%s”"), demo);

      report (window, message);
      return;
    }
  fl_window_show_demo (window, demo);
  if (!fl_page_start_run (page, mode, &error))
    fl_page_show_error (page, error);
}

static void
cancel_all_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  FlWindow *window = get_window (user_data, FALSE);

  if (window != NULL)
    fl_window_cancel_all (window);
}

static void
show_demo_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  FlApplication *self = user_data;
  FlWindow *window = get_window (self, TRUE);
  const char *demo = g_variant_get_string (parameter, NULL);

  if (!fl_window_show_demo (window, demo))
    {
      g_autofree char *message = g_strdup_printf (_("There is no demo called “%s”"), demo);

      report (window, message);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FlApplication *self = user_data;
  static const char *developers[] = { "Futures Lab contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", get_window (self, FALSE),
                        "application-name", _("Futures Lab"),
                        "application-icon", "system-run-symbolic",
                        "version", PACKAGE_VERSION,
                        "comments", _("See how non-blocking event handling works: every demo "
                                      "runs real work through a real executor and shows each "
                                      "future’s life as it happens."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© Futures Lab contributors",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  FlApplication *self = user_data;
  FlWindow *window = get_window (self, FALSE);

  if (window != NULL)
    fl_window_cancel_all (window);
  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { .name = "run", .activate = run_action, .parameter_type = "(ss)" },
  { .name = "cancel-all", .activate = cancel_all_action },
  { .name = "show-demo", .activate = show_demo_action, .parameter_type = "s" },
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
};

static int
fl_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  FlApplication *self = FL_APPLICATION (app);
  const char *demo = NULL;
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "list"))
    {
      for (guint i = 0; demos[i] != NULL; i++)
        printf ("%s\n", demos[i]);
      return 0;
    }
  if (g_variant_dict_lookup (options, "demo", "&s", &demo))
    {
      if (!g_strv_contains (demos, demo))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) demos);

          g_printerr (_("Unknown demo “%s”; the demos are: %s\n"), demo, list);
          return 2;
        }
      g_free (self->initial_demo);
      self->initial_demo = g_strdup (demo);
    }
  if (g_variant_dict_contains (options, "bench-ui"))
    {
      self->bench_ui = TRUE;
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_application_get_is_remote (app) && self->initial_demo != NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "show-demo",
                                      g_variant_new_string (self->initial_demo));
      return 0;
    }
  return -1;
}

static void
fl_application_startup (GApplication *app)
{
  FlApplication *self = FL_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *cancel_accels[] = { "<Control>Escape", NULL };
  g_autoptr(FlFaultConfig) config = NULL;

  G_APPLICATION_CLASS (fl_application_parent_class)->startup (app);

  fl_jobs_register_builtins ();
  fl_download_register_job ();

  self->monitor = fl_loop_monitor_new (NULL, MONITOR_INTERVAL_US);
  fl_loop_monitor_start (self->monitor);

  config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  self->server = fl_flag_server_new (config);
  if (!fl_flag_server_start (self->server, &self->server_error))
    g_debug ("flag server: %s", self->server_error->message);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.cancel-all",
                                         cancel_accels);
}

static void
fl_application_activate (GApplication *app)
{
  FlApplication *self = FL_APPLICATION (app);
  FlWindow *window = get_window (self, TRUE);

  if (self->initial_demo != NULL)
    {
      fl_window_show_demo (window, self->initial_demo);
      g_clear_pointer (&self->initial_demo, g_free);
    }
  gtk_window_present (GTK_WINDOW (window));

  if (self->bench_ui)
    {
      self->bench_ui = FALSE;
      fl_bench_ui_start (self, GTK_WINDOW (window));
    }
}

static void
fl_application_shutdown (GApplication *app)
{
  FlApplication *self = FL_APPLICATION (app);

  if (self->server != NULL)
    fl_flag_server_stop (self->server);
  if (self->monitor != NULL)
    fl_loop_monitor_stop (self->monitor);

  G_APPLICATION_CLASS (fl_application_parent_class)->shutdown (app);
}

static void
fl_application_finalize (GObject *object)
{
  FlApplication *self = FL_APPLICATION (object);

  g_clear_object (&self->server);
  g_clear_object (&self->monitor);
  g_clear_error (&self->server_error);
  g_free (self->initial_demo);

  G_OBJECT_CLASS (fl_application_parent_class)->finalize (object);
}

static void
fl_application_class_init (FlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = fl_application_finalize;
  app_class->handle_local_options = fl_application_handle_local_options;
  app_class->startup = fl_application_startup;
  app_class->activate = fl_application_activate;
  app_class->shutdown = fl_application_shutdown;
}

static void
fl_application_init (FlApplication *self)
{
  static const GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the demo ids, one per line"), NULL },
    { "demo", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Open on the demo with this id"), N_("ID") },
    { "bench-ui", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Measure the user interface (lateness, frame times, start-up, memory) and quit"),
      NULL },
    { NULL }
  };

  self->start_time = g_get_monotonic_time ();
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

/**
 * fl_application_new:
 * @flags: extra flags (tests pass %G_APPLICATION_NON_UNIQUE)
 */
FlApplication *
fl_application_new (GApplicationFlags flags)
{
  return g_object_new (FL_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", flags,
                       "resource-base-path", "/io/github/FuturesLab",
                       NULL);
}

FlLoopMonitor *
fl_application_get_monitor (FlApplication *self)
{
  return self->monitor;
}

/**
 * fl_application_get_server:
 *
 * Returns: (nullable): the embedded flag server, or %NULL if it could not start
 */
FlFlagServer *
fl_application_get_server (FlApplication *self)
{
  return self->server != NULL && fl_flag_server_is_running (self->server) ? self->server : NULL;
}

GtkWindow *
fl_application_get_main_window (FlApplication *self)
{
  return GTK_WINDOW (get_window (self, FALSE));
}

gint64
fl_application_get_start_time (FlApplication *self)
{
  return self->start_time;
}

FlLoopMonitor *
fl_app_monitor (void)
{
  GApplication *app = g_application_get_default ();

  return FL_IS_APPLICATION (app) ? FL_APPLICATION (app)->monitor : NULL;
}

FlFlagServer *
fl_app_server (void)
{
  GApplication *app = g_application_get_default ();

  return FL_IS_APPLICATION (app) ? fl_application_get_server (FL_APPLICATION (app)) : NULL;
}
