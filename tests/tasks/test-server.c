/* test-server.c: the embedded flag server and its fault injection
 *
 * Requests here use libsoup's blocking API from the test thread, whose main context is never
 * run meanwhile: every answer proves the server works on a thread of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <locale.h>
#include <string.h>

#include "futures-lab-server.h"
#include "fl-test-utils.h"

typedef struct
{
  FlFlagServer *server;
  SoupSession  *session;
  char         *base;
} Fixture;

static void
fixture_start (Fixture             *fixture,
               const FlFaultConfig *config)
{
  g_autoptr(GError) error = NULL;

  fixture->server = fl_flag_server_new (config);
  g_assert_true (fl_flag_server_start (fixture->server, &error));
  g_assert_no_error (error);
  fixture->base = fl_flag_server_dup_base_url (fixture->server);
  fixture->session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64,
                                                    NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture_start (fixture, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  fl_flag_server_stop (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->base, g_free);
}

/* GET @path; returns the body (NULL on a transport error) and the status. */
static GBytes *
get (Fixture    *fixture,
     const char *path,
     guint      *status,
     GError    **error)
{
  g_autofree char *url = g_strdup_printf ("%s%s", fixture->base, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  GBytes *body;

  body = soup_session_send_and_read (fixture->session, msg, NULL, error);
  *status = soup_message_get_status (msg);
  return body;
}

static void
set_config (Fixture             *fixture,
            const FlFaultConfig *config)
{
  fl_flag_server_set_fault_config (fixture->server, config);
}

static void
test_serves_flags_byte_identical (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_auto(GStrv) codes = fl_flag_server_list_codes ();
  guint status;

  g_assert_true (g_str_has_prefix (fixture->base, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (fixture->base, "/flags"));
  g_assert_cmpuint (fl_flag_server_get_port (fixture->server), >, 0);

  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s.gif", codes[i], codes[i]);
      g_autofree char *file = g_strdup_printf ("%s/data/flags/%s.gif", SOURCE_ROOT, codes[i]);
      g_autoptr(GBytes) body = get (fixture, path, &status, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_cmpuint (status, ==, 200);
      g_assert_true (g_file_get_contents (file, &contents, &length, NULL));
      g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), contents, length);
      g_assert_cmpmem (contents, 6, "GIF89a", 6);
    }
}

static void
test_metadata (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  guint status;

  body = get (fixture, "/cn/metadata.json", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_nonnull (strstr (text, "\"code\" : \"cn\""));
  g_assert_nonnull (strstr (text, "中国"));
  g_assert_nonnull (strstr (text, "\"width\" : 160"));
  /* The flags2 scripts' fields beside ours: they read "country". */
  g_assert_nonnull (strstr (text, "\"country\" : \"People's Republic of China\""));
  g_assert_nonnull (strstr (text, "\"iso_cc\" : \"CN\""));
  g_assert_nonnull (strstr (text, "\"tld_cc\" : \".cn\""));
}

static void
test_unknown_paths_are_404 (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *paths[] = { "/xx/xx.gif", "/CN/CN.gif", "/cn/br.gif", "/cn/cn.png", "/cn/",
                          "/cn", "/../cn/cn.gif", "/c/c.gif", "/cn/cn.gif/x", "/xx/metadata.json" };
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GBytes) body = get (fixture, paths[i], &status, NULL);

      g_assert_cmpuint (status, ==, 404);
    }
}

static void
test_fault_decisions_follow_the_seed (void)
{
  g_autoptr(FlFaultConfig) a = fl_fault_config_new (FL_SERVER_PRESET_ERROR);
  g_autoptr(FlFaultConfig) b = fl_fault_config_new (FL_SERVER_PRESET_ERROR);
  guint differ = 0, errors = 0, n = 0;

  a->seed = b->seed = 42;
  for (char x = 'a'; x <= 'z'; x++)
    for (char y = 'a'; y <= 'z'; y++)
      {
        g_autofree char *path = g_strdup_printf ("/flags/%c%c/%c%c.gif", x, y, x, y);
        FlFaultDecision da, db, again;

        fl_fault_config_decide (a, path, &da);
        fl_fault_config_decide (b, path, &db);
        fl_fault_config_decide (a, path, &again);
        g_assert_cmpint (da.kind, ==, db.kind);
        g_assert_cmpuint (da.delay_ms, ==, db.delay_ms);
        g_assert_cmpint (da.kind, ==, again.kind);
        g_assert_cmpuint (da.delay_ms, >=, 500);
        g_assert_cmpuint (da.delay_ms, <=, 5000);
        errors += da.kind == FL_FAULT_ERROR;
        n++;

        b->seed = 43;
        fl_fault_config_decide (b, path, &db);
        differ += da.kind != db.kind;
        b->seed = 42;
      }

  /* 25% of 676, give or take what chance allows; another seed fails other codes. */
  g_assert_cmpuint (errors, >, n * 15 / 100);
  g_assert_cmpuint (errors, <, n * 35 / 100);
  g_assert_cmpuint (differ, >, 50);
}

static void
test_same_seed_same_codes_fail_over_http (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_auto(GStrv) codes = fl_flag_server_list_codes ();
  guint failed = 0;

  config->error_rate = 0.3;
  config->error_status = 503;
  config->seed = 7;
  set_config (fixture, config);

  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s.gif", codes[i], codes[i]);
      g_autofree char *full = g_strdup_printf ("/flags%s", path);
      g_autoptr(GBytes) first = NULL, second = NULL;
      FlFaultDecision decision;
      guint status1, status2;

      first = get (fixture, path, &status1, NULL);
      second = get (fixture, path, &status2, NULL);
      fl_fault_config_decide (config, full, &decision);
      g_assert_cmpuint (status1, ==, status2);
      g_assert_cmpuint (status1, ==, decision.kind == FL_FAULT_ERROR ? 503 : 200);
      failed += status1 == 503;
    }
  g_assert_cmpuint (failed, >, 0);
  g_assert_cmpuint (failed, <, g_strv_length (codes));
}

static void
test_fail_codes_always_fail (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  const char *fail[] = { "br", "cn", NULL };
  g_autoptr(GBytes) br = NULL, cn = NULL, de = NULL, meta = NULL;
  guint status;

  config->fail_codes = g_strdupv ((char **) fail);
  config->error_status = 500;
  set_config (fixture, config);

  br = get (fixture, "/br/br.gif", &status, NULL);
  g_assert_cmpuint (status, ==, 500);
  cn = get (fixture, "/cn/cn.gif", &status, NULL);
  g_assert_cmpuint (status, ==, 500);
  meta = get (fixture, "/cn/metadata.json", &status, NULL);
  g_assert_cmpuint (status, ==, 500);
  de = get (fixture, "/de/de.gif", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_drops_and_truncations (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  FlFlagServerStats stats;
  guint status;

  config->drop_rate = 1.0;
  set_config (fixture, config);
  body = get (fixture, "/cn/cn.gif", &status, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  g_clear_error (&error);

  config->drop_rate = 0;
  config->truncate_rate = 1.0;
  set_config (fixture, config);
  fl_flag_server_reset_stats (fixture->server);
  body = get (fixture, "/br/br.gif", &status, &error);
  /* libsoup either says so or hands over what came: never the whole flag. */
  if (body != NULL)
    {
      g_autoptr(GBytes) whole = fl_flag_server_lookup_flag ("br");

      g_assert_cmpuint (g_bytes_get_size (body), ==, g_bytes_get_size (whole) / 2);
    }
  else
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);

  fl_flag_server_get_stats (fixture->server, &stats);
  g_assert_cmpuint (stats.truncated, >=, 1);
  g_assert_cmpuint (stats.ok, ==, 0);
}

static void
test_delay_is_applied (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(GBytes) body = NULL;
  gint64 start;
  guint status;

  config->delay_min_ms = config->delay_max_ms = 150;
  set_config (fixture, config);
  start = g_get_monotonic_time ();
  body = get (fixture, "/cn/cn.gif", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
}

static void
test_bandwidth_spreads_the_body (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(GBytes) expected = fl_flag_server_lookup_flag ("br");
  g_autoptr(GBytes) body = NULL;
  gsize size = g_bytes_get_size (expected);
  gint64 start, elapsed;
  guint status;

  /* About a third of the body per second: three 50 ms ticks' worth at least. */
  config->bandwidth = size * 4;
  set_config (fixture, config);
  start = g_get_monotonic_time ();
  body = get (fixture, "/br/br.gif", &status, NULL);
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_bytes_equal (body, expected));
  g_assert_cmpint (elapsed, >=, 150 * 1000);
}

static void
test_parsers (void)
{
  g_autoptr(GError) error = NULL;
  guint lo, hi, bw;
  double rate;
  const char *bad_delays[] = { "", "x", "-1", "5-2", "1-2-3", "10q", "1e9", "-" };
  const char *bad_rates[] = { "", "2", "-0.1", "150%", "x", "0.5x" };
  const char *bad_bandwidths[] = { "", "k", "-5", "12q", "99999999999" };

  g_assert_true (fl_parse_delay_range ("200", &lo, &hi, &error));
  g_assert_cmpuint (lo, ==, 200);
  g_assert_cmpuint (hi, ==, 200);
  g_assert_true (fl_parse_delay_range ("0.5s-5s", &lo, &hi, &error));
  g_assert_cmpuint (lo, ==, 500);
  g_assert_cmpuint (hi, ==, 5000);
  g_assert_true (fl_parse_delay_range ("100ms-300", &lo, &hi, &error));
  g_assert_cmpuint (hi, ==, 300);
  for (guint i = 0; i < G_N_ELEMENTS (bad_delays); i++)
    {
      g_assert_false (fl_parse_delay_range (bad_delays[i], &lo, &hi, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  g_assert_true (fl_parse_rate ("25%", &rate, &error));
  g_assert_cmpfloat_with_epsilon (rate, 0.25, 1e-9);
  g_assert_true (fl_parse_rate ("0.1", &rate, &error));
  g_assert_cmpfloat_with_epsilon (rate, 0.1, 1e-9);
  for (guint i = 0; i < G_N_ELEMENTS (bad_rates); i++)
    {
      g_assert_false (fl_parse_rate (bad_rates[i], &rate, &error));
      g_clear_error (&error);
    }

  g_assert_true (fl_parse_bandwidth ("2k", &bw, &error));
  g_assert_cmpuint (bw, ==, 2048);
  g_assert_true (fl_parse_bandwidth ("300", &bw, &error));
  g_assert_cmpuint (bw, ==, 300);
  for (guint i = 0; i < G_N_ELEMENTS (bad_bandwidths); i++)
    {
      g_assert_false (fl_parse_bandwidth (bad_bandwidths[i], &bw, &error));
      g_clear_error (&error);
    }
}

static void
test_validate (void)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_DELAY);
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_fault_config_validate (config, &error));
  config->error_status = 404;
  g_assert_false (fl_fault_config_validate (config, &error));
  g_clear_error (&error);
  config->error_status = 200;
  g_assert_false (fl_fault_config_validate (config, &error));
  g_clear_error (&error);
  config->error_status = 503;
  config->delay_min_ms = 6000;
  g_assert_false (fl_fault_config_validate (config, &error));
  g_clear_error (&error);
  config->delay_min_ms = 0;
  config->error_rate = 1.5;
  g_assert_false (fl_fault_config_validate (config, &error));
  g_clear_error (&error);
}

static void
test_presets (void)
{
  g_autoptr(FlFaultConfig) local = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(FlFaultConfig) delay = fl_fault_config_new (FL_SERVER_PRESET_DELAY);
  g_autoptr(FlFaultConfig) error = fl_fault_config_new (FL_SERVER_PRESET_ERROR);
  FlServerPreset preset;

  g_assert_cmpuint (local->delay_max_ms, ==, 0);
  g_assert_cmpfloat (local->error_rate, ==, 0);
  g_assert_cmpuint (delay->delay_min_ms, ==, 500);
  g_assert_cmpuint (delay->delay_max_ms, ==, 5000);
  g_assert_cmpfloat (delay->error_rate, ==, 0);
  g_assert_cmpuint (error->delay_max_ms, ==, 5000);
  g_assert_cmpfloat (error->error_rate, ==, 0.25);
  g_assert_true (fl_server_preset_from_string ("delay", &preset));
  g_assert_cmpint (preset, ==, FL_SERVER_PRESET_DELAY);
  g_assert_false (fl_server_preset_from_string ("http://x", &preset));
}

static void
test_listen_address (void)
{
  g_autoptr(FlFlagServer) server = fl_flag_server_new (NULL);
  g_autoptr(GError) error = NULL;

  fl_flag_server_set_address (server, "not an address");
  g_assert_false (fl_flag_server_start (server, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (fl_flag_server_is_running (server));
  g_assert_null (fl_flag_server_dup_base_url (server));
}

typedef struct
{
  Fixture *fixture;
  guint    done;
  guint    ok;
} Burst;

static void
on_burst_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  burst->done++;
  burst->ok += body != NULL;
}

static void
test_max_in_flight_counts_concurrency (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_auto(GStrv) codes = fl_flag_server_list_codes ();
  Burst burst = { fixture, 0, 0 };
  FlFlagServerStats stats;

  /* Long enough for all twelve to arrive before the first answer, even under a sanitizer
   * on a busy machine (200 ms was not: 8 of 12 in flight once). */
  config->delay_min_ms = config->delay_max_ms = 2000;
  set_config (fixture, config);
  fl_flag_server_reset_stats (fixture->server);

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *url = g_strdup_printf ("%s/%s/%s.gif", fixture->base, codes[i], codes[i]);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        on_burst_done, &burst);
    }
  fl_test_spin_until (burst.done == 12, 30000);
  g_assert_cmpuint (burst.ok, ==, 12);
  /* The server counts an answer when libsoup says it was written ("finished", on the
   * server's thread), which may come after the client has read it all. */
  fl_test_spin_until (({ fl_flag_server_get_stats (fixture->server, &stats);
                         stats.in_flight == 0; }), 10000);
  g_assert_cmpuint (stats.max_in_flight, ==, 12);
  g_assert_cmpuint (stats.requests, ==, 12);
  g_assert_cmpuint (stats.ok, ==, 12);
  g_assert_cmpuint (stats.in_flight, ==, 0);
}

static void
test_stop_with_requests_waiting (void)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  Fixture fixture = { 0 };
  Burst burst = { &fixture, 0, 0 };

  config->delay_min_ms = config->delay_max_ms = 60000;
  fixture_start (&fixture, config);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *url = g_strdup_printf ("%s/cn/cn.gif", fixture.base);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      soup_session_send_and_read_async (fixture.session, msg, G_PRIORITY_DEFAULT, NULL,
                                        on_burst_done, &burst);
    }
  fl_test_spin_until (fl_flag_server_get_max_in_flight (fixture.server) == 3, 5000);

  /* Stopping must not wait out the minute: the waiting requests end with the connections. */
  fl_flag_server_stop (fixture.server);
  fl_test_spin_until (burst.done == 3, 5000);
  g_assert_cmpuint (burst.ok, ==, 0);
  fixture_teardown (&fixture, NULL);
}

/* --- raw sockets: what no polite client sends ------------------------------------------- */

static GSocket *
raw_connect (FlFlagServer *server)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback,
                                                                 fl_flag_server_get_port (server));
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, 10 * FL_TEST_SLOWDOWN);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  return socket;
}

static void
raw_send (GSocket    *socket,
          const char *text)
{
  g_autoptr(GError) error = NULL;
  gsize length = strlen (text), sent = 0;

  while (sent < length)
    {
      gssize n = g_socket_send (socket, text + sent, length - sent, NULL, &error);

      g_assert_no_error (error);
      sent += n;
    }
}

/* Everything the server sends until it closes; fails on the socket's timeout. */
static char *
raw_read_to_end (GSocket *socket)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        break;
      g_assert_no_error (error);
      if (n == 0)
        break;
      g_string_append_len (text, buffer, n);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static guint
count_substrings (const char *text,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static guint
open_connections (FlFlagServer *server)
{
  FlFlagServerStats stats;

  fl_flag_server_get_stats (server, &stats);
  return stats.connections;
}

static void
test_idle_connections_are_closed (void)
{
  g_autoptr(FlFlagServer) server = fl_flag_server_new (NULL);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  FlFlagServerStats stats;

  fl_flag_server_set_limits (server, 300, 0);
  g_assert_true (fl_flag_server_start (server, &error));

  /* Idle ones, and a slowloris that never finishes its head. */
  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (sockets, raw_connect (server));
  raw_send (sockets->pdata[0], "GET /flags/cn/cn.gif HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");

  for (guint i = 0; i < sockets->len; i++)
    {
      g_autofree char *text = raw_read_to_end (sockets->pdata[i]);
      g_assert_cmpstr (text, ==, "");
    }
  fl_test_spin_until (open_connections (server) == 0, 5000);
  fl_flag_server_get_stats (server, &stats);
  g_assert_cmpuint (stats.timed_out, ==, 40);
}

static void
test_connection_cap (void)
{
  g_autoptr(FlFlagServer) server = fl_flag_server_new (NULL);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) extra = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FlFlagServerStats stats;

  fl_flag_server_set_limits (server, 0, 8);
  g_assert_true (fl_flag_server_start (server, &error));
  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (sockets, raw_connect (server));
  fl_test_spin_until (open_connections (server) == 8, 5000);

  /* One too many: told so, and closed at once. */
  extra = raw_connect (server);
  text = raw_read_to_end (extra);
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 503 "));
  fl_flag_server_get_stats (server, &stats);
  g_assert_cmpuint (stats.refused, ==, 1);

  /* The others still get their answer; then room again. */
  for (guint i = 0; i < sockets->len; i++)
    {
      g_autofree char *answer = NULL;

      raw_send (sockets->pdata[i], "GET /flags/cn/metadata.json HTTP/1.1\r\nHost: a\r\n\r\n");
      answer = raw_read_to_end (sockets->pdata[i]);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200 "));
    }
  fl_test_spin_until (open_connections (server) == 0, 5000);
}

typedef struct
{
  const char *name;
  const char *request;
} Smuggle;

static void
test_ambiguous_lengths_are_refused (void)
{
  static const Smuggle cases[] = {
    { "CL+TE", "POST /flags/cn/cn.gif HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
               "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
               "GET /flags/fr/fr.gif HTTP/1.1\r\nHost: a\r\n\r\n" },
    { "TE+CL", "GET /flags/cn/cn.gif HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
               "Content-Length: 40\r\n\r\n0\r\n\r\n"
               "GET /flags/fr/fr.gif HTTP/1.1\r\nHost: a\r\n\r\n" },
    { "two CL", "GET /flags/cn/cn.gif HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                "Content-Length: 9\r\n\r\nabc" },
    { "CL list", "GET /flags/cn/cn.gif HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 9\r\n\r\nabc" },
    { "negative CL", "GET /flags/cn/cn.gif HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n" },
    { "huge CL", "GET /flags/cn/cn.gif HTTP/1.1\r\nHost: a\r\n"
                 "Content-Length: 99999999999999999999\r\n\r\n" },
  };
  g_autoptr(FlFlagServer) server = fl_flag_server_new (NULL);
  g_autoptr(GError) error = NULL;
  FlFlagServerStats stats;

  g_assert_true (fl_flag_server_start (server, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GSocket) socket = raw_connect (server);
      g_autofree char *text = NULL;

      raw_send (socket, cases[i].request);
      text = raw_read_to_end (socket);
      g_test_message ("%s: %s", cases[i].name, text);
      g_assert_true (g_str_has_prefix (text, "HTTP/1.1 400 "));
      /* One answer, to one request: nothing smuggled through. */
      g_assert_cmpuint (count_substrings (text, "HTTP/1."), ==, 1);
    }
  fl_flag_server_get_stats (server, &stats);
  /* libsoup refuses "3, 9" by itself; the others are ours. */
  g_assert_cmpuint (stats.bad_requests, ==, G_N_ELEMENTS (cases) - 1);
  g_assert_cmpuint (stats.ok, ==, 0);
  fl_test_spin_until (open_connections (server) == 0, 5000);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tasks/server/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("serves-flags-byte-identical", test_serves_flags_byte_identical);
  ADD ("metadata-json", test_metadata);
  ADD ("unknown-paths-are-404", test_unknown_paths_are_404);
  ADD ("same-seed-same-codes-fail-over-http", test_same_seed_same_codes_fail_over_http);
  ADD ("fail-codes-always-fail", test_fail_codes_always_fail);
  ADD ("drops-and-truncations", test_drops_and_truncations);
  ADD ("delay-is-applied", test_delay_is_applied);
  ADD ("bandwidth-spreads-the-body", test_bandwidth_spreads_the_body);
  ADD ("max-in-flight-counts-concurrency", test_max_in_flight_counts_concurrency);
  g_test_add_func ("/tasks/server/fault-decisions-follow-the-seed",
                   test_fault_decisions_follow_the_seed);
  g_test_add_func ("/tasks/server/parsers", test_parsers);
  g_test_add_func ("/tasks/server/validate", test_validate);
  g_test_add_func ("/tasks/server/presets", test_presets);
  g_test_add_func ("/tasks/server/bad-listen-address", test_listen_address);
  g_test_add_func ("/tasks/server/stop-with-requests-waiting", test_stop_with_requests_waiting);
  g_test_add_func ("/tasks/server/idle-connections-are-closed", test_idle_connections_are_closed);
  g_test_add_func ("/tasks/server/connection-cap", test_connection_cap);
  g_test_add_func ("/tasks/server/ambiguous-lengths-are-refused",
                   test_ambiguous_lengths_are_refused);

  return g_test_run ();
}
