// What a background snapshot (keyspace/snapshot_walk.h) writes its keys
// as: an RDB file (BGSAVE, an AOF base with the RDB preamble) or an AOF of
// plain commands (an AOF base with aof-use-rdb-preamble no).
#pragma once

#include <string>

#include "keyspace/snapshot_walk.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_writer.h"

namespace osprey::persistence {

// Ends the image: what the walk delivered becomes a whole file.
class SnapshotWriter : public keyspace::SnapshotVisitor {
 public:
  virtual void End() = 0;
};

// The RDB format: the header at construction, the keys as they come, EOF
// and the checksum at End.
class RdbSnapshotWriter final : public SnapshotWriter {
 public:
  // `out` must outlive the writer.
  RdbSnapshotWriter(RdbSink* out, RdbSaveOptions opts, int version);
  void OnDatabase(int db, size_t keys, size_t expires) override;
  void OnEntry(int db, keyspace::Entry e) override;
  void End() override;

 private:
  RdbSaveOptions opts_;
  RdbStreamWriter writer_;
};

// Commands in RESP form, each key as commands that rebuild it (a SELECT
// whenever the database changes).
class AofSnapshotWriter final : public SnapshotWriter {
 public:
  explicit AofSnapshotWriter(RdbSink* out) : out_(out) {}
  void OnDatabase(int db, size_t keys, size_t expires) override;
  void OnEntry(int db, keyspace::Entry e) override;
  void End() override;

 private:
  void SelectDb(int db);

  RdbSink* out_;
  int db_ = -1;
  std::string buf_;
};

}  // namespace osprey::persistence
