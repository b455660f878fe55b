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

#include "fl-chart.h"
#include "fl-speedup-chart.h"

#define MAX_RUNS 10
#define GUTTER   64.0
#define SLOT_W   92.0   /* the room a bar's labels want before they wrap */

struct _FlSpeedupChart
{
  GtkWidget   parent_instance;
  GArray     *entries;     /* FlChartRun, ideal = min(jobs, cores) */
  GHashTable *baselines;   /* workload -> double* seconds of its latest sequential run */
  GArray     *labels;      /* FlChartLabel, where the last draw put its text */
  double      ideal_y;
};

G_DEFINE_FINAL_TYPE (FlSpeedupChart, fl_speedup_chart, GTK_TYPE_WIDGET)

static double
speedup_of (FlSpeedupChart   *self,
            const FlChartRun *e)
{
  double *base = g_hash_table_lookup (self->baselines, e->workload);

  if (base == NULL || e->elapsed <= 0 || !e->complete)
    return -1;
  return *base / e->elapsed;
}

/* The value above a bar, kept off the ideal line: a label the line would cross sits just
 * above it instead. */
static void
show_value (FlChartFrame *frame,
            const char   *text,
            double        cx,
            double        top,
            double        ideal_y,
            int           width)
{
  graphene_rect_t box = fl_chart_measure_text (frame, text, cx, 0, 0.5, width, 2);
  double y = top - box.size.height - 4;

  if (y - 3 <= ideal_y && ideal_y <= y + box.size.height + 3)
    y = ideal_y - box.size.height - 5;
  fl_chart_set_fg (frame, 1);
  fl_chart_show_text (frame, text, cx, y, 0.5, width, 2);
}

static void
fl_speedup_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FlSpeedupChart *self = FL_SPEEDUP_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double plot_w = width - GUTTER - 8, plot_h, top, bottom = 0, base_y;
  double ymax = 2, slot, bar_w;
  guint ideal = 1;
  gboolean any_missing = FALSE;
  g_autofree char *ideal_label = NULL;
  graphene_rect_t legend;
  FlChartFrame frame;
  cairo_t *cr;

  fl_chart_frame_begin (&frame, widget, snapshot, self->labels);
  cr = frame.cr;
  self->ideal_y = -1;
  if (self->entries->len == 0 || height < 120)
    {
      fl_chart_show_empty (&frame, _("Finished runs appear here: one bar per run, its "
                                     "speed-up over the sequential run on the main loop, with "
                                     "the ideal min(jobs, cores) marked."));
      fl_chart_frame_end (&frame);
      return;
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      FlChartRun *e = &g_array_index (self->entries, FlChartRun, i);
      double s = speedup_of (self, e);

      ymax = MAX (ymax, s);
      any_missing |= s < 0 && e->complete;
    }
  ideal = (guint) g_array_index (self->entries, FlChartRun, self->entries->len - 1).ideal;
  ymax = ceil (MAX (ymax, ideal) * 1.15 + 0.01);
  slot = plot_w / MAX (self->entries->len, 4);
  bar_w = MIN (96, slot * 0.7);

  /* the header: the ideal line's legend, then the note on runs without a baseline */
  ideal_label = g_strdup_printf (_("ideal ×%u = min(jobs, cores)"), ideal);
  cairo_set_source_rgb (cr, 0.835, 0.369, 0.0);
  legend = fl_chart_show_text (&frame, ideal_label, width - 8, 2, 1, width - 48, 2);
  {
    double dash[] = { 8, 5 };
    double y = legend.origin.y + legend.size.height / 2;

    cairo_set_line_width (cr, 2.5);
    cairo_set_dash (cr, dash, 2, 0);
    cairo_move_to (cr, legend.origin.x - 34, y);
    cairo_line_to (cr, legend.origin.x - 6, y);
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
  }
  top = legend.origin.y + legend.size.height + 4;
  if (any_missing)
    {
      graphene_rect_t note;

      fl_chart_set_fg (&frame, 0.7);
      note = fl_chart_show_text (&frame, _("×? — no sequential time for this workload yet: run "
                                           "it once on the main loop."), 0, top, 0, width, 2);
      top = note.origin.y + note.size.height + 4;
    }
  top += 24;   /* room for the tallest bar's value */

  /* the room the titles and times below the bars want: narrow slots take a smaller font
   * and more lines rather than cutting a title */
  frame.scale = slot < SLOT_W ? PANGO_SCALE_SMALL : 1;
  for (guint i = 0; i < self->entries->len; i++)
    {
      FlChartRun *e = &g_array_index (self->entries, FlChartRun, i);
      graphene_rect_t box = fl_chart_measure_text (&frame, e->title, 0, 0, 0.5,
                                                   (int) slot - 4, 4);

      bottom = MAX (bottom, box.size.height);
    }
  frame.scale = 1;
  bottom += 6 + 22 + 4;
  plot_h = height - top - bottom;
  base_y = top + plot_h;
  if (plot_h < 20)
    {
      fl_chart_frame_end (&frame);
      return;
    }

  /* axis and grid: x0 … xymax */
  for (int t = 0; t <= (int) ymax; t++)
    {
      double y = base_y - t / ymax * plot_h;
      g_autofree char *label = g_strdup_printf (_("×%d"), t);

      fl_chart_set_fg (&frame, t == 0 ? 0.6 : 0.12);
      cairo_rectangle (cr, GUTTER, floor (y), plot_w, 1);
      cairo_fill (cr);
      fl_chart_set_fg (&frame, 1);
      frame.axis = TRUE;
      fl_chart_show_text (&frame, label, GUTTER - 10, y - 10, 1, -1, 1);
      frame.axis = FALSE;
    }

  /* the ideal line, dashed, under the bars' labels */
  {
    double y = base_y - ideal / ymax * plot_h;
    double dash[] = { 8, 5 };

    self->ideal_y = y;
    cairo_set_source_rgb (cr, 0.835, 0.369, 0.0);
    cairo_set_line_width (cr, 2.5);
    cairo_set_dash (cr, dash, 2, 0);
    cairo_move_to (cr, GUTTER, y);
    cairo_line_to (cr, GUTTER + plot_w, y);
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
  }

  for (guint i = 0; i < self->entries->len; i++)
    {
      FlChartRun *e = &g_array_index (self->entries, FlChartRun, i);
      double s = speedup_of (self, e);
      double cx = GUTTER + slot * (i + 0.5);
      g_autofree char *time = g_strdup_printf (_("%.2f s"), e->elapsed);
      graphene_rect_t title;
      GdkRGBA c;

      fl_chart_mode_color (e->mode, &c);
      if (s >= 0)
        {
          double h = s / ymax * plot_h;
          g_autofree char *value = g_strdup_printf (_("×%.2f"), s);

          gdk_cairo_set_source_rgba (cr, &c);
          cairo_rectangle (cr, cx - bar_w / 2, base_y - h, bar_w, h);
          cairo_fill (cr);
          show_value (&frame, value, cx, base_y - h, self->ideal_y, (int) slot - 4);
        }
      else
        {
          /* No sequential time for this workload, or the run did not complete. */
          fl_chart_hatch (&frame, &c, cx - bar_w / 2, base_y - plot_h * 0.3, bar_w,
                          plot_h * 0.3);
          show_value (&frame, e->complete ? _("×?") : _("incomplete"), cx,
                      base_y - plot_h * 0.3, self->ideal_y, (int) slot - 4);
        }

      fl_chart_set_fg (&frame, 1);
      frame.scale = slot < SLOT_W ? PANGO_SCALE_SMALL : 1;
      title = fl_chart_show_text (&frame, e->title, cx, base_y + 6, 0.5, (int) slot - 4, 4);
      fl_chart_set_fg (&frame, 0.7);
      fl_chart_show_text (&frame, time, cx, title.origin.y + title.size.height + 2, 0.5,
                          (int) slot - 4, 1);
      frame.scale = 1;
    }
  fl_chart_frame_end (&frame);
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
  FlSpeedupChart *self = FL_SPEEDUP_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 360;
      *natural = MAX (420, GUTTER + 8 + SLOT_W * self->entries->len);
    }
  else
    *minimum = *natural = 280;
}

static void
fl_speedup_chart_finalize (GObject *object)
{
  FlSpeedupChart *self = FL_SPEEDUP_CHART (object);

  g_array_unref (self->entries);
  g_array_unref (self->labels);
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
  self->entries = fl_chart_runs_new ();
  self->labels = fl_chart_labels_new ();
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
  FlChartRun e = { (char *) mode, (char *) title, (char *) workload, NULL, elapsed_s, ideal,
                   complete, !complete };

  g_return_if_fail (FL_IS_SPEEDUP_CHART (self));

  if (sequential && complete && elapsed_s > 0)
    g_hash_table_insert (self->baselines, g_strdup (workload), g_memdup2 (&elapsed_s,
                                                                          sizeof elapsed_s));
  fl_chart_runs_push (self->entries, MAX_RUNS, &e);
  gtk_widget_queue_resize (GTK_WIDGET (self));
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

  return speedup_of (self, &g_array_index (self->entries, FlChartRun, index));
}

/**
 * fl_speedup_chart_get_labels:
 * @n_labels: (out): how many
 *
 * Returns: (transfer none): where the last draw put each piece of text
 */
const FlChartLabel *
fl_speedup_chart_get_labels (FlSpeedupChart *self,
                             guint          *n_labels)
{
  *n_labels = self->labels->len;
  return (const FlChartLabel *) self->labels->data;
}

/* Returns: the ideal line's y on the last draw, or -1 */
double
fl_speedup_chart_get_ideal_y (FlSpeedupChart *self)
{
  return self->ideal_y;
}
