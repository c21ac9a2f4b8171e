// Writing values and data sets, and reading data sets back: versions, field
// expire times, AUX fields, checksums, access information, and the file
// level errors of the loader.

#include "persistence/rdb_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "keyspace/digest.h"
#include "keyspace/keyspace.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_test_util.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using persistence::LoadDataset;
using persistence::RdbLoadOptions;
using persistence::RdbLoadStats;
using persistence::RdbSaveOptions;

class RdbWriterTest : public ::testing::Test {
 protected:
  std::string Run(CommandHarness& h, std::vector<std::string_view> args) {
    return h.Run(std::move(args)).ToString();
  }
  std::string Run(std::vector<std::string_view> args) { return Run(h_, std::move(args)); }

  std::string Save(CommandHarness& h, RdbSaveOptions opts = {}) {
    std::string out;
    persistence::StringSink sink(&out);
    opts.now_ms = h.clock().NowMillis();
    persistence::WriteDataset(sink, h.server().keyspace(), opts);
    return out;
  }
  base::Status Load(CommandHarness& h, std::string_view file, RdbLoadStats* stats,
                    RdbLoadOptions opts = {}) {
    opts.now_ms = h.clock().NowMillis();
    return LoadDataset(file, h.server().keyspace(), h.server().engine_config(), opts, stats);
  }
  std::string Digest(CommandHarness& h) { return Run(h, {"DEBUG", "DIGEST"}); }

  void Populate(CommandHarness& h) {
    Run(h, {"SET", "s", "v"});
    Run(h, {"SET", "n", "12345"});
    Run(h, {"SET", "t", "x", "PX", "100000"});
    Run(h, {"RPUSH", "l", "a", "b", "c"});
    Run(h, {"SADD", "si", "1", "2"});
    Run(h, {"SADD", "ss", "a", "b"});
    Run(h, {"ZADD", "z", "1", "a", "2", "b"});
    Run(h, {"HSET", "h", "f", "v"});
    Run(h, {"SELECT", "3"});
    Run(h, {"SET", "in3", "x"});
    Run(h, {"SELECT", "0"});
  }

  CommandHarness h_;
};

// ------------------------------------------------------------------ values

TEST_F(RdbWriterTest, HashWithFieldTimesDumpsAsVersion12) {
  Run({"HSET", "h", "a", "1", "b", "2"});
  Run({"HPEXPIRE", "h", "5000", "FIELDS", "1", "a"});
  const std::string dump = h_.Run({"DUMP", "h"}).str;
  EXPECT_EQ(static_cast<uint8_t>(dump[0]), 25);  // listpack with times
  EXPECT_EQ(dump[dump.size() - 10], 12);
  EXPECT_EQ(Run({"RESTORE", "c", "0", dump}), "OK");
  EXPECT_EQ(Run({"HPTTL", "c", "FIELDS", "2", "a", "b"}), "[5000, -1]");
}

TEST_F(RdbWriterTest, HashTableWithFieldTimesDumpsAsMetadata) {
  Run({"CONFIG", "SET", "hash-max-listpack-entries", "1"});
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  Run({"HPEXPIRE", "h", "5000", "FIELDS", "1", "a"});
  Run({"HPEXPIRE", "h", "9000", "FIELDS", "1", "c"});
  const std::string dump = h_.Run({"DUMP", "h"}).str;
  EXPECT_EQ(static_cast<uint8_t>(dump[0]), 24);
  EXPECT_EQ(dump[dump.size() - 10], 12);
  EXPECT_EQ(Run({"RESTORE", "c", "0", dump}), "OK");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "c"}), "hashtable");
  EXPECT_EQ(Run({"HPTTL", "c", "FIELDS", "3", "a", "b", "c"}), "[5000, -1, 9000]");
}

TEST_F(RdbWriterTest, HashThatLostItsFieldTimesDumpsForRedis70) {
  Run({"HSET", "h", "a", "1", "b", "2"});
  Run({"HPEXPIRE", "h", "5000", "FIELDS", "1", "a"});
  Run({"HPERSIST", "h", "FIELDS", "1", "a"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), "listpackex");
  const std::string dump = h_.Run({"DUMP", "h"}).str;
  EXPECT_EQ(static_cast<uint8_t>(dump[0]), 16);  // plain listpack pairs
  EXPECT_EQ(dump[dump.size() - 10], 10);
  // The same bytes a listpack hash with these fields gives (HPERSIST moved
  // "a" behind the fields with times).
  Run({"HSET", "p", "b", "2", "a", "1"});
  EXPECT_EQ(ToHex(dump), ToHex(h_.Run({"DUMP", "p"}).str));
}

TEST_F(RdbWriterTest, CompressionFollowsRdbcompression) {
  Run({"SET", "k", std::string(200, 'a')});
  const size_t compressed = h_.Run({"DUMP", "k"}).str.size();
  EXPECT_EQ(Run({"CONFIG", "SET", "rdbcompression", "no"}), "OK");
  const size_t plain = h_.Run({"DUMP", "k"}).str.size();
  EXPECT_LT(compressed, 50u);
  EXPECT_EQ(plain, 200u + 3 + 10);
}

// ------------------------------------------------------------------ data sets

TEST_F(RdbWriterTest, DatasetRoundTrips) {
  Populate(h_);
  const std::string file = Save(h_);
  EXPECT_EQ(file.substr(0, 9), "REDIS0010");
  CommandHarness other;
  RdbLoadStats stats;
  ASSERT_TRUE(Load(other, file, &stats).ok());
  EXPECT_EQ(stats.keys_loaded, 9u);
  EXPECT_EQ(Digest(other), Digest(h_));
  EXPECT_EQ(Run(other, {"PTTL", "t"}), "100000");
  EXPECT_EQ(Run(other, {"OBJECT", "ENCODING", "n"}), "int");
}

TEST_F(RdbWriterTest, DatasetLayoutIsRedis) {
  Run({"SET", "k", "v"});
  RdbSaveOptions opts;
  opts.aux = {{"redis-ver", "7.0.15"}, {"redis-bits", "64"}};
  const std::string file = Save(h_, opts);
  // Header, two AUX fields, SELECTDB 0, RESIZEDB 1 0, the key, EOF, CRC.
  const std::string body = "REDIS0010" + std::string("\xfa") + RdbString("redis-ver") +
                           RdbString("7.0.15") + "\xfa" + RdbString("redis-bits") + "\xc0\x40" +
                           std::string("\xfe\x00\xfb\x01\x00", 5) + std::string(1, '\0') +
                           RdbString("k") + RdbString("v") + "\xff";
  ASSERT_EQ(file.size(), body.size() + 8);
  EXPECT_EQ(ToHex(file.substr(0, body.size())), ToHex(body));
  const uint64_t crc = base::Crc64(0, body);
  std::string trailer;
  PutLe(&trailer, crc, 8);
  EXPECT_EQ(ToHex(file.substr(body.size())), ToHex(trailer));
}

TEST_F(RdbWriterTest, ChecksumOffWritesZerosWhichLoadUnchecked) {
  Run({"SET", "k", "v"});
  RdbSaveOptions opts;
  opts.checksum = false;
  const std::string file = Save(h_, opts);
  EXPECT_EQ(file.substr(file.size() - 8), std::string(8, '\0'));
  CommandHarness other;
  RdbLoadStats stats;
  EXPECT_TRUE(Load(other, file, &stats).ok());
  EXPECT_EQ(Run(other, {"GET", "k"}), "v");
}

TEST_F(RdbWriterTest, FieldTimesMakeAVersion12File) {
  Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(Save(h_).substr(0, 9), "REDIS0010");
  Run({"HPEXPIRE", "h", "5000", "FIELDS", "1", "a"});
  const std::string file = Save(h_);
  EXPECT_EQ(file.substr(0, 9), "REDIS0012");
  CommandHarness other;
  RdbLoadStats stats;
  ASSERT_TRUE(Load(other, file, &stats).ok());
  EXPECT_EQ(Run(other, {"HPTTL", "h", "FIELDS", "1", "a"}), "[5000]");
  // Loaded fields with times are tracked for active expiry.
  other.AdvanceMillis(6000);
  for (int i = 0; i < 20; ++i) other.Cron();
  EXPECT_EQ(Run(other, {"EXISTS", "h"}), "0");
}

TEST_F(RdbWriterTest, ExpiredKeysAreDroppedOnLoadUnlessKept) {
  Run({"SET", "gone", "x", "PX", "10"});
  Run({"SET", "stays", "y"});
  const std::string file = Save(h_);
  CommandHarness other;
  other.AdvanceMillis(20);
  RdbLoadStats stats;
  ASSERT_TRUE(Load(other, file, &stats).ok());
  EXPECT_EQ(stats.keys_expired, 1u);
  EXPECT_EQ(stats.keys_loaded, 1u);
  CommandHarness keeper;
  keeper.AdvanceMillis(20);
  RdbLoadOptions keep;
  keep.drop_expired = false;
  RdbLoadStats stats2;
  ASSERT_TRUE(Load(keeper, file, &stats2, keep).ok());
  EXPECT_EQ(stats2.keys_loaded, 2u);
}

TEST_F(RdbWriterTest, LruIdleTimesTravelWithTheFile) {
  Run({"SET", "k", "v"});
  h_.AdvanceMillis(50000);
  RdbSaveOptions opts;
  opts.access_info = RdbSaveOptions::AccessInfo::kLru;
  const std::string file = Save(h_, opts);
  EXPECT_NE(file.find('\xf8'), std::string::npos);
  CommandHarness other;
  RdbLoadStats stats;
  ASSERT_TRUE(Load(other, file, &stats).ok());
  EXPECT_EQ(Run(other, {"OBJECT", "IDLETIME", "k"}), "50");
}

TEST_F(RdbWriterTest, LfuCountersTravelWithTheFile) {
  CommandHarness lfu("maxmemory-policy allkeys-lfu");
  Run(lfu, {"SET", "k", "v"});
  std::string payload = lfu.Run({"DUMP", "k"}).str;
  Run(lfu, {"RESTORE", "hot", "0", payload, "FREQ", "77"});
  RdbSaveOptions opts;
  opts.access_info = RdbSaveOptions::AccessInfo::kLfu;
  const std::string file = Save(lfu, opts);
  CommandHarness other("maxmemory-policy allkeys-lfu");
  RdbLoadStats stats;
  RdbLoadOptions load;
  load.lfu = true;
  ASSERT_TRUE(Load(other, file, &stats, load).ok());
  EXPECT_EQ(Run(other, {"OBJECT", "FREQ", "hot"}), "77");
}

// ------------------------------------------------------------------ file errors

TEST_F(RdbWriterTest, LoaderRefusesBadHeaders) {
  RdbLoadStats stats;
  base::Status st = Load(h_, "RADIS0010\xff", &stats);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("signature"), std::string_view::npos);
  st = Load(h_, "REDIS0013\xff", &stats);
  EXPECT_EQ(st.code(), base::StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("version 13"), std::string_view::npos);
  EXPECT_FALSE(Load(h_, "REDIS", &stats).ok());
  EXPECT_FALSE(Load(h_, "REDIS00x0", &stats).ok());
}

TEST_F(RdbWriterTest, LoaderChecksTheChecksum) {
  Run({"SET", "k", "v"});
  std::string file = Save(h_);
  file[file.size() - 3] ^= 1;
  CommandHarness other;
  RdbLoadStats stats;
  const base::Status st = Load(other, file, &stats);
  EXPECT_EQ(st.code(), base::StatusCode::kCorruption);
  EXPECT_NE(st.message().find("CRC error"), std::string_view::npos) << st.message();
  RdbLoadOptions unchecked;
  unchecked.verify_checksum = false;
  CommandHarness third;
  EXPECT_TRUE(Load(third, file, &stats, unchecked).ok());
}

TEST_F(RdbWriterTest, EveryTruncationOfAFileIsRefused) {
  Populate(h_);
  const std::string file = Save(h_);
  for (size_t n = 0; n < file.size(); ++n) {
    CommandHarness other;
    RdbLoadStats stats;
    EXPECT_FALSE(Load(other, file.substr(0, n), &stats).ok()) << n;
  }
}

TEST_F(RdbWriterTest, ErrorsNameTheOffsetAndTheKey) {
  // A key whose value is a corrupt listpack, after a good key.
  std::string lp = "\x07\x00\x00\x00\x01\x00\xff";  // count 1 but no element
  const std::string body = std::string("REDIS0010") + "\xfe\x02" + std::string(1, '\0') +
                           RdbString("good") + RdbString("v") + "\x10" + RdbString("bad") +
                           RdbString(lp) + "\xff";
  std::string file = body;
  PutLe(&file, base::Crc64(0, body), 8);
  RdbLoadStats stats;
  const base::Status st = Load(h_, file, &stats);
  EXPECT_EQ(st.code(), base::StatusCode::kCorruption);
  const std::string msg(st.message());
  EXPECT_NE(msg.find("offset 24"), std::string::npos) << msg;  // the blob
  EXPECT_NE(msg.find("key 'bad' in db 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("listpack"), std::string::npos) << msg;
}

TEST_F(RdbWriterTest, DuplicateKeysAndUnknownDatabasesAreRefused) {
  std::string body = std::string("REDIS0010") + std::string(1, '\0') + RdbString("k") +
                     RdbString("1") + std::string(1, '\0') + RdbString("k") + RdbString("2") +
                     "\xff";
  std::string file = body;
  PutLe(&file, 0, 8);
  RdbLoadStats stats;
  base::Status st = Load(h_, file, &stats);
  EXPECT_NE(st.message().find("duplicate key"), std::string_view::npos) << st.message();
  body = std::string("REDIS0010") + "\xfe\x40\x64" + "\xff";
  file = body;
  PutLe(&file, 0, 8);
  CommandHarness other;
  st = Load(other, file, &stats);
  EXPECT_EQ(st.code(), base::StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("database 100"), std::string_view::npos);
}

TEST_F(RdbWriterTest, FunctionsAndModuleAuxAreRefusedByName) {
  for (const char* opcode : {"\xf5", "\xf6", "\xf7"}) {
    std::string file = std::string("REDIS0010") + opcode + "\x00\x00\x00\xff";
    PutLe(&file, 0, 8);
    CommandHarness other;
    RdbLoadStats stats;
    const base::Status st = Load(other, file, &stats);
    EXPECT_EQ(st.code(), base::StatusCode::kUnsupported);
  }
}

TEST_F(RdbWriterTest, ADamagedStreamInAFileIsRefusedNamingTheKey) {
  // No nodes, then the EOF opcode where the stream's length belongs.
  std::string file = std::string("REDIS0010") + std::string(1, '\0') + RdbString("k") +
                     RdbString("v") + "\x13" + RdbString("events") + RdbLen(0) + "\xff";
  PutLe(&file, 0, 8);
  RdbLoadStats stats;
  const base::Status st = Load(h_, file, &stats);
  EXPECT_EQ(st.code(), base::StatusCode::kCorruption);
  const std::string msg(st.message());
  EXPECT_NE(msg.find("key 'events' in db 0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("offset 23"), std::string::npos) << msg;
}

TEST_F(RdbWriterTest, EmptyKeysAreSkippedInFiles) {
  std::string body = std::string("REDIS0010") + "\x02" + RdbString("empty") + RdbLen(0) +
                     std::string(1, '\0') + RdbString("k") + RdbString("v") + "\xff";
  std::string file = body;
  PutLe(&file, 0, 8);
  RdbLoadStats stats;
  ASSERT_TRUE(Load(h_, file, &stats).ok());
  EXPECT_EQ(stats.empty_keys_skipped, 1u);
  EXPECT_EQ(stats.empty_keys, std::vector<std::string>({"empty"}));
  EXPECT_EQ(Run({"EXISTS", "empty", "k"}), "1");
}

TEST_F(RdbWriterTest, OldVersionsWithSecondExpiresAndNoChecksum) {
  // Version 4: no checksum trailer; EXPIRETIME in seconds.
  std::string file = std::string("REDIS0004") + "\xfd";
  PutLe(&file, 2000000000, 4);  // 2033-05-18
  file += std::string(1, '\0') + RdbString("k") + RdbString("v") + "\xff";
  RdbLoadStats stats;
  ASSERT_TRUE(Load(h_, file, &stats).ok());
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), "2000000000000");
}

TEST_F(RdbWriterTest, BeforeKeyRunsOnceForEachKeyInEveryDatabase) {
  Populate(h_);
  int calls = 0;
  RdbSaveOptions opts;
  opts.before_key = [&calls] { ++calls; };
  const std::string with_hook = Save(h_, opts);
  EXPECT_EQ(calls, 9);
  EXPECT_EQ(with_hook, Save(h_));  // the hook changes nothing written
}

}  // namespace
}  // namespace osprey::testing
