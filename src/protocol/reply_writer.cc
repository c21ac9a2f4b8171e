#include "protocol/reply_writer.h"

#include <cmath>
#include <string>

namespace osprey::protocol {

void ReplyWriter::SimpleString(std::string_view s) {
  if (muted_) return;
  char* p = out_->Reserve(s.size() + 3);
  p[0] = '+';
  if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
  p[s.size() + 1] = '\r';
  p[s.size() + 2] = '\n';
  out_->Commit(s.size() + 3);
}

void ReplyWriter::Error(std::string_view message) {
  if (error_listener_) error_listener_->OnErrorReply(message);
  if (muted_) return;
  out_->Append("-", 1);
  if (message.find_first_of("\r\n") == std::string_view::npos) {
    out_->Append(message);
  } else {
    std::string clean(message);
    for (char& c : clean) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    out_->Append(clean);
  }
  out_->Append("\r\n", 2);
}

void ReplyWriter::BulkSlow(std::string_view s) {
  Prefixed('$', static_cast<int64_t>(s.size()));
  out_->Append(s.data(), s.size());
  out_->Append("\r\n", 2);
}

void ReplyWriter::BulkInteger(int64_t v) {
  char buf[24];
  size_t n = base::FormatInt64(v, buf);
  Bulk(std::string_view(buf, n));
}

void ReplyWriter::Double(double d) {
  if (muted_) return;
  char buf[64];
  size_t n = base::FormatDoubleReply(d, buf, sizeof(buf));
  if (resp_ >= 3) {
    out_->Append(",", 1);
    out_->Append(buf, n);
    out_->Append("\r\n", 2);
  } else {
    Bulk(std::string_view(buf, n));
  }
}

void ReplyWriter::HumanLongDouble(long double d) {
  char buf[5 * 1024 + 64];
  size_t n = base::FormatLongDouble(d, buf, sizeof(buf), base::LongDoubleMode::kHuman);
  if (resp_ >= 3) {
    // RESP3 clients get a double, as Redis sends them.
    if (muted_) return;
    out_->Append(",", 1);
    out_->Append(buf, n);
    out_->Append("\r\n", 2);
  } else {
    Bulk(std::string_view(buf, n));
  }
}

void ReplyWriter::Verbatim(std::string_view text, std::string_view ext) {
  if (muted_) return;
  if (resp_ < 3) {
    Bulk(text);
    return;
  }
  Prefixed('=', static_cast<int64_t>(text.size() + 4));
  out_->Append(ext.data(), ext.size());
  out_->Append(":", 1);
  out_->Append(text.data(), text.size());
  out_->Append("\r\n", 2);
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (muted_) return;
  if (resp_ < 3) {
    Bulk(digits);
    return;
  }
  out_->Append("(", 1);
  out_->Append(digits);
  out_->Append("\r\n", 2);
}

ReplyWriter::Deferred ReplyWriter::BeginDeferred(AggregateKind kind) {
  if (muted_) return Deferred{0, kind, true};
  return Deferred{out_->BeginDeferred(), kind, false};
}

void ReplyWriter::EndDeferred(Deferred d, size_t n) {
  if (d.muted) return;
  char type = '*';
  size_t count = n;
  switch (d.kind) {
    case AggregateKind::kArray: break;
    case AggregateKind::kMap:
      if (resp_ >= 3) type = '%'; else count = n * 2;
      break;
    case AggregateKind::kSet: type = resp_ >= 3 ? '~' : '*'; break;
    case AggregateKind::kPush: type = resp_ >= 3 ? '>' : '*'; break;
  }
  char buf[32];
  buf[0] = type;
  size_t len = 1 + base::FormatInt64(static_cast<int64_t>(count), buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->FillDeferred(d.token, std::string_view(buf, len));
}

}  // namespace osprey::protocol
