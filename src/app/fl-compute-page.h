/* fl-compute-page.h: CPU-bound work on the loop, threads, a simulated GIL and processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"

G_BEGIN_DECLS

#define FL_TYPE_COMPUTE_PAGE (fl_compute_page_get_type ())
G_DECLARE_FINAL_TYPE (FlComputePage, fl_compute_page, FL, COMPUTE_PAGE, FlPage)

void     fl_compute_page_set_workload      (FlComputePage  *self,
                                            guint           jobs,
                                            guint           size,
                                            guint           workers);
void     fl_compute_page_set_strict        (FlComputePage  *self,
                                            gboolean        strict);
gboolean fl_compute_page_kill_worker       (FlComputePage  *self,
                                            GError        **error);
guint    fl_compute_page_get_n_tiles       (FlComputePage  *self);
guint    fl_compute_page_get_n_painted     (FlComputePage  *self);
guint    fl_compute_page_get_n_restarts    (FlComputePage  *self);
guint    fl_compute_page_get_n_kills       (FlComputePage  *self);
gboolean fl_compute_page_get_pool_broken   (FlComputePage  *self);
guint    fl_compute_page_get_n_chart_runs  (FlComputePage  *self);
double   fl_compute_page_get_speedup       (FlComputePage  *self,
                                            guint           index);
const char *fl_compute_page_get_status     (FlComputePage  *self);

G_END_DECLS
