/* fl-window.h: the main window: a searchable sidebar of demos and a stack of pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fl-jank-meter.h"
#include "fl-page.h"
#include "fl-time-controls.h"

G_BEGIN_DECLS

#define FL_TYPE_WINDOW (fl_window_get_type ())
G_DECLARE_FINAL_TYPE (FlWindow, fl_window, FL, WINDOW, AdwApplicationWindow)

FlWindow   *fl_window_new              (GtkApplication *application,
                                         FlFlagServer   *server,
                                         FlLoopMonitor  *monitor);
gboolean     fl_window_show_demo        (FlWindow       *self,
                                         const char     *id);
FlPage      *fl_window_get_page         (FlWindow       *self,
                                         const char     *id);
FlPage      *fl_window_get_visible_page (FlWindow       *self);
GList       *fl_window_list_pages       (FlWindow       *self);
FlJankMeter *fl_window_get_jank_meter   (FlWindow       *self);
void         fl_window_cancel_all       (FlWindow       *self);
void         fl_window_set_search       (FlWindow       *self,
                                         const char     *text);
guint        fl_window_get_n_visible_demos (FlWindow    *self);
FlTimeControls *fl_window_get_time_controls (FlWindow   *self);
gboolean     fl_window_handle_time_key  (FlWindow       *self,
                                         guint           keyval,
                                         GdkModifierType state);

G_END_DECLS
