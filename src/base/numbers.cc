#include "base/numbers.h"

#include <locale.h>
#include <stdlib.h>

#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <type_traits>

#include "base/check.h"

namespace osprey::base {
namespace {

constexpr std::array<uint64_t, 20> kPowersOf10 = [] {
  std::array<uint64_t, 20> powers{};
  uint64_t p = 1;
  for (uint64_t& slot : powers) {
    slot = p;
    p *= 10;
  }
  return powers;
}();

// "00" "01" ... "99": two digits per division halves the divisions.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// The C locale's isspace set. Redis checks the first byte with isspace()
// while only LC_COLLATE follows the environment, so this is the exact set.
bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// strtod and friends read the decimal point from LC_NUMERIC; parsing through
// a private "C" locale keeps a process-wide setlocale() from changing which
// arguments are valid numbers.
locale_t CLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", nullptr);
  OSPREY_CHECK(locale != nullptr);
  return locale;
}

// Copies s into a NUL-terminated buffer for the C parsers: the stack for
// usual lengths, the heap beyond that.
class CString {
 public:
  explicit CString(std::string_view s) {
    if (s.size() < sizeof(small_)) {
      std::memcpy(small_, s.data(), s.size());
      small_[s.size()] = '\0';
      data_ = small_;
    } else {
      large_.assign(s);
      data_ = large_.c_str();
    }
  }
  CString(const CString&) = delete;
  CString& operator=(const CString&) = delete;

  const char* c_str() const { return data_; }

 private:
  char small_[257];
  std::string large_;
  const char* data_;
};

// Redis rejects a result only when the parser had to give up on range:
// overflow to +-HUGE_VAL or underflow all the way to zero. A subnormal
// result also raises ERANGE but is kept, and literal "inf" or "0e-999"
// raise nothing.
template <typename T>
bool OutOfRange(T value, int err) {
  return err == ERANGE && (std::isinf(value) || value == 0);
}

template <typename T>
T StrToFloat(const char* s, char** end) {
  if constexpr (std::is_same_v<T, double>) {
    return strtod_l(s, end, CLocale());
  } else {
    return strtold_l(s, end, CLocale());
  }
}

// The shared rule of string2d and string2ld: one complete strtod number,
// nothing around it, not NaN, not out of range.
template <typename T>
bool ParseStrictFloat(std::string_view s, T* out) {
  if (s.empty() || IsCSpace(s[0])) return false;
  CString text(s);
  char* end = nullptr;
  errno = 0;
  T value = StrToFloat<T>(text.c_str(), &end);
  const int err = errno;
  // An embedded NUL stops the parser early, so it fails this test too.
  if (end != text.c_str() + s.size()) return false;
  if (std::isnan(value) || OutOfRange(value, err)) return false;
  if (out != nullptr) *out = value;
  return true;
}

// Writes the digits of v ending just before `end`; returns where they start.
char* WriteDigitsBackward(uint64_t v, char* end) {
  while (v >= 100) {
    const size_t pair = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    end -= 2;
    std::memcpy(end, &kDigitPairs[pair], 2);
  }
  if (v >= 10) {
    end -= 2;
    std::memcpy(end, &kDigitPairs[static_cast<size_t>(v) * 2], 2);
  } else {
    *--end = static_cast<char>('0' + v);
  }
  return end;
}

size_t CopyOut(std::string_view text, char* buf, size_t len) {
  if (text.size() > len) return 0;
  std::memcpy(buf, text.data(), text.size());
  return text.size();
}

template <typename T>
size_t ToChars(T v, char* buf, size_t len, std::chars_format format, int precision) {
  const std::to_chars_result r = std::to_chars(buf, buf + len, v, format, precision);
  if (r.ec != std::errc()) return 0;
  return static_cast<size_t>(r.ptr - buf);
}

size_t FormatLongDoubleHuman(long double v, char* buf, size_t len) {
  // %.17Lf first, then trim. The untrimmed form can be far longer than the
  // result (1e-30 is "0.00000000000000000" before it becomes "0"), so when it
  // does not fit the caller's buffer it is built on the stack.
  char scratch[kMaxLongDoubleChars];
  char* out = buf;
  size_t n = ToChars(v, buf, len, std::chars_format::fixed, 17);
  if (n == 0) {
    out = scratch;
    n = ToChars(v, scratch, sizeof(scratch), std::chars_format::fixed, 17);
    if (n == 0) return 0;
  }
  if (std::memchr(out, '.', n) != nullptr) {
    while (out[n - 1] == '0') --n;
    if (out[n - 1] == '.') --n;
  }
  // A negative value too small for 17 decimals would read "-0".
  if (n == 2 && out[0] == '-' && out[1] == '0') {
    out[0] = '0';
    n = 1;
  }
  if (out == buf) return n;
  return CopyOut(std::string_view(out, n), buf, len);
}

size_t FormatLongDoubleHex(long double v, char* buf, size_t len) {
  // glibc's %La is to_chars' hex form behind a "0x" (after the sign); NaN
  // gets no prefix.
  if (std::isnan(v)) return CopyOut(std::signbit(v) ? "-nan" : "nan", buf, len);
  const size_t prefix = std::signbit(v) ? 3 : 2;
  if (len < prefix) return 0;
  const std::to_chars_result r =
      std::to_chars(buf + prefix, buf + len, std::fabs(v), std::chars_format::hex);
  if (r.ec != std::errc()) return 0;
  std::memcpy(buf, std::signbit(v) ? "-0x" : "0x", prefix);
  return static_cast<size_t>(r.ptr - buf);
}

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  // With a sign at most 19 digits fit in 20 bytes and without one any 20
  // digits exceed INT64_MAX, so the accumulator never passes 10^19 and no
  // per-digit overflow check is needed.
  if (s.empty() || s.size() > kMaxInt64Chars) return false;
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = *p == '-';
  if (negative) ++p;
  if (p == end) return false;
  const unsigned first = static_cast<unsigned char>(*p) - '0';
  if (first - 1 > 8) {  // not 1..9: only the string "0" may start with '0'
    if (first == 0 && s.size() == 1) {
      if (out != nullptr) *out = 0;
      return true;
    }
    return false;
  }
  if (end - p > 19) return false;
  uint64_t v = first;
  for (++p; p != end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + negative;
  if (v > limit) return false;
  if (out != nullptr) *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > kMaxInt64Chars) return false;
  if (s[0] == '0') {
    if (s.size() != 1) return false;
    if (out != nullptr) *out = 0;
    return true;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    // Only a 20th digit can overflow.
    if (i == 19 && (v > std::numeric_limits<uint64_t>::max() / 10 ||
                    v * 10 > std::numeric_limits<uint64_t>::max() - d)) {
      return false;
    }
    v = v * 10 + d;
  }
  if (out != nullptr) *out = v;
  return true;
}

bool ParseScanCursor(std::string_view s, uint64_t* out) {
  // Redis hands the NUL-terminated argument to strtoul and then checks that
  // the parse ended on a NUL, so everything after an embedded NUL is ignored
  // and an empty argument is cursor 0.
  s = s.substr(0, s.find('\0'));
  if (s.empty()) {
    if (out != nullptr) *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;  // a bare sign is no number
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;  // includes leading whitespace
    if (v > std::numeric_limits<uint64_t>::max() / 10 ||
        v * 10 > std::numeric_limits<uint64_t>::max() - d) {
      return false;  // strtoul's ERANGE, for either sign
    }
    v = v * 10 + d;
  }
  if (out != nullptr) *out = negative ? 0 - v : v;
  return true;
}

size_t Uint64Length(uint64_t v) {
  // bit_width * 1233 / 4096 (log10(2) ~ 1233/4096) is the digit count or one
  // less; one comparison settles which. Setting the low bit makes 0 count as
  // one digit and never moves a value across a power of ten.
  const uint64_t w = v | 1;
  const int estimate = (std::bit_width(w) * 1233) >> 12;
  return static_cast<size_t>(estimate) + (w >= kPowersOf10[estimate]);
}

size_t Int64Length(int64_t v) {
  if (v >= 0) return Uint64Length(static_cast<uint64_t>(v));
  return 1 + Uint64Length(0 - static_cast<uint64_t>(v));
}

size_t FormatUint64(uint64_t v, char* buf) {
  const size_t n = Uint64Length(v);
  WriteDigitsBackward(v, buf + n);
  return n;
}

size_t FormatInt64(int64_t v, char* buf) {
  if (v >= 0) return FormatUint64(static_cast<uint64_t>(v), buf);
  *buf = '-';
  return 1 + FormatUint64(0 - static_cast<uint64_t>(v), buf + 1);
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.size() >= kMaxLongDoubleChars) return false;
  return ParseStrictFloat(s, out);
}

bool ParseDouble(std::string_view s, double* out) { return ParseStrictFloat(s, out); }

bool ParseDoubleLenient(std::string_view s, double* out) {
  s = s.substr(0, s.find('\0'));
  CString text(s);
  char* end = nullptr;
  const double value = strtod_l(text.c_str(), &end, CLocale());
  // With no number at all strtod points `end` at the start: that passes only
  // for the empty string, which Redis therefore reads as 0.
  if (end != text.c_str() + s.size() || std::isnan(value)) return false;
  if (out != nullptr) *out = value;
  return true;
}

size_t FormatDoubleReply(double v, char* buf, size_t len) {
  return ToChars(v, buf, len, std::chars_format::general, 17);
}

size_t FormatDoubleStorage(double v, char* buf, size_t len) {
  if (std::isnan(v)) return CopyOut("nan", buf, len);
  if (std::isinf(v)) return CopyOut(v > 0 ? "inf" : "-inf", buf, len);
  if (v == 0) return CopyOut(std::signbit(v) ? "-0" : "0", buf, len);
  int64_t integer;
  if (DoubleToInt64Exact(v, &integer)) {
    char digits[kMaxInt64Chars];
    const size_t n = FormatInt64(integer, digits);
    return CopyOut(std::string_view(digits, n), buf, len);
  }
  return FormatDoubleReply(v, buf, len);
}

size_t FormatDoubleFixed(double v, char* buf, size_t len, int fractional_digits) {
  if (fractional_digits < 1 || fractional_digits > 17) return 0;
  const auto digits = static_cast<size_t>(fractional_digits);
  // Scaling first and rounding the product (not the decimal expansion of v)
  // is what makes 0.00005 come out as "0.0000": the product is exactly 0.5
  // and llrint rounds half to even.
  const int64_t scaled = std::llrint(v * static_cast<double>(kPowersOf10[digits]));
  const bool negative = scaled < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(scaled) : static_cast<uint64_t>(scaled);
  const uint64_t whole = magnitude / kPowersOf10[digits];
  const uint64_t fraction = magnitude % kPowersOf10[digits];
  const size_t whole_len = Uint64Length(whole);
  const size_t total = negative + whole_len + 1 + digits;
  if (total > len) return 0;
  char* p = buf;
  if (negative) *p++ = '-';
  WriteDigitsBackward(whole, p + whole_len);
  p += whole_len;
  *p++ = '.';
  char* const fraction_end = p + digits;
  char* const fraction_start = WriteDigitsBackward(fraction, fraction_end);
  std::memset(p, '0', static_cast<size_t>(fraction_start - p));
  return total;
}

bool DoubleToInt64Exact(double v, int64_t* out) {
  // Inside +-2^62 the cast is defined and a round trip tells whether v had a
  // fraction. The comparison is written so that NaN fails it.
  constexpr double kLimit = 4611686018427387904.0;  // 2^62
  if (!(v >= -kLimit && v <= kLimit)) return false;
  const auto integer = static_cast<int64_t>(v);
  if (static_cast<double>(integer) != v) return false;
  *out = integer;
  return true;
}

size_t FormatLongDouble(long double v, char* buf, size_t len, LongDoubleMode mode) {
  // Spelled out because some C libraries print infinity differently.
  if (std::isinf(v)) return CopyOut(v > 0 ? "inf" : "-inf", buf, len);
  switch (mode) {
    case LongDoubleMode::kAuto:
      return ToChars(v, buf, len, std::chars_format::general, 17);
    case LongDoubleMode::kHuman:
      return FormatLongDoubleHuman(v, buf, len);
    case LongDoubleMode::kHex:
      return FormatLongDoubleHex(v, buf, len);
  }
  return 0;
}

}  // namespace osprey::base
