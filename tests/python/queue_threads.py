#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Producers and consumers on a bounded queue.Queue, plain threads and sentinels."""

import queue
import sys
import threading
import time

DONE = object()


def produce(q, n, delay):
    for i in range(n):
        q.put(i)
        if delay:
            time.sleep(delay)


def consume(q, seen, lock):
    while True:
        item = q.get()
        if item is DONE:
            return
        with lock:
            seen.append(item)
        time.sleep(0.0005)


def main(producers, consumers, items, capacity):
    q = queue.Queue(capacity)
    seen, lock = [], threading.Lock()
    workers = [threading.Thread(target=consume, args=(q, seen, lock), name=f"consumer-{i}")
               for i in range(consumers)]
    makers = [threading.Thread(target=produce, args=(q, items, 0.0002 * (i % 2)),
                               name=f"producer-{i}") for i in range(producers)]
    for t in workers + makers:
        t.start()
    for t in makers:
        t.join()
    for _ in workers:
        q.put(DONE)
    for t in workers:
        t.join()
    print(f"produced {producers * items}, consumed {len(seen)}")
    puts = producers * items + consumers
    print(f"RESULT threads={producers + consumers} puts={puts} gets={puts}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:5])) if len(sys.argv) > 4 else main(2, 3, 200, 4)
