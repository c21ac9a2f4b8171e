#include "persistence/snapshot_writers.h"

#include <string_view>

#include "persistence/aof_format.h"

namespace osprey::persistence {

RdbSnapshotWriter::RdbSnapshotWriter(RdbSink* out, RdbSaveOptions opts, int version)
    : opts_(std::move(opts)), writer_(out, opts_) {
  writer_.Begin(version);
}

void RdbSnapshotWriter::OnDatabase(int db, size_t keys, size_t expires) {
  writer_.BeginDatabase(db, keys, expires);
}

void RdbSnapshotWriter::OnEntry(int db, keyspace::Entry e) { writer_.Key(db, e); }

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

// Each key as a RESTORE of its DUMP payload (with its absolute expire
// time), which loads the same here and in Redis 7.0.
void AofSnapshotWriter::OnEntry(int db, keyspace::Entry e) {
  SelectDb(db);
  const std::string payload = CreateDumpPayload(e, compress_);
  const std::string ttl = std::to_string(e.has_expire() ? e.expire_ms() : 0);
  buf_.clear();
  if (e.has_expire()) {
    const std::string_view restore[] = {"RESTORE", e.key(), ttl, payload, "ABSTTL"};
    AppendAofCommand(buf_, restore);
  } else {
    const std::string_view restore[] = {"RESTORE", e.key(), ttl, payload};
    AppendAofCommand(buf_, restore);
  }
  out_->Append(buf_.data(), buf_.size());
}

void AofSnapshotWriter::End() {}

}  // namespace osprey::persistence
