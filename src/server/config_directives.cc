// The table of every Redis 7.0 configuration directive: names, aliases,
// flags, kinds, bounds and extra checks. Defaults live in ServerConfig's
// member initializers; this table only says how to read and write them.
// Todo() marks directives whose feature Osprey does not implement yet.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "base/ascii.h"
#include "server/config_def.h"

namespace osprey::server {
namespace {

using C = ServerConfig;

constexpr int64_t kIntMin = INT_MIN;
constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kUintMax = UINT_MAX;
constexpr int64_t kLongMax = INT64_MAX;
constexpr int64_t kULongLongMax = -1;  // UINT64_MAX as a bit pattern

template <auto M>
int64_t GetField(const ServerConfig& c) {
  return static_cast<int64_t>(c.*M);
}

template <auto M>
void SetField(ServerConfig& c, int64_t v) {
  using T = std::remove_cvref_t<decltype(c.*M)>;
  c.*M = static_cast<T>(v);
}

// Fluent construction of one table row.
class Def {
 public:
  Def(std::string_view name, ConfigKind kind) {
    d_.name = name;
    d_.kind = kind;
  }
  Def& Alias(std::string_view alias) { return Set(&ConfigDef::alias, alias); }
  Def& Flags(uint32_t flags) { return Set(&ConfigDef::flags, d_.flags | flags); }
  Def& Todo() { return Set(&ConfigDef::implemented, false); }
  Def& Unsigned() { return Set(&ConfigDef::unsigned_bounds, true); }
  Def& Null() { return Set(&ConfigDef::empty_is_null, true); }
  Def& Check(base::Status (*fn)(int64_t)) { return Set(&ConfigDef::validate_int, fn); }
  Def& Check(base::Status (*fn)(const ServerConfig&, std::string_view)) {
    return Set(&ConfigDef::validate_str, fn);
  }
  Def& Normalize(void (*fn)(ServerConfig&)) { return Set(&ConfigDef::normalize, fn); }
  Def& OnConfigSet(void (*fn)(ServerConfig&)) { return Set(&ConfigDef::on_config_set, fn); }
  template <auto M>
  Def& Field() {
    d_.get_int = &GetField<M>;
    d_.set_int = &SetField<M>;
    return *this;
  }
  Def& Bounds(NumericFormat format, int64_t lower, int64_t upper) {
    d_.format = format;
    d_.lower = lower;
    d_.upper = upper;
    return *this;
  }
  Def& Names(std::span<const EnumName> names) { return Set(&ConfigDef::enum_names, names); }
  Def& Str(std::string ServerConfig::*field) { return Set(&ConfigDef::str, field); }
  Def& Ops(const SpecialOps* ops) { return Set(&ConfigDef::special, ops); }
  operator ConfigDef() const { return d_; }  // NOLINT: rows convert implicitly

 private:
  template <typename T, typename V>
  Def& Set(T ConfigDef::*member, V value) {
    d_.*member = value;
    return *this;
  }
  ConfigDef d_;
};

template <auto M>
Def Bool(std::string_view name) {
  return std::move(Def(name, ConfigKind::kBool).Field<M>());
}

template <auto M>
Def Int(std::string_view name, int64_t lower, int64_t upper) {
  return std::move(
      Def(name, ConfigKind::kNumeric).Field<M>().Bounds(NumericFormat::kInteger, lower, upper));
}

template <auto M>
Def Memory(std::string_view name, int64_t lower, int64_t upper) {
  return std::move(
      Def(name, ConfigKind::kNumeric).Field<M>().Bounds(NumericFormat::kMemory, lower, upper));
}

template <auto M>
Def Enum(std::string_view name, std::span<const EnumName> names) {
  return std::move(Def(name, ConfigKind::kEnum).Field<M>().Names(names));
}

Def String(std::string_view name, std::string ServerConfig::*field) {
  return std::move(Def(name, ConfigKind::kString).Str(field));
}

Def Special(std::string_view name, const SpecialOps& ops) {
  return std::move(Def(name, ConfigKind::kSpecial).Ops(&ops));
}

constexpr uint32_t kImmutable = kConfigImmutable;
constexpr uint32_t kSensitive = kConfigSensitive;
constexpr uint32_t kMultiArg = kConfigMultiArg;
constexpr uint32_t kHidden = kConfigHidden;
constexpr uint32_t kProtected = kConfigProtected;
constexpr uint32_t kDenyLoading = kConfigDenyLoading;
constexpr uint32_t kVolatile = kConfigVolatile;

// ------------------------------------------------------------ enum names
// Order matters: an error lists them in this order, and CONFIG GET reports
// the first name of a value.

template <typename E>
constexpr EnumName N(std::string_view name, E value) {
  return {name, static_cast<int64_t>(value)};
}

constexpr EnumName kMaxmemoryPolicyNames[] = {
    N("volatile-lru", MaxmemoryPolicy::kVolatileLru),
    N("volatile-lfu", MaxmemoryPolicy::kVolatileLfu),
    N("volatile-random", MaxmemoryPolicy::kVolatileRandom),
    N("volatile-ttl", MaxmemoryPolicy::kVolatileTtl),
    N("allkeys-lru", MaxmemoryPolicy::kAllkeysLru),
    N("allkeys-lfu", MaxmemoryPolicy::kAllkeysLfu),
    N("allkeys-random", MaxmemoryPolicy::kAllkeysRandom),
    N("noeviction", MaxmemoryPolicy::kNoEviction),
};
constexpr EnumName kSyslogFacilityNames[] = {
    N("user", SyslogFacility::kUser),     N("local0", SyslogFacility::kLocal0),
    N("local1", SyslogFacility::kLocal1), N("local2", SyslogFacility::kLocal2),
    N("local3", SyslogFacility::kLocal3), N("local4", SyslogFacility::kLocal4),
    N("local5", SyslogFacility::kLocal5), N("local6", SyslogFacility::kLocal6),
    N("local7", SyslogFacility::kLocal7),
};
constexpr EnumName kLogLevelNames[] = {
    N("debug", base::LogLevel::kDebug),
    N("verbose", base::LogLevel::kVerbose),
    N("notice", base::LogLevel::kNotice),
    N("warning", base::LogLevel::kWarning),
};
constexpr EnumName kSupervisedNames[] = {
    N("upstart", SupervisedMode::kUpstart),
    N("systemd", SupervisedMode::kSystemd),
    N("auto", SupervisedMode::kAuto),
    N("no", SupervisedMode::kNo),
};
constexpr EnumName kAppendFsyncNames[] = {
    N("everysec", AppendFsync::kEverysec),
    N("always", AppendFsync::kAlways),
    N("no", AppendFsync::kNo),
};
constexpr EnumName kShutdownOnSigNames[] = {
    {"default", 0},        {"save", kShutdownSave},   {"nosave", kShutdownNoSave},
    {"now", kShutdownNow}, {"force", kShutdownForce},
};
constexpr EnumName kReplDisklessLoadNames[] = {
    N("disabled", ReplDisklessLoad::kDisabled),
    N("on-empty-db", ReplDisklessLoad::kOnEmptyDb),
    N("swapdb", ReplDisklessLoad::kSwapdb),
};
constexpr EnumName kTlsAuthClientsNames[] = {
    N("no", TlsAuthClients::kNo),
    N("yes", TlsAuthClients::kYes),
    N("optional", TlsAuthClients::kOptional),
};
constexpr EnumName kOomScoreAdjNames[] = {
    N("no", OomScoreAdj::kNo),
    N("yes", OomScoreAdj::kRelative),
    N("relative", OomScoreAdj::kRelative),
    N("absolute", OomScoreAdj::kAbsolute),
};
constexpr EnumName kAclPubsubDefaultNames[] = {
    N("allchannels", AclPubsubDefault::kAllChannels),
    N("resetchannels", AclPubsubDefault::kResetChannels),
};
constexpr EnumName kSanitizeDumpPayloadNames[] = {
    N("no", SanitizeDumpPayload::kNo),
    N("yes", SanitizeDumpPayload::kYes),
    N("clients", SanitizeDumpPayload::kClients),
};
constexpr EnumName kProtectedActionNames[] = {
    N("no", ProtectedAction::kNo),
    N("yes", ProtectedAction::kYes),
    N("local", ProtectedAction::kLocal),
};
constexpr EnumName kClusterEndpointTypeNames[] = {
    N("ip", ClusterEndpointType::kIp),
    N("hostname", ClusterEndpointType::kHostname),
    N("unknown-endpoint", ClusterEndpointType::kUnknownEndpoint),
};
constexpr EnumName kPropagationErrorBehaviorNames[] = {
    N("ignore", PropagationErrorBehavior::kIgnore),
    N("panic", PropagationErrorBehavior::kPanic),
    N("panic-on-replicas", PropagationErrorBehavior::kPanicOnReplicas),
};

// ------------------------------------------------------------- checks

base::Status NoActiveDefrag(int64_t enabled) {
  // Redis refuses this unless built with its own jemalloc fork; Osprey has no
  // defragmenter at all, and answers as such a Redis build does.
  if (enabled == 0) return base::Status::Ok();
  return base::Status::InvalidArgument(
      "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
      "modified Jemalloc like the one shipped by default with the Redis source distribution");
}

base::Status ShutdownFlagsCompatible(int64_t flags) {
  if ((flags & kShutdownSave) && (flags & kShutdownNoSave)) {
    return base::Status::InvalidArgument(
        "shutdown options SAVE and NOSAVE can't be used simultaneously");
  }
  return base::Status::Ok();
}

bool IsBaseName(std::string_view path) { return path.find_first_of("/\\") == path.npos; }

base::Status DbFilename(const ServerConfig&, std::string_view v) {
  if (IsBaseName(v)) return base::Status::Ok();
  return base::Status::InvalidArgument("dbfilename can't be a path, just a filename");
}

base::Status AppendFilename(const ServerConfig&, std::string_view v) {
  if (v.empty()) return base::Status::InvalidArgument("appendfilename can't be empty");
  if (IsBaseName(v)) return base::Status::Ok();
  return base::Status::InvalidArgument("appendfilename can't be a path, just a filename");
}

base::Status AppendDirname(const ServerConfig&, std::string_view v) {
  if (v.empty()) return base::Status::InvalidArgument("appenddirname can't be empty");
  if (IsBaseName(v)) return base::Status::Ok();
  return base::Status::InvalidArgument("appenddirname can't be a path, just a dirname");
}

base::Status AnnouncedHostname(const ServerConfig&, std::string_view v) {
  v = v.substr(0, v.find('\0'));
  if (v.size() >= 256) {
    return base::Status::InvalidArgument("Hostnames must be less than 256 characters");
  }
  for (char c : v) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) {
      return base::Status::InvalidArgument(
          "Hostnames may only contain alphanumeric characters, hyphens or dots");
    }
  }
  return base::Status::Ok();
}

// A template is valid when every {variable} is known and the expansion (with
// an empty {title}) is not blank. "{{" is a literal '{'.
base::Status ProcTitleTemplate(const ServerConfig& cfg, std::string_view v) {
  const base::Status invalid =
      base::Status::InvalidArgument("template format is invalid or contains unknown variables");
  v = v.substr(0, v.find('\0'));
  std::string out;
  size_t i = 0;
  while (i < v.size()) {
    if (v[i] != '{') {
      out += v[i++];
      continue;
    }
    if (i + 1 >= v.size()) return invalid;
    if (v[i + 1] == '{') {
      out += '{';
      i += 2;
      continue;
    }
    const size_t close = v.find('}', i + 1);
    if (close == v.npos) return invalid;
    const std::string_view var = v.substr(i + 1, close - i - 1);
    if (var == "listen-addr" || var == "port" || var == "tls-port" || var == "config-file") {
      out += 'x';  // never empty
    } else if (var == "unixsocket") {
      out += cfg.unixsocket;
    } else if (var == "server-mode") {
      if (cfg.cluster_enabled) out += "[cluster]";
    } else if (var != "title") {
      return invalid;
    }
    i = close + 1;
  }
  if (out.find_first_not_of(' ') == std::string::npos) return invalid;
  return base::Status::Ok();
}

void ClampHz(ServerConfig& cfg) {
  // hz is a hint: out-of-range values are accepted and capped.
  if (cfg.hz < 1) cfg.hz = 1;
  if (cfg.hz > 500) cfg.hz = 500;
}

void RaiseBacklogToMinimum(ServerConfig& cfg) {
  constexpr int64_t kMinBacklog = 16 * 1024;
  if (cfg.repl_backlog_size < kMinBacklog) cfg.repl_backlog_size = kMinBacklog;
}

using F = NumericFormat;

// One row per directive; chained modifiers stay on a row where they fit.
// clang-format off
std::vector<ConfigDef> BuildTable() {
  return {
      // ---- network
      Int<&C::port>("port", 0, 65535),
      Special("bind", kBindOps).Flags(kMultiArg),
      String("bind-source-addr", &C::bind_source_addr).Null().Todo(),
      String("unixsocket", &C::unixsocket).Null().Flags(kImmutable),
      Int<&C::unixsocketperm>("unixsocketperm", 0, 0777).Bounds(F::kOctal, 0, 0777).Unsigned()
          .Flags(kImmutable),
      Int<&C::tcp_backlog>("tcp-backlog", 0, kIntMax).Flags(kImmutable),
      Int<&C::tcp_keepalive>("tcp-keepalive", 0, kIntMax),
      Int<&C::socket_mark_id>("socket-mark-id", 0, kUintMax).Unsigned().Flags(kImmutable).Todo(),
      Int<&C::timeout>("timeout", 0, kIntMax),
      Int<&C::maxclients>("maxclients", 1, kUintMax).Unsigned(),
      Bool<&C::protected_mode>("protected-mode"),
      Int<&C::io_threads>("io-threads", 1, 128).Flags(kImmutable),
      Bool<&C::io_threads_do_reads>("io-threads-do-reads").Flags(kImmutable),

      // ---- general
      Int<&C::databases>("databases", 1, kIntMax).Flags(kImmutable),
      Int<&C::hz>("hz", 0, kIntMax).Normalize(ClampHz),
      Bool<&C::dynamic_hz>("dynamic-hz"),
      Bool<&C::daemonize>("daemonize").Flags(kImmutable).Todo(),
      Enum<&C::supervised>("supervised", kSupervisedNames).Flags(kImmutable).Todo(),
      String("pidfile", &C::pidfile).Null().Flags(kImmutable),
      Enum<&C::loglevel>("loglevel", kLogLevelNames),
      String("logfile", &C::logfile).Flags(kImmutable),
      Bool<&C::syslog_enabled>("syslog-enabled").Flags(kImmutable).Todo(),
      String("syslog-ident", &C::syslog_ident).Flags(kImmutable).Todo(),
      Enum<&C::syslog_facility>("syslog-facility", kSyslogFacilityNames).Flags(kImmutable).Todo(),
      Bool<&C::always_show_logo>("always-show-logo").Flags(kImmutable),
      Bool<&C::set_proc_title>("set-proc-title").Flags(kImmutable).Todo(),
      String("proc-title-template", &C::proc_title_template).Check(ProcTitleTemplate).Todo(),
      Special("dir", kDirOps).Flags(kProtected | kDenyLoading),
      Bool<&C::crash_log_enabled>("crash-log-enabled").Todo(),
      Bool<&C::crash_memcheck_enabled>("crash-memcheck-enabled").Todo(),
      Bool<&C::use_exit_on_panic>("use-exit-on-panic").Flags(kHidden).Todo(),
      Bool<&C::disable_thp>("disable-thp").Flags(kImmutable).Todo(),
      Bool<&C::jemalloc_bg_thread>("jemalloc-bg-thread").Todo(),
      String("server_cpulist", &C::server_cpulist).Null().Flags(kImmutable).Todo(),
      String("bio_cpulist", &C::bio_cpulist).Null().Flags(kImmutable).Todo(),
      String("aof_rewrite_cpulist", &C::aof_rewrite_cpulist).Null().Flags(kImmutable).Todo(),
      String("bgsave_cpulist", &C::bgsave_cpulist).Null().Flags(kImmutable).Todo(),
      String("ignore-warnings", &C::ignore_warnings),
      Enum<&C::oom_score_adj>("oom-score-adj", kOomScoreAdjNames).Todo(),
      Special("oom-score-adj-values", kOomScoreAdjValuesOps).Flags(kMultiArg).Todo(),
      Enum<&C::shutdown_on_sigint>("shutdown-on-sigint", kShutdownOnSigNames)
          .Flags(kMultiArg).Check(ShutdownFlagsCompatible).Todo(),
      Enum<&C::shutdown_on_sigterm>("shutdown-on-sigterm", kShutdownOnSigNames)
          .Flags(kMultiArg).Check(ShutdownFlagsCompatible).Todo(),
      Int<&C::shutdown_timeout>("shutdown-timeout", 0, kIntMax).Todo(),
      Int<&C::watchdog_period>("watchdog-period", 0, kIntMax).Flags(kHidden).Todo(),
      Enum<&C::enable_protected_configs>("enable-protected-configs", kProtectedActionNames)
          .Flags(kImmutable),
      Enum<&C::enable_debug_command>("enable-debug-command", kProtectedActionNames)
          .Flags(kImmutable),
      Enum<&C::enable_module_command>("enable-module-command", kProtectedActionNames)
          .Flags(kImmutable),

      // ---- security and ACL
      String("requirepass", &C::requirepass).Null().Flags(kSensitive),
      String("aclfile", &C::aclfile).Flags(kImmutable).Todo(),
      Int<&C::acllog_max_len>("acllog-max-len", 0, kLongMax).Todo(),
      Enum<&C::acl_pubsub_default>("acl-pubsub-default", kAclPubsubDefaultNames).Todo(),

      // ---- limits and protocol
      Memory<&C::proto_max_bulk_len>("proto-max-bulk-len", 1024 * 1024, kLongMax),
      Memory<&C::client_query_buffer_limit>("client-query-buffer-limit", 1024 * 1024, kLongMax)
          .Unsigned(),
      Special("client-output-buffer-limit", kClientOutputBufferLimitOps).Flags(kMultiArg),
      Int<&C::busy_reply_threshold>("busy-reply-threshold", 0, kLongMax).Alias("lua-time-limit")
          .Todo(),
      Int<&C::tracking_table_max_keys>("tracking-table-max-keys", 0, kLongMax).Unsigned(),

      // ---- memory and eviction
      Memory<&C::maxmemory>("maxmemory", 0, kULongLongMax).Unsigned(),
      Enum<&C::maxmemory_policy>("maxmemory-policy", kMaxmemoryPolicyNames),
      Int<&C::maxmemory_samples>("maxmemory-samples", 1, kIntMax),
      Int<&C::maxmemory_eviction_tenacity>("maxmemory-eviction-tenacity", 0, 100),
      Memory<&C::maxmemory_clients>("maxmemory-clients", -100, INT64_MAX)
          .Bounds(F::kMemoryOrPercent, -100, INT64_MAX).Todo(),
      Int<&C::lfu_log_factor>("lfu-log-factor", 0, kIntMax),
      Int<&C::lfu_decay_time>("lfu-decay-time", 0, kIntMax),
      Bool<&C::lazyfree_lazy_eviction>("lazyfree-lazy-eviction"),
      Bool<&C::lazyfree_lazy_expire>("lazyfree-lazy-expire"),
      Bool<&C::lazyfree_lazy_server_del>("lazyfree-lazy-server-del"),
      Bool<&C::lazyfree_lazy_user_del>("lazyfree-lazy-user-del"),
      Bool<&C::lazyfree_lazy_user_flush>("lazyfree-lazy-user-flush"),
      Int<&C::active_expire_effort>("active-expire-effort", 1, 10),
      Bool<&C::activerehashing>("activerehashing"),

      // ---- active defragmentation
      Bool<&C::activedefrag>("activedefrag").Check(NoActiveDefrag).Todo(),
      Memory<&C::active_defrag_ignore_bytes>("active-defrag-ignore-bytes", 1, kLongMax)
          .Unsigned().Todo(),
      Int<&C::active_defrag_threshold_lower>("active-defrag-threshold-lower", 0, 1000).Todo(),
      Int<&C::active_defrag_threshold_upper>("active-defrag-threshold-upper", 0, 1000).Todo(),
      Int<&C::active_defrag_cycle_min>("active-defrag-cycle-min", 1, 99).Todo(),
      Int<&C::active_defrag_cycle_max>("active-defrag-cycle-max", 1, 99).Todo(),
      Int<&C::active_defrag_max_scan_fields>("active-defrag-max-scan-fields", 1, kLongMax).Todo(),

      // ---- encodings of small values
      Int<&C::hash_max_listpack_entries>("hash-max-listpack-entries", 0, kLongMax).Unsigned()
          .Alias("hash-max-ziplist-entries"),
      Memory<&C::hash_max_listpack_value>("hash-max-listpack-value", 0, kLongMax).Unsigned()
          .Alias("hash-max-ziplist-value"),
      Int<&C::list_max_listpack_size>("list-max-listpack-size", kIntMin, kIntMax)
          .Alias("list-max-ziplist-size"),
      Int<&C::list_compress_depth>("list-compress-depth", 0, kIntMax),
      Int<&C::set_max_intset_entries>("set-max-intset-entries", 0, kLongMax).Unsigned(),
      Int<&C::zset_max_listpack_entries>("zset-max-listpack-entries", 0, kLongMax).Unsigned()
          .Alias("zset-max-ziplist-entries"),
      Memory<&C::zset_max_listpack_value>("zset-max-listpack-value", 0, kLongMax).Unsigned()
          .Alias("zset-max-ziplist-value"),
      Memory<&C::hll_sparse_max_bytes>("hll-sparse-max-bytes", 0, kLongMax).Unsigned(),
      Memory<&C::stream_node_max_bytes>("stream-node-max-bytes", 0, kLongMax).Unsigned(),
      Int<&C::stream_node_max_entries>("stream-node-max-entries", 0, kLongMax),

      // ---- keyspace events, slow log, latency
      Special("notify-keyspace-events", kNotifyKeyspaceEventsOps),
      Int<&C::slowlog_log_slower_than>("slowlog-log-slower-than", -1, kLongMax),
      Int<&C::slowlog_max_len>("slowlog-max-len", 0, kLongMax),
      Int<&C::latency_monitor_threshold>("latency-monitor-threshold", 0, kLongMax),
      Bool<&C::latency_tracking>("latency-tracking"),
      Special("latency-tracking-info-percentiles", kLatencyTrackingInfoPercentilesOps)
          .Flags(kMultiArg),

      // ---- snapshotting (RDB)
      Special("save", kSaveOps).Flags(kMultiArg),
      String("dbfilename", &C::dbfilename).Flags(kProtected).Check(DbFilename),
      Bool<&C::rdbcompression>("rdbcompression"),
      Bool<&C::rdbchecksum>("rdbchecksum").Flags(kImmutable),
      Bool<&C::rdb_del_sync_files>("rdb-del-sync-files").Todo(),
      Bool<&C::rdb_save_incremental_fsync>("rdb-save-incremental-fsync").Todo(),
      Bool<&C::stop_writes_on_bgsave_error>("stop-writes-on-bgsave-error"),
      Enum<&C::sanitize_dump_payload>("sanitize-dump-payload", kSanitizeDumpPayloadNames).Todo(),
      Int<&C::rdb_key_save_delay>("rdb-key-save-delay", kIntMin, kIntMax).Flags(kHidden),
      Int<&C::key_load_delay>("key-load-delay", kIntMin, kIntMax).Flags(kHidden),
      Int<&C::loading_process_events_interval_bytes>("loading-process-events-interval-bytes",
                                                     1024, kIntMax)
          .Flags(kHidden),

      // ---- append only file
      Bool<&C::appendonly>("appendonly").Flags(kDenyLoading),
      String("appendfilename", &C::appendfilename).Flags(kImmutable).Check(AppendFilename),
      String("appenddirname", &C::appenddirname).Flags(kImmutable).Check(AppendDirname),
      Enum<&C::appendfsync>("appendfsync", kAppendFsyncNames),
      Bool<&C::no_appendfsync_on_rewrite>("no-appendfsync-on-rewrite").Todo(),
      Int<&C::auto_aof_rewrite_percentage>("auto-aof-rewrite-percentage", 0, kIntMax),
      Memory<&C::auto_aof_rewrite_min_size>("auto-aof-rewrite-min-size", 0, kLongMax),
      Bool<&C::aof_load_truncated>("aof-load-truncated"),
      Bool<&C::aof_use_rdb_preamble>("aof-use-rdb-preamble"),
      Bool<&C::aof_rewrite_incremental_fsync>("aof-rewrite-incremental-fsync").Todo(),
      Bool<&C::aof_timestamp_enabled>("aof-timestamp-enabled"),
      Bool<&C::aof_disable_auto_gc>("aof-disable-auto-gc"),

      // ---- replication
      Special("replicaof", kReplicaOfOps).Alias("slaveof").Flags(kImmutable | kMultiArg).Todo(),
      String("masterauth", &C::masterauth).Null().Flags(kSensitive).Todo(),
      String("masteruser", &C::masteruser).Null().Flags(kSensitive).Todo(),
      Bool<&C::replica_serve_stale_data>("replica-serve-stale-data")
          .Alias("slave-serve-stale-data").Todo(),
      Bool<&C::replica_read_only>("replica-read-only").Alias("slave-read-only").Todo(),
      Bool<&C::replica_lazy_flush>("replica-lazy-flush").Alias("slave-lazy-flush").Todo(),
      Bool<&C::replica_ignore_maxmemory>("replica-ignore-maxmemory")
          .Alias("slave-ignore-maxmemory").Todo(),
      Bool<&C::replica_ignore_disk_write_errors>("replica-ignore-disk-write-errors").Todo(),
      Bool<&C::replica_announced>("replica-announced").Todo(),
      String("replica-announce-ip", &C::replica_announce_ip).Null().Alias("slave-announce-ip")
          .Todo(),
      Int<&C::replica_announce_port>("replica-announce-port", 0, 65535)
          .Alias("slave-announce-port").Todo(),
      Int<&C::replica_priority>("replica-priority", 0, kIntMax).Alias("slave-priority").Todo(),
      Bool<&C::repl_diskless_sync>("repl-diskless-sync").Todo(),
      Int<&C::repl_diskless_sync_delay>("repl-diskless-sync-delay", 0, kIntMax).Todo(),
      Int<&C::repl_diskless_sync_max_replicas>("repl-diskless-sync-max-replicas", 0, kIntMax)
          .Todo(),
      Enum<&C::repl_diskless_load>("repl-diskless-load", kReplDisklessLoadNames)
          .Flags(kDenyLoading).Todo(),
      Int<&C::repl_ping_replica_period>("repl-ping-replica-period", 1, kIntMax)
          .Alias("repl-ping-slave-period").Todo(),
      Int<&C::repl_timeout>("repl-timeout", 1, kIntMax).Todo(),
      Bool<&C::repl_disable_tcp_nodelay>("repl-disable-tcp-nodelay").Todo(),
      Memory<&C::repl_backlog_size>("repl-backlog-size", 1, kLongMax)
          .OnConfigSet(RaiseBacklogToMinimum).Todo(),
      Int<&C::repl_backlog_ttl>("repl-backlog-ttl", 0, kLongMax).Todo(),
      Int<&C::min_replicas_to_write>("min-replicas-to-write", 0, kIntMax)
          .Alias("min-slaves-to-write").Todo(),
      Int<&C::min_replicas_max_lag>("min-replicas-max-lag", 0, kIntMax)
          .Alias("min-slaves-max-lag").Todo(),
      Enum<&C::propagation_error_behavior>("propagation-error-behavior",
                                           kPropagationErrorBehaviorNames)
          .Todo(),

      // ---- cluster
      Bool<&C::cluster_enabled>("cluster-enabled").Flags(kImmutable).Todo(),
      String("cluster-config-file", &C::cluster_config_file).Flags(kImmutable).Todo(),
      Int<&C::cluster_node_timeout>("cluster-node-timeout", 0, kLongMax).Todo(),
      Int<&C::cluster_port>("cluster-port", 0, 65535).Flags(kImmutable).Todo(),
      Int<&C::cluster_replica_validity_factor>("cluster-replica-validity-factor", 0, kIntMax)
          .Alias("cluster-slave-validity-factor").Todo(),
      Int<&C::cluster_migration_barrier>("cluster-migration-barrier", 0, kIntMax).Todo(),
      Bool<&C::cluster_allow_replica_migration>("cluster-allow-replica-migration").Todo(),
      Bool<&C::cluster_require_full_coverage>("cluster-require-full-coverage").Todo(),
      Bool<&C::cluster_replica_no_failover>("cluster-replica-no-failover")
          .Alias("cluster-slave-no-failover").Todo(),
      Bool<&C::cluster_allow_reads_when_down>("cluster-allow-reads-when-down").Todo(),
      Bool<&C::cluster_allow_pubsubshard_when_down>("cluster-allow-pubsubshard-when-down")
          .Todo(),
      String("cluster-announce-ip", &C::cluster_announce_ip).Null().Todo(),
      String("cluster-announce-hostname", &C::cluster_announce_hostname).Null()
          .Check(AnnouncedHostname).Todo(),
      Int<&C::cluster_announce_port>("cluster-announce-port", 0, 65535).Todo(),
      Int<&C::cluster_announce_bus_port>("cluster-announce-bus-port", 0, 65535).Todo(),
      Int<&C::cluster_announce_tls_port>("cluster-announce-tls-port", 0, 65535).Todo(),
      Enum<&C::cluster_preferred_endpoint_type>("cluster-preferred-endpoint-type",
                                                kClusterEndpointTypeNames)
          .Todo(),
      Memory<&C::cluster_link_sendbuf_limit>("cluster-link-sendbuf-limit", 0, kULongLongMax)
          .Unsigned().Todo(),

      // ---- TLS
      Int<&C::tls_port>("tls-port", 0, 65535).Todo(),
      String("tls-cert-file", &C::tls_cert_file).Null().Flags(kVolatile).Todo(),
      String("tls-key-file", &C::tls_key_file).Null().Flags(kVolatile).Todo(),
      String("tls-key-file-pass", &C::tls_key_file_pass).Null().Todo(),
      String("tls-client-cert-file", &C::tls_client_cert_file).Null().Flags(kVolatile).Todo(),
      String("tls-client-key-file", &C::tls_client_key_file).Null().Flags(kVolatile).Todo(),
      String("tls-client-key-file-pass", &C::tls_client_key_file_pass).Null().Todo(),
      String("tls-dh-params-file", &C::tls_dh_params_file).Null().Flags(kVolatile).Todo(),
      String("tls-ca-cert-file", &C::tls_ca_cert_file).Null().Flags(kVolatile).Todo(),
      String("tls-ca-cert-dir", &C::tls_ca_cert_dir).Null().Flags(kVolatile).Todo(),
      String("tls-protocols", &C::tls_protocols).Null().Todo(),
      String("tls-ciphers", &C::tls_ciphers).Null().Todo(),
      String("tls-ciphersuites", &C::tls_ciphersuites).Null().Todo(),
      Enum<&C::tls_auth_clients>("tls-auth-clients", kTlsAuthClientsNames).Todo(),
      Bool<&C::tls_replication>("tls-replication").Todo(),
      Bool<&C::tls_cluster>("tls-cluster").Todo(),
      Bool<&C::tls_prefer_server_ciphers>("tls-prefer-server-ciphers").Todo(),
      Bool<&C::tls_session_caching>("tls-session-caching").Todo(),
      Int<&C::tls_session_cache_size>("tls-session-cache-size", 0, kIntMax).Todo(),
      Int<&C::tls_session_cache_timeout>("tls-session-cache-timeout", 0, kIntMax).Todo(),
  };
}
// clang-format on

}  // namespace

std::span<const ConfigDef> ConfigDirectives() {
  static const std::vector<ConfigDef> table = BuildTable();
  return table;
}

std::span<const ConfigName> ConfigNames() {
  static const std::vector<ConfigName> names = [] {
    std::vector<ConfigName> out;
    std::span<const ConfigDef> defs = ConfigDirectives();
    for (size_t i = 0; i < defs.size(); ++i) {
      out.push_back({defs[i].name, &defs[i], i, false});
      if (!defs[i].alias.empty()) out.push_back({defs[i].alias, &defs[i], i, true});
    }
    std::sort(out.begin(), out.end(),
              [](const ConfigName& a, const ConfigName& b) { return a.name < b.name; });
    return out;
  }();
  return names;
}

const ConfigName* FindConfigName(std::string_view name) {
  // Every directive name is lower case ASCII and short.
  char lower[64];
  if (name.size() > sizeof(lower)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) lower[i] = base::AsciiLower(name[i]);
  const std::string_view key(lower, name.size());
  std::span<const ConfigName> names = ConfigNames();
  auto it = std::lower_bound(names.begin(), names.end(), key,
                             [](const ConfigName& a, std::string_view k) { return a.name < k; });
  if (it == names.end() || it->name != key) return nullptr;
  return &*it;
}

}  // namespace osprey::server
