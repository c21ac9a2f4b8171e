// The list value: Redis 7.0's quicklist design. A list is a sequence of
// nodes; each node is a listpack of a few elements (bounded by
// list-max-listpack-size), or, for one element at least as big as the
// "packed threshold", the element's bytes alone (a "plain" node). Nodes more
// than list-compress-depth nodes away from both ends are kept LZF-compressed.
// Node boundaries and the choice of compressed nodes follow Redis's rules
// exactly (list.cc says which), so memory use and RDB node layout match.
//
// Elements come back as ListpackValue: an integer or a string view. A view
// stays valid until the list changes (or, when it came from a compressed
// node, until the scratch buffer or iterator that holds it changes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "types/listpack.h"
#include "types/object.h"

namespace osprey::types {

using ListElement = ListpackValue;

// list-max-listpack-size and list-compress-depth defaults, and the element
// size from which an element gets a node of its own (DEBUG
// QUICKLIST-PACKED-THRESHOLD changes it; the default is 1 GB).
inline constexpr int kListDefaultFill = -2;
inline constexpr int kListDefaultCompressDepth = 0;
inline constexpr size_t kListDefaultPackedThreshold = size_t{1} << 30;

enum class ListEnd : uint8_t { kHead, kTail };

class ListValue final : public Object {
 public:
  class Iterator;

  // `fill` and `compress_depth` are clamped as Redis clamps them
  // (fill to [-5, 32767], depth to [0, 65535]) and fixed for the list's life.
  explicit ListValue(int fill = kListDefaultFill, int compress_depth = kListDefaultCompressDepth);
  ~ListValue() override;
  ListValue(const ListValue&) = delete;
  ListValue& operator=(const ListValue&) = delete;

  ValueType type() const override { return ValueType::kList; }
  // Redis 7.0 has no listpack-encoded lists: every list is a quicklist.
  std::string_view EncodingName() const override { return "quicklist"; }
  std::unique_ptr<Object> Clone() const override;
  size_t MemoryUsage() const override;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return len_; }
  int fill() const { return fill_; }
  int compress_depth() const { return compress_; }

  // Elements of at least `bytes` bytes get plain nodes from now on (the
  // process-wide DEBUG QUICKLIST-PACKED-THRESHOLD; handlers set it before
  // changing a list). REQUIRES: 0 < bytes < 4 GB.
  void set_packed_threshold(size_t bytes) { packed_threshold_ = static_cast<uint32_t>(bytes); }

  // --- the ends ---
  void Push(ListEnd end, std::string_view value);
  void PushFront(std::string_view value) { Push(ListEnd::kHead, value); }
  void PushBack(std::string_view value) { Push(ListEnd::kTail, value); }
  // The element at `end`, valid until the list changes. REQUIRES: !empty().
  ListElement Peek(ListEnd end) const;
  // Removes the element at `end`. REQUIRES: !empty().
  void Pop(ListEnd end);

  // --- by index (negative counts from the tail, -1 is the last) ---
  // The element at `index`; false when out of range. `scratch` holds the
  // node when it had to be decompressed (the element may point into it).
  bool Index(int64_t index, ListElement* out, std::string* scratch) const;
  // Replaces the element at `index` (LSET); false when out of range.
  bool Set(int64_t index, std::string_view value);
  // Removes `count` elements from `start` on (Redis's quicklistDelRange:
  // a negative start counts from the tail; the run is cut at the end).
  // Returns the number removed.
  size_t DeleteRange(int64_t start, int64_t count);

  // --- by value ---
  // Inserts `value` before (or after) the first element equal to `pivot`,
  // searching from the head. False when there is no such element.
  bool Insert(std::string_view pivot, std::string_view value, bool after);
  // Removes elements equal to `value`: the first `count` from the head
  // (count > 0), the last -count from the tail (count < 0), or all (0).
  // Returns the number removed.
  size_t Remove(std::string_view value, int64_t count);

  // Calls f(const ListElement&) for every element, head to tail.
  void ForEach(const std::function<void(const ListElement&)>& f) const;

  // --- whole nodes (RDB) ---
  // Appends a node at the tail holding `lp` as it is, or a plain node
  // holding `value`, as Redis appends the nodes of a loaded list; the
  // compression rule applies as after any new node. REQUIRES for `lp`: it
  // passed Listpack::Validate and holds 1 to 65535 elements.
  void AppendListpackNode(Listpack lp);
  void AppendPlainNode(std::string_view value);
  // A node's bytes as stored: a listpack, a plain element, or (compressed)
  // the LZF form of either, which expands to raw_size bytes.
  struct StoredNode {
    bool plain;
    bool compressed;
    std::string_view data;
    size_t raw_size;
  };
  // Calls fn for every node, head to tail.
  void ForEachNode(const std::function<void(const StoredNode&)>& fn) const;

  // --- introspection for tests and DEBUG ---
  struct NodeInfo {
    size_t count;       // elements
    size_t bytes;       // uncompressed size (listpack bytes, or the element's length)
    bool plain;         // one element stored as it is
    bool compressed;    // held LZF-compressed
  };
  NodeInfo node_info(size_t i) const;
  // Checks the invariants (counts, sizes, encodings); false on corruption.
  bool Validate() const;

 private:
  friend class Iterator;
  struct Node;

  // The ring of nodes.
  Node& node(size_t i);
  const Node& node(size_t i) const;
  void RingInsert(size_t pos, const Node& n);
  void RingErase(size_t pos);

  bool IsLarge(size_t sz) const { return sz >= packed_threshold_; }
  bool AllowInsert(size_t i, size_t sz) const;
  bool AllowMerge(size_t a, size_t b) const;
  // Finds the node holding element `index` (0-based from the head) and the
  // element's offset in it. REQUIRES: index < size().
  void Locate(size_t index, size_t* node_index, size_t* offset) const;

  // Compression, as Redis decides it (see list.cc).
  bool CompressNode(size_t i);
  void CompressIfRaw(size_t i);
  void DecompressNode(size_t i);
  void DecompressIfCompressed(size_t i);
  void DecompressForUse(size_t i);
  void CompressAround(size_t i);  // Redis's __quicklistCompress; i == npos: none
  void CompressNodeOrAround(size_t i);
  void RecompressOnly(size_t i);

  // Node-level changes; each keeps count_ and the compression rule.
  size_t InsertNode(size_t old_index, bool after, const Node& n);
  void DeleteNode(size_t i);
  void DeleteEntryAt(size_t i, size_t offset);
  void InsertAt(size_t i, size_t offset, std::string_view value, bool after);
  Node SplitNode(size_t i, size_t offset, bool after);
  void MergeAround(size_t center);
  size_t MergePair(size_t a);  // merges nodes a and a+1; returns the kept index
  void ReplaceAt(size_t i, size_t offset, std::string_view value);

  Node* ring_ = nullptr;
  uint32_t cap_ = 0;   // a power of two (or 0)
  uint32_t head_ = 0;  // ring index of node 0
  uint32_t len_ = 0;   // nodes
  int16_t fill_;
  uint16_t compress_;
  uint32_t packed_threshold_ = static_cast<uint32_t>(kListDefaultPackedThreshold);
  size_t count_ = 0;   // elements
};

// Walks elements from a starting index toward the tail (forward) or the
// head, without changing the list. Compressed nodes are decompressed into
// the iterator's own buffer. The list must not change while it is in use.
class ListValue::Iterator {
 public:
  // Starts at `index` (negative counts from the tail); an index out of
  // range gives an iterator that is done at once.
  Iterator(const ListValue& list, int64_t index, bool forward);
  ~Iterator();
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;

  // Stores the next element and returns true, or returns false at the end.
  bool Next(ListElement* out);

 private:
  void EnterNode();

  const ListValue* list_;
  size_t node_;          // current node index; list_->len_ when done
  const uint8_t* data_;  // the current node's bytes (listpack or plain)
  Listpack::Entry pos_;  // next element in data_, nullptr: leave the node
  bool forward_;
  std::string scratch_;
};

}  // namespace osprey::types
