// Values as the commands of an AOF base (aof-use-rdb-preamble no): the
// exact bytes per type and encoding, batches of 64 items, key and field
// expire times, streams with their groups, and loading the commands back
// through the AOF loader.
#include "persistence/aof_rewrite.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "persistence/aof_format.h"
#include "persistence/aof_manifest.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Command = std::vector<std::string>;

// The commands of an AOF image; fails the test on bytes that are no command.
std::vector<Command> Parse(std::string_view image) {
  std::vector<Command> cmds;
  persistence::AofParser parser(image);
  std::vector<std::string_view> args;
  for (;;) {
    const persistence::AofParse r = parser.Next(&args);
    if (r == persistence::AofParse::kEnd) break;
    EXPECT_EQ(r, persistence::AofParse::kCommand) << "at offset " << parser.offset();
    if (r != persistence::AofParse::kCommand) break;
    cmds.emplace_back(args.begin(), args.end());
  }
  return cmds;
}

class AofRewriteTest : public ::testing::Test {
 protected:
  AofRewriteTest()
      : name_(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
              ".aof"),
        h_("appendfilename " + name_ + "\nenable-debug-command yes\n") {}

  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }

  // The commands for one key of database 0.
  std::string KeyCommands(std::string_view key) {
    keyspace::Db& db = h_.server().keyspace().db(0);
    keyspace::Entry e = db.table().Find(key);
    EXPECT_TRUE(e.valid()) << key;
    std::string out;
    if (e) persistence::AppendKeyAsCommands(&out, key, e);
    return out;
  }

  // Writes the data set as the base of a fresh AOF, then loads it into a
  // second server and returns that server.
  std::unique_ptr<CommandHarness> ReplayIntoNewServer(std::string_view extra_config = "") {
    std::string image;
    persistence::AppendDatasetAsCommands(&image, h_.server().keyspace());
    const std::string loaded_name = "loaded-" + name_;
    auto other = std::make_unique<CommandHarness>("appendfilename " + loaded_name +
                                                  "\nenable-debug-command yes\n" +
                                                  std::string(extra_config));
    other->AdvanceMillis(h_.clock().NowMillis() - other->clock().NowMillis());
    const std::string base = persistence::AofBaseFileName(loaded_name, 1, false);
    mkdir("appendonlydir", 0755);
    std::ofstream("appendonlydir/" + base, std::ios::binary) << image;
    std::ofstream("appendonlydir/" + persistence::AofManifestFileName(loaded_name),
                  std::ios::binary)
        << "file " << base << " seq 1 type b\n";
    EXPECT_EQ(other->Run({"DEBUG", "LOADAOF"}).ToString(), "OK");
    return other;
  }

  std::string name_;
  CommandHarness h_;
};

// ------------------------------------------------------------------ strings

TEST_F(AofRewriteTest, StringIsOneSet) {
  Run({"SET", "s", "hello"});
  EXPECT_EQ(KeyCommands("s"), "*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$5\r\nhello\r\n");
}

TEST_F(AofRewriteTest, IntegerStringIsWrittenInDecimal) {
  Run({"SET", "n", "-9223372036854775808"});
  EXPECT_EQ(KeyCommands("n"), "*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$20\r\n-9223372036854775808\r\n");
}

TEST_F(AofRewriteTest, EmptyAndBinaryStringsKeepTheirBytes) {
  Run({"SET", "e", ""});
  EXPECT_EQ(KeyCommands("e"), "*3\r\n$3\r\nSET\r\n$1\r\ne\r\n$0\r\n\r\n");
  const std::string bin("a\r\n\0b", 5);
  Run({"SET", "b", bin});
  EXPECT_EQ(KeyCommands("b"), "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$5\r\n" + bin + "\r\n");
}

TEST_F(AofRewriteTest, KeyExpireTimeFollowsAsPexpireat) {
  Run({"SET", "t", "v", "PX", "100000"});
  const std::string at = std::to_string(h_.clock().NowMillis() + 100000);
  EXPECT_EQ(KeyCommands("t"),
            "*3\r\n$3\r\nSET\r\n$1\r\nt\r\n$1\r\nv\r\n*3\r\n$9\r\nPEXPIREAT\r\n"
            "$1\r\nt\r\n$" +
                std::to_string(at.size()) + "\r\n" + at + "\r\n");
}

// ------------------------------------------------------------------ lists

TEST_F(AofRewriteTest, SmallListIsOneRpush) {
  Run({"RPUSH", "l", "a", "12", "b"});
  EXPECT_EQ(KeyCommands("l"), "*5\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$2\r\n12\r\n$1\r\nb\r\n");
}

TEST_F(AofRewriteTest, BigListIsSplitIntoBatchesOf64) {
  for (int i = 0; i < 150; ++i) Run({"RPUSH", "l", "e" + std::to_string(i)});
  const std::vector<Command> cmds = Parse(KeyCommands("l"));
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0].size(), 2u + 64);
  EXPECT_EQ(cmds[1].size(), 2u + 64);
  EXPECT_EQ(cmds[2].size(), 2u + 22);
  EXPECT_EQ(cmds[0][0], "RPUSH");
  EXPECT_EQ(cmds[0][2], "e0");
  EXPECT_EQ(cmds[1][2], "e64");
  EXPECT_EQ(cmds[2].back(), "e149");
}

TEST_F(AofRewriteTest, ExactlySixtyFourItemsMakeOneCommand) {
  for (int i = 0; i < 64; ++i) Run({"RPUSH", "l", std::to_string(i)});
  const std::vector<Command> cmds = Parse(KeyCommands("l"));
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].size(), 66u);
  Run({"RPUSH", "l", "64"});
  EXPECT_EQ(Parse(KeyCommands("l")).size(), 2u);
}

// ------------------------------------------------------------------ sets

TEST_F(AofRewriteTest, IntsetIsSaddInOrder) {
  Run({"SADD", "s", "3", "-1", "2"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), "intset");
  EXPECT_EQ(KeyCommands("s"), "*5\r\n$4\r\nSADD\r\n$1\r\ns\r\n$2\r\n-1\r\n$1\r\n2\r\n$1\r\n3\r\n");
}

TEST_F(AofRewriteTest, HashtableSetIsSaddInBatches) {
  for (int i = 0; i < 100; ++i) Run({"SADD", "s", "m" + std::to_string(i)});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), "hashtable");
  const std::vector<Command> cmds = Parse(KeyCommands("s"));
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0][0], "SADD");
  EXPECT_EQ(cmds[0].size(), 66u);
  EXPECT_EQ(cmds[1].size(), 2u + 36);
}

// ------------------------------------------------------------------ sorted sets

TEST_F(AofRewriteTest, ListpackSortedSetIsZaddWithScoresAsPercent17g) {
  Run({"ZADD", "z", "0.1", "a", "-inf", "b", "3", "c", "inf", "d"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), "listpack");
  EXPECT_EQ(KeyCommands("z"),
            "*10\r\n$4\r\nZADD\r\n$1\r\nz\r\n$4\r\n-inf\r\n$1\r\nb\r\n"
            "$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nc\r\n"
            "$3\r\ninf\r\n$1\r\nd\r\n");
}

TEST_F(AofRewriteTest, SkiplistSortedSetIsZaddInBatchesOfPairs) {
  for (int i = 0; i < 200; ++i) {
    Run({"ZADD", "z", std::to_string(i) + ".5", "m" + std::to_string(i)});
  }
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), "skiplist");
  const std::vector<Command> cmds = Parse(KeyCommands("z"));
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0].size(), 2u + 128);
  EXPECT_EQ(cmds[3].size(), 2u + 16);
  EXPECT_EQ(cmds[0][2], "0.5");
  EXPECT_EQ(cmds[0][3], "m0");
}

// ------------------------------------------------------------------ hashes

TEST_F(AofRewriteTest, ListpackHashIsOneHmset) {
  Run({"HSET", "h", "f", "v", "n", "7"});
  EXPECT_EQ(KeyCommands("h"),
            "*6\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nn\r\n$1\r\n7\r\n");
}

TEST_F(AofRewriteTest, HashtableHashIsHmsetInBatchesOfPairs) {
  Run({"CONFIG", "SET", "hash-max-listpack-entries", "8"});
  for (int i = 0; i < 70; ++i) Run({"HSET", "h", "f" + std::to_string(i), "v"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), "hashtable");
  const std::vector<Command> cmds = Parse(KeyCommands("h"));
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0][0], "HMSET");
  EXPECT_EQ(cmds[0].size(), 2u + 128);
  EXPECT_EQ(cmds[1].size(), 2u + 12);
}

TEST_F(AofRewriteTest, HashWithFieldTimesIsOneHmsetPerFieldThenHpexpireat) {
  Run({"HSET", "h", "a", "1", "b", "2"});
  Run({"HPEXPIRE", "h", "5000", "FIELDS", "1", "b"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), "listpackex");
  const std::string at = std::to_string(h_.clock().NowMillis() + 5000);
  // Fields with a time come first in a listpackex.
  EXPECT_EQ(KeyCommands("h"),
            "*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nb\r\n$1\r\n2\r\n"
            "*6\r\n$10\r\nHPEXPIREAT\r\n$1\r\nh\r\n$" +
                std::to_string(at.size()) + "\r\n" + at +
                "\r\n$6\r\nFIELDS\r\n$1\r\n1\r\n$1\r\nb\r\n"
                "*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\na\r\n$1\r\n1\r\n");
}

TEST_F(AofRewriteTest, ListpackexWithoutTimesIsPlainHmset) {
  Run({"HSET", "h", "a", "1"});
  Run({"HPEXPIRE", "h", "5000", "FIELDS", "1", "a"});
  Run({"HPERSIST", "h", "FIELDS", "1", "a"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), "listpackex");
  EXPECT_EQ(KeyCommands("h"), "*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\na\r\n$1\r\n1\r\n");
}

// ------------------------------------------------------------------ data sets

TEST_F(AofRewriteTest, DatasetSelectsEachNonEmptyDatabase) {
  Run({"SELECT", "2"});
  Run({"SET", "k", "v"});
  Run({"SELECT", "0"});
  std::string out;
  persistence::AppendDatasetAsCommands(&out, h_.server().keyspace());
  EXPECT_EQ(out, "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  out.clear();
  Run({"FLUSHALL"});
  persistence::AppendDatasetAsCommands(&out, h_.server().keyspace());
  EXPECT_EQ(out, "");
}

TEST_F(AofRewriteTest, LoadingTheCommandsBackGivesTheSameData) {
  Run({"CONFIG", "SET", "hash-max-listpack-entries", "16"});
  Run({"CONFIG", "SET", "list-max-listpack-size", "4"});
  Run({"SET", "s", "text"});
  Run({"SET", "n", "42"});
  Run({"SET", "t", "v", "PX", "100000"});
  for (int i = 0; i < 300; ++i) {
    const std::string v = std::to_string(i);
    Run({"RPUSH", "list", v, "x" + v});
    Run({"SADD", "intset", v});
    Run({"SADD", "bigset", "m" + v});
    Run({"ZADD", "bigz", std::to_string(i * 0.37), "m" + v});
    Run({"HSET", "bigh", "f" + v, v});
  }
  Run({"ZADD", "smallz", "1.5", "a", "-0", "b"});
  Run({"HSET", "smallh", "a", "1", "b", "two"});
  Run({"HSET", "lpex", "a", "1", "b", "2", "c", "3"});
  Run({"HPEXPIRE", "lpex", "50000", "FIELDS", "2", "a", "c"});
  Run({"HPEXPIRE", "bigh", "70000", "FIELDS", "2", "f1", "f299"});
  Run({"PEXPIRE", "bigz", "90000"});
  Run({"SELECT", "5"});
  Run({"RPUSH", "in5", "a"});
  Run({"SELECT", "0"});

  std::unique_ptr<CommandHarness> other =
      ReplayIntoNewServer("hash-max-listpack-entries 16\nlist-max-listpack-size 4\n");
  CommandHarness& o = *other;
  EXPECT_EQ(o.Run({"DEBUG", "DIGEST"}).ToString(), Run({"DEBUG", "DIGEST"}));
  EXPECT_EQ(o.Run({"DBSIZE"}).ToString(), Run({"DBSIZE"}));
  for (std::string_view key :
       {"s", "n", "t", "list", "intset", "bigset", "bigz", "bigh", "smallz", "smallh", "lpex"}) {
    EXPECT_EQ(o.Run({"OBJECT", "ENCODING", key}).ToString(), Run({"OBJECT", "ENCODING", key}))
        << key;
    EXPECT_EQ(o.Run({"PEXPIRETIME", key}).ToString(), Run({"PEXPIRETIME", key})) << key;
  }
  EXPECT_EQ(o.Run({"HPEXPIRETIME", "lpex", "FIELDS", "3", "a", "b", "c"}).ToString(),
            Run({"HPEXPIRETIME", "lpex", "FIELDS", "3", "a", "b", "c"}));
  EXPECT_EQ(o.Run({"HPEXPIRETIME", "bigh", "FIELDS", "3", "f1", "f2", "f299"}).ToString(),
            Run({"HPEXPIRETIME", "bigh", "FIELDS", "3", "f1", "f2", "f299"}));
  EXPECT_EQ(o.Run({"ZSCORE", "smallz", "b"}).ToString(), "0");
  o.Run({"SELECT", "5"});
  EXPECT_EQ(o.Run({"LRANGE", "in5", "0", "-1"}).ToString(), "[a]");
}

TEST_F(AofRewriteTest, PlainAndCompressedListNodesLoadBack) {
  Run({"CONFIG", "SET", "list-compress-depth", "1"});
  Run({"CONFIG", "SET", "list-max-listpack-size", "2"});
  Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"});
  const std::string big(500, 'z');
  for (int i = 0; i < 40; ++i)
    Run({"RPUSH", "l", std::string(60, static_cast<char>('a' + i % 26))});
  Run({"RPUSH", "l", big});
  Run({"LPUSH", "l", big});
  std::unique_ptr<CommandHarness> other =
      ReplayIntoNewServer("list-compress-depth 1\nlist-max-listpack-size 2\n");
  EXPECT_EQ(other->Run({"DEBUG", "DIGEST-VALUE", "l"}).ToString(),
            Run({"DEBUG", "DIGEST-VALUE", "l"}));
  EXPECT_EQ(other->Run({"LLEN", "l"}).ToString(), "42");
}

TEST_F(AofRewriteTest, ExpiredButStoredFieldsAreWrittenWithTheirTime) {
  Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
  Run({"HSET", "h", "a", "1", "b", "2"});
  Run({"HPEXPIRE", "h", "10", "FIELDS", "1", "a"});
  h_.AdvanceMillis(100);
  const std::vector<Command> cmds = Parse(KeyCommands("h"));
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[1][0], "HPEXPIREAT");
  EXPECT_EQ(cmds[1][5], "a");
}

// ------------------------------------------------------------------ streams

TEST_F(AofRewriteTest, StreamIsXaddPerEntryThenXsetid) {
  Run({"XADD", "s", "1-1", "a", "1", "b", "x"});
  Run({"XADD", "s", "2-0", "c", "-5"});
  Run({"XADD", "s", "3-0", "c", "gone"});
  Run({"XDEL", "s", "3-0"});
  EXPECT_EQ(KeyCommands("s"),
            "*7\r\n$4\r\nXADD\r\n$1\r\ns\r\n$3\r\n1-1\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n"
            "$1\r\nx\r\n"
            "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$3\r\n2-0\r\n$1\r\nc\r\n$2\r\n-5\r\n"
            "*7\r\n$6\r\nXSETID\r\n$1\r\ns\r\n$3\r\n3-0\r\n$12\r\nENTRIESADDED\r\n$1\r\n3\r\n"
            "$12\r\nMAXDELETEDID\r\n$3\r\n3-0\r\n");
}

TEST_F(AofRewriteTest, EmptyStreamIsXaddMaxlenZeroThenXsetid) {
  Run({"XADD", "e", "MAXLEN", "0", "5-5", "x", "y"});
  const std::vector<Command> cmds = Parse(KeyCommands("e"));
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0], (Command{"XADD", "e", "MAXLEN", "0", "0-1", "x", "y"}));
  EXPECT_EQ(cmds[1],
            (Command{"XSETID", "e", "5-5", "ENTRIESADDED", "1", "MAXDELETEDID", "0-0"}));
}

TEST_F(AofRewriteTest, StreamGroupsAreXgroupCreateThenXclaimOrCreateconsumer) {
  for (int i = 1; i <= 4; ++i) Run({"XADD", "s", std::to_string(i) + "-0", "f", "v"});
  Run({"XGROUP", "CREATE", "s", "g", "0"});
  Run({"XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"});
  Run({"XGROUP", "CREATECONSUMER", "s", "g", "amy"});
  Run({"XCLAIM", "s", "g", "bob", "0", "2-0", "RETRYCOUNT", "5"});
  Run({"XGROUP", "CREATE", "s", "empty", "$"});
  const std::string now = std::to_string(h_.clock().NowMillis());
  const std::vector<Command> cmds = Parse(KeyCommands("s"));
  ASSERT_EQ(cmds.size(), 10u);
  EXPECT_EQ(cmds[5], (Command{"XGROUP", "CREATE", "s", "empty", "4-0", "ENTRIESREAD", "-1"}));
  EXPECT_EQ(cmds[6], (Command{"XGROUP", "CREATE", "s", "g", "2-0", "ENTRIESREAD", "2"}));
  EXPECT_EQ(cmds[7], (Command{"XGROUP", "CREATECONSUMER", "s", "g", "amy"}));
  EXPECT_EQ(cmds[8], (Command{"XCLAIM", "s", "g", "bob", "0", "1-0", "TIME", now, "RETRYCOUNT",
                              "1", "JUSTID", "FORCE"}));
  EXPECT_EQ(cmds[9], (Command{"XCLAIM", "s", "g", "bob", "0", "2-0", "TIME", now, "RETRYCOUNT",
                              "5", "JUSTID", "FORCE"}));
}

TEST_F(AofRewriteTest, StreamsLoadBackIntoTheSameValue) {
  // With the clock the same on both sides, even the times agree: the
  // replayed streams DUMP to the same bytes.
  Run({"CONFIG", "SET", "stream-node-max-entries", "4"});
  for (int i = 1; i <= 30; ++i) {
    Run({"XADD", "s", std::to_string(i) + "-" + std::to_string(i), "f", std::to_string(i),
         "bin", std::string("\0\r\n", 3)});
  }
  Run({"XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "0"});
  Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">"});
  Run({"XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"});
  Run({"XGROUP", "CREATECONSUMER", "s", "g", "carol"});
  Run({"XGROUP", "CREATE", "s", "h", "$"});
  Run({"XADD", "e", "MAXLEN", "0", "9-9", "x", "y"});
  Run({"XGROUP", "CREATE", "e", "g", "$"});
  Run({"XSETID", "e", "10-0", "ENTRIESADDED", "12", "MAXDELETEDID", "9-9"});
  Run({"PEXPIRE", "e", "100000"});
  std::unique_ptr<CommandHarness> other = ReplayIntoNewServer("stream-node-max-entries 4\n");
  for (std::string_view key : {"s", "e"}) {
    EXPECT_EQ(other->Run({"DUMP", key}).ToString(), Run({"DUMP", key})) << key;
    EXPECT_EQ(other->Run({"DEBUG", "DIGEST-VALUE", key}).ToString(),
              Run({"DEBUG", "DIGEST-VALUE", key}));
  }
  EXPECT_EQ(other->Run({"PEXPIRETIME", "e"}).ToString(), Run({"PEXPIRETIME", "e"}));
}

}  // namespace
}  // namespace osprey::testing
