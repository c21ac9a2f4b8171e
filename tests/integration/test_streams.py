"""Stream commands: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD, the
generic commands on stream values (TYPE, OBJECT ENCODING, COPY, RENAME,
DEL, SCAN TYPE), blocking XREAD with several connections, keyspace events
and what reaches the AOF.

Most tests talk over `raw` (a RawConnection after FLUSHALL) so that reply
types and error texts are exact. Every test passes against Redis 7.0.15 too
(OSPREY_SERVER=/usr/bin/redis-server).
"""

import os
import time

import pytest

from reply_errors import NO_SUCH_KEY, NOT_INTEGER, SYNTAX, WRONGTYPE, arity
from server_process import RespError
from test_aof import last_incr
from test_lists import blocked_clients, conns, wait_blocked, wait_until  # noqa: F401 (fixture)

BAD_ID = "ERR Invalid stream ID specified as stream command argument"
ID_TOO_SMALL = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
MAX_ID = "18446744073709551615-18446744073709551615"


def fill(raw, key, n, start=1):
    """Entries <i>-0 with field f and value i, for i in [start, start + n)."""
    for i in range(start, start + n):
        raw.send_command("XADD", key, "%d-0" % i, "f", i)
    for _ in range(n):
        raw.read_reply()


def ids(entries):
    return [e[0] for e in entries]


# ---------------------------------------------------------------------------
# Arity.
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("xadd", ["XADD", "s", "*"]),
    ("xadd", ["XADD", "s", "*", "f"]),
    ("xadd", ["XADD", "s", "*", "f", "v", "g"]),
    ("xadd", ["XADD", "s", "MAXLEN", "5"]),
    ("xrange", ["XRANGE", "s", "-"]),
    ("xrevrange", ["XREVRANGE", "s", "+"]),
    ("xlen", ["XLEN"]),
    ("xlen", ["XLEN", "a", "b"]),
    ("xdel", ["XDEL", "s"]),
    ("xtrim", ["XTRIM", "s", "MAXLEN"]),
    ("xsetid", ["XSETID", "s"]),
    ("xread", ["XREAD", "STREAMS", "s"]),
]


@pytest.mark.parametrize("name,args", ARITY_CASES)
def test_wrong_number_of_arguments(raw, name, args):
    assert raw.error(*args) == arity(name)


# ---------------------------------------------------------------------------
# XADD.
# ---------------------------------------------------------------------------

def test_xadd_explicit_ids_and_read_back(raw):
    assert raw.command("XADD", "s", "1-1", "a", "1", "b", "x") == b"1-1"
    assert raw.command("XADD", "s", "1-2", "c", "3") == b"1-2"
    assert raw.command("XADD", "s", "5", "d", "") == b"5-0"
    assert raw.command("XRANGE", "s", "-", "+") == [
        [b"1-1", [b"a", b"1", b"b", b"x"]],
        [b"1-2", [b"c", b"3"]],
        [b"5-0", [b"d", b""]],
    ]
    assert raw.command("XLEN", "s") == 3


def test_xadd_generated_ids_grow(raw):
    before = int(time.time() * 1000)
    first = raw.command("XADD", "s", "*", "f", "v").decode()
    second = raw.command("XADD", "s", "*", "f", "v").decode()
    ms1, seq1 = map(int, first.split("-"))
    ms2, seq2 = map(int, second.split("-"))
    assert before - 1000 <= ms1 <= int(time.time() * 1000) + 1000
    assert (ms2, seq2) > (ms1, seq1)
    # A last ID in the future: the next one continues from it.
    assert raw.command("XADD", "f", "99999999999999-7", "f", "v") == b"99999999999999-7"
    assert raw.command("XADD", "f", "*", "f", "v") == b"99999999999999-8"


def test_xadd_ms_star(raw):
    assert raw.command("XADD", "s", "5-*", "f", "v") == b"5-0"
    assert raw.command("XADD", "s", "5-*", "f", "v") == b"5-1"
    assert raw.command("XADD", "s", "7-*", "f", "v") == b"7-0"
    assert raw.error("XADD", "s", "6-*", "f", "v") == ID_TOO_SMALL
    assert raw.command("XADD", "z", "0-*", "f", "v") == b"0-1"


def test_xadd_keeps_binary_and_integer_looking_values(raw):
    values = [b"0", b"-1", b"007", b"9223372036854775807", b"9223372036854775808",
              b"1.5", b"\x00\xff", b" 1", b"x" * 5000]
    args = []
    for i, v in enumerate(values):
        args += [b"f%d" % i, v]
    raw.command("XADD", "s", "1-0", *args)
    raw.command("XADD", "s", "2-0", *args)
    for entry in raw.command("XRANGE", "s", "-", "+"):
        assert entry[1] == args


def test_xadd_errors(raw):
    assert raw.error("XADD", "s", "0-0", "f", "v") == \
        "ERR The ID specified in XADD must be greater than 0-0"
    assert raw.error("XADD", "s", "0", "f", "v") == \
        "ERR The ID specified in XADD must be greater than 0-0"
    assert raw.command("EXISTS", "s") == 0
    for bad in ["-", "+", "1-x", "x", "1-2-3", "-1", "1-*-", ""]:
        assert raw.error("XADD", "s", bad, "f", "v") == BAD_ID, bad
    assert raw.command("XADD", "s", "5-5", "f", "v") == b"5-5"
    assert raw.error("XADD", "s", "5-5", "f", "v") == ID_TOO_SMALL
    assert raw.error("XADD", "s", "4", "f", "v") == ID_TOO_SMALL
    raw.command("SET", "str", "x")
    assert raw.error("XADD", "str", "*", "f", "v") == WRONGTYPE
    assert raw.error("XADD", "s", "MAXLEN", "-1", "*", "f", "v") == \
        "ERR The MAXLEN argument must be >= 0."
    assert raw.error("XADD", "s", "MAXLEN", "x", "*", "f", "v") == NOT_INTEGER
    assert raw.error("XADD", "s", "MINID", "+", "*", "f", "v") == BAD_ID
    assert raw.error("XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "f", "v") == \
        "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
    assert raw.error("XADD", "s", "LIMIT", "5", "*", "f", "v") == \
        "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
    assert raw.error("XADD", "s", "MAXLEN", "5", "LIMIT", "5", "*", "f", "v") == \
        "ERR syntax error, LIMIT cannot be used without the special ~ option"
    assert raw.error("XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "*", "f", "v") == \
        "ERR The LIMIT argument must be >= 0."
    assert raw.error("XADD", "s", "MAXLEN", "~", "5", "LIMIT", "x", "*", "f", "v") == NOT_INTEGER
    assert raw.error("XADD", "s", "LIMIT", "0", "6-0", "f", "v") == \
        "ERR syntax error, LIMIT cannot be used without the special ~ option"
    assert raw.command("XSETID", "s", MAX_ID) == "OK"
    assert raw.error("XADD", "s", "*", "f", "v") == \
        "ERR The stream has exhausted the last possible ID, unable to add more items"
    assert raw.command("XADD", "m", "9-18446744073709551615", "f", "v") == \
        b"9-18446744073709551615"
    assert raw.error("XADD", "m", "9-*", "f", "v") == "ERR Elements are too large to be stored"


def test_xadd_nomkstream(raw):
    assert raw.command("XADD", "s", "NOMKSTREAM", "*", "f", "v") is None
    assert raw.command("EXISTS", "s") == 0
    raw.command("XADD", "s", "1-0", "f", "v")
    assert raw.command("XADD", "s", "nomkstream", "2-0", "f", "v") == b"2-0"
    assert raw.command("XLEN", "s") == 2


def test_xadd_trimming(raw):
    fill(raw, "s", 250)
    # "~" removes whole nodes only (100 entries each by default).
    assert raw.command("XADD", "s", "MAXLEN", "~", "120", "251", "f", "v") == b"251-0"
    assert raw.command("XLEN", "s") == 151
    assert raw.command("XADD", "s", "MAXLEN", "=", "10", "252", "f", "v") == b"252-0"
    assert raw.command("XLEN", "s") == 10
    assert ids(raw.command("XRANGE", "s", "-", "+", "COUNT", 1)) == [b"243-0"]
    assert raw.command("XADD", "s", "MINID", "250", "253", "f", "v") == b"253-0"
    assert ids(raw.command("XRANGE", "s", "-", "+")) == [b"250-0", b"251-0", b"252-0", b"253-0"]
    # The new entry itself may go.
    assert raw.command("XADD", "s", "MAXLEN", "0", "254", "f", "v") == b"254-0"
    assert raw.command("XLEN", "s") == 0
    assert raw.command("EXISTS", "s") == 1


def test_xadd_trim_limit(raw):
    fill(raw, "s", 500)
    assert raw.command("XADD", "s", "MAXLEN", "~", "0", "LIMIT", "250", "501", "f", "v") == \
        b"501-0"
    assert raw.command("XLEN", "s") == 301
    assert raw.command("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "99") == 0
    assert raw.command("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "100") == 100


# ---------------------------------------------------------------------------
# XRANGE / XREVRANGE.
# ---------------------------------------------------------------------------

@pytest.fixture
def five(raw):
    for i in ["1-0", "1-1", "2-0", "3-5", "4-0"]:
        raw.command("XADD", "s", i, "f", i)
    return raw


def test_xrange_bounds(five):
    raw = five
    assert ids(raw.command("XRANGE", "s", "1", "2")) == [b"1-0", b"1-1", b"2-0"]
    assert ids(raw.command("XRANGE", "s", "(1-0", "(3-5")) == [b"1-1", b"2-0"]
    assert ids(raw.command("XRANGE", "s", "(1", "+")) == [b"1-1", b"2-0", b"3-5", b"4-0"]
    assert ids(raw.command("XRANGE", "s", "3", "3")) == [b"3-5"]
    assert raw.command("XRANGE", "s", "5", "+") == []
    assert raw.command("XRANGE", "s", "4", "1") == []
    assert raw.command("XRANGE", "nokey", "-", "+") == []
    assert ids(raw.command("XREVRANGE", "s", "+", "-", "COUNT", 2)) == [b"4-0", b"3-5"]
    assert ids(raw.command("XREVRANGE", "s", "(3-5", "(1-0")) == [b"2-0", b"1-1"]
    assert ids(raw.command("XRANGE", "s", "-", "+", "count", 1, "COUNT", 2)) == [b"1-0", b"1-1"]
    assert raw.command("XRANGE", "s", "-", "+", "COUNT", 0) is None
    assert raw.command("XRANGE", "s", "-", "+", "COUNT", -3) is None


def test_xrange_errors(five):
    raw = five
    for start, end in [("(-", "+"), ("-", "(+"), ("(", "+"), ("x", "+"), ("-", "1-x")]:
        assert raw.error("XRANGE", "s", start, end) == BAD_ID, (start, end)
    assert raw.error("XRANGE", "s", "(" + MAX_ID, "+") == "ERR invalid start ID for the interval"
    assert raw.error("XRANGE", "s", "-", "(0-0") == "ERR invalid end ID for the interval"
    assert raw.error("XREVRANGE", "s", "(0-0", "-") == "ERR invalid end ID for the interval"
    assert raw.error("XREVRANGE", "s", "+", "(" + MAX_ID) == "ERR invalid start ID for the interval"
    assert raw.error("XRANGE", "s", "-", "+", "COUNT") == SYNTAX
    assert raw.error("XRANGE", "s", "-", "+", "LIMIT", 1) == SYNTAX
    assert raw.error("XRANGE", "s", "-", "+", "COUNT", "x") == NOT_INTEGER
    raw.command("SET", "str", "x")
    assert raw.error("XRANGE", "str", "x", "+") == BAD_ID
    assert raw.error("XRANGE", "str", "-", "+") == WRONGTYPE
    assert raw.error("XREVRANGE", "str", "+", "-") == WRONGTYPE


def test_xrange_across_many_nodes_with_deletions(raw):
    fill(raw, "s", 350)
    deleted = list(range(1, 351, 3))
    assert raw.command("XDEL", "s", *["%d" % i for i in deleted]) == len(deleted)
    live = [b"%d-0" % i for i in range(1, 351) if i not in deleted]
    assert ids(raw.command("XRANGE", "s", "-", "+")) == live
    assert ids(raw.command("XREVRANGE", "s", "+", "-")) == live[::-1]
    assert ids(raw.command("XRANGE", "s", "99", "203")) == \
        [i for i in live if 99 <= int(i.split(b"-")[0]) <= 203]
    assert raw.command("XLEN", "s") == len(live)


# ---------------------------------------------------------------------------
# XLEN, XDEL, XTRIM, XSETID.
# ---------------------------------------------------------------------------

def test_xlen(raw):
    assert raw.command("XLEN", "s") == 0
    raw.command("XADD", "s", "1", "f", "v")
    assert raw.command("XLEN", "s") == 1
    raw.command("SET", "str", "x")
    assert raw.error("XLEN", "str") == WRONGTYPE


def test_xdel(raw):
    fill(raw, "s", 3)
    assert raw.command("XDEL", "s", "2", "2", "9") == 1
    assert raw.command("XDEL", "s", "9") == 0
    assert raw.command("XDEL", "s", "1-0", "3-0") == 2
    assert raw.command("XLEN", "s") == 0
    assert raw.command("EXISTS", "s") == 1
    # The key first; then every ID before anything is deleted.
    raw.command("XADD", "s", "4", "f", "v")
    assert raw.error("XDEL", "s", "4", "x") == BAD_ID
    assert raw.command("XLEN", "s") == 1
    assert raw.error("XDEL", "s", "-") == BAD_ID
    assert raw.command("XDEL", "nokey", "x") == 0
    raw.command("SET", "str", "x")
    assert raw.error("XDEL", "str", "1") == WRONGTYPE


def test_xtrim(raw):
    fill(raw, "s", 400)
    assert raw.command("XTRIM", "s", "MAXLEN", 350) == 50
    assert raw.command("XTRIM", "s", "MAXLEN", "~", 280) == 50
    assert raw.command("XTRIM", "s", "MAXLEN", "~", 280) == 0
    assert raw.command("XTRIM", "s", "MINID", "=", 330) == 229
    assert ids(raw.command("XRANGE", "s", "-", "+", "COUNT", 1)) == [b"330-0"]
    assert raw.command("XTRIM", "s", "MINID", "~", 401, "LIMIT", 5) == 0
    assert raw.command("XTRIM", "s", "MINID", "~", 401) == 71
    assert raw.command("XLEN", "s") == 0
    assert raw.command("XTRIM", "nokey", "MAXLEN", 0) == 0


def test_xtrim_errors(raw):
    raw.command("XADD", "s", "1", "f", "v")
    assert raw.error("XTRIM", "s", "FOO", 1) == SYNTAX
    assert raw.error("XTRIM", "s", "LIMIT", 1) == \
        "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
    assert raw.error("XTRIM", "s", "LIMIT", 0) == \
        "ERR syntax error, XTRIM must be called with a trimming strategy"
    assert raw.error("XTRIM", "s", "MAXLEN", 1, "LIMIT", 1) == \
        "ERR syntax error, LIMIT cannot be used without the special ~ option"
    assert raw.error("XTRIM", "s", "MAXLEN", "~") == NOT_INTEGER
    assert raw.error("XTRIM", "s", "MAXLEN", 1, "NOMKSTREAM") == SYNTAX
    assert raw.error("XTRIM", "s", "MINID", "-") == BAD_ID
    assert raw.error("XTRIM", "s", "MAXLEN", -1) == "ERR The MAXLEN argument must be >= 0."
    raw.command("SET", "str", "x")
    assert raw.error("XTRIM", "str", "MAXLEN", 1) == WRONGTYPE
    # Arguments are checked before the key.
    assert raw.error("XTRIM", "str", "MAXLEN", "x") == NOT_INTEGER


def test_xsetid(raw):
    raw.command("XADD", "s", "5-0", "f", "v")
    assert raw.error("XSETID", "s", "4-0") == \
        "ERR The ID specified in XSETID is smaller than the target stream top item"
    assert raw.error("XSETID", "s", "9-0", "ENTRIESADDED", 0) == \
        "ERR The entries_added specified in XSETID is smaller than the target stream length"
    assert raw.error("XSETID", "s", "9-0", "ENTRIESADDED", -1) == \
        "ERR entries_added must be positive"
    assert raw.error("XSETID", "s", "9-0", "ENTRIESADDED", "x") == NOT_INTEGER
    assert raw.error("XSETID", "s", "9-0", "MAXDELETEDID", "10-0") == \
        "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
    assert raw.error("XSETID", "s", "9-0", "MAXDELETEDID", "+") == BAD_ID
    assert raw.error("XSETID", "s", "9-0", "FOO", 1) == SYNTAX
    assert raw.error("XSETID", "s", "9-0", "ENTRIESADDED") == SYNTAX
    assert raw.error("XSETID", "s", "+") == BAD_ID
    assert raw.error("XSETID", "nokey", "1-0") == NO_SUCH_KEY
    raw.command("SET", "str", "x")
    assert raw.error("XSETID", "str", "1-0") == WRONGTYPE
    assert raw.command("XSETID", "s", "9-0", "ENTRIESADDED", 7, "MAXDELETEDID", "3-0") == "OK"
    assert raw.error("XADD", "s", "8-0", "f", "v") == ID_TOO_SMALL
    assert raw.command("XADD", "s", "9-*", "f", "v") == b"9-1"
    # The last ID may go down to the top entry's.
    assert raw.command("XSETID", "s", "9-1") == "OK"
    raw.command("XDEL", "s", "9-1", "5-0")
    assert raw.command("XSETID", "s", "0-1") == "OK"


# ---------------------------------------------------------------------------
# The generic commands on streams.
# ---------------------------------------------------------------------------

def test_generic_commands(raw):
    fill(raw, "s", 150)
    assert raw.command("TYPE", "s") == "stream"
    assert raw.command("OBJECT", "ENCODING", "s") == b"stream"
    assert raw.command("COPY", "s", "c") == 1
    raw.command("XADD", "c", "151", "f", "x")
    assert raw.command("XLEN", "s") == 150
    assert raw.command("XLEN", "c") == 151
    assert raw.command("RENAME", "c", "r") == "OK"
    assert raw.command("XRANGE", "r", "151", "+") == [[b"151-0", [b"f", b"x"]]]
    raw.command("SET", "str", "x")
    assert sorted(raw.command("SCAN", 0, "TYPE", "stream", "COUNT", 1000)[1]) == [b"r", b"s"]
    assert raw.command("DEL", "s", "r") == 2
    assert raw.command("EXISTS", "s", "r") == 0
    assert raw.command("DBSIZE") == 1


# ---------------------------------------------------------------------------
# XREAD.
# ---------------------------------------------------------------------------

@pytest.fixture
def ab(raw):
    raw.command("XADD", "a", "1-0", "f", "1")
    raw.command("XADD", "a", "2-0", "f", "2")
    raw.command("XADD", "b", "5-0", "g", "5")
    return raw


def test_xread_at_once(ab):
    raw = ab
    assert raw.command("XREAD", "STREAMS", "a", "b", "0", "0") == [
        [b"a", [[b"1-0", [b"f", b"1"]], [b"2-0", [b"f", b"2"]]]],
        [b"b", [[b"5-0", [b"g", b"5"]]]],
    ]
    assert raw.command("XREAD", "COUNT", 1, "STREAMS", "a", "b", "1", "5") == \
        [[b"a", [[b"2-0", [b"f", b"2"]]]]]
    assert raw.command("XREAD", "STREAMS", "a", "b", "$", "$") is None
    assert raw.command("XREAD", "STREAMS", "nokey", "0-0") is None
    assert raw.command("XREAD", "COUNT", -1, "STREAMS", "a", "1") == \
        [[b"a", [[b"2-0", [b"f", b"2"]]]]]
    # A BLOCK with data at hand answers at once.
    assert raw.command("XREAD", "BLOCK", 0, "STREAMS", "a", "1") == \
        [[b"a", [[b"2-0", [b"f", b"2"]]]]]


def test_xread_resp3_is_a_map(ab, r3):
    r3.command("XADD", "a", "1-0", "f", "1")
    r3.command("XADD", "b", "2-0", "g", "2")
    reply = r3.command("XREAD", "STREAMS", "a", "b", "0", "0")
    assert dict(reply) == {b"a": [[b"1-0", [b"f", b"1"]]], b"b": [[b"2-0", [b"g", b"2"]]]}
    assert r3.command("XREAD", "STREAMS", "a", "$") is None


def test_xread_errors(ab):
    raw = ab
    assert raw.error("XREAD", "STREAMS", "a", "b", "0") == \
        "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
    assert raw.error("XREAD", "COUNT", 1, "a", "0") == SYNTAX
    assert raw.error("XREAD", "COUNT", "x", "STREAMS", "a", "0") == NOT_INTEGER
    assert raw.error("XREAD", "BLOCK", "x", "STREAMS", "a", "0") == \
        "ERR timeout is not an integer or out of range"
    assert raw.error("XREAD", "BLOCK", "1.5", "STREAMS", "a", "0") == \
        "ERR timeout is not an integer or out of range"
    assert raw.error("XREAD", "BLOCK", -1, "STREAMS", "a", "0") == "ERR timeout is negative"
    assert raw.error("XREAD", "GROUP", "g", "c", "STREAMS", "a", "0") == \
        "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
    assert raw.error("XREAD", "NOACK", "STREAMS", "a", "0") == \
        "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
    assert raw.error("XREAD", "STREAMS", "a", ">") == \
        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> " \
        "<consumer> option."
    assert raw.error("XREAD", "STREAMS", "a", "-") == BAD_ID
    assert raw.error("XREAD", "STREAMS", "a", "+") == BAD_ID
    raw.command("SET", "str", "x")
    assert raw.error("XREAD", "STREAMS", "a", "str", "0", "0") == WRONGTYPE


def test_xread_blocked_then_served(ab, conns):
    raw = ab
    waiter = conns()
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "b", "$", "$")
    wait_blocked(raw, 1)
    raw.command("XADD", "b", "6-0", "g", "6")
    assert waiter.read_reply() == [[b"b", [[b"6-0", [b"g", b"6"]]]]]
    wait_blocked(raw, 0)


def test_xread_dollar_is_the_id_when_blocking(ab, conns):
    raw = ab
    waiter = conns()
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    raw.command("XADD", "a", "3-0", "f", "3")
    raw.command("XADD", "a", "4-0", "f", "4")
    raw.command("EXEC")
    assert waiter.read_reply() == [[b"a", [[b"3-0", [b"f", b"3"]], [b"4-0", [b"f", b"4"]]]]]


def test_xread_waits_for_an_id_past_its_own(ab, conns):
    raw = ab
    waiter = conns()
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "10-0")
    wait_blocked(raw, 1)
    raw.command("XADD", "a", "3-0", "f", "3")
    time.sleep(0.05)
    assert blocked_clients(raw) == 1
    raw.command("XADD", "a", "11-0", "f", "11")
    assert waiter.read_reply() == [[b"a", [[b"11-0", [b"f", b"11"]]]]]


def test_xread_entries_added_and_deleted_give_an_empty_list(ab, conns):
    raw = ab
    waiter = conns()
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    raw.command("XADD", "a", "3-0", "f", "3")
    raw.command("XDEL", "a", "3-0")
    raw.command("EXEC")
    assert waiter.read_reply() == [[b"a", []]]


def test_xread_blocked_count(raw, conns):
    waiter = conns()
    waiter.send_command("XREAD", "COUNT", 2, "BLOCK", 0, "STREAMS", "s", "0-0")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    for i in range(1, 5):
        raw.command("XADD", "s", i, "f", "v")
    raw.command("EXEC")
    assert ids(waiter.read_reply()[0][1]) == [b"1-0", b"2-0"]


def test_xread_blocked_without_count_takes_a_thousand(raw, conns):
    waiter = conns()
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "s", "0-0")
    wait_blocked(raw, 1)
    raw.command("MULTI")
    for i in range(1, 1003):
        raw.send_command("XADD", "s", i, "f", "v")
    for _ in range(1, 1003):
        raw.read_reply()
    raw.command("EXEC")
    assert len(waiter.read_reply()[0][1]) == 1000


def test_xread_timeout(ab, conns):
    raw = ab
    waiter = conns()
    start = time.monotonic()
    waiter.send_command("XREAD", "BLOCK", 200, "STREAMS", "a", "$")
    assert waiter.read_reply() is None
    assert 0.15 < time.monotonic() - start < 2.0
    wait_blocked(raw, 0)


def test_xread_timeout_resp3(ab, conns):
    c = conns()
    c.command("HELLO", "3")
    c.send_command("XREAD", "BLOCK", 10, "STREAMS", "a", "$")
    assert c.read_exact_bytes(3) == b"_\r\n"


def test_xread_client_unblock(ab, conns):
    raw = ab
    waiter = conns()
    wid = waiter.command("CLIENT", "ID")
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    wait_blocked(raw, 1)
    assert raw.command("CLIENT", "UNBLOCK", wid) == 1
    assert waiter.read_reply() is None
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    wait_blocked(raw, 1)
    assert raw.command("CLIENT", "UNBLOCK", wid, "ERROR") == 1
    reply = waiter.read_reply()
    assert isinstance(reply, RespError)
    assert reply.message == "UNBLOCKED client unblocked via CLIENT UNBLOCK"


def test_xread_deleted_key_keeps_waiting(ab, conns):
    raw = ab
    waiter = conns()
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    wait_blocked(raw, 1)
    raw.command("DEL", "a")
    raw.command("SET", "a", "string")
    raw.command("DEL", "a")
    # A new stream must still pass the ID "$" meant (2-0).
    raw.command("XADD", "a", "1-5", "f", "v")
    time.sleep(0.05)
    assert blocked_clients(raw) == 1
    raw.command("XADD", "a", "3-0", "f", "v")
    assert waiter.read_reply() == [[b"a", [[b"3-0", [b"f", b"v"]]]]]


def test_xread_replaced_stream_serves_at_once(ab, conns):
    raw = ab
    waiter = conns()
    waiter.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    wait_blocked(raw, 1)
    raw.command("XADD", "other", "9-0", "f", "9")
    raw.command("RENAME", "other", "a")
    assert waiter.read_reply() == [[b"a", [[b"9-0", [b"f", b"9"]]]]]


def test_xread_in_multi_does_not_block(ab):
    raw = ab
    raw.command("MULTI")
    raw.command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    assert raw.command("EXEC") == [None]


def test_xread_first_come_first_served(ab, conns):
    raw = ab
    c1, c2 = conns(), conns()
    c1.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "$")
    wait_blocked(raw, 1)
    c2.send_command("XREAD", "BLOCK", 0, "STREAMS", "a", "b", "$", "$")
    wait_blocked(raw, 2)
    raw.command("XADD", "a", "3-0", "f", "3")
    assert c1.read_reply() == [[b"a", [[b"3-0", [b"f", b"3"]]]]]
    assert c2.read_reply() == [[b"a", [[b"3-0", [b"f", b"3"]]]]]


# ---------------------------------------------------------------------------
# Keyspace events and the AOF.
# ---------------------------------------------------------------------------

def test_keyspace_events(make_server):
    srv = make_server("--notify-keyspace-events", "KEAn")
    c = srv.raw()
    sub = srv.raw()
    sub.command("PSUBSCRIBE", "__keyevent@0__:*")
    c.command("XADD", "s", "1", "f", "v")
    c.command("XADD", "s", "MAXLEN", 1, "2", "f", "v")
    c.command("XDEL", "s", "2", "9")
    c.command("XDEL", "s", "9")
    c.command("XADD", "s", "3", "f", "v")
    c.command("XTRIM", "s", "MAXLEN", 5)
    c.command("XTRIM", "s", "MAXLEN", 0)
    c.command("XSETID", "s", "10-0")
    c.command("DEL", "s")
    c.command("PUBLISH", "__keyevent@0__:end", "x")
    events = []
    while not events or events[-1][0] != "end":
        msg = sub.read_reply()
        events.append((msg[2].decode().split(":", 1)[1], msg[3]))
    # XDEL and XTRIM that remove nothing send no event.
    assert events == [("new", b"s"), ("xadd", b"s"), ("xadd", b"s"), ("xtrim", b"s"),
                      ("xdel", b"s"), ("xadd", b"s"), ("xtrim", b"s"), ("xsetid", b"s"),
                      ("del", b"s"), ("end", b"x")]


def aof_commands(srv):
    """The commands in the last incremental AOF file, as lists of bytes."""
    with open(last_incr(srv), "rb") as f:
        data = f.read()
    out, pos = [], 0
    while pos < len(data):
        assert data[pos:pos + 1] == b"*", data[pos:pos + 40]
        end = data.index(b"\r\n", pos)
        n = int(data[pos + 1:end])
        pos = end + 2
        args = []
        for _ in range(n):
            end = data.index(b"\r\n", pos)
            size = int(data[pos + 1:end])
            args.append(data[end + 2:end + 2 + size])
            pos = end + 2 + size + 2
        out.append(args)
    return [a for a in out if a[0].upper() != b"SELECT"]


def test_propagation_to_the_aof(make_server):
    srv = make_server("--appendonly", "yes", "--appendfsync", "always")
    c = srv.raw()
    c.command("CONFIG", "SET", "stream-node-max-entries", 10)
    for i in range(1, 31):
        c.command("XADD", "s", i, "f", i)
    generated = c.command("XADD", "g", "*", "f", "v")
    c.command("XADD", "s", "MAXLEN", "~", 15, "31", "f", "v")
    c.command("XTRIM", "s", "MAXLEN", "~", 5)
    c.command("XTRIM", "s", "MAXLEN", "~", 5)
    c.command("XADD", "m", "1", "f", "v")
    c.command("XADD", "m", "2", "f", "v")
    c.command("XDEL", "m", "1")
    c.command("XADD", "m", "MINID", "~", 2, "3-*", "f", "v")
    c.command("XTRIM", "m", "MINID", "~", 9)
    c.command("XSETID", "m", "100-0")
    c.command("XREAD", "STREAMS", "s", "0")
    got = [a for a in aof_commands(srv) if not (a[0] == b"XADD" and a[1] == b"s"
                                                and a[2] == a[4] and int(a[2]) <= 30)]
    got = [a for a in got if a[0].upper() != b"CONFIG"]
    assert got == [
        [b"XADD", b"g", generated, b"f", b"v"],
        [b"XADD", b"s", b"MAXLEN", b"=", b"21", b"31", b"f", b"v"],
        [b"XTRIM", b"s", b"MAXLEN", b"=", b"11"],
        [b"XADD", b"m", b"1", b"f", b"v"],
        [b"XADD", b"m", b"2", b"f", b"v"],
        [b"XDEL", b"m", b"1"],
        [b"XADD", b"m", b"MINID", b"=", b"1-0", b"3-0", b"f", b"v"],
        [b"XTRIM", b"m", b"MINID", b"=", MAX_ID.encode()],
        [b"XSETID", b"m", b"100-0"],
    ]
    # What was written replays to the same streams.
    before = {k: c.command("XRANGE", k, "-", "+") for k in ["s", "g", "m"]}
    srv.restart()
    c = srv.raw()
    assert {k: c.command("XRANGE", k, "-", "+") for k in ["s", "g", "m"]} == before
    assert c.command("XLEN", "s") == 11


def test_aof_replay_trims_with_limit_as_written(make_server):
    # What the AOF holds after an approximate trim with LIMIT: "=" with the
    # LIMIT kept. A client may not send that, but the replay applies it.
    srv = make_server("--appendonly", "yes", "--appendfsync", "always")
    c = srv.raw()
    for i in range(1, 11):
        c.command("XADD", "s", i, "f", i)
    assert c.error("XTRIM", "s", "MAXLEN", "=", 2, "LIMIT", 5) == \
        "ERR syntax error, LIMIT cannot be used without the special ~ option"
    srv.stop()
    args = [b"XTRIM", b"s", b"MAXLEN", b"=", b"2", b"LIMIT", b"5"]
    with open(last_incr(srv), "ab") as f:
        f.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    srv.start()
    c = srv.raw()
    assert ids(c.command("XRANGE", "s", "-", "+")) == [b"9-0", b"10-0"]
