#include "server/aof_service.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/memory_stats.h"
#include "keyspace/keyspace.h"
#include "persistence/aof_format.h"
#include "persistence/background_file.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"
#include "persistence/snapshot_writers.h"
#include "server/client.h"
#include "server/config_registry.h"
#include "server/dispatcher.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/snapshot.h"
#include "server/version.h"

namespace osprey::server {

namespace {

using persistence::AofFileInfo;

base::Status ReadWholeFile(const std::string& path, std::string* out, bool* missing) {
  *missing = false;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *missing = errno == ENOENT;
    return base::Status::IoError("Can't open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = std::move(ss).str();
  return base::Status::Ok();
}

// Writes `data` to `path` through a temporary file, fsynced, then renamed,
// so a crash leaves the old file or the new one, never half of one.
base::Status WriteFileAtomically(const std::string& path, std::string_view data) {
  const std::string temp = path + ".tmp";
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return base::Status::IoError("Can't open " + temp + ": " + std::strerror(errno));
  if (!persistence::WriteFully(fd, data)) {
    const std::string err = std::strerror(errno);
    close(fd);
    unlink(temp.c_str());
    return base::Status::IoError("Error writing " + temp + ": " + err);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    unlink(temp.c_str());
    return base::Status::IoError("Error syncing " + temp + ": " + std::strerror(errno));
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    unlink(temp.c_str());
    return base::Status::IoError("Error renaming " + temp + ": " + std::strerror(errno));
  }
  return base::Status::Ok();
}

}  // namespace

AofService::AofService(Server* server) : server_(server) {}

AofService::~AofService() {
  StopSyncThread();
  CloseFd();
}

std::string AofService::DirPath() const {
  const ServerConfig& cfg = server_->config();
  return cfg.appenddirname;  // relative to `dir`, the working directory
}

std::string AofService::PathOf(std::string_view name) const {
  return DirPath() + "/" + std::string(name);
}

void AofService::RegisterConfigHooks() {
  server_->config_registry().AddApplyHook({"appendonly"}, [this](const ServerConfig& c) {
    if (c.appendonly == on()) return base::Status::Ok();
    if (!c.appendonly) {
      Disable();
      return base::Status::Ok();
    }
    return Enable();
  });
  // Turning aof-disable-auto-gc off deletes the history kept meanwhile.
  server_->config_registry().AddApplyHook({"aof-disable-auto-gc"}, [this](const ServerConfig& c) {
    if (!c.aof_disable_auto_gc) DeleteHistory();
    return base::Status::Ok();
  });
}

// ---------------------------------------------------------------- loading

base::Status AofService::Load(bool* found) {
  *found = false;
  const std::string& filename = server_->config().appendfilename;
  const std::string manifest_name = persistence::AofManifestFileName(filename);
  std::string text;
  bool missing = false;
  manifest_ = persistence::AofManifest();
  if (ReadWholeFile(PathOf(manifest_name), &text, &missing).ok()) {
    auto parsed = persistence::AofManifest::Parse(text);
    if (!parsed.ok()) return parsed.status();
    manifest_ = std::move(parsed).value();
  } else if (!missing) {
    return base::Status::IoError("Can't open the AOF manifest " + manifest_name);
  }
  OSPREY_RETURN_IF_ERROR(UpgradeOldStyleFile());
  if (!manifest_.base && manifest_.incrs.empty()) return base::Status::Ok();
  *found = true;
  base::Logger& log = server_->logger();
  server_->propagation().set_paused(true);
  loading_ = true;
  base::Status st = base::Status::Ok();
  const size_t total = (manifest_.base ? 1 : 0) + manifest_.incrs.size();
  size_t n = 0;
  if (manifest_.base) st = LoadFile(*manifest_.base, ++n == total);
  for (size_t i = 0; st.ok() && i < manifest_.incrs.size(); ++i) {
    st = LoadFile(manifest_.incrs[i], ++n == total);
  }
  loading_ = false;
  server_->propagation().set_paused(false);
  if (st.ok()) {
    log.Log(base::LogLevel::kNotice, "DB loaded from append only file");
  }
  return st;
}

// A single appendonly.aof in `dir` (Redis before 7.0) becomes the base of
// a manifest in appenddirname, moved there, as Redis 7 upgrades it: when
// there is no AOF directory or manifest yet, or a manifest left by an
// interrupted upgrade that names only that file, not moved yet.
base::Status AofService::UpgradeOldStyleFile() {
  const std::string& filename = server_->config().appendfilename;
  struct stat st;
  if (stat(filename.c_str(), &st) != 0) return base::Status::Ok();
  const bool dir_exists = stat(DirPath().c_str(), &st) == 0;
  const bool empty = !manifest_.base && manifest_.incrs.empty();
  const bool interrupted = manifest_.base && manifest_.incrs.empty() &&
                           manifest_.base->name == filename &&
                           stat(PathOf(filename).c_str(), &st) != 0;
  if (dir_exists && !empty && !interrupted) return base::Status::Ok();
  if (mkdir(DirPath().c_str(), 0755) != 0 && errno != EEXIST) {
    return base::Status::IoError("Can't open or create append-only dir " + DirPath() + ": " +
                                 std::strerror(errno));
  }
  manifest_ = persistence::AofManifest();
  manifest_.base = AofFileInfo{filename, 1, 'b'};
  manifest_.base_seq = 1;
  OSPREY_RETURN_IF_ERROR(PersistManifest());
  if (rename(filename.c_str(), PathOf(filename).c_str()) != 0) {
    return base::Status::IoError("Error trying to move the old AOF file " + filename +
                                 " into dir " + DirPath() + ": " + std::strerror(errno));
  }
  server_->logger().Log(base::LogLevel::kNotice,
                        "Successfully migrated an old-style AOF file (%s) into the AOF directory "
                        "(%s).",
                        filename.c_str(), DirPath().c_str());
  return base::Status::Ok();
}

base::Status AofService::LoadFile(const AofFileInfo& f, bool last) {
  std::string data;
  bool missing = false;
  base::Logger& log = server_->logger();
  if (!ReadWholeFile(PathOf(f.name), &data, &missing).ok()) {
    const std::string err = std::strerror(errno);
    if (missing) {
      log.Log(base::LogLevel::kWarning, "The append log file %s doesn't exist: %s",
              f.name.c_str(), err.c_str());
    } else {
      log.Log(base::LogLevel::kWarning,
              "Fatal error: can't open the append log file %s for reading: %s", f.name.c_str(),
              err.c_str());
    }
    return base::Status::IoError("can't read the append log file " + f.name + ": " + err);
  }
  // Progress of a start-up load counts the bytes of all files so far.
  const uint64_t file_start = loaded_bytes_;
  loaded_bytes_ += data.size();
  if (data.empty()) return base::Status::Ok();
  std::string_view rest = data;
  if (rest.starts_with("REDIS")) {
    // An RDB base (or a preamble): the data set, then possibly commands.
    log.Log(base::LogLevel::kNotice, "Reading RDB base file on AOF loading...");
    persistence::RdbLoadOptions opts;
    opts.verify_checksum = server_->config().rdbchecksum;
    opts.now_ms = server_->clock().NowMillis();
    opts.lfu = server_->keyspace().lfu();
    persistence::RdbLoadStats stats;
    // An old-style file may carry commands after its RDB preamble.
    const size_t end = persistence::FindRdbPreambleEnd(rest);
    const std::string_view image = end == std::string_view::npos ? rest : rest.substr(0, end);
    base::Status st = persistence::LoadDataset(image, server_->keyspace(),
                                               server_->engine_config(), opts, &stats);
    if (!st.ok()) {
      log.Log(base::LogLevel::kWarning, "Error reading the RDB base file %s, AOF loading aborted",
              f.name.c_str());
      return base::Status::Corruption("Error reading the RDB base file " + f.name + ": " +
                                      std::string(st.message()));
    }
    if (image.size() == rest.size()) return base::Status::Ok();
    rest.remove_prefix(image.size());
  }
  const size_t skipped = data.size() - rest.size();
  replay_base_ = file_start + skipped;
  size_t valid_up_to = 0;
  bool truncated = false;
  OSPREY_RETURN_IF_ERROR(ReplayCommands(f.name, rest, last, &valid_up_to, &truncated));
  valid_up_to += skipped;
  if (truncated && truncate(PathOf(f.name).c_str(), static_cast<off_t>(valid_up_to)) != 0) {
    return base::Status::IoError("Error truncating the AOF file " + f.name + ": " +
                                 std::strerror(errno));
  }
  log.Log(base::LogLevel::kNotice, "DB loaded from %s file %s", f.type == 'b' ? "base" : "incr",
          f.name.c_str());
  return base::Status::Ok();
}

base::Status AofService::ReplayCommands(std::string_view name, std::string_view data, bool last,
                                        size_t* valid_up_to, bool* truncated) {
  const std::string file(name);
  base::Logger& log = server_->logger();
  Client* c = server_->CreateClient(-1, net::PeerAddress{}, false);
  c->authenticated = true;
  c->set(kClientReplyOff);
  c->reply().set_muted(true);
  // As Redis loads: keys whose time passed stay until loading ends (a later
  // command may still change them), and expire times in the past are set.
  keyspace::Keyspace& ks = server_->keyspace();
  const keyspace::ExpirePolicy policy = ks.expire_policy();
  ks.set_expire_policy(keyspace::ExpirePolicy::kKeep);
  server_->dispatcher().set_loading(true);
  persistence::AofParser parser(data);
  std::vector<std::string_view> args;
  size_t before_multi = 0;
  base::Status st = base::Status::Ok();
  bool torn = false;
  for (;;) {
    const persistence::AofParse r = parser.Next(&args);
    if (r == persistence::AofParse::kEnd) break;
    if (r == persistence::AofParse::kTruncated) {
      torn = true;
      *valid_up_to = parser.command_offset();
      break;
    }
    if (r == persistence::AofParse::kBadFormat) {
      log.Log(base::LogLevel::kWarning,
              "Bad file format reading the append only file %s: make a backup of your AOF "
              "file, then use ./redis-check-aof --fix <filename.manifest>",
              file.c_str());
      st = base::Status::Corruption("Bad file format reading the append only file " + file +
                                    " at offset " + std::to_string(parser.error_offset()));
      break;
    }
    if (startup_load_) {
      server_->LoadingKeyDelay();
      server_->LoadingProgress(replay_base_ + parser.command_offset());
    }
    const commands::CommandDef* cmd = server_->command_table().Lookup(args);
    if (cmd == nullptr) {
      log.Log(base::LogLevel::kWarning, "Unknown command '%s' reading the append only file %s",
              std::string(args[0]).c_str(), file.c_str());
      st = base::Status::Corruption("Unknown command '" + std::string(args[0]) +
                                    "' reading the append only file " + file);
      break;
    }
    if (std::string_view(cmd->fullname) == "multi" && !c->has(kClientMulti)) {
      before_multi = parser.command_offset();
    }
    server_->dispatcher().ProcessRequest(*c, args);
    c->reply().set_muted(true);
  }
  if (st.ok() && !torn && c->has(kClientMulti)) {
    log.Log(base::LogLevel::kWarning, "Revert incomplete MULTI/EXEC transaction in AOF file %s",
            file.c_str());
    torn = true;
    *valid_up_to = before_multi;
  }
  if (c->has(kClientMulti)) server_->DiscardTransaction(*c);
  server_->dispatcher().set_loading(false);
  ks.set_expire_policy(policy);
  server_->CloseClientAsync(c);
  if (!st.ok() || !torn) return st;
  if (last && server_->config().aof_load_truncated) {
    log.Log(base::LogLevel::kWarning, "!!! Warning: short read while loading the AOF file %s!!!",
            file.c_str());
    log.Log(base::LogLevel::kWarning, "!!! Truncating the AOF %s at offset %llu !!!",
            file.c_str(), static_cast<unsigned long long>(*valid_up_to));
    log.Log(base::LogLevel::kWarning,
            "AOF %s loaded anyway because aof-load-truncated is enabled", file.c_str());
    *truncated = true;
    return base::Status::Ok();
  }
  if (!last) {
    log.Log(base::LogLevel::kWarning, "Fatal error: the truncated file is not the last file");
    return base::Status::Corruption("the truncated AOF file " + file + " is not the last file");
  }
  log.Log(base::LogLevel::kWarning,
          "Unexpected end of file reading the append only file %s. You can: 1) Make a backup "
          "of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) "
          "Alternatively you can set the 'aof-load-truncated' configuration option to yes and "
          "restart the server.",
          file.c_str());
  return base::Status::Corruption("Unexpected end of file reading the append only file " + file +
                                  " at offset " + std::to_string(*valid_up_to));
}

base::Status AofService::LoadAndOpenAtStartup() {
  bool found = false;
  startup_load_ = true;
  loaded_bytes_ = 0;
  server_->StartLoading(0);
  base::Status loaded = Load(&found);
  server_->StopLoading();
  startup_load_ = false;
  OSPREY_RETURN_IF_ERROR(loaded);
  if (mkdir(DirPath().c_str(), 0755) != 0 && errno != EEXIST) {
    return base::Status::IoError("Can't open or create append-only dir " + DirPath() + ": " +
                                 std::strerror(errno));
  }
  base::Logger& log = server_->logger();
  if (!manifest_.base && manifest_.incrs.empty()) {
    // Nothing yet: the first base holds the (empty) data set.
    manifest_.base = AofFileInfo{
        persistence::AofBaseFileName(server_->config().appendfilename, ++manifest_.base_seq,
                                     server_->config().aof_use_rdb_preamble),
        manifest_.base_seq, 'b'};
    OSPREY_RETURN_IF_ERROR(WriteBaseNow(PathOf(manifest_.base->name)));
    log.Log(base::LogLevel::kNotice, "Creating AOF base file %s on server start",
            manifest_.base->name.c_str());
  }
  const bool had_incr = !manifest_.incrs.empty();
  if (!had_incr) {
    manifest_.incrs.push_back(AofFileInfo{
        persistence::AofIncrFileName(server_->config().appendfilename, ++manifest_.incr_seq),
        manifest_.incr_seq, 'i'});
  }
  OSPREY_RETURN_IF_ERROR(OpenIncr(manifest_.incrs.back().name));
  OSPREY_RETURN_IF_ERROR(PersistManifest());
  DeleteHistory();  // left by a run with aof-disable-auto-gc, or cut short
  // As in Redis, growth for auto-aof-rewrite-percentage counts from the
  // size the AOF had when the server started.
  base_size_ = 0;
  incr_size_ = 0;
  struct stat st;
  // A manifest may name incr files only (no base).
  if (manifest_.base && stat(PathOf(manifest_.base->name).c_str(), &st) == 0) {
    base_size_ += st.st_size;
  }
  for (const auto& f : manifest_.incrs) {
    if (stat(PathOf(f.name).c_str(), &st) == 0) base_size_ += st.st_size;
  }
  log.Log(base::LogLevel::kNotice, "%s AOF incr file %s on server start",
          had_incr ? "Opening" : "Creating", manifest_.incrs.back().name.c_str());
  server_->propagation().AddSink(this);
  StartSyncThread();
  return base::Status::Ok();
}

// ---------------------------------------------------------------- files

// Writes the data set as it is now into `path` as a base (RDB image, or
// commands with aof-use-rdb-preamble no) through `temp`, on the background
// save's machinery; `done` hears how it went.
base::Status AofService::StartBaseWrite(const std::string& path, const std::string& temp,
                                        BackgroundSave::DoneFn done) {
  const ServerConfig& cfg = server_->config();
  const bool rdb = cfg.aof_use_rdb_preamble;
  const persistence::RdbSaveOptions opts = SnapshotSaveOptions(*server_, /*aof_base=*/true);
  const int version = persistence::DatasetRdbVersion(server_->keyspace());
  const bool timestamp = cfg.aof_timestamp_enabled;
  const int64_t now_sec = server_->now_ms() / 1000;
  return server_->background_save().Start(
      BackgroundSave::Kind::kAofRewrite, path, temp,
      [&](persistence::BackgroundFileSink* sink) -> std::unique_ptr<persistence::SnapshotWriter> {
        if (rdb) return std::make_unique<persistence::RdbSnapshotWriter>(sink, opts, version);
        if (timestamp) {
          // A base of commands starts with the time it was taken, as in Redis.
          std::string ts;
          persistence::AppendAofTimestamp(ts, now_sec);
          sink->Append(ts.data(), ts.size());
        }
        return std::make_unique<persistence::AofSnapshotWriter>(sink);
      },
      std::move(done));
}

base::Status AofService::WriteBaseNow(const std::string& path) {
  base::Status result = base::Status::Internal("the base write did not end");
  OSPREY_RETURN_IF_ERROR(StartBaseWrite(path, PathOf(RewriteTempName()),
                                        [&result](const base::Status& st) { result = st; }));
  server_->background_save().FinishNow();
  return result;  // the start-up measures the files afterwards
}

std::string AofService::RewriteTempName() const {
  return "temp-rewriteaof-bg-" + std::to_string(static_cast<int>(getpid())) + ".aof";
}

base::Status AofService::PersistManifest() {
  return WriteFileAtomically(
      PathOf(persistence::AofManifestFileName(server_->config().appendfilename)),
      manifest_.Encode());
}

base::Status AofService::OpenIncr(const std::string& name) {
  const int fd = open(PathOf(name).c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0) {
    return base::Status::IoError("Can't open the append-only file " + name + ": " +
                                 std::strerror(errno));
  }
  CloseFd();
  std::lock_guard<std::mutex> lock(mu_);
  fd_ = fd;
  selected_db_ = -1;
  last_ts_ = -1;
  return base::Status::Ok();
}

void AofService::CloseFd() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) {
    fsync(fd_);
    close(fd_);
  }
  fd_ = -1;
  unsynced_ = false;
}

// ---------------------------------------------------------------- runtime

base::Status AofService::Enable() {
  if (mkdir(DirPath().c_str(), 0755) != 0 && errno != EEXIST) {
    return base::Status::IoError("Can't open or create append-only dir " + DirPath());
  }
  // Files from an earlier run describe an older data set: the rewrite
  // replaces them (they become history and are deleted).
  bool missing = false;
  std::string text;
  if (ReadWholeFile(PathOf(persistence::AofManifestFileName(server_->config().appendfilename)),
                    &text, &missing)
          .ok()) {
    auto parsed = persistence::AofManifest::Parse(text);
    if (parsed.ok()) manifest_ = std::move(parsed).value();
  }
  if (server_->background_save().running()) {
    // A BGSAVE runs: the rewrite that turns the AOF on waits for it.
    if (server_->background_save().kind() == BackgroundSave::Kind::kAofRewrite) {
      server_->background_save().Abort();
      AbandonRewrite();
    } else {
      rewrite_scheduled_ = true;
      enable_pending_ = true;
      return base::Status::Ok();
    }
  }
  enabling_ = true;
  base::Status st = StartRewrite();
  if (!st.ok()) {
    enabling_ = false;
    return st;
  }
  return st;
}

void AofService::StopRewrite() {
  if (!rewrite_in_progress()) return;
  // Redis names the child it kills here; log readers look for these words.
  server_->logger().Log(base::LogLevel::kNotice,
                        "Killing running AOF rewrite (no child process: it runs in-process)");
  server_->background_save().Abort();
  AbandonRewrite();
}

void AofService::Disable() {
  StopRewrite();
  rewrite_scheduled_ = false;
  enable_pending_ = false;
  FlushAndSync();
  StopSyncThread();
  CloseFd();
  server_->propagation().RemoveSink(this);
  buf_.clear();
  enabling_ = false;
  server_->logger().Log(base::LogLevel::kNotice, "AOF disabled");
}

bool AofService::rewrite_in_progress() const {
  return server_->background_save().running() &&
         server_->background_save().kind() == BackgroundSave::Kind::kAofRewrite;
}

base::Status AofService::StartRewrite() {
  BackgroundSave& bg = server_->background_save();
  if (bg.running()) {
    return base::Status::Internal(bg.kind() == BackgroundSave::Kind::kAofRewrite
                                      ? "Background append only file rewriting already in progress"
                                      : "a background save is running");
  }
  rewrite_scheduled_ = false;
  BeforeSleep();  // what is buffered belongs to the current incremental file
  if (mkdir(DirPath().c_str(), 0755) != 0 && errno != EEXIST) {
    return base::Status::IoError("Can't open or create append-only dir " + DirPath());
  }
  const std::string& base_name = server_->config().appendfilename;
  // Writes from now on go to a new incremental file, which follows the new
  // base. Turning the AOF on, it is a temporary file the manifest learns
  // of only with the base (until then the old files tell the truth);
  // otherwise the manifest names it at once, after the old ones, so a
  // crash before the base is done loses nothing.
  rewrite_incr_from_ = manifest_.incrs.size();  // by default none is kept
  if (enabling_) {
    temp_incr_ = "temp-" + base_name + ".incr";
    OSPREY_RETURN_IF_ERROR(OpenIncr(temp_incr_));
    server_->propagation().AddSink(this);
    StartSyncThread();
  } else if (on()) {
    persistence::AofManifest next = manifest_;
    next.incrs.push_back(
        AofFileInfo{persistence::AofIncrFileName(base_name, ++next.incr_seq), next.incr_seq, 'i'});
    OSPREY_RETURN_IF_ERROR(OpenIncr(next.incrs.back().name));
    std::swap(manifest_, next);
    base::Status st = PersistManifest();
    if (!st.ok()) {
      std::swap(manifest_, next);
      return st;
    }
    rewrite_incr_from_ = manifest_.incrs.size() - 1;
  }
  incr_since_rewrite_ = 0;
  const int64_t seq = manifest_.base_seq + 1;
  const std::string name =
      persistence::AofBaseFileName(base_name, seq, server_->config().aof_use_rdb_preamble);
  rewrite_start_ms_ = server_->clock().NowMillis();
  base::Status st = StartBaseWrite(PathOf(name), PathOf(RewriteTempName()),
                                   [this, name, seq](const base::Status& result) {
                                     FinishRewrite(result, name, seq);
                                   });
  if (!st.ok()) {
    AbandonRewrite();
    last_rewrite_ok_ = false;
    return st;
  }
  server_->logger().Log(base::LogLevel::kNotice, "Background append only file rewriting started");
  return st;
}

void AofService::FinishRewrite(const base::Status& result, const std::string& name,
                               int64_t seq) {
  base::Logger& log = server_->logger();
  last_rewrite_sec_ = (server_->clock().NowMillis() - rewrite_start_ms_) / 1000;
  base::Status st = result;
  persistence::AofManifest next = manifest_;
  if (st.ok()) {
    // History lists the newest first, as Redis writes it: the incremental
    // files this base replaces (oldest first), then the base they followed,
    // then what was history already (kept with aof-disable-auto-gc).
    std::vector<AofFileInfo> retired;
    std::vector<AofFileInfo> kept;
    for (size_t i = 0; i < next.incrs.size(); ++i) {
      if (i < rewrite_incr_from_ || enabling_) {
        AofFileInfo old = next.incrs[i];
        old.type = 'h';
        retired.push_back(old);
      } else {
        kept.push_back(next.incrs[i]);
      }
    }
    if (next.base) {
      next.base->type = 'h';
      retired.push_back(*next.base);
    }
    retired.insert(retired.end(), next.history.begin(), next.history.end());
    next.history = std::move(retired);
    next.base = AofFileInfo{name, seq, 'b'};
    next.base_seq = seq;
    next.incrs = std::move(kept);
    if (enabling_) {
      // The temporary incremental file becomes the first one of the new base.
      const std::string incr =
          persistence::AofIncrFileName(server_->config().appendfilename, ++next.incr_seq);
      if (rename(PathOf(temp_incr_).c_str(), PathOf(incr).c_str()) != 0) {
        st = base::Status::IoError("Error renaming the temporary incremental AOF file: " +
                                   std::string(std::strerror(errno)));
      } else {
        next.incrs.push_back(AofFileInfo{incr, next.incr_seq, 'i'});
      }
    }
  }
  if (st.ok()) {
    std::swap(manifest_, next);
    st = PersistManifest();
    if (!st.ok()) std::swap(manifest_, next);
  }
  last_rewrite_ok_ = st.ok();
  if (!st.ok()) {
    log.Log(base::LogLevel::kWarning, "Background AOF rewrite failed: %s",
            std::string(st.message()).c_str());
    if (!enabling_) unlink(PathOf(name).c_str());
    AbandonRewrite();
    return;
  }
  struct stat sb;
  base_size_ = stat(PathOf(name).c_str(), &sb) == 0 ? static_cast<uint64_t>(sb.st_size) : 0;
  incr_size_ = incr_since_rewrite_;
  ++rewrites_;
  DeleteHistory();  // the old files are history now
  if (enabling_) {
    enabling_ = false;
    temp_incr_.clear();
    log.Log(base::LogLevel::kNotice, "AOF enabled");
  }
  log.Log(base::LogLevel::kNotice, "Background AOF rewrite terminated with success");
  log.Log(base::LogLevel::kNotice, "Background AOF rewrite finished successfully");
}

void AofService::AbandonRewrite() {
  unlink(PathOf(RewriteTempName()).c_str());
  if (!enabling_) return;
  // Turning the AOF on failed: it stays off, the old files stand.
  StopSyncThread();
  CloseFd();
  server_->propagation().RemoveSink(this);
  buf_.clear();
  unlink(PathOf(temp_incr_).c_str());
  temp_incr_.clear();
  enabling_ = false;
}

base::Status AofService::Reload() {
  BeforeSleep();
  bool found = false;
  const base::Status st = Load(&found);
  if (st.ok()) DeleteHistory();
  return st;
}

void AofService::DeleteHistory() {
  if (server_->config().aof_disable_auto_gc || manifest_.history.empty()) return;
  for (const auto& f : manifest_.history) {
    server_->logger().Log(base::LogLevel::kNotice, "Removing the history file %s", f.name.c_str());
    unlink(PathOf(f.name).c_str());
  }
  manifest_.history.clear();
  (void)PersistManifest();
}

void AofService::MaybeAutoRewrite() {
  const ServerConfig& cfg = server_->config();
  if (server_->background_save().running()) return;
  if (rewrite_scheduled_) {
    if (enable_pending_) {
      enable_pending_ = false;
      rewrite_scheduled_ = false;
      (void)Enable();
    } else {
      (void)StartRewrite();
    }
    return;
  }
  if (!on() || cfg.auto_aof_rewrite_percentage <= 0) return;
  const uint64_t total = base_size_ + incr_size_;
  if (total < static_cast<uint64_t>(cfg.auto_aof_rewrite_min_size)) return;
  const uint64_t base = base_size_ == 0 ? 1 : base_size_;
  const uint64_t growth = (total - base_size_) * 100 / base;
  if (growth < static_cast<uint64_t>(cfg.auto_aof_rewrite_percentage)) return;
  server_->logger().Log(base::LogLevel::kNotice,
                        "Starting automatic rewriting of AOF on %llu%% growth",
                        static_cast<unsigned long long>(growth));
  (void)StartRewrite();
}

void AofService::Write(int db, std::span<const std::string> args) {
  if (fd_ < 0 || loading_) return;
  if (server_->config().aof_timestamp_enabled) {
    const int64_t now = server_->now_ms() / 1000;
    if (now != last_ts_) {
      persistence::AppendAofTimestamp(buf_, now);
      last_ts_ = now;
    }
  }
  if (db != selected_db_) {
    const std::string idx = std::to_string(db);
    const std::string_view select[] = {"SELECT", idx};
    persistence::AppendAofCommand(buf_, select);
    selected_db_ = db;
  }
  persistence::AppendAofCommand(buf_, args);
}

bool AofService::HoldsReplies() const {
  // After a failed write the buffer waits for a retry; replies do not.
  return !buf_.empty() && fd_ >= 0 && last_write_ok_ &&
         server_->config().appendfsync == AppendFsync::kAlways;
}

void AofService::BeforeSleep() {
  if (buf_.empty() || fd_ < 0) return;
  if (flush_sleep_us_ > 0) usleep(static_cast<useconds_t>(flush_sleep_us_));
  if (!persistence::WriteFully(fd_, buf_)) {
    last_write_error_ = std::strerror(errno);
    if (last_write_ok_) {
      server_->logger().Log(base::LogLevel::kWarning, "Error writing to the AOF file: %s",
                            std::strerror(errno));
    }
    last_write_ok_ = false;
    return;  // kept in the buffer: retried next time
  }
  if (!last_write_ok_) {
    server_->logger().Log(base::LogLevel::kWarning,
                          "AOF write error looks solved, Redis can write again.");
  }
  last_write_ok_ = true;
  incr_size_ += buf_.size();
  incr_since_rewrite_ += buf_.size();
  buf_.clear();
  switch (server_->config().appendfsync) {
    case AppendFsync::kAlways:
      // The replies of these commands leave after this returns: they must
      // not announce a write the disk does not hold yet.
      fdatasync(fd_);
      break;
    case AppendFsync::kEverysec: {
      std::lock_guard<std::mutex> lock(mu_);
      unsynced_ = true;
      break;
    }
    case AppendFsync::kNo:
      break;
  }
}

void AofService::FlushAndSync() {
  BeforeSleep();
  if (fd_ >= 0) fsync(fd_);
}

void AofService::StartSyncThread() {
  if (sync_thread_.joinable()) return;
  stop_ = false;
  sync_thread_ = std::thread([this] { SyncLoop(); });
}

void AofService::StopSyncThread() {
  if (!sync_thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  sync_thread_.join();
}

void AofService::SyncLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
    if (stop_ || !unsynced_ || fd_ < 0) continue;
    // A duplicate descriptor stays valid if the engine thread switches
    // files meanwhile, so the fsync runs without holding the lock.
    const int fd = dup(fd_);
    unsynced_ = false;
    lock.unlock();
    if (fd >= 0) {
      fdatasync(fd);
      close(fd);
    }
    lock.lock();
  }
}

void AofService::AppendInfo(std::string* out) const {
  out->append("aof_enabled:");
  out->append(on() ? "1" : "0");
  const bool running = rewrite_in_progress();
  out->append(std::string("\r\naof_rewrite_in_progress:") + (running ? "1" : "0"));
  out->append(std::string("\r\naof_rewrite_scheduled:") + (rewrite_scheduled_ ? "1" : "0"));
  out->append("\r\naof_last_rewrite_time_sec:" + std::to_string(last_rewrite_sec_) + "\r\n");
  out->append("aof_current_rewrite_time_sec:" +
              std::to_string(running ? (server_->clock().NowMillis() - rewrite_start_ms_) / 1000
                                     : -1) +
              "\r\n");
  out->append(std::string("aof_last_bgrewrite_status:") + (last_rewrite_ok_ ? "ok" : "err") +
              "\r\n");
  out->append("aof_rewrites:" + std::to_string(rewrites_) + "\r\n");
  out->append("aof_rewrites_consecutive_failures:0\r\n");
  out->append(std::string("aof_last_write_status:") + (last_write_ok_ ? "ok" : "err") + "\r\n");
  out->append("aof_last_cow_size:0\r\n");
}

void AofService::AppendSizeInfo(std::string* out) const {
  if (!on()) return;
  out->append("aof_current_size:" + std::to_string(base_size_ + incr_size_) + "\r\n");
  out->append("aof_base_size:" + std::to_string(base_size_) + "\r\n");
  out->append(std::string("aof_pending_rewrite:") + (rewrite_scheduled_ ? "1" : "0") + "\r\n");
  out->append("aof_buffer_length:" + std::to_string(buf_.size()) + "\r\n");
  out->append("aof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n");
}

}  // namespace osprey::server
