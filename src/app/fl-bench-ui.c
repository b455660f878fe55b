/* fl-bench-ui.c: futures-lab --bench-ui, the user interface measured by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Four figures, measured inside the app on whatever machine runs it:
 *  1. start to first frame: from the application object's creation (first thing in main)
 *     to the main window's first after-paint;
 *  2. main-loop lateness (the jank meter's monitor: timer lateness and frame-clock gaps)
 *     while the Flags page downloads 676 flags on a pool of 100 threads from the embedded
 *     server (100 ms delay) and a CPU run keeps both cores busy;
 *  3. frame times while a run of 100 000 trivial futures fills the futures list and the
 *     timeline (the same widgets the pages use, in a window of their own), then while the
 *     list scrolls and the timeline zooms: the time of each frame (update to after-paint),
 *     wall clock and the main thread's CPU time, and the interval between frames;
 *  4. resident memory after that run.
 * Results print as a table and, last, one JSON line; then the app quits.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <glib/gi18n.h>

#include "fl-bench-ui.h"
#include "fl-flags-page.h"
#include "fl-futures-list.h"
#include "fl-run.h"
#include "fl-timeline.h"
#include "fl-window.h"
#include "futures-lab-tasks.h"

#define N_TRIVIAL     100000
#define CPU_JOB_US    (4 * G_USEC_PER_SEC)
#define SCROLL_FRAMES 180

typedef struct
{
  GApplication  *app;
  FlLoopMonitor *monitor;
  gint64         app_start_time;
  GtkWindow     *window;
  GdkFrameClock *clock;
  gulong         first_paint_handler;
  gint64         first_frame_us;

  /* phase 2 */
  FlRun         *cpu_run;
  gint64         load_started;
  gint64         load_p50, load_p99, load_max;
  double         flags_elapsed;
  guint          flags_ok;

  /* phase 3 */
  GtkWindow     *bench_window;
  FlTimeline    *timeline;
  FlFuturesList *list;
  FlRun         *trivial_run;
  GdkFrameClock *bench_clock;
  gulong         update_handler, paint_handler;
  guint          tick_id;
  gint64         frame_begin, last_frame;
  GArray        *frame_cost;      /* gint64 µs */
  GArray        *frame_interval;  /* gint64 µs */
  GArray        *frame_cpu;       /* gint64 µs of the main thread's CPU time */
  gint64         frame_begin_cpu;
  guint          scroll_frames;
  double         trivial_elapsed;
  guint64        rss_kb;
} Bench;

/* The main thread's CPU time: on a shared machine a frame's wall time also counts the
 * time other processes held the core, this does not. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *values,
               double  p)
{
  guint index;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_gint64);
  index = MIN (values->len - 1, (guint) (p / 100.0 * values->len));
  return g_array_index (values, gint64, index) / 1000.0;
}

static guint64
read_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static void
finish (Bench *b)
{
  FlDispatchStats stats;
  double cost_p99 = percentile_ms (b->frame_cost, 99);
  double cost_max = percentile_ms (b->frame_cost, 100);
  double interval_p99 = percentile_ms (b->frame_interval, 99);
  double interval_p50 = percentile_ms (b->frame_interval, 50);
  double cpu_p50 = percentile_ms (b->frame_cpu, 50);
  double cpu_p99 = percentile_ms (b->frame_cpu, 99);

  fl_dispatcher_get_stats (NULL, &stats);
  printf ("\nFutures Lab: user interface benchmark (GSK_RENDERER=%s)\n",
          g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  printf ("  %-58s %10.1f ms  (target <= 300)\n", "start to first frame",
          b->first_frame_us / 1000.0);
  printf ("  %-58s %10.2f ms\n", "loop lateness p50, 676 flags x100 threads + 2 CPU jobs",
          b->load_p50 / 1000.0);
  printf ("  %-58s %10.2f ms  (target <= 8)\n", "loop lateness p99, same load", b->load_p99 / 1000.0);
  printf ("  %-58s %10.2f ms  (target <= 33)\n", "loop lateness max, same load", b->load_max / 1000.0);
  printf ("  %-58s %10.2f s   (%u OK)\n", "676 flags elapsed", b->flags_elapsed, b->flags_ok);
  printf ("  %-58s %10.2f s\n", "100 000 trivial futures elapsed", b->trivial_elapsed);
  printf ("  %-58s %10.2f ms  (target <= 16.7)\n", "frame time p99 (update to after-paint)",
          cost_p99);
  printf ("  %-58s %10.2f ms\n", "frame time max", cost_max);
  printf ("  %-58s %10.2f ms\n", "frame CPU time of the main thread p50", cpu_p50);
  printf ("  %-58s %10.2f ms\n", "frame CPU time of the main thread p99", cpu_p99);
  printf ("  %-58s %10.2f ms\n", "frame interval p50", interval_p50);
  printf ("  %-58s %10.2f ms\n", "frame interval p99", interval_p99);
  printf ("  %-58s %10u\n", "frames measured", b->frame_cost->len);
  printf ("  %-58s %10.1f MiB\n", "resident memory after the 100 000-future run",
          b->rss_kb / 1024.0);
  printf ("  %-58s %10" G_GUINT64_FORMAT "\n", "dispatcher dispatches on the main loop",
          stats.dispatches);
  printf ("{\"event\":\"bench-ui\",\"first_frame_ms\":%.1f,\"lateness_p50_ms\":%.2f,"
          "\"lateness_p99_ms\":%.2f,\"lateness_max_ms\":%.2f,\"flags_elapsed_s\":%.2f,"
          "\"flags_ok\":%u,\"frame_p99_ms\":%.2f,\"frame_max_ms\":%.2f,"
          "\"frame_interval_p99_ms\":%.2f,\"frame_cpu_p50_ms\":%.2f,"
          "\"frame_cpu_p99_ms\":%.2f,\"frames\":%u,\"rss_mib\":%.1f}\n",
          b->first_frame_us / 1000.0, b->load_p50 / 1000.0, b->load_p99 / 1000.0,
          b->load_max / 1000.0, b->flags_elapsed, b->flags_ok, cost_p99, cost_max,
          interval_p99, cpu_p50, cpu_p99, b->frame_cost->len, b->rss_kb / 1024.0);
  fflush (stdout);

  gtk_window_destroy (b->bench_window);
  g_clear_object (&b->trivial_run);
  g_clear_object (&b->cpu_run);
  g_array_unref (b->frame_cost);
  g_array_unref (b->frame_interval);
  g_array_unref (b->frame_cpu);
  g_application_quit (b->app);
  g_free (b);
}

static void
update_cb (GdkFrameClock *clock,
           Bench         *b)
{
  b->frame_begin = g_get_monotonic_time ();
  b->frame_begin_cpu = thread_cpu_us ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  gint64 now = g_get_monotonic_time ();
  gint64 frame = gdk_frame_clock_get_frame_time (clock);

  if (b->frame_begin != 0)
    {
      gint64 cost = now - b->frame_begin;
      gint64 cpu = thread_cpu_us () - b->frame_begin_cpu;

      g_array_append_val (b->frame_cost, cost);
      g_array_append_val (b->frame_cpu, cpu);
    }
  if (b->last_frame != 0)
    {
      gint64 interval = frame - b->last_frame;

      g_array_append_val (b->frame_interval, interval);
    }
  b->last_frame = frame;
  b->frame_begin = 0;
}

static gboolean
drive_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  Bench *b = user_data;
  GtkAdjustment *adj;
  gint64 start, span;

  if (!fl_run_is_complete (b->trivial_run))
    return G_SOURCE_CONTINUE;

  if (b->scroll_frames == 0)
    b->trivial_elapsed = fl_run_get_elapsed (b->trivial_run);

  /* After the run: scroll the list and zoom into the timeline, one step per frame. */
  adj = fl_futures_list_get_vadjustment (b->list);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj)
                                 + gtk_adjustment_get_page_size (adj) * 0.5);
  fl_timeline_get_view (b->timeline, &start, &span);
  fl_timeline_set_view (b->timeline, start + span / 50, span * 97 / 100);

  if (++b->scroll_frames < SCROLL_FRAMES)
    return G_SOURCE_CONTINUE;

  b->tick_id = 0;
  g_clear_signal_handler (&b->update_handler, b->bench_clock);
  g_clear_signal_handler (&b->paint_handler, b->bench_clock);
  b->rss_kb = read_rss_kb ();
  g_idle_add_once ((GSourceOnceFunc) finish, b);
  return G_SOURCE_REMOVE;
}

static void
start_trivial (Bench *b)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GError) error = NULL;
  GtkWidget *root;

  b->bench_window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (b->bench_window, _("Futures Lab: 100 000 futures"));
  gtk_window_set_default_size (b->bench_window, 1400, 900);
  b->timeline = FL_TIMELINE (fl_timeline_new ());
  gtk_widget_set_size_request (GTK_WIDGET (b->timeline), -1, 300);
  b->list = FL_FUTURES_LIST (fl_futures_list_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (b->list), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (b->timeline));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (b->list));
  gtk_window_set_child (b->bench_window, box);
  gtk_window_present (b->bench_window);

  b->trivial_run = fl_run_new ("threads", _("Thread pool"), fl_thread_executor_new (2));
  for (guint i = 0; i < N_TRIVIAL; i++)
    {
      char label[32];

      g_snprintf (label, sizeof label, "echo %u", i);
      if (fl_run_submit (b->trivial_run, "echo", g_variant_new_uint32 (i), label, &error) == NULL)
        {
          g_printerr ("bench: %s\n", error->message);
          exit (1);
        }
    }
  fl_run_commit (b->trivial_run);
  fl_timeline_set_spans (b->timeline, fl_run_get_spans (b->trivial_run));
  fl_futures_list_set_spans (b->list, fl_run_get_spans (b->trivial_run));

  root = GTK_WIDGET (b->bench_window);
  b->bench_clock = gtk_widget_get_frame_clock (root);
  b->update_handler = g_signal_connect (b->bench_clock, "update", G_CALLBACK (update_cb), b);
  b->paint_handler = g_signal_connect (b->bench_clock, "after-paint",
                                       G_CALLBACK (after_paint_cb), b);
  b->tick_id = gtk_widget_add_tick_callback (root, drive_tick_cb, b, NULL);
}

static void
load_done (Bench *b)
{
  FlLoopMonitor *monitor = b->monitor;

  b->load_p50 = fl_loop_monitor_get_percentile (monitor, 50);
  b->load_p99 = fl_loop_monitor_get_percentile (monitor, 99);
  b->load_max = fl_loop_monitor_get_max (monitor);
  fl_loop_monitor_release (monitor);
  start_trivial (b);
}

static void
flags_completed_cb (FlRun *run,
                    Bench *b)
{
  FlFlagsSummary summary;
  FlFlagsPage *page = FL_FLAGS_PAGE (fl_window_get_page (FL_WINDOW (b->window), "flags"));

  fl_flags_page_get_summary (page, &summary);
  b->flags_elapsed = summary.elapsed;
  b->flags_ok = summary.ok;
  g_signal_handlers_disconnect_by_data (run, b);
  /* The CPU run lasts longer than the downloads; measure until it ends too. */
  if (fl_run_is_complete (b->cpu_run))
    load_done (b);
  else
    g_signal_connect_swapped (b->cpu_run, "completed", G_CALLBACK (load_done), b);
}

static void
start_load (Bench *b)
{
  FlWindow *window = FL_WINDOW (b->window);
  FlFlagsPage *page = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));
  FlLoopMonitor *monitor = b->monitor;
  g_autoptr(GError) error = NULL;

  fl_window_show_demo (window, "flags");
  fl_flags_page_set_codes (page, FL_FLAGS_CODES_PAIRS, NULL, 0);
  fl_flags_page_set_workers (page, 100);
  fl_flags_page_set_server (page, FL_FLAGS_SERVER_CUSTOM, "100ms", "0%", NULL);

  fl_compute_register_jobs ();
  b->cpu_run = fl_run_new ("threads", _("Thread pool"), fl_thread_executor_new (2));
  for (guint i = 0; i < 2; i++)
    if (fl_run_submit (b->cpu_run, "spin", g_variant_new ("(t)", (guint64) CPU_JOB_US),
                       "spin", &error) == NULL)
      {
        g_printerr ("bench: %s\n", error->message);
        exit (1);
      }
  fl_run_commit (b->cpu_run);

  fl_loop_monitor_set_window (monitor, 120 * G_USEC_PER_SEC);
  fl_loop_monitor_reset (monitor);
  /* evenly spaced samples while the load runs: the percentiles below are over time */
  fl_loop_monitor_hold (monitor);
  b->load_started = g_get_monotonic_time ();
  if (!fl_page_start_run (FL_PAGE (page), "threads", &error))
    {
      g_printerr ("bench: %s\n", error->message);
      exit (1);
    }
  g_signal_connect (fl_page_get_run (FL_PAGE (page)), "completed",
                    G_CALLBACK (flags_completed_cb), b);
}

static gboolean
settle_cb (gpointer data)
{
  start_load (data);
  return G_SOURCE_REMOVE;
}

static void
first_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  b->first_frame_us = g_get_monotonic_time () - b->app_start_time;
  g_clear_signal_handler (&b->first_paint_handler, clock);
  /* Let start-up work (fonts, icon theme) finish before loading the loop. */
  g_timeout_add (500, settle_cb, b);
}

/**
 * fl_bench_ui_start:
 * @app: the application, held until the benchmark prints its figures
 * @window: the main window, driven through its pages as a user would
 * @monitor: the main loop's monitor
 * @start_time: when the process started (g_get_monotonic_time()), for "start to first frame"
 */
void
fl_bench_ui_start (GApplication  *app,
                   GtkWindow     *window,
                   FlLoopMonitor *monitor,
                   gint64         start_time)
{
  Bench *b = g_new0 (Bench, 1);

  b->app = app;
  b->monitor = monitor;
  b->app_start_time = start_time;
  b->window = window;
  b->frame_cost = g_array_new (FALSE, FALSE, sizeof (gint64));
  b->frame_interval = g_array_new (FALSE, FALSE, sizeof (gint64));
  b->frame_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_application_hold (app);
  b->clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  b->first_paint_handler = g_signal_connect (b->clock, "after-paint",
                                             G_CALLBACK (first_paint_cb), b);
}
