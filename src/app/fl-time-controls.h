/* fl-time-controls.h: Pause and Step for the run of the page shown, in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-page.h"

G_BEGIN_DECLS

#define FL_TYPE_TIME_CONTROLS (fl_time_controls_get_type ())
G_DECLARE_FINAL_TYPE (FlTimeControls, fl_time_controls, FL, TIME_CONTROLS, GtkBox)

GtkWidget  *fl_time_controls_new              (void);
FlPage     *fl_time_controls_get_page         (FlTimeControls *self);
void        fl_time_controls_set_page         (FlTimeControls *self,
                                               FlPage         *page);
GtkWidget  *fl_time_controls_get_pause_button (FlTimeControls *self);
GtkWidget  *fl_time_controls_get_step_button  (FlTimeControls *self);
const char *fl_time_controls_get_status       (FlTimeControls *self);
GtkWidget  *fl_time_controls_get_speed_dropdown (FlTimeControls *self);
const char *fl_time_controls_get_scale_text   (FlTimeControls *self);

G_END_DECLS
