// DBSIZE FLUSHDB FLUSHALL SWAPDB TIME, run through the real dispatcher with
// a fake clock.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class DbHandlersTest : public ::testing::Test {
 protected:
  explicit DbHandlersTest(std::string_view config = "") : h_(config) {}
  std::string Run(std::vector<std::string_view> args, size_t client = 0) {
    return h_.RunOn(client, std::move(args)).ToString();
  }
  uint64_t Dirty() { return h_.server().stats().dirty; }

  CommandHarness h_;
};

// Save points switched off: FLUSHALL then keeps its change count.
class DbHandlersNoSaveTest : public DbHandlersTest {
 protected:
  DbHandlersNoSaveTest() : DbHandlersTest("save \"\"") {}
};

// ---------------------------------------------------------------- DBSIZE

TEST_F(DbHandlersTest, DbSizeCountsTheKeysOfTheSelectedDatabase) {
  EXPECT_EQ(Run({"dbsize"}), "0");
  Run({"set", "a", "1"});
  Run({"set", "b", "2"});
  EXPECT_EQ(Run({"dbsize"}), "2");
  Run({"select", "3"});
  EXPECT_EQ(Run({"dbsize"}), "0");
}

TEST_F(DbHandlersTest, DbSizeCountsExpiredKeysNotYetReclaimed) {
  Run({"set", "a", "1", "px", "10"});
  h_.AdvanceMillis(50);
  EXPECT_EQ(Run({"dbsize"}), "1");
}

TEST_F(DbHandlersTest, DbSizeRejectsArguments) {
  EXPECT_EQ(Run({"dbsize", "x"}), "ERR wrong number of arguments for 'dbsize' command");
}

// --------------------------------------------------------------- FLUSHDB

TEST_F(DbHandlersTest, FlushDbEmptiesOnlyTheSelectedDatabase) {
  Run({"set", "a", "1"});
  Run({"select", "1"});
  Run({"set", "b", "2"});
  EXPECT_EQ(Run({"flushdb"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "0");
  Run({"select", "0"});
  EXPECT_EQ(Run({"get", "a"}), "1");
}

TEST_F(DbHandlersTest, FlushDbAcceptsSyncAndAsyncInAnyCase) {
  Run({"set", "a", "1", "ex", "100"});
  EXPECT_EQ(Run({"flushdb", "ASYNC"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "0");
  Run({"set", "a", "1"});
  EXPECT_EQ(Run({"flushdb", "sync"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "0");
  // The database works normally after an async flush swapped its table.
  Run({"set", "c", "3"});
  EXPECT_EQ(Run({"get", "c"}), "3");
}

TEST_F(DbHandlersTest, FlushDbRejectsOtherOptions) {
  EXPECT_EQ(Run({"flushdb", "now"}), "ERR syntax error");
  EXPECT_EQ(Run({"flushdb", "async", "sync"}), "ERR syntax error");
}

TEST_F(DbHandlersTest, FlushDbCountsRemovedKeysAsChanges) {
  Run({"set", "a", "1"});
  Run({"set", "b", "1"});
  const uint64_t before = Dirty();
  Run({"flushdb"});
  EXPECT_EQ(Dirty(), before + 2);
}

TEST_F(DbHandlersTest, FlushDbFailsTransactionsWatchingExistingKeys) {
  const size_t other = h_.NewClient();
  Run({"set", "k", "v"});
  Run({"watch", "k"}, other);
  Run({"multi"}, other);
  Run({"ping"}, other);
  Run({"flushdb"});
  EXPECT_EQ(Run({"exec"}, other), "(nil)");
}

TEST_F(DbHandlersTest, FlushDbLeavesTransactionsWatchingMissingKeys) {
  const size_t other = h_.NewClient();
  Run({"set", "k", "v"});
  Run({"watch", "absent"}, other);
  Run({"multi"}, other);
  Run({"ping"}, other);
  Run({"flushdb"});
  EXPECT_EQ(Run({"exec"}, other), "[PONG]");
}

// -------------------------------------------------------------- FLUSHALL

TEST_F(DbHandlersTest, FlushAllEmptiesEveryDatabase) {
  Run({"set", "a", "1"});
  Run({"select", "5"});
  Run({"set", "b", "2"});
  EXPECT_EQ(Run({"flushall"}), "OK");
  EXPECT_EQ(Run({"dbsize"}), "0");
  Run({"select", "0"});
  EXPECT_EQ(Run({"dbsize"}), "0");
  EXPECT_EQ(Run({"flushall", "async"}), "OK");
  EXPECT_EQ(Run({"flushall", "SYNC"}), "OK");
  EXPECT_EQ(Run({"flushall", "lazy"}), "ERR syntax error");
}

TEST_F(DbHandlersTest, FlushAllWithSavePointsResetsTheChangeCount) {
  Run({"set", "a", "1"});
  EXPECT_GT(Dirty(), 0u);
  Run({"flushall"});
  EXPECT_EQ(Dirty(), 0u);
}

TEST_F(DbHandlersNoSaveTest, FlushAllWithoutSavePointsCountsRemovedKeys) {
  Run({"set", "a", "1"});
  Run({"select", "2"});
  Run({"set", "b", "1"});
  const uint64_t before = Dirty();
  Run({"flushall"});
  EXPECT_EQ(Dirty(), before + 2);
}

TEST_F(DbHandlersTest, FlushAllFailsTransactionsWatchingKeysOfAnyDatabase) {
  const size_t other = h_.NewClient();
  Run({"select", "4"});
  Run({"set", "k", "v"});
  Run({"select", "4"}, other);
  Run({"watch", "k"}, other);
  Run({"multi"}, other);
  Run({"ping"}, other);
  Run({"select", "0"});
  Run({"flushall"});
  EXPECT_EQ(Run({"exec"}, other), "(nil)");
}

// ---------------------------------------------------------------- SWAPDB

TEST_F(DbHandlersTest, SwapDbExchangesContents) {
  Run({"set", "a", "in0"});
  Run({"select", "1"});
  Run({"set", "b", "in1"});
  Run({"set", "c", "in1", "ex", "100"});
  EXPECT_EQ(Run({"swapdb", "0", "1"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "in0");
  EXPECT_EQ(Run({"dbsize"}), "1");
  Run({"select", "0"});
  EXPECT_EQ(Run({"get", "b"}), "in1");
  EXPECT_EQ(Run({"ttl", "c"}), "100");
}

TEST_F(DbHandlersTest, SwapDbWithItselfIsOkAndCounted) {
  Run({"set", "a", "1"});
  const uint64_t before = Dirty();
  EXPECT_EQ(Run({"swapdb", "3", "3"}), "OK");
  EXPECT_EQ(Dirty(), before + 1);
  EXPECT_EQ(Run({"get", "a"}), "1");
}

TEST_F(DbHandlersTest, SwapDbRejectsBadIndexes) {
  EXPECT_EQ(Run({"swapdb", "x", "1"}), "ERR invalid first DB index");
  EXPECT_EQ(Run({"swapdb", "0", "1.5"}), "ERR invalid second DB index");
  EXPECT_EQ(Run({"swapdb", "4294967296", "1"}), "ERR invalid first DB index");
  EXPECT_EQ(Run({"swapdb", "0", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"swapdb", "-1", "0"}), "ERR DB index is out of range");
  EXPECT_EQ(Run({"swapdb", "0"}), "ERR wrong number of arguments for 'swapdb' command");
}

TEST_F(DbHandlersTest, SwapDbFailsTransactionsWatchingKeysThatChange) {
  const size_t other = h_.NewClient();
  Run({"select", "1"});
  Run({"set", "k", "v"});
  // Client `other` watches "k" in db 0, where it does not exist yet: the
  // swap brings it in.
  Run({"watch", "k"}, other);
  Run({"multi"}, other);
  Run({"ping"}, other);
  Run({"swapdb", "0", "1"});
  EXPECT_EQ(Run({"exec"}, other), "(nil)");
}

TEST(DbHandlersClusterTest, SwapDbIsRefusedInClusterMode) {
  CommandHarness h("cluster-enabled yes");
  EXPECT_EQ(h.Run({"swapdb", "0", "1"}).ToString(), "ERR SWAPDB is not allowed in cluster mode");
}

// ------------------------------------------------------------------ TIME

TEST_F(DbHandlersTest, TimeRepliesSecondsAndMicroseconds) {
  h_.clock().SetMicros(1'700'000'123'456'789);
  EXPECT_EQ(Run({"time"}), "[1700000123, 456789]");
  h_.AdvanceMillis(1500);
  EXPECT_EQ(Run({"time"}), "[1700000124, 956789]");
  EXPECT_EQ(Run({"time", "x"}), "ERR wrong number of arguments for 'time' command");
}

}  // namespace
}  // namespace osprey::testing
