/* test-python-examples.c: the Python lessons of data/python/ run, and teach what they say
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's Source tab shows each page's Python equivalent beside its C code. Here every
 * script is run with python3, as a student runs it (`python3 data/python/NAME.py`, so the
 * script's own folder is first on sys.path), with options that keep it short; the tests
 * check the exit status and the lines that carry the lesson. python3 is a required package
 * of the project (tools/deps.sh): without it these tests fail, they never skip. The flag
 * server that flags.py downloads from runs in this process, on its own thread.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "futures-lab-server.h"
#include "fl-test-utils.h"

#define PYTHON_DIR SOURCE_ROOT "/data/python"

static const char *const scripts[] = {
  "freeze.py", "flags.py", "compute.py", "map.py", "anatomy.py", "producer_consumer.py",
  "coroutines.py", NULL
};

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  int       status;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (G_SUBPROCESS (source))
                ? g_subprocess_get_exit_status (G_SUBPROCESS (source)) : -1;
  run->done = TRUE;
}

static char *
find_python (void)
{
  char *python = g_find_program_in_path ("python3");

  if (python == NULL)
    g_error ("python3 is not in PATH. It is a required package of Futures Lab "
             "(tools/deps.sh installs it): the Python examples cannot be checked without it.");
  return python;
}

/* Runs `python3 ARGV…` to its end, within a bound, and fills @run. */
static void
run_python_argv (Run         *run,
                 GPtrArray   *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, find_python ());
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (args, i)));
  g_ptr_array_add (argv, NULL);

  launcher = fl_test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  /* Leave the source tree as it was; and run with the usual sys.path (script folder first),
   * so a script that hides a standard module is caught. */
  g_subprocess_launcher_setenv (launcher, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "PYTHONSAFEPATH");
  g_subprocess_launcher_unsetenv (launcher, "PYTHONPATH");
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, run);
  fl_test_spin_until (run->done, 90000);
  g_test_message ("%s %s: exit status %d\n%s%s", (char *) g_ptr_array_index (argv, 0),
                  (char *) g_ptr_array_index (argv, 1), run->status, run->out, run->err);
}

/* Runs data/python/@script with the arguments that follow, NULL-terminated. */
static void
run_script (Run        *run,
            const char *script,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, g_build_filename (PYTHON_DIR, script, NULL));
  va_start (ap, script);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, g_strdup (arg));
  va_end (ap);
  run_python_argv (run, args);
}

/* The place where @marker appears in @text; fails the test, showing @text, if it does not. */
static const char *
expect (const char *text,
        const char *marker)
{
  const char *at = strstr (text, marker);

  if (at == NULL)
    g_error ("expected “%s” in the output:\n%s", marker, text);
  return at;
}

static guint
occurrences (const char *text,
             const char *marker)
{
  guint n = 0;

  for (const char *at = strstr (text, marker); at != NULL; at = strstr (at + 1, marker))
    n++;
  return n;
}

/* The number written right after @marker. */
static double
number_after (const char *text,
              const char *marker)
{
  return g_ascii_strtod (expect (text, marker) + strlen (marker), NULL);
}

static void
assert_success (Run *run)
{
  if (run->status != 0)
    g_error ("the script exited with status %d:\n%s\n%s", run->status, run->out, run->err);
}

/* --- every script ------------------------------------------------------------------------- */

static void
test_scripts_are_complete (void)
{
  g_autoptr(GDir) dir = g_dir_open (PYTHON_DIR, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(Run) check = { 0 };
  const char *name;

  /* Every script in the folder is one these tests run. */
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".py") && !g_strv_contains (scripts, name))
      g_error ("data/python/%s is not checked here: add it to scripts[] and give it a test",
               name);

  for (guint i = 0; scripts[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (PYTHON_DIR, scripts[i], NULL);
      g_autofree char *contents = NULL;
      g_auto(Run) help = { 0 };

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_true (g_str_has_prefix (contents, "#!/usr/bin/env python3\n"
                                                 "# SPDX-License-Identifier: GPL-3.0-or-later\n"
                                                 "\"\"\""));
      g_assert_nonnull (strstr (contents, "Run:\n"));
      run_script (&help, scripts[i], "--help", NULL);
      assert_success (&help);
      expect (help.out, "usage: ");
      g_ptr_array_add (names, g_strndup (scripts[i], strlen (scripts[i]) - 3));
    }

  /* A script named like a standard module (queue.py, say) would be imported in its place
   * by every script of the folder: concurrent.futures itself imports queue. */
  g_ptr_array_insert (names, 0, g_strdup ("-c"));
  g_ptr_array_insert (names, 1, g_strdup ("import sys\n"
                                          "hidden = set(sys.argv[1:]) & sys.stdlib_module_names\n"
                                          "print('hides the standard library:', *sorted(hidden))\n"
                                          "sys.exit(1 if hidden else 0)\n"));
  run_python_argv (&check, names);
  assert_success (&check);
}

/* --- freeze.py ---------------------------------------------------------------------------- */

static void
test_freeze (void)
{
  g_auto(Run) run = { 0 };
  const char *summary;
  double frozen, thread, process;

  run_script (&run, "freeze.py", "--seconds", "0.6", NULL);
  assert_success (&run);
  expect (run.out, "jank meter: STALL, no heartbeat for ");
  summary = expect (run.out, "\nSummary:\n");

  /* On the loop the heartbeat could not run for the whole handler, and clicks waited;
   * on a thread or in a process the loop went on. */
  frozen = number_after (summary, "main-loop: worst heartbeat gap ");
  thread = number_after (summary, "thread: worst heartbeat gap ");
  process = number_after (summary, "process: worst heartbeat gap ");
  g_assert_cmpfloat (frozen, >=, 0.55);
  g_assert_cmpfloat (thread, <, 0.3);
  g_assert_cmpfloat (process, <, 0.3);
  g_assert_cmpfloat (number_after (expect (summary, "main-loop:"), "longest click wait "), >=, 0.2);
  g_assert_cmpfloat (number_after (expect (summary, "thread:"), "longest click wait "), <, 0.2);
  expect (summary, "s: loop frozen\n");
  g_assert_cmpuint (occurrences (run.out, "handler returned after "), ==, 3);
}

/* --- flags.py ----------------------------------------------------------------------------- */

static char *
make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-python-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Checks that @dir holds exactly the flags @codes, byte for byte (no temporary file left),
 * and empties it. */
static void
check_and_empty (const char         *dir,
                 const char * const *codes)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *cc = g_strndup (name, 2);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) expected = fl_flag_server_lookup_flag (cc);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (strlen (name) == 6 && g_str_has_suffix (name, ".gif"));
      g_assert_true (g_strv_contains (codes, cc));
      g_assert_nonnull (expected);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL),
                       g_bytes_get_size (expected));
      g_unlink (path);
      n++;
    }
  g_assert_cmpuint (n, ==, g_strv_length ((char **) codes));
}

static void
test_flags (void)
{
  const struct
  {
    const char *mode;
    const char *max_req;
    guint       in_flight;
  } runs[] = {
    { "sequential", "4", 1 },
    { "threads", "4", 4 },
    { "async", "3", 3 },
    { "processes", "2", 2 },
  };
  const char *const found[] = { "br", "cn", "in", "jp", NULL };
  const char *const fail[] = { "us", NULL };
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(FlFlagServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dir = make_tmp ();

  /* Slow enough answers that the downloads overlap as much as each mode allows. */
  config->delay_min_ms = config->delay_max_ms = 150;
  config->fail_codes = g_strdupv ((char **) fail);
  server = fl_flag_server_new (config);
  g_assert_true (fl_flag_server_start (server, &error));
  g_assert_no_error (error);
  base = fl_flag_server_dup_base_url (server);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_auto(Run) run = { 0 };
      FlFlagServerStats stats;

      fl_flag_server_reset_stats (server);
      run_script (&run, "flags.py", "--mode", runs[i].mode, "-m", runs[i].max_req,
                  "--server", base, "-o", dir, "-v", "cn", "br", "in", "jp", "xx", "zz", "us",
                  NULL);
      assert_success (&run);
      expect (run.out, "Searching for 7 flags: from BR to ZZ\n");
      expect (run.out, "4 flags downloaded.\n2 not found.\n1 error.\n");
      expect (run.out, "cn: OK\n");
      expect (run.out, "xx: not found\n");
      expect (run.out, "us: error: HTTP 418");
      check_and_empty (dir, found);

      /* The server saw each request once, and as many at once as the mode allows. */
      fl_flag_server_get_stats (server, &stats);
      g_assert_cmpuint (stats.requests, ==, 7);
      g_assert_cmpuint (stats.max_in_flight, ==, runs[i].in_flight);
    }

  fl_flag_server_stop (server);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_flags_without_server (void)
{
  g_autofree char *dir = make_tmp ();
  g_auto(Run) run = { 0 };

  /* Nothing listens on port 1: every download fails, and the script says what to do. */
  run_script (&run, "flags.py", "--mode", "async", "--server", "http://127.0.0.1:1/flags",
              "-o", dir, "cn", "br", NULL);
  g_assert_cmpint (run.status, ==, 1);
  expect (run.out, "2 errors.\n");
  expect (run.err, "futures-lab-cli serve --port 8001");
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* --- compute.py --------------------------------------------------------------------------- */

static void
test_compute (void)
{
  g_auto(Run) run = { 0 };

  run_script (&run, "compute.py", "--jobs", "4", "--size", "20000", "--workers", "2", NULL);
  assert_success (&run);
  /* Every way gets the same count (2262 primes below 20000), and speed-ups are printed. */
  g_assert_cmpuint (occurrences (run.out, "(2262 primes below 20000)\n"), ==, 3);
  expect (expect (run.out, "speed-up over sequential:\n"), "threads: x");
  expect (expect (run.out, "speed-up over sequential:\n"), "processes: x");
}

/* --- map.py ------------------------------------------------------------------------------- */

static void
test_map_orders (void)
{
  g_auto(Run) run = { 0 };
  const char *completed;

  /* Longest first: map hands results back in submission order, waiting on loiter(4);
   * as_completed hands loiter(2)'s first, and loiter(4)'s last. */
  run_script (&run, "map.py", "--reverse", "--unit", "0.06", NULL);
  assert_success (&run);
  expect (run.out, "map: results in order 4 3 2 1 0\n");
  completed = expect (run.out, "as_completed: results in order ");
  completed += strlen ("as_completed: results in order ");
  g_assert_true (g_str_has_prefix (completed, "2 "));
  g_assert_true (g_str_has_prefix (strchr (completed, '\n') - 2, " 4\n"));
}

static void
test_map_transcript (void)
{
  g_auto(Run) run = { 0 };

  run_script (&run, "map.py", "--mode", "map", "--unit", "0.02", NULL);
  assert_success (&run);
  expect (run.out, "] Script starting.\n");
  expect (run.out, "] results: <generator object");
  expect (run.out, "] \t\tloiter(2): doing nothing for 2 x 0.02 s...\n");
  expect (run.out, "] result 4: 40\n");
  /* The consumer's "result 0" comes after loiter(0) is done. */
  g_assert_true (expect (run.out, "loiter(0): done.") < expect (run.out, "result 0: 0"));
  g_assert_null (strstr (run.out, "as_completed"));
}

/* --- anatomy.py --------------------------------------------------------------------------- */

static void
test_anatomy (void)
{
  g_auto(Run) run = { 0 };

  run_script (&run, "anatomy.py", "--duration", "0.2", "--deadlock-timeout", "0.3", NULL);
  assert_success (&run);
  expect (run.out, "first: RUNNING, second: PENDING");
  expect (run.out, "first: FINISHED, second: FINISHED");
  expect (run.out, "pending.cancel() returned True");
  expect (run.out, "pending.result() raised CancelledError");
  expect (run.out, "running.cancel() returned False: the job is already running");
  expect (run.out, "running.result() -> 'stopped early");
  expect (run.out, "raised TimeoutError; the future is still RUNNING");
  expect (run.out, "exception() returned ValueError('the job failed on purpose'); "
                   "the future is FAILED");
  /* Callbacks added while the job runs run on the worker, in order; one added later runs
   * at once on the caller's thread. */
  g_assert_true (expect (run.out, "callback A (added while running): ran on worker_0")
                 < expect (run.out, "callback B (added while running): ran on worker_0"));
  expect (run.out, "callback C (added when done): ran on MainThread");
  /* The deadlock ends by itself, after its timeout. */
  g_assert_cmpfloat (number_after (run.out, "the job gave up after "), >=, 0.29);
  expect (run.out, "outer ended FAILED with TimeoutError()");
  expect (run.out, "the sibling ran too, on solo_0");
}

/* --- producer_consumer.py ----------------------------------------------------------------- */

static void
test_producer_consumer (void)
{
  g_auto(Run) fast = { 0 };
  g_auto(Run) slow_consumers = { 0 };
  g_auto(Run) slow_producers = { 0 };

  run_script (&fast, "producer_consumer.py", "-p", "3", "-c", "2", "-n", "20000", "-k", "4",
              NULL);
  assert_success (&fast);
  expect (fast.out, "produced 20000, consumed 20000, lost 0, consumed twice 0\n");
  g_assert_cmpfloat (number_after (fast.out, "queue: capacity 4, at most "), <=, 4);

  /* Back-pressure: slow consumers keep the producers waiting on a full queue... */
  run_script (&slow_consumers, "producer_consumer.py", "-n", "400", "-k", "4",
              "--consume-rate", "2000", NULL);
  assert_success (&slow_consumers);
  expect (slow_consumers.out, "lost 0, consumed twice 0\n");
  g_assert_cmpfloat (number_after (slow_consumers.out, "producers blocked on a full queue: "),
                     >, 0.05);

  /* ... and slow producers keep the consumers waiting on an empty one. */
  run_script (&slow_producers, "producer_consumer.py", "-n", "400", "-k", "4",
              "--produce-rate", "2000", "--jitter", "0.5", NULL);
  assert_success (&slow_producers);
  expect (slow_producers.out, "lost 0, consumed twice 0\n");
  g_assert_cmpfloat (number_after (slow_producers.out, "consumers blocked on an empty queue: "),
                     >, 0.05);
}

/* --- coroutines.py ------------------------------------------------------------------------ */

static void
test_coroutines (void)
{
  g_auto(Run) run = { 0 };

  run_script (&run, "coroutines.py", "--unit", "0.05", "--block", "0.3", NULL);
  assert_success (&run);
  /* Finished in reverse order, gathered in the order given. */
  g_assert_true (expect (run.out, "task-4: done") < expect (run.out, "task-0: done"));
  expect (run.out, "gather() returned them in the order given: "
                   "task-0 task-1 task-2 task-3 task-4\n");
  expect (run.out, "wait() returned: done ['fast'], 2 still pending\n");
  expect (run.out, "cancelled: 2 of 2\n");
  g_assert_true (expect (run.out, "too-slow: cancelled while waiting")
                 < expect (run.out, "wait_for() raised TimeoutError"));
  expect (run.out, "at most 2 ran at once (limit 2)");
  expect (run.out, "the tasks ran on: MainThread\n");
  /* The blocking call stalls the loop for its whole length; the awaited forms do not. */
  g_assert_cmpfloat (number_after (run.out, "time.sleep() in a coroutine: the ticker (every 20 ms) "
                                            "waited at most "), >=, 0.29);
  g_assert_cmpfloat (number_after (run.out, "await asyncio.sleep(): the ticker (every 20 ms) "
                                            "waited at most "), <, 0.2);
  g_assert_cmpfloat (number_after (run.out, "await asyncio.to_thread(time.sleep): the ticker "
                                            "(every 20 ms) waited at most "), <, 0.2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/python/scripts-are-complete", test_scripts_are_complete);
  g_test_add_func ("/cli/python/freeze", test_freeze);
  g_test_add_func ("/cli/python/flags", test_flags);
  g_test_add_func ("/cli/python/flags-without-server", test_flags_without_server);
  g_test_add_func ("/cli/python/compute", test_compute);
  g_test_add_func ("/cli/python/map-orders", test_map_orders);
  g_test_add_func ("/cli/python/map-transcript", test_map_transcript);
  g_test_add_func ("/cli/python/anatomy", test_anatomy);
  g_test_add_func ("/cli/python/producer-consumer", test_producer_consumer);
  g_test_add_func ("/cli/python/coroutines", test_coroutines);

  return g_test_run ();
}
