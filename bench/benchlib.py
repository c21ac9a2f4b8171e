"""Building blocks of the benchmark: processes, RESP, /proc readings, redis-benchmark.

Nothing here knows the workloads or the targets; run_bench.py does. Standard
library only (Debian's /usr/bin/python3).
"""

from __future__ import annotations

import csv
import ctypes
import io
import os
import random
import shlex
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional

CLK_TCK = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"

# Ports are picked at random from this range and checked free. It avoids 6379
# and 21000-29999 (used by other engineers' tests) and the kernel's ephemeral
# range, so a client socket cannot be holding the port we pick.
PORT_RANGE = (17000, 18999)


class BenchError(Exception):
    """A run went wrong: the benchmark reports it and exits non-zero."""


class StartError(BenchError):
    """A server did not come up."""


# --------------------------------------------------------------------------
# A minimal RESP client
# --------------------------------------------------------------------------

class RespError(Exception):
    pass


def server_binaries() -> dict[str, str]:
    """The two servers compared: $OSPREY_SERVER (default the repo's
    build/osprey-server) and $REDIS_SERVER (default /usr/bin/redis-server)."""
    repo = Path(__file__).resolve().parent.parent
    return {"redis": os.environ.get("REDIS_SERVER", "/usr/bin/redis-server"),
            "osprey": os.environ.get("OSPREY_SERVER", str(repo / "build" / "osprey-server"))}


def encode_command(args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class RespClient:
    """Blocking, one-command-at-a-time RESP2 client for setup and INFO."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def call(self, *args):
        self.sock.sendall(encode_command(args))
        return self._read_reply()

    def _read_reply(self):
        line = self.file.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("connection closed by server")
        try:
            return self._parse(line[:1], line[1:-2])
        except ValueError:
            raise RespError(f"malformed reply {line[:80]!r}") from None

    def _parse(self, kind: bytes, body: bytes):
        if kind == b"+":
            return body.decode()
        if kind == b"-":
            raise RespError(body.decode(errors="replace"))
        if kind == b":":
            return int(body)
        if kind == b"$":
            length = int(body)
            if length < 0:
                return None
            data = self.file.read(length + 2)
            return data[:-2]
        if kind == b"*":
            count = int(body)
            return None if count < 0 else [self._read_reply() for _ in range(count)]
        raise RespError(f"unexpected reply type {kind!r}")


def info_section(port: int, section: str) -> dict[str, str]:
    with RespClient(port) as client:
        reply = client.call("INFO", section)
    if not isinstance(reply, bytes):
        raise RespError(f"INFO {section} replied {reply!r}, not a bulk string")
    fields = {}
    text = reply.decode(errors="replace")
    for line in text.splitlines():
        if line and not line.startswith("#") and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value
    return fields


# --------------------------------------------------------------------------
# Fast key loader: pipelined SETs over a raw socket
# --------------------------------------------------------------------------

def load_keys(port: int, count: int, batch: int = 10_000) -> float:
    """SETs key:%012d -> val:%012d (16-byte keys and values) for 0..count-1.

    Sends RESP in large pipelined batches while a reader thread consumes and
    checks the +OK replies. Returns the elapsed seconds.
    """
    sock = socket.create_connection((HOST, port), timeout=120)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    failure: list[str] = []
    ok = b"+OK\r\n"

    def read_replies():
        pending, seen = b"", 0
        try:
            while seen < count:
                chunk = sock.recv(1 << 20)
                if not chunk:
                    failure.append(f"connection closed after {seen} replies")
                    return
                data = pending + chunk
                whole = len(data) // len(ok)
                if data.count(ok, 0, whole * len(ok)) != whole:
                    failure.append(f"unexpected reply near #{seen}: {data[:120]!r}")
                    return
                seen += whole
                pending = data[whole * len(ok):]
        except OSError as err:
            failure.append(f"read failed after {seen} replies: {err}")

    start = time.monotonic()
    reader = threading.Thread(target=read_replies, daemon=True)
    reader.start()
    cmd = b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$16\r\nval:%012d\r\n"
    try:
        for first in range(0, count, batch):
            if failure:
                break
            last = min(count, first + batch)
            sock.sendall(b"".join([cmd % (i, i) for i in range(first, last)]))
    except OSError as err:
        failure.append(f"send failed: {err}")
    reader.join(timeout=300)
    sock.close()
    if reader.is_alive():
        raise BenchError("loader: timed out waiting for replies")
    if failure:
        raise BenchError("loader: " + failure[0])
    return time.monotonic() - start


# --------------------------------------------------------------------------
# /proc readers
# --------------------------------------------------------------------------

def _stat_fields(path: str) -> tuple[str, list[str]]:
    """(comm, fields after comm) of a /proc stat file; comm may contain spaces."""
    with open(path) as f:
        text = f.read()
    open_paren, close_paren = text.index("("), text.rindex(")")
    return text[open_paren + 1:close_paren], text[close_paren + 2:].split()


def _schedstat(path: str) -> tuple[int, int]:
    """(ns on a CPU, ns waiting on a run queue) from a /proc schedstat file."""
    with open(path) as f:
        fields = f.read().split()
    return int(fields[0]), int(fields[1])


def process_cpu(pid: int) -> dict:
    """CPU time of a process in clock ticks, total and per thread, and its run delay.

    /proc/<pid>/stat utime+stime already covers all threads, including ones
    that have exited; the per-thread split shows where the time went. The
    schedstat sums (live threads only) give ns-resolution CPU time and the time
    threads were runnable but waiting for a CPU: other load, seen from us.
    """
    _, fields = _stat_fields(f"/proc/{pid}/stat")
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    total = int(fields[11]) + int(fields[12])
    threads = {}
    run_ns = wait_ns = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm, tf = _stat_fields(f"/proc/{pid}/task/{tid}/stat")
            ran, waited = _schedstat(f"/proc/{pid}/task/{tid}/schedstat")
        except (FileNotFoundError, ProcessLookupError):
            continue  # thread exited between listdir and open
        run_ns += ran
        wait_ns += waited
        threads[tid] = {"comm": comm, "ticks": int(tf[11]) + int(tf[12])}
    return {"ticks": total, "threads": threads, "sched_ns": run_ns, "wait_ns": wait_ns}


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise BenchError(f"no VmRSS for pid {pid}")


def core_ticks(core: Optional[int]) -> tuple[int, int, int]:
    """(busy, niced, steal) clock ticks of one core so far, from /proc/stat.

    Busy is user+system+irq+softirq; niced is the user time of niced
    processes; steal is time the hypervisor gave the virtual core away.
    """
    if core is None:
        return 0, 0, 0
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{core} "):
                v = [int(x) for x in line.split()[1:9]]
                return v[0] + v[2] + v[5] + v[6], v[1], v[7]
    return 0, 0, 0


def wait_for_quiet(cores: list[int], threshold: float, budget: float) -> float:
    """Waits, at most `budget` seconds, until each core is busy less than `threshold`.

    Our servers are idle between runs, so the load seen here is other people's.
    Niced work counts too: with autogroup scheduling (on here) nice only ranks
    tasks within one session, and another session's niced compile gets as much
    of a core as our un-niced server. Samples /proc/stat over 0.5 s windows;
    returns the seconds spent.
    """
    def busy(core):
        ticks = core_ticks(core)
        return ticks[0] + ticks[1]

    start = time.monotonic()
    while True:
        before = [busy(c) for c in cores]
        time.sleep(0.5)
        after = [busy(c) for c in cores]
        waited = time.monotonic() - start
        busiest = max((a - b) / CLK_TCK / 0.5 for a, b in zip(after, before))
        if busiest <= threshold or waited >= budget:
            return waited


def loadavg() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------

def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex((HOST, port)) != 0


def pick_port(taken: set[int]) -> int:
    for _ in range(200):
        port = random.randint(*PORT_RANGE)
        if port not in taken and _port_is_free(port):
            return port
    raise StartError(f"no free port in {PORT_RANGE}")


try:
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None
_PR_SET_PDEATHSIG = 1


def pinned(core: Optional[int]):
    """preexec_fn for our children: pin to one core (threads inherit it), and
    ask for SIGTERM if this script dies without stopping them (even by SIGKILL)."""
    def setup():
        if core is not None:
            os.sched_setaffinity(0, {core})
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    return setup


class Server:
    """One server process we started; stop() ends exactly that PID."""

    def __init__(self, label: str, binary: str, extra_args: list[str], core: Optional[int],
                 workdir: Path):
        self.label = label
        self.binary = binary
        self.extra_args = extra_args
        self.core = core
        self.workdir = workdir / label
        self.proc: Optional[subprocess.Popen] = None
        self.port = 0
        self.prefilled = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def command(self) -> list[str]:
        return [self.binary, "--port", str(self.port), "--bind", HOST,
                "--save", "", "--appendonly", "no", *self.extra_args]

    def start(self, taken_ports: set[int], attempts: int = 3) -> None:
        if not os.access(self.binary, os.X_OK):
            raise StartError(f"{self.label}: {self.binary} is not an executable file")
        self.workdir.mkdir(parents=True, exist_ok=True)
        last_error = ""
        for _ in range(attempts):
            self.port = pick_port(taken_ports)
            log = open(self.workdir / "server.log", "ab")
            self.proc = subprocess.Popen(self.command(), cwd=self.workdir, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         preexec_fn=pinned(self.core))
            log.close()
            last_error = self._wait_ready(timeout=15.0)
            if not last_error:
                taken_ports.add(self.port)
                return
            self.stop()
        raise StartError(f"{self.label} failed to start: {last_error}\n{self.log_tail()}")

    def _wait_ready(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"exited with status {self.proc.returncode}"
            try:
                with RespClient(self.port, timeout=2) as client:
                    if client.call("PING") == "PONG":
                        return ""
            except (OSError, RespError, ValueError):
                pass
            time.sleep(0.05)
        return f"no PONG on port {self.port} within {timeout:.0f}s"

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise BenchError(f"{self.label} (pid {self.pid}) died with status "
                             f"{self.proc.returncode}\n{self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = (self.workdir / "server.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join("    " + l for l in text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s, to our own child only."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


# --------------------------------------------------------------------------
# One measured redis-benchmark run
# --------------------------------------------------------------------------

def parse_csv(text: str) -> dict:
    """The figures of the last test row of redis-benchmark --csv output."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    data = [row for row in rows if row[0] != "test"]
    if not data or len(data[-1]) < 8:
        raise BenchError(f"no CSV result in redis-benchmark output: {text[-300:]!r}")
    row = data[-1]
    return {"test": row[0], "rps": float(row[1]), "avg_ms": float(row[2]),
            "min_ms": float(row[3]), "p50_ms": float(row[4]), "p95_ms": float(row[5]),
            "p99_ms": float(row[6]), "max_ms": float(row[7])}


def _run_client(cmd: list[str], client_core: Optional[int], timeout: float):
    """Runs redis-benchmark; returns (returncode, stdout, stderr, run-queue wait ns).

    The wait is read from /proc/<pid>/schedstat while the client runs (every
    50 ms), so the last moments before it exits are not counted.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                preexec_fn=pinned(client_core))
        deadline = time.monotonic() + timeout
        wait_ns = 0
        while proc.poll() is None:
            try:
                wait_ns = _schedstat(f"/proc/{proc.pid}/schedstat")[1]
            except (OSError, IndexError, ValueError):
                pass
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                return None, b"", b"", wait_ns
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), wait_ns


def run_benchmark(server: Server, cmd: list[str], requests: int, client_core: Optional[int],
                  timeout: float, what: str) -> dict:
    """Runs redis-benchmark (`cmd`, with --csv, -n `requests`) once against `server`.

    Returns redis-benchmark's figures plus the server's CPU time and the noise
    indicators measured around the run. `what` names the run in errors.
    """
    server.check_alive()
    load_before = loadavg()
    cores_before = core_ticks(server.core), core_ticks(client_core)
    cpu_before = process_cpu(server.pid)
    client_before = children_cpu_seconds()
    start = time.monotonic()
    returncode, out, err, client_wait_ns = _run_client(cmd, client_core, timeout)
    wall = time.monotonic() - start
    cpu_after = process_cpu(server.pid)
    cores_after = core_ticks(server.core), core_ticks(client_core)
    # redis-benchmark is the only child reaped meanwhile, so the growth of the
    # children's CPU times is the load generator's.
    client_cpu_s = children_cpu_seconds() - client_before
    server.check_alive()
    if returncode is None:
        raise BenchError(f"{what} on {server.label}: redis-benchmark timed out "
                         f"after {timeout:.0f}s")
    if returncode != 0:
        raise BenchError(f"{what} on {server.label}: redis-benchmark exited "
                         f"{returncode}: {err.decode(errors='replace').strip()[-500:]}")
    figures = parse_csv(out.decode(errors="replace"))
    server_cpu_s = (cpu_after["ticks"] - cpu_before["ticks"]) / CLK_TCK
    threads = {}
    for tid, after in cpu_after["threads"].items():
        before = cpu_before["threads"].get(tid, {"ticks": 0})
        threads[f"{after['comm']}/{tid}"] = (after["ticks"] - before["ticks"]) / CLK_TCK
    (busy_s, nice_s, steal_s), (busy_c, nice_c, steal_c) = [
        tuple((x - y) / CLK_TCK for x, y in zip(a, b))
        for a, b in zip(cores_after, cores_before)]
    figures.update({
        "requests": requests,
        "wall_s": wall,
        "server_cpu_s": server_cpu_s,
        "server_cpu_sched_s": (cpu_after["sched_ns"] - cpu_before["sched_ns"]) / 1e9,
        "server_threads_cpu_s": threads,
        "cpu_us_per_req": server_cpu_s / requests * 1e6,
        "server_util": server_cpu_s / wall,
        # Near 100% means redis-benchmark, not the server, limits throughput.
        "client_util": client_cpu_s / wall,
        # Noise indicators. The waits: share of the run the server (resp.
        # redis-benchmark) was ready to run but another process had its core.
        # The loads: share of each core used by anything but the server (resp.
        # redis-benchmark); niced jobs apart. Steal: time the hypervisor gave
        # our virtual cores away.
        "server_wait": (cpu_after["wait_ns"] - cpu_before["wait_ns"]) / 1e9 / wall,
        "client_wait": client_wait_ns / 1e9 / wall,
        "other_load_server_core": max(0.0, busy_s - server_cpu_s) / wall,
        "other_load_client_core": (max(0.0, busy_c - client_cpu_s) / wall
                                   if client_core is not None else 0.0),
        "niced_load": max(nice_s, nice_c) / wall,
        "steal": max(steal_s, steal_c) / wall,
        "loadavg_before": load_before,
        "command": shlex.join(cmd),
    })
    figures["interference"] = max(figures["server_wait"], figures["client_wait"],
                                  figures["steal"])
    return figures


def children_cpu_seconds() -> float:
    t = os.times()
    return t.children_user + t.children_system


# --------------------------------------------------------------------------
