#include "server/stats.h"

namespace osprey::server {

void RateSampler::Sample(int64_t now_ms, uint64_t value) {
  if (last_ms_ != 0 && now_ms > last_ms_) {
    double delta = static_cast<double>(value - last_value_);
    samples_[index_] = delta * 1000.0 / static_cast<double>(now_ms - last_ms_);
    index_ = (index_ + 1) % kSamples;
  }
  last_ms_ = now_ms;
  last_value_ = value;
}

double RateSampler::PerSecond() const {
  double sum = 0;
  for (double s : samples_) sum += s;
  return sum / kSamples;
}

}  // namespace osprey::server
