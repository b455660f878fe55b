/* fl-application.h: the Futures Lab application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "futures-lab-engine.h"
#include "fl-flag-server.h"

G_BEGIN_DECLS

#define FL_TYPE_APPLICATION (fl_application_get_type ())
G_DECLARE_FINAL_TYPE (FlApplication, fl_application, FL, APPLICATION, AdwApplication)

FlApplication  *fl_application_new            (GApplicationFlags  flags);
FlLoopMonitor  *fl_application_get_monitor    (FlApplication     *self);
FlFlagServer   *fl_application_get_server     (FlApplication     *self);
GtkWindow      *fl_application_get_main_window(FlApplication     *self);
gint64          fl_application_get_start_time (FlApplication     *self);
GtkWindow      *fl_application_open_run       (FlApplication     *self,
                                               GFile             *file);


const char * const *fl_application_list_demos (void);

G_END_DECLS
