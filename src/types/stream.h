// The stream value: entries (an ID and field/value pairs) in ID order, plus
// consumer groups (types/stream_group.h).
//
// Entries live in nodes laid out byte for byte as Redis's stream listpacks
// (stream_node.h describes the bytes), keyed by the ID of the node's master entry, so RDB
// and DUMP store a node's buffer as it is and load it after validation.
// A new entry goes to the last node until that node holds
// `node_max_entries` entries (live and deleted) or would pass
// `node_max_bytes`; then a new node starts. Deleting an entry flags it in
// its node; a node whose entries are all deleted is freed.
//
// The metadata Redis 7 keeps and persists: the last ID ever generated, the
// first live ID, the largest ID ever deleted, and how many entries were
// ever added (consumer-group lag depends on these).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "types/listpack.h"
#include "types/object.h"
#include "types/stream_group.h"
#include "types/stream_id.h"

namespace osprey::types {

// The stream-node-max-* settings. 0 means "no limit" for entries; for bytes
// 0 (and anything above kStreamNodeMaxSize) means kStreamNodeMaxSize.
struct StreamLimits {
  size_t node_max_bytes = 4096;
  size_t node_max_entries = 100;
};

// Largest node and largest single entry Redis accepts (1 GB).
inline constexpr size_t kStreamNodeMaxSize = size_t{1} << 30;

// One entry as a reader sees it. The views point into the stream: valid
// until it changes.
struct StreamEntry {
  StreamID id;
  // field, value, field, value...
  std::vector<ListpackValue> field_values;
};

// How XADD MAXLEN/MINID and XTRIM trim.
struct StreamTrim {
  enum class Strategy : uint8_t { kMaxLen, kMinId };
  Strategy strategy = Strategy::kMaxLen;
  uint64_t max_len = 0;  // kMaxLen: keep at most this many entries
  StreamID min_id;       // kMinId: remove entries with a smaller ID
  // "~": only whole nodes are removed, so a few more entries may stay.
  bool approx = false;
  // Most entries to remove (0: no limit). Redis only allows LIMIT with "~".
  uint64_t limit = 0;
};

class StreamValue final : public Object {
 public:
  StreamValue();
  ~StreamValue() override;
  StreamValue(const StreamValue&) = delete;
  StreamValue& operator=(const StreamValue&) = delete;

  ValueType type() const override { return ValueType::kStream; }
  std::string_view EncodingName() const override { return "stream"; }
  std::unique_ptr<Object> Clone() const override;
  size_t MemoryUsage() const override;

  // --- metadata ---
  // Live entries.
  uint64_t Length() const { return length_; }
  StreamID last_id() const { return last_id_; }
  // The first live entry's ID (0-0 when empty).
  StreamID first_id() const { return first_id_; }
  StreamID max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  // XSETID and loading set these as given (callers validate).
  void set_last_id(StreamID id) { last_id_ = id; }
  void set_max_deleted_id(StreamID id) { max_deleted_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  // Loading only: the stored length and first ID, checked by the loader
  // against the nodes (a mismatch is a corrupt payload).
  void set_length(uint64_t n) { length_ = n; }
  void set_first_id(StreamID id) { first_id_ = id; }

  // --- entries ---
  // Appends an entry. REQUIRES: id > last_id(); field_values non-empty and
  // of even size; its total bytes within kStreamNodeMaxSize (callers reply
  // "ERR Elements are too large to be stored" otherwise). Updates length,
  // last_id, first_id (for the first entry) and entries_added.
  void Append(StreamID id, std::span<const std::string_view> field_values,
              const StreamLimits& limits);
  // Flags entry `id` deleted; false when there is no live entry `id`.
  // Updates length, first_id and max_deleted_id.
  bool Delete(StreamID id);
  // Removes entries from the front as `trim` says; returns how many.
  // Updates length and first_id (max_deleted_id is left alone, as Redis
  // does for trimming).
  uint64_t Trim(const StreamTrim& trim);

  // Calls fn for each live entry with start <= id <= end, in ascending ID
  // order (descending when `reverse`), until fn returns false. fn must not
  // change the stream.
  void Range(StreamID start, StreamID end, bool reverse,
             const std::function<bool(const StreamEntry&)>& fn) const;
  // The live entry `id`, when there is one.
  bool Find(StreamID id, StreamEntry* out) const;
  // The first / last live entry (false when empty).
  bool First(StreamEntry* out) const;
  bool Last(StreamEntry* out) const;
  // The ID of the first entry held, a tombstone or not; Max() when no node
  // is left. An approximate MINID trim is propagated with it (Redis's
  // streamGetEdgeID without skipping tombstones).
  StreamID FirstIdWithTombstones() const;

  // --- nodes (RDB, DUMP, XINFO) ---
  size_t NodeCount() const { return nodes_.size(); }
  // Calls fn(master_id, node_bytes) for each node in ID order.
  void ForEachNode(const std::function<void(StreamID, std::string_view)>& fn) const;
  // Loading only: adds a node as it is. REQUIRES: `node` passed the deep
  // node check (stream_node_check.h) for `master`, master greater than
  // every node already held, and the node holds at least one entry (Redis
  // writes nodes whose entries are all tombstones after some trims).
  // Metadata is then set with the setters above.
  void AppendNode(StreamID master, Listpack node);

  // --- consumer groups (ordered by name) ---
  const std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>& groups() const {
    return groups_;
  }
  StreamGroup* FindGroup(std::string_view name) const;
  // Creates a group; nullptr when the name is taken.
  StreamGroup* CreateGroup(std::string_view name, StreamID last_id, int64_t entries_read);
  // False when there is no such group.
  bool DestroyGroup(std::string_view name);

 private:
  // Nodes keyed by master ID; each holds at least one entry (live or
  // deleted). XDEL frees a node when it deletes its last live entry; a trim
  // may leave one holding only tombstones, as Redis does (stream_node.h).
  std::map<StreamID, Listpack> nodes_;
  uint64_t length_ = 0;
  StreamID last_id_;
  StreamID first_id_;
  StreamID max_deleted_id_;
  uint64_t entries_added_ = 0;
  std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>> groups_;

  // Implementation helpers (stream.cc).
  void FinishAppend(StreamID id);
  // Where a forward walk from `start` begins.
  std::map<StreamID, Listpack>::const_iterator SeekForward(StreamID start) const;
  // Flags entries of `node` deleted from its start while `trim` asks for it
  // (an exact trim of the first node that cannot go whole); adds their
  // number to *removed. False when none was flagged.
  bool TrimNodePartly(Listpack* node, StreamID master, const StreamTrim& trim,
                      uint64_t* removed);
};

}  // namespace osprey::types
