// One numbered database: a key table plus the lookup rules Redis applies
// around it (lazy expiry, access clocks, hit/miss statistics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace/entry.h"
#include "keyspace/field_expiry.h"
#include "keyspace/key_table.h"

namespace osprey::keyspace {

class Keyspace;

// Lookup options, as Redis's LOOKUP_* flags.
enum LookupFlags : uint32_t {
  kLookupNone = 0,
  kLookupWrite = 1u << 0,     // for a write: no hit/miss stats, no keymiss event
  kLookupNoTouch = 1u << 1,   // leave the access clock alone
  kLookupNoStats = 1u << 2,   // do not count a hit or miss
  kLookupNoNotify = 1u << 3,  // no keymiss event
  kLookupNoExpire = 1u << 4,  // report an expired key missing without deleting it
};

class Db {
 public:
  Db(Keyspace* keyspace, int index, uint64_t seed);

  int index() const { return index_; }
  size_t size() const { return table_.size(); }
  size_t expires_count() const { return table_.expires_count(); }
  KeyTable& table() { return table_; }
  const KeyTable& table() const { return table_; }

  // Finds a live key, applying lazy expiry, the access clock and stats as
  // `flags` say. Invalid Entry when missing.
  Entry Lookup(std::string_view key, uint32_t flags);
  Entry LookupRead(std::string_view key) { return Lookup(key, kLookupNone); }
  Entry LookupWrite(std::string_view key) { return Lookup(key, kLookupWrite); }
  // LookupWrite with the key's table hash already computed (a handler that
  // adds the key when missing hashes once for both).
  Entry LookupWrite(std::string_view key, uint64_t hash);

  // True when `e` has an expire time that has passed.
  bool IsExpired(Entry e) const;

  // Adds a key that does not exist (REQUIRES: absent). Takes ownership of the
  // value's heap parts.
  Entry Add(std::string_view key, const ValueSpec& value, int64_t expire_ms = -1);
  // Add for a load, with one probe of the table: `hash` is the table's hash
  // of `key` and `clock` the access clock the key gets. When the key exists
  // already nothing changes: the existing entry is returned, *added is
  // false and `value` stays the caller's.
  Entry AddIfAbsent(std::string_view key, uint64_t hash, const ValueSpec& value,
                    int64_t expire_ms, uint32_t clock, bool* added);
  // Replaces the value of an existing key; drops its expire unless keep_ttl.
  Entry Overwrite(Entry e, const ValueSpec& value, bool keep_ttl);
  // Adds or overwrites (SET semantics).
  Entry Set(std::string_view key, const ValueSpec& value, bool keep_ttl);
  // Sets (ms >= 0) or removes (ms < 0) the expire of `e`.
  Entry SetExpire(Entry e, int64_t ms);
  // Removes `key` if present; returns whether it was.
  bool Delete(std::string_view key);
  // Removes `e`; see KeyTable::Erase for `free_value`.
  void Erase(Entry e, bool free_value = true);
  // Removes every key.
  void Clear() {
    table_.Clear();
    field_expiry_.Clear();
  }

  // Records an access to `e` (LRU time or LFU counter).
  void Touch(Entry e);
  // The access clock value for a key written now.
  uint32_t NewClock() const;

  // Reclaims expired keys: visits up to `max_keys` keys that have an expire.
  // Returns (visited, expired). Also refreshes avg_ttl_ms().
  std::pair<size_t, size_t> ExpireStep(size_t max_keys);
  // Running estimate of the remaining TTL of keys with one (INFO keyspace).
  int64_t avg_ttl_ms() const { return avg_ttl_ms_; }

  // --- hash fields with expire times (Redis 7.4) ---
  // The hashes to look at for due fields; see field_expiry.h.
  FieldExpiryIndex& field_expiry() { return field_expiry_; }
  const FieldExpiryIndex& field_expiry() const { return field_expiry_; }
  struct FieldExpiryResult {
    std::vector<std::string> fields;  // the fields removed
    bool key_deleted = false;         // the hash had no field left and is gone
  };
  // Removes the expired fields of the hash `e` holds under `key` (REQUIRES:
  // a hash), deleting the key when none is left, and keeps the index in
  // step. `max_visits` bounds the work on a big hash (active expiry); the
  // default removes them all. The caller reports events.
  FieldExpiryResult RemoveExpiredFields(Entry e, std::string_view key,
                                        size_t max_visits = SIZE_MAX);
  // Tells a running snapshot that the value of `key` is about to change
  // (see snapshot_walk.h); nothing when none runs. The write lookups and
  // the dispatcher (for every key of a write command) call it; a read that
  // changes a value itself (removing expired hash fields) must call it
  // first, since a snapshot may be reading that value on its own thread.
  void BeforeChange(std::string_view key) const;
  // Active expiry of hash fields: takes the due hashes of the index, about
  // `budget` fields' worth of work, reporting through the listener.
  // Returns the work done; less than `budget` means nothing more is due.
  size_t ExpireHashFieldsStep(size_t budget);

 private:
  friend class Keyspace;
  // Handles a key found expired during a lookup. Returns true when the
  // caller should treat it as missing.
  bool HandleExpired(Entry e, uint32_t flags);
  void BeforeChange(std::string_view key, uint64_t hash) const;
  void NotifyAdded(std::string_view key, types::ValueType type);
  // Reports a stream leaving its key (KeyspaceListener::OnStreamKeyRemoved).
  void NotifyStreamRemoved(Entry e);
  // Puts a hash arriving with field expire times in the index.
  void TrackFieldExpiry(std::string_view key, const ValueSpec& value);

  Keyspace* keyspace_;
  int index_;
  KeyTable table_;
  FieldExpiryIndex field_expiry_;
  size_t expire_cursor_ = 0;
  bool expire_walk_wrapped_ = false;
  int64_t avg_ttl_ms_ = 0;
};

}  // namespace osprey::keyspace
