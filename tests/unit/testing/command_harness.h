// Runs commands in-process through the real dispatcher, reply writer and
// keyspace, with no sockets and a fake clock: Run({"set", "k", "v"}) returns
// the parsed reply. TTL tests advance the clock instead of sleeping.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/logging.h"
#include "testing/reply.h"

namespace osprey::server {
class Server;
class Client;
class ConfigRegistry;
}  // namespace osprey::server

namespace osprey::testing {

class CommandHarness {
 public:
  // `config` is redis.conf text applied on top of the defaults.
  explicit CommandHarness(std::string_view config = "");
  ~CommandHarness();

  // Runs one command on the default client and returns its reply.
  Reply Run(std::vector<std::string_view> args) { return RunOn(0, std::move(args)); }
  // The reply bytes exactly as a client would receive them.
  std::string RunRaw(std::vector<std::string_view> args, size_t client = 0);
  Reply RunOn(size_t client, std::vector<std::string_view> args);
  // Adds a client (its own connection state: db, RESP version, MULTI...).
  size_t NewClient();
  // Takes whatever output a client has received outside of Run (pub/sub
  // messages, invalidations), parsed.
  std::vector<Reply> TakePushed(size_t client);

  base::FakeClock& clock() { return clock_; }
  // Moves time forward (nothing else happens until the next command or cron).
  void AdvanceMillis(int64_t ms) { clock_.AdvanceMillis(ms); }
  // Runs one server cron tick (active expiry and the rest).
  void Cron();

  server::Server& server() { return *server_; }
  server::Client& client(size_t i) { return *clients_[i]; }

 private:
  base::FakeClock clock_;
  base::Logger logger_;
  std::unique_ptr<server::ConfigRegistry> config_;
  std::unique_ptr<server::Server> server_;
  std::vector<server::Client*> clients_;
};

}  // namespace osprey::testing
