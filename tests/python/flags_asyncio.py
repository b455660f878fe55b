#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""flags2 as asyncio downloads under a Semaphore, a minimal HTTP/1.1 GET over
asyncio.open_connection, against the flag server (errors injected)."""

import asyncio
import sys
import urllib.parse

CODES = "cn in us id br pk ng bd ru jp mx ph vn et eg de ir tr cd fr xx zz".split()


class HTTPStatusError(Exception):
    pass


async def download_one(base, cc, semaphore):
    url = urllib.parse.urlsplit(f"{base}/{cc}/{cc}.gif")
    async with semaphore:
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        try:
            writer.write(f"GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                         "Connection: close\r\n\r\n".encode())
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            body = await reader.read()
        finally:
            writer.close()
            await writer.wait_closed()
    if status == 404:
        return cc, None
    if status != 200:
        raise HTTPStatusError(f"HTTP {status}")
    return cc, len(body)


async def main(base, concurrency):
    semaphore = asyncio.Semaphore(concurrency)
    counts = {"finished": 0, "failed": 0, "cancelled": 0}
    tasks = [asyncio.create_task(download_one(base, cc, semaphore)) for cc in CODES]
    for coro in asyncio.as_completed(tasks):
        try:
            cc, size = await coro
            counts["finished"] += 1
            print(f"{cc}: {'not found' if size is None else 'OK'}")
        except HTTPStatusError as e:
            counts["failed"] += 1
            print(f"error: {e}")
    print("RESULT label=download_one " + " ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5))
