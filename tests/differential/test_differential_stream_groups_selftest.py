"""Self-tests of the consumer-group entries (commands_stream_groups.py), no
servers: the rules that keep two correct servers from disagreeing (a
blocking XREADGROUP never waits long, idle filters never sit near an idle
time a stream can build, HELP is never sent) and the normalizers of the
replies that hold times.
"""

from __future__ import annotations

import functools
import random

from . import commands, commands_stream_groups as sg, generator, registry


@functools.lru_cache(maxsize=None)
def _draws(count=20000, seed=7):
    table = commands.CommandTable("streams,streamgroups")
    gen = generator.Gen(random.Random(seed))
    out = []
    for _ in range(count):
        spec = table.pick(gen.rng)
        drawn = spec.gen(gen)
        out.append((spec, list(drawn) if isinstance(drawn, registry.Seq) else [drawn]))
    return tuple(out)


def _int(v: int) -> bytes:
    return b":%d\r\n" % v


def _bulk(s: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(s), s)


def _arr(*items: bytes, kind=b"*") -> bytes:
    n = len(items) // 2 if kind == b"%" else len(items)
    return kind + b"%d\r\n" % n + b"".join(items)


# ------------------------------------------------------------------ generator rules

def test_blocking_xreadgroup_never_waits_long():
    seen = {"history": 0, "after_xadd": 0, "rejected": 0}
    for spec, cmds in _draws():
        if spec.name != "XREADGROUP":
            continue
        assert not spec.mutate
        read = cmds[-1]
        if b"BLOCK" not in read:
            continue
        timeout = read[read.index(b"BLOCK") + 1]
        ids = read[read.index(b"STREAMS") + 1:]
        if timeout == b"0":
            assert b">" not in ids, read  # history only: answered at once
            seen["history"] += 1
        elif timeout == b"10":
            assert len(cmds) == 2 and cmds[0][0] == b"XADD" and cmds[0][1] == read[-2], cmds
            seen["after_xadd"] += 1
        else:
            assert timeout in (b"-1", b"1.5", b"x", b"", b"-0.5", b"9223372036854775808",
                               b"-9223372036854775808"), read
            seen["rejected"] += 1
    assert min(seen.values()) > 20, seen


def test_idle_filters_and_set_times_stay_apart():
    """Filters are 0, 5*10^7 or huge; times set through IDLE are near now
    (below 10^7 ms) or at least 10^8 ms back: an entry is never near a
    filter, however long a stream takes."""
    for spec, cmds in _draws():
        args = cmds[-1]
        if spec.name in ("XCLAIM", "XAUTOCLAIM"):
            assert args[4] in sg.MIN_IDLE + sg.BAD_MIN_IDLE, args
        if spec.name == "XPENDING" and b"IDLE" in args:
            assert args[args.index(b"IDLE") + 1] in sg.MIN_IDLE + sg.BAD_MIN_IDLE, args
        if spec.name == "XCLAIM":
            for i in range(5, len(args) - 1):
                value = args[i + 1]
                if args[i] == b"IDLE" and value.isdigit():
                    assert int(value) < 10 ** 7 or int(value) >= 10 ** 8, args


def test_help_is_never_sent():
    for spec, cmds in _draws():
        for args in cmds:
            if args[0] in (b"XGROUP", b"XINFO"):
                assert b"HELP" not in (a.upper() for a in args[1:2]), args


def test_every_group_command_is_drawn():
    names = {spec.name for spec, _ in _draws()}
    assert set(commands.PRESETS["streamgroups"]) <= names


# ------------------------------------------------------------------ normalizers

def test_pending_rows_bucket_idle_times_only():
    now = 1_800_000_000_000
    raw = _arr(_arr(_bulk(b"1-0"), _bulk(b"alice"), _int(12), _int(3)),
               _arr(_bulk(b"2-0"), _bulk(b"bob"), _int(100_000_345), _int(1)))
    other = _arr(_arr(_bulk(b"1-0"), _bulk(b"alice"), _int(40), _int(3)),
                 _arr(_bulk(b"2-0"), _bulk(b"bob"), _int(100_000_999), _int(1)))
    args = [b"XPENDING", b"s", b"g", b"-", b"+", b"10"]
    assert sg.pending_rows(args, raw, now) == sg.pending_rows(args, other, now)
    assert b"<~100000000>" in sg.pending_rows(args, raw, now)
    # The delivery count is still compared.
    changed = raw.replace(_int(3), _int(4))
    assert sg.pending_rows(args, raw, now) != sg.pending_rows(args, changed, now)
    # The summary and errors are exact.
    summary = _arr(_int(0), b"$-1\r\n", b"$-1\r\n", b"*-1\r\n")
    assert sg.pending_rows([b"XPENDING", b"s", b"g"], summary, now) == summary
    err = b"-ERR syntax error\r\n"
    assert sg.pending_rows(args, err, now) == err


def test_xinfo_consumers_idle_in_both_protocols():
    now = 1_800_000_000_000
    args = [b"XINFO", b"CONSUMERS", b"s", b"g"]
    for kind in (b"*", b"%"):
        def consumer(idle, pending=1):
            return _arr(_bulk(b"name"), _bulk(b"c"), _bulk(b"pending"), _int(pending),
                        _bulk(b"idle"), _int(idle), kind=kind)
        a = _arr(consumer(5))
        assert sg.xinfo_times(args, a, now) == sg.xinfo_times(args, _arr(consumer(900)), now)
        assert sg.xinfo_times(args, a, now) != sg.xinfo_times(args, _arr(consumer(5, 2)), now)


def test_xinfo_stream_full_times_are_distances_from_now():
    now = 1_800_000_000_000

    def reply(t_group, t_seen, t_cons, count=1):
        pend = _arr(_arr(_bulk(b"1-0"), _bulk(b"c"), _int(t_group), _int(count)))
        cpend = _arr(_arr(_bulk(b"1-0"), _int(t_cons), _int(count)))
        consumer = _arr(_bulk(b"name"), _bulk(b"c"), _bulk(b"seen-time"), _int(t_seen),
                        _bulk(b"pel-count"), _int(1), _bulk(b"pending"), cpend)
        group = _arr(_bulk(b"name"), _bulk(b"g"), _bulk(b"pending"), pend,
                     _bulk(b"consumers"), _arr(consumer))
        return _arr(_bulk(b"length"), _int(1), _bulk(b"groups"), _arr(group))

    args = [b"XINFO", b"STREAM", b"s", b"FULL"]
    a = reply(now - 3, now - 2, now - 3)
    b = reply(now - 90, now - 80, now - 90)
    assert sg.xinfo_times(args, a, now) == sg.xinfo_times(args, b, now)
    far = reply(now - 100_000_000, now - 2, now - 100_000_000)
    assert sg.xinfo_times(args, far, now) != sg.xinfo_times(args, a, now)
    assert sg.xinfo_times(args, reply(now - 3, now - 2, now - 3, count=2), now) != \
        sg.xinfo_times(args, a, now)
    # Without FULL nothing is touched.
    assert sg.xinfo_times([b"XINFO", b"STREAM", b"s"], a, now) == a
