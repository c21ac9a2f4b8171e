#include "persistence/rdb_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "persistence/rdb_test_util.h"

namespace osprey::persistence {
namespace {

using testing::FromHex;
using testing::ToHex;

std::string Encode(bool compress, const std::function<void(RdbEncoder&)>& fn) {
  std::string out;
  StringSink sink(&out);
  RdbEncoder enc(&sink, compress);
  fn(enc);
  return out;
}

std::string EncodeLen(uint64_t n) {
  return Encode(true, [n](RdbEncoder& e) { e.Len(n); });
}

std::string EncodeString(std::string_view s, bool compress = true) {
  return Encode(compress, [s](RdbEncoder& e) { e.String(s); });
}

std::string ReadBack(const std::string& bytes) {
  RdbReader r(bytes);
  std::string scratch;
  std::string_view v;
  EXPECT_TRUE(r.String(&v, &scratch)) << r.error();
  EXPECT_EQ(r.remaining(), 0u);
  return std::string(v);
}

// ------------------------------------------------------------------ lengths

TEST(RdbIoTest, LengthsUseTheNarrowestForm) {
  EXPECT_EQ(ToHex(EncodeLen(0)), "00");
  EXPECT_EQ(ToHex(EncodeLen(63)), "3f");
  EXPECT_EQ(ToHex(EncodeLen(64)), "4040");
  EXPECT_EQ(ToHex(EncodeLen(16383)), "7fff");
  EXPECT_EQ(ToHex(EncodeLen(16384)), "8000004000");
  EXPECT_EQ(ToHex(EncodeLen(0xFFFFFFFFu)), "80ffffffff");
  EXPECT_EQ(ToHex(EncodeLen(0x100000000ull)), "810000000100000000");
}

TEST(RdbIoTest, LengthsReadBack) {
  for (uint64_t n : {0ull, 1ull, 63ull, 64ull, 300ull, 16383ull, 16384ull, 0xFFFFFFFFull,
                     0x100000000ull, 0xFFFFFFFFFFFFFFFFull}) {
    const std::string bytes = EncodeLen(n);
    RdbReader r(bytes);
    uint64_t got;
    ASSERT_TRUE(r.Len(&got));
    EXPECT_EQ(got, n);
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(RdbIoTest, TruncatedLengthFailsWithItsOffset) {
  const std::string r_bytes = FromHex("80 0000");
  RdbReader r(r_bytes, 100);
  uint64_t got;
  EXPECT_FALSE(r.Len(&got));
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(r.error_offset(), 101u);
  EXPECT_NE(r.error().find("unexpected end"), std::string::npos);
}

TEST(RdbIoTest, UnknownLengthEncodingFails) {
  const std::string r_bytes = FromHex("82");
  RdbReader r(r_bytes);
  uint64_t got;
  EXPECT_FALSE(r.Len(&got));
  EXPECT_NE(r.error().find("unknown length encoding"), std::string::npos);
}

TEST(RdbIoTest, StringEncodingWhereALengthBelongsFails) {
  const std::string r_bytes = FromHex("c0");
  RdbReader r(r_bytes);
  uint64_t got;
  EXPECT_FALSE(r.Len(&got));
  bool encoded;
  const std::string r2_bytes = FromHex("c3");
  RdbReader r2(r2_bytes);
  EXPECT_TRUE(r2.Len(&got, &encoded));
  EXPECT_TRUE(encoded);
  EXPECT_EQ(got, 3u);
}

TEST(RdbIoTest, ReadsAfterAFailureFail) {
  const std::string r_bytes = FromHex("0102");
  RdbReader r(r_bytes);
  std::string_view v;
  EXPECT_FALSE(r.Raw(5, &v));
  uint8_t b;
  EXPECT_FALSE(r.Byte(&b));
}

// ------------------------------------------------------------------ strings

TEST(RdbIoTest, SmallCanonicalIntegersUseIntegerEncodings) {
  EXPECT_EQ(ToHex(EncodeString("0")), "c000");
  EXPECT_EQ(ToHex(EncodeString("-128")), "c080");
  EXPECT_EQ(ToHex(EncodeString("127")), "c07f");
  EXPECT_EQ(ToHex(EncodeString("128")), "c18000");
  EXPECT_EQ(ToHex(EncodeString("-32768")), "c10080");
  EXPECT_EQ(ToHex(EncodeString("32768")), "c200800000");
  EXPECT_EQ(ToHex(EncodeString("-2147483648")), "c200000080");
}

TEST(RdbIoTest, OtherNumbersStayText) {
  EXPECT_EQ(ToHex(EncodeString("2147483648")), "0a32313437343833363438");
  EXPECT_EQ(ToHex(EncodeString("012")), "03303132");
  EXPECT_EQ(ToHex(EncodeString("+1")), "022b31");
  EXPECT_EQ(ToHex(EncodeString("-0")), "022d30");
  EXPECT_EQ(ToHex(EncodeString("")), "00");
}

TEST(RdbIoTest, Int64StringUsesIntegerEncodingOrDigits) {
  EXPECT_EQ(ToHex(Encode(true, [](RdbEncoder& e) { e.Int64String(-5); })), "c0fb");
  EXPECT_EQ(ToHex(Encode(true, [](RdbEncoder& e) { e.Int64String(5000000000); })),
            "0a35303030303030303030");
}

TEST(RdbIoTest, LongCompressibleStringsAreLzfCompressed) {
  const std::string s(100, 'a');
  const std::string bytes = EncodeString(s);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0xC3);
  EXPECT_LT(bytes.size(), s.size());
  EXPECT_EQ(ReadBack(bytes), s);
  // Without compression the same string is plain.
  const std::string plain = EncodeString(s, /*compress=*/false);
  EXPECT_EQ(plain.size(), s.size() + 2);
  EXPECT_EQ(ReadBack(plain), s);
}

TEST(RdbIoTest, ShortOrIncompressibleStringsArePlain) {
  const std::string twenty(20, 'a');
  EXPECT_EQ(EncodeString(twenty), std::string(1, 20) + twenty);
  std::string noise;
  for (int i = 0; i < 40; ++i) noise.push_back(static_cast<char>((i * 7919 + 13) % 251));
  const std::string bytes = EncodeString(noise);
  EXPECT_EQ(bytes, std::string(1, 40) + noise);
}

TEST(RdbIoTest, StringsRoundTrip) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  for (const std::string& s : {std::string("hello"), std::string(70, 'z'), std::string(20000, 'q'),
                               binary, std::string("123"), std::string("-9223372036854775808")}) {
    EXPECT_EQ(ReadBack(EncodeString(s)), s);
  }
}

TEST(RdbIoTest, IntegerEncodedStringsReadAsDecimalText) {
  EXPECT_EQ(ReadBack(FromHex("c0ff")), "-1");
  EXPECT_EQ(ReadBack(FromHex("c1ff7f")), "32767");
  EXPECT_EQ(ReadBack(FromHex("c2ffffff7f")), "2147483647");
}

TEST(RdbIoTest, UnknownStringEncodingFails) {
  const std::string r_bytes = FromHex("c4");
  RdbReader r(r_bytes);
  std::string scratch;
  std::string_view v;
  EXPECT_FALSE(r.String(&v, &scratch));
  EXPECT_NE(r.error().find("unknown string encoding"), std::string::npos);
}

TEST(RdbIoTest, CorruptLzfIsRefused) {
  std::string bytes = EncodeString(std::string(100, 'a'));
  // Claim a different uncompressed length.
  std::string wrong_len = bytes;
  wrong_len[2] = 99;
  RdbReader r(wrong_len);
  std::string scratch;
  std::string_view v;
  EXPECT_FALSE(r.String(&v, &scratch));
  EXPECT_NE(r.error().find("LZF"), std::string::npos);
  // An absurd uncompressed length is refused before any allocation.
  const std::string huge = FromHex("c3 02 81 00000100 00000000 0000");
  RdbReader r2(huge);
  EXPECT_FALSE(r2.String(&v, &scratch));
  // Zero lengths too.
  const std::string r3_bytes = FromHex("c3 00 00");
  RdbReader r3(r3_bytes);
  EXPECT_FALSE(r3.String(&v, &scratch));
}

TEST(RdbIoTest, TruncatedStringFails) {
  const std::string r_bytes = FromHex("05 6162");
  RdbReader r(r_bytes);
  std::string scratch;
  std::string_view v;
  EXPECT_FALSE(r.String(&v, &scratch));
}

// ------------------------------------------------------------------ numbers

TEST(RdbIoTest, TimesAndDoublesAreLittleEndian) {
  EXPECT_EQ(ToHex(Encode(true, [](RdbEncoder& e) { e.Millis(0x0102030405060708); })),
            "0807060504030201");
  EXPECT_EQ(ToHex(Encode(true, [](RdbEncoder& e) { e.BinaryDouble(1.5); })), "000000000000f83f");
  const std::string r_bytes = FromHex("0807060504030201 000000000000f83f 78563412");
  RdbReader r(r_bytes);
  int64_t ms;
  double d;
  int32_t s;
  ASSERT_TRUE(r.Millis(&ms));
  ASSERT_TRUE(r.BinaryDouble(&d));
  ASSERT_TRUE(r.Seconds(&s));
  EXPECT_EQ(ms, 0x0102030405060708);
  EXPECT_EQ(d, 1.5);
  EXPECT_EQ(s, 0x12345678);
}

TEST(RdbIoTest, TextDoublesIncludingSpecialValues) {
  const std::string r_bytes = FromHex("fd fe ff 03 312e35 04 2d312e30");
  RdbReader r(r_bytes);
  double d;
  ASSERT_TRUE(r.TextDouble(&d));
  EXPECT_TRUE(std::isnan(d));
  ASSERT_TRUE(r.TextDouble(&d));
  EXPECT_EQ(d, std::numeric_limits<double>::infinity());
  ASSERT_TRUE(r.TextDouble(&d));
  EXPECT_EQ(d, -std::numeric_limits<double>::infinity());
  ASSERT_TRUE(r.TextDouble(&d));
  EXPECT_EQ(d, 1.5);
  ASSERT_TRUE(r.TextDouble(&d));
  EXPECT_EQ(d, -1.0);
  const std::string bad_bytes = FromHex("03 616263");
  RdbReader bad(bad_bytes);
  EXPECT_FALSE(bad.TextDouble(&d));
  const std::string empty_bytes = FromHex("00");
  RdbReader empty(empty_bytes);
  EXPECT_FALSE(empty.TextDouble(&d));
}

}  // namespace
}  // namespace osprey::persistence
