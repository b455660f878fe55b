/* fl-trace.c: an append-only event log written from any thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recording must cost next to nothing on a worker thread, so there is no lock on the hot
 * path: a writer reserves a slot with one atomic add, fills it, and publishes it by
 * setting its `ready` flag. Slots live in fixed-size chunks that are never moved; the
 * table of chunk pointers is allocated once, so readers never see memory move under
 * them. Text (labels, error messages) is copied into a string chunk under a mutex, which
 * only the events that carry text pay for.
 */
#include "config.h"

#include "fl-lock.h"

#include <string.h>

#include "fl-trace.h"

#define CHUNK_SHIFT 12
#define CHUNK_SIZE  (1u << CHUNK_SHIFT)
#define MAX_CHUNKS  (1u << 14)          /* 67 million events */

typedef struct
{
  FlTraceEvent event;
  int          ready;
} Slot;

struct _FlTrace
{
  GObject       parent_instance;

  char         *title;
  gint64        origin;
  double        time_scale;          /* under text_mutex; 1.0 unless slowed */
  Slot        **chunks;              /* MAX_CHUNKS pointers, filled lazily */
  guint         n_reserved;          /* atomic */
  guint         n_dropped;           /* atomic */
  guint         n_marks;             /* atomic */

  FlMutex        text_mutex;
  GStringChunk *strings;
  GHashTable   *metadata;
};

G_DEFINE_FINAL_TYPE (FlTrace, fl_trace, G_TYPE_OBJECT)

static void
fl_trace_finalize (GObject *object)
{
  FlTrace *self = FL_TRACE (object);

  for (guint i = 0; i < MAX_CHUNKS && self->chunks[i] != NULL; i++)
    g_free (self->chunks[i]);
  g_free (self->chunks);
  g_free (self->title);
  g_string_chunk_free (self->strings);
  g_hash_table_unref (self->metadata);
  fl_mutex_clear (&self->text_mutex);

  G_OBJECT_CLASS (fl_trace_parent_class)->finalize (object);
}

static void
fl_trace_class_init (FlTraceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_trace_finalize;
}

static void
fl_trace_init (FlTrace *self)
{
  self->chunks = g_new0 (Slot *, MAX_CHUNKS);
  self->strings = g_string_chunk_new (4096);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fl_mutex_init (&self->text_mutex);
  self->origin = g_get_monotonic_time ();
  self->time_scale = 1.0;
}

/**
 * fl_trace_new:
 * @title: (nullable): what the run was, e.g. "flags · threads × 20"
 *
 * Returns: (transfer full): an empty trace whose origin is now
 */
FlTrace *
fl_trace_new (const char *title)
{
  FlTrace *self = g_object_new (FL_TYPE_TRACE, NULL);

  self->title = g_strdup (title != NULL ? title : "");
  return self;
}

const char *
fl_trace_get_title (FlTrace *self)
{
  g_return_val_if_fail (FL_IS_TRACE (self), NULL);
  return self->title;
}

gint64
fl_trace_get_origin (FlTrace *self)
{
  g_return_val_if_fail (FL_IS_TRACE (self), 0);
  return self->origin;
}

/**
 * fl_trace_set_time_scale:
 * @scale: how fast the run's workloads went, in (0, 1]: 0.1 made every sleep, delay and
 *   chunk of work take ten times as long
 *
 * Says that the recorded times are slowed by @scale, so that #FlSpans folds them back:
 * a span time is origin + (t − origin) × @scale. It is kept in the metadata as
 * "time-scale", so a saved run carries it and a loaded one folds the same. Set it before
 * the first event is recorded.
 */
void
fl_trace_set_time_scale (FlTrace *self,
                         double   scale)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (FL_IS_TRACE (self));
  g_return_if_fail (scale > 0 && scale <= 1);

  fl_mutex_lock (&self->text_mutex);
  self->time_scale = scale;
  fl_mutex_unlock (&self->text_mutex);
  fl_trace_set_metadata (self, "time-scale",
                         scale == 1.0 ? NULL : g_ascii_formatd (text, sizeof text, "%g", scale));
}

/**
 * fl_trace_get_time_scale:
 *
 * Returns: the scale the run's workloads were slowed by (1.0 for real time)
 */
double
fl_trace_get_time_scale (FlTrace *self)
{
  double scale;

  g_return_val_if_fail (FL_IS_TRACE (self), 1.0);

  fl_mutex_lock (&self->text_mutex);
  scale = self->time_scale;
  fl_mutex_unlock (&self->text_mutex);
  return scale;
}

static Slot *
get_chunk (FlTrace *self,
           guint    index)
{
  Slot *chunk = g_atomic_pointer_get (&self->chunks[index]);

  if (chunk == NULL)
    {
      Slot *fresh = g_new0 (Slot, CHUNK_SIZE);

      if (g_atomic_pointer_compare_and_exchange (&self->chunks[index], NULL, fresh))
        chunk = fresh;
      else
        {
          g_free (fresh);
          chunk = g_atomic_pointer_get (&self->chunks[index]);
        }
    }
  return chunk;
}

static const char *
intern_text (FlTrace    *self,
             const char *text)
{
  const char *copy;

  if (text == NULL)
    return NULL;

  fl_mutex_lock (&self->text_mutex);
  copy = g_string_chunk_insert_const (self->strings, text);
  fl_mutex_unlock (&self->text_mutex);
  return copy;
}

/**
 * fl_trace_record:
 *
 * Appends one event; safe and cheap from any thread. Past the capacity (67 million
 * events) events are counted as dropped.
 */
void
fl_trace_record (FlTrace          *self,
                 FlTraceEventKind  kind,
                 guint64           future_id,
                 FlLaneKind        lane_kind,
                 int               lane,
                 FlFutureState     state,
                 gint64            time_us,
                 const char       *text,
                 guint64           bytes)
{
  guint index = (guint) g_atomic_int_add ((int *) &self->n_reserved, 1);
  Slot *slot;

  if (index >= MAX_CHUNKS * CHUNK_SIZE)
    {
      g_atomic_int_inc ((int *) &self->n_dropped);
      return;
    }

  slot = &get_chunk (self, index >> CHUNK_SHIFT)[index & (CHUNK_SIZE - 1)];
  slot->event.time_us = time_us;
  slot->event.future_id = future_id;
  slot->event.kind = kind;
  slot->event.lane_kind = lane_kind;
  slot->event.lane = lane;
  slot->event.state = state;
  slot->event.bytes = bytes;
  slot->event.text = intern_text (self, text);
  g_atomic_int_set (&slot->ready, 1);
}

/**
 * fl_trace_get_n_events:
 *
 * Returns: how many events have been reserved; fl_trace_get_event() may still find the
 *   last few being written
 */
guint
fl_trace_get_n_events (FlTrace *self)
{
  g_return_val_if_fail (FL_IS_TRACE (self), 0);
  return MIN ((guint) g_atomic_int_get ((int *) &self->n_reserved), MAX_CHUNKS * CHUNK_SIZE);
}

/**
 * fl_trace_get_event:
 *
 * Copies event @index into @event.
 *
 * Returns: %FALSE if the event is not fully written yet (or out of range)
 */
gboolean
fl_trace_get_event (FlTrace      *self,
                    guint         index,
                    FlTraceEvent *event)
{
  Slot *chunk;
  Slot *slot;

  g_return_val_if_fail (FL_IS_TRACE (self), FALSE);

  if (index >= fl_trace_get_n_events (self))
    return FALSE;
  chunk = g_atomic_pointer_get (&self->chunks[index >> CHUNK_SHIFT]);
  if (chunk == NULL)
    return FALSE;
  slot = &chunk[index & (CHUNK_SIZE - 1)];
  if (!g_atomic_int_get (&slot->ready))
    return FALSE;
  *event = slot->event;
  return TRUE;
}

void
fl_trace_set_metadata (FlTrace    *self,
                       const char *key,
                       const char *value)
{
  g_return_if_fail (FL_IS_TRACE (self));
  g_return_if_fail (key != NULL);

  fl_mutex_lock (&self->text_mutex);
  if (value != NULL)
    g_hash_table_insert (self->metadata, g_strdup (key), g_strdup (value));
  else
    g_hash_table_remove (self->metadata, key);
  fl_mutex_unlock (&self->text_mutex);
}

/**
 * fl_trace_get_metadata:
 *
 * Returns: (nullable): the value; valid until it is set again
 */
const char *
fl_trace_get_metadata (FlTrace    *self,
                       const char *key)
{
  const char *value;

  g_return_val_if_fail (FL_IS_TRACE (self), NULL);

  fl_mutex_lock (&self->text_mutex);
  value = g_hash_table_lookup (self->metadata, key);
  fl_mutex_unlock (&self->text_mutex);
  return value;
}

GStrv
fl_trace_list_metadata (FlTrace *self)
{
  GStrv keys;

  g_return_val_if_fail (FL_IS_TRACE (self), NULL);

  fl_mutex_lock (&self->text_mutex);
  keys = (GStrv) g_hash_table_get_keys_as_array (self->metadata, NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    keys[i] = g_strdup (keys[i]);
  fl_mutex_unlock (&self->text_mutex);
  return keys;
}

/**
 * fl_trace_record_outcome:
 * @outcome: what the ended future @future_id means to the lesson
 *
 * Records an outcome that the future's state alone does not tell (a FINISHED download that
 * was a 404). Call it once the future has ended; the spans fold it into the future's span.
 */
void
fl_trace_record_outcome (FlTrace   *self,
                         guint64    future_id,
                         FlOutcome  outcome)
{
  g_return_if_fail (FL_IS_TRACE (self));

  fl_trace_record (self, FL_TRACE_OUTCOME, future_id, FL_LANE_NONE, -1,
                   (FlFutureState) outcome, g_get_monotonic_time (), NULL, 0);
}

/**
 * fl_trace_mark_begin:
 * @label: (nullable): what the mark is ("consumer 1 waits", "get() blocks")
 *
 * Starts a mark now: a span of time on a lane that is not a future, as sysprof's marks.
 *
 * Returns: the mark's id, for fl_trace_mark_end()
 */
guint64
fl_trace_mark_begin (FlTrace    *self,
                     FlLaneKind  lane_kind,
                     int         lane,
                     const char *label)
{
  guint64 id;

  g_return_val_if_fail (FL_IS_TRACE (self), 0);

  id = FL_TRACE_MARK_ID_BASE + (guint64) g_atomic_int_add ((int *) &self->n_marks, 1);
  fl_trace_record (self, FL_TRACE_MARK_BEGIN, id, lane_kind, lane, FL_FUTURE_RUNNING,
                   g_get_monotonic_time (), label, 0);
  return id;
}

/**
 * fl_trace_mark_end:
 * @detail: (nullable): what came of it ("got cn")
 */
void
fl_trace_mark_end (FlTrace    *self,
                   guint64     mark_id,
                   const char *detail)
{
  g_return_if_fail (FL_IS_TRACE (self));

  fl_trace_record (self, FL_TRACE_MARK_END, mark_id, FL_LANE_NONE, -1, FL_FUTURE_FINISHED,
                   g_get_monotonic_time (), detail, 0);
}

/**
 * fl_trace_mark:
 * @begin_us: g_get_monotonic_time() when it began
 * @end_us: when it ended
 *
 * Records a whole mark at once, for stretches measured elsewhere (a stall).
 */
void
fl_trace_mark (FlTrace    *self,
               FlLaneKind  lane_kind,
               int         lane,
               gint64      begin_us,
               gint64      end_us,
               const char *label,
               const char *detail)
{
  guint64 id;

  g_return_if_fail (FL_IS_TRACE (self));

  id = FL_TRACE_MARK_ID_BASE + (guint64) g_atomic_int_add ((int *) &self->n_marks, 1);
  fl_trace_record (self, FL_TRACE_MARK_BEGIN, id, lane_kind, lane, FL_FUTURE_RUNNING,
                   begin_us, label, 0);
  fl_trace_record (self, FL_TRACE_MARK_END, id, FL_LANE_NONE, -1, FL_FUTURE_FINISHED,
                   MAX (end_us, begin_us), detail, 0);
}
