// XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP) and XACK:
// the consumer-group commands that manage groups rather than deliver.
//
// XGROUP's subcommands check their arguments in Redis 7.0's order, which
// decides the error a client sees: options first, then the key (it must
// exist unless CREATE ... MKSTREAM), then the group, then the argument
// count of CREATE and SETID.
#include <cstdint>
#include <string_view>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "commands/help_reply.h"
#include "handlers/stream_group_helpers.h"
#include "handlers/stream_helpers.h"
#include "keyspace/notifications.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace osprey::handlers {

using commands::CommandContext;
using commands::IsOption;
using types::StreamGroup;
using types::StreamID;
using types::StreamValue;

namespace {

enum class XGroupSub : uint8_t { kCreate, kSetId, kDestroy, kCreateConsumer, kDelConsumer };

// What every XGROUP subcommand but HELP finds before doing its work.
struct XGroupTarget {
  StreamValue* stream = nullptr;  // null only for CREATE ... MKSTREAM
  StreamGroup* group = nullptr;   // null when the group does not exist
  bool mkstream = false;
  int64_t entries_read = types::kStreamEntriesReadUnknown;
};

// CREATE's MKSTREAM and ENTRIESREAD, SETID's ENTRIESREAD, from argument 5.
bool ParseXGroupOptions(CommandContext& ctx, XGroupSub sub, XGroupTarget* t) {
  const bool create = sub == XGroupSub::kCreate;
  const bool setid = sub == XGroupSub::kSetId;
  for (size_t i = 5; i < ctx.argc();) {
    const std::string_view opt = ctx.arg(i);
    if (create && IsOption(opt, "MKSTREAM")) {
      t->mkstream = true;
      ++i;
    } else if ((create || setid) && IsOption(opt, "ENTRIESREAD") && i + 1 < ctx.argc()) {
      if (!commands::GetInt64(ctx, ctx.arg(i + 1), &t->entries_read)) return false;
      if (t->entries_read < 0 && t->entries_read != types::kStreamEntriesReadUnknown) {
        ctx.reply().Error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
      }
      i += 2;
    } else {
      ctx.reply().Error(StreamSubcommandSyntaxError(ctx));
      return false;
    }
  }
  return true;
}

// Reads the options, finds the stream and the group; replies and returns
// false when the subcommand cannot go on.
bool PrepareXGroup(CommandContext& ctx, XGroupSub sub, XGroupTarget* t) {
  if (!ParseXGroupOptions(ctx, sub, t)) return false;
  bool wrongtype;
  t->stream = FindStreamForWrite(ctx, ctx.arg(2), &wrongtype);
  if (wrongtype) return false;
  if (t->stream != nullptr) t->group = t->stream->FindGroup(ctx.arg(3));
  if (t->mkstream) return true;
  if (t->stream == nullptr) {
    ctx.reply().Error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
        "want to use the MKSTREAM option to create an empty stream automatically.");
    return false;
  }
  const bool needs_group = sub == XGroupSub::kSetId || sub == XGroupSub::kCreateConsumer ||
                           sub == XGroupSub::kDelConsumer;
  if (needs_group && t->group == nullptr) {
    ctx.reply().Error(NoConsumerGroupError(ctx.arg(3), ctx.arg(2)));
    return false;
  }
  return true;
}

}  // namespace

// XGROUP CREATE key group <id|$> [MKSTREAM] [ENTRIESREAD n]
void XGroupCreateCommand(CommandContext& ctx) {
  XGroupTarget t;
  if (!PrepareXGroup(ctx, XGroupSub::kCreate, &t)) return;
  if (ctx.argc() > 8) {
    ctx.reply().Error(StreamSubcommandSyntaxError(ctx));
    return;
  }
  const std::string_view key = ctx.arg(2);
  StreamID id;
  if (ctx.arg(4) == "$") {
    if (t.stream != nullptr) id = t.stream->last_id();
  } else if (!GetStrictStreamID(ctx, ctx.arg(4), 0, &id)) {
    return;
  }
  // MKSTREAM: the command cannot fail any more, so the key may be made.
  if (t.stream == nullptr) {
    t.stream = CreateStream(ctx, key);
    ctx.KeyModified(key);
  }
  if (t.stream->CreateGroup(ctx.arg(3), id, t.entries_read) == nullptr) {
    ctx.reply().Error("BUSYGROUP Consumer Group name already exists");
    return;
  }
  ctx.reply().Ok();
  ctx.AddDirty();
  ctx.Notify(keyspace::kNotifyStream, "xgroup-create", key);
}

// XGROUP SETID key group <id|$> [ENTRIESREAD n]
void XGroupSetIdCommand(CommandContext& ctx) {
  XGroupTarget t;
  if (!PrepareXGroup(ctx, XGroupSub::kSetId, &t)) return;
  if (ctx.argc() != 5 && ctx.argc() != 7) {
    ctx.reply().Error(StreamSubcommandSyntaxError(ctx));
    return;
  }
  StreamID id;
  if (ctx.arg(4) == "$") {
    id = t.stream->last_id();
  } else if (!GetStreamID(ctx, ctx.arg(4), 0, &id)) {  // "-" and "+" allowed, as in Redis
    return;
  }
  // Without ENTRIESREAD the count becomes unknown: Redis sets what it parsed.
  t.group->set_last_id(id);
  t.group->set_entries_read(t.entries_read);
  ctx.reply().Ok();
  ctx.AddDirty();
  ctx.Notify(keyspace::kNotifyStream, "xgroup-setid", ctx.arg(2));
}

// XGROUP DESTROY key group
void XGroupDestroyCommand(CommandContext& ctx) {
  XGroupTarget t;
  if (!PrepareXGroup(ctx, XGroupSub::kDestroy, &t)) return;
  if (t.group == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  t.stream->DestroyGroup(ctx.arg(3));
  ctx.reply().Integer(1);
  ctx.AddDirty();
  ctx.Notify(keyspace::kNotifyStream, "xgroup-destroy", ctx.arg(2));
  // Clients blocked in XREADGROUP on this group get NOGROUP.
  ctx.SignalKeyReady(ctx.arg(2));
}

// XGROUP CREATECONSUMER key group consumer
void XGroupCreateConsumerCommand(CommandContext& ctx) {
  XGroupTarget t;
  if (!PrepareXGroup(ctx, XGroupSub::kCreateConsumer, &t)) return;
  bool created;
  t.group->FindOrCreateConsumer(ctx.arg(4), ctx.now_ms(), &created);
  if (created) {
    ctx.AddDirty();
    ctx.Notify(keyspace::kNotifyStream, "xgroup-createconsumer", ctx.arg(2));
  }
  ctx.reply().Integer(created ? 1 : 0);
}

// XGROUP DELCONSUMER key group consumer: replies how many entries the
// consumer still had pending (they leave the group's PEL with it).
void XGroupDelConsumerCommand(CommandContext& ctx) {
  XGroupTarget t;
  if (!PrepareXGroup(ctx, XGroupSub::kDelConsumer, &t)) return;
  const int64_t pending = t.group->DeleteConsumer(ctx.arg(4));
  if (pending < 0) {
    ctx.reply().Integer(0);
    return;
  }
  ctx.AddDirty();
  ctx.Notify(keyspace::kNotifyStream, "xgroup-delconsumer", ctx.arg(2));
  ctx.reply().Integer(pending);
}

void XGroupHelpCommand(CommandContext& ctx) {
  commands::ReplyHelp(ctx.reply(), ctx.arg(0),
                      {
                          "CREATE <key> <groupname> <id|$> [option]",
                          "    Make a consumer group that starts after <id> ($: the last entry",
                          "    now). Options:",
                          "    * MKSTREAM",
                          "      Create an empty stream at <key> when there is none.",
                          "    * ENTRIESREAD entries_read",
                          "      The number of entries the group has read so far (for lag).",
                          "CREATECONSUMER <key> <groupname> <consumer>",
                          "    Add a consumer to the group.",
                          "DELCONSUMER <key> <groupname> <consumer>",
                          "    Remove a consumer and the entries pending for it.",
                          "DESTROY <key> <groupname>",
                          "    Remove the group.",
                          "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                          "    Move the group's last delivered ID (and its read counter).",
                      });
}

// XACK key group id [id ...]: how many of the IDs were pending. Every ID is
// read before any is acknowledged, so a bad one changes nothing.
void XAckCommand(CommandContext& ctx) {
  bool wrongtype;
  StreamValue* stream = FindStreamForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  StreamGroup* group = stream == nullptr ? nullptr : stream->FindGroup(ctx.arg(2));
  if (group == nullptr) {
    ctx.reply().Integer(0);
    return;
  }
  std::vector<StreamID> ids(ctx.argc() - 3);
  for (size_t j = 3; j < ctx.argc(); ++j) {
    if (!GetStrictStreamID(ctx, ctx.arg(j), 0, &ids[j - 3])) return;
  }
  int64_t acknowledged = 0;
  for (StreamID id : ids) {
    if (group->Acknowledge(id)) ++acknowledged;
  }
  ctx.AddDirty(static_cast<uint64_t>(acknowledged));
  ctx.reply().Integer(acknowledged);
}

}  // namespace osprey::handlers
