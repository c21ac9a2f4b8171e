// ClientPause bookkeeping, and the Server methods that apply it (kept here
// rather than in server.cc so the pause logic reads in one place).
#include "server/client_pause.h"

#include <algorithm>

#include "commands/command_def.h"
#include "keyspace/keyspace.h"
#include "server/client.h"
#include "server/server.h"

namespace osprey::server {

bool ClientPause::Pause(Purpose purpose, int64_t end_ms, Type type, int64_t now_ms) {
  Event& ev = events_[static_cast<size_t>(purpose)];
  if (!ev.active) {
    ev = Event{true, type, end_ms};
  } else {
    ev.type = std::max(ev.type, type);
    ev.end_ms = std::max(ev.end_ms, end_ms);
  }
  return Update(now_ms);
}

bool ClientPause::Unpause(Purpose purpose, int64_t now_ms) {
  Event& ev = events_[static_cast<size_t>(purpose)];
  if (!ev.active) return false;
  ev = Event{};
  return Update(now_ms);
}

bool ClientPause::Expire(int64_t now_ms) { return Update(now_ms); }

bool ClientPause::Update(int64_t now_ms) {
  const Type before = type_;
  Type strictest = Type::kOff;
  for (Event& ev : events_) {
    if (!ev.active) continue;
    // A pause lasts through its end millisecond, as in Redis.
    if (ev.end_ms < now_ms) {
      ev = Event{};
      continue;
    }
    strictest = std::max(strictest, ev.type);
  }
  int64_t end = 0;
  for (const Event& ev : events_) {
    if (ev.active && ev.type == strictest) end = std::max(end, ev.end_ms);
  }
  type_ = strictest;
  end_ms_ = end;
  return type_ < before;
}

bool ClientPause::Covers(const commands::CommandDef* cmd, uint64_t queued_flags) const {
  if (type_ == Type::kAll) return true;
  if (type_ != Type::kWrite) return false;
  constexpr uint64_t kReplicates = commands::kCmdWrite | commands::kCmdMayReplicate;
  if ((cmd->flags & kReplicates) != 0) return true;
  return std::string_view(cmd->fullname) == "exec" && (queued_flags & kReplicates) != 0;
}

void ClientPause::ReleaseAll() {
  for (Client* c : held_) {
    c->clear(kClientBlocked);
    c->clear(kClientPostponed);
    released_.push_back(c);
  }
  held_.clear();
}

std::vector<Client*> ClientPause::TakeReleased() {
  std::vector<Client*> out;
  out.swap(released_);
  return out;
}

void ClientPause::Forget(const Client* c) {
  std::erase(held_, c);
  std::erase(released_, c);
}

// --- Server ---

void Server::PauseClients(ClientPause::Purpose purpose, int64_t end_ms, ClientPause::Type type) {
  if (client_pause_.Pause(purpose, end_ms, type, now_ms())) client_pause_.ReleaseAll();
  ApplyPauseToKeyspace();
}

void Server::UnpauseClients(ClientPause::Purpose purpose) {
  if (client_pause_.Unpause(purpose, now_ms())) client_pause_.ReleaseAll();
  ApplyPauseToKeyspace();
}

bool Server::CheckPauseTimeout() {
  if (!client_pause_.paused()) return false;
  // The live clock, not the cached time: this runs before a request is
  // dispatched, when the cache may be as old as the last command.
  const int64_t now = clock_->NowMillis();
  if (client_pause_.end_ms() < now) {
    if (client_pause_.Expire(now)) client_pause_.ReleaseAll();
    ApplyPauseToKeyspace();
  }
  return client_pause_.paused();
}

bool Server::ShouldPostpone(const Client& c, const commands::CommandDef* cmd) {
  return CheckPauseTimeout() && client_pause_.Covers(cmd, c.multi_cmd_flags);
}

void Server::PostponeClient(Client* c) {
  c->set(kClientBlocked);
  c->set(kClientPostponed);
  client_pause_.Hold(c);
}

void Server::RunReleasedClients() {
  // Re-running input can pause or unpause again: loop until settled.
  while (client_pause_.has_released()) {
    for (Client* c : client_pause_.TakeReleased()) {
      if (c->has(kClientCloseAsap) || c->has(kClientBlocked)) continue;
      c->ProcessInput();
    }
  }
}

// While paused the data set stays as it is: expired keys are reported missing
// but not deleted (unless a write reaches them), and active expiry waits.
void Server::ApplyPauseToKeyspace() {
  if (!keyspace_) return;
  if (client_pause_.paused()) {
    if (keyspace_->expire_policy() == keyspace::ExpirePolicy::kDelete) {
      keyspace_->set_expire_policy(keyspace::ExpirePolicy::kHide);
      pause_hides_expired_ = true;
    }
  } else if (pause_hides_expired_) {
    if (keyspace_->expire_policy() == keyspace::ExpirePolicy::kHide) {
      keyspace_->set_expire_policy(keyspace::ExpirePolicy::kDelete);
    }
    pause_hides_expired_ = false;
  }
}

}  // namespace osprey::server
