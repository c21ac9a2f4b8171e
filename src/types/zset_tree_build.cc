// ZSetTree: building a tree from sorted input (appends, clones) and the
// invariant checks tests run.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "base/check.h"
#include "types/zset_tree.h"
#include "types/zset_tree_layout.h"

namespace osprey::types {

using namespace zset_tree_internal;

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
  // A subtree with the bound that separates it from the one before it
  // (the first subtree has none): the bound of its first leaf.
  struct Node {
    void* node;
    size_t size;
    double score;
    KeyMember member;
  };
  std::vector<Node> level;
  for (Leaf* leaf = first_; leaf != nullptr; leaf = leaf->next) {
    size_t size;
    const double score = LoadScore(leaf->data);
    KeyMember member = nullptr;
    if (leaf->prev != nullptr) {
      const uint8_t* last = leaf->prev->data + OffsetOf(leaf->prev->data, leaf->prev->count - 1);
      member = NewKey(SeparatorMember(LoadScore(last), LoadMember(last, &size), score,
                                      LoadMember(leaf->data, &size)));
    }
    level.push_back({leaf, leaf->count, score, member});
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
      // Spread the children evenly over the nodes of this level. A node's
      // first child hands its bound up to the node.
      const size_t take = (level.size() - next) / (groups - g);
      Inner* in = NewInner(height);
      size_t total = 0;
      for (size_t k = 0; k < take; ++k) {
        const Node& c = level[next + k];
        in->children[k] = c.node;
        in->sizes[k] = c.size;
        in->key_scores[k] = c.score;
        in->key_members[k] = k > 0 ? c.member : nullptr;
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
  std::function<size_t(const void*, uint32_t, const double*, std::string_view, const double*,
                       std::string_view)>
      walk = [&](const void* node, uint32_t level, const double* lo_s, std::string_view lo_m,
                 const double* hi_s, std::string_view hi_m) -> size_t {
    if (level == 0) {
      const Leaf* leaf = static_cast<const Leaf*>(node);
      if (leaf != expect) st.Fail("leaf order differs from chain");
      expect = leaf->next;
      size_t off = 0;
      for (uint32_t i = 0; i < leaf->count; ++i) {
        size_t size;
        const double s = LoadScore(leaf->data + off);
        const std::string_view m = LoadMember(leaf->data + off, &size);
        if (lo_s != nullptr && ZKeyLess(s, m, *lo_s, lo_m)) st.Fail("element below its bound");
        if (hi_s != nullptr && !ZKeyLess(s, m, *hi_s, hi_m)) st.Fail("element above its bound");
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
      const std::string_view cl_m = i == 0 ? lo_m : KeyView(in->key_members[i]);
      const double* ch_s = i + 1 < in->count ? &in->key_scores[i + 1] : hi_s;
      const std::string_view ch_m = i + 1 < in->count ? KeyView(in->key_members[i + 1]) : hi_m;
      const size_t n = walk(in->children[i], level - 1, cl_s, cl_m, ch_s, ch_m);
      if (n != in->sizes[i]) st.Fail("subtree size wrong");
      sum += n;
    }
    return sum;
  };
  if (walk(root_, height_, nullptr, {}, nullptr, {}) != size_) st.Fail("tree size");
  if (expect != nullptr) st.Fail("leaves missing from the tree");
  return st.ok;
}

}  // namespace osprey::types
