/* fl-export.c: save a page's run (trace JSON, CSV) and its timeline (PNG, SVG)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What is saved is what the page shows: the trace of its timeline (the run's own trace),
 * and the timeline drawn by its own snapshot function onto a cairo surface. Every file is
 * written whole to a temporary file and renamed over the target, so a failed save (a
 * read-only folder, a full disk) leaves the old file, or none, and loses nothing on screen.
 */
#include "config.h"

#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "fl-a11y.h"
#include "fl-export.h"
#include "fl-page.h"

static const char * const extensions[] = { "json", "csv", "png", "svg" };

/**
 * fl_export_find_timeline:
 *
 * Returns: (transfer none) (nullable): the first timeline in @root that shows a trace
 */
FlTimeline *
fl_export_find_timeline (GtkWidget *root)
{
  if (FL_IS_TIMELINE (root) && fl_timeline_get_trace (FL_TIMELINE (root)) != NULL)
    return FL_TIMELINE (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      FlTimeline *found = fl_export_find_timeline (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The page's own description of the run goes into the trace, so a replay can say what
 * it was. Saved runs opened again already carry theirs. */
static void
describe_run (GtkWidget *source,
              FlTrace   *trace)
{
  FlPage *page;
  FlRun *run;

  if (!FL_IS_PAGE (source))
    return;
  page = FL_PAGE (source);
  fl_trace_set_metadata (trace, "demo", fl_page_get_id (page));
  fl_trace_set_metadata (trace, "demo-title", fl_page_get_title (page));
  run = fl_page_get_run (page);
  if (run != NULL && fl_run_get_trace (run) == trace)
    {
      fl_trace_set_metadata (trace, "mode", fl_run_get_mode (run));
      fl_trace_set_metadata (trace, "mode-title", fl_run_get_mode_title (run));
    }
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

#define TITLE_H 34

/* What the picture is of: "Flags download — Thread pool ×20, 2026-12-02 14:31". */
static char *
picture_title (GtkWidget *source,
               FlTrace   *trace)
{
  const char *page = FL_IS_PAGE (source) ? fl_page_get_title (FL_PAGE (source)) : NULL;
  const char *mode = trace != NULL ? fl_trace_get_metadata (trace, "mode-title") : NULL;
  const char *run = trace != NULL ? fl_trace_get_title (trace) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M");
  const char *what = mode != NULL && mode[0] != '\0' ? mode : run;

  if (page == NULL)
    page = _("Futures Lab");
  /* TRANSLATORS: the title of an exported timeline picture: page — run, date */
  return what != NULL && what[0] != '\0' ? g_strdup_printf (_("%s — %s, %s"), page, what, when)
                                         : g_strdup_printf (_("%s, %s"), page, when);
}

/* Draws the timeline as it is on screen (lane names included), under a title line, over
 * an opaque background of the current colour scheme (a picture in a lab report has no
 * window behind it and must say what it shows). */
static gboolean
render_timeline (FlTimeline      *timeline,
                 const char      *title,
                 FlExportFormat   format,
                 GByteArray      *out,
                 GError         **error)
{
  GtkWidget *widget = GTK_WIDGET (timeline);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget) + TITLE_H;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  GtkSnapshot *snapshot;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  GdkRGBA fg;

  if (width <= 0 || height <= TITLE_H)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The timeline is not on screen: show the demo first"));
      return FALSE;
    }

  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);

  if (format == FL_EXPORT_TIMELINE_SVG)
    surface = cairo_svg_surface_create_for_stream (append_bytes, out, width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = cairo_create (surface);
  if (0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5)
    cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  layout = gtk_widget_create_pango_layout (widget, NULL);
  {
    g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", title);

    pango_layout_set_markup (layout, markup, -1);
    pango_layout_set_width (layout, (width - 12) * PANGO_SCALE);
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  }
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, 6, 8);
  pango_cairo_show_layout (cr, layout);
  cairo_translate (cr, 0, TITLE_H);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);

  cairo_surface_flush (surface);
  if (format == FL_EXPORT_TIMELINE_PNG)
    cairo_surface_write_to_png_stream (surface, append_bytes, out);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not draw the timeline: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/**
 * fl_export_save:
 * @source: a page, or any widget holding a timeline (a replay window)
 * @path: the file to write; replaced atomically
 *
 * Returns: %FALSE with @error (a message for people, naming the file) if there is nothing
 *   to save or the file could not be written
 */
gboolean
fl_export_save (GtkWidget       *source,
                FlExportFormat   format,
                const char      *path,
                GError         **error)
{
  FlTimeline *timeline = fl_export_find_timeline (source);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  gboolean ok;

  g_return_val_if_fail (GTK_IS_WIDGET (source), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (timeline == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There is no run to save yet: start one first"));
      return FALSE;
    }

  if (format == FL_EXPORT_TRACE_JSON || format == FL_EXPORT_TRACE_CSV)
    {
      FlTrace *trace = fl_timeline_get_trace (timeline);
      g_autofree char *data = NULL;
      gsize length = 0;

      describe_run (source, trace);
      /* By format, not by the file's name: a JSON export named "run.csv" stays JSON. */
      if (format == FL_EXPORT_TRACE_CSV)
        data = fl_trace_to_csv (trace, &length);
      else
        data = fl_trace_to_chrome_json (trace, &length);
      ok = g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                     &local_error);
    }
  else
    {
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      g_autofree char *title = picture_title (source, fl_timeline_get_trace (timeline));

      ok = render_timeline (timeline, title, format, bytes, error);
      if (!ok)
        return FALSE;
      ok = g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error);
    }

  if (!ok)
    {
      display = g_filename_display_name (path);
      /* TRANSLATORS: the first %s is a file, the second why it failed */
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not save “%s”: %s. Nothing was lost: choose another folder."),
                   display, local_error->message);
    }
  return ok;
}

/**
 * fl_export_suggest_name:
 *
 * Returns: (transfer full): a file name like futures-lab-flags-threads.json
 */
char *
fl_export_suggest_name (GtkWidget      *source,
                        FlExportFormat  format)
{
  FlTimeline *timeline = fl_export_find_timeline (source);
  const char *demo = FL_IS_PAGE (source) ? fl_page_get_id (FL_PAGE (source)) : NULL;
  const char *title = NULL;
  g_autofree char *base = NULL;

  if (timeline != NULL)
    {
      FlTrace *trace = fl_timeline_get_trace (timeline);

      title = fl_trace_get_title (trace);
      if (demo == NULL)
        demo = fl_trace_get_metadata (trace, "demo");
    }
  base = g_strjoin ("-", "futures-lab", demo != NULL ? demo : "run",
                    title != NULL && title[0] != '\0' ? title : NULL, NULL);
  g_strcanon (base, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '-');
  return g_strdup_printf ("%s.%s", base, extensions[format]);
}

/* What a window's export actions save: what its source function says (the main window's
 * visible page), or the whole window (a replay). */
static GtkWidget *
export_source (GtkWindow *window)
{
  FlExportSourceFunc func = g_object_get_data (G_OBJECT (window), "fl-export-source");

  return func != NULL ? func (window) : GTK_WIDGET (window);
}

/* A toast in the overlay of @source's window, also announced to screen readers. */
static void
toast (GtkWidget  *source,
       const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (source, ADW_TYPE_TOAST_OVERLAY);

  if (overlay == NULL && ADW_IS_APPLICATION_WINDOW (source))
    {
      GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (source));

      overlay = ADW_IS_TOAST_OVERLAY (content) ? content : NULL;
    }
  if (overlay != NULL)
    {
      AdwToast *t = adw_toast_new (message);

      adw_toast_set_timeout (t, 6);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), t);
    }
  fl_a11y_announce (source, message);
}

static void
tell_error (GtkWidget  *source,
            const char *message)
{
  if (FL_IS_PAGE (source))
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);

      fl_page_show_error (FL_PAGE (source), error);
      fl_a11y_announce (source, message);
    }
  else
    toast (source, message);
}

typedef struct
{
  GtkWidget      *source;
  FlExportFormat  format;
} SaveRequest;

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  SaveRequest     *request)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        tell_error (request->source, _("Choose a local file to save to"));
      else if (!fl_export_save (request->source, request->format, path, &error))
        tell_error (request->source, error->message);
      else
        {
          g_autofree char *display = g_filename_display_basename (path);
          g_autofree char *message = g_strdup_printf (_("Saved “%s”"), display);

          toast (request->source, message);
        }
    }
  g_object_unref (request->source);
  g_free (request);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_activate (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWindow *window = user_data;
  GtkWidget *source = export_source (window);
  FlExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (action), "format"));
  static const char * const titles[] = {
    N_("Save Run as Trace"), N_("Save Run as CSV"),
    N_("Save Timeline as PNG"), N_("Save Timeline as SVG"),
  };
  static const char * const filter_names[] = {
    N_("Chrome Trace JSON (opens in Perfetto)"), N_("CSV table"),
    N_("PNG image"), N_("SVG image"),
  };
  g_autofree char *name = NULL;
  g_autofree char *pattern = NULL;
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;
  SaveRequest *request;

  if (source == NULL || fl_export_find_timeline (source) == NULL)
    {
      if (source != NULL)
        tell_error (source, _("There is no run to save yet: start one first"));
      return;
    }

  dialog = gtk_file_chooser_native_new (_(titles[format]), window,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  name = fl_export_suggest_name (source, format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _(filter_names[format]));
  pattern = g_strdup_printf ("*.%s", extensions[format]);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  request = g_new0 (SaveRequest, 1);
  request->source = g_object_ref (source);
  request->format = format;
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/**
 * fl_export_install:
 *
 * @source_func: (nullable): finds what to save when an action fires (the visible page);
 *   %NULL saves the whole window's run
 *
 * Gives @window the actions export.trace-json, export.trace-csv, export.timeline-png and
 * export.timeline-svg, each asking where to save the visible run.
 */
void
fl_export_install (GtkWindow          *window,
                   FlExportSourceFunc  source_func)
{
  static const char * const names[] = { "trace-json", "trace-csv", "timeline-png",
                                        "timeline-svg" };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (names[i], NULL);

      g_object_set_data (G_OBJECT (action), "format", GINT_TO_POINTER (i));
      g_signal_connect_object (action, "activate", G_CALLBACK (export_activate), window, 0);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
    }
  g_object_set_data (G_OBJECT (window), "fl-export-source", source_func);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "export", G_ACTION_GROUP (group));
  /* GTK 4.8 has no gtk_widget_get_action_group(): keep it findable */
  g_object_set_data_full (G_OBJECT (window), "fl-export-actions", g_object_ref (group),
                          g_object_unref);
}
