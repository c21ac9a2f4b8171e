// Client-side caching (CLIENT TRACKING): the table of which clients may hold
// which keys, the prefixes of clients in broadcast (BCAST) mode, and the
// invalidation messages sent when keys change, are flushed, or are dropped
// from the table to respect tracking-table-max-keys. Messages go to the
// client itself as RESP3 pushes, or to its redirect client (a push, or a
// pub/sub message on __redis__:invalidate for a subscribed RESP2 client).
//
// As in Redis the table is global (keys of every database share it) and a
// client's entries are dropped lazily: turning tracking off leaves its id
// under the keys it read until those keys change.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command_def.h"
#include "commands/key_extraction.h"

namespace osprey::server {

class Client;
class Server;

class Tracking {
 public:
  explicit Tracking(Server* server) : server_(server) {}

  // What CLIENT TRACKING ON asked for (already validated).
  struct Options {
    uint64_t redirect = 0;  // client id; 0 = the client itself
    bool bcast = false;
    bool optin = false;
    bool optout = false;
    bool noloop = false;
    std::span<const std::string_view> prefixes;  // BCAST only
  };

  // Turns tracking on for `c`, or changes its options when it is on (the
  // redirect and the mode flags are replaced; BCAST prefixes accumulate).
  void Enable(Client* c, const Options& options);
  // Turns tracking off for `c` (no-op when it is off). Called for CLIENT
  // TRACKING OFF, RESET and when the client is freed.
  void Disable(Client* c);

  // The result of checking new BCAST prefixes for overlaps.
  struct PrefixCheck {
    std::string error;  // empty: no overlap
    // Redis 7.0 goes on to enable tracking (and replies +OK after the
    // error) when the overlap is between two new prefixes other than the
    // first one; callers reproduce that.
    bool proceed = true;
  };
  // Two prefixes overlap when one starts with the other: a key could match
  // both. Checks `prefixes` against those `c` has and against each other,
  // reporting the first overlap Redis's pairwise scan would meet (found in
  // O(n log n): a client may send millions of prefixes).
  PrefixCheck CheckPrefixes(const Client* c, std::span<const std::string_view> prefixes) const;

  // The redirect client id of `c` (0 when none), and its BCAST prefixes in
  // byte order.
  uint64_t RedirectOf(const Client* c) const;
  std::vector<std::string> PrefixesOf(const Client* c) const;

  // A read-only command of tracking client `c` ran: remember its keys
  // (unless OPTIN/OPTOUT and CLIENT CACHING say otherwise).
  void RememberKeys(Client& c, const commands::CommandDef& cmd,
                    std::span<const std::string_view> args);
  // `key` was written, deleted or expired. `writer` is the client whose
  // command changed it (nullptr for expiry): BCAST clients with NOLOOP are
  // not told about their own changes.
  void KeyChanged(std::string_view key, const Client* writer) {
    if (keys_.empty() && prefixes_.empty()) return;
    KeyChangedSlow(key, writer);
  }
  // A database (or all of them) is being flushed: every tracking client is
  // told that all keys are invalid (a null), and the table is emptied.
  void Flushed();
  // Sends the invalidations that concern the client of the command that
  // just finished: they follow its reply rather than interleave with it.
  void SendPending() {
    if (!pending_.empty()) SendPendingSlow();
  }
  // Sends BCAST clients the keys changed since the last call, one message
  // per prefix (called once per event-loop iteration).
  void Broadcast() {
    if (tracking_clients_ > 0 && !prefixes_.empty()) BroadcastSlow();
  }
  // Drops random keys from the table (telling their clients, as if the keys
  // changed) while it holds more than tracking-table-max-keys. Each call
  // that still finds the table too big works harder the next time. `current`
  // is the client whose request is being processed, if any (NOLOOP).
  void LimitKeys(const Client* current);

  // INFO figures.
  size_t tracking_clients() const { return tracking_clients_; }
  size_t total_keys() const { return keys_.size(); }
  size_t total_items() const { return total_items_; }
  size_t total_prefixes() const { return prefixes_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct KeyEntry {
    std::vector<uint64_t> ids;  // client ids, ascending
    size_t slot = 0;            // index in key_list_
  };
  struct PrefixState {
    // Keys changed since the last broadcast, with the id of the client that
    // changed each last (0: no client, e.g. expiry).
    std::map<std::string, uint64_t> changed;
    std::vector<Client*> clients;  // in the order they subscribed
  };
  struct ClientState {
    uint64_t redirect = 0;
    std::set<std::string, std::less<>> prefixes;
  };
  // Who is running a command when a key changes.
  struct Origin {
    const Client* current = nullptr;  // the client whose request is processed
    bool in_command = false;          // its command is executing
  };
  struct Pending {
    uint64_t client_id;
    std::optional<std::string> key;  // nullopt: everything (a flush)
  };

  void KeyChangedSlow(std::string_view key, const Client* writer);
  void InvalidateKey(std::string_view key, Origin origin);
  void RemoveKey(std::unordered_map<std::string, KeyEntry, StringHash, std::equal_to<>>::iterator it);
  void AddPrefix(Client* c, ClientState& state, std::string_view prefix);
  void SendPendingSlow();
  void BroadcastSlow();
  Origin CurrentOrigin() const;
  // Sends an invalidation whose payload is `key` (an array of one), or
  // `raw` (RESP already encoded) when `key` is null.
  void Send(Client* c, const std::string_view* key, std::string_view raw);

  Server* server_;
  std::unordered_map<std::string, KeyEntry, StringHash, std::equal_to<>> keys_;
  std::vector<const std::string*> key_list_;  // the keys of keys_, for random picks
  size_t total_items_ = 0;
  std::map<std::string, PrefixState, std::less<>> prefixes_;
  std::unordered_map<const Client*, ClientState> clients_;
  size_t tracking_clients_ = 0;
  std::vector<Pending> pending_;
  int limit_rounds_ = 0;  // LimitKeys calls in a row that left the table too big
  commands::KeysResult keys_result_;  // reused by RememberKeys
};

// CLIENT CACHING YES|NO concerns only the next command, or the next
// transaction: once a request other than a CLIENT subcommand has been
// processed outside MULTI, the choice is forgotten. The dispatcher holds one
// of these around each request; `cmd` is the command found for it (nullptr
// when unknown), read when the scope ends.
class CachingScope {
 public:
  CachingScope(Client& c, const commands::CommandDef* const& cmd) : c_(c), cmd_(cmd) {}
  ~CachingScope();
  CachingScope(const CachingScope&) = delete;
  CachingScope& operator=(const CachingScope&) = delete;

 private:
  Client& c_;
  const commands::CommandDef* const& cmd_;
};

}  // namespace osprey::server
