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
  auto& mine = subs_[c].lists[static_cast<int>(kind)];
  if (std::find(mine.begin(), mine.end(), name) != mine.end()) return false;
  mine.emplace_back(name);
  auto& reg = RegistryFor(kind);
  auto [it, inserted] = reg.try_emplace(std::string(name));
  it->second.push_back(c);
  if (inserted && kind == Kind::kPattern) pattern_order_.emplace_back(name);
  c->set(kClientPubSub);
  return true;
}

bool PubSub::Unsubscribe(Client* c, Kind kind, std::string_view name) {
  auto sit = subs_.find(c);
  if (sit == subs_.end()) return false;
  auto& mine = sit->second.lists[static_cast<int>(kind)];
  auto pos = std::find(mine.begin(), mine.end(), name);
  if (pos == mine.end()) return false;
  mine.erase(pos);
  auto& reg = RegistryFor(kind);
  auto it = reg.find(std::string(name));
  if (it != reg.end()) {
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), c), v.end());
    if (v.empty()) {
      reg.erase(it);
      if (kind == Kind::kPattern) {
        pattern_order_.erase(std::remove(pattern_order_.begin(), pattern_order_.end(), name),
                             pattern_order_.end());
      }
    }
  }
  if (TotalOf(c) == 0) {
    subs_.erase(c);
    c->clear(kClientPubSub);
  }
  return true;
}

std::vector<std::string> PubSub::SubscriptionsOf(const Client* c, Kind kind) const {
  auto it = subs_.find(c);
  if (it == subs_.end()) return {};
  return it->second.lists[static_cast<int>(kind)];
}

size_t PubSub::CountOf(const Client* c, Kind kind) const {
  auto it = subs_.find(c);
  return it == subs_.end() ? 0 : it->second.lists[static_cast<int>(kind)].size();
}

size_t PubSub::TotalOf(const Client* c) const {
  auto it = subs_.find(c);
  if (it == subs_.end()) return 0;
  return it->second.lists[0].size() + it->second.lists[1].size() + it->second.lists[2].size();
}

void PubSub::UnsubscribeAll(Client* c) {
  auto it = subs_.find(c);
  if (it == subs_.end()) return;
  for (int k = 0; k < 3; ++k) {
    std::vector<std::string> names = it->second.lists[k];
    for (const auto& n : names) Unsubscribe(c, static_cast<Kind>(k), n);
  }
}

void PubSub::Deliver(Client* c, std::string_view kind, const std::string* pattern,
                     std::string_view channel, std::string_view message) {
  protocol::ReplyWriter& w = c->reply();
  w.PushLen(pattern ? 4 : 3);
  w.Bulk(kind);
  if (pattern) w.Bulk(*pattern);
  w.Bulk(channel);
  w.Bulk(message);
  if (server_) server_->QueueWrite(c);
}

size_t PubSub::Publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  if (!channels_.empty()) {
    auto it = channels_.find(std::string(channel));
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
  auto it = shards_.find(std::string(channel));
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
  const auto& reg = RegistryFor(kind);
  auto it = reg.find(std::string(channel));
  return it == reg.end() ? 0 : it->second.size();
}

}  // namespace osprey::server
