# SPDX-License-Identifier: GPL-3.0-or-later
"""The event log: cheap to append to from any thread, written out live in batches.

An event is a dict with at least "ev" (its kind) and "t" (time.perf_counter_ns()); emit()
adds "pid" and "tid" (the native thread id). Appending is a list.append and a
deque.append, both atomic under the GIL, so the hot path takes no lock. A low-level thread
(a _thread, not a threading.Thread, so that threading.enumerate() and active_count() in
the traced script see nothing new) wakes every few tens of milliseconds, turns what is
pending into JSON Lines and writes each batch with one os.write per sink: a reader of the
pipe sees it live, and a file sink keeps every batch written so far if the process is
killed.
"""

import _thread
import collections
import itertools
import json
import os
import threading
import time

now = time.perf_counter_ns
native_id = threading.get_native_id

LANE_KINDS = ("none", "thread", "process", "main-loop", "caller")

# One encoder for every line: json.dumps() with options builds a new one per call, which
# costs more than the encoding itself.
_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False,
                            default=str)
_encode_str = json.encoder.encode_basestring


def _line(event):
    """One JSON line; ints and strings (nearly every value) by hand, which is faster."""
    parts = []
    for key, value in event.items():
        kind = type(value)
        if kind is int:
            parts.append('"%s":%d' % (key, value))
        elif kind is str:
            parts.append('"%s":%s' % (key, _encode_str(value)))
        else:
            parts.append('"%s":%s' % (key, _encoder.encode(value)))
    return "{" + ",".join(parts) + "}"


class Recorder:
    def __init__(self, flush_interval=0.05):
        self.pid = os.getpid()
        self.active = True
        self.events = []                    # every event, for the Chrome export at exit
        self._pending = collections.deque()  # not yet written to the sinks
        self._sinks = []                    # file descriptors
        self._ids = itertools.count(1)
        self._lock = _thread.RLock()
        self._lanes = {}                    # (lane kind, key) -> lane index
        self._lane_counts = collections.Counter()
        self.ended = set()
        self.started = set()
        self._flush_interval = flush_interval
        self._wake = _thread.allocate_lock()
        self._wake.acquire()
        self._stopping = False
        self._flusher = None
        self._write_lock = _thread.allocate_lock()

    # Sinks ---------------------------------------------------------------------------------

    def add_fd(self, fd):
        """Writes the live events to an inherited descriptor (a pipe or a socket)."""
        os.set_inheritable(fd, False)   # programs the script runs must not hold it open
        self._sinks.append(fd)

    def add_path(self, path):
        """Appends the live events to a file, line by line."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        self._sinks.append(fd)

    def start_flusher(self):
        if self._sinks and self._flusher is None:
            self._flusher = _thread.start_new_thread(self._flush_loop, ())

    def _flush_loop(self):
        while not self._stopping:
            self._wake.acquire(timeout=self._flush_interval)
            self.flush()

    def flush(self):
        """Writes every pending event to every sink; safe from any thread."""
        if not self._sinks or os.getpid() != self.pid:
            return
        with self._write_lock:
            pending = self._pending
            lines = []
            try:
                while True:
                    lines.append(_line(pending.popleft()))
            except IndexError:
                pass
            if not lines:
                return
            data = ("\n".join(lines) + "\n").encode("utf-8", "backslashreplace")
            for fd in list(self._sinks):
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
                except OSError:
                    # The reader went away (EPIPE): tracing goes on without it.
                    self._sinks.remove(fd)

    def close(self):
        self._stopping = True
        if self._flusher is not None:
            try:
                self._wake.release()
            except RuntimeError:
                pass
        self.flush()
        for fd in self._sinks:
            try:
                os.close(fd)
            except OSError:
                pass
        self._sinks = []

    def after_fork_in_child(self):
        """A forked child is not the traced run: it records nothing and drops the sinks."""
        self.active = False
        for fd in self._sinks:
            try:
                os.close(fd)
            except OSError:
                pass
        self._sinks = []
        self._pending = collections.deque()

    # Recording -----------------------------------------------------------------------------

    def emit(self, event):
        if self.active:
            event["pid"] = self.pid
            if "tid" not in event:
                event["tid"] = native_id()
            self.events.append(event)
            self._pending.append(event)

    def new_id(self):
        return next(self._ids)

    def lane(self, kind, key):
        """The lane index (0-based, in order of first use) of a thread, process or loop."""
        index = self._lanes.get((kind, key))
        if index is None:
            with self._lock:
                index = self._lanes.get((kind, key))
                if index is None:
                    index = self._lane_counts[kind]
                    self._lane_counts[kind] += 1
                    self._lanes[(kind, key)] = index
        return index

    def submit(self, kind, label, executor, t=None):
        fid = next(self._ids)
        self.emit({"ev": "submit", "t": now() if t is None else t, "id": fid, "kind": kind,
                   "executor": executor, "label": label})
        return fid

    def start(self, fid, lane_kind, lane, t=None, pid=None, tid=None):
        if fid in self.started or fid in self.ended:
            return
        self.started.add(fid)
        event = {"ev": "start", "t": now() if t is None else t, "id": fid,
                 "lane_kind": lane_kind, "lane": lane}
        if tid is not None:
            event["tid"] = tid
        if pid is not None:
            event["worker_pid"] = pid
        self.emit(event)

    def finish(self, fid, state, error=None, t=None, **extra):
        """Records the one ending of @fid; any later one is ignored."""
        if fid in self.ended:
            return
        self.ended.add(fid)
        event = {"ev": "finish", "t": now() if t is None else t, "id": fid, "state": state}
        if error is not None:
            event["error"] = error
        if extra:
            event.update(extra)
        self.emit(event)


def describe_exception(exc):
    text = str(exc)
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def short_repr(value, limit=24):
    try:
        text = repr(value)
    except Exception:
        text = "<%s>" % type(value).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def call_label(fn, args=(), kwargs=None):
    """`name(arg, …)` for a callable: what the timeline and the list show."""
    # functools.partial, and contextvars.Context.run (asyncio.to_thread) hide the real one.
    for _ in range(4):
        inner = getattr(fn, "func", None)
        if inner is not None and hasattr(fn, "args"):
            args = tuple(fn.args) + tuple(args)
            fn = inner
            continue
        if getattr(fn, "__name__", None) == "run" and type(getattr(fn, "__self__", None)).__name__ == "Context" and args:
            fn, args = args[0], args[1:]
            continue
        break
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
    if name == "_process_chunk" and len(args) == 2 and callable(args[0]):
        # ProcessPoolExecutor.map: partial(_process_chunk, fn) over a chunk of arg tuples
        fn, chunk = args
        try:
            if len(chunk) == 1:
                return call_label(fn, tuple(chunk[0]))
            return "%s × %d" % (call_label(fn, tuple(chunk[0])), len(chunk))
        except TypeError:
            return call_label(fn)
    shown = [short_repr(a) for a in args[:3]]
    if len(args) > 3:
        shown.append("…")
    if kwargs:
        shown.append("…" if len(args) >= 3 else ", ".join(f"{k}=…" for k in list(kwargs)[:2]))
    return f"{name}({', '.join(shown)})"
