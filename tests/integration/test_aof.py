"""The append-only file: data survives restarts through appendonlydir (Redis
7's multi-part layout), CONFIG SET appendonly, BGREWRITEAOF, torn and corrupt
files at start-up, SIGKILL under appendfsync always, and files exchanged
with a real redis-server 7.0 in both directions."""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time

import pytest

from server_process import ServerProcess, ServerStartError

ORACLE = "/usr/bin/redis-server"
AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"


def aof_path(srv, name=""):
    return os.path.join(srv.dir, AOF_DIR, name)


def manifest_lines(srv):
    with open(aof_path(srv, MANIFEST)) as f:
        return [line for line in f.read().splitlines() if line]


def last_incr(srv):
    incrs = [l.split()[1] for l in manifest_lines(srv) if l.endswith("type i")]
    return aof_path(srv, incrs[-1])


def wait_rewrite_done(c, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        info = c.info("persistence")
        if info["aof_rewrite_in_progress"] == 0 and info["aof_rewrite_scheduled"] == 0:
            return info
        assert time.monotonic() < deadline, "AOF rewrite did not finish"
        time.sleep(0.05)


def populate(c):
    """Several types, expire times, rewritten commands, two databases."""
    c.set("str", "hello")
    c.set("int", 12345)
    c.set("ttl", "v", ex=1000)
    c.expire("str", 5000)
    c.incrbyfloat("float", "1.1")
    c.incrbyfloat("float", "2.2")
    c.rpush("list", *[f"e{i}" for i in range(200)])
    c.lpop("list")
    c.hset("hash", mapping={"a": "1", "b": "2"})
    c.hincrbyfloat("hash", "a", "0.5")
    c.sadd("set", *range(50))
    c.spop("set")
    c.spop("set", 5)
    c.zadd("zset", {"x": 1, "y": 2.5, "z": -3})
    c.zincrby("zset", 10, "x")
    with c.pipeline(transaction=True) as p:
        p.set("tx1", "a")
        p.incr("tx2")
        p.execute()
    c.set("gone", "x")
    c.delete("gone")
    c.execute_command("SELECT", 3)
    c.set("db3key", "in three")
    c.execute_command("SELECT", 0)


def snapshot(c):
    """Every key in every database with its value and (rounded) TTL."""
    out = {}
    for db in range(16):
        c.execute_command("SELECT", db)
        for key in sorted(c.keys("*")):
            ttl = c.pttl(key)
            out[(db, key)] = (c.type(key), c.dump(key), -1 if ttl < 0 else round(ttl / 10000.0))
    c.execute_command("SELECT", 0)
    return out


def contents(c):
    """Every key's type, value and expire time, in a form both servers
    give the same (DUMP and DEBUG DIGEST may differ in encodings)."""
    out = {}
    for db in range(16):
        c.execute_command("SELECT", db)
        for key in sorted(c.keys("*")):
            t = c.type(key)
            if t == b"string":
                v = c.get(key)
            elif t == b"list":
                v = tuple(c.lrange(key, 0, -1))
            elif t == b"hash":
                v = tuple(sorted(c.hgetall(key).items()))
            elif t == b"set":
                v = tuple(sorted(c.smembers(key)))
            else:
                v = tuple(c.zrange(key, 0, -1, withscores=True))
            # Absolute: the same however long the comparison takes.
            out[(db, key)] = (t, v, c.pexpiretime(key))
    c.execute_command("SELECT", 0)
    return out


def digest(c):
    return c.execute_command("DEBUG", "DIGEST")


def test_restart_keeps_everything(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    populate(c)
    before, dig = snapshot(c), digest(c)
    assert before[(3, b"db3key")][0] == b"string"
    srv.restart()
    c = srv.client()
    assert snapshot(c) == before
    assert digest(c) == dig
    assert c.info("persistence")["aof_enabled"] == 1


def test_layout_and_manifest_format(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.set("k", "v")
    lines = manifest_lines(srv)
    assert len(lines) == 2
    assert re.fullmatch(r"file appendonly\.aof\.(\d+)\.base\.rdb seq \1 type b", lines[0])
    assert re.fullmatch(r"file appendonly\.aof\.(\d+)\.incr\.aof seq \1 type i", lines[1])
    for line in lines:
        assert os.path.exists(aof_path(srv, line.split()[1]))
    with open(aof_path(srv, lines[0].split()[1]), "rb") as f:
        assert f.read(5) == b"REDIS"
    with open(last_incr(srv), "rb") as f:
        data = f.read()
    assert data.lower().endswith(b"*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n")
    assert data.startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")


def test_relative_expire_is_stored_absolute(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.set("k", "v")
    c.expire("k", 100)
    at = c.pexpiretime("k") if hasattr(c, "pexpiretime") else c.execute_command("PEXPIRETIME", "k")
    with open(last_incr(srv), "rb") as f:
        data = f.read()
    assert b"PEXPIREAT\r\n$1\r\nk\r\n$13\r\n%d\r\n" % at in data
    assert b"expire\r\n" not in data.lower().replace(b"pexpireat", b"")


def test_config_set_appendonly_then_restart(make_server):
    srv = make_server()
    c = srv.client()
    c.set("before", "1")
    c.rpush("l", "a", "b")
    assert not os.path.exists(aof_path(srv, MANIFEST))
    assert c.config_set("appendonly", "yes")
    wait_rewrite_done(c)
    assert c.info("persistence")["aof_enabled"] == 1
    assert os.path.exists(aof_path(srv, MANIFEST))
    c.set("after", "2")
    dig = digest(c)
    srv.extra_args += ["--appendonly", "yes"]
    srv.restart()
    c = srv.client()
    assert c.get("before") == b"1" and c.get("after") == b"2"
    assert digest(c) == dig
    # Switching off stops appending.
    assert c.config_set("appendonly", "no")
    assert c.info("persistence")["aof_enabled"] == 0
    size = os.path.getsize(last_incr(srv))
    c.set("not-logged", "x")
    time.sleep(0.1)
    assert os.path.getsize(last_incr(srv)) == size


def test_bgrewriteaof_starts_new_files(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    for i in range(100):
        c.incr("counter")
    old = manifest_lines(srv)
    assert c.bgrewriteaof() in (True, b"Background append only file rewriting started",
                                "Background append only file rewriting started")
    wait_rewrite_done(c)
    deadline = time.monotonic() + 10
    while manifest_lines(srv) == old and time.monotonic() < deadline:
        time.sleep(0.05)
    new = manifest_lines(srv)
    assert new != old
    assert not any(l.endswith("type h") for l in new) or len(new) > 2
    c.incr("counter")
    srv.restart()
    assert srv.client().get("counter") == b"101"


def test_info_persistence_aof_fields(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.set("k", "v" * 100)
    info = c.info("persistence")
    assert info["aof_enabled"] == 1
    assert info["aof_last_write_status"] == "ok"
    assert info["aof_rewrite_in_progress"] == 0
    assert info["aof_current_size"] > max(100, info["aof_base_size"])
    assert info["aof_buffer_length"] == 0
    c.config_set("appendonly", "no")
    info = c.info("persistence")
    assert info["aof_enabled"] == 0
    assert "aof_current_size" not in info


def test_bgrewriteaof_arity(make_server):
    srv = make_server()
    raw = srv.raw()
    assert raw.error("BGREWRITEAOF", "x") == \
        "ERR wrong number of arguments for 'bgrewriteaof' command"
    assert raw.error("CONFIG", "SET", "appendfsync", "sometimes").startswith(
        "ERR CONFIG SET failed (possibly related to argument 'appendfsync')")


def test_truncated_tail_is_cut_with_aof_load_truncated(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.set("a", "1")
    c.set("b", "2")
    srv.stop()
    incr = last_incr(srv)
    good_size = os.path.getsize(incr)
    with open(incr, "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nxy")
    srv.start(port=srv.port)
    c = srv.client()
    assert c.get("a") == b"1" and c.get("b") == b"2" and c.get("c") is None
    assert os.path.getsize(incr) == good_size
    assert "Truncating the AOF" in srv.log_tail(200)
    c.set("d", "4")
    srv.restart()
    assert srv.client().get("d") == b"4"


@pytest.mark.server_may_exit
@pytest.mark.parametrize("args,tail,message", [
    (("--aof-load-truncated", "no"), b"*2\r\n$3\r\nDEL\r\n$1",
     "Unexpected end of file reading the append only file"),
    ((), b"this is no command\r\n*1\r\n$4\r\nPING\r\n",
     "Bad file format reading the append only file"),
], ids=["truncated-tail-without-aof-load-truncated", "corrupt-file"])
def test_damaged_file_refused(make_server, args, tail, message):
    srv = make_server("--appendonly", "yes", *args)
    srv.client().set("a", "1")
    srv.stop()
    with open(last_incr(srv), "ab") as f:
        f.write(tail)
    with pytest.raises(ServerStartError):
        srv.start(port=srv.port)
    assert message in srv.log_tail(200)


@pytest.mark.server_may_exit
def test_incomplete_multi_is_reverted(make_server):
    srv = make_server("--appendonly", "yes")
    srv.client().set("a", "1")
    srv.stop()
    incr = last_incr(srv)
    size = os.path.getsize(incr)
    with open(incr, "ab") as f:
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n2\r\n")
    srv.start(port=srv.port)
    assert srv.client().get("a") == b"1"
    assert os.path.getsize(incr) == size


def test_kill9_with_appendfsync_always_keeps_acknowledged_writes(make_server):
    srv = make_server("--appendonly", "yes", "--appendfsync", "always")
    rng = random.Random(7)
    acked = 0
    for kills in range(1, 4):
        c = srv.client()
        stop = threading.Event()
        state = {"acked": acked}

        def writer():
            try:
                while not stop.is_set():
                    v = c.incr("counter")
                    c.rpush("log", v)
                    state["acked"] = v
            except Exception:
                pass

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(rng.uniform(0.3, 1.0))
        os.kill(srv.pid, signal.SIGKILL)
        srv.proc.wait()
        stop.set()
        t.join()
        acked = state["acked"]
        srv.start(port=srv.port)
        c = srv.client()
        got = int(c.get("counter") or 0)
        # Every acknowledged INCR is there; at most the one in flight more.
        assert acked <= got <= acked + 1
        # Each kill may fall between an INCR and its RPUSH.
        assert got - kills <= c.llen("log") <= got
        acked = got
    assert acked > 0


def test_redis_loads_what_osprey_wrote(make_server, server_binary):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    populate(c)
    before = contents(c)
    assert len(before) > 10
    srv.stop()
    oracle = ServerProcess(ORACLE, args=["--appendonly", "yes"], dir=srv.dir)
    oracle.start()
    try:
        oc = oracle.client()
        assert contents(oc) == before
    finally:
        oracle.stop()


def test_osprey_loads_what_redis_wrote(make_server, server_binary, tmp_path_factory):
    d = str(tmp_path_factory.mktemp("oracle-aof"))
    oracle = ServerProcess(ORACLE, args=["--appendonly", "yes"], dir=d)
    oracle.start()
    try:
        oc = oracle.client()
        populate(oc)
        oc.bgrewriteaof()
        wait_rewrite_done(oc)
        oc.set("after-rewrite", "yes")
        oc.expire("int", 777)
        before = contents(oc)
        assert len(before) > 10
    finally:
        oracle.stop()
    srv = ServerProcess(server_binary, args=["--appendonly", "yes"], dir=d)
    srv.start()
    try:
        c = srv.client()
        assert contents(c) == before
    finally:
        srv.stop()


def test_auto_rewrite_when_the_aof_grows(make_server):
    srv = make_server("--appendonly", "yes", "--auto-aof-rewrite-min-size", "4096",
                      "--auto-aof-rewrite-percentage", "50")
    c = srv.client()
    first = manifest_lines(srv)[0]
    for i in range(200):
        c.set(f"key:{i}", "x" * 100)
    deadline = time.monotonic() + 10
    while manifest_lines(srv)[0] == first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert manifest_lines(srv)[0] != first
    wait_rewrite_done(c)
    assert c.info("persistence")["aof_rewrites"] >= 1
    srv.restart()
    assert srv.client().dbsize() == 200


def test_debug_loadaof(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.set("a", "1")
    c.hset("h", "f", "v")
    assert c.execute_command("DEBUG", "LOADAOF") in (True, b"OK", "OK")
    assert c.get("a") == b"1" and c.hget("h", "f") == b"v" and c.dbsize() == 2


def test_base_without_rdb_preamble_loads_here_and_in_redis(make_server):
    srv = make_server("--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    c = srv.client()
    populate(c)
    c.bgrewriteaof()
    wait_rewrite_done(c)
    deadline = time.monotonic() + 10
    while not manifest_lines(srv)[0].endswith("seq 2 type b") and time.monotonic() < deadline:
        time.sleep(0.05)
    base = manifest_lines(srv)[0].split()[1]
    assert base.endswith(".base.aof")
    with open(aof_path(srv, base), "rb") as f:
        assert f.read(1) == b"*"
    c.set("after", "1")
    before = contents(c)
    srv.restart()
    assert contents(srv.client()) == before
    srv.stop()
    oracle = ServerProcess(ORACLE, args=["--appendonly", "yes"], dir=srv.dir)
    oracle.start()
    try:
        assert contents(oracle.client()) == before
    finally:
        oracle.stop()


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_bgrewriteaof_under_writes_keeps_every_write(make_server, preamble):
    """The rewrite runs while clients write; whatever they were told is
    done is in the files afterwards (base plus the new incremental file),
    here and for a real Redis reading the same directory."""
    from test_bgsave import fill_every_type, mutate

    srv = make_server("--appendonly", "yes", "--aof-use-rdb-preamble", preamble)
    c = srv.client()
    fill_every_type(c, 10000)
    c.config_set("rdb-key-save-delay", 100)  # about a second for 10k keys
    assert c.bgrewriteaof()
    assert c.info("persistence")["aof_rewrite_in_progress"] == 1
    stop = threading.Event()
    counts = []
    writers = [threading.Thread(target=mutate, args=(srv.port, db, 7 + db, stop, counts))
               for db in (0, 1)]
    for t in writers:
        t.start()
    try:
        wait_rewrite_done(c, timeout=60)
    finally:
        stop.set()
        for t in writers:
            t.join()
    assert sum(counts) > 500, "the writes should overlap the rewrite"
    info = c.info("persistence")
    assert info["aof_last_bgrewrite_status"] == "ok"
    assert len([l for l in manifest_lines(srv) if l.endswith("type b")]) == 1
    c.config_set("rdb-key-save-delay", 0)
    before = contents(c)
    d = digest(c)
    assert c.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert digest(c) == d
    srv.stop()
    oracle = ServerProcess(ORACLE, args=["--appendonly", "yes"], dir=srv.dir)
    oracle.start()
    try:
        assert contents(oracle.client()) == before
    finally:
        oracle.stop()


def test_bgrewriteaof_is_scheduled_behind_a_bgsave(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.mset({"k%d" % i: i for i in range(2000)})
    c.config_set("rdb-key-save-delay", 500)  # a one-second BGSAVE
    assert c.bgsave()
    with srv.raw() as conn:
        assert conn.command("BGREWRITEAOF") == "Background append only file rewriting scheduled"
    assert c.info("persistence")["aof_rewrite_scheduled"] == 1
    c.config_set("rdb-key-save-delay", 0)
    wait_rewrite_done(c, timeout=20)
    assert c.info("persistence")["aof_last_bgrewrite_status"] == "ok"
