// Pieces the generic keyspace commands share (key_handlers.cc,
// expire_handlers.cc): removing a key with or without lazy freeing, lifting
// an entry's value out of the table to put it under another name or in
// another database, and reading a database index argument.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "keyspace/db.h"
#include "keyspace/entry.h"

namespace osprey::handlers {

// Removes `e` from `db` and frees its value. With `lazy` (UNLINK, the
// lazyfree-lazy-* options) a big value may be freed on a background thread;
// until that thread exists it is freed here. The only place keys are freed
// by these commands, so lazy freeing plugs in here.
void EraseKey(keyspace::Db& db, keyspace::Entry e, bool lazy);

// An entry's value, expire and access clock, taken out of the table without
// copying heap parts (RENAME, MOVE). Inline string bytes are copied into
// `inline_bytes`, since the bucket they live in may move.
struct DetachedValue {
  keyspace::ValueKind kind = keyspace::ValueKind::kEmbstr;
  int64_t integer = 0;
  std::string inline_bytes;
  void* pointer = nullptr;
  types::ValueType object_type = types::ValueType::kString;
  int64_t expire_ms = -1;
  uint32_t clock = 0;
  bool unshared_int = false;

  // The spec that writes this value back (views inline_bytes: keep *this alive
  // and unmoved until the spec is stored).
  keyspace::ValueSpec Spec() const;
};

// Removes `e` from `db`, handing its value to the caller.
DetachedValue DetachEntry(keyspace::Db& db, keyspace::Entry e);

// Adds `key` to `db` holding `v` (REQUIRES: absent), with v's expire and
// clock. Returns the new entry.
keyspace::Entry AttachValue(keyspace::Db& db, std::string_view key, const DetachedValue& v);

// What Redis's expireIfNeeded(db, key, 0) does: when `key` exists and its
// time has passed, deletes it (on a master, with the "expired" event) and
// returns true; a replica only reports it gone. False for a missing key.
bool ExpireIfNeeded(keyspace::Db& db, std::string_view key);

// Reads a database index as SELECT, MOVE and COPY ... DB do: an integer in C
// int range ("value is out of range, value must between ..."), then an
// existing database ("DB index is out of range"). Replies and returns false
// on failure.
bool GetDbIndex(commands::CommandContext& ctx, std::string_view arg, int* out);

}  // namespace osprey::handlers
