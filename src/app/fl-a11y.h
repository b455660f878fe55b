/* fl-a11y.h: accessible names for icon-only buttons and drawn widgets; run announcements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void        fl_a11y_label_tree         (GtkWidget  *root);
void        fl_a11y_watch_pages        (GtkWidget  *root);
void        fl_a11y_announce           (GtkWidget  *widget,
                                        const char *text);
const char *fl_a11y_get_announcement   (GtkWidget  *widget);

G_END_DECLS
