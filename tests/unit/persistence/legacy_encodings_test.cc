#include "persistence/legacy_encodings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "persistence/rdb_test_util.h"

namespace osprey::persistence {
namespace {

using testing::FromHex;
using testing::Ziplist;
using testing::ZiplistItem;
using testing::Zipmap;

std::vector<std::string> ZiplistTexts(const std::string& zl, bool* ok) {
  std::vector<std::string> out;
  char buf[types::kListpackIntBufSize];
  *ok = ForEachZiplistEntry(zl, [&](const types::ListpackValue& v) {
    out.emplace_back(v.ToString(buf));
    return true;
  });
  return out;
}

TEST(ZiplistTest, ReadsEveryEncoding) {
  const std::string zl = Ziplist({int64_t{0}, int64_t{12}, int64_t{13}, int64_t{-100},
                                  int64_t{30000}, int64_t{-8000000}, int64_t{2000000000},
                                  int64_t{-9000000000000000000}, std::string("abc"),
                                  std::string(100, 'x'), std::string(20000, 'y')});
  bool ok;
  const auto got = ZiplistTexts(zl, &ok);
  ASSERT_TRUE(ok);
  const std::vector<std::string> want = {"0", "12", "13", "-100", "30000", "-8000000",
                                         "2000000000", "-9000000000000000000", "abc",
                                         std::string(100, 'x'), std::string(20000, 'y')};
  EXPECT_EQ(got, want);
}

TEST(ZiplistTest, ReadsHandWrittenBytes) {
  // "a", 1 (a 4-bit immediate), "bb": 20 bytes, the tail entry at 15.
  const std::string zl = FromHex("14000000 0f000000 0300 00 0161 03 f2 02 026262 ff");
  bool ok;
  EXPECT_EQ(ZiplistTexts(zl, &ok), (std::vector<std::string>{"a", "1", "bb"}));
  EXPECT_TRUE(ok);
}

TEST(ZiplistTest, AnEmptyZiplistIsWellFormed) {
  bool ok;
  EXPECT_TRUE(ZiplistTexts(Ziplist({}), &ok).empty());
  EXPECT_TRUE(ok);
}

TEST(ZiplistTest, RefusesEveryTruncation) {
  const std::string zl = Ziplist({std::string("hello"), int64_t{500}, std::string(300, 'z')});
  for (size_t n = 0; n < zl.size(); ++n) {
    bool ok;
    ZiplistTexts(zl.substr(0, n), &ok);
    EXPECT_FALSE(ok) << n;
  }
}

TEST(ZiplistTest, RefusesInconsistentHeaders) {
  const std::string zl = Ziplist({std::string("a"), std::string("b")});
  bool ok;
  std::string bad = zl;
  bad[0] += 1;  // byte count
  ZiplistTexts(bad, &ok);
  EXPECT_FALSE(ok);
  bad = zl;
  bad[4] += 1;  // tail offset
  ZiplistTexts(bad, &ok);
  EXPECT_FALSE(ok);
  bad = zl;
  bad[8] = 3;  // element count
  ZiplistTexts(bad, &ok);
  EXPECT_FALSE(ok);
  bad = zl;
  bad[8] = static_cast<char>(0xff);  // 65535: unknown count, accepted
  bad[9] = static_cast<char>(0xff);
  ZiplistTexts(bad, &ok);
  EXPECT_TRUE(ok);
}

TEST(ZiplistTest, RefusesAWrongBackLengthAndBadEncodings) {
  const std::string zl = Ziplist({std::string("a"), std::string("b")});
  bool ok;
  std::string bad = zl;
  bad[13] = 5;  // second entry's prevlen
  ZiplistTexts(bad, &ok);
  EXPECT_FALSE(ok);
  bad = zl;
  bad[11] = 0x3f;  // a 63-byte string that runs past the end
  ZiplistTexts(bad, &ok);
  EXPECT_FALSE(ok);
  bad = zl;
  bad[11] = static_cast<char>(0x81);  // 10xxxxxx other than 0x80
  ZiplistTexts(bad, &ok);
  EXPECT_FALSE(ok);
}

TEST(ZiplistTest, CallbackCanStopTheWalk) {
  int calls = 0;
  EXPECT_FALSE(ForEachZiplistEntry(Ziplist({int64_t{1}, int64_t{2}, int64_t{3}}),
                                   [&](const types::ListpackValue&) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);
}

TEST(ZipmapTest, ReadsPairs) {
  const std::string zm = Zipmap({{"f1", "v1"}, {"field", std::string(300, 'v')}, {"", "e"}});
  std::vector<std::pair<std::string, std::string>> got;
  ASSERT_TRUE(ForEachZipmapPair(zm, [&](std::string_view f, std::string_view v) {
    got.emplace_back(f, v);
    return true;
  }));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].first, "field");
  EXPECT_EQ(got[1].second, std::string(300, 'v'));
  EXPECT_EQ(got[2].first, "");
}

TEST(ZipmapTest, SkipsFreeBytes) {
  // count 1, "ab" -> "c" with 2 free bytes after the value.
  const std::string zm = FromHex("01 02 6162 01 02 63 0000 ff");
  std::string value;
  ASSERT_TRUE(ForEachZipmapPair(zm, [&](std::string_view, std::string_view v) {
    value.assign(v);
    return true;
  }));
  EXPECT_EQ(value, "c");
}

TEST(ZipmapTest, RefusesTruncationsAndBadCounts) {
  const std::string zm = Zipmap({{"f1", "v1"}, {"f2", std::string(260, 'x')}});
  auto ok = [](const std::string& bytes) {
    return ForEachZipmapPair(bytes, [](std::string_view, std::string_view) { return true; });
  };
  EXPECT_TRUE(ok(zm));
  for (size_t n = 0; n < zm.size(); ++n) EXPECT_FALSE(ok(zm.substr(0, n))) << n;
  std::string bad = zm;
  bad[0] = 5;
  EXPECT_FALSE(ok(bad));
  bad = zm;
  bad[0] = static_cast<char>(254);  // "unknown count" is accepted
  EXPECT_TRUE(ok(bad));
  // Free bytes that run past the end.
  EXPECT_FALSE(ok(FromHex("01 01 61 01 09 62 ff")));
}

}  // namespace
}  // namespace osprey::persistence
