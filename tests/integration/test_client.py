"""CLIENT subcommands: ID INFO LIST KILL SETNAME GETNAME PAUSE UNPAUSE REPLY
NO-EVICT HELP, and Redis 7.2's NO-TOUCH and SETINFO.

Every test passes against Redis 7.0.15 as well, except the ones marked
`osprey_only`: Redis 7.2 features (NO-TOUCH, SETINFO and the lib-name/lib-ver
fields of CLIENT LIST), Redis 7.4's KILL MAXAGE, and Osprey's own help text.

The servers are started by this module on loopback ports 24210-24299 (one
shared server for the module, private ones for tests that kill or pause
clients), through the harness's ServerProcess.
"""

from __future__ import annotations

import os
import re
import threading
import time

import pytest

from reply_errors import SYNTAX, arity
from server_process import RespError, ServerProcess, VerbatimString, start_server

# The Redis 7.0.15 CLIENT LIST fields, in order.
FIELDS_70 = [
    "id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
    "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
    "tot-mem", "events", "cmd", "user", "redir", "resp",
]
# Redis 7.2 appends these.
FIELDS_72 = ["lib-name", "lib-ver"]


@pytest.fixture(scope="module")
def is_redis(server_binary) -> bool:
    return os.path.basename(server_binary) == "redis-server"


@pytest.fixture
def osprey_only(is_redis):
    if is_redis:
        pytest.skip("Osprey-only behaviour (Redis 7.2+ feature or Osprey's own text)")


@pytest.fixture(scope="module")
def srv(server_binary):
    s = start_server(server_binary)
    yield s
    assert s.is_alive(), "server died:\n" + s.log_tail()
    s.cleanup()


@pytest.fixture
def private(server_binary):
    """A fresh server for tests that kill or pause clients."""
    s = start_server(server_binary)
    yield s
    assert s.is_alive(), "server died:\n" + s.log_tail()
    s.cleanup()


@pytest.fixture
def conn(srv):
    c = srv.raw()
    yield c
    c.close()


def fields(line: str) -> dict:
    return dict(part.split("=", 1) for part in line.strip().split(" "))


def field_names(line: str) -> list:
    return [part.split("=", 1)[0] for part in line.strip().split(" ")]


def text(reply) -> str:
    assert isinstance(reply, (bytes, str)), reply
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def my_line(conn) -> dict:
    return fields(text(conn.command("CLIENT", "INFO")))


def line_of(conn, client_id: int) -> dict:
    out = text(conn.command("CLIENT", "LIST", "ID", str(client_id)))
    assert out.count("\n") == 1, out
    return fields(out)


def wait_until(predicate, timeout=5.0, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def info_field(conn, section: str, name: str) -> str:
    for line in text(conn.command("INFO", section)).split("\r\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    raise KeyError(name)


# ---------------------------------------------------------------- ID

def test_id_is_an_integer_that_grows_with_each_connection(srv, conn):
    first = conn.command("CLIENT", "ID")
    assert isinstance(first, int) and first > 0
    assert conn.command("CLIENT", "ID") == first
    with srv.raw() as other:
        assert other.command("CLIENT", "ID") > first


# ---------------------------------------------------------------- INFO / LIST

def test_info_line_has_the_redis_fields_in_order(conn, is_redis):
    raw = text(conn.command("CLIENT", "INFO"))
    assert raw.endswith("\n") and raw.count("\n") == 1
    names = field_names(raw)
    assert names[: len(FIELDS_70)] == FIELDS_70
    assert names[len(FIELDS_70):] == ([] if is_redis else FIELDS_72)
    f = fields(raw)
    assert f["flags"] == "N"
    assert f["db"] == "0"
    assert f["sub"] == f["psub"] == f["ssub"] == "0"
    assert f["multi"] == "-1"
    # The query buffer still holds "*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n".
    assert f["qbuf"] == "26"
    assert f["argv-mem"] == "10"
    assert f["multi-mem"] == "0"
    assert f["obl"] == f["oll"] == f["omem"] == "0"
    assert f["events"] == "r"
    assert f["cmd"] == "client|info"
    assert f["user"] == "default"
    assert f["redir"] == "-1"
    assert f["resp"] == "2"
    host, port = conn.sock.getsockname()
    assert f["addr"] == "%s:%d" % (host, port)
    assert f["laddr"] == "%s:%d" % conn.sock.getpeername()
    assert int(f["fd"]) > 0
    for numeric in ("age", "idle", "qbuf-free", "rbs", "rbp", "tot-mem"):
        assert f[numeric].isdigit(), (numeric, f[numeric])


def test_list_matches_the_redis_test_suite_pattern(conn):
    line = text(conn.command("CLIENT", "LIST"))
    pattern = (
        r"id=\d+ addr=.*:\d+ laddr=.*:\d+ fd=\d+ name=.* age=\d+ idle=\d+ flags=N db=\d+ "
        r"sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=\d+ argv-mem=\d+ multi-mem=0 rbs=\d+ "
        r"rbp=\d+ obl=0 oll=0 omem=0 tot-mem=\d+ events=r cmd=client\|list user=\w+ redir=-1 "
        r"resp=2"
    )
    assert re.match(pattern, line), line


def test_list_shows_every_connection_in_id_order(srv, conn):
    with srv.raw() as a, srv.raw() as b:
        ids = [c.command("CLIENT", "ID") for c in (conn, a, b)]
        listed = [int(fields(l)["id"]) for l in text(conn.command("CLIENT", "LIST")).splitlines()]
        assert [i for i in listed if i in ids] == ids


def test_list_by_id_keeps_the_order_asked_and_skips_unknown_ids(srv, conn):
    with srv.raw() as a:
        me, other = conn.command("CLIENT", "ID"), a.command("CLIENT", "ID")
        out = text(conn.command("CLIENT", "LIST", "ID", str(other), "999999", str(me)))
        assert [int(fields(l)["id"]) for l in out.splitlines()] == [other, me]
        assert fields(out.splitlines()[1])["cmd"] == "client|list"


def test_list_by_type(srv, conn):
    me = conn.command("CLIENT", "ID")
    normal = text(conn.command("CLIENT", "LIST", "TYPE", "normal"))
    assert me in [int(fields(l)["id"]) for l in normal.splitlines()]
    assert conn.command("CLIENT", "LIST", "TYPE", "PubSub") in (b"", "")
    assert conn.command("CLIENT", "LIST", "TYPE", "replica") in (b"", "")
    assert conn.command("CLIENT", "LIST", "TYPE", "slave") in (b"", "")
    assert conn.command("CLIENT", "LIST", "TYPE", "master") in (b"", "")


def test_list_rejects_bad_arguments(conn):
    assert conn.error("CLIENT", "LIST", "TYPE", "foo") == "ERR Unknown client type 'foo'"
    assert conn.error("CLIENT", "LIST", "ID", "abc") == "ERR Invalid client ID"
    assert conn.error("CLIENT", "LIST", "ID", "1", "x") == "ERR Invalid client ID"
    assert conn.error("CLIENT", "LIST", "ID") == SYNTAX
    assert conn.error("CLIENT", "LIST", "foo") == SYNTAX
    assert conn.error("CLIENT", "LIST", "TYPE") == SYNTAX
    assert conn.error("CLIENT", "LIST", "TYPE", "normal", "x") == SYNTAX
    assert conn.error("CLIENT", "INFO", "x") == arity("client|info")
    assert conn.error("CLIENT", "ID", "x") == arity("client|id")


def test_flags_and_fields_follow_the_session(srv, conn):
    with srv.raw() as other:
        oid = other.command("CLIENT", "ID")
        other.command("SELECT", "3")
        other.command("MULTI")
        other.command("SET", "k", "value")
        f = line_of(conn, oid)
        assert f["flags"] == "x"
        assert f["db"] == "3"
        assert f["multi"] == "1"
        assert f["cmd"] == "set"
        assert int(f["multi-mem"]) >= len("setkvalue")
        other.command("DISCARD")
        other.command("SELECT", "0")
        other.command("WATCH", "w")
        other.command("MULTI")
        conn.command("SET", "w", "changed")
        assert line_of(conn, oid)["flags"] == "xd"


def test_monitor_clients_show_flag_o_and_count_as_normal(srv, conn):
    with srv.raw() as mon:
        mid = mon.command("CLIENT", "ID")
        assert mon.command("MONITOR") == "OK"
        assert line_of(conn, mid)["flags"] == "O"
        normal = text(conn.command("CLIENT", "LIST", "TYPE", "normal"))
        assert mid in [int(fields(l)["id"]) for l in normal.splitlines()]


def test_info_and_list_are_verbatim_strings_in_resp3(srv):
    with srv.raw() as c:
        c.command("HELLO", "3")
        reply = c.command("CLIENT", "INFO")
        assert isinstance(reply, VerbatimString)
        assert fields(reply)["resp"] == "3"
        assert isinstance(c.command("CLIENT", "LIST"), VerbatimString)


# ---------------------------------------------------------------- names

def test_setname_getname(conn):
    assert conn.command("CLIENT", "GETNAME") is None
    assert my_line(conn)["name"] == ""
    assert conn.command("CLIENT", "SETNAME", "myname") == "OK"
    assert conn.command("CLIENT", "GETNAME") == b"myname"
    assert my_line(conn)["name"] == "myname"
    assert conn.command("CLIENT", "SETNAME", "someothername") == "OK"
    assert my_line(conn)["name"] == "someothername"
    assert conn.command("CLIENT", "SETNAME", "") == "OK"
    assert conn.command("CLIENT", "GETNAME") is None


def test_setname_refuses_spaces_newlines_and_special_characters(conn):
    err = "ERR Client names cannot contain spaces, newlines or special characters."
    for bad in ("foo bar", "a\nb", "tab\t", "caf\u00e9", "\x7f"):
        assert conn.error("CLIENT", "SETNAME", bad) == err
    assert conn.command("CLIENT", "GETNAME") is None
    assert conn.command("CLIENT", "SETNAME", "!~printable-ASCII_only") == "OK"
    assert conn.error("CLIENT", "SETNAME") == arity("client|setname")
    assert conn.error("CLIENT", "SETNAME", "a", "b") == arity("client|setname")
    assert conn.error("CLIENT", "GETNAME", "x") == arity("client|getname")


def test_named_connection_leaves_the_list_when_closed(srv, conn):
    other = srv.raw()
    other.command("CLIENT", "SETNAME", "foobar")
    assert "name=foobar " in text(conn.command("CLIENT", "LIST"))
    other.close()
    assert wait_until(lambda: "foobar" not in text(conn.command("CLIENT", "LIST")))


def test_setinfo_sets_library_name_and_version(srv, osprey_only):
    with srv.raw() as c:
        assert c.command("CLIENT", "SETINFO", "lib-name", "redis.py") == "OK"
        assert c.command("CLIENT", "SETINFO", "LIB-VER", "1.2.3") == "OK"
        assert text(c.command("CLIENT", "INFO")).endswith(" lib-name=redis.py lib-ver=1.2.3\n")
        assert c.error("CLIENT", "SETINFO", "lib-name", "redis py") == (
            "ERR lib-name cannot contain spaces, newlines or special characters.")
        assert c.error("CLIENT", "SETINFO", "badger", "hamster") == (
            "ERR Unrecognized option 'badger'")
        assert c.error("CLIENT", "SETINFO", "lib-name") == arity("client|setinfo")
        assert c.command("RESET") == "RESET"
        assert my_line(c)["lib-name"] == "redis.py"
        assert c.command("CLIENT", "SETINFO", "lib-name", "") == "OK"
        assert my_line(c)["lib-name"] == ""


# ---------------------------------------------------------------- KILL

def test_kill_old_form_by_address(private):
    with private.raw() as killer, private.raw() as victim:
        addr = my_line(victim)["addr"]
        assert killer.command("CLIENT", "KILL", addr) == "OK"
        assert victim.is_closed(timeout=3)
        assert killer.error("CLIENT", "KILL", addr) == "ERR No such client"
        assert killer.error("CLIENT", "KILL", "1.2.3.4:5") == "ERR No such client"
        assert killer.command("PING") == "PONG"


def test_kill_old_form_can_kill_the_caller_after_the_reply(private):
    with private.raw() as c:
        assert c.command("CLIENT", "KILL", my_line(c)["addr"]) == "OK"
        assert c.is_closed(timeout=3)


def test_kill_by_id_type_user_and_laddr(private):
    with private.raw() as me, private.raw() as a, private.raw() as b:
        aid = a.command("CLIENT", "ID")
        assert me.command("CLIENT", "KILL", "ID", str(aid)) == 1
        assert a.is_closed(timeout=3)
        assert me.command("CLIENT", "KILL", "ID", str(aid)) == 0
        assert me.command("CLIENT", "KILL", "TYPE", "pubsub") == 0
        assert me.command("CLIENT", "KILL", "LADDR", "1.1.1.1:1") == 0
        laddr = my_line(b)["laddr"]
        assert me.command("CLIENT", "KILL", "LADDR", laddr, "TYPE", "normal", "USER", "default") == 1
        assert b.is_closed(timeout=3)
        assert me.command("PING") == "PONG"


def test_kill_skipme(private):
    with private.raw() as me, private.raw(), private.raw():
        assert wait_until(lambda: info_field(me, "clients", "connected_clients") == "3")
        assert me.command("CLIENT", "KILL", "SKIPME", "yes") == 2
        assert me.command("PING") == "PONG"
        with private.raw(), private.raw():
            assert wait_until(lambda: info_field(me, "clients", "connected_clients") == "3")
            # Everyone, me included: the count reaches me before the close.
            assert me.command("CLIENT", "KILL", "SKIPME", "no") == 3
            assert me.is_closed(timeout=3)
    with private.raw() as again:
        assert again.command("PING") == "PONG"


def test_kill_rejects_bad_arguments(conn):
    assert conn.error("CLIENT", "KILL") == arity("client|kill")
    assert conn.error("CLIENT", "KILL", "ID", "10", "wrong_arg") == SYNTAX
    for bad in ("str", "-1", "0"):
        assert conn.error("CLIENT", "KILL", "ID", bad) == "ERR client-id should be greater than 0"
    assert conn.error("CLIENT", "KILL", "TYPE", "wrong_type") == "ERR Unknown client type 'wrong_type'"
    assert conn.error("CLIENT", "KILL", "USER", "wrong_user") == "ERR No such user 'wrong_user'"
    assert conn.error("CLIENT", "KILL", "SKIPME", "yes_or_no") == SYNTAX
    assert conn.error("CLIENT", "KILL", "BOGUS", "1") == SYNTAX
    assert conn.command("PING") == "PONG"


def test_kill_maxage(private, osprey_only):
    with private.raw() as me, private.raw() as old:
        time.sleep(1.1)
        with private.raw() as young:
            assert me.command("CLIENT", "KILL", "MAXAGE", "1") == 1  # `me` is skipped
            assert old.is_closed(timeout=3)
            assert young.command("PING") == "PONG"
        assert me.error("CLIENT", "KILL", "MAXAGE", "soon") == (
            "ERR maxage is not an integer or out of range")


# ---------------------------------------------------------------- REPLY

def test_reply_off_then_on(srv):
    with srv.raw() as c:
        c.send_command("CLIENT", "REPLY", "OFF")
        c.send_command("PING", "pong")
        c.send_command("GET")  # errors are silenced too
        c.send_command("CLIENT", "REPLY", "ON")
        assert c.read_reply() == "OK"
        assert c.command("PING", "pong3") == b"pong3"


def test_reply_skip_silences_only_the_next_command(srv):
    with srv.raw() as c:
        c.send_command("CLIENT", "REPLY", "SKIP")
        c.send_command("PING", "pong")
        c.send_command("PING", "pong2")
        assert c.read_reply() == b"pong2"


def test_reply_on_cancels_a_pending_skip(srv):
    with srv.raw() as c:
        c.send_command("CLIENT", "REPLY", "SKIP")
        c.send_command("CLIENT", "REPLY", "ON")
        assert c.read_reply() == "OK"
        assert c.command("PING") == "PONG"


def test_reply_bad_mode(conn):
    assert conn.error("CLIENT", "REPLY", "maybe") == SYNTAX
    assert conn.error("CLIENT", "REPLY") == arity("client|reply")


# ---------------------------------------------------------------- NO-EVICT / NO-TOUCH

def test_no_evict(conn):
    assert conn.command("CLIENT", "NO-EVICT", "on") == "OK"
    assert my_line(conn)["flags"] == "e"
    assert conn.command("CLIENT", "NO-EVICT", "OFF") == "OK"
    assert my_line(conn)["flags"] == "N"
    assert conn.error("CLIENT", "NO-EVICT", "maybe") == SYNTAX
    assert conn.error("CLIENT", "NO-EVICT") == arity("client|no-evict")


def test_no_touch_keeps_idle_time_except_for_touch(srv, osprey_only):
    with srv.raw() as writer, srv.raw() as quiet:
        writer.command("SET", "nt", "v")
        assert quiet.command("CLIENT", "NO-TOUCH", "on") == "OK"
        assert my_line(quiet)["flags"] == "T"
        time.sleep(2.1)
        assert quiet.command("GET", "nt") == b"v"
        assert writer.command("OBJECT", "IDLETIME", "nt") >= 2
        assert quiet.command("TOUCH", "nt") == 1
        assert writer.command("OBJECT", "IDLETIME", "nt") < 2
        assert quiet.command("CLIENT", "NO-TOUCH", "off") == "OK"
        assert quiet.error("CLIENT", "NO-TOUCH", "maybe") == SYNTAX


# ---------------------------------------------------------------- PAUSE

def test_pause_write_holds_writes_until_unpause(private):
    with private.raw() as admin, private.raw() as writer:
        assert admin.command("CLIENT", "PAUSE", "60000", "WRITE") == "OK"
        assert writer.command("GET", "k") is None  # reads go through
        writer.send_command("SET", "k", "v")
        assert wait_until(lambda: info_field(admin, "clients", "blocked_clients") == "1")
        assert line_of(admin, my_line_id(admin, writer))["flags"] == "b"
        assert admin.command("GET", "k") is None
        assert admin.command("CLIENT", "UNPAUSE") == "OK"
        assert writer.read_reply() == "OK"
        assert admin.command("GET", "k") == b"v"
        assert info_field(admin, "clients", "blocked_clients") == "0"


def my_line_id(admin, other) -> int:
    """The id of `other` (which may be held by a pause), found by its address."""
    addr = "%s:%d" % other.sock.getsockname()
    for line in text(admin.command("CLIENT", "LIST")).splitlines():
        f = fields(line)
        if f["addr"] == addr:
            return int(f["id"])
    raise KeyError(addr)


def test_pause_runs_held_commands_in_order(private):
    with private.raw() as admin, private.raw() as a, private.raw() as b:
        assert admin.command("CLIENT", "PAUSE", "60000", "WRITE") == "OK"
        a.send_command("APPEND", "seq", "a")
        assert wait_until(lambda: info_field(admin, "clients", "blocked_clients") == "1")
        b.send_command("APPEND", "seq", "b")
        assert wait_until(lambda: info_field(admin, "clients", "blocked_clients") == "2")
        a.send_command("APPEND", "seq", "c")  # queued behind a's held command
        time.sleep(0.1)
        assert admin.command("CLIENT", "UNPAUSE") == "OK"
        # Held clients resume in the order they were held, each going on with
        # the rest of its input before the next one (as Redis does).
        assert a.read_reply() == 1
        assert a.read_reply() == 2
        assert b.read_reply() == 3
        assert admin.command("GET", "seq") == b"acb"


def test_pause_all_holds_every_command_until_the_timeout(private):
    with private.raw() as admin, private.raw() as other:
        start = time.monotonic()
        assert admin.command("CLIENT", "PAUSE", "500") == "OK"
        assert other.command("PING") == "PONG"
        assert time.monotonic() - start >= 0.45
        # The pausing client waits as well; syntax errors do not.
        assert admin.command("CLIENT", "PAUSE", "300", "ALL") == "OK"
        assert other.error("GET") == arity("get")
        start = time.monotonic()
        assert admin.command("PING") == "PONG"
        assert time.monotonic() - start >= 0.2


def test_pause_write_holds_write_transactions_and_lets_reads_through(private):
    with private.raw() as admin, private.raw() as rd, private.raw() as wr:
        wr.command("MULTI")
        assert wr.command("SET", "foo", "bar") == "QUEUED"
        assert admin.command("CLIENT", "PAUSE", "60000", "WRITE") == "OK"
        rd.command("MULTI")
        assert rd.command("PING") == "QUEUED"
        assert rd.command("GET", "foo") == "QUEUED"
        assert rd.command("EXEC") == ["PONG", None]
        wr.send_command("EXEC")
        assert wait_until(lambda: info_field(admin, "clients", "blocked_clients") == "1")
        assert admin.command("CLIENT", "UNPAUSE") == "OK"
        assert wr.read_reply() == ["OK"]


def test_pause_keeps_expired_keys_until_it_ends(private):
    with private.raw() as admin:
        admin.command("SET", "short", "v", "PX", "50")
        assert admin.command("CLIENT", "PAUSE", "60000", "WRITE") == "OK"
        time.sleep(0.3)
        assert admin.command("GET", "short") is None
        assert admin.command("DBSIZE") == 1  # reported missing, still there
        assert admin.command("CLIENT", "UNPAUSE") == "OK"
        assert admin.command("GET", "short") is None
        assert wait_until(lambda: admin.command("DBSIZE") == 0)


def test_pause_rejects_bad_arguments(conn):
    assert conn.error("CLIENT", "PAUSE", "abc") == "ERR timeout is not an integer or out of range"
    assert conn.error("CLIENT", "PAUSE", "99999999999999999999") == (
        "ERR timeout is not an integer or out of range")
    assert conn.error("CLIENT", "PAUSE", "-1") == "ERR timeout is negative"
    assert conn.error("CLIENT", "PAUSE", "10", "foo") == "ERR CLIENT PAUSE mode must be WRITE or ALL"
    assert conn.error("CLIENT", "PAUSE", "10", "write", "x") == (
        "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.")
    assert conn.error("client", "pause", "10", "all", "x") == (
        "ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.")
    assert conn.error("CLIENT", "PAUSE") == arity("client|pause")
    assert conn.error("CLIENT", "UNPAUSE", "x") == arity("client|unpause")
    assert conn.command("CLIENT", "UNPAUSE") == "OK"  # nothing to end: still OK
    assert conn.command("SET", "still", "writable") == "OK"


# ---------------------------------------------------------------- HELP / unknown

def test_help_and_unknown_subcommands(conn, is_redis):
    lines = conn.command("CLIENT", "HELP")
    assert lines[0] == "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert lines[-2:] == ["HELP", "    Prints this help."]
    for syntax in ("ID", "INFO", "GETNAME", "SETNAME <name>", "UNPAUSE", "PAUSE <timeout> [WRITE|ALL]",
                   "REPLY (ON|OFF|SKIP)", "NO-EVICT (ON|OFF)"):
        assert syntax in lines, syntax
    if not is_redis:
        assert "NO-TOUCH (ON|OFF)" in lines
    assert conn.error("CLIENT", "HELP", "x") == arity("client|help")
    assert conn.error("CLIENT", "nosuch") == "ERR unknown subcommand 'nosuch'. Try CLIENT HELP."
    assert conn.error("CLIENT") == arity("client")
