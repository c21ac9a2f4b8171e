// The propagation stream: which commands a write becomes, per command
// family (absolute expire times, results instead of increments, SREM for
// random pops, MULTI/EXEC around several effects, DEL for expiry).
#include "server/propagation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class RecordingSink final : public server::EffectSink {
 public:
  void Write(int db, std::span<const std::string> args) override {
    std::string line = std::to_string(db) + ":";
    for (const auto& a : args) line += " " + a;
    lines.push_back(line);
  }
  std::vector<std::string> lines;
};

class PropagationTest : public ::testing::Test {
 protected:
  PropagationTest() { h_.server().propagation().AddSink(&sink_); }
  ~PropagationTest() override { h_.server().propagation().RemoveSink(&sink_); }
  std::vector<std::string> Take() { return std::exchange(sink_.lines, {}); }
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }

  CommandHarness h_;
  RecordingSink sink_;
};

using Lines = std::vector<std::string>;

TEST_F(PropagationTest, WriteIsPropagatedAsReceived) {
  Run({"set", "k", "v"});
  Run({"rpush", "l", "a", "b"});
  EXPECT_EQ(Take(), (Lines{"0: set k v", "0: rpush l a b"}));
}

TEST_F(PropagationTest, ReadsAndNoOpWritesAreNotPropagated) {
  Run({"get", "k"});
  Run({"del", "missing"});
  Run({"set", "k", "v", "NX"});
  Run({"set", "k", "w", "NX"});
  Run({"lpush"});  // wrong arity
  EXPECT_EQ(Take(), (Lines{"0: set k v NX"}));
}

TEST_F(PropagationTest, CommandsRunInTheirDatabase) {
  Run({"select", "3"});
  Run({"set", "k", "v"});
  EXPECT_EQ(Take(), (Lines{"3: set k v"}));
}

TEST_F(PropagationTest, RelativeExpiresBecomeAbsolute) {
  const int64_t now = h_.clock().NowMillis();
  Run({"set", "k", "v"});
  Take();
  Run({"expire", "k", "100"});
  Run({"pexpire", "k", "5000", "LT"});
  Run({"expireat", "k", std::to_string(now / 1000 + 200)});
  EXPECT_EQ(Take(), (Lines{"0: PEXPIREAT k " + std::to_string(now + 100000),
                           "0: PEXPIREAT k " + std::to_string(now + 5000) + " LT",
                           "0: PEXPIREAT k " + std::to_string((now / 1000 + 200) * 1000)}));
}

TEST_F(PropagationTest, ExpireInThePastBecomesDel) {
  Run({"set", "k", "v"});
  Take();
  Run({"expire", "k", "-1"});
  EXPECT_EQ(Take(), (Lines{"0: DEL k"}));
}

TEST_F(PropagationTest, SetWithExpireBecomesSetPxat) {
  const std::string at = std::to_string(h_.clock().NowMillis() + 10000);
  Run({"set", "k", "v", "EX", "10"});
  Run({"setex", "k2", "10", "v"});
  Run({"psetex", "k3", "10000", "v"});
  EXPECT_EQ(Take(), (Lines{"0: SET k v PXAT " + at, "0: SET k2 v PXAT " + at,
                           "0: SET k3 v PXAT " + at}));
}

TEST_F(PropagationTest, SetGetDropsGetAndGetSetBecomesSet) {
  Run({"set", "k", "v", "GET"});
  Run({"getset", "k", "w"});
  EXPECT_EQ(Take(), (Lines{"0: set k v", "0: SET k w"}));
}

TEST_F(PropagationTest, GetExBecomesPexpireatPersistOrDel) {
  const int64_t now = h_.clock().NowMillis();
  Run({"set", "k", "v"});
  Take();
  Run({"getex", "k", "PX", "500"});
  Run({"getex", "k", "PERSIST"});
  Run({"getex", "k"});
  Run({"getex", "k", "PXAT", "1"});
  EXPECT_EQ(Take(), (Lines{"0: PEXPIREAT k " + std::to_string(now + 500), "0: PERSIST k",
                           "0: DEL k"}));
}

TEST_F(PropagationTest, IncrByFloatBecomesSetKeepTtl) {
  Run({"incrbyfloat", "f", "1.5"});
  Run({"hincrbyfloat", "h", "x", "2.25"});
  EXPECT_EQ(Take(), (Lines{"0: SET f 1.5 KEEPTTL", "0: HSET h x 2.25"}));
}

TEST_F(PropagationTest, SpopBecomesSremOrDel) {
  Run({"sadd", "s", "a"});
  Take();
  Run({"spop", "s"});
  EXPECT_EQ(Take(), (Lines{"0: SREM s a"}));
  Run({"sadd", "s", "a", "b", "c"});
  Take();
  Run({"spop", "s", "10"});
  EXPECT_EQ(Take(), (Lines{"0: DEL s"}));
}

TEST_F(PropagationTest, SpopWithCountIsWrappedSrems) {
  Run({"sadd", "s", "a", "b", "c", "d"});
  Take();
  Run({"spop", "s", "2"});
  const Lines got = Take();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "0: MULTI");
  EXPECT_EQ(got[1].rfind("0: SREM s ", 0), 0u);
  EXPECT_EQ(got[2].rfind("0: SREM s ", 0), 0u);
  EXPECT_NE(got[1], got[2]);
  EXPECT_EQ(got[3], "0: EXEC");
  EXPECT_EQ(Run({"scard", "s"}), "2");
}

TEST_F(PropagationTest, BlockingAndMultiKeyListPopsBecomePlainPops) {
  Run({"rpush", "l", "a", "b", "c", "d", "e"});
  Take();
  Run({"blpop", "none", "l", "0"});
  Run({"brpop", "l", "0"});
  Run({"lmpop", "2", "none", "l", "LEFT", "COUNT", "10"});
  EXPECT_EQ(Take(), (Lines{"0: LPOP l", "0: RPOP l", "0: LPOP l 3"}));
  Run({"rpush", "l", "a", "b"});
  Take();
  Run({"blmpop", "0", "1", "l", "RIGHT", "COUNT", "1"});
  Run({"blmove", "l", "m", "LEFT", "RIGHT", "0"});
  EXPECT_EQ(Take(), (Lines{"0: RPOP l 1", "0: LMOVE l m LEFT RIGHT"}));
  Run({"rpush", "l", "x"});
  Take();
  Run({"brpoplpush", "l", "m", "0"});
  EXPECT_EQ(Take(), (Lines{"0: RPOPLPUSH l m"}));
  Run({"lmpop", "1", "none", "LEFT"});
  EXPECT_EQ(Take(), Lines{});
}

TEST_F(PropagationTest, BlockedClientServedLaterIsPropagatedAfterThePush) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"blpop", "q", "0"});
  EXPECT_EQ(Take(), Lines{});
  Run({"rpush", "q", "job"});
  EXPECT_EQ(Take(), (Lines{"0: rpush q job", "0: LPOP q"}));
}

TEST_F(PropagationTest, SortedSetBlockingAndMultiKeyPopsBecomeZpop) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  Take();
  Run({"bzpopmin", "none", "z", "0"});
  Run({"bzpopmax", "z", "0"});
  Run({"zmpop", "1", "z", "MIN", "COUNT", "5"});
  EXPECT_EQ(Take(), (Lines{"0: ZPOPMIN z", "0: ZPOPMAX z", "0: ZPOPMIN z 2"}));
  Run({"zadd", "z", "1", "a"});
  Take();
  Run({"zpopmin", "z", "7"});
  EXPECT_EQ(Take(), (Lines{"0: zpopmin z 7"}));
}

TEST_F(PropagationTest, ExecIsWrappedWhenItWroteMoreThanOnce) {
  Run({"multi"});
  Run({"set", "a", "1"});
  Run({"get", "a"});
  Run({"incr", "a"});
  Run({"exec"});
  EXPECT_EQ(Take(), (Lines{"0: MULTI", "0: set a 1", "0: incr a", "0: EXEC"}));
  Run({"multi"});
  Run({"set", "b", "1"});
  Run({"exec"});
  EXPECT_EQ(Take(), (Lines{"0: set b 1"}));
  Run({"multi"});
  Run({"get", "b"});
  Run({"exec"});
  EXPECT_EQ(Take(), Lines{});
}

TEST_F(PropagationTest, LazyExpiryPropagatesDel) {
  Run({"set", "k", "v", "PX", "100"});
  Take();
  h_.AdvanceMillis(200);
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Take(), (Lines{"0: DEL k"}));
}

TEST_F(PropagationTest, LazyExpiryInsideAWriteIsWrappedWithIt) {
  Run({"set", "k", "v", "PX", "100"});
  Take();
  h_.AdvanceMillis(200);
  Run({"lpush", "k", "x"});
  EXPECT_EQ(Take(), (Lines{"0: MULTI", "0: DEL k", "0: lpush k x", "0: EXEC"}));
}

TEST_F(PropagationTest, LazyExpiryOfScanAndRandomKeyIsNotWrapped) {
  Run({"debug", "set-active-expire", "0"});
  Run({"set", "a", "1", "PX", "1"});
  Run({"set", "b", "1", "PX", "1"});
  Take();
  h_.AdvanceMillis(10);
  Run({"scan", "0"});
  Lines got = Take();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Lines{"0: DEL a", "0: DEL b"}));
  Run({"set", "c", "1", "PX", "1"});
  Run({"set", "d", "1", "PX", "1"});
  Take();
  h_.AdvanceMillis(10);
  Run({"randomkey"});
  got = Take();
  for (const auto& line : got) EXPECT_NE(line, "0: MULTI");
  EXPECT_FALSE(got.empty());
}

TEST_F(PropagationTest, FailedWritesAreNotPropagated) {
  Run({"set", "k", "v"});
  Take();
  EXPECT_EQ(h_.Run({"lpush", "k", "x"}).type, Reply::Type::kError);
  EXPECT_EQ(h_.Run({"incrbyfloat", "k", "1"}).type, Reply::Type::kError);
  EXPECT_EQ(h_.Run({"expire", "k", "abc"}).type, Reply::Type::kError);
  EXPECT_EQ(Take(), Lines{});
}

TEST_F(PropagationTest, FlushesArePropagatedEvenWhenEmpty) {
  Run({"flushall"});
  Run({"flushdb", "ASYNC"});
  EXPECT_EQ(h_.Run({"flushall", "bogus"}).type, Reply::Type::kError);
  EXPECT_EQ(Take(), (Lines{"0: flushall", "0: flushdb ASYNC"}));
}

TEST_F(PropagationTest, NothingIsCollectedWithoutSinks) {
  h_.server().propagation().RemoveSink(&sink_);
  Run({"set", "k", "v"});
  EXPECT_EQ(h_.server().propagation().pending(), 0u);
  h_.server().propagation().AddSink(&sink_);
  EXPECT_EQ(Take(), Lines{});
}

}  // namespace
}  // namespace osprey::testing
