/* test-export.c: saving a run (trace JSON, CSV, PNG, SVG) and opening it again read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fl-app-test.h"
#include "fl-export.h"
#include "fl-flags-page.h"
#include "fl-futures-list.h"
#include "fl-replay-window.h"
#include "fl-files.h"

static FlWindow *window;
static FlFlagsPage *page;
static char *tmpdir;
static guint n_saved_events;

static gboolean
run_done (void)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  return run != NULL && fl_run_is_complete (run);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* One real run to save: 12 flags from the embedded server. */
static void
ensure_run (void)
{
  FlTimeline *timeline;

  if (fl_page_get_run (FL_PAGE (page)) != NULL)
    return;
  fl_window_show_demo (window, "flags");
  fl_flags_page_set_codes (page, FL_FLAGS_CODES_CUSTOM, "cn in us br id pk ng bd ru mx jp zz", 0);
  fl_flags_page_set_workers (page, 4);
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "0ms", "0%", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (run_done (), 20000);
  timeline = fl_export_find_timeline (GTK_WIDGET (page));
  g_assert_nonnull (timeline);
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (timeline))
                      && gtk_widget_get_width (GTK_WIDGET (timeline)) > 0, 5000);
}

static void
test_json_loads_back (void)
{
  g_autofree char *path = tmp_path ("run.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlTrace) loaded = NULL;
  FlTrace *trace;

  ensure_run ();
  trace = fl_run_get_trace (fl_page_get_run (FL_PAGE (page)));
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TRACE_JSON, path, &error));
  g_assert_no_error (error);
  loaded = fl_trace_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  n_saved_events = fl_trace_get_n_events (trace);
  g_assert_cmpuint (fl_trace_get_n_events (loaded), ==, n_saved_events);
  g_assert_cmpuint (n_saved_events, >=, 3 * 12);
  /* the page described the run for a replay */
  g_assert_cmpstr (fl_trace_get_metadata (loaded, "demo"), ==, "flags");
  g_assert_cmpstr (fl_trace_get_metadata (loaded, "mode"), ==, "threads");
  g_assert_nonnull (fl_trace_get_metadata (loaded, "demo-title"));
}

static void
test_csv_has_a_line_per_future (void)
{
  g_autofree char *path = tmp_path ("run.csv");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  ensure_run ();
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TRACE_CSV, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "id,kind,label,state,outcome,"));
  g_assert_nonnull (strstr (contents, ",finished,not_found,thread "));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && lines[i][0] != '\r')
      n++;
  g_assert_cmpuint (n, ==, 1 + 12);
  g_assert_nonnull (strstr (contents, "zz"));
}

static void
test_png_is_the_timeline (void)
{
  g_autofree char *path = tmp_path ("timeline.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  FlTimeline *timeline;

  ensure_run ();
  timeline = fl_export_find_timeline (GTK_WIDGET (page));
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TIMELINE_PNG, path, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (timeline)));
  /* the timeline under a title line that says what it shows */
  g_assert_cmpint (gdk_texture_get_height (texture), ==,
                   gtk_widget_get_height (GTK_WIDGET (timeline)) + 34);
  {
    int w = gdk_texture_get_width (texture);
    g_autofree guchar *pixels = g_malloc ((gsize) w * gdk_texture_get_height (texture) * 4);
    guint inked = 0;

    gdk_texture_download (texture, pixels, w * 4);   /* the first 34 rows: the title band */
    for (int i = 0; i < w * 34; i++)
      inked += ABS ((int) pixels[i * 4] - (int) pixels[0]) > 100;
    g_assert_cmpuint (inked, >, 50);
  }
  /* every lane is named, or every few lanes when there are many (none were at 20) */
  {
    FlTimelineStats stats;

    fl_timeline_get_stats (timeline, &stats);
    g_test_message ("%u lanes, %u lane names", stats.n_lanes, stats.n_lane_labels);
    g_assert_cmpuint (stats.n_lane_labels, >=, MIN (stats.n_lanes, 4));
    g_assert_cmpuint (stats.n_lane_labels * 3, >=, stats.n_lanes);
  }
}

static void
test_svg_is_an_svg (void)
{
  g_autofree char *path = tmp_path ("timeline.svg");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *svg;

  ensure_run ();
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TIMELINE_SVG, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  svg = contents;
  if (g_str_has_prefix (svg, "<?xml"))
    svg = strchr (svg, '\n') + 1;
  g_assert_true (g_str_has_prefix (svg, "<svg"));
  g_assert_nonnull (strstr (contents, "</svg>"));
}

static void
test_png_background_follows_dark_mode (void)
{
  g_autofree char *path = tmp_path ("dark.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autofree guchar *pixels = NULL;

  ensure_run ();
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  fl_test_spin_until (adw_style_manager_get_dark (manager), 5000);
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TIMELINE_PNG, path, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  pixels = g_malloc (gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4);
  gdk_texture_download (texture, pixels, gdk_texture_get_width (texture) * 4);
  /* a dark background under light text, as on screen (BGRA, top left corner) */
  g_assert_cmpuint (pixels[0], <, 80);
  g_assert_cmpuint (pixels[1], <, 80);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static void
expect_unwritable (const char     *path,
                   FlExportFormat  format)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (fl_export_save (GTK_WIDGET (page), format, path, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not save"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_unwritable_folder_is_a_clear_error (void)
{
  g_autofree char *file = tmp_path ("a-file");
  g_autofree char *inside_file = g_build_filename (file, "run.json", NULL);
  FlRun *run;

  ensure_run ();
  run = fl_page_get_run (FL_PAGE (page));
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  expect_unwritable (inside_file, FL_EXPORT_TRACE_JSON);
  expect_unwritable ("/proc/futures-lab-run.csv", FL_EXPORT_TRACE_CSV);
  expect_unwritable ("/proc/futures-lab-timeline.png", FL_EXPORT_TIMELINE_PNG);
  /* nothing on screen was lost */
  g_assert_true (fl_page_get_run (FL_PAGE (page)) == run);
  g_assert_cmpuint (fl_trace_get_n_events (fl_run_get_trace (run)), ==, n_saved_events);
}

static void
test_nothing_to_save_is_said (void)
{
  g_autofree char *path = tmp_path ("nothing.json");
  g_autoptr(GError) error = NULL;
  FlPage *empty = fl_window_get_page (window, "coroutines");

  g_assert_false (fl_export_save (GTK_WIDGET (empty), FL_EXPORT_TRACE_JSON, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_replay_shows_the_futures (void)
{
  g_autofree char *path = tmp_path ("run.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FlReplayWindow *replay;
  FlFuturesList *list;
  GListModel *rows;
  FlTimeline *timeline;
  FlTimelineStats stats;
  guint finished = 0, failed = 0, not_found = 0, zz = 0;

  ensure_run ();
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TRACE_JSON, path, &error));
  replay = fl_replay_window_open (GTK_APPLICATION (fl_test_app), file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (replay);
  gtk_window_present (GTK_WINDOW (replay));
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (replay)), 5000);

  list = fl_replay_window_get_list (replay);
  rows = fl_futures_list_get_model (list);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *text = fl_futures_list_describe_row (list, i);

      g_test_message ("%s", text);
      if (strstr (text, "\t✓ ") != NULL)
        finished++;
      if (strstr (text, "\t× ") != NULL)
        failed++;
      if (strstr (text, "\t? ") != NULL)
        not_found++;
      if (strstr (text, "\tzz") != NULL)
        zz++;
    }
  /* every future of the run; ZZ (not a country) is a 404: not found, not a success */
  g_assert_cmpuint (zz, ==, 1);
  g_assert_cmpuint (not_found, ==, 1);
  g_assert_cmpuint (finished + failed + not_found, ==, 12);
  g_assert_nonnull (strstr (fl_replay_window_get_info (replay), "12 futures"));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (replay)), "Thread pool"));

  /* its timeline draws the saved trace */
  timeline = fl_export_find_timeline (GTK_WIDGET (replay));
  g_assert_nonnull (timeline);
  fl_test_spin_until ((fl_timeline_get_stats (timeline, &stats), stats.n_frames > 0), 5000);
  g_assert_cmpuint (stats.n_spans, ==, 12);

  /* and it saves again */
  {
    g_autofree char *again = tmp_path ("again.png");
    g_autoptr(GdkTexture) texture = NULL;

    g_assert_true (fl_export_save (GTK_WIDGET (replay), FL_EXPORT_TIMELINE_PNG, again, &error));
    g_assert_no_error (error);
    texture = gdk_texture_new_from_filename (again, &error);
    g_assert_no_error (error);
  }
  gtk_window_destroy (GTK_WINDOW (replay));
}

static void
expect_not_ours (const char *name,
                 const char *contents)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_assert_null (fl_replay_window_open (GTK_APPLICATION (fl_test_app), file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not a run saved by Futures Lab"));
}

static void
test_foreign_file_is_a_clear_error (void)
{
  g_autofree char *missing = tmp_path ("missing.json");
  g_autoptr(GFile) file = g_file_new_for_path (missing);
  g_autoptr(GError) error = NULL;

  expect_not_ours ("chrome.json", "{\"traceEvents\": []}");
  expect_not_ours ("text.json", "hello, this is not JSON");
  expect_not_ours ("array.json", "[1, 2, 3]");
  g_assert_null (fl_replay_window_open (GTK_APPLICATION (fl_test_app), file, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_true (g_str_has_prefix (error->message, "Could not open"));
}

/* A run saved while it ran: the futures that had not ended are shown as such, and the
 * view stays on what was recorded. */
/* The same run, live on its page and replayed from its file, shows the same list rows and
 * the same timeline bars: both are the spans of the same events. */
static void
test_replay_equals_live (void)
{
  g_autofree char *path = tmp_path ("same.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FlReplayWindow *replay;
  FlFuturesList *live_list = NULL, *saved_list;
  FlSpans *live, *saved;
  FlTimelineStats live_stats, saved_stats;
  FlTimeline *live_timeline, *saved_timeline;
  guint n;

  ensure_run ();
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TRACE_JSON, path, &error));
  replay = fl_replay_window_open (GTK_APPLICATION (fl_test_app), file, &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (replay));
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (replay)), 5000);

  live_timeline = fl_export_find_timeline (GTK_WIDGET (page));
  saved_timeline = fl_export_find_timeline (GTK_WIDGET (replay));
  live = fl_timeline_get_spans (live_timeline);
  saved = fl_timeline_get_spans (saved_timeline);
  g_assert_cmpuint (fl_spans_get_n_spans (live), ==, fl_spans_get_n_spans (saved));
  for (guint i = 0; i < fl_spans_get_n_spans (live); i++)
    {
      const FlSpan *a = fl_spans_get (live, i), *b = fl_spans_get (saved, i);

      g_assert_cmpuint (a->id, ==, b->id);
      g_assert_cmpint (a->queued, ==, b->queued);
      g_assert_cmpint (a->started, ==, b->started);
      g_assert_cmpint (a->finished, ==, b->finished);
      g_assert_cmpint (a->lane_kind, ==, b->lane_kind);
      g_assert_cmpint (a->lane, ==, b->lane);
      g_assert_cmpint (a->outcome, ==, b->outcome);
    }
  fl_timeline_set_view (live_timeline, 0, 1000000);
  fl_timeline_set_view (saved_timeline, 0, 1000000);
  fl_test_spin_until ((fl_timeline_get_stats (saved_timeline, &saved_stats),
                       saved_stats.n_frames > 0), 5000);
  fl_timeline_get_stats (live_timeline, &live_stats);
  g_assert_cmpuint (live_stats.n_spans, ==, saved_stats.n_spans);
  g_assert_cmpuint (live_stats.n_lanes, ==, saved_stats.n_lanes);

  for (GtkWidget *w = GTK_WIDGET (page); w != NULL && live_list == NULL;)
    {
      /* the page's list: the first FlFuturesList in its tree */
      GtkWidget *stack[64];
      int top = 0;

      stack[top++] = w;
      w = NULL;
      while (top > 0 && live_list == NULL)
        {
          GtkWidget *cur = stack[--top];

          if (FL_IS_FUTURES_LIST (cur))
            live_list = FL_FUTURES_LIST (cur);
          for (GtkWidget *c = gtk_widget_get_first_child (cur); c != NULL && top < 64;
               c = gtk_widget_get_next_sibling (c))
            stack[top++] = c;
        }
    }
  g_assert_nonnull (live_list);
  saved_list = fl_replay_window_get_list (replay);
  n = g_list_model_get_n_items (fl_futures_list_get_model (live_list));
  g_assert_cmpuint (n, ==, 12);
  g_assert_cmpuint (g_list_model_get_n_items (fl_futures_list_get_model (saved_list)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *a = fl_futures_list_describe_row (live_list, i);
      g_autofree char *b = fl_futures_list_describe_row (saved_list, i);

      g_assert_cmpstr (a, ==, b);
    }
  gtk_window_destroy (GTK_WINDOW (replay));
}

/* What the State column must say of future @id at @t, worked out from the raw events of
 * the trace, not from the spans. */
static char *
expected_state (FlTrace *trace,
                guint64  id,
                gint64   t)
{
  gint64 origin = fl_trace_get_origin (trace);
  FlFutureState state = FL_FUTURE_PENDING;
  FlOutcome outcome = FL_OUTCOME_NONE;
  gint64 finished = -1;

  for (guint i = 0; i < fl_trace_get_n_events (trace); i++)
    {
      FlTraceEvent ev;

      g_assert_true (fl_trace_get_event (trace, i, &ev));
      if (ev.future_id != id)
        continue;
      if (ev.kind == FL_TRACE_OUTCOME)
        {
          outcome = ev.state;
          continue;
        }
      if (ev.time_us - origin > t)
        continue;
      if (ev.kind == FL_TRACE_START)
        state = FL_FUTURE_RUNNING;
      else if (ev.kind == FL_TRACE_FINISH)
        {
          state = ev.state;
          finished = ev.time_us - origin;
        }
    }
  if (finished >= 0)
    {
      if (outcome == FL_OUTCOME_NONE)
        outcome = state == FL_FUTURE_FINISHED ? FL_OUTCOME_OK
                  : state == FL_FUTURE_FAILED ? FL_OUTCOME_FAILED : FL_OUTCOME_CANCELLED;
      return g_strconcat (fl_outcome_symbol (outcome), " ", fl_outcome_name (outcome), NULL);
    }
  return g_strdup (state == FL_FUTURE_RUNNING ? "▶ running" : "◌ queued");
}

/* The time cursor: at any instant, each row says what the trace says of its future then,
 * in the live page and in the replay alike. */
static void
test_scrub_shows_states_at_instant (void)
{
  g_autofree char *path = tmp_path ("scrub.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  FlReplayWindow *replay;
  FlTimeline *timeline;
  FlFuturesList *list;
  FlTrace *trace;
  gint64 end;

  ensure_run ();
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TRACE_JSON, path, &error));
  replay = fl_replay_window_open (GTK_APPLICATION (fl_test_app), file, &error);
  g_assert_no_error (error);
  timeline = fl_export_find_timeline (GTK_WIDGET (replay));
  list = fl_replay_window_get_list (replay);
  trace = fl_replay_window_get_trace (replay);
  end = fl_spans_get_last_time (fl_timeline_get_spans (timeline));

  for (guint round = 0; round < 25; round++)
    {
      gint64 t = round == 0 ? 0 : g_rand_int_range (rand, 0, (gint32) end + 1);
      GListModel *rows = fl_futures_list_get_model (list);

      if (round == 1)
        t = fl_spans_next_transition (fl_timeline_get_spans (timeline), 0, 1);
      fl_timeline_set_cursor (timeline, t);
      g_assert_cmpint (fl_futures_list_get_cursor (list), ==, t);
      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autofree char *text = fl_futures_list_describe_row (list, i);
          g_auto(GStrv) cells = g_strsplit (text, "\t", -1);
          g_autofree char *want = expected_state (trace, g_ascii_strtoull (cells[0], NULL, 10), t);

          g_assert_cmpstr (cells[2], ==, want);
        }
    }
  fl_timeline_set_cursor (timeline, -1);
  g_assert_cmpint (fl_futures_list_get_cursor (list), ==, -1);
  gtk_window_destroy (GTK_WINDOW (replay));
}

static void
test_replay_of_an_unfinished_run (void)
{
  g_autofree char *path = tmp_path ("unfinished.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FlTrace) trace = fl_trace_new ("threads");
  g_autoptr(GError) error = NULL;
  gint64 t0 = fl_trace_get_origin (trace);
  FlReplayWindow *replay;
  gint64 start, span;

  fl_trace_record (trace, FL_TRACE_SUBMIT, 1, FL_LANE_NONE, -1, FL_FUTURE_PENDING, t0 + 10,
                   "done", 0);
  fl_trace_record (trace, FL_TRACE_SUBMIT, 2, FL_LANE_NONE, -1, FL_FUTURE_PENDING, t0 + 20,
                   "still running", 0);
  fl_trace_record (trace, FL_TRACE_START, 1, FL_LANE_THREAD, 0, FL_FUTURE_RUNNING, t0 + 100,
                   NULL, 0);
  fl_trace_record (trace, FL_TRACE_START, 2, FL_LANE_THREAD, 1, FL_FUTURE_RUNNING, t0 + 200,
                   NULL, 0);
  fl_trace_record (trace, FL_TRACE_FINISH, 1, FL_LANE_THREAD, 0, FL_FUTURE_FINISHED,
                   t0 + 50000, NULL, 10);
  g_assert_true (fl_trace_save (trace, path, &error));
  replay = fl_replay_window_open (GTK_APPLICATION (fl_test_app), file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (fl_replay_window_get_info (replay), "1 running"));
  g_assert_cmpuint (g_list_model_get_n_items (fl_futures_list_get_model (fl_replay_window_get_list (replay))), ==, 2);
  fl_timeline_get_view (fl_export_find_timeline (GTK_WIDGET (replay)), &start, &span);
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (span, ==, 51000);
  g_assert_false (fl_timeline_get_follow (fl_export_find_timeline (GTK_WIDGET (replay))));
  gtk_window_destroy (GTK_WINDOW (replay));
}

static guint
count_replay_windows (void)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (fl_test_app)); l; l = l->next)
    n += FL_IS_REPLAY_WINDOW (l->data);
  return n;
}

static void
test_open_from_command_line (void)
{
  g_autofree char *path = tmp_path ("cli.json");
  GFile *files[1];
  g_autoptr(GError) error = NULL;
  guint before = count_replay_windows ();

  ensure_run ();
  g_assert_true (fl_export_save (GTK_WIDGET (page), FL_EXPORT_TRACE_JSON, path, &error));
  files[0] = g_file_new_for_path (path);
  /* what `futures-lab FILE.json` does in the primary instance */
  g_application_open (G_APPLICATION (fl_test_app), files, 1, "");
  g_object_unref (files[0]);
  fl_test_spin_until (count_replay_windows () == before + 1, 5000);
  /* the main window is still the main window */
  g_assert_true (fl_application_get_main_window (fl_test_app) == GTK_WINDOW (window));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (fl_test_app)); l; l = l->next)
    if (FL_IS_REPLAY_WINDOW (l->data))
      {
        gtk_window_destroy (l->data);
        break;
      }
}

static void
test_export_actions_exist (void)
{
  static const char * const names[] = { "export.trace-json", "export.trace-csv",
                                        "export.timeline-png", "export.timeline-svg",
                                        "app.open" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *group = g_strndup (names[i], strchr (names[i], '.') - names[i]);
      GActionGroup *actions = g_object_get_data (G_OBJECT (window), "fl-export-actions");

      if (g_str_equal (group, "app"))
        actions = G_ACTION_GROUP (fl_test_app);
      g_assert_nonnull (actions);
      g_assert_true (g_action_group_has_action (actions, strchr (names[i], '.') + 1));
    }
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fl_test_app),
                                                                  "app.open");
    g_assert_cmpstr (accels[0], ==, "<Control>o");
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("futures-lab-export-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  window = fl_test_app_start ();
  page = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));

  g_test_add_func ("/app/export/actions-exist", test_export_actions_exist);
  g_test_add_func ("/app/export/json-loads-back", test_json_loads_back);
  g_test_add_func ("/app/export/csv-has-a-line-per-future", test_csv_has_a_line_per_future);
  g_test_add_func ("/app/export/png-is-the-timeline", test_png_is_the_timeline);
  g_test_add_func ("/app/export/svg-is-an-svg", test_svg_is_an_svg);
  g_test_add_func ("/app/export/png-background-follows-dark-mode",
                   test_png_background_follows_dark_mode);
  g_test_add_func ("/app/export/unwritable-folder-is-a-clear-error",
                   test_unwritable_folder_is_a_clear_error);
  g_test_add_func ("/app/export/nothing-to-save-is-said", test_nothing_to_save_is_said);
  g_test_add_func ("/app/replay/shows-the-futures", test_replay_shows_the_futures);
  g_test_add_func ("/app/replay/unfinished-run", test_replay_of_an_unfinished_run);
  g_test_add_func ("/app/replay/same-rows-and-bars-as-live", test_replay_equals_live);
  g_test_add_func ("/app/replay/scrub-shows-states-at-instant",
                   test_scrub_shows_states_at_instant);
  g_test_add_func ("/app/replay/foreign-file-is-a-clear-error",
                   test_foreign_file_is_a_clear_error);
  g_test_add_func ("/app/replay/open-from-command-line", test_open_from_command_line);

  ret = g_test_run ();
  fl_test_app_stop ();
  fl_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
