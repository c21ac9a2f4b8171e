"""Differential entries for the hash commands (preset `hashes`).

Redis 7.0 has no hash-field expiry, so HEXPIRE and friends are not drawn.
A hashtable-encoded hash lists its fields in an order of its own, so
HGETALL/HKEYS/HVALS are compared as sorted multisets (the state digest
compares a listpack-encoded hash in order), HSCAN and HRANDFIELD by shape
(see normalize.py).
"""

from __future__ import annotations

from . import aggregates as ag
from . import normalize as nz
from .registry import cmd, command

FIELDS = (b"f1", b"f2", b"f3", b"f4", b"a", b"", b"1", b"-1", b"x y", b"\xff")


def field(g) -> bytes:
    if g.chance(0.9):
        return g.pick(FIELDS)
    return g.value(short=True) if g.chance(0.7) else g.word_bytes(g.pick((63, 64, 65, 100)))


def hvalue(g) -> bytes:
    r = g.rng.random()
    if r < 0.4:
        return g.pick(ag.NUMBERISH)
    if r < 0.9:
        return g.value(short=True)
    return g.value()  # may be long: past hash-max-listpack-value


def _field_values(g) -> list:
    if g.chance(0.04):  # past hash-max-listpack-entries
        n = g.rng.randint(100, 300)
        return [a for i in range(n) for a in (b"%d" % i, hvalue(g))]
    return [a for _ in range(g.rng.randint(1, 4)) for a in (field(g), hvalue(g))]


def seed(g) -> list:
    """Commands that fill some hash keys at the start of a stream."""
    return [cmd("HSET", b"h0", *[a for _ in range(g.rng.randint(3, 8))
                                 for a in (field(g), hvalue(g))]),
            cmd("HSET", b"h1", *_field_values(g))]


@command("HSET", 3.5)
def _hset(g):
    return cmd("HSET", ag.hash_key(g), *_field_values(g))


@command("HMSET", 0.6)
def _hmset(g):
    return cmd("HMSET", ag.hash_key(g), *_field_values(g))


@command("HSETNX", 0.8)
def _hsetnx(g):
    return cmd("HSETNX", ag.hash_key(g), field(g), hvalue(g))


@command("HDEL")
def _hdel(g):
    return cmd("HDEL", ag.hash_key(g), *[field(g) for _ in range(g.rng.randint(1, 4))])


@command("HEXISTS", 0.7)
def _hexists(g):
    return cmd("HEXISTS", ag.hash_key(g), field(g))


@command("HGET", 1.5)
def _hget(g):
    return cmd("HGET", ag.hash_key(g), field(g))


@command("HMGET")
def _hmget(g):
    return cmd("HMGET", ag.hash_key(g), *[field(g) for _ in range(g.rng.randint(1, 5))])


@command("HGETALL", norm=nz.sorted_pairs)
def _hgetall(g):
    return cmd("HGETALL", ag.hash_key(g))


@command("HKEYS", 0.7, norm=nz.sorted_array)
def _hkeys(g):
    return cmd("HKEYS", ag.hash_key(g))


@command("HVALS", 0.7, norm=nz.sorted_array)
def _hvals(g):
    return cmd("HVALS", ag.hash_key(g))


@command("HLEN", 0.7)
def _hlen(g):
    return cmd("HLEN", ag.hash_key(g))


@command("HSTRLEN", 0.7)
def _hstrlen(g):
    return cmd("HSTRLEN", ag.hash_key(g), field(g))


@command("HINCRBY", 1.2)
def _hincrby(g):
    return cmd("HINCRBY", ag.hash_key(g), field(g), g.integer())


@command("HINCRBYFLOAT", 1.2)
def _hincrbyfloat(g):
    incr = g.float_text() if g.chance(0.85) else g.pick(ag.NUMBERISH + (b"abc", b""))
    return cmd("HINCRBYFLOAT", ag.hash_key(g), field(g), incr)


@command("HRANDFIELD", norm=nz.random_members)
def _hrandfield(g):
    args = cmd("HRANDFIELD", ag.hash_key(g))
    if g.chance(0.25):
        return args
    args.append(ag.positive_count(g))
    if g.chance(0.4):
        args.append(b"WITHVALUES" if g.chance(0.9) else g.pick((b"WITHSCORES", b"FOO")))
    return args


def scan_options(g) -> list:
    """The cursor and options of HSCAN/SSCAN/ZSCAN. A cursor other than 0 means
    something only to the server that returned it, so it is mostly 0."""
    cursor = b"0" if g.chance(0.85) else g.pick((b"1", b"17", b"-1", b"abc",
                                                  b"18446744073709551615",
                                                  b"18446744073709551616"))
    options = []
    if g.chance(0.6):
        options.append([b"COUNT", g.pick((b"100000", b"100000", b"10", b"1", b"3"))
                        if g.chance(0.9) else g.pick((b"0", b"-1", b"abc"))])
    if g.chance(0.4):
        options.append([b"MATCH", g.pick((b"*", b"f*", b"[a-f]*", b"?", b"1*", b"*x*", b"",
                                          b"[", b"\\*"))])
    if g.chance(0.03):
        options.append([g.pick((b"TYPE", b"FOO", b"COUNT", b"NOVALUES"))])
    g.rng.shuffle(options)
    return [cursor, *[a for opt in options for a in opt]]


@command("HSCAN", 0.8, norm=nz.scan_members, mutate_replace=False)
def _hscan(g):
    return cmd("HSCAN", ag.hash_key(g), *scan_options(g))
