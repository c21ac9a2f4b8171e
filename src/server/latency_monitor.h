// The latency monitor: for each named event (e.g. "command", "fast-command",
// "expire-cycle") the latest and maximum latency and a history of samples,
// one per second at most, kept when latency-monitor-threshold is reached.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace osprey::server {

struct LatencySample {
  int64_t unix_time;
  int64_t latency_ms;
};

struct LatencyEvent {
  static constexpr size_t kHistory = 160;
  std::vector<LatencySample> samples;  // ring of the last kHistory samples
  size_t next = 0;
  int64_t max_ms = 0;
  // Samples in time order, oldest first.
  std::vector<LatencySample> Ordered() const;
  const LatencySample& Latest() const;
};

class LatencyMonitor {
 public:
  void set_threshold_ms(int64_t ms) { threshold_ms_ = ms; }
  int64_t threshold_ms() const { return threshold_ms_; }
  // Records `latency_ms` for `event` when monitoring is on and it is at or
  // above the threshold.
  void AddSampleIfNeeded(const char* event, int64_t latency_ms, int64_t unix_time);
  // Records a sample unconditionally.
  void AddSample(const std::string& event, int64_t latency_ms, int64_t unix_time);
  // Forgets the named events (all when empty); returns how many were reset.
  size_t Reset(const std::vector<std::string>& events);
  const std::map<std::string, LatencyEvent>& events() const { return events_; }

 private:
  int64_t threshold_ms_ = 0;
  std::map<std::string, LatencyEvent> events_;
};

}  // namespace osprey::server
