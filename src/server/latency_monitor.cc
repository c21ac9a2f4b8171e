#include "server/latency_monitor.h"

namespace osprey::server {

std::vector<LatencySample> LatencyEvent::Ordered() const {
  std::vector<LatencySample> out;
  out.reserve(samples.size());
  if (samples.size() < kHistory) return samples;
  for (size_t i = 0; i < samples.size(); ++i) out.push_back(samples[(next + i) % samples.size()]);
  return out;
}

const LatencySample& LatencyEvent::Latest() const {
  size_t idx = samples.size() < kHistory ? samples.size() - 1
                                         : (next + kHistory - 1) % kHistory;
  return samples[idx];
}

void LatencyMonitor::AddSampleIfNeeded(const char* event, int64_t latency_ms, int64_t unix_time) {
  if (threshold_ms_ <= 0 || latency_ms < threshold_ms_) return;
  AddSample(event, latency_ms, unix_time);
}

void LatencyMonitor::AddSample(const std::string& event, int64_t latency_ms, int64_t unix_time) {
  LatencyEvent& e = events_[event];
  if (latency_ms > e.max_ms) e.max_ms = latency_ms;
  // One sample per second: a second spike in the same second keeps the worst.
  if (!e.samples.empty()) {
    LatencySample& last = const_cast<LatencySample&>(e.Latest());
    if (last.unix_time == unix_time) {
      if (latency_ms > last.latency_ms) last.latency_ms = latency_ms;
      return;
    }
  }
  if (e.samples.size() < LatencyEvent::kHistory) {
    e.samples.push_back({unix_time, latency_ms});
  } else {
    e.samples[e.next] = {unix_time, latency_ms};
    e.next = (e.next + 1) % LatencyEvent::kHistory;
  }
}

size_t LatencyMonitor::Reset(const std::vector<std::string>& names) {
  if (names.empty()) {
    size_t n = events_.size();
    events_.clear();
    return n;
  }
  size_t n = 0;
  for (const auto& name : names) n += events_.erase(name);
  return n;
}

}  // namespace osprey::server
