/* fl-pipeline.h: P producer threads, a bounded queue, C consumer threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "futures-lab-engine.h"
#include "fl-queue.h"

G_BEGIN_DECLS

#define FL_TYPE_PIPELINE (fl_pipeline_get_type ())
G_DECLARE_FINAL_TYPE (FlPipeline, fl_pipeline, FL, PIPELINE, GObject)

/**
 * FlPipelineStats:
 * @produced: items put on the queue
 * @consumed: items taken and processed (pills not counted)
 * @duplicates: items consumed more than once (must stay 0)
 * @queue_length: items waiting now
 * @queue_max: the most items that ever waited
 * @put_blocked_us: producers' total wait for room (back-pressure)
 * @get_blocked_us: consumers' total wait for items
 * @elapsed_us: since start (until the end, once finished)
 */
typedef struct
{
  guint64 produced;
  guint64 consumed;
  guint64 duplicates;
  guint   queue_length;
  guint   queue_max;
  gint64  put_blocked_us;
  gint64  get_blocked_us;
  gint64  elapsed_us;
} FlPipelineStats;

FlPipeline *fl_pipeline_new              (guint             producers,
                                          guint             consumers,
                                          guint             capacity,
                                          guint64           items);
void        fl_pipeline_set_produce_rate (FlPipeline       *self,
                                          double            items_per_second);
void        fl_pipeline_set_consume_rate (FlPipeline       *self,
                                          double            items_per_second);
void        fl_pipeline_set_jitter       (FlPipeline       *self,
                                          double            jitter);
void        fl_pipeline_set_trace        (FlPipeline       *self,
                                          FlTrace          *trace);
void        fl_pipeline_set_gate         (FlPipeline       *self,
                                          FlGate           *gate);
FlGate     *fl_pipeline_get_gate         (FlPipeline       *self);
gboolean    fl_pipeline_start            (FlPipeline       *self,
                                          GError          **error);
void        fl_pipeline_stop             (FlPipeline       *self);
gboolean    fl_pipeline_is_finished      (FlPipeline       *self);
void        fl_pipeline_get_stats        (FlPipeline       *self,
                                          FlPipelineStats  *stats);
GPtrArray  *fl_pipeline_get_futures      (FlPipeline       *self);
guint       fl_pipeline_get_producers    (FlPipeline       *self);
guint       fl_pipeline_get_consumers    (FlPipeline       *self);
guint       fl_pipeline_get_capacity     (FlPipeline       *self);

G_END_DECLS
