#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tracer's cost per future: bench_futures.py run untraced and traced (live events to
a file and the Chrome JSON at exit, as `futures-lab-cli trace -o` does), alternating, the
same number of times; prints the medians and their difference per future.

    python3 tests/python/bench_trace.py [--rounds 7] [--n 20000] [threads tasks processes]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TRACER_DIR = os.environ.get("FUTURES_LAB_PYTHON_DIR",
                            os.path.join(HERE, "..", "..", "data", "python"))


def once(kind, n, traced, tmp):
    script = [os.path.join(HERE, "bench_futures.py"), kind, str(n)]
    env = dict(os.environ, PYTHONPATH=TRACER_DIR, PYTHONDONTWRITEBYTECODE="1")
    if traced:
        argv = [sys.executable, "-m", "futures_lab_trace",
                "--events", os.path.join(tmp, "events.jsonl"),
                "-o", os.path.join(tmp, "run.json"), *script]
    else:
        argv = [sys.executable, *script]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True).stdout
    return float(out.split()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("kinds", nargs="*", default=["threads", "tasks", "processes"])
    options = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {options.n} futures, {options.rounds} rounds "
          "each, alternating; µs per future (median)")
    for kind in options.kinds:
        n = options.n if kind != "processes" else max(options.n // 10, 100)
        plain, traced = [], []
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(options.rounds):
                plain.append(once(kind, n, False, tmp))
                traced.append(once(kind, n, True, tmp))
                os.unlink(os.path.join(tmp, "events.jsonl"))
        p, t = statistics.median(plain), statistics.median(traced)
        print(f"{kind:10} n={n:6}  untraced {p:7.2f}  traced {t:7.2f}  "
              f"overhead {t - p:6.2f} µs/future ({(t / p - 1) * 100:+.0f}%)")


if __name__ == "__main__":
    main()
