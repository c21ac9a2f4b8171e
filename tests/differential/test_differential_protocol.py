"""Inline commands and malformed RESP: reply bytes and connection close compared."""

from __future__ import annotations

import pytest

from . import protocol_cases, runner


@pytest.fixture(scope="module")
def probe_results(diff_servers):
    runner.reset_servers(diff_servers)  # the cases run in db 0 and expect it empty
    return protocol_cases.probe_all(diff_servers)


@pytest.mark.parametrize("case", protocol_cases.CASES, ids=lambda c: c.name)
def test_protocol_case(diff_servers, probe_results, case):
    under_test, reference = diff_servers
    dead = runner.not_running_report(diff_servers)
    got = probe_results[(case.name, under_test.label)]
    want = probe_results[(case.name, reference.label)]
    if got != want or dead:
        pytest.fail(
            f"protocol case {case.name!r} differs\n"
            f"  sent: {case.payload[:200]!r}{' ...' if len(case.payload) > 200 else ''}"
            f" ({len(case.payload)} bytes)\n"
            f"  {under_test.label}: closed={got[1]} reply={got[0][:500]!r}\n"
            f"  {reference.label}: closed={want[1]} reply={want[0][:500]!r}"
            + (f"\n{dead}" if dead else ""),
            pytrace=False)
