/* fuzz-fault-config.c: the flag server's fault settings, as `serve`, `flags` and
 * `bench-flags` read them from their options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is lines: a preset, --delay, --error-rate, --error-status, --drop-rate,
 * --truncate-rate, --bandwidth, --seed, then a request path. A missing line is an option
 * not given. Whatever is accepted must validate, and every decision drawn from it must
 * keep to it (a delay within the range, an error status only on errors).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fl-cli.h"
#include "futures-lab-server.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

enum { PRESET, DELAY, ERROR_RATE, ERROR_STATUS, DROP_RATE, TRUNCATE_RATE, BANDWIDTH, SEED,
       PATH, N_LINES };

static char *
line_or_null (char **lines,
              guint  n,
              guint  i)
{
  return i < n ? lines[i] : NULL;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", N_LINES);
  guint n = g_strv_length (lines);
  FlCliFaultOptions options = { 0 };
  g_autoptr(FlFaultConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  FlServerPreset preset = FL_SERVER_PRESET_LOCAL;
  const char *path;

  if (n > PRESET && !fl_server_preset_from_string (lines[PRESET], &preset))
    preset = FL_SERVER_PRESET_LOCAL;
  config = fl_fault_config_new (preset);
  g_assert_true (fl_fault_config_validate (config, NULL));

  options.delay = line_or_null (lines, n, DELAY);
  options.error_rate = line_or_null (lines, n, ERROR_RATE);
  options.error_status = n > ERROR_STATUS ? atoi (lines[ERROR_STATUS]) : 0;
  options.drop_rate = line_or_null (lines, n, DROP_RATE);
  options.truncate_rate = line_or_null (lines, n, TRUNCATE_RATE);
  options.bandwidth = line_or_null (lines, n, BANDWIDTH);
  options.seed = n > SEED ? g_ascii_strtoll (lines[SEED], NULL, 10) : -1;
  path = n > PATH ? lines[PATH] : "/flags/cn/cn.gif";

  if (!fl_cli_fault_options_apply (&options, config, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL) || !g_utf8_validate (text, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (fl_fault_config_validate (config, NULL));

  {
    g_autoptr(FlFaultConfig) copy = fl_fault_config_copy (config);
    g_autofree char *description = fl_fault_config_describe (copy);
    FlFaultDecision decision;

    fl_fault_config_decide (copy, path, &decision);
    g_assert_cmpuint (decision.delay_ms, >=, copy->delay_min_ms);
    g_assert_cmpuint (decision.delay_ms, <=, copy->delay_max_ms);
    if (decision.kind == FL_FAULT_ERROR)
      g_assert_cmpuint (decision.status, ==, copy->error_status);
    else
      g_assert_cmpuint (decision.status, ==, 0);
    g_assert_nonnull (description);
  }
  return 0;
}
