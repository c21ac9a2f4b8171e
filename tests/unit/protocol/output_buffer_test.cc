#include "protocol/output_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace osprey::protocol {
namespace {

std::string Drain(OutputBuffer& b) {
  std::string out;
  iovec iov[64];
  while (!b.empty()) {
    int n = b.Gather(iov, 64);
    size_t total = 0;
    for (int i = 0; i < n; ++i) {
      out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      total += iov[i].iov_len;
    }
    b.Consume(total);
  }
  return out;
}

TEST(OutputBufferTest, AppendsAcrossChunks) {
  OutputBuffer b;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    std::string piece = "item" + std::to_string(i) + ";";
    b.Append(piece);
    expected += piece;
  }
  EXPECT_EQ(b.size(), expected.size());
  EXPECT_GT(b.ChunkCount(), 1u);
  EXPECT_EQ(Drain(b), expected);
  EXPECT_TRUE(b.empty());
}

TEST(OutputBufferTest, PartialConsumeKeepsOrder) {
  OutputBuffer b;
  b.Append("hello world");
  b.Consume(6);
  EXPECT_EQ(b.size(), 5u);
  b.Append("!");
  EXPECT_EQ(Drain(b), "world!");
}

TEST(OutputBufferTest, LargeAppendGetsOneChunk) {
  OutputBuffer b;
  b.Append("x");
  std::string big(100000, 'y');
  b.Append(big);
  EXPECT_EQ(Drain(b), "x" + big);
}

TEST(OutputBufferTest, DeferredHeaderIsInsertedInPlace) {
  OutputBuffer b;
  b.Append("A");
  size_t outer = b.BeginDeferred();
  b.Append("B");
  size_t inner = b.BeginDeferred();
  b.Append("C");
  b.FillDeferred(inner, "[in]");
  b.FillDeferred(outer, "[out]");
  EXPECT_EQ(Drain(b), "A[out]B[in]C");
}

TEST(OutputBufferTest, DeferredFilledOutOfOrder) {
  OutputBuffer b;
  size_t first = b.BeginDeferred();
  size_t second = b.BeginDeferred();
  b.FillDeferred(first, "1");
  b.Append("x");
  b.FillDeferred(second, "2");
  EXPECT_EQ(Drain(b), "12x");
}

TEST(OutputBufferTest, DeferredAtTailThenAppend) {
  OutputBuffer b;
  size_t t = b.BeginDeferred();
  b.FillDeferred(t, "*3\r\n");
  b.Append("abc");
  EXPECT_EQ(Drain(b), "*3\r\nabc");
}

TEST(OutputBufferTest, ClearDropsEverything) {
  OutputBuffer b;
  b.Append(std::string(50000, 'z'));
  b.Clear();
  EXPECT_TRUE(b.empty());
  b.Append("ok");
  EXPECT_EQ(Drain(b), "ok");
}

}  // namespace
}  // namespace osprey::protocol
