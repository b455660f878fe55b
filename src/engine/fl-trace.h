/* fl-trace.h: submit/start/finish events of futures, recorded from any thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fl-types.h"

G_BEGIN_DECLS

/**
 * FlTraceEventKind:
 * @FL_TRACE_SUBMIT: a future was submitted; @text is its label
 * @FL_TRACE_START: a lane started running it
 * @FL_TRACE_FINISH: it ended; @state says how, @text is the error message if it failed
 * @FL_TRACE_OUTCOME: what an ended future means to the lesson (@state holds an #FlOutcome),
 *   recorded by whoever knows better than the state alone (a 404 is FINISHED but not found)
 * @FL_TRACE_MARK_BEGIN: a mark began on a lane; @text is its label
 * @FL_TRACE_MARK_END: the mark ended; @text, if any, is a detail
 */
typedef enum
{
  FL_TRACE_SUBMIT,
  FL_TRACE_START,
  FL_TRACE_FINISH,
  FL_TRACE_OUTCOME,
  FL_TRACE_MARK_BEGIN,
  FL_TRACE_MARK_END,
} FlTraceEventKind;

/**
 * FlOutcome:
 * @FL_OUTCOME_NONE: not ended yet
 * @FL_OUTCOME_OK: finished with a value
 * @FL_OUTCOME_NOT_FOUND: finished, but what it asked for does not exist (HTTP 404)
 * @FL_OUTCOME_FAILED: ended with an error
 * @FL_OUTCOME_CANCELLED: cancelled
 *
 * The four endings the flags2 scripts count; every view shows them apart.
 */
typedef enum
{
  FL_OUTCOME_NONE,
  FL_OUTCOME_OK,
  FL_OUTCOME_NOT_FOUND,
  FL_OUTCOME_FAILED,
  FL_OUTCOME_CANCELLED,
} FlOutcome;

/* Mark ids live apart from future ids (which count up from 1). */
#define FL_TRACE_MARK_ID_BASE (G_GUINT64_CONSTANT (1) << 62)

/**
 * FlTraceEvent:
 * @time_us: g_get_monotonic_time() when it happened
 * @future_id: the future's id
 * @kind: submit, start or finish
 * @lane_kind: where it ran (start, finish)
 * @lane: lane index within @lane_kind, or -1
 * @state: the future's state after the event
 * @text: for SUBMIT the label, for a failed FINISH the error message; owned by the trace
 */
typedef struct
{
  gint64            time_us;
  guint64           future_id;
  const char       *text;
  guint64           bytes;
  gint32            lane;
  guint8            kind;
  guint8            lane_kind;
  guint8            state;
} FlTraceEvent;

#define FL_TYPE_TRACE (fl_trace_get_type ())
G_DECLARE_FINAL_TYPE (FlTrace, fl_trace, FL, TRACE, GObject)

FlTrace     *fl_trace_new              (const char        *title);
const char  *fl_trace_get_title        (FlTrace           *self);
gint64       fl_trace_get_origin       (FlTrace           *self);
void         fl_trace_set_time_scale   (FlTrace           *self,
                                        double             scale);
double       fl_trace_get_time_scale   (FlTrace           *self);
void         fl_trace_record           (FlTrace           *self,
                                        FlTraceEventKind   kind,
                                        guint64            future_id,
                                        FlLaneKind         lane_kind,
                                        int                lane,
                                        FlFutureState      state,
                                        gint64             time_us,
                                        const char        *text,
                                        guint64            bytes);
guint        fl_trace_get_n_events     (FlTrace           *self);
gboolean     fl_trace_get_event        (FlTrace           *self,
                                        guint              index,
                                        FlTraceEvent      *event);
void         fl_trace_set_metadata     (FlTrace           *self,
                                        const char        *key,
                                        const char        *value);
const char  *fl_trace_get_metadata     (FlTrace           *self,
                                        const char        *key);
GStrv        fl_trace_list_metadata    (FlTrace           *self);

void         fl_trace_record_outcome   (FlTrace           *self,
                                        guint64            future_id,
                                        FlOutcome          outcome);
guint64      fl_trace_mark_begin       (FlTrace           *self,
                                        FlLaneKind         lane_kind,
                                        int                lane,
                                        const char        *label);
void         fl_trace_mark_end         (FlTrace           *self,
                                        guint64            mark_id,
                                        const char        *detail);
void         fl_trace_mark             (FlTrace           *self,
                                        FlLaneKind         lane_kind,
                                        int                lane,
                                        gint64             begin_us,
                                        gint64             end_us,
                                        const char        *label,
                                        const char        *detail);

char        *fl_trace_to_chrome_json   (FlTrace           *self,
                                        gsize             *length);
char        *fl_trace_to_csv           (FlTrace           *self,
                                        gsize             *length);
gboolean     fl_trace_save             (FlTrace           *self,
                                        const char        *path,
                                        GError           **error);
FlTrace     *fl_trace_load             (const char        *path,
                                        GError           **error);
FlTrace     *fl_trace_load_from_data   (const char        *data,
                                        gssize             length,
                                        const char        *name,
                                        GError           **error);

G_END_DECLS
