// DUMP and RESTORE: a value in Redis's DUMP payload format (type byte, RDB
// value, RDB version, CRC-64), so payloads move between Osprey and Redis in
// both directions. RESTORE follows Redis 7.0 step for step: options, then
// the existing key, then the TTL, then the payload's trailer, then its
// value; error replies are Redis's word for word.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "keyspace/access_clock.h"
#include "keyspace/keyspace.h"
#include "keyspace/notifications.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"
#include "protocol/reply_errors.h"

namespace osprey::persistence {

using commands::CommandContext;
using protocol::ErrorCode;

namespace {

bool IsOption(std::string_view arg, std::string_view name) {
  if (arg.size() != name.size()) return false;
  for (size_t i = 0; i < arg.size(); ++i) {
    const char c = arg[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != name[i]) return false;
  }
  return true;
}

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idle = -1;  // IDLETIME seconds
  int64_t freq = -1;  // FREQ counter
};

// Parses the options after the payload; replies and returns false on error.
// IDLETIME and FREQ exclude each other: the second one is a syntax error.
bool ParseRestoreOptions(CommandContext& ctx, RestoreOptions* o) {
  for (size_t j = 4; j < ctx.argc(); ++j) {
    const std::string_view arg = ctx.arg(j);
    const bool has_value = j + 1 < ctx.argc();
    if (IsOption(arg, "replace")) {
      o->replace = true;
    } else if (IsOption(arg, "absttl")) {
      o->absttl = true;
    } else if (IsOption(arg, "idletime") && has_value && o->freq == -1) {
      if (!commands::GetInt64(ctx, ctx.arg(++j), &o->idle)) return false;
      if (o->idle < 0) {
        ctx.reply().Error("ERR Invalid IDLETIME value, must be >= 0");
        return false;
      }
    } else if (IsOption(arg, "freq") && has_value && o->idle == -1) {
      if (!commands::GetInt64(ctx, ctx.arg(++j), &o->freq)) return false;
      if (o->freq < 0 || o->freq > 255) {
        ctx.reply().Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return false;
      }
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

// The access clock RESTORE gives the new key, as Redis's objectSetLRUOrLFU:
// FREQ counts only under an LFU policy, IDLETIME only under the others.
void ApplyAccessOptions(CommandContext& ctx, keyspace::Entry e, const RestoreOptions& o) {
  const int64_t now = ctx.now_ms();
  if (ctx.keyspace().lfu()) {
    if (o.freq >= 0) {
      e.set_clock((keyspace::LfuMinutesAt(now) << 8) | static_cast<uint32_t>(o.freq));
    }
    return;
  }
  if (o.idle < 0) return;
  int64_t abs = static_cast<int64_t>(keyspace::LruClockAt(now)) - o.idle;
  if (abs < 0) abs += keyspace::kLruClockMax;
  e.set_clock(static_cast<uint32_t>(abs) & keyspace::kLruClockMax);
}

}  // namespace

void DumpCommand(CommandContext& ctx) {
  keyspace::Entry e = ctx.db().LookupRead(ctx.arg(1));
  if (!e) {
    ctx.reply().Null();
    return;
  }
  ctx.reply().Bulk(CreateDumpPayload(e, ctx.config().rdb_compression));
}

void RestoreCommand(CommandContext& ctx) {
  RestoreOptions opts;
  if (!ParseRestoreOptions(ctx, &opts)) return;
  const std::string_view key = ctx.arg(1);
  keyspace::Db& db = ctx.db();
  if (!opts.replace && db.LookupWrite(key)) {
    ctx.reply().Error(ErrorCode::kBusyKey);
    return;
  }
  int64_t ttl;
  if (!commands::GetInt64(ctx, ctx.arg(2), &ttl)) return;
  if (ttl < 0) {
    ctx.reply().Error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  const std::string_view payload = ctx.arg(3);
  if (!VerifyDumpPayload(payload, ctx.config().skip_checksum_validation)) {
    ctx.reply().Error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  // The value may not reach into the trailer (Redis reads on into it; a
  // value that needs those bytes is cut short, so refusing it is safe).
  RdbReader reader(payload.substr(0, payload.size() - kDumpTrailerSize));
  uint8_t type;
  LoadedValue value;
  if (!reader.Byte(&type) ||
      LoadValue(reader, type, ctx.config(), ctx.keyspace().rng()(), &value) != LoadResult::kOk) {
    // The reason goes to the log (verbose), as Redis logs it.
    ctx.hooks().LogVerbose("RESTORE refused at payload offset " +
                           std::to_string(reader.error_offset()) + ": " +
                           (reader.failed() ? reader.error() : "empty value"));
    ctx.reply().Error("ERR Bad data format");
    return;
  }
  bool deleted = false;
  if (opts.replace) {
    if (keyspace::Entry old = db.table().Find(key)) {
      db.Erase(old);
      deleted = true;
    }
  }
  // A relative TTL that overflows wraps as it does in Redis, and then
  // counts as already past.
  if (ttl != 0 && !opts.absttl) {
    ttl = static_cast<int64_t>(static_cast<uint64_t>(ttl) + static_cast<uint64_t>(ctx.now_ms()));
  }
  if (ttl != 0 && ttl <= ctx.now_ms() && !ctx.config().is_replica) {
    if (deleted) {
      // What happened is a deletion: it goes to the AOF and replicas as one.
      ctx.PropagateAs({"DEL", key});
      ctx.KeyModified(key);
      ctx.Notify(keyspace::kNotifyGeneric, "del", key);
      ctx.AddDirty();
    }
    ctx.reply().Ok();
    return;
  }
  keyspace::Entry e = db.Add(key, value.TakeSpec(), ttl != 0 ? ttl : -1);
  ApplyAccessOptions(ctx, e, opts);
  if (ttl != 0 && !opts.absttl) {
    // Propagated with the absolute time it got here, as Redis does.
    const std::string at = std::to_string(ttl);
    std::vector<std::string_view> args(ctx.args().begin(), ctx.args().end());
    args[2] = at;
    args.push_back("ABSTTL");
    ctx.PropagateAs(std::span<const std::string_view>(args));
  }
  ctx.KeyModified(key);
  ctx.Notify(keyspace::kNotifyGeneric, "restore", key);
  ctx.reply().Ok();
  ctx.AddDirty();
}

}  // namespace osprey::persistence
