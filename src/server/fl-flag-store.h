/* fl-flag-store.h: the flag images the server serves, from its GResource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GBytes        *fl_flag_server_lookup_flag       (const char           *cc);
GStrv          fl_flag_server_list_codes        (void);

G_END_DECLS
