/* fl-fault-config.h: what the flag server does wrong, reproducibly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * FlServerPreset:
 * @FL_SERVER_PRESET_LOCAL: no delay, no errors
 * @FL_SERVER_PRESET_DELAY: a delay drawn uniformly from 0.5-5 s per request
 * @FL_SERVER_PRESET_ERROR: %FL_SERVER_PRESET_DELAY plus 25% errors (418)
 *
 * The three servers of the classic flags2 scripts.
 */
typedef enum
{
  FL_SERVER_PRESET_LOCAL,
  FL_SERVER_PRESET_DELAY,
  FL_SERVER_PRESET_ERROR,
} FlServerPreset;

/**
 * FlFaultConfig:
 * @delay_min_ms: shortest delay before answering
 * @delay_max_ms: longest delay; equal to @delay_min_ms for a fixed delay
 * @error_rate: share of requests (0..1) answered with @error_status
 * @error_status: the HTTP status of injected errors (418, 500, 503, ...)
 * @fail_codes: (nullable): lower-case country codes whose requests always fail
 * @drop_rate: share of requests whose connection is closed without an answer
 * @truncate_rate: share of found files whose body is cut in half (the headers announce the
 *   whole length, then the connection closes)
 * @bandwidth: bytes per second for each response body, 0 for no limit
 * @seed: every random choice derives from this and the request path, so the same seed makes
 *   the same codes fail whatever order the requests arrive in
 *
 * Fault injection settings of an #FlFlagServer. Plain data: copy it, change it, hand it over.
 */
typedef struct
{
  guint    delay_min_ms;
  guint    delay_max_ms;
  double   error_rate;
  guint    error_status;
  char   **fail_codes;
  double   drop_rate;
  double   truncate_rate;
  guint    bandwidth;
  guint64  seed;
} FlFaultConfig;

/**
 * FlFaultKind:
 * @FL_FAULT_NONE: answer normally (after the delay)
 * @FL_FAULT_ERROR: answer with the error status
 * @FL_FAULT_DROP: close the connection without answering
 * @FL_FAULT_TRUNCATE: send half of the body, then close (only for files that exist)
 */
typedef enum
{
  FL_FAULT_NONE,
  FL_FAULT_ERROR,
  FL_FAULT_DROP,
  FL_FAULT_TRUNCATE,
} FlFaultKind;

typedef struct
{
  FlFaultKind kind;
  guint       status;     /* for FL_FAULT_ERROR */
  guint       delay_ms;
} FlFaultDecision;

#define FL_TYPE_FAULT_CONFIG (fl_fault_config_get_type ())

GType          fl_fault_config_get_type        (void) G_GNUC_CONST;
FlFaultConfig *fl_fault_config_new             (FlServerPreset        preset);
FlFaultConfig *fl_fault_config_copy            (const FlFaultConfig  *self);
void           fl_fault_config_free            (FlFaultConfig        *self);
gboolean       fl_fault_config_validate        (const FlFaultConfig  *self,
                                                GError              **error);
void           fl_fault_config_decide          (const FlFaultConfig  *self,
                                                const char           *path,
                                                FlFaultDecision      *decision);
void           fl_fault_decision_apply_time_scale (FlFaultDecision *decision,
                                                   const char      *scale);
char          *fl_fault_config_describe        (const FlFaultConfig  *self);

gboolean       fl_server_preset_from_string    (const char           *text,
                                                FlServerPreset       *preset);
const char    *fl_server_preset_to_string      (FlServerPreset        preset);

gboolean       fl_parse_delay_range            (const char           *text,
                                                guint                *min_ms,
                                                guint                *max_ms,
                                                GError              **error);
gboolean       fl_parse_rate                   (const char           *text,
                                                double               *rate,
                                                GError              **error);
gboolean       fl_parse_bandwidth              (const char           *text,
                                                guint                *bytes_per_s,
                                                GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlFaultConfig, fl_fault_config_free)

G_END_DECLS
