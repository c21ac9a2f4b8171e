// What a background snapshot (keyspace/snapshot_walk.h) writes its keys
// as: an RDB file (BGSAVE, an AOF base with the RDB preamble) or an AOF of
// plain commands (an AOF base with aof-use-rdb-preamble no).
#pragma once

#include <string>
#include <vector>

#include "keyspace/snapshot_walk.h"
#include "persistence/background_file.h"
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
//
// A large value (a long list, a big table) would hold the engine thread
// for milliseconds: the walk hands it over with only its key written, and
// the file's thread serializes the value in its place in the file (jobs,
// see BackgroundFile::Defer) while the engine serves requests. Until that
// job is done the value must not change: a write to its key waits for it
// (BeforeHandedOverChange). The file's thread computes the checksum, as it
// alone sees every byte.
class RdbSnapshotWriter final : public SnapshotWriter {
 public:
  // `out` must outlive the writer.
  RdbSnapshotWriter(BackgroundFileSink* out, RdbSaveOptions opts, int version);
  void OnDatabase(int db, size_t keys, size_t expires) override;
  void OnEntry(int db, keyspace::Entry e) override;
  void OnEntryBeforeChange(int db, keyspace::Entry e) override;
  void BeforeHandedOverChange(int db, std::string_view key) override;
  void End() override;
  // Values serialized on the file's thread so far.
  uint64_t deferred_values() const { return deferred_; }

  // Values at least this large are serialized on the file's thread.
  static constexpr size_t kDeferredListNodes = 8;
  static constexpr size_t kDeferredElements = 512;

 private:
  // A value being serialized on the file's thread.
  struct InFlight {
    int db;
    std::string key;
    uint64_t ticket;
  };

  BackgroundFileSink* out_;
  RdbSaveOptions opts_;  // checksum off: the file sums the bytes
  RdbStreamWriter writer_;
  std::vector<InFlight> in_flight_;
  uint64_t deferred_ = 0;
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
