// A point-in-time image of the keyspace taken without fork(): the walk
// visits the key tables bucket by bucket in small steps between commands,
// and before a write changes (or removes) a key the walk has not reached
// yet, that key is handed over first, as it still is. Keys added after the
// start are never handed over. BGSAVE, AOF rewrites and (later) replica
// full syncs all consume their data set through one of these.
//
// Why the buckets stay put: while a walk is running, every table has
// resizing paused (see PackedTable::set_resize_paused), so "the walk has
// reached key k" is just "bucket(k) < the walk's bucket" in k's database.
// A key handed over early (or born after the start) is remembered in
// `handled_` so the walk skips it when it gets there.
//
// Whole-database changes (FLUSHDB, FLUSHALL, SWAPDB) are the owner's to
// handle before they happen: finish the walk, or abandon it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "keyspace/entry.h"

namespace osprey::keyspace {

class Db;
class Keyspace;

// Receives the image: every key alive at the start exactly once.
class SnapshotVisitor {
 public:
  virtual ~SnapshotVisitor() = default;
  // The walk enters database `db`, which holds about `keys` keys (`expires`
  // of them with an expire). Only for databases holding keys.
  virtual void OnDatabase(int db, size_t keys, size_t expires) = 0;
  // `e` of database `db` as it was at the start. Keys handed over early
  // (before a write) arrive in whatever database order the writes came;
  // the visitor notes the database itself.
  virtual void OnEntry(int db, Entry e) = 0;
  // OnEntry for a key handed over because a write is about to change it:
  // the visitor must be done with the value when it returns.
  virtual void OnEntryBeforeChange(int db, Entry e) { OnEntry(db, e); }
  // `key` of database `db`, handed over already (or absent at the start),
  // is about to be written, added or removed. A visitor still reading a
  // value it was handed (on another thread) finishes with it first.
  virtual void BeforeHandedOverChange(int db, std::string_view key) { (void)db, (void)key; }
};

class SnapshotWalk {
 public:
  // Starts the walk: registers with `ks` (its Db calls BeforeChange) and
  // pauses resizing of every key table. REQUIRES: no other walk running.
  SnapshotWalk(Keyspace* ks, SnapshotVisitor* visitor);
  // Unregisters and lets the tables resize again, finished or not.
  ~SnapshotWalk();
  SnapshotWalk(const SnapshotWalk&) = delete;
  SnapshotWalk& operator=(const SnapshotWalk&) = delete;

  // Walks on, about `max_entries` keys' worth (whole buckets at a time).
  // Returns true once every database is done.
  bool Step(size_t max_entries);
  // Walks to the end.
  void Finish() {
    while (!Step(SIZE_MAX)) {
    }
  }
  bool done() const { return db_ >= db_count_; }

  // Keys handed over so far (by the walk and ahead of writes).
  uint64_t entries_emitted() const { return emitted_; }
  // Of those, keys handed over ahead of a write.
  uint64_t entries_early() const { return early_; }

  // The hook: `key` of database `db` is about to be written, added or
  // removed. Hands it over first when the walk has not reached it (and it
  // exists), then remembers it as handled. Cheap for reached keys.
  void BeforeChange(int db, std::string_view key, uint64_t hash);
  void BeforeChange(int db, std::string_view key);

 private:
  bool Reached(int db, uint64_t hash) const;

  Keyspace* ks_;
  SnapshotVisitor* visitor_;
  int db_count_;
  int db_ = 0;             // the database being walked
  size_t bucket_ = 0;      // its next bucket
  bool entered_ = false;   // OnDatabase was called for db_
  // Looked up by string_view without building a string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Per database: keys not to hand over when the walk reaches them.
  std::vector<std::unordered_set<std::string, KeyHash, std::equal_to<>>> handled_;
  uint64_t emitted_ = 0;
  uint64_t early_ = 0;
};

}  // namespace osprey::keyspace
