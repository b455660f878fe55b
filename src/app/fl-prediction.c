/* fl-prediction.c: predict, then reveal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card a page puts above its run: one question, an answer control (a slider or a choice),
 * and, once the run has measured the answer, the guess beside the result. The card knows
 * nothing about runs: the page's question code (fl-prediction-questions.c) locks it when a
 * run starts and reveals the figure it measured from that run's spans. A run that starts
 * while the class is still thinking takes the answer as it stands.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "fl-a11y.h"
#include "fl-prediction.h"

/* A slider guess within this share of the measured value counts as right. */
#define CLOSE_ENOUGH 0.2

struct _FlPrediction
{
  AdwBin             parent_instance;

  /* borrowed: children of the card */
  GtkLabel          *question_label;
  GtkScale          *scale;
  GtkDropDown       *dropdown;
  GtkButton         *lock_button;
  GtkLabel          *status_label;
  GtkButton         *again_button;

  /* owned */
  char              *question;
  char              *format;
  GStrv              choices;
  FlPredictionState  state;
  double             guess;
  double             measured;
  gboolean           right;
};

enum
{
  LOCKED,
  RESET,
  REVEALED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlPrediction, fl_prediction, ADW_TYPE_BIN)

/**
 * fl_prediction_format:
 *
 * Returns: (transfer full): @value as the answer control shows it (the slider's format, or
 *   the choice's text)
 */
char *
fl_prediction_format (FlPrediction *self,
                      double        value)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), NULL);

  if (self->choices != NULL)
    {
      guint n = g_strv_length (self->choices);
      guint index = value < 0 ? 0 : (guint) value;

      return g_strdup (index < n ? self->choices[index] : "");
    }
  /* The format comes from our own callers, never from a file. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return g_strdup_printf (self->format, value);
#pragma GCC diagnostic pop
}

static char *
scale_format_cb (GtkScale *scale,
                 double    value,
                 gpointer  user_data)
{
  return fl_prediction_format (FL_PREDICTION (user_data), value);
}

static void
show_state (FlPrediction *self)
{
  gboolean asking = self->state == FL_PREDICTION_ASKING;
  GtkWidget *control = self->scale != NULL ? GTK_WIDGET (self->scale)
                                           : GTK_WIDGET (self->dropdown);

  gtk_widget_set_sensitive (control, asking);
  gtk_widget_set_visible (GTK_WIDGET (self->lock_button), asking);
  gtk_widget_set_visible (GTK_WIDGET (self->again_button), !asking);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), !asking);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning");
  if (self->state == FL_PREDICTION_REVEALED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label),
                              self->right ? "success" : "warning");
}

static void
lock_clicked_cb (FlPrediction *self)
{
  fl_prediction_lock (self);
}

static void
again_clicked_cb (FlPrediction *self)
{
  fl_prediction_reset (self);
}

static void
fl_prediction_finalize (GObject *object)
{
  FlPrediction *self = FL_PREDICTION (object);

  g_free (self->question);
  g_free (self->format);
  g_strfreev (self->choices);

  G_OBJECT_CLASS (fl_prediction_parent_class)->finalize (object);
}

static void
fl_prediction_class_init (FlPredictionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_prediction_finalize;

  /**
   * FlPrediction::locked:
   *
   * The guess is taken: from now on the answer control is read-only.
   */
  signals[LOCKED] = g_signal_new ("locked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FlPrediction::reset:
   *
   * Asked again: whatever the question code measured so far is to be forgotten.
   */
  signals[RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FlPrediction::revealed:
   *
   * The measured result is shown beside the guess.
   */
  signals[REVEALED] = g_signal_new ("revealed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "prediction");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fl_prediction_init (FlPrediction *self)
{
}

static FlPrediction *
prediction_new (const char *question,
                GtkWidget  *control)
{
  FlPrediction *self = g_object_new (FL_TYPE_PREDICTION, NULL);
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *result_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label;

  self->question = g_strdup (question);
  gtk_widget_add_css_class (card, "card");
  g_object_set (card, "margin-top", 6, "margin-bottom", 6, NULL);
  g_object_set (row, "margin-start", 12, "margin-end", 12, "margin-top", 8, NULL);
  g_object_set (result_row, "margin-start", 12, "margin-end", 12, "margin-bottom", 8, NULL);

  /* No icon: the theme's question icon is an SVG that does not load everywhere (a broken
   * image on a classroom PC); the bold "Predict:" says what the card is. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Prediction"), -1);
  label = gtk_label_new (NULL);
  {
    g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b> %s", _("Predict:"), question);

    gtk_label_set_markup (GTK_LABEL (label), markup);
  }
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  self->question_label = GTK_LABEL (label);
  gtk_box_append (GTK_BOX (row), label);

  gtk_accessible_update_property (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  question, -1);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row), control);

  self->lock_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Lock In My Guess")));
  gtk_widget_set_valign (GTK_WIDGET (self->lock_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->lock_button),
                               _("Take this answer; starting a run takes it too"));
  g_signal_connect_swapped (self->lock_button, "clicked", G_CALLBACK (lock_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->lock_button));

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_selectable (self->status_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status_label), TRUE);
  gtk_box_append (GTK_BOX (result_row), GTK_WIDGET (self->status_label));
  self->again_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Ask Again")));
  gtk_widget_set_valign (GTK_WIDGET (self->again_button), GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->again_button, "clicked", G_CALLBACK (again_clicked_cb), self);
  gtk_box_append (GTK_BOX (result_row), GTK_WIDGET (self->again_button));

  gtk_box_append (GTK_BOX (card), row);
  gtk_box_append (GTK_BOX (card), result_row);
  adw_bin_set_child (ADW_BIN (self), card);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Prediction"), -1);
  return self;
}

/**
 * fl_prediction_new_scale:
 * @format: a printf format for one double, for the slider and the reveal ("×%.1f")
 *
 * A question answered on a slider from @min to @max.
 */
FlPrediction *
fl_prediction_new_scale (const char *question,
                         double      min,
                         double      max,
                         double      step,
                         double      value,
                         const char *format)
{
  GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, min, max, step);
  FlPrediction *self = prediction_new (question, scale);

  self->scale = GTK_SCALE (scale);
  self->format = g_strdup (format);
  gtk_widget_set_size_request (scale, 220, -1);
  gtk_scale_set_draw_value (self->scale, TRUE);
  gtk_scale_set_value_pos (self->scale, GTK_POS_RIGHT);
  gtk_scale_set_format_value_func (self->scale, scale_format_cb, self, NULL);
  gtk_range_set_value (GTK_RANGE (scale), value);
  show_state (self);
  return self;
}

/**
 * fl_prediction_new_choice:
 * @choices: the answers, already translated
 *
 * A question answered by picking one of @choices.
 */
FlPrediction *
fl_prediction_new_choice (const char         *question,
                          const char * const *choices)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (choices);
  FlPrediction *self = prediction_new (question, dropdown);

  self->dropdown = GTK_DROP_DOWN (dropdown);
  self->choices = g_strdupv ((char **) choices);
  show_state (self);
  return self;
}

const char *
fl_prediction_get_question (FlPrediction *self)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), NULL);
  return self->question;
}

gboolean
fl_prediction_is_choice (FlPrediction *self)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), FALSE);
  return self->choices != NULL;
}

FlPredictionState
fl_prediction_get_state (FlPrediction *self)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), FL_PREDICTION_ASKING);
  return self->state;
}

/**
 * fl_prediction_get_guess:
 *
 * Returns: the slider's value or the index of the chosen answer: as the control shows it
 *   while asking, as it was taken afterwards
 */
double
fl_prediction_get_guess (FlPrediction *self)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), 0);

  if (self->state != FL_PREDICTION_ASKING)
    return self->guess;
  if (self->scale != NULL)
    return gtk_range_get_value (GTK_RANGE (self->scale));
  return gtk_drop_down_get_selected (self->dropdown);
}

/**
 * fl_prediction_set_guess:
 *
 * Moves the answer control, as a student would (only while asking).
 */
void
fl_prediction_set_guess (FlPrediction *self,
                         double        guess)
{
  g_return_if_fail (FL_IS_PREDICTION (self));

  if (self->state != FL_PREDICTION_ASKING)
    return;
  if (self->scale != NULL)
    gtk_range_set_value (GTK_RANGE (self->scale), guess);
  else if (guess >= 0 && guess < g_strv_length (self->choices))
    gtk_drop_down_set_selected (self->dropdown, (guint) guess);
}

static void
set_status (FlPrediction *self,
            const char   *text)
{
  gtk_label_set_text (self->status_label, text);
  show_state (self);
  fl_a11y_announce (GTK_WIDGET (self), text);
}

/**
 * fl_prediction_lock:
 *
 * Takes the answer as the control shows it. Does nothing unless asking, so every run of a
 * page may call it as it starts.
 */
void
fl_prediction_lock (FlPrediction *self)
{
  g_autofree char *guess = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (FL_IS_PREDICTION (self));

  if (self->state != FL_PREDICTION_ASKING)
    return;
  self->guess = fl_prediction_get_guess (self);
  self->state = FL_PREDICTION_LOCKED;
  guess = fl_prediction_format (self, self->guess);
  text = g_strdup_printf (_("Your guess: %s. Run the demo to see what happens."), guess);
  set_status (self, text);
  g_signal_emit (self, signals[LOCKED], 0);
}

/**
 * fl_prediction_set_waiting:
 *
 * While locked: says what the run has measured so far and what is still needed.
 */
void
fl_prediction_set_waiting (FlPrediction *self,
                           const char   *text)
{
  g_autofree char *guess = NULL;
  g_autofree char *full = NULL;

  g_return_if_fail (FL_IS_PREDICTION (self));

  if (self->state != FL_PREDICTION_LOCKED)
    return;
  guess = fl_prediction_format (self, self->guess);
  full = g_strdup_printf (_("Your guess: %s. %s"), guess, text);
  set_status (self, full);
}

static void
reveal (FlPrediction *self,
        const char   *verdict,
        const char   *how)
{
  g_autofree char *text = NULL;

  self->state = FL_PREDICTION_REVEALED;
  text = how != NULL && *how != '\0' ? g_strdup_printf ("%s\n%s", verdict, how)
                                     : g_strdup (verdict);
  set_status (self, text);
  g_signal_emit (self, signals[REVEALED], 0);
}

/**
 * fl_prediction_reveal_value:
 * @measured: what the run measured, in the slider's unit
 * @how: (nullable): one line saying where the figure comes from
 *
 * Shows the slider's guess against @measured. Locks first if still asking.
 */
void
fl_prediction_reveal_value (FlPrediction *self,
                            double        measured,
                            const char   *how)
{
  g_autofree char *guess = NULL;
  g_autofree char *result = NULL;
  g_autofree char *verdict = NULL;

  g_return_if_fail (FL_IS_PREDICTION (self));
  g_return_if_fail (self->scale != NULL);

  fl_prediction_lock (self);
  self->measured = measured;
  self->right = isfinite (measured) && fabs (self->guess - measured) <= CLOSE_ENOUGH * fabs (measured);
  guess = fl_prediction_format (self, self->guess);
  result = fl_prediction_format (self, measured);
  if (self->right)
    verdict = g_strdup_printf (_("You guessed %s; the run measured %s. Close: within 20 %%."),
                               guess, result);
  else
    verdict = g_strdup_printf (_("You guessed %s; the run measured %s."), guess, result);
  reveal (self, verdict, how);
}

/**
 * fl_prediction_reveal_choice:
 * @right_mask: bit i set when answer i is what the run showed (never 0)
 * @how: (nullable): one line saying what the run showed
 *
 * Shows the chosen answer against the right one(s). Locks first if still asking.
 */
void
fl_prediction_reveal_choice (FlPrediction *self,
                             guint         right_mask,
                             const char   *how)
{
  g_autofree char *guess = NULL;
  g_autofree char *verdict = NULL;
  guint first = 0;

  g_return_if_fail (FL_IS_PREDICTION (self));
  g_return_if_fail (self->choices != NULL && right_mask != 0);

  fl_prediction_lock (self);
  while ((right_mask & (1u << first)) == 0)
    first++;
  self->measured = first;
  self->right = (right_mask & (1u << (guint) self->guess)) != 0;
  guess = fl_prediction_format (self, self->guess);
  if (self->right)
    verdict = g_strdup_printf (_("You guessed “%s”: right."), guess);
  else
    {
      g_autofree char *answer = fl_prediction_format (self, first);

      verdict = g_strdup_printf (_("You guessed “%s”; the run says “%s”."), guess, answer);
    }
  reveal (self, verdict, how);
}

/**
 * fl_prediction_reset:
 *
 * Asks again: the control is live, the result hidden, and ::reset tells the question code
 * to forget what it measured.
 */
void
fl_prediction_reset (FlPrediction *self)
{
  g_return_if_fail (FL_IS_PREDICTION (self));

  self->state = FL_PREDICTION_ASKING;
  self->measured = 0;
  self->right = FALSE;
  gtk_label_set_text (self->status_label, "");
  show_state (self);
  g_signal_emit (self, signals[RESET], 0);
}

/**
 * fl_prediction_get_measured:
 *
 * Returns: once revealed, the measured value (a choice: the index of the first right answer)
 */
double
fl_prediction_get_measured (FlPrediction *self)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), 0);
  return self->measured;
}

gboolean
fl_prediction_get_right (FlPrediction *self)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), FALSE);
  return self->state == FL_PREDICTION_REVEALED && self->right;
}

/**
 * fl_prediction_get_status_text:
 *
 * Returns: the card's result line (empty while asking)
 */
const char *
fl_prediction_get_status_text (FlPrediction *self)
{
  g_return_val_if_fail (FL_IS_PREDICTION (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/**
 * fl_prediction_insert_after:
 * @sibling: a widget in a GtkBox of the page (its status line)
 *
 * The page's hook: puts the card right after @sibling.
 */
void
fl_prediction_insert_after (FlPrediction *self,
                            GtkWidget    *sibling)
{
  GtkWidget *parent = gtk_widget_get_parent (sibling);

  g_return_if_fail (GTK_IS_BOX (parent));
  gtk_box_insert_child_after (GTK_BOX (parent), GTK_WIDGET (self), sibling);
}

/**
 * fl_prediction_find:
 *
 * Returns: (transfer none) (nullable): the first prediction card under @root
 */
FlPrediction *
fl_prediction_find (GtkWidget *root)
{
  if (FL_IS_PREDICTION (root))
    return FL_PREDICTION (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      FlPrediction *found = fl_prediction_find (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * fl_prediction_measure_seconds:
 * @seconds: (out): from the first submit to the last end, of the futures of @spans
 *
 * The total time of a run as its spans record it (marks are not counted), as far as they
 * are folded: this never folds, so it is safe in a ::changed handler.
 *
 * Returns: %TRUE when @spans has futures and every one has ended
 */
gboolean
fl_prediction_measure_seconds (FlSpans *spans,
                               double  *seconds)
{
  gint64 extent;

  if (!fl_spans_get_futures_extent (spans, &extent))
    return FALSE;
  *seconds = extent / (double) G_USEC_PER_SEC;
  return TRUE;
}

/**
 * fl_prediction_first_finished:
 *
 * Returns: (nullable): the future of @spans that finished first with a value, once every
 *   future of @spans has ended
 */
const FlSpan *
fl_prediction_first_finished (FlSpans *spans)
{
  const FlSpan *first = NULL;

  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);

      if (span->kind != FL_SPAN_FUTURE)
        continue;
      if (!fl_span_is_done (span))
        return NULL;
      if (span->state == FL_FUTURE_FINISHED && (first == NULL || span->finished < first->finished))
        first = span;
    }
  return first;
}
