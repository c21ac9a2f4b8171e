#include "types/stream_id.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace osprey::types {
namespace {

// Redis keeps an ID argument in a 128-byte buffer; longer text is invalid.
constexpr size_t kMaxIdArgument = 127;

// One part of an ID, as Redis reads it: the canonical int64 form when that
// parses (negative values refused), else strtoull's reading of the whole
// text (which also takes "+5", " 7" or "-0"). `part` must be NUL-terminated.
bool ParseIdPart(const char* part, size_t len, uint64_t* out) {
  if (len == 0) return false;
  int64_t signed_value = 0;
  const char* end = part + len;
  bool canonical = (part[0] != '+') && !(len > 1 && part[0] == '0') &&
                   !(len > 1 && part[0] == '-' && part[1] == '0');
  if (canonical) {
    auto [p, ec] = std::from_chars(part, end, signed_value);
    if (ec == std::errc() && p == end) {
      if (signed_value < 0) return false;
      *out = static_cast<uint64_t>(signed_value);
      return true;
    }
  }
  errno = 0;
  char* stop = nullptr;
  unsigned long long v = std::strtoull(part, &stop, 10);
  if (errno == EINVAL || errno == ERANGE || stop != end) return false;
  *out = v;
  return true;
}

}  // namespace

bool StreamID::Increment() {
  if (seq != std::numeric_limits<uint64_t>::max()) {
    ++seq;
    return true;
  }
  if (ms == std::numeric_limits<uint64_t>::max()) return false;
  ++ms;
  seq = 0;
  return true;
}

bool StreamID::Decrement() {
  if (seq != 0) {
    --seq;
    return true;
  }
  if (ms == 0) return false;
  --ms;
  seq = std::numeric_limits<uint64_t>::max();
  return true;
}

size_t StreamID::Format(char* buf) const {
  char* p = std::to_chars(buf, buf + 20, ms).ptr;
  *p++ = '-';
  p = std::to_chars(p, p + 20, seq).ptr;
  return static_cast<size_t>(p - buf);
}

std::string StreamID::ToString() const {
  char buf[kStreamIdMaxText];
  return std::string(buf, Format(buf));
}

void StreamID::EncodeBigEndian(uint8_t out[16]) const {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(ms >> (56 - 8 * i));
    out[8 + i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
  }
}

StreamID StreamID::DecodeBigEndian(const uint8_t in[16]) {
  StreamID id;
  for (int i = 0; i < 8; ++i) {
    id.ms = (id.ms << 8) | in[i];
    id.seq = (id.seq << 8) | in[8 + i];
  }
  return id;
}

bool ParseStreamID(std::string_view text, uint64_t missing_seq, bool strict, StreamID* out,
                   bool* seq_given) {
  if (text.size() > kMaxIdArgument) return false;
  if (text.size() == 1 && !strict) {
    if (text[0] == '-') {
      *out = StreamID::Min();
      if (seq_given) *seq_given = true;
      return true;
    }
    if (text[0] == '+') {
      *out = StreamID::Max();
      if (seq_given) *seq_given = true;
      return true;
    }
  }
  // NUL-terminated copies for strtoull; IDs are short.
  char buf[kMaxIdArgument + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  char* dash = static_cast<char*>(std::memchr(buf, '-', text.size()));
  StreamID id;
  if (dash == nullptr) {
    if (!ParseIdPart(buf, text.size(), &id.ms)) return false;
    id.seq = missing_seq;
    if (seq_given) *seq_given = true;
    *out = id;
    return true;
  }
  *dash = '\0';
  const size_t ms_len = static_cast<size_t>(dash - buf);
  const char* seq_text = dash + 1;
  const size_t seq_len = text.size() - ms_len - 1;
  if (!ParseIdPart(buf, ms_len, &id.ms)) return false;
  if (seq_given != nullptr && seq_len == 1 && seq_text[0] == '*') {
    id.seq = 0;
    *seq_given = false;
  } else {
    if (!ParseIdPart(seq_text, seq_len, &id.seq)) return false;
    if (seq_given) *seq_given = true;
  }
  *out = id;
  return true;
}

}  // namespace osprey::types
