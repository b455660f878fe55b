/* fl-i18n.h: gettext set-up shared by the front ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *fl_i18n_init (void);

G_END_DECLS
