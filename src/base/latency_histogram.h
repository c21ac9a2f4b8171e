// A log-linear histogram of latencies for INFO latencystats: each power of
// two is split into 128 equal buckets, so any recorded value is known to
// within 1/128 (under 1%) of itself, with counters for values from 1 to
// kMaxValue. Memory (about 30 KB) is taken on the first Record, so an unused
// histogram costs only its empty vector.
//
// Percentiles follow the usual convention for such histograms: the rank is
// p% of the count rounded to nearest (at least 1), and the value reported is
// the highest value of the bucket holding that rank.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace osprey::base {

class LatencyHistogram {
 public:
  // Values above this are counted as this (about 68.7 seconds in nanoseconds).
  static constexpr uint64_t kMaxValue = (uint64_t{1} << 36) - 1;

  // Counts one value; values below 1 count as 1, above kMaxValue as kMaxValue.
  void Record(uint64_t value);

  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }

  // The value at percentile `p` (0..100; larger is taken as 100). Percentile
  // 0 reports the lowest value of the smallest bucket in use. 0 when empty.
  uint64_t ValueAtPercentile(double p) const;

  // Forgets every value and releases the counters.
  void Reset();

  // Bucket arithmetic, exposed for tests: the bucket of `value`, and the
  // lowest and highest values a bucket stands for.
  static size_t BucketOf(uint64_t value);
  static uint64_t BucketLow(size_t bucket);
  static uint64_t BucketHigh(size_t bucket);

 private:
  std::vector<uint64_t> counts_;  // empty until the first Record
  uint64_t count_ = 0;
};

}  // namespace osprey::base
