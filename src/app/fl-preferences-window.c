/* fl-preferences-window.c: the app's preferences, bound to its GSettings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every control is bound both ways with g_settings_bind(): a change applies at once (the
 * GNOME way, no Apply button) and a change made elsewhere (the menu's projector toggle,
 * gsettings on the command line) shows here. The pages take the run defaults from the same
 * keys.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-preferences-window.h"

struct _FlPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings  *settings;
  GHashTable *widgets;     /* key -> the control bound to it */
};

G_DEFINE_FINAL_TYPE (FlPreferencesWindow, fl_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
fl_preferences_window_finalize (GObject *object)
{
  FlPreferencesWindow *self = FL_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_hash_table_unref (self->widgets);
  G_OBJECT_CLASS (fl_preferences_window_parent_class)->finalize (object);
}

static void
fl_preferences_window_class_init (FlPreferencesWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_preferences_window_finalize;
}

static void
fl_preferences_window_init (FlPreferencesWindow *self)
{
  self->widgets = g_hash_table_new (g_str_hash, g_str_equal);
}

static GtkWidget *
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         GtkWidget           *control)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), control);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), control);
  /* the row's title names the control for screen readers */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (control),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL, -1);
  adw_preferences_group_add (group, row);
  return row;
}

static void
add_spin (FlPreferencesWindow *self,
          AdwPreferencesGroup *group,
          const char          *key,
          const char          *title,
          const char          *subtitle,
          double               lower,
          double               upper,
          double               step)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  add_row (group, title, subtitle, spin);
  g_hash_table_insert (self->widgets, (gpointer) key, spin);
}

/* error-rate is a fraction; people think in percent */
static gboolean
percent_get (GValue   *value,
             GVariant *variant,
             gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_double (variant) * 100.0);
  return TRUE;
}

static GVariant *
percent_set (const GValue       *value,
             const GVariantType *expected_type,
             gpointer            user_data)
{
  return g_variant_new_double (CLAMP (g_value_get_double (value) / 100.0, 0.0, 1.0));
}

static const char * const palettes[] = { "okabe-ito", "high-contrast", NULL };

static gboolean
palette_get (GValue   *value,
             GVariant *variant,
             gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; palettes[i] != NULL; i++)
    if (g_str_equal (nick, palettes[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
palette_set (const GValue       *value,
             const GVariantType *expected_type,
             gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return i < G_N_ELEMENTS (palettes) - 1 ? g_variant_new_string (palettes[i]) : NULL;
}

static void
build (FlPreferencesWindow *self)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *runs, *server, *look;
  GtkWidget *projector, *palette, *rate;
  GtkStringList *names;

  adw_preferences_page_set_title (page, _("General"));
  adw_preferences_page_set_icon_name (page, "preferences-system-symbolic");

  runs = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (runs, _("New Runs"));
  adw_preferences_group_set_description (runs, _("What the demos start with; each page can "
                                                 "still change it for one run."));
  add_spin (self, runs, "default-workers", _("Workers"),
            _("Worker threads or processes of a CPU-bound run"), 1, 64, 1);
  add_spin (self, runs, "concurrency", _("Download concurrency"),
            _("Flag downloads in flight at once (threads or async)"), 1, 1000, 1);
  adw_preferences_page_add (page, runs);

  server = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (server, _("Embedded Flag Server"));
  adw_preferences_group_set_description (server, _("Used by the Flags page’s “Embedded: these "
                                                   "settings” choice."));
  add_spin (self, server, "server-delay-min", _("Shortest delay (ms)"), NULL, 0, 60000, 50);
  add_spin (self, server, "server-delay-max", _("Longest delay (ms)"), NULL, 0, 60000, 50);
  rate = gtk_spin_button_new_with_range (0, 100, 1);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (rate), TRUE);
  g_settings_bind_with_mapping (self->settings, "error-rate", rate, "value",
                                G_SETTINGS_BIND_DEFAULT, percent_get, percent_set, NULL, NULL);
  add_row (server, _("Error rate (%)"), _("Share of requests answered with an error"), rate);
  g_hash_table_insert (self->widgets, (gpointer) "error-rate", rate);
  add_spin (self, server, "seed", _("Seed"),
            _("The same seed delays and fails the same flags"), 0, G_MAXUINT32, 1);
  adw_preferences_page_add (page, server);

  look = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (look, _("Classroom"));
  projector = gtk_switch_new ();
  g_settings_bind (self->settings, "projector-mode", projector, "active",
                   G_SETTINGS_BIND_DEFAULT);
  add_row (look, _("Projector mode"), _("Large type, thick timeline bars, high contrast"),
           projector);
  g_hash_table_insert (self->widgets, (gpointer) "projector-mode", projector);

  names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("Okabe–Ito"));
  gtk_string_list_append (names, _("High contrast"));
  palette = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (palette), _("State colours"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (palette),
                               _("Okabe–Ito is safe for colour-blind eyes; high contrast "
                                 "survives a washed-out projector"));
  adw_combo_row_set_model (ADW_COMBO_ROW (palette), G_LIST_MODEL (names));
  g_object_unref (names);
  g_settings_bind_with_mapping (self->settings, "palette", palette, "selected",
                                G_SETTINGS_BIND_DEFAULT, palette_get, palette_set, NULL, NULL);
  adw_preferences_group_add (look, palette);
  g_hash_table_insert (self->widgets, (gpointer) "palette", palette);
  adw_preferences_page_add (page, look);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

/**
 * fl_preferences_window_new:
 *
 * Returns: (transfer floating): a preferences window editing @settings
 */
GtkWidget *
fl_preferences_window_new (GSettings *settings)
{
  FlPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FL_TYPE_PREFERENCES_WINDOW,
                       "title", _("Preferences"),
                       "search-enabled", FALSE,
                       "default-width", 620,
                       "default-height", 760,
                       NULL);
  self->settings = g_object_ref (settings);
  build (self);
  return GTK_WIDGET (self);
}

/**
 * fl_preferences_window_get_widget:
 *
 * Returns: (transfer none) (nullable): the control bound to @key (for tests)
 */
GtkWidget *
fl_preferences_window_get_widget (FlPreferencesWindow *self,
                                  const char          *key)
{
  g_return_val_if_fail (FL_IS_PREFERENCES_WINDOW (self), NULL);
  return g_hash_table_lookup (self->widgets, key);
}
