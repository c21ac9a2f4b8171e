"""Client-side caching: CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO
and the invalidation messages (RESP3 pushes, or pub/sub messages on
__redis__:invalidate to a subscribed RESP2 redirect client).

Every test passes against Redis 7.0.15 as well. Exact bytes are checked over
raw sockets. The servers of this module listen on loopback ports 24450-24599
(one for the module, private ones for tests that change the configuration).
"""

from __future__ import annotations

import time

import pytest

from reply_errors import NOT_INTEGER, SYNTAX, arity
from server_process import Push, RawConnection, RespMap, RespSet, ServerProcess, start_server


@pytest.fixture(scope="module")
def srv(server_binary):
    s = start_server(server_binary)
    yield s
    assert s.is_alive(), "server died:\n" + s.log_tail()
    s.cleanup()


@pytest.fixture
def private(server_binary):
    s = start_server(server_binary)
    yield s
    assert s.is_alive(), "server died:\n" + s.log_tail()
    s.cleanup()


@pytest.fixture
def connect(srv):
    """connect(resp=2) -> a RawConnection to the module server; all closed
    after the test, and the data set emptied before it."""
    opened = []

    def make(resp: int = 2, server: ServerProcess | None = None) -> RawConnection:
        c = (server or srv).raw()
        if resp == 3:
            assert c.command("HELLO", "3")[b"proto"] == 3
        opened.append(c)
        return c

    with srv.raw() as admin:
        assert admin.command("FLUSHALL") == "OK"
    yield make
    for c in opened:
        c.close()


def client_id(conn: RawConnection) -> int:
    return conn.command("CLIENT", "ID")


def subscriber(make) -> tuple:
    """A RESP2 connection subscribed to __redis__:invalidate, and its id."""
    c = make()
    cid = client_id(c)
    assert c.command("SUBSCRIBE", "__redis__:invalidate") == [b"subscribe", b"__redis__:invalidate", 1]
    return c, cid


def sync(conn: RawConnection) -> None:
    """Everything sent to `conn` before now has been read once this returns
    (the PING reply comes after any message queued before it)."""
    assert conn.command("PING") == "PONG"


def sync_subscribed(conn: RawConnection) -> None:
    assert conn.command("PING") == [b"pong", b""]


def push_bytes(key: bytes) -> bytes:
    return b">2\r\n$10\r\ninvalidate\r\n*1\r\n$%d\r\n%s\r\n" % (len(key), key)


def message_bytes(payload: bytes) -> bytes:
    return b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n" + payload


def info_field(conn: RawConnection, name: str) -> str:
    text = conn.command("INFO", "everything")
    text = text.decode() if isinstance(text, bytes) else str(text)
    for line in text.split("\r\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    raise KeyError(name)


def client_line(conn: RawConnection) -> dict:
    text = conn.command("CLIENT", "INFO")
    text = text.decode() if isinstance(text, bytes) else str(text)
    return dict(part.split("=", 1) for part in text.strip().split(" "))


# ------------------------------------------------------------ CLIENT TRACKING

def test_tracking_on_off_and_trackinginfo_bytes(connect):
    c = connect()
    c.send_command("CLIENT", "TRACKINGINFO")
    expected = (
        b"*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n"
        b"$8\r\nprefixes\r\n*0\r\n"
    )
    assert c.read_exact_bytes(len(expected)) == expected
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("CLIENT", "TRACKING", "ON") == "OK"
    assert c.command("CLIENT", "TRACKINGINFO") == [b"flags", [b"on"], b"redirect", 0, b"prefixes", []]
    assert c.command("CLIENT", "GETREDIR") == 0
    assert c.command("CLIENT", "TRACKING", "off") == "OK"
    assert c.command("CLIENT", "TRACKING", "off") == "OK"
    assert c.command("CLIENT", "GETREDIR") == -1


def test_trackinginfo_is_a_map_with_a_set_in_resp3(connect):
    c = connect(3)
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a", "NOLOOP") == "OK"
    c.send_command("CLIENT", "TRACKINGINFO")
    expected = (
        b"%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n"
        b"$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    )
    assert c.read_exact_bytes(len(expected)) == expected
    sync(c)


def test_tracking_argument_errors(connect):
    c = connect()
    other = connect()
    oid = client_id(other)
    assert c.error("CLIENT", "TRACKING") == arity("client|tracking")
    assert c.error("CLIENT", "TRACKING", "maybe") == SYNTAX
    assert c.error("CLIENT", "TRACKING", "on", "bogus") == SYNTAX
    assert c.error("CLIENT", "TRACKING", "on", "REDIRECT") == SYNTAX
    assert c.error("CLIENT", "TRACKING", "on", "BCAST", "PREFIX") == SYNTAX
    assert c.error("CLIENT", "TRACKING", "on", "REDIRECT", "x") == NOT_INTEGER
    missing = "ERR The client ID you want redirect to does not exist"
    assert c.error("CLIENT", "TRACKING", "on", "REDIRECT", "987654") == missing
    assert c.error("CLIENT", "TRACKING", "on", "REDIRECT", "0") == missing
    assert c.error("CLIENT", "TRACKING", "off", "REDIRECT", "987654") == missing
    assert c.error("CLIENT", "TRACKING", "on", "REDIRECT", oid, "REDIRECT", oid) == (
        "ERR A client can only redirect to a single other client"
    )
    assert c.error("CLIENT", "TRACKING", "on", "PREFIX", "a") == (
        "ERR PREFIX option requires BCAST mode to be enabled"
    )
    assert c.error("CLIENT", "TRACKING", "on", "BCAST", "OPTIN") == (
        "ERR OPTIN and OPTOUT are not compatible with BCAST"
    )
    assert c.error("CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT") == (
        "ERR You can't specify both OPTIN mode and OPTOUT mode"
    )
    # None of these turned tracking on.
    assert c.command("CLIENT", "GETREDIR") == -1


def test_tracking_refuses_mode_switches_while_on(connect):
    c = connect()
    assert c.command("CLIENT", "TRACKING", "on", "OPTIN") == "OK"
    assert c.error("CLIENT", "TRACKING", "on", "BCAST") == (
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
        "and then re-enabling it with a different mode."
    )
    assert c.error("CLIENT", "TRACKING", "on", "OPTOUT") == (
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
        "and then re-enabling it with a different mode."
    )
    assert c.command("CLIENT", "TRACKING", "off") == "OK"
    assert c.command("CLIENT", "TRACKING", "on", "BCAST") == "OK"
    assert c.error("CLIENT", "TRACKING", "on") == (
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
        "and then re-enabling it with a different mode."
    )


def test_overlapping_prefixes(connect):
    c = connect()
    msg = "ERR Prefix '%s' overlaps with %s '%s'. Prefixes for a single client must not overlap."
    assert c.error("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO") == (
        msg % ("FOOBAR", "another provided prefix", "FOO")
    )
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR") == "OK"
    assert c.error("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FO") == (
        msg % ("FO", "an existing prefix", "FOO")
    )
    assert c.error("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BAR") == (
        msg % ("BAR", "an existing prefix", "BAR")
    )
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "baz") == "OK"
    assert c.command("CLIENT", "TRACKINGINFO")[5] == [b"BAR", b"FOO", b"baz"]


def test_overlap_after_the_first_prefix_replies_error_then_ok(connect):
    c = connect()
    c.send_command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b", "PREFIX", "bc")
    expected = (
        b"-ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single "
        b"client must not overlap.\r\n+OK\r\n"
    )
    assert c.read_exact_bytes(len(expected)) == expected
    assert c.command("CLIENT", "TRACKINGINFO")[5] == [b"a", b"b", b"bc"]


def test_caching_errors(connect):
    c = connect()
    assert c.error("CLIENT", "CACHING", "yes") == (
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with "
        "OPTIN or OPTOUT mode enabled"
    )
    assert c.error("CLIENT", "CACHING") == arity("client|caching")
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.error("CLIENT", "CACHING", "yes") == (
        "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
    )
    assert c.error("CLIENT", "CACHING", "no") == (
        "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
    )
    assert c.error("CLIENT", "CACHING", "perhaps") == SYNTAX
    assert c.error("CLIENT", "GETREDIR", "x") == arity("client|getredir")
    assert c.error("CLIENT", "TRACKINGINFO", "x") == arity("client|trackinginfo")


# ------------------------------------------------------------ default mode

def test_resp3_client_gets_a_push_for_a_key_it_read(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert w.command("MSET", "a", "1", "b", "2") == "OK"
    assert c.command("GET", "a") == b"1"
    assert w.command("INCR", "b") == 3  # not read: no message
    assert w.command("INCR", "a") == 2
    assert c.read_exact_bytes(len(push_bytes(b"a"))) == push_bytes(b"a")
    # Told once: the next change is not reported until the key is read again.
    assert w.command("INCR", "a") == 3
    sync(c)


def test_own_write_is_invalidated_after_the_reply(connect):
    c = connect(3)
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("HSET", "h", "f", "1") == 1
    assert c.command("HGET", "h", "f") == b"1"
    c.send_command("HDEL", "h", "f")
    expected = b":1\r\n" + push_bytes(b"h")
    assert c.read_exact_bytes(len(expected)) == expected


def test_noloop_skips_own_writes(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "NOLOOP") == "OK"
    assert c.command("MGET", "mine", "theirs") == [None, None]
    assert c.command("SET", "mine", "1") == "OK"
    assert w.command("SET", "theirs", "1") == "OK"
    assert c.read_reply() == Push([b"invalidate", [b"theirs"]])
    sync(c)


def test_redirect_to_a_subscribed_resp2_client(connect):
    sub, sid = subscriber(connect)
    c = connect()
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "REDIRECT", sid) == "OK"
    assert c.command("CLIENT", "GETREDIR") == sid
    assert client_line(c)["redir"] == str(sid)
    assert c.command("GET", "k") is None
    assert w.command("SET", "k", "v") == "OK"
    expected = message_bytes(b"*1\r\n$1\r\nk\r\n")
    assert sub.read_exact_bytes(len(expected)) == expected
    sync_subscribed(sub)


def test_redirect_to_a_resp3_client_is_a_push(connect):
    target = connect(3)
    tid = client_id(target)
    c = connect()
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "REDIRECT", tid) == "OK"
    assert c.command("GET", "k") is None
    assert w.command("SET", "k", "v") == "OK"
    assert target.read_exact_bytes(len(push_bytes(b"k"))) == push_bytes(b"k")
    sync(target)


def test_resp2_client_without_redirect_gets_nothing(connect):
    c = connect()
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("GET", "k") is None
    assert w.command("SET", "k", "v") == "OK"
    c.send_command("SET", "k", "w")
    assert c.read_exact_bytes(5) == b"+OK\r\n"
    sync(c)


def test_broken_redirect(connect):
    c = connect(3)
    w = connect()
    gone = connect()
    gid = client_id(gone)
    assert c.command("CLIENT", "TRACKING", "on", "REDIRECT", gid) == "OK"
    assert c.command("GET", "k") is None
    assert gone.command("QUIT") == "OK"
    deadline = time.monotonic() + 5
    while gid in [int(line.split(" ")[0][3:]) for line in
                  w.command("CLIENT", "LIST").decode().strip().split("\n")]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert w.command("SET", "k", "v") == "OK"
    assert c.read_reply() == Push([b"tracking-redir-broken", gid])
    info = c.command("CLIENT", "TRACKINGINFO")
    assert info[b"flags"] == RespSet([b"on", b"broken_redirect"])
    assert info[b"redirect"] == gid
    assert client_line(c)["flags"] == "tR"


def test_transaction_invalidation_follows_exec(connect):
    c = connect(3)
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("MSET", "a", "1", "b", "2") == "OK"
    assert c.command("GET", "a") == b"1"
    assert c.command("MULTI") == "OK"
    assert c.command("INCR", "a") == "QUEUED"
    assert c.command("GET", "b") == "QUEUED"
    c.send_command("EXEC")
    expected = b"*2\r\n:2\r\n$1\r\n2\r\n" + push_bytes(b"a")
    assert c.read_exact_bytes(len(expected)) == expected


def test_unblocked_blmove_gets_the_invalidation_after_its_reply(connect):
    c = connect(3)
    w = connect()
    assert w.command("RPUSH", "list2", "a") == 1
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("LRANGE", "list2", "0", "-1") == [b"a"]
    c.send_command("BLMOVE", "list1", "list2", "LEFT", "LEFT", "0")
    deadline = time.monotonic() + 5
    while info_field(w, "blocked_clients") != "1":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert w.command("RPUSH", "list1", "foo") == 1
    expected = b"$3\r\nfoo\r\n" + push_bytes(b"list2")
    assert c.read_exact_bytes(len(expected)) == expected


def test_pushes_reach_a_client_whose_replies_are_off(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("GET", "foo") is None
    c.send_command("CLIENT", "REPLY", "OFF")
    assert w.command("SET", "foo", "bar") == "OK"
    assert c.read_exact_bytes(len(push_bytes(b"foo"))) == push_bytes(b"foo")
    assert c.command("CLIENT", "REPLY", "ON") == "OK"
    sync(c)


# ------------------------------------------------------------ OPTIN / OPTOUT

def test_optin_tracks_only_after_caching_yes(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "OPTIN") == "OK"
    assert c.command("GET", "a") is None
    assert c.command("CLIENT", "CACHING", "yes") == "OK"
    assert c.command("CLIENT", "TRACKINGINFO")[b"flags"] == RespSet([b"on", b"optin", b"caching-yes"])
    assert c.command("GET", "b") is None
    assert c.command("GET", "c") is None  # CACHING covered only GET b
    assert w.command("MSET", "a", "1", "b", "1", "c", "1") == "OK"
    assert c.read_reply() == Push([b"invalidate", [b"b"]])
    sync(c)


def test_caching_yes_covers_a_whole_transaction(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "OPTIN") == "OK"
    assert c.command("CLIENT", "CACHING", "yes") == "OK"
    assert c.command("MULTI") == "OK"
    assert c.command("GET", "a") == "QUEUED"
    assert c.command("GET", "b") == "QUEUED"
    assert c.command("EXEC") == [None, None]
    assert c.command("GET", "c") is None
    assert w.command("MSET", "a", "1", "b", "1", "c", "1") == "OK"
    assert c.read_reply() == Push([b"invalidate", [b"a"]])
    assert c.read_reply() == Push([b"invalidate", [b"b"]])
    sync(c)


def test_optout_skips_keys_after_caching_no(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "OPTOUT") == "OK"
    assert c.command("CLIENT", "CACHING", "no") == "OK"
    assert c.command("GET", "a") is None
    assert c.command("GET", "b") is None
    assert w.command("MSET", "a", "1", "b", "1") == "OK"
    assert c.read_reply() == Push([b"invalidate", [b"b"]])
    sync(c)


# ------------------------------------------------------------ BCAST

def test_bcast_prefixes_batch_keys_per_prefix(connect):
    sub, sid = subscriber(connect)
    c = connect()
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", sid,
                     "PREFIX", "a:", "PREFIX", "b:") == "OK"
    assert w.command("MULTI") == "OK"
    for key in ("b:2", "a:2", "a:1", "b:1", "c:1", "a:1"):
        assert w.command("INCR", key) == "QUEUED"
    assert w.command("EXEC") == [1, 1, 1, 1, 1, 2]
    expected = (message_bytes(b"*2\r\n$3\r\na:1\r\n$3\r\na:2\r\n")
                + message_bytes(b"*2\r\n$3\r\nb:1\r\n$3\r\nb:2\r\n"))
    assert sub.read_exact_bytes(len(expected)) == expected
    sync_subscribed(sub)
    # More prefixes can be added while on.
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", sid, "PREFIX", "c:") == "OK"
    assert w.command("INCR", "c:1234") == 1
    assert sub.read_reply() == [b"message", b"__redis__:invalidate", [b"c:1234"]]
    assert client_line(c)["flags"] == "tB"


def test_bcast_without_prefix_and_noloop(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP") == "OK"
    assert c.command("SET", "mine", "1") == "OK"
    assert w.command("SET", "theirs", "1") == "OK"
    assert c.read_reply() == Push([b"invalidate", [b"theirs"]])
    assert c.command("SET", "mine", "2") == "OK"
    sync(c)  # own changes only: nothing was sent


def test_keys_read_before_switching_to_bcast_are_not_reported(connect):
    c = connect(3)
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("GET", "key1") is None
    assert c.command("CLIENT", "TRACKING", "off") == "OK"
    assert c.command("CLIENT", "TRACKING", "on", "BCAST") == "OK"
    assert w.command("INCR", "key1") == 1
    # Only the BCAST message, not a second one from the key table.
    assert c.read_reply() == Push([b"invalidate", [b"key1"]])
    sync(c)


# ------------------------------------------------------------ flush, expiry

def test_flushall_sends_a_null_to_every_tracking_client(connect):
    sub, sid = subscriber(connect)
    c = connect(3)
    r2 = connect()
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert r2.command("CLIENT", "TRACKING", "on", "REDIRECT", sid) == "OK"
    assert c.command("GET", "k1") is None
    assert r2.command("GET", "k2") is None
    assert info_field(w, "tracking_total_keys") == "2"
    assert w.command("FLUSHALL") == "OK"
    null_push = b">2\r\n$10\r\ninvalidate\r\n_\r\n"
    assert c.read_exact_bytes(len(null_push)) == null_push
    sync(c)
    expected = message_bytes(b"$-1\r\n")
    assert sub.read_exact_bytes(len(expected)) == expected
    assert info_field(w, "tracking_total_keys") == "0"
    # The table was emptied: writing a key read before tells no one.
    assert w.command("SET", "k1", "v") == "OK"
    sync(c)


def test_flushdb_inside_a_transaction_is_reported_after_exec(connect):
    c = connect(3)
    assert c.command("CLIENT", "TRACKING", "on") == "OK"
    assert c.command("SET", "a", "1") == "OK"
    assert c.command("GET", "a") == b"1"
    assert c.command("MULTI") == "OK"
    assert c.command("FLUSHDB") == "QUEUED"
    c.send_command("EXEC")
    expected = b"*1\r\n+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n"
    assert c.read_exact_bytes(len(expected)) == expected


def test_active_expiry_invalidates(connect):
    sub, sid = subscriber(connect)
    c = connect()
    w = connect()
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", sid, "NOLOOP") == "OK"
    assert c.command("SET", "mykey", "v", "PX", "1") == "OK"
    assert c.command("SET", "mykeyother", "v") == "OK"  # own change: not reported
    # Expiry is nobody's change, so NOLOOP does not hide it.
    assert sub.read_reply() == [b"message", b"__redis__:invalidate", [b"mykey"]]
    sync_subscribed(sub)
    assert w.command("EXISTS", "mykey") == 0


def test_lazy_expiry_inside_a_read_follows_its_reply(connect):
    c = connect(3)
    admin = connect()
    assert admin.command("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
    try:
        assert c.command("CLIENT", "TRACKING", "on") == "OK"
        assert c.command("MSET", "x", "1", "y", "2") == "OK"
        assert c.command("PEXPIRE", "y", "50") == 1
        assert c.command("GET", "y") == b"2"
        time.sleep(0.1)
        c.send_command("MGET", "x", "y")
        expected = b"*2\r\n$1\r\n1\r\n_\r\n" + push_bytes(b"y")
        assert c.read_exact_bytes(len(expected)) == expected
    finally:
        assert admin.command("DEBUG", "SET-ACTIVE-EXPIRE", "1") == "OK"


# ------------------------------------------------------------ limits, reporting

def test_table_limit_evicts_keys_and_reports_them(private):
    with private.raw() as c, private.raw() as w:
        assert c.command("HELLO", "3")[b"proto"] == 3
        assert c.command("CLIENT", "TRACKING", "on") == "OK"
        keys = [b"key%d" % i for i in range(250)]
        for k in keys:
            assert c.command("GET", k) is None
        assert info_field(w, "tracking_total_keys") == "250"
        assert w.command("CONFIG", "SET", "tracking-table-max-keys", "1") == "OK"
        told = set()
        for _ in range(249):
            reply = c.read_reply()
            assert isinstance(reply, Push) and reply[0] == b"invalidate", reply
            told.update(reply[1])
        assert len(told) == 249 and told < set(keys)
        sync(c)
        assert info_field(w, "tracking_total_keys") == "1"
        assert w.command("CONFIG", "GET", "tracking-table-max-keys") == [b"tracking-table-max-keys", b"1"]
        assert w.error("CONFIG", "SET", "tracking-table-max-keys", "-1").startswith(
            "ERR CONFIG SET failed (possibly related to argument 'tracking-table-max-keys')")


def test_info_fields(connect):
    a = connect()
    b = connect()
    assert info_field(a, "tracking_clients") == "0"
    assert a.command("CLIENT", "TRACKING", "on") == "OK"
    assert a.command("MGET", "k1", "k2") == [None, None]
    assert b.command("CLIENT", "TRACKING", "on") == "OK"
    assert b.command("GET", "k1") is None
    c = connect()
    assert c.command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:", "PREFIX", "q:") == "OK"
    assert info_field(c, "tracking_clients") == "3"
    assert info_field(c, "tracking_total_keys") == "2"
    assert info_field(c, "tracking_total_items") == "3"
    assert info_field(c, "tracking_total_prefixes") == "2"
    assert c.command("RESET") == "RESET"
    assert info_field(c, "tracking_clients") == "2"
    assert info_field(c, "tracking_total_prefixes") == "0"
    assert c.command("CLIENT", "GETREDIR") == -1


def test_client_list_flags_and_redirect(connect):
    c = connect()
    other = connect()
    oid = client_id(other)
    line = client_line(c)
    assert line["flags"] == "N" and line["redir"] == "-1"
    assert c.command("CLIENT", "TRACKING", "on", "REDIRECT", oid) == "OK"
    line = client_line(c)
    assert line["flags"] == "t" and line["redir"] == str(oid)
    assert c.command("CLIENT", "TRACKING", "off") == "OK"
    assert client_line(c)["redir"] == "-1"
