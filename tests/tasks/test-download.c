/* test-download.c: the download-flag job, every outcome, on every executor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <string.h>

#include "futures-lab-engine.h"
#include "futures-lab-server.h"
#include "futures-lab-tasks.h"
#include "fl-test-utils.h"

/* --- a misbehaving server the flag server would never be -------------------------------- */

#define BIG_BODY (2 * 1024 * 1024)

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  char         *base;      /* http://127.0.0.1:N */
  GMutex        lock;
  GCond         cond;
  guint         requests;  /* under lock */
} OddServer;

static void
odd_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  OddServer *odd = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  g_mutex_lock (&odd->lock);
  odd->requests++;
  g_mutex_unlock (&odd->lock);

  soup_server_message_set_status (msg, 200, NULL);
  if (g_str_has_prefix (path, "/big/"))
    {
      /* Announced too large: refused before reading. */
      char *body = g_malloc0 (BIG_BODY);
      soup_server_message_set_response (msg, "image/gif", SOUP_MEMORY_TAKE, body, BIG_BODY);
    }
  else if (g_str_has_prefix (path, "/chunked/"))
    {
      /* No length announced: refused while reading. */
      char *body = g_malloc0 (BIG_BODY);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_body_append_take (soup_server_message_get_response_body (msg),
                                     (guchar *) body, BIG_BODY);
      soup_message_body_complete (soup_server_message_get_response_body (msg));
    }
  else if (g_str_has_prefix (path, "/evil/") && g_str_has_suffix (path, "metadata.json"))
    {
      static const char json[] = "{\"code\": \"../../escaped\", \"name\": \"Nowhere\"}";
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, json,
                                        strlen (json));
    }
  else if (g_str_has_prefix (path, "/book/") && g_str_has_suffix (path, "metadata.json"))
    {
      /* The flags2 scripts' own tree. */
      static const char json[] = "{\"tld_cc\": \".cn\", \"iso_cc\": \"CN\", "
                                 "\"country\": \"China\", \"gec_cc\": \"CH\"}";
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, json,
                                        strlen (json));
    }
  else if (g_str_has_prefix (path, "/html/"))
    {
      static const char html[] = "<html><body>Please log in to the hotel Wi-Fi</body></html>";
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, html,
                                        strlen (html));
    }
  else if (g_str_has_prefix (path, "/empty/"))
    soup_server_message_set_response (msg, "image/gif", SOUP_MEMORY_STATIC, "", 0);
  else if (g_str_has_prefix (path, "/notgif/"))
    soup_server_message_set_response (msg, "image/gif", SOUP_MEMORY_STATIC, "<!doctype html>",
                                      15);
  else if (g_str_has_prefix (path, "/png/"))
    soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC,
                                      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  else if (g_str_has_prefix (path, "/svg/"))
    {
      static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
      soup_server_message_set_response (msg, "image/svg+xml", SOUP_MEMORY_STATIC, svg,
                                        strlen (svg));
    }
  else if (g_str_has_prefix (path, "/nometa/") && g_str_has_suffix (path, "metadata.json"))
    soup_server_message_set_status (msg, 404, NULL);
  else if (g_str_has_suffix (path, ".gif"))
    soup_server_message_set_response (msg, "image/gif", SOUP_MEMORY_STATIC, "GIF89a", 6);
  else if (g_str_has_prefix (path, "/status/"))
    soup_server_message_set_status (msg, 503, "Busy");
  else
    soup_server_message_set_status (msg, 404, NULL);
}

/* Each connection the service accepts goes to libsoup as a stream: libsoup 3.2.3's own
 * listener leaks every socket it accepts and its own address (fixed in libsoup 3.4). */
static gboolean
on_odd_incoming (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 gpointer           user_data)
{
  SoupServer *server = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  if (local != NULL && remote != NULL)
    soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, NULL);
  return TRUE;
}

static gpointer
odd_thread (gpointer data)
{
  OddServer *odd = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) wanted = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (odd->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, odd_handler, odd, NULL);
  service = g_socket_service_new ();
  g_signal_connect (service, "incoming", G_CALLBACK (on_odd_incoming), server);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), wanted,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, &error));
  g_assert_no_error (error);
  g_mutex_lock (&odd->lock);
  odd->base = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_cond_broadcast (&odd->cond);
  g_mutex_unlock (&odd->lock);

  g_main_loop_run (odd->loop);
  /* The connections still open close on this context: it runs until nothing is left, or
   * their sockets outlive the server. */
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  soup_server_disconnect (server);
  g_clear_object (&server);
  while (g_main_context_iteration (odd->context, FALSE))
    ;
  g_main_context_pop_thread_default (odd->context);
  return NULL;
}

static OddServer *
odd_server_start (void)
{
  OddServer *odd = g_new0 (OddServer, 1);

  g_mutex_init (&odd->lock);
  g_cond_init (&odd->cond);
  odd->context = g_main_context_new ();
  odd->loop = g_main_loop_new (odd->context, FALSE);
  odd->thread = g_thread_new ("odd-server", odd_thread, odd);
  g_mutex_lock (&odd->lock);
  while (odd->base == NULL)
    g_cond_wait (&odd->cond, &odd->lock);
  g_mutex_unlock (&odd->lock);
  return odd;
}

static gboolean
quit_idle (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
odd_server_stop (OddServer *odd)
{
  GSource *quit = g_idle_source_new ();

  g_source_set_callback (quit, quit_idle, odd->loop, NULL);
  g_source_attach (quit, odd->context);
  g_source_unref (quit);
  g_thread_join (odd->thread);
  g_main_loop_unref (odd->loop);
  g_main_context_unref (odd->context);
  g_free (odd->base);
  g_mutex_clear (&odd->lock);
  g_cond_clear (&odd->cond);
  g_free (odd);
}

/* --- fixture: the flag server and an output folder --------------------------------------- */

typedef struct
{
  FlFlagServer *server;
  char         *base;
  char         *output;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = fl_flag_server_new (NULL);
  g_assert_true (fl_flag_server_start (fixture->server, &error));
  fixture->base = fl_flag_server_dup_base_url (fixture->server);
  fixture->output = g_dir_make_tmp ("test-download-XXXXXX", &error);
  g_assert_no_error (error);
}

static GStrv
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_strv_builder_add (builder, name);
  return g_strv_builder_end (builder);
}

static void
remove_dir (const char *path)
{
  g_auto(GStrv) names = list_dir (path);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *child = g_build_filename (path, names[i], NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  fl_flag_server_stop (fixture->server);
  g_clear_object (&fixture->server);
  remove_dir (fixture->output);
  g_free (fixture->output);
  g_free (fixture->base);
}

static void
set_faults (Fixture *fixture,
            void   (*change) (FlFaultConfig *config))
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);

  config->seed = 1;
  change (config);
  fl_flag_server_set_fault_config (fixture->server, config);
  fl_flag_server_reset_stats (fixture->server);
}

static GVariant *
args_for (Fixture    *fixture,
          const char *cc)
{
  return g_variant_ref_sink (fl_download_args_new (cc, fixture->base, fixture->output,
                                                   FL_DOWNLOAD_DEFAULT_TIMEOUT_MS, 4));
}

static guint
n_files (const char *dir)
{
  g_auto(GStrv) names = list_dir (dir);

  return g_strv_length (names);
}

/* Runs the async form on this thread's main context, spinning it with a bound. */
typedef struct
{
  gboolean  done;
  GVariant *value;
  GError   *error;
} AsyncResult;

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncResult *out = user_data;

  out->value = fl_download_flag_finish (result, &out->error);
  out->done = TRUE;
}

static GVariant *
run_async (GVariant      *args,
           GCancellable  *cancellable,
           GError       **error)
{
  AsyncResult out = { 0 };

  fl_download_flag_async (args, cancellable, NULL, on_async_done, &out);
  fl_test_spin_until (out.done, 10000);
  if (out.error != NULL)
    g_propagate_error (error, out.error);
  return out.value;
}

typedef GVariant *(*RunFunc) (GVariant *args, GCancellable *cancellable, GError **error);

static GVariant *
run_sync (GVariant      *args,
          GCancellable  *cancellable,
          GError       **error)
{
  GVariant *value = fl_download_flag (args, cancellable, NULL, error);

  return value != NULL ? g_variant_ref_sink (value) : NULL;
}

static const RunFunc forms[] = { run_sync, run_async };

/* --- outcomes ------------------------------------------------------------------------------ */

static void
test_ok_saves_identical_file (Fixture       *fixture,
                              gconstpointer  data)
{
  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) args = args_for (fixture, f == 0 ? "br" : "cn");
      g_autoptr(GVariant) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) expected = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *expected_path = NULL;
      const char *status, *path, *cc;
      guint http_status;
      guint64 bytes;
      gsize length;

      result = forms[f] (args, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_variant_lookup (result, "status", "&s", &status));
      g_assert_true (g_variant_lookup (result, "http-status", "u", &http_status));
      g_assert_true (g_variant_lookup (result, "bytes", "t", &bytes));
      g_assert_true (g_variant_lookup (result, "path", "&s", &path));
      g_assert_true (g_variant_lookup (result, "cc", "&s", &cc));
      g_assert_cmpstr (status, ==, "OK");
      g_assert_cmpuint (http_status, ==, 200);

      expected_path = g_strdup_printf ("%s/%s.gif", fixture->output, cc);
      g_assert_cmpstr (path, ==, expected_path);
      expected = fl_flag_server_lookup_flag (cc);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL),
                       g_bytes_get_size (expected));
      g_assert_cmpuint (bytes, ==, length);
    }
  g_assert_cmpuint (n_files (fixture->output), ==, 2);
}

static void
test_not_found_writes_nothing (Fixture       *fixture,
                               gconstpointer  data)
{
  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) args = args_for (fixture, "xx");
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = forms[f] (args, NULL, &error);
      const char *status, *path;
      guint http_status;

      g_assert_no_error (error);
      g_variant_lookup (result, "status", "&s", &status);
      g_variant_lookup (result, "http-status", "u", &http_status);
      g_variant_lookup (result, "path", "&s", &path);
      g_assert_cmpstr (status, ==, "NOT_FOUND");
      g_assert_cmpuint (http_status, ==, 404);
      g_assert_cmpstr (path, ==, "");
    }
  g_assert_cmpuint (n_files (fixture->output), ==, 0);
}

static void
error_503 (FlFaultConfig *config)
{
  config->error_rate = 1.0;
  config->error_status = 503;
}

static void
error_418 (FlFaultConfig *config)
{
  config->error_rate = 1.0;
}

static void
drop_all (FlFaultConfig *config)
{
  config->drop_rate = 1.0;
}

static void
truncate_all (FlFaultConfig *config)
{
  config->truncate_rate = 1.0;
}

static void
slow_2s (FlFaultConfig *config)
{
  config->delay_min_ms = config->delay_max_ms = 2000;
}

static void
trickle (FlFaultConfig *config)
{
  config->bandwidth = 200;
}

static void
check_fails (Fixture       *fixture,
             void         (*change) (FlFaultConfig *config),
             int            code,
             const char    *message_part)
{
  set_faults (fixture, change);
  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) args = args_for (fixture, "br");
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = forms[f] (args, NULL, &error);

      g_assert_null (result);
      g_assert_error (error, FL_DOWNLOAD_ERROR, code);
      if (message_part != NULL)
        g_assert_nonnull (strstr (error->message, message_part));
    }
  g_assert_cmpuint (n_files (fixture->output), ==, 0);
}

static void
test_http_errors_carry_the_status (Fixture       *fixture,
                                   gconstpointer  data)
{
  check_fails (fixture, error_503, 503, "HTTP 503");
  check_fails (fixture, error_418, 418, "Teapot");
}

static void
test_dropped_connection (Fixture       *fixture,
                         gconstpointer  data)
{
  check_fails (fixture, drop_all, FL_DOWNLOAD_ERROR_CONNECTION, NULL);
}

static void
test_truncated_body (Fixture       *fixture,
                     gconstpointer  data)
{
  check_fails (fixture, truncate_all, FL_DOWNLOAD_ERROR_TRUNCATED, NULL);
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  set_faults (fixture, slow_2s);
  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new ("br", fixture->base,
                                                                           fixture->output,
                                                                           150, 4));
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GVariant) result = forms[f] (args, NULL, &error);
      gint64 elapsed = g_get_monotonic_time () - start;

      g_assert_null (result);
      g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TIMEOUT);
      g_assert_cmpint (elapsed, >=, 150 * 1000);
      g_assert_cmpint (elapsed, <, 1500 * 1000 * FL_TEST_SLOWDOWN);
    }
  g_assert_cmpuint (n_files (fixture->output), ==, 0);
}

static void
slow_600 (FlFaultConfig *config)
{
  config->delay_min_ms = config->delay_max_ms = 600;
}

static void
test_deadlines_are_independent (Fixture       *fixture,
                                gconstpointer  data)
{
  /* The later deadline goes in first: the shared timer must still wake for the earlier one,
   * and only that request ends. */
  g_autoptr(GVariant) patient = g_variant_ref_sink (fl_download_args_new ("br", fixture->base,
                                                                          fixture->output, 5000,
                                                                          4));
  g_autoptr(GVariant) hasty = g_variant_ref_sink (fl_download_args_new ("cn", fixture->base,
                                                                        fixture->output, 150, 4));
  AsyncResult slow = { 0 }, fast = { 0 };
  gint64 start = g_get_monotonic_time ();

  set_faults (fixture, slow_600);
  fl_download_flag_async (patient, NULL, NULL, on_async_done, &slow);
  fl_download_flag_async (hasty, NULL, NULL, on_async_done, &fast);
  fl_test_spin_until (fast.done, 5000);
  g_assert_false (slow.done);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 600 * 1000 * FL_TEST_SLOWDOWN);
  g_assert_error (fast.error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TIMEOUT);
  fl_test_spin_until (slow.done, 5000);
  g_assert_no_error (slow.error);
  g_assert_nonnull (slow.value);
  g_clear_error (&fast.error);
  g_clear_pointer (&slow.value, g_variant_unref);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  guint port = fl_flag_server_get_port (fixture->server);
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u/flags", port);

  fl_flag_server_stop (fixture->server);
  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new ("br", base,
                                                                           fixture->output,
                                                                           1000, 4));
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = forms[f] (args, NULL, &error);

      g_assert_null (result);
      g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_CONNECTION);
    }
}

static void
test_body_cap (void)
{
  OddServer *odd = odd_server_start ();
  g_autofree char *output = g_dir_make_tmp ("test-download-XXXXXX", NULL);
  const char *kinds[] = { "big", "chunked" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
      {
        g_autofree char *base = g_strdup_printf ("%s/%s", odd->base, kinds[k]);
        g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new ("aa", base, output,
                                                                             5000, 2));
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) result = forms[f] (args, NULL, &error);

        g_assert_null (result);
        g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_TOO_LARGE);
      }
  g_assert_cmpuint (n_files (output), ==, 0);
  remove_dir (output);
  odd_server_stop (odd);
}

static void
test_codes_that_are_not_two_letters_never_become_paths (Fixture       *fixture,
                                                        gconstpointer  data)
{
  const char *bad[] = { "", "c", "CN", "cnn", "../cn", "c/", "..", "c.", "1a", "a\n" };
  g_autofree char *parent = g_path_get_dirname (fixture->output);
  guint before = n_files (parent);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
      {
        g_autoptr(GVariant) args = args_for (fixture, bad[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) result = forms[f] (args, NULL, &error);

        g_assert_null (result);
        g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_CODE);
      }
  /* Refused before any request and before any file. */
  g_assert_cmpuint (fl_flag_server_get_max_in_flight (fixture->server), ==, 0);
  g_assert_cmpuint (n_files (fixture->output), ==, 0);
  g_assert_cmpuint (n_files (parent), ==, before);
}

static void
test_server_supplied_code_never_becomes_a_path (void)
{
  OddServer *odd = odd_server_start ();
  g_autofree char *output = g_dir_make_tmp ("test-download-XXXXXX", NULL);
  g_autofree char *base = g_strdup_printf ("%s/evil", odd->base);
  g_autofree char *parent = g_path_get_dirname (output);
  g_autofree char *escaped = g_build_filename (parent, "escaped", NULL);

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) base_args = g_variant_ref_sink (fl_download_args_new ("ab", base, output,
                                                                                5000, 2));
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (base_args);
      g_autoptr(GVariant) args = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = NULL;

      g_variant_dict_insert (&dict, "metadata", "b", TRUE);
      args = g_variant_ref_sink (g_variant_dict_end (&dict));
      result = forms[f] (args, NULL, &error);
      g_assert_null (result);
      g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "../../escaped"));
    }
  g_assert_cmpuint (n_files (output), ==, 0);
  g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
  remove_dir (output);
  odd_server_stop (odd);
}

static void
test_metadata_gives_the_name (Fixture       *fixture,
                              gconstpointer  data)
{
  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) base_args = g_variant_ref_sink (fl_download_args_new ("de", fixture->base,
                                                                                fixture->output,
                                                                                3000, 2));
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (base_args);
      g_autoptr(GVariant) args = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = NULL;
      const char *name;

      g_variant_dict_insert (&dict, "metadata", "b", TRUE);
      args = g_variant_ref_sink (g_variant_dict_end (&dict));
      result = forms[f] (args, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_variant_lookup (result, "name", "&s", &name));
      g_assert_cmpstr (name, ==, "Germany");
    }
}

static void
test_bad_arguments (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) no_dict = g_variant_ref_sink (g_variant_new_string ("br"));
  g_autoptr(GVariant) ftp = g_variant_ref_sink (fl_download_args_new ("br", "ftp://host/flags",
                                                                      fixture->output, 1000, 1));
  g_autoptr(GVariant) nohost = g_variant_ref_sink (fl_download_args_new ("br", "http:///flags",
                                                                         fixture->output, 1000, 1));
  g_autoptr(GVariant) base_args = g_variant_ref_sink (fl_download_args_new ("br", fixture->base,
                                                                            fixture->output, 1000,
                                                                            1));
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (base_args);
  g_autoptr(GVariant) huge_cap = NULL;

  g_assert_null (run_sync (no_dict, NULL, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (run_sync (ftp, NULL, &error));
  g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_URL);
  g_clear_error (&error);
  g_assert_null (run_async (nohost, NULL, &error));
  g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_URL);
  g_clear_error (&error);

  g_variant_dict_insert (&dict, "max-bytes", "u", FL_DOWNLOAD_MAX_BYTES + 1);
  huge_cap = g_variant_ref_sink (g_variant_dict_end (&dict));
  g_assert_null (run_sync (huge_cap, NULL, &error));
  g_assert_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT);
}

/* --- atomic saves -------------------------------------------------------------------------- */

static void
test_atomic_save_leaves_nothing_on_failure (void)
{
  g_autofree char *output = g_dir_make_tmp ("test-download-XXXXXX", NULL);
  g_autofree char *blocker = g_build_filename (output, "cn.gif", NULL);
  g_autofree char *inside = g_build_filename (blocker, "keep", NULL);
  g_autoptr(GBytes) data = g_bytes_new_static ("GIF89a", 6);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  char *path = NULL;

  /* A folder where the file should go: the rename fails, the temporary file goes. */
  g_assert_cmpint (g_mkdir (blocker, 0755), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", 1, NULL));
  g_assert_false (fl_download_save_atomically (output, "cn", data, NULL, &path, &error));
  g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_WRITE);
  g_clear_error (&error);
  names = list_dir (output);
  g_assert_cmpuint (g_strv_length (names), ==, 1);   /* only the folder */

  /* Cancelled before the rename: nothing either. */
  g_cancellable_cancel (cancelled);
  g_assert_false (fl_download_save_atomically (output, "br", data, cancelled, &path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (n_files (output), ==, 1);

  g_assert_false (fl_download_save_atomically (output, "../br", data, NULL, &path, &error));
  g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_INVALID_CODE);
  g_clear_error (&error);

  g_assert_true (fl_download_save_atomically (output, "br", data, NULL, &path, &error));
  g_assert_true (g_str_has_suffix (path, "/br.gif"));
  g_assert_cmpuint (n_files (output), ==, 2);
  g_free (path);
  remove_dir (output);
}

/* --- on executors: cancellation mid-transfer, concurrency, describe ------------------------ */

static FlExecutor *
make_executor (guint kind,
               guint n)
{
  switch (kind)
    {
    case 0:
      return fl_thread_executor_new (n);
    case 1:
      return fl_loop_executor_new (NULL, n);
    default:
      return fl_inline_executor_new ();
    }
}

static void
test_cancel_mid_transfer_leaves_no_file (Fixture       *fixture,
                                         gconstpointer  data)
{
  set_faults (fixture, trickle);
  for (guint kind = 0; kind < 2; kind++)
    {
      g_autoptr(FlExecutor) executor = make_executor (kind, 2);
      g_autoptr(GVariant) args = args_for (fixture, "br");
      g_autoptr(FlFuture) future = NULL;
      g_autoptr(GVariant) outcome = NULL;
      const char *status;

      future = fl_executor_submit (executor, FL_DOWNLOAD_JOB, args, "BR", NULL);
      g_assert_nonnull (future);
      /* Bytes have arrived: the transfer is under way. */
      fl_test_spin_until (fl_future_get_bytes (future) > 0, 5000);
      g_assert_false (fl_future_is_done (future));
      fl_future_request_cancel (future);
      fl_test_spin_until (fl_future_is_done (future), 5000);

      g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_CANCELLED);
      g_assert_cmpint (fl_download_status_from_future (future), ==, FL_DOWNLOAD_STATUS_CANCELLED);
      outcome = g_variant_ref_sink (fl_download_describe_future (future));
      g_variant_lookup (outcome, "status", "&s", &status);
      g_assert_cmpstr (status, ==, "CANCELLED");
      g_assert_cmpuint (n_files (fixture->output), ==, 0);
      fl_executor_shutdown (executor, TRUE, TRUE);
    }
}

static void
delay_100 (FlFaultConfig *config)
{
  config->delay_min_ms = config->delay_max_ms = 100;
}

static void
test_concurrency_is_reached (Fixture       *fixture,
                             gconstpointer  data)
{
  g_auto(GStrv) codes = fl_countries_list_codes ();

  set_faults (fixture, delay_100);
  for (guint kind = 0; kind < 2; kind++)
    {
      g_autoptr(FlExecutor) executor = make_executor (kind, 7);
      g_autoptr(GPtrArray) futures = g_ptr_array_new_with_free_func (g_object_unref);
      guint done = 0;

      fl_flag_server_reset_stats (fixture->server);
      for (guint i = 0; i < 21; i++)
        {
          g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new (codes[i],
                                                                               fixture->base,
                                                                               fixture->output,
                                                                               3000, 7));
          g_ptr_array_add (futures, fl_executor_submit (executor, FL_DOWNLOAD_JOB, args,
                                                        codes[i], NULL));
        }
      while (done < futures->len)
        {
          fl_test_spin_until (fl_future_is_done (g_ptr_array_index (futures, done)), 10000);
          g_assert_cmpint (fl_download_status_from_future (g_ptr_array_index (futures, done)),
                           ==, FL_DOWNLOAD_STATUS_OK);
          done++;
        }
      /* Exactly the executor's limit: not more, and libsoup did not serialise them. */
      g_assert_cmpuint (fl_flag_server_get_max_in_flight (fixture->server), ==, 7);
      fl_executor_shutdown (executor, TRUE, FALSE);
    }
}

static void
test_runs_on_every_executor (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *codes[] = { "cn", "xx", "fr" };

  for (guint kind = 0; kind < 3; kind++)
    {
      g_autoptr(FlExecutor) executor = make_executor (kind, 3);

      for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
        {
          g_autoptr(GVariant) args = args_for (fixture, codes[i]);
          g_autoptr(FlFuture) future = fl_executor_submit (executor, FL_DOWNLOAD_JOB, args,
                                                           codes[i], NULL);
          FlDownloadStatus expected = i == 1 ? FL_DOWNLOAD_STATUS_NOT_FOUND
                                             : FL_DOWNLOAD_STATUS_OK;

          fl_test_spin_until (fl_future_is_done (future), 10000);
          g_assert_cmpint (fl_download_status_from_future (future), ==, expected);
        }
      fl_executor_shutdown (executor, TRUE, FALSE);
    }
}

static void
test_describe_failed_future (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(FlExecutor) executor = fl_thread_executor_new (1);
  g_autoptr(GVariant) args = args_for (fixture, "cn");
  g_autoptr(FlFuture) future = NULL;
  g_autoptr(GVariant) outcome = NULL;
  const char *status, *error, *cc;
  guint http_status;

  set_faults (fixture, error_503);
  future = fl_executor_submit (executor, FL_DOWNLOAD_JOB, args, "CN", NULL);
  fl_test_spin_until (fl_future_is_done (future), 5000);
  g_assert_cmpint (fl_future_get_state (future), ==, FL_FUTURE_FAILED);
  outcome = g_variant_ref_sink (fl_download_describe_future (future));
  g_variant_lookup (outcome, "status", "&s", &status);
  g_variant_lookup (outcome, "http-status", "u", &http_status);
  g_variant_lookup (outcome, "error", "&s", &error);
  g_variant_lookup (outcome, "cc", "&s", &cc);
  g_assert_cmpstr (status, ==, "ERROR");
  g_assert_cmpuint (http_status, ==, 503);
  g_assert_cmpstr (cc, ==, "cn");
  g_assert_nonnull (strstr (error, "503"));
  fl_executor_shutdown (executor, TRUE, FALSE);
}

/* --- a raw server that answers with nothing but "100 Continue" --------------------------- */

typedef struct
{
  GSocket *listener;
  GThread *thread;
  char    *base;
  int      stop;      /* atomic */
} FloodServer;

#define FLOOD_LIMIT (64 * 1024 * 1024)

static gpointer
flood_thread (gpointer data)
{
  FloodServer *flood = data;
  g_autoptr(GString) chunk = g_string_new (NULL);

  while (chunk->len < 65536)
    g_string_append (chunk, "HTTP/1.1 100 Continue\r\n\r\n");

  while (!g_atomic_int_get (&flood->stop))
    {
      g_autoptr(GSocket) client = g_socket_accept (flood->listener, NULL, NULL);
      char buffer[4096];
      gsize sent = 0;

      if (client == NULL)
        break;
      g_socket_set_timeout (client, 10);
      /* The request head, then a flood until the client hangs up (or 64 MiB). */
      g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);
      while (sent < FLOOD_LIMIT && !g_atomic_int_get (&flood->stop))
        {
          gssize n = g_socket_send (client, chunk->str, chunk->len, NULL, NULL);
          if (n <= 0)
            break;
          sent += n;
        }
      g_socket_close (client, NULL);
    }
  return NULL;
}

static FloodServer *
flood_server_start (void)
{
  FloodServer *flood = g_new0 (FloodServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  flood->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (flood->listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (flood->listener, &error));
  bound = g_socket_get_local_address (flood->listener, &error);
  flood->base = g_strdup_printf ("http://127.0.0.1:%u",
                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  flood->thread = g_thread_new ("flood-server", flood_thread, flood);
  return flood;
}

static void
flood_server_stop (FloodServer *flood)
{
  g_atomic_int_set (&flood->stop, TRUE);
  /* Wake the accept. */
  g_socket_shutdown (flood->listener, TRUE, TRUE, NULL);
  g_socket_close (flood->listener, NULL);
  g_thread_join (flood->thread);
  g_object_unref (flood->listener);
  g_free (flood->base);
  g_free (flood);
}

static void
test_informational_flood_is_cut_off (void)
{
  FloodServer *flood = flood_server_start ();
  g_autofree char *output = g_dir_make_tmp ("test-download-XXXXXX", NULL);

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new ("cn", flood->base,
                                                                           output, 3100, 2));
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = NULL;

      result = forms[f] (args, NULL, &error);
      g_assert_null (result);
      g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "informational"));
    }
  g_assert_cmpuint (n_files (output), ==, 0);
  remove_dir (output);
  flood_server_stop (flood);
}

static void
test_a_200_that_is_not_an_image (void)
{
  static const char *const bad[] = { "html", "empty", "notgif" };
  static const char *const good[] = { "png", "svg" };
  OddServer *odd = odd_server_start ();
  g_autofree char *output = g_dir_make_tmp ("test-download-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (output, "cn.gif", NULL);
  g_autoptr(GBytes) flag = fl_flag_server_lookup_flag ("cn");
  g_autofree char *contents = NULL;
  gsize length;

  /* A good flag already there, from an earlier run. */
  g_assert_true (g_file_set_contents (saved, g_bytes_get_data (flag, NULL),
                                      g_bytes_get_size (flag), NULL));
  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *base = g_strdup_printf ("%s/%s", odd->base, bad[i]);
        g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new ("cn", base, output,
                                                                             3000, 2));
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) result = forms[f] (args, NULL, &error);

        g_test_message ("%s: %s", bad[i], error != NULL ? error->message : "(saved)");
        g_assert_null (result);
        g_assert_error (error, FL_DOWNLOAD_ERROR, FL_DOWNLOAD_ERROR_NOT_AN_IMAGE);
      }
  /* Never replaced by a bad one. */
  g_assert_true (g_file_get_contents (saved, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (flag, NULL), g_bytes_get_size (flag));
  g_assert_cmpuint (n_files (output), ==, 1);

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    for (guint i = 0; i < G_N_ELEMENTS (good); i++)
      {
        g_autofree char *base = g_strdup_printf ("%s/%s", odd->base, good[i]);
        g_autoptr(GVariant) args = g_variant_ref_sink (fl_download_args_new ("br", base, output,
                                                                             3000, 2));
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) result = forms[f] (args, NULL, &error);

        g_assert_no_error (error);
        g_assert_nonnull (result);
      }
  remove_dir (output);
  odd_server_stop (odd);
}

static void
test_metadata_in_the_books_format (void)
{
  OddServer *odd = odd_server_start ();
  g_autofree char *output = g_dir_make_tmp ("test-download-XXXXXX", NULL);
  g_autofree char *base = g_strdup_printf ("%s/book", odd->base);

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      g_autoptr(GVariant) base_args = g_variant_ref_sink (fl_download_args_new ("cn", base, output,
                                                                                3000, 2));
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (base_args);
      g_autoptr(GVariant) args = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = NULL;
      const char *name;

      g_variant_dict_insert (&dict, "metadata", "b", TRUE);
      args = g_variant_ref_sink (g_variant_dict_end (&dict));
      result = forms[f] (args, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_variant_lookup (result, "name", "&s", &name));
      g_assert_cmpstr (name, ==, "China");
    }
  remove_dir (output);
  odd_server_stop (odd);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();
  fl_download_register_job ();

#define ADD(path, func) \
  g_test_add ("/tasks/download/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("ok-saves-identical-file", test_ok_saves_identical_file);
  ADD ("not-found-writes-nothing", test_not_found_writes_nothing);
  ADD ("http-errors-carry-the-status", test_http_errors_carry_the_status);
  ADD ("dropped-connection", test_dropped_connection);
  ADD ("truncated-body", test_truncated_body);
  ADD ("timeout", test_timeout);
  ADD ("connection-refused", test_connection_refused);
  ADD ("deadlines-are-independent", test_deadlines_are_independent);
  ADD ("codes-that-are-not-two-letters-never-become-paths",
       test_codes_that_are_not_two_letters_never_become_paths);
  ADD ("metadata-gives-the-name", test_metadata_gives_the_name);
  ADD ("bad-arguments", test_bad_arguments);
  ADD ("cancel-mid-transfer-leaves-no-file", test_cancel_mid_transfer_leaves_no_file);
  ADD ("concurrency-is-reached", test_concurrency_is_reached);
  ADD ("runs-on-every-executor", test_runs_on_every_executor);
  ADD ("describe-failed-future", test_describe_failed_future);
  g_test_add_func ("/tasks/download/body-cap", test_body_cap);
  g_test_add_func ("/tasks/download/informational-flood-is-cut-off",
                   test_informational_flood_is_cut_off);
  g_test_add_func ("/tasks/download/a-200-that-is-not-an-image", test_a_200_that_is_not_an_image);
  g_test_add_func ("/tasks/download/metadata-in-the-books-format",
                   test_metadata_in_the_books_format);
  g_test_add_func ("/tasks/download/server-supplied-code-never-becomes-a-path",
                   test_server_supplied_code_never_becomes_a_path);
  g_test_add_func ("/tasks/download/atomic-save-leaves-nothing-on-failure",
                   test_atomic_save_leaves_nothing_on_failure);

  return g_test_run ();
}
