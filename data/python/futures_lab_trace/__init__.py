# SPDX-License-Identifier: GPL-3.0-or-later
"""futures_lab_trace: watch an unmodified Python program's futures, tasks, threads and queues.

Run a script under it:

    python3 -m futures_lab_trace [-o run.json] [--events run.jsonl] [--events-fd N] \
        script.py ARGS...

It records, with time.perf_counter_ns() (CLOCK_MONOTONIC on Linux, one clock for every
process), the life of every concurrent.futures future (ThreadPoolExecutor and
ProcessPoolExecutor), every asyncio task and the event loop's lateness, threading.Thread
lifetimes, queue.Queue put/get with the time each blocked, the script's exceptions and
its output. Events go out live as JSON Lines; the whole run is written at exit as Chrome
Trace Event JSON that Perfetto opens and Futures Lab loads as a run. docs/PYTHON.md
describes both formats.

Importing this package installs nothing: only running it (or calling install()) does.
"""

__version__ = "1.0"

SCHEMA_VERSION = 1


def install(**options):
    """Starts tracing this process now; returns the recorder (see __main__.py)."""
    from ._session import Session

    return Session(**options).start()
