/* test-chinese.c: every page, run in Chinese, shows no English label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run with LANGUAGE=zh_CN or zh_TW (tests/app/meson.build runs it for both). Each page is
 * shown and run to its end (text formatted at run time is what a catalogue check cannot
 * see), then every label on screen is read: a word of three or more Latin letters that is
 * not a name (Python, GIL, HTTP…) or code (as_completed(), executor.map, a path) fails.
 */
#include "config.h"

#include <string.h>

#include "fl-app-test.h"
#include "fl-i18n.h"
#include "fl-script-page.h"

static FlWindow *window;

/* Names and terms that stay as they are in a Chinese text, as the translations keep them. */
static const char * const kept[] = {
  "Futures", "Lab", "Python", "CPython", "GIL", "CPU", "CPUs", "HTTP", "URL", "GIF", "PNG",
  "SVG", "CSV", "JSON", "Chrome", "Perfetto", "GTK", "GLib", "API", "asyncio", "await",
  "async", "Executor", "ThreadPoolExecutor", "ProcessPoolExecutor", "Queue", "FIRST",
  "COMPLETED", "ALL", "EXCEPTION", "PENDING", "RUNNING", "FINISHED", "CANCELLED", "Mandelbrot",
  "Fluent", "Semaphore", "SIGTERM", "SIGKILL", "Space", "Ctrl", "Shift", "Alt", "Esc",
  "Enter", "Tab", "PID", "RSS", "Sysprof", "httpx", "ulimit", "localhost",
  "map",                /* the function, in the page's name "map 与 as_completed" */
  "Future", "future",   /* the class: the translations keep it, glossed 期物 once */
};

static gboolean
is_kept (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    if (strcmp (word, kept[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Code, paths, URLs, numbers with units, identifiers: not prose. */
static gboolean
is_code (const char *chunk)
{
  /* "--workers": a command-line option, written as the program reads it */
  return chunk[0] == '-' || strpbrk (chunk, "_.()/:=#<>[]{}@\\`'\"*+%$&|~0123456789") != NULL
         || (g_ascii_isupper (chunk[0]) && chunk[1] != '\0' && g_ascii_isupper (chunk[1])
             && strlen (chunk) <= 4);
}

/* The first English word of @text, or NULL. */
static char *
english_word (const char *text)
{
  g_auto(GStrv) chunks = g_strsplit_set (text, " \t\n\u00a0,;!?·…—–", -1);

  for (guint i = 0; chunks[i] != NULL; i++)
    {
      const char *chunk = chunks[i];
      gsize n = 0;

      if (*chunk == '\0' || is_code (chunk))
        continue;
      /* a run of Latin letters, alone (not glued to Chinese text: 秒, 个 are not words) */
      while (g_ascii_isalpha (chunk[n]) || chunk[n] == '-')
        n++;
      if (n >= 3 && chunk[n] == '\0')
        {
          g_auto(GStrv) parts = g_strsplit (chunk, "-", -1);

          for (guint j = 0; parts[j] != NULL; j++)
            if (strlen (parts[j]) >= 3 && !is_kept (parts[j]))
              return g_strdup (chunk);
        }
    }
  return NULL;
}

static void
collect_english (GtkWidget *root,
                 const char *where,
                 GString    *found)
{
  if (!gtk_widget_get_mapped (root))
    return;
  /* code and a program's own output are not the app's text */
  if (GTK_IS_TEXT_VIEW (root))
    return;
  if (GTK_IS_LABEL (root))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));
      g_autofree char *word = english_word (text);

      if (word != NULL)
        g_string_append_printf (found, "\n  %s: “%s” (in “%s”)", where, word, text);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_english (child, where, found);
}

static void
test_words (void)
{
  g_autofree char *word = NULL;

  g_assert_null (english_word ("线程池用时 0.21 秒"));
  g_assert_null (english_word ("executor.map() 按提交顺序"));
  g_assert_null (english_word ("Python 线程 ×1.0"));
  g_assert_null (english_word ("GIL"));
  g_assert_null (english_word ("cn"));
  word = english_word ("已取消 at +1.05 s");
  g_assert_null (word);                 /* "at" is two letters: caught below by "cancelled" */
  word = english_word ("已完成 20 个, cancelled 3");
  g_assert_cmpstr (word, ==, "cancelled");
  g_clear_pointer (&word, g_free);
  word = english_word ("Run the Python version");
  g_assert_cmpstr (word, ==, "Run");
}

/* One page: shown, run to its end (or cancelled when it would go on), then read. */
static void
test_page (gconstpointer data)
{
  const char *demo = ((const char * const *) data)[0];
  const char *mode = ((const char * const *) data)[1];
  FlPage *page = fl_window_get_page (window, demo);
  g_autoptr(GPtrArray) timelines = g_ptr_array_new ();
  g_autoptr(GString) found = g_string_new (NULL);
  gint64 end;

  g_assert_nonnull (page);
  g_assert_true (fl_window_show_demo (window, demo));
  fl_test_spin_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
  if (FL_IS_SCRIPT_PAGE (page))
    {
      /* a student's script with a pool of threads, one job failing */
      g_autofree char *dir = g_dir_make_tmp ("fl-chinese-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "pool.py", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      g_assert_true (g_file_set_contents (path,
                                          "import concurrent.futures as cf, time\n"
                                          "def work(n):\n"
                                          "    time.sleep(0.01 * n)\n"
                                          "    if n == 3:\n"
                                          "        raise ValueError(n)\n"
                                          "    return n\n"
                                          "with cf.ThreadPoolExecutor(2) as ex:\n"
                                          "    futs = [ex.submit(work, i) for i in range(6)]\n",
                                          -1, NULL));
      fl_script_page_set_script (FL_SCRIPT_PAGE (page), file);
    }
  g_action_group_activate_action (G_ACTION_GROUP (fl_test_app), "run",
                                  g_variant_new ("(ss)", demo, mode));
  fl_test_collect_timelines (GTK_WIDGET (page), timelines);
  g_assert_cmpuint (timelines->len, >, 0);
  fl_test_spin_until (({ FlSpans *sp = fl_timeline_get_spans (g_ptr_array_index (timelines, 0));
                        sp != NULL && (fl_spans_update (sp), fl_spans_get_n_spans (sp) > 0); }),
                      10000);
  /* Most runs end by themselves in a few seconds; one that would go on is cancelled after
   * a while, which shows the cancelled texts too. */
  end = g_get_monotonic_time () + 8 * G_USEC_PER_SEC * FL_TEST_SLOWDOWN;
  while (!fl_test_timelines_idle (timelines) && g_get_monotonic_time () < end)
    fl_test_iterate (50);
  if (!fl_test_timelines_idle (timelines))
    {
      fl_page_cancel_run (page);
      fl_test_spin_until (fl_test_timelines_idle (timelines), 20000);
    }
  /* the texts of the end of a run are set when it is delivered; let a frame go by */
  for (int i = 0; i < 5; i++)
    fl_test_iterate (20);

  collect_english (GTK_WIDGET (window), demo, found);
  if (found->len > 0)
    {
      g_test_message ("English on screen in %s:%s", g_getenv ("LANGUAGE"), found->str);
      g_test_fail ();
    }
}

int
main (int    argc,
      char **argv)
{
  static const char * const runs[][2] = {
    { "freeze", "thread" }, { "flags", "threads" }, { "compute", "threads" },
    { "map", "both" }, { "anatomy", "submit" }, { "queue", "balanced" },
    { "coroutines", "gather" }, { "script", "run" },
  };
  int status;

  /* as main() does: the catalogues of the build tree */
  fl_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  g_assert_true (g_str_has_prefix (g_getenv ("LANGUAGE"), "zh_"));
  window = fl_test_app_start ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  g_test_add_func ("/app/chinese/words", test_words);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/app/chinese/%s", runs[i][0]);

      g_test_add_data_func (path, runs[i], test_page);
    }
  status = g_test_run ();
  fl_test_app_stop ();
  return status;
}
