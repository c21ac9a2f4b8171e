#!/usr/bin/python3
"""Memory per element of big aggregates, osprey-server against redis-server.

For each type, one key gets ELEMENTS members of 16 bytes (`member:%09d`,
`field:%010d` with a 16-byte value for hashes, scores = the index for sorted
sets) and we report the growth of used_memory and of RSS divided by the
element count, with the osprey/redis ratio. The target is 0.7x or less.

    /usr/bin/python3 bench/type_memory.py [--elements N] [--only list,hash]

Environment: OSPREY_SERVER, REDIS_SERVER as for run_bench.py.
"""

from __future__ import annotations

import argparse
import shlex
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (HOST, BenchError, RespClient, Server, info_section, rss_bytes,  # noqa: E402
                      server_binaries)

TARGET = 0.7


def _bulk(b: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(b), b)


def _command(args: list[bytes]) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(_bulk(a) for a in args)


def _member(i: int) -> bytes:
    return b"member:%09d" % i  # 16 bytes


# Each type: how to add a batch [first, last) of elements to key "big".
BUILDERS = {
    "list": lambda first, last: _command([b"RPUSH", b"big"] + [_member(i) for i in range(first, last)]),
    "set": lambda first, last: _command([b"SADD", b"big"] + [_member(i) for i in range(first, last)]),
    "hash": lambda first, last: _command(
        [b"HSET", b"big"] + [x for i in range(first, last)
                             for x in (b"field:%010d" % i, b"value:%010d" % i)]),
    "zset": lambda first, last: _command(
        [b"ZADD", b"big"] + [x for i in range(first, last) for x in (b"%d" % i, _member(i))]),
}


def load(port: int, kind: str, elements: int, batch: int = 1000) -> None:
    """Sends the whole aggregate in pipelined batches; checks every reply is
    an integer (the count added)."""
    sock = socket.create_connection((HOST, port), timeout=300)
    commands = (elements + batch - 1) // batch
    failure: list[str] = []

    def read_replies():
        pending, seen = b"", 0
        while seen < commands:
            chunk = sock.recv(1 << 20)
            if not chunk:
                failure.append("connection closed")
                return
            pending += chunk
            while b"\r\n" in pending:
                line, pending = pending.split(b"\r\n", 1)
                if not line.startswith(b":"):
                    failure.append(f"unexpected reply {line[:80]!r}")
                    return
                seen += 1

    reader = threading.Thread(target=read_replies, daemon=True)
    reader.start()
    for first in range(0, elements, batch):
        sock.sendall(BUILDERS[kind](first, min(elements, first + batch)))
    reader.join(timeout=600)
    sock.close()
    if failure or reader.is_alive():
        raise BenchError(f"{kind}: " + (failure[0] if failure else "timed out"))


def measure(server: Server, kind: str, elements: int) -> dict:
    with RespClient(server.port) as c:
        c.call("FLUSHALL")
    time.sleep(0.3)
    used0 = int(info_section(server.port, "memory")["used_memory"])
    rss0 = rss_bytes(server.pid)
    load(server.port, kind, elements)
    time.sleep(0.5)
    with RespClient(server.port) as c:
        length = c.call({"list": "LLEN", "set": "SCARD", "hash": "HLEN", "zset": "ZCARD"}[kind], "big")
        encoding = c.call("OBJECT", "ENCODING", "big")
    if length != elements:
        raise BenchError(f"{server.label} {kind}: length {length}, expected {elements}")
    used1 = int(info_section(server.port, "memory")["used_memory"])
    rss1 = rss_bytes(server.pid)
    return {"used": (used1 - used0) / elements, "rss": (rss1 - rss0) / elements,
            "encoding": encoding}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--elements", type=int, default=1_000_000)
    ap.add_argument("--only", default="list,set,hash,zset")
    ap.add_argument("--server-args", default="",
                    help='extra arguments for both servers, e.g. "--list-compress-depth 1"')
    opts = ap.parse_args()
    binaries = server_binaries()
    kinds = [k for k in opts.only.split(",") if k]
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="osprey-typemem-") as tmp:
        taken: set[int] = set()
        for kind in kinds:
            for label, binary in binaries.items():
                # A fresh server per measurement: pages freed by an earlier
                # FLUSHALL would otherwise hide part of the RSS growth.
                server = Server(label, binary, shlex.split(opts.server_args), None, Path(tmp))
                server.start(taken)
                try:
                    results[(label, kind)] = m = measure(server, kind, opts.elements)
                finally:
                    server.stop()
                print(f"  {kind:<5} {label:<6} {m['used']:6.1f} B/element used_memory "
                      f"{m['rss']:6.1f} B/element RSS  ({m['encoding']})", flush=True)
    print()
    print(f"| type ({opts.elements:,} members of 16 B) | osprey B/elem | redis B/elem "
          f"| ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for kind in kinds:
        o, r = results[("osprey", kind)], results[("redis", kind)]
        ratio = o["used"] / r["used"]
        verdict = "met" if ratio <= TARGET else "MISSED"
        print(f"| {kind} | {o['used']:.1f} (RSS {o['rss']:.1f}) | {r['used']:.1f} "
              f"(RSS {r['rss']:.1f}) | {ratio:.2f} | <= {TARGET} {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
