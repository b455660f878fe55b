/* test-trace.c: the event log and its exports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "futures-lab-engine.h"
#include "fl-test-utils.h"

static void
test_records_three_events_per_future (void)
{
  g_autoptr(FlTrace) trace = fl_trace_new ("test run");
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  guint submits = 0, starts = 0, finishes = 0;

  fl_executor_set_trace (executor, trace);
  for (int i = 0; i < 50; i++)
    g_ptr_array_add (futures, fl_executor_submit (executor, i % 5 ? "echo" : "fail",
                                                  i % 5 ? NULL : g_variant_new ("(s)", "bad"),
                                                  "item", NULL));
  fl_executor_shutdown (executor, TRUE, FALSE);

  g_assert_cmpuint (fl_trace_get_n_events (trace), ==, 150);
  for (guint i = 0; i < fl_trace_get_n_events (trace); i++)
    {
      FlTraceEvent ev;

      g_assert_true (fl_trace_get_event (trace, i, &ev));
      g_assert_cmpint (ev.time_us, >=, fl_trace_get_origin (trace));
      switch (ev.kind)
        {
        case FL_TRACE_SUBMIT:
          submits++;
          g_assert_cmpstr (ev.text, ==, "item");
          break;
        case FL_TRACE_START:
          starts++;
          g_assert_cmpint (ev.lane_kind, ==, FL_LANE_THREAD);
          g_assert_cmpint (ev.lane, >=, 0);
          break;
        default:
          finishes++;
          if (ev.state == FL_FUTURE_FAILED)
            g_assert_cmpstr (ev.text, ==, "bad");
        }
    }
  g_assert_cmpuint (submits, ==, 50);
  g_assert_cmpuint (starts, ==, 50);
  g_assert_cmpuint (finishes, ==, 50);
  g_assert_false (fl_trace_get_event (trace, 150, &(FlTraceEvent) { 0 }));
}

static gpointer
record_many (gpointer data)
{
  FlTrace *trace = data;

  for (guint i = 0; i < 20000; i++)
    fl_trace_record (trace, FL_TRACE_START, i, FL_LANE_THREAD, 1, FL_FUTURE_RUNNING,
                     g_get_monotonic_time (), NULL, 0);
  return NULL;
}

static void
test_concurrent_recording (void)
{
  g_autoptr(FlTrace) trace = fl_trace_new (NULL);
  GThread *threads[4];

  for (int i = 0; i < 4; i++)
    threads[i] = g_thread_new ("recorder", record_many, trace);
  for (int i = 0; i < 4; i++)
    g_thread_join (threads[i]);

  /* Crosses chunk boundaries from four threads; nothing lost or torn. */
  g_assert_cmpuint (fl_trace_get_n_events (trace), ==, 80000);
  for (guint i = 0; i < 80000; i++)
    {
      FlTraceEvent ev;
      g_assert_true (fl_trace_get_event (trace, i, &ev));
      g_assert_cmpint (ev.lane, ==, 1);
      g_assert_cmpint (ev.kind, ==, FL_TRACE_START);
    }
}

static FlTrace *
small_run (void)
{
  FlTrace *trace = fl_trace_new ("flags, threads");
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (2);
  g_autoptr(FlFuture) a = NULL;
  g_autoptr(FlFuture) b = NULL;

  fl_trace_set_metadata (trace, "mode", "threads");
  fl_executor_set_trace (executor, trace);
  a = fl_executor_submit (executor, "sleep", g_variant_new ("(u)", 2), "br, \"quoted\"", NULL);
  b = fl_executor_submit (executor, "fail", g_variant_new ("(s)", "HTTP 503"), "cn", NULL);
  fl_executor_shutdown (executor, TRUE, FALSE);
  return trace;
}

static void
test_chrome_json (void)
{
  g_autoptr(FlTrace) trace = small_run ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = fl_trace_to_chrome_json (trace, NULL);
  JsonObject *root;
  JsonArray *events;
  guint complete = 0;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  events = json_object_get_array_member (root, "traceEvents");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *ev = json_array_get_object_element (events, i);

      if (g_str_equal (json_object_get_string_member (ev, "ph"), "X"))
        {
          JsonObject *args = json_object_get_object_member (ev, "args");

          complete++;
          g_assert_cmpint (json_object_get_int_member (ev, "dur"), >=, 0);
          if (g_str_equal (json_object_get_string_member (ev, "name"), "cn"))
            {
              g_assert_cmpstr (json_object_get_string_member (args, "state"), ==, "failed");
              g_assert_cmpstr (json_object_get_string_member (args, "error"), ==, "HTTP 503");
            }
        }
    }
  g_assert_cmpuint (complete, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "otherData"),
                                                  "mode"), ==, "threads");
}

static void
test_csv_quotes_fields (void)
{
  g_autoptr(FlTrace) trace = small_run ();
  g_autofree char *csv = fl_trace_to_csv (trace, NULL);
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);

  g_assert_true (g_str_has_prefix (lines[0], "id,kind,label,state,outcome,lane,"));
  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, 2 rows, final empty */
  g_assert_nonnull (strstr (csv, "\"br, \"\"quoted\"\"\""));
  g_assert_nonnull (strstr (csv, ",failed,failed,thread "));
}

static void
test_save_and_load_round_trip (void)
{
  g_autoptr(FlTrace) trace = small_run ();
  g_autoptr(FlTrace) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-trace-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);

  g_assert_true (fl_trace_save (trace, path, &error));
  g_assert_no_error (error);
  loaded = fl_trace_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_trace_get_title (loaded), ==, "flags, threads");
  g_assert_cmpstr (fl_trace_get_metadata (loaded, "mode"), ==, "threads");
  g_assert_cmpuint (fl_trace_get_n_events (loaded), ==, fl_trace_get_n_events (trace));
  for (guint i = 0; i < fl_trace_get_n_events (trace); i++)
    {
      FlTraceEvent a, b;

      g_assert_true (fl_trace_get_event (trace, i, &a));
      g_assert_true (fl_trace_get_event (loaded, i, &b));
      g_assert_cmpint (a.time_us - fl_trace_get_origin (trace), ==,
                       b.time_us - fl_trace_get_origin (loaded));
      g_assert_cmpuint (a.future_id, ==, b.future_id);
      g_assert_cmpint (a.kind, ==, b.kind);
      g_assert_cmpint (a.state, ==, b.state);
      g_assert_cmpint (a.lane, ==, b.lane);
      g_assert_cmpstr (a.text, ==, b.text);
    }

  /* Not ours: a clear error, nothing else. */
  g_assert_true (g_file_set_contents (bad, "{\"traceEvents\": []}", -1, NULL));
  g_assert_null (fl_trace_load (bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* Saving into a folder that does not exist fails cleanly. */
  g_assert_false (fl_trace_save (trace, "/nonexistent-dir/run.json", &error));
  g_assert_nonnull (error);

  g_unlink (path);
  g_unlink (bad);
  g_rmdir (dir);
}

/* json-glib 1.6 reads a second top-level value after the first (and leaks one of them): a
 * trace followed or preceded by more JSON is not a trace. */
static void
test_load_refuses_two_values (void)
{
  g_autoptr(FlTrace) trace = small_run ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = fl_trace_to_chrome_json (trace, NULL);
  g_autofree char *leading = g_strconcat ("{} ", json, NULL);
  g_autofree char *trailing = g_strconcat (json, "\n{}", NULL);
  g_autofree char *spaced = g_strconcat ("\n ", json, " \n", NULL);
  g_autoptr(FlTrace) loaded = NULL;

  g_assert_null (fl_trace_load_from_data (leading, -1, "leading.json", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (fl_trace_load_from_data (trailing, -1, "trailing.json", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (fl_trace_load_from_data ("3{\"a\": [1]}", -1, "scalar.json", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* White space around the one object is fine, and braces inside strings do not count. */
  loaded = fl_trace_load_from_data (spaced, -1, "spaced.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fl_trace_get_n_events (loaded), ==, fl_trace_get_n_events (trace));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();

  g_test_add_func ("/engine/trace/records-three-events-per-future",
                   test_records_three_events_per_future);
  g_test_add_func ("/engine/trace/concurrent-recording", test_concurrent_recording);
  g_test_add_func ("/engine/trace/chrome-json", test_chrome_json);
  g_test_add_func ("/engine/trace/csv-quotes-fields", test_csv_quotes_fields);
  g_test_add_func ("/engine/trace/save-and-load-round-trip", test_save_and_load_round_trip);
  g_test_add_func ("/engine/trace/load-refuses-two-values", test_load_refuses_two_values);

  return g_test_run ();
}
