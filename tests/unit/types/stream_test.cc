#include "types/stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "types/stream_node.h"

namespace osprey::types {
namespace {

std::string Text(const ListpackValue& v) {
  char buf[kListpackIntBufSize];
  return std::string(v.ToString(buf));
}

void Add(StreamValue* s, StreamID id, std::vector<std::string_view> fv,
         const StreamLimits& limits = StreamLimits{}) {
  s->Append(id, fv, limits);
}

// Entries 1-0 .. n-0, each {"f", "<ms>"}.
void Fill(StreamValue* s, uint64_t n, const StreamLimits& limits) {
  for (uint64_t i = 1; i <= n; ++i) {
    const std::string v = std::to_string(i);
    s->Append({i, 0}, std::vector<std::string_view>{"f", v}, limits);
  }
}

std::vector<StreamID> Ids(const StreamValue& s, StreamID start = StreamID::Min(),
                          StreamID end = StreamID::Max(), bool reverse = false) {
  std::vector<StreamID> out;
  s.Range(start, end, reverse, [&](const StreamEntry& e) {
    out.push_back(e.id);
    return true;
  });
  return out;
}

std::vector<StreamID> Seq(uint64_t from, uint64_t to) {
  std::vector<StreamID> out;
  for (uint64_t i = from; i <= to; ++i) out.push_back({i, 0});
  return out;
}

std::vector<uint64_t> NodeEntries(const StreamValue& s) {
  std::vector<uint64_t> out;
  s.ForEachNode([&](StreamID, std::string_view bytes) {
    Listpack lp = Listpack::FromValidated(bytes);
    const StreamNodeMaster m = ReadStreamNodeMaster(lp);
    out.push_back(static_cast<uint64_t>(m.live + m.deleted));
  });
  return out;
}

TEST(StreamTest, NewStreamIsEmpty) {
  StreamValue s;
  EXPECT_EQ(s.type(), ValueType::kStream);
  EXPECT_EQ(s.EncodingName(), "stream");
  EXPECT_EQ(s.Length(), 0u);
  EXPECT_EQ(s.NodeCount(), 0u);
  EXPECT_EQ(s.last_id(), StreamID::Min());
  StreamEntry e;
  EXPECT_FALSE(s.First(&e));
  EXPECT_FALSE(s.Last(&e));
  EXPECT_TRUE(Ids(s).empty());
}

TEST(StreamTest, AppendUpdatesMetadataAndReadsBack) {
  StreamValue s;
  Add(&s, {5, 1}, {"name", "ann", "age", "30"});
  Add(&s, {5, 2}, {"name", "bob"});
  EXPECT_EQ(s.Length(), 2u);
  EXPECT_EQ(s.entries_added(), 2u);
  EXPECT_EQ(s.last_id(), (StreamID{5, 2}));
  EXPECT_EQ(s.first_id(), (StreamID{5, 1}));
  StreamEntry e;
  ASSERT_TRUE(s.Find({5, 1}, &e));
  ASSERT_EQ(e.field_values.size(), 4u);
  EXPECT_EQ(Text(e.field_values[0]), "name");
  EXPECT_EQ(Text(e.field_values[1]), "ann");
  EXPECT_EQ(Text(e.field_values[3]), "30");
  ASSERT_TRUE(s.Last(&e));
  EXPECT_EQ(e.id, (StreamID{5, 2}));
  EXPECT_EQ(Text(e.field_values[1]), "bob");
  EXPECT_FALSE(s.Find({5, 3}, &e));
}

TEST(StreamTest, NewNodeWhenEntriesLimitReached) {
  StreamValue s;
  Fill(&s, 25, StreamLimits{4096, 10});
  EXPECT_EQ(NodeEntries(s), (std::vector<uint64_t>{10, 10, 5}));
  EXPECT_EQ(Ids(s), Seq(1, 25));
}

TEST(StreamTest, NewNodeWhenBytesLimitReached) {
  StreamValue s;
  const std::string big(100, 'x');
  for (uint64_t i = 1; i <= 10; ++i) Add(&s, {i, 0}, {"f", big}, StreamLimits{350, 0});
  // Each entry of 101 string bytes: a node takes entries while its bytes
  // plus the next entry's strings stay under 350.
  EXPECT_EQ(NodeEntries(s), (std::vector<uint64_t>{3, 3, 3, 1}));
  EXPECT_EQ(Ids(s), Seq(1, 10));
}

TEST(StreamTest, ZeroEntriesLimitMeansNoLimit) {
  StreamValue s;
  Fill(&s, 300, StreamLimits{0, 0});
  EXPECT_EQ(s.NodeCount(), 1u);
}

TEST(StreamTest, RangeBothWaysAcrossNodes) {
  StreamValue s;
  Fill(&s, 30, StreamLimits{4096, 7});
  EXPECT_EQ(Ids(s, {4, 0}, {17, 0}), Seq(4, 17));
  std::vector<StreamID> rev = Seq(4, 17);
  std::reverse(rev.begin(), rev.end());
  EXPECT_EQ(Ids(s, {4, 0}, {17, 0}, true), rev);
  // Bounds between entries, and outside the stream.
  EXPECT_EQ(Ids(s, {3, 1}, {5, 0}), Seq(4, 5));
  EXPECT_EQ(Ids(s, {29, 5}, {100, 0}), Seq(30, 30));
  EXPECT_TRUE(Ids(s, {31, 0}, StreamID::Max()).empty());
  EXPECT_TRUE(Ids(s, StreamID::Min(), {0, 9}, true).empty());
  EXPECT_TRUE(Ids(s, {9, 0}, {8, 0}).empty());
  EXPECT_EQ(Ids(s, {8, 0}, {8, 0}, true), Seq(8, 8));
}

TEST(StreamTest, RangeStopsWhenCallbackSaysSo) {
  StreamValue s;
  Fill(&s, 20, StreamLimits{4096, 3});
  std::vector<StreamID> got;
  s.Range({5, 0}, StreamID::Max(), true, [&](const StreamEntry& e) {
    got.push_back(e.id);
    return got.size() < 2;
  });
  EXPECT_EQ(got, (std::vector<StreamID>{{20, 0}, {19, 0}}));
}

TEST(StreamTest, DeleteFlagsEntryAndUpdatesMetadata) {
  StreamValue s;
  Fill(&s, 5, StreamLimits{});
  EXPECT_TRUE(s.Delete({3, 0}));
  EXPECT_FALSE(s.Delete({3, 0}));
  EXPECT_FALSE(s.Delete({9, 0}));
  EXPECT_EQ(s.Length(), 4u);
  EXPECT_EQ(s.max_deleted_id(), (StreamID{3, 0}));
  EXPECT_EQ(s.first_id(), (StreamID{1, 0}));
  EXPECT_EQ(Ids(s), (std::vector<StreamID>{{1, 0}, {2, 0}, {4, 0}, {5, 0}}));
  // Deleting the first entry moves first_id to the next live one.
  EXPECT_TRUE(s.Delete({1, 0}));
  EXPECT_EQ(s.first_id(), (StreamID{2, 0}));
  // A smaller ID does not lower max_deleted_id.
  EXPECT_EQ(s.max_deleted_id(), (StreamID{3, 0}));
  EXPECT_EQ(s.entries_added(), 5u);
  EXPECT_EQ(s.last_id(), (StreamID{5, 0}));
  // The tombstones stay in the node.
  EXPECT_EQ(NodeEntries(s), (std::vector<uint64_t>{5}));
}

TEST(StreamTest, DeletingLastLiveEntryOfNodeFreesIt) {
  StreamValue s;
  Fill(&s, 6, StreamLimits{4096, 3});
  ASSERT_EQ(s.NodeCount(), 2u);
  EXPECT_TRUE(s.Delete({4, 0}));
  EXPECT_TRUE(s.Delete({6, 0}));
  EXPECT_EQ(s.NodeCount(), 2u);
  EXPECT_TRUE(s.Delete({5, 0}));
  EXPECT_EQ(s.NodeCount(), 1u);
  EXPECT_EQ(s.last_id(), (StreamID{6, 0}));
  for (uint64_t i = 1; i <= 3; ++i) EXPECT_TRUE(s.Delete({i, 0}));
  EXPECT_EQ(s.NodeCount(), 0u);
  EXPECT_EQ(s.Length(), 0u);
  EXPECT_EQ(s.first_id(), StreamID::Min());
  EXPECT_EQ(s.max_deleted_id(), (StreamID{6, 0}));
  // Appending after that starts a new node with the new entry as master.
  Add(&s, {7, 0}, {"f", "x"}, StreamLimits{4096, 3});
  EXPECT_EQ(s.first_id(), (StreamID{7, 0}));
  EXPECT_EQ(Ids(s), Seq(7, 7));
}

TEST(StreamTest, ExactMaxLenTrimFlagsInsideFirstNode) {
  StreamValue s;
  Fill(&s, 100, StreamLimits{4096, 10});
  StreamTrim t;
  t.max_len = 55;
  EXPECT_EQ(s.Trim(t), 45u);
  EXPECT_EQ(s.Length(), 55u);
  EXPECT_EQ(s.first_id(), (StreamID{46, 0}));
  EXPECT_EQ(Ids(s), Seq(46, 100));
  // Four nodes went whole, the fifth keeps its five tombstones.
  EXPECT_EQ(NodeEntries(s).size(), 6u);
  EXPECT_EQ(NodeEntries(s)[0], 10u);
  EXPECT_EQ(s.max_deleted_id(), StreamID::Min());
  EXPECT_EQ(s.Trim(t), 0u);
}

TEST(StreamTest, ApproxMaxLenTrimRemovesWholeNodesOnly) {
  StreamValue s;
  Fill(&s, 100, StreamLimits{4096, 10});
  StreamTrim t;
  t.max_len = 55;
  t.approx = true;
  EXPECT_EQ(s.Trim(t), 40u);
  EXPECT_EQ(s.Length(), 60u);
  EXPECT_EQ(s.first_id(), (StreamID{41, 0}));
  EXPECT_EQ(s.NodeCount(), 6u);
}

TEST(StreamTest, TrimLimitStopsBeforeANodeThatWouldPassIt) {
  StreamValue s;
  Fill(&s, 100, StreamLimits{4096, 10});
  StreamTrim t;
  t.max_len = 0;
  t.approx = true;
  t.limit = 25;
  EXPECT_EQ(s.Trim(t), 20u);
  EXPECT_EQ(s.Length(), 80u);
  EXPECT_EQ(s.first_id(), (StreamID{21, 0}));
}

TEST(StreamTest, MaxLenZeroEmptiesTheStream) {
  StreamValue s;
  Fill(&s, 23, StreamLimits{4096, 10});
  StreamTrim t;
  EXPECT_EQ(s.Trim(t), 23u);
  EXPECT_EQ(s.Length(), 0u);
  EXPECT_EQ(s.NodeCount(), 0u);
  EXPECT_EQ(s.first_id(), StreamID::Min());
  EXPECT_EQ(s.last_id(), (StreamID{23, 0}));
}

TEST(StreamTest, ExactMinIdTrim) {
  StreamValue s;
  Fill(&s, 50, StreamLimits{4096, 10});
  StreamTrim t;
  t.strategy = StreamTrim::Strategy::kMinId;
  t.min_id = {27, 0};
  EXPECT_EQ(s.Trim(t), 26u);
  EXPECT_EQ(Ids(s), Seq(27, 50));
  EXPECT_EQ(s.first_id(), (StreamID{27, 0}));
  // Nothing below the bound is left: trimming again removes nothing.
  EXPECT_EQ(s.Trim(t), 0u);
}

TEST(StreamTest, ApproxMinIdTrim) {
  StreamValue s;
  Fill(&s, 50, StreamLimits{4096, 10});
  StreamTrim t;
  t.strategy = StreamTrim::Strategy::kMinId;
  t.min_id = {27, 0};
  t.approx = true;
  EXPECT_EQ(s.Trim(t), 20u);
  EXPECT_EQ(Ids(s), Seq(21, 50));
}

// As Redis: a node whose last entry is a tombstone at or past the bound is
// not removed whole; its live entries are flagged and the node stays.
TEST(StreamTest, MinIdTrimCanLeaveANodeOfTombstones) {
  StreamValue s;
  Fill(&s, 3, StreamLimits{});
  ASSERT_TRUE(s.Delete({3, 0}));
  StreamTrim t;
  t.strategy = StreamTrim::Strategy::kMinId;
  t.min_id = {3, 0};
  EXPECT_EQ(s.Trim(t), 2u);
  EXPECT_EQ(s.Length(), 0u);
  EXPECT_EQ(s.NodeCount(), 1u);
  EXPECT_EQ(s.first_id(), StreamID::Min());
  EXPECT_TRUE(Ids(s).empty());
  StreamEntry e;
  EXPECT_FALSE(s.First(&e));
  EXPECT_FALSE(s.Last(&e));
  // New entries still go to that node (it is not full).
  Add(&s, {4, 0}, {"f", "4"});
  EXPECT_EQ(s.NodeCount(), 1u);
  EXPECT_EQ(Ids(s), Seq(4, 4));
  EXPECT_EQ(s.first_id(), (StreamID{4, 0}));
}

// XSETID may lower last_id below a tombstone (it checks live entries only):
// the next entry then follows a deleted entry with a larger ID, and readers
// must skip tombstones before comparing IDs, as Redis's do.
TEST(StreamTest, EntriesAfterATombstoneWithALargerId) {
  StreamValue s;
  Add(&s, {1, 1}, {"a", "1"});
  Add(&s, {5, 5}, {"a", "2"});
  ASSERT_TRUE(s.Delete({5, 5}));
  s.set_last_id({3, 3});
  Add(&s, {4, 0}, {"b", "3"});
  EXPECT_EQ(Ids(s), (std::vector<StreamID>{{1, 1}, {4, 0}}));
  EXPECT_EQ(Ids(s, StreamID::Min(), StreamID::Max(), true),
            (std::vector<StreamID>{{4, 0}, {1, 1}}));
  EXPECT_EQ(Ids(s, {4, 0}, {4, 0}), (std::vector<StreamID>{{4, 0}}));
  EXPECT_TRUE(s.Delete({4, 0}));
  EXPECT_EQ(s.Length(), 1u);
}

// A node left with tombstones only, then XSETID below its master and an
// XADD: the new entry sits in that node below the node's key.
TEST(StreamTest, EntryBelowItsNodesMaster) {
  StreamValue s;
  for (uint64_t i = 1; i <= 3; ++i) Add(&s, {5, i}, {"f", "v"});
  ASSERT_TRUE(s.Delete({5, 3}));
  StreamTrim t;
  t.strategy = StreamTrim::Strategy::kMinId;
  t.min_id = {5, 3};
  ASSERT_EQ(s.Trim(t), 2u);
  s.set_last_id({1, 0});
  Add(&s, {2, 0}, {"f", "x"});
  EXPECT_EQ(s.NodeCount(), 1u);
  EXPECT_EQ(Ids(s, {2, 0}, {2, 0}), (std::vector<StreamID>{{2, 0}}));
  EXPECT_EQ(Ids(s, StreamID::Min(), {2, 0}, true), (std::vector<StreamID>{{2, 0}}));
  StreamEntry e;
  ASSERT_TRUE(s.Find({2, 0}, &e));
  EXPECT_EQ(Text(e.field_values[1]), "x");
  EXPECT_TRUE(s.Delete({2, 0}));
  EXPECT_EQ(s.NodeCount(), 0u);
}

TEST(StreamTest, RangeSkipsTombstonesBothWays) {
  StreamValue s;
  Fill(&s, 12, StreamLimits{4096, 4});
  for (uint64_t id : {1, 4, 5, 6, 9, 12}) ASSERT_TRUE(s.Delete({id, 0}));
  EXPECT_EQ(Ids(s), (std::vector<StreamID>{{2, 0}, {3, 0}, {7, 0}, {8, 0}, {10, 0}, {11, 0}}));
  EXPECT_EQ(Ids(s, StreamID::Min(), StreamID::Max(), true),
            (std::vector<StreamID>{{11, 0}, {10, 0}, {8, 0}, {7, 0}, {3, 0}, {2, 0}}));
  StreamEntry e;
  ASSERT_TRUE(s.First(&e));
  EXPECT_EQ(e.id, (StreamID{2, 0}));
  ASSERT_TRUE(s.Last(&e));
  EXPECT_EQ(e.id, (StreamID{11, 0}));
  EXPECT_FALSE(s.Find({5, 0}, &e));
  EXPECT_EQ(s.first_id(), (StreamID{2, 0}));
}

TEST(StreamTest, CloneIsIndependent) {
  StreamValue s;
  Fill(&s, 15, StreamLimits{4096, 4});
  s.Delete({2, 0});
  s.CreateGroup("g", {3, 0}, 3);
  std::unique_ptr<Object> copy_obj = s.Clone();
  auto* copy = static_cast<StreamValue*>(copy_obj.get());
  EXPECT_EQ(Ids(*copy), Ids(s));
  EXPECT_EQ(copy->Length(), 14u);
  EXPECT_EQ(copy->max_deleted_id(), (StreamID{2, 0}));
  EXPECT_EQ(copy->entries_added(), 15u);
  EXPECT_EQ(copy->first_id(), (StreamID{1, 0}));
  ASSERT_NE(copy->FindGroup("g"), nullptr);
  EXPECT_EQ(copy->FindGroup("g")->last_id(), (StreamID{3, 0}));
  copy->Delete({1, 0});
  Add(copy, {16, 0}, {"f", "x"});
  EXPECT_EQ(s.Length(), 14u);
  EXPECT_EQ(s.last_id(), (StreamID{15, 0}));
  EXPECT_EQ(copy->Length(), 14u);
  EXPECT_GT(s.MemoryUsage(), 15u * 4);
}

TEST(StreamTest, SettersForXsetidAndLoading) {
  StreamValue s;
  s.set_last_id({100, 5});
  s.set_max_deleted_id({50, 0});
  s.set_entries_added(77);
  EXPECT_EQ(s.last_id(), (StreamID{100, 5}));
  EXPECT_EQ(s.max_deleted_id(), (StreamID{50, 0}));
  EXPECT_EQ(s.entries_added(), 77u);
  Add(&s, {100, 6}, {"a", "b"});
  EXPECT_EQ(s.entries_added(), 78u);
  EXPECT_EQ(s.first_id(), (StreamID{100, 6}));
}

TEST(StreamTest, NodesRoundTripThroughAppendNode) {
  StreamValue s;
  Fill(&s, 9, StreamLimits{4096, 4});
  s.Delete({6, 0});
  StreamValue t;
  s.ForEachNode([&](StreamID master, std::string_view bytes) {
    ASSERT_TRUE(Listpack::Validate(bytes));
    t.AppendNode(master, Listpack::FromValidated(bytes));
  });
  t.set_length(s.Length());
  t.set_last_id(s.last_id());
  t.set_first_id(s.first_id());
  EXPECT_EQ(t.NodeCount(), 3u);
  EXPECT_EQ(Ids(t), Ids(s));
  EXPECT_TRUE(t.Delete({9, 0}));
  Add(&t, {10, 0}, {"f", "10"}, StreamLimits{4096, 4});
  EXPECT_EQ(Ids(t).back(), (StreamID{10, 0}));
}

// Random appends, deletions, exact trims and ranges against a plain map of
// the live entries, with small nodes so that node boundaries are crossed.
TEST(StreamTest, AgreesWithASimpleModel) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 20; ++round) {
    StreamValue s;
    std::map<StreamID, std::string> model;
    const StreamLimits limits{static_cast<size_t>(60 + rng() % 200), rng() % 6};
    uint64_t next_ms = 1;
    for (int step = 0; step < 400; ++step) {
      const int op = static_cast<int>(rng() % 10);
      if (op < 5) {
        next_ms += rng() % 3;
        const StreamID id{next_ms, rng() % 2};
        if (!(id > s.last_id())) continue;
        const std::string v = std::to_string(rng() % 1000);
        const std::string f = (rng() % 4 == 0) ? "other" : "f";
        s.Append(id, std::vector<std::string_view>{f, v}, limits);
        model[id] = f + "=" + v;
      } else if (op < 8 && !model.empty()) {
        auto it = model.begin();
        std::advance(it, static_cast<long>(rng() % model.size()));
        const StreamID id = it->first;
        ASSERT_TRUE(s.Delete(id));
        model.erase(it);
        ASSERT_FALSE(s.Delete(id));
      } else if (op == 8) {
        StreamTrim t;
        if (rng() % 2) {
          t.max_len = rng() % (model.size() + 2);
          while (model.size() > t.max_len) model.erase(model.begin());
        } else {
          t.strategy = StreamTrim::Strategy::kMinId;
          t.min_id = {rng() % (next_ms + 2), rng() % 2};
          while (!model.empty() && model.begin()->first < t.min_id) model.erase(model.begin());
        }
        s.Trim(t);
      } else {
        StreamID a{rng() % (next_ms + 2), rng() % 2}, b{rng() % (next_ms + 2), rng() % 2};
        if (b < a) std::swap(a, b);
        std::vector<StreamID> want;
        for (auto it = model.lower_bound(a); it != model.end() && it->first <= b; ++it) {
          want.push_back(it->first);
        }
        ASSERT_EQ(Ids(s, a, b), want);
        std::reverse(want.begin(), want.end());
        ASSERT_EQ(Ids(s, a, b, true), want);
      }
      ASSERT_EQ(s.Length(), model.size());
      ASSERT_EQ(s.first_id(), model.empty() ? StreamID::Min() : model.begin()->first);
    }
    std::vector<std::string> got, want;
    s.Range(StreamID::Min(), StreamID::Max(), false, [&](const StreamEntry& e) {
      got.push_back(Text(e.field_values[0]) + "=" + Text(e.field_values[1]));
      return true;
    });
    for (const auto& [id, fv] : model) want.push_back(fv);
    EXPECT_EQ(got, want);
  }
}

TEST(StreamTest, GroupsAreCreatedFoundAndDestroyed) {
  StreamValue s;
  EXPECT_EQ(s.FindGroup("g"), nullptr);
  StreamGroup* g = s.CreateGroup("g", {1, 0}, kStreamEntriesReadUnknown);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(s.CreateGroup("g", {2, 0}, 0), nullptr);
  EXPECT_EQ(s.FindGroup("g"), g);
  ASSERT_NE(s.CreateGroup("a", {0, 0}, 0), nullptr);
  std::vector<std::string> names;
  for (const auto& [name, group] : s.groups()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "g"}));
  EXPECT_TRUE(s.DestroyGroup("g"));
  EXPECT_FALSE(s.DestroyGroup("g"));
  EXPECT_EQ(s.FindGroup("g"), nullptr);
}

}  // namespace
}  // namespace osprey::types
