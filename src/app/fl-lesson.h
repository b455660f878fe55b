/* fl-lesson.h: a lesson file: a sequence of pages, settings and questions for a class
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FL_LESSON_ERROR (fl_lesson_error_quark ())
GQuark fl_lesson_error_quark (void);

/**
 * FlLessonSettingKind:
 * @FL_LESSON_SETTING_NUMBER: a JSON number, for a spin button or a slider
 * @FL_LESSON_SETTING_CHOICE: a JSON string, one of the setting's choices (a drop-down)
 * @FL_LESSON_SETTING_TEXT: a JSON string, for a text entry
 * @FL_LESSON_SETTING_BOOL: a JSON boolean, for a check button
 */
typedef enum
{
  FL_LESSON_SETTING_NUMBER,
  FL_LESSON_SETTING_CHOICE,
  FL_LESSON_SETTING_TEXT,
  FL_LESSON_SETTING_BOOL,
} FlLessonSettingKind;

/**
 * FlLessonSettingInfo:
 * @page: the page id
 * @key: the setting's name in a lesson file
 * @kind: what the file gives and what control it sets
 * @widget: the page's control (its id in the page's template)
 * @choices: for a choice, the names in the order of the drop-down
 */
typedef struct
{
  const char         *page;
  const char         *key;
  FlLessonSettingKind kind;
  const char         *widget;
  const char * const *choices;
} FlLessonSettingInfo;

/**
 * FlLessonSetting:
 * @info: which setting
 * @value: "d" for a number, "u" (the choice's index) for a choice, "s", "b"
 */
typedef struct
{
  const FlLessonSettingInfo *info;
  GVariant                  *value;
} FlLessonSetting;

/**
 * FlLessonRun:
 * @mode: one of the page's modes
 * @label: (nullable): the button's text, in the lesson's language
 */
typedef struct
{
  char *mode;
  char *label;
} FlLessonRun;

/**
 * FlLessonStep:
 * @page: the page id
 * @title: a few words, shown in the lesson bar
 * @note: (nullable): for the teacher: what to say, what to point at
 * @minutes: planned length (0 when not given)
 * @question: whether the page asks its question before the runs
 * @runs: (element-type FlLessonRun): the runs of the step, in order
 * @settings: (element-type FlLessonSetting): set on the page before the step starts
 */
typedef struct
{
  char      *page;
  char      *title;
  char      *note;
  guint      minutes;
  gboolean   question;
  GPtrArray *runs;
  GPtrArray *settings;
} FlLessonStep;

#define FL_TYPE_LESSON (fl_lesson_get_type ())
G_DECLARE_FINAL_TYPE (FlLesson, fl_lesson, FL, LESSON, GObject)

FlLesson           *fl_lesson_new_from_data   (const char   *data,
                                               gssize        length,
                                               const char   *name,
                                               GError      **error);
FlLesson           *fl_lesson_new_from_file   (GFile        *file,
                                               GError      **error);
FlLesson           *fl_lesson_new_shipped     (const char   *id,
                                               GError      **error);
const char * const *fl_lesson_list_shipped    (void);
const char         *fl_lesson_get_name        (FlLesson     *self);
const char         *fl_lesson_get_title       (FlLesson     *self);
const char         *fl_lesson_get_description (FlLesson     *self);
guint               fl_lesson_get_minutes     (FlLesson     *self);
guint               fl_lesson_get_n_steps     (FlLesson     *self);
const FlLessonStep *fl_lesson_get_step        (FlLesson     *self,
                                               guint         index);

const FlLessonSettingInfo *fl_lesson_setting_lookup (const char *page,
                                                     const char *key);
const FlLessonSettingInfo *fl_lesson_list_settings  (guint      *n_settings);
gboolean                   fl_lesson_page_has_question (const char *page);

G_END_DECLS
