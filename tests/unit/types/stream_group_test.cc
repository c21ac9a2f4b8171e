#include "types/stream_group.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "types/stream.h"

namespace osprey::types {
namespace {

StreamConsumer* Consumer(StreamGroup& g, std::string_view name, int64_t now_ms = 100) {
  bool created;
  return g.FindOrCreateConsumer(name, now_ms, &created);
}

// Every PEL entry is owned by exactly one consumer and listed in its PEL
// under the same ID, pointing at the group's entry; no consumer lists more.
void ExpectConsistent(const StreamGroup& g) {
  size_t listed = 0;
  for (const auto& [name, c] : g.consumers()) {
    EXPECT_EQ(name, c->name);
    for (const auto& [id, entry] : c->pel) {
      auto it = g.pel().find(id);
      ASSERT_NE(it, g.pel().end()) << id.ToString();
      EXPECT_EQ(entry, &it->second);
      EXPECT_EQ(entry->consumer, c.get());
      ++listed;
    }
  }
  EXPECT_EQ(listed, g.pel().size());
}

TEST(StreamGroupTest, StartsWithGivenPositionAndNothingElse) {
  StreamGroup g({5, 1}, 3);
  EXPECT_EQ(g.last_id(), (StreamID{5, 1}));
  EXPECT_EQ(g.entries_read(), 3);
  EXPECT_TRUE(g.pel().empty());
  EXPECT_TRUE(g.consumers().empty());
  g.set_last_id({7, 0});
  g.set_entries_read(kStreamEntriesReadUnknown);
  EXPECT_EQ(g.last_id(), (StreamID{7, 0}));
  EXPECT_EQ(g.entries_read(), -1);
}

TEST(StreamGroupTest, FindOrCreateConsumerCreatesOnceWithSeenTime) {
  StreamGroup g({}, 0);
  bool created = false;
  StreamConsumer* alice = g.FindOrCreateConsumer("alice", 1234, &created);
  ASSERT_NE(alice, nullptr);
  EXPECT_TRUE(created);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->seen_time_ms, 1234);
  EXPECT_EQ(alice->active_time_ms, -1);
  EXPECT_EQ(g.FindOrCreateConsumer("alice", 9999, &created), alice);
  EXPECT_FALSE(created);
  EXPECT_EQ(alice->seen_time_ms, 1234);
  EXPECT_EQ(g.FindConsumer("alice"), alice);
  EXPECT_EQ(g.FindConsumer("bob"), nullptr);
}

TEST(StreamGroupTest, ConsumersAreOrderedByName) {
  StreamGroup g({}, 0);
  Consumer(g, "zed");
  Consumer(g, "amy");
  Consumer(g, "Bob");
  std::vector<std::string> names;
  for (const auto& [name, c] : g.consumers()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"Bob", "amy", "zed"}));
}

TEST(StreamGroupTest, AddPendingListsEntryInBothPels) {
  StreamGroup g({}, 0);
  StreamConsumer* alice = Consumer(g, "alice");
  StreamPendingEntry* e = g.AddPending({1, 0}, alice, 500);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->delivery_time_ms, 500);
  EXPECT_EQ(e->delivery_count, 1u);
  EXPECT_EQ(e->consumer, alice);
  EXPECT_EQ(g.FindPending({1, 0}), e);
  EXPECT_EQ(g.FindPending({1, 1}), nullptr);
  EXPECT_EQ(alice->pel.size(), 1u);
  ExpectConsistent(g);
}

TEST(StreamGroupTest, AddPendingAgainMovesEntryAndResetsCount) {
  StreamGroup g({}, 0);
  StreamConsumer* alice = Consumer(g, "alice");
  StreamConsumer* bob = Consumer(g, "bob");
  StreamPendingEntry* e = g.AddPending({1, 0}, alice, 500);
  e->delivery_count = 7;
  StreamPendingEntry* again = g.AddPending({1, 0}, bob, 800);
  EXPECT_EQ(again, e);
  EXPECT_EQ(e->consumer, bob);
  EXPECT_EQ(e->delivery_count, 1u);
  EXPECT_EQ(e->delivery_time_ms, 800);
  EXPECT_TRUE(alice->pel.empty());
  EXPECT_EQ(bob->pel.size(), 1u);
  // The same consumer again: still one entry, count reset.
  e->delivery_count = 3;
  g.AddPending({1, 0}, bob, 900);
  EXPECT_EQ(e->delivery_count, 1u);
  EXPECT_EQ(bob->pel.size(), 1u);
  ExpectConsistent(g);
}

TEST(StreamGroupTest, EntryWithoutOwnerGetsOneThroughChangeOwner) {
  StreamGroup g({}, 0);
  StreamPendingEntry* e = g.AddPending({2, 0}, nullptr, 10);
  EXPECT_EQ(e->consumer, nullptr);
  StreamConsumer* alice = Consumer(g, "alice");
  g.ChangeOwner(e, {2, 0}, alice);
  EXPECT_EQ(e->consumer, alice);
  EXPECT_EQ(alice->pel.count({2, 0}), 1u);
  ExpectConsistent(g);
}

TEST(StreamGroupTest, ChangeOwnerMovesBetweenConsumerPels) {
  StreamGroup g({}, 0);
  StreamConsumer* alice = Consumer(g, "alice");
  StreamConsumer* bob = Consumer(g, "bob");
  StreamPendingEntry* e = g.AddPending({3, 0}, alice, 10);
  e->delivery_count = 4;
  g.ChangeOwner(e, {3, 0}, bob);
  EXPECT_EQ(e->consumer, bob);
  EXPECT_EQ(e->delivery_count, 4u);  // ChangeOwner leaves the counters alone
  EXPECT_TRUE(alice->pel.empty());
  EXPECT_EQ(bob->pel.size(), 1u);
  g.ChangeOwner(e, {3, 0}, bob);  // same owner: nothing changes
  EXPECT_EQ(bob->pel.size(), 1u);
  ExpectConsistent(g);
}

TEST(StreamGroupTest, AcknowledgeRemovesFromBothPels) {
  StreamGroup g({}, 0);
  StreamConsumer* alice = Consumer(g, "alice");
  g.AddPending({1, 0}, alice, 1);
  g.AddPending({2, 0}, alice, 1);
  EXPECT_TRUE(g.Acknowledge({1, 0}));
  EXPECT_FALSE(g.Acknowledge({1, 0}));
  EXPECT_FALSE(g.Acknowledge({9, 9}));
  EXPECT_EQ(g.pel().size(), 1u);
  EXPECT_EQ(alice->pel.size(), 1u);
  EXPECT_EQ(alice->pel.begin()->first, (StreamID{2, 0}));
  ExpectConsistent(g);
}

TEST(StreamGroupTest, DeleteConsumerDropsItsPendingEntries) {
  StreamGroup g({}, 0);
  StreamConsumer* alice = Consumer(g, "alice");
  StreamConsumer* bob = Consumer(g, "bob");
  g.AddPending({1, 0}, alice, 1);
  g.AddPending({2, 0}, bob, 1);
  g.AddPending({3, 0}, alice, 1);
  EXPECT_EQ(g.DeleteConsumer("alice"), 2);
  EXPECT_EQ(g.FindConsumer("alice"), nullptr);
  EXPECT_EQ(g.pel().size(), 1u);
  EXPECT_NE(g.FindPending({2, 0}), nullptr);
  EXPECT_EQ(g.DeleteConsumer("alice"), -1);
  EXPECT_EQ(g.DeleteConsumer("bob"), 1);
  EXPECT_TRUE(g.pel().empty());
  EXPECT_TRUE(g.consumers().empty());
}

TEST(StreamGroupTest, CloneIsDeepAndRelinksOwners) {
  StreamGroup g({10, 2}, 5);
  StreamConsumer* alice = Consumer(g, "alice", 50);
  StreamConsumer* bob = Consumer(g, "bob", 60);
  alice->active_time_ms = 55;
  g.AddPending({1, 0}, alice, 11)->delivery_count = 3;
  g.AddPending({2, 0}, bob, 12);
  g.AddPending({4, 0}, alice, 13);
  std::unique_ptr<StreamGroup> copy = g.Clone();
  EXPECT_EQ(copy->last_id(), (StreamID{10, 2}));
  EXPECT_EQ(copy->entries_read(), 5);
  ASSERT_EQ(copy->consumers().size(), 2u);
  ASSERT_EQ(copy->pel().size(), 3u);
  ExpectConsistent(*copy);
  StreamConsumer* alice2 = copy->FindConsumer("alice");
  ASSERT_NE(alice2, nullptr);
  EXPECT_NE(alice2, alice);
  EXPECT_EQ(alice2->seen_time_ms, 50);
  EXPECT_EQ(alice2->active_time_ms, 55);
  EXPECT_EQ(alice2->pel.size(), 2u);
  const StreamPendingEntry* e = copy->FindPending({1, 0});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->consumer, alice2);
  EXPECT_EQ(e->delivery_count, 3u);
  EXPECT_EQ(e->delivery_time_ms, 11);
  // Changing the copy leaves the original alone.
  EXPECT_TRUE(copy->Acknowledge({1, 0}));
  EXPECT_EQ(copy->DeleteConsumer("bob"), 1);
  EXPECT_EQ(g.pel().size(), 3u);
  EXPECT_EQ(alice->pel.size(), 2u);
  EXPECT_NE(g.FindConsumer("bob"), nullptr);
  ExpectConsistent(g);
}

TEST(StreamGroupTest, MemoryUsageGrowsWithPelAndConsumers) {
  StreamGroup g({}, 0);
  const size_t empty = g.MemoryUsage();
  EXPECT_GE(empty, sizeof(StreamGroup));
  StreamConsumer* alice = Consumer(g, "alice");
  const size_t one_consumer = g.MemoryUsage();
  EXPECT_GT(one_consumer, empty);
  for (uint64_t i = 1; i <= 100; ++i) g.AddPending({i, 0}, alice, 1);
  const size_t with_pel = g.MemoryUsage();
  EXPECT_GT(with_pel, one_consumer + 100 * sizeof(StreamPendingEntry));
  Consumer(g, std::string(100, 'x'));
  EXPECT_GT(g.MemoryUsage(), with_pel + 200);
}

}  // namespace
}  // namespace osprey::types

// --- entries-read and lag ---

namespace osprey::types {
namespace {

void Add(StreamValue& s, uint64_t ms) {
  const std::string_view fv[] = {"f", "v"};
  s.Append({ms, 0}, fv, StreamLimits{});
}

int64_t Lag(const StreamValue& s, const StreamGroup& g) {
  int64_t lag = -100;
  return StreamGroupLag(s, g, &lag) ? lag : -1;  // -1: unknown (XINFO's null)
}

TEST(StreamGroupLagTest, EmptyNeverUsedStreamHasNoLag) {
  StreamValue s;
  StreamGroup g({}, kStreamEntriesReadUnknown);
  EXPECT_EQ(Lag(s, g), 0);
  EXPECT_EQ(StreamEntriesReadAt(s, {5, 0}), 0);
  EXPECT_FALSE(StreamRangeHasTombstones(s, StreamID::Min(), StreamID::Max()));
}

TEST(StreamGroupLagTest, CountsFromTheFirstEntryWithoutDeletions) {
  StreamValue s;
  for (uint64_t ms = 1; ms <= 5; ++ms) Add(s, ms);
  // A group made at "0" knows nothing yet but can be estimated.
  StreamGroup g({0, 0}, kStreamEntriesReadUnknown);
  EXPECT_EQ(StreamEntriesReadAt(s, {0, 0}), 0);   // before the first entry
  EXPECT_EQ(StreamEntriesReadAt(s, {1, 0}), 1);   // the first entry
  EXPECT_EQ(StreamEntriesReadAt(s, {3, 0}), -1);  // in the middle: unknown
  EXPECT_EQ(StreamEntriesReadAt(s, {5, 0}), 5);   // the last ID
  EXPECT_EQ(StreamEntriesReadAt(s, {9, 0}), -1);  // the future
  EXPECT_EQ(Lag(s, g), 5);
  g.AdvanceLastId(s, {1, 0});
  EXPECT_EQ(g.entries_read(), 1);  // estimated: the first entry
  EXPECT_EQ(Lag(s, g), 4);
  g.AdvanceLastId(s, {2, 0});
  EXPECT_EQ(g.entries_read(), 2);  // counted
  EXPECT_EQ(g.last_id(), (StreamID{2, 0}));
  EXPECT_EQ(Lag(s, g), 3);
  Add(s, 6);
  EXPECT_EQ(Lag(s, g), 4);
}

TEST(StreamGroupLagTest, DeletionAheadMakesTheLagUnknownUntilTheEnd) {
  StreamValue s;
  for (uint64_t ms = 1; ms <= 5; ++ms) Add(s, ms);
  ASSERT_TRUE(s.Delete({3, 0}));
  EXPECT_TRUE(StreamRangeHasTombstones(s, StreamID::Min(), StreamID::Max()));
  EXPECT_TRUE(StreamRangeHasTombstones(s, {3, 0}, {3, 0}));
  EXPECT_FALSE(StreamRangeHasTombstones(s, {4, 0}, StreamID::Max()));
  StreamGroup g({0, 0}, kStreamEntriesReadUnknown);
  EXPECT_EQ(Lag(s, g), -1);
  g.AdvanceLastId(s, {1, 0});
  EXPECT_EQ(g.entries_read(), -1);  // a hole ahead: cannot tell
  EXPECT_EQ(Lag(s, g), -1);
  g.AdvanceLastId(s, {5, 0});
  EXPECT_EQ(g.entries_read(), 5);  // the last ID is always known
  EXPECT_EQ(Lag(s, g), 0);
}

TEST(StreamGroupLagTest, DeletionBeforeTheFirstEntryDoesNotCount) {
  StreamValue s;
  for (uint64_t ms = 1; ms <= 5; ++ms) Add(s, ms);
  ASSERT_TRUE(s.Delete({1, 0}));
  // The largest deleted ID is before the first live one: no hole.
  EXPECT_FALSE(StreamRangeHasTombstones(s, StreamID::Min(), StreamID::Max()));
  EXPECT_EQ(StreamEntriesReadAt(s, {2, 0}), 2);
  EXPECT_EQ(StreamEntriesReadAt(s, {1, 5}), 1);
  StreamGroup g({0, 0}, kStreamEntriesReadUnknown);
  EXPECT_EQ(Lag(s, g), 4);
}

TEST(StreamGroupLagTest, KnownCounterKeepsCountingPastOldDeletions) {
  StreamValue s;
  for (uint64_t ms = 1; ms <= 5; ++ms) Add(s, ms);
  ASSERT_TRUE(s.Delete({2, 0}));
  StreamGroup g({3, 0}, 3);  // ENTRIESREAD 3 at 3-0
  EXPECT_EQ(Lag(s, g), 2);   // the deletion is behind the group
  g.AdvanceLastId(s, {4, 0});
  EXPECT_EQ(g.entries_read(), 4);
  EXPECT_EQ(Lag(s, g), 1);
}

TEST(StreamGroupLagTest, EmptiedStreamKnowsEveryPastId) {
  StreamValue s;
  for (uint64_t ms = 1; ms <= 3; ++ms) Add(s, ms);
  for (uint64_t ms = 1; ms <= 3; ++ms) ASSERT_TRUE(s.Delete({ms, 0}));
  EXPECT_EQ(s.Length(), 0u);
  EXPECT_EQ(StreamEntriesReadAt(s, {2, 0}), 3);
  EXPECT_EQ(StreamEntriesReadAt(s, {4, 0}), -1);
  StreamGroup g({1, 0}, kStreamEntriesReadUnknown);
  EXPECT_EQ(Lag(s, g), 0);
}

}  // namespace
}  // namespace osprey::types
