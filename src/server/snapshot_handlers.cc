// SAVE and LASTSAVE (BGSAVE, a snapshot without fork, comes later).
#include "commands/command_context.h"
#include "server/server.h"
#include "server/server_context.h"
#include "server/snapshot.h"

namespace osprey::server {

using commands::CommandContext;

void SaveCommand(CommandContext& ctx) {
  Server& server = ServerCommandContext::From(ctx).server();
  ++server.stats().rdb_saves;
  if (!SaveSnapshot(server).ok()) {
    ctx.reply().Error("ERR");
    return;
  }
  ctx.reply().Ok();
}

void LastsaveCommand(CommandContext& ctx) {
  const ServerStats& stats = ServerCommandContext::From(ctx).server().stats();
  const int64_t ms = stats.lastsave_ms != 0 ? stats.lastsave_ms : stats.start_time_ms;
  ctx.reply().Integer(ms / 1000);
}

}  // namespace osprey::server
