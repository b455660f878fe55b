/* fuzz-frame.c: the worker protocol from both ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte picks a side, the second where the stream is cut in two (frames arrive
 * in pieces), the rest is the stream.
 *
 *   even: what a parent sends a worker. The worker's own reader and dispatch (run_one()
 *         of src/worker/main.c, compiled in here) run each job frame; the replies it
 *         writes are read back with the parent's reader and must be one result or error
 *         per job, with the job's id.
 *   odd:  what a worker sends its parent: the parent's reader, then each body unpacked as
 *         the process pool's lane_handle_frame() does.
 *
 * The jobs a worker runs are the real ones with their arguments bounded (a fuzzed sleep
 * must not sleep for a day); download and crash are not registered.
 */
#include "config.h"

#include <math.h>
#include <sys/socket.h>

/* The worker's dispatch, without its main(). */
int fl_worker_main (int argc, char **argv);
#define main fl_worker_main
#include "main.c"
#undef main

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

typedef struct
{
  const char      *name;
  const FlJobInfo *real;
  FlJobInfo        bounded;
} BoundedJob;

static BoundedJob bounded_jobs[] = {
  { "sleep" }, { "spin" }, { "primes" }, { "sha256" }, { "mandelbrot" },
};

static gboolean
args_in_bounds (const char *name,
                GVariant   *args)
{
  if (strcmp (name, "sleep") == 0)
    {
      guint32 ms;
      g_variant_get (args, "(u)", &ms);
      return ms <= 2;
    }
  if (strcmp (name, "spin") == 0)
    {
      guint64 us;
      g_variant_get (args, "(t)", &us);
      return us <= 200;
    }
  if (strcmp (name, "primes") == 0)
    {
      guint64 n;
      g_variant_get (args, "(t)", &n);
      return n <= 20000;
    }
  if (strcmp (name, "sha256") == 0)
    {
      guint64 n;
      g_variant_get (args, "(&st)", NULL, &n);
      return n <= 200;
    }
  if (strcmp (name, "mandelbrot") == 0)
    {
      guint32 width, height, x0, y0, w, h, max_iter;
      double re, im, scale;
      g_variant_get (args, "(uuuuuuuddd)", &width, &height, &x0, &y0, &w, &h, &max_iter,
                     &re, &im, &scale);
      return (guint64) w * h <= 64 * 64 && max_iter <= 256;
    }
  return TRUE;
}

static GVariant *
bounded_call (guint           index,
              GVariant       *args,
              GCancellable   *cancellable,
              FlJobProgress  *progress,
              GError        **error)
{
  BoundedJob *job = &bounded_jobs[index];

  /* fl_job_run() checked the type. */
  if (!args_in_bounds (job->name, args))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT, "out of the fuzz bounds");
      return NULL;
    }
  return job->real->func (args, cancellable, progress, error);
}

#define BOUNDED(n)                                                                    \
  static GVariant *                                                                   \
  bounded_##n (GVariant *args, GCancellable *cancellable, FlJobProgress *progress,    \
               GError **error)                                                        \
  {                                                                                   \
    return bounded_call (n, args, cancellable, progress, error);                      \
  }
BOUNDED (0)
BOUNDED (1)
BOUNDED (2)
BOUNDED (3)
BOUNDED (4)

static const FlJobFunc bounded_funcs[] = {
  bounded_0, bounded_1, bounded_2, bounded_3, bounded_4,
};
G_STATIC_ASSERT (G_N_ELEMENTS (bounded_funcs) == G_N_ELEMENTS (bounded_jobs));

static gboolean starting;

/* After start-up a warning or a critical (a failed g_return_if_fail()) is a finding. */
static GLogWriterOutput
strict_writer (GLogLevelFlags   level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         data)
{
  if (starting)
    return G_LOG_WRITER_HANDLED;
  g_log_writer_default (level, fields, n_fields, data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fl_jobs_register_builtins ();
  fl_compute_register_jobs ();
  /* Replacing a job under its own name warns; that warning is expected here. */
  g_log_set_writer_func (strict_writer, NULL, NULL);
  starting = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (bounded_jobs); i++)
    {
      BoundedJob *job = &bounded_jobs[i];

      job->real = fl_job_registry_lookup (job->name);
      g_assert (job->real != NULL);
      job->bounded = *job->real;
      job->bounded.func = bounded_funcs[i];
      job->bounded.async_func = NULL;
      job->bounded.finish_func = NULL;
      fl_job_registry_register (&job->bounded);
    }
  starting = FALSE;
  return 0;
}

/* The parent's side: lane_handle_frame()'s reading of each kind of body. */
static void
unpack_reply (guchar    kind,
              GVariant *body)
{
  switch (kind)
    {
    case FL_FRAME_HELLO:
      {
        guint32 version;
        gint64 pid;

        g_variant_get (body, "(ux)", &version, &pid);
        (void) version;
        (void) pid;
      }
      break;
    case FL_FRAME_PROGRESS:
      {
        double fraction;
        guint64 bytes;

        g_variant_get (body, "(dt)", &fraction, &bytes);
        if (fraction == fraction)
          fraction = MIN (fraction, 1.0);
        (void) bytes;
      }
      break;
    case FL_FRAME_RESULT:
      {
        g_autofree char *text = g_variant_print (body, TRUE);
        (void) text;
      }
      break;
    case FL_FRAME_ERROR:
      {
        const char *domain, *message;
        gint32 code;
        g_autoptr(GError) error = NULL;

        g_variant_get (body, "(&si&s)", &domain, &code, &message);
        if (*domain == '\0')
          domain = g_quark_to_string (FL_ERROR);
        error = g_error_new_literal (g_quark_from_string (domain), code, message);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
feed_in_two (FlFrameReader *reader,
             const guint8  *data,
             gsize          size,
             guint8         cut)
{
  gsize first = size == 0 ? 0 : cut % (size + 1);

  fl_frame_reader_feed (reader, data, first);
  fl_frame_reader_feed (reader, data + first, size - first);
}

static void
parent_side (const guint8 *data,
             gsize         size,
             guint8        cut)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_parent, 1 << 16);
  g_autoptr(GError) error = NULL;
  GVariant *body;
  guchar kind;
  guint64 id;

  feed_in_two (reader, data, size, cut);
  while (fl_frame_reader_next (reader, &kind, &id, &body, &error))
    {
      unpack_reply (kind, body);
      g_variant_unref (body);
    }
}

/* Reads all the worker wrote for one job: progress frames, then exactly one result or
 * error, all with the job's id. */
static void
check_replies (int      fd,
               guint64  job_id)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_parent, 0);
  g_autoptr(GError) error = NULL;
  guint finals = 0;
  gssize n;

  while ((n = fl_frame_reader_fill (reader, fd, &error)) > 0)
    ;
  g_assert_true (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
  g_clear_error (&error);

  for (;;)
    {
      g_autoptr(GVariant) body = NULL;
      guchar kind;
      guint64 id;

      if (!fl_frame_reader_next (reader, &kind, &id, &body, &error))
        break;
      g_assert_cmpuint (id, ==, job_id);
      g_assert_cmpint (finals, ==, 0);
      if (kind == FL_FRAME_RESULT || kind == FL_FRAME_ERROR)
        finals++;
      else
        g_assert_cmpint (kind, ==, FL_FRAME_PROGRESS);
      unpack_reply (kind, body);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (fl_frame_reader_get_buffered (reader), ==, 0);
  g_assert_cmpuint (finals, ==, 1);
}

static void
worker_side (const guint8 *data,
             gsize         size,
             guint8        cut)
{
  g_autoptr(FlFrameReader) reader = fl_frame_reader_new (fl_frame_specs_to_worker, 1 << 16);
  g_autoptr(GError) error = NULL;
  int sv[2];
  guint jobs = 0;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  g_unix_set_fd_nonblocking (sv[1], TRUE, NULL);
  feed_in_two (reader, data, size, cut);
  for (;;)
    {
      g_autoptr(GVariant) body = NULL;
      guchar kind;
      guint64 id;

      if (!fl_frame_reader_next (reader, &kind, &id, &body, &error))
        break;
      g_assert_cmpint (kind, ==, FL_FRAME_JOB);
      /* At most a few jobs per input: the point is the parsing, not the kernels. */
      if (++jobs > 8)
        break;
      g_assert_true (run_one (sv[0], id, body));
      check_replies (sv[1], id);
    }
  close (sv[0]);
  close (sv[1]);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  if (size < 2)
    return 0;
  if (data[0] & 1)
    parent_side (data + 2, size - 2, data[1]);
  else
    worker_side (data + 2, size - 2, data[1]);
  return 0;
}
