// The string commands that store a whole value or change a key's TTL as they
// read it: SET (and its older spellings SETNX, SETEX, PSETEX), GETSET, MSET,
// MSETNX and GETEX. SET's options are parsed once into SetOptions and then
// one call, StoreString, does the write with Redis's events and counters.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "handlers/string_helpers.h"
#include "keyspace/notifications.h"
#include "keyspace/string_value.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

namespace {

using commands::CommandContext;
using keyspace::Db;
using keyspace::Entry;
using keyspace::ValueKind;
using keyspace::ValueSpec;
using protocol::ErrorCode;

// What happens to the TTL. At most one kind may be given, though the same
// one may repeat (Redis keeps the last value): "EX 1 EX 2" is fine,
// "EX 1 PX 2" and "KEEPTTL EX 1" are syntax errors.
enum class TtlOption : uint8_t {
  kNone,
  kKeep,         // SET KEEPTTL
  kPersist,      // GETEX PERSIST
  kSeconds,      // EX
  kMillis,       // PX
  kUnixSeconds,  // EXAT
  kUnixMillis,   // PXAT
};

enum class Condition : uint8_t { kAlways, kIfAbsent, kIfPresent };

struct SetOptions {
  Condition condition = Condition::kAlways;
  bool get = false;  // reply with the previous value instead of OK/nil
  TtlOption ttl = TtlOption::kNone;
  std::string_view ttl_arg;  // the number after EX/PX/EXAT/PXAT
  // The absolute expire time in unix ms, resolved from ttl/ttl_arg; -1 for none.
  // A SET with an expire is propagated as "SET key value PXAT expire_at_ms"
  // and GETEX as PEXPIREAT/DEL/PERSIST, so this is all a rewrite needs.
  int64_t expire_at_ms = -1;
};

bool HasExpireTime(TtlOption t) {
  return t == TtlOption::kSeconds || t == TtlOption::kMillis || t == TtlOption::kUnixSeconds ||
         t == TtlOption::kUnixMillis;
}

// Redis compares option names as C strings, so "NX\0junk" reads as NX: the
// argument matches when it starts with `token` (any case) and ends there or
// at a NUL byte.
bool TokenIs(std::string_view arg, std::string_view token) {
  if (arg.size() < token.size()) return false;
  if (arg.size() > token.size() && arg[token.size()] != '\0') return false;
  return base::EqualsIgnoreCase(arg.substr(0, token.size()), token);
}

// Parses the options of SET (from argument 3) or GETEX (from argument 2) in
// Redis's order; replies "syntax error" and returns false on a bad one.
bool ParseSetOptions(CommandContext& ctx, bool for_set, SetOptions* opts) {
  auto set_ttl = [opts](TtlOption t) {
    if (opts->ttl != TtlOption::kNone && opts->ttl != t) return false;
    opts->ttl = t;
    return true;
  };
  auto set_condition = [opts](Condition c) {
    if (opts->condition != Condition::kAlways && opts->condition != c) return false;
    opts->condition = c;
    return true;
  };
  static constexpr struct {
    std::string_view token;
    TtlOption ttl;
  } kExpireTokens[] = {{"EX", TtlOption::kSeconds},
                       {"PX", TtlOption::kMillis},
                       {"EXAT", TtlOption::kUnixSeconds},
                       {"PXAT", TtlOption::kUnixMillis}};

  for (size_t j = for_set ? 3 : 2; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.arg(j);
    const bool has_next = j + 1 < ctx.argc();
    bool ok = false;
    if (for_set && TokenIs(opt, "NX")) {
      ok = set_condition(Condition::kIfAbsent);
    } else if (for_set && TokenIs(opt, "XX")) {
      ok = set_condition(Condition::kIfPresent);
    } else if (for_set && TokenIs(opt, "GET")) {
      opts->get = ok = true;
    } else if (for_set && TokenIs(opt, "KEEPTTL")) {
      ok = set_ttl(TtlOption::kKeep);
    } else if (!for_set && TokenIs(opt, "PERSIST")) {
      ok = set_ttl(TtlOption::kPersist);
    } else {
      for (const auto& e : kExpireTokens) {
        if (!TokenIs(opt, e.token)) continue;
        if (has_next && set_ttl(e.ttl)) {
          opts->ttl_arg = ctx.arg(++j);
          ok = true;
        }
        break;
      }
    }
    if (!ok) {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

void ReplyInvalidExpire(CommandContext& ctx) {
  ctx.reply().Error(protocol::InvalidExpireTimeError(ctx.cmd().fullname));
}

// Turns the EX/PX/EXAT/PXAT argument into an absolute time in ms, with
// Redis's checks: the number must be positive, seconds must not overflow
// when scaled, and a relative time must not wrap when added to now.
bool ResolveExpire(CommandContext& ctx, SetOptions* opts) {
  if (!HasExpireTime(opts->ttl)) return true;
  int64_t v;
  if (!commands::GetInt64(ctx, opts->ttl_arg, &v)) return false;
  const bool seconds = opts->ttl == TtlOption::kSeconds || opts->ttl == TtlOption::kUnixSeconds;
  if (v <= 0 || (seconds && v > std::numeric_limits<int64_t>::max() / 1000)) {
    ReplyInvalidExpire(ctx);
    return false;
  }
  if (seconds) v *= 1000;
  if (opts->ttl == TtlOption::kSeconds || opts->ttl == TtlOption::kMillis) {
    // Wrapping add, as Redis's: an overflow shows up as a non-positive time.
    v = static_cast<int64_t>(static_cast<uint64_t>(v) + static_cast<uint64_t>(ctx.now_ms()));
    if (v <= 0) {
      ReplyInvalidExpire(ctx);
      return false;
    }
  }
  opts->expire_at_ms = v;
  return true;
}


// The GET part of SET ... GET and GETSET: replies with the current value
// (nil when missing). Returns false after replying WRONGTYPE.
bool ReplyPreviousValue(CommandContext& ctx, std::string_view key) {
  Entry e = ctx.db().LookupRead(key);
  if (!e) {
    ctx.reply().Null();
    return true;
  }
  if (!e.is_string()) {
    ctx.reply().Error(ErrorCode::kWrongType);
    return false;
  }
  ReplyStringValue(ctx, e);
  return true;
}

// The engine of every SET variant: checks the NX/XX condition, stores
// `value` with the encoding Redis would pick, drops or keeps the old TTL,
// sets the new expire, and reports the change (new, set, expire events; one
// dirty change). Returns false when the condition kept it from writing.
bool StoreString(CommandContext& ctx, std::string_view key, std::string_view value,
                 const SetOptions& opts) {
  Db& db = ctx.db();
  const uint64_t hash = db.table().Hash(key);
  Entry e = db.LookupWrite(key, hash);
  if ((opts.condition == Condition::kIfAbsent && e) ||
      (opts.condition == Condition::kIfPresent && !e)) {
    return false;
  }
  const bool has_expire = opts.expire_at_ms >= 0;
  const ValueSpec spec = keyspace::EncodeStringValue(value);
  if (e) {
    // Keeping the old expire field when a new one follows saves removing
    // it and inserting it again.
    e = db.Overwrite(e, spec, opts.ttl == TtlOption::kKeep || has_expire);
    if (has_expire) db.SetExpire(e, opts.expire_at_ms);
  } else {
    db.table().Insert(key, hash, spec, has_expire ? opts.expire_at_ms : -1, db.NewClock());
    ctx.Notify(keyspace::kNotifyNew, "new", key);
  }
  ctx.KeyModified(key);
  ctx.AddDirty(1);
  ctx.Notify(keyspace::kNotifyString, "set", key);
  // An expire time already in the past is stored as it is (Redis 7.0 does
  // not delete here): the key disappears at its next lookup or expire cycle.
  if (has_expire) ctx.Notify(keyspace::kNotifyGeneric, "expire", key);
  return true;
}

// A SET with an expire goes out as "SET key value PXAT <ms>" (a replay
// later must not move the moment), one with GET without its GET arguments.
void PropagateSet(CommandContext& ctx, std::string_view key, std::string_view value,
                  const SetOptions& opts) {
  if (opts.expire_at_ms >= 0) {
    const std::string at = std::to_string(opts.expire_at_ms);
    ctx.PropagateAs({"SET", key, value, "PXAT", at});
    return;
  }
  if (!opts.get) return;
  std::vector<std::string_view> prop;
  for (size_t j = 0; j < ctx.argc(); ++j) {
    const std::string_view a = ctx.arg(j);
    if (j >= 3 && a.size() == 3 && (a[0] | 0x20) == 'g' && (a[1] | 0x20) == 'e' &&
        (a[2] | 0x20) == 't') {
      continue;
    }
    prop.push_back(a);
  }
  ctx.PropagateAs(prop);
}

// SET, SETNX, SETEX and PSETEX once their options are known.
void SetGeneric(CommandContext& ctx, std::string_view value, SetOptions opts, bool reply_int) {
  if (!ResolveExpire(ctx, &opts)) return;
  std::string_view key = ctx.arg(1);
  if (opts.get && !ReplyPreviousValue(ctx, key)) return;
  const bool stored = StoreString(ctx, key, value, opts);
  if (stored) PropagateSet(ctx, key, value, opts);
  if (opts.get) return;
  if (reply_int) {
    ctx.reply().Integer(stored ? 1 : 0);
  } else if (stored) {
    ctx.reply().Ok();
  } else {
    ctx.reply().Null();
  }
}

void SetWithExpireArg(CommandContext& ctx, TtlOption ttl) {
  SetOptions opts;
  opts.ttl = ttl;
  opts.ttl_arg = ctx.arg(2);
  SetGeneric(ctx, ctx.arg(3), opts, /*reply_int=*/false);
}

bool IsMustObeyClient(const CommandContext& ctx) {
  return (ctx.exec_flags() & (commands::kExecFromMaster | commands::kExecLoading)) != 0;
}

void MSetGeneric(CommandContext& ctx, bool only_if_none_exist) {
  if (ctx.argc() % 2 == 0) {
    ctx.reply().Error(protocol::WrongArityError(ctx.cmd().fullname));
    return;
  }
  if (only_if_none_exist) {
    for (size_t j = 1; j < ctx.argc(); j += 2) {
      if (ctx.db().LookupWrite(ctx.arg(j))) {
        ctx.reply().Integer(0);
        return;
      }
    }
  }
  const SetOptions opts;
  for (size_t j = 1; j < ctx.argc(); j += 2) StoreString(ctx, ctx.arg(j), ctx.arg(j + 1), opts);
  if (only_if_none_exist) {
    ctx.reply().Integer(1);
  } else {
    ctx.reply().Ok();
  }
}

}  // namespace

void SetCommand(commands::CommandContext& ctx) {
  SetOptions opts;
  if (ctx.argc() > 3 && !ParseSetOptions(ctx, /*for_set=*/true, &opts)) return;
  SetGeneric(ctx, ctx.arg(2), opts, /*reply_int=*/false);
}

void SetNxCommand(commands::CommandContext& ctx) {
  SetOptions opts;
  opts.condition = Condition::kIfAbsent;
  SetGeneric(ctx, ctx.arg(2), opts, /*reply_int=*/true);
}

void SetExCommand(commands::CommandContext& ctx) { SetWithExpireArg(ctx, TtlOption::kSeconds); }

void PSetExCommand(commands::CommandContext& ctx) { SetWithExpireArg(ctx, TtlOption::kMillis); }

void GetSetCommand(commands::CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  if (!ReplyPreviousValue(ctx, key)) return;
  StoreString(ctx, key, ctx.arg(2), SetOptions());
  ctx.PropagateAs({"SET", key, ctx.arg(2)});
}

void MSetCommand(commands::CommandContext& ctx) { MSetGeneric(ctx, false); }

void MSetNxCommand(commands::CommandContext& ctx) { MSetGeneric(ctx, true); }

// GETEX replies with the value first and then changes the TTL. It is never
// propagated as itself: a new expire goes out as PEXPIREAT, a time already
// past as DEL (the key is deleted here, unlike SET), PERSIST as PERSIST.
void GetExCommand(commands::CommandContext& ctx) {
  SetOptions opts;
  if (!ParseSetOptions(ctx, /*for_set=*/false, &opts)) return;
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db();
  Entry e = db.LookupRead(key);
  if (!e) {
    ctx.reply().Null();
    return;
  }
  if (!e.is_string()) {
    ctx.reply().Error(ErrorCode::kWrongType);
    return;
  }
  if (!ResolveExpire(ctx, &opts)) return;
  ReplyStringValue(ctx, e);

  const bool absolute = opts.ttl == TtlOption::kUnixSeconds || opts.ttl == TtlOption::kUnixMillis;
  // Loading an AOF or following a master, a past time is kept until the
  // master's DEL arrives.
  const bool delete_now = absolute && opts.expire_at_ms <= ctx.now_ms() && !IsMustObeyClient(ctx) &&
                          !ctx.config().is_replica;
  if (delete_now) {
    EraseKey(db, e, ctx.config().lazyfree_lazy_expire);
    ctx.KeyModified(key);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    ctx.AddDirty(1);
    ctx.PropagateAs({ctx.config().lazyfree_lazy_expire ? "UNLINK" : "DEL", key});
  } else if (opts.expire_at_ms >= 0) {
    db.SetExpire(e, opts.expire_at_ms);
    ctx.KeyModified(key);
    ctx.Notify(keyspace::kNotifyGeneric, "expire", key);
    ctx.AddDirty(1);
    const std::string at = std::to_string(opts.expire_at_ms);
    ctx.PropagateAs({"PEXPIREAT", key, at});
  } else if (opts.ttl == TtlOption::kPersist && e.has_expire()) {
    db.SetExpire(e, -1);
    ctx.KeyModified(key);
    ctx.Notify(keyspace::kNotifyGeneric, "persist", key);
    ctx.AddDirty(1);
    ctx.PropagateAs({"PERSIST", key});
  }
}

}  // namespace osprey::handlers
