#include "types/intset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace osprey::types {
namespace {

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i < hex.size();) {
    if (hex[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

std::vector<int64_t> Values(const Intset& s) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < s.Size(); ++i) out.push_back(s.Get(i));
  return out;
}

Intset Build(const std::vector<int64_t>& values) {
  Intset s;
  for (int64_t v : values) s.Add(v);
  return s;
}

// Validates a copy in an allocation of exactly the buffer's size, so that a
// read past the end trips AddressSanitizer.
bool ValidateExact(std::string_view bytes) {
  std::unique_ptr<char[]> copy(new char[bytes.size()]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  return Intset::Validate(std::string_view(copy.get(), bytes.size()));
}

// ------------------------------------------------------------ golden bytes
//
// Taken from Redis 7.0.15: DUMP of each set, with the intset blob cut out of
// the RDB string that carries it.

TEST(IntsetGoldenTest, FormatConstantsArePinned) {
  EXPECT_EQ(kIntsetEnc16, 2u);
  EXPECT_EQ(kIntsetEnc32, 4u);
  EXPECT_EQ(kIntsetEnc64, 8u);
  EXPECT_EQ(kIntsetHeaderSize, 8u);
}

TEST(IntsetGoldenTest, SixteenBitSetMatchesRedis) {
  // SADD s 1 2 3
  const std::string golden = Hex("02000000 03000000 0100 0200 0300");
  EXPECT_EQ(Build({1, 2, 3}).bytes(), golden);
  auto loaded = Intset::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Values(*loaded), (std::vector<int64_t>{1, 2, 3}));
  // SADD sneg -1 -32768 32767: still 16-bit at both ends.
  EXPECT_EQ(Build({-1, -32768, 32767}).bytes(), Hex("02000000 03000000 0080 ffff ff7f"));
}

TEST(IntsetGoldenTest, ThirtyTwoBitSetMatchesRedis) {
  // SADD s32 70000 1 -70000
  const std::string golden = Hex("04000000 03000000 90eefeff 01000000 70110100");
  EXPECT_EQ(Build({70000, 1, -70000}).bytes(), golden);
  auto loaded = Intset::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Values(*loaded), (std::vector<int64_t>{-70000, 1, 70000}));
}

TEST(IntsetGoldenTest, SixtyFourBitSetMatchesRedis) {
  // SADD s64 1 5000000000 -3
  const std::string golden =
      Hex("08000000 03000000 fdffffffffffffff 0100000000000000 00f2052a01000000");
  EXPECT_EQ(Build({1, 5000000000, -3}).bytes(), golden);
  auto loaded = Intset::FromBytes(golden);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(Values(*loaded), (std::vector<int64_t>{-3, 1, 5000000000}));
}

// ------------------------------------------------------------ behaviour

TEST(IntsetTest, EmptySetIsAHeader) {
  Intset s;
  EXPECT_EQ(s.bytes(), Hex("02000000 00000000"));
  EXPECT_TRUE(s.Empty());
  EXPECT_EQ(s.BlobSize(), 8u);
  EXPECT_FALSE(s.Contains(0));
  EXPECT_FALSE(s.Remove(0));
}

TEST(IntsetTest, AddReportsWhetherTheValueIsNew) {
  Intset s;
  EXPECT_TRUE(s.Add(5));
  EXPECT_TRUE(s.Add(-5));
  EXPECT_FALSE(s.Add(5));
  EXPECT_TRUE(s.Add(0));
  EXPECT_EQ(Values(s), (std::vector<int64_t>{-5, 0, 5}));
  size_t pos = 99;
  EXPECT_TRUE(s.Find(0, &pos));
  EXPECT_EQ(pos, 1u);
  EXPECT_FALSE(s.Find(1, &pos));
  EXPECT_FALSE(s.Find(int64_t{1} << 40, &pos));
  EXPECT_EQ(s.Min(), -5);
  EXPECT_EQ(s.Max(), 5);
}

TEST(IntsetTest, EncodingWidensAtEachBoundaryAndNeverNarrows) {
  struct Case {
    int64_t v;
    uint32_t enc;
  };
  const Case cases[] = {{0, 2},
                        {INT16_MAX, 2},
                        {INT16_MIN, 2},
                        {int64_t{INT16_MAX} + 1, 4},
                        {int64_t{INT16_MIN} - 1, 4},
                        {INT32_MAX, 4},
                        {INT32_MIN, 4},
                        {int64_t{INT32_MAX} + 1, 8},
                        {int64_t{INT32_MIN} - 1, 8},
                        {INT64_MAX, 8},
                        {INT64_MIN, 8}};
  for (const Case& c : cases) {
    EXPECT_EQ(Intset::EncodingFor(c.v), c.enc) << c.v;
    Intset s = Build({1, 2});
    EXPECT_TRUE(s.Add(c.v));
    EXPECT_EQ(s.Encoding(), c.enc) << c.v;
    EXPECT_TRUE(s.Contains(c.v));
    EXPECT_TRUE(s.Contains(1));
    EXPECT_TRUE(s.Contains(2));
    EXPECT_EQ(s.BlobSize(), 8 + s.Size() * c.enc);
    EXPECT_TRUE(Intset::Validate(s.bytes()));
    EXPECT_TRUE(s.Remove(c.v));
    EXPECT_EQ(s.Encoding(), c.enc);  // no narrowing
  }
}

TEST(IntsetTest, UpgradePrependsNegativesAndAppendsPositives) {
  Intset s = Build({-3, 0, 7});
  EXPECT_TRUE(s.Add(-100000));
  EXPECT_EQ(Values(s), (std::vector<int64_t>{-100000, -3, 0, 7}));
  EXPECT_TRUE(s.Add(int64_t{1} << 40));
  EXPECT_EQ(Values(s), (std::vector<int64_t>{-100000, -3, 0, 7, int64_t{1} << 40}));
  EXPECT_TRUE(s.Add(INT64_MIN));
  EXPECT_EQ(s.Min(), INT64_MIN);
  EXPECT_EQ(s.Encoding(), kIntsetEnc64);
  EXPECT_TRUE(Intset::Validate(s.bytes()));
}

TEST(IntsetTest, RandomPicksByIndex) {
  Intset s = Build({10, 20, 30});
  EXPECT_EQ(s.Random(0), 10);
  EXPECT_EQ(s.Random(4), 20);
  EXPECT_EQ(s.Random(UINT64_MAX), s.Get(UINT64_MAX % 3));
}

TEST(IntsetTest, MoveCloneReleaseAdopt) {
  Intset a = Build({1, 2});
  Intset b = std::move(a);
  Intset c = b.Clone();
  c.Add(3);
  EXPECT_EQ(b.Size(), 2u);
  a = std::move(c);
  Intset d = Intset::Adopt(a.Release());
  EXPECT_EQ(Values(d), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_GE(d.AllocatedSize(), d.BlobSize());
}

TEST(IntsetTest, RandomOperationsMatchAStdSet) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 30; ++round) {
    Intset s;
    std::set<int64_t> model;
    const int shift = static_cast<int>(rng() % 64);
    for (int step = 0; step < 600; ++step) {
      // Mostly small values, with wider ones now and then to force upgrades.
      int64_t v = static_cast<int64_t>(rng() % 200) - 100;
      if (rng() % 50 == 0) v = static_cast<int64_t>(rng()) >> shift;
      switch (rng() % 4) {
        case 0:
        case 1:
          ASSERT_EQ(s.Add(v), model.insert(v).second);
          break;
        case 2:
          ASSERT_EQ(s.Remove(v), model.erase(v) == 1);
          break;
        default:
          ASSERT_EQ(s.Contains(v), model.count(v) == 1);
          break;
      }
    }
    ASSERT_EQ(Values(s), std::vector<int64_t>(model.begin(), model.end()));
    for (size_t i = 0; i < s.Size(); ++i) {
      size_t pos;
      ASSERT_TRUE(s.Find(s.Get(i), &pos));
      ASSERT_EQ(pos, i);
    }
    if (!s.Empty()) {
      ASSERT_TRUE(ValidateExact(s.bytes()));
    }
  }
}

// ------------------------------------------------------------ validation

TEST(IntsetValidateTest, RejectsMalformedBuffers) {
  const std::string good = Hex("04000000 03000000 90eefeff 01000000 70110100");
  EXPECT_TRUE(ValidateExact(good));
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(ValidateExact(good.substr(0, n))) << n;
  EXPECT_FALSE(ValidateExact(good + '\0'));
  // Unknown encodings.
  for (uint8_t enc : {0, 1, 3, 16, 255}) {
    std::string s = good;
    s[0] = static_cast<char>(enc);
    EXPECT_FALSE(ValidateExact(s)) << int{enc};
  }
  // A length that disagrees with the size, including one that overflows
  // 32 bits when multiplied by the encoding.
  std::string s = good;
  s[4] = 2;
  EXPECT_FALSE(ValidateExact(s));
  s = Hex("08000000 00000020 0100000000000000");
  EXPECT_FALSE(ValidateExact(s));
  // Empty sets, out of order and duplicate values.
  EXPECT_FALSE(ValidateExact(Hex("02000000 00000000")));
  EXPECT_FALSE(ValidateExact(Hex("02000000 02000000 0200 0100")));
  EXPECT_FALSE(ValidateExact(Hex("02000000 02000000 0100 0100")));
  EXPECT_FALSE(Intset::FromBytes("x").has_value());
}

TEST(IntsetValidateTest, AcceptsAWiderEncodingThanNeeded) {
  const std::string wide = Hex("08000000 02000000 0100000000000000 0200000000000000");
  ASSERT_TRUE(ValidateExact(wide));
  Intset s = Intset::FromValidated(wide);
  EXPECT_EQ(s.Encoding(), kIntsetEnc64);
  EXPECT_TRUE(s.Add(3));
  EXPECT_EQ(Values(s), (std::vector<int64_t>{1, 2, 3}));
}

TEST(IntsetValidateTest, CorruptedBuffersAreRejectedOrSafe) {
  std::mt19937_64 rng(3);
  int accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    Intset s;
    const int n = 1 + static_cast<int>(rng() % 8);
    const int shift = static_cast<int>(rng() % 64);
    for (int i = 0; i < n; ++i) s.Add(static_cast<int64_t>(rng()) >> shift);
    std::string b(s.bytes());
    const size_t at = rng() % b.size();
    b[at] = static_cast<char>(b[at] ^ (1 << (rng() % 8)));
    if (rng() % 8 == 0) b.resize(rng() % b.size());
    if (!ValidateExact(b)) continue;
    ++accepted;
    Intset copy = Intset::FromValidated(b);
    for (size_t i = 0; i < copy.Size(); ++i) {
      if (i > 0) {
        ASSERT_LT(copy.Get(i - 1), copy.Get(i));
      }
      ASSERT_TRUE(copy.Contains(copy.Get(i)));
    }
    copy.Add(static_cast<int64_t>(rng()));
    ASSERT_TRUE(Intset::Validate(copy.bytes()));
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace osprey::types
