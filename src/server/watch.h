// WATCH bookkeeping: which clients watch which keys, so a write (or expiry,
// flush or swap) can mark their transactions dirty and make EXEC fail.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyspace/db.h"

namespace osprey::server {

class Client;

class WatchRegistry {
 public:
  // Starts watching `key` in `db` for `c` (no-op if already watched).
  void Watch(Client* c, keyspace::Db& db, std::string_view key);
  void UnwatchAll(Client* c);
  // A key changed: every client watching it gets its transaction dirtied.
  void Touch(keyspace::Db& db, std::string_view key) {
    if (total_ == 0) return;
    TouchSlow(db, key);
  }
  // `emptied` is about to lose its keys, replaced by those of `replaced_with`
  // (nullptr for a flush): dirty the watchers of keys whose state changes.
  void BeforeFlush(keyspace::Db& emptied, keyspace::Db* replaced_with);
  // True when a key `c` watches (and that was alive when watched) has
  // expired since: EXEC must fail then.
  bool AnyWatchedKeyExpired(Client* c);
  size_t watched_count(const Client* c) const;
  size_t total() const { return total_; }

 private:
  struct WatchedKey {
    Client* client;
    keyspace::Db* db;
    std::string key;
    bool expired;  // the key had already expired when WATCH ran
  };
  void TouchSlow(keyspace::Db& db, std::string_view key);
  static std::string Slot(int db, std::string_view key);

  // "<db>:<key>" -> watchers, in WATCH order.
  std::unordered_map<std::string, std::vector<WatchedKey*>> by_key_;
  std::unordered_map<const Client*, std::vector<std::unique_ptr<WatchedKey>>> by_client_;
  size_t total_ = 0;
};

}  // namespace osprey::server
