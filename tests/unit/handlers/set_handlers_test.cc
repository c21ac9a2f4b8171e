// The set commands through the real dispatcher (CommandHarness), one
// sentence-named case per behaviour, grouped by command. Expected replies,
// errors, encodings and events are what Redis 7.0.15 gives for the same
// commands.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
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
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";

std::string Encoding(CommandHarness& h, std::string_view key) {
  return h.Run({"object", "encoding", key}).ToString();
}

uint64_t Dirty(CommandHarness& h) { return h.server().stats().dirty; }

// The members of a reply, sorted.
std::vector<std::string> Sorted(const Reply& r) {
  std::vector<std::string> out;
  for (const Reply& e : r.elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Members(CommandHarness& h, std::string_view key) {
  return Sorted(h.Run({"smembers", key}));
}

using V = std::vector<std::string>;

// ------------------------------------------------------------------ SADD

TEST(SAddCommandTest, CreatesTheSetAndCountsNewMembers) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"sadd", "s", "a", "b", "a"}).integer, 2);
  EXPECT_EQ(h.Run({"sadd", "s", "b", "c"}).integer, 1);
  EXPECT_EQ(Members(h, "s"), (V{"a", "b", "c"}));
  EXPECT_EQ(h.Run({"type", "s"}).ToString(), "set");
}

TEST(SAddCommandTest, IntegersMakeAnIntset) {
  CommandHarness h;
  h.Run({"sadd", "s", "1", "-5", "300000000000"});
  EXPECT_EQ(Encoding(h, "s"), "intset");
  h.Run({"sadd", "s", "01"});
  EXPECT_EQ(Encoding(h, "s"), "hashtable");
}

TEST(SAddCommandTest, SmallStringSetsAreHashtables) {
  CommandHarness h;
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(Encoding(h, "s"), "hashtable");
}

TEST(SAddCommandTest, IntsetConvertsPastSetMaxIntsetEntries) {
  CommandHarness h;
  h.Run({"config", "set", "set-max-intset-entries", "3"});
  h.Run({"sadd", "s", "1", "2", "3"});
  EXPECT_EQ(Encoding(h, "s"), "intset");
  h.Run({"sadd", "s", "4"});
  EXPECT_EQ(Encoding(h, "s"), "hashtable");
  h.Run({"srem", "s", "4", "3"});
  EXPECT_EQ(Encoding(h, "s"), "hashtable");
}

TEST(SAddCommandTest, AgainstAnotherTypeIsWrongType) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"sadd", "k", "a"}).str, kWrongType);
}

TEST(SAddCommandTest, ReportsNewAndSaddAndCountsDirtyPerMember) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEAn");
  const uint64_t before = Dirty(h);
  h.Run({"sadd", "s", "a", "b"});
  EXPECT_EQ(Dirty(h) - before, 2u);
  EXPECT_EQ(ev.Take(), (Events{"new s@0", "sadd s@0"}));
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(ev.Take(), Events{});
}

// ------------------------------------------------------------------ SREM

TEST(SRemCommandTest, RemovesAndCounts) {
  CommandHarness h;
  h.Run({"sadd", "s", "a", "b", "c"});
  EXPECT_EQ(h.Run({"srem", "s", "a", "x", "b"}).integer, 2);
  EXPECT_EQ(Members(h, "s"), (V{"c"}));
}

TEST(SRemCommandTest, MissingKeyIsZero) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"srem", "nope", "a"}).integer, 0);
}

TEST(SRemCommandTest, RemovingTheLastMemberDeletesTheKey) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"sadd", "s", "1", "2"});
  ev.Take();
  EXPECT_EQ(h.Run({"srem", "s", "1", "2", "3"}).integer, 2);
  EXPECT_EQ(h.Run({"exists", "s"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"srem s@0", "del s@0"}));
}

TEST(SRemCommandTest, AgainstAnotherTypeIsWrongType) {
  CommandHarness h;
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"srem", "k", "a"}).str, kWrongType);
}

// ------------------------------------------------------- SISMEMBER & co

TEST(SIsMemberCommandTest, AnswersForBothEncodings) {
  CommandHarness h;
  h.Run({"sadd", "i", "1", "2"});
  h.Run({"sadd", "h", "a", "2"});
  EXPECT_EQ(h.Run({"sismember", "i", "2"}).integer, 1);
  EXPECT_EQ(h.Run({"sismember", "i", "a"}).integer, 0);
  EXPECT_EQ(h.Run({"sismember", "h", "a"}).integer, 1);
  EXPECT_EQ(h.Run({"sismember", "h", "b"}).integer, 0);
  EXPECT_EQ(h.Run({"sismember", "nope", "a"}).integer, 0);
}

TEST(SIsMemberCommandTest, RepliesAnIntegerInResp3) {
  CommandHarness h;
  h.Run({"hello", "3"});
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.RunRaw({"sismember", "s", "a"}), ":1\r\n");
}

TEST(SMIsMemberCommandTest, OneAnswerPerValueAndZerosForMissingKey) {
  CommandHarness h;
  h.Run({"sadd", "s", "a", "b"});
  EXPECT_EQ(h.RunRaw({"smismember", "s", "a", "x", "b"}), "*3\r\n:1\r\n:0\r\n:1\r\n");
  EXPECT_EQ(h.RunRaw({"smismember", "nope", "a", "b"}), "*2\r\n:0\r\n:0\r\n");
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"smismember", "k", "a"}).str, kWrongType);
}

TEST(SCardCommandTest, CountsMembers) {
  CommandHarness h;
  h.Run({"sadd", "s", "a", "b", "1"});
  EXPECT_EQ(h.Run({"scard", "s"}).integer, 3);
  EXPECT_EQ(h.Run({"scard", "nope"}).integer, 0);
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"scard", "k"}).str, kWrongType);
}

// ------------------------------------------------------------------ SMOVE

TEST(SMoveCommandTest, MovesAMemberAndCreatesTheDestination) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEAn");
  h.Run({"sadd", "src", "a", "b"});
  ev.Take();
  EXPECT_EQ(h.Run({"smove", "src", "dst", "a"}).integer, 1);
  EXPECT_EQ(Members(h, "src"), (V{"b"}));
  EXPECT_EQ(Members(h, "dst"), (V{"a"}));
  EXPECT_EQ(ev.Take(), (Events{"srem src@0", "new dst@0", "sadd dst@0"}));
}

TEST(SMoveCommandTest, MovingTheLastMemberDeletesTheSource) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"sadd", "src", "a"});
  h.Run({"sadd", "dst", "a"});
  ev.Take();
  const uint64_t before = Dirty(h);
  EXPECT_EQ(h.Run({"smove", "src", "dst", "a"}).integer, 1);
  EXPECT_EQ(h.Run({"exists", "src"}).integer, 0);
  // Already in the destination: no sadd, one dirty change.
  EXPECT_EQ(ev.Take(), (Events{"srem src@0", "del src@0"}));
  EXPECT_EQ(Dirty(h) - before, 1u);
}

TEST(SMoveCommandTest, MissingSourceIsZeroEvenWithAWrongDestination) {
  CommandHarness h;
  h.Run({"set", "str", "v"});
  EXPECT_EQ(h.Run({"smove", "nope", "str", "a"}).integer, 0);
}

TEST(SMoveCommandTest, WrongTypeSourceOrDestination) {
  CommandHarness h;
  h.Run({"set", "str", "v"});
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Run({"smove", "s", "str", "a"}).str, kWrongType);
  EXPECT_EQ(h.Run({"smove", "str", "s", "a"}).str, kWrongType);
  EXPECT_EQ(h.Run({"smove", "s", "str", "notthere"}).str, kWrongType);
  EXPECT_EQ(Members(h, "s"), (V{"a"}));
}

TEST(SMoveCommandTest, SameKeyOnlyTellsMembership) {
  CommandHarness h;
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Run({"smove", "s", "s", "a"}).integer, 1);
  EXPECT_EQ(h.Run({"smove", "s", "s", "b"}).integer, 0);
  EXPECT_EQ(Members(h, "s"), (V{"a"}));
}

TEST(SMoveCommandTest, NonMemberIsZero) {
  CommandHarness h;
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Run({"smove", "s", "d", "x"}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "d"}).integer, 0);
}

TEST(SMoveCommandTest, IntegerIntoIntsetKeepsIntsetAndStringConverts) {
  CommandHarness h;
  h.Run({"sadd", "src", "1", "a"});
  h.Run({"sadd", "dst", "2"});
  h.Run({"smove", "src", "dst", "1"});
  EXPECT_EQ(Encoding(h, "dst"), "intset");
  h.Run({"smove", "src", "dst", "a"});
  EXPECT_EQ(Encoding(h, "dst"), "hashtable");
}

// ------------------------------------------------------------------ SPOP

TEST(SPopCommandTest, PopsOneMemberAndDeletesTheEmptySet) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"sadd", "s", "a"});
  ev.Take();
  EXPECT_EQ(h.Run({"spop", "s"}).str, "a");
  EXPECT_EQ(h.Run({"exists", "s"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"spop s@0", "del s@0"}));
  EXPECT_EQ(h.RunRaw({"spop", "s"}), "$-1\r\n");
}

TEST(SPopCommandTest, WithCountPopsDistinctMembers) {
  CommandHarness h;
  h.Run({"sadd", "s", "a", "b", "c", "d", "1"});
  Reply r = h.Run({"spop", "s", "3"});
  ASSERT_EQ(r.elements.size(), 3u);
  std::set<std::string> popped;
  for (const Reply& e : r.elements) popped.insert(e.str);
  EXPECT_EQ(popped.size(), 3u);
  EXPECT_EQ(h.Run({"scard", "s"}).integer, 2);
  for (const std::string& m : Members(h, "s")) EXPECT_EQ(popped.count(m), 0u);
}

TEST(SPopCommandTest, CountAtLeastTheSizeTakesEverything) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"sadd", "s", "1", "2", "3"});
  ev.Take();
  EXPECT_EQ(Sorted(h.Run({"spop", "s", "10"})), (V{"1", "2", "3"}));
  EXPECT_EQ(h.Run({"exists", "s"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"spop s@0", "del s@0"}));
}

TEST(SPopCommandTest, CountRepliesAreSetsInResp3) {
  CommandHarness h;
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"spop", "nope", "2"}), "~0\r\n");
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.RunRaw({"spop", "s", "0"}), "~0\r\n");
  EXPECT_EQ(h.RunRaw({"spop", "s", "1"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(h.RunRaw({"spop", "nope"}), "_\r\n");
}

TEST(SPopCommandTest, BadCounts) {
  CommandHarness h;
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Run({"spop", "s", "-1"}).str, "ERR value is out of range, must be positive");
  EXPECT_EQ(h.Run({"spop", "s", "x"}).str, "ERR value is out of range, must be positive");
  EXPECT_EQ(h.Run({"spop", "s", "1", "2"}).str, kSyntax);
  // The count is checked before the key.
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"spop", "k", "-1"}).str, "ERR value is out of range, must be positive");
  EXPECT_EQ(h.Run({"spop", "k", "1"}).str, kWrongType);
}

TEST(SPopCommandTest, DirtyCountsPoppedMembers) {
  CommandHarness h;
  h.Run({"sadd", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  const uint64_t before = Dirty(h);
  h.Run({"spop", "s", "4"});
  EXPECT_EQ(Dirty(h) - before, 4u);
  h.Run({"spop", "s", "100"});
  EXPECT_EQ(Dirty(h) - before, 10u);
}

TEST(SPopCommandTest, LargeCountRebuildsTheRemainder) {
  CommandHarness h;
  for (int i = 0; i < 100; ++i) h.Run({"sadd", "s", "m" + std::to_string(i)});
  h.Run({"sadd", "s", "7"});
  Reply r = h.Run({"spop", "s", "99"});
  EXPECT_EQ(r.elements.size(), 99u);
  EXPECT_EQ(h.Run({"scard", "s"}).integer, 2);
}

// ------------------------------------------------------------ SRANDMEMBER

TEST(SRandMemberCommandTest, WithoutCountReturnsAMember) {
  CommandHarness h;
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Run({"srandmember", "s"}).str, "a");
  EXPECT_EQ(h.RunRaw({"srandmember", "nope"}), "$-1\r\n");
  EXPECT_EQ(h.Run({"scard", "s"}).integer, 1);
}

TEST(SRandMemberCommandTest, PositiveCountGivesDistinctMembers) {
  CommandHarness h;
  h.Run({"sadd", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  for (const char* count : {"2", "8", "10", "50"}) {
    Reply r = h.Run({"srandmember", "s", count});
    std::set<std::string> got;
    for (const Reply& e : r.elements) got.insert(e.str);
    EXPECT_EQ(got.size(), r.elements.size());
    EXPECT_EQ(r.elements.size(), std::min<size_t>(std::stoul(count), 10));
  }
}

TEST(SRandMemberCommandTest, NegativeCountMayRepeat) {
  CommandHarness h;
  h.Run({"sadd", "s", "a", "b"});
  Reply r = h.Run({"srandmember", "s", "-20"});
  EXPECT_EQ(r.elements.size(), 20u);
}

TEST(SRandMemberCommandTest, CountRepliesAreArraysInResp3) {
  CommandHarness h;
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"srandmember", "nope", "2"}), "*0\r\n");
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.RunRaw({"srandmember", "s", "0"}), "*0\r\n");
  EXPECT_EQ(h.RunRaw({"srandmember", "s", "-2"}), "*2\r\n$1\r\na\r\n$1\r\na\r\n");
}

TEST(SRandMemberCommandTest, BadCounts) {
  CommandHarness h;
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Run({"srandmember", "s", "-9223372036854775808"}).str,
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
  EXPECT_EQ(h.Run({"srandmember", "s", "x"}).str, kNotInteger);
  EXPECT_EQ(h.Run({"srandmember", "s", "1", "2"}).str, kSyntax);
}

// ------------------------------------------------------------------ SSCAN

TEST(SScanCommandTest, IntsetComesBackWholeWithCursorZero) {
  CommandHarness h;
  h.Run({"sadd", "s", "1", "2", "3"});
  EXPECT_EQ(h.RunRaw({"sscan", "s", "7", "count", "1"}),
            "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
}

TEST(SScanCommandTest, WalksAHashtableCompletely) {
  CommandHarness h;
  std::set<std::string> want;
  for (int i = 0; i < 500; ++i) {
    want.insert("m" + std::to_string(i));
    h.Run({"sadd", "s", "m" + std::to_string(i)});
  }
  std::set<std::string> seen;
  std::string cursor = "0";
  do {
    Reply r = h.Run({"sscan", "s", cursor, "count", "20"});
    cursor = r.elements[0].str;
    for (const Reply& e : r.elements[1].elements) seen.insert(e.str);
  } while (cursor != "0");
  EXPECT_EQ(seen, want);
}

TEST(SScanCommandTest, MatchFilters) {
  CommandHarness h;
  h.Run({"sadd", "s", "foo", "bar", "fab", "1"});
  EXPECT_EQ(Sorted(h.Run({"sscan", "s", "0", "match", "f*", "count", "100"}).elements[1]),
            (V{"fab", "foo"}));
  h.Run({"sadd", "i", "10", "11", "20"});
  EXPECT_EQ(Sorted(h.Run({"sscan", "i", "0", "match", "1*"}).elements[1]), (V{"10", "11"}));
}

TEST(SScanCommandTest, BadArguments) {
  CommandHarness h;
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Run({"sscan", "s", "x"}).str, "ERR invalid cursor");
  EXPECT_EQ(h.Run({"sscan", "s", "0", "count", "0"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sscan", "s", "0", "count", "x"}).str, kNotInteger);
  EXPECT_EQ(h.Run({"sscan", "s", "0", "type", "set"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sscan", "s", "0", "match"}).str, kSyntax);
  // Options are read only for an existing key.
  EXPECT_EQ(h.RunRaw({"sscan", "nope", "0", "count", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"sscan", "k", "0"}).str, kWrongType);
}

// ------------------------------------------------------- SMEMBERS, SINTER

TEST(SMembersCommandTest, RepliesWithASetInResp3) {
  CommandHarness h;
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"smembers", "nope"}), "~0\r\n");
  h.Run({"sadd", "s", "2", "1"});
  EXPECT_EQ(h.RunRaw({"smembers", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

TEST(SInterCommandTest, IntersectsMixedEncodings) {
  CommandHarness h;
  h.Run({"sadd", "a", "1", "2", "3", "x"});
  h.Run({"sadd", "b", "2", "3", "4"});
  h.Run({"sadd", "c", "3", "2", "x"});
  EXPECT_EQ(Sorted(h.Run({"sinter", "a", "b", "c"})), (V{"2", "3"}));
  EXPECT_EQ(Sorted(h.Run({"sinter", "a", "a"})), (V{"1", "2", "3", "x"}));
}

TEST(SInterCommandTest, MissingKeyGivesEmptyButWrongTypeWins) {
  CommandHarness h;
  h.Run({"sadd", "a", "1"});
  h.Run({"set", "str", "v"});
  EXPECT_EQ(h.RunRaw({"sinter", "a", "nope"}), "*0\r\n");
  EXPECT_EQ(h.Run({"sinter", "nope", "str"}).str, kWrongType);
}

TEST(SInterCardCommandTest, CountsWithAndWithoutLimit) {
  CommandHarness h;
  h.Run({"sadd", "a", "1", "2", "3", "4"});
  h.Run({"sadd", "b", "2", "3", "4", "5"});
  EXPECT_EQ(h.Run({"sintercard", "2", "a", "b"}).integer, 3);
  EXPECT_EQ(h.Run({"sintercard", "2", "a", "b", "limit", "2"}).integer, 2);
  EXPECT_EQ(h.Run({"sintercard", "2", "a", "b", "LIMIT", "0"}).integer, 3);
  EXPECT_EQ(h.Run({"sintercard", "2", "a", "nope"}).integer, 0);
}

TEST(SInterCardCommandTest, BadArguments) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"sintercard", "0", "a"}).str, "ERR numkeys should be greater than 0");
  EXPECT_EQ(h.Run({"sintercard", "x", "a"}).str, "ERR numkeys should be greater than 0");
  EXPECT_EQ(h.Run({"sintercard", "2", "a"}).str,
            "ERR Number of keys can't be greater than number of args");
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "limit", "-1"}).str, "ERR LIMIT can't be negative");
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "limit"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "foo"}).str, kSyntax);
  h.Run({"set", "str", "v"});
  EXPECT_EQ(h.Run({"sintercard", "1", "str"}).str, kWrongType);
}

// ------------------------------------------------------------- *STORE

TEST(SInterStoreCommandTest, StoresOverAnyTypeAndDropsTheTtl) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"sadd", "a", "1", "2"});
  h.Run({"sadd", "b", "2", "3"});
  h.Run({"set", "dst", "v", "ex", "100"});
  ev.Take();
  EXPECT_EQ(h.Run({"sinterstore", "dst", "a", "b"}).integer, 1);
  EXPECT_EQ(Members(h, "dst"), (V{"2"}));
  EXPECT_EQ(Encoding(h, "dst"), "intset");
  EXPECT_EQ(h.Run({"ttl", "dst"}).integer, -1);
  EXPECT_EQ(ev.Take(), (Events{"sinterstore dst@0"}));
}

TEST(SInterStoreCommandTest, EmptyResultDeletesTheDestination) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"sadd", "a", "1"});
  h.Run({"set", "dst", "v"});
  ev.Take();
  EXPECT_EQ(h.Run({"sinterstore", "dst", "a", "nope"}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "dst"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"del dst@0"}));
  EXPECT_EQ(h.Run({"sinterstore", "dst", "a", "nope"}).integer, 0);
  EXPECT_EQ(ev.Take(), Events{});
}

TEST(SInterStoreCommandTest, WrongTypeSourceLeavesTheDestination) {
  CommandHarness h;
  h.Run({"set", "str", "v"});
  h.Run({"sadd", "dst", "x"});
  EXPECT_EQ(h.Run({"sinterstore", "dst", "str"}).str, kWrongType);
  EXPECT_EQ(Members(h, "dst"), (V{"x"}));
}

TEST(SUnionCommandTest, UnitesAndTreatsMissingAsEmpty) {
  CommandHarness h;
  h.Run({"sadd", "a", "1", "2"});
  h.Run({"sadd", "b", "2", "x"});
  EXPECT_EQ(Sorted(h.Run({"sunion", "a", "nope", "b"})), (V{"1", "2", "x"}));
  h.Run({"hello", "3"});
  EXPECT_EQ(h.RunRaw({"sunion", "nope"}), "~0\r\n");
}

TEST(SUnionStoreCommandTest, StoresWithTheEncodingSaddWouldGive) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEAn");
  h.Run({"sadd", "a", "1", "2"});
  h.Run({"sadd", "b", "x"});
  h.Run({"sadd", "c", "3"});
  ev.Take();
  EXPECT_EQ(h.Run({"sunionstore", "d", "a", "c"}).integer, 3);
  EXPECT_EQ(Encoding(h, "d"), "intset");
  EXPECT_EQ(ev.Take(), (Events{"new d@0", "sunionstore d@0"}));
  EXPECT_EQ(h.Run({"sunionstore", "d", "d", "b"}).integer, 4);
  EXPECT_EQ(Encoding(h, "d"), "hashtable");
  EXPECT_EQ(Members(h, "d"), (V{"1", "2", "3", "x"}));
}

TEST(SDiffCommandTest, SubtractsTheOtherSets) {
  CommandHarness h;
  h.Run({"sadd", "a", "1", "2", "3", "x", "y"});
  h.Run({"sadd", "b", "2", "x"});
  h.Run({"sadd", "c", "3"});
  EXPECT_EQ(Sorted(h.Run({"sdiff", "a", "b", "nope", "c"})), (V{"1", "y"}));
  EXPECT_EQ(Sorted(h.Run({"sdiff", "a", "a"})), V{});
  EXPECT_EQ(Sorted(h.Run({"sdiff", "nope", "a"})), V{});
  EXPECT_EQ(Sorted(h.Run({"sdiff", "a"})), (V{"1", "2", "3", "x", "y"}));
  // The copy-and-remove strategy: a big first set, small others.
  for (int i = 0; i < 100; ++i) h.Run({"sadd", "big", std::to_string(i)});
  EXPECT_EQ(h.Run({"sdiff", "big", "c", "b"}).elements.size(), 98u);
  EXPECT_EQ(h.Run({"sdiff", "c", "big"}).elements.size(), 0u);
}

TEST(SDiffStoreCommandTest, StoresOrDeletes) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEAn");
  h.Run({"sadd", "a", "1", "2"});
  h.Run({"sadd", "b", "2"});
  ev.Take();
  EXPECT_EQ(h.Run({"sdiffstore", "d", "a", "b"}).integer, 1);
  EXPECT_EQ(ev.Take(), (Events{"new d@0", "sdiffstore d@0"}));
  EXPECT_EQ(h.Run({"sdiffstore", "d", "b", "a"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"del d@0"}));
}

// ------------------------------------------- generic commands on sets

TEST(SetGenericCommandsTest, CopyRenameMoveAndScanType) {
  CommandHarness h("enable-debug-command yes");
  h.Run({"sadd", "s", "a", "b"});
  h.Run({"sadd", "i", "1"});
  h.Run({"set", "str", "v"});
  EXPECT_EQ(h.Run({"copy", "s", "s2"}).integer, 1);
  h.Run({"sadd", "s", "c"});
  EXPECT_EQ(Members(h, "s2"), (V{"a", "b"}));
  EXPECT_EQ(h.Run({"copy", "i", "i2"}).integer, 1);
  EXPECT_EQ(Encoding(h, "i2"), "intset");
  EXPECT_EQ(h.Run({"rename", "s2", "s3"}).ToString(), "OK");
  EXPECT_EQ(Members(h, "s3"), (V{"a", "b"}));
  EXPECT_EQ(h.Run({"move", "s3", "1"}).integer, 1);
  Reply scan = h.Run({"scan", "0", "type", "set", "count", "100"});
  EXPECT_EQ(Sorted(scan.elements[1]), (V{"i", "i2", "s"}));
  EXPECT_GT(h.Run({"memory", "usage", "s"}).integer, 0);
  EXPECT_EQ(h.Run({"debug", "object", "i"}).str.find("encoding:intset") != std::string::npos,
            true);
}

TEST(SetGenericCommandsTest, DigestDependsOnMembersOnly) {
  CommandHarness h("enable-debug-command yes");
  h.Run({"sadd", "a", "1", "2", "3"});
  h.Run({"sadd", "b", "x", "3", "2", "1"});
  h.Run({"srem", "b", "x"});  // same members, hashtable encoding
  EXPECT_EQ(Encoding(h, "b"), "hashtable");
  Reply d = h.Run({"debug", "digest-value", "a", "b"});
  ASSERT_EQ(d.elements.size(), 2u);
  EXPECT_EQ(d.elements[0].str, d.elements[1].str);
  const std::string before = h.Run({"debug", "digest"}).str;
  h.Run({"sadd", "b", "4"});
  EXPECT_NE(h.Run({"debug", "digest"}).str, before);
}

}  // namespace
}  // namespace osprey::testing
