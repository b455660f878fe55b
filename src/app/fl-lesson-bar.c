/* fl-lesson-bar.c: the lesson under way: its step, the teacher's note, the step's runs,
 * Previous and Next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One bar per main window, under its pages. A step opens its page, sets the page's
 * controls from the lesson (the same controls the class sees change), asks the page's
 * question when the step has one, and offers the step's runs as buttons bound to app.run,
 * so a run from the bar is exactly the page's own.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-lesson-bar.h"
#include "fl-prediction.h"

#define BAR_KEY "fl-lesson-bar"

struct _FlLessonBar
{
  AdwBin       parent_instance;

  /* borrowed: children */
  GtkLabel    *title_label;
  GtkLabel    *note_label;
  GtkBox      *runs_box;
  GtkButton   *previous_button;
  GtkButton   *next_button;

  /* borrowed */
  FlWindow    *window;

  /* owned */
  FlLesson    *lesson;
  guint        step;
};

G_DEFINE_FINAL_TYPE (FlLessonBar, fl_lesson_bar, ADW_TYPE_BIN)

static void
show_error (FlLessonBar  *self,
            const GError *error)
{
  FlPage *page = fl_window_get_visible_page (self->window);

  if (page != NULL)
    fl_page_show_error (page, error);
  else
    g_warning ("%s", error->message);
}

static void
go_relative (FlLessonBar *self,
             int          delta)
{
  g_autoptr(GError) error = NULL;

  if (self->lesson == NULL
      || (delta < 0 && self->step == 0)
      || (delta > 0 && self->step + 1 >= fl_lesson_get_n_steps (self->lesson)))
    return;
  if (!fl_lesson_bar_go (self, self->step + delta, &error))
    show_error (self, error);
}

static void
previous_clicked_cb (FlLessonBar *self)
{
  go_relative (self, -1);
}

static void
next_clicked_cb (FlLessonBar *self)
{
  go_relative (self, +1);
}

static void
close_clicked_cb (FlLessonBar *self)
{
  fl_lesson_bar_set_lesson (self, NULL);
}

static void
fl_lesson_bar_dispose (GObject *object)
{
  FlLessonBar *self = FL_LESSON_BAR (object);

  g_clear_object (&self->lesson);

  G_OBJECT_CLASS (fl_lesson_bar_parent_class)->dispose (object);
}

static void
fl_lesson_bar_class_init (FlLessonBarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fl_lesson_bar_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "lessonbar");
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_TOOLBAR);
}

static GtkButton *
icon_button (const char *icon,
             const char *label,
             GCallback   callback,
             gpointer    self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", callback, self);
  return GTK_BUTTON (button);
}

static void
fl_lesson_bar_init (FlLessonBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name ("user-bookmarks-symbolic");

  g_object_set (box, "margin-start", 12, "margin-end", 12, "margin-top", 6, "margin-bottom", 6,
                NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "toolbar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Lesson"), -1);
  gtk_box_append (GTK_BOX (box), icon);

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0);
  gtk_label_set_wrap (self->title_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "heading");
  self->note_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->note_label, 0);
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_label_set_selectable (self->note_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (self->title_label));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (self->note_label));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  self->runs_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  gtk_widget_set_valign (GTK_WIDGET (self->runs_box), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->runs_box));

  self->previous_button = icon_button ("go-previous-symbolic", _("Previous Step"),
                                       G_CALLBACK (previous_clicked_cb), self);
  self->next_button = icon_button ("go-next-symbolic", _("Next Step"),
                                   G_CALLBACK (next_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->previous_button));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->next_button));
  gtk_box_append (GTK_BOX (box),
                  GTK_WIDGET (icon_button ("window-close-symbolic", _("Close the Lesson"),
                                           G_CALLBACK (close_clicked_cb), self)));

  adw_bin_set_child (ADW_BIN (self), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Lesson"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/**
 * fl_lesson_bar_get:
 *
 * Returns: (transfer none): @window's lesson bar, made (hidden) under its pages the first
 *   time
 */
FlLessonBar *
fl_lesson_bar_get (FlWindow *window)
{
  FlLessonBar *self = g_object_get_data (G_OBJECT (window), BAR_KEY);
  GObject *content;

  if (self != NULL)
    return self;
  self = g_object_new (FL_TYPE_LESSON_BAR, NULL);
  self->window = window;
  /* The window's right-hand column (header bar, then the pages) is its "content" box. */
  content = gtk_widget_get_template_child (GTK_WIDGET (window), FL_TYPE_WINDOW, "content");
  g_return_val_if_fail (GTK_IS_BOX (content), NULL);
  gtk_box_append (GTK_BOX (content), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self));
  g_object_set_data (G_OBJECT (window), BAR_KEY, self);
  return self;
}

/**
 * fl_lesson_bar_set_lesson:
 * @lesson: (nullable): %NULL closes the lesson
 *
 * Shows @lesson's first step (or hides the bar).
 */
void
fl_lesson_bar_set_lesson (FlLessonBar *self,
                          FlLesson    *lesson)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FL_IS_LESSON_BAR (self));

  g_set_object (&self->lesson, lesson);
  gtk_widget_set_visible (GTK_WIDGET (self), lesson != NULL);
  gtk_widget_set_visible (gtk_widget_get_prev_sibling (GTK_WIDGET (self)), lesson != NULL);
  if (lesson != NULL && !fl_lesson_bar_go (self, 0, &error))
    show_error (self, error);
}

FlLesson *
fl_lesson_bar_get_lesson (FlLessonBar *self)
{
  g_return_val_if_fail (FL_IS_LESSON_BAR (self), NULL);
  return self->lesson;
}

guint
fl_lesson_bar_get_step (FlLessonBar *self)
{
  g_return_val_if_fail (FL_IS_LESSON_BAR (self), 0);
  return self->step;
}

/**
 * fl_lesson_bar_get_text:
 *
 * Returns: the bar's title line (lesson, step, minutes, step title)
 */
const char *
fl_lesson_bar_get_text (FlLessonBar *self)
{
  g_return_val_if_fail (FL_IS_LESSON_BAR (self), NULL);
  return gtk_label_get_text (self->title_label);
}

static void
show_step (FlLessonBar        *self,
           const FlLessonStep *step)
{
  guint n = fl_lesson_get_n_steps (self->lesson);
  g_autofree char *title = NULL;
  GtkWidget *child;

  if (step->minutes > 0)
    title = g_strdup_printf (_("%s · step %u of %u (%u min): %s"),
                             fl_lesson_get_title (self->lesson), self->step + 1, n, step->minutes,
                             step->title);
  else
    title = g_strdup_printf (_("%s · step %u of %u: %s"), fl_lesson_get_title (self->lesson),
                             self->step + 1, n, step->title);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->note_label, step->note != NULL ? step->note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), step->note != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), self->step > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->step + 1 < n);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->runs_box))) != NULL)
    gtk_box_remove (self->runs_box, child);
  for (guint i = 0; i < step->runs->len; i++)
    {
      const FlLessonRun *run = g_ptr_array_index (step->runs, i);
      g_autofree char *label = run->label != NULL ? g_strdup (run->label)
                                                  : g_strdup_printf (_("Run “%s”"), run->mode);
      GtkWidget *button = gtk_button_new_with_label (label);

      /* The page's own run, as its button and D-Bus do (errors shown on the page). */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.run");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", step->page, run->mode);
      if (i == 0)
        gtk_widget_add_css_class (button, "suggested-action");
      gtk_box_append (self->runs_box, button);
    }
}

/**
 * fl_lesson_bar_go:
 *
 * Opens step @index: its page, with its settings, its question asked.
 *
 * Returns: %FALSE with @error when the step cannot be set up (its page is left as far as
 *   it got)
 */
gboolean
fl_lesson_bar_go (FlLessonBar  *self,
                  guint         index,
                  GError      **error)
{
  g_return_val_if_fail (FL_IS_LESSON_BAR (self), FALSE);
  g_return_val_if_fail (self->lesson != NULL, FALSE);
  g_return_val_if_fail (index < fl_lesson_get_n_steps (self->lesson), FALSE);

  self->step = index;
  show_step (self, fl_lesson_get_step (self->lesson, index));
  return fl_lesson_apply_step (self->window, self->lesson, index, error);
}

static gboolean
apply_number (GtkWidget  *widget,
              const char *key,
              double      value,
              GString    *problem)
{
  GtkAdjustment *adjustment = NULL;

  if (GTK_IS_SPIN_BUTTON (widget))
    adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget));
  else if (GTK_IS_RANGE (widget))
    adjustment = gtk_range_get_adjustment (GTK_RANGE (widget));
  if (adjustment == NULL)
    return FALSE;
  if (value < gtk_adjustment_get_lower (adjustment)
      || value > gtk_adjustment_get_upper (adjustment))
    {
      g_string_printf (problem, _("“%s” is %g, outside %g–%g"), key, value,
                       gtk_adjustment_get_lower (adjustment),
                       gtk_adjustment_get_upper (adjustment));
      return FALSE;
    }
  gtk_adjustment_set_value (adjustment, value);
  return TRUE;
}

static gboolean
apply_setting (FlPage                *page,
               const FlLessonSetting *setting,
               GString               *problem)
{
  const FlLessonSettingInfo *info = setting->info;
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), G_OBJECT_TYPE (page),
                                                   info->widget);
  GtkWidget *widget = GTK_IS_WIDGET (object) ? GTK_WIDGET (object) : NULL;

  g_string_printf (problem, _("the page has no control for “%s”"), info->key);
  if (widget == NULL)
    return FALSE;
  switch (info->kind)
    {
    case FL_LESSON_SETTING_NUMBER:
      return apply_number (widget, info->key, g_variant_get_double (setting->value), problem);
    case FL_LESSON_SETTING_CHOICE:
      if (!GTK_IS_DROP_DOWN (widget))
        return FALSE;
      gtk_drop_down_set_selected (GTK_DROP_DOWN (widget), g_variant_get_uint32 (setting->value));
      return TRUE;
    case FL_LESSON_SETTING_TEXT:
      if (!GTK_IS_EDITABLE (widget))
        return FALSE;
      gtk_editable_set_text (GTK_EDITABLE (widget), g_variant_get_string (setting->value, NULL));
      return TRUE;
    case FL_LESSON_SETTING_BOOL:
    default:
      if (!GTK_IS_CHECK_BUTTON (widget))
        return FALSE;
      gtk_check_button_set_active (GTK_CHECK_BUTTON (widget),
                                   g_variant_get_boolean (setting->value));
      return TRUE;
    }
}

/**
 * fl_lesson_apply_step:
 *
 * Shows step @index's page in @window, sets its controls and, if the step asks, resets
 * the page's question. Runs are left to the teacher (the bar's buttons).
 *
 * Returns: %FALSE with @error naming the lesson, the step and what went wrong
 */
gboolean
fl_lesson_apply_step (FlWindow  *window,
                      FlLesson  *lesson,
                      guint      index,
                      GError   **error)
{
  const FlLessonStep *step = fl_lesson_get_step (lesson, index);
  g_autoptr(GString) problem = g_string_new (NULL);
  FlPage *page = fl_window_get_page (window, step->page);

  if (page == NULL || !fl_window_show_demo (window, step->page))
    {
      g_set_error (error, FL_LESSON_ERROR, 0, _("%s: step %u: there is no page “%s”"),
                   fl_lesson_get_name (lesson), index + 1, step->page);
      return FALSE;
    }
  for (guint i = 0; i < step->settings->len; i++)
    if (!apply_setting (page, g_ptr_array_index (step->settings, i), problem))
      {
        g_set_error (error, FL_LESSON_ERROR, 0, _("%s: step %u: %s"),
                     fl_lesson_get_name (lesson), index + 1, problem->str);
        return FALSE;
      }
  for (guint i = 0; i < step->runs->len; i++)
    {
      const FlLessonRun *run = g_ptr_array_index (step->runs, i);

      if (!fl_page_has_mode (page, run->mode))
        {
          g_autofree char *modes = g_strjoinv (", ", (char **) fl_page_get_modes (page));

          g_set_error (error, FL_LESSON_ERROR, 0,
                       _("%s: step %u: the page “%s” has no mode “%s” (its modes: %s)"),
                       fl_lesson_get_name (lesson), index + 1, step->page, run->mode, modes);
          return FALSE;
        }
    }
  if (step->question)
    {
      FlPrediction *prediction = fl_prediction_find (GTK_WIDGET (page));

      if (prediction != NULL)
        fl_prediction_reset (prediction);
    }
  return TRUE;
}

/**
 * fl_lesson_bar_start:
 * @lesson: a shipped lesson's id (fl_lesson_list_shipped()) or a lesson file's path
 *
 * Loads @lesson and opens its first step in @window.
 */
gboolean
fl_lesson_bar_start (FlWindow    *window,
                     const char  *lesson,
                     GError     **error)
{
  g_autoptr(FlLesson) loaded = NULL;

  if (g_strv_contains (fl_lesson_list_shipped (), lesson))
    loaded = fl_lesson_new_shipped (lesson, error);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (lesson);

      loaded = fl_lesson_new_from_file (file, error);
    }
  if (loaded == NULL)
    return FALSE;
  fl_lesson_bar_set_lesson (fl_lesson_bar_get (window), loaded);
  return TRUE;
}

static void
show_load_error (GtkWindow    *parent,
                 const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Cannot Open This Lesson"),
                                              error->message);

  g_printerr ("%s\n", error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
choose_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    FlWindow        *window)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      g_autoptr(FlLesson) lesson = file != NULL ? fl_lesson_new_from_file (file, &error) : NULL;

      if (lesson != NULL)
        fl_lesson_bar_set_lesson (fl_lesson_bar_get (window), lesson);
      else if (error != NULL)
        show_load_error (GTK_WINDOW (window), error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (window);
}

/**
 * fl_lesson_bar_choose_file:
 *
 * Asks for a lesson file (a teacher's own) and opens it in @window.
 */
void
fl_lesson_bar_choose_file (FlWindow *window)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_native_new (_("Open a Lesson"), GTK_WINDOW (window),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Lessons (JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (choose_response_cb), g_object_ref (window));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
