// The bit operations of types/bitmap.h: single bits, counting and searching
// over ranges (checked against a bit-by-bit model on random strings, at
// every alignment), BITOP's combination rules, and bitfields with their
// overflow rules as Redis 7.0 applies them.
#include "types/bitmap.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::types {
namespace {

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

bool ModelBit(std::string_view s, uint64_t i) {
  return (static_cast<uint8_t>(s[i / 8]) >> (7 - i % 8)) & 1;
}

uint64_t ModelCount(std::string_view s, uint64_t first, uint64_t last) {
  uint64_t n = 0;
  for (uint64_t i = first; i <= last; ++i) n += ModelBit(s, i);
  return n;
}

int64_t ModelFind(std::string_view s, bool bit, uint64_t first, uint64_t last) {
  for (uint64_t i = first; i <= last; ++i) {
    if (ModelBit(s, i) == bit) return static_cast<int64_t>(i);
  }
  return -1;
}

std::string RandomBytes(std::mt19937_64& rng, size_t n, int density_percent) {
  std::string s(n, '\0');
  std::uniform_int_distribution<int> pct(0, 99);
  for (size_t i = 0; i < n * 8; ++i) {
    if (pct(rng) < density_percent) s[i / 8] = static_cast<char>(s[i / 8] | (0x80 >> (i % 8)));
  }
  return s;
}

// ------------------------------------------------------------ single bits

TEST(BitmapTest, BitZeroIsTheMostSignificantBitOfTheFirstByte) {
  const std::string s("\x80\x01", 2);
  EXPECT_TRUE(GetBit(s, 0));
  EXPECT_FALSE(GetBit(s, 1));
  EXPECT_FALSE(GetBit(s, 14));
  EXPECT_TRUE(GetBit(s, 15));
}

TEST(BitmapTest, BitsPastTheEndReadAsZero) {
  const std::string s("\xff", 1);
  EXPECT_TRUE(GetBit(s, 7));
  EXPECT_FALSE(GetBit(s, 8));
  EXPECT_FALSE(GetBit(s, uint64_t{1} << 40));
  EXPECT_FALSE(GetBit("", 0));
}

TEST(BitmapTest, SetBitChangesOnlyThatBit) {
  std::string s(2, '\0');
  SetBit(s.data(), 9, true);
  EXPECT_EQ(s, std::string("\x00\x40", 2));
  SetBit(s.data(), 0, true);
  SetBit(s.data(), 9, false);
  EXPECT_EQ(s, std::string("\x80\x00", 2));
}

// ------------------------------------------------------------ counting

TEST(BitmapTest, PopCountCountsEveryByte) {
  EXPECT_EQ(PopCount(""), 0u);
  EXPECT_EQ(PopCount("foobar"), 26u);
  EXPECT_EQ(PopCount(std::string(1000, '\xff')), 8000u);
  EXPECT_EQ(PopCount(std::string(1001, '\x01')), 1001u);
}

TEST(BitmapTest, PopCountMatchesTheModelAtEveryAlignmentAndLength) {
  std::mt19937_64 rng(7);
  const std::string s = RandomBytes(rng, 300, 40);
  for (size_t start = 0; start < 17; ++start) {
    for (size_t len = 0; start + len <= s.size(); len += 7) {
      std::string_view part = std::string_view(s).substr(start, len);
      const uint64_t expect = len == 0 ? 0 : ModelCount(part, 0, len * 8 - 1);
      ASSERT_EQ(PopCount(part), expect) << start << " " << len;
    }
  }
}

TEST(BitmapTest, CountBitsWithinOneByteHonoursBothEdges) {
  const std::string s("\xff", 1);
  EXPECT_EQ(CountBits(s, 0, 7), 8u);
  EXPECT_EQ(CountBits(s, 2, 5), 4u);
  EXPECT_EQ(CountBits(s, 3, 3), 1u);
}

TEST(BitmapTest, CountBitsMatchesTheModelOnRandomRanges) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    const std::string s = RandomBytes(rng, 1 + rng() % 90, static_cast<int>(rng() % 100));
    const uint64_t nbits = s.size() * 8;
    uint64_t a = rng() % nbits, b = rng() % nbits;
    if (a > b) std::swap(a, b);
    ASSERT_EQ(CountBits(s, a, b), ModelCount(s, a, b)) << a << ".." << b;
  }
}

// ------------------------------------------------------------ searching

TEST(BitmapTest, FindBitReturnsTheFirstMatchInRange) {
  const std::string s("\x00\x10\xff", 3);
  EXPECT_EQ(FindBit(s, true, 0, 23), 11);
  EXPECT_EQ(FindBit(s, true, 12, 23), 16);
  EXPECT_EQ(FindBit(s, false, 0, 23), 0);
  EXPECT_EQ(FindBit(s, false, 16, 23), -1);
  EXPECT_EQ(FindBit(s, true, 0, 10), -1);
}

TEST(BitmapTest, FindBitSkipsLongRunsOfTheOtherValue) {
  std::string ones(4096, '\xff');
  ones[3001] = '\xfe';
  EXPECT_EQ(FindBit(ones, false, 0, ones.size() * 8 - 1), 3001 * 8 + 7);
  EXPECT_EQ(FindBit(ones, false, 3001 * 8 + 8, ones.size() * 8 - 1), -1);
  std::string zeros(4096, '\0');
  zeros[4095] = '\x01';
  EXPECT_EQ(FindBit(zeros, true, 3, zeros.size() * 8 - 1), 4095 * 8 + 7);
}

TEST(BitmapTest, FindBitMatchesTheModelOnRandomRanges) {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 400; ++round) {
    // Sparse and dense strings, so both searches cross whole words.
    const int density = (round % 4 == 0) ? 1 : (round % 4 == 1) ? 99 : 50;
    const std::string s = RandomBytes(rng, 1 + rng() % 70, density);
    const uint64_t nbits = s.size() * 8;
    uint64_t a = rng() % nbits, b = rng() % nbits;
    if (a > b) std::swap(a, b);
    for (bool bit : {false, true}) {
      ASSERT_EQ(FindBit(s, bit, a, b), ModelFind(s, bit, a, b)) << bit << " " << a << ".." << b;
    }
  }
}

// ------------------------------------------------------------ BITOP

std::string Combine(BitOp op, std::vector<std::string_view> sources) {
  size_t len = 0;
  for (auto s : sources) len = std::max(len, s.size());
  std::string out(len, '?');
  CombineBits(op, sources, out.data(), len);
  return out;
}

TEST(BitmapTest, CombinePadsShorterSourcesWithZeros) {
  EXPECT_EQ(Combine(BitOp::kOr, {"\x01", std::string_view("\x10\x20", 2)}),
            std::string("\x11\x20", 2));
  EXPECT_EQ(Combine(BitOp::kAnd, {std::string_view("\xff\xff", 2), "\x0f"}),
            std::string("\x0f\x00", 2));
  EXPECT_EQ(Combine(BitOp::kXor, {"\x0f", std::string_view("\xff\xff", 2)}),
            std::string("\xf0\xff", 2));
}

TEST(BitmapTest, AndWithAnEmptySourceIsAllZeros) {
  EXPECT_EQ(Combine(BitOp::kAnd, {"abc", "", "abc"}), std::string(3, '\0'));
}

TEST(BitmapTest, NotInvertsEveryByte) {
  EXPECT_EQ(Combine(BitOp::kNot, {std::string_view("\x00\x0f\xff", 3)}),
            std::string("\xff\xf0\x00", 3));
}

// Combines `count` random sources (some empty, lengths in any order) and
// compares each byte with the operation done byte by byte.
void CheckCombineAgainstBytes(std::mt19937_64& rng, size_t count) {
  std::vector<std::string> in;
  for (size_t i = 0; i < count; ++i) {
    in.push_back(RandomBytes(rng, rng() % 5 == 0 ? 0 : rng() % 200, 50));
  }
  std::vector<std::string_view> views(in.begin(), in.end());
  size_t len = 0;
  for (auto& s : in) len = std::max(len, s.size());
  if (len == 0) return;
  auto byte = [&](size_t k, size_t j) -> uint8_t {
    return j < in[k].size() ? static_cast<uint8_t>(in[k][j]) : 0;
  };
  const std::string a = Combine(BitOp::kAnd, views), o = Combine(BitOp::kOr, views),
                    x = Combine(BitOp::kXor, views);
  for (size_t j = 0; j < len; ++j) {
    uint8_t ea = byte(0, j), eo = byte(0, j), ex = byte(0, j);
    for (size_t k = 1; k < in.size(); ++k) {
      ea &= byte(k, j);
      eo |= byte(k, j);
      ex ^= byte(k, j);
    }
    ASSERT_EQ(static_cast<uint8_t>(a[j]), ea) << j;
    ASSERT_EQ(static_cast<uint8_t>(o[j]), eo) << j;
    ASSERT_EQ(static_cast<uint8_t>(x[j]), ex) << j;
  }
}

TEST(BitmapTest, CombineMatchesBytewiseOperationsOnRandomSources) {
  std::mt19937_64 rng(17);
  for (int round = 0; round < 40; ++round) {
    CheckCombineAgainstBytes(rng, 1 + round % 4);
  }
}

TEST(BitmapTest, NotOfALongSource) {
  std::mt19937_64 rng(23);
  const std::string s = RandomBytes(rng, 333, 50);
  const std::string out = Combine(BitOp::kNot, {s});
  ASSERT_EQ(out.size(), s.size());
  for (size_t j = 0; j < s.size(); ++j) ASSERT_EQ(out[j], static_cast<char>(~s[j])) << j;
}

// ------------------------------------------------------------ bitfields

TEST(BitmapTest, FieldsAreStoredMostSignificantBitFirst) {
  // Redis's own example: u5 = 23 at offset 7 is 00000001 01110000.
  std::string s(2, '\0');
  SetField(s.data(), 7, 5, 23);
  EXPECT_EQ(s, std::string("\x01\x70", 2));
  EXPECT_EQ(GetUnsignedField(s, 7, 5), 23u);
}

TEST(BitmapTest, SetFieldLeavesTheNeighbouringBitsAlone) {
  std::string s(3, '\xff');
  SetField(s.data(), 4, 12, 0);
  EXPECT_EQ(s, std::string("\xf0\x00\xff", 3));
}

TEST(BitmapTest, SixtyFourBitFieldsAtAnOddOffsetSpanNineBytes) {
  std::string s(9, '\0');
  SetField(s.data(), 3, 64, 0x8123456789abcdefULL);
  EXPECT_EQ(GetUnsignedField(s, 3, 64), 0x8123456789abcdefULL);
  EXPECT_EQ(GetSignedField(s, 3, 64), static_cast<int64_t>(0x8123456789abcdefULL));
  EXPECT_EQ(static_cast<uint8_t>(s[0]), 0x10);
  EXPECT_EQ(static_cast<uint8_t>(s[8]), 0xe0);
}

TEST(BitmapTest, SignedFieldsExtendTheirSignBit) {
  std::string s(1, '\0');
  SetField(s.data(), 0, 4, static_cast<uint64_t>(-3));
  EXPECT_EQ(GetSignedField(s, 0, 4), -3);
  EXPECT_EQ(GetUnsignedField(s, 0, 4), 13u);
  EXPECT_EQ(GetSignedField(s, 0, 1), -1);
}

TEST(BitmapTest, FieldBitsPastTheEndReadAsZero) {
  const std::string s("\xff", 1);
  EXPECT_EQ(GetUnsignedField(s, 4, 8), 0xf0u);
  EXPECT_EQ(GetUnsignedField(s, 100, 8), 0u);
  EXPECT_EQ(GetSignedField("", 0, 64), 0);
}

TEST(BitmapTest, RandomFieldsRoundTripAndMatchTheModel) {
  std::mt19937_64 rng(19);
  for (int round = 0; round < 500; ++round) {
    std::string s = RandomBytes(rng, 20, 50);
    const unsigned bits = 1 + static_cast<unsigned>(rng() % 64);
    const uint64_t offset = rng() % (s.size() * 8 - bits + 1);
    const uint64_t value = rng();
    const std::string before = s;
    SetField(s.data(), offset, bits, value);
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    ASSERT_EQ(GetUnsignedField(s, offset, bits), value & mask);
    for (uint64_t i = 0; i < s.size() * 8; ++i) {
      const bool expect = (i >= offset && i < offset + bits)
                              ? ((value >> (bits - 1 - (i - offset))) & 1)
                              : ModelBit(before, i);
      ASSERT_EQ(ModelBit(s, i), expect) << "bit " << i;
    }
  }
}

// ------------------------------------------------------------ overflow

TEST(BitmapTest, UnsignedIncrementsWithinRangeDoNotOverflow) {
  uint64_t r = 99;
  EXPECT_FALSE(UnsignedFieldOverflows(250, 5, 8, FieldOverflow::kWrap, &r));
  EXPECT_FALSE(UnsignedFieldOverflows(5, -5, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, 99u);
}

TEST(BitmapTest, UnsignedOverflowWrapsOrSaturates) {
  uint64_t r = 0;
  EXPECT_TRUE(UnsignedFieldOverflows(250, 10, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, 4u);
  EXPECT_TRUE(UnsignedFieldOverflows(250, 10, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, 255u);
  EXPECT_TRUE(UnsignedFieldOverflows(3, -4, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, 255u);
  EXPECT_TRUE(UnsignedFieldOverflows(3, -4, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, 0u);
}

TEST(BitmapTest, UnsignedFailLeavesTheResultAlone) {
  uint64_t r = 77;
  EXPECT_TRUE(UnsignedFieldOverflows(250, 10, 8, FieldOverflow::kFail, &r));
  EXPECT_EQ(r, 77u);
}

TEST(BitmapTest, NegativeUnsignedSetSaturatesToTheMaximum) {
  // SET u8 -1: the value is seen as 2^64-1, above the range.
  uint64_t r = 0;
  EXPECT_TRUE(UnsignedFieldOverflows(static_cast<uint64_t>(-1), 0, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, 255u);
  EXPECT_TRUE(UnsignedFieldOverflows(static_cast<uint64_t>(-1), 0, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, 255u);
}

TEST(BitmapTest, UnsignedSixtyThreeBitsHandlesExtremeIncrements) {
  const uint64_t max = (uint64_t{1} << 63) - 1;
  uint64_t r = 0;
  EXPECT_FALSE(UnsignedFieldOverflows(0, kI64Max, 63, FieldOverflow::kSat, &r));
  EXPECT_TRUE(UnsignedFieldOverflows(1, kI64Max, 63, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, max);
  EXPECT_TRUE(UnsignedFieldOverflows(max, kI64Min, 63, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, 0u);
  EXPECT_TRUE(UnsignedFieldOverflows(0, kI64Min, 63, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, 0u);
}

TEST(BitmapTest, SignedOverflowWrapsAroundToTheOtherEnd) {
  int64_t r = 0;
  EXPECT_TRUE(SignedFieldOverflows(127, 1, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, -128);
  EXPECT_TRUE(SignedFieldOverflows(-128, -1, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, 127);
  EXPECT_TRUE(SignedFieldOverflows(100, 1000, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, static_cast<int8_t>(1100 & 0xff));
}

TEST(BitmapTest, SignedOverflowSaturatesAtTheLimits) {
  int64_t r = 0;
  EXPECT_TRUE(SignedFieldOverflows(127, 1, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, 127);
  EXPECT_TRUE(SignedFieldOverflows(-128, -1, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, -128);
  EXPECT_FALSE(SignedFieldOverflows(-128, 255, 8, FieldOverflow::kSat, &r));
}

TEST(BitmapTest, SignedSixtyFourBitsOverflowsOnlyPastInt64) {
  int64_t r = 0;
  EXPECT_FALSE(SignedFieldOverflows(kI64Max - 1, 1, 64, FieldOverflow::kSat, &r));
  EXPECT_FALSE(SignedFieldOverflows(-1, kI64Min + 1, 64, FieldOverflow::kSat, &r));
  EXPECT_TRUE(SignedFieldOverflows(kI64Max, 1, 64, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, kI64Max);
  EXPECT_TRUE(SignedFieldOverflows(kI64Min, -1, 64, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, kI64Min);
  EXPECT_TRUE(SignedFieldOverflows(kI64Max, 1, 64, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, kI64Min);
  EXPECT_FALSE(SignedFieldOverflows(kI64Min, 0, 64, FieldOverflow::kSat, &r));
}

TEST(BitmapTest, SignedSetOfOutOfRangeValues) {
  int64_t r = 0;
  EXPECT_TRUE(SignedFieldOverflows(200, 0, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, 127);
  EXPECT_TRUE(SignedFieldOverflows(-200, 0, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, -128);
  EXPECT_TRUE(SignedFieldOverflows(200, 0, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, -56);
  // Redis's wrapping range test takes a value this close to INT64_MIN for
  // one above the maximum.
  EXPECT_TRUE(SignedFieldOverflows(kI64Min, 0, 8, FieldOverflow::kSat, &r));
  EXPECT_EQ(r, 127);
  EXPECT_TRUE(SignedFieldOverflows(kI64Min, 0, 8, FieldOverflow::kWrap, &r));
  EXPECT_EQ(r, 0);
}

}  // namespace
}  // namespace osprey::types
