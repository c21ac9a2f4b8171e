"""Differential entries for the set commands (preset `sets`).

A hashtable-encoded set lists its members in an order of its own: SMEMBERS,
SINTER, SUNION and SDIFF are compared as sorted multisets, SSCAN and
SRANDMEMBER by shape (see normalize.py); the *STORE forms store into a key the
state digest reads (members sorted, encoding exact).

SPOP removes random members, after which the two servers would hold different
sets. So an SPOP that may pick at random (no count, or a small count) is
followed by DEL of its key (a Seq), and a large count pops the whole set,
which is the same on both.
"""

from __future__ import annotations

from . import aggregates as ag
from . import normalize as nz
from .registry import Seq, cmd, command


def int_member(g) -> bytes:
    return g.num(0, 6) if g.chance(0.6) else g.num(-3, 15)


def member(g) -> bytes:
    r = g.rng.random()
    if r < 0.45:
        return int_member(g)
    if r < 0.85:
        return g.pick(ag.WORDS[:5]) if g.chance(0.6) else g.pick(ag.WORDS)
    if r < 0.95:
        return g.pick(ag.NUMBERISH)  # integers beyond int64, non-canonical forms
    return g.value(short=True) if g.chance(0.7) else g.word_bytes(g.pick((64, 65, 200)))


def members(g, lo: int = 1, hi: int = 5) -> list:
    if g.chance(0.04):  # past set-max-intset-entries, or a large hashtable
        n = g.rng.randint(100, 700)
        if g.chance(0.6):
            return [b"%d" % (i * g.pick((1, 3, -1))) for i in range(n)]
        return [b"m%d" % i for i in range(n)]
    pick = int_member if g.chance(0.5) else member  # all integers: an intset stays one
    return [pick(g) for _ in range(g.rng.randint(lo, hi))]


def seed(g) -> list:
    """Commands that fill some set keys at the start of a stream."""
    return [cmd("SADD", b"s0", *[int_member(g) for _ in range(g.rng.randint(3, 12))]),
            cmd("SADD", b"s1", *[member(g) for _ in range(g.rng.randint(3, 12))]),
            cmd("SADD", b"s2", *members(g, 2, 8))]


def set_keys(g, lo: int = 1, hi: int = 4) -> list:
    return [ag.set_key(g) for _ in range(g.rng.randint(lo, hi))]


@command("SADD", 4)
def _sadd(g):
    return cmd("SADD", ag.set_key(g), *members(g))


@command("SREM", 1.2)
def _srem(g):
    return cmd("SREM", ag.set_key(g), *members(g, 1, 4))


@command("SCARD", 0.8)
def _scard(g):
    return cmd("SCARD", ag.set_key(g))


@command("SISMEMBER")
def _sismember(g):
    return cmd("SISMEMBER", ag.set_key(g), member(g))


@command("SMISMEMBER", 0.8)
def _smismember(g):
    return cmd("SMISMEMBER", ag.set_key(g), *members(g, 1, 5))


@command("SMEMBERS", 1.2, norm=nz.sorted_array)
def _smembers(g):
    return cmd("SMEMBERS", ag.set_key(g))


@command("SMOVE")
def _smove(g):
    return cmd("SMOVE", ag.set_key(g), ag.set_key(g), member(g))


# Never mutated: dropping the count of "SPOP key 1000" would pop at random
# without the DEL that keeps the servers in step.
@command("SPOP", 1.2, norm=nz.random_members, mutate=False)
def _spop(g):
    key = ag.set_key(g)
    r = g.rng.random()
    if r < 0.3:  # the whole set (no set grows to 100000): the same on both servers
        return cmd("SPOP", key, g.pick((b"100000", b"4294967296", b"9223372036854775807")))
    if r < 0.45:  # nothing popped: an error or an empty reply
        return cmd("SPOP", key, g.pick((b"0", b"-1", b"abc", b"1.5", b"",
                                        b"-9223372036854775808", b"99999999999999999999")))
    args = cmd("SPOP", key) if r < 0.65 else cmd("SPOP", key, g.num(1, 12))
    return Seq([args, cmd("DEL", key)])


@command("SRANDMEMBER", norm=nz.random_members)
def _srandmember(g):
    args = cmd("SRANDMEMBER", ag.set_key(g))
    return args if g.chance(0.3) else args + [ag.positive_count(g)]


@command("SSCAN", 0.8, norm=nz.scan_members, mutate_replace=False)
def _sscan(g):
    from .commands_hashes import scan_options
    return cmd("SSCAN", ag.set_key(g), *scan_options(g))


def _algebra(name: str, weight: float):
    command(name, weight, norm=nz.sorted_array)(
        lambda g: cmd(name, *set_keys(g)))


_algebra("SINTER", 1)
_algebra("SUNION", 1)
_algebra("SDIFF", 1)


def _store(name: str, weight: float):
    command(name, weight)(
        lambda g: cmd(name, ag.store_key(g, ag.SET_KEYS), *set_keys(g)))


_store("SINTERSTORE", 0.8)
_store("SUNIONSTORE", 0.8)
_store("SDIFFSTORE", 0.8)


@command("SINTERCARD")
def _sintercard(g):
    keys = set_keys(g)
    numkeys = b"%d" % len(keys) if g.chance(0.9) else g.pick(
        (b"0", b"-1", b"abc", b"%d" % (len(keys) + 1), b"2147483648"))
    args = cmd("SINTERCARD", numkeys, *keys)
    if g.chance(0.4):
        args += [b"LIMIT", g.pick((b"0", b"1", b"2", b"5", b"-1", b"abc"))]
    if g.chance(0.03):
        args += [g.pick((b"LIMIT", b"FOO"))]
    return args
