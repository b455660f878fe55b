/* fl-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-types.h"

/* Not G_DEFINE_QUARK: its plain static is written by whichever worker thread fails
 * first while others read it, a data race (ThreadSanitizer reported it). */
GQuark
fl_error_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("fl-error-quark"));
  return (GQuark) quark;
}

const char *
fl_future_state_to_string (FlFutureState state)
{
  switch (state)
    {
    case FL_FUTURE_PENDING:   return "pending";
    case FL_FUTURE_RUNNING:   return "running";
    case FL_FUTURE_FINISHED:  return "finished";
    case FL_FUTURE_FAILED:    return "failed";
    case FL_FUTURE_CANCELLED: return "cancelled";
    default:                  return "unknown";
    }
}

const char *
fl_lane_kind_to_string (FlLaneKind kind)
{
  switch (kind)
    {
    case FL_LANE_NONE:      return "none";
    case FL_LANE_THREAD:    return "thread";
    case FL_LANE_PROCESS:   return "process";
    case FL_LANE_MAIN_LOOP: return "main-loop";
    case FL_LANE_CALLER:    return "caller";
    default:                return "unknown";
    }
}
