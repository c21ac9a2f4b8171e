"""pytest wiring for the differential tests: the seed header and the two servers."""

from __future__ import annotations

import os

import pytest

from . import config as diff_config
from . import launcher


def pytest_report_header(config):
    return [f"differential: DIFF_SEED={diff_config.SEED} DIFF_ITERATIONS={diff_config.ITERATIONS} "
            f"under test {diff_config.OSPREY_SERVER} {' '.join(diff_config.OSPREY_ARGS)}".rstrip()
            + f", reference {diff_config.REDIS_SERVER} {' '.join(diff_config.REDIS_ARGS)}".rstrip()]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if exitstatus not in (0, 5):  # 5: nothing collected
        terminalreporter.write_line(
            f"differential: DIFF_SEED={diff_config.SEED} DIFF_ITERATIONS={diff_config.ITERATIONS}"
            f" (set these to rerun the same streams; failing streams are written to"
            f" {diff_config.OUT_DIR})")


def start_pair(args_a=None, args_b=None):
    """Starts (server under test, reference); stops both again if either fails."""
    a = launcher.ServerProcess(diff_config.OSPREY_SERVER, "osprey",
                               diff_config.OSPREY_ARGS if args_a is None else args_a)
    b = launcher.ServerProcess(diff_config.REDIS_SERVER, "redis",
                               diff_config.REDIS_ARGS if args_b is None else args_b)
    try:
        a.start()
        b.start()
    except Exception:
        a.stop()
        b.stop()
        raise
    return a, b


@pytest.fixture(scope="session")
def diff_servers():
    """(server under test, reference server), running for the whole session."""
    for binary in (diff_config.OSPREY_SERVER, diff_config.REDIS_SERVER):
        if not os.path.exists(binary):
            pytest.skip(f"server binary {binary} does not exist "
                        f"(build it, or set OSPREY_SERVER / REDIS_SERVER)")
    pair = start_pair()
    try:
        yield pair
    finally:
        for server in pair:
            server.stop()
