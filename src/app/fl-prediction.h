/* fl-prediction.h: predict, then reveal: one question before a run, guess against result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

/**
 * FlPredictionState:
 * @FL_PREDICTION_ASKING: the answer control is live
 * @FL_PREDICTION_LOCKED: the guess is taken (a run started, or "Lock In"); waiting for
 *   the figure the run measures
 * @FL_PREDICTION_REVEALED: guess and measured result are shown side by side
 */
typedef enum
{
  FL_PREDICTION_ASKING,
  FL_PREDICTION_LOCKED,
  FL_PREDICTION_REVEALED,
} FlPredictionState;

#define FL_TYPE_PREDICTION (fl_prediction_get_type ())
G_DECLARE_FINAL_TYPE (FlPrediction, fl_prediction, FL, PREDICTION, AdwBin)

FlPrediction     *fl_prediction_new_scale      (const char         *question,
                                                double              min,
                                                double              max,
                                                double              step,
                                                double              value,
                                                const char         *format);
FlPrediction     *fl_prediction_new_choice     (const char         *question,
                                                const char * const *choices);
const char       *fl_prediction_get_question   (FlPrediction       *self);
gboolean          fl_prediction_is_choice      (FlPrediction       *self);
FlPredictionState fl_prediction_get_state      (FlPrediction       *self);
double            fl_prediction_get_guess      (FlPrediction       *self);
void              fl_prediction_set_guess      (FlPrediction       *self,
                                                double              guess);
char             *fl_prediction_format         (FlPrediction       *self,
                                                double              value);
void              fl_prediction_lock           (FlPrediction       *self);
void              fl_prediction_set_waiting    (FlPrediction       *self,
                                                const char         *text);
void              fl_prediction_reveal_value   (FlPrediction       *self,
                                                double              measured,
                                                const char         *how);
void              fl_prediction_reveal_choice  (FlPrediction       *self,
                                                guint               right_mask,
                                                const char         *how);
void              fl_prediction_reset          (FlPrediction       *self);
double            fl_prediction_get_measured   (FlPrediction       *self);
gboolean          fl_prediction_get_right      (FlPrediction       *self);
const char       *fl_prediction_get_status_text (FlPrediction      *self);

void              fl_prediction_insert_after   (FlPrediction       *self,
                                                GtkWidget          *sibling);
FlPrediction     *fl_prediction_find           (GtkWidget          *root);

gboolean          fl_prediction_measure_seconds (FlSpans           *spans,
                                                 double            *seconds);
const FlSpan     *fl_prediction_first_finished (FlSpans            *spans);

G_END_DECLS
