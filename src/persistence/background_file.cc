#include "persistence/background_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/crc64.h"

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
    Item item;
    item.weight = chunk.size();
    item.bytes = std::move(chunk);
    item.ticket = ++next_ticket_;
    queue_.push_back(std::move(item));
  }
  cv_.notify_all();
}

uint64_t BackgroundFile::Defer(Job job, size_t weight) {
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (commit_ || abort_) return 0;
    pending_ += weight;
    Item item;
    item.job = std::move(job);
    item.weight = weight;
    item.ticket = ticket = ++next_ticket_;
    queue_.push_back(std::move(item));
  }
  cv_.notify_all();
  return ticket;
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

std::string BackgroundFile::TakeBuffer() {
  std::lock_guard<std::mutex> lock(mu_);
  if (spare_.empty()) return std::string();
  std::string buf = std::move(spare_.back());
  spare_.pop_back();
  return buf;
}

bool BackgroundFile::Help() {
  std::unique_lock<std::mutex> processing(process_mu_, std::try_to_lock);
  if (!processing.owns_lock()) return false;
  return ProcessOne();
}

void BackgroundFile::WaitFor(uint64_t ticket) {
  auto done = [&] { return done_ticket_ >= ticket || abort_ || finished_; };
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (done()) return;
    }
    if (Help()) continue;
    // The thread is writing: wait for it (the core is ours to give).
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(1), done);
  }
}

bool BackgroundFile::Done(uint64_t ticket) const {
  std::lock_guard<std::mutex> lock(mu_);
  return done_ticket_ >= ticket || abort_ || finished_;
}

uint64_t BackgroundFile::progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return done_ticket_;
}

void BackgroundFile::Commit() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    commit_ = true;
  }
  cv_.notify_all();
}

bool BackgroundFile::Finished(base::Status* status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!finished_) return false;
  *status = status_;
  return true;
}

base::Status BackgroundFile::CommitAndWait() {
  // The caller waits anyway: the queue is done here rather than left to a
  // thread that only runs on idle time.
  while (Help()) {
  }
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
  cv_.notify_all();
  Stop();
  // Once committed the thread owns the end: it renamed the file or, having
  // failed, removed it.
  if (committed || fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_path_.c_str());
}

bool BackgroundFile::ProcessOne() {
  Item item;
  bool ok;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.empty() || abort_) return false;
    item = std::move(queue_.front());
    queue_.pop_front();
    ok = status_.ok();
  }
  size_t done = 0;
  std::string failure;
  if (ok) {  // after a failure the rest is dropped, jobs unrun
    if (item.job) item.bytes = item.job();
    if (!WriteOut(item.bytes, &done)) failure = "Write error saving DB on disk: " + ErrnoText();
  }
  item.job = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ -= item.weight;
    written_ += done;
    done_ticket_ = item.ticket;
    if (!failure.empty() && status_.ok()) status_ = base::Status::IoError(failure);
    // Two buffers in circulation are enough for a producer a chunk ahead.
    if (spare_.size() < 2 && item.bytes.capacity() >= (64u << 10)) {
      item.bytes.clear();
      spare_.push_back(std::move(item.bytes));
    }
  }
  cv_.notify_all();
  return true;
}

bool BackgroundFile::WriteOut(std::string_view data, size_t* written) {
  if (!rdb_checksum_) return WriteFully(fd_, data, written);
  // The last 8 bytes seen so far stay in tail_: at the end they are the
  // checksum's place. Everything before them is summed and written.
  *written = 0;
  constexpr size_t kTail = sizeof(tail_);
  const size_t total = tail_len_ + data.size();
  if (total <= kTail) {
    std::memcpy(tail_ + tail_len_, data.data(), data.size());
    tail_len_ = total;
    return true;
  }
  const size_t emit = total - kTail;
  const size_t from_tail = std::min(emit, tail_len_);
  const size_t from_data = emit - from_tail;
  crc_ = base::Crc64(crc_, tail_, from_tail);
  crc_ = base::Crc64(crc_, data.data(), from_data);
  size_t a = 0;
  size_t b = 0;
  const bool ok = WriteFully(fd_, std::string_view(tail_, from_tail), &a) &&
                  WriteFully(fd_, data.substr(0, from_data), &b);
  *written = a + b;
  char next[kTail];
  const size_t kept = tail_len_ - from_tail;
  std::memcpy(next, tail_ + from_tail, kept);
  std::memcpy(next + kept, data.data() + from_data, data.size() - from_data);
  std::memcpy(tail_, next, kTail);
  tail_len_ = kTail;
  return ok;
}

bool BackgroundFile::WriteTrailer(size_t* written) {
  *written = 0;
  if (!rdb_checksum_ || tail_len_ == 0) return true;
  if (tail_len_ == sizeof(tail_)) {
    for (size_t i = 0; i < sizeof(tail_); ++i) tail_[i] = static_cast<char>(crc_ >> (8 * i));
  }
  return WriteFully(fd_, std::string_view(tail_, tail_len_), written);
}

void BackgroundFile::Run() {
  // Idle priority: the engine thread (same process, maybe the same core)
  // always goes first. Best effort; a failure leaves the default.
  sched_param param{};
  (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return abort_ || commit_ || !queue_.empty(); });
      if (abort_) return;
      if (queue_.empty()) break;  // committed and drained
    }
    std::lock_guard<std::mutex> processing(process_mu_);
    ProcessOne();
  }
  // Committed: the trailer, then make it durable and give it its name.
  std::lock_guard<std::mutex> processing(process_mu_);
  base::Status st;
  {
    std::lock_guard<std::mutex> lock(mu_);
    st = status_;
  }
  size_t done = 0;
  if (st.ok() && !WriteTrailer(&done)) {
    st = base::Status::IoError("Write error saving DB on disk: " + ErrnoText());
  }
  if (st.ok() && ::fsync(fd_) != 0) st = base::Status::IoError("fsync: " + ErrnoText());
  if (::close(fd_) != 0 && st.ok()) st = base::Status::IoError("close: " + ErrnoText());
  fd_ = -1;
  if (st.ok() && ::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    st = base::Status::IoError("rename of " + temp_path_ + " to " + path_ + ": " + ErrnoText());
  }
  if (st.ok()) st = SyncDirectoryOf(path_);
  if (!st.ok()) ::unlink(temp_path_.c_str());
  std::lock_guard<std::mutex> lock(mu_);
  written_ += done;
  status_ = st;
  finished_ = true;
}

void BackgroundFileSink::Flush() {
  if (buf_.empty()) return;
  file_->Write(std::move(buf_));
  buf_ = file_->TakeBuffer();
  buf_.clear();
  if (buf_.capacity() < kChunk + 4096) buf_.reserve(kChunk + 4096);
}

}  // namespace osprey::persistence
