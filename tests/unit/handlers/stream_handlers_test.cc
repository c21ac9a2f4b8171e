// The stream commands XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD
// through the real dispatcher (CommandHarness), grouped by command. Replies,
// errors, events and what is propagated are Redis 7.0.15's for the same
// commands. Auto-generated IDs use the harness's fake clock. Blocking cases
// use several clients: a blocked client's reply arrives later (TakePushed).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "handlers/keyspace_events.h"
#include "server/blocking.h"
#include "server/propagation.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using Events = std::vector<std::string>;
using Lines = std::vector<std::string>;

constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kBadId = "ERR Invalid stream ID specified as stream command argument";

std::string Pushed(CommandHarness& h, size_t client) {
  std::vector<Reply> replies = h.TakePushed(client);
  if (replies.empty()) return "(nothing)";
  std::string out;
  for (const Reply& r : replies) out += (out.empty() ? "" : " ; ") + r.ToString();
  return out;
}

void ExpireBlocked(CommandHarness& h) {
  h.server().blocking().HandleTimeouts(h.clock().NowMicros() / 1000);
}

class RecordingSink final : public server::EffectSink {
 public:
  void Write(int db, std::span<const std::string> args) override {
    std::string line = std::to_string(db) + ":";
    for (const auto& a : args) line += " " + a;
    lines.push_back(line);
  }
  std::vector<std::string> lines;
};

class StreamCommandTest : public ::testing::Test {
 protected:
  StreamCommandTest() { h_.server().propagation().AddSink(&sink_); }
  ~StreamCommandTest() override { h_.server().propagation().RemoveSink(&sink_); }
  std::string Run(std::vector<std::string_view> args) { return h_.Run(std::move(args)).ToString(); }
  Lines Propagated() { return std::exchange(sink_.lines, {}); }
  std::string Now() { return std::to_string(h_.clock().NowMillis()); }

  CommandHarness h_;
  RecordingSink sink_;
};

// ------------------------------------------------------------------ XADD

TEST_F(StreamCommandTest, XAddWithExplicitIdsAndReadBack) {
  EXPECT_EQ(Run({"xadd", "s", "1-1", "a", "1", "b", "x"}), "1-1");
  EXPECT_EQ(Run({"xadd", "s", "1-2", "c", "3"}), "1-2");
  EXPECT_EQ(Run({"xadd", "s", "5", "d", "4"}), "5-0");
  EXPECT_EQ(Run({"xrange", "s", "-", "+"}),
            "[[1-1, [a, 1, b, x]], [1-2, [c, 3]], [5-0, [d, 4]]]");
  EXPECT_EQ(Run({"type", "s"}), "stream");
  EXPECT_EQ(Run({"object", "encoding", "s"}), "stream");
  EXPECT_EQ(Run({"xlen", "s"}), "3");
}

TEST_F(StreamCommandTest, XAddGeneratesIdsFromTheClock) {
  const std::string now = Now();
  EXPECT_EQ(Run({"xadd", "s", "*", "f", "v"}), now + "-0");
  EXPECT_EQ(Run({"xadd", "s", "*", "f", "v"}), now + "-1");
  h_.AdvanceMillis(5);
  EXPECT_EQ(Run({"xadd", "s", "*", "f", "v"}), Now() + "-0");
  // A last ID in the future: the seq goes on from it.
  EXPECT_EQ(Run({"xadd", "t", "99999999999999-7", "f", "v"}), "99999999999999-7");
  EXPECT_EQ(Run({"xadd", "t", "*", "f", "v"}), "99999999999999-8");
}

TEST_F(StreamCommandTest, XAddMsStarTakesTheNextSeq) {
  EXPECT_EQ(Run({"xadd", "s", "5-*", "f", "v"}), "5-0");
  EXPECT_EQ(Run({"xadd", "s", "5-*", "f", "v"}), "5-1");
  EXPECT_EQ(Run({"xadd", "s", "7-*", "f", "v"}), "7-0");
  EXPECT_EQ(Run({"xadd", "s", "6-*", "f", "v"}),
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  EXPECT_EQ(Run({"xadd", "z", "0-*", "f", "v"}), "0-1");
  EXPECT_EQ(Run({"xadd", "m", "9-18446744073709551615", "f", "v"}), "9-18446744073709551615");
  EXPECT_EQ(Run({"xadd", "m", "9-*", "f", "v"}), "ERR Elements are too large to be stored");
}

TEST_F(StreamCommandTest, XAddErrors) {
  EXPECT_EQ(Run({"xadd", "s", "0-0", "f", "v"}),
            "ERR The ID specified in XADD must be greater than 0-0");
  EXPECT_EQ(Run({"exists", "s"}), "0");
  EXPECT_EQ(Run({"xadd", "s", "0", "f", "v"}),
            "ERR The ID specified in XADD must be greater than 0-0");
  EXPECT_EQ(Run({"xadd", "s", "-", "f", "v"}), kBadId);
  EXPECT_EQ(Run({"xadd", "s", "+", "f", "v"}), kBadId);
  EXPECT_EQ(Run({"xadd", "s", "1-x", "f", "v"}), kBadId);
  EXPECT_EQ(Run({"xadd", "s", "*", "f"}), "ERR wrong number of arguments for 'xadd' command");
  EXPECT_EQ(Run({"xadd", "s", "*", "f", "v", "g"}),
            "ERR wrong number of arguments for 'xadd' command");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "5"}), "ERR wrong number of arguments for 'xadd' command");
  EXPECT_EQ(Run({"xadd", "s", "5-5", "f", "v"}), "5-5");
  EXPECT_EQ(Run({"xadd", "s", "5-5", "f", "v"}),
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  EXPECT_EQ(Run({"xadd", "s", "4", "f", "v"}),
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xadd", "str", "*", "f", "v"}), kWrongType);
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "-1", "*", "f", "v"}),
            "ERR The MAXLEN argument must be >= 0.");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "x", "*", "f", "v"}), kNotInteger);
  EXPECT_EQ(Run({"xadd", "s", "minid", "+", "*", "f", "v"}), kBadId);
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "1", "minid", "1", "*", "f", "v"}),
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
  EXPECT_EQ(Run({"xadd", "s", "limit", "5", "*", "f", "v"}),
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "5", "limit", "5", "*", "f", "v"}),
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "~", "5", "limit", "-1", "*", "f", "v"}),
            "ERR The LIMIT argument must be >= 0.");
  // LIMIT 0 passes the strategy check but not the "~" one.
  EXPECT_EQ(Run({"xadd", "s", "limit", "0", "6-0", "f", "v"}),
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
  EXPECT_EQ(Run({"xadd", "s", "6-0", "f", "v"}), "6-0");
  EXPECT_EQ(Run({"xsetid", "s", "18446744073709551615-18446744073709551615"}), "OK");
  EXPECT_EQ(Run({"xadd", "s", "*", "f", "v"}),
            "ERR The stream has exhausted the last possible ID, unable to add more items");
}

TEST_F(StreamCommandTest, XAddNoMkStream) {
  const Reply r = h_.Run({"xadd", "s", "nomkstream", "*", "f", "v"});
  EXPECT_TRUE(r.is_null());
  EXPECT_EQ(Run({"exists", "s"}), "0");
  Run({"xadd", "s", "1-0", "f", "v"});
  EXPECT_EQ(Run({"xadd", "s", "NOMKSTREAM", "2-0", "f", "v"}), "2-0");
}

TEST_F(StreamCommandTest, XAddTrimsAndPropagatesTheExactResult) {
  Run({"config", "set", "stream-node-max-entries", "10"});
  for (int i = 1; i <= 30; ++i) {
    const std::string id = std::to_string(i);
    Run({"xadd", "s", id, "f", id});
  }
  Propagated();
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "~", "15", "31", "f", "v"}), "31-0");
  EXPECT_EQ(Run({"xlen", "s"}), "21");
  EXPECT_EQ(Run({"xadd", "s", "MAXLEN", "=", "5", "*", "f", "v"}), Now() + "-0");
  EXPECT_EQ(Run({"xlen", "s"}), "5");
  EXPECT_EQ(Propagated(), (Lines{"0: xadd s maxlen = 21 31 f v",
                                 "0: xadd s MAXLEN = 5 " + Now() + "-0 f v"}));
  // MINID ~ goes out with the first ID left, tombstones included.
  Run({"xadd", "m", "1", "f", "v"});
  Run({"xadd", "m", "2", "f", "v"});
  Run({"xdel", "m", "1"});
  Propagated();
  EXPECT_EQ(Run({"xadd", "m", "minid", "~", "2", "3-*", "f", "v"}), "3-0");
  EXPECT_EQ(Propagated(), (Lines{"0: xadd m minid = 1-0 3-0 f v"}));
  // A trim may take the new entry too; the key stays.
  EXPECT_EQ(Run({"xadd", "e", "maxlen", "~", "0", "limit", "0", "1-1", "f", "v"}), "1-1");
  EXPECT_EQ(Run({"xlen", "e"}), "0");
  EXPECT_EQ(Propagated(), (Lines{"0: xadd e maxlen = 0 limit 0 1-1 f v"}));
}

TEST_F(StreamCommandTest, XAddFromTheAofIgnoresLimit) {
  // A replayed "MAXLEN = n LIMIT k" (written after a "~" trim) trims
  // exactly, without the "~" check.
  Run({"xadd", "s", "1", "f", "v"});
  Run({"xadd", "s", "2", "f", "v"});
  EXPECT_EQ(Run({"xadd", "s", "maxlen", "=", "1", "limit", "1", "3", "f", "v"}),
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
}

TEST_F(StreamCommandTest, XAddEvents) {
  KeyspaceEvents events(h_, "KEAn");
  Run({"xadd", "s", "1", "f", "v"});
  Run({"xadd", "s", "maxlen", "1", "2", "f", "v"});
  Run({"xadd", "s", "maxlen", "1", "3", "f", "v"});
  EXPECT_EQ(events.Take(), (Events{"new s@0", "xadd s@0", "xadd s@0", "xtrim s@0", "xadd s@0",
                                   "xtrim s@0"}));
}

// ------------------------------------------------------------------ XRANGE / XREVRANGE

class StreamRangeTest : public StreamCommandTest {
 protected:
  StreamRangeTest() {
    for (const char* id : {"1-0", "1-1", "2-0", "3-5", "4-0"}) Run({"xadd", "s", id, "f", id});
  }
};

TEST_F(StreamRangeTest, Bounds) {
  EXPECT_EQ(Run({"xrange", "s", "1", "2"}), "[[1-0, [f, 1-0]], [1-1, [f, 1-1]], [2-0, [f, 2-0]]]");
  EXPECT_EQ(Run({"xrange", "s", "(1-0", "(3-5"}), "[[1-1, [f, 1-1]], [2-0, [f, 2-0]]]");
  EXPECT_EQ(Run({"xrange", "s", "(1", "+"}), "[[1-1, [f, 1-1]], [2-0, [f, 2-0]], [3-5, [f, 3-5]], "
                                                "[4-0, [f, 4-0]]]");
  EXPECT_EQ(Run({"xrange", "s", "3", "3"}), "[[3-5, [f, 3-5]]]");
  EXPECT_EQ(Run({"xrange", "s", "5", "+"}), "[]");
  EXPECT_EQ(Run({"xrange", "s", "4", "1"}), "[]");
  EXPECT_EQ(Run({"xrange", "nokey", "-", "+"}), "[]");
  EXPECT_EQ(Run({"xrevrange", "s", "+", "-", "COUNT", "2"}), "[[4-0, [f, 4-0]], [3-5, [f, 3-5]]]");
  EXPECT_EQ(Run({"xrevrange", "s", "(3-5", "(1-0"}), "[[2-0, [f, 2-0]], [1-1, [f, 1-1]]]");
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "count", "1", "COUNT", "2"}),
            "[[1-0, [f, 1-0]], [1-1, [f, 1-1]]]");
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "count", "-5"}), "(nil)");
  EXPECT_TRUE(h_.Run({"xrange", "s", "-", "+", "count", "0"}).is_null());
}

TEST_F(StreamRangeTest, Errors) {
  EXPECT_EQ(Run({"xrange", "s", "(-", "+"}), kBadId);
  EXPECT_EQ(Run({"xrange", "s", "-", "(+"}), kBadId);
  EXPECT_EQ(Run({"xrange", "s", "(", "+"}), kBadId);
  EXPECT_EQ(Run({"xrange", "s", "x", "+"}), kBadId);
  EXPECT_EQ(Run({"xrange", "s", "(18446744073709551615-18446744073709551615", "+"}),
            "ERR invalid start ID for the interval");
  EXPECT_EQ(Run({"xrange", "s", "-", "(0-0"}), "ERR invalid end ID for the interval");
  EXPECT_EQ(Run({"xrevrange", "s", "(0-0", "-"}), "ERR invalid end ID for the interval");
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "count"}), kSyntax);
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "limit", "1"}), kSyntax);
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "count", "x"}), kNotInteger);
  // The arguments are read before the key.
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xrange", "str", "x", "+"}), kBadId);
  EXPECT_EQ(Run({"xrange", "str", "-", "+"}), kWrongType);
  EXPECT_EQ(Run({"xrange", "s", "-"}), "ERR wrong number of arguments for 'xrange' command");
}

// ------------------------------------------------------------------ XLEN / XDEL

TEST_F(StreamCommandTest, XLen) {
  EXPECT_EQ(Run({"xlen", "s"}), "0");
  Run({"xadd", "s", "1", "f", "v"});
  EXPECT_EQ(Run({"xlen", "s"}), "1");
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xlen", "str"}), kWrongType);
}

TEST_F(StreamCommandTest, XDelCountsRemovedEntriesAndKeepsTheKey) {
  KeyspaceEvents events(h_);
  for (const char* id : {"1", "2", "3"}) Run({"xadd", "s", id, "f", "v"});
  events.Take();
  Propagated();
  EXPECT_EQ(Run({"xdel", "s", "2", "2", "9"}), "1");
  EXPECT_EQ(Run({"xdel", "s", "9"}), "0");
  EXPECT_EQ(Run({"xdel", "s", "1", "3"}), "2");
  EXPECT_EQ(Run({"xlen", "s"}), "0");
  EXPECT_EQ(Run({"exists", "s"}), "1");
  EXPECT_EQ(events.Take(), (Events{"xdel s@0", "xdel s@0"}));
  EXPECT_EQ(Propagated(), (Lines{"0: xdel s 2 2 9", "0: xdel s 1 3"}));
  // Every ID is checked before anything is deleted; the key comes first.
  Run({"xadd", "s", "4", "f", "v"});
  EXPECT_EQ(Run({"xdel", "s", "4", "x"}), kBadId);
  EXPECT_EQ(Run({"xlen", "s"}), "1");
  EXPECT_EQ(Run({"xdel", "nokey", "x"}), "0");
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xdel", "str", "x"}), kWrongType);
  EXPECT_EQ(Run({"xdel", "s", "-"}), kBadId);
}

// ------------------------------------------------------------------ XTRIM

TEST_F(StreamCommandTest, XTrim) {
  Run({"config", "set", "stream-node-max-entries", "10"});
  for (int i = 1; i <= 40; ++i) {
    const std::string id = std::to_string(i);
    Run({"xadd", "s", id, "f", id});
  }
  Propagated();
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "35"}), "5");
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "~", "28"}), "5");
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "~", "28"}), "0");
  EXPECT_EQ(Run({"xtrim", "s", "minid", "=", "33"}), "22");
  EXPECT_EQ(Run({"xrange", "s", "-", "+", "count", "1"}), "[[33-0, [f, 33]]]");
  // The last node holds 8 live entries: more than LIMIT allows.
  EXPECT_EQ(Run({"xtrim", "s", "MINID", "~", "41", "LIMIT", "5"}), "0");
  EXPECT_EQ(Run({"xtrim", "s", "MINID", "~", "41", "LIMIT", "0"}), "8");
  EXPECT_EQ(Run({"xlen", "s"}), "0");
  EXPECT_EQ(events.Take(), (Events{"xtrim s@0", "xtrim s@0", "xtrim s@0", "xtrim s@0"}));
  // With no node left, MINID goes out as the largest ID, as Redis writes it.
  EXPECT_EQ(Propagated(),
            (Lines{"0: xtrim s maxlen 35", "0: xtrim s maxlen = 30", "0: xtrim s minid = 33",
                   "0: xtrim s MINID = 18446744073709551615-18446744073709551615 LIMIT 0"}));
  EXPECT_EQ(Run({"xtrim", "nokey", "maxlen", "0"}), "0");
}

TEST_F(StreamCommandTest, XTrimErrors) {
  Run({"xadd", "s", "1", "f", "v"});
  EXPECT_EQ(Run({"xtrim", "s"}), "ERR wrong number of arguments for 'xtrim' command");
  EXPECT_EQ(Run({"xtrim", "s", "foo", "1"}), kSyntax);
  EXPECT_EQ(Run({"xtrim", "s", "limit", "1"}),
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
  EXPECT_EQ(Run({"xtrim", "s", "limit", "0"}),
            "ERR syntax error, XTRIM must be called with a trimming strategy");
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "1", "limit", "1"}),
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "~"}), kNotInteger);
  EXPECT_EQ(Run({"xtrim", "s", "maxlen", "1", "nomkstream"}), kSyntax);
  EXPECT_EQ(Run({"xtrim", "s", "minid", "-"}), kBadId);
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xtrim", "str", "maxlen", "1"}), kWrongType);
}

// ------------------------------------------------------------------ XSETID

TEST_F(StreamCommandTest, XSetId) {
  Run({"xadd", "s", "5-0", "f", "v"});
  EXPECT_EQ(Run({"xsetid", "s", "4-0"}),
            "ERR The ID specified in XSETID is smaller than the target stream top item");
  EXPECT_EQ(Run({"xsetid", "s", "9-0", "entriesadded", "0"}),
            "ERR The entries_added specified in XSETID is smaller than the target stream length");
  EXPECT_EQ(Run({"xsetid", "s", "9-0", "entriesadded", "-1"}), "ERR entries_added must be positive");
  EXPECT_EQ(Run({"xsetid", "s", "9-0", "maxdeletedid", "10-0"}),
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
  EXPECT_EQ(Run({"xsetid", "s", "9-0", "foo", "1"}), kSyntax);
  EXPECT_EQ(Run({"xsetid", "s", "9-0", "entriesadded"}), kSyntax);
  EXPECT_EQ(Run({"xsetid", "s", "+"}), kBadId);
  EXPECT_EQ(Run({"xsetid", "nokey", "1-0"}), "ERR no such key");
  EXPECT_EQ(Run({"xsetid", "s", "9-0", "entriesadded", "7", "maxdeletedid", "3-0"}), "OK");
  EXPECT_EQ(Run({"xadd", "s", "*", "f", "v"}), Now() + "-0");
  EXPECT_EQ(Run({"xadd", "s", "8-0", "f", "v"}),
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  KeyspaceEvents events(h_);
  EXPECT_EQ(Run({"xsetid", "s", "99999999999999-0"}), "OK");
  EXPECT_EQ(events.Take(), (Events{"xsetid s@0"}));
}

// ------------------------------------------------------------------ XREAD

class StreamReadTest : public StreamCommandTest {
 protected:
  StreamReadTest() {
    Run({"xadd", "a", "1-0", "f", "1"});
    Run({"xadd", "a", "2-0", "f", "2"});
    Run({"xadd", "b", "5-0", "g", "5"});
  }
};

TEST_F(StreamReadTest, ServesEveryStreamWithNewerEntries) {
  EXPECT_EQ(Run({"xread", "streams", "a", "b", "0", "0"}),
            "[[a, [[1-0, [f, 1]], [2-0, [f, 2]]]], [b, [[5-0, [g, 5]]]]]");
  EXPECT_EQ(Run({"xread", "count", "1", "streams", "a", "b", "1", "5"}), "[[a, [[2-0, [f, 2]]]]]");
  EXPECT_TRUE(h_.Run({"xread", "streams", "a", "b", "$", "$"}).is_null());
  EXPECT_TRUE(h_.Run({"xread", "streams", "nokey", "0-0"}).is_null());
  h_.Run({"hello", "3"});
  EXPECT_EQ(h_.RunRaw({"xread", "count", "1", "streams", "a", "1"}),
            "%1\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n");
}

TEST_F(StreamReadTest, Errors) {
  EXPECT_EQ(Run({"xread", "streams", "a"}),
            "ERR wrong number of arguments for 'xread' command");
  EXPECT_EQ(Run({"xread", "streams", "a", "b", "0"}),
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
  EXPECT_EQ(Run({"xread", "count", "1", "a", "0"}), kSyntax);
  EXPECT_EQ(Run({"xread", "count", "x", "streams", "a", "0"}), kNotInteger);
  EXPECT_EQ(Run({"xread", "block", "x", "streams", "a", "0"}),
            "ERR timeout is not an integer or out of range");
  EXPECT_EQ(Run({"xread", "block", "-1", "streams", "a", "0"}), "ERR timeout is negative");
  EXPECT_EQ(Run({"xread", "group", "g", "c", "streams", "a", "0"}),
            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
  EXPECT_EQ(Run({"xread", "noack", "streams", "a", "0"}),
            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
  EXPECT_EQ(Run({"xread", "streams", "a", ">"}),
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
            "<consumer> option.");
  EXPECT_EQ(Run({"xread", "streams", "a", "-"}), kBadId);
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xread", "streams", "a", "str", "0", "0"}), kWrongType);
}

TEST_F(StreamReadTest, BlockedClientIsServedByTheNextAdd) {
  const size_t waiter = h_.NewClient();
  EXPECT_EQ(h_.RunOn(waiter, {"xread", "block", "0", "streams", "a", "b", "$", "$"}).str,
            "(no reply)");
  EXPECT_EQ(h_.server().blocking().blocked_clients(), 1u);
  Run({"xadd", "b", "6-0", "g", "6"});
  EXPECT_EQ(Pushed(h_, waiter), "[[b, [[6-0, [g, 6]]]]]");
  EXPECT_EQ(h_.server().blocking().blocked_clients(), 0u);
}

TEST_F(StreamReadTest, DollarMeansTheLastIdWhenTheClientBlocked) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"xread", "block", "0", "streams", "a", "$"});
  // Two entries arrive in one transaction: both are newer than "$" was.
  Run({"multi"});
  Run({"xadd", "a", "3-0", "f", "3"});
  Run({"xadd", "a", "4-0", "f", "4"});
  Run({"exec"});
  EXPECT_EQ(Pushed(h_, waiter), "[[a, [[3-0, [f, 3]], [4-0, [f, 4]]]]]");
}

TEST_F(StreamReadTest, BlockedClientWaitsForAnIdPastItsOwn) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"xread", "block", "0", "streams", "a", "10-0"});
  Run({"xadd", "a", "3-0", "f", "3"});
  EXPECT_EQ(Pushed(h_, waiter), "(nothing)");
  Run({"xadd", "a", "11-0", "f", "11"});
  EXPECT_EQ(Pushed(h_, waiter), "[[a, [[11-0, [f, 11]]]]]");
}

TEST_F(StreamReadTest, AddedThenDeletedEntriesServeAnEmptyList) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"xread", "block", "0", "streams", "a", "$"});
  Run({"multi"});
  Run({"xadd", "a", "3-0", "f", "3"});
  Run({"xdel", "a", "3-0"});
  Run({"exec"});
  EXPECT_EQ(Pushed(h_, waiter), "[[a, []]]");
}

TEST_F(StreamReadTest, BlockedWithoutCountTakesAtMostAThousand) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"xread", "block", "0", "streams", "n", "0-0"});
  Run({"multi"});
  for (int i = 1; i <= 1001; ++i) {
    const std::string id = std::to_string(i);
    Run({"xadd", "n", id, "f", "v"});
  }
  Run({"exec"});
  std::vector<Reply> r = h_.TakePushed(waiter);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].elements.size(), 1u);
  EXPECT_EQ(r[0].elements[0].elements[1].elements.size(), 1000u);
}

TEST_F(StreamReadTest, TimeoutRepliesNull) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"xread", "block", "500", "streams", "a", "$"});
  h_.AdvanceMillis(499);
  ExpireBlocked(h_);
  EXPECT_EQ(Pushed(h_, waiter), "(nothing)");
  h_.AdvanceMillis(2);
  ExpireBlocked(h_);
  std::vector<Reply> r = h_.TakePushed(waiter);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].is_null());
  EXPECT_EQ(h_.server().blocking().blocked_clients(), 0u);
}

TEST_F(StreamReadTest, DeletedKeyKeepsXReadWaitingAndANewStreamServesIt) {
  const size_t waiter = h_.NewClient();
  h_.RunOn(waiter, {"xread", "block", "0", "streams", "a", "$"});
  Run({"del", "a"});
  Run({"set", "a", "string"});
  EXPECT_EQ(Pushed(h_, waiter), "(nothing)");
  Run({"del", "a"});
  // The new stream's IDs must still pass the ID "$" meant (2-0).
  Run({"xadd", "a", "1-5", "f", "v"});
  EXPECT_EQ(Pushed(h_, waiter), "(nothing)");
  Run({"xadd", "a", "3-0", "f", "v"});
  EXPECT_EQ(Pushed(h_, waiter), "[[a, [[3-0, [f, v]]]]]");
}

TEST_F(StreamReadTest, InsideMultiItDoesNotBlock) {
  Run({"multi"});
  Run({"xread", "block", "0", "streams", "a", "$"});
  EXPECT_EQ(Run({"exec"}), "[(nil)]");
  EXPECT_EQ(h_.server().blocking().blocked_clients(), 0u);
}

TEST_F(StreamReadTest, NothingIsPropagated) {
  Propagated();
  Run({"xread", "streams", "a", "0"});
  EXPECT_TRUE(Propagated().empty());
}

}  // namespace
}  // namespace osprey::testing
