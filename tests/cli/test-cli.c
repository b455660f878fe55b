/* test-cli.c: futures-lab-cli flags and serve, run as the user runs them
 *
 * The binary under test comes from FL_CLI (set by meson). Servers the tests talk to run in
 * this process on their own threads (FlFlagServer) or as python3's http.server, the plain
 * HTTP server of any Debian machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "futures-lab-server.h"
#include "futures-lab-tasks.h"
#include "fl-test-utils.h"
#include "fl-cli-test-run.h"

/* -a: the book's country_codes.txt, 194 codes. */
static guint
n_known_codes (void)
{
  return 194;
}

/* Every file in @dir is a complete flag, byte for byte; returns how many. */
static guint
check_complete_flags (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *cc = g_strndup (name, 2);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) expected = fl_flag_server_lookup_flag (cc);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (strlen (name) == 6 && g_str_has_suffix (name, ".gif"));
      g_assert_nonnull (expected);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL),
                       g_bytes_get_size (expected));
      n++;
    }
  return n;
}

typedef struct
{
  guint ok, not_found, error, cancelled, concurrency;
  char *mode;
  GHashTable *failed;        /* cc set */
  GHashTable *transitions;   /* id -> count */
  GHashTable *terminal;      /* id -> count */
} Summary;

static void
summary_clear (Summary *summary)
{
  g_free (summary->mode);
  g_clear_pointer (&summary->failed, g_hash_table_unref);
  g_clear_pointer (&summary->transitions, g_hash_table_unref);
  g_clear_pointer (&summary->terminal, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Summary, summary_clear)

static void
count (GHashTable *table,
       gint64      id)
{
  gpointer key = GSIZE_TO_POINTER ((gsize) id);

  g_hash_table_insert (table, key,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (table, key)) + 1));
}

/* Parses --json output: every line an object, transitions first, the summary last. */
static void
parse_json_lines (const char *out,
                  Summary    *summary)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = g_strv_length (lines);
  gboolean seen_summary = FALSE;

  summary->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  summary->transitions = g_hash_table_new (NULL, NULL);
  summary->terminal = g_hash_table_new (NULL, NULL);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (lines[n - 1], ==, "");   /* ends with a newline */

  for (guint i = 0; i < n - 1; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;
      const char *event;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      event = json_object_get_string_member (object, "event");
      g_assert_false (seen_summary);   /* the summary is the last line */

      if (g_str_equal (event, "summary"))
        {
          seen_summary = TRUE;
          g_assert_cmpuint (i, ==, n - 2);
          summary->ok = json_object_get_int_member (object, "ok");
          summary->not_found = json_object_get_int_member (object, "not_found");
          summary->error = json_object_get_int_member (object, "error");
          summary->cancelled = json_object_get_int_member (object, "cancelled");
          summary->concurrency = json_object_get_int_member (object, "concurrency");
          summary->mode = g_strdup (json_object_get_string_member (object, "mode"));
          g_assert_true (json_object_has_member (object, "elapsed"));
          continue;
        }

      g_assert_cmpstr (event, ==, "transition");
      count (summary->transitions, json_object_get_int_member (object, "id"));
      if (json_object_has_member (object, "status"))
        {
          const char *status = json_object_get_string_member (object, "status");

          count (summary->terminal, json_object_get_int_member (object, "id"));
          if (g_str_equal (status, "ERROR"))
            g_hash_table_add (summary->failed,
                              g_strdup (json_object_get_string_member (object, "cc")));
        }
    }
  g_assert_true (seen_summary);
}

static void
assert_every_item_accounted (Summary *summary,
                             guint    n)
{
  GHashTableIter iter;
  gpointer value;

  g_assert_cmpuint (summary->ok + summary->not_found + summary->error + summary->cancelled, ==, n);
  /* One PENDING line and exactly one terminal line per future. */
  g_assert_cmpuint (g_hash_table_size (summary->transitions), ==, n);
  g_assert_cmpuint (g_hash_table_size (summary->terminal), ==, n);
  g_hash_table_iter_init (&iter, summary->terminal);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
}

/* --- usage errors -------------------------------------------------------------------------- */

static void
test_usage_errors (void)
{
  const struct
  {
    const char *args[6];
    const char *message;
  } cases[] = {
    { { "flags", "-l", "0" }, "limit" },
    { { "flags", "-m", "0" }, "-m" },
    { { "flags", "-m", "-1" }, "--max_req" },
    { { "flags", "-l", "-1" }, "--limit" },
    { { "flags", "-l-1" }, "--limit" },
    { { "flags", "--timeout", "-1" }, "timeout" },
    { { "flags", "--timeout", "nan" }, "timeout" },
    { { "flags", "-s", "REMOTE" }, "no network" },
    { { "flags", "-s", "http://127.0.0.1:99999/flags" }, "bad port “99999”" },
    { { "flags", "-s", "http://127.0.0.1:0/flags" }, "bad port “0”" },
    { { "flags", "--m", "3" }, "ambiguous option: --m could match --max-req, --mode, --metadata" },
    { { "flags", "--mode", "fibers" }, "unknown mode" },
    { { "flags", "-s", "NOWHERE" }, "unknown server" },
    { { "flags", "-s", "ftp://host/flags" }, "unknown server" },
    { { "flags", "1x" }, "each CC argument" },
    { { "flags", "abc" }, "each CC argument" },
    { { "flags", "--timeout", "0" }, "timeout" },
    { { "flags", "-s", "http://127.0.0.1:1/flags", "--delay", "10" }, "embedded server" },
    { { "flags", "--delay", "soon" }, "Invalid delay" },
    { { "flags", "--error-rate", "2" }, "Invalid rate" },
    { { "flags", "--error-status", "404" }, "404" },
    { { "flags", "--seed", "-4" }, "seed" },
    { { "flags", "--bogus" }, "bogus" },
    { { "serve", "--port", "70000" }, "port" },
    { { "serve", "--preset", "SLOW" }, "unknown preset" },
    { { "serve", "extra" }, "unexpected argument" },
    { { "queue", "--produce-rate", "nan" }, "finite" },
    { { "queue", "--consume-rate", "inf" }, "finite" },
    { { "queue", "--jitter", "nan" }, "finite" },
    { { "serve", "--address", "localhost" }, "IP address" },
    { { "compute", "--crash-kind", "bogus", "--inject-crash", "1" }, "unknown crash kind" },
    { { "compute", "--trace", "/nonexistent/dir/trace.json" }, "--trace" },
    { { "flags", "--trace", "/nonexistent/dir/trace.json" }, "--trace" },
    { { "compute", "--workers", "-1" }, "0: one per core" },
    { { "nosuchcommand" }, "unknown command" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = fl_cli_test_run (cases[i].args, NULL, &out, &err);

      if (status != 2 || strstr (err, cases[i].message) == NULL)
        g_error ("%s %s: exit %d, stderr “%s”", cases[i].args[0], cases[i].args[1], status, err);
    }
}

/* --- runs against the embedded server ------------------------------------------------------ */

static void
test_error_preset_accounts_for_every_item (void)
{
  g_autofree char *dir = fl_cli_test_make_tmp ();
  g_autofree char *out = NULL, *err = NULL;
  g_auto(Summary) summary = { 0 };
  const char *args[] = { "flags", "-s", "ERROR", "--delay", "0-40", "-e", "-l", "80", "-m", "20",
                         "--seed", "5", "--drop-rate", "0.05", "--truncate-rate", "0.05", "--json",
                         "-o", dir, NULL };

  g_assert_cmpint (fl_cli_test_run (args, NULL, &out, &err), ==, 0);
  parse_json_lines (out, &summary);
  assert_every_item_accounted (&summary, 80);
  g_assert_cmpstr (summary.mode, ==, "threads");
  g_assert_cmpuint (summary.concurrency, ==, 20);
  g_assert_cmpuint (summary.error, >, 0);
  g_assert_cmpuint (summary.not_found, >, 0);
  g_assert_cmpuint (summary.ok, >, 0);
  g_assert_cmpuint (summary.cancelled, ==, 0);
  /* Only complete, identical flags were saved, one per OK. */
  g_assert_cmpuint (check_complete_flags (dir), ==, summary.ok);
  g_assert_nonnull (strstr (err, "ERROR site: http://127.0.0.1:"));
  fl_remove_tree (dir);
}

static GHashTable *
failed_codes (const char *seed,
              const char *mode)
{
  g_autofree char *dir = fl_cli_test_make_tmp ();
  g_autofree char *out = NULL;
  g_auto(Summary) summary = { 0 };
  const char *args[] = { "flags", "-s", "LOCAL", "--error-rate", "0.3", "-a", "-m", "25",
                         "--mode", mode, "--seed", seed, "--json", "-o", dir, NULL };

  g_assert_cmpint (fl_cli_test_run (args, NULL, &out, NULL), ==, 0);
  parse_json_lines (out, &summary);
  assert_every_item_accounted (&summary, n_known_codes ());
  fl_remove_tree (dir);
  return g_hash_table_ref (summary.failed);
}

static gboolean
same_set (GHashTable *a,
          GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      return FALSE;
  return TRUE;
}

static void
test_same_seed_same_failures (void)
{
  g_autoptr(GHashTable) first = failed_codes ("11", "threads");
  g_autoptr(GHashTable) again = failed_codes ("11", "async");
  g_autoptr(GHashTable) other = failed_codes ("12", "threads");

  g_assert_cmpuint (g_hash_table_size (first), >, 0);
  g_assert_true (same_set (first, again));
  g_assert_false (same_set (first, other));
}

static void
test_concurrency_reached_as_asked (void)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(FlFlagServer) server = NULL;
  g_autofree char *base = NULL;
  const char *modes[] = { "threads", "async", "sequential", "processes" };
  const guint expected[] = { 6, 6, 1, 6 };

  config->delay_min_ms = config->delay_max_ms = 100;
  server = fl_flag_server_new (config);
  g_assert_true (fl_flag_server_start (server, NULL));
  base = fl_flag_server_dup_base_url (server);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *dir = fl_cli_test_make_tmp ();
      g_autofree char *out = NULL;
      g_auto(Summary) summary = { 0 };
      const char *args[] = { "flags", "-s", base, "-m", "6", "--mode", modes[i], "-a", "-l",
                             i == 2 ? "3" : "18", "--json", "-o", dir, NULL };

      fl_flag_server_reset_stats (server);
      g_assert_cmpint (fl_cli_test_run (args, NULL, &out, NULL), ==, 0);
      parse_json_lines (out, &summary);
      g_assert_cmpuint (summary.ok, ==, i == 2 ? 3 : 18);
      g_assert_cmpuint (summary.concurrency, ==, expected[i]);
      g_assert_cmpuint (fl_flag_server_get_max_in_flight (server), ==, expected[i]);
      fl_remove_tree (dir);
    }
}

static void
test_interrupt_prints_partial_report (void)
{
  g_autofree char *dir = fl_cli_test_make_tmp ();
  const char *args[] = { "flags", "-s", "LOCAL", "--delay", "400", "--bandwidth", "3000", "-a",
                         "-m", "4", "--json", "-o", dir, NULL };
  g_autoptr(GSubprocess) process = fl_cli_test_spawn (args, NULL, NULL);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(Summary) summary = { 0 };
  gboolean running = FALSE;

  /* Wait for a download in progress, then Ctrl-C. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while (!running)
    {
      g_autofree char *line = fl_cli_test_read_line (lines);

      g_assert_nonnull (line);
      g_string_append_printf (out, "%s\n", line);
      running = strstr (line, "\"RUNNING\"") != NULL;
    }
  g_subprocess_send_signal (process, SIGINT);

  for (;;)
    {
      g_autofree char *line = fl_cli_test_read_line (lines);

      if (line == NULL)
        break;
      g_string_append_printf (out, "%s\n", line);
    }
  fl_cli_test_wait (process, 30000);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);

  parse_json_lines (out->str, &summary);
  assert_every_item_accounted (&summary, n_known_codes ());
  g_assert_cmpuint (summary.cancelled, >, 0);
  /* No partial or temporary file: only whole flags, if any finished. */
  g_assert_cmpuint (check_complete_flags (dir), ==, summary.ok);
  fl_remove_tree (dir);
}

static void
test_modes_agree (void)
{
  const char *modes[] = { "sequential", "threads", "async", "processes" };
  g_auto(GStrv) known = fl_countries_list_codes ();
  g_autofree char *downloaded = NULL;
  g_autofree char *not_found = NULL;
  guint n_c = 0;

  for (guint i = 0; known[i] != NULL; i++)
    n_c += known[i][0] == 'c';
  g_assert_cmpuint (n_c, >, 10);
  downloaded = g_strdup_printf ("%u flags downloaded.", n_c);
  not_found = g_strdup_printf ("%u not found.", 27 - n_c);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *dir = fl_cli_test_make_tmp ();
      g_autofree char *out = NULL;
      g_autofree char *trace = g_build_filename (dir, "trace.json", NULL);
      g_autofree char *flags_dir = g_build_filename (dir, "out", NULL);
      g_autofree char *trace_text = NULL;
      const char *args[] = { "flags", "--mode", modes[i], "c", "zz", "-o", flags_dir, "--trace",
                             trace, NULL };

      g_assert_cmpint (fl_cli_test_run (args, NULL, &out, NULL), ==, 0);
      /* C expands to CA..CZ, of which the known C codes exist; ZZ does not. */
      g_assert_nonnull (strstr (out, "Searching for 27 flags: from CA to ZZ"));
      g_assert_nonnull (strstr (out, downloaded));
      g_assert_nonnull (strstr (out, not_found));
      g_assert_cmpuint (check_complete_flags (flags_dir), ==, n_c);
      g_assert_true (g_file_get_contents (trace, &trace_text, NULL, NULL));
      g_assert_nonnull (strstr (trace_text, "traceEvents"));
      fl_remove_tree (dir);
    }
}

static void
test_default_is_the_populous_twenty (void)
{
  g_autofree char *dir = fl_cli_test_make_tmp ();
  g_autofree char *out = NULL;
  const char *args[] = { "flags", "-v", NULL };

  g_assert_cmpint (fl_cli_test_run (args, dir, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "LOCAL site: http://127.0.0.1:"));
  g_assert_nonnull (strstr (out, "Searching for 20 flags: from BD to VN"));
  g_assert_nonnull (strstr (out, "20 flags downloaded."));
  g_assert_nonnull (strstr (out, "\nCN OK\n"));
  {
    g_autofree char *downloads = g_build_filename (dir, "downloads", NULL);
    g_assert_cmpuint (check_complete_flags (downloads), ==, 20);
  }
  fl_remove_tree (dir);
}

/* --- a plain HTTP server: python3 -m http.server over <cc>/<cc>.gif ------------------------ */

static void
test_plain_http_server (void)
{
  g_autofree char *root = fl_cli_test_make_tmp ();
  g_autofree char *flags = g_build_filename (root, "flags", NULL);
  g_autofree char *dir = fl_cli_test_make_tmp ();
  g_autoptr(GSubprocess) python = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *base = NULL;
  g_autofree char *out = NULL;
  g_auto(Summary) summary = { 0 };
  const char *served[] = { "br", "cn", "de", "in", "us" };
  int port = 0;

  for (guint i = 0; i < G_N_ELEMENTS (served); i++)
    {
      g_autofree char *sub = g_build_filename (flags, served[i], NULL);
      g_autofree char *name = g_strdup_printf ("%s.gif", served[i]);
      g_autofree char *path = g_build_filename (sub, name, NULL);
      g_autoptr(GBytes) bytes = fl_flag_server_lookup_flag (served[i]);

      g_mkdir_with_parents (sub, 0755);
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                          g_bytes_get_size (bytes), NULL));
    }

  /* Port 0: the kernel picks one, which the server prints; -u for unbuffered output. */
  python = fl_test_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                   &error, "python3", "-u", "-m", "http.server", "--bind",
                                   "127.0.0.1", "--directory", root, "0", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (python));
  line = fl_cli_test_read_line (lines);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, " port "));
  port = atoi (strstr (line, " port ") + strlen (" port "));
  g_assert_cmpint (port, >, 0);
  base = g_strdup_printf ("http://127.0.0.1:%d/flags", port);

  {
    const char *args[] = { "flags", "-s", base, "br", "cn", "de", "in", "us", "fr", "jp", "-m",
                           "3", "--json", "-o", dir, NULL };

    g_assert_cmpint (fl_cli_test_run (args, NULL, &out, NULL), ==, 0);
  }
  g_subprocess_force_exit (python);
  fl_cli_test_wait (python, 30000);

  parse_json_lines (out, &summary);
  assert_every_item_accounted (&summary, 7);
  g_assert_cmpuint (summary.ok, ==, 5);
  g_assert_cmpuint (summary.not_found, ==, 2);
  g_assert_cmpuint (summary.error, ==, 0);
  g_assert_cmpuint (check_complete_flags (dir), ==, 5);
  fl_remove_tree (dir);
  fl_remove_tree (root);
}

static void
test_connection_refused_counts_as_error (void)
{
  g_autoptr(FlFlagServer) server = fl_flag_server_new (NULL);
  g_autofree char *base = NULL;
  g_autofree char *out = NULL;
  g_autofree char *dir = fl_cli_test_make_tmp ();
  g_auto(Summary) summary = { 0 };

  /* A port that was just free: nothing listens there any more. */
  g_assert_true (fl_flag_server_start (server, NULL));
  base = fl_flag_server_dup_base_url (server);
  fl_flag_server_stop (server);
  {
    const char *args[] = { "flags", "-s", base, "cn", "br", "--json", "-o", dir, NULL };

    g_assert_cmpint (fl_cli_test_run (args, NULL, &out, NULL), ==, 0);
  }
  parse_json_lines (out, &summary);
  assert_every_item_accounted (&summary, 2);
  g_assert_cmpuint (summary.error, ==, 2);
  fl_remove_tree (dir);
}

/* --- serve --------------------------------------------------------------------------------- */

static void
test_serve_answers_and_stops_on_ctrl_c (void)
{
  const char *args[] = { "serve", "--fail", "cn", "--seed", "3", NULL };
  g_autoptr(GSubprocess) process = fl_cli_test_spawn (args, NULL, NULL);
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *failing = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) fail_msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) fail_body = NULL;
  g_autoptr(GBytes) expected = fl_flag_server_lookup_flag ("br");
  const char *start, *end;

  line = fl_cli_test_read_line (lines);
  g_assert_nonnull (line);
  start = strstr (line, "http://127.0.0.1:");
  g_assert_nonnull (start);
  end = strchr (start, ' ');
  base = g_strndup (start, end - start);
  g_assert_nonnull (strstr (line, "seed 3"));

  url = g_strdup_printf ("%s/br/br.gif", base);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (g_bytes_equal (body, expected));

  failing = g_strdup_printf ("%s/cn/cn.gif", base);
  fail_msg = soup_message_new ("GET", failing);
  fail_body = soup_session_send_and_read (session, fail_msg, NULL, &error);
  g_assert_cmpuint (soup_message_get_status (fail_msg), ==, 418);

  g_subprocess_send_signal (process, SIGINT);
  fl_cli_test_wait (process, 30000);
  g_assert_true (g_subprocess_get_if_exited (process));
  /* Stopped by Ctrl-C, as a shell reports it. */
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
}

static void
test_bench_flags_prints_a_json_line (void)
{
  g_autofree char *out = NULL;
  const char *args[] = { "bench-flags", "--delay-20", "20", "--delay-676", "10", "--no-python",
                         "--json", NULL };
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  guint n;

  g_assert_cmpint (fl_cli_test_run (args, NULL, &out, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >=, 2);
  g_assert_true (json_parser_load_from_data (parser, lines[n - 2], -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "bench-flags");
  g_assert_cmpfloat (json_object_get_double_member (object, "threads_20"), >=, 0.020);
  g_assert_cmpfloat (json_object_get_double_member (object, "async_676"), >=, 0.010 * 7);
  g_assert_true (json_object_get_null_member (object, "python_20"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/usage-errors-exit-2", test_usage_errors);
  g_test_add_func ("/cli/flags/default-is-the-populous-twenty", test_default_is_the_populous_twenty);
  g_test_add_func ("/cli/flags/modes-agree-and-letters-expand", test_modes_agree);
  g_test_add_func ("/cli/flags/error-preset-accounts-for-every-item",
                   test_error_preset_accounts_for_every_item);
  g_test_add_func ("/cli/flags/same-seed-same-failures", test_same_seed_same_failures);
  g_test_add_func ("/cli/flags/concurrency-reached-as-asked", test_concurrency_reached_as_asked);
  g_test_add_func ("/cli/flags/interrupt-prints-partial-report",
                   test_interrupt_prints_partial_report);
  g_test_add_func ("/cli/flags/plain-http-server", test_plain_http_server);
  g_test_add_func ("/cli/flags/connection-refused-counts-as-error",
                   test_connection_refused_counts_as_error);
  g_test_add_func ("/cli/serve/answers-and-stops-on-ctrl-c", test_serve_answers_and_stops_on_ctrl_c);
  g_test_add_func ("/cli/bench-flags/prints-a-json-line", test_bench_flags_prints_a_json_line);

  return g_test_run ();
}
