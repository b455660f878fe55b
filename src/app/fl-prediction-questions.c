/* fl-prediction-questions.c: the question each page asks before a run, and how its run
 * answers it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every answer is measured from the run the class just watched, never written in:
 *  - Flags and Compute: the speed-up is the ratio of two runs' total times, each from its
 *    spans (first submit to last end), as the timeline draws them;
 *  - map vs as_completed: when each pane printed its first result is the end of the span
 *    it printed (map: the first submitted; as_completed: the first to finish);
 *  - Producer/consumer: the pipeline's own blocked-time counters, put() against get().
 * A page adds its card with one call and, where its runs are not an FlRun, tells the
 * question what to watch when a run starts.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "fl-prediction-questions.h"

/* ---- speed-up of one mode over another (Flags, Compute) ---------------------------- */

typedef struct
{
  FlPage     *page;          /* borrowed: the card is inside it */
  const char *base_mode;
  const char *fast_mode;
  const char *base_hint;     /* the modes' button titles, translated */
  const char *fast_hint;
  double      base_s;
  double      fast_s;
  char       *base_title;
  char       *fast_title;
  guint       fast_workers;
} Speedup;

static void
speedup_free (gpointer data)
{
  Speedup *q = data;

  g_free (q->base_title);
  g_free (q->fast_title);
  g_free (q);
}

static void
speedup_reset_cb (FlPrediction *prediction,
                  Speedup      *q)
{
  q->base_s = q->fast_s = 0;
}

static void
speedup_completed_cb (FlRun        *run,
                      FlPrediction *prediction)
{
  Speedup *q = g_object_get_data (G_OBJECT (prediction), "fl-question");
  gboolean base = g_str_equal (fl_run_get_mode (run), q->base_mode);
  g_autofree char *text = NULL;
  double seconds = 0;

  if (fl_prediction_get_state (prediction) != FL_PREDICTION_LOCKED)
    return;
  if (fl_run_was_cancelled (run) || !fl_prediction_measure_seconds (fl_run_get_spans (run),
                                                                    &seconds)
      || seconds <= 0)
    {
      fl_prediction_set_waiting (prediction, _("That run was cancelled: run it again to "
                                               "measure it."));
      return;
    }
  if (base)
    {
      q->base_s = seconds;
      g_free (q->base_title);
      q->base_title = g_strdup (fl_run_get_mode_title (run));
    }
  else
    {
      q->fast_s = seconds;
      q->fast_workers = fl_executor_get_max_workers (fl_run_get_executor (run));
      g_free (q->fast_title);
      q->fast_title = g_strdup (fl_run_get_mode_title (run));
    }

  if (q->base_s > 0 && q->fast_s > 0)
    {
      text = g_strdup_printf (_("Measured from the runs’ timelines (first submit to last end): "
                                "%s %.2f s, %s on %u workers %.2f s."), q->base_title,
                              q->base_s, q->fast_title, q->fast_workers, q->fast_s);
      fl_prediction_reveal_value (prediction, q->base_s / q->fast_s, text);
    }
  else if (base)
    {
      text = g_strdup_printf (_("%s took %.2f s. Now run “%s” to compare."), q->base_title,
                              q->base_s, q->fast_hint);
      fl_prediction_set_waiting (prediction, text);
    }
  else
    {
      text = g_strdup_printf (_("%s took %.2f s. Now run “%s” to compare."), q->fast_title,
                              q->fast_s, q->base_hint);
      fl_prediction_set_waiting (prediction, text);
    }
}

static void
speedup_run_cb (FlPage       *page,
                GParamSpec   *pspec,
                FlPrediction *prediction)
{
  Speedup *q = g_object_get_data (G_OBJECT (prediction), "fl-question");
  FlRun *run = fl_page_get_run (page);

  if (run == NULL || !fl_run_is_live (run)
      || (!g_str_equal (fl_run_get_mode (run), q->base_mode)
          && !g_str_equal (fl_run_get_mode (run), q->fast_mode)))
    return;
  /* A run started while the class is thinking takes the answer as it stands. */
  fl_prediction_lock (prediction);
  if (fl_prediction_get_state (prediction) == FL_PREDICTION_LOCKED)
    g_signal_connect_object (run, "completed", G_CALLBACK (speedup_completed_cb), prediction, 0);
}

static FlPrediction *
speedup_new (FlPage     *page,
             const char *question,
             double      max,
             double      value,
             const char *base_mode,
             const char *base_hint,
             const char *fast_mode,
             const char *fast_hint)
{
  FlPrediction *prediction = fl_prediction_new_scale (question, max < 10 ? 0.1 : 1, max,
                                                      max < 10 ? 0.1 : 0.5, value, "×%.1f");
  Speedup *q = g_new0 (Speedup, 1);

  q->page = page;
  q->base_mode = base_mode;
  q->fast_mode = fast_mode;
  q->base_hint = base_hint;
  q->fast_hint = fast_hint;
  g_object_set_data_full (G_OBJECT (prediction), "fl-question", q, speedup_free);
  g_signal_connect (prediction, "reset", G_CALLBACK (speedup_reset_cb), q);
  g_signal_connect_object (page, "notify::run", G_CALLBACK (speedup_run_cb), prediction, 0);
  return prediction;
}

/**
 * fl_question_flags_new:
 *
 * Flags: how many times faster the thread pool downloads than one request at a time.
 */
FlPrediction *
fl_question_flags_new (FlPage *page)
{
  return speedup_new (page, _("How many times faster than sequential will the thread pool "
                              "download the flags?"), 40, 5, "sequential", _("Sequential"), "threads",
                      _("Thread pool"));
}

/**
 * fl_question_compute_new:
 *
 * Compute: the speed-up of threads under the (simulated) GIL over the main loop.
 */
FlPrediction *
fl_question_compute_new (FlPage *page)
{
  return speedup_new (page, _("Under the GIL, how many times faster than the main loop will "
                              "the threads compute the image?"), 4, 2, "main-loop", _("Main loop"), "gil",
                      _("Threads + GIL"));
}

/* ---- map vs as_completed: which pane prints first ---------------------------------- */

enum { FIRST_MAP, FIRST_AS_COMPLETED, FIRST_SAME };

typedef struct
{
  FlSpans *map;
  FlSpans *as_completed;
} FirstPrint;

static void
first_print_clear (FirstPrint   *q,
                   FlPrediction *prediction)
{
  if (q->map != NULL)
    g_signal_handlers_disconnect_by_data (q->map, prediction);
  if (q->as_completed != NULL)
    g_signal_handlers_disconnect_by_data (q->as_completed, prediction);
  g_clear_object (&q->map);
  g_clear_object (&q->as_completed);
}

/* The span map() printed first: the first one submitted, once it has ended. */
static const FlSpan *
first_submitted (FlSpans *spans)
{
  const FlSpan *first = NULL;

  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);

      if (span->kind == FL_SPAN_FUTURE && (first == NULL || span->queued < first->queued))
        first = span;
    }
  return first != NULL && fl_span_is_done (first) ? first : NULL;
}

/* executor.map()'s futures carry no label; the panes run the same jobs in the same order,
 * so the first submitted of one is the first submitted of the other. */
static const char *
map_label (const FlSpan *map,
           FlSpans      *as_completed)
{
  for (guint i = 0; map->label == NULL && i < fl_spans_get_n_spans (as_completed); i++)
    if (fl_spans_get (as_completed, i)->kind == FL_SPAN_FUTURE)
      return fl_spans_get (as_completed, i)->label;
  return map->label != NULL ? map->label : "";
}

static void
first_print_changed_cb (FlSpans      *spans,
                        guint         n_new,
                        gpointer      touched,
                        guint         n_touched,
                        FlPrediction *prediction)
{
  FirstPrint *q = g_object_get_data (G_OBJECT (prediction), "fl-question");
  const FlSpan *map, *ac;
  g_autofree char *how = NULL;
  double map_s, ac_s, tolerance;
  guint mask;

  if (fl_prediction_get_state (prediction) != FL_PREDICTION_LOCKED
      || q->map == NULL || q->as_completed == NULL)
    return;
  map = first_submitted (q->map);
  ac = fl_prediction_first_finished (q->as_completed);
  if (map == NULL || ac == NULL)
    return;
  /* Both panes start together; their span times count from each pane's own start. */
  map_s = map->finished / (double) G_USEC_PER_SEC;
  ac_s = ac->finished / (double) G_USEC_PER_SEC;
  tolerance = MAX (0.05, 0.05 * MAX (map_s, ac_s));
  if (fabs (map_s - ac_s) <= tolerance)
    mask = 1u << FIRST_SAME;
  else
    mask = 1u << (map_s < ac_s ? FIRST_MAP : FIRST_AS_COMPLETED);
  how = g_strdup_printf (_("executor.map() printed %s first, at %.2f s; as_completed() "
                           "printed %s first, at %.2f s (from each pane’s timeline)."),
                         map_label (map, q->as_completed), map_s, ac->label, ac_s);
  first_print_clear (q, prediction);
  fl_prediction_reveal_choice (prediction, mask, how);
}

static void
first_print_free (gpointer data)
{
  FirstPrint *q = data;

  /* The card is going: its handlers went with it (connected with it as the object). */
  g_clear_object (&q->map);
  g_clear_object (&q->as_completed);
  g_free (q);
}

static void
first_print_reset_cb (FlPrediction *prediction,
                      FirstPrint   *q)
{
  first_print_clear (q, prediction);
}

/**
 * fl_question_map_new:
 *
 * map vs as_completed: which pane prints its first result sooner.
 */
FlPrediction *
fl_question_map_new (void)
{
  const char *choices[] = { _("executor.map()"), _("as_completed()"),
                            _("Both at the same moment"), NULL };
  FlPrediction *prediction = fl_prediction_new_choice (_("Both panes run the same jobs on pools "
                                                         "of the same size. Which prints its "
                                                         "first result sooner?"), choices);

  g_object_set_data_full (G_OBJECT (prediction), "fl-question", g_new0 (FirstPrint, 1),
                          first_print_free);
  g_signal_connect (prediction, "reset", G_CALLBACK (first_print_reset_cb),
                    g_object_get_data (G_OBJECT (prediction), "fl-question"));
  return prediction;
}

/**
 * fl_question_map_watch:
 * @prediction: (nullable): the page's card
 * @map_spans: (nullable): the executor.map() pane's spans of the run that just started
 * @as_completed_spans: (nullable): the as_completed() pane's
 *
 * The map page's hook as a run starts: takes the guess and reveals once both panes have
 * printed their first result.
 */
void
fl_question_map_watch (FlPrediction *prediction,
                       FlSpans      *map_spans,
                       FlSpans      *as_completed_spans)
{
  FirstPrint *q;

  if (prediction == NULL)
    return;
  q = g_object_get_data (G_OBJECT (prediction), "fl-question");
  fl_prediction_lock (prediction);
  if (fl_prediction_get_state (prediction) != FL_PREDICTION_LOCKED)
    return;
  first_print_clear (q, prediction);
  if (map_spans == NULL || as_completed_spans == NULL)
    {
      fl_prediction_set_waiting (prediction, _("This run has one pane only: run both to "
                                               "compare."));
      return;
    }
  q->map = g_object_ref (map_spans);
  q->as_completed = g_object_ref (as_completed_spans);
  g_signal_connect_object (q->map, "changed", G_CALLBACK (first_print_changed_cb), prediction, 0);
  g_signal_connect_object (q->as_completed, "changed", G_CALLBACK (first_print_changed_cb),
                           prediction, 0);
}

/* ---- producer/consumer: where the producer blocks ---------------------------------- */

enum { BLOCKS_PUT, BLOCKS_NEVER, BLOCKS_BOTH };

/* A side "blocks" when it spends at least this share of its time waiting. */
#define BLOCKED_SHARE 0.1

static void
queue_finished_cb (FlPipeline   *pipeline,
                   FlPrediction *prediction)
{
  FlPipelineStats stats;
  g_autofree char *how = NULL;
  double producers, consumers;
  guint mask;

  if (g_object_get_data (G_OBJECT (prediction), "fl-question") != pipeline
      || fl_prediction_get_state (prediction) != FL_PREDICTION_LOCKED)
    return;
  fl_pipeline_get_stats (pipeline, &stats);
  if (stats.elapsed_us <= 0)
    return;
  producers = stats.put_blocked_us
              / ((double) fl_pipeline_get_producers (pipeline) * stats.elapsed_us);
  consumers = stats.get_blocked_us
              / ((double) fl_pipeline_get_consumers (pipeline) * stats.elapsed_us);
  if (producers >= BLOCKED_SHARE && producers > 2 * consumers)
    mask = 1u << BLOCKS_PUT;
  else if (producers < BLOCKED_SHARE || consumers > 2 * producers)
    mask = 1u << BLOCKS_NEVER;
  else
    mask = 1u << BLOCKS_BOTH;
  how = g_strdup_printf (_("Measured by the queue: the producers waited in put() %.0f %% of "
                           "their time, the consumers in get() %.0f %% of theirs."),
                         producers * 100, consumers * 100);
  fl_prediction_reveal_choice (prediction, mask, how);
}

/**
 * fl_question_queue_new:
 *
 * Producer/consumer: where the producers block.
 */
FlPrediction *
fl_question_queue_new (void)
{
  const char *choices[] = { _("In put(): they wait for room in a full queue"),
                            _("Nowhere: the consumers wait in get() instead"),
                            _("Both sides wait, now and then"), NULL };

  return fl_prediction_new_choice (_("With these rates, where do the producers block?"),
                                   choices);
}

/**
 * fl_question_queue_watch:
 * @prediction: (nullable): the page's card
 *
 * The queue page's hook as a run starts: takes the guess and reveals when @pipeline ends.
 */
void
fl_question_queue_watch (FlPrediction *prediction,
                         FlPipeline   *pipeline)
{
  if (prediction == NULL)
    return;
  fl_prediction_lock (prediction);
  if (fl_prediction_get_state (prediction) != FL_PREDICTION_LOCKED)
    return;
  /* Only the latest pipeline answers (a key, not a reference: the page holds it). */
  g_object_set_data (G_OBJECT (prediction), "fl-question", pipeline);
  g_signal_connect_object (pipeline, "finished", G_CALLBACK (queue_finished_cb), prediction, 0);
}
