// Counters INFO reports (the "stats" section and per-command statistics).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace osprey::server {

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

// A ring of recent (time, value) samples for "instantaneous_*" figures.
class RateSampler {
 public:
  static constexpr int kSamples = 16;
  // Records the running total `value` at `now_ms`.
  void Sample(int64_t now_ms, uint64_t value);
  // Per-second rate averaged over the samples.
  double PerSecond() const;

 private:
  int64_t last_ms_ = 0;
  uint64_t last_value_ = 0;
  double samples_[kSamples] = {};
  int index_ = 0;
};

struct ServerStats {
  int64_t start_time_ms = 0;
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  uint64_t io_threaded_reads_processed = 0;
  uint64_t io_threaded_writes_processed = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_qbuf_limit_disconnections = 0;
  uint64_t client_outbuf_limit_disconnections = 0;
  uint64_t dirty = 0;  // changes since the last save
  // RDB snapshots (INFO persistence, LASTSAVE): 0 means "never saved".
  int64_t lastsave_ms = 0;
  bool last_save_ok = true;
  uint64_t rdb_saves = 0;
  // BGSAVE: when the last one was started, how long the last one took,
  // the change count when the running one began (what its success takes
  // off), and whether one waits for the running child-like job to end.
  int64_t last_bgsave_try_ms = 0;
  int64_t rdb_last_bgsave_time_sec = -1;
  uint64_t dirty_before_bgsave = 0;
  bool bgsave_scheduled = false;
  uint64_t rdb_last_load_keys_loaded = 0;
  uint64_t rdb_last_load_keys_expired = 0;
  uint64_t peak_memory = 0;
  std::map<std::string, uint64_t> error_counts;  // errorstats, by error code
  std::vector<CommandStats> commands;             // by CommandDef::id

  RateSampler ops_sampler;
  RateSampler net_input_sampler;
  RateSampler net_output_sampler;
};

}  // namespace osprey::server
