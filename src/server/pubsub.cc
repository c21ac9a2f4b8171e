#include "server/pubsub.h"

#include <algorithm>

#include "base/glob.h"
#include "keyspace/notifications.h"
#include "server/client.h"
#include "server/server.h"

namespace osprey::server {

PubSub::Registry& PubSub::RegistryFor(Kind kind) {
  return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shards_;
}
const PubSub::Registry& PubSub::RegistryFor(Kind kind) const {
  return kind == Kind::kChannel ? channels_ : kind == Kind::kPattern ? patterns_ : shards_;
}

bool PubSub::Subscribe(Client* c, Kind kind, std::string_view name) {
  c->set(kClientPubSub);
  ClientSubs& mine = subs_[c];
  if (kind == Kind::kPattern) {
    if (std::find(mine.patterns.begin(), mine.patterns.end(), name) != mine.patterns.end()) {
      return false;
    }
    mine.patterns.emplace_back(name);
  } else {
    NameSet& set = kind == Kind::kChannel ? mine.channels : mine.shards;
    if (!set.emplace(name).second) return false;
  }
  Registry& reg = RegistryFor(kind);
  auto it = reg.find(name);
  if (it == reg.end()) {
    it = reg.emplace(std::string(name), std::vector<Client*>()).first;
    if (kind == Kind::kPattern) pattern_order_.emplace_back(name);
  }
  it->second.push_back(c);
  return true;
}

void PubSub::RemoveSubscriber(Registry& reg, Kind kind, std::string_view name, Client* c) {
  auto it = reg.find(name);
  if (it == reg.end()) return;
  std::vector<Client*>& v = it->second;
  auto pos = std::find(v.begin(), v.end(), c);
  if (pos != v.end()) v.erase(pos);
  if (!v.empty()) return;
  // The last subscriber left: forget the name, so that an abandoned channel
  // costs nothing and PUBSUB CHANNELS lists only live ones.
  reg.erase(it);
  if (kind == Kind::kPattern) {
    auto order = std::find(pattern_order_.begin(), pattern_order_.end(), name);
    if (order != pattern_order_.end()) pattern_order_.erase(order);
  }
}

bool PubSub::Unsubscribe(Client* c, Kind kind, std::string_view name) {
  auto sit = subs_.find(c);
  if (sit == subs_.end()) return false;
  ClientSubs& mine = sit->second;
  if (kind == Kind::kPattern) {
    auto pos = std::find(mine.patterns.begin(), mine.patterns.end(), name);
    if (pos == mine.patterns.end()) return false;
    // `name` may point into the element being erased: remove it from the
    // registry first.
    RemoveSubscriber(patterns_, kind, name, c);
    mine.patterns.erase(pos);
  } else {
    NameSet& set = kind == Kind::kChannel ? mine.channels : mine.shards;
    auto pos = set.find(name);
    if (pos == set.end()) return false;
    RemoveSubscriber(RegistryFor(kind), kind, name, c);
    set.erase(pos);
  }
  if (mine.channels.empty() && mine.patterns.empty() && mine.shards.empty()) {
    subs_.erase(sit);
    c->clear(kClientPubSub);
  }
  return true;
}

std::vector<std::string> PubSub::SubscriptionsOf(const Client* c, Kind kind) const {
  auto it = subs_.find(c);
  if (it == subs_.end()) return {};
  const ClientSubs& mine = it->second;
  if (kind == Kind::kPattern) return mine.patterns;
  const NameSet& set = kind == Kind::kChannel ? mine.channels : mine.shards;
  return std::vector<std::string>(set.begin(), set.end());
}

size_t PubSub::CountOf(const Client* c, Kind kind) const {
  auto it = subs_.find(c);
  if (it == subs_.end()) return 0;
  const ClientSubs& mine = it->second;
  switch (kind) {
    case Kind::kChannel:
      return mine.channels.size();
    case Kind::kPattern:
      return mine.patterns.size();
    case Kind::kShard:
      return mine.shards.size();
  }
  return 0;
}

size_t PubSub::TotalOf(const Client* c) const {
  return CountOf(c, Kind::kChannel) + CountOf(c, Kind::kPattern) + CountOf(c, Kind::kShard);
}

size_t PubSub::ConfirmationCount(const Client* c, Kind kind) const {
  if (kind == Kind::kShard) return CountOf(c, Kind::kShard);
  return CountOf(c, Kind::kChannel) + CountOf(c, Kind::kPattern);
}

void PubSub::UnsubscribeAll(Client* c) {
  for (Kind kind : {Kind::kChannel, Kind::kPattern, Kind::kShard}) {
    for (const std::string& name : SubscriptionsOf(c, kind)) Unsubscribe(c, kind, name);
  }
  c->clear(kClientPubSub);
}

protocol::ReplyWriter* PubSub::BeginPush(Client* c, bool* previous_muted) {
  if (c->has(kClientCloseAsap)) return nullptr;
  protocol::ReplyWriter& w = c->reply();
  *previous_muted = w.muted();
  w.set_muted(false);
  return &w;
}

void PubSub::EndPush(Client* c, bool previous_muted) { c->reply().set_muted(previous_muted); }

void PubSub::Deliver(Client* c, std::string_view kind, const std::string* pattern,
                     std::string_view channel, std::string_view message) {
  bool muted;
  protocol::ReplyWriter* w = BeginPush(c, &muted);
  if (w == nullptr) return;
  w->PushLen(pattern ? 4 : 3);
  w->Bulk(kind);
  if (pattern) w->Bulk(*pattern);
  w->Bulk(channel);
  w->Bulk(message);
  EndPush(c, muted);
  if (server_) server_->QueueWrite(c);
}

size_t PubSub::Publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  if (!channels_.empty()) {
    auto it = channels_.find(channel);
    if (it != channels_.end()) {
      for (Client* c : it->second) {
        Deliver(c, "message", nullptr, channel, message);
        ++receivers;
      }
    }
  }
  for (const std::string& pattern : pattern_order_) {
    if (!base::GlobMatch(pattern, channel, false)) continue;
    auto it = patterns_.find(pattern);
    if (it == patterns_.end()) continue;
    for (Client* c : it->second) {
      Deliver(c, "pmessage", &pattern, channel, message);
      ++receivers;
    }
  }
  return receivers;
}

size_t PubSub::PublishShard(std::string_view channel, std::string_view message) {
  auto it = shards_.find(channel);
  if (it == shards_.end()) return 0;
  for (Client* c : it->second) Deliver(c, "smessage", nullptr, channel, message);
  return it->second.size();
}

void PubSub::NotifySlow(uint32_t enabled, std::string_view event, std::string_view key, int db) {
  std::string prefix = "@" + std::to_string(db) + "__:";
  if (enabled & keyspace::kNotifyKeyspace) {
    std::string channel = "__keyspace" + prefix;
    channel.append(key);
    Publish(channel, event);
  }
  if (enabled & keyspace::kNotifyKeyevent) {
    std::string channel = "__keyevent" + prefix;
    channel.append(event);
    Publish(channel, key);
  }
}

std::vector<std::string> PubSub::Channels(Kind kind, std::string_view pattern, bool all) const {
  std::vector<std::string> out;
  for (const auto& [name, clients] : RegistryFor(kind)) {
    if (all || base::GlobMatch(pattern, name, false)) out.push_back(name);
  }
  return out;
}

size_t PubSub::NumSubscribers(Kind kind, std::string_view channel) const {
  const Registry& reg = RegistryFor(kind);
  auto it = reg.find(channel);
  return it == reg.end() ? 0 : it->second.size();
}

}  // namespace osprey::server
