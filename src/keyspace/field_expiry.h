// The hashes of one database whose fields have expire times (Redis 7.4's
// hash-field expiration), ordered by when each next needs a look, so the
// active expire cycle finds due fields without walking the key table.
//
// Entries are hints, keyed by key name: a key may have been deleted,
// renamed or overwritten since it was scheduled, and its time is a lower
// bound of its earliest field expire time. Whoever takes a due key checks
// what the key holds now (see Db::ExpireHashFieldsStep). Writers keep it
// complete: every hash that gains a field expire time is scheduled (the
// field expire commands, Db::Add for hashes arriving with times).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace osprey::keyspace {

class FieldExpiryIndex {
 public:
  // Schedules `key` at `when_ms`, replacing an earlier entry for it.
  void Schedule(std::string_view key, int64_t when_ms);
  // Forgets `key` (no-op when absent).
  void Remove(std::string_view key);
  // Takes out the key due first when its time is at or before `now_ms`;
  // false when none is due.
  bool PopDue(int64_t now_ms, std::string* key);
  // The time of the first entry; -1 when empty.
  int64_t NextTime() const;

  size_t size() const { return by_key_.size(); }
  void Clear();
  void Swap(FieldExpiryIndex& other);

 private:
  std::map<std::string, int64_t, std::less<>> by_key_;
  // Points at by_key_'s keys, which map nodes keep in place.
  std::set<std::pair<int64_t, const std::string*>> by_time_;
};

}  // namespace osprey::keyspace
