#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""map vs as_completed: the classic "loiter" lesson of Futures Lab, in Python.

Jobs loiter(0) .. loiter(4) sleep n units each on a pool of 3 threads. The same jobs are
consumed twice:

  * executor.map() hands results back in SUBMISSION order: the consumer waits on a slow
    early job even when later ones are already finished;
  * as_completed() hands futures back in COMPLETION order: the consumer never waits for a
    result that is already there.

Every line is timestamped, so the transcript shows when each job ran and when the consumer
got its result. It is the Python side of the app's "map vs as_completed" page and of
`futures-lab-cli loiter`.

Run:
    python3 map.py                      # 1 s units, both ways (about 10 s)
    python3 map.py --unit 0.1           # the same, ten times faster
    python3 map.py --reverse --unit 0.1 # longest job first: map waits on it, as_completed does not
    python3 map.py --mode map           # only executor.map()
"""

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime


def display(*args):
    """Print one line stamped with the wall-clock time, to the millisecond."""
    stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]
    text = " ".join(str(arg) for arg in args)
    # Worker threads print too: the line and its newline go out in a single write, so
    # lines from different threads never get mixed up.
    print(f"[{stamp}] {text}\n", end="", flush=True)


def loiter(n, unit):
    """The job: do nothing for n units, then return n * 10.

    It runs on a worker thread; the tabs indent each job's lines so they form columns.
    """
    tabs = "\t" * n
    display(f"{tabs}loiter({n}): doing nothing for {n} x {unit:g} s...")
    time.sleep(n * unit)
    display(f"{tabs}loiter({n}): done.")
    return n * 10


def with_map(ns, workers, unit):
    """Consume the results with executor.map(): they come back in submission order."""
    display("Script starting.")
    order = []
    with ThreadPoolExecutor(max_workers=workers) as executor:
        # map() submits every job at once and returns a lazy iterator over the results.
        results = executor.map(loiter, ns, [unit] * len(ns))
        display("results:", results)
        display("Waiting for individual results:")
        # Each step of this loop blocks until THAT job is done, even if a later job
        # finished long ago: a slow early job holds back everything behind it.
        for i, (n, result) in enumerate(zip(ns, results)):
            display(f"result {i}: {result}")
            order.append(n)
    return order


def with_as_completed(ns, workers, unit):
    """Consume the same jobs with as_completed(): results come in completion order."""
    display("Script starting.")
    order = []
    with ThreadPoolExecutor(max_workers=workers) as executor:
        # submit() returns a Future at once; remember which job each future stands for.
        to_n = {executor.submit(loiter, n, unit): n for n in ns}
        display("Waiting for individual results:")
        # as_completed() yields each future as soon as it is done, whichever it is.
        for future in as_completed(to_n):
            n = to_n[future]
            display(f"result of loiter({n}): {future.result()}")
            order.append(n)
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-w", "--workers", type=int, default=3,
                        help="worker threads (default 3)")
    parser.add_argument("-n", "--count", type=int, default=5,
                        help="jobs loiter(0) .. loiter(N-1) (default 5)")
    parser.add_argument("-u", "--unit", type=float, default=1.0,
                        help="length of one loiter unit in seconds (default 1)")
    parser.add_argument("-m", "--mode", choices=["map", "as-completed", "both"],
                        default="both", help="which consumer to run (default both)")
    parser.add_argument("-r", "--reverse", action="store_true",
                        help="submit the longest job first: map then waits on it")
    args = parser.parse_args()
    if args.workers < 1 or args.count < 1 or args.unit < 0:
        parser.error("--workers and --count must be at least 1, --unit not negative")

    ns = list(range(args.count))
    if args.reverse:
        ns.reverse()

    if args.mode in ("map", "both"):
        print("== executor.map() ==")
        order = with_map(ns, args.workers, args.unit)
        print("map: results in order", " ".join(map(str, order)))
    if args.mode == "both":
        print()
    if args.mode in ("as-completed", "both"):
        print("== as_completed() ==")
        order = with_as_completed(ns, args.workers, args.unit)
        print("as_completed: results in order", " ".join(map(str, order)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
