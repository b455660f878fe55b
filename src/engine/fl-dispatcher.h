/* fl-dispatcher.h: statistics of the batched delivery to a main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 dispatches;   /* times the dispatcher's GSource ran */
  guint64 deliveries;   /* futures delivered (notify + callbacks) */
  guint64 closures;     /* other callbacks posted to the context */
  guint   max_batch;    /* most futures delivered in one dispatch */
  guint64 starved;      /* dispatches made at the default priority: the idle one starved */
} FlDispatchStats;

void fl_dispatcher_get_stats   (GMainContext    *context,
                                FlDispatchStats *stats);
void fl_dispatcher_reset_stats (GMainContext    *context);

G_END_DECLS
