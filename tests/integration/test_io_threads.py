"""io-threads: with helper threads reading and writing sockets, many clients
and deep pipelines still get every reply, in order, and the data is right.
The same tests run against Redis (which also has io-threads)."""

import threading

import pytest


@pytest.mark.parametrize("reads", ["yes", "no"])
def test_many_pipelining_clients_get_all_their_replies(make_server, reads):
    srv = make_server("--io-threads", "4", "--io-threads-do-reads", reads)
    errors = []

    def worker(n):
        try:
            c = srv.client()
            p = c.pipeline(transaction=False)
            for i in range(500):
                p.set(f"c{n}:k{i}", f"v{i}")
                p.incr(f"c{n}:counter")
                p.get(f"c{n}:k{i}")
            replies = p.execute()
            for i in range(500):
                assert replies[3 * i] is True
                assert replies[3 * i + 1] == i + 1
                assert replies[3 * i + 2] == f"v{i}".encode()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    r = srv.client()
    assert r.dbsize() == 16 * 501


def test_large_values_round_trip_with_threads(make_server):
    srv = make_server("--io-threads", "3", "--io-threads-do-reads", "yes")
    r = srv.client()
    big = b"x" * (3 * 1024 * 1024 + 17)
    assert r.set("big", big) is True
    for _ in range(3):
        assert r.get("big") == big


def test_io_threads_is_reported_by_config_get(make_server):
    srv = make_server("--io-threads", "2")
    assert srv.client().config_get("io-threads") == {"io-threads": "2"}
