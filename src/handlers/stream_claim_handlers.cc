// The pending-entries commands: XPENDING (the summary and the detailed
// form), XCLAIM and XAUTOCLAIM.
//
// A claim of an entry that is no longer in the stream drops it from the
// PEL (Redis 7.0); XAUTOCLAIM lists such IDs in the third element of its
// reply. Claims are propagated as XCLAIM ... FORCE JUSTID with the entry's
// new state (stream_group_helpers.h), never as received.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/stream_group_helpers.h"
#include "handlers/stream_helpers.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace osprey::handlers {

using commands::CommandContext;
using commands::IsOption;
using types::StreamConsumer;
using types::StreamEntry;
using types::StreamGroup;
using types::StreamID;
using types::StreamPendingEntry;
using types::StreamValue;

namespace {

// The stream and group of XPENDING/XCLAIM/XAUTOCLAIM (read lookup, as
// Redis's lookupKeyRead); replies WRONGTYPE or NOGROUP and returns false
// when either is missing.
bool FindGroupOrReply(CommandContext& ctx, StreamValue** stream, StreamGroup** group) {
  bool wrongtype;
  *stream = FindStreamForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return false;
  *group = *stream == nullptr ? nullptr : (*stream)->FindGroup(ctx.arg(2));
  if (*group == nullptr) {
    ctx.reply().Error(NoGroupError(ctx.arg(1), ctx.arg(2)));
    return false;
  }
  return true;
}

int64_t IdleOf(const StreamPendingEntry& e, int64_t now_ms) {
  return MillisSince(now_ms, e.delivery_time_ms);
}

// XPENDING key group: [count, smallest ID, largest ID, [[consumer, count]...]].
void ReplyPendingSummary(CommandContext& ctx, const StreamGroup& group) {
  protocol::ReplyWriter& reply = ctx.reply();
  reply.ArrayLen(4);
  reply.Integer(static_cast<int64_t>(group.pel().size()));
  if (group.pel().empty()) {
    reply.Null();
    reply.Null();
    reply.NullArray();
    return;
  }
  ReplyStreamID(reply, group.pel().begin()->first);
  ReplyStreamID(reply, group.pel().rbegin()->first);
  size_t with_pending = 0;
  for (const auto& [name, c] : group.consumers()) with_pending += c->pel.empty() ? 0 : 1;
  reply.ArrayLen(with_pending);
  for (const auto& [name, c] : group.consumers()) {
    if (c->pel.empty()) continue;
    reply.ArrayLen(2);
    reply.Bulk(name);
    reply.BulkInteger(static_cast<int64_t>(c->pel.size()));  // a bulk string, as Redis sends it
  }
}

// The detailed form's rows: [id, consumer, idle ms, deliveries] for the
// entries of `pel` in [start, end] idle at least `min_idle`, at most `count`.
template <typename Pel, typename EntryOf>
void ReplyPendingRange(CommandContext& ctx, const Pel& pel, EntryOf entry_of, StreamID start,
                       StreamID end, int64_t count, int64_t min_idle) {
  protocol::ReplyWriter& reply = ctx.reply();
  const protocol::ReplyWriter::Deferred len = reply.BeginDeferred();
  const int64_t now = ctx.now_ms();
  size_t n = 0;
  for (auto it = pel.lower_bound(start); count > 0 && it != pel.end() && it->first <= end; ++it) {
    const StreamPendingEntry& e = entry_of(it->second);
    if (min_idle != 0 && IdleOf(e, now) < min_idle) continue;
    ++n;
    --count;
    reply.ArrayLen(4);
    ReplyStreamID(reply, it->first);
    reply.Bulk(e.consumer->name);
    reply.Integer(std::max<int64_t>(IdleOf(e, now), 0));
    reply.Integer(static_cast<int64_t>(e.delivery_count));
  }
  reply.EndDeferred(len, n);
}

}  // namespace

// XPENDING key group [[IDLE min-idle] start end count [consumer]]
void XPendingCommand(CommandContext& ctx) {
  const size_t argc = ctx.argc();
  if (argc != 3 && (argc < 6 || argc > 9)) {
    ctx.reply().Error(protocol::ErrorCode::kSyntax);
    return;
  }
  // The range is read before the key, so its errors come first.
  int64_t min_idle = 0;
  int64_t count = 0;
  StreamID start, end;
  std::string_view consumer_name;
  bool with_consumer = false;
  if (argc >= 6) {
    size_t at = 3;
    if (IsOption(ctx.arg(3), "IDLE")) {
      if (!commands::GetInt64(ctx, ctx.arg(4), &min_idle)) return;
      if (argc < 8) {
        ctx.reply().Error(protocol::ErrorCode::kSyntax);
        return;
      }
      at += 2;
    }
    if (!commands::GetInt64(ctx, ctx.arg(at + 2), &count)) return;
    count = std::max<int64_t>(count, 0);
    bool exclusive;
    if (!GetStreamIntervalID(ctx, ctx.arg(at), 0, &start, &exclusive)) return;
    if (exclusive && !start.Increment()) {
      ctx.reply().Error("ERR invalid start ID for the interval");
      return;
    }
    if (!GetStreamIntervalID(ctx, ctx.arg(at + 1), UINT64_MAX, &end, &exclusive)) return;
    if (exclusive && !end.Decrement()) {
      ctx.reply().Error("ERR invalid end ID for the interval");
      return;
    }
    // Arguments past the consumer are ignored, as Redis ignores them.
    if (at + 3 < argc) {
      consumer_name = ctx.arg(at + 3);
      with_consumer = true;
    }
  }
  StreamValue* stream;
  StreamGroup* group;
  if (!FindGroupOrReply(ctx, &stream, &group)) return;
  if (argc == 3) {
    ReplyPendingSummary(ctx, *group);
    return;
  }
  if (with_consumer) {
    const StreamConsumer* consumer = group->FindConsumer(consumer_name);
    if (consumer == nullptr) {
      ctx.reply().ArrayLen(0);
      return;
    }
    ReplyPendingRange(
        ctx, consumer->pel,
        [](const StreamPendingEntry* e) -> const StreamPendingEntry& { return *e; }, start, end,
        count, min_idle);
    return;
  }
  ReplyPendingRange(
      ctx, group->pel(), [](const StreamPendingEntry& e) -> const StreamPendingEntry& { return e; },
      start, end, count, min_idle);
}

namespace {

struct ClaimOptions {
  int64_t min_idle = 0;
  int64_t delivery_time = -1;  // IDLE/TIME (-1: not given)
  int64_t retry_count = -1;    // RETRYCOUNT (-1: not given)
  bool force = false;
  bool justid = false;
  StreamID last_id;  // LASTID
};

// XCLAIM's options after its IDs (from argument `j`). Replies and returns
// false on a bad one.
bool ParseClaimOptions(CommandContext& ctx, size_t j, int64_t now, ClaimOptions* o) {
  for (; j < ctx.argc(); ++j) {
    const std::string_view opt = ctx.arg(j);
    const bool more = j + 1 < ctx.argc();
    if (IsOption(opt, "FORCE")) {
      o->force = true;
    } else if (IsOption(opt, "JUSTID")) {
      o->justid = true;
    } else if (IsOption(opt, "IDLE") && more) {
      int64_t idle;
      if (!commands::GetInt64InRange(ctx, ctx.arg(++j), INT64_MIN, INT64_MAX, &idle,
                                     "ERR Invalid IDLE option argument for XCLAIM")) {
        return false;
      }
      // Redis subtracts without an overflow check; wrap the same way.
      o->delivery_time =
          static_cast<int64_t>(static_cast<uint64_t>(now) - static_cast<uint64_t>(idle));
    } else if (IsOption(opt, "TIME") && more) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(++j), INT64_MIN, INT64_MAX, &o->delivery_time,
                                     "ERR Invalid TIME option argument for XCLAIM")) {
        return false;
      }
    } else if (IsOption(opt, "RETRYCOUNT") && more) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(++j), INT64_MIN, INT64_MAX, &o->retry_count,
                                     "ERR Invalid RETRYCOUNT option argument for XCLAIM")) {
        return false;
      }
    } else if (IsOption(opt, "LASTID") && more) {
      if (!GetStrictStreamID(ctx, ctx.arg(++j), 0, &o->last_id)) return false;
    } else {
      std::string msg = "ERR Unrecognized XCLAIM option '";
      msg.append(UpToNul(opt));
      msg.append("'");
      ctx.reply().Error(msg);
      return false;
    }
  }
  return true;
}

// Gives `entry` (pending `id`) to `consumer` with the delivery time and
// count a claim sets.
void Claim(StreamGroup* group, StreamPendingEntry* entry, StreamID id, StreamConsumer* consumer,
           int64_t delivery_time, int64_t retry_count, bool justid) {
  group->ChangeOwner(entry, id, consumer);
  entry->delivery_time_ms = delivery_time;
  if (retry_count >= 0) {
    entry->delivery_count = static_cast<uint64_t>(retry_count);
  } else if (!justid) {
    ++entry->delivery_count;
  }
}

// Replies with the claimed entry `id` (its ID alone with JUSTID).
void ReplyClaimed(protocol::ReplyWriter& reply, const StreamValue& stream, StreamID id,
                  bool justid) {
  if (justid) {
    ReplyStreamID(reply, id);
    return;
  }
  StreamEntry entry;
  stream.Find(id, &entry);
  ReplyStreamEntry(reply, entry);
}

}  // namespace

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms]
//        [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
void XClaimCommand(CommandContext& ctx) {
  StreamValue* stream;
  StreamGroup* group;
  if (!FindGroupOrReply(ctx, &stream, &group)) return;
  ClaimOptions o;
  if (!commands::GetInt64InRange(ctx, ctx.arg(4), INT64_MIN, INT64_MAX, &o.min_idle,
                                 "ERR Invalid min-idle-time argument for XCLAIM")) {
    return;
  }
  o.min_idle = std::max<int64_t>(o.min_idle, 0);
  // The IDs run until the first argument that is not one: the options.
  std::vector<StreamID> ids;
  size_t j = 5;
  for (; j < ctx.argc(); ++j) {
    StreamID id;
    if (!types::ParseStreamID(ctx.arg(j), 0, /*strict=*/true, &id)) break;
    ids.push_back(id);
  }
  const int64_t now = ctx.now_ms();
  if (!ParseClaimOptions(ctx, j, now, &o)) return;

  const std::string_view key = ctx.arg(1);
  const std::string_view group_name = ctx.arg(2);
  bool propagate_last_id = false;
  if (o.last_id > group->last_id()) {
    group->set_last_id(o.last_id);
    propagate_last_id = true;
  }
  // A time in the future or before the epoch would be a client's clock
  // problem: Redis takes "now" instead of failing.
  if (o.delivery_time < 0 || o.delivery_time > now) o.delivery_time = now;

  StreamConsumer* consumer = nullptr;
  protocol::ReplyWriter& reply = ctx.reply();
  const protocol::ReplyWriter::Deferred len = reply.BeginDeferred();
  size_t claimed = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const StreamID id = ids[i];
    const std::string_view id_text = ctx.arg(5 + i);
    StreamPendingEntry* entry = group->FindPending(id);
    if (!StreamHasEntry(*stream, id)) {
      // Gone from the stream: it leaves the PEL too.
      if (entry != nullptr) {
        PropagateClaim(ctx, key, group_name, *group, id_text, *entry);
        propagate_last_id = false;
        ctx.AddDirty();
        group->Acknowledge(id);
      }
      continue;
    }
    // FORCE makes an entry pending that was not; it has no owner yet, so
    // its idle time is not checked.
    if (o.force && entry == nullptr) entry = group->AddPending(id, nullptr, now);
    if (entry == nullptr) continue;
    if (entry->consumer != nullptr && o.min_idle != 0 && IdleOf(*entry, now) < o.min_idle) {
      continue;
    }
    if (consumer == nullptr) consumer = LookupOrCreateConsumer(ctx, key, group, ctx.arg(3));
    Claim(group, entry, id, consumer, o.delivery_time, o.retry_count, o.justid);
    consumer->active_time_ms = now;
    ReplyClaimed(reply, *stream, id, o.justid);
    ++claimed;
    PropagateClaim(ctx, key, group_name, *group, id_text, *entry);
    propagate_last_id = false;  // the XCLAIM carries LASTID
    ctx.AddDirty();
  }
  if (propagate_last_id) {
    PropagateGroupPosition(ctx, key, group_name, *group);
    ctx.AddDirty();
  }
  reply.EndDeferred(len, claimed);
  ctx.PreventPropagation();
}

namespace {

// Redis caps COUNT so that COUNT times its per-entry work stays in a long.
constexpr int64_t kAutoClaimAttemptsFactor = 10;
constexpr int64_t kAutoClaimMaxCount = INT64_MAX / 16;
// Redis reserves 16 bytes per COUNT for the deleted IDs up front and fails
// when its allocator refuses: jemalloc on a 48-bit address space grants at
// most 64 TB.
constexpr int64_t kAutoClaimMaxReservation = int64_t{1} << 46;

}  // namespace

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]:
// [next start, [claimed], [IDs no longer in the stream]].
void XAutoClaimCommand(CommandContext& ctx) {
  int64_t min_idle;
  if (!commands::GetInt64InRange(ctx, ctx.arg(4), INT64_MIN, INT64_MAX, &min_idle,
                                 "ERR Invalid min-idle-time argument for XAUTOCLAIM")) {
    return;
  }
  min_idle = std::max<int64_t>(min_idle, 0);
  StreamID start;
  bool exclusive;
  if (!GetStreamIntervalID(ctx, ctx.arg(5), 0, &start, &exclusive)) return;
  if (exclusive && !start.Increment()) {
    ctx.reply().Error("ERR invalid start ID for the interval");
    return;
  }
  int64_t count = 100;
  bool justid = false;
  for (size_t j = 6; j < ctx.argc(); ++j) {
    if (IsOption(ctx.arg(j), "COUNT") && j + 1 < ctx.argc()) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(j + 1), 1, kAutoClaimMaxCount, &count,
                                     "ERR COUNT must be > 0")) {
        return;
      }
      ++j;
    } else if (IsOption(ctx.arg(j), "JUSTID")) {
      justid = true;
    } else {
      ctx.reply().Error(protocol::ErrorCode::kSyntax);
      return;
    }
  }
  StreamValue* stream;
  StreamGroup* group;
  if (!FindGroupOrReply(ctx, &stream, &group)) return;
  if (count > kAutoClaimMaxReservation / 16) {
    ctx.reply().Error(
        "ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
    return;
  }

  const std::string_view key = ctx.arg(1);
  const std::string_view group_name = ctx.arg(2);
  const int64_t now = ctx.now_ms();
  protocol::ReplyWriter& reply = ctx.reply();
  reply.ArrayLen(3);
  // The cursor comes first in the reply but is known last.
  std::vector<StreamID> deleted;
  std::vector<StreamID> taken;
  StreamConsumer* consumer = nullptr;
  int64_t attempts = count * kAutoClaimAttemptsFactor;
  StreamID next = start;   // where the scan goes on
  bool exhausted = false;  // no pending entry left from `next` on
  while (attempts-- > 0 && count > 0) {
    StreamID id;
    StreamPendingEntry* entry = group->FindPendingFrom(next, &id);
    if (entry == nullptr) {
      exhausted = true;
      break;
    }
    next = id;
    if (!next.Increment()) exhausted = true;
    if (!StreamHasEntry(*stream, id)) {
      PropagateClaim(ctx, key, group_name, *group, StreamIdText(id), *entry);
      ctx.AddDirty();
      group->Acknowledge(id);
      deleted.push_back(id);
      --count;  // COUNT bounds the reply, deleted IDs included
    } else if (min_idle == 0 || IdleOf(*entry, now) >= min_idle) {
      if (consumer == nullptr) consumer = LookupOrCreateConsumer(ctx, key, group, ctx.arg(3));
      Claim(group, entry, id, consumer, now, -1, justid);
      consumer->active_time_ms = now;
      taken.push_back(id);
      --count;
      PropagateClaim(ctx, key, group_name, *group, StreamIdText(id), *entry);
      ctx.AddDirty();
    }
    if (exhausted) break;
  }
  StreamID cursor;
  if (!exhausted && group->FindPendingFrom(next, &cursor) == nullptr) cursor = StreamID::Min();
  ReplyStreamID(reply, cursor);
  reply.ArrayLen(taken.size());
  for (StreamID id : taken) ReplyClaimed(reply, *stream, id, justid);
  reply.ArrayLen(deleted.size());
  for (StreamID id : deleted) ReplyStreamID(reply, id);
  ctx.PreventPropagation();
}

}  // namespace osprey::handlers
