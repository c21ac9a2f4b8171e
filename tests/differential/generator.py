"""Seeded random command streams.

`Gen` holds what the per-command generators in commands.py draw from: a small
key pool (so commands collide), a mix of awkward values, expiry times chosen so
that timing can never make two correct servers disagree, and junk for bad
input. `generate_stream()` turns a seed into a `Stream`: steps of one or more
commands, each step sent in one write (a step of several is a pipeline).

Expiry rules (normalize.py relies on them):
  * relative expiries (EX/PX/EXPIRE/...) are at least 100000 s away and every
    one in a stream lies in its own 1000 s slot, so GT/LT comparisons between
    two of them cannot depend on the milliseconds between the commands, and a
    TTL rounds back to its slot;
  * absolute expiries in the future are at or after the year 2100;
  * absolute expiries in the past are sent only to commands that delete the
    key at once (EXPIREAT, GETEX EXAT); SET ... EXAT <past> would leave an
    expired key that DBSIZE counts until the server's active expiry reaps it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import resp
from .normalize import ABSOLUTE_BASE_S, SLOT_S
from .registry import Seq

# Main key pool: mostly plain names so commands hit the same keys often.
MAIN_KEYS = (
    b"k0", b"k1", b"k2", b"k3", b"k4", b"k5",
    b"{t}a", b"{t}b", b"", b"key with space", b"bin\x00\xffkey", b"k*",
)
_MAIN_WEIGHTS = (6, 6, 6, 5, 4, 3, 2, 2, 1, 1, 1, 1)
# Keys that only ever hold short strings: LCS reads them, and LCS allocates
# len(a) * len(b) cells, so its operands must stay small.
LCS_KEYS = (b"lcs:a", b"lcs:b", b"lcs:c")
SHORT_LIMIT = 45

# Arguments that are wrong in most positions. None is a small positive integer
# (in an expiry position it would expire a key during the test), and none is
# an expiry unit (replacing PX or EXAT by EX would move an expiry out of the
# ranges normalize.py knows).
JUNK = (
    b"", b"abc", b"-1", b"0", b"1.5", b"99999999999999999999", b"9223372036854775807",
    b"-9223372036854775808", b" 1", b"0x10", b"NX", b"XX", b"GT", b"GET", b"\x00",
)

INLINE_MAX = 60000  # inline lines above 64 KiB are a protocol error; stay below


@dataclass
class Command:
    args: list
    inline: bool = False

    def encode(self) -> bytes:
        return resp.encode_inline(self.args) if self.inline else resp.encode_command(self.args)


@dataclass
class Stream:
    name: str
    seed: str
    mode: str
    steps: list = field(default_factory=list)  # list[list[Command]]

    def commands(self):
        return [c for step in self.steps for c in step]


class Gen:
    """Random source for one stream. Every helper returns bytes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._used_slots = set()

    # ---- choice helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def num(self, lo: int, hi: int) -> bytes:
        return b"%d" % self.rng.randint(lo, hi)

    # ---- keys
    def key(self) -> bytes:
        return self.rng.choices(MAIN_KEYS, _MAIN_WEIGHTS)[0]

    def lcs_key(self) -> bytes:
        return self.pick(LCS_KEYS)

    def any_key(self) -> bytes:
        """A key from either pool, for commands that cannot grow a value."""
        return self.lcs_key() if self.chance(0.15) else self.key()

    def keys(self, lo: int, hi: int) -> list:
        return [self.any_key() for _ in range(self.rng.randint(lo, hi))]

    def key_pair(self) -> tuple:
        """Source and destination from the same pool (so LCS keys stay short)."""
        pool_key = self.lcs_key if self.chance(0.15) else self.key
        return pool_key(), pool_key()

    def db(self) -> bytes:
        if self.chance(0.08):
            return self.pick((b"16", b"-1", b"abc", b"99999999999999999999", b"1.0", b""))
        # db 0 more often than the others: the stream prelude fills it with
        # aggregates (commands.CommandTable.stream_prelude).
        return b"0" if self.chance(0.3) else self.num(0, 3)

    # ---- values
    def value_for(self, key: bytes) -> bytes:
        return self.value(short=key in LCS_KEYS)

    def value(self, short: bool = False) -> bytes:
        r = self.rng.random()
        if r < 0.22:
            return self.num(-10, 120)
        if r < 0.27:
            return self.pick((b"9223372036854775807", b"-9223372036854775808",
                              b"9223372036854775808", b"-9223372036854775809",
                              b"123456789012345678901234567890", b"12345678901234567890",
                              b"1234567890123456789", b"4294967296"))
        if r < 0.37:
            return self.float_text()
        if r < 0.42:
            return self.pick((b"007", b"-0", b"+1", b" 1", b"1 ", b"0x1f", b"1_000", b"00",
                              b"-", b"1e", b"--1"))
        if r < 0.46:
            return b""
        if r < 0.55:
            return self.binary(self.rng.randint(1, 12))
        if r < 0.65:
            n = self.pick((20, 21, 39, 43, 44, 45, 46))
            return self.word_bytes(n)
        if r < 0.93 or short:
            return self.pick((b"a", b"b", b"ab", b"abc", b"hello", b"world", b"foo bar",
                              b"ohmygod", b"mynewtext", b'quo"te', b"it's", b"back\\slash",
                              b"\xce\xb1\xce\xb2", b"line\nbreak", b"tab\there"))
        n = self.rng.randint(100, 3000) if self.chance(0.9) else self.rng.randint(10000, 20000)
        return self.binary(n) if self.chance(0.3) else self.word_bytes(n)

    def word_bytes(self, n: int) -> bytes:
        letters = b"abcdefghijklmnopqrstuvwxyz0123456789"
        return bytes(self.rng.choice(letters) for _ in range(n))

    def binary(self, n: int) -> bytes:
        return bytes(self.rng.randrange(256) for _ in range(n))

    def float_text(self) -> bytes:
        return self.pick((b"1.5", b"-2.25", b"0.1", b"3", b"-0", b"1e3", b"1E-5", b"3.0e2",
                          b"1e308", b"-1e308", b"5e-324", b"inf", b"-inf", b"+inf", b"nan",
                          b"10.50", b".5", b"5.", b"0.30000000000000004",
                          b"123456789.123456789", b"1.7976931348623157e308"))

    def integer(self) -> bytes:
        """An increment/offset-like integer argument, sometimes invalid."""
        r = self.rng.random()
        if r < 0.75:
            return self.num(-100, 1000)
        if r < 0.9:
            return self.pick((b"9223372036854775807", b"-9223372036854775808",
                              b"9223372036854775806", b"-9223372036854775807",
                              b"4611686018427387904"))
        return self.pick(JUNK[:10])  # the non-keyword ones

    def index(self) -> bytes:
        """A start/end index for GETRANGE-like commands."""
        if self.chance(0.1):
            return self.pick((b"9223372036854775807", b"-9223372036854775808", b"abc", b"1.5"))
        return self.num(-60, 60)

    # ---- expiry times (see module doc)
    def _slot(self) -> int:
        while True:
            slot = self.rng.randint(100, 100000)
            if slot not in self._used_slots:
                self._used_slots.add(slot)
                return slot

    def rel_seconds(self) -> bytes:
        return b"%d" % (self._slot() * SLOT_S + self.rng.randint(0, 399))

    def rel_millis(self) -> bytes:
        seconds = self._slot() * SLOT_S + self.rng.randint(0, 399)
        return b"%d" % (seconds * 1000 + self.rng.randint(0, 999))

    def abs_seconds(self) -> bytes:
        return b"%d" % (ABSOLUTE_BASE_S + self.rng.randint(0, 10**9))

    def abs_millis(self) -> bytes:
        return b"%d" % ((ABSOLUTE_BASE_S + self.rng.randint(0, 10**9)) * 1000
                        + self.rng.randint(0, 999))

    def past_seconds(self) -> bytes:
        return self.pick((b"1", b"946684800", b"1600000000"))

    def past_millis(self) -> bytes:
        return self.pick((b"1", b"946684800000", b"1600000000123"))

    def bad_expiry(self) -> bytes:
        return self.pick((b"0", b"-1", b"-100", b"abc", b"1.5", b"", b"9223372036854775807",
                          b"9223372036854776", b"99999999999999999999", b" 100000"))

    # ---- generic bad input
    def junk(self) -> bytes:
        return self.pick(JUNK)

    def mutate(self, args: list, replace_ok: bool = True) -> list:
        """Turns a valid-looking command into a probably invalid one."""
        args = list(args)
        r = self.rng.random()
        if r < 0.3 and len(args) > 1:
            del args[-1]  # too few arguments, or a dangling option
        elif r < 0.45:
            args = args[:1]
        elif r < 0.75 or not replace_ok or len(args) < 2:
            args.append(self.junk())
        else:
            args[self.rng.randrange(1, len(args))] = self.junk()
        return args

    def recase(self, name: bytes) -> bytes:
        if self.chance(0.5):
            return name.lower()
        return bytes(c ^ 0x20 if self.chance(0.5) and chr(c).isalpha() else c for c in name)


# --------------------------------------------------------------------------
# Streams

MODES_RESP2 = ("seq", "pipe", "inline")
MODES_RESP3 = ("resp3", "resp3-pipe")
BAD_INPUT_RATE = 0.06
RECASE_RATE = 0.04


def stream_modes(table) -> tuple:
    return MODES_RESP2 + (MODES_RESP3 if "HELLO" in table.enabled else ())


def _one_command(gen: Gen, table) -> list:
    """The commands of one draw: usually one, several for a `Seq` entry (of
    which only one is ever mutated or recased)."""
    spec = table.pick(gen.rng)
    out = spec.gen(gen)
    cmds, at = (list(out), out.mutable) if isinstance(out, Seq) else ([out], 0)
    args = cmds[at]
    if spec.mutate and gen.chance(BAD_INPUT_RATE):
        args = gen.mutate(args, replace_ok=spec.mutate_replace)
    if gen.chance(RECASE_RATE):
        args[0] = gen.recase(args[0])
    cmds[at] = args
    return cmds


def generate_stream(master_seed: int, index: int, length: int, table, mode: str) -> Stream:
    """Builds stream `index` of the run seeded by master_seed (deterministically)."""
    seed = f"{master_seed}:{index}:{mode}"
    rng = random.Random(seed)
    gen = Gen(rng)
    stream = Stream(name=f"stream{index:03d}-{mode}", seed=seed, mode=mode)
    if mode.startswith("resp3"):
        stream.steps.append([Command([b"HELLO", b"3"])])
    # Server settings the stream depends on (e.g. encoding thresholds), set
    # explicitly at the start of every stream since they outlive it.
    for args in table.stream_prelude(gen):
        stream.steps.append([Command(args)])
    pending = [args for _ in range(length) for args in _one_command(gen, table)]
    while pending:
        if mode.endswith("pipe"):
            size = min(len(pending), int(rng.paretovariate(1.0)) if rng.random() < 0.5
                       else rng.randint(1, 120))
        elif mode == "inline" and rng.random() < 0.1:
            size = min(len(pending), rng.randint(2, 20))
        else:
            size = 1
        batch, pending = pending[:size], pending[size:]
        stream.steps.append([_as_command(args, mode, rng) for args in batch])
    return stream


def _as_command(args: list, mode: str, rng: random.Random) -> Command:
    if mode != "inline" or rng.random() < 0.15:
        return Command(args)
    if len(resp.encode_inline(args)) > INLINE_MAX:
        return Command(args)
    return Command(args, inline=True)
