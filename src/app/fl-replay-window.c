/* fl-replay-window.c: a saved run, opened again read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A saved trace holds every submit/start/finish event of the run, so the window rebuilds
 * what the page showed: the timeline draws the loaded trace directly, and the list has one
 * row per future folded from its events (no FlFuture exists any more: nothing can run or
 * be cancelled here). The run's description (demo, mode, server...) comes from the trace's
 * metadata.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "fl-a11y.h"
#include "fl-export.h"
#include "fl-futures-list.h"
#include "fl-replay-window.h"
#include "fl-settings.h"
#include "fl-timeline.h"

/* One future of the saved run. */
#define FL_TYPE_REPLAY_ROW (fl_replay_row_get_type ())
G_DECLARE_FINAL_TYPE (FlReplayRow, fl_replay_row, FL, REPLAY_ROW, GObject)

struct _FlReplayRow
{
  GObject  parent_instance;

  guint64  id;
  char    *label;
  char    *error;
  gint64   queued;     /* µs from the trace origin; -1 when it never got there */
  gint64   started;
  gint64   finished;
  guint64  bytes;
  gint32   lane;
  guint8   lane_kind;
  guint8   state;
};

G_DEFINE_FINAL_TYPE (FlReplayRow, fl_replay_row, G_TYPE_OBJECT)

static void
fl_replay_row_finalize (GObject *object)
{
  FlReplayRow *self = FL_REPLAY_ROW (object);

  g_free (self->label);
  g_free (self->error);
  G_OBJECT_CLASS (fl_replay_row_parent_class)->finalize (object);
}

static void
fl_replay_row_class_init (FlReplayRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_replay_row_finalize;
}

static void
fl_replay_row_init (FlReplayRow *self)
{
  self->queued = self->started = self->finished = -1;
  self->lane = -1;
}

struct _FlReplayWindow
{
  AdwApplicationWindow parent_instance;

  /* borrowed */
  AdwWindowTitle *title;
  GtkLabel       *info_label;
  FlTimeline     *timeline;
  GtkColumnView  *column_view;
  GtkSingleSelection *selection;

  /* owned */
  FlTrace        *trace;
  GListStore     *rows;
  char           *info;
  gint64          end;       /* µs from the origin: the last thing the trace recorded */
};

G_DEFINE_FINAL_TYPE (FlReplayWindow, fl_replay_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  COL_ID,
  COL_LABEL,
  COL_STATE,
  COL_LANE,
  COL_QUEUED,
  COL_STARTED,
  COL_DURATION,
  COL_BYTES,
  COL_ERROR,
  N_COLUMNS
};

static char *
lane_text (FlReplayRow *row)
{
  if (row->started < 0 || row->lane_kind == FL_LANE_NONE)
    return g_strdup (_("not run"));
  switch (row->lane_kind)
    {
    case FL_LANE_MAIN_LOOP:
      return g_strdup (_("main loop"));
    case FL_LANE_THREAD:
      return g_strdup_printf (_("thread %d"), row->lane);
    case FL_LANE_PROCESS:
      return g_strdup_printf (_("process %d"), row->lane);
    case FL_LANE_CALLER:
    default:
      return g_strdup (_("caller"));
    }
}

static char *
ms_text (gint64 us)
{
  return us >= 0 ? g_strdup_printf (_("%.1f ms"), us / 1e3) : g_strdup ("—");
}

static gint64
duration (FlReplayRow *row)
{
  return row->started >= 0 && row->finished >= 0 ? row->finished - row->started : -1;
}

static char *
cell_text (FlReplayRow *row,
           guint        column)
{
  switch (column)
    {
    case COL_ID:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, row->id);
    case COL_LABEL:
      return g_strdup (row->label != NULL ? row->label : "");
    case COL_STATE:
      return fl_format_state_text (row->state);
    case COL_LANE:
      return lane_text (row);
    case COL_QUEUED:
      return ms_text (row->queued);
    case COL_STARTED:
      return ms_text (row->started);
    case COL_DURATION:
      return ms_text (duration (row));
    case COL_BYTES:
      return row->bytes > 0 ? g_format_size (row->bytes) : g_strdup ("");
    case COL_ERROR:
    default:
      return g_strdup (row->error != NULL ? row->error : "");
    }
}

/**
 * fl_replay_row_describe:
 *
 * Returns: (transfer full): the row as the list shows it, cells joined by " | " (for tests)
 */
char *
fl_replay_row_describe (gpointer row)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (FL_IS_REPLAY_ROW (row), NULL);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      g_autofree char *text = cell_text (row, c);

      g_string_append_printf (out, "%s%s", c > 0 ? " | " : "", text);
    }
  return g_string_free (out, FALSE);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  FlReplayRow *x = (FlReplayRow *) a, *y = (FlReplayRow *) b;
  guint column = GPOINTER_TO_UINT (user_data);
  gint64 u = 0, v = 0;

  switch (column)
    {
    case COL_LABEL:
      return g_strcmp0 (x->label, y->label);
    case COL_ERROR:
      return g_strcmp0 (x->error, y->error);
    case COL_STATE:
      u = x->state, v = y->state;
      break;
    case COL_LANE:
      u = x->lane_kind * 100000 + x->lane, v = y->lane_kind * 100000 + y->lane;
      break;
    case COL_QUEUED:
      u = x->queued, v = y->queued;
      break;
    case COL_STARTED:
      u = x->started, v = y->started;
      break;
    case COL_DURATION:
      u = duration (x), v = duration (y);
      break;
    case COL_BYTES:
      u = (gint64) x->bytes, v = (gint64) y->bytes;
      break;
    case COL_ID:
    default:
      u = (gint64) x->id, v = (gint64) y->id;
      break;
    }
  return u < v ? -1 : u > v;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_UINT (user_data) == COL_LABEL
                                           || GPOINTER_TO_UINT (user_data) == COL_ERROR
                                           || GPOINTER_TO_UINT (user_data) == COL_LANE
                                           || GPOINTER_TO_UINT (user_data) == COL_STATE
                                           ? 0 : 1);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  FlReplayRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = cell_text (row, GPOINTER_TO_UINT (user_data));

  gtk_label_set_text (GTK_LABEL (label), text);
  if (GPOINTER_TO_UINT (user_data) == COL_STATE)
    {
      /* the state colour of the timeline (and of the palette in use) */
      PangoAttrList *attrs = pango_attr_list_new ();
      GdkRGBA c;

      fl_state_color (row->state, &c);
      pango_attr_list_insert (attrs, pango_attr_foreground_new (c.red * 65535, c.green * 65535,
                                                                c.blue * 65535));
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      gtk_label_set_attributes (GTK_LABEL (label), attrs);
      pango_attr_list_unref (attrs);
    }
  else if (GPOINTER_TO_UINT (user_data) == COL_ERROR && row->error != NULL)
    gtk_widget_add_css_class (label, "error-text");
}

static void
add_columns (FlReplayWindow *self)
{
  const char *titles[N_COLUMNS] = {
    [COL_ID] = _("#"), [COL_LABEL] = _("Label"), [COL_STATE] = _("State"),
    [COL_LANE] = _("Lane"), [COL_QUEUED] = _("Queued at"), [COL_STARTED] = _("Started at"),
    [COL_DURATION] = _("Duration"), [COL_BYTES] = _("Bytes"), [COL_ERROR] = _("Error"),
  };

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;
      GtkSorter *sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GUINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (titles[c], factory);
      sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, GUINT_TO_POINTER (c), NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, c == COL_LABEL || c == COL_ERROR);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
}

/* One row per future, folded from its events, in submission order. */
static void
build_rows (FlReplayWindow *self,
            guint          *counts)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                       g_object_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  gint64 origin = fl_trace_get_origin (self->trace);
  guint n = fl_trace_get_n_events (self->trace);

  for (guint i = 0; i < n; i++)
    {
      FlTraceEvent ev;
      FlReplayRow *row;

      if (!fl_trace_get_event (self->trace, i, &ev))
        continue;
      row = g_hash_table_lookup (by_id, &ev.future_id);
      if (row == NULL)
        {
          row = g_object_new (FL_TYPE_REPLAY_ROW, NULL);
          row->id = ev.future_id;
          g_hash_table_insert (by_id, &row->id, row);
          g_ptr_array_add (order, row);
        }
      switch (ev.kind)
        {
        case FL_TRACE_SUBMIT:
          row->queued = ev.time_us - origin;
          g_free (row->label);
          row->label = g_strdup (ev.text);
          break;
        case FL_TRACE_START:
          row->started = ev.time_us - origin;
          row->lane = ev.lane;
          row->lane_kind = ev.lane_kind;
          row->state = FL_FUTURE_RUNNING;
          break;
        case FL_TRACE_FINISH:
        default:
          row->finished = ev.time_us - origin;
          row->state = ev.state;
          row->bytes = ev.bytes;
          if (ev.state == FL_FUTURE_FAILED)
            {
              g_free (row->error);
              row->error = g_strdup (ev.text);
            }
          if (row->started < 0 && ev.lane >= 0 && ev.state != FL_FUTURE_CANCELLED)
            {
              row->started = row->finished;
              row->lane = ev.lane;
              row->lane_kind = ev.lane_kind;
            }
          break;
        }
    }
  for (guint i = 0; i < order->len; i++)
    {
      FlReplayRow *row = g_ptr_array_index (order, i);

      counts[MIN (row->state, FL_FUTURE_CANCELLED)]++;
      g_list_store_append (self->rows, row);
    }
}

static void
describe (FlReplayWindow *self,
          GFile          *file)
{
  guint counts[FL_FUTURE_CANCELLED + 1] = { 0 };
  const char *demo = fl_trace_get_metadata (self->trace, "demo-title");
  const char *mode = fl_trace_get_metadata (self->trace, "mode-title");
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *title = NULL;
  g_auto(GStrv) keys = fl_trace_list_metadata (self->trace);
  GString *info = g_string_new (NULL);
  gint64 last = 0;

  build_rows (self, counts);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(FlReplayRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      last = MAX (last, MAX (row->finished, MAX (row->started, row->queued)));
    }
  self->end = last;
  if (mode == NULL)
    mode = fl_trace_get_metadata (self->trace, "mode");
  if (mode == NULL || mode[0] == '\0')
    mode = fl_trace_get_title (self->trace);

  /* TRANSLATORS: window title of a saved run opened again: demo, then mode */
  title = g_strdup_printf (_("Saved run: %s, %s"), demo != NULL ? demo : _("Futures Lab"),
                           mode);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->title, title);
  adw_window_title_set_subtitle (self->title, basename);

  g_string_append_printf (info, _("Read-only: a saved run, as it was recorded. "
                                  "%u futures: %u finished, %u failed, %u cancelled, "
                                  "%u never ended; %.2f s."),
                          g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                          counts[FL_FUTURE_FINISHED], counts[FL_FUTURE_FAILED],
                          counts[FL_FUTURE_CANCELLED],
                          counts[FL_FUTURE_PENDING] + counts[FL_FUTURE_RUNNING], last / 1e6);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      if (g_str_equal (keys[i], "demo-title") || g_str_equal (keys[i], "mode-title"))
        continue;
      g_string_append_printf (info, "\n%s: %s", keys[i],
                              fl_trace_get_metadata (self->trace, keys[i]));
    }
  self->info = g_string_free (info, FALSE);
  gtk_label_set_text (self->info_label, self->info);
}

static void
selection_changed_cb (FlReplayWindow *self)
{
  FlReplayRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (row != NULL)
    fl_timeline_set_selected (self->timeline, row->id);
}

static void
future_activated_cb (FlReplayWindow *self,
                     guint64         future_id)
{
  GListModel *model = G_LIST_MODEL (self->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlReplayRow) row = g_list_model_get_item (model, i);

      if (row->id == future_id)
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item",
                                      "u", i);
          return;
        }
    }
}

static void
fl_replay_window_finalize (GObject *object)
{
  FlReplayWindow *self = FL_REPLAY_WINDOW (object);

  g_clear_object (&self->trace);
  g_clear_object (&self->rows);
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
  GtkWidget *overlay, *box, *header, *menu_button, *scrolled, *paned, *top;
  g_autoptr(GMenuModel) menu = export_menu ();
  GtkSortListModel *sorted;

  self->rows = g_list_store_new (FL_TYPE_REPLAY_ROW);
  gtk_window_set_default_size (GTK_WINDOW (self), 1200, 800);

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

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "futures-list");
  add_columns (self);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                    g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (self->selection);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Futures of the saved run"),
                                  -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_widget_set_vexpand (scrolled, TRUE);

  paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  gtk_paned_set_start_child (GTK_PANED (paned), top);
  gtk_paned_set_end_child (GTK_PANED (paned), scrolled);
  gtk_paned_set_position (GTK_PANED (paned), 380);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (box), paned);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), overlay);

  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->timeline, "future-activated",
                            G_CALLBACK (future_activated_cb), self);
  fl_export_install (GTK_WINDOW (self));
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
  self->trace = g_steal_pointer (&trace);
  describe (self, file);
  fl_timeline_set_trace (self->timeline, self->trace);
  /* The whole run, fixed: a future still running when the run was saved has no end, and
   * following it would stretch the view (and redraw) for as long as the window is open. */
  fl_timeline_set_view (self->timeline, 0, MAX ((gint64) (self->end * 1.02), 1000));
  fl_settings_track_window (GTK_WINDOW (self), FALSE);
  fl_a11y_label_tree (GTK_WIDGET (self));
  return self;
}

FlTrace *
fl_replay_window_get_trace (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return self->trace;
}

/**
 * fl_replay_window_get_rows:
 *
 * Returns: (transfer none): the rows in the list's current order
 */
GListModel *
fl_replay_window_get_rows (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

const char *
fl_replay_window_get_info (FlReplayWindow *self)
{
  g_return_val_if_fail (FL_IS_REPLAY_WINDOW (self), NULL);
  return self->info;
}
