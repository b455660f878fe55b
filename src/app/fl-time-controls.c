/* fl-time-controls.c: Pause and Step for the run of the page shown, in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine can hold a live run at its gate (see FlGate): no job starts and no end is
 * delivered until the teacher lets one transition through. These controls are the page's
 * own actions, page.pause and page.step, on buttons: they follow one page (the window
 * gives them the page it shows) and that page's current run, and say what the last step
 * let through ("Paused · started cn").
 *
 * Speed (×1, ×0.5, ×0.2, ×0.1) is the demos' slow motion: it sets the "time-scale" key
 * (app.time-scale), and the runs started after it go at that speed; a label beside it says
 * "slow motion ×0.1" while the page shows a slowed run (a replayed one too).
 *
 * Pause is sensitive while the run can be paused, and stays so while it is paused (to
 * resume it); Step only while the run can be paused (a step from a running run pauses it
 * first, as page.step does). Both are insensitive without a run, for a run made from a
 * trace, and once the run is complete or cancelled.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-settings.h"
#include "fl-time-controls.h"

struct _FlTimeControls
{
  GtkBox           parent_instance;

  /* borrowed: children */
  GtkToggleButton *pause_button;
  GtkButton       *step_button;
  GtkLabel        *status_label;
  GtkDropDown     *speed_dropdown;
  GtkLabel        *scale_label;

  /* owned */
  FlPage          *page;
  FlRun           *run;           /* the page's run, while the controls watch it */

  gulong           toggled_handler;
  gulong           gate_handler;
  gulong           page_run_handler;
  gulong           progress_handler;
  gulong           completed_handler;
  gulong           speed_handler;
  gulong           settings_handler;

  /* what the buttons show, so that a run's progress (every batch of ends) costs nothing
   * while neither changes */
  gboolean         shown;
  gboolean         shown_paused;
  gboolean         shown_can_pause;
  double           shown_scale;
};

/* The Speed choices, as the "time-scale" key spells them. */
static const char * const speeds[] = { "1", "0.5", "0.2", "0.1" };

G_DEFINE_FINAL_TYPE (FlTimeControls, fl_time_controls, GTK_TYPE_BOX)

/* Brings the buttons and the status in line with the page's run. The toggle is set with
 * its handler blocked: it mirrors the run, it does not act on it. */
static void
update (FlTimeControls *self)
{
  FlRun *run = self->page != NULL ? fl_page_get_run (self->page) : NULL;
  gboolean can_pause = self->page != NULL && fl_page_can_pause (self->page);
  gboolean paused = self->page != NULL && fl_page_is_paused (self->page);
  const char *status = paused ? fl_page_get_gate_status (self->page) : NULL;
  double scale = run != NULL ? fl_run_get_time_scale (run) : 1.0;

  if (self->shown && paused == self->shown_paused && can_pause == self->shown_can_pause
      && scale == self->shown_scale
      && g_strcmp0 (status != NULL ? status : "", gtk_label_get_text (self->status_label)) == 0)
    return;
  self->shown = TRUE;
  self->shown_paused = paused;
  self->shown_can_pause = can_pause;
  if (scale != self->shown_scale)
    {
      g_autofree char *text = run != NULL ? fl_run_format_time_scale (run) : NULL;

      self->shown_scale = scale;
      gtk_label_set_text (self->scale_label, text != NULL ? text : "");
    }
  /* While paused the status says what stepped; Speed beside it still shows the scale, and
   * a projector's 1024 px header has no room for both texts (the status read "Paus…"). */
  gtk_widget_set_visible (GTK_WIDGET (self->scale_label),
                          *gtk_label_get_text (self->scale_label) != '\0' && status == NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), can_pause || paused);
  gtk_widget_set_sensitive (GTK_WIDGET (self->step_button), can_pause);

  g_signal_handler_block (self->pause_button, self->toggled_handler);
  gtk_toggle_button_set_active (self->pause_button, paused);
  g_signal_handler_unblock (self->pause_button, self->toggled_handler);

  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button),
                            paused ? "media-playback-start-symbolic"
                                   : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? _("Resume the run (Space)")
                                      : _("Pause the run (Space)"));
  /* TRANSLATORS: the accessible names of the header's Pause button, by what it does */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  paused ? _("Resume") : _("Pause"),
                                  -1);

  /* A label is read by its text: the status needs no other name. */
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
}

static void
unwatch_run (FlTimeControls *self)
{
  if (self->run == NULL)
    return;
  g_clear_signal_handler (&self->progress_handler, self->run);
  g_clear_signal_handler (&self->completed_handler, self->run);
  g_clear_object (&self->run);
}

/* Follows the page's current run: its progress and end change what the buttons can do
 * (a run that completes, or is cancelled, can no longer be paused). */
static void
watch_run (FlTimeControls *self)
{
  FlRun *run = self->page != NULL ? fl_page_get_run (self->page) : NULL;

  if (run == self->run)
    return;
  unwatch_run (self);
  if (run == NULL)
    return;
  self->run = g_object_ref (run);
  self->progress_handler = g_signal_connect_object (run, "progress", G_CALLBACK (update),
                                                    self, G_CONNECT_SWAPPED);
  self->completed_handler = g_signal_connect_object (run, "completed", G_CALLBACK (update),
                                                     self, G_CONNECT_SWAPPED);
}

static void
page_run_cb (FlTimeControls *self)
{
  watch_run (self);
  update (self);
}

static void
pause_toggled_cb (FlTimeControls *self)
{
  if (self->page != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->page), "page.pause", NULL);
  /* The action may have done nothing (the run ended meanwhile): show the run as it is. */
  update (self);
}

static void
step_clicked_cb (FlTimeControls *self)
{
  if (self->page != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->page), "page.step", NULL);
  update (self);
}

static guint
speed_index (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (g_strcmp0 (text, speeds[i]) == 0)
      return i;
  return 0;
}

/* The key changed (here, in Preferences' future, or over D-Bus): the choice follows it. */
static void
speed_setting_cb (FlTimeControls *self,
                  const char     *key,
                  GSettings      *settings)
{
  g_autofree char *text = g_settings_get_string (settings, key);

  g_signal_handler_block (self->speed_dropdown, self->speed_handler);
  gtk_drop_down_set_selected (self->speed_dropdown, speed_index (text));
  g_signal_handler_unblock (self->speed_dropdown, self->speed_handler);
}

static void
speed_selected_cb (FlTimeControls *self)
{
  guint i = MIN (gtk_drop_down_get_selected (self->speed_dropdown), G_N_ELEMENTS (speeds) - 1);
  GSettings *settings = fl_settings_get ();
  double scale = 1.0;

  /* With the app's settings the key is the one truth (the app applies it to new runs);
   * without them (a test's bare widget) the choice applies at once. */
  if (settings != NULL)
    g_settings_set_string (settings, "time-scale", speeds[i]);
  else if (fl_time_scale_parse (speeds[i], &scale, NULL))
    fl_run_set_default_time_scale (scale);
}

static void
fl_time_controls_dispose (GObject *object)
{
  FlTimeControls *self = FL_TIME_CONTROLS (object);
  GSettings *settings = fl_settings_get ();

  fl_time_controls_set_page (self, NULL);
  if (settings != NULL && self->settings_handler != 0)
    g_clear_signal_handler (&self->settings_handler, settings);

  G_OBJECT_CLASS (fl_time_controls_parent_class)->dispose (object);
}

static void
fl_time_controls_class_init (FlTimeControlsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fl_time_controls_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "timecontrols");
}

static void
fl_time_controls_init (FlTimeControls *self)
{
  GtkWidget *pause = gtk_toggle_button_new ();
  GtkWidget *step = gtk_button_new_from_icon_name ("media-skip-forward-symbolic");
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *scale_label = gtk_label_new (NULL);
  GtkWidget *speed;
  GSettings *settings;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pause and step"), -1);

  /* Pause and Step side by side, as one linked group. */
  gtk_widget_add_css_class (buttons, "linked");
  gtk_box_append (GTK_BOX (buttons), pause);
  gtk_box_append (GTK_BOX (buttons), step);
  gtk_box_append (GTK_BOX (self), buttons);

  gtk_button_set_icon_name (GTK_BUTTON (pause), "media-playback-pause-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (pause),
                                  GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS, "space",
                                  -1);
  self->pause_button = GTK_TOGGLE_BUTTON (pause);
  self->toggled_handler = g_signal_connect_swapped (pause, "toggled",
                                                    G_CALLBACK (pause_toggled_cb), self);

  /* TRANSLATORS: a transition is a job starting or a job's end being delivered */
  gtk_widget_set_tooltip_text (step, _("Let one transition through (→)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (step),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Step"),
                                  GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS, "Right",
                                  -1);
  self->step_button = GTK_BUTTON (step);
  g_signal_connect_swapped (step, "clicked", G_CALLBACK (step_clicked_cb), self);

  /* A step names the future it let through; a long label is cut so the header fits. */
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  /* never squeezed to an ellipsis alone: "Paused · finished CN" is the step's answer */
  gtk_label_set_width_chars (GTK_LABEL (status), 16);
  gtk_label_set_max_width_chars (GTK_LABEL (status), 28);
  gtk_label_set_single_line_mode (GTK_LABEL (status), TRUE);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_add_css_class (status, "numeric");
  self->status_label = GTK_LABEL (status);
  gtk_box_append (GTK_BOX (self), status);

  /* TRANSLATORS: the header's time scale choices: ×1 is real time, ×0.1 ten times slower */
  speed = gtk_drop_down_new_from_strings ((const char * const[]) { C_("speed", "×1"),
                                                                    C_("speed", "×0.5"),
                                                                    C_("speed", "×0.2"),
                                                                    C_("speed", "×0.1"),
                                                                    NULL });
  gtk_widget_set_tooltip_text (speed, _("Speed of the demos: slow motion stretches sleeps, "
                                        "server delays and work; times shown stay real"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (speed), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Speed"), -1);
  self->speed_dropdown = GTK_DROP_DOWN (speed);
  settings = fl_settings_get ();
  if (settings != NULL)
    {
      g_autofree char *text = g_settings_get_string (settings, "time-scale");

      gtk_drop_down_set_selected (self->speed_dropdown, speed_index (text));
      self->settings_handler = g_signal_connect_object (settings, "changed::time-scale",
                                                        G_CALLBACK (speed_setting_cb), self,
                                                        G_CONNECT_SWAPPED);
    }
  else
    {
      double current = fl_run_get_default_time_scale ();

      for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
        if (G_APPROX_VALUE (g_ascii_strtod (speeds[i], NULL), current, 1e-9))
          gtk_drop_down_set_selected (self->speed_dropdown, i);
    }
  self->speed_handler = g_signal_connect_swapped (speed, "notify::selected",
                                                  G_CALLBACK (speed_selected_cb), self);
  gtk_box_append (GTK_BOX (self), speed);

  /* "slow motion ×0.1" while the page shows a slowed run. */
  gtk_widget_add_css_class (scale_label, "accent");
  gtk_widget_add_css_class (scale_label, "numeric");
  gtk_widget_set_visible (scale_label, FALSE);
  self->scale_label = GTK_LABEL (scale_label);
  self->shown_scale = 1.0;
  gtk_box_append (GTK_BOX (self), scale_label);

  update (self);
}

/**
 * fl_time_controls_new:
 *
 * Returns: (transfer floating): Pause, Step and the run's pause status, following no page
 *   until fl_time_controls_set_page()
 */
GtkWidget *
fl_time_controls_new (void)
{
  return g_object_new (FL_TYPE_TIME_CONTROLS, NULL);
}

/**
 * fl_time_controls_get_page:
 *
 * Returns: (transfer none) (nullable): the page the controls act on
 */
FlPage *
fl_time_controls_get_page (FlTimeControls *self)
{
  g_return_val_if_fail (FL_IS_TIME_CONTROLS (self), NULL);
  return self->page;
}

/**
 * fl_time_controls_set_page:
 * @page: (nullable): the page whose runs the controls pause and step
 *
 * Makes the controls act on @page and follow it: its current run (#FlPage:run), that
 * run's progress and end, and its pause status (#FlPage::gate-changed). The old page and
 * its run are let go.
 */
void
fl_time_controls_set_page (FlTimeControls *self,
                           FlPage         *page)
{
  g_return_if_fail (FL_IS_TIME_CONTROLS (self));
  g_return_if_fail (page == NULL || FL_IS_PAGE (page));

  if (self->page == page)
    return;
  unwatch_run (self);
  if (self->page != NULL)
    {
      g_clear_signal_handler (&self->gate_handler, self->page);
      g_clear_signal_handler (&self->page_run_handler, self->page);
    }
  g_set_object (&self->page, page);
  if (page != NULL)
    {
      self->gate_handler = g_signal_connect_object (page, "gate-changed", G_CALLBACK (update),
                                                    self, G_CONNECT_SWAPPED);
      self->page_run_handler = g_signal_connect_object (page, "notify::run",
                                                        G_CALLBACK (page_run_cb), self,
                                                        G_CONNECT_SWAPPED);
    }
  watch_run (self);
  update (self);
}

/**
 * fl_time_controls_get_pause_button:
 *
 * Returns: (transfer none): the Pause toggle button
 */
GtkWidget *
fl_time_controls_get_pause_button (FlTimeControls *self)
{
  g_return_val_if_fail (FL_IS_TIME_CONTROLS (self), NULL);
  return GTK_WIDGET (self->pause_button);
}

/**
 * fl_time_controls_get_step_button:
 *
 * Returns: (transfer none): the Step button
 */
GtkWidget *
fl_time_controls_get_step_button (FlTimeControls *self)
{
  g_return_val_if_fail (FL_IS_TIME_CONTROLS (self), NULL);
  return GTK_WIDGET (self->step_button);
}

/**
 * fl_time_controls_get_speed_dropdown:
 *
 * Returns: (transfer none): the Speed choice (×1, ×0.5, ×0.2, ×0.1)
 */
GtkWidget *
fl_time_controls_get_speed_dropdown (FlTimeControls *self)
{
  g_return_val_if_fail (FL_IS_TIME_CONTROLS (self), NULL);
  return GTK_WIDGET (self->speed_dropdown);
}

/**
 * fl_time_controls_get_scale_text:
 *
 * Returns: (nullable): "slow motion ×0.1" while the page shows a slowed run, else %NULL
 */
const char *
fl_time_controls_get_scale_text (FlTimeControls *self)
{
  g_return_val_if_fail (FL_IS_TIME_CONTROLS (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->scale_label)))
    return NULL;
  return gtk_label_get_text (self->scale_label);
}

/**
 * fl_time_controls_get_status:
 *
 * Returns: (nullable): what the status label shows ("Paused", "Paused · started cn"), or
 *   %NULL while it is hidden (the run is not paused)
 */
const char *
fl_time_controls_get_status (FlTimeControls *self)
{
  g_return_val_if_fail (FL_IS_TIME_CONTROLS (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->status_label)))
    return NULL;
  return gtk_label_get_text (self->status_label);
}
