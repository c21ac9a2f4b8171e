"""Tests of the harness itself: ServerProcess, RawConnection and the liveness
check in conftest.py. The parser tests need no server (they feed bytes
through a local socket pair); the rest run the binary under test.
"""

import math
import os
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

import server_process
from server_process import (
    BigNumber,
    Push,
    RawConnection,
    RespError,
    RespMap,
    RespSet,
    ServerProcess,
    ServerStartError,
    SimpleString,
    VerbatimString,
    encode_command,
)

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def fake_server():
    """(RawConnection, peer socket): the test writes server bytes to the peer."""
    ours, peer = socket.socketpair()
    conn = RawConnection("local", 0, timeout=2.0, sock=ours)
    yield conn, peer
    conn.close()
    peer.close()


# ---------------------------------------------------------------------------
# RESP parsing, without a server
# ---------------------------------------------------------------------------


def test_encode_command_builds_array_of_bulk_strings():
    assert encode_command("SET", b"k\r\n", 12) == b"*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$2\r\n12\r\n"


def test_read_reply_decodes_resp2_types(fake_server):
    conn, peer = fake_server
    peer.sendall(b"+OK\r\n$5\r\nhe\r\nl\r\n:-42\r\n$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n:1\r\n$0\r\n\r\n")
    ok = conn.read_reply()
    assert isinstance(ok, SimpleString) and ok == "OK"
    bulk = conn.read_reply()
    assert isinstance(bulk, bytes) and bulk == b"he\r\nl"
    assert conn.read_reply() == -42
    assert conn.read_reply() is None
    assert conn.read_reply() is None
    assert conn.read_reply() == [b"a", 1]
    assert conn.read_reply() == b""


def test_read_reply_returns_errors_including_nested_ones(fake_server):
    conn, peer = fake_server
    peer.sendall(b"-ERR bad thing\r\n*2\r\n+OK\r\n-WRONGTYPE nope\r\n!9\r\nSYNTAX xy\r\n")
    err = conn.read_reply()
    assert isinstance(err, RespError) and err.message == "ERR bad thing" and err.code == "ERR"
    nested = conn.read_reply()
    assert nested[0] == "OK" and isinstance(nested[1], RespError) and nested[1].code == "WRONGTYPE"
    blob = conn.read_reply()
    assert isinstance(blob, RespError) and blob.message == "SYNTAX xy"


def test_command_raises_top_level_error_and_error_returns_its_text(fake_server):
    conn, peer = fake_server
    peer.sendall(b"-ERR one\r\n-ERR two\r\n+OK\r\n")
    with pytest.raises(RespError) as excinfo:
        conn.command("X")
    assert str(excinfo.value) == "ERR one"
    assert conn.error("X") == "ERR two"
    with pytest.raises(AssertionError):
        conn.error("X")


def test_read_reply_decodes_resp3_types(fake_server):
    conn, peer = fake_server
    peer.sendall(
        b"%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*1\r\n_\r\n"
        b"~2\r\n:1\r\n:2\r\n"
        b">2\r\n+message\r\n$2\r\nhi\r\n"
        b",3.5\r\n,inf\r\n,-inf\r\n,nan\r\n"
        b"#t\r\n#f\r\n"
        b"(12345678901234567890123\r\n"
        b"=8\r\ntxt:hey!\r\n"
        b"_\r\n"
        b"|1\r\n+ttl\r\n:3\r\n+value\r\n"
    )
    m = conn.read_reply()
    assert isinstance(m, RespMap) and m == {"a": 1, b"b": [None]}
    st = conn.read_reply()
    assert isinstance(st, RespSet) and st == [1, 2]
    push = conn.read_reply()
    assert isinstance(push, Push) and push == ["message", b"hi"]
    assert conn.read_reply() == 3.5
    assert conn.read_reply() == math.inf
    assert conn.read_reply() == -math.inf
    assert math.isnan(conn.read_reply())
    assert conn.read_reply() is True
    assert conn.read_reply() is False
    big = conn.read_reply()
    assert isinstance(big, BigNumber) and big == 12345678901234567890123
    verbatim = conn.read_reply()
    assert isinstance(verbatim, VerbatimString) and verbatim == "hey!" and verbatim.format == "txt"
    assert conn.read_reply() is None
    assert conn.read_reply() == "value"
    assert conn.last_attributes == {"ttl": 3}


def test_read_reply_rejects_unknown_type_byte(fake_server):
    conn, peer = fake_server
    peer.sendall(b"?what\r\n")
    with pytest.raises(server_process.ProtocolViolation):
        conn.read_reply()


def test_read_exact_bytes_and_recv_until_closed(fake_server):
    conn, peer = fake_server
    peer.sendall(b"abcdef")
    assert conn.read_exact_bytes(2) == b"ab"
    assert not conn.is_closed(timeout=0.05)
    peer.sendall(b"gh")
    peer.close()
    assert conn.recv_until_closed() == b"cdefgh"
    assert conn.is_closed()


def test_recv_until_closed_times_out_when_peer_stays_open(fake_server):
    conn, peer = fake_server
    peer.sendall(b"x")
    with pytest.raises(socket.timeout):
        conn.recv_until_closed(timeout=0.1)


# ---------------------------------------------------------------------------
# ServerProcess against the binary under test
# ---------------------------------------------------------------------------


def test_shared_server_listens_on_loopback_with_harness_settings(server, r):
    assert server.host == "127.0.0.1"
    # (redis-py decodes CONFIG GET replies to str)
    assert r.config_get("port") == {"port": str(server.port)}
    assert r.config_get("bind") == {"bind": "127.0.0.1"}
    assert r.config_get("save") == {"save": ""}
    assert r.config_get("appendonly") == {"appendonly": "no"}
    assert os.path.realpath(r.config_get("dir")["dir"]) == os.path.realpath(server.dir)
    assert os.path.exists(server.log_path)


def test_r_fixture_starts_from_an_empty_database(r):
    assert r.dbsize() == 0
    r.set("left-behind", "x")
    assert r.get("left-behind") == b"x"


def test_r3_fixture_speaks_resp3(r3):
    r3.command("SET", "k", "v")
    assert r3.command("GET", "missing") is None
    reply = r3.command("HELLO", "3")
    assert isinstance(reply, dict) and reply[b"proto"] == 3


def test_make_server_applies_args_and_config_file(make_server):
    srv = make_server("--maxmemory", "2mb", config="maxmemory-policy allkeys-lru\n")
    client = srv.client(decode_responses=True)
    assert client.config_get("maxmemory") == {"maxmemory": str(2 * 1024 * 1024)}
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}


def test_fresh_server_is_private(server, fresh_server):
    assert fresh_server.port != server.port and fresh_server.pid != server.pid
    fresh_server.client().set("only-here", "1")
    with server.raw() as conn:
        assert conn.command("EXISTS", "only-here") == 0


def test_restart_keeps_port_and_dir_with_a_new_process(fresh_server):
    port, old_pid, directory = fresh_server.port, fresh_server.pid, fresh_server.dir
    fresh_server.restart()
    assert fresh_server.port == port and fresh_server.dir == directory
    assert fresh_server.pid != old_pid
    assert fresh_server.is_alive()


def test_stop_terminates_the_started_process(fresh_server):
    pid = fresh_server.pid
    fresh_server.stop()
    assert not fresh_server.is_running()
    assert not fresh_server.is_alive(timeout=0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_start_failure_reports_server_output(server_binary, tmp_path):
    srv = ServerProcess(server_binary, args=["--no-such-directive-xyz", "1"], dir=str(tmp_path), start_timeout=5)
    with pytest.raises(ServerStartError) as excinfo:
        srv.start()
    assert "exited" in str(excinfo.value)
    assert not srv.is_running()


def test_port_conflict_is_retried_on_another_port(server_binary, tmp_path, monkeypatch):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    taken = blocker.getsockname()[1]
    ports = [taken]
    real_find = server_process.find_free_port
    monkeypatch.setattr(server_process, "find_free_port", lambda host="127.0.0.1": ports.pop() if ports else real_find(host))
    srv = ServerProcess(server_binary, dir=str(tmp_path))
    try:
        srv.start()
        assert srv.port != taken
        assert srv.is_alive()
    finally:
        srv.cleanup()
        blocker.close()


# ---------------------------------------------------------------------------
# The liveness check, run in a separate pytest process
# ---------------------------------------------------------------------------

INNER_TESTS = '''
import os, signal, pytest

def test_kills_shared_server(server):
    os.kill(server.pid, signal.SIGKILL)

def test_shared_server_is_back(server, r):
    assert r.ping()

def test_kills_private_server(fresh_server):
    os.kill(fresh_server.pid, signal.SIGKILL)

@pytest.mark.server_may_exit
def test_may_kill_private_server(fresh_server):
    os.kill(fresh_server.pid, signal.SIGKILL)

def test_stops_private_server_itself(fresh_server):
    fresh_server.stop()
'''


def test_liveness_check_fails_the_test_that_killed_a_server(server_binary, tmp_path):
    for name in ("conftest.py", "server_process.py", "reply_errors.py"):
        with open(os.path.join(HERE, name)) as src, open(tmp_path / name, "w") as dst:
            dst.write(src.read())
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    env = dict(os.environ, OSPREY_SERVER=server_binary)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert "2 failed, 3 passed" in out, out
    assert "FAILED test_inner.py::test_kills_shared_server" in out, out
    assert "FAILED test_inner.py::test_kills_private_server" in out, out
    assert "was killed by signal 9" in out, out
