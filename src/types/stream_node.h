// One node of a stream: a listpack holding a run of entries, laid out byte
// for byte as Redis 7 lays out its stream listpacks, so RDB files and DUMP
// payloads carry node buffers unchanged. StreamValue (types/stream.h) keeps
// nodes in ID order; this file builds, reads and edits a single node.
//
// The bytes (every element is a listpack element; numbers are stored with
// Listpack's integer encodings, strings in canonical integer form as ints):
//
//   master entry:  live-count  deleted-count  num-fields  field_1 .. field_N  0
//   each entry:    flags  ms-diff  seq-diff  [num-fields  field_1 value_1 ..
//                  field_n value_n | value_1 .. value_N]  lp-count
//
// - The node's key (its "master ID") is the ID of the entry that created it;
//   it is not stored in the listpack. An entry's ID is master + (ms-diff,
//   seq-diff), each difference taken modulo 2^64 (a seq-diff is "negative"
//   whenever ms grew), stored as the int64 with the same bits.
// - flags: kStreamItemDeleted (a tombstone: still in the node, skipped by
//   readers), kStreamItemSameFields (the entry has exactly the master's
//   fields, in order: only the values are stored, num-fields is omitted).
// - lp-count: how many elements the entry has before it (3 + N values when
//   SAMEFIELDS; 3 + 1 + 2n otherwise), so a reader walking backwards finds
//   the entry's flags. The master entry's trailing 0 plays that role for the
//   master: a backwards walk stops at an lp-count of 0.
// - live-count + deleted-count = the entries in the node. A node is created
//   with its first entry (which always has SAMEFIELDS) and never becomes
//   empty of entries; XDEL frees a node whose last live entry it deletes,
//   but a trim may leave a node with live-count 0 and only tombstones (a
//   MINID trim whose node ends in a tombstone), as Redis does.
//
// What a deep validator (persistence's stream_node_check) may rely on, that
// is, what every node built here satisfies:
//  - the listpack passes Listpack::Validate;
//  - the master entry has live, deleted >= 0, num-fields >= 1 (the first
//    entry's field count, which XADD requires to be >= 1), that many fields,
//    then the integer 0;
//  - at least one entry follows; entries are as above with flags in 0..3,
//    num-fields >= 1 when present, lp-count equal to the element count;
//  - the first entry's ID equals the master ID and the IDs of live entries
//    increase. Tombstones are another matter: XSETID may lower the last ID
//    below a deleted entry (it only checks the live ones), so an entry
//    added next lands after a tombstone with a larger ID, and in a node
//    with no live entry left (see above) even below the master ID. Readers
//    therefore skip tombstones before comparing IDs, as Redis's do;
//  - the number of entries without the deleted flag equals live-count, the
//    number with it equals deleted-count.
// Redis's own deep check looks only at the layout (element kinds, the
// master's 0, lp-counts, live + deleted entries ending exactly at the end).
// A loader must accept nodes with live-count 0 and the tombstone orders
// above, which Redis writes too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "types/listpack.h"
#include "types/stream.h"
#include "types/stream_id.h"

namespace osprey::types {

// Entry flags (bits; the values are on disk).
inline constexpr int64_t kStreamItemNone = 0;
inline constexpr int64_t kStreamItemDeleted = 1 << 0;
inline constexpr int64_t kStreamItemSameFields = 1 << 1;

// The master entry of a node, as read.
struct StreamNodeMaster {
  int64_t live = 0;
  int64_t deleted = 0;
  int64_t num_fields = 0;
  Listpack::Entry first_field = nullptr;  // the master's field_1
  Listpack::Entry first_entry = nullptr;  // flags of the node's first entry
};

// One entry's place in a node. Positions are valid until the node changes.
struct StreamNodeItem {
  Listpack::Entry flags_pos = nullptr;
  int64_t flags = 0;
  StreamID id;
  int64_t num_fields = 0;
  // The first field (or, with SAMEFIELDS, the first value).
  Listpack::Entry data = nullptr;
  // The entry's trailing lp-count element.
  Listpack::Entry count_pos = nullptr;

  bool deleted() const { return (flags & kStreamItemDeleted) != 0; }
  bool same_fields() const { return (flags & kStreamItemSameFields) != 0; }
};

// Reads the master entry. REQUIRES: `node` is a node built here or one that
// passed the deep check.
StreamNodeMaster ReadStreamNodeMaster(const Listpack& node);

// Walks the entries of one node, tombstones included (callers skip them).
// REQUIRES: as ReadStreamNodeMaster. Not valid across changes of the node.
class StreamNodeCursor {
 public:
  StreamNodeCursor(const Listpack& node, StreamID master);

  const StreamNodeMaster& master() const { return master_; }
  // The first / last entry of the node (false: none).
  bool First(StreamNodeItem* item) const;
  bool Last(StreamNodeItem* item) const;
  // The entry after / before `item` (false at the end of the node).
  bool Next(StreamNodeItem* item) const;
  bool Prev(StreamNodeItem* item) const;
  // The field/value pairs of `item` into out->field_values (replacing them),
  // and out->id.
  void Read(const StreamNodeItem& item, StreamEntry* out) const;

 private:
  // Decodes the entry whose flags are at `flags_pos`.
  void Decode(Listpack::Entry flags_pos, StreamNodeItem* item) const;

  const Listpack& node_;
  StreamID master_id_;
  StreamNodeMaster master_;
};

// A new node whose master entry takes the fields of `field_values` (field,
// value, ...) and whose first entry has them (SAMEFIELDS). The first
// entry's ID is the node's master ID (ID differences 0, 0), kept by the
// caller as the node's key.
Listpack NewStreamNode(std::span<const std::string_view> field_values);

// Appends entry `id` to a node with master ID `master`, with SAMEFIELDS when
// its fields equal the master's. REQUIRES: id greater than every ID in it.
void AppendStreamNodeEntry(Listpack* node, StreamID master, StreamID id,
                           std::span<const std::string_view> field_values);

// Whether an entry whose strings total `entry_bytes` must go to a new node
// rather than to `node` (the stream's last node), as Redis decides: the
// node's bytes plus entry_bytes reach node_max_bytes, or its entries (live
// and deleted) reach node_max_entries.
bool StreamNodeIsFull(const Listpack& node, size_t entry_bytes, const StreamLimits& limits);

// Flags the entry at `item` deleted and moves one from live-count to
// deleted-count. REQUIRES: the entry is live. Returns the new live-count.
// Positions into the node are invalid afterwards.
int64_t MarkStreamNodeEntryDeleted(Listpack* node, const StreamNodeItem& item);
// Only the flag (the counts are left for SetStreamNodeCounts): positions
// into the node stay valid, so a walk can flag several entries.
void FlagStreamNodeEntryDeleted(Listpack* node, const StreamNodeItem& item);
// Writes the master entry's live and deleted counts.
void SetStreamNodeCounts(Listpack* node, int64_t live, int64_t deleted);

}  // namespace osprey::types
