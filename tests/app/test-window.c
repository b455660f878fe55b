/* test-window.c: the shell: command line, pages, search, actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-frozen-page.h"

static FlWindow *window;

static void
test_cli_list (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { FUTURES_LAB_BIN, "--list", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *joined = g_strjoinv ("\n", (char **) fl_application_list_demos ());

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  expected = g_strconcat (joined, "\n", NULL);
  g_assert_cmpstr (out, ==, expected);
  g_assert_true (g_str_has_prefix (out, "freeze\nflags\n"));
}

static void
test_cli_unknown_demo (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { FUTURES_LAB_BIN, "--demo", "nonsense", NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "nonsense"));
  g_assert_nonnull (strstr (err, "freeze"));
}

static void
test_every_demo_has_a_page (void)
{
  const char * const *demos = fl_application_list_demos ();

  for (guint i = 0; demos[i] != NULL; i++)
    {
      FlPage *page = fl_window_get_page (window, demos[i]);

      g_assert_nonnull (page);
      g_assert_cmpstr (fl_page_get_id (page), ==, demos[i]);
      g_assert_nonnull (fl_page_get_title (page));
      g_assert_true (fl_page_get_modes (page)[0] != NULL);
      g_assert_true (fl_window_show_demo (window, demos[i]));
      fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
      g_assert_true (fl_window_get_visible_page (window) == page);
      g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, fl_page_get_title (page));
    }
  g_assert_false (fl_window_show_demo (window, "nonsense"));
}

static void
test_show_demo_action (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "show-demo",
                                  g_variant_new_string ("flags"));
  fl_test_spin_until (g_str_equal (fl_page_get_id (fl_window_get_visible_page (window)), "flags"),
                      5000);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "show-demo",
                                  g_variant_new_string ("freeze"));
  fl_test_spin_until (g_str_equal (fl_page_get_id (fl_window_get_visible_page (window)), "freeze"),
                      5000);
}

static void
test_search_filters_sidebar (void)
{
  fl_window_set_search (window, "flag");
  g_assert_cmpuint (fl_window_get_n_visible_demos (window), ==, 1);
  fl_window_set_search (window, "FROZEN");
  g_assert_cmpuint (fl_window_get_n_visible_demos (window), ==, 1);
  fl_window_set_search (window, "no such demo");
  g_assert_cmpuint (fl_window_get_n_visible_demos (window), ==, 0);
  fl_window_set_search (window, "");
  g_assert_cmpuint (fl_window_get_n_visible_demos (window), ==,
                    g_strv_length ((char **) fl_application_list_demos ()));
}

static void
error_shown_cb (FlPage     *page,
                const char *message,
                char      **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

static void
test_run_action_rejects_unknown_mode (void)
{
  FlPage *page = fl_window_get_page (window, "freeze");
  g_autofree char *message = NULL;
  gulong id = g_signal_connect (page, "error-shown", G_CALLBACK (error_shown_cb), &message);
  FlRun *before = fl_page_get_run (page);

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fl_test_app), "run"));
  g_assert_true (g_variant_type_equal (g_action_group_get_action_parameter_type (G_ACTION_GROUP (fl_test_app), "run"),
                                       G_VARIANT_TYPE ("(ss)")));
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "freeze", "warp-drive"));
  fl_test_spin_until (message != NULL, 5000);
  g_assert_nonnull (strstr (message, "warp-drive"));
  g_assert_true (fl_page_get_run (page) == before);
  g_signal_handler_disconnect (page, id);
}

static void
test_app_actions_exist (void)
{
  const char *names[] = { "run", "cancel-all", "about", "quit", "show-demo" };
  g_auto(GStrv) accels = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fl_test_app), names[i]));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fl_test_app), "app.quit");
  g_assert_cmpstr (accels[0], ==, "<Control>q");
}

static GtkWindow *
find_about (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *about = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_ABOUT_WINDOW (l->data))
      about = l->data;
  g_list_free (toplevels);
  return about;
}

static void
test_about_window_opens (void)
{
  GtkWindow *about;

  g_assert_null (find_about ());
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "about", NULL);
  about = find_about ();
  g_assert_nonnull (about);
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (about)), 5000);
  gtk_window_destroy (about);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();

  g_test_add_func ("/app/cli/list-prints-demo-ids", test_cli_list);
  g_test_add_func ("/app/cli/unknown-demo-exits-2", test_cli_unknown_demo);
  g_test_add_func ("/app/window/every-demo-has-a-page", test_every_demo_has_a_page);
  g_test_add_func ("/app/window/show-demo-action", test_show_demo_action);
  g_test_add_func ("/app/window/search-filters-sidebar", test_search_filters_sidebar);
  g_test_add_func ("/app/actions/exist-with-accels", test_app_actions_exist);
  g_test_add_func ("/app/actions/run-rejects-unknown-mode", test_run_action_rejects_unknown_mode);
  g_test_add_func ("/app/window/about-opens", test_about_window_opens);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
