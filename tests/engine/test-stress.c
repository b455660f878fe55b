/* test-stress.c: many futures, random cancels, and the invariants that must survive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

#define N_JOBS (FL_TEST_UNDER_TSAN ? 20000 : 200000)

typedef struct
{
  int      *callbacks;      /* per future, main thread only */
  guint     total;
  GThread  *main_thread;
  gboolean  off_thread;
} Tally;

static void
tally_cb (FlFuture *future,
          gpointer  data)
{
  Tally *tally = data;
  guint64 id = fl_future_get_id (future);

  g_assert_true (fl_future_is_done (future));
  tally->callbacks[id - 1]++;
  tally->total++;
  if (g_thread_self () != tally->main_thread)
    tally->off_thread = TRUE;
}

typedef struct
{
  GPtrArray *futures;
  guint      n;
  int        stop;
  guint      cancelled;
} Canceller;

/* Races the workers: cancels and requests cancellation of random futures. */
static gpointer
canceller_main (gpointer data)
{
  Canceller *c = data;
  GRand *rand = g_rand_new_with_seed (7);

  while (!g_atomic_int_get (&c->stop))
    {
      FlFuture *future = g_ptr_array_index (c->futures, g_rand_int_range (rand, 0, c->n));

      if (g_rand_boolean (rand))
        c->cancelled += fl_future_cancel (future);
      else
        fl_future_request_cancel (future);
    }
  g_rand_free (rand);
  return NULL;
}

static void
test_random_cancels (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (4);
  g_autoptr(FlTrace) trace = fl_trace_new ("stress");
  g_autoptr(GPtrArray) futures = g_ptr_array_new_full (N_JOBS, g_object_unref);
  g_autofree gboolean *cancel_ok = g_new0 (gboolean, N_JOBS);
  g_autofree int *finishes = g_new0 (int, N_JOBS);
  Tally tally = { g_new0 (int, N_JOBS), 0, g_thread_self (), FALSE };
  Canceller canceller = { NULL, 0, 0, 0 };
  GThread *thread = NULL;
  GRand *rand = g_rand_new_with_seed (42);
  guint n_states[5] = { 0 };

  fl_executor_set_trace (executor, trace);
  for (guint i = 0; i < N_JOBS; i++)
    {
      FlFuture *future;

      /* A mix: trivial, failing, and short cancellable sleeps. */
      switch (g_rand_int_range (rand, 0, 10))
        {
        case 0:
          future = fl_executor_submit (executor, "fail", g_variant_new ("(s)", "x"), NULL, NULL);
          break;
        case 1:
          future = fl_executor_submit (executor, "sleep", g_variant_new ("(u)", 0), NULL, NULL);
          break;
        default:
          future = fl_executor_submit (executor, "echo", NULL, NULL, NULL);
        }
      g_assert_cmpuint (fl_future_get_id (future), ==, i + 1);
      fl_future_add_done_callback (future, tally_cb, &tally, NULL);
      g_ptr_array_add (futures, future);
      if (g_rand_int_range (rand, 0, 4) == 0)
        cancel_ok[i] = fl_future_cancel (future);

      if (i == N_JOBS / 10)
        {
          canceller.futures = futures;
          canceller.n = i;
          thread = g_thread_new ("canceller", canceller_main, &canceller);
        }
    }

  fl_executor_shutdown (executor, TRUE, FALSE);
  g_atomic_int_set (&canceller.stop, 1);
  g_thread_join (thread);
  fl_test_spin_until (tally.total >= N_JOBS, 60000);
  /* Let any stray second delivery show up before counting. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  for (guint i = 0; i < N_JOBS; i++)
    {
      FlFuture *future = g_ptr_array_index (futures, i);
      FlFutureState state = fl_future_get_state (future);

      g_assert_true (FL_FUTURE_STATE_IS_TERMINAL (state));
      g_assert_cmpint (tally.callbacks[i], ==, 1);
      if (cancel_ok[i])
        g_assert_cmpint (state, ==, FL_FUTURE_CANCELLED);
      n_states[state]++;
    }
  g_assert_cmpuint (tally.total, ==, N_JOBS);
  g_assert_false (tally.off_thread);

  /* The trace agrees: exactly one FINISH per future. */
  for (guint i = 0; i < fl_trace_get_n_events (trace); i++)
    {
      FlTraceEvent ev;

      g_assert_true (fl_trace_get_event (trace, i, &ev));
      if (ev.kind == FL_TRACE_FINISH)
        finishes[ev.future_id - 1]++;
    }
  for (guint i = 0; i < N_JOBS; i++)
    g_assert_cmpint (finishes[i], ==, 1);

  g_test_message ("finished %u, failed %u, cancelled %u (canceller thread: %u)",
                  n_states[FL_FUTURE_FINISHED], n_states[FL_FUTURE_FAILED],
                  n_states[FL_FUTURE_CANCELLED], canceller.cancelled);
  g_assert_cmpuint (n_states[FL_FUTURE_CANCELLED], >, 0);
  g_assert_cmpuint (n_states[FL_FUTURE_FINISHED], >, 0);

  g_free (tally.callbacks);
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();

  g_test_add_func ("/engine/stress/random-cancels-one-terminal-state-one-callback",
                   test_random_cancels);

  return g_test_run ();
}
