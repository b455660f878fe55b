/* fl-fault-config.c: what the flag server does wrong, reproducibly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fl-fault-config.h"

G_DEFINE_BOXED_TYPE (FlFaultConfig, fl_fault_config, fl_fault_config_copy, fl_fault_config_free)

/**
 * fl_fault_config_new:
 * @preset: which of the classic servers to imitate
 *
 * Returns: (transfer full): settings for @preset, seed 0
 */
FlFaultConfig *
fl_fault_config_new (FlServerPreset preset)
{
  FlFaultConfig *self = g_new0 (FlFaultConfig, 1);

  self->error_status = 418;

  switch (preset)
    {
    case FL_SERVER_PRESET_ERROR:
      self->error_rate = 0.25;
      G_GNUC_FALLTHROUGH;
    case FL_SERVER_PRESET_DELAY:
      self->delay_min_ms = 500;
      self->delay_max_ms = 5000;
      break;
    case FL_SERVER_PRESET_LOCAL:
    default:
      break;
    }

  return self;
}

FlFaultConfig *
fl_fault_config_copy (const FlFaultConfig *self)
{
  FlFaultConfig *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->fail_codes = g_strdupv (self->fail_codes);
  return copy;
}

void
fl_fault_config_free (FlFaultConfig *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->fail_codes);
  g_free (self);
}

static gboolean
is_rate (double rate)
{
  return rate >= 0.0 && rate <= 1.0;
}

/**
 * fl_fault_config_validate:
 *
 * Checks the ranges: rates within 0..1, min delay not above max, an error status of 400-599
 * other than 404 (a 404 is what unknown codes get; injecting it would blur the two).
 */
gboolean
fl_fault_config_validate (const FlFaultConfig  *self,
                          GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->delay_min_ms > self->delay_max_ms)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The shortest delay (%u ms) is longer than the longest (%u ms)"),
                   self->delay_min_ms, self->delay_max_ms);
      return FALSE;
    }
  if (!is_rate (self->error_rate) || !is_rate (self->drop_rate) || !is_rate (self->truncate_rate))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Rates must be between 0 and 1"));
      return FALSE;
    }
  if (self->error_status < 400 || self->error_status > 599 || self->error_status == 404)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Error status %u is not an HTTP error other than 404 (400-599)"),
                   self->error_status);
      return FALSE;
    }
  return TRUE;
}

/* SplitMix64: tiny, well mixed, and the same on every platform, unlike rand(). */
static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double
uniform (guint64 *state)
{
  return (splitmix64 (state) >> 11) * (1.0 / 9007199254740992.0);
}

/* FNV-1a: a stable hash of the path, so decisions never depend on GLib's hash of the day. */
static guint64
fnv1a (const char *text)
{
  guint64 hash = G_GUINT64_CONSTANT (0xCBF29CE484222325);

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      hash ^= *p;
      hash *= G_GUINT64_CONSTANT (0x100000001B3);
    }
  return hash;
}

static gboolean
path_has_fail_code (const FlFaultConfig *self,
                    const char          *path)
{
  /* Paths are /flags/<cc>/<file>: the code is the component after /flags/. */
  const char *rest;
  const char *slash;

  if (self->fail_codes == NULL || !g_str_has_prefix (path, "/flags/"))
    return FALSE;

  rest = path + strlen ("/flags/");
  slash = strchr (rest, '/');
  if (slash == NULL)
    return FALSE;

  for (guint i = 0; self->fail_codes[i] != NULL; i++)
    {
      if (strlen (self->fail_codes[i]) == (gsize) (slash - rest)
          && g_ascii_strncasecmp (self->fail_codes[i], rest, slash - rest) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * fl_fault_config_decide:
 * @path: the request path, e.g. "/flags/cn/cn.gif"
 * @decision: (out caller-allocates): what to do
 *
 * Draws the fate of a request from the seed and @path only. Four draws are always made in the
 * same order (error, drop, truncate, delay) so that changing one rate does not reshuffle the
 * others. Drops win over errors, errors over truncation.
 */
void
fl_fault_config_decide (const FlFaultConfig *self,
                        const char          *path,
                        FlFaultDecision     *decision)
{
  guint64 state;
  double error_draw, drop_draw, truncate_draw, delay_draw;

  g_return_if_fail (self != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (decision != NULL);

  state = self->seed ^ fnv1a (path);
  error_draw = uniform (&state);
  drop_draw = uniform (&state);
  truncate_draw = uniform (&state);
  delay_draw = uniform (&state);

  decision->kind = FL_FAULT_NONE;
  decision->status = 0;
  if (drop_draw < self->drop_rate)
    decision->kind = FL_FAULT_DROP;
  else if (error_draw < self->error_rate || path_has_fail_code (self, path))
    {
      decision->kind = FL_FAULT_ERROR;
      decision->status = self->error_status;
    }
  else if (truncate_draw < self->truncate_rate)
    decision->kind = FL_FAULT_TRUNCATE;

  decision->delay_ms = self->delay_min_ms;
  if (self->delay_max_ms > self->delay_min_ms)
    decision->delay_ms += (guint) floor (delay_draw * (self->delay_max_ms - self->delay_min_ms + 1));
}

/**
 * fl_fault_config_describe:
 *
 * Returns: (transfer full): one translated line, e.g. "delay 500-5000 ms, 25% errors (418)"
 */
char *
fl_fault_config_describe (const FlFaultConfig *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, NULL);

  if (self->delay_max_ms == 0)
    g_ptr_array_add (parts, g_strdup (_("no delay")));
  else if (self->delay_min_ms == self->delay_max_ms)
    g_ptr_array_add (parts, g_strdup_printf (_("delay %u ms"), self->delay_min_ms));
  else
    g_ptr_array_add (parts, g_strdup_printf (_("delay %u-%u ms"),
                                             self->delay_min_ms, self->delay_max_ms));
  if (self->error_rate > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%g%% errors (%u)"),
                                             self->error_rate * 100, self->error_status));
  if (self->fail_codes != NULL && self->fail_codes[0] != NULL)
    {
      g_autofree char *codes = g_strjoinv (" ", self->fail_codes);
      g_ptr_array_add (parts, g_strdup_printf (_("always failing: %s"), codes));
    }
  if (self->drop_rate > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%g%% dropped connections"),
                                             self->drop_rate * 100));
  if (self->truncate_rate > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%g%% truncated bodies"),
                                             self->truncate_rate * 100));
  if (self->bandwidth > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%u bytes/s per response"), self->bandwidth));
  g_ptr_array_add (parts, g_strdup_printf (_("seed %" PRIu64), self->seed));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (", ", (char **) parts->pdata);
}

gboolean
fl_server_preset_from_string (const char     *text,
                              FlServerPreset *preset)
{
  static const char *names[] = { "LOCAL", "DELAY", "ERROR" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (text, names[i]) == 0)
        {
          *preset = (FlServerPreset) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
fl_server_preset_to_string (FlServerPreset preset)
{
  switch (preset)
    {
    case FL_SERVER_PRESET_LOCAL:
      return "LOCAL";
    case FL_SERVER_PRESET_DELAY:
      return "DELAY";
    case FL_SERVER_PRESET_ERROR:
      return "ERROR";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* One duration: "200" or "200ms" (milliseconds), "0.5s" or "2s" (seconds). */
static gboolean
parse_duration (const char *text,
                guint      *ms)
{
  char *end = NULL;
  double value;

  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || !isfinite (value) || value < 0)
    return FALSE;

  if (g_str_equal (end, "s"))
    value *= 1000;
  else if (!g_str_equal (end, "") && !g_str_equal (end, "ms"))
    return FALSE;

  if (value > 3600 * 1000)
    return FALSE;
  *ms = (guint) lround (value);
  return TRUE;
}

/**
 * fl_parse_delay_range:
 * @text: "200", "200ms", "1.5s", or a range "500-5000", "0.5s-5s"
 *
 * Parses a fixed delay or a uniform range. Plain numbers are milliseconds.
 */
gboolean
fl_parse_delay_range (const char  *text,
                      guint       *min_ms,
                      guint       *max_ms,
                      GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint lo = 0, hi = 0;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);

  parts = g_strsplit (text, "-", 3);
  if (g_strv_length (parts) == 1)
    {
      ok = parse_duration (parts[0], &lo);
      hi = lo;
    }
  else
    ok = g_strv_length (parts) == 2 && parse_duration (parts[0], &lo)
         && parse_duration (parts[1], &hi) && lo <= hi;

  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid delay “%s”: use milliseconds (200), seconds (0.5s) or a range "
                     "(500-5000)"), text);
      return FALSE;
    }

  *min_ms = lo;
  *max_ms = hi;
  return TRUE;
}

/**
 * fl_parse_rate:
 * @text: "0.25" or "25%"
 */
gboolean
fl_parse_rate (const char  *text,
               double      *rate,
               GError     **error)
{
  char *end = NULL;
  double value;

  g_return_val_if_fail (text != NULL, FALSE);

  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (errno == 0 && end != text && g_str_equal (end, "%"))
    value /= 100;
  else if (errno != 0 || end == text || *end != '\0')
    value = NAN;

  if (!isfinite (value) || !is_rate (value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid rate “%s”: use a fraction from 0 to 1 (0.25) or a percentage (25%%)"),
                   text);
      return FALSE;
    }
  *rate = value;
  return TRUE;
}

/**
 * fl_parse_bandwidth:
 * @text: bytes per second, optionally with a k (1024) or M (1048576) suffix
 */
gboolean
fl_parse_bandwidth (const char  *text,
                    guint       *bytes_per_s,
                    GError     **error)
{
  char *end = NULL;
  guint64 value;
  guint64 scale = 1;

  g_return_val_if_fail (text != NULL, FALSE);

  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (end != NULL && (g_str_equal (end, "k") || g_str_equal (end, "K")))
    scale = 1024;
  else if (end != NULL && g_str_equal (end, "M"))
    scale = 1024 * 1024;
  else if (end == NULL || *end != '\0')
    end = (char *) text;

  if (errno != 0 || end == text || !g_ascii_isdigit (text[0]) || value > G_MAXUINT / scale)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid bandwidth “%s”: use bytes per second, e.g. 2048 or 2k"), text);
      return FALSE;
    }
  *bytes_per_s = (guint) (value * scale);
  return TRUE;
}

/**
 * fl_fault_decision_apply_time_scale:
 * @scale: (nullable): a request's "time-scale" query value ("0.1"), or %NULL
 *
 * Slow motion: a run slowed by @scale asks for its requests' delays to take 1/@scale as
 * long, so a delayed server's 0.5 s is 5 s on the projector and the run's spans, scaled
 * back, still show 0.5 s. Anything but a number in (0, 1] leaves the delay as it is.
 */
void
fl_fault_decision_apply_time_scale (FlFaultDecision *decision,
                                    const char      *scale)
{
  char *end = NULL;
  double value;

  g_return_if_fail (decision != NULL);

  if (scale == NULL)
    return;
  value = g_ascii_strtod (scale, &end);
  if (end == scale || *end != '\0' || !(value > 0 && value <= 1))
    return;
  decision->delay_ms = (guint) MIN (decision->delay_ms / value, (double) G_MAXUINT32);
}
