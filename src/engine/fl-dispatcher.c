/* fl-dispatcher.c: batched delivery of future transitions to a main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One dispatcher per GMainContext. Worker threads append futures (and posted closures) to
 * its queue under its mutex; only the append that finds the queue empty wakes the context
 * (g_source_set_ready_time (source, 0)). The source then takes the whole queue in one go
 * and delivers it: notify::state and the done callbacks, on the context's thread. However
 * many futures complete while the context is busy, they cost one dispatch.
 *
 * A dispatch delivers for at most DISPATCH_BUDGET_US (a quarter of a frame) and then
 * yields, leaving the rest for the next iteration, so input and frames are never starved
 * by a flood of results.
 *
 * Floods are also coalesced in time: when a dispatch found more than one future waiting
 * (completions arrive faster than the loop takes them), the next one waits until
 * FLOOD_INTERVAL_US after it, so 100 000 completions cost tens of dispatches, not
 * thousands of tiny ones. A lone completion (one job at a time) is delivered at once.
 *
 * Below redraws is not never: a window that redraws without pause (an animation whose
 * frames take longer than the frame interval on a slow or busy machine) keeps sources of
 * a higher priority ready at every iteration, and an idle-priority source would then wait
 * for ever, results and posted closures with it. A second source at the default priority,
 * due STARVED_US after the delivery was, delivers one budget's worth in its place.
 */
#include "config.h"

#include "fl-lock.h"

#include <string.h>

#include "fl-dispatcher.h"
#include "fl-future-private.h"

#define DISPATCH_BUDGET_US 4000
#define BUDGET_CHECK_EVERY 16
#define FLOOD_INTERVAL_US  4000
#define STARVED_US         50000

typedef struct
{
  GFunc    func;
  gpointer data;
  gpointer data2;
} Closure;

struct _FlDispatcher
{
  int           ref_count;      /* atomic */
  GMainContext *context;
  GSource      *source;
  GSource      *rescue;         /* the same delivery at G_PRIORITY_DEFAULT, when starved */

  FlMutex        mutex;
  GPtrArray    *queue;          /* FlFuture*, owned */
  GArray       *closures;       /* Closure */
  gboolean      armed;          /* ready time set */
  gint64        throttle_until; /* in a flood: no dispatch before this */

  /* Home thread only */
  GPtrArray    *batch;
  guint         batch_pos;
  GArray       *closure_batch;

  FlDispatchStats stats;        /* under @mutex */
};

void _fl_future_run_posted_callback (gpointer future, gpointer data);

static FlMutex registry_lock = FL_MUTEX_INIT;
static GHashTable *registry;    /* GMainContext* -> FlDispatcher* (weak) */

/* Lock held: the delivery is due at @due (0: now). */
static void
set_due_locked (FlDispatcher *self,
                gint64        due)
{
  self->armed = TRUE;
  g_source_set_ready_time (self->source, due);
  g_source_set_ready_time (self->rescue, MAX (due, g_get_monotonic_time ()) + STARVED_US);
}

static void
arm_locked (FlDispatcher *self)
{
  if (!self->armed)
    set_due_locked (self, self->throttle_until);
}

static gboolean
fl_dispatcher_source_dispatch (GSource     *source,
                               GSourceFunc  callback,
                               gpointer     user_data)
{
  FlDispatcher *self = user_data;
  gint64 deadline = g_get_monotonic_time () + DISPATCH_BUDGET_US;
  guint delivered = 0;

  _fl_dispatcher_ref (self);

  if (self->batch_pos >= self->batch->len && self->closure_batch->len == 0)
    {
      GPtrArray *tmp_queue;
      GArray *tmp_closures;

      fl_mutex_lock (&self->mutex);
      tmp_queue = self->queue;
      self->queue = self->batch;
      self->batch = tmp_queue;
      tmp_closures = self->closures;
      self->closures = self->closure_batch;
      self->closure_batch = tmp_closures;
      self->armed = FALSE;
      g_source_set_ready_time (self->source, -1);
      g_source_set_ready_time (self->rescue, -1);
      self->stats.dispatches++;
      if (source == self->rescue)
        self->stats.starved++;
      self->stats.closures += self->closure_batch->len;
      self->stats.max_batch = MAX (self->stats.max_batch, self->batch->len);
      fl_mutex_unlock (&self->mutex);
      self->batch_pos = 0;
    }
  else
    {
      fl_mutex_lock (&self->mutex);
      self->stats.dispatches++;
      if (source == self->rescue)
        self->stats.starved++;
      fl_mutex_unlock (&self->mutex);
    }

  while (self->batch_pos < self->batch->len)
    {
      FlFuture *future = g_ptr_array_index (self->batch, self->batch_pos);

      g_ptr_array_index (self->batch, self->batch_pos) = NULL;
      self->batch_pos++;
      _fl_future_deliver (future);
      g_object_unref (future);
      delivered++;

      if (delivered % BUDGET_CHECK_EVERY == 0 && g_get_monotonic_time () > deadline)
        break;
    }

  if (self->batch_pos >= self->batch->len)
    {
      g_ptr_array_set_size (self->batch, 0);
      self->batch_pos = 0;

      /* Closures after futures: a waiter posted by a completion sees the future's
       * notifications already delivered. */
      for (guint i = 0; i < self->closure_batch->len; i++)
        {
          Closure *closure = &g_array_index (self->closure_batch, Closure, i);

          if (closure->func != NULL)
            closure->func (closure->data, closure->data2);
          else
            _fl_future_run_posted_callback (closure->data, closure->data2);
        }
      g_array_set_size (self->closure_batch, 0);
    }

  fl_mutex_lock (&self->mutex);
  self->stats.deliveries += delivered;
  self->throttle_until = delivered > 1 ? g_get_monotonic_time () + FLOOD_INTERVAL_US : 0;
  if (self->batch_pos < self->batch->len)
    {
      /* Out of budget: the rest goes on the next iteration, after input and frames. */
      set_due_locked (self, 0);
    }
  else if (self->queue->len > 0 || self->closures->len > 0)
    {
      /* More arrived while we delivered: come back, after the flood interval if any. */
      self->armed = FALSE;
      arm_locked (self);
    }
  fl_mutex_unlock (&self->mutex);

  _fl_dispatcher_unref (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs dispatcher_source_funcs = {
  .dispatch = fl_dispatcher_source_dispatch,
};

static FlDispatcher *
fl_dispatcher_new (GMainContext *context)
{
  FlDispatcher *self = g_new0 (FlDispatcher, 1);

  self->ref_count = 1;
  self->context = g_main_context_ref (context);
  fl_mutex_init (&self->mutex);
  self->queue = g_ptr_array_new ();
  self->batch = g_ptr_array_new ();
  self->closures = g_array_new (FALSE, FALSE, sizeof (Closure));
  self->closure_batch = g_array_new (FALSE, FALSE, sizeof (Closure));

  self->source = g_source_new (&dispatcher_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->source, "[futures-lab] dispatcher");
  /* Below input and redraws: a flood of results waits for the frame, not the reverse. */
  g_source_set_priority (self->source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (self->source, NULL, self, NULL);
  g_source_set_ready_time (self->source, -1);

  self->rescue = g_source_new (&dispatcher_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->rescue, "[futures-lab] dispatcher, starved");
  g_source_set_priority (self->rescue, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->rescue, NULL, self, NULL);
  g_source_set_ready_time (self->rescue, -1);

  g_source_attach (self->source, context);
  g_source_attach (self->rescue, context);

  return self;
}

static void
fl_dispatcher_free (FlDispatcher *self)
{
  /* Every queued future holds a reference on us, so both queues are empty here. */
  g_source_destroy (self->source);
  g_source_unref (self->source);
  g_source_destroy (self->rescue);
  g_source_unref (self->rescue);
  g_ptr_array_unref (self->queue);
  g_ptr_array_unref (self->batch);
  g_array_unref (self->closures);
  g_array_unref (self->closure_batch);
  fl_mutex_clear (&self->mutex);
  g_main_context_unref (self->context);
  g_free (self);
}

/**
 * _fl_dispatcher_get:
 *
 * Returns: (transfer full): the dispatcher of @context, created on first use
 */
FlDispatcher *
_fl_dispatcher_get (GMainContext *context)
{
  static GPrivate cache = G_PRIVATE_INIT ((GDestroyNotify) _fl_dispatcher_unref);
  FlDispatcher *self;

  /* Futures are created at a high rate from the same thread for the same context: a
   * per-thread cache keeps the global lock off that path. The cache holds a reference. */
  self = g_private_get (&cache);
  if (self != NULL && self->context == context)
    return _fl_dispatcher_ref (self);

  fl_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (NULL, NULL);
  self = g_hash_table_lookup (registry, context);
  if (self != NULL)
    g_atomic_int_inc (&self->ref_count);
  else
    {
      self = fl_dispatcher_new (context);
      g_hash_table_insert (registry, context, self);
    }
  fl_mutex_unlock (&registry_lock);

  g_private_replace (&cache, _fl_dispatcher_ref (self));
  return self;
}

FlDispatcher *
_fl_dispatcher_ref (FlDispatcher *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
_fl_dispatcher_unref (FlDispatcher *self)
{
  int old;

  /* Fast path while others hold references; the last one goes through the registry lock
   * so that a lookup cannot resurrect a dispatcher being freed. */
  do
    {
      old = g_atomic_int_get (&self->ref_count);
      if (old <= 1)
        break;
    }
  while (!g_atomic_int_compare_and_exchange (&self->ref_count, old, old - 1));

  if (old > 1)
    return;

  fl_mutex_lock (&registry_lock);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      g_hash_table_remove (registry, self->context);
      fl_mutex_unlock (&registry_lock);
      fl_dispatcher_free (self);
      return;
    }
  fl_mutex_unlock (&registry_lock);
}

GMainContext *
_fl_dispatcher_get_context (FlDispatcher *self)
{
  return self->context;
}

void
_fl_dispatcher_queue_future (FlDispatcher *self,
                             FlFuture     *future)
{
  g_object_ref (future);
  fl_mutex_lock (&self->mutex);
  g_ptr_array_add (self->queue, future);
  arm_locked (self);
  fl_mutex_unlock (&self->mutex);
}

/**
 * _fl_dispatcher_post:
 * @func: (nullable): called as func (data, data2) on the context; %NULL means "run the
 *   posted done callback @data2 of future @data"
 *
 * Runs a closure on the dispatcher's context, in the same batch as futures.
 */
void
_fl_dispatcher_post (FlDispatcher *self,
                     GFunc         func,
                     gpointer      data,
                     gpointer      data2)
{
  Closure closure = { func, data, data2 };

  fl_mutex_lock (&self->mutex);
  g_array_append_val (self->closures, closure);
  arm_locked (self);
  fl_mutex_unlock (&self->mutex);
}

static FlDispatcher *
lookup (GMainContext *context)
{
  FlDispatcher *self;

  if (context == NULL)
    context = g_main_context_default ();

  fl_mutex_lock (&registry_lock);
  self = registry != NULL ? g_hash_table_lookup (registry, context) : NULL;
  if (self != NULL)
    g_atomic_int_inc (&self->ref_count);
  fl_mutex_unlock (&registry_lock);

  return self;
}

/**
 * fl_dispatcher_get_stats:
 * @context: (nullable): a context, %NULL for the global default one
 *
 * Fills @stats with the counters of @context's dispatcher (zeros if it has none).
 */
void
fl_dispatcher_get_stats (GMainContext    *context,
                         FlDispatchStats *stats)
{
  FlDispatcher *self = lookup (context);

  memset (stats, 0, sizeof *stats);
  if (self == NULL)
    return;

  fl_mutex_lock (&self->mutex);
  *stats = self->stats;
  fl_mutex_unlock (&self->mutex);
  _fl_dispatcher_unref (self);
}

void
fl_dispatcher_reset_stats (GMainContext *context)
{
  FlDispatcher *self = lookup (context);

  if (self == NULL)
    return;

  fl_mutex_lock (&self->mutex);
  memset (&self->stats, 0, sizeof self->stats);
  fl_mutex_unlock (&self->mutex);
  _fl_dispatcher_unref (self);
}
