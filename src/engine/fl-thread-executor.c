/* fl-thread-executor.c: ThreadPoolExecutor on GThreadPool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The executor keeps its own queue of futures; GThreadPool provides the threads. Each
 * task pushed to the pool is a *lane*: a loop that takes futures from the queue until the
 * executor shuts down. So every worker thread has a stable lane number (what the
 * timeline draws), the queue can be drained by shutdown(cancel_futures), and, as in
 * Python, a new lane starts only when a job arrives and no lane is idle, up to
 * max-workers.
 *
 * The queue lives in a refcounted Core that the lanes share, so the executor object can
 * be dropped while lanes finish their last jobs, from any thread, without joining.
 *
 * Idle lanes are counted as CPython's idle semaphore: a lane counts itself available
 * *before* it completes a job's future, so a submit() made by whoever that completion
 * woke (the back-to-back submit().result() pattern) finds it and claims it instead of
 * starting another thread. A new lane is started with the job it was started for, so
 * that job is the lane's own from the start: shutdown(cancel_futures) right after a burst
 * of submits cannot take every job away from lanes that have not run yet, just as
 * CPython's Thread.start() waits for its thread to run.
 *
 * At exit, as CPython joins its workers, the lanes of every executor finish the work
 * that was queued (see join_all_at_exit()).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fl-lock.h"

#include "fl-future-private.h"
#include "fl-gate-private.h"
#include "fl-thread-executor-private.h"

#define GIL_SWITCH_INTERVAL_US 5000
#define SPIN_US                50

/* A fair lock: threads get it in the order they asked, like CPython's GIL hand-over,
 * so a thread that drops it cannot take it straight back while another waits. */
struct _FlGil
{
  FlMutex  mutex;
  FlCond   cond;
  guint64 next_ticket;
  guint64 serving;
  int     waiting;            /* atomic: threads queued for it */
};

typedef struct
{
  FlGil  *gil;
  gint64  acquired_at;
  int     depth;              /* begin_blocking nesting */
} GilThreadState;

typedef struct
{
  int             ref;        /* atomic; g_atomic_int so sanitizers see it */
  FlMutex          mutex;
  FlCond           work_cond;
  FlCond           done_cond;
  GQueue          queue;      /* FlFuture*, owned */
  guint           max_workers;
  guint           n_lanes;    /* started */
  guint           n_alive;    /* not yet returned */
  guint           n_idle;     /* spinning or sleeping */
  int             n_available; /* atomic: lanes free for a new job, not yet claimed */
  FlFuture      **first;      /* [lane - 1]: the job a lane is started for, until it runs */
  int             published;  /* atomic: lanes pushed to the pool (see lane_main()) */
  int             n_queued;   /* atomic copy of queue.length, for spinners */
  int             shutdown;   /* written under the lock, read atomically by spinners */
  FlGil          *gil;        /* NULL unless simulating the GIL */
  GFunc           hooks[FL_THREAD_N_HOOKS];       /* tests only; atomic */
  gpointer        hook_data[FL_THREAD_N_HOOKS];
} Core;

struct _FlThreadExecutor
{
  FlExecutor   parent_instance;
  Core        *core;
  GThreadPool *pool;
  gboolean     simulate_gil;
};

G_DEFINE_FINAL_TYPE (FlThreadExecutor, fl_thread_executor, FL_TYPE_EXECUTOR)

static inline void
run_hook (Core         *core,
          FlThreadHook  point)
{
  GFunc hook = g_atomic_pointer_get (&core->hooks[point]);

  if (G_UNLIKELY (hook != NULL))
    hook (g_atomic_pointer_get (&core->hook_data[point]), NULL);
}

/* Lanes running anywhere, for the exit handler: core -> core (a reference). */
static FlMutex live_lock = FL_MUTEX_INIT;
static GHashTable *live_cores;

static Core *core_ref (Core *core);
static void core_unref (Core *core);

static void
live_add (Core *core)
{
  fl_mutex_lock (&live_lock);
  if (live_cores == NULL)
    live_cores = g_hash_table_new (NULL, NULL);
  if (g_hash_table_add (live_cores, core))
    core_ref (core);
  fl_mutex_unlock (&live_lock);
}

static void
live_remove (Core *core)
{
  gboolean removed;

  fl_mutex_lock (&live_lock);
  removed = live_cores != NULL && g_hash_table_remove (live_cores, core);
  fl_mutex_unlock (&live_lock);
  if (removed)
    core_unref (core);
}

/* atexit: like CPython's threading._shutdown for its executors, stop taking work and wait
 * for every lane to finish what was queued. Without it a program that returns from main()
 * without shutdown() would lose its queued and running jobs mid-way. */
static void
join_all_at_exit (void)
{
  GList *cores = NULL;

  fl_mutex_lock (&live_lock);
  if (live_cores != NULL)
    {
      cores = g_hash_table_get_keys (live_cores);
      g_hash_table_steal_all (live_cores);
    }
  fl_mutex_unlock (&live_lock);

  for (GList *l = cores; l != NULL; l = l->next)
    {
      Core *core = l->data;

      fl_mutex_lock (&core->mutex);
      g_atomic_int_set (&core->shutdown, TRUE);
      fl_cond_broadcast (&core->work_cond);
      while (core->n_alive > 0)
        fl_cond_wait (&core->done_cond, &core->mutex);
      fl_mutex_unlock (&core->mutex);
      core_unref (core);
    }
  g_list_free (cores);
}

/* Claims an available lane for a job just queued; lock held (lanes only add to it). */
static gboolean
claim_available_locked (Core *core)
{
  int n;

  do
    {
      n = g_atomic_int_get (&core->n_available);
      if (n <= 0)
        return FALSE;
    }
  while (!g_atomic_int_compare_and_exchange (&core->n_available, n, n - 1));
  return TRUE;
}

static GPrivate gil_state = G_PRIVATE_INIT (g_free);

static FlGil *
gil_new (void)
{
  FlGil *gil = g_new0 (FlGil, 1);

  fl_mutex_init (&gil->mutex);
  fl_cond_init (&gil->cond);
  return gil;
}

static void
gil_free (FlGil *gil)
{
  fl_mutex_clear (&gil->mutex);
  fl_cond_clear (&gil->cond);
  g_free (gil);
}

static void
gil_acquire (FlGil *gil)
{
  guint64 ticket;

  g_atomic_int_inc (&gil->waiting);
  fl_mutex_lock (&gil->mutex);
  ticket = gil->next_ticket++;
  while (gil->serving != ticket)
    fl_cond_wait (&gil->cond, &gil->mutex);
  fl_mutex_unlock (&gil->mutex);
  g_atomic_int_add (&gil->waiting, -1);
}

static void
gil_release (FlGil *gil)
{
  fl_mutex_lock (&gil->mutex);
  gil->serving++;
  fl_cond_broadcast (&gil->cond);
  fl_mutex_unlock (&gil->mutex);
}

static GilThreadState *
gil_thread_state (void)
{
  GilThreadState *state = g_private_get (&gil_state);

  if (state == NULL)
    {
      state = g_new0 (GilThreadState, 1);
      g_private_set (&gil_state, state);
    }
  return state;
}

void
_fl_gil_enter_lane (FlGil *gil)
{
  GilThreadState *state = gil_thread_state ();

  state->gil = gil;
  state->depth = 0;
  if (gil != NULL)
    {
      gil_acquire (gil);
      state->acquired_at = g_get_monotonic_time ();
    }
}

void
_fl_gil_leave_lane (void)
{
  GilThreadState *state = gil_thread_state ();

  if (state->gil != NULL && state->depth == 0)
    gil_release (state->gil);
  state->gil = NULL;
}

/**
 * fl_gil_check:
 *
 * For CPU-bound jobs: under a simulated GIL, hands the lock to a waiting thread once
 * this one has held it for the switch interval (5 ms, as CPython's default).
 */
void
fl_gil_check (void)
{
  GilThreadState *state = g_private_get (&gil_state);
  gint64 now;

  if (state == NULL || state->gil == NULL || state->depth > 0)
    return;

  now = g_get_monotonic_time ();
  if (now - state->acquired_at < GIL_SWITCH_INTERVAL_US)
    return;
  if (g_atomic_int_get (&state->gil->waiting) > 0)
    {
      gil_release (state->gil);
      gil_acquire (state->gil);
    }
  state->acquired_at = g_get_monotonic_time ();
}

gboolean
fl_gil_active (void)
{
  GilThreadState *state = g_private_get (&gil_state);

  return state != NULL && state->gil != NULL;
}

/**
 * fl_gil_begin_blocking:
 *
 * Lets go of the simulated GIL around a blocking wait (sleep, I/O), as CPython does
 * around system calls. Pair with fl_gil_end_blocking().
 */
void
fl_gil_begin_blocking (void)
{
  GilThreadState *state = g_private_get (&gil_state);

  if (state == NULL || state->gil == NULL)
    return;
  if (state->depth++ == 0)
    gil_release (state->gil);
}

void
fl_gil_end_blocking (void)
{
  GilThreadState *state = g_private_get (&gil_state);

  if (state == NULL || state->gil == NULL || state->depth == 0)
    return;
  if (--state->depth == 0)
    {
      gil_acquire (state->gil);
      state->acquired_at = g_get_monotonic_time ();
    }
}

/* The queue strings futures through their embedded links (no allocation per job) and
 * holds a reference on each. */
static void
queue_push (GQueue   *queue,
            FlFuture *future)
{
  g_queue_push_tail_link (queue, _fl_future_get_queue_link (g_object_ref (future)));
}

static FlFuture *
queue_pop (GQueue *queue)
{
  GList *link = g_queue_pop_head_link (queue);

  return link != NULL ? link->data : NULL;
}

static void
drain_queue (GQueue *queue)
{
  FlFuture *future;

  while ((future = queue_pop (queue)) != NULL)
    g_object_unref (future);
}

static Core *
core_ref (Core *core)
{
  g_atomic_int_inc (&core->ref);
  return core;
}

static void
core_unref (Core *core)
{
  if (!g_atomic_int_dec_and_test (&core->ref))
    return;

  drain_queue (&core->queue);
  g_free (core->first);
  if (core->gil != NULL)
    gil_free (core->gil);
  fl_mutex_clear (&core->mutex);
  fl_cond_clear (&core->work_cond);
  fl_cond_clear (&core->done_cond);
  g_free (core);
}

/* Worker threads run at a lower priority than the thread that owns the main loop, as
 * desktops treat background work: when CPU-bound jobs saturate every core, the loop still
 * gets a core as soon as it wakes, so the window stays responsive. The lanes own their
 * threads (an exclusive pool), so the lowered priority never leaks into other GLib work. */
#define LANE_NICE_INCREMENT 10

static void
lower_thread_priority (void)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int nice_now;

  errno = 0;
  nice_now = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno == 0)
    setpriority (PRIO_PROCESS, (id_t) tid, MIN (nice_now + LANE_NICE_INCREMENT, 19));
#endif
}

static void
run_job (Core     *core,
         FlFuture *future,
         FlGil    *gil,
         int       lane)
{
  /* RUNNING first, then the GIL: as in CPython, a thread waiting for the GIL is a
   * running job that makes no progress, which is what the timeline should show. */
  FlGate *gate = _fl_future_get_gate (future);

  /* Paused, the job waits here still PENDING (cancellable), and its end below. */
  _fl_gate_pass (gate, FL_GATE_START, future);
  if (_fl_future_set_running (future, FL_LANE_THREAD, lane))
    {
      GError *error = NULL;
      GVariant *value;

      _fl_gil_enter_lane (gil);
      value = _fl_future_invoke (future, &error);
      _fl_gil_leave_lane ();
      _fl_gate_pass (gate, FL_GATE_FINISH, future);
      /* Available before the future is done: see the top of the file. */
      g_atomic_int_inc (&core->n_available);
      _fl_future_complete (future, value, error);
      run_hook (core, FL_THREAD_HOOK_AFTER_JOB);
    }
  else
    g_atomic_int_inc (&core->n_available);     /* cancelled while queued */
  g_object_unref (future);
}

/* The body of one worker thread. */
static void
lane_main (gpointer data,
           gpointer user_data)
{
  Core *core = user_data;
  int lane = GPOINTER_TO_INT (data) - 1;
  FlFuture *first;
  FlGil *gil;
  gboolean last;

  /* GThreadPool hands this task to a thread it may have made for another executor, through
   * futexes ThreadSanitizer cannot see; this acquire pairs with the increment made before
   * the push, so everything the submitting thread did before it (the core's construction
   * included) is visible here, for TSan as for the hardware. */
  (void) g_atomic_int_get (&core->published);
  lower_thread_priority ();
  run_hook (core, FL_THREAD_HOOK_LANE_START);

  /* The job this lane was started for waits in core->first, under the lock: GThreadPool's
   * own hand-over is invisible to ThreadSanitizer. */
  fl_mutex_lock (&core->mutex);
  first = g_steal_pointer (&core->first[lane]);
  gil = core->gil;
  fl_mutex_unlock (&core->mutex);
  run_job (core, first, gil, lane);

  fl_mutex_lock (&core->mutex);
  for (;;)
    {
      FlFuture *future;

      if (core->queue.length == 0 && !core->shutdown)
        {
          /* Idle. Spin briefly before sleeping: a job submitted right after the last
           * one (the common one-at-a-time pattern) then starts without a futex wake-up,
           * which costs several microseconds on its own. */
          gint64 spin_until = g_get_monotonic_time () + SPIN_US;

          core->n_idle++;
          fl_mutex_unlock (&core->mutex);
          while (g_atomic_int_get (&core->n_queued) == 0 && !g_atomic_int_get (&core->shutdown)
                 && g_get_monotonic_time () < spin_until)
            g_thread_yield ();    /* on a busy machine the submitter gets the core */
          fl_mutex_lock (&core->mutex);
          while (core->queue.length == 0 && !core->shutdown)
            fl_cond_wait (&core->work_cond, &core->mutex);
          core->n_idle--;
        }

      future = queue_pop (&core->queue);
      if (future == NULL)
        break;
      g_atomic_int_add (&core->n_queued, -1);
      gil = core->gil;
      fl_mutex_unlock (&core->mutex);

      run_job (core, future, gil, lane);

      fl_mutex_lock (&core->mutex);
    }

  last = --core->n_alive == 0;
  if (last)
    fl_cond_broadcast (&core->done_cond);
  fl_mutex_unlock (&core->mutex);

  /* The queue is empty and the executor shut down: nothing left to join at exit. */
  if (last)
    live_remove (core);
  core_unref (core);
}

static gboolean
fl_thread_executor_schedule (FlExecutor  *executor,
                             FlFuture    *future,
                             GError     **error)
{
  FlThreadExecutor *self = FL_THREAD_EXECUTOR (executor);
  Core *core = self->core;
  int new_lane = 0;

  fl_mutex_lock (&core->mutex);
  if (core->shutdown)
    {
      fl_mutex_unlock (&core->mutex);
      g_set_error (error, FL_ERROR, FL_ERROR_SHUTDOWN,
                   "Cannot submit to “%s”: it has been shut down",
                   fl_executor_get_display_name (executor));
      return FALSE;
    }

  if (claim_available_locked (core) || core->n_lanes >= core->max_workers)
    {
      queue_push (&core->queue, future);
      g_atomic_int_inc (&core->n_queued);
      if (core->n_idle > 0)
        fl_cond_signal (&core->work_cond);
    }
  else
    {
      new_lane = (int) ++core->n_lanes;
      core->first[new_lane - 1] = g_object_ref (future);
      core->n_alive++;
      core_ref (core);
    }
  fl_mutex_unlock (&core->mutex);

  /* Starting a thread is slow: never with the queue locked. */
  if (new_lane > 0)
    {
      g_autoptr(GError) local_error = NULL;

      live_add (core);
      g_atomic_int_inc (&core->published);
      if (!g_thread_pool_push (self->pool, GINT_TO_POINTER (new_lane), &local_error))
        {
          FlFuture *first;

          g_critical ("Could not start worker thread %d: %s", new_lane, local_error->message);
          fl_mutex_lock (&core->mutex);
          core->n_lanes--;
          core->n_alive--;
          first = g_steal_pointer (&core->first[new_lane - 1]);
          /* The job waits for another lane rather than being lost. */
          queue_push (&core->queue, first);
          g_atomic_int_inc (&core->n_queued);
          if (core->n_idle > 0)
            fl_cond_signal (&core->work_cond);
          if (core->n_alive == 0)
            fl_cond_broadcast (&core->done_cond);
          fl_mutex_unlock (&core->mutex);
          g_object_unref (first);
          core_unref (core);
        }
    }

  return TRUE;
}

static void
fl_thread_executor_shutdown (FlExecutor *executor,
                             gboolean    wait,
                             gboolean    cancel_futures)
{
  FlThreadExecutor *self = FL_THREAD_EXECUTOR (executor);
  Core *core = self->core;
  GQueue cancelled = G_QUEUE_INIT;

  fl_mutex_lock (&core->mutex);
  g_atomic_int_set (&core->shutdown, TRUE);
  if (cancel_futures)
    {
      cancelled = core->queue;
      g_queue_init (&core->queue);
      g_atomic_int_set (&core->n_queued, 0);
    }
  fl_cond_broadcast (&core->work_cond);
  fl_mutex_unlock (&core->mutex);

  /* Cancelling notifies waiters and queues dispatch: outside our lock. */
  for (GList *l = cancelled.head; l != NULL; l = l->next)
    fl_future_cancel (l->data);
  drain_queue (&cancelled);

  if (wait)
    {
      fl_mutex_lock (&core->mutex);
      while (core->n_alive > 0)
        fl_cond_wait (&core->done_cond, &core->mutex);
      fl_mutex_unlock (&core->mutex);
    }
}

static FlLaneKind
fl_thread_executor_get_lane_kind (FlExecutor *executor)
{
  return FL_LANE_THREAD;
}

static void
fl_thread_executor_constructed (GObject *object)
{
  FlThreadExecutor *self = FL_THREAD_EXECUTOR (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (fl_thread_executor_parent_class)->constructed (object);

  self->core->max_workers = fl_executor_get_max_workers (FL_EXECUTOR (self));
  self->core->first = g_new0 (FlFuture *, self->core->max_workers);
  /* Exclusive threads: a lane holds its thread until shutdown and lowers its priority,
   * so the threads must not go back to GLib's shared pool afterwards. */
  self->pool = g_thread_pool_new (lane_main, self->core, (int) self->core->max_workers,
                                  TRUE, &error);
  g_assert_no_error (error);
}

static void
fl_thread_executor_finalize (GObject *object)
{
  FlThreadExecutor *self = FL_THREAD_EXECUTOR (object);

  /* Like dropping a ThreadPoolExecutor without calling shutdown(): queued jobs still
   * run; lanes exit when the queue is empty. Nothing here waits for them. */
  fl_thread_executor_shutdown (FL_EXECUTOR (self), FALSE, FALSE);
  g_thread_pool_free (self->pool, FALSE, FALSE);
  core_unref (self->core);

  G_OBJECT_CLASS (fl_thread_executor_parent_class)->finalize (object);
}

static void
fl_thread_executor_class_init (FlThreadExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FlExecutorClass *executor_class = FL_EXECUTOR_CLASS (klass);

  object_class->constructed = fl_thread_executor_constructed;
  object_class->finalize = fl_thread_executor_finalize;

  atexit (join_all_at_exit);

  executor_class->schedule = fl_thread_executor_schedule;
  executor_class->shutdown = fl_thread_executor_shutdown;
  executor_class->get_lane_kind = fl_thread_executor_get_lane_kind;
}

static void
fl_thread_executor_init (FlThreadExecutor *self)
{
  self->core = g_new0 (Core, 1);
  self->core->ref = 1;
  fl_mutex_init (&self->core->mutex);
  fl_cond_init (&self->core->work_cond);
  fl_cond_init (&self->core->done_cond);
  g_queue_init (&self->core->queue);
}

/**
 * fl_thread_executor_new:
 * @max_workers: 0 for the default, min(32, cores + 4); negative is an error
 *
 * Returns: (transfer full) (nullable): a thread-pool executor, or %NULL (with a critical
 *   warning) for a negative @max_workers; see fl_executor_check_max_workers()
 */
FlExecutor *
fl_thread_executor_new (int max_workers)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (!fl_executor_check_max_workers (max_workers, &error))
    {
      g_critical ("fl_thread_executor_new: %s", error->message);
      return NULL;
    }
  if (max_workers == 0)
    max_workers = fl_default_max_workers ();
  name = g_strdup_printf ("thread pool × %d", max_workers);
  return g_object_new (FL_TYPE_THREAD_EXECUTOR,
                       "max-workers", max_workers,
                       "display-name", name,
                       NULL);
}

/**
 * fl_thread_executor_set_gil:
 *
 * Simulates CPython's GIL: a job holds one global lock while it computes, offering it
 * every 5 ms of work. Set it before the first submit.
 */
void
fl_thread_executor_set_gil (FlThreadExecutor *self,
                            gboolean          simulate_gil)
{
  g_return_if_fail (FL_IS_THREAD_EXECUTOR (self));

  fl_mutex_lock (&self->core->mutex);
  if (simulate_gil && self->core->gil == NULL)
    self->core->gil = gil_new ();
  else if (!simulate_gil && self->core->gil != NULL && self->core->n_lanes == 0)
    g_clear_pointer (&self->core->gil, gil_free);
  self->simulate_gil = simulate_gil;
  fl_mutex_unlock (&self->core->mutex);
}

gboolean
fl_thread_executor_get_gil (FlThreadExecutor *self)
{
  g_return_val_if_fail (FL_IS_THREAD_EXECUTOR (self), FALSE);
  return self->simulate_gil;
}

void
_fl_thread_executor_set_hook (FlThreadExecutor *self,
                              FlThreadHook      point,
                              GFunc             hook,
                              gpointer          data)
{
  g_return_if_fail (FL_IS_THREAD_EXECUTOR (self));
  g_return_if_fail (point < FL_THREAD_N_HOOKS);

  /* Atomics: lanes read them without the lock, once per job. */
  g_atomic_pointer_set (&self->core->hook_data[point], data);
  g_atomic_pointer_set (&self->core->hooks[point], hook);
}
