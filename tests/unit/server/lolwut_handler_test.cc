// LOLWUT through the real dispatcher: Osprey's own art, then the version line.
#include <gtest/gtest.h>

#include <string>

#include "server/version.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

TEST(LolwutHandlerTest, EndsWithTheVersionLine) {
  CommandHarness h;
  const std::string line = std::string("Osprey ver. ") + server::kOspreyVersion + "\n";
  const std::string plain = h.Run({"lolwut"}).ToString();
  EXPECT_TRUE(EndsWith(plain, line)) << plain;
  EXPECT_GT(plain.size(), line.size());
  const std::string v5 = h.Run({"lolwut", "VERSION", "5"}).ToString();
  EXPECT_TRUE(EndsWith(v5, line)) << v5;
  EXPECT_NE(v5, plain);
  EXPECT_NE(v5, h.Run({"lolwut", "version", "6"}).ToString());
  // Extra arguments are ignored, as the versions' own parameters would be.
  EXPECT_TRUE(EndsWith(h.Run({"lolwut", "version", "5", "1", "2"}).ToString(), line));
  EXPECT_TRUE(EndsWith(h.Run({"lolwut", "whatever"}).ToString(), line));
}

TEST(LolwutHandlerTest, RejectsANonIntegerVersion) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"lolwut", "version", "x"}).ToString(),
            "ERR value is not an integer or out of range");
}

TEST(LolwutHandlerTest, IsVerbatimTextInResp3) {
  CommandHarness h;
  h.Run({"hello", "3"});
  EXPECT_EQ(h.Run({"lolwut"}).type, Reply::Type::kVerbatim);
}

}  // namespace
}  // namespace osprey::testing
