/* fl-loiter.c: the transcript of the classic demo_executor_map.py, from a real run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "doing nothing" and "done" lines come from the futures' transitions, stamped with
 * the time each really happened on its worker. Transitions reach the main loop in batches
 * (and a job that finished fast shows up already done), so they are read from the futures,
 * with the times they carry, and said in the order they happened.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fl-loiter.h"

struct _FlLoiterTranscript
{
  GPtrArray       *futures;    /* FlFuture, in submission order */
  guint            unit_ms;
  guint8          *said;       /* per future: 1 start said, 2 done said */
  FlLoiterSayFunc  say;
  gpointer         user_data;
};

typedef struct
{
  gint64 time;
  guint  index;
  guint  n;
  int    event;
} Line;

/**
 * fl_loiter_transcript_new:
 * @futures: the run's futures, in submission order (a reference is kept)
 * @unit_ms: the length of one loiter unit
 * @say: called for each line
 *
 * Returns: (transfer full): a transcript that has said nothing yet
 */
FlLoiterTranscript *
fl_loiter_transcript_new (GPtrArray       *futures,
                          guint            unit_ms,
                          FlLoiterSayFunc  say,
                          gpointer         user_data)
{
  FlLoiterTranscript *self = g_new0 (FlLoiterTranscript, 1);

  self->futures = g_ptr_array_ref (futures);
  self->unit_ms = unit_ms;
  self->said = g_new0 (guint8, futures->len);
  self->say = say;
  self->user_data = user_data;
  return self;
}

void
fl_loiter_transcript_free (FlLoiterTranscript *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->futures);
  g_free (self->said);
  g_free (self);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  const Line *x = a, *y = b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->event - y->event;
}

/**
 * fl_loiter_transcript_catch_up:
 *
 * Says every transition that has happened and was not said yet, in the order it happened.
 */
void
fl_loiter_transcript_catch_up (FlLoiterTranscript *self)
{
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (Line));

  for (guint i = 0; i < self->futures->len; i++)
    {
      FlFuture *future = g_ptr_array_index (self->futures, i);
      Line line = { 0, i, fl_loiter_n (future), 0 };

      if (fl_future_get_started_time (future) <= 0)
        continue;
      if (self->said[i] == 0)
        {
          line.time = fl_future_get_started_time (future);
          line.event = FL_LOITER_STARTED;
          g_array_append_val (lines, line);
        }
      if (self->said[i] < FL_LOITER_DONE && fl_future_is_done (future))
        {
          line.time = fl_future_get_finished_time (future);
          line.event = FL_LOITER_DONE;
          g_array_append_val (lines, line);
        }
    }
  g_array_sort (lines, compare_lines);

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);
      g_autofree char *tabs = g_strnfill (line->n, '\t');
      g_autofree char *text = NULL;

      self->said[line->index] = (guint8) line->event;
      if (line->event == FL_LOITER_STARTED)
        text = g_strdup_printf (_("%sloiter(%u): doing nothing for %u×%u ms…"),
                                tabs, line->n, line->n, self->unit_ms);
      else
        text = g_strdup_printf (_("%sloiter(%u): done."), tabs, line->n);
      self->say (line->time, line->event, line->index, line->n, text, self->user_data);
    }
}

/**
 * fl_loiter_args:
 *
 * Returns: (transfer container): the arguments of loiter(0) … loiter(jobs - 1), or the
 *   reverse when @longest_first, each a (uu) held by the array
 */
GPtrArray *
fl_loiter_args (guint    jobs,
                guint    unit_ms,
                gboolean longest_first)
{
  GPtrArray *args = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  for (guint i = 0; i < jobs; i++)
    {
      guint n = longest_first ? jobs - 1 - i : i;

      g_ptr_array_add (args, g_variant_ref_sink (g_variant_new ("(uu)", n, unit_ms)));
    }
  return args;
}

guint
fl_loiter_n_of (GVariant *args)
{
  guint n, unit;

  g_variant_get (args, "(uu)", &n, &unit);
  return n;
}

guint
fl_loiter_n (FlFuture *future)
{
  return fl_loiter_n_of (fl_future_get_args (future));
}

/* What the consumer says of a result: map() knows results by position, as_completed()
 * by the job that made them. */
char *
fl_loiter_result_text (gboolean is_map,
                       guint    index,
                       guint    n,
                       guint    value)
{
  if (is_map)
    return g_strdup_printf (_("result %u: %u"), index, value);
  return g_strdup_printf (_("result of loiter(%u): %u"), n, value);
}

/**
 * fl_loiter_stamp:
 *
 * Returns: "[HH:MM:SS.mmm]" for a monotonic time, as Python's datetime.now() would print it
 */
char *
fl_loiter_stamp (gint64 monotonic)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add (now, monotonic - g_get_monotonic_time ());
  g_autofree char *hms = g_date_time_format (then, "%H:%M:%S");

  return g_strdup_printf ("[%s.%03d]", hms, g_date_time_get_microsecond (then) / 1000);
}
