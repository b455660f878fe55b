/* fl-futures-list.h: the live list of a run's futures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_FUTURES_LIST (fl_futures_list_get_type ())
G_DECLARE_FINAL_TYPE (FlFuturesList, fl_futures_list, FL, FUTURES_LIST, GtkWidget)

GtkWidget *fl_futures_list_new          (void);
void       fl_futures_list_set_spans    (FlFuturesList *self,
                                         FlSpans       *spans);
FlSpans   *fl_futures_list_get_spans    (FlFuturesList *self);
GListModel*fl_futures_list_get_model    (FlFuturesList *self);
void       fl_futures_list_set_cursor   (FlFuturesList *self,
                                         gint64         t);
gint64     fl_futures_list_get_cursor   (FlFuturesList *self);
char      *fl_futures_list_describe_row (FlFuturesList *self,
                                         guint          position);
void       fl_futures_list_select       (FlFuturesList *self,
                                         guint64        future_id);
guint64    fl_futures_list_get_selected (FlFuturesList *self);
guint      fl_futures_list_get_n_bound  (FlFuturesList *self);

GtkAdjustment *fl_futures_list_get_vadjustment (FlFuturesList *self);

char      *fl_format_state_text         (FlFutureState  state);


G_END_DECLS
