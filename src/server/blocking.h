// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...). A blocked client
// waits, first come first served per key, until a key it waits for holds a
// value of the type it needs; then its command runs again from the start
// (if that run blocks again, the client keeps its place and deadline). A
// client whose deadline passes gets its command's timeout reply.
//
// Keys become ready when handlers signal them (a push to an existing list)
// or when the keyspace reports a new key (or a stream key removed, for
// clients that asked to hear of it); the dispatcher serves ready keys
// after every top-level command, so a MULTI/EXEC or a BLMOVE that feeds
// another key is served in one go.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "commands/command_context.h"
#include "commands/command_def.h"
#include "types/object.h"

namespace osprey::server {

class Client;
class Server;

class BlockingManager {
 public:
  explicit BlockingManager(Server* server) : server_(server) {}

  // Blocks `c` (running `cmd` with `args`) as EngineHooks::BlockForKeys says.
  // With `wake_on_key_removed` its command also runs again when one of its
  // keys is deleted or holds another type (commands::BlockOptions).
  void Block(Client* c, const commands::CommandDef* cmd, std::span<const std::string_view> args,
             int db, std::span<const std::string_view> keys, types::ValueType type,
             int64_t deadline_ms, commands::BlockTimeoutReply timeout_reply,
             bool wake_on_key_removed = false);
  // `key` in `db` may now serve clients waiting for `type`.
  void SignalReady(int db, std::string_view key) {
    if (waiters_.empty()) return;
    SignalReadySlow(db, key);
  }
  // Every key clients wait for in `db` may now serve them (SWAPDB); serving
  // checks that each key exists with the type its clients want.
  void SignalDb(int db);
  bool has_ready() const { return !ready_.empty(); }
  // Re-runs the commands of clients waiting on ready keys.
  void ServeReady();

  enum class UnblockReason { kTimeout, kError };
  // Ends a block early (CLIENT UNBLOCK, timeouts). Returns false when `c` is
  // not blocked on keys.
  bool Unblock(Client* c, UnblockReason reason);
  // Forgets a client that is going away.
  void Forget(Client* c);
  // Times out clients whose deadline is at or before `now_ms`.
  void HandleTimeouts(int64_t now_ms);
  // The earliest deadline, or 0 when nobody waits with a timeout.
  int64_t NextDeadline() const { return deadlines_.empty() ? 0 : deadlines_.begin()->first; }
  // Clients that were unblocked and may have more requests to run.
  std::vector<Client*> TakeResumed();

  bool IsBlocked(const Client* c) const { return states_.count(c) != 0; }
  // Adds the time one run of the blocked command of `c` took: INFO
  // latencystats measures a blocking command once, when it completes, with
  // all its runs together (as Redis does).
  void AddExecTime(const Client* c, int64_t ns);
  // The key whose readiness is being served right now (empty otherwise).
  std::string_view serving_key() const { return serving_key_; }
  size_t blocked_clients() const { return states_.size(); }
  size_t blocked_keys() const { return waiters_.size(); }

 private:
  struct State {
    const commands::CommandDef* cmd;
    std::vector<std::string> args;
    int db;
    std::vector<std::string> slots;  // waiter slots: "<db>:<key>"
    types::ValueType type;
    int64_t deadline_ms;
    commands::BlockTimeoutReply timeout_reply;
    bool wake_on_key_removed = false;
    int64_t exec_ns = 0;  // time spent running the command, every run together
  };
  static std::string Slot(int db, std::string_view key);
  void SignalReadySlow(int db, std::string_view key);
  void Remove(Client* c);
  // Runs the blocked command of `c` again. Returns true if it was served.
  bool Rerun(Client* c);
  void UpdateTracking();
  // INFO commandstats/latencystats for a blocked command that completed
  // (served, timed out or unblocked); `failed` when it ended with an error.
  void RecordCompletion(const State& st, bool failed);

  Server* server_;
  std::unordered_map<const Client*, std::unique_ptr<State>> states_;
  std::unordered_map<std::string, std::deque<Client*>> waiters_;
  std::multimap<int64_t, Client*> deadlines_;
  std::vector<std::string> ready_;
  std::unordered_set<std::string> ready_set_;
  std::vector<Client*> resumed_;
  Client* rerunning_ = nullptr;  // the client whose command is running again
  bool reblocked_ = false;        // ...and it blocked once more
  std::string serving_key_;       // the ready key behind that run
};

}  // namespace osprey::server
