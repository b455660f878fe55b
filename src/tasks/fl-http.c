/* fl-http.c: shared libsoup sessions and per-request deadlines
 *
 * Sessions and libsoup 3 thread safety
 * ------------------------------------
 * Two SoupSessions per concurrency level are shared by every download of the process: one
 * for blocking jobs, used by all the worker threads at once, and one for async jobs on a main
 * loop (libsoup does not hand a connection opened by one thread to another, so one shared
 * pool would fill up with connections the other side cannot use). The blocking one relies
 * on this rule of libsoup >= 3.2 ("Client thread safety" in its documentation): only the API
 * that sends messages may be called from several threads at once, and the session must be
 * configured in the thread that created it, before any request. So a session is configured
 * entirely by its construct properties inside g_object_new() (max-conns, max-conns-per-host,
 * user agent), by whichever thread asks first, under a lock; nothing but soup_session_send()
 * and soup_session_send_async() is ever called on it afterwards; and it is never disposed
 * (that too would be a call from another thread): it lives, like a connection pool, as long
 * as the process. A message, its streams and its signals stay on the thread that sent it.
 *
 * max-conns and max-conns-per-host both follow the requested concurrency: libsoup's
 * default of 2 per host would silently serialise 20 concurrent downloads into 10 rounds.
 *
 * Deadlines
 * ---------
 * SoupSession:timeout is a whole number of seconds per I/O operation; a download needs a
 * total per-request limit (3.1 s by default). A deadline is a child GCancellable that fires
 * when the job's own cancellable fires or when its time runs out, and remembers which.
 * Deadlines wait in one queue per main context, served by a single GSource that wakes at the
 * earliest expiry (a hundred timeout sources would be walked by every loop iteration). Async
 * jobs use their own main context's queue, so every cancellation of a message happens on the
 * thread that sent it; sync jobs, blocked in a worker thread, use the queue of one small
 * timer thread (cancelling a blocking GIO call from another thread is what GCancellable is
 * for).
 *
 * HTTP/1.1 only
 * -------------
 * libsoup 3.2's connection manager makes an async message wait for any connection still
 * being opened to the same host, in case it turns out to be a shared HTTP/2 one, unless the
 * message is forced to HTTP/1.1. Against a server with a short listen queue (Python's
 * http.server: 5) every dropped SYN then stalls all the async downloads for the second the
 * kernel waits before resending it: 32 such seconds in one 20-flag run. The per-message switch
 * is private in libsoup 3.2; the only public one is SOUP_FORCE_HTTP1 in the environment, read
 * for every request, so it is set once, before main() and any thread, unless the user set it.
 * It also keeps https:// on HTTP/1.1, as the flags2 scripts' clients (requests, httpx) are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-http-private.h"

__attribute__((constructor)) static void
force_http1 (void)
{
  g_setenv ("SOUP_FORCE_HTTP1", "1", FALSE);
}

static GMutex sessions_lock;
static GHashTable *sessions;   /* key (max_conns, for_main_loop) -> SoupSession */

/**
 * _fl_http_session_get:
 * @max_conns: the concurrency the caller will use
 * @for_main_loop: whether for async jobs on a main loop rather than blocking jobs on workers
 *
 * Async jobs and blocking jobs get separate sessions: a connection opened by one thread is
 * not handed to another, so a pool shared by both would be full of idle connections the
 * other side cannot use, and every request would first have to close one of them.
 *
 * Returns: (transfer none): the process-wide session for @max_conns
 */
SoupSession *
_fl_http_session_get (guint    max_conns,
                      gboolean for_main_loop)
{
  SoupSession *session;
  gpointer key;

  max_conns = MAX (max_conns, 1);
  key = GUINT_TO_POINTER (max_conns << 1 | (for_main_loop ? 1 : 0));

  g_mutex_lock (&sessions_lock);
  if (sessions == NULL)
    sessions = g_hash_table_new (NULL, NULL);
  session = g_hash_table_lookup (sessions, key);
  if (session == NULL)
    {
      session = soup_session_new_with_options ("max-conns", max_conns,
                                               "max-conns-per-host", max_conns,
                                               "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION " ",
                                               NULL);
      g_hash_table_insert (sessions, key, session);
    }
  g_mutex_unlock (&sessions_lock);

  return session;
}

struct _FlDeadline
{
  GCancellable  *cancellable;
  GCancellable  *parent;
  gulong         parent_handler;
  gint64         expiry_us;     /* monotonic; 0 for none */
  GSequenceIter *iter;          /* in its queue while armed, under the queue's lock */
  struct _FlDeadlineQueue *queue;
  int            expired;       /* atomic */
  int            ref_count;     /* atomic */
};

/* One timer per main context, however many requests: a GSource whose ready time is the
 * earliest armed deadline. A hundred async downloads in flight would otherwise be a hundred
 * timeout sources, which the main loop walks on every iteration. */
typedef struct _FlDeadlineQueue
{
  GSource    source;
  GMutex     lock;
  GSequence *armed;             /* FlDeadline*, by expiry; each holds a reference, which
                                 * whoever takes it out releases, outside the lock */
} FlDeadlineQueue;

static GMutex queues_lock;
static GHashTable *queues;      /* GMainContext* (referenced) -> FlDeadlineQueue* */

/* A count of our own rather than a GArcBox: its atomics are compiled here, where
 * ThreadSanitizer sees that the free comes after the timer thread's last use (inside
 * GLib they are invisible to it, and the free looked like a race). */
static FlDeadline *
deadline_ref (FlDeadline *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

static void
deadline_unref (FlDeadline *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_clear_object (&self->cancellable);
  g_free (self);
}

static int
compare_expiry (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const FlDeadline *x = a, *y = b;

  return x->expiry_us < y->expiry_us ? -1 : x->expiry_us > y->expiry_us;
}

static void
queue_update_ready_time_locked (FlDeadlineQueue *queue)
{
  GSequenceIter *first = g_sequence_get_begin_iter (queue->armed);

  if (g_sequence_iter_is_end (first))
    g_source_set_ready_time (&queue->source, -1);
  else
    g_source_set_ready_time (&queue->source, ((FlDeadline *) g_sequence_get (first))->expiry_us);
}

static gboolean
queue_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  FlDeadlineQueue *queue = (FlDeadlineQueue *) source;
  gint64 now = g_get_monotonic_time ();
  GSList *expired = NULL;

  g_mutex_lock (&queue->lock);
  for (;;)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (queue->armed);
      FlDeadline *deadline;

      if (g_sequence_iter_is_end (first))
        break;
      deadline = g_sequence_get (first);
      if (deadline->expiry_us > now)
        break;
      g_sequence_remove (first);      /* its reference moves to the list */
      deadline->iter = NULL;
      expired = g_slist_prepend (expired, deadline);
    }
  queue_update_ready_time_locked (queue);
  g_mutex_unlock (&queue->lock);

  /* Cancelling runs the I/O's handlers: never under our lock. */
  for (GSList *l = expired; l != NULL; l = l->next)
    {
      FlDeadline *deadline = l->data;

      g_atomic_int_set (&deadline->expired, TRUE);
      g_cancellable_cancel (deadline->cancellable);
    }
  g_slist_free_full (expired, (GDestroyNotify) deadline_unref);
  return G_SOURCE_CONTINUE;
}

static void
queue_finalize (GSource *source)
{
  FlDeadlineQueue *queue = (FlDeadlineQueue *) source;

  g_sequence_free (queue->armed);
  g_mutex_clear (&queue->lock);
}

static GSourceFuncs queue_funcs = {
  .dispatch = queue_dispatch,
  .finalize = queue_finalize,
};

/* The queue of @context. Contexts that ever had a deadline are kept (referenced) for the
 * life of the process: in practice the main context and the timer thread's. */
static FlDeadlineQueue *
queue_for_context (GMainContext *context)
{
  FlDeadlineQueue *queue;

  if (context == NULL)
    context = g_main_context_default ();

  g_mutex_lock (&queues_lock);
  if (queues == NULL)
    queues = g_hash_table_new (NULL, NULL);
  queue = g_hash_table_lookup (queues, context);
  if (queue == NULL)
    {
      queue = (FlDeadlineQueue *) g_source_new (&queue_funcs, sizeof (FlDeadlineQueue));
      g_mutex_init (&queue->lock);
      queue->armed = g_sequence_new (NULL);
      g_source_set_static_name (&queue->source, "fl-download-deadlines");
      g_source_set_priority (&queue->source, G_PRIORITY_HIGH);
      g_source_attach (&queue->source, context);
      g_hash_table_insert (queues, g_main_context_ref (context), queue);
    }
  g_mutex_unlock (&queues_lock);
  return queue;
}

static gpointer
timer_thread_main (gpointer data)
{
  GMainContext *context = data;

  g_main_context_push_thread_default (context);
  for (;;)
    g_main_context_iteration (context, TRUE);
  return NULL;
}

static gpointer
start_timer_thread (gpointer data)
{
  GMainContext *context = g_main_context_new ();

  g_thread_unref (g_thread_new ("fl-download-timer", timer_thread_main, context));
  return context;
}

/**
 * _fl_deadline_thread_context:
 *
 * Returns: (transfer none): the context of the timer thread, for deadlines of sync jobs
 */
GMainContext *
_fl_deadline_thread_context (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, start_timer_thread, NULL);
}

static void
on_parent_cancelled (GCancellable *parent,
                     GCancellable *child)
{
  g_cancellable_cancel (child);
}

/**
 * _fl_deadline_new:
 * @parent: (nullable): the job's cancellable
 * @timeout_ms: the time limit, 0 for none
 * @timer_context: (nullable): whose thread fires the timer (%NULL: the global default)
 */
FlDeadline *
_fl_deadline_new (GCancellable *parent,
                  guint         timeout_ms,
                  GMainContext *timer_context)
{
  FlDeadline *self = g_new0 (FlDeadline, 1);

  self->ref_count = 1;
  self->cancellable = g_cancellable_new ();
  if (parent != NULL)
    {
      self->parent = g_object_ref (parent);
      /* Runs at once when @parent is already cancelled. */
      self->parent_handler = g_cancellable_connect (parent, G_CALLBACK (on_parent_cancelled),
                                                    g_object_ref (self->cancellable),
                                                    g_object_unref);
    }
  if (timeout_ms > 0)
    {
      FlDeadlineQueue *queue = queue_for_context (timer_context);

      self->queue = queue;
      self->expiry_us = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
      g_mutex_lock (&queue->lock);
      self->iter = g_sequence_insert_sorted (queue->armed, deadline_ref (self), compare_expiry,
                                             NULL);
      queue_update_ready_time_locked (queue);
      g_mutex_unlock (&queue->lock);
    }
  return self;
}

GCancellable *
_fl_deadline_get_cancellable (FlDeadline *self)
{
  return self->cancellable;
}

/**
 * _fl_deadline_expired:
 *
 * Returns: whether the timer ran out (as opposed to the job being cancelled)
 */
gboolean
_fl_deadline_expired (FlDeadline *self)
{
  return g_atomic_int_get (&self->expired);
}

void
_fl_deadline_free (FlDeadline *self)
{
  FlDeadline *armed = NULL;

  if (self->parent_handler != 0)
    g_cancellable_disconnect (self->parent, self->parent_handler);
  g_clear_object (&self->parent);
  if (self->queue != NULL)
    {
      g_mutex_lock (&self->queue->lock);
      if (self->iter != NULL)
        {
          armed = g_sequence_get (self->iter);
          g_sequence_remove (self->iter);
          self->iter = NULL;
          queue_update_ready_time_locked (self->queue);
        }
      g_mutex_unlock (&self->queue->lock);
      if (armed != NULL)
        deadline_unref (armed);
    }
  deadline_unref (self);
}
