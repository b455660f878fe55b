/* fl-cli-json-line.c: one JSON object per line, with numbers as people write them
 *
 * json-glib prints doubles with 17 significant digits (0.23138700000000001); these lines are
 * read by people as much as by programs, so seconds are printed with a fixed number of
 * decimals instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-cli.h"
#include "fl-cli-flags.h"

static void
add_key (FlJsonLine *line,
         const char *key)
{
  g_string_append (line->text, line->text->len > 1 ? ",\"" : "\"");
  g_string_append (line->text, key);   /* keys are our own identifiers */
  g_string_append (line->text, "\":");
}

void
fl_json_line_init (FlJsonLine *line)
{
  line->text = g_string_new ("{");
}

void
fl_json_line_add_string (FlJsonLine *line,
                         const char *key,
                         const char *value)
{
  add_key (line, key);
  if (value == NULL)
    {
      g_string_append (line->text, "null");
      return;
    }
  g_string_append_c (line->text, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (line->text, "\\%c", c);
      else if (c == '\n')
        g_string_append (line->text, "\\n");
      else if (c < 0x20)
        g_string_append_printf (line->text, "\\u%04x", c);
      else
        g_string_append_c (line->text, c);   /* UTF-8 passes through */
    }
  g_string_append_c (line->text, '"');
}

void
fl_json_line_add_int (FlJsonLine *line,
                      const char *key,
                      gint64      value)
{
  add_key (line, key);
  g_string_append_printf (line->text, "%" G_GINT64_FORMAT, value);
}

void
fl_json_line_add_double (FlJsonLine *line,
                         const char *key,
                         double      value,
                         int         decimals)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  add_key (line, key);
  if (value < 0)
    {
      g_string_append (line->text, "null");   /* not measured */
      return;
    }
  g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 9));
  g_string_append (line->text, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

void
fl_json_line_add_bool (FlJsonLine *line,
                       const char *key,
                       gboolean    value)
{
  add_key (line, key);
  g_string_append (line->text, value ? "true" : "false");
}

/* Prints the line on stdout and frees it. */
void
fl_json_line_print (FlJsonLine *line)
{
  g_string_append_c (line->text, '}');
  fl_cli_print_json_object (line->text->str);
  g_string_free (g_steal_pointer (&line->text), TRUE);
}
