// SLOWLOG GET | LEN | RESET | HELP through the real dispatcher, with every
// command logged (slowlog-log-slower-than 0).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/client.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class SlowlogHandlersTest : public ::testing::Test {
 protected:
  SlowlogHandlersTest() : h_("slowlog-log-slower-than 0") {}
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }

  CommandHarness h_;
};

TEST_F(SlowlogHandlersTest, LenCountsLoggedCommandsAndResetClears) {
  EXPECT_EQ(Run({"slowlog", "len"}), "0");
  Run({"ping"});
  Run({"ping"});
  // The first LEN is logged too, once it has run.
  EXPECT_EQ(Run({"slowlog", "len"}), "3");
  EXPECT_EQ(Run({"slowlog", "reset"}), "OK");
  // RESET itself is logged once it has run.
  EXPECT_EQ(Run({"slowlog", "len"}), "1");
}

TEST_F(SlowlogHandlersTest, GetSendsNewestFirstInRedisLayout) {
  h_.client(0).set_name("alice");
  Run({"slowlog", "reset"});
  Run({"set", "k", "v"});
  Reply r = h_.Run({"slowlog", "get"});
  ASSERT_EQ(r.elements.size(), 2u);  // SET, then the RESET before it
  const Reply& e = r.elements[0];
  ASSERT_EQ(e.elements.size(), 6u);
  EXPECT_EQ(e.elements[0].type, Reply::Type::kInteger);
  EXPECT_EQ(e.elements[1].integer, 1'700'000'000);  // the fake clock's unix time
  EXPECT_GE(e.elements[2].integer, 0);
  EXPECT_EQ(e.elements[3].ToString(), "[set, k, v]");
  EXPECT_EQ(e.elements[4].str, "127.0.0.1:40000");
  EXPECT_EQ(e.elements[5].str, "alice");
  EXPECT_EQ(r.elements[1].elements[3].ToString(), "[slowlog, reset]");
  EXPECT_GT(e.elements[0].integer, r.elements[1].elements[0].integer);
}

TEST_F(SlowlogHandlersTest, GetCountLimitsAndMinusOneMeansAll) {
  for (int i = 0; i < 15; ++i) Run({"ping"});
  EXPECT_EQ(h_.Run({"slowlog", "get"}).elements.size(), 10u);
  EXPECT_EQ(h_.Run({"slowlog", "get", "3"}).elements.size(), 3u);
  EXPECT_EQ(h_.Run({"slowlog", "get", "0"}).elements.size(), 0u);
  EXPECT_EQ(h_.Run({"slowlog", "get", "-1"}).elements.size(), 18u);
}

TEST_F(SlowlogHandlersTest, GetRejectsBadCounts) {
  const std::string error = "ERR count should be greater than or equal to -1";
  EXPECT_EQ(Run({"slowlog", "get", "-2"}), error);
  EXPECT_EQ(Run({"slowlog", "get", "x"}), error);
  EXPECT_EQ(Run({"slowlog", "get", "1", "2"}),
            "ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.");
}

TEST_F(SlowlogHandlersTest, WrongArityAndUnknownSubcommands) {
  EXPECT_EQ(Run({"slowlog", "len", "x"}),
            "ERR wrong number of arguments for 'slowlog|len' command");
  EXPECT_EQ(Run({"slowlog", "reset", "x"}),
            "ERR wrong number of arguments for 'slowlog|reset' command");
  EXPECT_EQ(Run({"slowlog", "nope"}), "ERR unknown subcommand 'nope'. Try SLOWLOG HELP.");
  EXPECT_EQ(Run({"slowlog"}), "ERR wrong number of arguments for 'slowlog' command");
}

TEST_F(SlowlogHandlersTest, HelpListsTheSubcommands) {
  Reply r = h_.Run({"slowlog", "help"});
  ASSERT_GE(r.elements.size(), 5u);
  EXPECT_EQ(r.elements[0].str, "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(r.elements[1].str, "GET [<count>]");
  EXPECT_EQ(r.elements.back().str, "    Prints this help.");
}

}  // namespace
}  // namespace osprey::testing
