"""RDB files between the server under test and a real redis-server 7.0: a
file Redis saved (every type and encoding, several databases, expire times)
loads at start-up with every key equal; a file the server under test saved
loads into Redis the same way; data survives SHUTDOWN and a restart; DEBUG
RELOAD keeps the data set; a corrupt file stops the start-up.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

from server_process import ServerProcess, ServerStartError

ORACLE = "/usr/bin/redis-server"
FAR_FUTURE_MS = 4102444800000  # 2100-01-01


def populate(c):
    """Every type and encoding, small and large, in databases 0, 1 and 9."""
    c.flushall()
    c.set("str", "hello")
    c.set("int", 123456)
    c.set("raw", "z" * 500)
    c.set("binary", bytes(range(256)))
    c.set("ttl", "x")
    c.pexpireat("ttl", FAR_FUTURE_MS)
    c.rpush("list", "a", "b", 1, 2)
    c.rpush("biglist", *["element-%d" % i for i in range(5000)])
    c.sadd("intset", 1, 2, 3, -40000, 5000000000)
    c.sadd("set", "a", "b", "c")
    c.sadd("bigset", *["m%d" % i for i in range(1000)])
    c.zadd("zset", {"a": 1, "b": 2.5, "c": float("inf")})
    c.zadd("bigzset", {"z%d" % i: i / 3 for i in range(500)})
    c.hset("hash", mapping={"f": "v", "n": 1})
    c.hset("bighash", mapping={"f%d" % i: "v%d" % i for i in range(700)})
    c.execute_command("SELECT", "1")
    c.set("in-db1", "one")
    c.hset("h1", "a", "b")
    c.pexpireat("h1", FAR_FUTURE_MS + 1)
    c.execute_command("SELECT", "9")
    c.zadd("z9", {"only": 9})
    c.execute_command("SELECT", "0")


def snapshot(srv):
    """Every key of the databases in use: type, contents, expire time."""
    out = {}
    c = srv.client()
    try:
        for db in (0, 1, 9):
            c.execute_command("SELECT", db)
            for key in c.scan_iter(count=1000):
                kind = c.type(key)
                if kind == b"string":
                    value = c.get(key)
                elif kind == b"list":
                    value = c.lrange(key, 0, -1)
                elif kind == b"set":
                    value = sorted(c.smembers(key))
                elif kind == b"zset":
                    value = c.zrange(key, 0, -1, withscores=True)
                else:
                    value = sorted(c.hgetall(key).items())
                out[(db, key)] = (kind, value, c.pexpiretime(key), c.object("encoding", key))
    finally:
        c.close()
    return out


def save_to(srv):
    with srv.raw() as conn:
        assert conn.command("SAVE") == "OK"
    return os.path.join(srv.dir, "dump.rdb")


def test_redis_file_loads_at_startup(server_binary, oracle_factory, make_server, tmp_path):
    oracle = oracle_factory()
    populate(oracle.client())
    expected = snapshot(oracle)
    path = save_to(oracle)
    data_dir = tmp_path / "ours"
    data_dir.mkdir()
    shutil.copy(path, data_dir / "dump.rdb")
    ours = ServerProcess(server_binary, dir=str(data_dir))
    try:
        ours.start()
        assert snapshot(ours) == expected
        with ours.raw() as conn:
            info = conn.command("INFO", "persistence").decode()
        assert "rdb_last_load_keys_loaded:17" in info
    finally:
        ours.stop()


def test_our_file_loads_into_redis(server, oracle_factory, tmp_path):
    populate(server.client())
    expected = snapshot(server)
    path = save_to(server)
    data_dir = tmp_path / "redis"
    data_dir.mkdir()
    shutil.copy(path, data_dir / "dump.rdb")
    oracle = oracle_factory(dir_path=str(data_dir))
    assert snapshot(oracle) == expected
    server.client().flushall()


@pytest.mark.server_may_exit
def test_data_survives_shutdown_and_restart(make_server):
    srv = make_server("--save", "3600 1")
    populate(srv.client())
    expected = snapshot(srv)
    with srv.raw() as conn:
        conn.send_command("SHUTDOWN")
        conn.recv_until_closed()
    srv.proc.wait(timeout=10)
    assert os.path.exists(os.path.join(srv.dir, "dump.rdb"))
    srv.start()
    assert snapshot(srv) == expected


def test_sigterm_saves_with_save_points(make_server):
    srv = make_server("--save", "3600 1")
    c = srv.client()
    c.set("k", "v")
    c.close()
    srv.stop()
    srv.start()
    assert srv.client().get("k") == b"v"


@pytest.mark.server_may_exit
def test_shutdown_nosave_writes_nothing(make_server):
    srv = make_server("--save", "3600 1")
    srv.client().set("k", "v")
    with srv.raw() as conn:
        conn.send_command("SHUTDOWN", "NOSAVE")
        conn.recv_until_closed()
    srv.proc.wait(timeout=10)
    assert not os.path.exists(os.path.join(srv.dir, "dump.rdb"))


def test_save_and_lastsave(r, raw):
    r.set("a", 1)
    before = raw.command("LASTSAVE")
    time.sleep(1.1)
    assert raw.command("SAVE") == "OK"
    after = raw.command("LASTSAVE")
    assert after > before
    info = raw.command("INFO", "persistence").decode()
    assert "rdb_changes_since_last_save:0" in info
    assert "rdb_last_bgsave_status:ok" in info


def test_debug_reload_keeps_the_data(server, raw):
    populate(server.client())
    expected = snapshot(server)
    digest = raw.command("DEBUG", "DIGEST")
    assert raw.command("DEBUG", "RELOAD") == "OK"
    assert raw.command("DEBUG", "DIGEST") == digest
    assert snapshot(server) == expected
    assert raw.error("DEBUG", "RELOAD", "SOMETIMES") == \
        "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."


@pytest.mark.server_may_exit
def test_corrupt_file_stops_the_startup(server_binary, tmp_path, oracle_factory):
    oracle = oracle_factory()
    oracle.client().rpush("l", *range(100))
    path = save_to(oracle)
    data = bytearray(open(path, "rb").read())
    data_dir = tmp_path / "corrupt"
    data_dir.mkdir()
    # Cut the file in the middle of the list.
    with open(data_dir / "dump.rdb", "wb") as f:
        f.write(bytes(data[: len(data) // 2]))
    srv = ServerProcess(server_binary, dir=str(data_dir))
    with pytest.raises(ServerStartError):
        srv.start()
    log = srv.log_tail()
    assert "offset" in log.lower() or "eof" in log.lower(), log
    srv.stop()


@pytest.mark.server_may_exit
def test_wrong_checksum_stops_the_startup(server_binary, tmp_path, oracle_factory):
    oracle = oracle_factory()
    oracle.client().set("k", "v")
    path = save_to(oracle)
    data = bytearray(open(path, "rb").read())
    data[-1] ^= 0xFF
    data_dir = tmp_path / "crc"
    data_dir.mkdir()
    with open(data_dir / "dump.rdb", "wb") as f:
        f.write(bytes(data))
    srv = ServerProcess(server_binary, dir=str(data_dir))
    with pytest.raises(ServerStartError):
        srv.start()
    assert "checksum" in srv.log_tail().lower()
    srv.stop()
