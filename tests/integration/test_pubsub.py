"""Pub/Sub over real connections: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE
PUNSUBSCRIBE PUBLISH, the shard forms SSUBSCRIBE SUNSUBSCRIBE SPUBLISH,
PUBSUB introspection, RESP2's subscribed mode and RESP3 pushes, MULTI/EXEC,
CLIENT REPLY OFF, keyspace notifications, and client-output-buffer-limit
cutting a subscriber (or a normal client) that cannot keep up.

Publishers, subscribers and pattern subscribers are separate connections.
Exact bytes are checked on raw sockets. Every test passes against Redis
7.0.15 too (OSPREY_SERVER=/usr/bin/redis-server).

The servers are started by this module on loopback ports 24300-24399.
"""

from __future__ import annotations

import socket
import time

import pytest

from reply_errors import arity
from server_process import Push, RawConnection, ServerProcess, start_server


@pytest.fixture(scope="module")
def srv(server_binary):
    s = start_server(server_binary)
    yield s
    s.stop()
    s.cleanup()


@pytest.fixture
def private(server_binary):
    """A server of its own, for tests that change limits or cut clients."""
    started = []

    def factory(*args):
        s = start_server(server_binary, *args)
        started.append(s)
        return s

    yield factory
    for s in started:
        assert s.ping(), "server died:\n" + s.log_tail()
        s.stop()
        s.cleanup()


@pytest.fixture
def conns(srv):
    """Opens raw connections to the module server; closes them after."""
    opened = []

    def factory(resp3: bool = False) -> RawConnection:
        c = srv.raw()
        if resp3:
            c.command("HELLO", "3")
        opened.append(c)
        return c

    with srv.raw() as admin:
        admin.command("FLUSHALL")
        admin.command("CONFIG", "SET", "notify-keyspace-events", "")
    yield factory
    for c in opened:
        c.close()


def cant_execute(cmd: str) -> str:
    return (
        "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
        "are allowed in this context" % cmd
    )


def frame(*parts) -> bytes:
    """The RESP2 bytes of one confirmation or message array."""
    out = b"*%d\r\n" % len(parts)
    for p in parts:
        if p is None:
            out += b"$-1\r\n"
        elif isinstance(p, int):
            out += b":%d\r\n" % p
        else:
            p = p if isinstance(p, bytes) else p.encode()
            out += b"$%d\r\n%s\r\n" % (len(p), p)
    return out


def push(*parts) -> bytes:
    """The same as a RESP3 push (a null is `_`)."""
    return frame(*parts).replace(b"*", b">", 1).replace(b"$-1\r\n", b"_\r\n")


def read_frames(conn: RawConnection, n: int) -> list:
    return [conn.read_reply() for _ in range(n)]


def wait_for(predicate, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def client_line(admin: RawConnection, name: str):
    for line in admin.command("CLIENT", "LIST").decode().splitlines():
        if " name=%s " % name in line:
            return line
    return None


def field(line: str, name: str) -> str:
    for token in line.split(" "):
        if token.startswith(name + "="):
            return token[len(name) + 1:]
    raise KeyError(name)


# ------------------------------------------------------------- confirmations


def test_subscribe_confirms_each_channel_with_the_running_count(conns):
    sub = conns()
    sub.send_command("SUBSCRIBE", "c1", "c2", "c1")
    expected = frame("subscribe", "c1", 1) + frame("subscribe", "c2", 2) + frame("subscribe", "c1", 2)
    assert sub.read_exact_bytes(len(expected)) == expected
    sub.send_command("PSUBSCRIBE", "p*", "c?")
    expected = frame("psubscribe", "p*", 3) + frame("psubscribe", "c?", 4)
    assert sub.read_exact_bytes(len(expected)) == expected
    # Shard channels are counted apart.
    sub.send_command("SSUBSCRIBE", "s1")
    expected = frame("ssubscribe", "s1", 1)
    assert sub.read_exact_bytes(len(expected)) == expected


def test_unsubscribe_with_nothing_to_leave_still_replies(conns):
    c = conns()
    for cmd in ("UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"):
        c.send_command(cmd)
        expected = frame(cmd.lower(), None, 0)
        assert c.read_exact_bytes(len(expected)) == expected
    c3 = conns(resp3=True)
    c3.send_command("UNSUBSCRIBE")
    expected = push("unsubscribe", None, 0)
    assert c3.read_exact_bytes(len(expected)) == expected
    # And the connection is still a normal one.
    assert c.command("PING") == "PONG"


def test_unsubscribe_from_channels_never_subscribed(conns):
    c = conns()
    c.send_command("UNSUBSCRIBE", "foo", "bar")
    assert read_frames(c, 2) == [[b"unsubscribe", b"foo", 0], [b"unsubscribe", b"bar", 0]]
    c.send_command("PUNSUBSCRIBE", "f*")
    assert c.read_reply() == [b"punsubscribe", b"f*", 0]
    c.send_command("SUNSUBSCRIBE", "s")
    assert c.read_reply() == [b"sunsubscribe", b"s", 0]


def test_unsubscribe_without_arguments_leaves_all_of_that_kind(conns):
    sub, pub = conns(), conns()
    sub.send_command("SUBSCRIBE", "a", "b", "c")
    read_frames(sub, 3)
    sub.send_command("PSUBSCRIBE", "p*")
    sub.read_reply()
    sub.send_command("UNSUBSCRIBE")
    got = read_frames(sub, 3)
    assert sorted(f[1] for f in got) == [b"a", b"b", b"c"]
    assert [f[2] for f in got] == [3, 2, 1]  # the pattern still counts
    assert pub.command("PUBLISH", "a", "x") == 0
    assert pub.command("PUBLISH", "pq", "x") == 1
    assert sub.read_reply() == [b"pmessage", b"p*", b"pq", b"x"]
    sub.send_command("PUNSUBSCRIBE")
    assert sub.read_reply() == [b"punsubscribe", b"p*", 0]
    assert sub.command("PING") == "PONG"


# ---------------------------------------------------------------- messages


def test_publish_reaches_subscribers_and_pattern_subscribers(conns):
    pub = conns()
    s1, s2, ps = conns(), conns(), conns()
    for s in (s1, s2):
        s.send_command("SUBSCRIBE", "news.tech")
        s.read_reply()
    ps.send_command("PSUBSCRIBE", "news.*", "*.tech", "sport.*")
    read_frames(ps, 3)
    assert pub.command("PUBLISH", "news.tech", "hello") == 4
    expected = frame("message", "news.tech", "hello")
    assert s1.read_exact_bytes(len(expected)) == expected
    assert s2.read_exact_bytes(len(expected)) == expected
    got = sorted(read_frames(ps, 2))
    assert got == [
        [b"pmessage", b"*.tech", b"news.tech", b"hello"],
        [b"pmessage", b"news.*", b"news.tech", b"hello"],
    ]
    assert pub.command("PUBLISH", "weather", "rain") == 0
    assert pub.command("PUBLISH", "sport.ski", "snow") == 1
    expected = frame("pmessage", "sport.*", "sport.ski", "snow")
    assert ps.read_exact_bytes(len(expected)) == expected


def test_patterns_follow_glob_rules(conns):
    pub, ps = conns(), conns()
    ps.send_command("PSUBSCRIBE", "h?llo", "b[ae]d", "x\\*", "[^a]z")
    read_frames(ps, 4)
    cases = {"hello": 1, "hllo": 0, "bad": 1, "bid": 0, "x*": 1, "xy": 0, "bz": 1, "az": 0}
    for channel, receivers in cases.items():
        assert pub.command("PUBLISH", channel, "m") == receivers, channel
    assert sorted(r[2] for r in read_frames(ps, 4)) == [b"bad", b"bz", b"hello", b"x*"]


def test_binary_and_large_messages_arrive_intact(conns):
    pub, sub = conns(), conns()
    channel = b"ch\x00\r\n\xff"
    sub.send_command("SUBSCRIBE", channel)
    sub.read_reply()
    big = bytes(range(256)) * 4096  # 1 MiB
    assert pub.command("PUBLISH", channel, big) == 1
    assert pub.command("PUBLISH", channel, b"") == 1
    assert sub.read_reply() == [b"message", channel, big]
    assert sub.read_reply() == [b"message", channel, b""]


def test_shard_channels_are_apart_from_channels_and_patterns(conns):
    pub, ss, s, ps = conns(), conns(), conns(), conns()
    ss.send_command("SSUBSCRIBE", "orders")
    assert ss.read_reply() == [b"ssubscribe", b"orders", 1]
    s.send_command("SUBSCRIBE", "orders")
    s.read_reply()
    ps.send_command("PSUBSCRIBE", "*")
    ps.read_reply()
    assert pub.command("SPUBLISH", "orders", "o1") == 1
    expected = frame("smessage", "orders", "o1")
    assert ss.read_exact_bytes(len(expected)) == expected
    assert pub.command("PUBLISH", "orders", "o2") == 2
    assert s.read_reply() == [b"message", b"orders", b"o2"]
    assert ps.read_reply() == [b"pmessage", b"*", b"orders", b"o2"]
    assert pub.command("PUBSUB", "SHARDNUMSUB", "orders", "none") == [b"orders", 1, b"none", 0]
    assert pub.command("PUBSUB", "SHARDCHANNELS") == [b"orders"]
    assert pub.command("PUBSUB", "SHARDCHANNELS", "ord*") == [b"orders"]
    assert pub.command("PUBSUB", "SHARDCHANNELS", "x*") == []
    ss.send_command("SUNSUBSCRIBE")
    assert ss.read_reply() == [b"sunsubscribe", b"orders", 0]
    assert pub.command("SPUBLISH", "orders", "o3") == 0
    assert pub.command("PUBSUB", "SHARDCHANNELS") == []
    # Nothing extra reached the plain subscriber.
    assert ss.command("PING") == "PONG"


def test_resp3_subscriber_gets_pushes_between_its_replies(conns):
    pub = conns()
    sub = conns(resp3=True)
    sub.send_command("SUBSCRIBE", "c")
    assert sub.read_reply() == Push([b"subscribe", b"c", 1])
    assert pub.command("SET", "k", "v") == "OK"
    assert pub.command("PUBLISH", "c", "m1") == 1
    # RESP3 clients may run anything while subscribed.
    sub.send_command("GET", "k")
    expected = push("message", "c", "m1") + b"$1\r\nv\r\n"
    assert sub.read_exact_bytes(len(expected)) == expected
    sub.send_command("PING")
    assert sub.read_reply() == "PONG"
    # Publishing to itself: the push comes before PUBLISH's own reply.
    sub.send_command("PUBLISH", "c", "self")
    expected = push("message", "c", "self") + b":1\r\n"
    assert sub.read_exact_bytes(len(expected)) == expected
    sub.send_command("PSUBSCRIBE", "c*")
    assert sub.read_reply() == Push([b"psubscribe", b"c*", 2])
    pub.command("PUBLISH", "c", "m2")
    expected = push("message", "c", "m2") + push("pmessage", "c*", "c", "m2")
    assert sub.read_exact_bytes(len(expected)) == expected


# ------------------------------------------------------ RESP2 subscribed mode


def test_resp2_subscribed_client_may_only_run_pubsub_commands(conns):
    sub = conns()
    sub.send_command("SUBSCRIBE", "c")
    sub.read_reply()
    for args, name in [
        (("GET", "x"), "get"),
        (("SET", "x", "1"), "set"),
        (("CLIENT", "LIST"), "client|list"),
        (("MULTI",), "multi"),
        (("HELLO", "3"), "hello"),
        (("PUBLISH", "c", "m"), "publish"),
        (("PUBSUB", "NUMPAT"), "pubsub|numpat"),
    ]:
        assert sub.error(*args) == cant_execute(name)
    # The refused commands did nothing.
    with_admin = conns()
    assert with_admin.command("EXISTS", "x") == 0
    # Wrong arity is still reported as such.
    assert sub.error("GET") == arity("get")
    # PING answers in the multibulk form.
    sub.send_command("PING")
    assert sub.read_exact_bytes(len(frame("pong", ""))) == frame("pong", "")
    sub.send_command("PING", "hi")
    assert sub.read_exact_bytes(len(frame("pong", "hi"))) == frame("pong", "hi")
    assert sub.error("PING", "a", "b") == arity("ping")
    # The other allowed commands.
    sub.send_command("PSUBSCRIBE", "p*")
    assert sub.read_reply() == [b"psubscribe", b"p*", 2]
    sub.send_command("SSUBSCRIBE", "s")
    assert sub.read_reply() == [b"ssubscribe", b"s", 1]
    assert sub.command("QUIT") == "OK"
    assert sub.is_closed()


def test_leaving_every_subscription_leaves_subscribed_mode(conns):
    sub = conns()
    sub.send_command("SUBSCRIBE", "c")
    sub.read_reply()
    sub.send_command("SSUBSCRIBE", "s")
    sub.read_reply()
    sub.send_command("UNSUBSCRIBE", "c")
    assert sub.read_reply() == [b"unsubscribe", b"c", 0]
    # Still subscribed to a shard channel.
    assert sub.error("GET", "x") == cant_execute("get")
    sub.send_command("SUNSUBSCRIBE", "s")
    assert sub.read_reply() == [b"sunsubscribe", b"s", 0]
    assert sub.command("GET", "x") is None
    assert sub.command("PING") == "PONG"


def test_reset_leaves_subscribed_mode(conns):
    sub, other = conns(), conns()
    sub.send_command("SUBSCRIBE", "c1", "c2")
    read_frames(sub, 2)
    sub.send_command("PSUBSCRIBE", "p*")
    sub.read_reply()
    assert sub.command("RESET") == "RESET"
    assert sub.command("PING") == "PONG"
    assert other.command("PUBSUB", "NUMSUB", "c1", "c2") == [b"c1", 0, b"c2", 0]
    assert other.command("PUBLISH", "px", "m") == 0


def test_resp3_client_back_in_resp2_is_restricted(conns):
    sub = conns(resp3=True)
    sub.send_command("SUBSCRIBE", "c")
    sub.read_reply()
    assert sub.command("GET", "x") is None
    hello = sub.command("HELLO", "2")
    assert hello[hello.index(b"proto") + 1] == 2
    assert sub.error("GET", "x") == cant_execute("get")


# --------------------------------------------------------------- MULTI/EXEC


def test_subscribe_and_publish_inside_multi_exec(conns):
    c = conns()
    assert c.command("MULTI") == "OK"
    for args in (("SUBSCRIBE", "c1"), ("SSUBSCRIBE", "s1"), ("PUBLISH", "c1", "x"), ("PING",)):
        assert c.command(*args) == "QUEUED"
    c.send_command("EXEC")
    expected = (
        b"*4\r\n"
        + frame("subscribe", "c1", 1)
        + b"-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n"
        + frame("message", "c1", "x")
        + b":1\r\n"
        + frame("pong", "")
    )
    assert c.read_exact_bytes(len(expected)) == expected
    assert c.error("GET", "x") == cant_execute("get")


def test_publish_inside_exec_reaches_other_clients(conns):
    pub, sub = conns(), conns()
    sub.send_command("SUBSCRIBE", "c")
    sub.read_reply()
    pub.command("MULTI")
    pub.command("PUBLISH", "c", "one")
    pub.command("PUBLISH", "c", "two")
    assert pub.command("EXEC") == [1, 1]
    assert read_frames(sub, 2) == [[b"message", b"c", b"one"], [b"message", b"c", b"two"]]


def test_resp3_exec_with_publish_to_itself(conns):
    c = conns(resp3=True)
    c.send_command("SUBSCRIBE", "c")
    c.read_reply()
    c.command("MULTI")
    c.command("PUBLISH", "c", "m")
    c.command("GET", "nokey")
    c.send_command("EXEC")
    expected = b"*2\r\n" + push("message", "c", "m") + b":1\r\n_\r\n"
    assert c.read_exact_bytes(len(expected)) == expected


# --------------------------------------------------------- CLIENT REPLY OFF


def test_confirmations_and_messages_get_through_client_reply_off(conns):
    pub, sub = conns(), conns(resp3=True)
    sub.send_command("CLIENT", "REPLY", "OFF")
    sub.send_command("SUBSCRIBE", "c")
    assert sub.read_reply() == Push([b"subscribe", b"c", 1])
    sub.send_command("PING")  # muted
    assert pub.command("PUBLISH", "c", "m") == 1
    assert sub.read_reply() == Push([b"message", b"c", b"m"])
    sub.send_command("UNSUBSCRIBE", "c")
    assert sub.read_reply() == Push([b"unsubscribe", b"c", 0])
    sub.send_command("CLIENT", "REPLY", "ON")
    assert sub.read_reply() == "OK"


# ------------------------------------------------------------------- PUBSUB


def test_pubsub_introspection(conns):
    admin = conns()
    a, b = conns(), conns()
    a.send_command("SUBSCRIBE", "news.a", "other")
    read_frames(a, 2)
    b.send_command("SUBSCRIBE", "news.a", "news.b")
    read_frames(b, 2)
    a.send_command("PSUBSCRIBE", "p1*", "p2*")
    read_frames(a, 2)
    b.send_command("PSUBSCRIBE", "p1*")
    b.read_reply()
    assert sorted(admin.command("PUBSUB", "CHANNELS")) == [b"news.a", b"news.b", b"other"]
    assert sorted(admin.command("PUBSUB", "CHANNELS", "news.*")) == [b"news.a", b"news.b"]
    assert admin.command("PUBSUB", "CHANNELS", "zzz*") == []
    assert admin.command("PUBSUB", "NUMSUB", "news.a", "other", "p1*", "none") == [
        b"news.a", 2, b"other", 1, b"p1*", 0, b"none", 0]
    assert admin.command("PUBSUB", "NUMSUB") == []
    assert admin.command("PUBSUB", "NUMPAT") == 2
    info = admin.command("INFO", "stats").decode()
    assert "pubsub_channels:3\r\n" in info
    assert "pubsub_patterns:2\r\n" in info
    assert "pubsubshard_channels:0\r\n" in info
    help_lines = admin.command("PUBSUB", "HELP")
    assert help_lines[0] == "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    for sub in ("CHANNELS", "NUMPAT", "NUMSUB", "SHARDCHANNELS", "SHARDNUMSUB"):
        assert any(line.startswith(sub) for line in help_lines), sub
    # A subscriber that goes away takes its subscriptions with it.
    a.close()
    wait_for(lambda: admin.command("PUBSUB", "NUMPAT") == 1, what="NUMPAT to drop")
    assert sorted(admin.command("PUBSUB", "CHANNELS")) == [b"news.a", b"news.b"]
    assert admin.command("PUBSUB", "NUMSUB", "news.a") == [b"news.a", 1]


def test_client_list_shows_subscriptions_and_the_p_flag(conns):
    admin, sub = conns(), conns()
    sub.send_command("CLIENT", "SETNAME", "subber")
    assert sub.read_reply() == "OK"
    sub.send_command("SUBSCRIBE", "a", "b")
    read_frames(sub, 2)
    sub.send_command("PSUBSCRIBE", "p*")
    sub.read_reply()
    sub.send_command("SSUBSCRIBE", "s")
    sub.read_reply()
    line = client_line(admin, "subber")
    assert field(line, "flags") == "P"
    assert (field(line, "sub"), field(line, "psub"), field(line, "ssub")) == ("2", "1", "1")
    assert field(line, "cmd") == "ssubscribe"
    listed = admin.command("CLIENT", "LIST", "TYPE", "pubsub").decode()
    assert "name=subber" in listed
    assert "name=subber" not in admin.command("CLIENT", "LIST", "TYPE", "normal").decode()
    sub.command("RESET")
    line = client_line(admin, "subber")
    assert line is None or field(line, "flags") == "N"  # RESET also clears the name


def test_bad_arguments(conns):
    c = conns()
    for cmd in ("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"):
        assert c.error(cmd) == arity(cmd.lower())
    assert c.error("PUBLISH", "c") == arity("publish")
    assert c.error("PUBLISH", "c", "m", "extra") == arity("publish")
    assert c.error("SPUBLISH", "c") == arity("spublish")
    assert c.error("PUBSUB") == arity("pubsub")
    assert c.error("PUBSUB", "FOO") == "ERR unknown subcommand 'FOO'. Try PUBSUB HELP."
    assert c.error("PUBSUB", "CHANNELS", "a", "b") == (
        "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.")
    assert c.error("PUBSUB", "shardchannels", "a", "b") == (
        "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.")
    assert c.error("PUBSUB", "NUMPAT", "x") == arity("pubsub|numpat")
    assert c.error("PUBSUB", "HELP", "x") == arity("pubsub|help")
    # None of this left the client subscribed.
    assert c.command("PING") == "PONG"


def test_malformed_pubsub_traffic_does_not_hurt_the_server(conns, srv):
    c = conns()
    c.send(b"SUBSCRIBE a b c\r\n")  # inline form
    assert [f[1] for f in read_frames(c, 3)] == [b"a", b"b", b"c"]
    c.send(b"*2\r\n$9\r\nSUBSCRIBE\r\n$-5\r\n")
    reply = c.read_reply()
    assert "Protocol error" in reply.message
    assert c.is_closed()
    assert srv.ping()
    other = conns()
    wait_for(lambda: other.command("PUBSUB", "NUMSUB", "a") == [b"a", 0], what="cleanup")


# ---------------------------------------------------- keyspace notifications


def test_keyspace_notifications_reach_pattern_subscribers(conns):
    admin, sub = conns(), conns()
    admin.command("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub.send_command("PSUBSCRIBE", "__key*__:*")
    sub.read_reply()
    admin.command("SET", "foo", "bar")
    admin.command("LPUSH", "l", "a")
    admin.command("DEL", "foo")
    assert read_frames(sub, 6) == [
        [b"pmessage", b"__key*__:*", b"__keyspace@0__:foo", b"set"],
        [b"pmessage", b"__key*__:*", b"__keyevent@0__:set", b"foo"],
        [b"pmessage", b"__key*__:*", b"__keyspace@0__:l", b"lpush"],
        [b"pmessage", b"__key*__:*", b"__keyevent@0__:lpush", b"l"],
        [b"pmessage", b"__key*__:*", b"__keyspace@0__:foo", b"del"],
        [b"pmessage", b"__key*__:*", b"__keyevent@0__:del", b"foo"],
    ]
    admin.command("CONFIG", "SET", "notify-keyspace-events", "El")
    admin.command("SET", "foo", "bar")  # not a list event: nothing
    admin.command("SELECT", "3")
    admin.command("RPUSH", "l", "a")
    assert sub.read_reply() == [b"pmessage", b"__key*__:*", b"__keyevent@3__:rpush", b"l"]


# ----------------------------------------------- client-output-buffer-limit


def slow_subscriber(srv: ServerProcess, name: str, channel: str = "c") -> socket.socket:
    """A subscriber that reads nothing after its confirmation, with a small
    receive buffer so that output piles up on the server side."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((srv.host, srv.port))
    conn = RawConnection(srv.host, srv.port, sock=s)
    conn.command("CLIENT", "SETNAME", name)
    conn.send_command("SUBSCRIBE", channel)
    assert conn.read_reply() == [b"subscribe", channel.encode(), 1]
    return s


def publish_batch(pub: RawConnection, channel: str, message: bytes, n: int) -> list:
    pub.send(b"".join(
        b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
        % (len(channel), channel.encode(), len(message), message) for _ in range(n)))
    return [pub.read_reply() for _ in range(n)]


def test_slow_subscriber_is_cut_at_the_hard_limit(private):
    srv = private()
    pub = srv.raw()
    pub.command("CONFIG", "SET", "client-output-buffer-limit", "pubsub 100000 0 0")
    sock = slow_subscriber(srv, "slow")
    fast = srv.raw()
    fast.send_command("SUBSCRIBE", "c")
    fast.read_reply()
    message = b"x" * 1000
    start = time.monotonic()
    cut = False
    for _ in range(200):
        replies = publish_batch(pub, "c", message, 50)
        assert set(replies) <= {1, 2}, replies  # the publisher is answered every time
        for _ in replies:  # the fast subscriber keeps up
            assert fast.read_reply() == [b"message", b"c", message]
        line = client_line(pub, "slow")
        if line is None:
            cut = True
            break
        assert int(field(line, "omem")) < 200000
    assert cut, "slow subscriber was never disconnected"
    assert time.monotonic() - start < 30
    assert pub.command("PUBSUB", "NUMSUB", "c") == [b"c", 1]
    assert pub.command("PUBLISH", "c", "after") == 1
    assert fast.read_reply() == [b"message", b"c", b"after"]
    with open(srv.log_path) as f:
        log = f.read()
    assert "scheduled to be closed ASAP for overcoming of output buffer limits" in log
    assert "name=slow" in log
    sock.close()


def test_soft_limit_cuts_a_subscriber_only_after_its_time(private):
    srv = private()
    pub = srv.raw()
    pub.command("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 100000 2")
    sock = slow_subscriber(srv, "softie")
    message = b"y" * 1000
    over_since = None
    for _ in range(100):
        publish_batch(pub, "c", message, 50)
        line = client_line(pub, "softie")
        assert line is not None, "cut before the soft limit's seconds"
        if int(field(line, "omem")) > 100000:
            over_since = time.monotonic()
            break
    assert over_since is not None, "output never passed the soft limit"
    # No more traffic: still connected for a while, gone after the 2 s.
    time.sleep(0.5)
    assert client_line(pub, "softie") is not None
    wait_for(lambda: client_line(pub, "softie") is None, timeout=6, what="soft limit cut")
    assert time.monotonic() - over_since >= 2
    sock.close()


def test_normal_client_limit_drops_a_big_reply(private):
    srv = private()
    admin = srv.raw()
    item = b"z" * 1000
    admin.send(b"".join(b"*3\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$1000\r\n%s\r\n" % item for _ in range(300)))
    for _ in range(300):
        admin.read_reply()
    admin.command("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
    reader = srv.raw()
    reader.command("CLIENT", "SETNAME", "bigreader")
    reader.send_command("LRANGE", "list", "0", "-1")
    # The reply is never sent: the connection is closed instead.
    assert reader.recv_until_closed(timeout=5) == b""
    assert client_line(admin, "bigreader") is None
    # Small replies are fine.
    assert admin.command("LLEN", "list") == 300
    admin.command("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0")
    assert len(admin.command("LRANGE", "list", "0", "-1")) == 300
