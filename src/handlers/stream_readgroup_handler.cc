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

#include "commands/command_context.h"
#include "handlers/stream_group_helpers.h"
#include "handlers/stream_helpers.h"
#include "keyspace/db.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace osprey::handlers {

using commands::CommandContext;
using types::StreamConsumer;
using types::StreamEntry;
using types::StreamGroup;
using types::StreamID;
using types::StreamValue;

namespace {

// Checks every key and group and reads the IDs (">" becomes Max(), which
// an explicit maximal ID also means, as in Redis).
bool ResolveStreams(CommandContext& ctx, const XReadArgs& a, std::vector<StreamID>* ids) {
  ids->resize(a.num_streams);
  for (size_t i = 0; i < a.num_streams; ++i) {
    const std::string_view key = a.key(ctx, i);
    const std::string_view id_arg = a.id(ctx, i);
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
void DeliverNew(CommandContext& ctx, const XReadArgs& a, const GroupRead& r, StreamID after,
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
StreamConsumer* ConsumerFor(CommandContext& ctx, const XReadArgs& a, std::string_view key,
                            StreamGroup* group) {
  bool created;
  StreamConsumer* c = LookupOrCreateConsumer(ctx, key, group, a.consumer, &created);
  if (created && a.noack) PropagateConsumerCreation(ctx, key, a.group, a.consumer);
  return c;
}

// Serves every stream that has something for the consumer now. Returns
// false when none had.
bool ServeNow(CommandContext& ctx, const XReadArgs& a, const std::vector<StreamID>& ids) {
  protocol::ReplyWriter& reply = ctx.reply();
  protocol::ReplyWriter::Deferred outer{};
  size_t served = 0;
  for (size_t i = 0; i < a.num_streams; ++i) {
    const std::string_view key = a.key(ctx, i);
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
bool ServeReadyKey(CommandContext& ctx, const XReadArgs& a, std::string_view key) {
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
  DeliverNew(ctx, a, r, group->last_id(), a.count != 0 ? a.count : static_cast<int64_t>(kXReadBlockedDefaultCount));
  return true;
}

void Block(CommandContext& ctx, const XReadArgs& a) {
  std::vector<std::string_view> keys;
  keys.reserve(a.num_streams);
  for (size_t i = 0; i < a.num_streams; ++i) keys.push_back(a.key(ctx, i));
  commands::BlockOptions options;
  options.wake_on_key_removed = true;
  ctx.BlockForKeys(keys, types::ValueType::kStream, a.deadline_ms,
                   commands::BlockTimeoutReply::kNullArray, options);
}

}  // namespace

void XReadGroupCommand(CommandContext& ctx) {
  // Whatever it does goes out as XCLAIM / XGROUP commands (or not at all).
  ctx.PreventPropagation();
  XReadArgs a;
  if (!ParseXReadArgs(ctx, /*xreadgroup=*/true, &a)) return;
  if (ctx.reprocessing() && !ctx.ready_key().empty()) {
    if (!ServeReadyKey(ctx, a, ctx.ready_key())) Block(ctx, a);
    return;
  }
  std::vector<StreamID> ids;
  if (!ResolveStreams(ctx, a, &ids)) return;
  if (ServeNow(ctx, a, ids)) return;
  if (a.deadline_ms == -1) {  // no BLOCK
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
