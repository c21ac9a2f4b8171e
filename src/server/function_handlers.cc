// FUNCTION FLUSH [ASYNC|SYNC]. Scripting (functions and their libraries)
// comes later; until then there is never a library to remove, so FLUSH
// checks its syntax and answers OK -- Redis's test suite calls it before
// every test.
#include "commands/arg_parser.h"
#include "server/handler_replies.h"

namespace osprey::server {

using commands::CommandContext;

void FunctionFlushCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(SubcommandSyntaxError(ctx));
    return;
  }
  if (ctx.argc() == 3 && !commands::IsOption(ctx.arg(2), "async") &&
      !commands::IsOption(ctx.arg(2), "sync")) {
    ctx.reply().Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  // Scripting hook: drop every function library here (lazily for ASYNC,
  // or by default with lazyfree-lazy-user-flush).
  // Counted as a change, as Redis counts it (it is also propagated).
  ctx.AddDirty();
  ctx.reply().Ok();
}

}  // namespace osprey::server
