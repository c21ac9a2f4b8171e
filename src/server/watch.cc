#include "server/watch.h"

#include <algorithm>

#include "server/client.h"

namespace osprey::server {

std::string WatchRegistry::Slot(int db, std::string_view key) {
  std::string s = std::to_string(db);
  s.push_back(':');
  s.append(key);
  return s;
}

void WatchRegistry::Watch(Client* c, keyspace::Db& db, std::string_view key) {
  auto& mine = by_client_[c];
  for (const auto& wk : mine) {
    if (wk->db == &db && wk->key == key) return;
  }
  keyspace::Entry e = db.table().Find(key);
  auto wk = std::make_unique<WatchedKey>(WatchedKey{c, &db, std::string(key), e && db.IsExpired(e)});
  by_key_[Slot(db.index(), key)].push_back(wk.get());
  mine.push_back(std::move(wk));
  ++total_;
  c->watching_keys = true;
}

void WatchRegistry::UnwatchAll(Client* c) {
  auto it = by_client_.find(c);
  if (it == by_client_.end()) return;
  for (const auto& wk : it->second) {
    auto slot = by_key_.find(Slot(wk->db->index(), wk->key));
    if (slot == by_key_.end()) continue;
    auto& v = slot->second;
    v.erase(std::remove(v.begin(), v.end(), wk.get()), v.end());
    if (v.empty()) by_key_.erase(slot);
    --total_;
  }
  by_client_.erase(it);
  c->watching_keys = false;
}

void WatchRegistry::TouchSlow(keyspace::Db& db, std::string_view key) {
  auto slot = by_key_.find(Slot(db.index(), key));
  if (slot == by_key_.end()) return;
  std::vector<Client*> dirty;
  for (WatchedKey* wk : slot->second) {
    if (wk->expired) {
      // Watched while already expired: its deletion is no logical change.
      if (!db.table().Find(key)) {
        wk->expired = false;
        continue;
      }
    }
    dirty.push_back(wk->client);
  }
  for (Client* c : dirty) {
    c->set(kClientDirtyCas);
    // Nothing more to learn from its watches until EXEC.
    UnwatchAll(c);
  }
}

void WatchRegistry::BeforeFlush(keyspace::Db& emptied, keyspace::Db* replaced_with) {
  if (total_ == 0) return;
  const std::string prefix = std::to_string(emptied.index()) + ":";
  for (auto& [slot, watchers] : by_key_) {
    if (slot.compare(0, prefix.size(), prefix) != 0) continue;
    std::string_view key(slot.data() + prefix.size(), slot.size() - prefix.size());
    bool in_emptied = static_cast<bool>(emptied.table().Find(key));
    keyspace::Entry repl = replaced_with ? replaced_with->table().Find(key) : keyspace::Entry();
    if (!in_emptied && !repl) continue;
    for (WatchedKey* wk : watchers) {
      if (wk->expired) {
        if (!repl) {
          wk->expired = false;  // an expired key went away: no logical change
          continue;
        }
        if (replaced_with->IsExpired(repl)) continue;  // still expired
      } else if (!in_emptied && replaced_with->IsExpired(repl)) {
        wk->expired = true;  // a missing key replaced by an expired one
        continue;
      }
      wk->client->set(kClientDirtyCas);
    }
  }
}

bool WatchRegistry::AnyWatchedKeyExpired(Client* c) {
  auto it = by_client_.find(c);
  if (it == by_client_.end()) return false;
  for (const auto& wk : it->second) {
    if (wk->expired) continue;
    keyspace::Entry e = wk->db->table().Find(wk->key);
    if (e && wk->db->IsExpired(e)) return true;
  }
  return false;
}

size_t WatchRegistry::watched_count(const Client* c) const {
  auto it = by_client_.find(c);
  return it == by_client_.end() ? 0 : it->second.size();
}

}  // namespace osprey::server
