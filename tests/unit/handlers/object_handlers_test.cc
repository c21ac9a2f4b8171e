// OBJECT ENCODING FREQ IDLETIME REFCOUNT HELP.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyspace/keyspace.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

const std::string kShared = "2147483647";

std::string Str(CommandHarness& h, std::vector<std::string_view> args) {
  return h.Run(std::move(args)).ToString();
}

// ------------------------------------------------------------- ENCODING

TEST(ObjectEncodingTest, ReportsRedisNamesForStringEncodings) {
  CommandHarness h;
  Str(h, {"set", "int", "-123"});
  Str(h, {"set", "emb", std::string(44, 'e')});
  Str(h, {"set", "raw", std::string(45, 'r')});
  Str(h, {"set", "heap", std::string(5000, 'h')});
  Str(h, {"set", "app", "1"});
  Str(h, {"append", "app", "2"});
  EXPECT_EQ(Str(h, {"object", "encoding", "int"}), "int");
  EXPECT_EQ(Str(h, {"object", "encoding", "emb"}), "embstr");
  EXPECT_EQ(Str(h, {"object", "encoding", "raw"}), "raw");
  EXPECT_EQ(Str(h, {"object", "encoding", "heap"}), "raw");
  EXPECT_EQ(Str(h, {"object", "encoding", "app"}), "raw");
}

TEST(ObjectEncodingTest, MissingKeyIsANullBulk) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"object", "encoding", "missing"}), "$-1\r\n");
}

TEST(ObjectEncodingTest, MissingKeyIsARespThreeNull) {
  CommandHarness h;
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"object", "encoding", "missing"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"object", "refcount", "missing"}), "_\r\n");
}

TEST(ObjectEncodingTest, ExpiredKeyIsNull) {
  CommandHarness h;
  Str(h, {"set", "k", "v", "px", "5"});
  h.AdvanceMillis(6);
  EXPECT_EQ(Str(h, {"object", "encoding", "k"}), "(nil)");
}

TEST(ObjectEncodingTest, SubcommandIsCaseInsensitive) {
  CommandHarness h;
  Str(h, {"set", "k", "1"});
  EXPECT_EQ(Str(h, {"OBJECT", "Encoding", "k"}), "int");
}

TEST(ObjectEncodingTest, CountsAHitButRaisesNoKeymiss) {
  CommandHarness h;
  Str(h, {"config", "set", "notify-keyspace-events", "KEm"});
  size_t sub = h.NewClient();
  h.RunOn(sub, {"psubscribe", "*"});
  Str(h, {"set", "k", "1"});
  auto& stats = h.server().keyspace().stats();
  uint64_t hits = stats.keyspace_hits, misses = stats.keyspace_misses;
  Str(h, {"object", "encoding", "k"});
  Str(h, {"object", "encoding", "missing"});
  EXPECT_EQ(stats.keyspace_hits - hits, 1u);
  EXPECT_EQ(stats.keyspace_misses - misses, 1u);
  EXPECT_TRUE(h.TakePushed(sub).empty());
}

// ------------------------------------------------------------- REFCOUNT

TEST(ObjectRefCountTest, SmallNonNegativeIntegersAreShared) {
  CommandHarness h;
  Str(h, {"set", "zero", "0"});
  Str(h, {"set", "max", "9999"});
  Str(h, {"incr", "counter"});
  EXPECT_EQ(Str(h, {"object", "refcount", "zero"}), kShared);
  EXPECT_EQ(Str(h, {"object", "refcount", "max"}), kShared);
  EXPECT_EQ(Str(h, {"object", "refcount", "counter"}), kShared);
}

TEST(ObjectRefCountTest, OtherValuesHaveOneReference) {
  CommandHarness h;
  Str(h, {"set", "big", "10000"});
  Str(h, {"set", "neg", "-1"});
  Str(h, {"set", "str", "abc"});
  Str(h, {"set", "padded", "01"});
  for (std::string_view k : {"big", "neg", "str", "padded"}) {
    EXPECT_EQ(Str(h, {"object", "refcount", k}), "1") << k;
  }
}

TEST(ObjectRefCountTest, ACopyOfASharedIntegerHasItsOwnObject) {
  CommandHarness h;
  Str(h, {"set", "a", "5"});
  Str(h, {"copy", "a", "b"});
  EXPECT_EQ(Str(h, {"object", "refcount", "b"}), "1");
  EXPECT_EQ(Str(h, {"object", "encoding", "b"}), "int");
  // The duplicate stays unshared when renamed or moved, until overwritten.
  Str(h, {"rename", "b", "c"});
  EXPECT_EQ(Str(h, {"object", "refcount", "c"}), "1");
  Str(h, {"move", "c", "1"});
  Str(h, {"select", "1"});
  EXPECT_EQ(Str(h, {"object", "refcount", "c"}), "1");
  Str(h, {"set", "c", "5"});
  EXPECT_EQ(Str(h, {"object", "refcount", "c"}), kShared);
  Str(h, {"select", "0"});
  EXPECT_EQ(Str(h, {"object", "refcount", "a"}), kShared);
}

TEST(ObjectRefCountTest, IntegersAreNotSharedUnderAnLruPolicyWithMaxmemory) {
  CommandHarness h("maxmemory 1gb\nmaxmemory-policy allkeys-lru\n");
  Str(h, {"set", "a", "1"});
  EXPECT_EQ(Str(h, {"object", "refcount", "a"}), "1");
}

TEST(ObjectRefCountTest, IntegersAreNotSharedUnderAnLfuPolicyWithMaxmemory) {
  CommandHarness h("maxmemory 1gb\nmaxmemory-policy volatile-lfu\n");
  Str(h, {"set", "a", "1"});
  EXPECT_EQ(Str(h, {"object", "refcount", "a"}), "1");
}

TEST(ObjectRefCountTest, IntegersStaySharedUnderOtherPoliciesOrWithoutMaxmemory) {
  CommandHarness random("maxmemory 1gb\nmaxmemory-policy allkeys-random\n");
  Str(random, {"set", "a", "1"});
  EXPECT_EQ(Str(random, {"object", "refcount", "a"}), kShared);
  CommandHarness lru_unlimited("maxmemory-policy allkeys-lru\n");
  Str(lru_unlimited, {"set", "a", "1"});
  EXPECT_EQ(Str(lru_unlimited, {"object", "refcount", "a"}), kShared);
}

TEST(ObjectRefCountTest, FollowsConfigSetOfMaxmemoryAndPolicy) {
  CommandHarness h;
  Str(h, {"config", "set", "maxmemory", "1073741824"});
  Str(h, {"config", "set", "maxmemory-policy", "volatile-lru"});
  Str(h, {"set", "a", "1"});
  EXPECT_EQ(Str(h, {"object", "refcount", "a"}), "1");
  Str(h, {"config", "set", "maxmemory", "0"});
  Str(h, {"set", "b", "1"});
  EXPECT_EQ(Str(h, {"object", "refcount", "b"}), kShared);
}

// ------------------------------------------------------------- IDLETIME

TEST(ObjectIdleTimeTest, GrowsWithTheClockInWholeSeconds) {
  CommandHarness h;
  Str(h, {"set", "k", "v"});
  EXPECT_EQ(Str(h, {"object", "idletime", "k"}), "0");
  h.AdvanceMillis(2500);
  EXPECT_EQ(Str(h, {"object", "idletime", "k"}), "2");
}

TEST(ObjectIdleTimeTest, AReadResetsItButObjectItselfDoesNot) {
  CommandHarness h;
  Str(h, {"set", "k", "v"});
  h.AdvanceMillis(4000);
  Str(h, {"object", "encoding", "k"});
  Str(h, {"object", "refcount", "k"});
  EXPECT_EQ(Str(h, {"object", "idletime", "k"}), "4");
  Str(h, {"get", "k"});
  EXPECT_EQ(Str(h, {"object", "idletime", "k"}), "0");
}

TEST(ObjectIdleTimeTest, MissingKeyIsNull) {
  CommandHarness h;
  EXPECT_EQ(Str(h, {"object", "idletime", "missing"}), "(nil)");
}

TEST(ObjectIdleTimeTest, IsAnErrorUnderAnLfuPolicy) {
  CommandHarness h("maxmemory-policy allkeys-lfu\n");
  Str(h, {"set", "k", "v"});
  EXPECT_EQ(Str(h, {"object", "idletime", "k"}),
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
            "when switching between policies at runtime LRU and LFU data will take some time to "
            "adjust.");
  // A missing key is still just null.
  EXPECT_EQ(Str(h, {"object", "idletime", "missing"}), "(nil)");
}

// ----------------------------------------------------------------- FREQ

TEST(ObjectFreqTest, IsAnErrorWithoutAnLfuPolicy) {
  CommandHarness h;
  Str(h, {"set", "k", "v"});
  EXPECT_EQ(Str(h, {"object", "freq", "k"}),
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take "
            "some time to adjust.");
  EXPECT_EQ(Str(h, {"object", "freq", "missing"}), "(nil)");
}

TEST(ObjectFreqTest, StartsAtFiveAndCountsReadsButNotInspection) {
  CommandHarness h("maxmemory-policy allkeys-lfu\nlfu-log-factor 0\n");
  Str(h, {"set", "k", "v"});
  EXPECT_EQ(Str(h, {"object", "freq", "k"}), "5");
  Str(h, {"get", "k"});
  Str(h, {"get", "k"});
  Str(h, {"exists", "k"});
  Str(h, {"type", "k"});
  Str(h, {"ttl", "k"});
  EXPECT_EQ(Str(h, {"object", "freq", "k"}), "7");
  Str(h, {"touch", "k"});
  EXPECT_EQ(Str(h, {"object", "freq", "k"}), "8");
}

TEST(ObjectFreqTest, DecaysOnePerDecayPeriodWithoutAccess) {
  CommandHarness h("maxmemory-policy allkeys-lfu\nlfu-decay-time 1\n");
  Str(h, {"set", "k", "v"});
  h.AdvanceMillis(3 * 60 * 1000);
  EXPECT_EQ(Str(h, {"object", "freq", "k"}), "2");
}

TEST(ObjectFreqTest, PolicyChangesAtRuntimeSwitchBetweenFreqAndIdleTime) {
  CommandHarness h;
  Str(h, {"set", "k", "v"});
  Str(h, {"config", "set", "maxmemory-policy", "allkeys-lfu"});
  EXPECT_EQ(Str(h, {"object", "idletime", "k"}).substr(0, 28), "ERR An LFU maxmemory policy ");
  EXPECT_EQ(h.Run({"object", "freq", "k"}).type, Reply::Type::kInteger);
  Str(h, {"config", "set", "maxmemory-policy", "noeviction"});
  EXPECT_EQ(h.Run({"object", "idletime", "k"}).type, Reply::Type::kInteger);
}

// ----------------------------------------------------------------- HELP

TEST(ObjectHelpTest, ListsEverySubcommandAsStatusLines) {
  CommandHarness h;
  Reply r = h.Run({"object", "help"});
  ASSERT_EQ(r.type, Reply::Type::kArray);
  std::vector<std::string> headings;
  for (size_t i = 1; i < r.elements.size(); ++i) {
    EXPECT_EQ(r.elements[i].type, Reply::Type::kStatus);
    const std::string& line = r.elements[i].str;
    if (!line.empty() && line[0] != ' ') headings.push_back(line.substr(0, line.find(' ')));
  }
  EXPECT_EQ(r.elements[0].str, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(headings,
            (std::vector<std::string>{"ENCODING", "FREQ", "IDLETIME", "REFCOUNT", "HELP"}));
}

TEST(ObjectHelpTest, UnknownSubcommandNamesTheContainer) {
  CommandHarness h;
  EXPECT_EQ(Str(h, {"object", "Foo", "k"}), "ERR unknown subcommand 'Foo'. Try OBJECT HELP.");
}

}  // namespace
}  // namespace osprey::testing
