"""Keyspace commands: COPY DEL EXISTS EXPIRE EXPIREAT EXPIRETIME KEYS MOVE
OBJECT PERSIST PEXPIRE PEXPIREAT PEXPIRETIME PTTL RANDOMKEY RENAME RENAMENX
SCAN TOUCH TTL TYPE UNLINK.

Tests talk over `raw` (RawConnection after FLUSHALL) so reply types and error
texts are exact. Expiry is observed with short PX/PEXPIRE values and polling;
the one test that needs the clock to advance by whole seconds (IDLETIME)
sleeps once.
"""

import time

import pytest

from reply_errors import (
    DB_OUT_OF_RANGE,
    NO_SUCH_KEY,
    NOT_INTEGER,
    SAME_OBJECT,
    SYNTAX,
    arity,
    invalid_expire,
)
from server_process import SimpleString

LLONG_MAX = 2**63 - 1
LLONG_MIN = -(2**63)
SHARED_REFCOUNT = 2**31 - 1
# Smallest EXPIRE argument whose conversion to milliseconds does not overflow
# (C division truncates toward zero).
MIN_EXPIRE_SECONDS = -(2**63 // 1000)
INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647"


def wait_until(predicate, timeout=3.0, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def has_streams(raw):
    """Whether the server under test has the stream type yet (Osprey adds it
    after the other types; redis-server always has it)."""
    return raw.command("COMMAND", "INFO", "XADD") != [None]


def make_one_of_each_type(raw):
    """Creates one key per data type the server has; returns {key: type name}."""
    raw.command("SET", "str", "v")
    raw.command("RPUSH", "list", "a")
    raw.command("SADD", "set", "a")
    raw.command("ZADD", "zset", "1", "a")
    raw.command("HSET", "hash", "f", "v")
    made = {
        b"str": "string",
        b"list": "list",
        b"set": "set",
        b"zset": "zset",
        b"hash": "hash",
    }
    if has_streams(raw):
        raw.command("XADD", "stream", "*", "f", "v")
        made[b"stream"] = "stream"
    return made


def scan_all(conn, *options, count=None):
    """Walks SCAN from cursor 0 to 0; returns (list of keys seen, calls made)."""
    seen = []
    cursor = b"0"
    calls = 0
    while True:
        args = ["SCAN", cursor, *options]
        if count is not None:
            args += ["COUNT", count]
        reply = conn.command(*args)
        calls += 1
        assert isinstance(reply, list) and len(reply) == 2
        cursor, keys = reply
        assert isinstance(cursor, bytes) and cursor.isdigit(), cursor
        seen.extend(keys)
        if cursor == b"0":
            return seen, calls
        assert calls < 100000, "SCAN did not terminate"


# ---------------------------------------------------------------------------
# Wrong number of arguments
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("copy", ["COPY", "a"]),
    ("del", ["DEL"]),
    ("exists", ["EXISTS"]),
    ("expire", ["EXPIRE", "k"]),
    ("expireat", ["EXPIREAT", "k"]),
    ("expiretime", ["EXPIRETIME"]),
    ("expiretime", ["EXPIRETIME", "a", "b"]),
    ("keys", ["KEYS"]),
    ("keys", ["KEYS", "a", "b"]),
    ("move", ["MOVE", "k"]),
    ("move", ["MOVE", "k", "1", "2"]),
    ("object", ["OBJECT"]),
    ("object|encoding", ["OBJECT", "ENCODING"]),
    ("object|encoding", ["OBJECT", "ENCODING", "a", "b"]),
    ("object|freq", ["OBJECT", "FREQ"]),
    ("object|idletime", ["OBJECT", "IDLETIME"]),
    ("object|refcount", ["OBJECT", "REFCOUNT"]),
    ("object|help", ["OBJECT", "HELP", "x"]),
    ("persist", ["PERSIST"]),
    ("persist", ["PERSIST", "a", "b"]),
    ("pexpire", ["PEXPIRE", "k"]),
    ("pexpireat", ["PEXPIREAT", "k"]),
    ("pexpiretime", ["PEXPIRETIME"]),
    ("pttl", ["PTTL"]),
    ("pttl", ["PTTL", "a", "b"]),
    ("randomkey", ["RANDOMKEY", "x"]),
    ("rename", ["RENAME", "a"]),
    ("rename", ["RENAME", "a", "b", "c"]),
    ("renamenx", ["RENAMENX", "a"]),
    ("renamenx", ["RENAMENX", "a", "b", "c"]),
    ("scan", ["SCAN"]),
    ("touch", ["TOUCH"]),
    ("ttl", ["TTL"]),
    ("ttl", ["TTL", "a", "b"]),
    ("type", ["TYPE"]),
    ("type", ["TYPE", "a", "b"]),
    ("unlink", ["UNLINK"]),
]


@pytest.mark.parametrize("name,args", ARITY_CASES, ids=["%s-%d" % (n, len(a)) for n, a in ARITY_CASES])
def test_wrong_number_of_arguments_is_rejected_with_command_name(raw, name, args):
    assert raw.error(*args) == arity(name)
    assert raw.command("PING") == "PONG"


# ---------------------------------------------------------------------------
# DEL / UNLINK / EXISTS / TOUCH / TYPE
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["DEL", "UNLINK"])
def test_delete_removes_keys_of_every_type_and_counts_them(raw, command):
    types = make_one_of_each_type(raw)
    assert raw.command(command, *types.keys(), "missing") == len(types)
    assert raw.command("EXISTS", *types.keys()) == 0


@pytest.mark.parametrize("command", ["DEL", "UNLINK"])
def test_delete_counts_a_repeated_key_once(raw, command):
    raw.command("SET", "a", "1")
    assert raw.command(command, "a", "a", "a") == 1
    assert raw.command(command, "a") == 0


@pytest.mark.parametrize("command", ["DEL", "UNLINK"])
def test_delete_of_missing_key_returns_zero(raw, command):
    assert raw.command(command, "missing") == 0


def test_del_removes_ttl_with_the_key(raw):
    raw.command("SET", "k", "v", "EX", "100")
    raw.command("DEL", "k")
    raw.command("SET", "k", "v2")
    assert raw.command("TTL", "k") == -1


def test_unlink_of_large_value_frees_it(raw):
    raw.command("RPUSH", "big", *[str(i) for i in range(5000)])
    assert raw.command("UNLINK", "big") == 1
    assert raw.command("EXISTS", "big") == 0
    assert raw.command("LLEN", "big") == 0


def test_exists_counts_every_argument_including_repeats(raw):
    raw.command("SET", "a", "1")
    raw.command("RPUSH", "l", "x")
    assert raw.command("EXISTS", "a") == 1
    assert raw.command("EXISTS", "missing") == 0
    assert raw.command("EXISTS", "a", "a", "missing", "l", "a") == 4


def test_exists_does_not_count_expired_keys(raw):
    raw.command("SET", "k", "v", "PX", "30")
    raw.command("SET", "p", "v")
    assert raw.command("EXISTS", "k", "p") == 2
    assert wait_until(lambda: raw.command("EXISTS", "k", "p") == 1)


def test_touch_counts_existing_keys(raw):
    raw.command("MSET", "a", "1", "b", "2")
    assert raw.command("TOUCH", "a", "b", "missing") == 2
    assert raw.command("TOUCH", "a", "a") == 2
    assert raw.command("TOUCH", "missing") == 0


def test_type_reports_each_data_type_as_status_reply(raw):
    types = make_one_of_each_type(raw)
    for key, name in types.items():
        reply = raw.command("TYPE", key)
        assert isinstance(reply, SimpleString) and reply == name, key


def test_type_of_missing_key_is_none(raw):
    reply = raw.command("TYPE", "missing")
    assert isinstance(reply, SimpleString) and reply == "none"


def test_type_of_expired_key_is_none(raw):
    raw.command("SET", "k", "v", "PX", "20")
    assert wait_until(lambda: raw.command("TYPE", "k") == "none")


# ---------------------------------------------------------------------------
# KEYS / RANDOMKEY
# ---------------------------------------------------------------------------

PATTERN_KEYS = [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"a*b", b"a?b", b"axb", b"h[e]llo", b"user:1", b"user:22"]

KEYS_PATTERN_CASES = [
    (b"*", PATTERN_KEYS),
    (b"h?llo", [b"hello", b"hallo", b"hxllo"]),
    (b"h*llo", [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h[e]llo"]),
    (b"h[ae]llo", [b"hello", b"hallo"]),
    (b"h[^e]llo", [b"hallo", b"hxllo"]),
    (b"h[a-b]llo", [b"hallo"]),
    (b"h[b-a]llo", [b"hallo"]),  # reversed ranges are accepted
    (b"a\\*b", [b"a*b"]),
    (b"a\\?b", [b"a?b"]),
    (b"a?b", [b"a*b", b"a?b", b"axb"]),
    (b"h\\[e\\]llo", [b"h[e]llo"]),
    (b"user:?", [b"user:1"]),
    (b"user:*", [b"user:1", b"user:22"]),
    (b"nomatch*", []),
    (b"hello", [b"hello"]),
    (b"HELLO", []),
]


@pytest.mark.parametrize("pattern,expected", KEYS_PATTERN_CASES, ids=lambda v: v.decode() if isinstance(v, bytes) else "")
def test_keys_matches_glob_pattern(raw, pattern, expected):
    for key in PATTERN_KEYS:
        raw.command("SET", key, "1")
    assert sorted(raw.command("KEYS", pattern)) == sorted(expected)


def test_keys_on_empty_database_returns_empty_array(raw):
    assert raw.command("KEYS", "*") == []


def test_keys_returns_keys_of_all_types(raw):
    types = make_one_of_each_type(raw)
    assert sorted(raw.command("KEYS", "*")) == sorted(types)


def test_keys_is_binary_safe(raw):
    raw.command("SET", b"bin\x00key", "1")
    raw.command("SET", b"bin\xffkey", "1")
    assert sorted(raw.command("KEYS", b"bin*")) == [b"bin\x00key", b"bin\xffkey"]
    assert raw.command("KEYS", b"bin\x00*") == [b"bin\x00key"]


def test_keys_skips_expired_keys(raw):
    raw.command("SET", "gone", "v", "PX", "20")
    raw.command("SET", "stays", "v")
    assert wait_until(lambda: raw.command("KEYS", "*") == [b"stays"])


def test_keys_only_sees_the_selected_database(raw):
    raw.command("SET", "db0", "v")
    raw.command("SELECT", "3")
    raw.command("SET", "db3", "v")
    assert raw.command("KEYS", "*") == [b"db3"]
    raw.command("SELECT", "0")
    assert raw.command("KEYS", "*") == [b"db0"]


def test_randomkey_on_empty_database_returns_nil(raw):
    assert raw.command("RANDOMKEY") is None


def test_randomkey_returns_each_existing_key_eventually(raw):
    keys = {b"a", b"b", b"c"}
    for key in keys:
        raw.command("SET", key, "1")
    seen = set()
    for _ in range(300):
        key = raw.command("RANDOMKEY")
        assert key in keys
        seen.add(key)
        if seen == keys:
            break
    assert seen == keys


def test_randomkey_never_returns_expired_key(raw):
    raw.command("SET", "gone", "v", "PX", "10")
    raw.command("SET", "stays", "v")
    assert wait_until(lambda: raw.command("EXISTS", "gone") == 0)
    for _ in range(20):
        assert raw.command("RANDOMKEY") == b"stays"


def test_randomkey_returns_nil_when_only_expired_keys_remain(raw):
    raw.command("SET", "gone", "v", "PX", "10")
    assert wait_until(lambda: raw.command("RANDOMKEY") is None)


# ---------------------------------------------------------------------------
# RENAME / RENAMENX
# ---------------------------------------------------------------------------


def test_rename_moves_value_to_new_name(raw):
    raw.command("SET", "a", "1")
    reply = raw.command("RENAME", "a", "b")
    assert isinstance(reply, SimpleString) and reply == "OK"
    assert raw.command("EXISTS", "a") == 0
    assert raw.command("GET", "b") == b"1"


def test_rename_overwrites_destination_of_any_type(raw):
    raw.command("RPUSH", "src", "x", "y")
    raw.command("SET", "dst", "old")
    assert raw.command("RENAME", "src", "dst") == "OK"
    assert raw.command("TYPE", "dst") == "list"
    assert raw.command("LRANGE", "dst", "0", "-1") == [b"x", b"y"]


def test_rename_carries_ttl_of_source(raw):
    raw.command("SET", "a", "1", "EX", "100")
    raw.command("RENAME", "a", "b")
    assert raw.command("TTL", "b") >= 99


def test_rename_drops_ttl_of_overwritten_destination(raw):
    raw.command("SET", "a", "1")
    raw.command("SET", "b", "2", "EX", "100")
    raw.command("RENAME", "a", "b")
    assert raw.command("GET", "b") == b"1"
    assert raw.command("TTL", "b") == -1


def test_rename_to_same_name_keeps_key_and_ttl(raw):
    raw.command("SET", "a", "1", "EX", "100")
    assert raw.command("RENAME", "a", "a") == "OK"
    assert raw.command("GET", "a") == b"1"
    assert raw.command("TTL", "a") >= 99


def test_rename_missing_key_is_an_error(raw):
    assert raw.error("RENAME", "missing", "b") == NO_SUCH_KEY
    assert raw.error("RENAME", "missing", "missing") == NO_SUCH_KEY


def test_rename_expired_key_is_an_error(raw):
    raw.command("SET", "a", "1", "PX", "10")
    assert wait_until(lambda: raw.command("EXISTS", "a") == 0)
    assert raw.error("RENAME", "a", "b") == NO_SUCH_KEY


def test_renamenx_renames_when_destination_is_missing(raw):
    raw.command("SET", "a", "1", "EX", "100")
    assert raw.command("RENAMENX", "a", "b") == 1
    assert raw.command("EXISTS", "a") == 0
    assert raw.command("GET", "b") == b"1"
    assert raw.command("TTL", "b") >= 99


def test_renamenx_does_nothing_when_destination_exists(raw):
    raw.command("SET", "a", "1")
    raw.command("RPUSH", "b", "x")
    assert raw.command("RENAMENX", "a", "b") == 0
    assert raw.command("GET", "a") == b"1"
    assert raw.command("TYPE", "b") == "list"


def test_renamenx_to_same_name_returns_zero(raw):
    raw.command("SET", "a", "1")
    assert raw.command("RENAMENX", "a", "a") == 0
    assert raw.command("GET", "a") == b"1"


def test_renamenx_missing_key_is_an_error(raw):
    assert raw.error("RENAMENX", "missing", "b") == NO_SUCH_KEY


# ---------------------------------------------------------------------------
# COPY
# ---------------------------------------------------------------------------


def test_copy_duplicates_value_and_returns_one(raw):
    raw.command("SET", "a", "1")
    assert raw.command("COPY", "a", "b") == 1
    assert raw.command("MGET", "a", "b") == [b"1", b"1"]


def test_copy_of_missing_source_returns_zero(raw):
    assert raw.command("COPY", "missing", "b") == 0
    assert raw.command("EXISTS", "b") == 0


def test_copy_does_not_overwrite_existing_destination(raw):
    raw.command("MSET", "a", "1", "b", "2")
    assert raw.command("COPY", "a", "b") == 0
    assert raw.command("GET", "b") == b"2"


def test_copy_replace_overwrites_destination_of_any_type(raw):
    raw.command("SET", "a", "1")
    raw.command("RPUSH", "b", "x")
    assert raw.command("COPY", "a", "b", "REPLACE") == 1
    assert raw.command("GET", "b") == b"1"
    assert raw.command("COPY", "a", "b", "replace") == 1


def test_copy_carries_ttl(raw):
    raw.command("SET", "a", "1", "EX", "100")
    raw.command("COPY", "a", "b")
    assert raw.command("TTL", "b") >= 99
    raw.command("SET", "c", "1")
    raw.command("SET", "d", "2", "EX", "100")
    raw.command("COPY", "c", "d", "REPLACE")
    assert raw.command("TTL", "d") == -1


def test_copy_of_aggregate_value_is_independent(raw):
    raw.command("RPUSH", "src", "a", "b")
    raw.command("HSET", "h", "f", "v")
    assert raw.command("COPY", "src", "dst") == 1
    assert raw.command("COPY", "h", "h2") == 1
    raw.command("RPUSH", "dst", "c")
    raw.command("HSET", "h2", "g", "w")
    assert raw.command("LRANGE", "src", "0", "-1") == [b"a", b"b"]
    assert raw.command("LRANGE", "dst", "0", "-1") == [b"a", b"b", b"c"]
    assert raw.command("HLEN", "h") == 1


def test_copy_preserves_type_of_every_kind(raw):
    types = make_one_of_each_type(raw)
    for key, name in types.items():
        assert raw.command("COPY", key, key + b"-copy") == 1
        assert raw.command("TYPE", key + b"-copy") == name


def test_copy_db_copies_into_other_database(raw):
    raw.command("SET", "a", "1")
    assert raw.command("COPY", "a", "b", "DB", "1") == 1
    assert raw.command("COPY", "a", "a", "DB", "2") == 1
    assert raw.command("EXISTS", "b") == 0
    raw.command("SELECT", "1")
    assert raw.command("GET", "b") == b"1"
    raw.command("SELECT", "2")
    assert raw.command("GET", "a") == b"1"


def test_copy_db_respects_existing_destination_unless_replace(raw):
    raw.command("SET", "a", "new")
    raw.command("SELECT", "1")
    raw.command("SET", "a", "old")
    raw.command("SELECT", "0")
    assert raw.command("COPY", "a", "a", "DB", "1") == 0
    assert raw.command("COPY", "a", "a", "DB", "1", "REPLACE") == 1
    raw.command("SELECT", "1")
    assert raw.command("GET", "a") == b"new"


def test_copy_to_itself_is_rejected(raw):
    raw.command("SET", "a", "1")
    assert raw.error("COPY", "a", "a") == SAME_OBJECT
    assert raw.error("COPY", "a", "a", "DB", "0") == SAME_OBJECT


@pytest.mark.parametrize("db", ["16", "-1", "1000"])
def test_copy_db_index_out_of_range_is_rejected(raw, db):
    raw.command("SET", "a", "1")
    assert raw.error("COPY", "a", "b", "DB", db) == DB_OUT_OF_RANGE


@pytest.mark.parametrize("db", [str(2**31), str(-(2**31) - 1)])
def test_copy_db_index_beyond_int_range_is_rejected(raw, db):
    raw.command("SET", "a", "1")
    assert raw.error("COPY", "a", "b", "DB", db) == INT_RANGE


def test_copy_non_integer_db_is_rejected(raw):
    raw.command("SET", "a", "1")
    assert raw.error("COPY", "a", "b", "DB", "abc") == NOT_INTEGER


@pytest.mark.parametrize("opts", [["FOO"], ["DB"], ["REPLACE", "DB"], ["REPLACE", "FOO"]], ids=" ".join)
def test_copy_invalid_option_is_syntax_error(raw, opts):
    raw.command("SET", "a", "1")
    assert raw.error("COPY", "a", "b", *opts) == SYNTAX
    assert raw.command("EXISTS", "b") == 0


# ---------------------------------------------------------------------------
# MOVE
# ---------------------------------------------------------------------------


def test_move_transfers_key_to_other_database(raw):
    raw.command("SET", "a", "1", "EX", "100")
    assert raw.command("MOVE", "a", "1") == 1
    assert raw.command("EXISTS", "a") == 0
    raw.command("SELECT", "1")
    assert raw.command("GET", "a") == b"1"
    assert raw.command("TTL", "a") >= 99


def test_move_back_from_other_database(raw):
    raw.command("SELECT", "5")
    raw.command("RPUSH", "l", "x")
    assert raw.command("MOVE", "l", "0") == 1
    raw.command("SELECT", "0")
    assert raw.command("LRANGE", "l", "0", "-1") == [b"x"]


def test_move_does_nothing_when_destination_has_the_key(raw):
    raw.command("SET", "a", "src")
    raw.command("SELECT", "1")
    raw.command("SET", "a", "dst")
    raw.command("SELECT", "0")
    assert raw.command("MOVE", "a", "1") == 0
    assert raw.command("GET", "a") == b"src"
    raw.command("SELECT", "1")
    assert raw.command("GET", "a") == b"dst"


def test_move_missing_key_returns_zero(raw):
    assert raw.command("MOVE", "missing", "1") == 0


def test_move_to_same_database_is_rejected(raw):
    raw.command("SET", "a", "1")
    assert raw.error("MOVE", "a", "0") == SAME_OBJECT


@pytest.mark.parametrize("db", ["16", "-1", "1000"])
def test_move_db_index_out_of_range_is_rejected(raw, db):
    raw.command("SET", "a", "1")
    assert raw.error("MOVE", "a", db) == DB_OUT_OF_RANGE
    assert raw.command("GET", "a") == b"1"


@pytest.mark.parametrize("db", [str(2**31), str(-(2**31) - 1)])
def test_move_db_index_beyond_int_range_is_rejected(raw, db):
    raw.command("SET", "a", "1")
    assert raw.error("MOVE", "a", db) == INT_RANGE
    assert raw.command("GET", "a") == b"1"


def test_move_non_integer_db_is_rejected(raw):
    raw.command("SET", "a", "1")
    assert raw.error("MOVE", "a", "abc") == NOT_INTEGER


# ---------------------------------------------------------------------------
# EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT
# ---------------------------------------------------------------------------


def test_expire_sets_ttl_in_seconds(raw):
    raw.command("SET", "k", "v")
    assert raw.command("EXPIRE", "k", "100") == 1
    assert 99 <= raw.command("TTL", "k") <= 100
    assert 99000 < raw.command("PTTL", "k") <= 100000


def test_pexpire_sets_ttl_in_milliseconds(raw):
    raw.command("SET", "k", "v")
    assert raw.command("PEXPIRE", "k", "100000") == 1
    assert 99000 < raw.command("PTTL", "k") <= 100000


def test_expireat_sets_absolute_time_in_seconds(raw):
    raw.command("SET", "k", "v")
    when = int(time.time()) + 1000
    assert raw.command("EXPIREAT", "k", when) == 1
    assert raw.command("EXPIRETIME", "k") == when
    assert raw.command("PEXPIRETIME", "k") == when * 1000


def test_pexpireat_sets_absolute_time_in_milliseconds(raw):
    raw.command("SET", "k", "v")
    when = int(time.time() * 1000) + 1000000 + 7
    assert raw.command("PEXPIREAT", "k", when) == 1
    assert raw.command("PEXPIRETIME", "k") == when
    assert raw.command("EXPIRETIME", "k") == (when + 500) // 1000  # rounded


def test_expire_works_on_every_type(raw):
    types = make_one_of_each_type(raw)
    for key in types:
        assert raw.command("EXPIRE", key, "100") == 1
        assert raw.command("TTL", key) >= 99


@pytest.mark.parametrize("command", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
def test_expire_on_missing_key_returns_zero(raw, command):
    assert raw.command(command, "missing", "100000000000") == 0
    assert raw.command("EXISTS", "missing") == 0


def test_pexpire_key_disappears_after_its_ttl(raw):
    raw.command("SET", "k", "v")
    assert raw.command("PEXPIRE", "k", "50") == 1
    assert raw.command("GET", "k") == b"v"
    assert wait_until(lambda: raw.command("GET", "k") is None)
    assert raw.command("TTL", "k") == -2


def test_expired_key_is_removed_without_being_accessed(raw):
    for i in range(20):
        raw.command("SET", "k%d" % i, "v", "PX", "20")
    # Active expiry removes keys nobody reads; SCAN over them also skips them.
    assert wait_until(lambda: raw.command("DBSIZE") == 0, timeout=5)


@pytest.mark.parametrize(
    "command,value",
    [("EXPIRE", "0"), ("EXPIRE", "-1"), ("PEXPIRE", "0"), ("PEXPIRE", "-100"), ("EXPIREAT", "1"), ("PEXPIREAT", "1000"), ("EXPIREAT", "0")],
)
def test_expire_in_the_past_deletes_key_and_returns_one(raw, command, value):
    raw.command("SET", "k", "v")
    assert raw.command(command, "k", value) == 1
    assert raw.command("EXISTS", "k") == 0


def test_expire_replaces_existing_ttl(raw):
    raw.command("SET", "k", "v", "EX", "100")
    assert raw.command("EXPIRE", "k", "500") == 1
    assert 499 <= raw.command("TTL", "k") <= 500


@pytest.mark.parametrize(
    "command,value",
    [
        ("EXPIRE", str(LLONG_MAX)),
        ("EXPIRE", str(LLONG_MAX // 1000)),  # *1000 fits, + now does not
        ("EXPIRE", str(LLONG_MIN)),
        ("EXPIRE", str(MIN_EXPIRE_SECONDS - 1)),
        ("PEXPIRE", str(LLONG_MAX)),
        ("PEXPIRE", str(LLONG_MAX - 1000)),
        ("EXPIREAT", str(LLONG_MAX)),
        ("EXPIREAT", str(LLONG_MAX // 1000 + 1)),
        ("EXPIREAT", str(LLONG_MIN)),
    ],
)
def test_expire_time_that_overflows_is_rejected(raw, command, value):
    raw.command("SET", "k", "v")
    assert raw.error(command, "k", value) == invalid_expire(command.lower())
    assert raw.command("TTL", "k") == -1


def test_expire_overflow_is_reported_even_for_missing_key(raw):
    assert raw.error("EXPIRE", "missing", str(LLONG_MAX)) == invalid_expire("expire")


def test_extreme_expire_values_that_do_not_overflow_are_accepted(raw):
    raw.command("SET", "k", "v")
    assert raw.command("PEXPIREAT", "k", str(LLONG_MAX)) == 1
    assert raw.command("PEXPIRETIME", "k") == LLONG_MAX
    assert raw.command("EXPIREAT", "k", str(LLONG_MAX // 1000)) == 1
    assert raw.command("PEXPIRETIME", "k") == (LLONG_MAX // 1000) * 1000
    assert raw.command("EXPIRE", "k", str(MIN_EXPIRE_SECONDS)) == 1
    assert raw.command("EXISTS", "k") == 0
    raw.command("SET", "k", "v")
    assert raw.command("PEXPIRE", "k", str(LLONG_MIN)) == 1
    assert raw.command("EXISTS", "k") == 0
    raw.command("SET", "k", "v")
    assert raw.command("PEXPIREAT", "k", str(LLONG_MIN)) == 1
    assert raw.command("EXISTS", "k") == 0


@pytest.mark.parametrize("command", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
@pytest.mark.parametrize("value", ["abc", "1.5", "", " 1", str(LLONG_MAX + 1)])
def test_expire_non_integer_time_is_rejected(raw, command, value):
    raw.command("SET", "k", "v")
    assert raw.error(command, "k", value) == NOT_INTEGER
    assert raw.command("TTL", "k") == -1


# NX XX GT LT: (option, current ttl in seconds or None, new ttl, applied?)
EXPIRE_CONDITION_CASES = [
    ("NX", None, 100, True),
    ("NX", 50, 100, False),
    ("XX", None, 100, False),
    ("XX", 50, 100, True),
    ("XX", 50, 10, True),
    ("GT", None, 100, False),  # no ttl counts as infinite
    ("GT", 50, 100, True),
    ("GT", 50, 10, False),
    ("LT", None, 100, True),
    ("LT", 50, 10, True),
    ("LT", 50, 100, False),
]


def expire_argument(command, base_ms, now_ms, offset_s):
    """The argument that makes `command` expire at base_ms + offset_s seconds
    (exactly for the *AT forms, within a few ms for the relative ones)."""
    target_ms = base_ms + offset_s * 1000
    return {
        "EXPIREAT": target_ms // 1000,
        "PEXPIREAT": target_ms,
        "EXPIRE": (target_ms - now_ms) // 1000,
        "PEXPIRE": target_ms - now_ms,
    }[command]


@pytest.mark.parametrize("command", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
@pytest.mark.parametrize("option,current,new,applied", EXPIRE_CONDITION_CASES, ids=lambda v: str(v))
def test_expire_condition_options(raw, command, option, current, new, applied):
    now_ms = int(time.time() * 1000)
    base_ms = (now_ms // 1000 + 10000) * 1000  # whole seconds, far from now
    if current is None:
        raw.command("SET", "k", "v")
    else:
        raw.command("SET", "k", "v", "PXAT", base_ms + current * 1000)
    before = raw.command("PEXPIRETIME", "k")
    arg = expire_argument(command, base_ms, now_ms, new)
    assert raw.command(command, "k", arg, option) == (1 if applied else 0)
    after = raw.command("PEXPIRETIME", "k")
    if not applied:
        assert after == before
    else:
        # within 2 s of the requested time (relative forms round to seconds)
        assert abs(after - (base_ms + new * 1000)) < 2000, after


@pytest.mark.parametrize("command", ["EXPIREAT", "PEXPIREAT"])
@pytest.mark.parametrize("option", ["GT", "LT"])
def test_expire_gt_and_lt_reject_an_equal_time(raw, command, option):
    when_ms = (int(time.time()) + 5000) * 1000
    raw.command("SET", "k", "v", "PXAT", when_ms)
    arg = when_ms if command == "PEXPIREAT" else when_ms // 1000
    assert raw.command(command, "k", arg, option) == 0
    assert raw.command(command, "k", arg, "XX") == 1
    assert raw.command("PEXPIRETIME", "k") == when_ms


def test_expire_options_are_case_insensitive_and_may_repeat(raw):
    raw.command("SET", "k", "v")
    assert raw.command("EXPIRE", "k", "100", "nx") == 1
    assert raw.command("EXPIRE", "k", "200", "Gt", "gT") == 1
    assert raw.command("TTL", "k") >= 199
    assert raw.command("EXPIRE", "k", "150", "xx", "lt") == 1
    assert 149 <= raw.command("TTL", "k") <= 150


def test_expire_gt_lt_with_negative_time_on_key_without_ttl(raw):
    raw.command("SET", "k", "v")
    assert raw.command("EXPIRE", "k", "-1", "GT") == 0
    assert raw.command("EXISTS", "k") == 1
    assert raw.command("EXPIRE", "k", "-1", "LT") == 1
    assert raw.command("EXISTS", "k") == 0


@pytest.mark.parametrize(
    "opts",
    [["NX", "XX"], ["XX", "NX"], ["NX", "GT"], ["LT", "NX"], ["NX", "NX", "XX"]],
    ids=" ".join,
)
def test_expire_nx_with_other_condition_is_rejected(raw, opts):
    raw.command("SET", "k", "v")
    assert raw.error("EXPIRE", "k", "100", *opts) == (
        "ERR NX and XX, GT or LT options at the same time are not compatible"
    )
    assert raw.command("TTL", "k") == -1


def test_expire_gt_with_lt_is_rejected(raw):
    raw.command("SET", "k", "v")
    for command in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"):
        assert raw.error(command, "k", "100", "GT", "LT") == "ERR GT and LT options at the same time are not compatible"
    assert raw.error("EXPIRE", "k", "100", "XX", "GT", "LT") == "ERR GT and LT options at the same time are not compatible"


def test_expire_unknown_option_is_rejected_naming_it(raw):
    raw.command("SET", "k", "v")
    assert raw.error("EXPIRE", "k", "100", "foo") == "ERR Unsupported option foo"
    assert raw.error("PEXPIREAT", "k", "100", "NX", "Bar") == "ERR Unsupported option Bar"


def test_expire_options_are_checked_before_the_time(raw):
    raw.command("SET", "k", "v")
    assert raw.error("EXPIRE", "k", "abc", "foo") == "ERR Unsupported option foo"
    assert raw.error("EXPIRE", "missing", "abc", "NX", "XX") == (
        "ERR NX and XX, GT or LT options at the same time are not compatible"
    )


# ---------------------------------------------------------------------------
# TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"])
def test_ttl_family_returns_minus_two_for_missing_key(raw, command):
    assert raw.command(command, "missing") == -2


@pytest.mark.parametrize("command", ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"])
def test_ttl_family_returns_minus_one_for_key_without_ttl(raw, command):
    raw.command("RPUSH", "k", "x")
    assert raw.command(command, "k") == -1


def test_ttl_rounds_remaining_milliseconds_to_nearest_second(raw):
    raw.command("SET", "a", "v", "PX", "1400")
    raw.command("SET", "b", "v", "PX", "1700")
    raw.command("SET", "c", "v", "PX", "2300")
    assert raw.command("TTL", "a") == 1
    assert raw.command("TTL", "b") == 2
    assert raw.command("TTL", "c") == 2


def test_pttl_counts_down(raw):
    raw.command("SET", "k", "v", "PX", "5000")
    first = raw.command("PTTL", "k")
    time.sleep(0.05)
    second = raw.command("PTTL", "k")
    assert 0 < second < first <= 5000


def test_expiretime_rounds_milliseconds_to_nearest_second(raw):
    raw.command("SET", "k", "v")
    raw.command("PEXPIREAT", "k", "33177117420000")
    assert raw.command("EXPIRETIME", "k") == 33177117420
    raw.command("PEXPIREAT", "k", "33177117420499")
    assert raw.command("EXPIRETIME", "k") == 33177117420
    raw.command("PEXPIREAT", "k", "33177117420500")
    assert raw.command("EXPIRETIME", "k") == 33177117421


def test_persist_removes_ttl_and_returns_one(raw):
    raw.command("SET", "k", "v", "EX", "100")
    assert raw.command("PERSIST", "k") == 1
    assert raw.command("TTL", "k") == -1
    assert raw.command("GET", "k") == b"v"


def test_persist_returns_zero_without_ttl_or_key(raw):
    raw.command("SET", "k", "v")
    assert raw.command("PERSIST", "k") == 0
    assert raw.command("PERSIST", "missing") == 0


def test_persisted_key_does_not_expire(raw):
    raw.command("SET", "k", "v", "PX", "100")
    assert raw.command("PERSIST", "k") == 1
    time.sleep(0.2)
    assert raw.command("GET", "k") == b"v"


# ---------------------------------------------------------------------------
# OBJECT
# ---------------------------------------------------------------------------


def test_object_encoding_of_small_values_of_each_type(raw):
    raw.command("RPUSH", "list", "a", "b")
    raw.command("SADD", "intset", "1", "2", "3")
    raw.command("SADD", "strset", "a", "b")
    raw.command("HSET", "hash", "f", "v")
    raw.command("ZADD", "zset", "1", "a")
    raw.command("SET", "str", "abc")
    expected = {
        "list": b"quicklist",
        "intset": b"intset",
        "strset": b"hashtable",
        "hash": b"listpack",
        "zset": b"listpack",
        "str": b"embstr",
    }
    if has_streams(raw):
        raw.command("XADD", "stream", "*", "f", "v")
        expected["stream"] = b"stream"
    for key, encoding in expected.items():
        assert raw.command("OBJECT", "ENCODING", key) == encoding, key


def test_object_encoding_of_missing_key_is_nil(raw):
    assert raw.command("OBJECT", "ENCODING", "missing") is None


def test_object_subcommands_are_case_insensitive(raw):
    raw.command("SET", "k", "123")
    assert raw.command("object", "encoding", "k") == b"int"
    assert raw.command("OBJECT", "Encoding", "k") == b"int"


def test_object_refcount_of_ordinary_value_is_one(raw):
    raw.command("SET", "s", "abc")
    raw.command("SET", "n", "10000")
    raw.command("RPUSH", "l", "x")
    assert raw.command("OBJECT", "REFCOUNT", "s") == 1
    assert raw.command("OBJECT", "REFCOUNT", "n") == 1
    assert raw.command("OBJECT", "REFCOUNT", "l") == 1


def test_object_refcount_of_small_integer_reports_shared_object(raw):
    raw.command("SET", "zero", "0")
    raw.command("SET", "n", "9999")
    assert raw.command("OBJECT", "REFCOUNT", "zero") == SHARED_REFCOUNT
    assert raw.command("OBJECT", "REFCOUNT", "n") == SHARED_REFCOUNT


def test_object_refcount_of_missing_key_is_nil(raw):
    assert raw.command("OBJECT", "REFCOUNT", "missing") is None


def test_object_idletime_grows_until_the_key_is_read(raw):
    for key in ("untouched", "read", "touched", "inspected"):
        raw.command("SET", key, "value-" + key)
    assert raw.command("OBJECT", "IDLETIME", "untouched") == 0
    time.sleep(2.2)
    raw.command("GET", "read")
    raw.command("TOUCH", "touched")
    # These do not count as an access.
    raw.command("TYPE", "inspected")
    raw.command("EXISTS", "inspected")
    raw.command("TTL", "inspected")
    raw.command("OBJECT", "ENCODING", "inspected")
    assert raw.command("OBJECT", "IDLETIME", "untouched") >= 2
    assert raw.command("OBJECT", "IDLETIME", "inspected") >= 2
    assert raw.command("OBJECT", "IDLETIME", "read") <= 1
    assert raw.command("OBJECT", "IDLETIME", "touched") <= 1


def test_object_idletime_of_missing_key_is_nil(raw):
    assert raw.command("OBJECT", "IDLETIME", "missing") is None


def test_object_freq_without_lfu_policy_is_rejected(raw):
    raw.command("SET", "k", "v")
    assert raw.error("OBJECT", "FREQ", "k") == (
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
        "Please note that when switching between policies at runtime LRU and LFU data "
        "will take some time to adjust."
    )


def test_object_freq_counts_accesses_under_lfu_policy(make_server):
    srv = make_server(
        "--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0", "--lfu-decay-time", "0"
    )
    conn = srv.raw()
    conn.command("SET", "k", "v")
    assert conn.command("OBJECT", "FREQ", "k") == 5  # new keys start at 5
    for _ in range(3):
        conn.command("GET", "k")
    assert conn.command("OBJECT", "FREQ", "k") == 8
    conn.command("EXISTS", "k")
    conn.command("TYPE", "k")
    assert conn.command("OBJECT", "FREQ", "k") == 8
    conn.command("TOUCH", "k")
    assert conn.command("OBJECT", "FREQ", "k") == 9
    assert conn.command("OBJECT", "FREQ", "missing") is None
    assert conn.error("OBJECT", "IDLETIME", "k") == (
        "ERR An LFU maxmemory policy is selected, idle time not tracked. "
        "Please note that when switching between policies at runtime LRU and LFU data "
        "will take some time to adjust."
    )
    conn.close()


def test_object_help_lists_every_subcommand(raw):
    lines = raw.command("OBJECT", "HELP")
    assert isinstance(lines, list) and all(isinstance(line, SimpleString) for line in lines)
    assert lines[0].startswith("OBJECT <subcommand>")
    headings = [line.split(" ")[0] for line in lines[1:] if not line.startswith(" ")]
    assert headings == ["ENCODING", "FREQ", "IDLETIME", "REFCOUNT", "HELP"]
    assert raw.command("object", "help") == lines


def test_object_unknown_subcommand_is_rejected(raw):
    assert raw.error("OBJECT", "Foo", "k") == "ERR unknown subcommand 'Foo'. Try OBJECT HELP."
    assert raw.error("OBJECT", "foo") == "ERR unknown subcommand 'foo'. Try OBJECT HELP."


# ---------------------------------------------------------------------------
# SCAN
# ---------------------------------------------------------------------------


def test_scan_on_empty_database_returns_cursor_zero_and_no_keys(raw):
    assert raw.command("SCAN", "0") == [b"0", []]


def test_scan_full_walk_returns_every_key(raw):
    keys = [b"key:%d" % i for i in range(1000)]
    args = []
    for key in keys:
        args += [key, b"v"]
    raw.command("MSET", *args)
    seen, calls = scan_all(raw)
    assert set(seen) == set(keys)
    assert calls > 1


def test_scan_count_limits_work_per_call(raw):
    raw.command("MSET", *[x for i in range(500) for x in (b"k%d" % i, b"v")])
    cursor, keys = raw.command("SCAN", "0", "COUNT", "5")
    assert cursor != b"0"
    assert 0 < len(keys) <= 50
    seen, calls = scan_all(raw, count=5)
    assert len(set(seen)) == 500
    big_seen, big_calls = scan_all(raw, count=1000)
    assert len(set(big_seen)) == 500
    assert big_calls < calls


def test_scan_match_returns_only_matching_keys(raw):
    raw.command("MSET", *[x for i in range(300) for x in (b"user:%d" % i, b"v", b"item:%d" % i, b"v")])
    seen, _ = scan_all(raw, "MATCH", "user:1*", count=50)
    expected = {b"user:%d" % i for i in range(300) if str(i).startswith("1")}
    assert set(seen) == expected


def test_scan_match_with_no_matches_still_walks_to_cursor_zero(raw):
    raw.command("MSET", *[x for i in range(200) for x in (b"k%d" % i, b"v")])
    seen, calls = scan_all(raw, "MATCH", "nothing*", count=10)
    assert seen == []
    assert calls > 1


def test_scan_type_filters_by_data_type(raw):
    types = make_one_of_each_type(raw)
    raw.command("MSET", *[x for i in range(100) for x in (b"s%d" % i, b"v")])
    for key, name in types.items():
        seen, _ = scan_all(raw, "TYPE", name)
        if name == "string":
            assert set(seen) == {key} | {b"s%d" % i for i in range(100)}
        else:
            assert set(seen) == {key}, name


def test_scan_type_is_case_insensitive_and_unknown_type_matches_nothing(raw):
    make_one_of_each_type(raw)
    seen, _ = scan_all(raw, "TYPE", "LIST")
    assert seen == [b"list"]
    seen, _ = scan_all(raw, "TYPE", "nosuchtype")
    assert seen == []


def test_scan_combines_match_type_and_count(raw):
    raw.command("MSET", "a1", "v", "a2", "v", "b1", "v")
    raw.command("RPUSH", "a3", "x")
    seen, _ = scan_all(raw, "MATCH", "a*", "TYPE", "string", count=100)
    assert sorted(seen) == [b"a1", b"a2"]


def test_scan_repeated_match_uses_the_last_one(raw):
    raw.command("MSET", "a1", "v", "b1", "v")
    seen, _ = scan_all(raw, "MATCH", "a*", "MATCH", "b*")
    assert seen == [b"b1"]


def test_scan_does_not_return_expired_keys(raw):
    raw.command("MSET", *[x for i in range(50) for x in (b"live%d" % i, b"v")])
    for i in range(50):
        raw.command("SET", b"dead%d" % i, b"v", "PX", "10")
    time.sleep(0.05)
    seen, _ = scan_all(raw)
    assert set(seen) == {b"live%d" % i for i in range(50)}


def test_scan_returns_keys_present_for_the_whole_walk_despite_changes(raw):
    stable = {b"stable:%d" % i for i in range(400)}
    raw.command("MSET", *[x for key in stable for x in (key, b"v")])
    raw.command("MSET", *[x for i in range(200) for x in (b"temp:%d" % i, b"v")])
    seen = set()
    cursor = b"0"
    step = 0
    while True:
        cursor, keys = raw.command("SCAN", cursor, "COUNT", "20")
        seen.update(keys)
        # Grow the table (forcing rehashes) and shrink it while walking.
        raw.command("MSET", *[x for i in range(50) for x in (b"new:%d:%d" % (step, i), b"v")])
        raw.command("DEL", *[b"temp:%d" % i for i in range(step * 10, step * 10 + 10)])
        step += 1
        if cursor == b"0":
            break
        assert step < 10000
    assert stable <= seen


def test_scan_only_sees_the_selected_database(raw):
    raw.command("SET", "db0", "v")
    raw.command("SELECT", "4")
    raw.command("SET", "db4", "v")
    seen, _ = scan_all(raw)
    assert seen == [b"db4"]


@pytest.mark.parametrize("cursor", ["00", ""])
def test_scan_cursor_with_leading_zeros_or_empty_starts_a_walk(raw, cursor):
    raw.command("MSET", "a", "1", "b", "2")
    next_cursor, keys = raw.command("SCAN", cursor)
    assert next_cursor == b"0"
    assert sorted(keys) == [b"a", b"b"]


@pytest.mark.parametrize("cursor", ["abc", "1.5", " 0", "0 ", "0x", "18446744073709551616", "99999999999999999999999"])
def test_scan_invalid_cursor_is_rejected(raw, cursor):
    assert raw.error("SCAN", cursor) == "ERR invalid cursor"


@pytest.mark.parametrize(
    "opts",
    [["COUNT", "0"], ["COUNT", "-1"], ["COUNT"], ["MATCH"], ["TYPE"], ["FOO", "bar"], ["COUNT", "10", "FOO"], ["MATCH", "*", "COUNT"]],
    ids=" ".join,
)
def test_scan_invalid_option_is_syntax_error(raw, opts):
    assert raw.error("SCAN", "0", *opts) == SYNTAX


def test_scan_non_integer_count_is_rejected(raw):
    assert raw.error("SCAN", "0", "COUNT", "abc") == NOT_INTEGER
    assert raw.error("SCAN", "0", "COUNT", "1.5") == NOT_INTEGER


# ---------------------------------------------------------------------------
# Exact bytes on the wire
# ---------------------------------------------------------------------------

RESP2_WIRE_CASES = [
    (["TYPE", "missing"], b"+none\r\n"),
    (["SCAN", "0"], b"*2\r\n$1\r\n0\r\n*0\r\n"),
    (["KEYS", "*"], b"*0\r\n"),
    (["RANDOMKEY"], b"$-1\r\n"),
    (["TTL", "missing"], b":-2\r\n"),
    (["OBJECT", "ENCODING", "missing"], b"$-1\r\n"),
    (["SET", "k", "v"], b"+OK\r\n"),
    (["TYPE", "k"], b"+string\r\n"),
    (["EXPIRE", "k", "100"], b":1\r\n"),
    (["RENAME", "k", "k2"], b"+OK\r\n"),
    (["KEYS", "*"], b"*1\r\n$2\r\nk2\r\n"),
    (["SCAN", "0"], b"*2\r\n$1\r\n0\r\n*1\r\n$2\r\nk2\r\n"),
    (["RENAME", "nope", "x"], b"-ERR no such key\r\n"),
    (["OBJECT", "ENCODING", "k2"], b"$6\r\nembstr\r\n"),
]


def test_keyspace_replies_are_byte_exact_in_resp2(raw):
    for args, expected in RESP2_WIRE_CASES:
        raw.send_command(*args)
        assert raw.read_exact_bytes(len(expected)) == expected, args
    raw.send_command("PING")
    assert raw.read_exact_bytes(7) == b"+PONG\r\n"


def test_keyspace_nil_replies_are_resp3_nulls(r3):
    for args in (["RANDOMKEY"], ["OBJECT", "ENCODING", "missing"], ["OBJECT", "REFCOUNT", "missing"]):
        r3.send_command(*args)
        assert r3.read_exact_bytes(3) == b"_\r\n", args
    r3.send_command("SCAN", "0")
    assert r3.read_exact_bytes(15) == b"*2\r\n$1\r\n0\r\n*0\r\n"


def test_object_help_lines_are_status_replies_on_the_wire(raw):
    raw.send_command("OBJECT", "HELP")
    header = raw.read_line()
    assert header.startswith(b"*") and int(header[1:]) > 5
    assert raw.read_line().startswith(b"+OBJECT <subcommand>")
