/* fl-run-chart.h: elapsed time per run as horizontal bars, the ideal marked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-chart.h"

G_BEGIN_DECLS

#define FL_TYPE_RUN_CHART (fl_run_chart_get_type ())
G_DECLARE_FINAL_TYPE (FlRunChart, fl_run_chart, FL, RUN_CHART, GtkWidget)

GtkWidget *fl_run_chart_new     (void);
void       fl_run_chart_add     (FlRunChart *self,
                                 const char *mode,
                                 const char *title,
                                 const char *setting,
                                 double      elapsed_s,
                                 double      ideal_s,
                                 gboolean    cancelled);
void       fl_run_chart_clear   (FlRunChart *self);
guint      fl_run_chart_get_n_runs (FlRunChart *self);
const FlChartLabel *fl_run_chart_get_labels (FlRunChart *self,
                                 guint      *n_labels);

G_END_DECLS
