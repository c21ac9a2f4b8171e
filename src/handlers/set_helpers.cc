#include "handlers/set_helpers.h"

#include <utility>

#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Entry;
using keyspace::ValueSpec;

SetLookup FindSet(CommandContext& ctx, std::string_view key, uint32_t flags,
                  types::SetValue** out) {
  Entry e = ctx.db().Lookup(key, flags);
  if (!e) return SetLookup::kMissing;
  if (e.type() != types::ValueType::kSet) {
    ctx.reply().Error(protocol::ErrorCode::kWrongType);
    return SetLookup::kWrongType;
  }
  *out = static_cast<types::SetValue*>(e.object());
  return SetLookup::kFound;
}

std::unique_ptr<types::SetValue> NewSet(CommandContext& ctx) {
  return std::make_unique<types::SetValue>(ctx.keyspace().rng()());
}

types::SetValue* AddSetKey(CommandContext& ctx, std::string_view key,
                           std::unique_ptr<types::SetValue> set) {
  types::SetValue* raw = set.release();
  ctx.db().Add(key, ValueSpec::Obj(raw));
  ctx.Notify(keyspace::kNotifyNew, "new", key);
  return raw;
}

void DeleteEmptySet(CommandContext& ctx, std::string_view key) {
  ctx.db().Delete(key);
  ctx.Notify(keyspace::kNotifyGeneric, "del", key);
}

void StoreSetResult(CommandContext& ctx, std::string_view dst,
                    std::unique_ptr<types::SetValue> result, std::string_view event) {
  keyspace::Db& db = ctx.db();
  if (result->empty()) {
    ctx.reply().Integer(0);
    if (db.Delete(dst)) {
      ctx.AddDirty();
      ctx.KeyModified(dst);
      ctx.Notify(keyspace::kNotifyGeneric, "del", dst);
    }
    return;
  }
  const auto size = static_cast<int64_t>(result->size());
  if (Entry e = db.Lookup(dst, keyspace::kLookupWrite)) {
    db.Overwrite(e, ValueSpec::Obj(result.release()), /*keep_ttl=*/false);
  } else {
    AddSetKey(ctx, dst, std::move(result));
  }
  ctx.KeyModified(dst);
  ctx.reply().Integer(size);
  ctx.Notify(keyspace::kNotifySet, event, dst);
  ctx.AddDirty();
}

}  // namespace osprey::handlers
