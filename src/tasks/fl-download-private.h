/* fl-download-private.h: what the blocking and the async download share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "fl-download.h"
#include "fl-http-private.h"

G_BEGIN_DECLS

typedef struct
{
  char     *cc;
  char     *output;
  char     *url;
  char     *metadata_url;
  guint     timeout_ms;      /* stretched by 1/time_scale for a slowed run */
  double    time_scale;      /* 1.0, or the run's slow motion (see fl_run_set_time_scale) */
  guint     max_conns;
  guint     max_bytes;
  gboolean  metadata;
} FlDownloadRequest;

typedef struct
{
  GByteArray *data;
  gint64      expected;    /* Content-Length, or -1 */
  gsize       max_bytes;
  guint       status;
  gboolean    not_found;   /* a 404, whose body is read only to keep the connection */
} FlDownloadBody;

/* Counts a message's informational (1xx) answers and cuts off a flood of them: libsoup parses
 * them all inside one read, where no deadline can fire. */
typedef struct
{
  SoupMessage *msg;        /* borrowed, while guarded */
  FlDeadline  *deadline;   /* borrowed */
  guint        count;
  gboolean     flooded;
} FlInformationalGuard;

void               _fl_download_guard_start     (FlInformationalGuard *guard,
                                                 SoupMessage        *msg,
                                                 FlDeadline         *deadline);
void               _fl_download_guard_stop      (FlInformationalGuard *guard);
GError            *_fl_download_guard_error     (FlInformationalGuard *guard,
                                                 GError             *error);
gboolean           _fl_download_check_image     (SoupMessage        *msg,
                                                 GBytes             *body,
                                                 GError            **error);
FlDownloadRequest *_fl_download_request_parse   (GVariant           *args,
                                                 GError            **error);
void               _fl_download_request_free    (FlDownloadRequest  *req);
GError            *_fl_download_transport_error (FlDownloadRequest  *req,
                                                 GError             *error,
                                                 FlDeadline         *deadline,
                                                 GCancellable       *cancellable,
                                                 gboolean            in_body);
gboolean           _fl_download_body_start      (FlDownloadBody     *body,
                                                 SoupMessage        *msg,
                                                 gsize               max_bytes,
                                                 GError            **error);
gboolean           _fl_download_body_append     (FlDownloadBody     *body,
                                                 const guint8       *data,
                                                 gsize               length,
                                                 FlJobProgress      *progress,
                                                 GError            **error);
GBytes            *_fl_download_body_end        (FlDownloadBody     *body,
                                                 GError            **error);
void               _fl_download_body_clear      (FlDownloadBody     *body);
char              *_fl_download_parse_metadata  (FlDownloadRequest  *req,
                                                 GBytes             *json,
                                                 GError            **error);
GVariant          *_fl_download_result_new      (FlDownloadRequest  *req,
                                                 FlDownloadStatus    status,
                                                 guint               http_status,
                                                 guint64             bytes,
                                                 const char         *path,
                                                 const char         *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlDownloadRequest, _fl_download_request_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlDownloadBody, _fl_download_body_clear)

G_END_DECLS
