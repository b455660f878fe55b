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

/* The spans of the run's both panes. */
static GPtrArray *
run_futures (void)
{
  GPtrArray *all = g_ptr_array_new ();
  FlTimeline *timelines[2];

  timelines[0] = FL_TIMELINE (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                             FL_TYPE_MAP_PAGE,
                                                             "map_timeline"));
  timelines[1] = FL_TIMELINE (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                             FL_TYPE_MAP_PAGE,
                                                             "ac_timeline"));
  for (guint t = 0; t < G_N_ELEMENTS (timelines); t++)
    {
      FlSpans *spans = fl_timeline_get_spans (timelines[t]);

      for (guint i = 0; spans != NULL && i < fl_spans_get_n_spans (spans); i++)
        g_ptr_array_add (all, (gpointer) fl_spans_get (spans, i));
    }
  return all;
}

/* How many of the run's futures have left PENDING (started), and how many have ended. */
static void
count_states (guint *started,
              guint *ended)
{
  g_autoptr(GPtrArray) spans = run_futures ();

  *started = *ended = 0;
  for (guint i = 0; i < spans->len; i++)
    {
      const FlSpan *span = g_ptr_array_index (spans, i);

      if (span->kind != FL_SPAN_FUTURE)
        continue;
      if (span->started >= 0)
        (*started)++;
      if (span->finished >= 0)
        (*ended)++;
    }
}

/* Spins the loop for about @ms (bounded; no sleep: the loop runs meanwhile). */
static void
spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    fl_test_iterate (20);
}

static void
test_pause_step_resume (void)
{
  guint started, ended, started2, ended2;

  fl_map_page_set_params (page, 5, 3, 100, TRUE);
  g_assert_true (fl_page_start_run (FL_PAGE (page), "both", NULL));
  g_assert_true (fl_page_can_pause (FL_PAGE (page)));
  fl_page_set_paused (FL_PAGE (page), TRUE);
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));
  spin_for (200);
  count_states (&started, &ended);
  spin_for (700);
  count_states (&started2, &ended2);
  /* held: nothing starts, nothing ends while paused */
  g_assert_cmpuint (started2, ==, started);
  g_assert_cmpuint (ended2, ==, ended);
  g_assert_false (fl_map_page_is_done (page));

  /* one step: exactly one start or one end goes through */
  fl_page_step (FL_PAGE (page));
  fl_test_spin_until ((count_states (&started2, &ended2),
                       started2 + ended2 != started + ended), 5000);
  spin_for (300);
  count_states (&started2, &ended2);
  g_assert_cmpuint (started2 + ended2, ==, started + ended + 1);
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));

  fl_page_set_paused (FL_PAGE (page), FALSE);
  fl_test_spin_until (fl_map_page_is_done (page), 20000);
  g_assert_cmpstr (fl_map_page_get_order (page, "map"), ==, "4,3,2,1,0");
  /* as_completed: every result, in the order the ends came through the gate */
  g_test_message ("as_completed: %s", fl_map_page_get_order (page, "as-completed"));
  g_assert_cmpuint (strlen (fl_map_page_get_order (page, "as-completed")), ==, 9);
  g_assert_false (fl_page_can_pause (FL_PAGE (page)));
}

static void
test_cancel_while_paused (void)
{
  fl_map_page_set_params (page, 5, 3, 2000, TRUE);
  g_assert_true (fl_page_start_run (FL_PAGE (page), "both", NULL));
  fl_page_set_paused (FL_PAGE (page), TRUE);
  spin_for (100);
  fl_page_cancel_run (FL_PAGE (page));
  g_assert_false (fl_page_can_pause (FL_PAGE (page)));
  fl_test_spin_until (fl_map_page_is_done (page), 10000);
  g_assert_false (fl_page_can_pause (FL_PAGE (page)));
  g_assert_false (fl_page_is_paused (FL_PAGE (page)));
}

static void
test_python_run_is_shown (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *python = g_find_program_in_path ("python3");
  GtkLabel *status;
  GtkTextBuffer *buffer;

  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  fl_map_page_set_params (page, 3, 3, 50, TRUE);
  g_assert_true (fl_page_run_python (FL_PAGE (page), &error));
  g_assert_no_error (error);
  fl_test_spin_until (fl_page_get_python_run (FL_PAGE (page)) != NULL
                      && fl_run_is_complete (fl_page_get_python_run (FL_PAGE (page))), 60000);
  status = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page), FL_TYPE_MAP_PAGE,
                                                     "map_status"));
  g_test_message ("%s", gtk_label_get_text (status));
  g_assert_cmpstr (gtk_label_get_text (status), !=, "Not run yet.");
  g_assert_cmpstr (gtk_label_get_text (status), !=, "Not run this time.");
  buffer = fl_map_page_get_transcript_buffer (page, "map");
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), >, 0);
  /* a C run gives the page back its own display */
  run_both ();
  g_assert_true (fl_map_page_get_transcript_buffer (page, "map") != buffer);
  g_assert_nonnull (strstr (fl_map_page_get_transcript (page, "map"), "Script starting."));
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
  g_test_add_func ("/app/map/pause-step-resume", test_pause_step_resume);
  g_test_add_func ("/app/map/cancel-while-paused", test_cancel_while_paused);
  g_test_add_func ("/app/map/python-run-is-shown", test_python_run_is_shown);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
