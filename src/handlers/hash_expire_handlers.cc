// Hash-field expiration, as Redis 7.4 has it: HEXPIRE HPEXPIRE HEXPIREAT
// HPEXPIREAT (NX XX GT LT) set a time per field, HTTL HPTTL HEXPIRETIME
// HPEXPIRETIME read it, HPERSIST removes it. Each answers one code per
// field. Fields are removed when their time passes: by the command that
// meets them (hash_helpers.h) or by active expiry (keyspace::Db's index).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/hash_helpers.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using types::HashValue;
using FieldView = HashValue::FieldView;

// Redis 7.4 keeps field times below 2^46 ms (the year 4199).
constexpr int64_t kMaxFieldExpireMs = (int64_t{1} << 46) - 1;

// The per-field codes of the replies.
constexpr int64_t kNoField = -2;     // no such field (or key)
constexpr int64_t kNoTtl = -1;       // HTTL..., HPERSIST: the field has no time
constexpr int64_t kNotMet = 0;       // HEXPIRE...: NX XX GT LT said no
constexpr int64_t kSet = 1;          // the time was set, or removed (HPERSIST)
constexpr int64_t kDeletedNow = 2;   // HEXPIRE...: the time has passed: field deleted

enum class Condition { kNone, kNx, kXx, kGt, kLt };

// Reads "FIELDS numfields field..." starting at args[at]: replies an error
// and returns false unless it is there, the count is positive and it counts
// exactly the fields that follow. *first is the index of the first field.
bool ParseFields(CommandContext& ctx, size_t at, const char* count_error, size_t* first) {
  if (!base::EqualsIgnoreCase(ctx.arg(at), "FIELDS")) {
    ctx.reply().Error("ERR Mandatory argument FIELDS is missing or not at the right position");
    return false;
  }
  int64_t n;
  if (!commands::GetInt64InRange(ctx, ctx.arg(at + 1), 1, INT64_MAX, &n, count_error)) {
    return false;
  }
  if (static_cast<uint64_t>(n) != ctx.argc() - at - 2) {
    ctx.reply().Error("ERR The `numfields` parameter must match the number of arguments");
    return false;
  }
  *first = at + 2;
  return true;
}

// A missing key is an empty hash: every field is missing.
void ReplyAllMissing(CommandContext& ctx, size_t first) {
  ctx.reply().ArrayLen(ctx.argc() - first);
  for (size_t i = first; i < ctx.argc(); ++i) ctx.reply().Integer(kNoField);
}

bool FieldExpired(const FieldView& f, int64_t now) {
  return f.expire_ms != types::kNoFieldExpire && f.expire_ms < now;
}

bool ConditionMet(Condition cond, int64_t old_ms, int64_t new_ms) {
  if (old_ms == types::kNoFieldExpire) {
    // No time counts as forever: LT holds, GT cannot.
    return cond != Condition::kXx && cond != Condition::kGt;
  }
  switch (cond) {
    case Condition::kNone:
    case Condition::kXx: return true;
    case Condition::kNx: return false;
    case Condition::kGt: return new_ms > old_ms;
    case Condition::kLt: return new_ms < old_ms;
  }
  return false;
}

// What one HEXPIRE-family command did, for its events and propagation.
struct ExpireOutcome {
  int64_t updated = 0;
  int64_t deleted = 0;  // their new time had passed
  int64_t expired = 0;  // found expired on the way
  std::vector<std::string_view> updated_fields;  // views of the command's arguments
};

// Sets the time of one field; returns its reply code.
int64_t ExpireOneField(CommandContext& ctx, HashValue* hash, std::string_view field,
                       Condition cond, int64_t when_ms, ExpireOutcome* outcome) {
  FieldView f;
  if (!hash->Find(field, &f)) return kNoField;
  const bool may_delete = ctx.keyspace().expire_policy() != keyspace::ExpirePolicy::kKeep;
  if (may_delete && FieldExpired(f, ctx.now_ms())) {
    ctx.AlsoPropagate({"HDEL", ctx.arg(1), field});
    hash->Delete(field);
    ++outcome->expired;
    return kNoField;
  }
  if (!ConditionMet(cond, f.expire_ms, when_ms)) return kNotMet;
  // A time already past deletes the field (a replica or the AOF keeps it
  // and waits for the deletion to arrive).
  if (when_ms <= ctx.now_ms() &&
      ctx.keyspace().expire_policy() == keyspace::ExpirePolicy::kDelete) {
    ctx.AlsoPropagate({"HDEL", ctx.arg(1), field});
    hash->Delete(field);
    ++outcome->deleted;
    return kDeletedNow;
  }
  hash->SetFieldExpire(field, when_ms);
  ++outcome->updated;
  outcome->updated_fields.push_back(field);
  return kSet;
}

// Reports what the command did, in Redis 7.4's order, and keeps the
// database's field-expiry index in step.
void FinishExpire(CommandContext& ctx, std::string_view key, HashValue* hash,
                  const ExpireOutcome& outcome) {
  const bool changed = outcome.updated + outcome.deleted > 0;
  if (outcome.expired > 0) ctx.Notify(keyspace::kNotifyHash, "hexpired", key);
  if (changed) {
    ctx.AddDirty(static_cast<uint64_t>(outcome.updated + outcome.deleted));
    ctx.Notify(keyspace::kNotifyHash, outcome.deleted > 0 ? "hdel" : "hexpire", key);
  }
  if (changed || outcome.expired > 0) ctx.KeyModified(key);
  if (hash->Size() == 0) {
    DeleteHashKey(ctx, key);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    return;
  }
  const int64_t next = hash->NextExpireBound();
  if (next != types::kNoFieldExpire) ctx.db().field_expiry().Schedule(key, next);
}

// As Redis 7.4 propagates an HEXPIRE-family command: HDEL for each field
// removed (found expired, or its new time had passed), queued as they went;
// then, when some field got its time, HPEXPIREAT with the absolute time in
// ms, the condition as given, and only the fields that got it (so a replay
// sets exactly those, whatever the times are by then).
void PropagateExpire(CommandContext& ctx, int64_t when_ms, size_t cond_at,
                     const ExpireOutcome& outcome) {
  if (outcome.updated == 0) {
    ctx.PreventPropagation();
    return;
  }
  const std::string when = std::to_string(when_ms);
  const std::string count = std::to_string(outcome.updated_fields.size());
  std::vector<std::string_view> args = {"HPEXPIREAT", ctx.arg(1), when};
  if (cond_at != 0) args.push_back(ctx.arg(cond_at));
  args.push_back("FIELDS");
  args.push_back(count);
  args.insert(args.end(), outcome.updated_fields.begin(), outcome.updated_fields.end());
  ctx.PropagateAs(args);
}

// HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT: the time is `base_ms` plus the
// argument, in seconds or milliseconds.
void HExpireGeneric(CommandContext& ctx, int64_t base_ms, bool seconds) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashWrite(ctx, key, &wrong_type);
  if (wrong_type) return;
  int64_t when;
  if (!commands::GetInt64(ctx, ctx.arg(2), &when)) return;
  if (when < 0) {
    ctx.reply().Error("ERR invalid expire time, must be >= 0");
    return;
  }
  if (seconds) {
    if (when > kMaxFieldExpireMs / 1000) {
      ctx.reply().Error(protocol::InvalidExpireTimeError(ctx.cmd().fullname));
      return;
    }
    when *= 1000;
  }
  if (when > kMaxFieldExpireMs - base_ms) {
    ctx.reply().Error(protocol::InvalidExpireTimeError(ctx.cmd().fullname));
    return;
  }
  when += base_ms;

  Condition cond = Condition::kNone;
  std::string_view opt = ctx.arg(3);
  if (base::EqualsIgnoreCase(opt, "NX")) cond = Condition::kNx;
  if (base::EqualsIgnoreCase(opt, "XX")) cond = Condition::kXx;
  if (base::EqualsIgnoreCase(opt, "GT")) cond = Condition::kGt;
  if (base::EqualsIgnoreCase(opt, "LT")) cond = Condition::kLt;
  size_t first;
  if (!ParseFields(ctx, cond == Condition::kNone ? 3 : 4,
                   "ERR Parameter `numFields` should be greater than 0", &first)) {
    return;
  }
  if (hash == nullptr) {
    ReplyAllMissing(ctx, first);
    return;
  }
  // As in Redis 7.4, meeting these commands makes a listpack "listpackex",
  // whatever happens to the fields.
  hash->EnableFieldExpiry();
  ExpireOutcome outcome;
  ctx.reply().ArrayLen(ctx.argc() - first);
  for (size_t i = first; i < ctx.argc(); ++i) {
    ctx.reply().Integer(ExpireOneField(ctx, hash, ctx.arg(i), cond, when, &outcome));
  }
  PropagateExpire(ctx, when, cond == Condition::kNone ? 0 : 3, outcome);
  FinishExpire(ctx, key, hash, outcome);
}

// HTTL, HPTTL (relative to now) and HEXPIRETIME, HPEXPIRETIME (base 0).
// Reading does not remove expired fields; they answer as missing.
void HTtlGeneric(CommandContext& ctx, int64_t base_ms, bool seconds) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashRead(ctx, key, &wrong_type);
  if (wrong_type) return;
  size_t first;
  if (!ParseFields(ctx, 2, "ERR Number of fields must be a positive integer", &first)) return;
  if (hash == nullptr) {
    ReplyAllMissing(ctx, first);
    return;
  }
  const bool keep = ctx.keyspace().expire_policy() == keyspace::ExpirePolicy::kKeep;
  ctx.reply().ArrayLen(ctx.argc() - first);
  for (size_t i = first; i < ctx.argc(); ++i) {
    FieldView f;
    int64_t code;
    if (!hash->Find(ctx.arg(i), &f) || (!keep && FieldExpired(f, ctx.now_ms()))) {
      code = kNoField;
    } else if (f.expire_ms == types::kNoFieldExpire) {
      code = kNoTtl;
    } else if (seconds) {
      code = (f.expire_ms + 999 - base_ms) / 1000;
    } else {
      code = f.expire_ms - base_ms;
    }
    ctx.reply().Integer(code);
  }
}

}  // namespace

void HExpireCommand(CommandContext& ctx) { HExpireGeneric(ctx, ctx.now_ms(), true); }

void HPExpireCommand(CommandContext& ctx) { HExpireGeneric(ctx, ctx.now_ms(), false); }

void HExpireAtCommand(CommandContext& ctx) { HExpireGeneric(ctx, 0, true); }

void HPExpireAtCommand(CommandContext& ctx) { HExpireGeneric(ctx, 0, false); }

void HTtlCommand(CommandContext& ctx) { HTtlGeneric(ctx, ctx.now_ms(), true); }

void HPTtlCommand(CommandContext& ctx) { HTtlGeneric(ctx, ctx.now_ms(), false); }

void HExpireTimeCommand(CommandContext& ctx) { HTtlGeneric(ctx, 0, true); }

void HPExpireTimeCommand(CommandContext& ctx) { HTtlGeneric(ctx, 0, false); }

void HPersistCommand(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  HashValue* hash = LookupHashWrite(ctx, key, &wrong_type);
  if (wrong_type) return;
  size_t first;
  if (!ParseFields(ctx, 2, "ERR Number of fields must be a positive integer", &first)) return;
  if (hash == nullptr) {
    ReplyAllMissing(ctx, first);
    return;
  }
  const bool keep = ctx.keyspace().expire_policy() == keyspace::ExpirePolicy::kKeep;
  bool changed = false;
  ctx.reply().ArrayLen(ctx.argc() - first);
  for (size_t i = first; i < ctx.argc(); ++i) {
    FieldView f;
    int64_t code;
    if (!hash->Find(ctx.arg(i), &f) || (!keep && FieldExpired(f, ctx.now_ms()))) {
      code = kNoField;
    } else if (f.expire_ms == types::kNoFieldExpire) {
      code = kNoTtl;
    } else {
      hash->SetFieldExpire(ctx.arg(i), types::kNoFieldExpire);
      changed = true;
      code = kSet;
    }
    ctx.reply().Integer(code);
  }
  if (changed) {
    ctx.Notify(keyspace::kNotifyHash, "hpersist", key);
    ctx.KeyModified(key);
    ctx.AddDirty(1);
  }
}

}  // namespace osprey::handlers
