// Runs the one background snapshot the server may have at a time (BGSAVE,
// an AOF rewrite), without fork(): a keyspace::SnapshotWalk goes through
// the keys in slices of 25 µs or more from the event loop's
// before-sleep hook, a persistence::SnapshotWriter turns them into bytes,
// and a persistence::BackgroundFile writes those on a helper thread and
// renames the file into place. The owner of each kind (snapshot.cc for
// BGSAVE, AofService for rewrites) hears how it ended through a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "keyspace/snapshot_walk.h"
#include "persistence/background_file.h"
#include "persistence/snapshot_writers.h"

namespace osprey::server {

class Server;

class BackgroundSave {
 public:
  enum class Kind { kRdb, kAofRewrite };
  // Builds the writer over the sink the file's bytes go to.
  using WriterFactory = std::function<std::unique_ptr<persistence::SnapshotWriter>(
      persistence::BackgroundFileSink*)>;
  // Called once, when the file is in place (ok) or the save failed; not
  // called when the save is aborted.
  using DoneFn = std::function<void(const base::Status&)>;

  explicit BackgroundSave(Server* server) : server_(server) {}
  ~BackgroundSave();

  bool running() const { return job_ != nullptr; }
  // REQUIRES: running().
  Kind kind() const { return job_->kind; }
  // Wall-clock ms when the running save began.
  int64_t start_ms() const { return job_ ? job_->start_ms : -1; }
  // Temporary file of the running save ("" when none).
  std::string temp_path() const { return job_ ? job_->file->temp_path() : std::string(); }

  // Starts a snapshot of the data set as it is now into `path` (through
  // `temp_path`). REQUIRES: !running().
  base::Status Start(Kind kind, std::string path, std::string temp_path,
                     const WriterFactory& make_writer, DoneFn done);
  // The before-sleep hook: walks a slice, or collects the finished file.
  void Step();
  // Completes the running save now (walk, write, rename), then reports it.
  void FinishNow();
  // Abandons the running save, removing its temporary file.
  void Abort();

 private:
  struct Job {
    Kind kind;
    int64_t start_ms = 0;
    int64_t start_us = 0;  // monotonic
    std::unique_ptr<persistence::BackgroundFile> file;
    std::unique_ptr<persistence::BackgroundFileSink> sink;
    std::unique_ptr<persistence::SnapshotWriter> writer;
    std::unique_ptr<keyspace::SnapshotWalk> walk;  // null once the walk is over
    DoneFn done;
    uint64_t file_progress = 0;    // the file's progress() when last seen
    int64_t file_progress_us = 0;  // and when it last moved (monotonic)
    int64_t cpu_after_slice_us = 0;  // thread CPU time at the end of the last slice
  };
  // The walk is over: the last bytes go to the file, which is committed.
  void EndWalk();
  // How many keys the walk may still hand over now under
  // rdb-key-save-delay (a test knob slowing the save down), SIZE_MAX when
  // it is off.
  size_t KeyAllowance() const;
  // Does a piece of the file's work when its thread has been starved.
  void HelpIfStarved();
  void Complete(const base::Status& st);

  Server* server_;
  std::unique_ptr<Job> job_;
};

}  // namespace osprey::server
