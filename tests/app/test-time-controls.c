/* test-time-controls.c: the header's Pause and Step, and the Space / → keys, on a live run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The run: eight flags on two threads from the embedded server at 500 ms a request, about
 * 2 s unpaused. It is paused right after it starts (in the same main-loop turn), so no
 * timing matters: a paused run cannot end by itself. Nothing sleeps; every wait is a
 * bounded spin on a state.
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-flags-page.h"
#include "fl-time-controls.h"
#include "fl-timeline.h"

static FlWindow *window;
static FlFlagsPage *page;
static FlTimeControls *controls;

static FlRun *
current_run (void)
{
  return fl_page_get_run (FL_PAGE (page));
}

static GtkWidget *
pause_button (void)
{
  return fl_time_controls_get_pause_button (controls);
}

static GtkWidget *
step_button (void)
{
  return fl_time_controls_get_step_button (controls);
}

/* app.run also shows the page; fl_page_start_run() does not (the page's own button). */
static void
start_slow_run (gboolean show_page)
{
  FlRun *before = current_run ();

  fl_flags_page_set_codes (page, FL_FLAGS_CODES_POPULOUS, "", 8);
  fl_flags_page_set_workers (page, 2);
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "500ms", "0%", "");
  if (show_page)
    g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                    g_variant_new ("(ss)", "flags", "threads"));
  else
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (fl_page_start_run (FL_PAGE (page), "threads", &error));
      g_assert_no_error (error);
    }
  g_assert_true (current_run () != NULL && current_run () != before);
  g_assert_true (fl_run_can_pause (current_run ()));
}

static gboolean
is_paused (void)
{
  return fl_run_is_paused (current_run ());
}

static void
assert_paused_look (void)
{
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pause_button ())));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (pause_button ())), ==,
                   "media-playback-start-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pause_button ()), ==, "Resume the run (Space)");
  g_assert_nonnull (fl_time_controls_get_status (controls));
  g_assert_true (g_str_has_prefix (fl_time_controls_get_status (controls), "Paused"));
  g_assert_cmpstr (fl_time_controls_get_status (controls), ==,
                   fl_page_get_gate_status (FL_PAGE (page)));
}

static void
assert_running_look (void)
{
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pause_button ())));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (pause_button ())), ==,
                   "media-playback-pause-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pause_button ()), ==, "Pause the run (Space)");
  g_assert_null (fl_time_controls_get_status (controls));
}

static void
assert_insensitive (void)
{
  g_assert_false (gtk_widget_get_sensitive (pause_button ()));
  g_assert_false (gtk_widget_get_sensitive (step_button ()));
}

/* The header follows the page shown; without a run there is nothing to pause. */
static void
test_follows_visible_page (void)
{
  g_assert_null (current_run ());
  assert_insensitive ();
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, 0));
  g_assert_true (fl_window_get_time_controls (window) == controls);
  g_assert_true (fl_time_controls_get_page (controls) == FL_PAGE (page));
  g_assert_true (fl_window_show_demo (window, "coroutines"));
  g_assert_true (fl_time_controls_get_page (controls) == fl_window_get_page (window, "coroutines"));
  if (fl_page_get_run (fl_window_get_page (window, "coroutines")) == NULL)
    {
      assert_insensitive ();
      g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, 0));
    }
  g_assert_true (fl_window_show_demo (window, "flags"));
  g_assert_true (fl_time_controls_get_page (controls) == FL_PAGE (page));
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (controls), GTK_WIDGET (window)));
  assert_running_look ();
}

static void
test_pause_step_resume (void)
{
  FlRun *run;
  g_autofree char *status = NULL;
  GtkWidget *spin, *timeline;

  start_slow_run (TRUE);
  g_assert_true (fl_window_get_visible_page (window) == FL_PAGE (page));
  run = current_run ();
  g_assert_true (gtk_widget_get_sensitive (pause_button ()));
  g_assert_true (gtk_widget_get_sensitive (step_button ()));
  assert_running_look ();
  /* running: → keeps its meaning */
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_Right, 0));

  /* the header's Pause */
  g_signal_emit_by_name (pause_button (), "clicked");
  g_assert_true (fl_run_is_paused (run));
  fl_test_spin_until (fl_time_controls_get_status (controls) != NULL, 5000);
  assert_paused_look ();
  g_assert_cmpstr (fl_time_controls_get_status (controls), ==, "Paused");
  g_assert_true (gtk_widget_get_sensitive (pause_button ()));
  g_assert_true (gtk_widget_get_sensitive (step_button ()));

  /* with a modifier neither key acts */
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_Right, GDK_CONTROL_MASK));
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, GDK_SHIFT_MASK));
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, GDK_ALT_MASK));
  g_assert_true (is_paused ());
  g_assert_cmpstr (fl_time_controls_get_status (controls), ==, "Paused");

  /* → lets one transition through: the status names it, the run stays paused */
  g_assert_true (fl_window_handle_time_key (window, GDK_KEY_Right, 0));
  fl_test_spin_until (g_strcmp0 (fl_time_controls_get_status (controls), "Paused") != 0,
                      10000);
  g_assert_true (is_paused ());
  assert_paused_look ();
  g_assert_true (g_str_has_prefix (fl_time_controls_get_status (controls), "Paused · "));
  status = g_strdup (fl_time_controls_get_status (controls));

  /* the header's Step, another one */
  g_signal_emit_by_name (step_button (), "clicked");
  fl_test_spin_until (g_strcmp0 (fl_time_controls_get_status (controls), status) != 0, 10000);
  g_assert_true (is_paused ());
  assert_paused_look ();
  g_assert_cmpuint (fl_run_get_n_done (run), <, fl_run_get_n_total (run));

  /* in text entry, in the timeline: the keys are theirs */
  spin = fl_test_find_type (GTK_WIDGET (page), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_true (gtk_widget_grab_focus (spin));
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, 0));
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_Right, 0));
  timeline = fl_test_find_type (GTK_WIDGET (page), FL_TYPE_TIMELINE);
  g_assert_nonnull (timeline);
  g_assert_true (gtk_widget_grab_focus (timeline));
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_Right, 0));
  g_assert_true (is_paused ());

  /* on a button (the Pause button itself, as after a click), Space is the run's */
  g_assert_true (gtk_widget_grab_focus (pause_button ()));
  g_assert_true (fl_window_handle_time_key (window, GDK_KEY_space, 0));
  g_assert_false (is_paused ());
  assert_running_look ();
  g_assert_true (fl_window_handle_time_key (window, GDK_KEY_space, 0));
  g_assert_true (is_paused ());
  fl_test_spin_until (fl_time_controls_get_status (controls) != NULL, 5000);
  assert_paused_look ();

  /* the header's Pause again: resumed, and it runs to its end */
  g_signal_emit_by_name (pause_button (), "clicked");
  g_assert_false (is_paused ());
  assert_running_look ();
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_Right, 0));
  fl_test_spin_until (fl_run_is_complete (run), 30000);
  g_assert_cmpuint (fl_run_get_n_finished (run), ==, 8);
  assert_insensitive ();
  assert_running_look ();
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, 0));
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_Right, 0));
}

/* A paused run's queued jobs are still PENDING: cancelling ends them, and the run. */
static void
test_cancel_while_paused (void)
{
  FlRun *run;

  start_slow_run (TRUE);
  run = current_run ();
  g_assert_true (fl_window_handle_time_key (window, GDK_KEY_space, 0));
  g_assert_true (fl_run_is_paused (run));
  fl_test_spin_until (fl_time_controls_get_status (controls) != NULL, 5000);
  assert_paused_look ();

  gtk_widget_activate_action (GTK_WIDGET (page), "page.cancel", NULL);
  g_assert_false (fl_run_is_paused (run));
  assert_insensitive ();
  assert_running_look ();
  fl_test_spin_until (fl_run_is_complete (run), 30000);
  g_assert_cmpuint (fl_run_get_n_cancelled (run), >, 0);
  assert_insensitive ();
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, 0));
}

/* A run made elsewhere for a page the window does not show leaves the header alone. */
static void
test_other_page_run_ignored (void)
{
  FlRun *run;

  g_assert_true (fl_window_show_demo (window, "coroutines"));
  start_slow_run (FALSE);
  g_assert_true (fl_window_get_visible_page (window) != FL_PAGE (page));
  run = current_run ();
  if (fl_page_get_run (fl_window_get_page (window, "coroutines")) == NULL)
    assert_insensitive ();
  g_assert_false (fl_window_handle_time_key (window, GDK_KEY_space, 0));
  g_assert_false (fl_run_is_paused (run));

  /* back on its page, the header takes it up */
  g_assert_true (fl_window_show_demo (window, "flags"));
  if (!fl_run_is_complete (run))
    {
      g_assert_true (gtk_widget_get_sensitive (pause_button ()));
      g_assert_true (gtk_widget_get_sensitive (step_button ()));
    }
  gtk_widget_activate_action (GTK_WIDGET (page), "page.cancel", NULL);
  fl_test_spin_until (fl_run_is_complete (run), 30000);
  assert_insensitive ();
}

/* Speed ×0.1 in the header: the next run goes in slow motion (its trace says so, the
 * header says "slow motion ×0.1"), app.time-scale moves the choice, ×1 is real time again. */
static void
test_speed (void)
{
  GtkDropDown *speed = GTK_DROP_DOWN (fl_time_controls_get_speed_dropdown (controls));
  FlRun *run;

  g_assert_true (fl_window_show_demo (window, "flags"));
  g_assert_cmpuint (gtk_drop_down_get_selected (speed), ==, 0);
  g_assert_cmpfloat (fl_run_get_default_time_scale (), ==, 1.0);

  gtk_drop_down_set_selected (speed, 3);
  fl_test_spin_until (fl_run_get_default_time_scale () == 0.1, 5000);
  start_slow_run (FALSE);
  run = current_run ();
  g_assert_cmpfloat (fl_run_get_time_scale (run), ==, 0.1);
  g_assert_cmpstr (fl_trace_get_metadata (fl_run_get_trace (run), "time-scale"), ==, "0.1");
  fl_test_spin_until (fl_time_controls_get_scale_text (controls) != NULL, 5000);
  g_assert_cmpstr (fl_time_controls_get_scale_text (controls), ==, "slow motion ×0.1");
  gtk_widget_activate_action (GTK_WIDGET (page), "page.cancel", NULL);
  fl_test_spin_until (fl_run_is_complete (run), 30000);

  /* The Frozen button page goes in real time whatever the speed: its lesson is the real
   * freeze of the window. */
  {
    FlPage *frozen = fl_window_get_page (window, "freeze");

    g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                    g_variant_new ("(ss)", "freeze", "thread"));
    run = fl_page_get_run (frozen);
    g_assert_nonnull (run);
    g_assert_cmpfloat (fl_run_get_time_scale (run), ==, 1.0);
    fl_page_cancel_run (frozen);
    fl_test_spin_until (fl_run_is_complete (run), 30000);
    g_assert_true (fl_window_show_demo (window, "flags"));
  }

  /* The action is the same key: it moves the choice, and back to ×1 with it. */
  g_action_group_change_action_state (G_ACTION_GROUP (fl_test_app), "time-scale",
                                      g_variant_new_string ("0.5"));
  fl_test_spin_until (gtk_drop_down_get_selected (speed) == 1
                      && fl_run_get_default_time_scale () == 0.5, 5000);
  gtk_drop_down_set_selected (speed, 0);
  fl_test_spin_until (fl_run_get_default_time_scale () == 1.0, 5000);
  start_slow_run (FALSE);
  g_assert_cmpfloat (fl_run_get_time_scale (current_run ()), ==, 1.0);
  fl_test_spin_until (fl_time_controls_get_scale_text (controls) == NULL, 5000);
  run = current_run ();
  gtk_widget_activate_action (GTK_WIDGET (page), "page.cancel", NULL);
  fl_test_spin_until (fl_run_is_complete (run), 30000);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));
  fl_window_show_demo (window, "flags");
  controls = FL_TIME_CONTROLS (fl_test_find_type (GTK_WIDGET (window), FL_TYPE_TIME_CONTROLS));
  g_assert_nonnull (controls);

  g_test_add_func ("/app/time-controls/follows-visible-page", test_follows_visible_page);
  g_test_add_func ("/app/time-controls/pause-step-resume", test_pause_step_resume);
  g_test_add_func ("/app/time-controls/cancel-while-paused", test_cancel_while_paused);
  g_test_add_func ("/app/time-controls/other-page-run-ignored", test_other_page_run_ignored);
  g_test_add_func ("/app/time-controls/speed-slows-the-next-run", test_speed);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
