/* fl-codes.h: which country codes a flags run downloads, as flags2 reads its arguments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GStrv fl_codes_expand     (const char * const *tokens,
                           GError            **error);
GStrv fl_codes_parse      (const char         *text,
                           GError            **error);
GStrv fl_codes_every_pair (void);
GStrv fl_codes_sorted     (const char * const *codes,
                           guint               limit);

G_END_DECLS
