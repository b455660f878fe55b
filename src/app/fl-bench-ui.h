/* fl-bench-ui.h: futures-lab --bench-ui, the user interface measured by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

void fl_bench_ui_start (GApplication  *app,
                        GtkWindow     *window,
                        FlLoopMonitor *monitor,
                        gint64         start_time);

G_END_DECLS
