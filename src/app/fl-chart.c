/* fl-chart.c: what the run charts share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Flags page's run chart and the Compute page's speed-up chart keep the same record of a
 * run, colour modes alike and draw their text the same way: on a halo of the background, so
 * a line crossing a label never strikes it through, wrapped to the room it has rather than
 * cut, and noted in the frame's label list, which the tests read.
 */
#include "config.h"

#include "fl-chart.h"

static void
run_clear (gpointer data)
{
  FlChartRun *run = data;

  g_free (run->mode);
  g_free (run->title);
  g_free (run->workload);
  g_free (run->setting);
}

/**
 * fl_chart_runs_new:
 *
 * Returns: (transfer full): an empty array of #FlChartRun that frees its strings
 */
GArray *
fl_chart_runs_new (void)
{
  GArray *runs = g_array_new (FALSE, TRUE, sizeof (FlChartRun));

  g_array_set_clear_func (runs, run_clear);
  return runs;
}

static void
label_clear (gpointer data)
{
  g_free (((FlChartLabel *) data)->text);
}

/**
 * fl_chart_labels_new:
 *
 * Returns: (transfer full): an empty array of #FlChartLabel that frees its texts
 */
GArray *
fl_chart_labels_new (void)
{
  GArray *labels = g_array_new (FALSE, TRUE, sizeof (FlChartLabel));

  g_array_set_clear_func (labels, label_clear);
  return labels;
}

/* Appends a copy of @run; the oldest run drops off beyond @max_runs. */
void
fl_chart_runs_push (GArray           *runs,
                    guint             max_runs,
                    const FlChartRun *run)
{
  FlChartRun copy = *run;

  copy.mode = g_strdup (run->mode);
  copy.title = g_strdup (run->title);
  copy.workload = g_strdup (run->workload);
  copy.setting = g_strdup (run->setting);
  if (runs->len >= max_runs)
    g_array_remove_index (runs, 0);
  g_array_append_val (runs, copy);
}

/* One hue per mode (Okabe–Ito), the same on every chart. */
void
fl_chart_mode_color (const char *mode,
                     GdkRGBA    *rgba)
{
  static const struct { const char *mode; const char *color; } colors[] = {
    { "sequential", "#E69F00" },
    { "main-loop",  "#E69F00" },
    { "threads",    "#0072B2" },
    { "gil",        "#56B4E9" },
    { "async",      "#009E73" },
    { "processes",  "#CC79A7" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    if (g_strcmp0 (mode, colors[i].mode) == 0)
      {
        gdk_rgba_parse (rgba, colors[i].color);
        return;
      }
  gdk_rgba_parse (rgba, "#999999");
}

void
fl_chart_frame_begin (FlChartFrame *frame,
                      GtkWidget    *widget,
                      GtkSnapshot  *snapshot,
                      GArray       *labels)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double luma;

  frame->widget = widget;
  frame->layout = gtk_widget_create_pango_layout (widget, NULL);
  frame->labels = labels;
  frame->axis = FALSE;
  frame->scale = 1;
  g_array_set_size (labels, 0);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &frame->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* Text is dark on a light window and light on a dark one: the halo is the other end. */
  luma = 0.2126 * frame->fg.red + 0.7152 * frame->fg.green + 0.0722 * frame->fg.blue;
  frame->bg = luma < 0.5 ? (GdkRGBA) { 0.98, 0.98, 0.98, 0.9 }
                         : (GdkRGBA) { 0.14, 0.14, 0.14, 0.9 };
  frame->cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

void
fl_chart_frame_end (FlChartFrame *frame)
{
  g_clear_pointer (&frame->cr, cairo_destroy);
  g_clear_object (&frame->layout);
}

/* The foreground at @alpha, for text and axes. */
void
fl_chart_set_fg (FlChartFrame *frame,
                 double        alpha)
{
  cairo_set_source_rgba (frame->cr, frame->fg.red, frame->fg.green, frame->fg.blue,
                         frame->fg.alpha * alpha);
}

/* What an empty chart says, wrapped to its width. */
void
fl_chart_show_empty (FlChartFrame *frame,
                     const char   *text)
{
  fl_chart_set_fg (frame, 0.6);
  fl_chart_show_text (frame, text, 0, 4, 0, gtk_widget_get_width (frame->widget), 3);
}

/* Lays @text out (wrapped to @width, centred or right-aligned line by line as @align says)
 * and returns its box for @x, @y; @origin_x is where the layout itself must be drawn. */
static graphene_rect_t
lay_out (FlChartFrame *frame,
         const char   *text,
         double        x,
         double        y,
         double        align,
         int           width,
         int           max_lines,
         double       *origin_x)
{
  PangoLayout *layout = frame->layout;
  PangoRectangle logical;

  pango_layout_set_text (layout, text, -1);
  if (frame->scale != 1)
    {
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (frame->scale));
      pango_layout_set_attributes (layout, attrs);
    }
  else
    pango_layout_set_attributes (layout, NULL);
  pango_layout_set_width (layout, width > 0 ? width * PANGO_SCALE : -1);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, width > 0 ? -MAX (1, max_lines) : -1);
  pango_layout_set_ellipsize (layout, width > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  pango_layout_set_alignment (layout, align <= 0 ? PANGO_ALIGN_LEFT
                                      : align >= 1 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  *origin_x = x - logical.width * align - logical.x;
  return GRAPHENE_RECT_INIT (x - logical.width * align, y, logical.width, logical.height);
}

/**
 * fl_chart_measure_text:
 * @align: 0 left of @x, 0.5 centred on it, 1 right of it
 * @width: the room in pixels (the text wraps to it), or -1 for one line of any length
 * @max_lines: how many lines it may wrap to before it is ellipsized
 *
 * Returns: where fl_chart_show_text() would put the text
 */
graphene_rect_t
fl_chart_measure_text (FlChartFrame *frame,
                       const char   *text,
                       double        x,
                       double        y,
                       double        align,
                       int           width,
                       int           max_lines)
{
  double origin_x;

  return lay_out (frame, text, x, y, align, width, max_lines, &origin_x);
}

/* Draws @text in the current source over a halo of the background, and notes its box. */
graphene_rect_t
fl_chart_show_text (FlChartFrame *frame,
                    const char   *text,
                    double        x,
                    double        y,
                    double        align,
                    int           width,
                    int           max_lines)
{
  cairo_t *cr = frame->cr;
  double origin_x;
  graphene_rect_t box = lay_out (frame, text, x, y, align, width, max_lines, &origin_x);
  FlChartLabel label = { box, pango_layout_is_ellipsized (frame->layout), frame->axis,
                         g_strdup (text) };

  g_array_append_val (frame->labels, label);
  cairo_save (cr);
  cairo_move_to (cr, origin_x, y);
  pango_cairo_layout_path (cr, frame->layout);
  gdk_cairo_set_source_rgba (cr, &frame->bg);
  cairo_set_line_width (cr, 4);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_restore (cr);
  cairo_move_to (cr, origin_x, y);
  pango_cairo_show_layout (cr, frame->layout);
  return box;
}

/* An outlined, hatched bar: a run that did not finish all its work. */
void
fl_chart_hatch (FlChartFrame  *frame,
                const GdkRGBA *color,
                double         x,
                double         y,
                double         w,
                double         h)
{
  cairo_t *cr = frame->cr;

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 2);
  cairo_rectangle (cr, x + 1, y + 1, MAX (0, w - 2), MAX (0, h - 2));
  cairo_stroke_preserve (cr);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.5);
  for (double d = -h; d < w; d += 8)
    {
      cairo_move_to (cr, x + d, y + h);
      cairo_line_to (cr, x + d + h, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}
