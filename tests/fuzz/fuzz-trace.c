/* fuzz-trace.c: a saved trace (Chrome JSON) loaded back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's replay window and `futures-lab-cli trace` open files someone else wrote. A
 * trace that loads must save again, and what it saves must load.
 */
#include "config.h"

#include "futures-lab-engine.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(FlTrace) trace = NULL;
  g_autoptr(FlTrace) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csv = NULL;
  gsize length;

  trace = fl_trace_load_from_data ((const char *) data, size, "fuzz.json", &error);
  if (trace == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);

  json = fl_trace_to_chrome_json (trace, &length);
  csv = fl_trace_to_csv (trace, NULL);
  again = fl_trace_load_from_data (json, length, "again.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  return 0;
}
