/* fl-queue.h: a bounded blocking queue between threads (Python's queue.Queue)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FL_TYPE_QUEUE (fl_queue_get_type ())
G_DECLARE_FINAL_TYPE (FlQueue, fl_queue, FL, QUEUE, GObject)

/**
 * FL_QUEUE_PILL:
 *
 * The poison pill: put one per consumer after the producers are done; a consumer that
 * gets it stops. Never a valid item.
 */
extern const gpointer FL_QUEUE_PILL;

/**
 * FlQueueStats:
 * @puts: items (and pills) put
 * @gets: items (and pills) taken
 * @put_blocked_us: total time producers spent waiting for room (back-pressure)
 * @get_blocked_us: total time consumers spent waiting for an item (starvation)
 * @max_length: the most items ever waiting at once
 */
typedef struct
{
  guint64 puts;
  guint64 gets;
  gint64  put_blocked_us;
  gint64  get_blocked_us;
  guint   max_length;
} FlQueueStats;

FlQueue  *fl_queue_new          (guint          capacity);
guint     fl_queue_get_capacity (FlQueue       *self);
guint     fl_queue_get_length   (FlQueue       *self);
gboolean  fl_queue_put          (FlQueue       *self,
                                 gpointer       item,
                                 gint64         timeout_us,
                                 GCancellable  *cancellable,
                                 GError       **error);
gpointer  fl_queue_get          (FlQueue       *self,
                                 gint64         timeout_us,
                                 GCancellable  *cancellable,
                                 GError       **error);
void      fl_queue_get_stats    (FlQueue       *self,
                                 FlQueueStats  *stats);

G_END_DECLS
