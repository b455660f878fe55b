/* fl-inline-executor.c: no pool at all; the job runs inside submit()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is the "sequential" mode, and on the main thread the "freeze the UI" mode: submit
 * returns a future that is already done, and the caller's thread was busy all along.
 */
#include "config.h"

#include "fl-future-private.h"
#include "fl-inline-executor.h"

struct _FlInlineExecutor
{
  FlExecutor parent_instance;
};

G_DEFINE_FINAL_TYPE (FlInlineExecutor, fl_inline_executor, FL_TYPE_EXECUTOR)

static gboolean
fl_inline_executor_schedule (FlExecutor  *executor,
                             FlFuture    *future,
                             GError     **error)
{
  FlLaneKind kind = _fl_context_is_home (g_main_context_default ())
                    ? FL_LANE_MAIN_LOOP : FL_LANE_CALLER;

  _fl_future_run_sync (future, kind, 0);
  return TRUE;
}

static void
fl_inline_executor_shutdown (FlExecutor *executor,
                             gboolean    wait,
                             gboolean    cancel_futures)
{
  /* Nothing is ever queued or running once submit() has returned. */
}

static FlLaneKind
fl_inline_executor_get_lane_kind (FlExecutor *executor)
{
  return FL_LANE_CALLER;
}

static void
fl_inline_executor_class_init (FlInlineExecutorClass *klass)
{
  FlExecutorClass *executor_class = FL_EXECUTOR_CLASS (klass);

  executor_class->schedule = fl_inline_executor_schedule;
  executor_class->shutdown = fl_inline_executor_shutdown;
  executor_class->get_lane_kind = fl_inline_executor_get_lane_kind;
}

static void
fl_inline_executor_init (FlInlineExecutor *self)
{
}

/**
 * fl_inline_executor_new:
 *
 * Returns: (transfer full): an executor that runs each job on the submitting thread
 */
FlExecutor *
fl_inline_executor_new (void)
{
  return g_object_new (FL_TYPE_INLINE_EXECUTOR,
                       "max-workers", 1,
                       "display-name", "inline (sequential)",
                       NULL);
}
