// DUMP and RESTORE through the real dispatcher with a fake clock: options,
// TTLs, access clocks, error replies and their order, events.

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "handlers/keyspace_events.h"
#include "persistence/rdb_test_util.h"
#include "server/propagation.h"
#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class DumpHandlersTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  std::string Dump(std::string_view key) { return h_.Run({"DUMP", key}).str; }
  uint64_t Dirty() { return h_.server().stats().dirty; }

  CommandHarness h_;
};

// ------------------------------------------------------------------ DUMP

TEST_F(DumpHandlersTest, DumpOfAMissingKeyIsNull) {
  EXPECT_TRUE(h_.Run({"DUMP", "nope"}).is_null());
}

TEST_F(DumpHandlersTest, DumpOfAStringIsRedisBytes) {
  Run({"SET", "k", "hello"});
  // Type 0, "hello", version 10, CRC-64 (bytes redis-server 7.0 gives).
  EXPECT_EQ(ToHex(Dump("k")), "000568656c6c6f0a006372df766534200a");
}

TEST_F(DumpHandlersTest, DumpWrongArity) {
  EXPECT_EQ(Run({"DUMP"}), "ERR wrong number of arguments for 'dump' command");
  EXPECT_EQ(Run({"DUMP", "a", "b"}), "ERR wrong number of arguments for 'dump' command");
}

TEST_F(DumpHandlersTest, DumpOfAnExpiredKeyIsNull) {
  Run({"SET", "k", "v", "PX", "10"});
  h_.AdvanceMillis(11);
  EXPECT_TRUE(h_.Run({"DUMP", "k"}).is_null());
}

// ------------------------------------------------------------------ RESTORE

TEST_F(DumpHandlersTest, RestoreRoundTripsEveryType) {
  Run({"SET", "s", "v"});
  Run({"RPUSH", "l", "a", "b"});
  Run({"SADD", "set", "x", "y"});
  Run({"ZADD", "z", "1", "m"});
  Run({"HSET", "h", "f", "v"});
  for (const char* key : {"s", "l", "set", "z", "h"}) {
    const std::string payload = Dump(key);
    const std::string copy = std::string(key) + "_copy";
    EXPECT_EQ(Run({"RESTORE", copy, "0", payload}), "OK");
    EXPECT_EQ(Run({"DEBUG", "DIGEST-VALUE", copy}), Run({"DEBUG", "DIGEST-VALUE", key}));
    // A hash table's order depends on its seed; the rest dump identically.
    if (std::string(key) != "set") {
      EXPECT_EQ(Dump(copy), payload);
    }
  }
}

TEST_F(DumpHandlersTest, RestoreRefusesAnExistingKeyUnlessReplace) {
  Run({"SET", "k", "old"});
  Run({"SET", "src", "new"});
  const std::string payload = Dump("src");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload}), "BUSYKEY Target key name already exists.");
  EXPECT_EQ(Run({"GET", "k"}), "old");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "REPLACE"}), "OK");
  EXPECT_EQ(Run({"GET", "k"}), "new");
}

TEST_F(DumpHandlersTest, AnExpiredKeyIsNotBusy) {
  Run({"SET", "src", "new"});
  const std::string payload = Dump("src");
  Run({"SET", "k", "old", "PX", "5"});
  h_.AdvanceMillis(6);
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload}), "OK");
  EXPECT_EQ(Run({"GET", "k"}), "new");
}

TEST_F(DumpHandlersTest, RestoreSetsRelativeAndAbsoluteTtls) {
  Run({"SET", "src", "v"});
  const std::string payload = Dump("src");
  EXPECT_EQ(Run({"RESTORE", "a", "5000", payload}), "OK");
  EXPECT_EQ(Run({"PTTL", "a"}), "5000");
  const std::string at = std::to_string(h_.server().now_ms() + 7000);
  EXPECT_EQ(Run({"RESTORE", "b", at, payload, "ABSTTL"}), "OK");
  EXPECT_EQ(Run({"PTTL", "b"}), "7000");
  EXPECT_EQ(Run({"RESTORE", "c", "0", payload}), "OK");
  EXPECT_EQ(Run({"PTTL", "c"}), "-1");
  // Beyond 32 bits.
  EXPECT_EQ(Run({"RESTORE", "d", "3000000000", payload}), "OK");
  EXPECT_EQ(Run({"PTTL", "d"}), "3000000000");
}

TEST_F(DumpHandlersTest, RestoreWithATimeInThePastCreatesNothing) {
  Run({"SET", "src", "v"});
  const std::string payload = Dump("src");
  const std::string past = std::to_string(h_.server().now_ms() - 1000);
  EXPECT_EQ(Run({"RESTORE", "k", past, payload, "ABSTTL"}), "OK");
  EXPECT_EQ(Run({"EXISTS", "k"}), "0");
  // With REPLACE the old value goes: a "del".
  Run({"SET", "k", "old"});
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"RESTORE", "k", past, payload, "ABSTTL", "REPLACE"}), "OK");
  EXPECT_EQ(Run({"EXISTS", "k"}), "0");
  EXPECT_EQ(events.Take(), std::vector<std::string>({"del k@0"}));
  // A relative TTL that overflows counts as past.
  EXPECT_EQ(Run({"RESTORE", "m", "9223372036854775807", payload}), "OK");
  EXPECT_EQ(Run({"EXISTS", "m"}), "0");
}

TEST_F(DumpHandlersTest, RestoreRaisesTheRestoreEventAndCountsDirty) {
  Run({"SET", "src", "v"});
  const std::string payload = Dump("src");
  KeyspaceEvents events(h_);
  const uint64_t before = Dirty();
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload}), "OK");
  EXPECT_EQ(events.Take(), std::vector<std::string>({"restore k@0"}));
  EXPECT_EQ(Dirty(), before + 1);
}

TEST_F(DumpHandlersTest, RestoreErrorsInRedisOrder) {
  Run({"SET", "src", "v"});
  const std::string payload = Dump("src");
  Run({"SET", "busy", "x"});
  // Options come first.
  EXPECT_EQ(Run({"RESTORE", "busy", "bad", "junk", "NOPE"}), "ERR syntax error");
  // Then the existing key.
  EXPECT_EQ(Run({"RESTORE", "busy", "bad", "junk"}), "BUSYKEY Target key name already exists.");
  // Then the TTL.
  EXPECT_EQ(Run({"RESTORE", "k", "bad", "junk"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"RESTORE", "k", "-1", "junk"}), "ERR Invalid TTL value, must be >= 0");
  // Then the payload.
  EXPECT_EQ(Run({"RESTORE", "k", "0", "junk"}), "ERR DUMP payload version or checksum are wrong");
  EXPECT_EQ(Run({"RESTORE", "k", "0", Payload("\x63")}), "ERR Bad data format");
  EXPECT_EQ(Run({"RESTORE"}), "ERR wrong number of arguments for 'restore' command");
  EXPECT_EQ(Run({"RESTORE", "k", "0"}), "ERR wrong number of arguments for 'restore' command");
  EXPECT_EQ(Run({"EXISTS", "k"}), "0");
}

TEST_F(DumpHandlersTest, RestoreOptionErrors) {
  Run({"SET", "src", "v"});
  const std::string payload = Dump("src");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "IDLETIME", "-1"}),
            "ERR Invalid IDLETIME value, must be >= 0");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "IDLETIME", "x"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "FREQ", "256"}),
            "ERR Invalid FREQ value, must be >= 0 and <= 255");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "FREQ", "-1"}),
            "ERR Invalid FREQ value, must be >= 0 and <= 255");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "IDLETIME"}), "ERR syntax error");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "IDLETIME", "1", "FREQ", "1"}), "ERR syntax error");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "FREQ", "1", "IDLETIME", "1"}), "ERR syntax error");
  EXPECT_EQ(Run({"EXISTS", "k"}), "0");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "replace", "absttl", "idletime", "5"}), "OK");
}

TEST_F(DumpHandlersTest, IdletimeSetsTheLruClock) {
  Run({"SET", "src", "v"});
  const std::string payload = Dump("src");
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "IDLETIME", "1000"}), "OK");
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), "1000");
  // FREQ is ignored under an LRU policy.
  EXPECT_EQ(Run({"RESTORE", "j", "0", payload, "FREQ", "100"}), "OK");
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "j"}), "0");
}

TEST_F(DumpHandlersTest, FreqSetsTheLfuCounter) {
  CommandHarness h("maxmemory-policy allkeys-lfu");
  h.Run({"SET", "src", "v"});
  const std::string payload = h.Run({"DUMP", "src"}).str;
  EXPECT_EQ(h.Run({"RESTORE", "k", "0", payload, "FREQ", "100"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"OBJECT", "FREQ", "k"}).ToString(), "100");
}

TEST_F(DumpHandlersTest, ReplaceOfTheSameKeyWithItsOwnDump) {
  Run({"RPUSH", "l", "a", "b", "c"});
  const std::string payload = Dump("l");
  EXPECT_EQ(Run({"RESTORE", "l", "0", payload, "REPLACE"}), "OK");
  EXPECT_EQ(Run({"LRANGE", "l", "0", "-1"}), "[a, b, c]");
}

class RecordingSink final : public server::EffectSink {
 public:
  void Write(int db, std::span<const std::string> args) override {
    std::string line = std::to_string(db) + ":";
    for (const auto& a : args) line += " " + a;
    lines.push_back(line);
  }
  std::vector<std::string> lines;
};

TEST_F(DumpHandlersTest, RestorePropagatesAnAbsoluteTime) {
  Run({"SET", "src", "v"});
  const std::string payload = Dump("src");
  RecordingSink sink;
  h_.server().propagation().AddSink(&sink);
  EXPECT_EQ(Run({"RESTORE", "a", "0", payload}), "OK");
  EXPECT_EQ(Run({"RESTORE", "b", "5000", payload, "REPLACE"}), "OK");
  const std::string at = std::to_string(h_.server().now_ms() + 5000);
  EXPECT_EQ(Run({"RESTORE", "c", at, payload, "ABSTTL"}), "OK");
  // Past: nothing is created; with REPLACE of a key it is a deletion.
  EXPECT_EQ(Run({"RESTORE", "d", "1", payload, "ABSTTL"}), "OK");
  EXPECT_EQ(Run({"RESTORE", "a", "1", payload, "ABSTTL", "REPLACE"}), "OK");
  h_.server().propagation().RemoveSink(&sink);
  ASSERT_EQ(sink.lines.size(), 4u);
  EXPECT_EQ(sink.lines[0], "0: RESTORE a 0 " + payload);
  EXPECT_EQ(sink.lines[1], "0: RESTORE b " + at + " " + payload + " REPLACE ABSTTL");
  EXPECT_EQ(sink.lines[2], "0: RESTORE c " + at + " " + payload + " ABSTTL");
  EXPECT_EQ(sink.lines[3], "0: DEL a");
}

TEST_F(DumpHandlersTest, WrongTypeKeysAreReplacedWholesale) {
  Run({"RPUSH", "src", "a"});
  const std::string payload = Dump("src");
  Run({"SET", "k", "string"});
  EXPECT_EQ(Run({"RESTORE", "k", "0", payload, "REPLACE"}), "OK");
  EXPECT_EQ(Run({"TYPE", "k"}), "list");
}

}  // namespace
}  // namespace osprey::testing
