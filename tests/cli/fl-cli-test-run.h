/* fl-cli-test-run.h: running futures-lab-cli (FL_CLI) from a test, bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fl-files.h"

G_BEGIN_DECLS

GSubprocess *fl_cli_test_spawn      (const char *const *args,
                                     const char        *cwd,
                                     const char *const *env);
int          fl_cli_test_run        (const char *const *args,
                                     const char        *cwd,
                                     char             **out,
                                     char             **err);
char        *fl_cli_test_read_line  (GDataInputStream  *lines);
/* The exit status, 128 + N after signal N, -1 if it did not end in time. */
int          fl_cli_test_wait       (GSubprocess       *process,
                                     guint              timeout_ms);
char        *fl_cli_test_make_tmp   (void);

G_END_DECLS
