#include "types/stream.h"

#include <iterator>

#include "base/check.h"
#include "types/stream_node.h"

namespace osprey::types {

StreamValue::StreamValue() = default;
StreamValue::~StreamValue() = default;

std::unique_ptr<Object> StreamValue::Clone() const {
  auto copy = std::make_unique<StreamValue>();
  for (const auto& [master, node] : nodes_) copy->nodes_.emplace(master, node.Clone());
  copy->length_ = length_;
  copy->last_id_ = last_id_;
  copy->first_id_ = first_id_;
  copy->max_deleted_id_ = max_deleted_id_;
  copy->entries_added_ = entries_added_;
  for (const auto& [name, group] : groups_) copy->groups_.emplace(name, group->Clone());
  return copy;
}

size_t StreamValue::MemoryUsage() const {
  // A std::map node: three pointers, the colour, the key and the value.
  constexpr size_t kMapNode = 4 * sizeof(void*);
  size_t n = sizeof(*this);
  for (const auto& [master, node] : nodes_) {
    n += kMapNode + sizeof(master) + sizeof(node) + node.AllocatedSize();
  }
  for (const auto& [name, group] : groups_) {
    n += kMapNode + sizeof(std::string) + name.capacity() + group->MemoryUsage();
  }
  return n;
}

// ------------------------------------------------------------ entries

void StreamValue::Append(StreamID id, std::span<const std::string_view> field_values,
                         const StreamLimits& limits) {
  OSPREY_CHECK(id > last_id_);
  size_t entry_bytes = 0;
  for (std::string_view s : field_values) entry_bytes += s.size();
  if (!nodes_.empty()) {
    auto last = std::prev(nodes_.end());
    if (StreamNodeIsFull(last->second, entry_bytes, limits)) {
      // The node is complete: give back the room it grew into.
      last->second.ShrinkToFit();
    } else {
      AppendStreamNodeEntry(&last->second, last->first, id, field_values);
      FinishAppend(id);
      return;
    }
  }
  nodes_.emplace_hint(nodes_.end(), id, NewStreamNode(field_values));
  FinishAppend(id);
}

std::map<StreamID, Listpack>::const_iterator StreamValue::SeekForward(StreamID start) const {
  // The last node whose master is <= start, or the first node when none is.
  // Redis's iterator seeks the same way and then walks on to later nodes,
  // which matters only when XSETID left entries below their node's master.
  auto it = nodes_.upper_bound(start);
  if (it != nodes_.begin()) --it;
  return it;
}

void StreamValue::FinishAppend(StreamID id) {
  ++length_;
  ++entries_added_;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
}

bool StreamValue::Delete(StreamID id) {
  // Found as a forward Range(id, id) finds it: the first live entry >= id
  // decides. (Not simply in the node whose master is <= id: XSETID can put
  // an entry below a node's master or below a tombstone.)
  auto it = nodes_.upper_bound(id);
  if (it != nodes_.begin()) --it;
  StreamNodeItem item;
  bool found = false;
  for (; it != nodes_.end(); ++it) {
    StreamNodeCursor cursor(it->second, it->first);
    bool past = false;
    for (bool ok = cursor.First(&item); ok; ok = cursor.Next(&item)) {
      if (item.deleted() || item.id < id) continue;
      found = item.id == id;
      past = true;
      break;
    }
    if (found) break;
    if (past) return false;
  }
  if (!found) return false;
  if (MarkStreamNodeEntryDeleted(&it->second, item) == 0) nodes_.erase(it);
  --length_;
  if (id > max_deleted_id_) max_deleted_id_ = id;
  if (length_ == 0) {
    first_id_ = StreamID::Min();
  } else if (id == first_id_) {
    StreamEntry first;
    First(&first);
    first_id_ = first.id;
  }
  return true;
}

bool StreamValue::TrimNodePartly(Listpack* node, StreamID master, const StreamTrim& trim,
                                 uint64_t* removed) {
  StreamNodeCursor cursor(*node, master);
  const int64_t live = cursor.master().live;
  const int64_t deleted = cursor.master().deleted;
  int64_t flagged = 0;
  StreamNodeItem item;
  for (bool ok = cursor.First(&item); ok; ok = cursor.Next(&item)) {
    const bool stop = trim.strategy == StreamTrim::Strategy::kMaxLen ? length_ <= trim.max_len
                                                                     : item.id >= trim.min_id;
    if (stop) break;
    if (item.deleted()) continue;
    FlagStreamNodeEntryDeleted(node, item);
    ++flagged;
    --length_;
  }
  if (flagged == 0) return false;
  SetStreamNodeCounts(node, live - flagged, deleted + flagged);
  *removed += static_cast<uint64_t>(flagged);
  return true;
}

uint64_t StreamValue::Trim(const StreamTrim& trim) {
  const bool by_len = trim.strategy == StreamTrim::Strategy::kMaxLen;
  uint64_t removed = 0;
  auto it = nodes_.begin();
  while (it != nodes_.end()) {
    if (by_len && length_ <= trim.max_len) break;
    const StreamNodeMaster m = ReadStreamNodeMaster(it->second);
    const uint64_t live = static_cast<uint64_t>(m.live);
    if (trim.limit != 0 && removed + live > trim.limit) break;
    bool whole;
    if (by_len) {
      whole = length_ - live >= trim.max_len;
    } else {
      // The node's last entry, tombstone or not.
      StreamNodeCursor cursor(it->second, it->first);
      StreamNodeItem last;
      whole = !cursor.Last(&last) || last.id < trim.min_id;
    }
    if (whole) {
      it = nodes_.erase(it);
      length_ -= live;
      removed += live;
      continue;
    }
    // "~" removes whole nodes only.
    if (trim.approx) break;
    TrimNodePartly(&it->second, it->first, trim, &removed);
    // Enough was found in this node: later ones are not touched.
    break;
  }
  if (length_ == 0) {
    first_id_ = StreamID::Min();
  } else if (removed != 0) {
    StreamEntry first;
    First(&first);
    first_id_ = first.id;
  }
  return removed;
}

void StreamValue::Range(StreamID start, StreamID end, bool reverse,
                        const std::function<bool(const StreamEntry&)>& fn) const {
  if (nodes_.empty() || start > end) return;
  StreamEntry entry;
  StreamNodeItem item;
  if (!reverse) {
    for (auto it = SeekForward(start); it != nodes_.end(); ++it) {
      StreamNodeCursor cursor(it->second, it->first);
      for (bool ok = cursor.First(&item); ok; ok = cursor.Next(&item)) {
        if (item.id < start || item.deleted()) continue;
        if (item.id > end) return;
        cursor.Read(item, &entry);
        if (!fn(entry)) return;
      }
    }
    return;
  }
  // From the last node whose master is <= end, or from the very last node
  // when there is none (as Redis seeks).
  auto it = nodes_.upper_bound(end);
  if (it == nodes_.begin()) it = nodes_.end();
  do {
    --it;
    StreamNodeCursor cursor(it->second, it->first);
    for (bool ok = cursor.Last(&item); ok; ok = cursor.Prev(&item)) {
      if (item.id > end || item.deleted()) continue;
      if (item.id < start) return;
      cursor.Read(item, &entry);
      if (!fn(entry)) return;
    }
  } while (it != nodes_.begin());
}

namespace {

// The first live entry Range meets (in the given direction), copied out.
bool FirstInRange(const StreamValue& stream, StreamID start, StreamID end, bool reverse,
                  StreamEntry* out) {
  bool found = false;
  stream.Range(start, end, reverse, [&](const StreamEntry& e) {
    *out = e;
    found = true;
    return false;
  });
  return found;
}

}  // namespace

bool StreamValue::Find(StreamID id, StreamEntry* out) const {
  return FirstInRange(*this, id, id, /*reverse=*/false, out);
}

bool StreamValue::First(StreamEntry* out) const {
  return FirstInRange(*this, StreamID::Min(), StreamID::Max(), /*reverse=*/false, out);
}

bool StreamValue::Last(StreamEntry* out) const {
  return FirstInRange(*this, StreamID::Min(), StreamID::Max(), /*reverse=*/true, out);
}

StreamID StreamValue::FirstIdWithTombstones() const {
  for (const auto& [master, node] : nodes_) {
    StreamNodeCursor cursor(node, master);
    StreamNodeItem item;
    if (cursor.First(&item)) return item.id;
  }
  return StreamID::Max();
}

// ------------------------------------------------------------ nodes

void StreamValue::ForEachNode(
    const std::function<void(StreamID, std::string_view)>& fn) const {
  for (const auto& [master, node] : nodes_) fn(master, node.bytes());
}

void StreamValue::AppendNode(StreamID master, Listpack node) {
  OSPREY_CHECK(nodes_.empty() || std::prev(nodes_.end())->first < master);
  nodes_.emplace_hint(nodes_.end(), master, std::move(node));
}

// ------------------------------------------------------------ groups

StreamGroup* StreamValue::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

StreamGroup* StreamValue::CreateGroup(std::string_view name, StreamID last_id,
                                      int64_t entries_read) {
  auto [it, inserted] = groups_.try_emplace(std::string(name), nullptr);
  if (!inserted) return nullptr;
  it->second = std::make_unique<StreamGroup>(last_id, entries_read);
  return it->second.get();
}

bool StreamValue::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

}  // namespace osprey::types
