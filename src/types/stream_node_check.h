// Deep checks of stream data from outside (RDB files, RESTORE payloads),
// made before any of it is trusted: each node's bytes against the layout
// stream_node.h describes, then the stream around its nodes (node keys and
// their order, length, first and last IDs), then its consumer groups (each
// pending entry listed once in its group and owned by exactly one
// consumer). A stream that passes every check is safe for StreamValue and
// everything that reads it; one that fails is refused, never repaired.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "types/stream_id.h"

namespace osprey::types {

// What a node holds, as the check counted it.
struct StreamNodeSummary {
  uint64_t live = 0;     // entries not flagged deleted
  uint64_t deleted = 0;  // entries flagged deleted (live + deleted >= 1)
  StreamID first_live;   // the IDs of the first and last live entries,
  StreamID last_live;    // when live > 0
};

// Checks `node` as the node keyed by master ID `master`:
//  - a sound listpack (Listpack::Validate) with at least one element;
//  - the master entry: live count, deleted count, a field count of at least
//    one, that many field names, then 0;
//  - exactly live + deleted entries after it and nothing more, each: flags
//    (only the deleted and same-fields bits), the ms and seq deltas, unless
//    same-fields a field count of at least one and the names, the values,
//    and the lp-count that leads back to the flags;
//  - every control element (counts, flags, deltas, lp-counts) stored as an
//    integer, as every writer stores them;
//  - as many entries flagged deleted as the master entry says, and at
//    least one entry (a node may hold only deleted ones: Redis leaves such
//    a node after a MINID trim when the node ends in a deleted entry);
//  - live entries in strictly increasing ID order.
// Entry IDs are not held to the master ID, nor deleted entries to any
// order: Redis 7.0 writes both after an XSETID that lowers the last ID
// (below a deleted entry; or, once the stream is empty, below a node of
// deleted entries only, which then takes the new entries).
// On success fills *out; on failure returns false with *why saying what is
// wrong (text for a log, starting "Stream listpack integrity check failed").
bool CheckStreamNode(StreamID master, std::string_view node, StreamNodeSummary* out,
                     std::string* why);

// The checks around the nodes of one stream, fed in the order a file holds
// them, then given the metadata stored after them.
class StreamNodesCheck {
 public:
  // A node as stored: `key` must be 16 bytes (the master ID, big-endian),
  // masters strictly increasing, and each node's live entries above the
  // previous node's (live entries increase over the whole stream); `node`
  // must pass CheckStreamNode. Sets *master.
  bool AddNode(std::string_view key, std::string_view node, StreamID* master);

  // The metadata: the length must equal the live entries counted, the last
  // live entry may not be above `last_id`, `entries_added` (when the format
  // stores it) may not be below the length, and `first_id` (when stored)
  // must be the first live entry's ID, or for an empty stream 0-0 or the
  // largest ID (what Redis keeps after converting an empty older stream).
  bool CheckMetadata(uint64_t length, StreamID last_id, const StreamID* first_id,
                     const uint64_t* entries_added);

  uint64_t live() const { return live_; }
  // The first live entry's ID. REQUIRES: live() > 0.
  StreamID first_live() const { return first_live_; }
  // Why the last failed call failed.
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string why);

  bool any_node_ = false;
  StreamID last_master_;
  uint64_t live_ = 0;
  StreamID first_live_;
  StreamID last_live_;
  std::string error_;
};

// The consumer groups of one stream as a file lists them: for each group
// its name, its pending-entries list, then its consumers each with the IDs
// of the entries it owns. Names of groups are unique in the stream, names
// of consumers in their group; a group's PEL holds an ID once; each
// consumer's ID must be in the group's PEL and owned by no other consumer;
// when the group ends every entry of its PEL must have an owner.
class StreamGroupsCheck {
 public:
  bool AddGroup(std::string_view name);
  bool AddGroupPending(StreamID id);
  bool AddConsumer(std::string_view name);
  bool AddConsumerPending(StreamID id);
  bool EndGroup();
  // Why the last failed call failed.
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string why);

  std::set<std::string, std::less<>> groups_;
  // The current group: its PEL (ID -> owned yet) and consumer names.
  std::map<StreamID, bool> pel_;
  std::set<std::string, std::less<>> consumers_;
  bool in_consumer_ = false;
  std::string error_;
};

}  // namespace osprey::types
