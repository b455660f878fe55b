/* fl-download-async.c: the async form of the download job, for the loop executor
 *
 * Runs entirely on the thread-default main context of the caller: send, then read the body
 * chunk by chunk, each step a callback, so hundreds of downloads share one thread the way
 * asyncio coroutines do. Only the final file write goes to a worker thread
 * (g_task_run_in_thread()), as the asyncio flags2 script hands save_flag() to
 * asyncio.to_thread(): disk writes have no async form worth the name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-download-private.h"

typedef struct
{
  FlDownloadRequest *req;
  SoupSession       *session;      /* borrowed: sessions live as long as the process */
  FlDeadline        *deadline;
  GCancellable      *cancellable;  /* the job's own, may be NULL */
  FlJobProgress     *progress;
  SoupMessage       *msg;
  FlInformationalGuard guard;
  GInputStream      *stream;
  FlDownloadBody     body;
  gboolean           reading_metadata;
  GBytes            *flag;
  guint              flag_status;
  char              *name;
  char              *path;
  guint8             buffer[16384];
} AsyncDownload;

static void
async_download_free (AsyncDownload *self)
{
  g_clear_pointer (&self->req, _fl_download_request_free);
  g_clear_pointer (&self->deadline, _fl_deadline_free);
  g_clear_object (&self->cancellable);
  _fl_download_guard_stop (&self->guard);
  g_clear_object (&self->msg);
  g_clear_object (&self->stream);
  _fl_download_body_clear (&self->body);
  g_clear_pointer (&self->flag, g_bytes_unref);
  g_free (self->name);
  g_free (self->path);
  g_free (self);
}

static void fetch (GTask *task, const char *url);

static void
return_result (GTask    *task,
               GVariant *result)
{
  g_task_return_pointer (task, g_variant_ref_sink (result), (GDestroyNotify) g_variant_unref);
  g_object_unref (task);
}

static void
return_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AsyncDownload *self = task_data;
  GError *error = NULL;
  char *path = NULL;

  if (fl_download_save_atomically (self->req->output, self->req->cc, self->flag,
                                   self->cancellable, &path, &error))
    g_task_return_pointer (task, path, g_free);
  else
    g_task_return_error (task, error);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  AsyncDownload *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->path = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->path == NULL)
    {
      return_error (task, error);
      return;
    }
  return_result (task, _fl_download_result_new (self->req, FL_DOWNLOAD_STATUS_OK,
                                                self->flag_status, g_bytes_get_size (self->flag),
                                                self->path, self->name));
}

static void
save (GTask *task)
{
  AsyncDownload *self = g_task_get_task_data (task);
  /* The save task borrows the download's data; the outer task keeps it alive until on_saved. */
  g_autoptr(GTask) save_task = g_task_new (NULL, NULL, on_saved, task);

  g_task_set_task_data (save_task, self, NULL);
  g_task_set_source_tag (save_task, save);
  g_task_run_in_thread (save_task, save_in_thread);
}

/* A body is complete (@bytes), or the answer was a 404 (@bytes NULL). */
static void
fetched (GTask  *task,
         GBytes *bytes)
{
  AsyncDownload *self = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_object (&self->stream);
  if (!self->reading_metadata)
    {
      self->flag_status = soup_message_get_status (self->msg);
      if (bytes == NULL)
        {
          return_result (task, _fl_download_result_new (self->req, FL_DOWNLOAD_STATUS_NOT_FOUND,
                                                        self->flag_status, 0, NULL, NULL));
          return;
        }
      if (!_fl_download_check_image (self->msg, bytes, &error))
        {
          return_error (task, error);
          return;
        }
      self->flag = g_bytes_ref (bytes);
      if (self->req->metadata)
        {
          self->reading_metadata = TRUE;
          fetch (task, self->req->metadata_url);
          return;
        }
    }
  else
    {
      if (bytes == NULL)
        {
          return_error (task, g_error_new_literal (FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_PROTOCOL,
                                                   _("The flag exists but its metadata.json does not")));
          return;
        }
      self->name = _fl_download_parse_metadata (self->req, bytes, &error);
      if (self->name == NULL)
        {
          return_error (task, error);
          return;
        }
    }

  if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
    return_error (task, error);
  else
    save (task);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  AsyncDownload *self = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0 && self->body.not_found
      && !(self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable)))
    {
      /* The status said it all; the connection will just not be reused. */
      g_clear_error (&error);
      fetched (task, NULL);
      return;
    }
  if (n < 0)
    {
      return_error (task, _fl_download_transport_error (self->req, error, self->deadline,
                                                        self->cancellable, TRUE));
      return;
    }
  if (n == 0 && self->body.not_found)
    {
      fetched (task, NULL);
      return;
    }
  if (n == 0)
    {
      g_autoptr(GBytes) bytes = _fl_download_body_end (&self->body, &error);

      if (bytes == NULL)
        return_error (task, error);
      else
        fetched (task, bytes);
      return;
    }
  if (!_fl_download_body_append (&self->body, self->buffer, n,
                                 self->reading_metadata ? NULL : self->progress, &error))
    {
      if (self->body.not_found)
        {
          g_clear_error (&error);
          fetched (task, NULL);
        }
      else
        return_error (task, error);
      return;
    }
  g_input_stream_read_async (self->stream, self->buffer, sizeof self->buffer, G_PRIORITY_DEFAULT,
                             _fl_deadline_get_cancellable (self->deadline), on_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  AsyncDownload *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  _fl_download_guard_stop (&self->guard);
  if (self->stream == NULL)
    {
      return_error (task, _fl_download_guard_error (&self->guard,
                                                    _fl_download_transport_error (self->req, error,
                                                                                  self->deadline,
                                                                                  self->cancellable,
                                                                                  FALSE)));
      return;
    }

  _fl_download_body_clear (&self->body);
  if (!_fl_download_body_start (&self->body, self->msg, self->req->max_bytes, &error))
    {
      return_error (task, error);
      return;
    }
  g_input_stream_read_async (self->stream, self->buffer, sizeof self->buffer, G_PRIORITY_DEFAULT,
                             _fl_deadline_get_cancellable (self->deadline), on_read, task);
}

static void
fetch (GTask      *task,
       const char *url)
{
  AsyncDownload *self = g_task_get_task_data (task);

  _fl_download_guard_stop (&self->guard);
  g_clear_object (&self->msg);
  self->msg = soup_message_new ("GET", url);
  if (self->msg == NULL)
    {
      return_error (task, g_error_new (FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_URL,
                                       _("Cannot request “%s”"), url));
      return;
    }
  _fl_download_guard_start (&self->guard, self->msg, self->deadline);
  soup_session_send_async (self->session, self->msg, G_PRIORITY_DEFAULT,
                           _fl_deadline_get_cancellable (self->deadline), on_sent, task);
}

/**
 * fl_download_flag_async:
 * @args: see fl_download_args_new()
 *
 * The job's async form: everything on the thread-default main context.
 */
void
fl_download_flag_async (GVariant            *args,
                        GCancellable        *cancellable,
                        FlJobProgress       *progress,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  AsyncDownload *self;
  GError *error = NULL;
  FlDownloadRequest *req;

  g_task_set_source_tag (task, fl_download_flag_async);
  /* Our own checks decide between cancelled, timed out and done: a result that is complete
   * when a late cancel arrives stays a result. */
  g_task_set_check_cancellable (task, FALSE);

  req = _fl_download_request_parse (args, &error);
  if (req == NULL)
    {
      return_error (task, error);
      return;
    }

  self = g_new0 (AsyncDownload, 1);
  self->req = req;
  self->session = _fl_http_session_get (req->max_conns, TRUE);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->progress = progress;
  self->deadline = _fl_deadline_new (cancellable, req->timeout_ms,
                                     g_main_context_get_thread_default ());
  g_task_set_task_data (task, self, (GDestroyNotify) async_download_free);

  fetch (task, req->url);
}

/**
 * fl_download_flag_finish:
 *
 * Returns: (transfer full): the result, as fl_download_flag() returns it, or %NULL
 */
GVariant *
fl_download_flag_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
