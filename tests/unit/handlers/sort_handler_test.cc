// SORT and SORT_RO through the real dispatcher (CommandHarness). Expected
// replies, errors and events are what Redis 7.0.15 gives for the same
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

using V = std::vector<std::string>;
using Events = std::vector<std::string>;

constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kBadDouble = "ERR One or more scores can't be converted into double";

V Strings(const Reply& r) {
  V out;
  for (const Reply& e : r.elements) out.push_back(e.is_null() ? "(nil)" : e.str);
  return out;
}

V Sort(CommandHarness& h, std::vector<std::string_view> args) {
  args.insert(args.begin(), "sort");
  return Strings(h.Run(args));
}

// ------------------------------------------------------------ sorting

TEST(SortCommandTest, SortsListsSetsAndSortedSetsNumerically) {
  CommandHarness h;
  h.Run({"rpush", "l", "3", "1", "10", "2.5", "-1"});
  h.Run({"sadd", "s", "3", "1", "10", "-1"});
  h.Run({"zadd", "z", "1", "10", "2", "3", "3", "-1"});
  EXPECT_EQ(Sort(h, {"l"}), (V{"-1", "1", "2.5", "3", "10"}));
  EXPECT_EQ(Sort(h, {"s"}), (V{"-1", "1", "3", "10"}));
  EXPECT_EQ(Sort(h, {"z"}), (V{"-1", "3", "10"}));
  EXPECT_EQ(Sort(h, {"l", "desc"}), (V{"10", "3", "2.5", "1", "-1"}));
}

TEST(SortCommandTest, MissingKeyIsAnEmptyList) {
  CommandHarness h;
  EXPECT_EQ(h.RunRaw({"sort", "nope"}), "*0\r\n");
}

TEST(SortCommandTest, NumbersReadAsStrtodReadsThem) {
  CommandHarness h;
  h.Run({"rpush", "l", "0x10", " 3", "inf", "-inf", "", "1e2"});
  EXPECT_EQ(Sort(h, {"l"}), (V{"-inf", "", " 3", "0x10", "1e2", "inf"}));
}

TEST(SortCommandTest, NotANumberFailsTheWholeCommand) {
  CommandHarness h;
  for (const char* bad : {"abc", "1x", "nan", "1e500", "3 "}) {
    h.Run({"del", "l"});
    h.Run({"rpush", "l", "1", bad});
    EXPECT_EQ(h.Run({"sort", "l"}).str, kBadDouble) << bad;
  }
}

TEST(SortCommandTest, EqualScoresCompareTheElements) {
  CommandHarness h;
  h.Run({"rpush", "l", "b", "a", "c"});
  h.Run({"set", "w_a", "1"});
  h.Run({"set", "w_b", "1"});
  h.Run({"set", "w_c", "0"});
  EXPECT_EQ(Sort(h, {"l", "by", "w_*"}), (V{"c", "a", "b"}));
  EXPECT_EQ(Sort(h, {"l", "by", "w_*", "desc"}), (V{"b", "a", "c"}));
}

TEST(SortCommandTest, Alpha) {
  CommandHarness h;
  h.Run({"rpush", "l", "b", "10", "a", "9"});
  EXPECT_EQ(Sort(h, {"l", "alpha"}), (V{"10", "9", "a", "b"}));
  EXPECT_EQ(Sort(h, {"l", "ALPHA", "DESC"}), (V{"b", "a", "9", "10"}));
}

TEST(SortCommandTest, AlphaByMissingValuesSortFirst) {
  CommandHarness h;
  h.Run({"rpush", "l", "1", "2", "3"});
  h.Run({"set", "n_1", "zz"});
  h.Run({"set", "n_3", "aa"});
  EXPECT_EQ(Sort(h, {"l", "by", "n_*", "alpha"}), (V{"2", "3", "1"}));
}

TEST(SortCommandTest, Limit) {
  CommandHarness h;
  h.Run({"rpush", "l", "5", "4", "3", "2", "1"});
  EXPECT_EQ(Sort(h, {"l", "limit", "1", "2"}), (V{"2", "3"}));
  EXPECT_EQ(Sort(h, {"l", "limit", "-5", "2"}), (V{"1", "2"}));
  EXPECT_EQ(Sort(h, {"l", "limit", "3", "-1"}), (V{"4", "5"}));
  EXPECT_EQ(Sort(h, {"l", "limit", "10", "2"}), V{});
  EXPECT_EQ(Sort(h, {"l", "limit", "0", "0"}), V{});
  EXPECT_EQ(Sort(h, {"l", "limit", "2", "9223372036854775807"}), (V{"3", "4", "5"}));
}

// ---------------------------------------------------- BY and GET patterns

TEST(SortCommandTest, ByKeyAndHashField) {
  CommandHarness h;
  h.Run({"rpush", "l", "1", "2", "3"});
  h.Run({"mset", "w_1", "30", "w_2", "10", "w_3", "20"});
  h.Run({"hset", "h_1", "f", "3"});
  h.Run({"hset", "h_2", "f", "1"});
  h.Run({"hset", "h_3", "f", "2"});
  EXPECT_EQ(Sort(h, {"l", "by", "w_*"}), (V{"2", "3", "1"}));
  EXPECT_EQ(Sort(h, {"l", "by", "h_*->f"}), (V{"2", "3", "1"}));
  // Only the first '*' is replaced.
  h.Run({"mset", "x_1_*", "3", "x_2_*", "2", "x_3_*", "1"});
  EXPECT_EQ(Sort(h, {"l", "by", "x_*_*"}), (V{"3", "2", "1"}));
}

TEST(SortCommandTest, GetPatterns) {
  CommandHarness h;
  h.Run({"rpush", "l", "1", "2", "3"});
  h.Run({"mset", "v_1", "one", "v_3", "three"});
  h.Run({"hset", "h_2", "name", "two"});
  EXPECT_EQ(Sort(h, {"l", "get", "#", "get", "v_*", "get", "h_*->name"}),
            (V{"1", "one", "(nil)", "2", "(nil)", "two", "3", "three", "(nil)"}));
  EXPECT_EQ(Sort(h, {"l", "get", "const"}), (V{"(nil)", "(nil)", "(nil)"}));
  // "->" with nothing after it is part of the key name.
  h.Run({"set", "k_1->", "x"});
  EXPECT_EQ(Sort(h, {"l", "get", "k_*->"}), (V{"x", "(nil)", "(nil)"}));
  // A key of the wrong type gives nil.
  h.Run({"rpush", "v_2", "x"});
  EXPECT_EQ(Sort(h, {"l", "get", "v_*", "limit", "1", "1"}), (V{"(nil)"}));
}

TEST(SortCommandTest, GetNilIsNullInResp3) {
  CommandHarness h;
  h.Run({"hello", "3"});
  h.Run({"rpush", "l", "1"});
  EXPECT_EQ(h.RunRaw({"sort", "l", "get", "nope_*"}), "*1\r\n_\r\n");
}

// --------------------------------------------------------------- nosort

TEST(SortCommandTest, NosortKeepsListAndSortedSetOrder) {
  CommandHarness h;
  h.Run({"rpush", "l", "3", "1", "2"});
  h.Run({"zadd", "z", "1", "a", "5", "b", "2", "c", "10", "d", "3", "e"});
  EXPECT_EQ(Sort(h, {"l", "by", "nosort"}), (V{"3", "1", "2"}));
  EXPECT_EQ(Sort(h, {"l", "by", "nosort", "desc"}), (V{"2", "1", "3"}));
  EXPECT_EQ(Sort(h, {"l", "by", "nosort", "limit", "1", "5"}), (V{"1", "2"}));
  EXPECT_EQ(Sort(h, {"l", "by", "nosort", "desc", "limit", "1", "1"}), (V{"1"}));
  EXPECT_EQ(Sort(h, {"z", "by", "nosort"}), (V{"a", "c", "e", "b", "d"}));
  EXPECT_EQ(Sort(h, {"z", "by", "nosort", "desc"}), (V{"d", "b", "e", "c", "a"}));
  EXPECT_EQ(Sort(h, {"z", "by", "nosort", "limit", "1", "2"}), (V{"c", "e"}));
  EXPECT_EQ(Sort(h, {"z", "by", "nosort", "desc", "limit", "1", "2"}), (V{"b", "e"}));
}

// Redis converts the sorted set it sorts to a skiplist for good, SORT_RO and
// sorts that fail included; a failed option parse or another type does not.
TEST(SortCommandTest, SortingASortedSetMakesItASkiplist) {
  CommandHarness h;
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  h.Run({"zadd", "z2", "1", "a"});
  h.Run({"zadd", "z3", "1", "x"});
  h.Run({"zadd", "z4", "1", "a"});
  EXPECT_EQ(h.Run({"object", "encoding", "z"}).str, "listpack");
  EXPECT_EQ(h.Run({"sort", "z", "foo"}).str, kSyntax);
  EXPECT_EQ(h.Run({"object", "encoding", "z"}).str, "listpack");
  EXPECT_EQ(Sort(h, {"z", "alpha", "limit", "0", "1"}), (V{"a"}));
  EXPECT_EQ(h.Run({"object", "encoding", "z"}).str, "skiplist");
  EXPECT_EQ(Strings(h.Run({"sort_ro", "z2", "by", "nosort"})), (V{"a"}));
  EXPECT_EQ(h.Run({"object", "encoding", "z2"}).str, "skiplist");
  EXPECT_EQ(h.Run({"sort", "z3"}).str, kBadDouble);
  EXPECT_EQ(h.Run({"object", "encoding", "z3"}).str, "skiplist");
  // Still a working sorted set afterwards.
  EXPECT_EQ(h.Run({"zadd", "z", "3", "c"}).integer, 1);
  EXPECT_EQ(Strings(h.Run({"zrange", "z", "0", "-1"})), (V{"a", "b", "c"}));
  h.Run({"rpush", "l", "1"});
  EXPECT_EQ(Sort(h, {"l"}), (V{"1"}));
  EXPECT_EQ(h.Run({"object", "encoding", "z4"}).str, "listpack");
}

TEST(SortCommandTest, NosortOfASetIsSortedAlphaWhenStored) {
  CommandHarness h;
  h.Run({"sadd", "s", "c", "a", "b", "10"});
  EXPECT_EQ(h.Run({"sort", "s", "by", "nosort", "store", "d"}).integer, 4);
  EXPECT_EQ(Strings(h.Run({"lrange", "d", "0", "-1"})), (V{"10", "a", "b", "c"}));
}

// ---------------------------------------------------------------- STORE

TEST(SortCommandTest, StoreWritesAListOverAnyTypeAndDropsTheTtl) {
  CommandHarness h;
  KeyspaceEvents ev(h, "KEAn");
  h.Run({"rpush", "l", "2", "1"});
  h.Run({"set", "d", "x", "ex", "100"});
  ev.Take();
  const uint64_t before = h.server().stats().dirty;
  EXPECT_EQ(h.Run({"sort", "l", "store", "d"}).integer, 2);
  EXPECT_EQ(h.server().stats().dirty - before, 2u);
  EXPECT_EQ(Strings(h.Run({"lrange", "d", "0", "-1"})), (V{"1", "2"}));
  EXPECT_EQ(h.Run({"ttl", "d"}).integer, -1);
  EXPECT_EQ(h.Run({"object", "encoding", "d"}).str, "quicklist");
  EXPECT_EQ(ev.Take(), (Events{"sortstore d@0"}));
  EXPECT_EQ(h.Run({"sort", "l", "store", "n"}).integer, 2);
  EXPECT_EQ(ev.Take(), (Events{"new n@0", "sortstore n@0"}));
}

TEST(SortCommandTest, StoreWithGetStoresEmptyStringsForMissingValues) {
  CommandHarness h;
  h.Run({"rpush", "l", "1", "2"});
  h.Run({"set", "v_2", "two"});
  EXPECT_EQ(h.Run({"sort", "l", "get", "v_*", "get", "#", "store", "d"}).integer, 4);
  EXPECT_EQ(Strings(h.Run({"lrange", "d", "0", "-1"})), (V{"", "1", "two", "2"}));
}

TEST(SortCommandTest, EmptyResultDeletesTheDestination) {
  CommandHarness h;
  KeyspaceEvents ev(h);
  h.Run({"set", "d", "x"});
  ev.Take();
  EXPECT_EQ(h.Run({"sort", "nope", "store", "d"}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "d"}).integer, 0);
  EXPECT_EQ(ev.Take(), (Events{"del d@0"}));
  EXPECT_EQ(h.Run({"sort", "nope", "store", "d"}).integer, 0);
  EXPECT_EQ(ev.Take(), Events{});
}

TEST(SortCommandTest, TheLastStoreWins) {
  CommandHarness h;
  h.Run({"rpush", "l", "1"});
  h.Run({"sort", "l", "store", "a", "store", "b"});
  EXPECT_EQ(h.Run({"exists", "a"}).integer, 0);
  EXPECT_EQ(h.Run({"exists", "b"}).integer, 1);
}

// --------------------------------------------------------------- errors

TEST(SortCommandTest, BadOptions) {
  CommandHarness h;
  h.Run({"rpush", "l", "1"});
  EXPECT_EQ(h.Run({"sort", "l", "foo"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sort", "l", "limit", "1"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sort", "l", "limit", "x", "1"}).str,
            "ERR value is not an integer or out of range");
  EXPECT_EQ(h.Run({"sort", "l", "by"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sort", "l", "get"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sort", "l", "store"}).str, kSyntax);
  // Options are checked before the key's type.
  h.Run({"set", "str", "v"});
  EXPECT_EQ(h.Run({"sort", "str", "foo"}).str, kSyntax);
  EXPECT_EQ(h.Run({"sort", "str"}).str, kWrongType);
}

TEST(SortRoCommandTest, SortsButRefusesStore) {
  CommandHarness h;
  h.Run({"rpush", "l", "2", "1"});
  EXPECT_EQ(Strings(h.Run({"sort_ro", "l"})), (V{"1", "2"}));
  EXPECT_EQ(h.Run({"sort_ro", "l", "store", "d"}).str, kSyntax);
  EXPECT_EQ(h.Run({"exists", "d"}).integer, 0);
}

}  // namespace
}  // namespace osprey::testing
