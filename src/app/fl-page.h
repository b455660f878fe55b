/* fl-page.h: the base class of every demo page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fl-flag-server.h"
#include "fl-futures-list.h"
#include "fl-timeline.h"
#include "fl-python-run.h"
#include "fl-run.h"

G_BEGIN_DECLS

#define FL_TYPE_PAGE (fl_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (FlPage, fl_page, FL, PAGE, AdwBin)

/**
 * FlPageClass:
 * @start_run: start a run in @mode (one of the page's mode ids) exactly as the page's
 *   button does; %FALSE with @error for an unknown mode or bad settings
 * @cancel_run: cancel the page's current run, if any
 * @get_modes: the mode ids this page accepts, in the order of its buttons
 * @python_args: before the page's Python version runs: add to @argv (a GPtrArray of
 *   strings) the arguments that give it the page's current settings, and prepare what it
 *   shares with the C runs (the embedded server's delays and errors), so both versions do
 *   the same work; %FALSE with @error for bad settings
 */
struct _FlPageClass
{
  AdwBinClass parent_class;

  gboolean            (*start_run)  (FlPage      *self,
                                     const char  *mode,
                                     GError     **error);
  void                (*cancel_run) (FlPage      *self);
  const char * const *(*get_modes)  (FlPage      *self);
  gboolean            (*python_args) (FlPage     *self,
                                      GPtrArray  *argv,
                                      GError    **error);

  gpointer padding[7];
};

const char         *fl_page_get_id          (FlPage      *self);
const char         *fl_page_get_title       (FlPage      *self);
const char         *fl_page_get_subtitle    (FlPage      *self);
const char         *fl_page_get_icon_name   (FlPage      *self);
const char         *fl_page_get_source_file (FlPage      *self);
const char * const *fl_page_get_modes       (FlPage      *self);
gboolean            fl_page_has_mode        (FlPage      *self,
                                             const char  *mode);
gboolean            fl_page_start_run       (FlPage      *self,
                                             const char  *mode,
                                             GError     **error);
void                fl_page_cancel_run      (FlPage      *self);
FlRun              *fl_page_get_run         (FlPage      *self);
void                fl_page_set_run         (FlPage      *self,
                                             FlRun       *run);
void                fl_page_set_cursor      (FlPage      *self,
                                             gint64       t);
gint64              fl_page_get_cursor      (FlPage      *self);
FlSpans            *fl_page_get_spans       (FlPage      *self);
void                fl_page_get_tally       (FlPage      *self,
                                             FlTally     *tally);
char               *fl_page_at_cursor       (FlPage      *self,
                                             const char  *text);
void                fl_page_show_error      (FlPage      *self,
                                             const GError *error);
void                fl_page_bind_views      (FlPage        *self,
                                             FlTimeline    *timeline,
                                             FlFuturesList *list);
const char         *fl_page_python_script_for (const char *source_file);
gboolean            fl_page_run_python      (FlPage        *self,
                                             GError       **error);
void                fl_page_stop_python     (FlPage        *self);
FlRun              *fl_page_get_python_run  (FlPage        *self);
FlPythonRun        *fl_page_get_python      (FlPage        *self);
GtkTextBuffer      *fl_page_get_python_output (FlPage      *self);
const char         *fl_page_get_python_status (FlPage      *self);
const char         *fl_page_get_gate_status (FlPage      *self);
void                fl_page_set_gate        (FlPage      *self,
                                             FlGate      *gate);
gboolean            fl_page_can_pause       (FlPage      *self);
gboolean            fl_page_is_paused       (FlPage      *self);
void                fl_page_set_paused      (FlPage      *self,
                                             gboolean     paused);
void                fl_page_step            (FlPage      *self);
FlFlagServer       *fl_page_get_server      (FlPage      *self);
void                fl_page_set_server      (FlPage      *self,
                                             FlFlagServer *server);
FlLoopMonitor      *fl_page_get_monitor     (FlPage      *self);
void                fl_page_set_monitor     (FlPage      *self,
                                             FlLoopMonitor *monitor);

G_END_DECLS
