#include "server/propagation.h"

#include <algorithm>

namespace osprey::server {

void Propagation::AddSink(EffectSink* sink) { sinks_.push_back(sink); }

void Propagation::RemoveSink(EffectSink* sink) {
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), sink), sinks_.end());
}

void Propagation::Add(int db, std::span<const std::string_view> args) {
  if (!active()) return;
  pending_.push_back(commands::CommandContext::Effect{db, {args.begin(), args.end()}});
}

void Propagation::Add(commands::CommandContext::Effect effect) {
  if (!active()) return;
  pending_.push_back(std::move(effect));
}

void Propagation::Emit(int db, std::span<const std::string> args) {
  for (EffectSink* s : sinks_) s->Write(db, args);
}

void Propagation::Flush(bool wrap_allowed) {
  if (pending_.empty()) return;
  // Several effects of one call must apply together on replay, as the call
  // did: MULTI takes the first effect's db so no SELECT splits the block.
  const bool wrap = wrap_allowed && pending_.size() > 1;
  if (wrap) {
    const std::string multi[] = {"MULTI"};
    Emit(pending_.front().db, multi);
  }
  for (const auto& e : pending_) Emit(e.db, e.args);
  if (wrap) {
    const std::string exec[] = {"EXEC"};
    Emit(pending_.back().db, exec);
  }
  pending_.clear();
}

void CollectCommandEffects(Propagation& p, commands::CommandContext& ctx,
                           std::span<const std::string_view> args) {
  if (!p.active()) return;
  for (auto& e : ctx.also_propagated()) p.Add(std::move(e));
  ctx.also_propagated().clear();
  if (ctx.dirty() == 0) return;
  switch (ctx.own_propagation()) {
    case commands::CommandContext::OwnPropagation::kAsReceived:
      p.Add(ctx.db().index(), args);
      break;
    case commands::CommandContext::OwnPropagation::kReplaced:
      p.Add(ctx.propagate_as());
      break;
    case commands::CommandContext::OwnPropagation::kPrevented:
      break;
  }
}

}  // namespace osprey::server
