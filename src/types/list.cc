#include "types/list.h"

#include <lzf.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include "base/check.h"

// How Redis 7.0 shapes a quicklist, which this file follows decision for
// decision (the code is ours):
//
// Node size. An element may join a listpack node when the node's bytes plus
// the element's length plus 8 (a generous estimate of the entry overhead)
// stay within the limit: with a negative fill -1..-5 that limit is 4, 8, 16,
// 32 or 64 KB; with a positive fill the node also needs fewer than `fill`
// elements and the estimate must stay within 8 KB, so an element too big for
// that gets a node of its own. Two neighbours merge (after a split) under the
// same limits, judging their joint size as the sum less 11 bytes.
//
// Plain nodes. An element of at least the packed threshold (1 GB unless
// DEBUG QUICKLIST-PACKED-THRESHOLD says otherwise) is stored as it is in a
// node of its own; plain nodes never take other elements nor merge.
//
// Compression. With depth d > 0 the d nodes at each end stay raw and the
// ones between are LZF-compressed. Like Redis, nodes are not all checked
// after each change: a change compresses the node it touched (unless it is
// within d of an end) and the two nodes just past the raw ends, and raw
// nodes at the ends are decompressed when deletions bring them in. A node
// under 48 bytes, or one that LZF cannot shrink by at least 8 bytes, stays
// raw. A node decompressed to be changed is marked so that it is
// compressed again right after ("recompress").
//
// Reading (LRANGE, LINDEX, LPOS) decompresses nodes into a scratch buffer
// and leaves the list as it is, which ends in the state Redis ends in after
// decompressing and recompressing the same nodes.

namespace osprey::types {

namespace {

constexpr size_t kSafetyLimit = 8192;
constexpr size_t kEstimateOverhead = 8;
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;
constexpr size_t kSizeLimits[] = {4096, 8192, 16384, 32768, 65536};
constexpr int kFillMax = 32767;
constexpr int kFillMin = -5;
constexpr int kCompressMax = 65535;
constexpr size_t kNpos = static_cast<size_t>(-1);
// Bytes of a compressed node's length prefix.
constexpr size_t kLzfHeader = 4;
// Nodes up to this size compress through a buffer on the stack.
constexpr size_t kStackCompressMax = 64 * 1024;

bool SizeMeetsLimit(size_t sz, int fill) {
  if (fill >= 0) return false;
  const size_t level = static_cast<size_t>(-fill) - 1;
  return level < std::size(kSizeLimits) && sz <= kSizeLimits[level];
}

uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void StoreU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

void StoreCount(uint8_t* lp, size_t count) {
  const auto c = static_cast<uint16_t>(std::min<size_t>(count, kListpackCountUnknown));
  std::memcpy(lp + 4, &c, 2);
}

uint8_t* CopyBytes(const uint8_t* src, size_t n) {
  auto* p = static_cast<uint8_t*>(std::malloc(n == 0 ? 1 : n));
  OSPREY_CHECK(p != nullptr);
  if (n > 0) std::memcpy(p, src, n);
  return p;
}

// The listpack API over a buffer owned by a node: adopted for the length of
// a scope and handed back (possibly moved by a realloc) at its end.
class BorrowedListpack {
 public:
  explicit BorrowedListpack(uint8_t*& slot) : slot_(slot), lp_(Listpack::Adopt(slot)) {}
  ~BorrowedListpack() { slot_ = lp_.Release(); }
  BorrowedListpack(const BorrowedListpack&) = delete;
  BorrowedListpack& operator=(const BorrowedListpack&) = delete;
  Listpack* operator->() { return &lp_; }
  Listpack& operator*() { return lp_; }

 private:
  uint8_t*& slot_;
  Listpack lp_;
};

// Read-only listpack calls over bytes that may not be a malloc'd block (a
// scratch buffer): the const methods never reallocate or free, and the
// buffer is released before the temporary goes away.
class ListpackReader {
 public:
  explicit ListpackReader(const uint8_t* buf)
      : lp_(Listpack::Adopt(const_cast<uint8_t*>(buf))) {}
  ~ListpackReader() { lp_.Release(); }
  ListpackReader(const ListpackReader&) = delete;
  ListpackReader& operator=(const ListpackReader&) = delete;
  const Listpack* operator->() const { return &lp_; }

 private:
  Listpack lp_;
};

bool ElementEquals(const ListElement& e, std::string_view v) {
  return e.is_int ? e.Equals(v) : e.s == v;
}

}  // namespace

// One node. 16 bytes: lists are counted in nodes of a few hundred elements,
// but small lists are one node each.
struct ListValue::Node {
  enum Flags : uint8_t {
    kPlain = 1,         // one element, bytes as they are
    kCompressed = 2,    // data is [u32 LZF length][LZF bytes]
    kRecompress = 4,    // decompressed to be used: compress right after
    kDontCompress = 8,  // an LSET in progress keeps it raw
  };

  uint8_t* data;
  uint32_t sz_lo;
  uint16_t count;
  uint8_t flags;
  uint8_t sz_hi;

  size_t sz() const { return sz_lo | (static_cast<size_t>(sz_hi) << 32); }
  void set_sz(size_t sz) {
    OSPREY_CHECK((sz >> 40) == 0);
    sz_lo = static_cast<uint32_t>(sz);
    sz_hi = static_cast<uint8_t>(sz >> 32);
  }
  bool plain() const { return (flags & kPlain) != 0; }
  bool compressed() const { return (flags & kCompressed) != 0; }
  // Bytes held at `data`.
  size_t stored_size() const { return compressed() ? kLzfHeader + LoadU32(data) : sz(); }

  static Node Packed(std::string_view v) {
    Listpack lp;
    lp.Append(v);
    Node n{};
    n.set_sz(lp.TotalBytes());
    n.data = lp.Release();
    n.count = 1;
    return n;
  }
  static Node Plain(std::string_view v) {
    Node n{};
    n.data = CopyBytes(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    n.set_sz(v.size());
    n.count = 1;
    n.flags = kPlain;
    return n;
  }
  void SetCount(size_t c) {
    OSPREY_CHECK(c <= UINT16_MAX);
    count = static_cast<uint16_t>(c);
  }
};

inline ListValue::Node& ListValue::node(size_t i) { return ring_[(head_ + i) & (cap_ - 1)]; }
inline const ListValue::Node& ListValue::node(size_t i) const {
  return ring_[(head_ + i) & (cap_ - 1)];
}

// --------------------------------------------------------------- lifetime

ListValue::ListValue(int fill, int compress_depth)
    : fill_(static_cast<int16_t>(std::clamp(fill, kFillMin, kFillMax))),
      compress_(static_cast<uint16_t>(std::clamp(compress_depth, 0, kCompressMax))) {}

ListValue::~ListValue() {
  for (size_t i = 0; i < len_; ++i) std::free(node(i).data);
  std::free(ring_);
}

std::unique_ptr<Object> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>(fill_, compress_);
  copy->packed_threshold_ = packed_threshold_;
  for (size_t i = 0; i < len_; ++i) {
    Node n = node(i);
    n.data = CopyBytes(n.data, n.stored_size());
    copy->RingInsert(copy->len_, n);
  }
  copy->count_ = count_;
  return copy;
}

size_t ListValue::MemoryUsage() const {
  size_t total = sizeof(*this);
  if (ring_ != nullptr) total += malloc_usable_size(ring_);
  for (size_t i = 0; i < len_; ++i) total += malloc_usable_size(node(i).data);
  return total;
}

// --------------------------------------------------------------- the ring

void ListValue::RingInsert(size_t pos, const Node& n) {
  if (len_ == cap_) {
    const uint32_t cap = cap_ == 0 ? 1 : cap_ * 2;
    auto* ring = static_cast<Node*>(std::malloc(sizeof(Node) * cap));
    OSPREY_CHECK(ring != nullptr);
    for (size_t i = 0; i < len_; ++i) ring[i] = node(i);
    std::free(ring_);
    ring_ = ring;
    cap_ = cap;
    head_ = 0;
  }
  // Move whichever side is shorter.
  if (pos < len_ / 2) {
    head_ = (head_ - 1) & (cap_ - 1);
    for (size_t i = 0; i < pos; ++i) node(i) = node(i + 1);
  } else {
    for (size_t i = len_; i > pos; --i) node(i) = node(i - 1);
  }
  ++len_;
  node(pos) = n;
}

void ListValue::RingErase(size_t pos) {
  if (pos < len_ / 2) {
    for (size_t i = pos; i > 0; --i) node(i) = node(i - 1);
    head_ = (head_ + 1) & (cap_ - 1);
  } else {
    for (size_t i = pos; i + 1 < len_; ++i) node(i) = node(i + 1);
  }
  --len_;
  // Give memory back when the ring is mostly empty.
  if (len_ == 0) {
    std::free(ring_);
    ring_ = nullptr;
    cap_ = head_ = 0;
  } else if (cap_ >= 8 && len_ <= cap_ / 4) {
    const uint32_t cap = cap_ / 2;
    auto* ring = static_cast<Node*>(std::malloc(sizeof(Node) * cap));
    OSPREY_CHECK(ring != nullptr);
    for (size_t i = 0; i < len_; ++i) ring[i] = node(i);
    std::free(ring_);
    ring_ = ring;
    cap_ = cap;
    head_ = 0;
  }
}

// --------------------------------------------------------------- limits

bool ListValue::AllowInsert(size_t i, size_t sz) const {
  if (i >= len_) return false;
  const Node& n = node(i);
  if (n.plain() || IsLarge(sz)) return false;
  // Both sizes are under the packed threshold (< 4 GB): no overflow.
  const size_t new_sz = n.sz() + sz + kEstimateOverhead;
  if (SizeMeetsLimit(new_sz, fill_)) return true;
  if (new_sz > kSafetyLimit) return false;
  return static_cast<int>(n.count) < fill_;
}

bool ListValue::AllowMerge(size_t a, size_t b) const {
  if (a >= len_ || b >= len_) return false;
  const Node& x = node(a);
  const Node& y = node(b);
  if (x.plain() || y.plain()) return false;
  // One header and terminator fewer; Redis subtracts 11 and works in 32 bits.
  const auto merge_sz = static_cast<uint32_t>(x.sz() + y.sz() - 11);
  if (SizeMeetsLimit(merge_sz, fill_)) return true;
  if (merge_sz > kSafetyLimit) return false;
  return static_cast<int>(x.count + y.count) <= fill_;
}

void ListValue::Locate(size_t index, size_t* node_index, size_t* offset) const {
  OSPREY_DCHECK(index < count_);
  if (index <= (count_ - 1) / 2) {
    size_t i = 0;
    while (index >= node(i).count) index -= node(i++).count;
    *node_index = i;
    *offset = index;
    return;
  }
  size_t from_tail = count_ - 1 - index;
  size_t i = len_ - 1;
  while (from_tail >= node(i).count) from_tail -= node(i--).count;
  *node_index = i;
  *offset = node(i).count - 1 - from_tail;
}

// --------------------------------------------------------------- compression

bool ListValue::CompressNode(size_t i) {
  Node& n = node(i);
  if (n.flags & Node::kDontCompress) return false;
  n.flags &= ~Node::kRecompress;
  // The ends stay raw whatever asked (pops and pushes read them directly).
  if (i == 0 || i + 1 >= len_) return false;
  const size_t sz = n.sz();
  if (sz < kMinCompressBytes || sz > UINT32_MAX) return false;
  // Kept only if it saves at least kMinCompressImprove bytes: LZF gives up
  // when the output would not fit in that budget.
  const size_t budget = sz - kMinCompressImprove - 1;
  uint8_t stack_buf[kStackCompressMax];
  std::unique_ptr<uint8_t[]> heap_buf;
  uint8_t* out = stack_buf;
  if (budget > sizeof(stack_buf)) {
    heap_buf.reset(new uint8_t[budget]);
    out = heap_buf.get();
  }
  const unsigned clen = lzf_compress(n.data, static_cast<unsigned>(sz), out,
                                     static_cast<unsigned>(budget));
  if (clen == 0) return false;
  auto* blob = static_cast<uint8_t*>(std::malloc(kLzfHeader + clen));
  OSPREY_CHECK(blob != nullptr);
  StoreU32(blob, clen);
  std::memcpy(blob + kLzfHeader, out, clen);
  std::free(n.data);
  n.data = blob;
  n.flags |= Node::kCompressed;
  return true;
}

void ListValue::CompressIfRaw(size_t i) {
  if (i < len_ && !node(i).compressed()) CompressNode(i);
}

void ListValue::DecompressNode(size_t i) {
  Node& n = node(i);
  n.flags &= ~Node::kRecompress;
  const size_t sz = n.sz();
  auto* raw = static_cast<uint8_t*>(std::malloc(sz));
  OSPREY_CHECK(raw != nullptr);
  const unsigned got = lzf_decompress(n.data + kLzfHeader, LoadU32(n.data), raw,
                                      static_cast<unsigned>(sz));
  OSPREY_CHECK(got == sz);
  std::free(n.data);
  n.data = raw;
  n.flags &= ~Node::kCompressed;
}

void ListValue::DecompressIfCompressed(size_t i) {
  if (i < len_ && node(i).compressed()) DecompressNode(i);
}

void ListValue::DecompressForUse(size_t i) {
  if (i < len_ && node(i).compressed()) {
    DecompressNode(i);
    node(i).flags |= Node::kRecompress;
  }
}

// Keeps the `compress_` nodes at each end raw, compresses node i when it is
// outside them, and compresses the first node past each raw end. Nothing
// happens while the list has fewer than 2 * depth nodes.
void ListValue::CompressAround(size_t i) {
  if (len_ == 0 || compress_ == 0 || len_ < size_t{compress_} * 2) return;
  size_t forward = 0;
  size_t reverse = len_ - 1;
  bool in_depth = false;
  for (size_t depth = 0; depth < compress_; ++depth) {
    DecompressIfCompressed(forward);
    DecompressIfCompressed(reverse);
    if (forward == i || reverse == i) in_depth = true;
    // The raw ends met: nothing lies between them.
    if (forward == reverse || forward + 1 == reverse) return;
    ++forward;
    --reverse;
  }
  if (!in_depth && i != kNpos) CompressIfRaw(i);
  CompressIfRaw(forward);
  CompressIfRaw(reverse);
}

void ListValue::CompressNodeOrAround(size_t i) {
  if (i >= len_) return;
  if (node(i).flags & Node::kRecompress) {
    CompressIfRaw(i);
  } else {
    CompressAround(i);
  }
}

void ListValue::RecompressOnly(size_t i) {
  if (i < len_ && (node(i).flags & Node::kRecompress)) CompressIfRaw(i);
}

// --------------------------------------------------------------- node changes

size_t ListValue::InsertNode(size_t old_index, bool after, const Node& n) {
  size_t pos = 0;
  size_t old = kNpos;
  if (old_index != kNpos) {
    pos = after ? old_index + 1 : old_index;
    old = after ? old_index : old_index + 1;
  }
  RingInsert(pos, n);
  count_ += n.count;
  CompressNodeOrAround(old);
  CompressNodeOrAround(pos);
  return pos;
}

void ListValue::DeleteNode(size_t i) {
  uint8_t* data = node(i).data;
  count_ -= node(i).count;
  RingErase(i);
  CompressAround(kNpos);
  std::free(data);
}

void ListValue::DeleteEntryAt(size_t i, size_t offset) {
  Node& n = node(i);
  if (n.plain()) {
    DeleteNode(i);
    return;
  }
  {
    BorrowedListpack lp(n.data);
    lp->DeleteRange(static_cast<int64_t>(offset), 1);
    n.set_sz(lp->TotalBytes());
  }
  --n.count;
  --count_;
  if (n.count == 0) DeleteNode(i);
}

ListValue::NodeInfo ListValue::node_info(size_t i) const {
  const Node& n = node(i);
  return NodeInfo{n.count, n.sz(), n.plain(), n.compressed()};
}

// --------------------------------------------------------------- the ends

void ListValue::Push(ListEnd end, std::string_view value) {
  const bool at_head = end == ListEnd::kHead;
  const size_t sz = value.size();
  const size_t edge = len_ == 0 ? kNpos : (at_head ? 0 : len_ - 1);
  if (!IsLarge(sz) && edge != kNpos && AllowInsert(edge, sz)) {
    Node& n = node(edge);
    OSPREY_DCHECK(!n.compressed());
    BorrowedListpack lp(n.data);
    if (at_head) {
      lp->Prepend(value);
    } else {
      lp->Append(value);
    }
    n.set_sz(lp->TotalBytes());
    ++n.count;
    ++count_;
    return;
  }
  InsertNode(edge, !at_head, IsLarge(sz) ? Node::Plain(value) : Node::Packed(value));
}

ListElement ListValue::Peek(ListEnd end) const {
  OSPREY_CHECK(count_ > 0);
  const Node& n = node(end == ListEnd::kHead ? 0 : len_ - 1);
  OSPREY_DCHECK(!n.compressed());
  if (n.plain()) {
    ListElement e;
    e.s = std::string_view(reinterpret_cast<const char*>(n.data), n.sz());
    return e;
  }
  ListpackReader lp(n.data);
  return Listpack::Get(end == ListEnd::kHead ? lp->First() : lp->Last());
}

void ListValue::Pop(ListEnd end) {
  OSPREY_CHECK(count_ > 0);
  const size_t i = end == ListEnd::kHead ? 0 : len_ - 1;
  DeleteEntryAt(i, end == ListEnd::kHead ? 0 : node(i).count - 1);
}

// --------------------------------------------------------------- by index

bool ListValue::Index(int64_t index, ListElement* out, std::string* scratch) const {
  if (index < 0) index += static_cast<int64_t>(count_);
  if (index < 0 || static_cast<uint64_t>(index) >= count_) return false;
  size_t i, offset;
  Locate(static_cast<size_t>(index), &i, &offset);
  const Node& n = node(i);
  const uint8_t* data = n.data;
  if (n.compressed()) {
    scratch->resize(n.sz());
    const unsigned got = lzf_decompress(n.data + kLzfHeader, LoadU32(n.data), scratch->data(),
                                        static_cast<unsigned>(n.sz()));
    OSPREY_CHECK(got == n.sz());
    data = reinterpret_cast<const uint8_t*>(scratch->data());
  }
  if (n.plain()) {
    *out = ListElement{};
    out->s = std::string_view(reinterpret_cast<const char*>(data), n.sz());
    return true;
  }
  ListpackReader lp(data);
  *out = Listpack::Get(lp->Seek(static_cast<int64_t>(offset)));
  return true;
}

bool ListValue::Set(int64_t index, std::string_view value) {
  if (index < 0) index += static_cast<int64_t>(count_);
  if (index < 0 || static_cast<uint64_t>(index) >= count_) return false;
  size_t i, offset;
  Locate(static_cast<size_t>(index), &i, &offset);
  ReplaceAt(i, offset, value);
  return true;
}

// Redis's quicklistReplaceEntry. A big value never goes into a listpack: it
// takes a plain node next to the old element, which is then removed.
void ListValue::ReplaceAt(size_t i, size_t offset, std::string_view value) {
  DecompressForUse(i);
  Node& n = node(i);
  const size_t sz = value.size();
  if (!n.plain() && !IsLarge(sz)) {
    {
      BorrowedListpack lp(n.data);
      lp->Replace(lp->Seek(static_cast<int64_t>(offset)), value);
      n.set_sz(lp->TotalBytes());
    }
    CompressNodeOrAround(i);
  } else if (n.plain()) {
    if (IsLarge(sz)) {
      std::free(n.data);
      n.data = CopyBytes(reinterpret_cast<const uint8_t*>(value.data()), sz);
      n.set_sz(sz);
      CompressNodeOrAround(i);
    } else {
      InsertAt(i, 0, value, /*after=*/true);  // only touches nodes after i
      DeleteNode(i);
    }
  } else {
    n.flags |= Node::kDontCompress;
    InsertAt(i, offset, value, /*after=*/true);  // node i keeps [0, offset]
    if (node(i).count == 1) {
      DeleteNode(i);
    } else {
      DeleteEntryAt(i, node(i).count - 1);
      node(i).flags &= ~Node::kDontCompress;
      CompressNodeOrAround(i);
      CompressNodeOrAround(i + 1);
    }
  }
}

size_t ListValue::DeleteRange(int64_t start, int64_t count) {
  if (count <= 0) return 0;
  const auto total = static_cast<int64_t>(count_);
  int64_t extent = count;
  if (start >= 0 && start < total && extent > total - start) {
    extent = total - start;
  } else if (start < 0 && extent > -start) {
    extent = -start;
  }
  const int64_t index = start >= 0 ? start : total + start;
  if (index < 0 || index >= total) return 0;
  size_t i, offset;
  Locate(static_cast<size_t>(index), &i, &offset);
  const auto removed = static_cast<size_t>(extent);
  auto left = removed;
  while (left > 0) {
    Node& n = node(i);
    const size_t del = std::min<size_t>(n.count - offset, left);
    if ((offset == 0 && del == n.count) || n.plain()) {
      DeleteNode(i);  // the next node is now at i
    } else {
      DecompressForUse(i);
      {
        BorrowedListpack lp(n.data);
        lp->DeleteRange(static_cast<int64_t>(offset), del);
        n.set_sz(lp->TotalBytes());
      }
      n.count = static_cast<uint16_t>(n.count - del);
      count_ -= del;
      RecompressOnly(i);
      ++i;
    }
    left -= del;
    offset = 0;
  }
  return removed;
}

// --------------------------------------------------------------- insertion

// Node i, cut at `offset`: with `after`, node i keeps [0, offset] and the
// returned node holds the rest; otherwise the returned node holds
// [0, offset) and node i keeps the rest. The returned node is not linked
// yet, and its elements are not counted in count_ until InsertNode.
ListValue::Node ListValue::SplitNode(size_t i, size_t offset, bool after) {
  Node& n = node(i);
  Node fresh{};
  fresh.data = CopyBytes(n.data, n.sz());
  const auto off = static_cast<int64_t>(offset);
  {
    BorrowedListpack lp(n.data);
    if (after) {
      lp->DeleteRange(off + 1, SIZE_MAX);
    } else {
      lp->DeleteRange(int64_t{0}, offset);
    }
    n.set_sz(lp->TotalBytes());
    n.SetCount(lp->Size());
  }
  {
    BorrowedListpack lp(fresh.data);
    if (after) {
      lp->DeleteRange(int64_t{0}, offset + 1);
    } else {
      lp->DeleteRange(off, SIZE_MAX);
    }
    fresh.set_sz(lp->TotalBytes());
    fresh.SetCount(lp->Size());
  }
  count_ -= fresh.count;
  return fresh;
}

// Redis's _quicklistInsert: `value` goes next to element `offset` of node i
// (already decompressed for use), into node i when it has room, else into
// the neighbour on that side, else into a new node, splitting node i when
// the element is in its middle.
void ListValue::InsertAt(size_t i, size_t offset, std::string_view value, bool after) {
  const size_t sz = value.size();
  const bool full = !AllowInsert(i, sz);
  const bool at_tail = after && offset + 1 == node(i).count;
  const bool at_head = !after && offset == 0;
  const bool avail_next = at_tail && AllowInsert(i + 1, sz);
  const bool avail_prev = at_head && i > 0 && AllowInsert(i - 1, sz);

  if (IsLarge(sz)) {
    if (node(i).plain() || at_tail || at_head) {
      InsertNode(i, after, Node::Plain(value));
    } else {
      DecompressForUse(i);
      Node rest = SplitNode(i, offset, after);
      const size_t plain = InsertNode(i, after, Node::Plain(value));
      InsertNode(plain, after, rest);
    }
    return;
  }

  if (!full) {
    DecompressForUse(i);
    Node& n = node(i);
    {
      BorrowedListpack lp(n.data);
      lp->Insert(lp->Seek(static_cast<int64_t>(offset)),
                 after ? Listpack::Where::kAfter : Listpack::Where::kBefore, value);
      n.set_sz(lp->TotalBytes());
    }
    ++n.count;
    ++count_;
    RecompressOnly(i);
  } else if (avail_next || avail_prev) {
    const size_t j = avail_next ? i + 1 : i - 1;
    DecompressForUse(j);
    Node& n = node(j);
    {
      BorrowedListpack lp(n.data);
      if (avail_next) {
        lp->Prepend(value);
      } else {
        lp->Append(value);
      }
      n.set_sz(lp->TotalBytes());
    }
    ++n.count;
    ++count_;
    RecompressOnly(j);
    RecompressOnly(i);
  } else if (at_tail || at_head) {
    InsertNode(i, after, Node::Packed(value));
  } else {
    DecompressForUse(i);
    Node rest = SplitNode(i, offset, after);
    {
      BorrowedListpack lp(rest.data);
      if (after) {
        lp->Prepend(value);
      } else {
        lp->Append(value);
      }
      rest.set_sz(lp->TotalBytes());
    }
    ++rest.count;
    InsertNode(i, after, rest);
    MergeAround(after ? i : i + 1);
  }
}

// Redis's _quicklistMergeNodes: tries (prev-prev, prev), (next, next-next),
// (prev, center) and then (center, next), each under the merge limits.
void ListValue::MergeAround(size_t center) {
  size_t c = center;
  if (c >= 2 && AllowMerge(c - 1, c - 2)) {
    MergePair(c - 2);
    --c;
  }
  if (c + 2 < len_ && AllowMerge(c + 1, c + 2)) MergePair(c + 1);
  size_t target = c;
  if (c >= 1 && AllowMerge(c, c - 1)) target = MergePair(c - 1);
  if (AllowMerge(target, target + 1)) MergePair(target);
}

// Joins nodes a and a+1 into one at index a. Like Redis, the bigger
// listpack is kept and the other's elements copied into it.
size_t ListValue::MergePair(size_t a) {
  DecompressIfCompressed(a);
  DecompressIfCompressed(a + 1);
  Node& x = node(a);
  Node& y = node(a + 1);
  const size_t xb = x.sz();
  const size_t yb = y.sz();
  const size_t entries_x = xb - kListpackHeaderSize - 1;
  const size_t entries_y = yb - kListpackHeaderSize - 1;
  const size_t total = kListpackHeaderSize + entries_x + entries_y + 1;
  OSPREY_CHECK(total <= UINT32_MAX);
  const size_t count = size_t{x.count} + y.count;
  const bool keep_first = xb >= yb;
  Node& keep = keep_first ? x : y;
  Node& drop = keep_first ? y : x;
  auto* merged = static_cast<uint8_t*>(std::realloc(keep.data, total));
  OSPREY_CHECK(merged != nullptr);
  if (keep_first) {
    std::memcpy(merged + kListpackHeaderSize + entries_x, y.data + kListpackHeaderSize,
                entries_y + 1);
  } else {
    std::memmove(merged + kListpackHeaderSize + entries_x, merged + kListpackHeaderSize,
                 entries_y + 1);
    std::memcpy(merged + kListpackHeaderSize, x.data + kListpackHeaderSize, entries_x);
  }
  StoreU32(merged, static_cast<uint32_t>(total));
  StoreCount(merged, count);
  keep.data = merged;
  keep.set_sz(total);
  keep.SetCount(count);
  drop.count = 0;
  DeleteNode(keep_first ? a + 1 : a);
  CompressNodeOrAround(a);
  return a;
}

// --------------------------------------------------------------- by value

namespace {

// The node's bytes, uncompressed (into `scratch` when needed).
const uint8_t* NodeBytes(const uint8_t* data, size_t sz, bool compressed, std::string* scratch) {
  if (!compressed) return data;
  scratch->resize(sz);
  const unsigned got = lzf_decompress(data + 4, LoadU32(data), scratch->data(),
                                      static_cast<unsigned>(sz));
  OSPREY_CHECK(got == sz);
  return reinterpret_cast<const uint8_t*>(scratch->data());
}

}  // namespace

bool ListValue::Insert(std::string_view pivot, std::string_view value, bool after) {
  std::string scratch;
  for (size_t i = 0; i < len_; ++i) {
    const Node& n = node(i);
    const uint8_t* bytes = NodeBytes(n.data, n.sz(), n.compressed(), &scratch);
    size_t offset = 0;
    bool found = false;
    if (n.plain()) {
      found = std::string_view(reinterpret_cast<const char*>(bytes), n.sz()) == pivot;
    } else {
      ListpackReader lp(bytes);
      for (Listpack::Entry p = lp->First(); p != nullptr; p = Listpack::Next(p), ++offset) {
        if (ElementEquals(Listpack::Get(p), pivot)) {
          found = true;
          break;
        }
      }
    }
    if (found) {
      DecompressForUse(i);
      InsertAt(i, offset, value, after);
      return true;
    }
  }
  return false;
}

size_t ListValue::Remove(std::string_view value, int64_t count) {
  const bool forward = count >= 0;
  const uint64_t limit = forward ? static_cast<uint64_t>(count) : 0 - static_cast<uint64_t>(count);
  uint64_t removed = 0;
  std::string scratch;
  size_t i = forward ? 0 : len_ - 1;
  // Backwards, i wraps past 0 to a huge value, which ends the loop too.
  while (i < len_ && (limit == 0 || removed < limit)) {
    const Node& peek = node(i);
    const uint8_t* bytes = NodeBytes(peek.data, peek.sz(), peek.compressed(), &scratch);
    bool any = false;
    if (peek.plain()) {
      any = std::string_view(reinterpret_cast<const char*>(bytes), peek.sz()) == value;
    } else {
      ListpackReader lp(bytes);
      any = lp->Find(lp->First(), value, 0) != nullptr;
    }
    if (!any) {
      i = forward ? i + 1 : i - 1;
      continue;
    }
    if (peek.plain()) {
      DeleteNode(i);
      ++removed;
      if (!forward) --i;
      continue;
    }
    DecompressForUse(i);
    Node& n = node(i);
    size_t here = 0;
    {
      BorrowedListpack lp(n.data);
      Listpack::Entry p = forward ? lp->First() : lp->Last();
      while (p != nullptr && (limit == 0 || removed < limit)) {
        const bool match = ElementEquals(Listpack::Get(p), value);
        if (forward) {
          if (match) {
            p = lp->Delete(p);
            ++removed;
            ++here;
          } else {
            p = Listpack::Next(p);
          }
          continue;
        }
        Listpack::Entry prev = lp->Prev(p);
        if (match) {
          const auto* base = reinterpret_cast<const uint8_t*>(lp->bytes().data());
          const size_t prev_at = prev != nullptr ? static_cast<size_t>(prev - base) : 0;
          lp->Delete(p);
          ++removed;
          ++here;
          base = reinterpret_cast<const uint8_t*>(lp->bytes().data());
          prev = prev != nullptr ? base + prev_at : nullptr;
        }
        p = prev;
      }
      n.set_sz(lp->TotalBytes());
    }
    n.count = static_cast<uint16_t>(n.count - here);
    count_ -= here;
    if (n.count == 0) {
      DeleteNode(i);
      if (!forward) --i;
    } else {
      CompressNodeOrAround(i);
      i = forward ? i + 1 : i - 1;
    }
  }
  return static_cast<size_t>(removed);
}

void ListValue::ForEach(const std::function<void(const ListElement&)>& f) const {
  Iterator it(*this, 0, /*forward=*/true);
  ListElement e;
  while (it.Next(&e)) f(e);
}

// --------------------------------------------------------------- whole nodes

void ListValue::AppendListpackNode(Listpack lp) {
  const size_t count = lp.Size();
  OSPREY_CHECK(count > 0 && count <= UINT16_MAX);
  Node n{};
  n.set_sz(lp.TotalBytes());
  n.data = lp.Release();
  n.SetCount(count);
  InsertNode(len_ == 0 ? kNpos : len_ - 1, /*after=*/true, n);
}

void ListValue::AppendPlainNode(std::string_view value) {
  InsertNode(len_ == 0 ? kNpos : len_ - 1, /*after=*/true, Node::Plain(value));
}

void ListValue::ForEachNode(const std::function<void(const StoredNode&)>& fn) const {
  for (size_t i = 0; i < len_; ++i) {
    const Node& n = node(i);
    StoredNode b{n.plain(), n.compressed(), {}, n.sz()};
    if (n.compressed()) {
      b.data = std::string_view(reinterpret_cast<const char*>(n.data) + kLzfHeader, LoadU32(n.data));
    } else {
      b.data = std::string_view(reinterpret_cast<const char*>(n.data), n.sz());
    }
    fn(b);
  }
}

bool ListValue::Validate() const {
  size_t total = 0;
  std::string scratch;
  for (size_t i = 0; i < len_; ++i) {
    const Node& n = node(i);
    total += n.count;
    if (n.count == 0) return false;
    // The ends are never compressed.
    if (n.compressed() && (i == 0 || i + 1 == len_)) return false;
    if (n.plain()) {
      if (n.count != 1) return false;
      if (n.compressed()) NodeBytes(n.data, n.sz(), true, &scratch);
      continue;
    }
    const uint8_t* bytes = NodeBytes(n.data, n.sz(), n.compressed(), &scratch);
    const std::string_view lp(reinterpret_cast<const char*>(bytes), n.sz());
    if (!Listpack::Validate(lp)) return false;
    ListpackReader reader(bytes);
    if (reader->TotalBytes() != n.sz() || reader->Size() != n.count) return false;
  }
  return total == count_;
}

// --------------------------------------------------------------- iteration

ListValue::Iterator::Iterator(const ListValue& list, int64_t index, bool forward)
    : list_(&list), node_(list.len_), data_(nullptr), pos_(nullptr), forward_(forward) {
  if (index < 0) index += static_cast<int64_t>(list.count_);
  if (index < 0 || static_cast<uint64_t>(index) >= list.count_) return;
  size_t offset;
  list.Locate(static_cast<size_t>(index), &node_, &offset);
  EnterNode();
  if (list.node(node_).plain()) {
    pos_ = data_;
  } else {
    ListpackReader lp(data_);
    pos_ = lp->Seek(static_cast<int64_t>(offset));
  }
}

ListValue::Iterator::~Iterator() = default;

void ListValue::Iterator::EnterNode() {
  const Node& n = list_->node(node_);
  data_ = NodeBytes(n.data, n.sz(), n.compressed(), &scratch_);
}

bool ListValue::Iterator::Next(ListElement* out) {
  const size_t len = list_->len_;
  while (node_ < len) {
    const Node& n = list_->node(node_);
    if (pos_ != nullptr) {
      if (n.plain()) {
        *out = ListElement{};
        out->s = std::string_view(reinterpret_cast<const char*>(data_), n.sz());
        pos_ = nullptr;
      } else {
        *out = Listpack::Get(pos_);
        if (forward_) {
          pos_ = Listpack::Next(pos_);
        } else {
          ListpackReader lp(data_);
          pos_ = lp->Prev(pos_);
        }
      }
      return true;
    }
    if (forward_) {
      ++node_;
    } else {
      node_ = node_ == 0 ? len : node_ - 1;
    }
    if (node_ >= len) break;
    EnterNode();
    const Node& next = list_->node(node_);
    if (next.plain()) {
      pos_ = data_;
    } else {
      ListpackReader lp(data_);
      pos_ = forward_ ? lp->First() : lp->Last();
    }
  }
  node_ = len;
  return false;
}

}  // namespace osprey::types
