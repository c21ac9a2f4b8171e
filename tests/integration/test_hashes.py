"""Hash commands of Redis 7.0: HDEL HEXISTS HGET HGETALL HINCRBY HINCRBYFLOAT
HKEYS HLEN HMGET HMSET HRANDFIELD HSCAN HSET HSETNX HSTRLEN HVALS, the
encodings OBJECT ENCODING reports for hashes, the generic commands on hash
keys, and keyspace events.

Every test passes against Redis 7.0.15 too
(OSPREY_SERVER=/usr/bin/redis-server). Field expiry (Redis 7.4) is in
test_hash_field_expiry.py.
"""

import time

import pytest

from reply_errors import NOT_FLOAT, NOT_INTEGER, SYNTAX, WRONGTYPE, arity
from server_process import RespError, SimpleString

LLONG_MAX = 2**63 - 1
LLONG_MIN = -(2**63)


def make_string(raw, key=b"str"):
    """A key of another type, for WRONGTYPE checks."""
    assert raw.command("SET", key, "v") == "OK"
    return key


def pairs(flat):
    """A flat field, value, ... reply as a dict."""
    return dict(zip(flat[0::2], flat[1::2]))


def fill(raw, key, n, prefix="f"):
    args = []
    for i in range(n):
        args += ["%s%d" % (prefix, i), "v%d" % i]
    assert raw.command("HSET", key, *args) == n


def encoding(raw, key):
    return raw.command("OBJECT", "ENCODING", key)


# ---------------------------------------------------------------------------
# Arity and WRONGTYPE, for every command of the file.
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("hdel", ["HDEL", "h"]),
    ("hexists", ["HEXISTS", "h"]),
    ("hexists", ["HEXISTS", "h", "f", "x"]),
    ("hget", ["HGET", "h"]),
    ("hget", ["HGET", "h", "f", "x"]),
    ("hgetall", ["HGETALL"]),
    ("hgetall", ["HGETALL", "h", "x"]),
    ("hincrby", ["HINCRBY", "h", "f"]),
    ("hincrby", ["HINCRBY", "h", "f", "1", "2"]),
    ("hincrbyfloat", ["HINCRBYFLOAT", "h", "f"]),
    ("hkeys", ["HKEYS"]),
    ("hlen", ["HLEN"]),
    ("hmget", ["HMGET", "h"]),
    ("hmset", ["HMSET", "h", "f"]),
    ("hmset", ["HMSET", "h", "f", "v", "g"]),
    ("hrandfield", ["HRANDFIELD"]),
    ("hscan", ["HSCAN", "h"]),
    ("hset", ["HSET", "h", "f"]),
    ("hset", ["HSET", "h", "f", "v", "g"]),
    ("hset", ["HSET", "h", "f", "v", "g", "w", "x"]),
    ("hsetnx", ["HSETNX", "h", "f"]),
    ("hstrlen", ["HSTRLEN", "h"]),
    ("hvals", ["HVALS"]),
]


@pytest.mark.parametrize("name,args", ARITY_CASES, ids=["%s-%d" % (n, len(a)) for n, a in ARITY_CASES])
def test_wrong_number_of_arguments(raw, name, args):
    assert raw.error(*args) == arity(name)
    assert raw.command("EXISTS", "h") == 0
    assert raw.command("PING") == "PONG"


WRONGTYPE_CASES = [
    ["HDEL", "str", "f"],
    ["HEXISTS", "str", "f"],
    ["HGET", "str", "f"],
    ["HGETALL", "str"],
    ["HINCRBY", "str", "f", "1"],
    ["HINCRBYFLOAT", "str", "f", "1.5"],
    ["HKEYS", "str"],
    ["HLEN", "str"],
    ["HMGET", "str", "f"],
    ["HMSET", "str", "f", "v"],
    ["HRANDFIELD", "str"],
    ["HRANDFIELD", "str", "3"],
    ["HRANDFIELD", "str", "-3", "WITHVALUES"],
    ["HSCAN", "str", "0"],
    ["HSET", "str", "f", "v"],
    ["HSETNX", "str", "f", "v"],
    ["HSTRLEN", "str", "f"],
    ["HVALS", "str"],
]


@pytest.mark.parametrize("args", WRONGTYPE_CASES, ids=[" ".join(a) for a in WRONGTYPE_CASES])
def test_hash_command_on_a_string_is_wrongtype(raw, args):
    make_string(raw)
    assert raw.error(*args) == WRONGTYPE
    assert raw.command("GET", "str") == b"v"


def test_string_command_on_a_hash_is_wrongtype(raw):
    raw.command("HSET", "h", "f", "v")
    assert raw.error("GET", "h") == WRONGTYPE
    assert raw.error("INCR", "h") == WRONGTYPE


# ---------------------------------------------------------------------------
# HSET HMSET HSETNX
# ---------------------------------------------------------------------------


def test_hset_counts_new_fields_only(raw):
    assert raw.command("HSET", "h", "a", "1", "b", "2") == 2
    assert raw.command("HSET", "h", "a", "x", "c", "3", "c", "4") == 1
    assert pairs(raw.command("HGETALL", "h")) == {b"a": b"x", b"b": b"2", b"c": b"4"}


def test_hmset_replies_ok(raw):
    reply = raw.command("HMSET", "h", "a", "1", "b", "2")
    assert isinstance(reply, SimpleString) and reply == "OK"
    assert raw.command("HLEN", "h") == 2


def test_hset_is_binary_safe(raw):
    field = bytes(range(256))
    value = b"\x00\r\n" * 50
    assert raw.command("HSET", "h", field, value) == 1
    assert raw.command("HGET", "h", field) == value
    fill(raw, "h", 600)
    assert encoding(raw, "h") == b"hashtable"
    assert raw.command("HGET", "h", field) == value


def test_hsetnx_sets_only_a_missing_field(raw):
    assert raw.command("HSETNX", "h", "f", "1") == 1
    assert raw.command("HSETNX", "h", "f", "2") == 0
    assert raw.command("HGET", "h", "f") == b"1"
    fill(raw, "big", 600)
    assert raw.command("HSETNX", "big", "f1", "x") == 0
    assert raw.command("HSETNX", "big", "new", "x") == 1
    assert raw.command("HGET", "big", "new") == b"x"


def test_empty_field_and_value_are_allowed(raw):
    assert raw.command("HSET", "h", "", "") == 1
    assert raw.command("HGET", "h", "") == b""
    assert raw.command("HSTRLEN", "h", "") == 0
    assert raw.command("HEXISTS", "h", "") == 1


# ---------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------


def test_small_hash_is_a_listpack(raw):
    raw.command("HSET", "h", "a", "1")
    assert encoding(raw, "h") == b"listpack"
    assert raw.command("TYPE", "h") == "hash"


def test_more_than_max_entries_converts(fresh_server):
    with fresh_server.raw() as raw:
        raw.command("CONFIG", "SET", "hash-max-listpack-entries", "16")
        fill(raw, "h", 16)
        assert encoding(raw, "h") == b"listpack"
        raw.command("HSET", "h", "one-more", "x")
        assert encoding(raw, "h") == b"hashtable"
        # Never back.
        raw.command("HDEL", "h", *["f%d" % i for i in range(16)])
        assert encoding(raw, "h") == b"hashtable"


def test_long_field_or_value_converts(fresh_server):
    with fresh_server.raw() as raw:
        raw.command("CONFIG", "SET", "hash-max-listpack-value", "8")
        raw.command("HSET", "a", "12345678", "12345678")
        assert encoding(raw, "a") == b"listpack"
        raw.command("HSET", "b", "123456789", "x")
        assert encoding(raw, "b") == b"hashtable"
        raw.command("HSET", "c", "x", "123456789")
        assert encoding(raw, "c") == b"hashtable"
        # HSETNX of an existing field writes nothing, so does not convert.
        raw.command("HSET", "d", "x", "1")
        assert raw.command("HSETNX", "d", "x", "123456789") == 0
        assert encoding(raw, "d") == b"listpack"


def test_hincrbyfloat_result_over_the_value_limit_converts(fresh_server):
    with fresh_server.raw() as raw:
        raw.command("CONFIG", "SET", "hash-max-listpack-value", "8")
        raw.command("HSET", "small", "tmp", "0")
        raw.command("HSET", "big", "tmp", "0")
        raw.command("HINCRBYFLOAT", "small", "tmp", "0.000005")
        raw.command("HINCRBYFLOAT", "big", "tmp", "0.0000005")
        assert encoding(raw, "small") == b"listpack"
        assert encoding(raw, "big") == b"hashtable"
        raw.command("HINCRBYFLOAT", "f8", "abcdefgh", "1")
        raw.command("HINCRBYFLOAT", "f9", "abcdefghi", "1")
        assert encoding(raw, "f8") == b"listpack"
        assert encoding(raw, "f9") == b"hashtable"


# ---------------------------------------------------------------------------
# HGET HMGET HEXISTS HSTRLEN HLEN
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 600], ids=["listpack", "hashtable"])
def test_reads_in_both_encodings(raw, size):
    fill(raw, "h", size)
    assert raw.command("HGET", "h", "f3") == b"v3"
    assert raw.command("HGET", "h", "nope") is None
    assert raw.command("HMGET", "h", "f0", "nope", "f4") == [b"v0", None, b"v4"]
    assert raw.command("HEXISTS", "h", "f1") == 1
    assert raw.command("HEXISTS", "h", "nope") == 0
    assert raw.command("HSTRLEN", "h", "f2") == 2
    assert raw.command("HSTRLEN", "h", "nope") == 0
    assert raw.command("HLEN", "h") == size


def test_reads_of_a_missing_key(raw):
    assert raw.command("HGET", "nope", "f") is None
    assert raw.command("HMGET", "nope", "a", "b") == [None, None]
    assert raw.command("HEXISTS", "nope", "f") == 0
    assert raw.command("HSTRLEN", "nope", "f") == 0
    assert raw.command("HLEN", "nope") == 0
    assert raw.command("HGETALL", "nope") == []
    assert raw.command("HKEYS", "nope") == []
    assert raw.command("HVALS", "nope") == []


@pytest.mark.parametrize("size", [1, 600], ids=["listpack", "hashtable"])
def test_hstrlen_counts_integer_values_as_text(raw, size):
    fill(raw, "h", size)
    for v in ["-9223372036854775808", "9223372036854775807", "9223372036854775808", "",
              "0", "-1", "x", "012"]:
        raw.command("HSET", "h", "field", v)
        assert raw.command("HSTRLEN", "h", "field") == len(v)
        assert raw.command("HGET", "h", "field") == v.encode()


def test_replies_are_byte_exact(raw):
    raw.send_command("HSET", "h", "a", "1", "b", "x")
    assert raw.read_line() == b":2"
    raw.send_command("HGET", "h", "a")
    assert raw.read_exact_bytes(7) == b"$1\r\n1\r\n"
    raw.send_command("HGET", "h", "zz")
    assert raw.read_exact_bytes(5) == b"$-1\r\n"
    raw.send_command("HGETALL", "h")
    expected = b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\nx\r\n"
    assert raw.read_exact_bytes(len(expected)) == expected


# ---------------------------------------------------------------------------
# HDEL
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 600], ids=["listpack", "hashtable"])
def test_hdel_counts_removed_fields(raw, size):
    fill(raw, "h", size)
    assert raw.command("HDEL", "h", "f0", "nope", "f0", "f1") == 2
    assert raw.command("HLEN", "h") == size - 2
    assert raw.command("HDEL", "nope", "f") == 0


def test_hdel_of_every_field_removes_the_key(raw):
    raw.command("HSET", "h", "a", "1", "b", "2")
    assert raw.command("HDEL", "h", "a", "b", "c") == 2
    assert raw.command("EXISTS", "h") == 0


# ---------------------------------------------------------------------------
# HGETALL HKEYS HVALS
# ---------------------------------------------------------------------------


def test_listpack_keeps_insertion_order(raw):
    raw.command("HSET", "h", "b", "2", "a", "1", "c", "3")
    assert raw.command("HKEYS", "h") == [b"b", b"a", b"c"]
    assert raw.command("HVALS", "h") == [b"2", b"1", b"3"]
    assert raw.command("HGETALL", "h") == [b"b", b"2", b"a", b"1", b"c", b"3"]


def test_hgetall_of_a_big_hash(raw):
    fill(raw, "h", 1000)
    got = pairs(raw.command("HGETALL", "h"))
    assert got == {b"f%d" % i: b"v%d" % i for i in range(1000)}
    assert sorted(raw.command("HKEYS", "h")) == sorted(got.keys())
    assert sorted(raw.command("HVALS", "h")) == sorted(got.values())


def test_hgetall_is_a_map_in_resp3(r3):
    r3.command("HSET", "h", "a", "1", "b", "2")
    assert r3.command("HGETALL", "h") == {b"a": b"1", b"b": b"2"}
    assert r3.command("HGETALL", "nope") == {}
    assert r3.command("HKEYS", "h") == [b"a", b"b"]


def test_resp3_empty_map_is_byte_exact(r3):
    r3.send_command("HGETALL", "nope")
    assert r3.read_exact_bytes(4) == b"%0\r\n"


# ---------------------------------------------------------------------------
# HINCRBY
# ---------------------------------------------------------------------------


def test_hincrby_creates_and_adds(raw):
    assert raw.command("HINCRBY", "h", "n", "5") == 5
    assert raw.command("HINCRBY", "h", "n", "-7") == -2
    raw.command("HSET", "h", "big", "17179869184")
    assert raw.command("HINCRBY", "h", "big", "17179869184") == 34359738368
    assert raw.command("HGET", "h", "big") == b"34359738368"


def test_hincrby_in_a_table(raw):
    fill(raw, "h", 600)
    raw.command("HSET", "h", "n", "10")
    assert raw.command("HINCRBY", "h", "n", "5") == 15
    assert raw.command("HINCRBY", "h", "new", "-5") == -5


@pytest.mark.parametrize("value", [" 11", "11 ", "abc", "1.5", "", "012", "9223372036854775808"])
def test_hincrby_on_a_non_integer_value_fails(raw, value):
    raw.command("HSET", "h", "f", value)
    assert raw.error("HINCRBY", "h", "f", "1") == "ERR hash value is not an integer"
    assert raw.command("HGET", "h", "f") == value.encode()


@pytest.mark.parametrize("incr", ["x", "1.5", "", " 1", "9223372036854775808"])
def test_hincrby_with_a_bad_increment_fails(raw, incr):
    assert raw.error("HINCRBY", "h", "f", incr) == NOT_INTEGER
    assert raw.command("EXISTS", "h") == 0


def test_hincrby_detects_overflow(raw):
    raw.command("HSET", "h", "max", str(LLONG_MAX), "min", str(LLONG_MIN))
    assert raw.error("HINCRBY", "h", "max", "1") == "ERR increment or decrement would overflow"
    assert raw.error("HINCRBY", "h", "min", "-1") == "ERR increment or decrement would overflow"
    assert raw.command("HINCRBY", "h", "min", str(LLONG_MAX)) == -1
    assert raw.command("HGET", "h", "max") == str(LLONG_MAX).encode()


def test_hincrby_checks_the_increment_before_the_type(raw):
    make_string(raw)
    assert raw.error("HINCRBY", "str", "f", "x") == NOT_INTEGER


# ---------------------------------------------------------------------------
# HINCRBYFLOAT
# ---------------------------------------------------------------------------


def test_hincrbyfloat_adds_and_formats(raw):
    assert raw.command("HINCRBYFLOAT", "h", "f", "1.23") == b"1.23"
    assert raw.command("HINCRBYFLOAT", "h", "f", "0.77") == b"2"
    assert raw.command("HINCRBYFLOAT", "h", "f", "-0.1") == b"1.9"
    raw.command("HSET", "h", "i", "17179869184")
    assert raw.command("HINCRBYFLOAT", "h", "i", "17179869184") == b"34359738368"
    assert raw.command("HINCRBYFLOAT", "h", "i", "1.5e3") == b"34359739868"
    assert raw.command("HINCRBYFLOAT", "h", "e", "5.0e3") == b"5000"


@pytest.mark.parametrize("value", [" 1", "1 ", "abc", "", "1\x002", "nan"])
def test_hincrbyfloat_on_a_non_float_value_fails(raw, value):
    raw.command("HSET", "h", "f", value)
    assert raw.error("HINCRBYFLOAT", "h", "f", "1") == "ERR hash value is not a float"


@pytest.mark.parametrize("incr", ["x", "", " 1", "1e5000", "nan"])
def test_hincrbyfloat_with_a_bad_increment_fails(raw, incr):
    assert raw.error("HINCRBYFLOAT", "h", "f", incr) == NOT_FLOAT
    assert raw.command("EXISTS", "h") == 0


@pytest.mark.parametrize("incr", ["inf", "+inf", "-inf", "Infinity"])
def test_hincrbyfloat_refuses_infinite_increments(raw, incr):
    assert raw.error("HINCRBYFLOAT", "h", "f", incr) == "ERR value is NaN or Infinity"
    assert raw.command("EXISTS", "h") == 0


def test_hincrbyfloat_refuses_an_infinite_result(raw):
    raw.command("HSET", "h", "f", "1e4932")
    assert raw.error("HINCRBYFLOAT", "h", "f", "1e4932") == \
        "ERR increment would produce NaN or Infinity"
    assert raw.command("HGET", "h", "f") == b"1e4932"


# ---------------------------------------------------------------------------
# HRANDFIELD
# ---------------------------------------------------------------------------


def test_hrandfield_without_count(raw):
    assert raw.command("HRANDFIELD", "nope") is None
    raw.command("HSET", "h", "a", "1", "b", "2")
    seen = {raw.command("HRANDFIELD", "h") for _ in range(100)}
    assert seen == {b"a", b"b"}


@pytest.mark.parametrize("size", [10, 600], ids=["listpack", "hashtable"])
def test_hrandfield_count_shapes(raw, size):
    fill(raw, "h", size)
    everything = {b"f%d" % i: b"v%d" % i for i in range(size)}
    # Negative: repetitions, exactly |count| fields.
    got = raw.command("HRANDFIELD", "h", "-1001")
    assert len(got) == 1001 and set(got) <= set(everything)
    got = raw.command("HRANDFIELD", "h", "-20", "WITHVALUES")
    assert len(got) == 40
    for f, v in zip(got[0::2], got[1::2]):
        assert everything[f] == v
    # At least the size: the whole hash.
    got = raw.command("HRANDFIELD", "h", str(size + 5))
    assert sorted(got) == sorted(everything)
    got = raw.command("HRANDFIELD", "h", str(size), "withvalues")
    assert pairs(got) == everything
    # Fewer: distinct fields.
    for n in [size - 2, 2, 1]:
        got = raw.command("HRANDFIELD", "h", str(n))
        assert len(got) == n and len(set(got)) == n and set(got) <= set(everything)
        got = raw.command("HRANDFIELD", "h", str(n), "WITHVALUES")
        assert len(got) == 2 * n and len(set(got[0::2])) == n
        for f, v in zip(got[0::2], got[1::2]):
            assert everything[f] == v


@pytest.mark.parametrize("table", [False, True], ids=["listpack", "hashtable"])
def test_hrandfield_negative_count_is_roughly_uniform(raw, table):
    fill(raw, "h", 10)
    if table:
        raw.command("HSET", "h", "f9", "x" * 100)
        assert encoding(raw, "h") == b"hashtable"
    counts = {}
    draws = 20000
    for f in raw.command("HRANDFIELD", "h", str(-draws)):
        counts[f] = counts.get(f, 0) + 1
    expected = draws / 10
    assert len(counts) == 10
    assert min(counts.values()) > expected * 0.7
    assert max(counts.values()) < expected * 1.3


def test_hrandfield_with_values_nests_pairs_in_resp3(r3):
    r3.command("HSET", "h", "a", "1", "b", "2", "c", "3")
    got = r3.command("HRANDFIELD", "h", "3", "WITHVALUES")
    assert sorted(got) == [[b"a", b"1"], [b"b", b"2"], [b"c", b"3"]]
    got = r3.command("HRANDFIELD", "h", "-4", "WITHVALUES")
    assert len(got) == 4 and all(len(p) == 2 for p in got)
    got = r3.command("HRANDFIELD", "h", "2")
    assert len(got) == 2 and all(isinstance(f, bytes) for f in got)


def test_hrandfield_count_zero_and_missing_key_are_empty_arrays(raw):
    raw.command("HSET", "h", "a", "1")
    raw.send_command("HRANDFIELD", "h", "0")
    assert raw.read_exact_bytes(4) == b"*0\r\n"
    raw.send_command("HRANDFIELD", "nope", "100")
    assert raw.read_exact_bytes(4) == b"*0\r\n"
    raw.send_command("HRANDFIELD", "nope", "-5", "WITHVALUES")
    assert raw.read_exact_bytes(4) == b"*0\r\n"


def test_hrandfield_count_errors(raw):
    raw.command("HSET", "h", "a", "1")
    assert raw.error("HRANDFIELD", "h", "-9223372036854770000", "WITHVALUES") == \
        "ERR value is out of range"
    assert raw.error("HRANDFIELD", "h", "9223372036854770000", "WITHVALUES") == \
        "ERR value is out of range"
    assert raw.error("HRANDFIELD", "h", "-9223372036854775808") == \
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    assert raw.error("HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES") == \
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    assert raw.error("HRANDFIELD", "h", "x") == NOT_INTEGER
    assert raw.error("HRANDFIELD", "h", "1", "WITHSCORES") == SYNTAX
    assert raw.error("HRANDFIELD", "h", "1", "WITHVALUES", "x") == SYNTAX
    # The count is read before the key.
    assert raw.error("HRANDFIELD", "nope", "x") == NOT_INTEGER
    assert raw.error("HRANDFIELD", "nope", "1", "bad") == SYNTAX


def test_hrandfield_large_positive_count_on_small_hash(raw):
    raw.command("HSET", "h", "a", "1", "b", "2")
    assert sorted(raw.command("HRANDFIELD", "h", str(LLONG_MAX))) == [b"a", b"b"]


# ---------------------------------------------------------------------------
# HSCAN
# ---------------------------------------------------------------------------


def test_hscan_of_a_listpack_returns_everything_at_once(raw):
    raw.command("HSET", "h", "a", "1", "b", "2", "ab", "3", "7", "8")
    assert raw.command("HSCAN", "h", "0") == [b"0", [b"a", b"1", b"b", b"2", b"ab", b"3", b"7", b"8"]]
    assert raw.command("HSCAN", "h", "0", "COUNT", "1") == \
        [b"0", [b"a", b"1", b"b", b"2", b"ab", b"3", b"7", b"8"]]
    assert raw.command("HSCAN", "h", "0", "MATCH", "a*") == [b"0", [b"a", b"1", b"ab", b"3"]]
    assert raw.command("HSCAN", "h", "0", "MATCH", "7") == [b"0", [b"7", b"8"]]


@pytest.mark.parametrize("count", ["1", "10", "100"])
def test_hscan_of_a_table_walks_every_field(raw, count):
    fill(raw, "h", 1000)
    seen = {}
    cursor = b"0"
    calls = 0
    while True:
        cursor, items = raw.command("HSCAN", "h", cursor, "COUNT", count)
        for f, v in zip(items[0::2], items[1::2]):
            seen[f] = v
        calls += 1
        if cursor == b"0":
            break
    assert seen == {b"f%d" % i: b"v%d" % i for i in range(1000)}
    assert calls > 1


def test_hscan_match_filters_a_table(raw):
    fill(raw, "h", 1000)
    fill(raw, "h", 10, prefix="key:")
    found = set()
    cursor = b"0"
    while True:
        cursor, items = raw.command("HSCAN", "h", cursor, "MATCH", "key:*", "COUNT", "50")
        found.update(items[0::2])
        if cursor == b"0":
            break
    assert found == {b"key:%d" % i for i in range(10)}


def test_hscan_errors(raw):
    raw.command("HSET", "h", "a", "1")
    assert raw.error("HSCAN", "h", "x") == "ERR invalid cursor"
    assert raw.error("HSCAN", "h", "0", "COUNT", "0") == SYNTAX
    assert raw.error("HSCAN", "h", "0", "COUNT", "x") == NOT_INTEGER
    assert raw.error("HSCAN", "h", "0", "TYPE", "hash") == SYNTAX
    assert raw.error("HSCAN", "h", "0", "MATCH") == SYNTAX
    assert raw.error("HSCAN", "h", "0", "NOVALUES") == SYNTAX
    # A missing key answers before the options are read.
    assert raw.command("HSCAN", "nope", "0", "COUNT", "0") == [b"0", []]
    assert raw.error("HSCAN", "nope", "x") == "ERR invalid cursor"


# ---------------------------------------------------------------------------
# Generic commands on hashes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 600], ids=["listpack", "hashtable"])
def test_copy_rename_move_keep_the_hash(raw, size):
    fill(raw, "h", size)
    expected = {b"f%d" % i: b"v%d" % i for i in range(size)}
    enc = encoding(raw, "h")
    assert raw.command("COPY", "h", "c") == 1
    raw.command("HSET", "h", "f0", "changed")
    assert pairs(raw.command("HGETALL", "c")) == expected
    assert encoding(raw, "c") == enc
    assert raw.command("RENAME", "c", "d") == "OK"
    assert pairs(raw.command("HGETALL", "d")) == expected
    assert raw.command("MOVE", "d", "1") == 1
    assert raw.command("SELECT", "1") == "OK"
    assert pairs(raw.command("HGETALL", "d")) == expected
    raw.command("FLUSHDB")


def test_scan_type_hash(raw):
    raw.command("HSET", "h1", "a", "1")
    raw.command("HSET", "h2", "a", "1")
    raw.command("SET", "s", "v")
    cursor, keys = raw.command("SCAN", "0", "TYPE", "hash", "COUNT", "100")
    assert cursor == b"0" and sorted(keys) == [b"h1", b"h2"]


def test_memory_usage_and_debug_object(raw):
    fill(raw, "small", 5)
    fill(raw, "big", 1000)
    small = raw.command("MEMORY", "USAGE", "small")
    big = raw.command("MEMORY", "USAGE", "big")
    assert 0 < small < big
    assert "encoding:listpack" in raw.command("DEBUG", "OBJECT", "small")
    assert "encoding:hashtable" in raw.command("DEBUG", "OBJECT", "big")


def test_debug_digest_value_follows_content(raw):
    raw.command("HSET", "a", "x", "1", "y", "2")
    raw.command("HSET", "b", "y", "2", "x", "1")
    da, db = raw.command("DEBUG", "DIGEST-VALUE", "a", "b")
    assert da == db
    raw.command("HSET", "b", "y", "3")
    da, db = raw.command("DEBUG", "DIGEST-VALUE", "a", "b")
    assert da != db
    before = raw.command("DEBUG", "DIGEST")
    raw.command("HSET", "a", "x", "9")
    assert raw.command("DEBUG", "DIGEST") != before


def test_hash_key_with_a_ttl_expires(raw):
    raw.command("HSET", "h", "a", "1")
    assert raw.command("PEXPIRE", "h", "50") == 1
    assert 0 < raw.command("PTTL", "h") <= 50
    time.sleep(0.1)
    assert raw.command("HGET", "h", "a") is None
    assert raw.command("EXISTS", "h") == 0


# ---------------------------------------------------------------------------
# Keyspace events and WATCH
# ---------------------------------------------------------------------------


def events_of(srv, commands):
    """Runs `commands` on one connection and returns the keyevent
    notifications another connection receives, as "event key" strings."""
    with srv.raw() as admin, srv.raw() as sub:
        admin.command("CONFIG", "SET", "notify-keyspace-events", "KEAn")
        try:
            sub.command("PSUBSCRIBE", "__keyevent@*")
        except RespError as e:
            if "unknown command" in str(e):
                pytest.skip("the server has no PSUBSCRIBE yet")
            raise
        for c in commands:
            admin.send_command(*c)
            admin.read_reply()
        admin.command("SET", "stop-marker", "1")
        out = []
        while True:
            msg = sub.read_reply()
            event = msg[2].split(b":", 1)[1].decode()
            key = msg[3].decode()
            if key == "stop-marker":
                return out
            out.append("%s %s" % (event, key))


def test_events_of_hash_writes(fresh_server):
    got = events_of(fresh_server, [
        ["HSET", "h", "a", "1", "b", "2"],
        ["HSET", "h", "a", "1"],
        ["HSETNX", "h", "a", "x"],
        ["HSETNX", "h", "c", "3"],
        ["HINCRBY", "h", "n", "1"],
        ["HINCRBYFLOAT", "h", "n", "1.5"],
        ["HINCRBY", "h", "a", "x"],
        ["HDEL", "h", "zz"],
        ["HDEL", "h", "a", "b"],
        ["HDEL", "h", "c", "n"],
        ["HMSET", "m", "a", "1"],
    ])
    assert got == ["new h", "hset h", "hset h", "hset h", "hincrby h", "hincrbyfloat h",
                   "hdel h", "hdel h", "del h", "new m", "hset m"]


def test_dirty_counts_follow_redis(fresh_server):
    with fresh_server.raw() as raw:
        def dirty():
            info = raw.command("INFO", "persistence").decode()
            for line in info.splitlines():
                if line.startswith("rdb_changes_since_last_save:"):
                    return int(line.split(":")[1])
        d0 = dirty()
        raw.command("HSET", "h", "a", "1", "b", "2", "a", "3")
        assert dirty() - d0 == 3
        raw.command("HDEL", "h", "a", "b", "zz")
        assert dirty() - d0 == 5
        raw.command("HSETNX", "h", "x", "1")
        raw.command("HSETNX", "h", "x", "1")
        assert dirty() - d0 == 6


def test_hash_writes_touch_watched_keys(server):
    with server.raw() as a, server.raw() as b:
        a.command("FLUSHALL")
        a.command("HSET", "h", "f", "1")
        a.command("WATCH", "h")
        b.command("HINCRBY", "h", "f", "1")
        a.command("MULTI")
        a.command("HGET", "h", "f")
        assert a.command("EXEC") is None
