#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Coroutines: concurrency on ONE thread, with asyncio.

The Python side of the app's "Coroutines on the main loop" page. Every task here runs on
the main thread, in one event loop; they take turns at each `await`. The script shows:

  1. start N tasks: create_task() returns at once, the tasks run while we wait;
  2. gather(): results in the order the tasks were given, whatever order they finished;
  3. wait(FIRST_COMPLETED): go on as soon as one is done, then cancel the rest;
  4. wait_for(): a timeout that CANCELS the task (it sees CancelledError at its await);
  5. a Semaphore: at most `limit` tasks inside at once;
  6. thread names: every task ran on MainThread;
  7. one blocking time.sleep() inside a coroutine stalls EVERY task (and a window, in an
     app), while the awaited version, or asyncio.to_thread(), does not.

Run:
    python3 coroutines.py                      # 0.5 s units (about 8 s in all)
    python3 coroutines.py --unit 0.05 --block 0.3
    python3 coroutines.py --tasks 8 --limit 3
"""

import argparse
import asyncio
import sys
import threading
import time

THREADS_SEEN = set()       # the name of every thread any task ran on
START = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - START:6.3f}] {message}", flush=True)


def note_thread():
    THREADS_SEEN.add(threading.current_thread().name)


async def job(name, seconds):
    """An async job: wait on a timer without blocking anyone, then return a value."""
    note_thread()
    try:
        # `await` hands control back to the event loop: other tasks run meanwhile.
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        # Cancelling a task raises CancelledError at the await it is parked on. Clean up
        # here if needed, and let it propagate: swallowing it would defeat the cancel.
        log(f"{name}: cancelled while waiting")
        raise
    note_thread()
    log(f"{name}: done after {seconds:g} s")
    return name


async def start_and_gather(n, unit):
    print("\n== 1-2. start N tasks, then gather() ==")
    # The first task given sleeps longest: the tasks finish in reverse order.
    names = [f"task-{i}" for i in range(n)]
    t0 = time.monotonic()
    tasks = [asyncio.create_task(job(name, (n - i) * unit)) for i, name in enumerate(names)]
    log(f"started {n} tasks in {(time.monotonic() - t0) * 1000:.2f} ms: none has run yet")
    results = await asyncio.gather(*tasks)
    log(f"gather() returned them in the order given: {' '.join(results)}")


async def first_completed(unit):
    print("\n== 3. wait(FIRST_COMPLETED), then cancel the rest ==")
    tasks = [asyncio.create_task(job(name, k * unit))
             for name, k in (("slow", 3), ("fast", 1), ("medium", 2))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    log(f"wait() returned: done {[t.result() for t in done]}, {len(pending)} still pending")
    for task in pending:
        task.cancel()
    # Cancelling only asks: wait for the cancelled tasks to really finish.
    await asyncio.gather(*pending, return_exceptions=True)
    log(f"cancelled: {sum(t.cancelled() for t in pending)} of {len(pending)}")


async def timeout_cancels(unit):
    print("\n== 4. wait_for(): a timeout that cancels ==")
    # (Python 3.11 also has `async with asyncio.timeout(unit):` for a block of awaits.)
    try:
        await asyncio.wait_for(job("too-slow", 4 * unit), timeout=unit)
    except TimeoutError:
        log(f"wait_for() raised TimeoutError after {unit:g} s, and the task was cancelled")


async def limited(n, limit, unit):
    print(f"\n== 5. a Semaphore: {n} tasks, at most {limit} at once ==")
    semaphore = asyncio.Semaphore(limit)
    inside = 0
    most_inside = 0

    async def limited_job(name):
        nonlocal inside, most_inside
        async with semaphore:       # waits here while `limit` tasks are inside
            inside += 1             # no lock needed: nothing else runs between awaits
            most_inside = max(most_inside, inside)
            try:
                return await job(name, unit)
            finally:
                inside -= 1

    t0 = time.monotonic()
    # A TaskGroup (Python 3.11) waits for all its tasks when the block ends.
    async with asyncio.TaskGroup() as group:
        for i in range(n):
            group.create_task(limited_job(f"limited-{i}"))
    log(f"at most {most_inside} ran at once (limit {limit}); "
        f"{n} tasks of {unit:g} s took {time.monotonic() - t0:.2f} s")


async def ticker(interval, gaps):
    """Asks to run every `interval` seconds and records how long each turn really took."""
    note_thread()
    previous = time.monotonic()
    while True:
        await asyncio.sleep(interval)
        now = time.monotonic()
        gaps.append(now - previous)
        previous = now


async def measure_stall(label, blocking_coroutine, interval):
    """Run `blocking_coroutine` beside a ticker; report the ticker's longest gap."""
    gaps = []
    tick = asyncio.create_task(ticker(interval, gaps))
    await asyncio.sleep(interval * 3)        # a few calm ticks first
    await blocking_coroutine
    await asyncio.sleep(interval * 3)        # and a few after
    tick.cancel()
    longest = max(gaps)
    log(f"{label}: the ticker (every {interval * 1000:.0f} ms) waited at most "
        f"{longest:.3f} s for its turn")
    return longest


async def blocking_sleep(seconds):
    note_thread()
    time.sleep(seconds)     # NOT awaited: the whole loop, every task, stops right here


async def blocking_call(block, interval):
    print(f"\n== 7. a blocking call inside a coroutine ({block:g} s) ==")
    stalled = await measure_stall("time.sleep() in a coroutine",
                                  blocking_sleep(block), interval)
    await measure_stall("await asyncio.sleep()", asyncio.sleep(block), interval)
    # to_thread() runs the blocking function on a worker thread: the loop stays free.
    await measure_stall("await asyncio.to_thread(time.sleep)",
                        asyncio.to_thread(time.sleep, block), interval)
    log(f"one blocking call stalled the ticker, and every other task on the loop, "
        f"for {stalled:.2f} s")


async def lesson(args):
    log(f"event loop running on {threading.current_thread().name}")
    await start_and_gather(args.tasks, args.unit)
    await first_completed(args.unit)
    await timeout_cancels(args.unit)
    await limited(args.tasks, args.limit, args.unit)
    print("\n== 6. thread names ==")
    log(f"the tasks ran on: {', '.join(sorted(THREADS_SEEN))}")
    await blocking_call(args.block, min(0.02, args.block / 5))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--tasks", type=int, default=5, help="tasks to start (default 5)")
    parser.add_argument("-u", "--unit", type=float, default=0.5,
                        help="length of one timer unit in seconds (default 0.5)")
    parser.add_argument("-l", "--limit", type=int, default=2,
                        help="the semaphore's limit (default 2)")
    parser.add_argument("-b", "--block", type=float, default=1.0,
                        help="length of the blocking call in seconds (default 1)")
    args = parser.parse_args()
    if args.tasks < 1 or args.limit < 1 or args.unit <= 0 or args.block <= 0:
        parser.error("--tasks and --limit must be at least 1, --unit and --block positive")
    asyncio.run(lesson(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
