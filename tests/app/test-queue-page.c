/* test-queue-page.c: the Producer/consumer page: conservation, back-pressure, clean stop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-queue-page.h"

static FlWindow *window;
static FlQueuePage *page;

static void
run (const char *mode)
{
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "queue", mode));
}

static gboolean
finished (FlPipelineStats *stats,
          gboolean        *stopped)
{
  return fl_queue_page_get_final (page, stats, stopped);
}

static void
assert_conserved (const FlPipelineStats *stats,
                  guint64                expected)
{
  g_assert_cmpuint (stats->produced, ==, expected);
  g_assert_cmpuint (stats->consumed, ==, stats->produced);
  g_assert_cmpuint (stats->duplicates, ==, 0);
  g_assert_cmpuint (stats->queue_length, ==, 0);
  g_assert_nonnull (strstr (fl_queue_page_get_verdict (page), "nothing lost"));
}

static void
test_everything_consumed_once (void)
{
  FlPipelineStats stats;
  gboolean stopped = TRUE;

  fl_queue_page_set_shape (page, 3, 2, 5, 600);
  fl_queue_page_set_rates (page, 200, 200, 1.0);
  run ("custom");
  g_assert_true (fl_queue_page_is_running (page));
  {
    GtkWidget *stop = fl_test_find_action_button (GTK_WIDGET (page), "page.cancel", NULL);

    /* Stop is red while there is something to stop, and only then */
    g_assert_true (gtk_widget_has_css_class (stop, "destructive-action"));
    fl_test_spin_until (finished (&stats, &stopped), 20000);
    g_assert_false (gtk_widget_has_css_class (stop, "destructive-action"));
  }
  g_assert_false (stopped);
  assert_conserved (&stats, 600);
  g_assert_cmpuint (stats.queue_max, <=, 5);
}

static void
test_back_pressure_and_starvation (void)
{
  FlPipelineStats fast_producers, fast_consumers;

  /* producers twice as fast as the consumers can take: the queue fills, put() blocks */
  fl_queue_page_set_shape (page, 2, 2, 4, 90);
  run ("fast-producers");
  fl_test_spin_until (finished (&fast_producers, NULL), 20000);
  assert_conserved (&fast_producers, 90);
  g_assert_cmpuint (fast_producers.queue_max, ==, 4);
  g_assert_cmpint (fast_producers.put_blocked_us, >, fast_producers.get_blocked_us);

  /* the other way round: the queue runs dry, get() blocks */
  run ("fast-consumers");
  fl_test_spin_until (finished (&fast_consumers, NULL), 20000);
  assert_conserved (&fast_consumers, 90);
  g_assert_cmpint (fast_consumers.get_blocked_us, >, fast_consumers.put_blocked_us);
  g_assert_cmpint (fast_consumers.get_blocked_us, >, fast_producers.get_blocked_us);
}

static void
test_stop_mid_run_loses_nothing (void)
{
  GtkWidget *start = fl_test_find_action_button (GTK_WIDGET (page), "page.run", "custom");
  GtkWidget *stop = fl_test_find_action_button (GTK_WIDGET (page), "page.cancel", NULL);
  FlPipelineStats stats;
  gboolean stopped = FALSE;

  g_assert_nonnull (start);
  g_assert_nonnull (stop);
  fl_queue_page_set_shape (page, 2, 3, 8, 100000);
  fl_queue_page_set_rates (page, 150, 40, 0.5);
  fl_test_spin_until (gtk_widget_get_mapped (start), 5000);
  gtk_widget_activate (start);
  fl_test_spin_until (fl_queue_page_is_running (page), 5000);

  g_assert_cmpuint (fl_pipeline_get_capacity (fl_queue_page_get_pipeline (page)), ==, 8);
  fl_test_spin_until ((fl_pipeline_get_stats (fl_queue_page_get_pipeline (page), &stats),
                       stats.produced >= 60), 10000);
  gtk_widget_activate (stop);
  fl_test_spin_until (finished (&stats, &stopped), 20000);
  g_assert_true (stopped);
  g_assert_cmpuint (stats.produced, <, 100000);
  g_assert_cmpuint (stats.produced, >=, 60);
  assert_conserved (&stats, stats.produced);
}

static GtkLabel *
child_label (const char *name)
{
  return GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page), FL_TYPE_QUEUE_PAGE, name));
}

static guint64
moved (FlPipeline *pipeline)
{
  FlPipelineStats stats;

  fl_pipeline_get_stats (pipeline, &stats);
  return stats.produced + stats.consumed;
}

/* The header's Pause and Step act on the pipeline: paused, no item moves (the counts
 * stay); a step moves exactly one, and the header says which; Stop still ends it. */
static void
test_pause_and_step (void)
{
  FlPipeline *pipeline;
  FlGate *gate;
  FlPipelineStats stats;
  gboolean stopped = FALSE;
  guint64 before;
  g_autofree char *shown = NULL;

  fl_queue_page_set_shape (page, 2, 2, 4, 100000);
  fl_queue_page_set_rates (page, 60, 60, 0.5);
  run ("custom");
  fl_test_spin_until (fl_queue_page_is_running (page), 5000);
  pipeline = fl_queue_page_get_pipeline (page);
  gate = fl_pipeline_get_gate (pipeline);
  g_assert_nonnull (gate);
  g_assert_true (fl_page_can_pause (FL_PAGE (page)));
  fl_test_spin_until (moved (pipeline) >= 10, 10000);

  /* A step while running pauses first. */
  fl_page_step (FL_PAGE (page));
  g_assert_true (fl_page_is_paused (FL_PAGE (page)));
  fl_test_spin_until (fl_gate_get_n_held (gate) == 4, 10000);
  before = moved (pipeline);
  for (guint i = 0; i < 10; i++)
    fl_test_iterate (20);
  g_assert_cmpuint (moved (pipeline), ==, before);
  g_assert_cmpstr (fl_page_get_gate_status (FL_PAGE (page)), ==, "Paused");

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *last = g_strdup (fl_page_get_gate_status (FL_PAGE (page)));

      before = moved (pipeline);
      fl_page_step (FL_PAGE (page));
      fl_test_spin_until (moved (pipeline) == before + 1 && fl_gate_get_n_held (gate) == 4
                          && g_strcmp0 (fl_page_get_gate_status (FL_PAGE (page)), last) != 0,
                          10000);
      g_test_message ("%s", fl_page_get_gate_status (FL_PAGE (page)));
      g_assert_nonnull (strstr (fl_page_get_gate_status (FL_PAGE (page)), " of item "));
      g_assert_true (fl_page_is_paused (FL_PAGE (page)));
      for (guint j = 0; j < 5; j++)
        fl_test_iterate (20);
      g_assert_cmpuint (moved (pipeline), ==, before + 1);
    }

  /* The page's counters follow (the 150 ms timer reads the stats). */
  fl_pipeline_get_stats (pipeline, &stats);
  shown = g_strdup_printf ("%" G_GUINT64_FORMAT, stats.produced);
  fl_test_spin_until (g_strcmp0 (gtk_label_get_text (child_label ("produced_label")), shown) == 0,
                      5000);

  /* Stop while paused ends the run, nothing lost; then nothing is left to pause. */
  fl_page_cancel_run (FL_PAGE (page));
  fl_test_spin_until (finished (&stats, &stopped), 20000);
  g_assert_true (stopped);
  assert_conserved (&stats, stats.produced);
  g_assert_false (fl_page_can_pause (FL_PAGE (page)));
  g_assert_false (fl_page_is_paused (FL_PAGE (page)));
}

static gboolean
python_done (void)
{
  FlRun *run = fl_page_get_python_run (FL_PAGE (page));

  return run != NULL && fl_run_is_complete (run);
}

/* The Python run fills the counters from what the program printed, said so; a C run
 * puts the C counters back. */
static void
test_python_counts (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(GError) error = NULL;
  FlPipelineStats stats;

  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  fl_queue_page_set_shape (page, 2, 2, 4, 120);
  fl_queue_page_set_rates (page, 400, 400, 0.5);
  g_assert_true (fl_page_run_python (FL_PAGE (page), &error));
  g_assert_no_error (error);
  fl_test_spin_until (python_done (), 60000);
  fl_test_spin_until (strstr (gtk_label_get_text (child_label ("status_label")), "Python") != NULL,
                      5000);
  g_test_message ("%s", gtk_label_get_text (child_label ("status_label")));
  g_assert_cmpstr (gtk_label_get_text (child_label ("produced_label")), ==, "120");
  g_assert_cmpstr (gtk_label_get_text (child_label ("consumed_label")), ==, "120");
  g_assert_nonnull (strstr (gtk_label_get_text (child_label ("verdict_label")), "Python"));
  g_assert_nonnull (strstr (gtk_label_get_text (child_label ("queue_label")), "at most"));

  fl_queue_page_set_shape (page, 2, 2, 4, 50);
  run ("custom");
  fl_test_spin_until (finished (&stats, NULL), 20000);
  g_assert_cmpstr (gtk_label_get_text (child_label ("produced_label")), ==, "50");
  g_assert_null (strstr (gtk_label_get_text (child_label ("status_label")), "Python"));
  g_assert_null (strstr (gtk_label_get_text (child_label ("verdict_label")), "Python"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_QUEUE_PAGE (fl_window_get_page (window, "queue"));
  g_assert_nonnull (page);
  fl_window_show_demo (window, "queue");

  g_test_add_func ("/app/queue/everything-consumed-exactly-once", test_everything_consumed_once);
  g_test_add_func ("/app/queue/back-pressure-and-starvation", test_back_pressure_and_starvation);
  g_test_add_func ("/app/queue/stop-mid-run-loses-nothing", test_stop_mid_run_loses_nothing);
  g_test_add_func ("/app/queue/pause-and-step", test_pause_and_step);
  g_test_add_func ("/app/queue/python-counts", test_python_counts);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
