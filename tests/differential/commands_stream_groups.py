"""Differential entries for the consumer-group commands (preset `streamgroups`):
XGROUP (every subcommand but HELP) XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM
XINFO (STREAM [FULL], GROUPS, CONSUMERS). They work on the stream keys of
commands_streams.py, so XADD XDEL XTRIM and XSETID interleave with them.

Determinism. Delivery and seen times come from each server's clock, so:
  - idle times and timestamps in replies are normalized (XPENDING's rows,
    XINFO CONSUMERS' idle, XINFO STREAM FULL's seen-time and delivery
    times): within a few seconds of "now" they read "<now>"; times set
    through XCLAIM IDLE/TIME are far from now and kept to 10^7 ms;
  - every min-idle-time (XCLAIM, XAUTOCLAIM, XPENDING IDLE) is 0, 5*10^7 ms
    or more than any idle time a stream can build, and the IDLE/TIME options
    put entries 10^8 ms or more in the past (or at now): which entries pass
    a filter never depends on how long a stream took;
  - HELP is never sent: its prose is ours.
XREADGROUP with BLOCK never waits long: it reads history (never blocks),
or ">" after an XADD to the key (a Seq), or uses a timeout every server
rejects, or rarely waits 10 ms. It is never mutated generically.
"""

from __future__ import annotations

from . import aggregates as ag
from . import resp
from .commands_streams import stream_key, field_values, small_id
from .registry import Seq, cmd, command

GROUPS = (b"g1", b"g2", b"G", b"")
CONSUMERS = (b"c1", b"c2", b"c3", b"Alice", b"")
# Idle filters: nothing, "set through IDLE/TIME", more than anything.
MIN_IDLE = (b"0", b"0", b"50000000", b"3600000000000")
BAD_MIN_IDLE = (b"x", b"-5", b"1.5", b"", b"9223372036854775808")


def group(g) -> bytes:
    return g.pick(GROUPS) if g.chance(0.95) else g.pick((b"nogroup", b"x y"))


def consumer(g) -> bytes:
    return g.pick(CONSUMERS)


def entry_id(g) -> bytes:
    """An ID that is often pending: small and explicit, sometimes odd."""
    if g.chance(0.85):
        return b"%d-%d" % (g.rng.randint(1, 40), g.rng.randint(0, 3))
    return small_id(g)


def min_idle(g) -> bytes:
    return g.pick(MIN_IDLE) if g.chance(0.95) else g.pick(BAD_MIN_IDLE)


def group_id(g) -> bytes:
    """CREATE/SETID's ID: "$", "0" or a small one, sometimes invalid."""
    r = g.rng.random()
    if r < 0.3:
        return b"$"
    if r < 0.55:
        return b"0"
    if r < 0.9:
        return b"%d-%d" % (g.rng.randint(0, 40), g.rng.randint(0, 3))
    return g.pick((b"-", b"+", b"x", b"1-x", b"", b"18446744073709551615-18446744073709551615"))


def entries_read(g) -> list:
    if not g.chance(0.25):
        return []
    return [g.pick((b"ENTRIESREAD", b"entriesread")),
            g.pick((b"0", b"1", b"3", b"10", b"-1", b"-2", b"x"))]


@command("XGROUP", 1.5)
def _xgroup(g):
    key = stream_key(g)
    r = g.rng.random()
    if r < 0.4:
        opts = []
        if g.chance(0.4):
            opts.append(g.pick((b"MKSTREAM", b"mkstream")))
        opts += entries_read(g)
        if g.chance(0.03):
            opts.append(g.pick((b"FOO", b"MKSTREAM", b"ENTRIESREAD")))
        return cmd("XGROUP", b"CREATE", key, group(g), group_id(g), *opts)
    if r < 0.6:
        opts = entries_read(g)
        if g.chance(0.03):
            opts.append(g.pick((b"MKSTREAM", b"FOO")))
        return cmd("XGROUP", b"SETID", key, group(g), group_id(g), *opts)
    if r < 0.7:
        return cmd("XGROUP", b"DESTROY", key, group(g))
    if r < 0.85:
        return cmd("XGROUP", b"CREATECONSUMER", key, group(g), consumer(g))
    if r < 0.97:
        return cmd("XGROUP", b"DELCONSUMER", key, group(g), consumer(g))
    return cmd("XGROUP", g.pick((b"NOSUCH", b"create", b"destroy")), key)


def _read_id(g) -> bytes:
    r = g.rng.random()
    if r < 0.6:
        return b">"
    if r < 0.9:
        return g.pick((b"0", b"0-0", b"5", b"10-1", b"39-3"))
    return g.pick((b"$", b"-", b"+", b"x", b"(1", b"18446744073709551615-18446744073709551615"))


@command("XREADGROUP", 2.5, mutate=False)
def _xreadgroup(g):
    keys = [stream_key(g) for _ in range(g.rng.randint(1, 2))]
    head = [b"GROUP", group(g), consumer(g)]
    opts = []
    if g.chance(0.4):
        opts += [b"COUNT", ag.count(g, -1, 5)]
    if g.chance(0.25):
        opts.append(g.pick((b"NOACK", b"noack")))
    r = g.rng.random()
    if r < 0.12:
        # ">" right after an entry went in: served at once when the group
        # was behind (an error when it is missing, a 10 ms null when the
        # XADD failed because the ID was too small).
        add = cmd("XADD", keys[0], b"%d-*" % g.rng.randint(1, 40), *field_values(g))
        read = cmd("XREADGROUP", *head, *opts, b"BLOCK", b"10", b"STREAMS", keys[0], b">")
        return Seq([add, read], mutable=0)
    if r < 0.2:
        # History never blocks.
        opts += [b"BLOCK", b"0"]
        return cmd("XREADGROUP", *head, *opts, b"STREAMS", *keys, *[b"0"] * len(keys))
    if r < 0.28:
        opts += [b"BLOCK", g.pick((b"-1", b"1.5", b"x", b"", b"-0.5",
                                   b"9223372036854775808", b"-9223372036854775808"))]
    if g.chance(0.04):
        # Options out of place or missing.
        head = g.pick(([], [b"GROUP", group(g)], head + [b"FOO"]))
    ids = [_read_id(g) for _ in keys]
    if g.chance(0.03):
        ids = ids[:-1]  # unbalanced
    return cmd("XREADGROUP", *head, *opts, b"STREAMS", *keys, *ids)


@command("XACK", 1.2)
def _xack(g):
    ids = [entry_id(g) for _ in range(g.rng.randint(1, 4))]
    return cmd("XACK", stream_key(g), group(g), *ids)


def _bucket(ms: int) -> bytes:
    """An idle time or a distance from now: near (the time commands take)
    or far (set through IDLE/TIME), in steps of 10^7 ms."""
    if abs(ms) < 10_000_000:
        return b"<near>"
    return b"<~%d>" % (round(ms / 10_000_000) * 10_000_000)


def _rebuild(header: bytes, elems: list) -> bytes:
    return header + b"".join(elems)


def _idle(raw: bytes) -> bytes:
    value = resp.integer_value(raw)
    return raw if value is None else b":" + _bucket(value) + b"\r\n"


def _timestamp(raw: bytes, now_ms: int) -> bytes:
    value = resp.integer_value(raw)
    return raw if value is None else b":" + _bucket(now_ms - value) + b"\r\n"


def _rows(raw: bytes, fix) -> bytes:
    """Each row of an array of rows rewritten at the index `fix` names."""
    header, rows = resp.split_aggregate(raw)
    if not rows:
        return raw
    out = []
    for row in rows:
        rh, cells = resp.split_aggregate(row)
        if cells:
            cells = [fix(i, c) for i, c in enumerate(cells)]
        out.append(_rebuild(rh, cells))
    return _rebuild(header, out)


def _map_values(raw: bytes, fixes: dict) -> bytes:
    """A map reply (RESP2 flat array or RESP3 map) with the values of the
    keys in `fixes` rewritten."""
    header, items = resp.split_aggregate(raw)
    if not items or len(items) % 2:
        return raw
    out = list(items)
    for i in range(0, len(items), 2):
        name = resp.blob_value(items[i])
        if name in fixes:
            out[i + 1] = fixes[name](items[i + 1])
    return _rebuild(header, out)


def pending_rows(args, raw: bytes, now_ms: int) -> bytes:
    """XPENDING: the detailed form's idle times bucketed (the summary is exact)."""
    if len(args) <= 3:
        return raw
    return _rows(raw, lambda i, c: _idle(c) if i == 2 else c)


def xinfo_times(args, raw: bytes, now_ms: int) -> bytes:
    """XINFO CONSUMERS: each consumer's idle time bucketed; XINFO STREAM
    FULL: see xinfo_full."""
    if len(args) < 2 or args[1].upper() != b"CONSUMERS":
        return xinfo_full(args, raw, now_ms)
    header, items = resp.split_aggregate(raw)
    if not items:
        return raw
    return _rebuild(header, [_map_values(m, {b"idle": _idle}) for m in items])


def xinfo_full(args, raw: bytes, now_ms: int) -> bytes:
    """XINFO STREAM FULL: seen times and delivery times as distances from now."""
    if len(args) < 4 or args[1].upper() != b"STREAM":
        return raw
    stamp = lambda c: _timestamp(c, now_ms)  # noqa: E731

    def consumer(m: bytes) -> bytes:
        return _map_values(m, {b"seen-time": stamp,
                               b"pending": lambda p: _rows(p, lambda i, c: stamp(c) if i == 1 else c)})

    def group(m: bytes) -> bytes:
        def consumers(a: bytes) -> bytes:
            h, items = resp.split_aggregate(a)
            return _rebuild(h, [consumer(x) for x in items]) if items else a
        return _map_values(m, {b"pending": lambda p: _rows(p, lambda i, c: stamp(c) if i == 2 else c),
                               b"consumers": consumers})

    def groups(a: bytes) -> bytes:
        h, items = resp.split_aggregate(a)
        return _rebuild(h, [group(x) for x in items]) if items else a

    return _map_values(raw, {b"groups": groups})


@command("XPENDING", 1.5, norm=pending_rows)
def _xpending(g):
    key, grp = stream_key(g), group(g)
    if g.chance(0.4):
        return cmd("XPENDING", key, grp)
    args = []
    if g.chance(0.3):
        args += [b"IDLE", min_idle(g)]
    lo = g.pick((b"-", b"0", b"(1-0", b"5", b"10-1")) if g.chance(0.9) else \
        g.pick((b"x", b"(", b"(18446744073709551615-18446744073709551615"))
    hi = g.pick((b"+", b"+", b"20", b"(30-0", b"40-3")) if g.chance(0.9) else \
        g.pick((b"x", b"(0-0", b"-"))
    args += [lo, hi, ag.count(g, -1, 8)]
    if g.chance(0.4):
        args.append(consumer(g))
    if g.chance(0.03):
        args += [b"extra"]
    return cmd("XPENDING", key, grp, *args)


@command("XCLAIM", 1.5)
def _xclaim(g):
    ids = [entry_id(g) for _ in range(g.rng.randint(1, 3))]
    opts = []
    if g.chance(0.3):
        opts += [b"IDLE", g.pick((b"0", b"100000000", b"300000000"))]
    if g.chance(0.15):
        # The past, the future (which means now), or nonsense.
        opts += [b"TIME", g.pick((b"1000000000000", b"99999999999999", b"-5", b"0"))]
    if g.chance(0.2):
        opts += [b"RETRYCOUNT", g.pick((b"0", b"5", b"9223372036854775807", b"-3"))]
    if g.chance(0.3):
        opts.append(b"FORCE")
    if g.chance(0.35):
        opts.append(g.pick((b"JUSTID", b"justid")))
    if g.chance(0.15):
        opts += [b"LASTID", g.pick((b"0-0", b"15-0", b"45-0", b"x"))]
    if g.chance(0.04):
        opts.append(g.pick((b"IDLE", b"TIME", b"FOO", b"RETRYCOUNT")))
    if g.chance(0.1):
        g.rng.shuffle(opts)
    return cmd("XCLAIM", stream_key(g), group(g), consumer(g), min_idle(g), *ids, *opts)


@command("XAUTOCLAIM", 1.2)
def _xautoclaim(g):
    start = g.pick((b"0", b"-", b"0-0", b"5", b"(3-1", b"20-0")) if g.chance(0.93) else \
        g.pick((b"x", b"(18446744073709551615-18446744073709551615", b"+"))
    opts = []
    if g.chance(0.5):
        opts += [b"COUNT", g.pick((b"1", b"2", b"3", b"10", b"100")) if g.chance(0.9) else
                 g.pick((b"0", b"-1", b"x", b"576460752303423487", b"576460752303423488"))]
    if g.chance(0.35):
        opts.append(b"JUSTID")
    if g.chance(0.03):
        opts.append(g.pick((b"COUNT", b"FOO")))
    return cmd("XAUTOCLAIM", stream_key(g), group(g), consumer(g), min_idle(g), start, *opts)


@command("XINFO", 1.2, norm=xinfo_times)
def _xinfo(g):
    key = stream_key(g)
    r = g.rng.random()
    if r < 0.35:
        return cmd("XINFO", b"GROUPS", key)
    if r < 0.55:
        return cmd("XINFO", b"CONSUMERS", key, group(g))
    if r < 0.75:
        return cmd("XINFO", b"STREAM", key)
    if r < 0.97:
        opts = [b"FULL"]
        if g.chance(0.5):
            opts += [b"COUNT", g.pick((b"0", b"1", b"2", b"-1", b"5"))]
        return cmd("XINFO", b"STREAM", key, *opts)
    return cmd("XINFO", b"STREAM", key, g.pick((b"FOO", b"FULL COUNT", b"full")), b"COUNT")


def seed(g) -> list:
    """A group or two on the seeded streams, one of them partly read."""
    out = []
    for key in (b"x0", b"x1"):
        if g.chance(0.7):
            out.append(cmd("XGROUP", b"CREATE", key, b"g1", b"0", b"MKSTREAM"))
            if g.chance(0.6):
                out.append(cmd("XREADGROUP", b"GROUP", b"g1", b"c1", b"COUNT", b"3",
                               b"STREAMS", key, b">"))
    return out
