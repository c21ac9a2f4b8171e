// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].
//
// On success Redis exits inside the command, so the caller never gets a
// reply: its connection simply closes. Osprey asks the event loop to stop
// and closes the caller's connection at once (dropping anything it
// pipelined after SHUTDOWN); the loop then closes the listeners and every
// other connection and the process exits with status 0.
//
// What happens before exiting follows Redis's order, with hooks where the
// subsystems that are not written yet plug in:
//   1. replicas: without NOW, wait (up to shutdown-timeout) for them to catch
//      up -- replication hook, there are no replicas yet;
//   2. AOF: flush and fsync -- persistence hook;
//   3. RDB: save when SAVE is given, or when save points are configured and
//      NOSAVE is not (SaveBeforeExit in snapshot.cc);
// A failing step aborts the shutdown with "Errors trying to SHUTDOWN. Check
// logs." unless FORCE is given.
#include <string_view>

#include "base/logging.h"
#include "base/status.h"
#include "commands/arg_parser.h"
#include "protocol/reply_errors.h"
#include "server/client.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/server_context.h"
#include "server/snapshot.h"

namespace osprey::server {

using commands::CommandContext;
using commands::IsOption;

namespace {

struct ShutdownOptions {
  uint32_t flags = 0;  // ShutdownFlag bits
  bool abort = false;
};

// Replies a syntax error and returns false for an unknown word or a
// contradictory combination (ABORT with anything, SAVE with NOSAVE).
bool ParseShutdownOptions(CommandContext& ctx, ShutdownOptions* opts) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (IsOption(a, "nosave")) {
      opts->flags |= kShutdownNoSave;
    } else if (IsOption(a, "save")) {
      opts->flags |= kShutdownSave;
    } else if (IsOption(a, "now")) {
      opts->flags |= kShutdownNow;
    } else if (IsOption(a, "force")) {
      opts->flags |= kShutdownForce;
    } else if (IsOption(a, "abort")) {
      opts->abort = true;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return false;
    }
  }
  const bool both = (opts->flags & kShutdownSave) && (opts->flags & kShutdownNoSave);
  if ((opts->abort && opts->flags != 0) || both) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return false;
  }
  return true;
}

// The steps before exiting (see the file comment). Returns false, having
// logged why, when the shutdown must not go on.
bool PrepareToExit(Server& server, uint32_t flags) {
  // Replication hook: without NOW, wait for lagging replicas here.
  // Persistence hook: flush and fsync the AOF here when appendonly is on.
  return SaveBeforeExit(server, flags);
}

}  // namespace

void ShutdownCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Server& server = sc.server();
  ShutdownOptions opts;
  if (!ParseShutdownOptions(ctx, &opts)) return;
  if (opts.abort) {
    if (server.CancelShutdown()) {
      server.logger().Log(base::LogLevel::kNotice, "Shutdown manually aborted.");
      ctx.reply().Ok();
    } else {
      ctx.reply().Error("ERR No shutdown in progress.");
    }
    return;
  }
  // While the data set is still loading there is nothing whole to save.
  if (server.loading().active) opts.flags = (opts.flags & ~kShutdownSave) | kShutdownNoSave;
  if (!PrepareToExit(server, opts.flags)) {
    ctx.reply().Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  server.RequestShutdown(0);
  // No reply: as with Redis, the caller sees its connection close.
  sc.client().reply().set_muted(true);
  server.CloseClientAsync(&sc.client());
}

}  // namespace osprey::server
