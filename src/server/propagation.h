// The propagation stream: what each command (or expiry) did to the data
// set, as commands a replay reproduces it with. The dispatcher collects the
// effects of one top-level call (an EXEC with everything it ran, a command
// and the lazy expiries it caused) and emits them together when the call
// ends: alone when there is one, wrapped in MULTI ... EXEC when there are
// more. Consumers (the AOF, later replicas) receive them with their db.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"

namespace osprey::server {

// A consumer of the stream. Write receives one command of the stream;
// `db` is the database it runs in (the consumer emits SELECT as needed).
class EffectSink {
 public:
  virtual ~EffectSink() = default;
  virtual void Write(int db, std::span<const std::string> args) = 0;
};

class Propagation {
 public:
  // Sinks are not owned; Remove before destroying one.
  void AddSink(EffectSink* sink);
  void RemoveSink(EffectSink* sink);
  bool active() const { return !sinks_.empty() && !paused_; }
  // While paused (loading the AOF), nothing is collected.
  void set_paused(bool paused) { paused_ = paused; }

  // Queues an effect of the running top-level call.
  void Add(int db, std::span<const std::string_view> args);
  void Add(commands::CommandContext::Effect effect);
  // The top-level call ended: emits what it queued. With `wrap` false
  // several effects go out one by one (the lazy expiries of SCAN and
  // RANDOMKEY, which Redis 7.0 does not wrap in MULTI/EXEC).
  void Flush(bool wrap = true);
  size_t pending() const { return pending_.size(); }

 private:
  void Emit(int db, std::span<const std::string> args);
  std::vector<EffectSink*> sinks_;
  std::vector<commands::CommandContext::Effect> pending_;
  bool paused_ = false;
};

// What the dispatcher queues once a command ran: its AlsoPropagate effects,
// then the command itself (as received, or as rewritten) when it made the
// data set dirty and did not prevent its own propagation.
void CollectCommandEffects(Propagation& p, commands::CommandContext& ctx,
                           std::span<const std::string_view> args);

}  // namespace osprey::server
