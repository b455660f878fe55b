/* fl-anatomy-page.c: one future's life: states, cancel, result, callbacks, a deadlock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page keeps a thread pool with ONE worker, so a second submit waits PENDING and
 * cancel() has something to take back. Every button calls one method of the future
 * submitted last and writes what it returned, and why, into the log:
 *  - cancel() and request_cancel() are called right here on the main thread;
 *  - result(timeout) and exception(timeout) block, so they are called from a helper
 *    thread (a job on a small helper pool): the helper never touches GTK, it returns what
 *    it saw as its own result, and the engine brings that home with the helper future's
 *    done callback;
 *  - add_done_callback() records which thread ran the callback.
 * The deadlock demo submits, to a fresh one-worker pool, a job that submits a second job
 * to the same pool and waits for it: the only worker is busy waiting, so the wait can only
 * time out.
 *
 * Pause and Step: the page's pool and the deadlock demo's pools sit on one gate of the
 * page's own (fl_page_set_gate()), set while any of their futures is not done, so the
 * header's Pause (Space) keeps queued jobs PENDING (cancel() still succeeds on them) and
 * Step (→) lets one start or one end through. The helper pool is not gated: a result()
 * or exception() wait must be able to time out while the page is paused.
 *
 * The Python run: while the Source tab's "Run in Python" is what the timeline shows, the
 * top of the page (the diagram and the text above it) follows the Python program's
 * futures; see show_python().
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <glib/gi18n.h>

#include "fl-anatomy-page.h"
#include "fl-format.h"
#include "fl-futures-list.h"
#include "fl-source-view.h"
#include "fl-timeline.h"

#define MAX_LOG_ROWS 200

struct _FlAnatomyPage
{
  FlPage          parent_instance;

  /* template */
  GtkStack       *stack;
  GtkSpinButton  *seconds_spin;
  GtkSwitch      *fail_switch;
  GtkSpinButton  *timeout_spin;
  FlStateDiagram *diagram;
  GtkLabel       *current_label;
  GtkListBox     *log_list;
  GtkLabel       *deadlock_label;
  FlTimeline     *timeline;
  FlFuturesList  *futures_list;

  /* owned */
  FlExecutor     *pool;          /* one worker: the futures the buttons act on */
  FlExecutor     *helpers;       /* threads that block in result() and exception() */
  FlExecutor     *deadlock_pool; /* one worker, per deadlock demo */
  FlTrace        *trace;
  GListStore     *futures;
  FlTrace        *deadlock_trace; /* futures ids count per executor: one view per pool */
  GListStore     *deadlock_futures;
  FlFuture       *current;
  gulong          notify_id;
  FlGate         *gate;          /* below pool and deadlock_pool, never below helpers */
  FlTrace        *own_trace;     /* the page's own trace shown last (pool's or deadlock's) */
  GListStore     *own_futures;
  gboolean        python_shown;  /* the top shows the Python run's futures */
  guint64         python_future; /* the Python future the diagram follows, or 0 */
  guint           python_tick_id;
  guint           n_callbacks;
  guint           n_log;
  char           *last_log;
  int             last_cancel;   /* -1 none, else the last cancel() return value */
  gboolean        deadlock_done;
};

static const char * const modes[] = {
  "submit", "submit-failing", "cancel", "request-cancel", "result", "exception",
  "add-done-callback", "deadlock", NULL
};

G_DEFINE_FINAL_TYPE (FlAnatomyPage, fl_anatomy_page, FL_TYPE_PAGE)

/* The thread that runs the GTK main loop: widgets are created there, so class_init is. */
static GThread *gtk_thread;

typedef enum
{
  BADGE_CALL,
  BADGE_OK,
  BADGE_ERROR,
  BADGE_MAIN,
  BADGE_HELPER,
} Badge;

static double
since_origin (FlAnatomyPage *self)
{
  return (g_get_monotonic_time () - fl_trace_get_origin (self->trace)) / (double) G_USEC_PER_SEC;
}

/* One line of the log: when, who (a badge), and what happened. Newest on top. */
static void
log_line (FlAnatomyPage *self,
          Badge          badge,
          const char    *badge_text,
          const char    *text)
{
  static const char * const badge_classes[] = {
    [BADGE_CALL] = "anatomy-call",
    [BADGE_OK] = "anatomy-ok",
    [BADGE_ERROR] = "anatomy-error",
    [BADGE_MAIN] = "anatomy-main",
    [BADGE_HELPER] = "anatomy-helper",
  };
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* TRANSLATORS: seconds since the first submit, before a log line */
  g_autofree char *when = g_strdup_printf (_("+%.2f s"), since_origin (self));
  GtkWidget *time_label = gtk_label_new (when);
  GtkWidget *badge_label = gtk_label_new (badge_text);
  GtkWidget *text_label = gtk_label_new (text);
  GtkWidget *last;

  gtk_widget_set_margin_start (row, 10);
  gtk_widget_set_margin_end (row, 10);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_add_css_class (time_label, "numeric");
  gtk_widget_add_css_class (time_label, "dim-label");
  gtk_label_set_width_chars (GTK_LABEL (time_label), 8);
  gtk_label_set_xalign (GTK_LABEL (time_label), 1);
  gtk_widget_set_valign (badge_label, GTK_ALIGN_START);
  gtk_widget_set_valign (time_label, GTK_ALIGN_START);
  gtk_widget_add_css_class (badge_label, "anatomy-badge");
  gtk_widget_add_css_class (badge_label, badge_classes[badge]);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_widget_set_hexpand (text_label, TRUE);
  gtk_widget_add_css_class (text_label, "anatomy-log-text");
  gtk_box_append (GTK_BOX (row), time_label);
  gtk_box_append (GTK_BOX (row), badge_label);
  gtk_box_append (GTK_BOX (row), text_label);
  gtk_list_box_prepend (self->log_list, row);

  self->n_log++;
  g_free (self->last_log);
  self->last_log = g_strdup (text);
  if (self->n_log > MAX_LOG_ROWS)
    {
      last = GTK_WIDGET (gtk_list_box_get_row_at_index (self->log_list, MAX_LOG_ROWS));
      if (last != NULL)
        gtk_list_box_remove (self->log_list, last);
    }
}

static char *
describe_future (FlFuture *future)
{
  return g_strdup_printf (_("future #%" PRIu64 " (%s)"), fl_future_get_id (future),
                          fl_future_get_label (future));
}

/* The current future's span in the spans the timeline shows (its trace is the one shown:
 * the page shows a future's pool before following it), folded up to now. */
static const FlSpan *
current_span (FlAnatomyPage *self)
{
  FlSpans *spans = fl_timeline_get_spans (self->timeline);

  if (self->current == NULL || spans == NULL)
    return NULL;
  fl_spans_update (spans);
  return fl_spans_lookup (spans, fl_future_get_id (self->current), NULL);
}

/* With the time cursor set, what the current future was at that instant, said as such. */
static char *
describe_at_cursor (FlAnatomyPage *self,
                    const FlSpan  *span,
                    const char    *what)
{
  gint64 t = fl_page_get_cursor (FL_PAGE (self));
  g_autofree char *text = NULL;

  if (span == NULL || span->queued > t)
    /* TRANSLATORS: the Anatomy page with the time cursor before the future existed; %s
     * is the future ("future #3 (sleep 1.0 s)") */
    text = g_strdup_printf (_("%s was not submitted yet. Escape on the timeline returns to "
                              "now."), what);
  else
    {
      g_autofree char *state = fl_format_span_state (span, t);

      /* TRANSLATORS: the Anatomy page with the time cursor set; %s is the future, then its
       * state at that instant as the futures list shows it ("▶ running") */
      text = g_strdup_printf (_("%s was %s then: the diagram shows that instant. Escape on "
                                "the timeline returns to now."), what, state);
    }
  return fl_page_at_cursor (FL_PAGE (self), text);
}

static void
update_current_label (FlAnatomyPage *self)
{
  g_autofree char *text = NULL;
  g_autofree char *what = NULL;
  FlFuture *future = self->current;
  FlFutureState state;

  if (future == NULL)
    {
      gtk_label_set_text (self->current_label,
                          _("No future yet: press Submit. The buttons then act on the future "
                            "submitted last."));
      return;
    }
  what = describe_future (future);
  if (fl_page_get_cursor (FL_PAGE (self)) >= 0)
    {
      text = describe_at_cursor (self, current_span (self), what);
      gtk_label_set_text (self->current_label, text);
      return;
    }
  state = fl_future_get_state (future);
  switch (state)
    {
    case FL_FUTURE_PENDING:
      if (fl_page_is_paused (FL_PAGE (self)))
        text = g_strdup_printf (_("The buttons act on %s: PENDING. The page is paused, so it "
                                  "does not start, and cancel() can still take it back."),
                                what);
      else
        text = g_strdup_printf (_("The buttons act on %s: PENDING, queued behind the pool’s "
                                  "only worker."), what);
      break;
    case FL_FUTURE_RUNNING:
      if (fl_page_is_paused (FL_PAGE (self)))
        text = g_strdup_printf (_("The buttons act on %s: RUNNING on worker thread %d. The page "
                                  "is paused: when the job returns, its end waits for Step or "
                                  "Resume."), what, fl_future_get_lane (future) + 1);
      else
        text = g_strdup_printf (_("The buttons act on %s: RUNNING on worker thread %d."), what,
                                fl_future_get_lane (future) + 1);
      break;
    case FL_FUTURE_FINISHED:
      {
        g_autofree char *value = g_variant_print (fl_future_peek_result (future), FALSE);

        text = g_strdup_printf (_("The buttons act on %s: FINISHED, result %s."), what, value);
      }
      break;
    case FL_FUTURE_FAILED:
    case FL_FUTURE_CANCELLED:
    default:
      text = g_strdup_printf (_("The buttons act on %s: %s — %s"), what,
                              state == FL_FUTURE_FAILED ? _("FAILED") : _("CANCELLED"),
                              fl_future_peek_error (future)->message);
      break;
    }
  gtk_label_set_text (self->current_label, text);
}

/* The diagram and the label at the time cursor's instant: the current future's span says
 * what it was then (nothing before it was submitted). */
static void
show_instant (FlAnatomyPage *self)
{
  gint64 t = fl_page_get_cursor (FL_PAGE (self));
  const FlSpan *span = current_span (self);

  fl_state_diagram_reset (self->diagram);
  if (span != NULL && span->queued <= t)
    fl_state_diagram_move_to (self->diagram, fl_span_state_at (span, t),
                              span->started >= 0 && span->started <= t);
  update_current_label (self);
}

/* notify::state arrives on the main loop from the engine's dispatcher, batched: a short
 * job may jump from PENDING straight to FINISHED, which the diagram plays back step by
 * step (the started time tells whether it ran). */
static void
state_notify_cb (FlFuture      *future,
                 GParamSpec    *pspec,
                 FlAnatomyPage *self)
{
  FlFutureState state;

  if (self->python_shown)
    return;                    /* the top shows the Python run's futures */
  if (fl_page_get_cursor (FL_PAGE (self)) >= 0)
    {
      show_instant (self);     /* the span may have grown past the instant shown */
      return;
    }
  g_object_get (future, "state", &state, NULL);
  fl_state_diagram_move_to (self->diagram, state, fl_future_get_started_time (future) != 0);
  update_current_label (self);
}

/* ------------------------------------------------------------ the Python run */

/* What the top of the page shows while the Python run is the one on the timeline. The
 * decision, for a class: the diagram follows the Python program's LATEST future (the one
 * it submitted last, or, with the time cursor set, the last one submitted by that
 * instant), played from its spans exactly as the page plays its own futures. That is the
 * page's own rule ("the buttons act on the future submitted last") told about the other
 * program, so the diagram walks through anatomy.py's sections as the output scrolls by,
 * and the text says plainly that it is the Python program's future, not one of the
 * page's. Top and bottom always show the same program: any button of the page (Submit,
 * cancel(), result()…) brings the page's own futures back to both, so what a button does
 * is never hidden behind the Python run. */

static FlSpans *
python_spans (FlAnatomyPage *self)
{
  FlRun *run = fl_page_get_python_run (FL_PAGE (self));

  return run != NULL ? fl_run_get_spans (run) : NULL;
}

/* The Python future submitted last by @t (-1: by now). */
static const FlSpan *
python_latest (FlSpans *spans,
               gint64   t)
{
  const FlSpan *latest = NULL;
  guint n = fl_spans_get_n_spans (spans);

  for (guint i = 0; i < n; i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);

      if (span->kind != FL_SPAN_FUTURE || (t >= 0 && span->queued > t))
        continue;
      if (latest == NULL || span->queued > latest->queued
          || (span->queued == latest->queued && span->id > latest->id))
        latest = span;
    }
  return latest;
}

static void
show_python (FlAnatomyPage *self)
{
  FlSpans *spans = python_spans (self);
  gint64 t = fl_page_get_cursor (FL_PAGE (self));
  const char *script = fl_page_python_script_for (fl_page_get_source_file (FL_PAGE (self)));
  const FlSpan *span;
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;
  gint64 at;

  if (spans == NULL)
    return;
  fl_spans_update (spans);
  span = python_latest (spans, t);
  if (span == NULL)
    {
      self->python_future = 0;
      fl_state_diagram_reset (self->diagram);
      /* TRANSLATORS: the Anatomy page while its Python program runs; %s is the program
       * ("anatomy.py") */
      text = g_strdup_printf (_("The timeline shows the Python program %s, which has not "
                                "submitted a future yet. The diagram will follow the future "
                                "it submitted last; Submit shows this page’s own futures "
                                "again."), script != NULL ? script : "");
      if (t >= 0)
        {
          g_autofree char *then = fl_page_at_cursor (FL_PAGE (self), text);

          gtk_label_set_text (self->current_label, then);
        }
      else
        gtk_label_set_text (self->current_label, text);
      return;
    }

  at = t >= 0 ? t : G_MAXINT64;
  /* A new future, or an instant: played from submit() again. */
  if (t >= 0 || span->id != self->python_future)
    fl_state_diagram_reset (self->diagram);
  self->python_future = span->id;
  fl_state_diagram_move_to (self->diagram, fl_span_state_at (span, at),
                            span->started >= 0 && span->started <= at);

  /* TRANSLATORS: a future of the page's Python program, on the Anatomy page; the number,
   * then its label as Python's tracer recorded it */
  what = g_strdup_printf (_("The Python program’s future #%" PRIu64 " (%s)"), span->id,
                          span->label != NULL ? span->label : "?");
  if (t >= 0)
    text = describe_at_cursor (self, span, what);
  else if (span->finished >= 0 && span->state == FL_FUTURE_FAILED && span->error != NULL)
    /* TRANSLATORS: the Anatomy page while the timeline shows its Python program; the first
     * %s is the future ("The Python program’s future #7 (work)"), then its state, then
     * the exception it raised */
    text = g_strdup_printf (_("%s, the last one it submitted, is %s — %s. The buttons still "
                              "act on this page’s own futures; Submit shows them again."),
                            what, fl_state_diagram_state_word (span->state), span->error);
  else
    /* TRANSLATORS: the Anatomy page while the timeline shows its Python program; the first
     * %s is the future ("The Python program’s future #7 (work)"), the second its state
     * ("RUNNING") */
    text = g_strdup_printf (_("%s, the last one it submitted, is %s. The buttons still act "
                              "on this page’s own futures; Submit shows them again."),
                            what, fl_state_diagram_state_word (fl_span_state_at (span, at)));
  gtk_label_set_text (self->current_label, text);
}

/* Shows the Python run on the top if the timeline shows it; returns whether it is still
 * growing there (then a tick keeps the top up to date between its lines of output). */
static gboolean
refresh_python (FlAnatomyPage *self)
{
  FlSpans *spans = python_spans (self);
  gboolean shown = spans != NULL && fl_timeline_get_spans (self->timeline) == spans;

  if (shown && !self->python_shown)
    self->python_future = 0;
  self->python_shown = shown;
  if (!shown)
    return FALSE;
  show_python (self);
  return !fl_run_is_complete (fl_page_get_python_run (FL_PAGE (self)));
}

static gboolean
python_tick_cb (gpointer user_data)
{
  FlAnatomyPage *self = user_data;

  if (refresh_python (self))
    return G_SOURCE_CONTINUE;
  self->python_tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* FlPage::python-changed: the Python run started, printed or ended. */
static void
python_changed_cb (FlAnatomyPage *self,
                   gpointer       user_data)
{
  if (refresh_python (self))
    {
      if (self->python_tick_id == 0)
        self->python_tick_id = g_timeout_add (100, python_tick_cb, self);
    }
  else
    g_clear_handle_id (&self->python_tick_id, g_source_remove);
}

/* ------------------------------------------------------------ the page's futures */

/* The time cursor moved: the diagram shows the current future's state at that instant,
 * played from submit() as the future lived it; cleared, its state now. */
static void
cursor_cb (FlAnatomyPage *self,
           GParamSpec    *pspec,
           gpointer       user_data)
{
  if (self->python_shown)
    {
      show_python (self);
      return;
    }
  if (self->current == NULL)
    return;
  if (fl_page_get_cursor (FL_PAGE (self)) >= 0)
    show_instant (self);
  else
    {
      fl_state_diagram_reset (self->diagram);
      state_notify_cb (self->current, NULL, self);
    }
}

static void
follow (FlAnatomyPage *self,
        FlFuture      *future)
{
  if (self->current != NULL)
    g_clear_signal_handler (&self->notify_id, self->current);
  g_set_object (&self->current, future);
  fl_state_diagram_reset (self->diagram);
  fl_state_diagram_move_to (self->diagram, FL_FUTURE_PENDING, FALSE);
  self->notify_id = g_signal_connect_object (future, "notify::state",
                                             G_CALLBACK (state_notify_cb), self, 0);
  /* It may have moved on already before we connected. */
  state_notify_cb (future, NULL, self);
}

/* The timeline and the list show either the page's pool or the deadlock demo's; the top
 * then shows the page's own current future again, if it showed the Python run's. */
static void
show_view (FlAnatomyPage *self,
           FlTrace       *trace,
           GListStore    *futures)
{
  g_set_object (&self->own_trace, trace);
  self->own_futures = futures;
  if (fl_timeline_get_trace (self->timeline) != trace)
    {
      fl_timeline_set_trace (self->timeline, trace);
      fl_futures_list_set_spans (self->futures_list, fl_timeline_get_spans (self->timeline));
    }
  if (!self->python_shown)
    return;
  self->python_shown = FALSE;
  self->python_future = 0;
  if (self->python_tick_id != 0)
    g_clear_handle_id (&self->python_tick_id, g_source_remove);
  fl_state_diagram_reset (self->diagram);
  if (self->current != NULL)
    cursor_cb (self, NULL, NULL);
  else
    update_current_label (self);
}

/* ------------------------------------------------------------ the gate */

static gboolean
has_live (GListModel *futures)
{
  guint n = g_list_model_get_n_items (futures);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlFuture) future = g_list_model_get_item (futures, i);

      if (!fl_future_is_done (future))
        return TRUE;
    }
  return FALSE;
}

/* Pause and Step act on the page's gate while any future of the gated pools is not done;
 * once all are, the page lets go of it (which opens it: nothing stays held). */
static void
update_gate (FlAnatomyPage *self)
{
  gboolean live = has_live (G_LIST_MODEL (self->futures))
                  || has_live (G_LIST_MODEL (self->deadlock_futures));

  fl_page_set_gate (FL_PAGE (self), live ? self->gate : NULL);
}

static void
page_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static gpointer
page_ref_new (FlAnatomyPage *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

/* The gate paused or resumed (on the main loop: Space, the header, or the page letting go
 * of it once all is done): said in the log, and in the text above the diagram. */
static void
gate_paused_cb (FlGate        *gate,
                GParamSpec    *pspec,
                FlAnatomyPage *self)
{
  if (fl_gate_is_paused (gate))
    log_line (self, BADGE_MAIN, _("Pause"),
              _("Paused: no job of the page’s pools starts, and no job’s end is delivered. A "
                "running job goes on to its end and waits there; PENDING ones stay PENDING, "
                "so cancel() still succeeds on them."));
  else
    log_line (self, BADGE_MAIN, _("Resume"), _("Resumed: the held starts and ends go on."));
  if (!self->python_shown && fl_page_get_cursor (FL_PAGE (self)) < 0)
    update_current_label (self);
}

/* A step let one transition through (reported on the main loop). */
static void
gate_passed_cb (FlGate           *gate,
                FlGateTransition  transition,
                guint64           id,
                const char       *label,
                FlAnatomyPage    *self)
{
  g_autofree char *text = NULL;

  if (transition == FL_GATE_START)
    /* TRANSLATORS: the log after Step (→); the number and label of a future */
    text = g_strdup_printf (_("Step: future #%" PRIu64 " (%s) left PENDING and started; "
                              "nothing else moved."), id, label != NULL ? label : "");
  else
    /* TRANSLATORS: the log after Step (→); the number and label of a future */
    text = g_strdup_printf (_("Step: the end of future #%" PRIu64 " (%s) was delivered; "
                              "nothing else moved."), id, label != NULL ? label : "");
  log_line (self, BADGE_MAIN, _("Step"), text);
  if (!self->python_shown && fl_page_get_cursor (FL_PAGE (self)) < 0)
    update_current_label (self);
}

/* On the main loop: a future of a gated pool is done. */
static void
gated_done_cb (FlFuture *future,
               gpointer  user_data)
{
  g_autoptr(FlAnatomyPage) self = g_weak_ref_get (user_data);

  if (self != NULL)
    update_gate (self);
}

/* Before a submit to a gated pool: from now on Pause and Step act on it. */
static void
watch_gated (FlAnatomyPage *self,
             FlFuture      *future)
{
  fl_future_add_done_callback (future, gated_done_cb, page_ref_new (self), page_ref_free);
}

static void
ensure_pool (FlAnatomyPage *self)
{
  if (self->pool != NULL)
    return;
  self->pool = fl_thread_executor_new (1);
  /* Before any submit: each future keeps the gate of its executor. */
  fl_executor_set_gate (self->pool, self->gate);
  fl_executor_set_trace (self->pool, self->trace);
}

typedef struct
{
  guint ms;
} FailingJob;

/* Sleeps like the sleep job (and honours a cancel request the same way), then fails like
 * the fail job: both are the registered builtins. */
static GVariant *
sleep_then_fail (gpointer       user_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  FailingJob *job = user_data;
  g_autoptr(GVariant) sleep_args = g_variant_ref_sink (g_variant_new ("(u)", job->ms));
  g_autoptr(GVariant) fail_args = NULL;
  g_autoptr(GVariant) slept = NULL;
  g_autoptr(GVariant) failed = NULL;
  g_autofree char *message = NULL;

  slept = fl_job_run ("sleep", sleep_args, cancellable, NULL, error);
  if (slept == NULL)
    return NULL;
  message = g_strdup_printf ("ValueError: the job failed on purpose after %.1f s",
                             job->ms / 1000.0);
  fail_args = g_variant_ref_sink (g_variant_new ("(s)", message));
  failed = fl_job_run ("fail", fail_args, cancellable, NULL, error);
  /* The fail job always fails, with @error set. */
  return NULL;
}

static gboolean
do_submit (FlAnatomyPage  *self,
           gboolean        failing,
           GError        **error)
{
  double seconds = gtk_spin_button_get_value (self->seconds_spin);
  guint ms = (guint) (seconds * 1000 + 0.5);
  g_autofree char *label = NULL;
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;
  g_autoptr(FlFuture) future = NULL;

  /* The clock starts at the first submit (since the page opened or Clear): log times and
   * the timeline's axis then count from the lesson, not from when the app started. */
  if (self->pool == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->futures)) == 0)
    {
      g_clear_object (&self->trace);
      self->trace = fl_trace_new ("anatomy");
    }
  ensure_pool (self);
  show_view (self, self->trace, self->futures);
  /* Live work from now on: Pause and Step act on the page's gate. */
  fl_page_set_gate (FL_PAGE (self), self->gate);
  if (failing)
    {
      FailingJob *job = g_new0 (FailingJob, 1);

      job->ms = ms;
      label = g_strdup_printf (_("sleep %.1f s, then fail"), seconds);
      future = fl_executor_submit_func (self->pool, sleep_then_fail, job, g_free, label, error);
    }
  else
    {
      label = g_strdup_printf (_("sleep %.1f s"), seconds);
      future = fl_executor_submit (self->pool, "sleep", g_variant_new ("(u)", ms), label, error);
    }
  if (future == NULL)
    {
      update_gate (self);
      return FALSE;
    }

  g_list_store_append (self->futures, future);
  watch_gated (self, future);
  follow (self, future);
  what = describe_future (future);
  if (fl_page_is_paused (FL_PAGE (self)))
    text = g_strdup_printf (_("submit() returned %s. The page is paused, so no job starts: "
                              "it stays PENDING, and cancel() can still take it back. Step "
                              "(→) lets one start or one end through, Resume (Space) the "
                              "rest."), what);
  else
    text = g_strdup_printf (_("submit() returned %s. It starts PENDING; the pool’s one worker "
                              "picks it up when it is free."), what);
  log_line (self, BADGE_CALL, _("submit"), text);
  return TRUE;
}

static gboolean
need_current (FlAnatomyPage  *self,
              GError        **error)
{
  if (self->current != NULL)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                       _("Submit a job first: the buttons act on the future submitted last"));
  return FALSE;
}

static void
do_cancel (FlAnatomyPage *self)
{
  FlFutureState before = fl_future_get_state (self->current);
  gboolean ret = fl_future_cancel (self->current);
  FlFutureState after = fl_future_get_state (self->current);
  const char *why;
  g_autofree char *text = NULL;

  self->last_cancel = ret;
  if (ret && before == FL_FUTURE_CANCELLED)
    why = _("it was already cancelled");
  else if (ret)
    why = _("the future was still pending, so it will never run");
  else if (after == FL_FUTURE_RUNNING)
    why = _("the job is already running; cancel() cannot stop running code — "
            "try request_cancel()");
  else
    why = _("the future is already done; nothing changes");
  text = g_strdup_printf (_("cancel() returned %s: %s."), ret ? "TRUE" : "FALSE", why);
  log_line (self, ret ? BADGE_OK : BADGE_ERROR, "cancel()", text);
}

static void
do_request_cancel (FlAnatomyPage *self)
{
  FlFutureState before = fl_future_get_state (self->current);
  const char *text;

  fl_future_request_cancel (self->current);
  switch (before)
    {
    case FL_FUTURE_PENDING:
      text = _("request_cancel() on a pending future is cancel(): it will never run.");
      break;
    case FL_FUTURE_RUNNING:
      text = _("request_cancel() fired the running job’s GCancellable. Cancelling is "
               "cooperative: the sleep job watches it and stops, so the future ends "
               "CANCELLED. A job that never looks would finish as usual.");
      break;
    case FL_FUTURE_FINISHED:
    case FL_FUTURE_FAILED:
    case FL_FUTURE_CANCELLED:
    default:
      text = _("request_cancel() did nothing: the future is already done.");
      break;
    }
  log_line (self, BADGE_CALL, "request_cancel()", text);
}

/* ---------------------------------------------------------- helper-thread calls */

typedef struct
{
  FlFuture *target;
  gint64    timeout_us;
  gboolean  exception;
} HelperCall;

static void
helper_call_free (gpointer data)
{
  HelperCall *call = data;

  g_object_unref (call->target);
  g_free (call);
}

static const char *
error_kind (const GError *error)
{
  if (g_error_matches (error, FL_ERROR, FL_ERROR_TIMEOUT))
    return "TimeoutError";
  if (g_error_matches (error, FL_ERROR, FL_ERROR_CANCELLED))
    return "CancelledError";
  return "";
}

/* Runs on a helper thread: blocks in result() or exception() and returns, as plain data,
 * what the call gave: (returned?, what, how long it blocked). No GTK here. */
static GVariant *
helper_call_func (gpointer       user_data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  HelperCall *call = user_data;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) raised = NULL;
  g_autofree char *what = NULL;
  gboolean returned;

  if (call->exception)
    {
      g_autoptr(GError) exception = fl_future_exception (call->target, call->timeout_us, &raised);

      returned = raised == NULL;
      if (exception != NULL)
        what = g_strdup_printf ("%s", exception->message);
      else if (returned)
        what = g_strdup ("None");
    }
  else
    {
      g_autoptr(GVariant) value = fl_future_result (call->target, call->timeout_us, &raised);

      returned = value != NULL;
      if (value != NULL)
        what = g_variant_print (value, FALSE);
    }
  if (what == NULL && raised != NULL)
    {
      const char *kind = error_kind (raised);

      what = kind[0] != '\0' ? g_strdup_printf ("%s: %s", kind, raised->message)
                             : g_strdup (raised->message);
    }
  return g_variant_new ("(bsx)", returned, what != NULL ? what : "",
                        g_get_monotonic_time () - start);
}

typedef struct
{
  GWeakRef page;
  gboolean exception;
  gint64   timeout_us;
} HelperReply;

static void
helper_reply_free (gpointer data)
{
  HelperReply *reply = data;

  g_weak_ref_clear (&reply->page);
  g_free (reply);
}

/* Back on the main loop, through the engine's dispatcher: the helper's own future is done. */
static void
helper_done_cb (FlFuture *helper,
                gpointer  user_data)
{
  HelperReply *reply = user_data;
  g_autoptr(FlAnatomyPage) self = g_weak_ref_get (&reply->page);
  GVariant *value = fl_future_peek_result (helper);
  const char *call = reply->exception ? "exception" : "result";
  g_autofree char *badge = NULL;
  g_autofree char *text = NULL;
  gboolean returned;
  const char *what;
  gint64 waited;

  if (self == NULL)
    return;
  badge = g_strdup_printf (_("helper thread %d"), fl_future_get_lane (helper) + 1);
  if (value == NULL)
    {
      text = g_strdup_printf (_("%s() could not be called: %s"), call,
                              fl_future_peek_error (helper)->message);
      log_line (self, BADGE_ERROR, badge, text);
      return;
    }
  g_variant_get (value, "(b&sx)", &returned, &what, &waited);
  if (returned)
    text = g_strdup_printf (_("%s(timeout=%.1f s) returned %s after blocking the helper for "
                              "%.2f s."), call, reply->timeout_us / 1e6, what, waited / 1e6);
  else
    text = g_strdup_printf (_("%s(timeout=%.1f s) raised %s (after %.2f s). The main loop "
                              "never blocked: only the helper thread waited."),
                            call, reply->timeout_us / 1e6, what, waited / 1e6);
  log_line (self, returned ? BADGE_HELPER : BADGE_ERROR, badge, text);
}

static gboolean
do_blocking_call (FlAnatomyPage  *self,
                  gboolean        exception,
                  GError        **error)
{
  HelperCall *call = g_new0 (HelperCall, 1);
  HelperReply *reply = g_new0 (HelperReply, 1);
  g_autoptr(FlFuture) helper = NULL;
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;

  if (self->helpers == NULL)
    self->helpers = fl_thread_executor_new (4);

  call->target = g_object_ref (self->current);
  call->timeout_us = (gint64) (gtk_spin_button_get_value (self->timeout_spin) * G_USEC_PER_SEC);
  call->exception = exception;
  label = g_strdup_printf ("%s(%.1f) on #%" PRIu64,
                           exception ? "exception" : "result", call->timeout_us / 1e6,
                           fl_future_get_id (self->current));
  g_weak_ref_init (&reply->page, self);
  reply->exception = exception;
  reply->timeout_us = call->timeout_us;
  /* Logged first: the answer may be back before submit() returns. */
  text = g_strdup_printf (_("A helper thread calls %s(timeout=%.1f s) on future #%"
                            PRIu64 " and blocks there; the window stays alive."),
                          exception ? "exception" : "result", reply->timeout_us / 1e6,
                          fl_future_get_id (self->current));
  log_line (self, BADGE_CALL, exception ? "exception()" : "result()", text);
  helper = fl_executor_submit_func (self->helpers, helper_call_func, call, helper_call_free,
                                    label, error);
  if (helper == NULL)
    {
      helper_reply_free (reply);
      return FALSE;
    }

  fl_future_add_done_callback (helper, helper_done_cb, reply, helper_reply_free);
  return TRUE;
}

/* ------------------------------------------------------------ done callbacks */

typedef struct
{
  GWeakRef      page;
  guint         n;
  FlFutureState added_in;
} CallbackInfo;

static void
callback_info_free (gpointer data)
{
  CallbackInfo *info = data;

  g_weak_ref_clear (&info->page);
  g_free (info);
}

static void
done_callback_cb (FlFuture *future,
                  gpointer  user_data)
{
  CallbackInfo *info = user_data;
  g_autoptr(FlAnatomyPage) self = g_weak_ref_get (&info->page);
  gboolean on_main = g_thread_self () == gtk_thread;
  g_autofree char *text = NULL;
  g_autofree char *state = fl_format_state_text (fl_future_get_state (future));

  if (self == NULL)
    return;
  if (FL_FUTURE_STATE_IS_TERMINAL (info->added_in))
    text = g_strdup_printf (_("Done callback %u ran at once, on the %s: it was added to a future "
                              "that was already done (%s)."),
                            info->n, on_main ? _("main thread") : _("worker thread"), state);
  else
    text = g_strdup_printf (_("Done callback %u ran on the %s when future #%" PRIu64
                              " became %s. The worker that finished the job only queued it; "
                              "the engine’s dispatcher ran it on the main loop, where it may "
                              "touch widgets (Python would run it in the worker thread)."),
                            info->n, on_main ? _("main thread") : _("worker thread"),
                            fl_future_get_id (future), state);
  log_line (self, on_main ? BADGE_MAIN : BADGE_HELPER,
            on_main ? _("main loop") : _("worker"), text);
}

static void
do_add_done_callback (FlAnatomyPage *self)
{
  CallbackInfo *info = g_new0 (CallbackInfo, 1);
  g_autofree char *text = NULL;

  g_weak_ref_init (&info->page, self);
  info->n = ++self->n_callbacks;
  info->added_in = fl_future_get_state (self->current);
  text = g_strdup_printf (_("add_done_callback() added callback %u to future #%" PRIu64
                            "."), info->n, fl_future_get_id (self->current));
  log_line (self, BADGE_CALL, "add_done_callback()", text);
  fl_future_add_done_callback (self->current, done_callback_cb, info, callback_info_free);
}

/* ------------------------------------------------------------ the deadlock */

typedef struct
{
  FlExecutor *pool;
  gint64      timeout_us;
  GMutex      mutex;
  FlFuture   *inner;
} Deadlock;

static void
deadlock_free (gpointer data)
{
  Deadlock *deadlock = data;

  g_object_unref (deadlock->pool);
  g_clear_object (&deadlock->inner);
  g_mutex_clear (&deadlock->mutex);
  g_free (deadlock);
}

/* The outer job, on the pool's only worker: it submits to its own pool and waits. */
static GVariant *
deadlock_outer (gpointer       user_data,
                GCancellable  *cancellable,
                GError       **error)
{
  Deadlock *deadlock = user_data;
  g_autoptr(FlFuture) inner = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) local = NULL;

  inner = fl_executor_submit (deadlock->pool, "sleep", g_variant_new ("(u)", 200),
                              "inner: sleep 0.2 s", error);
  if (inner == NULL)
    return NULL;
  g_mutex_lock (&deadlock->mutex);
  deadlock->inner = g_object_ref (inner);
  g_mutex_unlock (&deadlock->mutex);

  value = fl_future_result (inner, deadlock->timeout_us, &local);
  if (value != NULL)
    return g_variant_new_uint32 (g_variant_get_uint32 (value));
  g_propagate_prefixed_error (error, g_steal_pointer (&local),
                              "The outer job gave up waiting for the inner one: ");
  return NULL;
}

typedef struct
{
  GWeakRef  page;
  Deadlock *deadlock;   /* borrowed: the outer future's data outlives its callbacks */
} DeadlockReply;

static void
deadlock_reply_free (gpointer data)
{
  DeadlockReply *reply = data;

  g_weak_ref_clear (&reply->page);
  g_free (reply);
}

static void
deadlock_inner_done_cb (FlFuture *inner,
                        gpointer  user_data)
{
  g_autoptr(FlAnatomyPage) self = g_weak_ref_get (user_data);
  g_autofree char *text = NULL;

  if (self == NULL)
    return;
  text = g_strdup_printf (_("The inner job (#%" PRIu64 ") only started once the outer "
                            "job had given up and freed the worker, and it is %s now. Nobody "
                            "is waiting for it any more."),
                          fl_future_get_id (inner),
                          fl_future_get_state (inner) == FL_FUTURE_FINISHED ? _("finished")
                                                                            : _("done"));
  log_line (self, BADGE_MAIN, _("deadlock demo"), text);
  self->deadlock_done = TRUE;
  if (self->deadlock_pool != NULL)
    fl_executor_shutdown (self->deadlock_pool, FALSE, FALSE);
}

static void
deadlock_outer_done_cb (FlFuture *outer,
                        gpointer  user_data)
{
  DeadlockReply *reply = user_data;
  g_autoptr(FlAnatomyPage) self = g_weak_ref_get (&reply->page);
  g_autoptr(FlFuture) inner = NULL;
  const GError *error = fl_future_peek_error (outer);
  g_autofree char *text = NULL;

  if (self == NULL)
    return;
  g_mutex_lock (&reply->deadlock->mutex);
  if (reply->deadlock->inner != NULL)
    inner = g_object_ref (reply->deadlock->inner);
  g_mutex_unlock (&reply->deadlock->mutex);

  if (error != NULL && inner != NULL && fl_future_get_state (outer) == FL_FUTURE_FAILED)
    text = g_strdup_printf (_("Deadlock, broken by the timeout: %s. The pool has one worker, "
                              "and the outer job was sitting on it, waiting. The inner job "
                              "was queued behind the very job that waited for it, so it "
                              "could never start. Never wait on a future of the same pool "
                              "from inside it (or give the pool more workers than the jobs "
                              "that wait)."), error->message);
  else
    text = g_strdup_printf (_("The outer job ended %s without the expected timeout."),
                            fl_future_state_to_string (fl_future_get_state (outer)));
  gtk_label_set_text (self->deadlock_label, text);
  log_line (self, BADGE_ERROR, _("deadlock demo"), text);

  if (inner != NULL)
    {
      g_list_store_append (self->deadlock_futures, inner);
      fl_future_add_done_callback (inner, deadlock_inner_done_cb, page_ref_new (self),
                                   page_ref_free);
      watch_gated (self, inner);
    }
  else
    self->deadlock_done = TRUE;
  /* The outer future is done; the inner one, if any, was just added. */
  update_gate (self);
}

static gboolean
do_deadlock (FlAnatomyPage  *self,
             GError        **error)
{
  Deadlock *deadlock;
  DeadlockReply *reply;
  g_autoptr(FlFuture) outer = NULL;
  g_autofree char *text = NULL;

  if (self->deadlock_pool != NULL && !self->deadlock_done)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("The deadlock demo is still running; wait for its timeout"));
      return FALSE;
    }
  g_clear_object (&self->deadlock_pool);
  self->deadlock_pool = fl_thread_executor_new (1);
  fl_executor_set_gate (self->deadlock_pool, self->gate);
  g_clear_object (&self->deadlock_trace);
  self->deadlock_trace = fl_trace_new ("deadlock");
  fl_executor_set_trace (self->deadlock_pool, self->deadlock_trace);
  g_list_store_remove_all (self->deadlock_futures);
  show_view (self, self->deadlock_trace, self->deadlock_futures);
  self->deadlock_done = FALSE;

  deadlock = g_new0 (Deadlock, 1);
  deadlock->pool = g_object_ref (self->deadlock_pool);
  deadlock->timeout_us = (gint64) (gtk_spin_button_get_value (self->timeout_spin)
                                   * G_USEC_PER_SEC);
  g_mutex_init (&deadlock->mutex);
  reply = g_new0 (DeadlockReply, 1);
  reply->deadlock = deadlock;
  g_weak_ref_init (&reply->page, self);

  fl_page_set_gate (FL_PAGE (self), self->gate);
  outer = fl_executor_submit_func (self->deadlock_pool, deadlock_outer, deadlock, deadlock_free,
                                   "outer: submit inner, wait for it", error);
  if (outer == NULL)
    {
      deadlock_reply_free (reply);
      update_gate (self);
      return FALSE;
    }
  fl_future_add_done_callback (outer, deadlock_outer_done_cb, reply, deadlock_reply_free);
  g_list_store_append (self->deadlock_futures, outer);
  follow (self, outer);

  text = g_strdup_printf (_("A fresh pool with ONE worker runs the outer job. It submits an "
                            "inner job to the same pool and calls result(timeout=%.1f s) on "
                            "it. Watch the timeline: the inner job stays queued…"),
                          deadlock->timeout_us / 1e6);
  gtk_label_set_text (self->deadlock_label, text);
  log_line (self, BADGE_CALL, _("deadlock demo"), text);
  return TRUE;
}

/* ------------------------------------------------------------ the page */

static gboolean
fl_anatomy_page_start_run (FlPage      *page,
                           const char  *mode,
                           GError     **error)
{
  FlAnatomyPage *self = FL_ANATOMY_PAGE (page);

  if (g_str_equal (mode, "submit"))
    return do_submit (self, gtk_switch_get_active (self->fail_switch), error);
  if (g_str_equal (mode, "submit-failing"))
    return do_submit (self, TRUE, error);
  if (g_str_equal (mode, "deadlock"))
    return do_deadlock (self, error);

  /* The buttons act on the page's own future: show it, where they say what they did. */
  if (self->python_shown && self->own_trace != NULL)
    show_view (self, self->own_trace, self->own_futures);
  if (!need_current (self, error))
    return FALSE;
  if (g_str_equal (mode, "cancel"))
    do_cancel (self);
  else if (g_str_equal (mode, "request-cancel"))
    do_request_cancel (self);
  else if (g_str_equal (mode, "result"))
    return do_blocking_call (self, FALSE, error);
  else if (g_str_equal (mode, "exception"))
    return do_blocking_call (self, TRUE, error);
  else if (g_str_equal (mode, "add-done-callback"))
    do_add_done_callback (self);
  return TRUE;
}

static void
request_cancel_all (GListModel *futures)
{
  guint n = g_list_model_get_n_items (futures);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlFuture) future = g_list_model_get_item (futures, i);

      fl_future_request_cancel (future);
    }
}

static void
fl_anatomy_page_cancel_run (FlPage *page)
{
  FlAnatomyPage *self = FL_ANATOMY_PAGE (page);

  request_cancel_all (G_LIST_MODEL (self->futures));
  request_cancel_all (G_LIST_MODEL (self->deadlock_futures));
}

static const char * const *
fl_anatomy_page_get_modes (FlPage *page)
{
  return modes;
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FlAnatomyPage *self = FL_ANATOMY_PAGE (widget);
  GtkWidget *row;

  fl_anatomy_page_cancel_run (FL_PAGE (self));
  if (self->current != NULL)
    g_clear_signal_handler (&self->notify_id, self->current);
  g_clear_object (&self->current);
  if (self->pool != NULL)
    fl_executor_shutdown (self->pool, FALSE, TRUE);
  g_clear_object (&self->pool);
  g_list_store_remove_all (self->futures);
  g_clear_object (&self->trace);
  self->trace = fl_trace_new ("anatomy");
  show_view (self, self->trace, self->futures);
  update_gate (self);
  while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->log_list, 0))) != NULL)
    gtk_list_box_remove (self->log_list, row);
  self->n_log = 0;
  self->n_callbacks = 0;
  self->last_cancel = -1;
  fl_state_diagram_reset (self->diagram);
  update_current_label (self);
}

static void
fl_anatomy_page_dispose (GObject *object)
{
  FlAnatomyPage *self = FL_ANATOMY_PAGE (object);

  if (self->futures != NULL)
    fl_anatomy_page_cancel_run (FL_PAGE (self));
  if (self->current != NULL)
    g_clear_signal_handler (&self->notify_id, self->current);
  g_clear_object (&self->current);
  g_clear_handle_id (&self->python_tick_id, g_source_remove);
  /* Let go of the gate first: that opens it, so no worker stays held in it. */
  if (self->gate != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->gate, self);
      fl_page_set_gate (FL_PAGE (self), NULL);
    }
  /* No waiting here: a helper blocked in result() ends by its own timeout, holding only
   * its own references. */
  if (self->pool != NULL)
    fl_executor_shutdown (self->pool, FALSE, TRUE);
  if (self->helpers != NULL)
    fl_executor_shutdown (self->helpers, FALSE, TRUE);
  if (self->deadlock_pool != NULL)
    fl_executor_shutdown (self->deadlock_pool, FALSE, FALSE);
  g_clear_object (&self->pool);
  g_clear_object (&self->helpers);
  g_clear_object (&self->deadlock_pool);
  g_clear_object (&self->gate);
  g_clear_object (&self->own_trace);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_ANATOMY_PAGE);

  G_OBJECT_CLASS (fl_anatomy_page_parent_class)->dispose (object);
}

static void
fl_anatomy_page_finalize (GObject *object)
{
  FlAnatomyPage *self = FL_ANATOMY_PAGE (object);

  g_clear_object (&self->futures);
  g_clear_object (&self->trace);
  g_clear_object (&self->deadlock_futures);
  g_clear_object (&self->deadlock_trace);
  g_free (self->last_log);

  G_OBJECT_CLASS (fl_anatomy_page_parent_class)->finalize (object);
}

static const char page_css[] =
  ".anatomy-badge { padding: 2px 10px; border-radius: 999px; font-weight: bold; }\n"
  ".anatomy-call { background-color: alpha(#0072B2, 0.18); }\n"
  ".anatomy-ok { background-color: #009E73; color: white; }\n"
  ".anatomy-error { background-color: #D55E00; color: white; }\n"
  ".anatomy-main { background-color: #56B4E9; color: black; }\n"
  ".anatomy-helper { background-color: #E69F00; color: black; }\n"
  ".anatomy-log-text { font-size: 1.08em; }\n"
  "statediagram { margin: 6px 0; }\n";

static void
fl_anatomy_page_realize (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);

  GTK_WIDGET_CLASS (fl_anatomy_page_parent_class)->realize (widget);
  if (g_object_get_data (G_OBJECT (display), "fl-anatomy-css") == NULL)
    {
      GtkCssProvider *provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, page_css, -1);
      gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_set_data_full (G_OBJECT (display), "fl-anatomy-css", provider, g_object_unref);
    }
}

static void
fl_anatomy_page_class_init (FlAnatomyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_anatomy_page_dispose;
  object_class->finalize = fl_anatomy_page_finalize;
  widget_class->realize = fl_anatomy_page_realize;
  page_class->start_run = fl_anatomy_page_start_run;
  page_class->cancel_run = fl_anatomy_page_cancel_run;
  page_class->get_modes = fl_anatomy_page_get_modes;

  gtk_thread = g_thread_self ();
  fl_jobs_register_builtins ();
  g_type_ensure (FL_TYPE_STATE_DIAGRAM);
  g_type_ensure (FL_TYPE_TIMELINE);
  g_type_ensure (FL_TYPE_FUTURES_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-anatomy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, seconds_spin);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, fail_switch);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, diagram);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, current_label);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, log_list);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, deadlock_label);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, FlAnatomyPage, futures_list);

  gtk_widget_class_install_action (widget_class, "anatomy.clear", NULL, clear_action);
}

static void
fl_anatomy_page_init (FlAnatomyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_page_bind_views (FL_PAGE (self), self->timeline, self->futures_list);
  g_signal_connect (self, "notify::cursor", G_CALLBACK (cursor_cb), NULL);

  self->last_cancel = -1;
  self->gate = fl_gate_new ();
  g_signal_connect_object (self->gate, "notify::paused", G_CALLBACK (gate_paused_cb), self, 0);
  g_signal_connect_object (self->gate, "passed", G_CALLBACK (gate_passed_cb), self, 0);
  g_signal_connect (self, "python-changed", G_CALLBACK (python_changed_cb), NULL);
  self->futures = g_list_store_new (FL_TYPE_FUTURE);
  self->deadlock_futures = g_list_store_new (FL_TYPE_FUTURE);
  self->trace = fl_trace_new ("anatomy");
  show_view (self, self->trace, self->futures);
  update_current_label (self);
  gtk_stack_add_titled (self->stack, fl_source_view_new ("fl-anatomy-page.c"),
                        "source", _("Source"));
}

/**
 * fl_anatomy_page_set_job:
 *
 * Sets the controls: the job's length, whether it fails, the result()/exception() timeout.
 */
void
fl_anatomy_page_set_job (FlAnatomyPage *self,
                         double         seconds,
                         gboolean       will_fail,
                         double         timeout_seconds)
{
  g_return_if_fail (FL_IS_ANATOMY_PAGE (self));

  gtk_spin_button_set_value (self->seconds_spin, seconds);
  gtk_switch_set_active (self->fail_switch, will_fail);
  gtk_spin_button_set_value (self->timeout_spin, timeout_seconds);
}

/**
 * fl_anatomy_page_get_current:
 *
 * Returns: (transfer none) (nullable): the future the buttons act on
 */
FlFuture *
fl_anatomy_page_get_current (FlAnatomyPage *self)
{
  g_return_val_if_fail (FL_IS_ANATOMY_PAGE (self), NULL);
  return self->current;
}

FlStateDiagram *
fl_anatomy_page_get_diagram (FlAnatomyPage *self)
{
  g_return_val_if_fail (FL_IS_ANATOMY_PAGE (self), NULL);
  return self->diagram;
}

guint
fl_anatomy_page_get_n_log (FlAnatomyPage *self)
{
  g_return_val_if_fail (FL_IS_ANATOMY_PAGE (self), 0);
  return self->n_log;
}

const char *
fl_anatomy_page_get_last_log (FlAnatomyPage *self)
{
  g_return_val_if_fail (FL_IS_ANATOMY_PAGE (self), NULL);
  return self->last_log;
}

/**
 * fl_anatomy_page_get_last_cancel:
 *
 * Returns: what the last cancel() returned (0 or 1), or -1 if it was never called
 */
int
fl_anatomy_page_get_last_cancel (FlAnatomyPage *self)
{
  g_return_val_if_fail (FL_IS_ANATOMY_PAGE (self), -1);
  return self->last_cancel;
}

gboolean
fl_anatomy_page_get_deadlock_done (FlAnatomyPage *self)
{
  g_return_val_if_fail (FL_IS_ANATOMY_PAGE (self), FALSE);
  return self->deadlock_done;
}
