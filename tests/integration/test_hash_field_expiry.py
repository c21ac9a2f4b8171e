"""Hash-field expiration (Redis 7.4): HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT
(NX XX GT LT), HTTL HPTTL HEXPIRETIME HPEXPIRETIME, HPERSIST; expired
fields are invisible to every read, removed when met and by active expiry,
and the hash goes when its last field does.

Redis 7.0 has none of these commands: against it (OSPREY_SERVER=
/usr/bin/redis-server) every test here is skipped, as detected by the
"unknown command" reply.
"""

import time

import pytest

from reply_errors import NOT_INTEGER, WRONGTYPE, arity, invalid_expire
from server_process import RespError

MAX_FIELD_EXPIRE_MS = 2**46 - 1


@pytest.fixture
def hx(raw):
    """`raw`, on a server that has hash-field expiration."""
    try:
        raw.command("HTTL", "probe", "FIELDS", "1", "f")
    except RespError as e:
        if "unknown command" in str(e):
            pytest.skip("the server under test has no hash-field expiration (Redis 7.0)")
        raise
    return raw


def wait_until(predicate, timeout=3.0, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# ---------------------------------------------------------------------------
# Setting and reading times
# ---------------------------------------------------------------------------


def test_hexpire_sets_and_httl_reads(hx):
    hx.command("HSET", "h", "a", "1", "b", "2")
    assert hx.command("HEXPIRE", "h", "100", "FIELDS", "2", "a", "nope") == [1, -2]
    assert hx.command("HTTL", "h", "FIELDS", "3", "a", "b", "nope") == [100, -1, -2]
    assert 99000 < hx.command("HPTTL", "h", "FIELDS", "1", "a")[0] <= 100000
    now = time.time()
    expire_s = hx.command("HEXPIRETIME", "h", "FIELDS", "1", "a")[0]
    assert abs(expire_s - (now + 100)) <= 2
    expire_ms = hx.command("HPEXPIRETIME", "h", "FIELDS", "1", "a")[0]
    assert abs(expire_ms / 1000 - (now + 100)) <= 2


def test_the_four_setters_agree(hx):
    hx.command("HSET", "h", "s", "1", "ms", "1", "at", "1", "pat", "1")
    when = int(time.time()) + 1000
    assert hx.command("HEXPIRE", "h", "1000", "FIELDS", "1", "s") == [1]
    assert hx.command("HPEXPIRE", "h", "1000000", "FIELDS", "1", "ms") == [1]
    assert hx.command("HEXPIREAT", "h", str(when), "FIELDS", "1", "at") == [1]
    assert hx.command("HPEXPIREAT", "h", str(when * 1000), "FIELDS", "1", "pat") == [1]
    ttls = hx.command("HTTL", "h", "FIELDS", "4", "s", "ms", "at", "pat")
    assert all(998 <= t <= 1000 for t in ttls), ttls
    assert hx.command("HPEXPIRETIME", "h", "FIELDS", "1", "pat") == [when * 1000]


def test_missing_key_answers_minus_two_per_field(hx):
    assert hx.command("HEXPIRE", "nope", "10", "FIELDS", "2", "a", "b") == [-2, -2]
    assert hx.command("HTTL", "nope", "FIELDS", "1", "a") == [-2]
    assert hx.command("HPERSIST", "nope", "FIELDS", "1", "a") == [-2]
    assert hx.command("EXISTS", "nope") == 0


@pytest.mark.parametrize("size", [3, 600], ids=["listpack", "hashtable"])
def test_conditions(hx, size):
    hx.command("HSET", "h", *sum((["f%d" % i, "v"] for i in range(size)), []))
    e = lambda *args: hx.command("HPEXPIRE", "h", *args)  # noqa: E731
    assert e("100000", "XX", "FIELDS", "1", "f0") == [0]
    assert e("100000", "GT", "FIELDS", "1", "f0") == [0]
    assert e("100000", "LT", "FIELDS", "1", "f0") == [1]
    assert e("200000", "NX", "FIELDS", "2", "f0", "f1") == [0, 1]
    assert e("50000", "GT", "FIELDS", "1", "f0") == [0]
    assert e("500000", "GT", "FIELDS", "1", "f0") == [1]
    assert e("900000", "LT", "FIELDS", "1", "f0") == [0]
    assert e("300000", "XX", "FIELDS", "1", "f0") == [1]
    assert e("300000", "lt", "FIELDS", "1", "f0") == [0]
    ttl = hx.command("HPTTL", "h", "FIELDS", "2", "f0", "f1")
    assert 299000 < ttl[0] <= 300000 and 199000 < ttl[1] <= 200000


def test_listpack_becomes_listpackex(hx):
    hx.command("HSET", "h", "a", "1")
    assert hx.command("OBJECT", "ENCODING", "h") == b"listpack"
    hx.command("HEXPIRE", "h", "100", "FIELDS", "1", "nope")
    assert hx.command("OBJECT", "ENCODING", "h") == b"listpackex"
    hx.command("HSET", "big", *sum((["f%d" % i, "v"] for i in range(600)), []))
    hx.command("HEXPIRE", "big", "100", "FIELDS", "1", "f1")
    assert hx.command("OBJECT", "ENCODING", "big") == b"hashtable"


def test_a_time_in_the_past_deletes_the_field(hx):
    hx.command("HSET", "h", "a", "1", "b", "2")
    assert hx.command("HEXPIREAT", "h", "1", "FIELDS", "1", "a") == [2]
    assert hx.command("HGETALL", "h") == [b"b", b"2"]
    assert hx.command("HPEXPIRE", "h", "0", "FIELDS", "1", "b") == [2]
    assert hx.command("EXISTS", "h") == 0


def test_hpersist(hx):
    hx.command("HSET", "h", "a", "1", "b", "2")
    hx.command("HEXPIRE", "h", "100", "FIELDS", "1", "a")
    assert hx.command("HPERSIST", "h", "FIELDS", "3", "a", "b", "nope") == [1, -1, -2]
    assert hx.command("HTTL", "h", "FIELDS", "1", "a") == [-1]


def test_hset_drops_the_time_and_hincrby_keeps_it(hx):
    hx.command("HSET", "h", "n", "1")
    hx.command("HEXPIRE", "h", "100", "FIELDS", "1", "n")
    assert hx.command("HINCRBY", "h", "n", "1") == 2
    assert hx.command("HINCRBYFLOAT", "h", "n", "0.5") == b"2.5"
    assert hx.command("HTTL", "h", "FIELDS", "1", "n") == [100]
    hx.command("HSET", "h", "n", "5")
    assert hx.command("HTTL", "h", "FIELDS", "1", "n") == [-1]


def test_copy_and_rename_keep_field_times(hx):
    hx.command("HSET", "h", "a", "1", "b", "2")
    hx.command("HEXPIRE", "h", "100", "FIELDS", "1", "a")
    assert hx.command("COPY", "h", "c") == 1
    assert hx.command("HTTL", "c", "FIELDS", "2", "a", "b") == [100, -1]
    assert hx.command("RENAME", "c", "d") == "OK"
    assert hx.command("HTTL", "d", "FIELDS", "1", "a") == [100]


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_argument_errors(hx):
    hx.command("HSET", "h", "a", "1")
    assert hx.error("HEXPIRE", "h", "10", "FIELD", "1", "a") == \
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    assert hx.error("HEXPIRE", "h", "10", "NX", "XX", "FIELDS", "1", "a") == \
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    assert hx.error("HEXPIRE", "h", "10", "FIELDS", "0", "a") == \
        "ERR Parameter `numFields` should be greater than 0"
    assert hx.error("HEXPIRE", "h", "10", "FIELDS", "x", "a") == \
        "ERR Parameter `numFields` should be greater than 0"
    assert hx.error("HEXPIRE", "h", "10", "FIELDS", "2", "a") == \
        "ERR The `numfields` parameter must match the number of arguments"
    assert hx.error("HEXPIRE", "h", "-1", "FIELDS", "1", "a") == \
        "ERR invalid expire time, must be >= 0"
    assert hx.error("HEXPIRE", "h", "x", "FIELDS", "1", "a") == NOT_INTEGER
    assert hx.error("HEXPIRE", "h", str(MAX_FIELD_EXPIRE_MS // 1000 + 1), "FIELDS", "1", "a") == \
        invalid_expire("hexpire")
    assert hx.error("HPEXPIREAT", "h", str(MAX_FIELD_EXPIRE_MS + 1), "FIELDS", "1", "a") == \
        invalid_expire("hpexpireat")
    assert hx.command("HPEXPIREAT", "h", str(MAX_FIELD_EXPIRE_MS), "FIELDS", "1", "a") == [1]
    assert hx.error("HTTL", "h", "FIELDS", "0", "a") == \
        "ERR Number of fields must be a positive integer"
    assert hx.error("HPERSIST", "h", "FIELDS", "-1", "a") == \
        "ERR Number of fields must be a positive integer"
    assert hx.error("HTTL", "h", "NOFIELDS", "1", "a") == \
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    assert hx.error("HEXPIRE", "h", "10", "FIELDS", "1") == arity("hexpire")
    assert hx.error("HTTL", "h", "FIELDS", "1") == arity("httl")


def test_wrongtype_comes_first(hx):
    hx.command("SET", "s", "v")
    assert hx.error("HEXPIRE", "s", "x", "FIELDS", "1", "a") == WRONGTYPE
    assert hx.error("HTTL", "s", "NOFIELDS", "1", "a") == WRONGTYPE
    assert hx.error("HPERSIST", "s", "FIELDS", "1", "a") == WRONGTYPE


# ---------------------------------------------------------------------------
# Expired fields are never seen
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 600], ids=["listpack", "hashtable"])
def test_expired_fields_are_invisible(hx, size):
    hx.command("HSET", "h", *sum((["f%d" % i, "v%d" % i] for i in range(size)), []))
    hx.command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        assert hx.command("HPEXPIRE", "h", "30", "FIELDS", "1", "f0") == [1]
        time.sleep(0.1)
        assert hx.command("HGET", "h", "f0") is None
        assert hx.command("HEXISTS", "h", "f0") == 0
        assert hx.command("HSTRLEN", "h", "f0") == 0
        assert hx.command("HMGET", "h", "f0", "f1") == [None, b"v1"]
        assert hx.command("HLEN", "h") == size - 1
        assert b"f0" not in hx.command("HKEYS", "h")
        assert b"v0" not in hx.command("HVALS", "h")
        assert b"f0" not in hx.command("HGETALL", "h")[0::2]
        assert b"f0" not in hx.command("HRANDFIELD", "h", "-200")
        assert hx.command("HTTL", "h", "FIELDS", "1", "f0") == [-2]
    finally:
        hx.command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_hscan_skips_expired_fields(hx):
    hx.command("HSET", "h", "a", "1", "b", "2")
    hx.command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        hx.command("HPEXPIRE", "h", "20", "FIELDS", "1", "a")
        time.sleep(0.05)
        assert hx.command("HSCAN", "h", "0") == [b"0", [b"b", b"2"]]
    finally:
        hx.command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_the_last_field_expiring_deletes_the_key(hx):
    hx.command("HSET", "h", "a", "1")
    hx.command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        hx.command("HPEXPIRE", "h", "20", "FIELDS", "1", "a")
        time.sleep(0.05)
        assert hx.command("EXISTS", "h") == 1  # nobody looked yet
        assert hx.command("HGET", "h", "a") is None
        assert hx.command("EXISTS", "h") == 0
    finally:
        hx.command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


@pytest.mark.parametrize("size", [3, 600], ids=["listpack", "hashtable"])
def test_active_expiry_removes_fields_nobody_reads(hx, size):
    hx.command("HSET", "h", *sum((["f%d" % i, "v"] for i in range(size)), []))
    hx.command("HPEXPIRE", "h", "50", "FIELDS", "2", "f0", "f1")
    hx.command("HSET", "gone", "x", "1")
    hx.command("HPEXPIRE", "gone", "50", "FIELDS", "1", "x")
    # EXISTS and DEBUG DIGEST-VALUE do not read fields: only active expiry
    # can make the key go or the stored content change.
    assert wait_until(lambda: hx.command("EXISTS", "gone") == 0)
    hx.command("HSET", "ref", *sum((["f%d" % i, "v"] for i in range(2, size)), []))
    assert wait_until(lambda: hx.command("DEBUG", "DIGEST-VALUE", "h") ==
                      hx.command("DEBUG", "DIGEST-VALUE", "ref"))


def test_keyspace_events(fresh_server):
    with fresh_server.raw() as admin, fresh_server.raw() as sub:
        try:
            admin.command("HTTL", "probe", "FIELDS", "1", "f")
        except RespError as e:
            if "unknown command" in str(e):
                pytest.skip("the server under test has no hash-field expiration (Redis 7.0)")
            raise
        admin.command("CONFIG", "SET", "notify-keyspace-events", "KEA")
        try:
            sub.command("PSUBSCRIBE", "__keyevent@*")
        except RespError as e:
            if "unknown command" in str(e):
                pytest.skip("the server has no PSUBSCRIBE yet")
            raise
        admin.command("HSET", "h", "a", "1", "b", "2")
        admin.command("HEXPIRE", "h", "100", "FIELDS", "1", "a")
        admin.command("HPERSIST", "h", "FIELDS", "1", "a")
        admin.command("HPEXPIRE", "h", "20", "FIELDS", "2", "a", "b")
        events = []
        while len(events) < 6:
            msg = sub.read_reply()
            events.append("%s %s" % (msg[2].split(b":", 1)[1].decode(), msg[3].decode()))
        assert events == ["hset h", "hexpire h", "hpersist h", "hexpire h", "hexpired h", "del h"]
