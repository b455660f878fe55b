/* fl-a11y.c: accessible names for icon-only buttons and drawn widgets; run announcements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 computes no accessible name from a tooltip, so an icon-only button would be read
 * as just "button": it gets its tooltip as its label. The widgets that draw themselves get
 * a name and a description of what they show.
 *
 * GTK 4.8 has no announcement API (gtk_accessible_announce() came in 4.14) and no live
 * regions. A run's start and end are announced by setting the accessible description of
 * the page and of its window: AT-SPI emits a property change for it, which a screen reader
 * presents for the window the user is in, and the text stays readable afterwards.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-a11y.h"
#include "fl-page.h"

#define ANNOUNCEMENT_KEY "fl-announcement"

typedef struct
{
  const char *css_name;
  const char *label;
  const char *description;
} Drawn;

static void
label_drawn (GtkWidget *widget)
{
  const Drawn drawn[] = {
    { "timeline", N_("Timeline"),
      N_("One lane per worker and one for the main loop; a bar per future, coloured by its "
         "state. The list of futures below has the same information as text.") },
    { "jankmeter", N_("Jank meter"),
      N_("How late the main loop runs: a sparkline with the 99th percentile and the maximum; "
         "red while the loop is stalled.") },
    { "flaggrid", N_("Flags"), N_("The downloaded flags, filling in as they arrive.") },
    { "runchart", N_("Runs compared"),
      N_("Elapsed time of each run, with the theoretical ideal marked.") },
    { "statediagram", N_("Future state diagram"),
      N_("Pending, running, finished, failed and cancelled, and the transitions between "
         "them; the current state is highlighted.") },
    { "mandelbrotview", N_("Mandelbrot tiles"), N_("Tiles appear as their jobs finish.") },
    { "speedupchart", N_("Speed-up chart"),
      N_("Measured speed-up against the number of workers, with the ideal line.") },
  };
  const char *name = gtk_widget_get_css_name (widget);

  for (guint i = 0; i < G_N_ELEMENTS (drawn); i++)
    if (g_strcmp0 (name, drawn[i].css_name) == 0)
      {
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _(drawn[i].label),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                        _(drawn[i].description),
                                        -1);
        return;
      }
}

static gboolean
is_icon_only (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    return gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL;
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget)) == NULL
           && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget)));
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_SPIN_BUTTON (widget) || GTK_IS_ENTRY (widget) || GTK_IS_DROP_DOWN (widget);
}

/* The label that says what @widget is: the one left of it in a grid, or just before it in
 * a box (“Workers [20]”), else NULL. */
static GtkWidget *
find_visible_label (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (GTK_IS_GRID (parent))
    {
      int column = 0, row = 0;

      gtk_grid_query_child (GTK_GRID (parent), widget, &column, &row, NULL, NULL);
      for (int c = column - 1; c >= 0; c--)
        {
          GtkWidget *left = gtk_grid_get_child_at (GTK_GRID (parent), c, row);

          if (GTK_IS_LABEL (left))
            return left;
          if (left != NULL && !is_control (left))
            break;
        }
      return NULL;
    }
  for (GtkWidget *prev = gtk_widget_get_prev_sibling (widget); prev != NULL;
       prev = gtk_widget_get_prev_sibling (prev))
    {
      if (GTK_IS_LABEL (prev))
        return prev;
      if (!is_control (prev))
        break;
    }
  return NULL;
}

/* A spin button, entry or drop-down is read by its visible label, else by its tooltip or
 * placeholder: never as just "spin button". */
static void
name_control (GtkWidget *widget)
{
  GtkWidget *label = find_visible_label (widget);
  const char *text = gtk_widget_get_tooltip_text (widget);

  if (label != NULL)
    {
      gtk_accessible_update_relation (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      if (text != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
      return;
    }
  if (text == NULL && GTK_IS_ENTRY (widget))
    text = gtk_entry_get_placeholder_text (GTK_ENTRY (widget));
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/**
 * fl_a11y_label_tree:
 *
 * Names the icon-only buttons (from their tooltips), the spin buttons, entries and
 * drop-downs (from the label beside them) and the drawn widgets in @root.
 */
void
fl_a11y_label_tree (GtkWidget *root)
{
  const char *tooltip = gtk_widget_get_tooltip_text (root);

  if (tooltip != NULL && is_icon_only (root))
    gtk_accessible_update_property (GTK_ACCESSIBLE (root),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  else if (is_control (root))
    {
      name_control (root);
      return;
    }
  else
    label_drawn (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fl_a11y_label_tree (child);
}

/**
 * fl_a11y_announce:
 *
 * Announces @text as the accessible description of @widget and of its window (see the
 * top of this file for why not a live region).
 */
void
fl_a11y_announce (GtkWidget  *widget,
                  const char *text)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  g_object_set_data_full (G_OBJECT (widget), ANNOUNCEMENT_KEY, g_strdup (text), g_free);
  if (root != NULL && GTK_WIDGET (root) != widget)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (root),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
      g_object_set_data_full (G_OBJECT (root), ANNOUNCEMENT_KEY, g_strdup (text), g_free);
    }
}

/**
 * fl_a11y_get_announcement:
 *
 * Returns: (nullable): the last text announced on @widget (or in its window)
 */
const char *
fl_a11y_get_announcement (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), ANNOUNCEMENT_KEY);
}

static void
run_completed_cb (FlRun  *run,
                  FlPage *page)
{
  g_autofree char *text = NULL;

  if (fl_page_get_run (page) != run)
    return;
  /* TRANSLATORS: announced to screen readers: demo title, seconds, then counts */
  text = g_strdup_printf (_("%s: run ended after %.1f s: %u finished, %u failed, %u cancelled"),
                          fl_page_get_title (page), fl_run_get_elapsed (run),
                          fl_run_get_n_finished (run), fl_run_get_n_failed (run),
                          fl_run_get_n_cancelled (run));
  fl_a11y_announce (GTK_WIDGET (page), text);
}

static void
page_run_cb (FlPage     *page,
             GParamSpec *pspec,
             gpointer    user_data)
{
  FlRun *run = fl_page_get_run (page);
  g_autofree char *text = NULL;

  if (run == NULL)
    return;
  /* TRANSLATORS: announced to screen readers when a run starts: demo title, mode */
  text = g_strdup_printf (_("%s: %s run started"), fl_page_get_title (page),
                          fl_run_get_mode_title (run));
  fl_a11y_announce (GTK_WIDGET (page), text);
  g_signal_connect_object (run, "completed", G_CALLBACK (run_completed_cb), page, 0);
}

/**
 * fl_a11y_watch_pages:
 *
 * Announces the start and end of every run of the pages in @root.
 */
void
fl_a11y_watch_pages (GtkWidget *root)
{
  if (FL_IS_PAGE (root))
    {
      g_signal_connect (root, "notify::run", G_CALLBACK (page_run_cb), NULL);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fl_a11y_watch_pages (child);
}
