#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Killed mid-run: some futures done, some running, some queued, then a signal (KILL by
default, or TERM) to itself."""

import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor


def work(n, gate):
    if n >= 4:
        gate.wait()
    return n


def main(signame):
    gate = threading.Event()
    executor = ThreadPoolExecutor(max_workers=2)
    futures = [executor.submit(work, n, gate) for n in range(10)]
    for future in futures[:4]:
        future.result()
    print("4 done, 2 running, 4 queued", flush=True)
    while sum(f.running() for f in futures) < 2:
        threading.Event().wait(0.001)
    # Let the tracer's live writer catch up with what has happened (a batch is written
    # at least every 50 ms), as a real program's run goes on for a while before a kill.
    threading.Event().wait(0.3)
    os.kill(os.getpid(), getattr(signal, "SIG" + signame))
    gate.set()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "KILL")
