/* fl-queue-page.h: producers and consumers around a bounded queue, back-pressure visible
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"
#include "futures-lab-tasks.h"

G_BEGIN_DECLS

#define FL_TYPE_QUEUE_PAGE (fl_queue_page_get_type ())
G_DECLARE_FINAL_TYPE (FlQueuePage, fl_queue_page, FL, QUEUE_PAGE, FlPage)

void        fl_queue_page_set_shape      (FlQueuePage     *self,
                                          guint            producers,
                                          guint            consumers,
                                          guint            capacity,
                                          guint            items);
void        fl_queue_page_set_rates      (FlQueuePage     *self,
                                          double           produce_rate,
                                          double           consume_rate,
                                          double           jitter);
FlPipeline *fl_queue_page_get_pipeline   (FlQueuePage     *self);
gboolean    fl_queue_page_is_running     (FlQueuePage     *self);
gboolean    fl_queue_page_get_final      (FlQueuePage     *self,
                                          FlPipelineStats *stats,
                                          gboolean        *stopped);
const char *fl_queue_page_get_verdict    (FlQueuePage     *self);

G_END_DECLS
