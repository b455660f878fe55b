/* fl-prediction-questions.h: the question each page asks before a run, and how its run
 * answers it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"
#include "fl-pipeline.h"
#include "fl-prediction.h"

G_BEGIN_DECLS

FlPrediction *fl_question_flags_new    (FlPage       *page);
FlPrediction *fl_question_compute_new  (FlPage       *page);
FlPrediction *fl_question_map_new      (void);
void          fl_question_map_watch    (FlPrediction *prediction,
                                        FlSpans      *map_spans,
                                        FlSpans      *as_completed_spans);
FlPrediction *fl_question_queue_new    (void);
void          fl_question_queue_watch  (FlPrediction *prediction,
                                        FlPipeline   *pipeline);

G_END_DECLS
