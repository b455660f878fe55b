# SPDX-License-Identifier: GPL-3.0-or-later
"""The worker-process side of the process-pool tracing: tiny, imported by unpickling.

A ProcessPoolExecutor worker unpickles its call item right before it runs it; the
function inside comes back through started(), which first tells the traced process, in
one datagram, which future starts now, in which process and thread. Nothing else of the
tracer is loaded in a worker, whatever the start method.
"""

import os
import socket
import threading
import time

_sockets = {}


def started(fn, fid, address):
    try:
        sock = _sockets.get(address)
        if sock is None:
            sock = _sockets[address] = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.sendto(b"%d %d %d %d" % (fid, os.getpid(), threading.get_native_id(),
                                      time.perf_counter_ns()), address)
    except OSError:
        pass    # the traced process has gone or never listened: the work still runs
    return fn
