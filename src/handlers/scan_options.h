// Arguments the SCAN family shares: COUNT and MATCH for SCAN, HSCAN, SSCAN
// and ZSCAN, and TYPE for SCAN alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "commands/command_context.h"

namespace osprey::handlers {

struct ScanOptions {
  int64_t count = 10;
  bool use_pattern = false;  // MATCH given, and not "*" (which filters nothing)
  std::string_view pattern;
  bool use_type = false;  // SCAN's TYPE
  std::string_view type;
};

// Parses the options from argument `first` on (2 for SCAN, 3 after the key
// of the others); TYPE is accepted only with `allow_type`. Replies with the
// error and returns false on a bad option, as Redis does.
bool ParseScanOptions(commands::CommandContext& ctx, size_t first, bool allow_type,
                      ScanOptions* opts);

// The count argument of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER: an integer
// other than INT64_MIN (whose negation, the number of picks with
// repetition, would overflow). Replies with the error and returns false
// otherwise.
bool ParseRandomCount(commands::CommandContext& ctx, std::string_view arg, int64_t* count);

}  // namespace osprey::handlers
