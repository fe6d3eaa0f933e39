#!/usr/bin/env python3
"""The limit row of bench-transfers.sh: the same bytes up or down over raw HTTP/1.1
keep-alive connections with SHA-1s computed beforehand, at the same concurrency, with no
checks beyond the server's own. Uploads send file bytes with sendfile (no copy through
user space); downloads write each response where it belongs.

  bench-limit.py prep SRC MANIFEST PART_BYTES hashes (untimed): whole files and parts
  bench-limit.py up   URL KEYID KEY BUCKET PREFIX SRC MANIFEST THREADS
  bench-limit.py down URL KEYID KEY BUCKET PREFIX DEST THREADS RANGE_BYTES SIZES_FROM

SRC is a file (one large file, uploaded as parts of PART_BYTES) or a folder (one
b2_upload_file per file). `down` fetches what `up` stored under PREFIX: a single name
with parallel ranges, or every name in the folder listing SIZES_FROM.
"""

import base64
import hashlib
import json
import os
import socket
import sys
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.addr = (u.hostname, u.port or 80)
        self.host = u.netloc
        self.sock = None

    def _open(self):
        if self.sock is None:
            self.sock = socket.create_connection(self.addr)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buf = bytearray(1 << 20)
            self.view = memoryview(self.buf)

    def request(self, method, path, headers, body=b"", file=None, offset=0, count=0,
                sink=None):
        """Sends a request (body bytes, or `count` bytes of `file` from `offset`) and
        returns (status, headers, body); with `sink(offset, bytes)` the body is streamed."""
        self._open()
        length = count if file is not None else len(body)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}",
                f"Content-Length: {length}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        while file is not None and count > 0:
            sent = os.sendfile(self.sock.fileno(), file, offset, count)
            if sent == 0:
                raise IOError("connection closed")
            offset, count = offset + sent, count - sent
        buf = b""
        while b"\r\n\r\n" not in buf:
            got = self.sock.recv(1 << 16)
            if not got:
                raise IOError("connection closed")
            buf += got
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        resp = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            resp[k.strip().lower()] = v.strip()
        n = int(resp.get("content-length", "0"))
        if sink is None or status >= 400:
            while len(rest) < n:
                got = self.sock.recv(1 << 20)
                if not got:
                    raise IOError("connection closed")
                rest += got
            data = rest[:n]
        else:
            data, done = b"", len(rest)
            if rest:
                sink(0, rest)
            while done < n:
                got = self.sock.recv_into(self.buf, min(len(self.buf), n - done))
                if not got:
                    raise IOError("connection closed")
                sink(done, self.view[:got])
                done += got
        if status >= 400:
            raise IOError(f"{method} {path}: {status} {data[:300]!r}")
        return status, resp, data


def api(base, token, name, payload):
    c = Conn(base)
    _, _, data = c.request("POST", f"/b2api/v3/{name}",
                           {"Authorization": token, "Content-Type": "application/json"},
                           json.dumps(payload).encode())
    return json.loads(data)


def files_of(src):
    out = []
    for root, _, names in os.walk(src):
        for n in names:
            path = os.path.join(root, n)
            out.append(os.path.relpath(path, src))
    out.sort()
    return out


def sha1_file(path, offset=0, count=None):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        f.seek(offset)
        left = os.path.getsize(path) - offset if count is None else count
        while left > 0:
            b = f.read(min(1 << 20, left))
            h.update(b)
            left -= len(b)
    return h.hexdigest()


def prep(src, manifest, part_bytes):
    if os.path.isfile(src):
        size = os.path.getsize(src)
        parts = [sha1_file(src, o, min(part_bytes, size - o)) for o in range(0, size, part_bytes)]
        m = {"whole": sha1_file(src), "parts": parts, "part_bytes": part_bytes}
    else:
        m = {"files": {rel: sha1_file(os.path.join(src, rel)) for rel in files_of(src)}}
    with open(manifest, "w") as f:
        json.dump(m, f)


def main():
    mode = sys.argv[1]
    if mode == "prep":
        prep(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    url, key_id, key, bucket, prefix = sys.argv[2:7]
    basic = base64.b64encode(f"{key_id}:{key}".encode()).decode()
    _, _, data = Conn(url).request("GET", "/b2api/v3/b2_authorize_account",
                                   {"Authorization": f"Basic {basic}"})
    auth = json.loads(data)
    token = auth["authorizationToken"]
    storage = auth["apiInfo"]["storageApi"]
    api_url, dl_url = storage["apiUrl"], storage["downloadUrl"]
    buckets = api(api_url, token, "b2_list_buckets",
                  {"accountId": auth["accountId"], "bucketName": bucket})["buckets"]
    bid = buckets[0]["bucketId"]

    if mode == "up":
        src, manifest, threads = sys.argv[7], sys.argv[8], int(sys.argv[9])
        with open(manifest) as f:
            m = json.load(f)
        if "whole" in m:
            up_large(api_url, token, bid, prefix, src, m, threads)
        else:
            up_files(api_url, token, bid, prefix, src, m, threads)
    elif mode == "down":
        dest, threads, range_bytes, sizes_from = (sys.argv[7], int(sys.argv[8]),
                                                  int(sys.argv[9]), sys.argv[10])
        quoted = lambda n: urllib.parse.quote(n, safe="/")
        if os.path.isfile(sizes_from):
            size = os.path.getsize(sizes_from)
            path = f"/file/{bucket}/{quoted(prefix)}"
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.ftruncate(fd, size)
            local = threading.local()

            def fetch(start):
                c = getattr(local, "c", None) or Conn(dl_url)
                local.c = c
                end = min(start + range_bytes, size) - 1
                c.request("GET", path, {"Authorization": token, "Range": f"bytes={start}-{end}"},
                          sink=lambda off, b: os.pwrite(fd, b, start + off))

            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(fetch, range(0, size, range_bytes)))
            os.close(fd)
        else:
            names = files_of(sizes_from)
            local = threading.local()

            def fetch(rel):
                c = getattr(local, "c", None) or Conn(dl_url)
                local.c = c
                out = os.path.join(dest, rel)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with open(out, "wb") as f:
                    c.request("GET", f"/file/{bucket}/{quoted(prefix + rel)}",
                              {"Authorization": token}, sink=lambda off, b: f.write(b))

            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(fetch, names))


def up_large(api_url, token, bid, name, src, m, threads):
    started = api(api_url, token, "b2_start_large_file",
                  {"bucketId": bid, "fileName": name, "contentType": "b2/x-auto",
                   "fileInfo": {"large_file_sha1": m["whole"]}})
    fid = started["fileId"]
    size, part_bytes = os.path.getsize(src), m["part_bytes"]
    local = threading.local()
    fd = os.open(src, os.O_RDONLY)

    def part(i):
        if getattr(local, "url", None) is None:
            u = api(api_url, token, "b2_get_upload_part_url", {"fileId": fid})
            local.url, local.tok = u["uploadUrl"], u["authorizationToken"]
            local.c = Conn(local.url)
        offset = i * part_bytes
        count = min(part_bytes, size - offset)
        local.c.request("POST", urllib.parse.urlsplit(local.url).path,
                        {"Authorization": local.tok, "X-Bz-Part-Number": str(i + 1),
                         "X-Bz-Content-Sha1": m["parts"][i]},
                        file=fd, offset=offset, count=count)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(part, range(len(m["parts"]))))
    os.close(fd)
    api(api_url, token, "b2_finish_large_file", {"fileId": fid, "partSha1Array": m["parts"]})


def up_files(api_url, token, bid, prefix, src, m, threads):
    local = threading.local()

    def one(item):
        rel, sha1 = item
        if getattr(local, "url", None) is None:
            u = api(api_url, token, "b2_get_upload_url", {"bucketId": bid})
            local.url, local.tok = u["uploadUrl"], u["authorizationToken"]
            local.c = Conn(local.url)
        path = os.path.join(src, rel)
        fd = os.open(path, os.O_RDONLY)
        try:
            local.c.request("POST", urllib.parse.urlsplit(local.url).path,
                            {"Authorization": local.tok,
                             "X-Bz-File-Name": urllib.parse.quote(prefix + rel, safe="/"),
                             "Content-Type": "b2/x-auto", "X-Bz-Content-Sha1": sha1},
                            file=fd, offset=0, count=os.fstat(fd).st_size)
        finally:
            os.close(fd)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, sorted(m["files"].items())))


if __name__ == "__main__":
    main()
