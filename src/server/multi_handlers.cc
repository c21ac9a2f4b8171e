// Transactions: MULTI EXEC DISCARD WATCH UNWATCH. Commands queue while in
// MULTI (the dispatcher does that); EXEC runs them back to back, unless a
// queued command was refused (EXECABORT) or a watched key changed (null).
#include "protocol/reply_errors.h"
#include "server/client.h"
#include "server/dispatcher.h"
#include "server/server.h"
#include "server/server_context.h"

namespace osprey::server {

using commands::CommandContext;

void Server::DiscardTransaction(Client& c) {
  c.multi_queue.clear();
  c.multi_cmd_flags = 0;
  c.multi_bytes = 0;
  c.clear(kClientMulti);
  c.clear(kClientDirtyCas);
  c.clear(kClientDirtyExec);
  watches_.UnwatchAll(&c);
}

void MultiCommand(CommandContext& ctx) {
  Client& c = ServerCommandContext::From(ctx).client();
  if (c.has(kClientMulti)) {
    ctx.reply().Error("ERR MULTI calls can not be nested");
    return;
  }
  c.set(kClientMulti);
  ctx.reply().Ok();
}

void DiscardCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  if (!sc.client().has(kClientMulti)) {
    ctx.reply().Error("ERR DISCARD without MULTI");
    return;
  }
  sc.server().DiscardTransaction(sc.client());
  ctx.reply().Ok();
}

void ExecCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Server& server = sc.server();
  Client& c = sc.client();
  if (!c.has(kClientMulti)) {
    ctx.reply().Error("ERR EXEC without MULTI");
    return;
  }
  if (server.watches().AnyWatchedKeyExpired(&c)) c.set(kClientDirtyCas);
  if (c.has(kClientDirtyExec)) {
    ctx.reply().Error(protocol::ErrorCode::kExecAbort);
    server.DiscardTransaction(c);
    return;
  }
  if (c.has(kClientDirtyCas)) {
    ctx.reply().NullArray();
    server.DiscardTransaction(c);
    return;
  }
  // Take the queue: the commands may change the client's MULTI state.
  std::vector<QueuedCommand> queue = std::move(c.multi_queue);
  server.DiscardTransaction(c);
  ctx.reply().ArrayLen(queue.size());
  std::vector<std::string_view> args;
  for (QueuedCommand& q : queue) {
    args.assign(q.args.begin(), q.args.end());
    server.dispatcher().Call(c, q.cmd, args, commands::kExecInMulti);
  }
}

void WatchCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Client& c = sc.client();
  if (c.has(kClientMulti)) {
    ctx.reply().Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  // A client whose watch already fired keeps nothing more to watch.
  if (c.has(kClientDirtyCas)) {
    ctx.reply().Ok();
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) sc.server().watches().Watch(&c, ctx.db(), ctx.arg(i));
  ctx.reply().Ok();
}

void UnwatchCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  sc.server().watches().UnwatchAll(&sc.client());
  sc.client().clear(kClientDirtyCas);
  ctx.reply().Ok();
}

}  // namespace osprey::server
