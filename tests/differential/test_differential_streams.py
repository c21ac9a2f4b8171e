"""Random command streams, the same on both servers, replies and final state compared.

DIFF_ITERATIONS commands in total, cut into streams of DIFF_STREAM_LEN; the
streams rotate through the send modes (one command per write, pipelined
batches, inline protocol, and both of those after HELLO 3). Every stream
starts on empty databases and a new connection.
"""

from __future__ import annotations

import math

import pytest

from . import commands, config, generator, runner

TABLE = commands.CommandTable(config.COMMANDS_SPEC)
MODES = generator.stream_modes(TABLE)
STREAMS = [(i, MODES[i % len(MODES)])
           for i in range(max(1, math.ceil(config.ITERATIONS / config.STREAM_LEN)))]


def _length(index: int) -> int:
    done = index * config.STREAM_LEN
    return max(1, min(config.STREAM_LEN, config.ITERATIONS - done))


@pytest.mark.parametrize("index,mode", STREAMS,
                         ids=[f"stream{i:03d}-{m}" for i, m in STREAMS])
def test_random_stream(diff_servers, index, mode):
    dead = runner.not_running_report(diff_servers)
    if dead:
        pytest.fail(dead, pytrace=False)
    stream = generator.generate_stream(config.SEED, index, _length(index), TABLE, mode)
    runner.reset_servers(diff_servers)
    report = runner.check_stream(stream, *diff_servers)
    if report:
        pytest.fail(report, pytrace=False)
