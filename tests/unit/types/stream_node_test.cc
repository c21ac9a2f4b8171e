#include "types/stream_node.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace osprey::types {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Text(const ListpackValue& v) {
  char buf[kListpackIntBufSize];
  return std::string(v.ToString(buf));
}

std::vector<std::string> Fields(const StreamEntry& e) {
  std::vector<std::string> out;
  for (const ListpackValue& v : e.field_values) out.push_back(Text(v));
  return out;
}

void Add(Listpack* node, StreamID master, StreamID id, std::vector<std::string_view> fv) {
  AppendStreamNodeEntry(node, master, id, fv);
}

// Node bytes below are what redis-server 7.0 stores (DUMP with
// rdbcompression off) after the same commands.

// XADD s 1-1 a 1 b hello; XADD s 1-2 a 2 b x; XADD s 2-0 c -3; XDEL s 1-2
TEST(StreamNodeTest, BytesEqualRedisForSameAndOtherFieldsAndTombstone) {
  const StreamID master{1, 1};
  const std::string_view first[] = {"a", "1", "b", "hello"};
  Listpack node = NewStreamNode(first);
  Add(&node, master, {1, 2}, {"a", "2", "b", "x"});
  Add(&node, master, {2, 0}, {"c", "-3"});
  StreamNodeCursor cursor(node, master);
  StreamNodeItem item;
  ASSERT_TRUE(cursor.First(&item));
  ASSERT_TRUE(cursor.Next(&item));
  EXPECT_EQ(item.id, (StreamID{1, 2}));
  EXPECT_EQ(MarkStreamNodeEntryDeleted(&node, item), 2);
  EXPECT_EQ(Hex(node.bytes()),
            "440000001900020101010201816102816202000102010001000101018568656c6c6f0605010301"
            "000101010201817802050100010101dfff020101816302dffd020601ff");
}

// XADD t 5-10 f v; XADD t 6-0 f w; XADD t 18446744073709551615-0 x 123456789012:
// ID differences wrap (seq 0 - 10, ms 2^64-1 - 5) and are stored as int64.
TEST(StreamNodeTest, BytesEqualRedisForWrappingIdDifferences) {
  const StreamID master{5, 10};
  const std::string_view first[] = {"f", "v"};
  Listpack node = NewStreamNode(first);
  Add(&node, master, {6, 0}, {"f", "w"});
  Add(&node, master, {kMax, 0}, {"x", "123456789012"});
  EXPECT_EQ(Hex(node.bytes()),
            "4200000016000301000101018166020001020100010001817602040102010101dff6028177020401"
            "0001dffa02dff6020101817802f4141a99be1c000000090601ff");
  StreamNodeCursor cursor(node, master);
  StreamNodeItem item;
  std::vector<StreamID> ids;
  for (bool ok = cursor.First(&item); ok; ok = cursor.Next(&item)) ids.push_back(item.id);
  EXPECT_EQ(ids, (std::vector<StreamID>{{5, 10}, {6, 0}, {kMax, 0}}));
}

// XADD u 1-0 f 1 .. 3-0 f 3; XDEL u 3-0; XTRIM u MINID 3-0: a node holding
// only tombstones, live-count 0.
TEST(StreamNodeTest, BytesEqualRedisForAllTombstones) {
  const StreamID master{1, 0};
  const std::string_view first[] = {"f", "1"};
  Listpack node = NewStreamNode(first);
  Add(&node, master, {2, 0}, {"f", "2"});
  Add(&node, master, {3, 0}, {"f", "3"});
  StreamNodeCursor cursor(node, master);
  StreamNodeItem item;
  ASSERT_TRUE(cursor.Last(&item));
  EXPECT_EQ(MarkStreamNodeEntryDeleted(&node, item), 2);
  StreamNodeCursor again(node, master);
  ASSERT_TRUE(again.First(&item));
  FlagStreamNodeEntryDeleted(&node, item);
  ASSERT_TRUE(again.Next(&item));
  FlagStreamNodeEntryDeleted(&node, item);
  SetStreamNodeCounts(&node, 0, 3);
  EXPECT_EQ(Hex(node.bytes()),
            "3000000014000001030101018166020001030100010001010104010301010100010201040103010201"
            "000103010401ff");
}

TEST(StreamNodeTest, MasterEntryIsReadBack) {
  const std::string_view first[] = {"name", "x", "age", "7"};
  Listpack node = NewStreamNode(first);
  const StreamNodeMaster m = ReadStreamNodeMaster(node);
  EXPECT_EQ(m.live, 1);
  EXPECT_EQ(m.deleted, 0);
  EXPECT_EQ(m.num_fields, 2);
  EXPECT_EQ(Text(Listpack::Get(m.first_field)), "name");
  EXPECT_EQ(Text(Listpack::Get(Listpack::Next(m.first_field))), "age");
  ASSERT_NE(m.first_entry, nullptr);
  EXPECT_EQ(Listpack::Get(m.first_entry).i, kStreamItemSameFields);
}

TEST(StreamNodeTest, ReadsFieldsOfBothEntryForms) {
  const StreamID master{1, 0};
  const std::string_view first[] = {"a", "1", "b", "2"};
  Listpack node = NewStreamNode(first);
  Add(&node, master, {1, 1}, {"a", "3", "b", "4"});            // same fields
  Add(&node, master, {1, 2}, {"b", "5", "a", "6"});            // other order
  Add(&node, master, {1, 3}, {"a", "7"});                      // fewer fields
  Add(&node, master, {1, 4}, {"a", "8", "b", "9", "c", ""});  // more fields
  StreamNodeCursor cursor(node, master);
  StreamNodeItem item;
  StreamEntry e;
  std::vector<std::vector<std::string>> seen;
  std::vector<bool> same;
  for (bool ok = cursor.First(&item); ok; ok = cursor.Next(&item)) {
    cursor.Read(item, &e);
    EXPECT_EQ(e.id, item.id);
    seen.push_back(Fields(e));
    same.push_back(item.same_fields());
  }
  EXPECT_EQ(seen, (std::vector<std::vector<std::string>>{{"a", "1", "b", "2"},
                                                         {"a", "3", "b", "4"},
                                                         {"b", "5", "a", "6"},
                                                         {"a", "7"},
                                                         {"a", "8", "b", "9", "c", ""}}));
  EXPECT_EQ(same, (std::vector<bool>{true, true, false, false, false}));
  EXPECT_TRUE(Listpack::Validate(node.bytes()));
}

TEST(StreamNodeTest, WalksBackwardsThroughBothEntryForms) {
  const StreamID master{7, 3};
  const std::string_view first[] = {"f", "v"};
  Listpack node = NewStreamNode(first);
  Add(&node, master, {7, 4}, {"g", "w", "h", "x"});
  Add(&node, master, {9, 0}, {"f", "y"});
  StreamNodeCursor cursor(node, master);
  StreamNodeItem item;
  std::vector<StreamID> ids;
  for (bool ok = cursor.Last(&item); ok; ok = cursor.Prev(&item)) ids.push_back(item.id);
  EXPECT_EQ(ids, (std::vector<StreamID>{{9, 0}, {7, 4}, {7, 3}}));
}

TEST(StreamNodeTest, MarkDeletedMovesOneCountAndKeepsEntriesReadable) {
  const StreamID master{1, 0};
  const std::string_view first[] = {"f", "v"};
  Listpack node = NewStreamNode(first);
  // Past 127 live entries the count needs a wider encoding, and shrinks
  // back when the count drops: positions move, the walk must not care.
  for (uint64_t i = 1; i < 130; ++i) Add(&node, master, {1, i}, {"f", "v"});
  StreamNodeCursor cursor(node, master);
  StreamNodeItem item;
  ASSERT_TRUE(cursor.First(&item));
  EXPECT_EQ(cursor.master().live, 130);
  EXPECT_EQ(MarkStreamNodeEntryDeleted(&node, item), 129);
  for (int i = 0; i < 3; ++i) {
    StreamNodeCursor c(node, master);
    ASSERT_TRUE(c.First(&item));
    while (item.deleted()) ASSERT_TRUE(c.Next(&item));
    MarkStreamNodeEntryDeleted(&node, item);
  }
  const StreamNodeMaster m = ReadStreamNodeMaster(node);
  EXPECT_EQ(m.live, 126);
  EXPECT_EQ(m.deleted, 4);
  StreamNodeCursor after(node, master);
  int live = 0, dead = 0;
  for (bool ok = after.First(&item); ok; ok = after.Next(&item)) (item.deleted() ? dead : live)++;
  EXPECT_EQ(live, 126);
  EXPECT_EQ(dead, 4);
  EXPECT_TRUE(Listpack::Validate(node.bytes()));
}

TEST(StreamNodeTest, FullByEntriesCountsTombstones) {
  const StreamID master{1, 0};
  const std::string_view first[] = {"f", "v"};
  Listpack node = NewStreamNode(first);
  Add(&node, master, {2, 0}, {"f", "v"});
  const StreamLimits limits{4096, 3};
  EXPECT_FALSE(StreamNodeIsFull(node, 2, limits));
  StreamNodeCursor cursor(node, master);
  StreamNodeItem item;
  ASSERT_TRUE(cursor.First(&item));
  MarkStreamNodeEntryDeleted(&node, item);
  Add(&node, master, {3, 0}, {"f", "v"});
  // One live and one deleted plus one more: three entries.
  EXPECT_TRUE(StreamNodeIsFull(node, 2, limits));
  EXPECT_FALSE(StreamNodeIsFull(node, 2, StreamLimits{4096, 0}));
}

TEST(StreamNodeTest, FullByBytesComparesBytesPlusEntryStrings) {
  const std::string_view first[] = {"f", "v"};
  Listpack node = NewStreamNode(first);
  const size_t total = node.TotalBytes();
  // Full when total + strings reach the limit (>=), as Redis decides.
  EXPECT_TRUE(StreamNodeIsFull(node, 10, StreamLimits{total + 10, 0}));
  EXPECT_FALSE(StreamNodeIsFull(node, 9, StreamLimits{total + 10, 0}));
  // 0 and anything over 1 GB mean 1 GB.
  EXPECT_FALSE(StreamNodeIsFull(node, 1000, StreamLimits{0, 0}));
  EXPECT_TRUE(StreamNodeIsFull(node, kStreamNodeMaxSize, StreamLimits{0, 0}));
  EXPECT_TRUE(StreamNodeIsFull(node, kStreamNodeMaxSize, StreamLimits{size_t{1} << 40, 0}));
}

TEST(StreamNodeTest, IntegerLookingStringsAreStoredAsIntegers) {
  const std::string_view first[] = {"10", "-5", "007", "1e3"};
  Listpack node = NewStreamNode(first);
  const StreamNodeMaster m = ReadStreamNodeMaster(node);
  EXPECT_TRUE(Listpack::Get(m.first_field).is_int);
  EXPECT_FALSE(Listpack::Get(Listpack::Next(m.first_field)).is_int);
  StreamNodeCursor cursor(node, {1, 0});
  StreamNodeItem item;
  StreamEntry e;
  ASSERT_TRUE(cursor.First(&item));
  cursor.Read(item, &e);
  EXPECT_EQ(Fields(e), (std::vector<std::string>{"10", "-5", "007", "1e3"}));
}

}  // namespace
}  // namespace osprey::types
