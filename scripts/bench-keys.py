#!/usr/bin/env python3
"""Key-to-frame latency of the real binary in a pseudo-terminal.

Starts `b2tui serve --seed-bulk` with a 1,000,000-name folder, runs the TUI on it in a
pty (120x36), opens the folder, and then, while the folder's pages are still arriving,
presses `j`/`k` many times: for each key it measures the time from writing the key to
the first bytes of the frame that answers it (read from the pty, not by polling a
screen). Prints the median, p99 and worst. First it times a jump (`:` + a name in the
last 1% of the folder + Enter) to the frame showing that name, and counts the list calls
it made (the local B2's admin stats). Usage: scripts/bench-keys.py [BIN] [KEYS]
"""
import base64
import json
import urllib.request
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/b2tui"
KEYS = int(sys.argv[2]) if len(sys.argv) > 2 else 600


def start_serve():
    env = {k: v for k, v in os.environ.items() if not k.startswith("B2_APPLICATION")}
    serve = subprocess.Popen(
        [BIN, "serve", "--listen", "127.0.0.1:0", "--seed-bulk", "huge-folder:big/:1000000"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    info = {}
    while len(info) < 3:
        line = serve.stdout.readline()
        if not line:
            sys.exit("the local B2 did not start")
        for key, pat in (("url", r"^listening on (\S+)"), ("id", r"^master key id: *(\S+)"),
                         ("key", r"^master key: *(\S+)")):
            m = re.match(pat, line)
            if m:
                info[key] = m.group(1)
    # Whatever the server prints later is read and dropped, so it never blocks on a full pipe.
    threading.Thread(target=lambda: serve.stdout.read(), daemon=True).start()
    return serve, info


def read_until(fd, needle, limit=60.0):
    """Reads the pty until `needle` (bytes) has been seen; returns all read."""
    seen = b""
    deadline = time.monotonic() + limit
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            sys.exit(f"timed out waiting for {needle!r}; last read: {seen[-400:]!r}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            seen += os.read(fd, 65536)
            seen = seen[-200000:]
    return seen


def drain(fd, quiet, limit=1.0):
    """Reads until nothing arrives for `quiet` seconds (at most `limit` seconds: a spinner
    redraws on its own)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and select.select([fd], [], [], quiet)[0]:
        os.read(fd, 65536)


def list_calls(info):
    req = urllib.request.Request(info["url"] + "/b2tui-admin/v1/stats")
    token = base64.b64encode(f"{info['id']}:{info['key']}".encode()).decode()
    req.add_header("Authorization", "Basic " + token)
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)["calls"].get("b2_list_file_names", 0)


def main():
    serve, info = start_serve()
    pid, fd = pty.fork()
    if pid == 0:
        # The size is set before the TUI starts, so its first frame has it.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        env = dict(os.environ, B2_APPLICATION_KEY_ID=info["id"], B2_APPLICATION_KEY=info["key"],
                   XDG_CONFIG_HOME="/nonexistent", TERM="xterm-256color")
        os.execvpe(BIN, [BIN, "--endpoint", info["url"], "--deterministic"], env)
    try:
        read_until(fd, b"huge-folder")
        drain(fd, 0.5)
        os.write(fd, b"\r")
        read_until(fd, b"big/")
        drain(fd, 0.5)
        os.write(fd, b"\r")
        read_until(fd, b"n0000000.dat")
        drain(fd, 0.5)
        os.write(fd, b":")
        read_until(fd, b"b2://huge-folder/big/")
        drain(fd, 0.1)
        os.write(fd, b"n0995000")
        drain(fd, 0.1)
        calls = list_calls(info)
        start = time.perf_counter()
        os.write(fd, b"\r")
        # Frames are drawn as differences: the rows' names change in their "995" digits.
        read_until(fd, b"995")
        took = (time.perf_counter() - start) * 1000
        drain(fd, 0.5)
        print(f"jump to n0995000 of 1,000,000: rows on screen in {took:.1f} ms, "
              f"{list_calls(info) - calls} list calls")
        os.write(fd, b"g")
        drain(fd, 0.5)
        # Far down first, so pages keep arriving while the keys are timed.
        for _ in range(3):
            os.write(fd, b"G")
            drain(fd, 0.05)
            os.write(fd, b"j")
            drain(fd, 0.05)
        times = []
        for i in range(KEYS):
            drain(fd, 0.002)
            key = b"j" if (i // 20) % 2 == 0 else b"k"
            start = time.perf_counter()
            os.write(fd, key)
            r, _, _ = select.select([fd], [], [], 2.0)
            if not r:
                continue  # no frame (e.g. already at an end): not a latency
            os.read(fd, 65536)
            times.append((time.perf_counter() - start) * 1000)
            if i % 50 == 49:
                os.write(fd, b"G")  # keep the load-ahead busy
                drain(fd, 0.01)
        times.sort()
        n = len(times)
        print(f"{n} keys: median {times[n // 2]:.2f} ms, p99 {times[int(n * 0.99) - 1]:.2f} ms, "
              f"worst {times[-1]:.2f} ms")
        os.write(fd, b"q")
    finally:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass
        serve.terminate()


if __name__ == "__main__":
    main()
