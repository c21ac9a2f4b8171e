#include "server/blocking.h"

#include <algorithm>

#include "keyspace/keyspace.h"
#include "server/client.h"
#include "server/dispatcher.h"
#include "server/server.h"
#include "server/server_config.h"

namespace osprey::server {

std::string BlockingManager::Slot(int db, std::string_view key) {
  std::string s = std::to_string(db);
  s.push_back(':');
  s.append(key);
  return s;
}

void BlockingManager::Block(Client* c, const commands::CommandDef* cmd,
                            std::span<const std::string_view> args, int db,
                            std::span<const std::string_view> keys, types::ValueType type,
                            int64_t deadline_ms, commands::BlockTimeoutReply timeout_reply,
                            bool wake_on_key_removed) {
  if (c == rerunning_) {
    // Still nothing for it: it stays where it was in every line.
    reblocked_ = true;
    return;
  }
  auto state = std::make_unique<State>();
  state->cmd = cmd;
  state->args.assign(args.begin(), args.end());
  state->db = db;
  state->type = type;
  state->deadline_ms = deadline_ms;
  state->timeout_reply = timeout_reply;
  state->wake_on_key_removed = wake_on_key_removed;
  for (std::string_view k : keys) {
    std::string slot = Slot(db, k);
    if (std::find(state->slots.begin(), state->slots.end(), slot) != state->slots.end()) continue;
    waiters_[slot].push_back(c);
    state->slots.push_back(std::move(slot));
  }
  if (deadline_ms > 0) deadlines_.emplace(deadline_ms, c);
  states_[c] = std::move(state);
  c->set(kClientBlocked);
  UpdateTracking();
}

void BlockingManager::SignalReadySlow(int db, std::string_view key) {
  std::string slot = Slot(db, key);
  if (waiters_.count(slot) == 0 || ready_set_.count(slot)) return;
  ready_set_.insert(slot);
  ready_.push_back(std::move(slot));
}

void BlockingManager::SignalDb(int db) {
  const std::string prefix = Slot(db, "");
  for (const auto& [slot, line] : waiters_) {
    if (slot.compare(0, prefix.size(), prefix) != 0 || ready_set_.count(slot)) continue;
    ready_set_.insert(slot);
    ready_.push_back(slot);
  }
}

void BlockingManager::Remove(Client* c) {
  auto it = states_.find(c);
  if (it == states_.end()) return;
  State& st = *it->second;
  for (const std::string& slot : st.slots) {
    auto w = waiters_.find(slot);
    if (w == waiters_.end()) continue;
    auto& q = w->second;
    q.erase(std::remove(q.begin(), q.end(), c), q.end());
    if (q.empty()) waiters_.erase(w);
  }
  if (st.deadline_ms > 0) {
    auto range = deadlines_.equal_range(st.deadline_ms);
    for (auto d = range.first; d != range.second; ++d) {
      if (d->second == c) {
        deadlines_.erase(d);
        break;
      }
    }
  }
  states_.erase(it);
  c->clear(kClientBlocked);
  UpdateTracking();
}

void BlockingManager::UpdateTracking() {
  server_->keyspace().set_track_new_keys(!waiters_.empty());
}

bool BlockingManager::Rerun(Client* c) {
  State& st = *states_.at(c);
  std::vector<std::string_view> args(st.args.begin(), st.args.end());
  rerunning_ = c;
  reblocked_ = false;
  const int saved_db = c->db_index;
  c->db_index = st.db;
  server_->dispatcher().Call(*c, st.cmd, args, commands::kExecReprocess);
  c->db_index = saved_db;
  rerunning_ = nullptr;
  if (reblocked_) return false;
  RecordCompletion(st, /*failed=*/false);
  Remove(c);
  resumed_.push_back(c);
  server_->QueueWrite(c);
  return true;
}

void BlockingManager::ServeReady() {
  // Serving may make more keys ready (BLMOVE pushes to its destination).
  while (!ready_.empty()) {
    std::vector<std::string> batch;
    batch.swap(ready_);
    ready_set_.clear();
    for (const std::string& slot : batch) {
      auto w = waiters_.find(slot);
      if (w == waiters_.end()) continue;
      const size_t colon = slot.find(':');
      const int db = std::stoi(slot.substr(0, colon));
      const std::string key = slot.substr(colon + 1);
      keyspace::Db& d = server_->keyspace().db(db);
      // Everyone in line at this moment, oldest first.
      std::vector<Client*> line(w->second.begin(), w->second.end());
      for (Client* c : line) {
        auto st = states_.find(c);
        if (st == states_.end()) continue;  // served through another key
        keyspace::Entry e = d.table().Find(key);
        // Nothing to take, or a value of another type: the client waits on
        // (as Redis 7.0 keeps it waiting), unless it wants to hear that its
        // key is gone.
        if (!e || d.IsExpired(e) || e.type() != st->second->type) {
          if (!st->second->wake_on_key_removed) continue;
        }
        serving_key_ = key;
        Rerun(c);
        serving_key_.clear();
      }
    }
  }
}

bool BlockingManager::Unblock(Client* c, UnblockReason reason) {
  auto it = states_.find(c);
  if (it == states_.end()) return false;
  commands::BlockTimeoutReply reply = it->second->timeout_reply;
  RecordCompletion(*it->second, reason == UnblockReason::kError);
  Remove(c);
  if (reason == UnblockReason::kError) {
    c->reply().Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else if (reply == commands::BlockTimeoutReply::kNullArray) {
    c->reply().NullArray();
  } else {
    c->reply().Null();
  }
  resumed_.push_back(c);
  server_->QueueWrite(c);
  return true;
}

void BlockingManager::AddExecTime(const Client* c, int64_t ns) {
  auto it = states_.find(c);
  if (it != states_.end()) it->second->exec_ns += ns;
}

void BlockingManager::RecordCompletion(const State& st, bool failed) {
  if (failed) ++server_->stats().commands[static_cast<size_t>(st.cmd->id)].failed_calls;
  if (server_->config().latency_tracking) {
    server_->command_latency()[st.cmd->id].Record(static_cast<uint64_t>(st.exec_ns));
  }
}

void BlockingManager::Forget(Client* c) {
  Remove(c);
  resumed_.erase(std::remove(resumed_.begin(), resumed_.end(), c), resumed_.end());
}

void BlockingManager::HandleTimeouts(int64_t now_ms) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_ms) {
    Client* c = deadlines_.begin()->second;
    Unblock(c, UnblockReason::kTimeout);
  }
}

std::vector<Client*> BlockingManager::TakeResumed() {
  std::vector<Client*> out;
  out.swap(resumed_);
  return out;
}

}  // namespace osprey::server
