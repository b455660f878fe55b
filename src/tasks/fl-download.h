/* fl-download.h: download one flag over HTTP and save it atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

/* The registered job name; its arguments are an a{sv} built by fl_download_args_new(). */
#define FL_DOWNLOAD_JOB "download-flag"

#define FL_DOWNLOAD_DEFAULT_TIMEOUT_MS 3100
#define FL_DOWNLOAD_MAX_BYTES          (1024 * 1024)
#define FL_DOWNLOAD_MAX_CONCURRENCY    1000
/* Set to "download" in a process pool's environment: its workers call
 * fl_download_warm_up() before they say hello. */
#define FL_DOWNLOAD_WORKER_PRELOAD_ENV "FUTURES_LAB_WORKER_PRELOAD"

/**
 * FlDownloadError:
 * @FL_DOWNLOAD_ERROR_CONNECTION: refused, reset or dropped before an answer
 * @FL_DOWNLOAD_ERROR_TRUNCATED: the body ended before its announced length
 * @FL_DOWNLOAD_ERROR_TIMEOUT: the request took longer than its timeout
 * @FL_DOWNLOAD_ERROR_TOO_LARGE: the body is over the cap (1 MiB)
 * @FL_DOWNLOAD_ERROR_INVALID_CODE: a country code that is not two letters a-z
 * @FL_DOWNLOAD_ERROR_INVALID_URL: the base is not an http(s) URL
 * @FL_DOWNLOAD_ERROR_PROTOCOL: the server said something that does not make sense
 * @FL_DOWNLOAD_ERROR_WRITE: the file could not be saved
 * @FL_DOWNLOAD_ERROR_NOT_AN_IMAGE: a 200 whose body is not a GIF, PNG, JPEG or SVG image (an
 *   HTML page, an empty body...): nothing is saved, a good file already there stays
 *
 * Why a download failed. Codes 100 to 599 are not listed: an HTTP answer other than 200 or
 * 404 fails with the HTTP status itself as the code (see FL_DOWNLOAD_ERROR_IS_HTTP()).
 */
typedef enum
{
  FL_DOWNLOAD_ERROR_CONNECTION = 1,
  FL_DOWNLOAD_ERROR_TRUNCATED,
  FL_DOWNLOAD_ERROR_TIMEOUT,
  FL_DOWNLOAD_ERROR_TOO_LARGE,
  FL_DOWNLOAD_ERROR_INVALID_CODE,
  FL_DOWNLOAD_ERROR_INVALID_URL,
  FL_DOWNLOAD_ERROR_PROTOCOL,
  FL_DOWNLOAD_ERROR_WRITE,
  FL_DOWNLOAD_ERROR_NOT_AN_IMAGE,
} FlDownloadError;

/* How many informational (1xx) answers one request may get before it fails. */
#define FL_DOWNLOAD_MAX_INFORMATIONAL 8

#define FL_DOWNLOAD_ERROR (fl_download_error_quark ())
#define FL_DOWNLOAD_ERROR_IS_HTTP(code) ((code) >= 100 && (code) <= 599)

GQuark fl_download_error_quark (void);

/**
 * FlDownloadStatus:
 *
 * The four outcomes the flags2 scripts count. A job's result carries OK or NOT_FOUND; an
 * ERROR is a failed future and a CANCELLED one a cancelled future, so that the futures list
 * and the timeline show them as such. fl_download_status_from_future() folds all four.
 */
typedef enum
{
  FL_DOWNLOAD_STATUS_OK,
  FL_DOWNLOAD_STATUS_NOT_FOUND,
  FL_DOWNLOAD_STATUS_ERROR,
  FL_DOWNLOAD_STATUS_CANCELLED,
} FlDownloadStatus;

void              fl_download_register_job        (void);

GVariant         *fl_download_args_new            (const char    *cc,
                                                   const char    *base_url,
                                                   const char    *output_dir,
                                                   guint          timeout_ms,
                                                   guint          max_conns);

GVariant         *fl_download_flag                (GVariant      *args,
                                                   GCancellable  *cancellable,
                                                   FlJobProgress *progress,
                                                   GError       **error);
void              fl_download_flag_async          (GVariant      *args,
                                                   GCancellable  *cancellable,
                                                   FlJobProgress *progress,
                                                   GAsyncReadyCallback callback,
                                                   gpointer       user_data);
GVariant         *fl_download_flag_finish         (GAsyncResult  *result,
                                                   GError       **error);

FlDownloadStatus  fl_download_status_from_future  (FlFuture      *future);
GVariant         *fl_download_describe_future     (FlFuture      *future);
const char       *fl_download_status_to_string    (FlDownloadStatus status);

gboolean          fl_download_save_atomically     (const char    *output_dir,
                                                   const char    *cc,
                                                   GBytes        *data,
                                                   GCancellable  *cancellable,
                                                   char         **path,
                                                   GError       **error);

void              fl_download_session_prepare     (guint          max_conns);
void              fl_download_warm_up             (void);
void              fl_download_track_temp_files    (void);
const char       *fl_download_get_pending_temp    (void);
guint             fl_download_remove_temp_files   (GVariant      *args);

G_END_DECLS
