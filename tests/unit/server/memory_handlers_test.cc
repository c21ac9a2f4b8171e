// MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP through the
// real dispatcher. Figures are Osprey's own: the tests check properties
// (positive, growing with the value, consistent), not Redis's numbers.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class MemoryHandlersTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  int64_t Usage(std::string_view key) {
    Reply r = h_.Run({"memory", "usage", key});
    EXPECT_EQ(r.type, Reply::Type::kInteger) << r;
    return r.integer;
  }

  CommandHarness h_;
};

TEST_F(MemoryHandlersTest, UsageIsPositiveAndGrowsWithTheValue) {
  int64_t previous = 0;
  // Steps big enough to cross the allocator's size classes: smaller ones may
  // legitimately round to the same allocation.
  for (size_t len : {1, 100, 1000, 10000, 100000}) {
    const std::string value(len, 'x');
    h_.Run({"set", "k", value});
    const int64_t usage = Usage("k");
    EXPECT_GT(usage, static_cast<int64_t>(len)) << len;
    EXPECT_GT(usage, previous) << len;
    previous = usage;
  }
}

TEST_F(MemoryHandlersTest, UsageCountsLongKeysAndIntegers) {
  h_.Run({"set", "n", "12345"});
  EXPECT_GT(Usage("n"), 0);
  const std::string long_key(5000, 'k');
  h_.Run({"set", long_key, "v"});
  EXPECT_GT(Usage(long_key), 5000);
}

TEST_F(MemoryHandlersTest, UsageOfMissingKeyIsNull) {
  EXPECT_EQ(Run({"memory", "usage", "nosuch"}), "(nil)");
}

TEST_F(MemoryHandlersTest, UsageAcceptsSamplesAndRejectsBadOptions) {
  h_.Run({"set", "k", "v"});
  EXPECT_EQ(h_.Run({"memory", "usage", "k", "samples", "0"}).type, Reply::Type::kInteger);
  EXPECT_EQ(h_.Run({"memory", "usage", "k", "SAMPLES", "10"}).type, Reply::Type::kInteger);
  EXPECT_EQ(Run({"memory", "usage", "k", "samples", "-1"}), "ERR syntax error");
  EXPECT_EQ(Run({"memory", "usage", "k", "samples", "x"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"memory", "usage", "k", "samples"}), "ERR syntax error");
  EXPECT_EQ(Run({"memory", "usage", "k", "bogus"}), "ERR syntax error");
  // Options are checked before the key is looked up.
  EXPECT_EQ(Run({"memory", "usage", "nosuch", "bogus"}), "ERR syntax error");
  EXPECT_EQ(Run({"memory", "usage"}), "ERR wrong number of arguments for 'memory|usage' command");
}

TEST_F(MemoryHandlersTest, StatsHasRedisFieldsAndAnEntryPerNonEmptyDb) {
  h_.Run({"set", "a", "1"});
  h_.Run({"select", "3"});
  h_.Run({"set", "b", "2"});
  Reply r = h_.Run({"memory", "stats"});
  std::map<std::string, Reply> fields;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    fields[r.elements[i].str] = r.elements[i + 1];
  }
  EXPECT_EQ(fields.size(), 29u);
  for (const char* name :
       {"peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
        "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
        "functions.caches", "overhead.total", "keys.count", "keys.bytes-per-key",
        "dataset.bytes", "dataset.percentage", "peak.percentage", "allocator.allocated",
        "allocator.active", "allocator.resident", "allocator-fragmentation.ratio",
        "allocator-fragmentation.bytes", "allocator-rss.ratio", "allocator-rss.bytes",
        "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes"}) {
    EXPECT_TRUE(fields.count(name)) << name;
  }
  EXPECT_EQ(fields["keys.count"].integer, 2);
  EXPECT_GT(fields["total.allocated"].integer, 0);
  EXPECT_GE(fields["peak.allocated"].integer, fields["total.allocated"].integer);
  ASSERT_TRUE(fields.count("db.0"));
  ASSERT_TRUE(fields.count("db.3"));
  EXPECT_EQ(fields["db.0"].elements.size(), 6u);
  EXPECT_EQ(fields["db.0"].elements[0].str, "overhead.hashtable.main");
}

TEST_F(MemoryHandlersTest, StatsIsAMapInResp3WithDoubleRatios) {
  h_.Run({"hello", "3"});
  Reply r = h_.Run({"memory", "stats"});
  EXPECT_EQ(r.type, Reply::Type::kMap);
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    if (r.elements[i].str == "fragmentation") {
      EXPECT_EQ(r.elements[i + 1].type, Reply::Type::kDouble);
    }
  }
}

TEST_F(MemoryHandlersTest, DoctorMallocStatsPurgeAndHelp) {
  EXPECT_FALSE(h_.Run({"memory", "doctor"}).ToString().empty());
  EXPECT_FALSE(h_.Run({"memory", "malloc-stats"}).ToString().empty());
  EXPECT_EQ(Run({"memory", "purge"}), "OK");
  Reply help = h_.Run({"memory", "help"});
  ASSERT_GT(help.elements.size(), 5u);
  EXPECT_EQ(help.elements[1].str, "DOCTOR");
  EXPECT_EQ(Run({"memory", "nope"}), "ERR unknown subcommand 'nope'. Try MEMORY HELP.");
  EXPECT_EQ(Run({"memory", "stats", "x"}),
            "ERR wrong number of arguments for 'memory|stats' command");
}

}  // namespace
}  // namespace osprey::testing
