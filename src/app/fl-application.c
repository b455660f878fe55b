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
#include "fl-script-page.h"
#include "fl-bench-ui.h"
#include "fl-download.h"
#include "fl-lesson-bar.h"
#include "fl-preferences-window.h"
#include "fl-replay-window.h"
#include "fl-settings.h"
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

static const char * const demos[] = { "freeze", "flags", "compute", "map", "anatomy", "queue", "coroutines", "script", NULL };

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

  /* Replay and preferences windows are not the main window. */
  if (window == NULL || !FL_IS_WINDOW (window))
    {
      window = NULL;
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL;
           l = l->next)
        if (FL_IS_WINDOW (l->data))
          {
            window = l->data;
            break;
          }
    }
  if (window == NULL && create)
    window = GTK_WINDOW (fl_window_new (GTK_APPLICATION (self),
                                        fl_application_get_server (self), self->monitor));
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
  /* "python": the page's Python version under the tracer, as its Source tab's button */
  if (g_str_equal (mode, "python") ? !fl_page_run_python (page, &error)
                                   : !fl_page_start_run (page, mode, &error))
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
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FlApplication *self = user_data;
  GSettings *settings = fl_settings_get ();
  GtkWidget *window;

  if (settings == NULL)
    {
      FlWindow *main_window = get_window (self, TRUE);

      report (main_window, _("Preferences need the installed GSettings schema "
                             "io.github.FuturesLab"));
      return;
    }
  window = fl_preferences_window_new (settings);
  gtk_window_set_transient_for (GTK_WINDOW (window),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_present (GTK_WINDOW (window));
}

/* A file that cannot be shown as a saved run: said in a dialog over the window in use, so
 * it is not missed, and on stderr for the command line. */
static void
show_open_error (FlApplication *self,
                 const GError  *error)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  g_printerr ("%s\n", error->message);
  if (parent == NULL)
    parent = GTK_WINDOW (get_window (self, TRUE));
  gtk_window_present (parent);
  dialog = adw_message_dialog_new (parent, _("Cannot Open This File"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * fl_application_open_run:
 *
 * Opens a run saved as trace JSON in a read-only window, or says clearly why not.
 *
 * Returns: (transfer none) (nullable): the new window
 */
GtkWindow *
fl_application_open_run (FlApplication *self,
                         GFile         *file)
{
  g_autoptr(GError) error = NULL;
  FlReplayWindow *window = fl_replay_window_open (GTK_APPLICATION (self), file, &error);

  if (window == NULL)
    {
      show_open_error (self, error);
      return NULL;
    }
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  FlApplication   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        fl_application_open_run (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  FlApplication *self = user_data;
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_native_new (_("Open a Saved Run"),
                                        gtk_application_get_active_window (GTK_APPLICATION (self)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Runs saved by Futures Lab (trace JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* app.lesson('s'): a shipped lesson's id or a lesson file's path; app.open-lesson asks for
 * a file. */
static void
lesson_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  FlApplication *self = user_data;
  FlWindow *window = get_window (self, TRUE);
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (window));
  if (!fl_lesson_bar_start (window, g_variant_get_string (parameter, NULL), &error))
    show_open_error (self, error);
}

static void
open_lesson_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  fl_lesson_bar_choose_file (get_window (user_data, TRUE));
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

static void
time_scale_changed_cb (GSettings  *settings,
                       const char *key,
                       gpointer    user_data)
{
  g_autofree char *text = g_settings_get_string (settings, key);
  double scale = 1.0;

  if (fl_time_scale_parse (text, &scale, NULL))
    fl_run_set_default_time_scale (scale);
}

static const GActionEntry app_actions[] = {
  { .name = "run", .activate = run_action, .parameter_type = "(ss)" },
  { .name = "cancel-all", .activate = cancel_all_action },
  { .name = "show-demo", .activate = show_demo_action, .parameter_type = "s" },
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "open", .activate = open_action },
  { .name = "lesson", .activate = lesson_action, .parameter_type = "s" },
  { .name = "open-lesson", .activate = open_lesson_action },
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
  static const struct { const char *action; const char *accels[2]; } more_accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.open", { "<Control>o", NULL } },
    { "app.projector-mode", { "F5", NULL } },
    { "export.trace-json", { "<Control>s", NULL } },
    { "export.timeline-png", { "<Control><Shift>s", NULL } },
  };
  GSettings *settings;
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

  /* Projector mode is a key: the menu toggle, F5 and Preferences all change the same one. */
  settings = fl_settings_get ();
  if (settings != NULL)
    {
      g_autoptr(GAction) projector = g_settings_create_action (settings, "projector-mode");

      g_action_map_add_action (G_ACTION_MAP (self), projector);
    }
  /* So is the demos' speed: the header's Speed control and app.time-scale set it, and the
   * runs made after it go at that speed (each run keeps the scale it started with). */
  if (settings != NULL)
    {
      g_autoptr(GAction) speed = g_settings_create_action (settings, "time-scale");

      g_action_map_add_action (G_ACTION_MAP (self), speed);
      g_signal_connect (settings, "changed::time-scale", G_CALLBACK (time_scale_changed_cb),
                        NULL);
      time_scale_changed_cb (settings, "time-scale", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (more_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), more_accels[i].action,
                                           more_accels[i].accels);
}

static void
fl_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  FlApplication *self = FL_APPLICATION (app);

  /* The main window too: closing a replay should not end the lesson. */
  if (get_window (self, FALSE) == NULL)
    g_application_activate (app);
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_file_get_basename (files[i]);

      /* A Python program goes to the Your script page, ready to run; anything else is a
       * saved run. */
      if (name != NULL && g_str_has_suffix (name, ".py"))
        {
          FlWindow *window = get_window (self, TRUE);

          fl_window_show_demo (window, "script");
          fl_script_page_set_script (FL_SCRIPT_PAGE (fl_window_get_page (window, "script")),
                                     files[i]);
        }
      else
        fl_application_open_run (self, files[i]);
    }
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
      fl_bench_ui_start (G_APPLICATION (self), GTK_WINDOW (window), self->monitor,
                         self->start_time);
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
  app_class->open = fl_application_open;
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
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
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


