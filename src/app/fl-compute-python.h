/* fl-compute-python.h: the Compute page's Python version, measured: CPython's real GIL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-speedup-chart.h"

G_BEGIN_DECLS

gboolean fl_compute_python_parse_timings (const char *output,
                                          double     *sequential_s,
                                          double     *threads_s,
                                          double     *processes_s);
gboolean fl_compute_python_add_runs      (FlSpeedupChart *chart,
                                          const char     *output,
                                          guint           workers);

G_END_DECLS
