/* fl-chart.h: what the run charts share: the runs they keep, mode colours, the frame, labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One finished run, as a chart keeps it. */
typedef struct
{
  char     *mode;
  char     *title;
  char     *workload;    /* what makes runs comparable (the speed-up chart) */
  char     *setting;     /* what the run ran against ("server delay 150 ms"), or NULL */
  double    elapsed;
  double    ideal;
  gboolean  complete;
  gboolean  cancelled;
} FlChartRun;

/* Where a chart put a piece of text on its last draw: tests check that labels are whole,
 * apart, and clear of the lines. */
typedef struct
{
  graphene_rect_t box;
  gboolean        ellipsized;
  gboolean        axis;       /* a tick's label: it sits on its own grid line */
  char           *text;
} FlChartLabel;

GArray  *fl_chart_labels_new    (void);

typedef struct
{
  GtkWidget   *widget;
  cairo_t     *cr;
  PangoLayout *layout;
  GdkRGBA      fg;
  GdkRGBA      bg;        /* a colour that reads as the chart's background */
  GArray      *labels;    /* FlChartLabel, borrowed from the chart */
  gboolean     axis;      /* the text drawn now labels an axis tick */
  double       scale;     /* of the font, for the text drawn now (1: the widget's) */
} FlChartFrame;

GArray  *fl_chart_runs_new      (void);
void     fl_chart_runs_push     (GArray             *runs,
                                 guint               max_runs,
                                 const FlChartRun   *run);
void     fl_chart_mode_color    (const char         *mode,
                                 GdkRGBA            *rgba);

void     fl_chart_frame_begin   (FlChartFrame       *frame,
                                 GtkWidget          *widget,
                                 GtkSnapshot        *snapshot,
                                 GArray             *labels);
void     fl_chart_frame_end     (FlChartFrame       *frame);
void     fl_chart_set_fg        (FlChartFrame       *frame,
                                 double              alpha);
void     fl_chart_show_empty    (FlChartFrame       *frame,
                                 const char         *text);
graphene_rect_t fl_chart_measure_text (FlChartFrame *frame,
                                 const char         *text,
                                 double              x,
                                 double              y,
                                 double              align,
                                 int                 width,
                                 int                 max_lines);
graphene_rect_t fl_chart_show_text (FlChartFrame    *frame,
                                 const char         *text,
                                 double              x,
                                 double              y,
                                 double              align,
                                 int                 width,
                                 int                 max_lines);
void     fl_chart_hatch         (FlChartFrame       *frame,
                                 const GdkRGBA      *color,
                                 double              x,
                                 double              y,
                                 double              w,
                                 double              h);

G_END_DECLS
