/* fl-span-model.c: a run's spans as a GListModel, for list views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The futures list shows spans, not live futures, so a live run, a replayed file and a
 * traced Python program fill the same list. Items are small handles (spans + index)
 * created when first asked for and kept; when the spans fold new events, the model
 * appends the new ones in one items-changed and tells the touched items that exist
 * (::changed), which only bound rows listen to.
 */
#include "config.h"

#include "fl-span-model.h"

struct _FlSpanItem
{
  GObject  parent_instance;

  FlSpans *spans;       /* unowned: the model that made the item holds it */
  guint    index;
};

enum {
  ITEM_CHANGED,
  N_ITEM_SIGNALS
};

static guint item_signals[N_ITEM_SIGNALS];

G_DEFINE_FINAL_TYPE (FlSpanItem, fl_span_item, G_TYPE_OBJECT)

static void
fl_span_item_class_init (FlSpanItemClass *klass)
{
  /**
   * FlSpanItem::changed:
   *
   * The span changed (it started, ended, or got its outcome).
   */
  item_signals[ITEM_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
}

static void
fl_span_item_init (FlSpanItem *self)
{
}

const FlSpan *
fl_span_item_get_span (FlSpanItem *self)
{
  g_return_val_if_fail (FL_IS_SPAN_ITEM (self), NULL);
  return fl_spans_get (self->spans, self->index);
}

guint
fl_span_item_get_index (FlSpanItem *self)
{
  g_return_val_if_fail (FL_IS_SPAN_ITEM (self), 0);
  return self->index;
}

struct _FlSpanModel
{
  GObject    parent_instance;

  FlSpans   *spans;
  gboolean   futures_only;
  GArray    *rows;        /* guint span index per position */
  GPtrArray *items;       /* FlSpanItem or NULL, per position */
  GHashTable *position;   /* span index + 1 -> position + 1, only with futures_only */
  gulong     changed_id;
};

static GType
fl_span_model_get_item_type (GListModel *model)
{
  return FL_TYPE_SPAN_ITEM;
}

static guint
fl_span_model_get_n_items (GListModel *model)
{
  return FL_SPAN_MODEL (model)->rows->len;
}

static gpointer
fl_span_model_get_item (GListModel *model,
                        guint       position)
{
  FlSpanModel *self = FL_SPAN_MODEL (model);
  FlSpanItem *item;

  if (position >= self->rows->len)
    return NULL;
  if (position >= self->items->len)
    g_ptr_array_set_size (self->items, self->rows->len);
  item = g_ptr_array_index (self->items, position);
  if (item == NULL)
    {
      item = g_object_new (FL_TYPE_SPAN_ITEM, NULL);
      item->spans = self->spans;
      item->index = g_array_index (self->rows, guint, position);
      g_ptr_array_index (self->items, position) = item;
    }
  return g_object_ref (item);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fl_span_model_get_item_type;
  iface->get_n_items = fl_span_model_get_n_items;
  iface->get_item = fl_span_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FlSpanModel, fl_span_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static gboolean
wanted (FlSpanModel *self,
        guint        index)
{
  return !self->futures_only || fl_spans_get (self->spans, index)->kind == FL_SPAN_FUTURE;
}

static guint
position_of (FlSpanModel *self,
             guint        index)
{
  if (!self->futures_only)
    return index;
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->position, GUINT_TO_POINTER (index + 1))) - 1;
}

static void
append_new (FlSpanModel *self,
            guint        first_new)
{
  guint before = self->rows->len;
  guint n = fl_spans_get_n_spans (self->spans);

  for (guint i = first_new; i < n; i++)
    if (wanted (self, i))
      {
        g_array_append_val (self->rows, i);
        if (self->futures_only)
          g_hash_table_insert (self->position, GUINT_TO_POINTER (i + 1),
                               GUINT_TO_POINTER (self->rows->len));
      }
  if (self->rows->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->rows->len - before);
}

static void
spans_changed_cb (FlSpans     *spans,
                  guint        first_new,
                  const guint *touched,
                  guint        n_touched,
                  FlSpanModel *self)
{
  for (guint i = 0; i < n_touched; i++)
    {
      guint pos;
      FlSpanItem *item;

      if (touched[i] >= first_new)
        continue;
      pos = position_of (self, touched[i]);
      if (pos >= self->items->len || (item = g_ptr_array_index (self->items, pos)) == NULL)
        continue;
      g_signal_emit (item, item_signals[ITEM_CHANGED], 0);
    }
  append_new (self, first_new);
}

static void
fl_span_model_dispose (GObject *object)
{
  FlSpanModel *self = FL_SPAN_MODEL (object);

  g_clear_signal_handler (&self->changed_id, self->spans);
  G_OBJECT_CLASS (fl_span_model_parent_class)->dispose (object);
}

static void
fl_span_model_finalize (GObject *object)
{
  FlSpanModel *self = FL_SPAN_MODEL (object);

  g_ptr_array_unref (self->items);
  g_array_unref (self->rows);
  g_clear_pointer (&self->position, g_hash_table_unref);
  g_clear_object (&self->spans);
  G_OBJECT_CLASS (fl_span_model_parent_class)->finalize (object);
}

static void
fl_span_model_class_init (FlSpanModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fl_span_model_dispose;
  G_OBJECT_CLASS (klass)->finalize = fl_span_model_finalize;
}

static void
fl_span_model_init (FlSpanModel *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
clear_item (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

/**
 * fl_span_model_new:
 * @spans: the spans to show; the model follows their updates
 * @futures_only: leave the marks out
 *
 * Returns: (transfer full): the model
 */
FlSpanModel *
fl_span_model_new (FlSpans  *spans,
                   gboolean  futures_only)
{
  FlSpanModel *self;

  g_return_val_if_fail (FL_IS_SPANS (spans), NULL);

  self = g_object_new (FL_TYPE_SPAN_MODEL, NULL);
  g_ptr_array_set_free_func (self->items, clear_item);
  self->spans = g_object_ref (spans);
  self->futures_only = futures_only;
  if (futures_only)
    self->position = g_hash_table_new (NULL, NULL);
  self->changed_id = g_signal_connect (spans, "changed", G_CALLBACK (spans_changed_cb), self);
  append_new (self, 0);
  return self;
}

FlSpans *
fl_span_model_get_spans (FlSpanModel *self)
{
  g_return_val_if_fail (FL_IS_SPAN_MODEL (self), NULL);
  return self->spans;
}
