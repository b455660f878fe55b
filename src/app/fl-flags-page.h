/* fl-flags-page.h: download flags sequentially, on threads, and async on the loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"

G_BEGIN_DECLS

#define FL_TYPE_FLAGS_PAGE (fl_flags_page_get_type ())
G_DECLARE_FINAL_TYPE (FlFlagsPage, fl_flags_page, FL, FLAGS_PAGE, FlPage)

/**
 * FlFlagsServerChoice:
 *
 * The entries of the page's server drop-down, in order.
 */
typedef enum
{
  FL_FLAGS_SERVER_LOCAL,
  FL_FLAGS_SERVER_DELAY,
  FL_FLAGS_SERVER_ERROR,
  FL_FLAGS_SERVER_CUSTOM,
  FL_FLAGS_SERVER_URL,
} FlFlagsServerChoice;

/**
 * FlFlagsCodesChoice:
 *
 * The entries of the page's codes drop-down, in order.
 */
typedef enum
{
  FL_FLAGS_CODES_POPULOUS,
  FL_FLAGS_CODES_ALL,
  FL_FLAGS_CODES_PAIRS,
  FL_FLAGS_CODES_CUSTOM,
} FlFlagsCodesChoice;

typedef struct
{
  guint  ok;
  guint  not_found;
  guint  error;
  guint  cancelled;
  double elapsed;
} FlFlagsSummary;

void        fl_flags_page_set_codes      (FlFlagsPage        *self,
                                          FlFlagsCodesChoice  choice,
                                          const char         *codes,
                                          guint               limit);
void        fl_flags_page_set_workers    (FlFlagsPage        *self,
                                          guint               workers);
void        fl_flags_page_set_server     (FlFlagsPage        *self,
                                          FlFlagsServerChoice choice,
                                          const char         *delay,
                                          const char         *error_rate,
                                          const char         *base_url);
gboolean    fl_flags_page_get_summary    (FlFlagsPage        *self,
                                          FlFlagsSummary     *summary);
const char *fl_flags_page_get_summary_text (FlFlagsPage      *self);
const char *fl_flags_page_get_progress_text (FlFlagsPage     *self);
double      fl_flags_page_get_progress_fraction (FlFlagsPage *self);
guint       fl_flags_page_get_n_images   (FlFlagsPage        *self);
guint       fl_flags_page_get_n_shown    (FlFlagsPage        *self);
guint       fl_flags_page_get_n_runs     (FlFlagsPage        *self);
gboolean    fl_flags_page_get_server_delay (FlFlagsPage      *self,
                                            double           *min_s,
                                            double           *max_s);
guint       fl_flags_page_get_seed       (FlFlagsPage        *self);

FlExecutor   *fl_flags_page_get_process_pool (FlFlagsPage *self);

G_END_DECLS
