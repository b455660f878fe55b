/* fl-future.h: the result of a job that may not have run yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fl-types.h"

G_BEGIN_DECLS

#define FL_TYPE_FUTURE (fl_future_get_type ())
G_DECLARE_FINAL_TYPE (FlFuture, fl_future, FL, FUTURE, GObject)

/**
 * FlFutureCallback:
 * @future: the future, done
 * @user_data: what was passed to fl_future_add_done_callback()
 *
 * A done callback. It always runs on the future's home context (the thread-default main
 * context of the thread that submitted it).
 */
typedef void (*FlFutureCallback) (FlFuture *future,
                                  gpointer  user_data);

/**
 * FlFunc:
 *
 * A plain C function for fl_executor_submit_func(): the library-user shortcut around the
 * job registry. It cannot cross into a worker process.
 */
typedef GVariant *(*FlFunc) (gpointer       user_data,
                             GCancellable  *cancellable,
                             GError       **error);

guint64        fl_future_get_id            (FlFuture            *self);
const char    *fl_future_get_label         (FlFuture            *self);
const char    *fl_future_get_job_name      (FlFuture            *self);
GVariant      *fl_future_get_args          (FlFuture            *self);
FlFutureState  fl_future_get_state         (FlFuture            *self);
FlLaneKind     fl_future_get_lane_kind     (FlFuture            *self);
int            fl_future_get_lane          (FlFuture            *self);
gint64         fl_future_get_queued_time   (FlFuture            *self);
gint64         fl_future_get_started_time  (FlFuture            *self);
gint64         fl_future_get_finished_time (FlFuture            *self);
double         fl_future_get_progress      (FlFuture            *self);
guint64        fl_future_get_bytes         (FlFuture            *self);
GMainContext  *fl_future_get_context       (FlFuture            *self);
char          *fl_future_dup_log           (FlFuture            *self);
void           fl_future_append_log        (FlFuture            *self,
                                            const char          *text);

gboolean       fl_future_is_done           (FlFuture            *self);
gboolean       fl_future_is_running        (FlFuture            *self);
gboolean       fl_future_is_cancelled      (FlFuture            *self);

gboolean       fl_future_cancel            (FlFuture            *self);
void           fl_future_request_cancel    (FlFuture            *self);

gboolean       fl_future_wait              (FlFuture            *self,
                                            gint64               timeout_us);
GVariant      *fl_future_result            (FlFuture            *self,
                                            gint64               timeout_us,
                                            GError             **error);
GError        *fl_future_exception         (FlFuture            *self,
                                            gint64               timeout_us,
                                            GError             **error);
GVariant      *fl_future_peek_result       (FlFuture            *self);
const GError  *fl_future_peek_error        (FlFuture            *self);

void           fl_future_wait_async        (FlFuture            *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       fl_future_wait_finish       (FlFuture            *self,
                                            GAsyncResult        *result,
                                            GError             **error);

void           fl_future_add_done_callback (FlFuture            *self,
                                            FlFutureCallback     callback,
                                            gpointer             user_data,
                                            GDestroyNotify       destroy);

G_END_DECLS
