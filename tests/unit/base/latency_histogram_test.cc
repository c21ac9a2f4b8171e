// LatencyHistogram: bucket arithmetic and percentiles.
#include "base/latency_histogram.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace osprey::base {
namespace {

TEST(LatencyHistogramTest, SmallValuesHaveABucketEach) {
  for (uint64_t v = 0; v < 256; ++v) {
    EXPECT_EQ(LatencyHistogram::BucketLow(LatencyHistogram::BucketOf(v)), v);
    EXPECT_EQ(LatencyHistogram::BucketHigh(LatencyHistogram::BucketOf(v)), v);
  }
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithoutGaps) {
  const size_t last = LatencyHistogram::BucketOf(LatencyHistogram::kMaxValue);
  for (size_t b = 1; b <= last; ++b) {
    EXPECT_EQ(LatencyHistogram::BucketLow(b), LatencyHistogram::BucketHigh(b - 1) + 1) << b;
  }
  EXPECT_EQ(LatencyHistogram::BucketHigh(last), LatencyHistogram::kMaxValue);
}

TEST(LatencyHistogramTest, EveryValueFallsInsideItsBucketWithinOnePercent) {
  for (uint64_t v : std::initializer_list<uint64_t>{256, 257, 1000, 1003, 65535, 1234567, 50000000,
                                                    999999999, LatencyHistogram::kMaxValue}) {
    const size_t b = LatencyHistogram::BucketOf(v);
    EXPECT_LE(LatencyHistogram::BucketLow(b), v);
    EXPECT_GE(LatencyHistogram::BucketHigh(b), v);
    EXPECT_LT(LatencyHistogram::BucketHigh(b) - LatencyHistogram::BucketLow(b), v / 100 + 1);
  }
}

TEST(LatencyHistogramTest, ReportsTheHighestValueOfTheBucket) {
  LatencyHistogram h;
  h.Record(1000);  // bucket [1000, 1003]
  EXPECT_EQ(h.ValueAtPercentile(50), 1003u);
  EXPECT_EQ(h.ValueAtPercentile(100), 1003u);
  // Percentile 0 reports the lowest value instead.
  EXPECT_EQ(h.ValueAtPercentile(0), 1000u);
}

TEST(LatencyHistogramTest, PercentilesRankTheRecordedValues) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.ValueAtPercentile(50), 50u);
  EXPECT_EQ(h.ValueAtPercentile(99), 99u);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 100u);
  EXPECT_EQ(h.ValueAtPercentile(100), 100u);
  EXPECT_EQ(h.ValueAtPercentile(150), 100u);
  EXPECT_EQ(h.ValueAtPercentile(0), 1u);
}

TEST(LatencyHistogramTest, ClampsValuesOutsideTheRange) {
  LatencyHistogram h;
  h.Record(0);
  EXPECT_EQ(h.ValueAtPercentile(50), 1u);
  h.Reset();
  h.Record(LatencyHistogram::kMaxValue * 4);
  EXPECT_EQ(h.ValueAtPercentile(50), LatencyHistogram::kMaxValue);
}

TEST(LatencyHistogramTest, EmptyAndResetHistogramsReportZero) {
  LatencyHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.ValueAtPercentile(50), 0u);
  h.Record(5);
  EXPECT_FALSE(h.empty());
  h.Reset();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.ValueAtPercentile(99), 0u);
}

}  // namespace
}  // namespace osprey::base
