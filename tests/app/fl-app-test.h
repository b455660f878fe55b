/* fl-app-test.h: start the real application inside a test, and find its widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-application.h"
#include "fl-test-utils.h"
#include "fl-timeline.h"
#include "fl-window.h"

static FlApplication *fl_test_app;

/* Creates, registers and activates the application (non-unique: no bus name), so the
 * window, the loop monitor and the embedded flag server exist as in the real app. */
static inline FlWindow *
fl_test_app_start (void)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  fl_test_app = fl_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (fl_test_app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (fl_test_app));
  window = fl_application_get_main_window (fl_test_app);
  g_assert_nonnull (window);
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000);
  return FL_WINDOW (window);
}

static inline void
fl_test_app_stop (void)
{
  GtkWindow *window = fl_application_get_main_window (fl_test_app);

  if (window != NULL)
    gtk_window_destroy (window);
  g_application_quit (G_APPLICATION (fl_test_app));
  g_clear_object (&fl_test_app);
}

/* Depth-first search for a button bound to @action with @target (a string), or NULL. */
static inline GtkWidget *
fl_test_find_action_button (GtkWidget  *root,
                            const char *action,
                            const char *target)
{
  if (GTK_IS_BUTTON (root)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    {
      GVariant *t = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (root));

      if (target == NULL
          || (t != NULL && g_variant_is_of_type (t, G_VARIANT_TYPE_STRING)
              && g_str_equal (g_variant_get_string (t, NULL), target)))
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fl_test_find_action_button (child, action, target);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* First descendant of @root of @type, or NULL. */
static inline GtkWidget *
fl_test_find_type (GtkWidget *root,
                   GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fl_test_find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every timeline under @root, appended to @out. */
static inline void
fl_test_collect_timelines (GtkWidget *root,
                           GPtrArray *out)
{
  if (FL_IS_TIMELINE (root))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fl_test_collect_timelines (child, out);
}

/* Whether every future and mark of those timelines has ended. */
static inline gboolean
fl_test_timelines_idle (GPtrArray *timelines)
{
  for (guint i = 0; i < timelines->len; i++)
    {
      FlSpans *spans = fl_timeline_get_spans (g_ptr_array_index (timelines, i));

      if (spans == NULL)
        return FALSE;
      fl_spans_update (spans);
      if (!fl_spans_is_idle (spans))
        return FALSE;
    }
  return TRUE;
}
