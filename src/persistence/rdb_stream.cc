// A stream is read in the order the file holds it: the nodes (each checked
// before it is kept), the metadata, then each consumer group with its
// pending-entries list and its consumers. The checks of
// types/stream_node_check.h run as the parts arrive, so a failure names
// the offset of the part that broke them.
#include "persistence/rdb_stream.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "types/listpack.h"
#include "types/stream.h"
#include "types/stream_group.h"
#include "types/stream_node_check.h"

namespace osprey::persistence {

using types::StreamID;
using types::StreamValue;

namespace {

// The fewest bytes each part takes, so a count the bytes left cannot hold
// is refused before any work: a node is two strings (a 16-byte key and a
// listpack of at least 7 bytes); a group a name, two IDs' worth of
// lengths, a PEL count and a consumer count; a pending entry 16 ID bytes,
// 8 of time and a count; a consumer a name, 8 bytes of time and a count;
// a consumer's pending entry 16 bytes.
constexpr size_t kMinNodeBytes = 1 + 16 + 1 + 7;
constexpr size_t kMinGroupBytes = 5;
constexpr size_t kMinPendingBytes = 16 + 8 + 1;
constexpr size_t kMinConsumerBytes = 1 + 8 + 1;
constexpr size_t kMinConsumerPendingBytes = 16;

bool ReadCount(RdbReader& r, size_t min_bytes, uint64_t* out) {
  const size_t start = r.offset();
  if (!r.Len(out)) return false;
  if (*out > r.remaining() / min_bytes) return r.FailAt(start, "element count exceeds the data");
  return true;
}

bool ReadId(RdbReader& r, StreamID* out) { return r.Len(&out->ms) && r.Len(&out->seq); }

// A 16-byte big-endian ID, as PELs store them.
bool ReadRawId(RdbReader& r, StreamID* out) {
  std::string_view raw;
  if (!r.Raw(16, &raw)) return false;
  *out = StreamID::DecodeBigEndian(reinterpret_cast<const uint8_t*>(raw.data()));
  return true;
}

bool ReadName(RdbReader& r, std::string* out) {
  std::string scratch;
  std::string_view v;
  if (!r.String(&v, &scratch)) return false;
  out->assign(v);
  return true;
}

bool LoadNodes(RdbReader& r, StreamValue* s, types::StreamNodesCheck* check) {
  uint64_t nodes;
  if (!ReadCount(r, kMinNodeBytes, &nodes)) return false;
  std::string key_scratch;
  std::string node_scratch;
  for (uint64_t i = 0; i < nodes; ++i) {
    const size_t at = r.offset();
    std::string_view key;
    std::string_view node;
    if (!r.String(&key, &key_scratch) || !r.String(&node, &node_scratch)) return false;
    StreamID master;
    if (!check->AddNode(key, node, &master)) return r.FailAt(at, check->error());
    s->AppendNode(master, types::Listpack::FromValidated(node));
  }
  return true;
}

bool LoadMetadata(RdbReader& r, bool v2, StreamValue* s, types::StreamNodesCheck* check) {
  const size_t at = r.offset();
  uint64_t length;
  StreamID last;
  if (!r.Len(&length) || !ReadId(r, &last)) return false;
  StreamID first;
  StreamID max_deleted;
  uint64_t added = length;
  if (v2 && (!ReadId(r, &first) || !ReadId(r, &max_deleted) || !r.Len(&added))) return false;
  if (!check->CheckMetadata(length, last, v2 ? &first : nullptr, v2 ? &added : nullptr)) {
    return r.FailAt(at, check->error());
  }
  if (!v2) {
    // What Redis 7 makes of an older stream: the first live entry (the
    // largest ID when there is none), no deletion known, every entry added.
    first = check->live() > 0 ? check->first_live() : StreamID::Max();
  }
  s->set_length(length);
  s->set_last_id(last);
  s->set_first_id(first);
  s->set_max_deleted_id(max_deleted);
  s->set_entries_added(added);
  return true;
}

struct Pending {
  int64_t delivery_time_ms;
  uint64_t delivery_count;
};

// A consumer and its share of the PEL; the delivery data comes from the
// group's PEL read before.
bool LoadConsumer(RdbReader& r, RdbType type, const std::map<StreamID, Pending>& pel,
                  types::StreamGroup* g, types::StreamGroupsCheck* check) {
  const size_t at = r.offset();
  std::string name;
  if (!ReadName(r, &name)) return false;
  if (!check->AddConsumer(name)) return r.FailAt(at, check->error());
  int64_t seen;
  if (!r.Millis(&seen)) return false;
  // Before Redis 7.2 there was no active time: seen is the best guess, as
  // Redis 7.2 takes it.
  int64_t active = seen;
  if (type == RdbType::kStreamListpacks3 && !r.Millis(&active)) return false;
  bool created;
  types::StreamConsumer* c = g->FindOrCreateConsumer(name, seen, &created);
  c->seen_time_ms = seen;
  c->active_time_ms = active;
  uint64_t owned;
  if (!ReadCount(r, kMinConsumerPendingBytes, &owned)) return false;
  for (uint64_t i = 0; i < owned; ++i) {
    const size_t id_at = r.offset();
    StreamID id;
    if (!ReadRawId(r, &id)) return false;
    if (!check->AddConsumerPending(id)) return r.FailAt(id_at, check->error());
    const Pending& p = pel.at(id);  // AddConsumerPending found it there
    types::StreamPendingEntry* e = g->AddPending(id, c, p.delivery_time_ms);
    e->delivery_time_ms = p.delivery_time_ms;
    e->delivery_count = p.delivery_count;
  }
  return true;
}

bool LoadGroup(RdbReader& r, RdbType type, StreamValue* s, types::StreamGroupsCheck* check) {
  const size_t at = r.offset();
  std::string name;
  if (!ReadName(r, &name)) return false;
  if (!check->AddGroup(name)) return r.FailAt(at, check->error());
  StreamID last;
  if (!ReadId(r, &last)) return false;
  int64_t entries_read;
  if (type == RdbType::kStreamListpacks) {
    // Not stored: what the metadata (worked out as Redis 7 does) tells.
    entries_read = types::StreamEntriesReadAt(*s, last);
  } else {
    uint64_t stored;
    if (!r.Len(&stored)) return false;
    entries_read = static_cast<int64_t>(stored);  // -1 (not known) is stored as 2^64 - 1
  }
  types::StreamGroup* g = s->CreateGroup(name, last, entries_read);
  uint64_t pending;
  if (!ReadCount(r, kMinPendingBytes, &pending)) return false;
  std::map<StreamID, Pending> pel;
  for (uint64_t i = 0; i < pending; ++i) {
    const size_t id_at = r.offset();
    StreamID id;
    Pending p;
    if (!ReadRawId(r, &id) || !r.Millis(&p.delivery_time_ms) || !r.Len(&p.delivery_count)) {
      return false;
    }
    if (!check->AddGroupPending(id)) return r.FailAt(id_at, check->error());
    pel.emplace(id, p);
  }
  uint64_t consumers;
  if (!ReadCount(r, kMinConsumerBytes, &consumers)) return false;
  for (uint64_t i = 0; i < consumers; ++i) {
    if (!LoadConsumer(r, type, pel, g, check)) return false;
  }
  if (!check->EndGroup()) return r.FailAt(at, check->error());
  return true;
}

void WriteRawId(RdbEncoder& enc, StreamID id) {
  uint8_t raw[16];
  id.EncodeBigEndian(raw);
  enc.Raw(raw, sizeof(raw));
}

void WriteId(RdbEncoder& enc, StreamID id) {
  enc.Len(id.ms);
  enc.Len(id.seq);
}

void WriteGroup(RdbEncoder& enc, std::string_view name, const types::StreamGroup& g,
                bool active_times) {
  enc.String(name);
  WriteId(enc, g.last_id());
  enc.Len(static_cast<uint64_t>(g.entries_read()));
  enc.Len(g.pel().size());
  for (const auto& [id, p] : g.pel()) {
    WriteRawId(enc, id);
    enc.Millis(p.delivery_time_ms);
    enc.Len(p.delivery_count);
  }
  enc.Len(g.consumers().size());
  for (const auto& [consumer_name, c] : g.consumers()) {
    enc.String(consumer_name);
    enc.Millis(c->seen_time_ms);
    if (active_times) enc.Millis(c->active_time_ms);
    enc.Len(c->pel.size());
    for (const auto& entry : c->pel) WriteRawId(enc, entry.first);
  }
}

}  // namespace

LoadResult LoadStream(RdbReader& r, RdbType type, LoadedValue* out) {
  auto s = std::make_unique<StreamValue>();
  types::StreamNodesCheck nodes;
  const bool v2 = type != RdbType::kStreamListpacks;
  if (!LoadNodes(r, s.get(), &nodes) || !LoadMetadata(r, v2, s.get(), &nodes)) {
    return LoadResult::kError;
  }
  uint64_t groups;
  if (!ReadCount(r, kMinGroupBytes, &groups)) return LoadResult::kError;
  types::StreamGroupsCheck check;
  for (uint64_t i = 0; i < groups; ++i) {
    if (!LoadGroup(r, type, s.get(), &check)) return LoadResult::kError;
  }
  out->type = types::ValueType::kStream;
  out->object = std::move(s);
  return LoadResult::kOk;
}

void WriteStream(RdbEncoder& enc, const StreamValue& s, bool active_times) {
  enc.Len(s.NodeCount());
  s.ForEachNode([&](StreamID master, std::string_view node) {
    uint8_t key[16];
    master.EncodeBigEndian(key);
    enc.String(std::string_view(reinterpret_cast<const char*>(key), sizeof(key)));
    enc.String(node);
  });
  enc.Len(s.Length());
  WriteId(enc, s.last_id());
  WriteId(enc, s.first_id());
  WriteId(enc, s.max_deleted_id());
  enc.Len(s.entries_added());
  enc.Len(s.groups().size());
  for (const auto& [name, g] : s.groups()) WriteGroup(enc, name, *g, active_times);
}

}  // namespace osprey::persistence
