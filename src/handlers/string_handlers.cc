// The string commands that read a value or change it in place: GET, MGET,
// STRLEN, GETRANGE/SUBSTR, GETDEL, APPEND, SETRANGE and the counters
// (INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT). Values that grow in place turn
// "raw", as in Redis; counters store "int" and INCRBYFLOAT "embstr"/"raw".
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "handlers/string_helpers.h"
#include "keyspace/notifications.h"
#include "keyspace/string_value.h"
#include "protocol/reply_errors.h"
#include "types/heap_string.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using keyspace::Db;
using keyspace::Entry;
using keyspace::ValueKind;
using keyspace::ValueSpec;
using protocol::ErrorCode;
using types::HeapString;

// Adds a key found missing by Db::LookupWrite, reporting the "new" event.
void AddNew(CommandContext& ctx, std::string_view key, uint64_t hash, const ValueSpec& spec) {
  Db& db = ctx.db();
  db.table().Insert(key, hash, spec, -1, db.NewClock());
  ctx.Notify(keyspace::kNotifyNew, "new", key);
}

// Reports a write to a string key: WATCH/tracking, the event, dirtiness.
void Modified(CommandContext& ctx, std::string_view key, std::string_view event) {
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyString, event, key);
  ctx.AddDirty(1);
}

// Redis refuses to grow a string past proto-max-bulk-len, except for what
// a master or the AOF sends.
bool CheckStringLength(CommandContext& ctx, uint64_t size, uint64_t append) {
  if (ctx.exec_flags() & (commands::kExecFromMaster | commands::kExecLoading)) return true;
  const uint64_t total = size + append;
  const auto limit = static_cast<uint64_t>(ctx.config().proto_max_bulk_len);
  if (total > limit || total < size) {
    ctx.reply().Error(ErrorCode::kStringTooLong);
    return false;
  }
  return true;
}

// Replaces the value of `e` by `len` <= kInlineStringMaxLength bytes that
// `fill(char* dst)` writes, stored inline as "raw". `fill` runs before the
// table changes, so it may read the old value through a view of it.
template <typename Fill>
Entry ReplaceInlineRaw(Db& db, Entry e, size_t len, Fill fill) {
  char buf[keyspace::kInlineStringMaxLength];
  fill(buf);
  return db.table().ReplaceValue(e, ValueSpec::Inline(std::string_view(buf, len), /*raw=*/true));
}

// Appends `tail` to the string of `e`; returns the new length.
size_t AppendInPlace(Db& db, Entry e, std::string_view tail) {
  if (e.kind() == ValueKind::kRawHeap) {
    HeapString* s = HeapString::Append(e.heap_string(), tail);
    db.table().ReplaceValue(e, ValueSpec::Heap(s), /*free_old=*/false);
    return s->size();
  }
  char int_buf[base::kMaxInt64Chars + 1];
  std::string_view old = e.StringValue(int_buf);
  const size_t len = old.size() + tail.size();
  if (len > keyspace::kInlineStringMaxLength) {
    // Growing past the inline limit: copy once, then grow greedily like
    // any heap string so repeated APPENDs stay amortized O(1).
    HeapString* s = HeapString::Append(HeapString::Create(old), tail);
    db.table().ReplaceValue(e, ValueSpec::Heap(s));
    return len;
  }
  ReplaceInlineRaw(db, e, len, [&](char* dst) {
    std::memcpy(dst, old.data(), old.size());
    if (!tail.empty()) std::memcpy(dst + old.size(), tail.data(), tail.size());
  });
  return len;
}

// Writes `value` at `offset` into the string of `e`, zero-padding a gap;
// returns the new length. REQUIRES: value is not empty.
size_t SetRangeInPlace(Db& db, Entry e, size_t offset, std::string_view value) {
  const size_t end = offset + value.size();
  if (e.kind() == ValueKind::kRawHeap) {
    HeapString* s = e.heap_string();
    if (end > s->size()) s = HeapString::Resize(s, end);
    std::memcpy(s->data() + offset, value.data(), value.size());
    db.table().ReplaceValue(e, ValueSpec::Heap(s), /*free_old=*/false);
    return s->size();
  }
  char int_buf[base::kMaxInt64Chars + 1];
  std::string_view old = e.StringValue(int_buf);
  const size_t len = end > old.size() ? end : old.size();
  if (len > keyspace::kInlineStringMaxLength) {
    HeapString* s = HeapString::Resize(HeapString::Create(old), len);
    std::memcpy(s->data() + offset, value.data(), value.size());
    db.table().ReplaceValue(e, ValueSpec::Heap(s));
    return len;
  }
  ReplaceInlineRaw(db, e, len, [&](char* dst) {
    std::memcpy(dst, old.data(), old.size());
    std::memset(dst + old.size(), 0, len - old.size());
    std::memcpy(dst + offset, value.data(), value.size());
  });
  return len;
}

// A "raw" value of `offset` zero bytes followed by `value` (SETRANGE on a
// missing key), built in `buf` when it fits inline, else on the heap.
ValueSpec ZeroPaddedValue(size_t offset, std::string_view value,
                          char (&buf)[keyspace::kInlineStringMaxLength]) {
  const size_t len = offset + value.size();
  char* dst;
  ValueSpec spec;
  if (len <= keyspace::kInlineStringMaxLength) {
    dst = buf;
    std::memset(dst, 0, offset);
    spec = ValueSpec::Inline(std::string_view(buf, len), /*raw=*/true);
  } else {
    HeapString* s = HeapString::CreateZeroed(len);
    dst = s->data();
    spec = ValueSpec::Heap(s);
  }
  std::memcpy(dst + offset, value.data(), value.size());
  return spec;
}

// The value of a string entry as a counter; false when it is not a
// canonical 64-bit integer.
bool ReadInteger(Entry e, int64_t* out) {
  if (e.kind() == ValueKind::kInt) {
    *out = e.int_value();
    return true;
  }
  return base::ParseInt64(e.string_bytes(), out);
}

void IncrDecr(CommandContext& ctx, int64_t by) {
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db();
  const uint64_t hash = db.table().Hash(key);
  Entry e = db.LookupWrite(key, hash);
  int64_t value = 0;
  if (e) {
    if (!e.is_string()) {
      ctx.reply().Error(ErrorCode::kWrongType);
      return;
    }
    if (!ReadInteger(e, &value)) {
      ctx.reply().Error(ErrorCode::kNotInteger);
      return;
    }
  }
  int64_t result;
  if (__builtin_add_overflow(value, by, &result)) {
    ctx.reply().Error(ErrorCode::kOverflow);
    return;
  }
  if (e) {
    db.Overwrite(e, keyspace::EncodeIntValue(result), /*keep_ttl=*/true);
  } else {
    AddNew(ctx, key, hash, keyspace::EncodeIntValue(result));
  }
  Modified(ctx, key, "incrby");
  ctx.reply().Integer(result);
}

void GetRangeGeneric(CommandContext& ctx) {
  int64_t start, end;
  if (!commands::GetInt64(ctx, ctx.arg(2), &start)) return;
  if (!commands::GetInt64(ctx, ctx.arg(3), &end)) return;
  Entry e = LookupStringForRead(ctx, ctx.arg(1), [&] { ctx.reply().Bulk(""); });
  if (!e) return;
  char int_buf[base::kMaxInt64Chars + 1];
  std::string_view s = e.StringValue(int_buf);
  if (start < 0 && end < 0 && start > end) {
    ctx.reply().Bulk("");
    return;
  }
  const auto len = static_cast<int64_t>(s.size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    ctx.reply().Bulk("");
    return;
  }
  ctx.reply().Bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

}  // namespace

void GetCommand(commands::CommandContext& ctx) {
  Entry e = LookupStringForRead(ctx, ctx.arg(1), [&] { ctx.reply().Null(); });
  if (e) ReplyStringValue(ctx, e);
}

void MGetCommand(commands::CommandContext& ctx) {
  ctx.reply().ArrayLen(ctx.argc() - 1);
  for (size_t j = 1; j < ctx.argc(); ++j) {
    Entry e = ctx.db().LookupRead(ctx.arg(j));
    if (e && e.is_string()) {
      ReplyStringValue(ctx, e);
    } else {
      ctx.reply().Null();
    }
  }
}

void StrLenCommand(commands::CommandContext& ctx) {
  Entry e = LookupStringForRead(ctx, ctx.arg(1), [&] { ctx.reply().Integer(0); });
  if (e) ctx.reply().Integer(static_cast<int64_t>(e.string_length()));
}

void GetRangeCommand(commands::CommandContext& ctx) { GetRangeGeneric(ctx); }

void SubStrCommand(commands::CommandContext& ctx) { GetRangeGeneric(ctx); }

// Propagated as DEL (or UNLINK with lazyfree-lazy-user-del).
void GetDelCommand(commands::CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry e = LookupStringForRead(ctx, key, [&] { ctx.reply().Null(); });
  if (!e) return;
  ReplyStringValue(ctx, e);
  EraseKey(ctx.db(), e, ctx.config().lazyfree_lazy_user_del);
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyGeneric, "del", key);
  ctx.AddDirty(1);
}

void AppendCommand(commands::CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view tail = ctx.arg(2);
  Db& db = ctx.db();
  const uint64_t hash = db.table().Hash(key);
  Entry e = db.LookupWrite(key, hash);
  size_t len;
  if (!e) {
    // A new key gets the encoding SET would give it (int, embstr or raw).
    AddNew(ctx, key, hash, keyspace::EncodeStringValue(tail));
    len = tail.size();
  } else {
    if (!e.is_string()) {
      ctx.reply().Error(ErrorCode::kWrongType);
      return;
    }
    if (!CheckStringLength(ctx, e.string_length(), tail.size())) return;
    len = AppendInPlace(db, e, tail);
  }
  Modified(ctx, key, "append");
  ctx.reply().Integer(static_cast<int64_t>(len));
}

void SetRangeCommand(commands::CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view value = ctx.arg(3);
  int64_t offset;
  if (!commands::GetInt64(ctx, ctx.arg(2), &offset)) return;
  if (offset < 0) {
    ctx.reply().Error("ERR offset is out of range");
    return;
  }
  Db& db = ctx.db();
  const uint64_t hash = db.table().Hash(key);
  Entry e = db.LookupWrite(key, hash);
  const auto off = static_cast<uint64_t>(offset);
  size_t len;
  if (!e) {
    // Setting nothing on a missing key creates nothing.
    if (value.empty()) {
      ctx.reply().Integer(0);
      return;
    }
    if (!CheckStringLength(ctx, off, value.size())) return;
    len = off + value.size();
    char buf[keyspace::kInlineStringMaxLength];
    AddNew(ctx, key, hash, ZeroPaddedValue(off, value, buf));
  } else {
    if (!e.is_string()) {
      ctx.reply().Error(ErrorCode::kWrongType);
      return;
    }
    // Setting nothing reports the length, whatever the offset.
    if (value.empty()) {
      ctx.reply().Integer(static_cast<int64_t>(e.string_length()));
      return;
    }
    if (!CheckStringLength(ctx, off, value.size())) return;
    len = SetRangeInPlace(db, e, off, value);
  }
  Modified(ctx, key, "setrange");
  ctx.reply().Integer(static_cast<int64_t>(len));
}

void IncrCommand(commands::CommandContext& ctx) { IncrDecr(ctx, 1); }

void DecrCommand(commands::CommandContext& ctx) { IncrDecr(ctx, -1); }

void IncrByCommand(commands::CommandContext& ctx) {
  int64_t by;
  if (commands::GetInt64(ctx, ctx.arg(2), &by)) IncrDecr(ctx, by);
}

void DecrByCommand(commands::CommandContext& ctx) {
  int64_t by;
  if (!commands::GetInt64(ctx, ctx.arg(2), &by)) return;
  // Negating the smallest int64 overflows; Redis says so before any lookup.
  if (by == std::numeric_limits<int64_t>::min()) {
    ctx.reply().Error("ERR decrement would overflow");
    return;
  }
  IncrDecr(ctx, -by);
}

// The result is stored as text (never "int"), formatted as a long double in
// the human form. Propagated as "SET key result KEEPTTL" so that replicas
// and the AOF do not depend on float arithmetic.
void IncrByFloatCommand(commands::CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db();
  const uint64_t hash = db.table().Hash(key);
  Entry e = db.LookupWrite(key, hash);
  long double value = 0;
  if (e) {
    if (!e.is_string()) {
      ctx.reply().Error(ErrorCode::kWrongType);
      return;
    }
    if (e.kind() == ValueKind::kInt) {
      value = static_cast<long double>(e.int_value());
    } else if (!base::ParseLongDouble(e.string_bytes(), &value)) {
      ctx.reply().Error(ErrorCode::kNotFloat);
      return;
    }
  }
  long double incr;
  if (!commands::GetLongDouble(ctx, ctx.arg(2), &incr)) return;
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply().Error(ErrorCode::kIncrNanOrInf);
    return;
  }
  char buf[base::kMaxLongDoubleChars];
  const size_t n = base::FormatLongDouble(value, buf, sizeof(buf), base::LongDoubleMode::kHuman);
  const std::string_view text(buf, n);
  const ValueSpec spec = keyspace::EncodeStringNoInt(text);
  if (e) {
    db.Overwrite(e, spec, /*keep_ttl=*/true);
  } else {
    AddNew(ctx, key, hash, spec);
  }
  Modified(ctx, key, "incrbyfloat");
  ctx.reply().Bulk(text);
  // The result, not the increment: float formatting must not make a replay
  // (AOF, replica) come out different.
  ctx.PropagateAs({"SET", key, text, "KEEPTTL"});
}

}  // namespace osprey::handlers
