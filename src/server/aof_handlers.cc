// BGREWRITEAOF: starts a background rewrite (see aof_service.h), or
// schedules one when a BGSAVE runs or inside EXEC, as Redis does.
#include "commands/command_context.h"
#include "server/aof_service.h"
#include "server/background_save.h"
#include "server/server.h"
#include "server/server_context.h"

namespace osprey::server {

void BgRewriteAofCommand(commands::CommandContext& ctx) {
  Server& server = ServerCommandContext::From(ctx).server();
  AofService& aof = server.aof();
  if (aof.rewrite_in_progress()) {
    ctx.reply().Error("ERR Background append only file rewriting already in progress");
    return;
  }
  if (server.background_save().running() || ctx.in_multi()) {
    aof.ScheduleRewrite();
    ctx.reply().SimpleString("Background append only file rewriting scheduled");
    return;
  }
  if (!aof.StartRewrite().ok()) {
    ctx.reply().Error(
        "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
        "information.");
    return;
  }
  ctx.reply().SimpleString("Background append only file rewriting started");
}

}  // namespace osprey::server
