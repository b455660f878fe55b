/* fl-pacing.c: slow motion for CPU-bound jobs: a pause after each chunk of work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sleep is slowed by sleeping longer and a download by a longer server delay, but a
 * CPU-bound kernel cannot be slowed by giving it less work: its result would change. The
 * "paced" job runs another job's blocking form on its own thread and, each time that job
 * ends a chunk (fl_pacing_chunk(), called where the kernels report progress) that took c
 * seconds, waits c × (1/scale − 1) more, so the job takes 1/scale as long and its bar and
 * progress grow at the slowed pace. What is left when the job returns (a kernel that
 * reports no chunks: spin) is paced once at its end. The wait is cancellable and keeps a
 * simulated GIL held: a slowed CPU-bound thread still holds it, as the real one would.
 */
#include "config.h"

#include "fl-pacing.h"

typedef struct
{
  double        scale;
  GCancellable *cancellable;
  gint64        mark;          /* when the last chunk ended (after its pause) */
  gint64        owed;          /* µs of pause not yet taken; negative after an overshoot */
  gboolean      cancelled;
} Pace;

static GPrivate current_pace;   /* Pace *, borrowed: set while a paced job runs */

/* Waits @us or until @cancellable fires; returns FALSE if it did. */
static gboolean
wait_cancellable (GCancellable *cancellable,
                  gint64        us)
{
  GPollFD pfd;
  int ms = (int) MIN ((us + 999) / 1000, G_MAXINT);

  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pfd))
    {
      g_usleep ((gulong) us);
      return !g_cancellable_is_cancelled (cancellable);
    }
  g_poll (&pfd, 1, ms);
  g_cancellable_release_fd (cancellable);
  return !g_cancellable_is_cancelled (cancellable);
}

static void
pace_now (Pace *pace)
{
  gint64 now = g_get_monotonic_time ();
  gint64 took = now - pace->mark;

  if (pace->cancelled)
    return;
  pace->owed += (gint64) (took * (1.0 / pace->scale - 1.0));
  pace->mark = now;
  /* Pauses shorter than the poll's millisecond are carried to the next chunk. */
  if (pace->owed < 1000)
    return;
  if (!wait_cancellable (pace->cancellable, pace->owed))
    pace->cancelled = TRUE;
  /* A wait that overshot (the poll rounds up to a millisecond) is a credit for the next. */
  now = g_get_monotonic_time ();
  pace->owed -= now - pace->mark;
  pace->mark = now;
}

/**
 * fl_pacing_chunk:
 *
 * A CPU-bound kernel ended a chunk of its work. Inside a paced job (slow motion) this
 * waits as long again as the chunk took, times (1/scale − 1); anywhere else it costs a
 * thread-local read. A cancellation cuts the wait short; the kernel sees it at its next
 * check of its cancellable.
 */
void
fl_pacing_chunk (void)
{
  Pace *pace = g_private_get (&current_pace);

  if (pace != NULL)
    pace_now (pace);
}

static GVariant *
paced_job (GVariant       *args,
           GCancellable   *cancellable,
           FlJobProgress  *progress,
           GError        **error)
{
  g_autoptr(GVariant) inner_args = NULL;
  const FlJobInfo *inner;
  const char *name;
  GVariant *result;
  Pace pace = { 0 };
  Pace *outer;

  g_variant_get (args, "(&sdv)", &name, &pace.scale, &inner_args);
  inner = fl_job_registry_lookup (name);
  if (inner == NULL || inner->func == NULL || g_str_equal (name, FL_PACED_JOB)
      || !(pace.scale > 0 && pace.scale <= 1))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_INVALID_ARGUMENT,
                   "Cannot pace job “%s” at scale %g", name, pace.scale);
      return NULL;
    }

  pace.cancellable = cancellable;
  pace.mark = g_get_monotonic_time ();
  outer = g_private_get (&current_pace);
  g_private_set (&current_pace, &pace);
  result = fl_job_run (name, inner_args, cancellable, progress, error);
  if (result != NULL)
    {
      /* What the kernel did after its last chunk is paced too; a failure is not. */
      pace_now (&pace);
      if (pace.owed > 0 && !pace.cancelled)
        wait_cancellable (cancellable, pace.owed);
    }
  g_private_set (&current_pace, outer);
  return result;
}

static const FlJobInfo paced_job_info = {
  FL_PACED_JOB, "(sdv)", paced_job, NULL, NULL,
  "Run another job in slow motion: after each chunk of its work, pause (1/scale - 1) times "
  "as long",
};

void
fl_pacing_register_job (void)
{
  fl_job_registry_register (&paced_job_info);
}

/**
 * fl_pacing_args_new:
 * @job_name: a registered job with a blocking form
 * @scale: the run's time scale, in (0, 1]
 * @args: (transfer floating): that job's arguments
 *
 * Returns: (transfer floating): the arguments of a paced job running @job_name
 */
GVariant *
fl_pacing_args_new (const char *job_name,
                    double      scale,
                    GVariant   *args)
{
  g_return_val_if_fail (job_name != NULL && args != NULL, NULL);
  return g_variant_new ("(sdv)", job_name, scale, args);
}
