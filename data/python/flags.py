#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Flags download: the flags2 lesson, sequential vs threads vs asyncio, standard library only.

The Python side of the app's "Flags download" page and of `futures-lab-cli flags`. It
downloads {server}/{cc}/{cc}.gif for each country code and saves it as {cc}.gif, counting
what was OK, not found (404) and failed, in one of these ways:

  sequential  one download after another: the time is the sum of every round trip;
  threads     a ThreadPoolExecutor of -m threads, each doing blocking urllib calls: while
              one thread waits on the network the others go on (I/O releases the GIL);
  async       asyncio on ONE thread: a minimal HTTP/1.1 GET over asyncio.open_connection,
              at most -m downloads at once under an asyncio.Semaphore;
  processes   a ProcessPoolExecutor: the same blocking code, in worker processes.

Files are saved atomically (written to a temporary file, then renamed): a failed or
interrupted download never leaves half a flag behind.

It talks to the flag server built into Futures Lab: start one, in another terminal, on
the port this script uses by default (add --preset DELAY or ERROR for a slow or failing
server), then run the script.

Run:
    futures-lab-cli serve --port 8001
    python3 flags.py                              # the 20 most populous countries, all modes
    python3 flags.py --mode async -m 10 -v
    python3 flags.py --server http://127.0.0.1:8001/flags -e --limit 100
    python3 flags.py c b                          # a letter stands for its 26 codes
"""

import argparse
import asyncio
import http.client
import os
import re
import string
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from enum import Enum

POP20_CC = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR".lower().split()
DEFAULT_SERVER = "http://127.0.0.1:8001/flags"
# Most downloads at once, by default (the flags2 scripts' numbers, as futures-lab-cli).
DEFAULT_CONCURRENCY = {"sequential": 1, "threads": 30, "async": 5, "processes": os.cpu_count()}
MODES = tuple(DEFAULT_CONCURRENCY)


class Status(Enum):
    OK = "OK"
    NOT_FOUND = "not found"
    ERROR = "error"


class FetchError(Exception):
    """The server answered something other than a flag or a 404."""


# Both kinds of client raise these for network trouble, timeouts and bad answers.
DOWNLOAD_ERRORS = (OSError, http.client.HTTPException, FetchError)


def flag_url(base, cc):
    return f"{base}/{cc}/{cc}.gif"


def save_flag(image, folder, cc):
    """Write {folder}/{cc}.gif atomically: a temporary file first, then a rename."""
    fd, temporary = tempfile.mkstemp(prefix=f".{cc}.gif.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(image)
        os.replace(temporary, os.path.join(folder, f"{cc}.gif"))
    except BaseException:
        os.unlink(temporary)
        raise


def report(verbose, cc, status, error=None):
    if verbose:
        # Some errors have no message (a TimeoutError's is empty): name them instead.
        why = f": {str(error) or type(error).__name__}" if error is not None else ""
        print(f"{cc}: {status.value}{why}", flush=True)


# Blocking downloads: sequential, threads, processes ---------------------------------------

def download_one(cc, base, folder, timeout):
    """Download and save one flag with blocking calls; returns its Status, or raises."""
    try:
        with urllib.request.urlopen(flag_url(base, cc), timeout=timeout) as response:
            image = response.read()
    except urllib.error.HTTPError as error:
        error.close()       # an HTTPError is also the response: release its connection
        if error.code != 404:
            raise FetchError(f"HTTP {error.code} {error.reason}") from None
        return Status.NOT_FOUND
    save_flag(image, folder, cc)
    return Status.OK


def download_sequential(codes, base, folder, timeout, verbose, concurrency):
    counter = Counter()
    for cc in codes:
        try:
            status = download_one(cc, base, folder, timeout)
            report(verbose, cc, status)
        except DOWNLOAD_ERRORS as error:
            status = Status.ERROR
            report(verbose, cc, status, error)
        counter[status] += 1
    return counter


def download_with_pool(executor_class, codes, base, folder, timeout, verbose, concurrency):
    counter = Counter()
    with executor_class(max_workers=concurrency) as executor:
        # Submit everything at once; the pool runs `concurrency` downloads at a time.
        to_cc = {executor.submit(download_one, cc, base, folder, timeout): cc
                 for cc in codes}
        # Count each download as soon as it ends, in whatever order they end. Only this
        # thread prints and counts: the workers share nothing but the pool's queues.
        for future in as_completed(to_cc):
            try:
                status = future.result()        # raises the job's exception, if any
                report(verbose, to_cc[future], status)
            except DOWNLOAD_ERRORS as error:
                status = Status.ERROR
                report(verbose, to_cc[future], status, error)
            counter[status] += 1
    return counter


def download_threads(*args):
    return download_with_pool(ThreadPoolExecutor, *args)


def download_processes(*args):
    return download_with_pool(ProcessPoolExecutor, *args)


# Async downloads: one thread, one event loop ----------------------------------------------

async def read_head(reader):
    """Read the status line and the headers of an HTTP/1.1 response."""
    status_line = (await reader.readline()).decode("latin-1")   # "HTTP/1.1 200 OK\r\n"
    if not status_line:
        raise FetchError("the server closed the connection without answering")
    version, _, rest = status_line.partition(" ")
    status = rest[:3]
    if not version.startswith("HTTP/") or not status.isdigit():
        raise FetchError(f"not an HTTP answer: {status_line.strip()!r}")
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status), headers


async def read_chunked(reader):
    body = bytearray()
    while size := int((await reader.readline()).split(b";")[0], 16):
        body += await reader.readexactly(size)
        await reader.readline()                      # the CRLF after each chunk
    while await reader.readline() not in (b"\r\n", b"\n", b""):
        pass                                         # trailers, if any
    return bytes(body)


async def read_body(reader, headers):
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return await read_chunked(reader)
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    return await reader.read()          # no length: the body ends when the server closes


async def http_get(url, timeout):
    """GET `url` on a new connection; return (status, body).

    Every `await` here is a point where this download waits on the network and the event
    loop runs the others. (Real clients such as aiohttp or httpx also keep connections
    open for reuse; one connection per request keeps this short.)
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"cannot fetch {url}: only http and https")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.netloc.rpartition("@")[2]
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(parts.hostname, port,
                                                       ssl=parts.scheme == "https")
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                         "User-Agent: futures-lab-flags.py\r\n\r\n".encode("latin-1"))
            await writer.drain()
            status, headers = await read_head(reader)
            return status, await read_body(reader, headers)
        except (asyncio.IncompleteReadError, ValueError) as error:
            raise FetchError(f"bad or cut-short answer: {error}") from error
        finally:
            writer.close()


async def download_one_async(cc, base, folder, timeout, semaphore):
    # The semaphore lets `concurrency` downloads talk to the server at once; the others
    # wait here, without blocking anyone.
    async with semaphore:
        status, image = await http_get(flag_url(base, cc), timeout)
    if status == 404:
        return Status.NOT_FOUND
    if status != 200:
        raise FetchError(f"HTTP {status}")
    # Writing a file blocks: hand it to a thread so the loop keeps serving the downloads.
    await asyncio.to_thread(save_flag, image, folder, cc)
    return Status.OK


async def download_many_async(codes, base, folder, timeout, verbose, concurrency):
    semaphore = asyncio.Semaphore(concurrency)
    counter = Counter()
    to_cc = {asyncio.create_task(download_one_async(cc, base, folder, timeout, semaphore)): cc
             for cc in codes}
    pending = set(to_cc)
    # Count each task as it ends, like as_completed() in the thread version. (asyncio's
    # own as_completed() hands back new awaitables instead of these tasks, so it could
    # not tell which country each result is for.)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            try:
                status = task.result()
                report(verbose, to_cc[task], status)
            except DOWNLOAD_ERRORS as error:
                status = Status.ERROR
                report(verbose, to_cc[task], status, error)
            counter[status] += 1
    return counter


def download_async(*args):
    return asyncio.run(download_many_async(*args))


DOWNLOADERS = {
    "sequential": download_sequential,
    "threads": download_threads,
    "async": download_async,
    "processes": download_processes,
}


# The command line -------------------------------------------------------------------------

def expand_codes(args):
    """Codes as flags2 takes them: given ones, a letter for its 26, or -e for AA..ZZ."""
    if args.every:
        codes = {a + b for a in string.ascii_lowercase for b in string.ascii_lowercase}
    elif args.codes:
        codes = set()
        for code in (c.lower() for c in args.codes):
            if re.fullmatch(r"[a-z]", code):
                codes.update(code + b for b in string.ascii_lowercase)
            elif re.fullmatch(r"[a-z]{2}", code):
                codes.add(code)
            else:
                raise ValueError(f"not a country code or a letter: {code!r}")
    else:
        codes = set(POP20_CC)
    return sorted(codes)[:args.limit]


def print_counts(counter, elapsed):
    ok, errors = counter[Status.OK], counter[Status.ERROR]
    print(f"{ok} flag{'' if ok == 1 else 's'} downloaded.")
    if counter[Status.NOT_FOUND]:
        print(f"{counter[Status.NOT_FOUND]} not found.")
    if errors:
        print(f"{errors} error{'' if errors == 1 else 's'}.")
    print(f"Elapsed time: {elapsed:.2f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("codes", nargs="*", metavar="CC",
                        help="country codes, or letters (default: the 20 most populous)")
    parser.add_argument("-e", "--every", action="store_true",
                        help="try every pair of letters AA..ZZ (most are not found)")
    parser.add_argument("-l", "--limit", type=int, help="only the first N codes after sorting")
    parser.add_argument("-m", "--max-req", type=int,
                        help="most downloads at once (default: 30 threads, 5 async, "
                             "one process per core)")
    parser.add_argument("--mode", choices=[*MODES, "all"], default="all",
                        help="how to download (default all, one after another)")
    parser.add_argument("-s", "--server", default=DEFAULT_SERVER,
                        help=f"base URL of the flags (default {DEFAULT_SERVER})")
    parser.add_argument("-o", "--output", default="downloads",
                        help="folder for the flags (default downloads)")
    parser.add_argument("--timeout", type=float, default=3.1,
                        help="seconds allowed per request (default 3.1)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per flag")
    args = parser.parse_args()
    if (args.max_req is not None and args.max_req < 1) or args.timeout <= 0 \
            or (args.limit is not None and args.limit < 1):
        parser.error("--max-req and --limit must be at least 1, --timeout positive")
    try:
        codes = expand_codes(args)
    except ValueError as error:
        parser.error(str(error))

    base = args.server.rstrip("/")
    os.makedirs(args.output, exist_ok=True)
    print(f"Server: {base}")
    print(f"Searching for {len(codes)} flags: from {codes[0].upper()} to {codes[-1].upper()}")
    print(f"Saving to {args.output}")

    results = {}
    for mode in (MODES if args.mode == "all" else [args.mode]):
        concurrency = args.max_req or DEFAULT_CONCURRENCY[mode]
        if mode == "sequential":
            concurrency = 1
        print(f"\n== {mode}: at most {min(concurrency, len(codes))} at once ==")
        started = time.perf_counter()
        counter = DOWNLOADERS[mode](codes, base, args.output, args.timeout, args.verbose,
                                    concurrency)
        elapsed = time.perf_counter() - started
        print_counts(counter, elapsed)
        results[mode] = (counter, elapsed)

    if len(results) > 1:
        print(f"\n{'mode':<11}{'ok':>5}{'not found':>11}{'errors':>8}{'elapsed':>10}")
        for mode, (counter, elapsed) in results.items():
            print(f"{mode:<11}{counter[Status.OK]:>5}{counter[Status.NOT_FOUND]:>11}"
                  f"{counter[Status.ERROR]:>8}{elapsed:>9.2f}s")

    if all(counter[Status.ERROR] == len(codes) for counter, _ in results.values()):
        print(f"\nEvery download failed. Is a flag server running at {base}? "
              "Start one with:\n    futures-lab-cli serve --port 8001", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
