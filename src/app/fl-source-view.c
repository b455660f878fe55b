/* fl-source-view.c: a page's own C source, from the GResource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In the spirit of gtk4-demo: the code that makes a demo is one tab away from it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "fl-source-view.h"

/**
 * fl_source_view_new:
 * @file_name: a file under /io/github/FuturesLab/source/
 *
 * Returns: a scrolled, read-only, highlighted view of that file
 */
GtkWidget *
fl_source_view_new (const char *file_name)
{
  g_autofree char *path = g_strconcat ("/io/github/FuturesLab/source/", file_name, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceBuffer *buffer = gtk_source_buffer_new (NULL);
  GtkWidget *view, *scroller;

  gtk_source_buffer_set_language (buffer,
                                  gtk_source_language_manager_get_language (languages, "c"));
  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes,
                                                                                  "Adwaita"));
  if (bytes != NULL)
    gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer),
                              g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  else
    gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer), _("(source not found)"), -1);

  view = gtk_source_view_new_with_buffer (buffer);
  g_object_unref (buffer);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_source_view_set_show_line_numbers (GTK_SOURCE_VIEW (view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_add_css_class (view, "source-code");

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_widget_set_vexpand (scroller, TRUE);
  return scroller;
}
