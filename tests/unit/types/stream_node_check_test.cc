// The deep checks of stream data from outside: nodes redis-server wrote
// (tests/data/rdb/dumps.txt) pass, and every way of breaking a node, the
// nodes around it or the consumer groups is refused with a reason.

#include "types/stream_node_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "persistence/rdb_io.h"
#include "persistence/rdb_test_util.h"
#include "types/listpack.h"

namespace osprey::types {
namespace {

using osprey::testing::RedisDumps;

// A node as its elements, integers in decimal (the listpack stores the
// canonical ones as integers), so tests can break any one of them.
using Elements = std::vector<std::string>;

struct TestEntry {
  StreamID id;
  Elements fields_values;  // field, value, ...
  bool deleted = false;
};

// The elements Redis lays out for `entries` under `master`, the master
// fields taken from the first entry.
Elements NodeElements(StreamID master, const std::vector<TestEntry>& entries) {
  Elements master_fields;
  for (size_t i = 0; i < entries[0].fields_values.size(); i += 2) {
    master_fields.push_back(entries[0].fields_values[i]);
  }
  int64_t live = 0;
  int64_t deleted = 0;
  for (const TestEntry& e : entries) (e.deleted ? deleted : live)++;
  Elements out = {std::to_string(live), std::to_string(deleted),
                  std::to_string(master_fields.size())};
  out.insert(out.end(), master_fields.begin(), master_fields.end());
  out.push_back("0");
  for (const TestEntry& e : entries) {
    Elements fields;
    for (size_t i = 0; i < e.fields_values.size(); i += 2) fields.push_back(e.fields_values[i]);
    const bool same = fields == master_fields;
    out.push_back(std::to_string((e.deleted ? 1 : 0) | (same ? 2 : 0)));
    out.push_back(std::to_string(static_cast<int64_t>(e.id.ms - master.ms)));
    out.push_back(std::to_string(static_cast<int64_t>(e.id.seq - master.seq)));
    if (!same) out.push_back(std::to_string(fields.size()));
    for (size_t i = 0; i < e.fields_values.size(); i += 2) {
      if (!same) out.push_back(e.fields_values[i]);
      out.push_back(e.fields_values[i + 1]);
    }
    const size_t n = fields.size();
    out.push_back(std::to_string(same ? n + 3 : 2 * n + 4));
  }
  return out;
}

std::string Encode(const Elements& elements) {
  Listpack lp;
  for (const std::string& e : elements) lp.Append(e);
  return std::string(lp.bytes());
}

const StreamID kMaster{100, 5};

std::vector<TestEntry> ThreeEntries() {
  return {{{100, 5}, {"a", "1", "b", "x"}},
          {{100, 9}, {"a", "2", "b", "y"}, true},
          {{101, 0}, {"c", "long value"}}};
}

std::string Check(StreamID master, const std::string& node, StreamNodeSummary* s = nullptr) {
  StreamNodeSummary local;
  std::string why;
  return CheckStreamNode(master, node, s ? s : &local, &why) ? "ok" : why;
}

// ------------------------------------------------------------------ one node

TEST(StreamNodeCheckTest, AcceptsAWellFormedNodeAndCountsIt) {
  StreamNodeSummary s;
  EXPECT_EQ(Check(kMaster, Encode(NodeElements(kMaster, ThreeEntries())), &s), "ok");
  EXPECT_EQ(s.live, 2u);
  EXPECT_EQ(s.deleted, 1u);
  EXPECT_EQ(s.first_live, (StreamID{100, 5}));
  EXPECT_EQ(s.last_live, (StreamID{101, 0}));
}

TEST(StreamNodeCheckTest, AcceptsDeltasThatWrapAround) {
  // The seq delta of 101-0 under master 100-5 is negative; an ms delta past
  // INT64_MAX is stored negative too.
  const StreamID master{1, 7};
  const std::vector<TestEntry> entries = {{{1, 7}, {"f", "v"}},
                                          {{2, 0}, {"f", "v"}},
                                          {{UINT64_MAX, 3}, {"f", "v"}}};
  StreamNodeSummary s;
  EXPECT_EQ(Check(master, Encode(NodeElements(master, entries)), &s), "ok");
  EXPECT_EQ(s.last_live, (StreamID{UINT64_MAX, 3}));
}

TEST(StreamNodeCheckTest, RefusesWhatIsNoListpackOrIsEmpty) {
  EXPECT_NE(Check(kMaster, "garbage"), "ok");
  EXPECT_NE(Check(kMaster, ""), "ok");
  const std::string empty = Encode({});
  EXPECT_NE(Check(kMaster, empty).find("empty node"), std::string::npos);
  std::string cut = Encode(NodeElements(kMaster, ThreeEntries()));
  cut[0] = static_cast<char>(cut[0] - 1);  // header total one byte short
  EXPECT_NE(Check(kMaster, cut), "ok");
}

TEST(StreamNodeCheckTest, ReasonsStartAsRedisLogsThem) {
  Elements e = NodeElements(kMaster, ThreeEntries());
  e[0] = "x";
  EXPECT_EQ(Check(kMaster, Encode(e)).rfind("Stream listpack integrity check failed: ", 0), 0u);
}

// Each control element replaced by something wrong must fail the check.
TEST(StreamNodeCheckTest, RefusesABrokenMasterEntry) {
  const Elements good = NodeElements(kMaster, ThreeEntries());
  // 2 live, 1 deleted, 2 fields "a" "b", terminator 0.
  for (const auto& [index, value] : std::vector<std::pair<size_t, std::string>>{
           {0, "x"}, {0, "-1"}, {0, "0"}, {0, "3"}, {1, "-1"}, {1, "0"}, {1, "2"},
           {2, "0"}, {2, "-2"}, {2, "3"}, {2, "1"}, {2, "x"}, {5, "1"}, {5, "z"}}) {
    Elements e = good;
    e[index] = value;
    EXPECT_NE(Check(kMaster, Encode(e)), "ok") << index << " = " << value;
  }
}

TEST(StreamNodeCheckTest, RefusesBrokenEntries) {
  const Elements good = NodeElements(kMaster, ThreeEntries());
  // First entry: flags 2 at 6, deltas 7 and 8, values 9 10, lp-count 11.
  for (const auto& [index, value] : std::vector<std::pair<size_t, std::string>>{
           {6, "x"}, {6, "4"}, {6, "-1"}, {6, "0"}, {7, "x"}, {7, "2"}, {8, "y"},
           {11, "4"}, {11, "6"}, {11, "x"}}) {
    Elements e = good;
    e[index] = value;
    EXPECT_NE(Check(kMaster, Encode(e)), "ok") << index << " = " << value;
  }
  // The third entry has its own fields: flags 0, deltas, count 1, "c", value, lp-count 6.
  const size_t third = 18;
  ASSERT_EQ(good[third], "0");
  ASSERT_EQ(good[third + 3], "1");
  ASSERT_EQ(good[third + 6], "6");
  for (const auto& [offset, value] : std::vector<std::pair<size_t, std::string>>{
           {3, "0"}, {3, "-1"}, {3, "2"}, {3, "x"}, {6, "5"}, {6, "7"}, {0, "2"}}) {
    Elements e = good;
    e[third + offset] = value;
    EXPECT_NE(Check(kMaster, Encode(e)), "ok") << offset << " = " << value;
  }
}

TEST(StreamNodeCheckTest, RefusesMissingAndExtraElements) {
  const Elements good = NodeElements(kMaster, ThreeEntries());
  for (size_t cut = 1; cut < good.size(); ++cut) {
    const Elements e(good.begin(), good.begin() + static_cast<long>(cut));
    EXPECT_NE(Check(kMaster, Encode(e)), "ok") << cut;
  }
  Elements extra = good;
  extra.push_back("0");
  EXPECT_NE(Check(kMaster, Encode(extra)).find("after the last entry"), std::string::npos);
}

TEST(StreamNodeCheckTest, RefusesControlElementsStoredAsStrings) {
  // "7" stored as a 1-character string, not as an integer: no writer does
  // that, and readers take control elements as integers.
  Elements e = NodeElements(kMaster, ThreeEntries());
  Listpack lp;
  for (size_t i = 0; i < e.size(); ++i) {
    if (i == 11) {
      lp.Append("#");  // a 1-character string, patched below
    } else {
      lp.Append(e[i]);
    }
  }
  std::string bytes(lp.bytes());
  const size_t at = bytes.find("\x81#");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = '5';  // the lp-count 5 as the string "5"
  EXPECT_NE(Check(kMaster, bytes), "ok");
  e[11] = "5";
  EXPECT_EQ(Check(kMaster, Encode(e)), "ok");
}

TEST(StreamNodeCheckTest, AcceptsNodesOfDeletedEntriesOnlyButNotNodesWithoutEntries) {
  // Redis leaves such a node after XDEL of its last entry and a MINID trim
  // of the others.
  std::vector<TestEntry> entries = ThreeEntries();
  for (TestEntry& t : entries) t.deleted = true;
  StreamNodeSummary s;
  EXPECT_EQ(Check(kMaster, Encode(NodeElements(kMaster, entries)), &s), "ok");
  EXPECT_EQ(s.live, 0u);
  EXPECT_EQ(s.deleted, 3u);
  EXPECT_NE(Check(kMaster, Encode({"0", "0", "1", "f", "0"})).find("without entries"),
            std::string::npos);
}

TEST(StreamNodeCheckTest, RefusesCountsThatDisagreeWithTheFlags) {
  Elements e = NodeElements(kMaster, ThreeEntries());
  e[0] = "1";
  e[1] = "2";  // same total, one fewer live than flagged
  EXPECT_NE(Check(kMaster, Encode(e)).find("counts differ"), std::string::npos);
}

TEST(StreamNodeCheckTest, RefusesLiveEntriesOutOfOrder) {
  std::vector<TestEntry> unordered = ThreeEntries();
  unordered[1].deleted = false;
  unordered[1].id = {100, 5};  // equal to the one before
  EXPECT_NE(Check(kMaster, Encode(NodeElements(kMaster, unordered))).find("out of order"),
            std::string::npos);
  unordered[1].id = {200, 0};  // above the one after
  EXPECT_NE(Check(kMaster, Encode(NodeElements(kMaster, unordered))), "ok");
  unordered[1].id = {100, 4};  // below the one before
  EXPECT_NE(Check(kMaster, Encode(NodeElements(kMaster, unordered))), "ok");
}

TEST(StreamNodeCheckTest, AcceptsEntriesBelowTheMasterId) {
  // What Redis 7.0 writes after a MINID trim left a node of deleted entries
  // (5-5 6-6 7-7), an XSETID 1-1 of the then empty stream, and XADD 2-0.
  const StreamID master{5, 5};
  const std::vector<TestEntry> entries = {{{5, 5}, {"a", "1"}, true},
                                          {{6, 6}, {"a", "2"}, true},
                                          {{7, 7}, {"a", "3"}, true},
                                          {{2, 0}, {"b", "4"}}};
  StreamNodeSummary s;
  EXPECT_EQ(Check(master, Encode(NodeElements(master, entries)), &s), "ok");
  EXPECT_EQ(s.live, 1u);
  EXPECT_EQ(s.first_live, (StreamID{2, 0}));
}

TEST(StreamNodeCheckTest, AcceptsDeletedEntriesOutOfOrder) {
  // What Redis 7.0 writes after XADD 1-1, XADD 5-5, XDEL 5-5, XSETID 3-3,
  // XADD 4-0: the deleted 5-5 sits before the live 4-0.
  const StreamID master{1, 1};
  const std::vector<TestEntry> entries = {
      {{1, 1}, {"a", "1"}}, {{5, 5}, {"a", "2"}, true}, {{4, 0}, {"b", "3"}}};
  StreamNodeSummary s;
  EXPECT_EQ(Check(master, Encode(NodeElements(master, entries)), &s), "ok");
  EXPECT_EQ(s.last_live, (StreamID{4, 0}));
}

// ------------------------------------------------------------------ Redis's nodes

// The nodes of a DUMP payload of a stream (type 19): key and bytes.
std::vector<std::pair<std::string, std::string>> NodesOf(const std::string& payload) {
  const std::string value = payload.substr(1);
  persistence::RdbReader r(value);
  uint64_t n = 0;
  EXPECT_TRUE(r.Len(&n));
  std::vector<std::pair<std::string, std::string>> out;
  for (uint64_t i = 0; i < n; ++i) {
    std::string scratch;
    std::string_view key;
    std::string_view node;
    EXPECT_TRUE(r.String(&key, &scratch));
    std::string k(key);
    EXPECT_TRUE(r.String(&node, &scratch));
    out.emplace_back(k, std::string(node));
  }
  return out;
}

TEST(StreamNodeCheckTest, AcceptsEveryNodeRedisWrote) {
  int streams = 0;
  for (const auto& [name, payload] : RedisDumps()) {
    if (name.rfind("stream_", 0) != 0) continue;
    ++streams;
    StreamNodesCheck check;
    for (const auto& [key, node] : NodesOf(payload)) {
      StreamID master;
      EXPECT_TRUE(check.AddNode(key, node, &master)) << name << ": " << check.error();
    }
  }
  EXPECT_GE(streams, 11);
}

TEST(StreamNodeCheckTest, EveryByteFlipOfARedisNodeIsRefusedOrStillConsistent) {
  // A flipped byte either breaks the node (refused) or yields another node
  // that passes every check; either way the check reads only inside it.
  const auto nodes = NodesOf(RedisDumps().at("stream_groups"));
  ASSERT_FALSE(nodes.empty());
  const std::string& key = nodes[0].first;
  const std::string& node = nodes[0].second;
  const StreamID master = StreamID::DecodeBigEndian(reinterpret_cast<const uint8_t*>(key.data()));
  int refused = 0;
  for (size_t i = 0; i < node.size(); ++i) {
    std::string bad = node;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    refused += Check(master, bad) != "ok";
  }
  EXPECT_GT(refused, static_cast<int>(node.size() / 2));
}

// ------------------------------------------------------------------ around the nodes

std::string Key(StreamID id) {
  uint8_t buf[16];
  id.EncodeBigEndian(buf);
  return std::string(reinterpret_cast<char*>(buf), 16);
}

std::string OneEntryNode(StreamID id) { return Encode(NodeElements(id, {{id, {"f", "v"}}})); }

TEST(StreamNodesCheckTest, TracksLiveEntriesAcrossNodes) {
  StreamNodesCheck c;
  StreamID master;
  ASSERT_TRUE(c.AddNode(Key(kMaster), Encode(NodeElements(kMaster, ThreeEntries())), &master));
  EXPECT_EQ(master, kMaster);
  ASSERT_TRUE(c.AddNode(Key({200, 0}), OneEntryNode({200, 0}), &master));
  EXPECT_EQ(c.live(), 3u);
  EXPECT_EQ(c.first_live(), kMaster);
  const StreamID first = kMaster;
  const uint64_t added = 3;
  EXPECT_TRUE(c.CheckMetadata(3, {200, 0}, &first, &added)) << c.error();
  EXPECT_TRUE(c.CheckMetadata(3, {300, 0}, nullptr, nullptr)) << c.error();
}

TEST(StreamNodesCheckTest, RefusesBadKeysAndNodeOrder) {
  StreamID master;
  StreamNodesCheck short_key;
  EXPECT_FALSE(short_key.AddNode("short", OneEntryNode({1, 0}), &master));
  EXPECT_NE(short_key.error().find("16-byte"), std::string::npos);

  StreamNodesCheck dup;
  ASSERT_TRUE(dup.AddNode(Key({5, 0}), OneEntryNode({5, 0}), &master));
  EXPECT_FALSE(dup.AddNode(Key({5, 0}), OneEntryNode({5, 0}), &master));
  EXPECT_NE(dup.error().find("out of order"), std::string::npos);

  StreamNodesCheck backwards;
  ASSERT_TRUE(backwards.AddNode(Key({5, 0}), OneEntryNode({5, 0}), &master));
  EXPECT_FALSE(backwards.AddNode(Key({4, 0}), OneEntryNode({4, 0}), &master));

  // The second node's master is above the first's, but the first node
  // holds a live entry beyond it.
  StreamNodesCheck overlap;
  const std::vector<TestEntry> wide = {{{5, 0}, {"f", "v"}}, {{9, 0}, {"f", "v"}}};
  ASSERT_TRUE(overlap.AddNode(Key({5, 0}), Encode(NodeElements({5, 0}, wide)), &master));
  EXPECT_FALSE(overlap.AddNode(Key({7, 0}), OneEntryNode({7, 0}), &master));
  EXPECT_NE(overlap.error().find("overlap"), std::string::npos);
}

TEST(StreamNodesCheckTest, RefusesInconsistentMetadata) {
  StreamNodesCheck c;
  StreamID master;
  ASSERT_TRUE(c.AddNode(Key({5, 0}), OneEntryNode({5, 0}), &master));
  ASSERT_TRUE(c.AddNode(Key({8, 0}), OneEntryNode({8, 0}), &master));
  const StreamID first{5, 0};
  const StreamID other{6, 0};
  const uint64_t added = 2;
  const uint64_t too_few = 1;
  EXPECT_FALSE(c.CheckMetadata(3, {9, 0}, &first, &added));  // length
  EXPECT_NE(c.error().find("length"), std::string::npos);
  EXPECT_FALSE(c.CheckMetadata(2, {7, 0}, &first, &added));  // last ID below an entry
  EXPECT_NE(c.error().find("last ID"), std::string::npos);
  EXPECT_FALSE(c.CheckMetadata(2, {9, 0}, &other, &added));  // first ID
  EXPECT_NE(c.error().find("first ID"), std::string::npos);
  EXPECT_FALSE(c.CheckMetadata(2, {9, 0}, &first, &too_few));
  EXPECT_NE(c.error().find("entries-added"), std::string::npos);
  EXPECT_TRUE(c.CheckMetadata(2, {8, 0}, &first, &added)) << c.error();
}

TEST(StreamNodesCheckTest, AnEmptyStreamTakesEitherFirstIdRedisKeeps) {
  StreamNodesCheck c;
  const StreamID zero = StreamID::Min();
  const StreamID max = StreamID::Max();
  const StreamID other{1, 0};
  const uint64_t added = 7;
  EXPECT_TRUE(c.CheckMetadata(0, {5, 0}, &zero, &added));
  EXPECT_TRUE(c.CheckMetadata(0, {5, 0}, &max, &added));
  EXPECT_FALSE(c.CheckMetadata(0, {5, 0}, &other, &added));
  EXPECT_FALSE(c.CheckMetadata(1, {5, 0}, &zero, &added));
}

// ------------------------------------------------------------------ groups

TEST(StreamGroupsCheckTest, AcceptsGroupsWhoseEntriesEachHaveOneOwner) {
  StreamGroupsCheck c;
  ASSERT_TRUE(c.AddGroup("g1"));
  ASSERT_TRUE(c.AddGroupPending({1, 0}));
  ASSERT_TRUE(c.AddGroupPending({2, 0}));
  ASSERT_TRUE(c.AddConsumer("alice"));
  ASSERT_TRUE(c.AddConsumerPending({2, 0}));
  ASSERT_TRUE(c.AddConsumer("bob"));
  ASSERT_TRUE(c.AddConsumerPending({1, 0}));
  ASSERT_TRUE(c.AddConsumer("carol"));  // no pending entries
  EXPECT_TRUE(c.EndGroup()) << c.error();
  // Another group may reuse consumer names and IDs.
  ASSERT_TRUE(c.AddGroup("g2"));
  ASSERT_TRUE(c.AddGroupPending({1, 0}));
  ASSERT_TRUE(c.AddConsumer("alice"));
  ASSERT_TRUE(c.AddConsumerPending({1, 0}));
  EXPECT_TRUE(c.EndGroup()) << c.error();
}

TEST(StreamGroupsCheckTest, RefusesEveryInconsistency) {
  {
    StreamGroupsCheck c;
    ASSERT_TRUE(c.AddGroup("g"));
    ASSERT_TRUE(c.EndGroup());
    EXPECT_FALSE(c.AddGroup("g"));
    EXPECT_NE(c.error().find("duplicate consumer group name 'g'"), std::string::npos);
  }
  {
    StreamGroupsCheck c;
    ASSERT_TRUE(c.AddGroup("g"));
    ASSERT_TRUE(c.AddGroupPending({1, 0}));
    EXPECT_FALSE(c.AddGroupPending({1, 0}));
  }
  {
    StreamGroupsCheck c;
    ASSERT_TRUE(c.AddGroup("g"));
    ASSERT_TRUE(c.AddConsumer("alice"));
    EXPECT_FALSE(c.AddConsumer("alice"));
    EXPECT_EQ(c.error(), "Duplicate stream consumer detected");  // Redis's tests grep for it
  }
  {
    StreamGroupsCheck c;
    ASSERT_TRUE(c.AddGroup("g"));
    ASSERT_TRUE(c.AddGroupPending({1, 0}));
    ASSERT_TRUE(c.AddConsumer("alice"));
    EXPECT_FALSE(c.AddConsumerPending({2, 0}));  // not in the group's PEL
  }
  {
    StreamGroupsCheck c;
    ASSERT_TRUE(c.AddGroup("g"));
    ASSERT_TRUE(c.AddGroupPending({1, 0}));
    ASSERT_TRUE(c.AddConsumer("alice"));
    ASSERT_TRUE(c.AddConsumerPending({1, 0}));
    EXPECT_FALSE(c.AddConsumerPending({1, 0}));  // twice by the same consumer
    ASSERT_TRUE(c.AddConsumer("bob"));
    EXPECT_FALSE(c.AddConsumerPending({1, 0}));  // by a second consumer
  }
  {
    StreamGroupsCheck c;
    ASSERT_TRUE(c.AddGroup("g"));
    ASSERT_TRUE(c.AddGroupPending({1, 0}));
    ASSERT_TRUE(c.AddGroupPending({2, 0}));
    ASSERT_TRUE(c.AddConsumer("alice"));
    ASSERT_TRUE(c.AddConsumerPending({1, 0}));
    EXPECT_FALSE(c.EndGroup());  // 2-0 has no owner
    EXPECT_NE(c.error().find("without a consumer"), std::string::npos);
  }
}

}  // namespace
}  // namespace osprey::types
