/* fl-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-types.h"

G_DEFINE_QUARK (fl-error-quark, fl_error)

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
