#!/usr/bin/env python3
"""Start-up time of `b2tui --demo`: runs the real binary in a pseudo-terminal (120x36)
several times and measures, from the spawn, the first frame (the title bar's first bytes)
and the frame that lists the demo's buckets. Prints each run and the medians.
Usage: scripts/bench-startup.py [BIN] [RUNS] [EXTRA ARGS...] (e.g. --deterministic)
"""
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import termios
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/b2tui"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
EXTRA = sys.argv[3:]


def one_run():
    pid, fd = pty.fork()
    if pid == 0:
        env = {k: v for k, v in os.environ.items() if not k.startswith("B2_APPLICATION")}
        env["XDG_CONFIG_HOME"] = "/nonexistent"
        env["TERM"] = "xterm-256color"
        os.execve(BIN, [BIN, "--demo"] + EXTRA, env)
    start = time.monotonic()
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    seen, first, buckets = b"", None, None
    deadline = start + 30
    while buckets is None and time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        seen += chunk
        now = time.monotonic() - start
        if first is None and b"b2tui" in seen:
            first = now
        if b"demo-backu" in re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen):
            buckets = now
    os.kill(pid, signal.SIGTERM)
    # Drain until the child is gone, so that it can restore the terminal and exit.
    while True:
        try:
            r, _, _ = select.select([fd], [], [], 2)
            if not r or not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    if first is None or buckets is None:
        sys.exit(f"no frame seen; last bytes: {seen[-300:]!r}")
    return first, buckets


firsts, lists = [], []
for i in range(RUNS):
    f, b = one_run()
    firsts.append(f)
    lists.append(b)
    print(f"run {i + 1}: first frame {f * 1000:.0f} ms, buckets listed {b * 1000:.0f} ms")
print(f"median of {RUNS}: first frame {statistics.median(firsts) * 1000:.0f} ms, "
      f"buckets listed {statistics.median(lists) * 1000:.0f} ms")
