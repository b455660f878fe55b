#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""CPU-bound work on a ProcessPoolExecutor under a given start method (fork, spawn,
forkserver): one job fails, and the last ones are cancelled before they start."""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, wait


def count_primes(n):
    if n < 0:
        raise ValueError(f"negative size {n}")
    return sum(1 for k in range(2, n) if all(k % d for d in range(2, int(k ** 0.5) + 1)))


def main(method, jobs):
    context = multiprocessing.get_context(method)
    counts = {"finished": 0, "failed": 0, "cancelled": 0}
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as executor:
        sizes = [20000 + 500 * i for i in range(jobs)] + [-1]
        futures = [executor.submit(count_primes, n) for n in sizes]
        # Queued behind the others, more than the pool takes in advance: cancellable.
        late = [executor.submit(count_primes, 50) for _ in range(4)]
        for future in late:
            if future.cancel():
                counts["cancelled"] += 1
        done, _ = wait(futures + late)
        for future in futures + late:
            if future.cancelled():
                continue
            if future.exception() is not None:
                counts["failed"] += 1
            else:
                counts["finished"] += 1
    print(f"{method}: {counts['finished']} ok, {counts['failed']} failed, "
          f"{counts['cancelled']} cancelled")
    print("RESULT label=count_primes " + " ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 6)
