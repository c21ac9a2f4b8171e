// The sorted-set commands through the real dispatcher (CommandHarness), one
// sentence-named case per behaviour, grouped by command. Expected replies,
// errors, encodings and events are what Redis 7.0.15 gives for the same
// commands.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "handlers/keyspace_events.h"
#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Events = std::vector<std::string>;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kNotFloat = "ERR value is not a valid float";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";

std::string Str(CommandHarness& h, std::vector<std::string_view> args) {
  return h.Run(std::move(args)).ToString();
}

std::string Encoding(CommandHarness& h, std::string_view key) {
  return Str(h, {"object", "encoding", key});
}

uint64_t Dirty(CommandHarness& h) { return h.server().stats().dirty; }

// ------------------------------------------------------------------ ZADD

TEST(ZAddCommandTest, AddsMembersAndCountsOnlyNewOnes) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"zadd", "z", "1", "a", "2", "b"}).integer, 2);
  EXPECT_EQ(h.Run({"zadd", "z", "3", "a", "4", "c"}).integer, 1);
  EXPECT_EQ(Str(h, {"zrange", "z", "0", "-1", "withscores"}), "[b, 2, a, 3, c, 4]");
}

TEST(ZAddCommandTest, ChCountsChangedScoresToo) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(h.Run({"zadd", "z", "ch", "2", "a", "1", "b", "1", "b"}).integer, 2);
}

TEST(ZAddCommandTest, NxOnlyAddsAndXxOnlyUpdates) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(h.Run({"zadd", "z", "nx", "5", "a", "2", "b"}).integer, 1);
  EXPECT_EQ(h.Run({"zadd", "z", "xx", "ch", "7", "a", "3", "c"}).integer, 1);
  EXPECT_EQ(Str(h, {"zrange", "z", "0", "-1", "withscores"}), "[b, 2, a, 7]");
}

TEST(ZAddCommandTest, GtAndLtOnlyMoveScoresOneWay) {
  CommandHarness h;
  h.Run({"zadd", "z", "5", "a"});
  EXPECT_EQ(h.Run({"zadd", "z", "gt", "ch", "4", "a"}).integer, 0);
  EXPECT_EQ(h.Run({"zadd", "z", "gt", "ch", "6", "a"}).integer, 1);
  EXPECT_EQ(h.Run({"zadd", "z", "lt", "ch", "7", "a", "1", "new"}).integer, 1);
  EXPECT_EQ(Str(h, {"zscore", "z", "a"}), "6");
}

TEST(ZAddCommandTest, IncompatibleOptionsAreRejectedBeforeAnyChange) {
  CommandHarness h;
  EXPECT_EQ(Str(h, {"zadd", "z", "nx", "xx", "1", "a"}),
            "ERR XX and NX options at the same time are not compatible");
  EXPECT_EQ(Str(h, {"zadd", "z", "gt", "lt", "1", "a"}),
            "ERR GT, LT, and/or NX options at the same time are not compatible");
  EXPECT_EQ(Str(h, {"zadd", "z", "nx", "gt", "1", "a"}),
            "ERR GT, LT, and/or NX options at the same time are not compatible");
  EXPECT_EQ(Str(h, {"zadd", "z", "incr", "1", "a", "2", "b"}),
            "ERR INCR option supports a single increment-element pair");
  EXPECT_EQ(Str(h, {"zadd", "z", "1", "a", "2"}), kSyntax);
  EXPECT_EQ(Str(h, {"zadd", "z", "nx", "ch"}), kSyntax);
  EXPECT_EQ(h.Run({"exists", "z"}).integer, 0);
}

TEST(ZAddCommandTest, EveryScoreIsCheckedBeforeAnythingIsAdded) {
  CommandHarness h;
  EXPECT_EQ(Str(h, {"zadd", "z", "1", "a", "x", "b"}), kNotFloat);
  EXPECT_EQ(Str(h, {"zadd", "z", "nan", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"exists", "z"}).integer, 0);
}

TEST(ZAddCommandTest, IncrRepliesTheNewScoreOrNilWhenSkipped) {
  CommandHarness h;
  EXPECT_EQ(Str(h, {"zadd", "z", "incr", "1.5", "a"}), "1.5");
  EXPECT_EQ(Str(h, {"zadd", "z", "incr", "1", "a"}), "2.5");
  EXPECT_TRUE(h.Run({"zadd", "z", "nx", "incr", "1", "a"}).is_null());
  EXPECT_TRUE(h.Run({"zadd", "nokey", "xx", "incr", "1", "a"}).is_null());
  EXPECT_EQ(h.Run({"exists", "nokey"}).integer, 0);
}

TEST(ZAddCommandTest, NanResultIsAnErrorAndChangesNothing) {
  CommandHarness h;
  h.Run({"zadd", "z", "inf", "a"});
  EXPECT_EQ(Str(h, {"zadd", "z", "incr", "-inf", "a"}),
            "ERR resulting score is not a number (NaN)");
  EXPECT_EQ(Str(h, {"zscore", "z", "a"}), "inf");
}

TEST(ZAddCommandTest, WrongTypeKeyIsRefused) {
  CommandHarness h;
  h.Run({"set", "s", "v"});
  EXPECT_EQ(Str(h, {"zadd", "s", "1", "a"}), kWrongType);
}

TEST(ZAddCommandTest, ReportsNewAndZaddEventsAndDirty) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEAn");
  const uint64_t dirty = Dirty(h);
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  h.Run({"zadd", "z", "1", "a"});  // no change: no event
  EXPECT_EQ(ev.Take(), (Events{"new z@0", "zadd z@0"}));
  EXPECT_EQ(Dirty(h), dirty + 2);
}

TEST(ZAddCommandTest, ScoresReplyWithSeventeenDigits) {
  CommandHarness h;
  h.Run({"zadd", "z", "1.1", "a"});
  EXPECT_EQ(h.RunRaw({"zscore", "z", "a"}), "$18\r\n1.1000000000000001\r\n");
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"zscore", "z", "a"}), ",1.1000000000000001\r\n");
}

// ------------------------------------------------------------------ encodings

TEST(ZSetEncodingTest, ListpackUntilEntriesPassTheLimit) {
  CommandHarness h;
  h.Run({"config", "set", "zset-max-listpack-entries", "2"});
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(Encoding(h, "z"), "listpack");
  h.Run({"zadd", "z", "3", "c"});
  EXPECT_EQ(Encoding(h, "z"), "skiplist");
  h.Run({"zrem", "z", "a", "b"});
  EXPECT_EQ(Encoding(h, "z"), "skiplist");
}

TEST(ZSetEncodingTest, SkiplistFromTheStartForALongFirstMember) {
  CommandHarness h;
  h.Run({"config", "set", "zset-max-listpack-value", "3"});
  h.Run({"zadd", "z", "1", "abcd"});
  EXPECT_EQ(Encoding(h, "z"), "skiplist");
  h.Run({"zadd", "y", "1", "abc"});
  EXPECT_EQ(Encoding(h, "y"), "listpack");
  h.Run({"zadd", "y", "1", "abcde"});
  EXPECT_EQ(Encoding(h, "y"), "skiplist");
}

TEST(ZSetEncodingTest, StoredResultsGetTheEncodingOfTheirSize) {
  CommandHarness h;
  h.Run({"config", "set", "zset-max-listpack-entries", "2"});
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Encoding(h, "z"), "skiplist");
  h.Run({"zrangestore", "d", "z", "0", "1"});
  EXPECT_EQ(Encoding(h, "d"), "listpack");
  h.Run({"zunionstore", "u", "1", "z"});
  EXPECT_EQ(Encoding(h, "u"), "skiplist");
  h.Run({"zinterstore", "i", "2", "z", "d"});
  EXPECT_EQ(Encoding(h, "i"), "listpack");
}

TEST(ZSetEncodingTest, GenericCommandsWorkOnSortedSets) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(Str(h, {"type", "z"}), "zset");
  EXPECT_EQ(h.Run({"copy", "z", "c"}).integer, 1);
  EXPECT_EQ(Str(h, {"zrange", "c", "0", "-1", "withscores"}), "[a, 1, b, 2]");
  EXPECT_EQ(Str(h, {"rename", "c", "r"}), "OK");
  EXPECT_EQ(h.Run({"move", "r", "1"}).integer, 1);
  EXPECT_EQ(Str(h, {"scan", "0", "type", "zset"}), "[0, [z]]");
  EXPECT_GT(h.Run({"memory", "usage", "z"}).integer, 0);
}

TEST(ZSetEncodingTest, DigestCoversMembersAndScores) {
  CommandHarness h("enable-debug-command yes");
  h.Run({"zadd", "a", "1", "x", "2", "y"});
  h.Run({"zadd", "b", "1", "x", "2", "y"});
  EXPECT_EQ(Str(h, {"debug", "digest-value", "a"}), Str(h, {"debug", "digest-value", "b"}));
  h.Run({"zadd", "b", "3", "y"});
  EXPECT_NE(Str(h, {"debug", "digest-value", "a"}), Str(h, {"debug", "digest-value", "b"}));
}

// ------------------------------------------------------------------ ZINCRBY

TEST(ZIncrByCommandTest, AddsToTheScoreFromZero) {
  CommandHarness h;
  EXPECT_EQ(Str(h, {"zincrby", "z", "2", "a"}), "2");
  EXPECT_EQ(Str(h, {"zincrby", "z", "-0.5", "a"}), "1.5");
  EXPECT_EQ(Str(h, {"zincrby", "z", "x", "a"}), kNotFloat);
}

TEST(ZIncrByCommandTest, ReportsZincrEvent) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEAn");
  h.Run({"zincrby", "z", "1", "a"});
  EXPECT_EQ(ev.Take(), (Events{"new z@0", "zincr z@0"}));
}

// ------------------------------------------------------------------ ZREM

TEST(ZRemCommandTest, RemovesMembersAndDeletesTheEmptyKey) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"zrem", "z", "a", "nosuch"}).integer, 1);
  EXPECT_EQ(h.Run({"zrem", "z", "b", "a"}).integer, 1);
  EXPECT_EQ(h.Run({"exists", "z"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"zrem z@0", "zrem z@0", "del z@0"}));
  EXPECT_EQ(h.Run({"zrem", "z", "a"}).integer, 0);
}

// ------------------------------------------------------------------ reads

TEST(ZSetReadCommandsTest, MissingKeysReadAsEmpty) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"zcard", "z"}).integer, 0);
  EXPECT_TRUE(h.Run({"zscore", "z", "a"}).is_null());
  EXPECT_TRUE(h.Run({"zrank", "z", "a"}).is_null());
  EXPECT_EQ(Str(h, {"zmscore", "z", "a", "b"}), "[(nil), (nil)]");
  EXPECT_EQ(h.Run({"zcount", "z", "-inf", "+inf"}).integer, 0);
  EXPECT_EQ(Str(h, {"zrange", "z", "0", "-1"}), "[]");
}

TEST(ZSetReadCommandsTest, RanksCountFromEitherEnd) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"zrank", "z", "b"}).integer, 1);
  EXPECT_EQ(h.Run({"zrevrank", "z", "a"}).integer, 2);
  EXPECT_TRUE(h.Run({"zrank", "z", "x"}).is_null());
}

TEST(ZSetReadCommandsTest, CountsByScoreAndByLex) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"zcount", "z", "(1", "3"}).integer, 2);
  EXPECT_EQ(Str(h, {"zcount", "z", "x", "3"}), "ERR min or max is not a float");
  h.Run({"zadd", "l", "0", "a", "0", "b", "0", "c"});
  EXPECT_EQ(h.Run({"zlexcount", "l", "[b", "+"}).integer, 2);
  EXPECT_EQ(Str(h, {"zlexcount", "l", "b", "+"}), "ERR min or max not valid string range item");
}

TEST(ZSetReadCommandsTest, WrongTypeIsCheckedAfterTheRange) {
  CommandHarness h;
  h.Run({"set", "s", "v"});
  EXPECT_EQ(Str(h, {"zcount", "s", "x", "1"}), "ERR min or max is not a float");
  EXPECT_EQ(Str(h, {"zcount", "s", "0", "1"}), kWrongType);
  EXPECT_EQ(Str(h, {"zmscore", "s", "a"}), kWrongType);
}

// ------------------------------------------------------------------ ZRANGE

class ZRangeTest : public ::testing::Test {
 protected:
  void SetUp() override { h_.Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"}); }
  CommandHarness h_;
};

TEST_F(ZRangeTest, ByRankWithNegativeIndexes) {
  EXPECT_EQ(Str(h_, {"zrange", "z", "-2", "-1"}), "[c, d]");
  EXPECT_EQ(Str(h_, {"zrange", "z", "2", "1"}), "[]");
  EXPECT_EQ(Str(h_, {"zrange", "z", "0", "-1", "rev"}), "[d, c, b, a]");
  EXPECT_EQ(Str(h_, {"zrevrange", "z", "0", "0", "withscores"}), "[d, 4]");
}

TEST_F(ZRangeTest, ByScoreWithOpenEndsAndLimit) {
  EXPECT_EQ(Str(h_, {"zrange", "z", "(1", "3", "byscore"}), "[b, c]");
  EXPECT_EQ(Str(h_, {"zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "1", "2"}),
            "[c, b]");
  EXPECT_EQ(Str(h_, {"zrangebyscore", "z", "-inf", "+inf", "limit", "-1", "2"}), "[]");
  EXPECT_EQ(Str(h_, {"zrangebyscore", "z", "2", "+inf", "limit", "1", "-1"}), "[c, d]");
  EXPECT_EQ(Str(h_, {"zrevrangebyscore", "z", "3", "(1", "withscores"}), "[c, 3, b, 2]");
}

TEST_F(ZRangeTest, ByLex) {
  h_.Run({"zadd", "l", "0", "a", "0", "b", "0", "c"});
  EXPECT_EQ(Str(h_, {"zrange", "l", "[b", "+", "bylex"}), "[b, c]");
  EXPECT_EQ(Str(h_, {"zrangebylex", "l", "-", "(c", "limit", "1", "5"}), "[b]");
  EXPECT_EQ(Str(h_, {"zrevrangebylex", "l", "+", "(a"}), "[c, b]");
}

TEST_F(ZRangeTest, OptionErrorsAsRedisWordsThem) {
  EXPECT_EQ(Str(h_, {"zrange", "z", "0", "-1", "limit", "0", "1"}),
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
            "BYLEX");
  EXPECT_EQ(Str(h_, {"zrange", "z", "-", "+", "bylex", "withscores"}),
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  EXPECT_EQ(Str(h_, {"zrange", "z", "0", "1", "byscore", "bylex"}), kSyntax);
  EXPECT_EQ(Str(h_, {"zrevrange", "z", "0", "1", "rev"}), kSyntax);
  EXPECT_EQ(Str(h_, {"zrange", "z", "a", "1"}), kNotInteger);
  EXPECT_EQ(Str(h_, {"zrangebyscore", "z", "a", "1"}), "ERR min or max is not a float");
  EXPECT_EQ(Str(h_, {"zrangebylex", "z", "a", "+"}), "ERR min or max not valid string range item");
}

TEST_F(ZRangeTest, WithScoresInRespThreeArePairs) {
  h_.Run({"hello", "3"});
  EXPECT_EQ(h_.RunRaw({"zrange", "z", "0", "0", "withscores"}),
            "*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
  EXPECT_EQ(h_.RunRaw({"zrangebyscore", "z", "(3", "+inf", "withscores"}),
            "*1\r\n*2\r\n$1\r\nd\r\n,4\r\n");
}

TEST_F(ZRangeTest, StoreReplacesTheDestination) {
  h_.Run({"set", "dst", "v"});
  h_.Run({"expire", "dst", "100"});
  KeyspaceEvents ev(h_);
  EXPECT_EQ(h_.Run({"zrangestore", "dst", "z", "1", "2"}).integer, 2);
  EXPECT_EQ(Str(h_, {"zrange", "dst", "0", "-1", "withscores"}), "[b, 2, c, 3]");
  EXPECT_EQ(h_.Run({"ttl", "dst"}).integer, -1);
  EXPECT_EQ(h_.Run({"zrangestore", "dst", "z", "5", "6"}).integer, 0);
  EXPECT_EQ(h_.Run({"exists", "dst"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"zrangestore dst@0", "del dst@0"}));
  EXPECT_EQ(Str(h_, {"zrangestore", "dst", "z", "0", "1", "withscores"}), kSyntax);
}

// Redis builds a ZRANGESTORE result in a listpack until an element does not
// fit; elements added while it is one lose the sign of a zero score. A rank
// range longer than the limit starts as a skiplist.
TEST(ZRangeStoreCommandTest, NegativeZeroKeepsItsSignOnlyOutsideAListpack) {
  CommandHarness h;
  h.Run({"config", "set", "zset-max-listpack-entries", "1"});
  h.Run({"zadd", "src", "1", "x", "2", "y"});
  h.Run({"zadd", "src", "-0", "a"});  // into the skiplist: stays -0
  EXPECT_EQ(Str(h, {"zscore", "src", "a"}), "-0");
  h.Run({"zrangestore", "byscore", "src", "-inf", "+inf", "byscore"});
  EXPECT_EQ(Str(h, {"zscore", "byscore", "a"}), "0");
  h.Run({"zrangestore", "bylex", "src", "-", "+", "bylex"});
  EXPECT_EQ(Str(h, {"zscore", "bylex", "a"}), "0");
  h.Run({"zrangestore", "rev", "src", "+inf", "-inf", "byscore", "rev"});
  EXPECT_EQ(Str(h, {"zscore", "rev", "a"}), "-0");  // added after the conversion
  h.Run({"zrangestore", "rank", "src", "0", "-1"});
  EXPECT_EQ(Str(h, {"zscore", "rank", "a"}), "-0");  // a skiplist from the start
  EXPECT_EQ(Encoding(h, "rank"), "skiplist");
  h.Run({"config", "set", "zset-max-listpack-entries", "128"});
  h.Run({"zrangestore", "small", "src", "0", "-1"});
  EXPECT_EQ(Str(h, {"zscore", "small", "a"}), "0");
  EXPECT_EQ(Encoding(h, "small"), "listpack");
  // A long member converts the listpack: later elements keep -0.
  h.Run({"zadd", "src", "-0", std::string(70, 'z')});
  h.Run({"zrangestore", "long", "src", "-inf", "+inf", "byscore"});
  EXPECT_EQ(Str(h, {"zscore", "long", "a"}), "0");
  EXPECT_EQ(Str(h, {"zscore", "long", std::string(70, 'z')}), "-0");
}

// ------------------------------------------------------------------ ZREMRANGEBY*

TEST(ZRemRangeCommandTest, RemovesByRankScoreAndLex) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"zremrangebyrank", "z", "0", "1"}).integer, 2);
  EXPECT_EQ(h.Run({"zremrangebyscore", "z", "(3", "4"}).integer, 1);
  EXPECT_EQ(h.Run({"zremrangebylex", "z", "-", "+"}).integer, 2);
  EXPECT_EQ(h.Run({"exists", "z"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"zremrangebyrank z@0", "zremrangebyscore z@0",
                               "zremrangebylex z@0", "del z@0"}));
}

TEST(ZRemRangeCommandTest, EmptyRangesRemoveNothingAndReportNothing) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a"});
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"zremrangebyrank", "z", "5", "10"}).integer, 0);
  EXPECT_EQ(h.Run({"zremrangebyscore", "z", "(1", "1"}).integer, 0);
  EXPECT_EQ(ev.Take(), Events{});
  EXPECT_EQ(Str(h, {"zremrangebyrank", "z", "x", "1"}), kNotInteger);
}

// ------------------------------------------------------------------ algebra

TEST(ZSetAlgebraTest, UnionWithWeightsAndAggregates) {
  CommandHarness h;
  h.Run({"zadd", "a", "1", "x", "2", "y"});
  h.Run({"zadd", "b", "10", "y", "20", "z"});
  EXPECT_EQ(Str(h, {"zunion", "2", "a", "b", "withscores"}), "[x, 1, y, 12, z, 20]");
  EXPECT_EQ(Str(h, {"zunion", "2", "a", "b", "weights", "2", "1", "aggregate", "min",
                    "withscores"}),
            "[x, 2, y, 4, z, 20]");
  EXPECT_EQ(Str(h, {"zunionstore", "d", "2", "a", "b", "aggregate", "max"}), "3");
  EXPECT_EQ(Str(h, {"zrange", "d", "0", "-1", "withscores"}), "[x, 1, y, 10, z, 20]");
}

TEST(ZSetAlgebraTest, PlainSetsCountAsScoreOne) {
  CommandHarness h;
  h.Run({"zadd", "a", "5", "x", "6", "y"});
  h.Run({"sadd", "s", "y", "q"});
  EXPECT_EQ(Str(h, {"zinter", "2", "a", "s", "withscores"}), "[y, 7]");
  EXPECT_EQ(Str(h, {"zunion", "2", "a", "s"}), "[q, x, y]");
  EXPECT_EQ(Str(h, {"zdiff", "2", "a", "s", "withscores"}), "[x, 5]");
}

TEST(ZSetAlgebraTest, InfinitiesThatCancelSumToZero) {
  CommandHarness h;
  h.Run({"zadd", "a", "inf", "x"});
  h.Run({"zadd", "b", "-inf", "x"});
  EXPECT_EQ(Str(h, {"zinter", "2", "a", "b", "withscores"}), "[x, 0]");
  EXPECT_EQ(Str(h, {"zunion", "1", "a", "weights", "0", "withscores"}), "[x, 0]");
}

TEST(ZSetAlgebraTest, ErrorsInRedisOrder) {
  CommandHarness h;
  h.Run({"zadd", "a", "1", "x"});
  h.Run({"set", "str", "v"});
  EXPECT_EQ(Str(h, {"zunionstore", "d", "0", "a"}),
            "ERR at least 1 input key is needed for 'zunionstore' command");
  EXPECT_EQ(Str(h, {"zunion", "3", "a"}), kSyntax);
  EXPECT_EQ(Str(h, {"zunion", "2", "a", "str", "weights", "x"}), kWrongType);
  EXPECT_EQ(Str(h, {"zunion", "1", "a", "weights", "x"}), "ERR weight value is not a float");
  EXPECT_EQ(Str(h, {"zunion", "1", "a", "aggregate", "avg"}), kSyntax);
  EXPECT_EQ(Str(h, {"zdiff", "1", "a", "weights", "1"}), kSyntax);
  EXPECT_EQ(Str(h, {"zunionstore", "d", "1", "a", "withscores"}), kSyntax);
  EXPECT_EQ(Str(h, {"zintercard", "1", "a", "limit", "-1"}), "ERR LIMIT can't be negative");
}

TEST(ZSetAlgebraTest, StoreOfAnEmptyResultDeletesTheDestination) {
  CommandHarness h;
  h.Run({"zadd", "a", "1", "x"});
  h.Run({"zadd", "d", "1", "old"});
  KeyspaceEvents ev(h);
  EXPECT_EQ(h.Run({"zinterstore", "d", "2", "a", "nokey"}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "d"}).integer, 0);
  EXPECT_EQ(h.Run({"zdiffstore", "d", "2", "a", "a"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"del d@0"}));
}

TEST(ZSetAlgebraTest, InterCardStopsAtTheLimit) {
  CommandHarness h;
  h.Run({"zadd", "a", "1", "x", "2", "y", "3", "z"});
  h.Run({"zadd", "b", "1", "x", "2", "y", "3", "z"});
  EXPECT_EQ(h.Run({"zintercard", "2", "a", "b"}).integer, 3);
  EXPECT_EQ(h.Run({"zintercard", "2", "a", "b", "limit", "2"}).integer, 2);
}

// ------------------------------------------------------------------ pops

TEST(ZPopCommandTest, PopsFromEitherEnd) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Str(h, {"zpopmin", "z"}), "[a, 1]");
  EXPECT_EQ(Str(h, {"zpopmax", "z", "5"}), "[c, 3, b, 2]");
  EXPECT_EQ(h.Run({"exists", "z"}).integer, 0);
  EXPECT_EQ(Str(h, {"zpopmin", "z"}), "[]");
  EXPECT_EQ(Str(h, {"zpopmin", "z", "-1"}), "ERR value is out of range, must be positive");
}

TEST(ZPopCommandTest, CountInRespThreeNestsPairs) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"zpopmin", "z", "1"}), "*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
  EXPECT_EQ(h.RunRaw({"zpopmin", "z"}), "*2\r\n$1\r\nb\r\n,2\r\n");
}

TEST(ZPopCommandTest, ReportsPopThenDel) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  KeyspaceEvents ev(h);
  const uint64_t dirty = Dirty(h);
  h.Run({"zpopmin", "z", "2"});
  EXPECT_EQ(ev.Take(), (Events{"zpopmin z@0", "del z@0"}));
  EXPECT_EQ(Dirty(h), dirty + 2);
}

TEST(ZMPopCommandTest, PopsFromTheFirstNonEmptyKey) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(Str(h, {"zmpop", "2", "nokey", "z", "max", "count", "5"}), "[z, [[b, 2], [a, 1]]]");
  EXPECT_TRUE(h.Run({"zmpop", "1", "z", "min"}).is_null());
  EXPECT_EQ(Str(h, {"zmpop", "0", "z", "min"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(Str(h, {"zmpop", "1", "z", "min", "count", "0"}),
            "ERR count should be greater than 0");
  EXPECT_EQ(Str(h, {"zmpop", "2", "z", "min"}), kSyntax);
}

// ------------------------------------------------------------------ blocking

TEST(BZPopCommandTest, PopsAtOnceWhenAKeyHasMembers) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(Str(h, {"bzpopmin", "nokey", "z", "0"}), "[z, a, 1]");
}

// The empty string is a key name like any other, not "no key".
TEST(BZPopCommandTest, PopsFromTheEmptyKeyName) {
  CommandHarness h;
  h.Run({"zadd", "", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Str(h, {"bzpopmin", "", "0"}), "[, a, 1]");
  EXPECT_EQ(Str(h, {"bzpopmax", "nokey", "", "0"}), "[, c, 3]");
  EXPECT_EQ(Str(h, {"bzmpop", "0", "2", "nokey", "", "min"}), "[, [[b, 2]]]");
  EXPECT_EQ(Str(h, {"exists", ""}), "0");
  const size_t waiter = h.NewClient();
  EXPECT_EQ(h.RunOn(waiter, {"bzpopmin", "", "0"}).str, "(no reply)");
  h.Run({"zadd", "", "4", "d"});
  EXPECT_EQ(h.TakePushed(waiter).at(0).ToString(), "[, d, 4]");
}

TEST(BZPopCommandTest, BlockedClientIsServedByALaterAdd) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  EXPECT_EQ(h.RunOn(waiter, {"bzpopmax", "z", "0"}).str, "(no reply)");
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  const std::vector<Reply> got = h.TakePushed(waiter);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ToString(), "[z, b, 2]");
  EXPECT_EQ(Str(h, {"zrange", "z", "0", "-1"}), "[a]");
}

TEST(BZPopCommandTest, ClientsAreServedFirstComeFirstServed) {
  CommandHarness h;
  const size_t first = h.NewClient();
  const size_t second = h.NewClient();
  h.RunOn(first, {"bzmpop", "0", "1", "z", "min"});
  h.RunOn(second, {"bzpopmin", "z", "0"});
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(h.TakePushed(first).at(0).ToString(), "[z, [[a, 1]]]");
  EXPECT_TRUE(h.TakePushed(second).empty());
  h.Run({"zadd", "z", "2", "b"});
  EXPECT_EQ(h.TakePushed(second).at(0).ToString(), "[z, b, 2]");
}

TEST(BZPopCommandTest, WokenClientIsServedFromTheKeyThatWokeIt) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"bzpopmin", "k1", "k2", "0"});
  h.Run({"multi"});
  h.Run({"zadd", "k2", "5", "z"});
  h.Run({"zadd", "k1", "6", "y"});
  h.Run({"exec"});
  EXPECT_EQ(h.TakePushed(waiter).at(0).ToString(), "[k2, z, 5]");
}

TEST(BZPopCommandTest, TimesOutWithANullArray) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"bzpopmin", "z", "0.5"});
  // Timeouts are checked between commands, against the server's clock.
  h.AdvanceMillis(400);
  h.Run({"ping"});
  h.server().blocking().HandleTimeouts(h.server().now_ms());
  EXPECT_TRUE(h.TakePushed(waiter).empty());
  h.AdvanceMillis(200);
  h.Run({"ping"});
  h.server().blocking().HandleTimeouts(h.server().now_ms());
  const std::vector<Reply> got = h.TakePushed(waiter);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].is_null());
}

TEST(BZPopCommandTest, DoesNotBlockInsideMulti) {
  CommandHarness h;
  h.Run({"multi"});
  h.Run({"bzpopmin", "z", "0"});
  EXPECT_EQ(Str(h, {"exec"}), "[(nil)]");
}

TEST(BZPopCommandTest, TimeoutAndTypeErrors) {
  CommandHarness h;
  h.Run({"set", "s", "v"});
  EXPECT_EQ(Str(h, {"bzpopmin", "z", "-1"}), "ERR timeout is negative");
  EXPECT_EQ(Str(h, {"bzpopmin", "z", "x"}), "ERR timeout is not a float or out of range");
  EXPECT_EQ(Str(h, {"bzpopmin", "z", "s", "0"}), kWrongType);
}

// ------------------------------------------------------------------ ZSCAN, ZRANDMEMBER

TEST(ZScanCommandTest, ReturnsAListpackWholeWithStoredScores) {
  CommandHarness h;
  h.Run({"zadd", "z", "1.5", "a", "1e17", "b"});
  EXPECT_EQ(Str(h, {"zscan", "z", "0"}), "[0, [a, 1.5, b, 100000000000000000]]");
  EXPECT_EQ(Str(h, {"zscan", "z", "0", "match", "b*"}), "[0, [b, 100000000000000000]]");
  EXPECT_EQ(Str(h, {"zscan", "z", "0", "type", "zset"}), kSyntax);
  EXPECT_EQ(Str(h, {"zscan", "nokey", "0", "type", "zset"}), "[0, []]");
}

TEST(ZScanCommandTest, WalksASkiplistToTheEnd) {
  CommandHarness h;
  h.Run({"config", "set", "zset-max-listpack-entries", "0"});
  for (int i = 0; i < 200; ++i) h.Run({"zadd", "z", "1e17", "m" + std::to_string(i)});
  size_t seen = 0;
  std::string cursor = "0";
  do {
    const Reply r = h.Run({"zscan", "z", cursor});
    cursor = r.elements[0].str;
    for (size_t i = 1; i < r.elements[1].elements.size(); i += 2) {
      EXPECT_EQ(r.elements[1].elements[i].str, "1e+17");
      ++seen;
    }
  } while (cursor != "0");
  EXPECT_EQ(seen, 200u);
}

TEST(ZRandMemberCommandTest, CountsAndErrors) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Str(h, {"zrandmember", "z", "5", "withscores"}), "[c, 3, b, 2, a, 1]");
  EXPECT_EQ(h.Run({"zrandmember", "z", "2"}).elements.size(), 2u);
  EXPECT_EQ(h.Run({"zrandmember", "z", "-7"}).elements.size(), 7u);
  EXPECT_EQ(Str(h, {"zrandmember", "z", "0"}), "[]");
  EXPECT_TRUE(h.Run({"zrandmember", "nokey"}).is_null());
  EXPECT_EQ(Str(h, {"zrandmember", "z", "1", "foo"}), kSyntax);
  EXPECT_EQ(Str(h, {"zrandmember", "z", "-9223372036854775808"}),
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
  EXPECT_EQ(Str(h, {"zrandmember", "z", "-9223372036854770000", "withscores"}),
            "ERR value is out of range");
}

}  // namespace
}  // namespace osprey::testing
