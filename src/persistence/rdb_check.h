// Checking RDB files, as osprey-check-rdb (and osprey-check-aof, for an
// RDB base or preamble) does: the file is read by the loader that loads it
// at start-up, in check-only mode (every value read and verified, nothing
// kept), and what it holds is reported line by line in redis-check-rdb's
// format, so scripts written for that tool read this one too. On damage the
// report names the offset, what was being read (the key and its type) and
// why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osprey::persistence {

// Where a check's report goes, piece by piece, as it is made (stdout in the
// tools, so a prompt shows before the tool waits for an answer).
using CheckOutput = std::function<void(std::string_view text)>;

struct RdbDbCounts {
  uint64_t keys = 0;     // keys whose value was read whole
  uint64_t expires = 0;  // of those, keys with an expire time
};

enum class RdbChecksumState : uint8_t {
  kNone,      // not reached, or a version before 5 (no trailer)
  kDisabled,  // the writer stored 0: nothing to compare
  kOk,
  kMismatch,
};

struct RdbCheckResult {
  bool ok = false;
  int version = 0;    // 0 when the header is bad
  uint64_t keys = 0;  // key names read (as redis-check-rdb counts: the failing one too)
  uint64_t expires = 0;
  uint64_t already_expired = 0;
  uint64_t empty_keys = 0;  // aggregates without elements, which loading drops
  std::map<uint64_t, RdbDbCounts> dbs;
  std::vector<std::pair<std::string, std::string>> aux;
  RdbChecksumState checksum = RdbChecksumState::kNone;
  // When ok: the offset just past the data set (EOF opcode and checksum),
  // where the commands of an AOF with an RDB preamble begin.
  size_t end = 0;
  // When not ok: where and why, and the key being read (if any).
  size_t error_offset = 0;
  std::string error;
  std::string error_key;
  bool unsupported = false;  // content this server cannot load (not damage)
};

// Checks the RDB image `data`, named `name` in the report, writing the
// report to `out`. Expire times before `now_ms` count as already expired.
RdbCheckResult CheckRdbImage(std::string_view data, std::string_view name, int64_t now_ms,
                             const CheckOutput& out);

// osprey-check-rdb <path>: checks the file; returns the exit status, 0 when
// the file is sound, 1 when it is damaged or cannot be read.
int RunRdbCheck(const std::string& path, int64_t now_ms, const CheckOutput& out);

}  // namespace osprey::persistence
