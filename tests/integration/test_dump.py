"""DUMP and RESTORE against a real redis-server 7.0 (the oracle, started
here): payloads of every type and encoding, small and large, move both ways
and give equal values with equal encodings; byte-identical payloads where
the encoding fixes the order; error replies as Redis words them.
"""

from __future__ import annotations

import os

import pytest

from reply_errors import NOT_INTEGER, SYNTAX, arity
from server_process import ServerProcess

ORACLE = "/usr/bin/redis-server"
BAD_TRAILER = "ERR DUMP payload version or checksum are wrong"
BAD_FORMAT = "ERR Bad data format"
BUSYKEY = "BUSYKEY Target key name already exists."

DEFAULT_CONFIG = [
    ("CONFIG", "SET", "list-max-listpack-size", "-2"),
    ("CONFIG", "SET", "list-compress-depth", "0"),
    ("CONFIG", "SET", "hash-max-listpack-entries", "512"),
    ("CONFIG", "SET", "zset-max-listpack-entries", "128"),
    ("CONFIG", "SET", "set-max-intset-entries", "512"),
    ("DEBUG", "QUICKLIST-PACKED-THRESHOLD", str(1 << 30)),
]

BINARY = bytes(range(256))


def _pairs(prefix_f, prefix_v, n):
    out = []
    for i in range(n):
        out += [b"%s%d" % (prefix_f, i), b"%s%d" % (prefix_v, i)]
    return out


# name -> (setup commands, commands that build key "k", deterministic order)
CASES = {
    "string_embstr": ([], [("SET", "k", "hello")], True),
    "string_int": ([], [("SET", "k", "-123456")], True),
    "string_int64": ([], [("SET", "k", "-9223372036854775808")], True),
    "string_raw": ([], [("SET", "k", "x" * 100)], True),
    "string_binary": ([], [("SET", "k", BINARY * 4)], True),
    "string_large": ([], [("SET", "k", os.urandom(300000))], True),
    "list_small": ([], [("RPUSH", "k", "a", "1", "-2", BINARY)], True),
    "list_many_nodes": ([("CONFIG", "SET", "list-max-listpack-size", "5")],
                        [("RPUSH", "k", *[b"e%d" % i for i in range(101)])], True),
    "list_compressed": ([("CONFIG", "SET", "list-compress-depth", "2"),
                         ("CONFIG", "SET", "list-max-listpack-size", "16")],
                        [("RPUSH", "k", *[b"item-%d-padding-padding" % i for i in range(500)])], True),
    "list_plain_nodes": ([("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "50")],
                         [("RPUSH", "k", "a", "p" * 80, "b", os.urandom(200))], True),
    "list_large": ([], [("RPUSH", "k", *[b"v%d" % i for i in range(20000)])], True),
    "set_intset": ([], [("SADD", "k", "1", "-2", "70000", "5000000000")], True),
    "set_hashtable": ([], [("SADD", "k", "a", "b", BINARY)], False),
    "set_large_ints": ([], [("SADD", "k", *range(2000))], False),
    "set_large": ([], [("SADD", "k", *[b"m%d" % i for i in range(5000)])], False),
    "zset_listpack": ([], [("ZADD", "k", "1", "a", "-2.5", "b", "inf", "c", "1e-300", BINARY)], True),
    "zset_skiplist": ([], [("ZADD", "k", *sum([[str(i / 7), "m%d" % i] for i in range(3000)], []))],
                      True),
    "zset_long_member": ([], [("ZADD", "k", "1", "x" * 100)], True),
    "hash_listpack": ([], [("HSET", "k", "f", "v", "n", "12", "b", BINARY[:60])], True),
    "hash_hashtable": ([], [("HSET", "k", *_pairs(b"f", b"v", 1000))], False),
    "hash_long_value": ([], [("HSET", "k", "f", "v" * 100)], False),
}


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    srv = ServerProcess(ORACLE, dir=str(tmp_path_factory.mktemp("oracle")))
    srv.start()
    yield srv
    srv.stop()


def _apply(conn, commands):
    for cmd in commands:
        conn.execute_command(*cmd)


def _contents(c, key):
    kind = c.type(key)
    if kind == b"string":
        return c.get(key)
    if kind == b"list":
        return c.lrange(key, 0, -1)
    if kind == b"set":
        return sorted(c.smembers(key))
    if kind == b"zset":
        return c.zrange(key, 0, -1, withscores=True)
    if kind == b"hash":
        return sorted(c.hgetall(key).items())
    raise AssertionError("unexpected type %r" % kind)


def _build(c, case):
    setup, build, _ = CASES[case]
    c.flushall()
    _apply(c, DEFAULT_CONFIG)
    _apply(c, setup)
    _apply(c, build)


@pytest.mark.parametrize("case", sorted(CASES))
def test_payloads_move_both_ways(case, server, oracle):
    ours = server.client()
    theirs = oracle.client()
    try:
        _build(ours, case)
        _build(theirs, case)
        expected = _contents(theirs, "k")
        assert _contents(ours, "k") == expected
        encoding = theirs.object("encoding", "k")
        assert ours.object("encoding", "k") == encoding

        # Redis -> server under test.
        payload = theirs.dump("k")
        assert ours.restore("r", 0, payload) == b"OK"
        assert _contents(ours, "r") == expected
        assert ours.object("encoding", "r") == encoding

        # Server under test -> Redis.
        ours_payload = ours.dump("k")
        assert theirs.restore("r", 0, ours_payload) == b"OK"
        assert _contents(theirs, "r") == expected
        assert theirs.object("encoding", "r") == encoding

        if CASES[case][2]:
            assert ours_payload == payload
            assert ours.dump("r") == payload
    finally:
        _apply(ours, DEFAULT_CONFIG)
        _apply(theirs, DEFAULT_CONFIG)
        ours.close()
        theirs.close()


def test_restore_with_ttl_and_replace(r):
    r.set("src", "v")
    payload = r.dump("src")
    assert r.restore("k", 10000, payload) == b"OK"
    assert 9000 < r.pttl("k") <= 10000
    r.set("busy", "old")
    assert r.restore("busy", 0, payload, replace=True) == b"OK"
    assert r.get("busy") == b"v"
    assert r.ttl("busy") == -1
    assert r.restore("abs", 4102444800000, payload, absttl=True) == b"OK"
    assert r.pexpiretime("abs") == 4102444800000
    assert r.restore("past", 1000, payload, absttl=True) == b"OK"
    assert r.exists("past") == 0


def test_restore_idletime(r):
    r.set("src", "v")
    payload = r.dump("src")
    assert r.restore("k", 0, payload, idletime=500) == b"OK"
    assert r.object("idletime", "k") >= 500


def test_restore_errors(raw):
    raw.command("SET", "src", "v")
    payload = raw.command("DUMP", "src")
    raw.command("SET", "busy", "x")
    assert raw.error("RESTORE", "busy", "0", payload) == BUSYKEY
    assert raw.error("RESTORE", "k", "x", payload) == NOT_INTEGER
    assert raw.error("RESTORE", "k", "-5", payload) == "ERR Invalid TTL value, must be >= 0"
    assert raw.error("RESTORE", "k", "0", b"garbage") == BAD_TRAILER
    assert raw.error("RESTORE", "k", "0", b"") == BAD_TRAILER
    corrupt = bytearray(payload)
    corrupt[-1] ^= 0xFF
    assert raw.error("RESTORE", "k", "0", bytes(corrupt)) == BAD_TRAILER
    newer = bytearray(payload)
    newer[-10] = 99
    assert raw.error("RESTORE", "k", "0", bytes(newer)) == BAD_TRAILER
    assert raw.error("RESTORE", "k", "0", payload, "BOGUS") == SYNTAX
    assert raw.error("RESTORE", "k", "0", payload, "IDLETIME", "1", "FREQ", "1") == SYNTAX
    assert raw.error("RESTORE", "k", "0", payload, "IDLETIME", "-1") == \
        "ERR Invalid IDLETIME value, must be >= 0"
    assert raw.error("RESTORE", "k", "0", payload, "FREQ", "300") == \
        "ERR Invalid FREQ value, must be >= 0 and <= 255"
    assert raw.error("RESTORE", "k", "0") == arity("restore")
    assert raw.error("DUMP") == arity("dump")
    assert raw.command("EXISTS", "k") == 0


def test_corrupt_value_with_valid_checksum_is_refused(raw):
    raw.command("RPUSH", "l", "a", "b", "c")
    payload = bytearray(raw.command("DUMP", "l"))
    # Cut the value short and recompute the trailer with the oracle-free
    # CRC below, so only the value is wrong.
    body = bytes(payload[:-10])[:-3]
    assert raw.error("RESTORE", "k", "0", _with_trailer(body)) == BAD_FORMAT
    assert raw.command("PING") == "PONG"


def test_skip_checksum_validation(raw):
    raw.command("SET", "src", "v")
    payload = bytearray(raw.command("DUMP", "src"))
    payload[-1] ^= 0xFF
    assert raw.command("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1") == "OK"
    try:
        assert raw.command("RESTORE", "k", "0", bytes(payload)) == "OK"
        assert raw.command("GET", "k") == b"v"
    finally:
        raw.command("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0")


def test_dump_of_missing_key_is_nil(raw):
    assert raw.command("DUMP", "nothing") is None


# CRC-64 (Jones, reflected), to forge payloads whose trailer is right.
def _crc64(data: bytes) -> int:
    poly = 0x95AC9329AC4BC9B5
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


def _with_trailer(body: bytes, version: int = 10) -> bytes:
    body = body + bytes([version & 0xFF, version >> 8])
    return body + _crc64(body).to_bytes(8, "little")


def test_forged_payloads_of_legacy_encodings(raw):
    # A zipmap hash (type 9) as Redis 2.4 wrote it: {"a": "1"}.
    zipmap = bytes([1, 1]) + b"a" + bytes([1, 0]) + b"1" + b"\xff"
    payload = _with_trailer(bytes([9, len(zipmap)]) + zipmap)
    assert raw.command("RESTORE", "zm", "0", payload) == "OK"
    assert raw.command("HGET", "zm", "a") == b"1"
    # An intset with a value out of order is refused (Redis checks that
    # deeply with sanitize-dump-payload yes; Osprey always does).
    intset = (2).to_bytes(4, "little") + (2).to_bytes(4, "little") + \
        (5).to_bytes(2, "little") + (1).to_bytes(2, "little")
    payload = _with_trailer(bytes([11, len(intset)]) + intset)
    assert raw.command("CONFIG", "SET", "sanitize-dump-payload", "yes") == "OK"
    try:
        assert raw.error("RESTORE", "is", "0", payload) == BAD_FORMAT
    finally:
        raw.command("CONFIG", "SET", "sanitize-dump-payload", "no")


def test_field_ttl_hashes_need_version_12(server, oracle, r):
    with server.raw() as conn:
        info = conn.command("COMMAND", "INFO", "HPEXPIRE")
    if info == [None]:
        pytest.skip("the server under test has no hash field expiration (Redis 7.0)")
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.execute_command("HPEXPIRE", "h", "100000", "FIELDS", "1", "a")
    payload = r.dump("h")
    assert payload[-10] == 12
    assert r.restore("copy", 0, payload) == b"OK"
    assert r.execute_command("HPEXPIRETIME", "copy", "FIELDS", "2", "a", "b")[1] == -1
    # Redis 7.0 does not know version 12.
    with oracle.raw() as conn:
        assert conn.error("RESTORE", "h", "0", payload) == BAD_TRAILER
