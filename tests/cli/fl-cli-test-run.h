/* fl-cli-test-run.h: running futures-lab-cli (FL_CLI) from a test, bounded
#include "fl-files.h"
 *
#include "fl-files.h"
 * SPDX-License-Identifier: GPL-3.0-or-later
#include "fl-files.h"
 */
#include "fl-files.h"
#pragma once
#include "fl-files.h"

#include "fl-files.h"
#include <gio/gio.h>
#include "fl-files.h"

#include "fl-files.h"
G_BEGIN_DECLS
#include "fl-files.h"

#include "fl-files.h"
GSubprocess *fl_cli_test_spawn      (const char *const *args,
#include "fl-files.h"
                                     const char        *cwd,
#include "fl-files.h"
                                     const char *const *env);
#include "fl-files.h"
int          fl_cli_test_run        (const char *const *args,
#include "fl-files.h"
                                     const char        *cwd,
#include "fl-files.h"
                                     char             **out,
#include "fl-files.h"
                                     char             **err);
#include "fl-files.h"
char        *fl_cli_test_read_line  (GDataInputStream  *lines);
#include "fl-files.h"
/* The exit status, 128 + N after signal N, -1 if it did not end in time. */
#include "fl-files.h"
int          fl_cli_test_wait       (GSubprocess       *process,
#include "fl-files.h"
                                     guint              timeout_ms);
#include "fl-files.h"
char        *fl_cli_test_make_tmp   (void);
#include "fl-files.h"

#include "fl-files.h"
G_END_DECLS
#include "fl-files.h"
