/* fl-frame.c: length-prefixed GVariant frames, validated on the way in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fl-frame.h"
#include "fl-types.h"

#define ENVELOPE_TYPE ((const GVariantType *) "(ytv)")
#define READ_CHUNK    (64 * 1024)

const FlFrameSpec fl_frame_specs_to_worker[] = {
  { FL_FRAME_JOB, "(smv)" },
  { 0, NULL },
};

const FlFrameSpec fl_frame_specs_to_parent[] = {
  { FL_FRAME_HELLO, "(ux)" },
  { FL_FRAME_PROGRESS, "(dt)" },
  { FL_FRAME_RESULT, "*" },
  { FL_FRAME_ERROR, "(sis)" },
  { 0, NULL },
};

struct _FlFrameReader
{
  const FlFrameSpec *specs;
  gsize              max_size;
  GByteArray        *buffer;
  gsize              start;     /* bytes at the head already consumed */
  gboolean           broken;    /* after a malformed frame the stream has no boundaries */
};

/**
 * fl_frame_encode:
 * @body: (transfer floating): the message body; a floating reference is sunk
 *
 * Returns: (transfer full): the frame, header included
 */
GBytes *
fl_frame_encode (guchar    kind,
                 guint64   id,
                 GVariant *body)
{
  g_autoptr(GVariant) message = NULL;
  gsize size;
  guint8 *data;
  guint32 be_size;

  message = g_variant_ref_sink (g_variant_new ("(ytv)", kind, id, body));
  size = g_variant_get_size (message);
  g_return_val_if_fail (size <= G_MAXUINT32, NULL);

  data = g_malloc (FL_FRAME_HEADER_SIZE + size);
  be_size = GUINT32_TO_BE ((guint32) size);
  memcpy (data, &be_size, FL_FRAME_HEADER_SIZE);
  /* Not g_variant_store(): it serialises in place and needs the target aligned for the
   * widest member, which data + 4 is not. The serialised form is plain bytes. */
  memcpy (data + FL_FRAME_HEADER_SIZE, g_variant_get_data (message), size);
  return g_bytes_new_take (data, FL_FRAME_HEADER_SIZE + size);
}

static const FlFrameSpec *
find_spec (const FlFrameSpec *specs,
           guchar             kind)
{
  for (guint i = 0; specs[i].body_type != NULL; i++)
    if (specs[i].kind == kind)
      return &specs[i];
  return NULL;
}

/**
 * fl_frame_decode:
 * @payload: a frame without its header
 * @specs: the messages this side accepts
 * @body: (out) (transfer full): the body
 *
 * Checks everything about one payload: the envelope is a (ytv) in normal form, the kind
 * is one @specs lists and the body has that kind's type.
 *
 * Returns: %FALSE with @error (%FL_ERROR_PROTOCOL) set for a malformed payload
 */
gboolean
fl_frame_decode (const guint8       *payload,
                 gsize               length,
                 const FlFrameSpec  *specs,
                 guchar             *kind,
                 guint64            *id,
                 GVariant          **body,
                 GError            **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (payload, length);
  g_autoptr(GVariant) message = NULL;
  g_autoptr(GVariant) inner = NULL;
  const FlFrameSpec *spec;
  guchar k;
  guint64 i;

  /* A copy is aligned for any GVariant type; the normal-form check walks the whole tree
   * (offsets, string terminators, nesting) before anything is read out of it. */
  message = g_variant_ref_sink (g_variant_new_from_bytes (ENVELOPE_TYPE, bytes, FALSE));
  if (!g_variant_is_normal_form (message))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_PROTOCOL,
                   "Malformed frame: %" G_GSIZE_FORMAT " bytes that are not a valid message",
                   length);
      return FALSE;
    }

  g_variant_get (message, "(ytv)", &k, &i, &inner);
  spec = find_spec (specs, k);
  if (spec == NULL)
    {
      g_set_error (error, FL_ERROR, FL_ERROR_PROTOCOL,
                   "Malformed frame: unknown message kind 0x%02x", k);
      return FALSE;
    }
  if (!g_variant_is_of_type (inner, G_VARIANT_TYPE (spec->body_type)))
    {
      g_set_error (error, FL_ERROR, FL_ERROR_PROTOCOL,
                   "Malformed frame: message “%c” carries %s, expected %s",
                   k, g_variant_get_type_string (inner), spec->body_type);
      return FALSE;
    }

  *kind = k;
  *id = i;
  *body = g_steal_pointer (&inner);
  return TRUE;
}

/**
 * fl_frame_reader_new:
 * @specs: the messages this side accepts (a static table)
 * @max_size: the largest payload accepted; 0 for %FL_FRAME_DEFAULT_MAX_SIZE
 */
FlFrameReader *
fl_frame_reader_new (const FlFrameSpec *specs,
                     gsize              max_size)
{
  FlFrameReader *reader = g_new0 (FlFrameReader, 1);

  reader->specs = specs;
  reader->max_size = max_size > 0 ? max_size : FL_FRAME_DEFAULT_MAX_SIZE;
  reader->buffer = g_byte_array_new ();
  return reader;
}

void
fl_frame_reader_free (FlFrameReader *reader)
{
  if (reader == NULL)
    return;
  g_byte_array_unref (reader->buffer);
  g_free (reader);
}

void
fl_frame_reader_feed (FlFrameReader *reader,
                      const guint8  *data,
                      gsize          length)
{
  g_byte_array_append (reader->buffer, data, length);
}

gsize
fl_frame_reader_get_buffered (FlFrameReader *reader)
{
  return reader->buffer->len - reader->start;
}

/**
 * fl_frame_reader_fill:
 * @fd: where to read from (blocking or not)
 *
 * Reads what is available, at most 64 KiB.
 *
 * Returns: bytes read, 0 at end of file, or -1 with @error set (%G_IO_ERROR_WOULD_BLOCK
 *   when a non-blocking @fd has nothing)
 */
gssize
fl_frame_reader_fill (FlFrameReader  *reader,
                      int             fd,
                      GError        **error)
{
  guint old_len = reader->buffer->len;
  gssize n;

  g_byte_array_set_size (reader->buffer, old_len + READ_CHUNK);
  do
    n = read (fd, reader->buffer->data + old_len, READ_CHUNK);
  while (n < 0 && errno == EINTR);
  g_byte_array_set_size (reader->buffer, old_len + MAX (n, 0));

  if (n < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "read: %s",
                   g_strerror (saved));
    }
  return n;
}

/**
 * fl_frame_reader_next:
 * @body: (out) (transfer full)
 *
 * Takes the next complete frame out of the buffer.
 *
 * Returns: %TRUE with a message; %FALSE without @error when more bytes are needed;
 *   %FALSE with @error (%FL_ERROR_PROTOCOL) for a malformed frame, after which the reader
 *   refuses everything (the stream has lost its frame boundaries)
 */
gboolean
fl_frame_reader_next (FlFrameReader  *reader,
                      guchar         *kind,
                      guint64        *id,
                      GVariant      **body,
                      GError        **error)
{
  gsize available = fl_frame_reader_get_buffered (reader);
  const guint8 *head;
  guint32 be_size;
  gsize size;
  gboolean ok;

  if (reader->broken)
    {
      g_set_error_literal (error, FL_ERROR, FL_ERROR_PROTOCOL,
                           "The stream is out of step after a malformed frame");
      return FALSE;
    }
  if (available < FL_FRAME_HEADER_SIZE)
    return FALSE;

  /* Only now: an empty buffer's data pointer may be NULL, and NULL + 0 is undefined. */
  head = reader->buffer->data + reader->start;
  memcpy (&be_size, head, FL_FRAME_HEADER_SIZE);
  size = GUINT32_FROM_BE (be_size);
  if (size == 0 || size > reader->max_size)
    {
      reader->broken = TRUE;
      g_set_error (error, FL_ERROR, FL_ERROR_PROTOCOL,
                   "Malformed frame: announced length %" G_GSIZE_FORMAT
                   " is outside 1..%" G_GSIZE_FORMAT, size, reader->max_size);
      return FALSE;
    }
  if (available < FL_FRAME_HEADER_SIZE + size)
    return FALSE;

  ok = fl_frame_decode (head + FL_FRAME_HEADER_SIZE, size, reader->specs, kind, id, body,
                        error);
  reader->start += FL_FRAME_HEADER_SIZE + size;
  if (!ok)
    reader->broken = TRUE;

  /* Compact once the consumed head is worth moving. */
  if (reader->start == reader->buffer->len)
    {
      g_byte_array_set_size (reader->buffer, 0);
      reader->start = 0;
    }
  else if (reader->start > READ_CHUNK)
    {
      g_byte_array_remove_range (reader->buffer, 0, reader->start);
      reader->start = 0;
    }

  return ok;
}

/**
 * fl_frame_write_all:
 * @fd: a pipe or a socket, blocking or not
 * @deadline: monotonic time (µs) after which a stuck reader is an error; -1 waits forever
 *
 * Writes the whole frame. On a socket it never raises SIGPIPE (a dead peer is an error).
 */
gboolean
fl_frame_write_all (int      fd,
                    GBytes  *frame,
                    gint64   deadline,
                    GError **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (frame, &length);
  gsize done = 0;
  gboolean is_socket = TRUE;

  while (done < length)
    {
      gssize n;

      if (is_socket)
        {
          n = send (fd, data + done, length - done, MSG_NOSIGNAL);
          if (n < 0 && errno == ENOTSOCK)
            {
              is_socket = FALSE;
              continue;
            }
        }
      else
        n = write (fd, data + done, length - done);

      if (n >= 0)
        {
          done += n;
          continue;
        }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          struct pollfd pfd = { fd, POLLOUT, 0 };
          int timeout = -1;

          if (deadline >= 0)
            {
              gint64 left = deadline - g_get_monotonic_time ();

              if (left <= 0)
                {
                  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                       "The worker stopped reading");
                  return FALSE;
                }
              timeout = (int) MIN ((left + 999) / 1000, G_MAXINT);
            }
          if (poll (&pfd, 1, timeout) < 0 && errno != EINTR)
            {
              int saved = errno;

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "poll: %s",
                           g_strerror (saved));
              return FALSE;
            }
          continue;
        }

      {
        int saved = errno;

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "write: %s",
                     g_strerror (saved));
        return FALSE;
      }
    }

  return TRUE;
}
