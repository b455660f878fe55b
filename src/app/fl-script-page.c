/* fl-script-page.c: "Your script": any Python program, traced live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A student's own concurrent.futures or asyncio program, unmodified, run under the tracer
 * (FlPythonRun): its futures, tasks and threads fill the same timeline and list as the
 * engine's runs, its output and traceback are shown, and the run is saved and replayed
 * like any other. The program runs in a process group of its own: Stop (and leaving the
 * app) ends all of it, a fork bomb included. Nothing here blocks the main loop: the events
 * arrive over a pipe read asynchronously.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-script-page.h"
#include "fl-source-view.h"

struct _FlScriptPage
{
  FlPage          parent_instance;

  /* owned widgets' pointers (children of the page) */
  GtkLabel       *file_label;
  GtkEntry       *args_entry;
  GtkLabel       *folder_label;
  GtkWidget      *run_button;
  GtkWidget      *stop_button;
  GtkLabel       *status_label;
  GtkTextView    *output_view;
  FlTimeline     *timeline;
  FlFuturesList  *futures_list;

  /* owned */
  GFile          *script;
  GFile          *folder;
  FlPythonRun    *python;
  FlRun          *run;
  GtkTextBuffer  *output;
  char           *status;
};

G_DEFINE_FINAL_TYPE (FlScriptPage, fl_script_page, FL_TYPE_PAGE)

static const char * const modes[] = { "run", NULL };

static void
set_status (FlScriptPage *self,
            const char   *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text);
}

static void
update_buttons (FlScriptPage *self)
{
  gboolean running = self->python != NULL && fl_python_run_is_running (self->python);

  gtk_widget_set_sensitive (self->run_button, self->script != NULL && !running);
  gtk_widget_set_sensitive (self->stop_button, running);
  /* red only while there is something to stop (as the Producer/consumer page's Stop) */
  if (running)
    gtk_widget_add_css_class (self->stop_button, "destructive-action");
  else
    gtk_widget_remove_css_class (self->stop_button, "destructive-action");
}

static void
output_cb (FlPythonRun  *python,
           gboolean      is_stderr,
           const char   *text,
           FlScriptPage *self)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (self->output, &end);
  if (is_stderr)
    gtk_text_buffer_insert_with_tags_by_name (self->output, &end, text, -1, "stderr", NULL);
  else
    gtk_text_buffer_insert (self->output, &end, text, -1);
  gtk_text_buffer_get_end_iter (self->output, &end);
  gtk_text_view_scroll_to_iter (self->output_view, &end, 0, FALSE, 0, 1);
}

static void
finished_cb (FlPythonRun  *python,
             FlScriptPage *self)
{
  g_autofree char *end = fl_python_run_describe_end (python);
  g_autofree char *counts = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = g_file_get_basename (self->script);
  FlTally tally;

  fl_run_end_external (self->run);
  fl_run_get_tally (self->run, &tally);
  counts = fl_tally_format (&tally);
  /* Translators: a script's end: its name, how it ended, its counts */
  text = g_strdup_printf (_("%s %s. %s"), name, end, counts);
  set_status (self, text);
  update_buttons (self);
}

static gboolean
start (FlScriptPage  *self,
       GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *workdir = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) args = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *text;

  if (self->script == NULL || (path = g_file_get_path (self->script)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Open a Python script first (a local .py file)"));
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("“%s” is not a file"), path);
      return FALSE;
    }
  text = gtk_editable_get_text (GTK_EDITABLE (self->args_entry));
  if (text[0] != '\0' && !g_shell_parse_argv (text, NULL, &args, error))
    {
      g_prefix_error (error, _("The arguments cannot be read: "));
      return FALSE;
    }

  if (self->python != NULL)
    g_signal_handlers_disconnect_by_data (self->python, self);
  g_clear_object (&self->python);
  g_ptr_array_add (argv, "python3");
  g_ptr_array_add (argv, path);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, args[i]);
  g_ptr_array_add (argv, NULL);
  workdir = self->folder != NULL ? g_file_get_path (self->folder)
                                 : g_path_get_dirname (path);
  self->python = fl_python_run_new ((const char * const *) argv->pdata, workdir,
                                    FL_PYTHON_RUN_CAPTURE_OUTPUT | FL_PYTHON_RUN_OWN_GROUP);
  g_signal_connect (self->python, "output", G_CALLBACK (output_cb), self);
  g_signal_connect (self->python, "finished", G_CALLBACK (finished_cb), self);
  if (!fl_python_run_start (self->python, error))
    {
      g_signal_handlers_disconnect_by_data (self->python, self);
      g_clear_object (&self->python);
      return FALSE;
    }

  name = g_file_get_basename (self->script);
  title = g_strdup_printf (_("Python: %s"), name);
  g_clear_object (&self->run);
  self->run = fl_run_new_external (fl_python_run_get_trace (self->python), "script", title);
  fl_trace_set_metadata (fl_run_get_trace (self->run), "demo", "script");
  fl_trace_set_metadata (fl_run_get_trace (self->run), "demo-title",
                         fl_page_get_title (FL_PAGE (self)));
  fl_trace_set_metadata (fl_run_get_trace (self->run), "mode-title", title);
  gtk_text_buffer_set_text (self->output, "", 0);
  /* the frame shows it in the timeline and list, and keeps the selection in step */
  fl_page_set_run (FL_PAGE (self), self->run);
  {
    g_autofree char *running = g_strdup_printf (_("Running %s under the tracer…"), name);

    set_status (self, running);
  }
  update_buttons (self);
  return TRUE;
}

static gboolean
fl_script_page_start_run (FlPage      *page,
                          const char  *mode,
                          GError     **error)
{
  FlScriptPage *self = FL_SCRIPT_PAGE (page);
  GError *local_error = NULL;

  if (!start (self, &local_error))
    {
      set_status (self, local_error->message);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
fl_script_page_cancel_run (FlPage *page)
{
  fl_script_page_stop (FL_SCRIPT_PAGE (page));
}

static const char * const *
fl_script_page_get_modes (FlPage *page)
{
  return modes;
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  FlScriptPage    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (g_object_get_data (G_OBJECT (dialog), "fl-folder") != NULL)
        fl_script_page_set_folder (self, file);
      else
        fl_script_page_set_script (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose (FlScriptPage *self,
        gboolean      folder)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (folder ? _("Choose the Working Folder") : _("Open a Python Script"),
                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                        : GTK_FILE_CHOOSER_ACTION_OPEN,
                                 _("_Open"), _("_Cancel"));

  if (!folder)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Python scripts"));
      gtk_file_filter_add_pattern (filter, "*.py");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
    }
  else
    g_object_set_data (G_OBJECT (dialog), "fl-folder", GINT_TO_POINTER (1));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_clicked_cb (FlScriptPage *self)
{
  choose (self, FALSE);
}

static void
folder_clicked_cb (FlScriptPage *self)
{
  choose (self, TRUE);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         FlScriptPage  *self)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      fl_script_page_set_script (self, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

static void
fl_script_page_dispose (GObject *object)
{
  FlScriptPage *self = FL_SCRIPT_PAGE (object);

  if (self->python != NULL)
    g_signal_handlers_disconnect_by_data (self->python, self);
  g_clear_object (&self->python);        /* ends the program's whole process group */
  g_clear_object (&self->run);
  g_clear_object (&self->script);
  g_clear_object (&self->folder);
  g_clear_object (&self->output);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (fl_script_page_parent_class)->dispose (object);
}

static void
fl_script_page_class_init (FlScriptPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_script_page_dispose;
  page_class->start_run = fl_script_page_start_run;
  page_class->cancel_run = fl_script_page_cancel_run;
  page_class->get_modes = fl_script_page_get_modes;
}

static GtkWidget *
labelled (const char *mnemonic,
          GtkWidget  *widget)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return box;
}

static void
fl_script_page_init (FlScriptPage *self)
{
  GtkWidget *box, *title, *row, *open, *folder, *paned, *stack, *switcher, *scroller, *header;
  GtkWidget *main_stack, *main_switcher, *demo;
  GtkDropTarget *drop;

  g_object_set (self,
                "id", "script",
                "title", _("Your script"),
                "subtitle", _("Any Python program, its futures and tasks live"),
                "icon-name", "text-x-script-symbolic",
                "source-file", "fl-script-page.c",
                NULL);
  self->output = gtk_text_buffer_new (NULL);
  gtk_text_buffer_create_tag (self->output, "stderr", "foreground", "#c01c28", NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (header, 18);
  gtk_widget_set_margin_end (header, 18);
  gtk_widget_set_margin_top (header, 12);
  title = gtk_label_new (_("Your script"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "title-1");
  main_stack = gtk_stack_new ();
  main_switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (main_switcher), GTK_STACK (main_stack));
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), main_switcher);
  gtk_box_append (GTK_BOX (box), header);

  demo = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (demo, 18);
  gtk_widget_set_margin_end (demo, 18);
  gtk_widget_set_margin_top (demo, 12);
  gtk_widget_set_margin_bottom (demo, 12);

  /* the controls wrap: every one stays reachable at 1024 px */
  row = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (row), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (row), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (row), 12);
  open = gtk_button_new_with_mnemonic (_("_Open Script…"));
  g_signal_connect_swapped (open, "clicked", G_CALLBACK (open_clicked_cb), self);
  self->file_label = GTK_LABEL (gtk_label_new (_("No script: open one or drop a .py file here")));
  gtk_label_set_ellipsize (self->file_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (self->file_label, 40);
  self->args_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->args_entry, _("e.g. --workers 4"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->args_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Arguments"), -1);
  folder = gtk_button_new_with_mnemonic (_("_Folder…"));
  gtk_widget_set_tooltip_text (folder, _("The working folder the script runs in (default: "
                                         "the script's own)"));
  g_signal_connect_swapped (folder, "clicked", G_CALLBACK (folder_clicked_cb), self);
  self->folder_label = GTK_LABEL (gtk_label_new (_("the script's folder")));
  gtk_label_set_ellipsize (self->folder_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (self->folder_label, 24);
  self->run_button = gtk_button_new_with_mnemonic (_("_Run"));
  gtk_widget_add_css_class (self->run_button, "suggested-action");
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (self->run_button), "page.run('run')");
  self->stop_button = gtk_button_new_with_mnemonic (_("_Stop"));
  gtk_widget_set_tooltip_text (self->stop_button, _("End the script and every process it "
                                                    "started"));
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (fl_script_page_stop),
                            self);
  gtk_flow_box_append (GTK_FLOW_BOX (row), open);
  gtk_flow_box_append (GTK_FLOW_BOX (row), GTK_WIDGET (self->file_label));
  gtk_flow_box_append (GTK_FLOW_BOX (row), labelled (_("_Arguments"), GTK_WIDGET (self->args_entry)));
  gtk_flow_box_append (GTK_FLOW_BOX (row), folder);
  gtk_flow_box_append (GTK_FLOW_BOX (row), GTK_WIDGET (self->folder_label));
  gtk_flow_box_append (GTK_FLOW_BOX (row), self->run_button);
  gtk_flow_box_append (GTK_FLOW_BOX (row), self->stop_button);
  gtk_box_append (GTK_BOX (demo), row);

  self->status_label = GTK_LABEL (gtk_label_new (_("Its thread pools, process pools, asyncio "
                                                   "tasks, threads and queues appear here "
                                                   "as it runs.")));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_box_append (GTK_BOX (demo), GTK_WIDGET (self->status_label));

  self->timeline = FL_TIMELINE (fl_timeline_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->timeline), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Timeline of the script's futures"), -1);
  self->futures_list = FL_FUTURES_LIST (fl_futures_list_new ());
  self->output_view = GTK_TEXT_VIEW (gtk_text_view_new_with_buffer (self->output));
  gtk_text_view_set_editable (self->output_view, FALSE);
  gtk_text_view_set_monospace (self->output_view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->output_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Output of the script"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->output_view));
  stack = gtk_stack_new ();
  gtk_stack_add_titled (GTK_STACK (stack), GTK_WIDGET (self->futures_list), "futures",
                        _("Futures"));
  gtk_stack_add_titled (GTK_STACK (stack), scroller, "output", _("Output"));
  switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (stack));
  gtk_widget_set_halign (switcher, GTK_ALIGN_START);
  {
    GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

    gtk_box_append (GTK_BOX (bottom), switcher);
    gtk_widget_set_vexpand (stack, TRUE);
    gtk_box_append (GTK_BOX (bottom), stack);
    paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
    gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (self->timeline));
    gtk_paned_set_end_child (GTK_PANED (paned), bottom);
    gtk_paned_set_position (GTK_PANED (paned), 280);
    gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
    gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
    gtk_widget_set_vexpand (paned, TRUE);
    gtk_box_append (GTK_BOX (demo), paned);
  }

  gtk_stack_add_titled (GTK_STACK (main_stack), demo, "demo", _("Demo"));
  gtk_stack_add_titled (GTK_STACK (main_stack), fl_source_view_new ("fl-script-page.c"),
                        "source", _("Source"));
  gtk_widget_set_vexpand (main_stack, TRUE);
  gtk_box_append (GTK_BOX (box), main_stack);
  adw_bin_set_child (ADW_BIN (self), box);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  fl_page_bind_views (FL_PAGE (self), self->timeline, self->futures_list);
  update_buttons (self);
}

/**
 * fl_script_page_set_script:
 * @file: (nullable): the .py file to run
 */
void
fl_script_page_set_script (FlScriptPage *self,
                           GFile        *file)
{
  g_return_if_fail (FL_IS_SCRIPT_PAGE (self));

  g_set_object (&self->script, file);
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_autofree char *base = g_file_get_basename (file);

      gtk_label_set_text (self->file_label, name);
      if (!g_str_has_suffix (base, ".py"))
        set_status (self, _("This file does not end in .py: it runs with python3 all the "
                            "same, and a file that is not Python ends with a syntax error."));
    }
  update_buttons (self);
}

GFile *
fl_script_page_get_script (FlScriptPage *self)
{
  g_return_val_if_fail (FL_IS_SCRIPT_PAGE (self), NULL);
  return self->script;
}

void
fl_script_page_set_arguments (FlScriptPage *self,
                              const char   *arguments)
{
  g_return_if_fail (FL_IS_SCRIPT_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->args_entry), arguments ? arguments : "");
}

void
fl_script_page_set_folder (FlScriptPage *self,
                           GFile        *folder)
{
  g_return_if_fail (FL_IS_SCRIPT_PAGE (self));

  g_set_object (&self->folder, folder);
  if (folder != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (folder);

      gtk_label_set_text (self->folder_label, name);
    }
  else
    gtk_label_set_text (self->folder_label, _("the script's folder"));
}

FlPythonRun *
fl_script_page_get_python (FlScriptPage *self)
{
  g_return_val_if_fail (FL_IS_SCRIPT_PAGE (self), NULL);
  return self->python;
}

FlRun *
fl_script_page_get_run (FlScriptPage *self)
{
  g_return_val_if_fail (FL_IS_SCRIPT_PAGE (self), NULL);
  return self->run;
}

GtkTextBuffer *
fl_script_page_get_output (FlScriptPage *self)
{
  g_return_val_if_fail (FL_IS_SCRIPT_PAGE (self), NULL);
  return self->output;
}

const char *
fl_script_page_get_status (FlScriptPage *self)
{
  g_return_val_if_fail (FL_IS_SCRIPT_PAGE (self), NULL);
  return self->status;
}

/**
 * fl_script_page_stop:
 *
 * Ends the script and every process it started (its process group).
 */
void
fl_script_page_stop (FlScriptPage *self)
{
  g_return_if_fail (FL_IS_SCRIPT_PAGE (self));

  if (self->python != NULL)
    fl_python_run_stop (self->python);
}
