// Publish/subscribe state: channel, pattern and shard-channel subscriptions,
// message delivery (RESP2 arrays or RESP3 pushes), and the keyspace
// notifications that ride on it. The commands are in pubsub_handlers.cc.
//
// Two indexes are kept in step: name -> subscribers (what PUBLISH walks) and
// client -> names (what UNSUBSCRIBE without arguments, CLIENT LIST and the
// freeing of a client walk). A channel with no subscriber left is dropped,
// so PUBSUB CHANNELS lists only live ones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace osprey::protocol {
class ReplyWriter;
}

namespace osprey::server {

class Client;
class Server;

class PubSub {
 public:
  enum class Kind { kChannel, kPattern, kShard };

  void set_server(Server* server) { server_ = server; }

  // Adds a subscription; returns false when `c` already had it. Sets the
  // client's pub/sub flag either way.
  bool Subscribe(Client* c, Kind kind, std::string_view name);
  // Removes a subscription; returns false when `c` did not have it. Clears
  // the pub/sub flag when `c` has no subscription of any kind left.
  bool Unsubscribe(Client* c, Kind kind, std::string_view name);
  // The names `c` is subscribed to: patterns in subscription order,
  // channels and shard channels in no particular order.
  std::vector<std::string> SubscriptionsOf(const Client* c, Kind kind) const;
  // Subscriptions of `c` of one kind, and of all kinds.
  size_t CountOf(const Client* c, Kind kind) const;
  size_t TotalOf(const Client* c) const;
  // The count a (un)subscribe confirmation carries: channels plus patterns
  // for those two kinds, shard channels alone for shard ones (as Redis 7.0).
  size_t ConfirmationCount(const Client* c, Kind kind) const;
  // Forgets every subscription of `c` without a reply (RESET, freeing).
  void UnsubscribeAll(Client* c);

  // Delivers to channel subscribers and matching patterns; returns receivers.
  size_t Publish(std::string_view channel, std::string_view message);
  // Delivers to shard-channel subscribers (patterns never see these).
  size_t PublishShard(std::string_view channel, std::string_view message);

  // Publishes a keyspace event if `enabled` (notify-keyspace-events bits)
  // selects `type`.
  void NotifyKeyspaceEvent(uint32_t enabled, uint32_t type, std::string_view event,
                           std::string_view key, int db) {
    if ((enabled & type) == 0) return;
    NotifySlow(enabled, event, key, db);
  }

  // For PUBSUB: active channels (all, or those matching a glob), counts.
  std::vector<std::string> Channels(Kind kind, std::string_view pattern, bool all) const;
  size_t NumSubscribers(Kind kind, std::string_view channel) const;
  size_t pattern_count() const { return patterns_.size(); }
  size_t channel_count() const { return channels_.size(); }
  size_t shard_channel_count() const { return shards_.size(); }

  // Starts a push to `c` (a message or a (un)subscribe confirmation): such
  // frames reach the client even while CLIENT REPLY OFF/SKIP mutes its
  // replies, but nothing is written to a client being closed. Returns null
  // when nothing may be written; otherwise the writer, unmuted until
  // EndPush(c, previous_muted) is called.
  static protocol::ReplyWriter* BeginPush(Client* c, bool* previous_muted);
  static void EndPush(Client* c, bool previous_muted);

 private:
  // Hashing that finds a std::string by std::string_view without a copy.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using NameSet = std::unordered_set<std::string, NameHash, std::equal_to<>>;
  using Registry = std::unordered_map<std::string, std::vector<Client*>, NameHash, std::equal_to<>>;

  struct ClientSubs {
    NameSet channels;
    std::vector<std::string> patterns;  // a list, as in Redis: few per client
    NameSet shards;
  };

  Registry& RegistryFor(Kind kind);
  const Registry& RegistryFor(Kind kind) const;
  // Removes `c` from the subscribers of `name` (dropping the entry when it
  // was the last one).
  void RemoveSubscriber(Registry& reg, Kind kind, std::string_view name, Client* c);
  void Deliver(Client* c, std::string_view kind, const std::string* pattern,
               std::string_view channel, std::string_view message);
  void NotifySlow(uint32_t enabled, std::string_view event, std::string_view key, int db);

  Server* server_ = nullptr;
  Registry channels_;
  Registry shards_;
  Registry patterns_;
  std::vector<std::string> pattern_order_;  // patterns in first-subscribed order
  std::unordered_map<const Client*, ClientSubs> subs_;
};

}  // namespace osprey::server
