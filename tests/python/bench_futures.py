#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""N trivial futures, timed: `bench_futures.py threads|processes|tasks N`. Prints the
wall time per future in microseconds (submission to the last result)."""

import asyncio
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def noop(x):
    return x


async def anoop(x):
    return x


def main(kind, n):
    if kind == "tasks":
        async def run():
            return await asyncio.gather(*(anoop(i) for i in range(n)))

        t0 = time.perf_counter()
        asyncio.run(run())
        elapsed = time.perf_counter() - t0
    else:
        executor = (ThreadPoolExecutor(4) if kind == "threads" else ProcessPoolExecutor(2))
        with executor:
            list(executor.map(noop, range(8)))          # workers up before the clock
            t0 = time.perf_counter()
            futures = [executor.submit(noop, i) for i in range(n)]
            for future in futures:
                future.result()
            elapsed = time.perf_counter() - t0
    print(f"{elapsed / n * 1e6:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
