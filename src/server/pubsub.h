// Publish/subscribe state: channel and pattern subscriptions, shard
// channels, message delivery (RESP2 arrays or RESP3 pushes), and the
// keyspace notifications that ride on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace osprey::server {

class Client;
class Server;

class PubSub {
 public:
  enum class Kind { kChannel, kPattern, kShard };

  void set_server(Server* server) { server_ = server; }

  // Adds a subscription; returns false when `c` already had it.
  bool Subscribe(Client* c, Kind kind, std::string_view name);
  // Removes a subscription; returns false when `c` did not have it.
  bool Unsubscribe(Client* c, Kind kind, std::string_view name);
  // The names `c` is subscribed to, in subscription order.
  std::vector<std::string> SubscriptionsOf(const Client* c, Kind kind) const;
  // Subscriptions of `c` of one kind, and of all kinds.
  size_t CountOf(const Client* c, Kind kind) const;
  size_t TotalOf(const Client* c) const;
  // Forgets every subscription of a client being freed (no replies).
  void UnsubscribeAll(Client* c);

  // Delivers to channel subscribers and matching patterns; returns receivers.
  size_t Publish(std::string_view channel, std::string_view message);
  size_t PublishShard(std::string_view channel, std::string_view message);

  // Publishes a keyspace event if `enabled` (notify-keyspace-events bits)
  // selects `type`.
  void NotifyKeyspaceEvent(uint32_t enabled, uint32_t type, std::string_view event,
                           std::string_view key, int db) {
    if ((enabled & type) == 0) return;
    NotifySlow(enabled, event, key, db);
  }

  // For PUBSUB: active channels (optionally matching a glob), subscriber counts.
  std::vector<std::string> Channels(Kind kind, std::string_view pattern, bool all) const;
  size_t NumSubscribers(Kind kind, std::string_view channel) const;
  size_t pattern_count() const { return patterns_.size(); }
  size_t channel_count() const { return channels_.size(); }
  size_t shard_channel_count() const { return shards_.size(); }

 private:
  struct ClientSubs {
    std::vector<std::string> lists[3];  // by Kind, in subscription order
  };
  using Registry = std::unordered_map<std::string, std::vector<Client*>>;

  Registry& RegistryFor(Kind kind);
  const Registry& RegistryFor(Kind kind) const;
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
