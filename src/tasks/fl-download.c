/* fl-download.c: download one flag over HTTP and save it atomically
 *
 * The job "download-flag" has both forms the engine knows: a blocking one for worker threads
 * (soup_session_send() and blocking reads: the ThreadPoolExecutor + requests of the flags2
 * scripts) and an async one for the loop executor (soup_session_send_async() and async reads
 * on the main loop: the asyncio + httpx version, the executor's limit playing the semaphore).
 * Both share the checks below, so they cannot drift apart.
 *
 * Outcomes: a 200 saves {output}/{cc}.gif and returns status OK; a 404 returns NOT_FOUND and
 * writes nothing; everything else fails (FL_DOWNLOAD_ERROR, the HTTP status as the code for
 * HTTP errors); a cancelled job fails with G_IO_ERROR_CANCELLED, which the engine turns into
 * a CANCELLED future. The body is held in memory (at most 1 MiB) and written to a temporary
 * file that is renamed into place only once complete, so a cancelled, failed or interrupted
 * download never leaves a file behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fl-countries.h"
#include "fl-download.h"
#include "fl-download-private.h"
#include "fl-http-private.h"

#define DEFAULT_MAX_CONNS 10
#define READ_CHUNK        16384
#define NOT_FOUND_DRAIN_BYTES 65536

/* Not G_DEFINE_QUARK: its plain static is written by whichever worker thread fails
 * first while others read it, a data race (ThreadSanitizer reported it). */
GQuark
fl_download_error_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("fl-download-error-quark"));
  return (GQuark) quark;
}

void
_fl_download_request_free (FlDownloadRequest *req)
{
  g_free (req->cc);
  g_free (req->output);
  g_free (req->url);
  g_free (req->metadata_url);
  g_free (req);
}

static char *
printable (const char *text)
{
  /* Server- or user-supplied text goes into messages: valid UTF-8, short, no controls. */
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *escaped = g_strescape (valid, "\"\\");

  if (g_utf8_strlen (escaped, -1) > 40)
    {
      g_autofree char *cut = g_utf8_substring (escaped, 0, 40);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&escaped);
}

/**
 * _fl_download_request_parse:
 *
 * Reads and checks a job's arguments: "cc" (s, ^[a-z]{2}$), "base" (s, http or https URL),
 * "output" (s, folder), optional "timeout-ms" (u, 0 for none), "max-conns" (u),
 * "max-bytes" (u, at most 1 MiB) and "metadata" (b: also fetch metadata.json).
 */
FlDownloadRequest *
_fl_download_request_parse (GVariant  *args,
                            GError   **error)
{
  g_autoptr(FlDownloadRequest) req = g_new0 (FlDownloadRequest, 1);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *base = NULL;
  const char *scheme;
  gsize base_len;

  if (args == NULL || !g_variant_is_of_type (args, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error_literal (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                           _("A download takes a dictionary of arguments (a{sv})"));
      return NULL;
    }
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (args);

  if (!g_variant_dict_lookup (&dict, "cc", "s", &req->cc)
      || !g_variant_dict_lookup (&dict, "base", "s", &base)
      || !g_variant_dict_lookup (&dict, "output", "s", &req->output))
    {
      g_set_error_literal (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                           _("A download needs the strings “cc”, “base” and “output”"));
      return NULL;
    }

  /* The code becomes part of a file name: nothing but two lower-case letters gets there. */
  if (!fl_country_code_is_valid (req->cc))
    {
      g_autofree char *shown = printable (req->cc);
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_CODE,
                   _("“%s” is not a country code (two letters a-z)"), shown);
      return NULL;
    }

  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0
                         && g_ascii_strcasecmp (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_autofree char *shown = printable (base);
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_URL,
                   _("“%s” is not an http:// or https:// URL"), shown);
      return NULL;
    }
  base_len = strlen (base);
  while (base_len > 0 && base[base_len - 1] == '/')
    base[--base_len] = '\0';
  req->timeout_ms = FL_DOWNLOAD_DEFAULT_TIMEOUT_MS;
  g_variant_dict_lookup (&dict, "timeout-ms", "u", &req->timeout_ms);
  /* Slow motion: the embedded server reads the scale from the query and stretches its
   * delay; the time limit stretches with it, so a slowed run fails where the real one
   * would and nowhere else. */
  req->time_scale = 1.0;
  g_variant_dict_lookup (&dict, "time-scale", "d", &req->time_scale);
  if (!(req->time_scale > 0 && req->time_scale <= 1))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                   _("“time-scale” must be above 0 and at most 1"));
      return NULL;
    }
  if (req->time_scale != 1.0)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (number, sizeof number, "%g", req->time_scale);
      req->url = g_strdup_printf ("%s/%s/%s.gif?time-scale=%s", base, req->cc, req->cc, number);
      req->metadata_url = g_strdup_printf ("%s/%s/metadata.json?time-scale=%s", base, req->cc,
                                           number);
      req->timeout_ms = (guint) MIN (req->timeout_ms / req->time_scale, (double) G_MAXUINT32);
    }
  else
    {
      req->url = g_strdup_printf ("%s/%s/%s.gif", base, req->cc, req->cc);
      req->metadata_url = g_strdup_printf ("%s/%s/metadata.json", base, req->cc);
    }
  req->max_conns = DEFAULT_MAX_CONNS;
  g_variant_dict_lookup (&dict, "max-conns", "u", &req->max_conns);
  req->max_conns = CLAMP (req->max_conns, 1, FL_DOWNLOAD_MAX_CONCURRENCY);
  req->max_bytes = FL_DOWNLOAD_MAX_BYTES;
  g_variant_dict_lookup (&dict, "max-bytes", "u", &req->max_bytes);
  if (req->max_bytes == 0 || req->max_bytes > FL_DOWNLOAD_MAX_BYTES)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                   _("“max-bytes” must be between 1 and %u"), FL_DOWNLOAD_MAX_BYTES);
      return NULL;
    }
  g_variant_dict_lookup (&dict, "metadata", "b", &req->metadata);

  return g_steal_pointer (&req);
}

/**
 * fl_download_args_new:
 * @cc: lower-case country code
 * @base_url: e.g. "http://127.0.0.1:8001/flags"; the job fetches {base}/{cc}/{cc}.gif
 * @output_dir: where {cc}.gif is saved
 * @timeout_ms: per-request time limit, 0 for none
 * @max_conns: the concurrency of the run, which sizes the shared session's connection pool
 *
 * Returns: (transfer floating): the job's arguments
 */
GVariant *
fl_download_args_new (const char *cc,
                      const char *base_url,
                      const char *output_dir,
                      guint       timeout_ms,
                      guint       max_conns)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  g_return_val_if_fail (cc != NULL && base_url != NULL && output_dir != NULL, NULL);

  g_variant_dict_insert (&dict, "cc", "s", cc);
  g_variant_dict_insert (&dict, "base", "s", base_url);
  g_variant_dict_insert (&dict, "output", "s", output_dir);
  g_variant_dict_insert (&dict, "timeout-ms", "u", timeout_ms);
  g_variant_dict_insert (&dict, "max-conns", "u", max_conns);
  return g_variant_dict_end (&dict);
}

/**
 * _fl_download_transport_error:
 * @error: (transfer full): what GIO or libsoup said
 * @in_body: whether the headers had arrived already
 *
 * Tells apart the job being cancelled, the deadline running out, a body cut short and
 * other connection failures.
 */
GError *
_fl_download_transport_error (FlDownloadRequest *req,
                              GError            *error,
                              FlDeadline        *deadline,
                              GCancellable      *cancellable,
                              gboolean           in_body)
{
  g_autoptr(GError) cause = error;

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Download cancelled"));
  if (_fl_deadline_expired (deadline))
    return g_error_new (FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TIMEOUT,
                        _("No complete answer within %g s"),
                        req->timeout_ms * req->time_scale / 1000.0);
  if (in_body)
    return g_error_new (FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TRUNCATED,
                        _("The body ended early: %s"), cause->message);
  return g_error_new (FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_CONNECTION,
                      _("Connection failed: %s"), cause->message);
}

/**
 * _fl_download_body_start:
 *
 * Returns: %TRUE to read the body: a 200 within the size cap, or a 404 (@body->not_found),
 *   whose short body is read only so that the connection can be reused (an unread body
 *   makes libsoup close it, and every not-found code would cost a new connection); %FALSE
 *   with @error set for any other answer
 */
gboolean
_fl_download_body_start (FlDownloadBody  *body,
                         SoupMessage     *msg,
                         gsize            max_bytes,
                         GError         **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);

  body->status = status;
  body->max_bytes = max_bytes;
  body->expected = -1;
  body->not_found = status == SOUP_STATUS_NOT_FOUND;

  if (body->not_found)
    {
      body->max_bytes = MIN (max_bytes, NOT_FOUND_DRAIN_BYTES);
      body->data = g_byte_array_new ();
      return TRUE;
    }
  if (status != SOUP_STATUS_OK)
    {
      const char *reason = soup_message_get_reason_phrase (msg);
      g_autofree char *shown = printable (reason != NULL ? reason : "");

      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_IS_HTTP (status) ? (int) status
                                                                             : FL_DOWNLOAD_ERROR_PROTOCOL,
                   _("HTTP %u %s"), status, shown);
      return FALSE;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      body->expected = soup_message_headers_get_content_length (headers);
      if ((guint64) body->expected > max_bytes)
        {
          g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TOO_LARGE,
                       _("The body is %" PRId64 " bytes, over the limit of %"
                         PRIu64 " bytes"), body->expected, (guint64) max_bytes);
          return FALSE;
        }
    }
  body->data = g_byte_array_sized_new (body->expected > 0 ? body->expected : READ_CHUNK);
  return TRUE;
}

gboolean
_fl_download_body_append (FlDownloadBody  *body,
                          const guint8    *data,
                          gsize            length,
                          FlJobProgress   *progress,
                          GError         **error)
{
  if (body->data->len + length > body->max_bytes)
    {
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TOO_LARGE,
                   _("The body grew past the limit of %" PRIu64 " bytes"),
                   (guint64) body->max_bytes);
      return FALSE;
    }
  g_byte_array_append (body->data, data, length);
  if (!body->not_found)
    fl_job_progress_report (progress,
                            body->expected > 0 ? (double) body->data->len / body->expected
                                               : -1.0,
                            body->data->len);
  return TRUE;
}

/**
 * _fl_download_body_end:
 *
 * Returns: (transfer full): the whole body, or %NULL if it is shorter than announced
 */
GBytes *
_fl_download_body_end (FlDownloadBody  *body,
                       GError         **error)
{
  if (body->expected >= 0 && body->data->len < (guint64) body->expected)
    {
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TRUNCATED,
                   _("The body ended after %u of %" PRId64 " bytes"),
                   body->data->len, body->expected);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&body->data));
}

void
_fl_download_body_clear (FlDownloadBody *body)
{
  g_clear_pointer (&body->data, g_byte_array_unref);
}

/**
 * _fl_download_guard_start:
 *
 * A server may send a few 1xx answers before the real one (100 Continue, 103 Early Hints);
 * one that keeps sending them would hold libsoup in a single read for as long as it likes,
 * where neither the deadline nor a cancel can run. Past %FL_DOWNLOAD_MAX_INFORMATIONAL the
 * request is cancelled from inside that read.
 */
static void
on_got_informational (SoupMessage          *msg,
                      FlInformationalGuard *guard)
{
  guard->count++;
  if (guard->count > FL_DOWNLOAD_MAX_INFORMATIONAL && !guard->flooded)
    {
      guard->flooded = TRUE;
      g_cancellable_cancel (_fl_deadline_get_cancellable (guard->deadline));
    }
}

void
_fl_download_guard_start (FlInformationalGuard *guard,
                          SoupMessage          *msg,
                          FlDeadline           *deadline)
{
  guard->msg = msg;
  guard->deadline = deadline;
  guard->count = 0;
  guard->flooded = FALSE;
  g_signal_connect (msg, "got-informational", G_CALLBACK (on_got_informational), guard);
}

void
_fl_download_guard_stop (FlInformationalGuard *guard)
{
  if (guard->msg != NULL)
    g_signal_handlers_disconnect_by_func (guard->msg, on_got_informational, guard);
  guard->msg = NULL;
}

/**
 * _fl_download_guard_error:
 * @error: (transfer full): the error the request ended with
 *
 * Returns: (transfer full): @error, or the flood's own error instead if that is what ended it
 */
GError *
_fl_download_guard_error (FlInformationalGuard *guard,
                          GError               *error)
{
  if (!guard->flooded)
    return error;
  g_clear_error (&error);
  return g_error_new (FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_PROTOCOL,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "The server sent more than %u informational (1xx) answer",
                                   "The server sent more than %u informational (1xx) answers",
                                   FL_DOWNLOAD_MAX_INFORMATIONAL),
                      FL_DOWNLOAD_MAX_INFORMATIONAL);
}

static gboolean
looks_like_svg (const guint8 *data,
                gsize         length)
{
  g_autofree char *head = g_strndup ((const char *) data, MIN (length, 4096));
  const char *p = head;

  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;
  while (g_ascii_isspace (*p))
    p++;
  if (g_str_has_prefix (p, "<svg"))
    return TRUE;
  return (g_str_has_prefix (p, "<?xml") || g_str_has_prefix (p, "<!--")
          || g_str_has_prefix (p, "<!DOCTYPE svg")) && strstr (p, "<svg") != NULL;
}

/**
 * _fl_download_check_image:
 * @body: the whole body of a 200
 *
 * A 200 is only a flag if it says it is an image (or says nothing, or says octet-stream) and
 * starts like a GIF, PNG, JPEG or SVG: a captive portal's HTML page or an empty body must not
 * be counted as a download, nor replace a good file.
 */
gboolean
_fl_download_check_image (SoupMessage  *msg,
                          GBytes       *body,
                          GError      **error)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                            NULL);
  gsize length;
  const guint8 *data = g_bytes_get_data (body, &length);

  if (type != NULL && !g_str_has_prefix (type, "image/")
      && g_ascii_strcasecmp (type, "application/octet-stream") != 0)
    {
      g_autofree char *shown = printable (type);
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_NOT_AN_IMAGE,
                   _("The server sent “%s” instead of an image"), shown);
      return FALSE;
    }
  if (length == 0)
    {
      g_set_error_literal (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_NOT_AN_IMAGE,
                           _("The server sent an empty body instead of an image"));
      return FALSE;
    }
  if ((length >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
      || (length >= sizeof png && memcmp (data, png, sizeof png) == 0)
      || (length >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
      || looks_like_svg (data, length))
    return TRUE;
  g_set_error_literal (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_NOT_AN_IMAGE,
                       _("The body is not a GIF, PNG, JPEG or SVG image"));
  return FALSE;
}

/**
 * _fl_download_parse_metadata:
 *
 * Checks that metadata.json names the very code that was asked for (a server could send
 * anything, "../../x" included) and returns the English name in it. Reads our own fields
 * ("code", "name") or those of the flags2 scripts' tree ("iso_cc" in capitals, "country").
 */
char *
_fl_download_parse_metadata (FlDownloadRequest  *req,
                             GBytes             *json,
                             GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  g_autofree char *lowered = NULL;
  const char *code, *name;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (json, NULL),
                                   g_bytes_get_size (json), NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_PROTOCOL,
                           _("metadata.json is not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);
  code = json_object_get_string_member_with_default (object, "code", NULL);
  if (code == NULL)
    {
      /* The book's tree: "CN". Only two ASCII letters are lowered; anything else stays
       * as it is and fails the check below. */
      const char *iso = json_object_get_string_member_with_default (object, "iso_cc", "");

      lowered = strlen (iso) == 2 && g_ascii_isalpha (iso[0]) && g_ascii_isalpha (iso[1])
                ? g_ascii_strdown (iso, -1) : g_strdup (iso);
      code = lowered;
    }
  if (!fl_country_code_is_valid (code) || strcmp (code, req->cc) != 0)
    {
      g_autofree char *shown = printable (code);
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_PROTOCOL,
                   _("metadata.json names the code “%s” instead of “%s”"), shown, req->cc);
      return NULL;
    }
  name = json_object_get_string_member_with_default (object, "name", NULL);
  if (name == NULL)
    name = json_object_get_string_member_with_default (object, "country", "");
  return g_strdup (name);
}

/**
 * _fl_download_result_new:
 *
 * Returns: (transfer floating): the job's a{sv} result: "cc", "status" ("OK" or
 *   "NOT_FOUND"), "http-status" (u), "bytes" (t), "path" (s, empty when nothing was saved),
 *   "url" (s) and, when asked for, "name" (s)
 */
GVariant *
_fl_download_result_new (FlDownloadRequest *req,
                         FlDownloadStatus   status,
                         guint              http_status,
                         guint64            bytes,
                         const char        *path,
                         const char        *name)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&dict, "cc", "s", req->cc);
  g_variant_dict_insert (&dict, "status", "s", fl_download_status_to_string (status));
  g_variant_dict_insert (&dict, "http-status", "u", http_status);
  g_variant_dict_insert (&dict, "bytes", "t", bytes);
  g_variant_dict_insert (&dict, "path", "s", path != NULL ? path : "");
  g_variant_dict_insert (&dict, "url", "s", req->url);
  if (name != NULL)
    g_variant_dict_insert (&dict, "name", "s", name);
  return g_variant_dict_end (&dict);
}

/* --- the blocking form ------------------------------------------------------------------- */

static GBytes *
fetch_sync (FlDownloadRequest  *req,
            SoupSession        *session,
            const char         *url,
            FlDeadline         *deadline,
            GCancellable       *cancellable,
            FlJobProgress      *progress,
            guint              *status,
            SoupMessage       **msg_out,
            GError            **error)
{
  /* "GET", not SOUP_METHOD_GET: that macro interns the string on first use with a plain
   * read beside its atomic write, a data race when two worker threads start at once
   * (ThreadSanitizer reported it); libsoup interns the method itself. */
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GInputStream) stream = NULL;
  g_auto(FlDownloadBody) body = { 0 };
  FlInformationalGuard guard = { 0 };
  GError *local = NULL;
  guint8 buffer[READ_CHUNK];

  *status = 0;
  if (msg == NULL)
    {
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_URL,
                   _("Cannot request “%s”"), url);
      return NULL;
    }

  _fl_download_guard_start (&guard, msg, deadline);
  stream = soup_session_send (session, msg, _fl_deadline_get_cancellable (deadline), &local);
  _fl_download_guard_stop (&guard);
  if (stream == NULL)
    {
      g_propagate_error (error, _fl_download_guard_error (&guard, _fl_download_transport_error (
                                                            req, local, deadline, cancellable,
                                                            FALSE)));
      return NULL;
    }

  *status = soup_message_get_status (msg);
  if (!_fl_download_body_start (&body, msg, req->max_bytes, error))
    return NULL;

  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer,
                                      _fl_deadline_get_cancellable (deadline), &local);
      if (n < 0 && body.not_found && !g_cancellable_is_cancelled (cancellable))
        {
          /* The status said it all; the connection will just not be reused. */
          g_clear_error (&local);
          return NULL;
        }
      if (n < 0)
        {
          g_propagate_error (error, _fl_download_transport_error (req, local, deadline,
                                                                  cancellable, TRUE));
          return NULL;
        }
      if (n == 0)
        break;
      if (!_fl_download_body_append (&body, buffer, n, progress, &local))
        {
          if (body.not_found)
            g_clear_error (&local);
          else
            g_propagate_error (error, local);
          return NULL;
        }
    }
  g_input_stream_close (stream, NULL, NULL);

  if (body.not_found)
    return NULL;
  if (msg_out != NULL)
    *msg_out = g_object_ref (msg);
  return _fl_download_body_end (&body, error);
}

/**
 * fl_download_flag:
 * @args: see fl_download_args_new()
 *
 * The job's blocking form: for worker threads and worker processes.
 *
 * Returns: (transfer floating): the result (see _fl_download_result_new()), or %NULL
 */
GVariant *
fl_download_flag (GVariant       *args,
                  GCancellable   *cancellable,
                  FlJobProgress  *progress,
                  GError        **error)
{
  g_autoptr(FlDownloadRequest) req = NULL;
  g_autoptr(FlDeadline) deadline = NULL;
  g_autoptr(GBytes) flag = NULL;
  g_autoptr(SoupMessage) flag_msg = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  SoupSession *session;
  GError *local = NULL;
  guint status;

  req = _fl_download_request_parse (args, error);
  if (req == NULL)
    return NULL;

  session = _fl_http_session_get (req->max_conns, FALSE);
  deadline = _fl_deadline_new (cancellable, req->timeout_ms, _fl_deadline_thread_context ());

  flag = fetch_sync (req, session, req->url, deadline, cancellable, progress, &status, &flag_msg,
                     &local);
  if (flag == NULL && local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (flag == NULL)
    return _fl_download_result_new (req, FL_DOWNLOAD_STATUS_NOT_FOUND, status, 0, NULL, NULL);
  if (!_fl_download_check_image (flag_msg, flag, error))
    return NULL;

  if (req->metadata)
    {
      g_autoptr(GBytes) json = NULL;
      guint meta_status;

      json = fetch_sync (req, session, req->metadata_url, deadline, cancellable, NULL,
                         &meta_status, NULL, &local);
      if (json == NULL && local == NULL)
        local = g_error_new (FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_PROTOCOL,
                             _("The flag exists but its metadata.json does not"));
      if (json == NULL || (name = _fl_download_parse_metadata (req, json, &local)) == NULL)
        {
          g_propagate_error (error, local);
          return NULL;
        }
    }

  if (!fl_download_save_atomically (req->output, req->cc, flag, cancellable, &path, error))
    return NULL;

  return _fl_download_result_new (req, FL_DOWNLOAD_STATUS_OK, status, g_bytes_get_size (flag),
                                  path, name);
}

/**
 * fl_download_save_atomically:
 * @output_dir: the folder, created if missing
 * @cc: the code; must match ^[a-z]{2}$
 * @data: the whole file
 * @path: (out) (optional): where it was saved
 *
 * Writes {output_dir}/.{cc}.gif.XXXXXX, then renames it to {cc}.gif: readers see no file or
 * the whole file, never a part. On any failure, or when @cancellable fires before the rename,
 * the temporary file is removed.
 */
/* The temporary file this process is writing, for a worker's SIGTERM handler: a worker
 * runs one job at a time, so one slot is enough. Set after the name is copied, cleared
 * before the file is renamed or removed. */
static gboolean track_temp;
static char pending_temp[4096];
static volatile sig_atomic_t pending_temp_set;

/**
 * fl_download_track_temp_files:
 *
 * For a process that runs one download at a time (a process-pool worker): remember the
 * temporary file being written, so that fl_download_get_pending_temp() can name it from a
 * signal handler. Call before the first download.
 */
void
fl_download_track_temp_files (void)
{
  track_temp = TRUE;
}

/**
 * fl_download_get_pending_temp:
 *
 * Async-signal-safe.
 *
 * Returns: (nullable): the temporary file being written now, if tracked
 */
const char *
fl_download_get_pending_temp (void)
{
  return pending_temp_set ? pending_temp : NULL;
}

static void
pending_temp_begin (const char *temp)
{
  if (!track_temp || strlen (temp) >= sizeof pending_temp)
    return;
  memcpy (pending_temp, temp, strlen (temp) + 1);
  pending_temp_set = 1;
}

static void
pending_temp_end (void)
{
  /* Only where it was set: in a thread pool every download ends here at once. */
  if (track_temp)
    pending_temp_set = 0;
}

/**
 * fl_download_remove_temp_files:
 * @args: the arguments of a download job that did not finish
 *
 * Removes what a download killed between creating its temporary file and renaming it
 * left behind ({output}/.{cc}.gif.XXXXXX): a worker process killed with SIGKILL cannot.
 *
 * Returns: how many files were removed
 */
guint
fl_download_remove_temp_files (GVariant *args)
{
  const char *cc = NULL, *output = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *prefix = NULL;
  const char *name;
  guint n = 0;

  if (args == NULL || !g_variant_is_of_type (args, G_VARIANT_TYPE_VARDICT)
      || !g_variant_lookup (args, "cc", "&s", &cc) || !g_variant_lookup (args, "output", "&s", &output)
      || !fl_country_code_is_valid (cc))
    return 0;
  dir = g_dir_open (output, 0, NULL);
  prefix = g_strdup_printf (".%s.gif.", cc);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, prefix) && strlen (name) == strlen (prefix) + 6)
        {
          g_autofree char *path = g_build_filename (output, name, NULL);

          n += g_unlink (path) == 0;
        }
    }
  return n;
}

gboolean
fl_download_save_atomically (const char    *output_dir,
                             const char    *cc,
                             GBytes        *data,
                             GCancellable  *cancellable,
                             char         **path,
                             GError       **error)
{
  g_autofree char *final = NULL;
  g_autofree char *temp = NULL;
  g_autofree char *temp_name = NULL;
  const guint8 *bytes;
  gsize length, written = 0;
  int fd, saved_errno;

  if (!fl_country_code_is_valid (cc))
    {
      g_autofree char *shown = printable (cc);
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_CODE,
                   _("“%s” is not a country code (two letters a-z)"), shown);
      return FALSE;
    }

  if (g_mkdir_with_parents (output_dir, 0755) != 0)
    {
      saved_errno = errno;
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_WRITE,
                   _("Cannot create the folder “%s”: %s"), output_dir, g_strerror (saved_errno));
      return FALSE;
    }

  final = g_strdup_printf ("%s%s%s.gif", output_dir, G_DIR_SEPARATOR_S, cc);
  temp_name = g_strdup_printf (".%s.gif.XXXXXX", cc);
  temp = g_build_filename (output_dir, temp_name, NULL);
  fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_WRITE,
                   _("Cannot create a file in “%s”: %s"), output_dir, g_strerror (saved_errno));
      return FALSE;
    }
  pending_temp_begin (temp);

  bytes = g_bytes_get_data (data, &length);
  while (written < length)
    {
      gssize n = write (fd, bytes + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          close (fd);
          pending_temp_end ();
          g_unlink (temp);
          g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_WRITE,
                       _("Cannot write “%s”: %s"), temp, g_strerror (saved_errno));
          return FALSE;
        }
      written += n;
    }

  if (close (fd) != 0)
    {
      saved_errno = errno;
      pending_temp_end ();
      g_unlink (temp);
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_WRITE,
                   _("Cannot write “%s”: %s"), temp, g_strerror (saved_errno));
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      pending_temp_end ();
      g_unlink (temp);
      return FALSE;
    }

  /* Still set during the rename: a SIGTERM then removes a name that is already gone. */
  if (g_rename (temp, final) != 0)
    {
      saved_errno = errno;
      pending_temp_end ();
      g_unlink (temp);
      g_set_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_WRITE,
                   _("Cannot save “%s”: %s"), final, g_strerror (saved_errno));
      return FALSE;
    }

  pending_temp_end ();
  if (path != NULL)
    *path = g_steal_pointer (&final);
  return TRUE;
}

/* --- outcomes ----------------------------------------------------------------------------- */

const char *
fl_download_status_to_string (FlDownloadStatus status)
{
  switch (status)
    {
    case FL_DOWNLOAD_STATUS_OK:
      return "OK";
    case FL_DOWNLOAD_STATUS_NOT_FOUND:
      return "NOT_FOUND";
    case FL_DOWNLOAD_STATUS_ERROR:
      return "ERROR";
    case FL_DOWNLOAD_STATUS_CANCELLED:
      return "CANCELLED";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * fl_download_status_from_future:
 * @future: a done future of the download job
 *
 * Folds the future's state and result into the four outcomes the reports count.
 */
FlDownloadStatus
fl_download_status_from_future (FlFuture *future)
{
  GVariant *result;
  const char *status = NULL;

  g_return_val_if_fail (FL_IS_FUTURE (future), FL_DOWNLOAD_STATUS_ERROR);
  g_return_val_if_fail (fl_future_is_done (future), FL_DOWNLOAD_STATUS_ERROR);

  switch (fl_future_get_state (future))
    {
    case FL_FUTURE_CANCELLED:
      return FL_DOWNLOAD_STATUS_CANCELLED;
    case FL_FUTURE_FAILED:
      return FL_DOWNLOAD_STATUS_ERROR;
    case FL_FUTURE_FINISHED:
      result = fl_future_peek_result (future);
      if (result != NULL && g_variant_is_of_type (result, G_VARIANT_TYPE_VARDICT)
          && g_variant_lookup (result, "status", "&s", &status)
          && g_str_equal (status, "NOT_FOUND"))
        return FL_DOWNLOAD_STATUS_NOT_FOUND;
      return FL_DOWNLOAD_STATUS_OK;
    case FL_FUTURE_PENDING:
    case FL_FUTURE_RUNNING:
    default:
      g_return_val_if_reached (FL_DOWNLOAD_STATUS_ERROR);
    }
}

/**
 * fl_download_describe_future:
 * @future: a done future of the download job
 *
 * One dictionary for every outcome, for reports, JSON lines and the UI: "cc", "status"
 * (OK, NOT_FOUND, ERROR, CANCELLED), "http-status" (u, 0 when there was no HTTP answer),
 * "bytes" (t), "path" (s) and "error" (s, empty unless ERROR or CANCELLED).
 *
 * Returns: (transfer floating): the description
 */
GVariant *
fl_download_describe_future (FlFuture *future)
{
  FlDownloadStatus status = fl_download_status_from_future (future);
  GVariant *args = fl_future_get_args (future);
  GVariant *result = fl_future_peek_result (future);
  const GError *error = fl_future_peek_error (future);
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  const char *cc = "";
  const char *path = "";
  guint http_status = 0;
  guint64 bytes = 0;

  if (args != NULL && g_variant_is_of_type (args, G_VARIANT_TYPE_VARDICT))
    g_variant_lookup (args, "cc", "&s", &cc);
  if (status == FL_DOWNLOAD_STATUS_OK || status == FL_DOWNLOAD_STATUS_NOT_FOUND)
    {
      g_variant_lookup (result, "http-status", "u", &http_status);
      g_variant_lookup (result, "bytes", "t", &bytes);
      g_variant_lookup (result, "path", "&s", &path);
    }
  else if (error != NULL && error->domain == FL_DOWNLOAD_ERROR
           && FL_DOWNLOAD_ERROR_IS_HTTP (error->code))
    http_status = error->code;

  g_variant_dict_insert (&dict, "cc", "s", cc);
  g_variant_dict_insert (&dict, "status", "s", fl_download_status_to_string (status));
  g_variant_dict_insert (&dict, "http-status", "u", http_status);
  g_variant_dict_insert (&dict, "bytes", "t", bytes);
  g_variant_dict_insert (&dict, "path", "s", path);
  g_variant_dict_insert (&dict, "error", "s",
                         error != NULL && status != FL_DOWNLOAD_STATUS_OK ? error->message : "");
  return g_variant_dict_end (&dict);
}

/**
 * fl_download_session_prepare:
 * @max_conns: the concurrency about to be used
 *
 * Creates (and so configures) the shared sessions for @max_conns (blocking and async) on the
 * calling thread, ahead of the first request. Optional: a job creates them when missing.
 */
void
fl_download_session_prepare (guint max_conns)
{
  max_conns = CLAMP (max_conns, 1, FL_DOWNLOAD_MAX_CONCURRENCY);
  _fl_http_session_get (max_conns, FALSE);
  _fl_http_session_get (max_conns, TRUE);
}

/**
 * fl_download_warm_up:
 *
 * Does now what the first download of a process does on top of the next ones: loads GIO's
 * proxy resolver modules and asks them once (libproxy, GSettings), and makes the blocking
 * session. A process-pool worker calls it before it says hello, so that a pool of a
 * hundred fresh workers on a busy machine does not spend the first job's deadline on it.
 */
void
fl_download_warm_up (void)
{
  GProxyResolver *resolver = g_proxy_resolver_get_default ();
  g_auto(GStrv) proxies = g_proxy_resolver_lookup (resolver, "http://127.0.0.1/", NULL, NULL);

  _fl_http_session_get (1, FALSE);
}

static const FlJobInfo download_job = {
  .name = FL_DOWNLOAD_JOB,
  .args_type = "a{sv}",
  .func = fl_download_flag,
  .async_func = fl_download_flag_async,
  .finish_func = fl_download_flag_finish,
  .summary = "Download one flag over HTTP and save it atomically",
};

/**
 * fl_download_register_job:
 *
 * Registers "download-flag" with the engine. Idempotent.
 */
void
fl_download_register_job (void)
{
  fl_job_registry_register (&download_job);
}
