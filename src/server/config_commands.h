// The CONFIG subcommands run against a given registry, so they can be tested
// without a Server; config_handlers.cc binds them to the server's registry.
// Arity is checked by the dispatcher before these run.
#pragma once

#include "commands/command_context.h"
#include "server/config_registry.h"

namespace osprey::server {

// CONFIG GET pattern [pattern ...]: a map of matching names to values.
void ConfigGet(ConfigRegistry& registry, commands::CommandContext& ctx);
// CONFIG SET name value [name value ...], all or nothing.
void ConfigSet(ConfigRegistry& registry, commands::CommandContext& ctx);
// CONFIG RESETSTAT: runs the registry's reset_stats hook.
void ConfigResetStat(ConfigRegistry& registry, commands::CommandContext& ctx);
// CONFIG REWRITE.
void ConfigRewrite(ConfigRegistry& registry, commands::CommandContext& ctx);
// CONFIG HELP.
void ConfigHelp(commands::CommandContext& ctx);

}  // namespace osprey::server
