// Checking RDB files (osprey-check-rdb): sound files from Osprey and from
// redis-server, every truncation, damage inside a value, a wrong checksum,
// and the check-only load that keeps nothing.
#include "persistence/rdb_check.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "keyspace/keyspace.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_test_util.h"
#include "persistence/rdb_writer.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using persistence::CheckRdbImage;
using persistence::RdbCheckResult;
using persistence::RdbChecksumState;
using persistence::RdbSaveOptions;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

class RdbCheckTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }

  // Two databases, every type, one key with an expire time.
  void Populate() {
    Run({"SET", "s", "v"});
    Run({"SET", "n", "12345"});
    Run({"SET", "t", "x", "PX", "100000"});
    Run({"RPUSH", "l", "a", "b", "c"});
    Run({"SADD", "si", "1", "2"});
    Run({"SADD", "ss", "a", "b"});
    Run({"ZADD", "z", "1", "a", "2", "b"});
    Run({"HSET", "h", "field", "value"});
    Run({"SELECT", "3"});
    Run({"SET", "in3", "x"});
    Run({"SELECT", "0"});
  }

  std::string Save(RdbSaveOptions opts = {}) {
    std::string out;
    persistence::StringSink sink(&out);
    opts.now_ms = h_.clock().NowMillis();
    opts.aux = {{"redis-ver", "7.0.15"}, {"redis-bits", "64"}};
    persistence::WriteDataset(sink, h_.server().keyspace(), opts);
    return out;
  }

  RdbCheckResult Check(std::string_view image, int64_t now_ms = -1) {
    report_.clear();
    return CheckRdbImage(image, "dump.rdb", now_ms < 0 ? h_.clock().NowMillis() : now_ms,
                         [this](std::string_view text) { report_.append(text); });
  }

  CommandHarness h_;
  std::string report_;
};

TEST_F(RdbCheckTest, SoundFileReportsWhatItHolds) {
  Populate();
  const std::string image = Save();
  const RdbCheckResult r = Check(image);
  ASSERT_TRUE(r.ok) << report_;
  EXPECT_EQ(r.version, 10);
  EXPECT_EQ(r.keys, 9u);
  EXPECT_EQ(r.expires, 1u);
  EXPECT_EQ(r.already_expired, 0u);
  ASSERT_EQ(r.dbs.size(), 2u);
  EXPECT_EQ(r.dbs.at(0).keys, 8u);
  EXPECT_EQ(r.dbs.at(0).expires, 1u);
  EXPECT_EQ(r.dbs.at(3).keys, 1u);
  EXPECT_EQ(r.checksum, RdbChecksumState::kOk);
  EXPECT_EQ(r.end, image.size());
  ASSERT_EQ(r.aux.size(), 2u);
  EXPECT_EQ(r.aux[0].first, "redis-ver");
  EXPECT_TRUE(report_.starts_with("[offset 0] Checking RDB file dump.rdb\n")) << report_;
  EXPECT_TRUE(Contains(report_, "] AUX FIELD redis-ver = '7.0.15'\n")) << report_;
  EXPECT_TRUE(Contains(report_, "] Selecting DB ID 0\n")) << report_;
  EXPECT_TRUE(Contains(report_, "] Selecting DB ID 3\n")) << report_;
  const std::string end = "[offset " + std::to_string(image.size()) + "] ";
  EXPECT_TRUE(Contains(report_, end + "Checksum OK\n")) << report_;
  EXPECT_TRUE(Contains(report_, end + "\\o/ RDB looks OK! \\o/\n")) << report_;
  EXPECT_TRUE(Contains(report_, "[info] 9 keys read\n[info] 1 expires\n[info] 0 already expired\n"))
      << report_;
  EXPECT_TRUE(Contains(report_, "[info] RDB format version 10\n")) << report_;
  EXPECT_TRUE(Contains(report_, "[info] db 0: 8 keys, 1 expires\n")) << report_;
  EXPECT_TRUE(Contains(report_, "[info] db 3: 1 keys, 0 expires\n")) << report_;
  EXPECT_FALSE(Contains(report_, "ERROR")) << report_;
}

TEST_F(RdbCheckTest, CountsExpiresAlreadyPassed) {
  Populate();
  const std::string image = Save();
  const RdbCheckResult r = Check(image, h_.clock().NowMillis() + 200000);
  ASSERT_TRUE(r.ok) << report_;
  EXPECT_EQ(r.expires, 1u);
  EXPECT_EQ(r.already_expired, 1u);
  EXPECT_TRUE(Contains(report_, "[info] 1 already expired\n")) << report_;
}

TEST_F(RdbCheckTest, FileRedisWroteIsSoundAndHoldsWhatLoadingFinds) {
  const std::string image = ReadFileBytes(RdbDataPath("all_types.rdb"));
  ASSERT_FALSE(image.empty());
  // Far in the past, so nothing counts as expired.
  const RdbCheckResult r = Check(image, 0);
  ASSERT_TRUE(r.ok) << report_;
  EXPECT_EQ(r.checksum, RdbChecksumState::kOk);
  persistence::RdbLoadStats stats;
  persistence::RdbLoadOptions opts;
  opts.drop_expired = false;
  ASSERT_TRUE(persistence::LoadDataset(image, h_.server().keyspace(), h_.server().engine_config(),
                                       opts, &stats)
                  .ok());
  EXPECT_EQ(r.keys, stats.keys_loaded);
  uint64_t per_db = 0;
  for (const auto& [db, counts] : r.dbs) {
    per_db += counts.keys;
    EXPECT_EQ(counts.keys, h_.server().keyspace().db(static_cast<int>(db)).size()) << db;
  }
  EXPECT_EQ(per_db, r.keys);
  EXPECT_EQ(r.already_expired, 0u);
}

TEST_F(RdbCheckTest, CheckOnlyLoadKeepsNothing) {
  Populate();
  const std::string image = Save();
  Run({"FLUSHALL"});
  persistence::RdbLoadStats stats;
  persistence::RdbLoadOptions opts;
  opts.check_only = true;
  ASSERT_TRUE(persistence::LoadDataset(image, h_.server().keyspace(), h_.server().engine_config(),
                                       opts, &stats)
                  .ok());
  EXPECT_EQ(stats.keys_loaded, 9u);
  EXPECT_EQ(h_.server().keyspace().TotalKeys(), 0u);
}

TEST_F(RdbCheckTest, DatabasesBeyondTheDefaultCountAreSound) {
  CommandHarness big("databases 64\n");
  big.Run({"SELECT", "40"});
  big.Run({"SET", "k", "v"});
  std::string image;
  persistence::StringSink sink(&image);
  persistence::WriteDataset(sink, big.server().keyspace(), RdbSaveOptions{});
  const RdbCheckResult r = Check(image);
  ASSERT_TRUE(r.ok) << report_;
  EXPECT_EQ(r.dbs.at(40).keys, 1u);
  EXPECT_TRUE(Contains(report_, "Selecting DB ID 40\n")) << report_;
}

TEST_F(RdbCheckTest, EveryTruncationIsDamage) {
  Populate();
  const std::string image = Save();
  for (size_t cut = 0; cut < image.size(); ++cut) {
    const RdbCheckResult r = Check(std::string_view(image).substr(0, cut));
    EXPECT_FALSE(r.ok) << "cut at " << cut;
    EXPECT_LE(r.error_offset, cut) << "cut at " << cut;
    EXPECT_TRUE(Contains(report_, "--- RDB ERROR DETECTED ---\n")) << report_;
    EXPECT_FALSE(Contains(report_, "RDB looks OK")) << report_;
  }
}

TEST_F(RdbCheckTest, DamageInAValueNamesTheKeyTheTypeAndTheOffset) {
  Run({"HSET", "hashkey", "field", "value"});
  std::string image = Save();
  // The hash is a listpack: type 16, the key, then the blob's length and
  // the blob, whose first four bytes are its total size.
  const size_t key_at = image.find("\x07hashkey");
  ASSERT_NE(key_at, std::string::npos);
  const size_t blob_at = key_at + 8 + 1;
  image[blob_at] = static_cast<char>(image[blob_at] + 5);
  const RdbCheckResult r = Check(image);
  ASSERT_FALSE(r.ok);
  EXPECT_FALSE(r.unsupported);
  EXPECT_EQ(r.error_key, "hashkey");
  EXPECT_EQ(r.error_offset, blob_at - 1);
  EXPECT_TRUE(Contains(r.error, "integrity check failed")) << r.error;
  EXPECT_TRUE(Contains(report_, "[offset " + std::to_string(blob_at - 1) + "] ")) << report_;
  EXPECT_TRUE(Contains(report_, "[additional info] While doing: read-object-value\n")) << report_;
  EXPECT_TRUE(Contains(report_, "[additional info] Reading key 'hashkey'\n")) << report_;
  EXPECT_TRUE(Contains(report_, "[additional info] Reading type 16 (hash-listpack)\n")) << report_;
  // The key being read counts as read, as redis-check-rdb counts, but not
  // as a key of its database.
  EXPECT_TRUE(Contains(report_, "[info] 1 keys read\n")) << report_;
  EXPECT_TRUE(r.dbs.empty());
}

TEST_F(RdbCheckTest, UnknownTypeIsDamage) {
  Run({"SET", "k", "v"});
  std::string image = Save();
  const size_t key_at = image.find("\x01k\x01v");
  ASSERT_NE(key_at, std::string::npos);
  image[key_at - 1] = 100;  // the type byte
  const RdbCheckResult r = Check(image);
  ASSERT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.error, "unknown value type 100")) << r.error;
  EXPECT_TRUE(Contains(report_, "Reading type 100 (unknown)\n")) << report_;
}

TEST_F(RdbCheckTest, WrongChecksumIsDamage) {
  Populate();
  std::string image = Save();
  image[image.size() - 3] ^= 0x40;
  const RdbCheckResult r = Check(image);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.checksum, RdbChecksumState::kMismatch);
  EXPECT_EQ(r.error_offset, image.size());
  EXPECT_TRUE(Contains(report_, "] RDB CRC error")) << report_;
  EXPECT_TRUE(Contains(report_, "[additional info] While doing: check-sum\n")) << report_;
  EXPECT_FALSE(Contains(report_, "Checksum OK")) << report_;
  // Everything before the trailer was read.
  EXPECT_EQ(r.keys, 9u);
}

TEST_F(RdbCheckTest, ChangedByteBeforeTheTrailerFailsTheChecksum) {
  Run({"SET", "key", "abcdef"});
  std::string image = Save();
  const size_t at = image.find("abcdef");
  ASSERT_NE(at, std::string::npos);
  image[at] = 'X';  // still a well-formed string
  const RdbCheckResult r = Check(image);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.checksum, RdbChecksumState::kMismatch);
}

TEST_F(RdbCheckTest, ChecksumOffIsReportedAndSound) {
  Populate();
  RdbSaveOptions opts;
  opts.checksum = false;
  const RdbCheckResult r = Check(Save(opts));
  ASSERT_TRUE(r.ok) << report_;
  EXPECT_EQ(r.checksum, RdbChecksumState::kDisabled);
  EXPECT_TRUE(Contains(report_, "RDB file was saved with checksum disabled: no check performed.\n"))
      << report_;
}

TEST_F(RdbCheckTest, BadHeaderIsDamage) {
  Populate();
  std::string image = Save();
  std::string bad_sig = image;
  bad_sig[0] = 'X';
  EXPECT_FALSE(Check(bad_sig).ok);
  EXPECT_TRUE(Contains(report_, "wrong signature")) << report_;
  std::string bad_version = image;
  bad_version.replace(5, 4, "0099");
  const RdbCheckResult r = Check(bad_version);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.unsupported);
  EXPECT_TRUE(Contains(report_, "can't handle RDB format version 99")) << report_;
  EXPECT_FALSE(Check("").ok);
}

TEST_F(RdbCheckTest, UnsupportedContentIsNotCalledSound) {
  // A module value (type 7) after a sound key: refused by kind, not as
  // damage.
  std::string image = "REDIS0011";
  image += "\xfe";
  image += RdbLen(0);
  image += std::string("\x00", 1) + RdbString("a") + RdbString("b");
  image += "\x07" + RdbString("module");
  image += "\xff";
  image += std::string(8, '\0');
  const RdbCheckResult r = Check(image);
  ASSERT_FALSE(r.ok);
  EXPECT_TRUE(r.unsupported);
  EXPECT_EQ(r.error_key, "module");
  EXPECT_TRUE(Contains(report_, "cannot load this content")) << report_;
}

TEST_F(RdbCheckTest, RunChecksAFileAndGivesTheExitStatus) {
  Populate();
  char dir[] = "/tmp/osprey-rdb-check-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/dump.rdb";
  std::string image = Save();
  { std::ofstream(path, std::ios::binary) << image; }
  std::string out;
  const auto sink = [&out](std::string_view text) { out.append(text); };
  EXPECT_EQ(persistence::RunRdbCheck(path, 0, sink), 0) << out;
  EXPECT_TRUE(Contains(out, "Checking RDB file " + path + "\n")) << out;
  { std::ofstream(path, std::ios::binary) << image.substr(0, image.size() / 2); }
  out.clear();
  EXPECT_EQ(persistence::RunRdbCheck(path, 0, sink), 1) << out;
  out.clear();
  EXPECT_EQ(persistence::RunRdbCheck(std::string(dir) + "/missing.rdb", 0, sink), 1);
  EXPECT_TRUE(Contains(out, "No such file or directory")) << out;
  out.clear();
  EXPECT_EQ(persistence::RunRdbCheck(dir, 0, sink), 1);  // a directory
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace osprey::testing
