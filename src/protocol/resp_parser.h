// Incremental, resumable parser for client requests: RESP multibulk
// ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline commands ("GET k\r\n").
// Multibulk arguments are views into the caller's buffer (no copy, no
// allocation per argument); inline arguments are unescaped into the parser's
// own storage. Limits and error texts are Redis's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::protocol {

// Longest inline request, or count/length line, before giving up: a client
// that sends 64 KB without a line end is not speaking the protocol.
inline constexpr size_t kMaxInlineSize = 64 * 1024;
// Largest multibulk count accepted (Redis keeps argc in an int).
inline constexpr int64_t kMaxMultibulkLength = 2147483647;
// Before authentication a client may only send small commands, so that an
// unauthenticated peer cannot make the server buffer large requests.
inline constexpr int64_t kUnauthMaxMultibulkLength = 10;
inline constexpr int64_t kUnauthMaxBulkLength = 16384;
// Bulk arguments at least this big are read into a buffer of their own size.
inline constexpr int64_t kBigArgument = 32 * 1024;

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  bool authenticated = true;
  bool from_master = false;  // a replication link: no bulk cap, no inline
};

enum class ParseResult {
  kCommand,   // a whole request: args() and consumed() are valid
  kEmpty,     // an empty request ("*0", "*-1" or a blank line): skip consumed() bytes
  kNeedMore,  // incomplete: call again with the same bytes plus more
  kError,     // protocol error: reply "-ERR " + error() and close the connection
};

class RequestParser {
 public:
  // Parses the request at the start of data[0, len). After kNeedMore the
  // next call must pass a buffer that starts with the same bytes (it may
  // have moved). Views in args() stay valid while that buffer is unchanged.
  ParseResult Parse(const char* data, size_t len, const ParserLimits& limits);

  std::span<const std::string_view> args() const { return args_; }
  // Bytes of the buffer the last kCommand/kEmpty request occupied.
  size_t consumed() const { return consumed_; }
  // The reply text for kError, e.g. "Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }

  // When a bulk argument is being received: its total size including CRLF,
  // and how much of the buffer it starts at. Lets the reader size reads for
  // big arguments. Returns 0 when not inside a bulk argument.
  size_t PendingBulkEnd() const;

  // Drops any partial state (e.g. after the client was reset).
  void Reset();

 private:
  struct ArgRef {
    size_t offset;
    size_t length;
  };

  ParseResult ParseInline(const char* data, size_t len);
  ParseResult ParseMultibulk(const char* data, size_t len, const ParserLimits& limits);
  ParseResult Fail(const char* message);
  ParseResult Finish(const char* data);

  // Progress through the current request, kept across kNeedMore.
  size_t pos_ = 0;
  int64_t args_left_ = -1;  // -1: count line not read yet
  int64_t bulk_len_ = -1;   // -1: length line of the next argument not read yet
  std::vector<ArgRef> refs_;

  std::vector<std::string_view> args_;
  std::vector<std::string> inline_args_;
  size_t consumed_ = 0;
  std::string error_;
};

}  // namespace osprey::protocol
