/* fl-bench-ui.h: futures-lab --bench-ui, the user interface measured by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-application.h"

G_BEGIN_DECLS

void fl_bench_ui_start (FlApplication *app,
                        GtkWindow     *window);

G_END_DECLS
