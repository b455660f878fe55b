/* fl-replay-window.h: a saved run, opened again read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fl-futures-list.h"
#include "fl-run.h"

G_BEGIN_DECLS

#define FL_TYPE_REPLAY_WINDOW (fl_replay_window_get_type ())
G_DECLARE_FINAL_TYPE (FlReplayWindow, fl_replay_window, FL, REPLAY_WINDOW, AdwApplicationWindow)

FlReplayWindow *fl_replay_window_open      (GtkApplication  *application,
                                            GFile           *file,
                                            GError         **error);
FlTrace        *fl_replay_window_get_trace (FlReplayWindow  *self);
FlRun          *fl_replay_window_get_run   (FlReplayWindow  *self);
FlFuturesList  *fl_replay_window_get_list  (FlReplayWindow  *self);
const char     *fl_replay_window_get_info  (FlReplayWindow  *self);
const char     *fl_replay_window_get_info_text (FlReplayWindow *self);

G_END_DECLS
