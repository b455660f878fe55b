/* fl-state-diagram.c: a future's state machine, drawn, its transitions lit as they happen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Five states, five arrows, plus the submit() arrow that enters PENDING. The page tells the
 * diagram where the future is now (and whether it ever ran, because the batched dispatcher
 * may deliver PENDING -> FINISHED as one notification); the diagram works out which arrows
 * were taken and lights them in order. A tick callback animates the glow and removes itself
 * when nothing glows any more, so an idle diagram costs no frames.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "fl-state-diagram.h"
#include "fl-timeline.h"

#define GLOW_US      (1600 * 1000)
#define STAGGER_US   (350 * 1000)
#define NODE_W       168.0
#define NODE_H       52.0

typedef enum
{
  EDGE_SUBMIT,
  EDGE_START,
  EDGE_FINISH,
  EDGE_FAIL,
  EDGE_RUN_CANCEL,
  EDGE_CANCEL,
  N_EDGES
} Edge;

static const struct
{
  int from;     /* FlFutureState, -1 for outside */
  int to;
} edges[N_EDGES] = {
  [EDGE_SUBMIT]     = { -1, FL_FUTURE_PENDING },
  [EDGE_START]      = { FL_FUTURE_PENDING, FL_FUTURE_RUNNING },
  [EDGE_FINISH]     = { FL_FUTURE_RUNNING, FL_FUTURE_FINISHED },
  [EDGE_FAIL]       = { FL_FUTURE_RUNNING, FL_FUTURE_FAILED },
  [EDGE_RUN_CANCEL] = { FL_FUTURE_RUNNING, FL_FUTURE_CANCELLED },
  [EDGE_CANCEL]     = { FL_FUTURE_PENDING, FL_FUTURE_CANCELLED },
};

struct _FlStateDiagram
{
  GtkWidget      parent_instance;

  gboolean       has_state;
  FlFutureState  state;
  gboolean       visited[N_EDGES];
  gint64         glow_start[N_EDGES];  /* 0: not glowing */
  GString       *path;
  guint          tick_id;
};

G_DEFINE_FINAL_TYPE (FlStateDiagram, fl_state_diagram, GTK_TYPE_WIDGET)

static const char *
edge_label (Edge edge)
{
  switch (edge)
    {
    case EDGE_SUBMIT:
      return _("submit()");
    case EDGE_START:
      return _("a worker picks it up");
    case EDGE_FINISH:
      return _("the job returns");
    case EDGE_FAIL:
      return _("the job raises");
    case EDGE_RUN_CANCEL:
      return _("the job honours request_cancel()");
    case EDGE_CANCEL:
      return _("cancel() while still pending");
    case N_EDGES:
    default:
      return "";
    }
}

/**
 * fl_state_diagram_state_word:
 *
 * Returns: the state as Python and the diagram name it ("PENDING"), translated
 */
const char *
fl_state_diagram_state_word (FlFutureState state)
{
  switch (state)
    {
    case FL_FUTURE_PENDING:
      /* TRANSLATORS: a future's state, as Python and the diagram name it */
      return _("PENDING");
    case FL_FUTURE_RUNNING:
      return _("RUNNING");
    case FL_FUTURE_FINISHED:
      return _("FINISHED");
    case FL_FUTURE_FAILED:
      return _("FAILED");
    case FL_FUTURE_CANCELLED:
      return _("CANCELLED");
    default:
      return "";
    }
}

static void
node_center (FlFutureState state,
             double        w,
             double        h,
             double       *x,
             double       *y)
{
  switch (state)
    {
    case FL_FUTURE_PENDING:
      *x = w * 0.17;
      *y = h * 0.42;
      break;
    case FL_FUTURE_RUNNING:
      *x = w * 0.48;
      *y = h * 0.42;
      break;
    case FL_FUTURE_FINISHED:
      *x = w * 0.86;
      *y = h * 0.14;
      break;
    case FL_FUTURE_FAILED:
      *x = w * 0.86;
      *y = h * 0.42;
      break;
    case FL_FUTURE_CANCELLED:
    default:
      *x = w * 0.86;
      *y = h * 0.84;
      break;
    }
}

static double
glow_level (FlStateDiagram *self,
            Edge            edge,
            gint64          now)
{
  gint64 age;

  if (self->glow_start[edge] == 0)
    return 0;
  age = now - self->glow_start[edge];
  if (age < 0)
    return 0;          /* staggered: its turn has not come yet */
  if (age >= GLOW_US)
    return 0;
  return 1.0 - (double) age / GLOW_US;
}

static gboolean
edge_lit (FlStateDiagram *self,
          Edge            edge,
          gint64          now)
{
  return self->visited[edge]
         && (self->glow_start[edge] == 0 || now >= self->glow_start[edge]);
}

static void
edge_points (Edge    edge,
             double  w,
             double  h,
             double *pts)   /* x0 y0 cx0 cy0 cx1 cy1 x1 y1: a cubic curve */
{
  double ax, ay, bx, by;

  if (edges[edge].from < 0)
    {
      node_center (FL_FUTURE_PENDING, w, h, &bx, &by);
      ax = 8;
      ay = by;
      bx -= NODE_W / 2;
    }
  else if (edge == EDGE_CANCEL)
    {
      node_center (FL_FUTURE_PENDING, w, h, &ax, &ay);
      node_center (FL_FUTURE_CANCELLED, w, h, &bx, &by);
      ay += NODE_H / 2;
      bx -= NODE_W / 2;
      pts[0] = ax; pts[1] = ay;
      pts[2] = ax; pts[3] = by;
      pts[4] = ax + (bx - ax) * 0.3; pts[5] = by;
      pts[6] = bx; pts[7] = by;
      return;
    }
  else
    {
      node_center (edges[edge].from, w, h, &ax, &ay);
      node_center (edges[edge].to, w, h, &bx, &by);
      ax += NODE_W / 2;
      bx -= NODE_W / 2;
    }
  pts[0] = ax; pts[1] = ay;
  pts[2] = ax + (bx - ax) * 0.5; pts[3] = ay;
  pts[4] = ax + (bx - ax) * 0.5; pts[5] = by;
  pts[6] = bx; pts[7] = by;
}

static void
draw_text (FlStateDiagram *self,
           cairo_t        *cr,
           const char     *text,
           double          x,
           double          y,
           gboolean        bold,
           double          scale,
           const GdkRGBA  *color)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *markup = NULL;
  int tw, th;

  markup = g_markup_printf_escaped ("<span size='%d' weight='%s'>%s</span>",
                                    (int) (scale * 11 * PANGO_SCALE),
                                    bold ? "bold" : "normal", text);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, x - tw / 2.0, y - th / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_edge (FlStateDiagram *self,
           cairo_t        *cr,
           Edge            edge,
           double          w,
           double          h,
           gint64          now,
           const GdkRGBA  *fg)
{
  double p[8];
  GdkRGBA color, dim = *fg;
  gboolean lit = edge_lit (self, edge, now);
  double glow = glow_level (self, edge, now);
  double angle, lx, ly;

  edge_points (edge, w, h, p);
  fl_state_color (edges[edge].to, &color);
  dim.alpha = 0.35;

  if (glow > 0)
    {
      GdkRGBA halo = color;

      halo.alpha = 0.45 * glow;
      gdk_cairo_set_source_rgba (cr, &halo);
      cairo_set_line_width (cr, 6 + 14 * glow);
      cairo_move_to (cr, p[0], p[1]);
      cairo_curve_to (cr, p[2], p[3], p[4], p[5], p[6], p[7]);
      cairo_stroke (cr);
    }

  gdk_cairo_set_source_rgba (cr, lit ? &color : &dim);
  cairo_set_line_width (cr, lit ? 4 : 2);
  cairo_move_to (cr, p[0], p[1]);
  cairo_curve_to (cr, p[2], p[3], p[4], p[5], p[6] - 6, p[7]);
  cairo_stroke (cr);

  /* Arrow head, pointing along the curve's last tangent (always to the right here). */
  angle = atan2 (p[7] - p[5], p[6] - p[4]);
  cairo_move_to (cr, p[6], p[7]);
  cairo_line_to (cr, p[6] - 14 * cos (angle - 0.4), p[7] - 14 * sin (angle - 0.4));
  cairo_line_to (cr, p[6] - 14 * cos (angle + 0.4), p[7] - 14 * sin (angle + 0.4));
  cairo_close_path (cr);
  cairo_fill (cr);

  /* The label sits above the middle of the arrow (below it for the long cancel curve). */
  if (edge == EDGE_CANCEL)
    {
      lx = p[0] + (p[6] - p[0]) * 0.45;
      ly = p[7] + 16;
    }
  else if (edge == EDGE_SUBMIT)
    {
      lx = (p[0] + p[6]) / 2;
      ly = p[1] - 42;
    }
  else if (edge == EDGE_START)
    {
      /* Above the boxes' top edge: where the gap between PENDING and RUNNING is narrower
       * than the label (a 1024 px window, the bold lit label) it would run over them. */
      lx = (p[0] + p[6]) / 2;
      ly = p[1] - NODE_H / 2 - 10;
    }
  else if (edge == EDGE_RUN_CANCEL)
    {
      /* Beside the middle of its S-curve, clear of the cancel() curve below. */
      lx = (p[0] + p[6]) / 2 + 140;
      ly = (p[1] + p[7]) / 2;
    }
  else
    {
      /* Near the target, where each curve runs level; the straight one closest, clear of
       * the curve that rises above it. */
      lx = p[6] - (edge == EDGE_FAIL ? 90 : 150);
      ly = p[7] - 18;
    }
  draw_text (self, cr, edge_label (edge), lx, ly, lit, 1.0, lit ? fg : &dim);
}

static void
draw_node (FlStateDiagram *self,
           cairo_t        *cr,
           FlFutureState   state,
           double          w,
           double          h,
           const GdkRGBA  *fg)
{
  GdkRGBA color, text = *fg, outline;
  double x, y, r = 12;
  gboolean current = self->has_state && self->state == state;
  gboolean visited = FALSE;

  for (guint e = 0; e < N_EDGES; e++)
    if (self->visited[e] && edges[e].to == (int) state)
      visited = TRUE;

  node_center (state, w, h, &x, &y);
  x -= NODE_W / 2;
  y -= NODE_H / 2;
  fl_state_color (state, &color);
  outline = color;
  if (!visited && !current)
    {
      outline = *fg;
      outline.alpha = 0.35;
      text.alpha = 0.5;
    }

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + NODE_W - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + NODE_W - r, y + NODE_H - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + NODE_H - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  if (current)
    {
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill_preserve (cr);
      text.red = text.green = text.blue = state == FL_FUTURE_PENDING ? 0.1 : 1.0;
      if (state == FL_FUTURE_RUNNING)
        text.red = text.green = text.blue = 0.05;
      text.alpha = 1;
    }
  gdk_cairo_set_source_rgba (cr, &outline);
  cairo_set_line_width (cr, current ? 4 : 2.5);
  cairo_stroke (cr);

  draw_text (self, cr, fl_state_diagram_state_word (state), x + NODE_W / 2, y + NODE_H / 2, TRUE, 1.35, &text);
}

static void
fl_state_diagram_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FlStateDiagram *self = FL_STATE_DIAGRAM (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  gint64 now = g_get_monotonic_time ();
  GdkRGBA fg;
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint e = 0; e < N_EDGES; e++)
    draw_edge (self, cr, e, w, h, now, &fg);
  for (FlFutureState s = FL_FUTURE_PENDING; s <= FL_FUTURE_CANCELLED; s++)
    draw_node (self, cr, s, w, h, &fg);
  cairo_destroy (cr);
}

static void
fl_state_diagram_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 640;
  else
    *minimum = *natural = 270;
}

static void
fl_state_diagram_finalize (GObject *object)
{
  FlStateDiagram *self = FL_STATE_DIAGRAM (object);

  g_string_free (self->path, TRUE);

  G_OBJECT_CLASS (fl_state_diagram_parent_class)->finalize (object);
}

static void
fl_state_diagram_class_init (FlStateDiagramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_state_diagram_finalize;
  widget_class->snapshot = fl_state_diagram_snapshot;
  widget_class->measure = fl_state_diagram_measure;
  gtk_widget_class_set_css_name (widget_class, "statediagram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fl_state_diagram_init (FlStateDiagram *self)
{
  self->path = g_string_new (NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
fl_state_diagram_new (void)
{
  return g_object_new (FL_TYPE_STATE_DIAGRAM, NULL);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  FlStateDiagram *self = FL_STATE_DIAGRAM (widget);
  gint64 now = g_get_monotonic_time ();
  gboolean glowing = FALSE;

  for (guint e = 0; e < N_EDGES; e++)
    if (self->glow_start[e] != 0 && now < self->glow_start[e] + GLOW_US)
      glowing = TRUE;
  gtk_widget_queue_draw (widget);
  if (glowing)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
light (FlStateDiagram *self,
       Edge            edge,
       gint64          when)
{
  self->visited[edge] = TRUE;
  self->glow_start[edge] = when;
  if (self->path->len == 0 && edge != EDGE_SUBMIT)
    g_string_append (self->path, fl_future_state_to_string (edges[edge].from));
  if (self->path->len > 0)
    g_string_append (self->path, " → ");
  g_string_append (self->path, fl_future_state_to_string (edges[edge].to));
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

/**
 * fl_state_diagram_reset:
 *
 * Forgets the future shown: every state and arrow goes dim.
 */
void
fl_state_diagram_reset (FlStateDiagram *self)
{
  g_return_if_fail (FL_IS_STATE_DIAGRAM (self));

  self->has_state = FALSE;
  memset (self->visited, 0, sizeof self->visited);
  memset (self->glow_start, 0, sizeof self->glow_start);
  g_string_truncate (self->path, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * fl_state_diagram_move_to:
 * @state: where the future is now
 * @ran: whether it ever started running (a fast job can reach FINISHED in one delivery)
 *
 * Lights the arrows from the state shown so far to @state, one after the other. After a
 * reset, PENDING comes in through the submit() arrow.
 */
void
fl_state_diagram_move_to (FlStateDiagram *self,
                          FlFutureState   state,
                          gboolean        ran)
{
  gint64 when = g_get_monotonic_time ();
  FlFutureState from;

  g_return_if_fail (FL_IS_STATE_DIAGRAM (self));

  if (self->has_state && self->state == state)
    return;

  if (!self->has_state)
    {
      light (self, EDGE_SUBMIT, when);
      when += STAGGER_US;
      from = FL_FUTURE_PENDING;
    }
  else
    from = self->state;

  if (from == FL_FUTURE_PENDING && state != FL_FUTURE_PENDING)
    {
      if (state == FL_FUTURE_CANCELLED && !ran)
        light (self, EDGE_CANCEL, when);
      else
        {
          light (self, EDGE_START, when);
          when += STAGGER_US;
          from = FL_FUTURE_RUNNING;
        }
    }
  if (from == FL_FUTURE_RUNNING)
    {
      if (state == FL_FUTURE_FINISHED)
        light (self, EDGE_FINISH, when);
      else if (state == FL_FUTURE_FAILED)
        light (self, EDGE_FAIL, when);
      else if (state == FL_FUTURE_CANCELLED)
        light (self, EDGE_RUN_CANCEL, when);
    }

  self->has_state = TRUE;
  self->state = state;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
fl_state_diagram_has_state (FlStateDiagram *self)
{
  g_return_val_if_fail (FL_IS_STATE_DIAGRAM (self), FALSE);
  return self->has_state;
}

FlFutureState
fl_state_diagram_get_state (FlStateDiagram *self)
{
  g_return_val_if_fail (FL_IS_STATE_DIAGRAM (self), FL_FUTURE_PENDING);
  return self->state;
}

/**
 * fl_state_diagram_dup_path:
 *
 * Returns: (transfer full): the states shown so far, e.g. "pending → running → finished"
 */
char *
fl_state_diagram_dup_path (FlStateDiagram *self)
{
  g_return_val_if_fail (FL_IS_STATE_DIAGRAM (self), NULL);
  return g_strdup (self->path->str);
}
