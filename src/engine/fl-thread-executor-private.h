/* fl-thread-executor-private.h: the simulated GIL's lane entry points and the test hooks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-thread-executor.h"

G_BEGIN_DECLS

/* Simulated GIL (fl-thread-executor.c): a lane takes it before a job runs and lets go
 * after, so only the executor's own lanes call these. */
typedef struct _FlGil FlGil;

void _fl_gil_enter_lane (FlGil *gil);
void _fl_gil_leave_lane (void);

/* Points in a lane's life where a test may hold the lane, to make a race deterministic.
 * The hook runs on the lane thread with no lock held. */
typedef enum
{
  FL_THREAD_HOOK_LANE_START,   /* a new lane, before it looks at any job */
  FL_THREAD_HOOK_AFTER_JOB,    /* a job's future is done, the lane has not looked for more */
  FL_THREAD_N_HOOKS
} FlThreadHook;

void _fl_thread_executor_set_hook (FlThreadExecutor *self,
                                   FlThreadHook      point,
                                   GFunc             hook,
                                   gpointer          data);

G_END_DECLS
