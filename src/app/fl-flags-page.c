/* fl-flags-page.c: download flags sequentially, on threads, and async on the loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The flags2 lesson with a window around it. Each mode is one executor over the same job:
 *  - sequential: a thread pool of one worker (the loop stays free, the downloads queue);
 *  - threads: a thread pool of N workers running the blocking download;
 *  - async: the loop executor running the async download on the main loop, at most N at once;
 *  - processes: N futures-lab-worker processes, each running the blocking download (the
 *    ProcessPoolExecutor analogue: the job crosses a pipe as data, the file is saved there).
 * Done callbacks arrive batched from the engine; they only queue the future. A tick callback
 * decodes the arrived flags within a small time budget per frame, so a burst of completions
 * never blocks a frame.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "fl-flag-grid.h"
#include "fl-flags-page.h"
#include "fl-futures-list.h"
#include "fl-prediction-questions.h"
#include "fl-run-chart.h"
#include "fl-settings.h"
#include "fl-source-view.h"
#include "fl-timeline.h"
#include "futures-lab-tasks.h"

#define DECODE_BUDGET_US 3000

struct _FlFlagsPage
{
  FlPage          parent_instance;

  /* template */
  GtkStack       *stack;
  GtkSpinButton  *workers_spin;
  GtkDropDown    *codes_dropdown;
  GtkEntry       *codes_entry;
  GtkSpinButton  *limit_spin;
  GtkDropDown    *server_dropdown;
  GtkEntry       *delay_entry;
  GtkEntry       *error_entry;
  GtkSpinButton  *seed_spin;
  GtkEntry       *url_entry;
  GtkSpinButton  *timeout_spin;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkLabel       *summary_label;
  FlFlagGrid     *flag_grid;
  FlTimeline     *timeline;
  FlFuturesList  *futures_list;
  FlRunChart     *run_chart;

  /* owned */
  GPtrArray      *arrived;        /* FlFuture, done, not yet shown in the grid */
  guint           decode_tick;
  double          ideal;
  char           *setting;        /* the server the run ran against, for the run chart */
  FlExecutor     *pool;           /* the warm process pool, kept from run to run */
  char           *output_dir;
  FlFlagsSummary  summary;
  gboolean        have_summary;
  char           *summary_text;   /* the summary line, before any time cursor prefix */
};

static const char * const modes[] = { "sequential", "threads", "async", "processes", NULL };

G_DEFINE_FINAL_TYPE (FlFlagsPage, fl_flags_page, FL_TYPE_PAGE)

static const char *
mode_title (const char *mode)
{
  if (g_str_equal (mode, "sequential"))
    return _("Sequential");
  if (g_str_equal (mode, "threads"))
    return _("Thread pool");
  if (g_str_equal (mode, "processes"))
    return _("Process pool");
  return _("Async on the main loop");
}

/* The codes of the next run, sorted, without duplicates, limited; or an error that says
 * what is wrong with the user's input. */
static GStrv
collect_codes (FlFlagsPage  *self,
               GError      **error)
{
  guint limit = gtk_spin_button_get_value_as_int (self->limit_spin);
  g_auto(GStrv) codes = NULL;

  switch (gtk_drop_down_get_selected (self->codes_dropdown))
    {
    case FL_FLAGS_CODES_ALL:
      codes = fl_countries_list_codes ();
      break;
    case FL_FLAGS_CODES_PAIRS:
      codes = fl_codes_every_pair ();
      break;
    case FL_FLAGS_CODES_CUSTOM:
      codes = fl_codes_parse (gtk_editable_get_text (GTK_EDITABLE (self->codes_entry)), error);
      if (codes == NULL)
        return NULL;
      if (codes[0] == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Type some country codes, e.g. “CN IN US”"));
          return NULL;
        }
      break;
    case FL_FLAGS_CODES_POPULOUS:
    default:
      codes = fl_countries_list_populous ();
      break;
    }
  return fl_codes_sorted ((const char * const *) codes, limit);
}

/* The embedded server's settings chosen on the page (not for the base URL choice). */
static FlFaultConfig *
embedded_config (FlFlagsPage  *self,
                 GError      **error)
{
  g_autoptr(FlFaultConfig) config = NULL;

  switch (gtk_drop_down_get_selected (self->server_dropdown))
    {
    case FL_FLAGS_SERVER_DELAY:
      config = fl_fault_config_new (FL_SERVER_PRESET_DELAY);
      break;
    case FL_FLAGS_SERVER_ERROR:
      config = fl_fault_config_new (FL_SERVER_PRESET_ERROR);
      break;
    case FL_FLAGS_SERVER_CUSTOM:
      config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
      if (!fl_parse_delay_range (gtk_editable_get_text (GTK_EDITABLE (self->delay_entry)),
                                 &config->delay_min_ms, &config->delay_max_ms, error)
          || !fl_parse_rate (gtk_editable_get_text (GTK_EDITABLE (self->error_entry)),
                             &config->error_rate, error))
        return NULL;
      break;
    case FL_FLAGS_SERVER_LOCAL:
    default:
      config = fl_fault_config_new (FL_SERVER_PRESET_LOCAL);
      break;
    }
  config->seed = (guint64) gtk_spin_button_get_value_as_int (self->seed_spin);
  if (!fl_fault_config_validate (config, error))
    return NULL;
  return g_steal_pointer (&config);
}

/* Where the downloads go: the embedded server (configured from the controls) or the
 * user's base URL. Returns the base URL, sets the ideal per-request delay. */
static char *
prepare_server (FlFlagsPage  *self,
                double       *mean_delay_s,
                GError      **error)
{
  guint choice = gtk_drop_down_get_selected (self->server_dropdown);
  FlFlagServer *server;
  g_autoptr(FlFaultConfig) config = NULL;

  *mean_delay_s = 0;
  if (choice == FL_FLAGS_SERVER_URL)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->url_entry));
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
      const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
      g_autofree char *base = NULL;

      if (uri == NULL || scheme == NULL
          || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
          || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a base URL: use http://host:port/path, where the server "
                         "has path/cc/cc.gif"), text);
          return NULL;
        }
      base = g_strdup (text);
      while (g_str_has_suffix (base, "/"))
        base[strlen (base) - 1] = '\0';
      g_free (self->setting);
      self->setting = g_strdup (base);
      return g_steal_pointer (&base);
    }

  server = fl_page_get_server (FL_PAGE (self));
  if (server == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("The embedded flag server is not running; use another server "
                             "through its base URL"));
      return NULL;
    }

  config = embedded_config (self, error);
  if (config == NULL)
    return NULL;

  fl_flag_server_set_fault_config (server, config);
  fl_flag_server_reset_stats (server);
  g_free (self->setting);
  /* TRANSLATORS: the embedded server's settings a run ran against, under its run chart bar */
  self->setting = g_strdup_printf (_("delay %u–%u ms, %.0f%% errors"), config->delay_min_ms,
                                   config->delay_max_ms, config->error_rate * 100);
  *mean_delay_s = (config->delay_min_ms + config->delay_max_ms) / 2000.0;
  return fl_flag_server_dup_base_url (server);
}

static FlExecutor *
make_executor (const char *mode,
               guint       workers)
{
  if (g_str_equal (mode, "sequential"))
    return fl_thread_executor_new (1);
  if (g_str_equal (mode, "threads"))
    return fl_thread_executor_new (workers);
  return fl_loop_executor_new (NULL, workers);
}

/* A process run borrows the page's warm pool: its workers were spawned once (each by its
 * lane's thread, never by the main loop) and wait for the next run, so a run starts at
 * once and the window never waits for 20 fork()s. A pool of another size, or one that
 * broke, is replaced; the old one closes its idle workers in the background. */
static FlRun *
make_process_run (FlFlagsPage *self,
                  const char  *mode,
                  guint        workers)
{
  if (self->pool != NULL
      && ((guint) fl_executor_get_max_workers (self->pool) != workers
          || fl_process_executor_is_broken (FL_PROCESS_EXECUTOR (self->pool))))
    {
      fl_executor_shutdown (self->pool, FALSE, TRUE);
      g_clear_object (&self->pool);
    }
  if (self->pool == NULL)
    self->pool = fl_process_executor_new (workers);
  return fl_run_new_borrowed (mode, mode_title (mode), self->pool);
}

static void
show_arrived (FlFlagsPage *self,
              FlFuture    *future)
{
  g_autoptr(GVariant) info = g_variant_ref_sink (fl_download_describe_future (future));
  const char *cc = NULL, *path = NULL, *err = NULL;

  g_variant_lookup (info, "cc", "&s", &cc);
  g_variant_lookup (info, "path", "&s", &path);
  g_variant_lookup (info, "error", "&s", &err);
  if (cc == NULL)
    return;

  switch (fl_download_status_from_future (future))
    {
    case FL_DOWNLOAD_STATUS_OK:
      {
        g_autoptr(GError) error = NULL;

        if (!fl_flag_grid_set_image (self->flag_grid, cc, path, &error))
          {
            g_autofree char *text = g_strdup_printf (_("Could not decode the image: %s"),
                                                     error->message);

            fl_flag_grid_set_state (self->flag_grid, cc, FL_FLAG_CELL_ERROR, text);
          }
      }
      break;
    case FL_DOWNLOAD_STATUS_NOT_FOUND:
      fl_flag_grid_set_state (self->flag_grid, cc, FL_FLAG_CELL_NOT_FOUND, _("404 Not Found"));
      break;
    case FL_DOWNLOAD_STATUS_CANCELLED:
      fl_flag_grid_set_state (self->flag_grid, cc, FL_FLAG_CELL_CANCELLED, _("Cancelled"));
      break;
    case FL_DOWNLOAD_STATUS_ERROR:
    default:
      {
        g_autofree char *upper = g_ascii_strup (cc, -1);
        g_autofree char *text = g_strdup_printf ("%s: %s", upper, err != NULL ? err : "");

        fl_flag_grid_set_state (self->flag_grid, cc, FL_FLAG_CELL_ERROR, text);
      }
      break;
    }
}

static gboolean
decode_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  FlFlagsPage *self = FL_FLAGS_PAGE (widget);
  gint64 deadline = g_get_monotonic_time () + DECODE_BUDGET_US;
  guint i = 0;

  /* A frame's worth of decoding, no more: the rest waits for the next frame. */
  for (; i < self->arrived->len && g_get_monotonic_time () < deadline; i++)
    show_arrived (self, g_ptr_array_index (self->arrived, i));
  g_ptr_array_remove_range (self->arrived, 0, i);
  if (self->arrived->len > 0)
    return G_SOURCE_CONTINUE;
  self->decode_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
future_done_cb (FlFuture *future,
                gpointer  user_data)
{
  FlFlagsPage *self = user_data;

  g_ptr_array_add (self->arrived, g_object_ref (future));
  if (self->decode_tick == 0)
    self->decode_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), decode_tick_cb,
                                                      NULL, NULL);
}

/* The progress bar and its label show the page's counts: the run's, or with the time
 * cursor set, those of that instant (told as such, the numbers the timeline reads out). */
static void
run_progress_cb (FlRun       *run,
                 FlFlagsPage *self)
{
  FlPage *page = FL_PAGE (self);
  double elapsed = fl_run_get_elapsed (run);
  g_autofree char *text = NULL;
  guint done, total;
  double rate;
  FlTally tally;

  if (run != fl_page_get_run (page))
    return;
  fl_page_get_tally (page, &tally);
  done = tally.done;
  total = tally.total;
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? done / (double) total : 0);
  if (fl_page_get_cursor (page) >= 0)
    {
      g_autofree char *counts = fl_tally_format (&tally);

      text = fl_page_at_cursor (page, counts);
      gtk_label_set_text (self->progress_label, text);
      return;
    }
  rate = elapsed > 0 ? done / elapsed : 0;
  if (done < total && rate > 0)
    text = g_strdup_printf (_("%u / %u · %.1f/s · ETA %.1f s"), done, total, rate,
                            (total - done) / rate);
  else
    text = g_strdup_printf (_("%u / %u · %.1f/s · %.2f s"), done, total, rate, elapsed);
  gtk_label_set_text (self->progress_label, text);
}

/* The final report is of the end of the run: with the time cursor set it says so, so that
 * its counts are not read as those of the instant shown above it. */
static void
show_summary (FlFlagsPage *self)
{
  g_autofree char *text = NULL;

  if (self->summary_text == NULL)
    return;
  if (self->have_summary && fl_page_get_cursor (FL_PAGE (self)) >= 0)
    /* TRANSLATORS: the final report of a run while the time cursor shows an earlier
     * instant; %s is the report */
    text = g_strdup_printf (_("At the end: %s"), self->summary_text);
  gtk_label_set_text (self->summary_label, text != NULL ? text : self->summary_text);
}

static void
set_summary (FlFlagsPage *self,
             const char  *text)
{
  g_free (self->summary_text);
  self->summary_text = g_strdup (text);
  show_summary (self);
}

/* The grid at the time cursor's instant: the flags that had arrived by then, the others
 * waiting. Its codes are the first word of the run's future labels ("cn China"). */
static void
show_grid_at_cursor (FlFlagsPage *self)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));
  gint64 t = fl_page_get_cursor (FL_PAGE (self));
  FlSpans *spans = run != NULL ? fl_run_get_spans (run) : NULL;
  g_autoptr(GHashTable) ended = NULL;

  /* The cursor is an instant of the spans shown: the grid is of the page's own run. */
  if (t < 0 || spans == NULL || fl_page_get_spans (FL_PAGE (self)) != spans)
    {
      fl_flag_grid_show_at (self->flag_grid, NULL);
      return;
    }
  ended = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < fl_spans_get_n_spans (spans); i++)
    {
      const FlSpan *span = fl_spans_get (spans, i);
      const char *space;

      if (span->kind != FL_SPAN_FUTURE || span->label == NULL
          || span->finished < 0 || span->finished > t)
        continue;
      space = strchr (span->label, ' ');
      g_hash_table_add (ended, space != NULL ? g_strndup (span->label, space - span->label)
                                             : g_strdup (span->label));
    }
  fl_flag_grid_show_at (self->flag_grid, ended);
}

static void
cursor_cb (FlFlagsPage *self,
           GParamSpec  *pspec,
           gpointer     user_data)
{
  FlRun *run = fl_page_get_run (FL_PAGE (self));

  if (run != NULL)
    run_progress_cb (run, self);
  show_summary (self);
  show_grid_at_cursor (self);
}

static void
run_completed_cb (FlRun       *run,
                  FlFlagsPage *self)
{
  FlFlagsSummary s = { 0 };
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  g_autofree char *text = NULL;
  g_autofree char *size = g_format_size (fl_run_get_bytes (run));
  g_autofree char *title = NULL;
  FlExecutor *executor = fl_run_get_executor (run);

  if (run != fl_page_get_run (FL_PAGE (self)))
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlFuture) f = g_list_model_get_item (G_LIST_MODEL (run), i);

      switch (fl_download_status_from_future (f))
        {
        case FL_DOWNLOAD_STATUS_OK:
          s.ok++;
          break;
        case FL_DOWNLOAD_STATUS_NOT_FOUND:
          s.not_found++;
          break;
        case FL_DOWNLOAD_STATUS_CANCELLED:
          s.cancelled++;
          break;
        case FL_DOWNLOAD_STATUS_ERROR:
        default:
          s.error++;
          break;
        }
    }
  s.elapsed = fl_run_get_elapsed (run);
  self->summary = s;
  self->have_summary = TRUE;

  /* TRANSLATORS: the final report of a flags run, as the flags2 scripts print it */
  text = g_strdup_printf (_("%u OK · %u not found · %u errors · %u cancelled — %u flags "
                            "downloaded (%s) in %.2f s, %s, %u at a time"),
                          s.ok, s.not_found, s.error, s.cancelled, s.ok, size, s.elapsed,
                          fl_run_get_mode_title (run), fl_executor_get_max_workers (executor));
  set_summary (self, text);
  run_progress_cb (run, self);

  title = g_strdup_printf ("%s ×%u (%u)", fl_run_get_mode_title (run),
                           fl_executor_get_max_workers (executor), n);
  fl_run_chart_add (self->run_chart, fl_run_get_mode (run), title, self->setting, s.elapsed,
                    self->ideal, fl_run_was_cancelled (run) || s.cancelled > 0);
}

/* A 404 is FINISHED (the script counts it, it is not an error) but it is not a flag. */
static FlOutcome
download_outcome (FlFuture *future,
                  gpointer  user_data)
{
  switch (fl_download_status_from_future (future))
    {
    case FL_DOWNLOAD_STATUS_NOT_FOUND: return FL_OUTCOME_NOT_FOUND;
    case FL_DOWNLOAD_STATUS_OK:        return FL_OUTCOME_OK;
    case FL_DOWNLOAD_STATUS_ERROR:     return FL_OUTCOME_FAILED;
    case FL_DOWNLOAD_STATUS_CANCELLED: return FL_OUTCOME_CANCELLED;
    default:                           return FL_OUTCOME_NONE;
    }
}

static gboolean
fl_flags_page_start_run (FlPage      *page,
                         const char  *mode,
                         GError     **error)
{
  FlFlagsPage *self = FL_FLAGS_PAGE (page);
  guint workers = gtk_spin_button_get_value_as_int (self->workers_spin);
  guint timeout_ms = (guint) (gtk_spin_button_get_value (self->timeout_spin) * 1000);
  guint concurrency = g_str_equal (mode, "sequential") ? 1 : workers;
  g_auto(GStrv) codes = NULL;
  guint n_codes;
  g_autofree char *base = NULL;
  g_autoptr(FlRun) run = NULL;
  double mean_delay;

  /* Check everything before touching anything: bad input loses nothing. */
  codes = collect_codes (self, error);
  if (codes == NULL)
    return FALSE;
  n_codes = g_strv_length (codes);
  base = prepare_server (self, &mean_delay, error);
  if (base == NULL)
    return FALSE;
  if (g_mkdir_with_parents (self->output_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create %s: %s"), self->output_dir, g_strerror (saved));
      return FALSE;
    }

  fl_download_session_prepare (concurrency);
  if (g_str_equal (mode, "processes"))
    run = make_process_run (self, mode, concurrency);
  else
    run = fl_run_new (mode, mode_title (mode), make_executor (mode, concurrency));
  fl_run_set_outcome_func (run, download_outcome, NULL);
  /* Another server cannot be slowed from here: its times would be scaled back all the
   * same and read ten times too short at ×0.1. Real time, then. */
  if (gtk_drop_down_get_selected (self->server_dropdown) == FL_FLAGS_SERVER_URL)
    fl_run_set_time_scale (run, 1.0);
  fl_trace_set_metadata (fl_run_get_trace (run), "base-url", base);
  fl_page_set_run (page, run);
  g_signal_connect_object (run, "progress", G_CALLBACK (run_progress_cb), self, 0);
  g_signal_connect_object (run, "completed", G_CALLBACK (run_completed_cb), self, 0);

  g_ptr_array_set_size (self->arrived, 0);
  fl_flag_grid_clear (self->flag_grid);
  self->have_summary = FALSE;
  self->ideal = mean_delay > 0 ? ceil (n_codes / (double) concurrency) * mean_delay : 0;

  for (guint i = 0; i < n_codes; i++)
    {
      const char *cc = codes[i];
      const FlCountry *country = fl_countries_lookup (cc);
      g_autofree char *label = NULL;
      FlFuture *future;

      fl_flag_grid_add (self->flag_grid, cc,
                        country != NULL ? fl_country_get_display_name (country)
                                        : _("not a known country code"));
      label = g_strdup_printf ("%s %s", cc,
                               country != NULL ? fl_country_get_display_name (country) : "");
      future = fl_run_submit (run, FL_DOWNLOAD_JOB,
                              fl_download_args_new (cc, base, self->output_dir, timeout_ms,
                                                    concurrency),
                              label, error);
      if (future == NULL)
        {
          fl_run_commit (run);
          fl_run_cancel (run);
          return FALSE;
        }
      fl_future_add_done_callback (future, future_done_cb, g_object_ref (self), g_object_unref);
    }
  fl_run_commit (run);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  {
    g_autofree char *text = g_strdup_printf (_("Downloading %u flags from %s — %s, %u at a time"),
                                             n_codes, base, mode_title (mode), concurrency);

    set_summary (self, text);
  }
  run_progress_cb (run, self);
  return TRUE;
}

static void
fl_flags_page_cancel_run (FlPage *page)
{
  FlRun *run = fl_page_get_run (page);

  if (run != NULL)
    fl_run_cancel (run);
}

static const char * const *
fl_flags_page_get_modes (FlPage *page)
{
  return modes;
}

static void
update_sensitivity (FlFlagsPage *self)
{
  guint server = gtk_drop_down_get_selected (self->server_dropdown);
  guint codes = gtk_drop_down_get_selected (self->codes_dropdown);

  gtk_widget_set_sensitive (GTK_WIDGET (self->delay_entry), server == FL_FLAGS_SERVER_CUSTOM);
  gtk_widget_set_sensitive (GTK_WIDGET (self->error_entry), server == FL_FLAGS_SERVER_CUSTOM);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seed_spin), server < FL_FLAGS_SERVER_URL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->url_entry), server == FL_FLAGS_SERVER_URL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->codes_entry), codes == FL_FLAGS_CODES_CUSTOM);
}

/* The server settings of Preferences, once the user has set them: they fill the "these
 * settings" entries and, when they ask for a delay or errors, select that choice. */
static void
server_settings_changed_cb (GSettings   *settings,
                            const char  *key,
                            FlFlagsPage *self)
{
  guint lo = g_settings_get_uint (settings, "server-delay-min");
  guint hi = MAX (g_settings_get_uint (settings, "server-delay-max"), lo);
  double rate = g_settings_get_double (settings, "error-rate");
  g_autofree char *delay = lo == hi ? g_strdup_printf ("%ums", lo)
                                    : g_strdup_printf ("%u-%ums", lo, hi);
  char rate_text[G_ASCII_DTOSTR_BUF_SIZE + 1];

  g_ascii_formatd (rate_text, G_ASCII_DTOSTR_BUF_SIZE, "%g", rate * 100);
  strcat (rate_text, "%");
  gtk_editable_set_text (GTK_EDITABLE (self->delay_entry), delay);
  gtk_editable_set_text (GTK_EDITABLE (self->error_entry), rate_text);
  if ((hi > 0 || rate > 0)
      && gtk_drop_down_get_selected (self->server_dropdown) != FL_FLAGS_SERVER_URL)
    gtk_drop_down_set_selected (self->server_dropdown, FL_FLAGS_SERVER_CUSTOM);
}

static void
follow_settings (FlFlagsPage *self)
{
  static const char * const server_keys[] = { "server-delay-min", "server-delay-max",
                                              "error-rate" };
  GSettings *settings = fl_settings_get ();
  gboolean set = FALSE;

  fl_settings_follow (self->workers_spin, "concurrency");
  fl_settings_follow (self->seed_spin, "seed");
  if (settings == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (server_keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", server_keys[i], NULL);

      g_signal_connect_object (settings, signal, G_CALLBACK (server_settings_changed_cb),
                               self, 0);
      set |= fl_settings_is_set (server_keys[i]);
    }
  if (set)
    server_settings_changed_cb (settings, NULL, self);
}



static void
fl_flags_page_dispose (GObject *object)
{
  FlFlagsPage *self = FL_FLAGS_PAGE (object);

  if (self->decode_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->decode_tick);
  self->decode_tick = 0;
  /* Quitting, mid-run or not: no worker process outlives the page. */
  if (self->pool != NULL)
    fl_process_executor_terminate (FL_PROCESS_EXECUTOR (self->pool));
  g_clear_object (&self->pool);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_FLAGS_PAGE);

  G_OBJECT_CLASS (fl_flags_page_parent_class)->dispose (object);
}

static void
fl_flags_page_finalize (GObject *object)
{
  FlFlagsPage *self = FL_FLAGS_PAGE (object);

  g_ptr_array_unref (self->arrived);
  g_free (self->output_dir);
  g_free (self->summary_text);
  g_free (self->setting);

  G_OBJECT_CLASS (fl_flags_page_parent_class)->finalize (object);
}

/* The Python version downloads the same codes from the same server, as many at once and
 * with the same deadline as a thread-pool run of this page would. */
static gboolean
fl_flags_page_python_args (FlPage     *page,
                           GPtrArray  *argv,
                           GError    **error)
{
  FlFlagsPage *self = FL_FLAGS_PAGE (page);
  g_auto(GStrv) codes = collect_codes (self, error);
  g_autofree char *base = NULL;
  double mean_delay;

  if (codes == NULL)
    return FALSE;
  base = prepare_server (self, &mean_delay, error);
  if (base == NULL)
    return FALSE;
  g_ptr_array_add (argv, g_strdup ("--server"));
  g_ptr_array_add (argv, g_steal_pointer (&base));
  g_ptr_array_add (argv, g_strdup_printf ("--max-req=%d",
                                          gtk_spin_button_get_value_as_int (self->workers_spin)));
  g_ptr_array_add (argv, g_strdup_printf ("--timeout=%.3f",
                                          gtk_spin_button_get_value (self->timeout_spin)));
  for (guint i = 0; codes[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (codes[i]));
  return TRUE;
}

static void
fl_flags_page_class_init (FlFlagsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_flags_page_dispose;
  object_class->finalize = fl_flags_page_finalize;
  page_class->start_run = fl_flags_page_start_run;
  page_class->cancel_run = fl_flags_page_cancel_run;
  page_class->get_modes = fl_flags_page_get_modes;
  page_class->python_args = fl_flags_page_python_args;

  g_type_ensure (FL_TYPE_TIMELINE);
  g_type_ensure (FL_TYPE_FUTURES_LIST);
  g_type_ensure (FL_TYPE_RUN_CHART);
  g_type_ensure (FL_TYPE_FLAG_GRID);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-flags-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, FlFlagsPage, name)
  BIND (stack);
  BIND (workers_spin);
  BIND (codes_dropdown);
  BIND (codes_entry);
  BIND (limit_spin);
  BIND (server_dropdown);
  BIND (delay_entry);
  BIND (error_entry);
  BIND (seed_spin);
  BIND (url_entry);
  BIND (timeout_spin);
  BIND (progress_bar);
  BIND (progress_label);
  BIND (summary_label);
  BIND (flag_grid);
  BIND (timeline);
  BIND (futures_list);
  BIND (run_chart);
#undef BIND
}

static void
fl_flags_page_init (FlFlagsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_page_bind_views (FL_PAGE (self), self->timeline, self->futures_list);
  g_signal_connect (self, "notify::cursor", G_CALLBACK (cursor_cb), NULL);

  self->arrived = g_ptr_array_new_with_free_func (g_object_unref);
  self->output_dir = g_build_filename (g_get_user_cache_dir (), "futures-lab", "flags", NULL);

  g_signal_connect_swapped (self->server_dropdown, "notify::selected",
                            G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->codes_dropdown, "notify::selected",
                            G_CALLBACK (update_sensitivity), self);
  update_sensitivity (self);
  follow_settings (self);
  fl_prediction_insert_after (fl_question_flags_new (FL_PAGE (self)),
                              GTK_WIDGET (self->summary_label));

  gtk_stack_add_titled (self->stack, fl_source_view_new ("fl-flags-page.c"), "source",
                        _("Source"));
}

void
fl_flags_page_set_codes (FlFlagsPage        *self,
                         FlFlagsCodesChoice  choice,
                         const char         *codes,
                         guint               limit)
{
  gtk_drop_down_set_selected (self->codes_dropdown, choice);
  if (codes != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->codes_entry), codes);
  gtk_spin_button_set_value (self->limit_spin, limit);
}

void
fl_flags_page_set_workers (FlFlagsPage *self,
                           guint        workers)
{
  gtk_spin_button_set_value (self->workers_spin, workers);
}

void
fl_flags_page_set_server (FlFlagsPage         *self,
                          FlFlagsServerChoice  choice,
                          const char          *delay,
                          const char          *error_rate,
                          const char          *base_url)
{
  gtk_drop_down_set_selected (self->server_dropdown, choice);
  if (delay != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->delay_entry), delay);
  if (error_rate != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->error_entry), error_rate);
  if (base_url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->url_entry), base_url);
}

/**
 * fl_flags_page_get_summary:
 *
 * Returns: %TRUE once the current run has completed, with its counts in @summary
 */
gboolean
fl_flags_page_get_summary (FlFlagsPage    *self,
                           FlFlagsSummary *summary)
{
  *summary = self->summary;
  return self->have_summary;
}

const char *
fl_flags_page_get_summary_text (FlFlagsPage *self)
{
  return gtk_label_get_text (self->summary_label);
}

/**
 * fl_flags_page_get_progress_text:
 *
 * Returns: what the progress label says (the counts at the time cursor while it is set)
 */
const char *
fl_flags_page_get_progress_text (FlFlagsPage *self)
{
  return gtk_label_get_text (self->progress_label);
}

double
fl_flags_page_get_progress_fraction (FlFlagsPage *self)
{
  return gtk_progress_bar_get_fraction (self->progress_bar);
}

/**
 * fl_flags_page_get_n_shown:
 *
 * Returns: how many cells of the flag grid show an ended download at the instant the page
 *   shows (the time cursor's, else now)
 */
guint
fl_flags_page_get_n_shown (FlFlagsPage *self)
{
  g_return_val_if_fail (FL_IS_FLAGS_PAGE (self), 0);
  return fl_flag_grid_get_n_shown (self->flag_grid);
}

guint
fl_flags_page_get_n_images (FlFlagsPage *self)
{
  return fl_flag_grid_get_n_images (self->flag_grid);
}

guint
fl_flags_page_get_n_runs (FlFlagsPage *self)
{
  return fl_run_chart_get_n_runs (self->run_chart);
}

/**
 * fl_flags_page_get_server_delay:
 *
 * The embedded server's per-request delay the next run would use, in seconds.
 *
 * Returns: %FALSE if the page points at another server or its settings are invalid
 */
gboolean
fl_flags_page_get_server_delay (FlFlagsPage *self,
                                double      *min_s,
                                double      *max_s)
{
  g_autoptr(FlFaultConfig) config = NULL;

  if (gtk_drop_down_get_selected (self->server_dropdown) == FL_FLAGS_SERVER_URL)
    return FALSE;
  config = embedded_config (self, NULL);
  if (config == NULL)
    return FALSE;
  *min_s = config->delay_min_ms / 1000.0;
  *max_s = config->delay_max_ms / 1000.0;
  return TRUE;
}

guint
fl_flags_page_get_seed (FlFlagsPage *self)
{
  return gtk_spin_button_get_value_as_int (self->seed_spin);
}

/**
 * fl_flags_page_get_process_pool:
 *
 * Returns: (transfer none) (nullable): the warm process pool process runs borrow
 */
FlExecutor *
fl_flags_page_get_process_pool (FlFlagsPage *self)
{
  g_return_val_if_fail (FL_IS_FLAGS_PAGE (self), NULL);
  return self->pool;
}
