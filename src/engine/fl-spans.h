/* fl-spans.h: a trace folded into one span per future and per mark, exactly once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fl-trace.h"

G_BEGIN_DECLS

/**
 * FlSpanKind:
 * @FL_SPAN_FUTURE: a future: submitted, maybe started, maybe ended
 * @FL_SPAN_MARK: a stretch of time that is not a future (a consumer waiting on a queue, a
 *   blocking call, a stall), with a label and a lane
 */
typedef enum
{
  FL_SPAN_FUTURE,
  FL_SPAN_MARK,
} FlSpanKind;

/**
 * FlSpan:
 * @id: the future's id, or the mark's id (see fl_trace_mark_begin())
 * @label: what it is ("cn", "tile 3"); owned by the trace, may be %NULL
 * @error: for a failed future its error message, for a mark its detail; owned by the trace
 * @queued: when it was submitted (a mark: when it began), in µs from the trace's origin
 * @started: when a lane picked it up, or -1
 * @finished: when it ended, or -1
 * @bytes: bytes the job moved (the largest reported)
 * @lane: the lane's index within @lane_kind (0-based), or -1
 * @lane_kind: an #FlLaneKind
 * @state: the #FlFutureState it ended in, or is in now
 * @outcome: the #FlOutcome once it ended, else %FL_OUTCOME_NONE
 * @kind: an #FlSpanKind
 *
 * One future's life (or one mark) as the views show it. Times are relative to the trace's
 * origin so that a saved run and a live one read the same.
 */
typedef struct
{
  guint64     id;
  const char *label;
  const char *error;
  gint64      queued;
  gint64      started;
  gint64      finished;
  guint64     bytes;
  gint32      lane;
  guint8      lane_kind;
  guint8      state;
  guint8      outcome;
  guint8      kind;
} FlSpan;

/**
 * FlTally:
 * @total: futures submitted (marks are not counted)
 * @queued: submitted, not started
 * @running: started, not ended
 * @done: ended; always @ok + @not_found + @failed + @cancelled
 * @ok: finished with a value
 * @not_found: finished, but what was asked for does not exist (a 404)
 * @failed: ended with an error
 * @cancelled: cancelled, before or while running
 * @bytes: bytes of the ended futures
 *
 * Counts by state and by outcome; @queued + @running + @done is always @total.
 */
typedef struct
{
  guint   total;
  guint   queued;
  guint   running;
  guint   done;
  guint   ok;
  guint   not_found;
  guint   failed;
  guint   cancelled;
  guint64 bytes;
} FlTally;

#define FL_TYPE_SPANS (fl_spans_get_type ())
G_DECLARE_FINAL_TYPE (FlSpans, fl_spans, FL, SPANS, GObject)

FlSpans       *fl_spans_new            (FlTrace       *trace);
FlTrace       *fl_spans_get_trace      (FlSpans       *self);
gboolean       fl_spans_update         (FlSpans       *self);
guint          fl_spans_get_n_spans    (FlSpans       *self);
const FlSpan  *fl_spans_get            (FlSpans       *self,
                                        guint          index);
const FlSpan  *fl_spans_lookup         (FlSpans       *self,
                                        guint64        id,
                                        guint         *index);
void           fl_spans_get_tally      (FlSpans       *self,
                                        FlTally       *tally);
void           fl_spans_tally_at       (FlSpans       *self,
                                        gint64         t,
                                        FlTally       *tally);
gint64         fl_spans_get_last_time  (FlSpans       *self);
gboolean       fl_spans_get_futures_extent (FlSpans   *self,
                                            gint64    *extent);
double         fl_spans_get_time_scale (FlSpans       *self);
gint64         fl_spans_get_now        (FlSpans       *self);
gboolean       fl_spans_is_idle        (FlSpans       *self);
gint64         fl_spans_next_transition (FlSpans      *self,
                                         gint64        t,
                                         int           direction);

FlFutureState  fl_span_state_at        (const FlSpan  *span,
                                        gint64         t);
FlOutcome      fl_span_outcome_at      (const FlSpan  *span,
                                        gint64         t);
gboolean       fl_span_is_done         (const FlSpan  *span);

char          *fl_lane_name            (FlLaneKind     lane_kind,
                                        int            lane);
char          *fl_lane_id              (FlLaneKind     lane_kind,
                                        int            lane);
const char    *fl_outcome_name         (FlOutcome      outcome);
const char    *fl_outcome_symbol       (FlOutcome      outcome);

G_END_DECLS
