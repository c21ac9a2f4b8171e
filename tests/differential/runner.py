"""Sends streams to the server under test and the reference, compares replies.

Side A is the server under test (osprey-server), side B the reference
(redis-server). Each step of a stream goes out in one write on both sides;
then the step's replies are read from both and compared one by one after the
command's normalizer. After a stream that matched, a digest of the whole
keyspace state is compared as well. Any difference becomes a report naming the
seed, the command index, the command and both replies, and the stream is
written to a file that replay.py can run again.
"""

from __future__ import annotations

import ast
import os
import threading
import time
from dataclasses import dataclass

from . import commands, config, resp
from . import normalize as nz
from .generator import Command, Stream

REPLY_TIMEOUT = 10.0
CLOSED = b"<connection closed>"
TIMEOUT = b"<no complete reply within %d s>" % REPLY_TIMEOUT
_BIG_WRITE = 64 * 1024


class Side:
    """One connection to one server, with the label used in reports."""

    def __init__(self, server, sock=None):
        self.server = server
        self.label = server.label
        self.sock = sock or server.connect()
        self.reader = resp.RespReader(self.sock)
        self.dead = None  # marker replayed for every reply once the link is gone

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, payload: bytes):
        try:
            self.sock.sendall(payload)
        except OSError:
            self.dead = self.dead or CLOSED

    def read(self) -> bytes:
        if self.dead:
            return self.dead
        try:
            return self.reader.read_reply(REPLY_TIMEOUT)
        except resp.ConnectionClosed as e:
            self.dead = CLOSED
            return CLOSED + (b" after " + e.partial if e.partial else b"")
        except resp.ReplyTimeout as e:
            self.dead = TIMEOUT
            return TIMEOUT + (b" after " + e.partial if e.partial else b"")
        except resp.ProtocolViolation as e:
            self.dead = b"<invalid RESP>"
            return b"<invalid RESP: %s>" % str(e).encode()


def exchange(sides, payload: bytes, count: int) -> list:
    """Writes payload to every side, reads `count` replies from each.

    Big writes go out from a thread so that a server which stops reading while
    its replies are unread cannot deadlock us.
    """
    threads = []
    for side in sides:
        if len(payload) > _BIG_WRITE:
            t = threading.Thread(target=side.send, args=(payload,), daemon=True)
            t.start()
            threads.append(t)
        else:
            side.send(payload)
    replies = [[side.read() for _ in range(count)] for side in sides]
    for t in threads:
        t.join(REPLY_TIMEOUT)
    return replies


@dataclass
class Mismatch:
    index: int  # 0-based position in the stream (or digest entry)
    what: str   # "command #12" or "digest entry ..."
    args: list
    raw_a: bytes
    raw_b: bytes
    norm_a: bytes
    norm_b: bytes


def compare_reply(args, raw_a: bytes, raw_b: bytes, now_ms: int):
    """Returns (norm_a, norm_b) if they differ, else None."""
    if raw_a == raw_b:
        return None
    norm = commands.normalizer_for(args)
    norm_a, norm_b = norm(args, raw_a, now_ms), norm(args, raw_b, now_ms)
    return None if norm_a == norm_b else (norm_a, norm_b)


def run_stream(stream: Stream, side_a: Side, side_b: Side, log=None):
    """Runs every step; returns the first Mismatch or None.

    `log`, if given, is called as log(index, command, raw_a, raw_b, differs).
    """
    index = 0
    for step in stream.steps:
        payload = b"".join(c.encode() for c in step)
        replies_a, replies_b = exchange((side_a, side_b), payload, len(step))
        now_ms = int(time.time() * 1000)
        first = None
        for cmd, ra, rb in zip(step, replies_a, replies_b):
            diff = compare_reply(cmd.args, ra, rb, now_ms)
            if log:
                log(index, cmd, ra, rb, diff is not None)
            if diff and first is None:
                first = Mismatch(index, f"command #{index}", cmd.args, ra, rb, *diff)
            index += 1
        if first:
            return first
        if side_a.dead or side_b.dead:
            return None  # both gone the same way: nothing more to compare
    return None


# ------------------------------------------------------------------ state digest

# How the digest reads a value of each type: (args for a key, normalizer).
_TYPE_READS = {
    b"string": (lambda k: [b"GET", k], nz.exact),
    b"list": (lambda k: [b"LRANGE", k, b"0", b"-1"], nz.exact),
    b"set": (lambda k: [b"SMEMBERS", k], nz.sorted_array),
    b"hash": (lambda k: [b"HGETALL", k], nz.sorted_pairs),
    b"zset": (lambda k: [b"ZRANGE", k, b"0", b"-1", b"WITHSCORES"], nz.exact),
    b"stream": (lambda k: [b"XRANGE", k, b"-", b"+"], nz.exact),
}
# Encodings whose order is defined (an intset is sorted, a listpack hash keeps
# insertion order): read in these, the value is compared exactly. (The
# encoding itself is a digest entry of its own.)
_ORDERED_ENCODINGS = {(b"set", b"intset"), (b"hash", b"listpack")}
# A small encoding is scanned in one call whatever the COUNT, in its order.
_SMALL_SCANS = {(b"set", b"intset"): b"SSCAN", (b"hash", b"listpack"): b"HSCAN",
                (b"zset", b"listpack"): b"ZSCAN"}


def _call(side: Side, args) -> bytes:
    return exchange((side,), resp.encode_command(args), 1)[0][0]


def state_digest(server, dbs=config.DBS) -> list:
    """(label, normalized reply) for DBSIZE, KEYS and every key's type, value,
    TTL class and encoding in each db, read over a fresh RESP2 connection."""
    side = Side(server)
    out = []
    try:
        for db in dbs:
            out.append((f"db{db}: SELECT", _call(side, [b"SELECT", b"%d" % db])))
            out.append((f"db{db}: DBSIZE", _call(side, [b"DBSIZE"])))
            raw_keys = _call(side, [b"KEYS", b"*"])
            out.append((f"db{db}: KEYS *", nz.sorted_array(None, raw_keys, 0)))
            _, elems = resp.split_aggregate(raw_keys)
            keys = sorted(k for k in (resp.blob_value(e) for e in elems) if k is not None)
            for key in keys:
                out += _key_digest(side, db, key)
    finally:
        side.close()
    return out


def _key_digest(side: Side, db: int, key: bytes) -> list:
    where = f"db{db} key {key!r}"
    raw_type = _call(side, [b"TYPE", key])
    raw_encoding = _call(side, [b"OBJECT", b"ENCODING", key])
    out = [(f"{where}: TYPE", raw_type), (f"{where}: OBJECT ENCODING", raw_encoding)]
    type_name = resp.blob_value(raw_type) or b""
    read = _TYPE_READS.get(type_name)
    if read:
        make_args, norm = read
        if (type_name, resp.blob_value(raw_encoding)) in _ORDERED_ENCODINGS:
            norm = nz.exact
        args = make_args(key)
        out.append((f"{where}: {args[0].decode()}", norm(args, _call(side, args), 0)))
    scan = _SMALL_SCANS.get((type_name, resp.blob_value(raw_encoding)))
    if scan:
        out.append((f"{where}: {scan.decode()} 0", _call(side, [scan, key, b"0"])))
    now_ms = int(time.time() * 1000)
    out.append((f"{where}: PTTL", nz.ttl_millis(None, _call(side, [b"PTTL", key]), now_ms)))
    return out


def compare_digests(digest_a: list, digest_b: list):
    """First differing digest entry as a Mismatch, or None."""
    for i in range(max(len(digest_a), len(digest_b))):
        la, ra = digest_a[i] if i < len(digest_a) else ("(none)", b"<missing>")
        lb, rb = digest_b[i] if i < len(digest_b) else ("(none)", b"<missing>")
        if la != lb or ra != rb:
            label = la if la == lb else f"{la} / {lb}"
            return Mismatch(i, f"state digest entry {label!r}", [], ra, rb, ra, rb)
    return None


# ------------------------------------------------------------------ stream files

FILE_MAGIC = "# osprey differential stream v1"


def write_stream(stream: Stream, path: str, notes=()) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="ascii", errors="backslashreplace") as f:
        f.write(FILE_MAGIC + "\n")
        f.write(f"# name: {stream.name}\n# seed: {stream.seed}\n# mode: {stream.mode}\n")
        for note in notes:
            for line in note.splitlines():
                f.write(f"#   {line}\n")
        f.write("# one command per line: 'resp' or 'inline' encoding, then the arguments;\n"
                "# a leading '+' means: sent in the same write as the line before.\n")
        for step in stream.steps:
            for i, cmd in enumerate(step):
                kind = ("+" if i else "") + ("inline" if cmd.inline else "resp")
                f.write(f"{kind} {cmd.args!r}\n")


def read_stream(path: str) -> Stream:
    stream = Stream(name=os.path.basename(path), seed="?", mode="?")
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition(": ")
                if key in ("name", "seed", "mode"):
                    setattr(stream, key, value)
                continue
            if not line.strip():
                continue
            kind, _, literal = line.partition(" ")
            args = ast.literal_eval(literal)
            if not (isinstance(args, list) and all(isinstance(a, bytes) for a in args)):
                raise ValueError(f"{path}: bad command line {line!r}")
            cmd = Command(args, inline=kind.lstrip("+") == "inline")
            if kind.startswith("+") and stream.steps:
                stream.steps[-1].append(cmd)
            else:
                stream.steps.append([cmd])
    return stream


# ------------------------------------------------------------------ reports


def _context(stream: Stream, index: int, before: int = 5) -> list:
    cmds = stream.commands()
    lines = []
    for i in range(max(0, index - before), min(index, len(cmds))):
        lines.append(f"    #{i}: {cmds[i].args!r}")
    return lines


def format_report(stream: Stream, m: Mismatch, label_a: str, label_b: str, path: str) -> str:
    lines = [
        f"differential mismatch in {stream.name} at {m.what}",
        f"  seed: DIFF_SEED={config.SEED} (stream seed {stream.seed!r}, mode {stream.mode})",
    ]
    if m.args:
        lines.append(f"  command: {m.args!r}")
    lines += [f"  {label_a:>7}: {m.raw_a!r}", f"  {label_b:>7}: {m.raw_b!r}"]
    if (m.norm_a, m.norm_b) != (m.raw_a, m.raw_b):
        lines += [f"  normalized {label_a}: {m.norm_a!r}", f"  normalized {label_b}: {m.norm_b!r}"]
    if m.args:
        lines.append("  commands before it:")
        lines += _context(stream, m.index) or ["    (none)"]
    lines += [
        f"  full stream: {path}",
        f"  replay the stream: /usr/bin/python3 tests/differential/replay.py {path}",
        f"  rerun this test:   {config.replay_hint(stream.name)}",
    ]
    return "\n".join(lines)


def check_stream(stream: Stream, server_a, server_b, out_dir: str = None):
    """Runs `stream` on fresh connections, then compares the state digest.

    Returns None when everything matched, else a report (str); the stream is
    then written to out_dir.
    """
    side_a, side_b = Side(server_a), Side(server_b)
    try:
        mismatch = run_stream(stream, side_a, side_b)
    finally:
        side_a.close()
        side_b.close()
    if mismatch is None:
        mismatch = compare_digests(state_digest(server_a), state_digest(server_b))
    if mismatch is None:
        return None
    path = os.path.join(out_dir or config.OUT_DIR, f"seed{config.SEED}-{stream.name}.txt")
    report = format_report(stream, mismatch, server_a.label, server_b.label, path)
    dead = not_running_report((server_a, server_b))
    if dead:
        report += "\n" + dead
    write_stream(stream, path, notes=[report])
    return report


def not_running_report(servers):
    """A report naming every server that has exited (with its log tail), or None."""
    dead = [s for s in servers if not s.is_running()]
    if not dead:
        return None
    return "\n".join(f"{s.label} ({s.binary}) is no longer running; log tail:\n{s.log_tail()}"
                     for s in dead)


def reset_servers(servers, dbs=config.DBS) -> None:
    """Empties every db the streams use, on every server (FLUSHDB per db)."""
    for server in servers:
        side = Side(server)
        try:
            for db in dbs:
                if _call(side, [b"SELECT", b"%d" % db]) != b"+OK\r\n":
                    continue  # a server without this db: the streams will show it
                reply = _call(side, [b"FLUSHDB"])
                if reply != b"+OK\r\n":
                    raise RuntimeError(f"{server.label}: FLUSHDB in db {db} -> {reply!r}")
        finally:
            side.close()
