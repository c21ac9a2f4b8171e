// The list commands through the real dispatcher (CommandHarness), one
// sentence-named case per behaviour, grouped by command. Expected replies,
// errors and events are what Redis 7.0.15 gives for the same commands.
// Blocking cases use several harness clients: a blocked client's reply
// arrives later and is read with TakePushed; timeouts advance the fake clock.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "handlers/keyspace_events.h"
#include "server/blocking.h"
#include "server/server.h"
#include "server/stats.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Events = std::vector<std::string>;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";

std::string Range(CommandHarness& h, std::string_view key) {
  return h.Run({"lrange", key, "0", "-1"}).ToString();
}

uint64_t Dirty(CommandHarness& h) { return h.server().stats().dirty; }

// Times out blocked clients as the event loop would before sleeping.
void ExpireBlocked(CommandHarness& h) {
  h.server().blocking().HandleTimeouts(h.clock().NowMicros() / 1000);
}

std::string Pushed(CommandHarness& h, size_t client) {
  std::vector<Reply> replies = h.TakePushed(client);
  if (replies.empty()) return "(nothing)";
  std::string out;
  for (const Reply& r : replies) out += (out.empty() ? "" : " ; ") + r.ToString();
  return out;
}

// ------------------------------------------------------------------ LPUSH / RPUSH

TEST(LPushCommandTest, CreatesTheListAndReturnsTheLength) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"lpush", "l", "a", "b", "c"}).integer, 3);
  EXPECT_EQ(h.Run({"rpush", "l", "0", "1"}).integer, 5);
  EXPECT_EQ(Range(h, "l"), "[c, b, a, 0, 1]");
  EXPECT_EQ(h.Run({"type", "l"}).ToString(), "list");
  EXPECT_EQ(h.Run({"object", "encoding", "l"}).ToString(), "quicklist");
}

TEST(LPushCommandTest, WrongTypeLeavesTheKeyAlone) {
  CommandHarness h;
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"lpush", "s", "a"}).str, kWrongType);
  EXPECT_EQ(h.Run({"rpushx", "s", "a"}).str, kWrongType);
  EXPECT_EQ(h.Run({"get", "s"}).ToString(), "x");
}

TEST(LPushCommandTest, CountsEveryElementAsAChange) {
  CommandHarness h;
  const uint64_t before = Dirty(h);
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(Dirty(h) - before, 3u);
}

TEST(LPushCommandTest, NotifiesNewThenPush) {
  CommandHarness h;
  KeyspaceEvents events(h, "KEAn");
  h.Run({"lpush", "l", "a"});
  h.Run({"rpush", "l", "b"});
  EXPECT_EQ(events.Take(), (Events{"new l@0", "lpush l@0", "rpush l@0"}));
}

TEST(LPushXCommandTest, OnlyPushesToExistingLists) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"lpushx", "l", "a"}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "l"}).integer, 0);
  h.Run({"rpush", "l", "x"});
  EXPECT_EQ(h.Run({"lpushx", "l", "a", "b"}).integer, 3);
  EXPECT_EQ(h.Run({"rpushx", "l", "z"}).integer, 4);
  EXPECT_EQ(Range(h, "l"), "[b, a, x, z]");
}

// ------------------------------------------------------------------ LPOP / RPOP

TEST(LPopCommandTest, PopsOneElementAsABulkString) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b", "12"});
  EXPECT_EQ(h.RunRaw({"lpop", "l"}), "$1\r\na\r\n");
  EXPECT_EQ(h.RunRaw({"rpop", "l"}), "$2\r\n12\r\n");
}

TEST(LPopCommandTest, MissingKeyIsNullOrNullArrayWithCount) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"lpop", "l"}), "$-1\r\n");
  EXPECT_EQ(h.RunRaw({"lpop", "l", "2"}), "*-1\r\n");
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"rpop", "l"}), "_\r\n");
  EXPECT_EQ(h.RunRaw({"rpop", "l", "2"}), "_\r\n");
}

TEST(LPopCommandTest, WithCountReturnsAnArrayInPopOrder) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b", "c", "d"});
  EXPECT_EQ(h.Run({"lpop", "l", "2"}).ToString(), "[a, b]");
  EXPECT_EQ(h.Run({"rpop", "l", "10"}).ToString(), "[d, c]");
  EXPECT_EQ(h.Run({"exists", "l"}).integer, 0);
}

TEST(LPopCommandTest, CountZeroIsAnEmptyArrayForAnExistingList) {
  CommandHarness h;
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.RunRaw({"lpop", "l", "0"}), "*0\r\n");
  EXPECT_EQ(h.RunRaw({"lpop", "nokey", "0"}), "*-1\r\n");
}

TEST(LPopCommandTest, BadCountsAndArity) {
  CommandHarness h;
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.Run({"lpop", "l", "-1"}).str, kNotPositive);
  EXPECT_EQ(h.Run({"lpop", "l", "x"}).str, kNotPositive);
  EXPECT_EQ(h.Run({"lpop", "l", "1", "2"}).str,
            "ERR wrong number of arguments for 'lpop' command");
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"rpop", "s"}).str, kWrongType);
  // The count is read before the key.
  EXPECT_EQ(h.Run({"rpop", "s", "x"}).str, kNotPositive);
}

TEST(LPopCommandTest, EmptiedListIsDeletedWithEvents) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b"});
  KeyspaceEvents events(h);
  const uint64_t before = Dirty(h);
  h.Run({"rpop", "l", "5"});
  EXPECT_EQ(events.Take(), (Events{"rpop l@0", "del l@0"}));
  EXPECT_EQ(Dirty(h) - before, 2u);
  EXPECT_EQ(h.Run({"exists", "l"}).integer, 0);
}

// ------------------------------------------------------------------ LLEN / LINDEX / LSET

TEST(LLenCommandTest, CountsElements) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"llen", "l"}).integer, 0);
  h.Run({"rpush", "l", "a", "b"});
  EXPECT_EQ(h.Run({"llen", "l"}).integer, 2);
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"llen", "s"}).str, kWrongType);
}

TEST(LIndexCommandTest, IndexesFromBothEnds) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(h.Run({"lindex", "l", "0"}).ToString(), "a");
  EXPECT_EQ(h.Run({"lindex", "l", "-1"}).ToString(), "c");
  EXPECT_EQ(h.RunRaw({"lindex", "l", "3"}), "$-1\r\n");
  EXPECT_EQ(h.RunRaw({"lindex", "l", "-4"}), "$-1\r\n");
}

TEST(LIndexCommandTest, LooksTheKeyUpBeforeReadingTheIndex) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"lindex", "nokey", "x"}), "$-1\r\n");
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.Run({"lindex", "l", "x"}).str, kNotInteger);
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"lindex", "s", "x"}).str, kWrongType);
}

TEST(LSetCommandTest, ReplacesAndNotifies) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b", "c"});
  KeyspaceEvents events(h);
  EXPECT_EQ(h.Run({"lset", "l", "1", "B"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"lset", "l", "-1", "C"}).ToString(), "OK");
  EXPECT_EQ(Range(h, "l"), "[a, B, C]");
  EXPECT_EQ(events.Take(), (Events{"lset l@0", "lset l@0"}));
}

TEST(LSetCommandTest, Errors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"lset", "nokey", "x", "v"}).str, "ERR no such key");
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.Run({"lset", "l", "1", "v"}).str, "ERR index out of range");
  EXPECT_EQ(h.Run({"lset", "l", "x", "v"}).str, kNotInteger);
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"lset", "s", "0", "v"}).str, kWrongType);
}

// ------------------------------------------------------------------ LRANGE / LTRIM

TEST(LRangeCommandTest, ClampsIndexesAsRedis) {
  CommandHarness h;
  h.Run({"rpush", "l", "0", "1", "2", "3", "4"});
  EXPECT_EQ(h.Run({"lrange", "l", "1", "3"}).ToString(), "[1, 2, 3]");
  EXPECT_EQ(h.Run({"lrange", "l", "-2", "100"}).ToString(), "[3, 4]");
  EXPECT_EQ(h.Run({"lrange", "l", "-100", "0"}).ToString(), "[0]");
  EXPECT_EQ(h.RunRaw({"lrange", "l", "3", "1"}), "*0\r\n");
  EXPECT_EQ(h.RunRaw({"lrange", "l", "0", "-10"}), "*0\r\n");
  EXPECT_EQ(h.RunRaw({"lrange", "nokey", "0", "-1"}), "*0\r\n");
}

TEST(LRangeCommandTest, ReadsIndexesBeforeTheKey) {
  CommandHarness h;
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"lrange", "s", "a", "1"}).str, kNotInteger);
  EXPECT_EQ(h.Run({"lrange", "s", "0", "1"}).str, kWrongType);
}

TEST(LTrimCommandTest, KeepsTheRangeAndDeletesEmptiedLists) {
  CommandHarness h;
  h.Run({"rpush", "l", "0", "1", "2", "3", "4"});
  KeyspaceEvents events(h);
  const uint64_t before = Dirty(h);
  EXPECT_EQ(h.Run({"ltrim", "l", "1", "-2"}).ToString(), "OK");
  EXPECT_EQ(Range(h, "l"), "[1, 2, 3]");
  EXPECT_EQ(Dirty(h) - before, 2u);
  EXPECT_EQ(h.Run({"ltrim", "l", "5", "10"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"exists", "l"}).integer, 0);
  EXPECT_EQ(events.Take(), (Events{"ltrim l@0", "ltrim l@0", "del l@0"}));
  EXPECT_EQ(h.Run({"ltrim", "nokey", "0", "1"}).ToString(), "OK");
  EXPECT_EQ(h.Run({"ltrim", "nokey", "0", "x"}).str, kNotInteger);
}

// ------------------------------------------------------------------ LPOS

TEST(LPosCommandTest, FindsByRankCountAndMaxlen) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b", "c", "1", "2", "3", "c", "c"});
  EXPECT_EQ(h.Run({"lpos", "l", "c"}).integer, 2);
  EXPECT_EQ(h.Run({"lpos", "l", "c", "rank", "2"}).integer, 6);
  EXPECT_EQ(h.Run({"lpos", "l", "c", "rank", "-1"}).integer, 7);
  EXPECT_EQ(h.Run({"lpos", "l", "c", "count", "0"}).ToString(), "[2, 6, 7]");
  EXPECT_EQ(h.Run({"lpos", "l", "c", "count", "2", "rank", "-1"}).ToString(), "[7, 6]");
  EXPECT_EQ(h.Run({"lpos", "l", "c", "count", "0", "maxlen", "7"}).ToString(), "[2, 6]");
  EXPECT_EQ(h.Run({"lpos", "l", "c", "rank", "4"}).ToString(), "(nil)");
  EXPECT_EQ(h.RunRaw({"lpos", "l", "x", "count", "5"}), "*0\r\n");
  EXPECT_EQ(h.Run({"lpos", "l", "2"}).integer, 4);
}

TEST(LPosCommandTest, MissingKeyAndErrors) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"lpos", "nokey", "a"}), "$-1\r\n");
  EXPECT_EQ(h.RunRaw({"lpos", "nokey", "a", "count", "1"}), "*0\r\n");
  EXPECT_EQ(h.Run({"lpos", "nokey", "a", "rank", "0"}).str,
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
  EXPECT_EQ(h.Run({"lpos", "nokey", "a", "count", "-1"}).str, "ERR COUNT can't be negative");
  EXPECT_EQ(h.Run({"lpos", "nokey", "a", "count", "x"}).str, "ERR COUNT can't be negative");
  EXPECT_EQ(h.Run({"lpos", "nokey", "a", "maxlen", "-1"}).str, "ERR MAXLEN can't be negative");
  EXPECT_EQ(h.Run({"lpos", "nokey", "a", "rank", "x"}).str, kNotInteger);
  EXPECT_EQ(h.Run({"lpos", "nokey", "a", "rank"}).str, kSyntax);
  EXPECT_EQ(h.Run({"lpos", "nokey", "a", "foo", "1"}).str, kSyntax);
}

// ------------------------------------------------------------------ LREM / LINSERT

TEST(LRemCommandTest, RemovesByCountFromEitherEnd) {
  CommandHarness h;
  h.Run({"rpush", "l", "x", "a", "x", "b", "x"});
  EXPECT_EQ(h.Run({"lrem", "l", "-2", "x"}).integer, 2);
  EXPECT_EQ(Range(h, "l"), "[x, a, b]");
  EXPECT_EQ(h.Run({"lrem", "l", "0", "nothere"}).integer, 0);
  KeyspaceEvents events(h);
  EXPECT_EQ(h.Run({"lrem", "l", "0", "x"}).integer, 1);
  EXPECT_EQ(events.Take(), (Events{"lrem l@0"}));
  EXPECT_EQ(h.Run({"lrem", "l", "x", "a"}).str, kNotInteger);
  EXPECT_EQ(h.Run({"lrem", "nokey", "0", "a"}).integer, 0);
}

TEST(LRemCommandTest, RemovingEverythingDeletesTheKey) {
  CommandHarness h;
  h.Run({"rpush", "l", "1", "01", "1"});
  EXPECT_EQ(h.Run({"lrem", "l", "0", "1"}).integer, 2);
  EXPECT_EQ(Range(h, "l"), "[01]");
  KeyspaceEvents events(h);
  EXPECT_EQ(h.Run({"lrem", "l", "1", "01"}).integer, 1);
  EXPECT_EQ(events.Take(), (Events{"lrem l@0", "del l@0"}));
  EXPECT_EQ(h.Run({"exists", "l"}).integer, 0);
}

TEST(LInsertCommandTest, InsertsBeforeOrAfterThePivot) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b"});
  EXPECT_EQ(h.Run({"linsert", "l", "BEFORE", "b", "x"}).integer, 3);
  EXPECT_EQ(h.Run({"linsert", "l", "after", "b", "y"}).integer, 4);
  EXPECT_EQ(h.Run({"linsert", "l", "after", "zz", "y"}).integer, -1);
  EXPECT_EQ(Range(h, "l"), "[a, x, b, y]");
  EXPECT_EQ(h.Run({"linsert", "nokey", "after", "a", "y"}).integer, 0);
  EXPECT_EQ(h.Run({"linsert", "l", "middle", "a", "y"}).str, kSyntax);
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"linsert", "s", "before", "a", "y"}).str, kWrongType);
  EXPECT_EQ(h.Run({"linsert", "s", "middle", "a", "y"}).str, kSyntax);
}

// ------------------------------------------------------------------ LMOVE / RPOPLPUSH

TEST(LMoveCommandTest, MovesBetweenEnds) {
  CommandHarness h;
  h.Run({"rpush", "src", "a", "b", "c"});
  h.Run({"rpush", "dst", "x"});
  EXPECT_EQ(h.Run({"lmove", "src", "dst", "left", "right"}).ToString(), "a");
  EXPECT_EQ(h.Run({"lmove", "src", "dst", "RIGHT", "LEFT"}).ToString(), "c");
  EXPECT_EQ(Range(h, "dst"), "[c, x, a]");
  EXPECT_EQ(h.Run({"rpoplpush", "src", "new"}).ToString(), "b");
  EXPECT_EQ(h.Run({"exists", "src"}).integer, 0);
  EXPECT_EQ(Range(h, "new"), "[b]");
  EXPECT_EQ(h.RunRaw({"lmove", "src", "dst", "left", "left"}), "$-1\r\n");
}

TEST(LMoveCommandTest, SameListRotates) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(h.Run({"rpoplpush", "l", "l"}).ToString(), "c");
  EXPECT_EQ(Range(h, "l"), "[c, a, b]");
  h.Run({"del", "l"});
  h.Run({"rpush", "l", "only"});
  EXPECT_EQ(h.Run({"lmove", "l", "l", "left", "right"}).ToString(), "only");
  EXPECT_EQ(Range(h, "l"), "[only]");
}

TEST(LMoveCommandTest, WrongTypeDestinationLeavesTheSourceAlone) {
  CommandHarness h;
  h.Run({"rpush", "l", "a"});
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"lmove", "l", "s", "left", "left"}).str, kWrongType);
  EXPECT_EQ(Range(h, "l"), "[a]");
  EXPECT_EQ(h.Run({"lmove", "s", "l", "left", "left"}).str, kWrongType);
  EXPECT_EQ(h.Run({"lmove", "l", "s", "up", "left"}).str, kSyntax);
}

TEST(LMoveCommandTest, EventsInRedisOrder) {
  CommandHarness h;
  h.Run({"rpush", "src", "a"});
  KeyspaceEvents events(h, "KEAn");
  h.Run({"lmove", "src", "dst", "left", "right"});
  EXPECT_EQ(events.Take(), (Events{"new dst@0", "rpush dst@0", "lpop src@0", "del src@0"}));
}

// ------------------------------------------------------------------ LMPOP

TEST(LMPopCommandTest, PopsFromTheFirstNonEmptyList) {
  CommandHarness h;
  h.Run({"rpush", "b", "1", "2", "3"});
  EXPECT_EQ(h.Run({"lmpop", "2", "a", "b", "left"}).ToString(), "[b, [1]]");
  EXPECT_EQ(h.Run({"lmpop", "2", "a", "b", "right", "count", "5"}).ToString(), "[b, [3, 2]]");
  EXPECT_EQ(h.RunRaw({"lmpop", "2", "a", "b", "right"}), "*-1\r\n");
}

TEST(LMPopCommandTest, ArgumentErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"lmpop", "0", "a", "left"}).str, "ERR numkeys should be greater than 0");
  EXPECT_EQ(h.Run({"lmpop", "x", "a", "left"}).str, "ERR numkeys should be greater than 0");
  EXPECT_EQ(h.Run({"lmpop", "3", "a", "b", "left"}).str, kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "9223372036854775807", "a", "left"}).str, kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "a", "up"}).str, kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "a", "left", "count", "0"}).str,
            "ERR count should be greater than 0");
  EXPECT_EQ(h.Run({"lmpop", "1", "a", "left", "count", "1", "count", "1"}).str, kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "a", "left", "count"}).str, kSyntax);
}

TEST(LMPopCommandTest, WrongTypeStopsTheScan) {
  CommandHarness h;
  h.Run({"set", "a", "x"});
  h.Run({"rpush", "b", "1"});
  EXPECT_EQ(h.Run({"lmpop", "2", "a", "b", "left"}).str, kWrongType);
  EXPECT_EQ(h.Run({"lmpop", "2", "b", "a", "left"}).ToString(), "[b, [1]]");
}

// ------------------------------------------------------------------ blocking

TEST(BLPopCommandTest, ServesAtOnceWhenAListHasElements) {
  CommandHarness h;
  h.Run({"rpush", "b", "x", "y"});
  EXPECT_EQ(h.Run({"blpop", "a", "b", "0"}).ToString(), "[b, x]");
  EXPECT_EQ(h.Run({"brpop", "a", "b", "0"}).ToString(), "[b, y]");
  EXPECT_EQ(h.Run({"exists", "b"}).integer, 0);
}

TEST(BLPopCommandTest, BlocksUntilAnotherClientPushes) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  EXPECT_EQ(h.RunOn(waiter, {"blpop", "l", "0"}).str, "(no reply)");
  EXPECT_EQ(h.server().blocking().blocked_clients(), 1u);
  EXPECT_EQ(h.Run({"rpush", "l", "a", "b"}).integer, 2);
  EXPECT_EQ(Pushed(h, waiter), "[l, a]");
  EXPECT_EQ(h.server().blocking().blocked_clients(), 0u);
  EXPECT_EQ(Range(h, "l"), "[b]");
}

TEST(BLPopCommandTest, ServesWaitersFirstComeFirstServed) {
  CommandHarness h;
  const size_t c1 = h.NewClient();
  const size_t c2 = h.NewClient();
  const size_t c3 = h.NewClient();
  h.RunOn(c1, {"brpop", "l", "0"});
  h.RunOn(c2, {"blpop", "l", "0"});
  h.RunOn(c3, {"blpop", "l", "0"});
  h.Run({"rpush", "l", "a", "b"});
  EXPECT_EQ(Pushed(h, c1), "[l, b]");
  EXPECT_EQ(Pushed(h, c2), "[l, a]");
  EXPECT_EQ(Pushed(h, c3), "(nothing)");
  h.Run({"rpush", "l", "c"});
  EXPECT_EQ(Pushed(h, c3), "[l, c]");
}

TEST(BLPopCommandTest, TimesOutWithANullArray) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"blpop", "l", "0.5"});
  h.AdvanceMillis(400);
  ExpireBlocked(h);
  EXPECT_EQ(Pushed(h, waiter), "(nothing)");
  h.AdvanceMillis(101);
  ExpireBlocked(h);
  std::vector<Reply> r = h.TakePushed(waiter);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].is_null());
  EXPECT_EQ(h.server().blocking().blocked_clients(), 0u);
}

TEST(BLPopCommandTest, TimeoutErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"blpop", "l", "-1"}).str, "ERR timeout is negative");
  EXPECT_EQ(h.Run({"blpop", "l", "abc"}).str, "ERR timeout is not a float or out of range");
  // Past 2^63 milliseconds, either way, Redis's conversion yields INT64_MIN.
  for (const char* t : {"inf", "+inf", "-inf", "1e300", "-1e300", "9223372036854775807",
                        "9223372036854776"}) {
    EXPECT_EQ(h.Run({"blpop", "l", t}).str, "ERR timeout is negative") << t;
  }
  EXPECT_EQ(h.Run({"blpop", "l", "nan"}).str, "ERR timeout is not a float or out of range");
  h.Run({"set", "s", "x"});
  // The timeout is read before any key.
  EXPECT_EQ(h.Run({"blpop", "s", "abc"}).str, "ERR timeout is not a float or out of range");
  EXPECT_EQ(h.Run({"blpop", "nokey", "s", "0"}).str, kWrongType);
}

TEST(BLPopCommandTest, InsideMultiRepliesNullAtOnce) {
  CommandHarness h;
  h.Run({"multi"});
  h.Run({"blpop", "l", "0"});
  h.Run({"brpoplpush", "l", "m", "0"});
  h.Run({"blmpop", "0", "1", "l", "left"});
  EXPECT_EQ(h.RunRaw({"exec"}), "*3\r\n*-1\r\n$-1\r\n*-1\r\n");
  EXPECT_EQ(h.server().blocking().blocked_clients(), 0u);
}

TEST(BLPopCommandTest, MultiExecPushesAreSeenTogether) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"blpop", "l", "0"});
  h.Run({"multi"});
  h.Run({"lpush", "l", "a"});
  h.Run({"lpush", "l", "b"});
  h.Run({"lpush", "l", "c"});
  h.Run({"exec"});
  EXPECT_EQ(Pushed(h, waiter), "[l, c]");
}

// Redis 7.0 serves a woken client from the key that became ready first, not
// from the first of its keys that has data.
TEST(BLPopCommandTest, WokenClientIsServedFromTheKeyThatWokeIt) {
  CommandHarness h;
  const size_t c1 = h.NewClient();
  const size_t c2 = h.NewClient();
  h.RunOn(c1, {"blpop", "a", "b", "0"});
  h.RunOn(c2, {"blmpop", "0", "2", "a", "b", "left", "count", "5"});
  h.Run({"multi"});
  h.Run({"rpush", "b", "x", "z"});
  h.Run({"rpush", "a", "y"});
  h.Run({"exec"});
  EXPECT_EQ(Pushed(h, c1), "[b, x]");
  EXPECT_EQ(Pushed(h, c2), "[b, [z]]");
  EXPECT_EQ(Range(h, "a"), "[y]");
}

TEST(BLPopCommandTest, KeyDeletedOrReplacedKeepsTheClientWaiting) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"blpop", "l", "0"});
  h.Run({"multi"});
  h.Run({"lpush", "l", "a"});
  h.Run({"del", "l"});
  h.Run({"set", "l", "foo"});
  h.Run({"exec"});
  EXPECT_EQ(Pushed(h, waiter), "(nothing)");
  EXPECT_EQ(h.server().blocking().blocked_clients(), 1u);
  h.Run({"del", "l"});
  h.Run({"lpush", "l", "b"});
  EXPECT_EQ(Pushed(h, waiter), "[l, b]");
}

TEST(BLPopCommandTest, RenameIntoPlaceServes) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"blpop", "foo", "0"});
  h.Run({"lpush", "bob", "abc", "def", "hij"});
  h.Run({"rename", "bob", "foo"});
  EXPECT_EQ(Pushed(h, waiter), "[foo, hij]");
}

TEST(BLPopCommandTest, SwapDbWakesWaiters) {
  CommandHarness h;
  h.Run({"select", "1"});
  h.Run({"rpush", "k", "hello"});
  h.Run({"select", "0"});
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"brpop", "k", "5"});
  h.Run({"swapdb", "0", "1"});
  EXPECT_EQ(Pushed(h, waiter), "[k, hello]");
}

TEST(BLMPopCommandTest, PopsCountsAndBlocks) {
  CommandHarness h;
  const size_t c1 = h.NewClient();
  const size_t c2 = h.NewClient();
  h.RunOn(c1, {"blmpop", "0", "2", "a", "b", "left", "count", "1"});
  h.RunOn(c2, {"blmpop", "0", "2", "a", "b", "right", "count", "10"});
  h.Run({"multi"});
  h.Run({"lpush", "a", "1", "2", "3"});
  h.Run({"lpush", "b", "x"});
  h.Run({"exec"});
  EXPECT_EQ(Pushed(h, c1), "[a, [3]]");
  EXPECT_EQ(Pushed(h, c2), "[a, [1, 2]]");
  EXPECT_EQ(Range(h, "b"), "[x]");
  EXPECT_EQ(h.Run({"blmpop", "-1", "1", "a", "left"}).str, "ERR timeout is negative");
  EXPECT_EQ(h.Run({"blmpop", "x", "0", "a", "left"}).str,
            "ERR numkeys should be greater than 0");
}

TEST(BLMoveCommandTest, ChainsServeInOneGo) {
  CommandHarness h;
  const size_t c1 = h.NewClient();
  const size_t c2 = h.NewClient();
  h.RunOn(c1, {"blmove", "list1", "list2", "right", "left", "0"});
  h.RunOn(c2, {"blmove", "list2", "list3", "left", "right", "0"});
  h.Run({"rpush", "list1", "foo"});
  EXPECT_EQ(Pushed(h, c1), "foo");
  EXPECT_EQ(Pushed(h, c2), "foo");
  EXPECT_EQ(h.Run({"exists", "list1", "list2"}).integer, 0);
  EXPECT_EQ(Range(h, "list3"), "[foo]");
}

TEST(BLMoveCommandTest, CircularAndSelfReferential) {
  CommandHarness h;
  const size_t c1 = h.NewClient();
  const size_t c2 = h.NewClient();
  h.RunOn(c1, {"brpoplpush", "list1", "list2", "0"});
  h.RunOn(c2, {"brpoplpush", "list2", "list1", "0"});
  h.Run({"rpush", "list1", "foo"});
  EXPECT_EQ(Range(h, "list1"), "[foo]");
  EXPECT_EQ(h.Run({"exists", "list2"}).integer, 0);
  const size_t c3 = h.NewClient();
  h.RunOn(c3, {"brpoplpush", "self", "self", "0"});
  h.Run({"rpush", "self", "bar"});
  EXPECT_EQ(Pushed(h, c3), "bar");
  EXPECT_EQ(Range(h, "self"), "[bar]");
}

TEST(BLMoveCommandTest, WrongTypeDestinationFailsTheWaiter) {
  CommandHarness h;
  h.Run({"set", "target", "nolist"});
  const size_t c1 = h.NewClient();
  const size_t c2 = h.NewClient();
  h.RunOn(c1, {"brpoplpush", "blist", "target", "0"});
  h.RunOn(c2, {"brpoplpush", "blist", "target2", "0"});
  h.Run({"lpush", "blist", "foo"});
  EXPECT_EQ(Pushed(h, c1), std::string(kWrongType));
  EXPECT_EQ(Pushed(h, c2), "foo");
  EXPECT_EQ(Range(h, "target2"), "[foo]");
}

// Redis 7.0 answers every timed-out list waiter with a null array, BLMOVE
// and BRPOPLPUSH included, though they answer a null bulk string in MULTI.
TEST(BLMoveCommandTest, TimesOutWithANullArray) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  h.RunOn(waiter, {"blmove", "a", "b", "left", "left", "0.01"});
  h.AdvanceMillis(11);
  ExpireBlocked(h);
  std::vector<Reply> r = h.TakePushed(waiter);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, Reply::Type::kNullArray);
  h.RunOn(waiter, {"brpoplpush", "a", "b", "0.01"});
  h.AdvanceMillis(11);
  ExpireBlocked(h);
  r = h.TakePushed(waiter);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, Reply::Type::kNullArray);
  h.Run({"multi"});
  h.Run({"brpoplpush", "a", "b", "0"});
  r = h.Run({"exec"}).elements;
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, Reply::Type::kNull);
  EXPECT_EQ(h.Run({"blmove", "a", "b", "left", "up", "0"}).str, kSyntax);
  EXPECT_EQ(h.Run({"blmove", "a", "b", "left", "left", "-1"}).str, "ERR timeout is negative");
}

TEST(BLPopCommandTest, ClientUnblockTimeoutAndError) {
  CommandHarness h;
  const size_t waiter = h.NewClient();
  const int64_t id = h.RunOn(waiter, {"client", "id"}).integer;
  h.RunOn(waiter, {"blpop", "l", "0"});
  EXPECT_EQ(h.Run({"client", "unblock", std::to_string(id), "timeout"}).integer, 1);
  std::vector<Reply> r = h.TakePushed(waiter);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].is_null());
  h.RunOn(waiter, {"blpop", "l", "0"});
  EXPECT_EQ(h.Run({"client", "unblock", std::to_string(id), "error"}).integer, 1);
  EXPECT_EQ(Pushed(h, waiter), "UNBLOCKED client unblocked via CLIENT UNBLOCK");
}

// ------------------------------------------------------------------ generic commands

TEST(ListGenericTest, CopyRenameMoveAndMemoryUsage) {
  CommandHarness h;
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(h.Run({"copy", "l", "l2"}).integer, 1);
  h.Run({"rpop", "l"});
  EXPECT_EQ(Range(h, "l2"), "[a, b, c]");
  EXPECT_EQ(h.Run({"rename", "l2", "l3"}).ToString(), "OK");
  EXPECT_EQ(Range(h, "l3"), "[a, b, c]");
  EXPECT_EQ(h.Run({"move", "l3", "1"}).integer, 1);
  h.Run({"select", "1"});
  EXPECT_EQ(Range(h, "l3"), "[a, b, c]");
  EXPECT_GT(h.Run({"memory", "usage", "l3"}).integer, 0);
  EXPECT_EQ(h.Run({"scan", "0", "type", "list"}).ToString(), "[0, [l3]]");
}

TEST(ListGenericTest, ConfigShapesNewLists) {
  CommandHarness h;
  h.Run({"config", "set", "list-max-ziplist-size", "1"});
  h.Run({"config", "set", "list-compress-depth", "1"});
  for (int i = 0; i < 10; ++i) h.Run({"rpush", "l", std::string(100, 'a' + i)});
  EXPECT_EQ(h.Run({"lindex", "l", "5"}).ToString(), std::string(100, 'f'));
  EXPECT_EQ(h.Run({"lrange", "l", "4", "5"}).ToString(),
            "[" + std::string(100, 'e') + ", " + std::string(100, 'f') + "]");
}

TEST(ListGenericTest, PackedThresholdComesFromDebug) {
  CommandHarness h("enable-debug-command yes");
  EXPECT_EQ(h.Run({"debug", "quicklist-packed-threshold", "1b"}).ToString(), "OK");
  h.Run({"rpush", "l", "9", "xxxxxxxxxx", "xxxxxxxxxx"});
  EXPECT_EQ(h.Run({"llen", "l"}).integer, 3);
  EXPECT_EQ(h.Run({"rpop", "l"}).ToString(), "xxxxxxxxxx");
  EXPECT_EQ(h.Run({"lpop", "l"}).ToString(), "9");
  EXPECT_EQ(h.Run({"debug", "quicklist-packed-threshold", "0"}).ToString(), "OK");
}

TEST(ListGenericTest, DigestCoversContents) {
  CommandHarness h("enable-debug-command yes");
  h.Run({"rpush", "a", "x", "y"});
  h.Run({"rpush", "b", "x", "y"});
  h.Run({"rpush", "c", "y", "x"});
  const std::string da = h.Run({"debug", "digest-value", "a"}).elements[0].str;
  EXPECT_EQ(da, h.Run({"debug", "digest-value", "b"}).elements[0].str);
  EXPECT_NE(da, h.Run({"debug", "digest-value", "c"}).elements[0].str);
  const std::string before = h.Run({"debug", "digest"}).str;
  h.Run({"lset", "a", "0", "z"});
  EXPECT_NE(before, h.Run({"debug", "digest"}).str);
}

}  // namespace
}  // namespace osprey::testing
