/* fl-flag-grid.c: the flags of a run, filling in as they arrive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One widget draws every cell: a run of 676 flags would otherwise be 2 000 widgets to lay out.
 * Each arrived flag is decoded once (GdkPixbuf, from the downloaded file) and scaled into a
 * cairo image surface of the cell's size, so a frame only copies small surfaces; the cairo
 * renderer never converts full-size textures again and again. Each cell keeps the render
 * node it was last drawn as until it changes: a frame in which one flag arrives re-draws
 * (and the renderer repaints) that cell only, not the 676 of a run with their text.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-flag-grid.h"

#define CELL_W  76.0
#define CELL_H  72.0
#define IMG_W   64
#define IMG_H   44
#define GAP     6.0

typedef struct
{
  char            *cc;
  char            *upper;
  char            *tooltip;
  cairo_surface_t *image;
  FlFlagCellState  state;
  gboolean         later;   /* not yet arrived at the time cursor's instant */
  GskRenderNode   *node;    /* the cell as last drawn, NULL once it changed */
} Cell;

struct _FlFlagGrid
{
  GtkWidget   parent_instance;

  GArray     *cells;    /* Cell */
  GHashTable *index;    /* cc -> index + 1 */
  guint       n_images;

  /* what the cached cell nodes were drawn with */
  PangoLayout          *layout;
  PangoFontDescription *font;
  GdkRGBA               fg;
  guint                 cols;
};

G_DEFINE_FINAL_TYPE (FlFlagGrid, fl_flag_grid, GTK_TYPE_WIDGET)

static void
cell_clear (gpointer data)
{
  Cell *cell = data;

  g_free (cell->cc);
  g_free (cell->upper);
  g_free (cell->tooltip);
  g_clear_pointer (&cell->image, cairo_surface_destroy);
  g_clear_pointer (&cell->node, gsk_render_node_unref);
}

static guint
columns_for (int width)
{
  return MAX (1, (guint) ((width + GAP) / (CELL_W + GAP)));
}

static void
state_background (FlFlagCellState state,
                  double          rgba[4])
{
  /* Okabe–Ito, as the futures list and the timeline */
  static const double colors[][4] = {
    [FL_FLAG_CELL_PENDING]   = { 0.60, 0.60, 0.60, 0.25 },
    [FL_FLAG_CELL_OK]        = { 0.0, 0.620, 0.451, 0.22 },
    [FL_FLAG_CELL_NOT_FOUND] = { 0.902, 0.624, 0.0, 0.45 },
    [FL_FLAG_CELL_ERROR]     = { 0.835, 0.369, 0.0, 0.55 },
    [FL_FLAG_CELL_CANCELLED] = { 0.800, 0.475, 0.655, 0.45 },
  };

  memcpy (rgba, colors[state], sizeof colors[0]);
}

static GskRenderNode *
draw_cell (FlFlagGrid *self,
           Cell       *cell,
           double      x,
           double      y)
{
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (x, y, CELL_W, CELL_H));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);
  PangoLayout *layout = self->layout;
  FlFlagCellState state = cell->later ? FL_FLAG_CELL_PENDING : cell->state;
  double bg[4];
  int tw, th;

  state_background (state, bg);
  cairo_set_source_rgba (cr, bg[0], bg[1], bg[2], bg[3]);
  cairo_rectangle (cr, x, y, CELL_W, CELL_H);
  cairo_fill (cr);

  if (cell->image != NULL && !cell->later)
    {
      cairo_set_source_surface (cr, cell->image, x + (CELL_W - IMG_W) / 2, y + 4);
      cairo_paint (cr);
    }
  else if (state == FL_FLAG_CELL_NOT_FOUND || state == FL_FLAG_CELL_ERROR
           || state == FL_FLAG_CELL_CANCELLED)
    {
      const char *mark = state == FL_FLAG_CELL_NOT_FOUND ? "404"
                         : state == FL_FLAG_CELL_ERROR ? "✕" : "–";

      pango_layout_set_text (layout, mark, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &self->fg);
      cairo_move_to (cr, x + (CELL_W - tw) / 2, y + 4 + (IMG_H - th) / 2);
      pango_cairo_show_layout (cr, layout);
    }

  pango_layout_set_text (layout, cell->upper, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  gdk_cairo_set_source_rgba (cr, &self->fg);
  cairo_move_to (cr, x + (CELL_W - tw) / 2, y + CELL_H - th - 2);
  pango_cairo_show_layout (cr, layout);
  cairo_destroy (cr);
  return node;
}

static void
forget_nodes (FlFlagGrid *self)
{
  for (guint i = 0; i < self->cells->len; i++)
    g_clear_pointer (&g_array_index (self->cells, Cell, i).node, gsk_render_node_unref);
}

/* The cached cells hold colour, font and position: a new theme, a larger font (projector
 * mode) or a new width draws them all again. */
static void
check_cache (FlFlagGrid *self,
             guint       cols)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const PangoFontDescription *font;
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  if (self->layout != NULL && cols == self->cols && gdk_rgba_equal (&fg, &self->fg)
      && self->font != NULL && font != NULL && pango_font_description_equal (font, self->font))
    return;

  forget_nodes (self);
  self->cols = cols;
  self->fg = fg;
  g_clear_pointer (&self->font, pango_font_description_free);
  self->font = font != NULL ? pango_font_description_copy (font) : NULL;
  g_clear_object (&self->layout);
  self->layout = gtk_widget_create_pango_layout (widget, NULL);
  {
    PangoFontDescription *bold = pango_font_description_from_string ("Bold");

    pango_layout_set_font_description (self->layout, bold);
    pango_font_description_free (bold);
  }
}

static void
fl_flag_grid_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlFlagGrid *self = FL_FLAG_GRID (widget);
  guint cols = columns_for (gtk_widget_get_width (widget));

  if (self->cells->len == 0)
    return;
  check_cache (self, cols);
  for (guint i = 0; i < self->cells->len; i++)
    {
      Cell *cell = &g_array_index (self->cells, Cell, i);

      if (cell->node == NULL)
        cell->node = draw_cell (self, cell, (i % cols) * (CELL_W + GAP),
                                (i / cols) * (CELL_H + GAP));
      gtk_snapshot_append_node (snapshot, cell->node);
    }
}

static GtkSizeRequestMode
fl_flag_grid_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
fl_flag_grid_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  FlFlagGrid *self = FL_FLAG_GRID (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = CELL_W;
      *natural = 12 * (CELL_W + GAP);
    }
  else
    {
      guint cols = columns_for (for_size < 0 ? 12 * (CELL_W + GAP) : for_size);
      guint rows = (self->cells->len + cols - 1) / cols;

      *minimum = *natural = rows * (CELL_H + GAP);
    }
}

static Cell *
cell_at (FlFlagGrid *self,
         double      x,
         double      y)
{
  guint cols = columns_for (gtk_widget_get_width (GTK_WIDGET (self)));
  guint col = (guint) (x / (CELL_W + GAP)), row = (guint) (y / (CELL_H + GAP));
  guint i = row * cols + col;

  if (x < 0 || y < 0 || col >= cols || i >= self->cells->len)
    return NULL;
  return &g_array_index (self->cells, Cell, i);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    data)
{
  Cell *cell = cell_at (FL_FLAG_GRID (widget), x, y);

  if (cell == NULL || cell->tooltip == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, cell->tooltip);
  return TRUE;
}

static void
fl_flag_grid_finalize (GObject *object)
{
  FlFlagGrid *self = FL_FLAG_GRID (object);

  g_array_unref (self->cells);
  g_hash_table_unref (self->index);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->font, pango_font_description_free);

  G_OBJECT_CLASS (fl_flag_grid_parent_class)->finalize (object);
}

static void
fl_flag_grid_class_init (FlFlagGridClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fl_flag_grid_finalize;
  widget_class->snapshot = fl_flag_grid_snapshot;
  widget_class->measure = fl_flag_grid_measure;
  widget_class->get_request_mode = fl_flag_grid_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "flaggrid");
}

static void
fl_flag_grid_init (FlFlagGrid *self)
{
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (self->cells, cell_clear);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
fl_flag_grid_new (void)
{
  return g_object_new (FL_TYPE_FLAG_GRID, NULL);
}

void
fl_flag_grid_clear (FlFlagGrid *self)
{
  g_array_set_size (self->cells, 0);
  g_hash_table_remove_all (self->index);
  self->n_images = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * fl_flag_grid_add:
 *
 * Adds a pending cell for @cc (a lower-case code).
 */
void
fl_flag_grid_add (FlFlagGrid *self,
                  const char *cc,
                  const char *tooltip)
{
  Cell cell = { g_strdup (cc), g_ascii_strup (cc, -1), g_strdup (tooltip), NULL,
                FL_FLAG_CELL_PENDING, FALSE, NULL };

  g_array_append_val (self->cells, cell);
  g_hash_table_replace (self->index, g_strdup (cc), GUINT_TO_POINTER (self->cells->len));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static Cell *
lookup (FlFlagGrid *self,
        const char *cc)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (self->index, cc));

  return i > 0 ? &g_array_index (self->cells, Cell, i - 1) : NULL;
}

/**
 * fl_flag_grid_set_image:
 * @path: the downloaded file
 *
 * Decodes the flag and shows it, scaled to the cell.
 */
gboolean
fl_flag_grid_set_image (FlFlagGrid  *self,
                        const char  *cc,
                        const char  *path,
                        GError     **error)
{
  Cell *cell = lookup (self, cc);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double scale;
  int w, h;

  if (cell == NULL)
    return TRUE;
  pixbuf = gdk_pixbuf_new_from_file (path, error);
  if (pixbuf == NULL)
    return FALSE;
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  scale = MIN (IMG_W / (double) w, IMG_H / (double) h);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (w * scale + 0.5),
                                        (int) (h * scale + 0.5));
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  gdk_cairo_set_source_pixbuf (cr, pixbuf, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);

  g_clear_pointer (&cell->image, cairo_surface_destroy);
  g_clear_pointer (&cell->node, gsk_render_node_unref);
  cell->image = surface;
  cell->state = FL_FLAG_CELL_OK;
  self->n_images++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
fl_flag_grid_set_state (FlFlagGrid      *self,
                        const char      *cc,
                        FlFlagCellState  state,
                        const char      *tooltip)
{
  Cell *cell = lookup (self, cc);

  if (cell == NULL)
    return;
  if (cell->state != state)
    g_clear_pointer (&cell->node, gsk_render_node_unref);
  cell->state = state;
  if (tooltip != NULL)
    {
      g_free (cell->tooltip);
      cell->tooltip = g_strdup (tooltip);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * fl_flag_grid_show_at:
 * @ended: (nullable): the codes whose downloads had ended at the time cursor's instant (a
 *   set of lower-case codes), or %NULL for now
 *
 * Shows the grid as it was at an earlier instant: a cell whose code is not in @ended is
 * drawn waiting, as it was then, its flag or error kept for when the cursor moves on.
 * Only the cells that change are drawn again.
 */
void
fl_flag_grid_show_at (FlFlagGrid *self,
                      GHashTable *ended)
{
  gboolean changed = FALSE;

  g_return_if_fail (FL_IS_FLAG_GRID (self));

  for (guint i = 0; i < self->cells->len; i++)
    {
      Cell *cell = &g_array_index (self->cells, Cell, i);
      gboolean later = ended != NULL && !g_hash_table_contains (ended, cell->cc);

      if (later == cell->later)
        continue;
      cell->later = later;
      g_clear_pointer (&cell->node, gsk_render_node_unref);
      changed = TRUE;
    }
  if (changed)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * fl_flag_grid_get_n_shown:
 *
 * Returns: how many cells show an ended download (a flag, a 404, an error, a cancel) at
 *   the instant shown (see fl_flag_grid_show_at())
 */
guint
fl_flag_grid_get_n_shown (FlFlagGrid *self)
{
  guint n = 0;

  g_return_val_if_fail (FL_IS_FLAG_GRID (self), 0);
  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, i);

      n += cell->state != FL_FLAG_CELL_PENDING && !cell->later;
    }
  return n;
}

guint
fl_flag_grid_get_n_images (FlFlagGrid *self)
{
  return self->n_images;
}
