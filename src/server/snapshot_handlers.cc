// SAVE, BGSAVE and LASTSAVE.
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "protocol/reply_errors.h"
#include "server/background_save.h"
#include "server/server.h"
#include "server/server_context.h"
#include "server/snapshot.h"

namespace osprey::server {

using commands::CommandContext;

void SaveCommand(CommandContext& ctx) {
  Server& server = ServerCommandContext::From(ctx).server();
  const BackgroundSave& bg = server.background_save();
  if (bg.running() && bg.kind() == BackgroundSave::Kind::kRdb) {
    ctx.reply().Error("ERR Background save already in progress");
    return;
  }
  ++server.stats().rdb_saves;
  if (!SaveSnapshot(server).ok()) {
    ctx.reply().Error("ERR");
    return;
  }
  ctx.reply().Ok();
}

// BGSAVE [SCHEDULE]: one background job runs at a time; with SCHEDULE (or
// inside MULTI) a BGSAVE that cannot start now starts when the running job
// ends.
void BgsaveCommand(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 1) {
    if (ctx.argc() == 2 && commands::IsOption(ctx.arg(1), "schedule")) {
      schedule = true;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return;
    }
  }
  Server& server = ServerCommandContext::From(ctx).server();
  const BackgroundSave& bg = server.background_save();
  if (bg.running() && bg.kind() == BackgroundSave::Kind::kRdb) {
    ctx.reply().Error("ERR Background save already in progress");
    return;
  }
  if (bg.running() || ctx.in_multi()) {
    if (schedule || ctx.in_multi()) {
      server.stats().bgsave_scheduled = true;
      ctx.reply().SimpleString("Background saving scheduled");
    } else {
      ctx.reply().Error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
          "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    return;
  }
  if (!StartBackgroundSave(server).ok()) {
    ctx.reply().Error("ERR");
    return;
  }
  ++server.stats().rdb_saves;
  ctx.reply().SimpleString("Background saving started");
}

void LastsaveCommand(CommandContext& ctx) {
  const ServerStats& stats = ServerCommandContext::From(ctx).server().stats();
  const int64_t ms = stats.lastsave_ms != 0 ? stats.lastsave_ms : stats.start_time_ms;
  ctx.reply().Integer(ms / 1000);
}

}  // namespace osprey::server
