/* fl-run.c: one run of a lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run owns (or borrows) the executor, owns the trace and its spans, and holds every
 * future it submitted. The spans are the one model the views, the counts and the exports
 * read: the run folds the trace into them once per dispatch batch (in its progress idle),
 * and anyone else calling fl_spans_update() in between only folds what is new. A run
 * made for a loaded trace (a replay, a Python program's trace) has spans and no futures.
 *
 * Counters come from the spans' tally, never from a walk over the futures, so every page
 * and every CLI command counts the same way: queued + running + done = total and done =
 * ok + not found + failed + cancelled, live, after a cancel and replayed.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-compute.h"
#include "fl-download.h"
#include "fl-pacing.h"
#include "fl-run.h"

/* The scale new live runs start with: the app's Speed control and the CLI's --time-scale
 * set it, on the main thread, before they make runs. */
static double default_time_scale = 1.0;

struct _FlRun
{
  GObject        parent_instance;

  char          *mode;
  char          *mode_title;
  FlExecutor    *executor;
  FlGate        *gate;          /* a live run's pause/step/resume, below its executor */
  FlTrace       *trace;
  FlSpans       *spans;
  GPtrArray     *futures;
  guint          n_committed;
  guint          n_done;

  FlOutcomeFunc  outcome_func;
  gpointer       outcome_data;

  double         time_scale;    /* 1.0, or slowed: 0.5, 0.2, 0.1 (see fl_run_set_time_scale) */
  gint64         start_time;
  gint64         end_time;
  gint64         extent_us;     /* once complete: the futures' extent (-1: not read yet) */
  guint          progress_idle;
  guint          committed : 1;
  guint          complete : 1;
  guint          cancel_requested : 1;
  guint          borrowed : 1;
  guint          live : 1;
};

enum {
  PROGRESS,
  COMPLETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
fl_run_get_item_type (GListModel *model)
{
  return FL_TYPE_FUTURE;
}

static guint
fl_run_get_n_items (GListModel *model)
{
  return FL_RUN (model)->n_committed;
}

static gpointer
fl_run_get_item (GListModel *model,
                 guint       position)
{
  FlRun *self = FL_RUN (model);

  if (position >= self->n_committed)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->futures, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fl_run_get_item_type;
  iface->get_n_items = fl_run_get_n_items;
  iface->get_item = fl_run_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FlRun, fl_run, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Opens the gate and takes it off a borrowed pool, so nothing waits for this run once it
 * is over, cancelled or gone. */
static void
release_gate (FlRun *self)
{
  g_autoptr(FlGate) current = NULL;

  if (self->gate == NULL)
    return;
  fl_gate_resume (self->gate);
  current = fl_executor_get_gate (self->executor);
  if (current == self->gate)
    fl_executor_set_gate (self->executor, NULL);
}

static void
check_complete (FlRun *self)
{
  if (self->complete || !self->committed || self->n_done < self->futures->len)
    return;

  self->complete = TRUE;
  self->end_time = g_get_monotonic_time ();
  release_gate (self);
  if (!self->borrowed)
    fl_executor_shutdown (self->executor, FALSE, FALSE);
  fl_spans_update (self->spans);
  g_signal_emit (self, signals[COMPLETED], 0);
}

static gboolean
progress_idle_cb (gpointer data)
{
  FlRun *self = data;

  self->progress_idle = 0;
  fl_spans_update (self->spans);
  g_signal_emit (self, signals[PROGRESS], 0);
  check_complete (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_progress (FlRun *self)
{
  /* One idle for a whole batch of done callbacks: the dispatcher delivers them in one
   * dispatch, so the idle runs after all of them. */
  if (self->progress_idle == 0)
    self->progress_idle = g_idle_add_full (G_PRIORITY_DEFAULT, progress_idle_cb,
                                           g_object_ref (self), g_object_unref);
}

static void
future_done_cb (FlFuture *future,
                gpointer  user_data)
{
  FlRun *self = user_data;

  self->n_done++;
  if (self->outcome_func != NULL)
    {
      FlOutcome outcome = self->outcome_func (future, self->outcome_data);

      if (outcome != FL_OUTCOME_NONE)
        fl_trace_record_outcome (self->trace, fl_future_get_id (future), outcome);
    }
  schedule_progress (self);
}

static void
fl_run_dispose (GObject *object)
{
  FlRun *self = FL_RUN (object);

  g_clear_handle_id (&self->progress_idle, g_source_remove);
  if (self->executor != NULL)
    release_gate (self);
  if (self->executor != NULL && !self->complete)
    {
      if (self->borrowed)
        fl_run_cancel (self);
      else
        fl_executor_shutdown (self->executor, FALSE, TRUE);
    }

  G_OBJECT_CLASS (fl_run_parent_class)->dispose (object);
}

static void
fl_run_finalize (GObject *object)
{
  FlRun *self = FL_RUN (object);

  g_clear_pointer (&self->futures, g_ptr_array_unref);
  g_clear_object (&self->executor);
  g_clear_object (&self->gate);
  g_clear_object (&self->spans);
  g_clear_object (&self->trace);
  g_free (self->mode);
  g_free (self->mode_title);

  G_OBJECT_CLASS (fl_run_parent_class)->finalize (object);
}

static void
fl_run_class_init (FlRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_run_dispose;
  object_class->finalize = fl_run_finalize;

  /**
   * FlRun::progress:
   *
   * Some futures ended since the last emission (at most once per dispatch batch); the
   * spans and the tally are up to date.
   */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FlRun::completed:
   *
   * Every submitted future reached a terminal state.
   */
  signals[COMPLETED] = g_signal_new ("completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fl_run_init (FlRun *self)
{
  self->futures = g_ptr_array_new_with_free_func (g_object_unref);
  self->time_scale = 1.0;
  self->extent_us = -1;
}

static FlRun *
run_new (const char *mode,
         const char *mode_title,
         FlExecutor *executor,
         FlTrace    *trace)
{
  FlRun *self = g_object_new (FL_TYPE_RUN, NULL);

  self->mode = g_strdup (mode);
  self->mode_title = g_strdup (mode_title);
  self->executor = executor;
  self->trace = trace;
  self->spans = fl_spans_new (trace);
  self->start_time = fl_trace_get_origin (trace);
  self->time_scale = fl_trace_get_time_scale (trace);
  return self;
}

/**
 * fl_run_new:
 * @mode: the mode id ("threads", ...)
 * @mode_title: the mode as shown to people
 * @executor: (transfer full): runs the futures; the run shuts it down when complete
 *
 * Returns: (transfer full): a live run with its own trace, started now
 */
FlRun *
fl_run_new (const char *mode,
            const char *mode_title,
            FlExecutor *executor)
{
  FlRun *self;

  g_return_val_if_fail (FL_IS_EXECUTOR (executor), NULL);

  self = run_new (mode, mode_title, executor, fl_trace_new (mode));
  /* as people read it, for whoever shows the trace later (the timeline's ghost caption) */
  if (mode_title != NULL)
    fl_trace_set_metadata (self->trace, "mode-title", mode_title);
  self->live = TRUE;
  self->gate = fl_gate_new ();
  fl_executor_set_trace (executor, self->trace);
  fl_executor_set_gate (executor, self->gate);
  if (default_time_scale != 1.0)
    fl_run_set_time_scale (self, default_time_scale);
  return self;
}

/**
 * fl_run_new_borrowed:
 * @executor: (transfer none): a pool the caller keeps warm between runs
 *
 * Like fl_run_new(), but the run never shuts @executor down: on completion it leaves it
 * as it is, and a cancel or an abort touches only this run's futures.
 *
 * Returns: (transfer full): a live run
 */
FlRun *
fl_run_new_borrowed (const char *mode,
                     const char *mode_title,
                     FlExecutor *executor)
{
  FlRun *self;

  g_return_val_if_fail (FL_IS_EXECUTOR (executor), NULL);

  self = fl_run_new (mode, mode_title, g_object_ref (executor));
  self->borrowed = TRUE;
  return self;
}

/**
 * fl_run_new_for_trace:
 * @trace: a trace recorded elsewhere (loaded from a file, or fed by another program)
 *
 * A run with no executor and no futures: its spans and tally come from @trace alone.
 * It is complete from the start; fl_run_is_live() is %FALSE.
 *
 * Returns: (transfer full): the run
 */
FlRun *
fl_run_new_for_trace (FlTrace *trace)
{
  FlRun *self;
  const char *mode;

  g_return_val_if_fail (FL_IS_TRACE (trace), NULL);

  mode = fl_trace_get_metadata (trace, "mode");
  self = run_new (mode != NULL ? mode : "replay", fl_trace_get_title (trace), NULL,
                  g_object_ref (trace));
  self->committed = TRUE;
  self->complete = TRUE;
  fl_spans_update (self->spans);
  self->end_time = self->start_time
                   + (gint64) (fl_spans_get_last_time (self->spans) / self->time_scale);
  return self;
}

/**
 * fl_run_new_external:
 * @trace: a trace another program fills as it runs (a traced Python program)
 *
 * A run with no executor and no futures of this process, whose spans grow as @trace does.
 * It completes when fl_run_end_external() says so; fl_run_is_live() is %FALSE (nothing
 * here can be cancelled: the program's owner stops it).
 *
 * Returns: (transfer full): the run
 */
FlRun *
fl_run_new_external (FlTrace    *trace,
                     const char *mode,
                     const char *mode_title)
{
  FlRun *self;

  g_return_val_if_fail (FL_IS_TRACE (trace), NULL);

  self = run_new (mode, mode_title, NULL, g_object_ref (trace));
  self->committed = TRUE;
  return self;
}

/**
 * fl_run_end_external:
 *
 * The program feeding an external run has ended: the spans take in its last events and the
 * run completes.
 */
void
fl_run_end_external (FlRun *self)
{
  g_return_if_fail (FL_IS_RUN (self));
  g_return_if_fail (!self->live);

  if (self->complete)
    return;
  self->complete = TRUE;
  fl_spans_update (self->spans);
  self->end_time = self->start_time
                   + (gint64) (fl_spans_get_last_time (self->spans) / self->time_scale);
  g_signal_emit (self, signals[PROGRESS], 0);
  g_signal_emit (self, signals[COMPLETED], 0);
}

/**
 * fl_run_set_outcome_func:
 * @func: (nullable): classifies ended futures; %NULL for the outcome their state gives
 *
 * Called on the main context for each future as it ends, before the spans are updated.
 */
void
fl_run_set_outcome_func (FlRun         *self,
                         FlOutcomeFunc  func,
                         gpointer       user_data)
{
  g_return_if_fail (FL_IS_RUN (self));

  self->outcome_func = func;
  self->outcome_data = user_data;
}

/**
 * fl_time_scale_is_valid:
 *
 * Returns: whether @scale is one of the speeds a run may go at: 1, 0.5, 0.2, 0.1
 */
gboolean
fl_time_scale_is_valid (double scale)
{
  static const double allowed[] = { 1.0, 0.5, 0.2, 0.1 };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (G_APPROX_VALUE (scale, allowed[i], 1e-9))
      return TRUE;
  return FALSE;
}

/**
 * fl_time_scale_parse:
 * @text: "1", "0.5", "0.2" or "0.1" (a leading "x" or "×" is allowed)
 *
 * Returns: whether @text is a valid time scale; if not, @error says which are
 */
gboolean
fl_time_scale_parse (const char  *text,
                     double      *scale,
                     GError     **error)
{
  char *end = NULL;
  double value;

  g_return_val_if_fail (text != NULL && scale != NULL, FALSE);

  if (g_str_has_prefix (text, "x"))
    text += 1;
  else if (g_str_has_prefix (text, "×"))
    text += strlen ("×");
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !fl_time_scale_is_valid (value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a time scale: use 1, 0.5, 0.2 or 0.1"), text);
      return FALSE;
    }
  *scale = value;
  return TRUE;
}

/**
 * fl_run_set_default_time_scale:
 * @scale: a valid time scale (see fl_time_scale_is_valid())
 *
 * The time scale of the live runs made from now on (the app's Speed control, the CLI's
 * --time-scale). Call it on the main thread.
 */
void
fl_run_set_default_time_scale (double scale)
{
  g_return_if_fail (fl_time_scale_is_valid (scale));
  default_time_scale = scale;
}

double
fl_run_get_default_time_scale (void)
{
  return default_time_scale;
}

/**
 * fl_run_set_time_scale:
 * @scale: 1 for real time, or 0.5, 0.2, 0.1 for slow motion
 *
 * Slows the run's demo workloads down by @scale before it starts (no future submitted
 * yet): sleeps and the embedded server's delays take 1/@scale as long, CPU-bound kernels
 * pause after each chunk. The trace records the scale, so every time the spans report
 * (and every view, export and report built on them) is scaled back to real units, and a
 * saved run keeps it.
 */
void
fl_run_set_time_scale (FlRun  *self,
                       double  scale)
{
  g_return_if_fail (FL_IS_RUN (self));
  g_return_if_fail (self->live && self->futures->len == 0 && !self->committed);
  g_return_if_fail (fl_time_scale_is_valid (scale));

  self->time_scale = scale;
  fl_trace_set_time_scale (self->trace, scale);
}

/**
 * fl_run_get_time_scale:
 *
 * Returns: the run's time scale: 1.0, or what it was slowed by (also for a replayed run)
 */
double
fl_run_get_time_scale (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), 1.0);
  return self->time_scale;
}

/**
 * fl_run_format_time_scale:
 *
 * Returns: (transfer full) (nullable): "slow motion ×0.1" for a slowed run, translated;
 *   %NULL for a run in real time
 */
char *
fl_run_format_time_scale (FlRun *self)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (FL_IS_RUN (self), NULL);

  if (self->time_scale == 1.0)
    return NULL;
  g_ascii_formatd (number, sizeof number, "%g", self->time_scale);
  /* TRANSLATORS: a run whose workloads were slowed down for a projector; %s is the scale
   * ("0.1": every sleep, delay and chunk of work took ten times as long) */
  return g_strdup_printf (_("slow motion ×%s"), number);
}

/**
 * fl_run_track:
 * @future: (transfer full) (nullable): a future submitted to the run's executor by other
 *   means (a map, a combinator's input)
 *
 * Counts @future as the run's own. Futures must be tracked before fl_run_commit().
 *
 * Returns: (transfer none) (nullable): @future
 */
FlFuture *
fl_run_track (FlRun    *self,
              FlFuture *future)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  g_return_val_if_fail (!self->committed, NULL);

  if (future == NULL)
    return NULL;

  g_ptr_array_add (self->futures, future);
  fl_future_add_done_callback (future, future_done_cb, g_object_ref (self), g_object_unref);
  return future;
}

static guint
stretch_ms (guint  ms,
            double scale)
{
  return (guint) MIN (ms / scale, (double) G_MAXUINT32);
}

/* A demo job's arguments for a slowed run, where the job has a natural knob: a sleep
 * sleeps longer, a loiter's unit is longer, a download asks the embedded server for a
 * longer delay (and waits as much longer before it gives up), and a CPU-bound kernel runs paced
 * (see fl-pacing.c). Anything else runs as it is. */
static GVariant *
slow_down (const char **job_name,
           GVariant    *args,
           double       scale)
{
  const char *name = *job_name;

  if (g_str_equal (name, "sleep") && g_variant_is_of_type (args, G_VARIANT_TYPE ("(u)")))
    {
      guint ms;

      g_variant_get (args, "(u)", &ms);
      return g_variant_new ("(u)", stretch_ms (ms, scale));
    }
  if (g_str_equal (name, "loiter") && g_variant_is_of_type (args, G_VARIANT_TYPE ("(uu)")))
    {
      guint n, unit_ms;

      g_variant_get (args, "(uu)", &n, &unit_ms);
      return g_variant_new ("(uu)", n, stretch_ms (unit_ms, scale));
    }
  if (g_str_equal (name, FL_DOWNLOAD_JOB) && g_variant_is_of_type (args, G_VARIANT_TYPE_VARDICT))
    {
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (args);

      /* The job stretches its own time limit with the server's delay. */
      g_variant_dict_insert (&dict, "time-scale", "d", scale);
      return g_variant_dict_end (&dict);
    }
  if (g_str_equal (name, FL_COMPUTE_PRIMES_JOB) || g_str_equal (name, FL_COMPUTE_SHA256_JOB)
      || g_str_equal (name, FL_COMPUTE_MANDELBROT_JOB) || g_str_equal (name, "spin"))
    {
      fl_pacing_register_job ();
      *job_name = FL_PACED_JOB;
      return fl_pacing_args_new (name, scale, args);
    }
  return args;
}

/**
 * fl_run_submit:
 *
 * Returns: (transfer none) (nullable): the future, owned by the run
 */
FlFuture *
fl_run_submit (FlRun       *self,
               const char  *job_name,
               GVariant    *args,
               const char  *label,
               GError     **error)
{
  g_autoptr(GVariant) sunk = NULL;

  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  g_return_val_if_fail (self->live && !self->committed, NULL);

  if (self->time_scale != 1.0 && args != NULL)
    {
      sunk = g_variant_ref_sink (args);
      args = slow_down (&job_name, sunk, self->time_scale);
    }
  return fl_run_track (self, fl_executor_submit (self->executor, job_name, args, label, error));
}

FlFuture *
fl_run_submit_func (FlRun          *self,
                    FlFunc          func,
                    gpointer        user_data,
                    GDestroyNotify  destroy,
                    const char     *label,
                    GError        **error)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  g_return_val_if_fail (self->live && !self->committed, NULL);

  return fl_run_track (self, fl_executor_submit_func (self->executor, func, user_data, destroy,
                                                      label, error));
}

/**
 * fl_run_commit:
 *
 * Ends submission: the futures appear in the model in one items-changed, and the run
 * completes once they are all done (at once if they already are).
 */
void
fl_run_commit (FlRun *self)
{
  guint added;

  g_return_if_fail (FL_IS_RUN (self));

  if (self->committed)
    return;
  self->committed = TRUE;
  added = self->futures->len;
  self->n_committed = added;
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
  schedule_progress (self);
}

/**
 * fl_run_cancel:
 *
 * Cancels what has not started and asks running jobs to stop. An owned executor is shut
 * down with its queue cancelled; a borrowed one only loses this run's futures.
 */
void
fl_run_cancel (FlRun *self)
{
  g_return_if_fail (FL_IS_RUN (self));

  if (self->complete || !self->live)
    return;
  self->cancel_requested = TRUE;
  /* A cancelled run is not held: what ends by itself ends (running jobs are asked). */
  release_gate (self);
  if (!self->borrowed)
    fl_executor_shutdown (self->executor, FALSE, TRUE);
  for (guint i = 0; i < self->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (self->futures, i);

      if (!fl_future_cancel (future))
        fl_future_request_cancel (future);
    }
}

/**
 * fl_run_abort:
 *
 * Cancels, and also ends the worker processes of a process pool at once (a page that goes
 * away mid-run, or the app quitting): jobs that ignore their cancellable cannot keep a
 * process busy. A borrowed pool is ended too: its owner makes a new one.
 */
void
fl_run_abort (FlRun *self)
{
  g_return_if_fail (FL_IS_RUN (self));

  if (self->complete || !self->live)
    return;
  fl_run_cancel (self);
  if (FL_IS_PROCESS_EXECUTOR (self->executor))
    fl_process_executor_terminate (FL_PROCESS_EXECUTOR (self->executor));
}

/**
 * fl_run_get_gate:
 *
 * Returns: (transfer none) (nullable): the gate below the run's executor; %NULL for a run
 *   made from a trace
 */
FlGate *
fl_run_get_gate (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  return self->gate;
}

/**
 * fl_run_can_pause:
 *
 * Returns: whether pause and step act on this run: a live run not yet complete
 */
gboolean
fl_run_can_pause (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), FALSE);
  return self->gate != NULL && !self->complete && !self->cancel_requested;
}

/**
 * fl_run_set_paused:
 *
 * Pauses the run (no job starts, no end is delivered; see #FlGate) or resumes it.
 */
void
fl_run_set_paused (FlRun    *self,
                   gboolean  paused)
{
  g_return_if_fail (FL_IS_RUN (self));

  if (paused && !fl_run_can_pause (self))
    return;
  if (self->gate == NULL)
    return;
  if (paused)
    fl_gate_pause (self->gate);
  else
    fl_gate_resume (self->gate);
}

gboolean
fl_run_is_paused (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), FALSE);
  return self->gate != NULL && fl_gate_is_paused (self->gate);
}

/**
 * fl_run_step:
 *
 * While paused, lets one start or one end through; the gate's ::passed says which.
 */
void
fl_run_step (FlRun *self)
{
  g_return_if_fail (FL_IS_RUN (self));

  if (self->gate != NULL && fl_run_can_pause (self))
    fl_gate_step (self->gate);
}

const char *
fl_run_get_mode (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  return self->mode;
}

const char *
fl_run_get_mode_title (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  return self->mode_title;
}

/**
 * fl_run_get_executor:
 *
 * Returns: (transfer none) (nullable): the executor; %NULL for a run made from a trace
 */
FlExecutor *
fl_run_get_executor (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  return self->executor;
}

FlTrace *
fl_run_get_trace (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  return self->trace;
}

/**
 * fl_run_get_spans:
 *
 * Returns: (transfer none): the one model of the run that every view reads
 */
FlSpans *
fl_run_get_spans (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), NULL);
  return self->spans;
}

/**
 * fl_run_get_tally:
 *
 * The counts by state and outcome, folded from the trace up to now.
 */
void
fl_run_get_tally (FlRun   *self,
                  FlTally *tally)
{
  g_return_if_fail (FL_IS_RUN (self));

  fl_spans_update (self->spans);
  fl_spans_get_tally (self->spans, tally);
}

guint
fl_run_get_n_total (FlRun *self)
{
  FlTally tally;

  if (self->live)
    return self->futures->len;
  fl_run_get_tally (self, &tally);
  return tally.total;
}

guint
fl_run_get_n_done (FlRun *self)
{
  FlTally tally;

  fl_run_get_tally (self, &tally);
  return tally.done;
}

guint
fl_run_get_n_finished (FlRun *self)
{
  FlTally tally;

  fl_run_get_tally (self, &tally);
  return tally.ok + tally.not_found;
}

guint
fl_run_get_n_failed (FlRun *self)
{
  FlTally tally;

  fl_run_get_tally (self, &tally);
  return tally.failed;
}

guint
fl_run_get_n_cancelled (FlRun *self)
{
  FlTally tally;

  fl_run_get_tally (self, &tally);
  return tally.cancelled;
}

guint64
fl_run_get_bytes (FlRun *self)
{
  FlTally tally;

  fl_run_get_tally (self, &tally);
  return tally.bytes;
}

/**
 * fl_run_is_live:
 *
 * Returns: %TRUE for a run of this process's executors, %FALSE for one made from a trace
 */
gboolean
fl_run_is_live (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), FALSE);
  return self->live;
}

gboolean
fl_run_is_complete (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), FALSE);
  return self->complete;
}

gboolean
fl_run_was_cancelled (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), FALSE);
  return self->cancel_requested;
}

gint64
fl_run_get_start_time (FlRun *self)
{
  g_return_val_if_fail (FL_IS_RUN (self), 0);
  return self->start_time;
}

/**
 * fl_run_get_elapsed:
 *
 * Returns: seconds in real units (a slowed run's wall time times its scale). While the run
 *   goes, from its start to now; once complete, from its first future's submit to its last
 *   one's end, as the timeline draws the run and the prediction cards measure it (so the
 *   page's summary, its progress line, the run chart and the cards say the same time; the
 *   run's start to its completion on the main loop also counted setting it up and the
 *   last result's trip to the loop)
 */
double
fl_run_get_elapsed (FlRun *self)
{
  gint64 end;

  g_return_val_if_fail (FL_IS_RUN (self), 0);

  if (self->complete)
    {
      if (self->extent_us < 0)
        {
          fl_spans_update (self->spans);
          if (!fl_spans_get_futures_extent (self->spans, &self->extent_us))
            self->extent_us = (gint64) ((self->end_time - self->start_time) * self->time_scale);
        }
      return self->extent_us / (double) G_USEC_PER_SEC;
    }
  end = g_get_monotonic_time ();
  return (end - self->start_time) * self->time_scale / (double) G_USEC_PER_SEC;
}

/**
 * fl_run_get_wall_elapsed:
 *
 * Returns: seconds of wall time from the start to completion, or to now: what a slowed
 *   run really took (for the loop monitor, whose samples are in wall time)
 */
double
fl_run_get_wall_elapsed (FlRun *self)
{
  gint64 end;

  g_return_val_if_fail (FL_IS_RUN (self), 0);

  end = self->complete ? self->end_time : g_get_monotonic_time ();
  return (end - self->start_time) / (double) G_USEC_PER_SEC;
}

/**
 * fl_run_mark_begin:
 *
 * Starts a mark in the run's trace (see fl_trace_mark_begin()).
 *
 * Returns: the mark's id
 */
guint64
fl_run_mark_begin (FlRun      *self,
                   FlLaneKind  lane_kind,
                   int         lane,
                   const char *label)
{
  g_return_val_if_fail (FL_IS_RUN (self), 0);
  return fl_trace_mark_begin (self->trace, lane_kind, lane, label);
}

void
fl_run_mark_end (FlRun      *self,
                 guint64     mark_id,
                 const char *detail)
{
  g_return_if_fail (FL_IS_RUN (self));
  fl_trace_mark_end (self->trace, mark_id, detail);
}

/**
 * fl_tally_format:
 *
 * The tally as one line, the same on every page and in the CLI:
 * "3 queued · 2 running · 15 done (12 ok · 1 not found · 1 failed · 1 cancelled)".
 *
 * Returns: (transfer full): translated text
 */
char *
fl_tally_format (const FlTally *tally)
{
  g_return_val_if_fail (tally != NULL, NULL);

  /* Translators: the counts of a run's futures; the parts are joined with " · " */
  return g_strdup_printf (_("%u queued · %u running · %u done (%u ok · %u not found · "
                            "%u failed · %u cancelled)"),
                          tally->queued, tally->running, tally->done, tally->ok,
                          tally->not_found, tally->failed, tally->cancelled);
}
