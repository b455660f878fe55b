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
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "futures-lab-server.h"
#include "fl-cli.h"
#include "fl-cli-flags.h"

#define DEFAULT_THREADS_CONCURRENCY 30   /* flags2_threadpool.py DEFAULT_CONCUR_REQ */
#define DEFAULT_ASYNC_CONCURRENCY    5   /* flags2_asyncio.py DEFAULT_CONCUR_REQ */
#define MAX_REQ_NOT_GIVEN      G_MININT
#define REMOTE_SITE "https://www.fluentpython.com/data/flags"   /* flags2_common.py SERVERS */

/* -a: the 194 codes of the book's country_codes.txt (example-code-2e,
 * 20-executors/getflags/country_codes.txt), the flags its flags.zip and REMOTE site have:
 * the 193 UN members but DO, plus TW and VA. Every one of them is in data/countries.json. */
static const char book_country_codes[] =
  "AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT "
  "BW BY BZ CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DZ EC EE "
  "EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID "
  "IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK "
  "LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA "
  "NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB "
  "SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR "
  "TT TV TW TZ UA UG US UY UZ VA VC VE VN VU WS YE ZA ZM ZW";

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
  char     *time_scale;
  FlCliFaultOptions fault;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->server);
  g_free (options->mode);
  g_free (options->output);
  g_free (options->trace);
  g_free (options->time_scale);
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

/* As flags2's expand_cc_args(): -e every pair AA..ZZ (it wins over -a, as there), -a the
 * book's country list, otherwise the arguments, where one letter stands for its 26 pairs;
 * sorted, then cut to @limit. */
static GStrv
expand_codes (char     **args,
              gboolean   all,
              gboolean   every,
              int        limit,
              GError   **error)
{
  g_auto(GStrv) codes = NULL;

  if (every)
    codes = fl_codes_every_pair ();
  else if (all)
    {
      g_autofree char *lower = g_ascii_strdown (book_country_codes, -1);

      codes = g_strsplit (lower, " ", -1);
    }
  else if (args == NULL || args[0] == NULL)
    codes = fl_countries_list_populous ();
  else
    codes = fl_codes_expand ((const char * const *) args, error);
  if (codes == NULL)
    return NULL;
  return fl_codes_sorted ((const char * const *) codes, (guint) MAX (limit, 0));
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

/* The port of an http(s):// URL as written, or NULL when it names none. */
static char *
written_port (const char *text)
{
  const char *authority = strstr (text, "://");
  const char *end, *colon;

  if (authority == NULL)
    return NULL;
  authority += 3;
  end = authority + strcspn (authority, "/?#");
  colon = memchr (authority, ']', end - authority);    /* [::1]:port */
  colon = memchr (colon != NULL ? colon : authority, ':', end - (colon != NULL ? colon : authority));
  return colon != NULL ? g_strndup (colon + 1, end - colon - 1) : NULL;
}

/* Whether @text is an http:// or https:// URL with a host and a good port; the error names
 * what is wrong with it. */
static gboolean
check_http_url (const char  *text,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *port = NULL;
  const char *scheme;
  guint64 number = 0;

  if (!g_str_has_prefix (text, "http://") && !g_str_has_prefix (text, "https://")
      && !(g_ascii_strncasecmp (text, "http", 4) == 0 && strstr (text, "://") != NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("unknown server “%s”: use LOCAL, DELAY, ERROR or an http:// URL"), text);
      return FALSE;
    }
  port = written_port (text);
  /* An empty port is the scheme's (RFC 3986). */
  if (port != NULL && port[0] != '\0'
      && !g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("bad port “%s” in “%s”: a port is a number from 1 to 65535"), port, text);
      return FALSE;
    }
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL
      || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("unknown server “%s”: use LOCAL, DELAY, ERROR or an http:// URL"), text);
      return FALSE;
    }
  return TRUE;
}

/* Parses @args (argv[0] the command) into @options: the flags2 options as argparse reads
 * them (fl_cli_normalize_args()), --max_req beside --max-req. */
static GOptionContext *
make_context (Options   *options,
              char    ***rest,
              GStrv     *args,
              GError   **error)
{
  const GOptionEntry entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &options->all,
      N_("Get every flag the server should have (every known ISO 3166-1 code)"), NULL },
    { "every", 'e', 0, G_OPTION_ARG_NONE, &options->every,
      N_("Try every pair of letters AA..ZZ (most are not found)"), NULL },
    { "limit", 'l', 0, G_OPTION_ARG_INT, &options->limit,
      N_("Only the first N codes after sorting"), N_("N") },
    { "max-req", 'm', 0, G_OPTION_ARG_INT, &options->max_req,
      N_("Most requests at once, at most 1000 (default 30 for threads, 5 for async, as flags2)"),
      N_("N") },
    { "max_req", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &options->max_req, NULL, N_("N") },
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
    { "time-scale", 0, 0, G_OPTION_ARG_STRING, &options->time_scale,
      N_("Slow motion: 1 (default), 0.5, 0.2 or 0.1 stretches the server's delays by 1/SCALE; "
         "times reported stay real"), N_("SCALE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, rest, NULL, N_("[CC…]") },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (NULL);
  g_autofree GOptionEntry *fault_entries = NULL;
  const GOptionEntry *tables[3] = { entries, NULL, NULL };

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Download flags of countries, as the flags2 scripts do. Without "
                                  "codes: the 20 most populous countries. One letter stands for "
                                  "the 26 codes starting with it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, fl_cli_fault_option_group (&options->fault));

  fault_entries = fl_cli_fault_option_entries (&options->fault);
  tables[1] = fault_entries;
  if (fl_cli_normalize_args (args, tables, error))
    g_option_context_parse_strv (context, args, error);
  return context;
}

/* Checks the options; returns the usage exit code after printing why, or 0. */
static int
check_options (GOptionContext *context,
               Options        *options,
               FlFlagsMode    *mode,
               FlServerPreset *preset,
               double         *scale,
               gboolean       *embedded)
{
  g_autoptr(GError) error = NULL;

  /* flags2_common.py's own checks and words; -a -e is -e there. */
  if (options->limit < 1)
    return fl_cli_usage_error (context, _("--limit N must be >= 1, not %d"), options->limit);
  if (options->max_req != MAX_REQ_NOT_GIVEN && options->max_req < 1)
    return fl_cli_usage_error (context, _("--max_req CONCURRENT must be >= 1, not %d"),
                               options->max_req);
  if (!(options->timeout > 0 && options->timeout <= 3600))
    return fl_cli_usage_error (context, _("the timeout must be more than 0 and at most 3600 "
                                          "seconds"));
  if (options->trace != NULL && !fl_cli_check_writable (options->trace, &error))
    return fl_cli_usage_error (context, "--trace: %s", error->message);
  if (options->time_scale != NULL && !fl_time_scale_parse (options->time_scale, scale, &error))
    return fl_cli_usage_error (context, "--time-scale: %s", error->message);
  if (options->mode != NULL && !fl_flags_mode_from_string (options->mode, mode))
    return fl_cli_usage_error (context, _("unknown mode “%s” (sequential, threads, async or "
                                          "processes)"), options->mode);

  *embedded = fl_server_preset_from_string (options->server, preset);
  if (!*embedded && g_ascii_strcasecmp (options->server, "REMOTE") == 0)
    return fl_cli_usage_error (context, _("-s REMOTE is the book's site, %s, and there is no "
                                          "network here: Futures Lab serves the flags on this "
                                          "machine. Use LOCAL, DELAY or ERROR (the book's three "
                                          "local servers), or give a site's URL with -s"), REMOTE_SITE);
  if (!*embedded && !check_http_url (options->server, &error))
    return fl_cli_usage_error (context, "%s", error->message);
  if (!*embedded && (fl_cli_fault_options_were_given (&options->fault)
                     || options->fault.seed != -1))
    return fl_cli_usage_error (context, _("the server options only apply to the embedded "
                                          "server (-s LOCAL, DELAY or ERROR)"));
  return 0;
}

/* Whole milliseconds, rounded up: 0 would mean no deadline at all. */
static guint
timeout_ms (double seconds)
{
  return (guint) MAX (1.0, ceil (seconds * 1000 - 1e-9));
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
  g_auto(GStrv) args = g_strdupv (argv);
  g_auto(GStrv) codes = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *server_name = NULL;
  Options options = { .limit = G_MAXINT, .max_req = MAX_REQ_NOT_GIVEN, .timeout = 3.1 };
  FlFlagsMode mode = FL_FLAGS_MODE_THREADS;
  FlServerPreset preset = FL_SERVER_PRESET_LOCAL;
  Interrupt interrupt = { 0 };
  gboolean embedded = FALSE;
  double scale = 1.0;
  guint concurrency, sigint_id;
  int status = 0;

  g_return_val_if_fail (argc >= 1, FL_CLI_EXIT_USAGE);
  context = make_context (&options, &rest, &args, &error);
  if (error != NULL)
    status = fl_cli_usage_error (context, "%s", error->message);
  /* Defaults afterwards: GOption would drop a preset string without freeing it. */
  if (options.server == NULL)
    options.server = g_strdup ("LOCAL");
  if (options.output == NULL)
    options.output = g_strdup ("downloads");
  if (status == 0)
    status = check_options (context, &options, &mode, &preset, &scale, &embedded);
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

  fl_flags_mode_prepare (mode);
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
  else if (options.max_req != MAX_REQ_NOT_GIVEN)
    concurrency = MIN (options.max_req, FL_DOWNLOAD_MAX_CONCURRENCY);   /* MAX_CONCUR_REQ */
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
  fl_flags_run_set_time_scale (run, scale);

  print_initial_report (options.json ? stderr : stdout, server_name, base_url, config, codes,
                        mode, concurrency, options.output);

  report = fl_flags_report_new (run, options.json, options.verbose);
  interrupt.run = run;
  sigint_id = fl_cli_add_interrupt (on_interrupt, &interrupt);

  if (!fl_flags_run_start (run, (const char *const *) codes, base_url, options.output,
                           timeout_ms (options.timeout), options.metadata, &error))
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
    return fl_cli_interrupted_status ();
  return status;
}
