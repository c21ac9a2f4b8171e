#include "persistence/rdb_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "persistence/background_file.h"

namespace osprey::persistence {

namespace {

std::string ErrnoText() { return std::strerror(errno); }

// Buffers writes to a file descriptor; the first failure sticks.
class FileSink final : public RdbSink {
 public:
  explicit FileSink(int fd) : fd_(fd) { buf_.reserve(kBufferSize); }

  void Append(const void* data, size_t len) override {
    if (!error_.empty()) return;
    const char* p = static_cast<const char*>(data);
    if (buf_.size() + len > kBufferSize) {
      Flush();
      if (len >= kBufferSize) {
        WriteAll(p, len);
        return;
      }
    }
    buf_.append(p, len);
  }

  void Flush() {
    if (!buf_.empty()) WriteAll(buf_.data(), buf_.size());
    buf_.clear();
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr size_t kBufferSize = 1 << 16;

  void WriteAll(const char* p, size_t len) {
    if (error_.empty() && !WriteFully(fd_, std::string_view(p, len))) {
      error_ = "write: " + ErrnoText();
    }
  }

  int fd_;
  std::string buf_;
  std::string error_;
};

}  // namespace

base::Status SaveRdbFile(const std::string& path, const std::string& temp_path,
                         const keyspace::Keyspace& ks, const RdbSaveOptions& opts) {
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return base::Status::IoError("Failed opening the temp RDB file " + temp_path +
                                 " for saving: " + ErrnoText());
  }
  FileSink sink(fd);
  WriteDataset(sink, ks, opts);
  sink.Flush();
  std::string failed = sink.error();
  if (failed.empty() && ::fsync(fd) != 0) failed = "fsync: " + ErrnoText();
  if (::close(fd) != 0 && failed.empty()) failed = "close: " + ErrnoText();
  if (failed.empty() && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    failed = "rename of " + temp_path + " to " + path + ": " + ErrnoText();
  }
  if (!failed.empty()) {
    ::unlink(temp_path.c_str());
    return base::Status::IoError("Write error saving DB on disk (" + failed + ")");
  }
  return SyncDirectoryOf(path);
}

base::Status LoadRdbFile(const std::string& path, keyspace::Keyspace& ks,
                         const commands::EngineConfig& cfg, const RdbLoadOptions& opts,
                         RdbLoadStats* stats) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return base::Status::NotFound(path + ": no such file");
    return base::Status::IoError("opening " + path + ": " + ErrnoText());
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const std::string err = ErrnoText();
    ::close(fd);
    return base::Status::IoError("stat of " + path + ": " + err);
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* map = nullptr;
  if (size > 0) {
    // Mapped at once: one call instead of a page fault every few pages.
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
      const std::string err = ErrnoText();
      ::close(fd);
      return base::Status::IoError("mapping " + path + ": " + err);
    }
    ::madvise(map, size, MADV_SEQUENTIAL);
  }
  ::close(fd);
  const std::string_view data(static_cast<const char*>(map), size);
  base::Status result = LoadDataset(data, ks, cfg, opts, stats);
  if (map != nullptr) ::munmap(map, size);
  if (!result.ok()) {
    return base::Status(result.code(), std::string(path) + ": " + std::string(result.message()));
  }
  return base::Status::Ok();
}

}  // namespace osprey::persistence
