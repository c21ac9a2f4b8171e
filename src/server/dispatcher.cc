#include "server/dispatcher.h"

#include <ctime>
#include <string>

#include "base/ascii.h"
#include "commands/generated.h"
#include "keyspace/snapshot_walk.h"
#include "protocol/reply_errors.h"
#include "server/client.h"
#include "server/propagation.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/server_context.h"
#include "server/slowlog.h"
#include "server/snapshot.h"

namespace osprey::server {

namespace {

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Commands that run at once even inside MULTI.
bool RunsInsideMulti(const commands::CommandDef* cmd) {
  std::string_view n = cmd->fullname;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

// Commands a RESP2 client may send while subscribed.
bool AllowedWhileSubscribed(const commands::CommandDef* cmd) {
  std::string_view n = cmd->fullname;
  return n == "ping" || n == "subscribe" || n == "ssubscribe" || n == "unsubscribe" ||
         n == "sunsubscribe" || n == "psubscribe" || n == "punsubscribe" || n == "quit" ||
         n == "reset";
}

}  // namespace

Dispatcher::Dispatcher(Server* server) : server_(server) {}

bool Dispatcher::AuthRequired(const Client& c) const {
  return !c.authenticated && !server_->config().requirepass.empty();
}

bool Dispatcher::DebugAllowed(const Client& c) const {
  switch (server_->config().enable_debug_command) {
    case ProtectedAction::kYes: return true;
    case ProtectedAction::kLocal: return c.is_local();
    default: return false;
  }
}

void Dispatcher::Reject(Client& c, const commands::CommandDef* cmd, std::string_view error) {
  if (c.has(kClientMulti)) c.set(kClientDirtyExec);
  c.reply().Error(error);
  if (cmd != nullptr) ++server_->stats().commands[static_cast<size_t>(cmd->id)].rejected_calls;
}

void Dispatcher::ProcessRequest(Client& c, std::span<const std::string_view> args) {
  const commands::CommandDef* cmd = server_->command_table().Lookup(args);
  CachingScope caching_scope(c, cmd);  // CLIENT CACHING lasts one request
  if (cmd == nullptr || (!cmd->is_container() &&
                         commands::generated::kHandlers[cmd->id] == nullptr)) {
    const commands::CommandDef* container = server_->command_table().Find(args[0]);
    if (container != nullptr && container->is_container() && args.size() >= 2) {
      Reject(c, nullptr, protocol::UnknownSubcommandError(args[0], args[1]));
    } else {
      Reject(c, nullptr, protocol::UnknownCommandError(args[0], args.subspan(1)));
    }
    return;
  }
  c.last_cmd = cmd;
  if ((cmd->arity > 0 && static_cast<int>(args.size()) != cmd->arity) ||
      static_cast<int>(args.size()) < -cmd->arity) {
    Reject(c, cmd, protocol::WrongArityError(cmd->fullname));
    return;
  }
  if (cmd->has(commands::kCmdProtected) && std::string_view(cmd->fullname) == "debug" &&
      !DebugAllowed(c)) {
    Reject(c, cmd,
           "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
           "\"local\", you can run it from a local connection, otherwise you need to set this "
           "option in the configuration file, and then restart the server.");
    return;
  }
  if (AuthRequired(c) && !cmd->has(commands::kCmdNoAuth)) {
    Reject(c, cmd, protocol::ErrorText(protocol::ErrorCode::kNoAuth));
    return;
  }
  if (c.has(kClientMulti) && cmd->has(commands::kCmdNoMulti)) {
    Reject(c, cmd, "ERR Command not allowed inside a transaction");
    return;
  }
  // Keep the client-side caching table within tracking-table-max-keys (at
  // this point of each request, as Redis does).
  server_->tracking().LimitKeys(&c);
  if (c.has(kClientPubSub) && c.resp() == 2 && !AllowedWhileSubscribed(cmd)) {
    std::string err = "ERR Can't execute '";
    err += cmd->fullname;
    err += "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
           "context";
    Reject(c, cmd, err);
    return;
  }
  // CLIENT PAUSE: hold the request until the pause ends (Redis's postpone,
  // which also comes right before queueing or running).
  if (server_->client_pause().paused() && server_->ShouldPostpone(c, cmd)) {
    server_->PostponeClient(&c);
    return;
  }
  // Persistence is failing: refuse writes (and PING, as Redis does). The
  // rare failure is looked at first, so other requests pay no name checks.
  if (std::string error; WritesDeniedByDiskError(*server_, &error) &&
                         (cmd->has(commands::kCmdWrite) ||
                          std::string_view(cmd->fullname) == "ping" ||
                          (std::string_view(cmd->fullname) == "exec" &&
                           (c.multi_cmd_flags & commands::kCmdWrite)))) {
    Reject(c, cmd, error);
    return;
  }
  if (server_->serving_during_load() && !cmd->has(commands::kCmdLoading)) {
    Reject(c, cmd, protocol::ErrorText(protocol::ErrorCode::kLoading));
    return;
  }
  if (c.has(kClientMulti) && !RunsInsideMulti(cmd)) {
    QueuedCommand q;
    q.cmd = cmd;
    q.args.reserve(args.size());
    for (std::string_view a : args) {
      q.args.emplace_back(a);
      c.multi_bytes += a.size();
    }
    c.multi_cmd_flags |= cmd->flags;
    c.multi_queue.push_back(std::move(q));
    c.reply().Queued();
    return;
  }
  Call(c, cmd, args);
  // Keys this command filled may serve clients blocked on them.
  if (server_->blocking().has_ready()) server_->blocking().ServeReady();
}

void Dispatcher::Call(Client& c, const commands::CommandDef* cmd,
                      std::span<const std::string_view> args, uint32_t exec_flags) {
  // The outermost call fixes "now" for everything it runs (EXEC included).
  if (depth_++ == 0) server_->UpdateCachedTime();
  Client* previous = server_->current_client();
  server_->set_current_client(&c);
  const commands::CommandDef* previous_cmd = current_cmd_;
  const std::span<const std::string_view> previous_args = current_args_;
  current_cmd_ = cmd;
  current_args_ = args;

  const bool skip = c.has(kClientReplySkipNext);
  if (skip) {
    c.clear(kClientReplySkipNext);
    c.set(kClientReplySkip);
    c.reply().set_muted(true);
  }

  keyspace::Keyspace& ks = server_->keyspace();
  // CLIENT NO-TOUCH (Redis 7.2): the client's commands leave access clocks
  // alone, except TOUCH. Each call (EXEC's inner ones too) sets the rule for
  // its own command; the setting of the outermost call is restored after.
  const bool touch_before = ks.touch_enabled();
  if (depth_ == 1) touch_outer_ = touch_before;
  if (c.has(kClientNoTouch)) {
    ks.set_touch_enabled(touch_outer_ && std::string_view(cmd->fullname) == "touch");
  }
  commands::CommandContext base_ctx(args, &c.reply(), &ks, &ks.db(c.db_index), cmd, server_,
                                    &server_->engine_config());
  base_ctx.set_exec_flags(exec_flags | (loading_ ? uint32_t{commands::kExecLoading} : 0u));
  base_ctx.set_command_table(&server_->command_table());
  ServerCommandContext ctx(std::move(base_ctx), server_, &c);

  // INFO commandstats: a call failed when an error was replied since the
  // last call ended, nested ones included, so EXEC is not blamed for the
  // errors of the commands it ran (as Redis counts).
  if (depth_ == 1) errors_seen_ = server_->error_reply_count();
  if (ks.snapshot() != nullptr && cmd->has(commands::kCmdWrite)) {
    BeforeWriteDuringSnapshot(c.db_index, *cmd, args);
  }
  const int64_t start = MonotonicNanos();
  commands::generated::kHandlers[cmd->id](ctx);
  const int64_t duration_ns = MonotonicNanos() - start;
  const int64_t duration_us = duration_ns / 1000;
  ks.set_touch_enabled(touch_before);  // CLIENT NO-TOUCH, see above
  // Client-side caching: the keys a tracking client read may be in its cache.
  if (cmd->has(commands::kCmdReadonly) && c.has(kClientTracking)) {
    server_->tracking().RememberKeys(c, *cmd, args);
  }

  // A blocked command run again because its key became ready was counted,
  // logged and monitored when it first ran.
  const bool rerun = (exec_flags & commands::kExecReprocess) != 0;
  CommandStats& st = server_->stats().commands[static_cast<size_t>(cmd->id)];
  if (!rerun) ++st.calls;
  st.usec += static_cast<uint64_t>(duration_us);
  // ">": CONFIG RESETSTAT may have zeroed the counter during the call.
  if (server_->error_reply_count() > errors_seen_) ++st.failed_calls;
  errors_seen_ = server_->error_reply_count();
  // INFO latencystats: one histogram per command; a blocked command is
  // measured once, when it completes (see BlockingManager::RecordCompletion).
  if (c.has(kClientBlocked)) {
    server_->blocking().AddExecTime(&c, duration_ns);
  } else if (server_->config().latency_tracking) {
    server_->command_latency()[cmd->id].Record(static_cast<uint64_t>(duration_ns));
  }
  server_->stats().dirty += ctx.dirty();
  CollectCommandEffects(server_->propagation(), ctx, args);
  if (!rerun) {
    ++server_->stats().total_commands_processed;
    ++c.commands_processed;
  }

  if (!rerun && !cmd->has(commands::kCmdSkipSlowlog)) {
    server_->slowlog().MaybeAdd(c, cmd, args, duration_us, server_->now_ms() / 1000);
  }
  if (!rerun && !cmd->has(commands::kCmdSkipMonitor) && !cmd->has(commands::kCmdAdmin)) {
    server_->FeedMonitors(c, ctx.db().index(), args);
  }
  server_->latency_monitor().AddSampleIfNeeded(
      cmd->has(commands::kCmdFast) ? "fast-command" : "command", duration_us / 1000,
      server_->now_ms() / 1000);

  if (c.has(kClientReplySkip)) {
    c.clear(kClientReplySkip);
    c.reply().set_muted(c.has(kClientReplyOff));
  }
  // Invalidations for this client's own keys follow the whole reply (of
  // EXEC too), never interleave with it.
  if (depth_ == 1) server_->tracking().SendPending();
  // The whole top-level call (EXEC with what it ran) reaches the AOF as one.
  if (depth_ == 1) server_->propagation().Flush(!cmd->has(commands::kCmdTouchesArbitraryKeys));
  current_cmd_ = previous_cmd;
  current_args_ = previous_args;
  server_->set_current_client(previous);
  --depth_;
}

void Dispatcher::BeforeWriteDuringSnapshot(int db, const commands::CommandDef& cmd,
                                           std::span<const std::string_view> args) {
  keyspace::SnapshotWalk* walk = server_->keyspace().snapshot();
  if (commands::GetKeys(cmd, args, commands::kKeySearchReturnPartial, &snapshot_keys_) <= 0) {
    return;
  }
  for (const commands::KeyReference& k : snapshot_keys_.keys) {
    walk->BeforeChange(db, args[static_cast<size_t>(k.pos)]);
  }
}

}  // namespace osprey::server
