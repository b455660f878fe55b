/* fl-speedup-chart.h: speed-up over sequential per run, with the ideal line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-chart.h"

G_BEGIN_DECLS

#define FL_TYPE_SPEEDUP_CHART (fl_speedup_chart_get_type ())
G_DECLARE_FINAL_TYPE (FlSpeedupChart, fl_speedup_chart, FL, SPEEDUP_CHART, GtkWidget)

GtkWidget *fl_speedup_chart_new          (void);
void       fl_speedup_chart_add          (FlSpeedupChart *self,
                                          const char     *mode,
                                          const char     *title,
                                          const char     *workload,
                                          gboolean        sequential,
                                          gboolean        complete,
                                          double          elapsed_s,
                                          guint           ideal);
void       fl_speedup_chart_clear        (FlSpeedupChart *self);
guint      fl_speedup_chart_get_n_runs   (FlSpeedupChart *self);
double     fl_speedup_chart_get_speedup  (FlSpeedupChart *self,
                                          guint           index);
const FlChartLabel *fl_speedup_chart_get_labels (FlSpeedupChart *self,
                                          guint          *n_labels);
double     fl_speedup_chart_get_ideal_y  (FlSpeedupChart *self);

G_END_DECLS
