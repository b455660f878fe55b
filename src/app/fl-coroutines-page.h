/* fl-coroutines-page.h: concurrency on one thread: async jobs on the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"

G_BEGIN_DECLS

#define FL_TYPE_COROUTINES_PAGE (fl_coroutines_page_get_type ())
G_DECLARE_FINAL_TYPE (FlCoroutinesPage, fl_coroutines_page, FL, COROUTINES_PAGE, FlPage)

/**
 * FlCoroutinesKind:
 *
 * The entries of the page's task drop-down, in order.
 */
typedef enum
{
  FL_COROUTINES_SLEEP,
  FL_COROUTINES_LOITER,
  FL_COROUTINES_DOWNLOAD,
} FlCoroutinesKind;

void        fl_coroutines_page_set_tasks     (FlCoroutinesPage *self,
                                              FlCoroutinesKind  kind,
                                              guint             n_tasks,
                                              guint             limit,
                                              double            timeout_seconds,
                                              double            blocking_seconds);
gboolean    fl_coroutines_page_is_done       (FlCoroutinesPage *self);
const char *fl_coroutines_page_get_clock_text (FlCoroutinesPage *self);
const char *fl_coroutines_page_get_outcome   (FlCoroutinesPage *self);
GPtrArray  *fl_coroutines_page_get_results   (FlCoroutinesPage *self);
guint       fl_coroutines_page_get_max_in_flight (FlCoroutinesPage *self);
guint       fl_coroutines_page_get_n_first_done  (FlCoroutinesPage *self);

G_END_DECLS
