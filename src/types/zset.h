// The sorted-set value: unique members (byte strings), each with a double
// score, kept in (score, member) order. ZSetValue knows nothing of clients or
// replies; commands drive it through the operations below.
//
// Invariants:
//  1. Order. Elements are ordered by score, equal scores by member bytes
//     compared as unsigned chars (a proper prefix first). -0 and 0 compare
//     equal. Members are unique; no score is NaN.
//  2. Two encodings, as OBJECT ENCODING reports them:
//     - "listpack": one Redis listpack holding member, score, member,
//       score... in order. A score is stored as Redis stores it (an integer
//       when it is integral within +-2^62, so -0 becomes 0; otherwise its
//       %.17g text), so the buffer is byte for byte what Redis would write
//       to an RDB file.
//     - "skiplist" (Redis's name; the structure is ours): a ZSetTree, an
//       order-statistic B+ tree of (score, member), for order and rank, plus
//       a PackedTable from member to score (8 bytes inline) for O(1) lookup.
//       Both always hold exactly the same elements.
//  3. Encoding changes are Redis's: an addition that would take a listpack
//     past max_listpack_entries elements, or bring a member longer than
//     max_listpack_value bytes, or grow it past 1 GB, converts it to a
//     skiplist first. Removals never convert back. A new result (ZADD on a
//     missing key, ZRANGESTORE, ZUNIONSTORE...) gets the encoding Redis picks
//     for it: CreateForAdd and FromItems.
//  4. The value may be empty only between a removal and the caller deleting
//     the key: commands never leave an empty sorted set in the keyspace.
//
// Iterators are views: any change to the value invalidates them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "types/listpack.h"
#include "types/object.h"
#include "types/packed_table.h"
#include "types/zset_tree.h"

namespace osprey::types {

// The encoding thresholds (zset-max-listpack-entries / -value).
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// A score interval as ZRANGEBYSCORE's min and max give it.
struct ZScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool AboveMin(double s) const { return min_exclusive ? s > min : s >= min; }
  bool BelowMax(double s) const { return max_exclusive ? s < max : s <= max; }
  // True when no score can be inside.
  bool IsEmpty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }
};

// Parses ZRANGEBYSCORE bounds: a float, "(" before it for an open end,
// "inf"/"-inf" (see base::ParseDoubleLenient). False when either is bad.
bool ParseZScoreRange(std::string_view min, std::string_view max, ZScoreRange* out);

// One end of a ZRANGEBYLEX interval: "[m" (m included), "(m" (excluded),
// "-" (before every member) or "+" (after every member). `value` views the
// argument it was parsed from.
struct ZLexBound {
  enum class Kind : uint8_t { kMinusInf, kValue, kPlusInf };
  Kind kind = Kind::kValue;
  bool exclusive = false;
  std::string_view value;

  // <0, 0 or >0 as `member` sorts before, at or after the bound.
  int Compare(std::string_view member) const;
};

// A member interval. Lex ranges are meant for sets whose members all have
// the same score, so that score order is member order; as in Redis, what
// they select in a set of mixed scores is unspecified.
struct ZLexRange {
  ZLexBound min;
  ZLexBound max;

  bool AboveMin(std::string_view m) const {
    const int c = min.Compare(m);
    return min.exclusive ? c > 0 : c >= 0;
  }
  bool BelowMax(std::string_view m) const {
    const int c = max.Compare(m);
    return max.exclusive ? c < 0 : c <= 0;
  }
  // True when no member can be inside.
  bool IsEmpty() const;
};

// Parses ZRANGEBYLEX bounds; false when either is not one of the forms above.
bool ParseZLexRange(std::string_view min, std::string_view max, ZLexRange* out);

// ZADD's options.
enum ZAddFlag : uint32_t {
  kZAddNone = 0,
  kZAddNx = 1u << 0,    // only add new members
  kZAddXx = 1u << 1,    // only update existing members
  kZAddGt = 1u << 2,    // update only to a greater score
  kZAddLt = 1u << 3,    // update only to a lower score
  kZAddIncr = 1u << 4,  // add the score to the current one (0 when new)
};

enum class ZAddResult : uint8_t {
  kAdded,      // a new member
  kUpdated,    // an existing member got a different score
  kUnchanged,  // an existing member kept its score (same score, or +0)
  kSkipped,    // NX, XX, GT or LT ruled the change out
  kNan,        // the score (or the incremented one) is NaN; nothing changed
};

enum class ZSetEnd : uint8_t { kMin, kMax };

class ZSetValue final : public Object {
 public:
  class Iterator;
  enum class Encoding : uint8_t { kListpack, kSkiplist };

  // A (member, score) pair outside the set, for building results.
  struct Item {
    std::string member;
    double score = 0;
  };

  explicit ZSetValue(Encoding encoding = Encoding::kListpack);
  ~ZSetValue() override;
  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;

  // The empty value ZADD creates for a missing key whose first member is
  // `first_member_len` bytes: a skiplist when the limits allow no listpack
  // (0 entries, or a longer member), else a listpack.
  static std::unique_ptr<ZSetValue> CreateForAdd(size_t first_member_len, const ZSetLimits& limits);
  // A value holding `items` (unique members, any order) with the encoding
  // Redis gives a new result: listpack when there are at most
  // max_listpack_entries items, none longer than max_listpack_value bytes.
  static std::unique_ptr<ZSetValue> FromItems(std::vector<Item> items, const ZSetLimits& limits);
  // Puts items into set order.
  static void SortItems(std::vector<Item>* items);
  // A listpack-encoded value holding `lp` as it is (RDB, RESTORE).
  // REQUIRES: lp passed Listpack::Validate and holds member, score pairs
  // with unique members, in set order, no score NaN, at least one pair.
  static std::unique_ptr<ZSetValue> FromListpack(Listpack lp);
  // The listpack's bytes, as RDB stores them. REQUIRES: encoding() == kListpack.
  std::string_view ListpackBytes() const { return lp_.bytes(); }

  ValueType type() const override { return ValueType::kZSet; }
  std::string_view EncodingName() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t MemoryUsage() const override;

  Encoding encoding() const { return full_ ? Encoding::kSkiplist : Encoding::kListpack; }
  // Converts a listpack to the skiplist encoding (nothing when it is one
  // already), as Redis's SORT does to the sorted sets it sorts.
  void ToSkiplist() {
    if (!full_) ConvertToSkiplist();
  }
  size_t size() const;
  bool empty() const { return size() == 0; }

  // --- members ---
  // The score of `member`; false when it is not in the set.
  bool Score(std::string_view member, double* score) const;
  // ZADD/ZINCRBY for one member (flags: ZAddFlag). *new_score gets the
  // member's score after an add, update or unchanged result.
  // REQUIRES: `member` does not view this value's own bytes.
  ZAddResult Add(std::string_view member, double score, uint32_t flags, const ZSetLimits& limits,
                 double* new_score = nullptr);
  // Removes `member`; false when it was not in the set.
  bool Remove(std::string_view member);
  // The 0-based rank of `member` from the lowest (or, with reverse, the
  // highest) element; false when it is not in the set.
  bool Rank(std::string_view member, bool reverse, size_t* rank) const;

  // --- positions (iterators start at an element, or are at the end) ---
  Iterator First() const;
  Iterator Last() const;
  // The element of forward rank `rank`; the end when rank >= size().
  Iterator AtRank(size_t rank) const;
  // The lowest / highest element inside the range, or the end.
  Iterator FirstInRange(const ZScoreRange& range) const;
  Iterator LastInRange(const ZScoreRange& range) const;
  Iterator FirstInLexRange(const ZLexRange& range) const;
  Iterator LastInLexRange(const ZLexRange& range) const;
  size_t CountInRange(const ZScoreRange& range) const;
  size_t CountInLexRange(const ZLexRange& range) const;

  // --- removing many ---
  // Removes the elements of ranks start..end. REQUIRES: start <= end < size().
  size_t RemoveRangeByRank(size_t start, size_t end);
  size_t RemoveRangeByScore(const ZScoreRange& range);
  size_t RemoveRangeByLex(const ZLexRange& range);
  // Removes the lowest or highest element, handing it to the caller.
  // REQUIRES: !empty().
  void Pop(ZSetEnd end, std::string* member, double* score);

  // One step of a cursor walk over a skiplist's members (ZSCAN), with the
  // guarantees of PackedTable::Scan; returns the next cursor (0: done).
  // REQUIRES: encoding() == kSkiplist (a listpack is returned whole).
  uint64_t Scan(uint64_t cursor, const std::function<void(std::string_view, double)>& fn) const;

  // Checks invariants 1-2; for tests.
  bool CheckInvariants(std::string* why) const;

 private:
  struct Full;

  void ConvertToSkiplist();
  Listpack::Entry ListpackFind(std::string_view member, double* score) const;
  void ListpackInsert(std::string_view member, double score);
  void FullInsert(std::string_view member, double score);
  void FullEraseIndex(std::string_view member);
  Iterator MakeListpackIterator(Listpack::Entry member, size_t rank) const;
  Iterator MakeTreeIterator(const ZSetTree::Pos& pos, size_t rank) const;

  // Exactly one holds the elements: full_ when set (skiplist), else lp_
  // (which is moved-from, holding nothing, while full_ is set). Small sorted
  // sets are common, so the value stays at three words.
  Listpack lp_;
  std::unique_ptr<Full> full_;
};

// The skiplist encoding: order and rank in the tree, member -> score (the
// double's 8 bytes, inline) in the index. `heap_members` counts the bytes of
// members too long to sit inline in the index, for MemoryUsage.
struct ZSetValue::Full {
  explicit Full(uint64_t seed) : index(seed) {}
  ZSetTree tree;
  PackedTable index;
  size_t heap_members = 0;
};

// Walks elements in either direction. member() views the value (or the
// iterator's own buffer for a listpack integer): valid until the iterator
// moves or the value changes.
class ZSetValue::Iterator {
 public:
  bool Valid() const { return listpack_ ? lp_ != nullptr : pos_.valid(); }
  // The forward rank of the element (meaningful while Valid()).
  size_t rank() const { return rank_; }
  std::string_view member() const;
  double score() const;
  void Next();
  // From the end, Prev() goes to nothing: iterators start at elements.
  void Prev();

 private:
  friend class ZSetValue;
  const ZSetValue* z_ = nullptr;
  bool listpack_ = true;
  Listpack::Entry lp_ = nullptr;  // the member element of a listpack pair
  ZSetTree::Pos pos_;
  size_t rank_ = 0;
  // Walking a tree leaf backwards: its element offsets, found on the first
  // step back inside it (elements are found from the leaf's start).
  const ZSetTree::Leaf* back_leaf_ = nullptr;
  std::vector<size_t> back_offsets_;
  mutable char buf_[kListpackIntBufSize];
};

// The score stored in a sorted-set listpack element (an integer, or text
// that strtod reads, as Redis reads it).
double ListpackScore(const ListpackValue& v);

}  // namespace osprey::types
