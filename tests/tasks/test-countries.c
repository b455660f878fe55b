/* test-countries.c: the country table and the code check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "futures-lab-tasks.h"
#include "futures-lab-server.h"

static void
test_codes_valid_sorted_and_complete (void)
{
  g_auto(GStrv) codes = fl_countries_list_codes ();
  g_auto(GStrv) served = fl_flag_server_list_codes ();
  guint n = g_strv_length (codes);

  /* ISO 3166-1 has 249 codes; the data adds XK. */
  g_assert_cmpuint (n, >=, 249);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (fl_country_code_is_valid (codes[i]));
      if (i > 0)
        g_assert_cmpstr (codes[i - 1], <, codes[i]);
    }
  /* The server has a flag for every known code, and nothing else. */
  g_assert_cmpstrv (codes, served);
}

static void
test_populous_is_the_classic_list (void)
{
  const char *expected[] = { "bd", "br", "cd", "cn", "de", "eg", "et", "fr", "id", "in", "ir",
                             "jp", "mx", "ng", "ph", "pk", "ru", "tr", "us", "vn", NULL };
  g_auto(GStrv) populous = fl_countries_list_populous ();

  g_assert_cmpstrv (populous, expected);
  g_assert_cmpuint (fl_countries_lookup ("cn")->population_rank, ==, 1);
  g_assert_cmpuint (fl_countries_lookup ("fr")->population_rank, ==, 20);
  g_assert_cmpuint (fl_countries_lookup ("ch")->population_rank, ==, 0);
}

static void
test_names_in_both_languages (void)
{
  const FlCountry *de = fl_countries_lookup ("de");
  const FlCountry *upper = fl_countries_lookup ("DE");
  guint n;
  const FlCountry *all = fl_countries_get_all (&n);

  g_assert_nonnull (de);
  g_assert_true (de == upper);
  g_assert_cmpstr (de->name, ==, "Germany");
  g_assert_cmpstr (de->name_zh, ==, "德国");
  g_assert_cmpuint (de->width, ==, 160);
  g_assert_null (fl_countries_lookup ("zz"));
  g_assert_null (fl_countries_lookup ("d"));
  g_assert_null (fl_countries_lookup ("deu"));

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (all[i].name, !=, "");
      g_assert_cmpstr (all[i].name_zh, !=, "");
      g_assert_true (g_utf8_validate (all[i].name_zh, -1, NULL));
    }
}

static void
test_code_check (void)
{
  const char *good[] = { "aa", "cn", "zz" };
  const char *bad[] = { "", "c", "CN", "Cn", "cnn", "c1", "../", "c/", "..", "a\n", " a", "é" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (fl_country_code_is_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (fl_country_code_is_valid (bad[i]));
  g_assert_false (fl_country_code_is_valid (NULL));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tasks/countries/codes-valid-sorted-and-served", test_codes_valid_sorted_and_complete);
  g_test_add_func ("/tasks/countries/populous-is-the-classic-list", test_populous_is_the_classic_list);
  g_test_add_func ("/tasks/countries/names-in-both-languages", test_names_in_both_languages);
  g_test_add_func ("/tasks/countries/code-check", test_code_check);

  return g_test_run ();
}
