/* fl-trace.h: submit/start/finish events of futures, recorded from any thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fl-types.h"

G_BEGIN_DECLS

typedef enum
{
  FL_TRACE_SUBMIT,
  FL_TRACE_START,
  FL_TRACE_FINISH,
} FlTraceEventKind;

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

char        *fl_trace_to_chrome_json   (FlTrace           *self,
                                        gsize             *length);
char        *fl_trace_to_csv           (FlTrace           *self,
                                        gsize             *length);
gboolean     fl_trace_save             (FlTrace           *self,
                                        const char        *path,
                                        GError           **error);
FlTrace     *fl_trace_load             (const char        *path,
                                        GError           **error);

G_END_DECLS
