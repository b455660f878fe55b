/* fl-process-executor-private.h: test hooks of the process pool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-process-executor.h"

G_BEGIN_DECLS

/* Runs on the lane thread, no lock held, right after the job of a worker that died was
 * settled (failed, or cancelled): lets a test hold the lane there to see what a caller
 * woken by that future sees. */
void _fl_process_executor_set_lost_worker_hook (FlProcessExecutor *self,
                                                GFunc              hook,
                                                gpointer           data);

/* The most workers that were starting at once (spawned, not yet ready) since the pool was
 * made. */
guint _fl_process_executor_get_start_peak (FlProcessExecutor *self);

G_END_DECLS
