#include "persistence/background_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace osprey::persistence {

namespace {

std::string ErrnoText() { return std::strerror(errno); }

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

bool WriteFully(int fd, std::string_view data, size_t* written) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;  // no progress on a regular file: give up
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (written != nullptr) *written = done;
  return done == data.size();
}

base::Status SyncDirectoryOf(const std::string& path) {
  const int dfd = ::open(DirOf(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (dfd < 0) return base::Status::IoError("opening the directory of " + path + ": " + ErrnoText());
  const int rc = ::fsync(dfd);
  const std::string err = rc == 0 ? "" : ErrnoText();
  ::close(dfd);
  if (rc != 0) return base::Status::IoError("fsync of the directory of " + path + ": " + err);
  return base::Status::Ok();
}

base::Result<std::unique_ptr<BackgroundFile>> BackgroundFile::Create(std::string path,
                                                                     std::string temp_path) {
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return base::Status::IoError("Failed opening " + temp_path + " for saving: " + ErrnoText());
  }
  return std::unique_ptr<BackgroundFile>(
      new BackgroundFile(std::move(path), std::move(temp_path), fd));
}

BackgroundFile::BackgroundFile(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {
  thread_ = std::thread([this] { Run(); });
}

BackgroundFile::~BackgroundFile() { Abort(); }

void BackgroundFile::Write(std::string chunk) {
  if (chunk.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (commit_ || abort_) return;
    pending_ += chunk.size();
    queue_.push_back(std::move(chunk));
  }
  cv_.notify_one();
}

size_t BackgroundFile::pending_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_;
}

size_t BackgroundFile::bytes_written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

bool BackgroundFile::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !status_.ok();
}

void BackgroundFile::Commit() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    commit_ = true;
  }
  cv_.notify_one();
}

bool BackgroundFile::Finished(base::Status* status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!finished_) return false;
  *status = status_;
  return true;
}

base::Status BackgroundFile::CommitAndWait() {
  Commit();
  Stop();
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void BackgroundFile::Stop() {
  if (thread_.joinable()) thread_.join();
}

void BackgroundFile::Abort() {
  bool committed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    committed = commit_;
    if (!committed) abort_ = true;
  }
  cv_.notify_one();
  Stop();
  // Once committed the thread owns the end: it renamed the file or, having
  // failed, removed it.
  if (committed || fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_path_.c_str());
}

void BackgroundFile::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return abort_ || commit_ || !queue_.empty(); });
    if (abort_) return;
    if (queue_.empty()) break;  // committed and drained
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    const bool ok = status_.ok();
    lock.unlock();
    std::string failure;
    size_t done = 0;
    if (ok && !WriteFully(fd_, chunk, &done)) {
      failure = "Write error saving DB on disk: " + ErrnoText();
    }
    lock.lock();
    pending_ -= chunk.size();
    written_ += done;
    if (!failure.empty() && status_.ok()) status_ = base::Status::IoError(failure);
  }
  // Committed: make it durable, then give it its name.
  base::Status st = status_;
  lock.unlock();
  if (st.ok() && ::fsync(fd_) != 0) st = base::Status::IoError("fsync: " + ErrnoText());
  if (::close(fd_) != 0 && st.ok()) st = base::Status::IoError("close: " + ErrnoText());
  fd_ = -1;
  if (st.ok() && ::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    st = base::Status::IoError("rename of " + temp_path_ + " to " + path_ + ": " + ErrnoText());
  }
  if (st.ok()) st = SyncDirectoryOf(path_);
  if (!st.ok()) ::unlink(temp_path_.c_str());
  lock.lock();
  status_ = st;
  finished_ = true;
}

void BackgroundFileSink::Flush() {
  if (buf_.empty()) return;
  file_->Write(std::move(buf_));
  buf_.clear();
  buf_.reserve(kChunk + 4096);
}

}  // namespace osprey::persistence
