#include "persistence/snapshot_writers.h"

#include <string_view>

#include "persistence/aof_format.h"
#include "persistence/aof_rewrite.h"

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

// Each key as the typed commands Redis 7 rewrites it with (aof_rewrite.h).
void AofSnapshotWriter::OnEntry(int db, keyspace::Entry e) {
  SelectDb(db);
  buf_.clear();
  AppendKeyAsCommands(&buf_, e.key(), e);
  out_->Append(buf_.data(), buf_.size());
}

void AofSnapshotWriter::End() {}

}  // namespace osprey::persistence
