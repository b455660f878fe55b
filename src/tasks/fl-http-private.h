/* fl-http-private.h: shared libsoup sessions and per-request deadlines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

SoupSession  *_fl_http_session_get          (guint          max_conns,
                                             gboolean       for_main_loop);

typedef struct _FlDeadline FlDeadline;

FlDeadline   *_fl_deadline_new              (GCancellable  *parent,
                                             guint          timeout_ms,
                                             GMainContext  *timer_context);
GMainContext *_fl_deadline_thread_context   (void);
GCancellable *_fl_deadline_get_cancellable  (FlDeadline    *self);
gboolean      _fl_deadline_expired          (FlDeadline    *self);
void          _fl_deadline_free             (FlDeadline    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlDeadline, _fl_deadline_free)

G_END_DECLS
