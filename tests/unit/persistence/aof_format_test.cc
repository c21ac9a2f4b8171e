// The AOF command encoding and its parser: round trips, annotations, and
// the difference between a torn tail and bytes that are no command.
#include "persistence/aof_format.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/crc64.h"

namespace osprey::persistence {
namespace {

std::string Encode(std::vector<std::string_view> args) {
  std::string out;
  AppendAofCommand(out, args);
  return out;
}

TEST(AofFormatTest, EncodesCommandsAsRespArrays) {
  EXPECT_EQ(Encode({"SET", "k", "v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  static constexpr char kBinary[] = "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$3\r\na\0b\r\n";
  EXPECT_EQ(Encode({"SET", "", std::string_view("a\0b", 3)}),
            std::string(kBinary, sizeof(kBinary) - 1));
  std::string ts;
  AppendAofTimestamp(ts, 1700000000);
  EXPECT_EQ(ts, "#TS:1700000000\r\n");
}

TEST(AofFormatTest, ParsesWhatItEncodes) {
  std::string data = Encode({"SELECT", "0"});
  AppendAofTimestamp(data, 5);
  data += Encode({"SET", "key", "va\r\nlue"});
  AofParser p(data);
  std::vector<std::string_view> args;
  ASSERT_EQ(p.Next(&args), AofParse::kCommand);
  EXPECT_EQ(args, (std::vector<std::string_view>{"SELECT", "0"}));
  ASSERT_EQ(p.Next(&args), AofParse::kCommand);
  EXPECT_EQ(args, (std::vector<std::string_view>{"SET", "key", "va\r\nlue"}));
  EXPECT_EQ(p.Next(&args), AofParse::kEnd);
  EXPECT_EQ(p.offset(), data.size());
}

TEST(AofFormatTest, EmptyDataEndsAtOnce) {
  AofParser p("");
  std::vector<std::string_view> args;
  EXPECT_EQ(p.Next(&args), AofParse::kEnd);
}

TEST(AofFormatTest, EveryCutInsideACommandIsTorn) {
  const std::string first = Encode({"SET", "a", "1"});
  const std::string full = first + Encode({"RPUSH", "list", "element"});
  for (size_t cut = first.size() + 1; cut < full.size(); ++cut) {
    AofParser p(std::string_view(full).substr(0, cut));
    std::vector<std::string_view> args;
    ASSERT_EQ(p.Next(&args), AofParse::kCommand);
    EXPECT_EQ(p.Next(&args), AofParse::kTruncated) << "cut at " << cut;
    EXPECT_EQ(p.command_offset(), first.size());
  }
}

TEST(AofFormatTest, GarbageIsBadFormat) {
  const std::string good = Encode({"SET", "a", "1"});
  const std::vector<std::string> bad = {
      good + "hello\r\n",                     // not an array
      good + "*x\r\n",                        // count is no number
      good + "*1\r\n#3\r\nSET\r\n",           // not a bulk
      good + "*1\r\n$3\r\nSETXX",             // no CRLF after the payload
      good + "*0\r\n",                        // no arguments
      good + "*1\r\n$-5\r\n",                 // negative length
      good + "*1\r\n$abc",                    // length with letters
  };
  for (const std::string& data : bad) {
    AofParser p(data);
    std::vector<std::string_view> args;
    ASSERT_EQ(p.Next(&args), AofParse::kCommand);
    EXPECT_EQ(p.Next(&args), AofParse::kBadFormat) << data;
    EXPECT_GE(p.error_offset(), good.size());
  }
}

TEST(AofFormatTest, FindsTheEndOfAnRdbPreamble) {
  // A minimal RDB: header, EOF opcode, CRC-64 of what precedes it (LE).
  std::string rdb = "REDIS0009\xff";
  const uint64_t crc = base::Crc64(0, rdb);
  for (int i = 0; i < 8; ++i) rdb += static_cast<char>(crc >> (8 * i));
  const std::string tail = Encode({"SET", "k", "v"});
  EXPECT_EQ(FindRdbPreambleEnd(rdb), rdb.size());
  EXPECT_EQ(FindRdbPreambleEnd(rdb + tail), rdb.size());
  // A 0xFF byte inside the data with no matching checksum is skipped.
  std::string inner = "REDIS0009\xff\x01\x02garbage\xff";
  const uint64_t crc2 = base::Crc64(0, inner);
  for (int i = 0; i < 8; ++i) inner += static_cast<char>(crc2 >> (8 * i));
  EXPECT_EQ(FindRdbPreambleEnd(inner + tail), inner.size());
  EXPECT_EQ(FindRdbPreambleEnd("REDIS0009\xff\x01\x02"), std::string_view::npos);
  std::string unchecked = std::string("REDIS0009\xff") + std::string(8, '\0');
  EXPECT_EQ(FindRdbPreambleEnd(unchecked + tail), unchecked.size());
}

TEST(AofFormatTest, HugeCountsOnShortDataAreTornNotAllocated) {
  AofParser p("*2000000000\r\n$5\r\nab");
  std::vector<std::string_view> args;
  EXPECT_EQ(p.Next(&args), AofParse::kTruncated);
  AofParser q("*1\r\n$999999999999\r\nab");
  EXPECT_EQ(q.Next(&args), AofParse::kTruncated);
}

TEST(AofFormatTest, CountsProtocolLinesAsRedisCheckAofDoes) {
  const std::string set = Encode({"SET", "key", "a\r\nb"});
  const std::string data = set + "#TS:1\r\n" + set.substr(0, set.size() - 4);
  AofParser p(data);
  std::vector<std::string_view> args;
  ASSERT_EQ(p.Next(&args), AofParse::kCommand);
  EXPECT_EQ(p.lines(), 7u);  // count, then length and payload per argument
  // Annotations are no lines; a torn command's whole lines are.
  ASSERT_EQ(p.Next(&args), AofParse::kTruncated);
  EXPECT_EQ(p.lines(), 13u);
}

TEST(AofFormatTest, ReportsAnnotationsWhenAsked) {
  const std::string data = "#TS:5\r\n" + Encode({"PING"}) + "#x\n#last";
  AofParser p(data);
  p.set_report_annotations(true);
  std::vector<std::string_view> args;
  ASSERT_EQ(p.Next(&args), AofParse::kAnnotation);
  EXPECT_EQ(args, (std::vector<std::string_view>{"#TS:5\r\n"}));
  EXPECT_EQ(p.command_offset(), 0u);
  ASSERT_EQ(p.Next(&args), AofParse::kCommand);
  ASSERT_EQ(p.Next(&args), AofParse::kAnnotation);
  EXPECT_EQ(args, (std::vector<std::string_view>{"#x\n"}));
  // A last annotation without its line end is torn, as before.
  EXPECT_EQ(p.Next(&args), AofParse::kTruncated);
  EXPECT_EQ(p.command_offset(), data.size() - 5);
}

}  // namespace
}  // namespace osprey::persistence
