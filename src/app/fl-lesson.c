/* fl-lesson.c: a lesson file: a sequence of pages, settings and questions for a class
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesson is JSON (docs/USING.md, "Lesson files"):
 *
 *   { "format": 1, "title": "…", "description": "…", "minutes": 45,
 *     "steps": [ { "page": "flags", "title": "…", "minutes": 8, "question": true,
 *                  "settings": { "workers": 20, "codes": "populous" },
 *                  "runs": [ "sequential", { "mode": "threads", "label": "…" } ],
 *                  "note": "…" } ] }
 *
 * Everything is checked as the file loads, so a teacher's typo is named with its step and
 * key before the class, not in the middle of it. The shipped lessons are in the app's
 * resources, one file per language (futures-101.json, futures-101.zh_CN.json).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "fl-lesson.h"

#define FORMAT_VERSION 1
#define RESOURCE_PATH "/io/github/FuturesLab/lessons/"

struct _FlLesson
{
  GObject    parent_instance;

  char      *name;          /* the file's name, for messages */
  char      *title;
  char      *description;
  guint      minutes;
  GPtrArray *steps;         /* FlLessonStep */
};

G_DEFINE_FINAL_TYPE (FlLesson, fl_lesson, G_TYPE_OBJECT)
G_DEFINE_QUARK (fl-lesson-error-quark, fl_lesson_error)

/* The app's pages, in the sidebar's order (a test checks them against the window). */
static const char * const pages[] = { "freeze", "flags", "compute", "map", "anatomy", "queue",
                                      "coroutines", "script", NULL };
/* The pages that ask a question before a run (fl-prediction-questions.c). */
static const char * const question_pages[] = { "flags", "compute", "map", "queue", NULL };
static const char * const shipped[] = { "futures-101", NULL };

static const char * const work_choices[] = { "sleep", "cpu", NULL };
static const char * const codes_choices[] = { "populous", "all", "pairs", "custom", NULL };
static const char * const server_choices[] = { "local", "delay", "errors", "custom", "url",
                                               NULL };
static const char * const order_choices[] = { "longest-first", "shortest-first", NULL };
static const char * const kind_choices[] = { "sleep", "loiter", "download", NULL };

#define NUMBER FL_LESSON_SETTING_NUMBER
#define CHOICE FL_LESSON_SETTING_CHOICE
#define TEXT FL_LESSON_SETTING_TEXT
#define BOOL FL_LESSON_SETTING_BOOL

static const FlLessonSettingInfo settings[] = {
  { "freeze", "work", CHOICE, "work_dropdown", work_choices },
  { "freeze", "seconds", NUMBER, "seconds_spin", NULL },
  { "flags", "workers", NUMBER, "workers_spin", NULL },
  { "flags", "codes", CHOICE, "codes_dropdown", codes_choices },
  { "flags", "custom-codes", TEXT, "codes_entry", NULL },
  { "flags", "limit", NUMBER, "limit_spin", NULL },
  { "flags", "server", CHOICE, "server_dropdown", server_choices },
  { "flags", "delay", TEXT, "delay_entry", NULL },
  { "flags", "errors", TEXT, "error_entry", NULL },
  { "flags", "seed", NUMBER, "seed_spin", NULL },
  { "flags", "timeout", NUMBER, "timeout_spin", NULL },
  { "compute", "jobs", NUMBER, "jobs_spin", NULL },
  { "compute", "size", NUMBER, "size_spin", NULL },
  { "compute", "workers", NUMBER, "workers_spin", NULL },
  { "compute", "strict", BOOL, "strict_check", NULL },
  { "map", "jobs", NUMBER, "jobs_spin", NULL },
  { "map", "workers", NUMBER, "workers_spin", NULL },
  { "map", "unit-ms", NUMBER, "unit_spin", NULL },
  { "map", "order", CHOICE, "order_dropdown", order_choices },
  { "anatomy", "seconds", NUMBER, "seconds_spin", NULL },
  { "anatomy", "timeout", NUMBER, "timeout_spin", NULL },
  { "queue", "producers", NUMBER, "producers_spin", NULL },
  { "queue", "consumers", NUMBER, "consumers_spin", NULL },
  { "queue", "items", NUMBER, "items_spin", NULL },
  { "queue", "capacity", NUMBER, "capacity_scale", NULL },
  { "queue", "produce-rate", NUMBER, "produce_scale", NULL },
  { "queue", "consume-rate", NUMBER, "consume_scale", NULL },
  { "queue", "jitter", NUMBER, "jitter_scale", NULL },
  { "coroutines", "kind", CHOICE, "kind_dropdown", kind_choices },
  { "coroutines", "tasks", NUMBER, "n_spin", NULL },
  { "coroutines", "limit", NUMBER, "limit_spin", NULL },
  { "coroutines", "timeout", NUMBER, "timeout_spin", NULL },
  { "coroutines", "blocking", NUMBER, "blocking_spin", NULL },
};

#undef NUMBER
#undef CHOICE
#undef TEXT
#undef BOOL

/**
 * fl_lesson_setting_lookup:
 *
 * Returns: (nullable): what @key means on @page, or %NULL if the page has no such setting
 */
const FlLessonSettingInfo *
fl_lesson_setting_lookup (const char *page,
                          const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (g_str_equal (settings[i].page, page) && g_str_equal (settings[i].key, key))
      return &settings[i];
  return NULL;
}

/**
 * fl_lesson_list_settings:
 *
 * Returns: every setting a lesson may give, page by page
 */
const FlLessonSettingInfo *
fl_lesson_list_settings (guint *n_settings)
{
  *n_settings = G_N_ELEMENTS (settings);
  return settings;
}

gboolean
fl_lesson_page_has_question (const char *page)
{
  return g_strv_contains (question_pages, page);
}

/**
 * fl_lesson_list_shipped:
 *
 * Returns: the ids of the lessons that come with the app
 */
const char * const *
fl_lesson_list_shipped (void)
{
  return shipped;
}

static void
step_free (gpointer data)
{
  FlLessonStep *step = data;

  g_free (step->page);
  g_free (step->title);
  g_free (step->note);
  g_ptr_array_unref (step->runs);
  g_ptr_array_unref (step->settings);
  g_free (step);
}

static void
run_free (gpointer data)
{
  FlLessonRun *run = data;

  g_free (run->mode);
  g_free (run->label);
  g_free (run);
}

static void
setting_free (gpointer data)
{
  FlLessonSetting *setting = data;

  g_variant_unref (setting->value);
  g_free (setting);
}

static void
fl_lesson_finalize (GObject *object)
{
  FlLesson *self = FL_LESSON (object);

  g_free (self->name);
  g_free (self->title);
  g_free (self->description);
  g_ptr_array_unref (self->steps);

  G_OBJECT_CLASS (fl_lesson_parent_class)->finalize (object);
}

static void
fl_lesson_class_init (FlLessonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_lesson_finalize;
}

static void
fl_lesson_init (FlLesson *self)
{
  self->steps = g_ptr_array_new_with_free_func (step_free);
}

/* Sets @error to "NAME: step N: MESSAGE" (or "NAME: MESSAGE" when @step is 0). */
G_GNUC_PRINTF (4, 5)
static gboolean
fail (GError    **error,
      const char *name,
      guint       step,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (step > 0)
    g_set_error (error, FL_LESSON_ERROR, 0, _("%s: step %u: %s"), name, step, message);
  else
    g_set_error (error, FL_LESSON_ERROR, 0, "%s: %s", name, message);
  return FALSE;
}

/* Reads an optional member of @object of the JSON type @type; FALSE (with @error) when it
 * is there with another type. */
static gboolean
member (JsonObject  *object,
        const char  *key,
        GType        type,
        JsonNode   **node,
        const char  *name,
        guint        step,
        GError     **error)
{
  static const struct { GType type; const char *what; } names[] = {
    { G_TYPE_STRING, N_("a string") }, { G_TYPE_BOOLEAN, N_("true or false") },
    { G_TYPE_DOUBLE, N_("a number") }, { G_TYPE_INT64, N_("a whole number") },
  };
  JsonNode *found = json_object_get_member (object, key);
  GType value_type;

  *node = NULL;
  if (found == NULL || JSON_NODE_HOLDS_NULL (found))
    return TRUE;
  value_type = JSON_NODE_HOLDS_VALUE (found) ? json_node_get_value_type (found) : G_TYPE_INVALID;
  if ((type == JSON_TYPE_OBJECT && JSON_NODE_HOLDS_OBJECT (found))
      || (type == JSON_TYPE_ARRAY && JSON_NODE_HOLDS_ARRAY (found))
      || (type == value_type)
      || (type == G_TYPE_DOUBLE && value_type == G_TYPE_INT64))
    {
      *node = found;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].type == type)
      return fail (error, name, step, _("“%s” must be %s"), key, _(names[i].what));
  return fail (error, name, step, type == JSON_TYPE_OBJECT ? _("“%s” must be an object")
                                                           : _("“%s” must be a list"), key);
}

static gboolean
read_minutes (JsonObject *object,
              guint      *minutes,
              const char *name,
              guint       step,
              GError    **error)
{
  JsonNode *node;

  if (!member (object, "minutes", G_TYPE_INT64, &node, name, step, error))
    return FALSE;
  *minutes = 0;
  if (node == NULL)
    return TRUE;
  if (json_node_get_int (node) < 0 || json_node_get_int (node) > 600)
    return fail (error, name, step, _("“minutes” must be between 0 and 600"));
  *minutes = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_setting (FlLessonStep *step,
              const char   *key,
              JsonNode     *node,
              const char   *name,
              guint         index,
              GError      **error)
{
  const FlLessonSettingInfo *info = fl_lesson_setting_lookup (step->page, key);
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  FlLessonSetting *setting;
  GVariant *value = NULL;

  if (info == NULL)
    {
      g_autoptr(GString) known = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
        if (g_str_equal (settings[i].page, step->page))
          g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", settings[i].key);
      return fail (error, name, index, _("the page “%s” has no setting “%s” (its settings: %s)"),
                   step->page, key, known->len > 0 ? known->str : _("none"));
    }
  switch (info->kind)
    {
    case FL_LESSON_SETTING_NUMBER:
      if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
        value = g_variant_new_double (json_node_get_double (node));
      break;
    case FL_LESSON_SETTING_BOOL:
      if (type == G_TYPE_BOOLEAN)
        value = g_variant_new_boolean (json_node_get_boolean (node));
      break;
    case FL_LESSON_SETTING_TEXT:
      if (type == G_TYPE_STRING)
        value = g_variant_new_string (json_node_get_string (node));
      break;
    case FL_LESSON_SETTING_CHOICE:
    default:
      if (type == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);

          for (guint i = 0; info->choices[i] != NULL; i++)
            if (g_str_equal (info->choices[i], text))
              value = g_variant_new_uint32 (i);
          if (value == NULL)
            {
              g_autofree char *list = g_strjoinv (", ", (char **) info->choices);

              return fail (error, name, index, _("“%s” cannot be “%s” (it is one of: %s)"),
                           key, text, list);
            }
        }
      break;
    }
  if (value == NULL)
    return fail (error, name, index, _("“%s” must be %s"), key,
                 info->kind == FL_LESSON_SETTING_NUMBER ? _("a number")
                 : info->kind == FL_LESSON_SETTING_BOOL ? _("true or false") : _("a string"));
  setting = g_new0 (FlLessonSetting, 1);
  setting->info = info;
  setting->value = g_variant_ref_sink (value);
  g_ptr_array_add (step->settings, setting);
  return TRUE;
}

static gboolean
read_runs (FlLessonStep *step,
           JsonArray    *runs,
           const char   *name,
           guint         index,
           GError      **error)
{
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonNode *node = json_array_get_element (runs, i);
      FlLessonRun *run = g_new0 (FlLessonRun, 1);

      g_ptr_array_add (step->runs, run);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        run->mode = g_strdup (json_node_get_string (node));
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);
          JsonNode *mode, *label;

          if (!member (object, "mode", G_TYPE_STRING, &mode, name, index, error)
              || !member (object, "label", G_TYPE_STRING, &label, name, index, error))
            return FALSE;
          run->mode = mode != NULL ? g_strdup (json_node_get_string (mode)) : NULL;
          run->label = label != NULL ? g_strdup (json_node_get_string (label)) : NULL;
        }
      if (run->mode == NULL || *run->mode == '\0')
        return fail (error, name, index, _("run %u must be a mode, or an object with a "
                                           "“mode” (and a “label”)"), i + 1);
    }
  return TRUE;
}

static gboolean
read_step (FlLesson   *self,
           JsonNode   *node,
           guint       index,
           GError    **error)
{
  FlLessonStep *step;
  JsonObject *object;
  JsonNode *page, *title, *note, *question, *values, *runs;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, self->name, index, _("a step must be an object"));
  object = json_node_get_object (node);
  step = g_new0 (FlLessonStep, 1);
  step->runs = g_ptr_array_new_with_free_func (run_free);
  step->settings = g_ptr_array_new_with_free_func (setting_free);
  g_ptr_array_add (self->steps, step);

  if (!member (object, "page", G_TYPE_STRING, &page, self->name, index, error)
      || !member (object, "title", G_TYPE_STRING, &title, self->name, index, error)
      || !member (object, "note", G_TYPE_STRING, &note, self->name, index, error)
      || !member (object, "question", G_TYPE_BOOLEAN, &question, self->name, index, error)
      || !member (object, "settings", JSON_TYPE_OBJECT, &values, self->name, index, error)
      || !member (object, "runs", JSON_TYPE_ARRAY, &runs, self->name, index, error)
      || !read_minutes (object, &step->minutes, self->name, index, error))
    return FALSE;
  if (page == NULL)
    return fail (error, self->name, index, _("“page” is missing"));
  step->page = g_strdup (json_node_get_string (page));
  if (!g_strv_contains (pages, step->page))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) pages);

      return fail (error, self->name, index, _("there is no page “%s” (the pages: %s)"),
                   step->page, list);
    }
  step->title = g_strdup (title != NULL ? json_node_get_string (title) : "");
  step->note = note != NULL ? g_strdup (json_node_get_string (note)) : NULL;
  step->question = question != NULL && json_node_get_boolean (question);
  if (step->question && !fl_lesson_page_has_question (step->page))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) question_pages);

      return fail (error, self->name, index, _("the page “%s” asks no question (pages with "
                                               "one: %s)"), step->page, list);
    }
  if (values != NULL)
    {
      JsonObject *map = json_node_get_object (values);
      g_autoptr(GList) keys = json_object_get_members (map);

      for (GList *l = keys; l != NULL; l = l->next)
        if (!read_setting (step, l->data, json_object_get_member (map, l->data), self->name,
                           index, error))
          return FALSE;
    }
  return runs == NULL || read_runs (step, json_node_get_array (runs), self->name, index, error);
}

/**
 * fl_lesson_new_from_data:
 * @name: the file's name, to begin every error message with
 *
 * Reads and checks a lesson. Errors name the file, the step and the key at fault.
 *
 * Returns: (transfer full) (nullable): the lesson, or %NULL with @error set
 */
FlLesson *
fl_lesson_new_from_data (const char  *data,
                         gssize       length,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(FlLesson) self = g_object_new (FL_TYPE_LESSON, NULL);
  g_autoptr(GError) local = NULL;
  JsonObject *root;
  JsonNode *format, *title, *description, *steps;

  self->name = g_strdup (name);
  if (!json_parser_load_from_data (parser, data, length, &local))
    {
      fail (error, name, 0, _("not a lesson: %s"), local->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      fail (error, name, 0, _("not a lesson: a lesson is one JSON object"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (!member (root, "format", G_TYPE_INT64, &format, name, 0, error)
      || !member (root, "title", G_TYPE_STRING, &title, name, 0, error)
      || !member (root, "description", G_TYPE_STRING, &description, name, 0, error)
      || !member (root, "steps", JSON_TYPE_ARRAY, &steps, name, 0, error)
      || !read_minutes (root, &self->minutes, name, 0, error))
    return NULL;
  if (format == NULL || json_node_get_int (format) != FORMAT_VERSION)
    {
      fail (error, name, 0, _("“format” must be %d (this version of Futures Lab reads lesson "
                              "format %d)"), FORMAT_VERSION, FORMAT_VERSION);
      return NULL;
    }
  if (title == NULL || *json_node_get_string (title) == '\0')
    {
      fail (error, name, 0, _("“title” is missing"));
      return NULL;
    }
  if (steps == NULL || json_array_get_length (json_node_get_array (steps)) == 0)
    {
      fail (error, name, 0, _("“steps” is missing or empty"));
      return NULL;
    }
  self->title = g_strdup (json_node_get_string (title));
  self->description = g_strdup (description != NULL ? json_node_get_string (description) : "");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (steps)); i++)
    if (!read_step (self, json_array_get_element (json_node_get_array (steps), i), i + 1, error))
      return NULL;
  return g_steal_pointer (&self);
}

/**
 * fl_lesson_new_from_file:
 *
 * Returns: (transfer full) (nullable): the lesson in @file, or %NULL with @error set
 */
FlLesson *
fl_lesson_new_from_file (GFile   *file,
                         GError **error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize length;

  if (!g_file_load_contents (file, NULL, &data, &length, NULL, &local))
    {
      g_set_error (error, FL_LESSON_ERROR, 0, "%s: %s", name, local->message);
      return NULL;
    }
  return fl_lesson_new_from_data (data, length, name, error);
}

/**
 * fl_lesson_new_shipped:
 * @id: one of fl_lesson_list_shipped()
 *
 * The lesson in the user's language when there is one (futures-101.zh_CN.json), else in
 * English.
 *
 * Returns: (transfer full) (nullable): the lesson, or %NULL with @error set
 */
FlLesson *
fl_lesson_new_shipped (const char  *id,
                       GError     **error)
{
  const char * const *languages = g_get_language_names ();

  if (!g_strv_contains (shipped, id))
    {
      g_set_error (error, FL_LESSON_ERROR, 0, _("There is no lesson called “%s”"), id);
      return NULL;
    }
  for (guint i = 0; languages[i] != NULL; i++)
    {
      gboolean english = g_str_equal (languages[i], "C");
      g_autofree char *file = english ? g_strdup_printf ("%s.json", id)
                                      : g_strdup_printf ("%s.%s.json", id, languages[i]);
      g_autofree char *path = g_strconcat (RESOURCE_PATH, file, NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);

      if (bytes != NULL)
        return fl_lesson_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                        file, error);
    }
  g_set_error (error, FL_LESSON_ERROR, 0, _("The lesson “%s” is missing from this build"), id);
  return NULL;
}

const char *
fl_lesson_get_name (FlLesson *self)
{
  g_return_val_if_fail (FL_IS_LESSON (self), NULL);
  return self->name;
}

const char *
fl_lesson_get_title (FlLesson *self)
{
  g_return_val_if_fail (FL_IS_LESSON (self), NULL);
  return self->title;
}

const char *
fl_lesson_get_description (FlLesson *self)
{
  g_return_val_if_fail (FL_IS_LESSON (self), NULL);
  return self->description;
}

guint
fl_lesson_get_minutes (FlLesson *self)
{
  g_return_val_if_fail (FL_IS_LESSON (self), 0);
  return self->minutes;
}

guint
fl_lesson_get_n_steps (FlLesson *self)
{
  g_return_val_if_fail (FL_IS_LESSON (self), 0);
  return self->steps->len;
}

/**
 * fl_lesson_get_step:
 *
 * Returns: (transfer none): step @index (from 0)
 */
const FlLessonStep *
fl_lesson_get_step (FlLesson *self,
                    guint     index)
{
  g_return_val_if_fail (FL_IS_LESSON (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, index);
}
