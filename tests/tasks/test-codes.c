/* test-codes.c: one letter means its 26 pairs, for the Flags page and the CLI alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "futures-lab-tasks.h"

static void
test_letter_is_26_pairs (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) codes = fl_codes_parse ("z, CN z;in", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (codes), ==, 28);
  g_assert_cmpstr (codes[0], ==, "cn");
  g_assert_cmpstr (codes[1], ==, "in");
  g_assert_cmpstr (codes[2], ==, "za");
  g_assert_cmpstr (codes[27], ==, "zz");   /* not a country: the server says 404 */
}

static void
test_bad_token (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) codes = fl_codes_parse ("cn chn", &error);

  g_assert_null (codes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "chn"));
}

static void
test_sorted_limit (void)
{
  const char * const in[] = { "us", "cn", "us", "br", NULL };
  g_auto(GStrv) two = fl_codes_sorted (in, 2);
  g_auto(GStrv) pairs = fl_codes_every_pair ();

  g_assert_cmpuint (g_strv_length (two), ==, 2);
  g_assert_cmpstr (two[0], ==, "br");
  g_assert_cmpstr (two[1], ==, "cn");
  g_assert_cmpuint (g_strv_length (pairs), ==, 676);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tasks/codes/one-letter-is-26-pairs", test_letter_is_26_pairs);
  g_test_add_func ("/tasks/codes/bad-token-named", test_bad_token);
  g_test_add_func ("/tasks/codes/sorted-unique-limited", test_sorted_limit);
  return g_test_run ();
}
