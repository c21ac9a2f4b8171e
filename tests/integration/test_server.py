"""Server commands: DBSIZE FLUSHDB FLUSHALL SWAPDB TIME SHUTDOWN SLOWLOG
LATENCY MEMORY DEBUG LOLWUT FUNCTION FLUSH.

Every test passes against Redis 7.0.15 too. Where Osprey differs on purpose
the tests check properties instead of values: LOLWUT's art, DEBUG DIGEST
values (same contract, another algorithm), MEMORY figures (another layout).
Tests that change configuration or stop the server use a private server
(fresh_server / make_server).
"""

import re
import signal
import time

import pytest

from reply_errors import DB_OUT_OF_RANGE, NO_SUCH_KEY, NOT_INTEGER, SYNTAX, arity
from server_process import SimpleString, VerbatimString, port_is_taken

NOT_IN_MULTI = "ERR Command not allowed inside a transaction"
ZERO_DIGEST = "0" * 40


def wait_until(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def sub_syntax(command, sub):
    return "ERR unknown subcommand or wrong number of arguments for '%s'. Try %s HELP." % (
        sub,
        command,
    )


def info_field(conn, section, name):
    text = conn.command("INFO", section).decode()
    for line in text.split("\r\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    raise AssertionError("no %s in INFO %s" % (name, section))


# ------------------------------------------------------------------ DBSIZE


def test_dbsize_counts_keys_of_the_selected_db(raw):
    assert raw.command("DBSIZE") == 0
    raw.command("SET", "a", "1")
    raw.command("SET", "b", "2")
    assert raw.command("DBSIZE") == 2
    raw.command("SELECT", "9")
    assert raw.command("DBSIZE") == 0
    assert raw.error("DBSIZE", "x") == arity("dbsize")


# ------------------------------------------------------------ FLUSHDB / ALL


def test_flushdb_empties_only_the_selected_db(raw):
    raw.command("SET", "a", "1")
    raw.command("SELECT", "1")
    raw.command("SET", "b", "1")
    assert raw.command("FLUSHDB") == "OK"
    assert raw.command("DBSIZE") == 0
    raw.command("SELECT", "0")
    assert raw.command("GET", "a") == b"1"


@pytest.mark.parametrize("mode", ["SYNC", "ASYNC", "sync", "async"])
def test_flush_modes(raw, mode):
    raw.command("SET", "a", "1", "EX", "100")
    raw.command("SELECT", "2")
    raw.command("SET", "b", "1")
    assert raw.command("FLUSHDB", mode) == "OK"
    assert raw.command("DBSIZE") == 0
    raw.command("SELECT", "0")
    assert raw.command("DBSIZE") == 1
    assert raw.command("FLUSHALL", mode) == "OK"
    assert raw.command("DBSIZE") == 0
    raw.command("SET", "c", "3")
    assert raw.command("GET", "c") == b"3"


def test_flush_rejects_other_options(raw):
    assert raw.error("FLUSHDB", "NOW") == SYNTAX
    assert raw.error("FLUSHALL", "ASYNC", "SYNC") == SYNTAX
    assert raw.error("FLUSHALL", "") == SYNTAX


def test_flushall_empties_every_db(raw):
    for db in ("0", "3", "15"):
        raw.command("SELECT", db)
        raw.command("SET", "k", db)
    assert raw.command("FLUSHALL") == "OK"
    for db in ("0", "3", "15"):
        raw.command("SELECT", db)
        assert raw.command("DBSIZE") == 0


def test_flushall_keeps_the_change_count_without_save_points(fresh_server):
    with fresh_server.raw() as conn:
        conn.command("CONFIG", "SET", "save", "")
        conn.command("SET", "key", "value")
        conn.command("FLUSHALL")
        assert int(info_field(conn, "persistence", "rdb_changes_since_last_save")) > 0


def test_flushall_resets_the_change_count_with_save_points(fresh_server):
    with fresh_server.raw() as conn:
        conn.command("CONFIG", "SET", "save", "3600 1 300 100 60 10000")
        conn.command("SET", "key", "value")
        conn.command("FLUSHALL")
        assert int(info_field(conn, "persistence", "rdb_changes_since_last_save")) == 0


def test_flushdb_counts_removed_keys_as_changes(fresh_server):
    with fresh_server.raw() as conn:
        conn.command("MSET", "a", "1", "b", "2", "c", "3")
        before = int(info_field(conn, "persistence", "rdb_changes_since_last_save"))
        conn.command("FLUSHDB")
        after = int(info_field(conn, "persistence", "rdb_changes_since_last_save"))
        assert after == before + 3


def test_flush_fails_a_transaction_watching_an_existing_key(server, raw):
    raw.command("SET", "k", "v")
    with server.raw() as watcher:
        watcher.command("WATCH", "k")
        watcher.command("MULTI")
        watcher.command("PING")
        raw.command("FLUSHALL")
        assert watcher.command("EXEC") is None


def test_flush_leaves_a_transaction_watching_a_missing_key(server, raw):
    raw.command("SET", "k", "v")
    with server.raw() as watcher:
        watcher.command("WATCH", "absent")
        watcher.command("MULTI")
        watcher.command("PING")
        raw.command("FLUSHDB")
        assert watcher.command("EXEC") == ["PONG"]


# ------------------------------------------------------------------ SWAPDB


def test_swapdb_exchanges_contents_and_ttls(raw):
    raw.command("SET", "a", "zero")
    raw.command("SELECT", "1")
    raw.command("SET", "b", "one", "EX", "100")
    assert raw.command("SWAPDB", "0", "1") == "OK"
    assert raw.command("GET", "a") == b"zero"
    assert raw.command("EXISTS", "b") == 0
    raw.command("SELECT", "0")
    assert raw.command("GET", "b") == b"one"
    assert 0 < raw.command("TTL", "b") <= 100
    assert raw.command("SWAPDB", "5", "5") == "OK"


def test_swapdb_errors(raw):
    assert raw.error("SWAPDB", "a", "1") == "ERR invalid first DB index"
    assert raw.error("SWAPDB", "0", "b") == "ERR invalid second DB index"
    assert raw.error("SWAPDB", "1.0", "1") == "ERR invalid first DB index"
    assert raw.error("SWAPDB", "0", "99999999999") == "ERR invalid second DB index"
    assert raw.error("SWAPDB", "0", "16") == DB_OUT_OF_RANGE
    assert raw.error("SWAPDB", "-1", "0") == DB_OUT_OF_RANGE
    assert raw.error("SWAPDB", "0") == arity("swapdb")
    assert raw.error("SWAPDB", "0", "1", "2") == arity("swapdb")


def test_swapdb_fails_transactions_watching_keys_it_changes(server, raw):
    raw.command("SELECT", "1")
    raw.command("SET", "k", "v")
    with server.raw() as watcher:
        watcher.command("WATCH", "k")  # in db 0, where it does not exist yet
        watcher.command("MULTI")
        watcher.command("PING")
        raw.command("SWAPDB", "0", "1")
        assert watcher.command("EXEC") is None
    raw.command("SWAPDB", "0", "1")


def test_swapdb_is_refused_in_cluster_mode(make_server, tmp_path):
    # The cluster bus port defaults to port + 10000, which may not exist for
    # a high port: give it one of our own.
    bus = next(p for p in range(24390, 24400) if not port_is_taken(p))
    srv = make_server(
        "--cluster-enabled", "yes", "--cluster-port", str(bus),
        "--cluster-config-file", str(tmp_path / "nodes.conf"),
    )
    with srv.raw() as conn:
        assert conn.error("SWAPDB", "0", "1") == "ERR SWAPDB is not allowed in cluster mode"


# -------------------------------------------------------------------- TIME


def test_time_is_now_in_seconds_and_microseconds(raw):
    before = time.time()
    secs, usecs = raw.command("TIME")
    after = time.time()
    assert secs.isdigit() and usecs.isdigit()
    assert 0 <= int(usecs) < 1_000_000
    now = int(secs) + int(usecs) / 1e6
    assert before - 1 <= now <= after + 1
    assert raw.error("TIME", "x") == arity("time")


# ---------------------------------------------------------------- SHUTDOWN


@pytest.mark.parametrize(
    "args",
    [("bogus",), ("SAVE", "NOSAVE"), ("ABORT", "NOW"), ("NOSAVE", "ABORT"), ("now", "x")],
)
def test_shutdown_syntax_errors(raw, args):
    assert raw.error("SHUTDOWN", *args) == SYNTAX
    assert raw.command("PING") == "PONG"


def test_shutdown_abort_without_shutdown_in_progress(raw):
    assert raw.error("SHUTDOWN", "ABORT") == "ERR No shutdown in progress."


def test_shutdown_is_refused_inside_multi(raw):
    raw.command("MULTI")
    assert raw.error("SHUTDOWN", "NOSAVE") == NOT_IN_MULTI
    assert raw.error("EXEC") == "EXECABORT Transaction discarded because of previous errors."


@pytest.mark.server_may_exit
@pytest.mark.parametrize(
    "args", [(), ("NOSAVE",), ("SAVE",), ("NOW",), ("NOSAVE", "NOW", "FORCE"), ("force",)]
)
def test_shutdown_closes_connections_without_reply_and_exits_0(fresh_server, args):
    other = fresh_server.raw()
    conn = fresh_server.raw()
    conn.send_command("SHUTDOWN", *args)
    assert conn.recv_until_closed(timeout=10) == b""
    assert other.is_closed(timeout=10)
    fresh_server.proc.wait(timeout=10)
    assert fresh_server.proc.returncode == 0


@pytest.mark.server_may_exit
def test_shutdown_with_save_points_exits_0(fresh_server):
    with fresh_server.raw() as conn:
        conn.command("CONFIG", "SET", "save", "3600 1")
        conn.command("SET", "k", "v")
        conn.send_command("SHUTDOWN")
        assert conn.recv_until_closed(timeout=10) == b""
    fresh_server.proc.wait(timeout=10)
    assert fresh_server.proc.returncode == 0


@pytest.mark.server_may_exit
def test_shutdown_drops_commands_pipelined_after_it(fresh_server):
    with fresh_server.raw() as conn:
        conn.send(b"SHUTDOWN NOSAVE\r\nPING\r\n")
        assert conn.recv_until_closed(timeout=10) == b""
    fresh_server.proc.wait(timeout=10)
    assert fresh_server.proc.returncode == 0


def test_shutdown_abort_cancels_sigterm(fresh_server):
    with fresh_server.raw() as conn:
        assert conn.command("DEBUG", "PAUSE-CRON", "1") == "OK"
        fresh_server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        assert conn.command("SHUTDOWN", "ABORT") == "OK"
        assert conn.command("DEBUG", "PAUSE-CRON", "0") == "OK"
        time.sleep(0.3)
        assert conn.command("PING") == "PONG"
    assert fresh_server.is_alive()


# ----------------------------------------------------------------- SLOWLOG


@pytest.fixture
def logged(fresh_server):
    """A private server logging every command, with an empty slow log."""
    conn = fresh_server.raw()
    conn.command("CONFIG", "SET", "slowlog-log-slower-than", "0")
    conn.command("SLOWLOG", "RESET")
    yield conn
    conn.close()


def test_slowlog_entry_layout(logged):
    logged.command("CLIENT", "SETNAME", "alice")
    logged.command("SET", "k", "v")
    entries = logged.command("SLOWLOG", "GET", "2")
    assert len(entries) == 2
    entry = entries[0]
    assert len(entry) == 6
    assert isinstance(entry[0], int) and entry[0] > entries[1][0]
    assert abs(entry[1] - time.time()) < 10
    assert isinstance(entry[2], int) and entry[2] >= 0
    assert entry[3] == [b"SET", b"k", b"v"]
    assert re.fullmatch(rb"127\.0\.0\.1:\d+", entry[4])
    assert entry[5] == b"alice"
    assert entries[1][3] == [b"CLIENT", b"SETNAME", b"alice"]


def test_slowlog_len_reset_and_counts(logged):
    for _ in range(12):
        logged.command("PING")
    # SLOWLOG RESET itself, then 12 PINGs.
    assert logged.command("SLOWLOG", "LEN") == 13
    assert len(logged.command("SLOWLOG", "GET")) == 10
    assert len(logged.command("SLOWLOG", "GET", "3")) == 3
    assert logged.command("SLOWLOG", "GET", "0") == []
    assert len(logged.command("SLOWLOG", "GET", "-1")) == 17
    assert logged.command("SLOWLOG", "RESET") == "OK"
    assert logged.command("SLOWLOG", "LEN") == 1


def test_slowlog_cuts_long_commands(logged):
    logged.command("SET", "k", "x" * 200)
    args = ["RPUSH", "list"] + [str(i) for i in range(40)]
    logged.command("DEL", *args[1:])
    entries = logged.command("SLOWLOG", "GET", "2")
    assert entries[0][3][-1] == b"... (11 more arguments)"
    assert len(entries[0][3]) == 32
    assert entries[1][3][2] == b"x" * 128 + b"... (72 more bytes)"


def test_slowlog_respects_max_len(logged):
    logged.command("CONFIG", "SET", "slowlog-max-len", "5")
    for _ in range(10):
        logged.command("PING")
    assert logged.command("SLOWLOG", "LEN") == 5


def test_slowlog_errors(raw):
    error = "ERR count should be greater than or equal to -1"
    assert raw.error("SLOWLOG", "GET", "-2") == error
    assert raw.error("SLOWLOG", "GET", "x") == error
    assert raw.error("SLOWLOG", "GET", "1", "2") == sub_syntax("SLOWLOG", "GET")
    assert raw.error("SLOWLOG", "LEN", "x") == arity("slowlog|len")
    assert raw.error("SLOWLOG", "RESET", "x") == arity("slowlog|reset")
    assert raw.error("SLOWLOG", "HELP", "x") == arity("slowlog|help")
    assert raw.error("SLOWLOG", "NOPE") == "ERR unknown subcommand 'NOPE'. Try SLOWLOG HELP."
    assert raw.error("SLOWLOG") == arity("slowlog")


def test_slowlog_help(raw):
    lines = raw.command("SLOWLOG", "HELP")
    assert lines[0] == "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert lines[1] == "GET [<count>]"
    assert "LEN" in lines and "RESET" in lines
    assert lines[-2:] == ["HELP", "    Prints this help."]


# ----------------------------------------------------------------- LATENCY


@pytest.fixture
def monitored(fresh_server):
    """A private server with the latency monitor on (1 ms) and two slow
    commands recorded in different seconds."""
    conn = fresh_server.raw()
    conn.command("CONFIG", "SET", "latency-monitor-threshold", "1")
    conn.command("DEBUG", "SLEEP", "0.05")
    time.sleep(1.1)
    conn.command("DEBUG", "SLEEP", "0.02")
    yield conn
    conn.close()


def test_latency_latest_and_history(monitored):
    latest = monitored.command("LATENCY", "LATEST")
    events = {e[0]: e for e in latest}
    assert b"command" in events
    name, when, last, worst = events[b"command"]
    assert abs(when - time.time()) < 10
    assert 15 <= last <= worst
    assert worst >= 45
    history = monitored.command("LATENCY", "HISTORY", "command")
    assert len(history) == 2
    assert history[0][0] < history[1][0]
    assert history[0][1] >= 45 and history[1][1] >= 15
    assert monitored.command("LATENCY", "HISTORY", "nosuch") == []


def expected_graph(event, samples, now, worst):
    """Redis's LATENCY GRAPH layout, written from its description."""
    values = [v for _, v in samples]
    low, high = min(values), max(values)
    out = "%s - high %d ms, low %d ms (all time high %d ms)\n" % (event, high, low, worst)
    out += "-" * 80 + "\n"

    def label(age):
        if age < 60:
            return "%ds" % age
        if age < 3600:
            return "%dm" % (age // 60)
        if age < 86400:
            return "%dh" % (age // 3600)
        return "%dd" % (age // 86400)

    span = (high - low) or 1
    for start in range(0, len(samples), 80):
        if start:
            out += "\n"
        block = samples[start : start + 80]
        steps = [min(11, max(0, int((v - low) * 12 / span))) for _, v in block]
        for row in range(4):
            floor = (3 - row) * 3
            line = ""
            for s in steps:
                above = s - floor
                line += "|" if above >= 3 else ("_o#"[above] if above >= 0 else " ")
            out += line + "\n"
        out += " " * len(block) + "\n"
        labels = [label(now - t) for t, _ in block]
        for i in range(max(len(x) for x in labels)):
            out += "".join(x[i] if i < len(x) else " " for x in labels) + "\n"
    return out


def test_latency_graph_layout(monitored):
    # The labels depend on the second the graph is drawn in: retry across a
    # second boundary.
    for _ in range(3):
        history = monitored.command("LATENCY", "HISTORY", "command")
        worst = [e for e in monitored.command("LATENCY", "LATEST") if e[0] == b"command"][0][3]
        now = int(monitored.command("TIME")[0])
        graph = monitored.command("LATENCY", "GRAPH", "command")
        if int(monitored.command("TIME")[0]) != now:
            continue
        assert graph.decode() == expected_graph("command", history, now, worst)
        return
    pytest.fail("could not draw the graph within one second")


def test_latency_graph_is_verbatim_in_resp3(monitored):
    monitored.command("HELLO", "3")
    graph = monitored.command("LATENCY", "GRAPH", "command")
    assert isinstance(graph, VerbatimString) and graph.format == "txt"
    assert graph.startswith("command - high ")


def test_latency_doctor_and_reset(monitored):
    report = monitored.command("LATENCY", "DOCTOR")
    assert len(report) > 0 and b"command" in report
    assert monitored.command("LATENCY", "RESET", "nosuch") == 0
    assert monitored.command("LATENCY", "RESET", "command", "nosuch") == 1
    assert monitored.command("LATENCY", "HISTORY", "command") == []
    monitored.command("DEBUG", "SLEEP", "0.01")
    assert monitored.command("LATENCY", "RESET") >= 1
    assert monitored.command("LATENCY", "LATEST") == []


def test_latency_doctor_when_disabled(raw):
    assert len(raw.command("LATENCY", "DOCTOR")) > 0


def test_latency_errors(raw):
    assert raw.error("LATENCY", "GRAPH", "nosuch") == "ERR No samples available for event 'nosuch'"
    assert raw.error("LATENCY", "HELP", "x") == arity("latency|help")
    assert raw.error("LATENCY", "HISTORY") == arity("latency|history")
    assert raw.error("LATENCY", "GRAPH") == arity("latency|graph")
    assert raw.error("LATENCY", "LATEST", "x") == arity("latency|latest")
    assert raw.error("LATENCY", "DOCTOR", "x") == arity("latency|doctor")
    assert raw.error("LATENCY", "NOPE") == "ERR unknown subcommand 'NOPE'. Try LATENCY HELP."


def test_latency_help(raw):
    lines = raw.command("LATENCY", "HELP")
    assert lines[0] == "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    for name in ("DOCTOR", "GRAPH <event>", "HISTORY <event>", "LATEST", "RESET [<event> ...]",
                 "HISTOGRAM [COMMAND ...]"):
        assert name in lines


def test_latency_histogram(fresh_server):
    with fresh_server.raw() as conn:
        for i in range(20):
            conn.command("SET", "k%d" % i, "v")
        conn.command("CLIENT", "ID")
        reply = conn.command("LATENCY", "HISTOGRAM", "set")
        assert reply[0] == b"set"
        body = reply[1]
        assert body[0] == b"calls" and body[1] == 20 and body[2] == b"histogram_usec"
        steps = body[3]
        assert len(steps) >= 2 and len(steps) % 2 == 0
        usecs, counts = steps[0::2], steps[1::2]
        assert usecs == sorted(usecs) and counts == sorted(counts)
        assert counts[-1] == 20
        assert all(u & (u - 1) == 0 or u > 16 for u in usecs)  # 1 2 4 8 16 33 66 ...
        assert conn.command("LATENCY", "HISTOGRAM", "client")[0] == b"client|id"
        assert conn.command("LATENCY", "HISTOGRAM", "CLIENT|ID")[0] == b"client|id"
        assert conn.command("LATENCY", "HISTOGRAM", "nosuch", "hgetall") == []
        assert len(conn.command("LATENCY", "HISTOGRAM", "set", "nosuch", "set")) == 4
        everything = conn.command("LATENCY", "HISTOGRAM")
        assert b"set" in everything[0::2]
        conn.command("HELLO", "3")
        resp3 = conn.command("LATENCY", "HISTOGRAM", "set")
        assert isinstance(resp3, dict) and resp3[b"set"][b"calls"] == 20


# ------------------------------------------------------------------ MEMORY


def test_memory_usage_is_positive_and_grows(raw):
    previous = 0
    for n in (1, 30, 100, 1000, 100_000):
        raw.command("SET", "k", "x" * n)
        usage = raw.command("MEMORY", "USAGE", "k")
        assert usage > n and usage > previous
        previous = usage
    raw.command("SET", "n", "123")
    assert raw.command("MEMORY", "USAGE", "n") > 0
    assert raw.command("MEMORY", "USAGE", "n", "SAMPLES", "0") > 0
    assert raw.command("MEMORY", "USAGE", "nosuch") is None


def test_memory_usage_errors(raw):
    raw.command("SET", "k", "v")
    assert raw.error("MEMORY", "USAGE", "k", "SAMPLES", "-1") == SYNTAX
    assert raw.error("MEMORY", "USAGE", "k", "SAMPLES", "x") == NOT_INTEGER
    assert raw.error("MEMORY", "USAGE", "k", "SAMPLES") == SYNTAX
    assert raw.error("MEMORY", "USAGE", "k", "BOGUS") == SYNTAX
    assert raw.error("MEMORY", "USAGE", "nosuch", "BOGUS") == SYNTAX
    assert raw.error("MEMORY", "USAGE") == arity("memory|usage")


MEMORY_STATS_FIELDS = [
    "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
    "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
    "functions.caches", "overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes",
    "dataset.percentage", "peak.percentage", "allocator.allocated", "allocator.active",
    "allocator.resident", "allocator-fragmentation.ratio", "allocator-fragmentation.bytes",
    "allocator-rss.ratio", "allocator-rss.bytes", "rss-overhead.ratio", "rss-overhead.bytes",
    "fragmentation", "fragmentation.bytes",
]


def test_memory_stats_fields(raw):
    raw.command("SET", "a", "1")
    raw.command("SELECT", "4")
    raw.command("SET", "b", "1")
    flat = raw.command("MEMORY", "STATS")
    names = [k.decode() for k in flat[0::2]]
    stats = dict(zip(names, flat[1::2]))
    dbs = [n for n in names if n.startswith("db.")]
    assert dbs == ["db.0", "db.4"]
    assert [n for n in names if not n.startswith("db.")] == MEMORY_STATS_FIELDS
    assert stats["keys.count"] == 2
    assert stats["total.allocated"] > 0
    assert stats["peak.allocated"] >= stats["total.allocated"]
    assert stats["db.0"][0::2] == [
        b"overhead.hashtable.main",
        b"overhead.hashtable.expires",
        b"overhead.hashtable.slot-to-keys",
    ]
    float(stats["fragmentation"])


def test_memory_stats_in_resp3(r3):
    stats = r3.command("MEMORY", "STATS")
    assert isinstance(stats, dict)
    assert isinstance(stats[b"fragmentation"], float)
    assert isinstance(stats[b"keys.count"], int)


def test_memory_other_subcommands(raw):
    assert len(raw.command("MEMORY", "DOCTOR")) > 0
    assert len(raw.command("MEMORY", "MALLOC-STATS")) > 0
    assert raw.command("MEMORY", "PURGE") == "OK"
    lines = raw.command("MEMORY", "HELP")
    assert lines[0] == "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert "USAGE <key> [SAMPLES <count>]" in lines
    assert raw.error("MEMORY", "NOPE") == "ERR unknown subcommand 'NOPE'. Try MEMORY HELP."
    assert raw.error("MEMORY", "STATS", "x") == arity("memory|stats")
    assert raw.error("MEMORY", "DOCTOR", "x") == arity("memory|doctor")


def test_memory_doctor_is_verbatim_in_resp3(r3):
    report = r3.command("MEMORY", "DOCTOR")
    assert isinstance(report, VerbatimString)


# ------------------------------------------------------------------- DEBUG


def test_debug_is_protected(make_server):
    srv = make_server("--enable-debug-command", "no")
    with srv.raw() as conn:
        assert conn.error("DEBUG", "HELP").startswith("ERR DEBUG command not allowed.")
    local = make_server("--enable-debug-command", "local")
    with local.raw() as conn:
        assert conn.command("DEBUG", "LOG", "hello") == "OK"


def test_debug_unknown_subcommands_and_counts(raw):
    for args in (("NOSUCH",), ("JMAP",), ("ZIPLIST", "k"), ("OBJECT",), ("SLEEP", "1", "2")):
        assert raw.error("DEBUG", *args) == sub_syntax("DEBUG", args[0])
    assert raw.error("DEBUG") == arity("debug")


def test_debug_object(raw):
    raw.command("SET", "s", "hello")
    line = raw.command("DEBUG", "OBJECT", "s")
    assert isinstance(line, SimpleString)
    assert re.fullmatch(
        r"Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:\d+ lru:\d+ "
        r"lru_seconds_idle:\d+",
        line,
    ), line
    raw.command("SET", "n", "100")
    assert "refcount:2147483647 encoding:int serializedlength:2 " in raw.command(
        "DEBUG", "OBJECT", "n"
    )
    raw.command("SET", "raw", "x" * 100)
    assert " encoding:raw " in raw.command("DEBUG", "OBJECT", "raw")
    assert raw.error("DEBUG", "OBJECT", "nosuch") == NO_SUCH_KEY


def test_debug_object_address_is_stable_across_incr(raw):
    raw.command("SET", "foo", "20000")
    raw.command("INCR", "foo")
    before = raw.command("DEBUG", "OBJECT", "foo").split()[1]
    raw.command("INCR", "foo")
    after = raw.command("DEBUG", "OBJECT", "foo").split()[1]
    assert before.startswith("at:") and before == after


def test_debug_digest(raw):
    assert raw.command("DEBUG", "DIGEST") == ZERO_DIGEST
    raw.command("SET", "a", "1")
    one = raw.command("DEBUG", "DIGEST")
    assert re.fullmatch("[0-9a-f]{40}", one) and one != ZERO_DIGEST
    raw.command("SET", "a", "2")
    assert raw.command("DEBUG", "DIGEST") != one
    raw.command("SET", "a", "1")
    assert raw.command("DEBUG", "DIGEST") == one
    raw.command("FLUSHALL")
    raw.command("SET", "b", "x")
    raw.command("SET", "a", "1")
    two = raw.command("DEBUG", "DIGEST")
    raw.command("FLUSHALL")
    raw.command("SET", "a", "1")
    raw.command("SET", "b", "x")
    assert raw.command("DEBUG", "DIGEST") == two
    raw.command("FLUSHALL")
    assert raw.command("DEBUG", "DIGEST") == ZERO_DIGEST


def test_debug_digest_value(raw):
    raw.command("SET", "a", "v")
    raw.command("SET", "b", "v")
    raw.command("SET", "c", "w")
    a, b, c, missing = raw.command("DEBUG", "DIGEST-VALUE", "a", "b", "c", "nosuch")
    assert a == b and a != c and missing == ZERO_DIGEST
    assert re.fullmatch("[0-9a-f]{40}", a)
    raw.command("COPY", "c", "d")
    assert raw.command("DEBUG", "DIGEST-VALUE", "d") == [c]
    assert raw.command("DEBUG", "DIGEST-VALUE") == []


PROTOCOL_RESP2 = {
    "string": b"Hello World",
    "integer": 12345,
    "double": b"3.141",
    "bignum": b"1234567999999999999999999999999999999",
    "null": None,
    "array": [0, 1, 2],
    "set": [0, 1, 2],
    "map": [0, 0, 1, 1, 2, 0],
    "attrib": b"Some real reply following the attribute",
    "true": 1,
    "false": 0,
    "verbatim": b"This is a verbatim\nstring",
}


@pytest.mark.parametrize("kind", sorted(PROTOCOL_RESP2))
def test_debug_protocol_resp2(raw, kind):
    assert raw.command("DEBUG", "PROTOCOL", kind) == PROTOCOL_RESP2[kind]


def test_debug_protocol_resp2_push_and_bad_type(raw):
    assert raw.error("DEBUG", "PROTOCOL", "push") == "ERR RESP2 is not supported by this command"
    assert raw.error("DEBUG", "PROTOCOL", "nope").startswith("ERR Wrong protocol type name.")


def test_debug_protocol_resp3(r3):
    assert r3.command("DEBUG", "PROTOCOL", "double") == 3.141
    assert r3.command("DEBUG", "PROTOCOL", "bignum") == 1234567999999999999999999999999999999
    assert r3.command("DEBUG", "PROTOCOL", "null") is None
    assert r3.command("DEBUG", "PROTOCOL", "set") == [0, 1, 2]
    assert r3.command("DEBUG", "PROTOCOL", "map") == {0: False, 1: True, 2: False}
    assert r3.command("DEBUG", "PROTOCOL", "true") is True
    assert r3.command("DEBUG", "PROTOCOL", "false") is False
    verbatim = r3.command("DEBUG", "PROTOCOL", "verbatim")
    assert verbatim == "This is a verbatim\nstring" and verbatim.format == "txt"
    assert r3.command("DEBUG", "PROTOCOL", "attrib") == b"Some real reply following the attribute"
    assert r3.last_attributes == {b"key-popularity": [b"key:123", 90]}
    r3.send_command("DEBUG", "PROTOCOL", "push")
    assert r3.read_reply() == [b"server-cpu-usage", 42]
    assert r3.read_reply() == b"Some real reply following the push reply"


def test_debug_sleep_blocks_the_server(server, raw):
    start = time.monotonic()
    assert raw.command("DEBUG", "SLEEP", "0.2") == "OK"
    assert time.monotonic() - start >= 0.19
    assert raw.command("DEBUG", "SLEEP", "0") == "OK"


def test_debug_set_active_expire(raw):
    assert raw.command("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
    try:
        raw.command("SET", "k", "v", "PX", "10")
        time.sleep(0.3)
        assert raw.command("DBSIZE") == 1
    finally:
        assert raw.command("DEBUG", "SET-ACTIVE-EXPIRE", "1") == "OK"
    assert wait_until(lambda: raw.command("DBSIZE") == 0)


def test_debug_populate(raw):
    raw.command("SET", "key:1", "mine")
    assert raw.command("DEBUG", "POPULATE", "3") == "OK"
    assert raw.command("DBSIZE") == 3
    assert raw.command("GET", "key:0") == b"value:0"
    assert raw.command("GET", "key:1") == b"mine"
    assert raw.command("DEBUG", "POPULATE", "2", "p", "3") == "OK"
    assert raw.command("GET", "p:1") == b"val"
    assert raw.command("DEBUG", "POPULATE", "1", "q", "10") == "OK"
    assert raw.command("GET", "q:0") == b"value:0\0\0\0"
    assert raw.command("DEBUG", "POPULATE", "0") == "OK"
    assert raw.error("DEBUG", "POPULATE", "-1") == "ERR value is out of range, must be positive"
    assert raw.error("DEBUG", "POPULATE", "x") == "ERR value is out of range, must be positive"
    assert raw.error("DEBUG", "POPULATE", "1", "a", "b", "c") == sub_syntax("DEBUG", "POPULATE")


def test_debug_small_tools(raw):
    assert raw.command("DEBUG", "LOG", "hello from the tests") == "OK"
    assert raw.error("DEBUG", "ERROR", "OOPS it broke") == "OOPS it broke"
    assert raw.command("DEBUG", "CHANGE-REPL-ID") == "OK"
    assert raw.command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1gb") == "OK"
    bad = "ERR argument must be a memory value bigger than 1 and smaller than 4gb"
    assert raw.error("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb") == bad
    assert raw.error("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "abc") == bad
    assert raw.command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100") == "OK"
    assert raw.command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "NEVER") == "OK"
    assert raw.command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "RESET") == "OK"
    assert raw.command("DEBUG", "REPLYBUFFER", "RESIZING", "1") == "OK"
    assert raw.error("DEBUG", "REPLYBUFFER", "BOGUS", "1") == sub_syntax("DEBUG", "REPLYBUFFER")
    assert raw.command("DEBUG", "PAUSE-CRON", "0") == "OK"
    assert raw.command("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0") == "OK"
    assert raw.command("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0") == "OK"


def test_debug_encodings_and_table_stats(raw):
    raw.command("SET", "s", "v")
    assert raw.error("DEBUG", "LISTPACK", "s") == "ERR Not a listpack encoded object."
    assert raw.error("DEBUG", "QUICKLIST", "s") == "ERR Not a quicklist encoded object."
    assert raw.error("DEBUG", "LISTPACK", "nosuch") == NO_SUCH_KEY
    assert raw.error("DEBUG", "HTSTATS-KEY", "s") == (
        "ERR The value stored at the specified key is not represented using an hash table"
    )
    assert len(raw.command("DEBUG", "HTSTATS", "0")) > 0
    assert raw.error("DEBUG", "HTSTATS", "99") == "ERR Out of range database"
    assert raw.error("DEBUG", "HTSTATS", "x") == NOT_INTEGER


def test_debug_help(raw):
    lines = raw.command("DEBUG", "HELP")
    assert lines[0] == "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    for name in ("DIGEST", "OBJECT <key>", "SLEEP <seconds>", "SET-ACTIVE-EXPIRE <0|1>"):
        assert name in lines


# ------------------------------------------------------- LOLWUT, FUNCTION


def test_lolwut_ends_with_the_version_line(raw):
    for args in ((), ("VERSION", "5"), ("VERSION", "6", "1", "1"), ("whatever",)):
        text = raw.command("LOLWUT", *args)
        assert re.search(rb"(Osprey|Redis) ver\. [0-9.]+\n$", text), text
    assert raw.error("LOLWUT", "VERSION", "x") == NOT_INTEGER


def test_lolwut_is_verbatim_in_resp3(r3):
    assert isinstance(r3.command("LOLWUT"), VerbatimString)


def test_function_flush(raw):
    assert raw.command("FUNCTION", "FLUSH") == "OK"
    assert raw.command("FUNCTION", "FLUSH", "ASYNC") == "OK"
    assert raw.command("FUNCTION", "FLUSH", "sync") == "OK"
    assert raw.error("FUNCTION", "FLUSH", "now") == (
        "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"
    )
    assert raw.error("FUNCTION", "FLUSH", "sync", "x") == sub_syntax("FUNCTION", "FLUSH")
