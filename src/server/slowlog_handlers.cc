// SLOWLOG GET [count] | LEN | RESET | HELP: reading the slow log (see
// slowlog.h for what gets logged). Entries are sent newest first, each as
// Redis 7.0 lays it out: id, unix time, duration in microseconds, the
// arguments, the client's address and the client's name.
#include <cstdint>
#include <string>

#include "base/ascii.h"
#include "base/numbers.h"
#include "commands/help_reply.h"
#include "server/handler_replies.h"
#include "server/server.h"
#include "server/server_context.h"
#include "server/slowlog.h"

namespace osprey::server {

using commands::CommandContext;

namespace {

// How many entries GET sends when no count is given.
constexpr int64_t kDefaultGetCount = 10;

Slowlog& SlowlogOf(CommandContext& ctx) {
  return ServerCommandContext::From(ctx).server().slowlog();
}

}  // namespace

std::string SubcommandSyntaxError(CommandContext& ctx) {
  std::string sub(ctx.arg(1).substr(0, 128));
  return "ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try " +
         base::AsciiToUpper(ctx.arg(0)) + " HELP.";
}

void SlowLogGetCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(SubcommandSyntaxError(ctx));
    return;
  }
  const auto& entries = SlowlogOf(ctx).entries();
  int64_t count = kDefaultGetCount;
  if (ctx.argc() == 3) {
    if (!base::ParseInt64(ctx.arg(2), &count) || count < -1) {
      ctx.reply().Error("ERR count should be greater than or equal to -1");
      return;
    }
    if (count == -1) count = static_cast<int64_t>(entries.size());
  }
  const size_t n = std::min(entries.size(), static_cast<size_t>(count));
  protocol::ReplyWriter& out = ctx.reply();
  out.ArrayLen(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowlogEntry& e = entries[i];
    out.ArrayLen(6);
    out.Integer(static_cast<int64_t>(e.id));
    out.Integer(e.unix_time);
    out.Integer(e.duration_us);
    out.ArrayLen(e.args.size());
    for (const std::string& a : e.args) out.Bulk(a);
    out.Bulk(e.peer);
    out.Bulk(e.client_name);
  }
}

void SlowLogLenCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(SlowlogOf(ctx).entries().size()));
}

void SlowLogResetCommand(CommandContext& ctx) {
  SlowlogOf(ctx).Reset();
  ctx.reply().Ok();
}

void SlowLogHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(ctx.reply(), ctx.arg(0),
                      {
                          "GET [<count>]",
                          "    Send the <count> newest entries of the slow log (10 when not "
                          "given, -1 for",
                          "    all of them). Each entry holds: an id, the unix time, the run "
                          "time in",
                          "    microseconds, the arguments, the client's address and the "
                          "client's name.",
                          "LEN",
                          "    Send the number of entries in the slow log.",
                          "RESET",
                          "    Remove every entry from the slow log.",
                      });
}

}  // namespace osprey::server
