// One client connection and its session state: identity, selected database,
// protocol version, the query buffer and parser, the output buffer, MULTI
// state and the flags CLIENT LIST shows. A Client is owned by the Server and
// freed only between event-loop iterations, so pointers to it stay valid
// while a batch of events is handled.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "commands/command_def.h"
#include "net/event_loop.h"
#include "net/socket.h"
#include "protocol/output_buffer.h"
#include "protocol/reply_writer.h"
#include "protocol/resp_parser.h"

namespace osprey::server {

class Server;

enum ClientFlag : uint64_t {
  kClientCloseAfterReply = 1ull << 0,  // close once the pending reply is written
  kClientCloseAsap = 1ull << 1,        // close without writing more
  kClientMulti = 1ull << 2,            // inside MULTI
  kClientDirtyCas = 1ull << 3,         // a WATCHed key changed: EXEC fails
  kClientDirtyExec = 1ull << 4,        // a command failed to queue: EXEC aborts
  kClientPubSub = 1ull << 5,           // has subscriptions
  kClientMonitor = 1ull << 6,
  kClientBlocked = 1ull << 7,
  kClientReplyOff = 1ull << 8,
  kClientReplySkipNext = 1ull << 9,    // CLIENT REPLY SKIP: mute the next command
  kClientReplySkip = 1ull << 10,       // muting the current command
  kClientNoEvict = 1ull << 11,
  kClientNoTouch = 1ull << 12,
  kClientPendingWrite = 1ull << 13,    // queued for a write before sleeping
  kClientUnixSocket = 1ull << 14,
  kClientProtocolError = 1ull << 15,
  kClientTracking = 1ull << 16,
  kClientPendingCommand = 1ull << 17,  // parsed by an io thread, not yet run
  kClientExecuting = 1ull << 18,
  kClientInWriteList = 1ull << 19,
  kClientUnblocked = 1ull << 20,
  kClientReadonly = 1ull << 21,
  kClientPendingRead = 1ull << 23,     // queued for a threaded read
  // Held by CLIENT PAUSE (also kClientBlocked): the request stays in the
  // query buffer and runs when the pause ends (client_pause.h).
  kClientPostponed = 1ull << 22,
  // Client-side caching modes (server/tracking.h), with kClientTracking.
  kClientTrackingBrokenRedir = 1ull << 40,  // the redirect client is gone
  kClientTrackingBcast = 1ull << 41,
  kClientTrackingOptIn = 1ull << 42,
  kClientTrackingOptOut = 1ull << 43,
  kClientTrackingCaching = 1ull << 44,      // CLIENT CACHING for the next command
  kClientTrackingNoLoop = 1ull << 45,
};

// A command waiting in MULTI.
struct QueuedCommand {
  const commands::CommandDef* cmd;
  std::vector<std::string> args;
};

class Client final : public net::IoHandler {
 public:
  Client(Server* server, uint64_t id, int fd, const net::PeerAddress& peer, bool unix_socket);
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // net::IoHandler
  void OnReadable() override;
  void OnWritable() override;

  uint64_t id() const { return id_; }
  int fd() const { return fd_; }
  Server& server() { return *server_; }

  bool has(ClientFlag f) const { return (flags_ & f) != 0; }
  void set(ClientFlag f) { flags_ |= f; }
  void clear(ClientFlag f) { flags_ &= ~static_cast<uint64_t>(f); }
  uint64_t flags() const { return flags_; }

  // --- identity ---
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  std::string lib_name;
  std::string lib_ver;
  const net::PeerAddress& peer() const { return peer_; }
  // Connected over a unix socket or from a loopback address (what
  // enable-protected-configs/enable-debug-command "local" allow).
  bool is_local() const;
  const net::PeerAddress& local() const { return local_; }
  std::string peer_id() const { return peer_.ToString(); }
  std::string user = "default";
  bool authenticated = false;

  // --- session ---
  int db_index = 0;
  int resp() const { return reply_.resp(); }
  void set_resp(int resp) { reply_.set_resp(resp); }
  protocol::ReplyWriter& reply() { return reply_; }
  protocol::OutputBuffer& output() { return out_; }

  // --- socket I/O ---
  // The raw halves touch only this client, so io threads may run them for
  // several clients at once; the After* halves do the bookkeeping on the
  // engine thread and return false when the client must be closed.
  enum class IoStatus { kOk, kAgain, kClosed, kError };
  struct IoResult {
    IoStatus status;
    size_t bytes;
  };
  IoResult ReadRaw();
  bool AfterRead(IoResult r);
  IoResult WriteRaw();
  bool AfterWrite(IoResult r);

  // --- input ---
  // Parses and runs the complete requests in the query buffer.
  void ProcessInput();
  size_t query_buffer_length() const { return qlen_ - qpos_; }
  size_t query_buffer_capacity() const { return qcap_; }
  size_t query_buffer_peak() const { return qpeak_; }
  // Frees a big, idle query buffer (from the cron).
  void ShrinkQueryBuffer();

  // --- output ---
  // Writes pending output (WriteRaw + AfterWrite). Returns false when the
  // client must be closed.
  bool WriteToSocket();
  bool HasPendingOutput() const { return !out_.empty(); }
  size_t reply_bytes() const { return out_.size(); }

  // --- MULTI ---
  std::vector<QueuedCommand> multi_queue;
  uint64_t multi_cmd_flags = 0;  // union of queued commands' flags
  size_t multi_bytes = 0;

  // --- bookkeeping ---
  int64_t ctime_ms = 0;             // creation time
  int64_t last_interaction_ms = 0;  // last read or write
  const commands::CommandDef* last_cmd = nullptr;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t commands_processed = 0;
  size_t argv_mem = 0;  // bytes of the arguments of the command being run
  bool watching_keys = false;
  // When the output first stayed over its soft limit, in seconds (0: it is
  // not over it); see output_limits.h.
  int64_t obuf_soft_limit_since_s = 0;

 private:
  void EnsureReadRoom(size_t min_free);

  Server* server_;
  uint64_t id_;
  int fd_;
  uint64_t flags_ = 0;
  std::string name_;
  net::PeerAddress peer_;
  net::PeerAddress local_;

  char* qbuf_ = nullptr;  // query buffer: bytes [qpos_, qlen_) are unparsed
  size_t qpos_ = 0;
  size_t qlen_ = 0;
  size_t qcap_ = 0;
  size_t qpeak_ = 0;
  protocol::RequestParser parser_;

  protocol::OutputBuffer out_;
  protocol::ReplyWriter reply_;
};

}  // namespace osprey::server
