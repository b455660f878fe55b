/* test-foreign.c: servers and clients we did not write
 *
 * Our downloads against Python's http.server (listen queue of 5, as it comes) and nginx, in
 * every mode; and Python's own HTTP clients against our server, which must not keep the
 * connections they close.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "futures-lab-engine.h"
#include "futures-lab-server.h"
#include "futures-lab-tasks.h"
#include "fl-test-utils.h"
#include "fl-tasks-test.h"

/* --- a flags tree on disk, as the flags2 scripts serve it -------------------------------- */

/* {root}/flags/<cc>/<cc>.gif and metadata.json in the book's format, for @codes. */
static void
write_tree (const char  *root,
            char       **codes)
{
  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autoptr(GBytes) flag = fl_flag_server_lookup_flag (codes[i]);
      const FlCountry *country = fl_countries_lookup (codes[i]);
      g_autofree char *dir = g_build_filename (root, "flags", codes[i], NULL);
      g_autofree char *file = g_strdup_printf ("%s.gif", codes[i]);
      g_autofree char *gif = g_build_filename (dir, file, NULL);
      g_autofree char *meta = g_build_filename (dir, "metadata.json", NULL);
      g_autofree char *iso = g_ascii_strup (codes[i], -1);
      g_autofree char *json = g_strdup_printf ("{\"tld_cc\": \".%s\", \"iso_cc\": \"%s\", "
                                               "\"country\": \"%s\", \"gec_cc\": \"%s\"}",
                                               codes[i], iso, country->name, iso);

      g_assert_nonnull (flag);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (g_file_set_contents (gif, g_bytes_get_data (flag, NULL),
                                          g_bytes_get_size (flag), NULL));
      g_assert_true (g_file_set_contents (meta, json, -1, NULL));
    }
}

static guint
free_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_answers (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

/* --- the servers ------------------------------------------------------------------------- */

typedef struct
{
  GSubprocess *process;
  char        *dir;
  char        *base;
} Foreign;

static void
foreign_stop (Foreign *foreign)
{
  if (foreign->process != NULL)
    {
      g_subprocess_send_signal (foreign->process, SIGTERM);
      g_subprocess_wait (foreign->process, NULL, NULL);
      g_clear_object (&foreign->process);
    }
  if (foreign->dir != NULL)
    fl_remove_tree (foreign->dir);
  g_clear_pointer (&foreign->dir, g_free);
  g_clear_pointer (&foreign->base, g_free);
}

/* Python's http.server exactly as `python3 -m http.server` makes it: ThreadingHTTPServer and
 * its request_queue_size of 5, HTTP/1.0, one request per connection. */
static const char python_server[] =
  "import functools, http.server, sys\n"
  "class Quiet(http.server.SimpleHTTPRequestHandler):\n"
  "    def log_message(self, *args):\n"
  "        pass\n"
  "handler = functools.partial(Quiet, directory=sys.argv[1])\n"
  "server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)\n"
  "print(server.server_address[1], flush=True)\n"
  "server.serve_forever()\n";

/* Debian's own Python, whose python3-requests and python3-httpx tools/deps.sh installs, rather
 * than whichever python3 comes first on PATH. */
static const char *
python (void)
{
  return g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3"
                                                                    : "python3";
}

static void
python_start (Foreign  *foreign,
              char    **codes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  foreign->dir = g_dir_make_tmp ("test-foreign-python-XXXXXX", &error);
  g_assert_no_error (error);
  write_tree (foreign->dir, codes);
  foreign->process = fl_test_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, python (),
                                             "-c", python_server, foreign->dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (foreign->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  foreign->base = g_strdup_printf ("http://127.0.0.1:%s/flags", g_strstrip (line));
}

static char *
find_nginx (void)
{
  char *path = g_find_program_in_path ("nginx");

  if (path == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/nginx");
  return path;
}

/* nginx from the distribution, on its own port, with its own config, pid and logs in a
 * temporary folder; keep-alive as it comes (75 s). */
static gboolean
nginx_start (Foreign  *foreign,
             char    **codes)
{
  g_autofree char *nginx = find_nginx ();
  g_autoptr(GError) error = NULL;
  g_autofree char *www = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *log = NULL;
  guint port;

  if (nginx == NULL)
    return FALSE;
  foreign->dir = g_dir_make_tmp ("test-foreign-nginx-XXXXXX", &error);
  g_assert_no_error (error);
  www = g_build_filename (foreign->dir, "www", NULL);
  write_tree (www, codes);
  port = free_port ();
  conf = g_strdup_printf ("daemon off;\n"
                          "master_process off;\n"
                          "worker_processes 1;\n"
                          "pid %1$s/nginx.pid;\n"
                          "error_log %1$s/error.log warn;\n"
                          "events { worker_connections 1024; }\n"
                          "http {\n"
                          "  access_log off;\n"
                          "  client_body_temp_path %1$s/body;\n"
                          "  proxy_temp_path %1$s/proxy;\n"
                          "  fastcgi_temp_path %1$s/fastcgi;\n"
                          "  uwsgi_temp_path %1$s/uwsgi;\n"
                          "  scgi_temp_path %1$s/scgi;\n"
                          "  types { image/gif gif; application/json json; }\n"
                          "  default_type application/octet-stream;\n"
                          "  server { listen 127.0.0.1:%2$u; root %3$s; }\n"
                          "}\n", foreign->dir, port, www);
  conf_path = g_build_filename (foreign->dir, "nginx.conf", NULL);
  log = g_build_filename (foreign->dir, "error.log", NULL);
  g_assert_true (g_file_set_contents (conf_path, conf, -1, NULL));
  foreign->process = fl_test_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, nginx, "-p",
                                             foreign->dir, "-c", conf_path, "-e", log, NULL);
  g_assert_no_error (error);
  fl_test_spin_until (port_answers (port), 10000);
  foreign->base = g_strdup_printf ("http://127.0.0.1:%u/flags", port);
  return TRUE;
}

/* --- runs -------------------------------------------------------------------------------- */

typedef struct
{
  guint   ok, not_found, errors;
  char   *first_error;
  double  elapsed;
} Tally;

static void
tally_clear (Tally *tally)
{
  g_clear_pointer (&tally->first_error, g_free);
}

static void
run_codes (guint        kind,
           const char  *base,
           char       **codes,
           guint        max_conns,
           gboolean     metadata,
           Tally       *tally)
{
  g_autoptr(FlExecutor) executor = fl_test_download_executor_new (kind, max_conns);
  g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *output = g_dir_make_tmp ("test-foreign-out-XXXXXX", NULL);
  gint64 start;

  memset (tally, 0, sizeof *tally);
  start = g_get_monotonic_time ();
  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autoptr(GVariant) plain = g_variant_ref_sink (fl_download_args_new (codes[i], base, output,
                                                                            FL_DOWNLOAD_DEFAULT_TIMEOUT_MS,
                                                                            max_conns));
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (plain);
      g_autoptr(GVariant) args = NULL;

      g_variant_dict_insert (&dict, "metadata", "b", metadata);
      args = g_variant_ref_sink (g_variant_dict_end (&dict));
      g_ptr_array_add (futures, fl_executor_submit (executor, FL_DOWNLOAD_JOB, args, codes[i],
                                                    NULL));
    }
  for (guint i = 0; i < futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (futures, i);

      fl_test_spin_until (fl_future_is_done (future), 60000);
      switch (fl_download_status_from_future (future))
        {
        case FL_DOWNLOAD_STATUS_OK:
          tally->ok++;
          break;
        case FL_DOWNLOAD_STATUS_NOT_FOUND:
          tally->not_found++;
          break;
        default:
          tally->errors++;
          if (tally->first_error == NULL && fl_future_peek_error (future) != NULL)
            tally->first_error = g_strdup (fl_future_peek_error (future)->message);
        }
    }
  tally->elapsed = (g_get_monotonic_time () - start) / 1e6;
  fl_executor_shutdown (executor, TRUE, FALSE);
  fl_remove_tree (output);
}

/* Every mode gets every flag, and the book's metadata is read: the same outcome as against
 * our own server. */
static void
check_every_mode (Foreign  *foreign,
                  char    **codes,
                  guint     max_conns)
{
  guint n = g_strv_length (codes);
  guint fds = fl_test_count_fds ();

  for (guint kind = 0; kind < 3; kind++)
    {
      Tally tally;

      run_codes (kind, foreign->base, codes, max_conns, TRUE, &tally);
      g_test_message ("%s, -m %u: %u ok, %u errors in %.2f s (%s)", fl_test_mode_names[kind], max_conns,
                      tally.ok, tally.errors, tally.elapsed,
                      tally.first_error != NULL ? tally.first_error : "no error");
      g_assert_cmpuint (tally.errors, ==, 0);
      g_assert_cmpuint (tally.ok, ==, n);
      tally_clear (&tally);
    }
  g_test_message ("fds: %u before, %u after", fds, fl_test_count_fds ());
}

static void
test_python_http_server (void)
{
  g_auto(GStrv) codes = fl_countries_list_populous ();
  Foreign foreign = { 0 };

  python_start (&foreign, codes);
  check_every_mode (&foreign, codes, 20);
  foreign_stop (&foreign);
}

/* Against a listen queue of 5, 20 connections at once lose some SYNs, each retried a second
 * later. Threads pay that second once; async downloads used to pay it once per dropped SYN,
 * one after the other (libsoup 3.2 made each wait for connections still being opened), and
 * ran out of time. */
static void
test_async_keeps_up_with_threads_against_a_short_queue (void)
{
  g_auto(GStrv) codes = fl_countries_list_populous ();
  Foreign foreign = { 0 };
  Tally threads, async;

  python_start (&foreign, codes);
  run_codes (0, foreign.base, codes, 20, FALSE, &threads);
  run_codes (1, foreign.base, codes, 20, FALSE, &async);
  g_test_message ("threads %.2f s (%u errors), async %.2f s (%u errors; %s)", threads.elapsed,
                  threads.errors, async.elapsed, async.errors,
                  async.first_error != NULL ? async.first_error : "no error");
  g_assert_cmpuint (threads.errors, ==, 0);
  g_assert_cmpuint (async.errors, ==, 0);
  /* A ratio of two runs measured here, with a floor of the one second a SYN retry costs. */
  g_assert_cmpfloat (async.elapsed, <=, 4 * MAX (threads.elapsed, 1.0));
  tally_clear (&threads);
  tally_clear (&async);
  foreign_stop (&foreign);
}

static void
test_nginx (void)
{
  g_auto(GStrv) codes = fl_countries_list_populous ();
  Foreign foreign = { 0 };

  if (!nginx_start (&foreign, codes))
    {
      g_test_skip ("nginx is not installed (apt-get install nginx; tools/deps.sh lists it)");
      return;
    }
  check_every_mode (&foreign, codes, 20);
  /* nginx keeps connections alive: several runs in a row reuse or replace them cleanly. */
  check_every_mode (&foreign, codes, 5);
  foreign_stop (&foreign);
}

/* --- foreign clients against our server -------------------------------------------------- */

/* requests and httpx with sessions that keep connections alive and then close them, urllib
 * one connection per request; errors injected. Then the book's metadata field. */
static const char python_clients[] =
  "import json, sys, urllib.request, urllib.error\n"
  "base, codes = sys.argv[1], sys.argv[2].split(',')\n"
  "status = {}\n"
  "def note(cc, code):\n"
  "    status[code] = status.get(code, 0) + 1\n"
  "try:\n"
  "    import requests\n"
  "    for _ in range(3):\n"
  "        with requests.Session() as s:\n"
  "            for cc in codes:\n"
  "                try:\n"
  "                    note(cc, s.get(f'{base}/{cc}/{cc}.gif', timeout=5).status_code)\n"
  "                except requests.RequestException:\n"
  "                    note(cc, 'exception')\n"
  "except ImportError:\n"
  "    print('no requests', file=sys.stderr)\n"
  "try:\n"
  "    import httpx\n"
  "    for _ in range(3):\n"
  "        with httpx.Client() as c:\n"
  "            for cc in codes:\n"
  "                try:\n"
  "                    note(cc, c.get(f'{base}/{cc}/{cc}.gif', timeout=5).status_code)\n"
  "                except httpx.HTTPError:\n"
  "                    note(cc, 'exception')\n"
  "except ImportError:\n"
  "    print('no httpx', file=sys.stderr)\n"
  "for cc in codes:\n"
  "    try:\n"
  "        with urllib.request.urlopen(f'{base}/{cc}/{cc}.gif', timeout=5) as r:\n"
  "            note(cc, r.status)\n"
  "    except urllib.error.HTTPError as e:\n"
  "        note(cc, e.code)\n"
  "    except OSError:\n"
  "        note(cc, 'exception')\n"
  "with urllib.request.urlopen(f'{base}/cn/metadata.json', timeout=5) as r:\n"
  "    print(json.load(r)['country'])\n"
  "print(json.dumps(status))\n";

static void
test_python_clients_leave_nothing_open (void)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(FlFlagServer) server = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) codes = fl_countries_list_populous ();
  g_autofree char *joined = g_strjoinv (",", codes);
  FlFlagServerStats stats;
  guint start, now;
  gint64 end;

  config->error_rate = 0.25;
  config->seed = 3;
  server = fl_flag_server_new (config);
  g_assert_true (fl_flag_server_start (server, &error));
  base = fl_flag_server_dup_base_url (server);
  start = fl_test_count_fds ();

  process = fl_test_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                    | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                    &error, python (), "-c", python_clients, base, joined, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("python: %s%s", out, err);
  g_assert_true (g_subprocess_get_successful (process));
  g_assert_true (g_str_has_prefix (out, "People's Republic of China\n"));

  /* The clients are gone; so must be every connection they had. */
  end = g_get_monotonic_time () + (gint64) 5000 * FL_TEST_SLOWDOWN * 1000;
  while ((now = fl_test_count_fds ()) > start + 2 && g_get_monotonic_time () < end)
    fl_test_iterate (20);
  fl_flag_server_get_stats (server, &stats);
  g_test_message ("fds: %u before, %u after; %u connections open, %" G_GUINT64_FORMAT
                  " requests", start, now, stats.connections, stats.requests);
  g_assert_cmpuint (now, <=, start + 2);
  g_assert_cmpuint (stats.errors, >, 0);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();
  fl_download_register_job ();

  g_test_add_func ("/tasks/foreign/python-http-server-every-mode", test_python_http_server);
  g_test_add_func ("/tasks/foreign/async-keeps-up-with-threads-against-a-short-queue",
                   test_async_keeps_up_with_threads_against_a_short_queue);
  g_test_add_func ("/tasks/foreign/nginx-every-mode", test_nginx);
  g_test_add_func ("/tasks/foreign/python-clients-leave-nothing-open",
                   test_python_clients_leave_nothing_open);

  return g_test_run ();
}
