/* fl-gate.c: pause, step and resume the executors of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A gate sits below every executor that was given one (fl_executor_set_gate()): each
 * future remembers the gate of its executor, and a lane asks the gate before the two
 * transitions that change what the main loop sees: the start (PENDING -> RUNNING) and the
 * finish (the job has returned; its end is recorded and delivered only once the gate lets
 * it through). While the gate is open a lane pays one atomic load.
 *
 * Paused, a lane that reaches the gate leaves a ticket in a FIFO and waits. A held start
 * is still PENDING, so fl_future_cancel() succeeds on it: the ticket is a waiter on its
 * future, and the future's end releases it, so the lane moves on and never runs the job.
 * Held finishes keep their futures RUNNING, and nothing reaches the dispatcher for them:
 * that is how deliveries to the main loop are held. A step lets the oldest ticket through
 * (or, when none waits, the next transition to arrive), and reports which on the gate's
 * home context (::passed). Resume lets everything through.
 *
 * Locking: a ticket's waiter runs under its future's lock and then takes the gate's; so
 * the gate never takes a future's lock while holding its own.
 */
#include "config.h"

#include "fl-lock.h"

#include "fl-enums.h"
#include "fl-gate-private.h"

typedef struct
{
  FlWaiter          waiter;       /* first: the future's end releases the ticket */
  FlGate           *gate;
  FlFuture         *future;
  FlGateTransition  transition;
  GList             link;         /* in gate->tickets while queued */
  gboolean          queued;
  gboolean          released;

  /* Async tickets only (the loop executor) */
  FlDispatcher     *dispatcher;
  GFunc             func;
  gpointer          data;

  /* fl_gate_wait() tickets only: no future; all under the gate's lock */
  guint64           id;
  char             *label;
  FlGateTryFunc     try_func;
  gpointer          try_data;
  gboolean          tried;        /* a step did the waiter's operation through try_func */
  gboolean          cancelled;
} Ticket;

typedef struct
{
  FlGateTransition transition;
  guint64          id;
  char            *label;
} Passed;

struct _FlGate
{
  GObject       parent_instance;

  int           paused;           /* atomic; written under @mutex */
  FlMutex       mutex;
  FlCond        cond;
  GQueue        tickets;          /* Ticket*, oldest first */
  guint         tokens;           /* steps taken while nothing waited */

  GMainContext *context;          /* home: where ::passed is emitted */
  FlDispatcher *dispatcher;
};

enum {
  PROP_0,
  PROP_PAUSED,
  N_PROPS
};

enum {
  SIGNAL_PASSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlGate, fl_gate, G_TYPE_OBJECT)

static void
emit_passed (gpointer data,
             gpointer data2)
{
  FlGate *self = data;
  Passed *passed = data2;

  g_signal_emit (self, signals[SIGNAL_PASSED], 0, passed->transition, passed->id,
                 passed->label);
  g_free (passed->label);
  g_free (passed);
  g_object_unref (self);
}

/* Outside the gate's lock: posting takes the dispatcher's. */
static void
post_passed_full (FlGate           *self,
                  FlGateTransition  transition,
                  guint64           id,
                  const char       *label)
{
  Passed *passed = g_new0 (Passed, 1);

  passed->transition = transition;
  passed->id = id;
  passed->label = g_strdup (label);
  _fl_dispatcher_post (self->dispatcher, emit_passed, g_object_ref (self), passed);
}

static void
post_passed (FlGate           *self,
             FlGateTransition  transition,
             FlFuture         *future)
{
  post_passed_full (self, transition, fl_future_get_id (future), fl_future_get_label (future));
}

/* Lock held: whether a step may let @ticket through now; a fl_gate_wait() ticket's
 * operation is done here, by its try_func. */
static gboolean
try_locked (Ticket *ticket)
{
  if (ticket->try_func == NULL)
    return TRUE;
  if (!ticket->try_func (ticket->try_data, &ticket->label))
    return FALSE;
  ticket->tried = TRUE;
  return TRUE;
}

static void
async_released (gpointer data,
                gpointer unused)
{
  Ticket *ticket = data;

  /* After this returns the waiter is not running and never will. */
  _fl_future_remove_waiter (ticket->future, &ticket->waiter);
  ticket->func (ticket->data, NULL);
  g_object_unref (ticket->future);
  _fl_dispatcher_unref (ticket->dispatcher);
  g_free (ticket);
}

/* Lock held. Async tickets are returned in @posts, to be posted once unlocked. */
static void
release_locked (FlGate  *self,
                Ticket  *ticket,
                GSList **posts)
{
  g_queue_unlink (&self->tickets, &ticket->link);
  ticket->queued = FALSE;
  ticket->released = TRUE;
  if (ticket->func != NULL)
    *posts = g_slist_prepend (*posts, ticket);
  else
    fl_cond_broadcast (&self->cond);
}

static void
post_released (GSList *posts)
{
  posts = g_slist_reverse (posts);
  for (GSList *l = posts; l != NULL; l = l->next)
    {
      Ticket *ticket = l->data;
      _fl_dispatcher_post (ticket->dispatcher, async_released, ticket, NULL);
    }
  g_slist_free (posts);
}

/* The future ended while its ticket waited (a cancel of a held start): let the lane go.
 * Runs under the future's lock. */
static void
ticket_notify (FlWaiter *waiter,
               FlFuture *future)
{
  Ticket *ticket = (Ticket *) waiter;
  FlGate *self = ticket->gate;
  GSList *posts = NULL;

  fl_mutex_lock (&self->mutex);
  if (ticket->queued)
    release_locked (self, ticket, &posts);
  fl_mutex_unlock (&self->mutex);
  post_released (posts);
}

/* Lock held: whether the transition may go now, consuming a step taken earlier. */
static gboolean
may_pass_locked (FlGate *self,
                 gboolean *stepped)
{
  *stepped = FALSE;
  if (!self->paused)
    return TRUE;
  if (self->tokens > 0)
    {
      self->tokens--;
      *stepped = TRUE;
      return TRUE;
    }
  return FALSE;
}

void
_fl_gate_pass (FlGate           *gate,
               FlGateTransition  transition,
               FlFuture         *future)
{
  Ticket ticket = { 0 };
  gboolean stepped;

  if (gate == NULL || G_LIKELY (!g_atomic_int_get (&gate->paused)))
    return;

  ticket.waiter.notify = ticket_notify;
  ticket.gate = gate;
  ticket.future = future;
  ticket.transition = transition;
  ticket.link.data = &ticket;
  /* Already ended (cancelled while queued): the lane finds that out itself. */
  if (!_fl_future_add_waiter (future, &ticket.waiter))
    return;

  fl_mutex_lock (&gate->mutex);
  if (!may_pass_locked (gate, &stepped))
    {
      g_queue_push_tail_link (&gate->tickets, &ticket.link);
      ticket.queued = TRUE;
      while (!ticket.released)
        fl_cond_wait (&gate->cond, &gate->mutex);
    }
  fl_mutex_unlock (&gate->mutex);

  _fl_future_remove_waiter (future, &ticket.waiter);
  if (stepped)
    post_passed (gate, transition, future);
}

gboolean
_fl_gate_pass_async (FlGate           *gate,
                     FlGateTransition  transition,
                     FlFuture         *future,
                     FlDispatcher     *dispatcher,
                     GFunc             func,
                     gpointer          data)
{
  Ticket *ticket;
  gboolean stepped;
  gboolean held = FALSE;

  if (gate == NULL || G_LIKELY (!g_atomic_int_get (&gate->paused)))
    return TRUE;

  ticket = g_new0 (Ticket, 1);
  ticket->waiter.notify = ticket_notify;
  ticket->gate = gate;
  ticket->future = g_object_ref (future);
  ticket->transition = transition;
  ticket->link.data = ticket;
  ticket->dispatcher = _fl_dispatcher_ref (dispatcher);
  ticket->func = func;
  ticket->data = data;

  if (_fl_future_add_waiter (future, &ticket->waiter))
    {
      fl_mutex_lock (&gate->mutex);
      if (!may_pass_locked (gate, &stepped))
        {
          g_queue_push_tail_link (&gate->tickets, &ticket->link);
          ticket->queued = TRUE;
          held = TRUE;
        }
      fl_mutex_unlock (&gate->mutex);
      if (held)
        return FALSE;
      _fl_future_remove_waiter (future, &ticket->waiter);
      if (stepped)
        post_passed (gate, transition, future);
    }

  g_object_unref (ticket->future);
  _fl_dispatcher_unref (ticket->dispatcher);
  g_free (ticket);
  return TRUE;
}

static void
wait_cancelled (GCancellable *cancellable,
                gpointer      data)
{
  Ticket *ticket = data;
  FlGate *self = ticket->gate;

  fl_mutex_lock (&self->mutex);
  ticket->cancelled = TRUE;
  fl_cond_broadcast (&self->cond);
  fl_mutex_unlock (&self->mutex);
}

/**
 * fl_gate_wait:
 * @self: (nullable): a gate, or %NULL (then it returns at once)
 * @transition: what passing means, for ::passed
 * @id: for ::passed
 * @label: (nullable): for ::passed: what passes ("put of item 17 by producer 1")
 * @try_func: (nullable): does the waiter's operation on a step (see #FlGateTryFunc); %NULL
 *   when the waiter can always go
 * @try_data: for @try_func
 * @tried: (out) (optional): %TRUE when a step did the operation through @try_func: the
 *   caller must not do it again
 * @cancellable: (nullable): ends the wait
 *
 * The gate for work that is not a job's start or end (a step of a long-running job):
 * blocks the calling thread, never a main loop's, while the gate is paused, until a step
 * picks it (the oldest waiter whose @try_func succeeds; ::passed follows), the gate is
 * resumed, or @cancellable is cancelled. Returns at once, one atomic load, while open.
 *
 * Returns: %TRUE when the caller may go on (or @tried); %FALSE when cancelled
 */
gboolean
fl_gate_wait (FlGate           *self,
              FlGateTransition  transition,
              guint64           id,
              const char       *label,
              FlGateTryFunc     try_func,
              gpointer          try_data,
              gboolean         *tried,
              GCancellable     *cancellable)
{
  Ticket ticket = { 0 };
  gulong handler = 0;
  gboolean passed = TRUE;
  gboolean stepped = FALSE;

  g_return_val_if_fail (self == NULL || FL_IS_GATE (self), FALSE);

  if (tried != NULL)
    *tried = FALSE;
  if (g_cancellable_is_cancelled (cancellable))
    return FALSE;
  if (self == NULL || G_LIKELY (!g_atomic_int_get (&self->paused)))
    return TRUE;

  g_object_ref (self);
  ticket.gate = self;
  ticket.transition = transition;
  ticket.id = id;
  ticket.label = g_strdup (label);
  ticket.try_func = try_func;
  ticket.try_data = try_data;
  ticket.link.data = &ticket;
  /* May run wait_cancelled() at once: it takes the gate's lock, not held yet. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wait_cancelled), &ticket, NULL);

  fl_mutex_lock (&self->mutex);
  for (;;)
    {
      if (ticket.released || !self->paused)
        break;
      if (ticket.cancelled)
        {
          passed = FALSE;
          break;
        }
      /* A step taken while no waiter could go: this one may take it now. */
      if (self->tokens > 0 && try_locked (&ticket))
        {
          self->tokens--;
          stepped = TRUE;
          break;
        }
      if (!ticket.queued)
        {
          g_queue_push_tail_link (&self->tickets, &ticket.link);
          ticket.queued = TRUE;
        }
      fl_cond_wait (&self->cond, &self->mutex);
    }
  if (ticket.queued)
    {
      g_queue_unlink (&self->tickets, &ticket.link);
      ticket.queued = FALSE;
    }
  fl_mutex_unlock (&self->mutex);

  /* Waits for a wait_cancelled() running on another thread: the ticket is on our stack. */
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (stepped)
    post_passed_full (self, transition, id, ticket.label);
  if (tried != NULL)
    *tried = ticket.tried;
  g_free (ticket.label);
  g_object_unref (self);
  return passed || ticket.tried;
}

/**
 * fl_gate_pause:
 *
 * From now on no job of the gate's executors starts and no job's end is recorded or
 * delivered; running jobs go on to their end and wait there. Queued futures stay
 * PENDING, so they can still be cancelled.
 */
void
fl_gate_pause (FlGate *self)
{
  gboolean changed;

  g_return_if_fail (FL_IS_GATE (self));

  fl_mutex_lock (&self->mutex);
  changed = !self->paused;
  g_atomic_int_set (&self->paused, TRUE);
  fl_mutex_unlock (&self->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/**
 * fl_gate_resume:
 *
 * Lets every held transition through and opens the gate.
 */
void
fl_gate_resume (FlGate *self)
{
  GSList *posts = NULL;
  gboolean changed;
  GList *link;

  g_return_if_fail (FL_IS_GATE (self));

  fl_mutex_lock (&self->mutex);
  changed = self->paused;
  g_atomic_int_set (&self->paused, FALSE);
  self->tokens = 0;
  while ((link = self->tickets.head) != NULL)
    release_locked (self, link->data, &posts);
  fl_cond_broadcast (&self->cond);
  fl_mutex_unlock (&self->mutex);
  post_released (posts);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/**
 * fl_gate_step:
 *
 * While paused, lets exactly one transition through: the oldest one held, or if none is
 * held, the next one to arrive. ::passed says which, on the gate's home context. Does
 * nothing while the gate is open.
 */
void
fl_gate_step (FlGate *self)
{
  GSList *posts = NULL;
  FlFuture *future = NULL;
  FlGateTransition transition = FL_GATE_START;
  gboolean picked = FALSE;
  guint64 id = 0;
  g_autofree char *label = NULL;

  g_return_if_fail (FL_IS_GATE (self));

  fl_mutex_lock (&self->mutex);
  if (!self->paused)
    {
      fl_mutex_unlock (&self->mutex);
      return;
    }
  /* The oldest ticket that can go now (fl_gate_wait() tickets may not: see try_locked()). */
  for (GList *l = self->tickets.head; l != NULL; l = l->next)
    {
      Ticket *ticket = l->data;

      if (!try_locked (ticket))
        continue;
      picked = TRUE;
      transition = ticket->transition;
      /* The ticket's owner keeps its future alive until the ticket is gone, which it can
       * only be once we unlock: take a reference first. A wait ticket's owner frees its
       * label once released: copy it. */
      if (ticket->future != NULL)
        future = g_object_ref (ticket->future);
      else
        {
          id = ticket->id;
          label = g_strdup (ticket->label);
        }
      release_locked (self, ticket, &posts);
      break;
    }
  if (!picked)
    {
      /* For the next transition that can go; fl_gate_wait() waiters look again. */
      self->tokens++;
      fl_cond_broadcast (&self->cond);
    }
  fl_mutex_unlock (&self->mutex);

  if (future != NULL)
    {
      post_passed (self, transition, future);
      g_object_unref (future);
    }
  else if (picked)
    post_passed_full (self, transition, id, label);
  post_released (posts);
}

gboolean
fl_gate_is_paused (FlGate *self)
{
  g_return_val_if_fail (FL_IS_GATE (self), FALSE);
  return g_atomic_int_get (&self->paused);
}

/**
 * fl_gate_get_n_held:
 *
 * Returns: how many transitions wait at the gate now
 */
guint
fl_gate_get_n_held (FlGate *self)
{
  guint n;

  g_return_val_if_fail (FL_IS_GATE (self), 0);

  fl_mutex_lock (&self->mutex);
  n = self->tickets.length;
  fl_mutex_unlock (&self->mutex);
  return n;
}

static void
fl_gate_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, fl_gate_is_paused (FL_GATE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_gate_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_PAUSED:
      if (g_value_get_boolean (value))
        fl_gate_pause (FL_GATE (object));
      else
        fl_gate_resume (FL_GATE (object));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_gate_finalize (GObject *object)
{
  FlGate *self = FL_GATE (object);

  /* Every ticket's future holds a reference on the gate: none is left here. */
  g_warn_if_fail (self->tickets.length == 0);
  _fl_dispatcher_unref (self->dispatcher);
  g_main_context_unref (self->context);
  fl_mutex_clear (&self->mutex);
  fl_cond_clear (&self->cond);

  G_OBJECT_CLASS (fl_gate_parent_class)->finalize (object);
}

static void
fl_gate_class_init (FlGateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_gate_finalize;
  object_class->get_property = fl_gate_get_property;
  object_class->set_property = fl_gate_set_property;

  /**
   * FlGate:paused:
   *
   * Whether transitions wait at the gate. Notified on the thread that paused or resumed.
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlGate::passed:
   * @transition: an #FlGateTransition
   * @id: the future's id
   * @label: (nullable): the future's label
   *
   * A step let this transition through. Emitted on the context the gate was made in.
   */
  signals[SIGNAL_PASSED] =
    g_signal_new ("passed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL,
                  G_TYPE_NONE, 3, FL_TYPE_GATE_TRANSITION, G_TYPE_UINT64, G_TYPE_STRING);
}

static void
fl_gate_init (FlGate *self)
{
  fl_mutex_init (&self->mutex);
  fl_cond_init (&self->cond);
  g_queue_init (&self->tickets);
  self->context = g_main_context_ref_thread_default ();
  self->dispatcher = _fl_dispatcher_get (self->context);
}

/**
 * fl_gate_new:
 *
 * Returns: (transfer full): an open gate; ::passed is emitted on the caller's
 *   thread-default context
 */
FlGate *
fl_gate_new (void)
{
  return g_object_new (FL_TYPE_GATE, NULL);
}
