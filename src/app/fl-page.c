/* fl-page.c: the base class of every demo page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A page is a demo: it knows its id (for --demo and app.run), its title, the modes its
 * buttons start, and its current run. Subclasses build their controls from a template and
 * implement start_run/cancel_run; everything that is the same for all demos lives here.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fl-page.h"
#include "fl-files.h"
#include "fl-format.h"

typedef struct
{
  char  *id;
  char  *title;
  char  *subtitle;
  char  *icon_name;
  char  *source_file;
  FlRun *run;

  /* borrowed from the application through the window: no page reaches for a global */
  FlFlagServer  *server;
  FlLoopMonitor *monitor;

  /* the views the run is shown in (template children of the subclass) */
  FlTimeline    *timeline;
  FlFuturesList *list;

  /* "now" for the whole page: µs from the origin of the spans the views show, or -1 */
  gint64         cursor;

  /* the page's lesson in Python, run under the tracer (the Source tab's button) */
  FlPythonRun   *python;
  FlRun         *python_run;
  GtkTextBuffer *python_output;
  char          *python_status;
  char          *python_workdir;

  /* pause/step of the current run: what the last step let through, for the status */
  FlGate        *gate;          /* the page's own work's gate (fl_page_set_gate()), or NULL */
  FlGate        *watched_gate;  /* the gate the handlers below are on */
  char          *gate_status;
  gulong         passed_handler;
  gulong         paused_handler;
} FlPagePrivate;

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_ICON_NAME,
  PROP_SOURCE_FILE,
  PROP_RUN,
  PROP_CURSOR,
  N_PROPS
};

enum {
  ERROR_SHOWN,
  PYTHON_CHANGED,
  GATE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_TYPE_WITH_PRIVATE (FlPage, fl_page, ADW_TYPE_BIN)

static const char * const *
fl_page_real_get_modes (FlPage *self)
{
  static const char * const none[] = { NULL };

  return none;
}

static void
remove_workdir (FlPagePrivate *priv)
{
  if (priv->python_workdir != NULL)
    fl_remove_tree (priv->python_workdir);
  g_clear_pointer (&priv->python_workdir, g_free);
}

static void unwatch_gate (FlPage *self);

static void
fl_page_dispose (GObject *object)
{
  FlPage *self = FL_PAGE (object);
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  /* A page that goes away mid-run ends its worker processes too. */
  unwatch_gate (self);
  if (priv->gate != NULL)
    fl_gate_resume (priv->gate);
  g_clear_object (&priv->gate);
  if (priv->run != NULL)
    fl_run_abort (priv->run);
  g_clear_object (&priv->run);
  if (priv->python != NULL)
    g_signal_handlers_disconnect_by_data (priv->python, self);
  g_clear_object (&priv->python);     /* its dispose ends the program's process group */
  g_clear_object (&priv->python_run);
  g_clear_object (&priv->python_output);
  remove_workdir (priv);
  g_clear_object (&priv->server);
  g_clear_object (&priv->monitor);

  G_OBJECT_CLASS (fl_page_parent_class)->dispose (object);
}

static void
fl_page_finalize (GObject *object)
{
  FlPagePrivate *priv = fl_page_get_instance_private (FL_PAGE (object));

  g_free (priv->id);
  g_free (priv->title);
  g_free (priv->subtitle);
  g_free (priv->icon_name);
  g_free (priv->source_file);
  g_free (priv->python_status);
  g_free (priv->gate_status);

  G_OBJECT_CLASS (fl_page_parent_class)->finalize (object);
}

static void
fl_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  FlPagePrivate *priv = fl_page_get_instance_private (FL_PAGE (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, priv->subtitle);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, priv->icon_name);
      break;
    case PROP_SOURCE_FILE:
      g_value_set_string (value, priv->source_file);
      break;
    case PROP_RUN:
      g_value_set_object (value, priv->run);
      break;
    case PROP_CURSOR:
      g_value_set_int64 (value, priv->cursor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (char       **field,
            const GValue *value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

static void
fl_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  FlPage *self = FL_PAGE (object);
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      set_string (&priv->id, value);
      break;
    case PROP_TITLE:
      set_string (&priv->title, value);
      break;
    case PROP_SUBTITLE:
      set_string (&priv->subtitle, value);
      break;
    case PROP_ICON_NAME:
      set_string (&priv->icon_name, value);
      break;
    case PROP_SOURCE_FILE:
      set_string (&priv->source_file, value);
      break;
    case PROP_RUN:
      fl_page_set_run (self, g_value_get_object (value));
      break;
    case PROP_CURSOR:
      fl_page_set_cursor (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FlPage *self = FL_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!fl_page_start_run (self, g_variant_get_string (parameter, NULL), &error))
    fl_page_show_error (self, error);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fl_page_cancel_run (FL_PAGE (widget));
}

static void
run_python_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlPage *self = FL_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!fl_page_run_python (self, &error))
    fl_page_show_error (self, error);
}

static void
stop_python_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  fl_page_stop_python (FL_PAGE (widget));
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FlPage *self = FL_PAGE (widget);

  fl_page_set_paused (self, !fl_page_is_paused (self));
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fl_page_step (FL_PAGE (widget));
}

static void
fl_page_class_init (FlPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_page_dispose;
  object_class->finalize = fl_page_finalize;
  object_class->get_property = fl_page_get_property;
  object_class->set_property = fl_page_set_property;

  klass->get_modes = fl_page_real_get_modes;

#define CONSTRUCT_STRING(name) \
  g_param_spec_string (name, NULL, NULL, NULL, \
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)
  properties[PROP_ID] = CONSTRUCT_STRING ("id");
  properties[PROP_TITLE] = CONSTRUCT_STRING ("title");
  properties[PROP_SUBTITLE] = CONSTRUCT_STRING ("subtitle");
  properties[PROP_ICON_NAME] = CONSTRUCT_STRING ("icon-name");
  properties[PROP_SOURCE_FILE] = CONSTRUCT_STRING ("source-file");
#undef CONSTRUCT_STRING
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL, FL_TYPE_RUN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * FlPage:cursor:
   *
   * The instant the whole page shows, in µs from the origin of the spans its views show,
   * or -1 for now: the timeline's time cursor. The list, the counts (fl_page_get_tally())
   * and whatever else a page draws from the run read it.
   */
  properties[PROP_CURSOR] =
    g_param_spec_int64 ("cursor", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlPage::error-shown:
   * @message: what the page told the user
   *
   * The page showed an error message (bad input, a run that could not start).
   */
  signals[ERROR_SHOWN] = g_signal_new ("error-shown", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * FlPage::python-changed:
   *
   * The page's Python run started, printed something, or ended (see
   * fl_page_get_python_status()).
   */
  signals[PYTHON_CHANGED] = g_signal_new ("python-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "page.run-python", NULL, run_python_action);
  gtk_widget_class_install_action (widget_class, "page.stop-python", NULL, stop_python_action);
  gtk_widget_class_install_action (widget_class, "page.run", "s", run_action);
  gtk_widget_class_install_action (widget_class, "page.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "page.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "page.step", NULL, step_action);

  /**
   * FlPage::gate-changed:
   *
   * The current run was paused, resumed or stepped (see fl_page_get_gate_status()).
   */
  signals[GATE_CHANGED] = g_signal_new ("gate-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
}

static void
fl_page_init (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  priv->cursor = -1;
}

const char *
fl_page_get_id (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  return priv->id;
}

const char *
fl_page_get_title (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  return priv->title;
}

const char *
fl_page_get_subtitle (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  return priv->subtitle;
}

const char *
fl_page_get_icon_name (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  return priv->icon_name;
}

const char *
fl_page_get_source_file (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  return priv->source_file;
}

const char * const *
fl_page_get_modes (FlPage *self)
{
  g_return_val_if_fail (FL_IS_PAGE (self), NULL);

  return FL_PAGE_GET_CLASS (self)->get_modes (self);
}

gboolean
fl_page_has_mode (FlPage     *self,
                  const char *mode)
{
  return mode != NULL && g_strv_contains ((const char * const *) fl_page_get_modes (self), mode);
}

/**
 * fl_page_start_run:
 *
 * Starts a run in @mode, exactly as clicking the mode's button does. Any run in progress
 * is cancelled first.
 */
gboolean
fl_page_start_run (FlPage      *self,
                   const char  *mode,
                   GError     **error)
{
  g_return_val_if_fail (FL_IS_PAGE (self), FALSE);

  if (!fl_page_has_mode (self, mode))
    {
      g_autofree char *modes = g_strjoinv (", ", (char **) fl_page_get_modes (self));

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a mode of the %s demo (modes: %s)"),
                   mode ? mode : "", fl_page_get_id (self), modes);
      return FALSE;
    }
  return FL_PAGE_GET_CLASS (self)->start_run (self, mode, error);
}

void
fl_page_cancel_run (FlPage *self)
{
  g_return_if_fail (FL_IS_PAGE (self));

  if (FL_PAGE_GET_CLASS (self)->cancel_run != NULL)
    FL_PAGE_GET_CLASS (self)->cancel_run (self);
}

FlRun *
fl_page_get_run (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  return priv->run;
}

/* A run's one model into every bound view. The run shown before, if it was of another
 * mode (sequential vs pool, C vs Python), stays on the timeline as a ghost. */
static void
show_spans (FlPage  *self,
            FlSpans *spans)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (priv->timeline != NULL)
    {
      FlSpans *before = fl_timeline_get_spans (priv->timeline);

      if (before != NULL && spans != NULL && before != spans
          && fl_spans_get_n_spans (before) > 0
          && g_strcmp0 (fl_trace_get_title (fl_spans_get_trace (before)),
                        fl_trace_get_title (fl_spans_get_trace (spans))) != 0)
        fl_timeline_set_ghost (priv->timeline, before);
      fl_timeline_set_spans (priv->timeline, spans);
    }
  if (priv->list != NULL)
    fl_futures_list_set_spans (priv->list, spans);
}

static void
show_run (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  show_spans (self, priv->run != NULL ? fl_run_get_spans (priv->run) : NULL);
}

static void
timeline_activated_cb (FlTimeline *timeline,
                       guint64     future_id,
                       FlPage     *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (priv->list != NULL)
    fl_futures_list_select (priv->list, future_id);
}

static void
list_selected_cb (FlFuturesList *list,
                  GParamSpec    *pspec,
                  FlPage        *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (priv->timeline != NULL)
    fl_timeline_set_selected (priv->timeline, fl_futures_list_get_selected (list));
}

static void
timeline_cursor_cb (FlTimeline *timeline,
                    GParamSpec *pspec,
                    FlPage     *self)
{
  fl_page_set_cursor (self, fl_timeline_get_cursor (timeline));
}


static void
set_gate_status (FlPage     *self,
                 const char *status)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (g_strcmp0 (priv->gate_status, status) == 0)
    return;
  g_free (priv->gate_status);
  priv->gate_status = g_strdup (status);
  g_signal_emit (self, signals[GATE_CHANGED], 0);
}

static void
gate_paused_cb (FlGate     *gate,
                GParamSpec *pspec,
                FlPage     *self)
{
  set_gate_status (self, fl_gate_is_paused (gate) ? _("Paused") : NULL);
}

static void
gate_passed_cb (FlGate           *gate,
                FlGateTransition  transition,
                guint64           id,
                const char       *label,
                FlPage           *self)
{
  g_autofree char *what = NULL;
  g_autofree char *name = label != NULL ? g_strdup (label)
                                        : g_strdup_printf ("#%" G_GUINT64_FORMAT, id);

  if (!fl_gate_is_paused (gate))
    return;
  /* TRANSLATORS: the status after a step; %s is the future's label */
  if (transition == FL_GATE_OPERATION)
    /* TRANSLATORS: the status after a step that moved one piece of work (an item put into
     * a queue); %s says what ("put of item 17 by producer 1") */
    what = g_strdup_printf (_("Paused · %s"), name);
  else
    what = g_strdup_printf (transition == FL_GATE_START ? _("Paused · started %s")
                                                        : _("Paused · finished %s"), name);
  set_gate_status (self, what);
}

static void
unwatch_gate (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (priv->watched_gate != NULL)
    {
      g_clear_signal_handler (&priv->passed_handler, priv->watched_gate);
      g_clear_signal_handler (&priv->paused_handler, priv->watched_gate);
      g_clear_object (&priv->watched_gate);
    }
  set_gate_status (self, NULL);
}

/* The gate Pause and Step act on: the page's own (fl_page_set_gate()), else its run's. */
static FlGate *
current_gate (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (priv->gate != NULL)
    return priv->gate;
  return priv->run != NULL ? fl_run_get_gate (priv->run) : NULL;
}

static void
watch_gate (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);
  FlGate *gate = current_gate (self);

  if (gate == NULL)
    return;
  priv->watched_gate = g_object_ref (gate);
  priv->passed_handler = g_signal_connect (gate, "passed", G_CALLBACK (gate_passed_cb), self);
  priv->paused_handler = g_signal_connect (gate, "notify::paused",
                                           G_CALLBACK (gate_paused_cb), self);
  gate_paused_cb (gate, NULL, self);
}

/**
 * fl_page_set_gate:
 * @gate: (nullable): the gate below the executors of the page's work, or %NULL
 *
 * For a page whose work is not one #FlRun (the map page's two pools, Anatomy's pool, the
 * Queue page's pipeline): the gate that Pause, Step and the header act on while that work
 * is live. Set it when the work starts, with the same gate below each of its executors (or
 * where its workers wait, fl_gate_wait(), for work that is not jobs), and
 * set %NULL when it ends: the old gate is opened, so nothing stays held. While no gate is
 * set the page's run's gate (fl_run_get_gate()) is the one.
 */
void
fl_page_set_gate (FlPage *self,
                  FlGate *gate)
{
  FlPagePrivate *priv;

  g_return_if_fail (FL_IS_PAGE (self));
  g_return_if_fail (gate == NULL || FL_IS_GATE (gate));
  priv = fl_page_get_instance_private (self);

  if (priv->gate == gate)
    return;
  unwatch_gate (self);
  if (priv->gate != NULL)
    fl_gate_resume (priv->gate);
  g_set_object (&priv->gate, gate);
  watch_gate (self);
  /* The header's buttons follow ::gate-changed. */
  g_signal_emit (self, signals[GATE_CHANGED], 0);
}

/**
 * fl_page_can_pause:
 *
 * Returns: whether Pause and Step act now: the page's own work is live (it set a gate), or
 *   its run is live and not yet complete (fl_run_can_pause())
 */
gboolean
fl_page_can_pause (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), FALSE);
  priv = fl_page_get_instance_private (self);
  if (priv->gate != NULL)
    return TRUE;
  return priv->run != NULL && fl_run_can_pause (priv->run);
}

gboolean
fl_page_is_paused (FlPage *self)
{
  FlGate *gate;

  g_return_val_if_fail (FL_IS_PAGE (self), FALSE);
  gate = current_gate (self);
  return gate != NULL && fl_gate_is_paused (gate);
}

/**
 * fl_page_set_paused:
 *
 * Pauses the page's work (no job starts, no end is delivered; see #FlGate) or resumes it.
 */
void
fl_page_set_paused (FlPage   *self,
                    gboolean  paused)
{
  FlPagePrivate *priv;

  g_return_if_fail (FL_IS_PAGE (self));
  priv = fl_page_get_instance_private (self);
  if (priv->gate == NULL)
    {
      if (priv->run != NULL)
        fl_run_set_paused (priv->run, paused);
      return;
    }
  if (paused)
    fl_gate_pause (priv->gate);
  else
    fl_gate_resume (priv->gate);
}

/**
 * fl_page_step:
 *
 * Lets one start or one end through; a step while running pauses first.
 */
void
fl_page_step (FlPage *self)
{
  FlPagePrivate *priv;
  FlGate *gate;

  g_return_if_fail (FL_IS_PAGE (self));
  priv = fl_page_get_instance_private (self);
  if (!fl_page_can_pause (self))
    return;
  if (!fl_page_is_paused (self))
    {
      fl_page_set_paused (self, TRUE);
      return;
    }
  gate = current_gate (self);
  if (priv->gate == NULL)
    fl_run_step (priv->run);
  else if (gate != NULL)
    fl_gate_step (gate);
}

/**
 * fl_page_bind_views:
 * @timeline: (nullable): the page's timeline
 * @list: (nullable): the page's futures list
 *
 * Makes these the views of the page's runs: fl_page_set_run() shows the run's spans in
 * both, a bar clicked in the timeline selects its row and a row selected marks its bar,
 * and the timeline's time cursor becomes the page's #FlPage:cursor, the instant the list,
 * the counts and the rest of the page show. Call it once, from the subclass's init, with
 * its template children.
 */
void
fl_page_bind_views (FlPage        *self,
                    FlTimeline    *timeline,
                    FlFuturesList *list)
{
  FlPagePrivate *priv;

  g_return_if_fail (FL_IS_PAGE (self));
  priv = fl_page_get_instance_private (self);
  g_return_if_fail (priv->timeline == NULL && priv->list == NULL);

  priv->timeline = timeline;
  priv->list = list;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.stop-python", FALSE);
  if (timeline != NULL && list != NULL)
    {
      g_signal_connect_object (timeline, "future-activated",
                               G_CALLBACK (timeline_activated_cb), self, 0);
      g_signal_connect_object (list, "notify::selected", G_CALLBACK (list_selected_cb), self, 0);
    }
  /* A timeline shown without a list (the map page) still sets the page's instant. */
  if (timeline != NULL)
    g_signal_connect_object (timeline, "notify::cursor", G_CALLBACK (timeline_cursor_cb),
                             self, 0);
  show_run (self);
}

void
fl_page_set_run (FlPage *self,
                 FlRun  *run)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (priv->run == run)
    return;
  if (priv->run != NULL)
    fl_run_cancel (priv->run);
  unwatch_gate (self);
  g_set_object (&priv->run, run);
  watch_gate (self);
  show_run (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

/**
 * fl_page_set_cursor:
 * @t: the instant, µs from the origin of the spans the page's views show, or -1 for now
 *
 * Sets "now" for the whole page: the timeline's cursor, the instant the list shows, and
 * #FlPage:cursor, which the page's counts and drawings follow. The timeline sets it when
 * its cursor is dragged or stepped; a new run clears it.
 */
void
fl_page_set_cursor (FlPage *self,
                    gint64  t)
{
  FlPagePrivate *priv;

  g_return_if_fail (FL_IS_PAGE (self));
  priv = fl_page_get_instance_private (self);

  t = MAX (t, -1);
  if (priv->cursor == t)
    return;
  priv->cursor = t;
  /* The timeline hears its own value back and stops here. */
  if (priv->timeline != NULL)
    fl_timeline_set_cursor (priv->timeline, t);
  if (priv->list != NULL)
    fl_futures_list_set_cursor (priv->list, t);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
}

gint64
fl_page_get_cursor (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), -1);
  priv = fl_page_get_instance_private (self);
  return priv->cursor;
}

/**
 * fl_page_get_spans:
 *
 * Returns: (transfer none) (nullable): the spans the page's views show (its timeline's:
 *   the run's, or its Python run's while that is shown), which #FlPage:cursor is an
 *   instant of
 */
FlSpans *
fl_page_get_spans (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  if (priv->timeline != NULL)
    return fl_timeline_get_spans (priv->timeline);
  return priv->run != NULL ? fl_run_get_spans (priv->run) : NULL;
}

/**
 * fl_page_get_tally:
 * @tally: (out): the counts
 *
 * The counts the page shows: with the time cursor set, those of the spans shown at that
 * instant (fl_spans_tally_at(), what the timeline's own readout says); else the run's
 * (fl_run_get_tally()). Always @queued + @running + @done = @total.
 */
void
fl_page_get_tally (FlPage  *self,
                   FlTally *tally)
{
  FlPagePrivate *priv;
  FlSpans *spans;

  g_return_if_fail (FL_IS_PAGE (self));
  g_return_if_fail (tally != NULL);
  priv = fl_page_get_instance_private (self);

  spans = fl_page_get_spans (self);
  if (priv->cursor >= 0 && spans != NULL)
    {
      fl_spans_update (spans);
      fl_spans_tally_at (spans, priv->cursor, tally);
    }
  else if (priv->run != NULL)
    fl_run_get_tally (priv->run, tally);
  else if (spans != NULL)
    {
      fl_spans_update (spans);
      fl_spans_get_tally (spans, tally);
    }
  else
    memset (tally, 0, sizeof *tally);
}

/**
 * fl_page_at_cursor:
 * @text: what the page shows (counts, a status)
 *
 * Returns: (transfer full): @text, told as of the time cursor's instant when it is set
 *   ("at +1.20 s: 3 queued · 2 running · 15 done"), else a copy of @text
 */
char *
fl_page_at_cursor (FlPage     *self,
                   const char *text)
{
  g_return_val_if_fail (FL_IS_PAGE (self), NULL);

  return fl_format_at_instant (fl_page_get_cursor (self), text);
}

/**
 * fl_page_get_gate_status:
 *
 * Returns: (nullable): "Paused", or what the last step let through ("Paused · started
 *   cn"), translated; %NULL while the current run is not paused
 */
const char *
fl_page_get_gate_status (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  return priv->gate_status;
}

/**
 * fl_page_show_error:
 *
 * Tells the user something went wrong, in a toast of the window's overlay when there is
 * one; always logged at debug level and announced by #FlPage::error-shown.
 */
void
fl_page_show_error (FlPage       *self,
                    const GError *error)
{
  GtkWidget *overlay;

  g_return_if_fail (FL_IS_PAGE (self));
  g_return_if_fail (error != NULL);

  g_debug ("%s: %s", fl_page_get_id (self), error->message);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 6);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
  g_signal_emit (self, signals[ERROR_SHOWN], 0, error->message);
}

/**
 * fl_page_get_server:
 *
 * Returns: (transfer none) (nullable): the embedded flag server the application runs
 */
FlFlagServer *
fl_page_get_server (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  return priv->server;
}

void
fl_page_set_server (FlPage       *self,
                    FlFlagServer *server)
{
  FlPagePrivate *priv;

  g_return_if_fail (FL_IS_PAGE (self));
  priv = fl_page_get_instance_private (self);
  g_set_object (&priv->server, server);
}

/**
 * fl_page_get_monitor:
 *
 * Returns: (transfer none) (nullable): the main loop's monitor
 */
FlLoopMonitor *
fl_page_get_monitor (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  return priv->monitor;
}

void
fl_page_set_monitor (FlPage        *self,
                     FlLoopMonitor *monitor)
{
  FlPagePrivate *priv;

  g_return_if_fail (FL_IS_PAGE (self));
  priv = fl_page_get_instance_private (self);
  g_set_object (&priv->monitor, monitor);
}

/* The page's lesson in Python ---------------------------------------------------------- */

/* Which data/python program tells the same lesson as each page, and how to run it so that
 * it ends in seconds on a projector (its own defaults are for a terminal). */
static const struct
{
  const char *source_file;
  const char *script;
  const char *args[8];
} python_lessons[] = {
  { "fl-frozen-page.c", "freeze.py", { "--seconds", "2", NULL } },
  { "fl-flags-page.c", "flags.py", { "--mode", "threads", "-o", "downloads", NULL } },
  { "fl-compute-page.c", "compute.py", { "--jobs", "8", NULL } },
  { "fl-map-page.c", "map.py", { NULL } },
  { "fl-anatomy-page.c", "anatomy.py", { "--duration", "0.5", NULL } },
  /* not queue.py: a script of that name would hide the standard queue module */
  { "fl-queue-page.c", "producer_consumer.py", { NULL } },
  { "fl-coroutines-page.c", "coroutines.py", { "--unit", "0.2", "--block", "0.6", NULL } },
};

static int
python_lesson_index (const char *source_file)
{
  for (guint i = 0; source_file != NULL && i < G_N_ELEMENTS (python_lessons); i++)
    if (g_str_equal (python_lessons[i].source_file, source_file))
      return (int) i;
  return -1;
}

/**
 * fl_page_python_script_for:
 * @source_file: a page's C file ("fl-flags-page.c")
 *
 * Returns: (nullable): the data/python program of the same lesson ("flags.py")
 */
const char *
fl_page_python_script_for (const char *source_file)
{
  int i = python_lesson_index (source_file);

  return i >= 0 ? python_lessons[i].script : NULL;
}

static void
set_python_status (FlPage     *self,
                   const char *status)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  g_free (priv->python_status);
  priv->python_status = g_strdup (status);
  g_signal_emit (self, signals[PYTHON_CHANGED], 0);
}

static void
python_output_cb (FlPythonRun *python,
                  gboolean     is_stderr,
                  const char  *text,
                  FlPage      *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (priv->python_output, &end);
  if (is_stderr)
    gtk_text_buffer_insert_with_tags_by_name (priv->python_output, &end, text, -1, "stderr",
                                              NULL);
  else
    gtk_text_buffer_insert (priv->python_output, &end, text, -1);
  g_signal_emit (self, signals[PYTHON_CHANGED], 0);
}

static void
python_finished_cb (FlPythonRun *python,
                    FlPage      *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);
  g_autofree char *end = fl_python_run_describe_end (python);
  g_autofree char *counts = NULL;
  g_autofree char *status = NULL;
  FlTally tally;

  fl_run_end_external (priv->python_run);
  fl_run_get_tally (priv->python_run, &tally);
  counts = fl_tally_format (&tally);
  /* Translators: the end of a Python run: how it ended, then its counts */
  status = g_strdup_printf (_("Python %s: %s. %s"),
                            fl_python_run_get_python (python) ? fl_python_run_get_python (python)
                                                              : "",
                            end, counts);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.run-python", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.stop-python", FALSE);
  set_python_status (self, status);
}

/**
 * fl_page_run_python:
 *
 * Runs the page's lesson in Python (data/python) under the tracer, and shows its futures,
 * tasks and threads live in the page's timeline and list, the run shown before kept as a
 * ghost on the same axis. Its output goes to fl_page_get_python_output().
 *
 * Returns: %FALSE with @error (a message for people: no Python, no tracer) if it did not
 *   start
 */
gboolean
fl_page_run_python (FlPage  *self,
                    GError **error)
{
  FlPagePrivate *priv;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tracer_dir = NULL;
  g_autofree char *interpreter = NULL;
  g_autofree char *title = NULL;
  int index;

  g_return_val_if_fail (FL_IS_PAGE (self), FALSE);
  priv = fl_page_get_instance_private (self);

  index = python_lesson_index (priv->source_file);
  if (index < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The %s demo has no Python version"), fl_page_get_title (self));
      return FALSE;
    }
  interpreter = fl_python_find_interpreter (NULL, error);
  if (interpreter == NULL)
    return FALSE;
  tracer_dir = fl_python_find_tracer_dir (error);
  if (tracer_dir == NULL)
    return FALSE;

  fl_page_stop_python (self);
  if (priv->python != NULL)
    g_signal_handlers_disconnect_by_data (priv->python, self);
  g_clear_object (&priv->python);
  g_clear_object (&priv->python_run);
  remove_workdir (priv);
  priv->python_workdir = g_dir_make_tmp ("futures-lab-python-XXXXXX", error);
  if (priv->python_workdir == NULL)
    return FALSE;

  g_ptr_array_add (argv, g_strdup ("python3"));
  g_ptr_array_add (argv, g_build_filename (tracer_dir, python_lessons[index].script, NULL));
  for (guint i = 0; python_lessons[index].args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (python_lessons[index].args[i]));
  if (FL_PAGE_GET_CLASS (self)->python_args != NULL
      && !FL_PAGE_GET_CLASS (self)->python_args (self, argv, error))
    {
      remove_workdir (priv);
      return FALSE;
    }
  g_ptr_array_add (argv, NULL);

  priv->python = fl_python_run_new ((const char * const *) argv->pdata, priv->python_workdir,
                                    FL_PYTHON_RUN_CAPTURE_OUTPUT | FL_PYTHON_RUN_OWN_GROUP);
  g_signal_connect (priv->python, "output", G_CALLBACK (python_output_cb), self);
  g_signal_connect (priv->python, "finished", G_CALLBACK (python_finished_cb), self);
  if (!fl_python_run_start (priv->python, error))
    {
      g_signal_handlers_disconnect_by_data (priv->python, self);
      g_clear_object (&priv->python);
      return FALSE;
    }

  /* Translators: the mode of a run of the page's Python program, e.g. "Python: flags.py" */
  title = g_strdup_printf (_("Python: %s"), python_lessons[index].script);
  priv->python_run = fl_run_new_external (fl_python_run_get_trace (priv->python), "python",
                                          title);
  fl_trace_set_metadata (fl_python_run_get_trace (priv->python), "demo", fl_page_get_id (self));
  if (priv->python_output == NULL)
    {
      priv->python_output = gtk_text_buffer_new (NULL);
      gtk_text_buffer_create_tag (priv->python_output, "stderr", "foreground", "#c01c28", NULL);
    }
  gtk_text_buffer_set_text (priv->python_output, "", 0);
  show_spans (self, fl_run_get_spans (priv->python_run));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.stop-python", TRUE);
  {
    g_autofree char *status = g_strdup_printf (_("Running %s under the tracer…"),
                                               python_lessons[index].script);

    set_python_status (self, status);
  }
  return TRUE;
}

/**
 * fl_page_stop_python:
 *
 * Stops the page's Python run, if one is going: its whole process group is ended.
 */
void
fl_page_stop_python (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_if_fail (FL_IS_PAGE (self));
  priv = fl_page_get_instance_private (self);
  if (priv->python != NULL)
    fl_python_run_stop (priv->python);
}

/**
 * fl_page_get_python_run:
 *
 * Returns: (transfer none) (nullable): the run of the last Python program started here
 */
FlRun *
fl_page_get_python_run (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  return priv->python_run;
}

FlPythonRun *
fl_page_get_python (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  return priv->python;
}

/**
 * fl_page_get_python_output:
 *
 * Returns: (transfer none) (nullable): what the Python program printed (stderr in red)
 */
GtkTextBuffer *
fl_page_get_python_output (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  if (priv->python_output == NULL)
    {
      priv->python_output = gtk_text_buffer_new (NULL);
      gtk_text_buffer_create_tag (priv->python_output, "stderr", "foreground", "#c01c28", NULL);
    }
  return priv->python_output;
}

const char *
fl_page_get_python_status (FlPage *self)
{
  FlPagePrivate *priv;

  g_return_val_if_fail (FL_IS_PAGE (self), NULL);
  priv = fl_page_get_instance_private (self);
  return priv->python_status;
}
