# SPDX-License-Identifier: GPL-3.0-or-later
"""concurrent.futures: every future of a ThreadPoolExecutor or a ProcessPoolExecutor.

Executor.submit (which map() also calls) builds a _WorkItem before it queues it, so the
future is tagged there: nothing can start it before it has an id. The tag is an instance
attribute (Future has a __dict__) and the ending comes from a done callback added first,
so it runs before the script's own callbacks and covers every ending: a result, an
exception, cancel(), shutdown(cancel_futures=True), a broken pool.

A thread-pool future starts when its worker calls set_running_or_notify_cancel(), right
before it calls the function: that is where the start is recorded, on the worker's own
thread, without wrapping the function (so tracebacks the script prints are unchanged).

A process-pool future starts in another process. Its function travels there pickled inside
a small object whose unpickling, in the worker, right before the call, sends one datagram
("id pid tid time") to a Unix socket of the traced process and gives back the function
itself; this works the same under fork, spawn and forkserver. The traced process collects
the datagrams, and drains the socket before it records an ending, so a start is always
recorded before its future's end.
"""

import _thread
import os
import select
import socket
import tempfile

from . import _procworker
from ._recorder import call_label, describe_exception, now, native_id

_CANCELLED = ("CANCELLED", "CANCELLED_AND_NOTIFIED")


def _ending(future):
    state = future._state
    if state in _CANCELLED:
        return "cancelled", None
    exc = future._exception
    if exc is not None:
        return "failed", describe_exception(exc)
    return "finished", None


def _split_work(rest):
    # 3.11-3.13: _WorkItem(future, fn, args, kwargs); 3.14: _WorkItem(future, task) with
    # task a (fn, args, kwargs) tuple.
    if len(rest) == 3:
        return rest
    if len(rest) == 1 and isinstance(rest[0], tuple) and len(rest[0]) == 3:
        return rest[0]
    return None, (), None


class _RemoteStart:
    """Pickles as a call that reports the start, in the worker, and returns the function."""

    __slots__ = ("fn", "fid", "address")

    def __init__(self, fn, fid, address):
        self.fn = fn
        self.fid = fid
        self.address = address

    def __reduce__(self):
        return (_procworker.started, (self.fn, self.fid, self.address))

    def __call__(self, *args, **kwargs):    # only if something calls it in this process
        return self.fn(*args, **kwargs)


class FuturesTracer:
    def __init__(self, recorder):
        self.rec = recorder
        self._sock = None
        self._sock_dir = None
        self._sock_lock = _thread.allocate_lock()
        self._drain_lock = _thread.allocate_lock()
        self._undo = []

    def install(self):
        from concurrent.futures import _base, process, thread

        rec = self.rec
        tracer = self

        def thread_future_done(future):
            state, error = _ending(future)
            rec.finish(future.__dict__["_fl_id"], state, error)

        def process_future_done(future):
            tracer.drain()
            state, error = _ending(future)
            rec.finish(future.__dict__["_fl_id"], state, error)

        orig_thread_init = thread._WorkItem.__init__

        def thread_work_item_init(self, future, *rest):
            orig_thread_init(self, future, *rest)
            if rec.active:
                fn, args, kwargs = _split_work(rest)
                future._fl_id = rec.submit("future", call_label(fn, args, kwargs),
                                           "ThreadPoolExecutor")
                future._fl_lane = "thread"
                future.add_done_callback(thread_future_done)

        orig_process_init = process._WorkItem.__init__

        def process_work_item_init(self, future, fn, args, kwargs):
            orig_process_init(self, future, fn, args, kwargs)
            if rec.active:
                fid = rec.submit("future", call_label(fn, args, kwargs), "ProcessPoolExecutor")
                future._fl_id = fid
                future._fl_lane = "process"
                self.fn = _RemoteStart(fn, fid, tracer.address())
                future.add_done_callback(process_future_done)

        orig_set_running = _base.Future.set_running_or_notify_cancel

        def set_running_or_notify_cancel(self):
            running = orig_set_running(self)
            if running and self.__dict__.get("_fl_lane") == "thread":
                tid = native_id()
                rec.start(self.__dict__["_fl_id"], "thread", rec.lane("thread", tid), now())
            return running

        thread._WorkItem.__init__ = thread_work_item_init
        process._WorkItem.__init__ = process_work_item_init
        _base.Future.set_running_or_notify_cancel = set_running_or_notify_cancel
        self._undo = [(thread._WorkItem, "__init__", orig_thread_init),
                      (process._WorkItem, "__init__", orig_process_init),
                      (_base.Future, "set_running_or_notify_cancel", orig_set_running)]

    def uninstall(self):
        for owner, name, value in self._undo:
            setattr(owner, name, value)
        self._undo = []

    # The worker processes' starts ------------------------------------------------------------

    def address(self):
        if self._sock is None:
            with self._sock_lock:
                if self._sock is None:
                    self._sock_dir = tempfile.mkdtemp(prefix="futures-lab-trace-")
                    path = os.path.join(self._sock_dir, "starts")
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    sock.bind(path)
                    sock.setblocking(False)
                    self._address = path
                    self._sock = sock
                    _thread.start_new_thread(self._collect, ())
        return self._address

    def _collect(self):
        poller = select.poll()
        poller.register(self._sock.fileno(), select.POLLIN)
        while self._sock is not None and self.rec.active:
            try:
                if poller.poll(200):
                    self.drain()
            except (OSError, ValueError):
                return

    def drain(self):
        """Records every start that has arrived. Receiving and recording under one lock
        keeps a start that has been received from being recorded after its future's end."""
        sock = self._sock
        if sock is None:
            return
        rec = self.rec
        with self._drain_lock:
            while True:
                try:
                    data = sock.recv(128)
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:
                    return
                try:
                    fid, pid, tid, t = (int(x) for x in data.split())
                except ValueError:
                    continue
                rec.start(fid, "process", rec.lane("process", pid), t, pid=pid, tid=tid)

    def close(self):
        sock, self._sock = self._sock, None
        if sock is not None:
            self.drain_socket(sock)
            sock.close()
        if self._sock_dir is not None:
            try:
                os.unlink(self._address)
                os.rmdir(self._sock_dir)
            except OSError:
                pass
            self._sock_dir = None

    def drain_socket(self, sock):
        saved, self._sock = self._sock, sock
        try:
            self.drain()
        finally:
            self._sock = saved
