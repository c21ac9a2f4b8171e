// Number parsing and formatting with Redis 7.0's exact rules: which strings
// count as integers or floats for a command, and the bytes a number turns into
// when it is stored or sent in a reply. Every function here is locale
// independent, allocation free unless noted, and safe on any input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace osprey::base {

// Longest decimal form of an int64_t or uint64_t ("-9223372036854775808",
// "18446744073709551615"). FormatInt64/FormatUint64 need this much room.
inline constexpr size_t kMaxInt64Chars = 20;
// Longest output of FormatDoubleReply and FormatDoubleStorage
// ("-2.2250738585072014e-308" is 24).
inline constexpr size_t kMaxDoubleChars = 32;
// A buffer this large holds any FormatLongDouble output (the human form of
// the largest long double has some 4950 digits). It is also the input limit
// of ParseLongDouble.
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// ---------------------------------------------------------------- integers

// Parses the canonical decimal form of an int64_t: an optional '-', then
// "0" or a digit 1-9 followed by digits, and nothing else. Rejects "", "-",
// "+1", " 1", "1 ", "01", "-0" and values outside int64_t. On success stores
// the value in *out (out may be null) and returns true; *out is untouched on
// failure. Because only canonical strings pass, a string s passes exactly when
// FormatInt64 of the value gives back s: this is the test for storing a string
// value with the `int` encoding, and the rule for every integer argument
// ("value is not an integer or out of range"). Redis's 32-bit-long variant
// (string2l) is the same function on LP64 Linux.
bool ParseInt64(std::string_view s, int64_t* out);

// Like ParseInt64 for uint64_t: "0" or digits without leading zeros, no
// sign, at most 18446744073709551615. The inverse of FormatUint64.
bool ParseUint64(std::string_view s, uint64_t* out);

// SCAN/SSCAN/HSCAN/ZSCAN cursor: C strtoul rules as Redis applies them. The
// input is cut at its first NUL byte; "" is cursor 0; a leading '+' or '-'
// and leading zeros are accepted and '-n' wraps modulo 2^64 ("-1" is
// 18446744073709551615); leading whitespace, trailing bytes, no digits after
// a sign, or a magnitude above 2^64-1 are rejected ("invalid cursor").
bool ParseScanCursor(std::string_view s, uint64_t* out);

// Writes the decimal form of v to buf (no NUL) and returns its length.
// REQUIRES: buf has room for kMaxInt64Chars bytes.
size_t FormatInt64(int64_t v, char* buf);
size_t FormatUint64(uint64_t v, char* buf);

// Number of bytes FormatUint64/FormatInt64 write for v (the '-' included).
// STRLEN of an `int`-encoded string is Int64Length of its value.
size_t Uint64Length(uint64_t v);
size_t Int64Length(int64_t v);

// ----------------------------------------------------------- floating point
//
// Which parser a command uses for a float argument (Redis 7.0):
//   ParseLongDouble     INCRBYFLOAT, HINCRBYFLOAT, blocking-command timeouts
//                       (BLPOP ... 0.5).
//   ParseDouble         ZADD/ZINCRBY scores, ZUNIONSTORE/ZINTERSTORE WEIGHTS,
//                       GEOADD/GEOSEARCH coordinates, radius, width, height.
//   ParseDoubleLenient  ZRANGEBYSCORE/ZCOUNT/ZREMRANGEBYSCORE/ZRANGE BYSCORE
//                       bounds, after the caller strips a leading '('.
// All three accept what C strtod accepts: decimal with optional exponent,
// '+' or '-' sign, leading zeros, "1." and ".5", hex floats ("0x1p3"), and
// "inf"/"infinity" in any case. None accepts NaN in any spelling. They copy
// the input to NUL-terminate it for the C parser, on the heap when it is
// longer than 256 bytes.

// Parses a long double the way INCRBYFLOAT does: the whole of s must be one
// strtold number, s must be non-empty and shorter than kMaxLongDoubleChars
// bytes, must not start with whitespace, and may not be NaN. "inf" is
// accepted, but a finite literal that overflows to infinity ("1e5000") or
// underflows to zero ("1e-5000") is rejected; a literal zero ("0e-5000") or
// a result that underflows to a subnormal is accepted.
bool ParseLongDouble(std::string_view s, long double* out);

// Parses a double the way ZADD does: the same rules as ParseLongDouble but
// for double precision ("1e309" and "1e-400" fail, "4.9e-324" passes) and
// without a length limit.
bool ParseDouble(std::string_view s, double* out);

// Parses a score-range bound the way ZRANGEBYSCORE does, which is looser
// than ParseDouble: s is cut at its first NUL byte, leading whitespace is
// allowed, "" parses as 0, and overflow/underflow give +-inf / 0 instead of
// failing. Whitespace-only input, trailing bytes and NaN still fail.
bool ParseDoubleLenient(std::string_view s, double* out);

// Writes a double as Redis replies with it (RESP2 bulk body and RESP3 ','
// payload): "inf", "-inf", otherwise printf "%.17g" ("0.10000000000000001",
// "1e+17", "-0"; NaN prints as "nan" or "-nan"). Returns the length, or 0 if
// it needs more than len bytes. kMaxDoubleChars is always enough.
size_t FormatDoubleReply(double v, char* buf, size_t len);

// Writes a double as Redis stores it as a string (d2string: sorted-set scores
// in a listpack, module strings): "nan", "inf", "-inf", "0", "-0"; integral
// values with |v| <= 2^62 as plain integers ("100000000000000000" where
// FormatDoubleReply gives "1e+17"); anything else as FormatDoubleReply does.
// Returns the length, or 0 if it needs more than len bytes.
size_t FormatDoubleStorage(double v, char* buf, size_t len);

// Writes v with exactly `fractional_digits` digits after the point, as
// GEODIST and WITHDIST replies do ("5.2145"): v is scaled by
// 10^fractional_digits and rounded to nearest-even first, so -0.00001 with 4
// digits is "0.0000" and 0.00005 is "0.0000". Returns the length, or 0 if
// fractional_digits is outside 1..17 or the output needs more than len bytes.
// REQUIRES: |v| * 10^fractional_digits < 2^63.
size_t FormatDoubleFixed(double v, char* buf, size_t len, int fractional_digits);

// When v is integral and within +-2^62, stores it in *out and returns true:
// Redis's test for keeping a sorted-set score as a listpack integer. -0.0
// counts as the integer 0.
bool DoubleToInt64Exact(double v, int64_t* out);

enum class LongDoubleMode {
  // printf "%.17Lg": "1.1000000000000001", "1e+21".
  kAuto,
  // printf "%.17Lf" with trailing fraction zeros and a bare '.' removed, and
  // "-0" turned into "0": what INCRBYFLOAT and HINCRBYFLOAT store and reply
  // ("1.2" for 1.1 + 0.1, "1050000000000000000000" for 10.5e20; magnitudes
  // below about 5e-18 come out as "0").
  kHuman,
  // printf "%La": exact, for machine round trips ("0x8.ccccccccccccccdp-3").
  kHex,
};

// Writes v in the given mode. Infinities are "inf" and "-inf" in every mode.
// Returns the length, or 0 if it needs more than len bytes.
// kMaxLongDoubleChars is always enough.
size_t FormatLongDouble(long double v, char* buf, size_t len, LongDoubleMode mode);

}  // namespace osprey::base
