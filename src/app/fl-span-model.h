/* fl-span-model.h: a run's spans as a GListModel, for list views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_SPAN_ITEM (fl_span_item_get_type ())
G_DECLARE_FINAL_TYPE (FlSpanItem, fl_span_item, FL, SPAN_ITEM, GObject)

const FlSpan *fl_span_item_get_span  (FlSpanItem *self);
guint         fl_span_item_get_index (FlSpanItem *self);

#define FL_TYPE_SPAN_MODEL (fl_span_model_get_type ())
G_DECLARE_FINAL_TYPE (FlSpanModel, fl_span_model, FL, SPAN_MODEL, GObject)

FlSpanModel  *fl_span_model_new       (FlSpans     *spans,
                                       gboolean     futures_only);
FlSpans      *fl_span_model_get_spans (FlSpanModel *self);

G_END_DECLS
