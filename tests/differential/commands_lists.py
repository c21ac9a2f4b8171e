"""Differential entries for the list commands (preset `lists`).

Blocking forms (BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP) must never block a
stream for long, and can never be mutated generically (junk in place of the
timeout could be "0": block forever). Each draw is one of:
  * a Seq: RPUSH to the first source key, then the blocking command with a
    10 ms timeout: the source is non-empty (or of another type, and then both
    commands fail), so the command is served at once;
  * the blocking command with a timeout every server rejects at once
    (negative, not a number, inf, ...);
  * rarely, the blocking command on random keys, or on a key nothing ever
    creates, with a 10 ms timeout: when every key is empty both servers reply
    with the null reply after the timeout (Redis takes up to 100 ms to notice,
    hence rarely).
"""

from __future__ import annotations

from . import aggregates as ag
from .registry import Seq, cmd, command, shuffled

SHORT_TIMEOUTS = (b"0.01", b"0.005", b"1e-2")


def elem(g) -> bytes:
    r = g.rng.random()
    if r < 0.5:
        return g.pick(ag.WORDS + (b"1", b"2", b"3", b"-1", b"10"))
    if r < 0.85:
        return g.value(short=True)
    return g.value()  # sometimes 100 B - 20 KB: plain nodes, compression


def elems(g, lo: int = 1, hi: int = 5) -> list:
    if g.chance(0.04):  # a large list: many quicklist nodes
        n = g.rng.randint(50, 400)
        return [g.pick(ag.WORDS) if g.chance(0.5) else b"%d" % i for i in range(n)]
    return [elem(g) for _ in range(g.rng.randint(lo, hi))]


def _push(name: str, weight: float):
    @command(name, weight)
    def gen(g):
        return cmd(name, ag.list_key(g), *elems(g))
    return gen


_push("LPUSH", 3)
_push("RPUSH", 3)


def seed(g) -> list:
    """Commands that fill some list keys at the start of a stream."""
    return [cmd("RPUSH", b"l0", *[elem(g) for _ in range(g.rng.randint(3, 20))]),
            cmd("RPUSH", b"l1", *elems(g, 2, 8))]
_push("LPUSHX", 0.6)
_push("RPUSHX", 0.6)


@command("LINDEX", 1.2)
def _lindex(g):
    return cmd("LINDEX", ag.list_key(g), ag.index(g))


@command("LINSERT")
def _linsert(g):
    where = g.pick((b"BEFORE", b"AFTER", b"before", b"After")) if g.chance(0.93) \
        else g.pick((b"MIDDLE", b""))
    return cmd("LINSERT", ag.list_key(g), where, elem(g), elem(g))


@command("LLEN", 0.8)
def _llen(g):
    return cmd("LLEN", ag.list_key(g))


@command("LMOVE")
def _lmove(g):
    return cmd("LMOVE", ag.list_key(g), ag.list_key(g), ag.direction(g), ag.direction(g))


@command("RPOPLPUSH", 0.7)
def _rpoplpush(g):
    return cmd("RPOPLPUSH", ag.list_key(g), ag.list_key(g))


def _numkeys_and_keys(g, keys: list) -> list:
    """numkeys then the keys, numkeys sometimes wrong."""
    if g.chance(0.9):
        return [b"%d" % len(keys), *keys]
    return [g.pick((b"0", b"-1", b"%d" % (len(keys) + 1), b"abc", b"%d" % max(0, len(keys) - 1))),
            *keys]


def _mpop_tail(g, ends: tuple) -> list:
    tail = [g.pick(ends) if g.chance(0.93) else g.pick((b"UP", b"", b"MINMAX"))]
    if g.chance(0.5):
        tail += [b"COUNT", ag.count(g, -1, 8)]
    if g.chance(0.05):
        tail += g.pick(([b"COUNT"], [b"COUNT", b"1", b"COUNT", b"2"], [b"FOO"]))
    return tail


@command("LMPOP")
def _lmpop(g):
    keys = [ag.list_key(g) for _ in range(g.rng.randint(1, 3))]
    return cmd("LMPOP", *_numkeys_and_keys(g, keys), *_mpop_tail(g, (b"LEFT", b"RIGHT")))


def _pop(name: str):
    @command(name, 1.2)
    def gen(g):
        args = cmd(name, ag.list_key(g))
        return args + [ag.count(g, -1, 8)] if g.chance(0.4) else args
    return gen


_pop("LPOP")
_pop("RPOP")


@command("LPOS")
def _lpos(g):
    args = cmd("LPOS", ag.list_key(g), elem(g))
    options = []
    if g.chance(0.4):
        options.append([b"RANK", g.pick((b"1", b"2", b"3", b"-1", b"-2", b"-4"))
                        if g.chance(0.9) else g.pick((b"0", b"-9223372036854775808",
                                                      b"9223372036854775807", b"abc"))])
    if g.chance(0.4):
        options.append([b"COUNT", g.pick((b"0", b"1", b"2", b"5"))
                        if g.chance(0.9) else g.pick((b"-1", b"abc"))])
    if g.chance(0.3):
        options.append([b"MAXLEN", g.pick((b"0", b"1", b"2", b"3", b"10"))
                        if g.chance(0.9) else g.pick((b"-1", b"abc"))])
    if g.chance(0.05):
        options.append([g.pick((b"RANK", b"FOO", b"COUNT"))])
    return args + shuffled(g, options)


@command("LRANGE", 1.5)
def _lrange(g):
    return cmd("LRANGE", ag.list_key(g), *ag.index_range(g))


@command("LREM")
def _lrem(g):
    return cmd("LREM", ag.list_key(g), ag.count(g, -3, 3), elem(g))


@command("LSET")
def _lset(g):
    return cmd("LSET", ag.list_key(g), ag.index(g), elem(g))


@command("LTRIM", 0.8)
def _ltrim(g):
    return cmd("LTRIM", ag.list_key(g), *ag.index_range(g))


# ------------------------------------------------------------------ blocking


def blocking_draw(g, make, fill):
    """One draw of a blocking command (see the module doc). `make(timeout)`
    returns (args, first source key); `fill(src)` is the command that gives
    the source something to pop first (also used for sorted sets)."""
    r = g.rng.random()
    if r < 0.65:
        args, src = make(g.pick(SHORT_TIMEOUTS))
        return Seq([fill(src), args])
    if r < 0.88:
        return make(ag.timeout_error(g))[0]
    args, src = make(g.pick(SHORT_TIMEOUTS))
    if r < 0.97:
        return args
    return [ag.EMPTY_KEY if a == src else a for a in args]


def _blocking(g, make):
    return blocking_draw(g, make, lambda src: cmd("RPUSH", src, *elems(g, 1, 3)))


def _bpop(name: str):
    @command(name, 0.6, mutate=False)
    def gen(g):
        def make(timeout):
            keys = [ag.list_key(g) for _ in range(g.rng.randint(1, 3))]
            return cmd(name, *keys, timeout), keys[0]
        return _blocking(g, make)
    return gen


_bpop("BLPOP")
_bpop("BRPOP")


@command("BRPOPLPUSH", 0.4, mutate=False)
def _brpoplpush(g):
    def make(timeout):
        src = ag.list_key(g)
        return cmd("BRPOPLPUSH", src, ag.list_key(g), timeout), src
    return _blocking(g, make)


@command("BLMOVE", 0.5, mutate=False)
def _blmove(g):
    def make(timeout):
        src = ag.list_key(g)
        return cmd("BLMOVE", src, ag.list_key(g), ag.direction(g), ag.direction(g), timeout), src
    return _blocking(g, make)


@command("BLMPOP", 0.5, mutate=False)
def _blmpop(g):
    def make(timeout):
        keys = [ag.list_key(g) for _ in range(g.rng.randint(1, 3))]
        # A wrong numkeys could make a key the timeout: keep it right here.
        return cmd("BLMPOP", timeout, b"%d" % len(keys), *keys,
                   *_mpop_tail(g, (b"LEFT", b"RIGHT"))), keys[0]
    return _blocking(g, make)
