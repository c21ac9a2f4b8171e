// CLIENT PAUSE state, as Redis 7 keeps it: pauses are requested for a
// purpose (the CLIENT PAUSE command now; shutdown and failover later), each
// with an end time and a type, and the strictest type among the live ones is
// in force until the latest end time of that type. While it is, the
// dispatcher holds ("postpones") the requests the type covers: the client is
// marked blocked and its request stays in its query buffer. When the pause
// ends or becomes less strict, every held client is queued to run its input
// again, in the order it was held; a request still covered is held again.
//
// This class is bookkeeping only; the Server applies it (server.h:
// PauseClients, UnpauseClients, CheckPauseTimeout, PostponeClient), and
// while a pause is in force it also keeps expired keys in place (lookups
// report them missing, active expiry stops) so the data set stays static.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace osprey::commands {
struct CommandDef;
}

namespace osprey::server {

class Client;

class ClientPause {
 public:
  // Stricter types compare greater.
  enum class Type { kOff = 0, kWrite = 1, kAll = 2 };
  enum class Purpose { kClientCommand = 0, kShutdown = 1, kFailover = 2 };

  Type type() const { return type_; }
  bool paused() const { return type_ != Type::kOff; }
  // When the pause in force ends (ms since the epoch); meaningful while paused.
  int64_t end_ms() const { return end_ms_; }

  // Pauses for `purpose` until `end_ms`; a pause already requested for the
  // same purpose keeps the stricter type and the later end. Returns true
  // when the pause in force became less strict (held clients must re-run).
  bool Pause(Purpose purpose, int64_t end_ms, Type type, int64_t now_ms);
  // Ends the pause of `purpose`. Returns true as Pause does.
  bool Unpause(Purpose purpose, int64_t now_ms);
  // Drops pauses whose end time has passed. Returns true as Pause does.
  bool Expire(int64_t now_ms);

  // Whether a request for `cmd` from a client whose MULTI queue holds
  // commands with flags `queued_flags` must wait: every command under ALL,
  // writes and commands that may replicate under WRITE (for EXEC, the
  // queued commands count).
  bool Covers(const commands::CommandDef* cmd, uint64_t queued_flags) const;

  // --- held clients ---
  void Hold(Client* c) { held_.push_back(c); }
  // Moves every held client to the queue of clients to re-run.
  void ReleaseAll();
  // The clients to re-run, oldest first; the queue is left empty.
  std::vector<Client*> TakeReleased();
  bool has_released() const { return !released_.empty(); }
  size_t held_count() const { return held_.size(); }
  // Forgets a client being freed.
  void Forget(const Client* c);

 private:
  struct Event {
    bool active = false;
    Type type = Type::kOff;
    int64_t end_ms = 0;
  };
  // Recomputes type_ and end_ms_ from the events; true when less strict.
  bool Update(int64_t now_ms);

  std::array<Event, 3> events_;
  Type type_ = Type::kOff;
  int64_t end_ms_ = 0;
  std::vector<Client*> held_;      // in the order they were held
  std::vector<Client*> released_;  // waiting to re-run their input
};

}  // namespace osprey::server
