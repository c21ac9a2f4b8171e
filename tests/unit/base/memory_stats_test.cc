// Memory figures: Redis's human byte format and sane allocator readings.
#include "base/memory_stats.h"

#include <gtest/gtest.h>

#include <memory>

namespace osprey::base {
namespace {

TEST(MemoryStatsTest, BytesToHumanUsesRedisUnitsAndTwoDecimals) {
  EXPECT_EQ(BytesToHuman(0), "0B");
  EXPECT_EQ(BytesToHuman(1023), "1023B");
  EXPECT_EQ(BytesToHuman(1024), "1.00K");
  EXPECT_EQ(BytesToHuman(965640), "943.01K");
  EXPECT_EQ(BytesToHuman(12353536), "11.78M");
  EXPECT_EQ(BytesToHuman(25276510208ull), "23.54G");
  EXPECT_EQ(BytesToHuman(1ull << 40), "1.00T");
  EXPECT_EQ(BytesToHuman(3ull << 50), "3.00P");
  EXPECT_EQ(BytesToHuman(1ull << 60), "1152921504606846976B");
}

TEST(MemoryStatsTest, AllocatorFiguresGrowWithAllocations) {
  const uint64_t before = UsedMemory();
  auto block = std::make_unique<char[]>(8 << 20);
  block[0] = 1;
  EXPECT_GE(UsedMemory(), before + (8 << 20) - 4096);
  AllocatorStats s = ReadAllocatorStats();
  EXPECT_GE(s.active, s.allocated / 2);
  EXPECT_GT(ProcessRss(), 0u);
  EXPECT_GT(TotalSystemMemory(), 0u);
}

TEST(MemoryStatsTest, AllocatorNameIsJemallocWithVersionOrLibc) {
  const std::string name = AllocatorName();
  if (HaveJemalloc()) {
    EXPECT_EQ(name.rfind("jemalloc-", 0), 0u) << name;
    EXPECT_EQ(name.find('-', 9), std::string::npos) << name;
  } else {
    EXPECT_EQ(name, "libc");
  }
}

}  // namespace
}  // namespace osprey::base
