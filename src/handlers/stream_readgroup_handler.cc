// XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key
// [key ...] id [id ...]
//
// With ">" a stream delivers the entries after the group's last delivered
// ID: the group moves past them and, unless NOACK, each becomes pending for
// the consumer. Any other ID reads the consumer's own history: its pending
// entries after that ID, with a null in place of the fields of an entry
// deleted since (Redis 7.0), and never blocks.
//
// When nothing can be delivered and BLOCK was given the client blocks on
// every key; a key that becomes ready runs the command again, and that run
// serves the ready key alone, as Redis 7.0's blocked-client path does: its
// reply holds that one stream, COUNT defaults to 1000, a stream whose last
// ID passed the group's position is served even when the entries after it
// were deleted (an empty list), and the client learns with an error that
// its group was destroyed (NOGROUP) or its key deleted or overwritten
// (UNBLOCKED).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/stream_group_helpers.h"
#include "handlers/stream_helpers.h"
#include "keyspace/db.h"
#include "protocol/reply_errors.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace osprey::handlers {

using commands::CommandContext;
using commands::IsOption;
using types::StreamConsumer;
using types::StreamEntry;
using types::StreamGroup;
using types::StreamID;
using types::StreamValue;

namespace {

// A blocked XREADGROUP served without COUNT takes at most this many
// entries, so that a low ID cannot make one reply huge.
constexpr int64_t kBlockedDefaultCount = 1000;

struct ReadGroupArgs {
  std::string_view group;
  std::string_view consumer;
  int64_t count = 0;  // 0: no limit
  bool block = false;
  int64_t deadline_ms = 0;  // with block: 0 waits forever
  bool noack = false;
  size_t streams_at = 0;  // index of the first key
  size_t streams = 0;     // number of keys (and IDs)
};

// BLOCK's milliseconds as Redis reads them (an integer, not negative), as a
// deadline in unix ms (0: forever).
bool GetBlockMillis(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  int64_t ms;
  if (!commands::GetInt64InRange(ctx, arg, INT64_MIN, INT64_MAX, &ms,
                                 "ERR timeout is not an integer or out of range")) {
    return false;
  }
  if (ms < 0) {
    ctx.reply().Error(protocol::ErrorCode::kNegativeTimeout);
    return false;
  }
  if (ms > 0) {
    // Redis adds "now" without an overflow check: a huge timeout wraps into
    // the past and times out at once.
    ms = static_cast<int64_t>(static_cast<uint64_t>(ms) + static_cast<uint64_t>(ctx.now_ms()));
    if (ms <= 0) ms = 1;
  }
  *deadline_ms = ms;
  return true;
}

// The options before STREAMS, in Redis 7.0's order of checks.
bool ParseReadGroupArgs(CommandContext& ctx, ReadGroupArgs* a) {
  bool have_group = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - i - 1;
    const std::string_view opt = ctx.arg(i);
    if (IsOption(opt, "BLOCK") && more > 0) {
      if ((ctx.exec_flags() & commands::kExecInScript) != 0) {
        std::string msg = "ERR ";
        msg.append(UpToNul(ctx.arg(0)));
        msg.append(" command is not allowed with BLOCK option from scripts");
        ctx.reply().Error(msg);
        return false;
      }
      if (!GetBlockMillis(ctx, ctx.arg(++i), &a->deadline_ms)) return false;
      a->block = true;
    } else if (IsOption(opt, "COUNT") && more > 0) {
      if (!commands::GetInt64(ctx, ctx.arg(++i), &a->count)) return false;
      if (a->count < 0) a->count = 0;
    } else if (IsOption(opt, "STREAMS") && more > 0) {
      a->streams_at = i + 1;
      const size_t rest = ctx.argc() - a->streams_at;
      if (rest % 2 != 0) {
        ctx.reply().Error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return false;
      }
      a->streams = rest / 2;
      break;
    } else if (IsOption(opt, "GROUP") && more >= 2) {
      a->group = ctx.arg(i + 1);
      a->consumer = ctx.arg(i + 2);
      have_group = true;
      i += 2;
    } else if (IsOption(opt, "NOACK")) {
      a->noack = true;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return false;
    }
  }
  if (a->streams_at == 0) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return false;
  }
  if (!have_group) {
    ctx.reply().Error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// The key of stream `i`.
std::string_view KeyOf(const CommandContext& ctx, const ReadGroupArgs& a, size_t i) {
  return ctx.arg(a.streams_at + i);
}

// Checks every key and group and reads the IDs (">" becomes Max(), which
// an explicit maximal ID also means, as in Redis).
bool ResolveStreams(CommandContext& ctx, const ReadGroupArgs& a, std::vector<StreamID>* ids) {
  ids->resize(a.streams);
  for (size_t i = 0; i < a.streams; ++i) {
    const std::string_view key = KeyOf(ctx, a, i);
    const std::string_view id_arg = ctx.arg(a.streams_at + a.streams + i);
    bool wrongtype;
    StreamValue* stream = FindStreamForRead(ctx, key, &wrongtype);
    if (wrongtype) return false;
    if (stream == nullptr || stream->FindGroup(a.group) == nullptr) {
      ctx.reply().Error(NoGroupError(key, a.group, " in XREADGROUP with GROUP option"));
      return false;
    }
    if (id_arg == "$") {
      ctx.reply().Error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
          "history of this consumer by specifying a proper ID, or use the > ID to get new "
          "messages. The $ ID would just return an empty result set.");
      return false;
    }
    if (id_arg == ">") {
      (*ids)[i] = StreamID::Max();
    } else if (!GetStrictStreamID(ctx, id_arg, 0, &(*ids)[i])) {
      return false;
    }
  }
  return true;
}

// What one stream of the command works with.
struct GroupRead {
  std::string_view key;
  StreamValue* stream;
  StreamGroup* group;
  StreamConsumer* consumer;
};

// Delivers the entries after `after` (new ones, ">"): [entry...]. Moves
// the group, makes each entry pending (unless NOACK) and propagates that.
void DeliverNew(CommandContext& ctx, const ReadGroupArgs& a, const GroupRead& r, StreamID after,
                int64_t count) {
  protocol::ReplyWriter& reply = ctx.reply();
  const protocol::ReplyWriter::Deferred len = reply.BeginDeferred();
  size_t n = 0;
  bool moved = false;
  StreamID start = after;
  start.Increment();
  const int64_t now = ctx.now_ms();
  r.stream->Range(start, StreamID::Max(), false, [&](const StreamEntry& e) {
    if (e.id > r.group->last_id()) {
      r.group->AdvanceLastId(*r.stream, e.id);
      moved = true;
    }
    ReplyStreamEntry(reply, e);
    if (!a.noack) {
      const types::StreamPendingEntry* pending = r.group->AddPending(e.id, r.consumer, now);
      PropagateClaim(ctx, r.key, a.group, *r.group, StreamIdText(e.id), *pending);
    }
    ++n;
    return count == 0 || n < static_cast<size_t>(count);
  });
  // Without NOACK each XCLAIM carries the group's new position.
  if (moved && a.noack) PropagateGroupPosition(ctx, r.key, a.group, *r.group);
  if (n > 0) r.consumer->active_time_ms = now;
  reply.EndDeferred(len, n);
}

// Replies with the consumer's pending entries after `after` (history): an
// entry deleted since shows as [id, null]. Each one served counts as one
// more delivery; nothing is propagated, as in Redis.
void DeliverHistory(CommandContext& ctx, const GroupRead& r, StreamID after, int64_t count) {
  protocol::ReplyWriter& reply = ctx.reply();
  const protocol::ReplyWriter::Deferred len = reply.BeginDeferred();
  StreamID start = after;
  start.Increment();
  const int64_t now = ctx.now_ms();
  size_t n = 0;
  for (auto it = r.consumer->pel.lower_bound(start);
       it != r.consumer->pel.end() && (count == 0 || n < static_cast<size_t>(count)); ++it) {
    StreamEntry entry;
    if (r.stream->Find(it->first, &entry)) {
      ReplyStreamEntry(reply, entry);
      it->second->delivery_time_ms = now;
      ++it->second->delivery_count;
    } else {
      reply.ArrayLen(2);
      ReplyStreamID(reply, it->first);
      reply.NullArray();
    }
    ++n;
  }
  reply.EndDeferred(len, n);
}

// The consumer for this read: found (seen now) or created; a consumer
// created by a NOACK read is propagated, since no XCLAIM will make it.
StreamConsumer* ConsumerFor(CommandContext& ctx, const ReadGroupArgs& a, std::string_view key,
                            StreamGroup* group) {
  bool created;
  StreamConsumer* c = LookupOrCreateConsumer(ctx, key, group, a.consumer, &created);
  if (created && a.noack) PropagateConsumerCreation(ctx, key, a.group, a.consumer);
  return c;
}

// Serves every stream that has something for the consumer now. Returns
// false when none had.
bool ServeNow(CommandContext& ctx, const ReadGroupArgs& a, const std::vector<StreamID>& ids) {
  protocol::ReplyWriter& reply = ctx.reply();
  protocol::ReplyWriter::Deferred outer{};
  size_t served = 0;
  for (size_t i = 0; i < a.streams; ++i) {
    const std::string_view key = KeyOf(ctx, a, i);
    bool wrongtype;
    StreamValue* stream = FindStreamForRead(ctx, key, &wrongtype);
    if (stream == nullptr) continue;
    StreamGroup* group = stream->FindGroup(a.group);
    const bool history = ids[i] != StreamID::Max();
    StreamID after = ids[i];
    if (!history) {
      StreamEntry last;
      if (stream->Length() == 0 || !stream->Last(&last) || last.id <= group->last_id()) continue;
      after = group->last_id();
    }
    if (++served == 1) {
      outer = reply.BeginDeferred(reply.resp() >= 3 ? protocol::ReplyWriter::AggregateKind::kMap
                                                    : protocol::ReplyWriter::AggregateKind::kArray);
    }
    if (reply.resp() < 3) reply.ArrayLen(2);
    reply.Bulk(key);
    const GroupRead r{key, stream, group, ConsumerFor(ctx, a, key, group)};
    if (history) {
      DeliverHistory(ctx, r, after, a.count);
    } else {
      DeliverNew(ctx, a, r, after, a.count);
    }
    ctx.AddDirty();
  }
  if (served == 0) return false;
  reply.EndDeferred(outer, served);
  return true;
}

// A blocked client's command runs again because `key` became ready.
// Returns false when the client keeps waiting.
bool ServeReadyKey(CommandContext& ctx, const ReadGroupArgs& a, std::string_view key) {
  keyspace::Entry e = ctx.db().Lookup(key, keyspace::kLookupNoStats | keyspace::kLookupNoNotify);
  if (!e || e.type() != types::ValueType::kStream) {
    ctx.reply().Error("UNBLOCKED the stream key no longer exists");
    return true;
  }
  auto* stream = static_cast<StreamValue*>(e.object());
  StreamGroup* group = stream->FindGroup(a.group);
  if (group == nullptr) {
    ctx.reply().Error("NOGROUP the consumer group this client was blocked on no longer exists");
    return true;
  }
  // Redis compares with the last ID ever given, not the last live entry.
  if (stream->last_id() <= group->last_id()) return false;
  protocol::ReplyWriter& reply = ctx.reply();
  if (reply.resp() >= 3) {
    reply.MapLen(1);
  } else {
    reply.ArrayLen(1);
    reply.ArrayLen(2);
  }
  reply.Bulk(key);
  const GroupRead r{key, stream, group, ConsumerFor(ctx, a, key, group)};
  DeliverNew(ctx, a, r, group->last_id(), a.count != 0 ? a.count : kBlockedDefaultCount);
  return true;
}

void Block(CommandContext& ctx, const ReadGroupArgs& a) {
  std::vector<std::string_view> keys;
  keys.reserve(a.streams);
  for (size_t i = 0; i < a.streams; ++i) keys.push_back(KeyOf(ctx, a, i));
  commands::BlockOptions options;
  options.wake_on_key_removed = true;
  ctx.BlockForKeys(keys, types::ValueType::kStream, a.deadline_ms,
                   commands::BlockTimeoutReply::kNullArray, options);
}

}  // namespace

void XReadGroupCommand(CommandContext& ctx) {
  // Whatever it does goes out as XCLAIM / XGROUP commands (or not at all).
  ctx.PreventPropagation();
  ReadGroupArgs a;
  if (!ParseReadGroupArgs(ctx, &a)) return;
  if (ctx.reprocessing() && !ctx.ready_key().empty()) {
    if (!ServeReadyKey(ctx, a, ctx.ready_key())) Block(ctx, a);
    return;
  }
  std::vector<StreamID> ids;
  if (!ResolveStreams(ctx, a, &ids)) return;
  if (ServeNow(ctx, a, ids)) return;
  if (!a.block) {
    ctx.reply().NullArray();
    return;
  }
  // In MULTI a block is a timeout at once.
  if (!ctx.may_block()) {
    ctx.reply().NullArray();
    return;
  }
  Block(ctx, a);
}

}  // namespace osprey::handlers
