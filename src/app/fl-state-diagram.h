/* fl-state-diagram.h: a future's state machine, drawn, its transitions lit as they happen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_TYPE_STATE_DIAGRAM (fl_state_diagram_get_type ())
G_DECLARE_FINAL_TYPE (FlStateDiagram, fl_state_diagram, FL, STATE_DIAGRAM, GtkWidget)

GtkWidget     *fl_state_diagram_new         (void);
void           fl_state_diagram_reset       (FlStateDiagram *self);
void           fl_state_diagram_move_to     (FlStateDiagram *self,
                                             FlFutureState   state,
                                             gboolean        ran);
gboolean       fl_state_diagram_has_state   (FlStateDiagram *self);
FlFutureState  fl_state_diagram_get_state   (FlStateDiagram *self);
char          *fl_state_diagram_dup_path    (FlStateDiagram *self);

const char     *fl_state_diagram_state_word (FlFutureState state);

G_END_DECLS
