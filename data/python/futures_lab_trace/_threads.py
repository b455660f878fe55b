# SPDX-License-Identifier: GPL-3.0-or-later
"""threading.Thread lifetimes, queue.Queue put/get with the time each blocked, and the
exceptions that end a thread.

A thread is timed around Thread._bootstrap_inner, which every Thread runs on its own new
thread whatever its run() is (subclasses included). queue.Queue.put and get are timed
around the originals (put_nowait and get_nowait call them; LifoQueue and PriorityQueue
inherit them): the time in between is the time the caller was blocked, waiting for room
or for an item.
"""

import threading

from ._recorder import describe_exception, now, native_id


class ThreadsTracer:
    def __init__(self, recorder):
        self.rec = recorder
        self._undo = []
        self._queues = {}

    def install(self):
        import queue

        rec = self.rec
        Thread = threading.Thread
        orig_bootstrap = Thread._bootstrap_inner

        def bootstrap_inner(self):
            if not rec.active:
                return orig_bootstrap(self)
            tid = native_id()
            lane = rec.lane("thread", tid)
            rec.emit({"ev": "thread-begin", "t": now(), "name": self.name, "lane": lane,
                      "daemon": self.daemon})
            try:
                orig_bootstrap(self)
            finally:
                rec.emit({"ev": "thread-end", "t": now(), "name": self.name, "lane": lane})

        orig_hook = threading.excepthook

        def excepthook(args):
            if rec.active and args.exc_type is not SystemExit:
                import traceback

                rec.emit({"ev": "exception", "t": now(),
                          "where": args.thread.name if args.thread is not None else "thread",
                          "type": args.exc_type.__name__,
                          "message": describe_exception(args.exc_value),
                          "traceback": "".join(traceback.format_exception(
                              args.exc_type, args.exc_value, args.exc_traceback))})
            return orig_hook(args)

        queues = self._queues

        def queue_id(q):
            key = id(q)
            entry = queues.get(key)
            if entry is None or entry[0]() is not q:
                import weakref

                try:
                    ref = weakref.ref(q)
                except TypeError:
                    ref = lambda: q     # noqa: E731
                entry = queues[key] = (ref, len(queues) + 1)
            return entry[1]

        Queue = queue.Queue
        orig_put = Queue.put
        orig_get = Queue.get

        def put(self, item, block=True, timeout=None):
            if not rec.active:
                return orig_put(self, item, block, timeout)
            t0 = now()
            ok = False
            try:
                orig_put(self, item, block, timeout)
                ok = True
            finally:
                t1 = now()
                rec.emit({"ev": "put", "t": t0, "dur": t1 - t0, "queue": queue_id(self),
                          "size": self._qsize(), "ok": ok})

        def get(self, block=True, timeout=None):
            if not rec.active:
                return orig_get(self, block, timeout)
            t0 = now()
            ok = False
            try:
                item = orig_get(self, block, timeout)
                ok = True
                return item
            finally:
                t1 = now()
                rec.emit({"ev": "get", "t": t0, "dur": t1 - t0, "queue": queue_id(self),
                          "size": self._qsize(), "ok": ok})

        put.__doc__ = orig_put.__doc__
        get.__doc__ = orig_get.__doc__
        Thread._bootstrap_inner = bootstrap_inner
        threading.excepthook = excepthook
        Queue.put = put
        Queue.get = get
        self._undo = [(Thread, "_bootstrap_inner", orig_bootstrap),
                      (threading, "excepthook", orig_hook),
                      (Queue, "put", orig_put), (Queue, "get", orig_get)]

    def uninstall(self):
        for owner, name, value in self._undo:
            setattr(owner, name, value)
        self._undo = []
