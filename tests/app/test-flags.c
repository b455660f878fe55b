/* test-flags.c: the Flags page downloads from the embedded server in every mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-span-model.h"
#include "fl-flags-page.h"
#include "fl-futures-list.h"
#include "fl-timeline.h"
#include "futures-lab-tasks.h"

static FlWindow *window;
static FlFlagsPage *page;

static void
reset_page (void)
{
  fl_flags_page_set_codes (page, FL_FLAGS_CODES_POPULOUS, "", 0);
  fl_flags_page_set_workers (page, 20);
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_LOCAL, "200ms", "0%", "");
}

static gboolean
run_done (void)
{
  FlRun *run = fl_page_get_run (FL_PAGE (page));

  return run != NULL && fl_run_is_complete (run);
}

/* The list the user sees must say what the summary says, future by future. */
static void
check_list_agrees (guint expected_total)
{
  FlFuturesList *list = FL_FUTURES_LIST (fl_test_find_type (GTK_WIDGET (page),
                                                           FL_TYPE_FUTURES_LIST));
  GListModel *model = fl_futures_list_get_model (list);
  FlFlagsSummary s;
  guint ok = 0, nf = 0, err = 0, cancelled = 0;

  g_assert_true (fl_flags_page_get_summary (page, &s));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected_total);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlSpanItem) item = g_list_model_get_item (model, i);
      const FlSpan *span = fl_span_item_get_span (item);

      g_assert_true (fl_span_is_done (span));
      switch (span->outcome)
        {
        case FL_OUTCOME_OK:
          ok++;
          g_assert_cmpint (span->state, ==, FL_FUTURE_FINISHED);
          break;
        case FL_OUTCOME_NOT_FOUND:
          nf++;
          g_assert_cmpint (span->state, ==, FL_FUTURE_FINISHED);
          break;
        case FL_OUTCOME_CANCELLED:
          cancelled++;
          break;
        case FL_OUTCOME_FAILED:
        default:
          err++;
          g_assert_cmpint (span->state, ==, FL_FUTURE_FAILED);
          break;
        }
    }
  g_assert_cmpuint (s.ok, ==, ok);
  g_assert_cmpuint (s.not_found, ==, nf);
  g_assert_cmpuint (s.error, ==, err);
  g_assert_cmpuint (s.cancelled, ==, cancelled);
  g_assert_cmpuint (ok + nf + err + cancelled, ==, expected_total);
}

static void
check_files (void)
{
  g_auto(GStrv) codes = fl_countries_list_populous ();

  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autofree char *name = g_strconcat (codes[i], ".gif", NULL);
      g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "futures-lab", "flags",
                                                name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;
      g_autoptr(GBytes) served = fl_flag_server_lookup_flag (codes[i]);

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_assert_nonnull (served);
      g_assert_cmpmem (data, len, g_bytes_get_data (served, NULL), g_bytes_get_size (served));
    }
}

static void
run_mode_through_action (const char *mode)
{
  FlRun *before = fl_page_get_run (FL_PAGE (page));
  FlFlagsSummary s;
  g_autofree char *ok_text = NULL;

  reset_page ();
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", mode));
  g_assert_true (fl_page_get_run (FL_PAGE (page)) != before);
  g_assert_cmpstr (fl_run_get_mode (fl_page_get_run (FL_PAGE (page))), ==, mode);
  fl_test_spin_until (run_done (), 20000);
  /* the summary is written by the same completion */
  g_assert_true (fl_flags_page_get_summary (page, &s));
  g_assert_cmpuint (s.ok, ==, 20);
  ok_text = g_strdup_printf ("%u OK", s.ok);
  g_assert_nonnull (strstr (fl_flags_page_get_summary_text (page), ok_text));
  check_list_agrees (20);
  check_files ();
  /* every image is decoded within a few frames */
  fl_test_spin_until (fl_flags_page_get_n_images (page) == 20, 10000);
}

static void
test_sequential (void)
{
  run_mode_through_action ("sequential");
}

static void
test_threads (void)
{
  run_mode_through_action ("threads");
}

static void
test_async (void)
{
  run_mode_through_action ("async");
}

static void
test_processes (void)
{
  GListModel *futures;

  run_mode_through_action ("processes");
  /* Every download ran in a worker process. */
  futures = G_LIST_MODEL (fl_page_get_run (FL_PAGE (page)));
  g_assert_cmpuint (g_list_model_get_n_items (futures), ==, 20);
  for (guint i = 0; i < g_list_model_get_n_items (futures); i++)
    {
      g_autoptr(FlFuture) future = g_list_model_get_item (futures, i);
      g_assert_cmpint (fl_future_get_lane_kind (future), ==, FL_LANE_PROCESS);
      /* the byte count crosses the pipe too */
      g_assert_cmpuint (fl_future_get_bytes (future), >, 0);
    }
}

static void
test_button_click_starts_run (void)
{
  GtkWidget *button = fl_test_find_action_button (GTK_WIDGET (page), "page.run", "async");
  FlRun *before = fl_page_get_run (FL_PAGE (page));
  guint runs_before = fl_flags_page_get_n_runs (page);

  reset_page ();
  fl_window_show_demo (window, "flags");
  g_assert_nonnull (button);
  fl_test_spin_until (gtk_widget_get_mapped (button), 5000);
  gtk_widget_activate (button);
  /* activate animates the press first; the click arrives a moment later */
  fl_test_spin_until (fl_page_get_run (FL_PAGE (page)) != before, 5000);
  g_assert_cmpstr (fl_run_get_mode (fl_page_get_run (FL_PAGE (page))), ==, "async");
  fl_test_spin_until (run_done (), 20000);
  check_list_agrees (20);
  g_assert_cmpuint (fl_flags_page_get_n_runs (page), ==, runs_before + 1);
}

static void
test_errors_counted_apart (void)
{
  FlFlagsSummary s;

  reset_page ();
  /* ZZ is not a country: the server answers 404; half of the rest fail with 418 */
  fl_flags_page_set_codes (page, FL_FLAGS_CODES_CUSTOM, "cn in us br zz xx id", 0);
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "0ms", "50%", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (run_done (), 20000);
  check_list_agrees (7);
  g_assert_true (fl_flags_page_get_summary (page, &s));
  g_assert_cmpuint (s.not_found + s.error, >=, 2);
  g_assert_cmpuint (s.error, >, 0);
  g_assert_cmpuint (s.ok, >, 0);
}

static void
error_shown_cb (FlPage     *p,
                const char *message,
                char      **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

static void
expect_refused (const char *what)
{
  FlRun *before = fl_page_get_run (FL_PAGE (page));
  g_autofree char *message = NULL;
  g_autofree char *summary = g_strdup (fl_flags_page_get_summary_text (page));
  gulong id = g_signal_connect (page, "error-shown", G_CALLBACK (error_shown_cb), &message);

  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (message != NULL, 5000);
  g_test_message ("%s: %s", what, message);
  g_assert_true (fl_page_get_run (FL_PAGE (page)) == before);
  g_assert_cmpstr (fl_flags_page_get_summary_text (page), ==, summary);
  g_signal_handler_disconnect (page, id);
}

static void
test_bad_input_is_refused_clearly (void)
{
  reset_page ();
  fl_flags_page_set_codes (page, FL_FLAGS_CODES_CUSTOM, "cn 12 us", 0);
  expect_refused ("bad code");
  reset_page ();
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_URL, NULL, NULL, "ftp://example.org/flags");
  expect_refused ("bad URL");
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_URL, NULL, NULL, "not a url at all");
  expect_refused ("not a URL");
  reset_page ();
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "soon", "0%", NULL);
  expect_refused ("bad delay");
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "0ms", "250%", NULL);
  expect_refused ("bad rate");
}

static void
test_other_base_url (void)
{
  FlFlagServer *server = fl_page_get_server (FL_PAGE (page));
  g_autofree char *base = fl_flag_server_dup_base_url (server);
  g_autoptr(FlFaultConfig) local = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  FlFlagsSummary s;

  /* The page leaves the embedded server alone when it uses a base URL; earlier tests
   * left faults configured. */
  fl_flag_server_set_fault_config (server, local);
  reset_page ();
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_URL, NULL, NULL, base);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (run_done (), 20000);
  g_assert_true (fl_flags_page_get_summary (page, &s));
  g_assert_cmpuint (s.ok, ==, 20);

  /* a port nobody listens on: every item fails, and is counted */
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_URL, NULL, NULL, "http://127.0.0.1:9/flags");
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "async"));
  fl_test_spin_until (run_done (), 20000);
  check_list_agrees (20);
  g_assert_true (fl_flags_page_get_summary (page, &s));
  g_assert_cmpuint (s.error, ==, 20);
}

static void
test_cancel_all (void)
{
  FlFlagsSummary s;

  reset_page ();
  fl_flags_page_set_workers (page, 2);
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "2s", "0%", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (fl_run_get_n_total (fl_page_get_run (FL_PAGE (page))) == 20, 5000);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "cancel-all", NULL);
  fl_test_spin_until (run_done (), 10000);
  check_list_agrees (20);
  g_assert_true (fl_flags_page_get_summary (page, &s));
  g_assert_cmpuint (s.cancelled, >=, 18);
  g_assert_cmpuint (s.ok, ==, 0);
  g_assert_cmpfloat (s.elapsed, <, 2.0);
}

static void
test_timeline_shows_lanes (void)
{
  FlTimeline *timeline = FL_TIMELINE (fl_test_find_type (GTK_WIDGET (page), FL_TYPE_TIMELINE));
  FlTimelineStats stats;

  reset_page ();
  fl_flags_page_set_workers (page, 4);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "flags", "threads"));
  fl_test_spin_until (run_done (), 20000);
  g_assert_true (fl_timeline_get_trace (timeline) == fl_run_get_trace (fl_page_get_run (FL_PAGE (page))));
  /* the next frame draws it */
  fl_test_spin_until ((fl_timeline_get_stats (timeline, &stats), stats.n_spans == 20
                       && stats.n_visible == 20), 5000);
  /* the main loop lane, and at most four thread lanes */
  g_assert_cmpuint (stats.n_lanes, >=, 2);
  g_assert_cmpuint (stats.n_lanes, <=, 5);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  page = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));
  fl_window_show_demo (window, "flags");

  g_test_add_func ("/app/flags/sequential-downloads-every-flag", test_sequential);
  g_test_add_func ("/app/flags/threads-downloads-every-flag", test_threads);
  g_test_add_func ("/app/flags/async-downloads-every-flag", test_async);
  g_test_add_func ("/app/flags/processes-downloads-every-flag", test_processes);
  g_test_add_func ("/app/flags/button-click-starts-run", test_button_click_starts_run);
  g_test_add_func ("/app/flags/errors-counted-apart", test_errors_counted_apart);
  g_test_add_func ("/app/flags/bad-input-refused-clearly", test_bad_input_is_refused_clearly);
  g_test_add_func ("/app/flags/other-base-url", test_other_base_url);
  g_test_add_func ("/app/flags/cancel-all", test_cancel_all);
  g_test_add_func ("/app/flags/timeline-shows-lanes", test_timeline_shows_lanes);

  ret = g_test_run ();
  fl_test_app_stop ();
  return ret;
}
