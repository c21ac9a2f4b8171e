// COMMAND and its subcommands: what the server tells clients about its
// commands, read from the command table. The replies have Redis 7.0's exact
// layout in RESP2 and RESP3 (field order, flag order, nulls for unknown names).
#pragma once

#include "commands/command_context.h"
#include "commands/command_def.h"
#include "protocol/reply_writer.h"

namespace osprey::commands {

// The 10-element description COMMAND and COMMAND INFO give of one command (a
// null for nullptr): name, arity, flags, first/last/step, ACL categories,
// tips, key specs, subcommands.
void ReplyCommandInfo(protocol::ReplyWriter& reply, const CommandDef* cmd);
// The documentation map COMMAND DOCS gives of one command (without its name).
void ReplyCommandDocs(protocol::ReplyWriter& reply, const CommandDef& cmd);

// Handlers (named in defs/command*.json).
void CommandCommand(CommandContext& ctx);
void CommandCountCommand(CommandContext& ctx);
void CommandDocsCommand(CommandContext& ctx);
void CommandGetKeysCommand(CommandContext& ctx);
void CommandGetKeysAndFlagsCommand(CommandContext& ctx);
void CommandHelpCommand(CommandContext& ctx);
void CommandInfoCommand(CommandContext& ctx);
void CommandListCommand(CommandContext& ctx);

}  // namespace osprey::commands
