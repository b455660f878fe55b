/* fl-lock.h: the engine's mutex and condition variable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin wrappers over pthreads rather than GMutex/GCond: GLib implements those with raw
 * futexes inside an uninstrumented library, so ThreadSanitizer cannot see the ordering
 * they create and would report every field they guard as a race. With pthreads, TSan
 * checks the engine's own locking for real. Same semantics as GLib's: non-recursive,
 * and fl_cond_wait_until() takes a g_get_monotonic_time() deadline.
 */
#pragma once

#include <glib.h>
#include <pthread.h>
#include <time.h>

G_BEGIN_DECLS

typedef struct { pthread_mutex_t impl; } FlMutex;
typedef struct { pthread_cond_t impl; } FlCond;

#define FL_MUTEX_INIT { PTHREAD_MUTEX_INITIALIZER }

static inline void
fl_mutex_init (FlMutex *mutex)
{
  pthread_mutex_init (&mutex->impl, NULL);
}

static inline void
fl_mutex_clear (FlMutex *mutex)
{
  pthread_mutex_destroy (&mutex->impl);
}

static inline void
fl_mutex_lock (FlMutex *mutex)
{
  pthread_mutex_lock (&mutex->impl);
}

static inline void
fl_mutex_unlock (FlMutex *mutex)
{
  pthread_mutex_unlock (&mutex->impl);
}

static inline void
fl_cond_init (FlCond *cond)
{
  pthread_condattr_t attr;

  pthread_condattr_init (&attr);
  /* g_get_monotonic_time() is CLOCK_MONOTONIC on Linux: deadlines compare directly. */
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&cond->impl, &attr);
  pthread_condattr_destroy (&attr);
}

static inline void
fl_cond_clear (FlCond *cond)
{
  pthread_cond_destroy (&cond->impl);
}

static inline void
fl_cond_wait (FlCond  *cond,
              FlMutex *mutex)
{
  pthread_cond_wait (&cond->impl, &mutex->impl);
}

/* Returns FALSE once @end_time (monotonic µs) has passed, as g_cond_wait_until(). */
static inline gboolean
fl_cond_wait_until (FlCond  *cond,
                    FlMutex *mutex,
                    gint64   end_time)
{
  struct timespec ts;

  ts.tv_sec = end_time / G_USEC_PER_SEC;
  ts.tv_nsec = (end_time % G_USEC_PER_SEC) * 1000;
  return pthread_cond_timedwait (&cond->impl, &mutex->impl, &ts) == 0;
}

static inline void
fl_cond_signal (FlCond *cond)
{
  pthread_cond_signal (&cond->impl);
}

static inline void
fl_cond_broadcast (FlCond *cond)
{
  pthread_cond_broadcast (&cond->impl);
}

G_END_DECLS
