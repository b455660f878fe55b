/* fl-flag-store.c: the flags and metadata the server answers with
 *
 * The flags and countries.json are compiled into the binary as a GResource
 * (fl-server.gresource.xml), so the server needs no data directory: an installed binary, a
 * build tree and a test all serve the same bytes. Looked up through fl_server_get_resource()
 * directly rather than the global resource table, so nothing depends on a static library's
 * constructor being linked in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fl-flag-store.h"
#include "fl-flag-store-private.h"
#include "fl-server-resources.h"

#define RESOURCE_PREFIX "/io/github/FuturesLab/server/"

typedef struct
{
  GHashTable *metadata;   /* code -> GBytes of metadata.json */
  GStrv       codes;      /* sorted */
} FlFlagStore;

static gboolean
is_code (const char *text,
         gsize       length)
{
  return length == 2 && g_ascii_islower (text[0]) && g_ascii_islower (text[1]);
}

/* The server's resource, with a reference of our own: the generated code drops its own in
 * a destructor at exit, while a server thread may still be answering (an app or a test that
 * returns from main() with a request in its delay read a freed resource). */
static GResource *
store_resource (void)
{
  static gsize once = 0;
  static GResource *resource;

  if (g_once_init_enter (&once))
    {
      resource = g_resource_ref (fl_server_get_resource ());
      g_once_init_leave (&once, 1);
    }
  return resource;
}

static GBytes *
lookup_flag (const char *cc)
{
  g_autofree char *path = g_strdup_printf (RESOURCE_PREFIX "flags/%s.gif", cc);

  return g_resource_lookup_data (store_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

static GBytes *
render_metadata (JsonObject *country,
                 GBytes     *flag)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *cc = json_object_get_string_member (country, "code");
  g_autofree char *file = g_strdup_printf ("%s.gif", cc);
  g_autofree char *iso = g_ascii_strup (cc, -1);
  /* Great Britain's top-level domain is the one exception to ".<iso code>". */
  g_autofree char *tld = g_strdup_printf (".%s", g_str_equal (cc, "gb") ? "uk" : cc);
  char *text;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, cc);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, json_object_get_string_member (country, "name"));
  json_builder_set_member_name (builder, "name_zh");
  json_builder_add_string_value (builder, json_object_get_string_member (country, "name_zh"));
  json_builder_set_member_name (builder, "image");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, file);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, json_object_get_int_member (country, "width"));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, json_object_get_int_member (country, "height"));
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, g_bytes_get_size (flag));
  json_builder_end_object (builder);
  /* The fields of the flags2 scripts' own tree (Fluent Python's flags.zip), so that their
   * clients, which read "country", work against this server unchanged. Its "gec_cc" (the
   * CIA World Factbook's codes) is left out: no source of those codes ships with us. */
  json_builder_set_member_name (builder, "country");
  json_builder_add_string_value (builder, json_object_get_string_member (country, "name"));
  json_builder_set_member_name (builder, "iso_cc");
  json_builder_add_string_value (builder, iso);
  json_builder_set_member_name (builder, "tld_cc");
  json_builder_add_string_value (builder, tld);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);
  return g_bytes_new_take (text, length);
}

static int
compare_codes (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gpointer
load_store (gpointer data)
{
  FlFlagStore *store = g_new0 (FlFlagStore, 1);
  g_autoptr(GBytes) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
  JsonArray *countries;

  store->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_bytes_unref);

  json = g_resource_lookup_data (store_resource (), RESOURCE_PREFIX "countries.json",
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (json == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (json, NULL),
                                      g_bytes_get_size (json), &error))
    g_error ("The flag server's built-in countries.json is unreadable: %s", error->message);

  countries = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "countries");
  for (guint i = 0; i < json_array_get_length (countries); i++)
    {
      JsonObject *country = json_array_get_object_element (countries, i);
      const char *cc = json_object_get_string_member (country, "code");
      g_autoptr(GBytes) flag = lookup_flag (cc);

      if (flag == NULL)
        g_error ("The flag server has no flag for “%s”", cc);

      g_hash_table_insert (store->metadata, g_strdup (cc), render_metadata (country, flag));
      g_strv_builder_add (codes, cc);
    }
  store->codes = g_strv_builder_end (codes);
  g_qsort_with_data (store->codes, g_strv_length (store->codes), sizeof (char *),
                     compare_codes, NULL);
  return store;
}

static FlFlagStore *
get_store (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_store, NULL);
}

/**
 * fl_flag_store_lookup:
 * @path: a request path below /flags, e.g. "/flags/cn/cn.gif"
 * @content_type: (out): the type to answer with
 *
 * Only "/flags/<cc>/<cc>.gif" and "/flags/<cc>/metadata.json" of a known lower-case code exist.
 *
 * Returns: (transfer full) (nullable): the body, or %NULL for a 404
 */
GBytes *
fl_flag_store_lookup (const char  *path,
                      const char **content_type)
{
  FlFlagStore *store = get_store ();
  const char *rest, *slash;
  g_autofree char *cc = NULL;
  GBytes *metadata;

  if (!g_str_has_prefix (path, "/flags/"))
    return NULL;
  rest = path + strlen ("/flags/");
  slash = strchr (rest, '/');
  if (slash == NULL || !is_code (rest, slash - rest))
    return NULL;

  cc = g_strndup (rest, 2);
  metadata = g_hash_table_lookup (store->metadata, cc);
  if (metadata == NULL)
    return NULL;

  if (g_str_equal (slash + 1, "metadata.json"))
    {
      *content_type = "application/json";
      return g_bytes_ref (metadata);
    }
  if (strlen (slash + 1) == 6 && strncmp (slash + 1, cc, 2) == 0
      && g_str_equal (slash + 3, ".gif"))
    {
      *content_type = "image/gif";
      return lookup_flag (cc);
    }
  return NULL;
}

/**
 * fl_flag_server_lookup_flag:
 * @cc: a lower-case code
 *
 * The exact bytes the server sends for @cc, for byte-for-byte comparisons.
 *
 * Returns: (transfer full) (nullable): the GIF, or %NULL for an unknown code
 */
GBytes *
fl_flag_server_lookup_flag (const char *cc)
{
  g_return_val_if_fail (cc != NULL, NULL);

  if (!is_code (cc, strlen (cc)) || !g_hash_table_contains (get_store ()->metadata, cc))
    return NULL;
  return lookup_flag (cc);
}

/**
 * fl_flag_server_list_codes:
 *
 * Returns: (transfer full): the codes the server has a flag for, sorted
 */
GStrv
fl_flag_server_list_codes (void)
{
  return g_strdupv (get_store ()->codes);
}
