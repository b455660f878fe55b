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
 * when the job's own cancellable fires or when a timer runs out, and remembers which. Async
 * jobs put the timer on their own main context, so every cancellation of a message happens
 * on the thread that sent it; sync jobs, blocked in a worker thread, get theirs from one
 * small timer thread (cancelling a blocking GIO call from another thread is what
 * GCancellable is for).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-http-private.h"

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
  GCancellable *cancellable;
  GCancellable *parent;
  gulong        parent_handler;
  GSource      *timer;
  int           expired;      /* atomic */
};

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
deadline_clear (FlDeadline *self)
{
  g_clear_object (&self->cancellable);
}

static void
deadline_release (FlDeadline *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) deadline_clear);
}

static gboolean
on_timeout (gpointer data)
{
  FlDeadline *self = data;

  g_atomic_int_set (&self->expired, TRUE);
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
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
 * @timer_context: where the timer runs
 */
FlDeadline *
_fl_deadline_new (GCancellable *parent,
                  guint         timeout_ms,
                  GMainContext *timer_context)
{
  FlDeadline *self = g_atomic_rc_box_new0 (FlDeadline);

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
      self->timer = g_timeout_source_new (timeout_ms);
      g_source_set_callback (self->timer, on_timeout, g_atomic_rc_box_acquire (self),
                             (GDestroyNotify) deadline_release);
      g_source_attach (self->timer, timer_context);
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
  if (self->parent_handler != 0)
    g_cancellable_disconnect (self->parent, self->parent_handler);
  g_clear_object (&self->parent);
  if (self->timer != NULL)
    {
      /* The callback holds its own reference: it may be running right now elsewhere. */
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_atomic_rc_box_release_full (self, (GDestroyNotify) deadline_clear);
}
