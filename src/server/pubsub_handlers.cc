// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH,
// the shard forms SSUBSCRIBE SUNSUBSCRIBE SPUBLISH (standalone: one shard),
// and PUBSUB CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB HELP.
//
// Each (un)subscription is confirmed by its own frame, [kind, name, count],
// an array in RESP2 and a push in RESP3; like messages, confirmations get
// through CLIENT REPLY OFF/SKIP. The RESP2 subscribed-mode restriction is
// enforced by the dispatcher.
#include <string>
#include <vector>

#include "commands/help_reply.h"
#include "protocol/reply_writer.h"
#include "server/client.h"
#include "server/handler_replies.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "server/server_context.h"

namespace osprey::server {

using commands::CommandContext;
using Kind = PubSub::Kind;

namespace {

std::string_view SubscribeWord(Kind kind) {
  return kind == Kind::kChannel   ? "subscribe"
         : kind == Kind::kPattern ? "psubscribe"
                                  : "ssubscribe";
}

std::string_view UnsubscribeWord(Kind kind) {
  return kind == Kind::kChannel   ? "unsubscribe"
         : kind == Kind::kPattern ? "punsubscribe"
                                  : "sunsubscribe";
}

// Writes one confirmation frame; a null `name` is the reply of an
// unsubscribe-from-all by a client that had nothing to leave.
void Confirm(PubSub& pubsub, Client& c, std::string_view word, Kind kind,
             const std::string_view* name) {
  bool muted;
  protocol::ReplyWriter* w = PubSub::BeginPush(&c, &muted);
  if (w == nullptr) return;
  w->PushLen(3);
  w->Bulk(word);
  if (name != nullptr) {
    w->Bulk(*name);
  } else {
    w->Null();
  }
  w->Integer(static_cast<int64_t>(pubsub.ConfirmationCount(&c, kind)));
  PubSub::EndPush(&c, muted);
}

void SubscribeTo(CommandContext& ctx, Kind kind) {
  auto& sc = ServerCommandContext::From(ctx);
  PubSub& pubsub = sc.server().pubsub();
  Client& c = sc.client();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view name = ctx.arg(i);
    pubsub.Subscribe(&c, kind, name);
    Confirm(pubsub, c, SubscribeWord(kind), kind, &name);
  }
}

void UnsubscribeFrom(CommandContext& ctx, Kind kind) {
  auto& sc = ServerCommandContext::From(ctx);
  PubSub& pubsub = sc.server().pubsub();
  Client& c = sc.client();
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) {
      const std::string_view name = ctx.arg(i);
      pubsub.Unsubscribe(&c, kind, name);
      Confirm(pubsub, c, UnsubscribeWord(kind), kind, &name);
    }
    return;
  }
  // No names: leave every subscription of this kind, one frame each, and
  // still answer when there was none.
  std::vector<std::string> names = pubsub.SubscriptionsOf(&c, kind);
  for (const std::string& n : names) {
    const std::string_view name = n;
    pubsub.Unsubscribe(&c, kind, name);
    Confirm(pubsub, c, UnsubscribeWord(kind), kind, &name);
  }
  if (names.empty()) Confirm(pubsub, c, UnsubscribeWord(kind), kind, nullptr);
}

// Clients that expect one reply per command (scripts; MULTI/EXEC for the
// shard form) may not subscribe. SUBSCRIBE and PSUBSCRIBE stay allowed
// inside MULTI/EXEC, as Redis keeps them for old clients.
bool RefuseDenyBlocking(CommandContext& ctx, std::string_view name, bool multi_allowed) {
  const uint32_t flags = ctx.exec_flags();
  const bool deny_blocking = (flags & (commands::kExecInMulti | commands::kExecInScript)) != 0;
  if (!deny_blocking || (multi_allowed && ctx.in_multi())) return false;
  std::string err = "ERR ";
  err += name;
  err += " isn't allowed for a DENY BLOCKING client";
  ctx.reply().Error(err);
  return true;
}

void ReplyChannelList(CommandContext& ctx, Kind kind) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(SubcommandSyntaxError(ctx));
    return;
  }
  PubSub& pubsub = ServerCommandContext::From(ctx).server().pubsub();
  const bool all = ctx.argc() == 2;
  std::vector<std::string> names = pubsub.Channels(kind, all ? "" : ctx.arg(2), all);
  ctx.reply().ArrayLen(names.size());
  for (const std::string& n : names) ctx.reply().Bulk(n);
}

void ReplyNumSub(CommandContext& ctx, Kind kind) {
  PubSub& pubsub = ServerCommandContext::From(ctx).server().pubsub();
  // A flat array of name, count pairs (also in RESP3, as Redis answers).
  ctx.reply().ArrayLen((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply().Bulk(ctx.arg(i));
    ctx.reply().Integer(static_cast<int64_t>(pubsub.NumSubscribers(kind, ctx.arg(i))));
  }
}

}  // namespace

void SubscribeCommand(CommandContext& ctx) {
  if (RefuseDenyBlocking(ctx, "SUBSCRIBE", /*multi_allowed=*/true)) return;
  SubscribeTo(ctx, Kind::kChannel);
}

void PSubscribeCommand(CommandContext& ctx) {
  if (RefuseDenyBlocking(ctx, "PSUBSCRIBE", /*multi_allowed=*/true)) return;
  SubscribeTo(ctx, Kind::kPattern);
}

void SSubscribeCommand(CommandContext& ctx) {
  if (RefuseDenyBlocking(ctx, "SSUBSCRIBE", /*multi_allowed=*/false)) return;
  SubscribeTo(ctx, Kind::kShard);
}

void UnsubscribeCommand(CommandContext& ctx) { UnsubscribeFrom(ctx, Kind::kChannel); }
void PUnsubscribeCommand(CommandContext& ctx) { UnsubscribeFrom(ctx, Kind::kPattern); }
void SUnsubscribeCommand(CommandContext& ctx) { UnsubscribeFrom(ctx, Kind::kShard); }

void PublishCommand(CommandContext& ctx) {
  PubSub& pubsub = ServerCommandContext::From(ctx).server().pubsub();
  ctx.reply().Integer(static_cast<int64_t>(pubsub.Publish(ctx.arg(1), ctx.arg(2))));
}

void SPublishCommand(CommandContext& ctx) {
  PubSub& pubsub = ServerCommandContext::From(ctx).server().pubsub();
  ctx.reply().Integer(static_cast<int64_t>(pubsub.PublishShard(ctx.arg(1), ctx.arg(2))));
}

void PubsubChannelsCommand(CommandContext& ctx) { ReplyChannelList(ctx, Kind::kChannel); }
void PubsubShardchannelsCommand(CommandContext& ctx) { ReplyChannelList(ctx, Kind::kShard); }
void PubsubNumsubCommand(CommandContext& ctx) { ReplyNumSub(ctx, Kind::kChannel); }
void PubsubShardnumsubCommand(CommandContext& ctx) { ReplyNumSub(ctx, Kind::kShard); }

void PubsubNumpatCommand(CommandContext& ctx) {
  PubSub& pubsub = ServerCommandContext::From(ctx).server().pubsub();
  ctx.reply().Integer(static_cast<int64_t>(pubsub.pattern_count()));
}

void PubsubHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(
      ctx.reply(), ctx.arg(0),
      {"CHANNELS [<pattern>]",
       "    The channels that have at least one subscriber, those matching <pattern> if given.",
       "NUMPAT", "    How many distinct patterns the clients are subscribed to.",
       "NUMSUB [<channel> ...]",
       "    For each <channel>, its number of subscribers (pattern subscribers not counted).",
       "SHARDCHANNELS [<pattern>]",
       "    The shard channels that have at least one subscriber, those matching <pattern> if",
       "    given.", "SHARDNUMSUB [<shardchannel> ...]",
       "    For each <shardchannel>, its number of subscribers."});
}

}  // namespace osprey::server
