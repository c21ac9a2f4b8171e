// The set commands on one key (and SMOVE): SADD, SREM, SISMEMBER,
// SMISMEMBER, SCARD, SMOVE, SPOP, SRANDMEMBER, SSCAN. SMEMBERS and the set
// algebra are in set_algebra_handlers.cc.
//
// Replies follow Redis 7.0: collections of members that Redis builds as sets
// are RESP3 sets (SPOP with a count, SMEMBERS), SRANDMEMBER with a count
// replies with an array (its members may repeat). SPOP and SRANDMEMBER use
// Redis's sampling strategies (types/set.cc), so their cost matches; the
// distribution is uniform.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/glob.h"
#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/scan_options.h"
#include "handlers/set_helpers.h"
#include "keyspace/db.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/set.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using protocol::ErrorCode;
using types::SetValue;

void SetModified(CommandContext& ctx, std::string_view key, std::string_view event) {
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifySet, event, key);
}

// SPOP key count.
void SPopWithCount(CommandContext& ctx) {
  // Anything but a non-negative integer gets the same error here.
  int64_t count;
  if (!commands::GetInt64InRange(ctx, ctx.arg(2), 0, std::numeric_limits<int64_t>::max(), &count,
                                 "ERR value is out of range, must be positive")) {
    return;
  }
  const std::string_view key = ctx.arg(1);
  SetValue* set = nullptr;
  switch (FindSet(ctx, key, keyspace::kLookupWrite, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: ctx.reply().SetLen(0); return;
    case SetLookup::kFound: break;
  }
  if (count == 0) {
    ctx.reply().SetLen(0);
    return;
  }
  const size_t size = set->size();
  const auto n = static_cast<uint64_t>(count);
  ctx.Notify(keyspace::kNotifySet, "spop", key);
  ctx.AddDirty(n >= size ? size : n);
  protocol::ReplyWriter& reply = ctx.reply();
  if (n >= size) {
    // Everything goes: reply with the set, then delete the key.
    reply.SetLen(size);
    set->ForEach([&](std::string_view m) { reply.Bulk(m); });
    DeleteEmptySet(ctx, key);
    ctx.KeyModified(key);
    ctx.PropagateAs({"DEL", key});
    return;
  }
  reply.SetLen(n);
  // Random choices must not be made again on replay: each popped member
  // goes out as its own SREM, and SPOP itself not at all.
  set->PopRandom(n, ctx.config().set_max_intset_entries, ctx.keyspace().rng(),
                 [&](std::string_view m) {
                   reply.Bulk(m);
                   ctx.AlsoPropagate({"SREM", key, m});
                 });
  ctx.PreventPropagation();
  ctx.KeyModified(key);
}

// SRANDMEMBER key count: a negative count allows repeats and gives -count
// members in random order.
void SRandMemberWithCount(CommandContext& ctx) {
  int64_t l;
  if (!ParseRandomCount(ctx, ctx.arg(2), &l)) return;
  const bool unique = l >= 0;
  const uint64_t count = unique ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  SetValue* set = nullptr;
  switch (FindSet(ctx, ctx.arg(1), keyspace::kLookupNone, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: ctx.reply().ArrayLen(0); return;
    case SetLookup::kFound: break;
  }
  protocol::ReplyWriter& reply = ctx.reply();
  if (count == 0) {
    reply.ArrayLen(0);
    return;
  }
  std::mt19937_64& rng = ctx.keyspace().rng();
  if (!unique || count == 1) {
    reply.ArrayLen(count);
    char buf[types::kSetMemberBufSize];
    for (uint64_t i = 0; i < count; ++i) reply.Bulk(set->RandomMember(rng, buf));
    return;
  }
  reply.ArrayLen(count < set->size() ? count : set->size());
  set->RandomDistinct(count, rng, [&](std::string_view m) { reply.Bulk(m); });
}

}  // namespace

void SAddCommand(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  SetValue* set = nullptr;
  switch (FindSet(ctx, key, keyspace::kLookupWrite, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: set = AddSetKey(ctx, key, NewSet(ctx)); break;
    case SetLookup::kFound: break;
  }
  const int64_t max_intset = ctx.config().set_max_intset_entries;
  int64_t added = 0;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (set->Add(ctx.arg(j), max_intset)) ++added;
  }
  if (added > 0) SetModified(ctx, key, "sadd");
  ctx.AddDirty(static_cast<uint64_t>(added));
  ctx.reply().Integer(added);
}

void SRemCommand(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  SetValue* set = nullptr;
  switch (FindSet(ctx, key, keyspace::kLookupWrite, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: ctx.reply().Integer(0); return;
    case SetLookup::kFound: break;
  }
  int64_t deleted = 0;
  bool key_removed = false;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (!set->Remove(ctx.arg(j))) continue;
    ++deleted;
    if (set->empty()) {
      ctx.db().Delete(key);
      key_removed = true;
      break;
    }
  }
  if (deleted > 0) {
    SetModified(ctx, key, "srem");
    if (key_removed) ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    ctx.AddDirty(static_cast<uint64_t>(deleted));
  }
  ctx.reply().Integer(deleted);
}

void SIsMemberCommand(CommandContext& ctx) {
  SetValue* set = nullptr;
  switch (FindSet(ctx, ctx.arg(1), keyspace::kLookupNone, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: ctx.reply().Integer(0); return;
    case SetLookup::kFound: break;
  }
  ctx.reply().Integer(set->Contains(ctx.arg(2)) ? 1 : 0);
}

// A missing key is an empty set: every answer is 0.
void SMIsMemberCommand(CommandContext& ctx) {
  SetValue* set = nullptr;
  if (FindSet(ctx, ctx.arg(1), keyspace::kLookupNone, &set) == SetLookup::kWrongType) return;
  ctx.reply().ArrayLen(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    ctx.reply().Integer(set != nullptr && set->Contains(ctx.arg(j)) ? 1 : 0);
  }
}

void SCardCommand(CommandContext& ctx) {
  SetValue* set = nullptr;
  switch (FindSet(ctx, ctx.arg(1), keyspace::kLookupNone, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: ctx.reply().Integer(0); return;
    case SetLookup::kFound: break;
  }
  ctx.reply().Integer(static_cast<int64_t>(set->size()));
}

// A missing source moves nothing, whatever the destination holds; a
// destination of another type is refused only once the source exists.
void SMoveCommand(CommandContext& ctx) {
  const std::string_view src_key = ctx.arg(1);
  const std::string_view dst_key = ctx.arg(2);
  const std::string_view member = ctx.arg(3);
  keyspace::Db& db = ctx.db();
  keyspace::Entry src_entry = db.Lookup(src_key, keyspace::kLookupWrite);
  const bool src_exists = static_cast<bool>(src_entry);
  const bool src_is_set = src_exists && src_entry.type() == types::ValueType::kSet;
  SetValue* src = src_is_set ? static_cast<SetValue*>(src_entry.object()) : nullptr;
  keyspace::Entry dst_entry = db.Lookup(dst_key, keyspace::kLookupWrite);
  if (!src_exists) {
    ctx.reply().Integer(0);
    return;
  }
  if (!src_is_set || (dst_entry && dst_entry.type() != types::ValueType::kSet)) {
    ctx.reply().Error(ErrorCode::kWrongType);
    return;
  }
  SetValue* dst = dst_entry ? static_cast<SetValue*>(dst_entry.object()) : nullptr;
  if (src == dst) {
    ctx.reply().Integer(src->Contains(member) ? 1 : 0);
    return;
  }
  if (!src->Remove(member)) {
    ctx.reply().Integer(0);
    return;
  }
  ctx.Notify(keyspace::kNotifySet, "srem", src_key);
  if (src->empty()) DeleteEmptySet(ctx, src_key);
  if (dst == nullptr) dst = AddSetKey(ctx, dst_key, NewSet(ctx));
  ctx.KeyModified(src_key);
  ctx.AddDirty();
  if (dst->Add(member, ctx.config().set_max_intset_entries)) {
    ctx.AddDirty();
    SetModified(ctx, dst_key, "sadd");
  }
  ctx.reply().Integer(1);
}

void SPopCommand(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    SPopWithCount(ctx);
    return;
  }
  if (ctx.argc() > 3) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  const std::string_view key = ctx.arg(1);
  SetValue* set = nullptr;
  switch (FindSet(ctx, key, keyspace::kLookupWrite, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: ctx.reply().Null(); return;
    case SetLookup::kFound: break;
  }
  char buf[types::kSetMemberBufSize];
  const std::string member(set->RandomMember(ctx.keyspace().rng(), buf));
  set->Remove(member);
  ctx.Notify(keyspace::kNotifySet, "spop", key);
  ctx.reply().Bulk(member);
  if (set->empty()) DeleteEmptySet(ctx, key);
  ctx.KeyModified(key);
  ctx.AddDirty();
  ctx.PropagateAs({"SREM", key, member});
}

void SRandMemberCommand(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    SRandMemberWithCount(ctx);
    return;
  }
  if (ctx.argc() > 3) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  SetValue* set = nullptr;
  switch (FindSet(ctx, ctx.arg(1), keyspace::kLookupNone, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing: ctx.reply().Null(); return;
    case SetLookup::kFound: break;
  }
  char buf[types::kSetMemberBufSize];
  ctx.reply().Bulk(set->RandomMember(ctx.keyspace().rng(), buf));
}

// An intset comes back whole in one call with cursor 0, as in Redis; a
// hash table is walked COUNT slots at a time (at most COUNT*10 steps),
// then filtered by MATCH. Options are checked only when the key exists.
void SScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!base::ParseScanCursor(ctx.arg(2), &cursor)) {
    ctx.reply().Error(ErrorCode::kInvalidCursor);
    return;
  }
  protocol::ReplyWriter& reply = ctx.reply();
  SetValue* set = nullptr;
  switch (FindSet(ctx, ctx.arg(1), keyspace::kLookupNone, &set)) {
    case SetLookup::kWrongType: return;
    case SetLookup::kMissing:
      reply.ArrayLen(2);
      reply.Bulk("0");
      reply.ArrayLen(0);
      return;
    case SetLookup::kFound: break;
  }
  ScanOptions opts;
  if (!ParseScanOptions(ctx, 3, /*allow_type=*/false, &opts)) return;
  std::vector<std::string> members;
  auto collect = [&](std::string_view m) {
    if (!opts.use_pattern || base::GlobMatch(opts.pattern, m, /*nocase=*/false)) {
      members.emplace_back(m);
    }
  };
  if (set->is_intset()) {
    set->ForEach(collect);
    cursor = 0;
  } else {
    const auto count = static_cast<uint64_t>(opts.count);
    int64_t steps_left = opts.count > std::numeric_limits<int64_t>::max() / 10
                             ? std::numeric_limits<int64_t>::max()
                             : opts.count * 10;
    // Steps count members before MATCH filters them, as Redis counts.
    uint64_t walked = 0;
    do {
      cursor = set->ScanStep(cursor, [&](std::string_view m) {
        ++walked;
        collect(m);
      });
    } while (cursor != 0 && steps_left-- > 0 && walked < count);
  }
  reply.ArrayLen(2);
  reply.BulkInteger(static_cast<int64_t>(cursor));
  reply.ArrayLen(members.size());
  for (const std::string& m : members) reply.Bulk(m);
}

}  // namespace osprey::handlers
