// FUNCTION FLUSH before scripting exists: syntax checked, then OK.
#include <gtest/gtest.h>

#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

TEST(FunctionHandlersTest, FlushAnswersOkForEachMode) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"function", "flush"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"function", "flush", "ASYNC"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"function", "flush", "sync"}).ToString(), "OK");
}

TEST(FunctionHandlersTest, FlushCountsAsAChange) {
  CommandHarness h;
  const uint64_t before = h.server().stats().dirty;
  h.Run({"function", "flush"});
  EXPECT_EQ(h.server().stats().dirty, before + 1);
}

TEST(FunctionHandlersTest, FlushRejectsBadOptions) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"function", "flush", "now"}).ToString(),
            "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  EXPECT_EQ(h.Run({"function", "flush", "sync", "x"}).ToString(),
            "ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.");
}

}  // namespace
}  // namespace osprey::testing
