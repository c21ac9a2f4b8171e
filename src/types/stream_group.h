// Consumer groups of a stream: each group has a last-delivered ID, a count
// of entries read (for the lag XINFO reports), a pending-entries list (PEL:
// entries delivered but not yet acknowledged) and named consumers. Every
// pending entry belongs to exactly one consumer and is listed both in the
// group's PEL and in that consumer's.
//
// Plain containers with the bookkeeping that keeps the two PELs in step;
// the command semantics (XREADGROUP, XCLAIM, ...) live in the handlers. The
// type knows nothing of clients or time sources: callers pass `now_ms`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "types/stream_id.h"

namespace osprey::types {

class StreamValue;
struct StreamConsumer;

// One delivered, unacknowledged entry (Redis's NACK).
struct StreamPendingEntry {
  int64_t delivery_time_ms = 0;  // last time it was delivered
  uint64_t delivery_count = 0;   // times delivered
  StreamConsumer* consumer = nullptr;
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time_ms = 0;     // last interaction of any kind
  int64_t active_time_ms = -1;  // last successful read or claim (-1: never; Redis 7.2's field)
  // The consumer's share of the group's PEL; values point into the group's
  // PEL map (node-stable).
  std::map<StreamID, StreamPendingEntry*> pel;
};

// "Entries read" is not known (Redis: SCG_INVALID_ENTRIES_READ).
inline constexpr int64_t kStreamEntriesReadUnknown = -1;

class StreamGroup {
 public:
  StreamGroup(StreamID last_id, int64_t entries_read)
      : last_id_(last_id), entries_read_(entries_read) {}
  StreamGroup(const StreamGroup&) = delete;
  StreamGroup& operator=(const StreamGroup&) = delete;

  // A deep copy: consumers, PEL, the consumer links between them.
  std::unique_ptr<StreamGroup> Clone() const;
  size_t MemoryUsage() const;

  StreamID last_id() const { return last_id_; }
  void set_last_id(StreamID id) { last_id_ = id; }
  int64_t entries_read() const { return entries_read_; }
  void set_entries_read(int64_t n) { entries_read_ = n; }
  // The group delivered entry `id` of `stream` (REQUIRES: id > last_id()):
  // moves last_id to it and keeps entries_read counting, or re-estimates it
  // when deletions ahead make counting unsafe, as Redis 7.0 does.
  void AdvanceLastId(const StreamValue& stream, StreamID id);

  // --- consumers (ordered by name, as XINFO CONSUMERS lists them) ---
  const std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>>& consumers() const {
    return consumers_;
  }
  StreamConsumer* FindConsumer(std::string_view name) const;
  // The consumer named `name`, created (seen/active times `now_ms` / -1)
  // when absent; *created tells which.
  StreamConsumer* FindOrCreateConsumer(std::string_view name, int64_t now_ms, bool* created);
  // Removes a consumer and its pending entries (from both PELs); returns how
  // many pending entries it had, or -1 when there is no such consumer.
  int64_t DeleteConsumer(std::string_view name);

  // --- the pending-entries list (ordered by ID) ---
  const std::map<StreamID, StreamPendingEntry>& pel() const { return pel_; }
  StreamPendingEntry* FindPending(StreamID id);
  // The first pending entry with an ID >= `from` (its ID in *id), or nullptr.
  StreamPendingEntry* FindPendingFrom(StreamID from, StreamID* id);
  // Adds `id` to the PEL owned by `consumer` (delivery count 1, time now),
  // or, when already pending, moves it to `consumer` and resets time and
  // count the way XREADGROUP does for a new delivery. Returns the entry.
  // `consumer` may be nullptr while loading (the group's PEL is read before
  // its consumers): such an entry must get an owner through ChangeOwner
  // before any command sees the group.
  StreamPendingEntry* AddPending(StreamID id, StreamConsumer* consumer, int64_t now_ms);
  // Moves a pending entry to another consumer (XCLAIM, or the first owner
  // of an entry added without one); no-op when same.
  void ChangeOwner(StreamPendingEntry* entry, StreamID id, StreamConsumer* to);
  // Removes `id` from both PELs (XACK, or a claimed entry that no longer
  // exists); false when it was not pending.
  bool Acknowledge(StreamID id);

 private:
  StreamID last_id_;
  int64_t entries_read_;
  std::map<StreamID, StreamPendingEntry> pel_;
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers_;
};

// --- entries-read and lag (XINFO GROUPS), from the stream's metadata ---
// Whether a deleted entry may lie in [start, end]: only the largest deleted
// ID is known, so this is true when it falls in the range and is not before
// the first live entry.
bool StreamRangeHasTombstones(const StreamValue& stream, StreamID start, StreamID end);
// How many entries were added to `stream` up to and including `id`, when
// the metadata can tell (the last ID, the first live entry or before it
// with no deletions, an empty stream); kStreamEntriesReadUnknown otherwise.
int64_t StreamEntriesReadAt(const StreamValue& stream, StreamID id);
// The number of entries `group` has yet to deliver; false when unknown
// (XINFO then replies null).
bool StreamGroupLag(const StreamValue& stream, const StreamGroup& group, int64_t* lag);

}  // namespace osprey::types
