"""Tests of the differential machinery itself; no real server needed.

The reader, the normalizers, the generator's determinism and safety rules,
the stream file format, and an end-to-end run against two scripted fake
servers showing that a single differing reply is caught and reported.
"""

from __future__ import annotations

import os
import random
import socket
import threading

import pytest

from . import commands, config, generator, registry, resp, runner
from . import normalize as nz

# ------------------------------------------------------------------ reader

COMPLETE_REPLIES = [
    b"+OK\r\n",
    b"-ERR wrong number of arguments for 'get' command\r\n",
    b":-42\r\n",
    b"$5\r\nhe\r\no\r\n",
    b"$0\r\n\r\n",
    b"$-1\r\n",
    b"*-1\r\n",
    b"*0\r\n",
    b"*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n",
    b"_\r\n",
    b",3.14\r\n",
    b",inf\r\n",
    b"#t\r\n",
    b"(12345678901234567890123\r\n",
    b"!9\r\nSYNTAX xx\r\n",
    b"=15\r\ntxt:Some string\r\n",
    b"%2\r\n$1\r\na\r\n:1\r\n+b\r\n_\r\n",
    b"~2\r\n:1\r\n:2\r\n",
    b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
    b"|1\r\n+ttl\r\n:3600\r\n$3\r\nval\r\n",
    b"$?\r\n;4\r\nHell\r\n;2\r\no!\r\n;0\r\n",
    b"*?\r\n:1\r\n$1\r\na\r\n.\r\n",
]


@pytest.mark.parametrize("raw", COMPLETE_REPLIES)
def test_reply_end_finds_exactly_one_reply(raw):
    assert resp.reply_end(raw) == len(raw)
    assert resp.reply_end(raw + b"+NEXT\r\n") == len(raw)
    for cut in range(len(raw)):
        assert resp.reply_end(raw[:cut]) is None, f"prefix {raw[:cut]!r} taken as complete"


@pytest.mark.parametrize("garbage", [b"?what\r\n", b"$abc\r\n", b"$3\r\nabcd\r\n", b"*-2\r\n"])
def test_reply_end_rejects_garbage(garbage):
    with pytest.raises(resp.ProtocolViolation):
        resp.reply_end(garbage)


def test_reader_reassembles_replies_sent_byte_by_byte():
    a, b = socket.socketpair()
    data = b"".join(COMPLETE_REPLIES)

    def trickle():
        for i in range(len(data)):
            b.send(data[i:i + 1])
        b.close()

    t = threading.Thread(target=trickle)
    t.start()
    reader = resp.RespReader(a)
    assert [reader.read_reply(timeout=5) for _ in COMPLETE_REPLIES] == COMPLETE_REPLIES
    with pytest.raises(resp.ConnectionClosed):
        reader.read_reply(timeout=5)
    t.join()
    a.close()


def test_reader_times_out_on_partial_reply():
    a, b = socket.socketpair()
    b.send(b"$10\r\nabc")
    with pytest.raises(resp.ReplyTimeout) as info:
        resp.RespReader(a).read_reply(timeout=0.1)
    assert info.value.partial == b"$10\r\nabc"
    a.close()
    b.close()


def test_inline_quoting():
    assert resp.encode_inline([b"SET", b"k", b"v"]) == b"SET k v\r\n"
    assert resp.encode_inline([b"ECHO", b""]) == b'ECHO ""\r\n'
    assert resp.encode_inline([b"ECHO", b'a "b"\\\x00\xff']) == \
        b'ECHO "a \\"b\\"\\\\\\x00\\xff"\r\n'
    assert resp.encode_inline([b"ECHO", b"it's"]) == b'ECHO "it\'s"\r\n'


# ------------------------------------------------------------------ normalizers


def test_keys_order_is_ignored_but_content_is_not():
    args = [b"KEYS", b"*"]
    ab = b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    ba = b"*2\r\n$1\r\nb\r\n$1\r\na\r\n"
    ac = b"*2\r\n$1\r\na\r\n$1\r\nc\r\n"
    assert runner.compare_reply(args, ab, ba, 0) is None
    assert runner.compare_reply(args, ab, ac, 0) is not None


def test_ttl_compares_slot_not_exact_value():
    args = [b"TTL", b"k"]
    assert runner.compare_reply(args, b":123000\r\n", b":122997\r\n", 0) is None
    assert runner.compare_reply(args, b":123000\r\n", b":124000\r\n", 0) is not None
    assert runner.compare_reply(args, b":-1\r\n", b":-2\r\n", 0) is not None
    assert runner.compare_reply(args, b":-1\r\n", b":0\r\n", 0) is not None
    assert runner.compare_reply(args, b":2300000000\r\n", b":2300000001\r\n", 0) is None
    assert runner.compare_reply([b"PTTL", b"k"], b":123000000\r\n", b":122999123\r\n", 0) is None


def test_expiretime_exact_for_absolute_rounded_for_relative():
    now_ms = 1_700_000_000_000
    rel = b":%d\r\n" % (now_ms // 1000 + 5000)
    rel_later = b":%d\r\n" % (now_ms // 1000 + 5000 - 2)
    assert runner.compare_reply([b"EXPIRETIME", b"k"], rel, rel_later, now_ms) is None
    absolute = b":%d\r\n" % nz.ABSOLUTE_BASE_S
    absolute_plus_1 = b":%d\r\n" % (nz.ABSOLUTE_BASE_S + 1)
    assert runner.compare_reply([b"EXPIRETIME", b"k"], absolute, absolute_plus_1, now_ms)
    # Relative but huge (PX 9223372036854776): neither exact nor slot-rounded.
    huge = b":%d\r\n" % (now_ms + 9223372036854776)
    huge_later = b":%d\r\n" % (now_ms + 9223372036854777)
    assert runner.compare_reply([b"PEXPIRETIME", b"k"], huge, huge_later, now_ms) is None


def test_errors_are_compared_exactly_even_for_normalized_commands():
    for name in (b"TTL", b"KEYS", b"OBJECT", b"HELLO", b"SCAN", b"RANDOMKEY"):
        assert runner.compare_reply([name, b"x"], b"-ERR a\r\n", b"-ERR b\r\n", 0) is not None


def test_hello_ignores_only_process_identity():
    def hello(version, proto):
        fields = [(b"server", b"$5\r\nredis\r\n"),
                  (b"version", b"$%d\r\n%s\r\n" % (len(version), version)),
                  (b"proto", b":%d\r\n" % proto), (b"id", b":7\r\n")]
        return b"%%%d\r\n" % len(fields) + b"".join(
            b"$%d\r\n%s\r\n" % (len(k), k) + v for k, v in fields)
    assert runner.compare_reply([b"HELLO", b"3"], hello(b"7.0.15", 3), hello(b"1.0", 3), 0) is None
    assert runner.compare_reply([b"HELLO", b"3"], hello(b"7.0.15", 3), hello(b"7.0.15", 2), 0)


def test_object_idletime_normalized_encoding_exact():
    assert runner.compare_reply([b"OBJECT", b"IDLETIME", b"k"], b":0\r\n", b":3\r\n", 0) is None
    assert runner.compare_reply([b"object", b"encoding", b"k"],
                                b"$6\r\nembstr\r\n", b"$3\r\nraw\r\n", 0) is not None


def test_digest_difference_names_the_entry():
    a = [("db0: KEYS *", b"*0\r\n"), ("db0 key b'k': TYPE", b"+string\r\n")]
    b = [("db0: KEYS *", b"*0\r\n"), ("db0 key b'k': TYPE", b"+list\r\n")]
    m = runner.compare_digests(a, b)
    assert m and "TYPE" in m.what and m.raw_a == b"+string\r\n"
    assert runner.compare_digests(a, list(a)) is None
    assert runner.compare_digests(a, a[:1]) is not None


# ------------------------------------------------------------------ generator


def test_same_seed_same_stream_different_seed_different_stream():
    table = commands.CommandTable("")
    s1 = generator.generate_stream(42, 3, 200, table, "pipe")
    s2 = generator.generate_stream(42, 3, 200, table, "pipe")
    s3 = generator.generate_stream(43, 3, 200, table, "pipe")
    assert s1 == s2
    assert s1.commands() != s3.commands()


def test_command_selection():
    assert set(commands.resolve("m1")) == set(commands.PRESETS["m1"])
    assert "HELLO" not in commands.resolve("-HELLO")
    assert commands.resolve("get,set") == ["GET", "SET"]
    with pytest.raises(ValueError):
        commands.resolve("NOSUCHCOMMAND")
    table = commands.CommandTable("m1")
    assert generator.stream_modes(table) == generator.MODES_RESP2
    rng = random.Random(1)
    assert all(table.pick(rng).name in commands.PRESETS["m1"] for _ in range(500))


def _all_generated(count=10000, seed=7):
    table = commands.CommandTable("all")
    gen = generator.Gen(random.Random(seed))
    for _ in range(count):
        spec = table.pick(gen.rng)
        out = spec.gen(gen)
        for args in (out if isinstance(out, registry.Seq) else [out]):
            yield spec, args


def test_generated_commands_are_byte_lists():
    for spec, args in _all_generated(5000):
        assert args and all(isinstance(a, bytes) for a in args), (spec.name, args)


def test_generator_never_asks_for_huge_allocations():
    for spec, args in _all_generated():
        if spec.name == "SETRANGE" and len(args) == 4 and args[3]:
            offset = int(args[2]) if args[2].lstrip(b"-").isdigit() else -1
            # Past 512 MB in total the server refuses without allocating.
            assert offset <= 3000 or offset + len(args[3]) > 512 * 1024 * 1024, args
        if spec.name == "LCS":
            assert args[1] in generator.LCS_KEYS and args[2] in generator.LCS_KEYS


def test_relative_expiries_are_unique_slots():
    gen = generator.Gen(random.Random(5))
    seconds = [int(gen.rel_seconds()) for _ in range(300)]
    seconds += [int(gen.rel_millis()) // 1000 for _ in range(300)]
    slots = [s // nz.SLOT_S for s in seconds]
    assert len(set(slots)) == len(slots)
    assert all(s % nz.SLOT_S < 400 for s in seconds)
    assert all(s >= 100_000 for s in seconds)


def test_stream_file_round_trip(tmp_path):
    table = commands.CommandTable("")
    stream = generator.generate_stream(9, 1, 300, table, "inline")
    path = str(tmp_path / "s.txt")
    runner.write_stream(stream, path, notes=["a note\nover two lines"])
    again = runner.read_stream(path)
    assert again.steps == stream.steps
    assert (again.seed, again.mode) == (stream.seed, stream.mode)


# ------------------------------------------------------------------ end to end


class FakeServer:
    """A loopback server that answers every request with reply_for(args, n)
    (None: close the connection instead)."""

    def __init__(self, label, reply_for):
        self.label = label
        self.reply_for = reply_for
        self.count = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        buf = b""
        with conn:
            while True:
                end = resp.reply_end(buf)  # a request is framed like an array reply
                if end is None:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                    continue
                _, elems = resp.split_aggregate(buf[:end])
                buf = buf[end:]
                args = [resp.blob_value(e) for e in elems]
                self.count += 1
                reply = self.reply_for(args, self.count)
                if reply is None:
                    return  # hang up
                conn.sendall(reply)

    def connect(self):
        return resp.connect("127.0.0.1", self.port)

    def is_running(self):
        return True

    def log_tail(self):
        return ""

    def close(self):
        self.listener.close()


def _ok(args, n):
    if args[0] == b"KEYS":
        return b"*0\r\n"
    return b"+OK\r\n"


def test_end_to_end_a_single_differing_reply_is_reported(tmp_path):
    stream = generator.Stream("stream-fake", "fake-seed", "pipe", steps=[
        [generator.Command([b"SET", b"k", b"v"]), generator.Command([b"GET", b"k"])],
        [generator.Command([b"ECHO", b"\x00bin"])],
        [generator.Command([b"DEL", b"k"])],
    ])
    good = FakeServer("redis", _ok)
    bad = FakeServer("osprey",
                     lambda args, n: b"-ERR nope\r\n" if args[0] == b"ECHO" else _ok(args, n))
    try:
        report = runner.check_stream(stream, bad, good, out_dir=str(tmp_path))
        assert report is not None
        assert f"DIFF_SEED={config.SEED}" in report
        assert "command #2" in report
        assert repr([b"ECHO", b"\x00bin"]) in report
        assert repr(b"-ERR nope\r\n") in report and repr(b"+OK\r\n") in report
        written = [os.path.join(tmp_path, f) for f in os.listdir(tmp_path)]
        assert len(written) == 1
        assert runner.read_stream(written[0]).steps == stream.steps

        same = FakeServer("osprey", _ok)
        try:
            assert runner.check_stream(stream, same, good, out_dir=str(tmp_path)) is None
        finally:
            same.close()
    finally:
        good.close()
        bad.close()


def test_end_to_end_a_closed_connection_is_a_difference(tmp_path):
    stream = generator.Stream("stream-close", "s", "seq", steps=[
        [generator.Command([b"PING"])], [generator.Command([b"GET", b"x"])]])

    good, bad = FakeServer("redis", _ok), FakeServer("osprey", lambda args, n: None)
    try:
        report = runner.check_stream(stream, bad, good, out_dir=str(tmp_path))
        assert report and "connection closed" in report and "command #0" in report
    finally:
        good.close()
        bad.close()
