/* test-lessons.c: lesson files load, every step opens its page with its settings, a bad
 * file is named with what is wrong, and a prediction's reveal is the run's own figure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "fl-app-test.h"
#include "fl-lesson-bar.h"
#include "fl-prediction.h"
#include "fl-queue-page.h"

static FlWindow *window;

static const char * const shipped_files[] = { "futures-101.json", "futures-101.zh_CN.json" };

static FlLesson *
load_shipped_file (const char *file)
{
  g_autofree char *path = g_strconcat ("/io/github/FuturesLab/lessons/", file, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
  g_autoptr(GError) error = NULL;
  FlLesson *lesson;

  g_assert_nonnull (bytes);
  lesson = fl_lesson_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lesson);
  return lesson;
}

/* Every shipped lesson loads, plans 45 minutes, and its steps add up to them. */
static void
test_shipped_load (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (shipped_files); f++)
    {
      g_autoptr(FlLesson) lesson = load_shipped_file (shipped_files[f]);
      guint minutes = 0;

      for (guint i = 0; i < fl_lesson_get_n_steps (lesson); i++)
        minutes += fl_lesson_get_step (lesson, i)->minutes;
      g_assert_cmpuint (fl_lesson_get_minutes (lesson), ==, 45);
      g_assert_cmpuint (minutes, ==, 45);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FlLesson) lesson = fl_lesson_new_shipped ("futures-101", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (fl_lesson_get_title (lesson), ==, "Futures 101");
  }
}

/* The two languages are one lesson: the same pages, settings and runs, step by step. */
static void
test_languages_agree (void)
{
  g_autoptr(FlLesson) en = load_shipped_file (shipped_files[0]);
  g_autoptr(FlLesson) zh = load_shipped_file (shipped_files[1]);

  g_assert_cmpuint (fl_lesson_get_n_steps (en), ==, fl_lesson_get_n_steps (zh));
  for (guint i = 0; i < fl_lesson_get_n_steps (en); i++)
    {
      const FlLessonStep *a = fl_lesson_get_step (en, i), *b = fl_lesson_get_step (zh, i);

      g_assert_cmpstr (a->page, ==, b->page);
      g_assert_cmpint (a->question, ==, b->question);
      g_assert_cmpuint (a->minutes, ==, b->minutes);
      g_assert_cmpuint (a->runs->len, ==, b->runs->len);
      for (guint r = 0; r < a->runs->len; r++)
        g_assert_cmpstr (((FlLessonRun *) a->runs->pdata[r])->mode, ==,
                         ((FlLessonRun *) b->runs->pdata[r])->mode);
      g_assert_cmpuint (a->settings->len, ==, b->settings->len);
      for (guint s = 0; s < a->settings->len; s++)
        {
          const FlLessonSetting *x = a->settings->pdata[s], *y = b->settings->pdata[s];

          g_assert_true (x->info == y->info);
          g_assert_true (g_variant_equal (x->value, y->value));
        }
    }
}

/* The control a setting names, read back as the lesson gives it. */
static GVariant *
read_control (FlPage                    *page,
              const FlLessonSettingInfo *info)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), G_OBJECT_TYPE (page),
                                                   info->widget);

  g_assert_nonnull (object);
  switch (info->kind)
    {
    case FL_LESSON_SETTING_NUMBER:
      if (GTK_IS_SPIN_BUTTON (object))
        return g_variant_new_double (gtk_spin_button_get_value (GTK_SPIN_BUTTON (object)));
      g_assert_true (GTK_IS_RANGE (object));
      return g_variant_new_double (gtk_range_get_value (GTK_RANGE (object)));
    case FL_LESSON_SETTING_CHOICE:
      g_assert_true (GTK_IS_DROP_DOWN (object));
      return g_variant_new_uint32 (gtk_drop_down_get_selected (GTK_DROP_DOWN (object)));
    case FL_LESSON_SETTING_TEXT:
      g_assert_true (GTK_IS_EDITABLE (object));
      return g_variant_new_string (gtk_editable_get_text (GTK_EDITABLE (object)));
    case FL_LESSON_SETTING_BOOL:
    default:
      g_assert_true (GTK_IS_CHECK_BUTTON (object));
      return g_variant_new_boolean (gtk_check_button_get_active (GTK_CHECK_BUTTON (object)));
    }
}

/* Every setting a lesson may give names a control its page has, of the right kind; the
 * lessons' pages are the window's. */
static void
test_settings_table (void)
{
  const char * const *demos = fl_application_list_demos ();
  guint n = 0;
  const FlLessonSettingInfo *infos = fl_lesson_list_settings (&n);

  for (guint i = 0; i < n; i++)
    {
      FlPage *page = fl_window_get_page (window, infos[i].page);
      g_autoptr(GVariant) value = NULL;
      g_autofree char *printed = NULL;

      g_assert_nonnull (page);
      value = g_variant_ref_sink (read_control (page, &infos[i]));
      printed = g_variant_print (value, FALSE);
      g_test_message ("%s.%s = %s", infos[i].page, infos[i].key, printed);
    }
  for (guint i = 0; demos[i] != NULL; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"format\": 1, \"title\": \"t\", \"steps\": "
                                               "[{\"page\": \"%s\"}]}", demos[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(FlLesson) lesson = fl_lesson_new_from_data (json, -1, "t.json", &error);

      g_assert_no_error (error);
    }
}

/* Next and Previous open each step's page with the step's settings on its controls, its
 * runs offered, its question asked. */
static void
test_steps_open_pages (void)
{
  FlLessonBar *bar = fl_lesson_bar_get (window);

  for (guint f = 0; f < G_N_ELEMENTS (shipped_files); f++)
    {
      g_autoptr(FlLesson) lesson = load_shipped_file (shipped_files[f]);

      fl_lesson_bar_set_lesson (bar, lesson);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
      for (guint i = 0; i < fl_lesson_get_n_steps (lesson); i++)
        {
          const FlLessonStep *step = fl_lesson_get_step (lesson, i);
          g_autoptr(GError) error = NULL;
          FlPage *page;

          g_assert_true (fl_lesson_bar_go (bar, i, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (fl_lesson_bar_get_step (bar), ==, i);
          page = fl_window_get_visible_page (window);
          g_assert_cmpstr (fl_page_get_id (page), ==, step->page);
          g_assert_nonnull (strstr (fl_lesson_bar_get_text (bar), step->title));
          for (guint s = 0; s < step->settings->len; s++)
            {
              const FlLessonSetting *setting = step->settings->pdata[s];
              g_autoptr(GVariant) shown = g_variant_ref_sink (read_control (page, setting->info));

              if (!g_variant_equal (shown, setting->value))
                g_error ("%s step %u: %s shows %s, the lesson says %s", shipped_files[f], i + 1,
                         setting->info->key, g_variant_print (shown, FALSE),
                         g_variant_print (setting->value, FALSE));
            }
          for (guint r = 0; r < step->runs->len; r++)
            {
              const FlLessonRun *run = step->runs->pdata[r];

              g_assert_true (fl_page_has_mode (page, run->mode));
            }
          if (step->question)
            {
              FlPrediction *prediction = fl_prediction_find (GTK_WIDGET (page));

              g_assert_nonnull (prediction);
              g_assert_cmpint (fl_prediction_get_state (prediction), ==, FL_PREDICTION_ASKING);
            }
        }
    }
  fl_lesson_bar_set_lesson (bar, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
}

/* A bad file is refused as it loads, and the message names the file, the step and what is
 * wrong. */
static void
test_bad_files (void)
{
  static const struct { const char *json; const char *says[3]; } cases[] = {
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [", { "bad.json", "not a lesson", NULL } },
    { "[1, 2]", { "bad.json", "one JSON object", NULL } },
    { "{\"title\": \"t\", \"steps\": [{\"page\": \"flags\"}]}", { "“format” must be 1", NULL } },
    { "{\"format\": 1, \"steps\": [{\"page\": \"flags\"}]}", { "“title” is missing", NULL } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": []}", { "“steps”", "empty", NULL } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"flags\"}, {\"page\": \"flagz\"}]}",
      { "bad.json: step 2", "no page “flagz”", "freeze, flags" } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"flags\", \"settings\": "
      "{\"wrokers\": 3}}]}", { "step 1", "no setting “wrokers”", "workers" } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"flags\", \"settings\": "
      "{\"workers\": \"many\"}}]}", { "step 1", "“workers” must be a number", NULL } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"map\", \"settings\": "
      "{\"order\": \"random\"}}]}", { "“order” cannot be “random”", "longest-first", NULL } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"anatomy\", \"question\": true}]}",
      { "asks no question", "flags, compute", NULL } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"flags\", \"runs\": [3]}]}",
      { "run 1 must be a mode", NULL } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"title\": \"no page\"}]}",
      { "step 1", "“page” is missing", NULL } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"flags\", \"minutes\": \"ten\"}]}",
      { "“minutes” must be a whole number", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlLesson) lesson = fl_lesson_new_from_data (cases[i].json, -1, "bad.json",
                                                            &error);

      g_assert_null (lesson);
      g_assert_error (error, FL_LESSON_ERROR, 0);
      g_test_message ("%s", error->message);
      for (guint s = 0; s < G_N_ELEMENTS (cases[i].says) && cases[i].says[s] != NULL; s++)
        if (strstr (error->message, cases[i].says[s]) == NULL)
          g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].says[s]);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/lesson.json");

    g_assert_null (fl_lesson_new_from_file (file, &error));
    g_assert_nonnull (strstr (error->message, "lesson.json"));
  }
}

/* What only the page can tell (a control's range, its modes) is said when the step opens. */
static void
test_bad_step_in_window (void)
{
  static const struct { const char *json; const char *says[2]; } cases[] = {
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"flags\", \"settings\": "
      "{\"workers\": 5000}}]}", { "step 1", "“workers” is 5000, outside 1–1000" } },
    { "{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": \"flags\", \"runs\": "
      "[\"turbo\"]}]}", { "no mode “turbo”", "sequential, threads" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlLesson) lesson = fl_lesson_new_from_data (cases[i].json, -1, "bad.json",
                                                            &error);

      g_assert_no_error (error);
      g_assert_false (fl_lesson_apply_step (window, lesson, 0, &error));
      g_test_message ("%s", error->message);
      for (guint s = 0; s < G_N_ELEMENTS (cases[i].says); s++)
        if (strstr (error->message, cases[i].says[s]) == NULL)
          g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].says[s]);
    }
}

static void
run_and_wait (FlPage     *page,
              const char *mode)
{
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", fl_page_get_id (page), mode));
  fl_test_spin_until (fl_page_get_run (page) != NULL
                      && g_str_equal (fl_run_get_mode (fl_page_get_run (page)), mode)
                      && fl_run_is_complete (fl_page_get_run (page)), 30000);
}

/* Compute's question: the card's speed-up is the ratio of the two runs' span times, as
 * their spans recorded them, and the card says it. */
static void
test_reveal_uses_spans (void)
{
  FlPage *page = fl_window_get_page (window, "compute");
  FlPrediction *prediction = fl_prediction_find (GTK_WIDGET (page));
  g_autoptr(FlLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) sequential = NULL;
  g_autofree char *shown = NULL;
  double seq_s = 0, gil_s = 0;

  lesson = fl_lesson_new_from_data ("{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": "
                                    "\"compute\", \"question\": true, \"settings\": {\"jobs\": "
                                    "8, \"size\": 160, \"workers\": 2}}]}", -1, "t.json", &error);
  g_assert_no_error (error);
  g_assert_true (fl_lesson_apply_step (window, lesson, 0, &error));
  g_assert_no_error (error);
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
  g_assert_nonnull (prediction);
  g_assert_cmpint (fl_prediction_get_state (prediction), ==, FL_PREDICTION_ASKING);
  fl_prediction_set_guess (prediction, 3.5);

  run_and_wait (page, "main-loop");
  /* The run took the guess as it started. */
  g_assert_cmpint (fl_prediction_get_state (prediction), ==, FL_PREDICTION_LOCKED);
  g_assert_cmpfloat (fl_prediction_get_guess (prediction), ==, 3.5);
  sequential = g_object_ref (fl_page_get_run (page));
  run_and_wait (page, "gil");
  fl_test_spin_until (fl_prediction_get_state (prediction) == FL_PREDICTION_REVEALED, 5000);

  g_assert_true (fl_prediction_measure_seconds (fl_run_get_spans (sequential), &seq_s));
  g_assert_true (fl_prediction_measure_seconds (fl_run_get_spans (fl_page_get_run (page)),
                                                &gil_s));
  g_assert_cmpfloat (seq_s, >, 0);
  g_assert_cmpfloat (gil_s, >, 0);
  g_assert_cmpfloat_with_epsilon (fl_prediction_get_measured (prediction), seq_s / gil_s, 1e-9);
  /* Not the runs' own wall clocks: the spans', first submit to last end. */
  shown = fl_prediction_format (prediction, seq_s / gil_s);
  g_test_message ("%s", fl_prediction_get_status_text (prediction));
  g_assert_nonnull (strstr (fl_prediction_get_status_text (prediction), shown));
  g_assert_nonnull (strstr (fl_prediction_get_status_text (prediction), "×3.5"));

  /* Ask Again forgets both runs: one more run alone reveals nothing. */
  fl_prediction_reset (prediction);
  run_and_wait (page, "gil");
  g_assert_cmpint (fl_prediction_get_state (prediction), ==, FL_PREDICTION_LOCKED);
}

/* map vs as_completed, longest first on as many workers as jobs: as_completed prints
 * first, and the card names the labels each pane printed first, from their spans. */
static void
test_map_reveal (void)
{
  FlPage *page = fl_window_get_page (window, "map");
  FlPrediction *prediction = fl_prediction_find (GTK_WIDGET (page));
  g_autoptr(FlLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;

  lesson = fl_lesson_new_from_data ("{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": "
                                    "\"map\", \"question\": true, \"settings\": {\"jobs\": 3, "
                                    "\"workers\": 3, \"unit-ms\": 200, \"order\": "
                                    "\"longest-first\"}}]}", -1, "t.json", &error);
  g_assert_no_error (error);
  g_assert_true (fl_lesson_apply_step (window, lesson, 0, &error));
  fl_prediction_set_guess (prediction, 0);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "map", "both"));
  fl_test_spin_until (fl_prediction_get_state (prediction) == FL_PREDICTION_REVEALED, 20000);
  g_test_message ("%s", fl_prediction_get_status_text (prediction));
  g_assert_cmpfloat (fl_prediction_get_measured (prediction), ==, 1);
  g_assert_false (fl_prediction_get_right (prediction));
  g_assert_nonnull (strstr (fl_prediction_get_status_text (prediction), "loiter(2)"));
  g_assert_nonnull (strstr (fl_prediction_get_status_text (prediction), "loiter(0)"));
}

/* Producer/consumer, producers faster into a small queue: the card says the producers
 * block in put(), with the shares the pipeline's own counters give. */
static void
test_queue_reveal (void)
{
  FlPage *page = fl_window_get_page (window, "queue");
  FlPrediction *prediction = fl_prediction_find (GTK_WIDGET (page));
  g_autoptr(FlLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *share = NULL;
  FlPipeline *pipeline;
  FlPipelineStats stats;

  lesson = fl_lesson_new_from_data ("{\"format\": 1, \"title\": \"t\", \"steps\": [{\"page\": "
                                    "\"queue\", \"question\": true, \"settings\": "
                                    "{\"producers\": 2, \"consumers\": 2, \"items\": 40, "
                                    "\"capacity\": 4}}]}", -1, "t.json", &error);
  g_assert_no_error (error);
  g_assert_true (fl_lesson_apply_step (window, lesson, 0, &error));
  fl_prediction_set_guess (prediction, 1);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "queue", "fast-producers"));
  fl_test_spin_until (fl_prediction_get_state (prediction) == FL_PREDICTION_REVEALED, 20000);
  g_test_message ("%s", fl_prediction_get_status_text (prediction));
  g_assert_cmpfloat (fl_prediction_get_measured (prediction), ==, 0);
  pipeline = fl_queue_page_get_pipeline (FL_QUEUE_PAGE (page));
  fl_pipeline_get_stats (pipeline, &stats);
  share = g_strdup_printf ("put() %.0f %%", stats.put_blocked_us * 100.0
                                            / (2.0 * stats.elapsed_us));
  g_assert_nonnull (strstr (fl_prediction_get_status_text (prediction), share));
}

/* The lesson action: a shipped lesson by id opens its first step; an unknown one is said. */
static void
test_lesson_action (void)
{
  FlLessonBar *bar = fl_lesson_bar_get (window);
  g_autoptr(GError) error = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "lesson",
                                  g_variant_new_string ("futures-101"));
  fl_test_spin_until (fl_lesson_bar_get_lesson (bar) != NULL, 5000);
  g_assert_cmpuint (fl_lesson_bar_get_step (bar), ==, 0);
  g_assert_cmpstr (fl_page_get_id (fl_window_get_visible_page (window)), ==, "freeze");
  g_assert_false (fl_lesson_bar_start (window, "/nonexistent/x.json", &error));
  g_assert_nonnull (strstr (error->message, "x.json"));
  fl_lesson_bar_set_lesson (bar, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  g_test_add_func ("/app/lessons/shipped-load", test_shipped_load);
  g_test_add_func ("/app/lessons/languages-agree", test_languages_agree);
  g_test_add_func ("/app/lessons/settings-name-real-controls", test_settings_table);
  g_test_add_func ("/app/lessons/every-step-opens-its-page-with-its-settings",
                   test_steps_open_pages);
  g_test_add_func ("/app/lessons/bad-file-says-what-is-wrong", test_bad_files);
  g_test_add_func ("/app/lessons/bad-step-said-when-opened", test_bad_step_in_window);
  g_test_add_func ("/app/lessons/action-opens-shipped-lesson", test_lesson_action);
  g_test_add_func ("/app/prediction/reveal-is-the-runs-span-ratio", test_reveal_uses_spans);
  g_test_add_func ("/app/prediction/map-reveal-names-first-labels", test_map_reveal);
  g_test_add_func ("/app/prediction/queue-reveal-is-the-queues-counters", test_queue_reveal);
  status = g_test_run ();
  fl_test_app_stop ();
  return status;
}
