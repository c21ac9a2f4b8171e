"""Keys and arguments shared by the list, hash, set, sorted-set and SORT entries.

Typed key pools. Every family has its own keys (`l0`.., `h0`.., `s0`..,
`z0`..) so that its commands mostly meet values of their own type; now and
then a generator draws a main-pool key (k0.., shared with the string
commands) or a key of another family on purpose, for WRONGTYPE replies (a
write there may also create a value of another family: harmless).
Destinations that are overwritten whatever they hold (the *STORE forms,
SORT ... STORE) are keys of their own family or of the main pool.

Lex keys (`zl0`..) are sorted sets whose members all have score 0: the
*BYLEX commands are only defined on such sets (on mixed scores Redis's answer
depends on its skiplist's random levels), so only lex-safe commands write
them and every score written there is 0.

Encodings. Small and large values of each family are made (bulk pushes of
100-700 members, members longer than 64 bytes or not integers) and the
stream prelude (`stream_prelude`) sets the encoding thresholds either to
Redis's defaults or very low, so both listpack/intset and
hashtable/skiplist/multi-node quicklist code runs.
"""

from __future__ import annotations

LIST_KEYS = (b"l0", b"l1", b"{t}l")
HASH_KEYS = (b"h0", b"h1", b"{t}h")
SET_KEYS = (b"s0", b"s1", b"s2", b"{t}s")
ZSET_KEYS = (b"z0", b"z1", b"{t}z")
LEX_KEYS = (b"zl0", b"zl1")
# Never written by any generator: a blocking pop on it always times out.
EMPTY_KEY = b"blk:empty"
ALL_TYPED = LIST_KEYS + HASH_KEYS + SET_KEYS + ZSET_KEYS + LEX_KEYS

WORDS = (b"a", b"b", b"c", b"aa", b"ab", b"abc", b"b1", b"hello", b"", b"x y", b"m1", b"m2",
         b"\xff\x00", b"Z")
NUMBERISH = (b"0", b"1", b"-1", b"2", b"3", b"10", b"007", b"1.5", b"-2.5", b"1e3",
             b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808",
             b"18446744073709551616", b" 5", b"+5", b"-0", b"inf", b"nan")


def _typed(g, pool: tuple, own: float = 0.8) -> bytes:
    """A key of `pool` mostly; else from the main pool or another family."""
    r = g.rng.random()
    if r < own:
        return g.pick(pool)
    if r < own + (1 - own) * 0.7:
        return g.key()
    return g.pick(ALL_TYPED)


def list_key(g) -> bytes:
    return _typed(g, LIST_KEYS)


def hash_key(g) -> bytes:
    return _typed(g, HASH_KEYS)


def set_key(g) -> bytes:
    return _typed(g, SET_KEYS)


def zset_key(g) -> bytes:
    """A key for commands that do not write scores (lex keys included)."""
    return _typed(g, ZSET_KEYS + LEX_KEYS[:1])


def score_zset_key(g) -> bytes:
    """A key that may receive any score: never a lex key."""
    r = g.rng.random()
    if r < 0.8:
        return g.pick(ZSET_KEYS)
    if r < 0.95:
        return g.key()
    return g.pick(LIST_KEYS + HASH_KEYS + SET_KEYS)  # WRONGTYPE


def lex_key(g) -> bytes:
    """A lex key, or one that never holds a sorted set: any other key may
    hold one with mixed scores (a ZADD meant to fail with WRONGTYPE creates
    it when the key is missing)."""
    r = g.rng.random()
    if r < 0.9:
        return g.pick(LEX_KEYS)
    return g.pick((g.lcs_key(), EMPTY_KEY, b"nokey"))  # LCS keys only ever hold strings


def store_key(g, pool: tuple) -> bytes:
    """A destination that the command may overwrite whatever it holds."""
    return g.pick(pool) if g.chance(0.8) else g.key()


def any_agg_key(g) -> bytes:
    return g.pick(ALL_TYPED) if g.chance(0.8) else g.key()


# ------------------------------------------------------------------ numbers


def count(g, lo: int = -3, hi: int = 6) -> bytes:
    """A COUNT-like argument: small, edge, huge, or not an integer."""
    r = g.rng.random()
    if r < 0.83:
        return g.num(lo, hi)
    if r < 0.93:
        return g.pick((b"0", b"1000", b"9223372036854775807", b"-9223372036854775808",
                       b"4294967296"))
    return g.pick((b"abc", b"1.5", b"", b" 1", b"99999999999999999999", b"0x10"))


def positive_count(g) -> bytes:
    """A count for commands whose negative counts mean 'repeat': never a big
    negative one (SRANDMEMBER -1000000000 would build a billion-element reply)."""
    r = g.rng.random()
    if r < 0.85:
        return g.num(-12, 12)
    if r < 0.94:
        return g.pick((b"0", b"1000", b"9223372036854775807", b"-9223372036854775808",
                       b"-200"))
    return g.pick((b"abc", b"1.5", b"", b"99999999999999999999"))


def index(g) -> bytes:
    r = g.rng.random()
    if r < 0.88:
        return g.num(-12, 12)
    if r < 0.97:
        return g.pick((b"9223372036854775807", b"-9223372036854775808", b"1000",
                       b"-1000", b"2147483648"))
    return g.pick((b"abc", b"1.5", b"", b"+1", b"0x1"))


def score(g) -> bytes:
    """A score. Never a subnormal one (5e-324): Redis's SORT of a listpack
    sorted set holding one fails for a reason that is not about the data (the
    conversion to a skiplist leaves errno at ERANGE, see commands_sort.py)."""
    r = g.rng.random()
    if r < 0.66:
        return g.pick((b"0", b"1", b"2", b"3", b"-1", b"10", b"100", b"1.5", b"-2.5", b"0.1",
                       b"0.2", b"1e3"))
    if r < 0.86:
        return g.pick((b"inf", b"-inf", b"+inf", b"-0", b"3.0", b"1e-5", b"1e308",
                       b"-1e308", b"1.7976931348623157e308", b"2.2250738585072014e-308",
                       b"9007199254740993",
                       b"123456789.123456789", b".5", b"5.", b"+2"))
    if r < 0.96:
        return g.num(-50, 50)
    return g.pick((b"nan", b"abc", b"", b"1.5.5", b"(1", b"0x10", b" 1", b"1e", b"-nan",
                   b"infinity", b"1 "))


def score_bound(g) -> bytes:
    """A min/max of ZRANGEBYSCORE and friends."""
    r = g.rng.random()
    if r < 0.25:
        return g.pick((b"-inf", b"+inf", b"inf", b"-inf", b"+inf"))
    if r < 0.6:
        return g.pick((b"0", b"1", b"2", b"-1", b"1.5", b"10", b"100", b"-2.5", b"3"))
    if r < 0.95:
        return b"(" + g.pick((b"0", b"1", b"2", b"1.5", b"-1", b"10", b"inf", b"-inf", b"3"))
    return g.pick((b"abc", b"nan", b"(nan", b"", b"(", b"((1", b"[1", b"1e", b"( 1"))


def lex_bound(g) -> bytes:
    r = g.rng.random()
    if r < 0.25:
        return g.pick((b"-", b"+"))
    if r < 0.95:
        return g.pick((b"[", b"(")) + g.pick(WORDS[:8] + (b"", b"\xff"))
    return g.pick((b"a", b"", b"*", b"=a", b"-a", b"+a", b"[\x00"))


def direction(g) -> bytes:
    if g.chance(0.93):
        return g.pick((b"LEFT", b"RIGHT", b"left", b"Right"))
    return g.pick((b"UP", b"", b"LEF", b"LEFTX"))


def timeout_error(g) -> bytes:
    """A timeout every server rejects at once (never one that blocks)."""
    return g.pick((b"-1", b"-0.5", b"abc", b"", b"nan", b"1 ", b"-inf", b"-1e300", b"inf",
                   b"1e300", b"9223372036854775807"))


# ------------------------------------------------------------------ stream prelude

_DEFAULT_THRESHOLDS = (
    (b"list-max-listpack-size", b"-2"), (b"list-compress-depth", b"0"),
    (b"hash-max-listpack-entries", b"128"), (b"hash-max-listpack-value", b"64"),
    (b"set-max-intset-entries", b"512"),
    (b"zset-max-listpack-entries", b"128"), (b"zset-max-listpack-value", b"64"),
)


def stream_prelude(g) -> list:
    """CONFIG SET of every encoding threshold: Redis's defaults for half the
    streams, small values for the others (so that a handful of members
    already converts a hash to a hashtable, a list spreads over many quicklist
    nodes, compressed in the middle, and large elements become plain nodes)."""
    if g.chance(0.5):
        return [[b"CONFIG", b"SET", *[a for pair in _DEFAULT_THRESHOLDS for a in pair]],
                [b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"0"]]
    low = {
        b"list-max-listpack-size": g.pick((b"1", b"2", b"3", b"5", b"-1", b"-2")),
        b"list-compress-depth": g.pick((b"0", b"1", b"2")),
        b"hash-max-listpack-entries": g.pick((b"0", b"1", b"3", b"8")),
        b"hash-max-listpack-value": g.pick((b"1", b"4", b"16", b"64")),
        b"set-max-intset-entries": g.pick((b"0", b"1", b"3", b"8")),
        b"zset-max-listpack-entries": g.pick((b"0", b"1", b"3", b"8")),
        b"zset-max-listpack-value": g.pick((b"1", b"4", b"16", b"64")),
    }
    # Elements above this many bytes go to plain (unpacked) quicklist nodes.
    packed = g.pick((b"0", b"0", b"100", b"2000"))
    return [[b"CONFIG", b"SET", *[a for name, _ in _DEFAULT_THRESHOLDS for a in (name, low[name])]],
            [b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", packed]]


# ------------------------------------------------------------------ ranges
# Ordered pairs most of the time (an empty range is a less useful test), the
# bounds drawn independently otherwise.

_SCORE_POINTS = (b"-inf", b"-2.5", b"-1", b"0", b"0.1", b"1", b"1.5", b"2", b"3", b"10", b"100",
                 b"+inf")
_LEX_POINTS = (b"", b"1", b"a", b"aa", b"ab", b"abc", b"b", b"b1", b"hello", b"m1", b"m2",
               b"x y", b"\xff")


def _ordered(g, points: tuple) -> tuple:
    i, j = sorted((g.rng.randrange(len(points)), g.rng.randrange(len(points))))
    return points[i], points[j]


def score_range(g, rev: bool = False) -> tuple:
    """(min, max) of ZRANGEBYSCORE & co; (max, min) when rev."""
    if g.chance(0.7):
        lo, hi = (b"(" + b if g.chance(0.25) else b for b in _ordered(g, _SCORE_POINTS))
    else:
        lo, hi = score_bound(g), score_bound(g)
    return (hi, lo) if rev else (lo, hi)


def lex_range(g, rev: bool = False) -> tuple:
    """(min, max) of ZRANGEBYLEX & co; (max, min) when rev."""
    if g.chance(0.7):
        lo, hi = _ordered(g, _LEX_POINTS)
        lo = b"-" if g.chance(0.15) else g.pick((b"[", b"(")) + lo
        hi = b"+" if g.chance(0.15) else g.pick((b"[", b"(")) + hi
    else:
        lo, hi = lex_bound(g), lex_bound(g)
    return (hi, lo) if rev else (lo, hi)


def index_range(g) -> tuple:
    """start, stop of LRANGE-like commands."""
    if g.chance(0.6):
        return g.pick((b"0", b"0", b"1", b"2", b"-3", b"-2")), g.pick((b"-1", b"-1", b"2", b"5",
                                                                         b"-2", b"100"))
    return index(g), index(g)
