/* test-classroom.c: what a projected lesson needs: pages that fit a 1024×768 projector,
 * defaults that show each page's point, and controls a screen reader can name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fl-app-test.h"
#include "fl-flags-page.h"
#include "fl-settings.h"
#include "fl-source-view.h"
#include "fl-timeline.h"

#define PROJECTOR_WIDTH 1024

static FlWindow *window;

/* Every page, shown in the window, asks for no more than a 1024 px wide screen. */
static void
test_pages_fit_projector (void)
{
  g_autoptr(GList) pages = fl_window_list_pages (window);
  g_autoptr(GString) too_wide = g_string_new (NULL);

  for (GList *l = pages; l != NULL; l = l->next)
    {
      FlPage *page = l->data;
      int page_min = 0, window_min = 0, nat = 0;

      g_assert_true (fl_window_show_demo (window, fl_page_get_id (page)));
      fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
      gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &page_min, &nat,
                          NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &window_min,
                          &nat, NULL, NULL);
      g_test_message ("%s: page minimum %d px, window minimum %d px", fl_page_get_id (page),
                      page_min, window_min);
      if (window_min > PROJECTOR_WIDTH)
        g_string_append_printf (too_wide, " %s (%d px)", fl_page_get_id (page), window_min);
    }
  if (too_wide->len > 0)
    g_error ("wider than a %d px projector:%s", PROJECTOR_WIDTH, too_wide->str);
}

/* The Flags page out of the box: the embedded server waits per request (otherwise
 * sequential is as fast as the pool and the lesson disappears), and the page's seed is the
 * one Preferences shows. */
static void
test_flags_defaults_teach (void)
{
  FlFlagsPage *page = FL_FLAGS_PAGE (fl_window_get_page (window, "flags"));
  GSettings *settings = fl_settings_get ();
  double lo = 0, hi = 0;

  g_assert_nonnull (settings);
  g_assert_true (fl_flags_page_get_server_delay (page, &lo, &hi));
  g_assert_cmpfloat (lo, >=, 0.1);
  g_assert_cmpfloat (hi, <=, 0.2);
  g_assert_cmpfloat (lo, ==, hi);
  g_assert_cmpuint (fl_flags_page_get_seed (page), ==, g_settings_get_uint (settings, "seed"));
}

/* The Anatomy page's clock (log times, the timeline's axis) starts at the first submit,
 * not when the app started: a 4 s future is not a sliver on a long axis. */
static void
test_anatomy_clock_starts_at_first_submit (void)
{
  FlPage *page = fl_window_get_page (window, "anatomy");
  FlTimeline *timeline = FL_TIMELINE (fl_test_find_type (GTK_WIDGET (page), FL_TYPE_TIMELINE));
  gint64 before;

  g_assert_true (fl_window_show_demo (window, "anatomy"));
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
  before = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "anatomy", "submit"));
  fl_test_spin_until (fl_timeline_get_trace (timeline) != NULL
                      && fl_trace_get_origin (fl_timeline_get_trace (timeline)) >= before, 5000);
  fl_page_cancel_run (page);
}

/* Cancel mid-run, on every page: what the timeline counts adds up,
 * queued + running + done = total and done = ok + not found + failed + cancelled. */
static void
test_cancel_mid_run_adds_up (gconstpointer data)
{
  const char *demo = ((const char * const *) data)[0];
  const char *mode = ((const char * const *) data)[1];
  FlPage *page = fl_window_get_page (window, demo);
  g_autoptr(GPtrArray) timelines = g_ptr_array_new ();
  guint total = 0;

  g_assert_true (fl_window_show_demo (window, demo));
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", demo, mode));
  fl_test_spin_until (fl_page_get_run (page) != NULL || g_str_equal (demo, "anatomy")
                      || g_str_equal (demo, "map") || g_str_equal (demo, "queue"), 5000);
  fl_test_collect_timelines (GTK_WIDGET (page), timelines);
  g_assert_cmpuint (timelines->len, >, 0);
  /* some work has started, not all of it ended */
  fl_test_spin_until (({ FlTally t = { 0 }; FlSpans *sp = fl_timeline_get_spans (
                          g_ptr_array_index (timelines, 0));
                        if (sp != NULL) { fl_spans_update (sp); fl_spans_get_tally (sp, &t); }
                        t.running > 0 || t.done > 0; }), 10000);
  fl_page_cancel_run (page);
  fl_test_spin_until (fl_test_timelines_idle (timelines), 20000);
  for (guint i = 0; i < timelines->len; i++)
    {
      FlTally t;

      fl_spans_get_tally (fl_timeline_get_spans (g_ptr_array_index (timelines, i)), &t);
      g_test_message ("%s/%s: %u total, %u queued, %u running, %u done = %u ok + %u not found "
                      "+ %u failed + %u cancelled", demo, mode, t.total, t.queued, t.running,
                      t.done, t.ok, t.not_found, t.failed, t.cancelled);
      g_assert_cmpuint (t.queued + t.running + t.done, ==, t.total);
      g_assert_cmpuint (t.ok + t.not_found + t.failed + t.cancelled, ==, t.done);
      g_assert_cmpuint (t.queued, ==, 0);
      g_assert_cmpuint (t.running, ==, 0);
      total += t.total;
    }
  g_assert_cmpuint (total, >, 0);
}

static gboolean
is_named (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL)
         || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                              GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static void
collect_unnamed (GtkWidget *root,
                 GString   *unnamed)
{
  if (GTK_IS_SPIN_BUTTON (root) || GTK_IS_DROP_DOWN (root)
      || (GTK_IS_ENTRY (root) && !GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (root))))
    {
      if (!is_named (root))
        g_string_append_printf (unnamed, " %s%s%s", G_OBJECT_TYPE_NAME (root),
                                gtk_widget_get_tooltip_text (root) != NULL ? ":" : "",
                                gtk_widget_get_tooltip_text (root) != NULL
                                  ? gtk_widget_get_tooltip_text (root) : "");
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed);
}

/* A screen reader hears what each spin button, entry and drop-down is for. */
static void
test_controls_have_names (void)
{
  g_autoptr(GList) pages = fl_window_list_pages (window);
  g_autoptr(GString) unnamed = g_string_new (NULL);

  for (GList *l = pages; l != NULL; l = l->next)
    {
      g_autoptr(GString) here = g_string_new (NULL);

      collect_unnamed (l->data, here);
      if (here->len > 0)
        g_string_append_printf (unnamed, "\n  %s:%s", fl_page_get_id (l->data), here->str);
    }
  if (unnamed->len > 0)
    g_error ("controls without an accessible name:%s", unnamed->str);
}

/* What each page is about, first found in its widget tree. */
static const struct { const char *page; const char *visual; } main_visuals[] = {
  { "flags", "FlFlagGrid" },
  { "compute", "FlMandelbrotView" },
  { "map", "FlTimeline" },
  { "anatomy", "FlStateDiagram" },
  { "queue", "GtkDrawingArea" },
  { "coroutines", "FlTimeline" },
  { "freeze", "FlTimeline" },
};

static gboolean
window_is (int width,
           int height)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return surface != NULL && gdk_surface_get_width (surface) == width
         && gdk_surface_get_height (surface) == height;
}

/* At 1280×720 (a common projector) each page shows its main visual without scrolling: the
 * visual's top part (all of it, or its first 160 px) lies inside the window and inside the
 * scrolled window around it, scrolled to the top. */
static void
test_main_visual_above_fold (void)
{
  g_autoptr(GString) hidden = g_string_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  fl_test_spin_until (window_is (1280, 720), 5000);
  for (guint i = 0; i < G_N_ELEMENTS (main_visuals); i++)
    {
      FlPage *page = fl_window_get_page (window, main_visuals[i].page);
      GtkWidget *visual, *scroller;
      graphene_rect_t in_window, in_scroller;
      double need;

      g_assert_nonnull (page);
      g_assert_true (fl_window_show_demo (window, main_visuals[i].page));
      fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
      visual = fl_test_find_type (GTK_WIDGET (page), g_type_from_name (main_visuals[i].visual));
      g_assert_nonnull (visual);
      fl_test_spin_until (gtk_widget_get_mapped (visual) && gtk_widget_get_height (visual) > 0,
                          5000);
      fl_test_iterate (100);
      g_assert_true (gtk_widget_compute_bounds (visual, GTK_WIDGET (window), &in_window));
      need = MIN (in_window.size.height, 160);
      g_test_message ("%s: %s at y %.0f, %.0f px high, window 720", main_visuals[i].page,
                      main_visuals[i].visual, in_window.origin.y, in_window.size.height);
      if (in_window.origin.y < 0 || in_window.origin.y + need > 720 || need < 40)
        g_string_append_printf (hidden, " %s (%s at y %.0f)", main_visuals[i].page,
                                main_visuals[i].visual, in_window.origin.y);
      scroller = gtk_widget_get_ancestor (visual, GTK_TYPE_SCROLLED_WINDOW);
      if (scroller != NULL && gtk_widget_compute_bounds (visual, scroller, &in_scroller)
          && in_scroller.origin.y + need > gtk_widget_get_height (scroller))
        g_string_append_printf (hidden, " %s (below the fold of its scroller)",
                                main_visuals[i].page);
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 768);
  if (hidden->len > 0)
    g_error ("main visual not in view at 1280×720:%s", hidden->str);
}

/* Stop is red only while something runs (the Queue page's was red at idle). */
static void
test_queue_stop_red_only_while_running (void)
{
  FlPage *page = fl_window_get_page (window, "queue");
  GtkWidget *stop;

  g_assert_true (fl_window_show_demo (window, "queue"));
  stop = fl_test_find_action_button (GTK_WIDGET (page), "page.cancel", NULL);
  g_assert_nonnull (stop);
  g_assert_false (gtk_widget_has_css_class (stop, "destructive-action"));
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", "queue", "balanced"));
  fl_test_spin_until (gtk_widget_has_css_class (stop, "destructive-action"), 5000);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.cancel", NULL);
  fl_test_spin_until (!gtk_widget_has_css_class (stop, "destructive-action"), 20000);
}

/* The Source tab's C pane starts at half the width (it started at ~340 px, cutting lines). */
static void
test_source_c_pane_half (void)
{
  GtkWindow *win = GTK_WINDOW (gtk_window_new ());
  GtkWidget *view = fl_source_view_new ("fl-flags-page.c");

  g_assert_true (GTK_IS_PANED (view));
  gtk_window_set_default_size (win, 1200, 700);
  gtk_window_set_child (win, view);
  gtk_window_present (win);
  fl_test_spin_until (gtk_widget_get_width (view) > 600
                      && gtk_paned_get_position (GTK_PANED (view)) > 0, 5000);
  fl_test_iterate (100);
  g_test_message ("C pane %d of %d px", gtk_paned_get_position (GTK_PANED (view)),
                  gtk_widget_get_width (view));
  g_assert_cmpint (gtk_paned_get_position (GTK_PANED (view)), >=,
                   gtk_widget_get_width (view) * 2 / 5);
  gtk_window_destroy (win);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* GTK_A11Y=none keeps no accessible properties at all; the test context keeps them and
   * talks to no bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  window = fl_test_app_start ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 768);
  g_test_add_func ("/app/classroom/pages-fit-1024", test_pages_fit_projector);
  g_test_add_func ("/app/classroom/flags-defaults-teach", test_flags_defaults_teach);
  g_test_add_func ("/app/classroom/controls-have-names", test_controls_have_names);
  g_test_add_func ("/app/classroom/anatomy-clock-starts-at-first-submit",
                   test_anatomy_clock_starts_at_first_submit);
  {
    static const char * const runs[][2] = {
      { "flags", "threads" }, { "compute", "threads" }, { "map", "both" },
      { "anatomy", "submit" }, { "queue", "balanced" }, { "coroutines", "gather" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
      {
        g_autofree char *path = g_strdup_printf ("/app/classroom/cancel-mid-run-adds-up/%s",
                                                 runs[i][0]);

        g_test_add_data_func (path, runs[i], test_cancel_mid_run_adds_up);
      }
  }
  g_test_add_func ("/app/classroom/source-c-pane-half-width", test_source_c_pane_half);
  g_test_add_func ("/app/classroom/queue-stop-red-only-while-running",
                   test_queue_stop_red_only_while_running);
  g_test_add_func ("/app/classroom/main-visual-above-the-fold-1280x720",
                   test_main_visual_above_fold);
  status = g_test_run ();
  fl_test_app_stop ();
  return status;
}
