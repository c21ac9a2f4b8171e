// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type].
//
// The key table's Scan visits one slot of its reverse-binary cursor space
// per step; a key present for the whole walk is returned at least once
// however the table grows or shrinks in between. A call takes steps until it
// has collected COUNT keys, the walk is complete, or it has taken COUNT*10
// steps (Redis's bound on the work spent on empty buckets: one of our steps
// looks at one slot, as one of Redis's looks at one bucket). Keys are
// filtered after collection, in Redis's order: pattern, type, expiry.

#include <limits>
#include <string>
#include <vector>

#include "base/ascii.h"
#include "base/glob.h"
#include "base/numbers.h"
#include "commands/arg_parser.h"
#include "commands/command_context.h"
#include "handlers/key_helpers.h"
#include "handlers/scan_options.h"
#include "protocol/reply_errors.h"
#include "types/object.h"

namespace osprey::handlers {

using commands::CommandContext;
using keyspace::Entry;
using protocol::ErrorCode;

namespace {

// Whether `key`, collected by the walk, is part of the reply.
bool KeepScannedKey(CommandContext& ctx, const ScanOptions& opts, std::string_view key) {
  if (opts.use_pattern && !base::GlobMatch(opts.pattern, key, /*nocase=*/false)) return false;
  if (opts.use_type) {
    // A read lookup, as in Redis: it counts a hit or miss and expires the
    // key, which then reads as type "none".
    Entry e = ctx.db().Lookup(key, keyspace::kLookupNoTouch);
    std::string_view name = e ? types::ValueTypeName(e.type()) : std::string_view("none");
    if (!base::EqualsIgnoreCase(name, opts.type)) return false;
  }
  return !ExpireIfNeeded(ctx.db(), key);
}

}  // namespace

void ScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!base::ParseScanCursor(ctx.arg(1), &cursor)) {
    ctx.reply().Error(ErrorCode::kInvalidCursor);
    return;
  }
  ScanOptions opts;
  if (!ParseScanOptions(ctx, 2, /*allow_type=*/true, &opts)) return;

  const keyspace::KeyTable& table = ctx.db().table();
  std::vector<std::string> keys;
  const uint64_t count = static_cast<uint64_t>(opts.count);
  int64_t steps_left = opts.count > std::numeric_limits<int64_t>::max() / 10
                           ? std::numeric_limits<int64_t>::max()
                           : opts.count * 10;
  do {
    cursor = table.Scan(cursor, [&](Entry e) { keys.emplace_back(e.key()); });
  } while (cursor != 0 && steps_left-- > 0 && keys.size() < count);

  size_t kept = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!KeepScannedKey(ctx, opts, keys[i])) continue;
    if (kept != i) keys[kept] = std::move(keys[i]);
    ++kept;
  }
  keys.resize(kept);

  protocol::ReplyWriter& reply = ctx.reply();
  reply.ArrayLen(2);
  // Redis sends the unsigned cursor through its signed-integer formatter.
  reply.BulkInteger(static_cast<int64_t>(cursor));
  reply.ArrayLen(keys.size());
  for (const std::string& key : keys) reply.Bulk(key);
}

}  // namespace osprey::handlers
