// The manifest of Redis 7's multi-part AOF: which files inside
// `appenddirname` make up the data set, in replay order. One line per file:
//   file <name> seq <n> type <b|h|i>
// (b: the base, an RDB or AOF image; i: incremental AOFs appended after it,
// in order; h: history files a rewrite left for deletion). Lines starting
// with '#' are comments; names with unusual bytes are quoted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::persistence {

struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  char type = 'i';  // 'b', 'h' or 'i'
};

struct AofManifest {
  std::optional<AofFileInfo> base;
  std::vector<AofFileInfo> incrs;    // in sequence order
  std::vector<AofFileInfo> history;  // to be deleted
  int64_t base_seq = 0;  // the highest base sequence used so far
  int64_t incr_seq = 0;  // the highest incremental sequence used so far

  // The manifest text (base, then history, then incrementals, as Redis).
  std::string Encode() const;
  // Parses manifest text; errors name what is wrong, as Redis reports it.
  static base::Result<AofManifest> Parse(std::string_view text);
};

// File names as Redis 7 makes them from appendfilename:
// <base>.<seq>.base.rdb / .base.aof, <base>.<seq>.incr.aof, <base>.manifest.
std::string AofBaseFileName(std::string_view filename, int64_t seq, bool rdb);
std::string AofIncrFileName(std::string_view filename, int64_t seq);
std::string AofManifestFileName(std::string_view filename);

}  // namespace osprey::persistence
