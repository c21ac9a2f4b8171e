// The error replies clients see, worded exactly as Redis words them. Code
// below the protocol layer reports an ErrorCode; this table is the one place
// that turns it into text (tests pin the wording).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace osprey::protocol {

// Append-only: values may be stored in tests and stats.
enum class ErrorCode : uint8_t {
  kWrongType,
  kNotInteger,
  kNotFloat,
  kOverflow,
  kSyntax,
  kNoSuchKey,
  kIndexOutOfRange,
  kSameObject,
  kStringTooLong,
  kBusyKey,
  kNoAuth,
  kLoading,
  kOom,
  kExecAbort,
  kDbIndexOutOfRange,
  kNotPositive,
  kReadonlyReplica,
  kNoScript,
  kIncrNanOrInf,
  kMisconf,
  kInvalidCursor,
  kNegativeTimeout,
  kTimeoutNotFloat,
  kTimeoutOutOfRange,
};

// The reply text for `code`, without the leading '-' or trailing CRLF.
std::string_view ErrorText(ErrorCode code);

// "ERR wrong number of arguments for '<name>' command" (`name` is the full,
// lower-case name, e.g. "config|get").
std::string WrongArityError(std::string_view command_name);
// "ERR unknown command '<name>', with args beginning with: '<a1>' '<a2>' ..."
std::string UnknownCommandError(std::string_view name, std::span<const std::string_view> args);
// "ERR unknown subcommand '<sub>'. Try <CONTAINER> HELP."
std::string UnknownSubcommandError(std::string_view container, std::string_view sub);
// "ERR invalid expire time in '<name>' command"
std::string InvalidExpireTimeError(std::string_view command_name);

}  // namespace osprey::protocol
