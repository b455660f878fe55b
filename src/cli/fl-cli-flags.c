/* fl-cli-flags.c: `futures-lab-cli flags`, the flags2 scripts on the engine
 *
 * The options, defaults and reports follow the flags2 scripts (flags2_common.py and its
 * sequential, threadpool and asyncio mains) so that their readers feel at home: the same
 * -a/-e/-l/-m/-s/-v, the same "N flags downloaded." report, the same three servers, here
 * started in-process on their own thread unless -s names a URL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "futures-lab-server.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"

#define DEFAULT_THREADS_CONCURRENCY 30   /* flags2_threadpool.py DEFAULT_CONCUR_REQ */
#define DEFAULT_ASYNC_CONCURRENCY    5   /* flags2_asyncio.py DEFAULT_CONCUR_REQ */

typedef struct
{
  gboolean  all;
  gboolean  every;
  int       limit;
  int       max_req;
  char     *server;
  gboolean  verbose;
  char     *mode;
  char     *output;
  double    timeout;
  gboolean  json;
  char     *trace;
  gboolean  metadata;
  FlCliFaultOptions fault;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->server);
  g_free (options->mode);
  g_free (options->output);
  g_free (options->trace);
  fl_cli_fault_options_clear (&options->fault);
}

typedef struct
{
  FlFlagsRun *run;
  gboolean    interrupted;
} Interrupt;

static gboolean
on_interrupt (gpointer data)
{
  Interrupt *interrupt = data;

  if (!interrupt->interrupted)
    {
      interrupt->interrupted = TRUE;
      fl_flags_run_interrupt (interrupt->run);
    }
  return G_SOURCE_CONTINUE;
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* As flags2's expand_cc_args(): -e every pair AA..ZZ, -a every known code, otherwise the
 * arguments, where one letter stands for its 26 pairs; sorted, then cut to @limit. */
static GStrv
expand_codes (char     **args,
              gboolean   all,
              gboolean   every,
              int        limit,
              GError   **error)
{
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char **sorted = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  if (every)
    {
      for (char a = 'a'; a <= 'z'; a++)
        for (char b = 'a'; b <= 'z'; b++)
          g_hash_table_add (set, g_strdup_printf ("%c%c", a, b));
    }
  else if (all)
    {
      g_auto(GStrv) known = fl_countries_list_codes ();

      for (guint i = 0; known[i] != NULL; i++)
        g_hash_table_add (set, g_strdup (known[i]));
    }
  else if (args == NULL || args[0] == NULL)
    {
      g_auto(GStrv) populous = fl_countries_list_populous ();

      for (guint i = 0; populous[i] != NULL; i++)
        g_hash_table_add (set, g_strdup (populous[i]));
    }
  else
    {
      for (guint i = 0; args[i] != NULL; i++)
        {
          g_autofree char *cc = g_ascii_strdown (args[i], -1);
          gsize len = strlen (cc);

          if (len == 1 && g_ascii_islower (cc[0]))
            {
              for (char b = 'a'; b <= 'z'; b++)
                g_hash_table_add (set, g_strdup_printf ("%c%c", cc[0], b));
            }
          else if (fl_country_code_is_valid (cc))
            g_hash_table_add (set, g_steal_pointer (&cc));
          else
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("“%s”: each CC argument must be A to Z or AA to ZZ"), args[i]);
              return NULL;
            }
        }
    }

  sorted = (char **) g_hash_table_get_keys_as_array (set, &n);
  qsort (sorted, n, sizeof (char *), compare_codes);
  for (guint i = 0; i < n && (limit < 0 || i < (guint) limit); i++)
    g_strv_builder_add (builder, sorted[i]);
  return g_strv_builder_end (builder);
}

static void
print_initial_report (FILE              *out,
                      const char        *server_name,
                      const char        *base_url,
                      const FlFaultConfig *config,
                      char             **codes,
                      FlFlagsMode        mode,
                      guint              concurrency,
                      const char        *output)
{
  guint n = g_strv_length (codes);
  g_autofree char *first = g_ascii_strup (codes[0], -1);
  g_autofree char *last = g_ascii_strup (codes[n - 1], -1);

  if (server_name != NULL)
    {
      g_autofree char *faults = fl_fault_config_describe (config);

      fprintf (out, _("%s site: %s\n"), server_name, base_url);
      fprintf (out, _("Embedded server: %s\n"), faults);
    }
  else
    fprintf (out, _("Site: %s\n"), base_url);

  if (n <= 10)
    {
      g_autofree char *joined = g_strjoinv (", ", codes);
      g_autofree char *upper = g_ascii_strup (joined, -1);

      fprintf (out, ngettext ("Searching for %u flag: %s\n", "Searching for %u flags: %s\n", n),
               n, upper);
    }
  else
    fprintf (out, ngettext ("Searching for %u flag: from %s to %s\n",
                            "Searching for %u flags: from %s to %s\n", n), n, first, last);
  fprintf (out, ngettext ("%u concurrent connection will be used (mode %s).\n",
                          "%u concurrent connections will be used (mode %s).\n", concurrency),
           concurrency, fl_flags_mode_to_string (mode));
  fprintf (out, _("Saving to %s\n"), output);
  fflush (out);
}

static gboolean
is_http_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return scheme != NULL
         && (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
         && g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0';
}

static GOptionContext *
make_context (Options   *options,
              char    ***rest)
{
  const GOptionEntry entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &options->all,
      N_("Get every flag the server should have (every known ISO 3166-1 code)"), NULL },
    { "every", 'e', 0, G_OPTION_ARG_NONE, &options->every,
      N_("Try every pair of letters AA..ZZ (most are not found)"), NULL },
    { "limit", 'l', 0, G_OPTION_ARG_INT, &options->limit,
      N_("Only the first N codes after sorting"), N_("N") },
    { "max-req", 'm', 0, G_OPTION_ARG_INT, &options->max_req,
      N_("Most requests at once (default 30 for threads, 5 for async, as flags2)"), N_("N") },
    { "server", 's', 0, G_OPTION_ARG_STRING, &options->server,
      N_("LOCAL, DELAY, ERROR (embedded server, default LOCAL) or a base URL"), N_("SERVER") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options->verbose,
      N_("One line per flag, no progress bar"), NULL },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &options->mode,
      N_("sequential, threads (default), async or processes"), N_("MODE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options->output,
      N_("Folder for the flags (default downloads/)"), N_("DIR") },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &options->timeout,
      N_("Seconds allowed per request (default 3.1)"), N_("S") },
    { "metadata", 0, 0, G_OPTION_ARG_NONE, &options->metadata,
      N_("Also fetch each country's metadata.json and show its name"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("JSON Lines on stdout: one per future transition, then a summary"), NULL },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &options->trace,
      N_("Save a Chrome trace of the run (opens in Perfetto)"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, rest, NULL, N_("[CC…]") },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Download flags of countries, as the flags2 scripts do. Without "
                                  "codes: the 20 most populous countries. One letter stands for "
                                  "the 26 codes starting with it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, fl_cli_fault_option_group (&options->fault));
  return context;
}

/* Checks the options; returns the usage exit code after printing why, or 0. */
static int
check_options (GOptionContext *context,
               Options        *options,
               FlFlagsMode    *mode,
               FlServerPreset *preset,
               gboolean       *embedded)
{
  if (options->all && options->every)
    return fl_cli_usage_error (context, _("-a and -e cannot be used together"));
  if (options->limit != -1 && options->limit < 1)
    return fl_cli_usage_error (context, _("the limit must be 1 or more, not %d"), options->limit);
  if (options->max_req != -1 && (options->max_req < 1
                                 || options->max_req > FL_DOWNLOAD_MAX_CONCURRENCY))
    return fl_cli_usage_error (context, _("-m must be between 1 and %d, not %d"),
                               FL_DOWNLOAD_MAX_CONCURRENCY, options->max_req);
  if (!(options->timeout > 0 && options->timeout <= 3600))
    return fl_cli_usage_error (context, _("the timeout must be more than 0 and at most 3600 "
                                          "seconds"));
  if (options->mode != NULL && !fl_flags_mode_from_string (options->mode, mode))
    return fl_cli_usage_error (context, _("unknown mode “%s” (sequential, threads, async or "
                                          "processes)"), options->mode);

  *embedded = fl_server_preset_from_string (options->server, preset);
  if (!*embedded && !is_http_url (options->server))
    return fl_cli_usage_error (context, _("unknown server “%s”: use LOCAL, DELAY, ERROR or an "
                                          "http:// URL"), options->server);
  if (!*embedded && (fl_cli_fault_options_were_given (&options->fault)
                     || options->fault.seed != -1))
    return fl_cli_usage_error (context, _("the server options only apply to the embedded "
                                          "server (-s LOCAL, DELAY or ERROR)"));
  return 0;
}

int
fl_cli_flags_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlFaultConfig) config = NULL;
  g_autoptr(FlFlagServer) server = NULL;
  g_autoptr(FlTrace) trace = NULL;
  g_autoptr(FlFlagsRun) run = NULL;
  g_autoptr(FlFlagsReport) report = NULL;
  g_auto(GStrv) rest = NULL;
  g_auto(GStrv) codes = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *server_name = NULL;
  Options options = { .limit = -1, .max_req = -1, .timeout = 3.1 };
  FlFlagsMode mode = FL_FLAGS_MODE_THREADS;
  FlServerPreset preset = FL_SERVER_PRESET_LOCAL;
  Interrupt interrupt = { 0 };
  gboolean embedded = FALSE;
  guint concurrency, sigint_id;
  int status = 0;

  context = make_context (&options, &rest);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = fl_cli_usage_error (context, "%s", error->message);
  /* Defaults afterwards: GOption would drop a preset string without freeing it. */
  if (options.server == NULL)
    options.server = g_strdup ("LOCAL");
  if (options.output == NULL)
    options.output = g_strdup ("downloads");
  if (status == 0)
    status = check_options (context, &options, &mode, &preset, &embedded);
  if (status == 0)
    {
      codes = expand_codes (rest, options.all, options.every, options.limit, &error);
      if (codes == NULL)
        status = fl_cli_usage_error (context, "%s", error->message);
    }
  if (status == 0 && embedded)
    {
      config = fl_fault_config_new (preset);
      if (!fl_cli_fault_options_apply (&options.fault, config, &error))
        status = fl_cli_usage_error (context, "%s", error->message);
    }
  if (status != 0)
    {
      options_clear (&options);
      return status;
    }

  if (g_mkdir_with_parents (options.output, 0755) != 0)
    {
      int saved_errno = errno;

      g_printerr (_("%s: cannot create “%s”: %s\n"), g_get_prgname (), options.output,
                  g_strerror (saved_errno));
      options_clear (&options);
      return FL_CLI_EXIT_FAILURE;
    }

  if (embedded)
    {
      server = fl_flag_server_new (config);
      if (!fl_flag_server_start (server, &error))
        {
          g_printerr (_("%s: cannot start the flag server: %s\n"), g_get_prgname (),
                      error->message);
          options_clear (&options);
          return FL_CLI_EXIT_FAILURE;
        }
      base_url = fl_flag_server_dup_base_url (server);
      server_name = g_strdup (fl_server_preset_to_string (preset));
    }
  else
    base_url = g_strdup (options.server);

  if (mode == FL_FLAGS_MODE_SEQUENTIAL)
    concurrency = 1;
  else if (options.max_req != -1)
    concurrency = options.max_req;
  else if (mode == FL_FLAGS_MODE_PROCESSES)
    concurrency = g_get_num_processors ();    /* ProcessPoolExecutor's default */
  else
    concurrency = mode == FL_FLAGS_MODE_ASYNC ? DEFAULT_ASYNC_CONCURRENCY
                                              : DEFAULT_THREADS_CONCURRENCY;
  concurrency = MIN (concurrency, g_strv_length (codes));

  trace = fl_trace_new ("futures-lab-cli flags");
  fl_trace_set_metadata (trace, "mode", fl_flags_mode_to_string (mode));
  fl_trace_set_metadata (trace, "server", base_url);
  run = fl_flags_run_new (mode, concurrency, trace, &error);
  g_assert (run != NULL);   /* every mode but processes, refused above */

  print_initial_report (options.json ? stderr : stdout, server_name, base_url, config, codes,
                        mode, concurrency, options.output);

  report = fl_flags_report_new (run, options.json, options.verbose);
  interrupt.run = run;
  sigint_id = fl_cli_add_interrupt (on_interrupt, &interrupt);

  if (!fl_flags_run_start (run, (const char *const *) codes, base_url, options.output,
                           (guint) (options.timeout * 1000 + 0.5), options.metadata, &error))
    {
      g_printerr (_("%s: cannot submit: %s\n"), g_get_prgname (), error->message);
      status = FL_CLI_EXIT_FAILURE;
    }
  fl_flags_run_wait (run);
  fl_flags_report_finish (report, interrupt.interrupted);
  g_source_remove (sigint_id);

  if (options.trace != NULL && !fl_trace_save (trace, options.trace, &error))
    {
      g_printerr (_("%s: cannot save the trace: %s\n"), g_get_prgname (), error->message);
      status = FL_CLI_EXIT_FAILURE;
    }

  if (server != NULL)
    fl_flag_server_stop (server);
  options_clear (&options);
  if (interrupt.interrupted)
    return FL_CLI_EXIT_INTERRUPTED;
  return status;
}
