/* make-frame-corpus.c: writes the seed inputs of fuzz-frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not built by meson; run from the top of the tree when the frame format changes:
 *   cc tests/fuzz/make-frame-corpus.c src/engine/fl-frame.c -Isrc/engine/private \
 *      -Isrc/engine -Ibuild-fuzz $(pkg-config --cflags --libs gio-2.0) -o /tmp/mfc \
 *   && /tmp/mfc tests/fuzz/corpus/frame
 * Each seed is fuzz-frame's two-byte prefix (side, cut) and a stream of real frames.
 */
#include "config.h"

#include <stdio.h>

#include "fl-frame.h"

/* The one symbol of the engine fl-frame.c needs. */
GQuark fl_error_quark (void);
G_DEFINE_QUARK (fl-error-quark, fl_error)

static void
add (GByteArray *stream,
     guchar      kind,
     guint64     id,
     GVariant   *body)
{
  g_autoptr(GBytes) frame = fl_frame_encode (kind, id, body);

  g_byte_array_append (stream, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

static void
save (const char *dir,
      const char *name,
      guint8      side,
      guint8      cut,
      GByteArray *stream)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 prefix[2] = { side, cut };

  g_byte_array_append (out, prefix, 2);
  g_byte_array_append (out, stream->data, stream->len);
  g_file_set_contents (path, (const char *) out->data, out->len, NULL);
  g_byte_array_set_size (stream, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  const char *dir = argc > 1 ? argv[1] : ".";

  add (s, FL_FRAME_JOB, 1, g_variant_new ("(smv)", "echo", g_variant_new ("(si)", "hi", 7)));
  add (s, FL_FRAME_JOB, 2, g_variant_new ("(smv)", "fail", g_variant_new ("(s)", "no")));
  save (dir, "worker-echo-fail", 0, 5, s);
  add (s, FL_FRAME_JOB, 3, g_variant_new ("(smv)", "primes", g_variant_new ("(t)", 1000)));
  add (s, FL_FRAME_JOB, 4, g_variant_new ("(smv)", "sha256",
                                          g_variant_new ("(st)", "seed", 10)));
  save (dir, "worker-primes-sha", 0, 200, s);
  add (s, FL_FRAME_JOB, 5, g_variant_new ("(smv)", "mandelbrot",
                                          g_variant_new ("(uuuuuuuddd)", 32, 32, 0, 0, 8, 8,
                                                         50, -0.5, 0.0, 0.01)));
  save (dir, "worker-mandelbrot", 0, 3, s);
  add (s, FL_FRAME_JOB, 6, g_variant_new ("(smv)", "sleep", g_variant_new ("(u)", 1)));
  add (s, FL_FRAME_JOB, 7, g_variant_new ("(smv)", "spin", g_variant_new ("(t)", 50)));
  add (s, FL_FRAME_JOB, 8, g_variant_new ("(smv)", "nosuchjob", NULL));
  add (s, FL_FRAME_JOB, 9, g_variant_new ("(smv)", "crash", g_variant_new ("(s)", "segv")));
  save (dir, "worker-sleep-spin-unknown", 0, 0, s);

  add (s, FL_FRAME_HELLO, 0, g_variant_new ("(ux)", FL_FRAME_PROTOCOL_VERSION, (gint64) 42));
  add (s, FL_FRAME_PROGRESS, 1, g_variant_new ("(dt)", 0.5, (guint64) 100));
  add (s, FL_FRAME_RESULT, 1, g_variant_new ("(uuuu@ay)", 0, 0, 1, 1,
                                             g_variant_new_bytestring ("abc")));
  save (dir, "parent-hello-progress-result", 1, 9, s);
  add (s, FL_FRAME_ERROR, 2, g_variant_new ("(sis)", "fl-error-quark", 3, "went wrong"));
  add (s, FL_FRAME_ERROR, 3, g_variant_new ("(sis)", "", 0, "no domain"));
  add (s, FL_FRAME_PROGRESS, 3, g_variant_new ("(dt)", -1.0, (guint64) 0));
  save (dir, "parent-errors", 1, 40, s);
  return 0;
}
