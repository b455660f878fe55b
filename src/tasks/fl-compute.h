/* fl-compute.h: CPU-bound kernels as jobs (primes, iterated SHA-256, Mandelbrot) and crash
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "futures-lab-engine.h"

G_BEGIN_DECLS

/* Registered job names and their arguments:
 *   primes      (t)           count the primes below N by trial division; returns t
 *   sha256      (st)          hash the seed, then the digest, N times; returns s (hex)
 *   mandelbrot  (uuuuuuuddd)  image width, height, tile x, y, w, h, max iterations,
 *                             centre re, centre im, units per pixel; returns
 *                             (uuuuay): tile x, y, w, h and w*h*3 bytes of RGB
 *   crash       (s)           end the worker process: "segv", "abort", "exit", "kill",
 *                             "stuck" (ignores SIGTERM and waits), "noise" (writes to
 *                             stdout and stderr, then returns "noise") */
#define FL_COMPUTE_PRIMES_JOB     "primes"
#define FL_COMPUTE_SHA256_JOB     "sha256"
#define FL_COMPUTE_MANDELBROT_JOB "mandelbrot"
#define FL_COMPUTE_CRASH_JOB      "crash"

/* About 0.2 s per job on the reference machine (2 cores, see docs/BENCHMARKS.md). */
#define FL_COMPUTE_PRIMES_DEFAULT_N        1600000
#define FL_COMPUTE_SHA256_DEFAULT_ROUNDS   360000
#define FL_COMPUTE_MANDELBROT_DEFAULT_SIDE 1280
#define FL_COMPUTE_MANDELBROT_MAX_ITER     2000
/* The most pixels one tile (one job) may have: its result, 3 bytes a pixel, must fit in one
 * frame from a worker process (16 MiB), so a tile runs in every mode or in none. A
 * 4096 × 4096 image needs at least 4 tiles. */
#define FL_COMPUTE_MANDELBROT_MAX_PIXELS   (5 * 1024 * 1024)

/**
 * FlComputeKernel:
 * @FL_COMPUTE_PRIMES: count primes below N (size: N)
 * @FL_COMPUTE_SHA256: iterated SHA-256 (size: rounds)
 * @FL_COMPUTE_MANDELBROT: one tile per job of a square image (size: the image side)
 */
typedef enum
{
  FL_COMPUTE_PRIMES,
  FL_COMPUTE_SHA256,
  FL_COMPUTE_MANDELBROT,
} FlComputeKernel;

/**
 * FlComputeMode:
 * @FL_COMPUTE_SEQUENTIAL: inline on the calling thread (on the main thread: freezes it)
 * @FL_COMPUTE_THREADS: a thread pool
 * @FL_COMPUTE_GIL: a thread pool under the simulated GIL
 * @FL_COMPUTE_PROCESSES: a process pool
 */
typedef enum
{
  FL_COMPUTE_SEQUENTIAL,
  FL_COMPUTE_THREADS,
  FL_COMPUTE_GIL,
  FL_COMPUTE_PROCESSES,
} FlComputeMode;

gboolean    fl_compute_kernel_from_string (const char      *text,
                                           FlComputeKernel *kernel);
const char *fl_compute_kernel_to_string   (FlComputeKernel  kernel);
const char *fl_compute_kernel_job_name    (FlComputeKernel  kernel);
guint64     fl_compute_kernel_default_size (FlComputeKernel kernel);
gboolean    fl_compute_mode_from_string   (const char      *text,
                                           FlComputeMode   *mode);
const char *fl_compute_mode_to_string     (FlComputeMode    mode);

GPtrArray  *fl_compute_workload           (FlComputeKernel  kernel,
                                           guint            n_jobs,
                                           guint64          size,
                                           GError         **error);
FlExecutor *fl_compute_executor_new       (FlComputeMode    mode,
                                           guint            workers,
                                           gboolean         strict);

void      fl_compute_register_jobs      (void);
void      fl_compute_allow_crash        (gboolean allow);

guint64   fl_compute_count_primes       (guint64        n,
                                         GCancellable  *cancellable,
                                         FlJobProgress *progress,
                                         GError       **error);

GVariant *fl_compute_primes_args        (guint64        n);
GVariant *fl_compute_sha256_args        (const char    *seed,
                                         guint64        rounds);
GVariant *fl_compute_mandelbrot_args    (guint          width,
                                         guint          height,
                                         guint          x,
                                         guint          y,
                                         guint          w,
                                         guint          h,
                                         guint          max_iter);
GPtrArray *fl_compute_mandelbrot_tiles  (guint          width,
                                         guint          height,
                                         guint          n_tiles,
                                         guint          max_iter);
gboolean  fl_compute_mandelbrot_unpack  (GVariant      *result,
                                         guint         *x,
                                         guint         *y,
                                         guint         *w,
                                         guint         *h,
                                         GBytes       **rgb);
GVariant *fl_compute_crash_args         (const char    *kind);

G_END_DECLS
