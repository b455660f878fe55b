/* test-cli-options.c: `futures-lab-cli flags` takes what the flags2 scripts take
 *
 * flags2_common.py parses with argparse: --max_req, -l10, unique prefixes of long options,
 * -m above MAX_CONCUR_REQ (1000) cut to it, -a -e meaning -e, -a from country_codes.txt, and
 * "CC OK" / "CC not found: URL" / "CC error: HTTP error 418 - …" lines with -v.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include "futures-lab-server.h"
#include "futures-lab-tasks.h"
#include "fl-cli-test-run.h"
#include "fl-test-utils.h"

typedef struct
{
  gint64 ok, not_found, error, cancelled, concurrency;
} Summary;

/* Runs `flags ARGS --json -o TMP`, expects exit 0, returns the summary and stderr. */
static void
run_flags (const char *const  *args,
           Summary            *summary,
           char              **err_out)
{
  g_autofree char *dir = fl_cli_test_make_tmp ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  JsonObject *object;
  guint n;
  int status;

  g_ptr_array_add (argv, "flags");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, NULL);
  status = fl_cli_test_run ((const char *const *) argv->pdata, NULL, &out, &err);
  if (status != 0)
    g_error ("exit %d: %s", status, err);

  lines = g_strsplit (out, "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >=, 2);
  g_assert_true (json_parser_load_from_data (parser, lines[n - 2], -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "summary");
  summary->ok = json_object_get_int_member (object, "ok");
  summary->not_found = json_object_get_int_member (object, "not_found");
  summary->error = json_object_get_int_member (object, "error");
  summary->cancelled = json_object_get_int_member (object, "cancelled");
  summary->concurrency = json_object_get_int_member (object, "concurrency");
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  fl_remove_tree (dir);
}

static gint64
total (const Summary *summary)
{
  return summary->ok + summary->not_found + summary->error + summary->cancelled;
}

static void
test_max_req_spellings (void)
{
  const char *spellings[] = { "--max_req", "--max-req", "--max", "--max_", "-m" };

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      const char *args[] = { spellings[i], "3", "cn", "br", "in", "us", NULL };
      Summary summary;

      run_flags (args, &summary, NULL);
      g_assert_cmpint (summary.concurrency, ==, 3);
      g_assert_cmpint (summary.ok, ==, 4);
    }
  {
    /* -m4 and --max_req=4: the value attached. */
    const char *args[] = { "-m4", "-a", "-l", "6", NULL };
    const char *args_eq[] = { "--max_req=4", "-a", "-l6", NULL };
    Summary summary;

    run_flags (args, &summary, NULL);
    g_assert_cmpint (summary.concurrency, ==, 4);
    run_flags (args_eq, &summary, NULL);
    g_assert_cmpint (summary.concurrency, ==, 4);
    g_assert_cmpint (total (&summary), ==, 6);
  }
}

static void
test_limit_attached_and_clusters (void)
{
  const char *attached[] = { "-a", "-l10", NULL };
  const char *cluster[] = { "-al7", NULL };
  const char *prefix[] = { "--al", "--lim=5", "--verb", NULL };
  g_autofree char *err = NULL;
  Summary summary;

  run_flags (attached, &summary, NULL);
  g_assert_cmpint (total (&summary), ==, 10);
  run_flags (cluster, &summary, NULL);
  g_assert_cmpint (total (&summary), ==, 7);
  run_flags (prefix, &summary, &err);
  g_assert_cmpint (total (&summary), ==, 5);
  /* --verb is --verbose: one line per flag. */
  g_assert_nonnull (strstr (err, "\nAD OK\n"));
}

/* flags2 cuts -m to MAX_CONCUR_REQ (1000) and to the number of codes, rather than refusing. */
static void
test_max_req_above_the_cap_is_cut (void)
{
  const char *args[] = { "-m", "2000", "-a", "-l", "5", NULL };
  Summary summary;

  run_flags (args, &summary, NULL);
  g_assert_cmpint (summary.concurrency, ==, 5);
  g_assert_cmpint (summary.ok, ==, 5);
}

/* expand_cc_args() tests every_cc first: -a -e is -e. */
static void
test_every_wins_over_all (void)
{
  const char *args[] = { "-a", "-e", "-l", "3", NULL };
  g_autofree char *err = NULL;
  Summary summary;

  run_flags (args, &summary, &err);
  g_assert_nonnull (strstr (err, "Searching for 3 flags: AA, AB, AC\n"));
  g_assert_cmpint (summary.ok, ==, 0);
  g_assert_cmpint (summary.not_found, ==, 3);
}

/* -a is the book's country_codes.txt: 194 codes from AD to ZW, with TW and VA, without DO
 * and without territories such as HK. */
static void
test_all_is_the_books_list (void)
{
  const char *args[] = { "-a", "-s", "http://127.0.0.1:1/flags", "-m", "50", NULL };
  const char *letters[] = { "-a", "-s", "http://127.0.0.1:1/flags", "-l", "200", "-v", NULL };
  g_autofree char *err = NULL;
  g_autofree char *verbose = NULL;
  Summary summary;

  run_flags (args, &summary, &err);
  g_assert_nonnull (strstr (err, "Searching for 194 flags: from AD to ZW\n"));
  g_assert_cmpint (total (&summary), ==, 194);
  run_flags (letters, &summary, &verbose);
  g_assert_nonnull (strstr (verbose, "\nTW error: "));
  g_assert_nonnull (strstr (verbose, "\nVA error: "));
  g_assert_null (strstr (verbose, "\nDO error: "));
  g_assert_null (strstr (verbose, "\nHK error: "));
}

/* -v in flags2's words. */
static void
test_verbose_lines_in_the_books_words (void)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(FlFlagServer) server = NULL;
  g_autofree char *base = NULL;
  g_autofree char *err = NULL;
  g_autofree char *not_found = NULL;
  Summary summary;

  config->fail_codes = g_strsplit ("br", ",", -1);
  server = fl_flag_server_new (config);
  g_assert_true (fl_flag_server_start (server, NULL));
  base = fl_flag_server_dup_base_url (server);
  {
    const char *args[] = { "-s", base, "-v", "cn", "br", "zz", NULL };

    run_flags (args, &summary, &err);
  }
  not_found = g_strdup_printf ("\nZZ not found: %s/zz/zz.gif\n", base);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "\nCN OK\n"));
  g_assert_nonnull (strstr (err, not_found));
  g_assert_nonnull (strstr (err, "\nBR error: HTTP error 418 - I'm a Teapot\n"));
  g_assert_cmpint (summary.ok, ==, 1);
  g_assert_cmpint (summary.error, ==, 1);
  fl_flag_server_stop (server);
}

/* 0.0004 s is 1 ms, not "no deadline": a server that waits 1.5 s misses it. */
static void
test_tiny_timeout_rounds_up (void)
{
  const char *args[] = { "--delay", "1500", "--timeout", "0.0004", "cn", NULL };
  Summary summary;

  run_flags (args, &summary, NULL);
  g_assert_cmpint (summary.ok, ==, 0);
  g_assert_cmpint (summary.error, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/options/max_req-spellings", test_max_req_spellings);
  g_test_add_func ("/cli/options/limit-attached-clusters-and-prefixes",
                   test_limit_attached_and_clusters);
  g_test_add_func ("/cli/options/max_req-above-the-cap-is-cut", test_max_req_above_the_cap_is_cut);
  g_test_add_func ("/cli/options/every-wins-over-all", test_every_wins_over_all);
  g_test_add_func ("/cli/options/all-is-the-books-list", test_all_is_the_books_list);
  g_test_add_func ("/cli/options/verbose-lines-in-the-books-words",
                   test_verbose_lines_in_the_books_words);
  g_test_add_func ("/cli/options/tiny-timeout-rounds-up", test_tiny_timeout_rounds_up);

  return g_test_run ();
}
