/* fl-executor.h: what every executor does (submit, map, shutdown)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fl-future.h"
#include "fl-trace.h"
#include "fl-gate.h"

G_BEGIN_DECLS

#define FL_TYPE_EXECUTOR (fl_executor_get_type ())
G_DECLARE_DERIVABLE_TYPE (FlExecutor, fl_executor, FL, EXECUTOR, GObject)

/**
 * FlExecutorClass:
 * @schedule: queue @future (PENDING) to run; called without locks held, never after
 *   shutdown has started. Returns %FALSE with @error set to refuse it.
 * @shutdown: stop taking work; with @cancel_futures cancel what has not started; with
 *   @wait block until every running job has finished. Called at most once.
 * @get_lane_kind: where this executor runs jobs
 */
struct _FlExecutorClass
{
  GObjectClass parent_class;

  gboolean   (*schedule)      (FlExecutor  *self,
                               FlFuture    *future,
                               GError     **error);
  void       (*shutdown)      (FlExecutor  *self,
                               gboolean     wait,
                               gboolean     cancel_futures);
  FlLaneKind (*get_lane_kind) (FlExecutor  *self);

  gpointer padding[8];
};

FlFuture   *fl_executor_submit           (FlExecutor      *self,
                                          const char      *job_name,
                                          GVariant        *args,
                                          const char      *label,
                                          GError         **error) G_GNUC_WARN_UNUSED_RESULT;
FlFuture   *fl_executor_submit_func      (FlExecutor      *self,
                                          FlFunc           func,
                                          gpointer         user_data,
                                          GDestroyNotify   destroy,
                                          const char      *label,
                                          GError         **error) G_GNUC_WARN_UNUSED_RESULT;
void        fl_executor_shutdown         (FlExecutor      *self,
                                          gboolean         wait,
                                          gboolean         cancel_futures);
gboolean    fl_executor_is_shutdown      (FlExecutor      *self);
guint       fl_executor_get_max_workers  (FlExecutor      *self);
const char *fl_executor_get_display_name (FlExecutor      *self);
FlLaneKind  fl_executor_get_lane_kind    (FlExecutor      *self);
FlTrace    *fl_executor_get_trace        (FlExecutor      *self);
void        fl_executor_set_trace        (FlExecutor      *self,
                                          FlTrace         *trace);
FlGate     *fl_executor_get_gate         (FlExecutor      *self);
void        fl_executor_set_gate         (FlExecutor      *self,
                                          FlGate          *gate);

guint       fl_default_max_workers       (void);
gboolean    fl_executor_check_max_workers (int            max_workers,
                                           GError       **error);

/* map: results in submission order */
typedef struct _FlMapIter FlMapIter;

FlMapIter  *fl_executor_map              (FlExecutor      *self,
                                          const char      *job_name,
                                          GVariant *const *args,
                                          guint            n_args,
                                          gint64           timeout_us,
                                          GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    fl_map_iter_next             (FlMapIter       *iter,
                                          GVariant       **result,
                                          GError         **error);
void        fl_map_iter_next_async       (FlMapIter       *iter,
                                          GCancellable    *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer         user_data);
gboolean    fl_map_iter_next_finish      (FlMapIter       *iter,
                                          GAsyncResult    *result,
                                          GVariant       **value,
                                          GError         **error);
GPtrArray  *fl_map_iter_dup_futures      (FlMapIter       *iter) G_GNUC_WARN_UNUSED_RESULT;
void        fl_map_iter_free             (FlMapIter       *iter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMapIter, fl_map_iter_free)

G_END_DECLS
