/* fl-flag-server.c: the embedded flag server (HTTP on loopback, on its own thread)
 *
 * The SoupServer lives on a thread of its own with its own GMainContext: a front end whose main
 * loop is blocked on purpose (the sequential demo, the "freeze the UI" button) must not stop
 * the server from answering, or the demo would measure its own server instead of the client.
 * Everything that touches the SoupServer or its messages runs on that thread; other threads
 * only change the fault settings and read the statistics, both under @lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <string.h>

#include "fl-flag-server.h"
#include "fl-flag-store-private.h"

#define STREAM_TICK_MS 50
#define LISTEN_BACKLOG 1024
#define SWEEP_MS 250
#define ACCEPT_RETRY_MS 100
#define ACCEPT_BATCH 64

typedef enum
{
  OUTCOME_NONE,
  OUTCOME_OK,
  OUTCOME_NOT_FOUND,
  OUTCOME_ERROR,
  OUTCOME_DROPPED,
  OUTCOME_TRUNCATED,
} Outcome;

struct _FlFlagServer
{
  GObject parent_instance;

  /* Set before start, read-only while running. */
  char *address;
  guint port;

  GMutex lock;             /* guards config, stats, bound_port */
  FlFaultConfig *config;
  FlFlagServerStats stats;
  guint bound_port;

  /* Set before start, read-only while running. */
  guint idle_timeout_ms;
  guint max_connections;

  /* Owned by the server thread while it runs. */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GHashTable *active;      /* Request* set, each holding a ref */
  SoupServer *soup;        /* borrowed from the thread's stack */
  GSocket *listener;
  GSource *accept_source;  /* watching @listener, or the retry timer after a failed accept */
  GSource *sweep_source;
  GHashTable *connections; /* GSocketAddress* (remote, as libsoup hands it back) -> Connection* */

  /* Start handshake. */
  GCond started_cond;
  gboolean started;
  GError *start_error;
};

typedef struct
{
  FlFlagServer *server;          /* borrowed: the server outlives its thread's requests */
  SoupServerMessage *msg;        /* cleared when the request is finished */
  GSocketAddress *remote;        /* set when its connection is stolen */
  char *method;
  char *path;
  FlFaultDecision decision;
  guint bandwidth;
  gint64 started_us;
  GSource *timer;
  GBytes *content;
  gsize offset;
  Outcome outcome;
  guint status;
  guint64 bytes;
  gboolean done;
} Request;

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_PORT,
  N_PROPS
};

enum {
  REQUEST_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlFlagServer, fl_flag_server, G_TYPE_OBJECT)

static Request *
request_ref (Request *req)
{
  return g_atomic_rc_box_acquire (req);
}

static void
request_clear (Request *req)
{
  /* A pending timer holds a reference, so one can only be left here if its context was
   * destroyed under it; the source is gone already, only our reference remains. */
  g_clear_pointer (&req->timer, g_source_unref);
  g_clear_object (&req->msg);
  g_clear_object (&req->remote);
  g_clear_pointer (&req->content, g_bytes_unref);
  g_free (req->method);
  g_free (req->path);
}

static void
request_unref (Request *req)
{
  g_atomic_rc_box_release_full (req, (GDestroyNotify) request_clear);
}

static void
request_closure_notify (gpointer  data,
                        GClosure *closure)
{
  request_unref (data);
}

static void
request_clear_timer (Request *req)
{
  if (req->timer != NULL)
    {
      g_source_destroy (req->timer);
      g_clear_pointer (&req->timer, g_source_unref);
    }
}

static void
request_set_timer (Request     *req,
                   guint        interval_ms,
                   GSourceFunc  func)
{
  request_clear_timer (req);
  req->timer = g_timeout_source_new (interval_ms);
  g_source_set_callback (req->timer, func, request_ref (req), (GDestroyNotify) request_unref);
  g_source_attach (req->timer, req->server->context);
}

/* Ends a request once, whichever comes first: our own end of a stolen connection, or the
 * message's "finished"/"disconnected" signal. */
static void
request_finish (Request *req)
{
  FlFlagServer *self = req->server;
  g_autoptr(GMutexLocker) locker = NULL;
  Outcome outcome = req->outcome;

  if (req->done)
    return;
  req->done = TRUE;
  request_ref (req);
  request_clear_timer (req);

  /* A streamed body that the client abandoned halfway was not an OK answer. */
  if (outcome == OUTCOME_OK && req->content != NULL && req->offset < g_bytes_get_size (req->content))
    outcome = OUTCOME_NONE;

  locker = g_mutex_locker_new (&self->lock);
  self->stats.in_flight--;
  switch (outcome)
    {
    case OUTCOME_OK:
      self->stats.ok++;
      break;
    case OUTCOME_NOT_FOUND:
      self->stats.not_found++;
      break;
    case OUTCOME_ERROR:
      self->stats.errors++;
      break;
    case OUTCOME_DROPPED:
      self->stats.dropped++;
      break;
    case OUTCOME_TRUNCATED:
      self->stats.truncated++;
      break;
    case OUTCOME_NONE:
    default:
      break;
    }
  g_clear_pointer (&locker, g_mutex_locker_free);

  g_signal_emit (self, signals[REQUEST_FINISHED], 0, req->method, req->path, req->status,
                 req->bytes, g_get_monotonic_time () - req->started_us);

  g_clear_object (&req->msg);
  g_hash_table_remove (self->active, req);
  request_unref (req);
}

static void
on_message_finished (SoupServerMessage *msg,
                     Request           *req)
{
  request_finish (req);
}

/* libsoup 3.2 has no phrase for 418; the flags2 server answers "I'm a Teapot". */
static const char *
reason_phrase (guint status)
{
  return status == 418 ? "I'm a Teapot" : soup_status_get_phrase (status);
}

static void
respond_text (Request    *req,
              guint       status,
              const char *text)
{
  req->status = status;
  req->bytes = strlen (text);
  soup_server_message_set_status (req->msg, status, reason_phrase (status));
  soup_server_message_set_response (req->msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
  soup_server_message_unpause (req->msg);
}

static void close_stream (GIOStream *stream);
static void close_connection_to (FlFlagServer *self, GSocketAddress *remote);

static GIOStream *
steal_connection (Request *req)
{
  /* Stealing may finish and free the message: keep it alive until we are done with it. */
  g_autoptr(SoupServerMessage) msg = g_object_ref (req->msg);

  g_set_object (&req->remote, soup_server_message_get_remote_address (msg));
  return soup_server_message_steal_connection (msg);
}

static void
drop_connection (Request *req)
{
  g_autoptr(GIOStream) stream = NULL;

  req->outcome = OUTCOME_DROPPED;
  req->status = 0;
  stream = steal_connection (req);
  if (stream != NULL)
    close_stream (stream);
  close_connection_to (req->server, req->remote);
  request_finish (req);
}

/* --- connections --------------------------------------------------------------------------
 *
 * We accept connections ourselves and hand each to libsoup with soup_server_accept_iostream(),
 * rather than letting a SoupListener do it, for three reasons:
 *
 * - libsoup 3.2.3 never closes a kept-alive connection that its client closes while it is
 *   idle between requests (the next request's reader sees the end of the stream and nobody
 *   disconnects): every such connection stayed in CLOSE-WAIT with its fd for the life of the
 *   server. A SoupServer without listeners closes each connection once its request is
 *   answered, so no connection ever waits idle inside libsoup; every answer also says
 *   "Connection: close", so clients know not to reuse it.
 * - A connection that never sends a complete request head (idle, or a slowloris sending one
 *   byte at a time) is closed after the idle timeout; libsoup would wait for ever.
 * - Beyond the connection cap, new connections get a 503 and are closed at once instead of
 *   eating the process's file descriptors.
 */

typedef struct
{
  GSocketConnection *stream;
  GSocketAddress    *remote;     /* the key: libsoup hands this very object back */
  gint64             accepted_us;
  gboolean           got_headers;
} Connection;

static void
connection_free (Connection *conn)
{
  g_object_unref (conn->stream);
  g_object_unref (conn->remote);
  g_free (conn);
}

/* A stream libsoup lets go of is its own wrapper around ours; closing the wrapper is enough
 * for libsoup, and the socket underneath is closed through our own record of it. */
static void
close_stream (GIOStream *stream)
{
  if (G_IS_SOCKET_CONNECTION (stream))
    {
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));

      /* Shut down first: whatever libsoup still polls on it sees the end at once. */
      if (!g_socket_is_closed (socket))
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  g_io_stream_close (stream, NULL, NULL);
}

static void
close_connection_to (FlFlagServer   *self,
                     GSocketAddress *remote)
{
  Connection *conn = remote != NULL && self->connections != NULL
                     ? g_hash_table_lookup (self->connections, remote) : NULL;

  if (conn != NULL && !g_io_stream_is_closed (G_IO_STREAM (conn->stream)))
    close_stream (G_IO_STREAM (conn->stream));
}

static void
count_stat (FlFlagServer *self,
            guint64      *counter)
{
  g_mutex_lock (&self->lock);
  (*counter)++;
  g_mutex_unlock (&self->lock);
}

static void
update_open_connections (FlFlagServer *self)
{
  g_mutex_lock (&self->lock);
  self->stats.connections = g_hash_table_size (self->connections);
  g_mutex_unlock (&self->lock);
}

/* Forgets the connections that libsoup has closed since the last sweep: at the cap, a
 * burst of closed ones (a run that met the limit) would otherwise refuse the next clients
 * until the sweep came round. */
static void
prune_closed (FlFlagServer *self)
{
  GHashTableIter iter;
  Connection *conn;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    if (g_io_stream_is_closed (G_IO_STREAM (conn->stream)))
      g_hash_table_iter_remove (&iter);
  update_open_connections (self);
}

static gboolean
on_sweep (gpointer user_data)
{
  FlFlagServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 idle_us = (gint64) self->idle_timeout_ms * 1000;
  GHashTableIter iter;
  Connection *conn;

  prune_closed (self);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      if (!conn->got_headers && idle_us > 0 && now - conn->accepted_us > idle_us)
        {
          count_stat (self, &self->stats.timed_out);
          close_stream (G_IO_STREAM (conn->stream));
          g_hash_table_iter_remove (&iter);
        }
    }
  update_open_connections (self);
  if (g_hash_table_size (self->connections) > 0)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&self->sweep_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
ensure_sweep (FlFlagServer *self)
{
  if (self->sweep_source != NULL)
    return;
  self->sweep_source = g_timeout_source_new (SWEEP_MS);
  g_source_set_static_name (self->sweep_source, "fl-flag-server-sweep");
  g_source_set_callback (self->sweep_source, on_sweep, self, NULL);
  g_source_attach (self->sweep_source, self->context);
}

/* Written on a fresh connection, whose send buffer is empty: one non-blocking send is enough,
 * and whatever does not fit is simply not sent. */
static void
refuse_socket (GSocket *socket)
{
  static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                             "Content-Length: 24\r\nConnection: close\r\n\r\n"
                             "503 Too many connections";

  g_socket_set_blocking (socket, FALSE);
  g_socket_send (socket, busy, strlen (busy), NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_socket_close (socket, NULL);
}

static void watch_listener (FlFlagServer *self);
static guint default_max_connections (void);

static gboolean
on_accept_retry (gpointer user_data)
{
  FlFlagServer *self = user_data;

  g_clear_pointer (&self->accept_source, g_source_unref);
  watch_listener (self);
  return G_SOURCE_REMOVE;
}

static void
take_socket (FlFlagServer *self,
             GSocket      *socket)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GError) error = NULL;
  Connection *conn;

  if (local == NULL || remote == NULL)
    {
      /* Gone already (reset before we got to it). */
      g_socket_close (socket, NULL);
      return;
    }
  if (self->max_connections > 0 && g_hash_table_size (self->connections) >= self->max_connections)
    prune_closed (self);
  if (self->max_connections > 0 && g_hash_table_size (self->connections) >= self->max_connections)
    {
      count_stat (self, &self->stats.refused);
      refuse_socket (socket);
      return;
    }

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  conn = g_new0 (Connection, 1);
  conn->stream = g_socket_connection_factory_create_connection (socket);
  conn->remote = g_object_ref (remote);
  conn->accepted_us = g_get_monotonic_time ();
  g_hash_table_insert (self->connections, conn->remote, conn);
  update_open_connections (self);
  ensure_sweep (self);

  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (conn->stream), local, remote,
                                    &error))
    {
      close_stream (G_IO_STREAM (conn->stream));
      g_hash_table_remove (self->connections, remote);
      update_open_connections (self);
    }
}

static gboolean
on_incoming (GSocket      *listener,
             GIOCondition  condition,
             gpointer      user_data)
{
  FlFlagServer *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);

      if (socket != NULL)
        {
          take_socket (self, socket);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;

      /* Out of file descriptors, most likely: the pending connection stays in the backlog
       * and the listener stays readable, so stop watching it for a moment instead of
       * spinning, and try again. The process lives on; the clients see a slow server. */
      count_stat (self, &self->stats.accept_errors);
      g_clear_pointer (&self->accept_source, g_source_unref);
      self->accept_source = g_timeout_source_new (ACCEPT_RETRY_MS);
      g_source_set_callback (self->accept_source, on_accept_retry, self, NULL);
      g_source_attach (self->accept_source, self->context);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_listener (FlFlagServer *self)
{
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_static_name (self->accept_source, "fl-flag-server-accept");
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_incoming), self, NULL);
  g_source_attach (self->accept_source, self->context);
}

/* Request smuggling and hanging bodies: a head with both Content-Length and
 * Transfer-Encoding (libsoup follows the latter and would read what the former covers as a
 * second request), more than one Content-Length, or one that is not a plain number (libsoup
 * reads "-1" as 2^64 - 1 and waits for that many bytes). */
static gboolean
request_head_is_ambiguous (SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  guint n_length = 0, n_encoding = 0;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          const char *p = value;

          n_length++;
          while (*p == ' ' || *p == '\t')
            p++;
          if (*p == '\0')
            return TRUE;
          for (; *p != '\0' && *p != ' ' && *p != '\t'; p++)
            if (!g_ascii_isdigit (*p))
              return TRUE;
          while (*p == ' ' || *p == '\t')
            p++;
          if (*p != '\0' || strlen (value) > 18)
            return TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        n_encoding++;
    }
  return n_length > 1 || (n_length > 0 && n_encoding > 0);
}

typedef struct
{
  FlFlagServer   *server;
  GIOStream      *stream;
  GSocketAddress *remote;
  GBytes         *data;
  Request        *req;    /* nullable: to finish once written */
} Farewell;

static void
on_farewell_written (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Farewell *farewell = user_data;

  /* The client may be gone already; either way the connection ends here. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  close_stream (farewell->stream);
  close_connection_to (farewell->server, farewell->remote);
  if (farewell->req != NULL)
    {
      request_finish (farewell->req);
      request_unref (farewell->req);
    }
  g_object_unref (farewell->stream);
  g_clear_object (&farewell->remote);
  g_bytes_unref (farewell->data);
  g_free (farewell);
}

/* Writes @data on a stolen connection, then closes it. */
static void
write_and_close (FlFlagServer   *self,
                 GIOStream      *stream,
                 GSocketAddress *remote,
                 GBytes         *data,
                 Request        *req)
{
  Farewell *farewell = g_new0 (Farewell, 1);

  farewell->server = self;
  farewell->remote = remote != NULL ? g_object_ref (remote) : NULL;
  farewell->stream = stream;
  farewell->data = data;
  farewell->req = req != NULL ? request_ref (req) : NULL;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                   G_PRIORITY_DEFAULT, NULL, on_farewell_written, farewell);
}

typedef struct
{
  FlFlagServer      *server;
  SoupServerMessage *msg;
} Rejection;

static void
rejection_free (Rejection *rejection)
{
  g_object_unref (rejection->msg);
  g_free (rejection);
}

static gboolean
reject_bad_request (gpointer user_data)
{
  Rejection *rejection = user_data;
  SoupServerMessage *msg = rejection->msg;
  g_autoptr(GSocketAddress) remote = NULL;
  static const char text[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                             "Content-Length: 61\r\nConnection: close\r\n\r\n"
                             "400 Bad Request: ambiguous Content-Length or Transfer-Encoding";
  GIOStream *stream;

  remote = g_object_ref (soup_server_message_get_remote_address (msg));
  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    write_and_close (rejection->server, stream, remote,
                     g_bytes_new_static (text, strlen (text)), NULL);
  else
    close_connection_to (rejection->server, remote);
  return G_SOURCE_REMOVE;
}

static void
on_got_headers (SoupServerMessage *msg,
                FlFlagServer      *self)
{
  Connection *conn = g_hash_table_lookup (self->connections,
                                          soup_server_message_get_remote_address (msg));

  if (conn != NULL)
    conn->got_headers = TRUE;
  if (request_head_is_ambiguous (soup_server_message_get_request_headers (msg)))
    {
      GSource *later = g_idle_source_new ();
      Rejection *rejection = g_new0 (Rejection, 1);

      count_stat (self, &self->stats.bad_requests);
      /* Not from inside libsoup's reader: pause it, and answer from the next iteration. */
      soup_server_message_pause (msg);
      g_source_set_priority (later, G_PRIORITY_DEFAULT);
      rejection->server = self;
      rejection->msg = g_object_ref (msg);
      g_source_set_callback (later, reject_bad_request, rejection,
                             (GDestroyNotify) rejection_free);
      g_source_attach (later, self->context);
      g_source_unref (later);
    }
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    FlFlagServer      *self)
{
  /* One request per connection (see above), and every answer says so. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), self);
}

/* Headers that announce the whole body, half of it, then the connection closes: what a server
 * that crashes mid-response looks like to a client. Written by hand on the stolen connection,
 * since a SoupServer never sends fewer bytes than it announced. */
static void
truncate_response (Request    *req,
                   GBytes     *content,
                   const char *content_type)
{
  gsize size = g_bytes_get_size (content);
  gsize half = size / 2;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autofree char *head = NULL;
  GIOStream *stream;

  req->outcome = OUTCOME_TRUNCATED;
  req->status = SOUP_STATUS_OK;
  req->bytes = half;
  stream = steal_connection (req);
  if (stream == NULL)
    {
      request_finish (req);
      return;
    }

  head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT
                          "\r\nConnection: close\r\n\r\n", content_type, size);
  g_byte_array_append (buffer, (const guint8 *) head, strlen (head));
  g_byte_array_append (buffer, g_bytes_get_data (content, NULL), half);

  write_and_close (req->server, stream, req->remote,
                   g_byte_array_free_to_bytes (g_steal_pointer (&buffer)), req);
}

static gboolean
on_stream_tick (gpointer user_data)
{
  Request *req = user_data;
  SoupMessageBody *body;
  gsize size, chunk;

  if (req->done || req->msg == NULL)
    return G_SOURCE_REMOVE;

  body = soup_server_message_get_response_body (req->msg);
  size = g_bytes_get_size (req->content);
  chunk = MIN (MAX (1, req->bandwidth * STREAM_TICK_MS / 1000), size - req->offset);
  if (chunk > 0)
    {
      g_autoptr(GBytes) piece = g_bytes_new_from_bytes (req->content, req->offset, chunk);

      soup_message_body_append_bytes (body, piece);
      req->offset += chunk;
      req->bytes = req->offset;
    }
  if (req->offset >= size)
    soup_message_body_complete (body);
  soup_server_message_unpause (req->msg);

  if (req->offset >= size)
    {
      /* Returning REMOVE destroys the source; forget it without destroying it twice. */
      g_clear_pointer (&req->timer, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
respond_streaming (Request    *req,
                   GBytes     *content,
                   const char *content_type)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  req->outcome = OUTCOME_OK;
  req->status = SOUP_STATUS_OK;
  req->content = g_bytes_ref (content);
  req->offset = 0;

  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, content_type, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CONTENT_LENGTH);
  soup_message_headers_set_content_length (headers, g_bytes_get_size (content));
  soup_message_body_set_accumulate (soup_server_message_get_response_body (req->msg), FALSE);

  /* The first piece goes out now, the rest one per tick; libsoup pauses the message by itself
   * whenever it has written everything appended so far. */
  on_stream_tick (req);
  if (!req->done && req->offset < g_bytes_get_size (content))
    request_set_timer (req, STREAM_TICK_MS, on_stream_tick);
}

static void
respond (Request *req)
{
  g_autoptr(GBytes) content = NULL;
  const char *content_type = NULL;

  switch (req->decision.kind)
    {
    case FL_FAULT_DROP:
      drop_connection (req);
      return;

    case FL_FAULT_ERROR:
      {
        g_autofree char *text = g_strdup_printf ("%u %s\n", req->decision.status,
                                                 reason_phrase (req->decision.status));
        req->outcome = OUTCOME_ERROR;
        respond_text (req, req->decision.status, text);
        return;
      }

    case FL_FAULT_NONE:
    case FL_FAULT_TRUNCATE:
    default:
      break;
    }

  content = fl_flag_store_lookup (req->path, &content_type);
  if (content == NULL)
    {
      req->outcome = OUTCOME_NOT_FOUND;
      respond_text (req, SOUP_STATUS_NOT_FOUND, "404 Not Found\n");
    }
  else if (req->decision.kind == FL_FAULT_TRUNCATE && g_str_equal (req->method, SOUP_METHOD_GET))
    truncate_response (req, content, content_type);
  else if (req->bandwidth > 0 && g_str_equal (req->method, SOUP_METHOD_GET))
    respond_streaming (req, content, content_type);
  else
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

      req->outcome = OUTCOME_OK;
      req->status = SOUP_STATUS_OK;
      req->bytes = g_bytes_get_size (content);
      soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (headers, content_type, NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), content);
      soup_server_message_unpause (req->msg);
    }
}

static gboolean
on_delay_done (gpointer user_data)
{
  Request *req = user_data;

  g_clear_pointer (&req->timer, g_source_unref);
  if (!req->done && req->msg != NULL)
    respond (req);
  return G_SOURCE_REMOVE;
}

static void
handle_flags (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FlFlagServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  Request *req;

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  req = g_atomic_rc_box_new0 (Request);
  req->server = self;
  req->msg = g_object_ref (msg);
  req->method = g_strdup (method);
  req->path = g_strdup (path);
  req->started_us = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  fl_fault_config_decide (self->config, path, &req->decision);
  if (query != NULL)
    fl_fault_decision_apply_time_scale (&req->decision, g_hash_table_lookup (query, "time-scale"));
  req->bandwidth = self->config->bandwidth;
  self->stats.requests++;
  self->stats.in_flight++;
  self->stats.max_in_flight = MAX (self->stats.max_in_flight, self->stats.in_flight);
  g_mutex_unlock (&self->lock);

  g_hash_table_add (self->active, req);
  g_signal_connect_data (msg, "finished", G_CALLBACK (on_message_finished), request_ref (req),
                         request_closure_notify, 0);
  g_signal_connect_data (msg, "disconnected", G_CALLBACK (on_message_finished), request_ref (req),
                         request_closure_notify, 0);

  /* Every answer, even an immediate one, leaves the handler first: stealing a connection from
   * inside the handler would pull the message out from under libsoup's own dispatch. */
  soup_server_message_pause (msg);
  request_set_timer (req, req->decision.delay_ms, on_delay_done);
}

static void
handle_other (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  static const char text[] = "404 Not Found: this server has /flags/<cc>/<cc>.gif and "
                             "/flags/<cc>/metadata.json\n";

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    text, strlen (text));
}

/* Our own listening socket with a backlog of 1024: GSocket's default of 10 makes the kernel
 * drop the SYNs of a burst of 20 or 100 simultaneous connections, and their clients retry
 * only after a second, which would show up as a mysterious 1 s in every concurrent run. */
static GSocket *
listen_on (GSocketAddress  *address,
           GError         **error)
{
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static guint
listening_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);

  return local != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
}

static void
report_started (FlFlagServer *self,
                guint         port,
                GError       *error)
{
  g_mutex_lock (&self->lock);
  self->bound_port = port;
  self->start_error = error;
  self->started = TRUE;
  g_cond_broadcast (&self->started_cond);
  g_mutex_unlock (&self->lock);
}

static gpointer
server_thread_main (gpointer data)
{
  FlFlagServer *self = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  Request *req;

  g_main_context_push_thread_default (self->context);

  server = soup_server_new ("server-header", "futures-lab-flags/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (server, "/flags", handle_flags, self, NULL);
  soup_server_add_handler (server, NULL, handle_other, self, NULL);

  address = g_inet_socket_address_new_from_string (self->address, self->port);
  if (address == NULL)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not an IP address"), self->address);
  else
    self->listener = listen_on (address, &error);

  if (error != NULL)
    {
      report_started (self, 0, g_steal_pointer (&error));
      g_main_context_pop_thread_default (self->context);
      return NULL;
    }

  self->soup = server;
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), self);
  watch_listener (self);
  report_started (self, listening_port (self->listener), NULL);
  g_main_loop_run (self->loop);

  /* Requests still waiting out their delay end here, on the thread that owns them. */
  g_hash_table_iter_init (&iter, self->active);
  while (g_hash_table_iter_next (&iter, (gpointer *) &req, NULL))
    request_clear_timer (req);
  if (self->accept_source != NULL)
    g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  soup_server_disconnect (server);
  g_clear_object (&server);
  self->soup = NULL;
  while (g_main_context_iteration (self->context, FALSE))
    ;
  /* Whatever libsoup no longer knew about (stolen, or waiting for its head) closes here. */
  g_hash_table_iter_init (&iter, self->connections);
  {
    Connection *conn;

    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
      if (!g_io_stream_is_closed (G_IO_STREAM (conn->stream)))
        close_stream (G_IO_STREAM (conn->stream));
  }
  while (g_main_context_iteration (self->context, FALSE))
    ;
  if (self->sweep_source != NULL)
    g_source_destroy (self->sweep_source);
  g_clear_pointer (&self->sweep_source, g_source_unref);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_mutex_lock (&self->lock);
  self->stats.connections = 0;
  g_mutex_unlock (&self->lock);
  g_hash_table_remove_all (self->active);

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/**
 * fl_flag_server_start:
 *
 * Starts the server thread and waits until it listens (or failed to).
 */
gboolean
fl_flag_server_start (FlFlagServer  *self,
                      GError       **error)
{
  GError *start_error;

  g_return_val_if_fail (FL_IS_FLAG_SERVER (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  if (self->max_connections == 0)
    self->max_connections = default_max_connections ();
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->active = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) request_unref, NULL);
  self->started = FALSE;
  self->thread = g_thread_new ("fl-flag-server", server_thread_main, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->started_cond, &self->lock);
  start_error = g_steal_pointer (&self->start_error);
  g_mutex_unlock (&self->lock);

  if (start_error != NULL)
    {
      g_propagate_error (error, start_error);
      fl_flag_server_stop (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/**
 * fl_flag_server_stop:
 *
 * Closes every connection and joins the server thread. Safe to call when not running.
 */
void
fl_flag_server_stop (FlFlagServer *self)
{
  g_autoptr(GSource) quit = NULL;

  g_return_if_fail (FL_IS_FLAG_SERVER (self));

  if (self->thread == NULL)
    return;

  /* An idle attached to the server's context, not g_main_context_invoke(): before the loop
   * runs, invoke could run the quit right here and the loop would then start anyway. */
  quit = g_idle_source_new ();
  g_source_set_callback (quit, quit_loop, g_main_loop_ref (self->loop),
                         (GDestroyNotify) g_main_loop_unref);
  g_source_attach (quit, self->context);
  g_thread_join (g_steal_pointer (&self->thread));

  g_clear_pointer (&self->active, g_hash_table_unref);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_lock (&self->lock);
  self->bound_port = 0;
  g_mutex_unlock (&self->lock);
}

gboolean
fl_flag_server_is_running (FlFlagServer *self)
{
  g_return_val_if_fail (FL_IS_FLAG_SERVER (self), FALSE);

  return self->thread != NULL;
}

/**
 * fl_flag_server_get_port:
 *
 * Returns: the port it listens on (the ephemeral one picked when asked for 0), or 0 when
 *   not running
 */
guint
fl_flag_server_get_port (FlFlagServer *self)
{
  guint port;

  g_return_val_if_fail (FL_IS_FLAG_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  port = self->bound_port;
  g_mutex_unlock (&self->lock);
  return port;
}

/**
 * fl_flag_server_dup_base_url:
 *
 * Returns: (transfer full) (nullable): e.g. "http://127.0.0.1:41234/flags", the base the
 *   download jobs append "/<cc>/<cc>.gif" to; %NULL when not running
 */
char *
fl_flag_server_dup_base_url (FlFlagServer *self)
{
  guint port = fl_flag_server_get_port (self);
  const char *host = self->address;

  if (port == 0)
    return NULL;
  /* A wildcard address is not somewhere to connect to; loopback reaches it. */
  if (g_str_equal (host, "0.0.0.0"))
    host = "127.0.0.1";
  else if (g_str_equal (host, "::"))
    host = "::1";
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u/flags", host, port);
  return g_strdup_printf ("http://%s:%u/flags", host, port);
}

/**
 * fl_flag_server_dup_fault_config:
 *
 * Returns: (transfer full): a copy of the fault settings in force
 */
FlFaultConfig *
fl_flag_server_dup_fault_config (FlFlagServer *self)
{
  FlFaultConfig *copy;

  g_return_val_if_fail (FL_IS_FLAG_SERVER (self), NULL);

  g_mutex_lock (&self->lock);
  copy = fl_fault_config_copy (self->config);
  g_mutex_unlock (&self->lock);
  return copy;
}

/**
 * fl_flag_server_set_fault_config:
 *
 * Replaces the fault settings, from any thread, running or not. Requests already received
 * keep the fate they were given.
 */
void
fl_flag_server_set_fault_config (FlFlagServer        *self,
                                 const FlFaultConfig *config)
{
  FlFaultConfig *copy;

  g_return_if_fail (FL_IS_FLAG_SERVER (self));
  g_return_if_fail (config != NULL);

  copy = fl_fault_config_copy (config);
  g_mutex_lock (&self->lock);
  fl_fault_config_free (self->config);
  self->config = copy;
  g_mutex_unlock (&self->lock);
}

void
fl_flag_server_get_stats (FlFlagServer      *self,
                          FlFlagServerStats *stats)
{
  g_return_if_fail (FL_IS_FLAG_SERVER (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

/**
 * fl_flag_server_get_max_in_flight:
 *
 * Returns: the most requests the server was handling at the same time since start or the
 *   last reset: how much concurrency a client really reached
 */
guint
fl_flag_server_get_max_in_flight (FlFlagServer *self)
{
  FlFlagServerStats stats;

  fl_flag_server_get_stats (self, &stats);
  return stats.max_in_flight;
}

/**
 * fl_flag_server_reset_stats:
 *
 * Zeroes the counters; requests in flight stay counted as in flight.
 */
void
fl_flag_server_reset_stats (FlFlagServer *self)
{
  guint in_flight, connections;

  g_return_if_fail (FL_IS_FLAG_SERVER (self));

  g_mutex_lock (&self->lock);
  in_flight = self->stats.in_flight;
  connections = self->stats.connections;
  memset (&self->stats, 0, sizeof self->stats);
  self->stats.in_flight = in_flight;
  self->stats.connections = connections;
  self->stats.max_in_flight = in_flight;
  g_mutex_unlock (&self->lock);
}

void
fl_flag_server_set_address (FlFlagServer *self,
                            const char   *address)
{
  g_return_if_fail (FL_IS_FLAG_SERVER (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (self->thread == NULL);

  if (g_strcmp0 (self->address, address) == 0)
    return;
  g_free (self->address);
  self->address = g_strdup (address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

/**
 * fl_flag_server_set_limits:
 * @idle_timeout_ms: how long a connection may go without a complete request head, 0 for no
 *   limit (default %FL_FLAG_SERVER_IDLE_TIMEOUT_MS)
 * @max_connections: the most connections open at once, 0 for the default
 *   (%FL_FLAG_SERVER_MAX_CONNECTIONS, or half the open-file limit when that is less)
 *
 * Only before starting.
 */
void
fl_flag_server_set_limits (FlFlagServer *self,
                           guint         idle_timeout_ms,
                           guint         max_connections)
{
  g_return_if_fail (FL_IS_FLAG_SERVER (self));
  g_return_if_fail (self->thread == NULL);

  self->idle_timeout_ms = idle_timeout_ms;
  self->max_connections = max_connections;
}

static guint
default_max_connections (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
      && limit.rlim_cur / 2 < FL_FLAG_SERVER_MAX_CONNECTIONS)
    return MAX (limit.rlim_cur / 2, 1);
  return FL_FLAG_SERVER_MAX_CONNECTIONS;
}

void
fl_flag_server_set_port (FlFlagServer *self,
                         guint         port)
{
  g_return_if_fail (FL_IS_FLAG_SERVER (self));
  g_return_if_fail (port <= G_MAXUINT16);
  g_return_if_fail (self->thread == NULL);

  if (self->port == port)
    return;
  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/**
 * fl_flag_server_new:
 * @config: (nullable): fault settings, copied; %NULL for the LOCAL preset
 *
 * A server for 127.0.0.1 on an ephemeral port until told otherwise. Not started.
 */
FlFlagServer *
fl_flag_server_new (const FlFaultConfig *config)
{
  FlFlagServer *self = g_object_new (FL_TYPE_FLAG_SERVER, NULL);

  if (config != NULL)
    fl_flag_server_set_fault_config (self, config);
  return self;
}

static void
fl_flag_server_dispose (GObject *object)
{
  fl_flag_server_stop (FL_FLAG_SERVER (object));

  G_OBJECT_CLASS (fl_flag_server_parent_class)->dispose (object);
}

static void
fl_flag_server_finalize (GObject *object)
{
  FlFlagServer *self = FL_FLAG_SERVER (object);

  g_free (self->address);
  fl_fault_config_free (self->config);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->started_cond);

  G_OBJECT_CLASS (fl_flag_server_parent_class)->finalize (object);
}

static void
fl_flag_server_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FlFlagServer *self = FL_FLAG_SERVER (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_flag_server_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FlFlagServer *self = FL_FLAG_SERVER (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      fl_flag_server_set_address (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      fl_flag_server_set_port (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_flag_server_class_init (FlFlagServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_flag_server_dispose;
  object_class->finalize = fl_flag_server_finalize;
  object_class->get_property = fl_flag_server_get_property;
  object_class->set_property = fl_flag_server_set_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, "127.0.0.1",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlFlagServer::request-finished:
   * @method: "GET" or "HEAD"
   * @path: the request path
   * @status: the status sent, 0 for a dropped connection
   * @bytes: body bytes sent
   * @duration_us: from receiving the request to its end
   *
   * Emitted on the server thread, not the main thread, once per request under /flags.
   */
  signals[REQUEST_FINISHED] =
    g_signal_new ("request-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT,
                  G_TYPE_UINT64, G_TYPE_INT64);
}

static void
fl_flag_server_init (FlFlagServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->started_cond);
  self->address = g_strdup ("127.0.0.1");
  self->idle_timeout_ms = FL_FLAG_SERVER_IDLE_TIMEOUT_MS;
  self->config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
}
