"""osprey-check-rdb and osprey-check-aof on real files: RDB and AOF files
written by the server under test and by a real redis-server 7.0 (SAVE,
appendonly yes), sound and damaged (truncated, a byte changed, a torn AOF
tail, MULTI without EXEC); --fix with and without confirmation, only on the
last file of a set; --truncate-to-timestamp; the server loads what --fix
left.

The tools are taken from the folder of the server binary: osprey-check-rdb
and osprey-check-aof next to osprey-server. With
OSPREY_SERVER=/usr/bin/redis-server the same tests run Debian's
redis-check-rdb and redis-check-aof from /usr/bin, the oracle, so every
assertion here (except those marked osprey-only) holds for both. A test is
skipped only when neither tool is next to the server binary.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from test_aof import AOF_DIR, MANIFEST, last_incr
FAR_FUTURE_MS = 4102444800000  # 2100-01-01
# 80 bytes that LZF cannot shorten, so they appear as they are in an RDB file.
INCOMPRESSIBLE = "".join(chr(33 + (i * 7919) % 90) for i in range(80))


def _tool(server_binary: str, kind: str) -> str:
    folder = os.path.dirname(server_binary)
    for name in ("osprey-check-" + kind, "redis-check-" + kind):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
    pytest.skip("no osprey-check-%s (or redis-check-%s) next to %s" % (kind, kind, server_binary))


@pytest.fixture
def check_rdb(server_binary):
    return _tool(server_binary, "rdb")


@pytest.fixture
def check_aof(server_binary):
    return _tool(server_binary, "aof")


def is_osprey(tool: str) -> bool:
    return os.path.basename(tool).startswith("osprey-")


def run(tool: str, *args, answer: str | None = None):
    """Runs a tool; returns (exit status, stdout). stdin is `answer`, or empty."""
    proc = subprocess.run(
        [tool, *args],
        input=(answer or "").encode(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=120,
    )
    return proc.returncode, proc.stdout.decode(errors="replace")


@pytest.fixture(params=["under-test", "redis"])
def writer(request, make_server, oracle_factory):
    """Starts the server that writes the files: the one under test, or Redis."""
    return make_server if request.param == "under-test" else oracle_factory


def populate(c):
    """Several types, expire times, databases 0 and 5; returns (keys, expires)."""
    c.set("str", "hello")
    c.set("int", 123456)
    c.set("ttl", "x")
    c.pexpireat("ttl", FAR_FUTURE_MS)
    c.rpush("list", *["element-%d" % i for i in range(300)])
    c.sadd("intset", 1, 2, 3)
    c.sadd("set", *["m%d" % i for i in range(200)])
    c.zadd("zset", {"a": 1, "b": 2.5})
    c.hset("hash", mapping={"f": "v", "n": 1})
    c.hset("bighash", mapping={"f%d" % i: INCOMPRESSIBLE + str(i) for i in range(100)})
    c.execute_command("SELECT", "5")
    c.set("in-db5", "five")
    c.pexpireat("in-db5", FAR_FUTURE_MS)
    c.execute_command("SELECT", "0")
    return 10, 2


def cmd(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        data = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def manifest_files(srv):
    with open(os.path.join(srv.dir, AOF_DIR, MANIFEST)) as f:
        lines = [line.split() for line in f.read().splitlines() if line]
    return [(parts[1], parts[5]) for parts in lines]


def analyzed(out: str, name: str) -> dict:
    """The numbers of a file's "AOF analyzed:" line."""
    m = re.search(
        r"AOF analyzed: filename=%s, size=(\d+), ok_up_to=(\d+), ok_up_to_line=(\d+), diff=(\d+)"
        % re.escape(name),
        out,
    )
    assert m, out
    return dict(zip(("size", "ok_up_to", "line", "diff"), map(int, m.groups())))


# ---------------------------------------------------------------- RDB


def test_sound_rdb_files_are_reported(writer, check_rdb):
    srv = writer()
    c = srv.client()
    keys, expires = populate(c)
    assert c.save()
    path = os.path.join(srv.dir, "dump.rdb")
    status, out = run(check_rdb, path)
    assert status == 0, out
    assert "[offset 0] Checking RDB file %s\n" % path in out
    assert re.search(r"\] AUX FIELD redis-ver = '7\.0\.15'\n", out), out
    assert "] Selecting DB ID 0\n" in out and "] Selecting DB ID 5\n" in out, out
    size = os.path.getsize(path)
    assert "[offset %d] Checksum OK\n" % size in out, out
    assert "[offset %d] \\o/ RDB looks OK! \\o/\n" % size in out, out
    assert "[info] %d keys read\n[info] %d expires\n[info] 0 already expired\n" % (keys, expires) in out
    assert "ERROR" not in out
    if is_osprey(check_rdb):
        assert "[info] RDB format version 10\n" in out, out
        assert "[info] db 0: 9 keys, 1 expires\n[info] db 5: 1 keys, 1 expires\n" in out, out


def test_damaged_rdb_files_fail(writer, check_rdb, tmp_path):
    srv = writer()
    populate(srv.client())
    assert srv.client().save()
    with open(os.path.join(srv.dir, "dump.rdb"), "rb") as f:
        data = f.read()
    damaged = {
        "checksum": data[:-3] + bytes([data[-3] ^ 0x10]) + data[-2:],
        # A byte of a value (one of the strings of "bighash") changed.
        "value": data.replace(INCOMPRESSIBLE.encode(), INCOMPRESSIBLE[:40].encode() + b" "
                              + INCOMPRESSIBLE[41:].encode(), 1),
        "signature": b"XEDIS" + data[5:],
    }
    for cut in (10, len(data) // 3, len(data) // 2, len(data) - 9, len(data) - 1):
        damaged["cut-%d" % cut] = data[:cut]
    for name, content in damaged.items():
        assert content != data, name
        path = tmp_path / ("%s.rdb" % name)
        path.write_bytes(content)
        status, out = run(check_rdb, str(path))
        assert status == 1, (name, out)
        assert "--- RDB ERROR DETECTED ---\n" in out, (name, out)
        assert "RDB looks OK" not in out, (name, out)
    _, out = run(check_rdb, str(tmp_path / "checksum.rdb"))
    assert "RDB CRC error" in out, out
    assert "[additional info] While doing: check-sum\n" in out, out


def test_rdb_damage_names_the_key_being_read(make_server, check_rdb, tmp_path):
    srv = make_server()
    c = srv.client()
    c.rpush("the-list", *["x%d" % i for i in range(10)])
    assert c.save()
    with open(os.path.join(srv.dir, "dump.rdb"), "rb") as f:
        data = bytearray(f.read())
    # Cut inside the list's value: the key is read, its value is not whole.
    at = data.index(b"the-list") + len(b"the-list") + 4
    path = tmp_path / "cut.rdb"
    path.write_bytes(bytes(data[:at]))
    status, out = run(check_rdb, str(path))
    assert status == 1, out
    assert "[additional info] While doing: read-object-value\n" in out, out
    assert "[additional info] Reading key 'the-list'\n" in out, out
    # The key being read counts as read.
    assert "[info] 1 keys read\n" in out, out


def test_rdb_tool_refuses_bad_arguments(check_rdb, tmp_path):
    assert run(check_rdb)[0] == 1
    assert run(check_rdb, "a.rdb", "b.rdb")[0] == 1
    status, out = run(check_rdb, str(tmp_path / "missing.rdb"))
    assert status == 1, out
    assert "RDB looks OK" not in out


# ---------------------------------------------------------------- AOF


def write_aof(srv):
    """Commands in two databases and a transaction; returns the client."""
    c = srv.client()
    c.config_set("appendfsync", "always")
    populate(c)
    with c.pipeline(transaction=True) as p:
        p.incr("counter")
        p.incr("counter")
        p.execute()
    return c


def test_sound_aof_sets_are_valid(writer, check_aof):
    srv = writer("--appendonly", "yes")
    write_aof(srv)
    manifest = os.path.join(srv.dir, AOF_DIR, MANIFEST)
    status, out = run(check_aof, manifest)
    assert status == 0, out
    assert out.startswith("Start checking Multi Part AOF\n"), out
    assert "Start to check BASE AOF (RDB format).\n" in out, out
    assert "RDB preamble is OK, proceeding with AOF tail...\n" in out, out
    incr = os.path.basename(last_incr(srv))
    numbers = analyzed(out, incr)
    assert numbers["diff"] == 0 and numbers["size"] == numbers["ok_up_to"] > 0, out
    assert "INCR AOF %s is valid\n" % incr in out, out
    assert out.endswith("All AOF files and manifest are valid\n"), out


def test_torn_aof_tail_is_fixed_and_loads(writer, check_aof, make_server):
    srv = writer("--appendonly", "yes")
    write_aof(srv)
    srv.stop()
    incr = last_incr(srv)
    size = os.path.getsize(incr)
    with open(incr, "ab") as f:
        f.write(cmd("SET", "torn", "x" * 50)[:30])
    manifest = os.path.join(srv.dir, AOF_DIR, MANIFEST)
    name = os.path.basename(incr)

    status, out = run(check_aof, manifest)
    assert status == 1, out
    numbers = analyzed(out, name)
    assert (numbers["size"], numbers["ok_up_to"], numbers["diff"]) == (size + 30, size, 30), out
    assert "AOF %s is not valid. Use the --fix option to try fixing it.\n" % name in out, out

    # Not confirmed: nothing changes.
    status, out = run(check_aof, "--fix", manifest, answer="n\n")
    assert status == 1, out
    assert "Continue? [y/N]: Aborting...\n" in out, out
    assert os.path.getsize(incr) == size + 30

    status, out = run(check_aof, "--fix", manifest, answer="y\n")
    assert status == 0, out
    assert ("This will shrink the AOF %s from %d bytes, with 30 bytes, to %d bytes\n"
            % (name, size + 30, size)) in out, out
    assert "Successfully truncated AOF %s\n" % name in out, out
    assert os.path.getsize(incr) == size
    assert run(check_aof, manifest)[0] == 0

    # The server under test starts on what --fix left, even when it refuses
    # torn files.
    loaded = make_server("--dir", srv.dir, "--appendonly", "yes", "--aof-load-truncated", "no")
    c = loaded.client()
    assert c.get("str") == b"hello"
    assert c.get("counter") == b"2"
    assert c.llen("list") == 300
    assert c.exists("torn") == 0


def test_multi_without_exec_is_cut_before_the_multi(make_server, check_aof):
    srv = make_server("--appendonly", "yes")
    write_aof(srv)
    srv.stop()
    incr = last_incr(srv)
    size = os.path.getsize(incr)
    with open(incr, "ab") as f:
        f.write(cmd("MULTI") + cmd("SET", "in-tx", "1"))
    manifest = os.path.join(srv.dir, AOF_DIR, MANIFEST)
    status, out = run(check_aof, manifest)
    assert status == 1, out
    assert analyzed(out, os.path.basename(incr))["ok_up_to"] == size, out
    status, out = run(check_aof, "--fix", manifest, answer="y\n")
    assert status == 0, out
    assert os.path.getsize(incr) == size


def test_damage_before_the_last_file_is_never_fixed(writer, check_aof):
    srv = writer("--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    write_aof(srv)
    srv.stop()
    files = manifest_files(srv)
    base = os.path.join(srv.dir, AOF_DIR, [n for n, k in files if k == "b"][0])
    with open(base, "ab") as f:
        f.write(b"*2\r\n$3\r\nDEL")
    before = os.path.getsize(base)
    manifest = os.path.join(srv.dir, AOF_DIR, MANIFEST)
    status, out = run(check_aof, manifest)
    assert status == 1, out
    assert "Start to check BASE AOF (RESP format).\n" in out, out
    assert "not valid" in out, out
    status, out = run(check_aof, "--fix", manifest, answer="y\n")
    assert status == 1, out
    assert "Failed to truncate AOF %s because it is not the last file\n" % os.path.basename(base) in out
    assert os.path.getsize(base) == before


def test_missing_file_of_a_set_fails(make_server, check_aof):
    srv = make_server("--appendonly", "yes")
    write_aof(srv)
    srv.stop()
    incr = last_incr(srv)
    os.remove(incr)
    status, out = run(check_aof, os.path.join(srv.dir, AOF_DIR, MANIFEST))
    assert status == 1, out
    assert "Cannot open file %s: No such file or directory" % incr in out, out
    assert "All AOF files" not in out


def test_truncate_to_timestamp(make_server, check_aof, tmp_path):
    folder = tmp_path / AOF_DIR
    folder.mkdir()
    (folder / MANIFEST).write_text("file appendonly.aof.1.incr.aof seq 1 type i\n")
    incr = folder / "appendonly.aof.1.incr.aof"
    data = (b"#TS:1628217470\r\n" + cmd("set", "foo1", "bar1") + b"#TS:1628217471\r\n"
            + cmd("set", "foo2", "bar2") + b"#TS:1628217472\r\n#TS:1628217473\r\n"
            + cmd("set", "foo3", "bar3") + b"#TS:1628217474\r\n")
    incr.write_bytes(data)
    manifest = str(folder / MANIFEST)

    status, out = run(check_aof, "--truncate-to-timestamp", "1628217474", manifest)
    assert status == 0, out
    assert "Truncate nothing in AOF appendonly.aof.1.incr.aof to timestamp 1628217474\n" in out
    assert incr.read_bytes() == data

    status, out = run(check_aof, "--truncate-to-timestamp", "1628217471", manifest)
    assert status == 0, out
    assert "Successfully truncated AOF appendonly.aof.1.incr.aof to timestamp 1628217471\n" in out
    assert incr.read_bytes() == data[: data.index(b"#TS:1628217472")]

    status, out = run(check_aof, "--truncate-to-timestamp", "1628217469", manifest)
    assert status == 1, out
    assert "aborting" in out, out

    status, out = run(check_aof, "--truncate-to-timestamp", "soon", manifest)
    assert status == 1, out

    srv = make_server("--dir", str(tmp_path), "--appendonly", "yes")
    c = srv.client()
    assert (c.get("foo1"), c.get("foo2"), c.get("foo3")) == (b"bar1", b"bar2", None)


def test_old_style_aof_with_rdb_preamble(oracle_factory, check_aof, tmp_path):
    srv = oracle_factory("--appendonly", "yes")
    write_aof(srv)
    files = manifest_files(srv)
    base = os.path.join(srv.dir, AOF_DIR, [n for n, k in files if k == "b"][0])
    with open(base, "rb") as f:
        preamble = f.read()
    with open(last_incr(srv), "rb") as f:
        tail = f.read()
    path = tmp_path / "appendonly.aof"
    path.write_bytes(preamble + tail)
    status, out = run(check_aof, str(path))
    assert status == 0, out
    assert out.startswith("Start checking Old-Style AOF\n[offset 0] Checking RDB file %s\n" % path), out
    assert "RDB preamble is OK, proceeding with AOF tail...\n" in out, out
    numbers = analyzed(out, str(path))
    assert numbers["size"] == numbers["ok_up_to"] == len(preamble) + len(tail), out
    assert out.endswith("AOF %s is valid\n" % path), out

    # A changed byte in the preamble.
    path.write_bytes(preamble[:-4] + bytes([preamble[-4] ^ 1]) + preamble[-3:] + tail)
    status, out = run(check_aof, str(path))
    assert status == 1, out
    assert "RDB preamble of AOF file is not sane, aborting.\n" in out, out


def test_aof_tool_refuses_bad_arguments(check_aof, tmp_path):
    assert run(check_aof)[0] == 1
    assert run(check_aof, "--bogus", "x.aof")[0] == 1
    status, out = run(check_aof, str(tmp_path / "missing.aof"))
    assert status == 1, out
    assert "No such file or directory" in out, out
    empty = tmp_path / "empty.aof"
    empty.write_bytes(b"")
    status, out = run(check_aof, str(empty))
    assert status == 0, out
    assert "AOF %s is empty\n" % empty in out, out
