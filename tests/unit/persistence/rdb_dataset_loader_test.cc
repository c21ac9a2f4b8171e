// The file level of an RDB load: keys are stored a few reads after they
// are read (so their buckets can be prefetched), which must never show:
// every key lands in its own database with its own attributes, duplicates
// are reported where they are in the file (before a later corruption), and
// a failed load keeps the keys before the failure.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyspace/keyspace.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_test_util.h"
#include "persistence/rdb_writer.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using persistence::LoadDataset;
using persistence::RdbLoadOptions;
using persistence::RdbLoadStats;

constexpr char kSelectDb = '\xfe';
constexpr char kExpireMs = '\xfc';
constexpr char kIdle = '\xf8';
constexpr char kStringType = '\x00';

std::string StringKey(std::string_view key, std::string_view value) {
  return std::string(1, kStringType) + RdbString(key) + RdbString(value);
}

// A version 10 file around `body` (what follows the header), checksum 0.
std::string File(const std::string& body) {
  std::string file = "REDIS0010" + body + "\xff";
  PutLe(&file, 0, 8);
  return file;
}

// Records the error the loader reports to its observer.
class ErrorObserver final : public persistence::RdbLoadObserver {
 public:
  void OnReadError(size_t offset, std::string_view what) override {
    offset_ = offset;
    what_ = what;
  }
  size_t offset_ = 0;
  std::string what_;
};

class RdbDatasetLoaderTest : public ::testing::Test {
 protected:
  base::Status Load(CommandHarness& h, std::string_view file, RdbLoadOptions opts = {}) {
    opts.now_ms = h.clock().NowMillis();
    stats_ = RdbLoadStats{};
    return LoadDataset(file, h.server().keyspace(), h.server().engine_config(), opts, &stats_);
  }
  std::string Run(CommandHarness& h, std::vector<std::string_view> args) {
    return h.Run(std::move(args)).ToString();
  }

  CommandHarness h_;
  RdbLoadStats stats_;
};

TEST_F(RdbDatasetLoaderTest, ManyKeysOfEveryKindRoundTrip) {
  CommandHarness source;
  for (int i = 0; i < 3000; ++i) {
    const std::string k = "key:" + std::to_string(i);
    switch (i % 6) {
      case 0: Run(source, {"SET", k, "value-" + std::to_string(i)}); break;
      case 1: Run(source, {"SET", k, std::to_string(i * 7)}); break;
      case 2: Run(source, {"SET", k, std::string(200 + i % 50, 'x')}); break;  // LZF
      case 3: Run(source, {"RPUSH", k, "a", "b", std::to_string(i)}); break;
      case 4: Run(source, {"HSET", k, "f", "v", "g", std::to_string(i)}); break;
      default: Run(source, {"ZADD", k, "1", "m", "2", std::to_string(i)}); break;
    }
    if (i % 5 == 0) Run(source, {"PEXPIRE", k, std::to_string(100000 + i)});
  }
  // The same names in another database are other keys, not duplicates.
  Run(source, {"SELECT", "4"});
  for (int i = 0; i < 50; ++i) Run(source, {"SET", "key:" + std::to_string(i), "in4"});
  Run(source, {"SELECT", "0"});
  std::string file;
  persistence::StringSink sink(&file);
  persistence::RdbSaveOptions save;
  save.now_ms = source.clock().NowMillis();
  persistence::WriteDataset(sink, source.server().keyspace(), save);

  ASSERT_TRUE(Load(h_, file).ok());
  EXPECT_EQ(stats_.keys_loaded, 3050u);
  EXPECT_EQ(Run(h_, {"DEBUG", "DIGEST"}), Run(source, {"DEBUG", "DIGEST"}));
  EXPECT_EQ(Run(h_, {"DBSIZE"}), "3000");
  EXPECT_EQ(Run(h_, {"PTTL", "key:5"}), "100005");
  EXPECT_EQ(Run(h_, {"PTTL", "key:6"}), "-1");
  Run(h_, {"SELECT", "4"});
  EXPECT_EQ(Run(h_, {"DBSIZE"}), "50");
  EXPECT_EQ(Run(h_, {"GET", "key:3"}), "in4");
}

TEST_F(RdbDatasetLoaderTest, EachKeyKeepsTheAttributesReadBeforeIt) {
  const int64_t now = h_.clock().NowMillis();
  std::string body;
  for (int i = 0; i < 40; ++i) {
    if (i % 3 == 0) {
      body += kExpireMs;
      PutLe(&body, static_cast<uint64_t>(now + 1000 * (i + 1)), 8);
    }
    if (i % 4 == 0) body += kIdle + RdbLen(500);
    body += StringKey("k" + std::to_string(i), "v" + std::to_string(i));
  }
  ASSERT_TRUE(Load(h_, File(body)).ok());
  for (int i = 0; i < 40; ++i) {
    const std::string k = "k" + std::to_string(i);
    const std::string ttl = Run(h_, {"PTTL", k});
    EXPECT_EQ(ttl, i % 3 == 0 ? "" + std::to_string(1000 * (i + 1)) : "-1")
        << k;
    const std::string idle = Run(h_, {"OBJECT", "IDLETIME", k});
    EXPECT_EQ(idle == "500", i % 4 == 0) << k << " " << idle;
  }
}

TEST_F(RdbDatasetLoaderTest, DuplicatesAreFoundAtAnyDistance) {
  for (int distance : {1, 2, 5, 11, 12, 13, 30}) {
    std::string body;
    for (int i = 0; i < distance; ++i) body += StringKey("k" + std::to_string(i), "v");
    const size_t dup_at = 9 + body.size();
    body += StringKey("k0", "again");
    for (int i = 0; i < 20; ++i) body += StringKey("after" + std::to_string(i), "v");
    CommandHarness h;
    ErrorObserver observer;
    RdbLoadOptions opts;
    opts.observer = &observer;
    const base::Status st = Load(h, File(body), opts);
    EXPECT_EQ(st.code(), base::StatusCode::kCorruption) << distance;
    EXPECT_EQ(st.message(), "RDB corrupt at offset " + std::to_string(dup_at) +
                                ": duplicate key (key 'k0' in db 0)")
        << distance;
    EXPECT_EQ(observer.offset_, dup_at);
    EXPECT_EQ(observer.what_, "duplicate key");
    // The first value stays; nothing after the duplicate is stored.
    EXPECT_EQ(Run(h, {"GET", "k0"}), "v");
    EXPECT_EQ(Run(h, {"EXISTS", "after0", "after11", "after19"}), "0");
    EXPECT_EQ(Run(h, {"DBSIZE"}), std::to_string(distance));
  }
}

TEST_F(RdbDatasetLoaderTest, ADuplicateBeforeACorruptKeyIsTheErrorReported) {
  std::string body = StringKey("a", "1") + StringKey("b", "2");
  const size_t dup_at = 9 + body.size();
  body += StringKey("a", "3");
  body += StringKey("c", "4");
  body += std::string("\x10") + RdbString("bad") + RdbString("\x07\x00\x00\x00\x01\x00\xff");
  ErrorObserver observer;
  RdbLoadOptions opts;
  opts.observer = &observer;
  const base::Status st = Load(h_, File(body), opts);
  EXPECT_EQ(st.message(), "RDB corrupt at offset " + std::to_string(dup_at) +
                              ": duplicate key (key 'a' in db 0)");
  EXPECT_EQ(observer.offset_, dup_at);
  EXPECT_EQ(observer.what_, "duplicate key");
}

TEST_F(RdbDatasetLoaderTest, AFailedLoadKeepsTheKeysBeforeTheFailure) {
  std::string body;
  for (int i = 0; i < 25; ++i) body += StringKey("k" + std::to_string(i), "v");
  const size_t bad_at = 9 + body.size();
  body += std::string("\x10") + RdbString("bad") + RdbString("\x07\x00\x00\x00\x01\x00\xff");
  const base::Status st = Load(h_, File(body));
  EXPECT_EQ(st.code(), base::StatusCode::kCorruption);
  EXPECT_NE(st.message().find("key 'bad' in db 0"), std::string_view::npos) << st.message();
  EXPECT_NE(st.message().find("offset " + std::to_string(bad_at + 5)), std::string_view::npos)
      << st.message();  // the blob, after the type byte and the key
  EXPECT_EQ(Run(h_, {"DBSIZE"}), "25");
  EXPECT_EQ(stats_.keys_loaded, 25u);
}

TEST_F(RdbDatasetLoaderTest, ReplacingExistingKeysTakesTheFileValue) {
  Run(h_, {"SET", "k1", "old"});
  Run(h_, {"RPUSH", "k2", "old"});
  std::string body = StringKey("k1", "new1") + StringKey("k2", std::string(300, 'n')) +
                     StringKey("k3", "new3") + StringKey("k1", "newer");
  RdbLoadOptions opts;
  opts.replace_existing = true;
  ASSERT_TRUE(Load(h_, File(body), opts).ok());
  EXPECT_EQ(Run(h_, {"GET", "k1"}), "newer");
  EXPECT_EQ(Run(h_, {"TYPE", "k2"}), "string");
  EXPECT_EQ(Run(h_, {"STRLEN", "k2"}), "300");
  EXPECT_EQ(Run(h_, {"DBSIZE"}), "3");
  // Without the option the same key is a duplicate.
  CommandHarness other;
  Run(other, {"SET", "k3", "old"});
  const base::Status st = Load(other, File(body));
  EXPECT_NE(st.message().find("duplicate key (key 'k3' in db 0)"), std::string_view::npos)
      << st.message();
}

TEST_F(RdbDatasetLoaderTest, KeysQueuedBeforeADatabaseSwitchStayInTheirDatabase) {
  std::string body;
  for (int i = 0; i < 5; ++i) body += StringKey("k" + std::to_string(i), "db0");
  body += std::string(1, kSelectDb) + RdbLen(2);
  for (int i = 0; i < 5; ++i) body += StringKey("k" + std::to_string(i), "db2");
  ASSERT_TRUE(Load(h_, File(body)).ok());
  EXPECT_EQ(Run(h_, {"DBSIZE"}), "5");
  EXPECT_EQ(Run(h_, {"GET", "k4"}), "db0");
  Run(h_, {"SELECT", "2"});
  EXPECT_EQ(Run(h_, {"DBSIZE"}), "5");
  EXPECT_EQ(Run(h_, {"GET", "k0"}), "db2");
}

}  // namespace
}  // namespace osprey::testing
