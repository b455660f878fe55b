/* fl-thread-executor.h: jobs on a pool of worker threads (GThreadPool)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-executor.h"

G_BEGIN_DECLS

#define FL_TYPE_THREAD_EXECUTOR (fl_thread_executor_get_type ())
G_DECLARE_FINAL_TYPE (FlThreadExecutor, fl_thread_executor, FL, THREAD_EXECUTOR, FlExecutor)

FlExecutor *fl_thread_executor_new       (int                max_workers);
void        fl_thread_executor_set_gil   (FlThreadExecutor  *self,
                                          gboolean           simulate_gil);
gboolean    fl_thread_executor_get_gil   (FlThreadExecutor  *self);

/* Simulated GIL, for jobs that want to behave like CPython bytecode: hold the lock while
 * computing and call fl_gil_check() often; it yields every switch interval (5 ms) when
 * another thread waits. Blocking waits (sleep, I/O) go between begin/end_blocking, which
 * let go of the lock as CPython does around system calls. Outside a GIL executor these are
 * no-ops. */
void        fl_gil_check                 (void);
gboolean    fl_gil_active                (void);
void        fl_gil_begin_blocking        (void);
void        fl_gil_end_blocking          (void);

G_END_DECLS
