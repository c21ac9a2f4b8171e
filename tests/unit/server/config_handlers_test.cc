// CONFIG through the real dispatcher: what depends on the calling client.
#include <gtest/gtest.h>

#include "testing/command_harness.h"

namespace osprey::testing {
namespace {


constexpr const char* kRefused =
    "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected "
    "config";

TEST(ConfigHandlersTest, ProtectedDirectiveRefusedByDefault) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"config", "set", "dbfilename", "x.rdb"}).str, kRefused);
}

TEST(ConfigHandlersTest, LocalClientMaySetProtectedDirectiveWhenLocalIsAllowed) {
  CommandHarness h("enable-protected-configs local");
  // The harness's clients connect from 127.0.0.1.
  EXPECT_EQ(h.Run({"config", "set", "dbfilename", "x.rdb"}).str, "OK");
  EXPECT_EQ(h.Run({"config", "get", "dbfilename"}).ToString(), "[dbfilename, x.rdb]");
}

}  // namespace
}  // namespace osprey::testing
