# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole run as Chrome Trace Event JSON, in the shape Futures Lab's engine writes.

fl_trace_to_chrome_json() (src/engine/fl-trace.c) writes, and fl_trace_load() reads back:

  traceEvents  process_name/thread_name metadata, then one complete ("X") event per future
               on its lane's track: pid 1, tid 1 for the main loop, else
               lane_kind * 1000 + lane + 1; lanes named "worker thread N", "worker process
               N", "main loop";
  otherData    title and string metadata;
  futuresLab   {"version": 1, "events": [[time_us, id, kind, lane_kind, lane, state,
               bytes, text], ...]} with times relative to the origin: what the loader reads.

This file writes the same, from the tracer's events, so a traced Python program loads as a
run. What the engine has no event kind for yet (task steps, thread lifetimes, queue waits,
the loop's lateness, output and exceptions) is written as Perfetto tracks under one pid
per Python process (pid 2 on), named after the real pid, and kept for Futures Lab in
"futuresLabPython" (see docs/PYTHON.md).
"""

import json
import os
import tempfile

SUBMIT, START, FINISH = 0, 1, 2
PENDING, RUNNING, FINISHED, FAILED, CANCELLED = range(5)
STATES = {"finished": FINISHED, "failed": FAILED, "cancelled": CANCELLED}
STATE_NAMES = ("pending", "running", "finished", "failed", "cancelled")
LANE_KINDS = {"none": 0, "thread": 1, "process": 2, "main-loop": 3, "caller": 4}


def lane_tid(lane_kind, lane):
    if lane_kind == 3:
        return 1
    return lane_kind * 1000 + max(lane, 0) + 1


def lane_name(lane_kind, lane):
    if lane_kind == 1:
        return "worker thread %d" % (lane + 1)
    if lane_kind == 2:
        return "worker process %d" % (lane + 1)
    if lane_kind == 3:
        return "main loop"
    if lane_kind == 4:
        return "caller"
    return "queue"


def read_events(path):
    """The events of a JSON Lines file; a last line cut short by a kill is skipped."""
    events = []
    with open(path, "rb") as f:
        for line in f:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and "ev" in event and "t" in event:
                events.append(event)
    return events


def _us(t_ns, origin_ns):
    return (t_ns - origin_ns) // 1000


def build(events, title=None):
    """The Chrome Trace Event document (a dict) of a list of events."""
    run = next((e for e in events if e["ev"] == "run"), None)
    origin = run["t"] if run is not None else min((e["t"] for e in events), default=0)
    main_pid = run["pid"] if run is not None else None
    if title is None:
        title = run.get("title") if run is not None else None
    title = title or "Python run"

    raw = []          # [t_ns, id, kind, lane_kind, lane, state, bytes, text]
    rows = {}
    for e in events:
        kind = e["ev"]
        if kind == "submit":
            raw.append([e["t"], e["id"], SUBMIT, 0, -1, PENDING, 0, e.get("label")])
            rows[e["id"]] = {"id": e["id"], "label": e.get("label"), "queued": e["t"],
                             "started": None, "finished": None, "lane_kind": 0, "lane": -1,
                             "state": PENDING, "error": None, "kind": e.get("kind")}
        elif kind == "start":
            lk = LANE_KINDS.get(e.get("lane_kind"), 0)
            raw.append([e["t"], e["id"], START, lk, e.get("lane", -1), RUNNING, 0, None])
            row = rows.get(e["id"])
            if row is not None:
                row.update(started=e["t"], lane_kind=lk, lane=e.get("lane", -1))
                if row["state"] == PENDING:
                    row["state"] = RUNNING
        elif kind == "finish":
            state = STATES.get(e.get("state"), FAILED)
            row = rows.get(e["id"])
            lk, lane = (row["lane_kind"], row["lane"]) if row and row["started"] else (0, -1)
            raw.append([e["t"], e["id"], FINISH, lk, lane, state, 0, e.get("error")])
            if row is not None:
                row.update(finished=e["t"], state=state, error=e.get("error"))

    # A start that came back from a worker process late is still before its end in time:
    # order by time (stable), so the loader's "last event wins" sees the end last.
    raw.sort(key=lambda r: (r[0], r[2]))
    for r in raw:
        r[0] = _us(r[0], origin)

    trace_events = [{"ph": "M", "name": "process_name", "pid": 1, "args": {"name": title}}]
    named = set()
    for row in rows.values():
        tid = lane_tid(row["lane_kind"], row["lane"])
        if tid not in named:
            named.add(tid)
            trace_events.append({"ph": "M", "name": "thread_name", "pid": 1, "tid": tid,
                                 "args": {"name": lane_name(row["lane_kind"] if row["started"]
                                                            else 0, row["lane"])}})
        begin = row["started"] or row["finished"] or row["queued"]
        end = row["finished"] or begin
        args = {"id": row["id"], "state": STATE_NAMES[row["state"]],
                "queued_us": ((row["started"] or end) - row["queued"]) // 1000}
        if row["error"] is not None:
            args["error"] = row["error"]
        trace_events.append({"name": row["label"] or "future %d" % row["id"],
                             "cat": STATE_NAMES[row["state"]], "ph": "X", "pid": 1, "tid": tid,
                             "ts": _us(begin, origin), "dur": (end - begin) // 1000,
                             "args": args})

    python = _python_tracks(events, origin, main_pid, rows)
    trace_events.extend(python.pop("traceEvents"))

    other = {"title": title, "source": "python"}
    if run is not None:
        other["python"] = str(run.get("python", ""))
        other["argv"] = " ".join(run.get("argv", []))
        other["clock"] = str(run.get("clock", ""))
        other["origin_ns"] = str(origin)
    ended = next((e for e in reversed(events) if e["ev"] == "exit"), None)
    if ended is not None:
        other["exit"] = str(ended.get("code", ""))
        if "signal" in ended:
            other["signal"] = str(ended["signal"])
    else:
        other["exit"] = "unknown (the run was cut short)"
    other["tasks"] = str(sum(1 for r in rows.values() if r["kind"] == "task"))
    other["threads"] = str(sum(1 for e in events if e["ev"] == "thread-begin"))
    lateness = [e["late"] for e in events if e["ev"] == "loop"]
    if lateness:
        other["max_loop_lateness_us"] = str(max(lateness) // 1000)

    return {"displayTimeUnit": "ms", "traceEvents": trace_events, "otherData": other,
            "futuresLab": {"version": 1, "events": raw},
            "futuresLabPython": python}


def _python_tracks(events, origin, main_pid, rows):
    """Perfetto tracks per real process and thread, and the marks kept for Futures Lab."""
    out = []
    pids = {}
    marks = []        # [begin_us, end_us, lane_kind, lane, label, detail]
    loop = []         # [time_us, lateness_us, lane]
    output = []       # [time_us, stream, text]
    exceptions = []   # [time_us, where, type, message]
    thread_begin = {}

    def pid_of(p):
        if p not in pids:
            pids[p] = len(pids) + 2
            name = "python %d%s" % (p, " (traced)" if p == main_pid else " (worker)")
            out.append({"ph": "M", "name": "process_name", "pid": pids[p],
                        "args": {"name": name}})
        return pids[p]

    for e in events:
        kind = e["ev"]
        pid = pid_of(e.get("worker_pid", e.get("pid", 0)))
        tid = e.get("tid", 0)
        ts = _us(e["t"], origin)
        if kind == "step":
            row = rows.get(e["id"])
            out.append({"name": (row["label"] if row else None) or "task %d" % e["id"],
                        "cat": "step", "ph": "X", "pid": pid, "tid": tid, "ts": ts,
                        "dur": e["dur"] // 1000, "args": {"id": e["id"]}})
        elif kind == "start" and e.get("lane_kind") == "process":
            row = rows.get(e["id"])
            end = row["finished"] if row and row["finished"] else e["t"]
            out.append({"name": (row["label"] if row else None) or "future %d" % e["id"],
                        "cat": "future", "ph": "X", "pid": pid, "tid": tid, "ts": ts,
                        "dur": (end - e["t"]) // 1000, "args": {"id": e["id"]}})
        elif kind == "thread-begin":
            thread_begin[(e.get("pid"), tid)] = e
            out.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid,
                        "args": {"name": e.get("name", "thread")}})
        elif kind == "thread-end":
            begin = thread_begin.pop((e.get("pid"), tid), None)
            if begin is not None:
                b = _us(begin["t"], origin)
                out.append({"name": "thread " + e.get("name", ""), "cat": "thread", "ph": "X",
                            "pid": pid, "tid": tid, "ts": b, "dur": ts - b})
                marks.append([b, ts, 1, e.get("lane", -1), "thread " + e.get("name", ""),
                              None])
        elif kind in ("put", "get"):
            dur = e["dur"] // 1000
            if dur > 0:
                label = "queue %d.%s" % (e.get("queue", 0), kind)
                out.append({"name": label, "cat": "queue", "ph": "X", "pid": pid, "tid": tid,
                            "ts": ts, "dur": dur, "args": {"size": e.get("size")}})
                marks.append([ts, ts + dur, 1, -1, "waiting on " + label, None])
        elif kind == "loop":
            late = e["late"] // 1000
            out.append({"name": "loop lateness (µs)", "ph": "C", "pid": pid, "ts": ts,
                        "args": {"late": late}})
            loop.append([ts, late, e.get("lane", 0)])
        elif kind in ("stdout", "stderr"):
            output.append([ts, kind, e.get("text", "")])
        elif kind == "exception":
            exceptions.append([ts, e.get("where"), e.get("type"), e.get("message")])
            out.append({"name": "exception " + str(e.get("type")), "ph": "i", "s": "p",
                        "pid": pid, "tid": tid, "ts": ts,
                        "args": {"message": e.get("message"), "where": e.get("where")}})
    # Threads still running when the run ended (or was cut short): open to the end.
    last = max((e["t"] for e in events), default=origin)
    for (p, tid), begin in thread_begin.items():
        b = _us(begin["t"], origin)
        out.append({"name": "thread " + begin.get("name", ""), "cat": "thread", "ph": "X",
                    "pid": pid_of(p), "tid": tid, "ts": b, "dur": _us(last, origin) - b})
    return {"version": 1, "traceEvents": out, "marks": marks, "loop": loop, "output": output,
            "exceptions": exceptions}


def write(path, events, title=None):
    """Writes the document atomically: a temporary file in the same folder, renamed."""
    document = build(events, title)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, ensure_ascii=False, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return document
