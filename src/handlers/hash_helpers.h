// Pieces the hash commands share (hash_handlers.cc, hash_expire_handlers.cc):
// finding a hash for a read or a write, and field expiry (Redis 7.4) as
// every hash command applies it: an expired field is never seen. A command
// that reads one field removes it when its time has passed ("hexpired");
// one that reads the whole hash first removes every due field; a hash that
// loses its last field this way is deleted ("del"). Each field removed so
// is propagated as HDEL <key> <field> (the hash's own deletion follows from
// the last HDEL on replay, so no DEL goes out).
//
// On a server that must not delete (a paused one or a read-only replica,
// keyspace::ExpirePolicy::kHide) reads skip expired fields instead; while
// loading or applying a master's stream (kKeep) fields never expire.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "commands/command_context.h"
#include "keyspace/entry.h"
#include "types/hash.h"

namespace osprey::handlers {

// The hash `e` holds. REQUIRES: e holds a hash.
inline types::HashValue* HashOf(keyspace::Entry e) {
  return static_cast<types::HashValue*>(e.object());
}

// The hash-max-listpack-* settings in force.
inline types::HashLimits HashLimitsOf(const commands::CommandContext& ctx) {
  types::HashLimits limits;
  limits.max_listpack_entries = static_cast<size_t>(ctx.config().hash_max_listpack_entries);
  limits.max_listpack_value = static_cast<size_t>(ctx.config().hash_max_listpack_value);
  return limits;
}

// Looks `key` up as a read (stats, keymiss event) or a write. Returns
// nullptr when it is missing (nothing replied) or, with *wrong_type set and
// WRONGTYPE replied, when it holds something else.
types::HashValue* LookupHashRead(commands::CommandContext& ctx, std::string_view key,
                                 bool* wrong_type);
types::HashValue* LookupHashWrite(commands::CommandContext& ctx, std::string_view key,
                                  bool* wrong_type);
// For commands that create the hash (HSET, HINCRBY...): the hash at `key`,
// created empty when missing (with the "new" event); nullptr only after
// replying WRONGTYPE.
types::HashValue* LookupOrCreateHash(commands::CommandContext& ctx, std::string_view key);
// Adds an empty hash at `key` (REQUIRES: absent) with the "new" event.
types::HashValue* CreateHash(commands::CommandContext& ctx, std::string_view key);
// Removes the hash at `key` (REQUIRES: present) and its field-expiry entry.
// The caller reports the events.
void DeleteHashKey(commands::CommandContext& ctx, std::string_view key);

// A hash as a command reading all of its fields sees it.
struct HashReadView {
  types::HashValue* hash = nullptr;
  // Fields whose time is before this are expired but still stored: reads
  // skip them. INT64_MIN when every stored field is visible.
  int64_t hidden_before = std::numeric_limits<int64_t>::min();

  bool filtering() const { return hidden_before != std::numeric_limits<int64_t>::min(); }
  bool Visible(const types::HashValue::FieldView& f) const {
    return f.expire_ms == types::kNoFieldExpire || f.expire_ms >= hidden_before;
  }
  // The number of visible fields.
  size_t Count() const;
};

// Prepares `hash` (stored at `key`) for a command that reads all of its
// fields. False when the hash went away with its last field (the command
// then answers as for a missing key).
bool PrepareHashRead(commands::CommandContext& ctx, std::string_view key,
                     types::HashValue* hash, HashReadView* view);

enum class FieldLookup {
  kFound,
  kAbsent,      // missing, or expired (and removed unless the server must keep it)
  kKeyDeleted,  // expired, and it was the last field: the hash is gone
};
// Finds `field` of `hash` (stored at `key`) for a command reading or
// (`write`) changing it. An expired field is removed, with "hexpired" when
// `notify` (and "del" when the hash goes); *expired counts it.
FieldLookup LookupHashField(commands::CommandContext& ctx, std::string_view key,
                            types::HashValue* hash, std::string_view field, bool write,
                            bool notify, types::HashValue::FieldView* out, int* expired = nullptr);

}  // namespace osprey::handlers
