#include "types/stream_node.h"

#include "base/check.h"

namespace osprey::types {

namespace {

inline int64_t IntAt(Listpack::Entry p) {
  const ListpackValue v = Listpack::Get(p);
  OSPREY_DCHECK(v.is_int);
  return v.i;
}

// The ID diffs are stored as the int64 with the bits of the uint64
// difference; adding them back modulo 2^64 restores the ID.
inline int64_t Diff(uint64_t a, uint64_t b) { return static_cast<int64_t>(a - b); }

}  // namespace

StreamNodeMaster ReadStreamNodeMaster(const Listpack& node) {
  StreamNodeMaster m;
  Listpack::Entry p = node.First();
  m.live = IntAt(p);
  p = Listpack::Next(p);
  m.deleted = IntAt(p);
  p = Listpack::Next(p);
  m.num_fields = IntAt(p);
  p = Listpack::Next(p);
  m.first_field = p;
  for (int64_t i = 0; i < m.num_fields; ++i) p = Listpack::Next(p);
  // p is the master's terminating 0.
  m.first_entry = Listpack::Next(p);
  return m;
}

// ------------------------------------------------------------ cursor

StreamNodeCursor::StreamNodeCursor(const Listpack& node, StreamID master)
    : node_(node), master_id_(master), master_(ReadStreamNodeMaster(node)) {}

void StreamNodeCursor::Decode(Listpack::Entry flags_pos, StreamNodeItem* item) const {
  item->flags_pos = flags_pos;
  item->flags = IntAt(flags_pos);
  Listpack::Entry p = Listpack::Next(flags_pos);
  item->id.ms = master_id_.ms + static_cast<uint64_t>(IntAt(p));
  p = Listpack::Next(p);
  item->id.seq = master_id_.seq + static_cast<uint64_t>(IntAt(p));
  p = Listpack::Next(p);
  int64_t skip;
  if (item->same_fields()) {
    item->num_fields = master_.num_fields;
    skip = item->num_fields;
  } else {
    item->num_fields = IntAt(p);
    p = Listpack::Next(p);
    skip = item->num_fields * 2;
  }
  item->data = p;
  for (int64_t i = 0; i < skip; ++i) p = Listpack::Next(p);
  item->count_pos = p;
}

bool StreamNodeCursor::First(StreamNodeItem* item) const {
  if (master_.first_entry == nullptr) return false;
  Decode(master_.first_entry, item);
  return true;
}

bool StreamNodeCursor::Next(StreamNodeItem* item) const {
  Listpack::Entry p = Listpack::Next(item->count_pos);
  if (p == nullptr) return false;
  Decode(p, item);
  return true;
}

bool StreamNodeCursor::Last(StreamNodeItem* item) const {
  Listpack::Entry p = node_.Last();
  const int64_t lp_count = IntAt(p);
  if (lp_count == 0) return false;  // the master's terminator: no entries
  for (int64_t i = 0; i < lp_count; ++i) p = node_.Prev(p);
  Decode(p, item);
  return true;
}

bool StreamNodeCursor::Prev(StreamNodeItem* item) const {
  // The element before an entry's flags is the previous entry's lp-count,
  // or the master's 0.
  Listpack::Entry p = node_.Prev(item->flags_pos);
  const int64_t lp_count = IntAt(p);
  if (lp_count == 0) return false;
  for (int64_t i = 0; i < lp_count; ++i) p = node_.Prev(p);
  Decode(p, item);
  return true;
}

void StreamNodeCursor::Read(const StreamNodeItem& item, StreamEntry* out) const {
  out->id = item.id;
  out->field_values.clear();
  out->field_values.reserve(static_cast<size_t>(item.num_fields) * 2);
  Listpack::Entry p = item.data;
  if (item.same_fields()) {
    Listpack::Entry f = master_.first_field;
    for (int64_t i = 0; i < item.num_fields; ++i) {
      out->field_values.push_back(Listpack::Get(f));
      out->field_values.push_back(Listpack::Get(p));
      f = Listpack::Next(f);
      p = Listpack::Next(p);
    }
    return;
  }
  for (int64_t i = 0; i < item.num_fields * 2; ++i) {
    out->field_values.push_back(Listpack::Get(p));
    p = Listpack::Next(p);
  }
}

// ------------------------------------------------------------ building

Listpack NewStreamNode(std::span<const std::string_view> field_values) {
  OSPREY_CHECK(!field_values.empty() && field_values.size() % 2 == 0);
  const int64_t n = static_cast<int64_t>(field_values.size() / 2);
  Listpack lp;
  lp.AppendInt(1);  // live: the entry being added
  lp.AppendInt(0);  // deleted
  lp.AppendInt(n);
  for (size_t i = 0; i < field_values.size(); i += 2) lp.Append(field_values[i]);
  lp.AppendInt(0);  // the master entry's terminator
  // The first entry has the master's fields by construction.
  lp.AppendInt(kStreamItemSameFields);
  lp.AppendInt(0);
  lp.AppendInt(0);
  for (size_t i = 1; i < field_values.size(); i += 2) lp.Append(field_values[i]);
  lp.AppendInt(n + 3);
  return lp;
}

void AppendStreamNodeEntry(Listpack* node, StreamID master, StreamID id,
                           std::span<const std::string_view> field_values) {
  OSPREY_CHECK(!field_values.empty() && field_values.size() % 2 == 0);
  const int64_t n = static_cast<int64_t>(field_values.size() / 2);
  Listpack::Entry p = node->First();
  const int64_t live = IntAt(p);
  node->ReplaceInt(p, live + 1);
  // Re-read after the change: the count may have grown by a byte.
  const StreamNodeMaster m = ReadStreamNodeMaster(*node);
  bool same = m.num_fields == n;
  if (same) {
    Listpack::Entry f = m.first_field;
    for (size_t i = 0; i < field_values.size(); i += 2) {
      if (!Listpack::Get(f).Equals(field_values[i])) {
        same = false;
        break;
      }
      f = Listpack::Next(f);
    }
  }
  node->AppendInt(same ? kStreamItemSameFields : kStreamItemNone);
  node->AppendInt(Diff(id.ms, master.ms));
  node->AppendInt(Diff(id.seq, master.seq));
  if (!same) node->AppendInt(n);
  for (size_t i = 0; i < field_values.size(); i += 2) {
    if (!same) node->Append(field_values[i]);
    node->Append(field_values[i + 1]);
  }
  node->AppendInt(same ? n + 3 : 2 * n + 4);
}

bool StreamNodeIsFull(const Listpack& node, size_t entry_bytes, const StreamLimits& limits) {
  size_t max_bytes = limits.node_max_bytes;
  if (max_bytes == 0 || max_bytes > kStreamNodeMaxSize) max_bytes = kStreamNodeMaxSize;
  if (node.TotalBytes() + entry_bytes >= max_bytes) return true;
  if (limits.node_max_entries == 0) return false;
  Listpack::Entry p = node.First();
  const int64_t live = IntAt(p);
  const int64_t deleted = IntAt(Listpack::Next(p));
  return static_cast<uint64_t>(live + deleted) >= limits.node_max_entries;
}

void FlagStreamNodeEntryDeleted(Listpack* node, const StreamNodeItem& item) {
  OSPREY_DCHECK(!item.deleted());
  // Flags 0..3 have a one-byte encoding either way: nothing moves.
  node->ReplaceInt(item.flags_pos, item.flags | kStreamItemDeleted);
}

void SetStreamNodeCounts(Listpack* node, int64_t live, int64_t deleted) {
  Listpack::Entry p = node->ReplaceInt(node->First(), live);
  node->ReplaceInt(Listpack::Next(p), deleted);
}

int64_t MarkStreamNodeEntryDeleted(Listpack* node, const StreamNodeItem& item) {
  FlagStreamNodeEntryDeleted(node, item);
  Listpack::Entry p = node->First();
  const int64_t live = IntAt(p) - 1;
  SetStreamNodeCounts(node, live, IntAt(Listpack::Next(p)) + 1);
  return live;
}

}  // namespace osprey::types
