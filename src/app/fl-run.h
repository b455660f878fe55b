/* fl-run.h: one run of a demo: its executor, trace and futures, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_RUN (fl_run_get_type ())
G_DECLARE_FINAL_TYPE (FlRun, fl_run, FL, RUN, GObject)

FlRun       *fl_run_new               (const char   *mode,
                                       const char   *mode_title,
                                       FlExecutor   *executor);
FlFuture    *fl_run_submit            (FlRun        *self,
                                       const char   *job_name,
                                       GVariant     *args,
                                       const char   *label,
                                       GError      **error);
FlFuture    *fl_run_submit_func       (FlRun        *self,
                                       FlFunc        func,
                                       gpointer      user_data,
                                       GDestroyNotify destroy,
                                       const char   *label,
                                       GError      **error);
void         fl_run_commit            (FlRun        *self);
void         fl_run_cancel            (FlRun        *self);

const char  *fl_run_get_mode          (FlRun        *self);
const char  *fl_run_get_mode_title    (FlRun        *self);
FlExecutor  *fl_run_get_executor      (FlRun        *self);
FlTrace     *fl_run_get_trace         (FlRun        *self);
guint        fl_run_get_n_total       (FlRun        *self);
guint        fl_run_get_n_done        (FlRun        *self);
guint        fl_run_get_n_finished    (FlRun        *self);
guint        fl_run_get_n_failed      (FlRun        *self);
guint        fl_run_get_n_cancelled   (FlRun        *self);
guint64      fl_run_get_bytes         (FlRun        *self);
gboolean     fl_run_is_complete       (FlRun        *self);
gboolean     fl_run_was_cancelled     (FlRun        *self);
gint64       fl_run_get_start_time    (FlRun        *self);
double       fl_run_get_elapsed       (FlRun        *self);

G_END_DECLS
