#include "base/latency_histogram.h"

#include <bit>

namespace osprey::base {

namespace {

// Values below kLinearEnd get a bucket each. From there on, the values
// [2^e, 2^(e+1)) share 128 buckets of width 2^(e-7).
constexpr int kSubBits = 7;
constexpr uint64_t kSubCount = uint64_t{1} << kSubBits;  // 128
constexpr uint64_t kLinearEnd = kSubCount * 2;           // 256
constexpr int kFirstLogExponent = kSubBits + 1;          // 2^8 == kLinearEnd

// Bucket index layout: [0, 256) are the values themselves; after that each
// exponent e >= 8 owns 128 buckets, indexed (e - 7) * 128 + top, where top is
// the value's leading 8 bits (128..255).
size_t BucketCount() { return LatencyHistogram::BucketOf(LatencyHistogram::kMaxValue) + 1; }

}  // namespace

size_t LatencyHistogram::BucketOf(uint64_t value) {
  if (value < kLinearEnd) return static_cast<size_t>(value);
  const int exponent = 63 - std::countl_zero(value);
  const uint64_t top = value >> (exponent - kSubBits);  // in [128, 256)
  return static_cast<size_t>((exponent - kSubBits) * kSubCount + top);
}

uint64_t LatencyHistogram::BucketLow(size_t bucket) {
  if (bucket < kLinearEnd) return bucket;
  const int exponent = static_cast<int>(bucket / kSubCount) + kFirstLogExponent - 2;
  const uint64_t top = bucket % kSubCount + kSubCount;
  return top << (exponent - kSubBits);
}

uint64_t LatencyHistogram::BucketHigh(size_t bucket) {
  if (bucket < kLinearEnd) return bucket;
  const int exponent = static_cast<int>(bucket / kSubCount) + kFirstLogExponent - 2;
  const uint64_t top = bucket % kSubCount + kSubCount;
  return ((top + 1) << (exponent - kSubBits)) - 1;
}

void LatencyHistogram::Record(uint64_t value) {
  if (value < 1) value = 1;
  if (value > kMaxValue) value = kMaxValue;
  if (counts_.empty()) counts_.assign(BucketCount(), 0);
  ++counts_[BucketOf(value)];
  ++count_;
}

uint64_t LatencyHistogram::ValueAtPercentile(double p) const {
  if (count_ == 0) return 0;
  if (p > 100.0) p = 100.0;
  if (p < 0.0) p = 0.0;
  uint64_t rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(count_) + 0.5);
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return p == 0.0 ? BucketLow(i) : BucketHigh(i);
  }
  return BucketHigh(counts_.size() - 1);
}

void LatencyHistogram::Reset() {
  counts_.clear();
  counts_.shrink_to_fit();
  count_ = 0;
}

}  // namespace osprey::base
