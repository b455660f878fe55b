/* fl-tasks-test.h: what the tasks suite's download and fd tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "futures-lab-engine.h"

/* The process's open file descriptors, from /proc/self/fd (the count includes the one the
 * listing itself holds). */
static inline guint
fl_test_count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The download modes the app and the CLI offer, by index: see fl_test_mode_names. */
static const char *const fl_test_mode_names[] = { "threads", "async", "processes" };

static inline FlExecutor *
fl_test_download_executor_new (guint mode,
                               guint n)
{
  switch (mode)
    {
    case 0:
      return fl_thread_executor_new (n);
    case 1:
      return fl_loop_executor_new (NULL, n);
    default:
      return fl_process_executor_new (MIN (n, 4));
    }
}
