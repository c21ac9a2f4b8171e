#include "types/zset_tree.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <new>
#include <utility>
#include <vector>

#include "base/check.h"
#include "types/zset_tree_layout.h"

namespace osprey::types {

using namespace zset_tree_internal;

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
  void* mem = std::malloc(sizeof(Inner));
  OSPREY_CHECK(mem != nullptr);
  bytes_ += malloc_usable_size(mem);
  Inner* in = static_cast<Inner*>(mem);
  in->count = 0;
  in->level = level;
  std::fill(std::begin(in->key_members), std::end(in->key_members), nullptr);
  return in;
}

void ZSetTree::FreeInner(Inner* in) {
  for (uint32_t i = 0; i < in->count; ++i) FreeKey(in->key_members[i]);
  bytes_ -= malloc_usable_size(in);
  std::free(in);
}

ZSetTree::KeyMember ZSetTree::NewKey(std::string_view member) {
  if (member.empty()) return nullptr;
  const size_t n = member.size();
  char* k = static_cast<char*>(std::malloc(sizeof(n) + n));
  OSPREY_CHECK(k != nullptr);
  bytes_ += malloc_usable_size(k);
  std::memcpy(k, &n, sizeof(n));
  std::memcpy(k + sizeof(n), member.data(), n);
  return k;
}

void ZSetTree::FreeKey(KeyMember k) {
  if (k == nullptr) return;
  bytes_ -= malloc_usable_size(k);
  std::free(k);
}

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

// ------------------------------------------------------------ reading

double ZSetTree::ScoreAt(const Pos& p) { return LoadScore(p.leaf->data + p.offset); }

std::string_view ZSetTree::MemberAt(const Pos& p) {
  size_t size;
  return LoadMember(p.leaf->data + p.offset, &size);
}

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

void ZSetTree::LeafOffsets(const Pos& p, std::vector<size_t>* out) {
  out->clear();
  size_t off = 0;
  for (uint32_t i = 0; i < p.leaf->count; ++i) {
    out->push_back(off);
    off += ElementSize(p.leaf->data + off);
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
      if (go_right(in->key_scores[mid], KeyView(in->key_members[mid]))) {
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
  // Give back what the left half no longer needs (the allocator keeps the
  // block in place when the size class stays the same).
  if (leaf->capacity > split_off) leaf = ResizeLeaf(leaf, split_off, SlotOf(*path));
  right->prev = leaf;
  right->next = leaf->next;
  if (leaf->next != nullptr) leaf->next->prev = right; else last_ = right;
  leaf->next = right;
  *left_out = leaf;
  *right_out = right;

  size_t size;
  const uint8_t* last = leaf->data + OffsetOf(leaf->data, leaf->count - 1);
  const double sep_score = LoadScore(right->data);
  const KeyMember sep_member =
      NewKey(SeparatorMember(LoadScore(last), LoadMember(last, &size), sep_score,
                             LoadMember(right->data, &size)));
  if (path->depth == 0) {
    Inner* root = NewInner(1);
    root->count = 2;
    root->children[0] = leaf;
    root->children[1] = right;
    root->sizes[0] = leaf->count;
    root->sizes[1] = right->count;
    root->key_scores[1] = sep_score;
    root->key_members[1] = sep_member;
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
// and stores the child there, with its bound (taking the key member).
template <typename Inner, typename KeyMember>
void PlaceChild(Inner* in, uint32_t at, void* child, double score, KeyMember member,
                size_t size) {
  for (uint32_t j = in->count; j > at; --j) {
    in->children[j] = in->children[j - 1];
    in->sizes[j] = in->sizes[j - 1];
    in->key_scores[j] = in->key_scores[j - 1];
    in->key_members[j] = in->key_members[j - 1];
  }
  in->children[at] = child;
  in->sizes[at] = size;
  in->key_scores[at] = score;
  in->key_members[at] = member;
  ++in->count;
}

template <typename Inner>
size_t SubtreeSize(const Inner* in) {
  size_t n = 0;
  for (uint32_t i = 0; i < in->count; ++i) n += in->sizes[i];
  return n;
}

}  // namespace

void ZSetTree::InsertChild(Path* path, int depth, void* child, double score, KeyMember member,
                           size_t child_size) {
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
    right->key_members[j - kMid] = std::exchange(in->key_members[j], nullptr);
  }
  right->count = kFanout - kMid;
  in->count = kMid;
  const double up_score = right->key_scores[0];
  const KeyMember up_member = std::exchange(right->key_members[0], nullptr);
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
    root->key_members[1] = up_member;
    root_ = root;
    ++height_;
    return;
  }
  path->node[depth - 1]->sizes[path->index[depth - 1]] -= right_size;
  InsertChild(path, depth - 1, right, up_score, up_member, right_size);
}

// ------------------------------------------------------------ erasing

// Finds (score, member) in its leaf: the leaf (with `path` to it), and the
// element's index and offset. Null when it is not an element.
ZSetTree::Leaf* ZSetTree::FindElement(double score, std::string_view member, Path* path,
                                      uint32_t* index, size_t* offset) const {
  if (root_ == nullptr) return nullptr;
  size_t left;
  Leaf* leaf = Descend(
      [&](double s, std::string_view m) { return !ZKeyLess(score, member, s, m); }, path, &left);
  size_t off = 0;
  for (uint32_t i = 0; i < leaf->count; ++i) {
    size_t size;
    const uint8_t* p = leaf->data + off;
    const double s = LoadScore(p);
    const std::string_view m = LoadMember(p, &size);
    if (s == score && m == member) {
      *index = i;
      *offset = off;
      return leaf;
    }
    if (ZKeyLess(score, member, s, m)) return nullptr;
    off += size;
  }
  return nullptr;
}

void ZSetTree::EraseAt(Path* path, Leaf* leaf, size_t offset) {
  const size_t size = ElementSize(leaf->data + offset);
  std::memmove(leaf->data + offset, leaf->data + offset + size, leaf->used - offset - size);
  leaf->used -= size;
  --leaf->count;
  AdjustSizes(*path, -1);
  --size_;
  RebalanceLeaf(path, leaf);
}

bool ZSetTree::Erase(double score, std::string_view member) {
  OSPREY_CHECK(!appending_);
  Path path;
  uint32_t index;
  size_t offset;
  Leaf* leaf = FindElement(score, member, &path, &index, &offset);
  if (leaf == nullptr) return false;
  EraseAt(&path, leaf, offset);
  return true;
}

void ZSetTree::UpdateScore(double old_score, std::string_view member, double new_score) {
  OSPREY_CHECK(!appending_);
  Path path;
  uint32_t index;
  size_t offset;
  Leaf* leaf = FindElement(old_score, member, &path, &index, &offset);
  OSPREY_CHECK(leaf != nullptr);
  // The new score keeps the element's place when it stays between its
  // neighbours in the leaf. At a leaf's edge it may only move inwards:
  // separators bound the leaf from outside.
  const bool up = ZKeyLess(old_score, member, new_score, member);
  bool in_place;
  if (up) {
    in_place = index + 1 < leaf->count;
    if (in_place) {
      size_t size;
      const uint8_t* next = leaf->data + offset + ElementSize(leaf->data + offset);
      in_place = ZKeyLess(new_score, member, LoadScore(next), LoadMember(next, &size));
    }
  } else {
    in_place = index > 0;
    if (in_place) {
      size_t size;
      const uint8_t* prev = leaf->data + OffsetOf(leaf->data, index - 1);
      in_place = ZKeyLess(LoadScore(prev), LoadMember(prev, &size), new_score, member);
    }
  }
  if (in_place) {
    std::memcpy(leaf->data + offset, &new_score, sizeof(new_score));
    return;
  }
  EraseAt(&path, leaf, offset);
  Insert(new_score, member);
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
  FreeKey(in->key_members[index]);
  for (uint32_t j = index; j + 1 < in->count; ++j) {
    in->children[j] = in->children[j + 1];
    in->sizes[j] = in->sizes[j + 1];
    in->key_scores[j] = in->key_scores[j + 1];
    in->key_members[j] = in->key_members[j + 1];
  }
  --in->count;
  in->key_members[in->count] = nullptr;
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
      l->key_members[l->count] = std::exchange(parent->key_members[j + 1], nullptr);
      FreeKey(std::exchange(r->key_members[0], nullptr));
    } else {
      l->key_scores[l->count + k] = r->key_scores[k];
      l->key_members[l->count + k] = std::exchange(r->key_members[k], nullptr);
    }
  }
  l->count += r->count;
  parent->sizes[j] += parent->sizes[j + 1];
  FreeInner(r);
  RemoveChild(path, depth - 1, j + 1);
}

}  // namespace osprey::types
