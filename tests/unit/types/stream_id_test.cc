#include "types/stream_id.h"

#include <gtest/gtest.h>

namespace osprey::types {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

StreamID Parse(std::string_view text, uint64_t missing_seq = 0, bool strict = false) {
  StreamID id{7, 7};
  EXPECT_TRUE(ParseStreamID(text, missing_seq, strict, &id)) << text;
  return id;
}

bool Invalid(std::string_view text, bool strict = false) {
  StreamID id;
  return !ParseStreamID(text, 0, strict, &id);
}

TEST(StreamIdTest, OrdersByMsThenSeq) {
  EXPECT_LT((StreamID{1, 5}), (StreamID{2, 0}));
  EXPECT_LT((StreamID{2, 0}), (StreamID{2, 1}));
  EXPECT_EQ((StreamID{3, 4}), (StreamID{3, 4}));
}

TEST(StreamIdTest, IncrementCarriesAndStopsAtMax) {
  StreamID id{1, kMax};
  EXPECT_TRUE(id.Increment());
  EXPECT_EQ(id, (StreamID{2, 0}));
  StreamID max = StreamID::Max();
  EXPECT_FALSE(max.Increment());
  EXPECT_EQ(max, StreamID::Max());
}

TEST(StreamIdTest, DecrementBorrowsAndStopsAtMin) {
  StreamID id{2, 0};
  EXPECT_TRUE(id.Decrement());
  EXPECT_EQ(id, (StreamID{1, kMax}));
  StreamID min = StreamID::Min();
  EXPECT_FALSE(min.Decrement());
  EXPECT_EQ(min, StreamID::Min());
}

TEST(StreamIdTest, FormatsAsMsDashSeq) {
  EXPECT_EQ((StreamID{1526919030474, 55}).ToString(), "1526919030474-55");
  EXPECT_EQ(StreamID::Max().ToString(), "18446744073709551615-18446744073709551615");
}

TEST(StreamIdTest, BigEndianFormKeepsOrderAndRoundTrips) {
  const StreamID a{0x0102030405060708, 0x1112131415161718};
  uint8_t buf[16];
  a.EncodeBigEndian(buf);
  EXPECT_EQ(buf[0], 0x01);
  EXPECT_EQ(buf[15], 0x18);
  EXPECT_EQ(StreamID::DecodeBigEndian(buf), a);
}

TEST(StreamIdTest, ParsesFullAndPartialIds) {
  EXPECT_EQ(Parse("5-3"), (StreamID{5, 3}));
  EXPECT_EQ(Parse("5", 0), (StreamID{5, 0}));
  EXPECT_EQ(Parse("5", kMax), (StreamID{5, kMax}));
  EXPECT_EQ(Parse("-"), StreamID::Min());
  EXPECT_EQ(Parse("+"), StreamID::Max());
  EXPECT_EQ(Parse("18446744073709551615-18446744073709551615"), StreamID::Max());
}

TEST(StreamIdTest, ReadsPartsAsRedisDoes) {
  // strtoull's reading: leading zeros and a plus sign pass, "-0" is zero.
  EXPECT_EQ(Parse("007-01"), (StreamID{7, 1}));
  EXPECT_EQ(Parse("+5-1"), (StreamID{5, 1}));
  EXPECT_EQ(Parse("1--0"), (StreamID{1, 0}));
  // A negative canonical number is refused.
  EXPECT_TRUE(Invalid("1--1"));
}

TEST(StreamIdTest, RefusesMalformedIds) {
  EXPECT_TRUE(Invalid(""));
  EXPECT_TRUE(Invalid("abc"));
  EXPECT_TRUE(Invalid("1-"));
  EXPECT_TRUE(Invalid("-1"));
  EXPECT_TRUE(Invalid("1-2-3"));
  EXPECT_TRUE(Invalid("18446744073709551616-0"));
  EXPECT_TRUE(Invalid("1-*"));  // only with seq_given
  EXPECT_TRUE(Invalid(std::string(128, '1')));
  EXPECT_TRUE(Invalid("-", /*strict=*/true));
  EXPECT_TRUE(Invalid("+", /*strict=*/true));
}

TEST(StreamIdTest, SequenceWildcardOnlyWhenAsked) {
  StreamID id;
  bool seq_given = true;
  ASSERT_TRUE(ParseStreamID("9-*", 0, true, &id, &seq_given));
  EXPECT_FALSE(seq_given);
  EXPECT_EQ(id, (StreamID{9, 0}));
  ASSERT_TRUE(ParseStreamID("9-4", 0, true, &id, &seq_given));
  EXPECT_TRUE(seq_given);
}

}  // namespace
}  // namespace osprey::types
