// BGREWRITEAOF. The rewrite runs to completion before the reply (see
// aof_service.h), so the reply Redis gives when its rewrite has started
// is also true here; a rewrite asked for inside EXEC runs the same way.
#include "commands/command_context.h"
#include "server/aof_service.h"
#include "server/server.h"
#include "server/server_context.h"

namespace osprey::server {

void BgRewriteAofCommand(commands::CommandContext& ctx) {
  Server& server = ServerCommandContext::From(ctx).server();
  if (!server.aof().Rewrite().ok()) {
    ctx.reply().Error(
        "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
        "information.");
    return;
  }
  ctx.reply().SimpleString("Background append only file rewriting started");
}

}  // namespace osprey::server
