"""Differential entries for SORT and SORT_RO (preset `sort`).

SORT reads other keys through its BY and GET patterns, so a fifth of the
draws of these entries are not SORT but a write of those keys: MSET of weight
strings `w_<element>` or HSET of weight hashes `wh_<element>` with a numeric
field `f` and a text field `t` (valid numbers, numbers Redis's SORT rejects,
text). The elements sorted are the members the list, set and sorted-set
entries write, so the patterns find something.

Orders that are not defined (see normalize.sort_reply): BY a pattern without
'*' keeps a set's own order; ALPHA BY a pattern leaves elements of equal
weight (or of missing weight) in whatever order the sort algorithm leaves
them. Those replies are compared as multisets, and such a sort is never
STOREd (a BY constant on a set with STORE is defined: Redis sorts it ALPHA).
"""

from __future__ import annotations

from . import aggregates as ag
from . import normalize as nz
from .commands_zsets import ZMEMBERS
from .registry import Seq, cmd, command, shuffled

# Redis 7.0's SORT tests errno for ERANGE after strtod without clearing it
# first, so once any earlier command left errno at ERANGE (a scan cursor past
# 2^64, a score like 5e-324 or 1e400, ...) and no system call has changed it
# since, Redis fails every numeric SORT of non-integer-encoded elements with
# "One or more scores can't be converted into double". That depends on the
# process's history, not on the data: Osprey does not copy it. So every SORT
# runs right after a command that leaves errno at 0 in Redis (parsing a valid
# score) and changes nothing (XX on a missing key). The same flaw fails a
# SORT of a listpack sorted set holding a subnormal score (its conversion to a
# skiplist parses the score and leaves ERANGE): the generators never write
# subnormal scores (aggregates.score).
ERRNO_RESET = [b"ZADD", b"errno:reset", b"XX", b"0", b"x"]

ELEMENTS = tuple(dict.fromkeys(ag.WORDS + ZMEMBERS + tuple(b"%d" % i for i in range(-5, 31))))
WEIGHTS = (b"1", b"2", b"3", b"-1", b"0", b"1.5", b"-2.5", b"10", b"100", b"1e3", b"inf",
           b"-inf", b"007", b" 1", b"0x10", b"1e400", b"4e-320", b"nan", b"abc", b"1 ", b"",
           b"9223372036854775808")


def _weight(g) -> bytes:
    return g.pick(WEIGHTS[:10]) if g.chance(0.8) else g.pick(WEIGHTS)


def _weight_setup(g) -> list:
    targets = [g.pick(ELEMENTS) for _ in range(g.rng.randint(1, 8))]
    if g.chance(0.6):
        return cmd("MSET", *[a for t in targets for a in (b"w_" + t, _weight(g))])
    target = g.pick(ELEMENTS)
    fields = [b"f", _weight(g)]
    if g.chance(0.6):
        fields += [b"t", g.pick((b"apple", b"Banana", b"cherry", b"", b"10", b"9", b"a\xffb"))]
    return cmd("HSET", b"wh_" + target, *fields)


def seed(g) -> list:
    """Weight keys for SORT's patterns at the start of a stream."""
    targets = g.rng.sample(ELEMENTS, 8)
    return [cmd("MSET", *[a for t in targets for a in (b"w_" + t, g.pick(WEIGHTS[:10]))])]


def _sort_key(g) -> bytes:
    r = g.rng.random()
    if r < 0.35:
        return ag.list_key(g)
    if r < 0.65:
        return ag.set_key(g)
    if r < 0.9:
        return ag.zset_key(g)
    return ag.any_agg_key(g)


BY_PATTERNS = (b"w_*", b"w_*", b"wh_*->f", b"wh_*->f", b"wh_*->t", b"nosort", b"*",
               b"w_*->", b"wh_*->", b"wh_*->nofield", b"nokey_*", b"w_*->f")
GET_PATTERNS = (b"#", b"#", b"w_*", b"wh_*->f", b"wh_*->t", b"nokey_*", b"wh_*->", b"*",
                b"w_", b"wh_*->f->g")


def _sort(name: str, weight: float, store_ok: bool):
    @command(name, weight, norm=nz.sort_reply)
    def gen(g):
        if g.chance(0.2):
            return _weight_setup(g)
        options = []
        by = g.pick(BY_PATTERNS) if g.chance(0.5) else None
        if by:
            options.append([b"BY", by])
        alpha = g.chance(0.35)
        if alpha:
            options.append([b"ALPHA"])
        if g.chance(0.3):
            options.append([b"LIMIT", g.pick((b"0", b"1", b"2", b"-1", b"5", b"1000", b"abc")),
                            g.pick((b"-1", b"0", b"1", b"3", b"10", b"-5", b"1.5"))])
        for _ in range(g.rng.randint(1, 3) if g.chance(0.4) else 0):
            options.append([b"GET", g.pick(GET_PATTERNS)])
        if g.chance(0.3):
            options.append([g.pick((b"ASC", b"DESC", b"desc"))])
        # Never STORE an order that is not defined (module doc).
        undefined_order = by is not None and b"*" in by and alpha
        if (store_ok or g.chance(0.1)) and not undefined_order and g.chance(0.25):
            options.append([b"STORE", ag.store_key(g, ag.LIST_KEYS)])
        if g.chance(0.03):
            options.append([g.pick((b"LIMIT", b"BY", b"GET", b"FOO", b"LIMIT 0 1"))])
        return Seq([list(ERRNO_RESET), cmd(name, _sort_key(g), *shuffled(g, options))],
                   mutable=1)
    return gen


_sort("SORT", 2, store_ok=True)
_sort("SORT_RO", 1, store_ok=False)  # STORE there is a syntax error
