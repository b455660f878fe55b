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

#include "fl-page.h"

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
} FlPagePrivate;

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_ICON_NAME,
  PROP_SOURCE_FILE,
  PROP_RUN,
  N_PROPS
};

enum {
  ERROR_SHOWN,
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
fl_page_dispose (GObject *object)
{
  FlPage *self = FL_PAGE (object);
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  /* A page that goes away mid-run ends its worker processes too. */
  if (priv->run != NULL)
    fl_run_abort (priv->run);
  g_clear_object (&priv->run);
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

  gtk_widget_class_install_action (widget_class, "page.run", "s", run_action);
  gtk_widget_class_install_action (widget_class, "page.cancel", NULL, cancel_action);
}

static void
fl_page_init (FlPage *self)
{
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

/* The run's one model into every bound view. */
static void
show_run (FlPage *self)
{
  FlPagePrivate *priv = fl_page_get_instance_private (self);
  FlSpans *spans = priv->run != NULL ? fl_run_get_spans (priv->run) : NULL;

  if (priv->timeline != NULL)
    fl_timeline_set_spans (priv->timeline, spans);
  if (priv->list != NULL)
    fl_futures_list_set_spans (priv->list, spans);
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
  FlPagePrivate *priv = fl_page_get_instance_private (self);

  if (priv->list != NULL)
    fl_futures_list_set_cursor (priv->list, fl_timeline_get_cursor (timeline));
}

/**
 * fl_page_bind_views:
 * @timeline: (nullable): the page's timeline
 * @list: (nullable): the page's futures list
 *
 * Makes these the views of the page's runs: fl_page_set_run() shows the run's spans in
 * both, a bar clicked in the timeline selects its row and a row selected marks its bar,
 * and the timeline's time cursor sets the instant the list shows. Call it once, from the
 * subclass's init, with its template children.
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
  if (timeline != NULL && list != NULL)
    {
      g_signal_connect_object (timeline, "future-activated",
                               G_CALLBACK (timeline_activated_cb), self, 0);
      g_signal_connect_object (list, "notify::selected", G_CALLBACK (list_selected_cb), self, 0);
      g_signal_connect_object (timeline, "notify::cursor", G_CALLBACK (timeline_cursor_cb),
                               self, 0);
    }
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
  g_set_object (&priv->run, run);
  show_run (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
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
