"""String commands: APPEND DECR DECRBY GET GETDEL GETEX GETRANGE GETSET INCR
INCRBY INCRBYFLOAT LCS MGET MSET MSETNX PSETEX SET SETEX SETNX SETRANGE STRLEN
SUBSTR, and the encodings OBJECT ENCODING reports for string values.

Most tests talk over `raw` (a RawConnection after FLUSHALL) so that reply
types are exact: status replies come back as str ("OK"), bulk strings as
bytes, nil as None, errors (via raw.error) as their full text.
"""

import time

import pytest

from reply_errors import (
    NOT_FLOAT,
    NOT_INTEGER,
    STRING_TOO_LONG,
    SYNTAX,
    WRONGTYPE,
    arity,
    invalid_expire,
)
from server_process import SimpleString

LLONG_MAX = 2**63 - 1
LLONG_MIN = -(2**63)


def make_list(raw, key=b"alist"):
    """Creates a non-string key for WRONGTYPE checks."""
    assert raw.command("RPUSH", key, "x") == 1
    return key


def wait_until(predicate, timeout=3.0, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# ---------------------------------------------------------------------------
# Wrong number of arguments, for every command of the file.
# ---------------------------------------------------------------------------

ARITY_CASES = [
    ("append", ["APPEND", "k"]),
    ("append", ["APPEND", "k", "v", "extra"]),
    ("decr", ["DECR"]),
    ("decr", ["DECR", "k", "1"]),
    ("decrby", ["DECRBY", "k"]),
    ("decrby", ["DECRBY", "k", "1", "2"]),
    ("get", ["GET"]),
    ("get", ["GET", "a", "b"]),
    ("getdel", ["GETDEL"]),
    ("getdel", ["GETDEL", "a", "b"]),
    ("getex", ["GETEX"]),
    ("getrange", ["GETRANGE", "k", "0"]),
    ("getrange", ["GETRANGE", "k", "0", "1", "2"]),
    ("getset", ["GETSET", "k"]),
    ("getset", ["GETSET", "k", "v", "w"]),
    ("incr", ["INCR"]),
    ("incr", ["INCR", "k", "1"]),
    ("incrby", ["INCRBY", "k"]),
    ("incrby", ["INCRBY", "k", "1", "2"]),
    ("incrbyfloat", ["INCRBYFLOAT", "k"]),
    ("incrbyfloat", ["INCRBYFLOAT", "k", "1", "2"]),
    ("lcs", ["LCS", "a"]),
    ("mget", ["MGET"]),
    ("mset", ["MSET"]),
    ("mset", ["MSET", "a"]),
    ("mset", ["MSET", "a", "1", "b"]),
    ("msetnx", ["MSETNX"]),
    ("msetnx", ["MSETNX", "a"]),
    ("msetnx", ["MSETNX", "a", "1", "b"]),
    ("psetex", ["PSETEX", "k", "100"]),
    ("psetex", ["PSETEX", "k", "100", "v", "x"]),
    ("set", ["SET"]),
    ("set", ["SET", "k"]),
    ("setex", ["SETEX", "k", "10"]),
    ("setex", ["SETEX", "k", "10", "v", "x"]),
    ("setnx", ["SETNX", "k"]),
    ("setnx", ["SETNX", "k", "v", "x"]),
    ("setrange", ["SETRANGE", "k", "0"]),
    ("setrange", ["SETRANGE", "k", "0", "v", "x"]),
    ("strlen", ["STRLEN"]),
    ("strlen", ["STRLEN", "a", "b"]),
    ("substr", ["SUBSTR", "k", "0"]),
    ("substr", ["SUBSTR", "k", "0", "1", "2"]),
]


@pytest.mark.parametrize(
    "name,args", ARITY_CASES, ids=["%s-%d" % (n, len(a)) for n, a in ARITY_CASES]
)
def test_wrong_number_of_arguments_is_rejected_with_command_name(raw, name, args):
    assert raw.error(*args) == arity(name)
    # The connection stays usable after the error.
    assert raw.command("PING") == "PONG"


def test_command_names_are_case_insensitive(raw):
    assert raw.command("sEt", "k", "v") == "OK"
    assert raw.command("get", "k") == b"v"
    assert raw.error("gEt") == arity("get")


# ---------------------------------------------------------------------------
# WRONGTYPE, for every command that reads or writes a string value.
# ---------------------------------------------------------------------------

WRONGTYPE_CASES = [
    ["APPEND", "alist", "x"],
    ["DECR", "alist"],
    ["DECRBY", "alist", "2"],
    ["GET", "alist"],
    ["GETDEL", "alist"],
    ["GETEX", "alist"],
    ["GETEX", "alist", "PERSIST"],
    ["GETEX", "alist", "EX", "0"],
    ["GETRANGE", "alist", "0", "-1"],
    ["GETSET", "alist", "v"],
    ["INCR", "alist"],
    ["INCRBY", "alist", "2"],
    ["INCRBYFLOAT", "alist", "1.5"],
    ["SET", "alist", "v", "GET"],
    ["SET", "alist", "v", "NX", "GET"],
    ["SET", "alist", "v", "XX", "GET"],
    ["SETRANGE", "alist", "0", "x"],
    ["SETRANGE", "alist", "0", ""],
    ["STRLEN", "alist"],
    ["SUBSTR", "alist", "0", "-1"],
]


@pytest.mark.parametrize("args", WRONGTYPE_CASES, ids=[" ".join(a) for a in WRONGTYPE_CASES])
def test_string_command_on_list_key_is_wrongtype_and_leaves_key_alone(raw, args):
    make_list(raw)
    assert raw.error(*args) == WRONGTYPE
    assert raw.command("TYPE", "alist") == "list"
    assert raw.command("LRANGE", "alist", "0", "-1") == [b"x"]
    assert raw.command("TTL", "alist") == -1


# ---------------------------------------------------------------------------
# GET / SET basics
# ---------------------------------------------------------------------------


def test_set_replies_ok_status_and_get_returns_bulk(raw):
    reply = raw.command("SET", "k", "hello")
    assert isinstance(reply, SimpleString) and reply == "OK"
    value = raw.command("GET", "k")
    assert isinstance(value, bytes) and value == b"hello"


def test_get_missing_key_returns_nil(raw):
    assert raw.command("GET", "missing") is None


def test_set_and_get_are_binary_safe(raw):
    value = bytes(range(256)) + b"\r\n$3\r\n\x00"
    assert raw.command("SET", b"bin\x00key\r\n", value) == "OK"
    assert raw.command("GET", b"bin\x00key\r\n") == value
    assert raw.command("STRLEN", b"bin\x00key\r\n") == len(value)


def test_set_empty_value_is_stored_as_empty_string(raw):
    assert raw.command("SET", "k", "") == "OK"
    assert raw.command("GET", "k") == b""
    assert raw.command("EXISTS", "k") == 1
    assert raw.command("STRLEN", "k") == 0


def test_set_empty_key_name_is_allowed(raw):
    assert raw.command("SET", "", "v") == "OK"
    assert raw.command("GET", "") == b"v"


def test_set_large_value_round_trips(raw):
    value = b"x" * (3 * 1024 * 1024 + 7)
    assert raw.command("SET", "big", value) == "OK"
    assert raw.command("STRLEN", "big") == len(value)
    assert raw.command("GET", "big") == value


def test_set_overwrites_value_and_clears_ttl(raw):
    raw.command("SET", "k", "v1", "EX", "100")
    assert raw.command("SET", "k", "v2") == "OK"
    assert raw.command("GET", "k") == b"v2"
    assert raw.command("TTL", "k") == -1


def test_set_replaces_key_of_another_type(raw):
    make_list(raw, "k")
    assert raw.command("SET", "k", "v") == "OK"
    assert raw.command("TYPE", "k") == "string"
    assert raw.command("GET", "k") == b"v"


def test_set_ex_sets_ttl_in_seconds(raw):
    assert raw.command("SET", "k", "v", "EX", "100") == "OK"
    assert 99 <= raw.command("TTL", "k") <= 100
    assert 99000 < raw.command("PTTL", "k") <= 100000


def test_set_px_sets_ttl_in_milliseconds(raw):
    assert raw.command("SET", "k", "v", "PX", "100000") == "OK"
    assert 99000 < raw.command("PTTL", "k") <= 100000


def test_set_exat_sets_absolute_unix_time_in_seconds(raw):
    when = int(time.time()) + 1000
    assert raw.command("SET", "k", "v", "EXAT", when) == "OK"
    assert raw.command("EXPIRETIME", "k") == when
    assert raw.command("PEXPIRETIME", "k") == when * 1000


def test_set_pxat_sets_absolute_unix_time_in_milliseconds(raw):
    when = int(time.time() * 1000) + 1000000
    assert raw.command("SET", "k", "v", "PXAT", when) == "OK"
    assert raw.command("PEXPIRETIME", "k") == when


def test_set_pxat_accepts_largest_timestamp(raw):
    assert raw.command("SET", "k", "v", "PXAT", LLONG_MAX) == "OK"
    assert raw.command("PEXPIRETIME", "k") == LLONG_MAX
    assert raw.command("GET", "k") == b"v"


def test_set_exat_in_the_past_makes_key_disappear(raw):
    assert raw.command("SET", "k", "v", "EXAT", "1") == "OK"
    assert raw.command("EXISTS", "k") == 0
    assert raw.command("GET", "k") is None


def test_set_pxat_in_the_past_replaces_and_expires_existing_key(raw):
    raw.command("SET", "k", "old")
    assert raw.command("SET", "k", "v", "PXAT", "1") == "OK"
    assert raw.command("GET", "k") is None


def test_set_px_key_expires_after_its_ttl(raw):
    assert raw.command("SET", "k", "v", "PX", "60") == "OK"
    assert raw.command("GET", "k") == b"v"
    assert wait_until(lambda: raw.command("GET", "k") is None)
    assert raw.command("EXISTS", "k") == 0
    assert raw.command("TTL", "k") == -2


def test_set_nx_sets_only_missing_key(raw):
    assert raw.command("SET", "k", "v1", "NX") == "OK"
    assert raw.command("SET", "k", "v2", "NX") is None
    assert raw.command("GET", "k") == b"v1"


def test_set_nx_treats_key_of_another_type_as_existing(raw):
    make_list(raw, "k")
    assert raw.command("SET", "k", "v", "NX") is None
    assert raw.command("TYPE", "k") == "list"


def test_set_xx_sets_only_existing_key(raw):
    assert raw.command("SET", "k", "v1", "XX") is None
    assert raw.command("EXISTS", "k") == 0
    raw.command("SET", "k", "v1")
    assert raw.command("SET", "k", "v2", "XX") == "OK"
    assert raw.command("GET", "k") == b"v2"


def test_set_xx_with_ex_sets_value_and_ttl(raw):
    raw.command("SET", "k", "v1")
    assert raw.command("SET", "k", "v2", "XX", "EX", "50") == "OK"
    assert 49 <= raw.command("TTL", "k") <= 50


def test_set_nx_on_existing_key_keeps_its_ttl(raw):
    raw.command("SET", "k", "v1", "EX", "100")
    assert raw.command("SET", "k", "v2", "NX", "EX", "5") is None
    assert raw.command("TTL", "k") >= 99


def test_set_keepttl_keeps_existing_ttl(raw):
    raw.command("SET", "k", "v1", "PX", "100000")
    assert raw.command("SET", "k", "v2", "KEEPTTL") == "OK"
    assert raw.command("GET", "k") == b"v2"
    assert 99000 < raw.command("PTTL", "k") <= 100000


def test_set_keepttl_on_key_without_ttl_leaves_it_persistent(raw):
    raw.command("SET", "k", "v1")
    assert raw.command("SET", "k", "v2", "KEEPTTL") == "OK"
    assert raw.command("TTL", "k") == -1
    assert raw.command("SET", "new", "v", "KEEPTTL") == "OK"
    assert raw.command("TTL", "new") == -1


def test_set_get_returns_previous_value(raw):
    assert raw.command("SET", "k", "v1", "GET") is None
    assert raw.command("GET", "k") == b"v1"
    assert raw.command("SET", "k", "v2", "GET") == b"v1"
    assert raw.command("GET", "k") == b"v2"


def test_set_get_with_nx_returns_old_value_and_does_not_overwrite(raw):
    raw.command("SET", "k", "old")
    assert raw.command("SET", "k", "new", "NX", "GET") == b"old"
    assert raw.command("GET", "k") == b"old"
    assert raw.command("SET", "fresh", "new", "NX", "GET") is None
    assert raw.command("GET", "fresh") == b"new"


def test_set_get_with_xx_on_missing_key_returns_nil_and_does_not_create(raw):
    assert raw.command("SET", "k", "v", "XX", "GET") is None
    assert raw.command("EXISTS", "k") == 0
    raw.command("SET", "k", "old")
    assert raw.command("SET", "k", "new", "GET", "XX") == b"old"
    assert raw.command("GET", "k") == b"new"


def test_set_get_with_ex_returns_old_value_and_sets_ttl(raw):
    raw.command("SET", "k", "old")
    assert raw.command("SET", "k", "new", "GET", "EX", "100") == b"old"
    assert raw.command("GET", "k") == b"new"
    assert raw.command("TTL", "k") >= 99


def test_set_without_get_overwrites_key_of_another_type(raw):
    make_list(raw, "k")
    assert raw.command("SET", "k", "v", "EX", "100") == "OK"
    assert raw.command("GET", "k") == b"v"


def test_set_options_are_case_insensitive(raw):
    assert raw.command("SET", "k", "v", "nx", "ex", "100") == "OK"
    assert raw.command("SET", "k", "v2", "xX", "Get", "kEePtTl") == b"v"
    assert raw.command("TTL", "k") >= 99
    assert raw.command("SET", "k", "v3", "pXaT", int(time.time() * 1000) + 50000) == "OK"
    assert raw.command("SET", "k", "v3", "exAT", int(time.time()) + 50) == "OK"
    assert raw.command("SET", "k", "v3", "Px", 50000) == "OK"


def test_set_repeating_the_same_expire_option_uses_the_last_value(raw):
    assert raw.command("SET", "k", "v", "EX", "10", "EX", "200") == "OK"
    assert 199 <= raw.command("TTL", "k") <= 200
    assert raw.command("SET", "k", "v", "PX", "10", "PX", "300000") == "OK"
    assert 299000 < raw.command("PTTL", "k") <= 300000


def test_set_repeating_flag_options_is_accepted(raw):
    assert raw.command("SET", "k", "v", "NX", "NX") == "OK"
    assert raw.command("SET", "k", "v2", "XX", "XX") == "OK"
    assert raw.command("SET", "k", "v3", "GET", "GET") == b"v2"
    assert raw.command("SET", "k", "v4", "KEEPTTL", "KEEPTTL") == "OK"
    assert raw.command("GET", "k") == b"v4"


SET_SYNTAX_ERRORS = [
    ["EX"],
    ["PX"],
    ["EXAT"],
    ["PXAT"],
    ["EX", "10", "PX", "10000"],
    ["PX", "10000", "EX", "10"],
    ["EX", "10", "EXAT", "9999999999"],
    ["EXAT", "9999999999", "PXAT", "9999999999000"],
    ["PX", "100", "PXAT", "9999999999000"],
    ["NX", "XX"],
    ["XX", "NX"],
    ["NX", "XX", "GET"],
    ["KEEPTTL", "EX", "10"],
    ["EX", "10", "KEEPTTL"],
    ["PX", "100", "KEEPTTL"],
    ["KEEPTTL", "PXAT", "9999999999000"],
    ["PERSIST"],
    ["FOO"],
    ["EX", "10", "FOO"],
    ["10"],
    ["EXX", "10"],
    ["GETT"],
]


@pytest.mark.parametrize("opts", SET_SYNTAX_ERRORS, ids=[" ".join(o) for o in SET_SYNTAX_ERRORS])
def test_set_invalid_option_combination_is_syntax_error(raw, opts):
    raw.command("SET", "k", "before")
    assert raw.error("SET", "k", "v", *opts) == SYNTAX
    assert raw.command("GET", "k") == b"before"
    assert raw.command("TTL", "k") == -1


INVALID_SET_EXPIRES = [
    ["EX", "0"],
    ["EX", "-1"],
    ["PX", "0"],
    ["PX", "-100"],
    ["EXAT", "0"],
    ["EXAT", "-1"],
    ["PXAT", "0"],
    ["PXAT", str(LLONG_MIN)],
    ["EX", str(LLONG_MAX)],
    ["EX", str(LLONG_MAX // 1000)],  # fits after *1000 but not once "now" is added
    ["PX", str(LLONG_MAX)],
    ["PX", str(LLONG_MAX - 1000)],
    ["EXAT", str(LLONG_MAX // 1000 + 1)],
]


@pytest.mark.parametrize("opts", INVALID_SET_EXPIRES, ids=[" ".join(o) for o in INVALID_SET_EXPIRES])
def test_set_invalid_expire_time_is_rejected(raw, opts):
    raw.command("SET", "k", "before")
    assert raw.error("SET", "k", "v", *opts) == invalid_expire("set")
    assert raw.command("GET", "k") == b"before"


@pytest.mark.parametrize("value", ["abc", "1.5", "", " 10", "10 ", "0x10", str(LLONG_MAX + 1)])
def test_set_non_integer_expire_is_rejected(raw, value):
    assert raw.error("SET", "k", "v", "EX", value) == NOT_INTEGER
    assert raw.error("SET", "k", "v", "PX", value) == NOT_INTEGER
    assert raw.command("EXISTS", "k") == 0


def test_set_invalid_expire_is_reported_before_wrongtype(raw):
    make_list(raw, "k")
    assert raw.error("SET", "k", "v", "GET", "EX", "0") == invalid_expire("set")


def test_set_largest_relative_expire_that_fits_is_accepted(raw):
    seconds = 2**62 // 1000
    assert raw.command("SET", "k", "v", "EX", seconds) == "OK"
    assert raw.command("TTL", "k") >= seconds - 1


# ---------------------------------------------------------------------------
# SETNX / SETEX / PSETEX / GETSET / GETDEL
# ---------------------------------------------------------------------------


def test_setnx_sets_missing_key_and_returns_one(raw):
    assert raw.command("SETNX", "k", "v1") == 1
    assert raw.command("GET", "k") == b"v1"


def test_setnx_on_existing_key_returns_zero_and_keeps_value(raw):
    raw.command("SET", "k", "v1", "EX", "100")
    assert raw.command("SETNX", "k", "v2") == 0
    assert raw.command("GET", "k") == b"v1"
    assert raw.command("TTL", "k") >= 99


def test_setnx_on_key_of_another_type_returns_zero(raw):
    make_list(raw, "k")
    assert raw.command("SETNX", "k", "v") == 0
    assert raw.command("TYPE", "k") == "list"


def test_setex_sets_value_and_ttl_in_seconds(raw):
    assert raw.command("SETEX", "k", "100", "v") == "OK"
    assert raw.command("GET", "k") == b"v"
    assert 99 <= raw.command("TTL", "k") <= 100


def test_setex_overwrites_key_of_another_type(raw):
    make_list(raw, "k")
    assert raw.command("SETEX", "k", "100", "v") == "OK"
    assert raw.command("TYPE", "k") == "string"


@pytest.mark.parametrize("seconds", ["0", "-1", str(LLONG_MAX), str(LLONG_MAX // 1000)])
def test_setex_invalid_expire_time_is_rejected(raw, seconds):
    assert raw.error("SETEX", "k", seconds, "v") == invalid_expire("setex")
    assert raw.command("EXISTS", "k") == 0


@pytest.mark.parametrize("seconds", ["abc", "1.5", ""])
def test_setex_non_integer_seconds_is_rejected(raw, seconds):
    assert raw.error("SETEX", "k", seconds, "v") == NOT_INTEGER


def test_psetex_sets_value_and_ttl_in_milliseconds(raw):
    assert raw.command("PSETEX", "k", "100000", "v") == "OK"
    assert raw.command("GET", "k") == b"v"
    assert 99000 < raw.command("PTTL", "k") <= 100000


def test_psetex_key_expires_after_its_ttl(raw):
    assert raw.command("PSETEX", "k", "50", "v") == "OK"
    assert wait_until(lambda: raw.command("EXISTS", "k") == 0)


@pytest.mark.parametrize("ms", ["0", "-5", str(LLONG_MAX)])
def test_psetex_invalid_expire_time_is_rejected(raw, ms):
    assert raw.error("PSETEX", "k", ms, "v") == invalid_expire("psetex")
    assert raw.command("EXISTS", "k") == 0


def test_psetex_non_integer_milliseconds_is_rejected(raw):
    assert raw.error("PSETEX", "k", "10.5", "v") == NOT_INTEGER


def test_getset_returns_old_value_and_sets_new_one(raw):
    assert raw.command("GETSET", "k", "v1") is None
    assert raw.command("GET", "k") == b"v1"
    assert raw.command("GETSET", "k", "v2") == b"v1"
    assert raw.command("GET", "k") == b"v2"


def test_getset_clears_ttl(raw):
    raw.command("SET", "k", "v1", "EX", "100")
    assert raw.command("GETSET", "k", "v2") == b"v1"
    assert raw.command("TTL", "k") == -1


def test_getdel_returns_value_and_deletes_key(raw):
    raw.command("SET", "k", "v", "EX", "100")
    assert raw.command("GETDEL", "k") == b"v"
    assert raw.command("EXISTS", "k") == 0
    assert raw.command("GETDEL", "k") is None


def test_getdel_of_integer_value_returns_its_digits(raw):
    raw.command("SET", "k", "12345")
    assert raw.command("GETDEL", "k") == b"12345"
    assert raw.command("GET", "k") is None


# ---------------------------------------------------------------------------
# GETEX
# ---------------------------------------------------------------------------


def test_getex_without_options_returns_value_and_keeps_ttl(raw):
    raw.command("SET", "k", "v", "EX", "100")
    assert raw.command("GETEX", "k") == b"v"
    assert raw.command("TTL", "k") >= 99
    raw.command("SET", "p", "v")
    assert raw.command("GETEX", "p") == b"v"
    assert raw.command("TTL", "p") == -1


def test_getex_missing_key_returns_nil(raw):
    assert raw.command("GETEX", "missing") is None
    assert raw.command("GETEX", "missing", "EX", "10") is None
    assert raw.command("EXISTS", "missing") == 0


def test_getex_ex_sets_ttl_in_seconds(raw):
    raw.command("SET", "k", "v")
    assert raw.command("GETEX", "k", "EX", "100") == b"v"
    assert 99 <= raw.command("TTL", "k") <= 100


def test_getex_px_sets_ttl_in_milliseconds(raw):
    raw.command("SET", "k", "v")
    assert raw.command("GETEX", "k", "PX", "100000") == b"v"
    assert 99000 < raw.command("PTTL", "k") <= 100000


def test_getex_exat_and_pxat_set_absolute_expire(raw):
    raw.command("SET", "k", "v")
    when = int(time.time()) + 5000
    assert raw.command("GETEX", "k", "EXAT", when) == b"v"
    assert raw.command("EXPIRETIME", "k") == when
    assert raw.command("GETEX", "k", "PXAT", when * 1000 + 123) == b"v"
    assert raw.command("PEXPIRETIME", "k") == when * 1000 + 123


def test_getex_persist_removes_ttl(raw):
    raw.command("SET", "k", "v", "EX", "100")
    assert raw.command("GETEX", "k", "PERSIST") == b"v"
    assert raw.command("TTL", "k") == -1
    assert raw.command("GETEX", "k", "persist") == b"v"
    assert raw.command("TTL", "k") == -1


def test_getex_with_timestamp_in_the_past_returns_value_then_deletes_key(raw):
    raw.command("SET", "k", "v")
    assert raw.command("GETEX", "k", "EXAT", "1") == b"v"
    assert raw.command("EXISTS", "k") == 0
    raw.command("SET", "k", "v")
    assert raw.command("GETEX", "k", "PXAT", "1") == b"v"
    assert raw.command("EXISTS", "k") == 0


def test_getex_px_key_expires_after_its_ttl(raw):
    raw.command("SET", "k", "v")
    assert raw.command("GETEX", "k", "PX", "50") == b"v"
    assert wait_until(lambda: raw.command("GET", "k") is None)


def test_getex_repeated_expire_option_uses_last_value(raw):
    raw.command("SET", "k", "v")
    assert raw.command("GETEX", "k", "EX", "10", "EX", "200") == b"v"
    assert 199 <= raw.command("TTL", "k") <= 200
    assert raw.command("GETEX", "k", "PERSIST", "PERSIST") == b"v"
    assert raw.command("TTL", "k") == -1


GETEX_SYNTAX_ERRORS = [
    ["EX"],
    ["PX"],
    ["EXAT"],
    ["PXAT"],
    ["EX", "10", "PX", "10000"],
    ["EXAT", "9999999999", "EX", "10"],
    ["PXAT", "9999999999000", "PX", "10"],
    ["PERSIST", "EX", "10"],
    ["EX", "10", "PERSIST"],
    ["KEEPTTL"],
    ["NX"],
    ["XX"],
    ["GET"],
    ["FOO"],
]


@pytest.mark.parametrize("opts", GETEX_SYNTAX_ERRORS, ids=[" ".join(o) for o in GETEX_SYNTAX_ERRORS])
def test_getex_invalid_option_is_syntax_error(raw, opts):
    raw.command("SET", "k", "v")
    assert raw.error("GETEX", "k", *opts) == SYNTAX
    assert raw.command("TTL", "k") == -1


def test_getex_syntax_error_is_reported_for_missing_key_too(raw):
    assert raw.error("GETEX", "missing", "FOO") == SYNTAX


@pytest.mark.parametrize(
    "opts",
    [["EX", "0"], ["EX", "-1"], ["PX", "0"], ["EXAT", "0"], ["PXAT", "-1"], ["EX", str(LLONG_MAX)]],
    ids=lambda o: " ".join(o),
)
def test_getex_invalid_expire_time_is_rejected(raw, opts):
    raw.command("SET", "k", "v")
    assert raw.error("GETEX", "k", *opts) == invalid_expire("getex")
    assert raw.command("TTL", "k") == -1
    assert raw.command("GET", "k") == b"v"


def test_getex_invalid_expire_on_missing_key_returns_nil(raw):
    assert raw.command("GETEX", "missing", "EX", "0") is None


def test_getex_non_integer_expire_is_rejected(raw):
    raw.command("SET", "k", "v")
    assert raw.error("GETEX", "k", "EX", "abc") == NOT_INTEGER
    assert raw.error("GETEX", "k", "PX", "1.5") == NOT_INTEGER


# ---------------------------------------------------------------------------
# MGET / MSET / MSETNX
# ---------------------------------------------------------------------------


def test_mget_returns_values_in_order_with_nil_for_missing_and_non_strings(raw):
    raw.command("MSET", "a", "1", "b", "two")
    make_list(raw, "l")
    assert raw.command("MGET", "a", "missing", "l", "b", "a") == [b"1", None, None, b"two", b"1"]


def test_mget_single_key(raw):
    assert raw.command("MGET", "missing") == [None]


def test_mset_sets_all_pairs(raw):
    assert raw.command("MSET", "a", "1", "b", "2", "c", "3") == "OK"
    assert raw.command("MGET", "a", "b", "c") == [b"1", b"2", b"3"]


def test_mset_with_duplicate_key_keeps_last_value(raw):
    assert raw.command("MSET", "a", "1", "a", "2") == "OK"
    assert raw.command("GET", "a") == b"2"


def test_mset_clears_ttl_and_replaces_other_types(raw):
    raw.command("SET", "a", "old", "EX", "100")
    make_list(raw, "l")
    assert raw.command("MSET", "a", "new", "l", "str") == "OK"
    assert raw.command("TTL", "a") == -1
    assert raw.command("TYPE", "l") == "string"


def test_msetnx_sets_all_when_none_exist(raw):
    assert raw.command("MSETNX", "a", "1", "b", "2") == 1
    assert raw.command("MGET", "a", "b") == [b"1", b"2"]


def test_msetnx_sets_nothing_when_any_key_exists(raw):
    raw.command("SET", "b", "old")
    assert raw.command("MSETNX", "a", "1", "b", "2", "c", "3") == 0
    assert raw.command("MGET", "a", "b", "c") == [None, b"old", None]


def test_msetnx_counts_key_of_another_type_as_existing(raw):
    make_list(raw, "l")
    assert raw.command("MSETNX", "a", "1", "l", "2") == 0
    assert raw.command("EXISTS", "a") == 0


def test_msetnx_with_duplicate_new_key_keeps_last_value(raw):
    assert raw.command("MSETNX", "a", "1", "a", "2") == 1
    assert raw.command("GET", "a") == b"2"


# ---------------------------------------------------------------------------
# APPEND / STRLEN
# ---------------------------------------------------------------------------


def test_append_creates_missing_key_and_returns_length(raw):
    assert raw.command("APPEND", "k", "hello") == 5
    assert raw.command("GET", "k") == b"hello"


def test_append_extends_value_and_returns_new_length(raw):
    raw.command("SET", "k", "hello")
    assert raw.command("APPEND", "k", " world") == 11
    assert raw.command("GET", "k") == b"hello world"


def test_append_empty_string(raw):
    raw.command("SET", "k", "abc")
    assert raw.command("APPEND", "k", "") == 3
    assert raw.command("APPEND", "new", "") == 0
    assert raw.command("EXISTS", "new") == 1
    assert raw.command("GET", "new") == b""


def test_append_is_binary_safe(raw):
    raw.command("APPEND", "k", b"\x00\x01")
    raw.command("APPEND", "k", b"\r\n\xff")
    assert raw.command("GET", "k") == b"\x00\x01\r\n\xff"


def test_append_to_integer_value_appends_digits(raw):
    raw.command("SET", "k", "5")
    assert raw.command("APPEND", "k", "0") == 2
    assert raw.command("GET", "k") == b"50"
    assert raw.command("INCR", "k") == 51


def test_append_keeps_ttl(raw):
    raw.command("SET", "k", "a", "EX", "100")
    raw.command("APPEND", "k", "b")
    assert raw.command("TTL", "k") >= 99


def test_strlen_returns_length_in_bytes(raw):
    raw.command("SET", "k", "héllo")
    assert raw.command("STRLEN", "k") == len("héllo".encode())


def test_strlen_of_missing_key_is_zero(raw):
    assert raw.command("STRLEN", "missing") == 0


def test_strlen_of_integer_value_counts_its_digits(raw):
    raw.command("SET", "k", "-123")
    assert raw.command("STRLEN", "k") == 4
    raw.command("SET", "k", str(LLONG_MIN))
    assert raw.command("STRLEN", "k") == 20


# ---------------------------------------------------------------------------
# INCR / DECR / INCRBY / DECRBY
# ---------------------------------------------------------------------------


def test_incr_on_missing_key_starts_from_zero(raw):
    assert raw.command("INCR", "k") == 1
    assert raw.command("GET", "k") == b"1"
    assert raw.command("DECR", "d") == -1


def test_incr_and_decr_step_by_one(raw):
    raw.command("SET", "k", "10")
    assert raw.command("INCR", "k") == 11
    assert raw.command("DECR", "k") == 10
    assert raw.command("DECR", "k") == 9


def test_incrby_and_decrby_add_the_given_amount(raw):
    assert raw.command("INCRBY", "k", "100") == 100
    assert raw.command("INCRBY", "k", "-250") == -150
    assert raw.command("DECRBY", "k", "50") == -200
    assert raw.command("DECRBY", "k", "-1000") == 800
    assert raw.command("GET", "k") == b"800"


def test_incr_returns_integer_reply(raw):
    reply = raw.command("INCRBY", "k", "5")
    assert type(reply) is int and reply == 5


def test_incr_crosses_shared_integer_range(raw):
    raw.command("SET", "k", "9998")
    assert raw.command("INCR", "k") == 9999
    assert raw.command("INCR", "k") == 10000
    assert raw.command("INCR", "k") == 10001
    assert raw.command("GET", "k") == b"10001"


def test_incr_works_on_value_written_as_string(raw):
    raw.command("APPEND", "k", "1")
    raw.command("APPEND", "k", "7")
    assert raw.command("INCR", "k") == 18


def test_incr_reaches_llong_max_and_decr_reaches_llong_min(raw):
    raw.command("SET", "k", str(LLONG_MAX - 1))
    assert raw.command("INCR", "k") == LLONG_MAX
    raw.command("SET", "k", str(LLONG_MIN + 1))
    assert raw.command("DECR", "k") == LLONG_MIN
    assert raw.command("GET", "k") == str(LLONG_MIN).encode()


def test_incr_keeps_ttl(raw):
    raw.command("SET", "k", "1", "EX", "100")
    assert raw.command("INCR", "k") == 2
    assert raw.command("INCRBY", "k", "20000") == 20002
    assert raw.command("TTL", "k") >= 99


@pytest.mark.parametrize(
    "value",
    ["abc", "", " 1", "1 ", "01", "+1", "-0", "1.5", "1e3", "0x10", "99999999999999999999", str(LLONG_MAX + 1)],
)
def test_incr_on_value_that_is_not_a_canonical_integer_is_rejected(raw, value):
    raw.command("SET", "k", value)
    assert raw.error("INCR", "k") == NOT_INTEGER
    assert raw.error("DECR", "k") == NOT_INTEGER
    assert raw.error("INCRBY", "k", "1") == NOT_INTEGER
    assert raw.error("DECRBY", "k", "1") == NOT_INTEGER
    assert raw.command("GET", "k") == value.encode()


@pytest.mark.parametrize("amount", ["abc", "", "1.5", " 1", str(LLONG_MAX + 1), str(LLONG_MIN - 1)])
def test_incrby_with_non_integer_amount_is_rejected(raw, amount):
    raw.command("SET", "k", "5")
    assert raw.error("INCRBY", "k", amount) == NOT_INTEGER
    assert raw.error("DECRBY", "k", amount) == NOT_INTEGER
    assert raw.command("GET", "k") == b"5"


@pytest.mark.parametrize(
    "start,args",
    [
        (LLONG_MAX, ["INCR"]),
        (LLONG_MAX, ["INCRBY", "1"]),
        (LLONG_MAX - 5, ["INCRBY", "10"]),
        (LLONG_MIN, ["DECR"]),
        (LLONG_MIN, ["DECRBY", "1"]),
        (LLONG_MIN, ["INCRBY", "-1"]),
        (-2, ["INCRBY", str(LLONG_MIN)]),
        (1, ["DECRBY", str(-LLONG_MAX)]),
        (5, ["INCRBY", str(LLONG_MAX)]),
    ],
    ids=lambda v: str(v),
)
def test_incr_overflow_is_rejected_and_value_unchanged(raw, start, args):
    raw.command("SET", "k", str(start))
    assert raw.error(args[0], "k", *args[1:]) == "ERR increment or decrement would overflow"
    assert raw.command("GET", "k") == str(start).encode()


def test_decrby_llong_min_is_rejected_because_negation_overflows(raw):
    raw.command("SET", "k", "0")
    assert raw.error("DECRBY", "k", str(LLONG_MIN)) == "ERR decrement would overflow"
    assert raw.command("GET", "k") == b"0"


def test_incrby_llong_min_from_zero_is_allowed(raw):
    raw.command("SET", "k", "0")
    assert raw.command("INCRBY", "k", str(LLONG_MIN)) == LLONG_MIN


# ---------------------------------------------------------------------------
# INCRBYFLOAT
# ---------------------------------------------------------------------------


def test_incrbyfloat_on_missing_key_starts_from_zero(raw):
    reply = raw.command("INCRBYFLOAT", "k", "3.5e-1")
    assert reply == b"0.35"
    assert raw.command("GET", "k") == b"0.35"


def test_incrbyfloat_returns_bulk_string_result(raw):
    raw.command("SET", "k", "10.5")
    reply = raw.command("INCRBYFLOAT", "k", "0.1")
    assert isinstance(reply, bytes) and reply == b"10.6"


@pytest.mark.parametrize(
    "start,incr,result",
    [
        ("3.0", "0", b"3"),
        ("5.0e3", "2.0e2", b"5200"),
        ("1e3", "1", b"1001"),
        ("10", "-10", b"0"),
        ("10", "-10.5", b"-0.5"),
        ("1", "0.25", b"1.25"),
        ("-1.5", "1.5", b"0"),
        ("100", "1e-3", b"100.001"),
        ("7", "3", b"10"),
    ],
)
def test_incrbyfloat_formats_result_without_trailing_zeros(raw, start, incr, result):
    raw.command("SET", "k", start)
    assert raw.command("INCRBYFLOAT", "k", incr) == result
    assert raw.command("GET", "k") == result


def test_incrbyfloat_uses_long_double_precision_in_its_result(raw):
    raw.command("SET", "k", "10.6")
    assert raw.command("INCRBYFLOAT", "k", "-5.0e3") == b"-4989.39999999999999991"


def test_incrbyfloat_result_above_double_range_is_printed_in_full(raw):
    raw.command("SET", "k", "1e308")
    reply = raw.command("INCRBYFLOAT", "k", "1e308")
    assert len(reply) == 309 and reply.startswith(b"1999999999999999999") and reply.isdigit()


def test_incrbyfloat_accepts_hexadecimal_float_syntax(raw):
    raw.command("SET", "k", "0x10")
    assert raw.command("INCRBYFLOAT", "k", "1") == b"17"
    assert raw.command("INCRBYFLOAT", "k", "0x1p4") == b"33"


def test_incrbyfloat_keeps_ttl(raw):
    raw.command("SET", "k", "1", "EX", "100")
    raw.command("INCRBYFLOAT", "k", "1.5")
    assert raw.command("TTL", "k") >= 99


@pytest.mark.parametrize("incr", ["inf", "-inf", "+inf", "infinity"])
def test_incrbyfloat_producing_infinity_is_rejected(raw, incr):
    raw.command("SET", "k", "1")
    assert raw.error("INCRBYFLOAT", "k", incr) == "ERR increment would produce NaN or Infinity"
    assert raw.command("GET", "k") == b"1"


def test_incrbyfloat_overflowing_long_double_is_rejected(raw):
    raw.command("SET", "k", "1e4932")
    assert raw.error("INCRBYFLOAT", "k", "1e4932") == "ERR increment would produce NaN or Infinity"
    assert raw.command("GET", "k") == b"1e4932"


@pytest.mark.parametrize("incr", ["abc", "", "nan", "1.5x", " 1", "1 ", "1e5000", "1,5"])
def test_incrbyfloat_with_invalid_increment_is_rejected(raw, incr):
    raw.command("SET", "k", "1")
    assert raw.error("INCRBYFLOAT", "k", incr) == NOT_FLOAT
    assert raw.command("GET", "k") == b"1"


@pytest.mark.parametrize("value", ["abc", "", "nan", "1.5.5", " 2", "2 "])
def test_incrbyfloat_on_value_that_is_not_a_float_is_rejected(raw, value):
    raw.command("SET", "k", value)
    assert raw.error("INCRBYFLOAT", "k", "1") == NOT_FLOAT
    assert raw.command("GET", "k") == value.encode()


# ---------------------------------------------------------------------------
# SETRANGE
# ---------------------------------------------------------------------------


def test_setrange_overwrites_part_of_value(raw):
    raw.command("SET", "k", "Hello World")
    assert raw.command("SETRANGE", "k", "6", "Redis") == 11
    assert raw.command("GET", "k") == b"Hello Redis"


def test_setrange_past_end_pads_with_zero_bytes(raw):
    raw.command("SET", "k", "abc")
    assert raw.command("SETRANGE", "k", "6", "X") == 7
    assert raw.command("GET", "k") == b"abc\x00\x00\x00X"


def test_setrange_on_missing_key_creates_zero_padded_value(raw):
    assert raw.command("SETRANGE", "k", "3", "abc") == 6
    assert raw.command("GET", "k") == b"\x00\x00\x00abc"


def test_setrange_with_empty_value_on_missing_key_returns_zero_and_creates_nothing(raw):
    assert raw.command("SETRANGE", "k", "10", "") == 0
    assert raw.command("EXISTS", "k") == 0


def test_setrange_with_empty_value_returns_current_length_without_change(raw):
    raw.command("SET", "k", "abc")
    assert raw.command("SETRANGE", "k", "100", "") == 3
    assert raw.command("GET", "k") == b"abc"


def test_setrange_with_empty_value_ignores_size_limit(raw):
    raw.command("SET", "k", "abc")
    assert raw.command("SETRANGE", "k", str(LLONG_MAX), "") == 3
    assert raw.command("SETRANGE", "missing", "536870912", "") == 0


def test_setrange_on_integer_value_edits_its_digits(raw):
    raw.command("SET", "k", "12345")
    assert raw.command("SETRANGE", "k", "1", "9") == 5
    assert raw.command("GET", "k") == b"19345"
    assert raw.command("INCR", "k") == 19346


def test_setrange_keeps_ttl(raw):
    raw.command("SET", "k", "abc", "EX", "100")
    raw.command("SETRANGE", "k", "1", "x")
    assert raw.command("TTL", "k") >= 99


def test_setrange_negative_offset_is_rejected(raw):
    raw.command("SET", "k", "abc")
    assert raw.error("SETRANGE", "k", "-1", "x") == "ERR offset is out of range"
    assert raw.command("GET", "k") == b"abc"


def test_setrange_offset_is_checked_before_type(raw):
    make_list(raw, "l")
    assert raw.error("SETRANGE", "l", "-1", "x") == "ERR offset is out of range"


@pytest.mark.parametrize("offset", ["abc", "1.5", "", str(LLONG_MAX + 1)])
def test_setrange_non_integer_offset_is_rejected(raw, offset):
    assert raw.error("SETRANGE", "k", offset, "x") == NOT_INTEGER


@pytest.mark.parametrize("offset", [str(512 * 1024 * 1024), str(LLONG_MAX), str(2**62)])
def test_setrange_beyond_512mb_is_rejected(raw, offset):
    raw.command("SET", "k", "abc")
    assert raw.error("SETRANGE", "k", offset, "x") == STRING_TOO_LONG
    assert raw.error("SETRANGE", "missing", offset, "x") == STRING_TOO_LONG
    assert raw.command("EXISTS", "missing") == 0
    assert raw.command("GET", "k") == b"abc"


def test_setrange_and_append_respect_configured_proto_max_bulk_len(make_server):
    srv = make_server("--proto-max-bulk-len", "1mb")
    conn = srv.raw()
    limit = 1024 * 1024
    assert conn.command("SETRANGE", "k", limit - 1, "x") == limit
    assert conn.error("SETRANGE", "k", limit, "x") == STRING_TOO_LONG
    assert conn.error("APPEND", "k", "y") == STRING_TOO_LONG
    assert conn.command("STRLEN", "k") == limit
    conn.command("SET", "a", b"a" * (limit - 10))
    assert conn.error("APPEND", "a", b"b" * 11) == STRING_TOO_LONG
    assert conn.command("APPEND", "a", b"b" * 10) == limit
    conn.close()


# ---------------------------------------------------------------------------
# GETRANGE / SUBSTR
# ---------------------------------------------------------------------------

GETRANGE_CASES = [
    (0, 4, b"Hello"),
    (6, 10, b"World"),
    (-5, -1, b"World"),
    (0, -1, b"Hello World"),
    (-1, -1, b"d"),
    (10, 10, b"d"),
    (11, 11, b""),
    (4, 4, b"o"),
    (5, 2, b""),
    (-1, -5, b""),
    (0, 100, b"Hello World"),
    (100, 200, b""),
    (-100, 2, b"Hel"),
    (-100, -50, b"H"),  # both ends clamp to 0
    (0, -100, b"H"),  # end clamps to 0
    (3, -100, b""),
    (0, LLONG_MAX, b"Hello World"),
    (LLONG_MIN, LLONG_MAX, b"Hello World"),
    (LLONG_MIN, LLONG_MIN, b"H"),
]


@pytest.mark.parametrize("start,end,expected", GETRANGE_CASES, ids=lambda v: str(v))
def test_getrange_returns_inclusive_clamped_range(raw, start, end, expected):
    raw.command("SET", "k", "Hello World")
    assert raw.command("GETRANGE", "k", start, end) == expected


@pytest.mark.parametrize("start,end,expected", GETRANGE_CASES[:8], ids=lambda v: str(v))
def test_substr_is_an_alias_of_getrange(raw, start, end, expected):
    raw.command("SET", "k", "Hello World")
    assert raw.command("SUBSTR", "k", start, end) == expected


def test_getrange_on_missing_key_returns_empty_string(raw):
    reply = raw.command("GETRANGE", "missing", "0", "-1")
    assert reply == b"" and isinstance(reply, bytes)


def test_getrange_on_empty_string_returns_empty_string(raw):
    raw.command("SET", "k", "")
    assert raw.command("GETRANGE", "k", "0", "-1") == b""
    assert raw.command("GETRANGE", "k", "0", "0") == b""
    assert raw.command("GETRANGE", "k", "-1", "0") == b""


def test_getrange_on_integer_value_uses_its_digits(raw):
    raw.command("SET", "k", "12345")
    assert raw.command("GETRANGE", "k", "1", "3") == b"234"
    assert raw.command("GETRANGE", "k", "-2", "-1") == b"45"


@pytest.mark.parametrize("start,end", [("a", "1"), ("0", "b"), ("1.5", "2"), ("0", str(LLONG_MAX + 1)), ("", "1")])
def test_getrange_non_integer_index_is_rejected(raw, start, end):
    raw.command("SET", "k", "Hello")
    assert raw.error("GETRANGE", "k", start, end) == NOT_INTEGER
    assert raw.error("SUBSTR", "k", start, end) == NOT_INTEGER


def test_getrange_checks_indexes_before_key_existence(raw):
    assert raw.error("GETRANGE", "missing", "x", "1") == NOT_INTEGER


# ---------------------------------------------------------------------------
# LCS
# ---------------------------------------------------------------------------


@pytest.fixture
def lcs_keys(raw):
    raw.command("MSET", "key1", "ohmytext", "key2", "mynewtext")
    return raw


def test_lcs_returns_longest_common_subsequence(lcs_keys):
    assert lcs_keys.command("LCS", "key1", "key2") == b"mytext"


def test_lcs_len_returns_only_the_length(lcs_keys):
    assert lcs_keys.command("LCS", "key1", "key2", "LEN") == 6
    assert lcs_keys.command("LCS", "key1", "key2", "len") == 6


def test_lcs_idx_returns_matching_ranges_from_the_end(lcs_keys):
    assert lcs_keys.command("LCS", "key1", "key2", "IDX") == [
        b"matches",
        [[[4, 7], [5, 8]], [[2, 3], [0, 1]]],
        b"len",
        6,
    ]


def test_lcs_idx_withmatchlen_adds_match_lengths(lcs_keys):
    assert lcs_keys.command("LCS", "key1", "key2", "IDX", "WITHMATCHLEN") == [
        b"matches",
        [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]],
        b"len",
        6,
    ]


def test_lcs_idx_minmatchlen_filters_short_matches(lcs_keys):
    assert lcs_keys.command("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN") == [
        b"matches",
        [[[4, 7], [5, 8], 4]],
        b"len",
        6,
    ]
    assert lcs_keys.command("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "5") == [b"matches", [], b"len", 6]


def test_lcs_negative_minmatchlen_means_no_filter(lcs_keys):
    assert lcs_keys.command("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-5") == lcs_keys.command(
        "LCS", "key1", "key2", "IDX"
    )


def test_lcs_withmatchlen_and_minmatchlen_are_ignored_without_idx(lcs_keys):
    assert lcs_keys.command("LCS", "key1", "key2", "WITHMATCHLEN") == b"mytext"
    assert lcs_keys.command("LCS", "key1", "key2", "MINMATCHLEN", "4") == b"mytext"
    assert lcs_keys.command("LCS", "key1", "key2", "LEN", "WITHMATCHLEN") == 6


def test_lcs_of_identical_strings_is_one_full_range(raw):
    raw.command("SET", "a", "abcdefgh")
    assert raw.command("LCS", "a", "a", "IDX", "WITHMATCHLEN") == [
        b"matches",
        [[[0, 7], [0, 7], 8]],
        b"len",
        8,
    ]


def test_lcs_treats_missing_keys_as_empty_strings(raw):
    raw.command("SET", "a", "abc")
    assert raw.command("LCS", "a", "missing") == b""
    assert raw.command("LCS", "missing", "missing2", "LEN") == 0
    assert raw.command("LCS", "missing", "a", "IDX") == [b"matches", [], b"len", 0]


def test_lcs_works_on_integer_values(raw):
    raw.command("MSET", "a", "12345", "b", "2345")
    assert raw.command("LCS", "a", "b") == b"2345"


def test_lcs_idx_reply_is_a_map_in_resp3(r3):
    r3.command("MSET", "key1", "ohmytext", "key2", "mynewtext")
    reply = r3.command("LCS", "key1", "key2", "IDX")
    assert isinstance(reply, dict)
    assert reply == {b"matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len": 6}


def test_lcs_len_and_idx_together_are_rejected(lcs_keys):
    assert lcs_keys.error("LCS", "key1", "key2", "LEN", "IDX") == (
        "ERR If you want both the length and indexes, please just use IDX."
    )


@pytest.mark.parametrize("opts", [["FOO"], ["MINMATCHLEN"], ["IDX", "MINMATCHLEN"], ["LEN", "BAR"]], ids=" ".join)
def test_lcs_unknown_or_incomplete_option_is_syntax_error(lcs_keys, opts):
    assert lcs_keys.error("LCS", "key1", "key2", *opts) == SYNTAX


def test_lcs_non_integer_minmatchlen_is_rejected(lcs_keys):
    assert lcs_keys.error("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "abc") == NOT_INTEGER


def test_lcs_on_non_string_key_is_rejected_before_options(raw):
    raw.command("SET", "s", "abc")
    make_list(raw, "l")
    message = "ERR The specified keys must contain string values"
    assert raw.error("LCS", "s", "l") == message
    assert raw.error("LCS", "l", "s") == message
    assert raw.error("LCS", "s", "l", "FOO") == message


def test_lcs_refuses_table_larger_than_proto_max_bulk_len(make_server):
    srv = make_server("--proto-max-bulk-len", "1mb")
    conn = srv.raw()
    conn.command("MSET", "a", "x" * 600, "b", "y" * 600)
    assert conn.error("LCS", "a", "b") == (
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
    )
    conn.command("MSET", "a", "ab" * 200, "b", "ba" * 200)
    assert conn.command("LCS", "a", "b", "LEN") == 399
    conn.close()


# ---------------------------------------------------------------------------
# OBJECT ENCODING of string values
# ---------------------------------------------------------------------------

SET_ENCODINGS = [
    ("12345", b"int"),
    ("0", b"int"),
    ("-1", b"int"),
    (str(LLONG_MAX), b"int"),
    (str(LLONG_MIN), b"int"),
    (str(LLONG_MAX + 1), b"embstr"),
    (str(LLONG_MIN - 1), b"embstr"),
    ("012", b"embstr"),
    ("-0", b"embstr"),
    ("+5", b"embstr"),
    (" 12", b"embstr"),
    ("12 ", b"embstr"),
    ("1.0", b"embstr"),
    ("1e3", b"embstr"),
    ("", b"embstr"),
    ("abc", b"embstr"),
    ("a" * 44, b"embstr"),
    ("a" * 45, b"raw"),
    ("1" * 44, b"embstr"),
    ("1" * 45, b"raw"),
    ("a" * 1000, b"raw"),
]


@pytest.mark.parametrize("value,encoding", SET_ENCODINGS, ids=lambda v: v if len(v) < 25 else "len%d" % len(v))
def test_object_encoding_of_value_written_by_set(raw, value, encoding):
    raw.command("SET", "k", value)
    assert raw.command("OBJECT", "ENCODING", "k") == encoding
    assert raw.command("GET", "k") == value.encode()


def test_object_encoding_of_integer_written_by_other_set_commands(raw):
    raw.command("MSET", "m", "1", "n", "abcdef")
    raw.command("SETEX", "e", "100", "123")
    raw.command("PSETEX", "p", "100000", "124")
    raw.command("SETNX", "x", "125")
    raw.command("GETSET", "g", "126")
    assert raw.command("OBJECT", "ENCODING", "m") == b"int"
    assert raw.command("OBJECT", "ENCODING", "n") == b"embstr"
    for key in ("e", "p", "x", "g"):
        assert raw.command("OBJECT", "ENCODING", key) == b"int", key


def test_object_encoding_after_append_to_existing_value_is_raw(raw):
    raw.command("SET", "i", "5")
    raw.command("APPEND", "i", "0")
    raw.command("SET", "s", "abc")
    raw.command("APPEND", "s", "d")
    assert raw.command("OBJECT", "ENCODING", "i") == b"raw"
    assert raw.command("OBJECT", "ENCODING", "s") == b"raw"


def test_object_encoding_after_append_to_missing_key_follows_the_value(raw):
    raw.command("APPEND", "i", "123")
    raw.command("APPEND", "s", "abc")
    raw.command("APPEND", "long", "z" * 50)
    assert raw.command("OBJECT", "ENCODING", "i") == b"int"
    assert raw.command("OBJECT", "ENCODING", "s") == b"embstr"
    assert raw.command("OBJECT", "ENCODING", "long") == b"raw"


def test_object_encoding_after_setrange_is_raw(raw):
    raw.command("SET", "i", "5")
    raw.command("SETRANGE", "i", "0", "7")
    raw.command("SET", "s", "abc")
    raw.command("SETRANGE", "s", "1", "x")
    raw.command("SETRANGE", "new", "0", "42")
    for key in ("i", "s", "new"):
        assert raw.command("OBJECT", "ENCODING", key) == b"raw", key


def test_object_encoding_after_incr_is_int_and_after_incrbyfloat_is_embstr(raw):
    raw.command("INCR", "a")
    raw.command("SET", "b", "100")
    raw.command("INCRBY", "b", "100000")
    raw.command("SET", "c", "abc")
    raw.command("APPEND", "c", "")
    raw.command("SET", "c", "7")
    raw.command("INCRBYFLOAT", "f", "1.5")
    raw.command("INCRBYFLOAT", "g", "2")
    assert raw.command("OBJECT", "ENCODING", "a") == b"int"
    assert raw.command("OBJECT", "ENCODING", "b") == b"int"
    assert raw.command("OBJECT", "ENCODING", "c") == b"int"
    assert raw.command("OBJECT", "ENCODING", "f") == b"embstr"
    assert raw.command("OBJECT", "ENCODING", "g") == b"embstr"


# ---------------------------------------------------------------------------
# Exact bytes on the wire
# ---------------------------------------------------------------------------

RESP2_WIRE_CASES = [
    (["SET", "k", "v"], b"+OK\r\n"),
    (["GET", "k"], b"$1\r\nv\r\n"),
    (["GET", "missing"], b"$-1\r\n"),
    (["SET", "k", "v", "NX"], b"$-1\r\n"),
    (["SET", "k", "w", "GET"], b"$1\r\nv\r\n"),
    (["INCR", "n"], b":1\r\n"),
    (["DECRBY", "n", "3"], b":-2\r\n"),
    (["MGET", "k", "missing"], b"*2\r\n$1\r\nw\r\n$-1\r\n"),
    (["GETRANGE", "missing", "0", "-1"], b"$0\r\n\r\n"),
    (["INCRBYFLOAT", "f", "1.5"], b"$3\r\n1.5\r\n"),
    (["MSETNX", "k", "1"], b":0\r\n"),
    (["GET"], b"-ERR wrong number of arguments for 'get' command\r\n"),
    (["INCR", "k"], b"-ERR value is not an integer or out of range\r\n"),
    (["LCS", "k", "k", "IDX"], b"*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n"),
]


def test_string_replies_are_byte_exact_in_resp2(raw):
    for args, expected in RESP2_WIRE_CASES:
        raw.send_command(*args)
        assert raw.read_exact_bytes(len(expected)) == expected, args
    raw.send_command("PING")
    assert raw.read_exact_bytes(7) == b"+PONG\r\n"  # nothing stray before it


RESP3_WIRE_CASES = [
    (["MSET", "key1", "ohmytext", "key2", "mynewtext"], b"+OK\r\n"),
    (["GET", "missing"], b"_\r\n"),
    (["GETEX", "missing"], b"_\r\n"),
    (["GETDEL", "missing"], b"_\r\n"),
    (["SET", "key1", "x", "NX"], b"_\r\n"),
    (["MGET", "key1", "missing"], b"*2\r\n$8\r\nohmytext\r\n_\r\n"),
    (["INCRBYFLOAT", "f", "1.5"], b"$3\r\n1.5\r\n"),
    (
        ["LCS", "key1", "key2", "IDX", "WITHMATCHLEN"],
        b"%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
        b"*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
    ),
]


def test_string_replies_are_byte_exact_in_resp3(r3):
    for args, expected in RESP3_WIRE_CASES:
        r3.send_command(*args)
        assert r3.read_exact_bytes(len(expected)) == expected, args
    r3.send_command("PING")
    assert r3.read_exact_bytes(7) == b"+PONG\r\n"
