/* fl-process-executor.c: ProcessPoolExecutor on persistent futures-lab-worker processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each lane is a dedicated thread that owns one worker process and talks to it over a
 * socket pair with length-prefixed GVariant frames (fl-frame.c). The lane thread sleeps in
 * poll() on three descriptors: the worker's socket (frames), the worker's merged
 * stdout/stderr (the running future's log) and an eventfd that wakes it for new work,
 * cancellation, shutdown and a broken pool. One job at a time per worker, as Python does.
 *
 * Worker lifetime: a worker that dies fails only its own future and is replaced (strict
 * mode instead breaks the pool, like BrokenProcessPool). Cancelling a running future kills
 * its worker (SIGTERM, then SIGKILL after the grace period). The lane thread reaps its
 * worker itself before it moves on; each worker is started by its lane thread and sets
 * PR_SET_PDEATHSIG as its first act, so when that thread (or the whole parent) goes away,
 * the worker is killed: no zombie and no orphan.
 *
 * Workers are started with posix_spawn(), not GSubprocess: glibc's posix_spawn() runs the
 * child on the parent's memory (CLONE_VM | CLONE_VFORK) until it execs, while GSubprocess
 * forks (closing descriptors and a child setup rule out its posix_spawn path). A fork of
 * the app copies its page tables under the memory-map lock and makes every page it writes
 * afterwards a copy-on-write fault: 20 workers forked at once held the window's main loop
 * up for most of a second. Every descriptor the app opens is close-on-exec (GLib's and
 * ours), and the file actions close everything above 3 besides.
 *
 * Like the thread executor, the queue lives in a refcounted Pool shared with the lanes, so
 * the executor object can be dropped while lanes finish their last jobs.
 *
 * A worker that cannot start (the binary is missing, exits at once, says a wrong hello)
 * is a start failure. Its job fails with what went wrong, and the lane tries again after
 * a delay that doubles with each failure in a row (START_BACKOFF_MIN_US up to
 * START_BACKOFF_MAX_US), so a broken worker binary costs a few spawns, not hundreds a
 * second. While no lane of the pool has a ready worker, a lane waiting for its next try
 * fails jobs at once with the last start error; otherwise it leaves them to the lanes
 * that work. The first time no worker at all could start, the pool says so once.
 */
/* posix_spawn_file_actions_addclosefrom_np(), pipe2() and environ */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fl-lock.h"

#include "fl-frame.h"
#include "fl-future-private.h"
#include "fl-gate-private.h"
#include "fl-process-executor-private.h"

#define DEFAULT_KILL_GRACE_MS 1000
#define SEND_TIMEOUT_US       (5 * G_USEC_PER_SEC)
#define REAP_GRACE_US         (200 * 1000)
#define LOG_CHUNK             4096
#define PENDING_LOG_MAX       (16 * 1024)
/* Frames up to this size go from submit() straight into an idle worker's socket. */
#define DIRECT_MAX            (16 * 1024)
#define START_BACKOFF_MIN_US  (50 * 1000)
#define START_BACKOFF_MAX_US  (5 * G_USEC_PER_SEC)

typedef struct _Pool Pool;

typedef struct
{
  Pool          *pool;
  guint          index;              /* 0-based; messages say index + 1 */
  int            wake_fd;            /* eventfd */
  int            cancel_requested;   /* atomic */

  /* Only the lane thread touches these. */
  int            sock_fd;
  int            log_fd;
  FlFrameReader *reader;
  FlFuture      *current;
  GCancellable  *cancellable;
  gulong         cancel_handler;
  gint64         kill_deadline;      /* 0: no kill in progress */
  gboolean       killing;            /* we signalled it: its death is expected */
  gint64         respawn_at;         /* 0: no start pending; else when to try again */
  gboolean       reported;           /* counted in n_started once */
  GString       *pending_log;        /* output seen while no job ran */

  /* Under pool->mutex: others read them. sock_fd is written under it too. */
  int            pid;                /* the worker, until reaped; 0: none */
  gboolean       idle;
  gboolean       ready;              /* the current worker said hello */
  gboolean       holds_slot;         /* its worker is starting: one of the start slots */
  gboolean       awaiting_slot;      /* wants to start one, waits for a slot */
  guint          failures;           /* start failures in a row */
  FlFuture      *handoff;            /* sent by schedule() straight to the idle worker */
  GBytes        *handoff_frame;
  gsize          handoff_sent;
  GCancellable  *handoff_cancellable;
  gulong         handoff_handler;
} Lane;

struct _Pool
{
  int             ref;        /* atomic; g_atomic_int so sanitizers see it */
  FlMutex          mutex;
  FlCond           cond;             /* ready workers, finished lanes */
  GQueue           queue;            /* FlFuture*, owned */
  Lane            *lanes;
  guint            n_lanes;
  guint            n_alive;          /* lane threads not yet finished */
  guint            n_started;        /* lanes whose first worker said hello, or failed */
  guint            n_ready;          /* lanes whose worker said hello */
  guint            n_starting;       /* start slots taken: workers spawned, not ready */
  guint            max_starting;
  guint            start_peak;       /* the most n_starting has been */
  GError          *start_error;      /* the first start failure */
  char            *last_start_error; /* the latest one, for jobs failed while none runs */
  gboolean         start_warned;     /* "no worker could start" was said */
  gboolean         shutdown;
  gboolean         terminate;
  gboolean         strict;
  gboolean         broken;
  char            *broken_reason;
  char            *worker_path;
  int              kill_grace_us;    /* atomic access */
  GWeakRef         executor;
  FlDispatcher    *dispatcher;
  GFunc            lost_hook;        /* tests only; atomic */
  gpointer         lost_hook_data;
};

struct _FlProcessExecutor
{
  FlExecutor  parent_instance;
  Pool       *pool;
  gboolean    strict;
  char       *worker_path;
};

enum {
  PROP_0,
  PROP_STRICT,
  PROP_WORKER_PATH,
  PROP_KILL_GRACE_MS,
  N_PROPS
};

enum {
  SIGNAL_WORKER_STARTED,
  SIGNAL_WORKER_EXITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlProcessExecutor, fl_process_executor, FL_TYPE_EXECUTOR)

/* Pool and lanes ---------------------------------------------------------------------- */

static Pool *
pool_ref (Pool *pool)
{
  g_atomic_int_inc (&pool->ref);
  return pool;
}

static void pool_unref (Pool *pool);

/* Pools with lanes alive, for the exit handler: pool -> pool (a reference). */
static FlMutex live_lock = FL_MUTEX_INIT;
static GHashTable *live_pools;

static void
live_add (Pool *pool)
{
  fl_mutex_lock (&live_lock);
  if (live_pools == NULL)
    live_pools = g_hash_table_new (NULL, NULL);
  if (g_hash_table_add (live_pools, pool))
    pool_ref (pool);
  fl_mutex_unlock (&live_lock);
}

static void
live_remove (Pool *pool)
{
  gboolean removed;

  fl_mutex_lock (&live_lock);
  removed = live_pools != NULL && g_hash_table_remove (live_pools, pool);
  fl_mutex_unlock (&live_lock);
  if (removed)
    pool_unref (pool);
}

static void pool_wake_all (Pool *pool);

/* atexit: as CPython's ProcessPoolExecutor joins its workers at exit, every pool stops
 * taking work, finishes what was queued and closes its workers before the process ends. */
static void
join_all_at_exit (void)
{
  GList *pools = NULL;

  fl_mutex_lock (&live_lock);
  if (live_pools != NULL)
    {
      pools = g_hash_table_get_keys (live_pools);
      g_hash_table_steal_all (live_pools);
    }
  fl_mutex_unlock (&live_lock);

  for (GList *l = pools; l != NULL; l = l->next)
    {
      Pool *pool = l->data;

      fl_mutex_lock (&pool->mutex);
      pool->shutdown = TRUE;
      fl_mutex_unlock (&pool->mutex);
      pool_wake_all (pool);
      fl_mutex_lock (&pool->mutex);
      while (pool->n_alive > 0)
        fl_cond_wait (&pool->cond, &pool->mutex);
      fl_mutex_unlock (&pool->mutex);
      pool_unref (pool);
    }
  g_list_free (pools);
}

static void
pool_unref (Pool *pool)
{
  if (!g_atomic_int_dec_and_test (&pool->ref))
    return;

  g_queue_clear_full (&pool->queue, g_object_unref);
  for (guint i = 0; i < pool->n_lanes; i++)
    {
      Lane *lane = &pool->lanes[i];

      if (lane->wake_fd >= 0)
        close (lane->wake_fd);
      g_clear_object (&lane->handoff);
      g_clear_pointer (&lane->handoff_frame, g_bytes_unref);
      g_clear_object (&lane->handoff_cancellable);
    }
  g_free (pool->lanes);
  g_clear_error (&pool->start_error);
  g_free (pool->last_start_error);
  g_free (pool->broken_reason);
  g_free (pool->worker_path);
  g_weak_ref_clear (&pool->executor);
  if (pool->dispatcher != NULL)
    _fl_dispatcher_unref (pool->dispatcher);
  fl_mutex_clear (&pool->mutex);
  fl_cond_clear (&pool->cond);
  g_free (pool);
}

static void
lane_wake (Lane *lane)
{
  guint64 one = 1;
  ssize_t n;

  do
    n = write (lane->wake_fd, &one, sizeof one);
  while (n < 0 && errno == EINTR);
}

static void
pool_wake_all (Pool *pool)
{
  for (guint i = 0; i < pool->n_lanes; i++)
    lane_wake (&pool->lanes[i]);
}

/* Signals of the executor, emitted on the context that created it. */
typedef struct
{
  Pool  *pool;
  guint  signal;
  guint  lane;
  int    pid;
  char  *reason;
} WorkerEvent;

static void
worker_event_emit (gpointer data,
                   gpointer unused)
{
  WorkerEvent *event = data;
  g_autoptr(FlProcessExecutor) self = g_weak_ref_get (&event->pool->executor);

  if (self != NULL)
    {
      if (event->signal == SIGNAL_WORKER_STARTED)
        g_signal_emit (self, signals[SIGNAL_WORKER_STARTED], 0, event->lane, event->pid);
      else
        g_signal_emit (self, signals[SIGNAL_WORKER_EXITED], 0, event->lane, event->pid,
                       event->reason);
    }
  pool_unref (event->pool);
  g_free (event->reason);
  g_free (event);
}

static void
post_worker_event (Lane       *lane,
                   guint       signal,
                   int         pid,
                   const char *reason)
{
  WorkerEvent *event = g_new0 (WorkerEvent, 1);

  event->pool = pool_ref (lane->pool);
  event->signal = signal;
  event->lane = lane->index;
  event->pid = pid;
  event->reason = g_strdup (reason);
  _fl_dispatcher_post (lane->pool->dispatcher, worker_event_emit, event, NULL);
}

/* Finding and starting workers ---------------------------------------------------------- */

/**
 * fl_process_executor_find_worker:
 *
 * Where the worker binary is: $FUTURES_LAB_WORKER if set; in the build tree when the
 * running binary is in the build tree; else next to the running binary; else libexecdir.
 *
 * Returns: (transfer full): an executable path, or %NULL with @error set
 */
char *
fl_process_executor_find_worker (GError **error)
{
  const char *env = g_getenv (FL_WORKER_PATH_ENV);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe_dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  if (env != NULL && *env != '\0')
    g_ptr_array_add (candidates, g_strdup (env));
  if (exe_dir != NULL && g_str_has_prefix (exe_dir, BUILD_ROOT "/"))
    g_ptr_array_add (candidates, g_build_filename (BUILD_ROOT, "src", "worker",
                                                   FL_WORKER_NAME, NULL));
  if (exe_dir != NULL)
    g_ptr_array_add (candidates, g_build_filename (exe_dir, FL_WORKER_NAME, NULL));
  g_ptr_array_add (candidates, g_build_filename (LIBEXECDIR, FL_WORKER_NAME, NULL));

  for (guint i = 0; i < candidates->len; i++)
    if (g_file_test (candidates->pdata[i], G_FILE_TEST_IS_EXECUTABLE)
        && !g_file_test (candidates->pdata[i], G_FILE_TEST_IS_DIR))
      return g_strdup (candidates->pdata[i]);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "Cannot find %s (looked in %s and %s; set %s to override)",
               FL_WORKER_NAME, exe_dir != NULL ? exe_dir : "?", LIBEXECDIR, FL_WORKER_PATH_ENV);
  return NULL;
}

/* Start slots. A worker's start (exec, the dynamic loader, GLib's set-up) is CPU work:
 * twenty at once on two cores left the app's main thread waiting 0.1-0.4 s for a CPU in a
 * pool's first run, a freeze of the window caused by its own children. At most one worker
 * per core but one starts at a time; the others wait their turn. */
static gboolean
lane_take_slot (Lane *lane)
{
  Pool *pool = lane->pool;
  gboolean taken;

  fl_mutex_lock (&pool->mutex);
  taken = lane->holds_slot || pool->n_starting < pool->max_starting;
  if (taken && !lane->holds_slot)
    {
      pool->n_starting++;
      pool->start_peak = MAX (pool->start_peak, pool->n_starting);
      lane->holds_slot = TRUE;
    }
  lane->awaiting_slot = !taken;
  fl_mutex_unlock (&pool->mutex);
  return taken;
}

/* Called with the pool's mutex held: the lane's worker is ready, or gone. */
static void
lane_release_slot_locked (Lane *lane)
{
  Pool *pool = lane->pool;

  if (!lane->holds_slot)
    return;
  lane->holds_slot = FALSE;
  pool->n_starting--;
  for (guint i = 0; i < pool->n_lanes; i++)
    if (pool->lanes[i].awaiting_slot)
      {
        lane_wake (&pool->lanes[i]);
        break;
      }
}

static gboolean
lane_is_awaiting_slot (Lane *lane)
{
  gboolean awaiting;

  fl_mutex_lock (&lane->pool->mutex);
  awaiting = lane->awaiting_slot;
  fl_mutex_unlock (&lane->pool->mutex);
  return awaiting;
}

static void
lane_report_started (Lane   *lane,
                     GError *error)
{
  Pool *pool = lane->pool;

  fl_mutex_lock (&pool->mutex);
  lane_release_slot_locked (lane);
  if (!lane->reported)
    {
      lane->reported = TRUE;
      pool->n_started++;
      if (error != NULL && pool->start_error == NULL)
        pool->start_error = g_error_copy (error);
    }
  if (error == NULL)
    {
      lane->failures = 0;
      if (!lane->ready)
        pool->n_ready++;
      lane->ready = TRUE;
    }
  fl_cond_broadcast (&pool->cond);
  fl_mutex_unlock (&pool->mutex);
}

/* A worker could not start (or died, or misbehaved, before it said hello): count it, and
 * set when the lane tries again. Says once when no lane of the pool could start one. */
static void
lane_start_failed (Lane       *lane,
                   const char *message)
{
  Pool *pool = lane->pool;
  g_autoptr(GError) error = g_error_new_literal (FL_ERROR, FL_ERROR_WORKER_DIED, message);
  gboolean say = FALSE;
  guint64 delay;

  lane_report_started (lane, error);

  fl_mutex_lock (&pool->mutex);
  lane->failures++;
  g_free (pool->last_start_error);
  pool->last_start_error = g_strdup (message);
  if (!pool->start_warned && pool->n_ready == 0)
    {
      say = TRUE;
      for (guint i = 0; i < pool->n_lanes; i++)
        say = say && pool->lanes[i].failures > 0;
      pool->start_warned = say;
    }
  delay = (guint64) START_BACKOFF_MIN_US << MIN (lane->failures - 1, 16u);
  fl_mutex_unlock (&pool->mutex);

  lane->respawn_at = g_get_monotonic_time () + (gint64) MIN (delay, START_BACKOFF_MAX_US);
  if (say)
    g_message (_("No worker process of the pool could start (%s); it keeps trying, "
                 "less and less often"), message);
}

/* Whether any lane has a ready worker. */
static gboolean
pool_has_ready_worker (Pool *pool)
{
  gboolean any;

  fl_mutex_lock (&pool->mutex);
  any = pool->n_ready > 0;
  fl_mutex_unlock (&pool->mutex);
  return any;
}

static char *describe_exit (int status);

/* Starts @path with /dev/null as its input, @out_fd as its output and errors, @sock_fd as
 * its descriptor 3 and no other descriptor. Returns its pid, or 0. */
static int
spawn_worker (const char  *path,
              const char **argv,
              int          out_fd,
              int          sock_fd,
              GError     **error)
{
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t mask;
  pid_t pid = 0;
  int rc;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2 (&actions, out_fd, 2);
  /* glibc clears close-on-exec when @sock_fd already is 3 */
  posix_spawn_file_actions_adddup2 (&actions, sock_fd, 3);
  posix_spawn_file_actions_addclosefrom_np (&actions, 4);

  /* The lane thread's signal mask and the app's handlers are not the worker's. */
  posix_spawnattr_init (&attr);
  sigemptyset (&mask);
  posix_spawnattr_setsigmask (&attr, &mask);
  sigaddset (&mask, SIGPIPE);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGHUP);
  sigaddset (&mask, SIGCHLD);
  posix_spawnattr_setsigdefault (&attr, &mask);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  rc = posix_spawn (&pid, path, &actions, &attr, (char *const *) argv, environ);
  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&actions);
  if (rc != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (rc), "%s: %s", path,
                   g_strerror (rc));
      return 0;
    }
  return (int) pid;
}

static gboolean
lane_spawn (Lane    *lane,
            GError **error)
{
  Pool *pool = lane->pool;
  g_autofree char *lane_arg = g_strdup_printf ("%u", lane->index + 1);
  g_autofree char *parent_arg = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *path = NULL;
  const char *argv[] = { NULL, "--fd", "3", "--lane", lane_arg, "--parent", parent_arg, NULL };
  int sv[2], out[2];
  int pid;

  fl_mutex_lock (&pool->mutex);
  path = g_strdup (pool->worker_path);
  fl_mutex_unlock (&pool->mutex);
  if (path == NULL)
    {
      path = fl_process_executor_find_worker (error);
      if (path == NULL)
        return FALSE;
      fl_mutex_lock (&pool->mutex);
      if (pool->worker_path == NULL)
        pool->worker_path = g_strdup (path);
      fl_mutex_unlock (&pool->mutex);
    }
  argv[0] = path;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s",
                   g_strerror (saved));
      return FALSE;
    }
  if (pipe2 (out, O_CLOEXEC) < 0)
    {
      int saved = errno;

      close (sv[0]);
      close (sv[1]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "pipe: %s",
                   g_strerror (saved));
      return FALSE;
    }

  pid = spawn_worker (path, argv, out[1], sv[1], error);
  close (sv[1]);                          /* the child's ends */
  close (out[1]);
  if (pid == 0)
    {
      close (sv[0]);
      close (out[0]);
      g_prefix_error (error, "Could not start worker process %u: ", lane->index + 1);
      return FALSE;
    }

  /* A worker that exits at once (/bin/false) is seen as its socket's end, then reaped by
   * lane_reap() like any other: its start failed. */
  lane->log_fd = out[0];
  g_unix_set_fd_nonblocking (sv[0], TRUE, NULL);
  g_unix_set_fd_nonblocking (lane->log_fd, TRUE, NULL);
  lane->reader = fl_frame_reader_new (fl_frame_specs_to_parent, 0);
  lane->killing = FALSE;
  lane->kill_deadline = 0;
  g_atomic_int_set (&lane->cancel_requested, FALSE);

  fl_mutex_lock (&pool->mutex);
  lane->pid = pid;
  lane->ready = FALSE;
  lane->respawn_at = 0;
  lane->sock_fd = sv[0];
  fl_mutex_unlock (&pool->mutex);

  post_worker_event (lane, SIGNAL_WORKER_STARTED, lane->pid, NULL);
  return TRUE;
}

/* Jobs ---------------------------------------------------------------------------------- */

static void
lane_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  Lane *lane = user_data;

  /* Any thread: only an atomic and a write, so disconnecting from the lane is cheap. */
  g_atomic_int_set (&lane->cancel_requested, TRUE);
  lane_wake (lane);
}

static void
lane_take_log (Lane *lane)
{
  if (lane->pending_log != NULL && lane->current != NULL)
    {
      fl_future_append_log (lane->current, lane->pending_log->str);
      g_string_free (lane->pending_log, TRUE);
      lane->pending_log = NULL;
    }
}

/* Ends the running job; takes @value and @error. */
static void
lane_finish_job (Lane     *lane,
                 GVariant *value,
                 GError   *error)
{
  g_autoptr(FlFuture) future = g_steal_pointer (&lane->current);

  if (lane->cancellable != NULL)
    {
      g_cancellable_disconnect (lane->cancellable, lane->cancel_handler);
      lane->cancel_handler = 0;
      g_clear_object (&lane->cancellable);
    }
  g_atomic_int_set (&lane->cancel_requested, FALSE);
  if (future != NULL)
    {
      /* Paused: the worker is done; its end waits here, the future still RUNNING. */
      _fl_gate_pass (_fl_future_get_gate (future), FL_GATE_FINISH, future);
      _fl_future_complete (future, value, error);
    }
  else
    {
      g_clear_pointer (&value, g_variant_unref);
      g_clear_error (&error);
    }
}

static void lane_lose_worker (Lane *lane, const char *why, GQuark domain, int code);

/* Starts a worker now; a failure is a start failure (retried later). */
static void
lane_try_spawn (Lane *lane)
{
  g_autoptr(GError) error = NULL;

  lane->respawn_at = 0;
  if (!lane_take_slot (lane))
    return;                               /* lane_release_slot_locked() wakes us */
  if (!lane_spawn (lane, &error))
    lane_start_failed (lane, error->message);
}

static GBytes *
encode_job (FlFuture *future)
{
  const FlJobInfo *job = _fl_future_get_job (future);

  return fl_frame_encode (FL_FRAME_JOB, fl_future_get_id (future),
                          g_variant_new ("(smv)", job->name, fl_future_get_args (future)));
}

static gulong
watch_cancellable (Lane          *lane,
                   FlFuture      *future,
                   GCancellable **cancellable)
{
  *cancellable = g_object_ref (_fl_future_get_cancellable (future));
  return g_cancellable_connect (*cancellable, G_CALLBACK (lane_cancelled_cb), lane, NULL);
}

/* The job is the lane's now: collect its log, watch its cancellable. */
static void
lane_begin_job (Lane     *lane,
                FlFuture *future)
{
  lane->current = future;
  lane_take_log (lane);
  if (lane->cancellable == NULL)
    lane->cancel_handler = watch_cancellable (lane, future, &lane->cancellable);
}

static void
lane_send (Lane   *lane,
           GBytes *frame)
{
  g_autoptr(GError) error = NULL;

  if (!fl_frame_write_all (lane->sock_fd, frame, g_get_monotonic_time () + SEND_TIMEOUT_US,
                           &error))
    {
      g_autofree char *why = g_strdup_printf ("could not be sent the job (%s)", error->message);

      lane_lose_worker (lane, why, FL_ERROR, FL_ERROR_WORKER_DIED);
    }
}

static void
lane_start_job (Lane     *lane,
                FlFuture *future)
{
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GError) error = NULL;

  /* Paused: the job waits here, PENDING, so it can still be cancelled. */
  _fl_gate_pass (_fl_future_get_gate (future), FL_GATE_START, future);
  if (!_fl_future_set_running (future, FL_LANE_PROCESS, (int) lane->index))
    return;                               /* cancelled while queued */

  if (lane->pid == 0)
    {
      g_autofree char *last = NULL;

      /* No worker could start: fail the job now with what went wrong, rather than keep
       * it waiting for a worker that may never come. The lane retries on its own clock. */
      fl_mutex_lock (&lane->pool->mutex);
      last = g_strdup (lane->pool->last_start_error);
      fl_mutex_unlock (&lane->pool->mutex);
      lane->current = g_object_ref (future);
      lane_finish_job (lane, NULL,
                       g_error_new (FL_ERROR, FL_ERROR_WORKER_DIED,
                                    _("No worker process could run the job: %s"),
                                    last != NULL ? last : _("the worker did not start")));
      return;
    }

  lane_begin_job (lane, g_object_ref (future));
  frame = encode_job (future);
  lane_send (lane, frame);
}

/* A job that schedule() sent straight to our idle worker: take it over, and finish sending
 * it if the socket took only part of the frame. */
static void
lane_adopt_handoff (Lane *lane)
{
  Pool *pool = lane->pool;
  FlFuture *future;
  g_autoptr(GBytes) frame = NULL;
  gsize sent;

  fl_mutex_lock (&pool->mutex);
  future = g_steal_pointer (&lane->handoff);
  frame = g_steal_pointer (&lane->handoff_frame);
  sent = lane->handoff_sent;
  if (future != NULL)
    {
      g_assert (lane->current == NULL && lane->cancellable == NULL);
      lane->cancellable = g_steal_pointer (&lane->handoff_cancellable);
      lane->cancel_handler = lane->handoff_handler;
    }
  fl_mutex_unlock (&pool->mutex);

  if (future == NULL)
    return;
  lane_begin_job (lane, future);
  if (sent < g_bytes_get_size (frame))
    {
      g_autoptr(GBytes) rest = g_bytes_new_from_bytes (frame, sent,
                                                       g_bytes_get_size (frame) - sent);

      lane_send (lane, rest);
    }
}

/* Worker death ------------------------------------------------------------------------ */

static void
lane_drain_log (Lane    *lane,
                gboolean until_eof,
                gint64   deadline)
{
  char buffer[LOG_CHUNK + 1];

  while (lane->log_fd >= 0)
    {
      gssize n = read (lane->log_fd, buffer, LOG_CHUNK);

      if (n > 0)
        {
          buffer[n] = '\0';
          if (lane->current != NULL)
            fl_future_append_log (lane->current, buffer);
          else
            {
              if (lane->pending_log == NULL)
                lane->pending_log = g_string_new (NULL);
              if (lane->pending_log->len < PENDING_LOG_MAX)
                g_string_append_len (lane->pending_log, buffer, n);
            }
          continue;
        }
      if (n == 0)
        {
          close (lane->log_fd);
          lane->log_fd = -1;
          return;
        }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN && until_eof)
        {
          struct pollfd pfd = { lane->log_fd, POLLIN, 0 };
          gint64 left = deadline - g_get_monotonic_time ();

          if (left <= 0)
            return;
          poll (&pfd, 1, (int) ((left + 999) / 1000));
          continue;
        }
      return;
    }
}

static char *
describe_exit (int status)
{
  if (WIFSIGNALED (status))
    {
      int sig = WTERMSIG (status);

      return g_strdup_printf ("signal %d, %s", sig, g_strsignal (sig));
    }
  return g_strdup_printf ("exit status %d", WEXITSTATUS (status));
}

/* Sends @signum to the lane's worker, from the lane's own thread (which alone reaps it). */
static void
lane_signal (Lane *lane,
             int   signum)
{
  if (lane->pid > 0)
    kill (lane->pid, signum);
}

/* Closes our ends, makes sure the worker is dead and reaps it. Returns how it ended. */
/* Under the pool's lock, so that schedule() never writes to a closed descriptor. */
static void
lane_close_socket (Lane *lane)
{
  int fd;

  fl_mutex_lock (&lane->pool->mutex);
  lane->idle = FALSE;
  fd = lane->sock_fd;
  lane->sock_fd = -1;
  fl_mutex_unlock (&lane->pool->mutex);
  if (fd >= 0)
    close (fd);
}

static char *
lane_reap (Lane    *lane,
           gboolean force)
{
  Pool *pool = lane->pool;
  siginfo_t info;
  int status = 0;

  /* Its output pipe closes when it exits: read what it said last (a crash report), and
   * kill it if it is still alive after a moment (it closed its socket but kept going).
   * The socket stays open until it is dead: a worker that saw it close would start a
   * normal exit (atexit handlers, a sanitizer's leak check that ptraces it), and a
   * SIGKILL in the middle of that can leave a zombie that its parent cannot reap. */
  if (force)
    lane_signal (lane, SIGKILL);
  lane_drain_log (lane, TRUE, g_get_monotonic_time () + REAP_GRACE_US);
  if (lane->log_fd >= 0)
    {
      lane_signal (lane, SIGKILL);
      lane_drain_log (lane, TRUE, g_get_monotonic_time () + REAP_GRACE_US);
    }
  if (lane->log_fd >= 0)
    close (lane->log_fd);
  lane->log_fd = -1;
  lane_close_socket (lane);
  g_clear_pointer (&lane->reader, fl_frame_reader_free);
  lane->killing = FALSE;
  lane->kill_deadline = 0;

  /* Wait for its end without reaping it, so that fl_process_executor_kill_worker(),
   * which signals under the lock, never meets a pid already given to another process;
   * then reap it under the lock. */
  while (waitid (P_PID, (id_t) lane->pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
    ;
  fl_mutex_lock (&pool->mutex);
  while (waitpid (lane->pid, &status, 0) < 0 && errno == EINTR)
    ;
  lane->pid = 0;
  if (lane->ready)
    pool->n_ready--;
  lane->ready = FALSE;
  lane_release_slot_locked (lane);
  fl_mutex_unlock (&pool->mutex);

  return describe_exit (status);
}

static void
fail_future_broken (FlFuture   *future,
                    const char *reason)
{
  if (!_fl_future_set_running (future, FL_LANE_PROCESS, -1))
    return;
  _fl_future_complete (future, NULL,
                       g_error_new (FL_ERROR, FL_ERROR_BROKEN_POOL,
                                    "A process in the pool was terminated abruptly (%s); "
                                    "the pool is broken", reason));
}

/* Strict mode: the first unexpected death breaks the pool, as BrokenProcessPool. */
static void
pool_break (Pool       *pool,
            const char *reason)
{
  GQueue pending = G_QUEUE_INIT;

  fl_mutex_lock (&pool->mutex);
  if (!pool->broken)
    {
      pool->broken = TRUE;
      pool->broken_reason = g_strdup (reason);
    }
  pending = pool->queue;
  g_queue_init (&pool->queue);
  fl_mutex_unlock (&pool->mutex);

  for (GList *l = pending.head; l != NULL; l = l->next)
    fail_future_broken (l->data, reason);
  g_queue_clear_full (&pending, g_object_unref);
  pool_wake_all (pool);
}

/* The worker is gone or must go: reap it, settle its job, replace it (or break the pool).
 * @why is set when we decided it must go (malformed frame...), NULL when it died. */
static void
lane_lose_worker (Lane       *lane,
                  const char *why,
                  GQuark      domain,
                  int         code)
{
  Pool *pool = lane->pool;
  g_autofree char *how = NULL;
  g_autofree char *reason = NULL;
  gboolean expected;
  gboolean stopping;
  gboolean was_ready;
  int pid = lane->pid;

  /* No more jobs for this worker; one that schedule() already sent it is its job too. */
  fl_mutex_lock (&pool->mutex);
  lane->idle = FALSE;
  fl_mutex_unlock (&pool->mutex);
  if (lane->current == NULL)
    lane_adopt_handoff (lane);
  expected = lane->killing;
  was_ready = lane->ready;

  how = lane_reap (lane, why != NULL);
  if (why != NULL)
    reason = g_strdup_printf ("worker process %u %s", lane->index + 1, why);
  else if (!was_ready && !expected)
    reason = g_strdup_printf (_("worker process %u exited before it was ready: %s"),
                              lane->index + 1, how);
  else
    reason = g_strdup_printf ("worker process %u died: %s", lane->index + 1, how);

  if (lane->current != NULL)
    g_debug ("%s (pid %d) while running future %" G_GUINT64_FORMAT, reason, pid,
             fl_future_get_id (lane->current));
  post_worker_event (lane, SIGNAL_WORKER_EXITED, pid, reason);

  fl_mutex_lock (&pool->mutex);
  stopping = pool->terminate || pool->broken;
  fl_mutex_unlock (&pool->mutex);

  if (expected || stopping)
    {
      /* We killed it: for a cancel (the future ends CANCELLED), for terminate() or for
       * a pool already broken by another lane. */
      if (stopping && !expected && pool->broken)
        {
          g_autofree char *broken_reason = NULL;

          fl_mutex_lock (&pool->mutex);
          broken_reason = g_strdup (pool->broken_reason);
          fl_mutex_unlock (&pool->mutex);
          lane_finish_job (lane, NULL,
                           g_error_new (FL_ERROR, FL_ERROR_BROKEN_POOL,
                                        "A process in the pool was terminated abruptly (%s); "
                                        "the pool is broken", broken_reason));
        }
      else
        lane_finish_job (lane, NULL,
                         g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                      "Cancelled: %s", reason));
    }
  else if (pool->strict)
    {
      GFunc hook = g_atomic_pointer_get (&pool->lost_hook);

      /* Broken first, as CPython does "so that submits fail right now": whoever the
       * failed future wakes must find the pool refusing work. */
      pool_break (pool, reason);
      if (lane->current != NULL)
        lane_finish_job (lane, NULL,
                         g_error_new (FL_ERROR, FL_ERROR_BROKEN_POOL,
                                      "A process in the pool was terminated abruptly (%s); "
                                      "the pool is broken", reason));
      if (hook != NULL)
        hook (g_atomic_pointer_get (&pool->lost_hook_data), NULL);
      return;
    }
  else
    lane_finish_job (lane, NULL, g_error_new (domain, code, "%s", reason));

  if (!was_ready && !expected)
    {
      /* It never got going: a start failure, retried after a growing delay. */
      lane_start_failed (lane, reason);
      return;
    }

  fl_mutex_lock (&pool->mutex);
  stopping = pool->terminate || pool->broken || (pool->shutdown && pool->queue.length == 0);
  fl_mutex_unlock (&pool->mutex);
  if (!stopping)
    lane_try_spawn (lane);
}

/* Frames from the worker ------------------------------------------------------------- */

static gboolean
lane_handle_frame (Lane      *lane,
                   guchar     kind,
                   guint64    id,
                   GVariant  *body,
                   char     **why)
{
  guint64 current_id = lane->current != NULL ? fl_future_get_id (lane->current) : 0;

  switch (kind)
    {
    case FL_FRAME_HELLO:
      {
        guint32 version;
        gint64 pid;

        g_variant_get (body, "(ux)", &version, &pid);
        if (version != FL_FRAME_PROTOCOL_VERSION || pid != lane->pid)
          {
            *why = g_strdup_printf ("said hello with protocol %u, pid %" G_GINT64_FORMAT
                                    " (expected %u, %d)", version, pid,
                                    FL_FRAME_PROTOCOL_VERSION, lane->pid);
            return FALSE;
          }
        lane_report_started (lane, NULL);
        return TRUE;
      }

    case FL_FRAME_PROGRESS:
      if (lane->current == NULL || id != current_id)
        break;
      {
        double fraction;
        guint64 bytes;

        g_variant_get (body, "(dt)", &fraction, &bytes);
        if (fraction == fraction)       /* NaN is not progress */
          _fl_future_set_progress (lane->current, MIN (fraction, 1.0), bytes);
        return TRUE;
      }

    case FL_FRAME_RESULT:
      if (lane->current == NULL || id != current_id)
        break;
      lane_finish_job (lane, g_variant_ref (body), NULL);
      return TRUE;

    case FL_FRAME_ERROR:
      if (lane->current == NULL || id != current_id)
        break;
      {
        const char *domain, *message;
        gint32 code;

        g_variant_get (body, "(&si&s)", &domain, &code, &message);
        if (*domain == '\0')
          domain = g_quark_to_string (FL_ERROR);
        lane_finish_job (lane, NULL,
                         g_error_new_literal (g_quark_from_string (domain), code, message));
        return TRUE;
      }

    default:
      break;
    }

  *why = g_strdup_printf ("sent a message “%c” for job %" G_GUINT64_FORMAT
                          " while running job %" G_GUINT64_FORMAT, kind, id, current_id);
  return FALSE;
}

static void
lane_read_socket (Lane *lane)
{
  g_autoptr(GError) error = NULL;
  gssize n;

  lane_adopt_handoff (lane);
  if (lane->sock_fd < 0)
    return;
  n = fl_frame_reader_fill (lane->reader, lane->sock_fd, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return;
  if (n <= 0)
    {
      /* End of file (or a reset): the worker is gone. A half frame left behind is
       * part of the same story, not a protocol error. */
      lane_lose_worker (lane, NULL, FL_ERROR, FL_ERROR_WORKER_DIED);
      return;
    }

  for (;;)
    {
      g_autoptr(GVariant) body = NULL;
      g_autofree char *why = NULL;
      guchar kind;
      guint64 id;

      if (!fl_frame_reader_next (lane->reader, &kind, &id, &body, &error))
        {
          if (error != NULL)
            {
              why = g_strdup_printf ("sent a malformed frame: %s", error->message);
              lane_lose_worker (lane, why, FL_ERROR, FL_ERROR_PROTOCOL);
            }
          return;
        }
      if (!lane_handle_frame (lane, kind, id, body, &why))
        {
          g_autofree char *full = g_strdup_printf ("broke the protocol: %s", why);

          lane_lose_worker (lane, full, FL_ERROR, FL_ERROR_PROTOCOL);
          return;
        }
    }
}

/* The lane thread ----------------------------------------------------------------------- */

static void
lane_drain_wake (Lane *lane)
{
  guint64 count;

  while (read (lane->wake_fd, &count, sizeof count) < 0 && errno == EINTR)
    ;
}

/* Starts a kill for a cancel or terminate(); escalates to SIGKILL after the grace. */
static void
lane_check_kill (Lane *lane)
{
  Pool *pool = lane->pool;
  gboolean terminate, broken;
  gint64 now = g_get_monotonic_time ();

  if (lane->pid == 0)
    return;

  fl_mutex_lock (&pool->mutex);
  terminate = pool->terminate;
  broken = pool->broken;
  fl_mutex_unlock (&pool->mutex);

  if ((broken || terminate) && lane->current != NULL && !lane->killing)
    {
      /* terminate(): cancel the job first, so it ends CANCELLED. A broken pool fails it. */
      lane->killing = terminate;
      if (terminate && lane->cancellable != NULL)
        g_cancellable_cancel (lane->cancellable);
      lane_signal (lane, SIGKILL);
      lane->kill_deadline = now;
      return;
    }

  if (lane->current != NULL && !lane->killing && g_atomic_int_get (&lane->cancel_requested))
    {
      lane->killing = TRUE;
      lane_signal (lane, SIGTERM);
      lane->kill_deadline = now + g_atomic_int_get (&pool->kill_grace_us);
      return;
    }

  if (lane->killing && lane->kill_deadline > 0 && now >= lane->kill_deadline)
    {
      lane_signal (lane, SIGKILL);
      lane->kill_deadline = 0;
    }
}

/* Returns %TRUE when the lane should end. */
static gboolean
lane_take_work (Lane *lane)
{
  Pool *pool = lane->pool;
  gboolean stop;

  while (lane->current == NULL)
    {
      g_autoptr(FlFuture) future = NULL;

      lane_adopt_handoff (lane);
      if (lane->current != NULL)
        break;
      /* A worker being killed takes no new job: wait for its replacement. */
      if (lane->killing)
        return FALSE;
      /* No worker (waiting to try again): leave the jobs to lanes that have one, unless
       * none has, in which case a job fails now rather than wait for nobody. */
      if (lane->pid == 0 && (lane_is_awaiting_slot (lane) || pool_has_ready_worker (pool)))
        {
          fl_mutex_lock (&pool->mutex);
          lane->idle = FALSE;
          stop = pool->broken || pool->terminate || (pool->shutdown && pool->queue.length == 0);
          fl_mutex_unlock (&pool->mutex);
          return stop;
        }

      fl_mutex_lock (&pool->mutex);
      if (lane->handoff != NULL)
        {
          fl_mutex_unlock (&pool->mutex);   /* sent just now: take it over first */
          continue;
        }
      if (pool->broken || pool->terminate
          || (pool->shutdown && pool->queue.length == 0))
        {
          lane->idle = FALSE;
          fl_mutex_unlock (&pool->mutex);
          return TRUE;
        }
      future = g_queue_pop_head (&pool->queue);
      lane->idle = (future == NULL);
      fl_mutex_unlock (&pool->mutex);

      if (future == NULL)
        return FALSE;
      lane_start_job (lane, future);
    }
  return FALSE;
}

static void
lane_close_worker (Lane *lane)
{
  g_autofree char *how = NULL;
  int pid = lane->pid;

  if (lane->pid == 0)
    return;

  /* Idle: closing the socket is the worker's cue to exit(0). */
  lane_close_socket (lane);
  lane_drain_log (lane, TRUE, g_get_monotonic_time () + G_USEC_PER_SEC);
  how = lane_reap (lane, FALSE);
  g_debug ("worker process %u (pid %d) closed: %s", lane->index + 1, pid, how);
  if (lane->pending_log != NULL && lane->pending_log->len > 0)
    g_debug ("worker process %u said: %s", lane->index + 1, lane->pending_log->str);
}

static gpointer
lane_main (gpointer data)
{
  Lane *lane = data;
  Pool *pool = lane->pool;
  gboolean last;

  lane_try_spawn (lane);

  for (;;)
    {
      struct pollfd fds[3];
      int n_fds = 0, timeout = -1;
      int sock_index = -1, log_index = -1;

      if (lane->pid == 0 && lane->respawn_at > 0
          && g_get_monotonic_time () >= lane->respawn_at)
        lane_try_spawn (lane);
      else if (lane->pid == 0 && lane_is_awaiting_slot (lane))
        lane_try_spawn (lane);

      if (lane_take_work (lane))
        break;

      lane_check_kill (lane);
      if (lane->kill_deadline > 0)
        timeout = (int) MAX (0, (lane->kill_deadline - g_get_monotonic_time () + 999) / 1000);
      if (lane->pid == 0 && lane->respawn_at > 0)
        {
          int until_respawn = (int) MAX (0, (lane->respawn_at - g_get_monotonic_time () + 999)
                                            / 1000);

          timeout = timeout < 0 ? until_respawn : MIN (timeout, until_respawn);
        }

      fds[n_fds++] = (struct pollfd) { lane->wake_fd, POLLIN, 0 };
      if (lane->sock_fd >= 0)
        {
          sock_index = n_fds;
          fds[n_fds++] = (struct pollfd) { lane->sock_fd, POLLIN, 0 };
        }
      if (lane->log_fd >= 0)
        {
          log_index = n_fds;
          fds[n_fds++] = (struct pollfd) { lane->log_fd, POLLIN, 0 };
        }

      if (poll (fds, n_fds, timeout) < 0)
        {
          if (errno == EINTR)
            continue;
          g_critical ("worker process %u: poll: %s", lane->index + 1, g_strerror (errno));
          break;
        }

      if (fds[0].revents != 0)
        lane_drain_wake (lane);
      if (log_index >= 0 && fds[log_index].revents != 0)
        lane_drain_log (lane, FALSE, 0);
      if (sock_index >= 0 && fds[sock_index].revents != 0 && lane->sock_fd >= 0)
        lane_read_socket (lane);
    }

  /* Leaving: settle a job still here (broken or terminated pool), then the worker. */
  if (lane->current != NULL && lane->pid != 0)
    lane_lose_worker (lane, NULL, FL_ERROR, FL_ERROR_WORKER_DIED);
  if (lane->current != NULL)
    lane_finish_job (lane, NULL, g_error_new_literal (FL_ERROR, FL_ERROR_SHUTDOWN,
                                                      "The pool stopped"));
  lane_close_worker (lane);
  if (lane->pending_log != NULL)
    g_string_free (g_steal_pointer (&lane->pending_log), TRUE);

  fl_mutex_lock (&pool->mutex);
  lane->awaiting_slot = FALSE;
  lane_release_slot_locked (lane);
  /* A worker that never said hello still counts, so wait_ready() cannot hang. */
  last = --pool->n_alive == 0;
  if (last)
    pool->n_started = MAX (pool->n_started, pool->n_lanes);
  fl_cond_broadcast (&pool->cond);
  fl_mutex_unlock (&pool->mutex);

  if (last)
    live_remove (pool);

  pool_unref (pool);
  return NULL;
}

/* FlExecutor ---------------------------------------------------------------------------- */

static gboolean
fl_process_executor_schedule (FlExecutor  *executor,
                              FlFuture    *future,
                              GError     **error)
{
  FlProcessExecutor *self = FL_PROCESS_EXECUTOR (executor);
  Pool *pool = self->pool;
  const FlJobInfo *job = _fl_future_get_job (future);
  Lane *wake = NULL;

  if (job == NULL)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_NOT_SUPPORTED,
                   "“%s” runs registered jobs only: a C function cannot cross into a "
                   "worker process", fl_executor_get_display_name (executor));
      return FALSE;
    }

  fl_mutex_lock (&pool->mutex);
  if (pool->broken)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_BROKEN_POOL,
                   "The pool is broken (%s): it refuses new work", pool->broken_reason);
      fl_mutex_unlock (&pool->mutex);
      return FALSE;
    }
  if (pool->shutdown)
    {
      fl_mutex_unlock (&pool->mutex);
      g_set_error (error, FL_ERROR, FL_ERROR_SHUTDOWN,
                   "Cannot submit to “%s”: it has been shut down",
                   fl_executor_get_display_name (executor));
      return FALSE;
    }
  for (guint i = 0; i < pool->n_lanes; i++)
    if (pool->lanes[i].idle)
      {
        wake = &pool->lanes[i];
        wake->idle = FALSE;             /* claimed: the next job wakes another lane */
        break;
      }

  /* The fast path: an idle worker gets the job from this thread, and its lane thread
   * wakes only for the reply. That saves a thread wake-up per job (a third of the round
   * trip). The socket is empty, so a small frame goes in whole, without blocking. A gated
   * future goes through the lane, which waits at the gate (never the submitting thread). */
  if (wake != NULL && wake->sock_fd >= 0 && _fl_future_get_gate (future) == NULL)
    {
      g_autoptr(GBytes) frame = encode_job (future);
      gsize length;
      const guint8 *data = g_bytes_get_data (frame, &length);

      if (length <= DIRECT_MAX && _fl_future_set_running (future, FL_LANE_PROCESS,
                                                          (int) wake->index))
        {
          gssize sent = send (wake->sock_fd, data, length, MSG_NOSIGNAL | MSG_DONTWAIT);

          /* Whatever happened, the lane owns the job now: it sends the rest, or finds
           * its worker dead and fails the job as for any other death. */
          wake->handoff = g_object_ref (future);
          wake->handoff_frame = g_steal_pointer (&frame);
          wake->handoff_sent = MAX (sent, 0);
          /* Watched from now on, so that a cancel wakes the lane even before it has
           * taken the job over (it only wakes for the reply otherwise). */
          wake->handoff_handler = watch_cancellable (wake, future, &wake->handoff_cancellable);
          fl_mutex_unlock (&pool->mutex);
          if (sent != (gssize) length)
            lane_wake (wake);
          return TRUE;
        }
    }

  g_queue_push_tail (&pool->queue, g_object_ref (future));
  fl_mutex_unlock (&pool->mutex);

  if (wake != NULL)
    lane_wake (wake);
  return TRUE;
}

static void
fl_process_executor_shutdown (FlExecutor *executor,
                              gboolean    wait,
                              gboolean    cancel_futures)
{
  FlProcessExecutor *self = FL_PROCESS_EXECUTOR (executor);
  Pool *pool = self->pool;
  GQueue cancelled = G_QUEUE_INIT;

  fl_mutex_lock (&pool->mutex);
  pool->shutdown = TRUE;
  if (cancel_futures)
    {
      cancelled = pool->queue;
      g_queue_init (&pool->queue);
    }
  fl_mutex_unlock (&pool->mutex);

  for (GList *l = cancelled.head; l != NULL; l = l->next)
    fl_future_cancel (l->data);
  g_queue_clear_full (&cancelled, g_object_unref);
  pool_wake_all (pool);

  if (wait)
    {
      fl_mutex_lock (&pool->mutex);
      while (pool->n_alive > 0)
        fl_cond_wait (&pool->cond, &pool->mutex);
      fl_mutex_unlock (&pool->mutex);
    }
}

static FlLaneKind
fl_process_executor_get_lane_kind (FlExecutor *executor)
{
  return FL_LANE_PROCESS;
}

static void
fl_process_executor_constructed (GObject *object)
{
  FlProcessExecutor *self = FL_PROCESS_EXECUTOR (object);
  Pool *pool = self->pool;
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  G_OBJECT_CLASS (fl_process_executor_parent_class)->constructed (object);

  pool->strict = self->strict;
  pool->worker_path = g_strdup (self->worker_path);
  pool->dispatcher = _fl_dispatcher_get (context);
  g_weak_ref_init (&pool->executor, self);
  pool->n_lanes = fl_executor_get_max_workers (FL_EXECUTOR (self));
  pool->lanes = g_new0 (Lane, pool->n_lanes);
  pool->max_starting = MAX (1, g_get_num_processors () - 1);

  for (guint i = 0; i < pool->n_lanes; i++)
    {
      Lane *lane = &pool->lanes[i];

      lane->pool = pool;
      lane->index = i;
      lane->sock_fd = -1;
      lane->log_fd = -1;
      lane->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (lane->wake_fd < 0)
        g_error ("eventfd: %s", g_strerror (errno));
    }

  /* Start every worker now, in parallel: the pool is warm before the first job. */
  pool->n_alive = pool->n_lanes;
  live_add (pool);
  for (guint i = 0; i < pool->n_lanes; i++)
    {
      g_autofree char *name = g_strdup_printf ("fl-process-%u", i + 1);

      pool_ref (pool);
      g_thread_unref (g_thread_new (name, lane_main, &pool->lanes[i]));
    }
}

static void
fl_process_executor_finalize (GObject *object)
{
  FlProcessExecutor *self = FL_PROCESS_EXECUTOR (object);

  /* As dropping a ProcessPoolExecutor without shutdown(): queued jobs still run, then
   * the lanes close their workers. Nothing waits here. */
  fl_process_executor_shutdown (FL_EXECUTOR (self), FALSE, FALSE);
  pool_unref (self->pool);
  g_free (self->worker_path);

  G_OBJECT_CLASS (fl_process_executor_parent_class)->finalize (object);
}

static void
fl_process_executor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FlProcessExecutor *self = FL_PROCESS_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_STRICT:
      g_value_set_boolean (value, self->strict);
      break;
    case PROP_WORKER_PATH:
      g_value_set_string (value, self->worker_path);
      break;
    case PROP_KILL_GRACE_MS:
      g_value_set_uint (value, fl_process_executor_get_kill_grace_ms (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_process_executor_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FlProcessExecutor *self = FL_PROCESS_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_STRICT:
      self->strict = g_value_get_boolean (value);
      break;
    case PROP_WORKER_PATH:
      g_free (self->worker_path);
      self->worker_path = g_value_dup_string (value);
      break;
    case PROP_KILL_GRACE_MS:
      fl_process_executor_set_kill_grace_ms (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_process_executor_class_init (FlProcessExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FlExecutorClass *executor_class = FL_EXECUTOR_CLASS (klass);

  object_class->constructed = fl_process_executor_constructed;
  atexit (join_all_at_exit);
  object_class->finalize = fl_process_executor_finalize;
  object_class->get_property = fl_process_executor_get_property;
  object_class->set_property = fl_process_executor_set_property;

  executor_class->schedule = fl_process_executor_schedule;
  executor_class->shutdown = fl_process_executor_shutdown;
  executor_class->get_lane_kind = fl_process_executor_get_lane_kind;

  /**
   * FlProcessExecutor:strict:
   *
   * Python's behaviour: the first worker that dies breaks the pool (every pending future
   * fails with %FL_ERROR_BROKEN_POOL, later submits are refused). Off by default: a dead
   * worker fails only its own future and is replaced.
   */
  properties[PROP_STRICT] =
    g_param_spec_boolean ("strict", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WORKER_PATH] =
    g_param_spec_string ("worker-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KILL_GRACE_MS] =
    g_param_spec_uint ("kill-grace-ms", NULL, NULL, 0, 60000, DEFAULT_KILL_GRACE_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlProcessExecutor::worker-started:
   * @lane: 0-based lane
   * @pid: the new worker's process id
   *
   * Emitted on the context that created the executor, after a worker was started (the
   * first time and as a replacement).
   */
  signals[SIGNAL_WORKER_STARTED] =
    g_signal_new ("worker-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_INT);
  /**
   * FlProcessExecutor::worker-exited:
   * @lane: 0-based lane
   * @pid: the worker's process id (already reaped)
   * @reason: "worker process 2 died: signal 11, Segmentation fault"
   *
   * Emitted on the context that created the executor when a worker died or was killed
   * (not when it was closed at shutdown).
   */
  signals[SIGNAL_WORKER_EXITED] =
    g_signal_new ("worker-exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_INT, G_TYPE_STRING);
}

static void
fl_process_executor_init (FlProcessExecutor *self)
{
  Pool *pool = g_new0 (Pool, 1);

  pool->ref = 1;
  fl_mutex_init (&pool->mutex);
  fl_cond_init (&pool->cond);
  g_queue_init (&pool->queue);
  pool->kill_grace_us = DEFAULT_KILL_GRACE_MS * 1000;
  self->pool = pool;
}

/* Public API ---------------------------------------------------------------------------- */

/**
 * fl_process_executor_new:
 * @max_workers: worker processes; 0 for one per core; negative is an error
 *
 * Starts the workers at once (in the background; see fl_process_executor_wait_ready()).
 *
 * Returns: (transfer full): a process-pool executor
 */
FlExecutor *
fl_process_executor_new (int max_workers)
{
  return fl_process_executor_new_full (max_workers, FALSE, NULL);
}

/**
 * fl_process_executor_new_full:
 * @max_workers: worker processes; 0 for one per core; negative is an error
 * @strict: break the pool on the first dead worker, as Python does
 * @worker_path: (nullable): the worker binary; %NULL to find it
 *
 * Returns: (transfer full) (nullable): a process-pool executor, or %NULL (with a critical
 *   warning) for a negative @max_workers; see fl_executor_check_max_workers()
 */
FlExecutor *
fl_process_executor_new_full (int         max_workers,
                              gboolean    strict,
                              const char *worker_path)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (!fl_executor_check_max_workers (max_workers, &error))
    {
      g_critical ("fl_process_executor_new: %s", error->message);
      return NULL;
    }
  if (max_workers == 0)
    max_workers = (int) g_get_num_processors ();
  name = g_strdup_printf (strict ? "process pool × %d (strict)" : "process pool × %d",
                          max_workers);
  return g_object_new (FL_TYPE_PROCESS_EXECUTOR,
                       "max-workers", max_workers,
                       "display-name", name,
                       "strict", strict,
                       "worker-path", worker_path,
                       NULL);
}

gboolean
fl_process_executor_get_strict (FlProcessExecutor *self)
{
  g_return_val_if_fail (FL_IS_PROCESS_EXECUTOR (self), FALSE);
  return self->strict;
}

/**
 * fl_process_executor_is_broken:
 *
 * Returns: %TRUE once a strict pool lost a worker and refuses work
 */
gboolean
fl_process_executor_is_broken (FlProcessExecutor *self)
{
  gboolean broken;

  g_return_val_if_fail (FL_IS_PROCESS_EXECUTOR (self), FALSE);

  fl_mutex_lock (&self->pool->mutex);
  broken = self->pool->broken;
  fl_mutex_unlock (&self->pool->mutex);
  return broken;
}

/**
 * fl_process_executor_wait_ready:
 * @timeout_us: how long to wait, or %FL_TIMEOUT_INFINITE
 *
 * Blocks until every worker has started and said hello (or failed to start). Use it to
 * time the pool's start-up, or to report a missing worker binary before the first job.
 *
 * Returns: %TRUE when all workers are up; %FALSE with @error (the first start failure,
 *   or %FL_ERROR_TIMEOUT)
 */
gboolean
fl_process_executor_wait_ready (FlProcessExecutor  *self,
                                gint64              timeout_us,
                                GError            **error)
{
  Pool *pool;
  gint64 end;
  gboolean ok = TRUE;

  g_return_val_if_fail (FL_IS_PROCESS_EXECUTOR (self), FALSE);

  pool = self->pool;
  end = timeout_us < 0 ? G_MAXINT64 : g_get_monotonic_time () + timeout_us;
  fl_mutex_lock (&pool->mutex);
  while (pool->n_started < pool->n_lanes && ok)
    ok = fl_cond_wait_until (&pool->cond, &pool->mutex, end)
         || pool->n_started >= pool->n_lanes;
  if (pool->start_error != NULL)
    {
      g_propagate_error (error, g_error_copy (pool->start_error));
      ok = FALSE;
    }
  else if (!ok)
    g_set_error (error, FL_ERROR, FL_ERROR_TIMEOUT,
                 "%u of %u workers started in time", pool->n_started, pool->n_lanes);
  fl_mutex_unlock (&pool->mutex);

  return ok;
}

/**
 * fl_process_executor_get_worker_pid:
 * @lane: 0-based lane
 *
 * Returns: the process id of the lane's current worker, or 0 when it has none
 */
int
fl_process_executor_get_worker_pid (FlProcessExecutor *self,
                                    guint              lane)
{
  int pid;

  g_return_val_if_fail (FL_IS_PROCESS_EXECUTOR (self), 0);
  g_return_val_if_fail (lane < self->pool->n_lanes, 0);

  fl_mutex_lock (&self->pool->mutex);
  pid = self->pool->lanes[lane].pid;
  fl_mutex_unlock (&self->pool->mutex);
  return pid;
}

/**
 * fl_process_executor_kill_worker:
 * @lane: 0-based lane
 * @signum: e.g. SIGKILL
 *
 * Sends @signum to the lane's worker, as an outside `kill` would: the "kill a worker"
 * button. The pool then behaves as for any dead worker (replace it, or break if strict).
 *
 * Returns: %TRUE if the lane had a worker to signal
 */
gboolean
fl_process_executor_kill_worker (FlProcessExecutor *self,
                                 guint              lane,
                                 int                signum)
{
  gboolean any;

  g_return_val_if_fail (FL_IS_PROCESS_EXECUTOR (self), FALSE);
  g_return_val_if_fail (lane < self->pool->n_lanes, FALSE);

  /* Under the lock: the lane reaps its worker under it too, so the pid is still this
   * worker's (alive, or a zombie not yet reaped). */
  fl_mutex_lock (&self->pool->mutex);
  any = self->pool->lanes[lane].pid > 0;
  if (any)
    kill (self->pool->lanes[lane].pid, signum);
  fl_mutex_unlock (&self->pool->mutex);
  return any;
}

/**
 * fl_process_executor_terminate:
 *
 * Stops now, for quitting mid-run: shuts down with cancel_futures, kills every worker
 * (running futures end CANCELLED) and returns once all of them are reaped.
 */
void
fl_process_executor_terminate (FlProcessExecutor *self)
{
  g_return_if_fail (FL_IS_PROCESS_EXECUTOR (self));

  fl_mutex_lock (&self->pool->mutex);
  self->pool->terminate = TRUE;
  fl_mutex_unlock (&self->pool->mutex);
  fl_executor_shutdown (FL_EXECUTOR (self), TRUE, TRUE);
}

guint
fl_process_executor_get_kill_grace_ms (FlProcessExecutor *self)
{
  g_return_val_if_fail (FL_IS_PROCESS_EXECUTOR (self), 0);
  return (guint) (g_atomic_int_get (&self->pool->kill_grace_us) / 1000);
}

/**
 * fl_process_executor_set_kill_grace_ms:
 *
 * How long a cancelled job's worker has between SIGTERM and SIGKILL.
 */
void
fl_process_executor_set_kill_grace_ms (FlProcessExecutor *self,
                                       guint              grace_ms)
{
  g_return_if_fail (FL_IS_PROCESS_EXECUTOR (self));
  g_return_if_fail (grace_ms <= 60000);

  if (fl_process_executor_get_kill_grace_ms (self) == grace_ms)
    return;
  g_atomic_int_set (&self->pool->kill_grace_us, (gint) grace_ms * 1000);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KILL_GRACE_MS]);
}

guint
_fl_process_executor_get_start_peak (FlProcessExecutor *self)
{
  guint peak;

  g_return_val_if_fail (FL_IS_PROCESS_EXECUTOR (self), 0);
  fl_mutex_lock (&self->pool->mutex);
  peak = self->pool->start_peak;
  fl_mutex_unlock (&self->pool->mutex);
  return peak;
}

void
_fl_process_executor_set_lost_worker_hook (FlProcessExecutor *self,
                                           GFunc              hook,
                                           gpointer           data)
{
  g_return_if_fail (FL_IS_PROCESS_EXECUTOR (self));

  g_atomic_pointer_set (&self->pool->lost_hook_data, data);
  g_atomic_pointer_set (&self->pool->lost_hook, hook);
}
