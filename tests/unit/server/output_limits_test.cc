// client-output-buffer-limit: the hard/soft decision with its clock, and
// the enforcement on in-process clients (a slow subscriber is cut, the
// publisher is not held up, the right class's limit applies).
#include "server/output_limits.h"

#include <gtest/gtest.h>

#include <string>

#include "server/client.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using server::ClientBufferLimit;
using server::OutputLimitReached;

TEST(OutputLimitReachedTest, NoLimitsNeverCloses) {
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(ClientBufferLimit{}, 1ull << 40, 100, &since));
  EXPECT_EQ(since, 0);
}

TEST(OutputLimitReachedTest, HardLimitClosesAtOnce) {
  const ClientBufferLimit limit{1000, 0, 0};
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(limit, 999, 100, &since));
  EXPECT_TRUE(OutputLimitReached(limit, 1000, 100, &since));
}

TEST(OutputLimitReachedTest, SoftLimitClosesOnlyAfterItsSeconds) {
  const ClientBufferLimit limit{0, 1000, 3};
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(limit, 2000, 100, &since));  // starts the clock
  EXPECT_EQ(since, 100);
  EXPECT_FALSE(OutputLimitReached(limit, 2000, 103, &since));  // 3 s is not more than 3
  EXPECT_TRUE(OutputLimitReached(limit, 2000, 104, &since));
}

TEST(OutputLimitReachedTest, DroppingUnderTheSoftLimitStopsTheClock) {
  const ClientBufferLimit limit{0, 1000, 3};
  int64_t since = 0;
  OutputLimitReached(limit, 2000, 100, &since);
  EXPECT_FALSE(OutputLimitReached(limit, 10, 102, &since));
  EXPECT_EQ(since, 0);
  EXPECT_FALSE(OutputLimitReached(limit, 2000, 110, &since));  // a new clock
  EXPECT_EQ(since, 110);
}

TEST(OutputLimitReachedTest, ZeroSecondsClosesOnTheSecondLook) {
  const ClientBufferLimit limit{0, 1000, 0};
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(limit, 2000, 100, &since));
  EXPECT_FALSE(OutputLimitReached(limit, 2000, 100, &since));
  EXPECT_TRUE(OutputLimitReached(limit, 2000, 101, &since));
}

class EnforceOutputLimitTest : public ::testing::Test {
 protected:
  bool Enforce(size_t client) {
    return server::EnforceOutputLimit(h_.server(), h_.client(client), /*from_cron=*/false);
  }
  CommandHarness h_;
};

TEST_F(EnforceOutputLimitTest, SlowSubscriberPastTheHardLimitIsClosedAndMuted) {
  h_.Run({"config", "set", "client-output-buffer-limit", "pubsub 100000 0 0"});
  const size_t sub = h_.NewClient();
  h_.RunRaw({"subscribe", "c"}, sub);
  const std::string message(1000, 'x');
  // The subscriber never reads; the publisher keeps going regardless.
  for (int i = 0; i < 99; ++i) EXPECT_EQ(h_.Run({"publish", "c", message}).ToString(), "1");
  EXPECT_FALSE(Enforce(sub));
  for (int i = 0; i < 20; ++i) h_.Run({"publish", "c", message});
  EXPECT_TRUE(Enforce(sub));
  EXPECT_TRUE(h_.client(sub).has(server::kClientCloseAsap));
  EXPECT_TRUE(h_.client(sub).reply().muted());
  // Nothing more is added for a client being closed.
  const size_t before = h_.client(sub).output().size();
  h_.Run({"publish", "c", message});
  EXPECT_EQ(h_.client(sub).output().size(), before);
}

TEST_F(EnforceOutputLimitTest, NormalClientsUseTheNormalClass) {
  h_.Run({"config", "set", "client-output-buffer-limit", "pubsub 1000 0 0"});
  const size_t reader = h_.NewClient();
  // Built up without being sent: a normal client has no limit by default.
  for (int i = 0; i < 3; ++i) {
    h_.client(reader).reply().Bulk(std::string(50000, 'y'));
  }
  EXPECT_FALSE(Enforce(reader));
  h_.Run({"config", "set", "client-output-buffer-limit", "normal 100000 0 0"});
  EXPECT_TRUE(Enforce(reader));
}

TEST_F(EnforceOutputLimitTest, SoftLimitNeedsTimeWithTheFakeClock) {
  h_.Run({"config", "set", "client-output-buffer-limit", "pubsub 0 10000 2"});
  const size_t sub = h_.NewClient();
  h_.RunRaw({"subscribe", "c"}, sub);
  for (int i = 0; i < 40; ++i) h_.Run({"publish", "c", std::string(1000, 'x')});
  h_.client(sub).obuf_soft_limit_since_s = 0;
  EXPECT_FALSE(Enforce(sub));
  h_.AdvanceMillis(2000);
  h_.Run({"ping"});  // refreshes the server's cached time
  EXPECT_FALSE(Enforce(sub));
  h_.AdvanceMillis(1000);
  h_.Run({"ping"});
  EXPECT_TRUE(Enforce(sub));
}

TEST_F(EnforceOutputLimitTest, ClientWithNothingPendingIsLeftAlone) {
  h_.Run({"config", "set", "client-output-buffer-limit", "normal 1 1 0"});
  const size_t idle = h_.NewClient();
  EXPECT_FALSE(Enforce(idle));
  EXPECT_FALSE(h_.client(idle).has(server::kClientCloseAsap));
}

}  // namespace
}  // namespace osprey::testing
