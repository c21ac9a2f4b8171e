"""COMMAND introspection of osprey-server compared with redis-server.

For every command osprey-server lists in COMMAND, COMMAND INFO and COMMAND
DOCS must equal redis-server's, in RESP2 and RESP3, except for the prose we
write ourselves (summary, complexity, history descriptions, key spec notes:
only their presence is compared) and for commands Redis 7.0 does not have
(the Redis 7.2 ones). The order of the command list and of subcommands is not
compared: Redis emits them in hash-table order. COMMAND GETKEYS and
GETKEYSANDFLAGS replies, and the error replies, are compared byte for byte.

Self-contained: starts its own servers on free loopback ports (23500-23599).
  OSPREY_SERVER  server under test (default <repo>/build/osprey-server)
  REDIS_SERVER   reference (default /usr/bin/redis-server)
Runs under pytest or as a script: /usr/bin/python3 tests/differential/test_command_table.py
To check the test itself, run it with OSPREY_SERVER=/usr/bin/redis-server.
"""

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OSPREY_SERVER = os.environ.get("OSPREY_SERVER") or os.path.join(REPO, "build", "osprey-server")
REDIS_SERVER = os.environ.get("REDIS_SERVER") or "/usr/bin/redis-server"
HOST = "127.0.0.1"
PORTS = range(23500, 23600)

# Commands Osprey has that Redis 7.0 does not (their facts come from Redis
# 7.2, and for hash-field expiration from Redis 7.4).
NEWER_THAN_7_0 = {
    "client|no-touch", "client|setinfo",
    "hexpire", "hpexpire", "hexpireat", "hpexpireat", "httl", "hpttl", "hexpiretime",
    "hpexpiretime", "hpersist",
}
# Containers of which Osprey has only some subcommands so far.
PARTIAL_CONTAINERS = {"function"}

# Requests whose keys COMMAND GETKEYS / GETKEYSANDFLAGS must find the same way.
GETKEYS_REQUESTS = [
    ["get", "k"], ["GET", "k"], ["set", "k", "v"], ["set", "k", "v", "get"],
    ["set", "k", "v", "NX", "GeT", "EX", "10"], ["set", "k", "get"], ["set", "k", "v", "gets"],
    ["mset", "a", "1", "b", "2"], ["mset", "a", "1", "b"], ["mset", "a"], ["msetnx", "a", "1"],
    ["mget", "a", "b", "c"], ["del", "a", "b"], ["unlink", "a"], ["exists", "a", "a"],
    ["touch", "a"], ["copy", "a", "b"], ["copy", "a", "b", "db", "1", "replace"],
    ["rename", "a", "b"], ["renamenx", "a", "b"], ["move", "k", "1"], ["lcs", "a", "b", "len"],
    ["lcs", "a"], ["object", "encoding", "k"], ["OBJECT", "FREQ", "k"], ["object", "help"],
    ["memory", "usage", "k", "samples", "5"], ["getex", "k", "persist"],
    ["expire", "k", "10", "nx"], ["pexpireat", "k", "1"], ["expiretime", "k"], ["ttl", "k"],
    ["watch", "a", "b"], ["append", "k", "v"], ["decrby", "k", "1"], ["incrbyfloat", "k", "1.5"],
    ["setrange", "k", "0", "v"], ["getrange", "k", "0", "-1"], ["substr", "k", "0", "1"],
    ["psetex", "k", "100", "v"], ["setex", "k", "1", "v"], ["getset", "k", "v"],
    ["getdel", "k"], ["strlen", "k"], ["type", "k"], ["persist", "k"],
    ["ping"], ["ping", "x"], ["nosuch", "a"], ["get", "a", "b"], ["get"],
    ["config", "get", "x"], ["config", "nosuch", "x"], ["client", "info"], ["keys", "*"],
    ["flushall", "async"], ["command", "info", "get"],
    ["sadd", "s", "a"], ["smove", "a", "b", "m"], ["sintercard", "2", "a", "b", "limit", "1"],
    ["sintercard", "3", "a"], ["sinterstore", "d", "a", "b"], ["sunion", "a", "b", "c"],
    ["sort", "k"], ["sort", "k", "store", "d"], ["sort", "k", "by", "store", "get", "store"],
    ["sort", "k", "limit", "0", "1", "STORE", "a", "store", "b"], ["sort", "k", "store"],
    ["sort_ro", "k", "store", "d"], ["sort_ro", "k", "by", "w_*", "get", "#"],
]

# Requests whose whole reply (errors included) must be identical.
RAW_REQUESTS = [
    ["command", "info", "nosuch", "get", "config|get", "CONFIG|GET", "get|x", "config|get|x",
     "config|", "|get", ""],
    ["command", "docs", "nosuch"], ["command", "docs", "nosuch", "get|x"],
    ["command", "list", "filterby", "aclcat"], ["command", "list", "filterby", "foo", "x"],
    ["command", "list", "x"], ["command", "list", "filterby", "aclcat", "nosuch"],
    ["command", "list", "filterby", "module", "nosuch"], ["command", "list", "filterby"],
    ["command", "list", "filterby", "pattern", "x", "y"],
    ["command", "getkeys"], ["command", "getkeys", "get"], ["command", "getkeysandflags", "mset"],
    ["command", "count", "x"], ["command", "help", "x"], ["command", "nosuch"],
    ["command", "info", "nosuch"],
]


# ----------------------------------------------------------------------------
# RESP: encoding requests, decoding replies into typed trees.


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Connection:
    def __init__(self, port, resp=2):
        self.sock = socket.create_connection((HOST, port), timeout=10)
        self.buf = b""
        self.raw = b""  # bytes of the last reply
        if resp == 3:
            self.call("HELLO", "3")

    def close(self):
        self.sock.close()

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        self.raw += line + b"\r\n"
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        self.raw += data + b"\r\n"
        return data

    def read(self):
        """One reply as a typed tree: (kind, value)."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return ("simple", rest)
        if kind == b"-":
            return ("error", rest)
        if kind == b":":
            return ("int", int(rest))
        if kind == b"_":
            return ("null", None)
        if kind in (b",", b"#", b"("):
            return ({b",": "double", b"#": "bool", b"(": "bignum"}[kind], rest)
        if kind in (b"$", b"=", b"!"):
            n = int(rest)
            if n < 0:
                return ("nullbulk", None)
            return ({b"$": "bulk", b"=": "verbatim", b"!": "bloberror"}[kind], self._exact(n))
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return ("nullarray", None)
            name = {b"*": "array", b"~": "set", b">": "push"}[kind]
            return (name, [self.read() for _ in range(n)])
        if kind == b"%":
            return ("map", [(self.read(), self.read()) for _ in range(int(rest))])
        raise ValueError(f"unexpected reply type {line!r}")

    def call(self, *args):
        self.sock.sendall(encode(args))
        self.raw = b""
        return self.read()

    def call_raw(self, *args):
        self.call(*args)
        return self.raw


# ----------------------------------------------------------------------------
# Servers


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
            return True
        except OSError:
            return False


class Server:
    """One server process we start, and stop again by its PID."""

    def __init__(self, binary, label):
        self.binary, self.label = binary, label
        self.proc = self.port = self.dir = None

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise unittest.SkipTest(f"{self.label}: {self.binary} is not an executable")
        ports = list(PORTS)
        random.shuffle(ports)
        for port in ports:
            if not port_is_free(port):
                continue
            self.dir = tempfile.mkdtemp(prefix=f"osprey-cmdtable-{self.label}-")
            self.port = port
            with open(os.path.join(self.dir, "server.log"), "wb") as log:
                self.proc = subprocess.Popen(
                    [self.binary, "--port", str(port), "--bind", HOST, "--save", "",
                     "--appendonly", "no"],
                    cwd=self.dir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if self._wait_ready():
                return
            self.stop()
        raise RuntimeError(f"{self.label}: {self.binary} did not start on any port in "
                           f"{PORTS.start}-{PORTS.stop - 1}")

    def _wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                conn = Connection(self.port)
                try:
                    if conn.call("PING") == ("simple", b"PONG"):
                        return True
                finally:
                    conn.close()
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


# ----------------------------------------------------------------------------
# Normalization: prose out, hash-table order out.

PROSE = ("prose", None)


def text(node):
    return node[1].decode() if node[0] in ("bulk", "simple") else None


def info_name(entry):
    return text(entry[1][0])


def normalize_info(entry, keep):
    """A COMMAND INFO entry with key spec notes blanked and subcommands sorted.

    `keep(fullname)` says which subcommands to compare."""
    if entry[0] != "array" or len(entry[1]) != 10:
        return entry
    fields = list(entry[1])
    specs_kind, specs = fields[8]
    fields[8] = (specs_kind, [normalize_map(s, {"notes"}) for s in specs])
    subs_kind, subs = fields[9]
    subs = [normalize_info(s, keep) for s in subs if keep(info_name(s))]
    fields[9] = (subs_kind, sorted(subs, key=info_name))
    return ("array", fields)


def normalize_map(node, prose_keys):
    """Blanks the values of prose keys of a map (RESP3) or flat key-value array (RESP2)."""
    kind, value = node
    if kind == "map":
        return ("map", [(k, PROSE if text(k) in prose_keys else v) for k, v in value])
    if kind == "array" and len(value) % 2 == 0:
        out = list(value)
        for i in range(0, len(out), 2):
            if text(out[i]) in prose_keys:
                out[i + 1] = PROSE
        return ("array", out)
    return node


def pairs(node):
    kind, value = node
    if kind == "map":
        return list(value)
    return [(value[i], value[i + 1]) for i in range(0, len(value), 2)]


def rebuild(kind, items):
    if kind == "map":
        return ("map", items)
    return ("array", [x for pair in items for x in pair])


def normalize_args(node):
    kind, args = node
    out = []
    for arg in args:
        items = []
        for k, v in pairs(arg):
            if text(k) == "summary":
                v = PROSE
            elif text(k) == "arguments":
                v = normalize_args(v)
            items.append((k, v))
        out.append(rebuild(arg[0], items))
    return (kind, out)


def normalize_docs(node, keep):
    """A COMMAND DOCS entry with prose blanked and subcommands sorted."""
    items = []
    for k, v in pairs(node):
        key = text(k)
        if key in ("summary", "complexity"):
            v = PROSE
        elif key == "history":
            v = (v[0], [("array", [entry[1][0], PROSE]) for entry in v[1]])
        elif key == "arguments":
            v = normalize_args(v)
        elif key == "subcommands":
            subs = [(name, normalize_docs(doc, keep)) for name, doc in pairs(v) if keep(text(name))]
            v = rebuild(v[0], sorted(subs, key=lambda p: text(p[0])))
        items.append((k, v))
    return rebuild(node[0], items)


# ----------------------------------------------------------------------------
# The tests


class CommandTableTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.osprey = Server(OSPREY_SERVER, "osprey")
        cls.redis = Server(REDIS_SERVER, "redis")
        try:
            cls.osprey.start()
            cls.redis.start()
        except BaseException:
            cls.osprey.stop()
            cls.redis.stop()
            raise
        cls.conns = {}
        for label, server in (("osprey", cls.osprey), ("redis", cls.redis)):
            for resp in (2, 3):
                cls.conns[label, resp] = Connection(server.port, resp)
        reply = cls.conns["osprey", 2].call("COMMAND")
        cls.top_level = sorted(info_name(e) for e in reply[1])
        cls.subcommands = {info_name(e): sorted(info_name(s) for s in e[1][9][1])
                           for e in reply[1]}
        cls.known = set(cls.top_level) | {s for subs in cls.subcommands.values() for s in subs}

    @classmethod
    def tearDownClass(cls):
        for conn in cls.conns.values():
            conn.close()
        cls.osprey.stop()
        cls.redis.stop()

    def compared(self, fullname):
        return fullname in self.known and fullname not in NEWER_THAN_7_0

    def both(self, resp, *args):
        return self.conns["osprey", resp].call(*args), self.conns["redis", resp].call(*args)

    def test_lists_commands(self):
        self.assertGreater(len(self.top_level), 0)
        for resp in (2, 3):
            ours, _ = self.both(resp, "COMMAND", "COUNT")
            self.assertEqual(ours, ("int", len(self.top_level)))
            ours, _ = self.both(resp, "COMMAND", "LIST")
            self.assertEqual(sorted(text(n) for n in ours[1]), sorted(self.known))

    def test_subcommand_sets(self):
        for name, subs in self.subcommands.items():
            theirs = self.conns["redis", 2].call("COMMAND", "INFO", name)[1][0]
            if theirs[0] != "array":
                continue  # a command Redis 7.0 does not have
            redis_subs = {info_name(s) for s in theirs[1][9][1]}
            ours = set(subs) - NEWER_THAN_7_0
            self.assertLessEqual(ours, redis_subs, name)
            if name not in PARTIAL_CONTAINERS:
                self.assertEqual(ours, redis_subs, f"{name}: subcommands missing")

    def test_command_info(self):
        names = [n for n in sorted(self.known) if n not in NEWER_THAN_7_0]
        for resp in (2, 3):
            for name in names:
                with self.subTest(resp=resp, command=name):
                    ours, theirs = self.both(resp, "COMMAND", "INFO", name)
                    self.assertEqual(theirs[0], "array")
                    self.assertNotIn(theirs[1][0][0], ("null", "nullbulk"),
                                     f"{name} is not a Redis 7.0 command")
                    self.assertEqual(
                        (ours[0], [normalize_info(e, self.compared) for e in ours[1]]),
                        (theirs[0], [normalize_info(e, self.compared) for e in theirs[1]]))

    def test_command_matches_command_info(self):
        for resp in (2, 3):
            conn = self.conns["osprey", resp]
            everything = {info_name(e): e for e in conn.call("COMMAND")[1]}
            self.assertEqual(everything, {info_name(e): e for e in conn.call("COMMAND", "INFO")[1]})
            for name, entry in everything.items():
                self.assertEqual(conn.call("COMMAND", "INFO", name), ("array", [entry]))

    def test_command_docs(self):
        names = [n for n in sorted(self.known) if n not in NEWER_THAN_7_0]
        for resp in (2, 3):
            for name in names:
                with self.subTest(resp=resp, command=name):
                    ours, theirs = self.both(resp, "COMMAND", "DOCS", name)
                    self.assertEqual(len(pairs(theirs)), 1, f"{name} is not a Redis 7.0 command")
                    ours = [(k, normalize_docs(v, self.compared)) for k, v in pairs(ours)]
                    theirs = [(k, normalize_docs(v, self.compared)) for k, v in pairs(theirs)]
                    self.assertEqual(ours, theirs)

    def test_command_docs_of_several(self):
        names = ["get", "nosuch", "config|get", "set"]
        for resp in (2, 3):
            ours, theirs = self.both(resp, "COMMAND", "DOCS", *names)
            self.assertEqual(ours[0], theirs[0])
            self.assertEqual([text(k) for k, _ in pairs(ours)], [text(k) for k, _ in pairs(theirs)])

    def test_list_filters(self):
        for resp in (2, 3):
            for filt in (["aclcat", "keyspace"], ["ACLCAT", "Dangerous"], ["aclcat", "fast"],
                         ["aclcat", "connection"], ["pattern", "*"], ["pattern", "c*|*"],
                         ["PATTERN", "GET*"], ["pattern", "*[ex]"], ["pattern", ""]):
                with self.subTest(resp=resp, filter=filt):
                    ours, theirs = self.both(resp, "COMMAND", "LIST", "FILTERBY", *filt)
                    self.assertEqual(ours[0], theirs[0])
                    theirs_names = (text(x) for x in theirs[1])
                    ours_names = (text(x) for x in ours[1])
                    theirs_known = sorted(n for n in theirs_names if n in self.known)
                    ours_known = sorted(n for n in ours_names if n not in NEWER_THAN_7_0)
                    self.assertEqual(ours_known, theirs_known)

    def test_getkeys(self):
        for resp in (2, 3):
            for request in GETKEYS_REQUESTS:
                for sub in ("GETKEYS", "GETKEYSANDFLAGS"):
                    with self.subTest(resp=resp, request=" ".join([sub] + request)):
                        ours = self.conns["osprey", resp].call_raw("COMMAND", sub, *request)
                        theirs = self.conns["redis", resp].call_raw("COMMAND", sub, *request)
                        self.assertEqual(ours, theirs)

    def test_raw_replies(self):
        for resp in (2, 3):
            for request in RAW_REQUESTS:
                with self.subTest(resp=resp, request=" ".join(request)):
                    ours = self.conns["osprey", resp].call_raw(*request)
                    theirs = self.conns["redis", resp].call_raw(*request)
                    self.assertEqual(ours, theirs)

    def test_help_frame(self):
        # The explanations are our own words; the frame around them is Redis's.
        for resp in (2, 3):
            ours, theirs = self.both(resp, "COMMAND", "HELP")
            self.assertEqual(ours[0], "array")
            self.assertTrue(all(kind == "simple" for kind, _ in ours[1]))
            self.assertEqual(ours[1][0], theirs[1][0])
            self.assertEqual(ours[1][-2:], theirs[1][-2:])


if __name__ == "__main__":
    unittest.main()
