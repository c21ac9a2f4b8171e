// A file written by a helper thread while the engine goes on: the engine
// hands over chunks of bytes, and jobs that produce bytes (serializing a
// large value), and the thread writes them to a temporary file in order;
// at the end it is flushed to disk and renamed over its final name (then
// the directory is synced), so the final name always holds the old file or
// the whole new one. Background snapshots (BGSAVE, AOF rewrites) write
// through one, so the engine thread never waits on the disk.
//
// The thread runs at the lowest scheduling priority (SCHED_IDLE): it uses
// the time the engine thread leaves idle and never delays a request. The
// engine keeps it from falling far behind by pausing its producer (see
// pending_bytes) and, should other processes leave the thread no time at
// all, by doing some of the queued work itself (Help).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "persistence/rdb_io.h"

namespace osprey::persistence {

class BackgroundFile {
 public:
  // Produces bytes, on whichever thread writes them.
  using Job = std::function<std::string()>;

  // Creates `temp_path` (same file system as `path`) and starts the thread.
  static base::Result<std::unique_ptr<BackgroundFile>> Create(std::string path,
                                                              std::string temp_path);
  // Abandons the file unless it was committed and finished.
  ~BackgroundFile();
  BackgroundFile(const BackgroundFile&) = delete;
  BackgroundFile& operator=(const BackgroundFile&) = delete;

  // The file is an RDB file whose last 8 bytes are the CRC-64 of all the
  // bytes before them: computed here, over what is written, and put in
  // place of the 8 bytes written last (zeros, say). REQUIRES: nothing
  // written yet.
  void EnableRdbChecksum() { rdb_checksum_ = true; }

  // Queues `chunk` for writing.
  void Write(std::string chunk);
  // Queues `job`, whose bytes go where it is in the queue. `weight` is what
  // it counts in pending_bytes meanwhile. Returns its ticket for WaitFor.
  uint64_t Defer(Job job, size_t weight);
  // Bytes queued and not written yet (to hold back a producer).
  size_t pending_bytes() const;
  // True once a write failed (the rest is dropped; Finished reports it).
  bool failed() const;

  // Does the oldest queued piece of work on the calling thread, unless the
  // thread is at it. Returns whether it did something.
  bool Help();
  // Returns once the job of `ticket` is done (or dropped: aborted, or
  // after a failure), helping with the work before it.
  void WaitFor(uint64_t ticket);
  // Whether the job of `ticket` is done (or dropped).
  bool Done(uint64_t ticket) const;
  // Grows each time a queued piece of work is done (to see progress).
  uint64_t progress() const;
  // A buffer to fill for Write: one handed back by the thread (keeping its
  // capacity) when there is one.
  std::string TakeBuffer();

  // No more data: the thread writes what is queued, fsyncs, renames and
  // syncs the directory.
  void Commit();
  // True once the work Commit asked for is over; *status tells how it went.
  bool Finished(base::Status* status);
  // Does what is queued, commits, then waits for the end.
  base::Status CommitAndWait();
  // Stops the thread and removes the temporary file. Queued jobs are
  // dropped without running.
  void Abort();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  // Bytes written to the file so far.
  size_t bytes_written() const;

 private:
  struct Item {
    std::string bytes;
    Job job;  // when set, makes the bytes
    size_t weight = 0;
    uint64_t ticket = 0;
  };

  BackgroundFile(std::string path, std::string temp_path, int fd);
  void Run();
  void Stop();
  // Takes the oldest item and writes it. REQUIRES: process_mu_ held.
  bool ProcessOne();
  // Writes `data` (holding back the checksum's place, see
  // EnableRdbChecksum). REQUIRES: process_mu_ held. False on a failure.
  bool WriteOut(std::string_view data, size_t* written);
  // The held-back bytes, or the checksum in their place.
  bool WriteTrailer(size_t* written);

  const std::string path_;
  const std::string temp_path_;
  int fd_;
  bool rdb_checksum_ = false;
  std::thread thread_;

  // Held while an item is written (by the thread or a helper), so items
  // reach the file in queue order.
  std::mutex process_mu_;
  uint64_t crc_ = 0;          // guarded by process_mu_
  char tail_[8];              // guarded by process_mu_: the last bytes, held back
  size_t tail_len_ = 0;       // guarded by process_mu_

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;           // guarded by mu_
  std::vector<std::string> spare_;   // guarded by mu_: written buffers, for reuse
  uint64_t next_ticket_ = 0;         // guarded by mu_
  uint64_t done_ticket_ = 0;         // guarded by mu_: every item up to it is done
  size_t pending_ = 0;               // guarded by mu_
  size_t written_ = 0;               // guarded by mu_
  bool commit_ = false;              // guarded by mu_
  bool abort_ = false;               // guarded by mu_
  bool finished_ = false;            // guarded by mu_
  base::Status status_;              // guarded by mu_: the first failure
};

// Buffers what an RDB encoder writes and hands it to a BackgroundFile in
// chunks of kChunk bytes; jobs go in between, in order.
class BackgroundFileSink final : public RdbSink {
 public:
  explicit BackgroundFileSink(BackgroundFile* file) : file_(file) {}
  void Append(const void* data, size_t len) override {
    buf_.append(static_cast<const char*>(data), len);
    if (buf_.size() >= kChunk) Flush();
  }
  // Hands over what is buffered.
  void Flush();
  // Hands over what is buffered, then `job` (see BackgroundFile::Defer).
  uint64_t Defer(BackgroundFile::Job job, size_t weight) {
    Flush();
    return file_->Defer(std::move(job), weight);
  }
  BackgroundFile* file() const { return file_; }

 private:
  // Small enough that the engine thread, helping, is busy for little time.
  static constexpr size_t kChunk = 256 << 10;
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
