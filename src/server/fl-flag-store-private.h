/* fl-flag-store-private.h: the flags and metadata the server answers with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes *fl_flag_store_lookup (const char  *path,
                              const char **content_type);

G_END_DECLS
