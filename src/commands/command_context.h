// Everything a command handler may touch: its arguments, the reply writer,
// the selected database, and the engine services it reports effects to
// (modified keys, notifications, dirtiness). Handlers never see sockets or
// client objects, so they run the same under the in-process test harness.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_def.h"
#include "commands/engine_config.h"
#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "protocol/reply_writer.h"
#include "types/object.h"

namespace osprey::commands {

class CommandTable;

// What a client blocked on keys receives when its timeout passes.
enum class BlockTimeoutReply : uint8_t {
  kNullArray,  // every blocking list and sorted-set command (BLMOVE too)
  kNullBulk,   // a null bulk string: no Redis 7.0 command times out with it
};

// What a blocking command may ask for beyond BlockForKeys (the stream
// commands; see handlers/stream_helpers.h for how XREAD uses them).
struct BlockOptions {
  // When non-empty, the command runs again with these arguments instead of
  // the ones it received: XREAD pins "$" to the ID it meant when the client
  // blocked, so a later run does not read it afresh.
  std::span<const std::string_view> rerun_args;
  // Also run the command again when one of its keys is deleted or stops
  // holding a value of the awaited type (Redis 7.0 answers a blocked
  // XREADGROUP then); that run sees ReadyKey() set to the key.
  bool wake_on_key_removed = false;
};

// Services of the engine around the keyspace, implemented by the server.
class EngineHooks {
 public:
  virtual ~EngineHooks() = default;
  // `key` in `db` was written or deleted: invalidates WATCH and client caches.
  virtual void KeyModified(keyspace::Db& db, std::string_view key) = 0;
  // A keyspace event of class `type` (keyspace::NotifyClass) named `event`.
  virtual void Notify(uint32_t type, std::string_view event, std::string_view key, int db) = 0;
  // All keys of `db` (every db when db < 0) are about to be removed. Called
  // before the flush so WATCH can see which watched keys existed.
  virtual void BeforeFlush(int db) = 0;
  // Databases `a` and `b` are about to exchange contents (SWAPDB).
  virtual void BeforeSwap(int a, int b) = 0;
  // Blocks the calling client until one of `keys` (in its current db) holds
  // a value of `type`, or until `deadline_ms` (unix ms; 0 = no timeout). The
  // handler must not reply: when a key is signalled ready the command runs
  // again from the start, and if it blocks again then, the client keeps its
  // place in line and its first deadline.
  virtual void BlockForKeys(std::span<const std::string_view> keys, types::ValueType type,
                            int64_t deadline_ms, BlockTimeoutReply timeout_reply) = 0;
  // BlockForKeys with `options`.
  virtual void BlockForKeysWithOptions(std::span<const std::string_view> keys,
                                       types::ValueType type, int64_t deadline_ms,
                                       BlockTimeoutReply timeout_reply,
                                       const BlockOptions& options) = 0;
  // `key` in `db` received data that blocked clients may take (a push to an
  // existing list, ZADD to an existing zset...). New keys are signalled by
  // the keyspace itself.
  virtual void SignalKeyReady(keyspace::Db& db, std::string_view key) = 0;
  // While a blocked command runs again because one of its keys became
  // ready: that key (Redis 7.0 serves a woken client from the key that woke
  // it, not from the first of its keys that has data). Empty otherwise.
  virtual std::string_view ReadyKey() const { return {}; }
  // Writes `message` to the server log at verbose level (why a RESTORE
  // payload was refused, as Redis logs it). No-op by default.
  virtual void LogVerbose(std::string_view message) { (void)message; }
};

// How the command is being run.
enum ExecFlag : uint32_t {
  kExecInMulti = 1u << 0,   // inside MULTI/EXEC: blocking commands don't block
  kExecInScript = 1u << 1,
  kExecFromMaster = 1u << 2,
  kExecLoading = 1u << 3,   // replaying the AOF
  kExecReprocess = 1u << 4, // re-running a blocked command whose key became ready
};

class CommandContext {
 public:
  CommandContext(std::span<const std::string_view> args, protocol::ReplyWriter* reply,
                 keyspace::Keyspace* keyspace, keyspace::Db* db, const CommandDef* cmd,
                 EngineHooks* hooks, const EngineConfig* config)
      : args_(args), reply_(reply), keyspace_(keyspace), db_(db), cmd_(cmd), hooks_(hooks),
        config_(config) {}
  virtual ~CommandContext() = default;

  std::span<const std::string_view> args() const { return args_; }
  std::string_view arg(size_t i) const { return args_[i]; }
  size_t argc() const { return args_.size(); }

  protocol::ReplyWriter& reply() { return *reply_; }
  keyspace::Keyspace& keyspace() { return *keyspace_; }
  keyspace::Db& db() { return *db_; }
  void set_db(keyspace::Db* db) { db_ = db; }
  const CommandDef& cmd() const { return *cmd_; }
  const EngineConfig& config() const { return *config_; }
  int64_t now_ms() const { return keyspace_->now_ms(); }

  uint32_t exec_flags() const { return exec_flags_; }
  void set_exec_flags(uint32_t f) { exec_flags_ = f; }
  bool in_multi() const { return (exec_flags_ & kExecInMulti) != 0; }
  // Blocking commands block only outside MULTI and scripts; elsewhere they
  // act as their non-blocking forms.
  bool may_block() const { return (exec_flags_ & (kExecInMulti | kExecInScript)) == 0; }
  void BlockForKeys(std::span<const std::string_view> keys, types::ValueType type,
                    int64_t deadline_ms, BlockTimeoutReply timeout_reply) {
    hooks_->BlockForKeys(keys, type, deadline_ms, timeout_reply);
  }
  void BlockForKeys(std::span<const std::string_view> keys, types::ValueType type,
                    int64_t deadline_ms, BlockTimeoutReply timeout_reply,
                    const BlockOptions& options) {
    hooks_->BlockForKeysWithOptions(keys, type, deadline_ms, timeout_reply, options);
  }
  // True while the command runs again for a client it blocked (a key it
  // waits for became ready: ready_key() names it).
  bool reprocessing() const { return (exec_flags_ & kExecReprocess) != 0; }
  void SignalKeyReady(std::string_view key) { hooks_->SignalKeyReady(*db_, key); }
  std::string_view ready_key() const { return hooks_->ReadyKey(); }

  // Counts changes for save points and propagation (Redis's server.dirty).
  void AddDirty(uint64_t n = 1) { dirty_ += n; }
  uint64_t dirty() const { return dirty_; }

  // --- propagation: the command's effects, as commands (AOF, replicas) ---
  // A command that made the data set dirty is propagated as received unless
  // its handler says otherwise here. Effects are emitted in order; more
  // than one (or a whole EXEC) is wrapped in MULTI/EXEC.
  struct Effect {
    int db;
    std::vector<std::string> args;
  };
  // Propagates the command as `args` instead of as received (in its db).
  void PropagateAs(std::initializer_list<std::string_view> args) {
    PropagateAs(std::span<const std::string_view>(args.begin(), args.size()));
  }
  void PropagateAs(std::span<const std::string_view> args) {
    as_ = Effect{db_->index(), {args.begin(), args.end()}};
    own_ = OwnPropagation::kReplaced;
  }
  // Adds an effect before the command's own one (several per command:
  // SPOP with a count, a blocking pop served later).
  void AlsoPropagate(std::initializer_list<std::string_view> args) {
    AlsoPropagate(std::span<const std::string_view>(args.begin(), args.size()));
  }
  void AlsoPropagate(std::span<const std::string_view> args) {
    also_.push_back(Effect{db_->index(), {args.begin(), args.end()}});
  }
  // The command itself is not propagated (its AlsoPropagate effects are).
  void PreventPropagation() { own_ = OwnPropagation::kPrevented; }
  enum class OwnPropagation : uint8_t { kAsReceived, kReplaced, kPrevented };
  OwnPropagation own_propagation() const { return own_; }
  const Effect& propagate_as() const { return as_; }
  std::vector<Effect>& also_propagated() { return also_; }

  void KeyModified(std::string_view key) { hooks_->KeyModified(*db_, key); }
  void KeyModified(keyspace::Db& db, std::string_view key) { hooks_->KeyModified(db, key); }
  void Notify(uint32_t type, std::string_view event, std::string_view key) {
    hooks_->Notify(type, event, key, db_->index());
  }
  void Notify(uint32_t type, std::string_view event, std::string_view key, int db) {
    hooks_->Notify(type, event, key, db);
  }
  void BeforeFlush(int db) { hooks_->BeforeFlush(db); }
  void BeforeSwap(int a, int b) { hooks_->BeforeSwap(a, b); }
  EngineHooks& hooks() { return *hooks_; }

  // The server's command table (with its renames), for COMMAND and friends.
  // Set by the dispatcher; nullptr means the compiled-in table.
  const CommandTable* command_table() const { return command_table_; }
  void set_command_table(const CommandTable* table) { command_table_ = table; }

 private:
  std::span<const std::string_view> args_;
  protocol::ReplyWriter* reply_;
  keyspace::Keyspace* keyspace_;
  keyspace::Db* db_;
  const CommandDef* cmd_;
  EngineHooks* hooks_;
  const EngineConfig* config_;
  const CommandTable* command_table_ = nullptr;
  uint32_t exec_flags_ = 0;
  uint64_t dirty_ = 0;
  OwnPropagation own_ = OwnPropagation::kAsReceived;
  Effect as_;
  std::vector<Effect> also_;
};

using CommandHandler = void (*)(CommandContext&);

}  // namespace osprey::commands
