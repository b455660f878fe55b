/* fl-preferences-window.h: the app's preferences, bound to its GSettings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FL_TYPE_PREFERENCES_WINDOW (fl_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FlPreferencesWindow, fl_preferences_window, FL, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *fl_preferences_window_new        (GSettings           *settings);
GtkWidget *fl_preferences_window_get_widget (FlPreferencesWindow *self,
                                             const char          *key);

G_END_DECLS
