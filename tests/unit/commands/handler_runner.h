// Runs one command handler without a server and returns the raw reply bytes.
// Only for handlers that touch nothing but their arguments and the reply
// (COMMAND and its subcommands).
#pragma once

#include <sys/uio.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/command_table.h"
#include "protocol/output_buffer.h"
#include "protocol/reply_writer.h"

namespace osprey::commands::testing {

inline std::string RunHandler(CommandHandler handler, std::vector<std::string_view> args,
                              int resp = 2, const CommandTable* table = nullptr) {
  protocol::OutputBuffer out;
  protocol::ReplyWriter writer(&out, resp);
  CommandContext ctx(args, &writer, nullptr, nullptr, nullptr, nullptr, nullptr);
  ctx.set_command_table(table);
  handler(ctx);
  std::string bytes;
  std::vector<iovec> iov(out.ChunkCount() * 2 + 8);
  int n = out.Gather(iov.data(), static_cast<int>(iov.size()));
  for (int i = 0; i < n; ++i)
    bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return bytes;
}

}  // namespace osprey::commands::testing
