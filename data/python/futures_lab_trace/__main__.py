# SPDX-License-Identifier: GPL-3.0-or-later
"""python3 -m futures_lab_trace [OPTIONS] script.py ARGS...   (see docs/PYTHON.md)"""

import argparse
import os
import sys

USAGE = "python3 -m futures_lab_trace [OPTIONS] script.py [ARGS...]"


def _parser():
    parser = argparse.ArgumentParser(
        prog="python3 -m futures_lab_trace", usage=USAGE,
        description="Run a Python script unmodified and trace its futures, asyncio tasks, "
                    "threads and queues.")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write the whole run as Chrome Trace Event JSON at exit "
                             "(atomically; also on SIGTERM)")
    parser.add_argument("--events", metavar="PATH",
                        help="append the live events to PATH as JSON Lines, a batch at a time")
    parser.add_argument("--events-fd", metavar="N", type=int,
                        help="write the live events to inherited file descriptor N "
                             "(default: $FUTURES_LAB_TRACE_FD)")
    parser.add_argument("--title", help="the run's title (default: the command line)")
    parser.add_argument("--heartbeat-ms", type=float, default=10.0, metavar="MS",
                        help="how often the event loop's lateness is measured (default 10)")
    parser.add_argument("--no-output-events", action="store_true",
                        help="do not record a copy of what the script writes to "
                             "stdout and stderr")
    parser.add_argument("--convert", metavar="EVENTS",
                        help="do not run anything: turn a JSON Lines events file (e.g. of a "
                             "run that was killed) into the Chrome JSON of -o")
    parser.add_argument("script", nargs="?", help="the Python script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    # Everything from the script on belongs to the script, even what looks like an option.
    options = parser.parse_args(argv)

    if options.convert is not None:
        from . import _chrome

        if options.output is None:
            parser.error("--convert needs -o PATH")
        try:
            events = _chrome.read_events(options.convert)
            _chrome.write(options.output, events, options.title)
        except OSError as e:
            print(f"futures_lab_trace: {e.filename or options.convert}: {e.strerror}",
                  file=sys.stderr)
            return 1
        return 0

    if options.script is None:
        parser.error("no script given")
    if not os.path.isfile(options.script):
        print(f"futures_lab_trace: cannot open “{options.script}”: no such file",
              file=sys.stderr)
        return 2

    fd = options.events_fd
    if fd is None and os.environ.get("FUTURES_LAB_TRACE_FD"):
        try:
            fd = int(os.environ["FUTURES_LAB_TRACE_FD"])
        except ValueError:
            parser.error("FUTURES_LAB_TRACE_FD is not a file descriptor number")
    os.environ.pop("FUTURES_LAB_TRACE_FD", None)   # programs the script runs are not traced
    if fd is not None:
        try:
            os.fstat(fd)
        except OSError:
            parser.error(f"file descriptor {fd} is not open")

    from ._session import Session

    try:
        session = Session(output=options.output, events_path=options.events, events_fd=fd,
                          title=options.title, heartbeat_ms=options.heartbeat_ms,
                          capture_output=not options.no_output_events,
                          argv=[options.script] + options.args)
        session.start()
    except OSError as e:
        print(f"futures_lab_trace: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return 2
    session.run_script(options.script, options.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
