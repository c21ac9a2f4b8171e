#!/usr/bin/python3
"""Persistence benchmark: osprey-server against redis-server, one after the other.

For the same data set (1,000,000 keys by default: mostly strings of 20-100
bytes, some small and large lists, hashes, sets and sorted sets, some keys with
an expire time, all drawn from a seeded RNG) it measures, per server:

1. SAVE: wall time of the SAVE command, and the size of dump.rdb.
2. Start-up load: the time from starting the server on a dump until it answers
   PING with every key there (and the server's own "DB loaded from disk" log
   line); each server's own dump, and each server loading the other's dump.
3. BGSAVE under a steady write load: memory (PSS of the server and all its
   child processes, summed, every ~10 ms), latency of the writes and the
   longest PING round trip (event-loop stall), in a steady window and while the
   BGSAVE runs.

Only one server runs at a time. Standard library only; needs redis-server and
redis-cli (redis-tools).

    /usr/bin/python3 bench/persistence.py [--quick] [--keys N] [--rounds N]

Environment: OSPREY_SERVER (default <repo>/build/osprey-server), REDIS_SERVER
(default /usr/bin/redis-server). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import select
import selectors
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections import deque
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402
from benchlib import (HOST, BenchError, RespClient, RespError, Server, StartError,  # noqa: E402
                      info_section, loadavg, pick_port, pinned, rss_bytes, wait_for_quiet)

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
LABELS = ("redis", "osprey")

# Targets for osprey (informational, never the exit status).
TARGET_SAVE_RATIO = 1.0        # redis SAVE time / osprey SAVE time
TARGET_LOAD_RATIO = 2.0        # redis load time / osprey load time (own files)
TARGET_SIZE_TOLERANCE = 0.05   # |osprey dump / redis dump - 1|
TARGET_PEAK_MEMORY = 1.2       # peak PSS during BGSAVE / steady PSS
TARGET_P99 = 2.0               # write p99 during BGSAVE / steady p99
TARGET_STALL_MS = 10.0         # longest PING round trip during BGSAVE

# --------------------------------------------------------------------------
# The data set
# --------------------------------------------------------------------------

STRING_PREFIXES = (b"user", b"session", b"cache", b"page", b"item")
ALNUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TO_ALNUM = bytes(ALNUM[i % len(ALNUM)] for i in range(256))
POOL_SIZE = 1 << 22
HASH_FIELDS = (b"name", b"email", b"age", b"city", b"country", b"plan", b"status", b"score",
               b"created_at", b"updated_at", b"last_login", b"visits", b"referrer", b"locale",
               b"timezone", b"theme", b"avatar", b"phone", b"zip", b"company", b"title",
               b"department", b"manager", b"notes")
# Text values: some repetition inside each, so part of them compress (LZF).
TEXT_TEMPLATES = (
    b'{"id":%d,"name":"%s","email":"%s@example.com","role":"member","active":true}',
    b'<li class="item"><span class="label">%s</span><span class="value">%d</span></li>',
    b"https://www.example.com/products/%s?ref=%d&utm_source=newsletter&utm_medium=email",
    b"user=%s;lang=en-US;theme=dark;tz=Europe/Paris;last=%d;flags=0;v=2",
)


def string_key(i: int) -> bytes:
    """The i-th string key; the writer of the BGSAVE phase overwrites these."""
    return b"%s:%08d" % (STRING_PREFIXES[i % len(STRING_PREFIXES)], i)


def resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join([b"$%d\r\n%s\r\n" % (len(a), a) for a in args])


class Pool:
    """Slices of a seeded random alphanumeric buffer: cheap random strings."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.data = rng.randbytes(POOL_SIZE).translate(_TO_ALNUM)

    def text(self, low: int, high: int) -> bytes:
        n = self.rng.randint(low, high)
        off = self.rng.randrange(POOL_SIZE - n)
        return self.data[off:off + n]


def composition(keys: int) -> dict:
    """How many keys of each kind a data set of `keys` keys holds."""
    big = max(1, keys // 100_000)        # per aggregate type
    small = keys * 25 // 1000            # per aggregate type, 2.5% each
    strings = keys - 4 * big - 4 * small
    if strings < keys // 2:
        raise BenchError(f"--keys {keys} is too small for the data set mix")
    return {"strings": strings, "small_per_type": small, "big_per_type": big,
            "big_list_elements": 20_000, "big_other_elements": 5_000}


def generate_dataset(path: Path, keys: int, seed: int) -> dict:
    """Writes the data set as a RESP command stream (for redis-cli --pipe).

    Returns its description: key counts by kind, commands, elements, TTLs.
    Expire times are absolute (PXAT / PEXPIREAT, 1 to 48 hours ahead of now),
    so both servers hold exactly the same data and DEBUG DIGEST can compare.
    """
    rng = random.Random(seed)
    pool = Pool(rng)
    mix = composition(keys)
    now_ms = int(time.time() * 1000)
    ttl_share = 0.15
    commands = elements = with_ttl = 0
    counts = {"string_text": 0, "string_random": 0, "string_int": 0}

    def expire_at() -> bytes:
        return b"%d" % (now_ms + rng.randrange(3_600_000, 48 * 3_600_000))

    with open(path, "wb", buffering=1 << 20) as out:
        chunk: list[bytes] = []
        for i in range(mix["strings"]):
            r = rng.random()
            if r < 0.55:
                template = TEXT_TEMPLATES[rng.randrange(len(TEXT_TEMPLATES))]
                value = template % (pool.text(6, 24), rng.randrange(10**9)) \
                    if template.count(b"%s") == 1 else \
                    template % (rng.randrange(10**7), pool.text(5, 16), pool.text(5, 12))
                counts["string_text"] += 1
            elif r < 0.85:
                value = pool.text(20, 100)
                counts["string_random"] += 1
            else:
                value = b"%d" % rng.randrange(10**9)
                counts["string_int"] += 1
            if rng.random() < ttl_share:
                chunk.append(resp(b"SET", string_key(i), value, b"PXAT", expire_at()))
                with_ttl += 1
            else:
                chunk.append(resp(b"SET", string_key(i), value))
            if len(chunk) >= 10_000:
                out.write(b"".join(chunk))
                commands += len(chunk)
                chunk = []
        out.write(b"".join(chunk))
        commands += len(chunk)
        chunk = []

        def element() -> bytes:
            return pool.text(8, 24)

        def add(kind: bytes, key: bytes, count: int, make) -> None:
            nonlocal commands, elements, with_ttl
            for first in range(0, count, 1000):
                args: list[bytes] = []
                for _ in range(first, min(count, first + 1000)):
                    args.extend(make())
                chunk.append(resp(kind, key, *args))
                commands += 1
            elements += count
            if rng.random() < ttl_share:
                chunk.append(resp(b"PEXPIREAT", key, expire_at()))
                commands += 1
                with_ttl += 1

        def int_member() -> tuple[bytes]:
            return (b"%d" % rng.randrange(10**6),)

        def hash_pair() -> tuple[bytes, bytes]:
            field = HASH_FIELDS[rng.randrange(len(HASH_FIELDS))] + b"_%d" % rng.randrange(1000)
            value = (b"%d" % rng.randrange(10**6)) if rng.random() < 0.3 else pool.text(4, 24)
            return field, value

        def zset_pair() -> tuple[bytes, bytes]:
            score = (b"%d" % rng.randrange(10**6)) if rng.random() < 0.5 else \
                repr(round(rng.random() * 1000, 3)).encode()
            return score, element()

        for i in range(mix["small_per_type"]):
            add(b"RPUSH", b"list:%07d" % i, rng.randint(4, 40), lambda: (element(),))
            add(b"HSET", b"hash:%07d" % i, rng.randint(4, 24), hash_pair)
            # A quarter of the small sets hold integers only (an intset in both).
            add(b"SADD", b"set:%07d" % i, rng.randint(4, 32),
                int_member if i % 4 == 0 else lambda: (element(),))
            add(b"ZADD", b"zset:%07d" % i, rng.randint(4, 32), zset_pair)
            if len(chunk) >= 2_000:
                out.write(b"".join(chunk))
                chunk = []
        for i in range(mix["big_per_type"]):
            add(b"RPUSH", b"big:list:%03d" % i, mix["big_list_elements"], lambda: (element(),))
            add(b"HSET", b"big:hash:%03d" % i, mix["big_other_elements"], hash_pair)
            add(b"SADD", b"big:set:%03d" % i, mix["big_other_elements"], lambda: (element(),))
            add(b"ZADD", b"big:zset:%03d" % i, mix["big_other_elements"], zset_pair)
            out.write(b"".join(chunk))
            chunk = []
        out.write(b"".join(chunk))
    # Each small or big aggregate may have drawn a duplicate member; the key
    # count is what matters, and both servers get the very same commands.
    return {"keys": keys, "seed": seed, "commands": commands, "aggregate_elements_sent": elements,
            "keys_with_ttl": with_ttl, "bytes": path.stat().st_size, **mix, **counts}


# --------------------------------------------------------------------------
# Servers and helpers
# --------------------------------------------------------------------------

class Context:
    """What every phase needs: options, binaries, ports in use, the temp dir."""

    def __init__(self, opts, binaries: dict[str, str], extra_args: dict[str, list[str]],
                 tmp: Path):
        self.opts = opts
        self.binaries = binaries
        self.extra_args = extra_args
        self.tmp = tmp
        self.taken: set[int] = set()
        self.live: list[Server] = []
        self.quiet_left = opts.quiet_wait

    def server(self, label: str, where: Path) -> Server:
        # DEBUG DIGEST compares the data sets; redis needs the debug command
        # enabled for it (local connections only).
        args = ["--enable-debug-command", "local", *self.extra_args[label]]
        server = Server(label, self.binaries[label], args, self.opts.server_core, where)
        return server

    def quiet(self) -> None:
        """Waits (within the --quiet-wait budget) for both cores to be quiet."""
        if self.quiet_left <= 0:
            return
        cores = [c for c in (self.opts.server_core, self.opts.client_core) if c is not None]
        if not cores:
            cores = sorted(os.sched_getaffinity(0))
        self.quiet_left -= wait_for_quiet(cores, 0.15, min(10.0, self.quiet_left))

    def start(self, server: Server) -> None:
        self.live.append(server)
        server.start(self.taken)

    def stop(self, server: Server) -> None:
        server.stop()
        self.taken.discard(server.port)
        if server in self.live:
            self.live.remove(server)

    def stop_all(self) -> None:
        for server in list(self.live):
            self.stop(server)


def call(port: int, *args, timeout: float = 600.0):
    with RespClient(port, timeout=timeout) as client:
        return client.call(*args)


def digest(port: int) -> str:
    reply = call(port, "DEBUG", "DIGEST")
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def fill(ctx: Context, server: Server, dataset: Path, info: dict) -> float:
    """Sends the data set through redis-cli --pipe; checks replies and DBSIZE."""
    start = time.monotonic()
    with open(dataset, "rb") as data:
        proc = subprocess.run(["redis-cli", "-h", HOST, "-p", str(server.port), "--pipe"],
                              stdin=data, capture_output=True, timeout=1800,
                              preexec_fn=pinned(ctx.opts.client_core))
    elapsed = time.monotonic() - start
    text = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    m = re.search(r"errors: (\d+), replies: (\d+)", text)
    if proc.returncode != 0 or not m or int(m.group(1)) != 0 \
            or int(m.group(2)) != info["commands"]:
        raise BenchError(f"{server.label}: loading the data set failed: {text.strip()[-400:]}")
    server.check_alive()
    keys = call(server.port, "DBSIZE")
    if keys != info["keys"]:
        raise BenchError(f"{server.label}: DBSIZE {keys} after loading, expected {info['keys']}")
    return elapsed


def log_size(server: Server) -> int:
    try:
        return (server.workdir / "server.log").stat().st_size
    except OSError:
        return 0


def log_since(server: Server, offset: int) -> str:
    try:
        with open(server.workdir / "server.log", "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def percentile(values, q: float) -> Optional[float]:
    """Nearest-rank percentile (q in 0..100) of a sequence; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(q / 100.0 * len(ordered) + 0.5))))
    return ordered[rank - 1]


def median_or_none(values) -> Optional[float]:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------
# 1. SAVE
# --------------------------------------------------------------------------

def save_phase(ctx: Context, server: Server, keep_as: Path) -> dict:
    ctx.quiet()
    offset = log_size(server)
    with RespClient(server.port, timeout=1800) as client:
        cpu0 = cpu_ticks_with_children(server.pid)
        t0 = time.perf_counter()
        reply = client.call("SAVE")
        wall = time.perf_counter() - t0
        cpu = (cpu_ticks_with_children(server.pid) - cpu0) / benchlib.CLK_TCK
    if reply != "OK":
        raise BenchError(f"{server.label}: SAVE replied {reply!r}")
    dump = server.workdir / "dump.rdb"
    size = dump.stat().st_size
    os.replace(dump, keep_as)  # BGSAVE later writes a new dump.rdb
    return {"save_s": wall, "save_cpu_s": cpu, "dump_bytes": size,
            "log": [l for l in log_since(server, offset).splitlines() if "saved" in l.lower()]}


# --------------------------------------------------------------------------
# 2. Start-up load
# --------------------------------------------------------------------------

LOADED_RE = re.compile(r"DB loaded from disk: ([0-9.]+) seconds")


def load_phase(ctx: Context, label: str, dump: Optional[Path], where: Path,
               expected_keys: int, expected_digest: Optional[str]) -> dict:
    """Starts `label`'s server on `dump` (None: an empty directory) and times it.

    ready_s: from just before the process is started until PING answers PONG
    (redis answers -LOADING meanwhile) and DBSIZE shows every key.
    """
    server = ctx.server(label, where)
    server.workdir.mkdir(parents=True, exist_ok=True)
    if dump is not None:
        target = server.workdir / "dump.rdb"
        try:
            os.link(dump, target)
        except OSError:
            shutil.copyfile(dump, target)
    ctx.quiet()
    offset = log_size(server)
    server.port = pick_port(ctx.taken)
    ctx.taken.add(server.port)
    ctx.live.append(server)
    log = open(server.workdir / "server.log", "ab")
    t0 = time.monotonic()
    server.proc = subprocess.Popen(server.command(), cwd=server.workdir, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=pinned(ctx.opts.server_core))
    log.close()
    result: dict = {"server": label, "dump": dump.name if dump else None}
    try:
        client = None
        deadline = t0 + ctx.opts.load_timeout
        first_connect = None
        while True:
            if server.proc.poll() is not None:
                raise StartError(f"{label} exited with status {server.proc.returncode} while "
                                 f"loading {dump}\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise StartError(f"{label}: not ready within {ctx.opts.load_timeout:.0f}s "
                                 f"loading {dump}\n{server.log_tail()}")
            try:
                if client is None:
                    client = RespClient(server.port, timeout=ctx.opts.load_timeout)
                    if first_connect is None:
                        first_connect = time.monotonic() - t0
                if client.call("PING") == "PONG":
                    break
            except RespError as err:
                if "LOADING" not in str(err):
                    raise BenchError(f"{label}: PING while loading: {err}") from None
            except OSError:
                if client is not None:
                    client.close()
                    client = None
            time.sleep(0.002)
        pong = time.monotonic() - t0
        keys = client.call("DBSIZE")
        ready = time.monotonic() - t0
        cpu = cpu_ticks_with_children(server.pid) / benchlib.CLK_TCK
        client.close()
        persistence = info_section(server.port, "persistence")
        if persistence.get("loading") != "0":
            raise BenchError(f"{label}: loading:{persistence.get('loading')} after PONG")
        if keys != expected_keys:
            raise BenchError(f"{label}: DBSIZE {keys} after loading {dump}, "
                             f"expected {expected_keys}")
        result.update({"ready_s": ready, "pong_s": pong, "first_connect_s": first_connect,
                       "cpu_s": cpu,
                       "used_memory": int(info_section(server.port, "memory")["used_memory"]),
                       "rss": rss_bytes(server.pid)})
        m = LOADED_RE.search(log_since(server, offset))
        result["log_s"] = float(m.group(1)) if m else None
        if expected_digest is not None:
            result["digest_ok"] = digest(server.port) == expected_digest
    finally:
        ctx.stop(server)
    return result


# --------------------------------------------------------------------------
# 3. BGSAVE under writes
# --------------------------------------------------------------------------

def read_pss_kb(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def descendants(pid: int) -> list[int]:
    """Child processes (of any thread) of pid, and theirs, from /proc."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tids = os.listdir(f"/proc/{parent}/task")
        except (FileNotFoundError, ProcessLookupError):
            continue
        for tid in tids:
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as f:
                    kids = [int(x) for x in f.read().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def tree_pss(pid: int) -> tuple[int, int]:
    """(sum of PSS in bytes, process count) of pid and its descendants."""
    total, procs = 0, 0
    for p in [pid, *descendants(pid)]:
        kb = read_pss_kb(p)
        if kb is not None:
            total += kb * 1024
            procs += 1
    return total, procs


def cpu_ticks_with_children(pid: int) -> int:
    """utime + stime + cutime + cstime: the server and its reaped children."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return sum(int(x) for x in fields[11:15])


def run_delay_ns(pid: int) -> int:
    """Nanoseconds the (single-threaded) process waited for a core so far."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def mark(server: Server, clients: list[subprocess.Popen]) -> dict:
    """Counters read at the edges of the windows: the server's CPU time
    (children included), the run-queue waits of the server's threads and of
    each client process, and the busy time of the server's core."""
    busy, niced, _ = benchlib.core_ticks(server.core)
    return {"t": time.monotonic(), "cpu": cpu_ticks_with_children(server.pid),
            "core_busy": busy + niced,
            "server_wait_ns": benchlib.process_cpu(server.pid)["wait_ns"],
            "client_wait_ns": [run_delay_ns(p.pid) for p in clients]}


def waits(a: dict, b: dict) -> dict:
    """Shares of the window [a, b]: the server's threads waited for a core
    (during a BGSAVE that includes waiting for redis's own child), the busiest
    client waited, and the server's core ran something else than the server
    and its children (other people's load; 10 ms ticks, so coarse)."""
    span = b["t"] - a["t"]
    if span <= 0:
        return {"server_wait": 0.0, "client_wait": 0.0, "other_load": 0.0}
    other = ((b["core_busy"] - a["core_busy"]) - (b["cpu"] - a["cpu"])) / benchlib.CLK_TCK
    return {"server_wait": max(0, b["server_wait_ns"] - a["server_wait_ns"]) / 1e9 / span,
            "client_wait": max((y - x for x, y in zip(a["client_wait_ns"],
                                                      b["client_wait_ns"])), default=0)
            / 1e9 / span,
            "other_load": max(0.0, other) / span}


def settle_this_thread(nice: int, core: Optional[int]) -> None:
    """Lowers the priority of the calling thread only (Linux: nice and
    affinity are per thread) and pins it to the clients' core, so the
    measuring threads neither take the server's core nor delay the writer
    and the prober. Processes started from other threads are unaffected."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
        if core is not None:
            os.sched_setaffinity(0, {core})
    except OSError:
        pass


class Sampler(threading.Thread):
    """Every `interval` seconds, the PSS of the server and its descendants.

    One sample of a process with 1M keys costs ~2.5 ms of kernel time (a
    walk of its page tables), so the thread runs at nice 10."""

    def __init__(self, pid: int, interval: float, core: Optional[int]):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.core = core
        self.stop_event = threading.Event()
        self.samples: list[tuple[float, int, int, float]] = []  # t, bytes, procs, cost s

    def run(self) -> None:
        settle_this_thread(10, self.core)
        next_t = time.monotonic()
        while not self.stop_event.is_set():
            t0 = time.monotonic()
            pss, procs = tree_pss(self.pid)
            t1 = time.monotonic()
            self.samples.append((t1, pss, procs, t1 - t0))
            next_t += self.interval
            if next_t < t1:
                next_t = t1 + self.interval
            self.stop_event.wait(next_t - t1)


class InfoPoller(threading.Thread):
    """Polls INFO persistence every `interval` seconds, in the steady window
    as in the BGSAVE one, so both carry the same extra load."""

    def __init__(self, port: int, interval: float, core: Optional[int]):
        super().__init__(daemon=True)
        self.port = port
        self.core = core
        self.interval = interval
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.latest: dict = {}
        self.latest_t = 0.0
        self.error: Optional[str] = None

    def run(self) -> None:
        settle_this_thread(10, self.core)
        try:
            with RespClient(self.port, timeout=120) as client:
                while not self.stop_event.is_set():
                    reply = client.call("INFO", "persistence")
                    t = time.monotonic()
                    fields = dict(line.split(":", 1) for line in
                                  reply.decode(errors="replace").splitlines()
                                  if ":" in line and not line.startswith("#"))
                    with self.lock:
                        self.latest, self.latest_t = fields, t
                    self.stop_event.wait(self.interval)
        except (OSError, RespError, ValueError) as err:
            self.error = str(err)

    def snapshot(self) -> tuple[dict, float]:
        with self.lock:
            return dict(self.latest), self.latest_t


def spawn_role(ctx: Context, role: str, out: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, str(Path(__file__).resolve()), role, "--out", str(out), *args]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=pinned(ctx.opts.client_core))


def finish_role(proc: subprocess.Popen, out: Path, what: str) -> dict:
    try:
        proc.stdin.close()
    except OSError:
        pass
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    err = proc.stderr.read()
    proc.stderr.close()
    if proc.returncode != 0 or not out.exists():
        raise BenchError(f"{what} failed (status {proc.returncode}): "
                         f"{err.decode(errors='replace').strip()[-500:]}")
    return json.loads(out.read_text())


def window_latency(sends, values, lo: float, hi: float) -> dict:
    picked = [v * 1000 for s, v in zip(sends, values) if lo <= s < hi]
    return {"count": len(picked), "p50_ms": percentile(picked, 50),
            "p99_ms": percentile(picked, 99), "p999_ms": percentile(picked, 99.9),
            "max_ms": max(picked) if picked else None,
            "over_10ms": sum(1 for v in picked if v > 10.0)}


def window_max(times, values, lo: float, hi: float) -> Optional[float]:
    picked = [v * 1000 for t, v in zip(times, values) if lo <= t < hi]
    return max(picked) if picked else None


def bgsave_phase(ctx: Context, server: Server, strings: int, tag: str) -> dict:
    """Steady writes, a steady window, then BGSAVE; memory, latency and stalls."""
    opts = ctx.opts
    writer_out = ctx.tmp / f"writer-{tag}.json"
    prober_out = ctx.tmp / f"prober-{tag}.json"
    ctx.quiet()
    prober = spawn_role(ctx, "_prober", prober_out, "--port", str(server.port),
                        "--interval", str(opts.ping_interval))
    writer = spawn_role(ctx, "_writer", writer_out, "--port", str(server.port),
                        "--rate", str(opts.rate), "--clients", str(opts.clients),
                        "--pipeline", str(opts.pipeline), "--strings", str(strings),
                        "--seed", str(opts.seed + 1))
    poller = InfoPoller(server.port, 0.02, opts.client_core)
    sampler = Sampler(server.pid, opts.sample_interval, opts.client_core)
    result: dict = {}
    try:
        poller.start()
        sampler.start()
        before = info_section(server.port, "persistence")
        saves_before = int(before.get("rdb_saves", "0"))
        t_begin = time.monotonic()
        t_steady = t_begin + opts.warmup
        t_bgsave = t_steady + opts.steady
        t_done: Optional[float] = None
        t_end: Optional[float] = None
        marks: dict[str, dict] = {}
        seen_running = False
        bgsave_reply = None
        while True:
            now = time.monotonic()
            if "steady" not in marks and now >= t_steady:
                marks["steady"] = mark(server, [writer, prober])
            if bgsave_reply is None and now >= t_bgsave:
                for proc, what in ((writer, "writer"), (prober, "prober")):
                    if proc.poll() is not None:
                        raise BenchError(f"{what} exited early: "
                                         f"{proc.stderr.read().decode(errors='replace')[-500:]}")
                marks["bgsave"] = mark(server, [writer, prober])
                t_bgsave = marks["bgsave"]["t"]
                try:
                    bgsave_reply = call(server.port, "BGSAVE", timeout=120)
                except RespError as err:
                    bgsave_reply = f"-{err}"
                    result["unsupported"] = str(err)
                    t_done = time.monotonic()
                    t_end = t_done + opts.tail
            if bgsave_reply is not None and t_done is None:
                fields, polled_at = poller.snapshot()
                if polled_at > t_bgsave:
                    running = fields.get("rdb_bgsave_in_progress") == "1"
                    seen_running = seen_running or running
                    finished = not running and (
                        int(fields.get("rdb_saves", "0")) > saves_before or
                        (seen_running and fields.get("rdb_last_bgsave_status") != "ok"))
                    if finished and not descendants(server.pid):
                        t_done = polled_at
                        marks["done"] = mark(server, [writer, prober])
                        t_end = t_done + opts.tail
                        result["bgsave_status"] = fields.get("rdb_last_bgsave_status")
                if now - t_bgsave > opts.bgsave_timeout:
                    raise BenchError(f"{server.label}: BGSAVE not done after "
                                     f"{opts.bgsave_timeout:.0f}s")
            if poller.error:
                raise BenchError(f"{server.label}: INFO poller: {poller.error}")
            server.check_alive()
            if t_end is not None and now >= t_end:
                break
            time.sleep(0.005)
    except BaseException:
        poller.stop_event.set()
        sampler.stop_event.set()
        for proc in (writer, prober):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        raise
    poller.stop_event.set()
    sampler.stop_event.set()
    writes = finish_role(writer, writer_out, f"writer on {server.label}")
    pings = finish_role(prober, prober_out, f"prober on {server.label}")
    poller.join(timeout=10)
    sampler.join(timeout=10)
    samples = sampler.samples
    if "unsupported" in result:
        result["bgsave_reply"] = bgsave_reply
        return result
    stats = info_section(server.port, "stats")
    persistence = info_section(server.port, "persistence")
    steady_pss = [p for t, p, _, _ in samples if t_steady <= t < t_bgsave]
    bg_pss = [p for t, p, _, _ in samples if t_bgsave <= t <= t_done]
    result.update({
        "bgsave_reply": bgsave_reply,
        "bgsave_s": t_done - t_bgsave,
        "steady_s": t_bgsave - t_steady,
        "pss_steady": statistics.median(steady_pss) if steady_pss else None,
        "pss_steady_max": max(steady_pss) if steady_pss else None,
        "pss_peak": max(bg_pss) if bg_pss else None,
        "max_processes": max((n for t, _, n, _ in samples if t_bgsave <= t <= t_done),
                             default=0),
        "samples": len(samples),
        "samples_bgsave": len(bg_pss),
        "sample_cost_ms": statistics.mean(c for *_, c in samples) * 1000 if samples else None,
        "writes_steady": window_latency(writes["send"], writes["latency"], t_steady, t_bgsave),
        "writes_bgsave": window_latency(writes["send"], writes["latency"], t_bgsave, t_done),
        "pings_steady": window_latency(pings["send"], pings["rtt"], t_steady, t_bgsave),
        "pings_bgsave": window_latency(pings["send"], pings["rtt"], t_bgsave, t_done),
        "writer_lag_steady_ms": window_max(writes["lag_t"], writes["lag"], t_steady, t_bgsave),
        "writer_lag_bgsave_ms": window_max(writes["lag_t"], writes["lag"], t_bgsave, t_done),
        "writer_dropped": writes["dropped"],
        "server_cpu_steady_util": ((marks["bgsave"]["cpu"] - marks["steady"]["cpu"]) /
                                   benchlib.CLK_TCK / (t_bgsave - t_steady)),
        "server_cpu_bgsave_s": (marks["done"]["cpu"] - marks["bgsave"]["cpu"]) / benchlib.CLK_TCK,
        "waits_steady": waits(marks["steady"], marks["bgsave"]),
        "waits_bgsave": waits(marks["bgsave"], marks["done"]),
        "rdb_last_cow_size": int(persistence.get("rdb_last_cow_size", "0")),
        "latest_fork_usec": int(stats.get("latest_fork_usec", "0")),
        "dump_bytes": (server.workdir / "dump.rdb").stat().st_size
        if (server.workdir / "dump.rdb").exists() else None,
    })
    result["disturbed"] = interference(result) > ctx.opts.max_interference
    steady_w = result["writes_steady"]
    result["write_rate_steady"] = steady_w["count"] * opts.pipeline / result["steady_s"]
    if result["pss_peak"] and result["pss_steady"]:
        result["peak_over_steady"] = result["pss_peak"] / result["pss_steady"]
    if steady_w["p99_ms"] and result["writes_bgsave"]["p99_ms"]:
        result["p99_over_steady"] = result["writes_bgsave"]["p99_ms"] / steady_w["p99_ms"]
    return result


# --------------------------------------------------------------------------
# The writer and the prober (run as child processes of this script)
# --------------------------------------------------------------------------

def writer_role(a) -> int:
    """Open-loop writer: `clients` connections, a batch of `pipeline` SETs on
    the next connection every pipeline/rate seconds. Each batch's latency is
    from its send to its last reply. Stops when stdin closes."""
    rng = random.Random(a.seed)
    pool = Pool(rng)
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(a.clients):
        s = socket.create_connection((HOST, a.port), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        socks.append(s)
        sel.register(s, selectors.EVENT_READ, i)
    sel.register(sys.stdin, selectors.EVENT_READ, -1)
    outbuf = [bytearray() for _ in socks]
    inflight: list[deque] = [deque() for _ in socks]
    partial = [0] * len(socks)
    replies = [0] * len(socks)
    sends, latency = array("d"), array("d")
    period = a.pipeline / a.rate
    lag_t, lag = array("d"), array("d")
    dropped = 0
    next_t, k = time.monotonic(), 0
    stopping_at: Optional[float] = None
    while True:
        now = time.monotonic()
        if stopping_at is None:
            if now - next_t > 1.0:  # we fell far behind: skip rather than burst
                skipped = int((now - next_t) / period)
                dropped += skipped
                next_t += skipped * period
            while next_t <= now:
                c = k % len(socks)
                lag_t.append(now)
                lag.append(now - next_t)
                payload = b"".join([resp(b"SET", string_key(rng.randrange(a.strings)),
                                         pool.text(20, 100)) for _ in range(a.pipeline)])
                if outbuf[c]:
                    outbuf[c] += payload
                else:
                    try:
                        sent = socks[c].send(payload)
                    except BlockingIOError:
                        sent = 0
                    if sent < len(payload):
                        outbuf[c] += payload[sent:]
                        sel.modify(socks[c], selectors.EVENT_READ | selectors.EVENT_WRITE, c)
                inflight[c].append(now)
                k += 1
                next_t += period
            timeout = max(0.0, next_t - time.monotonic())
        else:
            if not any(inflight) or now > stopping_at:
                break
            timeout = 0.05
        for key, mask in sel.select(timeout):
            c = key.data
            if c == -1:
                if not os.read(sys.stdin.fileno(), 4096):
                    sel.unregister(sys.stdin)
                    stopping_at = time.monotonic() + 10
                continue
            if mask & selectors.EVENT_WRITE:
                sent = socks[c].send(outbuf[c])
                del outbuf[c][:sent]
                if not outbuf[c]:
                    sel.modify(socks[c], selectors.EVENT_READ, c)
            if mask & selectors.EVENT_READ:
                data = socks[c].recv(1 << 16)
                t = time.monotonic()
                if not data:
                    print("writer: connection closed by the server", file=sys.stderr)
                    return 1
                if b"-" in data:
                    print(f"writer: error reply {data[:200]!r}", file=sys.stderr)
                    return 1
                total = partial[c] + len(data)
                replies[c] += total // 5  # every reply is +OK\r\n
                partial[c] = total % 5
                while replies[c] >= a.pipeline and inflight[c]:
                    replies[c] -= a.pipeline
                    sent_at = inflight[c].popleft()
                    sends.append(sent_at)
                    latency.append(t - sent_at)
    Path(a.out).write_text(json.dumps({"send": sends.tolist(), "latency": latency.tolist(),
                                       "lag_t": lag_t.tolist(), "lag": lag.tolist(),
                                       "dropped": dropped}))
    return 0


def prober_role(a) -> int:
    """One PING at a time, every `interval` seconds; records each round trip."""
    s = socket.create_connection((HOST, a.port), timeout=60)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sends, rtts = array("d"), array("d")
    ping, pong = b"*1\r\n$4\r\nPING\r\n", b"+PONG\r\n"
    while True:
        t0 = time.monotonic()
        s.sendall(ping)
        got = b""
        while len(got) < len(pong):
            chunk = s.recv(64)
            if not chunk:
                print("prober: connection closed by the server", file=sys.stderr)
                return 1
            got += chunk
        t1 = time.monotonic()
        if got != pong:
            print(f"prober: unexpected reply {got!r}", file=sys.stderr)
            return 1
        sends.append(t0)
        rtts.append(t1 - t0)
        ready, _, _ = select.select([sys.stdin], [], [], max(0.0, t0 + a.interval - t1))
        if ready and not os.read(sys.stdin.fileno(), 4096):
            break
    Path(a.out).write_text(json.dumps({"send": sends.tolist(), "rtt": rtts.tolist()}))
    return 0


def role_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("role")
    p.add_argument("--out", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--interval", type=float, default=0.001)
    p.add_argument("--rate", type=float, default=20000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--pipeline", type=int, default=10)
    p.add_argument("--strings", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return writer_role(a) if a.role == "_writer" else prober_role(a)


# --------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------

def run_round(ctx: Context, rnd: int, dataset: Path, info: dict, results: dict) -> None:
    order = LABELS if rnd % 2 == 1 else LABELS[::-1]
    rdir = ctx.tmp / f"round{rnd}"
    dumps: dict[str, Path] = {}
    digests: dict[str, str] = {}
    for label in order:
        server = ctx.server(label, rdir)
        ctx.start(server)
        try:
            fill_s = fill(ctx, server, dataset, info)
            digests[label] = digest(server.port)
            used = int(info_section(server.port, "memory")["used_memory"])
            dumps[label] = rdir / f"{label}.rdb"
            saved = save_phase(ctx, server, dumps[label])
            saved.update({"fill_s": fill_s, "used_memory": used, "rss": rss_bytes(server.pid),
                          "digest": digests[label]})
            results["save"][label].append(saved)
            print(f"  round {rnd} {label:<6} filled in {fill_s:5.1f}s, "
                  f"SAVE {saved['save_s']:.3f}s, dump {saved['dump_bytes'] / 1e6:.1f} MB",
                  flush=True)
            if not ctx.opts.no_bgsave:
                results["bgsave"][label].append(
                    bgsave_with_retries(ctx, server, info["strings"], rnd, label))
        finally:
            ctx.stop(server)
    # Each server's DEBUG DIGEST is its own function (osprey's is not redis's),
    # so digests are only compared within one server: after loading a dump
    # (its own or the other's) it must equal the one taken after filling.
    # Loads: own files first, then the other's; then an empty start for scale.
    for label in order:
        for source in (label, "redis" if label == "osprey" else "osprey"):
            kind = "own" if source == label else "cross"
            r = load_phase(ctx, label, dumps[source], rdir / f"load-{label}-from-{source}",
                           info["keys"], digests[label])
            r["source"] = source
            results["load"][f"{label}_{kind}"].append(r)
            log_s = f"{r['log_s']:.3f}s" if r["log_s"] is not None else "-"
            bad = "" if r.get("digest_ok", True) else "  DIGEST MISMATCH"
            print(f"  round {rnd} {label:<6} loads {source}'s dump: ready {r['ready_s']:.3f}s "
                  f"(log {log_s}){bad}", flush=True)
            if not r.get("digest_ok", True):
                results["warnings"].append(f"round {rnd}: {label} loading {source}'s dump: "
                                           "DEBUG DIGEST differs from the data saved")
        empty = load_phase(ctx, label, None, rdir / f"empty-{label}", 0, None)
        results["load"][f"{label}_empty"].append(empty)
    if not ctx.opts.keep:
        shutil.rmtree(rdir, ignore_errors=True)


def interference(bg: dict) -> float:
    """How much other load touched a BGSAVE phase: the share of a window the
    writer or the prober waited for their core, the server did in the steady
    window, or (during the BGSAVE, where the server's own waits include
    redis's child sharing its core) another process used the server's core.
    In the steady window a low-priority job that only soaks up the idle time
    of the server's core shows in other_load but hardly delays the server, so
    there the server's wait counts instead."""
    ws, wb = bg["waits_steady"], bg["waits_bgsave"]
    return max(ws["server_wait"], ws["client_wait"], wb["client_wait"], wb["other_load"])


def bgsave_with_retries(ctx: Context, server: Server, strings: int, rnd: int,
                        label: str) -> dict:
    """The BGSAVE phase, repeated up to --retries times while disturbed;
    keeps the least disturbed attempt (each attempt's figures stay in it)."""
    attempts = []
    for attempt in range(ctx.opts.retries + 1):
        bg = bgsave_phase(ctx, server, strings, f"{label}-{rnd}-{attempt}")
        print_bgsave_line(rnd, label, bg)
        if "unsupported" in bg:
            return bg
        attempts.append(bg)
        if not bg["disturbed"]:
            break
    best = min(attempts, key=interference)
    best["attempts"] = len(attempts)
    return best


def print_bgsave_line(rnd: int, label: str, bg: dict) -> None:
    if "unsupported" in bg:
        print(f"  round {rnd} {label:<6} BGSAVE refused: {bg['unsupported']}", flush=True)
        return
    ws, wb = bg["writes_steady"], bg["writes_bgsave"]
    print(f"  round {rnd} {label:<6} BGSAVE {bg['bgsave_s']:.2f}s: PSS peak/steady "
          f"{bg.get('peak_over_steady', 0):.2f}, write p99 {ws['p99_ms']:.2f}->"
          f"{wb['p99_ms']:.2f} ms, max {wb['max_ms']:.1f} ms, longest PING "
          f"{bg['pings_bgsave']['max_ms']:.1f} ms ({bg['write_rate_steady']:,.0f} SET/s; "
          f"other load on the server core {bg['waits_steady']['other_load']:.0%}/"
          f"{bg['waits_bgsave']['other_load']:.0%}, client waited "
          f"{bg['waits_steady']['client_wait']:.0%}/{bg['waits_bgsave']['client_wait']:.0%})"
          f"{' DISTURBED' if bg['disturbed'] else ''}", flush=True)


# --------------------------------------------------------------------------
# Summary, targets, report
# --------------------------------------------------------------------------

def paired(a_runs: list, b_runs: list, key, invert: bool = False) -> Optional[dict]:
    """Per-round ratio a/b (b/a with invert) of figure `key`, and its median."""
    ratios = []
    for a, b in zip(a_runs, b_runs):
        x, y = key(a), key(b)
        if x is None or y is None or x == 0 or y == 0:
            continue
        ratios.append(y / x if invert else x / y)
    if not ratios:
        return None
    return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios),
            "per_round": ratios}


def summarize(results: dict) -> dict:
    s: dict = {}
    save = results["save"]
    if all(save[label] for label in LABELS):
        s["save_s"] = {label: median_or_none(r["save_s"] for r in save[label]) for label in LABELS}
        s["save_cpu_s"] = {label: median_or_none(r["save_cpu_s"] for r in save[label])
                           for label in LABELS}
        s["dump_bytes"] = {label: median_or_none(r["dump_bytes"] for r in save[label])
                           for label in LABELS}
        s["used_memory"] = {label: median_or_none(r["used_memory"] for r in save[label])
                            for label in LABELS}
        # redis/osprey: >= 1 means osprey saves at least as fast.
        s["save_ratio"] = paired(save["redis"], save["osprey"], lambda r: r["save_s"])
        s["size_ratio"] = paired(save["osprey"], save["redis"], lambda r: r["dump_bytes"])
    load = results["load"]
    s["load"] = {name: {"ready_s": median_or_none(r["ready_s"] for r in runs),
                        "log_s": median_or_none(r["log_s"] for r in runs),
                        "cpu_s": median_or_none(r["cpu_s"] for r in runs)}
                 for name, runs in load.items() if runs}
    if load["redis_own"] and load["osprey_own"]:
        s["load_ratio"] = paired(load["redis_own"], load["osprey_own"], lambda r: r["ready_s"])
        s["load_ratio_log"] = paired(load["redis_own"], load["osprey_own"], lambda r: r["log_s"])
        s["load_ratio_cpu"] = paired(load["redis_own"], load["osprey_own"], lambda r: r["cpu_s"])
    if load["redis_own"] and load["osprey_cross"]:
        s["cross_load_ratio"] = paired(load["redis_own"], load["osprey_cross"],
                                       lambda r: r["ready_s"])
    bg = {label: [r for r in results["bgsave"][label] if "unsupported" not in r]
          for label in LABELS}
    s["bgsave"] = {}
    for label in LABELS:
        runs = bg[label]
        if not runs:
            refused = [r["unsupported"] for r in results["bgsave"][label]]
            s["bgsave"][label] = {"unsupported": refused[0]} if refused else None
            continue
        s["bgsave"][label] = {
            "bgsave_s": median_or_none(r["bgsave_s"] for r in runs),
            "pss_steady": median_or_none(r["pss_steady"] for r in runs),
            "pss_peak": median_or_none(r["pss_peak"] for r in runs),
            "peak_over_steady": median_or_none(r.get("peak_over_steady") for r in runs),
            "peak_over_steady_max": max(r.get("peak_over_steady") or 0 for r in runs),
            "p99_steady_ms": median_or_none(r["writes_steady"]["p99_ms"] for r in runs),
            "p99_bgsave_ms": median_or_none(r["writes_bgsave"]["p99_ms"] for r in runs),
            "p99_over_steady": median_or_none(r.get("p99_over_steady") for r in runs),
            "max_steady_ms": median_or_none(r["writes_steady"]["max_ms"] for r in runs),
            "max_bgsave_ms": median_or_none(r["writes_bgsave"]["max_ms"] for r in runs),
            "ping_max_steady_ms": median_or_none(r["pings_steady"]["max_ms"] for r in runs),
            "ping_max_bgsave_ms": median_or_none(r["pings_bgsave"]["max_ms"] for r in runs),
            "ping_max_bgsave_worst_ms": max(r["pings_bgsave"]["max_ms"] or 0 for r in runs),
            "pings_over_10ms_bgsave": median_or_none(r["pings_bgsave"]["over_10ms"]
                                                     for r in runs),
            "write_rate": median_or_none(r["write_rate_steady"] for r in runs),
            "writer_lag_max_ms": max(max(r["writer_lag_steady_ms"] or 0,
                                         r["writer_lag_bgsave_ms"] or 0) for r in runs),
            "disturbed_rounds": sum(1 for r in runs if r["disturbed"]),
            "rounds": len(runs),
            "server_cpu_steady_util": median_or_none(r["server_cpu_steady_util"] for r in runs),
            "server_cpu_bgsave_s": median_or_none(r["server_cpu_bgsave_s"] for r in runs),
            "rdb_last_cow_size": median_or_none(r["rdb_last_cow_size"] for r in runs),
            "latest_fork_usec": median_or_none(r["latest_fork_usec"] for r in runs),
        }
    return s


def evaluate_targets(s: dict) -> list[dict]:
    rows = []

    def add(name: str, measured: Optional[float], goal: str, ok: bool) -> None:
        if measured is not None:
            rows.append({"target": name, "measured": measured, "goal": goal, "pass": ok})

    if s.get("save_ratio"):
        v = s["save_ratio"]["median"]
        add("SAVE time, redis/osprey", v, f">= {TARGET_SAVE_RATIO}", v >= TARGET_SAVE_RATIO)
    if s.get("load_ratio"):
        v = s["load_ratio"]["median"]
        add("load of own dump, redis/osprey", v, f">= {TARGET_LOAD_RATIO}",
            v >= TARGET_LOAD_RATIO)
    if s.get("size_ratio"):
        v = s["size_ratio"]["median"]
        add("dump size, osprey/redis", v, f"within {TARGET_SIZE_TOLERANCE:.0%} of 1",
            abs(v - 1) <= TARGET_SIZE_TOLERANCE)
    o = s.get("bgsave", {}).get("osprey")
    if o and "unsupported" not in o:
        add("BGSAVE peak PSS / steady", o["peak_over_steady_max"], f"<= {TARGET_PEAK_MEMORY}",
            o["peak_over_steady_max"] <= TARGET_PEAK_MEMORY)
        if o["p99_over_steady"] is not None:
            add("BGSAVE write p99 / steady", o["p99_over_steady"], f"<= {TARGET_P99}",
                o["p99_over_steady"] <= TARGET_P99)
        add("BGSAVE longest PING ms (worst round)", o["ping_max_bgsave_worst_ms"],
            f"<= {TARGET_STALL_MS}", o["ping_max_bgsave_worst_ms"] <= TARGET_STALL_MS)
    return rows


def fmt(v: Optional[float], spec: str = ".3f", scale: float = 1.0) -> str:
    return "-" if v is None else format(v * scale, spec)


def fmt_ratio(r: Optional[dict]) -> str:
    if not r:
        return "-"
    if len(r["per_round"]) == 1:
        return f"{r['median']:.2f}x"
    return f"{r['median']:.2f}x ({r['min']:.2f}-{r['max']:.2f})"


def table_rows(s: dict) -> list[tuple[str, str, str, str]]:
    """(figure, redis, osprey, ratio) rows of the report."""
    rows = []
    if "save_s" in s:
        rows.append(("SAVE wall s", fmt(s["save_s"]["redis"]), fmt(s["save_s"]["osprey"]),
                     fmt_ratio(s["save_ratio"]) + " redis/osprey, higher is better"))
        rows.append(("SAVE server CPU s", fmt(s["save_cpu_s"]["redis"], ".2f"),
                     fmt(s["save_cpu_s"]["osprey"], ".2f"), "10 ms ticks"))
        rows.append(("dump.rdb MB", fmt(s["dump_bytes"]["redis"], ".1f", 1e-6),
                     fmt(s["dump_bytes"]["osprey"], ".1f", 1e-6),
                     fmt_ratio(s["size_ratio"]) + " osprey/redis"))
        rows.append(("used_memory MB (after fill)", fmt(s["used_memory"]["redis"], ".1f", 1e-6),
                     fmt(s["used_memory"]["osprey"], ".1f", 1e-6), ""))
    load = s.get("load", {})

    def lrow(name, r_key, o_key, ratio_key, note):
        r, o = load.get(r_key), load.get(o_key)
        if not r and not o:
            return
        rs = f"{fmt(r['ready_s'])} (log {fmt(r['log_s'])})" if r else "-"
        os_ = f"{fmt(o['ready_s'])} (log {fmt(o['log_s'])})" if o else "-"
        rows.append((name, rs, os_, fmt_ratio(s.get(ratio_key)) + note if ratio_key else note))

    lrow("load own dump: ready s", "redis_own", "osprey_own", "load_ratio",
         " redis/osprey, higher is better")
    lrow("load the other's dump: ready s", "redis_cross", "osprey_cross", "cross_load_ratio",
         " redis own / osprey cross")
    lrow("start with no dump: ready s", "redis_empty", "osprey_empty", None, "")
    if load.get("redis_own") and load.get("osprey_own"):
        rows.append(("load own dump: server CPU s", fmt(load["redis_own"]["cpu_s"], ".2f"),
                     fmt(load["osprey_own"]["cpu_s"], ".2f"),
                     fmt_ratio(s.get("load_ratio_cpu")) + " redis/osprey; less noisy when busy"))
    bg = s.get("bgsave", {})
    r, o = bg.get("redis"), bg.get("osprey")
    if r or o:
        def b(d, key, spec=".2f", scale=1.0):
            if not d:
                return "-"
            if "unsupported" in d:
                return "refused"
            return fmt(d.get(key), spec, scale)
        rows += [
            ("BGSAVE: write rate SET/s", b(r, "write_rate", ",.0f"), b(o, "write_rate", ",.0f"),
             ""),
            ("BGSAVE: duration s", b(r, "bgsave_s"), b(o, "bgsave_s"), ""),
            ("BGSAVE: PSS steady MB", b(r, "pss_steady", ".1f", 1e-6),
             b(o, "pss_steady", ".1f", 1e-6), ""),
            ("BGSAVE: PSS peak MB", b(r, "pss_peak", ".1f", 1e-6), b(o, "pss_peak", ".1f", 1e-6),
             ""),
            ("BGSAVE: peak / steady", b(r, "peak_over_steady"), b(o, "peak_over_steady"),
             f"osprey target <= {TARGET_PEAK_MEMORY}"),
            ("BGSAVE: write p99 ms steady", b(r, "p99_steady_ms", ".3f"),
             b(o, "p99_steady_ms", ".3f"), ""),
            ("BGSAVE: write p99 ms during", b(r, "p99_bgsave_ms", ".3f"),
             b(o, "p99_bgsave_ms", ".3f"), ""),
            ("BGSAVE: p99 during / steady", b(r, "p99_over_steady"), b(o, "p99_over_steady"),
             f"osprey target <= {TARGET_P99}"),
            ("BGSAVE: write max ms steady", b(r, "max_steady_ms", ".1f"),
             b(o, "max_steady_ms", ".1f"), ""),
            ("BGSAVE: write max ms during", b(r, "max_bgsave_ms", ".1f"),
             b(o, "max_bgsave_ms", ".1f"), ""),
            ("BGSAVE: longest PING ms steady", b(r, "ping_max_steady_ms", ".1f"),
             b(o, "ping_max_steady_ms", ".1f"), ""),
            ("BGSAVE: longest PING ms during", b(r, "ping_max_bgsave_ms", ".1f"),
             b(o, "ping_max_bgsave_ms", ".1f"), f"osprey target <= {TARGET_STALL_MS:.0f}"),
            ("BGSAVE: server CPU s during", b(r, "server_cpu_bgsave_s"),
             b(o, "server_cpu_bgsave_s"), "incl. redis's child"),
            ("BGSAVE: disturbed rounds", b(r, "disturbed_rounds", ".0f"),
             b(o, "disturbed_rounds", ".0f"), "other load made the server or a client wait"),
            ("BGSAVE: fork ms / COW MB", (b(r, "latest_fork_usec", ".1f", 1e-3) + " / " +
                                          b(r, "rdb_last_cow_size", ".1f", 1e-6)) if r else "-",
             "-", ""),
        ]
    return rows


def describe(results: dict) -> str:
    cfg, info, env = results["config"], results["dataset"], results["env"]
    pin = ("servers pinned to core %s, clients to core %s" %
           (cfg["server_core"], cfg["client_core"])) if cfg["server_core"] is not None \
        else "nothing pinned"
    return (f"osprey-server vs redis-server {env['redis_version']}, "
            f"{results['timestamp'][:10]}: {info['keys']:,} keys ({info['strings']:,} strings "
            f"of 20-100 B, {4 * info['small_per_type']:,} small and {4 * info['big_per_type']} "
            f"large lists/hashes/sets/zsets, {info['keys_with_ttl']:,} with a TTL), "
            f"{cfg['rounds']} round(s), medians; {env['cpus']} cores, {pin}; one server at a "
            f"time. BGSAVE under {cfg['clients']} clients writing {cfg['rate']:,.0f} SET/s "
            f"(pipelines of {cfg['pipeline']}). `bench/persistence.py` to reproduce.")


def print_report(results: dict) -> None:
    s = results["summary"]
    rows = table_rows(s)
    print()
    print(describe(results))
    print()
    widths = [max(len(r[i]) for r in rows + [("figure", "redis", "osprey", "ratio")])
              for i in range(4)]
    header = ("figure", "redis", "osprey", "ratio")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    print()
    print("Targets (informational):")
    for row in results["targets"]:
        print(f"  {'PASS' if row['pass'] else 'FAIL'}  {row['target']:<38} "
              f"{row['measured']:8.3f}  goal {row['goal']}")
    for w in results["warnings"]:
        print(f"warning: {w}")
    for e in results["errors"]:
        print(f"error: {e}")


def markdown(results: dict) -> str:
    lines = [describe(results), "", "| figure | redis | osprey | ratio |", "|---|---:|---:|---|"]
    for row in table_rows(results["summary"]):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def environment(binaries: dict[str, str]) -> dict:
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10,
                                  stdin=subprocess.DEVNULL).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return ""
    version = first_line([binaries["redis"], "--version"])
    return {"host": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count(),
            "redis_version": next((w[2:] for w in version.split() if w.startswith("v=")),
                                  version),
            "redis_server": binaries["redis"], "osprey_server": binaries["osprey"],
            "git_commit": first_line(["git", "-C", str(REPO_DIR), "rev-parse", "HEAD"]),
            "loadavg_start": loadavg()}


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Persistence benchmark: SAVE, start-up load, dump size and BGSAVE under "
                    "writes, osprey-server against redis-server.",
        epilog="Environment: OSPREY_SERVER (default <repo>/build/osprey-server), "
               "REDIS_SERVER (default /usr/bin/redis-server).")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: 100,000 keys, 1 round, short windows, no waiting")
    p.add_argument("--keys", type=int, help="keys in the data set (default 1,000,000; "
                                            "--quick 100,000)")
    p.add_argument("--rounds", type=int, help="rounds, each with fresh servers (default 3; "
                                              "--quick 1)")
    p.add_argument("--seed", type=int, default=7, help="seed of the data set (default 7)")
    p.add_argument("--no-bgsave", action="store_true", help="skip the BGSAVE phase")
    p.add_argument("--rate", type=float, default=20_000,
                   help="SET/s of the writer during the BGSAVE phase (default 20,000)")
    p.add_argument("--clients", type=int, default=50, help="writer connections (default 50)")
    p.add_argument("--pipeline", type=int, default=10,
                   help="SETs per batch of the writer (default 10)")
    p.add_argument("--warmup", type=float, help="seconds of writes before the steady window "
                                                "(default 2; --quick 1)")
    p.add_argument("--steady", type=float, help="seconds of the steady window "
                                                "(default 10; --quick 3)")
    p.add_argument("--tail", type=float, default=1.0,
                   help="seconds of writes after the BGSAVE ends (default 1)")
    p.add_argument("--sample-interval", type=float, default=0.01,
                   help="seconds between memory samples (default 0.01)")
    p.add_argument("--ping-interval", type=float, default=0.001,
                   help="seconds between the prober's PINGs (default 0.001)")
    p.add_argument("--max-interference", type=float, default=0.10, metavar="SHARE",
                   help="a BGSAVE round is disturbed when the server or a client waited for "
                        "its core more than this share of a window (default 0.10)")
    p.add_argument("--retries", type=int,
                   help="repeat a disturbed BGSAVE phase up to this many times, keeping the "
                        "least disturbed (default 2; --quick 0)")
    p.add_argument("--bgsave-timeout", type=float, default=600.0)
    p.add_argument("--load-timeout", type=float, default=600.0)
    p.add_argument("--osprey-args", default="", help="extra osprey-server arguments")
    p.add_argument("--redis-args", default="", help="extra redis-server arguments")
    p.add_argument("--server-core", type=int, default=0,
                   help="core for the servers (default 0; -1: not pinned)")
    p.add_argument("--client-core", type=int, default=1,
                   help="core for redis-cli, the writer and the prober (default 1; -1: not "
                        "pinned)")
    p.add_argument("--quiet-wait", type=float,
                   help="before each measured phase wait up to 10 s for both cores to be "
                        "quiet; at most this many seconds in all (default 120; --quick 0)")
    p.add_argument("--port-range", default=f"{benchlib.PORT_RANGE[0]}-{benchlib.PORT_RANGE[1]}",
                   help="loopback ports to pick from (default %(default)s)")
    p.add_argument("--workdir", type=Path, default=None,
                   help="where the temporary directory goes (data set, dumps; default: the "
                        "system temp dir); it is removed at the end")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    opts = p.parse_args(argv)
    opts.keys = opts.keys or (100_000 if opts.quick else 1_000_000)
    opts.rounds = opts.rounds or (1 if opts.quick else 3)
    opts.warmup = opts.warmup if opts.warmup is not None else (1.0 if opts.quick else 2.0)
    opts.steady = opts.steady if opts.steady is not None else (3.0 if opts.quick else 10.0)
    if opts.quiet_wait is None:
        opts.quiet_wait = 0.0 if opts.quick else 120.0
    if opts.retries is None:
        opts.retries = 0 if opts.quick else 2
    if opts.rounds < 1 or opts.keys < 1000 or opts.rate <= 0 or opts.clients < 1 \
            or opts.pipeline < 1 or opts.steady <= 0 or opts.retries < 0:
        p.error("--rounds, --rate, --clients, --pipeline and --steady must be positive, "
                "--retries not negative, --keys at least 1000")
    m = re.fullmatch(r"(\d+)-(\d+)", opts.port_range)
    if not m or int(m.group(1)) > int(m.group(2)):
        p.error("--port-range wants LOW-HIGH")
    benchlib.PORT_RANGE = (int(m.group(1)), int(m.group(2)))
    cores = os.sched_getaffinity(0)
    for name in ("server_core", "client_core"):
        core = getattr(opts, name)
        if core == -1:
            setattr(opts, name, None)
        elif core not in cores:
            p.error(f"core {core} is not available (have {sorted(cores)})")
    return opts


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("_writer", "_prober"):
        return role_main(argv)
    opts = parse_args(argv)
    binaries = benchlib.server_binaries()
    extra_args = {"redis": shlex.split(opts.redis_args),
                  "osprey": shlex.split(opts.osprey_args)}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results: dict = {
        "timestamp": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(opts).items()},
        "env": environment(binaries),
        "save": {label: [] for label in LABELS},
        "load": {f"{label}_{kind}": [] for label in LABELS for kind in ("own", "cross", "empty")},
        "bgsave": {label: [] for label in LABELS},
        "warnings": [], "errors": [],
    }
    started = time.monotonic()
    exit_code = 0
    if opts.workdir is not None:
        opts.workdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="osprey-persist-", dir=opts.workdir))
    ctx = Context(opts, binaries, extra_args, tmp)
    try:
        for label, binary in binaries.items():
            if not os.access(binary, os.X_OK):
                raise StartError(f"{label}: {binary} is not an executable file")
        dataset = tmp / "dataset.resp"
        t0 = time.monotonic()
        info = generate_dataset(dataset, opts.keys, opts.seed)
        results["dataset"] = info
        print(f"data set: {info['keys']:,} keys, {info['commands']:,} commands, "
              f"{info['bytes'] / 1e6:.0f} MB of RESP, generated in "
              f"{time.monotonic() - t0:.1f}s", flush=True)
        for rnd in range(1, opts.rounds + 1):
            run_round(ctx, rnd, dataset, info, results)
    except StartError as err:
        results["errors"].append(str(err))
        exit_code = 2
    except BenchError as err:
        results["errors"].append(str(err))
        exit_code = 1
    except KeyboardInterrupt:
        results["errors"].append("interrupted")
        exit_code = 130
    except SystemExit:
        results["errors"].append("terminated")
        exit_code = 143
    finally:
        ctx.stop_all()
        if opts.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results.setdefault("dataset", {})
    results["elapsed_s"] = time.monotonic() - started
    results["env"]["loadavg_end"] = loadavg()
    results["summary"] = summarize(results)
    results["targets"] = evaluate_targets(results["summary"])
    if results["dataset"]:
        print_report(results)
    else:
        for e in results["errors"]:
            print(f"error: {e}")
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    (opts.results_dir / "persistence.json").write_text(json.dumps(results, indent=2) + "\n")
    if results["dataset"]:
        (opts.results_dir / "persistence.md").write_text(markdown(results))
    print(f"raw figures: {opts.results_dir / 'persistence.json'}")
    print(f"elapsed {results['elapsed_s']:.0f}s; exit status {exit_code}")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
