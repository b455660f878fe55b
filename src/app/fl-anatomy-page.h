/* fl-anatomy-page.h: one future's life: states, cancel, result, callbacks, a deadlock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"
#include "fl-state-diagram.h"

G_BEGIN_DECLS

#define FL_TYPE_ANATOMY_PAGE (fl_anatomy_page_get_type ())
G_DECLARE_FINAL_TYPE (FlAnatomyPage, fl_anatomy_page, FL, ANATOMY_PAGE, FlPage)

void            fl_anatomy_page_set_job          (FlAnatomyPage *self,
                                                  double         seconds,
                                                  gboolean       will_fail,
                                                  double         timeout_seconds);
FlFuture       *fl_anatomy_page_get_current      (FlAnatomyPage *self);
FlStateDiagram *fl_anatomy_page_get_diagram      (FlAnatomyPage *self);
guint           fl_anatomy_page_get_n_log        (FlAnatomyPage *self);
const char     *fl_anatomy_page_get_last_log     (FlAnatomyPage *self);
int             fl_anatomy_page_get_last_cancel  (FlAnatomyPage *self);
gboolean        fl_anatomy_page_get_deadlock_done(FlAnatomyPage *self);

G_END_DECLS
