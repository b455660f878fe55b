/* fl-compute.c: the CPU-bound teaching workloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every kernel checks its cancellable and calls fl_gil_check() every few tens of
 * microseconds, so it stops promptly when asked and, under the simulated GIL, hands the
 * lock over at the switch interval like CPython bytecode would. Progress is reported about
 * a hundred times per job.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "fl-compute.h"
#include "fl-frame.h"
#include "fl-pacing.h"

/* A tile's result (its pixels and a few integers) fits in a worker's frame. */
G_STATIC_ASSERT ((guint64) FL_COMPUTE_MANDELBROT_MAX_PIXELS * 3 + 64 * 1024
                 <= FL_FRAME_DEFAULT_MAX_SIZE);

static gboolean crash_allowed;

/* Primes -------------------------------------------------------------------------------- */

static gboolean
is_prime (guint64 n)
{
  if (n < 2)
    return FALSE;
  if (n % 2 == 0)
    return n == 2;
  for (guint64 d = 3; d * d <= n; d += 2)
    if (n % d == 0)
      return FALSE;
  return TRUE;
}

/**
 * fl_compute_count_primes:
 *
 * Counts the primes below @n by trial division: deliberately the slow classic.
 *
 * Returns: the count; on cancellation 0 with @error set
 */
guint64
fl_compute_count_primes (guint64        n,
                         GCancellable  *cancellable,
                         FlJobProgress *progress,
                         GError       **error)
{
  guint64 count = 0;
  guint64 step = MAX (n / 100, 1);
  guint64 next_report = step;

  for (guint64 i = 0; i < n; i++)
    {
      if (is_prime (i))
        count++;
      if ((i & 511) == 511)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return 0;
          fl_gil_check ();
        }
      if (i == next_report)
        {
          fl_job_progress_report (progress, (double) i / (double) n, 0);
          fl_pacing_chunk ();
          next_report += step;
        }
    }
  return count;
}

static GVariant *
primes_job (GVariant       *args,
            GCancellable   *cancellable,
            FlJobProgress  *progress,
            GError        **error)
{
  guint64 n, count;
  GError *local_error = NULL;

  g_variant_get (args, "(t)", &n);
  count = fl_compute_count_primes (n, cancellable, progress, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  fl_job_progress_report (progress, 1.0, 0);
  return g_variant_new_uint64 (count);
}

/* Iterated SHA-256 ------------------------------------------------------------------------ */

static GVariant *
sha256_job (GVariant       *args,
            GCancellable   *cancellable,
            FlJobProgress  *progress,
            GError        **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *seed;
  guint64 rounds;
  guint8 digest[32];
  gsize length = sizeof digest;
  guint64 step;

  g_variant_get (args, "(&st)", &seed, &rounds);
  if (rounds == 0)
    {
      g_set_error_literal (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                           "sha256 needs at least one round");
      return NULL;
    }
  step = MAX (rounds / 100, 1);

  g_checksum_update (checksum, (const guchar *) seed, strlen (seed));
  g_checksum_get_digest (checksum, digest, &length);
  for (guint64 i = 1; i < rounds; i++)
    {
      g_checksum_reset (checksum);
      g_checksum_update (checksum, digest, sizeof digest);
      length = sizeof digest;
      g_checksum_get_digest (checksum, digest, &length);
      if ((i & 255) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          fl_gil_check ();
        }
      if (i % step == 0)
        {
          fl_job_progress_report (progress, (double) i / (double) rounds, 0);
          fl_pacing_chunk ();
        }
    }

  fl_job_progress_report (progress, 1.0, 0);
  {
    char hex[65];

    for (guint i = 0; i < 32; i++)
      g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
    return g_variant_new_string (hex);
  }
}

/* Mandelbrot ---------------------------------------------------------------------------- */

static void
colour (guint   iterations,
        guint   max_iter,
        double  zr,
        double  zi,
        guint8 *rgb)
{
  double t, smooth;

  if (iterations >= max_iter)
    {
      rgb[0] = rgb[1] = rgb[2] = 0;
      return;
    }
  /* Smooth colouring, then a cheap cosine palette: deep blue to gold. */
  smooth = iterations + 1 - log (log (sqrt (zr * zr + zi * zi))) / G_LN2;
  /* A point that escapes to infinity (huge scales) has no smooth value: use its count.
   * Nothing here may turn NaN into an integer. */
  if (!isfinite (smooth))
    smooth = iterations;
  t = fmod (smooth / 64.0, 1.0);
  if (!(t >= 0))
    t += 1.0;
  rgb[0] = (guint8) (255 * (0.5 + 0.5 * cos (2 * G_PI * (t + 0.00))));
  rgb[1] = (guint8) (255 * (0.5 + 0.5 * cos (2 * G_PI * (t + 0.15))));
  rgb[2] = (guint8) (255 * (0.5 + 0.5 * cos (2 * G_PI * (t + 0.35))));
}

static GVariant *
mandelbrot_job (GVariant       *args,
                GCancellable   *cancellable,
                FlJobProgress  *progress,
                GError        **error)
{
  guint width, height, x0, y0, w, h, max_iter;
  double centre_re, centre_im, scale;
  g_autofree guint8 *pixels = NULL;
  GVariant *result;
  GBytes *bytes;

  g_variant_get (args, "(uuuuuuuddd)", &width, &height, &x0, &y0, &w, &h, &max_iter,
                 &centre_re, &centre_im, &scale);
  if (w == 0 || h == 0 || x0 >= width || y0 >= height || w > width - x0 || h > height - y0
      || (guint64) w * h > FL_COMPUTE_MANDELBROT_MAX_PIXELS || max_iter == 0
      || !(scale > 0) || !isfinite (scale) || !isfinite (centre_re) || !isfinite (centre_im))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                   "Bad Mandelbrot tile %ux%u+%u+%u in %ux%u (at most %u pixels)",
                   w, h, x0, y0, width, height, FL_COMPUTE_MANDELBROT_MAX_PIXELS);
      return NULL;
    }

  pixels = g_malloc ((gsize) w * h * 3);
  for (guint y = 0; y < h; y++)
    {
      double ci = centre_im + ((double) (y0 + y) - height / 2.0) * scale;

      for (guint x = 0; x < w; x++)
        {
          double cr = centre_re + ((double) (x0 + x) - width / 2.0) * scale;
          double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
          guint i = 0;

          while (i < max_iter && zr2 + zi2 <= 256.0)
            {
              zi = 2 * zr * zi + ci;
              zr = zr2 - zi2 + cr;
              zr2 = zr * zr;
              zi2 = zi * zi;
              i++;
            }
          colour (i, max_iter, zr, zi, pixels + ((gsize) y * w + x) * 3);
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      fl_gil_check ();
      fl_job_progress_report (progress, (double) (y + 1) / h, 0);
      fl_pacing_chunk ();
    }

  /* The variant takes its own reference to the pixels. */
  bytes = g_bytes_new_take (g_steal_pointer (&pixels), (gsize) w * h * 3);
  result = g_variant_new ("(uuuu@ay)", x0, y0, w, h,
                          g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE));
  g_bytes_unref (bytes);
  return result;
}

/* Crash ------------------------------------------------------------------------------- */

static GVariant *
crash_job (GVariant       *args,
           GCancellable   *cancellable,
           FlJobProgress  *progress,
           GError        **error)
{
  const char *kind;

  g_variant_get (args, "(&s)", &kind);
  if (!crash_allowed)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_NOT_SUPPORTED,
                   "The crash job (“%s”) runs only in a worker process: here it would take "
                   "the whole program down", kind);
      return NULL;
    }

  if (g_str_equal (kind, "segv"))
    {
      /* The signal a wild pointer gets, without the wild pointer: a sanitizer build would
       * catch a real null store and exit(1), and the lesson is a process killed by
       * signal 11. The default action goes back first for the same reason. */
      struct sigaction action = { 0 };

      action.sa_handler = SIG_DFL;
      sigaction (SIGSEGV, &action, NULL);
      raise (SIGSEGV);
    }
  else if (g_str_equal (kind, "abort"))
    abort ();
  else if (g_str_equal (kind, "exit"))
    {
      fprintf (stderr, "crash: exiting with status 3\n");
      _exit (3);
    }
  else if (g_str_equal (kind, "kill"))
    raise (SIGKILL);
  else if (g_str_equal (kind, "stuck"))
    {
      signal (SIGTERM, SIG_IGN);
      fl_job_progress_report (progress, 0.5, 0);
      for (;;)
        pause ();
    }
  else if (g_str_equal (kind, "noise"))
    {
      printf ("noise on stdout\n");
      fflush (stdout);
      fprintf (stderr, "noise on stderr\n");
      return g_variant_new_string ("noise");
    }

  g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
               "Unknown crash kind “%s” (segv, abort, exit, kill, stuck, noise)", kind);
  return NULL;
}

/* Registration and arguments -------------------------------------------------------------- */

static const FlJobInfo compute_jobs[] = {
  { FL_COMPUTE_PRIMES_JOB, "(t)", primes_job, NULL, NULL,
    "Count the primes below N by trial division" },
  { FL_COMPUTE_SHA256_JOB, "(st)", sha256_job, NULL, NULL,
    "Hash a seed with SHA-256, then the digest, N times" },
  { FL_COMPUTE_MANDELBROT_JOB, "(uuuuuuuddd)", mandelbrot_job, NULL, NULL,
    "Compute one tile of the Mandelbrot set as RGB pixels" },
  { FL_COMPUTE_CRASH_JOB, "(s)", crash_job, NULL, NULL,
    "Kill the worker process running it (segv, abort, exit, kill, stuck, noise)" },
};

void
fl_compute_register_jobs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (compute_jobs); i++)
    fl_job_registry_register (&compute_jobs[i]);
  /* Slow motion wraps these kernels; a worker process registers it with them. */
  fl_pacing_register_job ();
}

/**
 * fl_compute_allow_crash:
 *
 * Lets the crash job do its work. Only futures-lab-worker calls this: anywhere else the
 * job fails with %FL_ERROR_NOT_SUPPORTED instead of killing the app.
 */
void
fl_compute_allow_crash (gboolean allow)
{
  crash_allowed = allow;
}

GVariant *
fl_compute_primes_args (guint64 n)
{
  return g_variant_new ("(t)", n);
}

GVariant *
fl_compute_sha256_args (const char *seed,
                        guint64     rounds)
{
  return g_variant_new ("(st)", seed, rounds);
}

/**
 * fl_compute_mandelbrot_args:
 *
 * A tile of the classic full view of the set, centred at -0.6 + 0i.
 */
GVariant *
fl_compute_mandelbrot_args (guint width,
                            guint height,
                            guint x,
                            guint y,
                            guint w,
                            guint h,
                            guint max_iter)
{
  double scale = MAX (3.2 / MAX (width, 1), 2.4 / MAX (height, 1));

  return g_variant_new ("(uuuuuuuddd)", width, height, x, y, w, h, max_iter, -0.6, 0.0, scale);
}

/* The grid of @n_tiles tiles, as square as @n_tiles allows. */
static void
tile_grid (guint  width,
           guint  height,
           guint  n_tiles,
           guint *cols,
           guint *rows)
{
  *cols = 1;
  for (guint c = 1; c * c <= n_tiles; c++)
    if (n_tiles % c == 0)
      *cols = c;
  *rows = n_tiles / *cols;
  if (width > height)
    {
      guint swap = *cols;

      *cols = *rows;
      *rows = swap;
    }
}

/* The pixels of the largest tile of that grid. */
static guint64
largest_tile (guint width,
              guint height,
              guint n_tiles)
{
  guint cols, rows;

  tile_grid (width, height, n_tiles, &cols, &rows);
  return (guint64) ((width + cols - 1) / cols) * ((height + rows - 1) / rows);
}

/**
 * fl_compute_mandelbrot_tiles:
 * @n_tiles: how many tiles, exactly: a grid as square as @n_tiles allows
 *
 * Returns: (transfer full) (element-type GVariant): the arguments of each tile, row by row
 */
GPtrArray *
fl_compute_mandelbrot_tiles (guint width,
                             guint height,
                             guint n_tiles,
                             guint max_iter)
{
  GPtrArray *tiles = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  guint cols, rows;

  g_return_val_if_fail (n_tiles > 0 && n_tiles <= width && n_tiles <= height, tiles);

  tile_grid (width, height, n_tiles, &cols, &rows);

  for (guint r = 0; r < rows; r++)
    for (guint c = 0; c < cols; c++)
      {
        guint x = width * c / cols, x_end = width * (c + 1) / cols;
        guint y = height * r / rows, y_end = height * (r + 1) / rows;

        g_ptr_array_add (tiles, g_variant_ref_sink (
          fl_compute_mandelbrot_args (width, height, x, y, x_end - x, y_end - y, max_iter)));
      }
  return tiles;
}

/**
 * fl_compute_mandelbrot_unpack:
 * @rgb: (out) (transfer full): w*h*3 bytes, rows top to bottom
 *
 * Reads a mandelbrot job's result, checking that its pixels fill the tile.
 */
gboolean
fl_compute_mandelbrot_unpack (GVariant  *result,
                              guint     *x,
                              guint     *y,
                              guint     *w,
                              guint     *h,
                              GBytes   **rgb)
{
  g_autoptr(GVariant) pixels = NULL;

  if (result == NULL || !g_variant_is_of_type (result, G_VARIANT_TYPE ("(uuuuay)")))
    return FALSE;
  g_variant_get (result, "(uuuu@ay)", x, y, w, h, &pixels);
  if ((guint64) *w * *h * 3 != g_variant_get_size (pixels))
    return FALSE;
  *rgb = g_variant_get_data_as_bytes (pixels);
  return TRUE;
}

GVariant *
fl_compute_crash_args (const char *kind)
{
  return g_variant_new ("(s)", kind);
}

/* Workloads and modes, shared by the CLI, the benchmark and the Compute page ------------ */

static const char *const kernel_names[] = { "primes", "sha256", "mandelbrot" };
static const char *const mode_names[] = { "sequential", "threads", "gil", "processes" };

gboolean
fl_compute_kernel_from_string (const char      *text,
                               FlComputeKernel *kernel)
{
  for (guint i = 0; i < G_N_ELEMENTS (kernel_names); i++)
    if (g_strcmp0 (text, kernel_names[i]) == 0)
      {
        *kernel = (FlComputeKernel) i;
        return TRUE;
      }
  return FALSE;
}

const char *
fl_compute_kernel_to_string (FlComputeKernel kernel)
{
  g_return_val_if_fail (kernel <= FL_COMPUTE_MANDELBROT, NULL);
  return kernel_names[kernel];
}

const char *
fl_compute_kernel_job_name (FlComputeKernel kernel)
{
  /* The job names are the kernel names. */
  return fl_compute_kernel_to_string (kernel);
}

/**
 * fl_compute_kernel_default_size:
 *
 * A size that makes one job take about 0.2 s on the reference machine; for Mandelbrot
 * that is for 8 tiles of the image.
 */
guint64
fl_compute_kernel_default_size (FlComputeKernel kernel)
{
  switch (kernel)
    {
    case FL_COMPUTE_PRIMES:
      return FL_COMPUTE_PRIMES_DEFAULT_N;
    case FL_COMPUTE_SHA256:
      return FL_COMPUTE_SHA256_DEFAULT_ROUNDS;
    case FL_COMPUTE_MANDELBROT:
      return FL_COMPUTE_MANDELBROT_DEFAULT_SIDE;
    default:
      g_return_val_if_reached (0);
    }
}

gboolean
fl_compute_mode_from_string (const char    *text,
                             FlComputeMode *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (text, mode_names[i]) == 0)
      {
        *mode = (FlComputeMode) i;
        return TRUE;
      }
  return FALSE;
}

const char *
fl_compute_mode_to_string (FlComputeMode mode)
{
  g_return_val_if_fail (mode <= FL_COMPUTE_PROCESSES, NULL);
  return mode_names[mode];
}

/**
 * fl_compute_workload:
 * @n_jobs: how many jobs
 * @size: the kernel's size (see #FlComputeKernel); 0 for the default
 *
 * The arguments of @n_jobs equal jobs of @kernel (Mandelbrot: the @n_jobs tiles of a
 * @size × @size image, row by row).
 *
 * Returns: (transfer full) (element-type GVariant): the arguments, or %NULL with @error
 */
GPtrArray *
fl_compute_workload (FlComputeKernel   kernel,
                     guint             n_jobs,
                     guint64           size,
                     GError          **error)
{
  GPtrArray *args;

  if (size == 0)
    size = fl_compute_kernel_default_size (kernel);
  if (n_jobs == 0)
    {
      g_set_error_literal (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT, "No jobs to run");
      return NULL;
    }

  if (kernel == FL_COMPUTE_MANDELBROT)
    {
      if (size < n_jobs || size > 4096)
        {
          g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                       "A Mandelbrot image of side %" G_GUINT64_FORMAT " cannot be cut into "
                       "%u tiles (the side must be %u to 4096)", size, n_jobs, n_jobs);
          return NULL;
        }
      if (largest_tile ((guint) size, (guint) size, n_jobs) > FL_COMPUTE_MANDELBROT_MAX_PIXELS)
        {
          guint fewest = n_jobs;

          while (fewest < size
                 && largest_tile ((guint) size, (guint) size, fewest)
                    > FL_COMPUTE_MANDELBROT_MAX_PIXELS)
            fewest++;
          g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "A %u px image in %u tile makes tiles "
                                    "too big for one job (at most %u pixels, what a worker "
                                    "process sends back at once): use at least %u jobs",
                                    "A %u px image in %u tiles makes tiles "
                                    "too big for one job (at most %u pixels, what a worker "
                                    "process sends back at once): use at least %u jobs",
                                    n_jobs),
                       (guint) size, n_jobs, FL_COMPUTE_MANDELBROT_MAX_PIXELS, fewest);
          return NULL;
        }
      return fl_compute_mandelbrot_tiles ((guint) size, (guint) size, n_jobs,
                                          FL_COMPUTE_MANDELBROT_MAX_ITER);
    }

  args = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  for (guint i = 0; i < n_jobs; i++)
    {
      if (kernel == FL_COMPUTE_PRIMES)
        g_ptr_array_add (args, g_variant_ref_sink (fl_compute_primes_args (size)));
      else
        {
          g_autofree char *seed = g_strdup_printf ("futures-lab-%u", i);

          g_ptr_array_add (args, g_variant_ref_sink (fl_compute_sha256_args (seed, size)));
        }
    }
  return args;
}

/**
 * fl_compute_executor_new:
 * @workers: threads or processes; 0 for one per core (ignored when sequential)
 * @strict: for processes: break the pool on the first dead worker
 *
 * Returns: (transfer full): the executor of @mode
 */
FlExecutor *
fl_compute_executor_new (FlComputeMode mode,
                         guint         workers,
                         gboolean      strict)
{
  FlExecutor *executor;

  if (workers == 0)
    workers = g_get_num_processors ();

  switch (mode)
    {
    case FL_COMPUTE_SEQUENTIAL:
      return fl_inline_executor_new ();
    case FL_COMPUTE_THREADS:
      return fl_thread_executor_new (workers);
    case FL_COMPUTE_GIL:
      executor = fl_thread_executor_new (workers);
      fl_thread_executor_set_gil (FL_THREAD_EXECUTOR (executor), TRUE);
      return executor;
    case FL_COMPUTE_PROCESSES:
      return fl_process_executor_new_full (workers, strict, NULL);
    default:
      g_return_val_if_reached (NULL);
    }
}
