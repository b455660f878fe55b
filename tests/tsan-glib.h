/* tsan-glib.h: the ordering GLib creates inside its own (uninstrumented) code, told to
 * ThreadSanitizer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Force-included into every file of the ThreadSanitizer build only, never into a normal
 * build. GLib synchronises with raw futexes and atomics inside libglib and libgobject,
 * which TSan does not instrument, so it cannot see that
 *   - the last g_atomic_ref_count_dec() / g_object_unref() comes after every other
 *     thread's last use (the free that follows looks like a race);
 *   - a GMutex / GCond orders what is done under it;
 *   - g_thread_pool_push() comes before the pool's function starts on a (reused) thread;
 *   - g_cancellable_connect() comes before the handler runs on the cancelling thread;
 *   - g_task_run_in_thread() comes before the task's function runs on GTask's pool, and
 *     the function before g_task_propagate_pointer();
 *   - a g_once() initializer comes before every use of its value.
 * Rather than suppressing every report with a GLib frame in it (that hides the engine's
 * own races too: every lane thread starts in GLib), the calls our code makes are wrapped so
 * that TSan sees the happens-before edges GLib really provides: __tsan_release() where one
 * side hands over, __tsan_acquire() where the other takes over. What each call does is
 * unchanged. The build needs both (tools/run-tests sets them):
 *   -Dc_args="['-include', '<top>/tests/tsan-glib.h']"
 *   -Dc_link_args="-Wl,--wrap=g_object_unref,--wrap=g_mutex_lock,..." (FL_TSAN_WRAPPED)
 * The linker's --wrap catches every call from our objects, g_autoptr, g_clear_object()
 * and GLib's inline helpers included; each wrapper is weak, defined in every file, and the
 * linker keeps one.
 */
#pragma once

/* Included before anything else in a file: what a file asks of libc must still hold (a
 * test that defines _GNU_SOURCE for sched_setaffinity() gets it). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

/* meson's configure checks compile with the same flags but without GLib's include path:
 * they get nothing from here. */
#if defined(__has_include) && __has_include(<glib-object.h>)

#include <glib-object.h>
#include <gio/gio.h>
#include <sanitizer/tsan_interface.h>

/* Reference counts: compiled into the caller as the same sequentially consistent atomics
 * (what GLib itself does when built with G_DISABLE_CHECKS), so they are instrumented. */
#undef g_atomic_ref_count_init
#undef g_atomic_ref_count_inc
#undef g_atomic_ref_count_dec
#undef g_atomic_ref_count_compare
#define g_atomic_ref_count_init(rc) \
  (__atomic_store_n ((rc), 1, __ATOMIC_SEQ_CST))
#define g_atomic_ref_count_inc(rc) \
  ((void) __atomic_fetch_add ((rc), 1, __ATOMIC_SEQ_CST))
#define g_atomic_ref_count_dec(rc) \
  (__atomic_sub_fetch ((rc), 1, __ATOMIC_SEQ_CST) == 0)
#define g_atomic_ref_count_compare(rc, val) \
  (__atomic_load_n ((rc), __ATOMIC_SEQ_CST) == (val))

#define FL_TSAN_WEAK __attribute__ ((weak))

/* TSan's own default: the memory operations that GLib's uninstrumented code makes through
 * TSan's interceptors (its memset() and free() of blocks it hands between threads under its
 * own futex locks, its write() to a main context's wake-up eventfd) are not reported. Our
 * code's accesses are all instrumented and still are; unlike "race:libglib-2.0.so" this
 * does not hide a race in a function that merely runs on a GLib thread (a pool's lane). The
 * test environment's TSAN_OPTIONS adds to this. */
const char *__tsan_default_options (void);

FL_TSAN_WEAK const char *
__tsan_default_options (void)
{
  return "ignore_noninstrumented_modules=1";
}

/* The __real_ names are weak references too, so that a program linked without the
 * --wrap flags (a configure check) still links. */
#pragma weak __real_g_object_unref
#pragma weak __real_g_mutex_lock
#pragma weak __real_g_mutex_trylock
#pragma weak __real_g_mutex_unlock
#pragma weak __real_g_cond_wait
#pragma weak __real_g_cond_wait_until
#pragma weak __real_g_thread_pool_new
#pragma weak __real_g_thread_pool_push
#pragma weak __real_g_cancellable_connect
#pragma weak __real_g_task_run_in_thread
#pragma weak __real_g_task_propagate_pointer

void        __real_g_object_unref       (gpointer object);
void        __wrap_g_object_unref       (gpointer object);
void        __real_g_mutex_lock         (GMutex *mutex);
void        __wrap_g_mutex_lock         (GMutex *mutex);
gboolean    __real_g_mutex_trylock      (GMutex *mutex);
gboolean    __wrap_g_mutex_trylock      (GMutex *mutex);
void        __real_g_mutex_unlock       (GMutex *mutex);
void        __wrap_g_mutex_unlock       (GMutex *mutex);
void        __real_g_cond_wait          (GCond *cond, GMutex *mutex);
void        __wrap_g_cond_wait          (GCond *cond, GMutex *mutex);
gboolean    __real_g_cond_wait_until    (GCond *cond, GMutex *mutex, gint64 end_time);
gboolean    __wrap_g_cond_wait_until    (GCond *cond, GMutex *mutex, gint64 end_time);
GThreadPool *__real_g_thread_pool_new   (GFunc func, gpointer user_data, gint max_threads,
                                         gboolean exclusive, GError **error);
GThreadPool *__wrap_g_thread_pool_new   (GFunc func, gpointer user_data, gint max_threads,
                                         gboolean exclusive, GError **error);
gboolean    __real_g_thread_pool_push   (GThreadPool *pool, gpointer data, GError **error);
gboolean    __wrap_g_thread_pool_push   (GThreadPool *pool, gpointer data, GError **error);
gulong      __real_g_cancellable_connect (GCancellable *cancellable, GCallback callback,
                                          gpointer data, GDestroyNotify data_destroy_func);
gulong      __wrap_g_cancellable_connect (GCancellable *cancellable, GCallback callback,
                                          gpointer data, GDestroyNotify data_destroy_func);
void        __real_g_task_run_in_thread (GTask *task, GTaskThreadFunc task_func);
void        __wrap_g_task_run_in_thread (GTask *task, GTaskThreadFunc task_func);
gpointer    __real_g_task_propagate_pointer (GTask *task, GError **error);
gpointer    __wrap_g_task_propagate_pointer (GTask *task, GError **error);

/* Each unref publishes what this thread did to the object; the one that drops the last
 * reference (it reads a count of 1) first takes in all of them, so the finalizer and the
 * free come after the other threads' last use. The count is read before the release, so
 * that read is covered too. */
FL_TSAN_WEAK void
__wrap_g_object_unref (gpointer object)
{
  if (object != NULL)
    {
      guint count = __atomic_load_n (&((GObject *) object)->ref_count, __ATOMIC_SEQ_CST);

      __tsan_release (object);
      if (count == 1)
        __tsan_acquire (object);
    }
  __real_g_object_unref (object);
}

/* A GMutex: what happened before an unlock happens before the next lock. */
FL_TSAN_WEAK void
__wrap_g_mutex_lock (GMutex *mutex)
{
  __real_g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

FL_TSAN_WEAK gboolean
__wrap_g_mutex_trylock (GMutex *mutex)
{
  if (!__real_g_mutex_trylock (mutex))
    return FALSE;
  __tsan_acquire (mutex);
  return TRUE;
}

FL_TSAN_WEAK void
__wrap_g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  __real_g_mutex_unlock (mutex);
}

FL_TSAN_WEAK void
__wrap_g_cond_wait (GCond  *cond,
                    GMutex *mutex)
{
  __tsan_release (mutex);
  __real_g_cond_wait (cond, mutex);
  __tsan_acquire (mutex);
}

FL_TSAN_WEAK gboolean
__wrap_g_cond_wait_until (GCond  *cond,
                          GMutex *mutex,
                          gint64  end_time)
{
  gboolean signalled;

  __tsan_release (mutex);
  signalled = __real_g_cond_wait_until (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* GThreadPool: a push happens before the pool's function runs for it, on whichever thread
 * GLib picks (threads are reused across pools through GLib's global queue). One token per
 * program is coarser than GLib's per-pool queues, never finer. */
typedef struct
{
  GFunc    func;
  gpointer user_data;
} FlTsanPoolBox;

extern char fl_tsan_pool_token;
FL_TSAN_WEAK char fl_tsan_pool_token;

void fl_tsan_pool_trampoline (gpointer data, gpointer user_data);

FL_TSAN_WEAK void
fl_tsan_pool_trampoline (gpointer data,
                         gpointer user_data)
{
  FlTsanPoolBox *box = user_data;

  __tsan_acquire (&fl_tsan_pool_token);
  box->func (data, box->user_data);
}

FL_TSAN_WEAK GThreadPool *
__wrap_g_thread_pool_new (GFunc      func,
                          gpointer   user_data,
                          gint       max_threads,
                          gboolean   exclusive,
                          GError   **error)
{
  /* Lives as long as the program: GLib has no hook at pool free, and the
   * ThreadSanitizer build does not look for leaks. */
  FlTsanPoolBox *box = g_new (FlTsanPoolBox, 1);

  box->func = func;
  box->user_data = user_data;
  GThreadPool *pool;

  __tsan_release (&fl_tsan_pool_token);
  pool = __real_g_thread_pool_new (fl_tsan_pool_trampoline, box, max_threads, exclusive,
                                   error);
  /* Again once the pool exists: the threads that serve it, and the one that frees it once
   * g_thread_pool_free() lets it, come after its allocation. */
  __tsan_release (&fl_tsan_pool_token);
  return pool;
}

FL_TSAN_WEAK gboolean
__wrap_g_thread_pool_push (GThreadPool  *pool,
                           gpointer      data,
                           GError      **error)
{
  __tsan_release (&fl_tsan_pool_token);
  return __real_g_thread_pool_push (pool, data, error);
}

/* g_cancellable_connect(): what the connecting thread did before connecting happens
 * before the handler, which runs on whichever thread cancels, and before the destroy
 * notify. */
typedef struct
{
  GCallback      callback;
  gpointer       data;
  GDestroyNotify destroy;
} FlTsanCancelBox;

void fl_tsan_cancelled (GCancellable *cancellable, gpointer data);
void fl_tsan_cancel_box_free (gpointer data);

FL_TSAN_WEAK void
fl_tsan_cancelled (GCancellable *cancellable,
                   gpointer      data)
{
  FlTsanCancelBox *box = data;

  __tsan_acquire (box);
  ((void (*) (GCancellable *, gpointer)) (void (*) (void)) box->callback) (cancellable,
                                                                        box->data);
}

FL_TSAN_WEAK void
fl_tsan_cancel_box_free (gpointer data)
{
  FlTsanCancelBox *box = data;

  __tsan_acquire (box);
  if (box->destroy != NULL)
    box->destroy (box->data);
  g_free (box);
}

FL_TSAN_WEAK gulong
__wrap_g_cancellable_connect (GCancellable   *cancellable,
                              GCallback       callback,
                              gpointer        data,
                              GDestroyNotify  data_destroy_func)
{
  FlTsanCancelBox *box = g_new (FlTsanCancelBox, 1);

  box->callback = callback;
  box->data = data;
  box->destroy = data_destroy_func;
  __tsan_release (box);
  return __real_g_cancellable_connect (cancellable, G_CALLBACK (fl_tsan_cancelled), box,
                                       fl_tsan_cancel_box_free);
}

/* g_task_run_in_thread(): what the caller did before handing the task over happens
 * before the function runs on GTask's pool (whose queue is inside GLib), and what the
 * function did happens before the result is taken: GTask delivers a threaded task's
 * result once its function has returned. */
typedef struct
{
  GTaskThreadFunc func;
} FlTsanTaskBox;

void fl_tsan_task_trampoline (GTask *task, gpointer source_object, gpointer task_data,
                              GCancellable *cancellable);

FL_TSAN_WEAK void
fl_tsan_task_trampoline (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  FlTsanTaskBox *box;

  __tsan_acquire (task);
  box = g_object_get_data (G_OBJECT (task), "fl-tsan-task-func");
  box->func (task, source_object, task_data, cancellable);
  __tsan_release (task);
}

FL_TSAN_WEAK gpointer
__wrap_g_task_propagate_pointer (GTask   *task,
                                 GError **error)
{
  __tsan_acquire (task);
  return __real_g_task_propagate_pointer (task, error);
}

FL_TSAN_WEAK void
__wrap_g_task_run_in_thread (GTask           *task,
                             GTaskThreadFunc  task_func)
{
  FlTsanTaskBox *box = g_new (FlTsanTaskBox, 1);

  box->func = task_func;
  g_object_set_data_full (G_OBJECT (task), "fl-tsan-task-func", box, g_free);
  __tsan_release (task);
  __real_g_task_run_in_thread (task, fl_tsan_task_trampoline);
}

/* g_once(): GLib's macro reads the status without a barrier TSan can see. Here the
 * initializer publishes what it built before GLib marks the GOnce ready, and every caller
 * takes that in before it uses the value. */
typedef struct
{
  GThreadFunc  func;
  gpointer     arg;
  GOnce       *once;
} FlTsanOnce;

gpointer fl_tsan_once_run (gpointer data);

FL_TSAN_WEAK gpointer
fl_tsan_once_run (gpointer data)
{
  FlTsanOnce *call = data;
  gpointer value = call->func (call->arg);

  __tsan_release (call->once);
  return value;
}

static inline gpointer
fl_tsan_once (GOnce       *once,
              GThreadFunc  func,
              gpointer     arg)
{
  FlTsanOnce call = { func, arg, once };

  if (__atomic_load_n (&once->status, __ATOMIC_ACQUIRE) != G_ONCE_STATUS_READY)
    g_once_impl (once, fl_tsan_once_run, &call);
  __tsan_acquire (once);
  return once->retval;
}
#undef g_once
#define g_once(once, func, arg) fl_tsan_once ((once), (func), (arg))

#endif /* GLib on the include path */
