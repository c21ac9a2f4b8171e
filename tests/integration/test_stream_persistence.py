"""Streams on disk between the server under test and a real redis-server
7.0: streams of every shape (several nodes, deleted entries, trimmed, a
node left with deleted entries only, entries below their node's master ID,
empty with groups, groups with pending entries and consumers, consumers
without pending entries, XSETID'd metadata, entries deleted out of ID
order, big and binary values, a key expire time) written by one server and read by the other through an
RDB file, an AOF directory (with and without the RDB preamble) and DUMP /
RESTORE; DEBUG RELOAD, DEBUG DIGEST and the RDB check tool on them.

Loaded streams are compared through DUMP (the whole value, times
included, byte for byte), XRANGE, XINFO STREAM FULL and XPENDING. An AOF
rewrite keeps what Redis's keeps: consumers' seen times become the time
of the load, so AOF comparisons leave the times out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

import pytest
import redis

from server_process import ServerProcess
from test_aof import manifest_lines, wait_rewrite_done

ORACLE = "/usr/bin/redis-server"
FAR_FUTURE_MS = 4102444800000  # 2100-01-01


def xadd(c, key, id_, *pairs):
    return c.execute_command("XADD", key, id_, *pairs)


def populate(c, aof_safe=False):
    """Streams of every shape. Some do not survive an AOF rewrite, in
    Redis as here, and are left out when `aof_safe`: a pending entry whose
    stream entry was deleted (the rewrite's XCLAIM finds no entry to
    claim), and streams whose largest deleted ID is above their last ID
    (the rewrite's XSETID is refused on load)."""
    c.flushall()
    c.config_set("stream-node-max-entries", 5)
    for i in range(1, 31):
        xadd(c, "s:nodes", "%d-%d" % (1000 + i // 3, i), "field", "value-%d" % i, "n", i)
    for i in range(1, 21):
        xadd(c, "s:deleted", "*", "f", i)
    ids = [e[0] for e in c.xrange("s:deleted")]
    c.xdel("s:deleted", ids[0], ids[7], ids[8], ids[-1])
    for i in range(1, 51):
        xadd(c, "s:trimmed", "%d-0" % i, "f", i, "same", "fields")
    c.xtrim("s:trimmed", maxlen=17, approximate=False)
    # A node of deleted entries only: XDEL of its last entry, then a MINID
    # trim up to it.
    for i in range(1, 11):
        xadd(c, "s:tombstones", "%d-1" % i, "k", i)
    c.xdel("s:tombstones", "5-1")
    c.execute_command("XTRIM", "s:tombstones", "MINID", "5-1")
    c.execute_command("XADD", "s:empty", "MAXLEN", "0", "7-7", "x", "y")
    c.execute_command("XGROUP", "CREATE", "s:empty", "g1", "$")
    c.execute_command("XGROUP", "CREATECONSUMER", "s:empty", "g1", "lonely")
    c.execute_command("XGROUP", "CREATE", "s:empty", "g0", "0")
    for i in range(1, 13):
        xadd(c, "s:groups", "%d-1" % i, "f", "v%d" % i, "g", "w")
    c.execute_command("XGROUP", "CREATE", "s:groups", "g", "0")
    c.execute_command("XREADGROUP", "GROUP", "g", "alice", "COUNT", "4", "STREAMS", "s:groups", ">")
    c.execute_command("XREADGROUP", "GROUP", "g", "bob", "COUNT", "3", "STREAMS", "s:groups", ">")
    c.execute_command("XGROUP", "CREATECONSUMER", "s:groups", "g", "carol")
    c.execute_command("XACK", "s:groups", "g", "2-1")
    c.execute_command("XCLAIM", "s:groups", "g", "bob", "0", "1-1", "RETRYCOUNT", "9")
    if not aof_safe:
        c.xdel("s:groups", "3-1")
    c.execute_command("XGROUP", "CREATE", "s:groups", "tail", "$")
    c.execute_command("XGROUP", "CREATE", "s:groups", "42", "6-1")
    c.execute_command("XREADGROUP", "GROUP", "42", "dave", "COUNT", "1", "STREAMS", "s:groups", ">")
    xadd(c, "s:xsetid", "1-0", "f", "1")
    xadd(c, "s:xsetid", "2-0", "f", "2")
    c.xdel("s:xsetid", "2-0")
    c.execute_command("XSETID", "s:xsetid", "900-0", "ENTRIESADDED", "70", "MAXDELETEDID", "50-0")
    # A deleted entry above entries added after an XSETID below it.
    xadd(c, "s:unordered", "1-1", "a", 1)
    xadd(c, "s:unordered", "5-5", "a", 2)
    if not aof_safe:
        c.xdel("s:unordered", "5-5")
        c.execute_command("XSETID", "s:unordered", "3-3")
    xadd(c, "s:unordered", "6-0" if aof_safe else "4-0", "b", 3)
    # A node of deleted entries only (a MINID trim up to its deleted last
    # entry) that, once the empty stream's last ID is set below it, takes
    # new entries below its master ID.
    for i in (5, 6, 7):
        xadd(c, "s:below", "%d-%d" % (i, i), "a", i)
    c.xdel("s:below", "7-7")
    c.execute_command("XTRIM", "s:below", "MINID", "7-7")
    if not aof_safe:
        c.execute_command("XSETID", "s:below", "1-1")
        xadd(c, "s:below", "2-0", "b", 4)
    xadd(c, "s:big", "1-0", "long", "x" * 5000, "int", 123456789012, "neg", -17)
    xadd(c, "s:big", "2-0", "bin\x00ary", bytes(range(256)), "e", "")
    c.pexpireat("s:big", FAR_FUTURE_MS)
    c.execute_command("SELECT", "3")
    xadd(c, "s:db3", "5-0", "in", "three")
    c.execute_command("SELECT", "0")
    c.config_set("stream-node-max-entries", 100)


STREAM_KEYS = [b"s:nodes", b"s:deleted", b"s:trimmed", b"s:tombstones", b"s:empty",
               b"s:groups", b"s:xsetid", b"s:unordered", b"s:below", b"s:big"]

# What a load of an AOF cannot keep: consumers' seen times (the replay's
# time), and how entries sit in nodes (XADD rebuilds them).
NOT_REPLAYED = {b"seen-time", b"active-time", b"radix-tree-keys", b"radix-tree-nodes"}


def strip_times(value):
    """An XINFO reply without the fields an AOF replay cannot keep."""
    if isinstance(value, list):
        out = []
        skip = False
        for i, item in enumerate(value):
            if skip:
                skip = False
                continue
            if i % 2 == 0 and isinstance(item, bytes) and item in NOT_REPLAYED:
                skip = True
                continue
            out.append(strip_times(item))
        return out
    return value


def plain(c, *args):
    """A command's reply as the server sent it (no redis-py parsing)."""
    saved = dict(c.response_callbacks)
    c.response_callbacks.clear()
    try:
        return c.execute_command(*args)
    finally:
        c.response_callbacks.update(saved)


def pending_without_times(c, key, group):
    rows = plain(c, "XPENDING", key, group, "-", "+", "1000")
    return [(r[0], r[1], r[3]) for r in rows]  # ID, consumer, delivery count


def state(c, times=True):
    """What the stream keys hold, as commands show it; without `times`,
    what an AOF replay keeps (no DUMP, no seen times, no node layout).
    Replies are compared as the server sent them (redis-py's parsing off)."""
    saved = dict(c.response_callbacks)
    c.response_callbacks.clear()
    try:
        return _state(c, times)
    finally:
        c.response_callbacks.update(saved)


def _state(c, times):
    out = {}
    for key in STREAM_KEYS:
        info = c.execute_command("XINFO", "STREAM", key, "FULL")
        groups = c.execute_command("XINFO", "GROUPS", key)
        pending = {}
        for g in groups:
            name = g[1]
            pending[name] = (c.execute_command("XPENDING", key, name),
                             pending_without_times(c, key, name))
        out[key] = {
            "type": c.type(key),
            "range": c.execute_command("XRANGE", key, "-", "+"),
            "revrange": c.execute_command("XREVRANGE", key, "+", "-"),
            "len": c.xlen(key),
            "info": info if times else strip_times(info),
            "pending": pending,
            "pexpiretime": c.execute_command("PEXPIRETIME", key),
        }
        if times:
            out[key]["dump"] = c.dump(key)
    c.execute_command("SELECT", "3")
    out["db3"] = c.execute_command("XRANGE", "s:db3", "-", "+")
    c.execute_command("SELECT", "0")
    return out


def save_to(srv):
    with srv.raw() as conn:
        assert conn.command("SAVE") == "OK"
    return os.path.join(srv.dir, "dump.rdb")


def start_on(binary, directory, *args):
    srv = ServerProcess(binary, args=list(args), dir=directory)
    srv.start()
    return srv


# ------------------------------------------------------------------ RDB files


def test_redis_rdb_with_streams_loads_identically(server_binary, oracle_factory, tmp_path):
    oracle = oracle_factory()
    oc = oracle.client()
    populate(oc)
    expected = state(oc)
    path = save_to(oracle)
    shutil.copy(path, tmp_path / "dump.rdb")
    ours = start_on(server_binary, str(tmp_path))
    try:
        assert state(ours.client()) == expected
    finally:
        ours.stop()


def test_our_rdb_with_streams_loads_into_redis(make_server, oracle_factory, tmp_path):
    srv = make_server()
    c = srv.client()
    populate(c)
    expected = state(c)
    shutil.copy(save_to(srv), tmp_path / "dump.rdb")
    oracle = oracle_factory(dir_path=str(tmp_path))
    assert state(oracle.client()) == expected


def test_streams_survive_a_restart_and_debug_reload(make_server):
    srv = make_server("--save", "3600 1", "--enable-debug-command", "yes")
    c = srv.client()
    populate(c)
    expected = state(c)
    digest = c.execute_command("DEBUG", "DIGEST")
    values = {k: c.execute_command("DEBUG", "DIGEST-VALUE", k) for k in STREAM_KEYS}
    assert c.execute_command("DEBUG", "RELOAD") in (True, b"OK", "OK")
    assert state(c) == expected
    assert c.execute_command("DEBUG", "DIGEST") == digest
    assert {k: c.execute_command("DEBUG", "DIGEST-VALUE", k) for k in STREAM_KEYS} == values
    srv.restart()
    c = srv.client()
    assert state(c) == expected
    assert c.execute_command("DEBUG", "DIGEST") == digest


def fill_streams(c, n):
    """n stream keys of a few entries; every third with a group, pending
    entries and consumers."""
    p = c.pipeline(transaction=False)
    for i in range(n):
        k = "bg:%d" % i
        for j in range(1, 6):
            p.execute_command("XADD", k, "%d-%d" % (j, i), "f", j, "g", "v%d" % i)
        if i % 3 == 0:
            p.execute_command("XGROUP", "CREATE", k, "g", "0")
            p.execute_command("XREADGROUP", "GROUP", "g", "c%d" % (i % 7), "COUNT", "3",
                              "STREAMS", k, ">")
            p.execute_command("XGROUP", "CREATECONSUMER", k, "g", "idle")
    p.execute()


def mutate_streams(port, n, stop, counts):
    c = redis.Redis(port=port)
    i = done = 0
    while not stop.is_set():
        k = "bg:%d" % (i % n)
        op = i % 6
        if op == 0:
            c.execute_command("XADD", k, "*", "new", i)
        elif op == 1:
            c.execute_command("XDEL", k, "2-%d" % (i % n))
        elif op == 2:
            c.execute_command("XTRIM", k, "MAXLEN", "1")
        elif op == 3 and (i % n) % 3 == 0:
            c.execute_command("XACK", k, "g", "1-%d" % (i % n))
            c.execute_command("XGROUP", "DELCONSUMER", k, "g", "idle")
        elif op == 4 and (i % n) % 3 == 0:
            c.execute_command("XGROUP", "DESTROY", k, "g")
        elif op == 5:
            c.delete(k)
        i += 1
        done += 1
    counts.append(done)


def test_bgsave_of_streams_is_point_in_time_under_writes(make_server):
    # A background save writes each stream as it was when the save began,
    # whatever later commands do to it (here: copied before the change).
    srv = make_server("--enable-debug-command", "yes")
    c = srv.client()
    n = 3000
    fill_streams(c, n)
    dumps = {k: c.dump(k) for k in c.scan_iter(match="bg:*", count=1000)}
    assert len(dumps) == n
    digest = c.execute_command("DEBUG", "DIGEST")
    c.config_set("rdb-key-save-delay", 300)  # about a second for 3000 keys
    assert c.bgsave()
    stop = threading.Event()
    counts = []
    writer = threading.Thread(target=mutate_streams, args=(srv.port, n, stop, counts))
    writer.start()
    try:
        deadline = time.time() + 60
        while c.info("persistence")["rdb_bgsave_in_progress"]:
            assert time.time() < deadline, "BGSAVE did not end"
            time.sleep(0.02)
    finally:
        stop.set()
        writer.join()
    assert counts[0] > 300, "the writes should overlap the save"
    assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert c.execute_command("DEBUG", "DIGEST") != digest
    c.config_set("rdb-key-save-delay", 0)
    assert c.execute_command("DEBUG", "RELOAD", "NOSAVE") in (True, b"OK", "OK")
    assert c.execute_command("DEBUG", "DIGEST") == digest
    assert {k: c.dump(k) for k in dumps} == dumps


# ------------------------------------------------------------------ DUMP / RESTORE


def test_dump_payloads_cross_both_ways(make_server, oracle_factory):
    srv = make_server()
    oracle = oracle_factory()
    c, oc = srv.client(), oracle.client()
    populate(oc)
    populate(c)
    for key in STREAM_KEYS:
        theirs = oc.dump(key)
        c.restore(b"from-redis", 0, theirs, replace=True)
        assert c.dump(b"from-redis") == theirs, key
        assert c.xrange(b"from-redis") == oc.xrange(key)
        ours = c.dump(key)
        oc.restore(b"from-osprey", 0, ours, replace=True)
        assert oc.dump(b"from-osprey") == ours, key
        assert oc.xrange(b"from-osprey") == c.xrange(key)


def test_restore_refuses_damaged_stream_payloads(make_server):
    srv = make_server()
    c = srv.client()
    populate(c)
    payload = c.dump(b"s:groups")
    raw = srv.raw()
    refused = 0
    # Cut short, and each byte of the value changed: refused or loaded into
    # a stream that dumps and loads again; never a crash.
    for cut in range(1, len(payload) - 10, 7):
        assert raw.error("RESTORE", "cut", "0", payload[:cut], "REPLACE").startswith("ERR")
    body = payload[:-10]
    for i in range(1, len(body), 3):
        bad = bytearray(body)
        bad[i] ^= 0x41
        raw.send_command("RESTORE", "flip", "0", bytes(bad) + payload[-10:], "REPLACE")
        reply = raw.read_reply()
        if not isinstance(reply, str):
            refused += 1
    assert refused > 0
    assert c.ping()


# ------------------------------------------------------------------ AOF


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_redis_aof_with_streams_loads_identically(server_binary, tmp_path, preamble):
    d = str(tmp_path)
    oracle = start_on(ORACLE, d, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble)
    try:
        oc = oracle.client()
        populate(oc)
        oc.bgrewriteaof()
        wait_rewrite_done(oc)
        # After the rewrite: commands in the incremental file.
        xadd(oc, "s:nodes", "2000-0", "after", "rewrite")
        oc.execute_command("XREADGROUP", "GROUP", "g", "carol", "COUNT", "2", "STREAMS",
                           "s:groups", ">")
        oc.execute_command("XGROUP", "CREATECONSUMER", "s:empty", "g1", "late")
    finally:
        oracle.stop()
    # Both servers replay the same directory; times are the replay's.
    oracle = start_on(ORACLE, d, "--appendonly", "yes")
    try:
        expected = state(oracle.client(), times=False)
    finally:
        oracle.stop()
    ours = start_on(server_binary, d, "--appendonly", "yes")
    try:
        assert state(ours.client(), times=False) == expected
    finally:
        ours.stop()


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_our_aof_with_streams_loads_into_redis(make_server, preamble):
    srv = make_server("--appendonly", "yes", "--aof-use-rdb-preamble", preamble,
                      "--enable-debug-command", "yes")
    c = srv.client()
    populate(c, aof_safe=True)
    c.bgrewriteaof()
    wait_rewrite_done(c)
    kind = "seq 2 type b"
    assert any(line.endswith(kind) for line in manifest_lines(srv))
    xadd(c, "s:nodes", "2000-0", "after", "rewrite")
    xadd(c, "s:nodes", "2000-1", "after", "rewrite")
    c.execute_command("XDEL", "s:nodes", "2000-1")
    expected = state(c, times=preamble == "yes")
    # DEBUG LOADAOF reads back what was written.
    assert c.execute_command("DEBUG", "LOADAOF") in (True, b"OK", "OK")
    assert state(c, times=preamble == "yes") == expected
    srv.stop()
    oracle = ServerProcess(ORACLE, args=["--appendonly", "yes"], dir=srv.dir)
    oracle.start()
    try:
        assert state(oracle.client(), times=preamble == "yes") == expected
    finally:
        oracle.stop()


def test_aof_rewrite_keeps_stream_digests(make_server):
    srv = make_server("--appendonly", "yes", "--aof-use-rdb-preamble", "no",
                      "--enable-debug-command", "yes")
    c = srv.client()
    populate(c, aof_safe=True)
    digest = c.execute_command("DEBUG", "DIGEST")
    c.bgrewriteaof()
    wait_rewrite_done(c)
    assert c.execute_command("DEBUG", "LOADAOF") in (True, b"OK", "OK")
    assert c.execute_command("DEBUG", "DIGEST") == digest
    assert c.xlen("s:empty") == 0 and c.exists("s:empty") == 1


def test_aof_rewrite_drops_pending_entries_of_deleted_entries(make_server):
    # XCLAIM of an entry no longer in the stream claims nothing, in Redis
    # as here: the rewrite's XCLAIM ... FORCE of 3-1 leaves it out.
    srv = make_server("--appendonly", "yes", "--aof-use-rdb-preamble", "no",
                      "--enable-debug-command", "yes")
    c = srv.client()
    populate(c)
    assert [p[0] for p in pending_without_times(c, "s:groups", "g")][:2] == [b"1-1", b"3-1"]
    c.bgrewriteaof()
    wait_rewrite_done(c)
    assert c.execute_command("DEBUG", "LOADAOF") in (True, b"OK", "OK")
    assert [p[0] for p in pending_without_times(c, "s:groups", "g")][:2] == [b"1-1", b"4-1"]


# ------------------------------------------------------------------ check tool


def _check_rdb_tool(server_binary):
    folder = os.path.dirname(server_binary)
    for name in ("osprey-check-rdb", "redis-check-rdb"):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
    pytest.skip("no osprey-check-rdb (or redis-check-rdb) next to %s" % server_binary)


@pytest.mark.parametrize("writer", ["under-test", "redis"])
def test_check_rdb_reads_streams(server_binary, make_server, oracle_factory, tmp_path, writer):
    tool = _check_rdb_tool(server_binary)
    srv = make_server() if writer == "under-test" else oracle_factory()
    populate(srv.client())
    path = save_to(srv)
    proc = subprocess.run([tool, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60)
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode == 0, out
    assert "RDB looks OK" in out
    assert "keys read" in out
    with open(path, "rb") as f:
        data = bytearray(f.read())
    # Break the first node of s:nodes: after the key, the node count and
    # the 16-byte node key comes the listpack, plain (its total size first)
    # or LZF (its compressed length first); either way, change that.
    at = data.find(b"\x07s:nodes")
    assert at > 0
    bad = tmp_path / "bad.rdb"
    data[at + 8 + 1 + 17 + 1] ^= 0x01
    bad.write_bytes(bytes(data))
    proc = subprocess.run([tool, str(bad)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60)
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode != 0, out
    assert "s:nodes" in out
