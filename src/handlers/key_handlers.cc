// Generic keyspace commands that work on keys of any type: DEL UNLINK EXISTS
// TYPE TOUCH RENAME RENAMENX MOVE COPY RANDOMKEY KEYS.
//
// Lookups use Redis's LOOKUP_* rules per command (EXISTS and TYPE do not
// count as an access, TOUCH does, writes neither count hits nor raise
// keymiss), and the side effects (notifications, modified keys, dirty count)
// follow Redis 7.0 one for one, in the same order.

#include <limits>
#include <string>

#include "base/glob.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "keyspace/keyspace.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"
#include "types/heap_string.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Db;
using keyspace::Entry;
using keyspace::ValueKind;
using keyspace::ValueSpec;
using protocol::ErrorCode;

// ------------------------------------------------------------- shared helpers

void EraseKey(Db& db, Entry e, bool lazy) {
  // Lazy freeing is not there yet: the value is freed now either way.
  (void)lazy;
  db.Erase(e, /*free_value=*/true);
}

ValueSpec DetachedValue::Spec() const {
  ValueSpec s;
  s.kind = kind;
  s.integer = integer;
  s.bytes = inline_bytes;
  s.pointer = pointer;
  s.object_type = object_type;
  return s;
}

DetachedValue DetachEntry(Db& db, Entry e) {
  DetachedValue v;
  v.kind = e.kind();
  v.expire_ms = e.has_expire() ? e.expire_ms() : -1;
  v.clock = e.clock();
  v.unshared_int = e.unshared_int();
  switch (v.kind) {
    case ValueKind::kInt:
      v.integer = e.int_value();
      break;
    case ValueKind::kEmbstr:
    case ValueKind::kRawInline:
      v.inline_bytes.assign(e.string_bytes());
      break;
    case ValueKind::kRawHeap:
      v.pointer = e.heap_string();
      break;
    case ValueKind::kObject:
      v.pointer = e.object();
      v.object_type = e.type();
      break;
  }
  db.Erase(e, /*free_value=*/false);
  return v;
}

Entry AttachValue(Db& db, std::string_view key, const DetachedValue& v) {
  Entry e = db.Add(key, v.Spec(), v.expire_ms);
  // The value keeps its access history, as the same object does in Redis.
  e.set_clock(v.clock);
  if (v.unshared_int) e.set_unshared_int();
  return e;
}

bool GetDbIndex(CommandContext& ctx, std::string_view arg, int* out) {
  int64_t v;
  if (!commands::GetInt64(ctx, arg, &v)) return false;
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    ctx.reply().Error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  if (v < 0 || v >= ctx.keyspace().db_count()) {
    ctx.reply().Error(ErrorCode::kDbIndexOutOfRange);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool ExpireIfNeeded(Db& db, std::string_view key) {
  Entry e = db.table().Find(key);
  if (!e || !db.IsExpired(e)) return false;
  // The lookup applies the expire policy: delete, hide, or keep (loading).
  return !db.Lookup(
      key, keyspace::kLookupNoTouch | keyspace::kLookupNoStats | keyspace::kLookupNoNotify);
}

namespace {

// A deep copy of a value for COPY. Strings keep their encoding; inline bytes
// are copied into *buf, which must outlive the spec's use.
ValueSpec CopyValue(Entry e, std::string* buf) {
  switch (e.kind()) {
    case ValueKind::kInt:
      return ValueSpec::Int(e.int_value());
    case ValueKind::kEmbstr:
    case ValueKind::kRawInline:
      buf->assign(e.string_bytes());
      return ValueSpec::Inline(*buf, e.kind() == ValueKind::kRawInline);
    case ValueKind::kRawHeap:
      return ValueSpec::Heap(types::HeapString::Create(e.string_bytes()));
    case ValueKind::kObject:
      break;
  }
  return ValueSpec::Obj(e.object()->Clone().release());
}

void DelGeneric(CommandContext& ctx, bool lazy) {
  Db& db = ctx.db();
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view key = ctx.arg(i);
    // A key whose time has passed is expired first ("expired" event), so it
    // does not count as deleted.
    ExpireIfNeeded(db, key);
    Entry e = db.table().Find(key);
    if (!e) continue;
    EraseKey(db, e, lazy);
    ctx.KeyModified(key);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    ctx.AddDirty();
    ++deleted;
  }
  ctx.reply().Integer(deleted);
}

// RENAME answers OK whether or not anything moved; RENAMENX answers 1 or 0.
void ReplyRenamed(CommandContext& ctx, bool nx, bool done) {
  if (!nx) {
    ctx.reply().Ok();
  } else {
    ctx.reply().Integer(done ? 1 : 0);
  }
}

void RenameGeneric(CommandContext& ctx, bool nx) {
  Db& db = ctx.db();
  const std::string_view src = ctx.arg(1);
  const std::string_view dst = ctx.arg(2);
  if (!db.Lookup(src, keyspace::kLookupWrite)) {
    ctx.reply().Error(ErrorCode::kNoSuchKey);
    return;
  }
  // Renaming a key to itself changes nothing, but the key must exist.
  if (src == dst) {
    ReplyRenamed(ctx, nx, /*done=*/false);
    return;
  }
  if (Entry old = db.Lookup(dst, keyspace::kLookupWrite)) {
    if (nx) {
      ctx.reply().Integer(0);
      return;
    }
    // The overwritten key goes without an event of its own, as in Redis.
    EraseKey(db, old, ctx.config().lazyfree_lazy_server_del);
  }
  DetachedValue v = DetachEntry(db, db.table().Find(src));
  AttachValue(db, dst, v);
  ctx.Notify(keyspace::kNotifyNew, "new", dst);
  ctx.KeyModified(src);
  ctx.KeyModified(dst);
  ctx.Notify(keyspace::kNotifyGeneric, "rename_from", src);
  ctx.Notify(keyspace::kNotifyGeneric, "rename_to", dst);
  ctx.AddDirty();
  ReplyRenamed(ctx, nx, /*done=*/true);
}

// COPY's options from argument 3 on: REPLACE and DB <index>, checked in
// order (a bad DB index is reported before a later unknown option).
bool ParseCopyOptions(CommandContext& ctx, int* dst_index, bool* replace) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    const size_t more = ctx.argc() - j - 1;
    if (commands::IsOption(ctx.arg(j), "replace")) {
      *replace = true;
    } else if (commands::IsOption(ctx.arg(j), "db") && more >= 1) {
      if (!GetDbIndex(ctx, ctx.arg(j + 1), dst_index)) return false;
      ++j;
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace

// ------------------------------------------------------------------ commands

void DelCommand(CommandContext& ctx) { DelGeneric(ctx, ctx.config().lazyfree_lazy_user_del); }

void UnlinkCommand(CommandContext& ctx) { DelGeneric(ctx, /*lazy=*/true); }

void ExistsCommand(CommandContext& ctx) {
  Db& db = ctx.db();
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (db.Lookup(ctx.arg(i), keyspace::kLookupNoTouch)) ++count;
  }
  ctx.reply().Integer(count);
}

void TouchCommand(CommandContext& ctx) {
  Db& db = ctx.db();
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (db.Lookup(ctx.arg(i), keyspace::kLookupNone)) ++count;
  }
  ctx.reply().Integer(count);
}

void TypeCommand(CommandContext& ctx) {
  Entry e = ctx.db().Lookup(ctx.arg(1), keyspace::kLookupNoTouch);
  ctx.reply().SimpleString(e ? types::ValueTypeName(e.type()) : std::string_view("none"));
}

void RenameCommand(CommandContext& ctx) { RenameGeneric(ctx, /*nx=*/false); }

void RenameNxCommand(CommandContext& ctx) { RenameGeneric(ctx, /*nx=*/true); }

void MoveCommand(CommandContext& ctx) {
  Db& src = ctx.db();
  const std::string_view key = ctx.arg(1);
  int dst_index;
  if (!GetDbIndex(ctx, ctx.arg(2), &dst_index)) return;
  if (dst_index == src.index()) {
    ctx.reply().Error(ErrorCode::kSameObject);
    return;
  }
  Db& dst = ctx.keyspace().db(dst_index);
  if (!src.Lookup(key, keyspace::kLookupWrite) || dst.Lookup(key, keyspace::kLookupWrite)) {
    ctx.reply().Integer(0);
    return;
  }
  DetachedValue v = DetachEntry(src, src.table().Find(key));
  AttachValue(dst, key, v);
  ctx.Notify(keyspace::kNotifyNew, "new", key, dst.index());
  ctx.KeyModified(src, key);
  ctx.KeyModified(dst, key);
  ctx.Notify(keyspace::kNotifyGeneric, "move_from", key, src.index());
  ctx.Notify(keyspace::kNotifyGeneric, "move_to", key, dst.index());
  ctx.AddDirty();
  ctx.reply().Integer(1);
}

void CopyCommand(CommandContext& ctx) {
  Db& src = ctx.db();
  int dst_index = src.index();
  bool replace = false;
  if (!ParseCopyOptions(ctx, &dst_index, &replace)) return;
  const std::string_view key = ctx.arg(1);
  const std::string_view newkey = ctx.arg(2);
  if (dst_index == src.index() && key == newkey) {
    ctx.reply().Error(ErrorCode::kSameObject);
    return;
  }
  Entry e = src.Lookup(key, keyspace::kLookupNone);
  if (!e) {
    ctx.reply().Integer(0);
    return;
  }
  const int64_t expire_ms = e.has_expire() ? e.expire_ms() : -1;
  Db& dst = ctx.keyspace().db(dst_index);
  Entry old = dst.Lookup(newkey, keyspace::kLookupWrite);
  if (old && !replace) {
    ctx.reply().Integer(0);
    return;
  }
  // That lookup may have expired a key of the same table: find the source
  // again, and copy it before erasing the old destination moves entries.
  std::string inline_bytes;
  const ValueSpec copy = CopyValue(src.table().Find(key), &inline_bytes);
  if (old) EraseKey(dst, old, ctx.config().lazyfree_lazy_server_del);
  Entry added = dst.Add(newkey, copy, expire_ms);
  // Redis duplicates even a shared integer into an object of its own.
  if (copy.kind == ValueKind::kInt) added.set_unshared_int();
  ctx.Notify(keyspace::kNotifyNew, "new", newkey, dst.index());
  ctx.KeyModified(dst, newkey);
  ctx.Notify(keyspace::kNotifyGeneric, "copy_to", newkey, dst.index());
  ctx.AddDirty();
  ctx.reply().Integer(1);
}

void RandomKeyCommand(CommandContext& ctx) {
  Db& db = ctx.db();
  keyspace::Keyspace& ks = ctx.keyspace();
  // When every key has an expire and expired keys are only hidden (a
  // replica), all of them may be logically gone: give up after some tries
  // and return one anyway, as Redis does.
  const bool all_volatile = db.size() == db.expires_count();
  const bool hidden_expiry = ks.expire_policy() == keyspace::ExpirePolicy::kHide;
  int tries = 100;
  while (true) {
    Entry e = db.table().RandomEntry(ks.rng());
    if (!e) {
      ctx.reply().Null();
      return;
    }
    std::string key(e.key());
    if (e.has_expire()) {
      if (all_volatile && hidden_expiry && --tries == 0) {
        ctx.reply().Bulk(key);
        return;
      }
      if (ExpireIfNeeded(db, key)) continue;
    }
    ctx.reply().Bulk(key);
    return;
  }
}

void KeysCommand(CommandContext& ctx) {
  Db& db = ctx.db();
  const std::string_view pattern = ctx.arg(1);
  // "*" lists every key, even the empty one that GlobMatch would not match.
  const bool all = pattern == "*";
  const bool hide_expired = ctx.keyspace().expire_policy() != keyspace::ExpirePolicy::kKeep;
  protocol::ReplyWriter& reply = ctx.reply();
  auto deferred = reply.BeginDeferred();
  size_t n = 0;
  db.table().ForEach([&](Entry e) {
    std::string_view key = e.key();
    if (!all && !base::GlobMatch(pattern, key, /*nocase=*/false)) return;
    // Expired keys are skipped but left in place: KEYS never deletes.
    if (hide_expired && db.IsExpired(e)) return;
    reply.Bulk(key);
    ++n;
  });
  reply.EndDeferred(deferred, n);
}

}  // namespace osprey::handlers
