/* fl-queue-page.c: producers and consumers around a bounded queue, back-pressure visible
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page drives an FlPipeline (src/tasks): P producer and C consumer futures on a thread
 * pool around an FlQueue. The workers never call back per item: they only bump atomic
 * counters. A 150 ms timer on the main loop reads the pipeline's stats, keeps a short
 * history of the fill level and queues one redraw, so the cost on the loop does not depend
 * on how fast the items flow. Rates and jitter apply at once while running; the shape of
 * the pipeline (threads, capacity, items) applies to the next run. Stop only stops the
 * producers: the last one out puts a poison pill per consumer, and the consumers drain the
 * queue before they reach their pills, so nothing is ever lost.
 *
 * Pause and Step: each run gets a gate of its own (fl_page_set_gate()), set on the
 * pipeline: paused, no item moves; a step moves exactly one (a put or a get), and the
 * header says which ("Paused · put of item 17 by producer 1"). Stop still ends a
 * paused run. The gate goes when the run ends.
 *
 * The Python run (Source tab, "Run in Python"): its timeline and list show the program's
 * threads, but the counters on this page are the C pipeline's, and would stay at 0 or
 * show the last C run, as if the Python program had done nothing. The clearest for a
 * class is to show the Python program's own numbers in the same places, labelled as
 * such: producer_consumer.py prints its counts (produced, consumed, lost, consumed twice,
 * the longest queue, the time each side was blocked, items/s) when it ends, and the page
 * reads them from its output. The trace holds no item counts (the queue waits are marks),
 * so until the report arrives the counters say they are waiting for it. A new C run puts
 * the C counters back.
 */
#include "config.h"

#include <inttypes.h> /* PRIu64 in messages: xgettext reads it, not G_GUINT64_FORMAT */

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "fl-futures-list.h"
#include "fl-prediction-questions.h"
#include "fl-queue-page.h"
#include "fl-source-view.h"
#include "fl-timeline.h"

#define STATS_INTERVAL_MS 150
#define HISTORY_LEN       200     /* 30 s of fill samples */
#define RATE_WINDOW_US    (1000 * 1000)

struct _FlQueuePage
{
  FlPage          parent_instance;

  /* template */
  GtkStack       *stack;
  GtkSpinButton  *producers_spin;
  GtkSpinButton  *consumers_spin;
  GtkSpinButton  *items_spin;
  GtkScale       *capacity_scale;
  GtkScale       *produce_scale;
  GtkScale       *consume_scale;
  GtkScale       *jitter_scale;
  GtkDrawingArea *fill_area;
  GtkLabel       *produced_label;
  GtkLabel       *consumed_label;
  GtkLabel       *queue_label;
  GtkLabel       *rate_label;
  GtkLabel       *put_blocked_label;
  GtkLabel       *get_blocked_label;
  GtkLevelBar    *put_level;
  GtkLevelBar    *get_level;
  GtkLabel       *status_label;
  GtkButton      *stop_button;
  GtkLabel       *verdict_label;
  GtkListBox     *history;
  FlTimeline     *timeline;
  FlFuturesList  *futures_list;

  /* owned */
  FlPipeline     *pipeline;
  FlTrace        *trace;
  GListStore     *futures;
  char           *preset_title;
  guint           stats_id;
  guint           history_fill[HISTORY_LEN];
  guint           n_history;
  gint64          rate_time[8];     /* ring of (time, consumed) for items/s */
  guint64         rate_count[8];
  guint           rate_head;
  double          items_per_s;
  FlPipelineStats stats;
  gboolean        stopped;
  gboolean        have_final;
  char           *verdict;
  gboolean        showing_python;   /* the counters are the Python program's */
  FlGate         *gate;             /* the running pipeline's, or NULL */
  char           *run_status;       /* the status line of the run, shown again on resume */
  guint           python_capacity;
};

static const char * const modes[] = { "balanced", "fast-producers", "fast-consumers", "custom",
                                      NULL };

G_DEFINE_FINAL_TYPE (FlQueuePage, fl_queue_page, FL_TYPE_PAGE)

static const char *
preset_title (const char *mode)
{
  if (g_str_equal (mode, "balanced"))
    return _("Balanced");
  if (g_str_equal (mode, "fast-producers"))
    return _("Producers faster");
  if (g_str_equal (mode, "fast-consumers"))
    return _("Consumers faster");
  return _("Your settings");
}

static gboolean
is_running (FlQueuePage *self)
{
  return self->pipeline != NULL && !fl_pipeline_is_finished (self->pipeline);
}

static void
set_shape_sensitive (FlQueuePage *self,
                     gboolean     sensitive)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->producers_spin), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->consumers_spin), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->items_spin), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->capacity_scale), sensitive);
  /* Stop is red only while there is something to stop. */
  if (sensitive)
    gtk_widget_remove_css_class (GTK_WIDGET (self->stop_button), "destructive-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->stop_button), "destructive-action");
}

/* ------------------------------------------------------------------ drawing */

static void
rgba (cairo_t *cr,
      guint32  hex,
      double   alpha)
{
  cairo_set_source_rgba (cr, ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                         (hex & 0xff) / 255.0, alpha);
}

static void
draw_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *markup,
           double      x,
           double      y,
           double      xalign)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
  int tw, th;

  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, x - tw * xalign, y - th / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* The room beside the tube: the widest of the texts drawn there, in this language. */
static double
side_width (GtkWidget *widget)
{
  const char *texts[] = { _("blocked: no room"), _("put() →"), _("blocked: nothing to take"),
                          _("→ get()"), _("paused before put()"), _("paused before get()") };
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
  int widest = 0;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      int tw, th;

      pango_layout_set_text (layout, texts[i], -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      widest = MAX (widest, tw);
    }
  g_object_unref (layout);
  return MAX (150, widest + 28);
}

/* The queue as a tube of slots, and under it the fill level over the last 30 s. */
static void
draw_fill (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  FlQueuePage *self = user_data;
  GtkWidget *widget = GTK_WIDGET (area);
  gboolean c_run = self->pipeline != NULL && !self->showing_python;
  guint capacity = c_run ? fl_pipeline_get_capacity (self->pipeline)
                         : self->showing_python && self->python_capacity > 0 ? self->python_capacity
                         : (guint) gtk_range_get_value (GTK_RANGE (self->capacity_scale));
  guint length = c_run ? self->stats.queue_length : 0;
  double side = side_width (GTK_WIDGET (area)), tube_x = side, tube_w = width - 2 * side;
  double tube_y = 8, tube_h = 54;
  double hist_y = tube_y + tube_h + 22, hist_h = height - hist_y - 4;
  gboolean paused = c_run && self->gate != NULL && fl_gate_is_paused (self->gate);
  gboolean full = c_run && length >= capacity;
  gboolean empty = c_run && length == 0 && is_running (self);
  guint32 fill_color = full ? 0xD55E00 : 0x009E73;
  g_autofree char *text = NULL;
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  /* The slots; one cell each while they are wide enough, a plain bar beyond. */
  rgba (cr, 0x999999, 0.15);
  cairo_rectangle (cr, tube_x, tube_y, tube_w, tube_h);
  cairo_fill (cr);
  rgba (cr, fill_color, 0.9);
  if (capacity > 0 && tube_w / capacity >= 8)
    {
      double cell = tube_w / capacity;

      /* The head of the queue is on the right, next to the consumers. */
      for (guint i = 0; i < MIN (length, capacity); i++)
        cairo_rectangle (cr, tube_x + tube_w - (i + 1) * cell + 2, tube_y + 4, cell - 4,
                         tube_h - 8);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_set_line_width (cr, 1);
      for (guint i = 1; i < capacity; i++)
        {
          cairo_move_to (cr, tube_x + i * cell + 0.5, tube_y);
          cairo_line_to (cr, tube_x + i * cell + 0.5, tube_y + 6);
          cairo_move_to (cr, tube_x + i * cell + 0.5, tube_y + tube_h - 6);
          cairo_line_to (cr, tube_x + i * cell + 0.5, tube_y + tube_h);
        }
      cairo_stroke (cr);
    }
  else if (capacity > 0)
    {
      double w = tube_w * MIN (length, capacity) / capacity;

      cairo_rectangle (cr, tube_x + tube_w - w, tube_y + 4, w, tube_h - 8);
      cairo_fill (cr);
    }
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_set_line_width (cr, 2);
  cairo_rectangle (cr, tube_x, tube_y, tube_w, tube_h);
  cairo_stroke (cr);

  gdk_cairo_set_source_rgba (cr, &fg);
  text = g_markup_printf_escaped ("<span size='large' weight='bold'>%s</span>\n%s",
                                  _("producers"),
                                  paused ? _("paused before put()")
                                  : full ? _("blocked: no room") : _("put() →"));
  draw_text (widget, cr, text, side - 14, tube_y + tube_h / 2, 1.0);
  g_clear_pointer (&text, g_free);
  text = g_markup_printf_escaped ("<span size='large' weight='bold'>%s</span>\n%s",
                                  _("consumers"),
                                  paused ? _("paused before get()")
                                  : empty ? _("blocked: nothing to take") : _("→ get()"));
  draw_text (widget, cr, text, width - side + 14, tube_y + tube_h / 2, 0.0);
  g_clear_pointer (&text, g_free);
  if (full)
    rgba (cr, 0xD55E00, 1);
  text = g_markup_printf_escaped ("<span size='x-large' weight='bold'>%u / %u</span>", length,
                                  capacity);
  draw_text (widget, cr, text, tube_x + tube_w / 2, tube_y + tube_h + 11, 0.5);
  g_clear_pointer (&text, g_free);

  /* History: the fill level, capacity at the top line. */
  if (hist_h < 20)
    return;
  rgba (cr, 0x999999, 0.08);
  cairo_rectangle (cr, tube_x, hist_y, tube_w, hist_h);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &fg);
  text = g_markup_printf_escaped ("%s", _("fill level, last 30 s"));
  draw_text (widget, cr, text, side - 14, hist_y + hist_h / 2, 1.0);
  g_clear_pointer (&text, g_free);
  text = g_markup_printf_escaped ("%s", _("full"));
  draw_text (widget, cr, text, width - side + 8, hist_y + 6, 0.0);
  g_clear_pointer (&text, g_free);
  text = g_markup_printf_escaped ("%s", _("empty"));
  draw_text (widget, cr, text, width - side + 8, hist_y + hist_h - 6, 0.0);
  g_clear_pointer (&text, g_free);
  if (c_run && self->n_history > 1 && capacity > 0)
    {
      double step = tube_w / (HISTORY_LEN - 1);
      guint first = self->n_history > HISTORY_LEN ? self->n_history - HISTORY_LEN : 0;
      double x0 = tube_x + tube_w - (self->n_history - 1 - first) * step;

      cairo_move_to (cr, x0, hist_y + hist_h);
      for (guint i = first; i < self->n_history; i++)
        {
          double v = MIN (self->history_fill[i % HISTORY_LEN], capacity) / (double) capacity;

          cairo_line_to (cr, x0 + (i - first) * step, hist_y + hist_h - v * hist_h);
        }
      cairo_line_to (cr, x0 + (self->n_history - 1 - first) * step, hist_y + hist_h);
      cairo_close_path (cr);
      rgba (cr, 0x0072B2, 0.45);
      cairo_fill (cr);
    }
}

/* ------------------------------------------------------------------ stats */

static char *
format_blocked (gint64 blocked_us,
                gint64 elapsed_us,
                guint  threads,
                double *share)
{
  double s = blocked_us / 1e6;

  *share = elapsed_us > 0 && threads > 0
           ? CLAMP ((double) blocked_us / ((double) elapsed_us * threads), 0, 1) : 0;
  return g_strdup_printf (_("%.1f s in all · %.0f %% of their time"), s, *share * 100);
}

static void
update_rate (FlQueuePage *self,
             gint64       now)
{
  guint slot = (self->rate_head + 1) % G_N_ELEMENTS (self->rate_time);

  self->rate_head = slot;
  self->rate_time[slot] = now;
  self->rate_count[slot] = self->stats.consumed;
  /* From the oldest sample in the ring (about a second back: 8 × 150 ms) to the newest,
   * take the first one inside the window. */
  for (guint k = 1; k < G_N_ELEMENTS (self->rate_time); k++)
    {
      guint i = (slot + k) % G_N_ELEMENTS (self->rate_time);

      if (self->rate_time[i] != 0 && now - self->rate_time[i] <= RATE_WINDOW_US + 200000)
        {
          self->items_per_s = now > self->rate_time[i]
                              ? (self->stats.consumed - self->rate_count[i]) * 1e6
                                / (double) (now - self->rate_time[i])
                              : 0;
          return;
        }
    }
}

/* The counter cards and the two blocked bars: of the C pipeline, or of the Python run. */
static void
show_counters (FlQueuePage *self,
               const char  *produced,
               const char  *consumed,
               const char  *queue,
               const char  *rate,
               const char  *put,
               const char  *get,
               double       put_share,
               double       get_share)
{
  gtk_label_set_text (self->produced_label, produced);
  gtk_label_set_text (self->consumed_label, consumed);
  gtk_label_set_text (self->queue_label, queue);
  gtk_label_set_text (self->rate_label, rate);
  gtk_label_set_text (self->put_blocked_label, put);
  gtk_label_set_text (self->get_blocked_label, get);
  gtk_level_bar_set_value (self->put_level, put_share);
  gtk_level_bar_set_value (self->get_level, get_share);
}

static void
show_stats (FlQueuePage *self)
{
  guint producers = fl_pipeline_get_producers (self->pipeline);
  guint consumers = fl_pipeline_get_consumers (self->pipeline);
  g_autofree char *produced = NULL;
  g_autofree char *consumed = NULL;
  g_autofree char *queue = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *put = NULL;
  g_autofree char *get = NULL;
  double put_share, get_share;

  produced = g_strdup_printf ("%" PRIu64, self->stats.produced);
  consumed = g_strdup_printf ("%" PRIu64, self->stats.consumed);
  queue = g_strdup_printf (_("%u now · %u at most"), self->stats.queue_length,
                           self->stats.queue_max);
  rate = g_strdup_printf (_("%.0f items/s"), self->items_per_s);
  put = format_blocked (self->stats.put_blocked_us, self->stats.elapsed_us, producers, &put_share);
  get = format_blocked (self->stats.get_blocked_us, self->stats.elapsed_us, consumers, &get_share);

  show_counters (self, produced, consumed, queue, rate, put, get, put_share, get_share);
}

static gboolean
stats_timeout_cb (gpointer user_data)
{
  FlQueuePage *self = user_data;
  gint64 now = g_get_monotonic_time ();

  fl_pipeline_get_stats (self->pipeline, &self->stats);
  self->history_fill[self->n_history % HISTORY_LEN] = self->stats.queue_length;
  self->n_history++;
  update_rate (self, now);
  if (!self->showing_python)
    show_stats (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->fill_area));
  return G_SOURCE_CONTINUE;
}

static void
add_history_row (FlQueuePage *self)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  guint producers = fl_pipeline_get_producers (self->pipeline);
  guint consumers = fl_pipeline_get_consumers (self->pipeline);
  double put_share, get_share;
  g_autofree char *put = format_blocked (self->stats.put_blocked_us, self->stats.elapsed_us,
                                         producers, &put_share);
  g_autofree char *get = format_blocked (self->stats.get_blocked_us, self->stats.elapsed_us,
                                         consumers, &get_share);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  title = g_strdup_printf (_("%s: %u producers → queue of %u → %u consumers, %.1f s%s"),
                           self->preset_title, producers,
                           fl_pipeline_get_capacity (self->pipeline), consumers,
                           self->stats.elapsed_us / 1e6, self->stopped ? _(" (stopped)") : "");
  subtitle = g_strdup_printf (_("produced %" PRIu64 " · consumed %" PRIu64
                                " · lost %" PRIu64 " · consumed twice %"
                                PRIu64 " · producers blocked %.0f %% · consumers "
                                "blocked %.0f %%"),
                              self->stats.produced, self->stats.consumed,
                              self->stats.produced - MIN (self->stats.produced, self->stats.consumed),
                              self->stats.duplicates, put_share * 100, get_share * 100);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle);
  gtk_list_box_prepend (self->history, GTK_WIDGET (row));
}

/* ------------------------------------------------------------------ pause and step */

/* The header shows the step too, but in a few words; the page says it in full. */
static void
gate_paused_cb (FlGate      *gate,
                GParamSpec  *pspec,
                FlQueuePage *self)
{
  if (gate != self->gate)
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self->fill_area));
  if (self->showing_python || self->stopped)
    return;
  if (fl_gate_is_paused (gate))
    gtk_label_set_text (self->status_label,
                        _("Paused: no item moves. Step (→) moves exactly one: one put() by a "
                          "producer or one get() by a consumer. Space resumes."));
  else if (self->run_status != NULL)
    gtk_label_set_text (self->status_label, self->run_status);
}

static void
gate_passed_cb (FlGate           *gate,
                FlGateTransition  transition,
                guint64           id,
                const char       *label,
                FlQueuePage      *self)
{
  g_autofree char *status = NULL;

  if (gate != self->gate || self->showing_python || self->stopped || label == NULL
      || !fl_gate_is_paused (gate))
    return;
  /* Translators: %s is what the step did, e.g. "put of item 17 by producer 1" */
  status = g_strdup_printf (_("Paused. Last step: %s. Step (→) for the next one, Space "
                              "resumes."), label);
  gtk_label_set_text (self->status_label, status);
  /* The counters at once, not at the next tick: the step's item is there. */
  if (self->stats_id != 0)
    {
      fl_pipeline_get_stats (self->pipeline, &self->stats);
      show_stats (self);
      gtk_widget_queue_draw (GTK_WIDGET (self->fill_area));
    }
}

/* ------------------------------------------------------------------ the Python run */

/* What producer_consumer.py prints when it ends (see report() there). */
typedef struct
{
  guint   producers, consumers, capacity, longest;
  guint64 items, produced, consumed, lost, twice;
  double  put_blocked_s, get_blocked_s, elapsed_s, rate;
  gboolean have_shape, have_counts, have_queue, have_put, have_get, have_time;
} PythonReport;

static void
parse_python_report (const char   *text,
                     PythonReport *report)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  memset (report, 0, sizeof *report);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      guint64 a, b, c, d;
      guint p, k, n;
      double x, y;

      if (sscanf (line, "%u producers -> queue of %u -> %u consumers, %" SCNu64 " items",
                  &p, &k, &n, &a) == 4)
        {
          report->producers = p, report->capacity = k, report->consumers = n, report->items = a;
          report->have_shape = TRUE;
        }
      else if (sscanf (line, "produced %" SCNu64 ", consumed %" SCNu64 ", lost %" SCNu64
                       ", consumed twice %" SCNu64, &a, &b, &c, &d) == 4)
        {
          report->produced = a, report->consumed = b, report->lost = c, report->twice = d;
          report->have_counts = TRUE;
        }
      else if (sscanf (line, "queue: capacity %u, at most %u waiting", &k, &n) == 2)
        {
          report->capacity = k, report->longest = n;
          report->have_queue = TRUE;
        }
      else if (sscanf (line, "producers blocked on a full queue: %lf s in all", &x) == 1)
        report->put_blocked_s = x, report->have_put = TRUE;
      else if (sscanf (line, "consumers blocked on an empty queue: %lf s in all", &x) == 1)
        report->get_blocked_s = x, report->have_get = TRUE;
      else if (sscanf (line, "%lf s, %lf items/s", &x, &y) == 2)
        report->elapsed_s = x, report->rate = y, report->have_time = TRUE;
    }
}

static char *
python_blocked (gboolean have,
                double   blocked_s,
                double   elapsed_s,
                guint    threads,
                double  *share)
{
  *share = 0;
  if (!have)
    return g_strdup ("—");
  return format_blocked ((gint64) (blocked_s * 1e6), (gint64) (elapsed_s * 1e6), threads, share);
}

/* The counters, from what the Python program printed (its report comes at its end). */
static void
show_python (FlQueuePage *self)
{
  GtkTextBuffer *buffer = fl_page_get_python_output (FL_PAGE (self));
  FlPythonRun *python = fl_page_get_python (FL_PAGE (self));
  gboolean ended = python == NULL || !fl_python_run_is_running (python);
  g_autofree char *text = NULL;
  g_autofree char *produced = NULL;
  g_autofree char *consumed = NULL;
  g_autofree char *queue = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *put = NULL;
  g_autofree char *get = NULL;
  g_autofree char *verdict = NULL;
  PythonReport report;
  double put_share, get_share;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  parse_python_report (text, &report);

  self->python_capacity = report.capacity;
  produced = report.have_counts ? g_strdup_printf ("%" PRIu64, report.produced) : g_strdup ("—");
  consumed = report.have_counts ? g_strdup_printf ("%" PRIu64, report.consumed) : g_strdup ("—");
  /* Short: the card's big text sets the page's width. The capacity is on the tube. */
  queue = report.have_queue ? g_strdup_printf (_("%u at most"), report.longest) : g_strdup ("—");
  rate = report.have_time ? g_strdup_printf (_("%.0f items/s"), report.rate) : g_strdup ("—");
  put = python_blocked (report.have_put && report.have_time, report.put_blocked_s,
                        report.elapsed_s, report.producers, &put_share);
  get = python_blocked (report.have_get && report.have_time, report.get_blocked_s,
                        report.elapsed_s, report.consumers, &get_share);

  show_counters (self, produced, consumed, queue, rate, put, get, put_share, get_share);

  if (report.have_counts)
    gtk_label_set_text (self->status_label,
                        _("Python run: the counts on this page are what producer_consumer.py "
                          "printed when it ended (its own count of the items each thread "
                          "handled). Run shows the C pipeline’s counts again."));
  else if (!ended)
    gtk_label_set_text (self->status_label,
                        _("Python run: producer_consumer.py prints its counts when it ends; "
                          "until then the counters wait for them. The timeline shows its "
                          "threads live."));
  else
    gtk_label_set_text (self->status_label,
                        _("Python run: producer_consumer.py ended without printing its "
                          "counts (see its output in the Source tab). Run shows the C "
                          "pipeline’s counts again."));

  if (report.have_counts && report.lost == 0 && report.twice == 0
      && report.produced == report.consumed)
    verdict = g_strdup_printf (_("✔ Python: %" PRIu64 " produced, %" PRIu64 " consumed: "
                                 "nothing lost, nothing consumed twice (the program checks "
                                 "every item’s number with a Counter)."),
                               report.produced, report.consumed);
  else if (report.have_counts)
    verdict = g_strdup_printf (_("✘ Python: %" PRIu64 " produced, %" PRIu64 " consumed, %"
                                 PRIu64 " lost, %" PRIu64 " consumed twice."),
                               report.produced, report.consumed, report.lost, report.twice);
  else
    verdict = g_strdup (_("When the Python program ends, it checks every item: produced, "
                          "consumed, lost, consumed twice."));
  gtk_label_set_text (self->verdict_label, verdict);
  if (report.have_counts)
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), "dim-label");
  gtk_widget_queue_draw (GTK_WIDGET (self->fill_area));
}

static void
python_changed_cb (FlPage      *page,
                   FlQueuePage *self)
{
  if (fl_page_get_python_run (page) == NULL)
    return;
  self->showing_python = TRUE;
  show_python (self);
}

static void
pipeline_finished_cb (FlPipeline  *pipeline,
                      FlQueuePage *self)
{
  guint64 lost;
  guint consumers = fl_pipeline_get_consumers (pipeline);
  g_autofree char *pills = NULL;

  if (pipeline != self->pipeline)
    return;
  /* Nothing is left to pause: the header's Pause and Step go quiet. */
  fl_page_set_gate (FL_PAGE (self), NULL);
  g_clear_object (&self->gate);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  stats_timeout_cb (self);
  self->have_final = TRUE;
  {
    /* Once it has ended, the throughput of the whole run. */
    g_autofree char *average = g_strdup_printf (_("%.0f items/s"),
                                                self->stats.elapsed_us > 0
                                                ? self->stats.consumed * 1e6 / self->stats.elapsed_us
                                                : 0.0);

    gtk_label_set_text (self->rate_label, average);
  }
  set_shape_sensitive (self, TRUE);

  lost = self->stats.produced - MIN (self->stats.produced, self->stats.consumed);
  pills = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Shutdown: the last producer put %u poison pill on the "
                                        "queue, and the consumer stopped when it reached it, "
                                        "after every item queued before it.",
                                        "Shutdown: the last producer put %u poison pills on the "
                                        "queue, one per consumer; each consumer stopped at its "
                                        "pill, after every item queued before it.",
                                        consumers), consumers);
  g_free (self->verdict);
  if (lost == 0 && self->stats.duplicates == 0)
    self->verdict = g_strdup_printf (_("✔ %" PRIu64 " produced, %" PRIu64
                                       " consumed: every item exactly once — nothing lost, "
                                       "nothing consumed twice (each item’s number is checked "
                                       "off in a bitmap). %s%s"),
                                     self->stats.produced, self->stats.consumed, pills,
                                     self->stopped ? _(" Stopped early: the producers stopped, "
                                                       "the consumers drained what was queued.")
                                                   : "");
  else
    self->verdict = g_strdup_printf (_("✘ %" PRIu64 " produced, %" PRIu64
                                       " consumed, %" PRIu64 " lost, %"
                                       PRIu64 " consumed twice."),
                                     self->stats.produced, self->stats.consumed, lost,
                                     self->stats.duplicates);
  gtk_label_set_text (self->verdict_label, self->verdict);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "dim-label");
  gtk_label_set_text (self->status_label, self->stopped ? _("Stopped, queue drained.")
                                                        : _("Done."));
  add_history_row (self);
  /* A C run that ends while the Python run is shown leaves the Python counts there. */
  if (self->showing_python)
    show_python (self);
}

/* ------------------------------------------------------------------ controls */

static void
rates_changed_cb (FlQueuePage *self)
{
  if (self->pipeline == NULL || !is_running (self) || self->stopped)
    return;
  fl_pipeline_set_produce_rate (self->pipeline,
                                gtk_range_get_value (GTK_RANGE (self->produce_scale)));
  fl_pipeline_set_consume_rate (self->pipeline,
                                gtk_range_get_value (GTK_RANGE (self->consume_scale)));
  fl_pipeline_set_jitter (self->pipeline, gtk_range_get_value (GTK_RANGE (self->jitter_scale)));
}

static void
apply_preset (FlQueuePage *self,
              const char  *mode)
{
  double produce, consume, jitter;

  if (g_str_equal (mode, "balanced"))
    produce = 20, consume = 20, jitter = 0.5;
  else if (g_str_equal (mode, "fast-producers"))
    produce = 40, consume = 12, jitter = 0.3;
  else if (g_str_equal (mode, "fast-consumers"))
    produce = 12, consume = 40, jitter = 0.3;
  else
    return;
  gtk_range_set_value (GTK_RANGE (self->produce_scale), produce);
  gtk_range_set_value (GTK_RANGE (self->consume_scale), consume);
  gtk_range_set_value (GTK_RANGE (self->jitter_scale), jitter);
}

static gboolean
fl_queue_page_start_run (FlPage      *page,
                         const char  *mode,
                         GError     **error)
{
  FlQueuePage *self = FL_QUEUE_PAGE (page);
  guint producers = gtk_spin_button_get_value_as_int (self->producers_spin);
  guint consumers = gtk_spin_button_get_value_as_int (self->consumers_spin);
  guint items = gtk_spin_button_get_value_as_int (self->items_spin);
  guint capacity = (guint) gtk_range_get_value (GTK_RANGE (self->capacity_scale));
  g_autoptr(FlPipeline) pipeline = NULL;
  g_autoptr(FlGate) gate = NULL;
  g_autofree char *status = NULL;

  if (is_running (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("A run is still going: stop it first (the queue drains in a "
                             "moment)"));
      return FALSE;
    }

  apply_preset (self, mode);
  pipeline = fl_pipeline_new (producers, consumers, MAX (capacity, 1), items);
  fl_pipeline_set_produce_rate (pipeline, gtk_range_get_value (GTK_RANGE (self->produce_scale)));
  fl_pipeline_set_consume_rate (pipeline, gtk_range_get_value (GTK_RANGE (self->consume_scale)));
  fl_pipeline_set_jitter (pipeline, gtk_range_get_value (GTK_RANGE (self->jitter_scale)));
  g_clear_object (&self->trace);
  self->trace = fl_trace_new (mode);
  fl_pipeline_set_trace (pipeline, self->trace);
  g_signal_connect_object (pipeline, "finished", G_CALLBACK (pipeline_finished_cb), self, 0);
  /* The run's own gate, for the header's Pause and Step. */
  gate = fl_gate_new ();
  fl_pipeline_set_gate (pipeline, gate);
  if (!fl_pipeline_start (pipeline, error))
    {
      fl_pipeline_stop (pipeline);
      return FALSE;
    }

  g_set_object (&self->pipeline, pipeline);
  self->showing_python = FALSE;
  g_set_object (&self->gate, gate);
  g_signal_connect_object (gate, "notify::paused", G_CALLBACK (gate_paused_cb), self, 0);
  g_signal_connect_object (gate, "passed", G_CALLBACK (gate_passed_cb), self, 0);
  fl_page_set_gate (FL_PAGE (self), gate);
  fl_question_queue_watch (fl_prediction_find (GTK_WIDGET (self)), pipeline);
  g_free (self->preset_title);
  self->preset_title = g_strdup (preset_title (mode));
  self->stopped = FALSE;
  self->have_final = FALSE;
  self->n_history = 0;
  self->items_per_s = 0;
  memset (self->rate_time, 0, sizeof self->rate_time);
  memset (&self->stats, 0, sizeof self->stats);

  /* The new origin first: rows are bound when the futures arrive in the store. */
  g_list_store_remove_all (self->futures);
  {
    GPtrArray *futures = fl_pipeline_get_futures (pipeline);

    g_list_store_splice (self->futures, 0, 0, futures->pdata, futures->len);
  }
  fl_timeline_set_trace (self->timeline, self->trace);
  fl_futures_list_set_spans (self->futures_list, fl_timeline_get_spans (self->timeline));
  set_shape_sensitive (self, FALSE);
  gtk_label_set_text (self->verdict_label,
                      _("When the run ends, the page checks every item: produced, consumed, "
                        "lost, consumed twice."));
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), "dim-label");
  status = g_strdup_printf (_("%s: %u producers put %u numbered items on a queue of %u; %u "
                              "consumers take them."), preset_title (mode), producers, items,
                            capacity, consumers);
  gtk_label_set_text (self->status_label, status);
  g_free (self->run_status);
  self->run_status = g_steal_pointer (&status);

  g_clear_handle_id (&self->stats_id, g_source_remove);
  self->stats_id = g_timeout_add (STATS_INTERVAL_MS, stats_timeout_cb, self);
  stats_timeout_cb (self);
  return TRUE;
}

static void
fl_queue_page_cancel_run (FlPage *page)
{
  FlQueuePage *self = FL_QUEUE_PAGE (page);

  if (!is_running (self) || self->stopped)
    return;
  self->stopped = TRUE;
  fl_pipeline_stop (self->pipeline);
  gtk_label_set_text (self->status_label,
                      _("Stopping: the producers stop; the consumers drain the queue at full "
                        "speed, then each takes its poison pill…"));
}

static const char * const *
fl_queue_page_get_modes (FlPage *page)
{
  return modes;
}

static void
fl_queue_page_dispose (GObject *object)
{
  FlQueuePage *self = FL_QUEUE_PAGE (object);

  g_clear_handle_id (&self->stats_id, g_source_remove);
  /* The workers hold their own references: stopped, they drain and end by themselves
   * (even paused: the consumers drain past the gate), and the gate is opened. */
  if (is_running (self))
    fl_pipeline_stop (self->pipeline);
  fl_page_set_gate (FL_PAGE (self), NULL);
  g_clear_object (&self->gate);
  g_clear_object (&self->pipeline);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_QUEUE_PAGE);

  G_OBJECT_CLASS (fl_queue_page_parent_class)->dispose (object);
}

static void
fl_queue_page_finalize (GObject *object)
{
  FlQueuePage *self = FL_QUEUE_PAGE (object);

  g_clear_object (&self->futures);
  g_clear_object (&self->trace);
  g_free (self->preset_title);
  g_free (self->verdict);
  g_free (self->run_status);

  G_OBJECT_CLASS (fl_queue_page_parent_class)->finalize (object);
}

static char *
range_arg (const char *option,
           GtkScale   *scale)
{
  char value[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (value, sizeof value, gtk_range_get_value (GTK_RANGE (scale)));
  return g_strdup_printf ("%s=%s", option, value);
}

/* The Python version: the page's threads, items, queue and rates, over queue.Queue. */
static gboolean
fl_queue_page_python_args (FlPage     *page,
                           GPtrArray  *argv,
                           GError    **error)
{
  FlQueuePage *self = FL_QUEUE_PAGE (page);

  g_ptr_array_add (argv, g_strdup_printf ("--producers=%d",
                                          gtk_spin_button_get_value_as_int (self->producers_spin)));
  g_ptr_array_add (argv, g_strdup_printf ("--consumers=%d",
                                          gtk_spin_button_get_value_as_int (self->consumers_spin)));
  g_ptr_array_add (argv, g_strdup_printf ("--items=%d",
                                          gtk_spin_button_get_value_as_int (self->items_spin)));
  g_ptr_array_add (argv, g_strdup_printf ("--capacity=%d",
                                          (int) gtk_range_get_value (GTK_RANGE (self->capacity_scale))));
  g_ptr_array_add (argv, range_arg ("--produce-rate", self->produce_scale));
  g_ptr_array_add (argv, range_arg ("--consume-rate", self->consume_scale));
  g_ptr_array_add (argv, range_arg ("--jitter", self->jitter_scale));
  return TRUE;
}

static void
fl_queue_page_class_init (FlQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  FlPageClass *page_class = FL_PAGE_CLASS (klass);

  object_class->dispose = fl_queue_page_dispose;
  object_class->finalize = fl_queue_page_finalize;
  page_class->start_run = fl_queue_page_start_run;
  page_class->cancel_run = fl_queue_page_cancel_run;
  page_class->get_modes = fl_queue_page_get_modes;
  page_class->python_args = fl_queue_page_python_args;

  g_type_ensure (FL_TYPE_TIMELINE);
  g_type_ensure (FL_TYPE_FUTURES_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/FuturesLab/fl-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, stack);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, producers_spin);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, consumers_spin);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, items_spin);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, capacity_scale);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, produce_scale);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, consume_scale);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, jitter_scale);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, fill_area);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, produced_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, consumed_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, queue_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, rate_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, put_blocked_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, get_blocked_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, put_level);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, get_level);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, history);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, timeline);
  gtk_widget_class_bind_template_child (widget_class, FlQueuePage, futures_list);
  gtk_widget_class_bind_template_callback (widget_class, rates_changed_cb);
}

static void
fl_queue_page_init (FlQueuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_page_bind_views (FL_PAGE (self), self->timeline, self->futures_list);

  self->futures = g_list_store_new (FL_TYPE_FUTURE);
  self->trace = fl_trace_new ("queue");
  fl_timeline_set_trace (self->timeline, self->trace);
  fl_futures_list_set_spans (self->futures_list, fl_timeline_get_spans (self->timeline));
  gtk_drawing_area_set_draw_func (self->fill_area, draw_fill, self, NULL);
  g_signal_connect (self, "python-changed", G_CALLBACK (python_changed_cb), self);
  fl_prediction_insert_after (fl_question_queue_new (), GTK_WIDGET (self->status_label));
  gtk_stack_add_titled (self->stack, fl_source_view_new ("fl-queue-page.c"), "source",
                        _("Source"));
}

/**
 * fl_queue_page_set_shape:
 *
 * Sets the controls that shape the next run.
 */
void
fl_queue_page_set_shape (FlQueuePage *self,
                         guint        producers,
                         guint        consumers,
                         guint        capacity,
                         guint        items)
{
  g_return_if_fail (FL_IS_QUEUE_PAGE (self));

  gtk_spin_button_set_value (self->producers_spin, producers);
  gtk_spin_button_set_value (self->consumers_spin, consumers);
  gtk_range_set_value (GTK_RANGE (self->capacity_scale), capacity);
  gtk_spin_button_set_value (self->items_spin, items);
}

/**
 * fl_queue_page_set_rates:
 *
 * Sets the rate sliders (items per second per thread) and the jitter, as a person would;
 * a running pipeline follows at once.
 */
void
fl_queue_page_set_rates (FlQueuePage *self,
                         double       produce_rate,
                         double       consume_rate,
                         double       jitter)
{
  g_return_if_fail (FL_IS_QUEUE_PAGE (self));

  gtk_range_set_value (GTK_RANGE (self->produce_scale), produce_rate);
  gtk_range_set_value (GTK_RANGE (self->consume_scale), consume_rate);
  gtk_range_set_value (GTK_RANGE (self->jitter_scale), jitter);
}

/**
 * fl_queue_page_get_pipeline:
 *
 * Returns: (transfer none) (nullable): the pipeline of the last run
 */
FlPipeline *
fl_queue_page_get_pipeline (FlQueuePage *self)
{
  g_return_val_if_fail (FL_IS_QUEUE_PAGE (self), NULL);
  return self->pipeline;
}

gboolean
fl_queue_page_is_running (FlQueuePage *self)
{
  g_return_val_if_fail (FL_IS_QUEUE_PAGE (self), FALSE);
  return is_running (self);
}

/**
 * fl_queue_page_get_final:
 * @stats: (out): the stats of the last run, once it has ended
 * @stopped: (out) (optional): whether it was stopped early
 *
 * Returns: %TRUE once the last run has ended
 */
gboolean
fl_queue_page_get_final (FlQueuePage     *self,
                         FlPipelineStats *stats,
                         gboolean        *stopped)
{
  g_return_val_if_fail (FL_IS_QUEUE_PAGE (self), FALSE);

  if (!self->have_final)
    return FALSE;
  *stats = self->stats;
  if (stopped != NULL)
    *stopped = self->stopped;
  return TRUE;
}

const char *
fl_queue_page_get_verdict (FlQueuePage *self)
{
  g_return_val_if_fail (FL_IS_QUEUE_PAGE (self), NULL);
  return self->verdict;
}
