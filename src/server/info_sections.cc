// The server-wide INFO sections: server, clients, memory, persistence,
// stats, replication and cpu, with Redis 7.0.15's fields in its order.
// Subsystems that do not exist yet (persistence, replication, scripting,
// eviction) report the values Redis shows when they are idle.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <string>

#include "base/hash.h"
#include "base/memory_stats.h"
#include "keyspace/access_clock.h"
#include "server/aof_service.h"
#include "server/background_save.h"
#include "server/client.h"
#include "server/client_info.h"
#include "server/config_registry.h"
#include "server/info.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/version.h"

namespace osprey::server {

namespace {

const char* MaxmemoryPolicyName(MaxmemoryPolicy p) {
  switch (p) {
    case MaxmemoryPolicy::kVolatileLru:
      return "volatile-lru";
    case MaxmemoryPolicy::kVolatileLfu:
      return "volatile-lfu";
    case MaxmemoryPolicy::kVolatileRandom:
      return "volatile-random";
    case MaxmemoryPolicy::kVolatileTtl:
      return "volatile-ttl";
    case MaxmemoryPolicy::kAllkeysLru:
      return "allkeys-lru";
    case MaxmemoryPolicy::kAllkeysLfu:
      return "allkeys-lfu";
    case MaxmemoryPolicy::kAllkeysRandom:
      return "allkeys-random";
    case MaxmemoryPolicy::kNoEviction:
      return "noeviction";
  }
  return "noeviction";
}

std::string ExecutablePath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// 40 hex digits standing in for the replication id until replication owns
// one: stable for the life of the server, different from the run id.
std::string ReplicationId(const std::string& run_id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (uint64_t seed = 1; id.size() < 40; ++seed) {
    uint64_t h = base::HashBytes(run_id, seed * 0x9e3779b97f4a7c15ull);
    for (int i = 0; i < 16 && id.size() < 40; ++i, h >>= 4) id.push_back(kHex[h & 15]);
  }
  return id;
}

// "sec.usec" as Redis prints rusage times.
void AppendTimeval(std::string* out, const char* name, const timeval& tv) {
  AppendFormat(out, "%s:%ld.%06ld\r\n", name, static_cast<long>(tv.tv_sec),
               static_cast<long>(tv.tv_usec));
}

double Ratio(uint64_t a, uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace

void AppendServerSection(Server& server, std::string* out) {
  const ServerConfig& cfg = server.config();
  utsname name{};
  uname(&name);
  const char* mode = cfg.cluster_enabled                        ? "cluster"
                     : server.config_registry().sentinel_mode() ? "sentinel"
                                                                : "standalone";
  const int64_t uptime = (server.now_ms() - server.stats().start_time_ms) / 1000;
  const uint64_t build_id = base::HashBytes(std::string_view(kOspreyVersion), 0x05b7e7);
  out->append("# Server\r\n");
  AppendFormat(out, "redis_version:%s\r\n", kRedisCompatVersion);
  AppendFormat(out, "osprey_version:%s\r\n", kOspreyVersion);
  out->append("redis_git_sha1:00000000\r\nredis_git_dirty:0\r\n");
  AppendFormat(out, "redis_build_id:%016llx\r\n", static_cast<unsigned long long>(build_id));
  AppendFormat(out, "redis_mode:%s\r\n", mode);
  AppendFormat(out, "os:%s %s %s\r\n", name.sysname, name.release, name.machine);
  AppendFormat(out, "arch_bits:%d\r\n", static_cast<int>(sizeof(void*) * 8));
  out->append("monotonic_clock:POSIX clock_gettime\r\n");
  out->append("multiplexing_api:epoll\r\n");
  out->append("atomicvar_api:c11-builtin\r\n");
#ifdef __GNUC__
  AppendFormat(out, "gcc_version:%d.%d.%d\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  out->append("gcc_version:0.0.0\r\n");
#endif
  AppendFormat(out, "process_id:%lld\r\n", static_cast<long long>(getpid()));
  out->append("process_supervised:no\r\n");
  AppendFormat(out, "run_id:%s\r\n", server.run_id().c_str());
  AppendFormat(out, "tcp_port:%d\r\n", cfg.port != 0 ? cfg.port : cfg.tls_port);
  AppendFormat(out, "server_time_usec:%lld\r\n", static_cast<long long>(server.now_us()));
  AppendFormat(out, "uptime_in_seconds:%lld\r\n", static_cast<long long>(uptime));
  AppendFormat(out, "uptime_in_days:%lld\r\n", static_cast<long long>(uptime / 86400));
  AppendFormat(out, "hz:%d\r\n", cfg.hz);
  AppendFormat(out, "configured_hz:%d\r\n", cfg.hz);
  AppendFormat(out, "lru_clock:%u\r\n", keyspace::LruClockAt(server.now_ms()));
  AppendFormat(out, "executable:%s\r\n", ExecutablePath().c_str());
  AppendFormat(out, "config_file:%s\r\n", server.config_registry().config_file().c_str());
  out->append(server.io_threads_active() > 1 ? "io_threads_active:1\r\n" : "io_threads_active:0\r\n");
}

void AppendClientsSection(Server& server, std::string* out) {
  // Redis tracks the largest buffers seen over the last seconds from its
  // cron; we report the largest ones right now.
  size_t max_in = 0, max_out = 0, blocked = 0;
  for (const auto& [id, c] : server.clients()) {
    max_in = std::max(max_in, c->query_buffer_capacity() + c->argv_mem);
    size_t omem = 0;
    ClientMemoryUsage(server, *c, &omem);
    max_out = std::max(max_out, omem);
    if (c->has(kClientBlocked)) ++blocked;
  }
  out->append("# Clients\r\n");
  AppendFormat(out, "connected_clients:%zu\r\n", server.clients().size());
  out->append("cluster_connections:0\r\n");
  AppendFormat(out, "maxclients:%u\r\n", server.config().maxclients);
  AppendFormat(out, "client_recent_max_input_buffer:%zu\r\n", max_in);
  AppendFormat(out, "client_recent_max_output_buffer:%zu\r\n", max_out);
  AppendFormat(out, "blocked_clients:%zu\r\n", blocked);
  AppendFormat(out, "tracking_clients:%zu\r\n", server.tracking().tracking_clients());
  out->append("clients_in_timeout_table:0\r\n");
}

MemoryReport ComputeMemoryReport(Server& server) {
  MemoryReport m;
  const base::AllocatorStats alloc = base::ReadAllocatorStats();
  m.used = alloc.allocated;
  m.allocator_allocated = alloc.allocated;
  m.allocator_active = alloc.active;
  m.allocator_resident = alloc.resident;
  m.rss = base::ProcessRss();
  // The peak is sampled by the cron; a higher value seen now counts too.
  server.stats().peak_memory = std::max<uint64_t>(server.stats().peak_memory, m.used);
  m.peak = server.stats().peak_memory;
  m.startup = server.startup_memory();

  uint64_t overhead = m.startup;
  for (const auto& [id, c] : server.clients()) {
    const uint64_t mem = ClientMemoryUsage(server, *c);
    if (GetClientType(server, *c) == ClientType::kReplica) {
      m.clients_replicas += mem;
    } else {
      m.clients_normal += mem;
    }
  }
  overhead += m.clients_normal + m.clients_replicas + m.replication_backlog + m.aof_buffer;
  keyspace::Keyspace& ks = server.keyspace();
  for (int i = 0; i < ks.db_count(); ++i) {
    const keyspace::Db& db = ks.db(i);
    if (db.size() == 0) continue;
    m.total_keys += db.size();
    // Expire times live inside the key table's entries: no separate table.
    MemoryReport::DbOverhead d{i, db.table().TableMemory(), 0};
    overhead += d.main + d.expires;
    m.dbs.push_back(d);
  }
  m.overhead = overhead;
  m.dataset = m.used > overhead ? m.used - overhead : 0;
  m.peak_perc = m.peak == 0 ? 0.0 : Ratio(m.used, m.peak) * 100.0;
  const uint64_t net = m.used > m.startup ? m.used - m.startup : 1;
  m.dataset_perc = Ratio(m.dataset, net) * 100.0;
  m.bytes_per_key = m.total_keys == 0 ? 0 : net / m.total_keys;
  auto diff = [](uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a) - static_cast<int64_t>(b);
  };
  m.allocator_frag = Ratio(alloc.active, alloc.allocated);
  m.allocator_frag_bytes = diff(alloc.active, alloc.allocated);
  m.allocator_rss = Ratio(alloc.resident, alloc.active);
  m.allocator_rss_bytes = diff(alloc.resident, alloc.active);
  m.rss_overhead = Ratio(m.rss, alloc.resident);
  m.rss_overhead_bytes = diff(m.rss, alloc.resident);
  m.fragmentation = Ratio(m.rss, m.used);
  m.fragmentation_bytes = diff(m.rss, m.used);
  return m;
}

void AppendMemorySection(Server& server, std::string* out) {
  const ServerConfig& cfg = server.config();
  const MemoryReport m = ComputeMemoryReport(server);
  using base::BytesToHuman;
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  auto s = [](int64_t v) { return static_cast<long long>(v); };
  const uint64_t system = base::TotalSystemMemory();
  out->append("# Memory\r\n");
  AppendFormat(out, "used_memory:%llu\r\n", u(m.used));
  AppendFormat(out, "used_memory_human:%s\r\n", BytesToHuman(m.used).c_str());
  AppendFormat(out, "used_memory_rss:%llu\r\n", u(m.rss));
  AppendFormat(out, "used_memory_rss_human:%s\r\n", BytesToHuman(m.rss).c_str());
  AppendFormat(out, "used_memory_peak:%llu\r\n", u(m.peak));
  AppendFormat(out, "used_memory_peak_human:%s\r\n", BytesToHuman(m.peak).c_str());
  AppendFormat(out, "used_memory_peak_perc:%.2f%%\r\n", m.peak_perc);
  AppendFormat(out, "used_memory_overhead:%llu\r\n", u(m.overhead));
  AppendFormat(out, "used_memory_startup:%llu\r\n", u(m.startup));
  AppendFormat(out, "used_memory_dataset:%llu\r\n", u(m.dataset));
  AppendFormat(out, "used_memory_dataset_perc:%.2f%%\r\n", m.dataset_perc);
  AppendFormat(out, "allocator_allocated:%llu\r\n", u(m.allocator_allocated));
  AppendFormat(out, "allocator_active:%llu\r\n", u(m.allocator_active));
  AppendFormat(out, "allocator_resident:%llu\r\n", u(m.allocator_resident));
  AppendFormat(out, "total_system_memory:%llu\r\n", u(system));
  AppendFormat(out, "total_system_memory_human:%s\r\n", BytesToHuman(system).c_str());
  // Scripting (Lua VM, script and function caches) is not there yet.
  out->append(
      "used_memory_lua:0\r\n"
      "used_memory_vm_eval:0\r\n"
      "used_memory_lua_human:0B\r\n"
      "used_memory_scripts_eval:0\r\n"
      "number_of_cached_scripts:0\r\n"
      "number_of_functions:0\r\n"
      "number_of_libraries:0\r\n"
      "used_memory_vm_functions:0\r\n"
      "used_memory_vm_total:0\r\n"
      "used_memory_vm_total_human:0B\r\n"
      "used_memory_functions:0\r\n"
      "used_memory_scripts:0\r\n"
      "used_memory_scripts_human:0B\r\n");
  AppendFormat(out, "maxmemory:%llu\r\n", u(cfg.maxmemory));
  AppendFormat(out, "maxmemory_human:%s\r\n", BytesToHuman(cfg.maxmemory).c_str());
  AppendFormat(out, "maxmemory_policy:%s\r\n", MaxmemoryPolicyName(cfg.maxmemory_policy));
  AppendFormat(out, "allocator_frag_ratio:%.2f\r\n", m.allocator_frag);
  AppendFormat(out, "allocator_frag_bytes:%lld\r\n", s(m.allocator_frag_bytes));
  AppendFormat(out, "allocator_rss_ratio:%.2f\r\n", m.allocator_rss);
  AppendFormat(out, "allocator_rss_bytes:%lld\r\n", s(m.allocator_rss_bytes));
  AppendFormat(out, "rss_overhead_ratio:%.2f\r\n", m.rss_overhead);
  AppendFormat(out, "rss_overhead_bytes:%lld\r\n", s(m.rss_overhead_bytes));
  AppendFormat(out, "mem_fragmentation_ratio:%.2f\r\n", m.fragmentation);
  AppendFormat(out, "mem_fragmentation_bytes:%lld\r\n", s(m.fragmentation_bytes));
  AppendFormat(out, "mem_not_counted_for_evict:%llu\r\n", u(m.replication_backlog + m.aof_buffer));
  AppendFormat(out, "mem_replication_backlog:%llu\r\n", u(m.replication_backlog));
  out->append("mem_total_replication_buffers:0\r\n");
  AppendFormat(out, "mem_clients_slaves:%llu\r\n", u(m.clients_replicas));
  AppendFormat(out, "mem_clients_normal:%llu\r\n", u(m.clients_normal));
  out->append("mem_cluster_links:0\r\n");
  AppendFormat(out, "mem_aof_buffer:%llu\r\n", u(m.aof_buffer));
  AppendFormat(out, "mem_allocator:%s\r\n", base::AllocatorName().c_str());
  out->append(
      "active_defrag_running:0\r\n"
      "lazyfree_pending_objects:0\r\n"
      "lazyfreed_objects:0\r\n");
}

void AppendPersistenceSection(Server& server, std::string* out) {
  // Copy-on-write and fork fields keep Redis's idle values: snapshots here
  // take no fork. The last save time of a server that never saved is its
  // start time.
  const Server::LoadingState& loading = server.loading();
  AppendFormat(out, "# Persistence\r\nloading:%d\r\n", loading.active ? 1 : 0);
  out->append(
      "async_loading:0\r\n"
      "current_cow_peak:0\r\n"
      "current_cow_size:0\r\n"
      "current_cow_size_age:0\r\n"
      "current_fork_perc:0.00\r\n"
      "current_save_keys_processed:0\r\n"
      "current_save_keys_total:0\r\n");
  AppendFormat(out, "rdb_changes_since_last_save:%llu\r\n",
               static_cast<unsigned long long>(server.stats().dirty));
  const BackgroundSave& bg = server.background_save();
  const bool bgsave = bg.running() && bg.kind() == BackgroundSave::Kind::kRdb;
  AppendFormat(out, "rdb_bgsave_in_progress:%d\r\n", bgsave ? 1 : 0);
  const ServerStats& st = server.stats();
  AppendFormat(out, "rdb_last_save_time:%lld\r\n",
               static_cast<long long>((st.lastsave_ms != 0 ? st.lastsave_ms : st.start_time_ms) /
                                      1000));
  AppendFormat(out, "rdb_last_bgsave_status:%s\r\n", st.last_save_ok ? "ok" : "err");
  AppendFormat(out, "rdb_last_bgsave_time_sec:%lld\r\n",
               static_cast<long long>(st.rdb_last_bgsave_time_sec));
  AppendFormat(out, "rdb_current_bgsave_time_sec:%lld\r\n",
               static_cast<long long>(bgsave ? (server.clock().NowMillis() - bg.start_ms()) / 1000
                                             : -1));
  AppendFormat(out, "rdb_saves:%llu\r\n", static_cast<unsigned long long>(st.rdb_saves));
  out->append("rdb_last_cow_size:0\r\n");
  AppendFormat(out, "rdb_last_load_keys_expired:%llu\r\n",
               static_cast<unsigned long long>(st.rdb_last_load_keys_expired));
  AppendFormat(out, "rdb_last_load_keys_loaded:%llu\r\n",
               static_cast<unsigned long long>(st.rdb_last_load_keys_loaded));
  server.aof().AppendInfo(out);
  out->append(
      "module_fork_in_progress:0\r\n"
      "module_fork_last_cow_size:0\r\n");
  server.aof().AppendSizeInfo(out);
  if (loading.active) {
    const double perc = loading.total_bytes == 0
                            ? 0.0
                            : 100.0 * static_cast<double>(loading.loaded_bytes) /
                                  static_cast<double>(loading.total_bytes);
    const int64_t elapsed_s = (server.clock().NowMillis() - loading.start_ms) / 1000;
    const int64_t eta =
        loading.loaded_bytes == 0
            ? 1
            : static_cast<int64_t>(static_cast<double>(elapsed_s) *
                                   static_cast<double>(loading.total_bytes - loading.loaded_bytes) /
                                   static_cast<double>(loading.loaded_bytes));
    AppendFormat(out, "loading_start_time:%lld\r\n",
                 static_cast<long long>(loading.start_ms / 1000));
    AppendFormat(out, "loading_total_bytes:%llu\r\n",
                 static_cast<unsigned long long>(loading.total_bytes));
    out->append("loading_rdb_used_mem:0\r\n");
    AppendFormat(out, "loading_loaded_bytes:%llu\r\n",
                 static_cast<unsigned long long>(loading.loaded_bytes));
    AppendFormat(out, "loading_loaded_perc:%.2f\r\n", perc);
    AppendFormat(out, "loading_eta_seconds:%lld\r\n", static_cast<long long>(eta));
  }
}

void AppendStatsSection(Server& server, std::string* out) {
  const ServerStats& st = server.stats();
  const keyspace::KeyspaceStats& ks = server.keyspace().stats();
  const PubSub& ps = server.pubsub();
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  out->append("# Stats\r\n");
  AppendFormat(out, "total_connections_received:%llu\r\n", u(st.total_connections_received));
  AppendFormat(out, "total_commands_processed:%llu\r\n", u(st.total_commands_processed));
  AppendFormat(out, "instantaneous_ops_per_sec:%lld\r\n",
               static_cast<long long>(st.ops_sampler.PerSecond()));
  AppendFormat(out, "total_net_input_bytes:%llu\r\n", u(st.net_input_bytes));
  AppendFormat(out, "total_net_output_bytes:%llu\r\n", u(st.net_output_bytes));
  out->append("total_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\n");
  // Redis averages the samples as an integer rate before scaling to KB/s.
  auto kbps = [](const RateSampler& r) {
    return static_cast<double>(static_cast<float>(static_cast<long long>(r.PerSecond())) / 1024);
  };
  AppendFormat(out, "instantaneous_input_kbps:%.2f\r\n", kbps(st.net_input_sampler));
  AppendFormat(out, "instantaneous_output_kbps:%.2f\r\n", kbps(st.net_output_sampler));
  out->append("instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\n");
  AppendFormat(out, "rejected_connections:%llu\r\n", u(st.rejected_connections));
  out->append("sync_full:0\r\nsync_partial_ok:0\r\nsync_partial_err:0\r\n");
  AppendFormat(out, "expired_keys:%llu\r\n", u(ks.expired_keys));
  AppendFormat(out, "expired_stale_perc:%.2f\r\n", ks.expired_stale_perc * 100);
  AppendFormat(out, "expired_time_cap_reached_count:%llu\r\n",
               u(ks.expired_time_cap_reached_count));
  AppendFormat(out, "expire_cycle_cpu_milliseconds:%llu\r\n", u(ks.expire_cycle_cpu_micros / 1000));
  AppendFormat(out, "evicted_keys:%llu\r\n", u(ks.evicted_keys));
  out->append(
      "evicted_clients:0\r\n"
      "total_eviction_exceeded_time:0\r\n"
      "current_eviction_exceeded_time:0\r\n");
  AppendFormat(out, "keyspace_hits:%llu\r\n", u(ks.keyspace_hits));
  AppendFormat(out, "keyspace_misses:%llu\r\n", u(ks.keyspace_misses));
  AppendFormat(out, "pubsub_channels:%zu\r\n", ps.channel_count());
  AppendFormat(out, "pubsub_patterns:%zu\r\n", ps.pattern_count());
  AppendFormat(out, "pubsubshard_channels:%zu\r\n", ps.shard_channel_count());
  // No fork ever happens (snapshots are taken in-process), no MIGRATE
  // connections are cached, no defragmentation runs.
  out->append(
      "latest_fork_usec:0\r\n"
      "total_forks:0\r\n"
      "migrate_cached_sockets:0\r\n"
      "slave_expires_tracked_keys:0\r\n"
      "active_defrag_hits:0\r\n"
      "active_defrag_misses:0\r\n"
      "active_defrag_key_hits:0\r\n"
      "active_defrag_key_misses:0\r\n"
      "total_active_defrag_time:0\r\n"
      "current_active_defrag_time:0\r\n");
  const Tracking& tr = server.tracking();
  AppendFormat(out, "tracking_total_keys:%zu\r\n", tr.total_keys());
  AppendFormat(out, "tracking_total_items:%zu\r\n", tr.total_items());
  AppendFormat(out, "tracking_total_prefixes:%zu\r\n", tr.total_prefixes());
  AppendFormat(out, "unexpected_error_replies:%llu\r\n", u(st.unexpected_error_replies));
  AppendFormat(out, "total_error_replies:%llu\r\n", u(st.total_error_replies));
  out->append("dump_payload_sanitizations:0\r\n");
  AppendFormat(out, "total_reads_processed:%llu\r\n", u(st.total_reads_processed));
  AppendFormat(out, "total_writes_processed:%llu\r\n", u(st.total_writes_processed));
  AppendFormat(out, "io_threaded_reads_processed:%llu\r\n", u(st.io_threaded_reads_processed));
  AppendFormat(out, "io_threaded_writes_processed:%llu\r\n", u(st.io_threaded_writes_processed));
  out->append("reply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n");
}

void AppendReplicationSection(Server& server, std::string* out) {
  const ServerConfig& cfg = server.config();
  const bool replica = !cfg.replicaof_host.empty();
  out->append("# Replication\r\n");
  AppendFormat(out, "role:%s\r\n", replica ? "slave" : "master");
  if (replica) {
    // Configured as a replica, but no link to the master exists yet.
    AppendFormat(out, "master_host:%s\r\nmaster_port:%d\r\n", cfg.replicaof_host.c_str(),
                 cfg.replicaof_port);
    out->append(
        "master_link_status:down\r\n"
        "master_last_io_seconds_ago:-1\r\n"
        "master_sync_in_progress:0\r\n"
        "slave_read_repl_offset:1\r\n"
        "slave_repl_offset:1\r\n"
        "master_link_down_since_seconds:-1\r\n");
    AppendFormat(out, "slave_priority:%d\r\nslave_read_only:%d\r\nreplica_announced:%d\r\n",
                 cfg.replica_priority, cfg.replica_read_only ? 1 : 0,
                 cfg.replica_announced ? 1 : 0);
  }
  out->append("connected_slaves:0\r\n");
  if (cfg.min_replicas_to_write != 0 && cfg.min_replicas_max_lag != 0) {
    out->append("min_slaves_good_slaves:0\r\n");
  }
  out->append("master_failover_state:no-failover\r\n");
  AppendFormat(out, "master_replid:%s\r\n", ReplicationId(server.run_id()).c_str());
  out->append(
      "master_replid2:0000000000000000000000000000000000000000\r\n"
      "master_repl_offset:0\r\n"
      "second_repl_offset:-1\r\n"
      "repl_backlog_active:0\r\n");
  AppendFormat(out, "repl_backlog_size:%lld\r\n", static_cast<long long>(cfg.repl_backlog_size));
  out->append("repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n");
}

void AppendCpuSection(Server&, std::string* out) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  out->append("# CPU\r\n");
  AppendTimeval(out, "used_cpu_sys", self.ru_stime);
  AppendTimeval(out, "used_cpu_user", self.ru_utime);
  AppendTimeval(out, "used_cpu_sys_children", children.ru_stime);
  AppendTimeval(out, "used_cpu_user_children", children.ru_utime);
  AppendTimeval(out, "used_cpu_sys_main_thread", thread.ru_stime);
  AppendTimeval(out, "used_cpu_user_main_thread", thread.ru_utime);
}

}  // namespace osprey::server
