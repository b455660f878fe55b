/* fl-replay-window.h: a saved run, opened again read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_REPLAY_WINDOW (fl_replay_window_get_type ())
G_DECLARE_FINAL_TYPE (FlReplayWindow, fl_replay_window, FL, REPLAY_WINDOW, AdwApplicationWindow)

FlReplayWindow *fl_replay_window_open      (GtkApplication  *application,
                                            GFile           *file,
                                            GError         **error);
FlTrace        *fl_replay_window_get_trace (FlReplayWindow  *self);
GListModel     *fl_replay_window_get_rows  (FlReplayWindow  *self);
const char     *fl_replay_window_get_info  (FlReplayWindow  *self);
char           *fl_replay_row_describe     (gpointer         row);

G_END_DECLS
