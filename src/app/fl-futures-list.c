/* fl-futures-list.c: the live list of a run's futures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkColumnView over the run's GListModel, through a sort model driven by the column
 * view's sorter. Only bound rows listen to their future: a cell connects to notify::state
 * of its item in bind and disconnects in unbind, so a run of 100 000 futures costs
 * a screenful of handlers. notify::state itself comes from the engine's batched dispatch.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-futures-list.h"
#include "fl-format.h"
#include "fl-palette.h"
#include "fl-span-model.h"
#include "fl-timeline.h"

/* FlCellText: one line of text in a cell, sized by characters, never by its text.
 *
 * As GtkInscription, but GtkInscription measures by asking Pango for the font's metrics,
 * which shapes a sample text on every call: 1 800 cells of 200 realized rows shaped it
 * 3 600 times. The metrics here are computed once per font and shared by every cell. */
#define FL_TYPE_CELL_TEXT (fl_cell_text_get_type ())
G_DECLARE_FINAL_TYPE (FlCellText, fl_cell_text, FL, CELL_TEXT, GtkWidget)

struct _FlCellText
{
  GtkWidget      parent_instance;

  char          *text;
  PangoAttrList *attrs;
  PangoLayout   *layout;
  guint          context_serial;
  float          xalign;
  guint          min_chars;
  guint          nat_chars;
};

G_DEFINE_FINAL_TYPE (FlCellText, fl_cell_text, GTK_TYPE_WIDGET)

typedef struct
{
  PangoFontDescription *font;
  int                   char_width;   /* Pango units */
  int                   line_height;  /* Pango units */
} CellMetrics;

static const CellMetrics *
cell_metrics (GtkWidget *widget)
{
  static CellMetrics cache;
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  PangoFontMetrics *metrics;

  if (cache.font != NULL && font != NULL && pango_font_description_equal (font, cache.font))
    return &cache;

  metrics = pango_context_get_metrics (context, NULL, NULL);
  cache.char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                          pango_font_metrics_get_approximate_digit_width (metrics));
  cache.line_height = MAX (pango_font_metrics_get_height (metrics),
                           pango_font_metrics_get_ascent (metrics)
                           + pango_font_metrics_get_descent (metrics));
  pango_font_metrics_unref (metrics);
  g_clear_pointer (&cache.font, pango_font_description_free);
  cache.font = font != NULL ? pango_font_description_copy (font) : NULL;
  return &cache;
}

static void
fl_cell_text_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  FlCellText *self = FL_CELL_TEXT (widget);
  const CellMetrics *m = cell_metrics (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = PANGO_PIXELS_CEIL (self->min_chars * m->char_width);
      *natural = PANGO_PIXELS_CEIL (MAX (self->min_chars, self->nat_chars) * m->char_width);
    }
  else
    *minimum = *natural = PANGO_PIXELS_CEIL (m->line_height);
}

/* The widget's own Pango context follows its style (a larger font in projector mode). */
static PangoLayout *
fl_cell_text_get_layout (FlCellText *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));

  if (self->layout == NULL)
    {
      self->layout = pango_layout_new (context);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
      pango_layout_set_text (self->layout, self->text ? self->text : "", -1);
      pango_layout_set_attributes (self->layout, self->attrs);
      self->context_serial = pango_context_get_serial (context);
    }
  else if (self->context_serial != pango_context_get_serial (context))
    {
      pango_layout_context_changed (self->layout);
      self->context_serial = pango_context_get_serial (context);
    }
  return self->layout;
}

static void
fl_cell_text_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlCellText *self = FL_CELL_TEXT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  PangoLayout *layout;
  PangoRectangle logical;
  GdkRGBA color;

  if (self->text == NULL || self->text[0] == '\0' || width <= 0)
    return;
  layout = fl_cell_text_get_layout (self);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (floorf ((width - logical.width) * self->xalign)
                                                - logical.x,
                                                floorf ((height - logical.height) / 2.f)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
fl_cell_text_finalize (GObject *object)
{
  FlCellText *self = FL_CELL_TEXT (object);

  g_free (self->text);
  g_clear_pointer (&self->attrs, pango_attr_list_unref);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (fl_cell_text_parent_class)->finalize (object);
}

static void
fl_cell_text_class_init (FlCellTextClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fl_cell_text_finalize;
  widget_class->measure = fl_cell_text_measure;
  widget_class->snapshot = fl_cell_text_snapshot;
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
fl_cell_text_init (FlCellText *self)
{
  self->min_chars = 3;
}

static GtkWidget *
fl_cell_text_new (float xalign,
                  guint min_chars,
                  guint nat_chars)
{
  FlCellText *self = g_object_new (FL_TYPE_CELL_TEXT, NULL);

  self->xalign = xalign;
  self->min_chars = min_chars;
  self->nat_chars = nat_chars;
  return GTK_WIDGET (self);
}

static const char *
fl_cell_text_get_text (FlCellText *self)
{
  return self->text;
}

/* Only redraws: the size does not depend on the text. */
static void
fl_cell_text_set_text (FlCellText *self,
                       const char *text)
{
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text ? text : "", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->text ? self->text : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
fl_cell_text_set_attributes (FlCellText    *self,
                             PangoAttrList *attrs)
{
  if (self->attrs == attrs)
    return;
  g_clear_pointer (&self->attrs, pango_attr_list_unref);
  self->attrs = attrs != NULL ? pango_attr_list_ref (attrs) : NULL;
  if (self->layout != NULL)
    pango_layout_set_attributes (self->layout, self->attrs);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* FlListFeed: the sorted list as the column view sees it, fed in per frame.
 *
 * GTK 4.8's list view realizes up to 200 rows at a model's first items-changed, whatever
 * the viewport: 200 × 9 cells in one go is a 150–300 ms stall. The feed shows a growing
 * prefix of the sorted list instead, a few rows per frame within a time budget, until the
 * list view holds all the rows it will ever realize; then it shows the rest at once (rows
 * past those have no widgets, so that costs nothing). Order and items are the sorted
 * model's: the feed only delays how many it shows. */
#define FEED_ROWS_PER_STEP  4
#define FEED_BUDGET_US      2500
#define FEED_REALIZED_ROWS  240     /* GTK 4.8 list views realize at most 200 rows */

#define FL_TYPE_LIST_FEED (fl_list_feed_get_type ())
G_DECLARE_FINAL_TYPE (FlListFeed, fl_list_feed, FL, LIST_FEED, GObject)

struct _FlListFeed
{
  GObject     parent_instance;

  GListModel *source;
  guint       n_shown;
  guint       limit;
};

static GType
fl_list_feed_get_item_type (GListModel *model)
{
  return FL_TYPE_SPAN_ITEM;
}

static guint
fl_list_feed_get_n_items (GListModel *model)
{
  return FL_LIST_FEED (model)->n_shown;
}

static gpointer
fl_list_feed_get_item (GListModel *model,
                       guint       position)
{
  FlListFeed *self = FL_LIST_FEED (model);

  if (position >= self->n_shown)
    return NULL;
  return g_list_model_get_item (self->source, position);
}

static void
fl_list_feed_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fl_list_feed_get_item_type;
  iface->get_n_items = fl_list_feed_get_n_items;
  iface->get_item = fl_list_feed_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FlListFeed, fl_list_feed, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fl_list_feed_model_init))

static void
fl_list_feed_source_changed_cb (GListModel *source,
                                guint       position,
                                guint       removed,
                                guint       added,
                                FlListFeed *self)
{
  guint old_n = self->n_shown;
  guint n = g_list_model_get_n_items (source);

  if (n == 0)
    self->limit = 0;        /* a new run starts feeding from its first row again */
  self->n_shown = MIN (n, self->limit);
  if (position >= old_n && self->n_shown == old_n)
    return;                 /* all of it past what is shown */
  if (position < old_n)
    {
      /* The shown prefix from @position on is replaced: exact for appends and resets,
       * and simple for the rest (a re-sort replaces everything anyway). */
      if (position + removed <= old_n && position + added <= self->n_shown
          && old_n - removed + added == self->n_shown)
        g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      else
        g_list_model_items_changed (G_LIST_MODEL (self), position, old_n - position,
                                    self->n_shown - position);
    }
  else
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, self->n_shown - old_n);
}

static void
fl_list_feed_dispose (GObject *object)
{
  FlListFeed *self = FL_LIST_FEED (object);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (fl_list_feed_parent_class)->dispose (object);
}

static void
fl_list_feed_class_init (FlListFeedClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fl_list_feed_dispose;
}

static void
fl_list_feed_init (FlListFeed *self)
{
}

static FlListFeed *
fl_list_feed_new (GListModel *source)
{
  FlListFeed *self = g_object_new (FL_TYPE_LIST_FEED, NULL);

  self->source = g_object_ref (source);
  g_signal_connect (source, "items-changed", G_CALLBACK (fl_list_feed_source_changed_cb), self);
  return self;
}

/* Shows up to @n_more rows more. Returns whether rows remain hidden. */
static gboolean
fl_list_feed_grow (FlListFeed *self,
                   guint       n_more)
{
  guint n = g_list_model_get_n_items (self->source);
  guint old_n = self->n_shown;

  if (self->limit >= FEED_REALIZED_ROWS || n_more >= FEED_REALIZED_ROWS - self->limit)
    self->limit = G_MAXUINT;
  else
    self->limit += n_more;
  self->n_shown = MIN (n, self->limit);
  if (self->n_shown > old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, self->n_shown - old_n);
  return self->n_shown < n;
}

/* The next rows come in from the first one again (a new run). */
static void
fl_list_feed_restart (FlListFeed *self)
{
  self->limit = 0;
}

/* Shows every row now. */
static void
fl_list_feed_flush (FlListFeed *self)
{
  fl_list_feed_grow (self, G_MAXUINT - self->limit);
}

static gboolean
fl_list_feed_is_complete (FlListFeed *self)
{
  return self->n_shown == g_list_model_get_n_items (self->source);
}

typedef enum
{
  COL_ID,
  COL_LABEL,
  COL_STATE,
  COL_LANE,
  COL_QUEUED,
  COL_STARTED,
  COL_DURATION,
  COL_BYTES,
  COL_ERROR,
  N_COLS
} Column;

struct _FlFuturesList
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *scroller;
  GtkColumnView      *view;

  /* owned */
  GtkSortListModel   *sorted;
  FlListFeed         *feed;
  GtkSingleSelection *selection;
  guint               feed_tick;
  guint               update_tick;
  FlSpans            *spans;
  FlSpanModel        *model;
  gulong              spans_changed_id;
  gint64              cursor;       /* -1: now */
  GHashTable         *bound;        /* GtkListItem, every bound cell */
  guint               n_bound;
};

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlFuturesList, fl_futures_list, GTK_TYPE_WIDGET)

static const char *handler_key = "fl-state-handler";

static void clear_spans (FlFuturesList *self);

char *
fl_format_state_text (FlFutureState state)
{
  switch (state)
    {
    case FL_FUTURE_PENDING:
      return g_strdup (_("queued"));
    case FL_FUTURE_RUNNING:
      return g_strdup (_("running"));
    case FL_FUTURE_FINISHED:
      return g_strdup (_("finished"));
    case FL_FUTURE_FAILED:
      return g_strdup (_("failed"));
    case FL_FUTURE_CANCELLED:
      return g_strdup (_("cancelled"));
    default:
      return g_strdup ("?");
    }
}

/* The outcome colours as text attributes (the same palette as the timeline, darkened for
 * text): a state change then only redraws its cell, where a CSS class would restyle it. */
static PangoAttrList *
state_attributes (FlFutureState state,
                  FlOutcome     outcome)
{
  static PangoAttrList *lists[FL_PALETTE_N_KINDS];
  FlPaletteKind kind = fl_palette_kind (state, outcome);

  if (lists[kind] == NULL)
    {
      GdkRGBA rgba;

      fl_palette_text_color (kind, &rgba);
      lists[kind] = pango_attr_list_new ();
      pango_attr_list_insert (lists[kind],
                              pango_attr_foreground_new ((guint16) (rgba.red * 65535),
                                                         (guint16) (rgba.green * 65535),
                                                         (guint16) (rgba.blue * 65535)));
    }
  return lists[kind];
}

/* Digits of equal width, as the "numeric" style class gives a label. */
static PangoAttrList *
numeric_attributes (void)
{
  static PangoAttrList *attrs;

  if (attrs == NULL)
    {
      attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
    }
  return attrs;
}

static gint64
now_of (FlFuturesList *self)
{
  return self->cursor >= 0 ? self->cursor : G_MAXINT64 / 2;
}

static char *
format_offset (gint64 t)
{
  if (t < 0)
    return g_strdup ("—");
  return fl_format_duration (t);
}

static char *
cell_text (FlFuturesList *self,
           Column         col,
           const FlSpan  *span)
{
  gint64 now = now_of (self);
  FlFutureState state = fl_span_state_at (span, now);

  switch (col)
    {
    case COL_ID:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, span->id);
    case COL_LABEL:
      return g_strdup (span->label ? span->label : "");
    case COL_STATE:
      return fl_format_span_state (span, now);
    case COL_LANE:
      if (span->lane_kind == FL_LANE_NONE || span->started < 0 || span->started > now)
        return g_strdup ("—");
      return fl_lane_name (span->lane_kind, span->lane);
    case COL_QUEUED:
      return format_offset (span->queued);
    case COL_STARTED:
      return format_offset (span->started >= 0 && span->started <= now ? span->started : -1);
    case COL_DURATION:
      if (span->started < 0 || span->finished < 0 || span->finished > now)
        return g_strdup ("—");
      return fl_format_duration (span->finished - span->started);
    case COL_BYTES:
      return span->bytes > 0 && FL_FUTURE_STATE_IS_TERMINAL (state)
             ? g_format_size (span->bytes) : g_strdup ("—");
    case COL_ERROR:
      return g_strdup (state == FL_FUTURE_FAILED && span->error != NULL ? span->error : "");
    case N_COLS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_cell (GtkListItem *item)
{
  FlFuturesList *self = g_object_get_data (G_OBJECT (item), "fl-list");
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "fl-column"));
  FlSpanItem *span_item = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;
  const FlSpan *span;

  if (span_item == NULL || child == NULL)
    return;
  span = fl_span_item_get_span (span_item);
  text = cell_text (self, col, span);
  /* A cell's size does not depend on its text: setting it only redraws the cell, where a
   * GtkLabel would queue a resize of the row and a measure of the whole column. */
  fl_cell_text_set_text (FL_CELL_TEXT (child), text);
  if (col == COL_STATE)
    fl_cell_text_set_attributes (FL_CELL_TEXT (child),
                                 state_attributes (fl_span_state_at (span, now_of (self)),
                                                   fl_span_outcome_at (span, now_of (self))));
}

static void
span_changed_cb (FlSpanItem  *span_item,
                 GtkListItem *item)
{
  update_cell (item);
}

/* Natural widths in characters; a cell wider than its column is ellipsized. */
static const guint nat_chars[N_COLS] = {
  [COL_ID] = 7, [COL_LABEL] = 28, [COL_STATE] = 11, [COL_LANE] = 10, [COL_QUEUED] = 10,
  [COL_STARTED] = 10, [COL_DURATION] = 9, [COL_BYTES] = 9, [COL_ERROR] = 20,
};

/* The label and error cells' tooltip is their full text (they may be ellipsized), looked up
 * when asked: setting a tooltip text per bind costs GTK 4.8 a pointer query (an X round
 * trip) each time. */
static gboolean
text_query_tooltip_cb (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip,
                        gpointer    user_data)
{
  const char *text = fl_cell_text_get_text (FL_CELL_TEXT (widget));

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          FlFuturesList            *self)
{
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "fl-column"));
  gboolean left = col == COL_LABEL || col == COL_STATE || col == COL_ERROR || col == COL_LANE;
  GtkWidget *child;

  g_object_set_data (G_OBJECT (item), "fl-list", self);
  g_object_set_data (G_OBJECT (item), "fl-column", GINT_TO_POINTER (col));

  /* One text widget per cell: GTK 4.8 realizes up to 200 rows at once. */
  child = fl_cell_text_new (left ? 0 : 1, MIN (nat_chars[col], 4), nat_chars[col]);
  if (!left)
    fl_cell_text_set_attributes (FL_CELL_TEXT (child), numeric_attributes ());
  if (col == COL_STATE)
    gtk_widget_add_css_class (child, "state-cell");
  else if (!left)
    gtk_widget_add_css_class (child, "numeric");
  if (col == COL_ERROR)
    gtk_widget_add_css_class (child, "error-text");
  if (col == COL_ERROR || col == COL_LABEL)
    {
      gtk_widget_set_has_tooltip (child, TRUE);
      g_signal_connect (child, "query-tooltip", G_CALLBACK (text_query_tooltip_cb), NULL);
    }
  gtk_list_item_set_child (item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         FlFuturesList            *self)
{
  FlSpanItem *span_item = gtk_list_item_get_item (item);
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "fl-column"));
  gulong handler;

  update_cell (item);
  g_hash_table_add (self->bound, item);
  /* Only cells that can change listen, and only while bound. */
  if (col == COL_ID || col == COL_LABEL || col == COL_QUEUED)
    return;
  handler = g_signal_connect (span_item, "changed", G_CALLBACK (span_changed_cb), item);
  g_object_set_data (G_OBJECT (item), handler_key, GSIZE_TO_POINTER (handler));
  self->n_bound++;
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           FlFuturesList            *self)
{
  FlSpanItem *span_item = gtk_list_item_get_item (item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), handler_key));

  g_hash_table_remove (self->bound, item);
  if (handler != 0)
    {
      g_signal_handler_disconnect (span_item, handler);
      g_object_set_data (G_OBJECT (item), handler_key, NULL);
      self->n_bound--;
    }
}

static gint64
sort_key (FlFuturesList *self,
          Column         col,
          const FlSpan  *span)
{
  switch (col)
    {
    case COL_ID:
      return (gint64) span->id;
    case COL_STATE:
      return fl_palette_kind (span->state, span->outcome);
    case COL_LANE:
      return span->lane_kind * 100000 + span->lane;
    case COL_QUEUED:
      return span->queued;
    case COL_STARTED:
      return span->started;
    case COL_DURATION:
      return span->started >= 0 && span->finished >= 0 ? span->finished - span->started : -1;
    case COL_BYTES:
      return (gint64) span->bytes;
    case COL_LABEL:
    case COL_ERROR:
    case N_COLS:
    default:
      return 0;
    }
}

static int
compare_cb (gconstpointer a,
            gconstpointer b,
            gpointer      data)
{
  FlFuturesList *self = g_object_get_data (G_OBJECT (data), "fl-list");
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (data), "fl-column"));
  const FlSpan *sa = fl_span_item_get_span ((FlSpanItem *) a);
  const FlSpan *sb = fl_span_item_get_span ((FlSpanItem *) b);

  if (col == COL_LABEL || col == COL_ERROR)
    {
      g_autofree char *ta = cell_text (self, col, sa);
      g_autofree char *tb = cell_text (self, col, sb);

      return g_utf8_collate (ta, tb);
    }
  else
    {
      gint64 ka = sort_key (self, col, sa), kb = sort_key (self, col, sb);

      return ka < kb ? -1 : ka > kb ? 1 : 0;
    }
}

static void
add_column (FlFuturesList *self,
            Column         col,
            const char    *title,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;
  GtkCustomSorter *sorter;
  GObject *sort_data = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (G_OBJECT (factory), "fl-column", GINT_TO_POINTER (col));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);

  g_object_set_data (sort_data, "fl-list", self);
  g_object_set_data (sort_data, "fl-column", GINT_TO_POINTER (col));
  sorter = gtk_custom_sorter_new (compare_cb, sort_data, g_object_unref);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
  g_object_unref (sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->view, column);
}

static gboolean
feed_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  FlFuturesList *self = FL_FUTURES_LIST (widget);
  gint64 start = g_get_monotonic_time ();
  gboolean more;

  /* Rows are created and bound in items-changed itself: a few at a time, until this
   * frame's budget is spent. */
  do
    more = fl_list_feed_grow (self->feed, FEED_ROWS_PER_STEP);
  while (more && g_get_monotonic_time () - start < FEED_BUDGET_US);
  if (more)
    return G_SOURCE_CONTINUE;
  self->feed_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
feed_changed_cb (GListModel    *sorted,
                 guint          position,
                 guint          removed,
                 guint          added,
                 FlFuturesList *self)
{
  if (self->feed_tick == 0 && !fl_list_feed_is_complete (self->feed))
    self->feed_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), feed_tick_cb, NULL, NULL);
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      FlFuturesList      *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
fl_futures_list_dispose (GObject *object)
{
  FlFuturesList *self = FL_FUTURES_LIST (object);

  if (self->view != NULL)
    gtk_column_view_set_model (self->view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_FUTURES_LIST);
  if (self->feed_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->feed_tick);
  self->feed_tick = 0;
  clear_spans (self);
  if (self->sorted != NULL)
    g_signal_handlers_disconnect_by_data (self->sorted, self);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_object (&self->feed);
  g_clear_object (&self->sorted);

  G_OBJECT_CLASS (fl_futures_list_parent_class)->dispose (object);
}

static void
fl_futures_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_uint64 (value, fl_futures_list_get_selected (FL_FUTURES_LIST (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_futures_list_class_init (FlFuturesListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_futures_list_dispose;
  object_class->get_property = fl_futures_list_get_property;

  properties[PROP_SELECTED] =
    g_param_spec_uint64 ("selected", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-futures-list.ui");
  gtk_widget_class_bind_template_child (widget_class, FlFuturesList, scroller);
  gtk_widget_class_bind_template_child (widget_class, FlFuturesList, view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fl_futures_list_init (FlFuturesList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cursor = -1;
  self->bound = g_hash_table_new (NULL, NULL);

  add_column (self, COL_ID, _("ID"), FALSE);
  add_column (self, COL_LABEL, _("Label"), TRUE);
  add_column (self, COL_STATE, _("State"), FALSE);
  add_column (self, COL_LANE, _("Lane"), FALSE);
  add_column (self, COL_QUEUED, _("Queued"), FALSE);
  add_column (self, COL_STARTED, _("Started"), FALSE);
  add_column (self, COL_DURATION, _("Duration"), FALSE);
  add_column (self, COL_BYTES, _("Bytes"), FALSE);
  add_column (self, COL_ERROR, _("Error"), TRUE);

  self->sorted = gtk_sort_list_model_new (NULL,
                                          g_object_ref (gtk_column_view_get_sorter (self->view)));
  self->feed = fl_list_feed_new (G_LIST_MODEL (self->sorted));
  /* after the feed's own handler, so it sees what the feed shows */
  g_signal_connect_after (self->sorted, "items-changed", G_CALLBACK (feed_changed_cb), self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->feed)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item",
                    G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
}

GtkWidget *
fl_futures_list_new (void)
{
  return g_object_new (FL_TYPE_FUTURES_LIST, NULL);
}

static gboolean
update_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  FlFuturesList *self = FL_FUTURES_LIST (widget);

  /* The fold is shared: whichever view ticks first folds, every listener hears it. */
  fl_spans_update (self->spans);
  if (!fl_spans_is_idle (self->spans))
    return G_SOURCE_CONTINUE;
  self->update_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_update_tick (FlFuturesList *self)
{
  if (self->update_tick == 0 && self->spans != NULL && !fl_spans_is_idle (self->spans))
    self->update_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), update_tick_cb,
                                                      NULL, NULL);
}

static void
spans_changed_cb (FlSpans       *spans,
                  guint          first_new,
                  const guint   *touched,
                  guint          n_touched,
                  FlFuturesList *self)
{
  ensure_update_tick (self);
}

static void
clear_spans (FlFuturesList *self)
{
  if (self->update_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->update_tick);
  self->update_tick = 0;
  g_clear_signal_handler (&self->spans_changed_id, self->spans);
  g_clear_object (&self->model);
  g_clear_object (&self->spans);
}

/**
 * fl_futures_list_set_spans:
 * @spans: (nullable): the spans to show, one row per future
 *
 * Shows @spans and follows their updates (folding the trace on each frame while anything
 * is unfinished, which every other view of the same spans then also sees).
 */
void
fl_futures_list_set_spans (FlFuturesList *self,
                           FlSpans       *spans)
{
  g_return_if_fail (FL_IS_FUTURES_LIST (self));
  g_return_if_fail (spans == NULL || FL_IS_SPANS (spans));

  if (spans == self->spans)
    return;
  clear_spans (self);
  fl_list_feed_restart (self->feed);
  if (spans != NULL)
    {
      self->spans = g_object_ref (spans);
      fl_spans_update (spans);
      self->model = fl_span_model_new (spans, TRUE);
      self->spans_changed_id = g_signal_connect (spans, "changed",
                                                 G_CALLBACK (spans_changed_cb), self);
      ensure_update_tick (self);
    }
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (self->model));
}

/**
 * fl_futures_list_get_spans:
 *
 * Returns: (transfer none) (nullable): the spans shown
 */
FlSpans *
fl_futures_list_get_spans (FlFuturesList *self)
{
  g_return_val_if_fail (FL_IS_FUTURES_LIST (self), NULL);
  return self->spans;
}

/**
 * fl_futures_list_set_cursor:
 * @t: µs from the run's origin to show the states at, or -1 for "now"
 *
 * Each row then shows its future as it was at @t (the time cursor).
 */
void
fl_futures_list_set_cursor (FlFuturesList *self,
                            gint64         t)
{
  g_return_if_fail (FL_IS_FUTURES_LIST (self));

  if (self->cursor == t)
    return;
  self->cursor = t;
  /* Only bound cells show text: they re-read their span at the new instant. */
  {
    GHashTableIter iter;
    gpointer item;

    g_hash_table_iter_init (&iter, self->bound);
    while (g_hash_table_iter_next (&iter, &item, NULL))
      update_cell (item);
  }
}

gint64
fl_futures_list_get_cursor (FlFuturesList *self)
{
  g_return_val_if_fail (FL_IS_FUTURES_LIST (self), -1);
  return self->cursor;
}

GListModel *
fl_futures_list_get_model (FlFuturesList *self)
{
  g_return_val_if_fail (FL_IS_FUTURES_LIST (self), NULL);

  /* Every row in the order shown; the view itself may still be feeding its rows in. */
  return G_LIST_MODEL (self->sorted);
}

void
fl_futures_list_select (FlFuturesList *self,
                        guint64        future_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlSpanItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), i);

      if (fl_span_item_get_span (item)->id == future_id)
        {
          if (i >= g_list_model_get_n_items (G_LIST_MODEL (self->feed)))
            fl_list_feed_flush (self->feed);
          gtk_single_selection_set_selected (self->selection, i);
          /* The column view keeps its list view as a child; scrolling is its action. */
          for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view));
               child != NULL; child = gtk_widget_get_next_sibling (child))
            if (GTK_IS_LIST_VIEW (child))
              gtk_widget_activate_action (child, "list.scroll-to-item", "u", i);
          return;
        }
    }
}

guint64
fl_futures_list_get_selected (FlFuturesList *self)
{
  FlSpanItem *item = gtk_single_selection_get_selected_item (self->selection);

  return item != NULL ? fl_span_item_get_span (item)->id : 0;
}

/**
 * fl_futures_list_describe_row:
 * @position: a row of fl_futures_list_get_model()
 *
 * The row as its cells show it, tab-separated (for tests and accessibility).
 *
 * Returns: (transfer full) (nullable): the text
 */
char *
fl_futures_list_describe_row (FlFuturesList *self,
                              guint          position)
{
  g_autoptr(FlSpanItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  GString *out;

  if (item == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (Column col = 0; col < N_COLS; col++)
    {
      g_autofree char *text = cell_text (self, col, fl_span_item_get_span (item));

      if (col > 0)
        g_string_append_c (out, '\t');
      g_string_append (out, text);
    }
  return g_string_free (out, FALSE);
}

/**
 * fl_futures_list_get_n_bound:
 *
 * Returns: how many cells listen to their future right now (bound rows only)
 */
guint
fl_futures_list_get_n_bound (FlFuturesList *self)
{
  return self->n_bound;
}

GtkAdjustment *
fl_futures_list_get_vadjustment (FlFuturesList *self)
{
  g_return_val_if_fail (FL_IS_FUTURES_LIST (self), NULL);

  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
}
