#include "server/client.h"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/check.h"
#include "server/aof_service.h"
#include "server/dispatcher.h"
#include "server/server.h"
#include "server/server_config.h"

namespace osprey::server {

namespace {
// Reads ask for at least this much room, as Redis's PROTO_IOBUF_LEN.
constexpr size_t kReadChunk = 16 * 1024;
// Most iovecs handed to one writev.
constexpr int kMaxIov = 64;
}  // namespace

bool Client::is_local() const {
  if (has(kClientUnixSocket)) return true;
  return peer_.ip.rfind("127.", 0) == 0 || peer_.ip == "::1";
}

Client::Client(Server* server, uint64_t id, int fd, const net::PeerAddress& peer,
               bool unix_socket)
    : server_(server), id_(id), fd_(fd), peer_(peer), reply_(&out_, 2) {
  if (unix_socket) set(kClientUnixSocket);
  if (fd_ >= 0) local_ = net::LocalAddress(fd_, unix_socket);
  reply_.set_error_listener(server_);
}

Client::~Client() {
  if (fd_ >= 0) close(fd_);
  std::free(qbuf_);
}

void Client::EnsureReadRoom(size_t min_free) {
  if (qcap_ - qlen_ >= min_free) return;
  if (qpos_ > 0) {
    // Move the unparsed tail to the front before growing.
    std::memmove(qbuf_, qbuf_ + qpos_, qlen_ - qpos_);
    qlen_ -= qpos_;
    qpos_ = 0;
    if (qcap_ - qlen_ >= min_free) return;
  }
  size_t cap = qcap_ == 0 ? kReadChunk : qcap_ * 2;
  while (cap - qlen_ < min_free) cap *= 2;
  char* nb = static_cast<char*>(std::realloc(qbuf_, cap));
  OSPREY_CHECK(nb != nullptr);
  qbuf_ = nb;
  qcap_ = cap;
}

Client::IoResult Client::ReadRaw() {
  size_t want = kReadChunk;
  // A big bulk argument in progress: make room for all of it at once so it
  // arrives contiguous and with few reads.
  if (size_t end = parser_.PendingBulkEnd(); end > 0) {
    size_t have = qlen_ - qpos_;
    if (end > have && end - have > want) want = end - have;
  }
  EnsureReadRoom(want);
  ssize_t n;
  do {
    n = read(fd_, qbuf_ + qlen_, qcap_ - qlen_);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return (errno == EAGAIN || errno == EWOULDBLOCK) ? IoResult{IoStatus::kAgain, 0}
                                                     : IoResult{IoStatus::kError, 0};
  }
  if (n == 0) return {IoStatus::kClosed, 0};
  qlen_ += static_cast<size_t>(n);
  if (qlen_ - qpos_ > qpeak_) qpeak_ = qlen_ - qpos_;
  return {IoStatus::kOk, static_cast<size_t>(n)};
}

bool Client::AfterRead(IoResult r) {
  if (r.status == IoStatus::kAgain) return true;
  if (r.status != IoStatus::kOk) return false;
  net_input_bytes += r.bytes;
  ServerStats& st = server_->stats();
  st.net_input_bytes += r.bytes;
  ++st.total_reads_processed;
  last_interaction_ms = server_->now_ms();
  if (static_cast<int64_t>(qlen_ - qpos_) > server_->config().client_query_buffer_limit) {
    server_->logger().Log(base::LogLevel::kWarning,
                          "Closing client that reached max query buffer length: id=%llu addr=%s",
                          static_cast<unsigned long long>(id_), peer_id().c_str());
    ++st.client_qbuf_limit_disconnections;
    return false;
  }
  return true;
}

void Client::ProcessInput() {
  constexpr uint64_t kStop = kClientBlocked | kClientCloseAfterReply | kClientCloseAsap;
  while (qpos_ < qlen_ && (flags_ & kStop) == 0) {
    protocol::ParserLimits limits;
    limits.max_bulk_len = server_->config().proto_max_bulk_len;
    limits.authenticated = authenticated || server_->config().requirepass.empty();
    protocol::ParseResult r = parser_.Parse(qbuf_ + qpos_, qlen_ - qpos_, limits);
    if (r == protocol::ParseResult::kNeedMore) break;
    if (r == protocol::ParseResult::kError) {
      reply_.Error("ERR " + parser_.error());
      server_->logger().Log(base::LogLevel::kVerbose, "Protocol error (%s) from client: id=%llu addr=%s",
                            parser_.error().c_str(), static_cast<unsigned long long>(id_),
                            peer_id().c_str());
      set(kClientCloseAfterReply);
      set(kClientProtocolError);
      qpos_ = qlen_;
      break;
    }
    const size_t consumed = parser_.consumed();
    if (r == protocol::ParseResult::kCommand) {
      size_t mem = 0;
      for (std::string_view a : parser_.args()) mem += a.size();
      argv_mem = mem;
      server_->dispatcher().ProcessRequest(*this, parser_.args());
      // CLIENT PAUSE held the request: leave it unconsumed in the query
      // buffer; it is parsed and dispatched again when the pause ends.
      if (has(kClientPostponed)) break;
      argv_mem = 0;
    }
    qpos_ += consumed;
  }
  if (qpos_ == qlen_) {
    qpos_ = qlen_ = 0;
  } else if (qpos_ > 0 && qpos_ >= qcap_ / 2) {
    std::memmove(qbuf_, qbuf_ + qpos_, qlen_ - qpos_);
    qlen_ -= qpos_;
    qpos_ = 0;
  }
  if (!out_.empty()) server_->QueueWrite(this);
}

void Client::ShrinkQueryBuffer() {
  if (qlen_ != 0 || qcap_ <= 4 * kReadChunk) return;
  std::free(qbuf_);
  qbuf_ = nullptr;
  qcap_ = 0;
  qpeak_ = 0;
}

Client::IoResult Client::WriteRaw() {
  if (fd_ < 0) return {IoStatus::kOk, 0};
  iovec iov[kMaxIov];
  size_t total = 0;
  while (!out_.empty()) {
    int n = out_.Gather(iov, kMaxIov);
    ssize_t w = writev(fd_, iov, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return {IoStatus::kError, total};
    }
    out_.Consume(static_cast<size_t>(w));
    total += static_cast<size_t>(w);
  }
  return {IoStatus::kOk, total};
}

bool Client::AfterWrite(IoResult r) {
  if (r.bytes > 0) {
    net_output_bytes += r.bytes;
    server_->stats().net_output_bytes += r.bytes;
    ++server_->stats().total_writes_processed;
    last_interaction_ms = server_->now_ms();
  }
  return r.status == IoStatus::kOk;
}

bool Client::WriteToSocket() { return AfterWrite(WriteRaw()); }

void Client::OnReadable() {
  if (has(kClientCloseAsap) || has(kClientPendingRead)) return;
  if (server_->threaded_reads()) {
    // An io thread reads it with the others before the loop sleeps.
    set(kClientPendingRead);
    server_->QueueRead(this);
    return;
  }
  if (!AfterRead(ReadRaw())) {
    server_->CloseClientAsync(this);
    return;
  }
  ProcessInput();
}

void Client::OnWritable() {
  if (has(kClientCloseAsap)) return;
  // appendfsync always: a reply queued behind this socket in the same round
  // may answer a write not yet on disk; the loop comes back after the AOF
  // is fsynced (Redis's write barrier).
  if (server_->aof().HoldsReplies()) return;
  if (!WriteToSocket()) {
    server_->CloseClientAsync(this);
    return;
  }
  if (out_.empty()) {
    clear(kClientInWriteList);
    (void)server_->loop().Change(fd_, net::kReadable, this);
    if (has(kClientCloseAfterReply)) server_->CloseClientAsync(this);
  }
}

}  // namespace osprey::server
