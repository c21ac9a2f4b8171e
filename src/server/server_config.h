// Every configuration directive of Redis 7.0 as one typed field, with Redis
// 7.0.15's default. A default-constructed ServerConfig is the configuration
// of a server started without a config file. The ConfigRegistry owns the live
// instance, parses redis.conf and CONFIG SET into it and formats it back.
// Fields are named after their directive (dashes become underscores).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/logging.h"

namespace osprey::server {

enum class MaxmemoryPolicy {
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllkeysLru,
  kAllkeysLfu,
  kAllkeysRandom,
  kNoEviction,
};

// enable-debug-command, enable-module-command, enable-protected-configs:
// never, always, or only for clients connected over loopback or unix socket.
enum class ProtectedAction { kNo, kYes, kLocal };

enum class AppendFsync { kEverysec, kAlways, kNo };
enum class SupervisedMode { kNo, kUpstart, kSystemd, kAuto };
enum class SyslogFacility {
  kUser,
  kLocal0,
  kLocal1,
  kLocal2,
  kLocal3,
  kLocal4,
  kLocal5,
  kLocal6,
  kLocal7
};
enum class ReplDisklessLoad { kDisabled, kOnEmptyDb, kSwapdb };
enum class TlsAuthClients { kNo, kYes, kOptional };
// "yes" is a synonym of "relative" (and is the name CONFIG GET reports).
enum class OomScoreAdj { kNo, kRelative, kAbsolute };
enum class AclPubsubDefault { kResetChannels, kAllChannels };
enum class SanitizeDumpPayload { kNo, kYes, kClients };
enum class ClusterEndpointType { kIp, kHostname, kUnknownEndpoint };
enum class PropagationErrorBehavior { kIgnore, kPanic, kPanicOnReplicas };

// Bits of shutdown-on-sigint / shutdown-on-sigterm ("default" is none).
enum ShutdownFlag : uint32_t {
  kShutdownSave = 1u << 0,
  kShutdownNoSave = 1u << 1,
  kShutdownNow = 1u << 2,
  kShutdownForce = 1u << 3,
};

// One "save <seconds> <changes>" point: snapshot when at least `changes`
// writes happened in the last `seconds` seconds.
struct SavePoint {
  int64_t seconds = 0;
  int changes = 0;
  bool operator==(const SavePoint&) const = default;
};

// One class of client-output-buffer-limit; 0 disables a limit.
struct ClientBufferLimit {
  uint64_t hard = 0;
  uint64_t soft = 0;
  int64_t soft_seconds = 0;
  bool operator==(const ClientBufferLimit&) const = default;
};

enum class ClientClass { kNormal = 0, kReplica = 1, kPubsub = 2 };

struct ClientOutputBufferLimits {
  ClientBufferLimit normal;
  ClientBufferLimit replica{256ull << 20, 64ull << 20, 60};
  ClientBufferLimit pubsub{32ull << 20, 8ull << 20, 60};

  ClientBufferLimit& operator[](ClientClass c) {
    return c == ClientClass::kNormal ? normal : c == ClientClass::kReplica ? replica : pubsub;
  }
  const ClientBufferLimit& operator[](ClientClass c) const {
    return const_cast<ClientOutputBufferLimits&>(*this)[c];
  }
  bool operator==(const ClientOutputBufferLimits&) const = default;
};

struct ServerConfig {
  // ---- network
  int port = 6379;
  std::vector<std::string> bind = {"*", "-::*"};
  std::string bind_source_addr;
  std::string unixsocket;       // "" = none
  uint32_t unixsocketperm = 0;  // octal in the file and in CONFIG GET
  int tcp_backlog = 511;
  int tcp_keepalive = 300;
  uint32_t socket_mark_id = 0;
  int timeout = 0;  // seconds idle before a client is closed; 0 = never
  uint32_t maxclients = 10000;
  bool protected_mode = true;
  int io_threads = 1;
  bool io_threads_do_reads = false;

  // ---- general
  int databases = 16;
  int hz = 10;  // clamped to 1..500 when set
  bool dynamic_hz = true;
  bool daemonize = false;
  SupervisedMode supervised = SupervisedMode::kNo;
  std::string pidfile;  // "" = none
  base::LogLevel loglevel = base::LogLevel::kNotice;
  std::string logfile;  // "" = stdout
  bool syslog_enabled = false;
  std::string syslog_ident = "redis";
  SyslogFacility syslog_facility = SyslogFacility::kLocal0;
  bool always_show_logo = false;
  bool set_proc_title = true;
  std::string proc_title_template = "{title} {listen-addr} {server-mode}";
  std::string dir;  // the working directory (absolute) once loaded
  bool crash_log_enabled = true;
  bool crash_memcheck_enabled = true;
  bool use_exit_on_panic = false;  // hidden
  bool disable_thp = true;
  bool jemalloc_bg_thread = true;
  std::string server_cpulist;
  std::string bio_cpulist;
  std::string aof_rewrite_cpulist;
  std::string bgsave_cpulist;
  std::string ignore_warnings;
  OomScoreAdj oom_score_adj = OomScoreAdj::kNo;
  std::array<int, 3> oom_score_adj_values = {0, 200, 800};  // master, replica, bg child
  uint32_t shutdown_on_sigint = 0;                          // ShutdownFlag bits
  uint32_t shutdown_on_sigterm = 0;
  int shutdown_timeout = 10;
  int watchdog_period = 0;  // hidden
  ProtectedAction enable_protected_configs = ProtectedAction::kNo;
  ProtectedAction enable_debug_command = ProtectedAction::kNo;
  ProtectedAction enable_module_command = ProtectedAction::kNo;

  // ---- security and ACL
  std::string requirepass;  // "" = none
  std::string aclfile;
  int64_t acllog_max_len = 128;
  AclPubsubDefault acl_pubsub_default = AclPubsubDefault::kResetChannels;

  // ---- limits and protocol
  int64_t proto_max_bulk_len = 512ll << 20;
  int64_t client_query_buffer_limit = 1ll << 30;
  ClientOutputBufferLimits client_output_buffer_limit;
  int64_t busy_reply_threshold = 5000;  // ms; alias lua-time-limit
  int64_t tracking_table_max_keys = 1000000;

  // ---- memory and eviction
  uint64_t maxmemory = 0;
  MaxmemoryPolicy maxmemory_policy = MaxmemoryPolicy::kNoEviction;
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;
  int64_t maxmemory_clients = 0;  // bytes, or -N for N percent of maxmemory
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  int active_expire_effort = 1;
  bool activerehashing = true;

  // ---- active defragmentation
  bool activedefrag = false;
  int64_t active_defrag_ignore_bytes = 100ll << 20;
  int active_defrag_threshold_lower = 10;
  int active_defrag_threshold_upper = 100;
  int active_defrag_cycle_min = 1;
  int active_defrag_cycle_max = 25;
  int64_t active_defrag_max_scan_fields = 1000;

  // ---- encodings of small values
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int list_max_listpack_size = -2;
  int list_compress_depth = 0;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t hll_sparse_max_bytes = 3000;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;

  // ---- keyspace events
  uint32_t notify_keyspace_events = 0;  // keyspace::NotifyClass bits

  // ---- slow log and latency
  int64_t slowlog_log_slower_than = 10000;  // microseconds; -1 disables
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;  // milliseconds
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};

  // ---- snapshotting (RDB)
  std::vector<SavePoint> save = {{3600, 1}, {300, 100}, {60, 10000}};
  std::string dbfilename = "dump.rdb";
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool rdb_del_sync_files = false;
  bool rdb_save_incremental_fsync = true;
  bool stop_writes_on_bgsave_error = true;
  SanitizeDumpPayload sanitize_dump_payload = SanitizeDumpPayload::kNo;
  int rdb_key_save_delay = 0;                                 // hidden
  int key_load_delay = 0;                                     // hidden
  int64_t loading_process_events_interval_bytes = 2ll << 20;  // hidden

  // ---- append only file
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  AppendFsync appendfsync = AppendFsync::kEverysec;
  bool no_appendfsync_on_rewrite = false;
  int auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64ll << 20;
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_rewrite_incremental_fsync = true;
  bool aof_timestamp_enabled = false;
  bool aof_disable_auto_gc = false;

  // ---- replication
  std::string replicaof_host;  // "" = this server is a master
  int replicaof_port = 0;
  std::string masterauth;
  std::string masteruser;
  bool replica_serve_stale_data = true;
  bool replica_read_only = true;
  bool replica_lazy_flush = false;
  bool replica_ignore_maxmemory = true;
  bool replica_ignore_disk_write_errors = false;
  bool replica_announced = true;
  std::string replica_announce_ip;
  int replica_announce_port = 0;
  int replica_priority = 100;
  bool repl_diskless_sync = true;
  int repl_diskless_sync_delay = 5;
  int repl_diskless_sync_max_replicas = 0;
  ReplDisklessLoad repl_diskless_load = ReplDisklessLoad::kDisabled;
  int repl_ping_replica_period = 10;
  int repl_timeout = 60;
  bool repl_disable_tcp_nodelay = false;
  int64_t repl_backlog_size = 1ll << 20;
  int64_t repl_backlog_ttl = 3600;
  int min_replicas_to_write = 0;
  int min_replicas_max_lag = 10;
  PropagationErrorBehavior propagation_error_behavior = PropagationErrorBehavior::kIgnore;

  // ---- cluster
  bool cluster_enabled = false;
  std::string cluster_config_file = "nodes.conf";
  int64_t cluster_node_timeout = 15000;
  int cluster_port = 0;
  int cluster_replica_validity_factor = 10;
  int cluster_migration_barrier = 1;
  bool cluster_allow_replica_migration = true;
  bool cluster_require_full_coverage = true;
  bool cluster_replica_no_failover = false;
  bool cluster_allow_reads_when_down = false;
  bool cluster_allow_pubsubshard_when_down = true;
  std::string cluster_announce_ip;
  std::string cluster_announce_hostname;
  int cluster_announce_port = 0;
  int cluster_announce_bus_port = 0;
  int cluster_announce_tls_port = 0;
  ClusterEndpointType cluster_preferred_endpoint_type = ClusterEndpointType::kIp;
  uint64_t cluster_link_sendbuf_limit = 0;

  // ---- TLS
  int tls_port = 0;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_key_file_pass;
  std::string tls_client_cert_file;
  std::string tls_client_key_file;
  std::string tls_client_key_file_pass;
  std::string tls_dh_params_file;
  std::string tls_ca_cert_file;
  std::string tls_ca_cert_dir;
  std::string tls_protocols;
  std::string tls_ciphers;
  std::string tls_ciphersuites;
  TlsAuthClients tls_auth_clients = TlsAuthClients::kYes;
  bool tls_replication = false;
  bool tls_cluster = false;
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  int tls_session_cache_size = 20 * 1024;
  int tls_session_cache_timeout = 300;
};

// Directives that only a config file (or the command line) may give, kept in
// the order they appeared for the subsystems that act on them.
struct FileOnlyDirectives {
  struct RenameCommand {
    std::string from;
    std::string to;  // "" removes the command
  };
  std::vector<RenameCommand> rename_command;
  // "user <name> <rule>...": the arguments after "user".
  std::vector<std::vector<std::string>> user;
  // "loadmodule <path> <arg>...": the arguments after "loadmodule".
  std::vector<std::vector<std::string>> loadmodule;
  // "<module>.<name> <value...>" lines, value arguments joined by spaces.
  std::vector<std::pair<std::string, std::string>> module_config;
  // "sentinel ..." lines (sentinel mode only): the arguments after "sentinel".
  std::vector<std::vector<std::string>> sentinel;
};

}  // namespace osprey::server
