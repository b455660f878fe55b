/* fl-combinators.h: as_completed, wait and gather, blocking and async
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-future.h"

G_BEGIN_DECLS

typedef struct _FlAsCompleted FlAsCompleted;

FlAsCompleted *fl_as_completed_new          (FlFuture *const     *futures,
                                             guint                n_futures,
                                             gint64               timeout_us) G_GNUC_WARN_UNUSED_RESULT;
FlFuture      *fl_as_completed_next         (FlAsCompleted       *self,
                                             GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void           fl_as_completed_next_async   (FlAsCompleted       *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
FlFuture      *fl_as_completed_next_finish  (FlAsCompleted       *self,
                                             GAsyncResult        *result,
                                             GError             **error) G_GNUC_WARN_UNUSED_RESULT;
guint          fl_as_completed_get_remaining (FlAsCompleted      *self);
void           fl_as_completed_free         (FlAsCompleted       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlAsCompleted, fl_as_completed_free)

gboolean       fl_wait                      (FlFuture *const     *futures,
                                             guint                n_futures,
                                             FlWaitMode           mode,
                                             gint64               timeout_us,
                                             GPtrArray          **done,
                                             GPtrArray          **not_done);
void           fl_wait_async                (FlFuture *const     *futures,
                                             guint                n_futures,
                                             FlWaitMode           mode,
                                             gint64               timeout_us,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       fl_wait_finish               (GAsyncResult        *result,
                                             GPtrArray          **done,
                                             GPtrArray          **not_done,
                                             GError             **error);

GPtrArray     *fl_gather                    (FlFuture *const     *futures,
                                             guint                n_futures,
                                             gint64               timeout_us,
                                             GError             **error);
void           fl_gather_async              (FlFuture *const     *futures,
                                             guint                n_futures,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray     *fl_gather_finish             (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
