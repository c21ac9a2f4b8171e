// Loads values and whole data sets from Redis's RDB format, versions 1 to 12
// (Redis 2.x to 7.4), converting encodings no value uses any more (zipmap,
// ziplist, set listpack) and applying this server's encoding thresholds as
// Redis does on load. Every compact blob is checked in full before it is
// trusted, and every length against the bytes left, so corrupt or hostile
// input is refused with a message naming the offset (and the key), never
// read out of bounds. Streams get the deep checks of
// types/stream_node_check.h. Modules are refused by name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "commands/engine_config.h"
#include "keyspace/entry.h"
#include "persistence/rdb_io.h"
#include "types/object.h"

namespace osprey::keyspace {
class Keyspace;
}

namespace osprey::persistence {

// A value read from RDB, not yet stored under a key.
struct LoadedValue {
  types::ValueType type = types::ValueType::kString;
  std::string string;                    // a string's bytes
  std::unique_ptr<types::Object> object;  // any other type

  // The spec that stores the value (a string gets the encoding SET would
  // give it); the object's ownership moves into the spec.
  keyspace::ValueSpec TakeSpec();
};

enum class LoadResult {
  kOk,
  kEmpty,  // a well-formed aggregate with no elements (no key may hold one)
  kError,  // the reader holds what went wrong, and where
  // A value this server cannot hold (a module type); the reader says
  // which, and where.
  kUnsupported,
};

// Reads a value of RDB type `type` from `r`. `cfg` supplies the encoding
// thresholds; `seed` keys the hash tables of sets.
LoadResult LoadValue(RdbReader& r, uint8_t type, const commands::EngineConfig& cfg, uint64_t seed,
                     LoadedValue* out);

// A DUMP payload ends with the RDB version (2 bytes) and the CRC-64 (8).
inline constexpr size_t kDumpTrailerSize = 10;

// The fields of a DUMP payload's trailer, checked: the version (at most
// kRdbMaxVersion) and, unless skip_checksum, the CRC-64. False when either
// is wrong or the payload is shorter than the trailer.
bool VerifyDumpPayload(std::string_view payload, bool skip_checksum);

// Follows a load of a data set as it reads the file (osprey-check-rdb
// reports from it). Offsets are file offsets; every call has a default that
// does nothing.
class RdbLoadObserver {
 public:
  virtual ~RdbLoadObserver() = default;
  // The opcode or value type byte at `offset` was read.
  virtual void OnType(size_t offset, uint8_t type) { (void)offset, (void)type; }
  // An AUX field was read; `end` is the offset just past it.
  virtual void OnAux(size_t end, std::string_view name, std::string_view value) {
    (void)end, (void)name, (void)value;
  }
  // A SELECTDB opcode was read; `end` is the offset just past it.
  virtual void OnSelectDb(size_t end, uint64_t db) { (void)end, (void)db; }
  // The name of the key whose value is read next.
  virtual void OnKey(std::string_view key) { (void)key; }
  // That key's value was read whole (`expire_ms` -1: it has no time).
  virtual void OnValue(int64_t expire_ms) { (void)expire_ms; }
  // The checksum trailer was read; `end` is the offset just past it.
  // `stored` 0 means the writer computed none; `matches` is false only
  // when the checksum was compared and differs.
  virtual void OnChecksum(size_t end, uint64_t stored, bool matches) {
    (void)end, (void)stored, (void)matches;
  }
  // The read that failed, just before the load returns its error.
  virtual void OnReadError(size_t offset, std::string_view what) { (void)offset, (void)what; }
};

// How a data set is loaded.
struct RdbLoadOptions {
  bool verify_checksum = true;  // rdbchecksum, unless DEBUG turned checks off
  // Keys whose time has passed are dropped (a master's load), or kept.
  bool drop_expired = true;
  int64_t now_ms = 0;
  // Whether LRU idle times (false) or LFU counters (true) from the file set
  // the keys' access clocks.
  bool lfu = false;
  // A key already in the database is replaced (DEBUG RELOAD MERGE) instead
  // of failing the load as a duplicate.
  bool replace_existing = false;
  // Every value is read and checked, then dropped: nothing is stored, any
  // database number is accepted and duplicates are not looked for (a file
  // check that needs no more memory than its largest value).
  bool check_only = false;
  // Told what the file holds as it is read; may be null. Not owned.
  RdbLoadObserver* observer = nullptr;
};

struct RdbLoadStats {
  int version = 0;
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;
  uint64_t empty_keys_skipped = 0;
  std::vector<std::string> empty_keys;  // the first few skipped, for the log
  std::vector<std::pair<std::string, std::string>> aux;
};

// Loads a whole RDB file image into `ks` (whose databases should be empty).
// On failure the databases may hold part of the data; the status is a
// corruption naming the offset, the key and database when one was being
// read, or unsupported for content this server cannot hold.
base::Status LoadDataset(std::string_view data, keyspace::Keyspace& ks,
                         const commands::EngineConfig& cfg, const RdbLoadOptions& opts,
                         RdbLoadStats* stats);

}  // namespace osprey::persistence
