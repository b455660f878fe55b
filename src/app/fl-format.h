/* fl-format.h: times as every view shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "futures-lab-engine.h"

G_BEGIN_DECLS

char *fl_format_duration (gint64 us);
char *fl_format_axis     (gint64 us,
                          gint64 step);

char *fl_format_at_instant (gint64      t,
                            const char *text);

char *fl_format_span_state (const FlSpan *span,
                            gint64        t);

G_END_DECLS
