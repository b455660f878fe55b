/* fl-run.h: one run of a lesson: its executor, trace, spans and futures, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

/**
 * FlOutcomeFunc:
 * @future: a future of the run that has ended
 * @user_data: the data given to fl_run_set_outcome_func()
 *
 * Says what an ended future means to the lesson, when its state alone does not (a download
 * that FINISHED with a 404 is %FL_OUTCOME_NOT_FOUND).
 *
 * Returns: the outcome, or %FL_OUTCOME_NONE to keep the one its state gives
 */
typedef FlOutcome (*FlOutcomeFunc) (FlFuture *future,
                                    gpointer  user_data);

#define FL_TYPE_RUN (fl_run_get_type ())
G_DECLARE_FINAL_TYPE (FlRun, fl_run, FL, RUN, GObject)

FlRun       *fl_run_new               (const char    *mode,
                                       const char    *mode_title,
                                       FlExecutor    *executor);
FlRun       *fl_run_new_borrowed      (const char    *mode,
                                       const char    *mode_title,
                                       FlExecutor    *executor);
FlRun       *fl_run_new_for_trace     (FlTrace       *trace);
FlRun       *fl_run_new_external      (FlTrace       *trace,
                                       const char    *mode,
                                       const char    *mode_title);
void         fl_run_end_external      (FlRun         *self);
void         fl_run_set_time_scale    (FlRun         *self,
                                       double         scale);
double       fl_run_get_time_scale    (FlRun         *self);
char        *fl_run_format_time_scale (FlRun         *self);
void         fl_run_set_default_time_scale (double    scale);
double       fl_run_get_default_time_scale (void);
gboolean     fl_time_scale_is_valid   (double         scale);
gboolean     fl_time_scale_parse      (const char    *text,
                                       double        *scale,
                                       GError       **error);
void         fl_run_set_outcome_func  (FlRun         *self,
                                       FlOutcomeFunc  func,
                                       gpointer       user_data);
FlFuture    *fl_run_submit            (FlRun         *self,
                                       const char    *job_name,
                                       GVariant      *args,
                                       const char    *label,
                                       GError       **error);
FlFuture    *fl_run_submit_func       (FlRun         *self,
                                       FlFunc         func,
                                       gpointer       user_data,
                                       GDestroyNotify destroy,
                                       const char    *label,
                                       GError       **error);
FlFuture    *fl_run_track             (FlRun         *self,
                                       FlFuture      *future);
void         fl_run_commit            (FlRun         *self);
void         fl_run_cancel            (FlRun         *self);
void         fl_run_abort             (FlRun         *self);
FlGate      *fl_run_get_gate          (FlRun         *self);
gboolean     fl_run_can_pause         (FlRun         *self);
void         fl_run_set_paused        (FlRun         *self,
                                       gboolean       paused);
gboolean     fl_run_is_paused         (FlRun         *self);
void         fl_run_step              (FlRun         *self);

const char  *fl_run_get_mode          (FlRun         *self);
const char  *fl_run_get_mode_title    (FlRun         *self);
FlExecutor  *fl_run_get_executor      (FlRun         *self);
FlTrace     *fl_run_get_trace         (FlRun         *self);
FlSpans     *fl_run_get_spans         (FlRun         *self);
void         fl_run_get_tally         (FlRun         *self,
                                       FlTally       *tally);
guint        fl_run_get_n_total       (FlRun         *self);
guint        fl_run_get_n_done        (FlRun         *self);
guint        fl_run_get_n_finished    (FlRun         *self);
guint        fl_run_get_n_failed      (FlRun         *self);
guint        fl_run_get_n_cancelled   (FlRun         *self);
guint64      fl_run_get_bytes         (FlRun         *self);
gboolean     fl_run_is_live           (FlRun         *self);
gboolean     fl_run_is_complete       (FlRun         *self);
gboolean     fl_run_was_cancelled     (FlRun         *self);
gint64       fl_run_get_start_time    (FlRun         *self);
double       fl_run_get_elapsed       (FlRun         *self);
double       fl_run_get_wall_elapsed  (FlRun         *self);
guint64      fl_run_mark_begin        (FlRun         *self,
                                       FlLaneKind     lane_kind,
                                       int            lane,
                                       const char    *label);
void         fl_run_mark_end          (FlRun         *self,
                                       guint64        mark_id,
                                       const char    *detail);

char        *fl_tally_format          (const FlTally *tally);

G_END_DECLS
