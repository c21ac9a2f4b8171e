"""Loading at start-up: while the data set loads (slowed down here with
key-load-delay, a test knob Redis has too), clients are served between
pieces of the load: most commands get -LOADING, INFO shows the progress,
SHUTDOWN exits at once without saving a half-loaded data set.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from server_process import ServerProcess, find_free_port

LOADING = b"-LOADING Redis is loading the dataset in memory\r\n"


def request(port, *args, timeout=5.0):
    """One command on a fresh connection; the raw reply bytes."""
    payload = b"*%d\r\n" % len(args) + b"".join(
        b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() for x in args))
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        if data.startswith(b"$"):  # a bulk string: read the whole body
            size = int(data[1:data.index(b"\r\n")])
            while len(data) < data.index(b"\r\n") + 2 + size + 2:
                data += s.recv(65536)
        return data


def make_data_dir(make_server, tmp_path, appendonly):
    """A data directory holding 20000 keys, as dump.rdb or as an AOF."""
    src = make_server("--appendonly", "yes" if appendonly else "no")
    c = src.client()
    p = c.pipeline(transaction=False)
    for i in range(20000):
        p.set("key:%d" % i, "value-%d" % i)
    p.execute()
    if not appendonly:
        c.save()
    src.stop()
    return src.dir


def start_in_background(binary, data_dir, *args):
    srv = ServerProcess(binary, args=("--key-load-delay", "100",
                                      "--loading-process-events-interval-bytes", "1024") + args,
                        dir=data_dir, start_timeout=60)
    port = find_free_port()
    done = threading.Event()
    errors = []

    def run():
        try:
            srv.start(port)
        except Exception as e:  # reported by the test
            errors.append(e)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the server never listened"
            time.sleep(0.02)
    return srv, port, done, errors


@pytest.mark.parametrize("appendonly", [False, True], ids=["rdb", "aof"])
def test_clients_get_loading_replies_while_the_data_set_loads(make_server, server_binary,
                                                              tmp_path, appendonly):
    data_dir = make_data_dir(make_server, tmp_path, appendonly)
    srv, port, done, errors = start_in_background(
        server_binary, data_dir, "--appendonly", "yes" if appendonly else "no")
    try:
        assert request(port, "GET", "key:1") == LOADING
        assert request(port, "SET", "x", "y") == LOADING
        info = request(port, "INFO", "persistence").decode()
        assert "loading:1\r\n" in info
        for field in ("loading_start_time:", "loading_loaded_bytes:", "loading_loaded_perc:",
                      "loading_eta_seconds:"):
            assert field in info
        assert request(port, "CONFIG", "GET", "maxmemory").startswith(b"*2\r\n")
        assert done.wait(60), "the load never ended"
        assert not errors, errors
        c = srv.client()
        assert c.dbsize() == 20000
        assert c.get("key:19999") == b"value-19999"
        assert c.info("persistence")["loading"] == 0
    finally:
        done.wait(60)
        srv.stop()


def stop_with_shutdown(srv, port):
    request(port, "SHUTDOWN")  # no reply: the connection closes
    srv.proc.wait(timeout=10)


def stop_with_sigterm(srv, port):
    srv.proc.send_signal(15)
    assert srv.proc.wait(timeout=10) == 0


@pytest.mark.server_may_exit
@pytest.mark.parametrize("stop", [stop_with_shutdown, stop_with_sigterm],
                         ids=["shutdown", "sigterm"])
def test_stopping_during_the_load_exits_without_saving(make_server, server_binary, tmp_path,
                                                       stop):
    data_dir = make_data_dir(make_server, tmp_path, appendonly=False)
    dump = os.path.join(data_dir, "dump.rdb")
    before = open(dump, "rb").read()
    srv, port, done, errors = start_in_background(server_binary, data_dir, "--save", "3600 1")
    try:
        assert request(port, "GET", "key:1") == LOADING
        stop(srv, port)
        assert open(dump, "rb").read() == before  # not replaced by a partial data set
    finally:
        done.wait(60)
        srv.stop()
