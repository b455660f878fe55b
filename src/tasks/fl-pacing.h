/* fl-pacing.h: slow motion for CPU-bound jobs: a pause after each chunk of work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

#define FL_PACED_JOB "paced"

void      fl_pacing_register_job (void);
GVariant *fl_pacing_args_new     (const char *job_name,
                                  double      scale,
                                  GVariant   *args);
void      fl_pacing_chunk        (void);

G_END_DECLS
