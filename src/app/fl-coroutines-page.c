/* fl-coroutines-page.c: concurrency on one thread: async jobs on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every task here is an async job run by an FlLoopExecutor: the asyncio event loop is the
 * GLib main loop, and the executor's concurrency limit plays asyncio.Semaphore. The page
 * starts N tasks and then awaits them one of three ways, each a combinator of the engine:
 *  - gather: fl_gather_async(), results in submission order whatever order they end in;
 *  - wait FIRST_COMPLETED: fl_wait_async() returns as soon as one is done;
 *  - wait_for: fl_wait_async() with a timeout, then fl_future_request_cancel() on what
 *    is not done, as asyncio.wait_for() cancels on timeout.
 * The fourth button puts one job without an async form (spin: a busy CPU loop) among the
 * tasks. The loop executor can only call it right there on the loop, which then runs
 * nothing else: every timer is late, the window is frozen, the jank meter goes red.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "fl-coroutines-page.h"
#include "fl-futures-list.h"
#include "fl-source-view.h"
#include "fl-timeline.h"
#include "futures-lab-tasks.h"

#define CLOCK_INTERVAL_US (100 * 1000)

struct _FlCoroutinesPage
{
  FlPage          parent_instance;

  /* template */
  GtkStack       *stack;
  GtkDropDown    *kind_dropdown;
  GtkSpinButton  *n_spin;
  GtkSpinButton  *limit_spin;
  GtkSpinButton  *timeout_spin;
  GtkSpinButton  *blocking_spin;
  GtkLabel       *status_label;
  GtkLabel       *clock_label;
  GtkLabel       *outcome_label;
  GtkLabel       *proof_label;
  GtkFlowBox     *cards;
  FlTimeline     *timeline;
  FlFuturesList  *futures_list;

  /* owned */
  GPtrArray      *futures;         /* FlFuture, the tasks of the current run */
  GPtrArray      *results;         /* GVariant, gather's results */
  GHashTable     *card_of;         /* FlFuture -> GtkWidget (borrowed from the flow box) */
  char           *mode;
  char           *outcome;
  char           *output_dir;
  guint           clock_tick;
  gint64          clock_shown;
  guint           n_first_done;
  guint           max_in_flight;
  gboolean        done;
};

static const char * const modes[] = { "gather", "first-completed", "wait-for", "blocking",
                                      NULL };

G_DEFINE_FINAL_TYPE (FlCoroutinesPage, fl_coroutines_page, FL_TYPE_PAGE)

static const char *
mode_title (const char *mode)
{
  if (g_str_equal (mode, "gather"))
    return _("gather()");
  if (g_str_equal (mode, "first-completed"))
    return _("wait(FIRST_COMPLETED)");
  if (g_str_equal (mode, "wait-for"))
    return _("wait_for(timeout)");
  return _("A blocking call inside a coroutine");
}

static double
since_start (FlCoroutinesPage *self,
             gint64            time_us)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  /* In real units, as the spans: a slowed run's +2 s is +2 s, not +20 s. */
  return run != NULL ? (time_us - fl_run_get_start_time (run)) * fl_run_get_time_scale (run)
                       / (double) G_USEC_PER_SEC
                     : 0;
}

/* ---------------------------------------------------------------- the tasks */

typedef struct
{
  char     *job;
  GVariant *args;
  char     *label;
} Task;

static void
task_clear (Task *task)
{
  g_free (task->job);
  g_clear_pointer (&task->args, g_variant_unref);
  g_free (task->label);
}

/* Durations spread from 0.25 s to 2 s in a shuffled order, so completion order differs
 * from submission order. */
static guint
task_ms (guint i)
{
  return 250 * (1 + (i * 5 + 3) % 8);
}

static gboolean
make_task (FlCoroutinesPage  *self,
           guint              i,
           GStrv              codes,
           const char        *base,
           Task              *task,
           GError           **error)
{
  switch (gtk_drop_down_get_selected (self->kind_dropdown))
    {
    case FL_COROUTINES_LOITER:
      {
        guint n = (i * 3 + 1) % 5;

        task->job = g_strdup ("loiter");
        task->args = g_variant_ref_sink (g_variant_new ("(uu)", n, 500));
        task->label = g_strdup_printf ("loiter(%u)", n);
      }
      return TRUE;
    case FL_COROUTINES_DOWNLOAD:
      {
        const char *cc = codes[i % g_strv_length (codes)];

        task->job = g_strdup (FL_DOWNLOAD_JOB);
        task->args = g_variant_ref_sink (fl_download_args_new (cc, base, self->output_dir,
                                                               FL_DOWNLOAD_DEFAULT_TIMEOUT_MS,
                                                               gtk_spin_button_get_value_as_int (self->n_spin)));
        task->label = g_strdup_printf (_("download %s"), cc);
      }
      return TRUE;
    case FL_COROUTINES_SLEEP:
    default:
      task->job = g_strdup ("sleep");
      task->args = g_variant_ref_sink (g_variant_new ("(u)", task_ms (i)));
      task->label = g_strdup_printf ("sleep(%.2f)", task_ms (i) / 1000.0);
      return TRUE;
    }
}

/* The embedded server with a delay, so downloads overlap visibly; the Flags page sets its
 * own configuration before each of its runs. */
static char *
prepare_downloads (FlCoroutinesPage  *self,
                   GError           **error)
{
  FlFlagServer *server = fl_page_get_server (FL_PAGE (self));
  g_autoptr(FlFaultConfig) config = NULL;

  if (server == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("The embedded flag server is not running, so there is nothing to "
                             "download from; pick timers instead"));
      return NULL;
    }
  if (g_mkdir_with_parents (self->output_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot create %s: %s"),
                   self->output_dir, g_strerror (saved));
      return NULL;
    }
  config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  config->delay_min_ms = 250;
  config->delay_max_ms = 2000;
  fl_flag_server_set_fault_config (server, config);
  fl_download_session_prepare (MAX (1, gtk_spin_button_get_value_as_int (self->limit_spin)));
  return fl_flag_server_dup_base_url (server);
}

/* ---------------------------------------------------------------- cards */

static GtkWidget *
make_card (guint       i,
           const char *label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *title = g_strdup_printf ("#%u", i + 1);
  GtkWidget *number = gtk_label_new (title);
  GtkWidget *what = gtk_label_new (label);
  GtkWidget *state = gtk_label_new (_("pending"));
  GtkWidget *badge = gtk_label_new ("");

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "task-card");
  gtk_widget_add_css_class (number, "heading");
  gtk_widget_add_css_class (state, "dim-label");
  gtk_widget_add_css_class (badge, "task-badge");
  gtk_widget_set_visible (badge, FALSE);
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), what);
  gtk_box_append (GTK_BOX (box), state);
  gtk_box_append (GTK_BOX (box), badge);
  return box;
}

static char *
describe_value (FlCoroutinesPage *self,
                FlFuture         *future)
{
  GVariant *value = fl_future_peek_result (future);
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  if (value == NULL)
    return g_strdup ("");
  if (g_str_equal (fl_future_get_job_name (future), FL_DOWNLOAD_JOB))
    return g_strdup (fl_download_status_to_string (fl_download_status_from_future (future)));
  /* A sleep returns the milliseconds it slept: in slow motion, 1/scale as many. */
  if (g_str_equal (fl_future_get_job_name (future), "sleep") && run != NULL
      && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", (guint) (g_variant_get_uint32 (value)
                                           * fl_run_get_time_scale (run) + 0.5));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return g_strdup_printf ("%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
  return g_variant_print (value, FALSE);
}

static GtkWidget *
card_state_label (GtkWidget *card)
{
  return gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (gtk_widget_get_first_child (card)));
}

/* notify::state, delivered by the engine's dispatcher on the main loop: a task that is
 * awaiting its timer or its download shows as running. */
static void
task_state_cb (FlFuture         *future,
               GParamSpec       *pspec,
               FlCoroutinesPage *self)
{
  GtkWidget *card = self->card_of != NULL ? g_hash_table_lookup (self->card_of, future) : NULL;
  FlFutureState state;

  g_object_get (future, "state", &state, NULL);
  if (card == NULL || state != FL_FUTURE_RUNNING)
    return;
  gtk_label_set_text (GTK_LABEL (card_state_label (card)), _("running…"));
  gtk_widget_add_css_class (card, "running");
}

/* Through the engine's dispatcher, in a batch with every other task that ended meanwhile. */
static void
task_done_cb (FlFuture *future,
              gpointer  user_data)
{
  FlCoroutinesPage *self = user_data;
  /* After dispose (the window closed with tasks still running) there is nothing to show. */
  GtkWidget *card = self->card_of != NULL ? g_hash_table_lookup (self->card_of, future) : NULL;
  GtkWidget *state, *badge;
  gboolean on_loop = fl_future_get_lane_kind (future) == FL_LANE_MAIN_LOOP;
  g_autofree char *text = NULL;
  FlFutureState s = fl_future_get_state (future);

  if (card == NULL)
    return;
  state = card_state_label (card);
  badge = gtk_widget_get_next_sibling (state);
  if (s == FL_FUTURE_FINISHED)
    {
      g_autofree char *value = describe_value (self, future);

      text = g_strdup_printf (_("→ %s at +%.2f s"), value,
                              since_start (self, fl_future_get_finished_time (future)));
    }
  else
    /* TRANSLATORS: a task card's end; %.2f is seconds since the run started */
    text = g_strdup_printf (s == FL_FUTURE_CANCELLED ? _("cancelled at +%.2f s")
                                                     : _("failed at +%.2f s"),
                            since_start (self, fl_future_get_finished_time (future)));
  gtk_label_set_text (GTK_LABEL (state), text);
  gtk_widget_remove_css_class (state, "dim-label");
  gtk_widget_remove_css_class (card, "running");
  gtk_widget_add_css_class (card, fl_future_state_to_string (s));
  if (fl_future_get_lane_kind (future) != FL_LANE_NONE)
    {
      gtk_label_set_text (GTK_LABEL (badge), on_loop ? _("main thread") : _("another thread"));
      gtk_widget_add_css_class (badge, on_loop ? "on-loop" : "off-loop");
      gtk_widget_set_visible (badge, TRUE);
    }
}

/* ---------------------------------------------------------------- the proof */

static gint
compare_events (gconstpointer a,
                gconstpointer b)
{
  const gint64 *x = a, *y = b;

  /* (time, +1 start / -1 finish): at the same instant a finish comes first. */
  if (x[0] != y[0])
    return x[0] < y[0] ? -1 : 1;
  return (int) (x[1] - y[1]);
}

/* How many tasks were RUNNING at once, from their start and finish times. */
static guint
max_in_flight (GPtrArray *futures)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, 2 * sizeof (gint64));
  guint best = 0;
  int now = 0;

  for (guint i = 0; i < futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (futures, i);
      gint64 start[2] = { fl_future_get_started_time (future), 1 };
      gint64 end[2] = { fl_future_get_finished_time (future), -1 };

      if (start[0] == 0 || fl_future_get_lane_kind (future) == FL_LANE_NONE)
        continue;
      g_array_append_val (events, start);
      g_array_append_val (events, end);
    }
  g_array_sort (events, compare_events);
  for (guint i = 0; i < events->len; i++)
    {
      now += (int) ((gint64 *) events->data)[2 * i + 1];
      best = MAX (best, (guint) MAX (now, 0));
    }
  return best;
}

/* The longest the main loop was late during the current run, from the app's loop monitor
 * (its sample for a stall is taken by the first tick after it). */
static gint64
worst_stall (FlCoroutinesPage *self)
{
  FlLoopMonitor *monitor = fl_page_get_monitor (FL_PAGE (self));
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  g_autoptr(GArray) samples = NULL;
  gint64 worst = 0;

  if (monitor == NULL || run == NULL)
    return 0;
  samples = fl_loop_monitor_get_samples (monitor, fl_run_get_start_time (run));
  for (guint i = 0; i < samples->len; i++)
    worst = MAX (worst, g_array_index (samples, FlLoopSample, i).lateness_us);
  return worst;
}

static void
show_proof (FlCoroutinesPage *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  guint n_loop = 0, n_ran = 0;
  guint limit = gtk_spin_button_get_value_as_int (self->limit_spin);
  g_autofree char *limit_text = NULL;
  g_autofree char *text = NULL;
  g_autofree char *stall = NULL;
  gint64 worst = worst_stall (self);

  for (guint i = 0; i < self->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (self->futures, i);

      if (fl_future_get_lane_kind (future) == FL_LANE_NONE)
        continue;
      n_ran++;
      if (fl_future_get_lane_kind (future) == FL_LANE_MAIN_LOOP)
        n_loop++;
    }
  self->max_in_flight = max_in_flight (self->futures);
  limit_text = limit > 0 ? g_strdup_printf (_("the semaphore allows %u"), limit)
                         : g_strdup (_("no limit set"));
  if (worst >= FL_LOOP_MONITOR_STALL_US)
    stall = g_strdup_printf (_(" The main loop stalled for %.2f s: see the jank meter."),
                             worst / 1e6);
  text = g_strdup_printf (_("%u of %u tasks ran, %u of them on the main loop — one thread for "
                            "all. At most %u were in flight at once (%s). %.2f s in all.%s"),
                          n_ran, self->futures->len, n_loop, self->max_in_flight, limit_text,
                          run != NULL ? fl_run_get_elapsed (run) : 0.0,
                          stall != NULL ? stall : "");
  gtk_label_set_text (self->proof_label, text);
}

/* ---------------------------------------------------------------- the clock */

/* The live clock proves the loop is alive; with the time cursor set, the counts beside it
 * are those of that instant (said as such), and once the run has ended they stay shown
 * alone until the cursor is cleared. */
static void
show_clock (FlCoroutinesPage *self,
            gint64            now)
{
  FlPage *page = FL_PAGE (self);
  FlRun *run = fl_page_get_run (page);
  gboolean live = run != NULL && !fl_run_is_complete (run);
  g_autofree char *text = NULL;

  if (fl_page_get_cursor (page) >= 0 && fl_page_get_spans (page) != NULL)
    {
      FlTally tally;
      g_autofree char *counts = NULL;
      g_autofree char *at = NULL;

      fl_page_get_tally (page, &tally);
      counts = fl_tally_format (&tally);
      at = fl_page_at_cursor (page, counts);
      /* TRANSLATORS: the live clock of a run with the time cursor set: seconds since the
       * run started, then the counts at the cursor ("at +1.20 s: 2 queued · …") */
      text = live ? g_strdup_printf (_("The loop is alive: +%.1f s · %s"),
                                     since_start (self, now), at)
                  : g_strdup (at);
    }
  else if (live)
    text = g_strdup_printf (_("The loop is alive: +%.1f s · %u of %u done"),
                            since_start (self, now), fl_run_get_n_done (run),
                            fl_run_get_n_total (run));
  gtk_label_set_text (self->clock_label, text != NULL ? text : "");
}

static gboolean
clock_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  FlCoroutinesPage *self = FL_COROUTINES_PAGE (widget);
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  gint64 now = g_get_monotonic_time ();

  if (run == NULL || fl_run_is_complete (run))
    {
      self->clock_tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (now - self->clock_shown < CLOCK_INTERVAL_US)
    return G_SOURCE_CONTINUE;
  self->clock_shown = now;
  show_clock (self, now);
  return G_SOURCE_CONTINUE;
}

static void
cursor_cb (FlCoroutinesPage *self,
           GParamSpec       *pspec,
           gpointer          user_data)
{
  show_clock (self, g_get_monotonic_time ());
}

/* ---------------------------------------------------------------- awaiting */

static void
finish (FlCoroutinesPage *self,
        const char       *outcome)
{
  g_free (self->outcome);
  self->outcome = g_strdup (outcome);
  gtk_label_set_text (self->outcome_label, outcome);
}

static GString *
completion_order (FlCoroutinesPage *self)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (self->futures->len);  /* borrowed */
  GString *order = g_string_new (NULL);

  for (guint i = 0; i < self->futures->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (self->futures, i));

  for (guint i = 1; i < sorted->len; i++)
    for (guint j = i; j > 0; j--)
      {
        FlFuture *a = g_ptr_array_index (sorted, j - 1), *b = g_ptr_array_index (sorted, j);

        if (fl_future_get_finished_time (a) <= fl_future_get_finished_time (b))
          break;
        sorted->pdata[j - 1] = b;
        sorted->pdata[j] = a;
      }
  for (guint i = 0; i < sorted->len; i++)
    {
      guint index = 0;

      g_ptr_array_find (self->futures, g_ptr_array_index (sorted, i), &index);
      g_string_append_printf (order, "%s#%u", i > 0 ? ", " : "", index + 1);
    }
  return order;
}

/* What a combinator's callback needs to know whether its run is still the page's: a new
 * run or Cancel cancels the old run's futures, which ends its await soon after; that late
 * answer is ignored. (No GCancellable is handed to the combinators for this.) */
typedef struct
{
  FlCoroutinesPage *self;
  FlRun            *run;
} Await;

static Await *
await_new (FlCoroutinesPage *self,
           FlRun            *run)
{
  Await *await = g_new0 (Await, 1);

  await->self = g_object_ref (self);
  await->run = g_object_ref (run);
  return await;
}

static void
await_free (Await *await)
{
  g_object_unref (await->self);
  g_object_unref (await->run);
  g_free (await);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Await, await_free)

static gboolean
await_is_current (Await *await)
{
  return await->run == fl_page_get_run (FL_PAGE (await->self))
         && !fl_run_was_cancelled (await->run);
}

static void
gathered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Await) await = user_data;
  FlCoroutinesPage *self = await->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = fl_gather_finish (result, &error);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) order = NULL;
  g_autofree char *text = NULL;

  if (!await_is_current (await))
    return;
  order = completion_order (self);
  if (results == NULL)
    text = g_strdup_printf (_("gather() raised: %s"), error->message);
  else
    {
      for (guint i = 0; i < results->len; i++)
        {
          GVariant *value = g_ptr_array_index (results, i);
          g_autofree char *text_i = NULL;

          /* Numbers as they are (a slowed sleep's in real units); a download's dictionary
           * as its status. */
          if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32) && i >= self->futures->len)
            text_i = g_strdup_printf ("%u", g_variant_get_uint32 (value));
          else
            text_i = describe_value (self, g_ptr_array_index (self->futures, i));
          g_string_append_printf (values, "%s%s", i > 0 ? ", " : "", text_i);
        }
      text = g_strdup_printf (_("gather() → [%s]\nIn submission order (#1, #2, …), although "
                                "they ended in the order %s."), values->str, order->str);
      g_clear_pointer (&self->results, g_ptr_array_unref);
      self->results = g_ptr_array_ref (results);
    }
  finish (self, text);
}

static void
waited_first_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Await) await = user_data;
  FlCoroutinesPage *self = await->self;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) not_done = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *text = NULL;

  if (!fl_wait_finish (result, &done, &not_done, NULL) || !await_is_current (await))
    return;
  for (guint i = 0; i < done->len; i++)
    {
      guint index = 0;
      GtkWidget *card;

      g_ptr_array_find (self->futures, g_ptr_array_index (done, i), &index);
      g_string_append_printf (names, "%s#%u", i > 0 ? ", " : "", index + 1);
      card = g_hash_table_lookup (self->card_of, g_ptr_array_index (done, i));
      if (card != NULL)
        gtk_widget_add_css_class (card, "first");
    }
  self->n_first_done = done->len;
  text = g_strdup_printf (_("wait(FIRST_COMPLETED) returned at +%.2f s with done = {%s} and %u "
                            "pending. Nothing cancels the pending ones: they go on and end on "
                            "their own."), since_start (self, g_get_monotonic_time ()),
                          names->str, not_done->len);
  finish (self, text);
}

static void
waited_for_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Await) await = user_data;
  FlCoroutinesPage *self = await->self;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) not_done = NULL;
  g_autofree char *text = NULL;
  double timeout = gtk_spin_button_get_value (self->timeout_spin);

  if (!fl_wait_finish (result, &done, &not_done, NULL) || !await_is_current (await))
    return;
  /* The time is up: what is not done gets cancelled, as asyncio.wait_for() does. */
  for (guint i = 0; i < not_done->len; i++)
    fl_future_request_cancel (g_ptr_array_index (not_done, i));
  if (not_done->len == 0)
    text = g_strdup_printf (_("wait_for(timeout=%.1f s): all %u tasks were done in time; "
                              "nothing to cancel."), timeout, done->len);
  else
    text = g_strdup_printf (_("wait_for(timeout=%.1f s): %u done in time; the time ran out, "
                              "so the other %u were cancelled (their timers stopped, their "
                              "requests dropped)."), timeout, done->len, not_done->len);
  finish (self, text);
}

static void
run_completed_cb (FlRun            *run,
                  FlCoroutinesPage *self)
{
  if (run != fl_page_get_run (FL_PAGE (self)))
    return;
  self->done = TRUE;
  show_proof (self);
  if (g_str_equal (self->mode, "blocking") && self->outcome == NULL)
    {
      g_autofree char *text = NULL;
      gint64 worst = 0;

      /* How late the timers were: a sleep task that was waiting on its timer during the
       * stall took its time plus the stall. */
      for (guint i = 0; i < self->futures->len; i++)
        {
          FlFuture *future = g_ptr_array_index (self->futures, i);

          if (g_str_equal (fl_future_get_job_name (future), "sleep")
              && fl_future_get_state (future) == FL_FUTURE_FINISHED)
            worst = MAX (worst, fl_future_get_finished_time (future)
                                - fl_future_get_started_time (future)
                                - (gint64) g_variant_get_uint32 (fl_future_peek_result (future)) * 1000);
        }
      text = g_strdup_printf (_("The spin job has no async form, so the loop executor called it "
                                "right there on the main loop. For %.1f s nothing else ran: no "
                                "timer fired (a task ended up to %.2f s late), no redraw, no "
                                "input — the clock above froze and the jank meter shows a %.2f s "
                                "stall. In asyncio, that is time.sleep() inside a coroutine; "
                                "use await asyncio.sleep() or run_in_executor()."),
                              gtk_spin_button_get_value (self->blocking_spin), worst / 1e6,
                              worst_stall (self) / 1e6);
      finish (self, text);
    }
  gtk_label_set_text (self->status_label, _("Done."));
  show_clock (self, g_get_monotonic_time ());   /* "", or the counts at the cursor */
}

/* ---------------------------------------------------------------- starting */

static gboolean
fl_coroutines_page_start_run (FlPage      *page,
                              const char  *mode,
                              GError     **error)
{
  FlCoroutinesPage *self = FL_COROUTINES_PAGE (page);
  guint n = gtk_spin_button_get_value_as_int (self->n_spin);
  guint limit = gtk_spin_button_get_value_as_int (self->limit_spin);
  gboolean blocking = g_str_equal (mode, "blocking");
  g_auto(GStrv) codes = fl_countries_list_populous ();
  g_autofree char *base = NULL;
  g_autofree char *status = NULL;
  g_autoptr(FlRun) run = NULL;
  GtkWidget *child;

  if (gtk_drop_down_get_selected (self->kind_dropdown) == FL_COROUTINES_DOWNLOAD)
    {
      base = prepare_downloads (self, error);
      if (base == NULL)
        return FALSE;
    }

  run = fl_run_new (mode, mode_title (mode), fl_loop_executor_new (NULL, limit));
  fl_page_set_run (page, run);
  g_signal_connect_object (run, "completed", G_CALLBACK (run_completed_cb), self, 0);

  g_free (self->mode);
  self->mode = g_strdup (mode);
  g_clear_pointer (&self->outcome, g_free);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_ptr_array_set_size (self->futures, 0);
  g_hash_table_remove_all (self->card_of);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards))) != NULL)
    gtk_flow_box_remove (self->cards, child);
  self->n_first_done = 0;
  self->max_in_flight = 0;
  self->done = FALSE;

  for (guint i = 0; i < n + (blocking ? 1 : 0); i++)
    {
      Task task = { 0 };
      GtkWidget *card;
      FlFuture *future;

      /* The blocking call goes in second, so the first task is already waiting on its
       * timer when the loop stops. */
      if (blocking && i == 1)
        {
          guint64 us = (guint64) (gtk_spin_button_get_value (self->blocking_spin) * G_USEC_PER_SEC);

          task.job = g_strdup ("spin");
          task.args = g_variant_ref_sink (g_variant_new ("(t)", us));
          task.label = g_strdup_printf (_("spin(%.1f s), blocking"), us / 1e6);
        }
      else if (!make_task (self, blocking && i > 1 ? i - 1 : i, codes, base, &task, error))
        {
          fl_run_commit (run);
          fl_run_cancel (run);
          return FALSE;
        }
      future = fl_run_submit (run, task.job, task.args, task.label, error);
      card = future != NULL ? make_card (i, task.label) : NULL;
      task_clear (&task);
      if (future == NULL)
        {
          fl_run_commit (run);
          fl_run_cancel (run);
          return FALSE;
        }
      g_ptr_array_add (self->futures, g_object_ref (future));
      gtk_flow_box_append (self->cards, card);
      g_hash_table_insert (self->card_of, future, card);
      g_signal_connect_object (future, "notify::state", G_CALLBACK (task_state_cb), self, 0);
      fl_future_add_done_callback (future, task_done_cb, g_object_ref (self), g_object_unref);
    }
  fl_run_commit (run);


  if (g_str_equal (mode, "gather"))
    fl_gather_async ((FlFuture **) self->futures->pdata, self->futures->len, NULL,
                     gathered_cb, await_new (self, run));
  else if (g_str_equal (mode, "first-completed"))
    fl_wait_async ((FlFuture **) self->futures->pdata, self->futures->len,
                   FL_WAIT_FIRST_COMPLETED, FL_TIMEOUT_INFINITE, NULL,
                   waited_first_cb, await_new (self, run));
  else if (g_str_equal (mode, "wait-for"))
    fl_wait_async ((FlFuture **) self->futures->pdata, self->futures->len,
                   FL_WAIT_ALL_COMPLETED,
                   /* The timeout is in real units: a slowed run waits as much longer. */
                   (gint64) (gtk_spin_button_get_value (self->timeout_spin) * G_USEC_PER_SEC
                             / fl_run_get_time_scale (run)),
                   NULL, waited_for_cb, await_new (self, run));

  status = g_strdup_printf (_("%s: %u tasks started on the main loop, %s."), mode_title (mode),
                            self->futures->len,
                            limit > 0 ? _("a few at a time (the semaphore)") : _("all at once"));
  gtk_label_set_text (self->status_label, status);
  gtk_label_set_text (self->outcome_label, blocking ? _("Watch the clock and the jank meter…")
                                                    : _("Awaiting…"));
  gtk_label_set_text (self->proof_label, "");
  self->clock_shown = 0;
  if (self->clock_tick == 0)
    self->clock_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), clock_tick_cb, NULL, NULL);
  return TRUE;
}

static void
fl_coroutines_page_cancel_run (FlPage *page)
{
  FlCoroutinesPage *self = FL_COROUTINES_PAGE (page);
  FlRun *run = fl_page_get_run (page);

  if (run != NULL && !fl_run_is_complete (run))
    {
      fl_run_cancel (run);
      finish (self, _("Cancelled: every task was asked to stop."));
    }
}

static const char * const *
fl_coroutines_page_get_modes (FlPage *page)
{
  return modes;
}

static void
fl_coroutines_page_dispose (GObject *object)
{
  FlCoroutinesPage *self = FL_COROUTINES_PAGE (object);

  if (self->clock_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->clock_tick);
  self->clock_tick = 0;
  g_clear_pointer (&self->card_of, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_COROUTINES_PAGE);

  G_OBJECT_CLASS (fl_coroutines_page_parent_class)->dispose (object);
}

static void
fl_coroutines_page_finalize (GObject *object)
{
  FlCoroutinesPage *self = FL_COROUTINES_PAGE (object);

  g_ptr_array_unref (self->futures);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_free (self->mode);
  g_free (self->outcome);
  g_free (self->output_dir);

  G_OBJECT_CLASS (fl_coroutines_page_parent_class)->finalize (object);
}

static const char page_css[] =
  ".task-card { padding: 8px 12px; min-width: 118px; border-left: 6px solid alpha(#999999, 0.5); }\n"
  ".task-card.running { border-left-color: #56B4E9; }\n"
  ".task-card.finished { border-left-color: #009E73; }\n"
  ".task-card.failed { border-left-color: #D55E00; }\n"
  ".task-card.cancelled { border-left-color: #CC79A7; }\n"
  ".task-card.first { background-color: alpha(#F0E442, 0.45); }\n"
  ".task-badge { padding: 1px 8px; border-radius: 999px; font-size: 0.9em; font-weight: bold; }\n"
  ".task-badge.on-loop { background-color: #56B4E9; color: black; }\n"
  ".task-badge.off-loop { background-color: #D55E00; color: white; }\n"
  ".loop-clock { font-size: 1.3em; font-weight: bold; font-feature-settings: \"tnum\"; }\n";

static void
fl_coroutines_page_realize (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);

  GTK_WIDGET_CLASS (fl_coroutines_page_parent_class)->realize (widget);
  if (g_object_get_data (G_OBJECT (display), "fl-coroutines-css") == NULL)
    {
      GtkCssProvider *provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, page_css, -1);
      gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_set_data_full (G_OBJECT (display), "fl-coroutines-css", provider, g_object_unref);
    }
}

static void
fl_coroutines_page_class_init (FlCoroutinesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_coroutines_page_dispose;
  object_class->finalize = fl_coroutines_page_finalize;
  widget_class->realize = fl_coroutines_page_realize;
  page_class->start_run = fl_coroutines_page_start_run;
  page_class->cancel_run = fl_coroutines_page_cancel_run;
  page_class->get_modes = fl_coroutines_page_get_modes;

  fl_lessons_register_jobs ();
  fl_download_register_job ();
  g_type_ensure (FL_TYPE_TIMELINE);
  g_type_ensure (FL_TYPE_FUTURES_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-coroutines-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, n_spin);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, limit_spin);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, blocking_spin);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, clock_label);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, proof_label);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, cards);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, FlCoroutinesPage, futures_list);
}

static void
fl_coroutines_page_init (FlCoroutinesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_page_bind_views (FL_PAGE (self), self->timeline, self->futures_list);
  g_signal_connect (self, "notify::cursor", G_CALLBACK (cursor_cb), NULL);

  self->futures = g_ptr_array_new_with_free_func (g_object_unref);
  self->card_of = g_hash_table_new (NULL, NULL);
  self->output_dir = g_build_filename (g_get_user_cache_dir (), "futures-lab", "coroutines",
                                       NULL);
  gtk_stack_add_titled (self->stack, fl_source_view_new ("fl-coroutines-page.c"), "source",
                        _("Source"));
}

/**
 * fl_coroutines_page_set_tasks:
 *
 * Sets the controls: which tasks, how many, the semaphore (0: none), the wait_for timeout
 * and how long the blocking call blocks.
 */
void
fl_coroutines_page_set_tasks (FlCoroutinesPage *self,
                              FlCoroutinesKind  kind,
                              guint             n_tasks,
                              guint             limit,
                              double            timeout_seconds,
                              double            blocking_seconds)
{
  g_return_if_fail (FL_IS_COROUTINES_PAGE (self));

  gtk_drop_down_set_selected (self->kind_dropdown, kind);
  gtk_spin_button_set_value (self->n_spin, n_tasks);
  gtk_spin_button_set_value (self->limit_spin, limit);
  gtk_spin_button_set_value (self->timeout_spin, timeout_seconds);
  gtk_spin_button_set_value (self->blocking_spin, blocking_seconds);
}

gboolean
fl_coroutines_page_is_done (FlCoroutinesPage *self)
{
  g_return_val_if_fail (FL_IS_COROUTINES_PAGE (self), FALSE);
  return self->done && (self->outcome != NULL || g_strcmp0 (self->mode, "blocking") == 0);
}

const char *
fl_coroutines_page_get_outcome (FlCoroutinesPage *self)
{
  g_return_val_if_fail (FL_IS_COROUTINES_PAGE (self), NULL);
  return self->outcome;
}

/**
 * fl_coroutines_page_get_results:
 *
 * Returns: (transfer none) (nullable) (element-type GVariant): gather's results, in
 *   submission order
 */
GPtrArray *
fl_coroutines_page_get_results (FlCoroutinesPage *self)
{
  g_return_val_if_fail (FL_IS_COROUTINES_PAGE (self), NULL);
  return self->results;
}

guint
fl_coroutines_page_get_max_in_flight (FlCoroutinesPage *self)
{
  g_return_val_if_fail (FL_IS_COROUTINES_PAGE (self), 0);
  return self->max_in_flight;
}

guint
fl_coroutines_page_get_n_first_done (FlCoroutinesPage *self)
{
  g_return_val_if_fail (FL_IS_COROUTINES_PAGE (self), 0);
  return self->n_first_done;
}

/**
 * fl_coroutines_page_get_clock_text:
 *
 * Returns: what the clock line says (the loop is alive, and the counts: those at the time
 *   cursor while it is set)
 */
const char *
fl_coroutines_page_get_clock_text (FlCoroutinesPage *self)
{
  g_return_val_if_fail (FL_IS_COROUTINES_PAGE (self), NULL);
  return gtk_label_get_text (self->clock_label);
}
