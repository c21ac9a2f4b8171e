// The layout of ZSetTree's nodes, shared by zset_tree.cc (search and
// change) and zset_tree_build.cc (bulk building and checking). Not for use
// outside the tree.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "types/packed_entry.h"
#include "types/zset_tree.h"

namespace osprey::types {

// A leaf: elements packed back to back, each
//   score (8 bytes, the double's bytes) | member length (varint) | member
// Leaves are chained in order for iteration in both directions.
struct ZSetTree::Leaf {
  static constexpr size_t kHeaderSize = 40;
  Leaf* prev;
  Leaf* next;
  size_t used;      // bytes of elements
  size_t capacity;  // bytes the allocation has room for
  uint32_t count;   // elements
  uint8_t data[];
};
static_assert(sizeof(ZSetTree::Leaf) == ZSetTree::Leaf::kHeaderSize);
static_assert(ZSetTree::kLeafMaxBytes + ZSetTree::Leaf::kHeaderSize == 1024);

// An inner node: children with the element count of each subtree, and the
// lower bound of each child but the first (see the header). A bound is the
// shortest key that separates two neighbours (SeparatorMember), so its
// member is usually empty: only a tie on score needs member bytes. Slots
// [0, count) may own a key member (slot 0's is kept but never compared);
// slots from count on are null. 31 slots make a 1000-byte node, which fits
// a 1 KB allocation.
struct ZSetTree::Inner {
  uint32_t count;
  uint32_t level;  // 1: the children are leaves
  size_t sizes[kFanout];
  void* children[kFanout];
  double key_scores[kFanout];
  KeyMember key_members[kFanout];  // null for the empty member (NewKey)
};
static_assert(sizeof(ZSetTree::Inner) <= 1024);

// The inner nodes from the root down to a leaf, with the child index taken
// at each. Heights stay far below this: even with every inner node at its
// smallest (two children) it would take 2^48 elements.
struct ZSetTree::Path {
  static constexpr int kMaxDepth = 48;
  Inner* node[kMaxDepth];
  uint32_t index[kMaxDepth];
  int depth = 0;
};

namespace zset_tree_internal {

using entry_internal::GetVarint;
using entry_internal::PutVarint;
using entry_internal::VarintSize;

inline double LoadScore(const uint8_t* p) {
  double d;
  std::memcpy(&d, p, sizeof(d));
  return d;
}

// The member of the element at p; *size gets the element's total bytes.
inline std::string_view LoadMember(const uint8_t* p, size_t* size) {
  size_t n;
  const uint64_t len = GetVarint(p + 8, &n);
  *size = 8 + n + len;
  return std::string_view(reinterpret_cast<const char*>(p + 8 + n), len);
}

inline size_t ElementSize(const uint8_t* p) {
  size_t size;
  LoadMember(p, &size);
  return size;
}

inline size_t EncodedSize(std::string_view member) {
  return 8 + VarintSize(member.size()) + member.size();
}

inline void StoreElement(uint8_t* p, double score, std::string_view member) {
  std::memcpy(p, &score, sizeof(score));
  const size_t n = PutVarint(p + 8, member.size());
  if (!member.empty()) std::memcpy(p + 8 + n, member.data(), member.size());
}

// The member bytes of a separator key (see NewKey).
inline std::string_view KeyView(const char* k) {
  if (k == nullptr) return {};
  size_t n;
  std::memcpy(&n, k, sizeof(n));
  return std::string_view(k + sizeof(n), n);
}

// The member of the shortest key k with (ls, lm) < k <= (rs, rm), whose
// score is rs. REQUIRES: (ls, lm) < (rs, rm). When the scores differ the
// score alone separates; on a tie, a prefix of rm one byte longer than what
// it shares with lm does.
inline std::string_view SeparatorMember(double ls, std::string_view lm, double rs,
                                        std::string_view rm) {
  if (ls < rs) return {};
  size_t n = 0;
  while (n < lm.size() && n < rm.size() && lm[n] == rm[n]) ++n;
  return rm.substr(0, std::min(n + 1, rm.size()));
}

// The byte offset of element `index` of a leaf's data.
inline size_t OffsetOf(const uint8_t* data, uint32_t index) {
  size_t off = 0;
  for (uint32_t i = 0; i < index; ++i) off += ElementSize(data + off);
  return off;
}

}  // namespace zset_tree_internal

}  // namespace osprey::types
