/* fl-codes.c: which country codes a flags run downloads, as flags2 reads its arguments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * flags2's expand_cc_args(): a two-letter argument is that code, a one-letter argument
 * stands for its 26 pairs (A is AA … AZ, known country or not: the server answers 404 for
 * the others, which is part of the lesson). The Flags page's codes field and
 * `futures-lab-cli flags` both read codes here, so one letter means the same everywhere.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gio/gio.h>

#include "fl-codes.h"
#include "fl-countries.h"

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/**
 * fl_codes_sorted:
 * @codes: codes, in any order, maybe repeated
 * @limit: how many to keep at most, 0 for all
 *
 * Returns: (transfer full): the codes sorted, each once, cut to @limit
 */
GStrv
fl_codes_sorted (const char * const *codes,
                 guint               limit)
{
  g_autoptr(GHashTable) set = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree const char **sorted = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  for (guint i = 0; codes[i] != NULL; i++)
    g_hash_table_add (set, (gpointer) codes[i]);
  sorted = (const char **) g_hash_table_get_keys_as_array (set, &n);
  qsort (sorted, n, sizeof (char *), compare_codes);
  for (guint i = 0; i < n && (limit == 0 || i < limit); i++)
    g_strv_builder_add (builder, sorted[i]);
  return g_strv_builder_end (builder);
}

/**
 * fl_codes_every_pair:
 *
 * Returns: (transfer full): aa, ab, … zz: the 676 pairs of flags2's -e
 */
GStrv
fl_codes_every_pair (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (char a = 'a'; a <= 'z'; a++)
    for (char b = 'a'; b <= 'z'; b++)
      {
        char cc[3] = { a, b, '\0' };

        g_strv_builder_add (builder, cc);
      }
  return g_strv_builder_end (builder);
}

/**
 * fl_codes_expand:
 * @tokens: arguments, each one or two letters (any case)
 *
 * Returns: (transfer full): the codes @tokens stand for, lower case, sorted, each once; or
 *   %NULL with @error set to say which argument is not a code
 */
GStrv
fl_codes_expand (const char * const  *tokens,
                 GError             **error)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_autofree char *cc = g_ascii_strdown (tokens[i], -1);

      if (strlen (cc) == 1 && g_ascii_islower (cc[0]))
        {
          for (char b = 'a'; b <= 'z'; b++)
            g_ptr_array_add (codes, g_strdup_printf ("%c%c", cc[0], b));
        }
      else if (fl_country_code_is_valid (cc))
        g_ptr_array_add (codes, g_steal_pointer (&cc));
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s”: each CC argument must be A to Z or AA to ZZ"), tokens[i]);
          return NULL;
        }
    }
  g_ptr_array_add (codes, NULL);
  return fl_codes_sorted ((const char * const *) codes->pdata, 0);
}

/**
 * fl_codes_parse:
 * @text: codes as typed in a field: "CN IN, US; a"
 *
 * Returns: (transfer full): as fl_codes_expand() for the words of @text (an empty
 *   vector when there are none), or %NULL with @error set
 */
GStrv
fl_codes_parse (const char  *text,
                GError     **error)
{
  g_auto(GStrv) words = g_strsplit_set (text, " ,;\t\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) tokens = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (builder, words[i]);
  tokens = g_strv_builder_end (builder);
  return fl_codes_expand ((const char * const *) tokens, error);
}
