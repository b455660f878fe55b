/* fl-source-view.h: a page's own C source, from the GResource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *fl_source_view_new (const char *file_name);

G_END_DECLS
