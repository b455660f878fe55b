/* fl-files.h: file-system helpers the workloads, the app and the CLI share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void fl_remove_tree (const char *path);

G_END_DECLS
