/* fl-cli-args.c: the command line as argparse reads it, before GOption does
 *
 * The flags2 scripts parse their options with Python's argparse, which accepts a unique
 * prefix of a long option (--verb for --verbose) and a short option's value attached to it
 * (-l10). GOption knows neither: it reads -l10 as -l -1 -0 and --verb as unknown. This pass
 * rewrites the arguments into the spelling GOption reads, so `futures-lab-cli flags`
 * takes what the book's scripts take.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <string.h>

#include "fl-cli.h"

/* The options GOption adds by itself; none takes a value. */
static const GOptionEntry help_entries[] = {
  { "help", 'h', 0, G_OPTION_ARG_NONE, (gpointer) "help", NULL, NULL },
  { "help-all", 0, 0, G_OPTION_ARG_NONE, (gpointer) "help-all", NULL, NULL },
  { "help-server", 0, 0, G_OPTION_ARG_NONE, (gpointer) "help-server", NULL, NULL },
  { NULL }
};

static gboolean
takes_value (const GOptionEntry *entry)
{
  return entry->arg != G_OPTION_ARG_NONE
         && !(entry->arg == G_OPTION_ARG_CALLBACK && (entry->flags & G_OPTION_FLAG_NO_ARG));
}

static const GOptionEntry *
find_short (const GOptionEntry *const *tables,
            char                       name)
{
  for (guint t = 0; tables[t] != NULL; t++)
    for (const GOptionEntry *e = tables[t]; e->long_name != NULL; e++)
      if (e->short_name == name && name != '\0')
        return e;
  return NULL;
}

/* The entry whose long name is @name, or the only one (aliases of one option count once)
 * that @name is a prefix of. */
static const GOptionEntry *
find_long (const GOptionEntry *const *tables,
           const char                *name,
           gsize                      length,
           GError                   **error)
{
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint t = 0; tables[t] != NULL; t++)
    for (const GOptionEntry *e = tables[t]; e->long_name != NULL; e++)
      {
        if (e->long_name[0] == '\0')
          continue;
        if (strlen (e->long_name) == length && strncmp (e->long_name, name, length) == 0)
          return e;
        if (strncmp (e->long_name, name, length) == 0)
          {
            gboolean alias = FALSE;

            for (guint i = 0; i < matches->len; i++)
              {
                const GOptionEntry *m = g_ptr_array_index (matches, i);
                alias |= m->arg_data == e->arg_data && e->arg_data != NULL;
              }
            if (!alias)
              g_ptr_array_add (matches, (gpointer) e);
          }
      }

  if (matches->len == 1)
    return g_ptr_array_index (matches, 0);
  if (matches->len > 1)
    {
      g_autofree char *shown = g_strndup (name, length);

      for (guint i = 0; i < matches->len; i++)
        g_string_append_printf (names, "%s--%s", i > 0 ? ", " : "",
                                ((const GOptionEntry *) g_ptr_array_index (matches, i))->long_name);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("ambiguous option: --%s could match %s"), shown, names->str);
    }
  return NULL;
}

/**
 * fl_cli_normalize_args:
 * @argv: (inout) (transfer full): the arguments, argv[0] the program; replaced
 * @tables: the option tables of the command, %NULL-terminated
 *
 * Expands unique prefixes of long options and splits a value attached to a short option
 * (-l10, -vl10) from it, stopping at "--". An unknown or ambiguous option is left for
 * GOption to name, except an ambiguous prefix, which is an error here.
 */
gboolean
fl_cli_normalize_args (GStrv                     *argv,
                       const GOptionEntry *const *given,
                       GError                   **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) tables = g_ptr_array_new ();
  char **args = *argv;
  gboolean value_next = FALSE, rest = FALSE;

  for (guint t = 0; given[t] != NULL; t++)
    g_ptr_array_add (tables, (gpointer) given[t]);
  g_ptr_array_add (tables, (gpointer) help_entries);
  g_ptr_array_add (tables, NULL);

  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *arg = args[i];
      const GOptionEntry *const *all = (const GOptionEntry *const *) tables->pdata;

      if (i == 0 || value_next || rest || arg[0] != '-' || arg[1] == '\0')
        {
          g_ptr_array_add (out, g_strdup (arg));
          value_next = FALSE;
          continue;
        }
      if (strcmp (arg, "--") == 0)
        {
          rest = TRUE;
          g_ptr_array_add (out, g_strdup (arg));
          continue;
        }
      if (arg[1] == '-')
        {
          const char *equals = strchr (arg, '=');
          gsize length = equals != NULL ? (gsize) (equals - arg - 2) : strlen (arg + 2);
          const GOptionEntry *entry = find_long (all, arg + 2, length, error);

          if (entry == NULL && error != NULL && *error != NULL)
            return FALSE;
          if (entry == NULL)
            g_ptr_array_add (out, g_strdup (arg));
          else
            {
              g_ptr_array_add (out, g_strdup_printf ("--%s%s", entry->long_name,
                                                             equals != NULL ? equals : ""));
              value_next = equals == NULL && takes_value (entry);
            }
          continue;
        }

      /* A cluster of short options: split after the first one that takes a value. */
      {
        gsize length = strlen (arg);
        gboolean split = FALSE;

        for (gsize j = 1; j < length && !split; j++)
          {
            const GOptionEntry *entry = find_short (all, arg[j]);

            if (entry == NULL)
              break;
            if (takes_value (entry))
              {
                if (j + 1 < length)
                  {
                    g_ptr_array_add (out, g_strndup (arg, j + 1));
                    g_ptr_array_add (out, g_strdup (arg + j + 1));
                  }
                else
                  {
                    g_ptr_array_add (out, g_strdup (arg));
                    value_next = TRUE;
                  }
                split = TRUE;
              }
          }
        if (!split)
          g_ptr_array_add (out, g_strdup (arg));
      }
    }

  g_ptr_array_add (out, NULL);
  g_strfreev (*argv);
  *argv = (GStrv) g_ptr_array_steal (out, NULL);
  return TRUE;
}
