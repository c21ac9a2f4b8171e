#include "handlers/scan_options.h"

#include <limits>

#include "commands/arg_parser.h"
#include "protocol/reply_errors.h"

namespace osprey::handlers {

using protocol::ErrorCode;

bool ParseScanOptions(commands::CommandContext& ctx, size_t first, bool allow_type,
                      ScanOptions* opts) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    const bool has_value = ctx.argc() - i >= 2;
    const std::string_view opt = ctx.arg(i);
    if (commands::IsOption(opt, "count") && has_value) {
      if (!commands::GetInt64(ctx, ctx.arg(i + 1), &opts->count)) return false;
      if (opts->count < 1) {
        ctx.reply().Error(ErrorCode::kSyntax);
        return false;
      }
    } else if (commands::IsOption(opt, "match") && has_value) {
      opts->pattern = ctx.arg(i + 1);
      opts->use_pattern = opts->pattern != "*";
    } else if (allow_type && commands::IsOption(opt, "type") && has_value) {
      // Compared as a C string, as Redis does: it ends at a NUL byte.
      const std::string_view t = ctx.arg(i + 1);
      opts->type = t.substr(0, t.find('\0'));
      opts->use_type = true;
    } else {
      ctx.reply().Error(ErrorCode::kSyntax);
      return false;
    }
  }
  return true;
}

bool ParseRandomCount(commands::CommandContext& ctx, std::string_view arg, int64_t* count) {
  if (!commands::GetInt64(ctx, arg, count)) return false;
  if (*count == std::numeric_limits<int64_t>::min()) {
    ctx.reply().Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
    return false;
  }
  return true;
}

}  // namespace osprey::handlers
