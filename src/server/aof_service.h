// The append-only file as the server runs it (Redis 7's multi-part layout,
// see persistence/aof_manifest.h and docs/formats/aof.md): loading it at
// start-up, appending the propagation stream to the current incremental
// file (flushed before replies leave, fsynced per appendfsync), turning it
// on and off at runtime, and rewriting it (BGREWRITEAOF) in the background
// without fork: a fresh incremental file takes the writes while a
// snapshot of the data set becomes the new base, then the manifest
// switches to them. The base is an RDB image, or with
// aof-use-rdb-preamble no an AOF of commands.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "base/status.h"
#include "persistence/aof_manifest.h"
#include "server/background_save.h"
#include "server/propagation.h"

namespace osprey::server {

class Server;

class AofService final : public EffectSink {
 public:
  explicit AofService(Server* server);
  ~AofService() override;

  // Hooks CONFIG SET appendonly (and friends) to this service.
  void RegisterConfigHooks();
  // Start-up with appendonly yes: loads the files the manifest names (none
  // is no error), then opens the incremental file for appending, creating
  // a base first when there was nothing. Errors say why the server must
  // not start.
  base::Status LoadAndOpenAtStartup();
  // Loads the AOF in `dir`/`appenddirname` into the (empty) databases.
  // *found is false when there is no manifest.
  base::Status Load(bool* found);

  // DEBUG LOADAOF: flushes what is buffered, then loads the files again
  // into the databases (which the caller emptied).
  base::Status Reload();
  // The cron's check: rewrites when the incremental part grew past
  // auto-aof-rewrite-min-size and auto-aof-rewrite-percentage of the base.
  void MaybeAutoRewrite();

  bool on() const { return fd_ >= 0; }
  // The last write to the file failed (and why: strerror of it).
  bool write_failed() const { return !last_write_ok_; }
  const std::string& write_error() const { return last_write_error_; }
  // DEBUG AOF-FLUSH-SLEEP: microseconds to wait before each buffer write.
  void set_flush_sleep_us(int us) { flush_sleep_us_ = us; }
  // CONFIG SET appendonly yes/no.
  base::Status Enable();
  void Disable();
  // BGREWRITEAOF: starts writing a new base with the data set as it is now
  // (in the background, see background_save.h); writes from now on go to a
  // new incremental file; when the base is done the manifest switches to
  // them and the old files are deleted. Fails while a background job runs.
  base::Status StartRewrite();
  bool rewrite_in_progress() const;
  // A rewrite waits for the running BGSAVE (BGREWRITEAOF replies
  // "scheduled"); the cron starts it.
  bool rewrite_scheduled() const { return rewrite_scheduled_; }
  void ScheduleRewrite() { rewrite_scheduled_ = true; }
  // Stops a running rewrite, removing its files (SHUTDOWN, appendonly no).
  void StopRewrite();

  // --- EffectSink ---
  void Write(int db, std::span<const std::string> args) override;
  // Before replies are written: the buffered stream goes to the file
  // (fsynced at once under appendfsync always).
  void BeforeSleep();
  // appendfsync always: writes are buffered that BeforeSleep has not put on
  // disk yet, so no reply may leave before it runs (a client's socket
  // turning writable in the same round waits for the next one).
  bool HoldsReplies() const;
  // Last chance at shutdown: everything written and fsynced.
  void FlushAndSync();
  // INFO persistence lines from aof_enabled to aof_last_cow_size.
  void AppendInfo(std::string* out) const;
  // With the AOF on, the size lines that follow module_fork_last_cow_size.
  void AppendSizeInfo(std::string* out) const;

 private:
  std::string DirPath() const;
  std::string PathOf(std::string_view name) const;
  base::Status UpgradeOldStyleFile();
  base::Status LoadFile(const persistence::AofFileInfo& f, bool last);
  base::Status ReplayCommands(std::string_view name, std::string_view data, bool last,
                              size_t* valid_up_to, bool* truncated);
  base::Status StartBaseWrite(const std::string& path, const std::string& temp,
                              BackgroundSave::DoneFn done);
  base::Status WriteBaseNow(const std::string& path);
  std::string RewriteTempName() const;
  void FinishRewrite(const base::Status& result, const std::string& name, int64_t seq);
  // Cleans up after a rewrite that failed or was stopped.
  void AbandonRewrite();
  // Deletes the history files the manifest names and drops them from it,
  // unless aof-disable-auto-gc.
  void DeleteHistory();
  base::Status PersistManifest();
  base::Status OpenIncr(const std::string& name);
  void CloseFd();
  void StartSyncThread();
  void StopSyncThread();
  void SyncLoop();

  Server* server_;
  persistence::AofManifest manifest_;
  int fd_ = -1;
  std::string buf_;
  int selected_db_ = -1;
  int64_t last_ts_ = -1;
  // Bytes in the base and appended since, for auto-aof-rewrite-*.
  uint64_t base_size_ = 0;
  uint64_t incr_size_ = 0;
  bool last_write_ok_ = true;
  std::string last_write_error_;
  bool last_rewrite_ok_ = true;
  uint64_t rewrites_ = 0;
  int64_t last_rewrite_sec_ = -1;
  bool loading_ = false;
  bool startup_load_ = false;  // report the progress of the load to the server
  uint64_t loaded_bytes_ = 0;  // bytes of the files read so far
  uint64_t replay_base_ = 0;   // offset of the commands being replayed in them
  // Turning the AOF on: its first rewrite runs, writes go to temp_incr_.
  bool enabling_ = false;
  std::string temp_incr_;
  bool rewrite_scheduled_ = false;
  bool enable_pending_ = false;  // the scheduled rewrite turns the AOF on
  size_t rewrite_incr_from_ = 0;  // incrs from this index follow the new base
  uint64_t incr_since_rewrite_ = 0;
  int64_t rewrite_start_ms_ = 0;
  int flush_sleep_us_ = 0;  // Enable's rewrite opens the first file

  // appendfsync everysec: a helper thread fsyncs the file once a second
  // when something was written, so the engine thread never waits on disk.
  std::thread sync_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool unsynced_ = false;  // guarded by mu_
};

}  // namespace osprey::server
