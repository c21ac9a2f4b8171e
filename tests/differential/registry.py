"""The registry behind the command list: `@command` entries and their helpers.

commands.py and the per-family modules (commands_lists.py, commands_hashes.py,
commands_sets.py, commands_zsets.py, commands_sort.py) register one entry per
command here; commands.py decides which of them a run uses (PRESETS).

A generator returns the arguments of one command (a list of bytes), or a
`Seq` of several commands that must run back to back: e.g. a push that makes
sure a list is non-empty before a blocking pop, or a DEL after an SPOP that
removed random members, so that both servers hold the same data again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import normalize as nz


@dataclass(frozen=True)
class CommandSpec:
    name: str
    gen: Callable  # (Gen) -> list[bytes] | Seq
    weight: float
    norm: Callable  # (args, raw, now_ms) -> bytes
    # False when a random junk argument in place of a real one could make the
    # command allocate without bound (LCS on a junk key name) or nondeterministic.
    mutate_replace: bool = True
    # False when no generic mutation is safe at all: a blocking command whose
    # timeout could become "0" (block forever) or a key name.
    mutate: bool = True


class Seq(list):
    """Several commands (each a list of bytes) generated as one unit. Only the
    one at index `mutable` (the first by default) may be mutated; the others
    keep the servers in step."""

    def __init__(self, cmds, mutable: int = 0):
        super().__init__(cmds)
        self.mutable = mutable


SPECS: dict = {}


def command(name: str, weight: float = 1.0, norm=nz.exact, mutate_replace: bool = True,
            mutate: bool = True):
    def register(fn):
        assert name not in SPECS, f"two entries for {name}"
        SPECS[name] = CommandSpec(name, fn, weight, norm, mutate_replace, mutate)
        return fn
    return register


def cmd(name: str, *args) -> list:
    return [name.encode(), *args]


def shuffled(g, options: list) -> list:
    g.rng.shuffle(options)
    return [a for opt in options for a in opt]
