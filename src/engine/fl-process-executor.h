/* fl-process-executor.h: jobs in persistent worker processes (ProcessPoolExecutor)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-executor.h"

G_BEGIN_DECLS

#define FL_TYPE_PROCESS_EXECUTOR (fl_process_executor_get_type ())
G_DECLARE_FINAL_TYPE (FlProcessExecutor, fl_process_executor, FL, PROCESS_EXECUTOR, FlExecutor)

/* The worker binary's name, and the environment variable that overrides its path. */
#define FL_WORKER_NAME     "futures-lab-worker"
#define FL_WORKER_PATH_ENV "FUTURES_LAB_WORKER"

FlExecutor *fl_process_executor_new            (int                 max_workers);
FlExecutor *fl_process_executor_new_full       (int                 max_workers,
                                                gboolean            strict,
                                                const char         *worker_path);
gboolean    fl_process_executor_get_strict     (FlProcessExecutor  *self);
gboolean    fl_process_executor_is_broken      (FlProcessExecutor  *self);
gboolean    fl_process_executor_wait_ready     (FlProcessExecutor  *self,
                                                gint64              timeout_us,
                                                GError            **error);
int         fl_process_executor_get_worker_pid (FlProcessExecutor  *self,
                                                guint               lane);
gboolean    fl_process_executor_kill_worker    (FlProcessExecutor  *self,
                                                guint               lane,
                                                int                 signum);
void        fl_process_executor_terminate      (FlProcessExecutor  *self);
guint       fl_process_executor_get_kill_grace_ms (FlProcessExecutor *self);
void        fl_process_executor_set_kill_grace_ms (FlProcessExecutor *self,
                                                   guint              grace_ms);

char       *fl_process_executor_find_worker    (GError            **error);

G_END_DECLS
