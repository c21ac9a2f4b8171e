// Serializes values and whole data sets in Redis's RDB format, as Redis 7.0
// writes them (RDB version 10: listpacks for small hashes and sorted sets,
// intsets, quicklist nodes as they are in memory, stream nodes as they
// are), so files and DUMP payloads load in Redis 7.0. A hash whose fields
// have expire times needs Redis 7.4's types (version 12); only those values
// (and files holding one) carry version 12.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "keyspace/access_clock.h"
#include "keyspace/entry.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_io.h"

namespace osprey::keyspace {
class Keyspace;
}

namespace osprey::persistence {

// The type byte `e`'s value is written with in a file (or payload) of RDB
// version `version`: a stream is type 19 (Redis 7.0's), or type 21 (with
// consumers' active times) in a file of version kRdbVersionFieldTtl, which
// only Redis 7.4 reads anyway.
RdbType ValueRdbType(keyspace::Entry e, int version = kRdbVersion);
// The RDB version that type needs: kRdbVersionFieldTtl for a hash with
// field expire times, else kRdbVersion.
int ValueRdbVersion(keyspace::Entry e);
// Writes `e`'s value (without its type byte or key), as ValueRdbType(e,
// version) says.
void WriteValue(RdbEncoder& enc, keyspace::Entry e, int version = kRdbVersion);
// The same for an aggregate value on its own (every type but strings,
// which live in their entry): what WriteValue writes for an entry holding
// `object`.
void WriteObject(RdbEncoder& enc, const types::Object& object, int version = kRdbVersion);

// A DUMP payload: type byte, value, the RDB version (2 bytes LE) and the
// CRC-64 of all that (8 bytes LE).
std::string CreateDumpPayload(keyspace::Entry e, bool compress);

// What a data set is saved with.
struct RdbSaveOptions {
  bool compress = true;  // rdbcompression
  bool checksum = true;  // rdbchecksum (else the trailer is zeros)
  // Per-key access information, as the eviction policy keeps it: idle
  // seconds under an LRU policy, the LFU counter under an LFU one.
  enum class AccessInfo { kNone, kLru, kLfu };
  AccessInfo access_info = AccessInfo::kNone;
  keyspace::LfuParams lfu_params;
  int64_t now_ms = 0;
  // AUX fields after the header, in order (redis-ver, ctime, ...).
  std::vector<std::pair<std::string, std::string>> aux;
  // WriteDataset calls it before each key, when set (a SAVE's pacing).
  std::function<void()> before_key;
};

// Passes bytes on, keeping their CRC-64 (the file's trailer) unless
// `enabled` is false (rdbchecksum no: the trailer is zeros).
class Crc64Sink final : public RdbSink {
 public:
  explicit Crc64Sink(RdbSink* inner, bool enabled = true) : inner_(inner), enabled_(enabled) {}
  void Append(const void* data, size_t len) override;
  uint64_t crc() const { return crc_; }

 private:
  RdbSink* inner_;
  bool enabled_;
  uint64_t crc_ = 0;
};

// Writes an RDB file a piece at a time: the header, then keys in whatever
// order and database the caller has them (SELECTDB is written whenever the
// database changes), then the end. A background snapshot feeds one as its
// walk goes; WriteDataset feeds one the whole data set at once.
class RdbStreamWriter {
 public:
  // `out` and `opts` must outlive the writer.
  RdbStreamWriter(RdbSink* out, const RdbSaveOptions& opts);
  // The magic with `version`, then the AUX fields of the options. Values
  // are written as that version allows (ValueRdbType).
  void Begin(int version);
  // Enters database `db` with a size hint (SELECTDB, RESIZEDB).
  void BeginDatabase(int db, size_t keys, size_t expires);
  // One key of database `db`: expire, access information, type, key, value.
  void Key(int db, keyspace::Entry e);
  // Key without the value, which the caller writes next (a background
  // snapshot has large values serialized on its writer thread).
  void KeyHeader(int db, keyspace::Entry e);
  int version() const { return version_; }
  // EOF and the checksum (zeros with rdbchecksum off).
  void End();

 private:
  void SelectDb(int db);

  RdbSink* out_;
  Crc64Sink sink_;
  RdbEncoder enc_;
  const RdbSaveOptions& opts_;
  int db_ = -1;
  int version_ = kRdbVersion;
};

// The version a file of this data set gets: kRdbVersionFieldTtl when some
// hash has field expire times, else kRdbVersion.
int DatasetRdbVersion(const keyspace::Keyspace& ks);

// Writes the whole data set: header, AUX fields, every database's keys
// (with SELECTDB and RESIZEDB), EOF and the checksum.
void WriteDataset(RdbSink& sink, const keyspace::Keyspace& ks, const RdbSaveOptions& opts);

}  // namespace osprey::persistence
