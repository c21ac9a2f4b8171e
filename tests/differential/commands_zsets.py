"""Differential entries for the sorted-set commands (preset `zsets`).

Every Z* command of Redis 7.0. Scores mix integers, fractions, +/-inf, -0,
denormals and values next to the double limits, and bad ones (nan, "(1",
"abc"); score ranges exclusive "(1.5" and infinite; lex ranges "[a" "(b" "-"
"+" and bad ones. The *BYLEX commands only run on the lex keys (all scores 0,
see aggregates.py), and nothing that writes a score other than 0 writes those.

Blocking forms (BZPOPMIN BZPOPMAX BZMPOP) are drawn as the blocking list
commands are (see commands_lists.py): after a ZADD to their first key, with a
timeout rejected at once, or rarely with a 10 ms timeout on keys that may be
empty. ZRANDMEMBER and ZSCAN are compared by shape (normalize.py).
"""

from __future__ import annotations

from . import aggregates as ag
from . import normalize as nz
from .commands_lists import blocking_draw
from .registry import cmd, command, shuffled

ZMEMBERS = ag.WORDS + (b"m3", b"m4", b"1", b"2", b"-1")


# Most members come from a few, so that commands naming a member find it.
CORE_MEMBERS = (b"a", b"b", b"c", b"aa", b"m1", b"m2", b"1", b"2")


def zmember(g) -> bytes:
    if g.chance(0.6):
        return g.pick(CORE_MEMBERS)
    if g.chance(0.85):
        return g.pick(ZMEMBERS)
    return g.value(short=True) if g.chance(0.6) else g.word_bytes(g.pick((64, 65, 120)))


def _pairs(g, key: bytes) -> list:
    lex = key in ag.LEX_KEYS
    if g.chance(0.04):  # past zset-max-listpack-entries
        n = g.rng.randint(100, 300)
        return [a for i in range(n)
                for a in (b"0" if lex else b"%d" % g.rng.randint(-50, 50), b"m%d" % i)]
    out = []
    for _ in range(g.rng.randint(1, 4)):
        if lex:  # all zero; a bad score fails the whole ZADD
            out.append(b"0" if g.chance(0.95) else g.pick((b"nan", b"abc", b"")))
        else:
            out.append(ag.score(g))
        out.append(zmember(g))
    return out


def seed(g) -> list:
    """Commands that fill some sorted-set keys at the start of a stream."""
    def pairs(n, lex):
        return [a for _ in range(n) for a in (b"0" if lex else g.pick(SEED_SCORES), zmember(g))]
    return [cmd("ZADD", b"z0", *pairs(g.rng.randint(3, 10), False)),
            cmd("ZADD", b"z1", *pairs(g.rng.randint(2, 8), False)),
            cmd("ZADD", b"zl0", *pairs(g.rng.randint(3, 10), True))]


SEED_SCORES = (b"0", b"1", b"2", b"3", b"1.5", b"-1", b"10", b"inf", b"-inf", b"0.1")


def _zadd_key(g) -> bytes:
    return g.pick(ag.LEX_KEYS) if g.chance(0.2) else ag.score_zset_key(g)


# Never a junk argument in place of a real one: junk such as "1.5" in place
# of a score would break the all-zero scores of a lex key.
@command("ZADD", 5, mutate_replace=False)
def _zadd(g):
    key = _zadd_key(g)
    lex = key in ag.LEX_KEYS
    flags = []
    if g.chance(0.15):
        flags.append([g.pick((b"NX", b"XX"))])
    if g.chance(0.15):
        flags.append([g.pick((b"GT", b"LT"))])
    if g.chance(0.2):
        flags.append([b"CH"])
    incr = not lex and g.chance(0.12)
    if incr:
        flags.append([b"INCR"])
    if g.chance(0.05):  # conflicting or unknown flags
        flags.append([g.pick((b"NX", b"XX", b"GT", b"LT", b"INCR", b"FOO"))])
    pairs = _pairs(g, key)
    if incr and g.chance(0.85):
        pairs = pairs[:2]
    return cmd("ZADD", key, *shuffled(g, flags), *pairs)


@command("ZINCRBY", 1.2)
def _zincrby(g):
    return cmd("ZINCRBY", ag.score_zset_key(g), ag.score(g), zmember(g))


@command("ZCARD", 0.7)
def _zcard(g):
    return cmd("ZCARD", ag.zset_key(g))


@command("ZSCORE", 1.2)
def _zscore(g):
    return cmd("ZSCORE", ag.zset_key(g), zmember(g))


@command("ZMSCORE", 0.8)
def _zmscore(g):
    return cmd("ZMSCORE", ag.zset_key(g), *[zmember(g) for _ in range(g.rng.randint(1, 4))])


def _rank(name: str):
    @command(name, 0.8)
    def gen(g):
        args = cmd(name, ag.zset_key(g), zmember(g))
        # WITHSCORE arrived in Redis 7.2: Redis 7.0 answers a syntax error.
        return args + [b"WITHSCORE"] if g.chance(0.03) else args
    return gen


_rank("ZRANK")
_rank("ZREVRANK")


@command("ZREM")
def _zrem(g):
    return cmd("ZREM", ag.zset_key(g), *[zmember(g) for _ in range(g.rng.randint(1, 4))])


@command("ZCOUNT", 0.8)
def _zcount(g):
    return cmd("ZCOUNT", ag.zset_key(g), *ag.score_range(g))


# The lex commands never get a junk argument in place of a real one: junk in
# place of the key (such as "", a main key) may name a sorted set with mixed
# scores.
@command("ZLEXCOUNT", 0.8, mutate_replace=False)
def _zlexcount(g):
    return cmd("ZLEXCOUNT", ag.lex_key(g), *ag.lex_range(g))


@command("ZREMRANGEBYRANK", 0.5)
def _zremrangebyrank(g):
    return cmd("ZREMRANGEBYRANK", ag.zset_key(g), *ag.index_range(g))


@command("ZREMRANGEBYSCORE", 0.5)
def _zremrangebyscore(g):
    return cmd("ZREMRANGEBYSCORE", ag.zset_key(g), *ag.score_range(g))


@command("ZREMRANGEBYLEX", 0.5, mutate_replace=False)
def _zremrangebylex(g):
    return cmd("ZREMRANGEBYLEX", ag.lex_key(g), *ag.lex_range(g))


# ------------------------------------------------------------------ ranges


def _limit(g) -> list:
    return [b"LIMIT", g.pick((b"0", b"0", b"1", b"2", b"-1", b"5", b"abc")),
            g.pick((b"-1", b"0", b"1", b"2", b"3", b"10", b"-5", b"9223372036854775807",
                    b"abc"))]


def _zrange_args(g, with_scores: bool) -> tuple:
    """(key, range arguments and options) of ZRANGE / ZRANGESTORE."""
    r = g.rng.random()
    rev = g.chance(0.35)
    options = []
    if r < 0.45:
        key, (lo, hi) = ag.zset_key(g), ag.index_range(g)
    elif r < 0.8:
        key, (lo, hi) = ag.zset_key(g), ag.score_range(g, rev)
        options.append([b"BYSCORE"])
    else:
        key, (lo, hi) = ag.lex_key(g), ag.lex_range(g, rev)
        options.append([b"BYLEX"])
    if rev:
        options.append([b"REV"])
    if options and options[0] != [b"REV"] and g.chance(0.35):
        options.append(_limit(g))
    if with_scores and r < 0.8 and g.chance(0.4):  # not with BYLEX
        options.append([b"WITHSCORES"])
    if g.chance(0.04):  # combinations Redis rejects (or reads as the last BY*)
        bad = [[b"LIMIT", b"0", b"1"], [b"BYSCORE"], [b"WITHSCORES"], [b"LIMIT"], [b"FOO"],
               [b"LIMIT", b"0"]]
        if r >= 0.8:  # BYLEX only where a lex range is defined
            bad.append([b"BYLEX"])
        options.append(g.pick(bad))
    return key, [lo, hi, *shuffled(g, options)]


@command("ZRANGE", 2.5, mutate_replace=False)
def _zrange(g):
    key, rest = _zrange_args(g, True)
    return cmd("ZRANGE", key, *rest)


@command("ZRANGESTORE", 1, mutate_replace=False)
def _zrangestore(g):
    key, rest = _zrange_args(g, False)
    return cmd("ZRANGESTORE", ag.store_key(g, ag.ZSET_KEYS), key, *rest)


@command("ZREVRANGE", 0.8)
def _zrevrange(g):
    args = cmd("ZREVRANGE", ag.zset_key(g), *ag.index_range(g))
    return args + [b"WITHSCORES"] if g.chance(0.4) else args


def _by_score(name: str, rev: bool):
    @command(name, 0.8)
    def gen(g):
        options = []
        if g.chance(0.4):
            options.append([b"WITHSCORES"])
        if g.chance(0.35):
            options.append(_limit(g))
        if g.chance(0.03):
            options.append([g.pick((b"LIMIT", b"FOO", b"REV"))])
        return cmd(name, ag.zset_key(g), *ag.score_range(g, rev), *shuffled(g, options))
    return gen


_by_score("ZRANGEBYSCORE", False)
_by_score("ZREVRANGEBYSCORE", True)


def _by_lex(name: str, rev: bool):
    @command(name, 0.6, mutate_replace=False)
    def gen(g):
        args = cmd(name, ag.lex_key(g), *ag.lex_range(g, rev))
        if g.chance(0.35):
            args += _limit(g)
        if g.chance(0.04):
            args += [g.pick((b"WITHSCORES", b"LIMIT", b"FOO"))]
        return args
    return gen


_by_lex("ZRANGEBYLEX", False)
_by_lex("ZREVRANGEBYLEX", True)


# ------------------------------------------------------------------ set operations


def _source_key(g) -> bytes:
    """ZUNION & co also read plain sets (every member with score 1)."""
    r = g.rng.random()
    if r < 0.7:
        return ag.zset_key(g)
    if r < 0.85:
        return g.pick(ag.SET_KEYS)
    return ag.any_agg_key(g)


def _sources(g) -> list:
    keys = [_source_key(g) for _ in range(g.rng.randint(1, 3))]
    if g.chance(0.92):
        return [b"%d" % len(keys), *keys]
    return [g.pick((b"0", b"-1", b"abc", b"%d" % (len(keys) + 1), b"2147483648")), *keys]


def _weights_aggregate(g, nkeys: int) -> list:
    options = []
    if g.chance(0.35):
        n = nkeys if g.chance(0.9) else nkeys + g.pick((-1, 1))
        options.append([b"WEIGHTS", *[g.pick((b"1", b"2", b"0", b"-1", b"0.5", b"1.5", b"inf",
                                              b"-inf", b"0.1", b"nan", b"abc", b"3"))
                                      for _ in range(max(0, n))]])
    if g.chance(0.35):
        options.append([b"AGGREGATE", g.pick((b"SUM", b"MIN", b"MAX", b"min", b"FOO"))])
    return options


def _combine(name: str, weight: float, store: bool, diff: bool):
    @command(name, weight)
    def gen(g):
        sources = _sources(g)
        options = [] if diff else _weights_aggregate(g, len(sources) - 1)
        if not store and g.chance(0.4):
            options.append([b"WITHSCORES"])
        if g.chance(0.03):
            options.append([g.pick((b"WEIGHTS", b"AGGREGATE", b"FOO", b"LIMIT"))])
        head = [ag.store_key(g, ag.ZSET_KEYS)] if store else []
        return cmd(name, *head, *sources, *shuffled(g, options))
    return gen


_combine("ZUNION", 0.8, store=False, diff=False)
_combine("ZINTER", 0.8, store=False, diff=False)
_combine("ZDIFF", 0.8, store=False, diff=True)
_combine("ZUNIONSTORE", 0.8, store=True, diff=False)
_combine("ZINTERSTORE", 0.8, store=True, diff=False)
_combine("ZDIFFSTORE", 0.8, store=True, diff=True)


@command("ZINTERCARD", 0.7)
def _zintercard(g):
    args = cmd("ZINTERCARD", *_sources(g))
    if g.chance(0.4):
        args += [b"LIMIT", g.pick((b"0", b"1", b"2", b"5", b"-1", b"abc"))]
    if g.chance(0.03):
        args += [g.pick((b"LIMIT", b"FOO", b"WITHSCORES"))]
    return args


# ------------------------------------------------------------------ pops


def _zpop(name: str):
    @command(name, 0.8)
    def gen(g):
        args = cmd(name, ag.zset_key(g))
        return args + [ag.count(g, -1, 6)] if g.chance(0.5) else args
    return gen


_zpop("ZPOPMIN")
_zpop("ZPOPMAX")


def _zmpop_tail(g) -> list:
    tail = [g.pick((b"MIN", b"MAX", b"min")) if g.chance(0.93) else g.pick((b"LEFT", b""))]
    if g.chance(0.5):
        tail += [b"COUNT", ag.count(g, -1, 6)]
    if g.chance(0.04):
        tail += g.pick(([b"COUNT"], [b"COUNT", b"1", b"COUNT", b"2"], [b"FOO"]))
    return tail


@command("ZMPOP", 0.8)
def _zmpop(g):
    keys = [ag.zset_key(g) for _ in range(g.rng.randint(1, 3))]
    numkeys = b"%d" % len(keys) if g.chance(0.92) else g.pick((b"0", b"-1", b"abc", b"5"))
    return cmd("ZMPOP", numkeys, *keys, *_zmpop_tail(g))


def _zblocking(g, make):
    """As commands_lists._blocking, with a ZADD (scores 0 on a lex key)."""
    def fill(src):
        setup = [b"0" if src in ag.LEX_KEYS else g.pick((b"1", b"2", b"-1.5", b"inf"))
                 for _ in range(2)]
        return cmd("ZADD", src, setup[0], zmember(g), setup[1], zmember(g))
    return blocking_draw(g, make, fill)


def _bzpop(name: str):
    @command(name, 0.5, mutate=False)
    def gen(g):
        def make(timeout):
            keys = [ag.zset_key(g) for _ in range(g.rng.randint(1, 3))]
            return cmd(name, *keys, timeout), keys[0]
        return _zblocking(g, make)
    return gen


_bzpop("BZPOPMIN")
_bzpop("BZPOPMAX")


@command("BZMPOP", 0.5, mutate=False)
def _bzmpop(g):
    def make(timeout):
        keys = [ag.zset_key(g) for _ in range(g.rng.randint(1, 3))]
        return cmd("BZMPOP", timeout, b"%d" % len(keys), *keys, *_zmpop_tail(g)), keys[0]
    return _zblocking(g, make)


# ------------------------------------------------------------------ random / scan


@command("ZRANDMEMBER", 0.8, norm=nz.random_members)
def _zrandmember(g):
    args = cmd("ZRANDMEMBER", ag.zset_key(g))
    if g.chance(0.25):
        return args
    args.append(ag.positive_count(g))
    if g.chance(0.4):
        args.append(b"WITHSCORES" if g.chance(0.9) else g.pick((b"WITHVALUES", b"FOO")))
    return args


@command("ZSCAN", 0.7, norm=nz.scan_members, mutate_replace=False)
def _zscan(g):
    from .commands_hashes import scan_options
    return cmd("ZSCAN", ag.zset_key(g), *scan_options(g))
