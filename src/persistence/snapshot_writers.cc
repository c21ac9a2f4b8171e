#include "persistence/snapshot_writers.h"

#include <string>
#include <string_view>
#include <vector>

#include "persistence/aof_format.h"
#include "persistence/aof_rewrite.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"

namespace osprey::persistence {

namespace {

RdbSaveOptions WithoutChecksum(RdbSaveOptions opts) {
  opts.checksum = false;
  return opts;
}

// What a value counts in the file's pending bytes while its job waits (a
// rough size), or 0 for a value serialized at once.
size_t DeferredWeight(keyspace::Entry e) {
  constexpr size_t kNodeBytes = 8 << 10;   // a quicklist node's default size
  constexpr size_t kElementBytes = 32;
  switch (e.type()) {
    case types::ValueType::kList: {
      const auto& list = static_cast<const types::ListValue&>(*e.object());
      return list.node_count() >= RdbSnapshotWriter::kDeferredListNodes
                 ? list.node_count() * kNodeBytes
                 : 0;
    }
    case types::ValueType::kSet: {
      const auto& set = static_cast<const types::SetValue&>(*e.object());
      return !set.is_intset() && set.size() >= RdbSnapshotWriter::kDeferredElements
                 ? set.size() * kElementBytes
                 : 0;
    }
    case types::ValueType::kZSet: {
      const auto& z = static_cast<const types::ZSetValue&>(*e.object());
      return z.encoding() == types::ZSetValue::Encoding::kSkiplist &&
                     z.size() >= RdbSnapshotWriter::kDeferredElements
                 ? z.size() * 2 * kElementBytes
                 : 0;
    }
    case types::ValueType::kHash: {
      const auto& h = static_cast<const types::HashValue&>(*e.object());
      return h.encoding() == types::HashValue::Encoding::kTable &&
                     h.Size() >= RdbSnapshotWriter::kDeferredElements
                 ? h.Size() * 2 * kElementBytes
                 : 0;
    }
    default:
      return 0;  // strings are small; streams are written at once
  }
}

// The value `object` holds in RDB form, as WriteValue writes it.
std::string SerializeValue(const types::Object* object, int version, bool compress) {
  std::string out;
  StringSink sink(&out);
  RdbEncoder enc(&sink, compress);
  WriteObject(enc, *object, version);
  return out;
}

}  // namespace

RdbSnapshotWriter::RdbSnapshotWriter(BackgroundFileSink* out, RdbSaveOptions opts, int version)
    : out_(out), opts_(WithoutChecksum(opts)), writer_(out, opts_) {
  if (opts.checksum) out->file()->EnableRdbChecksum();
  writer_.Begin(version);
}

void RdbSnapshotWriter::OnDatabase(int db, size_t keys, size_t expires) {
  writer_.BeginDatabase(db, keys, expires);
}

void RdbSnapshotWriter::OnEntry(int db, keyspace::Entry e) {
  const size_t weight = DeferredWeight(e);
  if (weight == 0) {
    writer_.Key(db, e);
    return;
  }
  // Jobs done meanwhile need no watching any more.
  std::erase_if(in_flight_, [&](const InFlight& f) { return out_->file()->Done(f.ticket); });
  writer_.KeyHeader(db, e);
  const types::Object* object = e.object();
  const int version = writer_.version();
  const bool compress = opts_.compress;
  const uint64_t ticket = out_->Defer(
      [object, version, compress] { return SerializeValue(object, version, compress); }, weight);
  in_flight_.push_back({db, std::string(e.key()), ticket});
  ++deferred_;
}

void RdbSnapshotWriter::OnEntryBeforeChange(int db, keyspace::Entry e) { writer_.Key(db, e); }

void RdbSnapshotWriter::BeforeHandedOverChange(int db, std::string_view key) {
  if (in_flight_.empty()) return;
  for (auto it = in_flight_.begin(); it != in_flight_.end(); ++it) {
    if (it->db != db || it->key != key) continue;
    out_->file()->WaitFor(it->ticket);
    in_flight_.erase(it);
    return;
  }
}

void RdbSnapshotWriter::End() { writer_.End(); }

void AofSnapshotWriter::SelectDb(int db) {
  if (db == db_) return;
  db_ = db;
  const std::string idx = std::to_string(db);
  const std::string_view select[] = {"SELECT", idx};
  buf_.clear();
  AppendAofCommand(buf_, select);
  out_->Append(buf_.data(), buf_.size());
}

void AofSnapshotWriter::OnDatabase(int db, size_t, size_t) { SelectDb(db); }

// Each key as the typed commands Redis 7 rewrites it with (aof_rewrite.h).
void AofSnapshotWriter::OnEntry(int db, keyspace::Entry e) {
  SelectDb(db);
  buf_.clear();
  AppendKeyAsCommands(&buf_, e.key(), e);
  out_->Append(buf_.data(), buf_.size());
}

void AofSnapshotWriter::End() {}

}  // namespace osprey::persistence
