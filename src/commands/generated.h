// Declarations of the tables gen_command_table.py writes from defs/*.json.
// kAll is indexed by CommandDef::id; subcommands follow their container.
#pragma once

#include <cstddef>

#include "commands/command_context.h"
#include "commands/command_def.h"

namespace osprey::commands::generated {

extern const CommandDef* const kTopLevel[];
extern const size_t kTopLevelCount;
extern const CommandDef* const kAll[];
extern const size_t kAllCount;

// Handlers by CommandDef::id (nullptr for containers such as CONFIG). Defined
// in a generated file compiled into the server library, which is the only
// layer that can see every handler.
extern const CommandHandler kHandlers[];

}  // namespace osprey::commands::generated
