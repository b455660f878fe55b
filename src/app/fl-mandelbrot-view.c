/* fl-mandelbrot-view.c: an image that assembles tile by tile, tinted by lane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Compute page's picture: one tile per job. A tile is an outline while queued, a lane-
 * coloured frame while running, and its pixels once its future is done, washed with the
 * colour of the lane (thread, process or main loop) that computed it; a tile whose worker
 * died shows as such. The page updates tiles from batched notify::state and done
 * callbacks; each update only queues a draw, so the widget redraws at most once per frame.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-mandelbrot-view.h"

#define LEGEND_W 160.0
#define SWATCH   16.0

typedef struct
{
  guint          x, y, w, h;
  FlFutureState  state;
  FlLaneKind     lane_kind;
  int            lane;
  GdkTexture    *texture;
} Tile;

struct _FlMandelbrotView
{
  GtkWidget  parent_instance;

  guint      side;
  GArray    *tiles;       /* Tile */
  guint      n_painted;
  gboolean   tint;
};

G_DEFINE_FINAL_TYPE (FlMandelbrotView, fl_mandelbrot_view, GTK_TYPE_WIDGET)

static void
tile_clear (gpointer data)
{
  Tile *tile = data;

  g_clear_object (&tile->texture);
}

/**
 * fl_lane_color:
 *
 * The colour of a lane (Okabe–Ito): the main loop orange, worker lanes in turn blue,
 * green, pink, sky blue, yellow, black; failures keep vermillion to themselves.
 */
void
fl_lane_color (FlLaneKind  kind,
               int         lane,
               GdkRGBA    *rgba)
{
  static const char * const palette[] = {
    "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
  };

  if (kind == FL_LANE_MAIN_LOOP || kind == FL_LANE_CALLER)
    gdk_rgba_parse (rgba, "#E69F00");
  else if (kind == FL_LANE_NONE || lane < 0)
    gdk_rgba_parse (rgba, "#999999");
  else
    gdk_rgba_parse (rgba, palette[lane % G_N_ELEMENTS (palette)]);
}

static char *
lane_title (FlLaneKind kind,
            int        lane)
{
  switch (kind)
    {
    case FL_LANE_MAIN_LOOP:
      return g_strdup (_("main loop"));
    case FL_LANE_THREAD:
      return g_strdup_printf (_("thread %d"), lane + 1);
    case FL_LANE_PROCESS:
      return g_strdup_printf (_("process %d"), lane + 1);
    case FL_LANE_CALLER:
      return g_strdup (_("caller"));
    case FL_LANE_NONE:
    default:
      return g_strdup (_("not run"));
    }
}

static void
append_frame (GtkSnapshot           *snapshot,
              const graphene_rect_t *rect,
              const GdkRGBA         *color,
              float                  width)
{
  GskRoundedRect outline;
  float widths[4] = { width, width, width, width };
  GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

static void
draw_legend (FlMandelbrotView *self,
             GtkSnapshot      *snapshot,
             const GdkRGBA    *fg,
             double            x0)
{
  /* lane key -> tiles computed there, in the order the lanes appear in the legend */
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  guint n_failed = 0, n_cancelled = 0;
  double y = 0;

  for (guint i = 0; i < self->tiles->len; i++)
    {
      Tile *t = &g_array_index (self->tiles, Tile, i);
      gint64 key;
      guint j;

      if (t->state == FL_FUTURE_FAILED)
        n_failed++;
      if (t->state == FL_FUTURE_CANCELLED)
        n_cancelled++;
      if (t->state != FL_FUTURE_FINISHED || t->lane_kind == FL_LANE_NONE)
        continue;
      key = ((gint64) t->lane_kind << 32) | (guint) MAX (t->lane, 0);
      for (j = 0; j < keys->len && g_array_index (keys, gint64, j) < key; j++)
        ;
      if (j == keys->len || g_array_index (keys, gint64, j) != key)
        {
          guint zero = 0;

          g_array_insert_val (keys, j, key);
          g_array_insert_val (counts, j, zero);
        }
      g_array_index (counts, guint, j)++;
    }

  for (guint j = 0; j < keys->len + (n_failed > 0) + (n_cancelled > 0); j++)
    {
      g_autofree char *text = NULL;
      GdkRGBA c;

      if (j < keys->len)
        {
          gint64 key = g_array_index (keys, gint64, j);
          guint n = g_array_index (counts, guint, j);
          g_autofree char *title = lane_title ((FlLaneKind) (key >> 32), (int) (key & 0xffffffff));

          fl_lane_color ((FlLaneKind) (key >> 32), (int) (key & 0xffffffff), &c);
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u tile", "%s: %u tiles",
                                               n), title, n);
        }
      else if (j == keys->len && n_failed > 0)
        {
          gdk_rgba_parse (&c, "#D55E00");
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "failed: %u tile",
                                               "failed: %u tiles", n_failed), n_failed);
        }
      else
        {
          gdk_rgba_parse (&c, "#CC79A7");
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "cancelled: %u tile",
                                               "cancelled: %u tiles", n_cancelled),
                                  n_cancelled);
        }

      gtk_snapshot_append_color (snapshot, &c,
                                 &GRAPHENE_RECT_INIT (x0, y + 3, SWATCH, SWATCH));
      pango_layout_set_text (layout, text, -1);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x0 + SWATCH + 8, y));
      gtk_snapshot_append_layout (snapshot, layout, fg);
      gtk_snapshot_restore (snapshot);
      y += 26;
    }
}

static void
fl_mandelbrot_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  FlMandelbrotView *self = FL_MANDELBROT_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double box = MIN (height, width - LEGEND_W);
  double scale;
  GdkRGBA fg, failed, cancelled, faint;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gdk_rgba_parse (&failed, "#D55E00");
  gdk_rgba_parse (&cancelled, "#CC79A7");
  faint = fg;
  faint.alpha = 0.07;

  if (box <= 0)
    return;
  gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (0, 0, box, box));
  if (self->side == 0)
    {
      /* No C run yet (a Python run draws no image): say where the image comes from, so an
       * empty square does not look broken. */
      PangoLayout *layout = gtk_widget_create_pango_layout (widget,
        _("The image is drawn here by this page’s own runs: pick a mode above."));
      int tw, th;
      GdkRGBA dim = fg;

      dim.alpha = 0.55;
      pango_layout_set_width (layout, (int) MAX (box - 48, 40) * PANGO_SCALE);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((box - tw) / 2, (box - th) / 2));
      gtk_snapshot_append_layout (snapshot, layout, &dim);
      gtk_snapshot_restore (snapshot);
      g_object_unref (layout);
      return;
    }
  scale = box / self->side;

  for (guint i = 0; i < self->tiles->len; i++)
    {
      Tile *t = &g_array_index (self->tiles, Tile, i);
      graphene_rect_t r = GRAPHENE_RECT_INIT (t->x * scale, t->y * scale,
                                              t->w * scale, t->h * scale);
      GdkRGBA lane, wash;

      fl_lane_color (t->lane_kind, t->lane, &lane);
      switch (t->state)
        {
        case FL_FUTURE_RUNNING:
          wash = lane;
          wash.alpha = 0.25;
          gtk_snapshot_append_color (snapshot, &wash, &r);
          append_frame (snapshot, &r, &lane, 3);
          break;
        case FL_FUTURE_FINISHED:
          if (t->texture != NULL)
            gtk_snapshot_append_texture (snapshot, t->texture, &r);
          if (self->tint)
            {
              wash = lane;
              wash.alpha = 0.28;
              gtk_snapshot_append_color (snapshot, &wash, &r);
              append_frame (snapshot, &r, &lane, 2);
            }
          break;
        case FL_FUTURE_FAILED:
          {
            /* A cross, so a failed tile never reads as a main-loop (orange) one. */
            cairo_t *cr;

            wash = failed;
            wash.alpha = 0.85;
            gtk_snapshot_append_color (snapshot, &wash, &r);
            cr = gtk_snapshot_append_cairo (snapshot, &r);
            cairo_set_source_rgb (cr, 1, 1, 1);
            cairo_set_line_width (cr, 3);
            cairo_move_to (cr, r.origin.x + 6, r.origin.y + 6);
            cairo_line_to (cr, r.origin.x + r.size.width - 6, r.origin.y + r.size.height - 6);
            cairo_move_to (cr, r.origin.x + r.size.width - 6, r.origin.y + 6);
            cairo_line_to (cr, r.origin.x + 6, r.origin.y + r.size.height - 6);
            cairo_stroke (cr);
            cairo_destroy (cr);
          }
          break;
        case FL_FUTURE_CANCELLED:
          wash = cancelled;
          wash.alpha = 0.45;
          gtk_snapshot_append_color (snapshot, &wash, &r);
          break;
        case FL_FUTURE_PENDING:
        default:
          faint.alpha = 0.18;
          append_frame (snapshot, &r, &faint, 1);
          break;
        }
    }

  draw_legend (self, snapshot, &fg, box + 16);
}

static void
fl_mandelbrot_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200 + LEGEND_W;
      *natural = 460 + LEGEND_W;
    }
  else
    {
      *minimum = 200;
      *natural = 460;
    }
}

static void
fl_mandelbrot_view_finalize (GObject *object)
{
  g_array_unref (FL_MANDELBROT_VIEW (object)->tiles);
  G_OBJECT_CLASS (fl_mandelbrot_view_parent_class)->finalize (object);
}

static void
fl_mandelbrot_view_class_init (FlMandelbrotViewClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = fl_mandelbrot_view_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = fl_mandelbrot_view_measure;
  G_OBJECT_CLASS (klass)->finalize = fl_mandelbrot_view_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "mandelbrotview");
}

static void
fl_mandelbrot_view_init (FlMandelbrotView *self)
{
  self->tiles = g_array_new (FALSE, TRUE, sizeof (Tile));
  g_array_set_clear_func (self->tiles, tile_clear);
  self->tint = TRUE;
}

GtkWidget *
fl_mandelbrot_view_new (void)
{
  return g_object_new (FL_TYPE_MANDELBROT_VIEW, NULL);
}

/**
 * fl_mandelbrot_view_reset:
 * @side: the image's side in pixels
 *
 * Forgets every tile: a new run starts.
 */
void
fl_mandelbrot_view_reset (FlMandelbrotView *self,
                          guint             side)
{
  g_return_if_fail (FL_IS_MANDELBROT_VIEW (self));

  g_array_set_size (self->tiles, 0);
  self->side = side;
  self->n_painted = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * fl_mandelbrot_view_add_tile:
 *
 * Returns: the tile's index, for fl_mandelbrot_view_update_tile()
 */
guint
fl_mandelbrot_view_add_tile (FlMandelbrotView *self,
                             guint             x,
                             guint             y,
                             guint             w,
                             guint             h)
{
  Tile tile = { x, y, w, h, FL_FUTURE_PENDING, FL_LANE_NONE, -1, NULL };

  g_return_val_if_fail (FL_IS_MANDELBROT_VIEW (self), 0);

  g_array_append_val (self->tiles, tile);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->tiles->len - 1;
}

/**
 * fl_mandelbrot_view_update_tile:
 * @rgb: (nullable): the tile's w*h*3 bytes of RGB, once finished
 *
 * Records a tile's new state and the lane that ran it; queues one draw (GTK merges the
 * draws queued in a frame).
 */
void
fl_mandelbrot_view_update_tile (FlMandelbrotView *self,
                                guint             index,
                                FlFutureState     state,
                                FlLaneKind        lane_kind,
                                int               lane,
                                GBytes           *rgb)
{
  Tile *tile;

  g_return_if_fail (FL_IS_MANDELBROT_VIEW (self));
  g_return_if_fail (index < self->tiles->len);

  tile = &g_array_index (self->tiles, Tile, index);
  tile->state = state;
  tile->lane_kind = lane_kind;
  tile->lane = lane;
  if (rgb != NULL && tile->texture == NULL
      && g_bytes_get_size (rgb) == (gsize) tile->w * tile->h * 3)
    {
      tile->texture = gdk_memory_texture_new (tile->w, tile->h, GDK_MEMORY_R8G8B8, rgb,
                                              (gsize) tile->w * 3);
      self->n_painted++;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_mandelbrot_view_set_tint (FlMandelbrotView *self,
                             gboolean          tint)
{
  g_return_if_fail (FL_IS_MANDELBROT_VIEW (self));

  if (self->tint == !!tint)
    return;
  self->tint = !!tint;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
fl_mandelbrot_view_get_tint (FlMandelbrotView *self)
{
  return self->tint;
}

guint
fl_mandelbrot_view_get_n_tiles (FlMandelbrotView *self)
{
  return self->tiles->len;
}

/**
 * fl_mandelbrot_view_get_n_painted:
 *
 * Returns: how many tiles show their pixels
 */
guint
fl_mandelbrot_view_get_n_painted (FlMandelbrotView *self)
{
  return self->n_painted;
}
