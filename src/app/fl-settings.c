/* fl-settings.c: the app's GSettings, and what follows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One GSettings object, owned by the running application (so a test's application gets a
 * fresh one). Without a compiled schema (a program run straight from a build tree) there are
 * no settings and everything keeps its built-in defaults, instead of aborting as
 * g_settings_new() would.
 */
#include "config.h"

#include "fl-settings.h"
#include "fl-timeline.h"

#define SETTINGS_KEY "fl-settings"

/**
 * fl_settings_get:
 *
 * Returns: (transfer none) (nullable): the settings of the running application, or %NULL
 *   when there is no application or its schema is not installed
 */
GSettings *
fl_settings_get (void)
{
  GApplication *app = g_application_get_default ();
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettings *settings;

  if (app == NULL)
    return NULL;
  settings = g_object_get_data (G_OBJECT (app), SETTINGS_KEY);
  if (settings != NULL)
    return settings;

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("no GSettings schema %s: using built-in defaults", APPLICATION_ID);
      return NULL;
    }
  settings = g_settings_new_full (schema, NULL, NULL);
  g_object_set_data_full (G_OBJECT (app), SETTINGS_KEY, settings, g_object_unref);
  return settings;
}

/**
 * fl_settings_is_set:
 *
 * Returns: %TRUE if @key has a value of the user's (set in Preferences), not just the
 *   schema's default
 */
gboolean
fl_settings_is_set (const char *key)
{
  GSettings *settings = fl_settings_get ();
  g_autoptr(GVariant) value = NULL;

  if (settings == NULL)
    return FALSE;
  value = g_settings_get_user_value (settings, key);
  return value != NULL;
}

static void
follow_changed_cb (GSettings     *settings,
                   const char    *key,
                   GtkSpinButton *spin)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, key);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    gtk_spin_button_set_value (spin, g_variant_get_uint32 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    gtk_spin_button_set_value (spin, g_variant_get_int32 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    gtk_spin_button_set_value (spin, g_variant_get_double (value));
}

/**
 * fl_settings_follow:
 *
 * Makes @key the default of a page's control. The page keeps its own built-in default
 * until the user sets the key in Preferences; from then on the control takes the setting,
 * now and whenever it changes. What the user types on the page stays on the page (nothing
 * is written back).
 */
void
fl_settings_follow (GtkSpinButton *spin,
                    const char    *key)
{
  GSettings *settings = fl_settings_get ();
  g_autofree char *signal = NULL;

  if (settings == NULL)
    return;
  signal = g_strconcat ("changed::", key, NULL);
  g_signal_connect_object (settings, signal, G_CALLBACK (follow_changed_cb), spin, 0);
  if (fl_settings_is_set (key))
    follow_changed_cb (settings, key, spin);
}

static void
apply_to_tree (GtkWidget *widget,
               gboolean   projector)
{
  if (FL_IS_TIMELINE (widget))
    fl_timeline_set_max_lane_height (FL_TIMELINE (widget),
                                     projector ? FL_PROJECTOR_LANE_HEIGHT
                                               : FL_NORMAL_LANE_HEIGHT);
  /* Custom widgets draw with fl_state_color(): a palette change needs new render nodes. */
  gtk_widget_queue_draw (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    apply_to_tree (child, projector);
}

/**
 * fl_settings_apply_appearance:
 *
 * Projector mode (the "projector" CSS class: large type; thick timeline bars) and the
 * palette ("palette-high-contrast") on @root and everything in it.
 */
void
fl_settings_apply_appearance (GtkWidget *root)
{
  GSettings *settings = fl_settings_get ();
  gboolean projector = FALSE, high_contrast = FALSE;

  if (settings != NULL)
    {
      projector = g_settings_get_boolean (settings, "projector-mode");
      high_contrast = g_settings_get_enum (settings, "palette") == 1;
    }
  fl_state_color_set_high_contrast (high_contrast);
  if (projector)
    gtk_widget_add_css_class (root, "projector");
  else
    gtk_widget_remove_css_class (root, "projector");
  if (high_contrast)
    gtk_widget_add_css_class (root, "palette-high-contrast");
  else
    gtk_widget_remove_css_class (root, "palette-high-contrast");
  apply_to_tree (root, projector);
}

static void
appearance_changed_cb (GSettings  *settings,
                       const char *key,
                       GtkWidget  *root)
{
  fl_settings_apply_appearance (root);
}

static gboolean
close_request_cb (GtkWindow *window,
                  GSettings *settings)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (settings);
  return FALSE;
}

/**
 * fl_settings_track_window:
 * @remember_size: restore the window's size and maximized state now and save them when
 *   it closes (the main window)
 *
 * Keeps @window's appearance in step with projector mode and the palette.
 */
void
fl_settings_track_window (GtkWindow *window,
                          gboolean   remember_size)
{
  GSettings *settings = fl_settings_get ();

  if (settings != NULL)
    {
      g_signal_connect_object (settings, "changed::projector-mode",
                               G_CALLBACK (appearance_changed_cb), window, 0);
      g_signal_connect_object (settings, "changed::palette",
                               G_CALLBACK (appearance_changed_cb), window, 0);
      if (remember_size)
        {
          g_autoptr(GVariant) saved = g_settings_get_user_value (settings, "window-width");

          /* Until a size was saved, the window's own default (wide enough for the sidebar
           * beside the page) wins over the schema's. */
          if (saved != NULL)
            gtk_window_set_default_size (window,
                                         MAX (g_settings_get_int (settings, "window-width"), 360),
                                         MAX (g_settings_get_int (settings, "window-height"),
                                              294));
          if (g_settings_get_boolean (settings, "window-maximized"))
            gtk_window_maximize (window);
          g_signal_connect_object (window, "close-request", G_CALLBACK (close_request_cb),
                                   settings, 0);
        }
    }
  fl_settings_apply_appearance (GTK_WIDGET (window));
}
