#include "base/crc64.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace osprey::base {
namespace {

TEST(Crc64Test, MatchesTheJonesCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
}

TEST(Crc64Test, EmptyInputLeavesTheCrcAlone) {
  EXPECT_EQ(Crc64(0, "", 0), 0u);
  EXPECT_EQ(Crc64(12345, "", 0), 12345u);
}

TEST(Crc64Test, PiecesGiveTheSameResultAsTheWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 31 + 7));
  const uint64_t whole = Crc64(0, data);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{500}, size_t{999}}) {
    const uint64_t a = Crc64(0, data.data(), cut);
    EXPECT_EQ(Crc64(a, data.data() + cut, data.size() - cut), whole) << cut;
  }
}

TEST(Crc64Test, AnyChangedByteChangesTheCrc) {
  std::string data(64, 'a');
  const uint64_t base = Crc64(0, data);
  for (size_t i = 0; i < data.size(); ++i) {
    std::string copy = data;
    copy[i] ^= 1;
    EXPECT_NE(Crc64(0, copy), base) << i;
  }
}

TEST(Crc64Test, FoldingAgreesWithTheTablesForEveryLengthStartAndAlignment) {
  std::mt19937_64 rng(11);
  std::string data(70000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t len = 0; len <= 700; ++len) {
    const size_t offset = rng() % 16;
    const uint64_t start = len % 3 == 0 ? 0 : rng();
    ASSERT_EQ(Crc64(start, data.data() + offset, len),
              Crc64Portable(start, data.data() + offset, len))
        << "len " << len << " offset " << offset;
  }
  for (size_t len : {size_t{4095}, size_t{4096}, size_t{4097}, size_t{65536 + 13}}) {
    EXPECT_EQ(Crc64(0, data.data() + 3, len), Crc64Portable(0, data.data() + 3, len)) << len;
  }
  // The check value through the folding path: "123456789" repeated.
  std::string nines;
  for (int i = 0; i < 100; ++i) nines += "123456789";
  EXPECT_EQ(Crc64(0, nines), Crc64Portable(0, nines.data(), nines.size()));
  EXPECT_EQ(Crc64Portable(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
}

}  // namespace
}  // namespace osprey::base
