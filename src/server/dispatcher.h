// Runs client requests: finds the command, checks arity, authentication,
// transaction and context rules in Redis's order, queues inside MULTI, and
// calls the handler with the bookkeeping around it (statistics, slow log,
// latency samples, dirty counting).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "commands/command_def.h"
#include "commands/key_extraction.h"

namespace osprey::server {

class Server;
class Client;

class Dispatcher {
 public:
  explicit Dispatcher(Server* server);

  // Handles one parsed request from `c`. `args` are valid for the call only.
  void ProcessRequest(Client& c, std::span<const std::string_view> args);

  // Executes `cmd` for `c` (after all checks), with statistics and slow log.
  // Used directly by EXEC for the queued commands.
  void Call(Client& c, const commands::CommandDef* cmd, std::span<const std::string_view> args,
            uint32_t exec_flags = 0);

  // While the AOF loads, every command runs with kExecLoading (a time in
  // the past sets an expire instead of deleting, as Redis loads).
  void set_loading(bool loading) { loading_ = loading; }

  // True while a command is executing (nested calls from EXEC included).
  bool in_call() const { return depth_ > 0; }
  // The command running now and its arguments (valid during Call).
  const commands::CommandDef* current_cmd() const { return current_cmd_; }
  std::span<const std::string_view> current_args() const { return current_args_; }

 private:
  // Replies with `error` to a command refused before running; inside MULTI
  // this also makes EXEC abort.
  void Reject(Client& c, const commands::CommandDef* cmd, std::string_view error);
  bool AuthRequired(const Client& c) const;
  bool DebugAllowed(const Client& c) const;
  // A snapshot is running: hands the keys `cmd` may write in database `db`
  // to it first, so in-place changes made through any path are covered.
  void BeforeWriteDuringSnapshot(int db, const commands::CommandDef& cmd,
                                 std::span<const std::string_view> args);

  Server* server_;
  int depth_ = 0;
  bool loading_ = false;
  const commands::CommandDef* current_cmd_ = nullptr;
  std::span<const std::string_view> current_args_;
  // The keyspace's touch setting outside any command (CLIENT NO-TOUCH).
  bool touch_outer_ = true;
  // Error replies counted when the last call ended (failed_calls).
  uint64_t errors_seen_ = 0;
  commands::KeysResult snapshot_keys_;  // reused by BeforeWriteDuringSnapshot
};

}  // namespace osprey::server
