/* fl-map-page.c: map vs as_completed, the loiter lesson
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Jobs loiter(n) do nothing for n units on a pool of threads. Two consumers, side by side,
 * each with its own pool of the same size and the same jobs:
 *  - executor.map(): fl_executor_map() submits every job, fl_map_iter_next_async() hands
 *    the results back in submission order, so the consumer waits on a slow early job even
 *    when later ones are done;
 *  - as_completed(): fl_as_completed_next_async() hands each future back as it completes.
 * The consumer's waits are recorded in each pane's trace as spans on the main-loop lane,
 * so the timeline shows when the consumer was blocked. The "Python" transcript is the
 * classic timestamped one, built from the futures' real transition times as they reach
 * the main loop (batched notify::state), and from the consumer's results.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-map-page.h"
#include "fl-prediction-questions.h"
#include "fl-source-view.h"
#include "fl-timeline.h"
#include "futures-lab-tasks.h"

/* Ids of the consumer's wait spans in a pane's trace: far above any future's id. */

typedef struct _Side Side;

struct _FlMapPage
{
  FlPage          parent_instance;

  /* template */
  GtkStack       *stack;
  GtkSpinButton  *jobs_spin;
  GtkSpinButton  *workers_spin;
  GtkSpinButton  *unit_spin;
  GtkDropDown    *order_dropdown;
  GtkLabel       *summary_label;
  GtkLabel       *map_status;
  GtkFlowBox     *map_results;
  FlTimeline     *map_timeline;
  GtkTextView    *map_text;
  GtkLabel       *ac_status;
  GtkFlowBox     *ac_results;
  FlTimeline     *ac_timeline;
  GtkTextView    *ac_text;

  /* owned */
  Side           *map;
  Side           *as_completed;
  gboolean        mirroring;     /* the page's cursor is being shown on ac_timeline */
  GtkTextBuffer  *map_buffer;    /* map_text's own buffer (the C run's transcript) */
  gboolean        python_shown;  /* the panes show the page's Python run, not the C run's */
};

struct _Side
{
  int             ref_count;
  FlMapPage      *page;          /* borrowed; NULL once the side is detached */
  gboolean        is_map;
  guint           unit_ms;
  FlExecutor     *executor;
  FlTrace        *trace;
  GPtrArray      *futures;       /* FlFuture, in submission order */
  FlMapIter      *map;
  FlAsCompleted  *as_completed;
  GCancellable   *cancellable;
  guint           next_index;
  gint64          origin;
  GArray         *lines;         /* Said, in time order */
  GString        *transcript;    /* the lines, rendered */
  GString        *order;
  FlLoiterTranscript *said;     /* the workers' transitions said so far */
  guint64         wait_id;
  gint64          wait_start;
  gint64          total_wait;
  gint64          first_wait;
  guint           n_results;
  gboolean        finished;
  char           *error;

  /* the pane's widgets, borrowed from the page */
  GtkLabel       *status;
  GtkFlowBox     *results;
  FlTimeline     *timeline;
  GtkTextView    *text;
};

static const char * const modes[] = { "both", "map", "as-completed", NULL };

G_DEFINE_FINAL_TYPE (FlMapPage, fl_map_page, FL_TYPE_PAGE)

/* Whether the side's pane shows it: it is the page's current run, and the page's Python run
 * is not the one shown. A side that is not shown still keeps its transcript and order. */
static gboolean
side_is_shown (Side *side)
{
  return side->page != NULL && !side->page->python_shown;
}

static Side *
side_ref (Side *side)
{
  side->ref_count++;
  return side;
}

static void
side_unref (Side *side)
{
  if (--side->ref_count > 0)
    return;
  for (guint i = 0; side->futures != NULL && i < side->futures->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (side->futures, i), side);
  g_clear_pointer (&side->map, fl_map_iter_free);
  g_clear_pointer (&side->as_completed, fl_as_completed_free);
  g_clear_pointer (&side->futures, g_ptr_array_unref);
  if (side->executor != NULL)
    fl_executor_shutdown (side->executor, FALSE, TRUE);
  g_clear_object (&side->executor);
  g_clear_object (&side->trace);
  g_clear_object (&side->cancellable);
  g_array_unref (side->lines);
  g_string_free (side->transcript, TRUE);
  g_string_free (side->order, TRUE);
  g_clear_pointer (&side->said, fl_loiter_transcript_free);
  g_free (side->error);
  g_free (side);
}

typedef struct
{
  gint64  time;
  char   *text;
  glong   chars;     /* of its rendered line, newline included: where the next one starts */
} Said;

static void
said_clear (gpointer data)
{
  g_free (((Said *) data)->text);
}

/* Adds a line where its time puts it: a worker's transition reaches the loop a little
 * after it happened, so it may belong before lines the consumer already said. */
static void
say (Side       *side,
     gint64      monotonic,
     const char *text)
{
  Said said = { monotonic, g_strdup (text), 0 };
  guint at = side->lines->len;

  while (at > 0 && g_array_index (side->lines, Said, at - 1).time > monotonic)
    at--;
  g_array_insert_val (side->lines, at, said);

  g_string_truncate (side->transcript, 0);
  for (guint i = 0; i < side->lines->len; i++)
    {
      Said *line = &g_array_index (side->lines, Said, i);

      g_autofree char *stamp = fl_loiter_stamp (line->time);
      gsize before = side->transcript->len;

      g_string_append_printf (side->transcript, "%s %s", stamp, line->text);
      g_string_append_c (side->transcript, '\n');
      line->chars = g_utf8_strlen (side->transcript->str + before,
                                   side->transcript->len - before);
    }
}

/* The page's time cursor is an instant of the spans its own timeline (the executor.map()
 * pane's) shows; with only the as_completed() pane run, of that pane's. */
static gint64
cursor_origin (FlMapPage *self)
{
  FlTrace *trace = fl_timeline_get_trace (self->map_timeline);

  if (trace == NULL)
    trace = fl_timeline_get_trace (self->ac_timeline);
  return trace != NULL ? fl_trace_get_origin (trace) : 0;
}

/* With the time cursor set, the lines printed by that instant are lit and the rest dimmed;
 * the lines are in time order, so those are the first ones. */
static void
mark_cursor (Side *side)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (side->text);
  gint64 cursor = fl_page_get_cursor (FL_PAGE (side->page));
  gint64 instant = cursor_origin (side->page) + cursor;
  GtkTextIter start, split, end;
  glong chars = 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "said-by-cursor", &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "after-cursor", &start, &end);
  if (cursor < 0)
    return;
  for (guint i = 0; i < side->lines->len; i++)
    {
      Said *line = &g_array_index (side->lines, Said, i);

      if (line->time > instant)
        break;
      chars += line->chars;
    }
  gtk_text_buffer_get_iter_at_offset (buffer, &split, (int) chars);
  gtk_text_buffer_apply_tag_by_name (buffer, "said-by-cursor", &start, &split);
  gtk_text_buffer_apply_tag_by_name (buffer, "after-cursor", &split, &end);
}

static void
show_transcript (Side *side)
{
  if (!side_is_shown (side))
    return;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (side->text), side->transcript->str,
                            side->transcript->len);
  mark_cursor (side);
}

static void
say_transition (gint64         monotonic,
                FlLoiterEvent  event,
                guint          index,
                guint          n,
                const char    *text,
                gpointer       user_data)
{
  say (user_data, monotonic, text);
}

/* Adds every transition that happened and is not in the transcript yet. */
static void
catch_up (Side *side)
{
  if (side->said != NULL)
    fl_loiter_transcript_catch_up (side->said);
}

static void
state_cb (FlFuture   *future,
          GParamSpec *pspec,
          Side       *side)
{
  catch_up (side);
  show_transcript (side);
}

/* The consumer starts waiting for its next result: a mark on the main-loop lane (a wait
 * is a stretch of time, not a future). */
static void
begin_wait (Side       *side,
            const char *what)
{
  side->wait_start = g_get_monotonic_time ();
  side->wait_id = fl_trace_mark_begin (side->trace, FL_LANE_MAIN_LOOP, 0, what);
}

static void
end_wait (Side          *side,
          FlFutureState  state)
{
  gint64 now = g_get_monotonic_time ();

  fl_trace_mark_end (side->trace, side->wait_id,
                     state == FL_FUTURE_FAILED ? _("it raised") : NULL);
  if (side->n_results == 0)
    side->first_wait = now - side->wait_start;
  side->total_wait += now - side->wait_start;
}

static void
add_result_chip (Side     *side,
                 guint     n,
                 guint     value,
                 gboolean  ok)
{
  GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *what = ok ? g_strdup_printf (_("loiter(%u) → %u"), n, value)
                             : g_strdup_printf (_("loiter(%u) ✕"), n);
  g_autofree char *when = g_strdup_printf (_("+%.2f s"),
                                           (g_get_monotonic_time () - side->origin) / 1e6);
  GtkWidget *value_label = gtk_label_new (what);
  GtkWidget *when_label = gtk_label_new (when);

  gtk_widget_add_css_class (chip, "result-chip");
  gtk_widget_add_css_class (chip, ok ? "ok" : "failed");
  gtk_widget_add_css_class (value_label, "value");
  gtk_widget_add_css_class (when_label, "dim-label");
  gtk_box_append (GTK_BOX (chip), value_label);
  gtk_box_append (GTK_BOX (chip), when_label);
  gtk_flow_box_append (side->results, chip);
}

static void update_summary (FlMapPage *self);

static void
got_result (Side       *side,
            guint       index,
            guint       n,
            GVariant   *value,
            const char *error)
{
  g_autofree char *text = NULL;

  end_wait (side, value != NULL ? FL_FUTURE_FINISHED : FL_FUTURE_FAILED);
  catch_up (side);
  side->n_results++;
  g_string_append_printf (side->order, side->order->len ? ",%u" : "%u", n);
  if (value == NULL)
    text = g_strdup_printf (_("loiter(%u) raised: %s"), n, error);
  else
    text = fl_loiter_result_text (side->is_map, index, n, g_variant_get_uint32 (value));
  say (side, g_get_monotonic_time (), text);
  show_transcript (side);
  if (side_is_shown (side))
    add_result_chip (side, n, value != NULL ? g_variant_get_uint32 (value) : 0, value != NULL);
}

static void
side_finish (Side       *side,
             const char *error)
{
  g_autofree char *status = NULL;
  double elapsed = (g_get_monotonic_time () - side->origin) / 1e6;

  side->finished = TRUE;
  side->error = g_strdup (error);
  catch_up (side);
  fl_executor_shutdown (side->executor, FALSE, FALSE);
  if (side->page == NULL)
    return;
  /* The run has ended: Pause and Step have nothing left to act on. */
  if (fl_map_page_is_done (side->page))
    fl_page_set_gate (FL_PAGE (side->page), NULL);
  if (!side_is_shown (side))
    return;
  show_transcript (side);
  if (error != NULL)
    status = g_strdup_printf (_("Stopped after %.2f s: %s"), elapsed, error);
  else
    status = g_strdup_printf (_("Done in %.2f s. The consumer waited %.2f s for its first "
                                "result and %.2f s in all."), elapsed, side->first_wait / 1e6,
                              side->total_wait / 1e6);
  gtk_label_set_text (side->status, status);
  update_summary (side->page);
}

static void map_next_cb (GObject *source, GAsyncResult *result, gpointer data);
static void as_completed_next_cb (GObject *source, GAsyncResult *result, gpointer data);

static void
consume_next (Side *side)
{
  g_autofree char *what = NULL;

  if (side->is_map)
    {
      FlFuture *next = side->next_index < side->futures->len
                       ? g_ptr_array_index (side->futures, side->next_index) : NULL;

      if (next != NULL)
        {
          what = g_strdup_printf (_("map: the consumer waits for result %u, loiter(%u)"),
                                  side->next_index, fl_loiter_n (next));
          begin_wait (side, what);
        }
      fl_map_iter_next_async (side->map, side->cancellable, map_next_cb, side_ref (side));
    }
  else
    {
      if (fl_as_completed_get_remaining (side->as_completed) > 0)
        begin_wait (side, _("as_completed: the consumer waits for whichever finishes next"));
      fl_as_completed_next_async (side->as_completed, side->cancellable, as_completed_next_cb,
                                  side_ref (side));
    }
}

static void
map_next_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Side *side = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;

  if (!fl_map_iter_next_finish (side->map, result, &value, &error))
    {
      if (error != NULL && side->next_index < side->futures->len)
        got_result (side, side->next_index,
                    fl_loiter_n (g_ptr_array_index (side->futures, side->next_index)), NULL,
                    error->message);
      side_finish (side, error != NULL ? error->message : NULL);
      side_unref (side);
      return;
    }
  got_result (side, side->next_index,
              fl_loiter_n (g_ptr_array_index (side->futures, side->next_index)), value, NULL);
  side->next_index++;
  consume_next (side);
  side_unref (side);
}

static void
as_completed_next_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  Side *side = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFuture) future = fl_as_completed_next_finish (side->as_completed, result, &error);
  g_autoptr(GVariant) value = NULL;
  guint index = 0;

  if (future == NULL)
    {
      side_finish (side, error != NULL ? error->message : NULL);
      side_unref (side);
      return;
    }
  g_ptr_array_find (side->futures, future, &index);
  value = fl_future_result (future, 0, &error);
  got_result (side, index, fl_loiter_n (future), value, error != NULL ? error->message : NULL);
  consume_next (side);
  side_unref (side);
}

static GPtrArray *
make_args (FlMapPage *self)
{
  return fl_loiter_args (gtk_spin_button_get_value_as_int (self->jobs_spin),
                         gtk_spin_button_get_value_as_int (self->unit_spin),
                         gtk_drop_down_get_selected (self->order_dropdown) == 0);
}

static void
clear_pane (GtkFlowBox *results)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (results))) != NULL)
    gtk_flow_box_remove (results, child);
}

static Side *
side_start (FlMapPage  *self,
            gboolean    is_map,
            FlGate     *gate,
            GError    **error)
{
  g_autoptr(GPtrArray) args = make_args (self);
  guint workers = gtk_spin_button_get_value_as_int (self->workers_spin);
  Side *side = g_new0 (Side, 1);
  g_autofree char *text = NULL;

  side->ref_count = 1;
  side->page = self;
  side->is_map = is_map;
  side->unit_ms = gtk_spin_button_get_value_as_int (self->unit_spin);
  side->executor = fl_thread_executor_new (workers);
  /* Pause and Step (the page's gate): below both pools, before any job is submitted */
  fl_executor_set_gate (side->executor, gate);
  side->trace = fl_trace_new (is_map ? "map" : "as_completed");
  side->cancellable = g_cancellable_new ();
  side->lines = g_array_new (FALSE, FALSE, sizeof (Said));
  g_array_set_clear_func (side->lines, said_clear);
  side->transcript = g_string_new (NULL);
  side->order = g_string_new (NULL);
  side->status = is_map ? self->map_status : self->ac_status;
  side->results = is_map ? self->map_results : self->ac_results;
  side->timeline = is_map ? self->map_timeline : self->ac_timeline;
  side->text = is_map ? self->map_text : self->ac_text;
  fl_executor_set_trace (side->executor, side->trace);
  side->origin = fl_trace_get_origin (side->trace);

  clear_pane (side->results);
  say (side, side->origin, _("Script starting."));
  if (is_map)
    {
      /* results = executor.map(loiter, ns) */
      side->map = fl_executor_map (side->executor, "loiter", (GVariant **) args->pdata,
                                   args->len, FL_TIMEOUT_INFINITE, error);
      if (side->map == NULL)
        {
          side_unref (side);
          return NULL;
        }
      side->futures = fl_map_iter_dup_futures (side->map);
      text = g_strdup_printf (_("results: <generator object Executor.map over %u futures>"),
                              side->futures->len);
      say (side, g_get_monotonic_time (), text);
    }
  else
    {
      /* futures = [executor.submit(loiter, n) for n in ns]; as_completed(futures) */
      side->futures = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < args->len; i++)
        {
          guint n, unit;
          g_autofree char *label = NULL;
          FlFuture *future;

          g_variant_get (args->pdata[i], "(uu)", &n, &unit);
          label = g_strdup_printf ("loiter(%u)", n);
          future = fl_executor_submit (side->executor, "loiter", args->pdata[i], label, error);
          if (future == NULL)
            {
              side_unref (side);
              return NULL;
            }
          g_ptr_array_add (side->futures, future);
        }
      side->as_completed = fl_as_completed_new ((FlFuture **) side->futures->pdata,
                                                side->futures->len, FL_TIMEOUT_INFINITE);
    }
  side->said = fl_loiter_transcript_new (side->futures, side->unit_ms, say_transition, side);
  for (guint i = 0; i < side->futures->len; i++)
    g_signal_connect (g_ptr_array_index (side->futures, i), "notify::state",
                      G_CALLBACK (state_cb), side);

  say (side, g_get_monotonic_time (), _("Waiting for individual results:"));
  show_transcript (side);
  fl_timeline_set_trace (side->timeline, side->trace);
  gtk_label_set_text (side->status, is_map ? _("Consuming in submission order…")
                                           : _("Consuming in completion order…"));
  consume_next (side);
  return side;
}

static void
side_detach (Side *side)
{
  if (side == NULL)
    return;
  side->page = NULL;
  g_cancellable_cancel (side->cancellable);
  for (guint i = 0; side->futures != NULL && i < side->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (side->futures, i);

      if (!fl_future_cancel (future))
        fl_future_request_cancel (future);
    }
  side_unref (side);
}

static void
update_summary (FlMapPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->python_shown)
    return;
  if (self->map != NULL && self->map->finished && self->map->error == NULL)
    g_string_append_printf (text, _("map() gave the results in submission order: %s. "),
                            self->map->order->str);
  if (self->as_completed != NULL && self->as_completed->finished
      && self->as_completed->error == NULL)
    g_string_append_printf (text, _("as_completed() gave them in completion order: %s."),
                            self->as_completed->order->str);
  if (text->len > 0)
    gtk_label_set_text (self->summary_label, text->str);
}

static void
reset_pane (FlMapPage *self,
            gboolean   is_map)
{
  clear_pane (is_map ? self->map_results : self->ac_results);
  gtk_label_set_text (is_map ? self->map_status : self->ac_status, _("Not run this time."));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (is_map ? self->map_text : self->ac_text),
                            "", 0);
  fl_timeline_set_trace (is_map ? self->map_timeline : self->ac_timeline, NULL);
}

/* Back from showing the page's Python run to the page's own (C) display: the panes' own
 * transcripts; the run that starts now fills in the rest. */
static void
show_own_display (FlMapPage *self)
{
  if (!self->python_shown)
    return;
  self->python_shown = FALSE;
  gtk_text_view_set_buffer (self->map_text, self->map_buffer);
}

static gboolean
fl_map_page_start_run (FlPage      *page,
                       const char  *mode,
                       GError     **error)
{
  FlMapPage *self = FL_MAP_PAGE (page);
  gboolean want_map = !g_str_equal (mode, "as-completed");
  gboolean want_ac = !g_str_equal (mode, "map");
  guint jobs = gtk_spin_button_get_value_as_int (self->jobs_spin);
  guint unit = gtk_spin_button_get_value_as_int (self->unit_spin);
  g_autoptr(FlGate) gate = NULL;

  if ((guint64) (jobs - 1) * unit > 60 * 1000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("loiter(%u) would do nothing for %u × %u ms: keep the longest job under "
                     "a minute (fewer jobs or a shorter unit)"), jobs - 1, jobs - 1, unit);
      return FALSE;
    }

  g_clear_pointer (&self->map, side_detach);
  g_clear_pointer (&self->as_completed, side_detach);
  /* Opens the last run's gate: what it still held goes through and sees it was detached. */
  fl_page_set_gate (page, NULL);
  show_own_display (self);
  gtk_label_set_text (self->summary_label, _("Running…"));

  /* One gate below both pools: Pause holds both consumers' jobs, Step lets one start or
   * one end through, whichever side it is on. */
  gate = fl_gate_new ();
  if (want_map)
    {
      self->map = side_start (self, TRUE, gate, error);
      if (self->map == NULL)
        return FALSE;
    }
  else
    reset_pane (self, TRUE);
  if (want_ac)
    self->as_completed = side_start (self, FALSE, gate, error);
  else
    reset_pane (self, FALSE);
  fl_page_set_gate (page, gate);
  if (want_ac && self->as_completed == NULL)
    return FALSE;
  fl_question_map_watch (fl_prediction_find (GTK_WIDGET (self)),
                         fl_timeline_get_spans (self->map_timeline),
                         fl_timeline_get_spans (self->ac_timeline));
  return TRUE;
}

static void
fl_map_page_cancel_run (FlPage *page)
{
  FlMapPage *self = FL_MAP_PAGE (page);
  Side *sides[] = { self->map, self->as_completed };

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    {
      Side *side = sides[s];

      if (side == NULL || side->finished)
        continue;
      fl_executor_shutdown (side->executor, FALSE, TRUE);
      for (guint i = 0; i < side->futures->len; i++)
        {
          FlFuture *future = g_ptr_array_index (side->futures, i);

          if (!fl_future_cancel (future))
            fl_future_request_cancel (future);
        }
    }
  /* Cancelled while paused: the jobs held before their start are cancelled above (a held
   * start is still PENDING); opening the gate now delivers the ends it held, so both
   * consumers finish and nothing hangs. */
  fl_page_set_gate (page, NULL);
}

/* The page's Python run ------------------------------------------------------------------
 *
 * "Run in Python" (the Source tab) runs data/python/map.py with --mode=map (see
 * fl_map_page_python_args()): executor.map() only, over the same jobs, and FlPage draws its
 * spans on the page's bound timeline, the executor.map() pane's, with the C run's as a ghost.
 * While that run is the one shown, the panes say so:
 *  - the executor.map() pane's status names it and tells how it is going, and its
 *    transcript IS the program's output (stdout, stderr in red), as printed, live: the
 *    buffer FlPage fills is shown as it is. It is the whole output, not split: with
 *    --mode=map the program prints only its "== executor.map() ==" section, and the same
 *    timestamped lines, in the same words, as the C run's transcript, so a class reads the
 *    two the same way. The C run's result chips are taken away: they were not this run's.
 *  - the as_completed() pane shows nothing of an older C run beside it (its times and
 *    chips would read as the Python run's) and says that the Python run is on the left.
 * A live C run is cancelled when the Python run takes the panes: it would go on unseen.
 * A new C run gives the page back its own display (show_own_display()).
 */

/* "map: results in order 4 3 2 1 0", the program's last line of its map section, as
 * "4,3,2,1,0" (the C summary's form), or NULL. */
static char *
python_map_order (GtkTextBuffer *output)
{
  static const char prefix[] = "map: results in order ";
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (output, &start, &end);
  text = gtk_text_buffer_get_text (output, &start, &end, FALSE);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      {
        char *order = g_strstrip (g_strdup (lines[i] + strlen (prefix)));

        return g_strdelimit (order, " ", ',');
      }
  return NULL;
}

static void
python_changed_cb (FlMapPage *self,
                   gpointer   user_data)
{
  FlPage *page = FL_PAGE (self);
  FlRun *run = fl_page_get_python_run (page);
  const char *status = fl_page_get_python_status (page);
  g_autofree char *map_status = NULL;
  g_autofree char *order = NULL;

  /* Shown: its spans are the ones on the executor.map() pane's timeline. Once a C run has
   * replaced them, the program's later output and end are not this page's display. */
  if (run == NULL || fl_timeline_get_spans (self->map_timeline) != fl_run_get_spans (run))
    return;
  if (!self->python_shown)
    {
      fl_map_page_cancel_run (page);
      self->python_shown = TRUE;
      clear_pane (self->map_results);
      gtk_text_view_set_buffer (self->map_text, fl_page_get_python_output (page));
      clear_pane (self->ac_results);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->ac_text), "", 0);
      fl_timeline_set_trace (self->ac_timeline, NULL);
      gtk_label_set_text (self->ac_status,
                          _("The Python program runs executor.map() only: its run is shown "
                            "in the left pane. Run both side by side to see as_completed() "
                            "here."));
    }
  /* TRANSLATORS: the executor.map() pane's status while it shows the run of the page's
   * Python program; %s is that run's own status ("Running map.py under the tracer…") */
  map_status = g_strdup_printf (_("Shown here: the run of the Python program map.py, "
                                  "executor.map() over the same jobs; below, what it "
                                  "printed. %s"), status != NULL ? status : "");
  gtk_label_set_text (self->map_status, map_status);
  order = python_map_order (fl_page_get_python_output (page));
  if (order != NULL)
    {
      g_autofree char *summary = NULL;

      /* TRANSLATORS: %s is the n of each result in the order it came ("4,3,2,1,0") */
      summary = g_strdup_printf (_("In Python, map() gave the results in submission order "
                                   "too: %s."), order);
      gtk_label_set_text (self->summary_label, summary);
    }
  else if (!fl_run_is_complete (run))
    gtk_label_set_text (self->summary_label,
                        _("The Python program is running executor.map() on the same jobs…"));
  else
    gtk_label_set_text (self->summary_label,
                        _("The run of the Python program is shown in the executor.map() "
                          "pane."));
}

static const char * const *
fl_map_page_get_modes (FlPage *page)
{
  return modes;
}

static void
ensure_css (void)
{
  static gboolean done;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (done || gdk_display_get_default () == NULL)
    return;
  done = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
                                   ".result-chip { padding: 6px 12px; border-radius: 8px; "
                                   "  background-color: alpha(#009E73, 0.15); }\n"
                                   ".result-chip.failed { background-color: alpha(#D55E00, 0.3); }\n"
                                   ".result-chip .value { font-size: 1.25em; font-weight: bold; }\n"
                                   ".transcript { font-size: 1.05em; padding: 8px; }\n"
                                   ".pane-title { font-size: 1.4em; font-weight: bold; }\n", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
fl_map_page_dispose (GObject *object)
{
  FlMapPage *self = FL_MAP_PAGE (object);

  g_clear_pointer (&self->map, side_detach);
  g_clear_pointer (&self->as_completed, side_detach);
  fl_page_set_gate (FL_PAGE (self), NULL);
  g_clear_object (&self->map_buffer);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_MAP_PAGE);

  G_OBJECT_CLASS (fl_map_page_parent_class)->dispose (object);
}

/* The Python version: executor.map() over the same jobs, on as many threads, with the same
 * unit and order, to set beside the executor.map() pane's C run. */
static gboolean
fl_map_page_python_args (FlPage     *page,
                         GPtrArray  *argv,
                         GError    **error)
{
  FlMapPage *self = FL_MAP_PAGE (page);
  char unit[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (unit, sizeof unit, gtk_spin_button_get_value (self->unit_spin) / 1000.0);
  g_ptr_array_add (argv, g_strdup ("--mode=map"));
  g_ptr_array_add (argv, g_strdup_printf ("--count=%d",
                                          gtk_spin_button_get_value_as_int (self->jobs_spin)));
  g_ptr_array_add (argv, g_strdup_printf ("--workers=%d",
                                          gtk_spin_button_get_value_as_int (self->workers_spin)));
  g_ptr_array_add (argv, g_strdup_printf ("--unit=%s", unit));
  if (gtk_drop_down_get_selected (self->order_dropdown) == 0)
    g_ptr_array_add (argv, g_strdup ("--reverse"));
  return TRUE;
}

static void
fl_map_page_class_init (FlMapPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_map_page_dispose;
  page_class->start_run = fl_map_page_start_run;
  page_class->cancel_run = fl_map_page_cancel_run;
  page_class->get_modes = fl_map_page_get_modes;
  page_class->python_args = fl_map_page_python_args;

  fl_lessons_register_jobs ();

  g_type_ensure (FL_TYPE_TIMELINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-map-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, FlMapPage, name)
  BIND (stack);
  BIND (jobs_spin);
  BIND (workers_spin);
  BIND (unit_spin);
  BIND (order_dropdown);
  BIND (summary_label);
  BIND (map_status);
  BIND (map_results);
  BIND (map_timeline);
  BIND (map_text);
  BIND (ac_status);
  BIND (ac_results);
  BIND (ac_timeline);
  BIND (ac_text);
#undef BIND
}

/* One cursor for the page: the as_completed() pane's timeline shows the same instant as
 * the page's (its trace began a moment later), and a cursor set there is the page's. */
static void
page_cursor_cb (FlMapPage  *self,
                GParamSpec *pspec,
                gpointer    user_data)
{
  gint64 cursor = fl_page_get_cursor (FL_PAGE (self));
  FlTrace *ac_trace = fl_timeline_get_trace (self->ac_timeline);
  Side *sides[] = { self->map, self->as_completed };

  /* Not heard back as a cursor of its own: shown there, an instant before that pane's
   * trace began reads 0, which is not the page's instant. */
  self->mirroring = TRUE;
  if (cursor < 0 || ac_trace == NULL)
    fl_timeline_set_cursor (self->ac_timeline, -1);
  else
    fl_timeline_set_cursor (self->ac_timeline,
                            MAX (0, cursor_origin (self) + cursor
                                    - fl_trace_get_origin (ac_trace)));
  self->mirroring = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    if (sides[i] != NULL && side_is_shown (sides[i]))
      mark_cursor (sides[i]);
}

static void
ac_cursor_cb (FlTimeline *timeline,
              GParamSpec *pspec,
              FlMapPage  *self)
{
  gint64 cursor = fl_timeline_get_cursor (timeline);
  FlTrace *ac_trace = fl_timeline_get_trace (timeline);

  if (self->mirroring)
    return;
  if (cursor < 0 || ac_trace == NULL)
    fl_page_set_cursor (FL_PAGE (self), -1);
  else
    fl_page_set_cursor (FL_PAGE (self),
                        MAX (0, cursor + fl_trace_get_origin (ac_trace) - cursor_origin (self)));
}

static void
fl_map_page_init (FlMapPage *self)
{
  ensure_css ();
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_stack_add_titled (self->stack, fl_source_view_new ("fl-map-page.c"), "source",
                        _("Source"));
  /* The transcript indents each job's lines by n tabs, as Python's does: narrow tabs keep
   * the columns inside the pane. */
  for (guint i = 0; i < 2; i++)
    {
      GtkTextView *view = i == 0 ? self->map_text : self->ac_text;
      PangoTabArray *tabs = pango_tab_array_new_with_positions (1, TRUE, PANGO_TAB_LEFT, 24);

      GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

      gtk_text_view_set_tabs (view, tabs);
      gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
      pango_tab_array_free (tabs);
      /* the time cursor: what was printed by then, and what was not yet */
      gtk_text_buffer_create_tag (buffer, "said-by-cursor",
                                  "paragraph-background", "rgba(230,159,0,0.22)",
                                  "weight", PANGO_WEIGHT_BOLD, NULL);
      gtk_text_buffer_create_tag (buffer, "after-cursor",
                                  "foreground", "rgba(128,128,128,0.7)", NULL);
    }
  /* The Python version (executor.map() only) is drawn in the executor.map() pane. */
  fl_page_bind_views (FL_PAGE (self), self->map_timeline, NULL);
  self->map_buffer = g_object_ref (gtk_text_view_get_buffer (self->map_text));
  g_signal_connect (self, "python-changed", G_CALLBACK (python_changed_cb), NULL);
  g_signal_connect (self, "notify::cursor", G_CALLBACK (page_cursor_cb), NULL);
  g_signal_connect_object (self->ac_timeline, "notify::cursor", G_CALLBACK (ac_cursor_cb),
                           self, 0);
  fl_prediction_insert_after (fl_question_map_new (), GTK_WIDGET (self->summary_label));
}

/**
 * fl_map_page_set_params:
 * @longest_first: submit loiter(jobs-1) first (map then waits on it), else loiter(0) first
 *
 * Sets the controls.
 */
void
fl_map_page_set_params (FlMapPage *self,
                        guint      jobs,
                        guint      workers,
                        guint      unit_ms,
                        gboolean   longest_first)
{
  g_return_if_fail (FL_IS_MAP_PAGE (self));

  gtk_spin_button_set_value (self->jobs_spin, jobs);
  gtk_spin_button_set_value (self->workers_spin, workers);
  gtk_spin_button_set_value (self->unit_spin, unit_ms);
  gtk_drop_down_set_selected (self->order_dropdown, longest_first ? 0 : 1);
}

/**
 * fl_map_page_is_done:
 *
 * Returns: %TRUE when every consumer of the last run has finished
 */
gboolean
fl_map_page_is_done (FlMapPage *self)
{
  return (self->map != NULL || self->as_completed != NULL)
         && (self->map == NULL || self->map->finished)
         && (self->as_completed == NULL || self->as_completed->finished);
}

static Side *
side_of (FlMapPage  *self,
         const char *consumer)
{
  return g_str_equal (consumer, "map") ? self->map : self->as_completed;
}

/**
 * fl_map_page_get_order:
 * @consumer: "map" or "as-completed"
 *
 * Returns: (nullable): the n of each result in the order the consumer got it ("4,3,2,1,0")
 */
const char *
fl_map_page_get_order (FlMapPage  *self,
                       const char *consumer)
{
  Side *side = side_of (self, consumer);

  return side != NULL ? side->order->str : NULL;
}

const char *
fl_map_page_get_transcript (FlMapPage  *self,
                            const char *consumer)
{
  Side *side = side_of (self, consumer);

  return side != NULL ? side->transcript->str : NULL;
}

/**
 * fl_map_page_get_transcript_buffer:
 * @consumer: "map" or "as-completed"
 *
 * Returns: (transfer none): the buffer of that pane's transcript; with the time cursor
 *   set, the lines printed by then carry the tag "said-by-cursor", the others
 *   "after-cursor"
 */
GtkTextBuffer *
fl_map_page_get_transcript_buffer (FlMapPage  *self,
                                   const char *consumer)
{
  g_return_val_if_fail (FL_IS_MAP_PAGE (self), NULL);
  return gtk_text_view_get_buffer (g_str_equal (consumer, "map") ? self->map_text
                                                                 : self->ac_text);
}

guint
fl_map_page_get_n_lines (FlMapPage  *self,
                         const char *consumer)
{
  Side *side = side_of (self, consumer);

  return side != NULL ? side->lines->len : 0;
}

/**
 * fl_map_page_get_line_time:
 * @consumer: "map" or "as-completed"
 * @line: a transcript line (0-based)
 *
 * Returns: when @line was printed, in µs from the origin of its pane's trace, or -1
 */
gint64
fl_map_page_get_line_time (FlMapPage  *self,
                           const char *consumer,
                           guint       line)
{
  Side *side = side_of (self, consumer);

  if (side == NULL || line >= side->lines->len)
    return -1;
  return g_array_index (side->lines, Said, line).time - side->origin;
}
