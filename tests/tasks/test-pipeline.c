/* test-pipeline.c: producers and consumers as futures, nothing lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"
#include "fl-test-utils.h"

#define N_ITEMS (FL_TEST_UNDER_TSAN ? 100000 : 1000000)

static void
on_finished (FlPipeline *pipeline,
             gboolean   *finished)
{
  *finished = TRUE;
}

static void
test_conservation_random_rates (void)
{
  g_autoptr(FlPipeline) pipeline = fl_pipeline_new (3, 4, 16, N_ITEMS);
  g_autoptr(FlTrace) trace = fl_trace_new ("queue");
  g_autoptr(GError) error = NULL;
  FlPipelineStats stats;
  gboolean finished = FALSE;
  GPtrArray *futures;

  fl_pipeline_set_jitter (pipeline, 0.5);
  fl_pipeline_set_trace (pipeline, trace);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (fl_pipeline_start (pipeline, &error));
  g_assert_no_error (error);
  fl_test_spin_until (finished, 60000);

  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.produced, ==, N_ITEMS);
  g_assert_cmpuint (stats.consumed, ==, N_ITEMS);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.queue_length, ==, 0);
  g_assert_cmpuint (stats.queue_max, <=, 16);
  g_assert_true (fl_pipeline_is_finished (pipeline));

  /* Seven futures, each ran on its own lane and finished. */
  futures = fl_pipeline_get_futures (pipeline);
  g_assert_cmpuint (futures->len, ==, 7);
  for (guint i = 0; i < futures->len; i++)
    g_assert_cmpint (fl_future_get_state (g_ptr_array_index (futures, i)), ==, FL_FUTURE_FINISHED);
  g_assert_cmpuint (fl_trace_get_n_events (trace), ==, 21);
}

static void
test_slow_consumers_block_producers (void)
{
  g_autoptr(FlPipeline) pipeline = fl_pipeline_new (2, 1, 4, 60);
  FlPipelineStats stats;
  gboolean finished = FALSE;

  /* Producers as fast as possible, one consumer at 1000 items/s: the queue stays full
   * and the producers spend their time blocked on it (back-pressure). */
  fl_pipeline_set_consume_rate (pipeline, 1000);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (fl_pipeline_start (pipeline, NULL));
  fl_test_spin_until (finished, 10000);

  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.consumed, ==, 60);
  g_assert_cmpuint (stats.queue_max, ==, 4);
  g_assert_cmpint (stats.put_blocked_us, >, stats.get_blocked_us);
}

static void
test_stop_loses_nothing (void)
{
  g_autoptr(FlPipeline) pipeline = fl_pipeline_new (2, 2, 8, 1000000);
  FlPipelineStats stats;
  gboolean finished = FALSE;

  fl_pipeline_set_produce_rate (pipeline, 2000);
  fl_pipeline_set_consume_rate (pipeline, 500);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (fl_pipeline_start (pipeline, NULL));
  fl_test_spin_until (({ fl_pipeline_get_stats (pipeline, &stats); stats.produced >= 20; }),
                      10000);

  /* Stop mid-run: producers stop, consumers drain what was queued, then the pills. */
  fl_pipeline_stop (pipeline);
  fl_test_spin_until (finished, 10000);
  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.produced, <, 1000000);
  g_assert_cmpuint (stats.consumed, ==, stats.produced);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.queue_length, ==, 0);
}

/* Stop right after start, before some producers' jobs began: a producer cancelled while
 * still queued never runs, yet the consumers still get their pills and the run ends (it
 * used to hang, the consumers waiting for pills only the missing producer would put). */
static void
test_stop_before_producers_start (void)
{
  for (guint round = 0; round < 30; round++)
    {
      g_autoptr(FlPipeline) pipeline = fl_pipeline_new (4, 2, 8, 1000000);
      FlPipelineStats stats;
      gboolean finished = FALSE;

      fl_pipeline_set_produce_rate (pipeline, 2000);
      g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
      g_assert_true (fl_pipeline_start (pipeline, NULL));
      fl_pipeline_stop (pipeline);
      fl_test_spin_until (finished, 20000);
      fl_pipeline_get_stats (pipeline, &stats);
      g_assert_cmpuint (stats.consumed, ==, stats.produced);
      g_assert_cmpuint (stats.queue_length, ==, 0);
    }
}

/* Non-finite settings are "as fast as possible" and "no jitter", never an undefined
 * conversion of NaN or infinity to an interval. */
static void
test_non_finite_rates (void)
{
  g_autoptr(FlPipeline) pipeline = fl_pipeline_new (2, 2, 4, 200);
  FlPipelineStats stats;
  gboolean finished = FALSE;

  fl_pipeline_set_produce_rate (pipeline, NAN);
  fl_pipeline_set_consume_rate (pipeline, INFINITY);
  fl_pipeline_set_jitter (pipeline, NAN);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (fl_pipeline_start (pipeline, NULL));
  fl_test_spin_until (finished, 10000);
  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.consumed, ==, 200);
}

/* ------------------------------------------------------------------ pause and step */

typedef struct
{
  guint     n_passed;
  char     *label;
} Passed;

static void
on_passed (FlGate           *gate,
           FlGateTransition  transition,
           guint64           id,
           const char       *label,
           Passed           *passed)
{
  passed->n_passed++;
  g_free (passed->label);
  passed->label = g_strdup (label);
}

static gboolean
same_counts (const FlPipelineStats *a,
             const FlPipelineStats *b)
{
  return a->produced == b->produced && a->consumed == b->consumed
         && a->queue_length == b->queue_length;
}

/* Spins a few iterations (no condition to wait for: nothing must happen). */
static void
spin_a_little (void)
{
  for (guint i = 0; i < 10; i++)
    fl_test_iterate (10);
}

/* One step: waits until it was reported and every worker is back at the gate, then
 * checks that exactly one item moved. */
static void
step_once (FlPipeline *pipeline,
           FlGate     *gate,
           Passed     *passed,
           guint       n_workers)
{
  FlPipelineStats before, after;
  guint n = passed->n_passed;

  fl_pipeline_get_stats (pipeline, &before);
  fl_gate_step (gate);
  fl_test_spin_until (({ fl_pipeline_get_stats (pipeline, &after);
                         passed->n_passed == n + 1
                         && after.produced + after.consumed == before.produced + before.consumed + 1
                         && fl_gate_get_n_held (gate) == n_workers; }), 10000);
  spin_a_little ();
  fl_pipeline_get_stats (pipeline, &after);
  g_assert_cmpuint (passed->n_passed, ==, n + 1);
  g_assert_cmpuint (after.produced + after.consumed, ==, before.produced + before.consumed + 1);
  g_assert_nonnull (passed->label);
  if (after.produced == before.produced + 1)
    {
      g_assert_true (g_str_has_prefix (passed->label, "put of item "));
      g_assert_cmpuint (after.queue_length, ==, before.queue_length + 1);
    }
  else
    {
      g_assert_cmpuint (after.consumed, ==, before.consumed + 1);
      g_assert_true (g_str_has_prefix (passed->label, "get of item "));
      g_assert_cmpuint (after.queue_length + 1, ==, before.queue_length);
    }
}

/* Paused mid-run, nothing moves, even the producers that were blocked in put() on a full
 * queue; each step moves exactly one item; resumed, every item is consumed once. */
static void
test_pause_step_resume (void)
{
  g_autoptr(FlPipeline) pipeline = fl_pipeline_new (2, 2, 4, 400);
  g_autoptr(FlGate) gate = fl_gate_new ();
  FlPipelineStats held, stats;
  Passed passed = { 0 };
  gboolean finished = FALSE;

  /* Producers as fast as possible, consumers slower: the queue is full, the producers
   * blocked inside put() when the pause comes. */
  fl_pipeline_set_consume_rate (pipeline, 400);
  fl_pipeline_set_gate (pipeline, gate);
  g_signal_connect (gate, "passed", G_CALLBACK (on_passed), &passed);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (fl_pipeline_start (pipeline, NULL));
  fl_test_spin_until (({ fl_pipeline_get_stats (pipeline, &stats); stats.consumed >= 10; }),
                      10000);

  fl_gate_pause (gate);
  fl_test_spin_until (fl_gate_get_n_held (gate) == 4, 10000);
  fl_pipeline_get_stats (pipeline, &held);
  spin_a_little ();
  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_true (same_counts (&held, &stats));
  g_assert_cmpuint (passed.n_passed, ==, 0);

  for (guint i = 0; i < 12; i++)
    step_once (pipeline, gate, &passed, 4);

  fl_gate_resume (gate);
  fl_test_spin_until (finished, 20000);
  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.produced, ==, 400);
  g_assert_cmpuint (stats.consumed, ==, 400);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.queue_length, ==, 0);
  g_free (passed.label);
}

/* Paused from the start: the consumers find the queue empty, so the first step is a
 * producer's put (a step never lets through an operation that would block). */
static void
test_paused_from_start (void)
{
  g_autoptr(FlPipeline) pipeline = fl_pipeline_new (1, 3, 2, 50);
  g_autoptr(FlGate) gate = fl_gate_new ();
  FlPipelineStats stats;
  Passed passed = { 0 };
  gboolean finished = FALSE;

  fl_gate_pause (gate);
  fl_pipeline_set_gate (pipeline, gate);
  g_signal_connect (gate, "passed", G_CALLBACK (on_passed), &passed);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (fl_pipeline_start (pipeline, NULL));
  fl_test_spin_until (fl_gate_get_n_held (gate) == 4, 10000);
  spin_a_little ();
  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.produced, ==, 0);
  g_assert_cmpuint (stats.consumed, ==, 0);

  step_once (pipeline, gate, &passed, 4);
  g_assert_cmpstr (passed.label, ==, "put of item 1 by producer 1");
  step_once (pipeline, gate, &passed, 4);
  step_once (pipeline, gate, &passed, 4);
  /* The queue (capacity 2) may now be full: the steps still go, to the consumers. */
  for (guint i = 0; i < 6; i++)
    step_once (pipeline, gate, &passed, 4);

  fl_gate_resume (gate);
  fl_test_spin_until (finished, 20000);
  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.consumed, ==, 50);
  g_free (passed.label);
}

/* Stop while paused still ends the run: the producers stop, the consumers drain. */
static void
test_stop_while_paused (void)
{
  g_autoptr(FlPipeline) pipeline = fl_pipeline_new (2, 2, 8, 1000000);
  g_autoptr(FlGate) gate = fl_gate_new ();
  FlPipelineStats stats;
  gboolean finished = FALSE;

  fl_pipeline_set_produce_rate (pipeline, 2000);
  fl_pipeline_set_consume_rate (pipeline, 500);
  fl_pipeline_set_gate (pipeline, gate);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (fl_pipeline_start (pipeline, NULL));
  fl_test_spin_until (({ fl_pipeline_get_stats (pipeline, &stats); stats.produced >= 20; }),
                      10000);
  fl_gate_pause (gate);
  fl_test_spin_until (fl_gate_get_n_held (gate) == 4, 10000);

  fl_pipeline_stop (pipeline);
  fl_test_spin_until (finished, 20000);
  g_assert_true (fl_gate_is_paused (gate));
  fl_pipeline_get_stats (pipeline, &stats);
  g_assert_cmpuint (stats.consumed, ==, stats.produced);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.queue_length, ==, 0);
  g_assert_cmpuint (fl_gate_get_n_held (gate), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_lessons_register_jobs ();

  g_test_add_func ("/tasks/pipeline/conservation-random-rates", test_conservation_random_rates);
  g_test_add_func ("/tasks/pipeline/non-finite-rates", test_non_finite_rates);
  g_test_add_func ("/tasks/pipeline/slow-consumers-block-producers",
                   test_slow_consumers_block_producers);
  g_test_add_func ("/tasks/pipeline/stop-loses-nothing", test_stop_loses_nothing);
  g_test_add_func ("/tasks/pipeline/stop-before-producers-start",
                   test_stop_before_producers_start);
  g_test_add_func ("/tasks/pipeline/pause-step-resume", test_pause_step_resume);
  g_test_add_func ("/tasks/pipeline/paused-from-start", test_paused_from_start);
  g_test_add_func ("/tasks/pipeline/stop-while-paused", test_stop_while_paused);

  return g_test_run ();
}
