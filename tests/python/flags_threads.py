#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""flags2 on a ThreadPoolExecutor, against the flag server (errors injected): the tracer's
test. A 404 is a result (not found); any other HTTP error fails the future."""

import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed

CODES = "cn in us id br pk ng bd ru jp mx ph vn et eg de ir tr cd fr xx zz".split()


def get_flag(base, cc):
    try:
        with urllib.request.urlopen(f"{base}/{cc}/{cc}.gif", timeout=20) as response:
            return cc, len(response.read())
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return cc, None
        raise


def main(base, workers):
    counts = {"finished": 0, "failed": 0, "cancelled": 0}
    with ThreadPoolExecutor(max_workers=workers) as executor:
        todo = {executor.submit(get_flag, base, cc): cc for cc in CODES}
        for future in as_completed(todo):
            try:
                cc, size = future.result()
                counts["finished"] += 1
                print(f"{cc}: {'not found' if size is None else 'OK'}")
            except urllib.error.HTTPError as e:
                counts["failed"] += 1
                print(f"{todo[future]}: error: HTTP {e.code}")
    print("RESULT label=get_flag " + " ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8)
