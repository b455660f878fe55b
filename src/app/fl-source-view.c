/* fl-source-view.c: a page's own C source beside the same lesson in Python
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In the spirit of gtk4-demo: the code that makes a demo is one tab away from it. The C
 * source comes from the GResource (/io/github/FuturesLab/source/), and next to it the
 * Python program that teaches the same thing with concurrent.futures or asyncio
 * (data/python/, /io/github/FuturesLab/python/), so a student can compare them side by side.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "fl-source-view.h"

/* Which Python program tells the same lesson as each page. */
static const struct
{
  const char *c_file;
  const char *python_file;
} equivalents[] = {
  { "fl-frozen-page.c", "freeze.py" },
  { "fl-flags-page.c", "flags.py" },
  { "fl-compute-page.c", "compute.py" },
  { "fl-map-page.c", "map.py" },
  { "fl-anatomy-page.c", "anatomy.py" },
  /* not queue.py: a script of that name would hide the standard queue module */
  { "fl-queue-page.c", "producer_consumer.py" },
  { "fl-coroutines-page.c", "coroutines.py" },
};

static const char *
python_equivalent (const char *c_file)
{
  for (guint i = 0; i < G_N_ELEMENTS (equivalents); i++)
    if (g_str_equal (equivalents[i].c_file, c_file))
      return equivalents[i].python_file;
  return NULL;
}

/* A titled, scrolled, read-only, highlighted view of one resource. */
static GtkWidget *
code_pane (const char *resource,
           const char *language,
           const char *title)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (resource, 0, NULL);
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceBuffer *buffer = gtk_source_buffer_new (NULL);
  GtkWidget *view, *scroller, *box, *heading;

  gtk_source_buffer_set_language (buffer,
                                  gtk_source_language_manager_get_language (languages, language));
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
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_set_hexpand (scroller, TRUE);

  heading = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_start (heading, 6);
  gtk_widget_set_margin_bottom (heading, 6);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), scroller);
  return box;
}

/**
 * fl_source_view_new:
 * @file_name: a file under /io/github/FuturesLab/source/
 *
 * Returns: the page's C source, with the equivalent Python program beside it when there
 *   is one
 */
GtkWidget *
fl_source_view_new (const char *file_name)
{
  g_autofree char *c_path = g_strconcat ("/io/github/FuturesLab/source/", file_name, NULL);
  g_autofree char *c_title = g_strdup_printf (_("C — %s"), file_name);
  const char *python_file = python_equivalent (file_name);
  g_autofree char *python_path = NULL;
  g_autofree char *python_title = NULL;
  GtkWidget *paned;

  if (python_file == NULL)
    return code_pane (c_path, "c", c_title);

  python_path = g_strconcat ("/io/github/FuturesLab/python/", python_file, NULL);
  /* Translators: %s is a file name such as flags.py */
  python_title = g_strdup_printf (_("The same lesson in Python — %s"), python_file);

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (paned), code_pane (c_path, "c", c_title));
  gtk_paned_set_end_child (GTK_PANED (paned), code_pane (python_path, "python3", python_title));
  gtk_paned_set_wide_handle (GTK_PANED (paned), TRUE);
  gtk_widget_set_vexpand (paned, TRUE);
  return paned;
}
