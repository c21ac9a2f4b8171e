// The consumer-group commands XGROUP XREADGROUP XACK XPENDING XCLAIM
// XAUTOCLAIM XINFO through the real dispatcher (CommandHarness), grouped by
// command. Replies, errors, events and what is propagated are Redis
// 7.0.15's for the same commands; idle and delivery times use the harness's
// fake clock, so they are exact. Blocking cases use several clients: a
// blocked client's reply arrives later (TakePushed).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "handlers/keyspace_events.h"
#include "server/blocking.h"
#include "server/propagation.h"
#include "server/server.h"
#include "server/stats.h"
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
constexpr std::string_view kNeedsKey =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";

class RecordingSink final : public server::EffectSink {
 public:
  void Write(int db, std::span<const std::string> args) override {
    std::string line = std::to_string(db) + ":";
    for (const auto& a : args) line += " " + a;
    lines.push_back(line);
  }
  std::vector<std::string> lines;
};

class StreamGroupCommandTest : public ::testing::Test {
 protected:
  StreamGroupCommandTest() { h_.server().propagation().AddSink(&sink_); }
  ~StreamGroupCommandTest() override { h_.server().propagation().RemoveSink(&sink_); }
  std::string Run(std::vector<std::string_view> args, size_t client = 0) {
    return h_.RunOn(client, std::move(args)).ToString();
  }
  Lines Propagated() { return std::exchange(sink_.lines, {}); }
  std::string Now(int64_t plus = 0) { return std::to_string(h_.clock().NowMillis() + plus); }
  uint64_t Dirty() { return h_.server().stats().dirty; }
  std::string Pushed(size_t client) {
    std::vector<Reply> replies = h_.TakePushed(client);
    if (replies.empty()) return "(nothing)";
    std::string out;
    for (const Reply& r : replies) out += (out.empty() ? "" : " ; ") + r.ToString();
    return out;
  }
  void ExpireBlocked() { h_.server().blocking().HandleTimeouts(h_.clock().NowMicros() / 1000); }
  size_t Blocked() { return h_.server().blocking().blocked_clients(); }
  // A stream "s" with entries 1-0, 2-0, 3-0 and a group "g" at 0.
  void MakeStream() {
    Run({"xadd", "s", "1-0", "a", "1"});
    Run({"xadd", "s", "2-0", "b", "2"});
    Run({"xadd", "s", "3-0", "c", "3"});
    Run({"xgroup", "create", "s", "g", "0"});
    Propagated();
  }

  CommandHarness h_;
  RecordingSink sink_;
};

// ------------------------------------------------------------------ XGROUP

TEST_F(StreamGroupCommandTest, XGroupCreateAtDollarOrAnIdWithMkstream) {
  EXPECT_EQ(Run({"xgroup", "create", "s", "g", "$"}), kNeedsKey);
  EXPECT_EQ(Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"}), "OK");
  EXPECT_EQ(Run({"type", "s"}), "stream");
  Run({"xadd", "s", "5-1", "f", "v"});
  EXPECT_EQ(Run({"xgroup", "create", "s", "g2", "$"}), "OK");
  EXPECT_EQ(Run({"xgroup", "create", "s", "g3", "4", "ENTRIESREAD", "0"}), "OK");
  EXPECT_EQ(Run({"xinfo", "groups", "s"}),
            "[[name, g, consumers, 0, pending, 0, last-delivered-id, 0-0, entries-read, (nil), "
            "lag, 1], [name, g2, consumers, 0, pending, 0, last-delivered-id, 5-1, entries-read, "
            "(nil), lag, 0], [name, g3, consumers, 0, pending, 0, last-delivered-id, 4-0, "
            "entries-read, 0, lag, 1]]");
}

TEST_F(StreamGroupCommandTest, XGroupCreateErrors) {
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  EXPECT_EQ(Run({"xgroup", "create", "s", "g", "$"}),
            "BUSYGROUP Consumer Group name already exists");
  EXPECT_EQ(Run({"xgroup", "create", "s", "h", "-"}), kBadId);
  EXPECT_EQ(Run({"xgroup", "create", "s", "h", "+"}), kBadId);
  EXPECT_EQ(Run({"xgroup", "create", "s", "h", "0", "ENTRIESREAD", "-2"}),
            "ERR value for ENTRIESREAD must be positive or -1");
  EXPECT_EQ(Run({"xgroup", "create", "s", "h", "0", "ENTRIESREAD", "x"}), kNotInteger);
  EXPECT_EQ(Run({"xgroup", "CrEaTe", "s", "h", "0", "ENTRIESREAD"}),
            "ERR unknown subcommand or wrong number of arguments for 'CrEaTe'. Try XGROUP HELP.");
  EXPECT_EQ(
      Run({"xgroup", "create", "s", "h", "0", "MKSTREAM", "MKSTREAM", "MKSTREAM", "MKSTREAM"}),
      "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.");
  EXPECT_EQ(Run({"xgroup", "create", "s", "g"}),
            "ERR wrong number of arguments for 'xgroup|create' command");
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xgroup", "create", "str", "g", "$", "MKSTREAM"}), kWrongType);
  // A bad ID leaves no stream behind.
  EXPECT_EQ(Run({"xgroup", "create", "new", "g", "bad", "MKSTREAM"}), kBadId);
  EXPECT_EQ(Run({"exists", "new"}), "0");
}

TEST_F(StreamGroupCommandTest, XGroupSetIdMovesTheGroupAndForgetsEntriesRead) {
  MakeStream();
  Run({"xgroup", "create", "s", "h", "0", "ENTRIESREAD", "0"});
  EXPECT_EQ(Run({"xgroup", "setid", "s", "h", "2"}), "OK");
  EXPECT_EQ(Run({"xinfo", "groups", "s"})
                    .find("[name, h, consumers, 0, pending, 0, "
                          "last-delivered-id, 2-0, entries-read, (nil)") != std::string::npos,
            true);
  EXPECT_EQ(Run({"xgroup", "setid", "s", "h", "$", "ENTRIESREAD", "3"}), "OK");
  EXPECT_EQ(Run({"xgroup", "setid", "s", "h", "+"}), "OK");  // "+" is allowed here
  EXPECT_EQ(Run({"xgroup", "setid", "s", "nope", "0"}),
            "NOGROUP No such consumer group 'nope' for key name 's'");
  EXPECT_EQ(Run({"xgroup", "setid", "missing", "h", "0"}), kNeedsKey);
  EXPECT_EQ(Run({"xgroup", "setid", "s", "h", "0", "MKSTREAM"}),
            "ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP.");
  EXPECT_EQ(Run({"xgroup", "setid", "s", "h", "0", "ENTRIESREAD", "1", "x"}),
            "ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP.");
}

TEST_F(StreamGroupCommandTest, XGroupConsumersAndDestroy) {
  MakeStream();
  const uint64_t before = Dirty();
  EXPECT_EQ(Run({"xgroup", "createconsumer", "s", "g", "alice"}), "1");
  EXPECT_EQ(Run({"xgroup", "createconsumer", "s", "g", "alice"}), "0");
  EXPECT_EQ(Dirty() - before, 1u);
  Run({"xreadgroup", "group", "g", "alice", "count", "2", "streams", "s", ">"});
  EXPECT_EQ(Run({"xgroup", "delconsumer", "s", "g", "alice"}), "2");
  EXPECT_EQ(Run({"xgroup", "delconsumer", "s", "g", "alice"}), "0");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[0, (nil), (nil), (nil)]");
  EXPECT_EQ(Run({"xgroup", "createconsumer", "s", "nope", "bob"}),
            "NOGROUP No such consumer group 'nope' for key name 's'");
  EXPECT_EQ(Run({"xgroup", "destroy", "s", "g"}), "1");
  EXPECT_EQ(Run({"xgroup", "destroy", "s", "g"}), "0");
  EXPECT_EQ(Run({"xgroup", "destroy", "missing", "g"}), kNeedsKey);
  EXPECT_EQ(Run({"xinfo", "groups", "s"}), "[]");
}

TEST_F(StreamGroupCommandTest, XGroupEventsAndPropagation) {
  KeyspaceEvents events(h_, "KEAn");
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  Run({"xgroup", "setid", "s", "g", "0"});
  Run({"xgroup", "createconsumer", "s", "g", "c"});
  Run({"xgroup", "createconsumer", "s", "g", "c"});
  Run({"xgroup", "delconsumer", "s", "g", "c"});
  Run({"xgroup", "delconsumer", "s", "g", "c"});
  Run({"xgroup", "destroy", "s", "g"});
  Run({"xgroup", "destroy", "s", "g"});
  EXPECT_EQ(events.Take(),
            (Events{"new s@0", "xgroup-create s@0", "xgroup-setid s@0", "xgroup-createconsumer s@0",
                    "xgroup-delconsumer s@0", "xgroup-destroy s@0"}));
  // As received, and only the ones that changed something.
  EXPECT_EQ(Propagated(), (Lines{"0: xgroup create s g $ MKSTREAM", "0: xgroup setid s g 0",
                                 "0: xgroup createconsumer s g c", "0: xgroup delconsumer s g c",
                                 "0: xgroup destroy s g"}));
}

TEST_F(StreamGroupCommandTest, XGroupHelpAndUnknownSubcommand) {
  Reply help = h_.Run({"xgroup", "help"});
  ASSERT_EQ(help.type, Reply::Type::kArray);
  ASSERT_GT(help.elements.size(), 4u);
  EXPECT_EQ(help.elements[0].str,
            "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.elements.back().str, "    Prints this help.");
  EXPECT_EQ(Run({"xgroup", "nosuch"}), "ERR unknown subcommand 'nosuch'. Try XGROUP HELP.");
  EXPECT_EQ(Run({"xgroup", "help", "x"}),
            "ERR wrong number of arguments for 'xgroup|help' command");
}

// ------------------------------------------------------------------ XREADGROUP

TEST_F(StreamGroupCommandTest, XReadGroupDeliversNewEntriesAndMakesThemPending) {
  MakeStream();
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "count", "2", "streams", "s", ">"}),
            "[[s, [[1-0, [a, 1]], [2-0, [b, 2]]]]]");
  h_.AdvanceMillis(70);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "bob", "streams", "s", ">"}),
            "[[s, [[3-0, [c, 3]]]]]");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "bob", "streams", "s", ">"}), "(nil)");
  h_.AdvanceMillis(30);
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "10"}),
            "[[1-0, alice, 100, 1], [2-0, alice, 100, 1], [3-0, bob, 30, 1]]");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[3, 1-0, 3-0, [[alice, 2], [bob, 1]]]");
}

TEST_F(StreamGroupCommandTest, XReadGroupPropagatesEachDeliveryAsXClaim) {
  MakeStream();
  const std::string t = Now();
  Run({"xreadgroup", "group", "g", "alice", "count", "2", "streams", "s", ">"});
  EXPECT_EQ(Propagated(),
            (Lines{"0: MULTI",
                   "0: XCLAIM s g alice 0 1-0 TIME " + t + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-0",
                   "0: XCLAIM s g alice 0 2-0 TIME " + t + " RETRYCOUNT 1 FORCE JUSTID LASTID 2-0",
                   "0: EXEC"}));
  // History reads change delivery counts but propagate nothing.
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", "0"});
  EXPECT_EQ(Propagated(), Lines{});
}

TEST_F(StreamGroupCommandTest, XReadGroupNoAckMovesTheGroupOnly) {
  MakeStream();
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "zed", "noack", "count", "2", "streams", "s", ">"}),
            "[[s, [[1-0, [a, 1]], [2-0, [b, 2]]]]]");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[0, (nil), (nil), (nil)]");
  EXPECT_EQ(Propagated(), (Lines{"0: MULTI", "0: XGROUP CREATECONSUMER s g zed",
                                 "0: XGROUP SETID s g 2-0 ENTRIESREAD 2", "0: EXEC"}));
  EXPECT_EQ(Run({"xinfo", "consumers", "s", "g"}), "[[name, zed, pending, 0, idle, 0]]");
}

TEST_F(StreamGroupCommandTest, XReadGroupHistoryCountsDeliveriesAndShowsDeletedEntries) {
  MakeStream();
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  Run({"xdel", "s", "2-0"});
  h_.AdvanceMillis(50);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "streams", "s", "0"}),
            "[[s, [[1-0, [a, 1]], [2-0, (nil)], [3-0, [c, 3]]]]]");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", "1-0"}),
            "[[s, [[2-0, (nil)]]]]");
  // A deleted entry's delivery is not counted again.
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "10"}),
            "[[1-0, alice, 0, 2], [2-0, alice, 50, 1], [3-0, alice, 0, 2]]");
  // Another consumer's history is its own: empty, but still served.
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "bob", "streams", "s", "0"}), "[[s, []]]");
}

TEST_F(StreamGroupCommandTest, XReadGroupRepliesAsAMapInResp3) {
  MakeStream();
  Run({"hello", "3"});
  EXPECT_EQ(h_.RunRaw({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"}),
            "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(h_.RunRaw({"xreadgroup", "group", "g", "alice", "streams", "s", "9"}),
            "%1\r\n$1\r\ns\r\n*0\r\n");
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  EXPECT_EQ(h_.RunRaw({"xreadgroup", "group", "g", "alice", "streams", "s", ">"}), "_\r\n");
}

TEST_F(StreamGroupCommandTest, XReadGroupErrors) {
  MakeStream();
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "streams", "s", "$"}),
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
            "history of this consumer by specifying a proper ID, or use the > ID to get new "
            "messages. The $ ID would just return an empty result set.");
  EXPECT_EQ(Run({"xreadgroup", "group", "nope", "c", "streams", "s", ">"}),
            "NOGROUP No such key 's' or consumer group 'nope' in XREADGROUP with GROUP option");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "streams", "missing", ">"}),
            "NOGROUP No such key 'missing' or consumer group 'g' in XREADGROUP with GROUP option");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "streams", "str", ">"}), kWrongType);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "streams", "s", "s", ">"}),
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
  EXPECT_EQ(Run({"xreadgroup", "count", "1", "noack", "streams", "s", ">"}),
            "ERR Missing GROUP option for XREADGROUP");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "nosuch", "streams", "s", ">"}), kSyntax);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "count", "1", "s", ">"}), kSyntax);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "count", "x", "streams", "s", ">"}), kNotInteger);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "block", "-1", "streams", "s", ">"}),
            "ERR timeout is negative");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "block", "1.5", "streams", "s", ">"}),
            "ERR timeout is not an integer or out of range");
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "streams", "s", "1-x"}), kBadId);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "streams", "s", "-"}), kBadId);
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "c", "streams", "s"}),
            "ERR wrong number of arguments for 'xreadgroup' command");
  // Nothing was read and no consumer was made by the failed calls.
  EXPECT_EQ(Run({"xinfo", "consumers", "s", "g"}), "[]");
}

TEST_F(StreamGroupCommandTest, XReadGroupCreatesConsumersWithAnEvent) {
  MakeStream();
  KeyspaceEvents events(h_, "KEA");
  Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"});
  Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"});
  EXPECT_EQ(events.Take(), (Events{"xgroup-createconsumer s@0"}));
}

TEST_F(StreamGroupCommandTest, XReadGroupBlocksUntilAnEntryArrives) {
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  const size_t waiter = h_.NewClient();
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "block", "0", "streams", "s", ">"}, waiter),
            "(nil)");  // nothing yet: the reply comes later
  EXPECT_EQ(Blocked(), 1u);
  EXPECT_EQ(Pushed(waiter), "(nothing)");
  Propagated();
  Run({"xadd", "s", "7-0", "f", "v"});
  EXPECT_EQ(Pushed(waiter), "[[s, [[7-0, [f, v]]]]]");
  EXPECT_EQ(Blocked(), 0u);
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[1, 7-0, 7-0, [[alice, 1]]]");
  const Lines p = Propagated();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[1],
            "0: XCLAIM s g alice 0 7-0 TIME " + Now() + " RETRYCOUNT 1 FORCE JUSTID LASTID 7-0");
}

TEST_F(StreamGroupCommandTest, XReadGroupBlockedClientTimesOutWithANullArray) {
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  const size_t waiter = h_.NewClient();
  Run({"xreadgroup", "group", "g", "alice", "block", "100", "streams", "s", ">"}, waiter);
  h_.AdvanceMillis(99);
  ExpireBlocked();
  EXPECT_EQ(Pushed(waiter), "(nothing)");
  h_.AdvanceMillis(1);
  ExpireBlocked();
  EXPECT_EQ(h_.TakePushed(waiter).at(0).type, Reply::Type::kNullArray);
  EXPECT_EQ(Blocked(), 0u);
}

TEST_F(StreamGroupCommandTest, XReadGroupBlockedClientLearnsOfDestroyedGroupAndDeletedKey) {
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  const size_t a = h_.NewClient();
  const size_t b = h_.NewClient();
  Run({"xreadgroup", "group", "g", "alice", "block", "0", "streams", "s", ">"}, a);
  Run({"xgroup", "destroy", "s", "g"});
  EXPECT_EQ(Pushed(a), "NOGROUP the consumer group this client was blocked on no longer exists");
  Run({"xgroup", "create", "s", "g", "$"});
  Run({"xreadgroup", "group", "g", "alice", "block", "0", "streams", "s", ">"}, b);
  Run({"del", "s"});
  EXPECT_EQ(Pushed(b), "UNBLOCKED the stream key no longer exists");
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  Run({"xreadgroup", "group", "g", "alice", "block", "0", "streams", "s", ">"}, a);
  Run({"set", "s", "x"});
  EXPECT_EQ(Pushed(a), "UNBLOCKED the stream key no longer exists");
  EXPECT_EQ(Blocked(), 0u);
}

TEST_F(StreamGroupCommandTest, XReadGroupWokenClientTakesAtMost1000WithoutCount) {
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  const size_t waiter = h_.NewClient();
  Run({"xreadgroup", "group", "g", "alice", "noack", "block", "0", "streams", "s", ">"}, waiter);
  Run({"multi"});
  std::vector<std::string> ids;
  for (int i = 1; i <= 1200; ++i) ids.push_back(std::to_string(i) + "-0");
  for (const std::string& id : ids) Run({"xadd", "s", id, "f", "v"});
  Run({"exec"});
  std::vector<Reply> r = h_.TakePushed(waiter);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].elements.size(), 1u);
  EXPECT_EQ(r[0].elements[0].elements[1].elements.size(), 1000u);
  EXPECT_EQ(Run({"xinfo", "groups", "s"}),
            "[[name, g, consumers, 1, pending, 0, last-delivered-id, 1000-0, entries-read, "
            "1000, lag, 200]]");
}

TEST_F(StreamGroupCommandTest, XReadGroupDoesNotBlockInsideMulti) {
  Run({"xgroup", "create", "s", "g", "$", "MKSTREAM"});
  Run({"multi"});
  Run({"xreadgroup", "group", "g", "alice", "block", "0", "streams", "s", ">"});
  EXPECT_EQ(Run({"exec"}), "[(nil)]");
  EXPECT_EQ(Blocked(), 0u);
}

// ------------------------------------------------------------------ XACK

TEST_F(StreamGroupCommandTest, XAckRemovesPendingEntriesAllOrNothing) {
  MakeStream();
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  EXPECT_EQ(Run({"xack", "s", "g", "1-0", "bad"}), kBadId);
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[3, 1-0, 3-0, [[alice, 3]]]");
  Propagated();
  EXPECT_EQ(Run({"xack", "s", "g", "1-0", "1-0", "9-9", "3"}), "2");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[1, 2-0, 2-0, [[alice, 1]]]");
  EXPECT_EQ(Propagated(), (Lines{"0: xack s g 1-0 1-0 9-9 3"}));
  EXPECT_EQ(Run({"xack", "s", "g", "1-0"}), "0");
  EXPECT_EQ(Propagated(), Lines{});
  // No group or no key: nothing to acknowledge, even with bad IDs.
  EXPECT_EQ(Run({"xack", "s", "nope", "bad"}), "0");
  EXPECT_EQ(Run({"xack", "missing", "g", "1"}), "0");
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xack", "str", "g", "1"}), kWrongType);
}

// ------------------------------------------------------------------ XPENDING

TEST_F(StreamGroupCommandTest, XPendingFiltersByIdleTimeRangeAndConsumer) {
  MakeStream();
  Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"});
  h_.AdvanceMillis(500);
  Run({"xreadgroup", "group", "g", "bob", "streams", "s", ">"});
  h_.AdvanceMillis(100);
  EXPECT_EQ(Run({"xpending", "s", "g", "IDLE", "200", "-", "+", "10"}), "[[1-0, alice, 600, 1]]");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "10", "bob"}),
            "[[2-0, bob, 100, 1], [3-0, bob, 100, 1]]");
  EXPECT_EQ(Run({"xpending", "s", "g", "(1-0", "(3-0", "10"}), "[[2-0, bob, 100, 1]]");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "2"}),
            "[[1-0, alice, 600, 1], [2-0, bob, 100, 1]]");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "-5"}), "[]");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "10", "nobody"}), "[]");
  // Arguments past the consumer are ignored.
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "1", "bob", "extra"}), "[[2-0, bob, 100, 1]]");
}

TEST_F(StreamGroupCommandTest, XPendingErrors) {
  MakeStream();
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+"}), kSyntax);
  EXPECT_EQ(Run({"xpending", "s", "g", "IDLE", "10", "-", "+"}), kSyntax);
  EXPECT_EQ(Run({"xpending", "s", "g", "IDLE", "x", "-", "+", "1"}), kNotInteger);
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "x"}), kNotInteger);
  EXPECT_EQ(Run({"xpending", "s", "g", "(18446744073709551615-18446744073709551615", "+", "1"}),
            "ERR invalid start ID for the interval");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "(0-0", "1"}), "ERR invalid end ID for the interval");
  EXPECT_EQ(Run({"xpending", "s", "g", "x", "+", "1"}), kBadId);
  EXPECT_EQ(Run({"xpending", "s", "nope"}), "NOGROUP No such key 's' or consumer group 'nope'");
  EXPECT_EQ(Run({"xpending", "missing", "g"}),
            "NOGROUP No such key 'missing' or consumer group 'g'");
  // The range is read before the key.
  EXPECT_EQ(Run({"xpending", "missing", "g", "-", "+", "x"}), kNotInteger);
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xpending", "str", "g"}), kWrongType);
}

// ------------------------------------------------------------------ XCLAIM

TEST_F(StreamGroupCommandTest, XClaimRespectsMinIdleTimeAndCountsDeliveries) {
  MakeStream();
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  h_.AdvanceMillis(100);
  EXPECT_EQ(Run({"xclaim", "s", "g", "bob", "200", "1-0"}), "[]");
  EXPECT_EQ(Run({"xclaim", "s", "g", "bob", "100", "1-0", "2-0"}),
            "[[1-0, [a, 1]], [2-0, [b, 2]]]");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "10"}),
            "[[1-0, bob, 0, 2], [2-0, bob, 0, 2], [3-0, alice, 100, 1]]");
  // JUSTID leaves the count alone; RETRYCOUNT sets it; IDLE sets the time.
  EXPECT_EQ(Run({"xclaim", "s", "g", "carol", "0", "1-0", "JUSTID"}), "[1-0]");
  EXPECT_EQ(Run({"xclaim", "s", "g", "carol", "0", "2-0", "RETRYCOUNT", "9", "IDLE", "40"}),
            "[[2-0, [b, 2]]]");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "10", "carol"}),
            "[[1-0, carol, 0, 2], [2-0, carol, 40, 9]]");
  // TIME in the future means now.
  Run({"xclaim", "s", "g", "carol", "0", "3-0", "TIME", Now(10000), "JUSTID"});
  EXPECT_EQ(Run({"xpending", "s", "g", "3-0", "3-0", "1"}), "[[3-0, carol, 0, 1]]");
  EXPECT_EQ(Run({"xinfo", "consumers", "s", "g"}),
            "[[name, alice, pending, 0, idle, 100], [name, bob, pending, 0, idle, 0], "
            "[name, carol, pending, 3, idle, 0]]");
}

TEST_F(StreamGroupCommandTest, XClaimForceAndDeletedEntries) {
  MakeStream();
  // FORCE makes an existing entry pending; an entry that is not there is
  // never claimed.
  EXPECT_EQ(Run({"xclaim", "s", "g", "bob", "0", "2-0", "9-0", "FORCE", "JUSTID"}), "[2-0]");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[1, 2-0, 2-0, [[bob, 1]]]");
  Propagated();
  Run({"xdel", "s", "2-0"});
  Propagated();
  EXPECT_EQ(Run({"xclaim", "s", "g", "carol", "0", "2"}), "[]");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[0, (nil), (nil), (nil)]");
  // The drop goes out as a claim by the old owner, which drops it there too.
  const Lines p = Propagated();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].substr(0, 26), "0: XCLAIM s g bob 0 2 TIME");
  // No entry was claimed, so carol was never made.
  EXPECT_EQ(Run({"xinfo", "consumers", "s", "g"}), "[[name, bob, pending, 0, idle, 0]]");
}

TEST_F(StreamGroupCommandTest, XClaimLastIdMovesTheGroup) {
  MakeStream();
  Run({"xclaim", "s", "g", "bob", "0", "9-0", "LASTID", "5-0"});
  EXPECT_EQ(Propagated(), (Lines{"0: XGROUP SETID s g 5-0 ENTRIESREAD -1"}));
  Run({"xclaim", "s", "g", "bob", "0", "9-0", "LASTID", "4-0"});
  EXPECT_EQ(Propagated(), Lines{});  // not ahead: nothing moved
  const std::string t = Now();
  Run({"xclaim", "s", "g", "bob", "0", "1-0", "FORCE", "LASTID", "6-0"});
  EXPECT_EQ(Propagated(),
            (Lines{"0: XCLAIM s g bob 0 1-0 TIME " + t + " RETRYCOUNT 2 FORCE JUSTID LASTID 6-0"}));
}

TEST_F(StreamGroupCommandTest, XClaimErrors) {
  MakeStream();
  EXPECT_EQ(Run({"xclaim", "s", "g", "c", "x", "1-0"}),
            "ERR Invalid min-idle-time argument for XCLAIM");
  EXPECT_EQ(Run({"xclaim", "s", "g", "c", "0", "1-0", "IDLE", "x"}),
            "ERR Invalid IDLE option argument for XCLAIM");
  EXPECT_EQ(Run({"xclaim", "s", "g", "c", "0", "1-0", "TIME", "x"}),
            "ERR Invalid TIME option argument for XCLAIM");
  EXPECT_EQ(Run({"xclaim", "s", "g", "c", "0", "1-0", "RETRYCOUNT", "x"}),
            "ERR Invalid RETRYCOUNT option argument for XCLAIM");
  EXPECT_EQ(Run({"xclaim", "s", "g", "c", "0", "1-0", "LASTID", "x"}), kBadId);
  EXPECT_EQ(Run({"xclaim", "s", "g", "c", "0", "1-0", "IDLE"}),
            "ERR Unrecognized XCLAIM option 'IDLE'");
  EXPECT_EQ(Run({"xclaim", "s", "g", "c", "0", "1-0", "bogus", "2-0"}),
            "ERR Unrecognized XCLAIM option 'bogus'");
  EXPECT_EQ(Run({"xclaim", "s", "nope", "c", "0", "1-0"}),
            "NOGROUP No such key 's' or consumer group 'nope'");
  // The key and group are checked before anything else.
  EXPECT_EQ(Run({"xclaim", "missing", "g", "c", "x", "1-0"}),
            "NOGROUP No such key 'missing' or consumer group 'g'");
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[0, (nil), (nil), (nil)]");
}

// ------------------------------------------------------------------ XAUTOCLAIM

TEST_F(StreamGroupCommandTest, XAutoClaimWalksThePelWithACursor) {
  MakeStream();
  Run({"xadd", "s", "4-0", "d", "4"});
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  h_.AdvanceMillis(100);
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "bob", "50", "0", "COUNT", "2"}),
            "[3-0, [[1-0, [a, 1]], [2-0, [b, 2]]], []]");
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "bob", "50", "3-0", "COUNT", "2", "JUSTID"}),
            "[0-0, [3-0, 4-0], []]");
  // Freshly claimed entries are not idle enough.
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "carol", "50", "0"}), "[0-0, [], []]");
  EXPECT_EQ(Run({"xpending", "s", "g", "-", "+", "10"}),
            "[[1-0, bob, 0, 2], [2-0, bob, 0, 2], [3-0, bob, 0, 1], [4-0, bob, 0, 1]]");
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "carol", "0", "(1-0", "COUNT", "1", "JUSTID"}),
            "[3-0, [2-0], []]");
}

TEST_F(StreamGroupCommandTest, XAutoClaimReportsAndDropsDeletedEntries) {
  MakeStream();
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  Run({"xdel", "s", "1-0", "2-0"});
  Propagated();
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "bob", "0", "-", "COUNT", "2"}), "[3-0, [], [1-0, 2-0]]");
  EXPECT_EQ(Propagated().size(), 4u);  // MULTI, two XCLAIMs, EXEC
  EXPECT_EQ(Run({"xpending", "s", "g"}), "[1, 3-0, 3-0, [[alice, 1]]]");
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "bob", "0", "-"}), "[0-0, [[3-0, [c, 3]]], []]");
}

TEST_F(StreamGroupCommandTest, XAutoClaimErrors) {
  MakeStream();
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "c", "x", "0"}),
            "ERR Invalid min-idle-time argument for XAUTOCLAIM");
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "c", "0", "x"}), kBadId);
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "c", "0", "0", "COUNT", "0"}), "ERR COUNT must be > 0");
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "c", "0", "0", "COUNT", "x"}), "ERR COUNT must be > 0");
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "c", "0", "0", "COUNT"}), kSyntax);
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "c", "0", "0", "FOO"}), kSyntax);
  EXPECT_EQ(Run({"xautoclaim", "s", "g", "c", "0", "0", "COUNT", "576460752303423487"}),
            "ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
  EXPECT_EQ(Run({"xautoclaim", "s", "nope", "c", "0", "0"}),
            "NOGROUP No such key 's' or consumer group 'nope'");
  // Arguments are read before the key.
  EXPECT_EQ(Run({"xautoclaim", "missing", "g", "c", "0", "0", "FOO"}), kSyntax);
}

// ------------------------------------------------------------------ XINFO

TEST_F(StreamGroupCommandTest, XInfoStreamShowsMetadataAndEdges) {
  EXPECT_EQ(Run({"xinfo", "stream", "s"}), "ERR no such key");
  MakeStream();
  Run({"xdel", "s", "2-0"});
  EXPECT_EQ(Run({"xinfo", "stream", "s"}),
            "[length, 2, radix-tree-keys, 1, radix-tree-nodes, 2, last-generated-id, 3-0, "
            "max-deleted-entry-id, 2-0, entries-added, 3, recorded-first-entry-id, 1-0, groups, "
            "1, first-entry, [1-0, [a, 1]], last-entry, [3-0, [c, 3]]]");
  EXPECT_EQ(Run({"xinfo", "stream", "s", "full", "count"}),
            "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.");
  EXPECT_EQ(Run({"xinfo", "stream", "s", "foo"}),
            "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.");
  EXPECT_EQ(Run({"xinfo", "stream", "s", "full", "count", "x"}), kNotInteger);
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"xinfo", "stream", "str"}), kWrongType);
  // The key comes first: a missing key hides bad options.
  EXPECT_EQ(Run({"xinfo", "stream", "missing", "foo"}), "ERR no such key");
}

TEST_F(StreamGroupCommandTest, XInfoStreamCountsRadixTreeNodes) {
  Run({"config", "set", "stream-node-max-entries", "2"});
  // Node master IDs 1-0, 3-0 and 256-0 (16 bytes each, big-endian): the
  // common 6 bytes, a branch on byte 6 (0 or 1), below 0 a branch on byte 7
  // (1 or 3) with a run and a leaf on each side, below 1 a run and a leaf.
  for (const char* id : {"1-0", "2-0", "3-0", "4-0", "256-0"}) Run({"xadd", "s", id, "f", "v"});
  const std::string info = Run({"xinfo", "stream", "s"});
  EXPECT_NE(info.find("radix-tree-keys, 3, radix-tree-nodes, 9,"), std::string::npos) << info;
  // 1-0 and 3-0: a run of 7 bytes, the branch, two runs and two leaves.
  Run({"xdel", "s", "256-0"});
  EXPECT_NE(Run({"xinfo", "stream", "s"}).find("radix-tree-keys, 2, radix-tree-nodes, 6,"),
            std::string::npos);
  Run({"xtrim", "s", "maxlen", "0"});
  EXPECT_NE(Run({"xinfo", "stream", "s"}).find("radix-tree-keys, 0, radix-tree-nodes, 1,"),
            std::string::npos);
}

TEST_F(StreamGroupCommandTest, XInfoStreamFullShowsGroupsConsumersAndPending) {
  MakeStream();
  const std::string t0 = Now();
  Run({"xreadgroup", "group", "g", "alice", "count", "2", "streams", "s", ">"});
  EXPECT_EQ(Run({"xinfo", "stream", "s", "full", "count", "1"}),
            "[length, 3, radix-tree-keys, 1, radix-tree-nodes, 2, last-generated-id, 3-0, "
            "max-deleted-entry-id, 0-0, entries-added, 3, recorded-first-entry-id, 1-0, entries, "
            "[[1-0, [a, 1]]], groups, [[name, g, last-delivered-id, 2-0, entries-read, 2, lag, 1, "
            "pel-count, 2, pending, [[1-0, alice, " +
                t0 +
                ", 1]], consumers, [[name, alice, "
                "seen-time, " +
                t0 + ", pel-count, 2, pending, [[1-0, " + t0 + ", 1]]]]]]]");
  // COUNT 0 is everything; a negative COUNT is the default 10.
  const std::string all = Run({"xinfo", "stream", "s", "full", "count", "0"});
  EXPECT_NE(all.find("entries, [[1-0, [a, 1]], [2-0, [b, 2]], [3-0, [c, 3]]]"), std::string::npos);
  EXPECT_EQ(Run({"xinfo", "stream", "s", "full", "count", "-1"}),
            Run({"xinfo", "stream", "s", "full"}));
}

TEST_F(StreamGroupCommandTest, XInfoConsumersShowsIdleTimes) {
  MakeStream();
  Run({"xgroup", "createconsumer", "s", "g", "bob"});
  h_.AdvanceMillis(30);
  Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"});
  h_.AdvanceMillis(20);
  // XPENDING does not count as seeing a consumer.
  Run({"xpending", "s", "g", "-", "+", "10", "bob"});
  EXPECT_EQ(Run({"xinfo", "consumers", "s", "g"}),
            "[[name, alice, pending, 1, idle, 20], [name, bob, pending, 0, idle, 50]]");
  EXPECT_EQ(Run({"xinfo", "consumers", "s", "nope"}),
            "NOGROUP No such consumer group 'nope' for key name 's'");
  EXPECT_EQ(Run({"xinfo", "consumers", "missing", "g"}), "ERR no such key");
  EXPECT_EQ(Run({"xinfo", "consumers", "s"}),
            "ERR wrong number of arguments for 'xinfo|consumers' command");
}

TEST_F(StreamGroupCommandTest, XInfoGroupsLagFollowsDeletions) {
  MakeStream();
  Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"});
  EXPECT_NE(Run({"xinfo", "groups", "s"}).find("entries-read, 1, lag, 2"), std::string::npos);
  Run({"xdel", "s", "2-0"});
  EXPECT_NE(Run({"xinfo", "groups", "s"}).find("entries-read, 1, lag, (nil)"), std::string::npos);
  // Past the deletion the counter goes on by one per delivery, so it stays
  // one short, as in Redis 7.0.
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  EXPECT_NE(Run({"xinfo", "groups", "s"}).find("entries-read, 2, lag, 1"), std::string::npos);
  EXPECT_EQ(Run({"xinfo", "groups", "missing"}), "ERR no such key");
}

TEST_F(StreamGroupCommandTest, XInfoGroupsCountersWrapAtTheEndsOfTheirRange) {
  // Redis's long long counters wrap; no overflow may stop the server.
  Run({"xadd", "s", "1-0", "a", "1"});
  Run({"xgroup", "create", "s", "g", "0", "ENTRIESREAD", "9223372036854775807"});
  EXPECT_NE(Run({"xinfo", "groups", "s"})
                .find("entries-read, 9223372036854775807, lag, "
                      "-9223372036854775806"),
            std::string::npos);
  Run({"xreadgroup", "group", "g", "c", "streams", "s", ">"});
  EXPECT_NE(Run({"xinfo", "groups", "s"})
                .find("entries-read, -9223372036854775808, lag, "
                      "-9223372036854775807"),
            std::string::npos);
  Run({"xsetid", "s", "1-0", "ENTRIESADDED", "9223372036854775807"});
  EXPECT_NE(Run({"xinfo", "groups", "s"}).find("lag, -1]"), std::string::npos);
}

TEST_F(StreamGroupCommandTest, XInfoHelp) {
  Reply help = h_.Run({"xinfo", "help"});
  ASSERT_EQ(help.type, Reply::Type::kArray);
  EXPECT_EQ(help.elements[0].str, "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(Run({"xinfo", "nosuch", "x"}), "ERR unknown subcommand 'nosuch'. Try XINFO HELP.");
}

}  // namespace
}  // namespace osprey::testing
