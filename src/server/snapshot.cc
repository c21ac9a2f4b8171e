#include "server/snapshot.h"

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include <string>

#include "base/memory_stats.h"
#include "persistence/rdb_file.h"
#include "persistence/snapshot_writers.h"
#include "server/background_save.h"
#include "server/aof_service.h"
#include "protocol/reply_errors.h"
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

// The temporary file of a BGSAVE (a SAVE, which may run meanwhile, uses
// another: SaveTempPath).
std::string BgsaveTempPath() {
  return "temp-bgsave-" + std::to_string(static_cast<int>(getpid())) + ".rdb";
}

// Runs before each key of a SAVE: rdb-key-save-delay (a test knob that
// Redis applies to every save) and, every so many keys or at each delayed
// one, the signals that arrived meanwhile (a second SIGINT must end a long
// shutdown save at once).
class SaveKeyPacer {
 public:
  explicit SaveKeyPacer(Server* server) : server_(server) {}
  void operator()() {
    const int delay = server_->config().rdb_key_save_delay;
    DelayPerKey(delay);
    if (delay != 0 || ++keys_ % kSignalCheckKeys == 0) server_->PollSignals();
  }

 private:
  static constexpr uint64_t kSignalCheckKeys = 1024;
  Server* server_;
  uint64_t keys_ = 0;
};

}  // namespace

std::string SaveTempPath() { return "temp-" + std::to_string(static_cast<int>(getpid())) + ".rdb"; }

void DelayPerKey(int delay) {
  if (delay > 0) {
    usleep(static_cast<useconds_t>(delay));
  } else if (delay < 0) {
    const timespec ts{0, static_cast<long>(-int64_t{delay})};
    nanosleep(&ts, nullptr);
  }
}

persistence::RdbSaveOptions SnapshotSaveOptions(Server& server, bool aof_base) {
  const ServerConfig& cfg = server.config();
  const int64_t now_ms = server.clock().NowMillis();
  persistence::RdbSaveOptions opts;
  opts.compress = cfg.rdbcompression;
  opts.checksum = cfg.rdbchecksum;
  opts.access_info = AccessInfoFor(cfg.maxmemory_policy);
  opts.lfu_params = server.keyspace().lfu_params();
  opts.now_ms = now_ms;
  // The AUX fields Redis 7.0 writes.
  opts.aux = {{"redis-ver", kRedisCompatVersion},
              {"redis-bits", "64"},
              {"ctime", std::to_string(now_ms / 1000)},
              {"used-mem", std::to_string(base::UsedMemory())},
              {"aof-base", aof_base ? "1" : "0"}};
  return opts;
}

base::Status SaveSnapshot(Server& server) {
  const ServerConfig& cfg = server.config();
  persistence::RdbSaveOptions opts = SnapshotSaveOptions(server, /*aof_base=*/false);
  opts.before_key = SaveKeyPacer(&server);
  const int64_t now_ms = opts.now_ms;
  base::Status st =
      persistence::SaveRdbFile(cfg.dbfilename, SaveTempPath(), server.keyspace(), opts);
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

namespace {

// The start-up load reports its progress (the server serves clients
// between pieces of it) and each key (key-load-delay).
class StartupLoadProgress final : public persistence::RdbLoadObserver {
 public:
  explicit StartupLoadProgress(Server* server) : server_(server) {}
  void OnType(size_t offset, uint8_t) override { server_->LoadingProgress(offset); }
  void OnValue(int64_t) override { server_->LoadingKeyDelay(); }

 private:
  Server* server_;
};

base::Status LoadSnapshotFile(Server& server, bool replace_existing, bool at_startup) {
  const ServerConfig& cfg = server.config();
  persistence::RdbLoadOptions opts;
  StartupLoadProgress progress(&server);
  if (at_startup) {
    struct stat st;
    if (stat(cfg.dbfilename.c_str(), &st) != 0) {
      return base::Status::NotFound(cfg.dbfilename + ": no such file");
    }
    opts.observer = &progress;
    server.StartLoading(static_cast<uint64_t>(st.st_size));
  }
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
  server.StopLoading();
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

}  // namespace

base::Status LoadSnapshot(Server& server, bool replace_existing) {
  return LoadSnapshotFile(server, replace_existing, /*at_startup=*/false);
}

base::Status LoadSnapshotAtStartup(Server& server) {
  const int64_t start = server.clock().MonotonicMicros();
  base::Status st = LoadSnapshotFile(server, /*replace_existing=*/false, /*at_startup=*/true);
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

base::Status StartBackgroundSave(Server& server) {
  BackgroundSave& bg = server.background_save();
  if (bg.running()) return base::Status::Internal("a background save is running");
  ServerStats& stats = server.stats();
  stats.last_bgsave_try_ms = server.clock().NowMillis();
  stats.bgsave_scheduled = false;
  const persistence::RdbSaveOptions opts = SnapshotSaveOptions(server, /*aof_base=*/false);
  const int version = persistence::DatasetRdbVersion(server.keyspace());
  const uint64_t dirty_at_start = stats.dirty;
  const int64_t start_ms = opts.now_ms;
  Server* srv = &server;
  base::Status st = bg.Start(
      BackgroundSave::Kind::kRdb, server.config().dbfilename,
      BgsaveTempPath(),
      [&opts, version](persistence::BackgroundFileSink* sink) {
        return std::make_unique<persistence::RdbSnapshotWriter>(sink, opts, version);
      },
      [srv, dirty_at_start, start_ms](const base::Status& result) {
        ServerStats& s = srv->stats();
        base::Logger& log = srv->logger();
        const int64_t now_ms = srv->clock().NowMillis();
        s.rdb_last_bgsave_time_sec = (now_ms - start_ms) / 1000;
        if (result.ok()) {
          log.Log(base::LogLevel::kNotice, "DB saved on disk");
          log.Log(base::LogLevel::kNotice, "Background saving terminated with success");
          s.dirty = s.dirty > dirty_at_start ? s.dirty - dirty_at_start : 0;
          s.lastsave_ms = now_ms;
          s.last_save_ok = true;
        } else {
          log.Log(base::LogLevel::kWarning, "%s", std::string(result.message()).c_str());
          log.Log(base::LogLevel::kWarning, "Background saving error");
          s.last_save_ok = false;
        }
      });
  if (!st.ok()) {
    server.logger().Log(base::LogLevel::kWarning, "Can't save in background: %s",
                        std::string(st.message()).c_str());
    stats.last_save_ok = false;
    return st;
  }
  stats.dirty_before_bgsave = dirty_at_start;
  server.logger().Log(base::LogLevel::kNotice, "Background saving started");
  return st;
}

void AbortBackgroundSave(Server& server) {
  BackgroundSave& bg = server.background_save();
  if (!bg.running() || bg.kind() != BackgroundSave::Kind::kRdb) return;
  bg.Abort();
  server.logger().Log(base::LogLevel::kWarning,
                      "Background saving terminated: the save was aborted");
}

bool WritesDeniedByDiskError(Server& server, std::string* error) {
  const ServerConfig& cfg = server.config();
  if (cfg.stop_writes_on_bgsave_error && !cfg.save.empty() && !server.stats().last_save_ok) {
    *error = protocol::ErrorText(protocol::ErrorCode::kMisconf);
    return true;
  }
  if (server.aof().on() && server.aof().write_failed()) {
    *error = "MISCONF Errors writing to the AOF file: " + server.aof().write_error();
    return true;
  }
  return false;
}

void SavePointsCron(Server& server) {
  if (server.background_save().running()) return;
  const ServerConfig& cfg = server.config();
  ServerStats& stats = server.stats();
  const int64_t now_ms = server.clock().NowMillis();
  // After a failed save, wait a few seconds before the next try, as Redis.
  const bool may_retry = stats.last_save_ok || now_ms - stats.last_bgsave_try_ms > 5000;
  if (stats.bgsave_scheduled && may_retry) {
    (void)StartBackgroundSave(server);
    return;
  }
  const int64_t lastsave_ms = stats.lastsave_ms != 0 ? stats.lastsave_ms : stats.start_time_ms;
  for (const SavePoint& sp : cfg.save) {
    if (stats.dirty >= static_cast<uint64_t>(sp.changes) &&
        now_ms - lastsave_ms > sp.seconds * 1000 && may_retry) {
      server.logger().Log(base::LogLevel::kNotice, "%d changes in %d seconds. Saving...",
                          static_cast<int>(sp.changes), static_cast<int>(sp.seconds));
      (void)StartBackgroundSave(server);
      return;
    }
  }
}

bool SaveBeforeExit(Server& server, uint32_t flags) {
  if (server.background_save().running()) {
    if (server.background_save().kind() == BackgroundSave::Kind::kRdb) {
      server.logger().Log(base::LogLevel::kWarning,
                          "There is a background save running. Stopping it!");
      server.background_save().Abort();
    } else {
      server.logger().Log(base::LogLevel::kWarning,
                          "There is a background AOF rewrite running. Stopping it!");
      server.aof().StopRewrite();
    }
  }
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
