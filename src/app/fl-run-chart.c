/* fl-run-chart.c: elapsed time per run as horizontal bars, the ideal marked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history of a page's runs: one bar per run, coloured by mode, with a tick where theory
 * says the run could have ended (e.g. ceil(n / workers) x delay). Sequential vs threads vs
 * async is one glance.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-chart.h"
#include "fl-run-chart.h"

#define MAX_RUNS 8
#define BAR_H    26.0
#define GAP      6.0
#define LABEL_W  190.0

struct _FlRunChart
{
  GtkWidget  parent_instance;
  GArray    *entries;     /* FlChartRun */
  GArray    *labels;      /* FlChartLabel, where the last draw put its text */
};

G_DEFINE_FINAL_TYPE (FlRunChart, fl_run_chart, GTK_TYPE_WIDGET)

/* Runs against different settings are not comparable at a glance: then each says its own. */
static gboolean
settings_differ (FlRunChart *self)
{
  for (guint i = 1; i < self->entries->len; i++)
    if (g_strcmp0 (g_array_index (self->entries, FlChartRun, i).setting,
                   g_array_index (self->entries, FlChartRun, 0).setting) != 0)
      return TRUE;
  return FALSE;
}

static double
row_height (FlRunChart *self)
{
  return settings_differ (self) ? 2 * BAR_H : BAR_H;
}

static double
header_height (FlRunChart *self)
{
  return settings_differ (self) ? BAR_H : 0;
}

static void
fl_run_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlRunChart *self = FL_RUN_CHART (widget);
  int width = gtk_widget_get_width (widget);
  double max = 0.001, plot_w = width - LABEL_W - 110, row_h = row_height (self);
  double y0 = header_height (self);
  gboolean differ = settings_differ (self);
  FlChartFrame frame;
  cairo_t *cr;

  fl_chart_frame_begin (&frame, widget, snapshot, self->labels);
  cr = frame.cr;
  if (self->entries->len == 0)
    {
      fl_chart_show_empty (&frame, _("Finished runs appear here, one bar each, with the "
                                     "ideal time marked."));
      fl_chart_frame_end (&frame);
      return;
    }
  if (differ)
    {
      fl_chart_set_fg (&frame, 0.7);
      fl_chart_show_text (&frame, _("These runs had different server settings: compare "
                                    "runs with the same ones."), 0, 2, 0, width, 1);
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      FlChartRun *e = &g_array_index (self->entries, FlChartRun, i);

      max = MAX (max, MAX (e->elapsed, e->ideal));
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      FlChartRun *e = &g_array_index (self->entries, FlChartRun, i);
      double y = y0 + i * (row_h + GAP);
      double w = MAX (2, e->elapsed / max * plot_w);
      g_autofree char *value = e->cancelled ? g_strdup_printf (_("%.2f s, cancelled"),
                                                               e->elapsed)
                                            : g_strdup_printf (_("%.2f s"), e->elapsed);
      g_autofree char *title = differ && e->setting != NULL
                               ? g_strdup_printf ("%s\n%s", e->title, e->setting)
                               : g_strdup (e->title);
      GdkRGBA c;

      fl_chart_set_fg (&frame, 1);
      fl_chart_show_text (&frame, title, 0, y + 3, 0, LABEL_W - 10, differ ? 2 : 1);

      fl_chart_mode_color (e->mode, &c);
      if (e->cancelled)
        fl_chart_hatch (&frame, &c, LABEL_W, y, w, BAR_H);
      else
        {
          gdk_cairo_set_source_rgba (cr, &c);
          cairo_rectangle (cr, LABEL_W, y, w, BAR_H);
          cairo_fill (cr);
        }

      if (e->ideal > 0)
        {
          double x = LABEL_W + e->ideal / max * plot_w;

          cairo_set_line_width (cr, 3);
          cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_move_to (cr, x, y - 2);
          cairo_line_to (cr, x, y + BAR_H + 2);
          cairo_stroke (cr);
          cairo_set_line_width (cr, 1);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_move_to (cr, x, y - 2);
          cairo_line_to (cr, x, y + BAR_H + 2);
          cairo_stroke (cr);
        }

      fl_chart_set_fg (&frame, 1);
      fl_chart_show_text (&frame, value, LABEL_W + MAX (w, e->ideal / max * plot_w) + 6,
                          y + 3, 0, -1, 1);
    }
  fl_chart_frame_end (&frame);
}

static void
fl_run_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  FlRunChart *self = FL_RUN_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = LABEL_W + 160;
      *natural = LABEL_W + 500;
    }
  else
    *minimum = *natural = header_height (self)
                          + MAX (1, self->entries->len) * (row_height (self) + GAP);
}

static void
fl_run_chart_finalize (GObject *object)
{
  g_array_unref (FL_RUN_CHART (object)->entries);
  g_array_unref (FL_RUN_CHART (object)->labels);
  G_OBJECT_CLASS (fl_run_chart_parent_class)->finalize (object);
}

static void
fl_run_chart_class_init (FlRunChartClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = fl_run_chart_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = fl_run_chart_measure;
  G_OBJECT_CLASS (klass)->finalize = fl_run_chart_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "runchart");
}

static void
fl_run_chart_init (FlRunChart *self)
{
  self->entries = fl_chart_runs_new ();
  self->labels = fl_chart_labels_new ();
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Elapsed time per run; the black-and-white tick marks the "
                                 "ideal time for that mode"));
}

GtkWidget *
fl_run_chart_new (void)
{
  return g_object_new (FL_TYPE_RUN_CHART, NULL);
}

/**
 * fl_run_chart_add:
 * @setting: what the run ran against ("server delay 150 ms, no errors"), or %NULL
 * @ideal_s: where theory says the run could end, or 0 for no mark
 * @cancelled: the run was stopped before all its work was done (drawn hatched)
 *
 * Adds a finished run; the oldest drops off after eight.
 */
void
fl_run_chart_add (FlRunChart *self,
                  const char *mode,
                  const char *title,
                  const char *setting,
                  double      elapsed_s,
                  double      ideal_s,
                  gboolean    cancelled)
{
  FlChartRun e = { (char *) mode, (char *) title, NULL, (char *) setting, elapsed_s, ideal_s,
                   !cancelled, cancelled };

  g_return_if_fail (FL_IS_RUN_CHART (self));

  fl_chart_runs_push (self->entries, MAX_RUNS, &e);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
fl_run_chart_clear (FlRunChart *self)
{
  g_array_set_size (self->entries, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
fl_run_chart_get_n_runs (FlRunChart *self)
{
  return self->entries->len;
}

/**
 * fl_run_chart_get_labels:
 * @n_labels: (out): how many
 *
 * Returns: (transfer none): where the last draw put each piece of text
 */
const FlChartLabel *
fl_run_chart_get_labels (FlRunChart *self,
                         guint      *n_labels)
{
  *n_labels = self->labels->len;
  return (const FlChartLabel *) self->labels->data;
}
