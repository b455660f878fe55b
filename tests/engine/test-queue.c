/* test-queue.c: the bounded queue between threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

#define N_ITEMS (FL_TEST_UNDER_TSAN ? 100000 : 1000000)

static void
test_fifo_and_capacity (void)
{
  g_autoptr(FlQueue) queue = fl_queue_new (3);
  g_autoptr(GError) error = NULL;
  FlQueueStats stats;

  for (gsize i = 1; i <= 3; i++)
    g_assert_true (fl_queue_put (queue, GSIZE_TO_POINTER (i), 0, NULL, &error));
  g_assert_cmpuint (fl_queue_get_length (queue), ==, 3);

  /* Full: a put with a short timeout fails and loses nothing. */
  g_assert_false (fl_queue_put (queue, GSIZE_TO_POINTER (4), 10 * 1000, NULL, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_TIMEOUT);
  g_clear_error (&error);

  for (gsize i = 1; i <= 3; i++)
    g_assert_true (fl_queue_get (queue, 0, NULL, NULL) == GSIZE_TO_POINTER (i));
  g_assert_null (fl_queue_get (queue, 10 * 1000, NULL, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_TIMEOUT);

  fl_queue_get_stats (queue, &stats);
  g_assert_cmpuint (stats.puts, ==, 3);
  g_assert_cmpuint (stats.gets, ==, 3);
  g_assert_cmpuint (stats.max_length, ==, 3);
  g_assert_cmpint (stats.put_blocked_us, >=, 10 * 1000);
  g_assert_cmpint (stats.get_blocked_us, >=, 10 * 1000);
}

static gpointer
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_blocked_get_is_cancellable (void)
{
  g_autoptr(FlQueue) queue = fl_queue_new (1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread = g_thread_new ("cancel", cancel_later, cancellable);

  g_assert_null (fl_queue_get (queue, FL_TIMEOUT_INFINITE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (thread);
}

static void
test_unbounded_grows_in_order (void)
{
  g_autoptr(FlQueue) queue = fl_queue_new (0);

  for (gsize i = 1; i <= 1000; i++)
    g_assert_true (fl_queue_put (queue, GSIZE_TO_POINTER (i), 0, NULL, NULL));
  for (gsize i = 1; i <= 1000; i++)
    g_assert_true (fl_queue_get (queue, 0, NULL, NULL) == GSIZE_TO_POINTER (i));
}

typedef struct
{
  FlQueue *queue;
  guint8  *seen;
  gsize    first;
  gsize    count;
  guint    seed;
  int      duplicates;
  int      consumed;
} Side;

static gpointer
producer (gpointer data)
{
  Side *side = data;
  GRand *rand = g_rand_new_with_seed (side->seed);

  for (gsize i = 0; i < side->count; i++)
    {
      if (g_rand_int_range (rand, 0, 64) == 0)
        g_thread_yield ();           /* random rates: shake the interleavings */
      g_assert_true (fl_queue_put (side->queue, GSIZE_TO_POINTER (side->first + i + 1),
                                   FL_TIMEOUT_INFINITE, NULL, NULL));
    }
  g_rand_free (rand);
  return NULL;
}

static gpointer
consumer (gpointer data)
{
  Side *side = data;
  GRand *rand = g_rand_new_with_seed (side->seed);

  for (;;)
    {
      gpointer item = fl_queue_get (side->queue, FL_TIMEOUT_INFINITE, NULL, NULL);
      gsize id;
      guint8 bit;

      if (item == FL_QUEUE_PILL)
        break;
      id = GPOINTER_TO_SIZE (item) - 1;
      bit = (guint8) (1u << (id % 8));
      if (__atomic_fetch_or (&side->seen[id / 8], bit, __ATOMIC_RELAXED) & bit)
        side->duplicates++;
      side->consumed++;
      if (g_rand_int_range (rand, 0, 64) == 0)
        g_thread_yield ();
    }
  g_rand_free (rand);
  return NULL;
}

static void
test_conservation_many_threads (void)
{
  const guint P = 4, C = 3;
  g_autoptr(FlQueue) queue = fl_queue_new (32);
  g_autofree guint8 *seen = g_new0 (guint8, N_ITEMS / 8 + 1);
  Side producers[4], consumers[3];
  GThread *threads[7];
  FlQueueStats stats;
  int consumed = 0;

  for (guint c = 0; c < C; c++)
    {
      consumers[c] = (Side) { queue, seen, 0, 0, 100 + c, 0, 0 };
      threads[P + c] = g_thread_new ("consumer", consumer, &consumers[c]);
    }
  for (guint p = 0; p < P; p++)
    {
      producers[p] = (Side) { queue, seen, p * (N_ITEMS / P), N_ITEMS / P, p + 1, 0, 0 };
      threads[p] = g_thread_new ("producer", producer, &producers[p]);
    }
  for (guint p = 0; p < P; p++)
    g_thread_join (threads[p]);
  for (guint c = 0; c < C; c++)
    fl_queue_put (queue, FL_QUEUE_PILL, FL_TIMEOUT_INFINITE, NULL, NULL);
  for (guint c = 0; c < C; c++)
    {
      g_thread_join (threads[P + c]);
      g_assert_cmpint (consumers[c].duplicates, ==, 0);
      consumed += consumers[c].consumed;
    }

  /* Every item consumed exactly once: none lost, none twice. */
  g_assert_cmpint (consumed, ==, N_ITEMS);
  for (guint i = 0; i < N_ITEMS; i++)
    g_assert_true (seen[i / 8] & (1u << (i % 8)));
  fl_queue_get_stats (queue, &stats);
  g_assert_cmpuint (stats.puts, ==, N_ITEMS + C);
  g_assert_cmpuint (stats.gets, ==, N_ITEMS + C);
  g_assert_cmpuint (stats.max_length, <=, 32);
  g_assert_cmpuint (fl_queue_get_length (queue), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/queue/fifo-and-capacity", test_fifo_and_capacity);
  g_test_add_func ("/engine/queue/blocked-get-is-cancellable", test_blocked_get_is_cancellable);
  g_test_add_func ("/engine/queue/unbounded-grows-in-order", test_unbounded_grows_in_order);
  g_test_add_func ("/engine/queue/conservation-many-threads", test_conservation_many_threads);

  return g_test_run ();
}
