/* fl-loiter.h: the loiter lesson's transcript, shared by the map page and `cli loiter`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "futures-lab-engine.h"

G_BEGIN_DECLS

typedef enum
{
  FL_LOITER_STARTED = 1,
  FL_LOITER_DONE    = 2,
} FlLoiterEvent;

/* Called once per transition, in the order the transitions happened on the workers:
 * @monotonic is when it happened, @text the transcript line (without its time stamp). */
typedef void (*FlLoiterSayFunc) (gint64         monotonic,
                                 FlLoiterEvent  event,
                                 guint          index,
                                 guint          n,
                                 const char    *text,
                                 gpointer       user_data);

typedef struct _FlLoiterTranscript FlLoiterTranscript;

FlLoiterTranscript *fl_loiter_transcript_new      (GPtrArray          *futures,
                                                   guint               unit_ms,
                                                   FlLoiterSayFunc     say,
                                                   gpointer            user_data);
void                fl_loiter_transcript_catch_up (FlLoiterTranscript *self);
void                fl_loiter_transcript_free     (FlLoiterTranscript *self);

GPtrArray          *fl_loiter_args                (guint               jobs,
                                                   guint               unit_ms,
                                                   gboolean            longest_first);
guint               fl_loiter_n_of                (GVariant           *args);
guint               fl_loiter_n                   (FlFuture           *future);
char               *fl_loiter_result_text         (gboolean            is_map,
                                                   guint               index,
                                                   guint               n,
                                                   guint               value);
char               *fl_loiter_stamp               (gint64              monotonic);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlLoiterTranscript, fl_loiter_transcript_free)

G_END_DECLS
