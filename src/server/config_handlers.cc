// CONFIG GET/SET/RESETSTAT/REWRITE/HELP bound to the server's registry.
#include "server/config_handlers.h"

#include "server/config_commands.h"
#include "server/server_context.h"

namespace osprey::server {

void ConfigGetCommand(commands::CommandContext& ctx) {
  ConfigGet(ServerCommandContext::From(ctx).config(), ctx);
}

void ConfigSetCommand(commands::CommandContext& ctx) {
  ConfigSet(ServerCommandContext::From(ctx).config(), ctx);
}

void ConfigResetStatCommand(commands::CommandContext& ctx) {
  ConfigResetStat(ServerCommandContext::From(ctx).config(), ctx);
}

void ConfigRewriteCommand(commands::CommandContext& ctx) {
  ConfigRewrite(ServerCommandContext::From(ctx).config(), ctx);
}

void ConfigHelpCommand(commands::CommandContext& ctx) { ConfigHelp(ctx); }

}  // namespace osprey::server
