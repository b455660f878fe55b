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

#include "fl-run-chart.h"

#define MAX_RUNS 8
#define BAR_H    26.0
#define GAP      6.0
#define LABEL_W  190.0

typedef struct
{
  char   *mode;
  char   *title;
  double  elapsed;
  double  ideal;
} Entry;

struct _FlRunChart
{
  GtkWidget  parent_instance;
  GArray    *entries;
};

G_DEFINE_FINAL_TYPE (FlRunChart, fl_run_chart, GTK_TYPE_WIDGET)

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->mode);
  g_free (e->title);
}

static void
mode_color (const char *mode,
            GdkRGBA    *c)
{
  /* Okabe–Ito, one hue per mode */
  if (g_str_equal (mode, "sequential"))
    gdk_rgba_parse (c, "#E69F00");
  else if (g_str_equal (mode, "threads"))
    gdk_rgba_parse (c, "#0072B2");
  else if (g_str_equal (mode, "async"))
    gdk_rgba_parse (c, "#009E73");
  else if (g_str_equal (mode, "processes"))
    gdk_rgba_parse (c, "#CC79A7");
  else
    gdk_rgba_parse (c, "#999999");
}

static void
fl_run_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlRunChart *self = FL_RUN_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  double max = 0.001, plot_w = width - LABEL_W - 80;
  GdkRGBA fg;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->entries->len == 0)
    {
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      pango_layout_set_text (layout, _("Finished runs appear here, one bar each, with the "
                                       "ideal time marked."), -1);
      cairo_move_to (cr, 0, 4);
      pango_cairo_show_layout (cr, layout);
      cairo_destroy (cr);
      return;
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = &g_array_index (self->entries, Entry, i);

      max = MAX (max, MAX (e->elapsed, e->ideal));
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = &g_array_index (self->entries, Entry, i);
      double y = i * (BAR_H + GAP);
      double w = MAX (2, e->elapsed / max * plot_w);
      g_autofree char *value = g_strdup_printf (_("%.2f s"), e->elapsed);
      GdkRGBA c;

      gdk_cairo_set_source_rgba (cr, &fg);
      pango_layout_set_text (layout, e->title, -1);
      pango_layout_set_width (layout, (LABEL_W - 10) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      cairo_move_to (cr, 0, y + 3);
      pango_cairo_show_layout (cr, layout);
      pango_layout_set_width (layout, -1);

      mode_color (e->mode, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, LABEL_W, y, w, BAR_H);
      cairo_fill (cr);

      gdk_cairo_set_source_rgba (cr, &fg);
      pango_layout_set_text (layout, value, -1);
      cairo_move_to (cr, LABEL_W + w + 6, y + 3);
      pango_cairo_show_layout (cr, layout);

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
    }
  cairo_destroy (cr);
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
    *minimum = *natural = MAX (1, self->entries->len) * (BAR_H + GAP);
}

static void
fl_run_chart_finalize (GObject *object)
{
  g_array_unref (FL_RUN_CHART (object)->entries);
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
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
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
 * @ideal_s: where theory says the run could end, or 0 for no mark
 *
 * Adds a finished run; the oldest drops off after eight.
 */
void
fl_run_chart_add (FlRunChart *self,
                  const char *mode,
                  const char *title,
                  double      elapsed_s,
                  double      ideal_s)
{
  Entry e = { g_strdup (mode), g_strdup (title), elapsed_s, ideal_s };

  g_return_if_fail (FL_IS_RUN_CHART (self));

  if (self->entries->len == MAX_RUNS)
    g_array_remove_index (self->entries, 0);
  g_array_append_val (self->entries, e);
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
