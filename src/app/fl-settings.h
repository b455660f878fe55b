/* fl-settings.h: the app's GSettings, and what follows them (page defaults, window
 * size, projector mode, palette)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_PROJECTOR_LANE_HEIGHT 64.0
#define FL_NORMAL_LANE_HEIGHT    30.0

GSettings *fl_settings_get               (void);
gboolean   fl_settings_is_set            (const char  *key);
void       fl_settings_follow            (GtkSpinButton *spin,
                                          const char  *key);
void       fl_settings_track_window      (GtkWindow   *window,
                                          gboolean     remember_size);
void       fl_settings_apply_appearance  (GtkWidget   *root);

G_END_DECLS
