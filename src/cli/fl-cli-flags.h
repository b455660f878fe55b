/* fl-cli-flags.h: one run of flag downloads, shared by `flags` and `bench-flags`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include "futures-lab-engine.h"
#include "futures-lab-tasks.h"

G_BEGIN_DECLS

typedef enum
{
  FL_FLAGS_MODE_SEQUENTIAL,
  FL_FLAGS_MODE_THREADS,
  FL_FLAGS_MODE_ASYNC,
  FL_FLAGS_MODE_PROCESSES,
} FlFlagsMode;

typedef struct
{
  guint  ok;
  guint  not_found;
  guint  error;
  guint  cancelled;
  guint  total;
  double elapsed;    /* seconds, from the first submit to the last done callback */
} FlFlagsCounts;

typedef struct _FlFlagsRun FlFlagsRun;

typedef void (*FlFlagsDoneFunc) (FlFlagsRun *run,
                                 FlFuture   *future,
                                 gpointer    user_data);

gboolean    fl_flags_mode_from_string   (const char       *text,
                                         FlFlagsMode      *mode);
const char *fl_flags_mode_to_string     (FlFlagsMode       mode);
void        fl_flags_mode_prepare       (FlFlagsMode       mode);

FlFlagsRun *fl_flags_run_new            (FlFlagsMode       mode,
                                         guint             concurrency,
                                         FlTrace          *trace,
                                         GError          **error);
void        fl_flags_run_free           (FlFlagsRun       *run);
void        fl_flags_run_set_done_func  (FlFlagsRun       *run,
                                         FlFlagsDoneFunc   func,
                                         gpointer          user_data);
gboolean    fl_flags_run_start          (FlFlagsRun       *run,
                                         const char *const *codes,
                                         const char       *base_url,
                                         const char       *output_dir,
                                         guint             timeout_ms,
                                         gboolean          metadata,
                                         GError          **error);
void        fl_flags_run_interrupt      (FlFlagsRun       *run);
gboolean    fl_flags_run_is_done        (FlFlagsRun       *run);
void        fl_flags_run_wait           (FlFlagsRun       *run);
void        fl_flags_run_get_counts     (FlFlagsRun       *run,
                                         FlFlagsCounts    *counts);
FlFuture   *fl_flags_run_lookup         (FlFlagsRun       *run,
                                         guint64           future_id);
gint64      fl_flags_run_get_start_time (FlFlagsRun       *run);
FlTrace    *fl_flags_run_get_trace      (FlFlagsRun       *run);
FlFlagsMode fl_flags_run_get_mode       (FlFlagsRun       *run);
guint       fl_flags_run_get_concurrency (FlFlagsRun      *run);
void        fl_flags_run_set_time_scale (FlFlagsRun       *run,
                                         double            scale);
double      fl_flags_run_get_time_scale (FlFlagsRun       *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlFlagsRun, fl_flags_run_free)

/* Reporting (fl-cli-flags-report.c) */
typedef struct _FlFlagsReport FlFlagsReport;

FlFlagsReport *fl_flags_report_new      (FlFlagsRun       *run,
                                         gboolean          json,
                                         gboolean          verbose);
void           fl_flags_report_finish   (FlFlagsReport    *report,
                                         gboolean          interrupted);
void           fl_flags_report_free     (FlFlagsReport    *report);
FILE          *fl_flags_report_get_text_stream (FlFlagsReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlFlagsReport, fl_flags_report_free)

/* JSON Lines (fl-cli-json-line.c) */
typedef struct
{
  GString *text;
} FlJsonLine;

void fl_json_line_init        (FlJsonLine *line);
void fl_json_line_add_string  (FlJsonLine *line,
                               const char *key,
                               const char *value);
void fl_json_line_add_int     (FlJsonLine *line,
                               const char *key,
                               gint64      value);
void fl_json_line_add_double  (FlJsonLine *line,
                               const char *key,
                               double      value,
                               int         decimals);
void fl_json_line_add_bool    (FlJsonLine *line,
                               const char *key,
                               gboolean    value);
void fl_json_line_print       (FlJsonLine *line);

G_END_DECLS
