"""Start, stop and talk to one server process (osprey-server or redis-server).

Used by tests/integration (through conftest.py fixtures) and by other test
folders such as tests/differential, which import it directly:

    sys.path.insert(0, "<repo>/tests/integration")
    from server_process import ServerProcess

    with ServerProcess("/usr/bin/redis-server", args=["--maxmemory", "10mb"]) as srv:
        srv.client().set("k", "v")
        conn = srv.raw()
        conn.send(b"*1\r\n$4\r\nPING\r\n")
        assert conn.read_reply() == "PONG"

The process always listens on 127.0.0.1 only, on a port that is found free
by binding port 0 (and retried with a new port when the server reports the
address in use). Persistence is off and DEBUG is enabled; everything the
server writes goes to a private directory (`dir`), its log to `log_path`.

`stop()` signals exactly the PID this object started, never anything else.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import weakref
from typing import Any, Iterable, Optional

import redis

DEFAULT_START_TIMEOUT = 10.0
DEFAULT_STOP_TIMEOUT = 10.0
_PORT_ATTEMPTS = 5


class ServerStartError(RuntimeError):
    """The server did not come up (exited, or PING did not answer in time)."""


def find_free_port(host: str = "127.0.0.1") -> int:
    """Returns a TCP port on `host` that was free a moment ago.

    Another process may take it before the server binds it; ServerProcess
    detects that case and retries with a new port.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_taken(port: int, host: str = "127.0.0.1") -> bool:
    """True if something is listening on host:port (TIME_WAIT leftovers don't count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
        return False


def pid_listens_on(pid: int, port: int) -> bool:
    """True if process `pid` holds a listening TCP socket on `port` (Linux /proc).

    Guards against a PING answered by some other server that grabbed the
    port first. Returns True when /proc cannot tell."""
    inodes = set()
    try:
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    next(f)
                    for line in f:
                        fields = line.split()
                        local, state, inode = fields[1], fields[3], fields[9]
                        if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                            inodes.add("socket:[%s]" % inode)
            except FileNotFoundError:
                continue
        fd_dir = "/proc/%d/fd" % pid
        for fd in os.listdir(fd_dir):
            try:
                if os.readlink(os.path.join(fd_dir, fd)) in inodes:
                    return True
            except OSError:
                continue
    except (OSError, StopIteration, IndexError, ValueError):
        return True
    return False


def encode_command(*args: Any) -> bytes:
    """Encodes args as a RESP array of bulk strings (what clients send)."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, bytes):
            data = arg
        elif isinstance(arg, str):
            data = arg.encode()
        elif isinstance(arg, float):
            data = repr(arg).encode()
        else:
            data = str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


# ---------------------------------------------------------------------------
# Reply types of the raw connection. Each RESP type maps to a distinct Python
# type so tests can tell e.g. a simple string from a bulk string.
# ---------------------------------------------------------------------------


class RespError(Exception):
    """An error reply (`-ERR ...` or RESP3 blob error `!`).

    str(err) / err.message is the text without the leading '-', e.g.
    "ERR wrong number of arguments for 'get' command". read_reply() returns
    these objects (also nested inside arrays); RawConnection.command() raises
    them when they are the top-level reply.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        """The first word, e.g. "ERR", "WRONGTYPE", "NOSCRIPT"."""
        return self.message.split(" ", 1)[0]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RespError) and other.message == self.message

    def __hash__(self) -> int:
        return hash(self.message)


class SimpleString(str):
    """`+OK` style status reply. A str subclass, so `reply == "OK"` works;
    bulk strings come back as bytes instead."""


class BigNumber(int):
    """RESP3 big number `(` reply."""


class VerbatimString(str):
    """RESP3 verbatim string `=`; `.format` holds the 3-letter type (e.g. "txt")."""

    format: str = "txt"


class RespMap(dict):
    """RESP3 map `%`. Keys that are unhashable (arrays) become tuples."""


class RespSet(list):
    """RESP3 set `~`, kept as a list in wire order (elements may be unhashable)."""


class Push(list):
    """RESP3 push `>` (out-of-band data such as pub/sub messages)."""


class ProtocolViolation(AssertionError):
    """The server sent bytes that are not valid RESP."""


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


class RawConnection:
    """A bare socket speaking RESP, for tests that need exact bytes.

    send(data)             writes raw bytes (malformed protocol welcome)
    send_command(*args)    writes a RESP array of bulk strings
    read_reply()           parses one RESP2/RESP3 reply (see the types above);
                           an error reply is returned as a RespError object
    command(*args)         send_command + read_reply, raising a top-level error
    error(*args)           send_command + read_reply that must be an error;
                           returns its exact text, e.g. "ERR syntax error"
    read_exact_bytes(n)    the next n bytes, unparsed
    read_line()            the next line without its CRLF
    recv_until_closed()    everything until the server closes the connection
    is_closed()            True once the server has closed (or reset) it
    last_attributes        the RESP3 attribute map `|` seen before the last reply
    """

    def __init__(self, host: str, port: int, timeout: float = 10.0, sock: Optional[socket.socket] = None):
        """Connects to host:port, or wraps an already connected `sock`."""
        self.host = host
        self.port = port
        self.timeout = timeout
        if sock is None:
            sock = socket.create_connection((host, port), timeout=timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self._buf = bytearray()
        self._eof = False
        self.last_attributes: Optional[RespMap] = None

    # -- writing -----------------------------------------------------------
    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_command(self, *args: Any) -> None:
        self.send(encode_command(*args))

    def command(self, *args: Any) -> Any:
        """Sends one command and returns its reply; raises RespError on error."""
        self.send_command(*args)
        reply = self.read_reply()
        if isinstance(reply, RespError):
            raise reply
        return reply

    def error(self, *args: Any) -> str:
        """Sends one command that must fail; returns the exact error text
        (without the leading '-'). Raises AssertionError if it succeeded."""
        self.send_command(*args)
        reply = self.read_reply()
        if not isinstance(reply, RespError):
            raise AssertionError("expected an error reply to %r, got %r" % (args, reply))
        return reply.message

    # -- low-level reading -------------------------------------------------
    def _fill(self, timeout: Optional[float] = None) -> bool:
        """Reads more bytes into the buffer; False on EOF."""
        if self._eof:
            return False
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def read_exact_bytes(self, n: int) -> bytes:
        while len(self._buf) < n:
            if not self._fill():
                raise ConnectionError(
                    "connection closed after %d of %d bytes: %r" % (len(self._buf), n, bytes(self._buf))
                )
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def read_line(self) -> bytes:
        while True:
            idx = self._buf.find(b"\r\n")
            if idx >= 0:
                line = bytes(self._buf[:idx])
                del self._buf[: idx + 2]
                return line
            if not self._fill():
                raise ConnectionError("connection closed mid-line: %r" % bytes(self._buf))

    def recv_until_closed(self, timeout: Optional[float] = None) -> bytes:
        """Returns all (remaining) bytes until the server closes the socket.

        Raises socket.timeout if the server keeps it open longer than
        `timeout` seconds (default: the connection timeout)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("server did not close the connection; got %r" % bytes(self._buf))
            try:
                if not self._fill(timeout=remaining):
                    break
            except socket.timeout:
                raise socket.timeout(
                    "server did not close the connection; got %r" % bytes(self._buf)
                ) from None
        data = bytes(self._buf)
        self._buf.clear()
        return data

    def is_closed(self, timeout: float = 1.0) -> bool:
        """True if the server closed the connection within `timeout` seconds.

        Bytes that arrive meanwhile are kept for later reads."""
        if self._eof:
            return True
        try:
            self._fill(timeout=timeout)
        except socket.timeout:
            return False
        except OSError:
            return True
        return self._eof

    # -- RESP parsing ------------------------------------------------------
    def read_reply(self) -> Any:
        """Parses exactly one reply.

        +simple -> SimpleString   $bulk -> bytes      :int -> int
        -err / !blob err -> RespError (returned, not raised)
        $-1 / *-1 / _ -> None     *array -> list      %map -> RespMap
        ~set -> RespSet           >push -> Push       ,double -> float
        #t/#f -> bool             (big -> BigNumber   =verbatim -> VerbatimString
        |attributes are stored in last_attributes and the next reply returned.
        """
        self.last_attributes = None
        return self._read_value()

    def _read_value(self) -> Any:
        line = self.read_line()
        if not line:
            raise ProtocolViolation("empty reply line")
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return SimpleString(rest.decode("utf-8", "surrogateescape"))
        if kind == b"-":
            return RespError(rest.decode("utf-8", "surrogateescape"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            return self._read_blob(n)
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self._read_value() for _ in range(n)]
            if kind == b"~":
                return RespSet(items)
            if kind == b">":
                return Push(items)
            return items
        if kind == b"%":
            n = int(rest)
            result = RespMap()
            for _ in range(n):
                key = _hashable(self._read_value())
                result[key] = self._read_value()
            return result
        if kind == b"|":
            n = int(rest)
            attrs = RespMap()
            for _ in range(n):
                key = _hashable(self._read_value())
                attrs[key] = self._read_value()
            value = self._read_value()
            self.last_attributes = attrs
            return value
        if kind == b"_":
            return None
        if kind == b",":
            text = rest.decode()
            if text in ("inf", "+inf"):
                return math.inf
            if text == "-inf":
                return -math.inf
            if text in ("nan", "-nan"):
                return math.nan
            return float(text)
        if kind == b"#":
            if rest not in (b"t", b"f"):
                raise ProtocolViolation("bad boolean %r" % line)
            return rest == b"t"
        if kind == b"(":
            return BigNumber(int(rest))
        if kind == b"!":
            return RespError(self._read_blob(int(rest)).decode("utf-8", "surrogateescape"))
        if kind == b"=":
            data = self._read_blob(int(rest))
            if data[3:4] != b":":
                raise ProtocolViolation("bad verbatim string %r" % data)
            value = VerbatimString(data[4:].decode("utf-8", "surrogateescape"))
            value.format = data[:3].decode()
            return value
        raise ProtocolViolation("unknown reply type in %r" % line)

    def _read_blob(self, n: int) -> bytes:
        data = self.read_exact_bytes(n + 2)
        if data[-2:] != b"\r\n":
            raise ProtocolViolation("bulk string not followed by CRLF: %r" % data[-2:])
        return data[:-2]

    # -- lifetime ----------------------------------------------------------
    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RawConnection":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class ServerProcess:
    """One server process on a free loopback port.

    binary       path of osprey-server or redis-server
    args         extra command-line arguments, e.g. ["--maxmemory", "1mb"]
    config       text of a config file, written to <dir>/extra.conf and passed
                 as the first argument (before all --options)
    dir          working directory for the server (created if missing); when
                 None a temporary one is made and removed by cleanup()

    Attributes once started: host, port, pid, dir, log_path, proc.
    """

    host = "127.0.0.1"

    def __init__(
        self,
        binary: str,
        args: Iterable[str] = (),
        config: Optional[str] = None,
        dir: Optional[str] = None,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ):
        self.binary = binary
        self.extra_args = [str(a) for a in args]
        self.config = config
        self.start_timeout = start_timeout
        self._own_dir = dir is None
        self.dir = dir if dir is not None else tempfile.mkdtemp(prefix="osprey-it-")
        os.makedirs(self.dir, exist_ok=True)
        self.log_path = os.path.join(self.dir, "server.log")
        self.stdout_path = os.path.join(self.dir, "stdout.log")
        self.port: Optional[int] = None
        self.proc: Optional[subprocess.Popen] = None
        # True after stop(): the liveness check skips a server stopped on purpose.
        self.stop_requested = False
        self._clients = weakref.WeakSet()

    # -- lifecycle ---------------------------------------------------------
    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc is not None else None

    def command_line(self, port: int) -> list:
        argv = [self.binary]
        if self.config is not None:
            conf_path = os.path.join(self.dir, "extra.conf")
            with open(conf_path, "w") as f:
                f.write(self.config)
            argv.append(conf_path)
        argv += [
            "--port", str(port),
            "--bind", self.host,
            "--save", "",
            "--appendonly", "no",
            "--dir", self.dir,
            "--enable-debug-command", "yes",
            "--logfile", self.log_path,
        ]
        return argv + self.extra_args

    def start(self, port: Optional[int] = None) -> "ServerProcess":
        """Starts the server and waits until PING answers.

        With `port` given (restart) that port is reused; otherwise a free one
        is found, and a new one tried if the server exits because the port
        is taken."""
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("server already running (pid %d)" % self.proc.pid)
        if not os.path.exists(self.binary):
            raise ServerStartError(
                "server binary %s does not exist (build it, or set OSPREY_SERVER)" % self.binary
            )
        self.stop_requested = False
        attempts = _PORT_ATTEMPTS
        for attempt in range(attempts):
            chosen = port if port is not None else find_free_port(self.host)
            try:
                self._spawn_and_wait(chosen)
                return self
            except _PortInUse:
                if attempt == attempts - 1:
                    raise ServerStartError("port still in use after %d attempts\n%s" % (attempts, self.log_tail()))
                time.sleep(0.2 if port is not None else 0)
        raise AssertionError("unreachable")

    def _spawn_and_wait(self, port: int) -> None:
        log_start = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        out_start = os.path.getsize(self.stdout_path) if os.path.exists(self.stdout_path) else 0
        self.port = port
        with open(self.stdout_path, "ab") as out:
            self.proc = subprocess.Popen(
                self.command_line(port),
                cwd=self.dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                new_output = self._read_log(log_start) + self._read_stdout(out_start)
                if "address already in use" in new_output.lower() or port_is_taken(port, self.host):
                    self.proc = None
                    raise _PortInUse()
                raise ServerStartError(
                    "server exited with status %s during start-up\n%s" % (self.proc.returncode, self.log_tail())
                )
            if self._ping_once(timeout=0.5) and pid_listens_on(self.proc.pid, port):
                return
            if time.monotonic() > deadline:
                self._kill_hard()
                raise ServerStartError(
                    "server did not answer PING within %.0f s\n%s" % (self.start_timeout, self.log_tail())
                )
            time.sleep(0.05)

    def _ping_once(self, timeout: float) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=timeout) as sock:
                sock.sendall(b"*1\r\n$4\r\nPING\r\n")
                data = b""
                while not data.endswith(b"\r\n"):
                    chunk = sock.recv(256)
                    if not chunk:
                        return False
                    data += chunk
                return data == b"+PONG\r\n"
        except OSError:
            return False

    def ping(self, timeout: float = 5.0) -> bool:
        """True if the server answers PING with +PONG within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc is None or self.proc.poll() is not None:
                return False
            if self._ping_once(timeout=max(0.1, deadline - time.monotonic())):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def is_running(self) -> bool:
        """True while the started process has not exited."""
        return self.proc is not None and self.proc.poll() is None

    def is_alive(self, timeout: float = 5.0) -> bool:
        """True if the process is running and answers PING."""
        return self.is_running() and self.ping(timeout)

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> Optional[int]:
        """SIGTERM to the PID we started, wait, SIGKILL after `timeout` s.

        Returns the exit status (None if it was never started)."""
        self.stop_requested = True
        self._close_clients()
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill_hard()
        return self.proc.returncode

    def _kill_hard(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def restart(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> "ServerProcess":
        """Stops and starts again on the same port with the same dir and args."""
        port = self.port
        self.stop(timeout)
        return self.start(port=port)

    def cleanup(self) -> None:
        """Stops the server and removes the temporary dir if we created it."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "ServerProcess":
        if not self.is_running():
            self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cleanup()

    # -- connections -------------------------------------------------------
    def client(self, **kw: Any) -> redis.Redis:
        """A redis.Redis connected to this server (closed again by stop())."""
        kw.setdefault("socket_timeout", 10)
        kw.setdefault("socket_connect_timeout", 5)
        client = redis.Redis(host=self.host, port=self.port, **kw)
        self._clients.add(client)
        return client

    def raw(self, timeout: float = 10.0) -> RawConnection:
        """A new RawConnection (RESP2 until the test sends HELLO 3)."""
        return RawConnection(self.host, self.port, timeout=timeout)

    def _close_clients(self) -> None:
        for client in list(self._clients):
            try:
                client.close()
            except Exception:
                pass
        self._clients.clear()

    # -- diagnostics -------------------------------------------------------
    def _read_log(self, start: int = 0) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(start)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _read_stdout(self, start: int = 0) -> str:
        try:
            with open(self.stdout_path, "rb") as f:
                f.seek(start)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server log (and of stdout/stderr), for failure messages."""
        parts = []
        log = self._read_log().splitlines()[-lines:]
        if log:
            parts.append("--- %s (last %d lines) ---\n%s" % (self.log_path, len(log), "\n".join(log)))
        out = self._read_stdout().splitlines()[-lines:]
        if out:
            parts.append("--- stdout/stderr ---\n%s" % "\n".join(out))
        return "\n".join(parts) if parts else "(no server output)"

    def __repr__(self) -> str:
        return "ServerProcess(%s, port=%s, pid=%s)" % (os.path.basename(self.binary), self.port, self.pid)


class _PortInUse(Exception):
    pass


def start_server(binary: str, *args: str) -> ServerProcess:
    """A started server on a free port, for a test module's own fixtures
    (the conftest factories are per test). Cleans up if it cannot start."""
    srv = ServerProcess(binary, args=args)
    try:
        return srv.start()
    except Exception:
        srv.cleanup()
        raise
