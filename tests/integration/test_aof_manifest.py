"""The AOF's manifest and files over their life, as Redis 7.0 keeps them: a
manifest naming incremental files only, the order of history files kept with
aof-disable-auto-gc and their deletion (turning the option off, start-up,
DEBUG LOADAOF), timestamp annotations at the head of a command base, the
appendfsync always barrier (no reply before its write is in the file), and
what turning the AOF off during a rewrite logs."""

from __future__ import annotations

import os
import re
import socket
import time

from server_process import encode_command
from test_aof import MANIFEST, aof_path, manifest_lines, wait_rewrite_done

def file_of(line):
    return line.split()[1]


def rewrite(c):
    c.execute_command("BGREWRITEAOF")
    return wait_rewrite_done(c)


def test_manifest_naming_only_incremental_files_loads(make_server):
    srv = make_server()
    srv.stop()
    os.makedirs(aof_path(srv), exist_ok=True)
    with open(aof_path(srv, MANIFEST), "w") as f:
        f.write("file appendonly.aof.1.incr.aof seq 1 type i\n"
                "file appendonly.aof.2.incr.aof seq 2 type i\n")
    with open(aof_path(srv, "appendonly.aof.1.incr.aof"), "wb") as f:
        f.write(encode_command("SET", "a", "1") + encode_command("INCR", "n"))
    with open(aof_path(srv, "appendonly.aof.2.incr.aof"), "wb") as f:
        f.write(encode_command("INCR", "n"))
    srv.extra_args += ["--appendonly", "yes"]
    srv.start()
    c = srv.client()
    assert c.get("a") == b"1" and c.get("n") == b"2"
    # Writes go on into the last incremental file, and survive a restart.
    c.incr("n")
    assert manifest_lines(srv)[-1] == "file appendonly.aof.2.incr.aof seq 2 type i"
    srv.restart()
    assert srv.client().get("n") == b"3"


def test_history_is_kept_newest_first_with_auto_gc_disabled(make_server):
    srv = make_server("--appendonly", "yes", "--aof-disable-auto-gc", "yes")
    c = srv.client()
    assert manifest_lines(srv) == [
        "file appendonly.aof.1.base.rdb seq 1 type b",
        "file appendonly.aof.1.incr.aof seq 1 type i",
    ]
    c.set("k", "1")
    rewrite(c)
    c.set("k", "2")
    rewrite(c)
    assert manifest_lines(srv) == [
        "file appendonly.aof.3.base.rdb seq 3 type b",
        "file appendonly.aof.2.incr.aof seq 2 type h",
        "file appendonly.aof.2.base.rdb seq 2 type h",
        "file appendonly.aof.1.incr.aof seq 1 type h",
        "file appendonly.aof.1.base.rdb seq 1 type h",
        "file appendonly.aof.3.incr.aof seq 3 type i",
    ]
    history = [file_of(l) for l in manifest_lines(srv) if l.endswith("type h")]
    assert all(os.path.exists(aof_path(srv, name)) for name in history)
    # Turning the option off deletes them at once.
    assert c.config_set("aof-disable-auto-gc", "no")
    assert manifest_lines(srv) == [
        "file appendonly.aof.3.base.rdb seq 3 type b",
        "file appendonly.aof.3.incr.aof seq 3 type i",
    ]
    deadline = time.monotonic() + 5
    while any(os.path.exists(aof_path(srv, name)) for name in history):
        assert time.monotonic() < deadline, "history files were not deleted"
        time.sleep(0.05)
    c.execute_command("DEBUG", "LOADAOF")
    assert c.get("k") == b"2"


def test_history_left_behind_is_deleted_at_start_up(make_server):
    srv = make_server("--appendonly", "yes", "--aof-disable-auto-gc", "yes")
    c = srv.client()
    c.set("k", "v")
    rewrite(c)
    assert sum(l.endswith("type h") for l in manifest_lines(srv)) == 2
    srv.stop()
    srv.extra_args += ["--aof-disable-auto-gc", "no"]
    srv.start(port=srv.port)
    assert srv.client().get("k") == b"v"
    lines = manifest_lines(srv)
    assert lines == [
        "file appendonly.aof.2.base.rdb seq 2 type b",
        "file appendonly.aof.2.incr.aof seq 2 type i",
    ]
    deadline = time.monotonic() + 5
    while os.path.exists(aof_path(srv, "appendonly.aof.1.base.rdb")):
        assert time.monotonic() < deadline, "history base was not deleted"
        time.sleep(0.05)
    assert not os.path.exists(aof_path(srv, "appendonly.aof.1.incr.aof"))


def test_debug_loadaof_deletes_history(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.set("k", "v")
    # A history line the server did not write itself (another process, an
    # interrupted run): the reload reads the manifest and deletes it.
    lines = manifest_lines(srv)
    with open(aof_path(srv, "appendonly.aof.9.incr.aof"), "wb") as f:
        f.write(encode_command("SET", "old", "x"))
    with open(aof_path(srv, MANIFEST), "w") as f:
        f.write("\n".join([lines[0], "file appendonly.aof.9.incr.aof seq 9 type h"] + lines[1:]))
        f.write("\n")
    assert c.execute_command("DEBUG", "LOADAOF")
    assert manifest_lines(srv) == lines
    deadline = time.monotonic() + 5
    while os.path.exists(aof_path(srv, "appendonly.aof.9.incr.aof")):
        assert time.monotonic() < deadline, "history file was not deleted"
        time.sleep(0.05)
    assert c.get("k") == b"v" and c.get("old") is None


def test_timestamp_annotations_head_the_incr_file_and_a_command_base(make_server):
    srv = make_server("--appendonly", "yes")
    c = srv.client()
    c.config_set("aof-timestamp-enabled", "yes")
    c.config_set("aof-use-rdb-preamble", "no")
    incr = aof_path(srv, file_of(manifest_lines(srv)[-1]))
    before = int(time.time())
    c.set("foo", "bar")
    with open(incr, "rb") as f:
        first = f.readline()
    assert re.fullmatch(rb"#TS:(\d+)\r\n", first)
    assert abs(int(first[4:-2]) - before) <= 2
    rewrite(c)
    base = aof_path(srv, file_of(manifest_lines(srv)[0]))
    assert base.endswith(".base.aof")
    with open(base, "rb") as f:
        first = f.readline()
    assert re.fullmatch(rb"#TS:\d+\r\n", first)
    # Such a base loads back (the annotation is skipped).
    c.execute_command("DEBUG", "LOADAOF")
    assert c.get("foo") == b"bar"
    # Without the option the base is commands from its first byte.
    c.config_set("aof-timestamp-enabled", "no")
    rewrite(c)
    with open(aof_path(srv, file_of(manifest_lines(srv)[0])), "rb") as f:
        assert f.read(1) == b"*"


def test_rdb_preamble_base_has_no_timestamp(make_server):
    srv = make_server("--appendonly", "yes", "--aof-timestamp-enabled", "yes")
    c = srv.client()
    c.set("foo", "bar")
    rewrite(c)
    with open(aof_path(srv, file_of(manifest_lines(srv)[0])), "rb") as f:
        assert f.read(5) == b"REDIS"


def _read_reply_bytes(sock, buf, deadline):
    """Reads one bulk or integer reply from `buf` + the socket; returns
    (reply bytes, rest of the buffer)."""
    while True:
        if b"\r\n" in buf:
            head, _, rest = buf.partition(b"\r\n")
            if head[:1] == b":":
                return head, rest
            if head[:1] == b"$":
                n = int(head[1:])
                if len(rest) >= n + 2:
                    return rest[:n], rest[n + 2:]
            elif head[:1] == b"-":
                raise AssertionError(head)
        assert time.monotonic() < deadline, "reply did not come"
        chunk = sock.recv(1 << 20)
        assert chunk, "connection closed"
        buf += chunk


def test_appendfsync_always_reply_waits_for_the_file(make_server):
    srv = make_server("--appendonly", "yes", "--appendfsync", "always")
    c = srv.client()
    c.execute_command("DEBUG", "AOF-FLUSH-SLEEP", 200_000)
    incr = aof_path(srv, file_of(manifest_lines(srv)[-1]))
    # A GET reply bigger than the socket buffers leaves the connection
    # waiting to write. While another client holds the server (DEBUG SLEEP)
    # the reader drains the buffers and sends INCR, so the server finds the
    # socket readable and writable at once: the INCR reply must still wait
    # until the AOF (written after a 200 ms sleep) holds the INCR. Sizes
    # span the socket buffer sizes of different machines.
    for n, mb in enumerate([1, 2, 3, 4, 5, 6, 8, 10, 12, 16], start=1):
        c.execute_command("DEBUG", "AOF-FLUSH-SLEEP", 0)
        c.set("x", b"x" * (mb * 1_000_000))
        c.execute_command("DEBUG", "AOF-FLUSH-SLEEP", 200_000)
        size_before = os.path.getsize(incr)
        with socket.create_connection((srv.host, srv.port), timeout=10) as s, \
                socket.create_connection((srv.host, srv.port), timeout=10) as holder:
            s.sendall(encode_command("GET", "x"))
            time.sleep(0.05)
            holder.sendall(encode_command("DEBUG", "SLEEP", "0.2"))
            time.sleep(0.05)
            s.sendall(encode_command("INCR", "n"))
            deadline = time.monotonic() + 10
            value, rest = _read_reply_bytes(s, b"", deadline)
            assert len(value) == mb * 1_000_000
            reply, _ = _read_reply_bytes(s, rest, deadline)
            assert reply == b":%d" % n
            # The reply is here: the command is in the file already.
            assert os.path.getsize(incr) > size_before, "INCR replied before its AOF write (%d MB)" % mb
            assert holder.recv(16) == b"+OK\r\n"
    c.execute_command("DEBUG", "AOF-FLUSH-SLEEP", 0)


def test_turning_the_aof_off_stops_a_running_rewrite(make_server):
    srv = make_server("--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    c = srv.client()
    c.set("k", "v")
    c.config_set("rdb-key-save-delay", 10_000_000)
    c.execute_command("BGREWRITEAOF")
    assert c.info("persistence")["aof_rewrite_in_progress"] == 1
    assert c.config_set("appendonly", "no")
    deadline = time.monotonic() + 5
    while not re.search(r"Killing.*AOF.*child", srv.log_tail(5)):
        assert time.monotonic() < deadline, "no 'Killing ... AOF ... child' line in the log"
        time.sleep(0.05)
    c.config_set("rdb-key-save-delay", 0)
    wait_rewrite_done(c)
    info = c.info("persistence")
    assert info["aof_enabled"] == 0
    assert not [n for n in os.listdir(srv.dir) if n.startswith("temp-rewriteaof")]
    # The AOF can be turned on again and works.
    assert c.config_set("appendonly", "yes")
    wait_rewrite_done(c)
    c.set("after", "1")
    c.execute_command("DEBUG", "LOADAOF")
    assert c.get("k") == b"v" and c.get("after") == b"1"
