// Connection commands: PING ECHO SELECT QUIT RESET HELLO AUTH. They act on
// the calling client's session (protocol version, database, authentication).
#include <string>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "protocol/reply_errors.h"
#include "server/client.h"
#include "server/server.h"
#include "server/server_config.h"
#include "server/server_context.h"
#include "server/version.h"

namespace osprey::server {

using commands::CommandContext;

namespace {

// The one user this milestone has ("default"): a password is required when
// requirepass is set; without one, any password authenticates.
bool CheckPassword(Server& server, std::string_view user, std::string_view password) {
  if (user != "default") return false;
  const std::string& pass = server.config().requirepass;
  return pass.empty() || pass == password;
}

constexpr char kWrongPass[] = "WRONGPASS invalid username-password pair or user is disabled.";

// Redis refuses names with spaces, newlines or other special characters.
bool ValidClientName(std::string_view name) {
  for (unsigned char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

}  // namespace

void ResetClientState(Server& server, Client& c);

void PingCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  if (ctx.argc() > 2) {
    ctx.reply().Error(protocol::WrongArityError("ping"));
    return;
  }
  if (sc.client().has(kClientPubSub) && sc.client().resp() == 2) {
    ctx.reply().ArrayLen(2);
    ctx.reply().Bulk("pong");
    ctx.reply().Bulk(ctx.argc() == 1 ? std::string_view() : ctx.arg(1));
    return;
  }
  if (ctx.argc() == 1) {
    ctx.reply().Raw("+PONG\r\n", 7);
  } else {
    ctx.reply().Bulk(ctx.arg(1));
  }
}

void EchoCommand(CommandContext& ctx) { ctx.reply().Bulk(ctx.arg(1)); }

void SelectCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  int index;
  if (!commands::GetInt32(ctx, ctx.arg(1), &index)) return;
  if (sc.server().config().cluster_enabled && index != 0) {
    ctx.reply().Error("ERR SELECT is not allowed in cluster mode");
    return;
  }
  if (index < 0 || index >= ctx.keyspace().db_count()) {
    ctx.reply().Error(protocol::ErrorCode::kDbIndexOutOfRange);
    return;
  }
  sc.client().db_index = index;
  ctx.set_db(&ctx.keyspace().db(index));
  ctx.reply().Ok();
}

void QuitCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  ctx.reply().Ok();
  sc.client().set(kClientCloseAfterReply);
}

void ResetCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  ResetClientState(sc.server(), sc.client());
  ctx.reply().SimpleString("RESET");
}

void AuthCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  if (ctx.argc() > 3) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return;
  }
  std::string_view user = "default";
  std::string_view password = ctx.arg(1);
  if (ctx.argc() == 2) {
    if (sc.server().config().requirepass.empty()) {
      ctx.reply().Error(
          "ERR AUTH <password> called without any password configured for the default user. "
          "Are you sure your configuration is correct?");
      return;
    }
  } else {
    user = ctx.arg(1);
    password = ctx.arg(2);
  }
  if (CheckPassword(sc.server(), user, password)) {
    sc.client().authenticated = true;
    sc.client().user = std::string(user);
    ctx.reply().Ok();
  } else {
    ctx.reply().Error(kWrongPass);
  }
}

void HelloCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Client& c = sc.client();
  int64_t version = 0;
  size_t next = 1;
  if (ctx.argc() >= 2) {
    if (!base::ParseInt64(ctx.arg(1), &version)) {
      ctx.reply().Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    next = 2;
    if (version < 2 || version > 3) {
      ctx.reply().Error("NOPROTO unsupported protocol version");
      return;
    }
  }
  for (size_t j = next; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    std::string_view opt = ctx.arg(j);
    if (commands::IsOption(opt, "AUTH") && more >= 2) {
      if (!CheckPassword(sc.server(), ctx.arg(j + 1), ctx.arg(j + 2))) {
        ctx.reply().Error(kWrongPass);
        return;
      }
      c.authenticated = true;
      c.user = std::string(ctx.arg(j + 1));
      j += 2;
    } else if (commands::IsOption(opt, "SETNAME") && more >= 1) {
      if (!ValidClientName(ctx.arg(j + 1))) {
        ctx.reply().Error(
            "ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      c.set_name(std::string(ctx.arg(j + 1)));
      ++j;
    } else {
      std::string err = "ERR Syntax error in HELLO option '";
      // Redis prints the option as a C string.
      err.append(opt.substr(0, opt.find('\0')));
      err += "'";
      ctx.reply().Error(err);
      return;
    }
  }
  if (!c.authenticated) {
    ctx.reply().Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
    return;
  }
  if (version != 0) c.set_resp(static_cast<int>(version));
  const ServerConfig& cfg = sc.server().config();
  protocol::ReplyWriter& r = ctx.reply();
  r.MapLen(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk(kRedisCompatVersion);
  r.Bulk("proto");
  r.Integer(c.resp());
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(c.id()));
  r.Bulk("mode");
  r.Bulk(cfg.cluster_enabled ? "cluster" : "standalone");
  r.Bulk("role");
  r.Bulk(cfg.replicaof_host.empty() ? "master" : "replica");
  r.Bulk("modules");
  r.ArrayLen(0);
}

// Brings a client back to the state of a new connection (RESET).
void ResetClientState(Server& server, Client& c) {
  server.DiscardTransaction(c);
  server.pubsub().UnsubscribeAll(&c);
  server.tracking().Disable(&c);
  server.StopMonitoring(c);
  c.db_index = 0;
  c.set_resp(2);
  c.authenticated = server.config().requirepass.empty();
  c.user = "default";
  c.set_name("");
  c.clear(kClientReplyOff);
  c.clear(kClientReplySkipNext);
  c.clear(kClientReplySkip);
  c.clear(kClientNoEvict);
  c.clear(kClientNoTouch);
  c.clear(kClientReadonly);
  c.reply().set_muted(false);
}

}  // namespace osprey::server
