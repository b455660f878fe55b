/* fl-python-run.h: a Python program run under futures_lab_trace, its events folded live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_PYTHON_DIR_ENV "FUTURES_LAB_PYTHON_DIR"

/**
 * FlPythonRunFlags:
 * @FL_PYTHON_RUN_CAPTURE_OUTPUT: read the program's stdout and stderr (::output) instead
 *   of letting it inherit ours
 * @FL_PYTHON_RUN_OWN_GROUP: start it in a process group of its own, so that
 *   fl_python_run_stop() ends every process it started
 */
typedef enum
{
  FL_PYTHON_RUN_NONE           = 0,
  FL_PYTHON_RUN_CAPTURE_OUTPUT = 1 << 0,
  FL_PYTHON_RUN_OWN_GROUP      = 1 << 1,
} FlPythonRunFlags;

#define FL_TYPE_PYTHON_RUN (fl_python_run_get_type ())
G_DECLARE_FINAL_TYPE (FlPythonRun, fl_python_run, FL, PYTHON_RUN, GObject)

char        *fl_python_find_tracer_dir     (GError           **error);
char        *fl_python_find_interpreter    (const char        *name,
                                            GError           **error);

FlPythonRun *fl_python_run_new             (const char * const *argv,
                                            const char        *workdir,
                                            FlPythonRunFlags   flags);
gboolean     fl_python_run_start           (FlPythonRun       *self,
                                            GError           **error);
void         fl_python_run_stop            (FlPythonRun       *self);
FlTrace     *fl_python_run_get_trace       (FlPythonRun       *self);
gboolean     fl_python_run_is_running      (FlPythonRun       *self);
gboolean     fl_python_run_tracer_started  (FlPythonRun       *self);
int          fl_python_run_get_status      (FlPythonRun       *self);
int          fl_python_run_get_signal      (FlPythonRun       *self);
const char  *fl_python_run_get_exception   (FlPythonRun       *self);
const char  *fl_python_run_get_python      (FlPythonRun       *self);
guint        fl_python_run_get_n_tasks     (FlPythonRun       *self);
guint        fl_python_run_get_n_threads   (FlPythonRun       *self);
gint64       fl_python_run_get_max_lateness (FlPythonRun      *self);
char        *fl_python_run_describe_end    (FlPythonRun       *self);
void         fl_python_run_fold_line       (FlPythonRun       *self,
                                            const char        *line);

G_END_DECLS
