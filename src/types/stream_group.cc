#include "types/stream_group.h"

#include <utility>

#include "types/stream.h"

namespace osprey::types {
namespace {

// What one node of a std::map costs beyond its value: three links, the
// colour, and the allocator's rounding (libstdc++ red-black tree).
constexpr size_t kMapNodeOverhead = 48;

// Counters come from clients (ENTRIESREAD, XSETID ENTRIESADDED) and may sit
// at the ends of the range: Redis's long long arithmetic on them wraps, and
// so does this, without the undefined behaviour.
int64_t WrappingSub(uint64_t a, uint64_t b) { return static_cast<int64_t>(a - b); }

}  // namespace

std::unique_ptr<StreamGroup> StreamGroup::Clone() const {
  auto copy = std::make_unique<StreamGroup>(last_id_, entries_read_);
  // Consumers first, so that each copied PEL entry can point at its owner's
  // copy; then each consumer's share of the PEL is rebuilt from the copy.
  std::map<const StreamConsumer*, StreamConsumer*> owner_of;
  for (const auto& [name, consumer] : consumers_) {
    auto c = std::make_unique<StreamConsumer>();
    c->name = consumer->name;
    c->seen_time_ms = consumer->seen_time_ms;
    c->active_time_ms = consumer->active_time_ms;
    owner_of[consumer.get()] = c.get();
    copy->consumers_.emplace(name, std::move(c));
  }
  for (const auto& [id, entry] : pel_) {
    StreamPendingEntry e = entry;
    e.consumer = entry.consumer == nullptr ? nullptr : owner_of.at(entry.consumer);
    auto [it, inserted] = copy->pel_.emplace(id, e);
    (void)inserted;
    if (it->second.consumer != nullptr) it->second.consumer->pel.emplace(id, &it->second);
  }
  return copy;
}

size_t StreamGroup::MemoryUsage() const {
  size_t bytes = sizeof(*this);
  bytes += pel_.size() * (kMapNodeOverhead + sizeof(StreamID) + sizeof(StreamPendingEntry));
  for (const auto& [name, consumer] : consumers_) {
    bytes += kMapNodeOverhead + sizeof(std::string) + sizeof(void*) + sizeof(StreamConsumer);
    // The name is held twice (map key and consumer); short names live inline.
    if (name.capacity() > 15) bytes += 2 * (name.capacity() + 1);
    bytes += consumer->pel.size() * (kMapNodeOverhead + sizeof(StreamID) + sizeof(void*));
  }
  return bytes;
}

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) const {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : it->second.get();
}

StreamConsumer* StreamGroup::FindOrCreateConsumer(std::string_view name, int64_t now_ms,
                                                  bool* created) {
  auto it = consumers_.find(name);
  if (it != consumers_.end()) {
    *created = false;
    return it->second.get();
  }
  auto c = std::make_unique<StreamConsumer>();
  c->name.assign(name);
  c->seen_time_ms = now_ms;
  StreamConsumer* raw = c.get();
  consumers_.emplace(std::string(name), std::move(c));
  *created = true;
  return raw;
}

int64_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it == consumers_.end()) return -1;
  StreamConsumer* consumer = it->second.get();
  const auto pending = static_cast<int64_t>(consumer->pel.size());
  for (const auto& [id, entry] : consumer->pel) pel_.erase(id);
  consumers_.erase(it);
  return pending;
}

StreamPendingEntry* StreamGroup::FindPending(StreamID id) {
  auto it = pel_.find(id);
  return it == pel_.end() ? nullptr : &it->second;
}

StreamPendingEntry* StreamGroup::FindPendingFrom(StreamID from, StreamID* id) {
  auto it = pel_.lower_bound(from);
  if (it == pel_.end()) return nullptr;
  *id = it->first;
  return &it->second;
}

StreamPendingEntry* StreamGroup::AddPending(StreamID id, StreamConsumer* consumer, int64_t now_ms) {
  auto [it, inserted] = pel_.try_emplace(id);
  StreamPendingEntry* entry = &it->second;
  if (!inserted && entry->consumer != nullptr && entry->consumer != consumer) {
    entry->consumer->pel.erase(id);
  }
  // A new delivery, whoever held the entry before (XGROUP SETID can make a
  // group deliver an entry a second time).
  entry->delivery_time_ms = now_ms;
  entry->delivery_count = 1;
  entry->consumer = consumer;
  if (consumer != nullptr) consumer->pel[id] = entry;
  return entry;
}

void StreamGroup::ChangeOwner(StreamPendingEntry* entry, StreamID id, StreamConsumer* to) {
  if (entry->consumer == to) return;
  if (entry->consumer != nullptr) entry->consumer->pel.erase(id);
  entry->consumer = to;
  if (to != nullptr) to->pel[id] = entry;
}

bool StreamGroup::Acknowledge(StreamID id) {
  auto it = pel_.find(id);
  if (it == pel_.end()) return false;
  if (it->second.consumer != nullptr) it->second.consumer->pel.erase(id);
  pel_.erase(it);
  return true;
}

void StreamGroup::AdvanceLastId(const StreamValue& stream, StreamID id) {
  if (entries_read_ != kStreamEntriesReadUnknown &&
      !StreamRangeHasTombstones(stream, id, StreamID::Max())) {
    // Nothing deleted from here on: one more entry read.
    entries_read_ = WrappingSub(static_cast<uint64_t>(entries_read_), -uint64_t{1});
  } else if (stream.entries_added() != 0) {
    entries_read_ = StreamEntriesReadAt(stream, id);
  }
  last_id_ = id;
}

bool StreamRangeHasTombstones(const StreamValue& stream, StreamID start, StreamID end) {
  const StreamID max_deleted = stream.max_deleted_id();
  if (stream.Length() == 0 || max_deleted == StreamID::Min()) return false;
  // The last deletion happened before the first live entry.
  if (stream.first_id() > max_deleted) return false;
  return start <= max_deleted && max_deleted <= end;
}

int64_t StreamEntriesReadAt(const StreamValue& stream, StreamID id) {
  const uint64_t added = stream.entries_added();
  if (added == 0) return 0;  // nothing was ever added
  if (stream.Length() == 0 && id <= stream.last_id()) return static_cast<int64_t>(added);
  if (id == stream.last_id()) return static_cast<int64_t>(added);
  if (id > stream.last_id()) return kStreamEntriesReadUnknown;  // the future
  const StreamID max_deleted = stream.max_deleted_id();
  if (max_deleted == StreamID::Min() || max_deleted < stream.first_id()) {
    // No hole from the first live entry on: entries before it are all gone.
    const uint64_t length = stream.Length();
    if (id < stream.first_id()) return WrappingSub(added, length);
    if (id == stream.first_id()) return WrappingSub(added + 1, length);
  }
  // Somewhere among the live entries, with or without holes: unknown.
  return kStreamEntriesReadUnknown;
}

bool StreamGroupLag(const StreamValue& stream, const StreamGroup& group, int64_t* lag) {
  const uint64_t added = stream.entries_added();
  if (added == 0) {
    *lag = 0;
    return true;
  }
  if (group.entries_read() != kStreamEntriesReadUnknown &&
      !StreamRangeHasTombstones(stream, group.last_id(), StreamID::Max())) {
    *lag = WrappingSub(added, static_cast<uint64_t>(group.entries_read()));
    return true;
  }
  const int64_t read = StreamEntriesReadAt(stream, group.last_id());
  if (read == kStreamEntriesReadUnknown) return false;
  *lag = WrappingSub(added, static_cast<uint64_t>(read));
  return true;
}

}  // namespace osprey::types
