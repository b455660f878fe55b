/* test-slow-motion.c: a run's time scale stretches its workloads, never the times it reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test runs the same small workload at ×1 and at ×0.1 side by side and compares the
 * two: the slowed run takes several times as long in wall time, and the times its spans
 * report are about those of the real-time run. No absolute time is asserted, only ratios
 * between the two runs of one test, loose enough for a machine with CPU hogs beside it.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "futures-lab-engine.h"
#include "futures-lab-server.h"
#include "futures-lab-tasks.h"
#include "fl-test-utils.h"

#define N_JOBS 4

static const char *const codes[N_JOBS] = { "cn", "in", "us", "br" };

typedef struct
{
  double wall;          /* s */
  double elapsed;       /* s, as the run reports it */
  double mean_run;      /* µs, the spans' mean started → finished */
  guint  ok;
} Measured;

typedef GVariant *(*ArgsFunc) (guint i, gpointer data);

static void
measure (double       scale,
         const char  *job,
         ArgsFunc     args_func,
         gpointer     data,
         guint        workers,
         Measured    *m,
         FlRun      **run_out)
{
  g_autoptr(FlRun) run = fl_run_new ("threads", "threads", fl_thread_executor_new (workers));
  FlSpans *spans = fl_run_get_spans (run);
  gint64 start = g_get_monotonic_time ();
  guint n = 0;
  FlTally tally;

  fl_run_set_time_scale (run, scale);
  g_assert_cmpfloat (fl_run_get_time_scale (run), ==, scale);
  for (guint i = 0; i < N_JOBS; i++)
    g_assert_nonnull (fl_run_submit (run, job, args_func (i, data), codes[i], NULL));
  fl_run_commit (run);
  fl_test_spin_until (fl_run_is_complete (run), 30000);
  m->wall = (g_get_monotonic_time () - start) / 1e6;
  m->elapsed = fl_run_get_elapsed (run);

  m->mean_run = 0;
  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);

      g_assert_cmpint (span->started, >=, 0);
      g_assert_cmpint (span->finished, >=, span->started);
      m->mean_run += span->finished - span->started;
      n++;
    }
  g_assert_cmpuint (n, ==, N_JOBS);
  m->mean_run /= n;
  fl_run_get_tally (run, &tally);
  m->ok = tally.ok;
  if (run_out != NULL)
    *run_out = g_steal_pointer (&run);
}

/* The slowed run took about 1/scale as long in wall time; what it reports is about the
 * real one. Bounds that a loaded machine cannot break: a sleep (or the server's delay) of
 * @nominal_us never ends early, so the slowed run's wall time is at least 5 × @nominal_us
 * and what it reports at least the nominal time; and what is not stretched (thread
 * wake-ups, a busy machine's waits) is scaled back, so it reports no more than the real
 * run, within @factor. Nothing compares the real run's own time with a threshold. */
static void
assert_slowed_alike (const Measured *real,
                     const Measured *slow,
                     double          nominal_us,
                     double          factor)
{
  g_test_message ("wall %.3f s → %.3f s, reported %.3f s → %.3f s, mean run %.0f µs → %.0f µs",
                  real->wall, slow->wall, real->elapsed, slow->elapsed, real->mean_run,
                  slow->mean_run);
  g_assert_cmpuint (real->ok, ==, N_JOBS);
  g_assert_cmpuint (slow->ok, ==, N_JOBS);
  g_assert_cmpfloat (slow->wall * 1e6, >=, 5 * nominal_us);
  g_assert_cmpfloat (slow->mean_run, >=, 0.9 * nominal_us);
  g_assert_cmpfloat (slow->mean_run, <, factor * MAX (real->mean_run, nominal_us));
  g_assert_cmpfloat (slow->elapsed * 1e6, >=, 0.9 * nominal_us);
  g_assert_cmpfloat (slow->elapsed, <, factor * MAX (real->elapsed, nominal_us / 1e6));
}

static GVariant *
sleep_args (guint    i,
            gpointer data)
{
  return g_variant_new ("(u)", 40);
}

static void
test_sleep (void)
{
  Measured real, slow;
  g_autoptr(FlRun) run = NULL;
  g_autofree char *text = NULL;

  measure (1.0, "sleep", sleep_args, NULL, N_JOBS, &real, NULL);
  measure (0.1, "sleep", sleep_args, NULL, N_JOBS, &slow, &run);
  assert_slowed_alike (&real, &slow, 40 * 1000, 2);

  /* The run says so, and its trace carries the scale. */
  text = fl_run_format_time_scale (run);
  g_assert_cmpstr (text, ==, "slow motion ×0.1");
  g_assert_cmpstr (fl_trace_get_metadata (fl_run_get_trace (run), "time-scale"), ==, "0.1");
}

typedef struct
{
  const char *base;
  const char *dir;
} Download;

static GVariant *
download_args (guint    i,
               gpointer data)
{
  Download *d = data;

  return fl_download_args_new (codes[i], d->base, d->dir, 0, N_JOBS);
}

static void
test_download (void)
{
  g_autoptr(FlFaultConfig) config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
  g_autoptr(FlFlagServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-slow-XXXXXX", NULL);
  Measured real, slow;
  Download d;

  config->delay_min_ms = config->delay_max_ms = 100;
  server = fl_flag_server_new (config);
  g_assert_true (fl_flag_server_start (server, &error));
  g_assert_no_error (error);
  base = fl_flag_server_dup_base_url (server);
  d = (Download) { base, dir };
  fl_download_session_prepare (N_JOBS);

  /* A first run opens the connections, which a loaded machine makes slow. What is left
   * besides the delay (the client's and the server's own work) is not stretched, so the
   * slowed run reports a tenth of it: the bound is looser than for sleeps. */
  measure (1.0, FL_DOWNLOAD_JOB, download_args, &d, N_JOBS, &real, NULL);
  measure (1.0, FL_DOWNLOAD_JOB, download_args, &d, N_JOBS, &real, NULL);
  measure (0.1, FL_DOWNLOAD_JOB, download_args, &d, N_JOBS, &slow, NULL);
  assert_slowed_alike (&real, &slow, 100 * 1000, 3);

  for (guint i = 0; i < N_JOBS; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.gif", codes[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
  fl_flag_server_stop (server);
}

static GVariant *
primes_args (guint    i,
             gpointer data)
{
  return fl_compute_primes_args (200000);
}

/* A CPU-bound kernel cannot be given less work: it runs paced, pausing after each chunk,
 * and gives the same result. Its timing is the benchmark's (bench-slow-motion): on a
 * machine with CPU hogs a kernel at ×1 waits for a core, and a paced one, mostly asleep,
 * is favoured by the scheduler, so no ratio of the two is stable enough for a test. */
static void
test_compute (void)
{
  g_autoptr(FlRun) real = NULL;
  g_autoptr(FlRun) slow = NULL;
  Measured m;

  measure (1.0, FL_COMPUTE_PRIMES_JOB, primes_args, NULL, 1, &m, &real);
  measure (0.1, FL_COMPUTE_PRIMES_JOB, primes_args, NULL, 1, &m, &slow);
  g_assert_cmpuint (m.ok, ==, N_JOBS);
  for (guint i = 0; i < N_JOBS; i++)
    {
      g_autoptr(FlFuture) a = g_list_model_get_item (G_LIST_MODEL (real), i);
      g_autoptr(FlFuture) b = g_list_model_get_item (G_LIST_MODEL (slow), i);

      g_assert_cmpstr (fl_future_get_job_name (a), ==, FL_COMPUTE_PRIMES_JOB);
      g_assert_cmpstr (fl_future_get_job_name (b), ==, FL_PACED_JOB);
      g_assert_true (g_variant_equal (fl_future_peek_result (a), fl_future_peek_result (b)));
    }
}

static gboolean
first_started (FlRun *run)
{
  const FlSpan *span;

  fl_spans_update (fl_run_get_spans (run));
  span = fl_spans_get (fl_run_get_spans (run), 0);
  return span != NULL && span->started >= 0;
}

/* Cancelling a paced kernel cuts its pause short: the run ends cancelled, not after its
 * stretched time (bounded by the spin, which fails rather than waits). */
static void
test_compute_cancel (void)
{
  g_autoptr(FlRun) run = fl_run_new ("threads", "threads", fl_thread_executor_new (1));

  fl_run_set_time_scale (run, 0.1);
  g_assert_nonnull (fl_run_submit (run, FL_COMPUTE_PRIMES_JOB,
                                   fl_compute_primes_args (G_GUINT64_CONSTANT (1) << 40),
                                   "huge", NULL));
  fl_run_commit (run);
  fl_test_spin_until (first_started (run), 10000);
  fl_run_cancel (run);
  fl_test_spin_until (fl_run_is_complete (run), 10000);
  g_assert_cmpuint (fl_run_get_n_cancelled (run), ==, 1);
}

/* A slowed run saved and opened again is slowed too: same scale, same spans, same time. */
static void
test_saved_and_replayed (void)
{
  g_autoptr(FlRun) run = NULL;
  g_autoptr(FlRun) replay = NULL;
  g_autoptr(FlTrace) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  FlSpans *spans, *replayed;
  Measured slow;
  gsize length = 0;

  measure (0.1, "sleep", sleep_args, NULL, N_JOBS, &slow, &run);
  json = fl_trace_to_chrome_json (fl_run_get_trace (run), &length);
  loaded = fl_trace_load_from_data (json, (gssize) length, "slowed.json", &error);
  g_assert_no_error (error);
  replay = fl_run_new_for_trace (loaded);
  g_assert_cmpfloat (fl_run_get_time_scale (replay), ==, 0.1);

  spans = fl_run_get_spans (run);
  replayed = fl_run_get_spans (replay);
  g_assert_cmpuint (fl_spans_get_n_spans (replayed), ==, fl_spans_get_n_spans (spans));
  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *a = fl_spans_get (spans, i);
      const FlSpan *b = fl_spans_get (replayed, i);

      g_assert_cmpint (a->queued, ==, b->queued);
      g_assert_cmpint (a->started, ==, b->started);
      g_assert_cmpint (a->finished, ==, b->finished);
    }
  /* The replay's elapsed time is its last event, in the same real units. */
  g_assert_cmpfloat (fl_run_get_elapsed (replay), <=, fl_run_get_elapsed (run) + 1e-6);
  g_assert_cmpfloat (fl_run_get_elapsed (replay), >, fl_run_get_elapsed (run) / 2);
}

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  double scale = 0;

  g_assert_true (fl_time_scale_parse ("0.1", &scale, NULL));
  g_assert_cmpfloat (scale, ==, 0.1);
  g_assert_true (fl_time_scale_parse ("×0.5", &scale, NULL));
  g_assert_cmpfloat (scale, ==, 0.5);
  g_assert_true (fl_time_scale_parse ("1", &scale, NULL));
  g_assert_cmpfloat (scale, ==, 1.0);
  g_assert_false (fl_time_scale_parse ("0.3", &scale, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_false (fl_time_scale_parse ("2", &scale, NULL));
  g_assert_false (fl_time_scale_parse ("", &scale, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fl_jobs_register_builtins ();
  fl_compute_register_jobs ();
  fl_download_register_job ();

  g_test_add_func ("/tasks/slow-motion/sleep-reports-real-durations", test_sleep);
  g_test_add_func ("/tasks/slow-motion/download-server-delay-stretched", test_download);
  g_test_add_func ("/tasks/slow-motion/compute-paced", test_compute);
  g_test_add_func ("/tasks/slow-motion/compute-cancel-cuts-the-pause", test_compute_cancel);
  g_test_add_func ("/tasks/slow-motion/saved-and-replayed-with-scale", test_saved_and_replayed);
  g_test_add_func ("/tasks/slow-motion/parse", test_parse);

  return g_test_run ();
}
