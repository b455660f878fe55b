/* fl-compute-page.c: CPU-bound work on the loop, threads, a simulated GIL and processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One Mandelbrot image cut into tiles, one job per tile, run four ways:
 *  - main-loop: an inline executor computes every tile inside submit, on the main thread:
 *    the sequential time, and a window frozen until the last tile (the image appears at
 *    once at the end);
 *  - threads: a thread pool; C has no GIL, so every core works;
 *  - gil: the same pool under the simulated GIL: a job holds one global lock while it
 *    computes and offers it every 5 ms, so the threads take turns, as in CPython;
 *  - processes: the process pool; a job and its pixels cross a pipe as GVariants.
 * Tiles change as the engine delivers the futures' transitions (batched notify::state and
 * done callbacks); the view only queues a draw, so it repaints at most once per frame.
 * "Kill a worker" sends SIGKILL to a busy worker process: its tile fails and the pool
 * starts a new worker, or, strict, breaks as Python's BrokenProcessPool.
 */
#include "config.h"

#include <signal.h>
#include <glib/gi18n.h>

#include "fl-compute-page.h"
#include "fl-compute-python.h"
#include "fl-futures-list.h"
#include "fl-mandelbrot-view.h"
#include "fl-prediction-questions.h"
#include "fl-settings.h"
#include "fl-source-view.h"
#include "fl-speedup-chart.h"
#include "fl-timeline.h"
#include "futures-lab-tasks.h"

#define MAX_EVENTS 8

struct _FlComputePage
{
  FlPage            parent_instance;

  /* template */
  GtkStack         *stack;
  GtkSpinButton    *jobs_spin;
  GtkSpinButton    *size_spin;
  GtkSpinButton    *workers_spin;
  GtkCheckButton   *strict_check;
  GtkCheckButton   *tint_check;
  GtkLabel         *status_label;
  FlMandelbrotView *image;
  GtkLabel         *pool_label;
  GtkListBox       *events_list;
  FlSpeedupChart   *chart;
  FlTimeline       *timeline;
  FlFuturesList    *futures_list;

  /* owned */
  guint             serial;         /* which run the callbacks belong to */
  GPtrArray        *pending_args;   /* main-loop mode: tiles to compute after the paint */
  gulong            paint_handler;
  GdkFrameClock    *paint_clock;
  guint             jobs;
  guint             size;
  guint             workers;
  guint             python_workers; /* of the Python version's last run */
  guint             n_started;      /* worker-started signals of this run */
  guint             n_restarts;
  guint             n_kills;
  guint             n_events;
  gboolean          pool_broken;
  char             *status;         /* the status of the run; the cursor's counts hide it */
};

static const char * const modes[] = { "main-loop", "threads", "gil", "processes", NULL };

static GQuark tile_quark;
static GQuark serial_quark;

G_DEFINE_FINAL_TYPE (FlComputePage, fl_compute_page, FL_TYPE_PAGE)

static FlComputeMode
compute_mode (const char *mode)
{
  if (g_str_equal (mode, "main-loop"))
    return FL_COMPUTE_SEQUENTIAL;
  if (g_str_equal (mode, "threads"))
    return FL_COMPUTE_THREADS;
  if (g_str_equal (mode, "gil"))
    return FL_COMPUTE_GIL;
  return FL_COMPUTE_PROCESSES;
}

static const char *
mode_title (const char *mode)
{
  switch (compute_mode (mode))
    {
    case FL_COMPUTE_SEQUENTIAL:
      return _("Main loop");
    case FL_COMPUTE_THREADS:
      return _("Threads");
    case FL_COMPUTE_GIL:
      return _("Threads + GIL");
    case FL_COMPUTE_PROCESSES:
    default:
      return _("Processes");
    }
}

static gboolean
is_current (FlComputePage *self,
            FlFuture      *future)
{
  return GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (future), serial_quark)) == self->serial;
}

static void
add_event (FlComputePage *self,
           const char    *title,
           gboolean       bad)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  GtkWidget *row = adw_action_row_new ();
  GtkListBoxRow *last;
  g_autofree char *when = NULL;

  when = g_strdup_printf (_("at +%.2f s"), run != NULL ? fl_run_get_elapsed (run) : 0.0);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  gtk_widget_add_css_class (row, bad ? "run-frozen" : "run-alive");
  gtk_list_box_prepend (self->events_list, row);
  if (++self->n_events > MAX_EVENTS
      && (last = gtk_list_box_get_row_at_index (self->events_list, MAX_EVENTS)) != NULL)
    {
      gtk_list_box_remove (self->events_list, GTK_WIDGET (last));
      self->n_events--;
    }
}

static void
clear_events (FlComputePage *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->events_list, 0)) != NULL)
    gtk_list_box_remove (self->events_list, GTK_WIDGET (row));
  self->n_events = 0;
}

static void
update_pool_label (FlComputePage *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  FlExecutor *executor = run != NULL ? fl_run_get_executor (run) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (executor == NULL || !FL_IS_PROCESS_EXECUTOR (executor))
    {
      gtk_label_set_text (self->pool_label, _("Run in processes, then kill a worker while it "
                                              "computes."));
      return;
    }
  if (self->pool_broken)
    {
      gtk_label_set_text (self->pool_label, _("The pool is broken: it refuses new work. Start "
                                              "a new run for a new pool."));
      return;
    }
  g_string_append (text, _("Worker processes:"));
  for (guint lane = 0; lane < fl_executor_get_max_workers (executor); lane++)
    {
      int pid = fl_process_executor_get_worker_pid (FL_PROCESS_EXECUTOR (executor), lane);

      if (pid > 0)
        g_string_append_printf (text, _(" %u: pid %d"), lane + 1, pid);
      else
        g_string_append_printf (text, _(" %u: starting"), lane + 1);
      g_string_append (text, lane + 1 < fl_executor_get_max_workers (executor) ? "," : "");
    }
  if (self->n_restarts > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " — %u restart so far",
                                               " — %u restarts so far", self->n_restarts),
                            self->n_restarts);
  gtk_label_set_text (self->pool_label, text->str);
}

static void
update_kill_action (FlComputePage *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  gboolean can = run != NULL && !fl_run_is_complete (run)
                 && FL_IS_PROCESS_EXECUTOR (fl_run_get_executor (run)) && !self->pool_broken;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compute.kill-worker", can);
}

static void
worker_started_cb (FlProcessExecutor *pool,
                   guint              lane,
                   int                pid,
                   FlComputePage     *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  if (run == NULL || fl_run_get_executor (run) != FL_EXECUTOR (pool))
    return;
  if (++self->n_started > fl_executor_get_max_workers (FL_EXECUTOR (pool)))
    {
      g_autofree char *text = g_strdup_printf (_("Process %u restarted as pid %d: the pool "
                                                 "healed itself"), lane + 1, pid);

      self->n_restarts++;
      add_event (self, text, FALSE);
    }
  update_pool_label (self);
}

static void
worker_exited_cb (FlProcessExecutor *pool,
                  guint              lane,
                  int                pid,
                  const char        *reason,
                  FlComputePage     *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  if (run == NULL || fl_run_get_executor (run) != FL_EXECUTOR (pool))
    return;
  add_event (self, reason, TRUE);
  if (fl_process_executor_is_broken (pool) && !self->pool_broken)
    {
      self->pool_broken = TRUE;
      add_event (self, _("Strict pool: BrokenProcessPool. Every job not yet done fails and "
                         "new work is refused"), TRUE);
    }
  update_pool_label (self);
  update_kill_action (self);
}

static void
state_notify_cb (FlFuture      *future,
                 GParamSpec    *pspec,
                 FlComputePage *self)
{
  guint tile = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (future), tile_quark));

  /* Terminal states are painted by the done callback, with the pixels. */
  if (tile == 0 || !is_current (self, future) || fl_future_get_state (future) != FL_FUTURE_RUNNING)
    return;
  fl_mandelbrot_view_update_tile (self->image, tile - 1, FL_FUTURE_RUNNING,
                                  fl_future_get_lane_kind (future), fl_future_get_lane (future),
                                  NULL);
}

static void
tile_done_cb (FlFuture *future,
              gpointer  user_data)
{
  FlComputePage *self = user_data;
  guint tile = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (future), tile_quark));
  g_autoptr(GBytes) rgb = NULL;
  guint x, y, w, h;

  if (tile == 0 || !is_current (self, future))
    return;
  if (fl_future_get_state (future) == FL_FUTURE_FINISHED
      && !fl_compute_mandelbrot_unpack (fl_future_peek_result (future), &x, &y, &w, &h, &rgb))
    g_warn_if_reached ();
  fl_mandelbrot_view_update_tile (self->image, tile - 1, fl_future_get_state (future),
                                  fl_future_get_lane_kind (future), fl_future_get_lane (future),
                                  rgb);
}

/* The status line tells the run's story; with the time cursor set it gives the counts
 * at that instant instead, said as such (the timeline reads out the same numbers). */
static void
show_status (FlComputePage *self)
{
  FlPage *page = FL_PAGE (self);

  if (fl_page_get_cursor (page) >= 0 && fl_page_get_spans (page) != NULL)
    {
      FlTally tally;
      g_autofree char *counts = NULL;
      g_autofree char *text = NULL;

      fl_page_get_tally (page, &tally);
      counts = fl_tally_format (&tally);
      text = fl_page_at_cursor (page, counts);
      gtk_label_set_text (self->status_label, text);
    }
  else
    gtk_label_set_text (self->status_label, self->status != NULL ? self->status : "");
}

static void
set_status (FlComputePage *self,
            const char    *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  show_status (self);
}

static void
cursor_cb (FlComputePage *self,
           GParamSpec    *pspec,
           gpointer       user_data)
{
  show_status (self);
}

/* A live run's spans grow past an instant the cursor was set ahead of now. */
static void
run_progress_cb (FlRun         *run,
                 FlComputePage *self)
{
  if (run == fl_page_get_run (FL_PAGE (self)) && fl_page_get_cursor (FL_PAGE (self)) >= 0)
    show_status (self);
}

static void
run_completed_cb (FlRun         *run,
                  FlComputePage *self)
{
  guint total = fl_run_get_n_total (run), ok = fl_run_get_n_finished (run);
  gboolean sequential = g_str_equal (fl_run_get_mode (run), "main-loop");
  gboolean complete = ok == total && !fl_run_was_cancelled (run);
  guint workers = sequential ? 1 : fl_executor_get_max_workers (fl_run_get_executor (run));
  guint ideal = MIN (self->jobs, g_get_num_processors ());
  g_autofree char *workload = g_strdup_printf ("%u×%u", self->jobs, self->size);
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  double speedup;

  if (run != fl_page_get_run (FL_PAGE (self)))
    return;

  title = sequential ? g_strdup (fl_run_get_mode_title (run))
                     : g_strdup_printf ("%s ×%u", fl_run_get_mode_title (run), workers);
  fl_speedup_chart_add (self->chart, fl_run_get_mode (run), title, workload, sequential,
                        complete, fl_run_get_elapsed (run), ideal);
  speedup = fl_speedup_chart_get_speedup (self->chart,
                                          fl_speedup_chart_get_n_runs (self->chart) - 1);

  if (!complete)
    text = g_strdup_printf (_("%s: %u of %u tiles done, %u failed, %u cancelled, in %.2f s."),
                            fl_run_get_mode_title (run), ok, total, fl_run_get_n_failed (run),
                            fl_run_get_n_cancelled (run), fl_run_get_elapsed (run));
  else if (sequential)
    text = g_strdup_printf (_("Main loop: %u tiles in %.2f s, one after the other — the window "
                              "was frozen all along. This is the sequential time."), total,
                            fl_run_get_elapsed (run));
  else if (speedup > 0)
    text = g_strdup_printf (_("%s: %u tiles in %.2f s on %u workers — ×%.2f over sequential "
                              "(ideal ×%u)."), fl_run_get_mode_title (run), total,
                            fl_run_get_elapsed (run), workers, speedup, MIN (ideal, workers));
  else
    text = g_strdup_printf (_("%s: %u tiles in %.2f s on %u workers. Run on the main loop "
                              "to measure the sequential time."), fl_run_get_mode_title (run),
                            total, fl_run_get_elapsed (run), workers);
  set_status (self, text);
  update_kill_action (self);
}

static void
submit_tiles (FlComputePage *self,
              FlRun         *run,
              GPtrArray     *args)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < args->len; i++)
    {
      guint width, height, x, y, w, h;
      g_autofree char *label = NULL;
      FlFuture *future;

      g_variant_get (args->pdata[i], "(uuuuuuuddd)", &width, &height, &x, &y, &w, &h,
                     NULL, NULL, NULL, NULL);
      label = g_strdup_printf (_("tile %u (%u, %u)"), i + 1, x, y);
      future = fl_run_submit (run, FL_COMPUTE_MANDELBROT_JOB, args->pdata[i], label, &error);
      if (future == NULL)
        {
          fl_page_show_error (FL_PAGE (self), error);
          break;
        }
      g_object_set_qdata (G_OBJECT (future), tile_quark, GUINT_TO_POINTER (i + 1));
      g_object_set_qdata (G_OBJECT (future), serial_quark, GUINT_TO_POINTER (self->serial));
      g_signal_connect_object (future, "notify::state", G_CALLBACK (state_notify_cb), self, 0);
      fl_future_add_done_callback (future, tile_done_cb, g_object_ref (self), g_object_unref);
    }
  fl_run_commit (run);
}

static void
after_paint_cb (GdkFrameClock *clock,
                FlComputePage *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  g_autoptr(GPtrArray) args = g_steal_pointer (&self->pending_args);

  g_clear_signal_handler (&self->paint_handler, clock);
  g_clear_object (&self->paint_clock);
  /* The status line and the empty tiles are on screen; from here the loop is blocked
   * until the last tile, by design. */
  if (run != NULL && args != NULL)
    submit_tiles (self, run, args);
}

static gboolean
check_settings (FlComputePage  *self,
                const char     *mode,
                GError        **error)
{
  g_autofree char *worker = NULL;

  if (self->jobs > self->size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A %u px image cannot be cut into %u tiles: use at most %u jobs, or a "
                     "larger size"), self->size, self->jobs, self->size);
      return FALSE;
    }
  if (self->paint_handler != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("A run on the main loop is about to start"));
      return FALSE;
    }
  if (compute_mode (mode) == FL_COMPUTE_PROCESSES)
    {
      g_autoptr(GError) local = NULL;

      worker = fl_process_executor_find_worker (&local);
      if (worker == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("Cannot start the process pool: %s"), local->message);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
fl_compute_page_start_run (FlPage      *page,
                           const char  *mode,
                           GError     **error)
{
  FlComputePage *self = FL_COMPUTE_PAGE (page);
  FlComputeMode cm = compute_mode (mode);
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(FlRun) run = NULL;
  g_autofree char *status = NULL;
  FlExecutor *executor;

  self->jobs = gtk_spin_button_get_value_as_int (self->jobs_spin);
  self->size = gtk_spin_button_get_value_as_int (self->size_spin);
  self->workers = gtk_spin_button_get_value_as_int (self->workers_spin);
  if (!check_settings (self, mode, error))
    return FALSE;
  args = fl_compute_workload (FL_COMPUTE_MANDELBROT, self->jobs, self->size, error);
  if (args == NULL)
    return FALSE;

  executor = fl_compute_executor_new (cm, self->workers,
                                      gtk_check_button_get_active (self->strict_check));
  run = fl_run_new (mode, mode_title (mode), executor);
  fl_trace_set_metadata (fl_run_get_trace (run), "kernel", "mandelbrot");

  self->serial++;
  self->n_started = 0;
  self->n_restarts = 0;
  self->pool_broken = FALSE;
  clear_events (self);
  fl_mandelbrot_view_reset (self->image, self->size);
  for (guint i = 0; i < args->len; i++)
    {
      guint width, height, x, y, w, h;

      g_variant_get (args->pdata[i], "(uuuuuuuddd)", &width, &height, &x, &y, &w, &h,
                     NULL, NULL, NULL, NULL);
      fl_mandelbrot_view_add_tile (self->image, x, y, w, h);
    }

  fl_page_set_run (page, run);
  g_signal_connect_object (run, "completed", G_CALLBACK (run_completed_cb), self, 0);
  g_signal_connect_object (run, "progress", G_CALLBACK (run_progress_cb), self, 0);
  if (cm == FL_COMPUTE_PROCESSES)
    {
      g_signal_connect_object (executor, "worker-started", G_CALLBACK (worker_started_cb),
                               self, 0);
      g_signal_connect_object (executor, "worker-exited", G_CALLBACK (worker_exited_cb),
                               self, 0);
    }
  update_pool_label (self);

  switch (cm)
    {
    case FL_COMPUTE_SEQUENTIAL:
      status = g_strdup_printf (_("Computing %u tiles on the main loop: the window is frozen "
                                  "until the last one. Try to click!"), args->len);
      break;
    case FL_COMPUTE_GIL:
      status = g_strdup_printf (_("Computing %u tiles on %u threads under a simulated GIL: "
                                  "they take turns, one at a time."), args->len, self->workers);
      break;
    case FL_COMPUTE_PROCESSES:
      status = g_strdup_printf (_("Computing %u tiles in %u worker processes. Kill one!"),
                                args->len, self->workers);
      break;
    case FL_COMPUTE_THREADS:
    default:
      status = g_strdup_printf (_("Computing %u tiles on %u threads: every core works."),
                                args->len, self->workers);
      break;
    }
  set_status (self, status);

  if (cm == FL_COMPUTE_SEQUENTIAL)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (clock != NULL)
        {
          /* Let this frame show the status line, then block. */
          self->pending_args = g_steal_pointer (&args);
          self->paint_clock = g_object_ref (clock);
          self->paint_handler = g_signal_connect (clock, "after-paint",
                                                  G_CALLBACK (after_paint_cb), self);
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
          update_kill_action (self);
          return TRUE;
        }
    }
  submit_tiles (self, run, args);
  update_kill_action (self);
  return TRUE;
}

static void
fl_compute_page_cancel_run (FlPage *page)
{
  FlRun *run = fl_page_get_run (page);

  if (run != NULL)
    fl_run_cancel (run);
}

static const char * const *
fl_compute_page_get_modes (FlPage *page)
{
  return modes;
}

/**
 * fl_compute_page_kill_worker:
 *
 * What the "Kill a worker" button does: SIGKILL to the worker process running the
 * earliest running tile (or to the first worker when none is busy yet).
 */
gboolean
fl_compute_page_kill_worker (FlComputePage  *self,
                             GError        **error)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  FlProcessExecutor *pool;
  g_autofree char *text = NULL;
  guint n, lane = 0;
  int pid;

  g_return_val_if_fail (FL_IS_COMPUTE_PAGE (self), FALSE);

  if (run == NULL || fl_run_is_complete (run) || !FL_IS_PROCESS_EXECUTOR (fl_run_get_executor (run)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There is no worker process to kill: start a run in processes "
                             "first"));
      return FALSE;
    }
  pool = FL_PROCESS_EXECUTOR (fl_run_get_executor (run));
  n = g_list_model_get_n_items (G_LIST_MODEL (run));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlFuture) future = g_list_model_get_item (G_LIST_MODEL (run), i);

      if (fl_future_get_state (future) == FL_FUTURE_RUNNING
          && fl_future_get_lane_kind (future) == FL_LANE_PROCESS && fl_future_get_lane (future) >= 0)
        {
          lane = fl_future_get_lane (future);
          break;
        }
    }
  pid = fl_process_executor_get_worker_pid (pool, lane);
  if (pid <= 0 || !fl_process_executor_kill_worker (pool, lane, SIGKILL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                   _("Worker process %u is starting; try again in a moment"), lane + 1);
      return FALSE;
    }
  self->n_kills++;
  text = g_strdup_printf (_("Sent SIGKILL to process %u (pid %d)"), lane + 1, pid);
  add_event (self, text, TRUE);
  return TRUE;
}

static void
kill_worker_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GError) error = NULL;

  if (!fl_compute_page_kill_worker (FL_COMPUTE_PAGE (widget), &error))
    fl_page_show_error (FL_PAGE (widget), error);
}

static void
tint_toggled_cb (GtkCheckButton *check,
                 FlComputePage  *self)
{
  fl_mandelbrot_view_set_tint (self->image, gtk_check_button_get_active (check));
}



static void
fl_compute_page_dispose (GObject *object)
{
  FlComputePage *self = FL_COMPUTE_PAGE (object);
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  if (self->paint_clock != NULL)
    g_clear_signal_handler (&self->paint_handler, self->paint_clock);
  g_clear_object (&self->paint_clock);
  g_clear_pointer (&self->pending_args, g_ptr_array_unref);
  g_clear_pointer (&self->status, g_free);
  /* Quitting mid-run: no worker process outlives the page. */
  if (run != NULL && !fl_run_is_complete (run)
      && FL_IS_PROCESS_EXECUTOR (fl_run_get_executor (run)))
    fl_process_executor_terminate (FL_PROCESS_EXECUTOR (fl_run_get_executor (run)));
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_COMPUTE_PAGE);

  G_OBJECT_CLASS (fl_compute_page_parent_class)->dispose (object);
}

/* When the Python version has ended, its three measured runs join the speed-up chart. */
static void
python_changed_cb (FlComputePage *self,
                   gpointer       unused)
{
  FlPythonRun *python = fl_page_get_python (FL_PAGE (self));
  GtkTextBuffer *output = fl_page_get_python_output (FL_PAGE (self));
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  double sequential, threads, processes;

  if (python == NULL || output == NULL
      || g_object_get_data (G_OBJECT (python), "fl-compute-counted") != NULL)
    return;
  /* The status line says what the page shows meanwhile: the Mandelbrot image is the C
   * runs'; CPython's runs are on the timeline, then on the chart. */
  if (fl_python_run_is_running (python))
    {
      if (g_object_get_data (G_OBJECT (python), "fl-compute-told") == NULL)
        {
          g_object_set_data (G_OBJECT (python), "fl-compute-told", GINT_TO_POINTER (TRUE));
          set_status (self, _("CPython is running compute.py: the same jobs sequentially, "
                              "on a thread pool, then on a process pool (the timeline shows "
                              "its futures; the image is drawn by this page's own runs)…"));
        }
      return;
    }
  g_object_set_data (G_OBJECT (python), "fl-compute-counted", GINT_TO_POINTER (TRUE));
  gtk_text_buffer_get_bounds (output, &start, &end);
  text = gtk_text_buffer_get_text (output, &start, &end, FALSE);
  if (fl_compute_python_add_runs (self->chart, text, self->python_workers)
      && fl_compute_python_parse_timings (text, &sequential, &threads, &processes))
    {
      g_autofree char *status = NULL;

      /* TRANSLATORS: after the Compute page's Python run: CPython's own times, its
       * speed-ups against its sequential time, as on the chart */
      status = g_strdup_printf (_("CPython: sequential %.2f s; threads ×%.2f (one interpreter "
                                  "lock); processes ×%.2f on %u workers. The chart has the "
                                  "three runs beside the C ones."),
                                sequential, sequential / threads, sequential / processes,
                                self->python_workers);
      set_status (self, status);
    }
  else
    set_status (self, _("The Python version did not print its three times: see its output "
                        "on the Source tab."));
}

/* The Python version: the same number of workers, for CPython's threads and processes. */
static gboolean
fl_compute_page_python_args (FlPage     *page,
                             GPtrArray  *argv,
                             GError    **error)
{
  FlComputePage *self = FL_COMPUTE_PAGE (page);

  self->python_workers = gtk_spin_button_get_value_as_int (self->workers_spin);
  g_ptr_array_add (argv, g_strdup_printf ("--workers=%u", self->python_workers));
  return TRUE;
}

static void
fl_compute_page_class_init (FlComputePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_compute_page_dispose;
  page_class->start_run = fl_compute_page_start_run;
  page_class->cancel_run = fl_compute_page_cancel_run;
  page_class->get_modes = fl_compute_page_get_modes;
  page_class->python_args = fl_compute_page_python_args;

  tile_quark = g_quark_from_static_string ("fl-compute-tile");
  serial_quark = g_quark_from_static_string ("fl-compute-serial");
  fl_compute_register_jobs ();

  g_type_ensure (FL_TYPE_TIMELINE);
  g_type_ensure (FL_TYPE_FUTURES_LIST);
  g_type_ensure (FL_TYPE_MANDELBROT_VIEW);
  g_type_ensure (FL_TYPE_SPEEDUP_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-compute-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, FlComputePage, name)
  BIND (stack);
  BIND (jobs_spin);
  BIND (size_spin);
  BIND (workers_spin);
  BIND (strict_check);
  BIND (tint_check);
  BIND (status_label);
  BIND (image);
  BIND (pool_label);
  BIND (events_list);
  BIND (chart);
  BIND (timeline);
  BIND (futures_list);
#undef BIND

  gtk_widget_class_install_action (widget_class, "compute.kill-worker", NULL,
                                   kill_worker_action);
}

static void
ensure_css (void)
{
  static gboolean done;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (done || gdk_display_get_default () == NULL)
    return;
  done = TRUE;
  /* The two mode colours this page adds to the shared style sheet's (Okabe–Ito). */
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
                                   ".mode-gil { background-color: #56B4E9; color: black; }\n"
                                   ".mode-processes { background-color: #CC79A7; color: black; }\n"
                                   ".pool-events row { font-size: 1.05em; }\n", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
fl_compute_page_init (FlComputePage *self)
{
  ensure_css ();
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_page_bind_views (FL_PAGE (self), self->timeline, self->futures_list);

  gtk_spin_button_set_value (self->workers_spin, g_get_num_processors ());
  fl_settings_follow (self->workers_spin, "default-workers");
  g_signal_connect (self->tint_check, "toggled", G_CALLBACK (tint_toggled_cb), self);
  g_signal_connect (self, "python-changed", G_CALLBACK (python_changed_cb), NULL);
  self->status = g_strdup (gtk_label_get_text (self->status_label));
  g_signal_connect (self, "notify::cursor", G_CALLBACK (cursor_cb), NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compute.kill-worker", FALSE);
  fl_prediction_insert_after (fl_question_compute_new (FL_PAGE (self)),
                              GTK_WIDGET (self->status_label));

  gtk_stack_add_titled (self->stack, fl_source_view_new ("fl-compute-page.c"), "source",
                        _("Source"));
}

/**
 * fl_compute_page_set_workload:
 *
 * Sets the controls: jobs (tiles), image side, workers.
 */
void
fl_compute_page_set_workload (FlComputePage *self,
                              guint          jobs,
                              guint          size,
                              guint          workers)
{
  g_return_if_fail (FL_IS_COMPUTE_PAGE (self));

  gtk_spin_button_set_value (self->jobs_spin, jobs);
  gtk_spin_button_set_value (self->size_spin, size);
  gtk_spin_button_set_value (self->workers_spin, workers);
}

void
fl_compute_page_set_strict (FlComputePage *self,
                            gboolean       strict)
{
  g_return_if_fail (FL_IS_COMPUTE_PAGE (self));

  gtk_check_button_set_active (self->strict_check, strict);
}

guint
fl_compute_page_get_n_tiles (FlComputePage *self)
{
  return fl_mandelbrot_view_get_n_tiles (self->image);
}

guint
fl_compute_page_get_n_painted (FlComputePage *self)
{
  return fl_mandelbrot_view_get_n_painted (self->image);
}

guint
fl_compute_page_get_n_restarts (FlComputePage *self)
{
  return self->n_restarts;
}

guint
fl_compute_page_get_n_kills (FlComputePage *self)
{
  return self->n_kills;
}

gboolean
fl_compute_page_get_pool_broken (FlComputePage *self)
{
  return self->pool_broken;
}

guint
fl_compute_page_get_n_chart_runs (FlComputePage *self)
{
  return fl_speedup_chart_get_n_runs (self->chart);
}

double
fl_compute_page_get_speedup (FlComputePage *self,
                             guint          index)
{
  return fl_speedup_chart_get_speedup (self->chart, index);
}

const char *
fl_compute_page_get_status (FlComputePage *self)
{
  return gtk_label_get_text (self->status_label);
}
