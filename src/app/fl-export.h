/* fl-export.h: save a page's run (trace JSON, CSV) and its timeline (PNG, SVG)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-timeline.h"

G_BEGIN_DECLS

typedef enum
{
  FL_EXPORT_TRACE_JSON,
  FL_EXPORT_TRACE_CSV,
  FL_EXPORT_TIMELINE_PNG,
  FL_EXPORT_TIMELINE_SVG,
} FlExportFormat;

FlTimeline *fl_export_find_timeline  (GtkWidget       *root);
gboolean    fl_export_save           (GtkWidget       *source,
                                      FlExportFormat   format,
                                      const char      *path,
                                      GError         **error);
char       *fl_export_suggest_name   (GtkWidget       *source,
                                      FlExportFormat   format);
typedef GtkWidget *(*FlExportSourceFunc) (GtkWindow *window);

void        fl_export_install        (GtkWindow       *window,
                                      FlExportSourceFunc source_func);

G_END_DECLS
