/* fl-gate.h: pause, step and resume the executors of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * FlGateTransition:
 * @FL_GATE_START: a job leaves PENDING for RUNNING
 * @FL_GATE_FINISH: a job's end (its result, error or cancellation) is recorded and delivered
 * @FL_GATE_OPERATION: one step of work that is not a job's start or end (a waiter of
 *   fl_gate_wait(), such as one item put into a queue); its label says what it was
 */
typedef enum
{
  FL_GATE_START,
  FL_GATE_FINISH,
  FL_GATE_OPERATION,
} FlGateTransition;

#define FL_TYPE_GATE (fl_gate_get_type ())
G_DECLARE_FINAL_TYPE (FlGate, fl_gate, FL, GATE, GObject)

FlGate   *fl_gate_new        (void);
void      fl_gate_pause      (FlGate *self);
void      fl_gate_resume     (FlGate *self);
void      fl_gate_step       (FlGate *self);
gboolean  fl_gate_is_paused  (FlGate *self);
guint     fl_gate_get_n_held (FlGate *self);

/**
 * FlGateTryFunc:
 * @data: the data given to fl_gate_wait()
 * @label: (inout): the label ::passed will carry; may be replaced (g_free() the old one)
 *
 * Called under the gate's lock, only while it is paused, when a step would let this
 * waiter through: do the one operation the step stands for now, without blocking and
 * without calling into the gate, and return %TRUE; or return %FALSE (it cannot happen
 * now) and the step goes to the next waiter.
 */
typedef gboolean (*FlGateTryFunc) (gpointer   data,
                                   char     **label);

gboolean  fl_gate_wait       (FlGate           *self,
                              FlGateTransition  transition,
                              guint64           id,
                              const char       *label,
                              FlGateTryFunc     try_func,
                              gpointer          try_data,
                              gboolean         *tried,
                              GCancellable     *cancellable);

G_END_DECLS
