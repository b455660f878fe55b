/* test-preferences.c: preferences bound to GSettings, page defaults, projector mode,
 * palette, window size, accessible names and run announcements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-a11y.h"
#include "fl-app-test.h"
#include "fl-export.h"
#include "fl-flags-page.h"
#include "fl-futures-list.h"
#include "fl-preferences-window.h"
#include "fl-settings.h"

static FlWindow *window;
static GSettings *settings;

static FlPreferencesWindow *
open_preferences (void)
{
  GtkWidget *prefs = fl_preferences_window_new (settings);

  gtk_window_present (GTK_WINDOW (prefs));
  fl_test_spin_until (gtk_widget_get_mapped (prefs), 5000);
  return FL_PREFERENCES_WINDOW (prefs);
}

static void
test_preferences_bind_to_settings (void)
{
  FlPreferencesWindow *prefs = open_preferences ();
  GtkWidget *w;

  /* control -> setting */
  w = fl_preferences_window_get_widget (prefs, "concurrency");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 37);
  g_assert_cmpuint (g_settings_get_uint (settings, "concurrency"), ==, 37);
  w = fl_preferences_window_get_widget (prefs, "error-rate");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 25);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "error-rate"), 0.25, 1e-9);
  w = fl_preferences_window_get_widget (prefs, "palette");
  adw_combo_row_set_selected (ADW_COMBO_ROW (w), 1);
  g_assert_cmpint (g_settings_get_enum (settings, "palette"), ==, 1);
  w = fl_preferences_window_get_widget (prefs, "projector-mode");
  gtk_switch_set_active (GTK_SWITCH (w), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "projector-mode"));

  /* setting -> control */
  g_settings_set_uint (settings, "default-workers", 6);
  w = fl_preferences_window_get_widget (prefs, "default-workers");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)), ==, 6);
  g_settings_set_uint (settings, "seed", 1234);
  w = fl_preferences_window_get_widget (prefs, "seed");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)), ==, 1234);
  g_settings_set_boolean (settings, "projector-mode", FALSE);
  w = fl_preferences_window_get_widget (prefs, "projector-mode");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (w)));
  g_settings_set_enum (settings, "palette", 0);
  w = fl_preferences_window_get_widget (prefs, "palette");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (w)), ==, 0);

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_settings_reset (settings, "concurrency");
  g_settings_reset (settings, "error-rate");
}

static gboolean
preferences_open (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (FL_IS_PREFERENCES_WINDOW (w) && gtk_widget_get_mapped (GTK_WIDGET (w)))
        return TRUE;
    }
  return FALSE;
}

static void
test_preferences_action_and_accels (void)
{
  static const struct { const char *action; const char *accel; } expected[] = {
    { "app.preferences", "<Control>comma" },
    { "app.projector-mode", "F5" },
    { "export.trace-json", "<Control>s" },
  };
  GListModel *toplevels;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels =
        gtk_application_get_accels_for_action (GTK_APPLICATION (fl_test_app), expected[i].action);

      g_assert_cmpstr (accels[0], ==, expected[i].accel);
    }
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "preferences", NULL);
  fl_test_spin_until (preferences_open (), 5000);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (FL_IS_PREFERENCES_WINDOW (w))
        gtk_window_destroy (GTK_WINDOW (w));
    }
}

static void
test_projector_mode_adds_css_class (void)
{
  FlTimeline *timeline = FL_TIMELINE (fl_test_find_type (GTK_WIDGET (window), FL_TYPE_TIMELINE));

  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "projector"));
  g_assert_cmpfloat (fl_timeline_get_max_lane_height (timeline), ==, FL_NORMAL_LANE_HEIGHT);

  /* the menu's toggle is the settings key */
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "projector-mode", NULL);
  g_assert_true (g_settings_get_boolean (settings, "projector-mode"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "projector"));
  g_assert_cmpfloat (fl_timeline_get_max_lane_height (timeline), ==, FL_PROJECTOR_LANE_HEIGHT);

  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "projector-mode", NULL);
  g_assert_false (g_settings_get_boolean (settings, "projector-mode"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "projector"));
  g_assert_cmpfloat (fl_timeline_get_max_lane_height (timeline), ==, FL_NORMAL_LANE_HEIGHT);
}

static void
test_palette_switches_state_colours (void)
{
  GdkRGBA normal, high;

  fl_state_color (FL_FUTURE_RUNNING, &normal);
  g_settings_set_string (settings, "palette", "high-contrast");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "palette-high-contrast"));
  fl_state_color (FL_FUTURE_RUNNING, &high);
  g_assert_false (gdk_rgba_equal (&normal, &high));
  g_settings_reset (settings, "palette");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "palette-high-contrast"));
  fl_state_color (FL_FUTURE_RUNNING, &high);
  g_assert_true (gdk_rgba_equal (&normal, &high));
}

static gboolean
run_done (FlPage *page)
{
  FlRun *run = fl_page_get_run (page);

  return run != NULL && fl_run_is_complete (run);
}

static void
test_flags_page_takes_its_defaults (void)
{
  FlFlagsPage *page = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));
  FlFlagsSummary s;
  FlRun *run;
  const char *said;

  fl_window_show_demo (window, "flags");
  fl_flags_page_set_codes (page, FL_FLAGS_CODES_POPULOUS, "", 0);
  /* Preferences: 7 downloads at once, half of the requests fail */
  g_settings_set_uint (settings, "concurrency", 7);
  g_settings_set_double (settings, "error-rate", 0.5);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  run = fl_page_get_run (FL_PAGE (page));
  g_assert_nonnull (run);
  g_assert_cmpuint (fl_executor_get_max_workers (fl_run_get_executor (run)), ==, 7);
  said = fl_a11y_get_announcement (GTK_WIDGET (page));
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "run started"));
  fl_test_spin_until (run_done (FL_PAGE (page)), 20000);
  g_assert_true (fl_flags_page_get_summary (page, &s));
  g_assert_cmpuint (s.error, >, 0);
  g_assert_cmpuint (s.ok, >, 0);

  /* the end of the run is announced, on the page and its window */
  said = fl_a11y_get_announcement (GTK_WIDGET (page));
  g_test_message ("announced: %s", said);
  g_assert_nonnull (strstr (said, "run ended"));
  g_assert_cmpstr (fl_a11y_get_announcement (GTK_WIDGET (window)), ==, said);

  g_settings_reset (settings, "concurrency");
  g_settings_reset (settings, "error-rate");
}

static void
test_window_size_is_saved (void)
{
  gboolean stop = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 930);
  g_signal_emit_by_name (window, "close-request", &stop);
  g_assert_false (stop);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1500);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 930);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
check_named (GtkWidget *widget,
             guint     *n_icon_buttons)
{
  /* GTK names its own (window controls, spin button steppers) */
  if (GTK_IS_WINDOW_CONTROLS (widget) || GTK_IS_SPIN_BUTTON (widget))
    return;
  /* every icon-only button has a tooltip, which became its accessible label */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL
      && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget)))
      && gtk_widget_get_visible (widget))
    {
      if (gtk_widget_get_tooltip_text (widget) == NULL)
        {
          GtkWidget *image = gtk_button_get_child (GTK_BUTTON (widget));
          GtkWidget *parent = gtk_widget_get_parent (widget);

          g_error ("icon-only %s (%s) in %s without a name", G_OBJECT_TYPE_NAME (widget),
                   gtk_image_get_icon_name (GTK_IMAGE (image)),
                   parent ? G_OBJECT_TYPE_NAME (parent) : "-");
        }
      (*n_icon_buttons)++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_named (c, n_icon_buttons);
}

static void
test_icon_buttons_have_names (void)
{
  guint n = 0;

  check_named (GTK_WIDGET (window), &n);
  g_assert_cmpuint (n, >, 0);
}

static void
collect_run_buttons (GtkWidget *widget,
                     GPtrArray *out)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_drawable (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "page.run") == 0)
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_run_buttons (c, out);
}

/* On every page, Tab from the page's first control reaches each of its run buttons and,
 * further on, the futures list, without getting stuck. */
static void
test_keyboard_reaches_the_controls (void)
{
  g_autoptr(GList) pages = fl_window_list_pages (window);

  for (GList *l = pages; l != NULL; l = l->next)
    {
      FlPage *page = l->data;
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
      gboolean reached_list = FALSE;
      GtkWidget *list;

      fl_window_show_demo (window, fl_page_get_id (page));
      fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
      collect_run_buttons (GTK_WIDGET (page), buttons);
      g_assert_cmpuint (buttons->len, >, 0);
      gtk_widget_grab_focus (g_ptr_array_index (buttons, 0));
      for (guint i = 0; i < 150; i++)
        {
          GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

          g_assert_nonnull (focus);
          g_hash_table_add (seen, focus);
          if (gtk_widget_get_ancestor (focus, GTK_TYPE_COLUMN_VIEW) != NULL)
            reached_list = TRUE;
          gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
        }
      g_test_message ("%s: %u widgets took the focus", fl_page_get_id (page),
                      g_hash_table_size (seen));
      for (guint i = 0; i < buttons->len; i++)
        if (!g_hash_table_contains (seen, g_ptr_array_index (buttons, i)))
          g_error ("%s: Tab never reaches the “%s” button", fl_page_get_id (page),
                   gtk_button_get_label (g_ptr_array_index (buttons, i)));
      g_assert_cmpuint (g_hash_table_size (seen), >=, buttons->len + 2);
      /* (an empty list has nothing to focus) */
      list = fl_test_find_type (GTK_WIDGET (page), FL_TYPE_FUTURES_LIST);
      if (list != NULL && fl_futures_list_get_model (FL_FUTURES_LIST (list)) != NULL
          && g_list_model_get_n_items (fl_futures_list_get_model (FL_FUTURES_LIST (list))) > 0
          && !reached_list)
        g_error ("%s: Tab never reaches the futures list", fl_page_get_id (page));
    }
  fl_window_show_demo (window, "flags");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  settings = fl_settings_get ();
  g_assert_nonnull (settings);

  g_test_add_func ("/app/preferences/bind-to-settings", test_preferences_bind_to_settings);
  g_test_add_func ("/app/preferences/action-and-accels", test_preferences_action_and_accels);
  g_test_add_func ("/app/preferences/projector-mode-adds-css-class",
                   test_projector_mode_adds_css_class);
  g_test_add_func ("/app/preferences/palette-switches-state-colours",
                   test_palette_switches_state_colours);
  g_test_add_func ("/app/preferences/flags-page-takes-its-defaults",
                   test_flags_page_takes_its_defaults);
  g_test_add_func ("/app/preferences/window-size-is-saved", test_window_size_is_saved);
  g_test_add_func ("/app/a11y/icon-buttons-have-names", test_icon_buttons_have_names);
  g_test_add_func ("/app/a11y/keyboard-reaches-the-controls", test_keyboard_reaches_the_controls);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
