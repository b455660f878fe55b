#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The frozen button: a slow handler on the event loop, on a thread, in a process.

The Python side of the app's first lesson, without a window: an asyncio event loop plays
the GUI's main loop. Two things live on it, as in the app:

  * the jank meter: a heartbeat task that asks to run every 5 ms and measures how late it
    runs (a gap of 100 ms or more is a stall: a window would be visibly frozen);
  * input: another thread plays the windowing system and delivers a "click" to the loop
    four times a second; each click measures how long it waited to be handled.

Then the same slow handler (5 s of sleep, or of busy CPU) is started three ways:

  main-loop  called directly from a coroutine: nothing else on the loop runs until it
             returns. The heartbeat stalls for the whole 5 s; clicks pile up and are all
             handled at the end.
  thread     loop.run_in_executor(None, ...): a worker thread does the work, the loop only
             awaits the result. Heartbeat and clicks carry on.
  process    loop.run_in_executor(ProcessPoolExecutor, ...): the same in another process,
             which does not even share the GIL with the loop.

Run:
    python3 freeze.py                         # 5 s handler, the three ways in turn
    python3 freeze.py --seconds 0.3           # a short run
    python3 freeze.py --mode main-loop --work busy
"""

import argparse
import asyncio
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

HEARTBEAT = 0.005     # the jank meter asks to run every 5 ms, like the app's loop monitor
STALL = 0.100         # a gap this long between two heartbeats is a stall
REPORT_EVERY = 0.5    # the meter prints a line this often (and at once after a stall)
CLICK_EVERY = 0.25    # the simulated student clicks four times a second

MODES = ("main-loop", "thread", "process")


def slow_handler(seconds, work):
    """The slow handler: keeps whoever calls it busy for `seconds`.

    A plain function, defined at the top of the module, so a worker process can run it.
    """
    if work == "sleep":
        time.sleep(seconds)
    else:
        # Busy CPU. On a thread this holds the GIL, but CPython makes it hand the GIL
        # over every 5 ms, so the loop still runs, just a little late each time.
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pass
    return f"{work} {seconds:g} s done"


class JankMeter:
    """A heartbeat on the event loop: how late does the loop get around to running it?"""

    def __init__(self):
        self.worst_gap = 0.0

    async def run(self):
        previous = last_report = time.monotonic()
        worst_lateness = 0.0
        while True:
            await asyncio.sleep(HEARTBEAT)
            now = time.monotonic()
            gap = now - previous
            previous = now
            self.worst_gap = max(self.worst_gap, gap)
            worst_lateness = max(worst_lateness, gap - HEARTBEAT)
            if gap >= STALL:
                print(f"  jank meter: STALL, no heartbeat for {gap:.2f} s: "
                      "the loop was frozen", flush=True)
            elif now - last_report >= REPORT_EVERY:
                print(f"  jank meter: loop late by at most {worst_lateness * 1000:.1f} ms",
                      flush=True)
            if gap >= STALL or now - last_report >= REPORT_EVERY:
                last_report, worst_lateness = now, 0.0


def play_the_windowing_system(loop, on_click, stop):
    """Runs on its own thread: delivers a click to the loop every CLICK_EVERY seconds.

    call_soon_threadsafe() only queues the click: the loop handles it when it next gets
    to run, which behind a frozen loop means after the slow handler has returned.
    """
    while not stop.wait(CLICK_EVERY):
        loop.call_soon_threadsafe(on_click, time.monotonic())


async def run_handler(mode, seconds, work, process_pool):
    loop = asyncio.get_running_loop()
    if mode == "main-loop":
        print("  calling the handler on the loop: nothing else can run until it returns")
        return slow_handler(seconds, work)          # no await: the loop is stuck here
    if mode == "thread":
        print("  handing the handler to a worker thread; the loop awaits the result")
        return await loop.run_in_executor(None, slow_handler, seconds, work)
    print("  handing the handler to a worker process; the loop awaits the result")
    return await loop.run_in_executor(process_pool, slow_handler, seconds, work)


async def one_run(mode, seconds, work, process_pool):
    """Start the handler one way, with the jank meter and the clicks running."""
    print(f"\n== {mode}: {work} {seconds:g} s ==")
    loop = asyncio.get_running_loop()
    meter = JankMeter()
    heartbeat = asyncio.create_task(meter.run())
    waits = []                                       # how long each click waited

    def on_click(made):
        waits.append(time.monotonic() - made)

    await asyncio.sleep(0.05)                        # a few calm heartbeats first
    stop = threading.Event()
    clicker = threading.Thread(target=play_the_windowing_system,
                               args=(loop, on_click, stop), name="windowing-system")
    clicker.start()
    started = time.monotonic()
    result = await run_handler(mode, seconds, work, process_pool)
    print(f"  handler returned after {time.monotonic() - started:.2f} s: {result}")
    stop.set()
    await asyncio.sleep(0.05)   # the loop is free again: queued clicks and heartbeats run
    heartbeat.cancel()
    clicker.join()              # returns at once: the clicker saw `stop` and ended

    verdict = "loop frozen" if meter.worst_gap >= STALL else "loop stayed alive"
    longest_wait = max(waits, default=0.0)
    print(f"  {len(waits)} clicks, the longest waited {longest_wait:.3f} s to be handled")
    return (f"{mode:>9}: worst heartbeat gap {meter.worst_gap:.3f} s, "
            f"longest click wait {longest_wait:.3f} s: {verdict}")


async def lesson(modes, seconds, work, process_pool):
    summaries = [await one_run(mode, seconds, work, process_pool) for mode in modes]
    print("\nSummary:")
    for line in summaries:
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-s", "--seconds", type=float, default=5.0,
                        help="how long the slow handler takes (default 5)")
    parser.add_argument("-w", "--work", choices=["sleep", "busy"], default="sleep",
                        help="sleep, or keep a CPU busy (default sleep)")
    parser.add_argument("-m", "--mode", choices=[*MODES, "all"], default="all",
                        help="where to run the handler (default all, one after another)")
    args = parser.parse_args()
    if args.seconds <= 0:
        parser.error("--seconds must be positive")

    modes = MODES if args.mode == "all" else (args.mode,)
    # The process pool lives outside the event loop; its one worker starts on first use.
    with ProcessPoolExecutor(max_workers=1) as process_pool:
        asyncio.run(lesson(modes, args.seconds, args.work, process_pool))
    return 0


if __name__ == "__main__":
    sys.exit(main())
