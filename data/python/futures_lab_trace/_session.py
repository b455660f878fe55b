# SPDX-License-Identifier: GPL-3.0-or-later
"""One traced run: the recorder, the tracers, the script, and what is written at the end.

The script runs as `python3 script.py` would run it: in a fresh __main__ module that stays
in sys.modules (pickling its functions for a process pool works under every start
method), with sys.argv and sys.path[0] set as Python sets them. Its output goes where it
would go; a copy of each write is an event. Its uncaught exception is printed by
sys.excepthook without the tracer's own frames, and the exit status is the one Python
would give (1, SystemExit's code, or death by SIGINT after a KeyboardInterrupt).

The Chrome JSON is written at exit by the first atexit handler registered, which Python
runs last: after threading's shutdown has joined every executor's workers and after the
script's own handlers. SIGTERM (when the script leaves it at its default) writes it too,
then dies of SIGTERM as it would have. A SIGKILL leaves the live events file.
"""

import atexit
import os
import signal
import sys
import threading

from ._asyncio import AsyncioTracer
from ._futures import FuturesTracer
from ._recorder import Recorder, describe_exception, now
from ._threads import ThreadsTracer
from . import SCHEMA_VERSION, _chrome


class _Tee:
    """A text stream that records a copy of what is written to it."""

    def __init__(self, stream, recorder, name):
        self.__dict__["_fl_stream"] = stream
        self.__dict__["_fl_rec"] = recorder
        self.__dict__["_fl_name"] = name

    def write(self, text):
        n = self._fl_stream.write(text)
        rec = self._fl_rec
        if rec.active and text:
            rec.emit({"ev": self._fl_name, "t": now(), "text": text[:4096]})
        return n

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._fl_stream, name)

    def __setattr__(self, name, value):
        setattr(self._fl_stream, name, value)

    def __iter__(self):
        return iter(self._fl_stream)


class Session:
    def __init__(self, output=None, events_path=None, events_fd=None, title=None,
                 heartbeat_ms=10.0, capture_output=True, argv=None):
        self.output = output
        self.title = title
        self.rec = Recorder()
        self.futures = FuturesTracer(self.rec)
        self.asyncio = AsyncioTracer(self.rec, heartbeat_ms)
        self.threads = ThreadsTracer(self.rec)
        self.capture_output = capture_output
        self.argv = list(argv if argv is not None else sys.argv)
        self._events_path = events_path
        self._events_fd = events_fd
        self._finished = False
        self._exit_code = 0
        self._die_of = None
        self._lock = threading.Lock()

    def start(self):
        rec = self.rec
        if self._events_fd is not None:
            rec.add_fd(self._events_fd)
        if self._events_path is not None:
            rec.add_path(self._events_path)
        rec.emit({"ev": "run", "t": now(), "v": SCHEMA_VERSION,
                  "python": sys.version.split()[0], "argv": self.argv,
                  "clock": "CLOCK_MONOTONIC", "title": self.title or " ".join(self.argv)})
        self.futures.install()
        self.asyncio.install()
        self.threads.install()
        if self.capture_output:
            sys.stdout = _Tee(sys.stdout, rec, "stdout")
            sys.stderr = _Tee(sys.stderr, rec, "stderr")
        os.register_at_fork(after_in_child=rec.after_fork_in_child)
        atexit.register(self.finish)
        if threading.current_thread() is threading.main_thread() \
                and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, self._on_sigterm)
        rec.start_flusher()
        return self

    # The end -----------------------------------------------------------------------------------

    def _on_sigterm(self, signum, frame):
        self.finish(signal_name="SIGTERM")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    def finish(self, signal_name=None):
        """Writes everything out, once; only in the traced process, never a forked child."""
        with self._lock:
            if self._finished or os.getpid() != self.rec.pid:
                return
            self._finished = True
        rec = self.rec
        self.futures.drain()
        event = {"ev": "exit", "t": now(), "code": self._exit_code}
        if signal_name is not None:
            event["signal"] = signal_name
            event["code"] = 128 + signal.Signals[signal_name].value
        elif self._die_of is not None:
            event["signal"] = self._die_of.name
            event["code"] = 128 + self._die_of.value
        rec.emit(event)
        rec.active = False
        self.futures.close()
        rec.close()
        if self.output is not None:
            try:
                _chrome.write(self.output, rec.events, self.title)
            except OSError as e:
                print(f"futures_lab_trace: cannot write {self.output}: {e.strerror}",
                      file=sys.__stderr__)
        if self._die_of is not None and signal_name is None:
            # What Python does after an uncaught KeyboardInterrupt: die of SIGINT.
            sys.__stdout__.flush()
            signal.signal(self._die_of, signal.SIG_DFL)
            os.kill(os.getpid(), self._die_of)

    # The script --------------------------------------------------------------------------------

    def run_script(self, path, args):
        """Runs @path as __main__ with @args; raises SystemExit with the script's status."""
        import io
        import types

        sys.argv = [path] + list(args)
        path = os.path.abspath(path)    # as Python makes __file__ and the code's file name
        here = os.path.dirname(os.path.abspath(__file__))
        package_root = os.path.dirname(here)
        sys.path[0] = os.path.dirname(path)
        if package_root not in sys.path:
            sys.path.append(package_root)   # where spawned workers find _procworker

        main = types.ModuleType("__main__")
        main.__file__ = path
        main.__builtins__ = __builtins__ if isinstance(__builtins__, dict) else vars(__builtins__)
        main.__spec__ = None
        main.__cached__ = None
        try:
            from importlib.machinery import SourceFileLoader

            main.__loader__ = SourceFileLoader("__main__", path)
        except Exception:
            pass
        sys.modules["__main__"] = main

        try:
            with io.open_code(path) as f:
                source = f.read()
            code = compile(source, path, "exec", dont_inherit=True)
            exec(code, main.__dict__)
        except SystemExit as e:
            self._exit_code = _exit_status(e.code)
            raise
        except KeyboardInterrupt as e:
            self._report(e)
            self._die_of = signal.SIGINT
            raise SystemExit(130)
        except BaseException as e:
            self._report(e)
            self._exit_code = 1
            raise SystemExit(1)

    def _report(self, exc):
        tb = exc.__traceback__
        # Python's own traceback starts in the script: drop the frames of this file.
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        exc.__traceback__ = tb
        self._record_exception(exc, main=True)
        sys.excepthook(type(exc), exc, tb)

    def _record_exception(self, exc, main):
        import traceback

        self.rec.emit({"ev": "exception", "t": now(), "where": "main" if main else "thread",
                       "type": type(exc).__name__, "message": describe_exception(exc),
                       "traceback": "".join(traceback.format_exception(
                           type(exc), exc, exc.__traceback__))})


def _exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    return 1
