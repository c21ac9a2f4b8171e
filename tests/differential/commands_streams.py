"""Differential entries for the stream commands (preset `streams`): XADD
XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD.

Determinism. An ID XADD generates from the clock ("*") differs between the
two servers, so "*" is only drawn right after an XADD of an explicit ID far
in the future on the same key (a Seq): the generated ID is then that ID's
successor on both. Every other ID is explicit, or "<ms>-*" (the next seq
after the last ID, or 0). Approximate trims ("~") depend only on node
boundaries, which depend on stream-node-max-entries / -bytes: the stream
prelude (`seed`) sets both the same way on both servers.

XREAD with BLOCK never waits long: it reads from ID 0 of a key an XADD
has just filled (a Seq), or uses a timeout every server rejects, or rarely
waits 10 ms on an empty key (the null reply after the timeout). XREAD is
never mutated generically (junk could become "BLOCK 0").
"""

from __future__ import annotations

from . import aggregates as ag
from .registry import Seq, cmd, command

STREAM_KEYS = (b"x0", b"x1", b"{t}x")
FIELDS = (b"f", b"g", b"name", b"1", b"", b"x y", b"\xff\x00")
# Far past every small ms the generator uses: "*" after it is deterministic.
FUTURE_MS = 99999999999990


def stream_key(g) -> bytes:
    return ag._typed(g, STREAM_KEYS)


def field_values(g) -> list:
    """Field/value pairs: often the same fields in the same order (SAMEFIELDS
    entries), sometimes others, now and then a large or odd value."""
    if g.chance(0.5):
        fields = [b"f", b"g"][:g.rng.randint(1, 2)]
    else:
        fields = [g.pick(FIELDS) for _ in range(g.rng.randint(1, 4))]
    out = []
    for f in fields:
        out += [f, g.pick(ag.WORDS + ag.NUMBERISH) if g.chance(0.85) else g.value()]
    return out


def small_id(g) -> bytes:
    """An explicit ID, mostly small and close to others so XADDs collide."""
    r = g.rng.random()
    ms = g.rng.randint(1, 40)
    if r < 0.45:
        return b"%d-%d" % (ms, g.rng.randint(0, 3))
    if r < 0.65:
        return b"%d" % ms
    if r < 0.85:
        return b"%d-*" % ms
    return g.pick((b"0-0", b"0", b"0-*", b"0-1", b"-", b"+", b"abc", b"1-x", b"1-2-3", b"",
                   b"18446744073709551615-18446744073709551615", b"18446744073709551615-*",
                   b"18446744073709551616", b"-1"))


def range_bound(g, end: bool) -> bytes:
    r = g.rng.random()
    if r < 0.3:
        return b"+" if end else b"-"
    if r < 0.75:
        return b"%d" % g.rng.randint(0, 45) if g.chance(0.5) else \
            b"%d-%d" % (g.rng.randint(0, 45), g.rng.randint(0, 3))
    if r < 0.93:
        return b"(%d-%d" % (g.rng.randint(0, 45), g.rng.randint(0, 3)) if g.chance(0.7) else \
            b"(%d" % g.rng.randint(0, 45)
    return g.pick((b"(", b"(-", b"(+", b"x", b"(0-0", b"(18446744073709551615-18446744073709551615",
                   b"+" if not end else b"-", b"1-"))


def trim_options(g, xtrim: bool) -> list:
    """MAXLEN|MINID [=|~] threshold [LIMIT n], sometimes wrong."""
    strategy = g.pick((b"MAXLEN", b"MINID", b"maxlen", b"minid"))
    out = [strategy]
    approx = g.rng.random()
    if approx < 0.4:
        out.append(b"~")
    elif approx < 0.6:
        out.append(b"=")
    if strategy.upper() == b"MAXLEN":
        out.append(g.pick((b"0", b"1", b"2", b"5", b"10", b"50")) if g.chance(0.9)
                   else g.pick((b"-1", b"abc", b"1.5")))
    else:
        out.append(b"%d" % g.rng.randint(0, 45) if g.chance(0.9)
                   else g.pick((b"+", b"-", b"x", b"5-*")))
    if g.chance(0.3):
        out += [b"LIMIT", g.pick((b"0", b"1", b"3", b"10", b"100", b"-1", b"x"))]
    if g.chance(0.04):
        out += g.pick(([b"MINID", b"1"], [b"LIMIT"], [b"FOO"] if xtrim else [b"NOMKSTREAM"]))
    return out


@command("XADD", 4)
def _xadd(g):
    key = stream_key(g)
    fv = field_values(g)
    if g.chance(0.15):
        # "*" after a future explicit ID: its successor on both servers. Only
        # the XLEN after them may be mutated: a junk argument in the first
        # XADD would leave "*" to the clock.
        base = b"%d-%d" % (FUTURE_MS + g.rng.randint(0, 5), g.rng.randint(0, 3))
        return Seq([cmd("XADD", key, base, *fv), cmd("XADD", key, b"*", *field_values(g)),
                    cmd("XLEN", key)], mutable=2)
    opts = []
    if g.chance(0.1):
        opts.append(g.pick((b"NOMKSTREAM", b"nomkstream")))
    if g.chance(0.25):
        opts += trim_options(g, xtrim=False)
    if g.chance(0.03):
        fv = fv[:-1]  # odd number of field/value arguments
    return cmd("XADD", key, *opts, small_id(g), *fv)


def _range(name: str, rev: bool):
    @command(name, 1.5)
    def gen(g):
        lo, hi = range_bound(g, False), range_bound(g, True)
        args = [hi, lo] if rev else [lo, hi]
        if g.chance(0.4):
            args += [b"COUNT", ag.count(g, -1, 6)]
        if g.chance(0.03):
            args += g.pick(([b"COUNT"], [b"LIMIT", b"1"], [b"FOO"]))
        return cmd(name, stream_key(g), *args)
    return gen


_range("XRANGE", False)
_range("XREVRANGE", True)


@command("XLEN", 0.8)
def _xlen(g):
    return cmd("XLEN", stream_key(g))


@command("XDEL", 1.2)
def _xdel(g):
    ids = [small_id(g) if g.chance(0.2) else b"%d-%d" % (g.rng.randint(1, 40), g.rng.randint(0, 3))
           for _ in range(g.rng.randint(1, 4))]
    return cmd("XDEL", stream_key(g), *ids)


@command("XTRIM", 1.2)
def _xtrim(g):
    return cmd("XTRIM", stream_key(g), *trim_options(g, xtrim=True))


@command("XSETID", 0.5)
def _xsetid(g):
    args = [g.pick((b"%d-%d" % (g.rng.randint(1, 60), g.rng.randint(0, 3)), b"0-0", b"+",
                    b"%d" % g.rng.randint(1, 60), b"x"))]
    if g.chance(0.3):
        args += [b"ENTRIESADDED", g.pick((b"0", b"1", b"5", b"100", b"-1", b"x"))]
    if g.chance(0.3):
        args += [b"MAXDELETEDID", g.pick((b"0-0", b"1-0", b"30-0", b"99-0", b"+"))]
    if g.chance(0.03):
        args += [b"FOO"]
    return cmd("XSETID", stream_key(g), *args)


@command("XREAD", 1.2, mutate=False)
def _xread(g):
    keys = [stream_key(g) for _ in range(g.rng.randint(1, 3))]
    opts = []
    if g.chance(0.4):
        opts += [b"COUNT", ag.count(g, -1, 5)]
    r = g.rng.random()
    if r < 0.2:
        # Served at once: the first key was just given an entry (or holds
        # another type, and both servers answer WRONGTYPE).
        add = cmd("XADD", keys[0], b"%d-*" % g.rng.randint(1, 40), b"f", b"v")
        read = cmd("XREAD", *opts, b"BLOCK", b"10", b"STREAMS", *keys, *[b"0"] * len(keys))
        return Seq([add, read], mutable=0)
    if r < 0.3:
        # Timeouts in ms every server rejects at once.
        opts += [b"BLOCK", g.pick((b"-1", b"1.5", b"x", b"", b"-0.5", b"inf",
                                   b"9223372036854775808", b"-9223372036854775808"))]
    elif r < 0.32:
        # Waits 10 ms on a key nothing writes: null after the timeout.
        return cmd("XREAD", b"BLOCK", b"10", b"STREAMS", ag.EMPTY_KEY, b"$")
    if g.chance(0.03):
        opts += g.pick(([b"GROUP", b"g", b"c"], [b"NOACK"], [b"FOO"]))
    ids = [g.pick((b"0", b"0-0", b"$", b"5", b"10-1", b"39-3")) if g.chance(0.93)
           else g.pick((b">", b"-", b"+", b"x", b"(1")) for _ in keys]
    if g.chance(0.03):
        ids = ids[:-1]  # unbalanced
    return cmd("XREAD", *opts, b"STREAMS", *keys, *ids)


def seed(g) -> list:
    """The node limits, then a stream or two in db 0."""
    if g.chance(0.5):
        limits = [b"stream-node-max-entries", b"100", b"stream-node-max-bytes", b"4096"]
    else:
        limits = [b"stream-node-max-entries", g.pick((b"0", b"1", b"2", b"3", b"5")),
                  b"stream-node-max-bytes", g.pick((b"0", b"50", b"200", b"4096"))]
    out = [[b"CONFIG", b"SET", *limits]]
    for i, key in enumerate(STREAM_KEYS[:2]):
        for ms in range(1, g.rng.randint(2, 12)):
            out.append(cmd("XADD", key, b"%d-%d" % (ms, i), *field_values(g)))
    return out
