// The multi-part AOF manifest: Redis 7's line format, file names, and the
// errors a damaged manifest gets.
#include "persistence/aof_manifest.h"

#include <gtest/gtest.h>

namespace osprey::persistence {
namespace {

TEST(AofManifestTest, FileNamesFollowRedis) {
  EXPECT_EQ(AofBaseFileName("appendonly.aof", 1, true), "appendonly.aof.1.base.rdb");
  EXPECT_EQ(AofBaseFileName("appendonly.aof", 2, false), "appendonly.aof.2.base.aof");
  EXPECT_EQ(AofIncrFileName("appendonly.aof", 7), "appendonly.aof.7.incr.aof");
  EXPECT_EQ(AofManifestFileName("appendonly.aof"), "appendonly.aof.manifest");
}

TEST(AofManifestTest, EncodesBaseHistoryThenIncrementals) {
  AofManifest m;
  m.base = AofFileInfo{"appendonly.aof.2.base.rdb", 2, 'b'};
  m.history.push_back(AofFileInfo{"appendonly.aof.1.base.rdb", 1, 'h'});
  m.incrs.push_back(AofFileInfo{"appendonly.aof.3.incr.aof", 3, 'i'});
  m.incrs.push_back(AofFileInfo{"appendonly.aof.4.incr.aof", 4, 'i'});
  EXPECT_EQ(m.Encode(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.1.base.rdb seq 1 type h\n"
            "file appendonly.aof.3.incr.aof seq 3 type i\n"
            "file appendonly.aof.4.incr.aof seq 4 type i\n");
}

TEST(AofManifestTest, ParsesWhatItEncodesAndQuotedNames) {
  AofManifest m;
  m.base = AofFileInfo{"my file.1.base.rdb", 1, 'b'};
  m.incrs.push_back(AofFileInfo{"my file.1.incr.aof", 1, 'i'});
  const std::string text = m.Encode();
  EXPECT_EQ(text.substr(0, 26), "file \"my file.1.base.rdb\" ");
  auto back = AofManifest::Parse(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_TRUE(back->base.has_value());
  EXPECT_EQ(back->base->name, "my file.1.base.rdb");
  EXPECT_EQ(back->base_seq, 1);
  ASSERT_EQ(back->incrs.size(), 1u);
  EXPECT_EQ(back->incrs[0].name, "my file.1.incr.aof");
  EXPECT_EQ(back->incr_seq, 1);
}

TEST(AofManifestTest, SkipsCommentsAndUnknownKeys) {
  auto m = AofManifest::Parse(
      "# written by hand\nfile a.1.base.aof seq 1 type b extra 9\r\n"
      "file a.1.incr.aof seq 1 type i\n");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->base->name, "a.1.base.aof");
  EXPECT_EQ(m->incrs.size(), 1u);
}

TEST(AofManifestTest, RefusesDamagedManifests) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"", "Found an empty AOF manifest"},
      {"file a seq 1\n", "Invalid AOF manifest file format"},
      {"file a seq x type b\n", "Invalid AOF manifest file format"},
      {"file a seq 1 type z\n", "Unknown AOF file type"},
      {"file a seq 1 type b\nfile b seq 2 type b\n", "Found duplicate base file information"},
      {"file a seq 2 type i\nfile b seq 1 type i\n", "Found a non-monotonic sequence number"},
      {"file \"a seq 1 type b\n", "Invalid AOF manifest file format"},
      {"file a seq 1 type b\n\nfile b seq 1 type i\n", "Invalid AOF manifest file format"},
      {"file a seq 1 type b", "The AOF manifest file contains too long line"},
      {"# only a comment\n", "Found an empty AOF manifest"},
      {"file ../a seq 1 type b\n", "File can't be a path, just a filename"},
      {"file \"a\\\\b\" seq 1 type b\n", "File can't be a path, just a filename"},
  };
  for (const Case& c : cases) {
    auto m = AofManifest::Parse(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.status().message(), c.error) << c.text;
  }
  const std::string long_line = "file " + std::string(1100, 'a') + " seq 1 type b\n";
  auto m = AofManifest::Parse(long_line);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "The AOF manifest file contains too long line");
}

}  // namespace
}  // namespace osprey::persistence
