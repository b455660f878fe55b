/* fl-loop-executor.h: async jobs on the main loop under a concurrency limit (asyncio)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-executor.h"

G_BEGIN_DECLS

#define FL_TYPE_LOOP_EXECUTOR (fl_loop_executor_get_type ())
G_DECLARE_FINAL_TYPE (FlLoopExecutor, fl_loop_executor, FL, LOOP_EXECUTOR, FlExecutor)

FlExecutor *fl_loop_executor_new (GMainContext *context,
                                  guint         max_concurrency);

G_END_DECLS
