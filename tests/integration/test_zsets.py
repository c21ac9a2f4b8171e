"""Sorted-set commands: BZMPOP BZPOPMAX BZPOPMIN ZADD ZCARD ZCOUNT ZDIFF
ZDIFFSTORE ZINCRBY ZINTER ZINTERCARD ZINTERSTORE ZLEXCOUNT ZMPOP ZMSCORE
ZPOPMAX ZPOPMIN ZRANDMEMBER ZRANGE ZRANGEBYLEX ZRANGEBYSCORE ZRANGESTORE ZRANK
ZREM ZREMRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREVRANGE ZREVRANGEBYLEX
ZREVRANGEBYSCORE ZREVRANK ZSCAN ZSCORE ZUNION ZUNIONSTORE, the encodings
OBJECT ENCODING reports, keyspace events, and blocking pops across several
connections.

Most tests talk over `raw` (a RawConnection after FLUSHALL, RESP2) or `r3`
(RESP3) so reply types are exact: bulk strings come back as bytes, RESP3
doubles as float, nil as None, errors (via raw.error) as their full text.
Every test must pass against redis-server 7.0.15 too.
"""

import threading
import time

import pytest

from reply_errors import NOT_FLOAT, NOT_INTEGER, SYNTAX, WRONGTYPE, arity
from server_process import RespError

SCORE_RANGE = "ERR min or max is not a float"
LEX_RANGE = "ERR min or max not valid string range item"
NAN_RESULT = "ERR resulting score is not a number (NaN)"


def wait_until(predicate, timeout=3.0, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def blocked_clients(raw):
    info = raw.command("INFO", "clients").decode()
    for line in info.splitlines():
        if line.startswith("blocked_clients:"):
            return int(line.split(":")[1])
    return 0


def zrange_ws(raw, key):
    return raw.command("ZRANGE", key, 0, -1, "WITHSCORES")


# ---------------------------------------------------------------------------
# Arity
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("zadd", ["ZADD", "z", "1"]), ("zcard", ["ZCARD"]), ("zcount", ["ZCOUNT", "z", "0"]),
    ("zdiff", ["ZDIFF", "1"]), ("zdiffstore", ["ZDIFFSTORE", "d", "1"]),
    ("zincrby", ["ZINCRBY", "z", "1"]), ("zinter", ["ZINTER", "1"]),
    ("zintercard", ["ZINTERCARD", "1"]), ("zinterstore", ["ZINTERSTORE", "d", "1"]),
    ("zlexcount", ["ZLEXCOUNT", "z", "-"]), ("zmpop", ["ZMPOP", "1", "z"]),
    ("zmscore", ["ZMSCORE", "z"]), ("zpopmax", ["ZPOPMAX"]), ("zpopmin", ["ZPOPMIN"]),
    ("zrandmember", ["ZRANDMEMBER"]), ("zrange", ["ZRANGE", "z", "0"]),
    ("zrangebylex", ["ZRANGEBYLEX", "z", "-"]), ("zrangebyscore", ["ZRANGEBYSCORE", "z", "0"]),
    ("zrangestore", ["ZRANGESTORE", "d", "z", "0"]), ("zrank", ["ZRANK", "z"]),
    ("zrem", ["ZREM", "z"]), ("zremrangebylex", ["ZREMRANGEBYLEX", "z", "-"]),
    ("zremrangebyrank", ["ZREMRANGEBYRANK", "z", "0"]),
    ("zremrangebyscore", ["ZREMRANGEBYSCORE", "z", "0"]), ("zrevrange", ["ZREVRANGE", "z", "0"]),
    ("zrevrangebylex", ["ZREVRANGEBYLEX", "z", "+"]),
    ("zrevrangebyscore", ["ZREVRANGEBYSCORE", "z", "0"]), ("zrevrank", ["ZREVRANK", "z"]),
    ("zscan", ["ZSCAN", "z"]), ("zscore", ["ZSCORE", "z"]), ("zunion", ["ZUNION", "1"]),
    ("zunionstore", ["ZUNIONSTORE", "d", "1"]), ("bzpopmin", ["BZPOPMIN", "z"]),
    ("bzpopmax", ["BZPOPMAX", "z"]), ("bzmpop", ["BZMPOP", "0", "1", "z"]),
]


@pytest.mark.parametrize("name,args", ARITY_CASES)
def test_wrong_number_of_arguments(raw, name, args):
    assert raw.error(*args) == arity(name)


# ---------------------------------------------------------------------------
# ZADD / ZINCRBY
# ---------------------------------------------------------------------------

def test_zadd_adds_and_counts_new_members(raw):
    assert raw.command("ZADD", "z", 1, "a", 2, "b") == 2
    assert raw.command("ZADD", "z", 3, "a", 4, "c") == 1
    assert zrange_ws(raw, "z") == [b"b", b"2", b"a", b"3", b"c", b"4"]


def test_zadd_options(raw):
    raw.command("ZADD", "z", 5, "a")
    assert raw.command("ZADD", "z", "NX", 9, "a", 1, "b") == 1
    assert raw.command("ZADD", "z", "XX", "CH", 6, "a", 1, "new") == 1
    assert raw.command("ZADD", "z", "GT", "CH", 2, "a") == 0
    assert raw.command("ZADD", "z", "LT", "CH", 2, "a") == 1
    assert raw.command("ZADD", "z", "INCR", 1.5, "a") == b"3.5"
    assert raw.command("ZADD", "z", "NX", "INCR", 1, "a") is None
    assert raw.command("ZADD", "z", "XX", "GT", "CH", 10, "a") == 1
    assert zrange_ws(raw, "z") == [b"b", b"1", b"a", b"10"]


def test_zadd_option_errors(raw):
    assert raw.error("ZADD", "z", "NX", "XX", 1, "a") == \
        "ERR XX and NX options at the same time are not compatible"
    for opts in (["GT", "LT"], ["GT", "NX"], ["LT", "NX"]):
        assert raw.error("ZADD", "z", *opts, 1, "a") == \
            "ERR GT, LT, and/or NX options at the same time are not compatible"
    assert raw.error("ZADD", "z", "INCR", 1, "a", 2, "b") == \
        "ERR INCR option supports a single increment-element pair"
    assert raw.error("ZADD", "z", 1, "a", 2) == SYNTAX
    assert raw.error("ZADD", "z", "CH", "NX") == SYNTAX
    assert raw.command("EXISTS", "z") == 0


@pytest.mark.parametrize("score", ["abc", "nan", "NaN", "1e400", "", " 1", "1 ", "0x"])
def test_zadd_rejects_bad_scores_before_adding_anything(raw, score):
    assert raw.error("ZADD", "z", 1, "a", score, "b") == NOT_FLOAT
    assert raw.command("EXISTS", "z") == 0


@pytest.mark.parametrize("score,shown", [
    ("1.1", b"1.1000000000000001"), ("0.1", b"0.10000000000000001"), ("1e17", b"1e+17"),
    ("+inf", b"inf"), ("-inf", b"-inf"), ("-0", b"0"), ("3", b"3"), ("0x10", b"16"),
    ("4.9e-324", b"4.9406564584124654e-324"),
])
def test_scores_reply_with_seventeen_significant_digits(raw, score, shown):
    raw.command("ZADD", "z", score, "m")
    assert raw.command("ZSCORE", "z", "m") == shown


def test_negative_zero_survives_in_a_skiplist(make_server):
    srv = make_server("--zset-max-listpack-entries", "0")
    raw = srv.raw()
    raw.command("ZADD", "z", "-0", "m")
    assert raw.command("OBJECT", "ENCODING", "z") == b"skiplist"
    assert raw.command("ZSCORE", "z", "m") == b"-0"


def test_zincrby(raw):
    assert raw.command("ZINCRBY", "z", 2, "a") == b"2"
    assert raw.command("ZINCRBY", "z", "-0.5", "a") == b"1.5"
    assert raw.error("ZINCRBY", "z", "x", "a") == NOT_FLOAT
    raw.command("ZADD", "inf", "+inf", "a")
    assert raw.error("ZINCRBY", "inf", "-inf", "a") == NAN_RESULT
    assert raw.command("ZSCORE", "inf", "a") == b"inf"


def test_wrong_type_for_every_command_family(raw):
    raw.command("SET", "s", "v")
    cases = [
        ["ZADD", "s", 1, "a"], ["ZINCRBY", "s", 1, "a"], ["ZREM", "s", "a"], ["ZCARD", "s"],
        ["ZSCORE", "s", "a"], ["ZMSCORE", "s", "a"], ["ZRANK", "s", "a"], ["ZREVRANK", "s", "a"],
        ["ZCOUNT", "s", 0, 1], ["ZLEXCOUNT", "s", "-", "+"], ["ZRANGE", "s", 0, -1],
        ["ZRANGEBYSCORE", "s", 0, 1], ["ZRANGEBYLEX", "s", "-", "+"], ["ZREVRANGE", "s", 0, 1],
        ["ZRANGESTORE", "d", "s", 0, -1], ["ZREMRANGEBYRANK", "s", 0, 1],
        ["ZREMRANGEBYSCORE", "s", 0, 1], ["ZREMRANGEBYLEX", "s", "-", "+"], ["ZPOPMIN", "s"],
        ["ZPOPMAX", "s", 2], ["ZMPOP", 1, "s", "MIN"], ["BZPOPMIN", "s", 0],
        ["BZMPOP", 0, 1, "s", "MAX"], ["ZRANDMEMBER", "s"], ["ZSCAN", "s", 0],
        ["ZUNION", 1, "s"], ["ZINTERSTORE", "d", 1, "s"], ["ZDIFF", 1, "s"],
        ["ZINTERCARD", 1, "s"],
    ]
    for args in cases:
        assert raw.error(*args) == WRONGTYPE, args


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------

def test_missing_keys_read_as_empty(raw):
    assert raw.command("ZCARD", "z") == 0
    assert raw.command("ZSCORE", "z", "a") is None
    assert raw.command("ZMSCORE", "z", "a", "b") == [None, None]
    assert raw.command("ZRANK", "z", "a") is None
    assert raw.command("ZCOUNT", "z", "-inf", "+inf") == 0
    assert raw.command("ZRANGE", "z", 0, -1) == []
    assert raw.command("ZRANDMEMBER", "z") is None
    assert raw.command("ZRANDMEMBER", "z", 3) == []
    assert raw.command("ZSCAN", "z", 0) == [b"0", []]


def test_zscore_zmscore_zrank(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert raw.command("ZMSCORE", "z", "c", "x", "a") == [b"3", None, b"1"]
    assert raw.command("ZRANK", "z", "b") == 1
    assert raw.command("ZREVRANK", "z", "a") == 2
    assert raw.command("ZRANK", "z", "x") is None


def test_resp3_scores_are_doubles(r3):
    r3.command("ZADD", "z", 1.5, "a", 2, "b")
    assert r3.command("ZSCORE", "z", "a") == 1.5
    assert r3.command("ZMSCORE", "z", "b", "x") == [2.0, None]
    assert r3.command("ZRANGE", "z", 0, -1, "WITHSCORES") == [[b"a", 1.5], [b"b", 2.0]]
    assert r3.command("ZPOPMIN", "z", 1) == [[b"a", 1.5]]
    assert r3.command("ZPOPMAX", "z") == [b"b", 2.0]


def test_zcount_and_zlexcount(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert raw.command("ZCOUNT", "z", "(1", 3) == 2
    assert raw.command("ZCOUNT", "z", "-inf", "(3") == 2
    assert raw.command("ZCOUNT", "z", 3, 1) == 0
    assert raw.error("ZCOUNT", "z", "x", 3) == SCORE_RANGE
    assert raw.error("ZCOUNT", "z", 1, "nan") == SCORE_RANGE
    raw.command("ZADD", "l", 0, "a", 0, "b", 0, "c")
    assert raw.command("ZLEXCOUNT", "l", "[b", "+") == 2
    assert raw.command("ZLEXCOUNT", "l", "(a", "(c") == 1
    assert raw.command("ZLEXCOUNT", "l", "+", "-") == 0
    for bad in (("b", "+"), ("[a", "c"), ("", "+"), ("-", "+x")):
        assert raw.error("ZLEXCOUNT", "l", *bad) == LEX_RANGE


# ---------------------------------------------------------------------------
# ZRANGE family
# ---------------------------------------------------------------------------

@pytest.fixture
def abcd(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d")
    return raw


def test_zrange_by_rank(abcd):
    raw = abcd
    assert raw.command("ZRANGE", "z", -2, -1) == [b"c", b"d"]
    assert raw.command("ZRANGE", "z", 2, 1) == []
    assert raw.command("ZRANGE", "z", 0, 100, "REV") == [b"d", b"c", b"b", b"a"]
    assert raw.command("ZREVRANGE", "z", 0, 0, "WITHSCORES") == [b"d", b"4"]
    assert raw.error("ZRANGE", "z", "a", 1) == NOT_INTEGER


def test_zrange_by_score(abcd):
    raw = abcd
    assert raw.command("ZRANGE", "z", "(1", 3, "BYSCORE") == [b"b", b"c"]
    assert raw.command("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", 1, 2) == \
        [b"c", b"b"]
    assert raw.command("ZRANGEBYSCORE", "z", 2, "+inf", "WITHSCORES", "LIMIT", 1, -1) == \
        [b"c", b"3", b"d", b"4"]
    assert raw.command("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", -1, 2) == []
    assert raw.command("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", 10, 2) == []
    assert raw.command("ZREVRANGEBYSCORE", "z", 3, "(1") == [b"c", b"b"]
    assert raw.error("ZRANGEBYSCORE", "z", "a", 1) == SCORE_RANGE
    assert raw.error("ZRANGEBYSCORE", "z", 1, 2, "LIMIT", 1) == SYNTAX


def test_zrange_by_lex(raw):
    raw.command("ZADD", "l", 0, "a", 0, "b", 0, "c", 0, "d")
    assert raw.command("ZRANGE", "l", "[b", "+", "BYLEX") == [b"b", b"c", b"d"]
    assert raw.command("ZRANGEBYLEX", "l", "-", "(c", "LIMIT", 1, 5) == [b"b"]
    assert raw.command("ZREVRANGEBYLEX", "l", "+", "(b") == [b"d", b"c"]
    assert raw.command("ZRANGE", "l", "[c", "[a", "BYLEX", "REV") == [b"c", b"b", b"a"]
    assert raw.error("ZRANGEBYLEX", "l", "a", "+") == LEX_RANGE


def test_zrange_option_errors(abcd):
    raw = abcd
    assert raw.error("ZRANGE", "z", 0, -1, "LIMIT", 0, 1) == \
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    assert raw.error("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES") == \
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
    assert raw.error("ZRANGE", "z", 0, 1, "BYSCORE", "BYLEX") == SYNTAX
    assert raw.error("ZREVRANGE", "z", 0, 1, "REV") == SYNTAX
    assert raw.error("ZRANGEBYSCORE", "z", 0, 1, "BYLEX") == SYNTAX
    assert raw.error("ZRANGE", "z", 0, 1, "LIMIT", "x", 1) == NOT_INTEGER
    # LIMIT 0 -1 means "no limit", which a rank range accepts.
    assert raw.command("ZRANGE", "z", 0, 0, "LIMIT", 0, -1) == [b"a"]


def test_zrangestore(abcd):
    raw = abcd
    raw.command("SET", "dst", "v", "EX", 100)
    assert raw.command("ZRANGESTORE", "dst", "z", 1, 2) == 2
    assert zrange_ws(raw, "dst") == [b"b", b"2", b"c", b"3"]
    assert raw.command("TTL", "dst") == -1
    assert raw.command("ZRANGESTORE", "dst", "z", "(1", "+inf", "BYSCORE", "LIMIT", 0, 1) == 1
    assert raw.command("ZRANGE", "dst", 0, -1) == [b"b"]
    assert raw.command("ZRANGESTORE", "dst", "z", 5, 6) == 0
    assert raw.command("EXISTS", "dst") == 0
    assert raw.command("ZRANGESTORE", "dst", "nokey", 0, -1) == 0
    assert raw.error("ZRANGESTORE", "dst", "z", 0, -1, "WITHSCORES") == SYNTAX


# ---------------------------------------------------------------------------
# Removal
# ---------------------------------------------------------------------------

def test_zrem_deletes_the_emptied_key(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b")
    assert raw.command("ZREM", "z", "a", "nosuch") == 1
    assert raw.command("ZREM", "z", "b", "a") == 1
    assert raw.command("EXISTS", "z") == 0
    assert raw.command("ZREM", "z", "a") == 0


def test_zremrangeby(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")
    assert raw.command("ZREMRANGEBYRANK", "z", 0, 1) == 2
    assert raw.command("ZREMRANGEBYRANK", "z", 10, 20) == 0
    assert raw.command("ZREMRANGEBYSCORE", "z", "(3", 4) == 1
    assert raw.command("ZREMRANGEBYLEX", "z", "-", "+") == 2
    assert raw.command("EXISTS", "z") == 0
    assert raw.error("ZREMRANGEBYRANK", "z", "x", 1) == NOT_INTEGER
    assert raw.error("ZREMRANGEBYSCORE", "z", "x", 1) == SCORE_RANGE
    assert raw.error("ZREMRANGEBYLEX", "z", "x", "+") == LEX_RANGE


# ---------------------------------------------------------------------------
# Algebra
# ---------------------------------------------------------------------------

@pytest.fixture
def two_sets(raw):
    raw.command("ZADD", "a", 1, "x", 2, "y")
    raw.command("ZADD", "b", 10, "y", 20, "z")
    return raw


def test_zunion_with_weights_and_aggregates(two_sets):
    raw = two_sets
    assert raw.command("ZUNION", 2, "a", "b", "WITHSCORES") == \
        [b"x", b"1", b"y", b"12", b"z", b"20"]
    assert raw.command("ZUNION", 2, "a", "b", "WEIGHTS", 2, 1, "AGGREGATE", "MIN",
                       "WITHSCORES") == [b"x", b"2", b"y", b"4", b"z", b"20"]
    assert raw.command("ZUNIONSTORE", "d", 2, "a", "b", "AGGREGATE", "MAX") == 3
    assert zrange_ws(raw, "d") == [b"x", b"1", b"y", b"10", b"z", b"20"]


def test_zinter_zdiff_and_intercard(two_sets):
    raw = two_sets
    assert raw.command("ZINTER", 2, "a", "b", "WITHSCORES") == [b"y", b"12"]
    assert raw.command("ZINTERSTORE", "d", 2, "a", "b", "WEIGHTS", 1, 0) == 1
    assert zrange_ws(raw, "d") == [b"y", b"2"]
    assert raw.command("ZDIFF", 2, "a", "b", "WITHSCORES") == [b"x", b"1"]
    assert raw.command("ZDIFFSTORE", "d", 2, "b", "a") == 1
    assert zrange_ws(raw, "d") == [b"z", b"20"]
    assert raw.command("ZINTERCARD", 2, "a", "b") == 1
    assert raw.command("ZINTERCARD", 2, "a", "a", "LIMIT", 1) == 1


def test_plain_sets_count_as_score_one(raw):
    raw.command("ZADD", "a", 5, "x", 6, "y")
    raw.command("SADD", "s", "y", "q")
    assert raw.command("ZINTER", 2, "a", "s", "WITHSCORES") == [b"y", b"7"]
    assert raw.command("ZUNION", 2, "a", "s", "WITHSCORES") == \
        [b"q", b"1", b"x", b"5", b"y", b"7"]
    assert raw.command("ZDIFF", 2, "a", "s") == [b"x"]


def test_infinities_that_cancel_give_zero(raw):
    raw.command("ZADD", "a", "inf", "x")
    raw.command("ZADD", "b", "-inf", "x")
    assert raw.command("ZINTER", 2, "a", "b", "WITHSCORES") == [b"x", b"0"]
    assert raw.command("ZUNION", 1, "a", "WEIGHTS", 0, "WITHSCORES") == [b"x", b"0"]


def test_algebra_errors(two_sets):
    raw = two_sets
    raw.command("SET", "str", "v")
    assert raw.error("ZUNIONSTORE", "d", 0, "a") == \
        "ERR at least 1 input key is needed for 'zunionstore' command"
    assert raw.error("ZINTERCARD", 0, "a") == \
        "ERR at least 1 input key is needed for 'zintercard' command"
    assert raw.error("ZUNION", 3, "a", "b") == SYNTAX
    assert raw.error("ZUNION", "x", "a") == NOT_INTEGER
    assert raw.error("ZUNION", 2, "a", "str", "WEIGHTS", "x") == WRONGTYPE
    assert raw.error("ZUNION", 1, "a", "WEIGHTS", "x") == "ERR weight value is not a float"
    assert raw.error("ZUNION", 2, "a", "b", "WEIGHTS", 1) == SYNTAX
    assert raw.error("ZUNION", 1, "a", "AGGREGATE", "AVG") == SYNTAX
    assert raw.error("ZDIFF", 1, "a", "WEIGHTS", 1) == SYNTAX
    assert raw.error("ZUNIONSTORE", "d", 1, "a", "WITHSCORES") == SYNTAX
    assert raw.error("ZINTERCARD", 1, "a", "LIMIT", -1) == "ERR LIMIT can't be negative"
    assert raw.error("ZINTERCARD", 1, "a", "WITHSCORES") == SYNTAX


def test_store_of_empty_result_deletes_destination(two_sets):
    raw = two_sets
    raw.command("ZADD", "d", 1, "old")
    assert raw.command("ZINTERSTORE", "d", 2, "a", "nokey") == 0
    assert raw.command("EXISTS", "d") == 0
    raw.command("ZADD", "d", 1, "old")
    assert raw.command("ZDIFFSTORE", "d", 2, "a", "a") == 0
    assert raw.command("EXISTS", "d") == 0


# ---------------------------------------------------------------------------
# Pops
# ---------------------------------------------------------------------------

def test_zpopmin_zpopmax(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert raw.command("ZPOPMIN", "z") == [b"a", b"1"]
    assert raw.command("ZPOPMAX", "z", 5) == [b"c", b"3", b"b", b"2"]
    assert raw.command("EXISTS", "z") == 0
    assert raw.command("ZPOPMIN", "z") == []
    raw.command("ZADD", "z", 1, "a")
    assert raw.command("ZPOPMIN", "z", 0) == []
    assert raw.error("ZPOPMIN", "z", -1) == "ERR value is out of range, must be positive"
    assert raw.error("ZPOPMIN", "z", "x") == "ERR value is out of range, must be positive"
    assert raw.error("ZPOPMIN", "z", 1, 2) == SYNTAX


def test_zmpop(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert raw.command("ZMPOP", 2, "nokey", "z", "MAX", "COUNT", 2) == \
        [b"z", [[b"c", b"3"], [b"b", b"2"]]]
    assert raw.command("ZMPOP", 1, "z", "min") == [b"z", [[b"a", b"1"]]]
    assert raw.command("ZMPOP", 1, "z", "MIN") is None
    assert raw.error("ZMPOP", 0, "z", "MIN") == "ERR numkeys should be greater than 0"
    assert raw.error("ZMPOP", 1, "z", "MIN", "COUNT", 0) == "ERR count should be greater than 0"
    assert raw.error("ZMPOP", 1, "z", "MIDDLE") == SYNTAX
    assert raw.error("ZMPOP", 2, "z", "MIN") == SYNTAX
    assert raw.error("ZMPOP", 1, "z", "MIN", "COUNT", 1, "COUNT", 2) == SYNTAX


# ---------------------------------------------------------------------------
# Blocking pops, several connections
# ---------------------------------------------------------------------------

def test_bzpopmin_pops_at_once_when_data_is_there(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b")
    assert raw.command("BZPOPMIN", "nokey", "z", 0) == [b"z", b"a", b"1"]
    assert raw.command("BZPOPMAX", "z", 0) == [b"z", b"b", b"2"]
    assert raw.command("EXISTS", "z") == 0


def test_blocked_clients_are_served_first_come_first_served(server, raw):
    first, second = server.raw(), server.raw()
    first.send_command("BZPOPMIN", "z", 0)
    assert wait_until(lambda: blocked_clients(raw) == 1)
    second.send_command("BZMPOP", 0, 2, "other", "z", "MAX", "COUNT", 5)
    assert wait_until(lambda: blocked_clients(raw) == 2)
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert first.read_reply() == [b"z", b"a", b"1"]
    assert second.read_reply() == [b"z", [[b"c", b"3"], [b"b", b"2"]]]
    assert raw.command("EXISTS", "z") == 0


def test_blocking_timeout_is_fractional(server, raw):
    c = server.raw()
    start = time.monotonic()
    assert c.command("BZPOPMAX", "z", "0.2") is None
    assert 0.15 < time.monotonic() - start < 2
    assert c.command("BZMPOP", "0.05", 1, "z", "MIN") is None


def test_blocking_argument_errors(raw):
    raw.command("ZADD", "z", 1, "a")
    assert raw.error("BZPOPMIN", "z", -1) == "ERR timeout is negative"
    assert raw.error("BZPOPMIN", "z", "x") == "ERR timeout is not a float or out of range"
    assert raw.error("BZMPOP", "x", 1, "z", "MIN") == "ERR timeout is not a float or out of range"
    assert raw.error("BZMPOP", 0, 0, "z", "MIN") == "ERR numkeys should be greater than 0"


def test_blocking_pop_inside_multi_does_not_block(raw):
    assert raw.command("MULTI") == "OK"
    assert raw.command("BZPOPMIN", "z", 0) == "QUEUED"
    assert raw.command("BZMPOP", 0, 1, "z", "MIN") == "QUEUED"
    assert raw.command("EXEC") == [None, None]


def test_add_then_delete_in_a_transaction_does_not_wake(server, raw):
    c = server.raw()
    c.send_command("BZPOPMIN", "z", "0.5")
    assert wait_until(lambda: blocked_clients(raw) == 1)
    raw.command("MULTI")
    raw.command("ZADD", "z", 1, "a")
    raw.command("DEL", "z")
    raw.command("EXEC")
    assert c.read_reply() is None


def test_woken_client_is_served_from_the_key_that_woke_it(server, raw):
    c = server.raw()
    c.send_command("BZPOPMIN", "k1", "k2", 0)
    assert wait_until(lambda: blocked_clients(raw) == 1)
    raw.command("MULTI")
    raw.command("ZADD", "k2", 5, "z")
    raw.command("ZADD", "k1", 6, "y")
    raw.command("EXEC")
    assert c.read_reply() == [b"k2", b"z", b"5"]


def test_wrong_type_is_reported_before_blocking(raw):
    raw.command("SET", "s", "v")
    assert raw.error("BZPOPMIN", "nokey", "s", 0) == WRONGTYPE


def test_blocked_client_in_another_database(server, raw):
    c = server.raw()
    c.command("SELECT", 9)
    c.send_command("BZPOPMIN", "z", 0)
    assert wait_until(lambda: blocked_clients(raw) == 1)
    raw.command("ZADD", "z", 1, "a")  # db 0: not the awaited key
    time.sleep(0.05)
    raw.command("SELECT", 9)
    raw.command("ZADD", "z", 2, "b")
    assert c.read_reply() == [b"z", b"b", b"2"]
    raw.command("FLUSHALL")


def test_concurrent_adders_and_poppers(server, raw):
    poppers = [server.raw() for _ in range(4)]
    for p in poppers:
        p.send_command("BZPOPMIN", "q", 5)
    assert wait_until(lambda: blocked_clients(raw) == 4)

    def add(i):
        c = server.raw()
        c.command("ZADD", "q", i, "m%d" % i)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = sorted(p.read_reply()[1] for p in poppers)
    assert got == [b"m0", b"m1", b"m2", b"m3"]
    assert raw.command("EXISTS", "q") == 0


# ---------------------------------------------------------------------------
# ZSCAN / ZRANDMEMBER
# ---------------------------------------------------------------------------

def test_zscan_listpack(raw):
    raw.command("ZADD", "z", 1.5, "a", "1e17", "b")
    assert raw.command("ZSCAN", "z", 0) == [b"0", [b"a", b"1.5", b"b", b"100000000000000000"]]
    assert raw.command("ZSCAN", "z", 0, "MATCH", "b*") == [b"0", [b"b", b"100000000000000000"]]
    assert raw.error("ZSCAN", "z", 0, "TYPE", "zset") == SYNTAX
    assert raw.error("ZSCAN", "z", 0, "COUNT", 0) == SYNTAX
    assert raw.error("ZSCAN", "z", "x") == "ERR invalid cursor"


def test_zscan_skiplist_walks_everything(raw):
    members = {}
    for i in range(300):
        members[b"m%d" % i] = i
    args = []
    for m, s in members.items():
        args += [s, m]
    raw.command("ZADD", "z", *args)
    assert raw.command("OBJECT", "ENCODING", "z") == b"skiplist"
    seen = {}
    cursor = b"0"
    while True:
        cursor, items = raw.command("ZSCAN", "z", cursor, "COUNT", 20)
        for i in range(0, len(items), 2):
            seen[items[i]] = int(items[i + 1])
        if cursor == b"0":
            break
    assert seen == members


def test_zrandmember(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert raw.command("ZRANDMEMBER", "z") in (b"a", b"b", b"c")
    assert raw.command("ZRANDMEMBER", "z", 0) == []
    two = raw.command("ZRANDMEMBER", "z", 2)
    assert len(set(two)) == 2
    many = raw.command("ZRANDMEMBER", "z", -20, "WITHSCORES")
    assert len(many) == 40
    assert set(many[0::2]) <= {b"a", b"b", b"c"}
    whole = raw.command("ZRANDMEMBER", "z", 10, "WITHSCORES")
    assert sorted(zip(whole[0::2], whole[1::2])) == [(b"a", b"1"), (b"b", b"2"), (b"c", b"3")]
    assert raw.error("ZRANDMEMBER", "z", 1, "foo") == SYNTAX
    assert raw.error("ZRANDMEMBER", "z", "x") == NOT_INTEGER
    assert raw.error("ZRANDMEMBER", "z", -2**63) == \
        "ERR value is out of range, value must between -9223372036854775807 and " \
        "9223372036854775807"
    assert raw.error("ZRANDMEMBER", "z", -2**62 - 1, "WITHSCORES") == "ERR value is out of range"


# ---------------------------------------------------------------------------
# Encodings, generic commands, events
# ---------------------------------------------------------------------------

def test_encoding_follows_the_thresholds(make_server):
    srv = make_server("--zset-max-listpack-entries", "3", "--zset-max-listpack-value", "5")
    raw = srv.raw()
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert raw.command("OBJECT", "ENCODING", "z") == b"listpack"
    raw.command("ZADD", "z", 4, "d")
    assert raw.command("OBJECT", "ENCODING", "z") == b"skiplist"
    raw.command("ZREM", "z", "a", "b", "c")
    assert raw.command("OBJECT", "ENCODING", "z") == b"skiplist"
    raw.command("ZADD", "long", 1, "abcdef")
    assert raw.command("OBJECT", "ENCODING", "long") == b"skiplist"
    raw.command("ZRANGESTORE", "small", "z", 0, -1)
    assert raw.command("OBJECT", "ENCODING", "small") == b"listpack"
    raw.command("ZADD", "big", 1, "a", 2, "b", 3, "c", 4, "e")
    raw.command("ZUNIONSTORE", "u", 2, "big", "small")
    assert raw.command("OBJECT", "ENCODING", "u") == b"skiplist"


def test_generic_commands_on_sorted_sets(raw):
    raw.command("ZADD", "z", 1, "a", 2, "b")
    assert raw.command("TYPE", "z") == "zset"
    assert raw.command("OBJECT", "ENCODING", "z") == b"listpack"
    assert raw.command("COPY", "z", "c") == 1
    assert zrange_ws(raw, "c") == [b"a", b"1", b"b", b"2"]
    assert raw.command("RENAME", "c", "r") == "OK"
    assert raw.command("MOVE", "r", 9) == 1
    assert raw.command("SCAN", 0, "TYPE", "zset") == [b"0", [b"z"]]
    assert raw.command("MEMORY", "USAGE", "z") > 0
    assert raw.command("DEBUG", "DIGEST-VALUE", "z") != [b"0" * 40]
    raw.command("FLUSHALL")


def test_keyspace_events(make_server):
    srv = make_server("--notify-keyspace-events", "KEAn")
    raw = srv.raw()
    sub = srv.raw()
    sub.send_command("PSUBSCRIBE", "__keyevent@0__:*")
    if isinstance(sub.read_reply(), RespError):
        pytest.skip("PSUBSCRIBE is not implemented by this server yet")
    raw.command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    raw.command("ZINCRBY", "z", 1, "a")
    raw.command("ZREM", "z", "a")
    raw.command("ZREMRANGEBYSCORE", "z", 2, 2)
    raw.command("ZUNIONSTORE", "u", 1, "z")
    raw.command("ZPOPMAX", "z")
    events = []
    while len(events) < 9:
        msg = sub.read_reply()
        events.append((msg[2].decode().split(":", 1)[1], msg[3]))
    assert events == [
        ("new", b"z"), ("zadd", b"z"), ("zincr", b"z"), ("zrem", b"z"),
        ("zremrangebyscore", b"z"), ("new", b"u"), ("zunionstore", b"u"),
        ("zpopmax", b"z"), ("del", b"z"),
    ]
