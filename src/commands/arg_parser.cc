#include "commands/arg_parser.h"

#include <cmath>

#include "base/numbers.h"
#include "protocol/reply_errors.h"

namespace osprey::commands {

using protocol::ErrorCode;

bool GetInt64(CommandContext& ctx, std::string_view arg, int64_t* out) {
  if (base::ParseInt64(arg, out)) return true;
  ctx.reply().Error(ErrorCode::kNotInteger);
  return false;
}

bool GetInt64InRange(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                     int64_t* out, const char* message) {
  int64_t v;
  if (!base::ParseInt64(arg, &v) || v < min || v > max) {
    if (message) {
      ctx.reply().Error(message);
    } else {
      ctx.reply().Error(ErrorCode::kNotInteger);
    }
    return false;
  }
  *out = v;
  return true;
}

bool GetInt32(CommandContext& ctx, std::string_view arg, int* out) {
  int64_t v;
  if (!GetInt64(ctx, arg, &v)) return false;
  if (v < INT32_MIN || v > INT32_MAX) {
    ctx.reply().Error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool GetBlockingDeadline(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  long double seconds;
  if (!base::ParseLongDouble(arg, &seconds)) {
    ctx.reply().Error(ErrorCode::kTimeoutNotFloat);
    return false;
  }
  long double ms = ceill(seconds * 1000.0L);
  // Out of the range of a 64-bit count of milliseconds (inf, 1e300, ...):
  // Redis's conversion gives x86's "integer indefinite", INT64_MIN, whatever
  // the sign, so such a timeout is "negative". Do the same without the
  // undefined conversion.
  int64_t t = (ms >= -0x1p63L && ms < 0x1p63L) ? static_cast<int64_t>(ms) : INT64_MIN;
  if (t < 0) {
    ctx.reply().Error(ErrorCode::kNegativeTimeout);
    return false;
  }
  // Redis adds "now" without an overflow check: a huge timeout wraps into
  // the past and times out at once. Keep that, without the undefined overflow.
  if (t > 0) t = static_cast<int64_t>(static_cast<uint64_t>(t) + static_cast<uint64_t>(ctx.now_ms()));
  *deadline_ms = t;
  return true;
}

bool GetPositiveInt64(CommandContext& ctx, std::string_view arg, int64_t* out, bool allow_zero) {
  int64_t v;
  if (!GetInt64(ctx, arg, &v)) return false;
  if (v < 0 || (!allow_zero && v == 0)) {
    ctx.reply().Error(ErrorCode::kNotPositive);
    return false;
  }
  *out = v;
  return true;
}

bool GetDouble(CommandContext& ctx, std::string_view arg, double* out) {
  if (base::ParseDouble(arg, out)) return true;
  ctx.reply().Error(ErrorCode::kNotFloat);
  return false;
}

bool GetLongDouble(CommandContext& ctx, std::string_view arg, long double* out) {
  if (base::ParseLongDouble(arg, out)) return true;
  ctx.reply().Error(ErrorCode::kNotFloat);
  return false;
}

}  // namespace osprey::commands
