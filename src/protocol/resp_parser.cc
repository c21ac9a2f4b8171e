#include "protocol/resp_parser.h"

#include <cstring>

#include "base/numbers.h"
#include "base/split_args.h"

namespace osprey::protocol {

namespace {

// Finds the '\r' that ends a count or length line, the way Redis's C-string
// search does: a NUL byte before it hides it.
const char* FindLineEnd(const char* p, const char* end, char terminator) {
  const char* hit = static_cast<const char*>(std::memchr(p, terminator, end - p));
  if (hit == nullptr) return nullptr;
  if (std::memchr(p, '\0', hit - p) != nullptr) return nullptr;
  return hit;
}

// Parses the number of a "*N" or "$N" line. Plain digits take the fast path;
// anything else goes through the strict general parser.
bool ParseLineNumber(const char* p, const char* end, int64_t* out) {
  size_t n = static_cast<size_t>(end - p);
  if (n > 0 && n <= 9 && p[0] >= '1' && p[0] <= '9') {
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      unsigned d = static_cast<unsigned char>(p[i]) - '0';
      if (d > 9) return base::ParseInt64(std::string_view(p, n), out);
      v = v * 10 + d;
    }
    *out = v;
    return true;
  }
  return base::ParseInt64(std::string_view(p, n), out);
}

}  // namespace

ParseResult RequestParser::Parse(const char* data, size_t len, const ParserLimits& limits) {
  if (pos_ == 0 && args_left_ < 0) {
    if (len == 0) return ParseResult::kNeedMore;
    if (data[0] != '*') return ParseInline(data, len);
  }
  return ParseMultibulk(data, len, limits);
}

ParseResult RequestParser::ParseInline(const char* data, size_t len) {
  const char* end = data + len;
  const char* newline = FindLineEnd(data, end, '\n');
  if (newline == nullptr) {
    if (len > kMaxInlineSize) return Fail("Protocol error: too big inline request");
    return ParseResult::kNeedMore;
  }
  size_t line_len = static_cast<size_t>(newline - data);
  size_t consumed = line_len + 1;
  if (line_len > 0 && newline[-1] == '\r') --line_len;

  auto split = base::SplitArgs(std::string_view(data, line_len));
  if (!split) return Fail("Protocol error: unbalanced quotes in request");
  inline_args_ = std::move(*split);
  args_.clear();
  for (const std::string& a : inline_args_) args_.emplace_back(a);
  consumed_ = consumed;
  Reset();
  return args_.empty() ? ParseResult::kEmpty : ParseResult::kCommand;
}

ParseResult RequestParser::ParseMultibulk(const char* data, size_t len, const ParserLimits& limits) {
  const char* end = data + len;
  if (args_left_ < 0) {
    const char* cr = FindLineEnd(data, end, '\r');
    if (cr == nullptr) {
      if (len > kMaxInlineSize) return Fail("Protocol error: too big mbulk count string");
      return ParseResult::kNeedMore;
    }
    if (cr + 1 >= end) return ParseResult::kNeedMore;  // the '\n' has not arrived
    int64_t count;
    if (!ParseLineNumber(data + 1, cr, &count) || count > kMaxMultibulkLength) {
      return Fail("Protocol error: invalid multibulk length");
    }
    if (count > kUnauthMaxMultibulkLength && !limits.authenticated) {
      return Fail("Protocol error: unauthenticated multibulk length");
    }
    pos_ = static_cast<size_t>(cr - data) + 2;
    if (count <= 0) {
      consumed_ = pos_;
      Reset();
      args_.clear();
      return ParseResult::kEmpty;
    }
    args_left_ = count;
    refs_.clear();
    // Reserve for the common small command; huge counts grow as data arrives.
    refs_.reserve(static_cast<size_t>(count < 1024 ? count : 1024));
  }

  while (args_left_ > 0) {
    if (bulk_len_ < 0) {
      const char* p = data + pos_;
      const char* cr = FindLineEnd(p, end, '\r');
      if (cr == nullptr) {
        if (static_cast<size_t>(end - p) > kMaxInlineSize) {
          return Fail("Protocol error: too big bulk count string");
        }
        return ParseResult::kNeedMore;
      }
      if (cr + 1 >= end) return ParseResult::kNeedMore;
      if (*p != '$') {
        error_ = "Protocol error: expected '$', got '";
        error_.push_back(*p);
        error_.push_back('\'');
        Reset();
        return ParseResult::kError;
      }
      int64_t blen;
      if (!ParseLineNumber(p + 1, cr, &blen) || blen < 0 ||
          (!limits.from_master && blen > limits.max_bulk_len)) {
        return Fail("Protocol error: invalid bulk length");
      }
      if (blen > kUnauthMaxBulkLength && !limits.authenticated) {
        return Fail("Protocol error: unauthenticated bulk length");
      }
      pos_ = static_cast<size_t>(cr - data) + 2;
      bulk_len_ = blen;
    }
    // Redis does not check that the two bytes after the data are CRLF.
    if (len - pos_ < static_cast<size_t>(bulk_len_) + 2) return ParseResult::kNeedMore;
    refs_.push_back({pos_, static_cast<size_t>(bulk_len_)});
    pos_ += static_cast<size_t>(bulk_len_) + 2;
    bulk_len_ = -1;
    --args_left_;
  }
  return Finish(data);
}

ParseResult RequestParser::Finish(const char* data) {
  args_.resize(refs_.size());
  for (size_t i = 0; i < refs_.size(); ++i) {
    args_[i] = std::string_view(data + refs_[i].offset, refs_[i].length);
  }
  consumed_ = pos_;
  pos_ = 0;
  args_left_ = -1;
  bulk_len_ = -1;
  return ParseResult::kCommand;
}

ParseResult RequestParser::Fail(const char* message) {
  error_ = message;
  Reset();
  return ParseResult::kError;
}

size_t RequestParser::PendingBulkEnd() const {
  if (args_left_ <= 0 || bulk_len_ < 0) return 0;
  return pos_ + static_cast<size_t>(bulk_len_) + 2;
}

void RequestParser::Reset() {
  pos_ = 0;
  args_left_ = -1;
  bulk_len_ = -1;
  refs_.clear();
}

}  // namespace osprey::protocol
