"""Stream consumer groups: XGROUP (CREATE SETID DESTROY CREATECONSUMER
DELCONSUMER HELP), XREADGROUP (new entries, history, NOACK, BLOCK), XACK,
XPENDING, XCLAIM, XAUTOCLAIM and XINFO (STREAM [FULL], GROUPS, CONSUMERS,
HELP): good paths, every error reply, blocked readers with several
connections, keyspace events, and what reaches the AOF (each delivery or
claim as XCLAIM ... FORCE JUSTID, group moves as XGROUP SETID) replaying to
the same groups.

Most tests talk over `raw` (a RawConnection after FLUSHALL) so that reply
types are exact. Idle times depend on the wall clock, so tests that read
them set delivery times with XCLAIM IDLE/TIME or allow a margin. Every test
passes against Redis 7.0.15 too (OSPREY_SERVER=/usr/bin/redis-server).
"""

import time

import pytest

from reply_errors import NO_SUCH_KEY, NOT_INTEGER, SYNTAX, WRONGTYPE, arity
from server_process import RespError
from test_streams import aof_commands
from test_lists import blocked_clients, conns, wait_blocked, wait_until  # noqa: F401 (fixture)

BAD_ID = "ERR Invalid stream ID specified as stream command argument"
NEEDS_KEY = ("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you "
             "may want to use the MKSTREAM option to create an empty stream automatically.")
BUSYGROUP = "BUSYGROUP Consumer Group name already exists"
DOLLAR = ("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
          "history of this consumer by specifying a proper ID, or use the > ID to get new "
          "messages. The $ ID would just return an empty result set.")
UNBALANCED = ("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
              "specified.")


def subcommand_error(sub, container):
    return ("ERR unknown subcommand or wrong number of arguments for '%s'. Try %s HELP."
            % (sub, container))


def no_group(key, group, suffix=""):
    return "NOGROUP No such key '%s' or consumer group '%s'%s" % (key, group, suffix)


def no_consumer_group(group, key):
    return "NOGROUP No such consumer group '%s' for key name '%s'" % (group, key)


def as_dict(flat):
    """A RESP2 map reply (flat list) as a dict with str keys."""
    return {flat[i].decode(): flat[i + 1] for i in range(0, len(flat), 2)}


def groups(raw, key):
    return {g["name"].decode(): g for g in (as_dict(x) for x in raw.command("XINFO", "GROUPS", key))}


@pytest.fixture
def s3(raw):
    """Stream s with 1-0 2-0 3-0 and group g at 0."""
    raw.command("XADD", "s", "1-0", "a", "1")
    raw.command("XADD", "s", "2-0", "b", "2")
    raw.command("XADD", "s", "3-0", "c", "3")
    assert raw.command("XGROUP", "CREATE", "s", "g", "0") == "OK"
    return raw


# ---------------------------------------------------------------------------
# Arity.
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("xgroup", ["XGROUP"]),
    ("xgroup|create", ["XGROUP", "CREATE", "s", "g"]),
    ("xgroup|setid", ["XGROUP", "SETID", "s", "g"]),
    ("xgroup|destroy", ["XGROUP", "DESTROY", "s"]),
    ("xgroup|destroy", ["XGROUP", "DESTROY", "s", "g", "x"]),
    ("xgroup|createconsumer", ["XGROUP", "CREATECONSUMER", "s", "g"]),
    ("xgroup|delconsumer", ["XGROUP", "DELCONSUMER", "s", "g", "c", "x"]),
    ("xgroup|help", ["XGROUP", "HELP", "x"]),
    ("xreadgroup", ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s"]),
    ("xack", ["XACK", "s", "g"]),
    ("xpending", ["XPENDING", "s"]),
    ("xclaim", ["XCLAIM", "s", "g", "c", "0"]),
    ("xautoclaim", ["XAUTOCLAIM", "s", "g", "c", "0"]),
    ("xinfo", ["XINFO"]),
    ("xinfo|stream", ["XINFO", "STREAM"]),
    ("xinfo|groups", ["XINFO", "GROUPS", "s", "x"]),
    ("xinfo|consumers", ["XINFO", "CONSUMERS", "s"]),
    ("xinfo|help", ["XINFO", "HELP", "x"]),
]


@pytest.mark.parametrize("name,args", ARITY_CASES)
def test_wrong_number_of_arguments(raw, name, args):
    assert raw.error(*args) == arity(name)


def test_unknown_subcommands(raw):
    assert raw.error("XGROUP", "NOSUCH", "s") == "ERR unknown subcommand 'NOSUCH'. Try XGROUP HELP."
    assert raw.error("XINFO", "nosuch") == "ERR unknown subcommand 'nosuch'. Try XINFO HELP."


@pytest.mark.parametrize("container,names", [
    ("XGROUP", [b"CREATE", b"CREATECONSUMER", b"DELCONSUMER", b"DESTROY", b"SETID", b"HELP"]),
    ("XINFO", [b"CONSUMERS", b"GROUPS", b"STREAM", b"HELP"]),
])
def test_help_lists_every_subcommand(raw, container, names):
    lines = raw.command(container, "help")
    assert lines[0] == "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" % container
    assert lines[-1] == "    Prints this help."
    listed = [l.split()[0].encode() for l in lines[1:] if not l.startswith(" ")]
    assert listed == names


# ---------------------------------------------------------------------------
# XGROUP.
# ---------------------------------------------------------------------------

def test_xgroup_create(raw):
    assert raw.error("XGROUP", "CREATE", "s", "g", "$") == NEEDS_KEY
    assert raw.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM") == "OK"
    assert raw.command("TYPE", "s") == "stream"
    assert raw.command("XLEN", "s") == 0
    raw.command("XADD", "s", "5-1", "f", "v")
    assert raw.command("XGROUP", "CREATE", "s", "at-end", "$") == "OK"
    assert raw.command("XGROUP", "CREATE", "s", "at-4", "4", "ENTRIESREAD", 0) == "OK"
    assert raw.command("XGROUP", "create", "s", "both", "0", "entriesread", -1, "mkstream") == "OK"
    g = groups(raw, "s")
    assert sorted(g) == ["at-4", "at-end", "both", "g"]
    assert g["g"]["last-delivered-id"] == b"0-0" and g["g"]["lag"] == 1
    assert g["at-end"]["last-delivered-id"] == b"5-1" and g["at-end"]["lag"] == 0
    assert g["at-4"]["entries-read"] == 0 and g["at-4"]["lag"] == 1
    assert g["both"]["entries-read"] is None


def test_xgroup_create_errors(raw):
    raw.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    raw.command("SET", "str", "x")
    assert raw.error("XGROUP", "CREATE", "s", "g", "0") == BUSYGROUP
    assert raw.error("XGROUP", "CREATE", "s", "h", "-") == BAD_ID
    assert raw.error("XGROUP", "CREATE", "s", "h", "+") == BAD_ID
    assert raw.error("XGROUP", "CREATE", "s", "h", "1-x") == BAD_ID
    assert raw.error("XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD", -2) == \
        "ERR value for ENTRIESREAD must be positive or -1"
    assert raw.error("XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD", "x") == NOT_INTEGER
    assert raw.error("XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD") == \
        subcommand_error("CREATE", "XGROUP")
    assert raw.error("XGROUP", "create", "s", "h", "0", "FOO") == subcommand_error("create", "XGROUP")
    assert raw.error("XGROUP", "create", "s", "h", "0", *["MKSTREAM"] * 4) == \
        subcommand_error("create", "XGROUP")
    assert raw.error("XGROUP", "CREATE", "str", "g", "$", "MKSTREAM") == WRONGTYPE
    # Nothing is created when the ID is bad.
    assert raw.error("XGROUP", "CREATE", "new", "g", "bad", "MKSTREAM") == BAD_ID
    assert raw.command("EXISTS", "new") == 0


def test_xgroup_setid(s3):
    raw = s3
    raw.command("XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD", 0)
    assert raw.command("XGROUP", "SETID", "s", "h", "2") == "OK"
    h = groups(raw, "s")["h"]
    assert h["last-delivered-id"] == b"2-0" and h["entries-read"] is None
    assert raw.command("XGROUP", "SETID", "s", "h", "$", "ENTRIESREAD", 3) == "OK"
    h = groups(raw, "s")["h"]
    assert h["last-delivered-id"] == b"3-0" and h["entries-read"] == 3 and h["lag"] == 0
    assert raw.command("XGROUP", "SETID", "s", "h", "-") == "OK"  # "-" and "+" are allowed
    assert groups(raw, "s")["h"]["last-delivered-id"] == b"0-0"
    assert raw.error("XGROUP", "SETID", "s", "nope", "0") == no_consumer_group("nope", "s")
    assert raw.error("XGROUP", "SETID", "missing", "h", "0") == NEEDS_KEY
    assert raw.error("XGROUP", "SETID", "s", "h", "x") == BAD_ID
    assert raw.error("XGROUP", "SETID", "s", "h", "0", "MKSTREAM") == subcommand_error("SETID", "XGROUP")
    assert raw.error("XGROUP", "SETID", "s", "h", "0", "ENTRIESREAD", 1, "x") == \
        subcommand_error("SETID", "XGROUP")
    assert raw.error("XGROUP", "SETID", "s", "h", "0", "ENTRIESREAD", -5) == \
        "ERR value for ENTRIESREAD must be positive or -1"


def test_xgroup_consumers_and_destroy(s3):
    raw = s3
    assert raw.command("XGROUP", "CREATECONSUMER", "s", "g", "alice") == 1
    assert raw.command("XGROUP", "CREATECONSUMER", "s", "g", "alice") == 0
    raw.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 2, "STREAMS", "s", ">")
    assert raw.command("XGROUP", "DELCONSUMER", "s", "g", "alice") == 2
    assert raw.command("XGROUP", "DELCONSUMER", "s", "g", "alice") == 0
    assert raw.command("XPENDING", "s", "g") == [0, None, None, None]
    assert raw.error("XGROUP", "CREATECONSUMER", "s", "nope", "bob") == no_consumer_group("nope", "s")
    assert raw.error("XGROUP", "DELCONSUMER", "missing", "g", "bob") == NEEDS_KEY
    assert raw.command("XGROUP", "DESTROY", "s", "g") == 1
    assert raw.command("XGROUP", "DESTROY", "s", "g") == 0
    assert raw.error("XGROUP", "DESTROY", "missing", "g") == NEEDS_KEY
    assert raw.command("XINFO", "GROUPS", "s") == []
    raw.command("SET", "str", "x")
    assert raw.error("XGROUP", "DESTROY", "str", "g") == WRONGTYPE


# ---------------------------------------------------------------------------
# XREADGROUP.
# ---------------------------------------------------------------------------

def test_xreadgroup_new_entries(s3):
    raw = s3
    assert raw.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 2, "STREAMS", "s", ">") == \
        [[b"s", [[b"1-0", [b"a", b"1"]], [b"2-0", [b"b", b"2"]]]]]
    assert raw.command("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">") == \
        [[b"s", [[b"3-0", [b"c", b"3"]]]]]
    assert raw.command("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">") is None
    assert raw.command("XPENDING", "s", "g") == [3, b"1-0", b"3-0", [[b"alice", b"2"], [b"bob", b"1"]]]
    g = groups(raw, "s")["g"]
    assert (g["last-delivered-id"], g["entries-read"], g["lag"], g["consumers"]) == (b"3-0", 3, 0, 2)


def test_xreadgroup_history(s3):
    raw = s3
    raw.command("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    raw.command("XDEL", "s", "2-0")
    # A deleted entry shows as [id, nil] and keeps its delivery count.
    assert raw.command("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0") == \
        [[b"s", [[b"1-0", [b"a", b"1"]], [b"2-0", None], [b"3-0", [b"c", b"3"]]]]]
    assert raw.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 1, "STREAMS", "s", "1-0") == \
        [[b"s", [[b"2-0", None]]]]
    rows = raw.command("XPENDING", "s", "g", "-", "+", 10)
    assert [(r[0], r[1], r[3]) for r in rows] == \
        [(b"1-0", b"alice", 2), (b"2-0", b"alice", 1), (b"3-0", b"alice", 2)]
    # Another consumer's history is empty but still answered.
    assert raw.command("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0") == [[b"s", []]]


def test_xreadgroup_noack_and_several_streams(s3):
    raw = s3
    raw.command("XADD", "t", "9-0", "x", "y")
    raw.command("XGROUP", "CREATE", "t", "g", "0")
    assert raw.command("XREADGROUP", "GROUP", "g", "zed", "NOACK", "STREAMS", "s", "t", ">", ">") == \
        [[b"s", [[b"1-0", [b"a", b"1"]], [b"2-0", [b"b", b"2"]], [b"3-0", [b"c", b"3"]]]],
         [b"t", [[b"9-0", [b"x", b"y"]]]]]
    assert raw.command("XPENDING", "s", "g") == [0, None, None, None]
    assert groups(raw, "t")["g"]["last-delivered-id"] == b"9-0"
    # Only streams with something to give are in the reply.
    raw.command("XADD", "t", "10-0", "x", "z")
    assert raw.command("XREADGROUP", "GROUP", "g", "zed", "STREAMS", "s", "t", ">", ">") == \
        [[b"t", [[b"10-0", [b"x", b"z"]]]]]


def resp3(conns):
    c = conns()
    assert c.command("HELLO", 3)[b"proto"] == 3
    return c


def test_xreadgroup_resp3_is_a_map(s3, conns):
    r3 = resp3(conns)
    assert r3.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 1, "STREAMS", "s", ">") == \
        {b"s": [[b"1-0", [b"a", b"1"]]]}
    assert r3.command("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "2-0") == {b"s": []}


def test_xreadgroup_errors(s3):
    raw = s3
    raw.command("SET", "str", "x")
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$") == DOLLAR
    assert raw.error("XREADGROUP", "GROUP", "nope", "c", "STREAMS", "s", ">") == \
        no_group("s", "nope", " in XREADGROUP with GROUP option")
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "STREAMS", "missing", ">") == \
        no_group("missing", "g", " in XREADGROUP with GROUP option")
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">") == WRONGTYPE
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s", ">") == UNBALANCED
    assert raw.error("XREADGROUP", "COUNT", 1, "NOACK", "STREAMS", "s", ">") == \
        "ERR Missing GROUP option for XREADGROUP"
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "s", ">") == SYNTAX
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "COUNT", 1, "s", ">") == SYNTAX
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "STREAMS", "s", ">") == NOT_INTEGER
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "BLOCK", -1, "STREAMS", "s", ">") == \
        "ERR timeout is negative"
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0.5", "STREAMS", "s", ">") == \
        "ERR timeout is not an integer or out of range"
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "1-x") == BAD_ID
    assert raw.error("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+") == BAD_ID
    assert raw.command("XINFO", "CONSUMERS", "s", "g") == []


def test_xreadgroup_count_zero_or_negative_means_all(s3):
    assert s3.command("XREADGROUP", "GROUP", "g", "c", "COUNT", -3, "STREAMS", "s", ">")[0][1][-1][0] \
        == b"3-0"


# ---------------------------------------------------------------------------
# Blocking XREADGROUP.
# ---------------------------------------------------------------------------

@pytest.fixture
def empty_group(raw):
    raw.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    return raw


def test_blocked_reader_served_by_xadd(empty_group, conns):
    raw = empty_group
    c = conns()
    c.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 0, "STREAMS", "s", ">")
    wait_blocked(raw, 1)
    raw.command("XADD", "s", "7-0", "f", "v")
    assert c.read_reply() == [[b"s", [[b"7-0", [b"f", b"v"]]]]]
    assert raw.command("XPENDING", "s", "g") == [1, b"7-0", b"7-0", [[b"alice", b"1"]]]
    assert blocked_clients(raw) == 0


def test_blocked_reader_served_by_its_ready_key_only(raw, conns):
    raw.command("XGROUP", "CREATE", "a", "g", "$", "MKSTREAM")
    raw.command("XGROUP", "CREATE", "b", "g", "$", "MKSTREAM")
    c = conns()
    c.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 0, "STREAMS", "a", "b", ">", ">")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    raw.command("XADD", "b", "1-0", "f", "v")
    raw.command("XADD", "a", "1-0", "f", "v")
    raw.command("EXEC")
    assert c.read_reply() == [[b"b", [[b"1-0", [b"f", b"v"]]]]]
    assert raw.command("XPENDING", "a", "g")[0] == 0


def test_blocked_readers_share_new_entries(empty_group, conns):
    raw = empty_group
    c1, c2 = conns(), conns()
    c1.send_command("XREADGROUP", "GROUP", "g", "c1", "COUNT", 1, "BLOCK", 0, "STREAMS", "s", ">")
    wait_blocked(raw, 1)
    c2.send_command("XREADGROUP", "GROUP", "g", "c2", "COUNT", 1, "BLOCK", 0, "STREAMS", "s", ">")
    wait_blocked(raw, 2)
    raw.command("MULTI")
    for i in (1, 2, 3):
        raw.command("XADD", "s", "%d-0" % i, "f", "v")
    raw.command("EXEC")
    assert c1.read_reply() == [[b"s", [[b"1-0", [b"f", b"v"]]]]]
    assert c2.read_reply() == [[b"s", [[b"2-0", [b"f", b"v"]]]]]


def test_blocked_reader_times_out(empty_group, conns):
    c = conns()
    start = time.monotonic()
    assert c.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 100, "STREAMS", "s", ">") is None
    assert time.monotonic() - start >= 0.09
    r3 = resp3(conns)
    r3.command("XGROUP", "CREATE", "t", "g", "$", "MKSTREAM")
    assert r3.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 50, "STREAMS", "t", ">") is None


@pytest.mark.parametrize("how,expected", [
    (["XGROUP", "DESTROY", "s", "g"],
     "NOGROUP the consumer group this client was blocked on no longer exists"),
    (["DEL", "s"], "UNBLOCKED the stream key no longer exists"),
    (["SET", "s", "x"], "UNBLOCKED the stream key no longer exists"),
    (["FLUSHALL"], "UNBLOCKED the stream key no longer exists"),
])
def test_blocked_reader_told_when_group_or_key_goes(empty_group, conns, how, expected):
    raw = empty_group
    c = conns()
    c.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 0, "STREAMS", "s", ">")
    wait_blocked(raw, 1)
    raw.command(*how)
    reply = c.read_reply()
    assert isinstance(reply, RespError) and reply.message == expected
    assert c.command("PING") == "PONG"


def test_blocked_reader_keeps_waiting_when_key_comes_back_in_multi(empty_group, conns):
    raw = empty_group
    c = conns()
    c.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 300, "STREAMS", "s", ">")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    raw.command("DEL", "s")
    raw.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    raw.command("EXEC")
    assert c.read_reply() is None  # the timeout


def test_blocked_noack_reader(empty_group, conns):
    raw = empty_group
    c = conns()
    c.send_command("XREADGROUP", "GROUP", "g", "zed", "NOACK", "BLOCK", 0, "STREAMS", "s", ">")
    wait_blocked(raw, 1)
    raw.command("XADD", "s", "1-0", "f", "v")
    assert c.read_reply() == [[b"s", [[b"1-0", [b"f", b"v"]]]]]
    assert raw.command("XPENDING", "s", "g") == [0, None, None, None]
    assert groups(raw, "s")["g"]["last-delivered-id"] == b"1-0"


def test_blocked_reader_entries_added_and_deleted(empty_group, conns):
    raw = empty_group
    c = conns()
    c.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 0, "STREAMS", "s", ">")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    raw.command("XADD", "s", "1-0", "f", "v")
    raw.command("XDEL", "s", "1-0")
    raw.command("EXEC")
    assert c.read_reply() == [[b"s", []]]


def test_blocked_reader_without_count_takes_a_thousand(empty_group, conns):
    raw = empty_group
    c = conns()
    c.send_command("XREADGROUP", "GROUP", "g", "alice", "NOACK", "BLOCK", 0, "STREAMS", "s", ">")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    for i in range(1, 1201):
        raw.command("XADD", "s", "%d-0" % i, "f", "v")
    raw.command("EXEC")
    assert len(c.read_reply()[0][1]) == 1000
    g = groups(raw, "s")["g"]
    assert (g["last-delivered-id"], g["lag"]) == (b"1000-0", 200)


def test_xreadgroup_block_in_multi_does_not_block(empty_group):
    raw = empty_group
    raw.command("MULTI")
    raw.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", 0, "STREAMS", "s", ">")
    assert raw.command("EXEC") == [None]


def test_history_read_never_blocks(empty_group):
    assert empty_group.command("XREADGROUP", "GROUP", "g", "a", "BLOCK", 0, "STREAMS", "s", "0") == \
        [[b"s", []]]


# ---------------------------------------------------------------------------
# XACK and XPENDING.
# ---------------------------------------------------------------------------

def test_xack(s3):
    raw = s3
    raw.command("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    assert raw.error("XACK", "s", "g", "1-0", "bad") == BAD_ID
    assert raw.command("XPENDING", "s", "g")[0] == 3  # all or nothing
    assert raw.command("XACK", "s", "g", "1-0", "1-0", "9-9", "3") == 2
    assert raw.command("XPENDING", "s", "g") == [1, b"2-0", b"2-0", [[b"alice", b"1"]]]
    assert raw.command("XACK", "s", "nope", "bad") == 0
    assert raw.command("XACK", "missing", "g", "1") == 0
    raw.command("SET", "str", "x")
    assert raw.error("XACK", "str", "g", "1") == WRONGTYPE


def test_xpending_forms(s3):
    raw = s3
    raw.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 1, "STREAMS", "s", ">")
    raw.command("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">")
    # Make 1-0 ten seconds idle.
    raw.command("XCLAIM", "s", "g", "alice", 0, "1-0", "IDLE", 10000, "JUSTID")
    rows = raw.command("XPENDING", "s", "g", "-", "+", 10)
    assert [(r[0], r[1], r[3]) for r in rows] == \
        [(b"1-0", b"alice", 1), (b"2-0", b"bob", 1), (b"3-0", b"bob", 1)]
    assert 10000 <= rows[0][2] < 20000 and rows[1][2] < 5000
    assert [r[0] for r in raw.command("XPENDING", "s", "g", "IDLE", 5000, "-", "+", 10)] == [b"1-0"]
    assert [r[0] for r in raw.command("XPENDING", "s", "g", "-", "+", 10, "bob")] == [b"2-0", b"3-0"]
    assert [r[0] for r in raw.command("XPENDING", "s", "g", "(1-0", "(3-0", 10)] == [b"2-0"]
    assert [r[0] for r in raw.command("XPENDING", "s", "g", "-", "+", 1)] == [b"1-0"]
    assert raw.command("XPENDING", "s", "g", "-", "+", -1) == []
    assert raw.command("XPENDING", "s", "g", "-", "+", 10, "nobody") == []
    assert [r[0] for r in raw.command("XPENDING", "s", "g", "-", "+", 1, "bob", "extra")] == [b"2-0"]
    assert raw.command("XPENDING", "s", "g") == \
        [3, b"1-0", b"3-0", [[b"alice", b"1"], [b"bob", b"2"]]]


def test_xpending_errors(s3):
    raw = s3
    raw.command("SET", "str", "x")
    assert raw.error("XPENDING", "s", "g", "-", "+") == SYNTAX
    assert raw.error("XPENDING", "s", "g", "-", "+", 1, "c", "x", "y", "z") == SYNTAX
    assert raw.error("XPENDING", "s", "g", "IDLE", 10, "-", "+") == SYNTAX
    assert raw.error("XPENDING", "s", "g", "IDLE", "x", "-", "+", 1) == NOT_INTEGER
    assert raw.error("XPENDING", "s", "g", "-", "+", "x") == NOT_INTEGER
    assert raw.error("XPENDING", "s", "g", "x", "+", 1) == BAD_ID
    assert raw.error("XPENDING", "s", "g", "(18446744073709551615-18446744073709551615", "+", 1) == \
        "ERR invalid start ID for the interval"
    assert raw.error("XPENDING", "s", "g", "-", "(0-0", 1) == "ERR invalid end ID for the interval"
    assert raw.error("XPENDING", "s", "nope") == no_group("s", "nope")
    assert raw.error("XPENDING", "missing", "g", "-", "+", 1) == no_group("missing", "g")
    assert raw.error("XPENDING", "missing", "g", "-", "+", "x") == NOT_INTEGER  # range first
    assert raw.error("XPENDING", "str", "g") == WRONGTYPE


# ---------------------------------------------------------------------------
# XCLAIM and XAUTOCLAIM.
# ---------------------------------------------------------------------------

def pending(raw, key="s", group="g"):
    return {r[0]: (r[1], r[3]) for r in raw.command("XPENDING", key, group, "-", "+", 100)}


def test_xclaim(s3):
    raw = s3
    raw.command("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    raw.command("XCLAIM", "s", "g", "alice", 0, "1-0", "2-0", "IDLE", 60000, "JUSTID")
    assert raw.command("XCLAIM", "s", "g", "bob", 3600000, "1-0") == []  # not idle enough
    assert raw.command("XCLAIM", "s", "g", "bob", 30000, "1-0", "2-0", "3-0") == \
        [[b"1-0", [b"a", b"1"]], [b"2-0", [b"b", b"2"]]]
    assert pending(raw) == {b"1-0": (b"bob", 2), b"2-0": (b"bob", 2), b"3-0": (b"alice", 1)}
    assert raw.command("XCLAIM", "s", "g", "carol", 0, "1-0", "JUSTID") == [b"1-0"]
    assert raw.command("XCLAIM", "s", "g", "carol", 0, "2-0", "RETRYCOUNT", 9) == \
        [[b"2-0", [b"b", b"2"]]]
    assert pending(raw) == {b"1-0": (b"carol", 2), b"2-0": (b"carol", 9), b"3-0": (b"alice", 1)}
    # TIME sets the delivery time; a time in the future means now.
    past = int(time.time() * 1000) - 50000
    raw.command("XCLAIM", "s", "g", "carol", 0, "3-0", "TIME", past, "JUSTID")
    assert raw.command("XPENDING", "s", "g", "3-0", "3-0", 1)[0][2] >= 50000
    raw.command("XCLAIM", "s", "g", "carol", 0, "3-0", "TIME", past + 10 ** 9, "JUSTID")
    assert raw.command("XPENDING", "s", "g", "3-0", "3-0", 1)[0][2] < 5000


def test_xclaim_force_lastid_and_deleted_entries(s3):
    raw = s3
    assert raw.command("XCLAIM", "s", "g", "bob", 0, "2-0", "9-0", "FORCE", "JUSTID") == [b"2-0"]
    assert pending(raw) == {b"2-0": (b"bob", 1)}
    raw.command("XDEL", "s", "2-0")
    # A claim of an entry gone from the stream drops it from the PEL.
    assert raw.command("XCLAIM", "s", "g", "carol", 0, "2-0") == []
    assert pending(raw) == {}
    consumers = [as_dict(c)["name"] for c in raw.command("XINFO", "CONSUMERS", "s", "g")]
    assert consumers == [b"bob"]  # carol claimed nothing, so was never made
    raw.command("XCLAIM", "s", "g", "bob", 0, "9-0", "LASTID", "5-0")
    assert groups(raw, "s")["g"]["last-delivered-id"] == b"5-0"
    raw.command("XCLAIM", "s", "g", "bob", 0, "9-0", "LASTID", "4-0")
    assert groups(raw, "s")["g"]["last-delivered-id"] == b"5-0"


def test_xclaim_errors(s3):
    raw = s3
    raw.command("SET", "str", "x")
    assert raw.error("XCLAIM", "s", "g", "c", "x", "1-0") == "ERR Invalid min-idle-time argument for XCLAIM"
    assert raw.error("XCLAIM", "s", "g", "c", 0, "1-0", "IDLE", "x") == \
        "ERR Invalid IDLE option argument for XCLAIM"
    assert raw.error("XCLAIM", "s", "g", "c", 0, "1-0", "TIME", "x") == \
        "ERR Invalid TIME option argument for XCLAIM"
    assert raw.error("XCLAIM", "s", "g", "c", 0, "1-0", "RETRYCOUNT", "x") == \
        "ERR Invalid RETRYCOUNT option argument for XCLAIM"
    assert raw.error("XCLAIM", "s", "g", "c", 0, "1-0", "LASTID", "x") == BAD_ID
    assert raw.error("XCLAIM", "s", "g", "c", 0, "1-0", "IDLE") == "ERR Unrecognized XCLAIM option 'IDLE'"
    assert raw.error("XCLAIM", "s", "g", "c", 0, "1-0", "bogus", "2-0") == \
        "ERR Unrecognized XCLAIM option 'bogus'"
    assert raw.error("XCLAIM", "s", "nope", "c", 0, "1-0") == no_group("s", "nope")
    assert raw.error("XCLAIM", "missing", "g", "c", "x", "1-0") == no_group("missing", "g")
    assert raw.error("XCLAIM", "str", "g", "c", 0, "1-0") == WRONGTYPE
    assert raw.command("XPENDING", "s", "g")[0] == 0


def test_xautoclaim(s3):
    raw = s3
    raw.command("XADD", "s", "4-0", "d", "4")
    raw.command("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    raw.command("XCLAIM", "s", "g", "alice", 0, "1-0", "2-0", "3-0", "4-0", "IDLE", 60000, "JUSTID")
    assert raw.command("XAUTOCLAIM", "s", "g", "bob", 30000, "0", "COUNT", 2) == \
        [b"3-0", [[b"1-0", [b"a", b"1"]], [b"2-0", [b"b", b"2"]]], []]
    assert raw.command("XAUTOCLAIM", "s", "g", "bob", 30000, "3-0", "COUNT", 2, "JUSTID") == \
        [b"0-0", [b"3-0", b"4-0"], []]
    assert pending(raw) == {b"1-0": (b"bob", 2), b"2-0": (b"bob", 2), b"3-0": (b"bob", 1),
                            b"4-0": (b"bob", 1)}
    # Just claimed: not idle.
    assert raw.command("XAUTOCLAIM", "s", "g", "carol", 30000, "-") == [b"0-0", [], []]
    assert raw.command("XAUTOCLAIM", "s", "g", "carol", 0, "(1-0", "COUNT", 1, "JUSTID") == \
        [b"3-0", [b"2-0"], []]
    # Entries deleted from the stream are dropped and listed last.
    raw.command("XDEL", "s", "1-0", "3-0")
    assert raw.command("XAUTOCLAIM", "s", "g", "dave", 0, "-", "COUNT", 2) == \
        [b"3-0", [[b"2-0", [b"b", b"2"]]], [b"1-0"]]
    assert raw.command("XAUTOCLAIM", "s", "g", "dave", 0, "4-0") == \
        [b"0-0", [[b"4-0", [b"d", b"4"]]], []]
    assert raw.command("XAUTOCLAIM", "s", "g", "dave", 0, "-", "JUSTID") == \
        [b"0-0", [b"2-0", b"4-0"], [b"3-0"]]


def test_xautoclaim_errors(s3):
    raw = s3
    raw.command("SET", "str", "x")
    assert raw.error("XAUTOCLAIM", "s", "g", "c", "x", "0") == \
        "ERR Invalid min-idle-time argument for XAUTOCLAIM"
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "x") == BAD_ID
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "(18446744073709551615-18446744073709551615") \
        == "ERR invalid start ID for the interval"
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "0", "COUNT", 0) == "ERR COUNT must be > 0"
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "0", "COUNT", "x") == "ERR COUNT must be > 0"
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "0", "COUNT") == SYNTAX
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "0", "FOO") == SYNTAX
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "0", "COUNT", 2 ** 59 - 1) == \
        "ERR Insufficient memory, failed allocating transient memory, COUNT too high."
    assert raw.error("XAUTOCLAIM", "s", "g", "c", 0, "0", "COUNT", 2 ** 59) == "ERR COUNT must be > 0"
    assert raw.error("XAUTOCLAIM", "s", "nope", "c", 0, "0") == no_group("s", "nope")
    assert raw.error("XAUTOCLAIM", "missing", "g", "c", 0, "0", "FOO") == SYNTAX  # options first
    assert raw.error("XAUTOCLAIM", "str", "g", "c", 0, "0") == WRONGTYPE


# ---------------------------------------------------------------------------
# XINFO.
# ---------------------------------------------------------------------------

def test_xinfo_stream(s3):
    raw = s3
    raw.command("XDEL", "s", "2-0")
    info = as_dict(raw.command("XINFO", "STREAM", "s"))
    assert list(info) == ["length", "radix-tree-keys", "radix-tree-nodes", "last-generated-id",
                          "max-deleted-entry-id", "entries-added", "recorded-first-entry-id",
                          "groups", "first-entry", "last-entry"]
    assert info["length"] == 2 and info["radix-tree-keys"] == 1 and info["radix-tree-nodes"] == 2
    assert info["last-generated-id"] == b"3-0" and info["max-deleted-entry-id"] == b"2-0"
    assert info["entries-added"] == 3 and info["recorded-first-entry-id"] == b"1-0"
    assert info["groups"] == 1
    assert info["first-entry"] == [b"1-0", [b"a", b"1"]]
    assert info["last-entry"] == [b"3-0", [b"c", b"3"]]
    raw.command("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM")
    empty = as_dict(raw.command("XINFO", "STREAM", "e"))
    assert empty["first-entry"] is None and empty["last-entry"] is None
    assert empty["radix-tree-nodes"] == 1


def test_xinfo_stream_radix_tree_nodes(raw):
    raw.command("CONFIG", "SET", "stream-node-max-entries", 2)
    try:
        for i in (1, 2, 3, 4, 256):
            raw.command("XADD", "s", "%d-0" % i, "f", "v")
        info = as_dict(raw.command("XINFO", "STREAM", "s"))
        assert (info["radix-tree-keys"], info["radix-tree-nodes"]) == (3, 9)
        raw.command("XDEL", "s", "256-0")
        info = as_dict(raw.command("XINFO", "STREAM", "s"))
        assert (info["radix-tree-keys"], info["radix-tree-nodes"]) == (2, 6)
    finally:
        raw.command("CONFIG", "SET", "stream-node-max-entries", 100)


def test_xinfo_stream_full(s3):
    raw = s3
    raw.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 2, "STREAMS", "s", ">")
    before = int(time.time() * 1000) - 2000
    full = as_dict(raw.command("XINFO", "STREAM", "s", "FULL", "COUNT", 1))
    assert list(full) == ["length", "radix-tree-keys", "radix-tree-nodes", "last-generated-id",
                          "max-deleted-entry-id", "entries-added", "recorded-first-entry-id",
                          "entries", "groups"]
    assert full["entries"] == [[b"1-0", [b"a", b"1"]]]
    (g,) = [as_dict(x) for x in full["groups"]]
    assert list(g) == ["name", "last-delivered-id", "entries-read", "lag", "pel-count", "pending",
                       "consumers"]
    assert (g["name"], g["last-delivered-id"], g["entries-read"], g["lag"], g["pel-count"]) == \
        (b"g", b"2-0", 2, 1, 2)
    ((pid, pname, ptime, pcount),) = g["pending"]
    assert (pid, pname, pcount) == (b"1-0", b"alice", 1) and ptime >= before
    (c,) = [as_dict(x) for x in g["consumers"]]
    assert list(c) == ["name", "seen-time", "pel-count", "pending"]
    assert c["name"] == b"alice" and c["pel-count"] == 2 and c["seen-time"] >= before
    assert [p[0] for p in c["pending"]] == [b"1-0"]
    every = as_dict(raw.command("XINFO", "STREAM", "s", "FULL", "COUNT", 0))
    assert len(every["entries"]) == 3
    assert len(as_dict(every["groups"][0])["pending"]) == 2
    assert len(as_dict(raw.command("XINFO", "STREAM", "s", "FULL"))["entries"]) == 3


def test_xinfo_stream_errors(s3):
    raw = s3
    raw.command("SET", "str", "x")
    assert raw.error("XINFO", "STREAM", "missing") == NO_SUCH_KEY
    assert raw.error("XINFO", "STREAM", "missing", "FOO") == NO_SUCH_KEY  # the key comes first
    assert raw.error("XINFO", "STREAM", "str") == WRONGTYPE
    assert raw.error("XINFO", "stream", "s", "FOO") == subcommand_error("stream", "XINFO")
    assert raw.error("XINFO", "STREAM", "s", "FULL", "COUNT") == subcommand_error("STREAM", "XINFO")
    assert raw.error("XINFO", "STREAM", "s", "FULL", "LIMIT", 1) == subcommand_error("STREAM", "XINFO")
    assert raw.error("XINFO", "STREAM", "s", "FULL", "COUNT", "x") == NOT_INTEGER


def test_xinfo_groups_and_consumers(s3):
    raw = s3
    raw.command("XGROUP", "CREATECONSUMER", "s", "g", "bob")
    raw.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 1, "STREAMS", "s", ">")
    (g,) = raw.command("XINFO", "GROUPS", "s")
    assert as_dict(g) == {"name": b"g", "consumers": 2, "pending": 1, "last-delivered-id": b"1-0",
                          "entries-read": 1, "lag": 2}
    raw.command("XDEL", "s", "2-0")
    assert groups(raw, "s")["g"]["lag"] is None
    consumers = [as_dict(c) for c in raw.command("XINFO", "CONSUMERS", "s", "g")]
    assert [list(c) for c in consumers] == [["name", "pending", "idle"]] * 2
    assert [(c["name"], c["pending"]) for c in consumers] == [(b"alice", 1), (b"bob", 0)]
    assert all(0 <= c["idle"] < 5000 for c in consumers)
    raw.command("SET", "str", "x")
    assert raw.error("XINFO", "GROUPS", "missing") == NO_SUCH_KEY
    assert raw.error("XINFO", "GROUPS", "str") == WRONGTYPE
    assert raw.error("XINFO", "CONSUMERS", "missing", "g") == NO_SUCH_KEY
    assert raw.error("XINFO", "CONSUMERS", "s", "nope") == no_consumer_group("nope", "s")


def test_xinfo_resp3_maps(s3, conns):
    r3 = resp3(conns)
    r3.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 1, "STREAMS", "s", ">")
    info = r3.command("XINFO", "STREAM", "s")
    assert isinstance(info, dict) and info[b"length"] == 3
    (g,) = r3.command("XINFO", "GROUPS", "s")
    assert isinstance(g, dict) and g[b"entries-read"] == 1
    full = r3.command("XINFO", "STREAM", "s", "FULL")
    assert isinstance(full[b"groups"][0], dict)


# ---------------------------------------------------------------------------
# Keyspace events.
# ---------------------------------------------------------------------------

def test_keyspace_events(make_server):
    srv = make_server("--notify-keyspace-events", "KEAn")
    c = srv.raw()
    sub = srv.raw()
    sub.command("PSUBSCRIBE", "__keyevent@0__:*")
    c.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    c.command("XADD", "s", "1-0", "f", "v")
    c.command("XGROUP", "SETID", "s", "g", "0")
    c.command("XGROUP", "CREATECONSUMER", "s", "g", "c1")
    c.command("XGROUP", "CREATECONSUMER", "s", "g", "c1")
    c.command("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">")
    c.command("XCLAIM", "s", "g", "c3", 0, "1-0")
    c.command("XAUTOCLAIM", "s", "g", "c4", 0, "0")
    c.command("XACK", "s", "g", "1-0")
    c.command("XGROUP", "DELCONSUMER", "s", "g", "c1")
    c.command("XGROUP", "DELCONSUMER", "s", "g", "c1")
    c.command("XGROUP", "DESTROY", "s", "g")
    c.command("XGROUP", "DESTROY", "s", "g")
    c.command("PUBLISH", "__keyevent@0__:end", "x")
    events = []
    while not events or events[-1][0] != "end":
        msg = sub.read_reply()
        events.append((msg[2].decode().split(":", 1)[1], msg[3]))
    assert events == [("new", b"s"), ("xgroup-create", b"s"), ("xadd", b"s"),
                      ("xgroup-setid", b"s"), ("xgroup-createconsumer", b"s"),
                      ("xgroup-createconsumer", b"s"), ("xgroup-createconsumer", b"s"),
                      ("xgroup-createconsumer", b"s"), ("xgroup-delconsumer", b"s"),
                      ("xgroup-destroy", b"s"), ("end", b"x")]


# ---------------------------------------------------------------------------
# The AOF.
# ---------------------------------------------------------------------------

def claim(key, group, consumer, entry_id, count, last_id):
    """An XCLAIM as a delivery or claim is propagated (TIME left out)."""
    return [b"XCLAIM", key, group, consumer, b"0", entry_id, b"TIME", b"<t>", b"RETRYCOUNT",
            str(count).encode(), b"FORCE", b"JUSTID", b"LASTID", last_id]


def without_times(commands):
    out = []
    for a in commands:
        if a[0] == b"XCLAIM" and len(a) == 14 and a[6] == b"TIME":
            a = a[:7] + [b"<t>"] + a[8:]
        out.append(a)
    return out


def test_propagation_to_the_aof(make_server):
    srv = make_server("--appendonly", "yes", "--appendfsync", "always")
    c = srv.raw()
    c.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    for i in (1, 2, 3):
        c.command("XADD", "s", "%d-0" % i, "f", "v")
    c.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 2, "STREAMS", "s", ">")
    c.command("XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">")
    c.command("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")  # history: nothing
    c.command("XCLAIM", "s", "g", "carol", 0, "1-0", "2", "RETRYCOUNT", 5)
    c.command("XCLAIM", "s", "g", "carol", 0, "7-0", "LASTID", "10-0")
    c.command("XDEL", "s", "2-0")
    c.command("XAUTOCLAIM", "s", "g", "dave", 0, "0")
    c.command("XACK", "s", "g", "1-0", "5-5")
    c.command("XACK", "s", "g", "1-0")  # nothing acknowledged: not written
    c.command("XGROUP", "CREATECONSUMER", "s", "g", "erin")
    c.command("XGROUP", "DESTROY", "s", "nope")
    got = without_times([a for a in aof_commands(srv) if a[0].upper() != b"XADD"])
    assert got == [
        [b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"],
        [b"MULTI"],
        claim(b"s", b"g", b"alice", b"1-0", 1, b"1-0"),
        claim(b"s", b"g", b"alice", b"2-0", 1, b"2-0"),
        [b"EXEC"],
        [b"MULTI"],
        [b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"bob"],
        [b"XGROUP", b"SETID", b"s", b"g", b"3-0", b"ENTRIESREAD", b"3"],
        [b"EXEC"],
        [b"MULTI"],
        claim(b"s", b"g", b"carol", b"1-0", 5, b"3-0"),
        claim(b"s", b"g", b"carol", b"2", 5, b"3-0"),
        [b"EXEC"],
        [b"XGROUP", b"SETID", b"s", b"g", b"10-0", b"ENTRIESREAD", b"3"],
        [b"XDEL", b"s", b"2-0"],
        [b"MULTI"],
        claim(b"s", b"g", b"dave", b"1-0", 6, b"10-0"),
        claim(b"s", b"g", b"carol", b"2-0", 5, b"10-0"),  # dropped: deleted from the stream
        [b"EXEC"],
        [b"XACK", b"s", b"g", b"1-0", b"5-5"],
        [b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"erin"],
    ]


def test_aof_replays_to_the_same_groups(make_server):
    srv = make_server("--appendonly", "yes", "--appendfsync", "always")
    c = srv.raw()
    c.command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    c.command("XGROUP", "CREATE", "s", "h", "$")
    for i in range(1, 8):
        c.command("XADD", "s", "%d-0" % i, "f", i)
    c.command("XREADGROUP", "GROUP", "g", "alice", "COUNT", 3, "STREAMS", "s", ">")
    c.command("XREADGROUP", "GROUP", "g", "bob", "COUNT", 2, "STREAMS", "s", ">")
    c.command("XREADGROUP", "GROUP", "h", "zed", "NOACK", "COUNT", 4, "STREAMS", "s", ">")
    c.command("XCLAIM", "s", "g", "carol", 0, "2-0", "RETRYCOUNT", 7)
    c.command("XACK", "s", "g", "1-0")
    c.command("XGROUP", "CREATECONSUMER", "s", "h", "idle")
    c.command("XDEL", "s", "5-0")
    c.command("XAUTOCLAIM", "s", "g", "dave", 0, "5-0", "COUNT", 1)  # drops 5-0

    # Entries-read is not propagated (XCLAIM's LASTID moves the position
    # only), so a replay knows the positions but not the counters: Redis
    # 7.0 behaves the same.
    def state():
        full = as_dict(c.command("XINFO", "STREAM", "s", "FULL", "COUNT", 0))
        out = {}
        for g in (as_dict(x) for x in full["groups"]):
            consumers = {as_dict(x)["name"]: [p[0] for p in as_dict(x)["pending"]]
                         for x in g["consumers"]}
            out[g["name"]] = (g["last-delivered-id"], g["pending"], consumers)
        return out

    before = state()
    assert [p[:2] for p in before[b"g"][1]] == \
        [[b"2-0", b"carol"], [b"3-0", b"alice"], [b"4-0", b"bob"]]
    assert before[b"h"][0] == b"4-0" and before[b"h"][2] == {b"idle": [], b"zed": []}
    srv.restart()
    c = srv.raw()
    assert state() == before
