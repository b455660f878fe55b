/* test-gate.c: pause, step and resume on the thread pool, the process pool and the loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

#define TIMEOUT_MS 10000

typedef struct
{
  guint            n_passed;
  FlGateTransition last;
  GString         *log;         /* "S:a F:a S:b ..." as the steps said */
} Passed;

static void
on_passed (FlGate           *gate,
           FlGateTransition  transition,
           guint64           id,
           const char       *label,
           gpointer          data)
{
  Passed *passed = data;

  passed->n_passed++;
  passed->last = transition;
  g_string_append_printf (passed->log, "%s:%s ", transition == FL_GATE_START ? "S" : "F",
                          label);
}

/* Starts, and ends that finished, in the trace: the transitions a step may let through
 * (a cancel's end is the teacher's doing, not a step's). */
static guint
count_transitions (FlTrace *trace,
                   guint64  id)
{
  guint n = 0;

  for (guint i = 0; i < fl_trace_get_n_events (trace); i++)
    {
      FlTraceEvent event;

      if (!fl_trace_get_event (trace, i, &event))
        break;
      if (id != 0 && event.future_id != id)
        continue;
      if (event.kind == FL_TRACE_START
          || (event.kind == FL_TRACE_FINISH && event.state == FL_FUTURE_FINISHED))
        n++;
    }
  return n;
}

static gboolean
all_done (GPtrArray *futures)
{
  for (guint i = 0; i < futures->len; i++)
    if (!fl_future_is_done (futures->pdata[i]))
      return FALSE;
  return TRUE;
}

static FlExecutor *
new_executor (const char *kind)
{
  if (g_str_equal (kind, "thread"))
    return fl_thread_executor_new (1);
  if (g_str_equal (kind, "loop"))
    return fl_loop_executor_new (NULL, 1);
  if (g_str_equal (kind, "process"))
    {
      FlExecutor *executor = fl_process_executor_new (1);
      g_autoptr(GError) error = NULL;

      fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor),
                                      (gint64) TIMEOUT_MS * FL_TEST_SLOWDOWN * 1000, &error);
      g_assert_no_error (error);
      return executor;
    }
  g_assert_not_reached ();
}

/* One lane: paused, nothing starts; a held start and a queued job cancel; each step lets
 * exactly one transition through, in order, and says which. */
static void
test_step (gconstpointer data)
{
  const char *kind = data;
  g_autoptr(FlExecutor) executor = new_executor (kind);
  g_autoptr(FlTrace) trace = fl_trace_new ("gate");
  g_autoptr(FlGate) gate = fl_gate_new ();
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  Passed passed = { .log = g_string_new (NULL) };
  const guint n = 5;
  guint steps = 0;

  fl_executor_set_trace (executor, trace);
  fl_executor_set_gate (executor, gate);
  g_signal_connect (gate, "passed", G_CALLBACK (on_passed), &passed);
  fl_gate_pause (gate);
  g_assert_true (fl_gate_is_paused (gate));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *label = g_strdup_printf ("%c", 'a' + i);
      FlFuture *future = fl_executor_submit (executor, "echo", g_variant_new ("(u)", i),
                                             label, &error);

      g_assert_no_error (error);
      g_ptr_array_add (futures, future);
    }

  /* The lane holds the first job at the gate; the rest are queued. None starts. */
  fl_test_spin_until (fl_gate_get_n_held (gate) == 1, TIMEOUT_MS);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (fl_future_get_state (futures->pdata[i]), ==, FL_FUTURE_PENDING);
  g_assert_cmpuint (count_transitions (trace, 0), ==, 0);

  /* Cancel a queued job and the held one: both still PENDING, so both succeed, and the
   * lane moves on to hold the next job. */
  g_assert_true (fl_future_cancel (futures->pdata[n - 1]));
  g_assert_true (fl_future_cancel (futures->pdata[0]));
  fl_test_spin_until (fl_gate_get_n_held (gate) == 1, TIMEOUT_MS);
  g_assert_cmpuint (count_transitions (trace, 0), ==, 0);

  /* Three jobs left: six transitions, one per step. */
  while (!all_done (futures))
    {
      fl_gate_step (gate);
      steps++;
      fl_test_spin_until (passed.n_passed == steps && count_transitions (trace, 0) == steps
                          && (fl_gate_get_n_held (gate) == 1 || all_done (futures)),
                          TIMEOUT_MS);
      /* Everything is held again (or done): nothing more can have moved. */
      g_assert_cmpuint (count_transitions (trace, 0), ==, steps);
      g_assert_cmpint (passed.last, ==, steps % 2 == 1 ? FL_GATE_START : FL_GATE_FINISH);
      g_assert_cmpuint (steps, <=, 6);
    }
  g_assert_cmpuint (steps, ==, 6);
  g_assert_cmpstr (passed.log->str, ==, "S:b F:b S:c F:c S:d F:d ");
  g_assert_cmpint (fl_future_get_state (futures->pdata[0]), ==, FL_FUTURE_CANCELLED);
  g_assert_cmpint (fl_future_get_state (futures->pdata[n - 1]), ==, FL_FUTURE_CANCELLED);
  /* The cancelled jobs never ran. */
  g_assert_cmpuint (count_transitions (trace, fl_future_get_id (futures->pdata[0])), ==, 0);
  g_assert_cmpuint (count_transitions (trace, fl_future_get_id (futures->pdata[n - 1])), ==, 0);

  fl_gate_resume (gate);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_signal_handlers_disconnect_by_data (gate, &passed);
  g_string_free (passed.log, TRUE);
}

/* Several lanes: paused, N futures stay PENDING; resume completes them all. */
static void
test_resume (gconstpointer data)
{
  const char *kind = data;
  g_autoptr(FlExecutor) executor = NULL;
  g_autoptr(FlTrace) trace = fl_trace_new ("gate");
  g_autoptr(FlGate) gate = fl_gate_new ();
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  const guint n = 12;
  guint lanes;

  if (g_str_equal (kind, "thread"))
    executor = fl_thread_executor_new (3);
  else if (g_str_equal (kind, "loop"))
    executor = fl_loop_executor_new (NULL, 3);
  else
    {
      g_autoptr(GError) error = NULL;

      executor = fl_process_executor_new (2);
      fl_process_executor_wait_ready (FL_PROCESS_EXECUTOR (executor),
                                      (gint64) TIMEOUT_MS * FL_TEST_SLOWDOWN * 1000, &error);
      g_assert_no_error (error);
    }
  lanes = fl_executor_get_max_workers (executor);
  fl_executor_set_trace (executor, trace);
  fl_executor_set_gate (executor, gate);
  fl_gate_pause (gate);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      FlFuture *future = fl_executor_submit (executor, "echo", g_variant_new ("(u)", i),
                                             NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (futures, future);
    }
  fl_test_spin_until (fl_gate_get_n_held (gate) == lanes, TIMEOUT_MS);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (fl_future_get_state (futures->pdata[i]), ==, FL_FUTURE_PENDING);
  g_assert_cmpuint (count_transitions (trace, 0), ==, 0);

  fl_gate_resume (gate);
  g_assert_false (fl_gate_is_paused (gate));
  fl_test_spin_until (all_done (futures), TIMEOUT_MS);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (fl_future_get_state (futures->pdata[i]), ==, FL_FUTURE_FINISHED);
  g_assert_cmpuint (count_transitions (trace, 0), ==, 2 * n);
  g_assert_cmpuint (fl_gate_get_n_held (gate), ==, 0);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

/* Stress: two threads pause, step and resume at random while jobs run and the main
 * thread cancels some; every future ends exactly once. */
typedef struct
{
  FlGate   *gate;
  int       stop;         /* atomic */
  guint32   seed;
} Driver;

static gpointer
drive (gpointer data)
{
  Driver *driver = data;
  GRand *rand = g_rand_new_with_seed (driver->seed);

  while (!g_atomic_int_get (&driver->stop))
    {
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          fl_gate_pause (driver->gate);
          break;
        case 1:
          fl_gate_resume (driver->gate);
          break;
        default:
          fl_gate_step (driver->gate);
          break;
        }
      g_thread_yield ();
    }
  g_rand_free (rand);
  return NULL;
}

static void
count_end (FlFuture *future,
           gpointer  data)
{
  int *ends = data;

  ends[fl_future_get_id (future) - 1]++;
}

static void
test_stress (gconstpointer data)
{
  const char *kind = data;
  const guint n = FL_TEST_UNDER_TSAN ? 150 : 2000;
  g_autoptr(FlExecutor) executor = g_str_equal (kind, "thread") ? fl_thread_executor_new (4)
                                                                : fl_loop_executor_new (NULL, 4);
  g_autoptr(FlGate) gate = fl_gate_new ();
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree int *ends = g_new0 (int, n);
  Driver drivers[2] = { { gate, 0, 1 }, { gate, 0, 2 } };
  GThread *threads[2];
  GRand *rand = g_rand_new_with_seed (3);
  guint n_cancelled = 0;

  fl_executor_set_gate (executor, gate);
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("driver", drive, &drivers[i]);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      FlFuture *future = fl_executor_submit (executor, "echo", g_variant_new ("(u)", i), NULL,
                                             &error);

      g_assert_no_error (error);
      fl_future_add_done_callback (future, count_end, ends, NULL);
      g_ptr_array_add (futures, future);
      if (g_rand_int_range (rand, 0, 10) == 0 && i > 0
          && fl_future_cancel (futures->pdata[g_rand_int_range (rand, 0, (int) i)]))
        n_cancelled++;
      if (i % 16 == 0)
        g_main_context_iteration (NULL, FALSE);
    }
  /* Let the drivers play with the running jobs for a while. */
  for (guint i = 0; i < 200 && !all_done (futures); i++)
    fl_test_iterate (5);

  for (guint i = 0; i < 2; i++)
    {
      g_atomic_int_set (&drivers[i].stop, TRUE);
      g_thread_join (threads[i]);
    }
  fl_gate_resume (gate);
  fl_test_spin_until (all_done (futures), TIMEOUT_MS);
  /* The last deliveries (done callbacks) come through the dispatcher. */
  fl_test_spin_until (({ gboolean all = TRUE;
                         for (guint i = 0; i < n; i++) all = all && ends[i] != 0;
                         all; }), TIMEOUT_MS);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (ends[i], ==, 1);
  g_assert_cmpuint (fl_gate_get_n_held (gate), ==, 0);
  g_test_message ("%u futures, %u cancelled", n, n_cancelled);
  fl_executor_shutdown (executor, TRUE, FALSE);
  g_rand_free (rand);
}

/* Open, a gate costs nothing visible: jobs run as without one. */
static void
test_open_gate (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(FlGate) gate = fl_gate_new ();
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);

  fl_executor_set_gate (executor, gate);
  fl_gate_step (gate);                /* open: a step does nothing */
  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (futures, fl_executor_submit (executor, "echo", g_variant_new ("(u)", i),
                                                  NULL, NULL));
  fl_test_spin_until (all_done (futures), TIMEOUT_MS);
  g_assert_cmpuint (fl_gate_get_n_held (gate), ==, 0);
  fl_executor_shutdown (executor, TRUE, FALSE);
}

/* ------------------------------------------------------------------ fl_gate_wait() */

typedef struct
{
  FlGate       *gate;
  GCancellable *cancellable;
  gboolean      can_go;       /* what its try function answers */
  int           tries;        /* atomic: how often the try function ran */
  int           returned;     /* atomic: 1 once fl_gate_wait() returned */
  gboolean      result;
  gboolean      tried;
  char          name[8];
} Waiter;

static gboolean
waiter_try (gpointer   data,
            char     **label)
{
  Waiter *waiter = data;

  g_atomic_int_inc (&waiter->tries);
  if (!waiter->can_go)
    return FALSE;
  g_free (*label);
  *label = g_strdup_printf ("%s did it", waiter->name);
  return TRUE;
}

static gpointer
waiter_thread (gpointer data)
{
  Waiter *waiter = data;

  waiter->result = fl_gate_wait (waiter->gate, FL_GATE_START, 7, waiter->name, waiter_try,
                                 waiter, &waiter->tried, waiter->cancellable);
  g_atomic_int_set (&waiter->returned, 1);
  return NULL;
}

static guint
n_returned (Waiter *waiters,
            guint   n)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    count += g_atomic_int_get (&waiters[i].returned);
  return count;
}

/* Waiters of a paused gate: a step lets through exactly one whose try function can do its
 * operation (never one that cannot), with the label it gave; a cancel ends one wait;
 * resume lets the rest go without their try functions. */
static void
test_wait_try (void)
{
  g_autoptr(FlGate) gate = fl_gate_new ();
  Waiter waiters[4] = { 0 };
  GThread *threads[4];
  Passed passed = { 0, FL_GATE_FINISH, g_string_new (NULL) };
  g_autofree char *label = NULL;
  guint stepped = 4;

  g_signal_connect (gate, "passed", G_CALLBACK (on_passed), &passed);
  /* Open: at once, no try. */
  g_assert_true (fl_gate_wait (gate, FL_GATE_START, 1, "x", waiter_try, &waiters[0], NULL, NULL));
  g_assert_cmpint (waiters[0].tries, ==, 0);

  fl_gate_pause (gate);
  for (guint i = 0; i < 4; i++)
    {
      waiters[i].gate = gate;
      waiters[i].cancellable = g_cancellable_new ();
      waiters[i].can_go = i >= 2;       /* 0 and 1 cannot go */
      g_snprintf (waiters[i].name, sizeof waiters[i].name, "w%u", i);
      threads[i] = g_thread_new ("waiter", waiter_thread, &waiters[i]);
    }
  fl_test_spin_until (fl_gate_get_n_held (gate) == 4, TIMEOUT_MS);

  fl_gate_step (gate);
  fl_test_spin_until (passed.n_passed == 1 && n_returned (waiters, 4) == 1, TIMEOUT_MS);
  for (guint i = 0; i < 4; i++)
    if (g_atomic_int_get (&waiters[i].returned))
      stepped = i;
  g_assert_cmpuint (stepped, >=, 2);
  g_assert_true (waiters[stepped].result);
  g_assert_true (waiters[stepped].tried);
  label = g_strdup_printf ("S:%s did it ", waiters[stepped].name);
  g_assert_cmpstr (passed.log->str, ==, label);
  g_assert_cmpuint (fl_gate_get_n_held (gate), ==, 3);

  /* A cancel ends a wait that cannot go. */
  g_cancellable_cancel (waiters[0].cancellable);
  fl_test_spin_until (g_atomic_int_get (&waiters[0].returned), TIMEOUT_MS);
  g_assert_false (waiters[0].result);
  g_assert_false (waiters[0].tried);

  fl_gate_resume (gate);
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  for (guint i = 1; i < 4; i++)
    if (i != stepped)
      {
        g_assert_true (waiters[i].result);
        g_assert_false (waiters[i].tried);
      }
  g_assert_cmpuint (fl_gate_get_n_held (gate), ==, 0);
  /* Already cancelled: no wait at all. */
  g_assert_false (fl_gate_wait (gate, FL_GATE_START, 1, NULL, NULL, NULL, NULL,
                                waiters[0].cancellable));
  for (guint i = 0; i < 4; i++)
    g_object_unref (waiters[i].cancellable);
  g_string_free (passed.log, TRUE);
}

/* A step while no waiter can go is kept for the next one that can. */
static void
test_wait_step_kept (void)
{
  g_autoptr(FlGate) gate = fl_gate_new ();
  Waiter waiter = { 0 };
  GThread *thread;
  Passed passed = { 0, FL_GATE_FINISH, g_string_new (NULL) };

  g_signal_connect (gate, "passed", G_CALLBACK (on_passed), &passed);
  fl_gate_pause (gate);
  fl_gate_step (gate);
  waiter.gate = gate;
  waiter.can_go = TRUE;
  g_strlcpy (waiter.name, "late", sizeof waiter.name);
  thread = g_thread_new ("waiter", waiter_thread, &waiter);
  g_thread_join (thread);
  g_assert_true (waiter.result);
  g_assert_true (waiter.tried);
  fl_test_spin_until (passed.n_passed == 1, TIMEOUT_MS);
  g_assert_cmpstr (passed.log->str, ==, "S:late did it ");
  g_assert_true (fl_gate_is_paused (gate));
  g_string_free (passed.log, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();

  g_test_add_func ("/engine/gate/open-gate-runs-jobs", test_open_gate);
  g_test_add_func ("/engine/gate/wait/step-tries-the-oldest-that-can-go", test_wait_try);
  g_test_add_func ("/engine/gate/wait/step-kept-for-the-next", test_wait_step_kept);
  g_test_add_data_func ("/engine/gate/thread/step-one-transition", "thread", test_step);
  g_test_add_data_func ("/engine/gate/process/step-one-transition", "process", test_step);
  g_test_add_data_func ("/engine/gate/loop/step-one-transition", "loop", test_step);
  g_test_add_data_func ("/engine/gate/thread/paused-pending-resume-completes", "thread",
                        test_resume);
  g_test_add_data_func ("/engine/gate/process/paused-pending-resume-completes", "process",
                        test_resume);
  g_test_add_data_func ("/engine/gate/loop/paused-pending-resume-completes", "loop",
                        test_resume);
  g_test_add_data_func ("/engine/gate/thread/stress-two-drivers-one-end-each", "thread",
                        test_stress);
  g_test_add_data_func ("/engine/gate/loop/stress-two-drivers-one-end-each", "loop",
                        test_stress);
  return g_test_run ();
}
