// EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME
// PEXPIRETIME PERSIST, with a fake clock: times are exact.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "handlers/keyspace_events.h"
#include "keyspace/keyspace.h"
#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr int64_t kNowMs = 1'700'000'000'000;  // the harness clock's start
const std::string kMax = "9223372036854775807";
const std::string kMin = "-9223372036854775808";

class ExpireHandlersTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  uint64_t Dirty() { return h_.server().stats().dirty; }
  size_t DbSize() { return h_.server().keyspace().db(0).size(); }

  CommandHarness h_;
};

// ---------------------------------------------------- EXPIRE and friends

TEST_F(ExpireHandlersTest, ExpireSetsATtlInSeconds) {
  Run({"set", "k", "v"});
  EXPECT_EQ(h_.RunRaw({"expire", "k", "100"}), ":1\r\n");
  EXPECT_EQ(Run({"ttl", "k"}), "100");
  EXPECT_EQ(Run({"pttl", "k"}), "100000");
  EXPECT_EQ(Run({"pexpiretime", "k"}), std::to_string(kNowMs + 100000));
}

TEST_F(ExpireHandlersTest, PExpireSetsATtlInMilliseconds) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"pexpire", "k", "1234"}), "1");
  EXPECT_EQ(Run({"pttl", "k"}), "1234");
}

TEST_F(ExpireHandlersTest, ExpireAtAndPExpireAtSetAbsoluteTimes) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"expireat", "k", "1800000000"}), "1");
  EXPECT_EQ(Run({"pexpiretime", "k"}), "1800000000000");
  EXPECT_EQ(Run({"pexpireat", "k", "1800000000123"}), "1");
  EXPECT_EQ(Run({"pexpiretime", "k"}), "1800000000123");
}

TEST_F(ExpireHandlersTest, ExpireOfMissingKeyReturnsZero) {
  for (std::string_view cmd : {"expire", "pexpire", "expireat", "pexpireat"}) {
    EXPECT_EQ(Run({cmd, "missing", "100"}), "0") << cmd;
  }
}

TEST_F(ExpireHandlersTest, ExpireReplacesAnExistingTtl) {
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(Run({"expire", "k", "500"}), "1");
  EXPECT_EQ(Run({"ttl", "k"}), "500");
}

TEST_F(ExpireHandlersTest, KeyDisappearsOnceTheClockPassesItsExpireTime) {
  Run({"set", "k", "v"});
  Run({"pexpire", "k", "100"});
  h_.AdvanceMillis(100);
  EXPECT_EQ(Run({"get", "k"}), "v");  // alive at its very expire time, as in Redis
  h_.AdvanceMillis(1);
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"ttl", "k"}), "-2");
}

TEST_F(ExpireHandlersTest, ActiveExpiryRemovesKeysNobodyReadsAndNotifiesExpired) {
  KeyspaceEvents events(h_);
  for (int i = 0; i < 10; ++i) Run({"set", "k" + std::to_string(i), "v", "px", "10"});
  events.Take();
  h_.AdvanceMillis(20);
  for (int i = 0; i < 20 && DbSize() > 0; ++i) h_.Cron();
  EXPECT_EQ(DbSize(), 0u);
  EXPECT_EQ(events.Take().size(), 10u);
}

TEST_F(ExpireHandlersTest, ExpireWorksOnKeysOfAnyEncoding) {
  Run({"set", "int", "1"});
  Run({"set", "heap", std::string(1000, 'x')});
  Run({"set", "raw", "a"});
  Run({"append", "raw", "x"});
  for (std::string_view k : {"int", "heap", "raw"}) {
    EXPECT_EQ(Run({"pexpire", k, "50"}), "1");
    EXPECT_EQ(Run({"pttl", k}), "50");
  }
}

// --------------------------------------------------------- past times

TEST_F(ExpireHandlersTest, ExpireInThePastDeletesTheKeyAndReturnsOne) {
  struct Case {
    std::string_view cmd, value;
  };
  for (Case c :
       {Case{"expire", "0"}, Case{"expire", "-1"}, Case{"pexpire", "0"}, Case{"pexpire", "-100"},
        Case{"expireat", "1"}, Case{"pexpireat", "1000"}, Case{"pexpire", kMin}}) {
    Run({"set", "k", "v"});
    EXPECT_EQ(Run({c.cmd, "k", c.value}), "1") << c.cmd << " " << c.value;
    EXPECT_EQ(Run({"exists", "k"}), "0") << c.cmd << " " << c.value;
  }
}

TEST_F(ExpireHandlersTest, ExpireAtExactlyNowDeletesTheKey) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"pexpireat", "k", std::to_string(kNowMs)}), "1");
  EXPECT_EQ(DbSize(), 0u);
}

TEST_F(ExpireHandlersTest, ExpireInThePastNotifiesDelNotExpired) {
  KeyspaceEvents events(h_);
  Run({"set", "k", "v"});
  events.Take();
  uint64_t before = Dirty();
  Run({"expire", "k", "-5"});
  EXPECT_EQ(events.Take(), (Strings{"del k@0"}));
  EXPECT_EQ(Dirty() - before, 1u);
}

TEST_F(ExpireHandlersTest, ExpireNotifiesExpireAndCountsOneDirty) {
  KeyspaceEvents events(h_);
  Run({"set", "k", "v"});
  events.Take();
  uint64_t before = Dirty();
  Run({"expire", "k", "100"});
  EXPECT_EQ(events.Take(), (Strings{"expire k@0"}));
  EXPECT_EQ(Dirty() - before, 1u);
}

TEST_F(ExpireHandlersTest, ExpireInvalidatesAWatch) {
  size_t other = h_.NewClient();
  Run({"set", "k", "v"});
  Run({"watch", "k"});
  h_.RunOn(other, {"expire", "k", "100"});
  Run({"multi"});
  Run({"ping"});
  EXPECT_EQ(Run({"exec"}), "(nil)");
}

// ------------------------------------------------------------ overflow

TEST_F(ExpireHandlersTest, ExpireTimesThatOverflowAreRejected) {
  struct Case {
    std::string_view cmd;
    std::string value;
  };
  Run({"set", "k", "v"});
  for (const Case& c :
       {Case{"expire", kMax}, Case{"expire", "9223372036854775"}, Case{"expire", kMin},
        Case{"expire", "-9223372036854776"}, Case{"pexpire", kMax},
        Case{"pexpire", "9223372036854774807"}, Case{"expireat", kMax},
        Case{"expireat", "9223372036854776"}, Case{"expireat", kMin}}) {
    EXPECT_EQ(Run({c.cmd, "k", c.value}),
              "ERR invalid expire time in '" + std::string(c.cmd) + "' command")
        << c.value;
  }
  EXPECT_EQ(Run({"ttl", "k"}), "-1");
}

TEST_F(ExpireHandlersTest, OverflowIsReportedEvenForAMissingKey) {
  EXPECT_EQ(Run({"expire", "missing", kMax}), "ERR invalid expire time in 'expire' command");
}

TEST_F(ExpireHandlersTest, ExtremeTimesThatDoNotOverflowAreAccepted) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"pexpireat", "k", kMax}), "1");
  EXPECT_EQ(Run({"pexpiretime", "k"}), kMax);
  EXPECT_EQ(Run({"expireat", "k", "9223372036854775"}), "1");
  EXPECT_EQ(Run({"pexpiretime", "k"}), "9223372036854775000");
  EXPECT_EQ(Run({"expire", "k", "-9223372036854775"}), "1");
  EXPECT_EQ(Run({"exists", "k"}), "0");
}

TEST_F(ExpireHandlersTest, NonIntegerTimesAreRejected) {
  Run({"set", "k", "v"});
  for (std::string_view v : {"abc", "1.5", "", " 1", "+1", "9223372036854775808"}) {
    EXPECT_EQ(Run({"expire", "k", v}), "ERR value is not an integer or out of range") << v;
  }
}

// ------------------------------------------------------- NX XX GT LT

TEST_F(ExpireHandlersTest, NxAppliesOnlyWithoutATtl) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"expire", "k", "100", "nx"}), "1");
  EXPECT_EQ(Run({"expire", "k", "200", "NX"}), "0");
  EXPECT_EQ(Run({"ttl", "k"}), "100");
}

TEST_F(ExpireHandlersTest, XxAppliesOnlyWithATtl) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"expire", "k", "100", "xx"}), "0");
  EXPECT_EQ(Run({"ttl", "k"}), "-1");
  Run({"expire", "k", "100"});
  EXPECT_EQ(Run({"expire", "k", "50", "xx"}), "1");
  EXPECT_EQ(Run({"ttl", "k"}), "50");
}

TEST_F(ExpireHandlersTest, GtAppliesOnlyToALaterTimeAndNeverWithoutATtl) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"expire", "k", "100", "gt"}), "0");
  Run({"expire", "k", "100"});
  EXPECT_EQ(Run({"expire", "k", "100", "gt"}), "0");
  EXPECT_EQ(Run({"expire", "k", "50", "gt"}), "0");
  EXPECT_EQ(Run({"expire", "k", "150", "gt"}), "1");
  EXPECT_EQ(Run({"ttl", "k"}), "150");
}

TEST_F(ExpireHandlersTest, LtAppliesToAnEarlierTimeOrAKeyWithoutTtl) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"expire", "k", "100", "lt"}), "1");
  EXPECT_EQ(Run({"expire", "k", "100", "lt"}), "0");
  EXPECT_EQ(Run({"expire", "k", "150", "lt"}), "0");
  EXPECT_EQ(Run({"expire", "k", "50", "lt"}), "1");
  EXPECT_EQ(Run({"ttl", "k"}), "50");
}

TEST_F(ExpireHandlersTest, NegativeTimeWithGtFailsAndWithLtDeletes) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"expire", "k", "-1", "gt"}), "0");
  EXPECT_EQ(Run({"exists", "k"}), "1");
  EXPECT_EQ(Run({"expire", "k", "-1", "lt"}), "1");
  EXPECT_EQ(Run({"exists", "k"}), "0");
}

TEST_F(ExpireHandlersTest, OptionsMayRepeatAndCombineXxWithGtOrLt) {
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(Run({"expire", "k", "200", "gt", "GT", "xx"}), "1");
  EXPECT_EQ(Run({"expire", "k", "150", "xx", "lt"}), "1");
  EXPECT_EQ(Run({"ttl", "k"}), "150");
}

TEST_F(ExpireHandlersTest, NxWithAnyOtherConditionIsRejected) {
  Run({"set", "k", "v"});
  for (std::vector<std::string_view> opts :
       {std::vector<std::string_view>{"nx", "xx"}, {"xx", "nx"}, {"nx", "gt"}, {"lt", "nx"}}) {
    std::vector<std::string_view> args = {"expire", "k", "100"};
    args.insert(args.end(), opts.begin(), opts.end());
    EXPECT_EQ(Run(args), "ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  EXPECT_EQ(Run({"ttl", "k"}), "-1");
}

TEST_F(ExpireHandlersTest, GtWithLtIsRejected) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"pexpire", "k", "100", "gt", "lt"}),
            "ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(Run({"pexpire", "k", "100", "xx", "gt", "lt"}),
            "ERR GT and LT options at the same time are not compatible");
}

TEST_F(ExpireHandlersTest, UnknownOptionIsRejectedByName) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"expire", "k", "100", "foo"}), "ERR Unsupported option foo");
  EXPECT_EQ(Run({"expire", "k", "100", "nx", "Bar"}), "ERR Unsupported option Bar");
  EXPECT_EQ(Run({"expire", "k", "100", std::string_view("a\0b", 3)}), "ERR Unsupported option a");
}

TEST_F(ExpireHandlersTest, OptionsAreCheckedBeforeTheTimeAndTheKey) {
  EXPECT_EQ(Run({"expire", "missing", "abc", "foo"}), "ERR Unsupported option foo");
  EXPECT_EQ(Run({"expire", "missing", "abc", "nx", "xx"}),
            "ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(Run({"expire", "missing", "abc"}), "ERR value is not an integer or out of range");
}

// ------------------------------------------------------- TTL and friends

TEST_F(ExpireHandlersTest, TtlFamilyReturnsMinusTwoForAMissingKey) {
  for (std::string_view cmd : {"ttl", "pttl", "expiretime", "pexpiretime"}) {
    EXPECT_EQ(Run({cmd, "missing"}), "-2") << cmd;
  }
}

TEST_F(ExpireHandlersTest, TtlFamilyReturnsMinusOneWithoutAnExpire) {
  Run({"set", "k", "v"});
  for (std::string_view cmd : {"ttl", "pttl", "expiretime", "pexpiretime"}) {
    EXPECT_EQ(Run({cmd, "k"}), "-1") << cmd;
  }
}

TEST_F(ExpireHandlersTest, TtlRoundsToTheNearestSecond) {
  Run({"set", "a", "v", "px", "1499"});
  Run({"set", "b", "v", "px", "1500"});
  Run({"set", "c", "v", "px", "499"});
  EXPECT_EQ(Run({"ttl", "a"}), "1");
  EXPECT_EQ(Run({"ttl", "b"}), "2");
  EXPECT_EQ(Run({"ttl", "c"}), "0");
}

TEST_F(ExpireHandlersTest, TtlCountsDownWithTheClock) {
  Run({"set", "k", "v", "px", "5000"});
  h_.AdvanceMillis(1234);
  EXPECT_EQ(Run({"pttl", "k"}), "3766");
  EXPECT_EQ(Run({"ttl", "k"}), "4");
}

TEST_F(ExpireHandlersTest, ExpireTimeRoundsMillisecondsToTheNearestSecond) {
  Run({"set", "k", "v"});
  Run({"pexpireat", "k", "33177117420499"});
  EXPECT_EQ(Run({"expiretime", "k"}), "33177117420");
  Run({"pexpireat", "k", "33177117420500"});
  EXPECT_EQ(Run({"expiretime", "k"}), "33177117421");
}

TEST_F(ExpireHandlersTest, TtlIsNotAnAccess) {
  Run({"set", "k", "v", "ex", "100"});
  h_.AdvanceMillis(3000);
  Run({"ttl", "k"});
  Run({"pexpiretime", "k"});
  EXPECT_EQ(Run({"object", "idletime", "k"}), "3");
}

// -------------------------------------------------------------- PERSIST

TEST_F(ExpireHandlersTest, PersistRemovesTheTtl) {
  Run({"set", "k", "v", "px", "100"});
  EXPECT_EQ(Run({"persist", "k"}), "1");
  EXPECT_EQ(Run({"ttl", "k"}), "-1");
  h_.AdvanceMillis(200);
  EXPECT_EQ(Run({"get", "k"}), "v");
}

TEST_F(ExpireHandlersTest, PersistReturnsZeroWithoutATtlOrAKey) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"persist", "k"}), "0");
  EXPECT_EQ(Run({"persist", "missing"}), "0");
}

TEST_F(ExpireHandlersTest, PersistNotifiesPersistOnlyWhenItChangesSomething) {
  KeyspaceEvents events(h_);
  Run({"set", "k", "v", "ex", "100"});
  events.Take();
  uint64_t before = Dirty();
  Run({"persist", "k"});
  Run({"persist", "k"});
  EXPECT_EQ(events.Take(), (Strings{"persist k@0"}));
  EXPECT_EQ(Dirty() - before, 1u);
}

}  // namespace
}  // namespace osprey::testing
