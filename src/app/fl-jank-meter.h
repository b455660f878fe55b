/* fl-jank-meter.h: live main-loop lateness, always visible in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_JANK_METER (fl_jank_meter_get_type ())
G_DECLARE_FINAL_TYPE (FlJankMeter, fl_jank_meter, FL, JANK_METER, GtkWidget)

GtkWidget     *fl_jank_meter_new             (void);
FlLoopMonitor *fl_jank_meter_get_monitor     (FlJankMeter   *self);
void           fl_jank_meter_set_monitor     (FlJankMeter   *self,
                                              FlLoopMonitor *monitor);
gint64         fl_jank_meter_get_last_freeze (FlJankMeter   *self);
gboolean       fl_jank_meter_get_shown_stall (FlJankMeter   *self,
                                              FlLoopStall   *stall);
gboolean       fl_jank_meter_get_refreshing  (FlJankMeter   *self);
const char    *fl_jank_meter_get_text        (FlJankMeter   *self);

G_END_DECLS
