#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A done-callback chain: each future's callback submits the next step, until the chain
is done; one link fails and a second chain is cancelled before it starts."""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor


def step(n):
    if n == 7:
        raise ArithmeticError("seven")
    return n + 1


def main(length):
    finished = threading.Event()
    counts = {"finished": 0, "failed": 0, "cancelled": 0}
    lock = threading.Lock()
    executor = ThreadPoolExecutor(max_workers=2)

    def on_done(future):
        with lock:
            if future.cancelled():
                counts["cancelled"] += 1
                return
            if future.exception() is not None:
                counts["failed"] += 1
                value = 8          # skip over the failed link
            else:
                counts["finished"] += 1
                value = future.result()
        if value < length:
            executor.submit(step, value).add_done_callback(on_done)
        else:
            finished.set()

    gate = threading.Event()
    blocker = executor.submit(gate.wait)
    blocker2 = executor.submit(gate.wait)
    queued = executor.submit(step, 100)
    queued.add_done_callback(on_done)
    queued.cancel()                 # both workers are busy: it has not started
    gate.set()
    blocker.result(), blocker2.result()
    executor.submit(step, 0).add_done_callback(on_done)
    finished.wait(30)
    executor.shutdown()
    print(f"chain of {length}: {counts['finished']} links, {counts['failed']} failed")
    print("RESULT label=step " + " ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
