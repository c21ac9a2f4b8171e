// Helpers for reading command arguments the way Redis does: each Get*
// either stores the value and returns true, or replies with Redis's error
// for that kind of argument and returns false, so a handler can write
//   int64_t n; if (!GetInt64(ctx, ctx.arg(2), &n)) return;
#pragma once

#include <cstdint>
#include <string_view>

#include "base/ascii.h"
#include "commands/command_context.h"

namespace osprey::commands {

// A whole 64-bit integer; "ERR value is not an integer or out of range".
bool GetInt64(CommandContext& ctx, std::string_view arg, int64_t* out);
// An integer within [min, max]; on failure `message` (or the default integer
// error when null) is the reply.
bool GetInt64InRange(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                     int64_t* out, const char* message = nullptr);
// A 32-bit int as Redis's getIntFromObjectOrReply reads it: not an integer
// -> "ERR value is not an integer or out of range"; outside int range ->
// "ERR value is out of range, value must between -2147483648 and 2147483647".
bool GetInt32(CommandContext& ctx, std::string_view arg, int* out);
// A positive integer (> 0 unless allow_zero); "ERR value is out of range, must be positive".
bool GetPositiveInt64(CommandContext& ctx, std::string_view arg, int64_t* out,
                      bool allow_zero = false);
// A double as ZADD/ZINCRBY read it; "ERR value is not a valid float".
bool GetDouble(CommandContext& ctx, std::string_view arg, double* out);
// A long double as INCRBYFLOAT reads it; "ERR value is not a valid float".
bool GetLongDouble(CommandContext& ctx, std::string_view arg, long double* out);

// A blocking command's timeout in seconds (fractions allowed), as the
// absolute deadline in unix ms (0 = wait forever). Errors as Redis:
// "ERR timeout is not a float or out of range", "ERR timeout is negative".
bool GetBlockingDeadline(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms);

// True when `arg` equals the option `token` ignoring case.
inline bool IsOption(std::string_view arg, std::string_view token) {
  return base::EqualsIgnoreCase(arg, token);
}

}  // namespace osprey::commands
