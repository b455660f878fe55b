/* fl-speedup-chart.c: speed-up over sequential per run, with the ideal line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Compute page's summary: one bar per run, its height the run's speed-up over the
 * sequential run of the same workload (jobs and size) measured on the main loop, a line at
 * x1 and a dashed line at the ideal min(jobs, cores). A run with no sequential run of its
 * workload yet shows its time only, until one is measured.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "fl-speedup-chart.h"

#define MAX_RUNS 10
#define GUTTER   64.0
#define TOP      34.0
#define BOTTOM   56.0

typedef struct
{
  char     *mode;
  char     *title;
  char     *workload;
  double    elapsed;
  guint     ideal;
  gboolean  complete;
} Entry;

struct _FlSpeedupChart
{
  GtkWidget   parent_instance;
  GArray     *entries;     /* Entry */
  GHashTable *baselines;   /* workload -> double* seconds of its latest sequential run */
};

G_DEFINE_FINAL_TYPE (FlSpeedupChart, fl_speedup_chart, GTK_TYPE_WIDGET)

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->mode);
  g_free (e->title);
  g_free (e->workload);
}

static void
mode_color (const char *mode,
            GdkRGBA    *c)
{
  /* Okabe–Ito, as the run charts of the other pages */
  if (g_str_equal (mode, "main-loop"))
    gdk_rgba_parse (c, "#E69F00");
  else if (g_str_equal (mode, "threads"))
    gdk_rgba_parse (c, "#0072B2");
  else if (g_str_equal (mode, "gil"))
    gdk_rgba_parse (c, "#56B4E9");
  else if (g_str_equal (mode, "processes"))
    gdk_rgba_parse (c, "#CC79A7");
  else
    gdk_rgba_parse (c, "#999999");
}

static double
speedup_of (FlSpeedupChart *self,
            Entry          *e)
{
  double *base = g_hash_table_lookup (self->baselines, e->workload);

  if (base == NULL || e->elapsed <= 0 || !e->complete)
    return -1;
  return *base / e->elapsed;
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y,
           double       align)   /* 0 left, 0.5 centre, 1 right of x */
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * align, y);
  pango_cairo_show_layout (cr, layout);
}

static void
fl_speedup_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FlSpeedupChart *self = FL_SPEEDUP_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  double plot_w = width - GUTTER - 8, plot_h = height - TOP - BOTTOM;
  double ymax = 2, slot, bar_w, base_y = TOP + plot_h;
  guint ideal = 1;
  gboolean any_missing = FALSE;
  GdkRGBA fg;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_cairo_set_source_rgba (cr, &fg);
  if (self->entries->len == 0 || plot_h < 20)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      show_text (cr, layout, _("Finished runs appear here: one bar per run, its speed-up over "
                               "the sequential run on the main loop, with the ideal "
                               "min(jobs, cores) marked."), 0, 4, 0);
      cairo_destroy (cr);
      return;
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = &g_array_index (self->entries, Entry, i);
      double s = speedup_of (self, e);

      ymax = MAX (ymax, s);
      any_missing |= s < 0 && e->complete;
    }
  ideal = g_array_index (self->entries, Entry, self->entries->len - 1).ideal;
  ymax = ceil (MAX (ymax, ideal) * 1.15 + 0.01);

  /* axis and grid: x0 … xymax */
  for (int t = 0; t <= (int) ymax; t++)
    {
      double y = base_y - t / ymax * plot_h;
      g_autofree char *label = g_strdup_printf (_("×%d"), t);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, t == 0 ? 0.6 : 0.12);
      cairo_rectangle (cr, GUTTER, floor (y), plot_w, 1);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, layout, label, GUTTER - 10, y - 10, 1);
    }

  slot = plot_w / MAX (self->entries->len, 4);
  bar_w = MIN (96, slot * 0.7);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = &g_array_index (self->entries, Entry, i);
      double s = speedup_of (self, e);
      double cx = GUTTER + slot * (i + 0.5);
      g_autofree char *value = NULL;
      g_autofree char *time = g_strdup_printf (_("%.2f s"), e->elapsed);
      GdkRGBA c;

      mode_color (e->mode, &c);
      if (s >= 0)
        {
          double h = s / ymax * plot_h;

          gdk_cairo_set_source_rgba (cr, &c);
          cairo_rectangle (cr, cx - bar_w / 2, base_y - h, bar_w, h);
          cairo_fill (cr);
          value = g_strdup_printf (_("×%.2f"), s);
          gdk_cairo_set_source_rgba (cr, &fg);
          show_text (cr, layout, value, cx, base_y - h - 22, 0.5);
        }
      else
        {
          /* No sequential time for this workload (or the run did not complete). */
          cairo_set_line_width (cr, 2);
          gdk_cairo_set_source_rgba (cr, &c);
          cairo_rectangle (cr, cx - bar_w / 2 + 1, base_y - plot_h * 0.3, bar_w - 2,
                           plot_h * 0.3);
          cairo_stroke (cr);
          gdk_cairo_set_source_rgba (cr, &fg);
          show_text (cr, layout, e->complete ? _("×?") : _("incomplete"), cx,
                     base_y - plot_h * 0.3 - 22, 0.5);
        }

      gdk_cairo_set_source_rgba (cr, &fg);
      pango_layout_set_width (layout, (int) (slot - 4) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      show_text (cr, layout, e->title, cx, base_y + 6, 0.5);
      pango_layout_set_width (layout, -1);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      show_text (cr, layout, time, cx, base_y + 28, 0.5);
    }

  /* the ideal line, dashed, over the bars */
  {
    double y = base_y - ideal / ymax * plot_h;
    double dash[] = { 8, 5 };
    g_autofree char *label = g_strdup_printf (_("ideal ×%u = min(jobs, cores)"), ideal);

    cairo_set_source_rgb (cr, 0.835, 0.369, 0.0);
    cairo_set_line_width (cr, 2.5);
    cairo_set_dash (cr, dash, 2, 0);
    cairo_move_to (cr, GUTTER, y);
    cairo_line_to (cr, GUTTER + plot_w, y);
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
    show_text (cr, layout, label, GUTTER + plot_w, y - 24, 1);
  }

  if (any_missing)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      show_text (cr, layout, _("×? — no sequential time for this workload yet: run it once "
                               "on the main loop."), GUTTER, 4, 0);
    }
  cairo_destroy (cr);
}

static void
fl_speedup_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 360;
      *natural = 420;
    }
  else
    *minimum = *natural = 260;
}

static void
fl_speedup_chart_finalize (GObject *object)
{
  FlSpeedupChart *self = FL_SPEEDUP_CHART (object);

  g_array_unref (self->entries);
  g_hash_table_unref (self->baselines);
  G_OBJECT_CLASS (fl_speedup_chart_parent_class)->finalize (object);
}

static void
fl_speedup_chart_class_init (FlSpeedupChartClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = fl_speedup_chart_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = fl_speedup_chart_measure;
  G_OBJECT_CLASS (klass)->finalize = fl_speedup_chart_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "speedupchart");
}

static void
fl_speedup_chart_init (FlSpeedupChart *self)
{
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
  self->baselines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Speed-up = sequential time ÷ the run’s time, for the same "
                                 "jobs and size. The dashed line is the most that "
                                 "min(jobs, cores) workers can give."));
}

GtkWidget *
fl_speedup_chart_new (void)
{
  return g_object_new (FL_TYPE_SPEEDUP_CHART, NULL);
}

/**
 * fl_speedup_chart_add:
 * @workload: what makes runs comparable ("32 tiles of 1600 px")
 * @sequential: this run is the sequential baseline of @workload
 * @complete: every job finished (a run with failures or cancellations has no speed-up)
 * @ideal: min(jobs, cores)
 *
 * Adds a finished run; the oldest drops off after ten.
 */
void
fl_speedup_chart_add (FlSpeedupChart *self,
                      const char     *mode,
                      const char     *title,
                      const char     *workload,
                      gboolean        sequential,
                      gboolean        complete,
                      double          elapsed_s,
                      guint           ideal)
{
  Entry e = { g_strdup (mode), g_strdup (title), g_strdup (workload), elapsed_s, ideal,
              complete };

  g_return_if_fail (FL_IS_SPEEDUP_CHART (self));

  if (sequential && complete && elapsed_s > 0)
    g_hash_table_insert (self->baselines, g_strdup (workload), g_memdup2 (&elapsed_s,
                                                                          sizeof elapsed_s));
  if (self->entries->len == MAX_RUNS)
    g_array_remove_index (self->entries, 0);
  g_array_append_val (self->entries, e);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_speedup_chart_clear (FlSpeedupChart *self)
{
  g_array_set_size (self->entries, 0);
  g_hash_table_remove_all (self->baselines);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
fl_speedup_chart_get_n_runs (FlSpeedupChart *self)
{
  return self->entries->len;
}

/**
 * fl_speedup_chart_get_speedup:
 *
 * Returns: the speed-up of run @index (oldest first), or -1 if it has no sequential time
 */
double
fl_speedup_chart_get_speedup (FlSpeedupChart *self,
                              guint           index)
{
  g_return_val_if_fail (index < self->entries->len, -1);

  return speedup_of (self, &g_array_index (self->entries, Entry, index));
}
