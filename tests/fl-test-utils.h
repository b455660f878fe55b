/* fl-test-utils.h: bounded waits and gates shared by the test suites
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests never sleep to wait: they spin the main context until a condition holds, and fail
 * (instead of hanging) once a generous bound has passed. The bound is scaled up under
 * sanitizers, which slow everything down.
 */
#pragma once

#include <gio/gio.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>

#include "fl-lock.h"

G_BEGIN_DECLS

#if defined(__SANITIZE_THREAD__)
# define FL_TEST_SLOWDOWN 20
# define FL_TEST_UNDER_TSAN 1
#elif defined(__SANITIZE_ADDRESS__)
# define FL_TEST_SLOWDOWN 4
# define FL_TEST_UNDER_TSAN 0
#else
# define FL_TEST_SLOWDOWN 1
# define FL_TEST_UNDER_TSAN 0
#endif

#define FL_TEST_TIMEOUT_MS (10000 * FL_TEST_SLOWDOWN)

/* In the child before exec: it is killed when the test process ends. */
static inline void
fl_test_child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A launcher whose children do not outlive the test: a test that a sanitizer report ends
 * would otherwise leave its server running, holding the test's output pipes, and meson
 * waited for it without end. */
static inline GSubprocessLauncher *
fl_test_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, fl_test_child_setup, NULL, NULL);
  return launcher;
}

/* g_subprocess_new() with fl_test_launcher_new()'s launcher. */
static inline GSubprocess *
fl_test_subprocess_new (GSubprocessFlags   flags,
                        GError           **error,
                        const char        *argv0,
                        ...)
{
  GSubprocessLauncher *launcher = fl_test_launcher_new (flags);
  GPtrArray *argv = g_ptr_array_new ();
  GSubprocess *process;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) argv0);
  va_start (ap, argv0);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  g_ptr_array_unref (argv);
  g_object_unref (launcher);
  return process;
}

static inline gboolean
fl_test_wake_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* One blocking iteration of the thread-default context, bounded by @max_ms. */
static inline void
fl_test_iterate (guint max_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean woke = FALSE;
  GSource *timeout = g_timeout_source_new (MAX (max_ms, 1));

  g_source_set_callback (timeout, fl_test_wake_cb, &woke, NULL);
  g_source_attach (timeout, context);
  g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

/* Spins the thread-default main context until @expr holds; fails the test after
 * @timeout_ms (scaled under sanitizers). */
#define fl_test_spin_until(expr, timeout_ms)                                          \
  G_STMT_START {                                                                      \
    gint64 fl_end_ = g_get_monotonic_time ()                                          \
                     + (gint64) (timeout_ms) * FL_TEST_SLOWDOWN * 1000;                \
    while (!(expr))                                                                   \
      {                                                                               \
        if (g_get_monotonic_time () > fl_end_)                                        \
          g_error ("%s:%d: timed out after %d ms waiting for “%s”", __FILE__, __LINE__, \
                   (int) (timeout_ms) * FL_TEST_SLOWDOWN, #expr);                    \
        fl_test_iterate (50);                                                         \
      }                                                                               \
  } G_STMT_END

/* A gate: a job that enters it blocks until the test opens it, or its cancellable
 * fires. Lets tests hold a job in RUNNING without depending on timing. */
typedef struct
{
  FlMutex  mutex;
  FlCond   cond;
  int      entered;
  gboolean open;
} FlTestGate;

static inline FlTestGate *
fl_test_gate_new (void)
{
  FlTestGate *gate = g_new0 (FlTestGate, 1);

  fl_mutex_init (&gate->mutex);
  fl_cond_init (&gate->cond);
  return gate;
}

static inline void
fl_test_gate_free (FlTestGate *gate)
{
  fl_mutex_clear (&gate->mutex);
  fl_cond_clear (&gate->cond);
  g_free (gate);
}

static inline void
fl_test_gate_open (FlTestGate *gate)
{
  fl_mutex_lock (&gate->mutex);
  gate->open = TRUE;
  fl_cond_broadcast (&gate->cond);
  fl_mutex_unlock (&gate->mutex);
}

static inline void
fl_test_gate_cancelled_cb (GCancellable *cancellable,
                           gpointer      data)
{
  FlTestGate *gate = data;

  fl_mutex_lock (&gate->mutex);
  fl_cond_broadcast (&gate->cond);
  fl_mutex_unlock (&gate->mutex);
}

/* An FlFunc: enters the gate, waits for it to open (or for cancellation, if
 * the job honours it: it always does here). */
static inline GVariant *
fl_test_gate_func (gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  FlTestGate *gate = data;
  gulong handler = 0;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (fl_test_gate_cancelled_cb),
                                     gate, NULL);
  fl_mutex_lock (&gate->mutex);
  gate->entered++;
  fl_cond_broadcast (&gate->cond);
  while (!gate->open && !g_cancellable_is_cancelled (cancellable))
    fl_cond_wait (&gate->cond, &gate->mutex);
  fl_mutex_unlock (&gate->mutex);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_variant_new_string ("through the gate");
}

/* Blocks (without the main loop) until @n jobs have entered; fails after the bound. */
static inline void
fl_test_gate_wait_entered (FlTestGate *gate,
                           int         n)
{
  gint64 end = g_get_monotonic_time () + (gint64) FL_TEST_TIMEOUT_MS * 1000;

  fl_mutex_lock (&gate->mutex);
  while (gate->entered < n)
    if (!fl_cond_wait_until (&gate->cond, &gate->mutex, end))
      {
        fl_mutex_unlock (&gate->mutex);
        g_error ("timed out waiting for %d job(s) to enter the gate", n);
      }
  fl_mutex_unlock (&gate->mutex);
}

#ifdef CPU_SET
/* CPU hogs (for a test that includes <sched.h> with _GNU_SOURCE): busy threads pinned to
 * one CPU, so whatever else runs there waits for it as on a busy machine. */
typedef struct
{
  int      cpu;
  gint     stop;
  gint     running;
  guint    n;
  GThread *threads[16];
} FlTestHogs;

static inline gpointer
fl_test_hog_thread (gpointer data)
{
  FlTestHogs *hogs = data;
  cpu_set_t set;
  volatile guint64 sink = 0;

  CPU_ZERO (&set);
  CPU_SET (hogs->cpu, &set);
  g_assert_cmpint (sched_setaffinity (0, sizeof set, &set), ==, 0);
  g_atomic_int_inc (&hogs->running);
  while (!g_atomic_int_get (&hogs->stop))
    sink++;
  return NULL;
}

/* Starts @n hogs on @cpu and returns once all of them are running. */
static inline void
fl_test_hogs_start (FlTestHogs *hogs,
                    int         cpu,
                    guint       n)
{
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (hogs->threads));
  hogs->cpu = cpu;
  hogs->stop = 0;
  hogs->running = 0;
  hogs->n = n;
  for (guint i = 0; i < n; i++)
    hogs->threads[i] = g_thread_new ("hog", fl_test_hog_thread, hogs);
  while ((guint) g_atomic_int_get (&hogs->running) < n)
    g_thread_yield ();
}

static inline void
fl_test_hogs_stop (FlTestHogs *hogs)
{
  g_atomic_int_set (&hogs->stop, 1);
  for (guint i = 0; i < hogs->n; i++)
    g_thread_join (hogs->threads[i]);
  hogs->n = 0;
}
#endif

G_END_DECLS
