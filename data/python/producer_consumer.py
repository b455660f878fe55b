#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Producer/consumer: threads handing items over through a bounded queue.Queue.

The Python side of the app's "Producer/consumer" page and of `futures-lab-cli queue`.
P producer threads put numbered items on a queue.Queue(maxsize=K); C consumer threads
take them off. The queue's bound is what makes it work:

  * when consumers are slower, the queue fills up and put() blocks the producers
    (back-pressure: producers cannot run ahead and pile up memory);
  * when producers are slower, the queue runs empty and get() blocks the consumers
    (starvation: consumers sit idle waiting for work).

The script measures how long each side was blocked, stops the consumers cleanly with
poison pills, and checks that no item was lost or consumed twice.

(This file is not called queue.py on purpose: a script named queue.py next to your code
hides the standard library's queue module, which concurrent.futures and this script need.)

Run:
    python3 producer_consumer.py                       # 2 producers, 2 consumers, 10000 items
    python3 producer_consumer.py --consume-rate 500    # slow consumers: producers block
    python3 producer_consumer.py --produce-rate 500    # slow producers: consumers block
    python3 producer_consumer.py -p 3 -c 2 -n 1000 -k 4 --jitter 0.5
"""

import argparse
import queue
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

PILL = None     # the poison pill: "there will be no more items", one per consumer


@dataclass
class Side:
    """What one thread did. Each thread has its own, so no lock is needed."""
    name: str
    items: list = field(default_factory=list)
    blocked: float = 0.0        # seconds spent waiting inside put() or get()
    longest_queue: int = 0      # producers: the most items seen waiting after a put


def pause(rate, jitter):
    """Wait about 1/rate seconds (the time it takes to make or use one item)."""
    if rate > 0:
        time.sleep(random.uniform(1 - jitter, 1 + jitter) / rate)


def produce(side, numbers, items, rate, jitter):
    for number in numbers:
        pause(rate, jitter)
        started = time.perf_counter()
        items.put(number)           # blocks while the queue is full: back-pressure
        side.blocked += time.perf_counter() - started
        side.items.append(number)
        side.longest_queue = max(side.longest_queue, items.qsize())


def consume(side, items, rate, jitter):
    while True:
        started = time.perf_counter()
        item = items.get()          # blocks while the queue is empty: starvation
        side.blocked += time.perf_counter() - started
        if item is PILL:
            return                  # nothing comes after a pill: this consumer is done
        side.items.append(item)
        pause(rate, jitter)


def start(target, side, *args):
    thread = threading.Thread(target=target, name=side.name, args=(side, *args))
    thread.start()
    return thread


def run(n_producers, n_consumers, n_items, capacity, produce_rate, consume_rate, jitter):
    items = queue.Queue(maxsize=capacity)
    producers = [Side(f"producer-{i + 1}") for i in range(n_producers)]
    consumers = [Side(f"consumer-{i + 1}") for i in range(n_consumers)]

    # Producer i makes the items i, i+P, i+2P, ...: every number below N exactly once.
    producer_threads = [
        start(produce, side, range(i, n_items, n_producers), items, produce_rate, jitter)
        for i, side in enumerate(producers)
    ]
    consumer_threads = [start(consume, side, items, consume_rate, jitter) for side in consumers]

    # Clean shutdown: once every producer is done, put one pill per consumer. The queue
    # is first in, first out, so every real item is taken before the pills are.
    for thread in producer_threads:
        thread.join()
    for _ in consumers:
        items.put(PILL)
    for thread in consumer_threads:
        thread.join()
    return producers, consumers


def report(producers, consumers, n_items, capacity, elapsed):
    """Print the summary; return True if every item was consumed exactly once."""
    produced = [number for side in producers for number in side.items]
    consumed = Counter(number for side in consumers for number in side.items)
    lost = len(set(produced) - consumed.keys())
    twice = sum(count - 1 for count in consumed.values())

    print(f"produced {len(produced)}, consumed {consumed.total()}, "
          f"lost {lost}, consumed twice {twice}")
    longest = max(side.longest_queue for side in producers)
    print(f"queue: capacity {capacity}, at most {longest} waiting")
    for label, sides in (("producers blocked on a full queue", producers),
                         ("consumers blocked on an empty queue", consumers)):
        print(f"{label}: {sum(side.blocked for side in sides):.3f} s in all")
        for side in sides:
            print(f"  {side.name}: {len(side.items)} items, blocked {side.blocked:.3f} s")
    print(f"{elapsed:.3f} s, {n_items / elapsed:.0f} items/s")
    return len(produced) == n_items and lost == 0 and twice == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-p", "--producers", type=int, default=2,
                        help="producer threads (default 2)")
    parser.add_argument("-c", "--consumers", type=int, default=2,
                        help="consumer threads (default 2)")
    parser.add_argument("-n", "--items", type=int, default=10_000,
                        help="items to produce in all (default 10000)")
    parser.add_argument("-k", "--capacity", type=int, default=16,
                        help="queue capacity (default 16)")
    parser.add_argument("--produce-rate", type=float, default=0,
                        help="items per second per producer (default: as fast as possible)")
    parser.add_argument("--consume-rate", type=float, default=0,
                        help="items per second per consumer (default: as fast as possible)")
    parser.add_argument("--jitter", type=float, default=0,
                        help="randomness of the intervals, 0 to 1 (default 0)")
    args = parser.parse_args()
    if min(args.producers, args.consumers, args.items, args.capacity) < 1:
        parser.error("--producers, --consumers, --items and --capacity must be at least 1")
    if args.produce_rate < 0 or args.consume_rate < 0 or not 0 <= args.jitter <= 1:
        parser.error("rates must not be negative, --jitter must be between 0 and 1")

    print(f"{args.producers} producers -> queue of {args.capacity} -> "
          f"{args.consumers} consumers, {args.items} items")
    started = time.perf_counter()
    producers, consumers = run(args.producers, args.consumers, args.items, args.capacity,
                               args.produce_rate, args.consume_rate, args.jitter)
    elapsed = time.perf_counter() - started
    return 0 if report(producers, consumers, args.items, args.capacity, elapsed) else 1


if __name__ == "__main__":
    sys.exit(main())
