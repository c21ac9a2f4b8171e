"""Set commands: SADD SCARD SDIFF SDIFFSTORE SINTER SINTERCARD SINTERSTORE
SISMEMBER SMEMBERS SMISMEMBER SMOVE SPOP SRANDMEMBER SREM SSCAN SUNION
SUNIONSTORE, the encodings OBJECT ENCODING reports for sets, and the generic
commands on set values (TYPE, COPY, RENAME, MOVE, SCAN TYPE, MEMORY USAGE,
DEBUG DIGEST-VALUE).

Replies are checked over `raw` / `r3` (RawConnection) so reply types and
error texts are exact. Every test passes against redis-server 7.0.15 too.
"""

import collections

import pytest

from reply_errors import NOT_INTEGER, SYNTAX, WRONGTYPE, arity

LLONG_MIN = -(2**63)
OUT_OF_RANGE_POSITIVE = "ERR value is out of range, must be positive"
SRANDMEMBER_RANGE = (
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)


def members(raw, key):
    return sorted(raw.command("SMEMBERS", key))


def encoding(raw, key):
    return raw.command("OBJECT", "ENCODING", key)


def make_string(raw, key=b"str"):
    assert raw.command("SET", key, "v") == "OK"
    return key


# ---------------------------------------------------------------------------
# Arity, for every command of the file.
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("sadd", ["SADD", "s"]),
    ("scard", ["SCARD"]),
    ("scard", ["SCARD", "a", "b"]),
    ("sdiff", ["SDIFF"]),
    ("sdiffstore", ["SDIFFSTORE", "d"]),
    ("sinter", ["SINTER"]),
    ("sintercard", ["SINTERCARD", "1"]),
    ("sinterstore", ["SINTERSTORE", "d"]),
    ("sismember", ["SISMEMBER", "s"]),
    ("sismember", ["SISMEMBER", "s", "a", "b"]),
    ("smembers", ["SMEMBERS"]),
    ("smembers", ["SMEMBERS", "a", "b"]),
    ("smismember", ["SMISMEMBER", "s"]),
    ("smove", ["SMOVE", "a", "b"]),
    ("smove", ["SMOVE", "a", "b", "c", "d"]),
    ("spop", ["SPOP"]),
    ("srandmember", ["SRANDMEMBER"]),
    ("srem", ["SREM", "s"]),
    ("sscan", ["SSCAN", "s"]),
    ("sunion", ["SUNION"]),
    ("sunionstore", ["SUNIONSTORE", "d"]),
]


@pytest.mark.parametrize("name,args", ARITY_CASES)
def test_wrong_number_of_arguments(raw, name, args):
    assert raw.error(*args) == arity(name)


WRONGTYPE_CASES = [
    ["SADD", "str", "a"],
    ["SREM", "str", "a"],
    ["SCARD", "str"],
    ["SISMEMBER", "str", "a"],
    ["SMISMEMBER", "str", "a"],
    ["SMEMBERS", "str"],
    ["SPOP", "str"],
    ["SPOP", "str", "2"],
    ["SRANDMEMBER", "str"],
    ["SRANDMEMBER", "str", "2"],
    ["SSCAN", "str", "0"],
    ["SINTER", "nosuch", "str"],
    ["SINTERCARD", "2", "nosuch", "str"],
    ["SINTERSTORE", "d", "str"],
    ["SUNION", "str"],
    ["SUNIONSTORE", "d", "nosuch", "str"],
    ["SDIFF", "nosuch", "str"],
    ["SDIFFSTORE", "d", "str"],
    ["SMOVE", "str", "s", "a"],
    ["SMOVE", "s", "str", "a"],
]


@pytest.mark.parametrize("args", WRONGTYPE_CASES)
def test_wrong_type(raw, args):
    make_string(raw)
    raw.command("SADD", "s", "a")
    assert raw.error(*args) == WRONGTYPE


# ---------------------------------------------------------------------------
# SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS
# ---------------------------------------------------------------------------


def test_sadd_counts_new_members_and_creates_the_key(raw):
    assert raw.command("SADD", "s", "a", "b", "a") == 2
    assert raw.command("SADD", "s", "b", "c") == 1
    assert members(raw, "s") == [b"a", b"b", b"c"]
    assert raw.command("TYPE", "s") == "set"
    assert raw.command("SCARD", "s") == 3


def test_encodings_intset_and_hashtable(raw):
    raw.command("SADD", "i", "1", "-2", "9223372036854775807", "-9223372036854775808")
    assert encoding(raw, "i") == b"intset"
    raw.command("SADD", "h", "a")
    assert encoding(raw, "h") == b"hashtable"
    # Not canonical integers: the set turns into a hash table for good.
    for bad in ["01", "+1", " 1", "-0", "1.5", "9223372036854775808", ""]:
        raw.command("DEL", "x")
        raw.command("SADD", "x", "1", bad)
        assert encoding(raw, "x") == b"hashtable", bad
        raw.command("SREM", "x", bad)
        assert encoding(raw, "x") == b"hashtable"


def test_intset_threshold(make_server):
    srv = make_server("--set-max-intset-entries", "4")
    with srv.raw() as raw:
        raw.command("SADD", "s", "1", "2", "3", "4")
        assert encoding(raw, "s") == b"intset"
        raw.command("SADD", "s", "5")
        assert encoding(raw, "s") == b"hashtable"
        raw.command("CONFIG", "SET", "set-max-intset-entries", "0")
        raw.command("SADD", "t", "1")
        assert encoding(raw, "t") == b"hashtable"


def test_srem_removes_and_deletes_empty_set(raw):
    raw.command("SADD", "s", "a", "b", "1")
    assert raw.command("SREM", "s", "a", "x") == 1
    assert raw.command("SREM", "nosuch", "a") == 0
    assert raw.command("SREM", "s", "b", "1", "b") == 2
    assert raw.command("EXISTS", "s") == 0


def test_sismember_smismember(raw, r3):
    raw.command("SADD", "s", "a", "1")
    assert raw.command("SISMEMBER", "s", "a") == 1
    assert raw.command("SISMEMBER", "s", "1") == 1
    assert raw.command("SISMEMBER", "s", "b") == 0
    assert raw.command("SISMEMBER", "nosuch", "a") == 0
    assert raw.command("SMISMEMBER", "s", "a", "b", "1") == [1, 0, 1]
    assert raw.command("SMISMEMBER", "nosuch", "a", "b") == [0, 0]
    r3.command("SADD", "s", "a")
    # Integers, not booleans, in RESP3.
    assert r3.command("SISMEMBER", "s", "a") == 1
    r3.send_command("SMISMEMBER", "s", "a")
    assert r3.read_exact_bytes(8) == b"*1\r\n:1\r\n"


def test_smembers_replies(raw, r3):
    raw.command("SADD", "i", "3", "1", "2")
    assert raw.command("SMEMBERS", "i") == [b"1", b"2", b"3"]  # an intset is ordered
    assert raw.command("SMEMBERS", "nosuch") == []
    r3.send_command("SMEMBERS", "nosuch")
    assert r3.read_exact_bytes(4) == b"~0\r\n"
    r3.send_command("SMEMBERS", "i")
    assert r3.read_exact_bytes(4) == b"~3\r\n"
    r3.read_exact_bytes(21)


def test_big_set_survives_growth_and_shrink(raw):
    for start in range(0, 5000, 500):
        raw.command("SADD", "big", *["m%d" % i for i in range(start, start + 500)])
    assert raw.command("SCARD", "big") == 5000
    assert len(set(raw.command("SMEMBERS", "big"))) == 5000
    assert raw.command("SREM", "big", *["m%d" % i for i in range(0, 4990)]) == 4990
    assert members(raw, "big") == sorted(b"m%d" % i for i in range(4990, 5000))


def test_long_members(raw):
    big = b"x" * 5000
    raw.command("SADD", "s", big, "a")
    assert raw.command("SISMEMBER", "s", big) == 1
    assert big in raw.command("SMEMBERS", "s")
    assert raw.command("SREM", "s", big) == 1


# ---------------------------------------------------------------------------
# SMOVE
# ---------------------------------------------------------------------------


def test_smove(raw):
    raw.command("SADD", "src", "a", "b", "1")
    raw.command("SADD", "dst", "2")
    assert raw.command("SMOVE", "src", "dst", "1") == 1
    assert encoding(raw, "dst") == b"intset"
    assert raw.command("SMOVE", "src", "dst", "a") == 1
    assert encoding(raw, "dst") == b"hashtable"
    assert members(raw, "dst") == [b"1", b"2", b"a"]
    assert raw.command("SMOVE", "src", "dst", "x") == 0
    assert raw.command("SMOVE", "src", "new", "b") == 1
    assert raw.command("EXISTS", "src") == 0
    assert members(raw, "new") == [b"b"]


def test_smove_edge_cases(raw):
    make_string(raw)
    raw.command("SADD", "s", "a")
    # A missing source wins over a destination of the wrong type.
    assert raw.command("SMOVE", "nosuch", "str", "a") == 0
    # A member the source lacks still meets the type check first.
    assert raw.error("SMOVE", "s", "str", "nope") == WRONGTYPE
    assert raw.command("SMOVE", "s", "s", "a") == 1
    assert raw.command("SMOVE", "s", "s", "b") == 0
    assert members(raw, "s") == [b"a"]
    raw.command("SADD", "t", "a")
    assert raw.command("SMOVE", "s", "t", "a") == 1
    assert raw.command("EXISTS", "s") == 0
    assert members(raw, "t") == [b"a"]


# ---------------------------------------------------------------------------
# SPOP
# ---------------------------------------------------------------------------


def test_spop_without_count(raw):
    raw.command("SADD", "s", "a", "b")
    got = {raw.command("SPOP", "s"), raw.command("SPOP", "s")}
    assert got == {b"a", b"b"}
    assert raw.command("EXISTS", "s") == 0
    assert raw.command("SPOP", "s") is None


@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("count", [1, 3, 45, 49, 50, 80])
def test_spop_with_count(raw, kind, count):
    pool = [str(i) if kind == "int" else "m%d" % i for i in range(50)]
    raw.command("SADD", "s", *pool)
    popped = raw.command("SPOP", "s", count)
    assert len(popped) == min(count, 50)
    assert len(set(popped)) == len(popped)
    left = raw.command("SMEMBERS", "s")
    assert set(popped) | set(left) == {p.encode() for p in pool}
    assert not set(popped) & set(left)
    if count >= 50:
        assert raw.command("EXISTS", "s") == 0


def test_spop_count_replies(raw, r3):
    assert raw.command("SPOP", "nosuch", 3) == []
    raw.command("SADD", "s", "a")
    assert raw.command("SPOP", "s", 0) == []
    assert raw.command("SCARD", "s") == 1
    r3.send_command("SPOP", "nosuch", 2)
    assert r3.read_exact_bytes(4) == b"~0\r\n"
    r3.send_command("SPOP", "s", 5)
    assert r3.read_exact_bytes(11) == b"~1\r\n$1\r\na\r\n"


def test_spop_bad_count(raw):
    raw.command("SADD", "s", "a")
    make_string(raw)
    assert raw.error("SPOP", "s", -1) == OUT_OF_RANGE_POSITIVE
    assert raw.error("SPOP", "s", "x") == OUT_OF_RANGE_POSITIVE
    assert raw.error("SPOP", "s", 1, 2) == SYNTAX
    # The count is read before the key is looked at.
    assert raw.error("SPOP", "str", -1) == OUT_OF_RANGE_POSITIVE
    assert raw.error("SPOP", "str", "x") == OUT_OF_RANGE_POSITIVE


def test_spop_big_count_can_leave_an_intset(raw):
    raw.command("SADD", "s", "x", *[str(i) for i in range(100)])
    raw.command("SREM", "s", "x")
    assert encoding(raw, "s") == b"hashtable"
    raw.command("SPOP", "s", 98)
    assert raw.command("SCARD", "s") == 2
    assert encoding(raw, "s") in (b"intset", b"hashtable")


# ---------------------------------------------------------------------------
# SRANDMEMBER
# ---------------------------------------------------------------------------


def test_srandmember_without_count(raw):
    assert raw.command("SRANDMEMBER", "nosuch") is None
    raw.command("SADD", "s", "a", "b")
    assert raw.command("SRANDMEMBER", "s") in (b"a", b"b")
    assert raw.command("SCARD", "s") == 2


@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("count", [1, 2, 9, 10, 40, 100])
def test_srandmember_positive_count_is_distinct(raw, kind, count):
    pool = [str(i) if kind == "int" else "m%d" % i for i in range(40)]
    raw.command("SADD", "s", *pool)
    got = raw.command("SRANDMEMBER", "s", count)
    assert len(got) == min(count, 40)
    assert len(set(got)) == len(got)
    assert set(got) <= {p.encode() for p in pool}


def test_srandmember_negative_count_repeats(raw):
    raw.command("SADD", "s", "a", "b", "c")
    got = raw.command("SRANDMEMBER", "s", -100)
    assert len(got) == 100
    assert set(got) == {b"a", b"b", b"c"}


def test_srandmember_count_replies(raw, r3):
    assert raw.command("SRANDMEMBER", "nosuch", 5) == []
    assert raw.command("SRANDMEMBER", "nosuch", -5) == []
    raw.command("SADD", "s", "a")
    assert raw.command("SRANDMEMBER", "s", 0) == []
    # RESP3: arrays, not sets (members may repeat).
    r3.send_command("SRANDMEMBER", "s", -2)
    assert r3.read_exact_bytes(18) == b"*2\r\n$1\r\na\r\n$1\r\na\r\n"
    r3.send_command("SRANDMEMBER", "nosuch", 2)
    assert r3.read_exact_bytes(4) == b"*0\r\n"


def test_srandmember_bad_count(raw):
    raw.command("SADD", "s", "a")
    assert raw.error("SRANDMEMBER", "s", LLONG_MIN) == SRANDMEMBER_RANGE
    assert raw.error("SRANDMEMBER", "s", "x") == NOT_INTEGER
    assert raw.error("SRANDMEMBER", "s", 1, 2) == SYNTAX


@pytest.mark.parametrize(
    "pool",
    [
        ["1", "5", "10", "50", "125", "MARY", "PATRICIA", "LINDA", "BARBARA", "ELIZABETH"],
        [str(i) for i in range(10)],
    ],
)
def test_srandmember_distribution(raw, pool):
    """Chi-square over 10 members (df 9): 40 has probability 1e-5."""
    raw.command("SADD", "s", *pool)

    def chi_square(values):
        counts = collections.Counter(values)
        expected = len(values) / len(pool)
        return sum((counts[p.encode()] - expected) ** 2 / expected for p in pool)

    assert chi_square(raw.command("SRANDMEMBER", "s", -1000)) < 40
    for size in (8, 2):
        draws = []
        for _ in range(1000 // size):
            draws.extend(raw.command("SRANDMEMBER", "s", size))
        assert chi_square(draws) < 40


# ---------------------------------------------------------------------------
# SSCAN
# ---------------------------------------------------------------------------


def test_sscan_intset_is_returned_whole(raw):
    raw.command("SADD", "s", *[str(i) for i in range(100)])
    cursor, got = raw.command("SSCAN", "s", 0, "COUNT", 5)
    assert cursor == b"0"
    assert sorted(int(x) for x in got) == list(range(100))
    cursor, got = raw.command("SSCAN", "s", 0, "MATCH", "1?")
    assert sorted(got) == sorted(b"%d" % i for i in range(10, 20))


def test_sscan_walks_a_hashtable(raw):
    want = {b"m%d" % i for i in range(1000)}
    raw.command("SADD", "s", *want)
    seen = set()
    cursor = b"0"
    calls = 0
    while True:
        cursor, got = raw.command("SSCAN", "s", cursor, "COUNT", 20)
        seen.update(got)
        calls += 1
        if cursor == b"0":
            break
    assert seen == want
    assert calls > 1
    seen = set()
    cursor = b"0"
    while True:
        cursor, got = raw.command("SSCAN", "s", cursor, "MATCH", "m1*", "COUNT", 100)
        seen.update(got)
        if cursor == b"0":
            break
    assert seen == {m for m in want if m.startswith(b"m1")}


def test_sscan_errors(raw):
    raw.command("SADD", "s", "a")
    assert raw.error("SSCAN", "s", "x") == "ERR invalid cursor"
    assert raw.error("SSCAN", "s", 0, "COUNT", 0) == SYNTAX
    assert raw.error("SSCAN", "s", 0, "COUNT", "x") == NOT_INTEGER
    assert raw.error("SSCAN", "s", 0, "TYPE", "set") == SYNTAX
    assert raw.error("SSCAN", "s", 0, "MATCH") == SYNTAX
    assert raw.error("SSCAN", "s", 0, "FOO", "bar") == SYNTAX
    # A missing key answers before its options are read.
    assert raw.command("SSCAN", "nosuch", 0, "COUNT", 0) == [b"0", []]
    assert raw.error("SSCAN", "nosuch", "x") == "ERR invalid cursor"


# ---------------------------------------------------------------------------
# SINTER SINTERCARD SUNION SDIFF and the *STORE forms
# ---------------------------------------------------------------------------


@pytest.fixture
def abc(raw):
    raw.command("SADD", "a", "1", "2", "3", "x", "y")
    raw.command("SADD", "b", "2", "3", "4", "x")
    raw.command("SADD", "c", "3", "x", "z")
    return raw


def test_sinter(abc):
    raw = abc
    assert sorted(raw.command("SINTER", "a", "b", "c")) == [b"3", b"x"]
    assert sorted(raw.command("SINTER", "a", "a")) == [b"1", b"2", b"3", b"x", b"y"]
    assert raw.command("SINTER", "a", "nosuch") == []


def test_sintercard(abc):
    raw = abc
    assert raw.command("SINTERCARD", 3, "a", "b", "c") == 2
    assert raw.command("SINTERCARD", 2, "a", "b", "LIMIT", 1) == 1
    assert raw.command("SINTERCARD", 2, "a", "b", "limit", 0) == 3
    assert raw.command("SINTERCARD", 2, "a", "nosuch") == 0
    assert raw.command("SINTERCARD", 1, "a", "LIMIT", 100) == 5


def test_sintercard_errors(raw):
    assert raw.error("SINTERCARD", 0, "a") == "ERR numkeys should be greater than 0"
    assert raw.error("SINTERCARD", "x", "a") == "ERR numkeys should be greater than 0"
    assert raw.error("SINTERCARD", 3, "a", "b") == (
        "ERR Number of keys can't be greater than number of args"
    )
    assert raw.error("SINTERCARD", 1, "a", "LIMIT", -1) == "ERR LIMIT can't be negative"
    assert raw.error("SINTERCARD", 1, "a", "LIMIT", "x") == "ERR LIMIT can't be negative"
    assert raw.error("SINTERCARD", 1, "a", "LIMIT") == SYNTAX
    assert raw.error("SINTERCARD", 1, "a", "b") == SYNTAX


def test_sunion_and_sdiff(r3, abc):
    raw = abc
    assert sorted(raw.command("SUNION", "a", "nosuch", "c")) == sorted(
        [b"1", b"2", b"3", b"x", b"y", b"z"]
    )
    assert sorted(raw.command("SDIFF", "a", "b", "c")) == [b"1", b"y"]
    assert sorted(raw.command("SDIFF", "a", "nosuch")) == [b"1", b"2", b"3", b"x", b"y"]
    assert raw.command("SDIFF", "nosuch", "a") == []
    assert raw.command("SDIFF", "a", "b", "a") == []
    r3.send_command("SUNION", "nosuch")
    assert r3.read_exact_bytes(4) == b"~0\r\n"
    r3.send_command("SDIFF", "nosuch")
    assert r3.read_exact_bytes(4) == b"~0\r\n"
    r3.send_command("SINTER", "nosuch")
    assert r3.read_exact_bytes(4) == b"~0\r\n"


def test_sdiff_big_first_set(raw):
    raw.command("SADD", "big", *[str(i) for i in range(300)])
    raw.command("SADD", "small", "5", "7", "nope")
    assert len(raw.command("SDIFF", "big", "small")) == 298
    assert raw.command("SDIFF", "small", "big") == [b"nope"]


@pytest.mark.parametrize(
    "cmd,want",
    [
        ("SINTERSTORE", [b"3", b"x"]),
        ("SUNIONSTORE", [b"1", b"2", b"3", b"4", b"x", b"y", b"z"]),
        ("SDIFFSTORE", [b"1", b"y"]),
    ],
)
def test_store_commands_overwrite_any_type(abc, cmd, want):
    raw = abc
    raw.command("SET", "dst", "v", "EX", 100)
    assert raw.command(cmd, "dst", "a", "b", "c") == len(want)
    assert members(raw, "dst") == want
    assert raw.command("TTL", "dst") == -1
    assert raw.command("TYPE", "dst") == "set"


@pytest.mark.parametrize("cmd", ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
def test_store_commands_delete_destination_on_empty_result(raw, cmd):
    raw.command("SET", "dst", "v")
    assert raw.command(cmd, "dst", "nosuch") == 0
    assert raw.command("EXISTS", "dst") == 0
    assert raw.command(cmd, "dst", "nosuch") == 0


@pytest.mark.parametrize("cmd", ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
def test_store_commands_leave_destination_on_wrong_type(raw, cmd):
    make_string(raw)
    raw.command("SADD", "dst", "keep")
    assert raw.error(cmd, "dst", "str") == WRONGTYPE
    assert members(raw, "dst") == [b"keep"]


def test_store_encodings(abc):
    raw = abc
    raw.command("SADD", "i1", "1", "2")
    raw.command("SADD", "i2", "2", "3")
    raw.command("SUNIONSTORE", "u", "i1", "i2")
    assert encoding(raw, "u") == b"intset"
    raw.command("SINTERSTORE", "n", "a", "b")  # 2 3 x
    assert encoding(raw, "n") == b"hashtable"
    raw.command("SINTERSTORE", "n", "a", "i1")  # 1 2: ints only again
    assert encoding(raw, "n") == b"intset"
    raw.command("SDIFFSTORE", "d", "a", "c")  # 1 2 y
    assert encoding(raw, "d") == b"hashtable"
    # The destination may be a source.
    assert raw.command("SUNIONSTORE", "u", "u", "c") == 5
    assert members(raw, "u") == [b"1", b"2", b"3", b"x", b"z"]


# ---------------------------------------------------------------------------
# Generic commands on sets
# ---------------------------------------------------------------------------


def test_generic_commands_on_sets(raw):
    raw.command("SADD", "s", "a", "b")
    raw.command("SADD", "i", "1", "2")
    assert raw.command("COPY", "s", "s2") == 1
    raw.command("SADD", "s", "c")
    assert members(raw, "s2") == [b"a", b"b"]
    assert raw.command("COPY", "i", "i2") == 1
    assert encoding(raw, "i2") == b"intset"
    assert raw.command("RENAME", "s2", "s3") == "OK"
    assert members(raw, "s3") == [b"a", b"b"]
    assert raw.command("MOVE", "s3", 1) == 1
    assert raw.command("EXISTS", "s3") == 0
    cursor, keys = raw.command("SCAN", 0, "TYPE", "set", "COUNT", 100)
    assert sorted(keys) == [b"i", b"i2", b"s"]
    assert raw.command("MEMORY", "USAGE", "s") > 0
    assert raw.command("TYPE", "i") == "set"


def test_digest_value_ignores_encoding_and_order(make_server):
    srv = make_server("--enable-debug-command", "yes")
    with srv.raw() as raw:
        raw.command("SADD", "a", "1", "2", "3")
        raw.command("SADD", "b", "x", "3", "2", "1")
        raw.command("SREM", "b", "x")
        da, db = raw.command("DEBUG", "DIGEST-VALUE", "a", "b")
        assert da == db
        assert da != b"0" * 40
        before = raw.command("DEBUG", "DIGEST")
        raw.command("SADD", "b", "4")
        assert raw.command("DEBUG", "DIGEST") != before


def test_multi_exec_with_set_commands(raw):
    assert raw.command("MULTI") == "OK"
    assert raw.command("SADD", "s", "a", "b") == "QUEUED"
    assert raw.command("SCARD", "s") == "QUEUED"
    assert raw.command("SPOP", "s", 5) == "QUEUED"
    result = raw.command("EXEC")
    assert result[0] == 2 and result[1] == 2
    assert sorted(result[2]) == [b"a", b"b"]
