// A packed hash table of string keys to values: one database's keys (the
// key table), and the members or fields of large sets, hashes and sorted
// sets. See docs/key_table.md.
//
// Design (memory per key is a headline figure, see docs/key_table.md):
//  - Linear hashing: the table grows and shrinks one bucket at a time, so
//    there is never a stop-the-world rehash and the load stays constant.
//  - A bucket is one allocation holding its entries packed back to back in
//    the format of entry.h (key, small values and expire inline). A lookup
//    hashes the key, finds the bucket, and walks a handful of entries,
//    comparing an 8-bit fingerprint before the key bytes.
//  - SCAN's cursor walks hash values in reverse-binary order (as Redis does),
//    so a key present for the whole scan is returned even across resizes.
//  - Random sampling picks a random bucket then a random entry in it.
//
// Entries are views into buckets: every insert, erase, value change and
// resize may move them. Callers re-find after changing the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string_view>
#include <vector>

#include "types/packed_entry.h"

namespace osprey::types {

// Frees the values a table owns (strings on the heap, objects). Lazy freeing
// hands values to another thread instead; the table itself only calls this.
void FreeEntryParts(Entry e, bool free_key, bool free_value);

class PackedTable {
 public:
  // Keys longer than this live on the heap, so buckets stay small.
  static constexpr size_t kMaxInlineKey = 1024;
  // Average entries per bucket at which a bucket is split.
  static constexpr size_t kSplitLoad = 6;

  explicit PackedTable(uint64_t seed);
  ~PackedTable();
  PackedTable(const PackedTable&) = delete;
  PackedTable& operator=(const PackedTable&) = delete;

  uint64_t Hash(std::string_view key) const;
  size_t size() const { return count_; }
  size_t expires_count() const { return expires_; }
  size_t bucket_count() const { return (size_t{1} << level_) + split_; }

  // Returns the entry for `key`, or an invalid Entry.
  Entry Find(std::string_view key) const { return Find(key, Hash(key)); }
  Entry Find(std::string_view key, uint64_t hash) const;

  // Adds `key` (REQUIRES: absent) with `value`, taking ownership of its heap
  // parts. `expire_ms` < 0 means no expire. Returns the new entry.
  Entry Insert(std::string_view key, uint64_t hash, const ValueSpec& value, int64_t expire_ms,
               uint32_t clock);
  // Find and Insert in one walk of the bucket: adds `key` as Insert does
  // when it is absent (*inserted true, the new entry returned); otherwise
  // returns the entry already there and leaves `value` (and the ownership
  // of its heap parts) with the caller (*inserted false).
  Entry InsertIfAbsent(std::string_view key, uint64_t hash, const ValueSpec& value,
                       int64_t expire_ms, uint32_t clock, bool* inserted);

  // Prefetch hints for a lookup or insert of `hash` coming soon (a load
  // reading keys ahead of storing them). Three steps, each a few keys
  // after the one before, as each needs what the previous one brought into
  // the cache: 0 the bucket pointer, 1 the bucket's first bytes, 2 the
  // rest of the bucket. They never change the table.
  void Prefetch(uint64_t hash, int step) const;
  // Replaces the value of `e`, freeing the old one unless `free_old` is false.
  // Keeps key, expire and clock. Returns the entry at its (possibly new) place.
  Entry ReplaceValue(Entry e, const ValueSpec& value, bool free_old = true);
  // Sets (ms >= 0) or removes (ms < 0) the expire time of `e`.
  Entry SetExpire(Entry e, int64_t ms);
  // Removes `e`. With free_value false the caller has taken the value's
  // heap parts (e.g. to move them to another key or free them lazily).
  void Erase(Entry e, bool free_value = true);

  // Calls fn for the keys of one step of a SCAN and returns the next cursor
  // (0 when the walk is complete).
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry)>& fn) const;
  // Calls fn for every entry. fn must not change the table.
  void ForEach(const std::function<void(Entry)>& fn) const;
  // A random entry, or invalid when empty.
  Entry RandomEntry(std::mt19937_64& rng) const;
  // A random entry with every entry equally likely (RandomEntry favours
  // entries of sparse buckets), for SRANDMEMBER, SPOP and friends whose
  // distribution clients test. Invalid when empty.
  Entry FairRandomEntry(std::mt19937_64& rng) const;

  // Walks buckets that may hold keys with an expire, starting at `cursor`,
  // calling `expired(e)` for each such key; entries it returns true for are
  // erased (their value freed). Stops after visiting `max_keys` keys with an
  // expire or after a full pass. Returns the cursor for the next call and
  // sets *wrapped when the walk came back to bucket 0.
  size_t ExpireWalk(size_t cursor, size_t max_keys, const std::function<bool(Entry)>& expired,
                    size_t* visited, bool* wrapped);

  // While paused the table neither splits nor merges buckets, so every
  // key stays in the bucket it is in (a snapshot walking the buckets in
  // order relies on that); buckets just get longer. Once resumed, inserts
  // split two buckets at a time until the load is back to normal.
  void set_resize_paused(bool paused) { resize_paused_ = paused; }
  bool resize_paused() const { return resize_paused_; }
  // The bucket a key of hash `hash` lives in, and a walk over one bucket's
  // entries (fn must not change the table). Returns the entries visited.
  size_t BucketOf(uint64_t hash) const { return BucketIndex(hash); }
  size_t ForEachInBucket(size_t index, const std::function<void(Entry)>& fn) const;

  // An empty table takes the bucket count `keys` keys will need at once
  // (loading a file whose size hint says so), instead of growing a bucket
  // at a time. No effect on a table holding entries.
  void Presize(size_t keys);

  // Removes every entry, freeing values.
  void Clear();
  // Exchanges contents with `other` (SWAPDB, FLUSHALL ASYNC).
  void Swap(PackedTable& other);

  // Bytes held by buckets and the bucket directory (not values on the heap).
  size_t TableMemory() const;

  // The bucket holding `e` (REQUIRES: a valid entry of this table): its
  // allocation's usable size, the bytes of its entries and how many entries
  // share it. MEMORY USAGE charges each key its share of the difference.
  struct BucketUsage {
    size_t allocated = 0;
    size_t used = 0;
    size_t entries = 0;
  };
  BucketUsage UsageOf(Entry e) const;

 private:
  struct Bucket;
  static constexpr int kSegmentBits = 12;
  // FairRandomEntry: tables of at most this many buckets are walked to the
  // chosen entry; larger ones draw (bucket, slot) pairs from kFairSlots
  // slots per bucket until a slot holds an entry.
  static constexpr size_t kFairWalkBuckets = 64;
  static constexpr size_t kFairSlots = 32;
  static constexpr size_t kSegmentSize = size_t{1} << kSegmentBits;

  size_t BucketIndex(uint64_t hash) const {
    size_t b = hash & ((size_t{1} << level_) - 1);
    if (b < split_) b = hash & ((size_t{2} << level_) - 1);
    return b;
  }
  Bucket*& BucketAt(size_t index) const {
    return segments_[index >> kSegmentBits][index & (kSegmentSize - 1)];
  }
  void EnsureSegments(size_t buckets);
  // Grows `b` (null: a new bucket) so it can hold `need` bytes of entries,
  // keeping bucket_bytes_ in step. Returns the bucket.
  Bucket* Reserve(Bucket* b, size_t need);
  static Bucket* ShrinkToFit(Bucket* b);
  // Replaces bytes [offset, offset + old_len) of bucket `index` by new_len
  // bytes (left for the caller to fill), moving what follows. Returns the
  // bucket's data, which may have moved.
  uint8_t* Splice(size_t index, size_t offset, size_t old_len, size_t new_len);
  // The entry of `key` in bucket `b` (may be null), or an invalid Entry.
  static Entry FindInBucket(const Bucket* b, std::string_view key, uint64_t hash);
  // Splits as the load asks before an insert (unless paused).
  void GrowForInsert();
  // Appends a new entry for `key` to bucket `index` (REQUIRES: absent).
  Entry Append(size_t index, std::string_view key, uint64_t hash, const ValueSpec& value,
               int64_t expire_ms, uint32_t clock);
  void TrackAlloc(Bucket* b, int sign);

  void MaybeSplit();
  void MaybeMerge();
  void SplitOne();
  void MergeOne();

  uint64_t seed_;
  std::vector<Bucket**> segments_;
  int level_ = 2;      // buckets [0, 2^level + split) exist
  size_t split_ = 0;   // next bucket to split
  size_t segment0_cap_ = 0;  // the first segment starts small and doubles
  size_t count_ = 0;
  size_t expires_ = 0;
  size_t bucket_bytes_ = 0;  // allocated bytes of all buckets
  bool resize_paused_ = false;
};

}  // namespace osprey::types
