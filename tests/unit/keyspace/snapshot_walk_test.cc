// SnapshotWalk: every key alive at the start is handed over exactly once,
// with the value it had then, whatever writes happen while the walk runs.
#include "keyspace/snapshot_walk.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "keyspace/keyspace.h"
#include "keyspace/string_value.h"

namespace osprey::keyspace {
namespace {

// Records what it is given: (db, key) -> value, failing on a repeat.
class Recorder final : public SnapshotVisitor {
 public:
  void OnDatabase(int db, size_t keys, size_t) override { sizes[db] = keys; }
  void OnEntry(int db, Entry e) override {
    char buf[32];
    const auto [it, added] =
        seen.emplace(std::make_pair(db, std::string(e.key())), std::string(StringOf(e, buf)));
    EXPECT_TRUE(added) << "handed over twice: " << e.key();
  }
  std::map<std::pair<int, std::string>, std::string> seen;
  std::map<int, size_t> sizes;
};

std::string Key(int i) { return "key:" + std::to_string(i); }

TEST(SnapshotWalkTest, HandsOverEveryKeyOnceAcrossDatabases) {
  Keyspace ks(3, 7);
  for (int i = 0; i < 500; ++i) ks.db(0).Add(Key(i), EncodeStringValue("a"));
  for (int i = 0; i < 20; ++i) ks.db(2).Add(Key(i), EncodeStringValue("c"));
  Recorder rec;
  {
    SnapshotWalk walk(&ks, &rec);
    EXPECT_EQ(ks.snapshot(), &walk);
    size_t steps = 0;
    while (!walk.Step(10)) ++steps;
    EXPECT_GT(steps, 10u);  // it really went in slices
    EXPECT_EQ(walk.entries_emitted(), 520u);
  }
  EXPECT_EQ(ks.snapshot(), nullptr);
  EXPECT_EQ(rec.seen.size(), 520u);
  EXPECT_EQ(rec.sizes.count(1), 0u);  // empty databases are not announced
  EXPECT_EQ(rec.sizes[0], 500u);
}

TEST(SnapshotWalkTest, WritesDuringTheWalkDoNotChangeTheImage) {
  Keyspace ks(2, 11);
  Db& db = ks.db(0);
  for (int i = 0; i < 2000; ++i) db.Add(Key(i), EncodeStringValue("old"));
  Recorder rec;
  SnapshotWalk walk(&ks, &rec);
  ASSERT_FALSE(walk.Step(50));
  for (int i = 0; i < 2000; i += 3) {
    db.Overwrite(db.LookupWrite(Key(i)), EncodeStringValue("new"), false);
  }
  for (int i = 1; i < 2000; i += 7) db.Delete(Key(i));
  for (int i = 0; i < 300; ++i) db.Add("born:" + std::to_string(i), EncodeStringValue("x"));
  // Many inserts while the walk runs: the table must not move keys around.
  const size_t buckets = db.table().bucket_count();
  EXPECT_EQ(db.table().bucket_count(), buckets);
  walk.Finish();
  EXPECT_EQ(rec.seen.size(), 2000u);
  for (int i = 0; i < 2000; ++i) {
    const auto it = rec.seen.find({0, Key(i)});
    ASSERT_NE(it, rec.seen.end()) << Key(i);
    EXPECT_EQ(it->second, "old") << Key(i);
  }
  EXPECT_GT(walk.entries_early(), 0u);
}

TEST(SnapshotWalkTest, KeyRemovedAndAddedAgainKeepsItsOldValue) {
  Keyspace ks(1, 3);
  Db& db = ks.db(0);
  for (int i = 0; i < 100; ++i) db.Add(Key(i), EncodeStringValue("v" + std::to_string(i)));
  Recorder rec;
  SnapshotWalk walk(&ks, &rec);
  db.Delete(Key(42));
  db.Add(Key(42), EncodeStringValue("again"));
  db.Delete(Key(42));
  db.Add(Key(42), EncodeStringValue("and again"));
  walk.Finish();
  EXPECT_EQ((rec.seen[{0, Key(42)}]), "v42");
  EXPECT_EQ(rec.seen.size(), 100u);
}

TEST(SnapshotWalkTest, KeyMovedToAnotherDatabaseIsInTheOldOneOnly) {
  Keyspace ks(2, 5);
  for (int i = 0; i < 50; ++i) ks.db(0).Add(Key(i), EncodeStringValue("zero"));
  Recorder rec;
  SnapshotWalk walk(&ks, &rec);
  // A MOVE: looked up for writing in both, erased here, added there.
  ks.db(1).LookupWrite(Key(3));
  ks.db(0).Erase(ks.db(0).LookupWrite(Key(3)));
  ks.db(1).Add(Key(3), EncodeStringValue("zero"));
  walk.Finish();
  EXPECT_EQ(rec.seen.count({0, Key(3)}), 1u);
  EXPECT_EQ(rec.seen.count({1, Key(3)}), 0u);
}

TEST(SnapshotWalkTest, ExpiredKeysRemovedDuringTheWalkAreStillInTheImage) {
  Keyspace ks(1, 9);
  ks.set_now_ms(1000);
  Db& db = ks.db(0);
  for (int i = 0; i < 200; ++i) db.Add(Key(i), EncodeStringValue("t"), 2000);
  Recorder rec;
  SnapshotWalk walk(&ks, &rec);
  ks.set_now_ms(5000);
  while (db.ExpireStep(1000).second > 0) {
  }
  EXPECT_EQ(db.size(), 0u);
  walk.Finish();
  EXPECT_EQ(rec.seen.size(), 200u);
}

TEST(SnapshotWalkTest, TablesResizeAgainAfterTheWalk) {
  Keyspace ks(1, 13);
  Db& db = ks.db(0);
  Recorder rec;
  size_t frozen;
  {
    SnapshotWalk walk(&ks, &rec);
    frozen = db.table().bucket_count();
    for (int i = 0; i < 5000; ++i) db.Add(Key(i), EncodeStringValue("x"));
    EXPECT_EQ(db.table().bucket_count(), frozen);
    walk.Finish();
    EXPECT_TRUE(rec.seen.empty());  // all born after the start
  }
  for (int i = 5000; i < 6000; ++i) db.Add(Key(i), EncodeStringValue("x"));
  EXPECT_GT(db.table().bucket_count(), frozen);
  for (int i = 0; i < 6000; ++i) ASSERT_TRUE(db.LookupRead(Key(i))) << i;
}

}  // namespace
}  // namespace osprey::keyspace

namespace osprey::keyspace {
namespace {

// Records which hook each key arrived through.
class HookRecorder final : public SnapshotVisitor {
 public:
  void OnDatabase(int, size_t, size_t) override {}
  void OnEntry(int, Entry e) override { walked.emplace(e.key()); }
  void OnEntryBeforeChange(int, Entry e) override { early.emplace(e.key()); }
  void BeforeHandedOverChange(int db, std::string_view key) override {
    changed_after.emplace_back(db, std::string(key));
  }
  std::set<std::string> walked;
  std::set<std::string> early;
  std::vector<std::pair<int, std::string>> changed_after;
};

TEST(SnapshotWalkTest, WritesAheadOfTheWalkAndBehindItReachTheirHooks) {
  Keyspace ks(2, 5);
  Db& db = ks.db(0);
  for (int i = 0; i < 1000; ++i) db.Add(Key(i), EncodeStringValue("v"));
  ks.db(1).Add("other", EncodeStringValue("v"));
  HookRecorder rec;
  SnapshotWalk walk(&ks, &rec);
  ASSERT_FALSE(walk.Step(300));
  const std::set<std::string> walked_before = rec.walked;
  ASSERT_FALSE(walked_before.empty());
  // A key the walk has handed over: the visitor hears of the change.
  const std::string behind = *walked_before.begin();
  db.Overwrite(db.LookupWrite(behind), EncodeStringValue("new"), false);
  ASSERT_FALSE(rec.changed_after.empty());  // the lookup and the write each tell
  for (const auto& c : rec.changed_after) EXPECT_EQ(c, std::make_pair(0, behind));
  // A key not reached yet comes through OnEntryBeforeChange, once.
  std::string ahead;
  for (int i = 0; i < 1000 && ahead.empty(); ++i) {
    if (!walked_before.count(Key(i))) ahead = Key(i);
  }
  ASSERT_FALSE(ahead.empty());
  db.Overwrite(db.LookupWrite(ahead), EncodeStringValue("new"), false);
  db.Overwrite(db.LookupWrite(ahead), EncodeStringValue("newer"), false);
  EXPECT_EQ(rec.early, std::set<std::string>{ahead});
  // A key born after the start has no value to hand over; once handled it
  // is not reported again.
  db.Add("born", EncodeStringValue("x"));
  walk.Finish();
  EXPECT_EQ(rec.walked.size() + rec.early.size(), 1001u);
  EXPECT_FALSE(rec.walked.count(ahead));
  // Database 1 is done once the walk is past it.
  rec.changed_after.clear();
  ks.db(1).Delete("other");
  ASSERT_FALSE(rec.changed_after.empty());
  for (const auto& c : rec.changed_after) EXPECT_EQ(c, std::make_pair(1, std::string("other")));
}

}  // namespace
}  // namespace osprey::keyspace
