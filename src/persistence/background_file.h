// A file written by a helper thread while the engine goes on: the engine
// hands over chunks of bytes, the thread writes them to a temporary file;
// at the end it is flushed to disk and renamed over its final name (then
// the directory is synced), so the final name always holds the old file or
// the whole new one. Background snapshots (BGSAVE, AOF rewrites) write
// through one, so the engine thread never waits on the disk.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "persistence/rdb_io.h"

namespace osprey::persistence {

class BackgroundFile {
 public:
  // Creates `temp_path` (same file system as `path`) and starts the thread.
  static base::Result<std::unique_ptr<BackgroundFile>> Create(std::string path,
                                                              std::string temp_path);
  // Abandons the file unless it was committed and finished.
  ~BackgroundFile();
  BackgroundFile(const BackgroundFile&) = delete;
  BackgroundFile& operator=(const BackgroundFile&) = delete;

  // Queues `chunk` for writing.
  void Write(std::string chunk);
  // Bytes queued and not written yet (to hold back a producer).
  size_t pending_bytes() const;
  // True once a write failed (the rest is dropped; Finished reports it).
  bool failed() const;

  // No more data: the thread writes what is queued, fsyncs, renames and
  // syncs the directory.
  void Commit();
  // True once the work Commit asked for is over; *status tells how it went.
  bool Finished(base::Status* status);
  // Commit, then wait for the end.
  base::Status CommitAndWait();
  // Stops the thread and removes the temporary file.
  void Abort();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  // Bytes written to the file so far.
  size_t bytes_written() const;

 private:
  BackgroundFile(std::string path, std::string temp_path, int fd);
  void Run();
  void Stop();

  const std::string path_;
  const std::string temp_path_;
  int fd_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;  // guarded by mu_
  size_t pending_ = 0;             // guarded by mu_
  size_t written_ = 0;             // guarded by mu_
  bool commit_ = false;            // guarded by mu_
  bool abort_ = false;             // guarded by mu_
  bool finished_ = false;          // guarded by mu_
  base::Status status_;            // guarded by mu_: the first failure
};

// Buffers what an RDB encoder writes and hands it to a BackgroundFile in
// chunks of about a megabyte.
class BackgroundFileSink final : public RdbSink {
 public:
  explicit BackgroundFileSink(BackgroundFile* file) : file_(file) {}
  void Append(const void* data, size_t len) override {
    buf_.append(static_cast<const char*>(data), len);
    if (buf_.size() >= kChunk) Flush();
  }
  // Hands over what is buffered.
  void Flush();

 private:
  static constexpr size_t kChunk = 1 << 20;
  BackgroundFile* file_;
  std::string buf_;
};

// Writes all of `data` to `fd`, going on after short writes and EINTR.
// False on a failure, with errno saying why; *written (when given) gets
// how much went out.
bool WriteFully(int fd, std::string_view data, size_t* written = nullptr);

// fsync of the directory holding `path`, so a rename in it is durable.
base::Status SyncDirectoryOf(const std::string& path);

}  // namespace osprey::persistence
