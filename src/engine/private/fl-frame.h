/* fl-frame.h: length-prefixed GVariant frames over a worker's pipe
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A frame is a 4-byte big-endian length followed by that many bytes: a serialised
 * GVariant of type (ytv), a message kind, a job id and a body. The reader never trusts
 * its input: a length over the cap, a body that is not in normal form, an unknown kind or
 * a body of the wrong type for its kind is an error, never a crash.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FL_FRAME_PROTOCOL_VERSION 1
#define FL_FRAME_HEADER_SIZE      4
/* Big enough for any flag image or Mandelbrot tile, small enough that a runaway worker
 * cannot make the parent allocate without bound. */
#define FL_FRAME_DEFAULT_MAX_SIZE (16 * 1024 * 1024)

/* Parent -> worker */
#define FL_FRAME_JOB      'j'   /* (smv) job name, arguments */
/* Worker -> parent */
#define FL_FRAME_HELLO    'h'   /* (ux) protocol version, pid */
#define FL_FRAME_PROGRESS 'p'   /* (dt) fraction (negative: unknown), bytes */
#define FL_FRAME_RESULT   'r'   /* v   the job's value */
#define FL_FRAME_ERROR    'e'   /* (sis) error domain, code, message */

/**
 * FlFrameSpec:
 * @kind: a message kind
 * @body_type: the GVariant type string its body must have
 *
 * One accepted message; a reader is given the table of what its side may receive.
 */
typedef struct
{
  guchar      kind;
  const char *body_type;
} FlFrameSpec;

extern const FlFrameSpec fl_frame_specs_to_worker[];
extern const FlFrameSpec fl_frame_specs_to_parent[];

typedef struct _FlFrameReader FlFrameReader;

GBytes        *fl_frame_encode       (guchar              kind,
                                      guint64             id,
                                      GVariant           *body);
gboolean       fl_frame_decode       (const guint8       *payload,
                                      gsize               length,
                                      const FlFrameSpec  *specs,
                                      guchar             *kind,
                                      guint64            *id,
                                      GVariant          **body,
                                      GError            **error);

FlFrameReader *fl_frame_reader_new   (const FlFrameSpec  *specs,
                                      gsize               max_size);
void           fl_frame_reader_free  (FlFrameReader      *reader);
gssize         fl_frame_reader_fill  (FlFrameReader      *reader,
                                      int                 fd,
                                      GError            **error);
void           fl_frame_reader_feed  (FlFrameReader      *reader,
                                      const guint8       *data,
                                      gsize               length);
gboolean       fl_frame_reader_next  (FlFrameReader      *reader,
                                      guchar             *kind,
                                      guint64            *id,
                                      GVariant          **body,
                                      GError            **error);
gsize          fl_frame_reader_get_buffered (FlFrameReader *reader);

gboolean       fl_frame_write_all    (int                 fd,
                                      GBytes             *frame,
                                      gint64              deadline,
                                      GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlFrameReader, fl_frame_reader_free)

G_END_DECLS
