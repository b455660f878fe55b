/* test-charts.c: the run charts' text is whole, apart, and clear of the lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "fl-run-chart.h"
#include "fl-speedup-chart.h"
#include "fl-test-utils.h"

/* Shows @chart alone in a window of @width × @height and waits for its first draw. */
static GtkWindow *
show_chart (GtkWidget *chart,
            int        width,
            int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, chart);
  gtk_window_present (window);
  fl_test_spin_until (gtk_widget_get_mapped (chart) && gtk_widget_get_width (chart) > 0,
                      5000);
  return window;
}

static gboolean
boxes_overlap (const graphene_rect_t *a,
               const graphene_rect_t *b)
{
  graphene_rect_t inner_a, inner_b;

  /* a pixel of slack: neighbours may touch */
  graphene_rect_inset_r (a, 1, 1, &inner_a);
  graphene_rect_inset_r (b, 1, 1, &inner_b);
  return graphene_rect_intersection (&inner_a, &inner_b, NULL);
}

static void
check_labels (const FlChartLabel *labels,
              guint               n,
              double              line_y)
{
  for (guint i = 0; i < n; i++)
    {
      const graphene_rect_t *box = &labels[i].box;

      g_test_message ("label “%s” at %.0f,%.0f %.0f×%.0f%s", labels[i].text, box->origin.x,
                      box->origin.y, box->size.width, box->size.height,
                      labels[i].ellipsized ? " (ellipsized)" : "");
      if (labels[i].ellipsized)
        g_error ("label “%s” is ellipsized", labels[i].text);
      if (line_y >= 0 && !labels[i].axis && box->origin.y + 1 < line_y && line_y < box->origin.y + box->size.height - 1)
        g_error ("the ideal line (y %.0f) crosses label “%s”", line_y, labels[i].text);
      for (guint j = 0; j < i; j++)
        if (boxes_overlap (box, &labels[j].box))
          g_error ("labels “%s” and “%s” overlap", labels[j].text, labels[i].text);
    }
}

/* Ten runs of the Compute page (the chart keeps ten) at the width the page gives the chart
 * at 1280 px: every title whole, the "incomplete" labels apart, no value under the dashed
 * ideal line. */
static void
test_speedup_labels (void)
{
  FlSpeedupChart *chart = FL_SPEEDUP_CHART (fl_speedup_chart_new ());
  GtkWindow *window;
  const FlChartLabel *labels;
  guint n = 0;

  fl_speedup_chart_add (chart, "main-loop", "Main loop (sequential)", "32×1600", TRUE, TRUE,
                        8.0, 2);
  fl_speedup_chart_add (chart, "threads", "Thread pool ×2", "32×1600", FALSE, TRUE, 4.0, 2);
  fl_speedup_chart_add (chart, "gil", "Simulated GIL ×2", "32×1600", FALSE, TRUE, 8.1, 2);
  fl_speedup_chart_add (chart, "processes", "Process pool ×2", "32×1600", FALSE, TRUE, 4.2, 2);
  fl_speedup_chart_add (chart, "threads", "Thread pool ×4", "32×1600", FALSE, FALSE, 1.0, 2);
  fl_speedup_chart_add (chart, "processes", "Process pool ×4", "32×1600", FALSE, FALSE, 1.1,
                        2);
  fl_speedup_chart_add (chart, "threads", "Thread pool ×8", "32×1600", FALSE, TRUE, 4.1, 2);
  fl_speedup_chart_add (chart, "threads", "Thread pool ×3", "32×1600", FALSE, TRUE, 4.05, 2);
  g_assert_cmpuint (fl_speedup_chart_get_n_runs (chart), ==, 8);

  window = show_chart (GTK_WIDGET (chart), 600, 300);
  fl_test_spin_until ((fl_speedup_chart_get_labels (chart, &n), n > 10), 5000);
  labels = fl_speedup_chart_get_labels (chart, &n);
  g_assert_cmpfloat (fl_speedup_chart_get_ideal_y (chart), >, 0);
  check_labels (labels, n, fl_speedup_chart_get_ideal_y (chart));
  gtk_window_destroy (window);
}

/* The Flags page's run chart says when its runs had different server settings, and marks a
 * cancelled run as such. */
static void
test_run_chart_settings_and_cancel (void)
{
  FlRunChart *chart = FL_RUN_CHART (fl_run_chart_new ());
  GtkWindow *window;
  const FlChartLabel *labels;
  gboolean said_settings = FALSE, said_cancelled = FALSE, said_delay = FALSE;
  guint n = 0;

  fl_run_chart_add (chart, "sequential", "Sequential ×1 (20)", "delay 150–150 ms, 0% errors",
                    3.0, 3.0, FALSE);
  fl_run_chart_add (chart, "threads", "Thread pool ×20 (20)", "delay 0–0 ms, 0% errors",
                    0.2, 0, FALSE);
  fl_run_chart_add (chart, "threads", "Thread pool ×20 (20)", "delay 150–150 ms, 0% errors",
                    0.1, 0.15, TRUE);
  window = show_chart (GTK_WIDGET (chart), 700, 300);
  fl_test_spin_until ((fl_run_chart_get_labels (chart, &n), n >= 6), 5000);
  labels = fl_run_chart_get_labels (chart, &n);
  check_labels (labels, n, -1);
  for (guint i = 0; i < n; i++)
    {
      said_settings |= strstr (labels[i].text, "different server settings") != NULL;
      said_cancelled |= strstr (labels[i].text, "cancelled") != NULL;
      said_delay |= strstr (labels[i].text, "delay 0–0 ms") != NULL;
    }
  g_assert_true (said_settings);
  g_assert_true (said_cancelled);
  g_assert_true (said_delay);
  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/charts/speedup-labels-whole-apart-clear", test_speedup_labels);
  g_test_add_func ("/app/charts/run-chart-settings-and-cancelled",
                   test_run_chart_settings_and_cancel);
  return g_test_run ();
}
