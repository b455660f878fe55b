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

  return g_test_run ();
}
