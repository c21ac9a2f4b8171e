#!/usr/bin/python3
"""Regenerates the RDB fixtures of this folder with a real redis-server.

    /usr/bin/python3 tests/data/rdb/generate.py [--port N] [--server PATH]

Writes, next to this script:
  dumps.txt      one line per case: "<name> <hex DUMP payload>", the payloads
                 redis-server 7.0 produced for the values CASES builds
  all_types.rdb  the file redis-server's SAVE wrote for the data set
                 DATASET builds (two databases, expire times, every type)

tests/unit/persistence/*_test.cc rebuild the same values from the same
recipes (keep both in step) and check that Osprey reads these bytes into
equal values and, for encodings whose order is deterministic, writes the
very same bytes.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))


def build_cases():
    """Each case: (name, commands that build key "k")."""
    return [
        ("string_embstr", [("SET", "k", "hello world")]),
        ("string_int8", [("SET", "k", "-100")]),
        ("string_int16", [("SET", "k", "30000")]),
        ("string_int32", [("SET", "k", "-2000000000")]),
        ("string_int64", [("SET", "k", "9223372036854775807")]),
        ("string_raw_lzf", [("SET", "k", "abcdefgh" * 20)]),
        ("string_incompressible", [("SET", "k", "".join(chr(33 + (i * 7919) % 90) for i in range(60)))]),
        ("list_small", [("RPUSH", "k", "a", "bb", "1", "-7", "x" * 40)]),
        ("list_nodes", [("CONFIG", "SET", "list-max-listpack-size", "4"),
                        ("RPUSH", "k", *["e%d" % i for i in range(20)])]),
        ("list_compressed", [("CONFIG", "SET", "list-max-listpack-size", "8"),
                             ("CONFIG", "SET", "list-compress-depth", "1"),
                             ("RPUSH", "k", *[("element-%d-" % i) * 4 for i in range(64)])]),
        ("list_plain", [("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"),
                        ("RPUSH", "k", "small", "y" * 300, "tail")]),
        ("set_intset16", [("SADD", "k", "1", "2", "3", "-4")]),
        ("set_intset32", [("SADD", "k", "1", "70000", "-70000")]),
        ("set_intset64", [("SADD", "k", "5", "5000000000")]),
        ("set_hashtable", [("SADD", "k", *["m%d" % i for i in range(200)])]),
        ("zset_listpack", [("ZADD", "k", "1", "a", "2.5", "b", "-3", "c", "1e300", "d")]),
        ("zset_skiplist", [("ZADD", "k", *sum([["%d.25" % i, "m%d" % i] for i in range(300)], []))]),
        ("hash_listpack", [("HSET", "k", "f1", "v1", "f2", "2", "f3", "x" * 30)]),
        ("hash_hashtable", [("HSET", "k", *sum([["f%d" % i, "v%d" % i] for i in range(600)], []))]),
    ] + stream_cases()


def stream_cases():
    """Streams of every shape, with fixed IDs. Consumer seen times and
    delivery times are the clock's: tests compare what they load with
    itself (load, write, same bytes), not with fixed values."""
    xadd = lambda id_, *fv: ("XADD", "k", id_, *fv)
    tombstones = [("CONFIG", "SET", "stream-node-max-entries", "4"),
                  xadd("5-5", "a", "1"), xadd("6-6", "a", "2"), xadd("7-7", "a", "3"),
                  ("XDEL", "k", "7-7"), ("XTRIM", "k", "MINID", "7-7")]
    return [
        ("stream_small", [xadd("1-1", "a", "1", "b", "2"), xadd("1-2", "a", "3", "b", "4"),
                          xadd("2-0", "c", "-5")]),
        ("stream_nodes", [("CONFIG", "SET", "stream-node-max-entries", "3")]
         + [xadd("%d-%d" % (10 + i // 2, i), "f", "v%d" % i) for i in range(10)]),
        ("stream_deleted", [xadd("%d-0" % i, "f", str(i)) for i in range(1, 8)]
         + [("XDEL", "k", "1-0", "4-0", "7-0")]),
        ("stream_trimmed", [("CONFIG", "SET", "stream-node-max-entries", "3")]
         + [xadd("%d-0" % i, "f", str(i)) for i in range(1, 11)]
         + [("XTRIM", "k", "MAXLEN", "4")]),
        ("stream_empty_groups", [("XADD", "k", "MAXLEN", "0", "5-5", "x", "y"),
                                 ("XGROUP", "CREATE", "k", "g1", "$"),
                                 ("XGROUP", "CREATECONSUMER", "k", "g1", "alice")]),
        ("stream_groups", [xadd("%d-1" % i, "f", "v%d" % i, "g", "w") for i in range(1, 9)]
         + [("XGROUP", "CREATE", "k", "g", "0"),
            ("XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "k", ">"),
            ("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "k", ">"),
            ("XGROUP", "CREATECONSUMER", "k", "g", "carol"),
            ("XACK", "k", "g", "2-1"),
            ("XCLAIM", "k", "g", "bob", "0", "1-1", "RETRYCOUNT", "7"),
            ("XDEL", "k", "3-1"),
            ("XGROUP", "CREATE", "k", "g2", "$"),
            ("XGROUP", "CREATE", "k", "123", "4-1")]),
        ("stream_xsetid", [xadd("1-0", "f", "1"), xadd("2-0", "f", "2"), ("XDEL", "k", "2-0"),
                           ("XSETID", "k", "100-0", "ENTRIESADDED", "50", "MAXDELETEDID", "10-0")]),
        ("stream_unordered_deleted", [xadd("1-1", "a", "1"), xadd("5-5", "a", "2"),
                                      ("XDEL", "k", "5-5"), ("XSETID", "k", "3-3"),
                                      xadd("4-0", "b", "3")]),
        ("stream_large_values", [xadd("1-0", "long", "x" * 300, "int", "123456789012"),
                                 xadd("2-0", "long", "y" * 70000, "int", "-1")]),
        # A MINID trim up to a deleted last entry leaves a node of deleted
        # entries only; after an XSETID (allowed below them once the stream
        # is empty) new entries go into that node, below its master ID.
        ("stream_deleted_only_node", tombstones),
        ("stream_live_below_master", tombstones + [("XSETID", "k", "1-1"),
                                                   xadd("2-0", "b", "4")]),
    ]


def reset_config(c):
    c.execute_command("CONFIG", "SET", "list-max-listpack-size", "-2")
    c.execute_command("CONFIG", "SET", "list-compress-depth", "0")
    c.execute_command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", str(1 << 30))
    c.execute_command("CONFIG", "SET", "stream-node-max-entries", "100")


def build_dataset(c):
    c.flushall()
    reset_config(c)
    c.execute_command("SELECT", "0")
    c.set("str", "value")
    c.set("num", "42")
    c.set("ttl", "expires", px=4102444800000 - int(time.time() * 1000))  # 2100-01-01
    c.rpush("list", *["l%d" % i for i in range(10)])
    c.sadd("intset", *range(10))
    c.sadd("set", *["s%d" % i for i in range(10)])
    c.zadd("zset", {"z%d" % i: i / 2 for i in range(10)})
    c.hset("hash", mapping={"h%d" % i: "v%d" % i for i in range(10)})
    c.rpush("biglist", *["b%d" % i for i in range(1000)])
    c.zadd("bigzset", {"bz%d" % i: i for i in range(200)})
    c.hset("bighash", mapping={"bh%d" % i: "v" for i in range(600)})
    c.execute_command("SELECT", "1")
    c.set("other", "db1")
    c.pexpireat("other", 4102444800000)
    c.execute_command("SELECT", "0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=24790)
    ap.add_argument("--server", default="/usr/bin/redis-server")
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="rdb-fixtures-")
    proc = subprocess.Popen([args.server, "--port", str(args.port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", workdir,
                             "--enable-debug-command", "yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        c = redis.Redis(port=args.port)
        for _ in range(50):
            try:
                c.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        lines = []
        for name, commands in build_cases():
            c.flushall()
            reset_config(c)
            for cmd in commands:
                c.execute_command(*cmd)
            lines.append("%s %s" % (name, c.dump("k").hex()))
        reset_config(c)
        with open(os.path.join(HERE, "dumps.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        build_dataset(c)
        c.save()
        shutil.copy(os.path.join(workdir, "dump.rdb"), os.path.join(HERE, "all_types.rdb"))
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
