/* test-cursor.c: the timeline's time cursor sets "now" for the whole page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For instants of a recorded run (live and finished, and the same trace replayed from a
 * file), the page's counts are those of the trace at that instant and say so, the
 * Anatomy page's state diagram shows the future as it was then, and the map page's
 * transcripts light exactly the lines printed by then. Clearing the cursor gives the end
 * (or now) back.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fl-anatomy-page.h"
#include "fl-app-test.h"
#include "fl-compute-page.h"
#include "fl-coroutines-page.h"
#include "fl-files.h"
#include "fl-flags-page.h"
#include "fl-format.h"
#include "fl-map-page.h"
#include "fl-replay-window.h"

static FlWindow *window;

/* With FL_TEST_SHOTS set to a folder, the window as it is on the test's display is saved
 * there as NAME.png (with ImageMagick's import: to look at what the cursor does to a
 * page); otherwise nothing. No window manager: the window sits at 0,0. */
static void
maybe_shot (const char *name)
{
  const char *dir = g_getenv ("FL_TEST_SHOTS");
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *crop = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (dir == NULL || dir[0] == '\0')
    return;
  /* let the page lay out and draw what it was told (only when shots are asked for) */
  for (gint64 end = g_get_monotonic_time () + 700 * 1000; g_get_monotonic_time () < end;)
    fl_test_iterate (50);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  crop = g_strdup_printf ("%dx%d+0+0", gtk_widget_get_width (GTK_WIDGET (window)),
                          gtk_widget_get_height (GTK_WIDGET (window)));
  {
    const char *argv[] = { "import", "-window", "root", "-crop", crop, path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 NULL, NULL, &status, &error));
  }
  g_assert_no_error (error);
  g_test_message ("saved %s", path);
}

static FlTimeline *
page_timeline (FlPage *page)
{
  GtkWidget *timeline = fl_test_find_type (GTK_WIDGET (page), FL_TYPE_TIMELINE);

  g_assert_nonnull (timeline);
  return FL_TIMELINE (timeline);
}

/* A random instant of [0, end], or one of the edges and the first transitions. */
static gint64
pick_instant (GRand   *rand,
              FlSpans *spans,
              guint    round)
{
  gint64 end = fl_spans_get_last_time (spans);

  switch (round)
    {
    case 0:
      return 0;
    case 1:
      return end;
    case 2:
      return fl_spans_next_transition (spans, 0, 1);
    case 3:
      return fl_spans_next_transition (spans, fl_spans_next_transition (spans, 0, 1), 1);
    default:
      return g_rand_int_range (rand, 0, (gint32) end + 1);
    }
}

/* The counts of @fresh at @t, as every page words them. */
static char *
counts_at (FlSpans *fresh,
           gint64   t)
{
  g_autofree char *counts = NULL;
  FlTally tally;

  fl_spans_tally_at (fresh, t, &tally);
  g_assert_cmpuint (tally.queued + tally.running + tally.done, ==, tally.total);
  counts = fl_tally_format (&tally);
  return fl_format_at_instant (t, counts);
}

static gboolean
page_run_done (FlPage *page)
{
  FlRun *run = fl_page_get_run (page);

  return run != NULL && fl_run_is_complete (run);
}

/* The timeline's cursor at @t (as a drag or ←/→ sets it): the page's counts are the
 * trace's at @t, the progress bar and label say them, as of that instant, with the
 * numbers of the timeline's own readout. */
static void
check_flags_counts_at (FlFlagsPage *flags,
                       FlTimeline  *timeline,
                       FlSpans     *fresh,
                       gint64       t)
{
  FlPage *page = FL_PAGE (flags);
  FlTally got, want;
  g_autofree char *counts = NULL;
  g_autofree char *label = NULL;
  g_autofree char *readout = NULL;

  fl_timeline_set_cursor (timeline, t);
  g_assert_cmpint (fl_page_get_cursor (page), ==, t);
  fl_page_get_tally (page, &got);
  fl_spans_tally_at (fresh, t, &want);
  g_assert_cmpuint (got.total, ==, want.total);
  g_assert_cmpuint (got.queued, ==, want.queued);
  g_assert_cmpuint (got.running, ==, want.running);
  g_assert_cmpuint (got.done, ==, want.done);
  g_assert_cmpuint (got.ok, ==, want.ok);
  g_assert_cmpuint (got.not_found, ==, want.not_found);
  g_assert_cmpuint (got.failed, ==, want.failed);
  g_assert_cmpuint (got.cancelled, ==, want.cancelled);
  g_assert_cmpuint (got.queued + got.running + got.done, ==, got.total);

  counts = fl_tally_format (&want);
  label = fl_format_at_instant (t, counts);
  g_assert_cmpstr (fl_flags_page_get_progress_text (flags), ==, label);
  g_assert_true (g_str_has_prefix (label, "at +"));
  readout = g_strdup_printf ("%u queued · %u running · %u done", want.queued, want.running,
                             want.done);
  g_assert_nonnull (strstr (fl_flags_page_get_progress_text (flags), readout));
  g_assert_cmpfloat_with_epsilon (fl_flags_page_get_progress_fraction (flags),
                                  want.total > 0 ? want.done / (double) want.total : 0, 1e-9);
  /* the grid shows the flags that had arrived by then, the others waiting */
  g_assert_cmpuint (fl_flags_page_get_n_shown (flags), ==, want.done);
  /* the final report stays, said to be of the end */
  g_assert_true (g_str_has_prefix (fl_flags_page_get_summary_text (flags), "At the end: "));
}

static void
check_flags_run (FlFlagsPage *flags,
                 guint32      seed)
{
  FlPage *page = FL_PAGE (flags);
  FlTimeline *timeline = page_timeline (page);
  FlRun *run = fl_page_get_run (page);
  g_autoptr(FlSpans) fresh = fl_spans_new (fl_run_get_trace (run));
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  FlTally end, got;

  fl_spans_update (fresh);
  g_assert_cmpuint (fl_spans_get_n_spans (fresh), >, 0);
  /* the grid decodes what arrived a frame's worth at a time: let it catch up */
  fl_run_get_tally (run, &end);
  fl_test_spin_until (fl_flags_page_get_n_shown (flags) == end.done, 20000);
  for (guint round = 0; round < 30; round++)
    check_flags_counts_at (flags, timeline, fresh, pick_instant (rand, fresh, round));

  /* Escape on the timeline: the counts of the end again, not of an instant */
  fl_timeline_set_cursor (timeline, -1);
  g_assert_cmpint (fl_page_get_cursor (page), ==, -1);
  fl_page_get_tally (page, &got);
  fl_run_get_tally (run, &end);
  g_assert_cmpuint (got.done, ==, end.done);
  g_assert_cmpuint (got.total, ==, end.total);
  g_assert_cmpuint (fl_flags_page_get_n_shown (flags), ==, end.done);
  g_assert_false (g_str_has_prefix (fl_flags_page_get_progress_text (flags), "at +"));
  g_assert_false (g_str_has_prefix (fl_flags_page_get_summary_text (flags), "At the end: "));
  g_assert_cmpfloat_with_epsilon (fl_flags_page_get_progress_fraction (flags),
                                  end.total > 0 ? end.done / (double) end.total : 0, 1e-9);
}

static void
test_flags_counts_at_instant (void)
{
  FlFlagsPage *flags = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));
  FlPage *page = FL_PAGE (flags);
  g_autofree char *dir = g_dir_make_tmp ("futures-lab-cursor-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autoptr(FlTrace) loaded = NULL;
  g_autoptr(FlRun) replay = NULL;
  g_autoptr(GError) error = NULL;

  fl_window_show_demo (window, "flags");
  fl_flags_page_set_codes (flags, FL_FLAGS_CODES_CUSTOM,
                           "cn in us br id pk ng bd ru mx jp zz", 0);
  fl_flags_page_set_workers (flags, 3);
  fl_flags_page_set_server (flags, FL_FLAGS_SERVER_CUSTOM, "20ms", "0%", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (page_run_done (page), 20000);
  check_flags_run (flags, 11);
  if (g_getenv ("FL_TEST_SHOTS") != NULL)
    {
      FlSpans *spans = fl_page_get_spans (page);

      fl_timeline_set_cursor (page_timeline (page), fl_spans_get_last_time (spans) / 2);
      maybe_shot ("cursor-flags");
      fl_timeline_set_cursor (page_timeline (page), -1);
    }

  /* the same run replayed from a file, shown on the same page */
  g_assert_true (fl_trace_save (fl_run_get_trace (fl_page_get_run (page)), path, &error));
  g_assert_no_error (error);
  loaded = fl_trace_load (path, &error);
  g_assert_no_error (error);
  replay = fl_run_new_for_trace (loaded);
  fl_page_set_run (page, replay);
  g_assert_cmpint (fl_page_get_cursor (page), ==, -1);
  check_flags_run (flags, 12);

  /* the saved-run window: the counts of the instant under the description of the file */
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GRand) rand = g_rand_new_with_seed (13);
    g_autoptr(FlSpans) fresh = fl_spans_new (loaded);
    FlReplayWindow *saved = fl_replay_window_open (GTK_APPLICATION (fl_test_app), file,
                                                   &error);
    FlTimeline *timeline;

    g_assert_no_error (error);
    timeline = FL_TIMELINE (fl_test_find_type (GTK_WIDGET (saved), FL_TYPE_TIMELINE));
    fl_spans_update (fresh);
    for (guint round = 0; round < 10; round++)
      {
        gint64 t = pick_instant (rand, fresh, round);
        g_autofree char *counts = counts_at (fresh, t);
        g_autofree char *want = g_strconcat (fl_replay_window_get_info (saved), "\n", counts,
                                             NULL);

        fl_timeline_set_cursor (timeline, t);
        g_assert_cmpstr (fl_replay_window_get_info_text (saved), ==, want);
      }
    fl_timeline_set_cursor (timeline, -1);
    g_assert_cmpstr (fl_replay_window_get_info_text (saved), ==,
                     fl_replay_window_get_info (saved));
    gtk_window_destroy (GTK_WINDOW (saved));
  }

  /* a new run clears the instant of the old one */
  fl_timeline_set_cursor (page_timeline (page), 1000);
  g_assert_cmpint (fl_page_get_cursor (page), ==, 1000);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  g_assert_cmpint (fl_page_get_cursor (page), ==, -1);
  g_assert_cmpint (fl_timeline_get_cursor (page_timeline (page)), ==, -1);
  fl_test_spin_until (page_run_done (page), 20000);

  g_unlink (path);
  fl_remove_tree (dir);
}

static void
test_anatomy_diagram_at_instant (void)
{
  FlAnatomyPage *anatomy = FL_ANATOMY_PAGE (fl_window_get_page (window, "anatomy"));
  FlStateDiagram *diagram = fl_anatomy_page_get_diagram (anatomy);
  FlTimeline *timeline;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(FlSpans) fresh = NULL;
  g_autofree char *live_path = NULL;
  g_autofree char *path = NULL;
  const FlSpan *span;
  FlFuture *current;

  fl_window_show_demo (window, "anatomy");
  gtk_widget_activate_action (GTK_WIDGET (anatomy), "anatomy.clear", NULL);
  timeline = page_timeline (FL_PAGE (anatomy));
  /* three futures queued behind the one worker; the buttons act on the last, which fails */
  fl_anatomy_page_set_job (anatomy, 0.08, FALSE, 1.0);
  for (guint i = 0; i < 2; i++)
    g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                    g_variant_new ("(ss)", "anatomy", "submit"));
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "anatomy", "submit-failing"));
  current = fl_anatomy_page_get_current (anatomy);
  g_assert_nonnull (current);
  fl_test_spin_until (fl_future_is_done (current)
                      && fl_state_diagram_get_state (diagram) == FL_FUTURE_FAILED, 10000);
  live_path = fl_state_diagram_dup_path (diagram);
  g_assert_cmpstr (live_path, ==, "pending → running → failed");

  fresh = fl_spans_new (fl_timeline_get_trace (timeline));
  fl_spans_update (fresh);
  span = fl_spans_lookup (fresh, fl_future_get_id (current), NULL);
  g_assert_nonnull (span);
  g_assert_cmpint (span->finished, >=, 0);
  for (guint round = 0; round < 40; round++)
    {
      gint64 t = pick_instant (rand, fresh, round);

      if (round == 4)
        t = span->started;                       /* the instant it started */
      else if (round == 5)
        t = span->finished - 1;                  /* still running */
      fl_timeline_set_cursor (timeline, t);
      g_assert_cmpint (fl_page_get_cursor (FL_PAGE (anatomy)), ==, t);
      if (span->queued > t)
        g_assert_false (fl_state_diagram_has_state (diagram));
      else
        {
          g_assert_true (fl_state_diagram_has_state (diagram));
          g_assert_cmpint (fl_state_diagram_get_state (diagram), ==, fl_span_state_at (span, t));
        }
    }

  if (g_getenv ("FL_TEST_SHOTS") != NULL)
    {
      fl_timeline_set_cursor (timeline, (span->started + span->finished) / 2);
      maybe_shot ("cursor-anatomy");
    }

  /* Escape: the diagram shows the future as it is now, the whole path lit */
  fl_timeline_set_cursor (timeline, -1);
  g_assert_cmpint (fl_state_diagram_get_state (diagram), ==, fl_future_get_state (current));
  path = fl_state_diagram_dup_path (diagram);
  g_assert_cmpstr (path, ==, live_path);
}

static FlTimeline *
timeline_of (GPtrArray  *timelines,
             const char *title)
{
  for (guint i = 0; i < timelines->len; i++)
    {
      FlTrace *trace = fl_timeline_get_trace (g_ptr_array_index (timelines, i));

      if (trace != NULL && g_strcmp0 (fl_trace_get_title (trace), title) == 0)
        return g_ptr_array_index (timelines, i);
    }
  g_assert_not_reached ();
  return NULL;
}

/* Line by line: lit ("said-by-cursor") exactly when printed by @instant (µs from the
 * pane's origin), dimmed otherwise; no tag at all when @instant < 0. */
static void
check_transcript (FlMapPage  *map,
                  const char *consumer,
                  gint64      instant,
                  gboolean    cursor_set)
{
  GtkTextBuffer *buffer = fl_map_page_get_transcript_buffer (map, consumer);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *lit = gtk_text_tag_table_lookup (table, "said-by-cursor");
  GtkTextTag *dim = gtk_text_tag_table_lookup (table, "after-cursor");
  guint n = fl_map_page_get_n_lines (map, consumer);
  guint n_lit = 0;

  g_assert_nonnull (lit);
  g_assert_nonnull (dim);
  g_assert_cmpuint (n, >, 3);
  /* one line per thing said, and the empty line after the last newline */
  g_assert_cmpint (gtk_text_buffer_get_line_count (buffer), ==, (int) n + 1);
  for (guint i = 0; i < n; i++)
    {
      gint64 stamped = fl_map_page_get_line_time (map, consumer, i);
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_line (buffer, &iter, (int) i);
      if (cursor_set && stamped <= instant)
        {
          g_assert_true (gtk_text_iter_has_tag (&iter, lit));
          g_assert_false (gtk_text_iter_has_tag (&iter, dim));
          n_lit++;
        }
      else if (cursor_set)
        {
          g_assert_false (gtk_text_iter_has_tag (&iter, lit));
          g_assert_true (gtk_text_iter_has_tag (&iter, dim));
        }
      else
        {
          g_assert_false (gtk_text_iter_has_tag (&iter, lit));
          g_assert_false (gtk_text_iter_has_tag (&iter, dim));
        }
      /* the last character of the line too: the whole line is lit, or none of it */
      if (!gtk_text_iter_ends_line (&iter))
        gtk_text_iter_forward_to_line_end (&iter);
      gtk_text_iter_backward_char (&iter);
      g_assert_true (gtk_text_iter_has_tag (&iter, lit) == (cursor_set && stamped <= instant));
    }
  if (cursor_set && instant >= 0)
    g_assert_cmpuint (n_lit, >=, 1);   /* "Script starting." is stamped at the origin */
}

static void
test_map_transcript_at_instant (void)
{
  FlMapPage *map = FL_MAP_PAGE (fl_window_get_page (window, "map"));
  FlPage *page = FL_PAGE (map);
  g_autoptr(GPtrArray) timelines = g_ptr_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(FlSpans) fresh = NULL;
  FlTimeline *map_timeline, *ac_timeline;
  gint64 map_origin, ac_origin;

  fl_window_show_demo (window, "map");
  fl_map_page_set_params (map, 5, 2, 40, TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "map", "both"));
  fl_test_spin_until (fl_map_page_is_done (map), 20000);
  fl_test_collect_timelines (GTK_WIDGET (map), timelines);
  map_timeline = timeline_of (timelines, "map");
  ac_timeline = timeline_of (timelines, "as_completed");
  map_origin = fl_trace_get_origin (fl_timeline_get_trace (map_timeline));
  ac_origin = fl_trace_get_origin (fl_timeline_get_trace (ac_timeline));
  fresh = fl_spans_new (fl_timeline_get_trace (map_timeline));
  fl_spans_update (fresh);

  check_transcript (map, "map", -1, FALSE);
  for (guint round = 0; round < 30; round++)
    {
      gint64 t = pick_instant (rand, fresh, round);
      gint64 ac_t = MAX (0, t + map_origin - ac_origin);

      fl_timeline_set_cursor (map_timeline, t);
      g_assert_cmpint (fl_page_get_cursor (page), ==, t);
      check_transcript (map, "map", t, TRUE);
      check_transcript (map, "as-completed", t + map_origin - ac_origin, TRUE);
      /* one instant for the page: the other pane's timeline shows it too */
      g_assert_cmpint (fl_timeline_get_cursor (ac_timeline), ==, ac_t);
    }

  /* a cursor set on the as_completed() pane's timeline is the page's */
  fl_timeline_set_cursor (ac_timeline, 1000 * 60);
  g_assert_cmpint (fl_page_get_cursor (page), ==, MAX (0, 1000 * 60 + ac_origin - map_origin));
  g_assert_cmpint (fl_timeline_get_cursor (map_timeline), ==, fl_page_get_cursor (page));
  check_transcript (map, "map", fl_page_get_cursor (page), TRUE);
  check_transcript (map, "as-completed", fl_page_get_cursor (page) + map_origin - ac_origin,
                    TRUE);

  if (g_getenv ("FL_TEST_SHOTS") != NULL)
    {
      fl_timeline_set_cursor (map_timeline, fl_spans_get_last_time (fresh) / 2);
      maybe_shot ("cursor-map");
    }

  /* Escape: no line lit, none dimmed */
  fl_timeline_set_cursor (map_timeline, -1);
  g_assert_cmpint (fl_timeline_get_cursor (ac_timeline), ==, -1);
  check_transcript (map, "map", -1, FALSE);
  check_transcript (map, "as-completed", -1, FALSE);
}

static void
test_compute_and_coroutines_counts_at_instant (void)
{
  FlComputePage *compute = FL_COMPUTE_PAGE (fl_window_get_page (window, "compute"));
  FlCoroutinesPage *coroutines = FL_COROUTINES_PAGE (fl_window_get_page (window,
                                                                         "coroutines"));
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  g_autoptr(FlSpans) fresh = NULL;
  g_autofree char *status = NULL;
  FlTimeline *timeline;

  /* Compute: the status line */
  fl_window_show_demo (window, "compute");
  fl_compute_page_set_workload (compute, 12, 240, 2);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "compute", "threads"));
  fl_test_spin_until (page_run_done (FL_PAGE (compute)), 20000);
  status = g_strdup (fl_compute_page_get_status (compute));
  timeline = page_timeline (FL_PAGE (compute));
  fresh = fl_spans_new (fl_run_get_trace (fl_page_get_run (FL_PAGE (compute))));
  fl_spans_update (fresh);
  for (guint round = 0; round < 20; round++)
    {
      gint64 t = pick_instant (rand, fresh, round);
      g_autofree char *want = counts_at (fresh, t);

      fl_timeline_set_cursor (timeline, t);
      g_assert_cmpstr (fl_compute_page_get_status (compute), ==, want);
    }
  fl_timeline_set_cursor (timeline, -1);
  g_assert_cmpstr (fl_compute_page_get_status (compute), ==, status);
  g_clear_object (&fresh);

  /* Coroutines: the clock line, after the run (while it runs, the live clock leads it) */
  fl_window_show_demo (window, "coroutines");
  fl_coroutines_page_set_tasks (coroutines, FL_COROUTINES_SLEEP, 6, 0, 1.5, 1.0);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "coroutines", "gather"));
  fl_test_spin_until (fl_coroutines_page_is_done (coroutines), 20000);
  timeline = page_timeline (FL_PAGE (coroutines));
  fresh = fl_spans_new (fl_run_get_trace (fl_page_get_run (FL_PAGE (coroutines))));
  fl_spans_update (fresh);
  for (guint round = 0; round < 20; round++)
    {
      gint64 t = pick_instant (rand, fresh, round);
      g_autofree char *want = counts_at (fresh, t);

      fl_timeline_set_cursor (timeline, t);
      g_assert_cmpstr (fl_coroutines_page_get_clock_text (coroutines), ==, want);
    }
  fl_timeline_set_cursor (timeline, -1);
  g_assert_cmpstr (fl_coroutines_page_get_clock_text (coroutines), ==, "");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();

  g_test_add_func ("/app/cursor/flags-counts-are-those-of-the-instant",
                   test_flags_counts_at_instant);
  g_test_add_func ("/app/cursor/anatomy-diagram-shows-the-state-then",
                   test_anatomy_diagram_at_instant);
  g_test_add_func ("/app/cursor/map-transcript-lights-lines-printed-by-then",
                   test_map_transcript_at_instant);
  g_test_add_func ("/app/cursor/compute-and-coroutines-counts-are-those-of-the-instant",
                   test_compute_and_coroutines_counts_at_instant);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
