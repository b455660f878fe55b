#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""asyncio.gather, wait and wait_for, one task cancelled before it runs, one cancelled
while it waits, one timed out, one failing; to_thread and run_in_executor on the way."""

import asyncio
import time


async def job(n, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise RuntimeError(f"job {n} failed")
    return n


def blocking(n):
    time.sleep(0.01)
    return n


async def main():
    counts = {"finished": 0, "failed": 0, "cancelled": 0}

    def tally(task):
        if task.cancelled():
            counts["cancelled"] += 1
        elif task.exception() is not None:
            counts["failed"] += 1
        else:
            counts["finished"] += 1

    tasks = [asyncio.create_task(job(i, 0.01 * i)) for i in range(5)]
    tasks.append(asyncio.create_task(job(5, 0.01, fail=True)))
    never = asyncio.create_task(job(6, 0.01))
    never.cancel()                       # before it ever ran
    waiting = asyncio.create_task(job(7, 10))
    tasks += [never, waiting]
    for task in tasks:
        task.add_done_callback(tally)

    results = await asyncio.gather(*tasks[:6], return_exceptions=True)
    print("gather:", results)
    done, pending = await asyncio.wait([waiting], timeout=0.02)
    print(f"wait: {len(done)} done, {len(pending)} pending")
    waiting.cancel()                     # while it waits
    timed = asyncio.create_task(job(8, 10))
    timed.add_done_callback(tally)
    try:
        await asyncio.wait_for(timed, timeout=0.02)
    except asyncio.TimeoutError:
        print("wait_for: timed out")
    loop = asyncio.get_running_loop()
    print("threads:", await asyncio.to_thread(blocking, 1),
          await loop.run_in_executor(None, blocking, 2))
    await asyncio.sleep(0)
    await asyncio.gather(never, waiting, return_exceptions=True)
    print("RESULT label=job " + " ".join(f"{k}={v}" for k, v in counts.items())
          + " label=blocking finished=2")


if __name__ == "__main__":
    asyncio.run(main())
