// The ordered half of a large sorted set: an order-statistic B+ tree of
// (score, member) elements, sorted by score and then by member bytes. It
// gives O(log n) insert, erase, rank and seek-by-rank, and seeks to the first
// element past any monotone bound (score and lex ranges), from which
// iteration runs in both directions through linked leaves.
//
// Why a B+ tree and not Redis's skiplist: memory. A skiplist node is its own
// allocation with an sds member and 1-32 forward pointers (Redis spends
// some 60 bytes per element on node and member alone); here a leaf packs
// about 20 elements back to back, score then length-prefixed member, so an
// element costs its bytes plus ~10 bytes of leaf and index overhead.
//
// Invariants (checked by CheckInvariants in tests):
//  - Leaves hold their elements in strictly increasing (score, member)
//    order, and the leaf chain (first -> next -> ... -> last) is that order.
//  - No leaf is empty, except that an empty tree has no leaves at all.
//  - A leaf splits once its bytes pass kLeafMaxBytes (unless it holds one
//    element); neighbours merge when both fit in kLeafMaxBytes.
//  - Inner node separators: keys[i] (i >= 1) is a lower bound of child i's
//    elements and a strict upper bound of child i-1's (the shortest such
//    key, so usually a score alone). keys[0] is unused.
//  - sizes[i] of an inner node is the element count of child i's subtree.
//
// Positions (Pos) are views: any change to the tree invalidates them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "types/packed_entry.h"

namespace osprey::types {

// Orders (score, member) pairs as sorted sets do: by score, then by member
// bytes compared as unsigned chars (a proper prefix first). -0 equals 0.
inline bool ZKeyLess(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1 < m2);
}

class ZSetTree {
 public:
  // Bytes of elements past which a leaf splits: a full leaf and its 40-byte
  // header make one 1 KB allocation (a jemalloc size class). Bigger leaves
  // spread the header and index over more elements; smaller ones make
  // inserts move fewer bytes. At 1 KB a leaf holds 25-40 typical elements.
  static constexpr size_t kLeafMaxBytes = 984;
  // Below this a leaf tries to merge with a neighbour.
  static constexpr size_t kLeafMinBytes = kLeafMaxBytes / 4;
  // Children per inner node.
  static constexpr uint32_t kFanout = 31;
  static constexpr uint32_t kInnerMin = kFanout / 4;

  struct Leaf;
  struct Inner;

  // An element, or the end (leaf == nullptr).
  struct Pos {
    Leaf* leaf = nullptr;
    size_t offset = 0;   // byte offset of the element in its leaf
    uint32_t index = 0;  // index of the element in its leaf
    bool valid() const { return leaf != nullptr; }
  };

  ZSetTree() = default;
  ~ZSetTree();
  ZSetTree(const ZSetTree&) = delete;
  ZSetTree& operator=(const ZSetTree&) = delete;
  ZSetTree(ZSetTree&& other) noexcept;
  ZSetTree& operator=(ZSetTree&& other) noexcept;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // A copy with the same elements (leaves are copied as they are).
  ZSetTree Clone() const;

  // --- elements at positions ---
  static double ScoreAt(const Pos& p);
  static std::string_view MemberAt(const Pos& p);
  Pos First() const;
  Pos Last() const;
  static void Next(Pos* p);
  // From the end, steps to the last element. Stepping back within a leaf
  // rescans it from its start: walk many steps back with LeafOffsets.
  void Prev(Pos* p) const;
  // The byte offset of every element of p's leaf, in order.
  static void LeafOffsets(const Pos& p, std::vector<size_t>* out);
  // The element of rank `rank` (0 is the lowest). REQUIRES: rank < size().
  Pos AtRank(size_t rank) const;
  // The first element for which before(score, member) is false, and its
  // rank (size() at the end). `before` must hold for a prefix of the order.
  Pos LowerBound(const std::function<bool(double, std::string_view)>& before,
                 size_t* rank) const;
  // The rank of (score, member), or false when it is not an element.
  bool Rank(double score, std::string_view member, size_t* rank) const;

  // --- changes ---
  // Adds (score, member). REQUIRES: not an element.
  void Insert(double score, std::string_view member);
  // Removes (score, member); false when it is not an element.
  bool Erase(double score, std::string_view member);
  // Gives (old_score, member) the score new_score, in place when its rank
  // does not change. REQUIRES: an element; member does not view the tree.
  void UpdateScore(double old_score, std::string_view member, double new_score);
  // Removes `count` elements from rank `first` on, showing each to
  // `on_erase` just before it goes. REQUIRES: first + count <= size().
  void EraseRange(size_t first, size_t count,
                  const std::function<void(double, std::string_view)>& on_erase);
  // Appends (score, member) as the new greatest element, for building a
  // tree from sorted input; call FinishAppends() before any other use.
  // REQUIRES: greater than every element; no other change since the
  // appends began (a fresh or Clear()ed tree).
  void Append(double score, std::string_view member);
  void FinishAppends();
  void Clear();

  // Bytes allocated by leaves, inner nodes and their keys.
  size_t MemoryUsage() const { return bytes_; }
  // Walks the whole tree checking the invariants above; for tests.
  bool CheckInvariants(std::string* why) const;

 private:
  struct Path;
  // The member of an inner node's key: null for "", else a malloc'd block
  // of the length (size_t) and the bytes.
  using KeyMember = char*;

  Leaf* NewLeaf(size_t capacity);
  void FreeLeaf(Leaf* leaf);
  Inner* NewInner(uint32_t level);
  void FreeInner(Inner* in);
  KeyMember NewKey(std::string_view member);
  void FreeKey(KeyMember k);
  // Reallocates `leaf` to hold `bytes` of elements, relinking neighbours and
  // the slot that points to it. Returns the leaf at its new place.
  Leaf* ResizeLeaf(Leaf* leaf, size_t bytes, void** slot);
  void** SlotOf(const Path& path);

  // Descends to the leaf for which `go_right(key)` picks children, filling
  // `path`; returns the leaf and the count of elements left of it.
  template <typename GoRight>
  Leaf* Descend(GoRight go_right, Path* path, size_t* left) const;
  Leaf* DescendRank(size_t rank, Path* path, size_t* index) const;
  Leaf* FindElement(double score, std::string_view member, Path* path, uint32_t* index,
                    size_t* offset) const;
  // Removes the element at `offset` of `leaf`, found through `path`.
  void EraseAt(Path* path, Leaf* leaf, size_t offset);

  // Splits an over-full leaf (and its halves while they are over-full);
  // `inserted` is the index of the element just added, or kNoHint.
  static constexpr uint32_t kNoHint = UINT32_MAX;
  void SplitOversized(Path* path, Leaf* leaf, uint32_t inserted);
  void SplitLeaf(Path* path, Leaf* leaf, uint32_t inserted, Leaf** left_out, Leaf** right_out);
  // Inserts `child` after the path's child at `depth`, with its bound
  // (taking ownership of `member`), splitting full nodes on the way up.
  void InsertChild(Path* path, int depth, void* child, double score, KeyMember member,
                   size_t child_size);
  void AdjustSizes(const Path& path, int64_t delta);
  void RebalanceLeaf(Path* path, Leaf* leaf);
  void RemoveChild(Path* path, int depth, uint32_t index);
  void RebalanceInner(Path* path, int depth);
  void BuildIndex();
  void FreeSubtree(void* node, uint32_t level);

  void* root_ = nullptr;  // a Leaf when height_ == 0
  uint32_t height_ = 0;   // levels of inner nodes
  size_t size_ = 0;
  Leaf* first_ = nullptr;
  Leaf* last_ = nullptr;
  size_t bytes_ = 0;
  bool appending_ = false;
};

}  // namespace osprey::types
