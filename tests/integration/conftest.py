"""pytest harness for the integration tests: real server processes on loopback.

Which binary
    OSPREY_SERVER=<path>   server under test (default: <repo>/build/osprey-server).
    OSPREY_SERVER=/usr/bin/redis-server runs every test against real Redis
    7.0.15, the oracle: all tests must pass that way.
    Always run with /usr/bin/python3 -m pytest (python3-redis 4.3.4).

Fixtures
    server_binary   (session)  absolute path of the binary under test.
    server          (session)  the shared ServerProcess. Do not change its
                               config or kill it: use fresh_server for that.
    r               (function) redis.Redis(decode_responses=False) on `server`,
                               after FLUSHALL (every test starts empty, db 0).
    raw             (function) RawConnection (RESP2) on `server`, after FLUSHALL.
    r3              (function) RawConnection on `server` that has sent HELLO 3
                               (python3-redis 4.3.4 cannot speak RESP3), after
                               FLUSHALL. Use r3.command(*args) -> parsed reply.
    fresh_server    (function) a private ServerProcess with default args, for
                               tests that change config, kill clients, shut down.
    make_server     (function) factory: make_server(*args, config=None) starts a
                               private ServerProcess with extra command-line args
                               (and optional config-file text); all are stopped
                               after the test.

Liveness check (automatic, for every test)
    Right after each test body, the shared server and every private server the
    test did not stop itself must still run and answer PING: bad input must
    never crash or hang the server. A dead server fails that test (with the
    log tail); a dead shared server is restarted for the tests after it.
    A test meant to make a private server exit (SHUTDOWN, DEBUG SEGFAULT...)
    is marked @pytest.mark.server_may_exit, or calls srv.stop() itself.

Error texts: redis-py strips the "ERR " prefix from error replies, so check
exact error text over a RawConnection: `raw.error("GET") == arity("get")`
(constants and arity() live in reply_errors.py).

ServerProcess (server_process.py): attributes host, port, pid, dir, log_path;
start(), stop() (SIGTERM to its own PID, SIGKILL after a timeout), restart()
(same port and dir), is_running(), is_alive(), ping(), log_tail(),
client(**redis_kw) -> redis.Redis, raw() -> RawConnection.

RawConnection: send(bytes), send_command(*args), command(*args) (raises
RespError on an error reply), error(*args) (returns the error text, fails if
the command succeeded), read_reply(), read_exact_bytes(n), read_line(),
recv_until_closed(), is_closed(). Reply types: simple string -> SimpleString
(a str), bulk string -> bytes, integer -> int, nil/null -> None, array ->
list, error -> RespError object (returned by read_reply, also when nested);
RESP3: map -> RespMap (dict), set -> RespSet, push -> Push (lists), double ->
float, boolean -> bool, big number -> BigNumber, verbatim -> VerbatimString.
"""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from server_process import RawConnection, RespError, ServerProcess  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_BINARY = os.path.join(REPO_ROOT, "build", "osprey-server")

# The shared session server, once started (the liveness check looks here
# without forcing a start for tests that never asked for it).
_shared: dict = {}
# Private servers started by make_server during the current test.
_PRIVATE_SERVERS = pytest.StashKey[list]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "server_may_exit: the test may stop or crash its private server on purpose"
    )


def pytest_report_header(config):
    return "server under test: %s" % _binary_path()


def _binary_path() -> str:
    return os.path.abspath(os.environ.get("OSPREY_SERVER", DEFAULT_BINARY))


@pytest.fixture(scope="session")
def server_binary() -> str:
    path = _binary_path()
    if not os.access(path, os.X_OK):
        pytest.fail("server binary %s not found or not executable: build it or set OSPREY_SERVER" % path)
    return path


@pytest.fixture(scope="session")
def server(server_binary, tmp_path_factory):
    srv = ServerProcess(server_binary, dir=str(tmp_path_factory.mktemp("shared-server")))
    srv.start()
    _shared["server"] = srv
    yield srv
    _shared.pop("server", None)
    srv.stop()


def _flushall(srv: ServerProcess) -> None:
    with srv.raw() as conn:
        assert conn.command("FLUSHALL") == "OK"


@pytest.fixture
def r(server):
    _flushall(server)
    client = server.client(decode_responses=False)
    yield client
    client.close()


@pytest.fixture
def raw(server):
    _flushall(server)
    conn = server.raw()
    yield conn
    conn.close()


@pytest.fixture
def r3(server):
    _flushall(server)
    conn = server.raw()
    hello = conn.command("HELLO", "3")
    assert isinstance(hello, dict) and hello.get(b"proto") == 3, hello
    yield conn
    conn.close()


@pytest.fixture
def make_server(request, server_binary, tmp_path_factory):
    started = request.node.stash.setdefault(_PRIVATE_SERVERS, [])

    def factory(*args, config=None, **kw) -> ServerProcess:
        srv = ServerProcess(
            server_binary,
            args=args,
            config=config,
            dir=str(tmp_path_factory.mktemp("server")),
            **kw,
        )
        started.append(srv)
        srv.start()
        return srv

    yield factory

    for srv in started:
        srv.stop()
    started.clear()


ORACLE = "/usr/bin/redis-server"


@pytest.fixture
def oracle_factory(tmp_path_factory):
    """Starts real redis-servers (the reference), each in its own directory
    unless `dir_path` names one; all are stopped after the test."""
    started = []

    def make(*args, dir_path=None) -> ServerProcess:
        srv = ServerProcess(ORACLE, args=args,
                            dir=dir_path or str(tmp_path_factory.mktemp("oracle")))
        started.append(srv)
        srv.start()
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture
def fresh_server(make_server) -> ServerProcess:
    return make_server()


def _state(srv: ServerProcess) -> str:
    code = srv.proc.poll() if srv.proc is not None else None
    if code is None:
        return "is running but stopped answering PING"
    if code < 0:
        return "was killed by signal %d" % -code
    return "exited with status %d" % code


def _dead_servers(item) -> list:
    """Descriptions of servers that should be up after `item` but are not.

    The shared server is restarted so the remaining tests can run."""
    problems = []
    srv = _shared.get("server")
    if srv is not None and not srv.is_alive():
        problems.append("shared server %r %s\n%s" % (srv, _state(srv), srv.log_tail()))
        srv.restart()
    if item.get_closest_marker("server_may_exit") is None:
        for private in item.stash.get(_PRIVATE_SERVERS, []):
            # A server the test stopped itself (srv.stop()) is not checked.
            if private.proc is not None and not private.stop_requested and not private.is_alive():
                problems.append("private server %r %s\n%s" % (private, _state(private), private.log_tail()))
    return problems


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """The liveness check: runs right after each test body, so a crashed or
    hung server fails that very test (not a later one, not as a teardown
    error)."""
    outcome = yield
    problems = _dead_servers(item)
    if not problems:
        return
    message = "server died or hung during %s:\n\n%s" % (item.nodeid, "\n\n".join(problems))
    if outcome.excinfo is None:
        pytest.fail(message, pytrace=False)
    item.add_report_section("call", "server liveness", message)


__all__ = ["RawConnection", "RespError", "ServerProcess"]
