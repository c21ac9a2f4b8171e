#include "net/io_threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace osprey::net {
namespace {

TEST(IoThreadPoolTest, RunsEveryItemOnce) {
  IoThreadPool pool(4);
  for (size_t n : {0u, 1u, 2u, 3u, 17u, 1000u}) {
    std::vector<std::atomic<int>> hits(n);
    pool.Run(n, [&](size_t i) { hits[i].fetch_add(1); });
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << n << " " << i;
  }
}

TEST(IoThreadPoolTest, SingleThreadRunsInline) {
  IoThreadPool pool(1);
  EXPECT_EQ(pool.threads(), 1);
  int sum = 0;
  pool.Run(10, [&](size_t i) { sum += static_cast<int>(i); });
  EXPECT_EQ(sum, 45);
}

TEST(IoThreadPoolTest, ManyGenerationsBackToBack) {
  IoThreadPool pool(3);
  std::atomic<long> total{0};
  for (int round = 0; round < 2000; ++round) {
    pool.Run(7, [&](size_t i) { total.fetch_add(static_cast<long>(i)); });
  }
  EXPECT_EQ(total.load(), 2000L * 21);
}

}  // namespace
}  // namespace osprey::net
