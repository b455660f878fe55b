/* fl-spans.c: a trace folded into one span per future and per mark, exactly once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The trace is an append-only log that any thread writes; the spans are what every view
 * wants from it: one record per future with its times, lane, state and outcome, plus the
 * marks. fl_spans_update() reads only the events written since its last call and folds
 * them, so the fold happens once per event however many views look. It announces what it
 * folded with ::changed (new spans appended, existing ones touched); the views, the
 * exports, the replay window and the CLI report all read the result.
 *
 * Spans live in fixed-size chunks that never move, so a pointer to a span stays valid for
 * the life of the object (the id hash uses it as its key). The tally is kept as the events
 * are folded; the tally at an instant is computed from the spans.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-spans.h"

#define CHUNK_SHIFT 12
#define CHUNK_SIZE  (1u << CHUNK_SHIFT)

struct _FlSpans
{
  GObject     parent_instance;

  FlTrace    *trace;
  gint64      origin;
  double      scale;        /* the trace's time scale: raw offsets are multiplied by it */
  guint       n_read;
  GPtrArray  *chunks;       /* FlSpan[CHUNK_SIZE] */
  guint       n_spans;
  GHashTable *by_id;        /* &span->id -> span index + 1 */
  GArray     *touched;      /* guint: span indices touched by the current update */
  guint8     *touch_mark;   /* per chunk-sized page, for dedup; grows with n_spans */
  gsize       touch_mark_len;
  FlTally     tally;
  gint64      last_time;
  guint       n_marks;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlSpans, fl_spans, G_TYPE_OBJECT)

static void
fl_spans_finalize (GObject *object)
{
  FlSpans *self = FL_SPANS (object);

  g_clear_object (&self->trace);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->chunks);
  g_array_unref (self->touched);
  g_free (self->touch_mark);

  G_OBJECT_CLASS (fl_spans_parent_class)->finalize (object);
}

static void
fl_spans_class_init (FlSpansClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_spans_finalize;

  /**
   * FlSpans::changed:
   * @first_new: the index of the first span appended by this update (== the old count)
   * @touched: (type gpointer): a `const guint *` array of the indices of the spans this
   *   update created or changed, each once, valid during the emission
   * @n_touched: its length
   *
   * Emitted by fl_spans_update() when it folded anything.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                   G_TYPE_UINT, G_TYPE_POINTER, G_TYPE_UINT);
}

static void
fl_spans_init (FlSpans *self)
{
  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->touched = g_array_new (FALSE, FALSE, sizeof (guint));
}

/**
 * fl_spans_new:
 * @trace: the trace to read; the spans hold a reference
 *
 * Returns: (transfer full): spans for @trace, empty until fl_spans_update()
 */
FlSpans *
fl_spans_new (FlTrace *trace)
{
  FlSpans *self;

  g_return_val_if_fail (FL_IS_TRACE (trace), NULL);

  self = g_object_new (FL_TYPE_SPANS, NULL);
  self->trace = g_object_ref (trace);
  self->origin = fl_trace_get_origin (trace);
  self->scale = fl_trace_get_time_scale (trace);
  return self;
}

FlTrace *
fl_spans_get_trace (FlSpans *self)
{
  g_return_val_if_fail (FL_IS_SPANS (self), NULL);
  return self->trace;
}

static inline FlSpan *
span_at (FlSpans *self,
         guint    index)
{
  FlSpan *chunk = g_ptr_array_index (self->chunks, index >> CHUNK_SHIFT);

  return &chunk[index & (CHUNK_SIZE - 1)];
}

static void
touch (FlSpans *self,
       guint    index)
{
  if (index >= self->touch_mark_len)
    {
      gsize len = MAX (self->touch_mark_len * 2, (gsize) index + 1024);

      self->touch_mark = g_realloc (self->touch_mark, len);
      memset (self->touch_mark + self->touch_mark_len, 0, len - self->touch_mark_len);
      self->touch_mark_len = len;
    }
  if (!self->touch_mark[index])
    {
      self->touch_mark[index] = 1;
      g_array_append_val (self->touched, index);
    }
}

static FlSpan *
get_or_create (FlSpans    *self,
               guint64     id,
               FlSpanKind  kind,
               gint64      t,
               guint      *index_out)
{
  gpointer value = g_hash_table_lookup (self->by_id, &id);
  FlSpan *span;
  guint index;

  if (value != NULL)
    {
      index = GPOINTER_TO_UINT (value) - 1;
      *index_out = index;
      return span_at (self, index);
    }

  index = self->n_spans;
  if ((index >> CHUNK_SHIFT) >= self->chunks->len)
    g_ptr_array_add (self->chunks, g_new0 (FlSpan, CHUNK_SIZE));
  span = span_at (self, index);
  *span = (FlSpan) {
    .id = id,
    .queued = t,
    .started = -1,
    .finished = -1,
    .lane = -1,
    .lane_kind = FL_LANE_NONE,
    .state = FL_FUTURE_PENDING,
    .outcome = FL_OUTCOME_NONE,
    .kind = kind,
  };
  self->n_spans++;
  g_hash_table_insert (self->by_id, &span->id, GUINT_TO_POINTER (index + 1));
  if (kind == FL_SPAN_FUTURE)
    {
      self->tally.total++;
      self->tally.queued++;
    }
  else
    self->n_marks++;
  *index_out = index;
  return span;
}

static FlOutcome
outcome_of_state (guint8 state)
{
  switch (state)
    {
    case FL_FUTURE_FINISHED:  return FL_OUTCOME_OK;
    case FL_FUTURE_FAILED:    return FL_OUTCOME_FAILED;
    case FL_FUTURE_CANCELLED: return FL_OUTCOME_CANCELLED;
    case FL_FUTURE_PENDING:
    case FL_FUTURE_RUNNING:
    default:                  return FL_OUTCOME_NONE;
    }
}

static guint *
tally_slot (FlTally   *tally,
            FlOutcome  outcome)
{
  switch (outcome)
    {
    case FL_OUTCOME_OK:        return &tally->ok;
    case FL_OUTCOME_NOT_FOUND: return &tally->not_found;
    case FL_OUTCOME_FAILED:    return &tally->failed;
    case FL_OUTCOME_CANCELLED: return &tally->cancelled;
    case FL_OUTCOME_NONE:
    default:                   return NULL;
    }
}

/* Moves a future span from where the tally counts it now to where @next says. */
static void
retally (FlSpans  *self,
         FlSpan   *span,
         gboolean  was_started,
         gboolean  was_done,
         FlOutcome old_outcome)
{
  FlTally *t = &self->tally;
  gboolean started = span->started >= 0;
  gboolean done = span->finished >= 0;
  guint *slot;

  if (span->kind != FL_SPAN_FUTURE)
    return;

  if (was_done)
    {
      t->done--;
      if ((slot = tally_slot (t, old_outcome)) != NULL)
        (*slot)--;
    }
  else if (was_started)
    t->running--;
  else
    t->queued--;

  if (done)
    {
      t->done++;
      if ((slot = tally_slot (t, span->outcome)) != NULL)
        (*slot)++;
    }
  else if (started)
    t->running++;
  else
    t->queued++;
}

/* A raw time as the views show it: µs from the origin, scaled back for a slowed run. */
static inline gint64
unscale (FlSpans *self,
         gint64   time_us)
{
  gint64 d = time_us - self->origin;

  return self->scale == 1.0 ? d : (gint64) (d * self->scale);
}

static void
fold (FlSpans            *self,
      const FlTraceEvent *ev)
{
  gint64 t = unscale (self, ev->time_us);
  FlSpanKind kind = (ev->kind == FL_TRACE_MARK_BEGIN || ev->kind == FL_TRACE_MARK_END)
                    ? FL_SPAN_MARK : FL_SPAN_FUTURE;
  guint index;
  FlSpan *span = get_or_create (self, ev->future_id, kind, t, &index);
  gboolean was_started = span->started >= 0;
  gboolean was_done = span->finished >= 0;
  FlOutcome old_outcome = span->outcome;

  self->last_time = MAX (self->last_time, t);
  touch (self, index);

  switch (ev->kind)
    {
    case FL_TRACE_SUBMIT:
      span->queued = t;
      if (ev->text != NULL)
        span->label = ev->text;
      break;

    case FL_TRACE_START:
      span->started = t;
      span->lane = ev->lane;
      span->lane_kind = ev->lane_kind;
      if (span->finished < 0)
        span->state = FL_FUTURE_RUNNING;
      break;

    case FL_TRACE_FINISH:
      span->finished = t;
      span->state = ev->state;
      span->bytes = MAX (span->bytes, ev->bytes);
      if (ev->state == FL_FUTURE_FAILED && ev->text != NULL)
        span->error = ev->text;
      /* An inline or remote run may report its lane only when it ends. */
      if (ev->lane_kind != FL_LANE_NONE && ev->lane >= 0)
        {
          if (span->lane < 0)
            {
              span->lane = ev->lane;
              span->lane_kind = ev->lane_kind;
            }
          if (span->started < 0 && ev->state != FL_FUTURE_CANCELLED)
            span->started = t;
        }
      /* An outcome recorded before the end (a file may say so) is kept. */
      if (!was_done && span->outcome == FL_OUTCOME_NONE)
        span->outcome = outcome_of_state (ev->state);
      break;

    case FL_TRACE_OUTCOME:
      if (ev->state > FL_OUTCOME_NONE && ev->state <= FL_OUTCOME_CANCELLED)
        span->outcome = ev->state;
      break;

    case FL_TRACE_MARK_BEGIN:
      span->queued = t;
      span->started = t;
      span->lane = ev->lane;
      span->lane_kind = ev->lane_kind;
      span->state = FL_FUTURE_RUNNING;
      if (ev->text != NULL)
        span->label = ev->text;
      break;

    case FL_TRACE_MARK_END:
    default:
      span->finished = t;
      span->state = FL_FUTURE_FINISHED;
      span->outcome = FL_OUTCOME_OK;
      if (ev->text != NULL)
        span->error = ev->text;
      break;
    }

  if (span->finished >= 0 && !was_done)
    self->tally.bytes += span->bytes;
  retally (self, span, was_started, was_done, old_outcome);
}

/**
 * fl_spans_update:
 *
 * Folds the events written since the last call, stopping at the first one still being
 * written (it is read next time), and emits #FlSpans::changed if anything was folded.
 * Call it from the thread that owns the spans (the main thread, for the views).
 *
 * Returns: %TRUE if anything changed
 */
gboolean
fl_spans_update (FlSpans *self)
{
  guint n, first_new;
  FlTraceEvent ev;

  g_return_val_if_fail (FL_IS_SPANS (self), FALSE);

  n = fl_trace_get_n_events (self->trace);
  if (n == self->n_read)
    return FALSE;
  /* The scale is set before the first event; it is read once the first event is. */
  if (self->n_read == 0)
    self->scale = fl_trace_get_time_scale (self->trace);

  first_new = self->n_spans;
  for (; self->n_read < n; self->n_read++)
    {
      if (!fl_trace_get_event (self->trace, self->n_read, &ev))
        break;
      fold (self, &ev);
    }

  if (self->touched->len == 0)
    return FALSE;

  g_signal_emit (self, signals[CHANGED], 0, first_new,
                 (gpointer) self->touched->data, self->touched->len);
  for (guint i = 0; i < self->touched->len; i++)
    self->touch_mark[g_array_index (self->touched, guint, i)] = 0;
  g_array_set_size (self->touched, 0);
  return TRUE;
}

guint
fl_spans_get_n_spans (FlSpans *self)
{
  g_return_val_if_fail (FL_IS_SPANS (self), 0);
  return self->n_spans;
}

/**
 * fl_spans_get:
 *
 * Returns: (nullable): span @index; the pointer stays valid as long as @self
 */
const FlSpan *
fl_spans_get (FlSpans *self,
              guint    index)
{
  g_return_val_if_fail (FL_IS_SPANS (self), NULL);

  if (index >= self->n_spans)
    return NULL;
  return span_at (self, index);
}

/**
 * fl_spans_lookup:
 * @index: (out) (optional): where the span's index goes
 *
 * Returns: (nullable): the span of future (or mark) @id
 */
const FlSpan *
fl_spans_lookup (FlSpans *self,
                 guint64  id,
                 guint   *index)
{
  gpointer value;

  g_return_val_if_fail (FL_IS_SPANS (self), NULL);

  value = g_hash_table_lookup (self->by_id, &id);
  if (value == NULL)
    return NULL;
  if (index != NULL)
    *index = GPOINTER_TO_UINT (value) - 1;
  return span_at (self, GPOINTER_TO_UINT (value) - 1);
}

/**
 * fl_spans_get_tally:
 *
 * The counts as of the last fl_spans_update().
 */
void
fl_spans_get_tally (FlSpans *self,
                    FlTally *tally)
{
  g_return_if_fail (FL_IS_SPANS (self));
  g_return_if_fail (tally != NULL);

  *tally = self->tally;
}

/**
 * fl_span_state_at:
 * @t: µs from the trace's origin
 *
 * Returns: the state @span was in at @t (PENDING before it was submitted, too: check
 *   `span->queued <= t` to know whether it existed)
 */
FlFutureState
fl_span_state_at (const FlSpan *span,
                  gint64        t)
{
  if (span->finished >= 0 && t >= span->finished)
    return span->state;
  if (span->started >= 0 && t >= span->started)
    return FL_FUTURE_RUNNING;
  return FL_FUTURE_PENDING;
}

FlOutcome
fl_span_outcome_at (const FlSpan *span,
                    gint64        t)
{
  if (span->finished >= 0 && t >= span->finished)
    return span->outcome;
  return FL_OUTCOME_NONE;
}

gboolean
fl_span_is_done (const FlSpan *span)
{
  return span->finished >= 0;
}

/**
 * fl_spans_tally_at:
 * @t: µs from the trace's origin
 *
 * The counts as they were at instant @t: futures submitted by then, by the state and
 * outcome they had then. With @t at or past the last event it equals fl_spans_get_tally().
 */
void
fl_spans_tally_at (FlSpans *self,
                   gint64   t,
                   FlTally *tally)
{
  g_return_if_fail (FL_IS_SPANS (self));
  g_return_if_fail (tally != NULL);

  memset (tally, 0, sizeof *tally);
  for (guint i = 0; i < self->n_spans; i++)
    {
      const FlSpan *span = span_at (self, i);
      guint *slot;

      if (span->kind != FL_SPAN_FUTURE || span->queued > t)
        continue;
      tally->total++;
      switch (fl_span_state_at (span, t))
        {
        case FL_FUTURE_PENDING:
          tally->queued++;
          break;
        case FL_FUTURE_RUNNING:
          tally->running++;
          break;
        case FL_FUTURE_FINISHED:
        case FL_FUTURE_FAILED:
        case FL_FUTURE_CANCELLED:
        default:
          tally->done++;
          tally->bytes += span->bytes;
          if ((slot = tally_slot (tally, span->outcome)) != NULL)
            (*slot)++;
          break;
        }
    }
}

/**
 * fl_spans_get_last_time:
 *
 * Returns: the time of the latest event folded, in µs from the trace's origin
 */
gint64
fl_spans_get_last_time (FlSpans *self)
{
  g_return_val_if_fail (FL_IS_SPANS (self), 0);
  return self->last_time;
}

/**
 * fl_spans_get_time_scale:
 *
 * Returns: the scale the spans fold the trace's times by (see fl_trace_set_time_scale())
 */
double
fl_spans_get_time_scale (FlSpans *self)
{
  g_return_val_if_fail (FL_IS_SPANS (self), 1.0);
  return self->n_read > 0 ? self->scale : fl_trace_get_time_scale (self->trace);
}

/**
 * fl_spans_get_now:
 *
 * "Now" in the spans' units: µs from the trace's origin, scaled back like every span time,
 * so that a live view's moving edge of a slowed run meets its bars.
 *
 * Returns: now, in µs from the origin
 */
gint64
fl_spans_get_now (FlSpans *self)
{
  gint64 d;

  g_return_val_if_fail (FL_IS_SPANS (self), 0);

  d = g_get_monotonic_time () - self->origin;
  return (gint64) (d * fl_spans_get_time_scale (self));
}

/**
 * fl_spans_is_idle:
 *
 * Returns: %TRUE when every future and mark folded so far has ended
 */
gboolean
fl_spans_is_idle (FlSpans *self)
{
  g_return_val_if_fail (FL_IS_SPANS (self), TRUE);

  if (self->tally.done < self->tally.total)
    return FALSE;
  for (guint i = 0; self->n_marks > 0 && i < self->n_spans; i++)
    if (span_at (self, i)->finished < 0)
      return FALSE;
  return TRUE;
}

static void
consider (gint64  candidate,
          gint64  t,
          int     direction,
          gint64 *best)
{
  if (candidate < 0)
    return;
  if (direction > 0 ? candidate > t && (*best < 0 || candidate < *best)
                    : candidate < t && (*best < 0 || candidate > *best))
    *best = candidate;
}

/**
 * fl_spans_next_transition:
 * @t: µs from the trace's origin
 * @direction: 1 for the next transition after @t, -1 for the previous one before it
 *
 * Returns: the time of the nearest submit, start or end in that direction, or -1
 */
gint64
fl_spans_next_transition (FlSpans *self,
                          gint64   t,
                          int      direction)
{
  gint64 best = -1;

  g_return_val_if_fail (FL_IS_SPANS (self), -1);

  for (guint i = 0; i < self->n_spans; i++)
    {
      const FlSpan *span = span_at (self, i);

      consider (span->queued, t, direction, &best);
      consider (span->started, t, direction, &best);
      consider (span->finished, t, direction, &best);
    }
  return best;
}

/**
 * fl_lane_name:
 *
 * The one name of a lane, as every view, legend and report shows it: "thread 1".."thread
 * N", "process 1".."process N", "main loop" (every task on the loop shares it),
 * "subprocess" (run inline on another thread), translated.
 *
 * Returns: (transfer full): the name
 */
char *
fl_lane_name (FlLaneKind lane_kind,
              int        lane)
{
  switch (lane_kind)
    {
    case FL_LANE_THREAD:
      return g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "thread %d"), MAX (lane, 0) + 1);
    case FL_LANE_PROCESS:
      return g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "process %d"), MAX (lane, 0) + 1);
    case FL_LANE_MAIN_LOOP:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE, "main loop"));
    case FL_LANE_CALLER:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE, "caller thread"));
    case FL_LANE_NONE:
    default:
      return g_strdup (g_dgettext (GETTEXT_PACKAGE, "not started"));
    }
}

/**
 * fl_lane_id:
 *
 * The same name untranslated, for files (CSV, Chrome trace): "thread 1", "main loop".
 *
 * Returns: (transfer full): the name
 */
char *
fl_lane_id (FlLaneKind lane_kind,
            int        lane)
{
  switch (lane_kind)
    {
    case FL_LANE_THREAD:    return g_strdup_printf ("thread %d", MAX (lane, 0) + 1);
    case FL_LANE_PROCESS:   return g_strdup_printf ("process %d", MAX (lane, 0) + 1);
    case FL_LANE_MAIN_LOOP: return g_strdup ("main loop");
    case FL_LANE_CALLER:    return g_strdup ("caller thread");
    case FL_LANE_NONE:
    default:                return g_strdup ("not started");
    }
}

/**
 * fl_outcome_name:
 *
 * Returns: the outcome as people read it ("ok", "not found", "failed", "cancelled"),
 *   translated
 */
const char *
fl_outcome_name (FlOutcome outcome)
{
  switch (outcome)
    {
    case FL_OUTCOME_OK:        return g_dpgettext2 (GETTEXT_PACKAGE, "outcome", "ok");
    case FL_OUTCOME_NOT_FOUND: return g_dpgettext2 (GETTEXT_PACKAGE, "outcome", "not found");
    case FL_OUTCOME_FAILED:    return g_dpgettext2 (GETTEXT_PACKAGE, "outcome", "failed");
    case FL_OUTCOME_CANCELLED: return g_dpgettext2 (GETTEXT_PACKAGE, "outcome", "cancelled");
    case FL_OUTCOME_NONE:
    default:                   return "";
    }
}

/**
 * fl_outcome_symbol:
 *
 * Returns: the one symbol of an outcome, shared by the list, the legends and the exports:
 *   ✓ ok, ? not found, × failed, ⊘ cancelled
 */
const char *
fl_outcome_symbol (FlOutcome outcome)
{
  switch (outcome)
    {
    case FL_OUTCOME_OK:        return "✓";
    case FL_OUTCOME_NOT_FOUND: return "?";
    case FL_OUTCOME_FAILED:    return "×";
    case FL_OUTCOME_CANCELLED: return "⊘";
    case FL_OUTCOME_NONE:
    default:                   return "";
    }
}

/**
 * fl_spans_get_futures_extent:
 * @extent: (out): µs from the first future's submit to the last one's end
 *
 * The time a run's futures took, as the timeline draws it.
 *
 * Returns: %FALSE while a future has not ended, or with none
 */
gboolean
fl_spans_get_futures_extent (FlSpans *self,
                             gint64  *extent)
{
  gint64 first = G_MAXINT64, last = G_MININT64;
  guint n = 0;

  g_return_val_if_fail (FL_IS_SPANS (self), FALSE);

  for (guint i = 0; i < fl_spans_get_n_spans (self); i++)
    {
      const FlSpan *span = fl_spans_get (self, i);

      if (span->kind != FL_SPAN_FUTURE)
        continue;
      if (!fl_span_is_done (span))
        return FALSE;
      first = MIN (first, span->queued);
      last = MAX (last, span->finished);
      n++;
    }
  if (n == 0)
    return FALSE;
  *extent = last - first;
  return TRUE;
}
