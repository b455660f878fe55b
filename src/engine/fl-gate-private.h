/* fl-gate-private.h: where the executors' lanes stop at a gate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-gate.h"
#include "fl-future-private.h"

G_BEGIN_DECLS

/* Blocks a lane thread at @gate until the transition may happen: returns at once when the
 * gate is open (one atomic load), on a step that picks this transition, on resume, or
 * when @future ends meanwhile (a cancel of a held PENDING future). Never on the home
 * context of a loop executor: see _fl_gate_pass_async(). */
void     _fl_gate_pass       (FlGate           *gate,
                              FlGateTransition  transition,
                              FlFuture         *future);

/* For lanes that must not block (the loop executor): returns %TRUE when the transition may
 * happen now; else %FALSE, and @func (@data, NULL) is posted to @dispatcher once it may
 * (or once @future ended meanwhile). */
gboolean _fl_gate_pass_async (FlGate           *gate,
                              FlGateTransition  transition,
                              FlFuture         *future,
                              FlDispatcher     *dispatcher,
                              GFunc             func,
                              gpointer          data);

G_END_DECLS
