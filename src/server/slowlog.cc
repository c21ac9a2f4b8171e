#include "server/slowlog.h"

#include "server/client.h"

namespace osprey::server {

void Slowlog::Configure(int64_t threshold_us, size_t max_len) {
  threshold_us_ = threshold_us;
  max_len_ = max_len;
  while (entries_.size() > max_len_) entries_.pop_back();
}

void Slowlog::MaybeAdd(const Client& c, const commands::CommandDef* /*cmd*/,
                       std::span<const std::string_view> args, int64_t duration_us,
                       int64_t unix_time) {
  if (threshold_us_ < 0 || duration_us < threshold_us_) return;
  SlowlogEntry e;
  e.id = next_id_++;
  e.unix_time = unix_time;
  e.duration_us = duration_us;
  size_t keep = args.size() > kMaxArgs ? kMaxArgs : args.size();
  e.args.reserve(keep);
  for (size_t i = 0; i < keep; ++i) {
    if (keep != args.size() && i == keep - 1) {
      e.args.push_back("... (" + std::to_string(args.size() - keep + 1) + " more arguments)");
    } else if (args[i].size() > kMaxArgLength) {
      std::string s(args[i].substr(0, kMaxArgLength));
      s += "... (" + std::to_string(args[i].size() - kMaxArgLength) + " more bytes)";
      e.args.push_back(std::move(s));
    } else {
      e.args.emplace_back(args[i]);
    }
  }
  e.peer = c.peer_id();
  e.client_name = c.name();
  entries_.push_front(std::move(e));
  while (entries_.size() > max_len_) entries_.pop_back();
}

}  // namespace osprey::server
