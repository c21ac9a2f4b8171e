// The hash commands of Redis 7.0: HSET HMSET HSETNX HGET HMGET HDEL HLEN
// HSTRLEN HEXISTS HGETALL HKEYS HVALS HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
// Replies, errors (and their order), events and dirty counts follow Redis
// 7.0.15; expired fields (Redis 7.4, see hash_helpers.h) are never seen.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/glob.h"
#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/hash_helpers.h"
#include "handlers/scan_options.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using protocol::ErrorCode;
using types::HashScalar;
using types::HashValue;
using FieldView = HashValue::FieldView;

void ReplyScalar(protocol::ReplyWriter& out, const HashScalar& v) {
  if (v.is_int) {
    out.BulkInteger(v.i);
  } else {
    out.Bulk(v.s);
  }
}

// Reports a write to a hash: WATCH/tracking, the event, dirtiness.
void HashModified(CommandContext& ctx, std::string_view key, std::string_view event,
                  uint64_t dirty) {
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyHash, event, key);
  ctx.AddDirty(dirty);
}

// HSET and HMSET: the field-value pairs of args[2..]. Returns the number of
// fields added.
int64_t SetPairs(CommandContext& ctx, HashValue* hash) {
  const auto args = ctx.args();
  // A field whose time has passed is gone: setting it adds a field (it keeps
  // no time). Checked only when some field may be due.
  const int64_t now = ctx.now_ms();
  const int64_t next = hash->NextExpireBound();
  const bool may_be_expired = next != types::kNoFieldExpire && next < now &&
                              ctx.keyspace().expire_policy() != keyspace::ExpirePolicy::kKeep;
  hash->ConvertForInput(args.subspan(2), HashLimitsOf(ctx));
  const types::HashLimits limits = HashLimitsOf(ctx);
  int64_t created = 0;
  for (size_t i = 2; i + 1 < args.size(); i += 2) {
    bool expired = false;
    if (may_be_expired) {
      FieldView f;
      expired = hash->Find(args[i], &f) && f.expire_ms != types::kNoFieldExpire &&
                f.expire_ms < now;
    }
    if (hash->Set(args[i], args[i + 1], limits) || expired) ++created;
  }
  return created;
}

void HSetGeneric(CommandContext& ctx, bool reply_count) {
  if (ctx.argc() % 2 == 1) {
    ctx.reply().Error(protocol::WrongArityError(ctx.cmd().fullname));
    return;
  }
  std::string_view key = ctx.arg(1);
  HashValue* hash = LookupOrCreateHash(ctx, key);
  if (hash == nullptr) return;
  const int64_t created = SetPairs(ctx, hash);
  if (reply_count) {
    ctx.reply().Integer(created);
  } else {
    ctx.reply().Ok();
  }
  HashModified(ctx, key, "hset", (ctx.argc() - 2) / 2);
}

// HKEYS, HVALS, HGETALL.
void GetAllGeneric(CommandContext& ctx, bool fields, bool values) {
  std::string_view key = ctx.arg(1);
  const bool as_map = fields && values;
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  HashReadView view;
  if (hash == nullptr || !PrepareHashRead(ctx, key, hash, &view)) {
    if (as_map) {
      ctx.reply().MapLen(0);
    } else {
      ctx.reply().ArrayLen(0);
    }
    return;
  }
  protocol::ReplyWriter& out = ctx.reply();
  const size_t n = view.Count();
  if (as_map) {
    out.MapLen(n);
  } else {
    out.ArrayLen(n);
  }
  hash->ForEach([&](const FieldView& f) {
    if (!view.Visible(f)) return;
    if (fields) ReplyScalar(out, f.field);
    if (values) ReplyScalar(out, f.value);
  });
}

// The stored value of a field as HINCRBY reads it.
bool ReadInteger(const HashScalar& v, int64_t* out) {
  if (v.is_int) {
    *out = v.i;
    return true;
  }
  return base::ParseInt64(v.s, out);
}

// For HINCRBY and HINCRBYFLOAT: the hash at `key` (created when missing)
// and the current value of `field`, when it has one. nullptr after an error.
HashValue* HashForIncrement(CommandContext& ctx, std::string_view key, std::string_view field,
                            FieldView* current, bool* found) {
  HashValue* hash = LookupOrCreateHash(ctx, key);
  if (hash == nullptr) return nullptr;
  const FieldLookup r = LookupHashField(ctx, key, hash, field, /*write=*/true,
                                        /*notify=*/true, current);
  *found = r == FieldLookup::kFound;
  // The expired field was the last one: the hash went with it; start anew.
  if (r == FieldLookup::kKeyDeleted) hash = CreateHash(ctx, key);
  return hash;
}


// ---------------------------------------------------------------- HRANDFIELD

// Redis's bounds: past 3x the count, picking at random beats copying and
// removing (CASE 3 vs CASE 4 below).
constexpr uint64_t kRandFieldSubStrategyMul = 3;

void ReplyRandomField(protocol::ReplyWriter& out, const FieldView& f, bool with_values) {
  if (with_values && out.resp() > 2) out.ArrayLen(2);
  ReplyScalar(out, f.field);
  if (with_values) ReplyScalar(out, f.value);
}

// The visible fields of a hash, in storage order.
std::vector<FieldView> VisibleFields(const HashReadView& view) {
  std::vector<FieldView> all;
  view.hash->Collect(&all);
  if (view.filtering()) std::erase_if(all, [&](const FieldView& f) { return !view.Visible(f); });
  return all;
}

// What HRANDFIELD draws from: a table samples itself; a listpack, or a hash
// with hidden expired fields, is copied out once.
struct RandFieldSource {
  explicit RandFieldSource(const HashReadView& view)
      : hash(view.hash),
        sample_table(hash->encoding() == HashValue::Encoding::kTable && !view.filtering()) {
    if (!sample_table) all = VisibleFields(view);
  }
  uint64_t size() const { return sample_table ? hash->Size() : all.size(); }
  FieldView Random(std::mt19937_64& rng) const {
    return sample_table ? hash->RandomField(rng) : all[rng() % all.size()];
  }

  HashValue* hash;
  bool sample_table;
  std::vector<FieldView> all;
};

// CASES 3 and 4 of HRANDFIELD: `count` distinct fields, fewer than there are.
void ReplyDistinctFields(protocol::ReplyWriter& out, RandFieldSource& src, uint64_t count,
                         std::mt19937_64& rng, bool with_values) {
  const uint64_t size = src.size();
  // CASE 3: nearly all of them: copy, then drop random ones.
  if (count * kRandFieldSubStrategyMul > size) {
    if (src.sample_table) src.hash->Collect(&src.all);
    while (src.all.size() > count) {
      const size_t victim = rng() % src.all.size();
      src.all[victim] = src.all.back();
      src.all.pop_back();
    }
    for (const FieldView& f : src.all) ReplyRandomField(out, f, with_values);
    return;
  }
  // CASE 4: few out of many. A copy is sampled in one pass (the reply keeps
  // its order, as Redis's does for a listpack); a table is drawn from until
  // enough distinct fields came up.
  if (!src.sample_table) {
    uint64_t needed = count;
    for (uint64_t i = 0; i < size && needed > 0; ++i) {
      if (rng() % (size - i) < needed) {
        ReplyRandomField(out, src.all[i], with_values);
        --needed;
      }
    }
    return;
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    const FieldView f = src.hash->RandomField(rng);
    if (seen.insert(f.field.s).second) ReplyRandomField(out, f, with_values);
  }
}

// HRANDFIELD key count [WITHVALUES], with Redis's four ways of answering.
void RandFieldWithCount(CommandContext& ctx, int64_t l, bool with_values) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  protocol::ReplyWriter& out = ctx.reply();
  HashReadView view;
  if (hash == nullptr || !PrepareHashRead(ctx, key, hash, &view) || l == 0) {
    out.ArrayLen(0);
    return;
  }
  RandFieldSource src(view);
  const uint64_t size = src.size();
  if (size == 0) {
    out.ArrayLen(0);
    return;
  }
  std::mt19937_64& rng = ctx.keyspace().rng();
  const bool unique = l > 0;
  const uint64_t count = unique ? static_cast<uint64_t>(l) : 0 - static_cast<uint64_t>(l);
  const bool pairs_flat = with_values && out.resp() == 2;

  // CASE 1: a negative count (repetitions allowed), or just one field.
  if (!unique || count == 1) {
    out.ArrayLen(pairs_flat ? count * 2 : count);
    for (uint64_t i = 0; i < count; ++i) ReplyRandomField(out, src.Random(rng), with_values);
    return;
  }
  const uint64_t reply_size = count < size ? count : size;
  out.ArrayLen(pairs_flat ? reply_size * 2 : reply_size);
  // CASE 2: at least as many as there are: the whole hash.
  if (count >= size) {
    if (src.sample_table) {
      hash->ForEach([&](const FieldView& f) { ReplyRandomField(out, f, with_values); });
    } else {
      for (const FieldView& f : src.all) ReplyRandomField(out, f, with_values);
    }
    return;
  }
  ReplyDistinctFields(out, src, count, rng, with_values);
}

// ------------------------------------------------------------------- HSCAN

}  // namespace

void HSetCommand(CommandContext& ctx) { HSetGeneric(ctx, /*reply_count=*/true); }

void HMSetCommand(CommandContext& ctx) { HSetGeneric(ctx, /*reply_count=*/false); }

void HSetNxCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view field = ctx.arg(2);
  HashValue* hash = LookupOrCreateHash(ctx, key);
  if (hash == nullptr) return;
  FieldView f;
  const FieldLookup r = LookupHashField(ctx, key, hash, field, /*write=*/true,
                                        /*notify=*/true, &f);
  if (r == FieldLookup::kFound) {
    ctx.reply().Integer(0);
    return;
  }
  if (r == FieldLookup::kKeyDeleted) hash = CreateHash(ctx, key);
  hash->ConvertForInput(ctx.args().subspan(2, 2), HashLimitsOf(ctx));
  hash->Set(field, ctx.arg(3), HashLimitsOf(ctx));
  ctx.reply().Integer(1);
  HashModified(ctx, key, "hset", 1);
}

void HGetCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  FieldView f;
  if (hash != nullptr && LookupHashField(ctx, key, hash, ctx.arg(2), /*write=*/false,
                                         /*notify=*/true, &f) == FieldLookup::kFound) {
    ReplyScalar(ctx.reply(), f.value);
  } else {
    ctx.reply().Null();
  }
}

// A missing key is an empty hash: one nil per field.
void HMGetCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  protocol::ReplyWriter& out = ctx.reply();
  out.ArrayLen(ctx.argc() - 2);
  int expired = 0;
  bool deleted = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    FieldView f;
    FieldLookup r = FieldLookup::kAbsent;
    if (hash != nullptr) {
      r = LookupHashField(ctx, key, hash, ctx.arg(i), /*write=*/false, /*notify=*/false, &f,
                          &expired);
    }
    if (r == FieldLookup::kFound) {
      ReplyScalar(out, f.value);
    } else {
      out.Null();
    }
    if (r == FieldLookup::kKeyDeleted) {
      hash = nullptr;
      deleted = true;
    }
  }
  // Redis 7.4 reports the fields HMGET found expired with one event.
  if (expired > 0) {
    ctx.Notify(keyspace::kNotifyHash, "hexpired", key);
    if (deleted) ctx.Notify(keyspace::kNotifyGeneric, "del", key);
  }
}

void HDelCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashWrite(ctx, key, &wrong_type);
  if (hash == nullptr) {
    if (!wrong_type) ctx.reply().Integer(0);
    return;
  }
  const int64_t now = ctx.now_ms();
  int64_t deleted = 0;
  bool expired = false;
  bool key_removed = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    FieldView f;
    if (!hash->Find(ctx.arg(i), &f)) continue;
    // An expired field goes too, but it was not there to delete.
    const bool was_expired = f.expire_ms != types::kNoFieldExpire && f.expire_ms < now &&
                             ctx.keyspace().expire_policy() != keyspace::ExpirePolicy::kKeep;
    hash->Delete(ctx.arg(i));
    if (was_expired) {
      expired = true;
    } else {
      ++deleted;
    }
    if (hash->Size() == 0) {
      DeleteHashKey(ctx, key);
      key_removed = true;
      break;
    }
  }
  if (expired) ctx.Notify(keyspace::kNotifyHash, "hexpired", key);
  if (deleted > 0 || expired) {
    ctx.KeyModified(key);
    if (deleted > 0) ctx.Notify(keyspace::kNotifyHash, "hdel", key);
    if (key_removed) ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    ctx.AddDirty(static_cast<uint64_t>(deleted));
  }
  // Only expired fields went: not a change to count, but the AOF and
  // replicas must drop them too (the command as received does just that).
  if (deleted == 0 && expired) ctx.AlsoPropagate(ctx.args());
  ctx.reply().Integer(deleted);
}

void HLenCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  HashReadView view;
  if (hash == nullptr || !PrepareHashRead(ctx, key, hash, &view)) {
    ctx.reply().Integer(0);
    return;
  }
  ctx.reply().Integer(static_cast<int64_t>(view.Count()));
}

void HStrLenCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  FieldView f;
  if (hash == nullptr || LookupHashField(ctx, key, hash, ctx.arg(2), /*write=*/false,
                                         /*notify=*/true, &f) != FieldLookup::kFound) {
    ctx.reply().Integer(0);
    return;
  }
  const size_t len = f.value.is_int ? base::Int64Length(f.value.i) : f.value.s.size();
  ctx.reply().Integer(static_cast<int64_t>(len));
}

void HExistsCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  FieldView f;
  const bool found = hash != nullptr && LookupHashField(ctx, key, hash, ctx.arg(2),
                                                        /*write=*/false, /*notify=*/true,
                                                        &f) == FieldLookup::kFound;
  ctx.reply().Integer(found ? 1 : 0);
}

void HGetAllCommand(CommandContext& ctx) { GetAllGeneric(ctx, true, true); }

void HKeysCommand(CommandContext& ctx) { GetAllGeneric(ctx, true, false); }

void HValsCommand(CommandContext& ctx) { GetAllGeneric(ctx, false, true); }

// The new value keeps the field's expire time (Redis 7.4).
void HIncrByCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view field = ctx.arg(2);
  int64_t incr;
  if (!commands::GetInt64(ctx, ctx.arg(3), &incr)) return;
  FieldView current;
  bool found;
  HashValue* hash = HashForIncrement(ctx, key, field, &current, &found);
  if (hash == nullptr) return;
  int64_t value = 0;
  if (found && !ReadInteger(current.value, &value)) {
    ctx.reply().Error("ERR hash value is not an integer");
    return;
  }
  int64_t result;
  if (__builtin_add_overflow(value, incr, &result)) {
    ctx.reply().Error(ErrorCode::kOverflow);
    return;
  }
  char buf[base::kMaxInt64Chars];
  const std::string_view text(buf, base::FormatInt64(result, buf));
  hash->Set(field, text, HashLimitsOf(ctx), HashValue::KeepTtl::kYes);
  ctx.reply().Integer(result);
  HashModified(ctx, key, "hincrby", 1);
}

// The result is stored as text in the human long double form, and
// propagated as HSET with that text; a field with an expire time keeps it,
// and since HSET drops a field's time, HPEXPIREAT with that time follows.
void HIncrByFloatCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view field = ctx.arg(2);
  long double incr;
  if (!commands::GetLongDouble(ctx, ctx.arg(3), &incr)) return;
  if (std::isnan(incr) || std::isinf(incr)) {
    ctx.reply().Error("ERR value is NaN or Infinity");
    return;
  }
  FieldView current;
  bool found;
  HashValue* hash = HashForIncrement(ctx, key, field, &current, &found);
  if (hash == nullptr) return;
  long double value = 0;
  if (found) {
    if (current.value.is_int) {
      value = static_cast<long double>(current.value.i);
    } else if (!base::ParseLongDouble(current.value.s, &value)) {
      ctx.reply().Error("ERR hash value is not a float");
      return;
    }
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply().Error(ErrorCode::kIncrNanOrInf);
    return;
  }
  char buf[base::kMaxLongDoubleChars];
  const size_t n = base::FormatLongDouble(value, buf, sizeof(buf), base::LongDoubleMode::kHuman);
  const std::string_view text(buf, n);
  hash->Set(field, text, HashLimitsOf(ctx), HashValue::KeepTtl::kYes);
  ctx.reply().Bulk(text);
  HashModified(ctx, key, "hincrbyfloat", 1);
  if (!found || current.expire_ms == types::kNoFieldExpire) {
    ctx.PropagateAs({"HSET", key, field, text});
    return;
  }
  ctx.AlsoPropagate({"HSET", key, field, text});
  const std::string when = std::to_string(current.expire_ms);
  ctx.PropagateAs({"HPEXPIREAT", key, when, "FIELDS", "1", field});
}

// HRANDFIELD key [count [WITHVALUES]].
void HRandFieldCommand(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!ParseRandomCount(ctx, ctx.arg(2), &l)) return;
    const bool with_values = ctx.argc() == 4;
    if (ctx.argc() > 4 || (with_values && !commands::IsOption(ctx.arg(3), "withvalues"))) {
      ctx.reply().Error(ErrorCode::kSyntax);
      return;
    }
    // Twice the count must fit: the reply holds field and value.
    constexpr int64_t kMaxWithValues = std::numeric_limits<int64_t>::max() / 2;
    if (with_values && (l < -kMaxWithValues || l > kMaxWithValues)) {
      ctx.reply().Error("ERR value is out of range");
      return;
    }
    RandFieldWithCount(ctx, l, with_values);
    return;
  }
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  HashReadView view;
  if (hash == nullptr || !PrepareHashRead(ctx, key, hash, &view)) {
    ctx.reply().Null();
    return;
  }
  if (view.filtering()) {
    const std::vector<FieldView> all = VisibleFields(view);
    if (all.empty()) {
      ctx.reply().Null();
    } else {
      ReplyScalar(ctx.reply(), all[ctx.keyspace().rng()() % all.size()].field);
    }
    return;
  }
  ReplyScalar(ctx.reply(), hash->RandomField(ctx.keyspace().rng()).field);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]. A listpack is returned
// whole with cursor 0; a table is walked as SCAN walks keys, stopping at
// COUNT elements (fields and values both count, as in Redis) or after
// COUNT*10 steps. As in Redis the key is looked up before the options are
// read, so a missing key answers an empty scan whatever they say.
void HScanCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  uint64_t cursor;
  if (!base::ParseScanCursor(ctx.arg(2), &cursor)) {
    ctx.reply().Error(ErrorCode::kInvalidCursor);
    return;
  }
  protocol::ReplyWriter& out = ctx.reply();
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  HashReadView view;
  if (hash == nullptr || !PrepareHashRead(ctx, key, hash, &view)) {
    out.ArrayLen(2);
    out.Bulk("0");
    out.ArrayLen(0);
    return;
  }
  ScanOptions opts;
  if (!ParseScanOptions(ctx, 3, /*allow_type=*/false, &opts)) return;

  std::vector<FieldView> found;
  if (hash->encoding() != HashValue::Encoding::kTable) {
    hash->Collect(&found);
    cursor = 0;
  } else {
    const uint64_t count = static_cast<uint64_t>(opts.count);
    int64_t steps_left = opts.count > std::numeric_limits<int64_t>::max() / 10
                             ? std::numeric_limits<int64_t>::max()
                             : opts.count * 10;
    do {
      cursor = hash->ScanTable(cursor, [&](const FieldView& f) { found.push_back(f); });
    } while (cursor != 0 && steps_left-- > 0 && found.size() * 2 < count);
  }
  char buf[types::kListpackIntBufSize];
  std::erase_if(found, [&](const FieldView& f) {
    if (!view.Visible(f)) return true;
    return opts.use_pattern &&
           !base::GlobMatch(opts.pattern, f.field.ToString(buf), /*nocase=*/false);
  });
  out.ArrayLen(2);
  out.BulkInteger(static_cast<int64_t>(cursor));
  out.ArrayLen(found.size() * 2);
  for (const FieldView& f : found) {
    ReplyScalar(out, f.field);
    ReplyScalar(out, f.value);
  }
}

}  // namespace osprey::handlers
