/* fl-queue.c: a bounded blocking queue between threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ring buffer under one mutex with two condition variables, as queue.Queue has: put()
 * waits while the queue is full, get() while it is empty. The time each side spends
 * waiting is the lesson of the producer/consumer page (back-pressure on one side,
 * starvation on the other), so it is measured here, where it happens. Waits wake up for
 * cancellation through the cancellable's handler.
 */
#include "config.h"

#include "fl-lock.h"
#include "fl-queue.h"
#include "fl-types.h"

static const char pill_storage = 0;
const gpointer FL_QUEUE_PILL = (gpointer) &pill_storage;

struct _FlQueue
{
  GObject       parent_instance;

  FlMutex       mutex;
  FlCond        not_full;
  FlCond        not_empty;
  gpointer     *ring;
  guint         capacity;     /* 0: unbounded (the ring grows) */
  guint         size;         /* allocated slots */
  guint         head;
  guint         length;
  FlQueueStats  stats;
};

G_DEFINE_FINAL_TYPE (FlQueue, fl_queue, G_TYPE_OBJECT)

static void
fl_queue_finalize (GObject *object)
{
  FlQueue *self = FL_QUEUE (object);

  g_free (self->ring);
  fl_mutex_clear (&self->mutex);
  fl_cond_clear (&self->not_full);
  fl_cond_clear (&self->not_empty);

  G_OBJECT_CLASS (fl_queue_parent_class)->finalize (object);
}

static void
fl_queue_class_init (FlQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_queue_finalize;
}

static void
fl_queue_init (FlQueue *self)
{
  fl_mutex_init (&self->mutex);
  fl_cond_init (&self->not_full);
  fl_cond_init (&self->not_empty);
}

/**
 * fl_queue_new:
 * @capacity: most items waiting at once; 0 for no limit
 *
 * Returns: (transfer full): an empty queue
 */
FlQueue *
fl_queue_new (guint capacity)
{
  FlQueue *self = g_object_new (FL_TYPE_QUEUE, NULL);

  self->capacity = capacity;
  self->size = capacity > 0 ? capacity : 64;
  self->ring = g_new0 (gpointer, self->size);
  return self;
}

guint
fl_queue_get_capacity (FlQueue *self)
{
  g_return_val_if_fail (FL_IS_QUEUE (self), 0);
  return self->capacity;
}

guint
fl_queue_get_length (FlQueue *self)
{
  guint length;

  g_return_val_if_fail (FL_IS_QUEUE (self), 0);

  fl_mutex_lock (&self->mutex);
  length = self->length;
  fl_mutex_unlock (&self->mutex);
  return length;
}

static void
wake_all (GCancellable *cancellable,
          gpointer      data)
{
  FlQueue *self = data;

  fl_mutex_lock (&self->mutex);
  fl_cond_broadcast (&self->not_full);
  fl_cond_broadcast (&self->not_empty);
  fl_mutex_unlock (&self->mutex);
}

static void
grow_locked (FlQueue *self)
{
  gpointer *ring = g_new0 (gpointer, self->size * 2);

  for (guint i = 0; i < self->length; i++)
    ring[i] = self->ring[(self->head + i) % self->size];
  g_free (self->ring);
  self->ring = ring;
  self->head = 0;
  self->size *= 2;
}

/* Waits on @cond while @blocked holds; returns FALSE (with @error) on timeout or cancel.
 * Called with the lock held; adds the waiting time to @blocked_us. */
static gboolean
wait_locked (FlQueue       *self,
             FlCond        *cond,
             gboolean     (*blocked) (FlQueue *),
             gint64         timeout_us,
             GCancellable  *cancellable,
             gint64        *blocked_us,
             GError       **error)
{
  gint64 start, deadline;
  gboolean ok = TRUE;

  if (!blocked (self))
    return TRUE;

  start = g_get_monotonic_time ();
  deadline = timeout_us < 0 ? G_MAXINT64 : start + timeout_us;
  while (blocked (self))
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
          ok = FALSE;
          break;
        }
      if (deadline == G_MAXINT64)
        fl_cond_wait (cond, &self->mutex);
      else if (!fl_cond_wait_until (cond, &self->mutex, deadline) && blocked (self))
        {
          g_set_error_literal (error, FL_ERROR, FL_ERROR_TIMEOUT, "The queue wait timed out");
          ok = FALSE;
          break;
        }
    }
  *blocked_us += g_get_monotonic_time () - start;
  return ok;
}

static gboolean
is_full (FlQueue *self)
{
  return self->capacity > 0 && self->length >= self->capacity;
}

static gboolean
is_empty (FlQueue *self)
{
  return self->length == 0;
}

/**
 * fl_queue_put:
 * @item: any non-%NULL pointer, or %FL_QUEUE_PILL
 * @timeout_us: how long to wait for room, or %FL_TIMEOUT_INFINITE
 *
 * Appends @item, waiting while the queue is full.
 *
 * Returns: %FALSE with @error set on timeout (%FL_ERROR_TIMEOUT) or cancellation
 */
gboolean
fl_queue_put (FlQueue       *self,
              gpointer       item,
              gint64         timeout_us,
              GCancellable  *cancellable,
              GError       **error)
{
  gulong handler = 0;
  gboolean ok;

  g_return_val_if_fail (FL_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_all), self, NULL);

  fl_mutex_lock (&self->mutex);
  ok = wait_locked (self, &self->not_full, is_full, timeout_us, cancellable,
                    &self->stats.put_blocked_us, error);
  if (ok)
    {
      if (self->length == self->size)
        grow_locked (self);
      self->ring[(self->head + self->length) % self->size] = item;
      self->length++;
      self->stats.puts++;
      self->stats.max_length = MAX (self->stats.max_length, self->length);
      fl_cond_signal (&self->not_empty);
    }
  fl_mutex_unlock (&self->mutex);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  return ok;
}

/**
 * fl_queue_get:
 * @timeout_us: how long to wait for an item, or %FL_TIMEOUT_INFINITE
 *
 * Takes the oldest item, waiting while the queue is empty.
 *
 * Returns: the item (possibly %FL_QUEUE_PILL), or %NULL with @error set on timeout or
 *   cancellation
 */
gpointer
fl_queue_get (FlQueue       *self,
              gint64         timeout_us,
              GCancellable  *cancellable,
              GError       **error)
{
  gpointer item = NULL;
  gulong handler = 0;

  g_return_val_if_fail (FL_IS_QUEUE (self), NULL);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_all), self, NULL);

  fl_mutex_lock (&self->mutex);
  if (wait_locked (self, &self->not_empty, is_empty, timeout_us, cancellable,
                   &self->stats.get_blocked_us, error))
    {
      item = self->ring[self->head];
      self->ring[self->head] = NULL;
      self->head = (self->head + 1) % self->size;
      self->length--;
      self->stats.gets++;
      fl_cond_signal (&self->not_full);
    }
  fl_mutex_unlock (&self->mutex);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  return item;
}

void
fl_queue_get_stats (FlQueue      *self,
                    FlQueueStats *stats)
{
  g_return_if_fail (FL_IS_QUEUE (self));

  fl_mutex_lock (&self->mutex);
  *stats = self->stats;
  fl_mutex_unlock (&self->mutex);
}
