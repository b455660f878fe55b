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
#define FL_COMPUTE_PRIMES_DEFAULT_N        2500000
#define FL_COMPUTE_SHA256_DEFAULT_ROUNDS   400000
#define FL_COMPUTE_MANDELBROT_DEFAULT_SIDE 1024
#define FL_COMPUTE_MANDELBROT_MAX_ITER     2000
#define FL_COMPUTE_MANDELBROT_MAX_PIXELS   (4096 * 4096)

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
