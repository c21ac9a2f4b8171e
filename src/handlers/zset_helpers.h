// Pieces the sorted-set command files share (zset_handlers.cc,
// zset_range_handlers.cc, zset_store_handlers.cc, zset_pop_handlers.cc):
// finding a sorted set with Redis's WRONGTYPE rule, the encoding limits from
// the config, replying elements in RESP2 and RESP3, deleting a set that
// became empty, and storing a computed result at a destination key.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "commands/command_context.h"
#include "types/zset.h"

namespace osprey::handlers {

// The outcome of a typed lookup: a sorted set, no key, or a key of another
// type (WRONGTYPE already replied).
enum class ZSetLookup { kFound, kMissing, kWrongType };

// Looks `key` up with `flags` (keyspace::LookupFlags: kLookupNone for a
// read, kLookupWrite for a write). On kFound, *out points at the value; it
// stays valid while the key keeps this value, even when the key table
// changes. Replies WRONGTYPE for another type.
ZSetLookup FindZSet(commands::CommandContext& ctx, std::string_view key, uint32_t flags,
                    types::ZSetValue** out);

// zset-max-listpack-entries / -value as the types layer wants them.
types::ZSetLimits ZSetLimitsOf(const commands::CommandContext& ctx);

// Adds `key` (REQUIRES: absent) holding `z`, with the "new" event. Returns
// the value, now owned by the keyspace.
types::ZSetValue* AddZSetKey(commands::CommandContext& ctx, std::string_view key,
                             std::unique_ptr<types::ZSetValue> z);

// Deletes `key`, whose sorted set is empty (the caller reports "del").
void DeleteEmptyZSet(commands::CommandContext& ctx, std::string_view key);

// The header of a reply of `n` elements: with scores, RESP2 sends a flat
// array of 2n items and RESP3 an array of n [member, score] pairs (Redis
// 7.0 keeps the order, so no map).
void ReplyZArrayLen(commands::CommandContext& ctx, size_t n, bool withscores);
// One element of such a reply.
void ReplyZElement(commands::CommandContext& ctx, std::string_view member, double score,
                   bool withscores);

// The end of ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE and ZRANGESTORE: stores
// `result` at `dst` whatever `dst` held (its expire goes), replies with the
// size and reports `event`; an empty result deletes `dst` instead (with
// "del" if it existed) and replies 0.
void StoreZSetResult(commands::CommandContext& ctx, std::string_view dst,
                     std::unique_ptr<types::ZSetValue> result, std::string_view event);

}  // namespace osprey::handlers
