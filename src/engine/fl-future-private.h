/* fl-future-private.h: what executors and combinators use to drive futures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-future.h"
#include "fl-job.h"
#include "fl-trace.h"

G_BEGIN_DECLS

typedef struct _FlDispatcher FlDispatcher;
typedef struct _FlWaiter FlWaiter;
typedef struct _FlGate FlGate;          /* fl-gate.h */

/* A waiter is told, on the completing thread and under the future's lock, that a future
 * reached a terminal state. It must only take its own locks (never a future's) and must
 * not call user code. Removing a waiter takes the future's lock, so once
 * _fl_future_remove_waiter() returns its notify is not running and never will. */
struct _FlWaiter
{
  void (*notify) (FlWaiter *waiter,
                  FlFuture *future);
};

/* The executor's view of one job. */
typedef struct
{
  const FlJobInfo *job;          /* NULL for a plain function */
  GVariant        *args;         /* (transfer full), may be NULL */
  FlFunc           func;
  gpointer         func_data;
  GDestroyNotify   func_destroy;
  const char      *label;
  FlTrace         *trace;
  FlGate          *gate;          /* (nullable): where its lanes stop while paused */
  guint64          id;
  FlLaneKind       executor_kind;
} FlFutureInit;

FlFuture      *_fl_future_new                (const FlFutureInit *init);
gboolean       _fl_future_set_running        (FlFuture           *self,
                                              FlLaneKind          lane_kind,
                                              int                 lane);
void           _fl_future_complete           (FlFuture           *self,
                                              GVariant           *value,
                                              GError             *error);
void           _fl_future_run_sync           (FlFuture           *self,
                                              FlLaneKind          lane_kind,
                                              int                 lane);
GVariant      *_fl_future_invoke             (FlFuture           *self,
                                              GError            **error);
const FlJobInfo *_fl_future_get_job          (FlFuture           *self);
GCancellable  *_fl_future_get_cancellable    (FlFuture           *self);
FlJobProgress *_fl_future_get_progress_sink  (FlFuture           *self);
FlGate        *_fl_future_get_gate           (FlFuture           *self);
GList         *_fl_future_get_queue_link     (FlFuture           *self);
void           _fl_future_set_progress       (FlFuture           *self,
                                              double              fraction,
                                              guint64             bytes);
gboolean       _fl_future_add_waiter         (FlFuture           *self,
                                              FlWaiter           *waiter);
void           _fl_future_remove_waiter      (FlFuture           *self,
                                              FlWaiter           *waiter);
void           _fl_future_deliver            (FlFuture           *self);
gboolean       _fl_context_is_home           (GMainContext       *context);

/* Dispatcher (fl-dispatcher.c) */
FlDispatcher  *_fl_dispatcher_get            (GMainContext       *context);
FlDispatcher  *_fl_dispatcher_ref            (FlDispatcher       *self);
void           _fl_dispatcher_unref          (FlDispatcher       *self);
GMainContext  *_fl_dispatcher_get_context    (FlDispatcher       *self);
void           _fl_dispatcher_queue_future   (FlDispatcher       *self,
                                              FlFuture           *future);
void           _fl_dispatcher_post           (FlDispatcher       *self,
                                              GFunc               func,
                                              gpointer            data,
                                              gpointer            data2);

G_END_DECLS
