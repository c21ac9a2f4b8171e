"""Run settings of the differential tests, all taken from the environment.

OSPREY_SERVER    server under test       (default <repo>/build/osprey-server)
REDIS_SERVER     reference server        (default /usr/bin/redis-server)
OSPREY_ARGS      extra arguments for the server under test (shell-quoted)
REDIS_ARGS       extra arguments for the reference server  (shell-quoted)
DIFF_SEED        master seed (default: random, printed in the header and on failure)
DIFF_ITERATIONS  random commands in total (default 15000)
DIFF_STREAM_LEN  commands per stream (default 250)
DIFF_COMMANDS    which commands the generator may use (see commands.py, PRESETS)
DIFF_OUT_DIR     where failing streams are written (default tests/differential/failures)
"""

from __future__ import annotations

import os
import random
import shlex

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def _int_env(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    return int(text) if text else default


OSPREY_SERVER = os.environ.get("OSPREY_SERVER") or os.path.join(REPO, "build", "osprey-server")
REDIS_SERVER = os.environ.get("REDIS_SERVER") or "/usr/bin/redis-server"
OSPREY_ARGS = shlex.split(os.environ.get("OSPREY_ARGS", ""))
REDIS_ARGS = shlex.split(os.environ.get("REDIS_ARGS", ""))

SEED = _int_env("DIFF_SEED", random.SystemRandom().randrange(1, 2**31))
ITERATIONS = _int_env("DIFF_ITERATIONS", 15000)
STREAM_LEN = max(1, _int_env("DIFF_STREAM_LEN", 250))
COMMANDS_SPEC = os.environ.get("DIFF_COMMANDS", "")
OUT_DIR = os.environ.get("DIFF_OUT_DIR") or os.path.join(HERE, "failures")

# Logical databases the streams use (SELECT, MOVE, SWAPDB, COPY ... DB). The
# digest reads exactly these; out-of-range indexes are only ever sent as bad input.
DBS = (0, 1, 2, 3)


def replay_hint(stream_name: str) -> str:
    return (f"DIFF_SEED={SEED} DIFF_ITERATIONS={ITERATIONS} DIFF_STREAM_LEN={STREAM_LEN}"
            + (f" DIFF_COMMANDS={shlex.quote(COMMANDS_SPEC)}" if COMMANDS_SPEC else "")
            + f" /usr/bin/python3 -m pytest tests/differential -q -k {shlex.quote(stream_name)}")
