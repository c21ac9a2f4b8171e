// SCAN: cursor parsing, options and their errors, filtering, and the
// guarantee that a key present for the whole walk is returned even when the
// table grows or shrinks between calls.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "keyspace/keyspace.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class ScanHandlerTest : public ::testing::Test {
 protected:
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }

  void AddKeys(const std::string& prefix, int from, int to) {
    for (int i = from; i < to; ++i) Run({"set", prefix + std::to_string(i), "v"});
  }

  // Walks from cursor 0 back to 0 with the given options; returns every key
  // seen (with repeats) and the number of calls in *calls.
  std::vector<std::string> ScanAll(std::vector<std::string_view> options, int* calls = nullptr) {
    std::vector<std::string> seen;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string_view> args = {"scan", cursor};
      args.insert(args.end(), options.begin(), options.end());
      Reply r = h_.Run(args);
      EXPECT_EQ(r.elements.size(), 2u) << r;
      if (r.elements.size() != 2) break;
      cursor = r.elements[0].str;
      for (const Reply& k : r.elements[1].elements) seen.push_back(k.str);
      ++n;
    } while (cursor != "0" && n < 1000000);
    if (calls) *calls = n;
    return seen;
  }

  size_t DbSize() { return h_.server().keyspace().db(0).size(); }

  CommandHarness h_;
};

TEST_F(ScanHandlerTest, EmptyDbGivesCursorZeroAndNoKeysAsBulkCursor) {
  EXPECT_EQ(h_.RunRaw({"scan", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_F(ScanHandlerTest, AFullWalkReturnsEveryKey) {
  AddKeys("key:", 0, 1000);
  int calls = 0;
  std::vector<std::string> seen = ScanAll({}, &calls);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1000u);
  EXPECT_GT(calls, 1);
}

TEST_F(ScanHandlerTest, CountBoundsTheKeysCollectedPerCall) {
  AddKeys("k", 0, 500);
  Reply r = h_.Run({"scan", "0", "count", "5"});
  EXPECT_NE(r.elements[0].str, "0");
  EXPECT_GE(r.elements[1].elements.size(), 1u);
  // A call stops once it has COUNT keys; the last step may add a few more.
  EXPECT_LE(r.elements[1].elements.size(), 5u + 20u);
  int small_calls = 0, big_calls = 0;
  std::vector<std::string> small = ScanAll({"count", "5"}, &small_calls);
  EXPECT_EQ(std::set<std::string>(small.begin(), small.end()).size(), 500u);
  std::vector<std::string> all = ScanAll({"COUNT", "1000"}, &big_calls);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 500u);
  EXPECT_LT(big_calls, small_calls);
}

TEST_F(ScanHandlerTest, LargeCountReturnsEverythingInOneCall) {
  AddKeys("k", 0, 300);
  Reply r = h_.Run({"scan", "0", "count", "100000"});
  EXPECT_EQ(r.elements[0].str, "0");
  EXPECT_EQ(r.elements[1].elements.size(), 300u);
  r = h_.Run({"scan", "0", "count", "9223372036854775807"});
  EXPECT_EQ(r.elements[1].elements.size(), 300u);
}

TEST_F(ScanHandlerTest, MatchFiltersByGlobPattern) {
  AddKeys("key:", 0, 1000);
  std::vector<std::string> seen = ScanAll({"match", "key:1??"});
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 100u);
  for (const std::string& k : unique) EXPECT_EQ(k.substr(0, 5), "key:1");
}

TEST_F(ScanHandlerTest, MatchStarIsNoFilterAndListsTheEmptyKey) {
  Run({"set", "", "v"});
  Run({"set", "a", "v"});
  std::vector<std::string> seen = ScanAll({"match", "*"});
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), (std::set<std::string>{"", "a"}));
  seen = ScanAll({"match", "**"});
  EXPECT_EQ(seen, std::vector<std::string>{"a"});
}

TEST_F(ScanHandlerTest, TheLastMatchWins) {
  Run({"set", "a1", "v"});
  Run({"set", "b1", "v"});
  EXPECT_EQ(ScanAll({"match", "a*", "match", "b*"}), std::vector<std::string>{"b1"});
}

TEST_F(ScanHandlerTest, TypeFiltersCaseInsensitively) {
  AddKeys("s", 0, 100);
  EXPECT_EQ(ScanAll({"type", "string"}).size(), 100u);
  EXPECT_EQ(ScanAll({"type", "STRING"}).size(), 100u);
  EXPECT_EQ(ScanAll({"type", "list"}).size(), 0u);
  EXPECT_EQ(ScanAll({"type", "nosuchtype"}).size(), 0u);
  EXPECT_EQ(ScanAll({"type", "string", "match", "s1*", "count", "10"}).size(), 11u);
}

TEST_F(ScanHandlerTest, ExpiredKeysAreSkippedAndDeleted) {
  AddKeys("live", 0, 50);
  for (int i = 0; i < 50; ++i) Run({"set", "dead" + std::to_string(i), "v", "px", "10"});
  h_.AdvanceMillis(11);
  std::vector<std::string> seen = ScanAll({});
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 50u);
  for (const std::string& k : unique) EXPECT_EQ(k.substr(0, 4), "live");
  EXPECT_EQ(DbSize(), 50u);
}

TEST_F(ScanHandlerTest, ExpiredKeysAreSkippedWithATypeFilter) {
  Run({"set", "dead", "v", "px", "10"});
  Run({"set", "live", "v"});
  h_.AdvanceMillis(11);
  EXPECT_EQ(ScanAll({"type", "string"}), std::vector<std::string>{"live"});
}

TEST_F(ScanHandlerTest, SeesOnlyTheSelectedDb) {
  Run({"set", "db0", "v"});
  Run({"select", "4"});
  Run({"set", "db4", "v"});
  EXPECT_EQ(ScanAll({}), std::vector<std::string>{"db4"});
}

// ---------------------------------------------------------------- cursor

TEST_F(ScanHandlerTest, CursorAcceptsWhatStrtoulAccepts) {
  Run({"set", "a", "v"});
  for (std::string_view c : {"", "00", "+0", "-0"}) {
    Reply r = h_.Run({"scan", c});
    EXPECT_EQ(r.elements.size(), 2u) << c;
  }
  // "-1" wraps to 2^64-1: the last slot of the walk, so the next cursor is 0.
  for (std::string_view c : {"-1", "18446744073709551615"}) {
    Reply r = h_.Run({"scan", c});
    ASSERT_EQ(r.elements.size(), 2u) << c;
    EXPECT_EQ(r.elements[0].str, "0") << c;
  }
}

TEST_F(ScanHandlerTest, InvalidCursorsAreRejected) {
  for (std::string_view c :
       {"abc", "1.5", " 0", "0 ", "0x", "18446744073709551616", "99999999999999999999999"}) {
    EXPECT_EQ(Run({"scan", c}), "ERR invalid cursor") << c;
  }
}

TEST_F(ScanHandlerTest, InvalidCursorIsReportedBeforeBadOptions) {
  EXPECT_EQ(Run({"scan", "x", "foo"}), "ERR invalid cursor");
}

// --------------------------------------------------------------- options

TEST_F(ScanHandlerTest, CountBelowOneIsASyntaxError) {
  EXPECT_EQ(Run({"scan", "0", "count", "0"}), "ERR syntax error");
  EXPECT_EQ(Run({"scan", "0", "count", "-1"}), "ERR syntax error");
}

TEST_F(ScanHandlerTest, NonIntegerCountIsRejected) {
  EXPECT_EQ(Run({"scan", "0", "count", "abc"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"scan", "0", "count", "1.5"}), "ERR value is not an integer or out of range");
}

TEST_F(ScanHandlerTest, UnknownOrIncompleteOptionsAreSyntaxErrors) {
  for (std::vector<std::string_view> opts : {std::vector<std::string_view>{"count"},
                                             {"match"},
                                             {"type"},
                                             {"foo", "bar"},
                                             {"count", "10", "foo"},
                                             {"match", "*", "count"}}) {
    std::vector<std::string_view> args = {"scan", "0"};
    args.insert(args.end(), opts.begin(), opts.end());
    EXPECT_EQ(Run(args), "ERR syntax error");
  }
}

// --------------------------------------------------------- completeness

TEST_F(ScanHandlerTest, KeysPresentThroughoutAreSeenWhileTheTableGrows) {
  AddKeys("stable:", 0, 2000);
  std::set<std::string> seen;
  std::string cursor = "0";
  int step = 0;
  do {
    Reply r = h_.Run({"scan", cursor, "count", "100"});
    cursor = r.elements[0].str;
    for (const Reply& k : r.elements[1].elements) seen.insert(k.str);
    // New keys between calls (thousands over the walk): the table splits
    // many times and its cursor space doubles.
    AddKeys("new:" + std::to_string(step) + ":", 0, 250);
    ++step;
  } while (cursor != "0" && step < 100000);
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(seen.count("stable:" + std::to_string(i))) << "missed stable:" << i;
  }
  EXPECT_GT(DbSize(), 5000u);
}

TEST_F(ScanHandlerTest, KeysPresentThroughoutAreSeenWhileTheTableShrinks) {
  AddKeys("stable:", 0, 1000);
  AddKeys("temp:", 0, 20000);
  std::set<std::string> seen;
  std::string cursor = "0";
  int step = 0;
  int deleted = 0;
  do {
    Reply r = h_.Run({"scan", cursor, "count", "10"});
    cursor = r.elements[0].str;
    for (const Reply& k : r.elements[1].elements) seen.insert(k.str);
    // Delete a thousand keys between calls: the table merges buckets.
    for (int i = 0; i < 1000 && deleted < 20000; ++i, ++deleted) {
      Run({"del", "temp:" + std::to_string(deleted)});
    }
    ++step;
  } while (cursor != "0" && step < 100000);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(seen.count("stable:" + std::to_string(i))) << "missed stable:" << i;
  }
}

TEST_F(ScanHandlerTest, KeysPresentThroughoutAreSeenWhileTheTableGrowsAndShrinks) {
  AddKeys("stable:", 0, 500);
  std::set<std::string> seen;
  std::string cursor = "0";
  int step = 0;
  do {
    Reply r = h_.Run({"scan", cursor, "count", "20"});
    cursor = r.elements[0].str;
    for (const Reply& k : r.elements[1].elements) seen.insert(k.str);
    // Alternate: add 2000 keys, then delete them all again.
    if (step % 2 == 0) {
      AddKeys("wave:", 0, 2000);
    } else {
      for (int i = 0; i < 2000; ++i) Run({"del", "wave:" + std::to_string(i)});
    }
    ++step;
  } while (cursor != "0" && step < 100000);
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(seen.count("stable:" + std::to_string(i))) << "missed stable:" << i;
  }
}

}  // namespace
}  // namespace osprey::testing
