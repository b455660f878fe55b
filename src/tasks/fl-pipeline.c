/* fl-pipeline.c: the producer/consumer lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Producers and consumers are futures on one thread pool (so they show on the timeline
 * like any job), joined by an FlQueue. Every item is a unique number; a bitmap records
 * each one consumed, so "nothing lost, nothing consumed twice" is checked, not assumed.
 * Shutdown is the classic one: when the last producer is done it puts one poison pill per
 * consumer, and each consumer stops at its pill, after every item queued before it.
 * stop() only stops the producers (cooperatively, through their cancellables) and lets
 * the consumers drain at full speed: stopping early still loses nothing.
 *
 * Pause and step (fl_pipeline_set_gate()): the workers are long jobs, so the gate's job
 * starts and ends would hold nothing; instead each producer waits at the gate before each
 * put and each consumer before each get (fl_gate_wait()). A step does the one put or get
 * itself, through the gate's try function, without blocking: so a step is exactly one
 * item moving (a producer whose queue is full, or a consumer whose queue is empty, is
 * passed over for the next one that can go). When the gate pauses, workers already past
 * it and blocked inside put() or get() are woken (their "op" cancellables) and go back to
 * the gate with the same item, so nothing moves while paused and nothing is lost. The
 * executor gets no gate: held job ends would keep stop() from ending a paused run.
 * Stop still ends everything while paused: producers wait with their job's cancellable,
 * and consumers wait with the pipeline's "stopping" one, so after stop() they drain
 * without the gate.
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */
#include <math.h>
#include <glib/gi18n.h>

#include "fl-lock.h"
#include "fl-pipeline.h"

#define SLEEP_SLICE_US (20 * 1000)

struct _FlPipeline
{
  GObject     parent_instance;

  guint       producers;
  guint       consumers;
  guint       capacity;
  guint64     items;

  FlQueue    *queue;
  FlExecutor *executor;
  GPtrArray  *futures;
  guint8     *seen;             /* one bit per item, set atomically */

  int         produce_interval_us;  /* atomic; 0: as fast as possible */
  int         consume_interval_us;  /* atomic */
  int         jitter_permille;      /* atomic */
  int         producers_left;       /* atomic */
  int        *producer_ran;         /* atomic, one per producer: its job started */
  guint64     produced;             /* atomic */
  guint64     consumed;             /* atomic */
  guint64     duplicates;           /* atomic */

  gint64      start;
  gint64      end;
  guint       n_done;               /* home context */

  FlGate       *gate;               /* set before start; or NULL */
  gulong        paused_handler;
  GCancellable *stopping;           /* cancelled by stop(): consumers drain past the gate */
  GPtrArray    *ops;                /* GCancellable*, one per worker, as futures: a pause
                                     * wakes a worker blocked inside put() or get() */
};

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlPipeline, fl_pipeline, G_TYPE_OBJECT)

typedef struct
{
  FlPipeline   *pipeline;
  guint         index;
  GCancellable *op;
} Worker;

static void
worker_free (gpointer data)
{
  Worker *worker = data;

  g_object_unref (worker->pipeline);
  g_clear_object (&worker->op);
  g_free (worker);
}

static void
fl_pipeline_finalize (GObject *object)
{
  FlPipeline *self = FL_PIPELINE (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->executor);
  g_clear_pointer (&self->futures, g_ptr_array_unref);
  if (self->gate != NULL)
    g_clear_signal_handler (&self->paused_handler, self->gate);
  g_clear_object (&self->gate);
  g_clear_object (&self->stopping);
  g_clear_pointer (&self->ops, g_ptr_array_unref);
  g_free (self->seen);
  g_free (self->producer_ran);

  G_OBJECT_CLASS (fl_pipeline_parent_class)->finalize (object);
}

static void
fl_pipeline_class_init (FlPipelineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_pipeline_finalize;

  /**
   * FlPipeline::finished:
   *
   * Every producer and consumer has ended; emitted on the context that started it.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fl_pipeline_init (FlPipeline *self)
{
  self->futures = g_ptr_array_new_with_free_func (g_object_unref);
  self->ops = g_ptr_array_new_with_free_func (g_object_unref);
  self->stopping = g_cancellable_new ();
}

/**
 * fl_pipeline_new:
 * @producers: producer threads (at least 1)
 * @consumers: consumer threads (at least 1)
 * @capacity: the queue's capacity (at least 1)
 * @items: how many items the producers make in all
 *
 * Returns: (transfer full): a pipeline, not started
 */
FlPipeline *
fl_pipeline_new (guint   producers,
                 guint   consumers,
                 guint   capacity,
                 guint64 items)
{
  FlPipeline *self;

  g_return_val_if_fail (producers > 0 && consumers > 0 && capacity > 0, NULL);

  self = g_object_new (FL_TYPE_PIPELINE, NULL);
  self->producers = producers;
  self->consumers = consumers;
  self->capacity = capacity;
  self->items = items;
  self->queue = fl_queue_new (capacity);
  self->executor = fl_thread_executor_new (producers + consumers);
  self->seen = g_new0 (guint8, items / 8 + 1);
  return self;
}

static int
interval_from_rate (double items_per_second)
{
  /* NaN too: nothing below may convert a non-finite number to an integer. */
  if (!(items_per_second > 0))
    return 0;
  return (int) CLAMP (G_USEC_PER_SEC / items_per_second, 1, 60 * G_USEC_PER_SEC);
}

/**
 * fl_pipeline_set_produce_rate:
 * @items_per_second: per producer; 0 or less for as fast as possible
 *
 * Takes effect at once, also while running.
 */
void
fl_pipeline_set_produce_rate (FlPipeline *self,
                              double      items_per_second)
{
  g_return_if_fail (FL_IS_PIPELINE (self));
  g_atomic_int_set (&self->produce_interval_us, interval_from_rate (items_per_second));
}

void
fl_pipeline_set_consume_rate (FlPipeline *self,
                              double      items_per_second)
{
  g_return_if_fail (FL_IS_PIPELINE (self));
  g_atomic_int_set (&self->consume_interval_us, interval_from_rate (items_per_second));
}

/**
 * fl_pipeline_set_jitter:
 * @jitter: 0 for steady rates; up to 1 for intervals drawn uniformly from
 *   [1 - jitter, 1 + jitter] times the mean
 */
void
fl_pipeline_set_jitter (FlPipeline *self,
                        double      jitter)
{
  g_return_if_fail (FL_IS_PIPELINE (self));
  g_atomic_int_set (&self->jitter_permille,
                    isnan (jitter) ? 0 : (int) (CLAMP (jitter, 0.0, 1.0) * 1000));
}

void
fl_pipeline_set_trace (FlPipeline *self,
                       FlTrace    *trace)
{
  g_return_if_fail (FL_IS_PIPELINE (self));
  fl_executor_set_trace (self->executor, trace);
}

/* On the thread that paused: wake every worker blocked inside put() or get(); each goes
 * back to the gate with its item. */
static void
gate_paused_cb (FlGate     *gate,
                GParamSpec *pspec,
                FlPipeline *self)
{
  if (!fl_gate_is_paused (gate))
    return;
  for (guint i = 0; i < self->ops->len; i++)
    g_cancellable_cancel (g_ptr_array_index (self->ops, i));
}

/**
 * fl_pipeline_set_gate:
 * @gate: (nullable): the gate Pause and Step act on
 *
 * Before fl_pipeline_start(): while @gate is paused no item moves; each step moves exactly
 * one (one put by a producer or one get by a consumer; #FlGate::passed says which). Stop
 * still ends a paused run.
 */
void
fl_pipeline_set_gate (FlPipeline *self,
                      FlGate     *gate)
{
  g_return_if_fail (FL_IS_PIPELINE (self));
  g_return_if_fail (gate == NULL || FL_IS_GATE (gate));
  g_return_if_fail (self->futures->len == 0);

  if (self->gate != NULL)
    g_clear_signal_handler (&self->paused_handler, self->gate);
  g_set_object (&self->gate, gate);
  if (gate != NULL)
    self->paused_handler = g_signal_connect (gate, "notify::paused",
                                             G_CALLBACK (gate_paused_cb), self);
}

FlGate *
fl_pipeline_get_gate (FlPipeline *self)
{
  g_return_val_if_fail (FL_IS_PIPELINE (self), NULL);
  return self->gate;
}

typedef struct
{
  FlPipeline *pipeline;
  gpointer    item;
  guint       index;
} Try;

/* Under the gate's lock, on a step: the put itself, never blocking. */
static gboolean
try_put (gpointer   data,
         char     **label)
{
  Try *try = data;

  return fl_queue_put (try->pipeline->queue, try->item, 0, NULL, NULL);
}

static gboolean
try_get (gpointer   data,
         char     **label)
{
  Try *try = data;

  try->item = fl_queue_get (try->pipeline->queue, 0, NULL, NULL);
  if (try->item == NULL)
    return FALSE;
  g_free (*label);
  if (try->item == FL_QUEUE_PILL)
    /* Translators: after a step on the Producer/consumer page: "Paused · %s" */
    *label = g_strdup_printf (_("get of a poison pill by consumer %u"), try->index + 1);
  else
    /* Translators: after a step on the Producer/consumer page: "Paused · %s" */
    *label = g_strdup_printf (_("get of item %" PRIu64 " by consumer %u"),
                              (guint64) GPOINTER_TO_SIZE (try->item), try->index + 1);
  return TRUE;
}

static void
cancel_op (GCancellable *cancellable,
           gpointer      data)
{
  g_cancellable_cancel (data);
}

typedef struct
{
  FlMutex  mutex;
  FlCond   cond;
  gboolean woken;
} Nap;

static void
nap_wake (GCancellable *cancellable,
          gpointer      data)
{
  Nap *nap = data;

  fl_mutex_lock (&nap->mutex);
  nap->woken = TRUE;
  fl_cond_signal (&nap->cond);
  fl_mutex_unlock (&nap->mutex);
}

/* Waits one interval (re-read every slice, so rate changes apply at once). */
static void
pace (FlPipeline   *self,
      int          *interval_us,
      GRand        *rand,
      GCancellable *cancellable)
{
  gint64 start = g_get_monotonic_time ();
  int jitter = g_atomic_int_get (&self->jitter_permille);
  double factor = jitter > 0 ? 1.0 + g_rand_double_range (rand, -jitter, jitter) / 1000.0 : 1.0;
  Nap nap = { 0 };
  gulong handler = 0;

  if (g_atomic_int_get (interval_us) == 0)
    {
      if (jitter > 0 && g_rand_int_range (rand, 0, 1000) < jitter)
        g_thread_yield ();     /* shake the interleavings a little */
      return;
    }

  fl_mutex_init (&nap.mutex);
  fl_cond_init (&nap.cond);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (nap_wake), &nap, NULL);

  fl_mutex_lock (&nap.mutex);
  for (;;)
    {
      gint64 end = start + (gint64) (g_atomic_int_get (interval_us) * factor);
      gint64 now = g_get_monotonic_time ();

      if (nap.woken || now >= end)
        break;
      fl_cond_wait_until (&nap.cond, &nap.mutex, MIN (end, now + SLEEP_SLICE_US));
    }
  fl_mutex_unlock (&nap.mutex);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  fl_mutex_clear (&nap.mutex);
  fl_cond_clear (&nap.cond);
}

/* The last producer out puts the pills. Never cancellable: the consumers must stop. */
static void
producer_out (FlPipeline *self)
{
  if (g_atomic_int_dec_and_test (&self->producers_left))
    for (guint c = 0; c < self->consumers; c++)
      fl_queue_put (self->queue, FL_QUEUE_PILL, FL_TIMEOUT_INFINITE, NULL, NULL);
}

/* A producer cancelled before its job started still leaves: on a thread of its own,
 * since the pills may have to wait for room in the queue. */
static gpointer
producer_out_thread (gpointer data)
{
  FlPipeline *self = data;

  producer_out (self);
  g_object_unref (self);
  return NULL;
}

static GVariant *
producer_func (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Worker *worker = data;
  FlPipeline *self = worker->pipeline;
  guint64 share = self->items / self->producers;
  guint64 first = share * worker->index + MIN (worker->index, self->items % self->producers);
  guint64 count = share + (worker->index < self->items % self->producers ? 1 : 0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (worker->index + 1);
  guint64 made = 0;
  gboolean paced = FALSE;
  gulong handler = 0;

  g_atomic_int_set (&self->producer_ran[worker->index], 1);
  /* Without a gate, the job's cancellable is the put()'s (no op to connect per item); with
   * one, the op, and a cancel of the job cancels the op too. */
  GCancellable *op = self->gate != NULL ? worker->op : cancellable;

  if (cancellable != NULL && self->gate != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_op), worker->op, NULL);
  for (guint64 i = 0; i < count; )
    {
      /* Items are numbered from 1: the queue refuses NULL. */
      Try try = { self, GSIZE_TO_POINTER (first + i + 1), worker->index };
      g_autofree char *label = NULL;
      gboolean tried = FALSE;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (!paced)
        pace (self, &self->produce_interval_us, rand, cancellable);
      paced = TRUE;
      if (self->gate != NULL)
        /* Translators: after a step on the Producer/consumer page: "Paused · %s" */
        label = g_strdup_printf (_("put of item %" PRIu64 " by producer %u"),
                                 first + i + 1, worker->index + 1);
      if (!fl_gate_wait (self->gate, FL_GATE_OPERATION, first + i + 1, label, try_put, &try,
                         &tried, cancellable))
        break;
      if (!tried && !fl_queue_put (self->queue, try.item, FL_TIMEOUT_INFINITE, op, NULL))
        {
          if (g_cancellable_is_cancelled (cancellable))
            break;
          /* A pause woke us: back to the gate with the same item. */
          g_cancellable_reset (worker->op);
          continue;
        }
      made++;
      i++;
      paced = FALSE;
      __atomic_fetch_add (&self->produced, 1, __ATOMIC_RELAXED);
    }
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  producer_out (self);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_variant_new_uint64 (made);
}

static GVariant *
consumer_func (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Worker *worker = data;
  FlPipeline *self = worker->pipeline;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1000 + worker->index);
  guint64 eaten = 0;

  /* Only a pause cancels get(): a consumer ends at its pill, after every item before it. */
  for (;;)
    {
      Try try = { self, NULL, worker->index };
      g_autofree char *label = NULL;
      gboolean tried = FALSE;
      gpointer item;
      guint64 id;
      guint8 bit, old;

      if (self->gate != NULL)
        /* Translators: after a step on the Producer/consumer page: "Paused · %s" */
        label = g_strdup_printf (_("get by consumer %u"), worker->index + 1);
      /* Once stopping, past the gate: the consumers drain. */
      fl_gate_wait (self->gate, FL_GATE_OPERATION, worker->index + 1, label, try_get, &try, &tried,
                    self->stopping);
      if (tried)
        item = try.item;
      else if ((item = fl_queue_get (self->queue, FL_TIMEOUT_INFINITE,
                                     self->gate != NULL ? worker->op : NULL, NULL)) == NULL)
        {
          /* A pause woke us: back to the gate. */
          g_cancellable_reset (worker->op);
          continue;
        }

      if (item == FL_QUEUE_PILL || item == NULL)
        break;

      id = GPOINTER_TO_SIZE (item) - 1;
      bit = (guint8) (1u << (id % 8));
      old = __atomic_fetch_or (&self->seen[id / 8], bit, __ATOMIC_RELAXED);
      if (old & bit)
        __atomic_fetch_add (&self->duplicates, 1, __ATOMIC_RELAXED);
      __atomic_fetch_add (&self->consumed, 1, __ATOMIC_RELAXED);
      eaten++;

      pace (self, &self->consume_interval_us, rand, NULL);
    }

  return g_variant_new_uint64 (eaten);
}

static void
worker_done (FlFuture *future,
             gpointer  data)
{
  FlPipeline *self = data;
  guint index;

  /* Consumers come first in the array, then the producers. */
  if (fl_future_get_state (future) == FL_FUTURE_CANCELLED
      && g_ptr_array_find (self->futures, future, &index) && index >= self->consumers
      && !g_atomic_int_get (&self->producer_ran[index - self->consumers]))
    g_thread_unref (g_thread_new ("fl-pipeline-out", producer_out_thread,
                                  g_object_ref (self)));

  if (++self->n_done == self->futures->len)
    {
      self->end = g_get_monotonic_time ();
      g_signal_emit (self, signals[FINISHED], 0);
    }
}

static gboolean
submit_worker (FlPipeline  *self,
               FlFunc       func,
               guint        index,
               const char  *label,
               GError     **error)
{
  Worker *worker = g_new0 (Worker, 1);
  FlFuture *future;

  worker->pipeline = g_object_ref (self);
  worker->index = index;
  worker->op = g_cancellable_new ();
  g_ptr_array_add (self->ops, g_object_ref (worker->op));
  future = fl_executor_submit_func (self->executor, func, worker, worker_free, label, error);
  if (future == NULL)
    return FALSE;
  fl_future_add_done_callback (future, worker_done, self, NULL);
  g_ptr_array_add (self->futures, future);
  return TRUE;
}

/**
 * fl_pipeline_start:
 *
 * Starts every producer and consumer. "finished" follows on this thread's context.
 */
gboolean
fl_pipeline_start (FlPipeline  *self,
                   GError     **error)
{
  g_return_val_if_fail (FL_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (self->futures->len == 0, FALSE);

  self->start = g_get_monotonic_time ();
  g_atomic_int_set (&self->producers_left, (int) self->producers);
  self->producer_ran = g_new0 (int, self->producers);

  /* Consumers first, so they are waiting when the first items arrive. */
  for (guint c = 0; c < self->consumers; c++)
    {
      g_autofree char *label = g_strdup_printf ("consumer %u", c + 1);
      if (!submit_worker (self, consumer_func, c, label, error))
        return FALSE;
    }
  for (guint p = 0; p < self->producers; p++)
    {
      g_autofree char *label = g_strdup_printf ("producer %u", p + 1);
      if (!submit_worker (self, producer_func, p, label, error))
        return FALSE;
    }

  fl_executor_shutdown (self->executor, FALSE, FALSE);
  return TRUE;
}

/**
 * fl_pipeline_stop:
 *
 * Stops the producers; the consumers drain what is queued, at full speed, and stop at
 * their pills. Nothing produced is lost.
 */
void
fl_pipeline_stop (FlPipeline *self)
{
  g_return_if_fail (FL_IS_PIPELINE (self));

  g_atomic_int_set (&self->consume_interval_us, 0);
  /* Consumers waiting at a paused gate go on: they drain. */
  g_cancellable_cancel (self->stopping);
  for (guint i = 0; i < self->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (self->futures, i);

      if (g_str_has_prefix (fl_future_get_label (future), "producer"))
        fl_future_request_cancel (future);
    }
}

gboolean
fl_pipeline_is_finished (FlPipeline *self)
{
  g_return_val_if_fail (FL_IS_PIPELINE (self), FALSE);
  return self->futures->len > 0 && self->n_done == self->futures->len;
}

void
fl_pipeline_get_stats (FlPipeline      *self,
                       FlPipelineStats *stats)
{
  FlQueueStats queue_stats;

  g_return_if_fail (FL_IS_PIPELINE (self));

  fl_queue_get_stats (self->queue, &queue_stats);
  stats->produced = __atomic_load_n (&self->produced, __ATOMIC_RELAXED);
  stats->consumed = __atomic_load_n (&self->consumed, __ATOMIC_RELAXED);
  stats->duplicates = __atomic_load_n (&self->duplicates, __ATOMIC_RELAXED);
  stats->queue_length = fl_queue_get_length (self->queue);
  stats->queue_max = queue_stats.max_length;
  stats->put_blocked_us = queue_stats.put_blocked_us;
  stats->get_blocked_us = queue_stats.get_blocked_us;
  if (self->start == 0)
    stats->elapsed_us = 0;
  else
    stats->elapsed_us = (self->end ? self->end : g_get_monotonic_time ()) - self->start;
}

/**
 * fl_pipeline_get_futures:
 *
 * Returns: (transfer none) (element-type FlFuture): consumers first, then producers
 */
GPtrArray *
fl_pipeline_get_futures (FlPipeline *self)
{
  g_return_val_if_fail (FL_IS_PIPELINE (self), NULL);
  return self->futures;
}

guint
fl_pipeline_get_producers (FlPipeline *self)
{
  return self->producers;
}

guint
fl_pipeline_get_consumers (FlPipeline *self)
{
  return self->consumers;
}

guint
fl_pipeline_get_capacity (FlPipeline *self)
{
  return self->capacity;
}
