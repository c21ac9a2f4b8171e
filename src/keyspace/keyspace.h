// The databases of one engine and the state their lookups share: the
// command's notion of "now", the access-clock policy, statistics, and the
// listener told about expirations and misses (the server turns those into
// notifications and replication traffic).
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace/access_clock.h"
#include "keyspace/db.h"

namespace osprey::keyspace {

class SnapshotWalk;

struct KeyspaceStats {
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;
  uint64_t evicted_keys = 0;
  uint64_t expired_time_cap_reached_count = 0;
  uint64_t expire_cycle_cpu_micros = 0;
  double expired_stale_perc = 0;
};

class KeyspaceListener {
 public:
  virtual ~KeyspaceListener() = default;
  // `key` in `db` was found expired and has just been removed.
  virtual void OnKeyExpired(int db, std::string_view key) = 0;
  // A read looked for `key` in `db` and found nothing.
  virtual void OnKeyMiss(int db, std::string_view key) = 0;
  // `key` was added to `db` holding a value of `type` (only while
  // set_track_new_keys is on: clients are blocked waiting for keys).
  virtual void OnKeyAdded(int db, std::string_view key, types::ValueType type) = 0;
  // The stream at `key` in `db` is about to be removed or replaced by
  // another value (only while set_track_new_keys is on): clients blocked in
  // XREADGROUP on it must hear of it, as Redis 7.0 tells them.
  virtual void OnStreamKeyRemoved(int db, std::string_view key) { (void)db, (void)key; }
  // Active expiry removed `fields` of the hash `key` in `db`, and the key
  // with them when `key_deleted` (Redis 7.4: "hexpired", then "del").
  virtual void OnHashFieldsExpired(int db, std::string_view key,
                                   std::span<const std::string> fields, bool key_deleted) {
    (void)db, (void)key, (void)fields, (void)key_deleted;
  }
};

// What a lookup does with a key whose time has passed.
enum class ExpirePolicy {
  kDelete,      // remove it (a master)
  kHide,        // report it missing but keep it (a read-only replica, paused writes)
  kKeep,        // treat it as alive (loading, or applying the master's stream)
};

class Keyspace {
 public:
  Keyspace(int databases, uint64_t seed);
  ~Keyspace();

  int db_count() const { return static_cast<int>(dbs_.size()); }
  // REQUIRES: 0 <= index < db_count().
  Db& db(int index) { return *dbs_[static_cast<size_t>(index)]; }
  const Db& db(int index) const { return *dbs_[static_cast<size_t>(index)]; }

  // The time commands see; set once per command so a command (and a
  // MULTI/EXEC block) sees one consistent instant.
  int64_t now_ms() const { return now_ms_; }
  void set_now_ms(int64_t ms) { now_ms_ = ms; }

  bool lfu() const { return lfu_; }
  void set_lfu(bool lfu) { lfu_ = lfu; }
  LfuParams& lfu_params() { return lfu_params_; }
  // Do not update access clocks (e.g. while a snapshot walks the table).
  bool touch_enabled() const { return touch_enabled_; }
  void set_touch_enabled(bool on) { touch_enabled_ = on; }

  // While on, every added key is reported to the listener (OnKeyAdded).
  bool track_new_keys() const { return track_new_keys_; }
  void set_track_new_keys(bool on) { track_new_keys_ = on; }

  ExpirePolicy expire_policy() const { return expire_policy_; }
  void set_expire_policy(ExpirePolicy p) { expire_policy_ = p; }

  KeyspaceStats& stats() { return stats_; }
  std::mt19937_64& rng() { return rng_; }
  KeyspaceListener* listener() const { return listener_; }
  void set_listener(KeyspaceListener* l) { listener_ = l; }
  uint64_t seed() const { return seed_; }

  // The snapshot being taken, if any: its walk must hear of every change
  // before it happens (Db calls it; see snapshot_walk.h).
  SnapshotWalk* snapshot() const { return snapshot_; }
  void set_snapshot(SnapshotWalk* walk) { snapshot_ = walk; }

  // Exchanges the contents of two databases (SWAPDB).
  void SwapDbs(int a, int b);
  // Total keys over all databases.
  size_t TotalKeys() const;

 private:
  std::vector<std::unique_ptr<Db>> dbs_;
  int64_t now_ms_ = 0;
  bool lfu_ = false;
  bool touch_enabled_ = true;
  bool track_new_keys_ = false;
  LfuParams lfu_params_;
  ExpirePolicy expire_policy_ = ExpirePolicy::kDelete;
  KeyspaceStats stats_;
  std::mt19937_64 rng_;
  KeyspaceListener* listener_ = nullptr;
  SnapshotWalk* snapshot_ = nullptr;
  uint64_t seed_;
};

}  // namespace osprey::keyspace
