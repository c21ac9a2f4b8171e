// Replies shared by the server's container commands (SLOWLOG, LATENCY,
// MEMORY, DEBUG): defined in slowlog_handlers.cc.
#pragma once

#include <string>

#include "commands/command_context.h"

namespace osprey::server {

// "ERR unknown subcommand or wrong number of arguments for '<sub>'. Try
// <CMD> HELP.": Redis's reply when a subcommand gets a number of arguments
// its arity allows but its syntax does not (or the subcommand is unknown to
// a command without a subcommand table, as DEBUG). <sub> is argument 1 as
// typed (at most 128 bytes), <CMD> argument 0 upper-cased.
std::string SubcommandSyntaxError(commands::CommandContext& ctx);

}  // namespace osprey::server
