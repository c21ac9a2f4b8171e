#include "handlers/hash_helpers.h"

#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Db;
using keyspace::Entry;
using keyspace::ExpirePolicy;
using types::HashValue;

namespace {

HashValue* CheckHash(CommandContext& ctx, Entry e, bool* wrong_type) {
  *wrong_type = false;
  if (!e) return nullptr;
  if (e.type() != types::ValueType::kHash) {
    *wrong_type = true;
    ctx.reply().Error(protocol::ErrorCode::kWrongType);
    return nullptr;
  }
  return HashOf(e);
}

// What the running command does with a field whose time has passed.
enum class ExpiredField { kRemove, kHide, kKeep };

ExpiredField ExpiredFieldRule(CommandContext& ctx, bool write) {
  switch (ctx.keyspace().expire_policy()) {
    case ExpirePolicy::kDelete: return ExpiredField::kRemove;
    // As for keys: a write on a server that hides expired data removes it.
    case ExpirePolicy::kHide: return write ? ExpiredField::kRemove : ExpiredField::kHide;
    case ExpirePolicy::kKeep: return ExpiredField::kKeep;
  }
  return ExpiredField::kKeep;
}

bool IsExpired(int64_t expire_ms, int64_t now) {
  return expire_ms != types::kNoFieldExpire && expire_ms < now;
}

}  // namespace

HashValue* LookupHashRead(CommandContext& ctx, std::string_view key, bool* wrong_type) {
  return CheckHash(ctx, ctx.db().LookupRead(key), wrong_type);
}

HashValue* LookupHashWrite(CommandContext& ctx, std::string_view key, bool* wrong_type) {
  return CheckHash(ctx, ctx.db().LookupWrite(key), wrong_type);
}

HashValue* CreateHash(CommandContext& ctx, std::string_view key) {
  Db& db = ctx.db();
  auto* hash = new HashValue();
  db.table().Insert(key, db.table().Hash(key), keyspace::ValueSpec::Obj(hash), -1,
                    db.NewClock());
  ctx.Notify(keyspace::kNotifyNew, "new", key);
  return hash;
}

HashValue* LookupOrCreateHash(CommandContext& ctx, std::string_view key) {
  Db& db = ctx.db();
  // One hash of the key for the lookup and the insert; the rare expired key
  // goes through the full lookup, which deletes it.
  const uint64_t h = db.table().Hash(key);
  Entry e = db.table().Find(key, h);
  if (e && db.IsExpired(e)) e = db.LookupWrite(key);
  if (!e) {
    auto* hash = new HashValue();
    db.table().Insert(key, h, keyspace::ValueSpec::Obj(hash), -1, db.NewClock());
    ctx.Notify(keyspace::kNotifyNew, "new", key);
    return hash;
  }
  if (e.type() != types::ValueType::kHash) {
    ctx.reply().Error(protocol::ErrorCode::kWrongType);
    return nullptr;
  }
  db.Touch(e);
  return HashOf(e);
}

void DeleteHashKey(CommandContext& ctx, std::string_view key) {
  Db& db = ctx.db();
  db.Erase(db.table().Find(key));  // takes the field-expiry entry along
}

size_t HashReadView::Count() const {
  if (!filtering()) return hash->Size();
  size_t n = 0;
  hash->ForEach([&](const HashValue::FieldView& f) { n += Visible(f) ? 1 : 0; });
  return n;
}

bool PrepareHashRead(CommandContext& ctx, std::string_view key, HashValue* hash,
                     HashReadView* view) {
  view->hash = hash;
  const int64_t now = ctx.now_ms();
  if (!IsExpired(hash->NextExpireBound(), now)) return true;
  switch (ExpiredFieldRule(ctx, /*write=*/false)) {
    case ExpiredField::kKeep:
      return true;
    case ExpiredField::kHide:
      view->hidden_before = now;
      return true;
    case ExpiredField::kRemove:
      break;
  }
  // Each field removed reaches the AOF and replicas as HDEL (Redis 7.4), so
  // they drop it too. Then the database's index follows the hash (as
  // Db::RemoveExpiredFields keeps it, which does not name the fields).
  ctx.db().BeforeChange(key);
  const size_t removed = hash->RemoveExpired(now, [&](std::string_view field) {
    ctx.AlsoPropagate({"HDEL", key, field});
  });
  const bool key_deleted = hash->Size() == 0;
  if (key_deleted) {
    DeleteHashKey(ctx, key);
  } else if (const int64_t next = hash->NextExpireBound(); next != types::kNoFieldExpire) {
    ctx.db().field_expiry().Schedule(key, next);
  } else {
    ctx.db().field_expiry().Remove(key);
  }
  if (removed > 0) {
    ctx.Notify(keyspace::kNotifyHash, "hexpired", key);
    if (key_deleted) ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    ctx.KeyModified(key);
  }
  return !key_deleted;
}

FieldLookup LookupHashField(CommandContext& ctx, std::string_view key, HashValue* hash,
                            std::string_view field, bool write, bool notify,
                            HashValue::FieldView* out, int* expired) {
  if (!hash->Find(field, out)) return FieldLookup::kAbsent;
  if (!IsExpired(out->expire_ms, ctx.now_ms())) return FieldLookup::kFound;
  switch (ExpiredFieldRule(ctx, write)) {
    case ExpiredField::kKeep: return FieldLookup::kFound;
    case ExpiredField::kHide: return FieldLookup::kAbsent;
    case ExpiredField::kRemove: break;
  }
  ctx.AlsoPropagate({"HDEL", key, field});
  ctx.db().BeforeChange(key);  // reads remove expired fields too
  hash->Delete(field);
  if (expired) ++*expired;
  if (notify) ctx.Notify(keyspace::kNotifyHash, "hexpired", key);
  FieldLookup result = FieldLookup::kAbsent;
  if (hash->Size() == 0) {
    if (notify) ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    DeleteHashKey(ctx, key);
    result = FieldLookup::kKeyDeleted;
  }
  ctx.KeyModified(key);
  return result;
}

}  // namespace osprey::handlers
