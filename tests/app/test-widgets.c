/* test-widgets.c: the timeline and the futures list with many futures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-span-model.h"
#include "fl-futures-list.h"
#include "fl-run.h"
#include "fl-timeline.h"

#define N_FUTURES 20000

static GtkWindow *host;
static FlTimeline *timeline;
static FlFuturesList *list;
static FlRun *run;

static void
setup_run (void)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  fl_jobs_register_builtins ();
  host = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (host, 1000, 700);
  timeline = FL_TIMELINE (fl_timeline_new ());
  gtk_widget_set_size_request (GTK_WIDGET (timeline), -1, 200);
  list = FL_FUTURES_LIST (fl_futures_list_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (list), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (timeline));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (list));
  gtk_window_set_child (host, box);
  gtk_window_present (host);

  run = fl_run_new ("threads", "threads", fl_thread_executor_new (2));
  for (guint i = 0; i < N_FUTURES; i++)
    g_assert_nonnull (fl_run_submit (run, "echo", g_variant_new_uint32 (i), "echo", &error));
  g_assert_no_error (error);
  fl_run_commit (run);
  fl_timeline_set_spans (timeline, fl_run_get_spans (run));
  fl_futures_list_set_spans (list, fl_run_get_spans (run));
  fl_test_spin_until (fl_run_is_complete (run), 30000);
}

static void
test_run_model_counts (void)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (run)), ==, N_FUTURES);
  g_assert_cmpuint (fl_run_get_n_done (run), ==, N_FUTURES);
  g_assert_cmpuint (fl_run_get_n_finished (run), ==, N_FUTURES);
  g_assert_cmpuint (fl_run_get_n_failed (run) + fl_run_get_n_cancelled (run), ==, 0);
}

static void
test_list_binds_only_visible_rows (void)
{
  guint bound;

  fl_test_spin_until (fl_futures_list_get_n_bound (list) > 0, 5000);
  bound = fl_futures_list_get_n_bound (list);
  g_test_message ("%u cells listen to their future", bound);
  /* a screenful of rows (and a little more), never the whole run */
  g_assert_cmpuint (bound, <, 2000);
  g_assert_cmpuint (g_list_model_get_n_items (fl_futures_list_get_model (list)), ==, N_FUTURES);
}

static void
test_timeline_merges_subpixel_bars (void)
{
  FlTimelineStats stats = { 0 };
  int width;
  guint frames;

  fl_timeline_set_follow (timeline, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (timeline));
  fl_timeline_get_stats (timeline, &stats);
  frames = stats.n_frames;
  fl_test_spin_until ((fl_timeline_get_stats (timeline, &stats), stats.n_frames > frames), 5000);
  width = gtk_widget_get_width (GTK_WIDGET (timeline));
  g_assert_cmpuint (stats.n_spans, ==, N_FUTURES);
  g_assert_cmpuint (stats.n_visible, ==, N_FUTURES);
  /* at most one rectangle per pixel column per lane, plus the wide bars */
  g_assert_cmpuint (stats.n_rects, <=, (guint) width * stats.n_lanes);
  g_assert_cmpuint (stats.n_rects, <, N_FUTURES / 4);
}

static void
test_timeline_culls_outside_view (void)
{
  FlTimelineStats stats = { 0 };
  gint64 start, span;
  guint frames;

  fl_timeline_get_view (timeline, &start, &span);
  /* a window of one hundredth of the run, in its middle */
  fl_timeline_set_view (timeline, start + span / 2, span / 100);
  g_assert_false (fl_timeline_get_follow (timeline));
  fl_timeline_get_stats (timeline, &stats);
  frames = stats.n_frames;
  fl_test_spin_until ((fl_timeline_get_stats (timeline, &stats), stats.n_frames > frames), 5000);
  g_assert_cmpuint (stats.n_visible, <, N_FUTURES / 5);
}

static void
test_selection_highlights_bar (void)
{
  GListModel *model = fl_futures_list_get_model (list);
  g_autoptr(FlSpanItem) item = g_list_model_get_item (model, 42);
  guint64 id = fl_span_item_get_span (item)->id;

  fl_futures_list_select (list, id);
  g_assert_cmpuint (fl_futures_list_get_selected (list), ==, id);
  fl_timeline_set_selected (timeline, fl_futures_list_get_selected (list));
  g_assert_cmpuint (fl_timeline_get_selected (timeline), ==, id);
}

static void
test_state_colors_distinct (void)
{
  /* every state and every outcome (a 404 is not a success) has its own colour and symbol */
  for (int a = 0; a < FL_PALETTE_N_KINDS; a++)
    for (int b = a + 1; b < FL_PALETTE_N_KINDS; b++)
      {
        GdkRGBA ca, cb;

        fl_palette_color (a, &ca);
        fl_palette_color (b, &cb);
        g_assert_false (gdk_rgba_equal (&ca, &cb));
        g_assert_cmpstr (fl_palette_symbol (a), !=, fl_palette_symbol (b));
        g_assert_cmpstr (fl_palette_legend (a), !=, fl_palette_legend (b));
      }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  setup_run ();

  g_test_add_func ("/app/run/model-counts-every-future", test_run_model_counts);
  g_test_add_func ("/app/list/binds-only-visible-rows", test_list_binds_only_visible_rows);
  g_test_add_func ("/app/timeline/merges-subpixel-bars", test_timeline_merges_subpixel_bars);
  g_test_add_func ("/app/timeline/culls-outside-view", test_timeline_culls_outside_view);
  g_test_add_func ("/app/list/selection-highlights-bar", test_selection_highlights_bar);
  g_test_add_func ("/app/timeline/state-colours-distinct", test_state_colors_distinct);

  ret = g_test_run ();
  gtk_window_destroy (host);
  g_clear_object (&run);
  return ret;
}
