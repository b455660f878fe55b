#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tracer's tests: `check_trace.py CASE`, one meson test per case (suite `python`).

Each case runs a script of this folder under `python3 -m futures_lab_trace` (and under
`futures-lab-cli trace`), then checks what every traced run must satisfy:
  - every submitted future has exactly one ending, at most one start, and its start comes
    before its end, in the stream and in time;
  - the counts of the futures the script made match the script's own RESULT line;
  - events from worker processes land inside the run's time span;
  - the Chrome JSON loads back through the engine's loader (`futures-lab-cli trace --load`)
    with the same tally.
Stdlib only, no network: the flag server is `futures-lab-cli serve` on 127.0.0.1.
Environment: FL_CLI (the futures-lab-cli binary), FUTURES_LAB_PYTHON_DIR (data/python).
"""

import collections
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get("FL_CLI", "futures-lab-cli")
TRACER_DIR = os.environ.get("FUTURES_LAB_PYTHON_DIR",
                            os.path.join(HERE, "..", "..", "data", "python"))
PYTHON = sys.executable
TIMEOUT = 240


class Failure(Exception):
    pass


def check(condition, message, *context):
    if not condition:
        raise Failure(message + "".join("\n" + str(c) for c in context))


def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = TRACER_DIR + (":" + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    e.pop("FUTURES_LAB_TRACE_FD", None)
    return e


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, env=env(),
                          **kwargs)


class Server:
    """futures-lab-cli serve on a free port, with errors injected."""

    def __init__(self, *options):
        self.process = subprocess.Popen([CLI, "serve", "--port", "0", "--quiet", *options],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=env())
        line = self.process.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        if match is None:
            self.close()
            raise Failure("the flag server did not start: " + line)
        self.base = match.group(1)

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def result_line(stdout):
    """RESULT label=NAME k=v … [label=NAME2 k=v …] -> {NAME: {k: v}} (ints), and others."""
    line = next((l for l in stdout.splitlines() if l.startswith("RESULT ")), None)
    check(line is not None, "the script printed no RESULT line", stdout)
    out, current = {}, None
    for word in line.split()[1:]:
        key, value = word.split("=", 1)
        if key == "label":
            current = out.setdefault(value, {})
        else:
            (current if current is not None else out.setdefault("", {}))[key] = int(value)
    return out


def read_jsonl(path):
    events = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            try:
                events.append(json.loads(line))
            except ValueError:
                raise Failure(f"{path}:{n} is not a JSON line: {line[:200]!r}")
    return events


def check_events(events, complete=True):
    """The invariants of any trace; returns the per-label tallies of its futures."""
    check(events and events[0]["ev"] == "run", "the first event is not “run”", events[:2])
    run_event = events[0]
    submitted, started, ended = {}, {}, collections.Counter()
    end_state = {}
    for e in events:
        kind = e["ev"]
        if kind == "submit":
            check(e["id"] not in submitted, "a future id submitted twice", e)
            submitted[e["id"]] = e
        elif kind == "start":
            check(e["id"] in submitted, "a start without a submit", e)
            check(e["id"] not in started, "a future started twice", e)
            check(e["id"] not in end_state, "a start after its future's end", e)
            check(e["t"] >= submitted[e["id"]]["t"], "a start before its submit", e)
            started[e["id"]] = e
        elif kind == "finish":
            check(e["id"] in submitted, "an end without a submit", e)
            ended[e["id"]] += 1
            end_state[e["id"]] = e["state"]
            if e["id"] in started:
                check(e["t"] >= started[e["id"]]["t"], "an end before its start", e,
                      started[e["id"]])
            if e["state"] == "cancelled" and e["id"] not in started:
                pass    # cancelled before it started: closed, no dangling start
    check(all(n == 1 for n in ended.values()), "a future ended more than once")
    if complete:
        never = [submitted[i] for i in submitted if i not in ended]
        check(not never, "futures that never ended", never[:5])
        check(events[-1]["ev"] == "exit", "the last event is not “exit”", events[-1])
        end = events[-1]["t"]
        workers = [e for e in events if e.get("worker_pid") not in (None, run_event["pid"])]
        for e in workers:
            check(run_event["t"] <= e["t"] <= end, "a worker process event outside the run", e)
    tallies = collections.defaultdict(collections.Counter)
    for fid, e in submitted.items():
        name = e["label"].split("(")[0].split(".")[-1]
        tally = tallies[name]
        tally["submitted"] += 1
        if fid in end_state:
            tally[end_state[fid]] += 1
    return tallies


def loaded_tally(path):
    """What the engine's loader reads back from @path (through futures-lab-cli)."""
    proc = run([CLI, "trace", "--load", path, "--json"])
    check(proc.returncode == 0, f"the engine cannot load {path}", proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def total(tallies):
    out = collections.Counter()
    for t in tallies.values():
        out.update(t)
    return out


def check_loaded(path, tallies, where):
    loaded = loaded_tally(path)
    t = total(tallies)
    for key, mine in (("submitted", "submitted"), ("ok", "finished"), ("failed", "failed"),
                      ("cancelled", "cancelled")):
        check(loaded[key] == t[mine], f"{where}: the loaded run has {key}={loaded[key]}, "
              f"the events {t[mine]}", loaded, dict(t))
    return loaded


def traced_case(script, args, expect_status=0, server=None):
    """Runs @script untraced, traced by the module, and traced by the CLI; checks all."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = [os.path.join(HERE, script), *args]
        plain = run([PYTHON, *argv])
        check(plain.returncode == expect_status,
              f"untraced: exit status {plain.returncode}", plain.stdout, plain.stderr)

        events_path, json_path = os.path.join(tmp, "run.jsonl"), os.path.join(tmp, "run.json")
        traced = run([PYTHON, "-m", "futures_lab_trace", "--events", events_path,
                      "-o", json_path, *argv])
        check(traced.returncode == expect_status,
              f"traced: exit status {traced.returncode}", traced.stdout, traced.stderr)
        check(len(traced.stdout.splitlines()) == len(plain.stdout.splitlines()),
              "traced: not the same number of lines", plain.stdout, traced.stdout)
        events = read_jsonl(events_path)
        tallies = check_events(events)
        expected = result_line(traced.stdout)
        for label, counts in expected.items():
            if label == "":
                continue
            mine = tallies.get(label, collections.Counter())
            for key, value in counts.items():
                check(mine[key] == value, f"{label}: {key} is {mine[key]} in the trace, "
                      f"{value} by the script", dict(mine), traced.stdout)
        check_loaded(json_path, tallies, "tracer -o")

        cli_json = os.path.join(tmp, "cli.json")
        cli = run([CLI, "trace", "-q", "--json", "-o", cli_json, "--", PYTHON, *argv])
        check(cli.returncode == expect_status, f"futures-lab-cli trace: exit status "
              f"{cli.returncode}", cli.stdout, cli.stderr)
        check(len(cli.stdout.splitlines()) == len(plain.stdout.splitlines()),
              "futures-lab-cli trace: not the same number of lines", cli.stdout)
        live = json.loads(next(l for l in reversed(cli.stderr.splitlines())
                               if l.startswith("{")))
        check(live["unfinished"] == 0, "futures-lab-cli trace: futures never ended", live)
        loaded = loaded_tally(cli_json)
        for key in ("submitted", "ok", "failed", "cancelled", "tasks", "threads"):
            check(loaded[key] == live[key], f"futures-lab-cli: {key} live {live[key]}, "
                  f"loaded {loaded[key]}", live, loaded)
        print(f"ok: {script} {' '.join(args)}: {dict(total(tallies))}")
        return events, tallies


# The cases -------------------------------------------------------------------------------

def case_flags_threads():
    server = Server("--error-rate", "0.25", "--seed", "11")
    try:
        _, tallies = traced_case("flags_threads.py", [server.base, "6"])
        check(tallies["get_flag"]["failed"] > 0, "no error was injected", dict(tallies))
    finally:
        server.close()


def case_flags_asyncio():
    # 30 ms a request, 22 requests 4 at a time: the loop runs far longer than one 10 ms
    # heartbeat, so lateness samples are certain, however loaded the machine.
    server = Server("--error-rate", "0.25", "--seed", "5", "--delay", "30")
    try:
        events, tallies = traced_case("flags_asyncio.py", [server.base, "4"])
        check(tallies["download_one"]["failed"] > 0, "no error was injected", dict(tallies))
        check(any(e["ev"] == "loop" for e in events), "no loop lateness was measured")
        check(any(e["ev"] == "step" for e in events), "no task step was recorded")
    finally:
        server.close()


def _processes(method):
    events, _ = traced_case("cpu_processes.py", [method, "5"])
    workers = {e["worker_pid"] for e in events if e.get("worker_pid")}
    check(workers and events[0]["pid"] not in workers,
          "no start came from a worker process", workers)


def case_processes_fork():
    _processes("fork")


def case_processes_spawn():
    _processes("spawn")


def case_queue():
    events, _ = traced_case("queue_threads.py", ["2", "3", "150", "4"])
    stdout_events = [e for e in events if e["ev"] == "stdout"]
    check(stdout_events, "the script's output was not recorded")
    expected = {"threads": 5, "puts": 2 * 150 + 3, "gets": 2 * 150 + 3}
    puts = sum(1 for e in events if e["ev"] == "put")
    gets = sum(1 for e in events if e["ev"] == "get")
    threads = sum(1 for e in events if e["ev"] == "thread-begin")
    check((threads, puts, gets) == (expected["threads"], expected["puts"], expected["gets"]),
          f"threads {threads}, puts {puts}, gets {gets}", expected)
    check(any(e["ev"] in ("put", "get") and e["dur"] > 0 for e in events),
          "no blocked time was measured")


def case_asyncio_combinators():
    events, tallies = traced_case("asyncio_combinators.py", [])
    never = [e for e in events if e["ev"] == "submit" and e["label"].startswith("job(6")]
    check(len(never) == 1, "job 6 was not traced", never)
    check(not any(e["ev"] == "start" and e["id"] == never[0]["id"] for e in events),
          "a task cancelled before it ran has a start")


def case_done_callbacks():
    events, tallies = traced_case("done_callbacks.py", ["20"])
    cancelled = [e for e in events if e["ev"] == "finish" and e["state"] == "cancelled"]
    check(len(cancelled) == 1, "not one cancelled future", cancelled)
    check(not any(e["ev"] == "start" and e["id"] == cancelled[0]["id"] for e in events),
          "a future cancelled before it started has a start")


def case_killed():
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(HERE, "killed.py")
        # SIGKILL: the live events file is readable line by line, and converts to a run
        # that the engine loads.
        events_path, json_path = os.path.join(tmp, "k.jsonl"), os.path.join(tmp, "k.json")
        proc = run([PYTHON, "-m", "futures_lab_trace", "--events", events_path,
                    "-o", json_path, script, "KILL"])
        check(proc.returncode == -signal.SIGKILL, f"exit status {proc.returncode}",
              proc.stderr)
        check(not os.path.exists(json_path), "a Chrome JSON after SIGKILL?")
        events = read_jsonl(events_path)
        if events:
            check_events(events, complete=False)
        converted = os.path.join(tmp, "converted.json")
        conv = run([PYTHON, "-m", "futures_lab_trace", "--convert", events_path,
                    "-o", converted])
        check(conv.returncode == 0, "--convert failed", conv.stderr)
        loaded = loaded_tally(converted)
        print(f"ok: SIGKILL, partial trace: {loaded}")

        # SIGTERM: the tracer writes the Chrome JSON, then dies of SIGTERM.
        proc = run([PYTHON, "-m", "futures_lab_trace", "-o", json_path, script, "TERM"])
        check(proc.returncode == -signal.SIGTERM, f"exit status {proc.returncode}",
              proc.stderr)
        loaded = loaded_tally(json_path)
        check(loaded["submitted"] == 10 and loaded["ok"] >= 4 and loaded["unfinished"] > 0,
              "SIGTERM: not the partial run", loaded)
        print(f"ok: SIGTERM, partial trace: {loaded}")

        # Through the CLI: the status is passed on and the partial run is written.
        cli_json = os.path.join(tmp, "cli.json")
        cli = run([CLI, "trace", "-q", "-o", cli_json, "--", PYTHON, script, "KILL"])
        check(cli.returncode == 128 + signal.SIGKILL, f"CLI exit status {cli.returncode}",
              cli.stderr)
        check("killed by signal 9" in cli.stderr, "no message about the kill", cli.stderr)
        loaded = loaded_tally(cli_json)
        print(f"ok: futures-lab-cli trace, SIGKILL, partial trace: {loaded}")


def case_no_python():
    proc = run([CLI, "trace", "--", "/nonexistent/python3", "x.py"])
    check(proc.returncode == 127, f"exit status {proc.returncode}", proc.stderr)
    check("not installed" in proc.stderr, "no clear message", proc.stderr)
    e = env()
    e["PATH"] = "/nonexistent"
    proc = subprocess.run([CLI, "trace", "--", "python3", "x.py"], capture_output=True,
                          text=True, env=e, timeout=TIMEOUT)
    check(proc.returncode == 127 and "python3" in proc.stderr
          and "not installed" in proc.stderr, "no clear message without python3 in PATH",
          proc.returncode, proc.stderr)
    # A script that is not there, and one that fails: clear messages, statuses passed on.
    proc = run([CLI, "trace", "-q", "--", PYTHON, "/nonexistent/script.py"])
    check(proc.returncode == 2 and "cannot open" in proc.stderr, "missing script",
          proc.returncode, proc.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "bad.py")
        with open(bad, "w") as f:
            f.write("import sys\nprint('before')\nraise ValueError('broken on purpose')\n")
        proc = run([CLI, "trace", "-q", "--", PYTHON, bad])
        check(proc.returncode == 1, f"failing script: status {proc.returncode}", proc.stderr)
        check(proc.stdout == "before\n", "failing script: stdout changed", proc.stdout)
        check("ValueError: broken on purpose" in proc.stderr
              and "exited with status 1" in proc.stderr, "failing script: no message",
              proc.stderr)
        plain = run([PYTHON, bad])
        check(plain.stderr in proc.stderr, "the traceback is not Python's own", plain.stderr,
              proc.stderr)
    print("ok: no python3, missing and failing scripts")


SEVEN = {
    "freeze.py": ["--seconds", "0.6"],
    "compute.py": ["--jobs", "4", "--size", "20000", "--workers", "2"],
    "map.py": ["--reverse", "--unit", "0.06"],
    "anatomy.py": ["--duration", "0.2", "--deadlock-timeout", "0.3"],
    "producer_consumer.py": ["-p", "3", "-c", "2", "-n", "2000", "-k", "4"],
    "coroutines.py": ["--unit", "0.05", "--block", "0.3"],
}


def case_seven():
    """The lessons of data/python run traced to their end: same status, same line count."""
    server = Server("--fail", "us")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cases = dict(SEVEN)
            for mode in ("sequential", "threads", "async", "processes"):
                cases[f"flags.py {mode}"] = ["--mode", mode, "-m", "3", "--server",
                                             server.base, "-o", tmp, "-v", "cn", "br", "in",
                                             "jp", "xx", "zz", "us"]
            for name, args in cases.items():
                argv = [os.path.join(TRACER_DIR, name.split()[0]), *args]
                plain = run([PYTHON, *argv])
                events_path = os.path.join(tmp, "events.jsonl")
                if os.path.exists(events_path):
                    os.unlink(events_path)
                traced = run([PYTHON, "-m", "futures_lab_trace", "--events", events_path,
                              *argv])
                check(traced.returncode == plain.returncode,
                      f"{name}: status {traced.returncode} traced, {plain.returncode} not",
                      traced.stderr)
                check(len(traced.stdout.splitlines()) == len(plain.stdout.splitlines()),
                      f"{name}: {len(traced.stdout.splitlines())} lines traced, "
                      f"{len(plain.stdout.splitlines())} not", plain.stdout, traced.stdout)
                tallies = check_events(read_jsonl(events_path))
                print(f"ok: {name}: status {plain.returncode}, "
                      f"{len(plain.stdout.splitlines())} lines, {dict(total(tallies))}")
    finally:
        server.close()


def main():
    cases = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        print("usage: check_trace.py " + "|".join(cases), file=sys.stderr)
        return 2
    try:
        cases[sys.argv[1]]()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
