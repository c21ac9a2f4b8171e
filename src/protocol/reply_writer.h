// Writes replies in RESP2 or RESP3 into a client's OutputBuffer. RESP3-only
// types are downgraded for RESP2 clients the way Redis does (maps become flat
// arrays, doubles and big numbers become bulk strings, booleans integers,
// nulls "$-1" or "*-1"). The common replies are inline: they are on the path
// of every command.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/numbers.h"
#include "protocol/output_buffer.h"
#include "protocol/reply_errors.h"

namespace osprey::protocol {

// Told about every error reply (for INFO errorstats and the failed-calls counters).
class ErrorListener {
 public:
  virtual ~ErrorListener() = default;
  // `message` is the error without the leading '-' and CRLF, e.g. "ERR syntax error".
  virtual void OnErrorReply(std::string_view message) = 0;
};

class ReplyWriter {
 public:
  ReplyWriter() = default;
  ReplyWriter(OutputBuffer* out, int resp) : out_(out), resp_(resp) {}

  void set_output(OutputBuffer* out) { out_ = out; }
  OutputBuffer* output() const { return out_; }
  void set_resp(int resp) { resp_ = resp; }
  int resp() const { return resp_; }
  void set_error_listener(ErrorListener* l) { error_listener_ = l; }
  // While muted (CLIENT REPLY OFF/SKIP) replies are dropped but errors still counted.
  void set_muted(bool muted) { muted_ = muted; }
  bool muted() const { return muted_; }

  void Ok() { Raw("+OK\r\n", 5); }
  void Queued() { Raw("+QUEUED\r\n", 9); }
  void SimpleString(std::string_view s);
  // `message` includes the error code: "ERR ...", "WRONGTYPE ...". CR and LF
  // inside it are replaced by spaces so the reply stays well-formed.
  void Error(std::string_view message);
  void Error(ErrorCode code) { Error(ErrorText(code)); }
  void Integer(int64_t v) { Prefixed(':', v); }
  void Bulk(std::string_view s) {
    if (muted_) return;
    if (s.size() <= kInlineBulkMax) {
      char* p = out_->Reserve(s.size() + 32);
      char* start = p;
      *p++ = '$';
      p += base::FormatInt64(static_cast<int64_t>(s.size()), p);
      *p++ = '\r';
      *p++ = '\n';
      // An empty view may carry a null pointer, which memcpy must not see.
      if (!s.empty()) std::memcpy(p, s.data(), s.size());
      p += s.size();
      *p++ = '\r';
      *p++ = '\n';
      out_->Commit(static_cast<size_t>(p - start));
      return;
    }
    BulkSlow(s);
  }
  // An integer sent as a bulk string (GET of an int-encoded value).
  void BulkInteger(int64_t v);
  void Null() {
    if (resp_ >= 3) Raw("_\r\n", 3); else Raw("$-1\r\n", 5);
  }
  void NullArray() {
    if (resp_ >= 3) Raw("_\r\n", 3); else Raw("*-1\r\n", 5);
  }
  void ArrayLen(size_t n) { Prefixed('*', static_cast<int64_t>(n)); }
  void MapLen(size_t n) {
    if (resp_ >= 3) Prefixed('%', static_cast<int64_t>(n));
    else Prefixed('*', static_cast<int64_t>(n * 2));
  }
  void SetLen(size_t n) { Prefixed(resp_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }
  void PushLen(size_t n) { Prefixed(resp_ >= 3 ? '>' : '*', static_cast<int64_t>(n)); }
  // Only meaningful in RESP3; RESP2 clients never see attributes.
  void AttributeLen(size_t n) { Prefixed('|', static_cast<int64_t>(n)); }
  void Double(double d);
  // A long double in the human-friendly form INCRBYFLOAT uses, as a bulk string.
  void HumanLongDouble(long double d);
  void Bool(bool b) {
    if (resp_ >= 3) Raw(b ? "#t\r\n" : "#f\r\n", 4); else Raw(b ? ":1\r\n" : ":0\r\n", 4);
  }
  // Verbatim text ("=len\r\ntxt:...") in RESP3, a bulk string in RESP2.
  void Verbatim(std::string_view text, std::string_view ext = "txt");
  void BigNumber(std::string_view digits);
  // Appends bytes already in RESP form.
  void Raw(const char* p, size_t n) {
    if (!muted_) out_->Append(p, n);
  }
  void Raw(std::string_view s) { Raw(s.data(), s.size()); }

  // An aggregate whose length is written after its elements.
  enum class AggregateKind { kArray, kMap, kSet, kPush };
  struct Deferred {
    size_t token;
    AggregateKind kind;
    bool muted;
  };
  Deferred BeginDeferred(AggregateKind kind = AggregateKind::kArray);
  // `n` counts elements (for maps: key-value pairs).
  void EndDeferred(Deferred d, size_t n);

 private:
  static constexpr size_t kInlineBulkMax = 4096;

  void Prefixed(char type, int64_t v) {
    if (muted_) return;
    char* p = out_->Reserve(24);
    p[0] = type;
    size_t n = 1 + base::FormatInt64(v, p + 1);
    p[n] = '\r';
    p[n + 1] = '\n';
    out_->Commit(n + 2);
  }
  void BulkSlow(std::string_view s);

  OutputBuffer* out_ = nullptr;
  int resp_ = 2;
  bool muted_ = false;
  ErrorListener* error_listener_ = nullptr;
};

}  // namespace osprey::protocol
