#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::protocol {
namespace {

std::vector<std::string> Args(const RequestParser& p) {
  std::vector<std::string> out;
  for (auto a : p.args()) out.emplace_back(a);
  return out;
}

TEST(RespParserTest, ParsesMultibulkCommand) {
  RequestParser p;
  std::string in = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kCommand);
  EXPECT_EQ(Args(p), (std::vector<std::string>{"GET", "k"}));
  EXPECT_EQ(p.consumed(), in.size());
}

TEST(RespParserTest, ArgumentsAreViewsIntoTheBuffer) {
  RequestParser p;
  std::string in = "*1\r\n$4\r\nPING\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kCommand);
  EXPECT_EQ(p.args()[0].data(), in.data() + 8);
}

TEST(RespParserTest, ResumesAfterEverySplitPoint) {
  std::string in = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  for (size_t split = 0; split < in.size(); ++split) {
    RequestParser p;
    std::string first = in.substr(0, split);
    ParseResult r = p.Parse(first.data(), first.size(), {});
    ASSERT_EQ(r, ParseResult::kNeedMore) << "split " << split;
    std::string whole = in;  // a new buffer with the same leading bytes
    ASSERT_EQ(p.Parse(whole.data(), whole.size(), {}), ParseResult::kCommand) << split;
    EXPECT_EQ(Args(p), (std::vector<std::string>{"SET", "key", "value"}));
    EXPECT_EQ(p.consumed(), in.size());
  }
}

TEST(RespParserTest, ParsesPipelinedRequestsOneAtATime) {
  RequestParser p;
  std::string in = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kCommand);
  size_t first = p.consumed();
  EXPECT_EQ(Args(p), (std::vector<std::string>{"PING"}));
  ASSERT_EQ(p.Parse(in.data() + first, in.size() - first, {}), ParseResult::kCommand);
  EXPECT_EQ(Args(p), (std::vector<std::string>{"ECHO", "hi"}));
}

TEST(RespParserTest, EmptyMultibulkIsSkipped) {
  RequestParser p;
  std::string in = "*0\r\n";
  EXPECT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kEmpty);
  EXPECT_EQ(p.consumed(), 4u);
  std::string neg = "*-1\r\n";
  EXPECT_EQ(p.Parse(neg.data(), neg.size(), {}), ParseResult::kEmpty);
}

TEST(RespParserTest, ParsesInlineWithQuotes) {
  RequestParser p;
  std::string in = "SET \"a b\" 'c\\'d'\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kCommand);
  EXPECT_EQ(Args(p), (std::vector<std::string>{"SET", "a b", "c'd"}));
  EXPECT_EQ(p.consumed(), in.size());
}

TEST(RespParserTest, InlineAcceptsBareNewline) {
  RequestParser p;
  std::string in = "PING\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kCommand);
  EXPECT_EQ(Args(p), (std::vector<std::string>{"PING"}));
}

TEST(RespParserTest, BlankInlineLineIsEmpty) {
  RequestParser p;
  std::string in = "\r\n";
  EXPECT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kEmpty);
  EXPECT_EQ(p.consumed(), 2u);
}

TEST(RespParserTest, RejectsUnbalancedInlineQuotes) {
  RequestParser p;
  std::string in = "SET \"a b\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kError);
  EXPECT_EQ(p.error(), "Protocol error: unbalanced quotes in request");
}

TEST(RespParserTest, RejectsInvalidMultibulkLength) {
  RequestParser p;
  for (std::string in : {"*abc\r\n", "*01\r\n", "*+1\r\n", "*3000000000\r\n"}) {
    ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kError) << in;
    EXPECT_EQ(p.error(), "Protocol error: invalid multibulk length");
  }
}

TEST(RespParserTest, RejectsNegativeBulkLength) {
  RequestParser p;
  std::string in = "*1\r\n$-5\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kError);
  EXPECT_EQ(p.error(), "Protocol error: invalid bulk length");
}

TEST(RespParserTest, RejectsBulkOverProtoMaxBulkLen) {
  RequestParser p;
  ParserLimits limits;
  limits.max_bulk_len = 10;
  std::string in = "*1\r\n$11\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), limits), ParseResult::kError);
  EXPECT_EQ(p.error(), "Protocol error: invalid bulk length");
}

TEST(RespParserTest, RejectsMissingDollar) {
  RequestParser p;
  std::string in = "*1\r\n:3\r\n";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kError);
  EXPECT_EQ(p.error(), "Protocol error: expected '$', got ':'");
}

TEST(RespParserTest, RejectsTooBigInlineRequest) {
  RequestParser p;
  std::string in(kMaxInlineSize + 1, 'a');
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kError);
  EXPECT_EQ(p.error(), "Protocol error: too big inline request");
}

TEST(RespParserTest, RejectsTooBigCountLines) {
  RequestParser p;
  std::string mbulk = "*" + std::string(kMaxInlineSize + 1, '1');
  ASSERT_EQ(p.Parse(mbulk.data(), mbulk.size(), {}), ParseResult::kError);
  EXPECT_EQ(p.error(), "Protocol error: too big mbulk count string");
  RequestParser q;
  std::string bulk = "*1\r\n$" + std::string(kMaxInlineSize + 1, '1');
  ASSERT_EQ(q.Parse(bulk.data(), bulk.size(), {}), ParseResult::kError);
  EXPECT_EQ(q.error(), "Protocol error: too big bulk count string");
}

TEST(RespParserTest, UnauthenticatedClientsGetSmallLimits) {
  ParserLimits limits;
  limits.authenticated = false;
  RequestParser p;
  std::string many = "*11\r\n";
  ASSERT_EQ(p.Parse(many.data(), many.size(), limits), ParseResult::kError);
  EXPECT_EQ(p.error(), "Protocol error: unauthenticated multibulk length");
  RequestParser q;
  std::string big = "*1\r\n$16385\r\n";
  ASSERT_EQ(q.Parse(big.data(), big.size(), limits), ParseResult::kError);
  EXPECT_EQ(q.error(), "Protocol error: unauthenticated bulk length");
}

TEST(RespParserTest, NulBeforeCountLineEndWaitsForMore) {
  // Redis searches the line end in a C string, so a NUL hides it.
  RequestParser p;
  std::string in("*1\0\r\n", 5);
  EXPECT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kNeedMore);
}

TEST(RespParserTest, ReportsPendingBulkEnd) {
  RequestParser p;
  std::string in = "*2\r\n$3\r\nSET\r\n$100000\r\nabc";
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kNeedMore);
  EXPECT_EQ(p.PendingBulkEnd(), 13u + 9u + 100000u + 2u);
}

TEST(RespParserTest, BinarySafeArguments) {
  RequestParser p;
  std::string in("*1\r\n$3\r\na\0b\r\n", 14);
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}), ParseResult::kCommand);
  EXPECT_EQ(p.args()[0], std::string_view("a\0b", 3));
}

}  // namespace
}  // namespace osprey::protocol
