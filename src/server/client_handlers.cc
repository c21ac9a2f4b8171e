// CLIENT subcommands about connections: ID, INFO, LIST, KILL, SETNAME,
// GETNAME, SETINFO, PAUSE, UNPAUSE, REPLY, NO-EVICT, NO-TOUCH, UNBLOCK, the
// client-side caching ones (TRACKING, CACHING, GETREDIR, TRACKINGINFO; the
// table itself is server/tracking.h) and HELP. Replies and errors are Redis
// 7.0.15's; SETINFO and NO-TOUCH follow Redis 7.2, which introduced them.
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/help_reply.h"
#include "protocol/reply_errors.h"
#include "server/client.h"
#include "server/client_info.h"
#include "server/client_pause.h"
#include "server/server.h"
#include "server/server_context.h"

namespace osprey::server {

using commands::CommandContext;
using commands::IsOption;

namespace {

// Names and library attributes end up in CLIENT LIST, which must stay
// splittable on spaces: only printable ASCII without space is allowed.
bool ValidClientAttribute(std::string_view value) {
  for (unsigned char ch : value) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

// The users a client can be logged in as (ACL users come with ACL).
bool UserExists(std::string_view name) { return name == "default"; }

// The filters of CLIENT KILL; unset members match every client.
struct KillFilter {
  const std::string_view* addr = nullptr;
  const std::string_view* laddr = nullptr;
  const std::string_view* user = nullptr;
  std::optional<ClientType> type;
  uint64_t id = 0;
  int64_t max_age = 0;  // seconds; 0 = any age
  bool skip_me = true;
};

// Parses "<filter> <value>..." from argument `i` on. Replies with the error
// and returns false on a bad filter.
bool ParseKillFilter(CommandContext& ctx, KillFilter* f) {
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    if (i + 1 >= ctx.argc()) {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return false;
    }
    const std::string_view* value = &ctx.args()[i + 1];
    if (IsOption(opt, "id")) {
      int64_t id;
      if (!commands::GetInt64InRange(ctx, *value, 1, LONG_MAX, &id,
                                     "ERR client-id should be greater than 0")) {
        return false;
      }
      f->id = static_cast<uint64_t>(id);
    } else if (IsOption(opt, "type")) {
      f->type = ClientTypeFromName(*value);
      if (!f->type) {
        ctx.reply().Error("ERR Unknown client type '" + std::string(*value) + "'");
        return false;
      }
    } else if (IsOption(opt, "addr")) {
      f->addr = value;
    } else if (IsOption(opt, "laddr")) {
      f->laddr = value;
    } else if (IsOption(opt, "user")) {
      if (!UserExists(*value)) {
        ctx.reply().Error("ERR No such user '" + std::string(*value) + "'");
        return false;
      }
      f->user = value;
    } else if (IsOption(opt, "skipme")) {
      if (IsOption(*value, "yes")) {
        f->skip_me = true;
      } else if (IsOption(*value, "no")) {
        f->skip_me = false;
      } else {
        ctx.reply().Error(protocol::ErrorCode::kSyntax);
        return false;
      }
    } else if (IsOption(opt, "maxage")) {
      // Redis 7.4: connections at least this many seconds old.
      if (!commands::GetInt64InRange(ctx, *value, INT64_MIN, INT64_MAX, &f->max_age,
                                     "ERR maxage is not an integer or out of range")) {
        return false;
      }
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

bool KillMatches(Server& server, const KillFilter& f, Client& self, Client& c) {
  if (f.addr != nullptr && c.peer_id() != *f.addr) return false;
  if (f.laddr != nullptr && c.local().ToString() != *f.laddr) return false;
  if (f.type && GetClientType(server, c) != *f.type) return false;
  if (f.id != 0 && c.id() != f.id) return false;
  if (f.user != nullptr && c.user != *f.user) return false;
  if (f.max_age != 0 && server.now_ms() / 1000 - c.ctime_ms / 1000 < f.max_age) return false;
  if (&c == &self && f.skip_me) return false;
  return true;
}

// Sets or clears `flag` from an ON|OFF argument; false (after replying the
// syntax error) for anything else.
bool SetOnOffFlag(CommandContext& ctx, Client& c, ClientFlag flag) {
  if (IsOption(ctx.arg(2), "on")) {
    c.set(flag);
  } else if (IsOption(ctx.arg(2), "off")) {
    c.clear(flag);
  } else {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return false;
  }
  return true;
}

}  // namespace

void ClientIdCommand(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ServerCommandContext::From(ctx).client().id()));
}

void ClientInfoCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  std::string text;
  AppendClientInfo(sc.server(), sc.client(), &text);
  text.push_back('\n');
  ctx.reply().Verbatim(text);
}

void ClientListCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Server& server = sc.server();
  std::string text;
  if (ctx.argc() == 4 && IsOption(ctx.arg(2), "type")) {
    std::optional<ClientType> type = ClientTypeFromName(ctx.arg(3));
    if (!type) {
      ctx.reply().Error("ERR Unknown client type '" + std::string(ctx.arg(3)) + "'");
      return;
    }
    for (const auto& [id, c] : server.clients()) {
      if (GetClientType(server, *c) != *type) continue;
      AppendClientInfo(server, *c, &text);
      text.push_back('\n');
    }
  } else if (ctx.argc() > 3 && IsOption(ctx.arg(2), "id")) {
    for (size_t i = 3; i < ctx.argc(); ++i) {
      int64_t id;
      if (!base::ParseInt64(ctx.arg(i), &id)) {
        ctx.reply().Error("ERR Invalid client ID");
        return;
      }
      if (Client* c = server.FindClient(static_cast<uint64_t>(id))) {
        AppendClientInfo(server, *c, &text);
        text.push_back('\n');
      }
    }
  } else if (ctx.argc() != 2) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return;
  } else {
    for (const auto& [id, c] : server.clients()) {
      AppendClientInfo(server, *c, &text);
      text.push_back('\n');
    }
  }
  ctx.reply().Verbatim(text);
}

void ClientKillCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Server& server = sc.server();
  Client& self = sc.client();
  KillFilter filter;
  const bool old_form = ctx.argc() == 3;
  if (old_form) {
    // CLIENT KILL <addr>: this form may kill the caller.
    filter.addr = &ctx.args()[2];
    filter.skip_me = false;
  } else if (!ParseKillFilter(ctx, &filter)) {
    return;
  }
  std::vector<Client*> victims;
  for (const auto& [id, c] : server.clients()) {
    if (c->has(kClientCloseAsap)) continue;  // already on its way out
    if (KillMatches(server, filter, self, *c)) victims.push_back(c.get());
  }
  bool close_self = false;
  for (Client* c : victims) {
    if (c == &self) {
      close_self = true;
    } else {
      server.CloseClientAsync(c);
    }
  }
  if (old_form) {
    if (victims.empty()) {
      ctx.reply().Error("ERR No such client");
    } else {
      ctx.reply().Ok();
    }
  } else {
    ctx.reply().Integer(static_cast<int64_t>(victims.size()));
  }
  // Only now: the reply above must still reach the caller.
  if (close_self) self.set(kClientCloseAfterReply);
}

void ClientSetNameCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  if (!ValidClientAttribute(ctx.arg(2))) {
    ctx.reply().Error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  sc.client().set_name(std::string(ctx.arg(2)));  // "" removes the name
  ctx.reply().Ok();
}

void ClientGetNameCommand(CommandContext& ctx) {
  const std::string& name = ServerCommandContext::From(ctx).client().name();
  if (name.empty()) {
    ctx.reply().Null();
  } else {
    ctx.reply().Bulk(name);
  }
}

// CLIENT SETINFO LIB-NAME|LIB-VER <value> (Redis 7.2): shown in CLIENT LIST,
// kept across RESET; an empty value clears it.
void ClientSetInfoCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  std::string_view attr = ctx.arg(2);
  std::string* field = nullptr;
  if (IsOption(attr, "lib-name")) {
    field = &sc.client().lib_name;
  } else if (IsOption(attr, "lib-ver")) {
    field = &sc.client().lib_ver;
  } else {
    ctx.reply().Error("ERR Unrecognized option '" + std::string(attr) + "'");
    return;
  }
  if (!ValidClientAttribute(ctx.arg(3))) {
    ctx.reply().Error("ERR " + std::string(attr) +
                      " cannot contain spaces, newlines or special characters.");
    return;
  }
  *field = std::string(ctx.arg(3));
  ctx.reply().Ok();
}

void ClientPauseCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  if (ctx.argc() > 4) {
    // Redis's catch-all for CLIENT, naming the subcommand as it was typed.
    ctx.reply().Error("ERR unknown subcommand or wrong number of arguments for '" +
                      std::string(ctx.arg(1)) + "'. Try CLIENT HELP.");
    return;
  }
  ClientPause::Type type = ClientPause::Type::kAll;
  if (ctx.argc() == 4) {
    if (IsOption(ctx.arg(3), "write")) {
      type = ClientPause::Type::kWrite;
    } else if (!IsOption(ctx.arg(3), "all")) {
      ctx.reply().Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  int64_t timeout;
  if (!base::ParseInt64(ctx.arg(2), &timeout)) {
    ctx.reply().Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout < 0) {
    ctx.reply().Error(protocol::ErrorCode::kNegativeTimeout);
    return;
  }
  // A zero timeout ends at once. Huge ones are capped rather than wrapped.
  const int64_t now = sc.server().now_ms();
  int64_t end = 0;
  if (timeout > 0) end = timeout > INT64_MAX - now ? INT64_MAX : now + timeout;
  sc.server().PauseClients(ClientPause::Purpose::kClientCommand, end, type);
  ctx.reply().Ok();
}

void ClientUnpauseCommand(CommandContext& ctx) {
  ServerCommandContext::From(ctx).server().UnpauseClients(ClientPause::Purpose::kClientCommand);
  ctx.reply().Ok();
}

// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP send no reply of their own: OFF
// mutes the connection, SKIP mutes the next command (the dispatcher applies
// kClientReplySkipNext when that command runs).
void ClientReplyCommand(CommandContext& ctx) {
  Client& c = ServerCommandContext::From(ctx).client();
  std::string_view mode = ctx.arg(2);
  if (IsOption(mode, "on")) {
    c.clear(kClientReplyOff);
    c.clear(kClientReplySkip);
    c.reply().set_muted(false);
    ctx.reply().Ok();
  } else if (IsOption(mode, "off")) {
    c.set(kClientReplyOff);
    c.reply().set_muted(true);
  } else if (IsOption(mode, "skip")) {
    if (!c.has(kClientReplyOff)) c.set(kClientReplySkipNext);
  } else {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
  }
}

void ClientNoEvictCommand(CommandContext& ctx) {
  if (SetOnOffFlag(ctx, ServerCommandContext::From(ctx).client(), kClientNoEvict)) {
    ctx.reply().Ok();
  }
}

// CLIENT NO-TOUCH ON|OFF (Redis 7.2): the dispatcher keeps this client's
// commands, except TOUCH, from updating keys' access clocks.
void ClientNoTouchCommand(CommandContext& ctx) {
  if (SetOnOffFlag(ctx, ServerCommandContext::From(ctx).client(), kClientNoTouch)) {
    ctx.reply().Ok();
  }
}

void ClientUnblockCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  bool as_error = false;
  if (ctx.argc() == 4) {
    if (IsOption(ctx.arg(3), "timeout")) {
      as_error = false;
    } else if (IsOption(ctx.arg(3), "error")) {
      as_error = true;
    } else {
      ctx.reply().Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  int64_t id;
  if (!commands::GetInt64(ctx, ctx.arg(2), &id)) return;
  Client* target = sc.server().FindClient(static_cast<uint64_t>(id));
  bool done = target != nullptr &&
              sc.server().blocking().Unblock(target, as_error
                                                         ? BlockingManager::UnblockReason::kError
                                                         : BlockingManager::UnblockReason::kTimeout);
  ctx.reply().Integer(done ? 1 : 0);
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN]
// [OPTOUT] [NOLOOP]. Options are parsed (and REDIRECT checked) first, then
// ON validates them against each other and against the current mode.
void ClientTrackingCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  Server& server = sc.server();
  Client& c = sc.client();
  Tracking::Options opts;
  int64_t redirect = 0;
  std::vector<std::string_view> prefixes;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    const bool more = j + 1 < ctx.argc();
    std::string_view opt = ctx.arg(j);
    if (IsOption(opt, "redirect") && more) {
      ++j;
      if (redirect != 0) {
        ctx.reply().Error("ERR A client can only redirect to a single other client");
        return;
      }
      if (!commands::GetInt64(ctx, ctx.arg(j), &redirect)) return;
      // The target must exist now, though it may go away later.
      if (redirect <= 0 || server.FindClient(static_cast<uint64_t>(redirect)) == nullptr) {
        ctx.reply().Error("ERR The client ID you want redirect to does not exist");
        return;
      }
    } else if (IsOption(opt, "bcast")) {
      opts.bcast = true;
    } else if (IsOption(opt, "optin")) {
      opts.optin = true;
    } else if (IsOption(opt, "optout")) {
      opts.optout = true;
    } else if (IsOption(opt, "noloop")) {
      opts.noloop = true;
    } else if (IsOption(opt, "prefix") && more) {
      prefixes.push_back(ctx.arg(++j));
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return;
    }
  }
  if (IsOption(ctx.arg(2), "off")) {
    server.tracking().Disable(&c);
    ctx.reply().Ok();
    return;
  }
  if (!IsOption(ctx.arg(2), "on")) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return;
  }
  if (!opts.bcast && !prefixes.empty()) {
    ctx.reply().Error("ERR PREFIX option requires BCAST mode to be enabled");
    return;
  }
  if (c.has(kClientTracking) && c.has(kClientTrackingBcast) != opts.bcast) {
    ctx.reply().Error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
        "then re-enabling it with a different mode.");
    return;
  }
  if (opts.bcast && (opts.optin || opts.optout)) {
    ctx.reply().Error("ERR OPTIN and OPTOUT are not compatible with BCAST");
    return;
  }
  if (opts.optin && opts.optout) {
    ctx.reply().Error("ERR You can't specify both OPTIN mode and OPTOUT mode");
    return;
  }
  if ((opts.optin && c.has(kClientTrackingOptOut)) ||
      (opts.optout && c.has(kClientTrackingOptIn))) {
    ctx.reply().Error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
        "then re-enabling it with a different mode.");
    return;
  }
  if (opts.bcast) {
    Tracking::PrefixCheck check = server.tracking().CheckPrefixes(&c, prefixes);
    if (!check.error.empty()) {
      ctx.reply().Error(check.error);
      // Redis 7.0 carries on (and replies +OK as well) when the overlap is
      // between two given prefixes other than the first: reproduced so a
      // client sees the same replies.
      if (!check.proceed) return;
    }
  }
  opts.redirect = static_cast<uint64_t>(redirect);
  opts.prefixes = prefixes;
  server.tracking().Enable(&c, opts);
  ctx.reply().Ok();
}

// CLIENT CACHING YES|NO: in OPTIN mode YES tracks the keys of the next
// command; in OPTOUT mode NO leaves them untracked. The dispatcher forgets
// the choice after that command (CachingScope).
void ClientCachingCommand(CommandContext& ctx) {
  Client& c = ServerCommandContext::From(ctx).client();
  if (!c.has(kClientTracking)) {
    ctx.reply().Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
        "or OPTOUT mode enabled");
    return;
  }
  if (IsOption(ctx.arg(2), "yes")) {
    if (!c.has(kClientTrackingOptIn)) {
      ctx.reply().Error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (IsOption(ctx.arg(2), "no")) {
    if (!c.has(kClientTrackingOptOut)) {
      ctx.reply().Error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return;
  }
  c.set(kClientTrackingCaching);
  ctx.reply().Ok();
}

void ClientGetRedirCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  const Client& c = sc.client();
  ctx.reply().Integer(c.has(kClientTracking)
                          ? static_cast<int64_t>(sc.server().tracking().RedirectOf(&c))
                          : -1);
}

// A map: "flags" (a set), "redirect" (-1 when tracking is off) and
// "prefixes" (BCAST prefixes in byte order).
void ClientTrackingInfoCommand(CommandContext& ctx) {
  auto& sc = ServerCommandContext::From(ctx);
  const Client& c = sc.client();
  std::vector<std::string_view> flags;
  flags.push_back(c.has(kClientTracking) ? "on" : "off");
  if (c.has(kClientTrackingBcast)) flags.push_back("bcast");
  if (c.has(kClientTrackingOptIn)) {
    flags.push_back("optin");
    if (c.has(kClientTrackingCaching)) flags.push_back("caching-yes");
  }
  if (c.has(kClientTrackingOptOut)) {
    flags.push_back("optout");
    if (c.has(kClientTrackingCaching)) flags.push_back("caching-no");
  }
  if (c.has(kClientTrackingNoLoop)) flags.push_back("noloop");
  if (c.has(kClientTrackingBrokenRedir)) flags.push_back("broken_redirect");
  protocol::ReplyWriter& w = ctx.reply();
  w.MapLen(3);
  w.Bulk("flags");
  w.SetLen(flags.size());
  for (std::string_view f : flags) w.Bulk(f);
  w.Bulk("redirect");
  w.Integer(c.has(kClientTracking) ? static_cast<int64_t>(sc.server().tracking().RedirectOf(&c))
                                   : -1);
  w.Bulk("prefixes");
  const std::vector<std::string> prefixes = sc.server().tracking().PrefixesOf(&c);
  w.ArrayLen(prefixes.size());
  for (const std::string& p : prefixes) w.Bulk(p);
}

void ClientHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(
      ctx.reply(), ctx.arg(0),
      {
          "CACHING (YES|NO)",
          "    With OPTIN/OPTOUT tracking, whether the next command's keys are tracked.",
          "GETREDIR",
          "    The id of the client tracking invalidations are redirected to.",
          "GETNAME",
          "    The name of this connection.",
          "ID",
          "    The id of this connection.",
          "INFO",
          "    One line of facts about this connection, as in CLIENT LIST.",
          "KILL <ip:port>",
          "    Close the connection coming from <ip:port>.",
          "KILL <option> <value> [<option> <value> [...]]",
          "    Close every connection matching all the options given:",
          "    * ADDR (<ip:port>|<unixsocket>:0)",
          "      connections coming from this address",
          "    * LADDR (<ip:port>|<unixsocket>:0)",
          "      connections made to this local address",
          "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
          "      connections of this type",
          "    * USER <username>",
          "      connections logged in as <username>",
          "    * ID <client-id>",
          "      the connection with this id",
          "    * MAXAGE <seconds>",
          "      connections at least this old",
          "    * SKIPME (YES|NO)",
          "      whether to spare this connection (default: yes)",
          "LIST [options ...]",
          "    One line per connection. Options:",
          "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
          "      only connections of this type",
          "    * ID <client-id> [<client-id> ...]",
          "      only these connections",
          "UNPAUSE",
          "    End a CLIENT PAUSE now.",
          "PAUSE <timeout> [WRITE|ALL]",
          "    Hold the commands of all clients (or only writes) for <timeout> ms.",
          "REPLY (ON|OFF|SKIP)",
          "    Turn replies to this connection on or off, or skip the next one.",
          "SETNAME <name>",
          "    Name this connection (an empty name removes it).",
          "SETINFO <LIB-NAME|LIB-VER> <value>",
          "    Record the client library's name or version for CLIENT LIST.",
          "UNBLOCK <clientid> [TIMEOUT|ERROR]",
          "    Wake up a client blocked in a blocking command.",
          "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
          "         [OPTIN] [OPTOUT] [NOLOOP]",
          "    Turn client-side caching invalidations on or off.",
          "TRACKINGINFO",
          "    The tracking settings of this connection.",
          "NO-EVICT (ON|OFF)",
          "    Keep this connection safe from client eviction.",
          "NO-TOUCH (ON|OFF)",
          "    Stop this connection's commands (TOUCH aside) changing keys' idle time.",
      });
}

}  // namespace osprey::server
