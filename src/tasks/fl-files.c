/* fl-files.c: file-system helpers the workloads, the app and the CLI share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fl-files.h"

/**
 * fl_remove_tree:
 * @path: a folder (or a file)
 *
 * Removes @path and everything under it, as far as it can; a symbolic link is removed,
 * never followed. Errors are ignored: it is for temporary folders (downloads of a
 * benchmark, a Python run's working folder, a test's scratch space).
 */
void
fl_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_if_fail (path != NULL);

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      fl_remove_tree (child);
    }
  g_rmdir (path);
}
