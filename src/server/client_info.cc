#include "server/client_info.h"

#include <cstdio>

#include "base/ascii.h"
#include "protocol/output_buffer.h"
#include "server/client.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "server/watch.h"

namespace osprey::server {

namespace {

// Redis sizes its per-client reply buffer at 16 KB and reports it as rbs;
// ours is the first chunk of the output buffer, of that same size.
constexpr size_t kReplyBufferSize = protocol::OutputBuffer::kChunkSize;
// Pointer-sized bookkeeping Redis counts per queued argument and per
// subscription or watched key (robj pointers, list nodes).
constexpr size_t kPointer = sizeof(void*);
constexpr size_t kListNode = 3 * sizeof(void*);

// multi-mem: the queued arguments plus a pointer for each, as Redis counts.
size_t MultiMemory(const Client& c) {
  size_t mem = 0;
  for (const QueuedCommand& q : c.multi_queue) {
    for (const std::string& a : q.args) mem += a.size() + kPointer;
  }
  return mem;
}

void AppendField(std::string* out, const char* name, std::string_view value) {
  out->push_back(' ');
  out->append(name);
  out->push_back('=');
  out->append(value);
}

void AppendField(std::string* out, const char* name, long long value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lld", value);
  AppendField(out, name, std::string_view(buf));
}

void AppendField(std::string* out, const char* name, size_t value) {
  AppendField(out, name, static_cast<long long>(value));
}

}  // namespace

ClientType GetClientType(Server& server, const Client& c) {
  (void)server;  // replicas and the master link will be told apart here
  if (c.has(kClientPubSub)) return ClientType::kPubSub;
  return ClientType::kNormal;
}

std::optional<ClientType> ClientTypeFromName(std::string_view name) {
  if (base::EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (base::EqualsIgnoreCase(name, "replica") || base::EqualsIgnoreCase(name, "slave")) {
    return ClientType::kReplica;
  }
  if (base::EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (base::EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

std::string ClientFlagLetters(const Client& c) {
  // Redis's letters, in Redis's order ('T' is Redis 7.2's NO-TOUCH).
  static constexpr struct {
    ClientFlag flag;
    char letter;
  } kLetters[] = {
      {kClientMonitor, 'O'},         {kClientPubSub, 'P'},    {kClientMulti, 'x'},
      {kClientBlocked, 'b'},         {kClientTracking, 't'},
      {kClientTrackingBrokenRedir, 'R'}, {kClientTrackingBcast, 'B'}, {kClientDirtyCas, 'd'},
      {kClientCloseAfterReply, 'c'}, {kClientUnblocked, 'u'}, {kClientCloseAsap, 'A'},
      {kClientUnixSocket, 'U'},      {kClientReadonly, 'r'},  {kClientNoEvict, 'e'},
      {kClientNoTouch, 'T'},
  };
  std::string letters;
  for (const auto& [flag, letter] : kLetters) {
    if (c.has(flag)) letters.push_back(letter);
  }
  if (letters.empty()) letters = "N";
  return letters;
}

size_t ClientMemoryUsage(Server& server, Client& c, size_t* output_mem) {
  protocol::OutputBuffer& out = c.output();
  // omem: the reply list beyond the first buffer, as Redis counts its reply
  // list: the memory its blocks hold (not only their used part), plus a node
  // each. client-output-buffer-limit judges this figure.
  const size_t list_chunks = out.ChunkCount() > 1 ? out.ChunkCount() - 1 : 0;
  const size_t omem = out.ListMemory() + list_chunks * kListNode;
  if (output_mem != nullptr) *output_mem = omem;
  size_t mem = omem + sizeof(Client) + kReplyBufferSize;
  mem += c.query_buffer_capacity();
  mem += c.argv_mem;
  mem += MultiMemory(c);
  mem += server.watches().watched_count(&c) * kListNode;
  mem += server.pubsub().TotalOf(&c) * kPointer;
  return mem;
}

void AppendClientInfo(Server& server, Client& c, std::string* out) {
  const int64_t now_s = server.now_ms() / 1000;
  protocol::OutputBuffer& obuf = c.output();
  const size_t pending = obuf.size();
  const size_t list_bytes = obuf.ListBytes();
  size_t omem = 0;
  const size_t total_mem = ClientMemoryUsage(server, c, &omem);
  const size_t qbuf = c.query_buffer_length();
  const size_t qcap = c.query_buffer_capacity();
  std::string events;
  if (c.fd() >= 0 && !c.has(kClientCloseAsap)) {
    events = c.has(kClientInWriteList) ? "rw" : "r";
  }

  out->append("id=");
  out->append(std::to_string(c.id()));
  AppendField(out, "addr", c.peer_id());
  AppendField(out, "laddr", c.local().ToString());
  AppendField(out, "fd", static_cast<long long>(c.fd()));
  AppendField(out, "name", c.name());
  AppendField(out, "age", static_cast<long long>(now_s - c.ctime_ms / 1000));
  AppendField(out, "idle", static_cast<long long>(now_s - c.last_interaction_ms / 1000));
  AppendField(out, "flags", ClientFlagLetters(c));
  AppendField(out, "db", static_cast<long long>(c.db_index));
  AppendField(out, "sub", server.pubsub().CountOf(&c, PubSub::Kind::kChannel));
  AppendField(out, "psub", server.pubsub().CountOf(&c, PubSub::Kind::kPattern));
  AppendField(out, "ssub", server.pubsub().CountOf(&c, PubSub::Kind::kShard));
  AppendField(out, "multi",
              c.has(kClientMulti) ? static_cast<long long>(c.multi_queue.size()) : -1LL);
  AppendField(out, "qbuf", qbuf);
  AppendField(out, "qbuf-free", qcap > qbuf ? qcap - qbuf : 0);
  AppendField(out, "argv-mem", c.argv_mem);
  AppendField(out, "multi-mem", MultiMemory(c));
  AppendField(out, "rbs", kReplyBufferSize);
  AppendField(out, "rbp", kReplyBufferSize);
  AppendField(out, "obl", pending > list_bytes ? pending - list_bytes : 0);
  AppendField(out, "oll", obuf.ChunkCount() > 1 ? obuf.ChunkCount() - 1 : 0);
  AppendField(out, "omem", omem);
  AppendField(out, "tot-mem", total_mem);
  AppendField(out, "events", events);
  AppendField(
      out, "cmd",
      c.last_cmd != nullptr ? std::string_view(c.last_cmd->fullname) : std::string_view("NULL"));
  AppendField(out, "user", c.user);
  AppendField(out, "redir",
              c.has(kClientTracking)
                  ? static_cast<long long>(server.tracking().RedirectOf(&c))
                  : -1LL);
  AppendField(out, "resp", static_cast<long long>(c.resp()));
  AppendField(out, "lib-name", c.lib_name);
  AppendField(out, "lib-ver", c.lib_ver);
}

}  // namespace osprey::server
