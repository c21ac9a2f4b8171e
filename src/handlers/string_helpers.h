// Pieces the string-valued commands share (string_handlers.cc,
// string_set_handlers.cc, bitmap_handlers.cc).
#pragma once

#include <string_view>

#include "commands/command_context.h"
#include "keyspace/entry.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

// Looks `key` up for a read. Returns an invalid Entry after replying
// `on_missing()` (a missing key) or WRONGTYPE, so a handler goes on only
// with a string value.
template <typename OnMissing>
keyspace::Entry LookupStringForRead(commands::CommandContext& ctx, std::string_view key,
                                    OnMissing on_missing) {
  keyspace::Entry e = ctx.db().LookupRead(key);
  if (!e) {
    on_missing();
    return e;
  }
  if (!e.is_string()) {
    ctx.reply().Error(protocol::ErrorCode::kWrongType);
    return keyspace::Entry();
  }
  return e;
}

// Replies with a string value, integer-encoded or not, as a bulk string.
inline void ReplyStringValue(commands::CommandContext& ctx, keyspace::Entry e) {
  if (e.kind() == keyspace::ValueKind::kInt) {
    ctx.reply().BulkInteger(e.int_value());
  } else {
    ctx.reply().Bulk(e.string_bytes());
  }
}

}  // namespace osprey::handlers
