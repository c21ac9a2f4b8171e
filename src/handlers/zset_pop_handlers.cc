// Popping the lowest or highest members: ZPOPMIN, ZPOPMAX, ZMPOP and the
// blocking BZPOPMIN, BZPOPMAX and BZMPOP. A blocking command that finds all
// its keys empty blocks (ctx.BlockForKeys) without replying; when a key is
// filled the command runs again from the start. Inside MULTI or a script it
// answers as if its timeout had passed at once.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/zset_helpers.h"
#include "keyspace/db.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/zset.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using commands::IsOption;
using protocol::ErrorCode;
using types::ZSetEnd;
using types::ZSetValue;

// How a pop replies (Redis's genericZpopCommand flags).
struct PopReply {
  bool emit_key = false;     // the key name comes first (blocking and M-forms)
  bool nested = false;       // [member, score] pairs in an array of their own
  bool nil_if_empty = false;  // a null array, not an empty one, when nothing pops
};

// Pops up to `count` (-1: one, without a count) elements from the first of
// `keys` that holds a sorted set. Replies WRONGTYPE for a key of another
// type met before that.
void PopGeneric(CommandContext& ctx, std::span<const std::string_view> keys, ZSetEnd end,
                int64_t count, const PopReply& how) {
  ZSetValue* z = nullptr;
  std::string_view key;
  for (std::string_view k : keys) {
    const ZSetLookup found = FindZSet(ctx, k, keyspace::kLookupWrite, &z);
    if (found == ZSetLookup::kWrongType) return;
    if (found == ZSetLookup::kFound) {
      key = k;
      break;
    }
  }
  protocol::ReplyWriter& reply = ctx.reply();
  if (z == nullptr) {
    if (how.nil_if_empty) reply.NullArray(); else reply.ArrayLen(0);
    return;
  }
  if (count == 0) {  // ZPOPMIN key 0
    reply.ArrayLen(0);
    return;
  }
  const bool with_count = count != -1;
  if (count == -1) count = 1;
  const size_t n = std::min(static_cast<size_t>(count), z->size());
  // The blocking and M-forms go out as the plain pop of the key served
  // (ZPOPMIN key [n]), which a replay runs the same without blocking.
  if (how.emit_key) {
    const std::string_view name = end == ZSetEnd::kMin ? "ZPOPMIN" : "ZPOPMAX";
    const std::string n_text = std::to_string(n);
    if (with_count) {
      ctx.PropagateAs({name, key, n_text});
    } else {
      ctx.PropagateAs({name, key});
    }
  }
  if (how.emit_key && how.nested) {
    reply.ArrayLen(2);
    reply.Bulk(key);
    reply.ArrayLen(n);
  } else if (how.emit_key) {
    reply.ArrayLen(2 * n + 1);
    reply.Bulk(key);
  } else {
    reply.ArrayLen(how.nested ? n : 2 * n);
  }
  std::string member;
  double score;
  for (size_t i = 0; i < n; ++i) {
    z->Pop(end, &member, &score);
    ctx.AddDirty();
    if (i == 0) {
      ctx.Notify(keyspace::kNotifyZSet, end == ZSetEnd::kMin ? "zpopmin" : "zpopmax", key);
      ctx.KeyModified(key);
    }
    if (how.nested) reply.ArrayLen(2);
    reply.Bulk(member);
    reply.Double(score);
  }
  if (z->empty()) {
    DeleteEmptyZSet(ctx, key);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
  }
}

// BZPOPMIN, BZPOPMAX, BZMPOP: pops from the first non-empty key, else
// blocks on all of them. A client woken by one of its keys is served from
// that key, as Redis 7.0 serves it, whatever the order of its keys.
void BlockingPopGeneric(CommandContext& ctx, std::span<const std::string_view> keys,
                        ZSetEnd end, std::string_view timeout, int64_t count,
                        const PopReply& how) {
  int64_t deadline_ms;
  if (!commands::GetBlockingDeadline(ctx, timeout, &deadline_ms)) return;
  const std::string_view ready = ctx.ready_key();
  if (!ready.empty()) {
    const keyspace::Entry e = ctx.db().LookupWrite(ready);
    if (e && e.type() == types::ValueType::kZSet) {
      PopGeneric(ctx, std::span<const std::string_view>(&ready, 1), end, count, how);
      return;
    }
  }
  for (std::string_view key : keys) {
    // (An empty ready key means "not woken": the key "" is a key like any.)
    if (!ready.empty() && key == ready) continue;
    ZSetValue* z = nullptr;
    const ZSetLookup found = FindZSet(ctx, key, keyspace::kLookupWrite, &z);
    if (found == ZSetLookup::kWrongType) return;
    if (found == ZSetLookup::kMissing || z->empty()) continue;
    PopGeneric(ctx, std::span<const std::string_view>(&key, 1), end, count, how);
    return;
  }
  if (!ctx.may_block()) {
    ctx.reply().NullArray();
    return;
  }
  ctx.BlockForKeys(keys, types::ValueType::kZSet, deadline_ms,
                   commands::BlockTimeoutReply::kNullArray);
}

void ZPopMinMax(CommandContext& ctx, ZSetEnd end) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  int64_t count = -1;
  if (ctx.argc() == 3 &&
      !commands::GetInt64InRange(ctx, ctx.arg(2), 0, INT64_MAX, &count,
                                 "ERR value is out of range, must be positive")) {
    return;
  }
  // With a count, RESP3 clients get [member, score] pairs.
  PopReply how;
  how.nested = ctx.reply().resp() >= 3 && count != -1;
  const std::string_view key = ctx.arg(1);
  PopGeneric(ctx, std::span<const std::string_view>(&key, 1), end, count, how);
}

void BZPopMinMax(CommandContext& ctx, ZSetEnd end) {
  const auto keys = ctx.args().subspan(1, ctx.argc() - 2);
  PopReply how;
  how.emit_key = true;
  BlockingPopGeneric(ctx, keys, end, ctx.arg(ctx.argc() - 1), -1, how);
}

// ZMPOP numkeys key... MIN|MAX [COUNT n], and BZMPOP with a timeout first.
void ZMPopGeneric(CommandContext& ctx, size_t numkeys_index, bool blocking) {
  int64_t numkeys;
  if (!commands::GetInt64InRange(ctx, ctx.arg(numkeys_index), 1, INT64_MAX, &numkeys,
                                 "ERR numkeys should be greater than 0")) {
    return;
  }
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - numkeys_index - 1) {
    ctx.reply().Error(ErrorCode::kSyntax);  // no room for MIN|MAX
    return;
  }
  const size_t where_index = numkeys_index + static_cast<size_t>(numkeys) + 1;
  ZSetEnd end;
  if (IsOption(ctx.arg(where_index), "min")) {
    end = ZSetEnd::kMin;
  } else if (IsOption(ctx.arg(where_index), "max")) {
    end = ZSetEnd::kMax;
  } else {
    ctx.reply().Error(ErrorCode::kSyntax);
    return;
  }
  int64_t count = -1;
  for (size_t j = where_index + 1; j < ctx.argc(); ++j) {
    if (count == -1 && IsOption(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      if (!commands::GetInt64InRange(ctx, ctx.arg(++j), 1, INT64_MAX, &count,
                                     "ERR count should be greater than 0")) {
        return;
      }
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return;
    }
  }
  if (count == -1) count = 1;
  const auto keys = ctx.args().subspan(numkeys_index + 1, static_cast<size_t>(numkeys));
  PopReply how;
  how.emit_key = true;
  how.nested = true;
  how.nil_if_empty = true;
  if (blocking) {
    BlockingPopGeneric(ctx, keys, end, ctx.arg(1), count, how);
  } else {
    PopGeneric(ctx, keys, end, count, how);
  }
}

}  // namespace

void ZPopMinCommand(CommandContext& ctx) { ZPopMinMax(ctx, ZSetEnd::kMin); }

void ZPopMaxCommand(CommandContext& ctx) { ZPopMinMax(ctx, ZSetEnd::kMax); }

void BZPopMinCommand(CommandContext& ctx) { BZPopMinMax(ctx, ZSetEnd::kMin); }

void BZPopMaxCommand(CommandContext& ctx) { BZPopMinMax(ctx, ZSetEnd::kMax); }

void ZMPopCommand(CommandContext& ctx) { ZMPopGeneric(ctx, 1, /*blocking=*/false); }

void BZMPopCommand(CommandContext& ctx) { ZMPopGeneric(ctx, 2, /*blocking=*/true); }

}  // namespace osprey::handlers
