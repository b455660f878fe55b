/* fl-flag-server.h: the embedded flag server (HTTP on loopback, on its own thread)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fl-fault-config.h"
#include "fl-flag-store.h"

G_BEGIN_DECLS

#define FL_TYPE_FLAG_SERVER (fl_flag_server_get_type ())
G_DECLARE_FINAL_TYPE (FlFlagServer, fl_flag_server, FL, FLAG_SERVER, GObject)

/**
 * FlFlagServerStats:
 * @requests: requests received under /flags
 * @ok: 200 answers sent in full
 * @not_found: 404 answers
 * @errors: injected error statuses
 * @dropped: connections closed without an answer
 * @truncated: bodies cut short
 * @in_flight: requests received and not yet finished
 * @max_in_flight: the most requests in flight at once since the last reset
 * @connections: connections open now
 * @refused: connections answered 503 and closed at once, over the connection cap
 * @timed_out: connections closed for sending no complete request within the idle timeout
 * @bad_requests: requests refused with 400 for an ambiguous length (Content-Length twice,
 *   not a number, or beside Transfer-Encoding)
 * @accept_errors: failures to accept a connection (out of file descriptors, most likely)
 */
typedef struct
{
  guint64 requests;
  guint64 ok;
  guint64 not_found;
  guint64 errors;
  guint64 dropped;
  guint64 truncated;
  guint   in_flight;
  guint   max_in_flight;
  guint   connections;
  guint64 refused;
  guint64 timed_out;
  guint64 bad_requests;
  guint64 accept_errors;
} FlFlagServerStats;

/* How long a connection may stay without a complete request head before it is closed. */
#define FL_FLAG_SERVER_IDLE_TIMEOUT_MS  10000
/* The most connections open at once; lowered to half the open-file limit when that is less. */
#define FL_FLAG_SERVER_MAX_CONNECTIONS  1024

FlFlagServer  *fl_flag_server_new               (const FlFaultConfig  *config);
void           fl_flag_server_set_address       (FlFlagServer         *self,
                                                 const char           *address);
void           fl_flag_server_set_port          (FlFlagServer         *self,
                                                 guint                 port);
void           fl_flag_server_set_limits        (FlFlagServer         *self,
                                                 guint                 idle_timeout_ms,
                                                 guint                 max_connections);
gboolean       fl_flag_server_start             (FlFlagServer         *self,
                                                 GError              **error);
void           fl_flag_server_stop              (FlFlagServer         *self);
gboolean       fl_flag_server_is_running        (FlFlagServer         *self);
guint          fl_flag_server_get_port          (FlFlagServer         *self);
char          *fl_flag_server_dup_base_url      (FlFlagServer         *self);
FlFaultConfig *fl_flag_server_dup_fault_config  (FlFlagServer         *self);
void           fl_flag_server_set_fault_config  (FlFlagServer         *self,
                                                 const FlFaultConfig  *config);
void           fl_flag_server_get_stats         (FlFlagServer         *self,
                                                 FlFlagServerStats    *stats);
guint          fl_flag_server_get_max_in_flight (FlFlagServer         *self);
void           fl_flag_server_reset_stats       (FlFlagServer         *self);


G_END_DECLS
