// The pub/sub commands through the real dispatcher: confirmation frames
// byte for byte in RESP2 and RESP3, the subscribed-mode restriction of
// RESP2, PUBSUB introspection, MULTI/EXEC, RESET, and bad arguments.
#include <gtest/gtest.h>
#include <sys/uio.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/output_buffer.h"
#include "server/client.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

class PubSubHandlersTest : public ::testing::Test {
 protected:
  std::string Raw(std::vector<std::string_view> args, size_t client = 0) {
    return h_.RunRaw(std::move(args), client);
  }
  std::string Run(std::vector<std::string_view> args, size_t client = 0) {
    return h_.RunOn(client, std::move(args)).ToString();
  }
  // Every frame one command produced, as text.
  std::vector<std::string> Frames(std::vector<std::string_view> args, size_t client = 0) {
    const std::string bytes = h_.RunRaw(std::move(args), client);
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < bytes.size()) {
      Reply r;
      if (!ParseReply(bytes, &pos, &r)) {
        out.push_back("<unparsable>");
        break;
      }
      out.push_back(r.ToString());
    }
    return out;
  }
  std::vector<std::string> Pushed(size_t client) {
    std::vector<std::string> out;
    for (const Reply& r : h_.TakePushed(client)) out.push_back(r.ToString());
    return out;
  }
  // The bytes a client received outside of its own commands.
  std::string PushedBytes(size_t client) {
    protocol::OutputBuffer& out = h_.client(client).output();
    std::string bytes;
    iovec iov[16];
    while (!out.empty()) {
      const int n = out.Gather(iov, 16);
      size_t total = 0;
      for (int i = 0; i < n; ++i) {
        bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
        total += iov[i].iov_len;
      }
      out.Consume(total);
    }
    return bytes;
  }
  static std::string CantExecute(const std::string& cmd) {
    return "ERR Can't execute '" + cmd +
           "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
           "context";
  }

  CommandHarness h_;
};

using Strings = std::vector<std::string>;

// ------------------------------------------------------------ confirmations

TEST_F(PubSubHandlersTest, SubscribeConfirmsEachChannelWithTheRunningCount) {
  EXPECT_EQ(Raw({"subscribe", "c1", "c2", "c1"}),
            "*3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:1\r\n"
            "*3\r\n$9\r\nsubscribe\r\n$2\r\nc2\r\n:2\r\n"
            "*3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:2\r\n");
  // Patterns share the count with channels.
  EXPECT_EQ(Raw({"psubscribe", "p*"}), "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
  // Shard channels have a count of their own.
  EXPECT_EQ(Raw({"ssubscribe", "s1"}), "*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n");
}

TEST_F(PubSubHandlersTest, UnsubscribeWithNothingToLeaveRepliesWithNilChannel) {
  EXPECT_EQ(Raw({"unsubscribe"}), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(Raw({"punsubscribe"}), "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(Raw({"sunsubscribe"}), "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
  h_.client(0).set_resp(3);
  EXPECT_EQ(Raw({"unsubscribe"}), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
}

TEST_F(PubSubHandlersTest, UnsubscribeFromUnknownChannelsStillConfirmsEach) {
  EXPECT_EQ(Frames({"unsubscribe", "foo", "bar"}),
            (Strings{"[unsubscribe, foo, 0]", "[unsubscribe, bar, 0]"}));
  EXPECT_EQ(Frames({"punsubscribe", "f*"}), (Strings{"[punsubscribe, f*, 0]"}));
  EXPECT_EQ(Frames({"sunsubscribe", "x"}), (Strings{"[sunsubscribe, x, 0]"}));
}

TEST_F(PubSubHandlersTest, UnsubscribeWithoutArgumentsLeavesEveryChannelOfThatKind) {
  Frames({"subscribe", "a", "b"});
  Frames({"psubscribe", "p*"});
  Strings frames = Frames({"unsubscribe"});
  std::sort(frames.begin(), frames.end());
  // The counts fall 2, 1 (whichever channel goes first); the pattern stays.
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0] == "[unsubscribe, a, 1]" || frames[0] == "[unsubscribe, a, 2]");
  EXPECT_EQ(h_.server().pubsub().CountOf(&h_.client(0), server::PubSub::Kind::kChannel), 0u);
  EXPECT_EQ(Frames({"punsubscribe"}), (Strings{"[punsubscribe, p*, 0]"}));
  EXPECT_FALSE(h_.client(0).has(server::kClientPubSub));
  EXPECT_EQ(Run({"ping"}), "PONG");
}

TEST_F(PubSubHandlersTest, Resp3ConfirmationsArePushes) {
  h_.client(0).set_resp(3);
  EXPECT_EQ(Raw({"subscribe", "c"}), ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
  EXPECT_EQ(Raw({"ssubscribe", "s"}), ">3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");
  EXPECT_EQ(Raw({"sunsubscribe"}), ">3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n");
}

TEST_F(PubSubHandlersTest, ConfirmationsGetThroughClientReplyOff) {
  EXPECT_EQ(Raw({"client", "reply", "off"}), "");
  EXPECT_EQ(Frames({"subscribe", "c"}), (Strings{"[subscribe, c, 1]"}));
  EXPECT_EQ(Raw({"ping"}), "");  // ordinary replies stay muted
  EXPECT_EQ(Frames({"unsubscribe", "c"}), (Strings{"[unsubscribe, c, 0]"}));
}

// ------------------------------------------------------------- publishing

TEST_F(PubSubHandlersTest, PublishCountsReceiversAndDelivers) {
  const size_t sub = h_.NewClient();
  const size_t psub = h_.NewClient();
  Frames({"subscribe", "news"}, sub);
  Frames({"psubscribe", "n*", "ne?s"}, psub);
  EXPECT_EQ(Run({"publish", "news", "hi"}), "3");
  EXPECT_EQ(Pushed(sub), (Strings{"[message, news, hi]"}));
  EXPECT_EQ(Pushed(psub), (Strings{"[pmessage, n*, news, hi]", "[pmessage, ne?s, news, hi]"}));
  EXPECT_EQ(Run({"publish", "nothing-here", "x"}), "1");  // n*
  EXPECT_EQ(Run({"publish", "zzz", "x"}), "0");
}

TEST_F(PubSubHandlersTest, MessageFramesByteForByte) {
  const size_t sub = h_.NewClient();
  Raw({"subscribe", "c"}, sub);
  Raw({"psubscribe", "c*"}, sub);
  Run({"publish", "c", "hello"});
  EXPECT_EQ(PushedBytes(sub),
            "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$5\r\nhello\r\n"
            "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$5\r\nhello\r\n");
  h_.client(sub).set_resp(3);
  Run({"publish", "c", "hello"});
  EXPECT_EQ(PushedBytes(sub),
            ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$5\r\nhello\r\n"
            ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$5\r\nhello\r\n");
}

TEST_F(PubSubHandlersTest, SPublishReachesOnlyShardSubscribers) {
  const size_t s = h_.NewClient();
  const size_t p = h_.NewClient();
  Frames({"ssubscribe", "orders"}, s);
  Frames({"psubscribe", "*"}, p);
  EXPECT_EQ(Run({"spublish", "orders", "o1"}), "1");
  EXPECT_EQ(Pushed(s), (Strings{"[smessage, orders, o1]"}));
  EXPECT_TRUE(Pushed(p).empty());
  EXPECT_EQ(Run({"spublish", "nobody", "o1"}), "0");
}

TEST_F(PubSubHandlersTest, PublishToOwnChannelInResp3InterleavesWithTheReply) {
  h_.client(0).set_resp(3);
  Raw({"subscribe", "c"});
  EXPECT_EQ(Raw({"publish", "c", "m"}), ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n:1\r\n");
  // RESP3 clients may run anything while subscribed.
  EXPECT_EQ(Run({"set", "k", "v"}), "OK");
}

// -------------------------------------------------------- subscribed mode

TEST_F(PubSubHandlersTest, Resp2SubscribedClientMayOnlyRunPubSubCommands) {
  Raw({"subscribe", "c"});
  EXPECT_EQ(Run({"get", "x"}), CantExecute("get"));
  EXPECT_EQ(Run({"client", "list"}), CantExecute("client|list"));
  EXPECT_EQ(Run({"multi"}), CantExecute("multi"));
  EXPECT_EQ(Run({"hello", "3"}), CantExecute("hello"));
  EXPECT_EQ(Run({"publish", "c", "m"}), CantExecute("publish"));
  // Allowed ones.
  EXPECT_EQ(Raw({"ping"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(Raw({"ping", "hi"}), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  EXPECT_EQ(Frames({"psubscribe", "x*"}), (Strings{"[psubscribe, x*, 2]"}));
  EXPECT_EQ(Frames({"ssubscribe", "s"}), (Strings{"[ssubscribe, s, 1]"}));
  EXPECT_EQ(Frames({"punsubscribe"}), (Strings{"[punsubscribe, x*, 1]"}));
  EXPECT_EQ(Frames({"sunsubscribe"}), (Strings{"[sunsubscribe, s, 0]"}));
  // Wrong arity is reported before the subscribed-mode check.
  EXPECT_EQ(Run({"get"}), "ERR wrong number of arguments for 'get' command");
}

TEST_F(PubSubHandlersTest, LeavingEveryChannelLeavesSubscribedMode) {
  Raw({"subscribe", "c"});
  Raw({"ssubscribe", "s"});
  Raw({"unsubscribe"});
  EXPECT_EQ(Run({"get", "x"}), CantExecute("get"));  // the shard channel remains
  Raw({"sunsubscribe", "s"});
  EXPECT_EQ(Run({"get", "x"}), "(nil)");
  EXPECT_EQ(Run({"ping"}), "PONG");
}

TEST_F(PubSubHandlersTest, ResetLeavesSubscribedMode) {
  Raw({"subscribe", "c"});
  Raw({"psubscribe", "p*"});
  EXPECT_EQ(Run({"reset"}), "RESET");
  EXPECT_EQ(Run({"ping"}), "PONG");
  EXPECT_EQ(Run({"pubsub", "numsub", "c"}), "[c, 0]");
  EXPECT_EQ(Run({"pubsub", "numpat"}), "0");
}

TEST_F(PubSubHandlersTest, HelloThreeIsRefusedWhileSubscribedButResp3MayGoBackToTwo) {
  h_.client(0).set_resp(3);
  Raw({"subscribe", "c"});
  EXPECT_EQ(Run({"get", "x"}), "(nil)");
  Run({"hello", "2"});
  EXPECT_EQ(Run({"get", "x"}), CantExecute("get"));
}

// ------------------------------------------------------------ MULTI / EXEC

TEST_F(PubSubHandlersTest, SubscribeInsideExecRepliesInTheArrayAndShardFormIsRefused) {
  EXPECT_EQ(Run({"multi"}), "OK");
  EXPECT_EQ(Run({"subscribe", "c1"}), "QUEUED");
  EXPECT_EQ(Run({"ssubscribe", "s1"}), "QUEUED");
  EXPECT_EQ(Run({"publish", "c1", "x"}), "QUEUED");
  EXPECT_EQ(Run({"ping"}), "QUEUED");
  EXPECT_EQ(Raw({"exec"}),
            "*4\r\n"
            "*3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:1\r\n"
            "-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n"
            "*3\r\n$7\r\nmessage\r\n$2\r\nc1\r\n$1\r\nx\r\n:1\r\n"
            "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_TRUE(h_.client(0).has(server::kClientPubSub));
  EXPECT_EQ(Run({"get", "x"}), CantExecute("get"));
}

TEST_F(PubSubHandlersTest, PublishInsideExecDeliversToOthers) {
  const size_t sub = h_.NewClient();
  Raw({"subscribe", "c"}, sub);
  Run({"multi"});
  Run({"publish", "c", "one"});
  Run({"publish", "c", "two"});
  EXPECT_EQ(Run({"exec"}), "[1, 1]");
  EXPECT_EQ(Pushed(sub), (Strings{"[message, c, one]", "[message, c, two]"}));
}

// ------------------------------------------------------------------ PUBSUB

TEST_F(PubSubHandlersTest, PubsubChannelsAndCounts) {
  const size_t a = h_.NewClient();
  const size_t b = h_.NewClient();
  Raw({"subscribe", "news.a", "other"}, a);
  Raw({"subscribe", "news.a"}, b);
  Raw({"psubscribe", "p1*", "p2*"}, a);
  Raw({"psubscribe", "p1*"}, b);
  Raw({"ssubscribe", "shard.a"}, b);
  EXPECT_EQ(Run({"pubsub", "channels", "news.*"}), "[news.a]");
  Reply all = h_.Run({"pubsub", "channels"});
  EXPECT_EQ(all.elements.size(), 2u);
  EXPECT_EQ(Run({"pubsub", "numsub", "news.a", "other", "none"}), "[news.a, 2, other, 1, none, 0]");
  EXPECT_EQ(Run({"pubsub", "numsub"}), "[]");
  EXPECT_EQ(Run({"pubsub", "numpat"}), "2");
  EXPECT_EQ(Run({"pubsub", "shardchannels"}), "[shard.a]");
  EXPECT_EQ(Run({"pubsub", "shardchannels", "x*"}), "[]");
  EXPECT_EQ(Run({"pubsub", "shardnumsub", "shard.a", "news.a"}), "[shard.a, 1, news.a, 0]");
  // NUMSUB stays a flat array in RESP3.
  h_.client(0).set_resp(3);
  EXPECT_EQ(Raw({"pubsub", "numsub", "other"}), "*2\r\n$5\r\nother\r\n:1\r\n");
}

TEST_F(PubSubHandlersTest, PubsubHelpListsTheSubcommands) {
  Reply r = h_.Run({"pubsub", "help"});
  ASSERT_GE(r.elements.size(), 3u);
  EXPECT_EQ(r.elements[0].str, "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  const std::string text = r.ToString();
  for (const char* sub : {"CHANNELS", "NUMPAT", "NUMSUB", "SHARDCHANNELS", "SHARDNUMSUB"}) {
    EXPECT_NE(text.find(sub), std::string::npos) << sub;
  }
  EXPECT_EQ(r.elements.back().str, "    Prints this help.");
}

// -------------------------------------------------------------- bad input

TEST_F(PubSubHandlersTest, WrongArityAndUnknownSubcommands) {
  for (const char* cmd : {"subscribe", "psubscribe", "ssubscribe"}) {
    EXPECT_EQ(Run({cmd}), std::string("ERR wrong number of arguments for '") + cmd + "' command");
  }
  EXPECT_EQ(Run({"publish", "c"}), "ERR wrong number of arguments for 'publish' command");
  EXPECT_EQ(Run({"publish", "c", "m", "x"}), "ERR wrong number of arguments for 'publish' command");
  EXPECT_EQ(Run({"spublish", "c"}), "ERR wrong number of arguments for 'spublish' command");
  EXPECT_EQ(Run({"pubsub"}), "ERR wrong number of arguments for 'pubsub' command");
  EXPECT_EQ(Run({"pubsub", "foo"}), "ERR unknown subcommand 'foo'. Try PUBSUB HELP.");
  EXPECT_EQ(Run({"pubsub", "channels", "a", "b"}),
            "ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB "
            "HELP.");
  EXPECT_EQ(Run({"pubsub", "shardchannels", "a", "b"}),
            "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB "
            "HELP.");
  EXPECT_EQ(Run({"pubsub", "numpat", "x"}),
            "ERR wrong number of arguments for 'pubsub|numpat' command");
  EXPECT_EQ(Run({"pubsub", "help", "x"}),
            "ERR wrong number of arguments for 'pubsub|help' command");
  EXPECT_FALSE(h_.client(0).has(server::kClientPubSub));
}

TEST_F(PubSubHandlersTest, BinaryAndEmptyNamesWork) {
  const size_t sub = h_.NewClient();
  const std::string name("a\0b\r\n", 5);
  Frames({"subscribe", name, ""}, sub);
  EXPECT_EQ(Run({"publish", name, std::string("\0", 1)}), "1");
  EXPECT_EQ(Run({"publish", "", "e"}), "1");
  std::vector<Reply> got = h_.TakePushed(sub);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].elements[1].str, name);
  EXPECT_EQ(got[0].elements[2].str, std::string("\0", 1));
  EXPECT_EQ(got[1].elements[1].str, "");
}

TEST_F(PubSubHandlersTest, InfoAndClientListShowSubscriptions) {
  Raw({"subscribe", "a", "b"});
  Raw({"psubscribe", "p*"});
  Raw({"ssubscribe", "s"});
  Raw({"reset"});
  const size_t sub = h_.NewClient();
  Raw({"subscribe", "a", "b"}, sub);
  Raw({"psubscribe", "p*"}, sub);
  Raw({"ssubscribe", "s"}, sub);
  const std::string info = Run({"info", "stats"});
  EXPECT_NE(info.find("pubsub_channels:2\r\n"), std::string::npos);
  EXPECT_NE(info.find("pubsub_patterns:1\r\n"), std::string::npos);
  EXPECT_NE(info.find("pubsubshard_channels:1\r\n"), std::string::npos);
  const std::string list = Run({"client", "list", "type", "pubsub"});
  EXPECT_NE(list.find(" flags=P "), std::string::npos) << list;
  EXPECT_NE(list.find(" sub=2 psub=1 ssub=1 "), std::string::npos) << list;
  EXPECT_EQ(list.find('\n'), list.size() - 1) << "one pub/sub client only: " << list;
}

}  // namespace
}  // namespace osprey::testing
