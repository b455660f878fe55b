/* fl-trace-io.c: a trace to and from files: Chrome Trace Event JSON and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both formats are written from the spans (one row, or one complete event, per future and
 * per mark), so a file says exactly what the views showed. The Chrome file also carries the
 * raw events under "futuresLab", which is what fl_trace_load() reads back: a replayed run
 * folds into the same spans as the live one did.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "fl-enums.h"
#include "fl-spans.h"
#include "fl-trace.h"

#define FORMAT_VERSION 2

static int
lane_tid (const FlSpan *span)
{
  if (span->lane_kind == FL_LANE_MAIN_LOOP)
    return 1;
  return (int) span->lane_kind * 1000 + MAX (span->lane, 0) + 1;
}

static const char *
outcome_id (FlOutcome outcome)
{
  switch (outcome)
    {
    case FL_OUTCOME_OK:        return "ok";
    case FL_OUTCOME_NOT_FOUND: return "not_found";
    case FL_OUTCOME_FAILED:    return "failed";
    case FL_OUTCOME_CANCELLED: return "cancelled";
    case FL_OUTCOME_NONE:
    default:                   return "";
    }
}

static FlSpans *
fold_all (FlTrace *self)
{
  FlSpans *spans = fl_spans_new (self);

  fl_spans_update (spans);
  return spans;
}

static void
add_member_int (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_metadata_event (JsonBuilder *builder,
                    const char  *what,
                    int          tid,
                    const char  *name)
{
  json_builder_begin_object (builder);
  add_member_string (builder, "ph", "M");
  add_member_string (builder, "name", what);
  add_member_int (builder, "pid", 1);
  if (tid >= 0)
    add_member_int (builder, "tid", tid);
  json_builder_set_member_name (builder, "args");
  json_builder_begin_object (builder);
  add_member_string (builder, "name", name);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_span_event (JsonBuilder  *builder,
                const FlSpan *span)
{
  g_autofree char *fallback = NULL;
  gint64 begin = span->started >= 0 ? span->started
                 : (span->finished >= 0 ? span->finished : span->queued);
  gint64 end = span->finished >= 0 ? span->finished : begin;

  if (span->label == NULL)
    fallback = g_strdup_printf ("future %" G_GUINT64_FORMAT, span->id);

  json_builder_begin_object (builder);
  add_member_string (builder, "name", span->label ? span->label : fallback);
  add_member_string (builder, "cat", span->kind == FL_SPAN_MARK
                                     ? "mark" : fl_future_state_to_string (span->state));
  add_member_string (builder, "ph", "X");
  add_member_int (builder, "pid", 1);
  add_member_int (builder, "tid", lane_tid (span));
  add_member_int (builder, "ts", begin);
  add_member_int (builder, "dur", end - begin);
  json_builder_set_member_name (builder, "args");
  json_builder_begin_object (builder);
  add_member_int (builder, "id", (gint64) span->id);
  if (span->kind == FL_SPAN_FUTURE)
    {
      add_member_string (builder, "state", fl_future_state_to_string (span->state));
      if (span->outcome != FL_OUTCOME_NONE)
        add_member_string (builder, "outcome", outcome_id (span->outcome));
      add_member_int (builder, "queued_us", begin - span->queued);
    }
  if (span->bytes > 0)
    add_member_int (builder, "bytes", (gint64) span->bytes);
  if (span->error != NULL)
    add_member_string (builder, span->kind == FL_SPAN_MARK ? "detail" : "error", span->error);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_raw_events (JsonBuilder *builder,
                FlTrace     *self)
{
  gint64 origin = fl_trace_get_origin (self);
  guint n = fl_trace_get_n_events (self);

  /* [time, id, kind, lane_kind, lane, state, bytes, text], time relative to the origin */
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      FlTraceEvent ev;

      if (!fl_trace_get_event (self, i, &ev))
        continue;
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, ev.time_us - origin);
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
}

/**
 * fl_trace_to_chrome_json:
 *
 * The trace in Chrome's Trace Event format (opens in Perfetto and chrome://tracing): one
 * complete event per span on its lane's track, plus the raw events under "futuresLab" so
 * that fl_trace_load() gets back exactly what was recorded.
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
  g_autoptr(FlSpans) spans = NULL;
  g_autoptr(GHashTable) lanes = g_hash_table_new (NULL, NULL);
  g_auto(GStrv) keys = NULL;
  const char *title;

  g_return_val_if_fail (FL_IS_TRACE (self), NULL);

  spans = fold_all (self);
  title = fl_trace_get_title (self);

  json_builder_begin_object (builder);
  add_member_string (builder, "displayTimeUnit", "ms");
  json_builder_set_member_name (builder, "traceEvents");
  json_builder_begin_array (builder);
  add_metadata_event (builder, "process_name", -1, title[0] ? title : "Futures Lab run");

  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);
      int tid = lane_tid (span);

      if (!g_hash_table_contains (lanes, GINT_TO_POINTER (tid)))
        {
          g_autofree char *name = fl_lane_id (span->lane_kind, span->lane);

          g_hash_table_add (lanes, GINT_TO_POINTER (tid));
          add_metadata_event (builder, "thread_name", tid, name);
        }
      add_span_event (builder, span);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "otherData");
  json_builder_begin_object (builder);
  add_member_string (builder, "title", title);
  keys = fl_trace_list_metadata (self);
  for (guint i = 0; keys[i] != NULL; i++)
    add_member_string (builder, keys[i], fl_trace_get_metadata (self, keys[i]));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "futuresLab");
  json_builder_begin_object (builder);
  add_member_int (builder, "version", FORMAT_VERSION);
  json_builder_set_member_name (builder, "events");
  add_raw_events (builder, self);
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

static void
csv_append_time (GString *out,
                 gint64   t)
{
  if (t >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, t);
  g_string_append_c (out, ',');
}

/**
 * fl_trace_to_csv:
 *
 * One line per span: id, kind, label, state, outcome, lane, and times in microseconds from
 * the trace's origin (empty when it never got there).
 *
 * Returns: (transfer full): RFC 4180 CSV with a header line
 */
char *
fl_trace_to_csv (FlTrace *self,
                 gsize   *length)
{
  g_autoptr(FlSpans) spans = NULL;
  GString *out;

  g_return_val_if_fail (FL_IS_TRACE (self), NULL);

  spans = fold_all (self);
  out = g_string_new ("id,kind,label,state,outcome,lane,queued_us,started_us,finished_us,"
                      "run_us,bytes,error\r\n");
  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);
      g_autofree char *lane = span->lane >= 0 || span->lane_kind == FL_LANE_MAIN_LOOP
                              ? fl_lane_id (span->lane_kind, span->lane) : NULL;

      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",%s,", span->id,
                              span->kind == FL_SPAN_MARK ? "mark" : "future");
      csv_append_field (out, span->label);
      g_string_append_printf (out, ",%s,%s,",
                              span->kind == FL_SPAN_MARK ? "" : fl_future_state_to_string (span->state),
                              outcome_id (span->outcome));
      csv_append_field (out, lane);
      g_string_append_c (out, ',');
      csv_append_time (out, span->queued);
      csv_append_time (out, span->started);
      csv_append_time (out, span->finished);
      csv_append_time (out, span->started >= 0 && span->finished >= 0
                            ? span->finished - span->started : -1);
      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",", span->bytes);
      csv_append_field (out, span->error);
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
  for (guint i = 0; i < 7; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        return FALSE;
    }
  ev->time_us = origin + CLAMP (json_array_get_int_element (array, 0),
                                -(G_MAXINT64 / 4), G_MAXINT64 / 4);
  ev->future_id = (guint64) json_array_get_int_element (array, 1);
  ev->kind = (guint8) CLAMP (json_array_get_int_element (array, 2), 0, FL_TRACE_MARK_END);
  ev->lane_kind = (guint8) CLAMP (json_array_get_int_element (array, 3), 0, FL_LANE_CALLER);
  ev->lane = (gint32) CLAMP (json_array_get_int_element (array, 4), -1, G_MAXINT32);
  ev->state = (guint8) CLAMP (json_array_get_int_element (array, 5), 0, FL_FUTURE_CANCELLED);
  ev->bytes = (guint64) MAX (json_array_get_int_element (array, 6), 0);
  text = json_array_get_element (array, 7);
  if (JSON_NODE_HOLDS_VALUE (text) && json_node_get_value_type (text) == G_TYPE_STRING)
    ev->text = json_node_get_string (text);
  else if (JSON_NODE_HOLDS_NULL (text))
    ev->text = NULL;
  else
    return FALSE;
  return TRUE;
}

static void
read_metadata (FlTrace    *trace,
               JsonObject *other)
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

/* A slowed run's scale comes back from its metadata; a value that is not a scale in (0, 1]
 * is dropped, so the spans fold in real time rather than by nonsense. */
static void
read_time_scale (FlTrace *trace)
{
  const char *text = fl_trace_get_metadata (trace, "time-scale");
  char *end = NULL;
  double scale;

  if (text == NULL)
    return;
  scale = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0' && scale > 0 && scale <= 1)
    fl_trace_set_time_scale (trace, scale);
  else
    fl_trace_set_metadata (trace, "time-scale", NULL);
}

/* Whether @data holds one JSON object and nothing but white space after it. json-glib 1.6
 * reads a second top-level value after the first and leaks it ("{}{}", "3[1]"); a trace is
 * always one object, so anything else is refused before json-glib sees it. Strings are
 * skipped with their escapes; an object left open is json-glib's error to report. */
static gboolean
is_one_object (const char *data,
               gsize       length)
{
  const char *p = data, *end = data + length;
  int depth = 0;

  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p == end || *p != '{')
    return FALSE;
  for (; p < end; p++)
    {
      if (*p == '"')
        {
          for (p++; p < end && *p != '"'; p++)
            if (*p == '\\' && p + 1 < end)
              p++;
          if (p == end)
            return TRUE;
        }
      else if (*p == '{' || *p == '[')
        depth++;
      else if ((*p == '}' || *p == ']') && --depth == 0)
        break;
    }
  if (p == end)
    return TRUE;
  for (p++; p < end; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/**
 * fl_trace_load_from_data:
 * @data: a Chrome JSON trace as fl_trace_to_chrome_json() writes it
 * @name: what to call it in error messages (a path)
 *
 * Returns: (transfer full): the trace, or %NULL with @error set
 */
FlTrace *
fl_trace_load_from_data (const char  *data,
                         gssize       length,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FlTrace) trace = NULL;
  JsonObject *root, *lab, *other = NULL;
  JsonArray *events;
  JsonNode *node, *title;
  gint64 origin;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (!is_one_object (data, length))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not a trace saved by Futures Lab", name);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)
      || !(root = json_node_get_object (node))
      || !json_object_has_member (root, "futuresLab")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "futuresLab")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not a trace saved by Futures Lab", name);
      return NULL;
    }

  lab = json_object_get_object_member (root, "futuresLab");
  if (!json_object_has_member (lab, "events")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (lab, "events")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” has no events", name);
      return NULL;
    }

  if (json_object_has_member (root, "otherData")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "otherData")))
    other = json_object_get_object_member (root, "otherData");
  title = other != NULL ? json_object_get_member (other, "title") : NULL;
  trace = fl_trace_new (title != NULL && JSON_NODE_HOLDS_VALUE (title)
                        && json_node_get_value_type (title) == G_TYPE_STRING
                        ? json_node_get_string (title) : "");
  if (other != NULL)
    read_metadata (trace, other);
  read_time_scale (trace);

  origin = fl_trace_get_origin (trace);
  events = json_object_get_array_member (lab, "events");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *element = json_array_get_element (events, i);
      FlTraceEvent ev;

      if (!JSON_NODE_HOLDS_ARRAY (element)
          || !read_event (json_node_get_array (element), origin, &ev))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Event %u of “%s” is malformed", i, name);
          return NULL;
        }
      fl_trace_record (trace, ev.kind, ev.future_id, ev.lane_kind, ev.lane, ev.state,
                       ev.time_us, ev.text, ev.bytes);
    }

  return g_steal_pointer (&trace);
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
  g_autoptr(GMappedFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  if (g_mapped_file_get_length (file) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” is empty", path);
      return NULL;
    }
  return fl_trace_load_from_data (g_mapped_file_get_contents (file),
                                  (gssize) g_mapped_file_get_length (file), path, error);
}
