#include "types/zset_tree.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#include "base/check.h"

namespace osprey::types {

using entry_internal::GetVarint;
using entry_internal::PutVarint;
using entry_internal::VarintSize;

// A leaf: elements packed back to back, each
//   score (8 bytes, the double's bytes) | member length (varint) | member
// Leaves are chained in order for iteration in both directions.
struct ZSetTree::Leaf {
  Leaf* prev;
  Leaf* next;
  size_t used;      // bytes of elements
  size_t capacity;  // bytes the allocation has room for
  uint32_t count;   // elements
  uint8_t data[];
};

// An inner node: children with the element count of each subtree, and the
// lower bound of each child but the first (see the header).
struct ZSetTree::Inner {
  uint32_t count = 0;
  uint32_t level = 1;  // 1: the children are leaves
  size_t sizes[kFanout];
  void* children[kFanout];
  double key_scores[kFanout];
  std::string key_members[kFanout];
};

// The inner nodes from the root down to a leaf, with the child index taken
// at each. Heights stay far below this: even with every inner node at its
// smallest (two children) it would take 2^48 elements.
struct ZSetTree::Path {
  static constexpr int kMaxDepth = 48;
  Inner* node[kMaxDepth];
  uint32_t index[kMaxDepth];
  int depth = 0;
};

namespace {

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

}  // namespace

// ------------------------------------------------------------ allocation

ZSetTree::Leaf* ZSetTree::NewLeaf(size_t capacity) {
  void* mem = std::malloc(sizeof(Leaf) + capacity);
  OSPREY_CHECK(mem != nullptr);
  const size_t usable = malloc_usable_size(mem);
  bytes_ += usable;
  Leaf* leaf = static_cast<Leaf*>(mem);
  leaf->prev = leaf->next = nullptr;
  leaf->used = 0;
  leaf->capacity = usable - sizeof(Leaf);
  leaf->count = 0;
  return leaf;
}

void ZSetTree::FreeLeaf(Leaf* leaf) {
  bytes_ -= malloc_usable_size(leaf);
  std::free(leaf);
}

ZSetTree::Inner* ZSetTree::NewInner(uint32_t level) {
  Inner* in = new Inner;
  in->level = level;
  return in;
}

void ZSetTree::FreeInner(Inner* in) { delete in; }

ZSetTree::Leaf* ZSetTree::ResizeLeaf(Leaf* leaf, size_t bytes, void** slot) {
  const size_t old_usable = malloc_usable_size(leaf);
  void* mem = std::realloc(leaf, sizeof(Leaf) + bytes);
  OSPREY_CHECK(mem != nullptr);
  const size_t usable = malloc_usable_size(mem);
  bytes_ = bytes_ - old_usable + usable;
  Leaf* moved = static_cast<Leaf*>(mem);
  moved->capacity = usable - sizeof(Leaf);
  if (moved != leaf) {
    if (slot != nullptr) *slot = moved;
    if (moved->prev != nullptr) moved->prev->next = moved; else first_ = moved;
    if (moved->next != nullptr) moved->next->prev = moved; else last_ = moved;
  }
  return moved;
}

void** ZSetTree::SlotOf(const Path& path) {
  if (path.depth == 0) return &root_;
  const int d = path.depth - 1;
  return &path.node[d]->children[path.index[d]];
}

// ------------------------------------------------------------ lifetime

ZSetTree::~ZSetTree() { Clear(); }

ZSetTree::ZSetTree(ZSetTree&& other) noexcept { *this = std::move(other); }

ZSetTree& ZSetTree::operator=(ZSetTree&& other) noexcept {
  if (this == &other) return *this;
  Clear();
  root_ = std::exchange(other.root_, nullptr);
  height_ = std::exchange(other.height_, 0);
  size_ = std::exchange(other.size_, 0);
  first_ = std::exchange(other.first_, nullptr);
  last_ = std::exchange(other.last_, nullptr);
  bytes_ = std::exchange(other.bytes_, 0);
  appending_ = std::exchange(other.appending_, false);
  return *this;
}

void ZSetTree::FreeSubtree(void* node, uint32_t level) {
  if (level == 0) return;  // leaves are freed through the chain
  Inner* in = static_cast<Inner*>(node);
  for (uint32_t i = 0; i < in->count; ++i) FreeSubtree(in->children[i], level - 1);
  FreeInner(in);
}

void ZSetTree::Clear() {
  if (!appending_ && root_ != nullptr) FreeSubtree(root_, height_);
  for (Leaf* leaf = first_; leaf != nullptr;) {
    Leaf* next = leaf->next;
    FreeLeaf(leaf);
    leaf = next;
  }
  root_ = nullptr;
  height_ = 0;
  size_ = 0;
  first_ = last_ = nullptr;
  bytes_ = 0;
  appending_ = false;
}

ZSetTree ZSetTree::Clone() const {
  ZSetTree copy;
  copy.appending_ = true;
  for (const Leaf* leaf = first_; leaf != nullptr; leaf = leaf->next) {
    Leaf* c = copy.NewLeaf(leaf->used);
    std::memcpy(c->data, leaf->data, leaf->used);
    c->used = leaf->used;
    c->count = leaf->count;
    c->prev = copy.last_;
    if (copy.last_ != nullptr) copy.last_->next = c; else copy.first_ = c;
    copy.last_ = c;
  }
  copy.size_ = size_;
  copy.BuildIndex();
  return copy;
}

// ------------------------------------------------------------ reading

double ZSetTree::ScoreAt(const Pos& p) { return LoadScore(p.leaf->data + p.offset); }

std::string_view ZSetTree::MemberAt(const Pos& p) {
  size_t size;
  return LoadMember(p.leaf->data + p.offset, &size);
}

namespace {

size_t OffsetOf(const uint8_t* data, uint32_t index) {
  size_t off = 0;
  for (uint32_t i = 0; i < index; ++i) off += ElementSize(data + off);
  return off;
}

}  // namespace

ZSetTree::Pos ZSetTree::First() const {
  if (first_ == nullptr) return Pos();
  return Pos{first_, 0, 0};
}

ZSetTree::Pos ZSetTree::Last() const {
  if (last_ == nullptr) return Pos();
  return Pos{last_, OffsetOf(last_->data, last_->count - 1), last_->count - 1};
}

void ZSetTree::Next(Pos* p) {
  p->offset += ElementSize(p->leaf->data + p->offset);
  if (++p->index == p->leaf->count) *p = Pos{p->leaf->next, 0, 0};
}

void ZSetTree::Prev(Pos* p) const {
  if (p->leaf == nullptr) {
    *p = Last();
  } else if (p->index == 0) {
    Leaf* prev = p->leaf->prev;
    *p = prev == nullptr ? Pos() : Pos{prev, OffsetOf(prev->data, prev->count - 1), prev->count - 1};
  } else {
    // Elements have no back-lengths: walk from the start of the leaf,
    // which holds a few dozen at most.
    --p->index;
    p->offset = OffsetOf(p->leaf->data, p->index);
  }
}

template <typename GoRight>
ZSetTree::Leaf* ZSetTree::Descend(GoRight go_right, Path* path, size_t* left) const {
  void* node = root_;
  size_t skipped = 0;
  path->depth = 0;
  for (uint32_t h = height_; h > 0; --h) {
    Inner* in = static_cast<Inner*>(node);
    // go_right holds for a prefix of keys[1..count): find where it stops.
    uint32_t lo = 1, hi = in->count;
    while (lo < hi) {
      const uint32_t mid = (lo + hi) / 2;
      if (go_right(in->key_scores[mid], std::string_view(in->key_members[mid]))) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    const uint32_t i = lo - 1;
    for (uint32_t j = 0; j < i; ++j) skipped += in->sizes[j];
    OSPREY_CHECK(path->depth < Path::kMaxDepth);
    path->node[path->depth] = in;
    path->index[path->depth] = i;
    ++path->depth;
    node = in->children[i];
  }
  *left = skipped;
  return static_cast<Leaf*>(node);
}

ZSetTree::Leaf* ZSetTree::DescendRank(size_t rank, Path* path, size_t* index) const {
  void* node = root_;
  path->depth = 0;
  for (uint32_t h = height_; h > 0; --h) {
    Inner* in = static_cast<Inner*>(node);
    uint32_t i = 0;
    while (i + 1 < in->count && rank >= in->sizes[i]) rank -= in->sizes[i++];
    OSPREY_CHECK(path->depth < Path::kMaxDepth);
    path->node[path->depth] = in;
    path->index[path->depth] = i;
    ++path->depth;
    node = in->children[i];
  }
  *index = rank;
  return static_cast<Leaf*>(node);
}

ZSetTree::Pos ZSetTree::AtRank(size_t rank) const {
  OSPREY_CHECK(rank < size_);
  Path path;
  size_t index;
  Leaf* leaf = DescendRank(rank, &path, &index);
  return Pos{leaf, OffsetOf(leaf->data, static_cast<uint32_t>(index)),
             static_cast<uint32_t>(index)};
}

ZSetTree::Pos ZSetTree::LowerBound(const std::function<bool(double, std::string_view)>& before,
                                   size_t* rank) const {
  if (root_ == nullptr) {
    *rank = 0;
    return Pos();
  }
  Path path;
  size_t left;
  Leaf* leaf = Descend(before, &path, &left);
  size_t off = 0;
  uint32_t i = 0;
  for (; i < leaf->count; ++i) {
    size_t size;
    const uint8_t* p = leaf->data + off;
    if (!before(LoadScore(p), LoadMember(p, &size))) break;
    off += size;
  }
  *rank = left + i;
  // Past this leaf's elements: the bound is the next leaf's first element
  // (every element of this subtree is before it, see the header).
  if (i == leaf->count) return Pos{leaf->next, 0, 0};
  return Pos{leaf, off, i};
}

bool ZSetTree::Rank(double score, std::string_view member, size_t* rank) const {
  if (root_ == nullptr) return false;
  Path path;
  size_t left;
  Leaf* leaf = Descend(
      [&](double s, std::string_view m) { return !ZKeyLess(score, member, s, m); }, &path, &left);
  size_t off = 0;
  for (uint32_t i = 0; i < leaf->count; ++i) {
    size_t size;
    const uint8_t* p = leaf->data + off;
    const double s = LoadScore(p);
    const std::string_view m = LoadMember(p, &size);
    if (s == score && m == member) {
      *rank = left + i;
      return true;
    }
    if (ZKeyLess(score, member, s, m)) return false;
    off += size;
  }
  return false;
}

// ------------------------------------------------------------ inserting

void ZSetTree::AdjustSizes(const Path& path, int64_t delta) {
  for (int d = 0; d < path.depth; ++d) {
    path.node[d]->sizes[path.index[d]] += static_cast<size_t>(delta);
  }
}

void ZSetTree::Insert(double score, std::string_view member) {
  OSPREY_CHECK(!appending_);
  const size_t esize = EncodedSize(member);
  if (root_ == nullptr) {
    Leaf* leaf = NewLeaf(esize);
    StoreElement(leaf->data, score, member);
    leaf->used = esize;
    leaf->count = 1;
    root_ = first_ = last_ = leaf;
    height_ = 0;
    size_ = 1;
    return;
  }
  Path path;
  size_t left;
  Leaf* leaf = Descend(
      [&](double s, std::string_view m) { return !ZKeyLess(score, member, s, m); }, &path, &left);
  size_t off = 0;
  uint32_t i = 0;
  for (; i < leaf->count; ++i) {
    size_t size;
    const uint8_t* p = leaf->data + off;
    if (ZKeyLess(score, member, LoadScore(p), LoadMember(p, &size))) break;
    off += size;
  }
  if (leaf->used + esize > leaf->capacity) leaf = ResizeLeaf(leaf, leaf->used + esize, SlotOf(path));
  std::memmove(leaf->data + off + esize, leaf->data + off, leaf->used - off);
  StoreElement(leaf->data + off, score, member);
  leaf->used += esize;
  ++leaf->count;
  AdjustSizes(path, 1);
  ++size_;
  if (leaf->used > kLeafMaxBytes && leaf->count > 1) SplitOversized(&path, leaf, i);
}

void ZSetTree::SplitOversized(Path* path, Leaf* leaf, uint32_t inserted) {
  Leaf* halves[2];
  SplitLeaf(path, leaf, inserted, &halves[0], &halves[1]);
  // A big element can leave a half still over the limit: split that half
  // too, finding its path again from its first element.
  for (Leaf* half : halves) {
    if (half->used <= kLeafMaxBytes || half->count < 2) continue;
    size_t size;
    const double score = LoadScore(half->data);
    const std::string member(LoadMember(half->data, &size));
    Path again;
    size_t left;
    Leaf* found = Descend(
        [&](double s, std::string_view m) { return !ZKeyLess(score, member, s, m); }, &again,
        &left);
    OSPREY_CHECK(found == half);
    SplitOversized(&again, half, kNoHint);
  }
}

void ZSetTree::SplitLeaf(Path* path, Leaf* leaf, uint32_t inserted, Leaf** left_out,
                         Leaf** right_out) {
  // Where the right half starts. Runs of ascending (or descending) inserts
  // at the ends of the set leave full leaves behind them; anything else
  // splits in the middle.
  uint32_t split;
  size_t split_off;
  if (leaf->next == nullptr && inserted == leaf->count - 1) {
    split = inserted;
    split_off = OffsetOf(leaf->data, split);
  } else if (leaf->prev == nullptr && inserted == 0) {
    split = 1;
    split_off = ElementSize(leaf->data);
  } else {
    split = 0;
    split_off = 0;
    while (split_off < leaf->used / 2) {
      split_off += ElementSize(leaf->data + split_off);
      ++split;
    }
    if (split == leaf->count) {  // one big last element: keep it apart
      --split;
      split_off = OffsetOf(leaf->data, split);
    }
  }
  const size_t right_bytes = leaf->used - split_off;
  Leaf* right = NewLeaf(right_bytes);
  std::memcpy(right->data, leaf->data + split_off, right_bytes);
  right->used = right_bytes;
  right->count = leaf->count - split;
  leaf->used = split_off;
  leaf->count = split;
  if (leaf->capacity > split_off + split_off / 2) leaf = ResizeLeaf(leaf, split_off, SlotOf(*path));
  right->prev = leaf;
  right->next = leaf->next;
  if (leaf->next != nullptr) leaf->next->prev = right; else last_ = right;
  leaf->next = right;
  *left_out = leaf;
  *right_out = right;

  size_t size;
  const double sep_score = LoadScore(right->data);
  const std::string_view sep_member = LoadMember(right->data, &size);
  if (path->depth == 0) {
    Inner* root = NewInner(1);
    root->count = 2;
    root->children[0] = leaf;
    root->children[1] = right;
    root->sizes[0] = leaf->count;
    root->sizes[1] = right->count;
    root->key_scores[1] = sep_score;
    root->key_members[1].assign(sep_member);
    root_ = root;
    height_ = 1;
    return;
  }
  const int d = path->depth - 1;
  path->node[d]->sizes[path->index[d]] = leaf->count;
  InsertChild(path, d, right, sep_score, sep_member, right->count);
}

namespace {

// Opens a gap at `at` in the first `count` slots of an inner node's arrays
// and stores the child there.
template <typename Inner>
void PlaceChild(Inner* in, uint32_t at, void* child, double score, std::string_view member,
                size_t size) {
  for (uint32_t j = in->count; j > at; --j) {
    in->children[j] = in->children[j - 1];
    in->sizes[j] = in->sizes[j - 1];
    in->key_scores[j] = in->key_scores[j - 1];
    in->key_members[j].swap(in->key_members[j - 1]);
  }
  in->children[at] = child;
  in->sizes[at] = size;
  in->key_scores[at] = score;
  in->key_members[at].assign(member);
  ++in->count;
}

template <typename Inner>
size_t SubtreeSize(const Inner* in) {
  size_t n = 0;
  for (uint32_t i = 0; i < in->count; ++i) n += in->sizes[i];
  return n;
}

}  // namespace

void ZSetTree::InsertChild(Path* path, int depth, void* child, double score,
                           std::string_view member, size_t child_size) {
  Inner* in = path->node[depth];
  uint32_t at = path->index[depth] + 1;
  if (in->count < kFanout) {
    PlaceChild(in, at, child, score, member, child_size);
    return;
  }
  // Full: move the upper half to a new node, whose first key goes up.
  Inner* right = NewInner(in->level);
  constexpr uint32_t kMid = kFanout / 2;
  for (uint32_t j = kMid; j < kFanout; ++j) {
    right->children[j - kMid] = in->children[j];
    right->sizes[j - kMid] = in->sizes[j];
    right->key_scores[j - kMid] = in->key_scores[j];
    right->key_members[j - kMid].swap(in->key_members[j]);
  }
  right->count = kFanout - kMid;
  in->count = kMid;
  const double up_score = right->key_scores[0];
  std::string up_member;
  up_member.swap(right->key_members[0]);
  if (at <= kMid) {
    PlaceChild(in, at, child, score, member, child_size);
  } else {
    PlaceChild(right, at - kMid, child, score, member, child_size);
  }
  const size_t right_size = SubtreeSize(right);
  if (depth == 0) {
    Inner* root = NewInner(in->level + 1);
    root->count = 2;
    root->children[0] = in;
    root->children[1] = right;
    root->sizes[0] = SubtreeSize(in);
    root->sizes[1] = right_size;
    root->key_scores[1] = up_score;
    root->key_members[1].swap(up_member);
    root_ = root;
    ++height_;
    return;
  }
  path->node[depth - 1]->sizes[path->index[depth - 1]] -= right_size;
  InsertChild(path, depth - 1, right, up_score, up_member, right_size);
}

// ------------------------------------------------------------ erasing

bool ZSetTree::Erase(double score, std::string_view member) {
  OSPREY_CHECK(!appending_);
  if (root_ == nullptr) return false;
  Path path;
  size_t left;
  Leaf* leaf = Descend(
      [&](double s, std::string_view m) { return !ZKeyLess(score, member, s, m); }, &path, &left);
  size_t off = 0;
  for (uint32_t i = 0; i < leaf->count; ++i) {
    size_t size;
    const uint8_t* p = leaf->data + off;
    const double s = LoadScore(p);
    const std::string_view m = LoadMember(p, &size);
    if (s == score && m == member) {
      std::memmove(leaf->data + off, leaf->data + off + size, leaf->used - off - size);
      leaf->used -= size;
      --leaf->count;
      AdjustSizes(path, -1);
      --size_;
      RebalanceLeaf(&path, leaf);
      return true;
    }
    if (ZKeyLess(score, member, s, m)) return false;
    off += size;
  }
  return false;
}

void ZSetTree::EraseRange(size_t first, size_t count,
                          const std::function<void(double, std::string_view)>& on_erase) {
  OSPREY_CHECK(!appending_ && first <= size_ && count <= size_ - first);
  while (count > 0) {
    Path path;
    size_t index;
    Leaf* leaf = DescendRank(first, &path, &index);
    const auto i = static_cast<uint32_t>(index);
    const uint32_t k = static_cast<uint32_t>(std::min<size_t>(count, leaf->count - i));
    const size_t start = OffsetOf(leaf->data, i);
    size_t end = start;
    for (uint32_t j = 0; j < k; ++j) {
      size_t size;
      const uint8_t* p = leaf->data + end;
      on_erase(LoadScore(p), LoadMember(p, &size));
      end += size;
    }
    std::memmove(leaf->data + start, leaf->data + end, leaf->used - end);
    leaf->used -= end - start;
    leaf->count -= k;
    AdjustSizes(path, -static_cast<int64_t>(k));
    size_ -= k;
    count -= k;
    RebalanceLeaf(&path, leaf);
  }
}

void ZSetTree::RebalanceLeaf(Path* path, Leaf* leaf) {
  auto shrink = [&](Leaf* l, void** slot) {
    if (l->capacity > l->used + l->used / 2 + 64) ResizeLeaf(l, l->used, slot);
  };
  if (path->depth == 0) {
    if (leaf->count == 0) {
      FreeLeaf(leaf);
      root_ = first_ = last_ = nullptr;
    } else {
      shrink(leaf, &root_);
    }
    return;
  }
  const int d = path->depth - 1;
  Inner* parent = path->node[d];
  const uint32_t i = path->index[d];
  if (leaf->count == 0) {
    if (leaf->prev != nullptr) leaf->prev->next = leaf->next; else first_ = leaf->next;
    if (leaf->next != nullptr) leaf->next->prev = leaf->prev; else last_ = leaf->prev;
    FreeLeaf(leaf);
    RemoveChild(path, d, i);
    return;
  }
  if (leaf->used < kLeafMinBytes) {
    // Merge with a neighbour under the same parent when both fit in one.
    uint32_t j = kFanout;  // index of the left leaf of the pair
    if (i > 0 && static_cast<Leaf*>(parent->children[i - 1])->used + leaf->used <= kLeafMaxBytes) {
      j = i - 1;
    } else if (i + 1 < parent->count &&
               static_cast<Leaf*>(parent->children[i + 1])->used + leaf->used <= kLeafMaxBytes) {
      j = i;
    }
    if (j != kFanout) {
      Leaf* l = static_cast<Leaf*>(parent->children[j]);
      Leaf* r = static_cast<Leaf*>(parent->children[j + 1]);
      if (l->used + r->used > l->capacity) {
        l = ResizeLeaf(l, l->used + r->used, &parent->children[j]);
      }
      std::memcpy(l->data + l->used, r->data, r->used);
      l->used += r->used;
      l->count += r->count;
      l->next = r->next;
      if (r->next != nullptr) r->next->prev = l; else last_ = l;
      parent->sizes[j] += parent->sizes[j + 1];
      FreeLeaf(r);
      RemoveChild(path, d, j + 1);
      return;
    }
  }
  shrink(leaf, &parent->children[i]);
}

void ZSetTree::RemoveChild(Path* path, int depth, uint32_t index) {
  Inner* in = path->node[depth];
  for (uint32_t j = index; j + 1 < in->count; ++j) {
    in->children[j] = in->children[j + 1];
    in->sizes[j] = in->sizes[j + 1];
    in->key_scores[j] = in->key_scores[j + 1];
    in->key_members[j].swap(in->key_members[j + 1]);
  }
  --in->count;
  in->key_members[in->count].clear();
  in->key_members[in->count].shrink_to_fit();
  RebalanceInner(path, depth);
}

void ZSetTree::RebalanceInner(Path* path, int depth) {
  Inner* in = path->node[depth];
  if (depth == 0) {
    // The root: a root with one child gives way to that child.
    if (in->count == 1) {
      root_ = in->children[0];
      --height_;
      FreeInner(in);
    } else if (in->count == 0) {
      root_ = nullptr;
      height_ = 0;
      FreeInner(in);
    }
    return;
  }
  Inner* parent = path->node[depth - 1];
  const uint32_t i = path->index[depth - 1];
  if (in->count == 0) {
    FreeInner(in);
    RemoveChild(path, depth - 1, i);
    return;
  }
  if (in->count >= kInnerMin) return;
  uint32_t j = kFanout;  // index of the left node of the pair to merge
  if (i > 0 && static_cast<Inner*>(parent->children[i - 1])->count + in->count <= kFanout) {
    j = i - 1;
  } else if (i + 1 < parent->count &&
             static_cast<Inner*>(parent->children[i + 1])->count + in->count <= kFanout) {
    j = i;
  }
  if (j == kFanout) return;
  Inner* l = static_cast<Inner*>(parent->children[j]);
  Inner* r = static_cast<Inner*>(parent->children[j + 1]);
  for (uint32_t k = 0; k < r->count; ++k) {
    l->children[l->count + k] = r->children[k];
    l->sizes[l->count + k] = r->sizes[k];
    if (k == 0) {
      // r's first child was bounded by the parent's key for r.
      l->key_scores[l->count] = parent->key_scores[j + 1];
      l->key_members[l->count].swap(parent->key_members[j + 1]);
    } else {
      l->key_scores[l->count + k] = r->key_scores[k];
      l->key_members[l->count + k].swap(r->key_members[k]);
    }
  }
  l->count += r->count;
  parent->sizes[j] += parent->sizes[j + 1];
  FreeInner(r);
  RemoveChild(path, depth - 1, j + 1);
}

// ------------------------------------------------------------ bulk building

void ZSetTree::Append(double score, std::string_view member) {
  if (!appending_) {
    OSPREY_CHECK(size_ == 0);
    appending_ = true;
  }
  const size_t esize = EncodedSize(member);
  Leaf* leaf = last_;
  if (leaf == nullptr || (leaf->used + esize > kLeafMaxBytes && leaf->count > 0)) {
    if (leaf != nullptr && leaf->capacity > leaf->used) leaf = ResizeLeaf(leaf, leaf->used, nullptr);
    Leaf* fresh = NewLeaf(std::max(kLeafMaxBytes, esize));
    fresh->prev = leaf;
    if (leaf != nullptr) leaf->next = fresh; else first_ = fresh;
    last_ = leaf = fresh;
  }
  if (leaf->used + esize > leaf->capacity) leaf = ResizeLeaf(leaf, leaf->used + esize, nullptr);
  StoreElement(leaf->data + leaf->used, score, member);
  leaf->used += esize;
  ++leaf->count;
  ++size_;
}

void ZSetTree::FinishAppends() {
  if (!appending_) return;
  if (last_ != nullptr && last_->capacity > last_->used) ResizeLeaf(last_, last_->used, nullptr);
  BuildIndex();
}

// Builds the inner levels over the leaf chain (after Clone or appends).
void ZSetTree::BuildIndex() {
  appending_ = false;
  root_ = nullptr;
  height_ = 0;
  struct Node {
    void* node;
    size_t size;
    double score;          // the subtree's first element
    std::string_view member;
  };
  std::vector<Node> level;
  for (Leaf* leaf = first_; leaf != nullptr; leaf = leaf->next) {
    size_t size;
    level.push_back({leaf, leaf->count, LoadScore(leaf->data), LoadMember(leaf->data, &size)});
  }
  if (level.empty()) return;
  uint32_t height = 0;
  while (level.size() > 1) {
    ++height;
    const size_t groups = (level.size() + kFanout - 1) / kFanout;
    std::vector<Node> up;
    up.reserve(groups);
    size_t next = 0;
    for (size_t g = 0; g < groups; ++g) {
      // Spread the children evenly over the nodes of this level.
      const size_t take = (level.size() - next) / (groups - g);
      Inner* in = NewInner(height);
      size_t total = 0;
      for (size_t k = 0; k < take; ++k) {
        const Node& c = level[next + k];
        in->children[k] = c.node;
        in->sizes[k] = c.size;
        in->key_scores[k] = c.score;
        if (k > 0) in->key_members[k].assign(c.member);
        total += c.size;
      }
      in->count = static_cast<uint32_t>(take);
      up.push_back({in, total, level[next].score, level[next].member});
      next += take;
    }
    level.swap(up);
  }
  root_ = level[0].node;
  height_ = height;
}

// ------------------------------------------------------------ checking

namespace {

struct CheckState {
  std::string* why;
  bool ok = true;
  void Fail(const std::string& msg) {
    if (ok && why != nullptr) *why = msg;
    ok = false;
  }
};

}  // namespace

bool ZSetTree::CheckInvariants(std::string* why) const {
  CheckState st{why};
  // The leaf chain: ordered, non-empty leaves, counts adding up.
  size_t total = 0;
  bool have_prev = false;
  double prev_score = 0;
  std::string prev_member;
  const Leaf* before = nullptr;
  for (const Leaf* leaf = first_; leaf != nullptr; leaf = leaf->next) {
    if (leaf->prev != before) st.Fail("broken prev link");
    if (leaf->count == 0) st.Fail("empty leaf");
    if (leaf->used > leaf->capacity) st.Fail("leaf over capacity");
    if (leaf->used > kLeafMaxBytes && leaf->count > 1) st.Fail("leaf should have split");
    size_t off = 0;
    for (uint32_t i = 0; i < leaf->count; ++i) {
      size_t size;
      const double s = LoadScore(leaf->data + off);
      const std::string_view m = LoadMember(leaf->data + off, &size);
      if (have_prev && !ZKeyLess(prev_score, prev_member, s, m)) st.Fail("elements out of order");
      have_prev = true;
      prev_score = s;
      prev_member.assign(m);
      off += size;
    }
    if (off != leaf->used) st.Fail("leaf byte count wrong");
    total += leaf->count;
    before = leaf;
  }
  if (before != last_) st.Fail("last leaf wrong");
  if (total != size_) st.Fail("size wrong");
  if (root_ == nullptr) {
    if (size_ != 0 || first_ != nullptr) st.Fail("empty root with elements");
    return st.ok;
  }
  // The inner levels: sizes, separators, leaves in chain order.
  const Leaf* expect = first_;
  std::function<size_t(const void*, uint32_t, const double*, const std::string*,
                       const double*, const std::string*)>
      walk = [&](const void* node, uint32_t level, const double* lo_s, const std::string* lo_m,
                 const double* hi_s, const std::string* hi_m) -> size_t {
    if (level == 0) {
      const Leaf* leaf = static_cast<const Leaf*>(node);
      if (leaf != expect) st.Fail("leaf order differs from chain");
      expect = leaf->next;
      size_t off = 0;
      for (uint32_t i = 0; i < leaf->count; ++i) {
        size_t size;
        const double s = LoadScore(leaf->data + off);
        const std::string_view m = LoadMember(leaf->data + off, &size);
        if (lo_s != nullptr && ZKeyLess(s, m, *lo_s, *lo_m)) st.Fail("element below its bound");
        if (hi_s != nullptr && !ZKeyLess(s, m, *hi_s, *hi_m)) st.Fail("element above its bound");
        off += size;
      }
      return leaf->count;
    }
    const Inner* in = static_cast<const Inner*>(node);
    if (in->level != level) st.Fail("inner level wrong");
    if (in->count == 0) st.Fail("empty inner node");
    size_t sum = 0;
    for (uint32_t i = 0; i < in->count; ++i) {
      const double* cl_s = i == 0 ? lo_s : &in->key_scores[i];
      const std::string* cl_m = i == 0 ? lo_m : &in->key_members[i];
      const double* ch_s = i + 1 < in->count ? &in->key_scores[i + 1] : hi_s;
      const std::string* ch_m = i + 1 < in->count ? &in->key_members[i + 1] : hi_m;
      const size_t n = walk(in->children[i], level - 1, cl_s, cl_m, ch_s, ch_m);
      if (n != in->sizes[i]) st.Fail("subtree size wrong");
      sum += n;
    }
    return sum;
  };
  if (walk(root_, height_, nullptr, nullptr, nullptr, nullptr) != size_) st.Fail("tree size");
  if (expect != nullptr) st.Fail("leaves missing from the tree");
  return st.ok;
}

}  // namespace osprey::types
