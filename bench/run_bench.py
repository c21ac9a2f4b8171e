#!/usr/bin/python3
"""Side-by-side benchmark of osprey-server against redis-server.

Starts both servers on free loopback ports pinned to one core, drives them one
at a time with redis-benchmark pinned to another core, interleaving the servers
round by round, and reports medians and osprey/redis ratios for throughput,
latency, server CPU time per request and memory per key. See bench/README.md.

Standard library only; runs under Debian's /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

from benchlib import (HOST, BenchError, RespClient, RespError, Server, StartError, info_section,
                      load_keys, loadavg, pinned, rss_bytes, run_benchmark, server_binaries,
                      wait_for_quiet)
from report import markdown_snippet, print_report

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
LABELS = ("redis", "osprey")  # the order of a pair in odd rounds; even rounds reverse it

# Five rounds of ~2 s runs: in redis-vs-redis runs the median of five paired
# ratios moved ~2% (1 sd) for CPU/request, against ~4% for a single pair;
# a full run takes ~2 minutes on a quiet machine. See README.md.
DEFAULT_ROUNDS = 5
KEYSPACE = 1_000_000  # -r for redis-benchmark and the number of keys loaded
VALUE_SIZE = 16       # -d for redis-benchmark and the loader's value length
MEMORY_KEYS = 1_000_000


# --------------------------------------------------------------------------
# Workloads
# --------------------------------------------------------------------------

def _fill_list_for_pop(client: RespClient, requests: int) -> None:
    """LPOP must find something to pop: give `mylist` one element per request."""
    client.call("DEL", "mylist")
    value = "x" * VALUE_SIZE
    remaining = requests + 10_000  # slack: pipelines may overshoot -n slightly
    while remaining > 0:
        batch = min(remaining, 1000)
        client.call("RPUSH", "mylist", *([value] * batch))
        remaining -= batch


def _fill_list_100(client: RespClient, _requests: int) -> None:
    client.call("DEL", "bench:list")
    client.call("RPUSH", "bench:list", *[f"elem:{i:011d}" for i in range(100)])


def _fill_zset_100(client: RespClient, _requests: int) -> None:
    client.call("DEL", "bench:zset")
    pairs = []
    for i in range(100):
        pairs += [str(i), f"member:{i:09d}"]
    client.call("ZADD", "bench:zset", *pairs)


def _no_output_limit_for_subscribers(client: RespClient, _requests: int) -> None:
    # Subscribers on a busy client core may fall behind for a moment; the
    # benchmark measures delivery cost, not the pubsub output-buffer cut.
    client.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 0 0")


@dataclasses.dataclass(frozen=True)
class Workload:
    """One redis-benchmark test, run the same way against both servers."""
    name: str
    test: tuple[str, ...]  # redis-benchmark args naming the test: ("-t", "set") or a command
    requests: int          # -n for a full run: about 2 s against redis on a quiet machine
    pipeline: int = 1      # -P
    clients: int = 50      # -c
    default: bool = True   # part of a run without --only
    prefill: bool = False  # needs the 1M string keys key:%012d loaded (GET hits)
    setup: Optional[Callable[[RespClient, int], None]] = None  # before each run, unmeasured
    subscribers: int = 0   # pub/sub subscribers to bench:channel during the run (PUBLISH)


# The one table of workloads. Every run also passes -r KEYSPACE -d VALUE_SIZE,
# so SET/GET touch the same key:%012d keys the memory loader writes. Workloads
# with default=False run only when named with --only (later milestones flip
# them on as osprey gains the commands). Each workload runs exactly one test,
# so every request counted in -n is one request of the named kind.
WORKLOADS: tuple[Workload, ...] = (
    Workload("set", ("-t", "set"), 250_000, prefill=True),
    Workload("get", ("-t", "get"), 250_000, prefill=True),
    Workload("set_p16", ("-t", "set"), 1_600_000, pipeline=16, prefill=True),
    Workload("get_p16", ("-t", "get"), 2_000_000, pipeline=16, prefill=True),
    # The aggregate types, pipelined: the per-command cost of the data
    # structures shows, not the per-syscall cost of the network.
    Workload("lpush_p16", ("-t", "lpush"), 1_600_000, pipeline=16),
    Workload("lpop_p16", ("-t", "lpop"), 1_600_000, pipeline=16, setup=_fill_list_for_pop),
    Workload("sadd_p16", ("-t", "sadd"), 1_600_000, pipeline=16),
    Workload("hset_p16", ("-t", "hset"), 1_600_000, pipeline=16),
    Workload("zadd_p16", ("-t", "zadd"), 1_000_000, pipeline=16),
    Workload("lrange_100_p16", ("LRANGE", "bench:list", "0", "99"), 400_000, pipeline=16,
             setup=_fill_list_100),
    Workload("zrange_100_p16", ("ZRANGE", "bench:zset", "0", "99"), 300_000, pipeline=16,
             setup=_fill_zset_100),
    # PUBLISH to 1 and to 100 subscribers (bench/subscribers.py, on the
    # client core). Server CPU per request / subscribers = per delivered
    # message; the osprey/redis ratio is the same either way.
    Workload("publish_1", ("PUBLISH", "bench:channel", "x" * VALUE_SIZE), 250_000,
             subscribers=1, setup=_no_output_limit_for_subscribers),
    Workload("publish_100", ("PUBLISH", "bench:channel", "x" * VALUE_SIZE), 20_000,
             subscribers=100, setup=_no_output_limit_for_subscribers),
)
WORKLOADS_BY_NAME = {w.name: w for w in WORKLOADS}


# --------------------------------------------------------------------------
# Targets (the project's current goals; informational, never an exit code)
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Target:
    label: str
    metric: str        # a key of the per-server summary (see summarize)
    op: str            # "<=" or ">="
    threshold: float
    relative: bool     # True: threshold is a multiple of redis's figure
    applies: Callable[[Workload], bool]  # which workloads; ignored for memory targets
    memory: bool = False


TARGETS: tuple[Target, ...] = (
    Target("server CPU/request, unpipelined", "cpu_us_per_req", "<=", 0.8, True,
           lambda w: w.pipeline == 1 and w.subscribers == 0),
    Target("throughput with -P 16", "rps", ">=", 1.5, True,
           lambda w: w.name in ("set_p16", "get_p16")),
    Target("aggregate types: throughput with -P 16", "rps", ">=", 1.2, True,
           lambda w: w.pipeline == 16 and w.name not in ("set_p16", "get_p16")),
    Target("aggregate types: server CPU/request with -P 16", "cpu_us_per_req", "<=", 0.9, True,
           lambda w: w.pipeline == 16 and w.name not in ("set_p16", "get_p16")),
    Target("PUBLISH: server CPU per delivered message", "cpu_us_per_req", "<=", 0.9, True,
           lambda w: w.subscribers > 0),
    Target("p99 latency", "p99_ms", "<=", 1.0, True, lambda w: True),
    Target("memory per key (1M keys)", "bytes_per_key", "<=", 48.0, False,
           lambda w: False, memory=True),
)


def evaluate_targets(results: dict) -> list[dict]:
    rows = []
    for target in TARGETS:
        if target.memory:
            mem = results.get("memory") or {}
            if "osprey" in mem and "redis" in mem:
                osprey, redis = mem["osprey"][target.metric], mem["redis"][target.metric]
                rows.append(_target_row(target, "memory", mem["osprey"],
                                        osprey / redis if redis else None))
            continue
        for name, wl in results["workloads"].items():
            if target.applies(WORKLOADS_BY_NAME[name]):
                rows.append(_target_row(target, name, wl["summary"]["osprey"],
                                        wl["ratios"][target.metric]["median"]))
    return rows


def _target_row(target: Target, where: str, osprey: dict, paired_ratio: Optional[float]) -> dict:
    if target.relative:
        measured = paired_ratio
        goal = f"{target.op} {target.threshold}x redis"
    else:
        measured = osprey[target.metric]
        goal = f"{target.op} {target.threshold:g}"
    passed = measured is not None and (
        measured <= target.threshold if target.op == "<=" else measured >= target.threshold)
    return {"target": target.label, "where": where, "metric": target.metric,
            "measured": measured, "relative": target.relative, "goal": goal,
            "pass": passed}


# --------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------

def benchmark_command(server: Server, workload: Workload, requests: int) -> list[str]:
    return ["redis-benchmark", "-h", HOST, "-p", str(server.port),
            "-c", str(workload.clients), "-n", str(requests), "-P", str(workload.pipeline),
            "-r", str(KEYSPACE), "-d", str(VALUE_SIZE), "--csv", *workload.test]


def measure_memory(server: Server) -> dict:
    """FLUSHALL, load MEMORY_KEYS keys, and report used_memory and RSS per key."""
    with RespClient(server.port) as client:
        client.call("FLUSHALL")
    time.sleep(0.2)
    before = info_section(server.port, "memory")
    rss_before = rss_bytes(server.pid)
    load_s = load_keys(server.port, MEMORY_KEYS)
    time.sleep(0.5)  # let the server finish closing the loader connection
    with RespClient(server.port) as client:
        dbsize = client.call("DBSIZE")
    if dbsize != MEMORY_KEYS:
        raise BenchError(f"{server.label}: DBSIZE is {dbsize} after loading {MEMORY_KEYS} keys")
    after = info_section(server.port, "memory")
    rss_after = rss_bytes(server.pid)
    try:
        used_before, used_after = int(before["used_memory"]), int(after["used_memory"])
    except (KeyError, ValueError):
        raise BenchError(f"{server.label}: INFO memory has no used_memory field")
    return {
        "keys": MEMORY_KEYS,
        "load_s": load_s,
        "used_memory_before": used_before,
        "used_memory_after": used_after,
        "bytes_per_key": (used_after - used_before) / MEMORY_KEYS,
        "rss_before": rss_before,
        "rss_after": rss_after,
        "rss_bytes_per_key": (rss_after - rss_before) / MEMORY_KEYS,
        "info_before": before,
        "info_after": after,
    }


def prefill(server: Server) -> None:
    """Loads the key:%012d keys that SET/GET workloads address, unmeasured."""
    with RespClient(server.port) as client:
        client.call("FLUSHALL")
    load_keys(server.port, MEMORY_KEYS)


def requests_for(workload: Workload, opts) -> int:
    if opts.requests:
        return opts.requests
    if opts.quick:
        return max(workload.requests // 10, 10_000)
    return workload.requests


def run_once(server: Server, workload: Workload, requests: int, opts) -> dict:
    """Setup (unmeasured), then one measured redis-benchmark run of `workload`."""
    if workload.setup:
        with RespClient(server.port) as client:
            workload.setup(client, requests)
    subscribers = start_subscribers(server, workload.subscribers, opts.client_core)
    try:
        # The timeout is generous: a server doing 5,000 requests/s still finishes.
        figures = run_benchmark(server, benchmark_command(server, workload, requests), requests,
                                opts.client_core, max(120.0, requests / 5000), workload.name)
    finally:
        stop_subscribers(subscribers)
    if workload.subscribers:
        figures["cpu_us_per_delivery"] = figures["cpu_us_per_req"] / workload.subscribers
    return figures


def start_subscribers(server: Server, count: int, core: Optional[int]):
    """bench/subscribers.py with `count` connections subscribed to
    bench:channel, or None for none; returns once all are subscribed."""
    if count == 0:
        return None
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("subscribers.py")),
                             str(server.port), "bench:channel", str(count)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            preexec_fn=pinned(core))
    line = proc.stdout.readline().strip()
    if line != b"ready":
        stop_subscribers(proc)
        raise BenchError(f"{server.label}: subscribers did not start: {line!r}")
    return proc


def stop_subscribers(proc) -> None:
    """Closes the subscribers' stdin (their signal to quit) and reaps them
    before the next measured run, so their CPU is not counted as the load
    generator's there."""
    if proc is None:
        return
    try:
        proc.stdin.close()
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


SUMMARY_KEYS = ("rps", "p50_ms", "p99_ms", "avg_ms", "cpu_us_per_req", "server_util",
                "client_util", "server_wait", "client_wait", "interference", "wall_s")


def summarize(runs: list[dict], keys=SUMMARY_KEYS) -> dict:
    """Median of each figure over the rounds, plus its spread (max-min)/median."""
    summary: dict = {"rounds": len(runs),
                     "disturbed_rounds": sum(1 for r in runs if r.get("disturbed"))}
    for key in keys:
        values = [r[key] for r in runs]
        median = statistics.median(values)
        summary[key] = median
        summary[key + "_spread"] = (max(values) - min(values)) / median if median else 0.0
    return summary


RATIO_KEYS = ("rps", "p50_ms", "p99_ms", "avg_ms", "cpu_us_per_req")


def paired_ratios(osprey: list[dict], redis: list[dict], key: str) -> dict:
    """osprey/redis per round, and their median.

    The two runs of a round ran back to back on the same machine state, so
    their ratio cancels much of what other load does to both; the median of
    these ratios is steadier than the ratio of the two medians.
    """
    per_round = [o[key] / r[key] if r[key] else float("nan") for o, r in zip(osprey, redis)]
    return {"median": statistics.median(per_round), "min": min(per_round),
            "max": max(per_round), "per_round": per_round}


class Runner:
    """Runs all rounds: fresh servers each round, every workload A/B interleaved."""

    def __init__(self, opts, binaries: dict[str, str], extra_args: dict[str, list[str]],
                 workdir: Path):
        self.opts = opts
        self.servers = [Server(label, binaries[label], extra_args[label], opts.server_core,
                               workdir) for label in LABELS]
        self.memory: dict[str, list[dict]] = {label: [] for label in LABELS}
        self.runs = {w.name: {label: [] for label in LABELS} for w in opts.workloads}
        self.failed: dict[str, str] = {}  # workload or "memory" -> first error
        self.errors: list[str] = []
        self.quiet_budget = opts.quiet_wait  # seconds left for waiting on other load
        self.quiet_waited = 0.0
        # Retries are for bursts; under sustained load they only make the run
        # longer, so all retries together may add at most a quarter of the pairs.
        self.retry_budget = max(2, opts.rounds * len(opts.workloads) // 4)
        self.retries_done = 0

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()

    def run(self) -> None:
        """Raises StartError if a server does not come up; records other errors."""
        for round_no in range(self.opts.rounds):
            # Alternate which server goes first (A B, then B A) so a drift
            # within a pair does not always favour the same server.
            order = self.servers if round_no % 2 == 0 else self.servers[::-1]
            try:
                self._start_servers(round_no)
                self._round(round_no, order)
            finally:
                self.stop_all()

    def _start_servers(self, round_no: int) -> None:
        taken: set[int] = set()
        for server in self.servers:
            server.start(taken)
            print(f"round {round_no + 1}/{self.opts.rounds}: started {server.label} "
                  f"pid {server.pid} port {server.port}: {shlex.join(server.command())}",
                  flush=True)

    def _round(self, round_no: int, order: list[Server]) -> None:
        for server in order:
            self._memory(server)
        for workload in self.opts.workloads:
            if workload.name in self.failed:
                continue
            self._guard(workload.name, lambda: self._workload(round_no, order, workload))
            if any(s.proc.poll() is not None for s in self.servers):
                self.record_error("a server died; skipping the rest of this round")
                return
        if self.opts.perf and round_no == self.opts.rounds - 1:
            for workload in self.opts.workloads:
                self._guard(f"perf {workload.name}", lambda: self._profile(workload))

    def _guard(self, what: str, action) -> bool:
        try:
            action()
            return True
        except (BenchError, OSError, RespError) as err:
            if isinstance(err, StartError):
                raise
            self.record_error(f"{what}: {err}")
            if what in WORKLOADS_BY_NAME:
                self.failed.setdefault(what, str(err))
            return False

    def record_error(self, message: str) -> None:
        print(f"error: {message}", file=sys.stderr, flush=True)
        self.errors.append(message)

    def _memory(self, server: Server) -> None:
        """Measures memory per key, which also loads the keys SET/GET address."""
        if not self.opts.no_memory and "memory" not in self.failed:
            try:
                m = measure_memory(server)
                self.memory[server.label].append(m)
                print(f"  memory      {server.label:<6} {m['bytes_per_key']:.1f} B/key "
                      f"used_memory, {m['rss_bytes_per_key']:.1f} B/key RSS "
                      f"(loaded in {m['load_s']:.1f}s)", flush=True)
                return
            except (BenchError, OSError, RespError) as err:
                self.record_error(f"memory ({server.label}): {err}")
                self.failed["memory"] = str(err)
        if any(w.prefill for w in self.opts.workloads):
            self._guard(f"loading keys into {server.label}", lambda: prefill(server))

    def _workload(self, round_no: int, order: list[Server], workload: Workload) -> None:
        requests = requests_for(workload, self.opts)
        for server in order:
            # Unrecorded warm-up: first-touch page faults, buffers, connections.
            run_once(server, workload, max(requests // 10, 5_000), self.opts)

        def log(server, f, disturbed):
            print(f"  {workload.name:<11} {server.label:<6} {f['rps']:>11,.0f} req/s  "
                  f"p50 {f['p50_ms']:.3f}  p99 {f['p99_ms']:.3f} ms  "
                  f"cpu {f['cpu_us_per_req']:.3f} us/req  util server {f['server_util']:.0%} "
                  f"client {f['client_util']:.0%}  waited server {f['server_wait']:.0%} "
                  f"client {f['client_wait']:.0%}"
                  + ("  DISTURBED" if disturbed else ""), flush=True)

        for server, f in zip(order, self._measure_pair(order, workload, requests, log)):
            f["round"] = round_no + 1
            self.runs[workload.name][server.label].append(f)

    def _measure_pair(self, order: list[Server], workload: Workload, requests: int,
                      log) -> list[dict]:
        """Runs `workload` once on each server in `order`, back to back.

        If other load disturbed either run (run_benchmark's "interference" above
        --max-interference), the pair is repeated, up to --retries times, and
        the least disturbed pair is kept.
        """
        opts = self.opts
        best, best_interference, attempts = None, 0.0, 0
        while True:
            attempts += 1
            self._wait_for_quiet()
            figures = [run_once(s, workload, requests, opts) for s in order]
            interference = max(f["interference"] for f in figures)
            for server, f in zip(order, figures):
                log(server, f, interference > opts.max_interference)
            if best is None or interference < best_interference:
                best, best_interference = figures, interference
            if (interference <= opts.max_interference or attempts > opts.retries
                    or self.retry_budget <= 0):
                break
            self.retry_budget -= 1
            self.retries_done += 1
        for f in best:
            f["attempts"] = attempts
            f["disturbed"] = best_interference > opts.max_interference
        return best

    def _wait_for_quiet(self) -> None:
        """Before a pair: let a burst of other load pass, within the --quiet-wait budget."""
        if self.quiet_budget <= 0:
            return
        cores = [c for c in (self.opts.server_core, self.opts.client_core) if c is not None]
        waited = wait_for_quiet(cores, self.opts.max_interference, min(self.quiet_budget, 10.0))
        self.quiet_budget -= waited
        self.quiet_waited += waited

    def _profile(self, workload: Workload) -> None:
        server = self.servers[LABELS.index("osprey")]
        path = profile(server, workload, self.opts)
        if path:
            print(f"  perf profile of {server.label} on {workload.name}: {path} "
                  f"(perf report -i {path})", flush=True)

    def results(self) -> dict:
        memory = None
        if all(self.memory[label] for label in LABELS):
            memory = {label: {**summarize(self.memory[label],
                                          ("bytes_per_key", "rss_bytes_per_key", "load_s")),
                              "rounds_raw": self.memory[label]} for label in LABELS}
        workloads = {}
        for workload in self.opts.workloads:
            runs = self.runs[workload.name]
            if workload.name in self.failed or not all(runs[label] for label in LABELS):
                continue
            workloads[workload.name] = {
                "requests": requests_for(workload, self.opts),
                "pipeline": workload.pipeline, "clients": workload.clients,
                "summary": {label: summarize(runs[label]) for label in LABELS},
                "ratios": {key: paired_ratios(runs["osprey"], runs["redis"], key)
                           for key in RATIO_KEYS},
                "runs": runs,
            }
        return {"memory": memory, "workloads": workloads, "errors": self.errors,
                "quiet_waited_s": self.quiet_waited, "retries": self.retries_done}


def profile(server: Server, workload: Workload, opts) -> Optional[str]:
    """One extra, unrecorded run under `perf record -e cpu-clock -g -p PID`."""
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    path = opts.results_dir / f"perf-{workload.name}-{server.label}.data"
    perf = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-g", "-o", str(path),
                             "-p", str(server.pid)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    requests = requests_for(workload, opts)
    try:
        run_once(server, workload, requests, opts)
    finally:
        perf.send_signal(signal.SIGINT)
        try:
            perf.wait(timeout=60)
        except subprocess.TimeoutExpired:
            perf.kill()
            perf.wait()
    return str(path) if path.exists() else None


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def environment(redis_bin: str, osprey_bin: str) -> dict:
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10,
                                  stdin=subprocess.DEVNULL).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return ""

    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    version = first_line([redis_bin, "--version"])
    redis_version = next((w[2:] for w in version.split() if w.startswith("v=")), version)
    osprey_stat = os.stat(osprey_bin) if os.path.exists(osprey_bin) else None
    return {
        "host": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count(),
        "cpu_model": model, "redis_version": redis_version,
        "redis_benchmark": first_line(["redis-benchmark", "--version"]),
        "redis_server": redis_bin, "osprey_server": osprey_bin,
        "osprey_mtime": (datetime.datetime.fromtimestamp(osprey_stat.st_mtime).isoformat()
                         if osprey_stat else None),
        "git_commit": first_line(["git", "-C", str(REPO_DIR), "rev-parse", "HEAD"]),
        "loadavg_start": loadavg(),
    }


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Benchmark osprey-server against redis-server, side by side.",
        epilog="Environment: OSPREY_SERVER (default <repo>/build/osprey-server), "
               "REDIS_SERVER (default /usr/bin/redis-server).")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: 1 round, 1/10 of the requests, no retries or waiting")
    p.add_argument("--rounds", type=int,
                   help=f"rounds, each with fresh servers (default {DEFAULT_ROUNDS}, --quick 1)")
    p.add_argument("--only", action="append", metavar="WORKLOAD",
                   help="run only this workload (repeatable, or comma-separated; 'all' for "
                        f"every one); known: {', '.join(WORKLOADS_BY_NAME)}")
    p.add_argument("--requests", type=int, help="-n for every workload (default: per workload)")
    p.add_argument("--osprey-args", default="", help="extra osprey-server arguments, "
                                                     "e.g. \"--io-threads 2\"")
    p.add_argument("--redis-args", default="", help="extra redis-server arguments")
    p.add_argument("--no-memory", action="store_true", help="skip the memory-per-key phase")
    p.add_argument("--perf", action="store_true",
                   help="after the rounds, profile osprey in one extra run per workload with "
                        "perf record -e cpu-clock -g (files in the results directory)")
    p.add_argument("--max-interference", type=float, default=0.10, metavar="SHARE",
                   help="a run is disturbed when the server or redis-benchmark spent more "
                        "than this share of it waiting for its core (default 0.10)")
    p.add_argument("--retries", type=int,
                   help="repeat a disturbed A/B pair up to this many times, keeping the least "
                        "disturbed; all retries together add at most a quarter of the pairs "
                        "(default 2, --quick 0)")
    p.add_argument("--quiet-wait", type=float, metavar="SECONDS",
                   help="before each A/B pair, wait up to 10 s for both cores to be quiet; "
                        "at most this many seconds in all (default 30, --quick 0)")
    p.add_argument("--server-core", type=int, default=0, help="core for the servers (default 0)")
    p.add_argument("--client-core", type=int, default=1,
                   help="core for redis-benchmark (default 1)")
    p.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    opts = p.parse_args(argv)
    opts.rounds = opts.rounds or (1 if opts.quick else DEFAULT_ROUNDS)
    if opts.retries is None:
        opts.retries = 0 if opts.quick else 2
    if opts.quiet_wait is None:
        opts.quiet_wait = 0.0 if opts.quick else 30.0
    names = [n.strip() for group in (opts.only or []) for n in group.split(",") if n.strip()]
    if "all" in names:
        names = list(WORKLOADS_BY_NAME)
    unknown = [n for n in names if n not in WORKLOADS_BY_NAME]
    if unknown:
        p.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS_BY_NAME)}")
    opts.workloads = ([WORKLOADS_BY_NAME[n] for n in names] if names
                      else [w for w in WORKLOADS if w.default])
    if opts.rounds < 1 or (opts.requests is not None and opts.requests < 1):
        p.error("--rounds and --requests must be positive")
    if opts.retries < 0:
        p.error("--retries must be >= 0")
    cores = os.sched_getaffinity(0)
    for core in (opts.server_core, opts.client_core):
        if core not in cores:
            p.error(f"core {core} is not available (have {sorted(cores)})")
    return opts


def main(argv=None) -> int:
    opts = parse_args(argv)
    binaries = server_binaries()
    extra_args = {"redis": shlex.split(opts.redis_args),
                  "osprey": shlex.split(opts.osprey_args)}
    # Turn SIGTERM into an exception so the finally block stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results: dict = {
        "timestamp": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "config": {"rounds": opts.rounds, "quick": opts.quick, "keyspace": KEYSPACE,
                   "value_size": VALUE_SIZE, "memory_keys": MEMORY_KEYS,
                   "osprey_args": opts.osprey_args, "redis_args": opts.redis_args,
                   "server_core": opts.server_core, "client_core": opts.client_core,
                   "max_interference": opts.max_interference, "retries": opts.retries,
                   "workloads": [w.name for w in opts.workloads]},
        "env": environment(binaries["redis"], binaries["osprey"]),
    }
    started = time.monotonic()
    exit_code = 0
    # Servers run in results/servers/<label>/, where their logs stay for a look
    # after a crash; nothing else is written there (--save "", --appendonly no).
    workdir = opts.results_dir / "servers"
    shutil.rmtree(workdir, ignore_errors=True)
    runner = Runner(opts, binaries, extra_args, workdir)
    try:
        runner.run()
    except StartError as err:
        runner.record_error(str(err))
        exit_code = 2
    except KeyboardInterrupt:
        runner.record_error("interrupted")
        exit_code = 130
    except SystemExit:  # SIGTERM, see above
        runner.record_error("terminated")
        exit_code = 143
    finally:
        runner.stop_all()
    results.update(runner.results())
    if runner.errors and exit_code == 0:
        exit_code = 1
    results["elapsed_s"] = time.monotonic() - started
    results["env"]["loadavg_end"] = loadavg()
    results["targets"] = evaluate_targets(results)
    print_report(results)
    write_results(results, opts.results_dir)
    print(f"elapsed {results['elapsed_s']:.0f}s; exit status {exit_code}")
    return exit_code


def write_results(results: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    results.setdefault("targets", [])
    (out_dir / "latest.json").write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
    if results["workloads"] or results["memory"]:
        snippet = markdown_snippet(results)
        (out_dir / "latest.md").write_text(snippet)
        print()
        print(f"Markdown for README.md (also in {out_dir / 'latest.md'}):")
        print()
        print(snippet)
    print(f"raw figures: {out_dir / 'latest.json'}")


if __name__ == "__main__":
    sys.exit(main())
