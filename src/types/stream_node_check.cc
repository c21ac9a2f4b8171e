// The walk over a node checks the elements in the order a reader meets
// them, so a node that passes can be read forwards (flags, ID, fields,
// values) and backwards (lp-count back to the flags) without a reader ever
// checking a count again.
#include "types/stream_node_check.h"

#include <utility>

#include "types/listpack.h"

namespace osprey::types {

namespace {

// The entry flag bits (stream_node.h names them for readers).
constexpr int64_t kFlagDeleted = 1;
constexpr int64_t kFlagSameFields = 2;
constexpr int64_t kKnownFlags = kFlagDeleted | kFlagSameFields;

constexpr char kNodeFailure[] = "Stream listpack integrity check failed";

// Steps through the elements of a listpack that passed Listpack::Validate.
class Cursor {
 public:
  explicit Cursor(std::string_view validated) {
    const auto* p = reinterpret_cast<const uint8_t*>(validated.data()) + kListpackHeaderSize;
    p_ = *p == kListpackEnd ? nullptr : p;
  }

  bool AtEnd() const { return p_ == nullptr; }

  // The next element, which must be stored as an integer.
  bool Int(int64_t* out) {
    if (p_ == nullptr) return false;
    const ListpackValue v = Listpack::Get(p_);
    if (!v.is_int) return false;
    *out = v.i;
    p_ = Listpack::Next(p_);
    return true;
  }

  // Steps over `n` elements of any kind.
  bool Skip(int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      if (p_ == nullptr) return false;
      p_ = Listpack::Next(p_);
    }
    return true;
  }

 private:
  Listpack::Entry p_;
};

bool NodeFail(std::string* why, const char* detail) {
  *why = std::string(kNodeFailure) + ": " + detail;
  return false;
}

// The ID an entry's deltas stand for. Writers store each delta as the
// unsigned difference read as a signed integer, so adding it back modulo
// 2^64 gives the ID whatever its sign.
StreamID EntryID(StreamID master, int64_t ms_delta, int64_t seq_delta) {
  return {master.ms + static_cast<uint64_t>(ms_delta),
          master.seq + static_cast<uint64_t>(seq_delta)};
}

}  // namespace

bool CheckStreamNode(StreamID master, std::string_view node, StreamNodeSummary* out,
                     std::string* why) {
  if (!Listpack::Validate(node)) return NodeFail(why, "bad listpack");
  Cursor c(node);
  if (c.AtEnd()) return NodeFail(why, "empty node");
  int64_t live;
  int64_t deleted;
  int64_t master_fields;
  int64_t zero;
  if (!c.Int(&live) || !c.Int(&deleted) || !c.Int(&master_fields) || live < 0 || deleted < 0 ||
      master_fields < 1 || !c.Skip(master_fields) || !c.Int(&zero) || zero != 0) {
    return NodeFail(why, "bad master entry");
  }
  if (live == 0 && deleted == 0) return NodeFail(why, "node without entries");
  StreamNodeSummary s;
  bool any_live = false;
  // live + deleted fits: both are non-negative int64s.
  const uint64_t entries = static_cast<uint64_t>(live) + static_cast<uint64_t>(deleted);
  for (uint64_t i = 0; i < entries; ++i) {
    int64_t flags;
    int64_t ms_delta;
    int64_t seq_delta;
    if (!c.Int(&flags) || (flags & ~kKnownFlags) != 0 || !c.Int(&ms_delta) ||
        !c.Int(&seq_delta)) {
      return NodeFail(why, "bad entry header");
    }
    int64_t fields = master_fields;
    int64_t elements = 3;  // flags, ms and seq deltas
    if ((flags & kFlagSameFields) == 0) {
      if (!c.Int(&fields) || fields < 1 || !c.Skip(fields)) {
        return NodeFail(why, "bad entry fields");
      }
      elements += 1 + fields;
    }
    int64_t lp_count;
    if (!c.Skip(fields) || !c.Int(&lp_count)) return NodeFail(why, "entry cut short");
    if (lp_count != elements + fields) return NodeFail(why, "bad entry lp-count");
    const StreamID id = EntryID(master, ms_delta, seq_delta);
    if (flags & kFlagDeleted) {
      ++s.deleted;
      continue;
    }
    if (any_live && id <= s.last_live) return NodeFail(why, "entry IDs out of order");
    if (!any_live) s.first_live = id;
    any_live = true;
    s.last_live = id;
    ++s.live;
  }
  if (!c.AtEnd()) return NodeFail(why, "elements after the last entry");
  if (s.live != static_cast<uint64_t>(live) || s.deleted != static_cast<uint64_t>(deleted)) {
    return NodeFail(why, "entry counts differ from the master entry");
  }
  *out = s;
  return true;
}

// ------------------------------------------------------------------ nodes

bool StreamNodesCheck::Fail(std::string why) {
  error_ = std::move(why);
  return false;
}

bool StreamNodesCheck::AddNode(std::string_view key, std::string_view node, StreamID* master) {
  if (key.size() != 16) return Fail("stream node key is not a 16-byte ID");
  const StreamID id = StreamID::DecodeBigEndian(reinterpret_cast<const uint8_t*>(key.data()));
  if (any_node_ && id <= last_master_) return Fail("stream nodes out of order");
  StreamNodeSummary s;
  if (!CheckStreamNode(id, node, &s, &error_)) return false;
  if (s.live > 0) {
    if (live_ > 0 && s.first_live <= last_live_) return Fail("stream nodes overlap");
    if (live_ == 0) first_live_ = s.first_live;
    last_live_ = s.last_live;
    live_ += s.live;
  }
  last_master_ = id;
  any_node_ = true;
  *master = id;
  return true;
}

bool StreamNodesCheck::CheckMetadata(uint64_t length, StreamID last_id, const StreamID* first_id,
                                     const uint64_t* entries_added) {
  if (length != live_) return Fail("stream length differs from its entries");
  if (live_ > 0 && last_live_ > last_id) return Fail("stream last ID below its last entry");
  if (entries_added != nullptr && *entries_added < length) {
    return Fail("stream entries-added count below its length");
  }
  if (first_id != nullptr) {
    const bool ok = live_ > 0 ? *first_id == first_live_
                              : *first_id == StreamID::Min() || *first_id == StreamID::Max();
    if (!ok) return Fail("stream first ID differs from its first entry");
  }
  return true;
}

// ------------------------------------------------------------------ groups

bool StreamGroupsCheck::Fail(std::string why) {
  error_ = std::move(why);
  return false;
}

bool StreamGroupsCheck::AddGroup(std::string_view name) {
  if (!groups_.emplace(name).second) {
    return Fail("duplicate consumer group name '" + std::string(name) + "'");
  }
  pel_.clear();
  consumers_.clear();
  in_consumer_ = false;
  return true;
}

bool StreamGroupsCheck::AddGroupPending(StreamID id) {
  if (in_consumer_) return Fail("group pending entry after the consumers");
  if (!pel_.emplace(id, false).second) return Fail("duplicate entry in a group's pending list");
  return true;
}

bool StreamGroupsCheck::AddConsumer(std::string_view name) {
  // Redis's words for this one: its tests look for them in the log.
  if (!consumers_.emplace(name).second) return Fail("Duplicate stream consumer detected");
  in_consumer_ = true;
  return true;
}

bool StreamGroupsCheck::AddConsumerPending(StreamID id) {
  if (!in_consumer_) return Fail("consumer pending entry outside a consumer");
  auto it = pel_.find(id);
  if (it == pel_.end()) return Fail("consumer pending entry missing from the group's list");
  if (it->second) return Fail("pending entry owned by two consumers");
  it->second = true;
  return true;
}

bool StreamGroupsCheck::EndGroup() {
  for (const auto& [id, owned] : pel_) {
    if (!owned) return Fail("group pending entry without a consumer");
  }
  pel_.clear();
  consumers_.clear();
  in_consumer_ = false;
  return true;
}

}  // namespace osprey::types
