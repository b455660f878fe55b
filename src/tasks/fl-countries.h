/* fl-countries.h: ISO 3166-1 codes and country names in English and Simplified Chinese
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * FlCountry:
 * @code: lower-case ISO 3166-1 alpha-2 code
 * @name: English name
 * @name_zh: Simplified Chinese name
 * @population_rank: 1..20 for the classic "20 most populous" list of the flags2 scripts
 *   (population estimates of about 2014), 0 otherwise
 * @width: width of the flag image in pixels
 * @height: height of the flag image in pixels
 *
 * One entry of data/countries.json. Entries live as long as the process.
 */
typedef struct
{
  const char *code;
  const char *name;
  const char *name_zh;
  guint       population_rank;
  guint       width;
  guint       height;
} FlCountry;

#define FL_COUNTRIES_N_POPULOUS 20

const FlCountry *fl_countries_get_all           (guint        *n_countries);
const FlCountry *fl_countries_lookup            (const char   *code);
GStrv            fl_countries_list_codes        (void);
GStrv            fl_countries_list_populous     (void);
const char      *fl_country_get_display_name    (const FlCountry *country);

gboolean         fl_country_code_is_valid       (const char   *code);

G_END_DECLS
