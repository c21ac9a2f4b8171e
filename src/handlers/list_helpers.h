// Pieces the list commands share (list_handlers.cc,
// list_blocking_handlers.cc): finding a list for reading or writing,
// creating one with the configured node shape, replying with elements and
// ranges, and the bookkeeping after elements leave a list (events, removing
// an emptied key, dirtiness), all in Redis 7.0's order.
#pragma once

#include <cstdint>
#include <string_view>

#include "commands/command_context.h"
#include "types/list.h"

namespace osprey::handlers {

enum class ListWhere : uint8_t { kHead, kTail };

inline types::ListEnd EndOf(ListWhere w) {
  return w == ListWhere::kHead ? types::ListEnd::kHead : types::ListEnd::kTail;
}

// The list stored at `key` for a read, or nullptr: missing (nothing
// replied; *wrongtype false) or not a list (WRONGTYPE replied; *wrongtype
// true).
types::ListValue* FindListForRead(commands::CommandContext& ctx, std::string_view key,
                                  bool* wrongtype);
// The same for a write (no hit/miss statistics, no keymiss event). The list
// is ready to change: it follows DEBUG QUICKLIST-PACKED-THRESHOLD.
types::ListValue* FindListForWrite(commands::CommandContext& ctx, std::string_view key,
                                   bool* wrongtype);
// Adds an empty list at `key` (REQUIRES: absent) shaped by
// list-max-listpack-size and list-compress-depth, and reports the "new"
// event. The caller must push before anything else can see the key.
types::ListValue* CreateList(commands::CommandContext& ctx, std::string_view key);

// Replies with one element as a bulk string.
void ReplyElement(commands::CommandContext& ctx, const types::ListElement& e);
// Replies with elements [start, end] as Redis's addListRangeReply does:
// negative indexes count from the tail, an empty range is an empty array,
// and `reverse` lists them from end to start.
void ReplyRange(commands::CommandContext& ctx, const types::ListValue& list, int64_t start,
                int64_t end, bool reverse);

// After `count` elements left `list` (at `key`) from `where`: the
// lpop/rpop event, removal of the key with a "del" event when it is empty,
// the modified-key signal and the dirty count.
void ListElementsRemoved(commands::CommandContext& ctx, std::string_view key, ListWhere where,
                         types::ListValue* list, int64_t count);

// Pops up to `count` elements from `where` and replies [key, [elements]]
// (LMPOP, BLMPOP).
void PopRangeAndReplyWithKey(commands::CommandContext& ctx, std::string_view key,
                             types::ListValue* list, ListWhere where, int64_t count);

// Reads LEFT or RIGHT (any case); replies a syntax error otherwise.
bool GetListWhere(commands::CommandContext& ctx, std::string_view arg, ListWhere* out);

// LMOVE's work once `source` (at `source_key`) is known to be a non-empty
// list: moves one element from its `from` end to the `to` end of the list
// at `destination_key` (created if needed; the same list is fine) and
// replies with it, or replies WRONGTYPE when the destination is not a list.
void MoveElement(commands::CommandContext& ctx, std::string_view source_key,
                 types::ListValue* source, std::string_view destination_key, ListWhere from,
                 ListWhere to);

}  // namespace osprey::handlers
