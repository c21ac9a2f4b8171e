// Bytes redis-server 7.0 wrote (tests/data/rdb, made by generate.py): the
// same values built here DUMP to the very same bytes where the encoding's
// order is deterministic, and Redis's payloads RESTORE into equal values.
// The recipes below mirror generate.py's build_cases (stream_cases
// included) and build_dataset.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "keyspace/keyspace.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_test_util.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Command = std::vector<std::string>;

struct Case {
  std::string name;
  std::vector<Command> commands;
  std::string encoding;
  bool deterministic = true;  // element order fixed by the encoding
};

std::vector<std::string> Seq(const std::string& prefix, int n, const std::string& suffix = "") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i) + suffix);
  return out;
}

Command Cmd(std::vector<std::string> head, const std::vector<std::string>& tail = {}) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<Case> Cases() {
  std::string noise;
  for (int i = 0; i < 60; ++i) noise.push_back(static_cast<char>(33 + (i * 7919) % 90));
  std::vector<std::string> compressed_elements;
  for (int i = 0; i < 64; ++i) compressed_elements.push_back(Repeat("element-" + std::to_string(i) + "-", 4));
  std::vector<std::string> zadd_big;
  for (int i = 0; i < 300; ++i) {
    zadd_big.push_back(std::to_string(i) + ".25");
    zadd_big.push_back("m" + std::to_string(i));
  }
  std::vector<std::string> hset_big;
  for (int i = 0; i < 600; ++i) {
    hset_big.push_back("f" + std::to_string(i));
    hset_big.push_back("v" + std::to_string(i));
  }
  return {
      {"string_embstr", {{"SET", "k", "hello world"}}, "embstr"},
      {"string_int8", {{"SET", "k", "-100"}}, "int"},
      {"string_int16", {{"SET", "k", "30000"}}, "int"},
      {"string_int32", {{"SET", "k", "-2000000000"}}, "int"},
      {"string_int64", {{"SET", "k", "9223372036854775807"}}, "int"},
      {"string_raw_lzf", {{"SET", "k", Repeat("abcdefgh", 20)}}, "raw"},
      {"string_incompressible", {{"SET", "k", noise}}, "raw"},
      {"list_small", {{"RPUSH", "k", "a", "bb", "1", "-7", std::string(40, 'x')}}, "quicklist"},
      {"list_nodes",
       {{"CONFIG", "SET", "list-max-listpack-size", "4"}, Cmd({"RPUSH", "k"}, Seq("e", 20))},
       "quicklist"},
      {"list_compressed",
       {{"CONFIG", "SET", "list-max-listpack-size", "8"},
        {"CONFIG", "SET", "list-compress-depth", "1"},
        Cmd({"RPUSH", "k"}, compressed_elements)},
       "quicklist"},
      {"list_plain",
       {{"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"},
        {"RPUSH", "k", "small", std::string(300, 'y'), "tail"}},
       "quicklist"},
      {"set_intset16", {{"SADD", "k", "1", "2", "3", "-4"}}, "intset"},
      {"set_intset32", {{"SADD", "k", "1", "70000", "-70000"}}, "intset"},
      {"set_intset64", {{"SADD", "k", "5", "5000000000"}}, "intset"},
      {"set_hashtable", {Cmd({"SADD", "k"}, Seq("m", 200))}, "hashtable", false},
      {"zset_listpack", {{"ZADD", "k", "1", "a", "2.5", "b", "-3", "c", "1e300", "d"}}, "listpack"},
      {"zset_skiplist", {Cmd({"ZADD", "k"}, zadd_big)}, "skiplist"},
      {"hash_listpack", {{"HSET", "k", "f1", "v1", "f2", "2", "f3", std::string(30, 'x')}},
       "listpack"},
      {"hash_hashtable", {Cmd({"HSET", "k"}, hset_big)}, "hashtable", false},
  };
}

// generate.py's stream_cases: fixed IDs, so the nodes are deterministic;
// groups carry the clock's times, so those cases compare entries only.
std::vector<Case> StreamCases() {
  auto xadd = [](std::vector<std::string> id_fields) { return Cmd({"XADD", "k"}, id_fields); };
  std::vector<Command> nodes = {{"CONFIG", "SET", "stream-node-max-entries", "3"}};
  for (int i = 0; i < 10; ++i) {
    nodes.push_back(xadd({std::to_string(10 + i / 2) + "-" + std::to_string(i), "f",
                          "v" + std::to_string(i)}));
  }
  std::vector<Command> deleted;
  for (int i = 1; i < 8; ++i) {
    deleted.push_back(xadd({std::to_string(i) + "-0", "f", std::to_string(i)}));
  }
  deleted.push_back({"XDEL", "k", "1-0", "4-0", "7-0"});
  std::vector<Command> trimmed = {{"CONFIG", "SET", "stream-node-max-entries", "3"}};
  for (int i = 1; i < 11; ++i) {
    trimmed.push_back(xadd({std::to_string(i) + "-0", "f", std::to_string(i)}));
  }
  trimmed.push_back({"XTRIM", "k", "MAXLEN", "4"});
  std::vector<Command> groups;
  for (int i = 1; i < 9; ++i) {
    groups.push_back(xadd({std::to_string(i) + "-1", "f", "v" + std::to_string(i), "g", "w"}));
  }
  for (Command c : std::vector<Command>{
           {"XGROUP", "CREATE", "k", "g", "0"},
           {"XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "k", ">"},
           {"XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "k", ">"},
           {"XGROUP", "CREATECONSUMER", "k", "g", "carol"},
           {"XACK", "k", "g", "2-1"},
           {"XCLAIM", "k", "g", "bob", "0", "1-1", "RETRYCOUNT", "7"},
           {"XDEL", "k", "3-1"},
           {"XGROUP", "CREATE", "k", "g2", "$"},
           {"XGROUP", "CREATE", "k", "123", "4-1"}}) {
    groups.push_back(c);
  }
  const std::vector<Command> tombstones = {{"CONFIG", "SET", "stream-node-max-entries", "4"},
                                           xadd({"5-5", "a", "1"}),
                                           xadd({"6-6", "a", "2"}),
                                           xadd({"7-7", "a", "3"}),
                                           {"XDEL", "k", "7-7"},
                                           {"XTRIM", "k", "MINID", "7-7"}};
  std::vector<Command> below_master = tombstones;
  below_master.push_back({"XSETID", "k", "1-1"});
  below_master.push_back(xadd({"2-0", "b", "4"}));
  return {
      {"stream_small",
       {xadd({"1-1", "a", "1", "b", "2"}), xadd({"1-2", "a", "3", "b", "4"}),
        xadd({"2-0", "c", "-5"})},
       "stream"},
      {"stream_nodes", nodes, "stream"},
      {"stream_deleted", deleted, "stream"},
      {"stream_trimmed", trimmed, "stream"},
      {"stream_empty_groups",
       {{"XADD", "k", "MAXLEN", "0", "5-5", "x", "y"},
        {"XGROUP", "CREATE", "k", "g1", "$"},
        {"XGROUP", "CREATECONSUMER", "k", "g1", "alice"}},
       "stream",
       false},
      {"stream_groups", groups, "stream", false},
      {"stream_xsetid",
       {xadd({"1-0", "f", "1"}), xadd({"2-0", "f", "2"}), {"XDEL", "k", "2-0"},
        {"XSETID", "k", "100-0", "ENTRIESADDED", "50", "MAXDELETEDID", "10-0"}},
       "stream"},
      {"stream_unordered_deleted",
       {xadd({"1-1", "a", "1"}), xadd({"5-5", "a", "2"}), {"XDEL", "k", "5-5"},
        {"XSETID", "k", "3-3"}, xadd({"4-0", "b", "3"})},
       "stream"},
      {"stream_large_values",
       {xadd({"1-0", "long", std::string(300, 'x'), "int", "123456789012"}),
        xadd({"2-0", "long", std::string(70000, 'y'), "int", "-1"})},
       "stream"},
      {"stream_deleted_only_node", tombstones, "stream"},
      {"stream_live_below_master", below_master, "stream"},
  };
}

std::vector<Case> AllCases() {
  std::vector<Case> all = Cases();
  for (Case& c : StreamCases()) all.push_back(std::move(c));
  return all;
}

class RdbGoldenTest : public ::testing::Test {
 protected:
  std::string Run(const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    return h_.Run(views).ToString();
  }
  void ResetConfig() {
    ASSERT_EQ(Run({"CONFIG", "SET", "list-max-listpack-size", "-2"}), "OK");
    ASSERT_EQ(Run({"CONFIG", "SET", "list-compress-depth", "0"}), "OK");
    ASSERT_EQ(Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", std::to_string(1 << 30)}), "OK");
    ASSERT_EQ(Run({"CONFIG", "SET", "stream-node-max-entries", "100"}), "OK");
  }
  // Every element of key's value, sorted where the order is not part of it.
  std::vector<std::string> Contents(const std::string& key) {
    const std::string type = Run({"TYPE", key});
    Reply r;
    bool sort = false;
    if (type == "string") return {Run({"GET", key})};
    if (type == "list") r = h_.Run({"LRANGE", key, "0", "-1"});
    if (type == "set") {
      r = h_.Run({"SMEMBERS", key});
      sort = true;
    }
    if (type == "zset") r = h_.Run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
    if (type == "stream") return {h_.Run({"XRANGE", key, "-", "+"}).ToString()};
    if (type == "hash") {
      r = h_.Run({"HGETALL", key});
      std::vector<std::string> pairs;
      for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
        pairs.push_back(r.elements[i].str + "=" + r.elements[i + 1].str);
      }
      std::sort(pairs.begin(), pairs.end());
      return pairs;
    }
    std::vector<std::string> out;
    for (const Reply& e : r.elements) out.push_back(e.str);
    if (sort) std::sort(out.begin(), out.end());
    return out;
  }

  CommandHarness h_{"enable-debug-command yes"};
};

TEST_F(RdbGoldenTest, FixturesArePresent) {
  const auto dumps = RedisDumps();
  EXPECT_EQ(dumps.size(), AllCases().size());
  EXPECT_FALSE(ReadFileBytes(RdbDataPath("all_types.rdb")).empty());
}

TEST_F(RdbGoldenTest, DumpWritesRedisBytesForDeterministicEncodings) {
  const auto dumps = RedisDumps();
  for (const Case& c : AllCases()) {
    if (!c.deterministic) continue;
    SCOPED_TRACE(c.name);
    Run({"FLUSHALL"});
    ResetConfig();
    for (const Command& cmd : c.commands) Run(cmd);
    EXPECT_EQ(Run({"OBJECT", "ENCODING", "k"}), c.encoding);
    const Reply dump = h_.Run({"DUMP", "k"});
    ASSERT_EQ(dump.type, Reply::Type::kBulk);
    ASSERT_TRUE(dumps.count(c.name));
    EXPECT_EQ(ToHex(dump.str), ToHex(dumps.at(c.name)));
  }
  ResetConfig();
}

TEST_F(RdbGoldenTest, RedisPayloadsRestoreIntoEqualValues) {
  const auto dumps = RedisDumps();
  for (const Case& c : AllCases()) {
    SCOPED_TRACE(c.name);
    Run({"FLUSHALL"});
    ResetConfig();
    for (const Command& cmd : c.commands) Run(cmd);
    ASSERT_EQ(Run({"RESTORE", "r", "0", dumps.at(c.name)}), "OK");
    EXPECT_EQ(Contents("r"), Contents("k"));
    EXPECT_EQ(Run({"OBJECT", "ENCODING", "r"}), c.encoding);
    if (c.deterministic) {
      // The value keeps Redis's layout: it dumps back to the same bytes.
      EXPECT_EQ(ToHex(h_.Run({"DUMP", "r"}).str), ToHex(dumps.at(c.name)));
    }
  }
  ResetConfig();
}

TEST_F(RdbGoldenTest, RedisFileLoadsWithEveryKey) {
  const std::string file = ReadFileBytes(RdbDataPath("all_types.rdb"));
  keyspace::Keyspace& ks = h_.server().keyspace();
  persistence::RdbLoadOptions opts;
  opts.now_ms = h_.server().now_ms();
  persistence::RdbLoadStats stats;
  ASSERT_TRUE(persistence::LoadDataset(file, ks, h_.server().engine_config(), opts, &stats).ok());
  EXPECT_EQ(stats.version, 10);
  EXPECT_EQ(stats.keys_loaded, 12u);
  bool saw_version = false;
  for (const auto& [name, value] : stats.aux) {
    if (name == "redis-ver") saw_version = value == "7.0.15";
  }
  EXPECT_TRUE(saw_version);
  EXPECT_EQ(Run({"DBSIZE"}), "11");
  EXPECT_EQ(Run({"GET", "str"}), "value");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "num"}), "int");
  EXPECT_EQ(Run({"PEXPIRETIME", "ttl"}), "4102444800000");
  EXPECT_EQ(Contents("list"), Seq("l", 10));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "intset"}), "intset");
  EXPECT_EQ(Run({"SCARD", "set"}), "10");
  EXPECT_EQ(Run({"ZSCORE", "zset", "z3"}), "1.5");
  EXPECT_EQ(Run({"HGET", "hash", "h7"}), "v7");
  EXPECT_EQ(Run({"LLEN", "biglist"}), "1000");
  EXPECT_EQ(Run({"LINDEX", "biglist", "999"}), "b999");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "bigzset"}), "skiplist");
  EXPECT_EQ(Run({"ZRANK", "bigzset", "bz150"}), "150");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "bighash"}), "hashtable");
  EXPECT_EQ(Run({"HLEN", "bighash"}), "600");
  Run({"SELECT", "1"});
  EXPECT_EQ(Run({"GET", "other"}), "db1");
  EXPECT_EQ(Run({"PEXPIRETIME", "other"}), "4102444800000");
}

}  // namespace
}  // namespace osprey::testing
