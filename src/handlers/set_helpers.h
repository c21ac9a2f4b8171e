// Pieces the set commands share (set_handlers.cc, set_algebra_handlers.cc)
// and SORT uses: finding a set value with Redis's WRONGTYPE rule, creating
// one, deleting a set that became empty, and storing a computed set at a
// destination key the way SINTERSTORE, SUNIONSTORE and SDIFFSTORE do.
#pragma once

#include <memory>
#include <string_view>

#include "commands/command_context.h"
#include "types/set.h"

namespace osprey::handlers {

// The outcome of a typed lookup: a set, no key, or a key of another type
// (WRONGTYPE already replied).
enum class SetLookup { kFound, kMissing, kWrongType };

// Looks `key` up with `flags` (keyspace::LookupFlags). On kFound, *out
// points at the set; it stays valid while the key keeps this value, even
// when the key table changes. Replies WRONGTYPE for another type.
SetLookup FindSet(commands::CommandContext& ctx, std::string_view key, uint32_t flags,
                  types::SetValue** out);

// A new empty set (intset) with a hash seed from the keyspace.
std::unique_ptr<types::SetValue> NewSet(commands::CommandContext& ctx);

// Adds `key` (REQUIRES: absent) holding `set`, with the "new" event.
// Returns the set, now owned by the keyspace.
types::SetValue* AddSetKey(commands::CommandContext& ctx, std::string_view key,
                           std::unique_ptr<types::SetValue> set);

// Deletes `key`, whose set is empty, with the "del" event.
void DeleteEmptySet(commands::CommandContext& ctx, std::string_view key);

// The end of the *STORE commands: stores `result` at `dst` whatever `dst`
// held (its expire goes), replies with the size and reports `event`; an
// empty result deletes `dst` instead (with "del" if it existed) and
// replies 0.
void StoreSetResult(commands::CommandContext& ctx, std::string_view dst,
                    std::unique_ptr<types::SetValue> result, std::string_view event);

}  // namespace osprey::handlers
