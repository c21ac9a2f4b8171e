// Client-side caching: CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO
// and the invalidation messages, through the real dispatcher with
// in-process clients (fd -1) and a fake clock.
#include "server/tracking.h"

#include <gtest/gtest.h>
#include <sys/uio.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "server/client.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class TrackingTest : public ::testing::Test {
 protected:
  TrackingTest() {
    writer_ = h_.NewClient();
    other_ = h_.NewClient();
  }
  std::string Run(std::vector<std::string_view> args, size_t client = 0) {
    return h_.RunOn(client, std::move(args)).ToString();
  }
  std::string Raw(std::vector<std::string_view> args, size_t client = 0) {
    return h_.RunRaw(std::move(args), client);
  }
  // Everything pushed to `client` since its last command, as text.
  std::string Pushed(size_t client) {
    std::string out;
    for (const Reply& r : h_.TakePushed(client)) {
      if (!out.empty()) out += " ";
      out += r.ToString();
    }
    return out;
  }
  // The bytes pushed to `client` since its last command.
  std::string PushedRaw(size_t client) {
    protocol::OutputBuffer& out = h_.client(client).output();
    std::string bytes;
    std::vector<iovec> iov(out.ChunkCount() + 4);
    while (!out.empty()) {
      const int n = out.Gather(iov.data(), static_cast<int>(iov.size()));
      size_t total = 0;
      for (int i = 0; i < n; ++i) {
        bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
        total += iov[i].iov_len;
      }
      out.Consume(total);
    }
    return bytes;
  }
  std::string ClientId(size_t client) { return std::to_string(h_.client(client).id()); }
  void Resp3(size_t client) { ASSERT_EQ(h_.RunOn(client, {"hello", "3"}).type, Reply::Type::kMap); }
  void Subscribe(size_t client) {
    h_.server().pubsub().Subscribe(&h_.client(client), server::PubSub::Kind::kChannel,
                                   "__redis__:invalidate");
  }
  std::string InfoField(const std::string& field) {
    const std::string info = Run({"info", "all"});
    const size_t at = info.find("\r\n" + field + ":");
    if (at == std::string::npos) return "<missing>";
    const size_t start = at + field.size() + 3;
    return info.substr(start, info.find("\r\n", start) - start);
  }
  std::string ClientListField(size_t client, const std::string& field) {
    const std::string line = Run({"client", "info"}, client);
    const size_t at = line.find(" " + field + "=");
    if (at == std::string::npos) return "<missing>";
    const size_t start = at + field.size() + 2;
    return line.substr(start, line.find_first_of(" \n", start) - start);
  }
  void Broadcast() { h_.server().tracking().Broadcast(); }

  CommandHarness h_;
  size_t writer_ = 0;
  size_t other_ = 0;
};

// ------------------------------------------------------- CLIENT TRACKING

TEST_F(TrackingTest, TrackingOnAndOffReplyOk) {
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "ON"}), "OK");  // again: options replaced
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");  // already off
}

TEST_F(TrackingTest, TrackingRejectsWrongArity) {
  EXPECT_EQ(Run({"client", "tracking"}),
            "ERR wrong number of arguments for 'client|tracking' command");
}

TEST_F(TrackingTest, TrackingRejectsBadArguments) {
  EXPECT_EQ(Run({"client", "tracking", "maybe"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "tracking", "on", "bogus"}), "ERR syntax error");
  // REDIRECT and PREFIX need a value.
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", "abc"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", "99999"}),
            "ERR The client ID you want redirect to does not exist");
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", "0"}),
            "ERR The client ID you want redirect to does not exist");
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", "-1"}),
            "ERR The client ID you want redirect to does not exist");
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id, "redirect", id}),
            "ERR A client can only redirect to a single other client");
  // Options are parsed before ON/OFF is looked at.
  EXPECT_EQ(Run({"client", "tracking", "maybe", "redirect", "99999"}),
            "ERR The client ID you want redirect to does not exist");
  EXPECT_EQ(Run({"client", "tracking", "off", "redirect", "99999"}),
            "ERR The client ID you want redirect to does not exist");
  EXPECT_EQ(Run({"client", "trackinginfo"}), "[flags, [off], redirect, -1, prefixes, []]");
}

TEST_F(TrackingTest, TrackingRejectsIncompatibleOptions) {
  EXPECT_EQ(Run({"client", "tracking", "on", "prefix", "a"}),
            "ERR PREFIX option requires BCAST mode to be enabled");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "optin"}),
            "ERR OPTIN and OPTOUT are not compatible with BCAST");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "optout"}),
            "ERR OPTIN and OPTOUT are not compatible with BCAST");
  EXPECT_EQ(Run({"client", "tracking", "on", "optin", "optout"}),
            "ERR You can't specify both OPTIN mode and OPTOUT mode");
  EXPECT_EQ(Run({"client", "trackinginfo"}), "[flags, [off], redirect, -1, prefixes, []]");
}

TEST_F(TrackingTest, TrackingRefusesToSwitchModesWhileOn) {
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast"}),
            "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
            "and then re-enabling it with a different mode.");
  EXPECT_EQ(Run({"client", "tracking", "on", "optin"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "optout"}),
            "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
            "and then re-enabling it with a different mode.");
  // Without OPTIN the mode flags are simply replaced.
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "optout"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on"}),
            "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
            "and then re-enabling it with a different mode.");
}

TEST_F(TrackingTest, OverlappingPrefixesAreRejected) {
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "FOOBAR", "prefix", "FOO"}),
            "ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a "
            "single client must not overlap.");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "FOO", "prefix", "FOOBAR"}),
            "ERR Prefix 'FOO' overlaps with another provided prefix 'FOOBAR'. Prefixes for a "
            "single client must not overlap.");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "FOO", "prefix", "BAR"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "FO"}),
            "ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single "
            "client must not overlap.");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "BARB"}),
            "ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a single "
            "client must not overlap.");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "BAR"}),
            "ERR Prefix 'BAR' overlaps with an existing prefix 'BAR'. Prefixes for a single "
            "client must not overlap.");
  // New prefixes add to the existing ones.
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "baz"}), "OK");
  EXPECT_EQ(Run({"client", "trackinginfo"}),
            "[flags, [on, bcast], redirect, 0, prefixes, [BAR, FOO, baz]]");
}

TEST_F(TrackingTest, OverlapAfterTheFirstPrefixRepliesErrorThenOk) {
  // Redis 7.0 replies twice here and enables tracking with all three.
  EXPECT_EQ(Raw({"client", "tracking", "on", "bcast", "prefix", "a", "prefix", "b", "prefix",
                 "bc"}),
            "-ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single "
            "client must not overlap.\r\n+OK\r\n");
  EXPECT_EQ(Run({"client", "trackinginfo"}),
            "[flags, [on, bcast], redirect, 0, prefixes, [a, b, bc]]");
}

TEST_F(TrackingTest, BcastWithoutPrefixUsesTheEmptyPrefix) {
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast"}), "OK");
  EXPECT_EQ(Run({"client", "trackinginfo"}), "[flags, [on, bcast], redirect, 0, prefixes, []]");
  EXPECT_EQ(Raw({"client", "trackinginfo"}),
            "*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
            "$8\r\nprefixes\r\n*1\r\n$0\r\n\r\n");
  // The empty prefix overlaps every other one.
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "x"}),
            "ERR Prefix 'x' overlaps with an existing prefix ''. Prefixes for a single client "
            "must not overlap.");
}

// ------------------------------------------------ GETREDIR, TRACKINGINFO

TEST_F(TrackingTest, GetRedirReportsTheRedirectClient) {
  EXPECT_EQ(Run({"client", "getredir"}), "-1");
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"client", "getredir"}), "0");
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id}), "OK");
  EXPECT_EQ(Run({"client", "getredir"}), id);
  // Turning it on again without REDIRECT drops the redirect.
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"client", "getredir"}), "0");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  EXPECT_EQ(Run({"client", "getredir"}), "-1");
  EXPECT_EQ(Run({"client", "getredir", "x"}),
            "ERR wrong number of arguments for 'client|getredir' command");
}

TEST_F(TrackingTest, TrackingInfoListsFlagsInRedisOrder) {
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id, "noloop", "optin"}), "OK");
  EXPECT_EQ(Run({"client", "trackinginfo"}),
            "[flags, [on, optin, noloop], redirect, " + id + ", prefixes, []]");
  EXPECT_EQ(Run({"client", "caching", "yes"}), "OK");
  EXPECT_EQ(Run({"client", "trackinginfo"}),
            "[flags, [on, optin, caching-yes, noloop], redirect, " + id + ", prefixes, []]");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "optout"}), "OK");
  EXPECT_EQ(Run({"client", "caching", "no"}), "OK");
  EXPECT_EQ(Run({"client", "trackinginfo"}),
            "[flags, [on, optout, caching-no], redirect, 0, prefixes, []]");
  EXPECT_EQ(Run({"client", "trackinginfo", "x"}),
            "ERR wrong number of arguments for 'client|trackinginfo' command");
}

TEST_F(TrackingTest, TrackingInfoIsAMapWithASetInResp3) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "b", "prefix", "a"}), "OK");
  EXPECT_EQ(Raw({"client", "trackinginfo"}),
            "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
            "$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}

// ------------------------------------------------------- CLIENT CACHING

TEST_F(TrackingTest, CachingRequiresTheMatchingMode) {
  const std::string not_tracking =
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
      "OPTOUT mode enabled";
  EXPECT_EQ(Run({"client", "caching", "yes"}), not_tracking);
  EXPECT_EQ(Run({"client", "caching", "maybe"}), not_tracking);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"client", "caching", "yes"}),
            "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  EXPECT_EQ(Run({"client", "caching", "no"}),
            "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  EXPECT_EQ(Run({"client", "caching", "maybe"}), "ERR syntax error");
  EXPECT_EQ(Run({"client", "caching"}),
            "ERR wrong number of arguments for 'client|caching' command");
  EXPECT_EQ(Run({"client", "caching", "yes", "no"}),
            "ERR wrong number of arguments for 'client|caching' command");
}

// ------------------------------------------------------ default mode

TEST_F(TrackingTest, Resp3ClientGetsAPushWhenAKeyItReadChanges) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  EXPECT_EQ(Run({"get", "k"}), "1");
  EXPECT_EQ(Run({"set", "k", "2"}, writer_), "OK");
  EXPECT_EQ(PushedRaw(0), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
  EXPECT_EQ(Run({"get", "k"}), "2");
  EXPECT_EQ(Run({"set", "k", "3"}, writer_), "OK");
  std::vector<Reply> pushed = h_.TakePushed(0);
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].type, Reply::Type::kPush);
  EXPECT_EQ(pushed[0].ToString(), "[invalidate, [k]]");
  // Once told, the client is forgotten for that key until it reads it again.
  EXPECT_EQ(Run({"set", "k", "4"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
}

TEST_F(TrackingTest, MissingKeysAreTrackedToo) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"get", "key"}), "(nil)");
  EXPECT_EQ(Run({"del", "key"}, writer_), "0");
  EXPECT_EQ(Pushed(0), "");  // nothing was deleted: no change
  EXPECT_EQ(Run({"set", "key", "v"}, writer_), "OK");
  EXPECT_EQ(PushedRaw(0), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n");
}

TEST_F(TrackingTest, OnlyKeysThatWereReadAreInvalidated) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2", "c", "3"}, writer_), "OK");
  EXPECT_EQ(Run({"mget", "a", "c"}), "[1, 3]");
  EXPECT_EQ(Run({"incr", "b"}, writer_), "3");
  EXPECT_EQ(Pushed(0), "");
  EXPECT_EQ(Run({"mset", "a", "5", "c", "6"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [a]] [invalidate, [c]]");
}

TEST_F(TrackingTest, WritesAndNonReadOnlyCommandsDoNotTrackKeys) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"set", "k", "1"}), "OK");
  EXPECT_EQ(Run({"incr", "k"}), "2");
  EXPECT_EQ(Run({"set", "k", "5"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
  EXPECT_EQ(InfoField("tracking_total_keys"), "0");
}

TEST_F(TrackingTest, OwnWriteIsInvalidatedAfterTheReply) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"hset", "h", "f", "1"}), "1");
  EXPECT_EQ(Run({"hget", "h", "f"}), "1");
  EXPECT_EQ(Raw({"hdel", "h", "f"}), ":1\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nh\r\n");
}

TEST_F(TrackingTest, NoLoopSkipsTheClientsOwnWrites) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "noloop"}), "OK");
  EXPECT_EQ(Run({"mget", "mine", "theirs"}), "[(nil), (nil)]");
  EXPECT_EQ(Raw({"set", "mine", "1"}), "+OK\r\n");
  EXPECT_EQ(Run({"set", "theirs", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [theirs]]");
}

TEST_F(TrackingTest, Resp2ClientWithoutRedirectGetsNothing) {
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
  EXPECT_EQ(Raw({"set", "k", "2"}), "+OK\r\n");
}

TEST_F(TrackingTest, RedirectToASubscribedResp2ClientSendsAPubSubMessage) {
  Subscribe(other_);
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
  std::vector<Reply> got = h_.TakePushed(other_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, Reply::Type::kArray);
  EXPECT_EQ(got[0].ToString(), "[message, __redis__:invalidate, [k]]");
}

TEST_F(TrackingTest, RedirectToAnUnsubscribedResp2ClientSendsNothing) {
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(other_), "");
}

TEST_F(TrackingTest, RedirectToAResp3ClientSendsAPush) {
  Resp3(other_);
  Subscribe(other_);  // a subscribed RESP3 client still gets a push
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  std::vector<Reply> got = h_.TakePushed(other_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, Reply::Type::kPush);
  EXPECT_EQ(got[0].ToString(), "[invalidate, [k]]");
}

TEST_F(TrackingTest, SeveralClientsTrackingOneKeyAreAllTold) {
  Resp3(0);
  Resp3(other_);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on"}, other_), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"get", "k"}, other_), "(nil)");
  EXPECT_EQ(InfoField("tracking_total_keys"), "1");
  EXPECT_EQ(InfoField("tracking_total_items"), "2");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [k]]");
  EXPECT_EQ(Pushed(other_), "[invalidate, [k]]");
  EXPECT_EQ(InfoField("tracking_total_keys"), "0");
  EXPECT_EQ(InfoField("tracking_total_items"), "0");
}

TEST_F(TrackingTest, InvalidationsAfterTurningTrackingOffAreNotSent) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  // The entry stays (removed lazily) but is not acted on.
  EXPECT_EQ(InfoField("tracking_total_items"), "1");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
  EXPECT_EQ(InfoField("tracking_total_items"), "0");
}

TEST_F(TrackingTest, KeysReadBeforeSwitchingToBcastAreNotInvalidated) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "other"}), "OK");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  Broadcast();
  EXPECT_EQ(Pushed(0), "");
}

TEST_F(TrackingTest, TransactionInvalidationsFollowTheExecReply) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"mset", "a", "1", "b", "2"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "1");
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"incr", "a"}), "QUEUED");
  EXPECT_EQ(Run({"get", "b"}), "QUEUED");
  EXPECT_EQ(Raw({"exec"}),
            "*2\r\n:2\r\n$1\r\n2\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n");
  // GET b inside the transaction tracked b.
  EXPECT_EQ(Run({"set", "b", "3"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [b]]");
}

TEST_F(TrackingTest, ReadOfAWrongTypeKeyStillTracksIt) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"rpush", "l", "x"}, writer_), "1");
  EXPECT_EQ(Run({"get", "l"}), "WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(Run({"del", "l"}, writer_), "1");
  EXPECT_EQ(Pushed(0), "[invalidate, [l]]");
}

// --------------------------------------------------------- expiry, flush

TEST_F(TrackingTest, LazyExpiryInvalidates) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"set", "k", "v", "px", "100"}, writer_), "OK");
  EXPECT_EQ(Run({"get", "k"}), "v");
  h_.AdvanceMillis(200);
  EXPECT_EQ(Run({"exists", "k"}, writer_), "0");
  EXPECT_EQ(Pushed(0), "[invalidate, [k]]");
}

TEST_F(TrackingTest, LazyExpiryDuringTheClientsOwnReadFollowsTheReply) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"mset", "x", "1", "y", "2"}), "OK");
  EXPECT_EQ(Run({"pexpire", "y", "100"}), "1");
  EXPECT_EQ(Run({"get", "y"}), "2");
  h_.AdvanceMillis(200);
  EXPECT_EQ(Raw({"mget", "x", "y"}),
            "*2\r\n$1\r\n1\r\n_\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ny\r\n");
  // Read again by that MGET: tracked anew.
  EXPECT_EQ(Run({"set", "y", "3"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [y]]");
}

TEST_F(TrackingTest, ActiveExpiryInvalidates) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"set", "k", "v", "px", "50"}, writer_), "OK");
  EXPECT_EQ(Run({"get", "k"}), "v");
  h_.AdvanceMillis(1000);
  for (int i = 0; i < 20; ++i) h_.Cron();
  EXPECT_EQ(Pushed(0), "[invalidate, [k]]");
}

TEST_F(TrackingTest, FlushAllSendsANullToEveryTrackingClient) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  Subscribe(other_);
  const std::string id = ClientId(other_);
  const size_t third = h_.NewClient();
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id}, third), "OK");
  EXPECT_EQ(Run({"get", "a"}), "(nil)");
  EXPECT_EQ(Run({"get", "b"}, third), "(nil)");
  EXPECT_EQ(InfoField("tracking_total_keys"), "2");
  EXPECT_EQ(Run({"flushall"}, writer_), "OK");
  // A RESP3 null in a push; to a RESP2 redirect, a pub/sub message with the
  // RESP2 null of the tracking client.
  EXPECT_EQ(PushedRaw(0), ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  EXPECT_EQ(PushedRaw(other_),
            "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
  EXPECT_EQ(InfoField("tracking_total_keys"), "0");
  // Everything was forgotten: a write of a key read before tells no one.
  EXPECT_EQ(Run({"set", "a", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
}

TEST_F(TrackingTest, FlushPayloadsAreNulls) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  Subscribe(other_);
  const std::string id = ClientId(other_);
  const size_t third = h_.NewClient();
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id}, third), "OK");
  EXPECT_EQ(Run({"flushdb"}, writer_), "OK");
  std::vector<Reply> mine = h_.TakePushed(0);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].type, Reply::Type::kPush);
  EXPECT_EQ(mine[0].ToString(), "[invalidate, (nil)]");
  std::vector<Reply> redirected = h_.TakePushed(other_);
  ASSERT_EQ(redirected.size(), 1u);
  EXPECT_EQ(redirected[0].ToString(), "[message, __redis__:invalidate, (nil)]");
}

TEST_F(TrackingTest, OwnFlushInvalidationFollowsTheReply) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"flushdb"}), "QUEUED");
  EXPECT_EQ(Raw({"exec"}), "*1\r\n+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n");
}

TEST_F(TrackingTest, SwapDbDoesNotInvalidate) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Run({"swapdb", "0", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
}

// ----------------------------------------------------------- OPTIN/OPTOUT

TEST_F(TrackingTest, OptInTracksOnlyAfterCachingYes) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "optin"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "(nil)");
  EXPECT_EQ(Run({"client", "caching", "yes"}), "OK");
  EXPECT_EQ(Run({"get", "b"}), "(nil)");
  EXPECT_EQ(Run({"get", "c"}), "(nil)");  // CACHING covered only the GET b
  EXPECT_EQ(Run({"mset", "a", "1", "b", "1", "c", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [b]]");
}

TEST_F(TrackingTest, CachingSurvivesOtherClientSubcommandsAndCoversATransaction) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "optin"}), "OK");
  EXPECT_EQ(Run({"client", "caching", "yes"}), "OK");
  EXPECT_EQ(Run({"client", "getredir"}), "0");
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "QUEUED");
  EXPECT_EQ(Run({"get", "b"}), "QUEUED");
  EXPECT_EQ(Run({"exec"}), "[(nil), (nil)]");
  EXPECT_EQ(Run({"client", "trackinginfo"}), "[flags, [on, optin], redirect, 0, prefixes, []]");
  EXPECT_EQ(Run({"get", "c"}), "(nil)");
  EXPECT_EQ(Run({"mset", "a", "1", "b", "1", "c", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [a]] [invalidate, [b]]");
}

TEST_F(TrackingTest, CachingIsForgottenAfterAFailedOrUnknownCommand) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "optin"}), "OK");
  EXPECT_EQ(Run({"client", "caching", "yes"}), "OK");
  EXPECT_EQ(Run({"nosuchcommand"}), "ERR unknown command 'nosuchcommand', with args beginning with: ");
  EXPECT_EQ(Run({"get", "a"}), "(nil)");
  EXPECT_EQ(Run({"client", "caching", "yes"}), "OK");
  EXPECT_EQ(Run({"get"}), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(Run({"get", "b"}), "(nil)");
  EXPECT_EQ(Run({"mset", "a", "1", "b", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "");
}

TEST_F(TrackingTest, OptOutSkipsKeysAfterCachingNo) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "optout"}), "OK");
  EXPECT_EQ(Run({"client", "caching", "no"}), "OK");
  EXPECT_EQ(Run({"get", "a"}), "(nil)");
  EXPECT_EQ(Run({"get", "b"}), "(nil)");
  EXPECT_EQ(Run({"mset", "a", "1", "b", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [b]]");
}

// ------------------------------------------------------------------ BCAST

TEST_F(TrackingTest, BcastSendsChangedKeysPerPrefixOncePerLoop) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "b:", "prefix", "a:"}), "OK");
  EXPECT_EQ(Run({"multi"}, writer_), "OK");
  for (std::string_view k : {"b:2", "a:2", "a:1", "b:1", "c:1", "a:1"}) {
    EXPECT_EQ(Run({"incr", k}, writer_), "QUEUED");
  }
  EXPECT_EQ(Run({"exec"}, writer_), "[1, 1, 1, 1, 1, 2]");
  EXPECT_EQ(Pushed(0), "");  // not before the end of the loop iteration
  Broadcast();
  EXPECT_EQ(Pushed(0), "[invalidate, [a:1, a:2]] [invalidate, [b:1, b:2]]");
  Broadcast();
  EXPECT_EQ(Pushed(0), "");
  EXPECT_EQ(InfoField("tracking_total_prefixes"), "2");
}

TEST_F(TrackingTest, BcastPayloadBytes) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast"}), "OK");
  EXPECT_EQ(Run({"mset", "k2", "1", "k1", "2"}, writer_), "OK");
  Broadcast();
  EXPECT_EQ(PushedRaw(0), ">2\r\n$10\r\ninvalidate\r\n*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n");
}

TEST_F(TrackingTest, BcastNoLoopLeavesOutOwnChanges) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "noloop"}), "OK");
  EXPECT_EQ(Run({"set", "mine", "1"}), "OK");
  EXPECT_EQ(Run({"set", "theirs", "1"}, writer_), "OK");
  Broadcast();
  EXPECT_EQ(Pushed(0), "[invalidate, [theirs]]");
  // Only own changes: no message at all.
  EXPECT_EQ(Run({"set", "mine", "2"}), "OK");
  Broadcast();
  EXPECT_EQ(Pushed(0), "");
}

TEST_F(TrackingTest, BcastExpiryCountsAsNobodysChange) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "noloop"}), "OK");
  EXPECT_EQ(Run({"set", "k", "v", "px", "10"}), "OK");
  Broadcast();
  EXPECT_EQ(Pushed(0), "");
  h_.AdvanceMillis(50);
  EXPECT_EQ(Run({"get", "k"}), "(nil)");  // lazily expired by its own read
  Broadcast();
  EXPECT_EQ(Pushed(0), "[invalidate, [k]]");
}

TEST_F(TrackingTest, BcastRedirectsToASubscribedResp2Client) {
  Subscribe(other_);
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "redirect", id, "prefix", "p:"}), "OK");
  EXPECT_EQ(Run({"mset", "p:1", "1", "q:1", "1"}, writer_), "OK");
  Broadcast();
  EXPECT_EQ(Pushed(other_), "[message, __redis__:invalidate, [p:1]]");
}

TEST_F(TrackingTest, BcastKeysReachEveryClientWhosePrefixMatches) {
  // One client per prefix, nested: a key matches a chain of them.
  const std::vector<std::string_view> prefixes = {"", "a", "ab", "abc", "abd", "b"};
  std::vector<size_t> ids;
  for (std::string_view p : prefixes) {
    const size_t c = h_.NewClient();
    Resp3(c);
    EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", p}, c), "OK");
    ids.push_back(c);
  }
  EXPECT_EQ(Run({"mset", "abcd", "1", "abx", "1", "c", "1"}, writer_), "OK");
  Broadcast();
  EXPECT_EQ(Pushed(ids[0]), "[invalidate, [abcd, abx, c]]");
  EXPECT_EQ(Pushed(ids[1]), "[invalidate, [abcd, abx]]");
  EXPECT_EQ(Pushed(ids[2]), "[invalidate, [abcd, abx]]");
  EXPECT_EQ(Pushed(ids[3]), "[invalidate, [abcd]]");
  EXPECT_EQ(Pushed(ids[4]), "");
  EXPECT_EQ(Pushed(ids[5]), "");
  EXPECT_EQ(InfoField("tracking_total_prefixes"), "6");
}

TEST_F(TrackingTest, TurningBcastOffDropsItsPrefixes) {
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "a"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "b"}, other_), "OK");
  EXPECT_EQ(InfoField("tracking_total_prefixes"), "2");
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  EXPECT_EQ(InfoField("tracking_total_prefixes"), "1");
  EXPECT_EQ(Run({"reset"}, other_), "RESET");
  EXPECT_EQ(InfoField("tracking_total_prefixes"), "0");
  EXPECT_EQ(InfoField("tracking_clients"), "0");
}

// ------------------------------------------------- table limit, reporting

TEST_F(TrackingTest, TableLimitEvictsKeysAndTellsTheirClients) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  for (int i = 0; i < 250; ++i) {
    const std::string key = "key" + std::to_string(i);
    EXPECT_EQ(Run({"get", key}), "(nil)");
  }
  const server::Tracking& tracking = h_.server().tracking();
  EXPECT_EQ(tracking.total_keys(), 250u);
  EXPECT_EQ(Run({"config", "set", "tracking-table-max-keys", "1"}, writer_), "OK");
  h_.TakePushed(0);
  // The cron works harder each time it finds the table still too big.
  h_.Cron();
  EXPECT_EQ(tracking.total_keys(), 150u);
  h_.Cron();
  EXPECT_EQ(tracking.total_keys(), 1u);
  EXPECT_EQ(h_.TakePushed(0).size(), 249u);
}

TEST_F(TrackingTest, TableLimitIsEnforcedBeforeEachCommand) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"mget", "a", "b"}), "[(nil), (nil)]");
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"config", "set", "tracking-table-max-keys", "1"}, writer_), "OK");
  // The eviction comes before the QUEUED of the next request.
  const std::string raw = Raw({"ping"});
  EXPECT_EQ(raw.rfind(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\n", 0), 0u) << raw;
  EXPECT_EQ(raw.substr(raw.size() - 9), "+QUEUED\r\n");
  EXPECT_EQ(h_.server().tracking().total_keys(), 1u);
  EXPECT_EQ(Run({"exec"}), "[PONG]");
}

TEST_F(TrackingTest, ZeroMaxKeysMeansNoLimit) {
  EXPECT_EQ(Run({"config", "set", "tracking-table-max-keys", "0"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"mget", "a", "b", "c"}), "[(nil), (nil), (nil)]");
  h_.Cron();
  EXPECT_EQ(InfoField("tracking_total_keys"), "3");
}

TEST_F(TrackingTest, InfoCountsClientsKeysItemsAndPrefixes) {
  EXPECT_EQ(InfoField("tracking_clients"), "0");
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"mget", "k1", "k2"}), "[(nil), (nil)]");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast", "prefix", "p:"}, other_), "OK");
  EXPECT_EQ(InfoField("tracking_clients"), "2");
  EXPECT_EQ(InfoField("tracking_total_keys"), "2");
  EXPECT_EQ(InfoField("tracking_total_items"), "2");
  EXPECT_EQ(InfoField("tracking_total_prefixes"), "1");
}

TEST_F(TrackingTest, ClientListShowsTrackingFlagsAndRedirect) {
  EXPECT_EQ(ClientListField(0, "flags"), "N");
  EXPECT_EQ(ClientListField(0, "redir"), "-1");
  const std::string id = ClientId(other_);
  EXPECT_EQ(Run({"client", "tracking", "on", "redirect", id}), "OK");
  EXPECT_EQ(ClientListField(0, "flags"), "t");
  EXPECT_EQ(ClientListField(0, "redir"), id);
  EXPECT_EQ(Run({"client", "tracking", "off"}), "OK");
  EXPECT_EQ(Run({"client", "tracking", "on", "bcast"}), "OK");
  EXPECT_EQ(ClientListField(0, "flags"), "tB");
  EXPECT_EQ(ClientListField(0, "redir"), "0");
}

TEST_F(TrackingTest, ResetTurnsTrackingOff) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on", "optin"}), "OK");
  EXPECT_EQ(Run({"reset"}), "RESET");
  EXPECT_EQ(Run({"client", "trackinginfo"}), "[flags, [off], redirect, -1, prefixes, []]");
  EXPECT_EQ(InfoField("tracking_clients"), "0");
}

TEST_F(TrackingTest, PushesReachAClientWhoseRepliesAreOff) {
  Resp3(0);
  EXPECT_EQ(Run({"client", "tracking", "on"}), "OK");
  EXPECT_EQ(Run({"get", "k"}), "(nil)");
  EXPECT_EQ(Raw({"client", "reply", "off"}), "");
  EXPECT_EQ(Run({"set", "k", "1"}, writer_), "OK");
  EXPECT_EQ(Pushed(0), "[invalidate, [k]]");
  EXPECT_EQ(Raw({"client", "reply", "on"}), "+OK\r\n");
}

}  // namespace
}  // namespace osprey::testing

namespace osprey::testing {
namespace {

// Redis's pairwise overlap scan, the reference for Tracking::CheckPrefixes.
server::Tracking::PrefixCheck NaiveCheck(const std::vector<std::string>& existing,
                                         const std::vector<std::string_view>& fresh) {
  auto overlap = [](std::string_view a, std::string_view b) {
    const size_t n = std::min(a.size(), b.size());
    return a.substr(0, n) == b.substr(0, n);
  };
  const std::string tail = "'. Prefixes for a single client must not overlap.";
  for (size_t i = 0; i < fresh.size(); ++i) {
    for (const std::string& e : existing) {  // sorted
      if (overlap(e, fresh[i])) {
        return {"ERR Prefix '" + std::string(fresh[i]) + "' overlaps with an existing prefix '" +
                    e + tail,
                false};
      }
    }
    for (size_t j = i + 1; j < fresh.size(); ++j) {
      if (overlap(fresh[i], fresh[j])) {
        return {"ERR Prefix '" + std::string(fresh[i]) +
                    "' overlaps with another provided prefix '" + std::string(fresh[j]) + tail,
                i != 0};
      }
    }
  }
  return {};
}

TEST(TrackingPrefixCheckTest, MatchesRedisPairwiseScanOnRandomInputs) {
  CommandHarness h;
  server::Tracking& tracking = h.server().tracking();
  server::Client* c = &h.client(0);
  std::mt19937 rng(12345);
  auto random_prefix = [&rng] {
    std::string s(rng() % 4, 'a');
    for (char& ch : s) ch = static_cast<char>('a' + rng() % 2);
    return s;
  };
  for (int round = 0; round < 3000; ++round) {
    tracking.Disable(c);
    std::set<std::string> existing_set;
    const size_t existing_count = rng() % 3;
    for (size_t i = 0; i < existing_count; ++i) existing_set.insert(random_prefix());
    std::vector<std::string> existing(existing_set.begin(), existing_set.end());
    if (!existing.empty()) {
      std::vector<std::string_view> views(existing.begin(), existing.end());
      server::Tracking::Options opts;
      opts.bcast = true;
      opts.prefixes = views;
      tracking.Enable(c, opts);
    }
    std::vector<std::string> fresh_owned;
    const size_t fresh_count = rng() % 6;
    for (size_t i = 0; i < fresh_count; ++i) fresh_owned.push_back(random_prefix());
    std::vector<std::string_view> fresh(fresh_owned.begin(), fresh_owned.end());
    const server::Tracking::PrefixCheck want = NaiveCheck(existing, fresh);
    const server::Tracking::PrefixCheck got = tracking.CheckPrefixes(c, fresh);
    ASSERT_EQ(got.error, want.error) << "round " << round;
    ASSERT_EQ(got.proceed, want.proceed) << "round " << round;
  }
  tracking.Disable(c);
}

TEST(TrackingPrefixCheckTest, ManyPrefixesAreCheckedQuickly) {
  CommandHarness h;
  std::vector<std::string> owned;
  for (int i = 0; i < 100000; ++i) owned.push_back("p" + std::to_string(1000000 + i) + ":");
  owned.push_back("p1099999:x");  // overlaps the one before it, at the very end
  std::vector<std::string_view> args = {"client", "tracking", "on", "bcast"};
  for (const std::string& p : owned) {
    args.push_back("prefix");
    args.push_back(p);
  }
  // A pairwise scan would need 5e9 comparisons here.
  EXPECT_EQ(h.Run(args).ToString(),
            "ERR Prefix 'p1099999:' overlaps with another provided prefix 'p1099999:x'. "
            "Prefixes for a single client must not overlap.");
  // Redis 7.0 goes on (see OverlapAfterTheFirstPrefixRepliesErrorThenOk).
  EXPECT_EQ(h.server().tracking().total_prefixes(), owned.size());
  EXPECT_EQ(h.Run({"client", "tracking", "off"}).ToString(), "OK");
  EXPECT_EQ(h.server().tracking().total_prefixes(), 0u);
}

}  // namespace
}  // namespace osprey::testing
