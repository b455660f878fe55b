/* fl-frozen-page.h: the first lesson: a slow handler on the loop, a thread, a subprocess
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"

G_BEGIN_DECLS

#define FL_TYPE_FROZEN_PAGE (fl_frozen_page_get_type ())
G_DECLARE_FINAL_TYPE (FlFrozenPage, fl_frozen_page, FL, FROZEN_PAGE, FlPage)

guint  fl_frozen_page_get_n_clicks      (FlFrozenPage *self);
void   fl_frozen_page_set_work          (FlFrozenPage *self,
                                         gboolean      busy_cpu,
                                         double        seconds);
const char *fl_frozen_page_get_run_summary (FlFrozenPage *self);
const char *fl_frozen_page_get_status      (FlFrozenPage *self);

G_END_DECLS
