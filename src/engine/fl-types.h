/* fl-types.h: enumerations and error domain shared by the whole engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * FlFutureState:
 * @FL_FUTURE_PENDING: queued, not yet picked up by a lane
 * @FL_FUTURE_RUNNING: a lane is running the job
 * @FL_FUTURE_FINISHED: the job returned a value
 * @FL_FUTURE_FAILED: the job returned an error
 * @FL_FUTURE_CANCELLED: cancelled before it ran, or its job honoured the cancellable
 *
 * The life of a future, as in `concurrent.futures`.
 */
typedef enum
{
  FL_FUTURE_PENDING,
  FL_FUTURE_RUNNING,
  FL_FUTURE_FINISHED,
  FL_FUTURE_FAILED,
  FL_FUTURE_CANCELLED,
} FlFutureState;

#define FL_FUTURE_STATE_IS_TERMINAL(s) ((s) >= FL_FUTURE_FINISHED)

/**
 * FlLaneKind:
 * @FL_LANE_NONE: not run (yet)
 * @FL_LANE_THREAD: a worker thread
 * @FL_LANE_PROCESS: a worker process
 * @FL_LANE_MAIN_LOOP: the main loop (async jobs, or inline on the main thread)
 * @FL_LANE_CALLER: inline on a thread other than the main thread
 */
typedef enum
{
  FL_LANE_NONE,
  FL_LANE_THREAD,
  FL_LANE_PROCESS,
  FL_LANE_MAIN_LOOP,
  FL_LANE_CALLER,
} FlLaneKind;

/**
 * FlWaitMode:
 * @FL_WAIT_FIRST_COMPLETED: return as soon as one future is done
 * @FL_WAIT_FIRST_EXCEPTION: return when one fails, or all are done
 * @FL_WAIT_ALL_COMPLETED: return when all are done
 */
typedef enum
{
  FL_WAIT_FIRST_COMPLETED,
  FL_WAIT_FIRST_EXCEPTION,
  FL_WAIT_ALL_COMPLETED,
} FlWaitMode;

/**
 * FlError:
 * @FL_ERROR_FAILED: generic failure
 * @FL_ERROR_TIMEOUT: a wait ran out of time (never produced by a job itself)
 * @FL_ERROR_CANCELLED: the future was cancelled
 * @FL_ERROR_SHUTDOWN: the executor was shut down
 * @FL_ERROR_UNKNOWN_JOB: no job of that name is registered
 * @FL_ERROR_INVALID_ARGUMENT: the job's arguments have the wrong type or value
 * @FL_ERROR_WORKER_DIED: the worker process running the job died
 * @FL_ERROR_BROKEN_POOL: a strict process pool broke and refuses work
 * @FL_ERROR_PROTOCOL: a malformed frame crossed a worker pipe
 * @FL_ERROR_NOT_SUPPORTED: the executor cannot run this kind of job
 * @FL_ERROR_WOULD_DEADLOCK: reserved for waits that can never complete
 */
typedef enum
{
  FL_ERROR_FAILED,
  FL_ERROR_TIMEOUT,
  FL_ERROR_CANCELLED,
  FL_ERROR_SHUTDOWN,
  FL_ERROR_UNKNOWN_JOB,
  FL_ERROR_INVALID_ARGUMENT,
  FL_ERROR_WORKER_DIED,
  FL_ERROR_BROKEN_POOL,
  FL_ERROR_PROTOCOL,
  FL_ERROR_NOT_SUPPORTED,
  FL_ERROR_WOULD_DEADLOCK,
} FlError;

#define FL_ERROR (fl_error_quark ())
GQuark fl_error_quark (void);

const char *fl_future_state_to_string (FlFutureState state);
const char *fl_lane_kind_to_string    (FlLaneKind    kind);

/* Timeouts are in microseconds; FL_TIMEOUT_INFINITE waits forever. */
#define FL_TIMEOUT_INFINITE ((gint64) -1)

G_END_DECLS
