#include "server/snapshot.h"

#include <unistd.h>

#include <string>

#include "base/memory_stats.h"
#include "persistence/rdb_file.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/version.h"

namespace osprey::server {

namespace {

persistence::RdbSaveOptions::AccessInfo AccessInfoFor(MaxmemoryPolicy p) {
  switch (p) {
    case MaxmemoryPolicy::kVolatileLru:
    case MaxmemoryPolicy::kAllkeysLru:
      return persistence::RdbSaveOptions::AccessInfo::kLru;
    case MaxmemoryPolicy::kVolatileLfu:
    case MaxmemoryPolicy::kAllkeysLfu:
      return persistence::RdbSaveOptions::AccessInfo::kLfu;
    default:
      return persistence::RdbSaveOptions::AccessInfo::kNone;
  }
}

}  // namespace

base::Status SaveSnapshot(Server& server) {
  const ServerConfig& cfg = server.config();
  const int64_t now_ms = server.clock().NowMillis();
  persistence::RdbSaveOptions opts;
  opts.compress = cfg.rdbcompression;
  opts.checksum = cfg.rdbchecksum;
  opts.access_info = AccessInfoFor(cfg.maxmemory_policy);
  opts.lfu_params = server.keyspace().lfu_params();
  opts.now_ms = now_ms;
  // The AUX fields Redis 7.0 writes for a plain save.
  opts.aux = {{"redis-ver", kRedisCompatVersion},
              {"redis-bits", "64"},
              {"ctime", std::to_string(now_ms / 1000)},
              {"used-mem", std::to_string(base::UsedMemory())},
              {"aof-base", "0"}};
  const std::string temp = "temp-" + std::to_string(static_cast<int>(getpid())) + ".rdb";
  base::Status st = persistence::SaveRdbFile(cfg.dbfilename, temp, server.keyspace(), opts);
  if (!st.ok()) {
    server.logger().Log(base::LogLevel::kWarning, "%s", std::string(st.message()).c_str());
    return st;
  }
  server.logger().Log(base::LogLevel::kNotice, "DB saved on disk");
  ServerStats& stats = server.stats();
  stats.dirty = 0;
  stats.lastsave_ms = now_ms;
  stats.last_save_ok = true;
  return st;
}

base::Status LoadSnapshot(Server& server, bool replace_existing) {
  const ServerConfig& cfg = server.config();
  persistence::RdbLoadOptions opts;
  opts.verify_checksum = cfg.rdbchecksum && !server.debug.skip_checksum_validation;
  opts.now_ms = server.clock().NowMillis();
  opts.lfu = server.keyspace().lfu();
  opts.replace_existing = replace_existing;
  persistence::RdbLoadStats stats;
  base::Status st = persistence::LoadRdbFile(cfg.dbfilename, server.keyspace(),
                                             server.engine_config(), opts, &stats);
  base::Logger& log = server.logger();
  for (const auto& [name, value] : stats.aux) {
    if (name == "redis-ver") {
      log.Log(base::LogLevel::kNotice, "Loading RDB produced by version %s", value.c_str());
    } else if (name == "ctime") {
      const long long age = opts.now_ms / 1000 - std::atoll(value.c_str());
      log.Log(base::LogLevel::kNotice, "RDB age %lld seconds", age < 0 ? 0 : age);
    } else if (name == "used-mem") {
      log.Log(base::LogLevel::kNotice, "RDB memory usage when created %.2f Mb",
              static_cast<double>(std::atoll(value.c_str())) / (1024 * 1024));
    }
  }
  for (const std::string& key : stats.empty_keys) {
    log.Log(base::LogLevel::kWarning, "RDB load skipping empty key: %s", key.c_str());
  }
  if (!st.ok()) return st;
  server.stats().rdb_last_load_keys_loaded = stats.keys_loaded;
  server.stats().rdb_last_load_keys_expired = stats.keys_expired;
  if (stats.empty_keys_skipped > 0) {
    log.Log(base::LogLevel::kWarning,
            "Done loading RDB, keys loaded: %llu, keys expired: %llu, empty keys skipped: %llu.",
            static_cast<unsigned long long>(stats.keys_loaded),
            static_cast<unsigned long long>(stats.keys_expired),
            static_cast<unsigned long long>(stats.empty_keys_skipped));
  } else {
    log.Log(base::LogLevel::kNotice, "Done loading RDB, keys loaded: %llu, keys expired: %llu.",
            static_cast<unsigned long long>(stats.keys_loaded),
            static_cast<unsigned long long>(stats.keys_expired));
  }
  return st;
}

base::Status LoadSnapshotAtStartup(Server& server) {
  const int64_t start = server.clock().MonotonicMicros();
  base::Status st = LoadSnapshot(server, /*replace_existing=*/false);
  if (st.code() == base::StatusCode::kNotFound) return base::Status::Ok();
  if (!st.ok()) {
    base::Logger& log = server.logger();
    log.Log(base::LogLevel::kWarning, "%s", std::string(st.message()).c_str());
    if (st.code() == base::StatusCode::kCorruption) {
      log.Log(base::LogLevel::kWarning, "Terminating server after rdb file reading failure.");
    }
    return st;
  }
  server.logger().Log(base::LogLevel::kNotice, "DB loaded from disk: %.3f seconds",
                      static_cast<double>(server.clock().MonotonicMicros() - start) / 1e6);
  return st;
}

bool SaveBeforeExit(Server& server, uint32_t flags) {
  const bool save = (flags & kShutdownSave) != 0 ||
                    ((flags & kShutdownNoSave) == 0 && !server.config().save.empty());
  if (!save) return true;
  base::Logger& log = server.logger();
  log.Log(base::LogLevel::kNotice, "Saving the final RDB snapshot before exiting.");
  if (SaveSnapshot(server).ok()) return true;
  if ((flags & kShutdownForce) != 0) {
    log.Log(base::LogLevel::kWarning, "Error trying to save the DB. Exit anyway.");
    return true;
  }
  log.Log(base::LogLevel::kWarning, "Error trying to save the DB, can't exit.");
  log.Log(base::LogLevel::kWarning,
          "Errors trying to shut down the server. Check the logs for more information.");
  return false;
}

}  // namespace osprey::server
