"""A foreground save (SAVE, the final save of a shutdown) as Redis 7.0 runs
it: rdb-key-save-delay paces each key, and signals are heard during the
save: a second SIGINT while a signalled shutdown is pending or saving exits
at once with status 1, removing the temporary temp-<pid>.rdb."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest


def temp_rdb(srv):
    return os.path.join(srv.dir, "temp-%d.rdb" % srv.pid)


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_save_waits_rdb_key_save_delay_for_each_key(make_server):
    srv = make_server()
    c = srv.client()
    c.mset({"k%d" % i: i for i in range(10)})
    c.config_set("rdb-key-save-delay", 50_000)  # 50 ms a key
    start = time.monotonic()
    assert c.save()
    assert time.monotonic() - start >= 0.45
    c.config_set("rdb-key-save-delay", 0)
    start = time.monotonic()
    assert c.save()
    assert time.monotonic() - start < 0.4


@pytest.mark.server_may_exit
def test_second_sigint_during_the_shutdown_save_exits_at_once(make_server):
    # With a save point, SIGINT saves before exiting; 20 keys at 100 ms take
    # 2 s, and the second SIGINT cuts that short.
    srv = make_server("--save", "900 1")
    c = srv.client()
    c.mset({"k%d" % i: i for i in range(20)})
    c.config_set("rdb-key-save-delay", 100_000)
    temp = temp_rdb(srv)
    os.kill(srv.pid, signal.SIGINT)
    wait_for(lambda: os.path.exists(temp), 2, "the shutdown save did not start")
    start = time.monotonic()
    os.kill(srv.pid, signal.SIGINT)
    assert srv.proc.wait(timeout=5) == 1
    assert time.monotonic() - start < 1.5
    assert not os.path.exists(temp)
    assert not os.path.exists(os.path.join(srv.dir, "dump.rdb"))
    assert "You insist... exiting now." in srv.log_tail(20)


@pytest.mark.server_may_exit
def test_two_sigints_during_a_save_command_exit_at_once(make_server):
    srv = make_server()
    c = srv.client()
    c.mset({"k%d" % i: i for i in range(20)})
    c.config_set("rdb-key-save-delay", 100_000)
    temp = temp_rdb(srv)
    outcome = {}

    def run_save():
        try:
            outcome["reply"] = srv.client().save()
        except Exception as e:  # the connection drops when the server exits
            outcome["error"] = e

    t = threading.Thread(target=run_save)
    t.start()
    wait_for(lambda: os.path.exists(temp), 2, "SAVE did not start")
    os.kill(srv.pid, signal.SIGINT)  # heard during the save: shutdown pending
    wait_for(lambda: "Received SIGINT" in srv.log_tail(5), 2, "the first SIGINT was not heard")
    os.kill(srv.pid, signal.SIGINT)  # the user insists
    assert srv.proc.wait(timeout=5) == 1
    t.join(timeout=5)
    assert "error" in outcome and "reply" not in outcome
    assert not os.path.exists(temp)


@pytest.mark.server_may_exit
def test_sigterm_during_a_save_shuts_down_after_it(make_server):
    srv = make_server()
    c = srv.client()
    c.mset({"k%d" % i: i for i in range(10)})
    c.config_set("rdb-key-save-delay", 50_000)
    start = time.monotonic()

    def run_save():
        try:
            srv.client().save()
        except Exception:  # whether the reply leaves before the exit is timing
            pass

    t = threading.Thread(target=run_save)
    t.start()
    wait_for(lambda: os.path.exists(temp_rdb(srv)), 2, "SAVE did not start")
    os.kill(srv.pid, signal.SIGTERM)
    # The save is not cut short: it completes, then the server exits cleanly.
    assert srv.proc.wait(timeout=5) == 0
    t.join(timeout=5)
    assert time.monotonic() - start >= 0.45
    assert os.path.exists(os.path.join(srv.dir, "dump.rdb"))
    assert not os.path.exists(temp_rdb(srv))
