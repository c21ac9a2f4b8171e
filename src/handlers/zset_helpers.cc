#include "handlers/zset_helpers.h"

#include <utility>

#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Entry;
using keyspace::ValueSpec;

ZSetLookup FindZSet(CommandContext& ctx, std::string_view key, uint32_t flags,
                    types::ZSetValue** out) {
  Entry e = ctx.db().Lookup(key, flags);
  if (!e) return ZSetLookup::kMissing;
  if (e.type() != types::ValueType::kZSet) {
    ctx.reply().Error(protocol::ErrorCode::kWrongType);
    return ZSetLookup::kWrongType;
  }
  *out = static_cast<types::ZSetValue*>(e.object());
  return ZSetLookup::kFound;
}

types::ZSetLimits ZSetLimitsOf(const CommandContext& ctx) {
  // The config registry keeps both non-negative.
  return types::ZSetLimits{static_cast<size_t>(ctx.config().zset_max_listpack_entries),
                           static_cast<size_t>(ctx.config().zset_max_listpack_value)};
}

types::ZSetValue* AddZSetKey(CommandContext& ctx, std::string_view key,
                             std::unique_ptr<types::ZSetValue> z) {
  types::ZSetValue* raw = z.release();
  ctx.db().Add(key, ValueSpec::Obj(raw));
  ctx.Notify(keyspace::kNotifyNew, "new", key);
  return raw;
}

void DeleteEmptyZSet(CommandContext& ctx, std::string_view key) {
  keyspace::Db& db = ctx.db();
  if (Entry e = db.table().Find(key)) db.Erase(e);
}

void ReplyZArrayLen(CommandContext& ctx, size_t n, bool withscores) {
  ctx.reply().ArrayLen(withscores && ctx.reply().resp() == 2 ? 2 * n : n);
}

void ReplyZElement(CommandContext& ctx, std::string_view member, double score, bool withscores) {
  protocol::ReplyWriter& reply = ctx.reply();
  if (!withscores) {
    reply.Bulk(member);
    return;
  }
  if (reply.resp() >= 3) reply.ArrayLen(2);
  reply.Bulk(member);
  reply.Double(score);
}

void StoreZSetResult(CommandContext& ctx, std::string_view dst,
                     std::unique_ptr<types::ZSetValue> result, std::string_view event) {
  keyspace::Db& db = ctx.db();
  if (result->empty()) {
    ctx.reply().Integer(0);
    // Redis removes the destination as stored, without an expiry check.
    if (Entry e = db.table().Find(dst)) {
      db.Erase(e);
      ctx.KeyModified(dst);
      ctx.Notify(keyspace::kNotifyGeneric, "del", dst);
      ctx.AddDirty();
    }
    return;
  }
  const auto size = static_cast<int64_t>(result->size());
  if (Entry e = db.Lookup(dst, keyspace::kLookupWrite)) {
    db.Overwrite(e, ValueSpec::Obj(result.release()), /*keep_ttl=*/false);
  } else {
    AddZSetKey(ctx, dst, std::move(result));
  }
  ctx.KeyModified(dst);
  ctx.reply().Integer(size);
  ctx.Notify(keyspace::kNotifyZSet, event, dst);
  ctx.AddDirty();
}

}  // namespace osprey::handlers
