"""The command list of the differential generator: one entry per command.

Each entry declares, next to each other, how to generate the command's
arguments (valid ones and deliberately bad ones), how often to draw it, and how
to normalize its reply when the reply is legitimately nondeterministic (see
normalize.py; the default is an exact byte comparison).

Which commands a run uses is decided in ONE place, PRESETS below, and can be
narrowed per run with DIFF_COMMANDS, e.g.
    DIFF_COMMANDS=m1                 only Osprey's first milestone
    DIFF_COMMANDS=m1,types           plus the commands that make non-string keys
    DIFF_COMMANDS=-HELLO,-SCAN       the default set minus two commands
    DIFF_COMMANDS=GET,SET,INCR       just these
"""

from __future__ import annotations

from typing import Callable

from . import normalize as nz
from .registry import SPECS, CommandSpec, command
from .registry import cmd as _cmd
from .registry import shuffled as _shuffled

# What the generator may draw. Edit here as Osprey's milestones land.
PRESETS = {
    # Osprey's first milestone: strings, keyspace, connection basics.
    "m1": (
        "APPEND", "DECR", "DECRBY", "GET", "GETDEL", "GETEX", "GETRANGE", "GETSET", "INCR",
        "INCRBY", "INCRBYFLOAT", "LCS", "MGET", "MSET", "MSETNX", "PSETEX", "SET", "SETEX",
        "SETNX", "SETRANGE", "STRLEN", "SUBSTR",
        "COPY", "DEL", "EXISTS", "EXPIRE", "EXPIREAT", "EXPIRETIME", "PEXPIRE", "PEXPIREAT",
        "PEXPIRETIME", "KEYS", "MOVE", "OBJECT", "PERSIST", "PTTL", "TTL", "RENAME",
        "RENAMENX", "TOUCH", "TYPE", "UNLINK", "DBSIZE", "SELECT", "SWAPDB", "FLUSHDB",
        "ECHO", "PING", "UNKNOWN",
    ),
    # Make lists, sets, hashes and sorted sets so WRONGTYPE paths run. The state
    # digest then also reads them with LRANGE, SMEMBERS, HGETALL and ZRANGE.
    "types": ("LPUSH", "SADD", "HSET", "ZADD"),
    # The aggregate families (commands_lists.py, commands_hashes.py, ...).
    "lists": (
        "LINDEX", "LINSERT", "LLEN", "LMOVE", "LMPOP", "LPOP", "LPOS", "LPUSH", "LPUSHX",
        "LRANGE", "LREM", "LSET", "LTRIM", "RPOP", "RPOPLPUSH", "RPUSH", "RPUSHX",
        "BLMOVE", "BLMPOP", "BLPOP", "BRPOP", "BRPOPLPUSH",
    ),
    "hashes": (
        "HDEL", "HEXISTS", "HGET", "HGETALL", "HINCRBY", "HINCRBYFLOAT", "HKEYS", "HLEN",
        "HMGET", "HMSET", "HRANDFIELD", "HSCAN", "HSET", "HSETNX", "HSTRLEN", "HVALS",
    ),
    "sets": (
        "SADD", "SCARD", "SDIFF", "SDIFFSTORE", "SINTER", "SINTERCARD", "SINTERSTORE",
        "SISMEMBER", "SMEMBERS", "SMISMEMBER", "SMOVE", "SPOP", "SRANDMEMBER", "SREM", "SSCAN",
        "SUNION", "SUNIONSTORE",
    ),
    "zsets": (
        "ZADD", "ZCARD", "ZCOUNT", "ZDIFF", "ZDIFFSTORE", "ZINCRBY", "ZINTER", "ZINTERCARD",
        "ZINTERSTORE", "ZLEXCOUNT", "ZMPOP", "ZMSCORE", "ZPOPMAX", "ZPOPMIN", "ZRANDMEMBER",
        "ZRANGE", "ZRANGEBYLEX", "ZRANGEBYSCORE", "ZRANGESTORE", "ZRANK", "ZREM",
        "ZREMRANGEBYLEX", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREVRANGE",
        "ZREVRANGEBYLEX", "ZREVRANGEBYSCORE", "ZREVRANK", "ZSCAN", "ZSCORE", "ZUNION",
        "ZUNIONSTORE", "BZMPOP", "BZPOPMAX", "BZPOPMIN",
    ),
    "sort": ("SORT", "SORT_RO"),
    "streams": (
        "XADD", "XDEL", "XLEN", "XRANGE", "XREAD", "XREVRANGE", "XSETID", "XTRIM",
    ),
    # Consumer groups (commands_stream_groups.py), on the same stream keys.
    "streamgroups": (
        "XACK", "XAUTOCLAIM", "XCLAIM", "XGROUP", "XINFO", "XPENDING", "XREADGROUP",
    ),
    # HELLO switches a connection to RESP3; it also enables the RESP3 stream modes.
    "resp3": ("HELLO",),
    # Keyspace/server commands whose replies need normalizing.
    "extra": ("RANDOMKEY", "SCAN", "TIME"),
}
DEFAULT_PRESETS = ("m1", "types", "lists", "hashes", "sets", "zsets", "sort", "streams",
                   "streamgroups", "resp3", "extra")
# Presets whose commands make aggregates: a stream using any of them starts by
# setting the encoding thresholds (aggregates.stream_prelude).
AGGREGATE_PRESETS = ("types", "lists", "hashes", "sets", "zsets", "sort", "streams",
                     "streamgroups")


# ------------------------------------------------------------------ strings


@command("APPEND", 2)
def _append(g):
    k = g.key()
    return _cmd("APPEND", k, g.value_for(k))


@command("DECR")
def _decr(g):
    return _cmd("DECR", g.any_key())


@command("INCR", 2)
def _incr(g):
    return _cmd("INCR", g.any_key())


@command("DECRBY")
def _decrby(g):
    return _cmd("DECRBY", g.any_key(), g.integer())


@command("INCRBY", 1.5)
def _incrby(g):
    return _cmd("INCRBY", g.any_key(), g.integer())


@command("INCRBYFLOAT", 1.5)
def _incrbyfloat(g):
    return _cmd("INCRBYFLOAT", g.any_key(), g.float_text() if g.chance(0.8) else g.value())


@command("GET", 3)
def _get(g):
    return _cmd("GET", g.any_key())


@command("GETDEL")
def _getdel(g):
    return _cmd("GETDEL", g.any_key())


def _expiry_option(g) -> list:
    r = g.rng.random()
    if r < 0.25:
        return [b"EX", g.rel_seconds()]
    if r < 0.45:
        return [b"PX", g.rel_millis()]
    if r < 0.6:
        return [b"EXAT", g.abs_seconds()]
    if r < 0.75:
        return [b"PXAT", g.abs_millis()]
    return [g.pick((b"EX", b"PX", b"EXAT", b"PXAT")), g.bad_expiry()]


@command("GETEX", 1.5)
def _getex(g):
    args = _cmd("GETEX", g.any_key())
    r = g.rng.random()
    if r < 0.2:
        return args
    if r < 0.6:
        return args + _expiry_option(g)
    if r < 0.7:
        return args + [b"PERSIST"]
    if r < 0.8:  # past absolute time: GETEX deletes the key at once
        return args + g.pick(([b"EXAT", g.past_seconds()], [b"PXAT", g.past_millis()]))
    if r < 0.9:  # two expiry options, or an option without its value
        return args + _expiry_option(g) + g.pick(([b"PERSIST"], _expiry_option(g)))
    return args + [g.pick((b"EX", b"PERSIST x", b"KEEPTTL", b"FOO"))]


@command("GETRANGE", 1.5)
def _getrange(g):
    return _cmd("GETRANGE", g.any_key(), g.index(), g.index())


@command("SUBSTR")
def _substr(g):
    return _cmd("SUBSTR", g.any_key(), g.index(), g.index())


@command("GETSET")
def _getset(g):
    k = g.key()
    return _cmd("GETSET", k, g.value_for(k))


@command("LCS", 1.5, mutate_replace=False)
def _lcs(g):
    args = _cmd("LCS", g.lcs_key(), g.lcs_key())
    options = []
    if g.chance(0.3):
        options.append([b"LEN"])
    if g.chance(0.4):
        options.append([b"IDX"])
    if g.chance(0.3):
        options.append([b"MINMATCHLEN", g.pick((b"0", b"1", b"2", b"4", b"-3", b"abc"))])
    if g.chance(0.3):
        options.append([b"WITHMATCHLEN"])
    if g.chance(0.05):
        options.append([g.pick((b"FOO", b"MINMATCHLEN"))])
    return args + _shuffled(g, options)


@command("MGET", 1.5)
def _mget(g):
    return _cmd("MGET", *g.keys(1, 6))


def _pairs(g, lo: int, hi: int) -> list:
    out = []
    for _ in range(g.rng.randint(lo, hi)):
        k = g.any_key()
        out += [k, g.value_for(k)]
    return out


@command("MSET", 1.5)
def _mset(g):
    return _cmd("MSET", *_pairs(g, 1, 4))


@command("MSETNX")
def _msetnx(g):
    return _cmd("MSETNX", *_pairs(g, 1, 3))


@command("PSETEX")
def _psetex(g):
    k = g.key()
    ms = g.rel_millis() if g.chance(0.85) else g.bad_expiry()
    return _cmd("PSETEX", k, ms, g.value_for(k))


@command("SETEX")
def _setex(g):
    k = g.key()
    s = g.rel_seconds() if g.chance(0.85) else g.bad_expiry()
    return _cmd("SETEX", k, s, g.value_for(k))


@command("SET", 5)
def _set(g):
    k = g.any_key()
    args = _cmd("SET", k, g.value_for(k))
    options = []
    if g.chance(0.25):
        options.append([g.pick((b"NX", b"XX"))])
    if g.chance(0.2):
        options.append([b"GET"])
    if g.chance(0.35):
        options.append(_expiry_option(g))
    elif g.chance(0.15):
        options.append([b"KEEPTTL"])
    if g.chance(0.08):  # conflicting or unknown options
        options.append(g.pick(([b"NX"], [b"XX"], [b"KEEPTTL"], _expiry_option(g), [b"BADOPT"],
                               [b"GET"], [b"PX"], [b"EX", b"1.5"])))
    return args + _shuffled(g, options)


@command("SETNX")
def _setnx(g):
    k = g.any_key()
    return _cmd("SETNX", k, g.value_for(k))


@command("SETRANGE", 1.5)
def _setrange(g):
    k = g.key()
    if g.chance(0.1):  # beyond the 512 MB limit, negative, or not a number
        offset = g.pick((b"536870913", b"536870912", b"9223372036854775807", b"-1", b"abc"))
        return _cmd("SETRANGE", k, offset, g.pick((b"x", b"xy", b"")))
    offset = g.num(0, 60) if g.chance(0.8) else g.num(100, 3000)
    return _cmd("SETRANGE", k, offset, g.value_for(k))


@command("STRLEN")
def _strlen(g):
    return _cmd("STRLEN", g.any_key())


# ------------------------------------------------------------------ keyspace


@command("COPY")
def _copy(g):
    src, dst = g.key_pair()
    options = []
    if g.chance(0.5):
        options.append([b"DB", g.db()])
    if g.chance(0.4):
        options.append([b"REPLACE"])
    if g.chance(0.05):
        options.append([g.pick((b"DB", b"FOO"))])
    return _cmd("COPY", src, dst) + _shuffled(g, options)


@command("DEL", 1.5)
def _del(g):
    return _cmd("DEL", *g.keys(1, 4))


@command("UNLINK")
def _unlink(g):
    return _cmd("UNLINK", *g.keys(1, 4))


@command("EXISTS", 1.5)
def _exists(g):
    return _cmd("EXISTS", *g.keys(1, 5))


@command("TOUCH")
def _touch(g):
    return _cmd("TOUCH", *g.keys(1, 4))


def _expire_flags(g) -> list:
    r = g.rng.random()
    if r < 0.5:
        return []
    if r < 0.9:
        return [g.pick((b"NX", b"XX", b"GT", b"LT"))]
    return g.rng.sample([b"NX", b"XX", b"GT", b"LT", b"FOO"], 2)  # incompatible or unknown


def _expire(name: str, good, past):
    def gen(g):
        r = g.rng.random()
        when = good(g) if r < 0.75 else past(g) if r < 0.87 else g.bad_expiry()
        return _cmd(name, g.any_key(), when, *_expire_flags(g))
    return gen


# Relative commands get a "past" value by going negative or zero.
command("EXPIRE", 2)(_expire("EXPIRE", lambda g: g.rel_seconds(),
                             lambda g: g.pick((b"0", b"-1", b"-100000"))))
command("PEXPIRE", 1.5)(_expire("PEXPIRE", lambda g: g.rel_millis(),
                                lambda g: g.pick((b"0", b"-1", b"-100000000"))))
command("EXPIREAT", 1.5)(_expire("EXPIREAT", lambda g: g.abs_seconds(),
                                 lambda g: g.past_seconds()))
command("PEXPIREAT", 1.5)(_expire("PEXPIREAT", lambda g: g.abs_millis(),
                                  lambda g: g.past_millis()))


@command("EXPIRETIME", norm=nz.expiretime_seconds)
def _expiretime(g):
    return _cmd("EXPIRETIME", g.any_key())


@command("PEXPIRETIME", norm=nz.expiretime_millis)
def _pexpiretime(g):
    return _cmd("PEXPIRETIME", g.any_key())


@command("TTL", 1.5, norm=nz.ttl_seconds)
def _ttl(g):
    return _cmd("TTL", g.any_key())


@command("PTTL", norm=nz.ttl_millis)
def _pttl(g):
    return _cmd("PTTL", g.any_key())


@command("PERSIST")
def _persist(g):
    return _cmd("PERSIST", g.any_key())


KEYS_PATTERNS = (b"*", b"*", b"k*", b"k?", b"k[0-3]", b"k[^0]*", b"*{t}*", b"k\\*", b"",
                 b"[", b"k[", b"*a*b*", b"lcs:*", b"?", b"[a-z]*", b"*space", b"bin*",
                 b"K*", b"k[1-]", b"\\")


@command("KEYS", norm=nz.sorted_array)
def _keys(g):
    return _cmd("KEYS", g.pick(KEYS_PATTERNS))


@command("MOVE")
def _move(g):
    return _cmd("MOVE", g.any_key(), g.db())


@command("OBJECT", 1.5, norm=nz.object_command)
def _object(g):
    r = g.rng.random()
    if r < 0.45:
        return _cmd("OBJECT", b"ENCODING", g.any_key())
    if r < 0.75:  # the aggregate families' keys: listpack/intset or not
        return _cmd("OBJECT", b"ENCODING", aggregates.any_agg_key(g))
    if r < 0.85:
        return _cmd("OBJECT", g.pick((b"IDLETIME", b"FREQ")), g.any_key())
    return _cmd("OBJECT", g.pick((b"FOO", b"ENCODING")), *g.keys(0, 2))


def _rename(name: str):
    def gen(g):
        src, dst = g.key_pair()
        if g.chance(0.1):
            dst = src
        return _cmd(name, src, dst)
    return gen


command("RENAME")(_rename("RENAME"))
command("RENAMENX")(_rename("RENAMENX"))


@command("TYPE", 1.5)
def _type(g):
    return _cmd("TYPE", g.any_key())


@command("DBSIZE", 0.7)
def _dbsize(g):
    return _cmd("DBSIZE")


@command("SELECT", 1.5)
def _select(g):
    return _cmd("SELECT", g.db())


@command("SWAPDB", 0.5)
def _swapdb(g):
    return _cmd("SWAPDB", g.db(), g.db())


@command("FLUSHDB", 0.15)
def _flushdb(g):
    return _cmd("FLUSHDB", *g.pick(([], [], [b"ASYNC"], [b"SYNC"], [b"FOO"])))


# ------------------------------------------------------------------ connection


@command("ECHO", 0.5)
def _echo(g):
    return _cmd("ECHO", g.value())


@command("PING", 0.5)
def _ping(g):
    return _cmd("PING", *[g.value() for _ in range(g.pick((0, 0, 1, 1, 2)))])


@command("UNKNOWN", 0.3)
def _unknown(g):
    name = g.pick((b"FOOBAR", b"GETT", b"SETT", b"get2", b"OBJECTS", b"X"))
    return [name, *[g.value(short=True) for _ in range(g.rng.randint(0, 3))]]


@command("HELLO", 0.3, norm=nz.hello)
def _hello(g):
    return _cmd("HELLO", *g.pick(([b"3"], [b"2"], [b"3"], [], [b"4"], [b"1"], [b"abc"],
                                  [b"3", b"FOO"], [b"2", b"SETNAME", b"diff-client"])))


# ------------------------------------------------------------------ extras


@command("RANDOMKEY", 0.3, norm=nz.present_or_null)
def _randomkey(g):
    return _cmd("RANDOMKEY")


# A cursor other than 0 means something only to the server that returned it.
@command("SCAN", 0.3, norm=nz.scan, mutate_replace=False)
def _scan(g):
    options = [[b"COUNT", b"1000"]]
    if g.chance(0.4):
        options.append([b"MATCH", g.pick(KEYS_PATTERNS)])
    if g.chance(0.3):
        options.append([b"TYPE", g.pick((b"string", b"list", b"hash", b"none"))])
    return _cmd("SCAN", b"0", *_shuffled(g, options))


@command("TIME", 0.2, norm=nz.time_reply)
def _time(g):
    return _cmd("TIME")


# ------------------------------------------------------------------ selection


# The aggregate families register their entries on import.
from . import commands_hashes, commands_lists, commands_sets, commands_sort  # noqa: E402,F401
from . import commands_streams, commands_zsets  # noqa: E402,F401
from . import commands_stream_groups  # noqa: E402,F401
from . import aggregates  # noqa: E402


def _check_presets() -> None:
    listed = {name for names in PRESETS.values() for name in names}
    assert listed == set(SPECS), (
        f"PRESETS and the command entries disagree: "
        f"not in a preset {sorted(set(SPECS) - listed)}, no entry {sorted(listed - set(SPECS))}")


_check_presets()


def resolve(spec_text: str) -> list:
    """Command names selected by a DIFF_COMMANDS value (see module doc)."""
    tokens = [t.strip() for t in spec_text.split(",") if t.strip()]
    if not tokens or tokens[0].startswith("-"):
        tokens = list(DEFAULT_PRESETS) + tokens
    selected = []
    for token in tokens:
        remove = token.startswith("-")
        word = token.lstrip("-+")
        if word in ("default", "all"):
            names = [n for p in DEFAULT_PRESETS for n in PRESETS[p]]
        elif word in PRESETS:
            names = list(PRESETS[word])
        elif word.upper() in SPECS:
            names = [word.upper()]
        else:
            raise ValueError(f"DIFF_COMMANDS: unknown command or preset {word!r}; "
                             f"presets: {sorted(PRESETS)}")
        if remove:
            selected = [n for n in selected if n not in names]
        else:
            selected += [n for n in names if n not in selected]
    if not selected:
        raise ValueError(f"DIFF_COMMANDS={spec_text!r} selects no command")
    return selected


class CommandTable:
    """The enabled subset of SPECS, with weighted picking."""

    def __init__(self, spec_text: str = ""):
        self.enabled = resolve(spec_text)
        self._specs = [SPECS[n] for n in self.enabled]
        self._weights = [s.weight for s in self._specs]

    def pick(self, rng) -> CommandSpec:
        return rng.choices(self._specs, self._weights)[0]

    def stream_prelude(self, gen) -> list:
        """Commands every stream starts with (after HELLO) when the enabled
        commands make aggregates: the encoding thresholds."""
        aggregate = {n for p in AGGREGATE_PRESETS for n in PRESETS[p]}
        if aggregate.isdisjoint(self.enabled):
            return []
        # Then some aggregates in db 0, so that commands reading them often
        # find something from the start.
        seeds = [m.seed(gen) for m in (commands_lists, commands_hashes, commands_sets,
                                       commands_zsets, commands_sort, commands_streams,
                                       commands_stream_groups)]
        return aggregates.stream_prelude(gen) + [c for cmds in seeds for c in cmds]


def normalizer_for(args) -> Callable:
    """The normalizer of the command `args` names (exact for anything unknown)."""
    spec = SPECS.get(args[0].upper().decode("latin-1")) if args else None
    return spec.norm if spec else nz.exact
