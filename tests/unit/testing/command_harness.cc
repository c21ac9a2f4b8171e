#include "testing/command_harness.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/uio.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "server/client.h"
#include "server/config_registry.h"
#include "server/dispatcher.h"
#include "server/server.h"

namespace osprey::testing {

namespace {

// Snapshots the harness's servers write (SAVE, FLUSHALL and SHUTDOWN with
// save points) go to one temporary directory per test process, removed at
// exit, never to wherever the tests were started from.
char g_snapshot_dir[] = "/tmp/osprey-unit-XXXXXX";

void RemoveSnapshotDir() {
  std::error_code ignored;
  std::filesystem::remove_all(g_snapshot_dir, ignored);
}

const std::string& SnapshotDir() {
  static const std::string dir = [] {
    if (mkdtemp(g_snapshot_dir) == nullptr) return std::string("/tmp");
    std::atexit(RemoveSnapshotDir);
    return std::string(g_snapshot_dir);
  }();
  return dir;
}

std::string Drain(protocol::OutputBuffer& out) {
  std::string bytes;
  std::vector<iovec> iov(out.ChunkCount() + 4);
  while (!out.empty()) {
    int n = out.Gather(iov.data(), static_cast<int>(iov.size()));
    size_t total = 0;
    for (int i = 0; i < n; ++i) {
      bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      total += iov[i].iov_len;
    }
    out.Consume(total);
  }
  return bytes;
}
}  // namespace

CommandHarness::CommandHarness(std::string_view config)
    : config_(std::make_unique<server::ConfigRegistry>()) {
  logger_.set_level(base::LogLevel::kWarning);
  base::Status st = config_->LoadFromString("dir " + SnapshotDir() + "\n" + std::string(config));
  EXPECT_TRUE(st.ok()) << st.message();
  server_ = std::make_unique<server::Server>(config_.get(), &logger_, &clock_);
  st = server_->Init(/*listen=*/false);
  EXPECT_TRUE(st.ok()) << st.message();
  NewClient();
}

CommandHarness::~CommandHarness() = default;

size_t CommandHarness::NewClient() {
  net::PeerAddress peer;
  peer.ip = "127.0.0.1";
  peer.port = 40000 + static_cast<int>(clients_.size());
  clients_.push_back(server_->CreateClient(-1, peer, false));
  return clients_.size() - 1;
}

std::string CommandHarness::RunRaw(std::vector<std::string_view> args, size_t client) {
  server::Client& c = *clients_[client];
  // Anything pushed earlier is not part of this command's reply.
  Drain(c.output());
  server_->dispatcher().ProcessRequest(c, args);
  return Drain(c.output());
}

Reply CommandHarness::RunOn(size_t client, std::vector<std::string_view> args) {
  std::string bytes = RunRaw(std::move(args), client);
  Reply r;
  size_t pos = 0;
  if (bytes.empty()) {
    r.type = Reply::Type::kNull;
    r.str = "(no reply)";
    return r;
  }
  EXPECT_TRUE(ParseReply(bytes, &pos, &r)) << "unparsable reply: " << bytes;
  return r;
}

std::vector<Reply> CommandHarness::TakePushed(size_t client) {
  std::string bytes = Drain(clients_[client]->output());
  std::vector<Reply> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    Reply r;
    if (!ParseReply(bytes, &pos, &r)) break;
    out.push_back(std::move(r));
  }
  return out;
}

void CommandHarness::Cron() { server_->RunCron(); }

}  // namespace osprey::testing
