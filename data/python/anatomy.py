#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Future anatomy: the life of one concurrent.futures.Future, in Python.

The Python side of the app's "Future anatomy" page. A future is a small state machine:

    PENDING --> RUNNING --> FINISHED (a result) or FAILED (an exception)
       |
       +------> CANCELLED (only while it is still pending)

(Python itself calls both ends of a run FINISHED; like the app, this script says FAILED
when the job raised.)

This script walks through it on a thread pool:

  1. states: a future waits (PENDING) behind another job, runs, finishes;
  2. cancel(): True on a pending future, False on a running one (and why),
     and the cooperative way to stop a running job;
  3. result(timeout) raising TimeoutError while the job runs on;
  4. exception(): a failed job's exception, handed back without raising it;
  5. add_done_callback(): which thread runs the callback;
  6. a deadlock: a 1-worker pool whose job waits on another future of the same pool,
     with a timeout so it ends by itself, and why it could never have worked.

Run:
    python3 anatomy.py                    # jobs of 1 s (about 8 s in all)
    python3 anatomy.py --duration 0.2     # a quick run
    python3 anatomy.py --deadlock-timeout 0.5
"""

import argparse
import sys
import threading
import time
from concurrent.futures import CancelledError, ThreadPoolExecutor


def state(future):
    """The future's state, as the app's diagram names it, from the public API only."""
    if future.cancelled():
        return "CANCELLED"
    if future.done():
        return "FAILED" if future.exception() is not None else "FINISHED"
    if future.running():
        return "RUNNING"
    return "PENDING"


def thread_name():
    return threading.current_thread().name


def work(seconds, fail=False, started=None, stop=None):
    """The job: sleep `seconds` in small slices, then return a value or raise.

    `started` (a threading.Event) is set as soon as the job runs, so the caller can be sure
    the future is RUNNING instead of guessing with a sleep. `stop` is the cooperative
    cancel: a running job cannot be stopped from outside, but it may agree to stop.
    """
    if started is not None:
        started.set()
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        if stop is not None and stop.is_set():
            return f"stopped early, after {time.monotonic() - t0:.2f} s"
        time.sleep(0.01)
    if fail:
        raise ValueError("the job failed on purpose")
    return f"slept {seconds:g} s on {thread_name()}"


def section(title):
    print(f"\n== {title} ==")


def show_states(pool, duration):
    section("1. states: PENDING -> RUNNING -> FINISHED")
    started = threading.Event()
    first = pool.submit(work, duration, started=started)
    second = pool.submit(work, duration)
    started.wait()
    # The pool has one worker, busy with `first`: `second` waits in the pool's queue.
    print(f"first: {state(first)}, second: {state(second)} (queued behind first)")
    print(f"first.result() -> {first.result()!r}")
    print(f"second.result() -> {second.result()!r}")
    print(f"first: {state(first)}, second: {state(second)}")


def show_cancel(pool, duration):
    section("2. cancel(): pending vs running")
    started = threading.Event()
    stop = threading.Event()
    running = pool.submit(work, duration, started=started, stop=stop)
    pending = pool.submit(work, duration)
    started.wait()

    # A pending future has not been picked up by a worker yet: the pool just drops it.
    print(f"pending.cancel() returned {pending.cancel()}: it had not started, "
          "so it never will")
    try:
        pending.result()
    except CancelledError:
        print(f"pending is now {state(pending)}; pending.result() raised CancelledError")

    # A running future belongs to a worker thread, and Python cannot stop a thread from
    # outside: cancel() refuses and the job carries on.
    print(f"running.cancel() returned {running.cancel()}: the job is already running")
    print(f"running is still {state(running)}")

    # The cooperative way: ask the job to stop and let it notice (the C engine's
    # GCancellable plays the role of this Event). The job decides how to end: Python
    # never marks a running future CANCELLED, so it ends with what the job returned.
    stop.set()
    print(f"after stop.set(): running.result() -> {running.result()!r}, "
          f"running is {state(running)}")


def show_result_timeout(pool, duration):
    section("3. result(timeout)")
    future = pool.submit(work, duration)
    timeout = duration / 4
    try:
        future.result(timeout=timeout)
    except TimeoutError:
        # Only the wait is over: the job is still RUNNING and its result will still come.
        print(f"result(timeout={timeout:g}) raised TimeoutError; the future is "
              f"still {state(future)}: only the caller stopped waiting")
    print(f"result() with no timeout -> {future.result()!r}")


def show_exception(pool, duration):
    section("4. exception(): a failed job")
    future = pool.submit(work, duration / 4, fail=True)
    error = future.exception()        # waits for the end, and returns the exception
    print(f"exception() returned {error!r}; the future is {state(future)}")
    try:
        future.result()                # ... while result() raises it in the caller
    except ValueError as raised:
        print(f"result() raised it again: {raised!r} (the same object: {raised is error})")


def wait_for_gate(started, gate):
    """A job that runs until the caller opens `gate`: no guessing how long it takes."""
    started.set()
    gate.wait()
    return "through the gate"


def show_done_callbacks(pool):
    section("5. add_done_callback(): which thread runs it")

    def callback(label, ran=None):
        def on_done(future):
            print(f"callback {label}: ran on {thread_name()}, future {state(future)}")
            if ran is not None:
                ran.set()
        return on_done

    started = threading.Event()
    release = threading.Event()
    future = pool.submit(wait_for_gate, started, release)
    started.wait()
    # Added while the job runs: the worker thread that finishes the future runs them,
    # in the order they were added.
    last_ran = threading.Event()
    future.add_done_callback(callback("A (added while running)"))
    future.add_done_callback(callback("B (added while running)", last_ran))
    release.set()
    # result() returns as soon as the future is done, which may be before the worker has
    # run its callbacks: wait for the last one, so this transcript stays in order.
    future.result()
    last_ran.wait()
    # Added to a future that is already done: it runs at once, on the caller's thread.
    future.add_done_callback(callback("C (added when done)"))
    print(f"this script's thread is {thread_name()}")


def needs_its_sibling(pool, timeout, siblings):
    """A job that submits another job to ITS OWN pool and waits for its result."""
    sibling = pool.submit(thread_name)
    siblings.append(sibling)      # only so that the script can look at it afterwards
    # The only worker is this thread, busy right here: the sibling can only start after
    # this job returns, and this job only returns after the sibling is done.
    return sibling.result(timeout=timeout)


def show_deadlock(timeout):
    section("6. deadlock: a job waiting on its own pool")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="solo") as solo:
        t0 = time.monotonic()
        siblings = []
        outer = solo.submit(needs_its_sibling, solo, timeout, siblings)
        try:
            outer.result()
        except TimeoutError:
            print(f"the job gave up after {time.monotonic() - t0:.2f} s with TimeoutError:")
            print("  its pool has 1 worker and the job itself was occupying it, so the")
            print("  sibling it waited for sat in the queue and could never start.")
            print("  Without a timeout both would wait forever. Fixes: never block a")
            print("  pool's worker on that same pool, or give it more workers than")
            print("  the longest chain of jobs waiting on each other.")
        # Leaving the `with` block waits for the queued sibling: the timeout freed the
        # worker, so now it can run.
    print(f"outer ended {state(outer)} with {outer.exception()!r}; once the worker was "
          f"free the sibling ran too, on {siblings[0].result()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--duration", type=float, default=1.0,
                        help="length of a job in seconds (default 1)")
    parser.add_argument("--deadlock-timeout", type=float, default=2.0,
                        help="how long the deadlocked job waits before giving up (default 2)")
    args = parser.parse_args()
    if args.duration <= 0 or args.deadlock_timeout <= 0:
        parser.error("--duration and --deadlock-timeout must be positive")

    # One worker makes the order of events certain: a second job always waits.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker") as pool:
        show_states(pool, args.duration)
        show_cancel(pool, args.duration)
        show_result_timeout(pool, args.duration)
        show_exception(pool, args.duration)
        show_done_callbacks(pool)
    show_deadlock(args.deadlock_timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
