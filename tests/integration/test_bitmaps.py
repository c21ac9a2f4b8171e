"""Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.

Bitmaps are string values; these tests check replies and error texts
byte for byte, the encodings OBJECT ENCODING reports after bit writes,
growth limits (proto-max-bulk-len), keyspace events, dirty counts, WATCH,
and random workloads against a bit-by-bit model written here in Python.
Every test passes against redis-server 7.0.15 as well
(OSPREY_SERVER=/usr/bin/redis-server).
"""

import random

import pytest

from reply_errors import NOT_INTEGER, SYNTAX, WRONGTYPE, arity
from server_process import RespError

BAD_OFFSET = "ERR bit offset is not an integer or out of range"
BAD_BIT = "ERR bit is not an integer or out of range"
BAD_BITPOS_BIT = "ERR The bit argument must be 1 or 0."
BAD_TYPE = ("ERR Invalid bitfield type. Use something like i16 u8. "
            "Note that u64 is not supported but i64 is.")
BAD_OVERFLOW = "ERR Invalid OVERFLOW type specified"
RO_ONLY_GET = "ERR BITFIELD_RO only supports the GET subcommand"
NOT_ONE_KEY = "ERR BITOP NOT must be called with a single source key."


def make_list(raw, key=b"alist"):
    assert raw.command("RPUSH", key, "x") == 1
    return key


def dirty(conn):
    info = conn.command("INFO", "persistence").decode()
    for line in info.splitlines():
        if line.startswith("rdb_changes_since_last_save:"):
            return int(line.split(":")[1])
    raise AssertionError("no rdb_changes_since_last_save in INFO")


def events_of(srv, commands, classes="KEAn"):
    """Runs `commands` on one connection and returns the keyevent
    notifications another connection receives, as "event key" strings."""
    with srv.raw() as admin, srv.raw() as sub:
        admin.command("CONFIG", "SET", "notify-keyspace-events", classes)
        sub.command("PSUBSCRIBE", "__keyevent@*")
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


# ---------------------------------------------------------------------------
# A bit-by-bit model of the commands.
# ---------------------------------------------------------------------------


def model_bit(s, i):
    return (s[i // 8] >> (7 - i % 8)) & 1 if i // 8 < len(s) else 0


def model_range(length, start, end, in_bits):
    """Bit range [first, last] of BITCOUNT/BITPOS start/end, or None when
    empty."""
    total = length * 8 if in_bits else length
    if start < 0:
        start += total
    if end < 0:
        end += total
    start = max(start, 0)
    end = max(end, 0)
    end = min(end, total - 1)
    if start > end:
        return None
    return (start, end) if in_bits else (start * 8, end * 8 + 7)


def model_bitcount(s, start, end, in_bits):
    if start < 0 and end < 0 and start > end:
        return 0   # BITCOUNT only (BITPOS clips such a range instead)
    r = model_range(len(s), start, end, in_bits)
    if r is None:
        return 0
    return sum(model_bit(s, i) for i in range(r[0], r[1] + 1))


def model_bitpos(s, bit, start, end, in_bits, end_given):
    r = model_range(len(s), start, end, in_bits)
    if r is None:
        return -1
    for i in range(r[0], r[1] + 1):
        if model_bit(s, i) == bit:
            return i
    return r[1] + 1 if bit == 0 and not end_given else -1


def model_get_field(s, offset, bits, signed):
    v = 0
    for i in range(offset, offset + bits):
        v = (v << 1) | model_bit(s, i)
    if signed and v >> (bits - 1):
        v -= 1 << bits
    return v


def model_set_field(s, offset, bits, value):
    need = (offset + bits + 7) // 8
    if len(s) < need:
        s.extend(b"\0" * (need - len(s)))
    value &= (1 << bits) - 1
    for j in range(bits):
        i = offset + j
        b = (value >> (bits - 1 - j)) & 1
        mask = 0x80 >> (i % 8)
        s[i // 8] = (s[i // 8] | mask) if b else (s[i // 8] & ~mask)


# ---------------------------------------------------------------------------
# Arity
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("setbit", ["SETBIT", "k", "0"]),
    ("setbit", ["SETBIT", "k", "0", "1", "x"]),
    ("getbit", ["GETBIT", "k"]),
    ("getbit", ["GETBIT", "k", "0", "x"]),
    ("bitcount", ["BITCOUNT"]),
    ("bitpos", ["BITPOS", "k"]),
    ("bitop", ["BITOP", "and", "d"]),
    ("bitop", ["BITOP", "and"]),
    ("bitfield", ["BITFIELD"]),
    ("bitfield_ro", ["BITFIELD_RO"]),
]


@pytest.mark.parametrize("name,args", ARITY_CASES)
def test_wrong_arity(raw, name, args):
    assert raw.error(*args) == arity(name)


# ---------------------------------------------------------------------------
# SETBIT / GETBIT
# ---------------------------------------------------------------------------


def test_setbit_creates_zero_padded_string_and_returns_old_bit(raw):
    assert raw.command("SETBIT", "k", 9, 1) == 0
    assert raw.command("GET", "k") == b"\x00\x40"
    assert raw.command("SETBIT", "k", 9, 1) == 1
    assert raw.command("SETBIT", "k", 9, 0) == 1
    assert raw.command("GET", "k") == b"\x00\x00"
    assert raw.command("OBJECT", "ENCODING", "k") == b"raw"


def test_setbit_grows_existing_string(raw):
    raw.command("SET", "k", "a")
    assert raw.command("SETBIT", "k", 23, 1) == 0
    assert raw.command("GET", "k") == b"a\x00\x01"
    long_value = b"y" * 120
    raw.command("SET", "l", long_value)
    raw.command("SETBIT", "l", 8 * 300 + 7, 1)
    assert raw.command("GET", "l") == long_value + b"\x00" * 180 + b"\x01"


@pytest.mark.parametrize("value,expect_before", [(b"255", b"int"), (b"abc", b"embstr")])
def test_setbit_makes_value_raw_even_without_change(raw, value, expect_before):
    raw.command("SET", "k", value)
    assert raw.command("OBJECT", "ENCODING", "k") == expect_before
    assert raw.command("SETBIT", "k", 0, 0) == 0
    assert raw.command("OBJECT", "ENCODING", "k") == b"raw"
    assert raw.command("GET", "k") == value


def test_setbit_on_int_value_changes_its_digits(raw):
    raw.command("SET", "k", "255")
    assert raw.command("SETBIT", "k", 7, 1) == 0   # '2' (0x32) -> '3' (0x33)
    assert raw.command("GET", "k") == b"355"


def test_setbit_keeps_ttl(raw):
    raw.command("SET", "k", "a", "EX", 100)
    raw.command("SETBIT", "k", 1000, 1)
    assert 99 <= raw.command("TTL", "k") <= 100


@pytest.mark.parametrize("offset", ["-1", "x", "+1", "01", " 1", "1.0", "", "4294967296",
                                    "#1", "9223372036854775808"])
def test_setbit_rejects_bad_offsets(raw, offset):
    assert raw.error("SETBIT", "k", offset, 1) == BAD_OFFSET
    assert raw.error("GETBIT", "k", offset) == BAD_OFFSET
    assert raw.command("EXISTS", "k") == 0


@pytest.mark.parametrize("bit", ["2", "-1", "x", "1.0", "", "01"])
def test_setbit_rejects_bad_bit_values(raw, bit):
    assert raw.error("SETBIT", "k", 0, bit) == BAD_BIT
    assert raw.command("EXISTS", "k") == 0


def test_setbit_checks_arguments_before_type(raw):
    make_list(raw, "l")
    assert raw.error("SETBIT", "l", -1, 1) == BAD_OFFSET
    assert raw.error("SETBIT", "l", 0, 5) == BAD_BIT
    assert raw.error("SETBIT", "l", 0, 1) == WRONGTYPE
    assert raw.error("GETBIT", "l", 0) == WRONGTYPE


def test_setbit_offset_limit_follows_proto_max_bulk_len(make_server):
    srv = make_server("--proto-max-bulk-len", "1mb")
    with srv.raw() as conn:
        limit = 1024 * 1024
        assert conn.error("SETBIT", "k", limit * 8, 1) == BAD_OFFSET
        assert conn.error("GETBIT", "k", limit * 8) == BAD_OFFSET
        assert conn.command("SETBIT", "k", limit * 8 - 1, 1) == 0
        assert conn.command("STRLEN", "k") == limit
        assert conn.command("GETBIT", "k", limit * 8 - 1) == 1
        assert conn.command("BITCOUNT", "k") == 1
        assert conn.command("BITPOS", "k", 1) == limit * 8 - 1


def test_getbit_reads_bits_and_zero_past_end(raw):
    raw.command("SET", "k", b"\x40")
    assert [raw.command("GETBIT", "k", i) for i in range(9)] == [0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert raw.command("GETBIT", "k", 4294967295) == 0
    assert raw.command("GETBIT", "missing", 3) == 0


def test_getbit_reads_digits_of_int_value(raw):
    raw.command("SET", "k", "255")
    assert [raw.command("GETBIT", "k", i) for i in range(8)] == [0, 0, 1, 1, 0, 0, 1, 0]
    assert raw.command("OBJECT", "ENCODING", "k") == b"int"


def test_setbit_getbit_random_against_model(raw):
    rng = random.Random(1)
    model = bytearray()
    for _ in range(400):
        off = rng.randrange(0, 2000)
        bit = rng.randrange(0, 2)
        old = model_bit(model, off)
        assert raw.command("SETBIT", "k", off, bit) == old
        if len(model) <= off // 8:
            model.extend(b"\0" * (off // 8 + 1 - len(model)))
        mask = 0x80 >> (off % 8)
        model[off // 8] = (model[off // 8] | mask) if bit else (model[off // 8] & ~mask)
    assert raw.command("GET", "k") == bytes(model)
    for _ in range(100):
        off = rng.randrange(0, 2100)
        assert raw.command("GETBIT", "k", off) == model_bit(model, off)


# ---------------------------------------------------------------------------
# BITCOUNT
# ---------------------------------------------------------------------------


def test_bitcount_whole_string_and_ranges(raw):
    raw.command("SET", "k", "foobar")
    assert raw.command("BITCOUNT", "k") == 26
    assert raw.command("BITCOUNT", "k", 0, 0) == 4
    assert raw.command("BITCOUNT", "k", 1, 1) == 6
    assert raw.command("BITCOUNT", "k", 1, -2) == 18
    assert raw.command("BITCOUNT", "k", 5, 30, "BIT") == 17
    assert raw.command("BITCOUNT", "k", 5, 30, "bit") == 17
    assert raw.command("BITCOUNT", "k", 0, -1, "byte") == 26
    assert raw.command("BITCOUNT", "k", 4, 2) == 0
    assert raw.command("BITCOUNT", "k", 48, 87, "bit") == 0
    assert raw.command("BITCOUNT", "missing") == 0
    assert raw.command("BITCOUNT", "missing", 0, 1000, "bit") == 0


def test_bitcount_negative_start_past_end_wins_over_bad_unit(raw):
    raw.command("SET", "k", "xxxx")
    assert raw.command("BITCOUNT", "k", -6, -7) == 0
    assert raw.command("BITCOUNT", "k", -1, -2, "nonsense") == 0
    assert raw.error("BITCOUNT", "k", 0, 1, "nonsense") == SYNTAX


def test_bitcount_errors(raw):
    raw.command("SET", "k", "xxxx")
    assert raw.error("BITCOUNT", "k", 0) == SYNTAX
    assert raw.error("BITCOUNT", "k", 0, 1, "bit", "x") == SYNTAX
    assert raw.error("BITCOUNT", "k", "x", 1) == NOT_INTEGER
    assert raw.error("BITCOUNT", "k", 0, "x") == NOT_INTEGER
    # A missing key is 0 before any argument is looked at.
    assert raw.command("BITCOUNT", "missing", "x") == 0
    make_list(raw, "l")
    assert raw.error("BITCOUNT", "l") == WRONGTYPE
    assert raw.error("BITCOUNT", "l", "x") == WRONGTYPE


def test_bitcount_options_compare_as_c_strings(raw):
    raw.command("SET", "k", "xxxx")
    assert raw.command("BITCOUNT", "k", 0, -1, b"bit\x00junk") == 16
    assert raw.command("BITCOUNT", "k", 0, 1, b"BYTE\x00") == 8


def test_bitcount_of_int_value_counts_digits(raw):
    raw.command("SET", "k", "255")
    assert raw.command("BITCOUNT", "k") == 11


def test_bitcount_random_against_model(raw):
    rng = random.Random(2)
    for size in (1, 7, 8, 9, 31, 64, 100, 1000):
        data = bytes(rng.randrange(256) for _ in range(size))
        raw.command("SET", "k", data)
        assert raw.command("BITCOUNT", "k") == model_bitcount(data, 0, -1, False)
        for _ in range(30):
            in_bits = rng.random() < 0.5
            total = size * 8 if in_bits else size
            start = rng.randrange(-total - 3, total + 3)
            end = rng.randrange(-total - 3, total + 3)
            args = ["BITCOUNT", "k", start, end] + (["BIT"] if in_bits else [])
            assert raw.command(*args) == model_bitcount(data, start, end, in_bits), args


# ---------------------------------------------------------------------------
# BITPOS
# ---------------------------------------------------------------------------


def test_bitpos_on_missing_key(raw):
    assert raw.command("BITPOS", "missing", 0) == 0
    assert raw.command("BITPOS", "missing", 1) == -1
    assert raw.command("BITPOS", "missing", 1, "x", "y", "z", "w") == -1
    assert raw.error("BITPOS", "missing", 2) == BAD_BITPOS_BIT
    assert raw.error("BITPOS", "missing", "x") == NOT_INTEGER


def test_bitpos_basics(raw):
    raw.command("SET", "k", b"\xff\xf0\x00")
    assert raw.command("BITPOS", "k", 0) == 12
    assert raw.command("BITPOS", "k", 1) == 0
    assert raw.command("BITPOS", "k", 1, 2) == -1
    assert raw.command("BITPOS", "k", 1, 1) == 8
    assert raw.command("BITPOS", "k", 0, -1) == 16
    assert raw.command("BITPOS", "k", 1, 7, 15, "BIT") == 7
    assert raw.command("BITPOS", "k", 0, 7, 15, "bit") == 12
    assert raw.command("BITPOS", "k", 1, 0, -1, "byte") == 0


def test_bitpos_zero_past_all_ones_unless_end_given(raw):
    raw.command("SET", "k", b"\xff\xff\xff")
    assert raw.command("BITPOS", "k", 0) == 24
    assert raw.command("BITPOS", "k", 0, 0) == 24
    assert raw.command("BITPOS", "k", 0, 2) == 24
    assert raw.command("BITPOS", "k", 0, 0, -1) == -1
    assert raw.command("BITPOS", "k", 0, 0, -1, "bit") == -1
    assert raw.command("BITPOS", "k", 0, 0, 100) == -1
    assert raw.command("BITPOS", "k", 0, 3) == -1


def test_bitpos_empty_string_and_empty_ranges(raw):
    raw.command("SET", "e", "")
    assert raw.command("BITPOS", "e", 0) == -1
    assert raw.command("BITPOS", "e", 1) == -1
    raw.command("SET", "k", b"\x81")
    assert raw.command("BITPOS", "k", 1, 3, 2, "bit") == -1
    assert raw.command("BITPOS", "k", 1, 1, 6, "bit") == -1
    assert raw.command("BITPOS", "k", 0, 1, 6, "bit") == 1
    assert raw.command("BITPOS", "k", 1, 1, 7, "bit") == 7


def test_bitpos_errors_in_redis_order(raw):
    raw.command("SET", "k", "a")
    assert raw.error("BITPOS", "k", 2) == BAD_BITPOS_BIT
    assert raw.error("BITPOS", "k", 1, "x") == NOT_INTEGER
    assert raw.error("BITPOS", "k", 1, 0, "x") == NOT_INTEGER
    assert raw.error("BITPOS", "k", 1, 0, "x", "foo") == SYNTAX   # unit before end
    assert raw.error("BITPOS", "k", 1, 0, 1, "foo") == SYNTAX
    assert raw.error("BITPOS", "k", 1, 0, 1, "bit", "x") == SYNTAX
    make_list(raw, "l")
    assert raw.error("BITPOS", "l", 2) == BAD_BITPOS_BIT
    assert raw.error("BITPOS", "l", 1) == WRONGTYPE


def test_bitpos_random_against_model(raw):
    rng = random.Random(3)
    for size in (1, 2, 8, 9, 17, 40, 300):
        for fill in (0x00, 0xff, None):
            if fill is None:
                data = bytearray(rng.randrange(256) for _ in range(size))
            else:
                data = bytearray([fill]) * size
                if rng.random() < 0.7:
                    i = rng.randrange(size * 8)
                    data[i // 8] ^= 0x80 >> (i % 8)
            data = bytes(data)
            raw.command("SET", "k", data)
            for bit in (0, 1):
                assert raw.command("BITPOS", "k", bit) == model_bitpos(data, bit, 0, -1, False,
                                                                      False)
                for _ in range(12):
                    in_bits = rng.random() < 0.5
                    total = size * 8 if in_bits else size
                    start = rng.randrange(-total - 2, total + 2)
                    end = rng.randrange(-total - 2, total + 2)
                    if rng.random() < 0.3:
                        got = raw.command("BITPOS", "k", bit, start)
                        assert got == model_bitpos(data, bit, start, -1, False, False)
                    args = ["BITPOS", "k", bit, start, end] + (["BIT"] if in_bits else [])
                    assert raw.command(*args) == model_bitpos(data, bit, start, end, in_bits,
                                                              True), args


# ---------------------------------------------------------------------------
# BITOP
# ---------------------------------------------------------------------------


def test_bitop_pads_shorter_sources(raw):
    raw.command("SET", "a", b"\x0f")
    raw.command("SET", "b", b"\xf0\xff")
    assert raw.command("BITOP", "OR", "d", "a", "b") == 2
    assert raw.command("GET", "d") == b"\xff\xff"
    assert raw.command("BITOP", "and", "d", "a", "b") == 2
    assert raw.command("GET", "d") == b"\x00\x00"
    assert raw.command("BITOP", "Xor", "d", "a", "b", "missing") == 2
    assert raw.command("GET", "d") == b"\xff\xff"
    assert raw.command("OBJECT", "ENCODING", "d") == b"raw"


def test_bitop_not(raw):
    raw.command("SET", "a", b"\x00\x0f")
    assert raw.command("BITOP", "NOT", "a", "a") == 2
    assert raw.command("GET", "a") == b"\xff\xf0"
    assert raw.error("BITOP", "NOT", "d", "a", "b") == NOT_ONE_KEY


def test_bitop_with_int_sources_uses_digits(raw):
    raw.command("SET", "i", "1")
    raw.command("SET", "j", "22")
    assert raw.command("BITOP", "OR", "d", "i", "j") == 2
    assert raw.command("GET", "d") == b"32"


def test_bitop_empty_result_deletes_destination(raw):
    raw.command("SET", "d", "x")
    raw.command("SET", "e", "")
    assert raw.command("BITOP", "OR", "d", "missing", "e") == 0
    assert raw.command("EXISTS", "d") == 0
    assert raw.command("BITOP", "NOT", "d", "missing") == 0
    assert raw.command("EXISTS", "d") == 0


def test_bitop_overwrites_any_type_and_drops_ttl(raw):
    make_list(raw, "d")
    raw.command("SET", "a", "x")
    raw.command("SET", "t", "y", "EX", 100)
    assert raw.command("BITOP", "OR", "d", "a") == 1
    assert raw.command("GET", "d") == b"x"
    assert raw.command("BITOP", "OR", "t", "a") == 1
    assert raw.command("TTL", "t") == -1


def test_bitop_errors(raw):
    make_list(raw, "l")
    raw.command("SET", "a", "x")
    assert raw.error("BITOP", "NAND", "d", "a") == SYNTAX
    assert raw.error("BITOP", "OR", "d", "a", "l") == WRONGTYPE
    assert raw.error("BITOP", "OR", "d", "l", "missing") == WRONGTYPE
    assert raw.command("EXISTS", "d") == 0
    # The operation compares as a C string.
    assert raw.command("BITOP", b"or\x00zz", "d", "a") == 1


def test_bitop_random_against_model(raw):
    rng = random.Random(4)
    for op in ("AND", "OR", "XOR", "NOT"):
        for _ in range(10):
            n = 1 if op == "NOT" else rng.randrange(1, 6)
            values = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))
                      for _ in range(n)]
            keys = []
            for i, v in enumerate(values):
                key = "src%d" % i
                raw.command("SET", key, v)
                keys.append(key)
            if op != "NOT" and rng.random() < 0.5:
                keys.append("missing")
                values.append(b"")
            maxlen = max(len(v) for v in values)
            out = bytearray()
            for j in range(maxlen):
                byte = [v[j] if j < len(v) else 0 for v in values]
                acc = byte[0] if op != "NOT" else (~byte[0]) & 0xff
                for b in byte[1:]:
                    acc = acc & b if op == "AND" else acc | b if op == "OR" else acc ^ b
                out.append(acc)
            assert raw.command("BITOP", op, "dest", *keys) == maxlen
            assert raw.command("GET", "dest") == (bytes(out) if maxlen else None)


# ---------------------------------------------------------------------------
# BITFIELD / BITFIELD_RO
# ---------------------------------------------------------------------------


def test_bitfield_set_get_incrby(raw):
    assert raw.command("BITFIELD", "k", "SET", "i8", 0, -100, "GET", "i8", 0,
                       "GET", "u8", 0) == [0, -100, 156]
    assert raw.command("BITFIELD", "k", "set", "u8", 0, 255) == [156]
    assert raw.command("BITFIELD", "n", "incrby", "u2", 100, 1, "incrby", "u2", 100, 1) == [1, 2]
    assert raw.command("STRLEN", "n") == 13
    assert raw.command("OBJECT", "ENCODING", "k") == b"raw"


def test_bitfield_hash_offsets(raw):
    assert raw.command("BITFIELD", "k", "SET", "u8", "#1", 65, "SET", "u8", "#2", 66) == [0, 0]
    assert raw.command("GET", "k") == b"\x00AB"
    assert raw.command("BITFIELD", "k", "GET", "u4", "#3") == [1]
    # The product wraps as a 64-bit multiplication: 2^61 fields of 64 bits is offset 0.
    assert raw.command("BITFIELD", "k", "GET", "i64", "#2305843009213693952") == \
        [int.from_bytes(b"\x00AB\x00\x00\x00\x00\x00", "big")]


def test_bitfield_overflow_modes(raw):
    assert raw.command("BITFIELD", "k", "SET", "u8", 0, 250, "INCRBY", "u8", 0, 10,
                       "OVERFLOW", "SAT", "INCRBY", "u8", 0, 250,
                       "OVERFLOW", "FAIL", "INCRBY", "u8", 0, 2, "GET", "u8", 0) == \
        [0, 4, 254, None, 254]
    assert raw.command("BITFIELD", "k", "OVERFLOW", "WRAP", "SET", "i8", 0, 128,
                       "OVERFLOW", "SAT", "SET", "i8", 0, -1000, "GET", "i8", 0) == [-2, -128, -128]
    assert raw.command("BITFIELD", "k", "overflow", "sat", "set", "u8", 0, -1,
                       "get", "u8", 0) == [128, 255]


def test_bitfield_quirky_saturation_near_int64_min(raw):
    assert raw.command("BITFIELD", "k", "OVERFLOW", "SAT",
                       "SET", "i8", 0, -9223372036854775681, "GET", "i8", 0,
                       "SET", "i8", 0, -9223372036854775680, "GET", "i8", 0) == [0, 127, 127, -128]


def test_bitfield_64_bit_fields(raw):
    assert raw.command("BITFIELD", "k", "SET", "i64", 3, 9223372036854775807,
                       "INCRBY", "i64", 3, 1, "OVERFLOW", "SAT", "INCRBY", "i64", 3, -1) == \
        [0, -9223372036854775808, -9223372036854775808]
    assert raw.command("BITFIELD", "k", "GET", "u63", 3, "GET", "i64", 3) == \
        [4611686018427387904, -9223372036854775808]


def test_bitfield_failed_writes_still_create_the_key(raw):
    assert raw.command("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 10) == [None]
    assert raw.command("GET", "k") == b"\x00"


def test_bitfield_gets_only_do_not_create_or_convert(raw):
    assert raw.command("BITFIELD", "k", "GET", "u8", 0, "OVERFLOW", "SAT") == [0]
    assert raw.command("EXISTS", "k") == 0
    raw.command("SET", "i", "1")
    assert raw.command("BITFIELD", "i", "GET", "u8", 0) == [49]
    assert raw.command("OBJECT", "ENCODING", "i") == b"int"
    assert raw.command("BITFIELD", "k") == []
    assert raw.command("BITFIELD_RO", "k") == []


@pytest.mark.parametrize("ftype", ["u64", "i65", "I8", "u0", "u08", "u+8", "u-8", "i", "", "x8"])
def test_bitfield_rejects_bad_types(raw, ftype):
    assert raw.error("BITFIELD", "k", "GET", ftype, 0) == BAD_TYPE
    assert raw.error("BITFIELD_RO", "k", "GET", ftype, 0) == BAD_TYPE


@pytest.mark.parametrize("offset", ["-1", "#-1", "##1", "#", "x", " 1", "+1", "4294967296",
                                    "#1152921504606846976"])
def test_bitfield_rejects_bad_offsets(raw, offset):
    assert raw.error("BITFIELD", "k", "GET", "i8", offset) == BAD_OFFSET
    assert raw.error("BITFIELD", "k", "SET", "i8", offset, 1) == BAD_OFFSET


def test_bitfield_syntax_errors(raw):
    assert raw.error("BITFIELD", "k", "foo") == SYNTAX
    assert raw.error("BITFIELD", "k", "GET", "i8") == SYNTAX
    assert raw.error("BITFIELD", "k", "SET", "i8", 0) == SYNTAX
    assert raw.error("BITFIELD", "k", "OVERFLOW") == SYNTAX
    assert raw.error("BITFIELD", "k", "OVERFLOW", "foo") == BAD_OVERFLOW
    assert raw.error("BITFIELD", "k", "SET", "i8", 0, "x") == NOT_INTEGER
    assert raw.error("BITFIELD", "k", "INCRBY", "i8", 0, "9223372036854775808") == NOT_INTEGER
    # A bad later operation refuses the whole command.
    assert raw.error("BITFIELD", "k", "SET", "u8", 0, 1, "GET", "u64", 0) == BAD_TYPE
    assert raw.command("EXISTS", "k") == 0


def test_bitfield_names_compare_as_c_strings(raw):
    assert raw.command("BITFIELD", "k", b"get\x00zz", b"u8\x00zz", 0) == [0]


def test_bitfield_wrongtype(raw):
    make_list(raw, "l")
    assert raw.error("BITFIELD", "l", "GET", "u8", 0) == WRONGTYPE
    assert raw.error("BITFIELD", "l", "SET", "u8", 0, 1) == WRONGTYPE
    assert raw.error("BITFIELD_RO", "l", "GET", "u8", 0) == WRONGTYPE
    assert raw.error("BITFIELD", "l", "GET", "u64", 0) == BAD_TYPE


def test_bitfield_ro(raw):
    raw.command("SET", "k", "AB")
    assert raw.command("BITFIELD_RO", "k", "GET", "u8", 0, "GET", "u8", "#1") == [65, 66]
    assert raw.command("BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "i4", 4) == [1]
    assert raw.error("BITFIELD_RO", "k", "SET", "u8", 0, 1) == RO_ONLY_GET
    assert raw.error("BITFIELD_RO", "k", "INCRBY", "u8", 0, 1, "GET", "u8", 0) == RO_ONLY_GET
    assert raw.error("BITFIELD_RO", "k", "SET", "u8", 0, "x") == NOT_INTEGER
    assert raw.command("GET", "k") == b"AB"


def test_bitfield_offset_limit_follows_proto_max_bulk_len(make_server):
    srv = make_server("--proto-max-bulk-len", "1mb")
    with srv.raw() as conn:
        limit = 1024 * 1024
        assert conn.error("BITFIELD", "k", "SET", "u8", limit * 8, 1) == BAD_OFFSET
        # The offset is what is checked: a field may end a little past the limit.
        assert conn.command("BITFIELD", "k", "SET", "i64", limit * 8 - 1, -1) == [0]
        assert conn.command("STRLEN", "k") == limit + 8


def wrap_signed(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def test_bitfield_random_against_model(raw):
    rng = random.Random(5)
    model = bytearray()
    for _ in range(300):
        signed = rng.random() < 0.5
        bits = rng.randrange(1, 65 if signed else 64)
        offset = rng.randrange(0, 400)
        ftype = ("i" if signed else "u") + str(bits)
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        mode = rng.choice(["WRAP", "SAT", "FAIL"])
        old = model_get_field(model, offset, bits, signed)
        kind = rng.choice(["GET", "SET", "INCRBY"])
        if kind == "GET":
            assert raw.command("BITFIELD", "k", "GET", ftype, offset) == [old]
            continue
        if kind == "SET":
            value = rng.randrange(lo, hi + 1) if rng.random() < 0.7 else \
                rng.randrange(lo - 1000, hi + 1000)
            if (not signed and value < 0) or not -(1 << 63) <= value < (1 << 63):
                # Negative unsigned SETs saturate oddly; i64 takes int64 values only.
                value = rng.randrange(lo, hi + 1)
            target, expect_reply = value, old
        else:
            value = rng.randrange(-(1 << min(bits, 62)), 1 << min(bits, 62))
            target, expect_reply = old + value, None
        fits = lo <= target <= hi
        if fits:
            new = target
        elif mode == "WRAP":
            new = wrap_signed(target, bits) if signed else target & ((1 << bits) - 1)
        elif mode == "SAT":
            new = hi if target > hi else lo
        else:
            new = None
        got = raw.command("BITFIELD", "k", "OVERFLOW", mode, kind, ftype, offset, value)
        need = (offset + bits + 7) // 8
        if len(model) < need:
            model.extend(b"\0" * (need - len(model)))
        if new is None:
            assert got == [None]
            continue
        assert got == [expect_reply if kind == "SET" else new], (kind, ftype, offset, value)
        model_set_field(model, offset, bits, new)
    assert raw.command("GET", "k") == bytes(model)


# ---------------------------------------------------------------------------
# Events, dirty counts, WATCH, MULTI
# ---------------------------------------------------------------------------


def test_events_of_bit_writes(fresh_server):
    got = events_of(fresh_server, [
        ["SETBIT", "a", 3, 1],
        ["SETBIT", "a", 3, 1],          # no change: no event
        ["SETBIT", "a", 100, 0],        # grows: an event
        ["BITFIELD", "b", "SET", "u8", 0, 1, "SET", "u8", 8, 2],
        ["BITFIELD", "b", "SET", "u8", 0, 1],   # no change
        ["BITFIELD", "c", "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 9],  # created, but no write
        ["BITFIELD", "b", "GET", "u8", 0],
        ["BITOP", "OR", "d", "a", "b"],
        ["BITOP", "OR", "d", "a"],
        ["BITOP", "OR", "d", "missing"],
        ["BITOP", "OR", "d", "missing"],
        ["SETBIT", "x", 0, 2],
    ])
    assert got == ["new a", "setbit a", "setbit a", "new b", "setbit b", "new c",
                   "new d", "set d", "set d", "del d"]


def test_dirty_counts_follow_redis(fresh_server):
    with fresh_server.raw() as conn:
        d0 = dirty(conn)
        conn.command("SETBIT", "foo", 0, 0)                   # created: +1
        conn.command("BITFIELD", "foo2", "SET", "i5", 0, 0)   # created: +1
        assert dirty(conn) - d0 == 2
        conn.command("SETBIT", "foo", 0, 0)
        conn.command("BITFIELD", "foo2", "SET", "i5", 0, 0)
        assert dirty(conn) - d0 == 2
        conn.command("SETBIT", "foo", 0, 1)
        conn.command("BITFIELD", "foo2", "SET", "i5", 0, 1, "SET", "i5", 0, 1, "INCRBY", "i5", 0, 1)
        assert dirty(conn) - d0 == 5
        conn.command("BITFIELD", "foo2", "SET", "i5", 90, 0, "SET", "i5", 0, 2)  # grown: +2
        assert dirty(conn) - d0 == 7
        conn.command("BITOP", "AND", "dest", "foo", "foo2")
        conn.command("BITOP", "AND", "dest", "missing")
        conn.command("BITOP", "AND", "dest", "missing")
        assert dirty(conn) - d0 == 9


def test_bit_writes_touch_watched_keys_only_on_change(server):
    with server.raw() as a, server.raw() as b:
        a.command("FLUSHALL")
        a.command("SETBIT", "k", 5, 1)
        a.command("WATCH", "k")
        b.command("SETBIT", "k", 5, 1)                 # unchanged
        b.command("BITFIELD", "k", "SET", "u1", 5, 1)  # unchanged
        a.command("MULTI")
        a.command("GETBIT", "k", 5)
        assert a.command("EXEC") == [1]
        a.command("WATCH", "k")
        b.command("BITFIELD", "k", "INCRBY", "u1", 5, 1)
        a.command("MULTI")
        a.command("GETBIT", "k", 5)
        assert a.command("EXEC") is None
        a.command("WATCH", "d")
        b.command("BITOP", "NOT", "d", "k")
        a.command("MULTI")
        a.command("GET", "d")
        assert a.command("EXEC") is None


def test_bit_commands_in_multi(raw):
    raw.command("MULTI")
    raw.command("SETBIT", "k", 7, 1)
    raw.command("BITCOUNT", "k")
    raw.command("BITFIELD", "k", "INCRBY", "u8", 0, 1)
    raw.command("BITOP", "NOT", "n", "k")
    raw.command("GET", "n")
    assert raw.command("EXEC") == [0, 1, [2], 1, b"\xfd"]


def test_large_sparse_bitmap(raw):
    raw.command("SETBIT", "big", 8 * 1000000 + 3, 1)
    raw.command("SETBIT", "big", 17, 1)
    assert raw.command("STRLEN", "big") == 1000001
    assert raw.command("BITCOUNT", "big") == 2
    assert raw.command("BITPOS", "big", 1) == 17
    assert raw.command("BITPOS", "big", 1, 3) == 8 * 1000000 + 3
    assert raw.command("BITPOS", "big", 0) == 0
    raw.command("BITOP", "NOT", "inv", "big")
    assert raw.command("BITPOS", "inv", 0) == 17
    assert raw.command("BITPOS", "inv", 0, 3) == 8 * 1000000 + 3
    assert raw.command("BITCOUNT", "inv") == 8 * 1000001 - 2
    assert raw.command("BITPOS", "inv", 0, 1000001) == -1


def test_errors_leave_the_connection_usable(raw):
    with pytest.raises(RespError):
        raw.command("BITFIELD", "k", "GET", "u64", 0)
    assert raw.command("PING") == "PONG"
