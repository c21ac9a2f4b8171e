"""Self-tests of the aggregate families' generators and normalizers, no servers.

The rules the list/hash/set/sorted-set/SORT entries must keep so that two
correct servers can never disagree (blocking commands never wait long, random
pops are followed by a DEL, lex keys hold only score 0, SORT runs after the
errno reset), the normalizers of their nondeterministic replies, and the
encoding-aware state digest (against scripted fake servers).
"""

from __future__ import annotations

import functools
import random

import pytest

from . import aggregates as ag
from . import commands, commands_lists, commands_sort, generator, registry, runner
from .test_differential_selftest import FakeServer


@functools.lru_cache(maxsize=None)
def _draws(count=20000, seed=11, spec_text="all"):
    """(spec, [commands]) for `count` draws of the generator."""
    table = commands.CommandTable(spec_text)
    gen = generator.Gen(random.Random(seed))
    out = []
    for _ in range(count):
        spec = table.pick(gen.rng)
        drawn = spec.gen(gen)
        out.append((spec, list(drawn) if isinstance(drawn, registry.Seq) else [drawn]))
    return tuple(out)


def _arr(*items: bytes, kind=b"*") -> bytes:
    return kind + b"%d\r\n" % len(items) + b"".join(b"$%d\r\n%s\r\n" % (len(i), i) for i in items)


# ------------------------------------------------------------------ generator rules

BLOCKING = {"BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP"}


def _timeout_of(args):
    name = args[0].upper().decode()
    return args[1] if name in ("BLMPOP", "BZMPOP") else args[-1]


def test_blocking_commands_wait_at_most_a_short_timeout():
    seen = 0
    for spec, cmds in _draws():
        if spec.name not in BLOCKING:
            continue
        seen += 1
        assert not spec.mutate, spec.name  # junk could become a timeout of 0
        timeout = _timeout_of(cmds[-1])
        if timeout in commands_lists.SHORT_TIMEOUTS:
            continue
        # Anything else must be a timeout Redis rejects at once.
        assert timeout in (b"-1", b"-0.5", b"abc", b"", b"nan", b"1 ", b"-inf", b"-1e300",
                           b"inf", b"1e300", b"9223372036854775807"), cmds
    assert seen > 300


def test_blocking_commands_never_touch_the_empty_key_with_a_write():
    for _, cmds in _draws():
        for args in cmds:
            if ag.EMPTY_KEY in args:
                assert args[0].upper() in (b"BLPOP", b"BRPOP", b"BRPOPLPUSH", b"BLMOVE",
                                           b"BLMPOP", b"BZPOPMIN", b"BZPOPMAX", b"BZMPOP",
                                           b"ZLEXCOUNT", b"ZRANGEBYLEX", b"ZREVRANGEBYLEX",
                                           b"ZREMRANGEBYLEX", b"ZRANGE", b"ZRANGESTORE",
                                           b"XREAD"), args
                if args[0].upper() == b"ZRANGESTORE":
                    assert args[1] != ag.EMPTY_KEY


def test_random_spop_is_followed_by_del_of_its_key():
    for spec, cmds in _draws():
        if spec.name != "SPOP":
            continue
        assert not spec.mutate
        spop = cmds[0]
        count = spop[2] if len(spop) > 2 else None
        whole = count is not None and count.isdigit() and int(count) >= 100000
        rejected = count is not None and not (count.isdigit() and int(count) > 0)
        if not (whole or rejected):
            assert len(cmds) == 2 and cmds[1] == [b"DEL", spop[1]], cmds


def test_lex_keys_only_ever_get_score_zero():
    for _, cmds in _draws():
        for args in cmds:
            name = args[0].upper()
            if name == b"ZADD" and args[1] in ag.LEX_KEYS:
                # (INCR by 0 keeps a score of 0.)
                rest = [a for a in args[2:] if a.upper() not in (b"NX", b"XX", b"GT", b"LT",
                                                                 b"CH", b"FOO", b"INCR")]
                scores = rest[0::2]
                bad = [s for s in scores if s != b"0"]
                # A bad score fails the whole ZADD.
                assert all(s in (b"nan", b"abc", b"") for s in bad), args
            if name in (b"ZINCRBY", b"ZUNIONSTORE", b"ZINTERSTORE", b"ZDIFFSTORE",
                        b"ZRANGESTORE"):
                assert args[1] not in ag.LEX_KEYS, args


def test_every_sort_runs_right_after_the_errno_reset():
    sorts = 0
    for spec, cmds in _draws():
        if spec.name in ("SORT", "SORT_RO") and cmds[0][0] not in (b"MSET", b"HSET"):
            sorts += 1
            assert cmds[0] == commands_sort.ERRNO_RESET and len(cmds) == 2
    assert sorts > 100


def test_no_subnormal_scores_and_no_store_of_an_undefined_sort_order():
    for spec, cmds in _draws():
        for args in cmds:
            name = args[0].upper()
            if name in (b"ZADD", b"ZINCRBY"):
                rest = [a for a in args[2:] if a.upper() not in (b"NX", b"XX", b"GT", b"LT",
                                                                 b"CH", b"FOO", b"INCR")]
                for a in (rest[0::2] if name == b"ZADD" else rest[:1]):
                    try:
                        value = float(a)
                    except ValueError:
                        continue
                    if value == value:  # not nan
                        assert value == 0 or abs(value) >= 2.2250738585072014e-308, args
        if spec.name == "SORT" and len(cmds) == 2:
            args = [a.upper() for a in cmds[1]]
            if b"STORE" in args and b"ALPHA" in args and b"BY" in args:
                by = cmds[1][args.index(b"BY") + 1]
                assert b"*" not in by, cmds


def test_streams_with_aggregates_start_with_thresholds_and_seed_data():
    stream = generator.generate_stream(3, 0, 50, commands.CommandTable(""), "seq")
    first = [step[0].args for step in stream.steps[:3]]
    assert first[0][:2] == [b"CONFIG", b"SET"] and b"zset-max-listpack-entries" in first[0]
    assert first[1][:2] == [b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD"]
    assert [b"RPUSH", b"l0"] == stream.steps[2][0].args[:2]
    # Without an aggregate command there is no prelude.
    plain = generator.generate_stream(3, 0, 50, commands.CommandTable("m1"), "seq")
    assert plain.steps[0][0].args[0] != b"CONFIG"


def test_every_family_command_is_drawn_and_mostly_well_formed():
    names = {n for p in ("lists", "hashes", "sets", "zsets", "sort") for n in commands.PRESETS[p]}
    drawn = {spec.name for spec, _ in _draws()}
    assert names <= drawn


# ------------------------------------------------------------------ normalizers


def test_random_members_whole_set_is_compared_as_a_multiset():
    args = [b"SPOP", b"s", b"100000"]
    assert runner.compare_reply(args, _arr(b"a", b"b"), _arr(b"b", b"a"), 0) is None
    assert runner.compare_reply(args, _arr(b"a", b"b"), _arr(b"a", b"c"), 0) is not None
    assert runner.compare_reply(args, _arr(b"a"), _arr(b"a", b"b"), 0) is not None


def test_random_members_partial_draws_compare_their_size_and_distinctness():
    args = [b"SRANDMEMBER", b"s", b"2"]
    assert runner.compare_reply(args, _arr(b"a", b"b"), _arr(b"c", b"d"), 0) is None
    assert runner.compare_reply(args, _arr(b"a", b"a"), _arr(b"c", b"d"), 0) is not None
    neg = [b"SRANDMEMBER", b"s", b"-3"]
    assert runner.compare_reply(neg, _arr(b"a", b"a", b"a"), _arr(b"a", b"b", b"a"), 0) is None
    assert runner.compare_reply(neg, _arr(b"a", b"a"), _arr(b"a", b"b", b"a"), 0) is not None
    one = [b"HRANDFIELD", b"h"]
    assert runner.compare_reply(one, b"$1\r\na\r\n", b"$1\r\nb\r\n", 0) is None
    assert runner.compare_reply(one, b"$1\r\na\r\n", b"$-1\r\n", 0) is not None
    err = [b"ZRANDMEMBER", b"z", b"abc"]
    assert runner.compare_reply(err, b"-ERR a\r\n", b"-ERR b\r\n", 0) is not None


def test_random_members_with_values_keep_pairs_together():
    args = [b"HRANDFIELD", b"h", b"5", b"WITHVALUES"]
    assert runner.compare_reply(args, _arr(b"f", b"1", b"g", b"2"),
                                _arr(b"g", b"2", b"f", b"1"), 0) is None
    assert runner.compare_reply(args, _arr(b"f", b"1", b"g", b"2"),
                                _arr(b"f", b"2", b"g", b"1"), 0) is not None
    # RESP3 nests each pair.
    pair = lambda f, v: b"*2\r\n$1\r\n%s\r\n$1\r\n%s\r\n" % (f, v)  # noqa: E731
    a = b"*2\r\n" + pair(b"f", b"1") + pair(b"g", b"2")
    b = b"*2\r\n" + pair(b"g", b"2") + pair(b"f", b"1")
    assert runner.compare_reply(args, a, b, 0) is None


def _scan(cursor: bytes, *items: bytes) -> bytes:
    return b"*2\r\n$%d\r\n%s\r\n" % (len(cursor), cursor) + _arr(*items)


def test_scan_members_whole_scan_is_compared_partial_pages_by_shape():
    full = [b"HSCAN", b"h", b"0", b"COUNT", b"100000"]
    assert runner.compare_reply(full, _scan(b"0", b"f", b"1", b"g", b"2"),
                                _scan(b"0", b"g", b"2", b"f", b"1"), 0) is None
    assert runner.compare_reply(full, _scan(b"0", b"f", b"1", b"g", b"2"),
                                _scan(b"0", b"f", b"2", b"g", b"1"), 0) is not None
    assert runner.compare_reply(full, _scan(b"0", b"f", b"1"),
                                _scan(b"12", b"f", b"1"), 0) is not None
    page = [b"SSCAN", b"s", b"0", b"COUNT", b"1"]
    assert runner.compare_reply(page, _scan(b"0", b"a"), _scan(b"7", b"b", b"c"), 0) is None
    assert runner.compare_reply(page, _scan(b"0", b"a"), b"-ERR x\r\n", 0) is not None


def test_sort_is_exact_unless_its_order_is_undefined():
    sorted_ab, sorted_ba = _arr(b"a", b"b"), _arr(b"b", b"a")
    assert runner.compare_reply([b"SORT", b"k", b"ALPHA"], sorted_ab, sorted_ba, 0) is not None
    assert runner.compare_reply([b"SORT", b"k", b"BY", b"w_*"], sorted_ab, sorted_ba, 0)
    assert runner.compare_reply([b"SORT", b"k", b"BY", b"nosort"], sorted_ab, sorted_ba, 0) is None
    assert runner.compare_reply([b"SORT", b"k", b"BY", b"nosort"], sorted_ab,
                                _arr(b"a", b"c"), 0) is not None
    assert runner.compare_reply([b"SORT_RO", b"k", b"by", b"w_*", b"alpha"], sorted_ab,
                                sorted_ba, 0) is None
    # GET groups stay together.
    gets = [b"SORT", b"k", b"BY", b"x", b"GET", b"#", b"GET", b"w_*"]
    assert runner.compare_reply(gets, _arr(b"a", b"1", b"b", b"2"),
                                _arr(b"b", b"2", b"a", b"1"), 0) is None
    assert runner.compare_reply(gets, _arr(b"a", b"1", b"b", b"2"),
                                _arr(b"a", b"2", b"b", b"1"), 0) is not None
    # Under LIMIT only the number of groups; with STORE the count, exactly.
    limit = [b"SORT", b"k", b"BY", b"x", b"LIMIT", b"0", b"2"]
    assert runner.compare_reply(limit, sorted_ab, _arr(b"c", b"d"), 0) is None
    store = [b"SORT", b"k", b"BY", b"x", b"STORE", b"d"]
    assert runner.compare_reply(store, b":2\r\n", b":3\r\n", 0) is not None


# ------------------------------------------------------------------ state digest


def _digest_server(label, encoding: bytes, fields: list):
    def reply(args, n):
        name = args[0].upper()
        if name == b"KEYS":
            return _arr(b"h")
        if name == b"DBSIZE":
            return b":1\r\n"
        if name == b"TYPE":
            return b"+hash\r\n"
        if name == b"OBJECT":
            return b"$%d\r\n%s\r\n" % (len(encoding), encoding)
        if name == b"HGETALL":
            return _arr(*fields)
        if name == b"HSCAN":
            return _scan(b"0", *fields)
        if name == b"PTTL":
            return b":-1\r\n"
        return b"+OK\r\n"
    return FakeServer(label, reply)


@pytest.mark.parametrize("encoding,differs", [(b"listpack", True), (b"hashtable", False)])
def test_digest_compares_field_order_only_where_the_encoding_defines_it(encoding, differs):
    a = _digest_server("a", encoding, [b"f", b"1", b"g", b"2"])
    b = _digest_server("b", encoding, [b"g", b"2", b"f", b"1"])
    try:
        m = runner.compare_digests(runner.state_digest(a, dbs=(0,)),
                                   runner.state_digest(b, dbs=(0,)))
        assert (m is not None) == differs
        if differs:
            assert "HGETALL" in m.what
    finally:
        a.close()
        b.close()


def test_lex_commands_only_read_lex_keys_or_keys_that_never_hold_a_sorted_set():
    safe = set(ag.LEX_KEYS) | {ag.EMPTY_KEY, b"nokey"} | set(generator.LCS_KEYS)
    for spec, cmds in _draws():
        if spec.name in ("ZLEXCOUNT", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREMRANGEBYLEX"):
            assert not spec.mutate_replace
            assert cmds[0][1] in safe, cmds
        if spec.name in ("ZRANGE", "ZRANGESTORE") and b"BYLEX" in cmds[0]:
            assert not spec.mutate_replace
            assert cmds[0][1 if spec.name == "ZRANGE" else 2] in safe, cmds
