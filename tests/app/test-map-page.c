/* test-map-page.c: map() gives results in submission order, as_completed() in completion
 * order, both from the same kind of run, and the transcript tells the story
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-map-page.h"

static FlWindow *window;
static FlMapPage *page;

static void
run_both (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "map", "both"));
  fl_test_spin_until (fl_map_page_is_done (page), 20000);
}

static void
test_longest_first_orders_differ (void)
{
  /* loiter(4..0) on 3 threads, 150 ms units: loiter(2) ends first (300 ms), loiter(4)
   * last (600 ms); map() still hands loiter(4) back first. */
  fl_map_page_set_params (page, 5, 3, 150, TRUE);
  run_both ();
  g_assert_cmpstr (fl_map_page_get_order (page, "map"), ==, "4,3,2,1,0");
  g_assert_cmpstr (fl_map_page_get_order (page, "as-completed"), !=, "4,3,2,1,0");
  g_assert_true (g_str_has_prefix (fl_map_page_get_order (page, "as-completed"), "2,"));
  g_assert_true (g_str_has_suffix (fl_map_page_get_order (page, "as-completed"), ",4"));
}

static void
test_transcript_is_the_python_one (void)
{
  const char *text;

  fl_map_page_set_params (page, 3, 3, 50, FALSE);
  run_both ();
  text = fl_map_page_get_transcript (page, "map");
  g_assert_nonnull (strstr (text, "Script starting."));
  g_assert_nonnull (strstr (text, "Waiting for individual results:"));
  g_assert_nonnull (strstr (text, "\t\tloiter(2): doing nothing for 2×50 ms…"));
  g_assert_nonnull (strstr (text, "\tloiter(1): done."));
  g_assert_nonnull (strstr (text, "result 2: 20"));
  text = fl_map_page_get_transcript (page, "as-completed");
  g_assert_nonnull (strstr (text, "result of loiter(1): 10"));
  /* shortest first: both orders agree, as in the classic demo */
  g_assert_cmpstr (fl_map_page_get_order (page, "map"), ==, "0,1,2");
  g_assert_cmpstr (fl_map_page_get_order (page, "as-completed"), ==, "0,1,2");
}

static void
test_buttons_run_one_consumer (void)
{
  GtkWidget *map_button = fl_test_find_action_button (GTK_WIDGET (page), "page.run", "map");
  GtkWidget *ac_button = fl_test_find_action_button (GTK_WIDGET (page), "page.run",
                                                     "as-completed");

  fl_map_page_set_params (page, 4, 2, 60, TRUE);
  fl_window_show_demo (window, "map");
  fl_test_spin_until (gtk_widget_get_mapped (map_button), 5000);

  gtk_widget_activate (map_button);
  fl_test_spin_until (fl_map_page_get_order (page, "as-completed") == NULL
                      && fl_map_page_get_order (page, "map") != NULL, 5000);
  fl_test_spin_until (fl_map_page_is_done (page), 10000);
  g_assert_cmpstr (fl_map_page_get_order (page, "map"), ==, "3,2,1,0");

  gtk_widget_activate (ac_button);
  fl_test_spin_until (fl_map_page_get_order (page, "map") == NULL
                      && fl_map_page_get_order (page, "as-completed") != NULL, 5000);
  fl_test_spin_until (fl_map_page_is_done (page), 10000);
  /* 2 workers: loiter(3) and loiter(2) start; loiter(2) ends at 2 units, loiter(1) then
   * runs until 3 = loiter(3)'s end; loiter(0) last starts at 3 */
  g_assert_true (g_str_has_prefix (fl_map_page_get_order (page, "as-completed"), "2,"));
}

static void
test_cancel_stops_both (void)
{
  fl_map_page_set_params (page, 5, 3, 2000, TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "map", "both"));
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "cancel-all", NULL);
  fl_test_spin_until (fl_map_page_is_done (page), 5000);
  g_assert_cmpstr (fl_map_page_get_order (page, "map"), !=, "4,3,2,1,0");
}

static void
test_bad_input_is_refused (void)
{
  g_autoptr(GError) error = NULL;

  fl_map_page_set_params (page, 20, 3, 5000, TRUE);
  g_assert_false (fl_page_start_run (FL_PAGE (page), "both", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (fl_page_start_run (FL_PAGE (page), "sideways", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_MAP_PAGE (fl_window_get_page (window, "map"));
  fl_window_show_demo (window, "map");

  g_test_add_func ("/app/map/longest-first-orders-differ", test_longest_first_orders_differ);
  g_test_add_func ("/app/map/transcript-is-the-python-one", test_transcript_is_the_python_one);
  g_test_add_func ("/app/map/buttons-run-one-consumer", test_buttons_run_one_consumer);
  g_test_add_func ("/app/map/cancel-stops-both", test_cancel_stops_both);
  g_test_add_func ("/app/map/bad-input-is-refused", test_bad_input_is_refused);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
