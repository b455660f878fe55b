/* fl-lessons.h: small jobs the teaching pages are built on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* loiter (uu): n, unit_ms. Does nothing for n units (cancellable) and returns n * 10, as
 * the classic demo_executor_map.py does. Has an async form for the main loop. */
void fl_lessons_register_jobs (void);

G_END_DECLS
