"""Starts and stops one server process for the differential tests.

Deliberately self-contained (the integration tests have their own launcher):
a server runs on a free loopback port in its own temporary directory, with
persistence off and DEBUG enabled, and is stopped by the PID we started.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from . import resp

HOST = "127.0.0.1"
_AVOID_PORTS = frozenset({6379, 6380, 26379})
BASE_ARGS = ("--save", "", "--appendonly", "no", "--enable-debug-command", "yes")


def free_port() -> int:
    """A currently free loopback port chosen by the kernel (never 6379)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port not in _AVOID_PORTS and port + 10000 <= 65535:
            # Redis also listens on port+10000 only in cluster mode; keep it valid anyway.
            return port


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it if the test process dies, so
    a killed test run leaves no server behind (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class ServerProcess:
    """One server binary running on loopback; `label` names it in reports."""

    def __init__(self, binary: str, label: str, extra_args=()):
        self.binary = binary
        self.label = label
        self.extra_args = list(extra_args)
        self.port = None
        self.proc = None
        self.dir = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, attempts: int = 3) -> None:
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError(f"{self.label}: server binary {self.binary!r} is not executable")
        last_error = ""
        for _ in range(attempts):
            self.dir = tempfile.mkdtemp(prefix=f"osprey-diff-{self.label}-")
            self.port = free_port()
            argv = [self.binary, "--port", str(self.port), "--bind", HOST, *BASE_ARGS,
                    *self.extra_args]
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(argv, cwd=self.dir, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             preexec_fn=_die_with_parent)
            if self._wait_ready(timeout=15.0):
                return
            status = self.proc.poll()
            last_error = (f"exit status {status}" if status is not None else "no PONG in time")
            last_error += "; log tail:\n" + self.log_tail()
            self.stop()
        raise RuntimeError(f"{self.label}: {self.binary} did not start:\n{last_error}")

    @property
    def log_path(self) -> str:
        return os.path.join(self.dir, "server.log")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with resp.connect(HOST, self.port, timeout=1.0) as sock:
                    sock.sendall(resp.encode_command([b"PING"]))
                    if resp.RespReader(sock).read_reply(timeout=2.0) == b"+PONG\r\n":
                        return True
            except (OSError, resp.ConnectionClosed, resp.ReplyTimeout,
                    resp.ProtocolViolation):
                pass
            time.sleep(0.05)
        return False

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def connect(self) -> socket.socket:
        return resp.connect(HOST, self.port)

    def log_tail(self, lines: int = 30) -> str:
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, keep_dir: bool = False) -> None:
        """Stops the process we started (by its PID) and removes its directory."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
            self.proc = None
        if self.dir and not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __repr__(self) -> str:
        return f"<{self.label} {self.binary} pid={self.pid} port={self.port}>"
