/* test-spans.c: the trace folded into spans, once, with one tally
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

/* Records a small run by hand: 1 ok, 2 failed, 3 cancelled before start, 4 not found,
 * 5 still running, 6 still queued, plus one mark. */
static FlTrace *
make_trace (void)
{
  FlTrace *trace = fl_trace_new ("hand-made");
  gint64 o = fl_trace_get_origin (trace);

  for (guint64 id = 1; id <= 6; id++)
    {
      g_autofree char *label = g_strdup_printf ("job %" G_GUINT64_FORMAT, id);

      fl_trace_record (trace, FL_TRACE_SUBMIT, id, FL_LANE_NONE, -1, FL_FUTURE_PENDING,
                       o + (gint64) id, label, 0);
    }
  fl_trace_record (trace, FL_TRACE_START, 1, FL_LANE_THREAD, 0, FL_FUTURE_RUNNING, o + 10, NULL, 0);
  fl_trace_record (trace, FL_TRACE_START, 2, FL_LANE_THREAD, 1, FL_FUTURE_RUNNING, o + 11, NULL, 0);
  fl_trace_record (trace, FL_TRACE_FINISH, 3, FL_LANE_NONE, -1, FL_FUTURE_CANCELLED, o + 12, NULL, 0);
  fl_trace_record (trace, FL_TRACE_FINISH, 1, FL_LANE_THREAD, 0, FL_FUTURE_FINISHED, o + 20, NULL, 100);
  fl_trace_record (trace, FL_TRACE_FINISH, 2, FL_LANE_THREAD, 1, FL_FUTURE_FAILED, o + 21, "boom", 0);
  fl_trace_record (trace, FL_TRACE_START, 4, FL_LANE_THREAD, 0, FL_FUTURE_RUNNING, o + 22, NULL, 0);
  fl_trace_record (trace, FL_TRACE_FINISH, 4, FL_LANE_THREAD, 0, FL_FUTURE_FINISHED, o + 30, NULL, 7);
  fl_trace_record_outcome (trace, 4, FL_OUTCOME_NOT_FOUND);
  fl_trace_record (trace, FL_TRACE_START, 5, FL_LANE_PROCESS, 2, FL_FUTURE_RUNNING, o + 31, NULL, 0);
  fl_trace_mark (trace, FL_LANE_MAIN_LOOP, 0, o + 5, o + 40, "waits", "got job 1");
  return trace;
}

static void
assert_invariant (const FlTally *t)
{
  g_assert_cmpuint (t->queued + t->running + t->done, ==, t->total);
  g_assert_cmpuint (t->ok + t->not_found + t->failed + t->cancelled, ==, t->done);
}

static void
test_fold (void)
{
  g_autoptr(FlTrace) trace = make_trace ();
  g_autoptr(FlSpans) spans = fl_spans_new (trace);
  const FlSpan *span;
  FlTally t;

  g_assert_true (fl_spans_update (spans));
  g_assert_false (fl_spans_update (spans));
  g_assert_cmpuint (fl_spans_get_n_spans (spans), ==, 7);

  fl_spans_get_tally (spans, &t);
  assert_invariant (&t);
  g_assert_cmpuint (t.total, ==, 6);
  g_assert_cmpuint (t.queued, ==, 1);
  g_assert_cmpuint (t.running, ==, 1);
  g_assert_cmpuint (t.done, ==, 4);
  g_assert_cmpuint (t.ok, ==, 1);
  g_assert_cmpuint (t.not_found, ==, 1);
  g_assert_cmpuint (t.failed, ==, 1);
  g_assert_cmpuint (t.cancelled, ==, 1);
  g_assert_cmpuint (t.bytes, ==, 107);

  span = fl_spans_lookup (spans, 2, NULL);
  g_assert_nonnull (span);
  g_assert_cmpstr (span->label, ==, "job 2");
  g_assert_cmpstr (span->error, ==, "boom");
  g_assert_cmpint (span->started, ==, 11);
  g_assert_cmpint (span->finished, ==, 21);
  g_assert_cmpint (span->lane, ==, 1);
  g_assert_cmpint (span->outcome, ==, FL_OUTCOME_FAILED);

  span = fl_spans_lookup (spans, 3, NULL);
  g_assert_cmpint (span->started, ==, -1);
  g_assert_cmpint (span->outcome, ==, FL_OUTCOME_CANCELLED);

  span = fl_spans_get (spans, 6);
  g_assert_cmpint (span->kind, ==, FL_SPAN_MARK);
  g_assert_cmpstr (span->label, ==, "waits");
  g_assert_cmpstr (span->error, ==, "got job 1");
  g_assert_cmpint (span->lane_kind, ==, FL_LANE_MAIN_LOOP);
  g_assert_false (fl_spans_is_idle (spans));
}

typedef struct
{
  guint n_emissions;
  guint n_touched;
  guint first_new;
} Changes;

static void
changed_cb (FlSpans     *spans,
            guint        first_new,
            const guint *touched,
            guint        n_touched,
            Changes     *changes)
{
  changes->n_emissions++;
  changes->n_touched += n_touched;
  changes->first_new = first_new;
  for (guint i = 0; i < n_touched; i++)
    g_assert_cmpuint (touched[i], <, fl_spans_get_n_spans (spans));
}

/* Folding in two steps gives what folding at once gives, and each span is announced once
 * per update however many events touched it. */
static void
test_incremental (void)
{
  g_autoptr(FlTrace) whole = make_trace ();
  g_autoptr(FlTrace) part = fl_trace_new ("part");
  g_autoptr(FlSpans) a = fl_spans_new (whole);
  g_autoptr(FlSpans) b = fl_spans_new (part);
  Changes changes = { 0 };
  guint n = fl_trace_get_n_events (whole);
  FlTally ta, tb;

  g_signal_connect (b, "changed", G_CALLBACK (changed_cb), &changes);
  fl_spans_update (a);
  for (guint i = 0; i < n; i++)
    {
      FlTraceEvent ev;

      g_assert_true (fl_trace_get_event (whole, i, &ev));
      fl_trace_record (part, ev.kind, ev.future_id, ev.lane_kind, ev.lane, ev.state,
                       ev.time_us - fl_trace_get_origin (whole) + fl_trace_get_origin (part),
                       ev.text, ev.bytes);
      if (i == n / 2)
        fl_spans_update (b);
    }
  fl_spans_update (b);
  g_assert_cmpuint (changes.n_emissions, ==, 2);

  g_assert_cmpuint (fl_spans_get_n_spans (a), ==, fl_spans_get_n_spans (b));
  for (guint i = 0; i < fl_spans_get_n_spans (a); i++)
    {
      const FlSpan *x = fl_spans_get (a, i), *y = fl_spans_get (b, i);

      g_assert_cmpuint (x->id, ==, y->id);
      g_assert_cmpint (x->queued, ==, y->queued);
      g_assert_cmpint (x->started, ==, y->started);
      g_assert_cmpint (x->finished, ==, y->finished);
      g_assert_cmpint (x->state, ==, y->state);
      g_assert_cmpint (x->outcome, ==, y->outcome);
      g_assert_cmpstr (x->label, ==, y->label);
    }
  fl_spans_get_tally (a, &ta);
  fl_spans_get_tally (b, &tb);
  g_assert_cmpmem (&ta, sizeof ta, &tb, sizeof tb);
}

/* The tally at an instant agrees with the states at that instant, and at the end with the
 * running tally. */
static void
test_at_instant (void)
{
  g_autoptr(FlTrace) trace = make_trace ();
  g_autoptr(FlSpans) spans = fl_spans_new (trace);
  FlTally t, end;
  gint64 next;

  fl_spans_update (spans);
  fl_spans_tally_at (spans, 0, &t);
  g_assert_cmpuint (t.total, ==, 0);

  fl_spans_tally_at (spans, 15, &t);
  assert_invariant (&t);
  g_assert_cmpuint (t.total, ==, 6);
  g_assert_cmpuint (t.running, ==, 2);
  g_assert_cmpuint (t.cancelled, ==, 1);
  g_assert_cmpint (fl_span_state_at (fl_spans_lookup (spans, 1, NULL), 15), ==, FL_FUTURE_RUNNING);
  g_assert_cmpint (fl_span_state_at (fl_spans_lookup (spans, 1, NULL), 20), ==, FL_FUTURE_FINISHED);
  g_assert_cmpint (fl_span_state_at (fl_spans_lookup (spans, 4, NULL), 25), ==, FL_FUTURE_RUNNING);
  g_assert_cmpint (fl_span_outcome_at (fl_spans_lookup (spans, 4, NULL), 25), ==, FL_OUTCOME_NONE);

  fl_spans_tally_at (spans, G_MAXINT64 / 2, &t);
  fl_spans_get_tally (spans, &end);
  g_assert_cmpmem (&t, sizeof t, &end, sizeof end);

  next = fl_spans_next_transition (spans, 12, 1);
  g_assert_cmpint (next, ==, 20);
  next = fl_spans_next_transition (spans, 12, -1);
  g_assert_cmpint (next, ==, 11);
  g_assert_cmpint (fl_spans_next_transition (spans, 40, 1), ==, -1);
}

/* A saved and reloaded trace folds into the same spans. */
static void
test_round_trip (void)
{
  g_autoptr(FlTrace) trace = make_trace ();
  g_autoptr(FlSpans) spans = fl_spans_new (trace);
  g_autoptr(FlTrace) loaded = NULL;
  g_autoptr(FlSpans) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csv = NULL;
  gsize length;

  fl_spans_update (spans);
  json = fl_trace_to_chrome_json (trace, &length);
  loaded = fl_trace_load_from_data (json, (gssize) length, "memory", &error);
  g_assert_no_error (error);
  again = fl_spans_new (loaded);
  fl_spans_update (again);
  g_assert_cmpuint (fl_spans_get_n_spans (again), ==, fl_spans_get_n_spans (spans));
  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *x = fl_spans_get (spans, i), *y = fl_spans_get (again, i);

      g_assert_cmpuint (x->id, ==, y->id);
      g_assert_cmpint (x->queued, ==, y->queued);
      g_assert_cmpint (x->started, ==, y->started);
      g_assert_cmpint (x->finished, ==, y->finished);
      g_assert_cmpint (x->lane, ==, y->lane);
      g_assert_cmpint (x->lane_kind, ==, y->lane_kind);
      g_assert_cmpint (x->outcome, ==, y->outcome);
      g_assert_cmpint (x->kind, ==, y->kind);
      g_assert_cmpstr (x->label, ==, y->label);
      g_assert_cmpstr (x->error, ==, y->error);
    }

  csv = fl_trace_to_csv (trace, NULL);
  g_assert_nonnull (strstr (csv, "\r\n4,future,job 4,finished,not_found,thread 1,4,22,30,8,7,\r\n"));
  g_assert_nonnull (strstr (csv, ",mark,waits,,ok,main loop,5,5,40,35,0,got job 1\r\n"));
}

static void
test_load_rejects (void)
{
  const char *bad[] = {
    "",
    "[]",
    "{\"futuresLab\": {\"events\": [[1, 2, 3]]}}",
    "{\"futuresLab\": {\"events\": [[\"x\", 1, 0, 0, 0, 0, 0, null]]}}",
    "{\"futuresLab\": {\"events\": [[1, 1, 0, 0, 0, 0, 0, 5]]}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlTrace) trace = fl_trace_load_from_data (bad[i], -1, "bad", &error);

      g_assert_null (trace);
      g_assert_nonnull (error);
    }
}

static void
test_lane_names (void)
{
  g_autofree char *t1 = fl_lane_id (FL_LANE_THREAD, 0);
  g_autofree char *p3 = fl_lane_id (FL_LANE_PROCESS, 2);
  g_autofree char *loop = fl_lane_id (FL_LANE_MAIN_LOOP, 3);
  g_autofree char *name = fl_lane_name (FL_LANE_THREAD, 0);

  g_assert_cmpstr (t1, ==, "thread 1");
  g_assert_cmpstr (p3, ==, "process 3");
  /* every task on the loop shares the one main-loop lane */
  g_assert_cmpstr (loop, ==, "main loop");
  g_assert_cmpstr (name, ==, "thread 1");
}

/* A real executor's run folds into a tally that adds up after a cancel. */
static void
test_live_cancel (void)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(FlTrace) trace = fl_trace_new ("live");
  g_autoptr(FlSpans) spans = fl_spans_new (trace);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  FlTally t;

  fl_executor_set_trace (executor, trace);
  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (futures, fl_executor_submit (executor, "sleep",
                                                  g_variant_new ("(u)", 20), NULL, NULL));
  fl_executor_shutdown (executor, FALSE, TRUE);
  for (guint i = 0; i < futures->len; i++)
    fl_future_request_cancel (g_ptr_array_index (futures, i));
  fl_test_spin_until (({ fl_spans_update (spans); fl_spans_get_tally (spans, &t); t.done == 20; }),
                      FL_TEST_TIMEOUT_MS);
  assert_invariant (&t);
  g_assert_cmpuint (t.total, ==, 20);
  g_assert_cmpuint (t.cancelled, >=, 1);
  g_assert_true (fl_spans_is_idle (spans));
}

/* A trace recorded at ×0.1 (every wait ten times as long) folds into spans whose times are
 * the raw ones times 0.1 from the origin: what the views, exports and reports read. */
static void
test_time_scale_folds_back (void)
{
  g_autoptr(FlTrace) raw = make_trace ();
  g_autoptr(FlTrace) slowed = fl_trace_new ("slowed");
  g_autoptr(FlSpans) raw_spans = NULL;
  g_autoptr(FlSpans) slow_spans = NULL;
  gint64 raw_origin = fl_trace_get_origin (raw);
  gint64 slow_origin = fl_trace_get_origin (slowed);

  fl_trace_set_time_scale (slowed, 0.1);
  g_assert_cmpfloat (fl_trace_get_time_scale (slowed), ==, 0.1);
  g_assert_cmpfloat (fl_trace_get_time_scale (raw), ==, 1.0);
  g_assert_cmpstr (fl_trace_get_metadata (slowed, "time-scale"), ==, "0.1");
  g_assert_null (fl_trace_get_metadata (raw, "time-scale"));

  /* The same events, at the same offsets from each origin. */
  for (guint i = 0; i < fl_trace_get_n_events (raw); i++)
    {
      FlTraceEvent ev;

      g_assert_true (fl_trace_get_event (raw, i, &ev));
      fl_trace_record (slowed, ev.kind, ev.future_id, ev.lane_kind, ev.lane, ev.state,
                       slow_origin + (ev.time_us - raw_origin) * 1000, ev.text, ev.bytes);
    }

  raw_spans = fl_spans_new (raw);
  slow_spans = fl_spans_new (slowed);
  fl_spans_update (raw_spans);
  fl_spans_update (slow_spans);
  g_assert_cmpfloat (fl_spans_get_time_scale (slow_spans), ==, 0.1);
  g_assert_cmpuint (fl_spans_get_n_spans (slow_spans), ==, fl_spans_get_n_spans (raw_spans));
  for (guint i = 0; i < fl_spans_get_n_spans (raw_spans); i++)
    {
      const FlSpan *a = fl_spans_get (raw_spans, i);
      const FlSpan *b = fl_spans_get (slow_spans, i);

      /* Recorded 1000 times as far from the origin, folded back by 0.1: 100 times. */
      g_assert_cmpuint (a->id, ==, b->id);
      g_assert_cmpint (b->queued, ==, a->queued * 100);
      g_assert_cmpint (b->started, ==, a->started >= 0 ? a->started * 100 : -1);
      g_assert_cmpint (b->finished, ==, a->finished >= 0 ? a->finished * 100 : -1);
      if (b->finished >= 0 && b->started >= 0)
        g_assert_cmpint (b->finished - b->started, ==,
                         (a->finished - a->started) * 1000 / 10);
      g_assert_cmpint (b->state, ==, a->state);
      g_assert_cmpint (b->outcome, ==, a->outcome);
    }
  g_assert_cmpint (fl_spans_get_last_time (slow_spans), ==,
                   fl_spans_get_last_time (raw_spans) * 100);
}

/* Saved and loaded, a slowed run keeps its scale and folds into the same spans. */
static void
test_time_scale_saved_and_loaded (void)
{
  g_autoptr(FlTrace) trace = fl_trace_new ("slowed");
  g_autoptr(FlTrace) loaded = NULL;
  g_autoptr(FlSpans) spans = NULL;
  g_autoptr(FlSpans) loaded_spans = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 o = fl_trace_get_origin (trace);
  gsize length = 0;

  fl_trace_set_time_scale (trace, 0.2);
  fl_trace_record (trace, FL_TRACE_SUBMIT, 1, FL_LANE_NONE, -1, FL_FUTURE_PENDING, o + 10,
                   "cn", 0);
  fl_trace_record (trace, FL_TRACE_START, 1, FL_LANE_THREAD, 0, FL_FUTURE_RUNNING, o + 1000,
                   NULL, 0);
  fl_trace_record (trace, FL_TRACE_FINISH, 1, FL_LANE_THREAD, 0, FL_FUTURE_FINISHED,
                   o + 501000, NULL, 42);
  json = fl_trace_to_chrome_json (trace, &length);
  loaded = fl_trace_load_from_data (json, (gssize) length, "slowed.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fl_trace_get_time_scale (loaded), ==, 0.2);

  spans = fl_spans_new (trace);
  loaded_spans = fl_spans_new (loaded);
  fl_spans_update (spans);
  fl_spans_update (loaded_spans);
  g_assert_cmpuint (fl_spans_get_n_spans (loaded_spans), ==, 1);
  g_assert_cmpint (fl_spans_get (spans, 0)->started, ==, 200);
  g_assert_cmpint (fl_spans_get (spans, 0)->finished, ==, 100200);
  g_assert_cmpint (fl_spans_get (loaded_spans, 0)->queued, ==, fl_spans_get (spans, 0)->queued);
  g_assert_cmpint (fl_spans_get (loaded_spans, 0)->started, ==,
                   fl_spans_get (spans, 0)->started);
  g_assert_cmpint (fl_spans_get (loaded_spans, 0)->finished, ==,
                   fl_spans_get (spans, 0)->finished);
  /* The Chrome events a profiler shows are in real units too: 100 ms, not 500. */
  g_assert_nonnull (strstr (json, "\"dur\":100000"));

  /* A scale that is not one is dropped, not folded by. */
  {
    g_autofree char *bad = g_strdup (json);
    char *at = strstr (bad, "\"time-scale\":\"0.2\"");
    g_autoptr(FlTrace) refused = NULL;

    g_assert_nonnull (at);
    memcpy (at + strlen ("\"time-scale\":\""), "7.5", 3);
    refused = fl_trace_load_from_data (bad, -1, "bad.json", &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (fl_trace_get_time_scale (refused), ==, 1.0);
    g_assert_null (fl_trace_get_metadata (refused, "time-scale"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();

  g_test_add_func ("/engine/spans/fold-once", test_fold);
  g_test_add_func ("/engine/spans/incremental-equals-whole", test_incremental);
  g_test_add_func ("/engine/spans/state-and-tally-at-instant", test_at_instant);
  g_test_add_func ("/engine/spans/saved-and-loaded-fold-alike", test_round_trip);
  g_test_add_func ("/engine/spans/load-rejects-malformed", test_load_rejects);
  g_test_add_func ("/engine/spans/one-lane-name", test_lane_names);
  g_test_add_func ("/engine/spans/live-cancel-adds-up", test_live_cancel);
  g_test_add_func ("/engine/spans/time-scale-folds-back", test_time_scale_folds_back);
  g_test_add_func ("/engine/spans/time-scale-saved-and-loaded", test_time_scale_saved_and_loaded);

  return g_test_run ();
}
