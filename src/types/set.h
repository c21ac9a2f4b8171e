// The set value. As in Redis 7.0, a set is an intset while every member is a
// canonical 64-bit integer and there are at most set-max-intset-entries of
// them; otherwise it is a hash table ("hashtable": a PackedTable whose keys
// are the members, each with a one-byte placeholder value). A set never
// converts back, and there is no listpack encoding (Redis 7.2 added one).
//
// Members come back as string views. A view into the hash table stays valid
// until the set changes; an intset member is written into a caller's buffer
// of at least kSetMemberBufSize bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string_view>

#include "types/intset.h"
#include "types/object.h"
#include "types/packed_table.h"

namespace osprey::types {

// Room for an integer member in decimal ("-9223372036854775808").
inline constexpr size_t kSetMemberBufSize = 24;

// Redis caps set-max-intset-entries at 2^30, the intset's own limit.
inline constexpr int64_t kSetIntsetEntriesCap = int64_t{1} << 30;

class SetValue final : public Object {
 public:
  // An empty intset. `seed` keys the hash of the table the set converts to.
  explicit SetValue(uint64_t seed);
  // An intset-encoded set holding `members` (REQUIRES: not empty).
  SetValue(uint64_t seed, Intset members);
  ~SetValue() override;
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;

  ValueType type() const override { return ValueType::kSet; }
  std::string_view EncodingName() const override;
  // A copy in the same encoding.
  std::unique_ptr<Object> Clone() const override;
  size_t MemoryUsage() const override;

  bool is_intset() const { return table_ == nullptr; }
  size_t size() const { return table_ ? table_->size() : intset_.Size(); }
  bool empty() const { return size() == 0; }

  // Adds `member`; false when it was there already. An intset turns into a
  // hash table when `member` is not an integer or when the count passes
  // `max_intset_entries` (capped at kSetIntsetEntriesCap).
  bool Add(std::string_view member, int64_t max_intset_entries);
  // Removes `member`; false when it was not there.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;

  // Turns an intset into a hash table sized for its members (no-op otherwise).
  void ConvertToHashtable();

  // A member chosen uniformly at random. REQUIRES: !empty().
  std::string_view RandomMember(std::mt19937_64& rng, char* buf) const;

  // Calls fn(member) for every member: in ascending order for an intset, in
  // table order otherwise. fn must not change the set.
  void ForEach(const std::function<void(std::string_view)>& fn) const;
  // Like ForEach, but stops once fn returns false (the order may differ
  // from ForEach's for a hash table).
  void ForEachWhile(const std::function<bool(std::string_view)>& fn) const;

  // One step of SSCAN over a hash table (REQUIRES: !is_intset()): calls
  // fn(member) for the members of one cursor slot and returns the next
  // cursor, 0 when the walk is complete. Cursor guarantees as PackedTable's.
  uint64_t ScanStep(uint64_t cursor, const std::function<void(std::string_view)>& fn) const;

  // --- random sampling with Redis's strategies (set.cc explains them) ---

  // SRANDMEMBER with a count: `count` distinct members when count < size(),
  // else every member. REQUIRES: count > 0.
  void RandomDistinct(size_t count, std::mt19937_64& rng,
                      const std::function<void(std::string_view)>& fn) const;

  // SPOP with a count smaller than size(): removes `count` random members,
  // calling fn(member) for each before it goes. Members left behind are
  // re-added into a fresh set under `max_intset_entries` when that is the
  // cheaper way, so the encoding may change (to an intset too), as in Redis.
  // REQUIRES: 0 < count < size().
  void PopRandom(size_t count, int64_t max_intset_entries, std::mt19937_64& rng,
                 const std::function<void(std::string_view)>& fn);

  // The intset, for RDB and DEBUG (REQUIRES: is_intset()).
  const Intset& intset() const { return intset_; }

 private:
  static size_t IntsetCap(int64_t max_intset_entries);
  // Exchanges contents (members, encoding) with `other`; seeds stay.
  void SwapContents(SetValue& other);
  bool AddToTable(std::string_view member);

  Intset intset_;                       // the members while is_intset()
  std::unique_ptr<PackedTable> table_;  // the members once converted
  uint64_t seed_;
  size_t heap_member_bytes_ = 0;        // members too long to sit in a bucket
};

}  // namespace osprey::types
