// What the hash-field expiry commands send to the AOF and replicas, as Redis
// 7.4 propagates them: relative times as HPEXPIREAT in absolute ms with only
// the fields that got the time, HDEL for every field removed because its
// time passed (by the command itself or by a command that met it), and
// HINCRBYFLOAT keeping a field's time across its HSET rewrite.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "keyspace/keyspace.h"
#include "server/propagation.h"
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

using Lines = std::vector<std::string>;

class HashExpirePropagationTest : public ::testing::Test {
 protected:
  HashExpirePropagationTest() : h_("enable-debug-command yes\n") {
    h_.server().propagation().AddSink(&sink_);
  }
  ~HashExpirePropagationTest() override { h_.server().propagation().RemoveSink(&sink_); }
  Lines Take() { return std::exchange(sink_.lines, {}); }
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  std::string At(int64_t ms_from_now) {
    return std::to_string(h_.clock().NowMillis() + ms_from_now);
  }

  CommandHarness h_;
  RecordingSink sink_;
};

// ------------------------------------------------------------ HEXPIRE family

TEST_F(HashExpirePropagationTest, RelativeTimesBecomeAbsoluteMilliseconds) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Take();
  EXPECT_EQ(Run({"hexpire", "h", "100", "FIELDS", "1", "a"}), "[1]");
  EXPECT_EQ(Run({"hpexpire", "h", "5000", "FIELDS", "1", "b"}), "[1]");
  EXPECT_EQ(Take(), (Lines{"0: HPEXPIREAT h " + At(100000) + " FIELDS 1 a",
                           "0: HPEXPIREAT h " + At(5000) + " FIELDS 1 b"}));
}

TEST_F(HashExpirePropagationTest, AbsoluteSecondsBecomeMilliseconds) {
  Run({"hset", "h", "a", "1"});
  Take();
  const int64_t sec = h_.clock().NowMillis() / 1000 + 500;
  Run({"hexpireat", "h", std::to_string(sec), "FIELDS", "1", "a"});
  Run({"hpexpireat", "h", std::to_string(sec * 1000 + 7), "FIELDS", "1", "a"});
  EXPECT_EQ(Take(), (Lines{"0: HPEXPIREAT h " + std::to_string(sec * 1000) + " FIELDS 1 a",
                           "0: HPEXPIREAT h " + std::to_string(sec * 1000 + 7) + " FIELDS 1 a"}));
}

TEST_F(HashExpirePropagationTest, OnlyTheFieldsThatGotTheTimeAreListed) {
  Run({"hset", "h", "f1", "v1", "f2", "v2"});
  Run({"hpexpire", "h", "20", "FIELDS", "1", "f1"});
  Take();
  // NX fails for f1 (it has a time), the third field does not exist.
  EXPECT_EQ(Run({"hpexpire", "h", "30", "nx", "FIELDS", "3", "f1", "f2", "nope"}), "[0, 1, -2]");
  EXPECT_EQ(Take(), (Lines{"0: HPEXPIREAT h " + At(30) + " nx FIELDS 1 f2"}));
}

TEST_F(HashExpirePropagationTest, NothingChangedIsNotPropagated) {
  Run({"hset", "h", "f1", "v1"});
  Take();
  EXPECT_EQ(Run({"hexpire", "h", "10", "XX", "FIELDS", "2", "f1", "nope"}), "[0, -2]");
  EXPECT_EQ(Run({"hexpire", "missing", "10", "FIELDS", "1", "f1"}), "[-2]");
  EXPECT_EQ(Run({"hexpire", "h", "10", "FIELDS", "2", "f1"}),
            "ERR The `numfields` parameter must match the number of arguments");
  EXPECT_EQ(Take(), Lines{});
}

TEST_F(HashExpirePropagationTest, TimeInThePastPropagatesHdelPerField) {
  Run({"hset", "h0", "x1", "y1", "x2", "y2"});
  Take();
  EXPECT_EQ(Run({"hexpireat", "h0", "1", "FIELDS", "3", "x1", "x2", "nope"}), "[2, 2, -2]");
  EXPECT_EQ(Run({"exists", "h0"}), "0");
  // The last HDEL deletes the key on replay: no DEL of its own.
  EXPECT_EQ(Take(), (Lines{"0: MULTI", "0: HDEL h0 x1", "0: HDEL h0 x2", "0: EXEC"}));
  Run({"hset", "h1", "a", "1", "b", "2"});
  Take();
  EXPECT_EQ(Run({"hpexpire", "h1", "0", "FIELDS", "1", "a"}), "[2]");
  EXPECT_EQ(Take(), (Lines{"0: HDEL h1 a"}));
}

TEST_F(HashExpirePropagationTest, FieldFoundExpiredOnTheWayIsDeletedFirst) {
  Run({"debug", "set-active-expire", "0"});
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hpexpire", "h", "10", "FIELDS", "1", "a"});
  Take();
  h_.AdvanceMillis(20);
  EXPECT_EQ(Run({"hpexpire", "h", "500", "FIELDS", "2", "a", "b"}), "[-2, 1]");
  EXPECT_EQ(Take(), (Lines{"0: MULTI", "0: HDEL h a", "0: HPEXPIREAT h " + At(500) + " FIELDS 1 b",
                           "0: EXEC"}));
}

TEST_F(HashExpirePropagationTest, HExpireInsideMultiKeepsItsRewrite) {
  Run({"hset", "h", "a", "1"});
  Take();
  Run({"multi"});
  Run({"hexpire", "h", "100", "FIELDS", "1", "a"});
  Run({"hset", "h", "b", "2"});
  Run({"exec"});
  EXPECT_EQ(Take(), (Lines{"0: MULTI", "0: HPEXPIREAT h " + At(100000) + " FIELDS 1 a",
                           "0: hset h b 2", "0: EXEC"}));
}

// ------------------------------------------------------------ HPERSIST

TEST_F(HashExpirePropagationTest, HPersistIsPropagatedOnlyWhenATimeWasRemoved) {
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hexpire", "h", "100", "FIELDS", "1", "a"});
  Take();
  EXPECT_EQ(Run({"hpersist", "h", "FIELDS", "1", "b"}), "[-1]");
  EXPECT_EQ(Run({"hpersist", "h", "FIELDS", "2", "a", "b"}), "[1, -1]");
  EXPECT_EQ(Take(), (Lines{"0: hpersist h FIELDS 2 a b"}));
}

// ------------------------------------------------------------ lazy expiry

TEST_F(HashExpirePropagationTest, ReadingAnExpiredFieldPropagatesHdel) {
  Run({"debug", "set-active-expire", "0"});
  Run({"hset", "h", "f1", "v1", "f2", "v2", "f3", "v3"});
  Run({"hpexpire", "h", "1", "NX", "FIELDS", "3", "f1", "f2", "f3"});
  Take();
  h_.AdvanceMillis(5);
  EXPECT_EQ(Run({"hexists", "h", "f1"}), "0");
  EXPECT_EQ(Run({"hget", "h", "f2"}), "(nil)");
  EXPECT_EQ(Run({"hstrlen", "h", "f3"}), "0");
  EXPECT_EQ(Run({"exists", "h"}), "0");
  EXPECT_EQ(Take(), (Lines{"0: HDEL h f1", "0: HDEL h f2", "0: HDEL h f3"}));
}

TEST_F(HashExpirePropagationTest, WholeHashReadsPropagateOneHdelPerExpiredField) {
  Run({"debug", "set-active-expire", "0"});
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  Run({"hpexpire", "h", "1", "FIELDS", "2", "a", "c"});
  Take();
  h_.AdvanceMillis(5);
  EXPECT_EQ(Run({"hgetall", "h"}), "[b, 2]");
  Lines got = Take();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got.front(), "0: MULTI");
  EXPECT_EQ(got.back(), "0: EXEC");
  std::sort(got.begin() + 1, got.end() - 1);
  EXPECT_EQ(got[1], "0: HDEL h a");
  EXPECT_EQ(got[2], "0: HDEL h c");
}

TEST_F(HashExpirePropagationTest, TableEncodedHashPropagatesItsExpiredFields) {
  Run({"debug", "set-active-expire", "0"});
  Run({"config", "set", "hash-max-listpack-entries", "2"});
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  Run({"hpexpire", "h", "1", "FIELDS", "1", "b"});
  Take();
  h_.AdvanceMillis(5);
  EXPECT_EQ(Run({"hlen", "h"}), "2");
  EXPECT_EQ(Take(), (Lines{"0: HDEL h b"}));
  EXPECT_EQ(Run({"hlen", "h"}), "2");
  EXPECT_EQ(Take(), Lines{});
}

TEST_F(HashExpirePropagationTest, HRandFieldDeletesAndPropagatesExpiredFields) {
  Run({"debug", "set-active-expire", "0"});
  Run({"hset", "h1", "f1", "v1", "f2", "v2"});
  Run({"hpexpire", "h1", "1", "FIELDS", "2", "f1", "f2"});
  Take();
  h_.AdvanceMillis(5);
  EXPECT_EQ(Run({"hrandfield", "h1", "2"}), "[]");
  Lines got = Take();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "0: MULTI");
  EXPECT_EQ(got[3], "0: EXEC");
}

TEST_F(HashExpirePropagationTest, WritingOverAnExpiredFieldDeletesItFirst) {
  Run({"debug", "set-active-expire", "0"});
  Run({"hset", "h", "a", "1", "b", "2"});
  Run({"hpexpire", "h", "1", "FIELDS", "1", "a"});
  Take();
  h_.AdvanceMillis(5);
  EXPECT_EQ(Run({"hsetnx", "h", "a", "new"}), "1");
  EXPECT_EQ(Take(), (Lines{"0: MULTI", "0: HDEL h a", "0: hsetnx h a new", "0: EXEC"}));
}

TEST_F(HashExpirePropagationTest, HDelOfOnlyExpiredFieldsStillReachesTheAof) {
  Run({"debug", "set-active-expire", "0"});
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  Run({"hpexpire", "h", "1", "FIELDS", "1", "a"});
  Take();
  h_.AdvanceMillis(5);
  EXPECT_EQ(Run({"hdel", "h", "a", "nope"}), "0");
  EXPECT_EQ(Run({"hdel", "h", "b"}), "1");
  EXPECT_EQ(Run({"hdel", "h", "nope"}), "0");
  EXPECT_EQ(Take(), (Lines{"0: hdel h a nope", "0: hdel h b"}));
}

TEST_F(HashExpirePropagationTest, NothingIsDeletedOrPropagatedWhileLoading) {
  // A server that keeps expired data (loading, a master's stream) neither
  // removes fields nor sends HDEL.
  Run({"hset", "h", "a", "1"});
  Run({"hpexpire", "h", "1", "FIELDS", "1", "a"});
  Take();
  h_.AdvanceMillis(5);
  keyspace::Keyspace& ks = h_.server().keyspace();
  const keyspace::ExpirePolicy before = ks.expire_policy();
  ks.set_expire_policy(keyspace::ExpirePolicy::kKeep);
  EXPECT_EQ(Run({"hget", "h", "a"}), "1");
  ks.set_expire_policy(before);
  EXPECT_EQ(Take(), Lines{});
}

// ------------------------------------------------------------ HINCRBYFLOAT

TEST_F(HashExpirePropagationTest, HIncrByFloatKeepsTheFieldTimeInItsRewrite) {
  Run({"hset", "h", "f", "1", "g", "1"});
  Run({"hpexpire", "h", "9000", "FIELDS", "1", "f"});
  Take();
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "0.5"}), "1.5");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "g", "0.5"}), "1.5");
  EXPECT_EQ(Take(),
            (Lines{"0: MULTI", "0: HSET h f 1.5", "0: HPEXPIREAT h " + At(9000) + " FIELDS 1 f",
                   "0: EXEC", "0: HSET h g 1.5"}));
}

TEST_F(HashExpirePropagationTest, HIncrByFloatErrorsAreNotPropagated) {
  Run({"hset", "h", "s", "text"});
  Take();
  EXPECT_EQ(Run({"hincrbyfloat", "h", "s", "1"}), "ERR hash value is not a float");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "s"}),
            "ERR wrong number of arguments for 'hincrbyfloat' command");
  EXPECT_EQ(Take(), Lines{});
}

// ------------------------------------------------------------ through the AOF

TEST_F(HashExpirePropagationTest, AofReplayRestoresTheSameFieldTimes) {
  const std::string name = "hash-expire-replay.aof";
  CommandHarness h("appendfilename " + name + "\nenable-debug-command yes\n");
  auto run = [&](std::vector<std::string_view> args) { return h.Run(std::move(args)).ToString(); };
  run({"debug", "set-active-expire", "0"});
  EXPECT_EQ(run({"config", "set", "appendonly", "yes"}), "OK");
  run({"hset", "h", "a", "1", "b", "2", "c", "3", "d", "4"});
  run({"hexpire", "h", "100", "FIELDS", "1", "a"});
  run({"hpexpire", "h", "50", "FIELDS", "1", "b"});
  run({"hpexpire", "h", "0", "FIELDS", "1", "c"});
  run({"hincrbyfloat", "h", "a", "2.5"});
  h.AdvanceMillis(60);
  EXPECT_EQ(run({"hget", "h", "b"}), "(nil)");  // lazily removed: HDEL
  const std::string before = run({"hpexpiretime", "h", "FIELDS", "4", "a", "b", "c", "d"});
  const std::string values = run({"hgetall", "h"});
  EXPECT_EQ(run({"debug", "loadaof"}), "OK");
  EXPECT_EQ(run({"hpexpiretime", "h", "FIELDS", "4", "a", "b", "c", "d"}), before);
  EXPECT_EQ(run({"hgetall", "h"}), values);
  EXPECT_EQ(run({"hlen", "h"}), "2");
  EXPECT_EQ(run({"config", "set", "appendonly", "no"}), "OK");
}

}  // namespace
}  // namespace osprey::testing
