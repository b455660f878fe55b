/* fl-countries.c: ISO 3166-1 codes and country names in English and Simplified Chinese
 *
 * data/countries.json (see data/licenses/README.md for its sources) is compiled into the
 * binary as a GResource and parsed once, on first use, into a table that lives as long as
 * the process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fl-countries.h"
#include "fl-tasks-resources.h"

typedef struct
{
  FlCountry  *countries;    /* sorted by code */
  guint       n_countries;
  GHashTable *by_code;
} FlCountryTable;

static const char *
intern_member (JsonObject *object,
               const char *member)
{
  return g_intern_string (json_object_get_string_member_with_default (object, member, ""));
}

static gpointer
load_table (gpointer data)
{
  FlCountryTable *table = g_new0 (FlCountryTable, 1);
  g_autoptr(GBytes) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  json = g_resource_lookup_data (fl_tasks_get_resource (),
                                 "/io/github/FuturesLab/tasks/countries.json",
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (json == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (json, NULL),
                                      g_bytes_get_size (json), &error))
    g_error ("The built-in countries.json is unreadable: %s", error->message);

  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "countries");
  table->n_countries = json_array_get_length (array);
  table->countries = g_new0 (FlCountry, table->n_countries);
  table->by_code = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < table->n_countries; i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      FlCountry *country = &table->countries[i];

      country->code = intern_member (object, "code");
      country->name = intern_member (object, "name");
      country->name_zh = intern_member (object, "name_zh");
      country->population_rank = json_object_get_int_member_with_default (object,
                                                                           "population_rank", 0);
      country->width = json_object_get_int_member_with_default (object, "width", 0);
      country->height = json_object_get_int_member_with_default (object, "height", 0);
      if (!fl_country_code_is_valid (country->code))
        g_error ("countries.json has an invalid code “%s”", country->code);
      g_hash_table_insert (table->by_code, (gpointer) country->code, country);
    }

  return table;
}

static FlCountryTable *
get_table (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_table, NULL);
}

/**
 * fl_countries_get_all:
 * @n_countries: (out): how many
 *
 * Returns: (transfer none): every country, sorted by code
 */
const FlCountry *
fl_countries_get_all (guint *n_countries)
{
  FlCountryTable *table = get_table ();

  *n_countries = table->n_countries;
  return table->countries;
}

/**
 * fl_countries_lookup:
 * @code: a code, either case
 *
 * Returns: (transfer none) (nullable): the country, or %NULL for an unknown code
 */
const FlCountry *
fl_countries_lookup (const char *code)
{
  char lower[3];

  g_return_val_if_fail (code != NULL, NULL);

  if (strlen (code) != 2)
    return NULL;
  lower[0] = g_ascii_tolower (code[0]);
  lower[1] = g_ascii_tolower (code[1]);
  lower[2] = '\0';
  return g_hash_table_lookup (get_table ()->by_code, lower);
}

/**
 * fl_countries_list_codes:
 *
 * Returns: (transfer full): every known code, lower case, sorted
 */
GStrv
fl_countries_list_codes (void)
{
  FlCountryTable *table = get_table ();
  char **codes = g_new0 (char *, table->n_countries + 1);

  for (guint i = 0; i < table->n_countries; i++)
    codes[i] = g_strdup (table->countries[i].code);
  return codes;
}

/**
 * fl_countries_list_populous:
 *
 * The default of `futures-lab-cli flags`, as in the flags2 scripts.
 *
 * Returns: (transfer full): the codes of the 20 most populous countries, lower case, sorted
 *   by code
 */
GStrv
fl_countries_list_populous (void)
{
  FlCountryTable *table = get_table ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < table->n_countries; i++)
    {
      if (table->countries[i].population_rank > 0)
        g_strv_builder_add (builder, table->countries[i].code);
    }
  return g_strv_builder_end (builder);
}

/**
 * fl_country_get_display_name:
 *
 * Returns: the Simplified Chinese name when the user's first language is Chinese, the
 *   English name otherwise
 */
const char *
fl_country_get_display_name (const FlCountry *country)
{
  const char * const *languages = g_get_language_names ();

  g_return_val_if_fail (country != NULL, NULL);

  if (languages[0] != NULL && g_str_has_prefix (languages[0], "zh") && country->name_zh[0] != '\0')
    return country->name_zh;
  return country->name;
}

/**
 * fl_country_code_is_valid:
 *
 * Returns: whether @code matches ^[a-z]{2}$, the only shape that may become a file name
 */
gboolean
fl_country_code_is_valid (const char *code)
{
  return code != NULL && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z'
         && code[2] == '\0';
}
