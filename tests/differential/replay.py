"""Replays a stream file written by a failing differential run.

    /usr/bin/python3 tests/differential/replay.py FILE [-v] [--a HOST:PORT] [--b HOST:PORT]

Starts OSPREY_SERVER and REDIS_SERVER (same defaults and OSPREY_ARGS/REDIS_ARGS
as the tests) unless addresses of already running servers are given, empties
dbs 0-3, runs the stream and compares replies and the final state digest.
Prints every difference (every reply with -v). Exit status 1 on a difference.
"""

from __future__ import annotations

import argparse
import os
import sys

if __name__ == "__main__" and not __package__:
    # Run as a script: import the package from tests/ and hand over to it.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from differential.replay import main  # noqa: E402
    sys.exit(main())

from . import config, launcher, runner  # noqa: E402


class _Remote:
    """A server somebody else started: we only connect to it."""

    def __init__(self, address: str, label: str):
        host, _, port = address.rpartition(":")
        self.host, self.port, self.label = host or launcher.HOST, int(port), label

    def connect(self):
        return runner.resp.connect(self.host, self.port)

    def is_running(self):
        return True

    def log_tail(self):
        return "(not started by replay.py)"

    def stop(self):
        pass


def _server(address, binary, label, args):
    if address:
        return _Remote(address, label)
    server = launcher.ServerProcess(binary, label, args)
    server.start()
    return server


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every reply")
    parser.add_argument("--a", metavar="HOST:PORT", help="running server under test")
    parser.add_argument("--b", metavar="HOST:PORT", help="running reference server")
    parser.add_argument("--no-reset", action="store_true", help="do not FLUSHDB dbs 0-3 first")
    opts = parser.parse_args(argv)

    stream = runner.read_stream(opts.file)
    servers = []
    try:
        servers.append(_server(opts.a, config.OSPREY_SERVER, "osprey", config.OSPREY_ARGS))
        servers.append(_server(opts.b, config.REDIS_SERVER, "redis", config.REDIS_ARGS))
        if not opts.no_reset:
            runner.reset_servers(servers)
        return _replay(stream, servers, opts.verbose)
    finally:
        for server in servers:
            server.stop()


def _replay(stream, servers, verbose: bool) -> int:
    a, b = servers
    differences = 0

    def log(index, cmd, raw_a, raw_b, differs):
        nonlocal differences
        differences += differs
        if differs or verbose:
            mark = "DIFF" if differs else "    "
            print(f"{mark} #{index} {'inline ' if cmd.inline else ''}{cmd.args!r}")
            print(f"       {a.label}: {raw_a!r}")
            if raw_b != raw_a or differs:
                print(f"       {b.label}: {raw_b!r}")

    side_a, side_b = runner.Side(a), runner.Side(b)
    try:
        first = runner.run_stream(stream, side_a, side_b, log)
    finally:
        side_a.close()
        side_b.close()
    if first is not None:
        print(f"first difference at command #{first.index}; replay stopped after its write")
        return 1
    digest_diff = runner.compare_digests(runner.state_digest(a), runner.state_digest(b))
    if digest_diff:
        print(f"DIFF {digest_diff.what}\n       {a.label}: {digest_diff.raw_a!r}\n"
              f"       {b.label}: {digest_diff.raw_b!r}")
        return 1
    print(f"no difference in {len(stream.commands())} commands and the final state")
    return 0


if __name__ == "__main__":
    sys.exit(main())
