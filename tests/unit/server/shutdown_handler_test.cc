// SHUTDOWN through the real dispatcher: option parsing, ABORT, and what a
// successful shutdown leaves behind (a request to stop, no reply, the
// caller's connection closing).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/client.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class ShutdownHandlerTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }

  CommandHarness h_;
};

TEST_F(ShutdownHandlerTest, RejectsUnknownWordsAndContradictions) {
  EXPECT_EQ(Run({"shutdown", "later"}), "ERR syntax error");
  EXPECT_EQ(Run({"shutdown", "save", "nosave"}), "ERR syntax error");
  EXPECT_EQ(Run({"shutdown", "abort", "now"}), "ERR syntax error");
  EXPECT_EQ(Run({"shutdown", "force", "abort"}), "ERR syntax error");
  EXPECT_FALSE(h_.server().shutdown_requested());
}

TEST_F(ShutdownHandlerTest, AbortWithoutAShutdownInProgressFails) {
  EXPECT_EQ(Run({"shutdown", "abort"}), "ERR No shutdown in progress.");
}

TEST_F(ShutdownHandlerTest, AbortWithdrawsASignalledShutdown) {
  h_.server().RequestShutdownFromSignal();
  EXPECT_EQ(Run({"shutdown", "ABORT"}), "OK");
  h_.Cron();
  EXPECT_FALSE(h_.server().shutdown_requested());
  EXPECT_EQ(Run({"shutdown", "abort"}), "ERR No shutdown in progress.");
}

TEST_F(ShutdownHandlerTest, ASignalledShutdownStartsAtTheNextCronUnlessPaused) {
  EXPECT_EQ(Run({"debug", "pause-cron", "1"}), "ERR DEBUG command not allowed. If the "
            "enable-debug-command option is set to \"local\", you can run it from a local "
            "connection, otherwise you need to set this option in the configuration file, and "
            "then restart the server.");
  CommandHarness h("enable-debug-command yes");
  h.server().RequestShutdownFromSignal();
  EXPECT_EQ(h.Run({"debug", "pause-cron", "1"}).ToString(), "OK");
  h.Cron();
  EXPECT_FALSE(h.server().shutdown_requested());
  EXPECT_EQ(h.Run({"debug", "pause-cron", "0"}).ToString(), "OK");
  h.Cron();
  EXPECT_TRUE(h.server().shutdown_requested());
}

TEST_F(ShutdownHandlerTest, SuccessSendsNoReplyAndClosesTheCaller) {
  const size_t c = h_.NewClient();
  EXPECT_EQ(h_.RunRaw({"shutdown", "nosave", "now", "force"}, c), "");
  EXPECT_TRUE(h_.server().shutdown_requested());
  EXPECT_TRUE(h_.client(c).has(server::kClientCloseAsap));
}

TEST_F(ShutdownHandlerTest, DefaultShutdownWithSavePointsSucceeds) {
  const size_t c = h_.NewClient();
  EXPECT_EQ(h_.RunRaw({"shutdown"}, c), "");
  EXPECT_TRUE(h_.server().shutdown_requested());
}

TEST_F(ShutdownHandlerTest, SaveShutdownSucceeds) {
  const size_t c = h_.NewClient();
  EXPECT_EQ(h_.RunRaw({"SHUTDOWN", "SAVE"}, c), "");
  EXPECT_TRUE(h_.server().shutdown_requested());
}

TEST_F(ShutdownHandlerTest, IsRefusedInsideMulti) {
  Run({"multi"});
  EXPECT_EQ(Run({"shutdown"}), "ERR Command not allowed inside a transaction");
  EXPECT_FALSE(h_.server().shutdown_requested());
}

}  // namespace
}  // namespace osprey::testing
