#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""CPU-bound work: threads vs processes under Python's GIL.

The Python side of the app's "Compute" page and of `futures-lab-cli compute`. Each job
counts the primes below N by trial division (the classic slow teaching workload, the same
algorithm as the C kernel). The same jobs run three ways:

  * sequential: one after another on the main thread;
  * ThreadPoolExecutor: CPython's GIL lets only one thread run Python code at a time, so
    CPU-bound threads take turns and the speed-up is about x1;
  * ProcessPoolExecutor: each worker process has its own interpreter and its own GIL, so
    the speed-up approaches min(jobs, cores).

In C there is no GIL: real threads reach xcores too, and the app shows a "simulated GIL"
mode to reproduce Python's x1. (C is also much faster: its default N is 1 600 000 for
about 0.2 s per job; the default here gives about 0.2 s per job in CPython.)

Run:
    python3 compute.py                            # 8 jobs, all three ways
    python3 compute.py --jobs 4 --size 20000      # a quick run
    python3 compute.py --mode processes --workers 2
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

DEFAULT_SIZE = 250_000        # about 0.2 s per job in CPython 3.11 on the reference machine


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def count_primes(n):
    """The job: pure Python arithmetic, no I/O, never releases the GIL on its own."""
    return sum(1 for i in range(n) if is_prime(i))


def run_sequential(sizes, workers):
    return [count_primes(n) for n in sizes]


def run_threads(sizes, workers):
    # The threads are real OS threads, but they share one interpreter lock: while one
    # computes, the others wait for the GIL (CPython hands it over every 5 ms).
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(count_primes, sizes))


def run_processes(sizes, workers):
    # Each job is pickled to a worker process and its result pickled back: that costs
    # a little per job, and buys one GIL per process.
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(count_primes, sizes))


MODES = {
    "sequential": run_sequential,
    "threads": run_threads,
    "processes": run_processes,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--jobs", type=int, default=8, help="how many jobs (default 8)")
    parser.add_argument("-s", "--size", type=int, default=DEFAULT_SIZE,
                        help=f"count the primes below N in each job (default {DEFAULT_SIZE})")
    parser.add_argument("-w", "--workers", type=int, default=os.cpu_count(),
                        help="worker threads or processes (default: one per core)")
    parser.add_argument("-m", "--mode", choices=[*MODES, "all"], default="all",
                        help="which way to run the jobs (default all, one after another)")
    args = parser.parse_args()
    if args.jobs < 1 or args.size < 1 or args.workers < 1:
        parser.error("--jobs, --size and --workers must be at least 1")

    cores = os.cpu_count()
    sizes = [args.size] * args.jobs
    modes = list(MODES) if args.mode == "all" else [args.mode]
    print(f"{args.jobs} jobs counting the primes below {args.size}, "
          f"{args.workers} workers, {cores} cores")

    timings = {}
    for mode in modes:
        t0 = time.perf_counter()
        counts = MODES[mode](sizes, args.workers)
        timings[mode] = time.perf_counter() - t0
        # The same answer whichever way the jobs ran, or something is badly wrong.
        if counts != [counts[0]] * args.jobs:
            sys.exit(f"{mode}: the jobs disagree: {counts}")
        print(f"{mode:>10}: {timings[mode]:6.2f} s   ({counts[0]} primes below {args.size})")

    if "sequential" in timings:
        print("speed-up over sequential:")
        ideal = min(args.jobs, args.workers, cores)
        theory = {"threads": "about x1: the GIL", "processes": f"about x{ideal}: one GIL each"}
        for mode in modes[1:]:
            speedup = timings["sequential"] / timings[mode]
            print(f"{mode:>10}: x{speedup:.2f}   (theory {theory[mode]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
