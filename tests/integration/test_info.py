"""INFO: section selection, section and field names in Redis 7.0.15's order,
the statistics they report, CONFIG RESETSTAT, and RESP3's verbatim reply.

Every test passes against Redis 7.0.15 as well; the only field Osprey adds
(osprey_version in the server section) is expected only from Osprey.

The servers are started by this module on loopback ports 24210-24299
through the harness's ServerProcess.
"""

from __future__ import annotations

import os
import re

import pytest

from server_process import ServerProcess, VerbatimString, start_server

DEFAULT_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                    "Modules", "Errorstats", "Cluster", "Keyspace"]
ALL_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"]

# Redis 7.0.15's fields of the fixed-shape sections, in order.
SERVER_FIELDS = [
    "redis_version", "redis_git_sha1", "redis_git_dirty", "redis_build_id", "redis_mode", "os",
    "arch_bits", "monotonic_clock", "multiplexing_api", "atomicvar_api", "gcc_version",
    "process_id", "process_supervised", "run_id", "tcp_port", "server_time_usec",
    "uptime_in_seconds", "uptime_in_days", "hz", "configured_hz", "lru_clock", "executable",
    "config_file", "io_threads_active",
]
CLIENTS_FIELDS = [
    "connected_clients", "cluster_connections", "maxclients", "client_recent_max_input_buffer",
    "client_recent_max_output_buffer", "blocked_clients", "tracking_clients",
    "clients_in_timeout_table",
]
MEMORY_FIELDS = [
    "used_memory", "used_memory_human", "used_memory_rss", "used_memory_rss_human",
    "used_memory_peak", "used_memory_peak_human", "used_memory_peak_perc", "used_memory_overhead",
    "used_memory_startup", "used_memory_dataset", "used_memory_dataset_perc",
    "allocator_allocated", "allocator_active", "allocator_resident", "total_system_memory",
    "total_system_memory_human", "used_memory_lua", "used_memory_vm_eval", "used_memory_lua_human",
    "used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
    "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total",
    "used_memory_vm_total_human", "used_memory_functions", "used_memory_scripts",
    "used_memory_scripts_human", "maxmemory", "maxmemory_human", "maxmemory_policy",
    "allocator_frag_ratio", "allocator_frag_bytes", "allocator_rss_ratio", "allocator_rss_bytes",
    "rss_overhead_ratio", "rss_overhead_bytes", "mem_fragmentation_ratio",
    "mem_fragmentation_bytes", "mem_not_counted_for_evict", "mem_replication_backlog",
    "mem_total_replication_buffers", "mem_clients_slaves", "mem_clients_normal",
    "mem_cluster_links", "mem_aof_buffer", "mem_allocator", "active_defrag_running",
    "lazyfree_pending_objects", "lazyfreed_objects",
]
PERSISTENCE_FIELDS = [
    "loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age",
    "current_fork_perc", "current_save_keys_processed", "current_save_keys_total",
    "rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_save_time",
    "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec",
    "rdb_saves", "rdb_last_cow_size", "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded",
    "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
    "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status",
    "aof_rewrites", "aof_rewrites_consecutive_failures", "aof_last_write_status",
    "aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size",
]
STATS_FIELDS = [
    "total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
    "total_net_input_bytes", "total_net_output_bytes", "total_net_repl_input_bytes",
    "total_net_repl_output_bytes", "instantaneous_input_kbps", "instantaneous_output_kbps",
    "instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps", "rejected_connections",
    "sync_full", "sync_partial_ok", "sync_partial_err", "expired_keys", "expired_stale_perc",
    "expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds", "evicted_keys",
    "evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time",
    "keyspace_hits", "keyspace_misses", "pubsub_channels", "pubsub_patterns",
    "pubsubshard_channels", "latest_fork_usec", "total_forks", "migrate_cached_sockets",
    "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses",
    "active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
    "current_active_defrag_time", "tracking_total_keys", "tracking_total_items",
    "tracking_total_prefixes", "unexpected_error_replies", "total_error_replies",
    "dump_payload_sanitizations", "total_reads_processed", "total_writes_processed",
    "io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks",
    "reply_buffer_expands",
]
REPLICATION_FIELDS = [
    "role", "connected_slaves", "master_failover_state", "master_replid", "master_replid2",
    "master_repl_offset", "second_repl_offset", "repl_backlog_active", "repl_backlog_size",
    "repl_backlog_first_byte_offset", "repl_backlog_histlen",
]
CPU_FIELDS = [
    "used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children",
    "used_cpu_sys_main_thread", "used_cpu_user_main_thread",
]


@pytest.fixture(scope="module")
def is_redis(server_binary) -> bool:
    return os.path.basename(server_binary) == "redis-server"


@pytest.fixture(scope="module")
def srv(server_binary):
    s = start_server(server_binary)
    yield s
    assert s.is_alive(), "server died:\n" + s.log_tail()
    s.cleanup()


@pytest.fixture
def conn(srv):
    """A connection to a server with no keys and fresh statistics."""
    c = srv.raw()
    c.command("FLUSHALL")
    c.command("CONFIG", "SET", "latency-tracking", "yes")
    c.command("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9")
    c.command("CONFIG", "RESETSTAT")
    yield c
    c.close()


def info(conn, *sections) -> str:
    reply = conn.command("INFO", *sections)
    assert isinstance(reply, bytes), reply
    return reply.decode()


def titles(text: str) -> list:
    return re.findall(r"^# (\w+)\r$", text, re.M)


def parse(text: str) -> dict:
    out = {}
    for line in text.split("\r\n"):
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            out[name] = value
    return out


def names(text: str) -> list:
    return [line.split(":", 1)[0] for line in text.split("\r\n") if line and not line.startswith("#")]


# ---------------------------------------------------------------- selection

def test_default_sections_in_redis_order(conn):
    assert titles(info(conn)) == DEFAULT_SECTIONS
    assert titles(info(conn, "default")) == DEFAULT_SECTIONS


def test_all_and_everything_add_command_and_latency_stats(conn):
    assert titles(info(conn, "all")) == ALL_SECTIONS
    assert titles(info(conn, "everything")) == ALL_SECTIONS
    assert titles(info(conn, "cpu", "all")) == ALL_SECTIONS


def test_named_sections_any_case_each_once_in_redis_order(conn):
    assert titles(info(conn, "CPU")) == ["CPU"]
    assert titles(info(conn, "commandSTATS")) == ["Commandstats"]
    assert titles(info(conn, "keyspace", "server", "SERVER")) == ["Server", "Keyspace"]
    assert titles(info(conn, "cpu", "default")) == DEFAULT_SECTIONS
    assert titles(info(conn, "modules")) == ["Modules"]
    assert titles(info(conn, "module_list")) == ["Modules"]


def test_sections_are_separated_by_an_empty_line(conn):
    text = info(conn, "cpu", "cluster")
    assert text.startswith("# CPU\r\n")
    assert "\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n" in text
    assert text.endswith("\r\n") and not text.endswith("\r\n\r\n")


def test_unknown_sections_give_an_empty_string(conn):
    assert info(conn, "nosuch") == ""
    assert info(conn, "sentinel") == ""


def test_resp3_replies_with_a_verbatim_string(srv):
    with srv.raw() as c:
        c.command("HELLO", "3")
        reply = c.command("INFO", "server")
        assert isinstance(reply, VerbatimString)
        assert reply.startswith("# Server\r\n")


# ---------------------------------------------------------------- field names

def test_fixed_sections_have_redis_fields_in_order(conn, is_redis):
    server = SERVER_FIELDS if is_redis else SERVER_FIELDS[:1] + ["osprey_version"] + SERVER_FIELDS[1:]
    assert names(info(conn, "server")) == server
    assert names(info(conn, "clients")) == CLIENTS_FIELDS
    assert names(info(conn, "memory")) == MEMORY_FIELDS
    assert names(info(conn, "persistence")) == PERSISTENCE_FIELDS
    assert names(info(conn, "stats")) == STATS_FIELDS
    assert names(info(conn, "replication")) == REPLICATION_FIELDS
    assert names(info(conn, "cpu")) == CPU_FIELDS
    assert info(conn, "modules") == "# Modules\r\n"
    assert info(conn, "cluster") == "# Cluster\r\ncluster_enabled:0\r\n"


# ---------------------------------------------------------------- values

def test_server_section_values(srv, conn, is_redis):
    f = parse(info(conn, "server"))
    assert f["redis_version"] == "7.0.15"
    if not is_redis:
        assert re.fullmatch(r"\d+\.\d+\.\d+", f["osprey_version"])
    assert f["redis_mode"] == "standalone"
    assert f["multiplexing_api"] == "epoll"
    assert f["arch_bits"] == "64"
    assert int(f["process_id"]) == srv.pid
    assert int(f["tcp_port"]) == srv.port
    assert re.fullmatch(r"[0-9a-f]{40}", f["run_id"])
    assert f["hz"] == f["configured_hz"] == "10"
    assert os.path.realpath(f["executable"]) == os.path.realpath(srv.binary)
    assert f["config_file"] == ""
    assert int(f["uptime_in_seconds"]) >= 0 and f["uptime_in_days"] == "0"
    assert f["io_threads_active"] == "0"
    assert 0 <= int(f["lru_clock"]) < 2**24


def test_clients_section_counts_connections(srv, conn):
    before = int(parse(info(conn, "clients"))["connected_clients"])
    with srv.raw() as other:
        other.command("PING")
        f = parse(info(conn, "clients"))
        assert int(f["connected_clients"]) == before + 1
        assert f["maxclients"] == "10000"
        assert f["blocked_clients"] == "0"
        assert f["tracking_clients"] == "0"


def test_memory_section_values(conn):
    f = parse(info(conn, "memory"))
    assert int(f["used_memory"]) > 0
    assert int(f["used_memory_rss"]) > 0
    assert int(f["used_memory_peak"]) >= int(f["used_memory"]) * 0.9
    for human in ("used_memory_human", "used_memory_rss_human", "used_memory_peak_human",
                  "total_system_memory_human", "used_memory_scripts_human"):
        assert re.fullmatch(r"\d+B|\d+\.\d\dK|\d+\.\d\dM|\d+\.\d\dG|\d+\.\d\dT", f[human]), human
    assert re.fullmatch(r"\d+\.\d\d%", f["used_memory_peak_perc"])
    assert re.fullmatch(r"-?\d+\.\d\d%", f["used_memory_dataset_perc"])
    for ratio in ("allocator_frag_ratio", "allocator_rss_ratio", "rss_overhead_ratio",
                  "mem_fragmentation_ratio"):
        assert re.fullmatch(r"\d+\.\d\d", f[ratio]), ratio
    assert f["maxmemory"] == "0" and f["maxmemory_human"] == "0B"
    assert f["maxmemory_policy"] == "noeviction"
    assert f["mem_allocator"].startswith(("jemalloc-", "libc"))


def test_memory_follows_maxmemory_config(conn):
    try:
        conn.command("CONFIG", "SET", "maxmemory", "3mb")
        conn.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        f = parse(info(conn, "memory"))
        assert f["maxmemory"] == str(3 * 1024 * 1024)
        assert f["maxmemory_human"] == "3.00M"
        assert f["maxmemory_policy"] == "allkeys-lfu"
    finally:
        conn.command("CONFIG", "SET", "maxmemory", "0")
        conn.command("CONFIG", "SET", "maxmemory-policy", "noeviction")


def test_used_memory_grows_with_data(conn):
    before = int(parse(info(conn, "memory"))["used_memory"])
    conn.command("SET", "big", "x" * (4 << 20))
    after = int(parse(info(conn, "memory"))["used_memory"])
    assert after - before >= 4 << 20
    conn.command("DEL", "big")


def test_persistence_counts_changes_since_last_save(conn):
    f = parse(info(conn, "persistence"))
    assert f["loading"] == "0"
    assert f["rdb_bgsave_in_progress"] == "0"
    assert f["rdb_last_bgsave_status"] == "ok"
    assert f["aof_enabled"] == "0"
    start = int(f["rdb_changes_since_last_save"])
    conn.command("SET", "a", "1")
    conn.command("SET", "b", "2")
    conn.command("GET", "a")
    assert int(parse(info(conn, "persistence"))["rdb_changes_since_last_save"]) == start + 2


def test_stats_count_commands_hits_misses_and_errors(srv, conn):
    conn.command("SET", "k", "v")
    conn.command("GET", "k")
    conn.command("GET", "k")
    conn.command("GET", "missing")
    conn.error("NOSUCHCOMMAND")
    f = parse(info(conn, "stats"))
    assert f["keyspace_hits"] == "2"
    assert f["keyspace_misses"] == "1"
    assert f["total_error_replies"] == "1"
    # Since RESETSTAT: itself, SET, three GETs (the unknown command is not
    # counted, and INFO counts once it is done).
    assert f["total_commands_processed"] == "5"
    assert int(f["total_net_input_bytes"]) > 0
    assert re.fullmatch(r"\d+\.\d\d", f["instantaneous_input_kbps"])
    connections = int(f["total_connections_received"])
    with srv.raw() as other:
        other.command("PING")
    assert int(parse(info(conn, "stats"))["total_connections_received"]) == connections + 1


def test_expired_keys_are_counted(conn):
    conn.command("SET", "gone", "v", "PX", "1")
    import time
    time.sleep(0.05)
    assert conn.command("GET", "gone") is None
    assert int(parse(info(conn, "stats"))["expired_keys"]) >= 1


def test_replication_section_of_a_master(conn):
    text = info(conn, "replication")
    f = parse(text)
    assert f["role"] == "master"
    assert f["connected_slaves"] == "0"
    assert f["master_failover_state"] == "no-failover"
    assert re.fullmatch(r"[0-9a-f]{40}", f["master_replid"])
    assert f["master_replid2"] == "0" * 40
    assert parse(info(conn, "replication"))["master_replid"] == f["master_replid"]
    assert f["second_repl_offset"] == "-1"
    assert f["repl_backlog_size"] == "1048576"


def test_cpu_times_are_seconds_with_microseconds(conn):
    for name, value in parse(info(conn, "cpu")).items():
        assert re.fullmatch(r"\d+\.\d{6}", value), (name, value)


def test_keyspace_lists_non_empty_databases(conn):
    assert info(conn, "keyspace") == "# Keyspace\r\n"
    conn.command("SET", "a", "1")
    conn.command("SET", "b", "2", "EX", "100")
    conn.command("SELECT", "3")
    conn.command("SET", "c", "3")
    conn.command("SELECT", "0")
    text = info(conn, "keyspace")
    assert re.search(r"\r\ndb0:keys=2,expires=1,avg_ttl=\d+\r\n", text), text
    assert "db3:keys=1,expires=0,avg_ttl=0\r\n" in text


# ---------------------------------------------------------------- per command

def cmdstat(conn, name):
    for line in info(conn, "commandstats").split("\r\n"):
        if line.startswith("cmdstat_%s:" % name):
            return line.split(":", 1)[1]
    return ""


def test_commandstats_count_calls_rejections_and_failures(conn):
    conn.command("SET", "k", "v")
    conn.command("SET", "k", "v")
    conn.error("SET", "k")           # rejected: arity
    conn.error("INCR", "k")          # fails: not an integer
    conn.command("CLIENT", "ID")
    assert re.fullmatch(r"calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0",
                        cmdstat(conn, "set")), cmdstat(conn, "set")
    assert re.fullmatch(r"calls=1,.*,rejected_calls=0,failed_calls=1", cmdstat(conn, "incr"))
    assert cmdstat(conn, "client|id").startswith("calls=1,")
    assert cmdstat(conn, "get") == ""


def test_exec_is_not_blamed_for_the_errors_of_its_commands(conn):
    conn.command("MULTI")
    conn.command("SET", "a", "b")
    conn.command("AUTH", "a")  # fails when run: no password is configured
    reply = conn.command("EXEC")
    assert reply[0] == "OK" and reply[1].message.startswith("ERR AUTH")
    conn.error("EXEC")  # fails itself
    assert re.fullmatch(r"calls=1,.*,rejected_calls=0,failed_calls=0", cmdstat(conn, "set"))
    assert re.fullmatch(r"calls=1,.*,rejected_calls=0,failed_calls=1", cmdstat(conn, "auth"))
    assert re.fullmatch(r"calls=2,.*,rejected_calls=0,failed_calls=1", cmdstat(conn, "exec"))
    assert "errorstat_ERR:count=2\r\n" in info(conn, "errorstats")


def test_errorstats_count_by_error_code(conn):
    conn.error("NOSUCHCOMMAND")
    conn.command("SET", "k", "v")
    conn.error("GET")
    conn.error("INCR", "k")
    text = info(conn, "errorstats")
    assert text == "# Errorstats\r\nerrorstat_ERR:count=3\r\n", text


def latency_line(conn, name):
    for line in info(conn, "latencystats").split("\r\n"):
        if line.startswith("latency_percentiles_usec_%s:" % name):
            return line.split(":", 1)[1]
    return ""


def test_latencystats_report_configured_percentiles(conn):
    conn.command("SET", "k", "v")
    conn.command("CLIENT", "ID")
    assert re.fullmatch(r"p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}", latency_line(conn, "set"))
    assert latency_line(conn, "client|id").startswith("p50=")
    conn.command("CONFIG", "SET", "latency-tracking-info-percentiles", "0.0 50.0 100.0")
    assert re.fullmatch(r"p0=[\d.]+,p50=[\d.]+,p100=[\d.]+", latency_line(conn, "set"))


def test_latency_tracking_off_hides_the_section_content(conn):
    conn.command("CONFIG", "SET", "latency-tracking", "no")
    conn.command("SET", "k", "v")
    assert info(conn, "latencystats") == "# Latencystats\r\n"
    conn.command("CONFIG", "SET", "latency-tracking", "yes")
    assert latency_line(conn, "set") == ""  # nothing was recorded meanwhile


def test_config_resetstat_clears_statistics(conn):
    conn.command("SET", "k", "v")
    conn.command("GET", "k")
    conn.error("NOSUCHCOMMAND")
    assert conn.command("CONFIG", "RESETSTAT") == "OK"
    text = info(conn, "all")
    f = parse(text)
    assert f["keyspace_hits"] == "0"
    assert f["total_error_replies"] == "0"
    assert "errorstat_" not in text
    assert "cmdstat_set" not in text and "latency_percentiles_usec_set" not in text
    assert re.search(r"cmdstat_config\|resetstat:calls=1,.*failed_calls=0\r\n", text)
    # The data and the changes since the last save stay.
    assert f["rdb_changes_since_last_save"] != "0"
    assert conn.command("GET", "k") == b"v"
