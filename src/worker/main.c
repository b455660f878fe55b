/* main.c: futures-lab-worker, one process of the process pool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Started by FlProcessExecutor with a socket on --fd. Says hello, then runs one job per
 * frame until the socket closes: reads (job name, arguments), runs the registered job on
 * this thread, answers with progress frames and one result or error frame. Its stdout and
 * stderr go to the parent, which files them in the running future's log. Cancelling is
 * the parent's business: it kills this process.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "futures-lab-engine.h"
#include "fl-compute.h"
#include "fl-download.h"
#include "fl-frame.h"

#define EXIT_PROTOCOL 2
#define PROGRESS_INTERVAL_US (20 * 1000)
/* After a reply, a worker looks for its next job for this long before it sleeps in poll():
 * a busy pool sends it within microseconds, and a wake-up from sleep costs as much again.
 * It yields while it looks, so on a busy machine the others get the core. */
#define SPIN_US 50

typedef struct
{
  FlJobProgress  sink;
  int            fd;
  guint64        id;
  gint64         last_sent;
  gboolean       held;             /* a report was held back by the rate limit */
  double         held_fraction;
  guint64        held_bytes;
} Progress;

static gboolean
send_frame (int       fd,
            guchar    kind,
            guint64   id,
            GVariant *body)
{
  g_autoptr(GBytes) frame = fl_frame_encode (kind, id, body);
  g_autoptr(GError) error = NULL;

  if (!fl_frame_write_all (fd, frame, -1, &error))
    {
      /* The parent is gone or closed the socket: nothing left to do. */
      g_debug ("worker: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
progress_report (FlJobProgress *sink,
                 double         fraction,
                 guint64        bytes)
{
  Progress *progress = (Progress *) sink;
  gint64 now = g_get_monotonic_time ();

  /* A job may report thousands of times a second; the parent needs a few dozen. The last
   * report held back is sent before the result (run_one), so the byte count is exact. */
  if (now - progress->last_sent < PROGRESS_INTERVAL_US || fraction >= 1.0)
    {
      progress->held = TRUE;
      progress->held_fraction = fraction;
      progress->held_bytes = bytes;
      return;
    }
  progress->held = FALSE;
  progress->last_sent = now;
  send_frame (progress->fd, FL_FRAME_PROGRESS, progress->id,
              g_variant_new ("(dt)", fraction, bytes));
}

static gboolean
run_one (int       fd,
         guint64   id,
         GVariant *body)
{
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  Progress progress = { { progress_report, NULL }, fd, id, 0, FALSE, 0, 0 };

  g_variant_get (body, "(&smv)", &name, &args);
  value = fl_job_run (name, args, NULL, &progress.sink, &error);
  fflush (stdout);
  if (progress.held && progress.held_bytes > 0
      && !send_frame (fd, FL_FRAME_PROGRESS, id,
                      g_variant_new ("(dt)", MIN (progress.held_fraction, 1.0),
                                     progress.held_bytes)))
    return FALSE;
  if (value != NULL)
    return send_frame (fd, FL_FRAME_RESULT, id, value);
  return send_frame (fd, FL_FRAME_ERROR, id,
                     g_variant_new ("(sis)", g_quark_to_string (error->domain), error->code,
                                    error->message));
}

static int
serve (int fd)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_worker, 0);
  gint64 last_reply = 0;

  /* Non-blocking, so that the loop below can look for the next job for a moment before it
   * sleeps in poll(). */
  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  if (!send_frame (fd, FL_FRAME_HELLO, 0,
                   g_variant_new ("(ux)", FL_FRAME_PROTOCOL_VERSION, (gint64) getpid ())))
    return EXIT_SUCCESS;

  for (;;)
    {
      g_autoptr(GVariant) body = NULL;
      g_autoptr(GError) error = NULL;
      guchar kind;
      guint64 id;
      gssize n;

      if (fl_frame_reader_next (reader, &kind, &id, &body, &error))
        {
          if (!run_one (fd, id, body))
            return EXIT_SUCCESS;
          last_reply = g_get_monotonic_time ();
          continue;
        }
      if (error != NULL)
        {
          fprintf (stderr, "futures-lab-worker: %s\n", error->message);
          return EXIT_PROTOCOL;
        }

      n = fl_frame_reader_fill (reader, fd, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          struct pollfd pfd = { fd, POLLIN, 0 };

          g_clear_error (&error);
          if (g_get_monotonic_time () - last_reply < SPIN_US)
            g_thread_yield ();
          else
            poll (&pfd, 1, -1);
          continue;
        }
      if (n == 0)
        {
          if (fl_frame_reader_get_buffered (reader) > 0)
            {
              fprintf (stderr, "futures-lab-worker: the parent closed mid-frame\n");
              return EXIT_PROTOCOL;
            }
          return EXIT_SUCCESS;            /* the pool closed us */
        }
      if (n < 0)
        {
          fprintf (stderr, "futures-lab-worker: %s\n", error->message);
          return EXIT_PROTOCOL;
        }
    }
}

/* A cancelled job's worker gets SIGTERM (then SIGKILL after a grace): it removes the flag
 * it was writing, then dies of the signal as before. */
static void
on_sigterm (int signum)
{
  const char *temp = fl_download_get_pending_temp ();

  if (temp != NULL)
    unlink (temp);
  signal (signum, SIG_DFL);
  raise (signum);
}

int
main (int    argc,
      char **argv)
{
  int fd = 3;
  long parent = 0;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (strcmp (argv[i], "--fd") == 0)
        fd = atoi (argv[i + 1]);
      else if (strcmp (argv[i], "--parent") == 0)
        parent = atol (argv[i + 1]);
      else if (strcmp (argv[i], "--lane") != 0)
        {
          fprintf (stderr, "futures-lab-worker: unknown option %s\n"
                   "This program is started by Futures Lab's process pool.\n", argv[i]);
          return EXIT_PROTOCOL;
        }
    }

  /* Die with the parent, and not a moment after it is already gone. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Background work: like the thread pool's lanes, a worker yields the CPU to the app's
   * main loop when every core is busy (see docs/ENGINE.md). */
  errno = 0;
  {
    int nice_now = getpriority (PRIO_PROCESS, 0);
    if (errno == 0)
      setpriority (PRIO_PROCESS, 0, MIN (nice_now + 10, 19));
  }
  if (parent > 0 && getppid () != parent)
    return EXIT_SUCCESS;
  /* A closed socket is an error from write(), not a signal. */
  signal (SIGPIPE, SIG_IGN);
  /* Ctrl-C in a terminal reaches the whole process group: the parent decides what a
   * worker does then (it cancels, and SIGTERM ends the worker cleanly). */
  signal (SIGINT, SIG_IGN);
  fl_download_track_temp_files ();
  {
    struct sigaction action = { 0 };

    action.sa_handler = on_sigterm;
    sigemptyset (&action.sa_mask);
    sigaction (SIGTERM, &action, NULL);
  }

  if (fd < 0 || fcntl (fd, F_GETFD) < 0)
    {
      fprintf (stderr, "futures-lab-worker: no socket on fd %d: %s\n"
               "This program is started by Futures Lab's process pool.\n",
               fd, g_strerror (errno));
      return EXIT_PROTOCOL;
    }
  /* Jobs that start programs must not hand them our socket. */
  fcntl (fd, F_SETFD, FD_CLOEXEC);

  g_set_prgname ("futures-lab-worker");
  fl_jobs_register_builtins ();
  fl_compute_register_jobs ();
  fl_compute_allow_crash (TRUE);
  fl_download_register_job ();
  /* A pool for downloads (FL_DOWNLOAD_WORKER_PRELOAD_ENV) pays the first download's
   * one-time costs before hello, so the parent's wait for ready workers covers them. */
  if (g_strcmp0 (g_getenv (FL_DOWNLOAD_WORKER_PRELOAD_ENV), "download") == 0)
    fl_download_warm_up ();

  return serve (fd);
}
