#include "protocol/reply_errors.h"

#include "base/ascii.h"

namespace osprey::protocol {

namespace {

// Redis formats user-supplied names with "%.128s": at most 128 bytes, and a
// NUL byte ends the string.
std::string_view CString128(std::string_view s, size_t limit = 128) {
  if (size_t nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);
  return s.substr(0, limit);
}

}  // namespace

std::string_view ErrorText(ErrorCode code) {
  switch (code) {
    case ErrorCode::kWrongType:
      return "WRONGTYPE Operation against a key holding the wrong kind of value";
    case ErrorCode::kNotInteger: return "ERR value is not an integer or out of range";
    case ErrorCode::kNotFloat: return "ERR value is not a valid float";
    case ErrorCode::kOverflow: return "ERR increment or decrement would overflow";
    case ErrorCode::kSyntax: return "ERR syntax error";
    case ErrorCode::kNoSuchKey: return "ERR no such key";
    case ErrorCode::kIndexOutOfRange: return "ERR index out of range";
    case ErrorCode::kSameObject: return "ERR source and destination objects are the same";
    case ErrorCode::kStringTooLong:
      return "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    case ErrorCode::kBusyKey: return "BUSYKEY Target key name already exists.";
    case ErrorCode::kNoAuth: return "NOAUTH Authentication required.";
    case ErrorCode::kLoading: return "LOADING Redis is loading the dataset in memory";
    case ErrorCode::kOom: return "OOM command not allowed when used memory > 'maxmemory'.";
    case ErrorCode::kExecAbort: return "EXECABORT Transaction discarded because of previous errors.";
    case ErrorCode::kDbIndexOutOfRange: return "ERR DB index is out of range";
    case ErrorCode::kNotPositive: return "ERR value is out of range, must be positive";
    case ErrorCode::kReadonlyReplica: return "READONLY You can't write against a read only replica.";
    case ErrorCode::kNoScript: return "NOSCRIPT No matching script. Please use EVAL.";
    case ErrorCode::kIncrNanOrInf: return "ERR increment would produce NaN or Infinity";
    case ErrorCode::kMisconf:
      return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
             "persist to disk. Commands that may modify the data set are disabled, because this "
             "instance is configured to report errors during writes if RDB snapshotting fails "
             "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about "
             "the RDB error.";
    case ErrorCode::kInvalidCursor: return "ERR invalid cursor";
    case ErrorCode::kNegativeTimeout: return "ERR timeout is negative";
    case ErrorCode::kTimeoutNotFloat: return "ERR timeout is not a float or out of range";
    case ErrorCode::kTimeoutOutOfRange: return "ERR timeout is out of range";
  }
  return "ERR";
}

std::string WrongArityError(std::string_view command_name) {
  std::string out = "ERR wrong number of arguments for '";
  out += command_name;
  out += "' command";
  return out;
}

std::string UnknownCommandError(std::string_view name, std::span<const std::string_view> args) {
  std::string list;
  for (size_t i = 0; i < args.size() && list.size() < 128; ++i) {
    list += '\'';
    list += CString128(args[i], 128 - list.size());
    list += "' ";
  }
  std::string out = "ERR unknown command '";
  out += CString128(name);
  out += "', with args beginning with: ";
  out += list;
  return out;
}

std::string UnknownSubcommandError(std::string_view container, std::string_view sub) {
  std::string out = "ERR unknown subcommand '";
  out += CString128(sub);
  out += "'. Try ";
  out += base::AsciiToUpper(container);
  out += " HELP.";
  return out;
}

std::string InvalidExpireTimeError(std::string_view command_name) {
  std::string out = "ERR invalid expire time in '";
  out += command_name;
  out += "' command";
  return out;
}

}  // namespace osprey::protocol
