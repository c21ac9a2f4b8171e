"""SORT and SORT_RO on lists, sets and sorted sets: numeric and ALPHA order,
ASC/DESC, LIMIT, BY patterns (keys, hash fields, nosort), GET patterns (#,
keys, hash fields), STORE, and the error replies.

Replies are checked over `raw` / `r3` (RawConnection) so reply types and
error texts are exact. Every test passes against redis-server 7.0.15 too.
"""

import random

import pytest

from reply_errors import NOT_INTEGER, SYNTAX, WRONGTYPE, arity

BAD_DOUBLE = "ERR One or more scores can't be converted into double"


def lrange(raw, key):
    return raw.command("LRANGE", key, 0, -1)


def test_arity(raw):
    assert raw.error("SORT") == arity("sort")
    assert raw.error("SORT_RO") == arity("sort_ro")


@pytest.mark.parametrize("cmd", ["SORT", "SORT_RO"])
def test_missing_key_is_empty(raw, cmd):
    assert raw.command(cmd, "nosuch") == []
    assert raw.command(cmd, "nosuch", "BY", "w_*", "GET", "#", "LIMIT", 0, 10) == []


@pytest.mark.parametrize("cmd", ["SORT", "SORT_RO"])
def test_wrong_type(raw, cmd):
    raw.command("SET", "str", "1")
    raw.command("HSET", "h", "f", "1")
    assert raw.error(cmd, "str") == WRONGTYPE
    assert raw.error(cmd, "h") == WRONGTYPE
    # Options are checked first.
    assert raw.error(cmd, "str", "nosuchoption") == SYNTAX


def fill(raw, kind, key, values):
    if kind == "list":
        raw.command("RPUSH", key, *values)
    elif kind == "set":
        raw.command("SADD", key, *values)
    else:
        args = []
        for i, v in enumerate(values):
            args += [len(values) - i, v]
        raw.command("ZADD", key, *args)


@pytest.mark.parametrize("kind", ["list", "set", "zset"])
def test_numeric_and_alpha(raw, kind):
    fill(raw, kind, "k", ["3", "1", "10", "2.5", "-1"])
    assert raw.command("SORT", "k") == [b"-1", b"1", b"2.5", b"3", b"10"]
    assert raw.command("SORT", "k", "DESC") == [b"10", b"3", b"2.5", b"1", b"-1"]
    assert raw.command("SORT", "k", "ALPHA") == [b"-1", b"1", b"10", b"2.5", b"3"]
    assert raw.command("SORT", "k", "alpha", "desc") == [b"3", b"2.5", b"10", b"1", b"-1"]
    assert raw.command("SORT_RO", "k", "LIMIT", 1, 2) == [b"1", b"2.5"]


def test_intset_and_big_sets(raw):
    values = random.Random(7).sample(range(-5000, 5000), 600)
    raw.command("SADD", "i", *values[:20])
    assert raw.command("SORT", "i") == [b"%d" % v for v in sorted(values[:20])]
    raw.command("SADD", "h", *values)
    assert raw.command("SORT", "h") == [b"%d" % v for v in sorted(values)]
    assert raw.command("SORT", "h", "DESC", "LIMIT", 10, 5) == [
        b"%d" % v for v in sorted(values, reverse=True)[10:15]
    ]


def test_numbers_are_read_as_strtod_reads_them(raw):
    raw.command("RPUSH", "l", "0x10", " 3", "inf", "-inf", "", "1e2", "+7")
    assert raw.command("SORT", "l") == [b"-inf", b"", b" 3", b"+7", b"0x10", b"1e2", b"inf"]


@pytest.mark.parametrize("bad", ["abc", "1x", "nan", "1e500", "3 "])
def test_values_that_are_not_numbers(raw, bad):
    raw.command("RPUSH", "l", "1", bad)
    assert raw.error("SORT", "l") == BAD_DOUBLE
    assert raw.error("SORT", "l", "STORE", "dst") == BAD_DOUBLE
    assert raw.command("EXISTS", "dst") == 0
    assert raw.command("SORT", "l", "ALPHA") == sorted([b"1", bad.encode()])
    raw.command("SET", "w_1", bad)
    raw.command("RPUSH", "m", "1", "2")
    assert raw.error("SORT", "m", "BY", "w_*") == BAD_DOUBLE


def test_equal_scores_compare_the_elements(raw):
    raw.command("RPUSH", "l", "b", "a", "c")
    raw.command("MSET", "w_a", "1", "w_b", "1", "w_c", "0")
    assert raw.command("SORT", "l", "BY", "w_*") == [b"c", b"a", b"b"]
    assert raw.command("SORT", "l", "BY", "w_*", "DESC") == [b"b", b"a", b"c"]
    # Missing weights count as 0.
    raw.command("RPUSH", "m", "z", "y", "x")
    raw.command("SET", "w_y", "-1")
    assert raw.command("SORT", "m", "BY", "w_*") == [b"y", b"x", b"z"]


@pytest.mark.parametrize("limit,want", [
    ((1, 2), [b"2", b"3"]),
    ((-5, 2), [b"1", b"2"]),
    ((3, -1), [b"4", b"5"]),
    ((10, 2), []),
    ((0, 0), []),
    ((4, 100), [b"5"]),
    ((2, 9223372036854775807), [b"3", b"4", b"5"]),
])
def test_limit(raw, limit, want):
    raw.command("RPUSH", "l", "5", "4", "3", "2", "1")
    assert raw.command("SORT", "l", "LIMIT", *limit) == want
    assert raw.command("SORT", "l", "BY", "nosort", "DESC", "LIMIT", *limit) == want


def test_by_key_and_hash_field(raw):
    raw.command("RPUSH", "l", "1", "2", "3")
    raw.command("MSET", "w_1", "30", "w_2", "10", "w_3", "20")
    raw.command("HSET", "h_1", "f", "3")
    raw.command("HSET", "h_2", "f", "1")
    raw.command("HSET", "h_3", "f", "2")
    assert raw.command("SORT", "l", "BY", "w_*") == [b"2", b"3", b"1"]
    assert raw.command("SORT", "l", "BY", "h_*->f") == [b"2", b"3", b"1"]
    assert raw.command("SORT", "l", "BY", "h_*->f", "DESC", "LIMIT", 0, 1) == [b"1"]
    # Only the first '*' is replaced.
    raw.command("MSET", "x_1_*", "3", "x_2_*", "2", "x_3_*", "1")
    assert raw.command("SORT", "l", "BY", "x_*_*") == [b"3", b"2", b"1"]


def test_by_alpha_with_missing_values(raw):
    raw.command("RPUSH", "l", "1", "2", "3")
    raw.command("MSET", "n_1", "zz", "n_3", "aa")
    assert raw.command("SORT", "l", "BY", "n_*", "ALPHA") == [b"2", b"3", b"1"]
    assert raw.command("SORT", "l", "BY", "n_*", "ALPHA", "DESC") == [b"1", b"3", b"2"]


def test_get_patterns(raw, r3):
    raw.command("RPUSH", "l", "1", "2", "3")
    raw.command("MSET", "v_1", "one", "v_3", "three")
    raw.command("HSET", "h_2", "name", "two")
    assert raw.command("SORT", "l", "GET", "#", "GET", "v_*", "GET", "h_*->name") == [
        b"1", b"one", None, b"2", None, b"two", b"3", b"three", None]
    assert raw.command("SORT", "l", "GET", "const") == [None, None, None]
    # "->" with nothing after it is part of the key name.
    raw.command("SET", "k_1->", "x")
    assert raw.command("SORT", "l", "GET", "k_*->") == [b"x", None, None]
    # Keys of the wrong type give nil.
    raw.command("RPUSH", "v_2", "x")
    raw.command("SET", "h_3", "x")
    assert raw.command("SORT", "l", "GET", "v_*", "GET", "h_*->name", "LIMIT", 1, 2) == [
        None, b"two", b"three", None]
    r3.command("RPUSH", "one", "1")
    r3.send_command("SORT", "one", "GET", "nope_*")
    assert r3.read_exact_bytes(7) == b"*1\r\n_\r\n"


def test_nosort(raw):
    raw.command("RPUSH", "l", "3", "1", "2")
    raw.command("ZADD", "z", 1, "a", 5, "b", 2, "c", 10, "d", 3, "e")
    assert raw.command("SORT", "l", "BY", "nosort") == [b"3", b"1", b"2"]
    assert raw.command("SORT", "l", "BY", "nosort", "DESC") == [b"2", b"1", b"3"]
    assert raw.command("SORT", "z", "BY", "nosort") == [b"a", b"c", b"e", b"b", b"d"]
    assert raw.command("SORT", "z", "BY", "nosort", "DESC") == [b"d", b"b", b"e", b"c", b"a"]
    assert raw.command("SORT", "z", "BY", "nosort", "LIMIT", 1, 2) == [b"c", b"e"]
    assert raw.command("SORT", "z", "BY", "nosort", "DESC", "LIMIT", 1, 2) == [b"b", b"e"]
    assert raw.command("SORT", "z", "BY", "nosort", "GET", "#", "LIMIT", 4, 5) == [b"d"]
    raw.command("MSET", "v_a", "A", "v_d", "D")
    assert raw.command("SORT", "z", "BY", "nosort", "GET", "v_*", "LIMIT", 3, 2) == [None, b"D"]


def test_nosort_set_is_sorted_alpha_when_stored(raw):
    raw.command("SADD", "s", "c", "a", "b", "10")
    assert sorted(raw.command("SORT", "s", "BY", "nosort")) == [b"10", b"a", b"b", b"c"]
    assert raw.command("SORT", "s", "BY", "nosort", "STORE", "d") == 4
    assert lrange(raw, "d") == [b"10", b"a", b"b", b"c"]


def test_store(raw):
    raw.command("RPUSH", "l", "2", "1", "3")
    raw.command("SET", "d", "x", "EX", 100)
    assert raw.command("SORT", "l", "STORE", "d") == 3
    assert lrange(raw, "d") == [b"1", b"2", b"3"]
    assert raw.command("TTL", "d") == -1
    assert raw.command("OBJECT", "ENCODING", "d") == b"quicklist"
    assert raw.command("SORT", "l", "DESC", "LIMIT", 0, 2, "STORE", "d") == 2
    assert lrange(raw, "d") == [b"3", b"2"]
    # The sorted key itself may be the destination.
    assert raw.command("SORT", "l", "STORE", "l") == 3
    assert lrange(raw, "l") == [b"1", b"2", b"3"]


def test_store_with_get(raw):
    raw.command("RPUSH", "l", "1", "2")
    raw.command("SET", "v_2", "two")
    assert raw.command("SORT", "l", "GET", "v_*", "GET", "#", "STORE", "d") == 4
    assert lrange(raw, "d") == [b"", b"1", b"two", b"2"]


def test_store_of_nothing_deletes_the_destination(raw):
    raw.command("SET", "d", "x")
    assert raw.command("SORT", "nosuch", "STORE", "d") == 0
    assert raw.command("EXISTS", "d") == 0
    raw.command("RPUSH", "l", "1")
    raw.command("SET", "d", "x")
    assert raw.command("SORT", "l", "LIMIT", 5, 5, "STORE", "d") == 0
    assert raw.command("EXISTS", "d") == 0


def test_the_last_store_wins(raw):
    raw.command("RPUSH", "l", "1")
    assert raw.command("SORT", "l", "STORE", "a", "STORE", "b") == 1
    assert raw.command("EXISTS", "a") == 0
    assert lrange(raw, "b") == [b"1"]


def test_bad_options(raw):
    raw.command("RPUSH", "l", "1")
    assert raw.error("SORT", "l", "foo") == SYNTAX
    assert raw.error("SORT", "l", "LIMIT", 1) == SYNTAX
    assert raw.error("SORT", "l", "LIMIT", "x", 1) == NOT_INTEGER
    assert raw.error("SORT", "l", "LIMIT", 1, "x") == NOT_INTEGER
    assert raw.error("SORT", "l", "BY") == SYNTAX
    assert raw.error("SORT", "l", "GET") == SYNTAX
    assert raw.error("SORT", "l", "STORE") == SYNTAX
    assert raw.error("SORT_RO", "l", "STORE", "d") == SYNTAX
    assert raw.command("EXISTS", "d") == 0


def test_sort_ro(raw):
    raw.command("RPUSH", "l", "2", "1")
    raw.command("MSET", "w_1", "9", "w_2", "0")
    assert raw.command("SORT_RO", "l") == [b"1", b"2"]
    assert raw.command("SORT_RO", "l", "BY", "w_*", "GET", "#", "GET", "w_*") == [
        b"2", b"0", b"1", b"9"]


def test_command_getkeys(raw):
    assert raw.command("COMMAND", "GETKEYS", "SORT", "k", "STORE", "d") == [b"k", b"d"]
    assert raw.command("COMMAND", "GETKEYS", "SORT", "k", "BY", "store", "GET", "store") == [b"k"]
    assert raw.command("COMMAND", "GETKEYS", "SORT_RO", "k", "STORE", "d") == [b"k"]


def test_sort_in_multi(raw):
    raw.command("RPUSH", "l", "2", "1")
    assert raw.command("MULTI") == "OK"
    assert raw.command("SORT", "l", "STORE", "d") == "QUEUED"
    assert raw.command("LRANGE", "d", 0, -1) == "QUEUED"
    assert raw.command("EXEC") == [2, [b"1", b"2"]]
