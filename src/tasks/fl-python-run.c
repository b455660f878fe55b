/* fl-python-run.c: a Python program run under futures_lab_trace, its events folded live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tracer (data/python/futures_lab_trace) writes one JSON object per line to an
 * inherited pipe: submit, start and finish of every future and asyncio task, threads,
 * queue waits, the loop's lateness. This object spawns the program with that pipe, reads
 * the lines on the main context as they come and records them into an FlTrace, so the
 * spans, the timeline and the list show a Python program exactly as they show a run of the
 * engine's own executors. Times are perf_counter_ns(), which is CLOCK_MONOTONIC as
 * g_get_monotonic_time() is: worker processes, the script and the app share one axis.
 *
 * Stop sends SIGTERM to the program's whole process group (the tracer writes what it has
 * and exits), then SIGKILL after a grace period.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fl-python-run.h"

#define EVENTS_FD      3
#define STOP_GRACE_MS  2000
#define PIPE_GRACE_S   2

struct _FlPythonRun
{
  GObject           parent_instance;

  char            **argv;
  char             *workdir;
  FlPythonRunFlags  flags;

  GSubprocess      *process;
  GPid              pid;
  GDataInputStream *events;
  GCancellable     *cancellable;
  FlTrace          *trace;
  GHashTable       *lanes;          /* future id -> lane kind << 24 | (lane + 1) */
  GHashTable       *threads;        /* native thread id -> ThreadLife, the script's own */

  char             *python_version;
  char             *exception;
  guint             n_tasks;
  guint             n_threads;
  gint64            max_lateness_us;
  int               status;
  int               signal;
  guint             kill_id;
  guint             grace_id;
  guint             running : 1;
  guint             tracer_started : 1;
  guint             exited : 1;
  guint             eof : 1;
  guint             done : 1;
};

enum {
  OUTPUT,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void thread_life_free (gpointer data);

G_DEFINE_FINAL_TYPE (FlPythonRun, fl_python_run, G_TYPE_OBJECT)

static void
fl_python_run_dispose (GObject *object)
{
  FlPythonRun *self = FL_PYTHON_RUN (object);

  /* Nothing outlives its run: the program and what it started are ended. */
  if (self->running && self->pid > 0)
    kill ((self->flags & FL_PYTHON_RUN_OWN_GROUP) ? -self->pid : self->pid, SIGKILL);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->kill_id, g_source_remove);
  g_clear_handle_id (&self->grace_id, g_source_remove);

  G_OBJECT_CLASS (fl_python_run_parent_class)->dispose (object);
}

static void
fl_python_run_finalize (GObject *object)
{
  FlPythonRun *self = FL_PYTHON_RUN (object);

  g_strfreev (self->argv);
  g_free (self->workdir);
  g_clear_object (&self->events);
  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->trace);
  g_hash_table_unref (self->lanes);
  g_hash_table_unref (self->threads);
  g_free (self->python_version);
  g_free (self->exception);

  G_OBJECT_CLASS (fl_python_run_parent_class)->finalize (object);
}

static void
fl_python_run_class_init (FlPythonRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_python_run_dispose;
  object_class->finalize = fl_python_run_finalize;

  /**
   * FlPythonRun::output:
   * @is_stderr: whether it came on stderr
   * @text: a chunk of what the program wrote (with FL_PYTHON_RUN_CAPTURE_OUTPUT)
   */
  signals[OUTPUT] = g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                  G_TYPE_BOOLEAN, G_TYPE_STRING);
  /**
   * FlPythonRun::finished:
   *
   * The program has exited and every event it sent has been folded.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fl_python_run_init (FlPythonRun *self)
{
  self->lanes = g_hash_table_new (NULL, NULL);
  self->threads = g_hash_table_new_full (NULL, NULL, NULL, thread_life_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * fl_python_find_tracer_dir:
 *
 * Where futures_lab_trace/ is: $FUTURES_LAB_PYTHON_DIR, the source tree when this binary
 * runs from the build tree, else the installed data folder.
 *
 * Returns: (transfer full) (nullable): the folder to put on PYTHONPATH
 */
char *
fl_python_find_tracer_dir (GError **error)
{
  const char *env = g_getenv (FL_PYTHON_DIR_ENV);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *candidates[3] = { NULL, NULL, PKGDATADIR "/python" };

  if (env != NULL && *env != '\0')
    candidates[0] = env;
  if (exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/"))
    candidates[1] = SOURCE_ROOT "/data/python";

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *main_py = NULL;

      if (candidates[i] == NULL)
        continue;
      main_py = g_build_filename (candidates[i], "futures_lab_trace", "__main__.py", NULL);
      if (g_file_test (main_py, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidates[i]);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("Cannot find the Python tracer futures_lab_trace (looked in %s; set %s to "
                 "the folder that holds it)"), PKGDATADIR "/python", FL_PYTHON_DIR_ENV);
  return NULL;
}

/**
 * fl_python_find_interpreter:
 * @name: (nullable): "python3", a path, or %NULL for "python3"
 *
 * Returns: (transfer full) (nullable): the interpreter's path, or %NULL with @error saying
 *   why Python cannot be run
 */
char *
fl_python_find_interpreter (const char  *name,
                            GError     **error)
{
  char *path;

  if (name == NULL)
    name = "python3";
  path = g_find_program_in_path (name);
  if (path == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("Cannot run “%s”: it is not installed or not in PATH (Python 3 is needed "
                   "to trace a Python program)"), name);
  return path;
}

/**
 * fl_python_run_new:
 * @argv: the interpreter, its options, the script and its arguments:
 *   { "python3", "script.py", "arg", NULL }
 * @workdir: (nullable): the folder to run it in
 *
 * Returns: (transfer full): a run, not started
 */
FlPythonRun *
fl_python_run_new (const char * const *argv,
                   const char         *workdir,
                   FlPythonRunFlags    flags)
{
  FlPythonRun *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  self = g_object_new (FL_TYPE_PYTHON_RUN, NULL);
  self->argv = g_strdupv ((char **) argv);
  self->workdir = g_strdup (workdir);
  self->flags = flags;
  title = g_strjoinv (" ", self->argv + 1);
  self->trace = fl_trace_new (title);
  fl_trace_set_metadata (self->trace, "source", "python");
  return self;
}

/* A thread the script started itself (not an executor's worker), from its start event
 * until its end: its waits on queues are marks on its lane (its whole life would be one
 * more bar hiding them). */
typedef struct
{
  int    lane;
  gint64 begin_us;
  char  *name;
} ThreadLife;

static void
thread_life_free (gpointer data)
{
  ThreadLife *life = data;

  g_free (life->name);
  g_free (life);
}

/* Waits on a queue shorter than this are not drawn: a producer/consumer run makes
 * thousands of them, and only the blocked ones tell the lesson. */
#define QUEUE_WAIT_MIN_US 1000

/* Executors' workers already show as the futures they run. */
static gboolean
is_own_thread (const char *name)
{
  return name != NULL && !g_str_has_prefix (name, "ThreadPoolExecutor")
         && !g_str_has_prefix (name, "asyncio_") && !g_str_has_prefix (name, "QueueFeederThread")
         && !g_str_has_prefix (name, "QueueManagerThread");
}

static void
fold_thread_event (FlPythonRun *self,
                   const char  *kind,
                   JsonObject  *event,
                   gint64       time_us)
{
  gpointer tid = GSIZE_TO_POINTER (json_object_get_int_member_with_default (event, "tid", 0));
  const char *name = json_object_get_string_member_with_default (event, "name", NULL);

  if (strcmp (kind, "thread-begin") == 0)
    {
      ThreadLife *life;

      self->n_threads++;
      if (!is_own_thread (name))
        return;
      life = g_new0 (ThreadLife, 1);
      life->lane = (int) CLAMP (json_object_get_int_member_with_default (event, "lane", 0), 0,
                                0xfffffe);
      life->begin_us = time_us;
      life->name = g_strdup (name);
      g_hash_table_replace (self->threads, tid, life);
    }
  else if (strcmp (kind, "thread-end") == 0)
    {
      ThreadLife *life = g_hash_table_lookup (self->threads, tid);

      if (life != NULL)
        g_hash_table_remove (self->threads, tid);
    }
  else
    {
      /* put or get: how long it blocked, on the lane of the thread that called it */
      ThreadLife *life = g_hash_table_lookup (self->threads, tid);
      gint64 dur_us = json_object_get_int_member_with_default (event, "dur", 0) / 1000;

      if (life != NULL && dur_us >= QUEUE_WAIT_MIN_US)
        fl_trace_mark (self->trace, FL_LANE_THREAD, life->lane, time_us, time_us + dur_us,
                       strcmp (kind, "put") == 0 ? "put() blocked" : "get() blocked",
                       life->name);
    }
}

static FlLaneKind
lane_kind_from_string (const char *text)
{
  if (g_strcmp0 (text, "thread") == 0)
    return FL_LANE_THREAD;
  if (g_strcmp0 (text, "process") == 0)
    return FL_LANE_PROCESS;
  if (g_strcmp0 (text, "main-loop") == 0)
    return FL_LANE_MAIN_LOOP;
  if (g_strcmp0 (text, "caller") == 0)
    return FL_LANE_CALLER;
  return FL_LANE_NONE;
}

static void
fold_event (FlPythonRun *self,
            JsonObject  *event)
{
  const char *kind = json_object_get_string_member_with_default (event, "ev", "");
  gint64 time_us = json_object_get_int_member_with_default (event, "t", 0) / 1000;
  guint64 id = (guint64) json_object_get_int_member_with_default (event, "id", 0);

  if (strcmp (kind, "submit") == 0)
    {
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "kind", ""),
                     "task") == 0)
        self->n_tasks++;
      fl_trace_record (self->trace, FL_TRACE_SUBMIT, id, FL_LANE_NONE, -1, FL_FUTURE_PENDING,
                       time_us, json_object_get_string_member_with_default (event, "label",
                                                                           NULL), 0);
    }
  else if (strcmp (kind, "start") == 0)
    {
      FlLaneKind lane_kind = lane_kind_from_string (
          json_object_get_string_member_with_default (event, "lane_kind", NULL));
      int lane = (int) CLAMP (json_object_get_int_member_with_default (event, "lane", -1),
                              -1, 0xfffffe);

      g_hash_table_insert (self->lanes, GSIZE_TO_POINTER (id),
                           GUINT_TO_POINTER ((guint) lane_kind << 24 | (guint) (lane + 1)));
      fl_trace_record (self->trace, FL_TRACE_START, id, lane_kind, lane, FL_FUTURE_RUNNING,
                       time_us, NULL, 0);
    }
  else if (strcmp (kind, "finish") == 0)
    {
      const char *state_name = json_object_get_string_member_with_default (event, "state", "");
      guint packed = GPOINTER_TO_UINT (g_hash_table_lookup (self->lanes, GSIZE_TO_POINTER (id)));
      FlFutureState state = FL_FUTURE_FAILED;

      if (strcmp (state_name, "finished") == 0)
        state = FL_FUTURE_FINISHED;
      else if (strcmp (state_name, "cancelled") == 0)
        state = FL_FUTURE_CANCELLED;
      fl_trace_record (self->trace, FL_TRACE_FINISH, id,
                       packed ? (FlLaneKind) (packed >> 24) : FL_LANE_NONE,
                       packed ? (int) (packed & 0xffffff) - 1 : -1, state, time_us,
                       json_object_get_string_member_with_default (event, "error", NULL), 0);
    }
  else if (strcmp (kind, "thread-begin") == 0 || strcmp (kind, "thread-end") == 0
           || strcmp (kind, "put") == 0 || strcmp (kind, "get") == 0)
    fold_thread_event (self, kind, event, time_us);
  else if (strcmp (kind, "loop") == 0)
    self->max_lateness_us = MAX (self->max_lateness_us,
                                 json_object_get_int_member_with_default (event, "late", 0)
                                 / 1000);
  else if (strcmp (kind, "exception") == 0)
    {
      g_free (self->exception);
      self->exception = g_strdup (json_object_get_string_member_with_default (event, "message",
                                                                              ""));
    }
  else if (strcmp (kind, "run") == 0)
    {
      self->tracer_started = TRUE;
      g_free (self->python_version);
      self->python_version = g_strdup (json_object_get_string_member_with_default (event,
                                                                                   "python",
                                                                                   ""));
      fl_trace_set_metadata (self->trace, "python", self->python_version);
    }
}

/**
 * fl_python_run_fold_line:
 * @line: one line of the tracer's JSON Lines
 *
 * Folds one event into the run's trace; a line that is not one of the tracer's events is
 * skipped (the rest still counts).
 */
void
fl_python_run_fold_line (FlPythonRun *self,
                         const char  *line)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  g_return_if_fail (FL_IS_PYTHON_RUN (self));

  if (line == NULL || line[0] == '\0' || !json_parser_load_from_data (parser, line, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    fold_event (self, json_node_get_object (root));
}

static void
record_end (FlPythonRun *self)
{
  g_autofree char *status = g_strdup_printf ("%d", self->status);
  g_autofree char *tasks = g_strdup_printf ("%u", self->n_tasks);
  g_autofree char *threads = g_strdup_printf ("%u", self->n_threads);
  g_autofree char *lateness = g_strdup_printf ("%" G_GINT64_FORMAT, self->max_lateness_us);

  fl_trace_set_metadata (self->trace, "exit", status);
  fl_trace_set_metadata (self->trace, "tasks", tasks);
  fl_trace_set_metadata (self->trace, "threads", threads);
  fl_trace_set_metadata (self->trace, "max_loop_lateness_us", lateness);
}

static void
maybe_finish (FlPythonRun *self)
{
  if (self->done || !self->exited || !self->eof)
    return;
  self->done = TRUE;
  self->running = FALSE;
  g_clear_handle_id (&self->kill_id, g_source_remove);
  g_clear_handle_id (&self->grace_id, g_source_remove);
  record_end (self);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void read_next (FlPythonRun *self);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FlPythonRun) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                    result, NULL, &error);

  if (line == NULL)
    {
      /* The end of the stream (or it was cut off): what came is kept. */
      self->eof = TRUE;
      maybe_finish (self);
      return;
    }
  fl_python_run_fold_line (self, line);
  read_next (self);
}

static void
read_next (FlPythonRun *self)
{
  g_data_input_stream_read_line_async (self->events, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line, g_object_ref (self));
}

static gboolean
on_pipe_grace_over (gpointer data)
{
  FlPythonRun *self = data;

  /* The program has exited but something it started still holds the pipe open. */
  self->grace_id = 0;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FlPythonRun) self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);

  if (!g_subprocess_wait_finish (process, result, NULL))
    return;
  if (g_subprocess_get_if_signaled (process))
    {
      self->signal = g_subprocess_get_term_sig (process);
      self->status = 128 + self->signal;
    }
  else
    self->status = g_subprocess_get_exit_status (process);
  self->exited = TRUE;
  /* Whatever else the program left in its group goes with it. */
  if ((self->flags & FL_PYTHON_RUN_OWN_GROUP) && self->pid > 0)
    kill (-self->pid, SIGKILL);
  if (!self->eof)
    self->grace_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, PIPE_GRACE_S,
                                                 on_pipe_grace_over, g_object_ref (self),
                                                 g_object_unref);
  maybe_finish (self);
}

typedef struct
{
  FlPythonRun *self;
  gboolean     is_stderr;
  char         buffer[4096];
} OutputRead;

static void read_output (GInputStream *stream,
                         OutputRead   *read);

static void
on_output (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  OutputRead *read = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      g_object_unref (read->self);
      g_free (read);
      return;
    }
  {
    g_autofree char *text = g_utf8_make_valid (read->buffer, n);

    g_signal_emit (read->self, signals[OUTPUT], 0, read->is_stderr, text);
  }
  read_output (G_INPUT_STREAM (source), read);
}

static void
read_output (GInputStream *stream,
             OutputRead   *read)
{
  g_input_stream_read_async (stream, read->buffer, sizeof read->buffer, G_PRIORITY_DEFAULT,
                             read->self->cancellable, on_output, read);
}

static void
watch_output (FlPythonRun  *self,
              GInputStream *stream,
              gboolean      is_stderr)
{
  OutputRead *read = g_new0 (OutputRead, 1);

  read->self = g_object_ref (self);
  read->is_stderr = is_stderr;
  read_output (stream, read);
}

static void
child_setup (gpointer data)
{
  /* Its own process group: Stop ends the program and every process it forked. */
  setpgid (0, 0);
}

/**
 * fl_python_run_start:
 *
 * Spawns the program under the tracer and starts reading its events on the thread-default
 * main context.
 *
 * Returns: %FALSE with @error (a message for people) if it could not start
 */
gboolean
fl_python_run_start (FlPythonRun  *self,
                     GError      **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *fd_arg = g_strdup_printf ("%d", EVENTS_FD);
  g_autofree char *python = NULL;
  g_autofree char *tracer_dir = NULL;
  g_autofree char *pythonpath = NULL;
  const char *old_path = g_getenv ("PYTHONPATH");
  GSubprocessFlags spawn_flags = G_SUBPROCESS_FLAGS_NONE;
  int fds[2];
  guint i = 1;

  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), FALSE);
  g_return_val_if_fail (self->process == NULL, FALSE);

  python = fl_python_find_interpreter (self->argv[0], error);
  if (python == NULL)
    return FALSE;
  tracer_dir = fl_python_find_tracer_dir (error);
  if (tracer_dir == NULL)
    return FALSE;

  g_ptr_array_add (argv, python);
  /* Interpreter options (-u, -X dev, -W …) stay before -m. */
  for (; self->argv[i] != NULL && self->argv[i][0] == '-'; i++)
    {
      if (strcmp (self->argv[i], "-c") == 0 || strcmp (self->argv[i], "-m") == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("“%s” is not supported: a traced run is a script file"),
                       self->argv[i]);
          return FALSE;
        }
      g_ptr_array_add (argv, self->argv[i]);
      if ((strcmp (self->argv[i], "-X") == 0 || strcmp (self->argv[i], "-W") == 0)
          && self->argv[i + 1] != NULL)
        g_ptr_array_add (argv, self->argv[++i]);
    }
  if (self->argv[i] == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No script given after “%s”"), self->argv[0]);
      return FALSE;
    }
  g_ptr_array_add (argv, "-m");
  g_ptr_array_add (argv, "futures_lab_trace");
  g_ptr_array_add (argv, "--events-fd");
  g_ptr_array_add (argv, fd_arg);
  for (; self->argv[i] != NULL; i++)
    g_ptr_array_add (argv, self->argv[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;

  if (self->flags & FL_PYTHON_RUN_CAPTURE_OUTPUT)
    spawn_flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  launcher = g_subprocess_launcher_new (spawn_flags);
  pythonpath = old_path != NULL && *old_path != '\0'
               ? g_strconcat (tracer_dir, ":", old_path, NULL) : g_strdup (tracer_dir);
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", pythonpath, TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", FALSE);
  g_subprocess_launcher_unsetenv (launcher, "FUTURES_LAB_TRACE_FD");
  if (self->workdir != NULL)
    g_subprocess_launcher_set_cwd (launcher, self->workdir);
  if (self->flags & FL_PYTHON_RUN_OWN_GROUP)
    g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  g_subprocess_launcher_take_fd (launcher, fds[1], EVENTS_FD);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                error);
  /* Freeing the launcher closes our copy of the write end: EOF comes when the script ends. */
  g_clear_object (&launcher);
  if (self->process == NULL)
    {
      close (fds[0]);
      return FALSE;
    }
  self->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (self->process) ?: "0",
                                      NULL, 10);
  self->running = TRUE;

  stream = g_unix_input_stream_new (fds[0], TRUE);
  self->events = g_data_input_stream_new (stream);
  g_data_input_stream_set_newline_type (self->events, G_DATA_STREAM_NEWLINE_TYPE_LF);
  read_next (self);
  if (self->flags & FL_PYTHON_RUN_CAPTURE_OUTPUT)
    {
      watch_output (self, g_subprocess_get_stdout_pipe (self->process), FALSE);
      watch_output (self, g_subprocess_get_stderr_pipe (self->process), TRUE);
    }
  g_subprocess_wait_async (self->process, NULL, on_exited, g_object_ref (self));
  return TRUE;
}

static gboolean
kill_cb (gpointer data)
{
  FlPythonRun *self = data;

  self->kill_id = 0;
  if (self->running && self->pid > 0)
    kill ((self->flags & FL_PYTHON_RUN_OWN_GROUP) ? -self->pid : self->pid, SIGKILL);
  return G_SOURCE_REMOVE;
}

/**
 * fl_python_run_stop:
 *
 * Asks the program to stop (SIGTERM to its process group: the tracer writes what it has),
 * and kills what is left after a grace period. ::finished follows.
 */
void
fl_python_run_stop (FlPythonRun *self)
{
  g_return_if_fail (FL_IS_PYTHON_RUN (self));

  if (!self->running || self->exited || self->pid <= 0)
    return;
  kill ((self->flags & FL_PYTHON_RUN_OWN_GROUP) ? -self->pid : self->pid, SIGTERM);
  if (self->kill_id == 0)
    self->kill_id = g_timeout_add_full (G_PRIORITY_DEFAULT, STOP_GRACE_MS, kill_cb,
                                        g_object_ref (self), g_object_unref);
}

FlTrace *
fl_python_run_get_trace (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), NULL);
  return self->trace;
}

gboolean
fl_python_run_is_running (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), FALSE);
  return self->running;
}

gboolean
fl_python_run_tracer_started (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), FALSE);
  return self->tracer_started;
}

int
fl_python_run_get_status (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), -1);
  return self->status;
}

int
fl_python_run_get_signal (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), 0);
  return self->signal;
}

const char *
fl_python_run_get_exception (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), NULL);
  return self->exception;
}

const char *
fl_python_run_get_python (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), NULL);
  return self->python_version;
}

guint
fl_python_run_get_n_tasks (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), 0);
  return self->n_tasks;
}

guint
fl_python_run_get_n_threads (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), 0);
  return self->n_threads;
}

/**
 * fl_python_run_get_max_lateness:
 *
 * Returns: the largest lateness of the program's asyncio event loop, in µs
 */
gint64
fl_python_run_get_max_lateness (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), 0);
  return self->max_lateness_us;
}

/**
 * fl_python_run_describe_end:
 *
 * Returns: (transfer full): how the program ended, for people: "exited normally",
 *   "exited with status 1: ValueError: …", "killed by signal 9 (Killed)", or that the
 *   tracer never started (not Python, a syntax error)
 */
char *
fl_python_run_describe_end (FlPythonRun *self)
{
  g_return_val_if_fail (FL_IS_PYTHON_RUN (self), NULL);

  if (!self->exited)
    return g_strdup (_("still running"));
  if (!self->tracer_started)
    return g_strdup_printf (_("the tracer did not start (exit status %d): is it a Python 3 "
                              "script?"), self->status);
  if (self->signal != 0)
    return g_strdup_printf (_("killed by signal %d (%s)"), self->signal,
                            g_strsignal (self->signal));
  if (self->status != 0 && self->exception != NULL)
    return g_strdup_printf (_("exited with status %d: %s"), self->status, self->exception);
  if (self->status != 0)
    return g_strdup_printf (_("exited with status %d"), self->status);
  return g_strdup (_("exited normally"));
}
