/* fl-map-page.h: map vs as_completed, the loiter lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"

G_BEGIN_DECLS

#define FL_TYPE_MAP_PAGE (fl_map_page_get_type ())
G_DECLARE_FINAL_TYPE (FlMapPage, fl_map_page, FL, MAP_PAGE, FlPage)

void        fl_map_page_set_params     (FlMapPage  *self,
                                        guint       jobs,
                                        guint       workers,
                                        guint       unit_ms,
                                        gboolean    longest_first);
gboolean    fl_map_page_is_done        (FlMapPage  *self);
const char *fl_map_page_get_order      (FlMapPage  *self,
                                        const char *consumer);
const char *fl_map_page_get_transcript (FlMapPage  *self,
                                        const char *consumer);
GtkTextBuffer *fl_map_page_get_transcript_buffer (FlMapPage  *self,
                                                  const char *consumer);
guint       fl_map_page_get_n_lines    (FlMapPage  *self,
                                        const char *consumer);
gint64      fl_map_page_get_line_time  (FlMapPage  *self,
                                        const char *consumer,
                                        guint       line);

G_END_DECLS
