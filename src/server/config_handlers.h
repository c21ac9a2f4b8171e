// Handlers of the CONFIG subcommands, as the command table binds them.
#pragma once

#include "commands/command_context.h"

namespace osprey::server {

void ConfigGetCommand(commands::CommandContext& ctx);
void ConfigSetCommand(commands::CommandContext& ctx);
void ConfigResetStatCommand(commands::CommandContext& ctx);
void ConfigRewriteCommand(commands::CommandContext& ctx);
void ConfigHelpCommand(commands::CommandContext& ctx);

}  // namespace osprey::server
