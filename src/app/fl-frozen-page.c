/* fl-frozen-page.c: the first lesson: a slow handler on the loop, a thread, a subprocess
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, three places to run it:
 *  - main-loop: an inline executor runs it inside submit, on the main thread. Nothing else
 *    runs until it returns: no redraw, no input, the loop monitor's timer is late.
 *  - thread: a one-worker thread pool runs it; the main loop only gets the result.
 *  - subprocess: a worker thread starts a child process that does the work (sleep(1), or a
 *    shell busy loop), and waits for it; the main loop only gets the result.
 * Every click the page receives while a run is active is logged with the time it was
 * handled and, from the X server's timestamp, when it was made: behind a frozen loop the
 * clicks queue up and are all handled at the end.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-frozen-page.h"
#include "fl-futures-list.h"
#include "fl-source-view.h"
#include "fl-timeline.h"

struct _FlFrozenPage
{
  FlPage          parent_instance;

  /* template */
  GtkStack       *stack;
  GtkDropDown    *work_dropdown;
  GtkSpinButton  *seconds_spin;
  GtkLabel       *status_label;
  GtkLabel       *clicks_label;
  FlTimeline     *timeline;
  FlFuturesList  *futures_list;
  GtkListBox     *history;

  /* owned */
  GArray         *clicks;        /* Click */
  gint64          server_offset; /* monotonic µs minus X server ms * 1000, 0 if unknown */
  gulong          paint_handler;
  GdkFrameClock  *paint_clock;
  guint           block_id;      /* the main-loop run starts in this idle, after the frame */
  guint           n_clicks_total;
  FlLoopMonitor  *held;          /* held while a run goes, for evenly spaced samples */
  char           *summary;       /* the newest row of the runs list */
  char           *pending_job;
  GVariant       *pending_args;
  char           *pending_label;
  guint           settle_id;     /* clicks still count until this low-priority idle runs */
};

typedef struct
{
  gint64 made;     /* monotonic µs, 0 if unknown */
  gint64 handled;  /* monotonic µs */
} Click;

static const char * const modes[] = { "main-loop", "thread", "subprocess", NULL };

G_DEFINE_FINAL_TYPE (FlFrozenPage, fl_frozen_page, FL_TYPE_PAGE)

static const char *
mode_title (const char *mode)
{
  if (g_str_equal (mode, "main-loop"))
    return _("Main loop");
  if (g_str_equal (mode, "thread"))
    return _("Worker thread");
  return _("Subprocess");
}

static gboolean
busy_cpu (FlFrozenPage *self)
{
  return gtk_drop_down_get_selected (self->work_dropdown) == 1;
}

static void
update_clicks_label (FlFrozenPage *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 origin = run != NULL ? fl_run_get_start_time (run) : 0;
  gint64 longest = 0;

  if (run == NULL)
    {
      gtk_label_set_text (self->clicks_label, "");
      return;
    }

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u click received during the run",
                                       "%u clicks received during the run", self->clicks->len),
                          self->clicks->len);
  for (guint i = 0; i < self->clicks->len && i < 12; i++)
    {
      Click *c = &g_array_index (self->clicks, Click, i);

      g_string_append (text, i == 0 ? ": " : ", ");
      g_string_append_printf (text, _("handled at +%.1f s"), (c->handled - origin) / 1e6);
      if (c->made > 0)
        longest = MAX (longest, c->handled - c->made);
    }
  if (self->clicks->len > 12)
    g_string_append (text, ", …");
  if (longest > 0)
    g_string_append_printf (text, _(" — the longest wait between click and handling: %.2f s"),
                            longest / 1e6);
  gtk_label_set_text (self->clicks_label, text->str);
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            FlFrozenPage    *self)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture));
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  gint64 now = g_get_monotonic_time ();
  Click click = { 0, now };
  guint32 server_ms = event != NULL ? gdk_event_get_time (event) : 0;

  /* A click while nothing runs is handled at once: it tells how the X server's clock maps
   * to ours, so later clicks say when they were made. Clicks queued behind a frozen loop
   * are handled after the run completed, before the settle idle: they count. */
  if (run == NULL || (fl_run_is_complete (run) && self->settle_id == 0))
    {
      if (server_ms != 0)
        self->server_offset = now - (gint64) server_ms * 1000;
      return;
    }
  if (server_ms != 0 && self->server_offset != 0)
    click.made = MIN (now, (gint64) server_ms * 1000 + self->server_offset);
  g_array_append_val (self->clicks, click);
  self->n_clicks_total++;
  update_clicks_label (self);
}

static void
click_me_cb (GtkButton    *button,
             FlFrozenPage *self)
{
  /* Counted by the page's capture gesture; the button gives the class something to hit. */
}

static char *
describe_work (FlFrozenPage *self,
               double        seconds)
{
  return busy_cpu (self)
         ? g_strdup_printf (_("busy CPU for %.1f s"), seconds)
         : g_strdup_printf (_("sleep %.1f s"), seconds);
}

typedef struct
{
  gboolean busy;
  guint    ms;
} ChildWork;

static GVariant *
run_in_subprocess (gpointer       user_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  ChildWork *work = user_data;
  g_autofree char *arg = NULL;
  g_autoptr(GSubprocess) child = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) work->ms * 1000;

  if (work->busy)
    child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, error,
                              "sh", "-c", "while :; do :; done", NULL);
  else
    {
      arg = g_strdup_printf ("%.3f", work->ms / 1000.0);
      child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, error, "sleep", arg, NULL);
    }
  if (child == NULL)
    return NULL;

  /* The work is the child's; this thread only watches it, in short slices so a cancel
   * or the end of a busy loop's time is noticed quickly. */
  while (g_get_monotonic_time () < deadline)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_subprocess_force_exit (child);
          g_subprocess_wait (child, NULL, NULL);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Cancelled; the subprocess was stopped"));
          return NULL;
        }
      if (!work->busy && g_subprocess_get_identifier (child) == NULL)
        break;
      g_usleep (MIN (10000, MAX (0, deadline - g_get_monotonic_time ())));
    }
  if (work->busy)
    g_subprocess_force_exit (child);
  if (!g_subprocess_wait (child, NULL, error))
    return NULL;
  if (!work->busy && !g_subprocess_get_successful (child))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The subprocess failed"));
      return NULL;
    }
  return g_variant_new_uint32 (work->ms);
}

/* The longest stall of the run's interval: the same one the header names, the same figure. */
static gboolean
run_stall (FlFrozenPage *self,
           FlRun        *run,
           FlLoopStall  *stall)
{
  FlLoopMonitor *monitor = fl_page_get_monitor (FL_PAGE (self));
  gint64 start = fl_run_get_start_time (run);
  gint64 end = start + (gint64) (fl_run_get_wall_elapsed (run) * G_USEC_PER_SEC);

  return monitor != NULL && fl_loop_monitor_get_worst_stall (monitor, start, end, stall);
}

/* "window frozen for 5.02 s by the handler", "machine busy: …", "window stayed alive" */
static char *
describe_freeze (const FlLoopStall *stall,
                 gboolean           found)
{
  if (!found)
    return g_strdup (_("window stayed alive"));
  if (stall->cause == FL_STALL_MACHINE_BUSY)
    return g_strdup_printf (_("window stayed alive, but the machine is busy: the main loop "
                              "waited %.2f s for a CPU held by other programs"),
                            stall->duration_us / 1e6);
  if (stall->waiting_us * 10 >= stall->duration_us)
    return g_strdup_printf (_("window frozen for %.2f s by the handler (%.2f s of it waiting "
                              "for a CPU held by other programs)"), stall->duration_us / 1e6,
                            stall->waiting_us / 1e6);
  return g_strdup_printf (_("window frozen for %.2f s by the handler"),
                          stall->duration_us / 1e6);
}

static void
add_history_row (FlFrozenPage *self,
                 FlRun        *run)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *frozen = NULL;
  gint64 longest_wait = 0;
  FlLoopStall stall;
  gboolean found = run_stall (self, run, &stall);
  gboolean by_handler = found && stall.cause == FL_STALL_HANDLER;

  for (guint i = 0; i < self->clicks->len; i++)
    {
      Click *c = &g_array_index (self->clicks, Click, i);

      if (c->made > 0)
        longest_wait = MAX (longest_wait, c->handled - c->made);
    }

  title = g_strdup_printf (_("%s: %.2f s"), fl_run_get_mode_title (run),
                           fl_run_get_elapsed (run));
  frozen = describe_freeze (&stall, found);
  subtitle = g_strdup_printf (_("%s · %u clicks · longest wait %.2f s · %s"),
                              fl_trace_get_metadata (fl_run_get_trace (run), "work"),
                              self->clicks->len, longest_wait / 1e6, frozen);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle);
  g_free (self->summary);
  self->summary = g_strdup_printf ("%s\n%s", title, subtitle);
  gtk_widget_add_css_class (GTK_WIDGET (row), by_handler ? "run-frozen" : "run-alive");
  gtk_list_box_prepend (self->history, GTK_WIDGET (row));
}

static void
release_monitor (FlFrozenPage *self)
{
  if (self->held != NULL)
    fl_loop_monitor_release (self->held);
  g_clear_object (&self->held);
}

/* The run's status line once its stall (if any) is measured: the loop polled again. */
static void
update_done_status (FlFrozenPage *self,
                    FlRun        *run)
{
  g_autofree char *frozen = NULL;
  g_autofree char *text = NULL;
  FlFuture *future = g_list_model_get_n_items (G_LIST_MODEL (run)) > 0
                     ? g_list_model_get_item (G_LIST_MODEL (run), 0) : NULL;
  FlLoopStall stall;
  gboolean found;

  if (future == NULL || fl_future_get_state (future) != FL_FUTURE_FINISHED)
    {
      g_clear_object (&future);
      return;
    }
  g_clear_object (&future);
  found = run_stall (self, run, &stall);
  frozen = describe_freeze (&stall, found);
  /* TRANSLATORS: "Done in 5.00 s (Main loop): window frozen for 5.02 s by the handler." */
  text = g_strdup_printf (_("Done in %.2f s (%s): %s."), fl_run_get_elapsed (run),
                          fl_run_get_mode_title (run), frozen);
  gtk_label_set_text (self->status_label, text);
}

static gboolean
settle_cb (gpointer data)
{
  FlFrozenPage *self = data;
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  self->settle_id = 0;
  update_clicks_label (self);
  if (run != NULL)
    {
      update_done_status (self, run);
      add_history_row (self, run);
    }
  release_monitor (self);
  return G_SOURCE_REMOVE;
}

static void
run_completed_cb (FlRun        *run,
                  FlFrozenPage *self)
{
  g_autofree char *text = NULL;
  FlFuture *future = g_list_model_get_n_items (G_LIST_MODEL (run)) > 0
                     ? g_list_model_get_item (G_LIST_MODEL (run), 0) : NULL;

  if (run != fl_page_get_run (FL_PAGE (self)))
    {
      g_clear_object (&future);
      return;
    }
  if (future != NULL && fl_future_get_state (future) == FL_FUTURE_FAILED)
    text = g_strdup_printf (_("Failed: %s"), fl_future_peek_error (future)->message);
  else if (future != NULL && fl_future_get_state (future) == FL_FUTURE_CANCELLED)
    text = g_strdup (_("Cancelled."));
  else
    text = g_strdup_printf (_("Done in %.2f s (%s)."), fl_run_get_elapsed (run),
                            fl_run_get_mode_title (run));
  g_clear_object (&future);
  gtk_label_set_text (self->status_label, text);
  update_clicks_label (self);
  /* Input that queued up behind a frozen loop is dispatched before a low-priority idle;
   * the history row waits for it so it counts every click of the run. */
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->settle_id = g_idle_add_full (G_PRIORITY_LOW, settle_cb, self, NULL);
}

static void
submit_and_commit (FlFrozenPage *self,
                   FlRun        *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) args = g_steal_pointer (&self->pending_args);

  if (fl_run_submit (run, self->pending_job, args, self->pending_label, &error) == NULL)
    fl_page_show_error (FL_PAGE (self), error);
  fl_run_commit (run);
}

static gboolean
block_cb (gpointer data)
{
  FlFrozenPage *self = data;
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  self->block_id = 0;
  /* The status line is on screen now; from here the loop is blocked by design. */
  if (run != NULL && !fl_run_is_complete (run))
    submit_and_commit (self, run);
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                FlFrozenPage  *self)
{
  g_clear_signal_handler (&self->paint_handler, clock);
  g_clear_object (&self->paint_clock);
  /* Block in an iteration of its own, not inside the frame: the loop monitor then measures
   * the handler's freeze, not the handler plus the frame that announced it (at the default
   * priority: the loop polls before it, so the two iterations are told apart). */
  g_clear_handle_id (&self->block_id, g_source_remove);
  self->block_id = g_idle_add_full (G_PRIORITY_DEFAULT, block_cb, self, NULL);
}

static gboolean
fl_frozen_page_start_run (FlPage      *page,
                          const char  *mode,
                          GError     **error)
{
  FlFrozenPage *self = FL_FROZEN_PAGE (page);
  double seconds = gtk_spin_button_get_value (self->seconds_spin);
  guint ms = (guint) (seconds * 1000 + 0.5);
  gboolean busy = busy_cpu (self);
  g_autofree char *work = describe_work (self, seconds);
  g_autofree char *status = NULL;
  FlLoopMonitor *monitor = fl_page_get_monitor (FL_PAGE (self));
  g_autoptr(FlRun) run = NULL;
  FlExecutor *executor;

  if (self->paint_handler != 0 || self->block_id != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("A run on the main loop is about to start"));
      return FALSE;
    }

  if (g_str_equal (mode, "main-loop"))
    executor = fl_inline_executor_new ();
  else
    executor = fl_thread_executor_new (1);
  run = fl_run_new (mode, mode_title (mode), executor);
  /* Always real time: the lesson is the window's real freeze, read off the jank meter in
   * real seconds; at ×0.1 a 5 s handler on the loop would freeze the window for 50 s. */
  fl_run_set_time_scale (run, 1.0);
  fl_trace_set_metadata (fl_run_get_trace (run), "work", work);

  g_clear_pointer (&self->pending_args, g_variant_unref);
  g_clear_pointer (&self->pending_job, g_free);
  g_clear_pointer (&self->pending_label, g_free);
  self->pending_label = g_strdup_printf ("%s (%s)", work, mode_title (mode));
  if (busy)
    {
      self->pending_job = g_strdup ("spin");
      self->pending_args = g_variant_ref_sink (g_variant_new ("(t)", (guint64) ms * 1000));
    }
  else
    {
      self->pending_job = g_strdup ("sleep");
      self->pending_args = g_variant_ref_sink (g_variant_new ("(u)", ms));
    }

  if (self->settle_id != 0)
    {
      g_clear_handle_id (&self->settle_id, g_source_remove);
      if (fl_page_get_run (page) != NULL)
        add_history_row (self, fl_page_get_run (page));
    }
  g_array_set_size (self->clicks, 0);
  if (monitor != NULL && self->held == NULL)
    {
      self->held = g_object_ref (monitor);
      fl_loop_monitor_hold (monitor);
    }
  fl_page_set_run (page, run);
  g_signal_connect_object (run, "completed", G_CALLBACK (run_completed_cb), self, 0);
  update_clicks_label (self);

  if (g_str_equal (mode, "main-loop"))
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      status = g_strdup_printf (_("Running %s on the main loop: the window is frozen until "
                                  "it returns. Try to click!"), work);
      gtk_label_set_text (self->status_label, status);
      if (clock != NULL)
        {
          /* Let this frame show the status line, then block. */
          self->paint_clock = g_object_ref (clock);
          self->paint_handler = g_signal_connect (clock, "after-paint",
                                                  G_CALLBACK (after_paint_cb), self);
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
        }
      else
        submit_and_commit (self, run);
      return TRUE;
    }

  if (g_str_equal (mode, "subprocess"))
    {
      ChildWork *child = g_new0 (ChildWork, 1);

      child->busy = busy;
      child->ms = ms;
      if (fl_run_submit_func (run, run_in_subprocess, child, g_free,
                              self->pending_label, error) == NULL)
        {
          release_monitor (self);
          return FALSE;
        }
      fl_run_commit (run);
    }
  else
    submit_and_commit (self, run);

  status = g_strdup_printf (_("Running %s on %s: the window stays alive. Click away."),
                            work, g_str_equal (mode, "thread") ? _("a worker thread")
                                                               : _("a subprocess"));
  gtk_label_set_text (self->status_label, status);
  return TRUE;
}

static void
fl_frozen_page_cancel_run (FlPage *page)
{
  FlRun *run = fl_page_get_run (page);

  if (run != NULL)
    fl_run_cancel (run);
}

static const char * const *
fl_frozen_page_get_modes (FlPage *page)
{
  return modes;
}

static void
fl_frozen_page_dispose (GObject *object)
{
  FlFrozenPage *self = FL_FROZEN_PAGE (object);

  if (self->paint_clock != NULL)
    g_clear_signal_handler (&self->paint_handler, self->paint_clock);
  g_clear_object (&self->paint_clock);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  g_clear_handle_id (&self->block_id, g_source_remove);
  release_monitor (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_FROZEN_PAGE);

  G_OBJECT_CLASS (fl_frozen_page_parent_class)->dispose (object);
}

static void
fl_frozen_page_finalize (GObject *object)
{
  FlFrozenPage *self = FL_FROZEN_PAGE (object);

  g_array_unref (self->clicks);
  g_clear_pointer (&self->pending_args, g_variant_unref);
  g_free (self->pending_job);
  g_free (self->pending_label);
  g_free (self->summary);

  G_OBJECT_CLASS (fl_frozen_page_parent_class)->finalize (object);
}

static void
fl_frozen_page_class_init (FlFrozenPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_frozen_page_dispose;
  object_class->finalize = fl_frozen_page_finalize;
  page_class->start_run = fl_frozen_page_start_run;
  page_class->cancel_run = fl_frozen_page_cancel_run;
  page_class->get_modes = fl_frozen_page_get_modes;

  g_type_ensure (FL_TYPE_TIMELINE);
  g_type_ensure (FL_TYPE_FUTURES_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-frozen-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, work_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, seconds_spin);
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, clicks_label);
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, futures_list);
  gtk_widget_class_bind_template_child (widget_class, FlFrozenPage, history);
  gtk_widget_class_bind_template_callback (widget_class, click_me_cb);
}

static void
fl_frozen_page_init (FlFrozenPage *self)
{
  GtkGesture *gesture;
  GtkStackPage *source;

  gtk_widget_init_template (GTK_WIDGET (self));
  fl_page_bind_views (FL_PAGE (self), self->timeline, self->futures_list);
  self->clicks = g_array_new (FALSE, FALSE, sizeof (Click));

  gesture = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  source = gtk_stack_add_titled (self->stack, fl_source_view_new ("fl-frozen-page.c"),
                                 "source", _("Source"));
  (void) source;
}

guint
fl_frozen_page_get_n_clicks (FlFrozenPage *self)
{
  g_return_val_if_fail (FL_IS_FROZEN_PAGE (self), 0);

  return self->clicks->len;
}

/**
 * fl_frozen_page_set_work:
 *
 * Sets the controls: what the handler does and for how long.
 */
void
fl_frozen_page_set_work (FlFrozenPage *self,
                         gboolean      busy,
                         double        seconds)
{
  g_return_if_fail (FL_IS_FROZEN_PAGE (self));

  gtk_drop_down_set_selected (self->work_dropdown, busy ? 1 : 0);
  gtk_spin_button_set_value (self->seconds_spin, seconds);
}

/**
 * fl_frozen_page_get_run_summary:
 *
 * Returns: (nullable): the newest row of the runs list (title, a newline, subtitle)
 */
const char *
fl_frozen_page_get_run_summary (FlFrozenPage *self)
{
  g_return_val_if_fail (FL_IS_FROZEN_PAGE (self), NULL);

  return self->summary;
}

const char *
fl_frozen_page_get_status (FlFrozenPage *self)
{
  g_return_val_if_fail (FL_IS_FROZEN_PAGE (self), NULL);

  return gtk_label_get_text (self->status_label);
}
