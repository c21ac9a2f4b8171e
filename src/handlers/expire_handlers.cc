// Expire commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT),
// TTL PTTL EXPIRETIME PEXPIRETIME and PERSIST.
//
// The order of checks is Redis's and is visible to clients: options first,
// then the time argument and its overflow, then the key. A time already in
// the past deletes the key (a "del" event, not "expired") unless this is a
// replica or the AOF is being loaded, where the master's DEL will follow.

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "keyspace/keyspace.h"
#include "keyspace/notifications.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Db;
using keyspace::Entry;
using protocol::ErrorCode;

namespace {

enum ExpireCondition : uint32_t {
  kExpireNx = 1u << 0,
  kExpireXx = 1u << 1,
  kExpireGt = 1u << 2,
  kExpireLt = 1u << 3,
};

// Parses the NX/XX/GT/LT options from argument 3 on. Options may repeat.
bool ParseExpireConditions(CommandContext& ctx, uint32_t* flags) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.arg(j);
    if (commands::IsOption(opt, "nx")) {
      *flags |= kExpireNx;
    } else if (commands::IsOption(opt, "xx")) {
      *flags |= kExpireXx;
    } else if (commands::IsOption(opt, "gt")) {
      *flags |= kExpireGt;
    } else if (commands::IsOption(opt, "lt")) {
      *flags |= kExpireLt;
    } else {
      // Redis formats the option as a C string: it ends at a NUL byte.
      std::string msg = "ERR Unsupported option ";
      msg.append(opt.substr(0, opt.find('\0')));
      ctx.reply().Error(msg);
      return false;
    }
  }
  if ((*flags & kExpireNx) && (*flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.reply().Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((*flags & kExpireGt) && (*flags & kExpireLt)) {
    ctx.reply().Error("ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

// Whether the condition options let `when` replace `current` (-1: no TTL,
// which counts as infinite).
bool ConditionAllows(uint32_t flags, int64_t current, int64_t when) {
  if ((flags & kExpireNx) && current != -1) return false;
  if ((flags & kExpireXx) && current == -1) return false;
  if ((flags & kExpireGt) && (current == -1 || when <= current)) return false;
  if ((flags & kExpireLt) && current != -1 && when >= current) return false;
  return true;
}

// `base_ms` is 0 for the *AT forms and now for the relative ones.
void ExpireGeneric(CommandContext& ctx, int64_t base_ms, bool seconds) {
  uint32_t flags = 0;
  if (!ParseExpireConditions(ctx, &flags)) return;
  int64_t when;
  if (!commands::GetInt64(ctx, ctx.arg(2), &when)) return;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (when > kMax / 1000 || when < kMin / 1000) {
      ctx.reply().Error(protocol::InvalidExpireTimeError(ctx.cmd().fullname));
      return;
    }
    when *= 1000;
  }
  if (when > kMax - base_ms) {
    ctx.reply().Error(protocol::InvalidExpireTimeError(ctx.cmd().fullname));
    return;
  }
  when += base_ms;

  Db& db = ctx.db();
  const std::string_view key = ctx.arg(1);
  Entry e = db.Lookup(key, keyspace::kLookupWrite);
  if (!e) {
    ctx.reply().Integer(0);
    return;
  }
  if (flags != 0 && !ConditionAllows(flags, e.has_expire() ? e.expire_ms() : -1, when)) {
    ctx.reply().Integer(0);
    return;
  }
  const bool already_expired = when <= ctx.now_ms() && !ctx.config().is_replica &&
                               (ctx.exec_flags() & commands::kExecLoading) == 0;
  if (already_expired) {
    EraseKey(db, e, ctx.config().lazyfree_lazy_expire);
    ctx.AddDirty();
    ctx.KeyModified(key);
    ctx.Notify(keyspace::kNotifyGeneric, "del", key);
    ctx.PropagateAs({ctx.config().lazyfree_lazy_expire ? "UNLINK" : "DEL", key});
    ctx.reply().Integer(1);
    return;
  }
  // A time before 1970 only gets here on a replica or while loading; the
  // table cannot hold a negative expire, and 0 is just as much in the past.
  db.SetExpire(e, when < 0 ? 0 : when);
  ctx.reply().Integer(1);
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyGeneric, "expire", key);
  ctx.AddDirty();
  // Replayed later (AOF, replicas), a relative time would mean another
  // moment: the effect is the absolute PEXPIREAT, with the same conditions.
  const std::string when_text = std::to_string(when);
  std::vector<std::string_view> prop(ctx.args().begin(), ctx.args().end());
  prop[0] = "PEXPIREAT";
  prop[2] = when_text;
  ctx.PropagateAs(prop);
}

// TTL and friends: -2 for a missing key, -1 without an expire, else the
// remaining (or absolute) time, in ms or rounded to the nearest second.
void TtlGeneric(CommandContext& ctx, bool millis, bool absolute) {
  Entry e = ctx.db().Lookup(ctx.arg(1), keyspace::kLookupNoTouch);
  if (!e) {
    ctx.reply().Integer(-2);
    return;
  }
  if (!e.has_expire()) {
    ctx.reply().Integer(-1);
    return;
  }
  int64_t ttl = absolute ? e.expire_ms() : e.expire_ms() - ctx.now_ms();
  if (ttl < 0) ttl = 0;
  ctx.reply().Integer(millis ? ttl : (ttl + 500) / 1000);
}

}  // namespace

void ExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), /*seconds=*/true); }

void PExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), /*seconds=*/false); }

void ExpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, /*seconds=*/true); }

void PExpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, /*seconds=*/false); }

void TtlCommand(CommandContext& ctx) { TtlGeneric(ctx, /*millis=*/false, /*absolute=*/false); }

void PTtlCommand(CommandContext& ctx) { TtlGeneric(ctx, /*millis=*/true, /*absolute=*/false); }

void ExpireTimeCommand(CommandContext& ctx) {
  TtlGeneric(ctx, /*millis=*/false, /*absolute=*/true);
}

void PExpireTimeCommand(CommandContext& ctx) {
  TtlGeneric(ctx, /*millis=*/true, /*absolute=*/true);
}

void PersistCommand(CommandContext& ctx) {
  Db& db = ctx.db();
  const std::string_view key = ctx.arg(1);
  Entry e = db.Lookup(key, keyspace::kLookupWrite);
  if (!e || !e.has_expire()) {
    ctx.reply().Integer(0);
    return;
  }
  db.SetExpire(e, -1);
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyGeneric, "persist", key);
  ctx.reply().Integer(1);
  ctx.AddDirty();
}

}  // namespace osprey::handlers
