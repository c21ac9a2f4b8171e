#include "commands/help_reply.h"

#include <string>

#include "base/ascii.h"

namespace osprey::commands {

void ReplyHelp(protocol::ReplyWriter& reply, std::string_view command,
               std::initializer_list<std::string_view> lines) {
  reply.ArrayLen(lines.size() + 3);
  reply.SimpleString(base::AsciiToUpper(command) +
                     " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

}  // namespace osprey::commands
