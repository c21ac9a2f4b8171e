#include "persistence/rdb_io.h"

#include <lzf.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

#include "base/numbers.h"
#include "persistence/rdb_format.h"

namespace osprey::persistence {

namespace {

// Redis keeps an LZF form only when it saves more than this many bytes, and
// tries it only for strings longer than kLzfMinLength.
constexpr size_t kLzfMinSaving = 4;
constexpr size_t kLzfMinLength = 20;
// Strings this short may be stored as integers (Redis's limit: "-2147483648").
constexpr size_t kIntEncodingMaxChars = 11;
// An LZF back reference yields at most 264 bytes from 3 input bytes, so no
// valid stream expands more than 88 times; a length beyond this bound is a
// corrupt (or hostile) header, refused before anything is allocated.
constexpr uint64_t kLzfMaxExpansion = 88;

void PutLe(uint64_t v, size_t bytes, uint8_t* out) {
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t GetLe(const char* p, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// The integer encoding of `v` when it fits in 32 bits: header and bytes.
size_t EncodeSmallInt(int64_t v, uint8_t* out) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    out[0] = (kLenEncoded << 6) | kEncInt8;
    PutLe(static_cast<uint64_t>(v), 1, out + 1);
    return 2;
  }
  if (v >= INT16_MIN && v <= INT16_MAX) {
    out[0] = (kLenEncoded << 6) | kEncInt16;
    PutLe(static_cast<uint64_t>(v), 2, out + 1);
    return 3;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    out[0] = (kLenEncoded << 6) | kEncInt32;
    PutLe(static_cast<uint64_t>(v), 4, out + 1);
    return 5;
  }
  return 0;
}

}  // namespace

// ------------------------------------------------------------------ encoder

void RdbEncoder::Len(uint64_t len) {
  uint8_t buf[9];
  if (len < (1u << 6)) {
    buf[0] = static_cast<uint8_t>(len);
    Raw(buf, 1);
  } else if (len < (1u << 14)) {
    buf[0] = static_cast<uint8_t>((len >> 8) | (kLen14Bit << 6));
    buf[1] = static_cast<uint8_t>(len);
    Raw(buf, 2);
  } else if (len <= UINT32_MAX) {
    buf[0] = kLen32Bit;
    for (int i = 0; i < 4; ++i) buf[1 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
    Raw(buf, 5);
  } else {
    buf[0] = kLen64Bit;
    for (int i = 0; i < 8; ++i) buf[1 + i] = static_cast<uint8_t>(len >> (56 - 8 * i));
    Raw(buf, 9);
  }
}

void RdbEncoder::String(std::string_view s) {
  if (s.size() <= kIntEncodingMaxChars) {
    int64_t v;
    uint8_t buf[5];
    if (base::ParseInt64(s, &v)) {
      const size_t n = EncodeSmallInt(v, buf);
      if (n > 0) {
        Raw(buf, n);
        return;
      }
    }
  }
  if (compress_ && s.size() > kLzfMinLength && TryLzf(s)) return;
  Len(s.size());
  Raw(s);
}

void RdbEncoder::Int64String(int64_t v) {
  uint8_t buf[5];
  const size_t n = EncodeSmallInt(v, buf);
  if (n > 0) {
    Raw(buf, n);
    return;
  }
  char digits[base::kMaxInt64Chars];
  const size_t len = base::FormatInt64(v, digits);
  Len(len);
  Raw(digits, len);
}

bool RdbEncoder::TryLzf(std::string_view s) {
  if (s.size() > UINT32_MAX) return false;  // lzf works on unsigned int lengths
  const size_t budget = s.size() - kLzfMinSaving;
  std::unique_ptr<char[]> out(new char[budget + 1]);
  const unsigned n = lzf_compress(s.data(), static_cast<unsigned>(s.size()), out.get(),
                                  static_cast<unsigned>(budget));
  if (n == 0) return false;
  LzfBlob(std::string_view(out.get(), n), s.size());
  return true;
}

void RdbEncoder::LzfBlob(std::string_view compressed, size_t original_len) {
  Byte((kLenEncoded << 6) | kEncLzf);
  Len(compressed.size());
  Len(original_len);
  Raw(compressed);
}

void RdbEncoder::Millis(int64_t ms) {
  uint8_t buf[8];
  PutLe(static_cast<uint64_t>(ms), 8, buf);
  Raw(buf, 8);
}

void RdbEncoder::BinaryDouble(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  uint8_t buf[8];
  PutLe(bits, 8, buf);
  Raw(buf, 8);
}

// ------------------------------------------------------------------ reader

bool RdbReader::FailAt(size_t at, std::string what) {
  if (error_.empty()) {
    error_ = std::move(what);
    error_offset_ = at;
  }
  pos_ = data_.size();  // nothing more is read after a failure
  return false;
}

bool RdbReader::Need(size_t n, const char* what) {
  if (failed()) return false;
  if (remaining() >= n) return true;
  return Fail(std::string("unexpected end of data reading ") + what);
}

bool RdbReader::Byte(uint8_t* out) {
  if (!Need(1, "a byte")) return false;
  *out = static_cast<uint8_t>(data_[pos_++]);
  return true;
}

bool RdbReader::Raw(size_t len, std::string_view* out) {
  if (!Need(len, "bytes")) return false;
  *out = data_.substr(pos_, len);
  pos_ += len;
  return true;
}

bool RdbReader::Len(uint64_t* out, bool* encoded) {
  const size_t start = offset();
  if (encoded != nullptr) *encoded = false;
  uint8_t first;
  if (!Byte(&first)) return false;
  const uint8_t kind = first >> 6;
  if (kind == kLen6Bit) {
    *out = first & 0x3f;
    return true;
  }
  if (kind == kLen14Bit) {
    uint8_t second;
    if (!Byte(&second)) return false;
    *out = (static_cast<uint64_t>(first & 0x3f) << 8) | second;
    return true;
  }
  if (kind == kLenEncoded) {
    if (encoded == nullptr) return FailAt(start, "a string encoding where a length belongs");
    *encoded = true;
    *out = first & 0x3f;
    return true;
  }
  size_t bytes;
  if (first == kLen32Bit) {
    bytes = 4;
  } else if (first == kLen64Bit) {
    bytes = 8;
  } else {
    return FailAt(start, "unknown length encoding " + std::to_string(first));
  }
  if (!Need(bytes, "a length")) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += bytes;
  *out = v;
  return true;
}

bool RdbReader::String(std::string_view* out, std::string* scratch) {
  const size_t start = offset();
  bool encoded;
  uint64_t len;
  if (!Len(&len, &encoded)) return false;
  if (!encoded) return Raw(static_cast<size_t>(len), out);
  if (len == kEncInt8 || len == kEncInt16 || len == kEncInt32) {
    const size_t bytes = len == kEncInt8 ? 1 : len == kEncInt16 ? 2 : 4;
    std::string_view raw;
    if (!Raw(bytes, &raw)) return false;
    const uint64_t u = GetLe(raw.data(), bytes);
    int64_t v;
    if (bytes == 1) {
      v = static_cast<int8_t>(u);
    } else if (bytes == 2) {
      v = static_cast<int16_t>(u);
    } else {
      v = static_cast<int32_t>(u);
    }
    char digits[base::kMaxInt64Chars];
    scratch->assign(digits, base::FormatInt64(v, digits));
    *out = *scratch;
    return true;
  }
  if (len != kEncLzf) return FailAt(start, "unknown string encoding " + std::to_string(len));
  uint64_t clen;
  uint64_t ulen;
  if (!Len(&clen) || !Len(&ulen)) return false;
  std::string_view compressed;
  if (!Raw(static_cast<size_t>(std::min<uint64_t>(clen, SIZE_MAX)), &compressed)) return false;
  if (clen == 0 || ulen == 0 || ulen > clen * kLzfMaxExpansion || ulen > UINT32_MAX) {
    return FailAt(start, "invalid LZF compressed string");
  }
  scratch->resize(static_cast<size_t>(ulen));
  const unsigned n = lzf_decompress(compressed.data(), static_cast<unsigned>(clen),
                                    scratch->data(), static_cast<unsigned>(ulen));
  if (n != ulen) return FailAt(start, "invalid LZF compressed string");
  *out = *scratch;
  return true;
}

bool RdbReader::Millis(int64_t* out) {
  std::string_view raw;
  if (!Raw(8, &raw)) return false;
  *out = static_cast<int64_t>(GetLe(raw.data(), 8));
  return true;
}

bool RdbReader::Seconds(int32_t* out) {
  std::string_view raw;
  if (!Raw(4, &raw)) return false;
  *out = static_cast<int32_t>(GetLe(raw.data(), 4));
  return true;
}

bool RdbReader::BinaryDouble(double* out) {
  std::string_view raw;
  if (!Raw(8, &raw)) return false;
  const uint64_t bits = GetLe(raw.data(), 8);
  std::memcpy(out, &bits, 8);
  return true;
}

bool RdbReader::TextDouble(double* out) {
  const size_t start = offset();
  uint8_t len;
  if (!Byte(&len)) return false;
  switch (len) {
    case kTextDoubleNan:
      *out = std::numeric_limits<double>::quiet_NaN();
      return true;
    case kTextDoublePosInf:
      *out = std::numeric_limits<double>::infinity();
      return true;
    case kTextDoubleNegInf:
      *out = -std::numeric_limits<double>::infinity();
      return true;
    default:
      break;
  }
  std::string_view text;
  if (!Raw(len, &text)) return false;
  // Read as Redis reads it (scanf "%lg"): a number at the start of the text.
  char buf[256];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  *out = std::strtod(buf, &end);
  if (end == buf) return FailAt(start, "invalid score text");
  return true;
}

}  // namespace osprey::persistence
