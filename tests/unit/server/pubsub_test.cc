// PubSub, the registry behind the pub/sub commands: subscriptions of each
// kind, the counts, delivery of messages and keyspace events, and what is
// forgotten when the last subscriber leaves.
#include "server/pubsub.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "keyspace/notifications.h"
#include "server/client.h"
#include "server/server.h"
#include "testing/command_harness.h"

namespace osprey::testing {
namespace {

using server::Client;
using Kind = server::PubSub::Kind;

class PubSubTest : public ::testing::Test {
 protected:
  PubSubTest() : a_(h_.NewClient()), b_(h_.NewClient()) {}

  server::PubSub& ps() { return h_.server().pubsub(); }
  Client* C(size_t i) { return &h_.client(i); }
  // The frames a client received, each as "[kind, ..., payload]".
  std::vector<std::string> Frames(size_t client) {
    std::vector<std::string> out;
    for (const Reply& r : h_.TakePushed(client)) out.push_back(r.ToString());
    return out;
  }
  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  CommandHarness h_;
  size_t a_;
  size_t b_;
};

TEST_F(PubSubTest, SubscribeReportsNewSubscriptionsOnly) {
  EXPECT_TRUE(ps().Subscribe(C(a_), Kind::kChannel, "news"));
  EXPECT_FALSE(ps().Subscribe(C(a_), Kind::kChannel, "news"));
  EXPECT_TRUE(ps().Subscribe(C(a_), Kind::kPattern, "n*"));
  EXPECT_FALSE(ps().Subscribe(C(a_), Kind::kPattern, "n*"));
  EXPECT_TRUE(ps().Subscribe(C(a_), Kind::kShard, "news"));
  EXPECT_EQ(ps().CountOf(C(a_), Kind::kChannel), 1u);
  EXPECT_EQ(ps().CountOf(C(a_), Kind::kPattern), 1u);
  EXPECT_EQ(ps().CountOf(C(a_), Kind::kShard), 1u);
  EXPECT_EQ(ps().TotalOf(C(a_)), 3u);
  EXPECT_TRUE(C(a_)->has(server::kClientPubSub));
}

TEST_F(PubSubTest, ConfirmationCountsChannelsWithPatternsAndShardsAlone) {
  ps().Subscribe(C(a_), Kind::kChannel, "c1");
  ps().Subscribe(C(a_), Kind::kChannel, "c2");
  ps().Subscribe(C(a_), Kind::kPattern, "p*");
  ps().Subscribe(C(a_), Kind::kShard, "s1");
  EXPECT_EQ(ps().ConfirmationCount(C(a_), Kind::kChannel), 3u);
  EXPECT_EQ(ps().ConfirmationCount(C(a_), Kind::kPattern), 3u);
  EXPECT_EQ(ps().ConfirmationCount(C(a_), Kind::kShard), 1u);
}

TEST_F(PubSubTest, UnsubscribeOfUnknownNameIsFalse) {
  EXPECT_FALSE(ps().Unsubscribe(C(a_), Kind::kChannel, "nope"));
  ps().Subscribe(C(a_), Kind::kChannel, "x");
  EXPECT_FALSE(ps().Unsubscribe(C(a_), Kind::kPattern, "x"));
  EXPECT_FALSE(ps().Unsubscribe(C(a_), Kind::kShard, "x"));
  EXPECT_TRUE(ps().Unsubscribe(C(a_), Kind::kChannel, "x"));
  EXPECT_FALSE(ps().Unsubscribe(C(a_), Kind::kChannel, "x"));
}

TEST_F(PubSubTest, LastUnsubscribeLeavesPubSubModeAndDropsTheChannel) {
  ps().Subscribe(C(a_), Kind::kChannel, "x");
  ps().Subscribe(C(a_), Kind::kShard, "y");
  ps().Subscribe(C(b_), Kind::kChannel, "x");
  EXPECT_EQ(ps().channel_count(), 1u);
  EXPECT_TRUE(ps().Unsubscribe(C(a_), Kind::kChannel, "x"));
  EXPECT_TRUE(C(a_)->has(server::kClientPubSub));  // still has a shard channel
  EXPECT_EQ(ps().NumSubscribers(Kind::kChannel, "x"), 1u);
  EXPECT_TRUE(ps().Unsubscribe(C(a_), Kind::kShard, "y"));
  EXPECT_FALSE(C(a_)->has(server::kClientPubSub));
  EXPECT_EQ(ps().shard_channel_count(), 0u);
  EXPECT_TRUE(ps().Unsubscribe(C(b_), Kind::kChannel, "x"));
  EXPECT_EQ(ps().channel_count(), 0u);
  EXPECT_TRUE(ps().Channels(Kind::kChannel, "", true).empty());
}

TEST_F(PubSubTest, UnsubscribeAllForgetsEveryKind) {
  ps().Subscribe(C(a_), Kind::kChannel, "c");
  ps().Subscribe(C(a_), Kind::kPattern, "p*");
  ps().Subscribe(C(a_), Kind::kShard, "s");
  ps().Subscribe(C(b_), Kind::kPattern, "p*");
  ps().UnsubscribeAll(C(a_));
  EXPECT_EQ(ps().TotalOf(C(a_)), 0u);
  EXPECT_FALSE(C(a_)->has(server::kClientPubSub));
  EXPECT_EQ(ps().channel_count(), 0u);
  EXPECT_EQ(ps().shard_channel_count(), 0u);
  EXPECT_EQ(ps().pattern_count(), 1u);  // b still has it
  EXPECT_EQ(ps().Publish("pq", "m"), 1u);
  EXPECT_TRUE(Frames(a_).empty());
}

TEST_F(PubSubTest, PatternsAreListedInSubscriptionOrder) {
  ps().Subscribe(C(a_), Kind::kPattern, "z*");
  ps().Subscribe(C(a_), Kind::kPattern, "a*");
  ps().Subscribe(C(a_), Kind::kPattern, "m*");
  EXPECT_EQ(ps().SubscriptionsOf(C(a_), Kind::kPattern),
            (std::vector<std::string>{"z*", "a*", "m*"}));
  ps().Unsubscribe(C(a_), Kind::kPattern, "a*");
  EXPECT_EQ(ps().SubscriptionsOf(C(a_), Kind::kPattern), (std::vector<std::string>{"z*", "m*"}));
}

TEST_F(PubSubTest, PublishReachesChannelThenPatternSubscribers) {
  ps().Subscribe(C(a_), Kind::kChannel, "news.tech");
  ps().Subscribe(C(a_), Kind::kPattern, "news.*");
  ps().Subscribe(C(b_), Kind::kPattern, "news.*");
  ps().Subscribe(C(b_), Kind::kPattern, "sport.*");
  EXPECT_EQ(ps().Publish("news.tech", "hello"), 3u);
  EXPECT_EQ(Frames(a_), (std::vector<std::string>{"[message, news.tech, hello]",
                                                  "[pmessage, news.*, news.tech, hello]"}));
  EXPECT_EQ(Frames(b_), (std::vector<std::string>{"[pmessage, news.*, news.tech, hello]"}));
  EXPECT_EQ(ps().Publish("weather", "rain"), 0u);
  EXPECT_TRUE(Frames(a_).empty());
}

TEST_F(PubSubTest, PatternsUseGlobRules) {
  ps().Subscribe(C(a_), Kind::kPattern, "h?llo");
  ps().Subscribe(C(a_), Kind::kPattern, "b[ae]d");
  ps().Subscribe(C(a_), Kind::kPattern, "x\\*");
  EXPECT_EQ(ps().Publish("hello", "1"), 1u);
  EXPECT_EQ(ps().Publish("hllo", "1"), 0u);
  EXPECT_EQ(ps().Publish("bad", "1"), 1u);
  EXPECT_EQ(ps().Publish("bid", "1"), 0u);
  EXPECT_EQ(ps().Publish("x*", "1"), 1u);
  EXPECT_EQ(ps().Publish("xy", "1"), 0u);
}

TEST_F(PubSubTest, ShardMessagesIgnorePatternsAndPlainChannels) {
  ps().Subscribe(C(a_), Kind::kShard, "orders");
  ps().Subscribe(C(b_), Kind::kChannel, "orders");
  ps().Subscribe(C(b_), Kind::kPattern, "*");
  EXPECT_EQ(ps().PublishShard("orders", "o1"), 1u);
  EXPECT_EQ(Frames(a_), (std::vector<std::string>{"[smessage, orders, o1]"}));
  EXPECT_TRUE(Frames(b_).empty());
  // And plain messages do not reach shard subscribers.
  EXPECT_EQ(ps().Publish("orders", "o2"), 2u);
  EXPECT_TRUE(Frames(a_).empty());
}

TEST_F(PubSubTest, Resp3ClientsReceivePushes) {
  C(a_)->set_resp(3);
  ps().Subscribe(C(a_), Kind::kChannel, "c");
  ps().Publish("c", "m");
  const std::string bytes = h_.RunRaw({"ping"}, a_);  // RunRaw drains pushes first
  EXPECT_EQ(bytes, "+PONG\r\n");
  ps().Publish("c", "m");
  std::vector<Reply> frames = h_.TakePushed(a_);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].type, Reply::Type::kPush);
}

TEST_F(PubSubTest, MessagesGetThroughMutedReplies) {
  ps().Subscribe(C(a_), Kind::kChannel, "c");
  C(a_)->reply().set_muted(true);  // CLIENT REPLY OFF
  ps().Publish("c", "m");
  EXPECT_TRUE(C(a_)->reply().muted());
  EXPECT_EQ(Frames(a_), (std::vector<std::string>{"[message, c, m]"}));
}

TEST_F(PubSubTest, ClosingClientsGetNothing) {
  ps().Subscribe(C(a_), Kind::kChannel, "c");
  C(a_)->set(server::kClientCloseAsap);
  EXPECT_EQ(ps().Publish("c", "m"), 1u);  // still counted, as in Redis
  EXPECT_TRUE(Frames(a_).empty());
}

TEST_F(PubSubTest, ChannelsListsLiveNamesMatchingAGlob) {
  ps().Subscribe(C(a_), Kind::kChannel, "news.a");
  ps().Subscribe(C(b_), Kind::kChannel, "news.b");
  ps().Subscribe(C(b_), Kind::kChannel, "other");
  ps().Subscribe(C(b_), Kind::kShard, "news.s");
  EXPECT_EQ(Sorted(ps().Channels(Kind::kChannel, "", true)),
            (std::vector<std::string>{"news.a", "news.b", "other"}));
  EXPECT_EQ(Sorted(ps().Channels(Kind::kChannel, "news.*", false)),
            (std::vector<std::string>{"news.a", "news.b"}));
  EXPECT_EQ(ps().Channels(Kind::kShard, "*", false), (std::vector<std::string>{"news.s"}));
}

TEST_F(PubSubTest, KeyspaceEventsFollowTheEnabledClasses) {
  ps().Subscribe(C(a_), Kind::kPattern, "__key*");
  const uint32_t both = keyspace::kNotifyKeyspace | keyspace::kNotifyKeyevent;
  ps().NotifyKeyspaceEvent(both | keyspace::kNotifyGeneric, keyspace::kNotifyGeneric, "del", "k",
                           3);
  EXPECT_EQ(Frames(a_), (std::vector<std::string>{"[pmessage, __key*, __keyspace@3__:k, del]",
                                                  "[pmessage, __key*, __keyevent@3__:del, k]"}));
  // A class that is not enabled publishes nothing.
  ps().NotifyKeyspaceEvent(both | keyspace::kNotifyGeneric, keyspace::kNotifyList, "lpush", "k", 0);
  EXPECT_TRUE(Frames(a_).empty());
  // Only the keyevent form.
  ps().NotifyKeyspaceEvent(keyspace::kNotifyKeyevent | keyspace::kNotifyList, keyspace::kNotifyList,
                           "lpush", "k", 0);
  EXPECT_EQ(Frames(a_), (std::vector<std::string>{"[pmessage, __key*, __keyevent@0__:lpush, k]"}));
}

}  // namespace
}  // namespace osprey::testing
