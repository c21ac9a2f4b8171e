#include "server/tracking.h"

#include <algorithm>

#include "protocol/reply_writer.h"
#include "server/client.h"
#include "server/dispatcher.h"
#include "server/server.h"
#include "server/server_config.h"

namespace osprey::server {

namespace {

constexpr uint64_t kModeFlags = kClientTrackingBrokenRedir | kClientTrackingBcast |
                                kClientTrackingOptIn | kClientTrackingOptOut |
                                kClientTrackingNoLoop;

// The channel a subscribed RESP2 redirect client receives invalidations on.
constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

// Invalidations are pushes: they reach the client even while CLIENT REPLY
// OFF or SKIP mutes its replies.
class Unmuted {
 public:
  explicit Unmuted(protocol::ReplyWriter& w) : w_(w), was_(w.muted()) { w.set_muted(false); }
  ~Unmuted() { w_.set_muted(was_); }
  Unmuted(const Unmuted&) = delete;
  Unmuted& operator=(const Unmuted&) = delete;

 private:
  protocol::ReplyWriter& w_;
  bool was_;
};

// One starts with the other: some key would match both.
bool Overlap(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

// Redis formats prefixes into its error with %s: they end at a NUL byte.
std::string_view AsCString(std::string_view s) { return s.substr(0, s.find('\0')); }

std::string OverlapError(std::string_view prefix, const char* what, std::string_view other) {
  std::string err = "ERR Prefix '";
  err.append(AsCString(prefix));
  err.append("' overlaps with ");
  err.append(what);
  err.append(" '");
  err.append(AsCString(other));
  err.append("'. Prefixes for a single client must not overlap.");
  return err;
}

// "*<n>\r\n" and the keys as bulk strings, leaving out those last changed
// by client `skip_id` (0: none). Empty when no key is left.
std::string KeysArray(const std::map<std::string, uint64_t>& changed, uint64_t skip_id) {
  size_t count = 0;
  for (const auto& [key, writer] : changed) {
    if (skip_id == 0 || writer != skip_id) ++count;
  }
  if (count == 0) return {};
  std::string out = "*" + std::to_string(count) + "\r\n";
  for (const auto& [key, writer] : changed) {
    if (skip_id != 0 && writer == skip_id) continue;
    out += '$';
    out += std::to_string(key.size());
    out += "\r\n";
    out += key;
    out += "\r\n";
  }
  return out;
}

std::string_view NullFor(const Client& c) { return c.resp() >= 3 ? "_\r\n" : "$-1\r\n"; }

size_t CommonPrefixLength(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// The first of the new prefixes that overlaps another one, new or existing.
struct FirstOverlap {
  size_t index;        // into the new prefixes
  bool with_existing;  // it overlaps an existing prefix (Redis checks that first)
};

// Redis compares every new prefix with every existing one and every later
// new one, stopping at the first overlap. The first index with any overlap
// is found here with one sweep over all the prefixes in byte order: a stack
// holds the earlier strings that are prefixes of the current one (those
// longer than its common prefix with the previous string are popped for
// good), so an overlap is a string meeting a non-empty stack. The smallest
// new index with a new partner always has a later one, as Redis requires.
std::optional<FirstOverlap> FindFirstOverlap(std::span<const std::string_view> fresh,
                                             const std::set<std::string, std::less<>>* existing) {
  struct Item {
    std::string_view s;
    size_t index;  // into `fresh`; unused for existing prefixes
    bool existing;
    // Overlaps with an earlier (pre) or later (ext) string in the sweep.
    bool pre_new = false, pre_existing = false, ext_new = false, ext_existing = false;
  };
  std::vector<Item> items;
  items.reserve(fresh.size() + (existing ? existing->size() : 0));
  for (size_t i = 0; i < fresh.size(); ++i) items.push_back(Item{fresh[i], i, false});
  if (existing != nullptr) {
    for (const std::string& e : *existing) items.push_back(Item{e, 0, true});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.s < b.s; });
  std::vector<size_t> stack;
  size_t new_on_stack = 0, existing_on_stack = 0;
  for (size_t k = 0; k < items.size(); ++k) {
    const size_t common = k == 0 ? 0 : CommonPrefixLength(items[k - 1].s, items[k].s);
    while (!stack.empty() && items[stack.back()].s.size() > common) {
      (items[stack.back()].existing ? existing_on_stack : new_on_stack)--;
      stack.pop_back();
    }
    Item& cur = items[k];
    cur.pre_new = new_on_stack > 0;
    cur.pre_existing = existing_on_stack > 0;
    // Every string on the stack is a prefix of this one. Marks are set top
    // down; one already marked means all below it were marked with it.
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      bool& mark = cur.existing ? items[*it].ext_existing : items[*it].ext_new;
      if (mark) break;
      mark = true;
    }
    stack.push_back(k);
    (cur.existing ? existing_on_stack : new_on_stack)++;
  }
  std::optional<FirstOverlap> first;
  for (const Item& item : items) {
    if (item.existing) continue;
    const bool with_existing = item.pre_existing || item.ext_existing;
    if (!with_existing && !item.pre_new && !item.ext_new) continue;
    if (!first || item.index < first->index) first = FirstOverlap{item.index, with_existing};
  }
  return first;
}

}  // namespace

CachingScope::~CachingScope() {
  if (!c_.has(kClientTrackingCaching) || c_.has(kClientMulti)) return;
  // A request held by CLIENT PAUSE runs later: it is still the next one.
  if (c_.has(kClientPostponed)) return;
  if (cmd_ != nullptr && cmd_->parent != nullptr &&
      std::string_view(cmd_->parent->name) == "client") {
    return;
  }
  c_.clear(kClientTrackingCaching);
}

// ------------------------------------------------------------ client state

void Tracking::Enable(Client* c, const Options& options) {
  if (!c->has(kClientTracking)) ++tracking_clients_;
  c->set(kClientTracking);
  c->clear(static_cast<ClientFlag>(kModeFlags));
  ClientState& state = clients_[c];
  state.redirect = options.redirect;
  if (options.bcast) {
    c->set(kClientTrackingBcast);
    if (options.prefixes.empty()) AddPrefix(c, state, "");
    for (std::string_view p : options.prefixes) AddPrefix(c, state, p);
  }
  if (options.optin) c->set(kClientTrackingOptIn);
  if (options.optout) c->set(kClientTrackingOptOut);
  if (options.noloop) c->set(kClientTrackingNoLoop);
}

void Tracking::AddPrefix(Client* c, ClientState& state, std::string_view prefix) {
  if (!state.prefixes.emplace(prefix).second) return;
  auto it = prefixes_.find(prefix);
  if (it == prefixes_.end()) it = prefixes_.emplace(std::string(prefix), PrefixState{}).first;
  it->second.clients.push_back(c);
}

void Tracking::Disable(Client* c) {
  auto it = clients_.find(c);
  if (it != clients_.end()) {
    for (const std::string& p : it->second.prefixes) {
      auto ps = prefixes_.find(p);
      if (ps == prefixes_.end()) continue;
      auto& v = ps->second.clients;
      v.erase(std::remove(v.begin(), v.end(), c), v.end());
      if (v.empty()) prefixes_.erase(ps);
    }
    clients_.erase(it);
  }
  if (!c->has(kClientTracking)) return;
  --tracking_clients_;
  c->clear(kClientTracking);
  c->clear(static_cast<ClientFlag>(kModeFlags | kClientTrackingCaching));
}

Tracking::PrefixCheck Tracking::CheckPrefixes(const Client* c,
                                              std::span<const std::string_view> prefixes) const {
  auto it = clients_.find(c);
  const std::set<std::string, std::less<>>* existing =
      it == clients_.end() ? nullptr : &it->second.prefixes;
  const std::optional<FirstOverlap> first = FindFirstOverlap(prefixes, existing);
  if (!first) return {};
  const size_t i = first->index;
  if (first->with_existing) {
    // The first existing prefix in byte order that overlaps, as Redis names it.
    for (const std::string& e : *existing) {
      if (Overlap(e, prefixes[i])) {
        return {OverlapError(prefixes[i], "an existing prefix", e), false};
      }
    }
  }
  for (size_t j = i + 1; j < prefixes.size(); ++j) {
    if (Overlap(prefixes[i], prefixes[j])) {
      // Redis's check reports the position of the offending prefix as its
      // verdict, so only an overlap of the first one stops the command.
      return {OverlapError(prefixes[i], "another provided prefix", prefixes[j]), i != 0};
    }
  }
  return {};  // not reached: FindFirstOverlap found a partner
}

uint64_t Tracking::RedirectOf(const Client* c) const {
  auto it = clients_.find(c);
  return it == clients_.end() ? 0 : it->second.redirect;
}

std::vector<std::string> Tracking::PrefixesOf(const Client* c) const {
  auto it = clients_.find(c);
  if (it == clients_.end()) return {};
  return std::vector<std::string>(it->second.prefixes.begin(), it->second.prefixes.end());
}

// ------------------------------------------------------------ the key table

void Tracking::RememberKeys(Client& c, const commands::CommandDef& cmd,
                            std::span<const std::string_view> args) {
  if (c.has(kClientTrackingBcast)) return;
  const bool caching = c.has(kClientTrackingCaching);
  if ((c.has(kClientTrackingOptIn) && !caching) || (c.has(kClientTrackingOptOut) && caching)) {
    return;
  }
  // Shard channels look like keys (for cluster routing) but are not cached.
  if (cmd.has(commands::kCmdPubsub)) return;
  keys_result_.keys.clear();
  if (commands::GetKeys(cmd, args, commands::kKeySearchDefault, &keys_result_) <= 0) return;
  const uint64_t id = c.id();
  for (const commands::KeyReference& ref : keys_result_.keys) {
    std::string_view key = args[static_cast<size_t>(ref.pos)];
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      it = keys_.emplace(std::string(key), KeyEntry{}).first;
      it->second.slot = key_list_.size();
      key_list_.push_back(&it->first);
    }
    std::vector<uint64_t>& ids = it->second.ids;
    auto pos = std::lower_bound(ids.begin(), ids.end(), id);
    if (pos != ids.end() && *pos == id) continue;
    ids.insert(pos, id);
    ++total_items_;
  }
}

void Tracking::RemoveKey(
    std::unordered_map<std::string, KeyEntry, StringHash, std::equal_to<>>::iterator it) {
  const size_t slot = it->second.slot;
  const std::string* last = key_list_.back();
  key_list_[slot] = last;
  if (last != &it->first) keys_.find(*last)->second.slot = slot;
  key_list_.pop_back();
  total_items_ -= it->second.ids.size();
  keys_.erase(it);
}

Tracking::Origin Tracking::CurrentOrigin() const {
  return Origin{server_->current_client(), server_->dispatcher().in_call()};
}

void Tracking::KeyChangedSlow(std::string_view key, const Client* writer) {
  // BCAST: remember the key under every prefix it matches, with who
  // changed it, for the next broadcast.
  const uint64_t writer_id = writer != nullptr ? writer->id() : 0;
  if (!prefixes_.empty()) {
    // The matching prefixes form a chain. Rather than testing each prefix,
    // look at the largest one not above key[0, limit): if it is not a
    // prefix of the key, no match is longer than their common part; the
    // bound shrinks every step.
    size_t limit = key.size();
    while (true) {
      auto it = prefixes_.upper_bound(key.substr(0, limit));
      if (it == prefixes_.begin()) break;
      --it;
      const size_t common = CommonPrefixLength(it->first, key.substr(0, limit));
      if (common == it->first.size()) {
        it->second.changed[std::string(key)] = writer_id;
        if (common == 0) break;
        limit = common - 1;
      } else {
        limit = common;
      }
    }
  }
  InvalidateKey(key, CurrentOrigin());
}

void Tracking::InvalidateKey(std::string_view key, Origin origin) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return;
  // Taken out first: sending may not touch the table, but keeps this simple.
  const std::vector<uint64_t> ids = std::move(it->second.ids);
  it->second.ids.clear();
  total_items_ -= ids.size();
  const std::string owned(key);
  RemoveKey(it);
  for (uint64_t id : ids) {
    Client* target = server_->FindClient(id);
    // Clients that stopped tracking (or switched to BCAST since they read
    // the key) are skipped: ids are removed lazily.
    if (target == nullptr || !target->has(kClientTracking) ||
        target->has(kClientTrackingBcast)) {
      continue;
    }
    if (target == origin.current && target->has(kClientTrackingNoLoop)) continue;
    if (target == origin.current && origin.in_command) {
      // After the reply of the running command, not in the middle of it.
      pending_.push_back(Pending{id, owned});
      continue;
    }
    std::string_view k = owned;
    Send(target, &k, {});
  }
}

void Tracking::Flushed() {
  if (tracking_clients_ > 0) {
    const Origin origin = CurrentOrigin();
    for (const auto& [id, c] : server_->clients()) {
      if (!c->has(kClientTracking)) continue;
      if (c.get() == origin.current && origin.in_command) {
        pending_.push_back(Pending{id, std::nullopt});
      } else {
        Send(c.get(), nullptr, NullFor(*c));
      }
    }
  }
  keys_.clear();
  key_list_.clear();
  total_items_ = 0;
}

void Tracking::SendPendingSlow() {
  std::vector<Pending> batch;
  batch.swap(pending_);
  for (const Pending& p : batch) {
    Client* c = server_->FindClient(p.client_id);
    if (c == nullptr) continue;
    if (p.key) {
      std::string_view k = *p.key;
      Send(c, &k, {});
    } else {
      Send(c, nullptr, NullFor(*c));
    }
  }
}

void Tracking::LimitKeys(const Client* current) {
  if (tracking_clients_ == 0) return;
  const auto max_keys = static_cast<size_t>(server_->config().tracking_table_max_keys);
  if (max_keys == 0) return;  // no limit
  if (keys_.size() <= max_keys) {
    limit_rounds_ = 0;
    return;
  }
  // The effort grows with each call that could not get under the limit.
  int effort = 100 * (limit_rounds_ + 1);
  const Origin origin{current, false};
  while (effort-- > 0 && !key_list_.empty()) {
    const std::string key = *key_list_[server_->rng()() % key_list_.size()];
    InvalidateKey(key, origin);
    if (keys_.size() <= max_keys) {
      limit_rounds_ = 0;
      return;
    }
  }
  ++limit_rounds_;
}

// ------------------------------------------------------------ messages

void Tracking::BroadcastSlow() {
  for (auto& [prefix, state] : prefixes_) {
    if (state.changed.empty()) continue;
    const std::string all = KeysArray(state.changed, 0);
    // Sending never changes the prefix table, so the list stays valid.
    for (Client* c : state.clients) {
      if (c->has(kClientTrackingNoLoop)) {
        const std::string own = KeysArray(state.changed, c->id());
        if (!own.empty()) Send(c, nullptr, own);
      } else {
        Send(c, nullptr, all);
      }
    }
    state.changed.clear();
  }
}

void Tracking::Send(Client* c, const std::string_view* key, std::string_view raw) {
  Client* target = c;
  bool redirected = false;
  const uint64_t redirect = RedirectOf(c);
  if (redirect != 0) {
    target = server_->FindClient(redirect);
    if (target == nullptr) {
      // The redirect client is gone: say so to the tracking client itself
      // (RESP3 only, RESP2 has no pushes).
      c->set(kClientTrackingBrokenRedir);
      if (c->resp() >= 3) {
        protocol::ReplyWriter& w = c->reply();
        Unmuted unmuted(w);
        w.PushLen(2);
        w.Bulk("tracking-redir-broken");
        w.Integer(static_cast<int64_t>(redirect));
        server_->QueueWrite(c);
      }
      return;
    }
    redirected = true;
  }
  protocol::ReplyWriter& w = target->reply();
  Unmuted unmuted(w);
  if (target->resp() >= 3) {
    w.PushLen(2);
    w.Bulk("invalidate");
  } else if (redirected && target->has(kClientPubSub)) {
    w.PushLen(3);
    w.Bulk("message");
    w.Bulk(kInvalidateChannel);
  } else {
    return;  // a RESP2 connection cannot receive pushes in between replies
  }
  if (key != nullptr) {
    w.ArrayLen(1);
    w.Bulk(*key);
  } else {
    w.Raw(raw);
  }
  server_->QueueWrite(target);
}

}  // namespace osprey::server
