"""Hash-field expiration in the append-only file, as Redis 7.4 propagates it:
HEXPIRE/HPEXPIRE/HEXPIREAT/HPEXPIREAT are written as HPEXPIREAT with the
absolute time in ms and only the fields that got it; a field removed
because its time passed is written as HDEL; HINCRBYFLOAT keeps a field's
time; a restart from the files gives back the same fields and times.

Redis 7.0 has none of these commands: against it (OSPREY_SERVER=
/usr/bin/redis-server) every test here is skipped, as detected by the
"unknown command" reply.
"""

from __future__ import annotations

import time

import pytest

from test_aof import last_incr


def incr_commands(srv):
    """The commands of the last incremental file (names in lower case),
    SELECTs left out."""
    with open(last_incr(srv), "rb") as f:
        data = f.read()
    cmds, pos = [], 0
    while pos < len(data):
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        assert data[pos:pos + 1] == b"*", data[pos:]
        eol = data.index(b"\r\n", pos)
        argc = int(data[pos + 1:eol])
        pos = eol + 2
        args = []
        for _ in range(argc):
            eol = data.index(b"\r\n", pos)
            n = int(data[pos + 1:eol])
            args.append(data[eol + 2:eol + 2 + n].decode())
            pos = eol + 4 + n
        args[0] = args[0].lower()
        if args[0] != "select":
            cmds.append(args)
    return cmds


@pytest.fixture
def aof(make_server):
    """A server with the AOF on (fsync always) that has hash-field expiration."""
    srv = make_server("--appendonly", "yes", "--appendfsync", "always")
    c = srv.client()
    try:
        c.execute_command("HTTL", "probe", "FIELDS", "1", "f")
    except Exception as e:  # redis-py raises its own error type
        if "unknown command" in str(e):
            pytest.skip("the server under test has no hash-field expiration (Redis 7.0)")
        raise
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    return srv, c


def field_times(c, key, *fields):
    return c.execute_command("HPEXPIRETIME", key, "FIELDS", len(fields), *fields)


def test_relative_times_are_written_absolute(aof):
    srv, c = aof
    c.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert c.execute_command("HEXPIRE", "h", "100", "FIELDS", "1", "a") == [1]
    assert c.execute_command("HPEXPIRE", "h", "50000", "NX", "FIELDS", "3", "a", "b", "x") == [
        0, 1, -2]
    at = int(time.time()) + 500
    assert c.execute_command("HEXPIREAT", "h", at, "FIELDS", "1", "c") == [1]
    ta, tb, tc = field_times(c, "h", "a", "b", "c")
    assert incr_commands(srv) == [
        ["hset", "h", "a", "1", "b", "2", "c", "3"],
        ["hpexpireat", "h", str(ta), "FIELDS", "1", "a"],
        ["hpexpireat", "h", str(tb), "NX", "FIELDS", "1", "b"],
        ["hpexpireat", "h", str(tc), "FIELDS", "1", "c"],
    ]
    assert tc == at * 1000


def test_nothing_is_written_when_no_field_changes(aof):
    srv, c = aof
    c.hset("h", "a", "1")
    assert c.execute_command("HEXPIRE", "h", "100", "XX", "FIELDS", "2", "a", "x") == [0, -2]
    assert c.execute_command("HPERSIST", "h", "FIELDS", "1", "a") == [-1]
    with pytest.raises(Exception, match="numfields"):
        c.execute_command("HEXPIRE", "h", "100", "FIELDS", "2", "a")
    with pytest.raises(Exception, match="wrong number of arguments"):
        c.execute_command("HPEXPIRE", "h", "100")
    assert incr_commands(srv) == [["hset", "h", "a", "1"]]


def test_fields_removed_by_their_time_are_written_as_hdel(aof):
    srv, c = aof
    c.hset("h0", mapping={"x1": "y1", "x2": "y2"})
    assert c.execute_command("HEXPIREAT", "h0", "1", "FIELDS", "3", "x1", "x2", "x") == [2, 2, -2]
    assert c.exists("h0") == 0
    c.hset("h1", mapping={"f1": "v1", "f2": "v2"})
    c.execute_command("HPEXPIRE", "h1", "1", "FIELDS", "2", "f1", "f2")
    time.sleep(0.02)
    assert c.hget("h1", "f1") is None
    assert c.hgetall("h1") == {}
    cmds = incr_commands(srv)
    assert cmds[:5] == [["hset", "h0", "x1", "y1", "x2", "y2"], ["multi"], ["hdel", "h0", "x1"],
                        ["hdel", "h0", "x2"], ["exec"]]
    assert cmds[5] == ["hset", "h1", "f1", "v1", "f2", "v2"]
    assert cmds[6][0] == "hpexpireat"
    assert cmds[7:] == [["hdel", "h1", "f1"], ["hdel", "h1", "f2"]]


def test_fields_removed_by_active_expiry_are_written_as_hdel(aof):
    srv, c = aof
    c.hset("h2", mapping={"a": "1", "b": "2", "c": "3"})
    c.hset("h3", mapping={"x": "1"})
    c.execute_command("HPEXPIRE", "h2", "1", "FIELDS", "2", "a", "b")
    c.execute_command("HPEXPIRE", "h3", "1", "FIELDS", "1", "x")
    time.sleep(0.02)
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    deadline = time.time() + 5
    while (c.exists("h3") or c.execute_command("HLEN", "h2") != 1) and time.time() < deadline:
        time.sleep(0.01)
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    cmds = incr_commands(srv)
    assert [cmd[0] for cmd in cmds[:4]] == ["hset", "hset", "hpexpireat", "hpexpireat"]
    # One unit per hash, the hashes in either order: several fields of one
    # hash go inside MULTI/EXEC, in the order the hash removed them.
    rest = cmds[4:]
    if rest[0] == ["hdel", "h3", "x"]:
        rest = rest[1:] + rest[:1]
    assert rest[0] == ["multi"] and rest[3:] == [["exec"], ["hdel", "h3", "x"]]
    assert sorted(rest[1:3]) == [["hdel", "h2", "a"], ["hdel", "h2", "b"]]
    srv.restart()
    c = srv.client()
    assert c.hgetall("h2") == {b"c": b"3"}
    assert c.exists("h3") == 0


def test_hincrbyfloat_keeps_the_field_time(aof):
    srv, c = aof
    c.hset("h", "f", "1")
    c.execute_command("HPEXPIRE", "h", "100000", "FIELDS", "1", "f")
    (t,) = field_times(c, "h", "f")
    assert c.hincrbyfloat("h", "f", "0.5") == 1.5
    assert incr_commands(srv)[-4:] == [["multi"], ["hset", "h", "f", "1.5"],
                                       ["hpexpireat", "h", str(t), "FIELDS", "1", "f"], ["exec"]]
    srv.restart()
    c = srv.client()
    assert c.hget("h", "f") == b"1.5"
    assert field_times(c, "h", "f") == [t]


def test_restart_gives_back_fields_and_times(aof):
    srv, c = aof
    c.hset("h", mapping={"a": "1", "b": "2", "c": "3", "d": "4"})
    c.execute_command("HEXPIRE", "h", "1000", "FIELDS", "2", "a", "b")
    c.execute_command("HPEXPIRE", "h", "1", "FIELDS", "1", "c")
    c.execute_command("HPERSIST", "h", "FIELDS", "1", "b")
    time.sleep(0.02)
    # c's time has passed: the first read removes it (HDEL in the file).
    assert c.hgetall("h") == {b"a": b"1", b"b": b"2", b"d": b"4"}
    assert c.hlen("h") == 3
    times = field_times(c, "h", "a", "b", "c", "d")
    assert times[1:] == [-1, -2, -1]
    srv.restart()
    c = srv.client()
    assert c.hgetall("h") == {b"a": b"1", b"b": b"2", b"d": b"4"}
    assert field_times(c, "h", "a", "b", "c", "d") == times
