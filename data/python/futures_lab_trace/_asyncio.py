# SPDX-License-Identifier: GPL-3.0-or-later
"""asyncio: every task (created, each step, done or cancelled) and the loop's lateness.

Every event loop gets a task factory when it is made; a factory the script sets later
(loop.set_task_factory) is kept and called from ours, and get_task_factory() returns it,
so the script sees what it set. The factory is called as factory(loop, coro, **kwargs):
3.11-3.13 pass context= (and set the name afterwards), 3.14 passes name=, context= and
eager_start= too; all of it goes on to the script's factory or to asyncio.Task.

A task's steps run as loop callbacks (asyncio.Handle) whose callback is bound to the task
(its __step or __wakeup, in the C and the Python Task alike): Handle._run is timed when
its callback belongs to a traced task. A task starts at its first step (unless that step
only delivers a cancel(): a task cancelled before it ran never starts) and ends in the
step that finishes it, or in its done callback if it never ran.

A heartbeat, call_later every few milliseconds, measures how late the loop runs it: the
jank meter's lateness, for Python.
"""

from ._recorder import describe_exception, now, native_id, short_repr


class AsyncioTracer:
    def __init__(self, recorder, heartbeat_ms=10.0):
        self.rec = recorder
        self.heartbeat_ns = int(heartbeat_ms * 1e6)
        self.tasks = {}                 # id(task) -> (task, future id, loop lane)
        self._undo = []

    def install(self):
        import asyncio
        from asyncio import base_events, events

        rec = self.rec
        tasks = self.tasks
        tracer = self
        Loop = base_events.BaseEventLoop
        orig_init = Loop.__init__
        orig_set_factory = Loop.set_task_factory
        orig_get_factory = Loop.get_task_factory
        Task = asyncio.Task

        def task_done(task):
            entry = tasks.pop(id(task), None)
            if entry is not None and entry[0] is task:
                tracer.record_end(task, entry[1])

        def factory(loop, coro, **kwargs):
            user = loop.__dict__.get("_fl_user_factory")
            if user is not None:
                task = user(loop, coro, **kwargs)
            else:
                task = Task(coro, loop=loop, **kwargs)
            if rec.active:
                tracer.task_created(loop, task, coro, task_done)
            return task

        def init(self, *args, **kwargs):
            orig_init(self, *args, **kwargs)
            self._fl_user_factory = None
            orig_set_factory(self, factory)

        def set_task_factory(self, factory_):
            if factory_ is not None and not callable(factory_):
                raise TypeError("task factory must be a callable or None")
            self._fl_user_factory = factory_

        def get_task_factory(self):
            if "_fl_user_factory" in self.__dict__:
                return self._fl_user_factory
            return orig_get_factory(self)

        orig_run = events.Handle._run

        def handle_run(self):
            task = getattr(self._callback, "__self__", None)
            if task is None:
                return orig_run(self)
            entry = tasks.get(id(task))
            if entry is None or entry[0] is not task:
                return orig_run(self)
            fid = entry[1]
            t0 = now()
            if fid not in rec.started and not getattr(task, "_must_cancel", False):
                rec.start(fid, "main-loop", entry[2], t0)
            orig_run(self)
            t1 = now()
            rec.emit({"ev": "step", "t": t0, "dur": t1 - t0, "id": fid})
            if task.done():
                tasks.pop(id(task), None)
                tracer.record_end(task, fid, t1)

        Loop.__init__ = init
        Loop.set_task_factory = set_task_factory
        Loop.get_task_factory = get_task_factory
        events.Handle._run = handle_run
        self._undo = [(Loop, "__init__", orig_init), (Loop, "set_task_factory", orig_set_factory),
                      (Loop, "get_task_factory", orig_get_factory),
                      (events.Handle, "_run", orig_run)]

    def uninstall(self):
        for owner, name, value in self._undo:
            setattr(owner, name, value)
        self._undo = []

    def task_created(self, loop, task, coro, task_done):
        rec = self.rec
        lane = rec.lane("main-loop", native_id())
        fid = rec.submit("task", self._label(coro), "asyncio")
        self.tasks[id(task)] = (task, fid, lane)
        if task.done():             # an eager task (3.12+) that ran to its end at once
            self.tasks.pop(id(task), None)
            rec.start(fid, "main-loop", lane)
            self.record_end(task, fid)
        else:
            task.add_done_callback(task_done)
        if not loop.__dict__.get("_fl_heartbeat"):
            loop._fl_heartbeat = True
            self._beat(loop, lane, None)

    def record_end(self, task, fid, t=None):
        if task.cancelled():
            self.rec.finish(fid, "cancelled", None, t, name=task.get_name())
            return
        exc = task.exception()
        if exc is not None:
            self.rec.finish(fid, "failed", describe_exception(exc), t, name=task.get_name())
        else:
            self.rec.finish(fid, "finished", None, t, name=task.get_name())

    def _beat(self, loop, lane, due):
        t = now()
        if due is not None and self.rec.active:
            self.rec.emit({"ev": "loop", "t": t, "late": max(0, t - due), "lane": lane})
        if loop.is_closed():
            return
        try:
            loop.call_later(self.heartbeat_ns / 1e9, self._beat, loop, lane,
                            t + self.heartbeat_ns)
        except RuntimeError:
            pass

    @staticmethod
    def _label(coro):
        name = getattr(coro, "__qualname__", None) or type(coro).__name__
        frame = getattr(coro, "cr_frame", None)
        if frame is None:
            return f"{name}()"
        code = frame.f_code
        n = min(code.co_argcount, 3)
        try:
            values = frame.f_locals
            shown = [short_repr(values[code.co_varnames[i]]) for i in range(n)
                     if code.co_varnames[i] in values and code.co_varnames[i] != "self"]
        except Exception:
            shown = []
        if code.co_argcount > 3:
            shown.append("…")
        return f"{name}({', '.join(shown)})"
