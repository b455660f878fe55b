/* fl-replay-window.c: a saved run, opened again read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A saved trace holds every event of the run, so the window shows what the page showed
 * with the very same views: the loaded trace becomes a run (fl_run_new_for_trace()) whose
 * spans feed the timeline and the futures list, and whose tally the description reads.
 * Nothing can run or be cancelled here. The run's description (demo, mode, server...)
 * comes from the trace's metadata.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "futures-lab-tasks.h"

#include "fl-a11y.h"
#include "fl-export.h"
#include "fl-format.h"
#include "fl-futures-list.h"
#include "fl-replay-window.h"
#include "fl-settings.h"
#include "fl-timeline.h"

struct _FlReplayWindow
{
  AdwApplicationWindow parent_instance;

  /* borrowed */
  AdwWindowTitle *title;
  GtkLabel       *info_label;
  FlTimeline     *timeline;
  FlFuturesList  *list;

  /* owned */
  FlRun          *run;
  char           *info;
};

G_DEFINE_FINAL_TYPE (FlReplayWindow, fl_replay_window, ADW_TYPE_APPLICATION_WINDOW)

static void
describe (FlReplayWindow *self,
          GFile          *file)
{
  FlTrace *trace = fl_run_get_trace (self->run);
  const char *demo = fl_trace_get_metadata (trace, "demo-title");
  const char *mode = fl_trace_get_metadata (trace, "mode-title");
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *title = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *length = NULL;
  g_autofree char *scale = NULL;
  g_auto(GStrv) keys = fl_trace_list_metadata (trace);
  GString *info = g_string_new (NULL);
  FlTally tally;

  fl_run_get_tally (self->run, &tally);
  if (mode == NULL)
    mode = fl_trace_get_metadata (trace, "mode");
  if (mode == NULL || mode[0] == '\0')
    mode = fl_trace_get_title (trace);

  /* TRANSLATORS: window title of a saved run opened again: demo, then mode */
  title = g_strdup_printf (_("Saved run: %s, %s"), demo != NULL ? demo : _("Futures Lab"),
                           mode);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->title, title);
  adw_window_title_set_subtitle (self->title, basename);

  counts = fl_tally_format (&tally);
  length = fl_format_duration (fl_spans_get_last_time (fl_run_get_spans (self->run)));
  g_string_append_printf (info, g_dngettext (GETTEXT_PACKAGE,
                                             "Read-only: a saved run, as it was recorded. "
                                             "%u future: %s; %s.",
                                             "Read-only: a saved run, as it was recorded. "
                                             "%u futures: %s; %s.", tally.total),
                          tally.total, counts, length);
  /* A slowed run says so: its times are shown in real units, its wall time was longer. */
  scale = fl_run_format_time_scale (self->run);
  if (scale != NULL)
    g_string_append_printf (info, "\n%s", scale);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      if (g_str_equal (keys[i], "demo-title") || g_str_equal (keys[i], "mode-title"))
        continue;
      g_string_append_printf (info, "\n%s: %s", keys[i], fl_trace_get_metadata (trace, keys[i]));
    }
  self->info = g_string_free (info, FALSE);
  gtk_label_set_text (self->info_label, self->info);
}

static void
list_selected_cb (FlReplayWindow *self)
{
  fl_timeline_set_selected (self->timeline, fl_futures_list_get_selected (self->list));
}

static void
future_activated_cb (FlReplayWindow *self,
                     guint64         future_id)
{
  fl_futures_list_select (self->list, future_id);
}

/* The time cursor sets the instant the list shows, and the counts of that instant are
 * told under the description of the whole file (the timeline reads out the same). */
static void
cursor_cb (FlReplayWindow *self)
{
  gint64 t = fl_timeline_get_cursor (self->timeline);
  g_autofree char *counts = NULL;
  g_autofree char *at = NULL;
  g_autofree char *text = NULL;
  FlTally tally;

  fl_futures_list_set_cursor (self->list, t);
  if (t < 0)
    {
      gtk_label_set_text (self->info_label, self->info);
      return;
    }
  fl_spans_tally_at (fl_run_get_spans (self->run), t, &tally);
  counts = fl_tally_format (&tally);
  at = fl_format_at_instant (t, counts);
  text = g_strconcat (self->info, "\n", at, NULL);
  gtk_label_set_text (self->info_label, text);
}

static void
fl_replay_window_finalize (GObject *object)
{
  FlReplayWindow *self = FL_REPLAY_WINDOW (object);

  g_clear_object (&self->run);
  g_free (self->info);
  G_OBJECT_CLASS (fl_replay_window_parent_class)->finalize (object);
}

static void
fl_replay_window_class_init (FlReplayWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_replay_window_finalize;
}

static GMenuModel *
export_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_menu_append (menu, _("Save Run as _Trace (JSON)…"), "export.trace-json");
  g_menu_append (menu, _("Save Run as _CSV…"), "export.trace-csv");
  g_menu_append (menu, _("Save Timeline as _PNG…"), "export.timeline-png");
  g_menu_append (menu, _("Save Timeline as _SVG…"), "export.timeline-svg");
  return G_MENU_MODEL (menu);
}

static void
fl_replay_window_init (FlReplayWindow *self)
{
  GtkWidget *overlay, *box, *header, *menu_button, *paned, *top;
  g_autoptr(GMenuModel) menu = export_menu ();

  gtk_window_set_default_size (GTK_WINDOW (self), 1000, 700);

  overlay = adw_toast_overlay_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), box);

  header = adw_header_bar_new ();
  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Saved run"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "document-save-as-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_widget_set_tooltip_text (menu_button, _("Save This Run"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);
  gtk_box_append (GTK_BOX (box), header);

  top = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (top, 18);
  gtk_widget_set_margin_end (top, 18);
  gtk_widget_set_margin_top (top, 12);
  gtk_widget_set_margin_bottom (top, 6);
  self->info_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->info_label, 0);
  gtk_label_set_wrap (self->info_label, TRUE);
  gtk_label_set_selectable (self->info_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->info_label), "status");
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->info_label));
  self->timeline = FL_TIMELINE (fl_timeline_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->timeline), TRUE);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->timeline));

  self->list = FL_FUTURES_LIST (fl_futures_list_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->list), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Futures of the saved run"),
                                  -1);

  paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  gtk_paned_set_start_child (GTK_PANED (paned), top);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->list));
  gtk_paned_set_position (GTK_PANED (paned), 380);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (box), paned);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), overlay);

  g_signal_connect_swapped (self->list, "notify::selected",
                            G_CALLBACK (list_selected_cb), self);
  g_signal_connect_swapped (self->timeline, "notify::cursor", G_CALLBACK (cursor_cb), self);
  g_signal_connect_swapped (self->timeline, "future-activated",
                            G_CALLBACK (future_activated_cb), self);
  fl_export_install (GTK_WINDOW (self), NULL);
}

static gboolean
is_not_ours (const GError *error)
{
  return error->domain == JSON_PARSER_ERROR
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/**
 * fl_replay_window_open:
 *
 * Loads a run saved as trace JSON and shows it in a new read-only window (not yet
 * presented).
 *
 * Returns: (transfer none) (nullable): the window, owned by @application, or %NULL with
 *   @error (a message for people) if @file is not a run saved by Futures Lab
 */
FlReplayWindow *
fl_replay_window_open (GtkApplication  *application,
                       GFile           *file,
                       GError         **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *display = g_file_get_parse_name (file);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FlTrace) trace = NULL;
  FlReplayWindow *self;

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Could not open “%s”: only local files can be opened"), display);
      return NULL;
    }
  trace = fl_trace_load (path, &local_error);
  if (trace == NULL)
    {
      if (is_not_ours (local_error))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("Could not open “%s”: it is not a run saved by Futures Lab. Open a "
                       "trace saved with “Save Run as Trace” (JSON; a CSV file cannot be "
                       "opened again)."), display);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not open “%s”: %s"), display, local_error->message);
      return NULL;
    }

  self = g_object_new (FL_TYPE_REPLAY_WINDOW, "application", application, NULL);
  self->run = fl_run_new_for_trace (trace);
  describe (self, file);
  fl_timeline_set_spans (self->timeline, fl_run_get_spans (self->run));
  fl_futures_list_set_spans (self->list, fl_run_get_spans (self->run));
  /* The whole run, fixed: a future still running when the run was saved has no end, and
   * following it would stretch the view (and redraw) for as long as the window is open. */
  fl_timeline_set_view (self->timeline, 0,
                        MAX ((gint64) (fl_spans_get_last_time (fl_run_get_spans (self->run))
                                       * 1.02), 1000));
  fl_settings_track_window (GTK_WINDOW (self), FALSE);
  fl_a11y_label_tree (GTK_WIDGET (self));
  return self;
}

FlTrace *
fl_replay_window_get_trace (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return fl_run_get_trace (self->run);
}

/**
 * fl_replay_window_get_run:
 *
 * Returns: (transfer none): the run made from the loaded trace
 */
FlRun *
fl_replay_window_get_run (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return self->run;
}

/**
 * fl_replay_window_get_list:
 *
 * Returns: (transfer none): the futures list, the same widget the pages show
 */
FlFuturesList *
fl_replay_window_get_list (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return self->list;
}

const char *
fl_replay_window_get_info (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return self->info;
}

/**
 * fl_replay_window_get_info_text:
 *
 * Returns: what the description label says: fl_replay_window_get_info(), and with the time
 *   cursor set, the counts at that instant on a line of their own
 */
const char *
fl_replay_window_get_info_text (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return gtk_label_get_text (self->info_label);
}
