/* test-cli-lessons.c: `loiter` and `queue` as a user runs them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "fl-test-utils.h"

/* Runs futures-lab-cli with @args; returns stdout, sets the exit status. */
static char *
run_cli (int        *status,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("FL_CLI"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  return out;
}

/* The JSON object on the line whose "event" and "mode" match. */
static JsonObject *
find_event (JsonParser *parser,
            const char *out,
            const char *event,
            const char *mode)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      JsonObject *object;

      if (lines[i][0] != '{' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      object = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "event", ""), event) == 0
          && (mode == NULL
              || g_strcmp0 (json_object_get_string_member_with_default (object, "mode", ""),
                            mode) == 0))
        return json_object_ref (object);
    }
  return NULL;
}

static void
test_loiter_orders (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) map = NULL;
  g_autoptr(JsonObject) completed = NULL;
  g_autofree char *out = NULL;
  int status;

  /* Longest first: map must hand results back in submission order, waiting on loiter(4);
   * as_completed hands loiter(0)'s result first, even though it was submitted last. */
  out = run_cli (&status, "loiter", "--reverse", "--unit-ms", "60", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  map = find_event (parser, out, "summary", "map");
  completed = find_event (parser, out, "summary", "as-completed");
  g_assert_nonnull (map);
  g_assert_nonnull (completed);
  g_assert_cmpstr (json_object_get_string_member (map, "order"), ==, "4,3,2,1,0");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (completed, "order"), "2,"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (completed, "order"), ",4"));
}

static void
test_loiter_transcript (void)
{
  g_autofree char *out = NULL;
  int status;

  out = run_cli (&status, "loiter", "--mode", "map", "--unit-ms", "20", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Script starting."));
  g_assert_nonnull (strstr (out, "\t\tloiter(2): doing nothing"));
  g_assert_nonnull (strstr (out, "result 4: 40"));
  /* The consumer's "result 0" comes after loiter(0) is done. */
  g_assert_true (strstr (out, "loiter(0): done.") < strstr (out, "result 0: 0"));
}

static void
test_loiter_usage_errors (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  int status;

  a = run_cli (&status, "loiter", "--mode", "sideways", NULL);
  g_assert_cmpint (status, ==, 2);
  b = run_cli (&status, "loiter", "--workers", "0", NULL);
  g_assert_cmpint (status, ==, 2);
}

static void
test_queue_summary_conserves (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) summary = NULL;
  g_autofree char *out = NULL;
  int status;

  out = run_cli (&status, "queue", "--producers", "3", "--consumers", "2", "--items", "50000",
                 "--capacity", "4", "--jitter", "0.3", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  summary = find_event (parser, out, "summary", NULL);
  g_assert_nonnull (summary);
  g_assert_cmpint (json_object_get_int_member (summary, "produced"), ==, 50000);
  g_assert_cmpint (json_object_get_int_member (summary, "consumed"), ==, 50000);
  g_assert_cmpint (json_object_get_int_member (summary, "lost"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "duplicates"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "max_length"), <=, 4);
}

static void
test_queue_usage_errors (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  int status;

  a = run_cli (&status, "queue", "--capacity", "0", NULL);
  g_assert_cmpint (status, ==, 2);
  b = run_cli (&status, "queue", "--jitter", "7", NULL);
  g_assert_cmpint (status, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/loiter/orders", test_loiter_orders);
  g_test_add_func ("/cli/loiter/transcript", test_loiter_transcript);
  g_test_add_func ("/cli/loiter/usage-errors", test_loiter_usage_errors);
  g_test_add_func ("/cli/queue/summary-conserves", test_queue_summary_conserves);
  g_test_add_func ("/cli/queue/usage-errors", test_queue_usage_errors);

  return g_test_run ();
}
