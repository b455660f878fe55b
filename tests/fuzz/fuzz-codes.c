/* fuzz-codes.c: lists of country codes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input line is one --fail value ("cn,us fr"), as `serve`, `flags` and `bench-flags`
 * take them; each word is also looked up as a code. What the list accepts must be two
 * lower-case letters each, and every request for an accepted code must fail.
 */
#include "config.h"

#include <string.h>

#include "fl-cli.h"
#include "futures-lab-server.h"
#include "fl-countries.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 64);
  FlCliFaultOptions options = { 0 };
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (lines[i], ", ", -1);

      for (guint j = 0; words[j] != NULL; j++)
        {
          const FlCountry *country = fl_countries_lookup (words[j]);

          if (country != NULL)
            {
              g_assert_true (fl_country_code_is_valid (country->code));
              g_assert_nonnull (fl_country_get_display_name (country));
            }
        }
    }

  options.fail = lines;
  options.seed = 1;
  if (!fl_cli_fault_options_apply (&options, config, &error))
    {
      g_assert_nonnull (error);
      return 0;
    }

  g_assert_nonnull (config->fail_codes);
  for (guint i = 0; config->fail_codes[i] != NULL; i++)
    {
      const char *cc = config->fail_codes[i];
      g_autofree char *path = g_strdup_printf ("/flags/%s/%s.gif", cc, cc);
      g_autofree char *upper = g_ascii_strup (path, -1);
      FlFaultDecision decision;

      g_assert_cmpuint (strlen (cc), ==, 2);
      g_assert_true (g_ascii_islower (cc[0]) && g_ascii_islower (cc[1]));
      fl_fault_config_decide (config, path, &decision);
      g_assert_cmpint (decision.kind, ==, FL_FAULT_ERROR);
      fl_fault_config_decide (config, upper, &decision);
    }
  return 0;
}
