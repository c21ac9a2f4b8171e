"""BGSAVE: a point-in-time snapshot taken while the server keeps serving
(without fork here), its replies and INFO fields, save points, FLUSHALL
aborting it, SHUTDOWN during one, and MISCONF after a failed one.

rdb-key-save-delay (microseconds per key, a test knob Redis has too)
stretches a save so that writes happen while it runs.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import threading
import time

import pytest
import redis

from server_process import ServerProcess
from test_rdb_files import ORACLE, snapshot as dump_all


def wait_bgsave_done(c, timeout=30.0):
    deadline = time.time() + timeout
    while c.info("persistence")["rdb_bgsave_in_progress"]:
        assert time.time() < deadline, "BGSAVE did not end"
        time.sleep(0.02)


def fill_every_type(c, n):
    p = c.pipeline(transaction=False)
    for i in range(n):
        k = "k%d" % i
        kind = i % 5
        if kind == 0:
            p.set(k, "v%d" % i)
        elif kind == 1:
            p.rpush(k, *["e%d" % j for j in range(i % 7 + 1)])
        elif kind == 2:
            p.hset(k, mapping={"f%d" % j: j for j in range(i % 5 + 1)})
        elif kind == 3:
            p.sadd(k, *range(i % 9 + 1))
        else:
            p.zadd(k, {"m%d" % j: j for j in range(i % 6 + 1)})
        if i % 3 == 0:
            p.pexpire(k, 10_000_000)
        if i % 1000 == 999:
            p.execute()
    p.execute()


def mutate(port, db, seed, stop, counter):
    """Writes of every kind against keys of db 0 and 1 until `stop` is set."""
    w = redis.Redis(port=port, db=db)
    rnd = random.Random(seed)
    n = 0
    while not stop.is_set():
        k = "k%d" % rnd.randrange(25000)
        op = rnd.randrange(13)
        try:
            if op == 0:
                w.set(k, "new")
            elif op == 1:
                w.delete(k)
            elif op == 2:
                w.rpush(k, "x")
            elif op == 3:
                w.hset(k, "nf", "1")
            elif op == 4:
                w.sadd(k, "zz")
            elif op == 5:
                w.zadd(k, {"q": 1})
            elif op == 6:
                w.expire(k, 100000)
            elif op == 7:
                w.rename(k, "k%d" % rnd.randrange(25000))
            elif op == 8:
                w.move(k, 1 - db)
            elif op == 9:
                w.persist(k)
            elif op == 10:
                w.copy(k, "k%d" % rnd.randrange(25000), replace=True)
            elif op == 11:
                w.set("new%d" % rnd.randrange(10**9), "born during the save")
            else:
                w.lpop(k)
        except redis.ResponseError:
            pass  # wrong type, missing key: still a request that ran
        n += 1
    counter.append(n)
    w.close()


def test_bgsave_is_point_in_time_under_writes(make_server, tmp_path):
    srv = make_server()
    c = srv.client()
    fill_every_type(c, 20000)
    redis.Redis(port=srv.port, db=1).mset({"d1:%d" % i: i for i in range(500)})
    expected = dump_all(srv)
    digest = c.execute_command("DEBUG", "DIGEST")
    c.config_set("rdb-key-save-delay", 50)  # about a second for 20k keys
    assert c.bgsave()
    stop = threading.Event()
    counts = []
    writers = [threading.Thread(target=mutate, args=(srv.port, db, db, stop, counts))
               for db in (0, 1)]
    for t in writers:
        t.start()
    try:
        wait_bgsave_done(c)
    finally:
        stop.set()
        for t in writers:
            t.join()
    assert sum(counts) > 1000, "the writes should overlap the save"
    assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert c.execute_command("DEBUG", "DIGEST") != digest

    # The file is the data set as it was when BGSAVE ran: here...
    c.config_set("rdb-key-save-delay", 0)
    assert c.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert c.execute_command("DEBUG", "DIGEST") == digest
    # ...and in a real Redis, which refuses a file with a key twice.
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()
    shutil.copy(os.path.join(srv.dir, "dump.rdb"), redis_dir / "dump.rdb")
    oracle = ServerProcess(ORACLE, dir=str(redis_dir))
    try:
        oracle.start()
        assert dump_all(oracle) == expected
    finally:
        oracle.stop()


def test_bgsave_replies_and_info(fresh_server):
    c = fresh_server.client()
    fill_every_type(c, 2000)
    assert c.info("persistence")["rdb_changes_since_last_save"] > 0
    with pytest.raises(redis.ResponseError, match="syntax error"):
        c.execute_command("BGSAVE", "NOW")
    c.config_set("rdb-key-save-delay", 1000)  # 2000 keys: about two seconds
    with fresh_server.raw() as conn:
        assert conn.command("BGSAVE") == "Background saving started"
    info = c.info("persistence")
    assert info["rdb_bgsave_in_progress"] == 1
    assert info["rdb_current_bgsave_time_sec"] >= 0
    with pytest.raises(redis.ResponseError, match="Background save already in progress"):
        c.execute_command("BGSAVE")
    with pytest.raises(redis.ResponseError, match="Background save already in progress"):
        c.execute_command("BGSAVE", "SCHEDULE")
    with pytest.raises(redis.ResponseError, match="Background save already in progress"):
        c.execute_command("SAVE")
    c.set("during", "the save")  # not in the file, still counted as a change
    c.config_set("rdb-key-save-delay", 0)
    wait_bgsave_done(c)
    info = c.info("persistence")
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_current_bgsave_time_sec"] == -1
    assert info["rdb_last_bgsave_time_sec"] >= 0
    assert info["rdb_changes_since_last_save"] == 1
    assert os.path.exists(os.path.join(fresh_server.dir, "dump.rdb"))
    assert not glob.glob(os.path.join(fresh_server.dir, "temp-*.rdb"))


def test_bgsave_inside_multi_is_scheduled(fresh_server):
    c = fresh_server.client()
    c.set("a", 1)
    with fresh_server.raw() as conn:
        assert conn.command("MULTI") == "OK"
        assert conn.command("BGSAVE") == "QUEUED"
        assert conn.command("EXEC") == ["Background saving scheduled"]
    deadline = time.time() + 10
    while not os.path.exists(os.path.join(fresh_server.dir, "dump.rdb")):
        assert time.time() < deadline, "the scheduled BGSAVE never ran"
        time.sleep(0.05)
    wait_bgsave_done(c)
    assert c.info("persistence")["rdb_changes_since_last_save"] == 0


def test_flushall_aborts_bgsave(fresh_server):
    c = fresh_server.client()
    c.config_set("save", "")
    c.config_set("rdb-key-save-delay", 1000)  # 5000 keys: five seconds
    fill_every_type(c, 5000)
    assert c.info("persistence")["rdb_changes_since_last_save"] > 999
    assert c.bgsave()
    assert c.info("persistence")["rdb_bgsave_in_progress"] == 1
    c.flushall()
    deadline = time.time() + 1
    while c.info("persistence")["rdb_bgsave_in_progress"]:
        assert time.time() < deadline, "bgsave not aborted"
        time.sleep(0.05)
    # Nothing was saved: the change count is still high, no file is left.
    assert c.info("persistence")["rdb_changes_since_last_save"] > 999
    assert not os.path.exists(os.path.join(fresh_server.dir, "dump.rdb"))
    assert not glob.glob(os.path.join(fresh_server.dir, "temp-*.rdb"))
    assert c.set("x", "xx")


def test_flushdb_and_swapdb_during_bgsave_keep_the_snapshot(fresh_server):
    c = fresh_server.client()
    fill_every_type(c, 3000)
    c1 = redis.Redis(port=fresh_server.port, db=1)
    c1.set("one", "1")
    expected = dump_all(fresh_server)
    c.config_set("rdb-key-save-delay", 500)
    assert c.bgsave()
    c.swapdb(0, 1)
    c.flushdb()  # now db 0 holds what was db 1
    c.config_set("rdb-key-save-delay", 0)
    wait_bgsave_done(c)
    assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
    c.execute_command("DEBUG", "RELOAD", "NOSAVE")
    assert dump_all(fresh_server) == expected


def test_save_point_starts_a_bgsave(fresh_server):
    c = fresh_server.client()
    before = c.lastsave()
    c.config_set("save", "1 1")
    c.set("a", "b")
    deadline = time.time() + 10
    while c.lastsave() == before or c.info("persistence")["rdb_bgsave_in_progress"]:
        assert time.time() < deadline, "no save after the save point was reached"
        time.sleep(0.1)
    assert c.info("persistence")["rdb_changes_since_last_save"] == 0
    assert os.path.exists(os.path.join(fresh_server.dir, "dump.rdb"))
    with open(fresh_server.log_path) as f:
        assert "1 changes in 1 seconds. Saving..." in f.read()


def test_failed_bgsave_refuses_writes_until_a_save_works(fresh_server):
    c = fresh_server.client()
    c.config_set("save", "3600 1")
    c.set("x", "x")
    # A directory in the way of the rename makes the save fail.
    blocker = os.path.join(fresh_server.dir, "dump.rdb")
    os.mkdir(blocker)
    assert c.bgsave()
    wait_bgsave_done(c)
    assert c.info("persistence")["rdb_last_bgsave_status"] == "err"
    assert c.get("x") == b"x"  # reads still work
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        c.set("x", "y")
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        c.ping()
    p = c.pipeline(transaction=True)
    p.set("x", "z")
    with pytest.raises(redis.ResponseError):
        p.execute()
    # With stop-writes-on-bgsave-error off writes go on regardless.
    c.config_set("stop-writes-on-bgsave-error", "no")
    assert c.set("x", "y")
    c.config_set("stop-writes-on-bgsave-error", "yes")
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        c.set("x", "x")
    os.rmdir(blocker)
    assert c.bgsave()
    wait_bgsave_done(c)
    assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert c.set("x", "done")


@pytest.mark.server_may_exit
def test_shutdown_during_bgsave_removes_the_temp_file(fresh_server):
    c = fresh_server.client()
    for i in range(20):
        c.set(i, i)
    c.config_set("rdb-key-save-delay", 100000)  # two seconds
    assert c.bgsave()
    time.sleep(0.2)
    assert glob.glob(os.path.join(fresh_server.dir, "temp-*.rdb"))
    with fresh_server.raw() as conn:
        conn.send_command("SHUTDOWN", "NOSAVE")
        conn.recv_until_closed()
    fresh_server.proc.wait(timeout=10)
    assert not glob.glob(os.path.join(fresh_server.dir, "temp-*.rdb"))
    assert not os.path.exists(os.path.join(fresh_server.dir, "dump.rdb"))
