/* fl-cli-fault-options.c: the fault injection options shared by `serve`, `flags` and
 * `bench-flags`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "fl-cli.h"

static gboolean
parse_codes (char      **values,
             GStrv      *codes,
             GError    **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit_set (values[i], ", ", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          g_autofree char *cc = g_ascii_strdown (parts[j], -1);

          if (cc[0] == '\0')
            continue;
          if (!g_ascii_isalpha (cc[0]) || !g_ascii_isalpha (cc[1]) || cc[2] != '\0')
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("“%s” is not a country code (two letters)"), parts[j]);
              return FALSE;
            }
          g_strv_builder_add (builder, cc);
        }
    }
  *codes = g_strv_builder_end (builder);
  return TRUE;
}

/**
 * fl_cli_fault_option_entries:
 *
 * The entries of fl_cli_fault_option_group(), for fl_cli_normalize_args().
 *
 * Returns: (transfer full): the option entries that fill @options; free with g_free()
 */
GOptionEntry *
fl_cli_fault_option_entries (FlCliFaultOptions *options)
{
  const GOptionEntry entries[] = {
    { "delay", 0, 0, G_OPTION_ARG_STRING, &options->delay,
      N_("Server delay per request: milliseconds (200), seconds (0.5s) or a range (500-5000)"),
      N_("DELAY") },
    { "error-rate", 0, 0, G_OPTION_ARG_STRING, &options->error_rate,
      N_("Share of requests that fail, 0-1 or a percentage (25%)"), N_("RATE") },
    { "error-status", 0, 0, G_OPTION_ARG_INT, &options->error_status,
      N_("HTTP status of those failures (default 418)"), N_("STATUS") },
    { "fail", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->fail,
      N_("Codes that always fail (repeat, or separate with commas)"), N_("CC") },
    { "drop-rate", 0, 0, G_OPTION_ARG_STRING, &options->drop_rate,
      N_("Share of connections closed without an answer"), N_("RATE") },
    { "truncate-rate", 0, 0, G_OPTION_ARG_STRING, &options->truncate_rate,
      N_("Share of flags sent only half, then the connection closed"), N_("RATE") },
    { "bandwidth", 0, 0, G_OPTION_ARG_STRING, &options->bandwidth,
      N_("Bytes per second for each response (k and M suffixes: 1024, 1048576)"),
      N_("BYTES") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &options->seed,
      N_("Seed of every random choice: the same seed fails the same codes (default: random)"),
      N_("N") },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

/**
 * fl_cli_fault_option_group:
 *
 * Returns: (transfer full): a group of options that fill @options
 */
GOptionGroup *
fl_cli_fault_option_group (FlCliFaultOptions *options)
{
  g_autofree GOptionEntry *entries = fl_cli_fault_option_entries (options);
  GOptionGroup *group;

  options->seed = -1;
  group = g_option_group_new ("server", _("Embedded flag server options:"),
                              _("Show the embedded flag server's options"), NULL, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
}

/**
 * fl_cli_fault_options_were_given:
 *
 * Returns: whether any option other than --seed was on the command line
 */
gboolean
fl_cli_fault_options_were_given (const FlCliFaultOptions *options)
{
  return options->delay != NULL || options->error_rate != NULL || options->error_status != 0
         || options->fail != NULL || options->drop_rate != NULL
         || options->truncate_rate != NULL || options->bandwidth != NULL;
}

/**
 * fl_cli_fault_options_apply:
 * @config: a preset's settings, changed in place
 *
 * Overrides @config with the options given and picks a seed when none was given. The error
 * says which option is wrong.
 */
gboolean
fl_cli_fault_options_apply (const FlCliFaultOptions  *options,
                            FlFaultConfig            *config,
                            GError                  **error)
{
  if (options->delay != NULL
      && !fl_parse_delay_range (options->delay, &config->delay_min_ms, &config->delay_max_ms,
                                error))
    return FALSE;
  if (options->error_rate != NULL && !fl_parse_rate (options->error_rate, &config->error_rate,
                                                     error))
    return FALSE;
  if (options->error_status != 0)
    config->error_status = options->error_status;
  if (options->fail != NULL)
    {
      g_strfreev (config->fail_codes);
      config->fail_codes = NULL;
      if (!parse_codes (options->fail, &config->fail_codes, error))
        return FALSE;
    }
  if (options->drop_rate != NULL && !fl_parse_rate (options->drop_rate, &config->drop_rate,
                                                    error))
    return FALSE;
  if (options->truncate_rate != NULL
      && !fl_parse_rate (options->truncate_rate, &config->truncate_rate, error))
    return FALSE;
  if (options->bandwidth != NULL && !fl_parse_bandwidth (options->bandwidth, &config->bandwidth,
                                                         error))
    return FALSE;

  if (options->seed < -1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The seed must be 0 or more, not %" PRId64), options->seed);
      return FALSE;
    }
  /* No seed given: pick one, and the reports print it, so any run can be replayed. */
  config->seed = options->seed >= 0 ? (guint64) options->seed
                                    : (guint64) g_random_int_range (0, G_MAXINT);

  return fl_fault_config_validate (config, error);
}

void
fl_cli_fault_options_clear (FlCliFaultOptions *options)
{
  g_clear_pointer (&options->delay, g_free);
  g_clear_pointer (&options->error_rate, g_free);
  g_clear_pointer (&options->fail, g_strfreev);
  g_clear_pointer (&options->drop_rate, g_free);
  g_clear_pointer (&options->truncate_rate, g_free);
  g_clear_pointer (&options->bandwidth, g_free);
}
