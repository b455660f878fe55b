/* fl-format.c: times as every view shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One place decides how a duration reads, so the list, the timeline's axis, the logs and
 * the cards agree, and every unit is translated (秒 and 毫秒 in Chinese).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-format.h"

#include "futures-lab-engine.h"

/**
 * fl_format_duration:
 * @us: microseconds
 *
 * Returns: (transfer full): "850 µs", "12.3 ms", "1.25 s", translated
 */
char *
fl_format_duration (gint64 us)
{
  if (us < 0)
    return g_strdup ("—");
  if (us < 1000)
    /* Translators: a duration in microseconds */
    return g_strdup_printf (_("%d µs"), (int) us);
  if (us < 10 * G_USEC_PER_SEC)
    {
      if (us < G_USEC_PER_SEC)
        /* Translators: a duration in milliseconds */
        return g_strdup_printf (_("%.1f ms"), us / 1e3);
      /* Translators: a duration in seconds */
      return g_strdup_printf (_("%.2f s"), us / 1e6);
    }
  return g_strdup_printf (_("%.1f s"), us / 1e6);
}

/**
 * fl_format_axis:
 * @us: a tick's time
 * @step: the distance between ticks, which decides the unit
 *
 * Returns: (transfer full): the tick's label, translated
 */
char *
fl_format_axis (gint64 us,
                gint64 step)
{
  if (step >= G_USEC_PER_SEC)
    return g_strdup_printf (_("%.0f s"), us / 1e6);
  if (step >= 100 * 1000)
    return g_strdup_printf (_("%.1f s"), us / 1e6);
  if (step >= 1000)
    return g_strdup_printf (_("%.0f ms"), us / 1e3);
  return g_strdup_printf (_("%d µs"), (int) us);
}

/**
 * fl_format_at_instant:
 * @t: the time cursor's instant, µs from the run's origin, or -1 for now
 * @text: what a view shows (counts, a status)
 *
 * Tells @text as of @t, the instant read as the timeline's cursor reads it, so that a
 * page never passes the counts of an instant off as those of the end.
 *
 * Returns: (transfer full): "at +1.20 s: @text", translated; a copy of @text when @t < 0
 */
char *
fl_format_at_instant (gint64      t,
                      const char *text)
{
  g_autofree char *when = NULL;

  if (t < 0)
    return g_strdup (text);
  when = fl_format_duration (t);
  /* TRANSLATORS: what a page shows at the time cursor's instant: the instant as the
   * timeline reads it ("1.20 s", "850.0 ms"), then what is shown (the counts) */
  return g_strdup_printf (_("at +%s: %s"), when, text);
}

/**
 * fl_format_span_state:
 *
 * What the State column says of @span at instant @t: "◌ queued", "▶ running", or its
 * outcome with the outcome's symbol ("✓ ok", "? not found", "× failed", "⊘ cancelled"), so
 * no state depends on colour vision and a 404 never reads as a success.
 *
 * Returns: (transfer full): translated text
 */
char *
fl_format_span_state (const FlSpan *span,
                      gint64        t)
{
  FlFutureState state = fl_span_state_at (span, t);
  FlOutcome outcome = fl_span_outcome_at (span, t);

  if (outcome != FL_OUTCOME_NONE)
    return g_strconcat (fl_outcome_symbol (outcome), " ", fl_outcome_name (outcome), NULL);
  if (state == FL_FUTURE_RUNNING)
    return g_strconcat ("▶ ", _("running"), NULL);
  return g_strconcat ("◌ ", _("queued"), NULL);
}
