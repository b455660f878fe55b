/* fl-window.c: the main window: a searchable sidebar of demos and a stack of pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-a11y.h"
#include "fl-anatomy-page.h"
#include "fl-compute-page.h"
#include "fl-coroutines-page.h"
#include "fl-export.h"
#include "fl-flags-page.h"
#include "fl-map-page.h"
#include "fl-frozen-page.h"
#include "fl-queue-page.h"
#include "fl-script-page.h"
#include "fl-settings.h"
#include "fl-timeline.h"
#include "fl-window.h"

struct _FlWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwLeaflet      *leaflet;
  GtkWidget       *content;
  GtkListBox      *demo_list;
  GtkSearchEntry  *search_entry;
  GtkToggleButton *search_button;
  GtkStack        *stack;
  FlJankMeter     *jank_meter;
  FlTimeControls  *time_controls;

  /* owned */
  char            *filter;
};

G_DEFINE_FINAL_TYPE (FlWindow, fl_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  FlWindow *self = user_data;
  FlPage *page = g_object_get_data (G_OBJECT (row), "fl-page");
  g_autofree char *haystack = NULL;
  g_autofree char *folded = NULL;

  if (self->filter == NULL || self->filter[0] == '\0')
    return TRUE;
  haystack = g_strjoin (" ", fl_page_get_id (page), fl_page_get_title (page),
                        fl_page_get_subtitle (page), NULL);
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, self->filter) != NULL;
}

static void
search_changed_cb (FlWindow       *self,
                   GtkSearchEntry *entry)
{
  fl_window_set_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
row_selected_cb (FlWindow      *self,
                 GtkListBoxRow *row,
                 GtkListBox    *list)
{
  FlPage *page;

  if (row == NULL)
    return;
  page = g_object_get_data (G_OBJECT (row), "fl-page");
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (page));
  gtk_window_set_title (GTK_WINDOW (self), fl_page_get_title (page));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
back_clicked_cb (FlWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
add_page (FlWindow *self,
          FlPage   *page)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (fl_page_get_icon_name (page));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_page_get_title (page));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fl_page_get_subtitle (page));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_widget_set_name (row, fl_page_get_id (page));
  g_object_set_data (G_OBJECT (row), "fl-page", page);
  gtk_list_box_append (self->demo_list, row);
  gtk_stack_add_named (self->stack, GTK_WIDGET (page), fl_page_get_id (page));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  gtk_toggle_button_set_active (self->search_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The header's Pause and Step act on the page shown. */
static void
visible_child_cb (FlWindow *self)
{
  if (self->time_controls != NULL)
    fl_time_controls_set_page (self->time_controls, fl_window_get_visible_page (self));
}

/* Whether the key belongs to the focused widget: text entry (entries, spin buttons, the
 * source view), a slider, anything in a popover (a drop-down's list, a menu), or the
 * timeline, whose ←/→ move its time cursor. */
static gboolean
focus_wants_key (FlWindow *self)
{
  for (GtkWidget *w = gtk_root_get_focus (GTK_ROOT (self)); w != NULL && w != GTK_WIDGET (self);
       w = gtk_widget_get_parent (w))
    if (GTK_IS_EDITABLE (w) || GTK_IS_TEXT (w) || GTK_IS_TEXT_VIEW (w)
        || GTK_IS_SPIN_BUTTON (w) || GTK_IS_RANGE (w) || GTK_IS_POPOVER (w)
        || FL_IS_TIMELINE (w))
      return TRUE;
  return FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FlWindow              *self)
{
  return fl_window_handle_time_key (self, keyval, state);
}

static void
fl_window_dispose (GObject *object)
{
  FlWindow *self = FL_WINDOW (object);

  if (self->stack != NULL)
    g_signal_handlers_disconnect_by_func (self->stack, visible_child_cb, self);
  if (self->time_controls != NULL)
    fl_time_controls_set_page (self->time_controls, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_WINDOW);
  G_OBJECT_CLASS (fl_window_parent_class)->dispose (object);
}

static void
fl_window_finalize (GObject *object)
{
  g_free (FL_WINDOW (object)->filter);
  G_OBJECT_CLASS (fl_window_parent_class)->finalize (object);
}

static void
fl_window_class_init (FlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_window_dispose;
  object_class->finalize = fl_window_finalize;

  g_type_ensure (FL_TYPE_JANK_METER);
  g_type_ensure (FL_TYPE_TIME_CONTROLS);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/FuturesLab/fl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, content);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, demo_list);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, jank_meter);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, time_controls);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
}

/* The page the window's export actions save: the one shown. */
static GtkWidget *
visible_page_source (GtkWindow *window)
{
  return GTK_WIDGET (fl_window_get_visible_page (FL_WINDOW (window)));
}

static void
fl_window_init (FlWindow *self)
{
  GtkEventController *key;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_filter_func (self->demo_list, filter_func, self, NULL);
  /* In the order a lesson goes. */
  add_page (self, g_object_new (FL_TYPE_FROZEN_PAGE, NULL));
  add_page (self, g_object_new (FL_TYPE_FLAGS_PAGE, NULL));
  add_page (self, g_object_new (FL_TYPE_COMPUTE_PAGE, NULL));
  add_page (self, g_object_new (FL_TYPE_MAP_PAGE, NULL));
  add_page (self, g_object_new (FL_TYPE_ANATOMY_PAGE, NULL));
  add_page (self, g_object_new (FL_TYPE_QUEUE_PAGE, NULL));
  add_page (self, g_object_new (FL_TYPE_COROUTINES_PAGE, NULL));
  add_page (self, g_object_new (FL_TYPE_SCRIPT_PAGE, NULL));
  gtk_list_box_select_row (self->demo_list, gtk_list_box_get_row_at_index (self->demo_list, 0));

  fl_export_install (GTK_WINDOW (self), visible_page_source);
  fl_settings_track_window (GTK_WINDOW (self), TRUE);
  fl_a11y_label_tree (GTK_WIDGET (self));
  fl_a11y_watch_pages (GTK_WIDGET (self));

  /* After the tree is labelled: the controls name their buttons themselves ("Pause" or
   * "Resume"), not after their tooltips. */
  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (visible_child_cb), self, G_CONNECT_SWAPPED);
  visible_child_cb (self);

  /* Space and → for pause and step, in the capture phase: otherwise Space would first
   * activate the focused button, often the Run button just clicked, which starts a new
   * run instead of pausing this one. fl_window_handle_time_key() says when they act. */
  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

/**
 * fl_window_new:
 * @server: (nullable): the embedded flag server, for the pages that download
 * @monitor: (nullable): the main loop's monitor, for the jank meter and the pages
 *
 * Returns: (transfer floating): the main window
 */
FlWindow *
fl_window_new (GtkApplication *application,
               FlFlagServer   *server,
               FlLoopMonitor  *monitor)
{
  FlWindow *self = g_object_new (FL_TYPE_WINDOW, "application", application, NULL);
  g_autoptr(GList) pages = fl_window_list_pages (self);

  for (GList *l = pages; l != NULL; l = l->next)
    {
      fl_page_set_server (l->data, server);
      fl_page_set_monitor (l->data, monitor);
    }
  fl_jank_meter_set_monitor (self->jank_meter, monitor);
  return self;
}

/**
 * fl_window_show_demo:
 *
 * Returns: %FALSE if no page has that id
 */
gboolean
fl_window_show_demo (FlWindow   *self,
                     const char *id)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->demo_list, i);

      if (row == NULL)
        return FALSE;
      if (g_strcmp0 (fl_page_get_id (g_object_get_data (G_OBJECT (row), "fl-page")), id) == 0)
        {
          gtk_list_box_select_row (self->demo_list, row);
          return TRUE;
        }
    }
}

FlPage *
fl_window_get_page (FlWindow   *self,
                    const char *id)
{
  GtkWidget *child = gtk_stack_get_child_by_name (self->stack, id);

  return child != NULL ? FL_PAGE (child) : NULL;
}

FlPage *
fl_window_get_visible_page (FlWindow *self)
{
  return FL_PAGE (gtk_stack_get_visible_child (self->stack));
}

/**
 * fl_window_list_pages:
 *
 * Returns: (transfer container) (element-type FlPage): the pages in sidebar order
 */
GList *
fl_window_list_pages (FlWindow *self)
{
  GList *pages = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    pages = g_list_prepend (pages, child);
  return g_list_reverse (pages);
}

FlJankMeter *
fl_window_get_jank_meter (FlWindow *self)
{
  return self->jank_meter;
}

void
fl_window_cancel_all (FlWindow *self)
{
  g_autoptr(GList) pages = fl_window_list_pages (self);

  for (GList *l = pages; l != NULL; l = l->next)
    fl_page_cancel_run (l->data);
}

void
fl_window_set_search (FlWindow   *self,
                      const char *text)
{
  g_free (self->filter);
  self->filter = text != NULL ? g_utf8_casefold (text, -1) : NULL;
  gtk_list_box_invalidate_filter (self->demo_list);
}

guint
fl_window_get_n_visible_demos (FlWindow *self)
{
  guint n = 0;

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->demo_list, i);

      if (row == NULL)
        return n;
      if (filter_func (row, self))
        n++;
    }
}

/**
 * fl_window_get_time_controls:
 *
 * Returns: (transfer none): the header's Pause and Step, acting on the page shown
 */
FlTimeControls *
fl_window_get_time_controls (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->time_controls;
}

/**
 * fl_window_handle_time_key:
 * @keyval: the key pressed
 * @state: the modifiers held
 *
 * The window's Space and → (what its key controller calls): Space pauses or resumes the
 * run of the page shown (page.pause), → lets one transition through (page.step). They act
 * only without Ctrl, Alt, Shift, Super or Meta, when the focus is not in text entry, a
 * slider, a popover or the timeline (those keys are theirs there), and only when they have
 * something to do: Space while the run can be paused or is paused, → while it is paused.
 * Otherwise the key keeps its usual meaning (→ moves the focus, Space activates).
 *
 * Returns: %TRUE if the key paused, resumed or stepped the run (nothing else gets it)
 */
gboolean
fl_window_handle_time_key (FlWindow        *self,
                           guint            keyval,
                           GdkModifierType  state)
{
  FlPage *page;
  gboolean space = keyval == GDK_KEY_space || keyval == GDK_KEY_KP_Space;
  gboolean right = keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  if (!space && !right)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK
                | GDK_SUPER_MASK | GDK_META_MASK)) != 0)
    return FALSE;
  if (focus_wants_key (self))
    return FALSE;
  page = fl_window_get_visible_page (self);
  if (page == NULL)
    return FALSE;
  if (space && (fl_page_can_pause (page) || fl_page_is_paused (page)))
    return gtk_widget_activate_action (GTK_WIDGET (page), "page.pause", NULL);
  if (right && fl_page_is_paused (page))
    return gtk_widget_activate_action (GTK_WIDGET (page), "page.step", NULL);
  return FALSE;
}
