// The slow log: commands that ran longer than slowlog-log-slower-than
// microseconds, newest first, at most slowlog-max-len of them. Long
// argument lists and long arguments are cut as Redis cuts them.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_def.h"

namespace osprey::server {

class Client;

struct SlowlogEntry {
  uint64_t id;
  int64_t unix_time;
  int64_t duration_us;
  std::vector<std::string> args;
  std::string peer;
  std::string client_name;
};

class Slowlog {
 public:
  // At most this many arguments are kept; the last slot then says how many more there were.
  static constexpr size_t kMaxArgs = 32;
  // Arguments longer than this are cut, with a note of the bytes left out.
  static constexpr size_t kMaxArgLength = 128;

  // threshold_us < 0 disables the log; 0 logs every command.
  void Configure(int64_t threshold_us, size_t max_len);
  // Logs the command if it was slow enough.
  void MaybeAdd(const Client& c, const commands::CommandDef* cmd,
                std::span<const std::string_view> args, int64_t duration_us, int64_t unix_time);
  void Reset() { entries_.clear(); }
  const std::deque<SlowlogEntry>& entries() const { return entries_; }  // newest first

 private:
  int64_t threshold_us_ = 10000;
  size_t max_len_ = 128;
  uint64_t next_id_ = 0;
  std::deque<SlowlogEntry> entries_;
};

}  // namespace osprey::server
