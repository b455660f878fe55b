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

#include "fl-page.h"
#include "fl-source-view.h"

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

/* The Run/Stop bar of the Python side follows its page's Python run. */
static void
python_changed_cb (FlPage    *page,
                   GtkWidget *bar)
{
  GtkLabel *status = g_object_get_data (G_OBJECT (bar), "fl-status");
  GtkTextView *output = g_object_get_data (G_OBJECT (bar), "fl-output");
  const char *text = fl_page_get_python_status (page);
  GtkTextIter end;

  gtk_label_set_text (status, text != NULL ? text : "");
  if (gtk_text_view_get_buffer (output) != fl_page_get_python_output (page))
    gtk_text_view_set_buffer (output, fl_page_get_python_output (page));
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (output), &end);
  gtk_text_view_scroll_to_iter (output, &end, 0, FALSE, 0, 1);
}

static void
bar_map_cb (GtkWidget *bar)
{
  GtkWidget *page = gtk_widget_get_ancestor (bar, FL_TYPE_PAGE);
  g_autoptr(GError) error = NULL;
  g_autofree char *python = NULL;
  g_autofree char *tracer = NULL;
  GtkWidget *run = g_object_get_data (G_OBJECT (bar), "fl-run");

  if (page == NULL || g_object_get_data (G_OBJECT (bar), "fl-page") == page)
    return;
  g_object_set_data (G_OBJECT (bar), "fl-page", page);
  g_signal_connect_object (page, "python-changed", G_CALLBACK (python_changed_cb), bar, 0);
  python_changed_cb (FL_PAGE (page), bar);
  /* Without Python the button says why, rather than failing when clicked. */
  python = fl_python_find_interpreter (NULL, &error);
  if (python != NULL)
    tracer = fl_python_find_tracer_dir (&error);
  if (python == NULL || tracer == NULL)
    {
      gtk_widget_set_sensitive (run, FALSE);
      gtk_widget_set_tooltip_text (run, error->message);
      gtk_label_set_text (g_object_get_data (G_OBJECT (bar), "fl-status"), error->message);
    }
}

/* The Python program, a bar to run it under the tracer (its futures then fill the page's
 * own timeline and list), and what it prints. */
static GtkWidget *
python_side (const char *resource,
             const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *run = gtk_button_new_with_mnemonic (_("_Run the Python Version"));
  GtkWidget *stop = gtk_button_new_with_mnemonic (_("_Stop"));
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *output = gtk_text_view_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (run), "page.run-python");
  gtk_widget_add_css_class (run, "suggested-action");
  gtk_widget_set_tooltip_text (run, _("Run this program under the tracer: its futures, tasks "
                                      "and threads appear in the page's timeline and list, "
                                      "beside the last C run"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (stop), "page.stop-python");
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_widget_set_hexpand (status, TRUE);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (bar), run);
  gtk_box_append (GTK_BOX (bar), stop);
  gtk_box_append (GTK_BOX (bar), status);
  gtk_widget_set_margin_start (bar, 6);

  gtk_text_view_set_editable (GTK_TEXT_VIEW (output), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (output), TRUE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (output), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (output), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Output of the Python program"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), output);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 80);

  gtk_paned_set_start_child (GTK_PANED (paned), code_pane (resource, "python3", title));
  gtk_paned_set_end_child (GTK_PANED (paned), scroller);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_vexpand (paned, TRUE);

  g_object_set_data (G_OBJECT (bar), "fl-status", status);
  g_object_set_data (G_OBJECT (bar), "fl-output", output);
  g_object_set_data (G_OBJECT (bar), "fl-run", run);
  g_signal_connect (bar, "map", G_CALLBACK (bar_map_cb), NULL);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), paned);
  return box;
}

/**
 * fl_source_view_new:
 * @file_name: a file under /io/github/FuturesLab/source/
 *
 * Returns: the page's C source, with the equivalent Python program beside it when there
 *   is one
 */
/* The C and the Python side start at half the width each: left to the children's natural
 * widths, the C side started about 340 px wide and cut its lines. Only the first
 * allocation is split; after that the handle stays where the user puts it. */
static void
split_evenly_cb (GtkPaned   *paned,
                 GParamSpec *pspec,
                 gpointer    data)
{
  int max = 0;

  g_object_get (paned, "max-position", &max, NULL);
  if (max <= 0 || max == G_MAXINT)
    return;
  gtk_paned_set_position (paned, max / 2);
  g_signal_handlers_disconnect_by_func (paned, split_evenly_cb, data);
}

GtkWidget *
fl_source_view_new (const char *file_name)
{
  g_autofree char *c_path = g_strconcat ("/io/github/FuturesLab/source/", file_name, NULL);
  g_autofree char *c_title = g_strdup_printf (_("C — %s"), file_name);
  const char *python_file = fl_page_python_script_for (file_name);
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
  gtk_paned_set_end_child (GTK_PANED (paned), python_side (python_path, python_title));
  gtk_paned_set_wide_handle (GTK_PANED (paned), TRUE);
  gtk_widget_set_vexpand (paned, TRUE);
  g_signal_connect (paned, "notify::max-position", G_CALLBACK (split_evenly_cb), NULL);
  return paned;
}
