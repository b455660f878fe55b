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

#include <json-glib/json-glib.h>
#include <string.h>

#include "fl-enums.h"
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
  Slot        **chunks;              /* MAX_CHUNKS pointers, filled lazily */
  guint         n_reserved;          /* atomic */
  guint         n_dropped;           /* atomic */

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

/* One row per future, built from its events. */
typedef struct
{
  guint64     id;
  const char *label;
  const char *error;
  gint64      queued;
  gint64      started;
  gint64      finished;
  guint64     bytes;
  int         lane;
  guint8      lane_kind;
  guint8      state;
} Row;

static GArray *
collect_rows (FlTrace *self)
{
  guint n = fl_trace_get_n_events (self);
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);  /* id -> row + 1 */

  for (guint i = 0; i < n; i++)
    {
      FlTraceEvent ev;
      gpointer pos;
      Row *row;

      if (!fl_trace_get_event (self, i, &ev))
        continue;

      if (!g_hash_table_lookup_extended (index, GSIZE_TO_POINTER (ev.future_id), NULL, &pos))
        {
          Row fresh = { .id = ev.future_id, .lane = -1 };

          g_array_append_val (rows, fresh);
          pos = GUINT_TO_POINTER (rows->len);
          g_hash_table_insert (index, GSIZE_TO_POINTER (ev.future_id), pos);
        }
      row = &g_array_index (rows, Row, GPOINTER_TO_UINT (pos) - 1);
      row->state = ev.state;
      if (ev.bytes > row->bytes)
        row->bytes = ev.bytes;
      switch (ev.kind)
        {
        case FL_TRACE_SUBMIT:
          row->queued = ev.time_us;
          row->label = ev.text;
          break;
        case FL_TRACE_START:
          row->started = ev.time_us;
          row->lane = ev.lane;
          row->lane_kind = ev.lane_kind;
          break;
        case FL_TRACE_FINISH:
        default:
          row->finished = ev.time_us;
          row->error = ev.text;
          if (ev.lane >= 0)
            {
              row->lane = ev.lane;
              row->lane_kind = ev.lane_kind;
            }
          break;
        }
    }

  return rows;
}

static int
lane_tid (guint8 lane_kind,
          int    lane)
{
  if (lane_kind == FL_LANE_MAIN_LOOP)
    return 1;
  return (int) lane_kind * 1000 + MAX (lane, 0) + 1;
}

static char *
lane_name (guint8 lane_kind,
           int    lane)
{
  switch (lane_kind)
    {
    case FL_LANE_THREAD:    return g_strdup_printf ("worker thread %d", lane + 1);
    case FL_LANE_PROCESS:   return g_strdup_printf ("worker process %d", lane + 1);
    case FL_LANE_MAIN_LOOP: return g_strdup ("main loop");
    case FL_LANE_CALLER:    return g_strdup ("caller");
    default:                return g_strdup ("queue");
    }
}

/**
 * fl_trace_to_chrome_json:
 *
 * The trace in Chrome's Trace Event format (opens in Perfetto and chrome://tracing): one
 * complete event per future on its lane's track, plus the raw events under
 * "futuresLab" so that fl_trace_load() gets back exactly what was recorded.
 *
 * Returns: (transfer full): UTF-8 JSON
 */
char *
fl_trace_to_chrome_json (FlTrace *self,
                         gsize   *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GHashTable) lanes = g_hash_table_new (NULL, NULL);
  g_auto(GStrv) keys = NULL;
  guint n;

  g_return_val_if_fail (FL_IS_TRACE (self), NULL);

  rows = collect_rows (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "displayTimeUnit");
  json_builder_add_string_value (builder, "ms");

  json_builder_set_member_name (builder, "traceEvents");
  json_builder_begin_array (builder);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ph");
  json_builder_add_string_value (builder, "M");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "process_name");
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "args");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->title[0] ? self->title : "Futures Lab run");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      g_autofree char *fallback = NULL;
      int tid = lane_tid (row->lane_kind, row->lane);
      gint64 begin = row->started ? row->started : (row->finished ? row->finished : row->queued);
      gint64 end = row->finished ? row->finished : begin;

      if (!g_hash_table_contains (lanes, GINT_TO_POINTER (tid)))
        {
          g_autofree char *name = lane_name (row->started ? row->lane_kind : FL_LANE_NONE,
                                             row->lane);

          g_hash_table_add (lanes, GINT_TO_POINTER (tid));
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "ph");
          json_builder_add_string_value (builder, "M");
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, "thread_name");
          json_builder_set_member_name (builder, "pid");
          json_builder_add_int_value (builder, 1);
          json_builder_set_member_name (builder, "tid");
          json_builder_add_int_value (builder, tid);
          json_builder_set_member_name (builder, "args");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, name);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }

      if (row->label == NULL)
        fallback = g_strdup_printf ("future %" G_GUINT64_FORMAT, row->id);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, row->label ? row->label : fallback);
      json_builder_set_member_name (builder, "cat");
      json_builder_add_string_value (builder, fl_future_state_to_string (row->state));
      json_builder_set_member_name (builder, "ph");
      json_builder_add_string_value (builder, "X");
      json_builder_set_member_name (builder, "pid");
      json_builder_add_int_value (builder, 1);
      json_builder_set_member_name (builder, "tid");
      json_builder_add_int_value (builder, tid);
      json_builder_set_member_name (builder, "ts");
      json_builder_add_int_value (builder, begin - self->origin);
      json_builder_set_member_name (builder, "dur");
      json_builder_add_int_value (builder, end - begin);
      json_builder_set_member_name (builder, "args");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, (gint64) row->id);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, fl_future_state_to_string (row->state));
      json_builder_set_member_name (builder, "queued_us");
      json_builder_add_int_value (builder, (row->started ? row->started : end) - row->queued);
      if (row->bytes > 0)
        {
          json_builder_set_member_name (builder, "bytes");
          json_builder_add_int_value (builder, (gint64) row->bytes);
        }
      if (row->error != NULL)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, row->error);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "otherData");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->title);
  keys = fl_trace_list_metadata (self);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, keys[i]);
      json_builder_add_string_value (builder, fl_trace_get_metadata (self, keys[i]));
    }
  json_builder_end_object (builder);

  /* Raw events: [time, id, kind, lane_kind, lane, state, bytes, text] relative to origin */
  json_builder_set_member_name (builder, "futuresLab");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  n = fl_trace_get_n_events (self);
  for (guint i = 0; i < n; i++)
    {
      FlTraceEvent ev;

      if (!fl_trace_get_event (self, i, &ev))
        continue;
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, ev.time_us - self->origin);
      json_builder_add_int_value (builder, (gint64) ev.future_id);
      json_builder_add_int_value (builder, ev.kind);
      json_builder_add_int_value (builder, ev.lane_kind);
      json_builder_add_int_value (builder, ev.lane);
      json_builder_add_int_value (builder, ev.state);
      json_builder_add_int_value (builder, (gint64) ev.bytes);
      if (ev.text != NULL)
        json_builder_add_string_value (builder, ev.text);
      else
        json_builder_add_null_value (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

static void
csv_append_field (GString    *out,
                  const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * fl_trace_to_csv:
 *
 * One line per future: id, label, state, lane, and times in microseconds from the
 * trace's origin (empty when the future never got there).
 *
 * Returns: (transfer full): RFC 4180 CSV with a header line
 */
char *
fl_trace_to_csv (FlTrace *self,
                 gsize   *length)
{
  g_autoptr(GArray) rows = NULL;
  GString *out;

  g_return_val_if_fail (FL_IS_TRACE (self), NULL);

  rows = collect_rows (self);
  out = g_string_new ("id,label,state,lane_kind,lane,queued_us,started_us,finished_us,"
                      "run_us,bytes,error\r\n");
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);

      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",", row->id);
      csv_append_field (out, row->label);
      g_string_append_printf (out, ",%s,%s,", fl_future_state_to_string (row->state),
                              fl_lane_kind_to_string (row->lane_kind));
      if (row->lane >= 0)
        g_string_append_printf (out, "%d", row->lane + 1);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",", row->queued - self->origin);
      if (row->started)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, row->started - self->origin);
      g_string_append_c (out, ',');
      if (row->finished)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, row->finished - self->origin);
      g_string_append_c (out, ',');
      if (row->started && row->finished)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, row->finished - row->started);
      g_string_append_printf (out, ",%" G_GUINT64_FORMAT ",", row->bytes);
      csv_append_field (out, row->error);
      g_string_append (out, "\r\n");
    }

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/**
 * fl_trace_save:
 * @path: where to write; ".csv" writes CSV, anything else Chrome JSON
 *
 * Writes atomically (a temporary file renamed over @path): an interrupted save leaves the
 * old file, or none.
 */
gboolean
fl_trace_save (FlTrace     *self,
               const char  *path,
               GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (FL_IS_TRACE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_str_has_suffix (path, ".csv"))
    data = fl_trace_to_csv (self, &length);
  else
    data = fl_trace_to_chrome_json (self, &length);

  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static gboolean
read_event (JsonArray    *array,
            gint64        origin,
            FlTraceEvent *ev)
{
  JsonNode *text;

  if (json_array_get_length (array) != 8)
    return FALSE;
  ev->time_us = origin + json_array_get_int_element (array, 0);
  ev->future_id = (guint64) json_array_get_int_element (array, 1);
  ev->kind = (guint8) CLAMP (json_array_get_int_element (array, 2), 0, FL_TRACE_FINISH);
  ev->lane_kind = (guint8) CLAMP (json_array_get_int_element (array, 3), 0, FL_LANE_CALLER);
  ev->lane = (gint32) CLAMP (json_array_get_int_element (array, 4), -1, G_MAXINT32);
  ev->state = (guint8) CLAMP (json_array_get_int_element (array, 5), 0, FL_FUTURE_CANCELLED);
  ev->bytes = (guint64) MAX (json_array_get_int_element (array, 6), 0);
  text = json_array_get_element (array, 7);
  ev->text = JSON_NODE_HOLDS_VALUE (text) ? json_node_get_string (text) : NULL;
  return TRUE;
}

/**
 * fl_trace_load:
 *
 * Reads back a trace saved by fl_trace_save() as JSON. Event times keep their offsets
 * from the origin, which becomes the load time.
 *
 * Returns: (transfer full): the trace, or %NULL with @error set
 */
FlTrace *
fl_trace_load (const char  *path,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FlTrace) trace = NULL;
  JsonObject *root, *lab, *other;
  JsonArray *events;
  JsonNode *node;

  g_return_val_if_fail (path != NULL, NULL);

  if (!json_parser_load_from_mapped_file (parser, path, error))
    return NULL;

  node = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (node)
      || !(root = json_node_get_object (node))
      || !json_object_has_member (root, "futuresLab")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "futuresLab")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not a trace saved by Futures Lab", path);
      return NULL;
    }

  lab = json_object_get_object_member (root, "futuresLab");
  if (!json_object_has_member (lab, "events")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (lab, "events")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” has no events", path);
      return NULL;
    }

  other = json_object_has_member (root, "otherData")
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "otherData"))
          ? json_object_get_object_member (root, "otherData") : NULL;
  trace = fl_trace_new (other != NULL ? json_object_get_string_member_with_default (other, "title", "")
                                      : "");
  if (other != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (other);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (other, l->data);

          if (g_strcmp0 (l->data, "title") != 0 && JSON_NODE_HOLDS_VALUE (value)
              && json_node_get_value_type (value) == G_TYPE_STRING)
            fl_trace_set_metadata (trace, l->data, json_node_get_string (value));
        }
    }

  events = json_object_get_array_member (lab, "events");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *element = json_array_get_element (events, i);
      FlTraceEvent ev;

      if (!JSON_NODE_HOLDS_ARRAY (element)
          || !read_event (json_node_get_array (element), trace->origin, &ev))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Event %u of “%s” is malformed", i, path);
          return NULL;
        }
      fl_trace_record (trace, ev.kind, ev.future_id, ev.lane_kind, ev.lane, ev.state,
                       ev.time_us, ev.text, ev.bytes);
    }

  return g_steal_pointer (&trace);
}
