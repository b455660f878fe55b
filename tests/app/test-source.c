/* test-source.c: every page's C source and its Python equivalent are in the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "fl-source-view.h"

static const char *pages[][2] = {
  { "fl-frozen-page.c", "freeze.py" },
  { "fl-flags-page.c", "flags.py" },
  { "fl-compute-page.c", "compute.py" },
  { "fl-map-page.c", "map.py" },
  { "fl-anatomy-page.c", "anatomy.py" },
  { "fl-queue-page.c", "producer_consumer.py" },
  { "fl-coroutines-page.c", "coroutines.py" },
};

static void
test_every_page_has_both (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *c_path = g_strconcat ("/io/github/FuturesLab/source/", pages[i][0], NULL);
      g_autofree char *py_path = g_strconcat ("/io/github/FuturesLab/python/", pages[i][1], NULL);
      g_autoptr(GBytes) c = g_resources_lookup_data (c_path, 0, NULL);
      g_autoptr(GBytes) py = g_resources_lookup_data (py_path, 0, NULL);
      GtkWidget *view;

      g_assert_nonnull (c);
      g_assert_nonnull (py);
      g_assert_true (g_str_has_prefix (g_bytes_get_data (py, NULL), "#!/usr/bin/env python3"));
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (c, NULL), g_bytes_get_size (c),
                                      "SPDX-License-Identifier"));

      /* Side by side: C on the left, Python on the right. */
      view = g_object_ref_sink (fl_source_view_new (pages[i][0]));
      g_assert_true (GTK_IS_PANED (view));
      g_assert_nonnull (gtk_paned_get_start_child (GTK_PANED (view)));
      g_assert_nonnull (gtk_paned_get_end_child (GTK_PANED (view)));
      g_object_unref (view);
    }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/source/every-page-has-c-and-python", test_every_page_has_both);

  return g_test_run ();
}
