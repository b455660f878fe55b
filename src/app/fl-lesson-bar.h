/* fl-lesson-bar.h: the lesson under way: its step, the teacher's note, the step's runs,
 * Previous and Next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fl-lesson.h"
#include "fl-window.h"

G_BEGIN_DECLS

#define FL_TYPE_LESSON_BAR (fl_lesson_bar_get_type ())
G_DECLARE_FINAL_TYPE (FlLessonBar, fl_lesson_bar, FL, LESSON_BAR, AdwBin)

FlLessonBar *fl_lesson_bar_get         (FlWindow     *window);
gboolean     fl_lesson_bar_start       (FlWindow     *window,
                                        const char   *lesson,
                                        GError      **error);
void         fl_lesson_bar_set_lesson  (FlLessonBar  *self,
                                        FlLesson     *lesson);
FlLesson    *fl_lesson_bar_get_lesson  (FlLessonBar  *self);
guint        fl_lesson_bar_get_step    (FlLessonBar  *self);
gboolean     fl_lesson_bar_go          (FlLessonBar  *self,
                                        guint         index,
                                        GError      **error);
const char  *fl_lesson_bar_get_text    (FlLessonBar  *self);
void         fl_lesson_bar_choose_file (FlWindow     *window);
gboolean     fl_lesson_apply_step      (FlWindow           *window,
                                        FlLesson           *lesson,
                                        guint               index,
                                        GError            **error);

G_END_DECLS
