/* fl-inline-executor.h: runs each job on the submitting thread, right away
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-executor.h"

G_BEGIN_DECLS

#define FL_TYPE_INLINE_EXECUTOR (fl_inline_executor_get_type ())
G_DECLARE_FINAL_TYPE (FlInlineExecutor, fl_inline_executor, FL, INLINE_EXECUTOR, FlExecutor)

FlExecutor *fl_inline_executor_new (void);

G_END_DECLS
