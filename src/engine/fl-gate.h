/* fl-gate.h: pause, step and resume the executors of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * FlGateTransition:
 * @FL_GATE_START: a job leaves PENDING for RUNNING
 * @FL_GATE_FINISH: a job's end (its result, error or cancellation) is recorded and delivered
 */
typedef enum
{
  FL_GATE_START,
  FL_GATE_FINISH,
} FlGateTransition;

#define FL_TYPE_GATE (fl_gate_get_type ())
G_DECLARE_FINAL_TYPE (FlGate, fl_gate, FL, GATE, GObject)

FlGate   *fl_gate_new        (void);
void      fl_gate_pause      (FlGate *self);
void      fl_gate_resume     (FlGate *self);
void      fl_gate_step       (FlGate *self);
gboolean  fl_gate_is_paused  (FlGate *self);
guint     fl_gate_get_n_held (FlGate *self);

G_END_DECLS
